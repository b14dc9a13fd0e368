//! Paired differences between two runs on the same seed (common random numbers).
//!
//! Path i of run A and path i of run B saw the same shocks and draws, so the difference of a
//! per-path quantity is estimated from the per-path differences, whose variance is far smaller
//! than the sum of the two runs' variances when the runs are alike.

use rayon::prelude::*;
use serde::Serialize;

use super::{Z95, normal_ci95};
use crate::quantile::{exact_quantiles, select_quantiles};
use crate::sim::Projection;

/// A difference B − A estimated from paired paths, with its Monte Carlo error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub difference: f64,
    /// Paired Monte Carlo standard error.
    pub std_error: f64,
    /// difference ± 1.96 · std_error.
    pub ci95: [f64; 2],
}

impl Estimate {
    fn new(difference: f64, std_error: f64) -> Estimate {
        Estimate {
            difference,
            std_error,
            ci95: normal_ci95(difference, std_error),
        }
    }

    /// The 95 % Monte Carlo half-width, 1.96 · std_error.
    pub fn half_width(&self) -> f64 {
        Z95 * self.std_error
    }
}

/// P_B − P_A from per-path hit indicators of the same paths: the mean of d_i = b_i − a_i, with
/// standard error sqrt(s²_d / n), s²_d the sample variance of the d_i. Only the discordant
/// paths (hit in one run, not the other) carry variance.
pub fn paired_probability(a: &[bool], b: &[bool]) -> Estimate {
    let n = a.len().min(b.len());
    let (mut a_only, mut b_only) = (0usize, 0usize);
    for (&x, &y) in a[..n].iter().zip(&b[..n]) {
        a_only += usize::from(x && !y);
        b_only += usize::from(y && !x);
    }
    discordant(a_only, b_only, n)
}

/// The paired estimate from the counts of discordant paths out of `n`.
pub fn discordant(a_only: usize, b_only: usize, n: usize) -> Estimate {
    if n == 0 {
        return Estimate::new(f64::NAN, f64::NAN);
    }
    let nf = n as f64;
    let d = (b_only as f64 - a_only as f64) / nf;
    let mean_sq = (a_only + b_only) as f64 / nf;
    let var = if n > 1 {
        ((mean_sq - d * d) * nf / (nf - 1.0)).max(0.0)
    } else {
        0.0
    };
    Estimate::new(d, (var / nf).sqrt())
}

/// Hit indicators of a run: revenue in the target year ≥ the target.
pub fn hits(p: &Projection) -> Vec<bool> {
    let target = p.scenario.target.revenue;
    p.target_values.iter().map(|&v| v >= target).collect()
}

/// Number of paths whose hit differs, as (hit in A only, hit in B only), without building
/// indicator arrays. Each run's own target is used.
pub fn discordant_counts(a: &Projection, b: &Projection) -> (usize, usize) {
    let (ta, tb) = (a.scenario.target.revenue, b.scenario.target.revenue);
    let mut counts = (0usize, 0usize);
    for (&x, &y) in a.target_values.iter().zip(&b.target_values) {
        let (ha, hb) = (x >= ta, y >= tb);
        counts.0 += usize::from(ha && !hb);
        counts.1 += usize::from(hb && !ha);
    }
    counts
}

/// Bandwidth (in probability) of the spacing estimate of 1/density at the median:
/// Hall and Sheather's rule for a 95 % interval, h = 0.97 · n^(−1/3), capped at 0.25.
fn median_bandwidth(n: usize) -> f64 {
    (0.97 * (n as f64).powf(-1.0 / 3.0)).min(0.25)
}

/// Values per slice of the quantile passes below, so that they run in parallel (counts are
/// integers and members are sorted, so the result does not depend on the split).
const SLICE: usize = 1 << 15;

/// What a paired median difference needs of one side: its values' quantiles at ½ − h, ½ and
/// ½ + h (h from [`median_bandwidth`]). A base compared with many runs computes it once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianSpread {
    n: usize,
    quantiles: [f64; 3],
}

impl MedianSpread {
    /// Of `values` (non-negative: revenues).
    pub fn of(values: &[f64]) -> MedianSpread {
        let n = values.len();
        let h = median_bandwidth(n);
        let slices: Vec<&[f64]> = values.chunks(SLICE).collect();
        let q = exact_quantiles(&slices, &[0.5 - h, 0.5, 0.5 + h]);
        MedianSpread {
            n,
            quantiles: [q[0], q[1], q[2]],
        }
    }

    /// 1/f(median), estimated by the quantile spacing (Q(½+h) − Q(½−h)) / 2h.
    fn sparsity(&self) -> f64 {
        (self.quantiles[2] - self.quantiles[0]) / (2.0 * median_bandwidth(self.n))
    }
}

/// median(B) − median(A) of paired values, with its asymptotic standard error.
///
/// By the Bahadur representation, a sample median is m + (½ − F̂(m))/f(m) + o(n^−½), so
/// Var(m̂_B − m̂_A) = [s_A²/4 + s_B²/4 − 2 s_A s_B (P(A ≤ m_A, B ≤ m_B) − ¼)] / n,
/// with s = 1/f(m) estimated by the quantile spacing (Q(½+h) − Q(½−h)) / 2h and the joint
/// probability counted over the paired paths. Values must be non-negative (revenues).
pub fn paired_median(a: &[f64], b: &[f64]) -> Estimate {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let (sa, sb) = rayon::join(|| MedianSpread::of(a), || MedianSpread::of(b));
    paired_median_from((a, &sa), (b, &sb))
}

/// [`paired_median`], with A's [`MedianSpread`] already known.
pub fn paired_median_of((a, spread_a): (&[f64], &MedianSpread), b: &[f64]) -> Estimate {
    let n = a.len().min(b.len());
    let b = &b[..n];
    paired_median_from((&a[..n], spread_a), (b, &MedianSpread::of(b)))
}

/// The estimate from both sides' values (of equal length) and spreads.
fn paired_median_from(
    (a, spread_a): (&[f64], &MedianSpread),
    (b, spread_b): (&[f64], &MedianSpread),
) -> Estimate {
    let n = a.len();
    if n == 0 {
        return Estimate::new(f64::NAN, f64::NAN);
    }
    debug_assert!(
        spread_a.n == n && spread_b.n == n,
        "spreads of other values"
    );
    let (qa, qb) = (spread_a.quantiles, spread_b.quantiles);
    let difference = qb[1] - qa[1];
    if n < 2 {
        return Estimate::new(difference, f64::NAN);
    }
    let (sa, sb) = (spread_a.sparsity(), spread_b.sparsity());
    let both = a
        .par_chunks(SLICE)
        .zip(b.par_chunks(SLICE))
        .map(|(a, b)| {
            a.iter()
                .zip(b)
                .filter(|&(&x, &y)| x <= qa[1] && y <= qb[1])
                .count()
        })
        .sum::<usize>() as f64
        / n as f64;
    let var = (sa * sa / 4.0 + sb * sb / 4.0 - 2.0 * sa * sb * (both - 0.25)).max(0.0) / n as f64;
    Estimate::new(difference, var.sqrt())
}

/// Scenario B against base scenario A, run on the same seed and number of paths.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioDifference {
    /// Id of the base scenario (the first one given).
    pub base: String,
    /// Id of the scenario compared with it.
    pub scenario: String,
    pub target_year: i32,
    /// P_B(target) − P_A(target), each with its own target, from paired paths.
    pub probability: Estimate,
    /// Paths reaching the target in B but not in A, and in A but not in B.
    pub b_only: usize,
    pub a_only: usize,
    /// median_B − median_A of revenue in the target year (£m), from paired paths.
    pub median: Estimate,
    /// Percentiles over paths of R_B − R_A in the target year (£m): how the difference itself
    /// is spread across futures (not an interval for it).
    pub revenue_difference: PathPercentiles,
    pub paths: usize,
}

/// p5 … p95 of a per-path quantity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PathPercentiles {
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
}

impl From<[f64; 7]> for PathPercentiles {
    fn from(q: [f64; 7]) -> Self {
        PathPercentiles {
            p5: q[0],
            p10: q[1],
            p25: q[2],
            p50: q[3],
            p75: q[4],
            p90: q[5],
            p95: q[6],
        }
    }
}

/// Why two runs cannot be paired, if they cannot.
pub fn unpairable(a: &Projection, b: &Projection) -> Option<String> {
    if a.settings.seed != b.settings.seed || a.settings.paths != b.settings.paths {
        Some("runs differ in seed or number of paths".into())
    } else if a.scenario.target.year != b.scenario.target.year {
        Some(format!(
            "target years differ ({} and {})",
            a.scenario.target.year, b.scenario.target.year
        ))
    } else {
        None
    }
}

/// B − A for runs on the same seed and paths; `None` when they cannot be paired.
pub fn scenario_difference(a: &Projection, b: &Projection) -> Option<ScenarioDifference> {
    if unpairable(a, b).is_some() {
        return None;
    }
    let n = a.target_values.len().min(b.target_values.len());
    let (((a_only, b_only), median), spread) = rayon::join(
        || {
            rayon::join(
                || discordant_counts(a, b),
                || paired_median(&a.target_values, &b.target_values),
            )
        },
        || difference_percentiles(&a.target_values[..n], &b.target_values[..n]),
    );
    Some(ScenarioDifference {
        base: a.scenario.scenario.id.clone(),
        scenario: b.scenario.scenario.id.clone(),
        target_year: a.scenario.target.year,
        probability: discordant(a_only, b_only, n),
        b_only,
        a_only,
        median,
        revenue_difference: spread.into(),
        paths: n,
    })
}

/// Each run after the first against the first.
pub fn differences_from_first(runs: &[&Projection]) -> Vec<ScenarioDifference> {
    match runs.split_first() {
        Some((first, rest)) => rest
            .iter()
            .filter_map(|b| scenario_difference(first, b))
            .collect(),
        None => Vec::new(),
    }
}

/// ΔP(target) and the p5, median and p95 of R_B − R_A in the target year, over the paths the
/// two runs share: a preview pairs with the first paths of a full run (its paths are a prefix
/// of it). `None` when they cannot be paired (other seed or target year, or no paths).
pub fn paired_at_target(a: &Projection, b: &Projection) -> Option<(Estimate, [f64; 3])> {
    if a.settings.seed != b.settings.seed || a.scenario.target.year != b.scenario.target.year {
        return None;
    }
    let n = a.target_values.len().min(b.target_values.len());
    if n == 0 {
        return None;
    }
    let (a_only, b_only) = discordant_counts(a, b);
    let mut d: Vec<f64> = b.target_values[..n]
        .iter()
        .zip(&a.target_values[..n])
        .map(|(b, a)| b - a)
        .collect();
    let q = select_quantiles(&mut d, &[0.05, 0.5, 0.95]);
    Some((discordant(a_only, b_only, n), [q[0], q[1], q[2]]))
}

/// Percentiles of the paired difference R_B − R_A, year by year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DifferenceFan {
    pub base: String,
    pub base_name: String,
    pub scenario: String,
    pub scenario_name: String,
    /// The start year (difference 0 on every path), then each simulated year.
    pub years: Vec<i32>,
    /// Per year, R_B − R_A (£m) at [`crate::sim::PERCENTILES`]: p5, p10, p25, p50, p75, p90, p95.
    pub percentiles: Vec<[f64; 7]>,
    /// ΔP(target) and Δ median in the target year.
    pub at_target: ScenarioDifference,
    pub target_revenue: f64,
}

/// The percentiles of b − a, path by path.
pub fn difference_percentiles(a: &[f64], b: &[f64]) -> [f64; 7] {
    let mut d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let q = select_quantiles(&mut d, &crate::sim::PERCENTILES);
    let mut out = [f64::NAN; 7];
    out.copy_from_slice(&q);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discordant_matches_direct_variance() {
        // 10 paths: B hits on 3 paths A misses, A hits on 1 that B misses.
        let a = [1, 0, 0, 0, 1, 1, 0, 0, 1, 0].map(|x| x == 1);
        let b = [0, 1, 1, 1, 1, 1, 0, 0, 1, 0].map(|x| x == 1);
        let e = paired_probability(&a, &b);
        let d: Vec<f64> = a
            .iter()
            .zip(&b)
            .map(|(&x, &y)| f64::from(u8::from(y)) - f64::from(u8::from(x)))
            .collect();
        let mean = d.iter().sum::<f64>() / 10.0;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 9.0;
        assert!((e.difference - 0.2).abs() < 1e-15);
        assert!((e.std_error - (var / 10.0).sqrt()).abs() < 1e-15);
        assert!((e.ci95[1] - e.ci95[0] - 2.0 * Z95 * e.std_error).abs() < 1e-15);
    }

    #[test]
    fn identical_runs_have_no_difference() {
        let v: Vec<f64> = (0..1000).map(|i| f64::from(i) * 1.5 + 3.0).collect();
        let e = paired_median(&v, &v);
        assert_eq!(e.difference, 0.0);
        assert_eq!(e.std_error, 0.0);
    }
}
