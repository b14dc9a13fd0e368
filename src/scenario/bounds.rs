//! How far revenue can move over the horizon, derived from a scenario's inputs: validation
//! refuses scenarios that could leave the range the program can report, so that revenue, its
//! moments and every chart range stay finite.
//!
//! Log revenue after t years is ln R0 + Σ ln(1 + m[s]) + Σ ln(1 + level shocks) + Σ u[s]
//! (README, "The model"). Each part is bounded:
//! - mean growth m[s] lies between its values at r0 = initial ± K·initial_uncertainty, plus
//!   every event's largest uplift (or minus its largest cut), clamped at −0.99;
//! - level shocks: each event's largest rise and largest fall, once;
//! - the AR(1) noise sum Σ u[s] = Σ_j σ_j ε_j (1 − φ^(t−j+1)) / (1 − φ) has standard deviation at
//!   most σ_max · sqrt(Σ_j a_j²), where σ_max is the volatility times every event's largest
//!   multiplier; it is bounded at K standard deviations;
//! - capacity only lowers positive mean growth (a decline is left as it is), so the upper
//!   bound without it holds with it. (A path far above capacity can fall faster than the lower
//!   bound says; falling paths stay finite and need no stop.)
//!
//! With Normal draws a path passes K = 8 standard deviations with probability about 1e-15, so
//! a scenario that passes these checks stays in range. Student-t draws (`shocks` or
//! `initial_distribution`) are bounded at K times their scale too, but their tails can go
//! further (with ν ≤ 2 they have no variance at all); the engine checks every year and stops
//! with an error naming it (see `sim`).

use super::Scenario;

/// Largest revenue (in £m) the program reports: far beyond any real market (world output is
/// about 1e8 £m), and far enough below f64's limit (1.8e308) that squares and sums of a
/// year's values over 50 million paths stay finite.
pub const REVENUE_CEILING: f64 = 1e100;
/// Validation refuses growth that would carry revenue below this: a log chart would span
/// hundreds of decades. (The engine does not stop for single tiny paths: they stay finite.)
pub const REVENUE_FLOOR: f64 = 1e-100;
/// Standard deviations of the shocks and of the initial growth covered by the bound.
pub const SIGMAS: f64 = 8.0;

/// The extreme log-revenue changes over the horizon, and what drives them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reach {
    /// Largest and smallest ln(R[t] / R0) over every simulated year t.
    pub up: f64,
    pub down: f64,
    /// Year of the extremes.
    pub up_year: i32,
    pub down_year: i32,
    /// The noise share of `up` (K standard deviations of the summed shocks).
    pub noise: f64,
}

/// How far log revenue can move from ln R0, at [`SIGMAS`] standard deviations.
pub fn reach(s: &Scenario) -> Reach {
    let g = &s.growth;
    let long_run = g.long_run_rate();
    let (r0_lo, r0_hi) = match s.pace_distribution() {
        // The draws' quantiles as far out as SIGMAS standard deviations reach on a Normal.
        Some(u) => {
            let tail = super::uncertain::standard_normal_cdf(-SIGMAS);
            (u.quantile(tail).max(-0.99), u.quantile(1.0 - tail))
        }
        None => (
            (g.initial - SIGMAS * g.initial_uncertainty).max(-0.99),
            g.initial + SIGMAS * g.initial_uncertainty,
        ),
    };
    let (mut uplift_hi, mut uplift_lo, mut level_hi, mut level_lo, mut vol) =
        (0.0f64, 0.0f64, 0.0f64, 0.0f64, g.volatility);
    for ev in &s.events {
        let max = |f: fn(&super::Outcome) -> f64| ev.outcomes.iter().map(f).fold(0.0, f64::max);
        let min = |f: fn(&super::Outcome) -> f64| ev.outcomes.iter().map(f).fold(0.0, f64::min);
        uplift_hi += max(|o| o.growth_uplift);
        uplift_lo += min(|o| o.growth_uplift);
        level_hi += max(|o| (1.0 + o.level_shock).ln());
        level_lo += min(|o| (1.0 + o.level_shock).ln());
        vol *= ev
            .outcomes
            .iter()
            .map(|o| o.volatility_multiplier)
            .fold(1.0, f64::max);
    }
    let phi = g.persistence;
    let years = s.years();
    let (mut drift_hi, mut drift_lo) = (0.0f64, 0.0f64);
    let mut out = Reach {
        up: 0.0,
        down: 0.0,
        up_year: s.market.start_year,
        down_year: s.market.start_year,
        noise: 0.0,
    };
    for t in 1..=years {
        let decay = (-g.reversion * (t as f64 - 1.0)).exp();
        let trend = |r0: f64| long_run + (r0 - long_run) * decay;
        let hi = (trend(r0_hi).max(trend(r0_lo)) + uplift_hi).max(-0.99);
        let lo = (trend(r0_hi).min(trend(r0_lo)) + uplift_lo).max(-0.99);
        drift_hi += hi.ln_1p();
        drift_lo += lo.ln_1p();
        // sqrt(Σ_j a_j²), a_j = 1 + φ + … + φ^(t−j).
        let mut a = 0.0f64;
        let mut sum_sq = 0.0f64;
        for _ in 0..t {
            a = a * phi + 1.0;
            sum_sq += a * a;
        }
        let noise = SIGMAS * vol * sum_sq.sqrt();
        let year = s.market.start_year + t as i32;
        let up = drift_hi + level_hi + noise;
        let down = drift_lo + level_lo - noise;
        if up > out.up || t == 1 {
            out.up = up;
            out.up_year = year;
            out.noise = noise;
        }
        if down < out.down || t == 1 {
            out.down = down;
            out.down_year = year;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;

    #[test]
    fn closed_form_without_noise() {
        let mut s = load("classroom").unwrap();
        s.growth.volatility = 0.0;
        let r = reach(&s);
        let years = s.years() as f64;
        assert!((r.up - years * 0.37f64.ln_1p()).abs() < 1e-12, "{r:?}");
        assert_eq!(r.up_year, s.market.horizon);
    }

    #[test]
    fn noise_sum_matches_ar1_variance() {
        // Without drift, the bound is K times the exact sd of a sum of AR(1) terms.
        let mut s = load("classroom").unwrap();
        s.growth.initial = 0.0;
        s.growth.volatility = 0.1;
        s.growth.persistence = 0.5;
        s.market.horizon = s.market.start_year + 2;
        // u1 = e1, u2 = 0.5 e1 + e2: u1 + u2 = 1.5 e1 + e2, variance 3.25 σ².
        let r = reach(&s);
        assert!(
            (r.up - SIGMAS * 0.1 * 3.25f64.sqrt()).abs() < 1e-12,
            "{r:?}"
        );
        assert!((r.down + r.up).abs() < 1e-12);
    }
}
