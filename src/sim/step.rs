//! One year of one chunk of paths: the inner loop of the engine.
//!
//! A chunk's state is a few small slices that stay in cache for the whole year's work on it:
//! draw the shocks while applying growth and the events' effects, then take the moments and count
//! the percentile histogram while the new revenue is still in L1. Scratch space belongs to the
//! worker, not to the chunk, so a million paths do not drag a million scratch slots through
//! memory every year.

use rand_distr::{Distribution, StandardNormal, StudentT};

use super::CHUNK;
use super::kernel::{self, Effects, EventCodes, GrowthConstants, LaneMoments, Paths, Simd};
use super::rng::Generator;
use crate::quantile::{BUCKETS, Buckets, Counts, RankPlan};
use crate::scenario::{Scenario, Shocks, Timing};

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
    pub initial_distribution: Shocks,
    /// `growth.initial` written as a distribution (then `initial_sd` is 0).
    pub initial_uncertain: Option<crate::scenario::uncertain::Uncertain>,
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
}

impl Model {
    pub fn new(scenario: &Scenario) -> Model {
        let g = &scenario.growth;
        let events = compile_events(scenario);
        let mut vol_multiplier = 1.0f64;
        let mut event_move = 0.0f64;
        for ev in &events {
            let (mut vm, mut mv) = (1.0f64, 0.0f64);
            for o in &ev.outcomes {
                vm = vm.max(o.vol_multiplier);
                mv = mv.max(o.uplift.abs() + o.level_factor.ln().abs());
            }
            vol_multiplier *= vm;
            event_move += mv;
        }
        let initial_uncertain = scenario.pace_distribution().cloned();
        let initial_spread = match (&initial_uncertain, g.initial_distribution) {
            // Half the central 99.8 %, as 4 of these make a generous bound.
            (Some(u), _) => (u.quantile(0.999) - u.quantile(0.001)) / 2.0,
            (None, Shocks::Normal) => g.initial_uncertainty,
            (None, Shocks::StudentT(_)) => 2.0 * g.initial_uncertainty,
        };
        Model {
            start_year: scenario.market.start_year,
            start_revenue: scenario.market.start_revenue,
            initial: g.initial,
            initial_sd: g.initial_uncertainty,
            initial_distribution: g.initial_distribution,
            initial_uncertain,
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
            max_yearly_move: 4.0 * (g.volatility * vol_multiplier + initial_spread) + event_move,
            events,
            simd: Simd::detect(),
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
                let base_vol = if e == 0 { m.volatility } else { 1.0 };
                let nothing = [0.0, base_vol, 1.0, 0.0];
                let mut rows = vec![nothing];
                for o in &ev.outcomes {
                    rows.extend((o.first_start..=o.last_start).map(|s| {
                        let (up, vm, lv) = o.effect(year, s);
                        [up, base_vol * vm, lv, 0.0]
                    }));
                }
                inert &= rows.iter().all(|r| r == &nothing);
                rows
            })
            .collect();
        EffectTables { rows, inert }
    }
}

/// A worker's scratch space for one chunk.
pub(super) struct Scratch {
    eps: Vec<f64>,
    buckets: Vec<u32>,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            eps: vec![0.0; CHUNK],
            buckets: vec![0; CHUNK],
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
            scratch: Scratch::new(),
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
) {
    let m = plan.model;
    let start = index * CHUNK;
    let len = state.revenue.len();
    let buckets = &mut acc.scratch.buckets[..len];
    if let Some((layout, rank_plan)) = plan.gather {
        kernel::collect_members(layout, rank_plan, state.revenue, &mut acc.members, m.simd);
    }
    let paths = Paths {
        revenue: &mut *state.revenue,
        buckets: &mut *buckets,
        layout: &plan.buckets,
        ar: state.ar,
        first_passage: state.first_passage,
        initial_growth: &initial_growth[start..start + len],
        eps: &mut acc.scratch.eps[..len],
    };
    let effects = Effects {
        rows: &plan.tables.rows,
        codes,
    };
    let effects = (!m.events.is_empty() && !plan.tables.inert).then_some(&effects);
    // The shocks are drawn inside the growth loop, path by path in order (so the same values
    // as drawing them all first): the generator's sequential integer work then overlaps the
    // loop's vector arithmetic.
    let lanes = match m.shocks {
        Shocks::Normal => kernel::grow(
            &plan.growth,
            paths,
            effects,
            start,
            m.simd,
            state.shocks,
            |g: &mut Generator| StandardNormal.sample(g),
        ),
        Shocks::StudentT(nu) => {
            let dist = StudentT::new(nu).expect("validated: ν > 2");
            let scale = ((nu - 2.0) / nu).sqrt();
            kernel::grow(
                &plan.growth,
                paths,
                effects,
                start,
                m.simd,
                state.shocks,
                |g: &mut Generator| dist.sample(g) * scale,
            )
        }
    };
    acc.moments.push((index, Moments::from_lanes(&lanes)));
    for &b in buckets.iter() {
        // Every bucket is below BUCKETS (a power of two): the mask only spares the bounds check.
        acc.counts[b as usize & (BUCKETS - 1)] += 1;
    }
}
