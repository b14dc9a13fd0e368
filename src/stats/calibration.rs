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

impl Calibration {
    /// The `[growth]` lines, each with the estimate it comes from (shared by the paste-ready
    /// block and the written scenario).
    fn growth_lines(&self) -> String {
        format!(
            "{:<28} # calibrated: exp(mean log growth {:.4}) − 1\n\
{:<28} # calibrated: standard error of that mean ({:.4}) as a simple rate, (1 + initial) × se\n\
{:<28} # calibrated: t with n − 1 = {} degrees of freedom, for a mean of only {} growth years\n\
{:<28} # calibrated: standard deviation of annual log growth\n\
{:<28} # judged: set > 0 with long_run to slow growth over time\n\
{:<28} # judged: too few years to estimate autocorrelation\n\
shocks = \"normal\"\n",
            format!("initial = {:.4}", self.initial),
            self.mean_log_growth,
            format!("initial_uncertainty = {:.4}", self.initial_uncertainty),
            self.se_mean,
            format!("initial_distribution = {{ student_t = {} }}", self.df),
            self.df,
            self.growth_years,
            format!("volatility = {:.4}", self.volatility),
            "reversion = 0.0",
            "persistence = 0.0",
        )
    }

    /// A ready-to-paste `[growth]` block with the estimates explained.
    pub fn toml_block(&self, origin: &str) -> String {
        format!(
            "# Calibrated by safetech {} from {origin}, {}–{} ({} annual growth rates).\n[growth]\n{}",
            crate::VERSION,
            self.first_year,
            self.last_year,
            self.growth_years,
            self.growth_lines()
        )
    }

    /// A complete, runnable scenario that starts at the history's last year: growth continues
    /// at the calibrated pace with the calibrated spread. `history` is the rows calibrated on.
    pub fn scenario_toml(&self, history: &[(i32, f64)], origin: &str) -> String {
        let (start_year, start_revenue) = history[history.len() - 1];
        // The officials' £1bn, judged in the first year after the start that is no earlier
        // than the year they named.
        let target_year = (start_year + 1).max(2026);
        // A short view: a calibration on a few years says nothing about where growth
        // saturates, and past 2028 a scenario should set a capacity.
        let horizon = target_year.max(start_year + 4);
        let rows: Vec<String> = history
            .iter()
            .map(|(y, r)| format!("[{y}, {}]", toml_number(*r)))
            .collect();
        // The range r0 is drawn from: initial ± t·initial_uncertainty (the t is scaled in
        // simple-rate terms, so this is a little below calibrate's range in log terms).
        let lo = (self.initial - self.t975 * self.initial_uncertainty) * 100.0;
        let hi = (self.initial + self.t975 * self.initial_uncertainty) * 100.0;
        format!(
            r#"# Written by `safetech calibrate --write-scenario` from {origin}.

[scenario]
id = "historical"
name = "Growth at the {first}–{last} average pace"
description = """
Growth continues at the average pace of {first}–{last} (mean annual log growth {mean:.4}, about \
{pace:.0}% a year), with the year-to-year spread seen in that record. The underlying pace is \
uncertain: from {n} growth years, a Student-t with {df} degrees of freedom puts it between \
{lo:.0}% and {hi:.0}% a year (95%). No slowdown, no capacity and no policy events."""
sources = [
  "Revenue history {first}–{last}: {origin}",
]

[market]
start_year = {start_year}            # sourced: the history's last year
start_revenue = {start_revenue}        # sourced: the history's last figure, £m
horizon = {horizon}               # judged: a short view; set growth.capacity before extending it
history = [{rows}]  # sourced: {origin}

[target]
revenue = 1000.0             # sourced: the £1bn officials named
year = {target_year}                  # sourced: "by 2026", or the first projected year after it

[growth]
{growth}"#,
            first = self.first_year,
            last = self.last_year,
            mean = self.mean_log_growth,
            pace = self.initial * 100.0,
            n = self.growth_years,
            df = self.df,
            start_revenue = toml_number(start_revenue),
            rows = rows.join(", "),
            growth = self.growth_lines(),
        )
    }

    /// The estimates in plain words.
    pub fn explanation(&self) -> String {
        format!(
            "From {} to {} revenue grew on average by {:.4} a year in log terms ({:.1}% a year compounded).\n\
Single years varied around that by a standard deviation of {:.4} (about ±{:.0}% in a typical year).\n\
With only {} growth years, the average itself is uncertain: its standard error is {:.4}, and a\n\
Student-t with {} degrees of freedom (97.5% point {:.3}) puts the underlying pace between\n\
{:.1}% and {:.1}% a year (95%).\n",
            self.first_year,
            self.last_year,
            self.mean_log_growth,
            self.initial * 100.0,
            self.sd_log_growth,
            self.sd_log_growth * 100.0,
            self.growth_years,
            self.se_mean,
            self.df,
            self.t975,
            self.growth_95[0] * 100.0,
            self.growth_95[1] * 100.0,
        )
    }
}

/// A float as TOML writes it: always with a decimal point.
fn toml_number(x: f64) -> String {
    let s = x.to_string();
    if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
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

    #[test]
    fn extreme_histories_are_refused_not_nan() {
        let h = [(2020, 1e-300), (2021, 1e300), (2022, 1e-300)];
        assert!(matches!(calibrate(&h), Err(CalibrationError::NotFinite(_))));
    }
}
