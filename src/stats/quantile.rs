//! Exact percentiles of non-negative values spread over several slices, in two linear passes.
//!
//! Sorting a million values per year would dominate the run time, so this buckets values by
//! the bits of their f64 representation (monotone in value for non-negative numbers, roughly
//! logarithmic), finds the bucket that holds each wanted order statistic from the counts,
//! and sorts only those buckets. The result is exactly what sorting would give.

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
    // Ranks needed: floor and ceil of (n-1)p for each p.
    let positions: Vec<(usize, usize, f64)> = ps
        .iter()
        .map(|&p| {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            (lo, hi, h - lo as f64)
        })
        .collect();
    let mut ranks: Vec<usize> = positions.iter().flat_map(|&(lo, hi, _)| [lo, hi]).collect();
    ranks.sort_unstable();
    ranks.dedup();

    const BUCKET_BITS: u32 = 12;
    const BUCKETS: usize = 1 << BUCKET_BITS;
    let kmin = min.to_bits();
    let span = max.to_bits() - kmin;
    let shift = (64 - span.leading_zeros()).saturating_sub(BUCKET_BITS);
    let bucket = |x: f64| ((x.to_bits() - kmin) >> shift) as usize;

    // Both passes run over the slices in parallel. Counts are integers and each wanted bucket
    // is sorted afterwards, so the result does not depend on how rayon splits the work.
    let counts = slices
        .par_iter()
        .fold(
            || vec![0u32; BUCKETS + 1],
            |mut counts, s| {
                for &x in s.iter() {
                    counts[bucket(x)] += 1;
                }
                counts
            },
        )
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
            a
        })
        .expect("n > 0, so at least one slice");
    // first[b] = rank of the first value in bucket b.
    let mut first = vec![0usize; BUCKETS + 2];
    for b in 0..=BUCKETS {
        first[b + 1] = first[b] + counts[b] as usize;
    }
    let bucket_of_rank = |r: usize| first.partition_point(|&f| f <= r) - 1;
    let mut wanted: Vec<usize> = ranks.iter().map(|&r| bucket_of_rank(r)).collect();
    wanted.dedup();
    let mut slot = vec![u16::MAX; BUCKETS + 1];
    for (i, &b) in wanted.iter().enumerate() {
        slot[b] = i as u16;
    }
    let mut members = slices
        .par_iter()
        .fold(
            || vec![Vec::new(); wanted.len()],
            |mut members: Vec<Vec<f64>>, s| {
                for &x in s.iter() {
                    let k = slot[bucket(x)];
                    if k != u16::MAX {
                        members[k as usize].push(x);
                    }
                }
                members
            },
        )
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(b).for_each(|(x, y)| x.extend(y));
            a
        })
        .expect("n > 0, so at least one slice");
    members
        .par_iter_mut()
        .for_each(|m| m.sort_unstable_by(f64::total_cmp));
    let value_at = |r: usize| {
        let b = bucket_of_rank(r);
        members[slot[b] as usize][r - first[b]]
    };
    positions
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted_quantile(values: &[f64], p: f64) -> f64 {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        v[lo] + (v[hi] - v[lo]) * (h - lo as f64)
    }

    #[test]
    fn small_known_values() {
        let v = [1.0, 2.0, 3.0, 4.0];
        let q = exact_quantiles(&[&v], &[0.0, 0.5, 1.0, 0.25]);
        assert_eq!(q, vec![1.0, 2.5, 4.0, 1.75]);
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
        fn matches_sorting_with_ties(values in prop::collection::vec(0u8..5, 1..500), p in 0.0f64..=1.0) {
            let v: Vec<f64> = values.iter().map(|&x| x as f64 * 100.0).collect();
            prop_assert_eq!(exact_quantiles(&[&v], &[p])[0], sorted_quantile(&v, p));
        }
    }
}
