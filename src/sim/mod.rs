//! The Monte Carlo engine: pure, no I/O. The only module that draws random numbers.
//!
//! All paths advance together year by year; each year's statistics are taken on the spot and
//! only what later views need is kept, so memory is O(paths) whatever the horizon.

mod fastexp;
pub mod rng;

use std::sync::atomic::{AtomicBool, Ordering};

use rand::RngExt;
use rand_distr::{Distribution, StandardNormal, StudentT};
use rayon::prelude::*;

use crate::scenario::{Scenario, Shocks, Timing};
use crate::stats::quantile::exact_quantiles_with_range;
use rng::Generator;

/// Paths per chunk: the unit of parallel work and of random-stream seeding. Fixed, so results
/// do not depend on the number of threads.
pub const CHUNK: usize = 2048;
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

/// Hooks for long runs: cancellation (checked once a year) and progress (years done, total).
#[derive(Default, Clone, Copy)]
pub struct RunControl<'a> {
    pub cancel: Option<&'a AtomicBool>,
    pub progress: Option<&'a (dyn Fn(usize, usize) + Sync)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("the simulation was cancelled")]
    Cancelled,
    #[error("the number of paths must be at least 1")]
    NoPaths,
}

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

/// The outcomes one event drew, path by path.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraws {
    pub event_id: String,
    pub outcome_ids: Vec<String>,
    /// Index into `outcome_ids` per path, or [`NO_OUTCOME`].
    pub outcome: Vec<u8>,
    /// Year the drawn outcome starts (after delay) per path; meaningless for [`NO_OUTCOME`].
    pub start_year: Vec<i32>,
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
    /// Sampled initial growth r0 per path (for sensitivity).
    pub initial_growth: Vec<f64>,
    /// The first few whole paths, revenue from start_year to horizon.
    pub sample_paths: Vec<Vec<f64>>,
}

impl Projection {
    pub fn paths(&self) -> usize {
        self.settings.paths
    }
    pub fn year(&self, year: i32) -> Option<&YearStats> {
        self.years.iter().find(|y| y.year == year)
    }
}

/// An outcome ready for the inner loop.
#[derive(Debug, Clone, Copy)]
struct CompiledOutcome {
    uplift: f64,
    /// Years active; u32::MAX = permanent.
    duration: u32,
    ramp: u32,
    level_factor: f64,
    vol_multiplier: f64,
    first_start: i32,
    last_start: i32,
}

impl CompiledOutcome {
    /// (uplift, volatility multiplier, level factor) in `year` for an outcome that started in `start`.
    #[inline(always)]
    fn effect(&self, year: i32, start: i32) -> (f64, f64, f64) {
        let k = year - start;
        if k < 0 || (k as u32) >= self.duration {
            return (0.0, 1.0, 1.0);
        }
        let uplift = if self.ramp > (k as u32) + 1 {
            self.uplift * f64::from(k as u32 + 1) / f64::from(self.ramp)
        } else {
            self.uplift
        };
        let level = if k == 0 { self.level_factor } else { 1.0 };
        (uplift, self.vol_multiplier, level)
    }
}

#[derive(Debug, Clone)]
struct CompiledEvent {
    stream: u64,
    /// Offset of each outcome's block in the per-year effect table (code 0 = nothing happens).
    code_base: Vec<u16>,
    /// Upper edges of each outcome's probability interval.
    cumulative: Vec<f64>,
    outcomes: Vec<CompiledOutcome>,
}

fn compile_events(s: &Scenario) -> Vec<CompiledEvent> {
    s.events
        .iter()
        .map(|ev| {
            let mut acc = 0.0;
            let cumulative = ev
                .outcomes
                .iter()
                .map(|o| {
                    acc += o.probability;
                    acc
                })
                .collect();
            let outcomes: Vec<CompiledOutcome> = ev
                .outcomes
                .iter()
                .map(|o| {
                    let (a, b) = match ev.timing(o) {
                        Timing::Fixed(y) => (y, y),
                        Timing::Window(a, b) => (a, b),
                    };
                    let delay = o.delay as i32;
                    CompiledOutcome {
                        uplift: o.growth_uplift,
                        duration: o.duration.unwrap_or(u32::MAX),
                        ramp: o.ramp,
                        level_factor: 1.0 + o.level_shock,
                        vol_multiplier: o.volatility_multiplier,
                        first_start: a + delay,
                        last_start: b + delay,
                    }
                })
                .collect();
            let mut next = 1u16;
            let code_base = outcomes
                .iter()
                .map(|o: &CompiledOutcome| {
                    let base = next;
                    next += (o.last_start - o.first_start + 1) as u16;
                    base
                })
                .collect();
            CompiledEvent {
                code_base,
                stream: rng::event_stream(&ev.id),
                cumulative,
                outcomes,
            }
        })
        .collect()
}

/// Per-chunk state. Vectors are path-indexed; event vectors are event-major.
struct Chunk {
    revenue: Vec<f64>,
    ar: Vec<f64>,
    initial_growth: Vec<f64>,
    outcome: Vec<u8>,
    start: Vec<i32>,
    /// Per event and path: which (outcome, start year) was drawn, as an index into the
    /// event's per-year effect table.
    code: Vec<u16>,
    first_passage: Vec<i32>,
    target_values: Vec<f64>,
    shocks: Generator,
    /// Scratch reused every year (allocating it per chunk and year cost measurable time).
    eps: Vec<f64>,
    /// Scratch: (uplift, volatility, level factor) per path this year.
    effects: Vec<(f64, f64, f64)>,
}

/// Moments of one chunk in one year, shifted by its first value for numerical stability.
#[derive(Debug, Clone, Copy)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
    reached: usize,
}

impl Moments {
    /// Four interleaved accumulators so the loop vectorises; their order is fixed, so the
    /// result is deterministic.
    fn of(values: &[f64], target: f64) -> Moments {
        let x0 = values[0];
        let (mut s1, mut s2) = ([0.0f64; 4], [0.0f64; 4]);
        let (mut min, mut max) = ([x0; 4], [x0; 4]);
        let mut reached = [0u64; 4];
        let mut quads = values.chunks_exact(4);
        for q in &mut quads {
            for k in 0..4 {
                let x = q[k];
                let d = x - x0;
                s1[k] += d;
                s2[k] += d * d;
                min[k] = if x < min[k] { x } else { min[k] };
                max[k] = if x > max[k] { x } else { max[k] };
                reached[k] += u64::from(x >= target);
            }
        }
        for &x in quads.remainder() {
            let d = x - x0;
            s1[0] += d;
            s2[0] += d * d;
            min[0] = min[0].min(x);
            max[0] = max[0].max(x);
            reached[0] += u64::from(x >= target);
        }
        let n = values.len() as f64;
        let s1 = (s1[0] + s1[1]) + (s1[2] + s1[3]);
        let s2 = (s2[0] + s2[1]) + (s2[2] + s2[3]);
        Moments {
            n,
            mean: x0 + s1 / n,
            m2: (s2 - s1 * s1 / n).max(0.0),
            min: min.iter().copied().fold(f64::INFINITY, f64::min),
            max: max.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            reached: reached.iter().sum::<u64>() as usize,
        }
    }

    /// Chan et al.'s pairwise combination; applied in chunk order for determinism.
    fn merge(self, o: Moments) -> Moments {
        let n = self.n + o.n;
        let delta = o.mean - self.mean;
        Moments {
            n,
            mean: self.mean + delta * o.n / n,
            m2: self.m2 + o.m2 + delta * delta * self.n * o.n / n,
            min: self.min.min(o.min),
            max: self.max.max(o.max),
            reached: self.reached + o.reached,
        }
    }
}

/// Model constants for the inner loop.
struct Model {
    start_year: i32,
    start_revenue: f64,
    initial: f64,
    initial_sd: f64,
    long_run: f64,
    reversion: f64,
    volatility: f64,
    persistence: f64,
    capacity: Option<f64>,
    target: f64,
    target_year: i32,
    events: Vec<CompiledEvent>,
}

/// Run the simulation on the current rayon pool.
pub fn simulate(
    scenario: &Scenario,
    settings: RunSettings,
    control: RunControl,
) -> Result<Projection, SimError> {
    if settings.paths == 0 {
        return Err(SimError::NoPaths);
    }
    let g = &scenario.growth;
    let model = Model {
        start_year: scenario.market.start_year,
        start_revenue: scenario.market.start_revenue,
        initial: g.initial,
        initial_sd: g.initial_uncertainty,
        long_run: g.long_run_rate(),
        reversion: g.reversion,
        volatility: g.volatility,
        persistence: g.persistence,
        capacity: g.capacity,
        target: scenario.target.revenue,
        target_year: scenario.target.year,
        events: compile_events(scenario),
    };
    let years: Vec<i32> = (scenario.market.start_year + 1..=scenario.market.horizon).collect();
    let n_chunks = settings.paths.div_ceil(CHUNK);

    let mut chunks: Vec<Chunk> = (0..n_chunks)
        .into_par_iter()
        .map(|c| {
            let len = CHUNK.min(settings.paths - c * CHUNK);
            init_chunk(&model, settings.seed, c as u64, len)
        })
        .collect();

    let n_samples = settings.sample_paths.min(settings.paths);
    let mut sample_paths: Vec<Vec<f64>> = (0..n_samples)
        .map(|i| {
            let mut v = Vec::with_capacity(years.len() + 1);
            v.push(chunks[0].revenue[i]);
            v
        })
        .collect();

    let mut stats = Vec::with_capacity(years.len());
    for (done, &year) in years.iter().enumerate() {
        if control.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(SimError::Cancelled);
        }
        let tables = effect_tables(&model, year);
        let moments: Vec<Moments> = match scenario.growth.shocks {
            Shocks::Normal => chunks
                .par_iter_mut()
                .map(|ch| step(ch, &model, &tables, year, |r| StandardNormal.sample(r)))
                .collect(),
            Shocks::StudentT(nu) => {
                let dist = StudentT::new(nu).expect("validated: ν > 2");
                let scale = ((nu - 2.0) / nu).sqrt();
                chunks
                    .par_iter_mut()
                    .map(|ch| step(ch, &model, &tables, year, |r| dist.sample(r) * scale))
                    .collect()
            }
        };
        let total = moments[1..].iter().fold(moments[0], |a, &b| a.merge(b));
        let slices: Vec<&[f64]> = chunks.iter().map(|c| c.revenue.as_slice()).collect();
        let q =
            exact_quantiles_with_range(&slices, settings.paths, total.min, total.max, &PERCENTILES);
        let n = settings.paths as f64;
        stats.push(YearStats {
            year,
            mean: total.mean,
            sd: if settings.paths > 1 {
                (total.m2 / (n - 1.0)).sqrt()
            } else {
                0.0
            },
            percentiles: q.try_into().expect("seven percentiles"),
            min: total.min,
            max: total.max,
            p_target: total.reached as f64 / n,
        });
        for (i, path) in sample_paths.iter_mut().enumerate() {
            path.push(chunks[0].revenue[i]);
        }
        if let Some(progress) = control.progress {
            progress(done + 1, years.len());
        }
    }

    // Concatenate per-chunk results in chunk order.
    let mut target_values = Vec::with_capacity(settings.paths);
    let mut first_passage = Vec::with_capacity(settings.paths);
    let mut initial_growth = Vec::with_capacity(settings.paths);
    for ch in &chunks {
        target_values.extend_from_slice(&ch.target_values);
        first_passage.extend_from_slice(&ch.first_passage);
        initial_growth.extend_from_slice(&ch.initial_growth);
    }
    let events = scenario
        .events
        .iter()
        .enumerate()
        .map(|(e, ev)| {
            let mut outcome = Vec::with_capacity(settings.paths);
            let mut start_year = Vec::with_capacity(settings.paths);
            for ch in &chunks {
                let len = ch.revenue.len();
                outcome.extend_from_slice(&ch.outcome[e * len..(e + 1) * len]);
                start_year.extend_from_slice(&ch.start[e * len..(e + 1) * len]);
            }
            EventDraws {
                event_id: ev.id.clone(),
                outcome_ids: ev.outcomes.iter().map(|o| o.id.clone()).collect(),
                outcome,
                start_year,
            }
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

fn init_chunk(model: &Model, seed: u64, chunk: u64, len: usize) -> Chunk {
    // Parameter draws are made whatever the uncertainty, so that scenarios differing only in
    // it still share every other draw.
    let mut params = rng::generator(seed, rng::PARAMETERS, chunk);
    let initial_growth: Vec<f64> = (0..len)
        .map(|_| {
            let z: f64 = params.sample(StandardNormal);
            (model.initial + model.initial_sd * z).max(MIN_GROWTH)
        })
        .collect();
    let n_events = model.events.len();
    let mut outcome = vec![NO_OUTCOME; n_events * len];
    let mut start = vec![0i32; n_events * len];
    let mut code = vec![0u16; n_events * len];
    for (e, ev) in model.events.iter().enumerate() {
        let mut g = rng::generator(seed, ev.stream, chunk);
        for i in 0..len {
            // Two uniforms per path always: outcome, then timing.
            let u: f64 = g.random();
            let v: f64 = g.random();
            if let Some(k) = ev.cumulative.iter().position(|&c| u < c) {
                let o = &ev.outcomes[k];
                let width = (o.last_start - o.first_start + 1) as f64;
                let offset = ((v * width) as i32).min(o.last_start - o.first_start);
                outcome[e * len + i] = k as u8;
                start[e * len + i] = o.first_start + offset;
                code[e * len + i] = ev.code_base[k] + offset as u16;
            }
        }
    }
    Chunk {
        revenue: vec![model.start_revenue; len],
        ar: vec![0.0; len],
        initial_growth,
        outcome,
        start,
        code,
        first_passage: vec![0; len],
        target_values: if model.target_year > model.start_year {
            vec![0.0; len]
        } else {
            Vec::new()
        },
        shocks: rng::generator(seed, rng::SHOCKS, chunk),
        eps: vec![0.0; len],
        effects: if n_events > 0 || model.capacity.is_some() {
            vec![(0.0, model.volatility, 1.0); len]
        } else {
            Vec::new()
        },
    }
}

/// Per event, the effect in `year` of every (outcome, start year) code, so the path loop is a
/// lookup. The first event's table carries the base volatility, so it can be copied as is.
fn effect_tables(m: &Model, year: i32) -> Vec<Vec<(f64, f64, f64)>> {
    m.events
        .iter()
        .enumerate()
        .map(|(e, ev)| {
            let vol = if e == 0 { m.volatility } else { 1.0 };
            let mut table = vec![(0.0, vol, 1.0)];
            for o in &ev.outcomes {
                table.extend((o.first_start..=o.last_start).map(|s| {
                    let (up, vm, lv) = o.effect(year, s);
                    (up, if e == 0 { m.volatility * vm } else { vm }, lv)
                }));
            }
            table
        })
        .collect()
}

/// Advance one chunk by one year and return that year's moments.
///
/// The shocks are drawn first in one tight loop (the generator is sequential); events, when
/// there are any, are gathered into per-path arrays; then one branch-free loop applies growth,
/// AR(1) noise and exp, which the compiler vectorises.
#[inline(always)]
fn step(
    ch: &mut Chunk,
    m: &Model,
    tables: &[Vec<(f64, f64, f64)>],
    year: i32,
    mut draw: impl FnMut(&mut Generator) -> f64,
) -> Moments {
    let len = ch.revenue.len();
    let t = f64::from(year - m.start_year - 1);
    let decay = (-m.reversion * t).exp();
    let base = m.long_run * (1.0 - decay);
    for e in ch.eps.iter_mut() {
        *e = draw(&mut ch.shocks);
    }
    let phi = m.persistence;
    let target = m.target;
    // Both branches compute r · ((1 + g) · level · e^u) in the same order, so a path on which
    // every event drew "nothing happens" is bit-identical to the same path without events.
    // First passage is recorded in the same loop, with a select rather than a branch.
    if m.events.is_empty() && m.capacity.is_none() {
        let sigma = m.volatility;
        let paths = ch
            .revenue
            .iter_mut()
            .zip(ch.ar.iter_mut())
            .zip(&ch.initial_growth)
            .zip(&ch.eps)
            .zip(ch.first_passage.iter_mut());
        for ((((r, ar), &r0), &e), first) in paths {
            let growth = (base + r0 * decay).max(MIN_GROWTH);
            let u = phi * *ar + sigma * e;
            *ar = u;
            *r *= (1.0 + growth) * fastexp::exp(u);
            *first = if *r >= target && *first == 0 {
                year
            } else {
                *first
            };
        }
    } else {
        // Start from the first event's table (base volatility folded in: v · vm, as before),
        // then fold in the others; (0, v, 1) when there are no events.
        let effects = &mut ch.effects;
        match tables.first() {
            Some(table) => {
                for (effect, &c) in effects.iter_mut().zip(&ch.code[..len]) {
                    *effect = table[c as usize];
                }
            }
            None => effects.fill((0.0, m.volatility, 1.0)),
        }
        for (e, table) in tables.iter().enumerate().skip(1) {
            for (effect, &c) in effects.iter_mut().zip(&ch.code[e * len..(e + 1) * len]) {
                let (up, vm, lv) = table[c as usize];
                effect.0 += up;
                effect.1 *= vm;
                effect.2 *= lv;
            }
        }
        let inv_cap = m.capacity.map_or(0.0, |k| 1.0 / k);
        let paths = ch
            .revenue
            .iter_mut()
            .zip(ch.ar.iter_mut())
            .zip(&ch.initial_growth)
            .zip(&ch.eps)
            .zip(ch.first_passage.iter_mut());
        for (((((r, ar), &r0), &e), first), &(uplift, vol, level)) in paths.zip(effects.iter()) {
            let growth = ((base + r0 * decay + uplift) * (1.0 - *r * inv_cap)).max(MIN_GROWTH);
            let u = phi * *ar + vol * e;
            *ar = u;
            *r *= (1.0 + growth) * level * fastexp::exp(u);
            *first = if *r >= target && *first == 0 {
                year
            } else {
                *first
            };
        }
    }
    if year == m.target_year {
        ch.target_values.copy_from_slice(&ch.revenue);
    }
    Moments::of(&ch.revenue, m.target)
}
