//! The Monte Carlo engine: pure, no I/O. The only module that draws random numbers.
//!
//! All paths advance together year by year; each year's statistics are taken on the spot and
//! only what later views need is kept, so memory is O(paths) whatever the horizon. Paths are
//! split into fixed chunks, each with its own random streams, so results do not depend on the
//! number of threads.

mod chi_squared;
mod fastexp;
pub mod inputs;
mod kernel;
mod percentiles;
pub mod rng;
mod step;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rand::RngExt;
use rayon::prelude::*;

use crate::scenario::Scenario;
use crate::scenario::bounds::REVENUE_CEILING;
use crate::scenario::uncertain::{PACE, outcome_key};
pub use inputs::DrawCache;
use inputs::{InputSampler, KeyDraw, Resample};
use kernel::EventCodes;
use percentiles::YearPercentiles;
use rng::Generator;
use step::{ChunkState, CompiledEvent, EffectTables, Model, PathInputs, YearAccumulator, YearPlan};

/// Paths per chunk: the unit of parallel work and of random-stream seeding. Fixed, so results
/// do not depend on the number of threads.
pub const CHUNK: usize = 2048;
// Offsets within a chunk are held as u16 (see `draw_path_inputs`).
const _: () = assert!(CHUNK <= 1 << 16);
/// Default seed (the date of the £1bn claim), printed with every output.
pub const DEFAULT_SEED: u64 = 20_241_010;
pub const DEFAULT_PATHS: usize = 100_000;
/// Whole paths kept for spaghetti plots.
pub const DEFAULT_SAMPLE_PATHS: usize = 50;
/// Mean growth is clamped here so that 1 + m stays positive.
pub const MIN_GROWTH: f64 = -0.99;
/// Percentiles reported each year.
pub const PERCENTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSettings {
    pub paths: usize,
    pub seed: u64,
    pub sample_paths: usize,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            paths: DEFAULT_PATHS,
            seed: DEFAULT_SEED,
            sample_paths: DEFAULT_SAMPLE_PATHS,
        }
    }
}

/// Hooks for long runs: cancellation (checked before every chunk of every year, so a run stops
/// within one chunk's work per thread; a run that is not cancelled is unaffected) and progress
/// (years done, total).
#[derive(Default, Clone, Copy)]
pub struct RunControl<'a> {
    pub cancel: Option<&'a AtomicBool>,
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
    /// Inputs' draws to take from and keep for the next run of the same analysis.
    pub draws: Option<&'a DrawCache>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("the simulation was cancelled")]
    Cancelled,
    #[error("the number of paths must be at least 1")]
    NoPaths,
    /// Revenue passed the most the program reports (see `scenario::bounds`), where validation
    /// cannot bound it: Student-t tails.
    #[error(
        "revenue passed 1e100 £m in {year} on some simulated path, so the results would not be \
         finite or exact; likely cause: {cause}"
    )]
    OutOfRange { year: i32, cause: &'static str },
}

/// What carries revenue out of range once validation has bounded everything else (capacity
/// only ever slows growth, so it cannot).
const OUT_OF_RANGE_CAUSE: &str = "fat tails: growth.shocks or growth.initial_distribution = \
     { student_t = ν } with a small ν, with a high growth.volatility, growth.persistence, \
     growth.initial_uncertainty or event volatility multiplier; lower them, raise ν or shorten \
     market.horizon";

/// Summary of revenue across paths in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct YearStats {
    pub year: i32,
    pub mean: f64,
    pub sd: f64,
    /// At [`PERCENTILES`]: p5, p10, p25, p50, p75, p90, p95.
    pub percentiles: [f64; 7],
    pub min: f64,
    pub max: f64,
    /// Share of paths with revenue ≥ target in this year.
    pub p_target: f64,
}

impl YearStats {
    pub fn p5(&self) -> f64 {
        self.percentiles[0]
    }
    pub fn p10(&self) -> f64 {
        self.percentiles[1]
    }
    pub fn p25(&self) -> f64 {
        self.percentiles[2]
    }
    pub fn median(&self) -> f64 {
        self.percentiles[3]
    }
    pub fn p75(&self) -> f64 {
        self.percentiles[4]
    }
    pub fn p90(&self) -> f64 {
        self.percentiles[5]
    }
    pub fn p95(&self) -> f64 {
        self.percentiles[6]
    }
}

/// The outcomes one event drew, path by path, kept as the engine uses them: one code per path
/// for the (outcome, start year) pair, and the table that decodes it. Two arrays of a byte and
/// four bytes per path cost a run more time to fill and fault in than decoding costs later.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraws {
    pub event_id: String,
    pub outcome_ids: Vec<String>,
    /// Per path, the code of its drawn (outcome, start year): shared with the draw cache
    /// where the run took it from one, rather than copied.
    codes: Arc<Vec<u16>>,
    /// Per code, the outcome (an index into `outcome_ids`, or [`NO_OUTCOME`]) and the year it
    /// starts (after delay; 0 for [`NO_OUTCOME`]).
    decode: Vec<(u8, i32)>,
}

impl EventDraws {
    /// Paths drawn.
    pub fn len(&self) -> usize {
        self.codes.len()
    }
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
    /// Path `i`'s outcome: an index into `outcome_ids`, or [`NO_OUTCOME`].
    pub fn outcome(&self, i: usize) -> u8 {
        self.decode[usize::from(self.codes[i])].0
    }
    /// Each path's outcome, in path order.
    pub fn outcomes(&self) -> impl Iterator<Item = u8> + '_ {
        self.codes.iter().map(|&c| self.decode[usize::from(c)].0)
    }
    /// Each path's outcome group, for tables by outcome: its index into `outcome_ids`, or
    /// `outcome_ids.len()` where nothing happened.
    pub fn groups(&self) -> impl Iterator<Item = usize> + '_ {
        let nothing = self.outcome_ids.len();
        self.outcomes().map(move |o| {
            if o == NO_OUTCOME {
                nothing
            } else {
                usize::from(o)
            }
        })
    }
    /// Each path's start year (after delay; 0 where nothing happens), in path order.
    pub fn start_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.codes.iter().map(|&c| self.decode[usize::from(c)].1)
    }
}

/// Marks a path on which an event drew "nothing happens".
pub const NO_OUTCOME: u8 = u8::MAX;

/// Everything later stages need from one run.
#[derive(Debug, Clone)]
pub struct Projection {
    pub scenario: Scenario,
    pub settings: RunSettings,
    /// One entry per simulated year, start_year+1 ..= horizon.
    pub years: Vec<YearStats>,
    /// Revenue in the target year, per path.
    pub target_values: Vec<f64>,
    /// First year in which revenue ≥ target, per path; 0 = not by the horizon.
    pub first_passage: Vec<i32>,
    pub events: Vec<EventDraws>,
    /// Sampled initial growth r0 per path (for sensitivity), shared with the draw cache
    /// where the run took it from one.
    pub initial_growth: Arc<Vec<f64>>,
    /// The first few whole paths, revenue from start_year to horizon.
    pub sample_paths: Vec<Vec<f64>>,
}

impl Projection {
    /// Drops each path's starting pace and event draws, which only the analyses read (the
    /// variance shares and the event attribution): a holder of many runs keeps the rest.
    pub fn drop_path_inputs(&mut self) {
        self.initial_growth = Arc::default();
        for e in &mut self.events {
            e.codes = Arc::default();
        }
    }

    pub fn paths(&self) -> usize {
        self.settings.paths
    }
    pub fn year(&self, year: i32) -> Option<&YearStats> {
        self.years.iter().find(|y| y.year == year)
    }
}

/// Bytes a run holds per path, measured (peak resident size over paths, 1–4 million paths):
/// revenue, AR state, initial growth and the target-year copy (8 each), first passage (4),
/// with room for the statistics' working copies.
pub const BYTES_PER_PATH: u64 = 48;
/// Bytes per path and event: the code of its outcome and start year (2), and the outcome group
/// the attribution table sorts paths by (1).
pub const BYTES_PER_PATH_EVENT: u64 = 3;

/// Bytes per path and uncertain input held for the whole run (its draw, in single precision);
/// an outcome's probability is drawn a chunk at a time and not held.
pub const BYTES_PER_PATH_INPUT: u64 = 4;

/// Memory a run needs whatever its size: the program, worker threads, and chart buffers (a 4K
/// PNG is 25 MB).
pub const MEMORY_OVERHEAD: u64 = 96 << 20;

/// Estimated peak memory of simulating `scenario` on `paths` paths.
pub fn memory_estimate(scenario: &Scenario, paths: usize) -> u64 {
    let held = scenario
        .uncertain
        .keys()
        .filter(|k| k.as_str() != crate::scenario::uncertain::PACE && !k.ends_with(".probability"))
        .count() as u64;
    paths as u64
        * (BYTES_PER_PATH
            + BYTES_PER_PATH_EVENT * scenario.events.len() as u64
            + BYTES_PER_PATH_INPUT * held)
}

/// Run the simulation on the current rayon pool.
pub fn simulate(
    scenario: &Scenario,
    settings: RunSettings,
    control: RunControl,
) -> Result<Projection, SimError> {
    simulate_resampled(scenario, settings, control, None)
}

/// [`simulate`], with one component's streams drawn from another seed (see [`Resample`]).
pub fn simulate_resampled(
    scenario: &Scenario,
    settings: RunSettings,
    control: RunControl,
    resample: Option<Resample>,
) -> Result<Projection, SimError> {
    if settings.paths == 0 {
        return Err(SimError::NoPaths);
    }
    let model = Model::new(scenario);
    let n = settings.paths;
    let seed = settings.seed;
    let years: Vec<i32> = (scenario.market.start_year + 1..=scenario.market.horizon).collect();
    let sampler = InputSampler::new(scenario, seed, resample).with_cache(control.draws, n);

    // Path-indexed state, one contiguous array per quantity; chunk c owns [c·CHUNK, (c+1)·CHUNK).
    let initial_growth = sampler.held(PACE, n);
    // Each event's codes, with what names them for the cache: everything that makes them.
    let (draws, code_ids): (Vec<Arc<Vec<u16>>>, Vec<String>) = model
        .events
        .iter()
        .zip(&scenario.events)
        .map(|(ev, event)| {
            let probabilities = EventProbabilities::of(scenario, event, &sampler);
            let seed = inputs::seed_for(seed, resample, ev.stream);
            let id = format!(
                "{seed} {} {n} {:?} {:?} {}",
                ev.stream,
                ev.cumulative,
                ev.decode_table(),
                probabilities.as_ref().map_or(String::new(), |p| p.id(n))
            );
            let codes = sampler.whole(format!("codes {id}"), n, || {
                draw_event(ev, seed, n, probabilities.as_ref())
            });
            (codes, id)
        })
        .unzip();
    let codes = EventCodes::new(draws.iter().map(|d| d.as_slice()).collect());
    let path_inputs = draw_path_inputs(&model, scenario, &sampler, (&draws, &code_ids), n);
    let mut revenue = if model.by_path.start_revenue {
        sampler.column("market.start_revenue", n)
    } else {
        control.path_array(n, model.start_revenue)
    };
    let mut ar = control.path_array(n, 0.0);
    let mut first_passage = control.path_array(n, 0i32);
    let shock_seed = inputs::seed_for(seed, resample, rng::SHOCKS);
    let mut generators: Vec<Generator> = (0..n.div_ceil(CHUNK))
        .map(|c| rng::generator(shock_seed, rng::SHOCKS, c as u64))
        .collect();
    let mut target_values = Vec::new();

    let n_samples = settings.sample_paths.min(n);
    let mut sample_paths: Vec<Vec<f64>> = revenue[..n_samples]
        .iter()
        .map(|&r| {
            let mut v = Vec::with_capacity(years.len() + 1);
            v.push(r);
            v
        })
        .collect();

    let target_is_last = years.last() == Some(&model.target_year);
    let mut percentiles = YearPercentiles::new(&model, n);
    for (done, &year) in years.iter().enumerate() {
        if cancelled(control) {
            return Err(SimError::Cancelled);
        }
        let tables = EffectTables::for_year(&model, year);
        let plan = YearPlan {
            model: &model,
            growth: model.growth_constants(year),
            tables: &tables,
            buckets: percentiles.layout(),
            gather: percentiles.to_gather(),
        };
        let acc = revenue
            .par_chunks_mut(CHUNK)
            .zip(ar.par_chunks_mut(CHUNK))
            .zip(first_passage.par_chunks_mut(CHUNK))
            .zip(generators.par_iter_mut())
            .enumerate()
            .fold(
                || YearAccumulator::new(&plan),
                |mut acc, (index, (((revenue, ar), first_passage), shocks))| {
                    // Cancelled mid-year: skip the remaining chunks; the year is then dropped.
                    if cancelled(control) {
                        return acc;
                    }
                    let state = ChunkState {
                        revenue,
                        ar,
                        first_passage,
                        shocks,
                    };
                    step::advance(
                        &plan,
                        &mut acc,
                        index,
                        state,
                        &initial_growth,
                        &codes,
                        &path_inputs,
                    );
                    acc
                },
            )
            .reduce_with(YearAccumulator::combine)
            .expect("at least one chunk");
        if cancelled(control) {
            return Err(SimError::Cancelled);
        }
        let buckets = plan.buckets;
        let mut moments = acc.moments;
        moments.sort_unstable_by_key(|&(index, _)| index);
        let total = moments[1..]
            .iter()
            .fold(moments[0].1, |a, &(_, b)| a.merge(b));
        // Every later figure (moments, percentiles, chart ranges) needs the values in range;
        // the comparison is false for NaN, so NaN is caught too. Tiny values need no stop:
        // revenue stays positive and finite, and sums of tiny squares cannot overflow.
        let in_range = total.max <= REVENUE_CEILING;
        if !(in_range && total.mean.is_finite() && total.m2.is_finite()) {
            return Err(SimError::OutOfRange {
                year,
                cause: OUT_OF_RANGE_CAUSE,
            });
        }
        let stats = YearStats {
            year,
            mean: total.mean,
            sd: if n > 1 {
                (total.m2 / (n as f64 - 1.0)).sqrt()
            } else {
                0.0
            },
            percentiles: [f64::NAN; 7],
            min: total.min,
            max: total.max,
            p_target: total.reached as f64 / n as f64,
        };
        percentiles.year_done(buckets, &acc.counts, acc.members, stats, &revenue);
        // In the last year the revenue array itself becomes the target year's values.
        if year == model.target_year && !target_is_last {
            target_values = control.path_array_copy(&revenue);
        }
        for (path, &r) in sample_paths.iter_mut().zip(&revenue) {
            path.push(r);
        }
        if let Some(progress) = control.progress {
            progress(done + 1, years.len());
        }
    }
    let stats = percentiles.finish_all(&revenue, model.simd);
    if target_is_last {
        target_values = revenue;
    } else {
        control.give_back(revenue);
    }
    control.give_back(ar);

    let events = scenario
        .events
        .iter()
        .zip(&model.events)
        .zip(draws)
        .map(|((ev, compiled), codes)| EventDraws {
            event_id: ev.id.clone(),
            outcome_ids: ev.outcomes.iter().map(|o| o.id.clone()).collect(),
            codes,
            decode: compiled.decode_table(),
        })
        .collect();

    Ok(Projection {
        scenario: scenario.clone(),
        settings,
        years: stats,
        target_values,
        first_passage,
        events,
        initial_growth,
        sample_paths,
    })
}

impl RunControl<'_> {
    /// [`path_array`], in a finished run's memory where the draw cache holds one (every value
    /// written, so the same array as fresh).
    fn path_array<T: inputs::Recycled>(&self, n: usize, value: T) -> Vec<T> {
        match self.draws.and_then(|cache| cache.spare(n)) {
            Some(mut v) => {
                v.par_extend(rayon::iter::repeat_n(value, n));
                v
            }
            None => path_array(n, value),
        }
    }

    /// [`path_array_copy`], likewise.
    fn path_array_copy(&self, values: &[f64]) -> Vec<f64> {
        match self.draws.and_then(|cache| cache.spare(values.len())) {
            Some(mut v) => {
                v.par_extend(values.par_iter().copied());
                v
            }
            None => path_array_copy(values),
        }
    }

    fn give_back<T: inputs::Recycled>(&self, v: Vec<T>) {
        if let Some(cache) = self.draws {
            cache.give_back(v);
        }
    }

    /// Hands a finished run's per-path arrays to the next run of the analysis, where it has a
    /// draw cache; else drops them.
    pub fn recycle(&self, run: Projection) {
        if let Some(cache) = self.draws {
            cache.recycle(run);
        }
    }
}

fn cancelled(control: RunControl) -> bool {
    control.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
}

/// The uniform that chose each path's start year within its window, for event `event_id` of a
/// run with `seed` and `paths` (the second of the two uniforms [`simulate`] draws per path on
/// the event's stream). Outcome j's start is `first_j + min(⌊v · (span_j + 1)⌋, span_j)`.
/// Recomputed on demand, so runs need not keep it: the timing input of a sensitivity analysis.
pub fn timing_uniforms(seed: u64, event_id: &str, paths: usize) -> Vec<f64> {
    let stream = rng::event_stream(event_id);
    let mut out = vec![0.0; paths];
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, out)| {
        let mut g = rng::generator(seed, stream, c as u64);
        for v in out {
            let _outcome: f64 = g.random();
            *v = g.random();
        }
    });
    out
}

/// How an event's outcome probabilities are drawn on each path, where any is uncertain.
///
/// On each path the uncertain outcomes take their drawn probabilities and the event's other
/// outcomes give way in proportion, keeping the event's total as written, as `--set` does
/// (see `scenario::parameters`). Where the total would still pass 1 (the drawn ones alone pass
/// it), every outcome is scaled down in proportion so that it is 1.
struct EventProbabilities<'a> {
    written: Vec<f64>,
    /// The uncertain outcomes' indices and draws, and per outcome whether it is one.
    held: Vec<usize>,
    is_held: Vec<bool>,
    draws: Vec<KeyDraw<'a>>,
}

impl<'a> EventProbabilities<'a> {
    fn of(
        s: &Scenario,
        event: &crate::scenario::Event,
        sampler: &InputSampler<'a>,
    ) -> Option<EventProbabilities<'a>> {
        let key = |j: usize| outcome_key(&event.id, &event.outcomes[j].id, "probability");
        let held: Vec<usize> = (0..event.outcomes.len())
            .filter(|&j| s.uncertain.contains_key(&key(j)))
            .collect();
        (!held.is_empty()).then(|| EventProbabilities {
            written: event.outcomes.iter().map(|o| o.probability).collect(),
            draws: held.iter().map(|&j| sampler.draw(&key(j))).collect(),
            is_held: (0..event.outcomes.len())
                .map(|j| held.contains(&j))
                .collect(),
            held,
        })
    }

    /// What names these probabilities on `n` paths: the written ones, which are drawn, and
    /// each draw's own name.
    fn id(&self, n: usize) -> String {
        let draws: Vec<String> = self.draws.iter().map(|d| d.id(n)).collect();
        format!("{:?} {:?} {draws:?}", self.written, self.held)
    }

    /// Chunk `c`'s drawn probabilities: `len` values per uncertain outcome, one after another.
    fn chunk(&self, c: usize, len: usize) -> Vec<f64> {
        let mut values = vec![0.0; self.draws.len() * len];
        for (draw, out) in self.draws.iter().zip(values.chunks_mut(len)) {
            draw.fill(c, out);
        }
        values
    }
}

impl EventProbabilities<'_> {
    /// The cumulative probabilities of the outcomes on `len` paths whose drawn probabilities
    /// are `drawn` (`len` values per uncertain outcome, as [`EventProbabilities::chunk`]
    /// gives them), outcome after outcome, `len` values each. On each path the uncertain
    /// outcomes take their draws, the others give way so the total stays as written, and all
    /// scale down together if it would pass 1. Each step is a pass over the paths, so the
    /// passes vectorise; each path's arithmetic is in outcome order, as on paper.
    fn cumulative(&self, drawn: &[f64], len: usize) -> Vec<f64> {
        let (mut total, mut others) = (0.0, 0.0);
        for (&w, &held) in self.written.iter().zip(&self.is_held) {
            total += w;
            if !held {
                others += w;
            }
        }
        let mut p = Vec::with_capacity(self.written.len() * len);
        for &w in &self.written {
            p.extend(std::iter::repeat_n(w, len));
        }
        let mut set = vec![0.0; len];
        for (h, &j) in self.held.iter().enumerate() {
            let d = &drawn[h * len..(h + 1) * len];
            p[j * len..(j + 1) * len].copy_from_slice(d);
            for (s, &x) in set.iter_mut().zip(d) {
                *s += x;
            }
        }
        if others > 1e-12 {
            let scale: Vec<f64> = set
                .iter()
                .map(|&set| ((total - set) / others).max(0.0))
                .collect();
            for (p, (&w, &held)) in p
                .chunks_mut(len)
                .zip(self.written.iter().zip(&self.is_held))
            {
                if !held {
                    for (p, &scale) in p.iter_mut().zip(&scale) {
                        *p = w * scale;
                    }
                }
            }
        }
        let mut sum = vec![0.0; len];
        for p in p.chunks(len) {
            for (s, &p) in sum.iter_mut().zip(p) {
                *s += p;
            }
        }
        let mut acc = vec![0.0; len];
        for p in p.chunks_mut(len) {
            for ((p, &sum), acc) in p.iter_mut().zip(&sum).zip(acc.iter_mut()) {
                if sum > 1.0 {
                    *p /= sum;
                }
                *acc += *p;
                *p = *acc;
            }
        }
        p
    }
}

/// The per-path values of the inputs that differ by path (other than the pace and the start
/// revenue), in single precision: each drawn from its own stream, an event's taken for the
/// outcome each path drew.
fn draw_path_inputs(
    m: &Model,
    s: &Scenario,
    sampler: &InputSampler,
    (draws, code_ids): (&[Arc<Vec<u16>>], &[String]),
    n: usize,
) -> PathInputs {
    let by = &m.by_path;
    // The growth inputs that differ by path, drawn together (a correlation group's scores
    // once); the reversion speeds only where their decays are not kept already.
    let decay_id = format!("decay {}", sampler.id_of("growth.reversion", n));
    let keys: Vec<String> = [
        ("long_run", by.long_run),
        ("reversion", by.reversion && !sampler.keeps(&decay_id)),
        ("volatility", by.volatility),
        ("persistence", by.persistence),
        ("capacity", by.capacity),
    ]
    .into_iter()
    .filter(|&(_, on)| on)
    .map(|(name, _)| format!("growth.{name}"))
    .collect();
    let drawn: Vec<(String, Arc<Vec<f32>>)> = keys
        .iter()
        .cloned()
        .zip(sampler.held_singles(&keys, n))
        .collect();
    let growth = |name: &str| {
        let key = format!("growth.{name}");
        drawn
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, c)| c.clone())
    };
    let events = s
        .events
        .iter()
        .zip(&m.events)
        .zip(draws.iter().zip(code_ids))
        .zip(&by.events)
        .map(|(((event, compiled), (codes, code_id)), flags)| {
            let decode = compiled.decode_table();
            let names = ["growth_uplift", "volatility_multiplier", "level_shock"];
            std::array::from_fn(|f| {
                flags[f].then(|| {
                    // Per outcome: its key where uncertain, and its value as written.
                    let keys: Vec<(Option<String>, f64)> = event
                        .outcomes
                        .iter()
                        .map(|o| {
                            let key = outcome_key(&event.id, &o.id, names[f]);
                            let fixed = match f {
                                0 => o.growth_uplift,
                                1 => o.volatility_multiplier,
                                _ => o.level_shock,
                            };
                            (s.uncertain.contains_key(&key).then_some(key), fixed)
                        })
                        .collect();
                    // Named by the codes and by what makes each outcome's value.
                    let made_of: Vec<(Option<String>, u64)> = keys
                        .iter()
                        .map(|(k, fixed)| {
                            (k.as_ref().map(|k| sampler.id_of(k, n)), fixed.to_bits())
                        })
                        .collect();
                    let id = format!("{f} {code_id} {made_of:?}");
                    sampler.whole(format!("values {id}"), n, || {
                        // Per outcome: its draws where uncertain, else its value.
                        let outcomes: Vec<(Option<KeyDraw>, f64)> = keys
                            .iter()
                            .map(|(k, fixed)| (k.as_ref().map(|k| sampler.draw(k)), *fixed))
                            .collect();
                        // Each outcome's value as written, by its index (an outcome index
                        // is a byte).
                        let mut written = [0.0f32; 256];
                        for (w, (_, fixed)) in written.iter_mut().zip(&outcomes) {
                            *w = *fixed as f32;
                        }
                        // Per path, the drawn outcome's value (0 where nothing happens: unused).
                        let mut value = path_array(n, 0.0f32);
                        value
                            .par_chunks_mut(CHUNK)
                            .zip(codes.par_chunks(CHUNK))
                            .enumerate()
                            .for_each(|(c, (value, codes))| {
                                let len = codes.len();
                                // Each path's outcome, then its value as written, by table
                                // lookups without a branch ("nothing happens" and any index
                                // past the outcomes read 0: unused).
                                let mut outcome = [0u8; CHUNK];
                                let outcome = &mut outcome[..len];
                                for (o, &code) in outcome.iter_mut().zip(codes) {
                                    *o = decode[usize::from(code)].0;
                                }
                                for (v, &o) in value.iter_mut().zip(outcome.iter()) {
                                    *v = written[usize::from(o)];
                                }
                                let (mut z, mut at, mut made) =
                                    ([0.0; CHUNK], [0u16; CHUNK], Vec::new());
                                for (j, (draw, _)) in outcomes.iter().enumerate() {
                                    let Some(draw) = draw else { continue };
                                    // Made only on the paths that drew outcome j, listed
                                    // without a branch (a chunk's offsets fit in u16: CHUNK
                                    // ≤ 65,536).
                                    let mut count = 0;
                                    for (i, &o) in outcome.iter().enumerate() {
                                        at[count] = i as u16;
                                        count += usize::from(usize::from(o) == j);
                                    }
                                    let at = &at[..count];
                                    draw.fill_at(c, at, &mut z[..len], &mut made);
                                    for (&i, &v) in at.iter().zip(&made) {
                                        value[usize::from(i)] = v as f32;
                                    }
                                }
                            });
                        value
                    })
                })
            })
        })
        .collect();
    PathInputs {
        long_run: growth("long_run"),
        // e^(−κ) of the reversion speed as held, in double precision: its powers are taken
        // every year. Kept with the speeds it is made of, so runs of an analysis share it.
        reversion_decay: by.reversion.then(|| {
            sampler.whole(decay_id, n, || {
                let k = growth("reversion")
                    .unwrap_or_else(|| sampler.held_single("growth.reversion", n));
                let mut decay = path_array(n, 0.0);
                decay
                    .par_iter_mut()
                    .zip(k.par_iter())
                    .for_each(|(d, &k)| *d = crate::math::exp(-f64::from(k)));
                decay
            })
        }),
        volatility: growth("volatility"),
        persistence: growth("persistence"),
        capacity: growth("capacity"),
        events,
    }
}

/// One event's draws per path, as the code of the (outcome, start year) pair in the event's
/// per-year effect table. Two uniforms per path always: outcome, then timing. `probabilities`
/// gives each outcome's probability path by path where they differ.
fn draw_event(
    ev: &CompiledEvent,
    seed: u64,
    n: usize,
    probabilities: Option<&EventProbabilities>,
) -> Vec<u16> {
    // Per outcome, then a last entry for "nothing happens", so that the outcome is found by
    // counting thresholds passed rather than by a search whose branch mispredicts.
    let spans: Vec<i32> = ev
        .outcomes
        .iter()
        .map(|o| o.last_start - o.first_start)
        .chain([0])
        .collect();
    // Start years to choose from: span + 1 (one for "nothing happens", whose span is 0).
    let widths: Vec<f64> = spans.iter().map(|&s| f64::from(s + 1)).collect();
    let bases: Vec<u16> = ev.code_base.iter().copied().chain([0]).collect();
    let mut code = path_array(n, 0u16);
    code.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, code)| {
            let mut g = rng::generator(seed, ev.stream, c as u64);
            let len = code.len();
            // A path's code: its outcome's first, plus the start year v picks in its window.
            let pick = |code: &mut u16, outcome: usize, v: f64| {
                let offset = ((v * widths[outcome]) as i32).min(spans[outcome]);
                *code = bases[outcome] + offset as u16;
            };
            // The uniforms of the outcome and of its start year, path by path in the
            // stream's order; then each path's outcome by passes over the cumulative
            // probabilities (the first outcome whose edge exceeds u: they ascend), loops
            // without branches.
            let (mut u, mut v) = ([0.0; CHUNK], [0.0; CHUNK]);
            let (u, v) = (&mut u[..len], &mut v[..len]);
            for (u, v) in u.iter_mut().zip(v.iter_mut()) {
                *u = g.random();
                *v = g.random();
            }
            let mut outcome = [0usize; CHUNK];
            let outcome = &mut outcome[..len];
            match probabilities {
                None => {
                    for &edge in &ev.cumulative {
                        for (j, &u) in outcome.iter_mut().zip(u.iter()) {
                            *j += usize::from(u >= edge);
                        }
                    }
                }
                Some(rule) => {
                    let cumulative = rule.cumulative(&rule.chunk(c, len), len);
                    for edge in cumulative.chunks(len) {
                        for ((j, &u), &edge) in outcome.iter_mut().zip(u.iter()).zip(edge) {
                            *j += usize::from(u >= edge);
                        }
                    }
                }
            }
            for ((code, &j), &v) in code.iter_mut().zip(outcome.iter()).zip(v.iter()) {
                pick(code, j, v);
            }
        });
    code
}

/// A path-indexed array filled with `value`, written in parallel. A million paths touch some
/// 40 MB of fresh memory, and faulting it in 4 KB pages cost more time than the arithmetic,
/// so large arrays ask for huge pages first (advice only; it changes no result).
fn path_array<T: Copy + Send + Sync>(n: usize, value: T) -> Vec<T> {
    let mut v: Vec<T> = Vec::with_capacity(n);
    advise_huge_pages(v.as_mut_ptr().cast(), n * size_of::<T>());
    v.par_extend(rayon::iter::repeat_n(value, n));
    v
}

/// A copy of a path-indexed array, in memory got as [`path_array`]'s.
fn path_array_copy<T: Copy + Send + Sync>(values: &[T]) -> Vec<T> {
    let mut v: Vec<T> = Vec::with_capacity(values.len());
    advise_huge_pages(v.as_mut_ptr().cast(), size_of_val(values));
    v.par_extend(values.par_iter().copied());
    v
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(ptr: *mut u8, len: usize) {
    const HUGE_PAGE: usize = 2 << 20;
    let start = (ptr as usize).next_multiple_of(HUGE_PAGE);
    let end = (ptr as usize + len) / HUGE_PAGE * HUGE_PAGE;
    if end > start {
        // SAFETY: [start, end) lies inside the allocation just made, and MADV_HUGEPAGE only
        // changes how the kernel backs those pages, not their contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_ptr: *mut u8, _len: usize) {}
