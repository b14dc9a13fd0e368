//! Estimating growth parameters from a revenue history.
//!
//! Annual log growth g_t = ln(R_t / R_{t−1}) is taken as Normal with unknown mean and sd. With
//! the four growth years the sector has, the mean is known only to a Student-t with n − 1
//! degrees of freedom: that t, not a Normal, gives the range of underlying growth.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Estimates from annual log growth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub first_year: i32,
    pub last_year: i32,
    /// Number of annual growth rates used.
    pub growth_years: usize,
    #[serde(rename = "mean_log")]
    pub mean_log_growth: f64,
    /// Sample standard deviation (n − 1).
    #[serde(rename = "sd_log")]
    pub sd_log_growth: f64,
    /// Standard error of the mean: sd / sqrt(n).
    pub se_mean: f64,
    /// Degrees of freedom of the t for the mean: n − 1.
    pub df: usize,
    /// 97.5% point of that t.
    pub t975: f64,
    /// 95% range of underlying simple growth: exp(mean ± t·se) − 1.
    pub growth_95: [f64; 2],
    /// `growth.initial`: the simple rate with that mean log growth, exp(mean) − 1.
    pub initial: f64,
    /// `growth.initial_uncertainty`: the standard error carried to the simple rate, (1 + initial)·se.
    pub initial_uncertainty: f64,
    /// `growth.volatility`: the sd of log growth (the engine's shocks are in log terms).
    pub volatility: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrationError {
    #[error(
        "needs at least three years of history (two growth rates) to estimate a spread; got {0}"
    )]
    TooShort(usize),
    #[error(
        "revenue changes too much from year to year to estimate growth (log growth {0}); check the units of the history"
    )]
    NotFinite(f64),
}

pub fn calibrate(history: &[(i32, f64)]) -> Result<Calibration, CalibrationError> {
    if history.len() < 3 {
        return Err(CalibrationError::TooShort(history.len()));
    }
    let growth: Vec<f64> = history.windows(2).map(|w| (w[1].1 / w[0].1).ln()).collect();
    let n = growth.len() as f64;
    let mean = growth.iter().sum::<f64>() / n;
    let sd = (growth.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let se = sd / n.sqrt();
    let initial = mean.exp() - 1.0;
    let df = growth.len() - 1;
    let t975 = StudentsT::new(0.0, 1.0, df as f64)
        .expect("df ≥ 1")
        .inverse_cdf(0.975);
    let growth_95 = [
        (mean - t975 * se).exp() - 1.0,
        (mean + t975 * se).exp() - 1.0,
    ];
    let estimates = [mean, sd, initial, (1.0 + initial) * se, growth_95[1]];
    if let Some(bad) = estimates.iter().find(|x| !x.is_finite()) {
        return Err(CalibrationError::NotFinite(*bad));
    }
    Ok(Calibration {
        first_year: history[0].0,
        last_year: history[history.len() - 1].0,
        growth_years: growth.len(),
        mean_log_growth: mean,
        sd_log_growth: sd,
        se_mean: se,
        df,
        t975,
        growth_95,
        initial,
        initial_uncertainty: (1.0 + initial) * se,
        volatility: sd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_three_points() {
        assert!(calibrate(&[(2020, 1.0), (2021, 2.0)]).is_err());
    }

    #[test]
    fn constant_growth_has_no_spread() {
        let h: Vec<(i32, f64)> = (0..5).map(|i| (2020 + i, 100.0 * 1.1f64.powi(i))).collect();
        let c = calibrate(&h).unwrap();
        assert!((c.initial - 0.1).abs() < 1e-12);
        assert!(c.sd_log_growth < 1e-12);
    }

    #[test]
    fn extreme_histories_are_refused_not_nan() {
        let h = [(2020, 1e-300), (2021, 1e300), (2022, 1e-300)];
        assert!(matches!(calibrate(&h), Err(CalibrationError::NotFinite(_))));
    }
}
