//! Backtest: how the model would have done on the record it is built on.
//!
//! - One year ahead: from each origin year, a scenario recalibrated on the history up to it
//!   forecasts the next published figure; its log errors, their RMSE and its bands' coverage,
//!   beside naive rules (last growth, mean growth, no growth).
//! - The officials' forecasts, under both readings of "by Y": the figure published in Y, or
//!   revenue of calendar Y (published in Y + 1), since each figure mostly describes the year
//!   before its publication.
//! - With a year to start from: calibrate on the history up to it, simulate forward, and see
//!   where each later actual fell in its simulated distribution. Ranks piled up near 0 or 1
//!   mean the fan is too narrow.

use serde::Serialize;

use crate::error::InputError;
use crate::scenario::{Distribution, Growth, Market, Meta, Scenario, Shocks, Target, validate};
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

/// The scenario whose judged inputs the one-year-ahead backtest keeps (it recalibrates growth
/// now and volatility at each origin). To become "central" once that scenario exists.
pub const BACKTEST_SCENARIO: &str = "central";

/// The one-sided 95 % point of the standard Normal: a central 90 % band is ± this many sds.
pub const Z90: f64 = 1.644_853_626_951_472_2;

const VOLATILITY: &str = "growth.volatility";
const START_REVENUE: &str = "market.start_revenue";

/// The model's forecast of one year from one origin, and where the actual fell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AheadForecast {
    /// Last year of history the model saw (its start year).
    pub origin: i32,
    /// The year forecast: origin + 1.
    pub year: i32,
    pub actual: f64,
    pub median: f64,
    pub p5: f64,
    pub p25: f64,
    pub p75: f64,
    pub p95: f64,
    /// ln(actual) − ln(median): positive when the actual came in above the median.
    pub error: f64,
    pub in_50: bool,
    pub in_90: bool,
    /// Share of simulated futures below the actual.
    pub rank: f64,
    /// Growth rates the recalibration used (origin − first year).
    pub growth_years: usize,
    /// `growth.initial` as recalibrated.
    pub initial: f64,
    pub initial_uncertainty: f64,
    /// Degrees of freedom of the Student-t the starting pace is drawn from.
    pub df: usize,
    /// `growth.volatility` as simulated (the median when it is uncertain).
    pub volatility: f64,
}

/// The model's one-year-ahead record over the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelAccuracy {
    pub forecasts: Vec<AheadForecast>,
    /// Root mean square of the log errors; none without origins.
    pub rmse: Option<f64>,
    /// Share of origins whose actual fell in the 25–75 % band.
    pub coverage_50: Option<f64>,
    /// Share of origins whose actual fell in the 5–95 % band.
    pub coverage_90: Option<f64>,
    /// Mean of ln(p95 / p5): the 90 % band's width in log terms.
    pub mean_width_90: Option<f64>,
}

/// A rule of thumb a forecaster could use instead of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NaiveMethod {
    LastGrowth,
    MeanGrowth,
    NoGrowth,
}

impl NaiveMethod {
    pub const ALL: [NaiveMethod; 3] = [
        NaiveMethod::LastGrowth,
        NaiveMethod::MeanGrowth,
        NaiveMethod::NoGrowth,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            NaiveMethod::LastGrowth => "last year's growth continues",
            NaiveMethod::MeanGrowth => "mean log growth to date continues",
            NaiveMethod::NoGrowth => "no growth",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NaiveError {
    pub origin: i32,
    pub year: i32,
    pub actual: f64,
    pub forecast: f64,
    /// ln(actual) − ln(forecast).
    pub error: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NaiveForecast {
    pub method: NaiveMethod,
    pub description: &'static str,
    pub errors: Vec<NaiveError>,
    pub rmse: Option<f64>,
    /// The RMSE over the origins the model was scored on, for a like-for-like comparison.
    pub rmse_on_model_origins: Option<f64>,
}

/// How wide a 90 % band must be for one-year-ahead errors as large as the better naive rule's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandNeeded {
    pub method: NaiveMethod,
    pub rmse: f64,
    /// 2 × 1.645 × rmse, in log terms (comparable with ln(p95 / p5)).
    pub width_90: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NaiveComparison {
    pub methods: Vec<NaiveForecast>,
    pub band_needed: Option<BandNeeded>,
}

/// Which year of revenue an official "by Y" is taken to name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    /// The figure published in Y (mostly revenue of Y − 1).
    Published,
    /// Revenue of calendar Y, which is the figure published in Y + 1.
    Calendar,
}

/// The model's P(target) for a forecast, from `--from`'s calibrated model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelCheck {
    pub from: i32,
    #[serde(flatten)]
    pub target: TargetProbability,
    pub margin95: f64,
}

/// One reading of an official forecast, scored against the record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    pub clock: Clock,
    /// In words: "published in 2025" or "revenue of calendar 2025 (published 2026)".
    pub reading: String,
    /// The year whose published figure settles the forecast under this reading.
    pub checked_year: i32,
    /// Publications between the figure the forecast was made on and the checked one.
    pub years: i32,
    /// Compound growth a year needed from that figure to reach the forecast.
    pub required_rate: Option<f64>,
    /// The last published figure against the straight (compound) path to the forecast:
    /// last / path − 1, negative when behind. None without a figure since the forecast.
    pub standing: Option<f64>,
    /// The straight path's value in the last published year.
    pub path_at_last: Option<f64>,
    /// Whether a figure for `checked_year` is published in the history.
    pub published: bool,
    pub actual: Option<f64>,
    pub met: Option<bool>,
    /// P(figure published in `checked_year` ≥ forecast) under `--from`'s model, on the
    /// model's clock (published years), so only on the published reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelCheck>,
}

/// A published figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    pub year: i32,
    pub revenue: f64,
}

/// Compound growth a year between two published figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CompoundRate {
    pub from_year: i32,
    pub to_year: i32,
    pub rate: f64,
}

/// An official forecast under both readings of the clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastScore {
    #[serde(flatten)]
    pub forecast: OfficialForecast,
    /// The figure published in `made_in`, which the forecast was made on.
    pub base: Option<Figure>,
    pub last: Figure,
    /// The record's compound growth from `base` to the last published figure; none when
    /// nothing has been published since.
    pub since_forecast: Option<CompoundRate>,
    /// The whole record's compound growth, first to last published figure.
    pub record: Option<CompoundRate>,
    pub readings: Vec<Reading>,
}

/// Everything `safetech backtest` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestResults {
    pub one_year_ahead: ModelAccuracy,
    pub naive: NaiveComparison,
    pub forecasts: Vec<ForecastScore>,
    /// The rank analysis from `--from`, when asked for.
    pub from: Option<Backtest>,
}

fn rmse(errors: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = errors.fold((0usize, 0.0), |(n, s), e| (n + 1, s + e * e));
    (n > 0).then(|| (sum / n as f64).sqrt())
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = values.fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
    (n > 0).then(|| sum / n as f64)
}

/// The published figure for `year`, if there is one.
fn figure(history: &[(i32, f64)], year: i32) -> Option<f64> {
    history.iter().find(|h| h.0 == year).map(|h| h.1)
}

/// `base` for a one-year-ahead forecast from the last year of `upto`: the scenario's judged
/// inputs kept, its growth now and volatility replaced by the calibration `c`, events dropped.
pub fn scenario_at_origin(
    base: &Scenario,
    upto: &[(i32, f64)],
    c: &Calibration,
    next_actual: f64,
) -> Result<Scenario, String> {
    let &(origin, start_revenue) = upto.last().ok_or("no history up to the origin")?;
    let mut s = base.clone();
    s.market = Market {
        start_year: origin,
        start_revenue,
        horizon: origin + 1,
        history: upto.to_vec(),
    };
    // The actual as target: P(target) then gives its rank among the futures.
    s.target = Target {
        revenue: next_actual,
        year: origin + 1,
    };
    s.events.clear();
    // Inputs now set to numbers (or gone) must not be drawn from, nor correlated.
    let replaced = |key: &str| {
        crate::scenario::uncertain::replaced_by_setting(key) == crate::scenario::uncertain::PACE
            || key == START_REVENUE
            || key.starts_with("events.")
    };
    s.uncertain.retain(|k, _| !replaced(k));
    s.correlations
        .retain(|c| !c.between.iter().any(|k| replaced(k)));
    s.growth.initial = c.initial;
    s.growth.initial_uncertainty = c.initial_uncertainty;
    s.growth.initial_distribution = Distribution::StudentT(c.df as f64);
    match s.uncertain.get(VOLATILITY) {
        Some(u) => {
            let moved = u
                .centred_at(c.volatility)
                .map_err(|e| format!("cannot centre {VOLATILITY} on {:.4}: {e}", c.volatility))?;
            s.growth.volatility = moved.median();
            s.uncertain.insert(VOLATILITY.into(), moved);
        }
        None => s.growth.volatility = c.volatility,
    }
    // Sensitivity ranges on inputs that are gone (events) would fail validation; they do not
    // enter a simulation.
    let stale: Vec<String> = s
        .ranges
        .keys()
        .filter(|k| crate::scenario::parameters::resolve(&s, k).is_err())
        .cloned()
        .collect();
    for k in stale {
        s.ranges.remove(&k);
    }
    validate(&s).map_err(|i| format!("{} = {}: {}", i.field, i.value, i.message))?;
    Ok(s)
}

/// The model's one-year-ahead forecasts: from every origin with at least two growth rates up
/// to it and a published figure the year after.
pub fn one_year_ahead(
    history: &[(i32, f64)],
    scenario: &Scenario,
    settings: RunSettings,
) -> Result<ModelAccuracy, InputError> {
    let fail = |origin: i32, msg: String| {
        InputError::new(
            "--scenario",
            "",
            format!("one year ahead from {origin}: {msg}"),
        )
        .with_value(scenario.scenario.id.clone())
    };
    let mut forecasts = Vec::new();
    for (i, &(origin, _)) in history.iter().enumerate() {
        let upto = &history[..=i];
        let Some(actual) = figure(history, origin + 1) else {
            continue;
        };
        if upto.len() < 3 {
            continue;
        }
        let c = calibrate(upto).map_err(|e| fail(origin, e.to_string()))?;
        let s = scenario_at_origin(scenario, upto, &c, actual).map_err(|m| fail(origin, m))?;
        let p = simulate(&s, settings, RunControl::default())
            .map_err(|e| fail(origin, e.to_string()))?;
        let y = p
            .year(origin + 1)
            .ok_or_else(|| fail(origin, "the simulation has no next year".into()))?;
        let (p5, p25, median, p75, p95) = (y.p5(), y.p25(), y.median(), y.p75(), y.p95());
        forecasts.push(AheadForecast {
            origin,
            year: origin + 1,
            actual,
            median,
            p5,
            p25,
            p75,
            p95,
            error: actual.ln() - median.ln(),
            in_50: (p25..=p75).contains(&actual),
            in_90: (p5..=p95).contains(&actual),
            rank: 1.0 - target_probability(&p).probability,
            growth_years: c.growth_years,
            initial: c.initial,
            initial_uncertainty: c.initial_uncertainty,
            df: c.df,
            volatility: s.growth.volatility,
        });
    }
    let share = |hit: fn(&AheadForecast) -> bool| {
        mean(forecasts.iter().map(|f| if hit(f) { 1.0 } else { 0.0 }))
    };
    Ok(ModelAccuracy {
        rmse: rmse(forecasts.iter().map(|f| f.error)),
        coverage_50: share(|f| f.in_50),
        coverage_90: share(|f| f.in_90),
        mean_width_90: mean(forecasts.iter().map(|f| (f.p95 / f.p5).ln())),
        forecasts,
    })
}

/// The naive rules' one-year-ahead errors, from every origin with at least one growth rate up
/// to it and a published figure the year after. `model_origins` are the origins the model was
/// scored on.
pub fn naive_forecasts(history: &[(i32, f64)], model_origins: &[i32]) -> NaiveComparison {
    let growth: Vec<f64> = history.windows(2).map(|w| (w[1].1 / w[0].1).ln()).collect();
    let methods: Vec<NaiveForecast> = NaiveMethod::ALL
        .iter()
        .map(|&method| {
            let errors: Vec<NaiveError> = history
                .iter()
                .enumerate()
                .skip(1)
                .filter_map(|(i, &(origin, revenue))| {
                    let actual = figure(history, origin + 1)?;
                    // Growth rates up to the origin: growth[j] is from year j to j + 1.
                    let known = &growth[..i];
                    let step = match method {
                        NaiveMethod::LastGrowth => known[known.len() - 1],
                        NaiveMethod::MeanGrowth => known.iter().sum::<f64>() / known.len() as f64,
                        NaiveMethod::NoGrowth => 0.0,
                    };
                    let forecast = revenue * step.exp();
                    Some(NaiveError {
                        origin,
                        year: origin + 1,
                        actual,
                        forecast,
                        error: actual.ln() - revenue.ln() - step,
                    })
                })
                .collect();
            NaiveForecast {
                method,
                description: method.describe(),
                rmse: rmse(errors.iter().map(|e| e.error)),
                rmse_on_model_origins: rmse(
                    errors
                        .iter()
                        .filter(|e| model_origins.contains(&e.origin))
                        .map(|e| e.error),
                ),
                errors,
            }
        })
        .collect();
    let band_needed = methods
        .iter()
        .filter(|m| m.method != NaiveMethod::NoGrowth)
        .filter_map(|m| m.rmse.map(|r| (m.method, r)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(method, rmse)| BandNeeded {
            method,
            rmse,
            width_90: 2.0 * Z90 * rmse,
        });
    NaiveComparison {
        methods,
        band_needed,
    }
}

fn compound_rate(from: Figure, to: Figure) -> Option<CompoundRate> {
    (to.year > from.year).then(|| CompoundRate {
        from_year: from.year,
        to_year: to.year,
        rate: (to.revenue / from.revenue).powf(1.0 / f64::from(to.year - from.year)) - 1.0,
    })
}

/// An official forecast scored against the record under both readings of "by Y".
pub fn score_forecast(history: &[(i32, f64)], f: &OfficialForecast) -> Option<ForecastScore> {
    let as_figure = |&(year, revenue): &(i32, f64)| Figure { year, revenue };
    let first = history.first().map(as_figure)?;
    let last = history.last().map(as_figure)?;
    let base = figure(history, f.made_in).map(|revenue| Figure {
        year: f.made_in,
        revenue,
    });
    let readings = [Clock::Published, Clock::Calendar]
        .into_iter()
        .map(|clock| {
            // Years count publications: the figure published in made_in mostly describes
            // made_in − 1, so revenue of calendar `by` is `by + 1 − made_in` years on.
            let (checked_year, reading) = match clock {
                Clock::Published => (f.by, format!("published in {}", f.by)),
                Clock::Calendar => (
                    f.by + 1,
                    format!("revenue of calendar {} (published {})", f.by, f.by + 1),
                ),
            };
            let years = checked_year - f.made_in;
            let required_rate = base
                .filter(|_| years > 0)
                .map(|b| (f.revenue / b.revenue).powf(1.0 / f64::from(years)) - 1.0);
            let path_at_last = base
                .zip(required_rate)
                .filter(|(b, _)| last.year > b.year)
                .map(|(b, r)| b.revenue * (1.0 + r).powi(last.year - b.year));
            let actual = figure(history, checked_year);
            Reading {
                clock,
                reading,
                checked_year,
                years,
                required_rate,
                standing: path_at_last.map(|p| last.revenue / p - 1.0),
                path_at_last,
                published: actual.is_some(),
                actual,
                met: actual.map(|a| a >= f.revenue),
                model: None,
            }
        })
        .collect();
    Some(ForecastScore {
        forecast: f.clone(),
        base,
        last,
        since_forecast: base.and_then(|b| compound_rate(b, last)),
        record: compound_rate(first, last),
        readings,
    })
}

/// The whole backtest: one year ahead under `scenario`, the naive rules, the official forecasts
/// under both readings, and with `from` the rank analysis of the model calibrated up to it.
pub fn backtest_results(
    history: &[(i32, f64)],
    scenario: &Scenario,
    from: Option<i32>,
    settings: RunSettings,
    forecasts: &[OfficialForecast],
    origin: &str,
) -> Result<BacktestResults, InputError> {
    let ranked = from
        .map(|year| backtest(history, year, settings, forecasts, origin))
        .transpose()?;
    let one_year_ahead = one_year_ahead(history, scenario, settings)?;
    let model_origins: Vec<i32> = one_year_ahead.forecasts.iter().map(|f| f.origin).collect();
    let naive = naive_forecasts(history, &model_origins);
    let mut scores: Vec<ForecastScore> = forecasts
        .iter()
        .filter_map(|f| score_forecast(history, f))
        .collect();
    if let Some(b) = &ranked {
        for score in &mut scores {
            let check = b.forecasts.iter().find(|c| c.forecast == score.forecast);
            let published = score
                .readings
                .iter_mut()
                .find(|r| r.clock == Clock::Published);
            if let (Some(check), Some(reading)) = (check, published) {
                reading.model = Some(ModelCheck {
                    from: b.from,
                    margin95: check.target.margin95(),
                    target: check.target.clone(),
                });
            }
        }
    }
    Ok(BacktestResults {
        one_year_ahead,
        naive,
        forecasts: scores,
        from: ranked,
    })
}
