//! Estimating growth parameters from a revenue history.

use serde::Serialize;

/// Estimates from annual log growth g_t = ln(R_t / R_{t−1}).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub first_year: i32,
    pub last_year: i32,
    /// Number of annual growth rates used.
    pub growth_years: usize,
    pub mean_log_growth: f64,
    /// Sample standard deviation (n − 1).
    pub sd_log_growth: f64,
    /// Standard error of the mean: sd / sqrt(n).
    pub se_mean: f64,
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
    Ok(Calibration {
        first_year: history[0].0,
        last_year: history[history.len() - 1].0,
        growth_years: growth.len(),
        mean_log_growth: mean,
        sd_log_growth: sd,
        se_mean: se,
        initial,
        initial_uncertainty: (1.0 + initial) * se,
        volatility: sd,
    })
}

impl Calibration {
    /// A ready-to-paste `[growth]` block with the estimates explained.
    pub fn toml_block(&self, origin: &str) -> String {
        format!(
            "# Calibrated by safetech {} from {origin}, {}–{} ({} annual growth rates).\n\
[growth]\n\
{:<29}# exp(mean log growth {:.4}) − 1\n\
{:<29}# standard error of that mean ({:.4}), as a simple rate\n\
{:<29}# standard deviation of annual log growth\n\
{:<29}# judged: set > 0 with long_run to slow growth over time\n\
{:<29}# judged: too few years to estimate autocorrelation\n",
            crate::VERSION,
            self.first_year,
            self.last_year,
            self.growth_years,
            format!("initial = {:.4}", self.initial),
            self.mean_log_growth,
            format!("initial_uncertainty = {:.4}", self.initial_uncertainty),
            self.se_mean,
            format!("volatility = {:.4}", self.volatility),
            "reversion = 0.0",
            "persistence = 0.0",
        )
    }

    /// The estimates in plain words.
    pub fn explanation(&self) -> String {
        format!(
            "From {} to {} revenue grew on average by {:.4} a year in log terms ({:.1}% a year compounded).\n\
Single years varied around that by a standard deviation of {:.4} (about ±{:.0}% in a typical year).\n\
With only {} growth years, the average itself is uncertain: its standard error is {:.4},\n\
so the underlying pace could plausibly be anywhere from about {:.0}% to {:.0}% a year.\n",
            self.first_year,
            self.last_year,
            self.mean_log_growth,
            self.initial * 100.0,
            self.sd_log_growth,
            self.sd_log_growth * 100.0,
            self.growth_years,
            self.se_mean,
            ((self.mean_log_growth - 2.0 * self.se_mean).exp() - 1.0) * 100.0,
            ((self.mean_log_growth + 2.0 * self.se_mean).exp() - 1.0) * 100.0,
        )
    }
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
}
