//! One year of one chunk of paths: the inner loop of the engine.
//!
//! A chunk's state is a few small slices that stay in cache for the whole year's work on it:
//! draw the shocks while applying growth and the events' effects, then take the moments and count
//! the percentile histogram while the new revenue is still in L1. Scratch space belongs to the
//! worker, not to the chunk, so a million paths do not drag a million scratch slots through
//! memory every year.

use rand_distr::{Distribution, StandardNormal, StudentT};

use std::sync::Arc;

use super::CHUNK;
use super::kernel::{
    self, Effects, EventCodes, GrowthConstants, LANES, Lane, LaneMoments, PathLanes, Paths, Simd,
};
use super::rng::Generator;
use crate::quantile::{BUCKETS, Buckets, Counts, RankPlan};
use crate::scenario::uncertain::{PACE, outcome_key};
use crate::scenario::{Scenario, Shocks};

/// An outcome ready for the inner loop.
#[derive(Debug, Clone, Copy)]
pub struct CompiledOutcome {
    uplift: f64,
    /// Years active; u32::MAX = permanent.
    duration: u32,
    ramp: u32,
    level_factor: f64,
    vol_multiplier: f64,
    pub first_start: i32,
    pub last_start: i32,
}

impl CompiledOutcome {
    /// For an outcome that started in `start`, in `year`: the share of its uplift that acts
    /// (ramp), whether it acts at all, and whether this is its first year (the level shock).
    fn unit_effect(&self, year: i32, start: i32) -> [f64; 3] {
        let k = year - start;
        if k < 0 || (k as u32) >= self.duration {
            return [0.0, 0.0, 0.0];
        }
        let share = if self.ramp > (k as u32) + 1 {
            f64::from(k as u32 + 1) / f64::from(self.ramp)
        } else {
            1.0
        };
        [share, 1.0, if k == 0 { 1.0 } else { 0.0 }]
    }

    /// (uplift, volatility multiplier, level factor) in `year` for an outcome that started in `start`.
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
pub(super) struct CompiledEvent {
    pub stream: u64,
    /// Offset of each outcome's block in the per-year effect table (code 0 = nothing happens).
    pub code_base: Vec<u16>,
    /// Upper edges of each outcome's probability interval.
    pub cumulative: Vec<f64>,
    pub outcomes: Vec<CompiledOutcome>,
}

impl CompiledEvent {
    /// Per code, the outcome (or [`super::NO_OUTCOME`]) and its start year (0 for none).
    pub fn decode_table(&self) -> Vec<(u8, i32)> {
        let mut table = vec![(super::NO_OUTCOME, 0)];
        for (j, o) in self.outcomes.iter().enumerate() {
            table.extend((o.first_start..=o.last_start).map(|start| (j as u8, start)));
        }
        table
    }
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
                    let (first_start, last_start) = ev.start_years(o);
                    CompiledOutcome {
                        uplift: o.growth_uplift,
                        duration: o.duration.unwrap_or(u32::MAX),
                        ramp: o.ramp,
                        level_factor: 1.0 + o.level_shock,
                        vol_multiplier: o.volatility_multiplier,
                        first_start,
                        last_start,
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
                stream: super::rng::event_stream(&ev.id),
                cumulative,
                outcomes,
            }
        })
        .collect()
}

/// Model constants for the inner loop.
pub(super) struct Model {
    pub start_year: i32,
    pub start_revenue: f64,
    pub initial: f64,
    pub initial_sd: f64,
    /// Half the central 99.8 % of ln start revenue, where it is uncertain.
    pub start_spread: f64,
    long_run: f64,
    reversion: f64,
    volatility: f64,
    persistence: f64,
    inv_capacity: f64,
    pub target: f64,
    pub target_year: i32,
    shocks: Shocks,
    pub events: Vec<CompiledEvent>,
    /// A generous bound on how far one year of shocks, parameter spread and events moves the
    /// percentiles of log revenue: used to guess where next year's percentiles will fall.
    pub max_yearly_move: f64,
    /// The version of the inner loops to use (same operations in the same order: the
    /// results are bit-identical, only wider).
    pub simd: Simd,
    /// Which inputs differ from path to path (uncertain inputs besides the pace).
    pub by_path: ByPath,
}

/// Which of the growth loop's inputs differ from path to path.
#[derive(Debug, Clone, Default)]
pub(super) struct ByPath {
    pub long_run: bool,
    pub reversion: bool,
    pub volatility: bool,
    pub persistence: bool,
    pub capacity: bool,
    pub start_revenue: bool,
    /// Per event: (uplift, volatility multiplier, level shock) of any outcome.
    pub events: Vec<[bool; 3]>,
}

impl ByPath {
    fn of(s: &Scenario) -> ByPath {
        let has = |key: String| s.uncertain.contains_key(&key);
        ByPath {
            long_run: has("growth.long_run".into()),
            reversion: has("growth.reversion".into()),
            volatility: has("growth.volatility".into()),
            persistence: has("growth.persistence".into()),
            capacity: has("growth.capacity".into()),
            start_revenue: has("market.start_revenue".into()),
            events: s
                .events
                .iter()
                .map(|ev| {
                    ["growth_uplift", "volatility_multiplier", "level_shock"].map(|name| {
                        ev.outcomes
                            .iter()
                            .any(|o| has(outcome_key(&ev.id, &o.id, name)))
                    })
                })
                .collect(),
        }
    }

    /// Whether the loop needs per-path lanes at all.
    pub fn lanes(&self) -> bool {
        self.trend() || self.sigma() || self.level() || self.persistence || self.capacity
    }

    /// Whether each path's growth trend is its own (beyond its starting pace).
    pub fn trend(&self) -> bool {
        self.long_run || self.reversion || self.events.iter().any(|e| e[0])
    }

    pub fn sigma(&self) -> bool {
        self.volatility || self.events.iter().any(|e| e[1])
    }

    pub fn level(&self) -> bool {
        self.events.iter().any(|e| e[2])
    }
}

/// The per-path values of the inputs in [`ByPath`], drawn once per run and held in single
/// precision (see `inputs::single`); each year's lanes are computed from them in double.
#[derive(Debug, Default)]
pub(super) struct PathInputs {
    pub long_run: Option<Arc<Vec<f32>>>,
    /// e^(−κ) of each path's reversion speed κ (as held), in double: its powers are taken.
    pub reversion_decay: Option<Arc<Vec<f64>>>,
    pub volatility: Option<Arc<Vec<f32>>>,
    pub persistence: Option<Arc<Vec<f32>>>,
    pub capacity: Option<Arc<Vec<f32>>>,
    /// Per event: the drawn outcome's (uplift, volatility multiplier, level shock) on each
    /// path, where any outcome's is uncertain.
    pub events: Vec<[Option<Arc<Vec<f32>>>; 3]>,
}

impl Model {
    pub fn new(scenario: &Scenario) -> Model {
        let g = &scenario.growth;
        let events = compile_events(scenario);
        // For the guess below, which needs the bulk of the paths, not their extremes (a wrong
        // guess costs time only): an uncertain input's spread as a standard deviation would
        // be (a quarter of its central 95.45 %), and its far ends as the central 95 %'s. The
        // central 99.8 % made the histogram so coarse that sorting its members cost more than
        // drawing the input.
        let spread = |key: &str| {
            scenario
                .uncertain
                .get(key)
                .map_or(0.0, |u| (u.quantile(0.977_25) - u.quantile(0.022_75)) / 4.0)
        };
        let far = |key: String, fixed: f64| {
            scenario.uncertain.get(&key).map_or(fixed.abs(), |u| {
                u.quantile(0.975).abs().max(u.quantile(0.025).abs())
            })
        };
        let mut vol_multiplier = 1.0f64;
        let mut event_move = 0.0f64;
        for (ev, event) in events.iter().zip(&scenario.events) {
            let (mut vm, mut mv) = (1.0f64, 0.0f64);
            for (o, outcome) in ev.outcomes.iter().zip(&event.outcomes) {
                let key = |name: &str| outcome_key(&event.id, &outcome.id, name);
                vm = vm.max(far(key("volatility_multiplier"), o.vol_multiplier));
                let level = far(key("level_shock"), o.level_factor - 1.0).min(0.999_999);
                mv = mv.max(far(key("growth_uplift"), o.uplift) + (1.0 - level).ln().abs());
                mv = mv.max(far(key("growth_uplift"), o.uplift) + (1.0 + level).ln().abs());
            }
            vol_multiplier *= vm;
            event_move += mv;
        }
        let initial_spread = match (scenario.pace_distribution(), g.initial_distribution) {
            (Some(_), _) => spread(PACE),
            (None, Shocks::Normal) => g.initial_uncertainty,
            (None, Shocks::StudentT(_)) => 2.0 * g.initial_uncertainty,
        };
        let volatility = far("growth.volatility".into(), g.volatility);
        let start_spread = scenario
            .uncertain
            .get("market.start_revenue")
            .map_or(0.0, |u| (u.quantile(0.999) / u.quantile(0.001)).ln() / 2.0);
        Model {
            start_year: scenario.market.start_year,
            start_revenue: scenario.market.start_revenue,
            initial: g.initial,
            initial_sd: g.initial_uncertainty,
            start_spread,
            long_run: g.long_run_rate(),
            reversion: g.reversion,
            volatility: g.volatility,
            persistence: g.persistence,
            inv_capacity: g.capacity.map_or(0.0, |k| 1.0 / k),
            target: scenario.target.revenue,
            target_year: scenario.target.year,
            shocks: g.shocks,
            // A Student-t r0 has wider tails than 4 sd cover; twice the spread is a fair guess
            // (a wrong guess costs time only).
            max_yearly_move: 4.0
                * (volatility * vol_multiplier + initial_spread + spread("growth.long_run"))
                + event_move,
            events,
            simd: Simd::detect(),
            by_path: ByPath::of(scenario),
        }
    }

    /// The growth loop's constants in `year`.
    pub fn growth_constants(&self, year: i32) -> GrowthConstants {
        // Growth before uplift: long_run + (r0 − long_run)·e^(−κt), as base + r0·decay.
        let t = f64::from(year - self.start_year - 1);
        let decay = (-self.reversion * t).exp();
        GrowthConstants {
            base: self.long_run * (1.0 - decay),
            decay,
            persistence: self.persistence,
            volatility: self.volatility,
            inv_capacity: self.inv_capacity,
            target: self.target,
            year,
            shift: 0.0,
        }
    }
}

/// Per event, the row `[uplift, volatility factor, level factor, 0]` in one year of every
/// (outcome, start year) code, so the path loop is a lookup. The first event's volatility
/// factor carries the base volatility.
pub(super) struct EffectTables {
    rows: Vec<Vec<[f64; 4]>>,
    /// Per event whose values differ by path, per kind (uplift, volatility, level), per code:
    /// [`CompiledOutcome::unit_effect`]; `None` for a kind no code has an effect of this year.
    units: Vec<[Option<Vec<f64>>; 3]>,
    /// True when every row is the "nothing happens" row this year (all outcomes over or not
    /// begun): the loop without events then gives bit-identical results, faster.
    inert: bool,
}

impl EffectTables {
    pub fn for_year(m: &Model, year: i32) -> EffectTables {
        let mut inert = true;
        let rows = m
            .events
            .iter()
            .enumerate()
            .map(|(e, ev)| {
                // With per-path lanes the shocks' scale comes from the lane, and a value that
                // differs by path comes from the path, so the rows leave them out.
                let lanes = m.by_path.lanes();
                let base_vol = if e == 0 && !lanes { m.volatility } else { 1.0 };
                let [up_path, vm_path, lv_path] =
                    m.by_path.events.get(e).copied().unwrap_or_default();
                let nothing = [0.0, base_vol, 1.0, 0.0];
                let mut rows = vec![nothing];
                for o in &ev.outcomes {
                    rows.extend((o.first_start..=o.last_start).map(|s| {
                        let (up, vm, lv) = o.effect(year, s);
                        let up = if up_path { 0.0 } else { up };
                        let vm = if vm_path { 1.0 } else { vm };
                        let lv = if lv_path { 1.0 } else { lv };
                        [up, base_vol * vm, lv, 0.0]
                    }));
                }
                inert &= rows.iter().all(|r| r == &nothing);
                rows
            })
            .collect();
        let units = m
            .events
            .iter()
            .zip(&m.by_path.events)
            .map(|(ev, flags)| {
                let mut units = vec![[0.0; 3]];
                if flags.iter().any(|&f| f) {
                    for o in &ev.outcomes {
                        units
                            .extend((o.first_start..=o.last_start).map(|s| o.unit_effect(year, s)));
                    }
                }
                std::array::from_fn(|k| {
                    let column: Vec<f64> = units.iter().map(|u| u[k]).collect();
                    (flags[k] && column.iter().any(|&u| u != 0.0)).then_some(column)
                })
            })
            .collect();
        EffectTables { rows, units, inert }
    }
}

/// A worker's scratch space for one chunk.
pub(super) struct Scratch {
    eps: Vec<f64>,
    buckets: Vec<u32>,
    /// This year's per-path trend, shock scale, level factor, persistence and 1/capacity,
    /// where they differ by path.
    trend: Vec<f64>,
    sigma: Vec<f64>,
    level: Vec<f64>,
    persistence: Vec<f64>,
    inv_capacity: Vec<f64>,
    /// Per-path e^(−κt), where the reversion speed differs by path.
    decay: Vec<f64>,
}

impl Scratch {
    pub fn new(by_path: &ByPath) -> Scratch {
        let lane = |on: bool| if on { vec![0.0; CHUNK] } else { Vec::new() };
        Scratch {
            eps: vec![0.0; CHUNK],
            buckets: vec![0; CHUNK],
            trend: lane(by_path.trend()),
            sigma: lane(by_path.sigma()),
            level: lane(by_path.level()),
            persistence: lane(by_path.persistence),
            inv_capacity: lane(by_path.capacity),
            decay: lane(by_path.reversion),
        }
    }
}

/// Moments of one chunk in one year.
#[derive(Debug, Clone, Copy)]
pub(super) struct Moments {
    pub n: f64,
    pub mean: f64,
    pub m2: f64,
    pub min: f64,
    pub max: f64,
    pub reached: usize,
}

impl Moments {
    fn from_lanes(l: &LaneMoments) -> Moments {
        let n = l.n as f64;
        let s1 = LaneMoments::total_sum(&l.sum);
        let s2 = LaneMoments::total_sum(&l.sum_sq);
        let m2 = s2 - s1 * s1 / n;
        Moments {
            n,
            mean: l.shift + s1 / n,
            // Rounding may leave a tiny negative; NaN (an overflow) is kept for the engine to
            // report, not turned into a plausible-looking 0.
            m2: if m2.is_nan() { m2 } else { m2.max(0.0) },
            min: l.min.iter().copied().fold(f64::INFINITY, f64::min),
            max: l.max.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            reached: l.reached.iter().sum::<u64>() as usize,
        }
    }

    /// Chan et al.'s pairwise combination; applied in chunk order for determinism.
    pub fn merge(self, o: Moments) -> Moments {
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

/// The mutable state of one chunk of paths (slices of the run's path-indexed arrays).
pub(super) struct ChunkState<'a> {
    pub revenue: &'a mut [f64],
    pub ar: &'a mut [f64],
    pub first_passage: &'a mut [i32],
    pub shocks: &'a mut Generator,
}

/// What stays fixed for every chunk in one year.
pub(super) struct YearPlan<'a> {
    pub model: &'a Model,
    pub growth: GrowthConstants,
    pub tables: &'a EffectTables,
    /// Histogram layout for this year's percentiles.
    pub buckets: Buckets,
    /// Last year's wanted percentile buckets, whose members are gathered here before the
    /// revenue is overwritten.
    pub gather: Option<(&'a Buckets, &'a RankPlan)>,
}

/// What one worker accumulates over the chunks it advances in one year.
pub(super) struct YearAccumulator {
    scratch: Scratch,
    pub counts: Counts,
    pub members: Vec<Vec<f64>>,
    /// (chunk index, moments), merged in chunk order afterwards.
    pub moments: Vec<(usize, Moments)>,
}

impl YearAccumulator {
    pub fn new(plan: &YearPlan) -> YearAccumulator {
        YearAccumulator {
            scratch: Scratch::new(&plan.model.by_path),
            counts: Buckets::empty_counts(),
            members: plan
                .gather
                .map_or_else(Vec::new, |(_, p)| p.empty_members()),
            moments: Vec::new(),
        }
    }

    /// Combines two workers' accumulators (integer counts and unordered members, so the
    /// result does not depend on the split; moments are sorted by chunk later).
    pub fn combine(mut self, other: YearAccumulator) -> YearAccumulator {
        crate::quantile::add_counts(&mut self.counts, &other.counts);
        RankPlan::append_members(&mut self.members, other.members);
        self.moments.extend(other.moments);
        self
    }
}

/// Advances chunk `index` by one year, accumulating into `acc`.
pub(super) fn advance(
    plan: &YearPlan,
    acc: &mut YearAccumulator,
    index: usize,
    state: ChunkState,
    initial_growth: &[f64],
    codes: &EventCodes,
    inputs: &PathInputs,
) {
    let m = plan.model;
    let start = index * CHUNK;
    let len = state.revenue.len();
    let scratch = &mut acc.scratch;
    if let Some((layout, rank_plan)) = plan.gather {
        kernel::collect_members(layout, rank_plan, state.revenue, &mut acc.members, m.simd);
    }
    let r0 = &initial_growth[start..start + len];
    let mut growth = plan.growth;
    let (shared, lanes_wanted) = (SharedLanes::of(m, &growth), m.by_path.lanes());
    if lanes_wanted {
        let sources = LaneSources {
            plan,
            inputs,
            codes,
            start,
            r0,
        };
        fill_lanes(&sources, scratch, len);
        if m.by_path.trend() {
            // The trend is the lane's own: base + r0·decay passes it through exactly.
            growth.base = 0.0;
            growth.decay = 1.0;
        }
    }
    let Scratch {
        eps,
        buckets,
        trend,
        sigma,
        level,
        persistence,
        inv_capacity,
        decay: _,
    } = scratch;
    let buckets = &mut buckets[..len];
    let by = &m.by_path;
    fn lane<'v>(on: bool, values: &'v [f64], copies: &'v [f64; LANES], len: usize) -> Lane<'v> {
        if on {
            Lane::per_path(&values[..len])
        } else {
            Lane::shared(copies)
        }
    }
    let lanes = lanes_wanted.then(|| PathLanes {
        persistence: lane(by.persistence, persistence, &shared.persistence, len),
        sigma: lane(by.sigma(), sigma, &shared.sigma, len),
        level: lane(by.level(), level, &shared.level, len),
        inv_capacity: lane(by.capacity, inv_capacity, &shared.inv_capacity, len),
    });
    let paths = Paths {
        revenue: &mut *state.revenue,
        buckets: &mut *buckets,
        layout: &plan.buckets,
        ar: state.ar,
        first_passage: state.first_passage,
        initial_growth: if m.by_path.trend() { &trend[..len] } else { r0 },
        eps: &mut eps[..len],
        lanes,
    };
    let effects = Effects {
        rows: &plan.tables.rows,
        codes,
    };
    let effects = (!m.events.is_empty() && !plan.tables.inert).then_some(&effects);
    // The shocks are drawn inside the growth loop, path by path in order (so the same values
    // as drawing them all first): the generator's sequential integer work then overlaps the
    // loop's vector arithmetic.
    macro_rules! grow_with {
        ($sample:expr) => {
            kernel::grow(
                &growth,
                paths,
                effects,
                start,
                m.simd,
                state.shocks,
                $sample,
            )
        };
    }
    let lanes = match m.shocks {
        Shocks::Normal => grow_with!(|g: &mut Generator| StandardNormal.sample(g)),
        Shocks::StudentT(nu) => {
            let dist = StudentT::new(nu).expect("validated: ν > 2");
            let scale = ((nu - 2.0) / nu).sqrt();
            grow_with!(|g: &mut Generator| dist.sample(g) * scale)
        }
    };
    acc.moments.push((index, Moments::from_lanes(&lanes)));
    for &b in buckets.iter() {
        // Every bucket is below BUCKETS (a power of two): the mask only spares the bounds check.
        acc.counts[b as usize & (BUCKETS - 1)] += 1;
    }
}

/// Eight copies of each shared value, for lanes that do not differ by path.
struct SharedLanes {
    persistence: [f64; LANES],
    sigma: [f64; LANES],
    level: [f64; LANES],
    inv_capacity: [f64; LANES],
}

impl SharedLanes {
    fn of(m: &Model, c: &GrowthConstants) -> SharedLanes {
        SharedLanes {
            persistence: [c.persistence; LANES],
            sigma: [m.volatility; LANES],
            level: [1.0; LANES],
            inv_capacity: [c.inv_capacity; LANES],
        }
    }
}

/// What a chunk's lanes are made from: the year, the drawn inputs, each path's events, and the
/// chunk's first path and starting paces.
struct LaneSources<'a> {
    plan: &'a YearPlan<'a>,
    inputs: &'a PathInputs,
    codes: &'a EventCodes<'a>,
    start: usize,
    r0: &'a [f64],
}

/// This year's per-path lanes of one chunk (paths `start..start + len`). Each lane is its own
/// pass without branches, so the compiler vectorises it: with AVX2 where the CPU has it (the
/// same operations, so the same values; Rust never fuses a multiply and an add on its own).
fn fill_lanes(sources: &LaneSources, scratch: &mut Scratch, len: usize) {
    #[cfg(target_arch = "x86_64")]
    if sources.plan.model.simd.avx2() {
        #[target_feature(enable = "avx2,fma")]
        fn with_avx2(sources: &LaneSources, scratch: &mut Scratch, len: usize) {
            fill_lanes_body(sources, scratch, len);
        }
        // SAFETY: `Simd::detect` chose AVX2 only when the CPU reports AVX2 and FMA.
        unsafe { with_avx2(sources, scratch, len) };
        return;
    }
    fill_lanes_body(sources, scratch, len);
}

#[inline(always)]
fn fill_lanes_body(sources: &LaneSources, scratch: &mut Scratch, len: usize) {
    let &LaneSources {
        plan,
        inputs,
        codes,
        start,
        r0,
    } = sources;
    let m = plan.model;
    let by = &m.by_path;
    let c = &plan.growth;
    let range = start..start + len;
    fn part<'v>(v: &'v Option<Arc<Vec<f32>>>, range: &std::ops::Range<usize>) -> Option<&'v [f32]> {
        v.as_deref().map(|v| &v[range.clone()])
    }
    let single = |v| part(v, &range);
    // Plain arithmetic throughout: outside the SIMD loops `mul_add` is a library call on CPUs
    // the build does not assume FMA for.
    if by.trend() {
        let t = c.year - m.start_year - 1;
        let trend = &mut scratch.trend[..len];
        let long_run = single(&inputs.long_run);
        match inputs.reversion_decay.as_deref().map(|v| &v[range.clone()]) {
            None => match long_run {
                None => {
                    for (x, &r0) in trend.iter_mut().zip(r0) {
                        *x = r0 * c.decay + c.base;
                    }
                }
                Some(lr) => {
                    for ((x, &r0), &lr) in trend.iter_mut().zip(r0).zip(lr) {
                        *x = r0 * c.decay + f64::from(lr) * (1.0 - c.decay);
                    }
                }
            },
            Some(d) => {
                let decay = &mut scratch.decay[..len];
                power(d, t, decay);
                match long_run {
                    None => {
                        for ((x, &r0), &d) in trend.iter_mut().zip(r0).zip(decay.iter()) {
                            *x = r0 * d + m.long_run * (1.0 - d);
                        }
                    }
                    Some(lr) => {
                        for (((x, &r0), &d), &lr) in
                            trend.iter_mut().zip(r0).zip(decay.iter()).zip(lr)
                        {
                            *x = r0 * d + f64::from(lr) * (1.0 - d);
                        }
                    }
                }
            }
        }
    }
    if by.sigma() {
        let sigma = &mut scratch.sigma[..len];
        match single(&inputs.volatility) {
            Some(v) => {
                for (s, &v) in sigma.iter_mut().zip(v) {
                    *s = f64::from(v);
                }
            }
            None => sigma.fill(m.volatility),
        }
    }
    if by.level() {
        scratch.level[..len].fill(1.0);
    }
    if let Some(p) = single(&inputs.persistence) {
        for (x, &p) in scratch.persistence[..len].iter_mut().zip(p) {
            *x = f64::from(p);
        }
    }
    if let Some(k) = single(&inputs.capacity) {
        for (x, &k) in scratch.inv_capacity[..len].iter_mut().zip(k) {
            *x = 1.0 / f64::from(k);
        }
    }
    for (e, values) in inputs.events.iter().enumerate() {
        let codes = &codes.codes()[e][range.clone()];
        let [uplift, vol, level] = values.each_ref().map(single);
        // A path's event moves each lane by its unit effect: `share` of the uplift, and the
        // multiplier and level factor where active and first active (1 otherwise). A kind
        // with no effect this year is skipped: adding 0 and multiplying by 1 change nothing.
        // Each code indexes its table with the last entry as a bound, so the loops have no
        // bounds checks and vectorise (every code is below the table's length).
        let [up_units, vol_units, level_units] = &plan.tables.units[e];
        if let (Some(u), Some(t)) = (uplift, up_units) {
            let last = t.len() - 1;
            for ((x, &code), &u) in scratch.trend[..len].iter_mut().zip(codes).zip(u) {
                *x += f64::from(u) * t[usize::from(code).min(last)];
            }
        }
        if let (Some(v), Some(t)) = (vol, vol_units) {
            let last = t.len() - 1;
            for ((x, &code), &v) in scratch.sigma[..len].iter_mut().zip(codes).zip(v) {
                let active = t[usize::from(code).min(last)] != 0.0;
                *x *= if active { f64::from(v) } else { 1.0 };
            }
        }
        if let (Some(l), Some(t)) = (level, level_units) {
            let last = t.len() - 1;
            for ((x, &code), &l) in scratch.level[..len].iter_mut().zip(codes).zip(l) {
                let active = t[usize::from(code).min(last)] != 0.0;
                *x *= if active { 1.0 + f64::from(l) } else { 1.0 };
            }
        }
    }
}

/// `out[i] = base[i]^t` for t ≥ 0, by squaring: the same few multiplications on every path,
/// where `powi` is a library call per path. Eight paths at a time go through the squarings
/// in registers, so the loop vectorises without a pass over memory per squaring.
#[inline(always)]
fn power(base: &[f64], t: i32, out: &mut [f64]) {
    const BLOCK: usize = 8;
    #[inline(always)]
    fn block(mut square: [f64; BLOCK], mut e: u32) -> [f64; BLOCK] {
        let mut result = [1.0; BLOCK];
        while e > 0 {
            if e & 1 == 1 {
                for (r, &s) in result.iter_mut().zip(&square) {
                    *r *= s;
                }
            }
            e >>= 1;
            if e > 0 {
                for s in &mut square {
                    *s *= *s;
                }
            }
        }
        result
    }
    let t = t.max(0) as u32;
    let mut bases = base.chunks_exact(BLOCK);
    let mut outs = out.chunks_exact_mut(BLOCK);
    for (base, out) in (&mut bases).zip(&mut outs) {
        let square: [f64; BLOCK] = base.try_into().expect("a whole block");
        out.copy_from_slice(&block(square, t));
    }
    let (base, out) = (bases.remainder(), outs.into_remainder());
    let mut square = [1.0; BLOCK];
    square[..base.len()].copy_from_slice(base);
    out.copy_from_slice(&block(square, t)[..out.len()]);
}

#[cfg(test)]
mod tests {
    use super::power;

    /// Each path's power is the product of its squarings in the order of the exponent's bits,
    /// whatever the slice's length (whole blocks and a remainder), equal to the value by
    /// squaring one path at a time bit for bit, and near `powi`.
    #[test]
    fn powers_by_blocks_equal_squaring_path_by_path() {
        let by_squaring = |b: f64, t: i32| {
            let (mut result, mut square, mut e) = (1.0, b, t.max(0) as u32);
            while e > 0 {
                if e & 1 == 1 {
                    result *= square;
                }
                e >>= 1;
                if e > 0 {
                    square *= square;
                }
            }
            result
        };
        for len in [0, 1, 7, 8, 9, 2048, 2047] {
            let base: Vec<f64> = (0..len)
                .map(|i| 0.3 + 0.6 * (i as f64 * 0.618).fract())
                .collect();
            for t in [-1, 0, 1, 2, 3, 7, 10, 31] {
                let mut out = vec![f64::NAN; len];
                power(&base, t, &mut out);
                for (&b, &o) in base.iter().zip(&out) {
                    assert_eq!(o.to_bits(), by_squaring(b, t).to_bits(), "{b}^{t}");
                    let exact = b.powi(t.max(0));
                    assert!(
                        (o - exact).abs() <= 1e-14 * exact,
                        "{b}^{t}: {o} against {exact}"
                    );
                }
            }
        }
    }
}
