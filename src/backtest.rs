//! Backtest: calibrate on the history up to a year, simulate forward from that year's actual
//! revenue, and see where each later actual fell in its simulated distribution. Ranks piled up
//! near 0 or 1 mean the fan is too narrow.

use serde::Serialize;

use crate::error::InputError;
use crate::scenario::{Growth, Market, Meta, Scenario, Shocks, Target, validate};
use crate::sim::{RunControl, RunSettings, SimError, simulate};
use crate::stats::calibration::{Calibration, calibrate};
use crate::stats::{TargetProbability, target_probability};

/// A forecast officials made, to be judged by the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfficialForecast {
    pub made_in: i32,
    pub revenue: f64,
    pub by: i32,
    pub quote: &'static str,
    pub source: &'static str,
}

/// The forecasts on record (see assets/data/uk_safety_tech_revenue.csv).
pub const OFFICIAL_FORECASTS: &[OfficialForecast] = &[
    OfficialForecast {
        made_in: 2020,
        revenue: 1000.0,
        by: 2025,
        quote: "could exceed £1bn by 2025",
        source: "Safer technology, safer users (DCMS sector analysis, May 2020)",
    },
    OfficialForecast {
        made_in: 2024,
        revenue: 1000.0,
        by: 2026,
        quote: "expected to surpass £1bn by 2026",
        source: "UK government announcement with the US–UK working group, Oct 2024",
    },
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rank {
    pub year: i32,
    pub actual: f64,
    /// Share of simulated futures below the actual value: 0.5 is dead centre.
    pub rank: f64,
    pub median: f64,
    pub p5: f64,
    pub p95: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastCheck {
    pub forecast: OfficialForecast,
    /// P(revenue in `by` ≥ target) under the model calibrated up to `from`.
    pub target: TargetProbability,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    pub from: i32,
    pub start_revenue: f64,
    pub calibration: Calibration,
    pub ranks: Vec<Rank>,
    pub forecasts: Vec<ForecastCheck>,
}

/// The model a backtest simulates: calibrated growth, no reversion, no events.
pub fn calibrated_scenario(
    c: &Calibration,
    from: i32,
    start_revenue: f64,
    horizon: i32,
) -> Scenario {
    Scenario {
        scenario: Meta {
            id: "backtest".into(),
            name: format!("Calibrated on {}–{}", c.first_year, c.last_year),
            description: String::new(),
            sources: Vec::new(),
        },
        market: Market {
            start_year: from,
            start_revenue,
            horizon,
            history: Vec::new(),
        },
        target: Target {
            revenue: start_revenue,
            year: horizon,
        },
        growth: Growth {
            initial: c.initial,
            initial_uncertainty: c.initial_uncertainty,
            long_run: None,
            reversion: 0.0,
            volatility: c.volatility,
            persistence: 0.0,
            shocks: Shocks::Normal,
            initial_distribution: Shocks::StudentT(c.df as f64),
            capacity: None,
        },
        events: Vec::new(),
        ranges: Default::default(),
        correlations: Vec::new(),
        provenance: Default::default(),
        uncertain: Default::default(),
    }
}

pub fn backtest(
    history: &[(i32, f64)],
    from: i32,
    settings: RunSettings,
    forecasts: &[OfficialForecast],
    origin: &str,
) -> Result<Backtest, InputError> {
    let bad_from = |msg: String| InputError::new("--from", "", msg).with_value(from.to_string());
    let upto: Vec<(i32, f64)> = history
        .iter()
        .copied()
        .filter(|(y, _)| *y <= from)
        .collect();
    let later: Vec<(i32, f64)> = history.iter().copied().filter(|(y, _)| *y > from).collect();
    let first = history.first().map_or(from, |h| h.0);
    let last = history.last().map_or(from, |h| h.0);
    if upto.last().map(|h| h.0) != Some(from) {
        return Err(bad_from(format!(
            "must be a year of the history {origin} ({first}–{last})"
        )));
    }
    let calibration =
        calibrate(&upto).map_err(|e| bad_from(format!("{e}; the history starts in {first}")))?;
    let start_revenue = upto[upto.len() - 1].1;
    let relevant: Vec<&OfficialForecast> = forecasts.iter().filter(|f| f.by > from).collect();
    let horizon = later
        .iter()
        .map(|h| h.0)
        .chain(relevant.iter().map(|f| f.by))
        .max()
        .unwrap_or(from + 1);
    let base = calibrated_scenario(&calibration, from, start_revenue, horizon);
    let run = |target: f64, year: i32| -> Result<_, InputError> {
        let mut s = base.clone();
        s.target = Target {
            revenue: target,
            year,
        };
        validate(&s).map_err(|i| {
            bad_from(format!(
                "calibrated model is invalid: {} {}",
                i.field, i.message
            ))
        })?;
        simulate(&s, settings, RunControl::default()).map_err(|e: SimError| bad_from(e.to_string()))
    };
    let mut ranks = Vec::new();
    for &(year, actual) in &later {
        // Same seed every time: the ranks are read off one set of futures.
        let p = run(actual, year)?;
        let y = p.year(year).expect("simulated year");
        ranks.push(Rank {
            year,
            actual,
            rank: 1.0 - target_probability(&p).probability,
            median: y.median(),
            p5: y.p5(),
            p95: y.p95(),
        });
    }
    let mut checks = Vec::new();
    for f in relevant {
        let p = run(f.revenue, f.by)?;
        checks.push(ForecastCheck {
            forecast: f.clone(),
            target: target_probability(&p),
        });
    }
    Ok(Backtest {
        from,
        start_revenue,
        calibration,
        ranks,
        forecasts: checks,
    })
}
