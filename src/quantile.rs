//! Exact percentiles of non-negative values spread over several slices, in two linear passes.
//!
//! Sorting a million values per year would dominate the run time, so this buckets values by
//! the bits of their f64 representation (monotone in value for non-negative numbers, roughly
//! logarithmic), finds the bucket that holds each wanted order statistic from the counts,
//! and sorts only those buckets. The result is exactly what sorting would give.
//!
//! The pieces ([`Buckets`], [`RankPlan`]) are public so the engine can count while it
//! simulates and gather a year's members while it reads them for the next year.

use rayon::prelude::*;

/// Linear interpolation between order statistics (numpy's default, "type 7"):
/// the p-quantile of n values is x[(n-1)p] interpolated.
pub fn exact_quantiles(slices: &[&[f64]], ps: &[f64]) -> Vec<f64> {
    let n: usize = slices.iter().map(|s| s.len()).sum();
    if n == 0 {
        return vec![f64::NAN; ps.len()];
    }
    let (min, max) = slices
        .iter()
        .flat_map(|s| s.iter())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    exact_quantiles_with_range(slices, n, min, max, ps)
}

/// As [`exact_quantiles`], when the count, minimum and maximum are already known.
pub fn exact_quantiles_with_range(
    slices: &[&[f64]],
    n: usize,
    min: f64,
    max: f64,
    ps: &[f64],
) -> Vec<f64> {
    debug_assert!(min >= 0.0, "values must be non-negative");
    if n == 0 {
        return vec![f64::NAN; ps.len()];
    }
    if min == max {
        return vec![min; ps.len()];
    }
    let buckets = Buckets::covering(min, max);
    // Both passes run over the slices in parallel. Counts are integers and each wanted bucket
    // is sorted afterwards, so the result does not depend on how rayon splits the work.
    let counts = slices
        .par_iter()
        .fold(Buckets::empty_counts, |mut counts, s| {
            buckets.count(s, &mut counts);
            counts
        })
        .reduce_with(|mut a, b| {
            add_counts(&mut a, &b);
            a
        })
        .expect("n > 0, so at least one slice");
    let plan = RankPlan::new(&counts, ps);
    let members = slices
        .par_iter()
        .fold(
            || plan.empty_members(),
            |mut members, s| {
                plan.gather(&buckets, s, &mut members);
                members
            },
        )
        .reduce_with(|mut a, b| {
            RankPlan::append_members(&mut a, b);
            a
        })
        .expect("n > 0, so at least one slice");
    plan.finish(members)
}

/// Exact quantiles `ps` of each group of `values`, where `group[i] < groups` names the group of
/// `values[i]` (the two slices have the same length), without copying the values out: one
/// pass counts a histogram per group, one collects the wanted buckets' members. `min` and `max`
/// bound all values. Groups with no values get NaN.
pub fn grouped_quantiles(
    values: &[f64],
    group: &[u8],
    groups: usize,
    min: f64,
    max: f64,
    ps: &[f64],
) -> Vec<Vec<f64>> {
    assert_eq!(values.len(), group.len(), "one group per value");
    const SPLIT: usize = 1 << 14;
    let buckets = Buckets::covering(min.max(0.0), max.max(min.max(0.0)));
    let counts = values
        .par_chunks(SPLIT)
        .zip(group.par_chunks(SPLIT))
        .fold(
            || vec![Buckets::empty_counts(); groups],
            |mut counts, (values, group)| {
                for (&x, &g) in values.iter().zip(group) {
                    counts[g as usize][buckets.index(x)] += 1;
                }
                counts
            },
        )
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(&b).for_each(|(a, b)| add_counts(a, b));
            a
        })
        .unwrap_or_else(|| vec![Buckets::empty_counts(); groups]);
    let plans: Vec<Option<RankPlan>> = counts
        .iter()
        .map(|c| (c.iter().any(|&k| k > 0)).then(|| RankPlan::new(c, ps)))
        .collect();
    let empty = || {
        plans
            .iter()
            .map(|p| p.as_ref().map_or_else(Vec::new, RankPlan::empty_members))
            .collect::<Vec<_>>()
    };
    let members = values
        .par_chunks(SPLIT)
        .zip(group.par_chunks(SPLIT))
        .fold(empty, |mut members, (values, group)| {
            for (&x, &g) in values.iter().zip(group) {
                if let Some(plan) = &plans[g as usize] {
                    let k = plan.slot(buckets.index(x));
                    if k != RankPlan::NOT_WANTED {
                        members[g as usize][k as usize].push(x);
                    }
                }
            }
            members
        })
        .reduce_with(|mut a, b| {
            a.iter_mut()
                .zip(b)
                .for_each(|(a, b)| RankPlan::append_members(a, b));
            a
        })
        .unwrap_or_else(empty);
    plans
        .iter()
        .zip(members)
        .map(|(plan, members)| match plan {
            Some(plan) => plan.finish(members),
            None => vec![f64::NAN; ps.len()],
        })
        .collect()
}

/// Number of buckets in a [`Buckets`] histogram: small enough that the counts stay in L1 cache.
pub const BUCKETS: usize = 1 << 12;

/// Per-bucket counts of a [`Buckets`] histogram.
pub type Counts = Box<[u32; BUCKETS]>;

/// Adds `b` into `a`, bucket by bucket.
pub fn add_counts(a: &mut Counts, b: &Counts) {
    a.iter_mut().zip(b.iter()).for_each(|(x, y)| *x += y);
}

/// A histogram layout over the bits of non-negative f64 values, which order like the values
/// themselves and are roughly logarithmic. Values below the covered range fall in the first
/// bucket and values above it in the last, so every value has a bucket whatever the range: a
/// range chosen badly costs time, never exactness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buckets {
    low_bits: u64,
    shift: u32,
}

impl Buckets {
    /// A layout whose buckets tile `[lo, hi]` (0 ≤ lo ≤ hi).
    pub fn covering(lo: f64, hi: f64) -> Buckets {
        debug_assert!(0.0 <= lo && lo <= hi, "covering({lo}, {hi})");
        let low_bits = lo.to_bits();
        let span = hi.to_bits() - low_bits;
        let shift = (64 - span.leading_zeros()).saturating_sub(BUCKETS.trailing_zeros());
        Buckets { low_bits, shift }
    }

    pub fn empty_counts() -> Counts {
        Box::new([0; BUCKETS])
    }

    #[inline(always)]
    pub fn index(&self, x: f64) -> usize {
        // Compared as signed integers, as the engine's SIMD version does (bits of values ≥ 0
        // are below 2^63, so this is the unsigned order for them).
        let (bits, low) = (x.to_bits() as i64, self.low_bits as i64);
        let offset = if low > bits {
            0
        } else {
            (bits - low) as u64 >> self.shift
        };
        offset.min(BUCKETS as u64 - 1) as usize
    }

    /// The bits of the lowest covered value, and the shift from bits to buckets.
    pub fn parts(&self) -> (u64, u32) {
        (self.low_bits, self.shift)
    }

    #[inline(always)]
    pub fn count(&self, values: &[f64], counts: &mut Counts) {
        for &x in values {
            counts[self.index(x)] += 1;
        }
    }

    /// The smallest value that falls in bucket `b` (for `b` > 0).
    pub fn lower_edge(&self, b: usize) -> f64 {
        f64::from_bits(self.low_bits + ((b as u64) << self.shift))
    }
}

/// Which order statistics the wanted quantiles need, and which buckets of a histogram hold
/// them: made from the counts, then fed the members of those buckets, then finished.
#[derive(Debug, Clone)]
pub struct RankPlan {
    /// Per wanted quantile: lower rank, upper rank, interpolation weight ("type 7").
    positions: Vec<(usize, usize, f64)>,
    /// first[b] = rank of the first value in bucket b; first[BUCKETS] = n.
    first: Vec<usize>,
    /// Per bucket: its index among the wanted buckets, or [`RankPlan::NOT_WANTED`].
    slot: Vec<u32>,
    /// The wanted buckets, ascending.
    wanted: Vec<usize>,
}

impl RankPlan {
    pub const NOT_WANTED: u32 = u32::MAX;

    /// Plans the quantiles `ps` of the `n = Σ counts` (> 0) values counted in `counts`.
    pub fn new(counts: &Counts, ps: &[f64]) -> RankPlan {
        let mut first = vec![0usize; BUCKETS + 1];
        for b in 0..BUCKETS {
            first[b + 1] = first[b] + counts[b] as usize;
        }
        let n = first[BUCKETS];
        debug_assert!(n > 0, "nothing counted");
        let positions: Vec<(usize, usize, f64)> = ps
            .iter()
            .map(|&p| {
                let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
                let lo = h.floor() as usize;
                let hi = (lo + 1).min(n - 1);
                (lo, hi, h - lo as f64)
            })
            .collect();
        let mut plan = RankPlan {
            positions,
            first,
            slot: vec![Self::NOT_WANTED; BUCKETS],
            wanted: Vec::new(),
        };
        let mut wanted: Vec<usize> = plan
            .positions
            .iter()
            .flat_map(|&(lo, hi, _)| [plan.bucket_of_rank(lo), plan.bucket_of_rank(hi)])
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        for (i, &b) in wanted.iter().enumerate() {
            plan.slot[b] = i as u32;
        }
        plan.wanted = wanted;
        plan
    }

    fn bucket_of_rank(&self, rank: usize) -> usize {
        self.first.partition_point(|&f| f <= rank) - 1
    }

    /// How many values the wanted buckets hold: the work left to finish the plan.
    pub fn members_wanted(&self) -> usize {
        self.wanted
            .iter()
            .map(|&b| self.first[b + 1] - self.first[b])
            .sum()
    }

    /// The bucket that holds `rank`, as `(bucket, count in it)`.
    pub fn bucket_holding(&self, rank: usize) -> (usize, usize) {
        let b = self.bucket_of_rank(rank);
        (b, self.first[b + 1] - self.first[b])
    }

    /// The slot of bucket `b` among the wanted ones, or [`RankPlan::NOT_WANTED`].
    #[inline(always)]
    pub fn slot(&self, b: usize) -> u32 {
        self.slot[b]
    }

    /// The slot of every bucket, indexed by bucket ([`BUCKETS`] entries).
    pub fn slots(&self) -> &[u32] {
        &self.slot
    }

    pub fn empty_members(&self) -> Vec<Vec<f64>> {
        vec![Vec::new(); self.wanted.len()]
    }

    /// Collects the values of `values` that fall in wanted buckets.
    #[inline(always)]
    pub fn gather(&self, buckets: &Buckets, values: &[f64], members: &mut [Vec<f64>]) {
        for &x in values {
            let k = self.slot[buckets.index(x)];
            if k != Self::NOT_WANTED {
                members[k as usize].push(x);
            }
        }
    }

    pub fn append_members(a: &mut [Vec<f64>], b: Vec<Vec<f64>>) {
        a.iter_mut().zip(b).for_each(|(x, y)| x.extend(y));
    }

    /// The quantiles, from every member of the wanted buckets (in any order).
    pub fn finish(&self, mut members: Vec<Vec<f64>>) -> Vec<f64> {
        for (m, &b) in members.iter().zip(&self.wanted) {
            assert_eq!(
                m.len(),
                self.first[b + 1] - self.first[b],
                "members gathered with another layout than the one counted"
            );
        }
        members
            .par_iter_mut()
            .for_each(|m| m.sort_unstable_by(f64::total_cmp));
        let value_at = |r: usize| {
            let b = self.bucket_of_rank(r);
            members[self.slot[b] as usize][r - self.first[b]]
        };
        self.positions
            .iter()
            .map(|&(lo, hi, frac)| {
                let a = value_at(lo);
                if frac == 0.0 {
                    a
                } else {
                    a + (value_at(hi) - a) * frac
                }
            })
            .collect()
    }
}

/// Type-7 quantiles of any finite values (may be negative), by selection: no sort, and the
/// order of `values` changes.
pub fn select_quantiles(values: &mut [f64], ps: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; ps.len()];
    }
    ps.iter()
        .map(|&p| {
            let pos = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = pos.floor() as usize;
            let frac = pos - lo as f64;
            let (_, &mut x, rest) = values.select_nth_unstable_by(lo, f64::total_cmp);
            if frac == 0.0 || rest.is_empty() {
                x
            } else {
                let y = rest.iter().copied().fold(f64::INFINITY, f64::min);
                x + frac * (y - x)
            }
        })
        .collect()
}

/// The reference for tests: sort, then interpolate ("type 7").
#[cfg(test)]
pub(crate) fn sorted_quantile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (v[hi] - v[lo]) * (h - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_known_values() {
        let v = [1.0, 2.0, 3.0, 4.0];
        let q = exact_quantiles(&[&v], &[0.0, 0.5, 1.0, 0.25]);
        assert_eq!(q, vec![1.0, 2.5, 4.0, 1.75]);
    }

    #[test]
    fn selection_takes_signed_values() {
        let mut v = [3.0, -1.0, 0.0, -3.0, 1.0];
        assert_eq!(
            select_quantiles(&mut v, &[0.0, 0.125, 0.25, 0.5, 1.0]),
            [-3.0, -2.0, -1.0, 0.0, 3.0]
        );
        assert!(select_quantiles(&mut [], &[0.5])[0].is_nan());
    }

    #[test]
    fn constant_values() {
        let v = [7.0; 10];
        assert_eq!(exact_quantiles(&[&v], &[0.05, 0.95]), vec![7.0, 7.0]);
    }

    proptest! {
        #[test]
        fn matches_sorting(values in prop::collection::vec(0.0f64..1e6, 1..3000),
                           split in 0usize..3000,
                           ps in prop::collection::vec(0.0f64..=1.0, 1..9)) {
            let split = split.min(values.len());
            let (a, b) = values.split_at(split);
            let got = exact_quantiles(&[a, b], &ps);
            for (g, &p) in got.iter().zip(&ps) {
                prop_assert_eq!(*g, sorted_quantile(&values, p));
            }
        }

        #[test]
        fn selection_matches_sorting(values in prop::collection::vec(-1e6f64..1e6, 1..2000),
                                     ps in prop::collection::vec(0.0f64..=1.0, 1..9)) {
            let mut v = values.clone();
            let got = select_quantiles(&mut v, &ps);
            for (g, &p) in got.iter().zip(&ps) {
                prop_assert_eq!(*g, sorted_quantile(&values, p));
            }
        }

        #[test]
        fn matches_sorting_with_ties(values in prop::collection::vec(0u8..5, 1..500), p in 0.0f64..=1.0) {
            let v: Vec<f64> = values.iter().map(|&x| x as f64 * 100.0).collect();
            prop_assert_eq!(exact_quantiles(&[&v], &[p])[0], sorted_quantile(&v, p));
        }

        #[test]
        fn grouped_matches_sorting_each_group(
            pairs in prop::collection::vec((0.0f64..1e4, 0u8..4), 1..3000),
            ps in prop::collection::vec(0.0f64..=1.0, 1..5)) {
            let values: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let group: Vec<u8> = pairs.iter().map(|p| p.1).collect();
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(0.0, f64::max);
            let got = grouped_quantiles(&values, &group, 5, min, max, &ps);
            for (g, q) in got.iter().enumerate() {
                let members: Vec<f64> =
                    pairs.iter().filter(|p| p.1 as usize == g).map(|p| p.0).collect();
                for (x, &p) in q.iter().zip(&ps) {
                    if members.is_empty() {
                        prop_assert!(x.is_nan());
                    } else {
                        prop_assert_eq!(*x, sorted_quantile(&members, p));
                    }
                }
            }
        }

        /// The engine counts with a layout guessed before the values exist: whatever the
        /// layout (covering all, part or none of the values), the quantiles stay exact.
        #[test]
        fn any_layout_is_exact(values in prop::collection::vec(0.0f64..1e4, 1..2000),
                               lo in 0.0f64..2e4, width in 0.0f64..2e4,
                               ps in prop::collection::vec(0.0f64..=1.0, 1..9)) {
            let buckets = Buckets::covering(lo, lo + width);
            let mut counts = Buckets::empty_counts();
            buckets.count(&values, &mut counts);
            let plan = RankPlan::new(&counts, &ps);
            let mut members = plan.empty_members();
            let (a, b) = values.split_at(values.len() / 3);
            plan.gather(&buckets, b, &mut members);
            plan.gather(&buckets, a, &mut members);
            prop_assert!(plan.members_wanted() <= values.len());
            for (g, &p) in plan.finish(members).iter().zip(&ps) {
                prop_assert_eq!(*g, sorted_quantile(&values, p));
            }
        }
    }
}
