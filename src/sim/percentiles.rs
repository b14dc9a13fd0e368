//! Each year's exact percentiles, computed without extra passes over the paths.
//!
//! Exact percentiles need two looks at the data: count a histogram, then collect the values in
//! the buckets that hold the wanted ranks. The engine already reads every path once a year, so
//! it counts year t's histogram while year t's values are fresh, and collects year t's members
//! at the start of year t+1, just before it overwrites them. The histogram layout must be fixed
//! before the values exist, so it is guessed from the previous year's percentiles. A poor
//! guess costs time, never exactness: out-of-range values land in the end buckets, and when
//! the buckets to collect are too large the year falls back to two plain passes.

use rayon::prelude::*;

use crate::quantile::{BUCKETS, Buckets, Counts, RankPlan, exact_quantiles_with_range};

use super::kernel::{self, Simd};
use super::step::Model;
use super::{CHUNK, PERCENTILES, YearStats};

/// Share of the paths the wanted buckets may hold before a year falls back to two passes.
const MAX_MEMBER_SHARE: usize = 8;

/// A year whose percentiles wait for their members to be collected.
struct Pending {
    buckets: Buckets,
    plan: RankPlan,
    stats: YearStats,
}

/// Where the percentiles of the next year are expected, in log revenue.
#[derive(Debug, Clone, Copy)]
struct Guess {
    low: f64,
    high: f64,
}

pub(super) struct YearPercentiles {
    paths: usize,
    max_yearly_move: f64,
    pending: Option<Pending>,
    next: Guess,
    /// ln of the median in the latest year seen (exact or from its histogram).
    last_log_median: f64,
    finished: Vec<YearStats>,
}

impl YearPercentiles {
    pub fn new(m: &Model, paths: usize) -> YearPercentiles {
        let start = m.start_revenue.ln();
        // First year: centred on the mean growth, as wide as the parameter spread allows.
        let centre = start + (1.0 + m.initial).max(1e-3).ln();
        let half = 4.0 * m.initial_sd / (1.0 + m.initial).max(1e-3)
            + 4.0 * m.start_spread
            + m.max_yearly_move
            + 0.05;
        YearPercentiles {
            paths,
            max_yearly_move: m.max_yearly_move,
            pending: None,
            next: Guess {
                low: centre - half,
                high: centre + half,
            },
            last_log_median: start,
            finished: Vec::new(),
        }
    }

    /// The histogram layout to count the coming year with.
    pub fn layout(&self) -> Buckets {
        let (lo, hi) = (self.next.low.exp(), self.next.high.exp());
        if lo.is_finite() && hi.is_finite() && 0.0 < lo && lo < hi {
            Buckets::covering(lo, hi)
        } else {
            // Nothing sensible to guess from: all values still get a bucket.
            Buckets::covering(0.0, f64::MAX)
        }
    }

    /// The previous year's wanted buckets, to collect during the coming year's step.
    pub fn to_gather(&self) -> Option<(&Buckets, &RankPlan)> {
        self.pending.as_ref().map(|p| (&p.buckets, &p.plan))
    }

    /// Called after each year's step with what the workers accumulated. `stats` has every
    /// field but the percentiles; `revenue` is this year's revenue, path by path.
    pub fn year_done(
        &mut self,
        buckets: Buckets,
        counts: &Counts,
        members: Vec<Vec<f64>>,
        stats: YearStats,
        revenue: &[f64],
    ) {
        if let Some(p) = self.pending.take() {
            self.finish(p, members);
        }
        let plan = RankPlan::new(counts, &PERCENTILES);
        if plan.members_wanted() > self.paths / MAX_MEMBER_SHARE {
            // The guess missed (or the values are tied): two plain passes, now.
            let slices: Vec<&[f64]> = revenue.chunks(CHUNK).collect();
            let q =
                exact_quantiles_with_range(&slices, self.paths, stats.min, stats.max, &PERCENTILES);
            let mut stats = stats;
            stats.percentiles = q.try_into().expect("seven percentiles");
            let (p5, p50, p95) = (stats.p5(), stats.median(), stats.p95());
            self.guess_next(p5, p50, p95);
            self.finished.push(stats);
        } else {
            // Approximate percentiles from the histogram: good enough to place next year's.
            let edge = |rank: usize, upper: bool| {
                let (b, _) = plan.bucket_holding(rank);
                match (b, upper) {
                    (0, false) => stats.min,
                    (b, true) if b + 1 >= BUCKETS => stats.max,
                    (b, false) => buckets.lower_edge(b).clamp(stats.min, stats.max),
                    (b, true) => buckets.lower_edge(b + 1).clamp(stats.min, stats.max),
                }
            };
            let rank = |p: f64| ((self.paths - 1) as f64 * p) as usize;
            let (p5, p50, p95) = (
                edge(rank(0.05), false),
                edge(rank(0.5), false),
                edge(rank(0.95), true),
            );
            self.guess_next(p5, p50, p95);
            self.pending = Some(Pending {
                buckets,
                plan,
                stats,
            });
        }
    }

    /// After the last year: collects the pending year's members in one pass and returns every
    /// year's statistics, in order.
    pub fn finish_all(mut self, revenue: &[f64], simd: Simd) -> Vec<YearStats> {
        if let Some(p) = self.pending.take() {
            let members = revenue
                .par_chunks(CHUNK)
                .fold(
                    || p.plan.empty_members(),
                    |mut members, values| {
                        kernel::collect_members(&p.buckets, &p.plan, values, &mut members, simd);
                        members
                    },
                )
                .reduce_with(|mut a, b| {
                    RankPlan::append_members(&mut a, b);
                    a
                })
                .expect("at least one path");
            self.finish(p, members);
        }
        self.finished
    }

    fn finish(&mut self, p: Pending, members: Vec<Vec<f64>>) {
        let mut stats = p.stats;
        stats.percentiles = p
            .plan
            .finish(members)
            .try_into()
            .expect("seven percentiles");
        self.finished.push(stats);
    }

    /// Places next year's range: this year's p5–p95 in logs, moved by this year's median
    /// growth, widened by what one more year of shocks and events can add.
    fn guess_next(&mut self, p5: f64, p50: f64, p95: f64) {
        let (lo, mid, hi) = (p5.ln(), p50.ln(), p95.ln());
        let drift = mid - self.last_log_median;
        self.last_log_median = mid;
        let margin = 0.25 * (hi - lo) + self.max_yearly_move + 0.5 * drift.abs() + 0.05;
        self.next = Guess {
            low: lo + drift - margin,
            high: hi + drift + margin,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantile::sorted_quantile;
    use crate::scenario::load;

    fn stats(year: i32, values: &[f64]) -> YearStats {
        YearStats {
            year,
            mean: f64::NAN,
            sd: f64::NAN,
            percentiles: [f64::NAN; 7],
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            p_target: f64::NAN,
        }
    }

    /// Feeds three years through the tracker the way the engine does, with the guess for the
    /// second year forced far off: every year must still come out exact, whichever way
    /// (collected the next year, at the end, or by the fallback passes) it was finished.
    #[test]
    fn a_wrong_guess_costs_time_not_exactness() {
        let model = Model::new(&load("baseline").unwrap());
        let n = 5_003;
        let years: Vec<Vec<f64>> = (1..=3)
            .map(|y| {
                (0..n)
                    .map(|i| 600.0 * f64::from(y) + ((i * 7919) % n) as f64 * 0.37)
                    .collect()
            })
            .collect();
        let mut tracker = YearPercentiles::new(&model, n);
        for (k, values) in years.iter().enumerate() {
            if k == 1 {
                tracker.next = Guess {
                    low: 30.0,
                    high: 31.0,
                };
            }
            let layout = tracker.layout();
            let mut members = tracker
                .to_gather()
                .map_or_else(Vec::new, |(_, plan)| plan.empty_members());
            if let Some((b, plan)) = tracker.to_gather() {
                plan.gather(b, &years[k - 1], &mut members);
            }
            let mut counts = Buckets::empty_counts();
            layout.count(values, &mut counts);
            tracker.year_done(layout, &counts, members, stats(k as i32, values), values);
        }
        let done = tracker.finish_all(&years[2], model.simd);
        assert_eq!(done.len(), 3);
        for (y, values) in done.iter().zip(&years) {
            for (q, &p) in y.percentiles.iter().zip(&PERCENTILES) {
                assert_eq!(*q, sorted_quantile(values, p), "year {} p{p}", y.year);
            }
        }
    }
}
