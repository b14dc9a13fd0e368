//! `safetech backtest` as text or JSON (`"schema": "safetech.backtest/v1"`): the model's
//! one-year-ahead errors over the history, naive rules beside them, the officials' forecasts
//! under both readings of the clock, and with `--from` where each later actual fell among the
//! futures of a model calibrated up to that year.

use std::cmp::Ordering;
use std::fmt::Write;

use serde::Serialize;

use super::json::{Envelope, ScenarioIdentity};
use crate::backtest::{
    Backtest, BacktestResults, ForecastScore, ModelAccuracy, NaiveComparison, Z90,
};
use crate::format::{money, percent, signed, thousands};
use crate::scenario::Scenario;
use crate::sim::RunSettings;

/// The CLI names the default scenario through the report layer (it may not reach `backtest`).
pub use crate::backtest::BACKTEST_SCENARIO;

/// Version tag of `backtest -f json` (described by `schemas/backtest.v1.json`).
pub const SCHEMA: &str = "safetech.backtest/v1";

/// What the numbers were computed from, as both formats state it.
pub struct Context<'a> {
    /// Where the history came from: the file given, or the shipped history.
    pub origin: &'a str,
    pub history: &'a [(i32, f64)],
    pub scenario: &'a Scenario,
    pub settings: RunSettings,
}

#[derive(Serialize)]
struct FromJson<'a> {
    year: i32,
    start_revenue: f64,
    calibration: &'a crate::stats::calibration::Calibration,
    ranks: &'a [crate::backtest::Rank],
}

#[derive(Serialize)]
struct Document<'a> {
    history: &'a str,
    first_year: Option<i32>,
    last_year: Option<i32>,
    seed: u64,
    paths: usize,
    scenario: ScenarioIdentity<'a>,
    one_year_ahead: &'a ModelAccuracy,
    naive: &'a NaiveComparison,
    forecasts: &'a [ForecastScore],
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<FromJson<'a>>,
}

/// `backtest -f json`: the results under the header every JSON output has.
pub fn json(r: &BacktestResults, cx: &Context) -> String {
    let s = cx.scenario;
    Envelope::new(
        SCHEMA,
        Document {
            history: cx.origin,
            first_year: cx.history.first().map(|h| h.0),
            last_year: cx.history.last().map(|h| h.0),
            seed: cx.settings.seed,
            paths: cx.settings.paths,
            scenario: ScenarioIdentity::of(s, s.provenance.file.as_deref()),
            one_year_ahead: &r.one_year_ahead,
            naive: &r.naive,
            forecasts: &r.forecasts,
            from: r.from.as_ref().map(|b| FromJson {
                year: b.from,
                start_revenue: b.start_revenue,
                calibration: &b.calibration,
                ranks: &b.ranks,
            }),
        },
    )
    .to_json()
}

/// A log error or width, signed with a true minus: `−0.136`.
fn log_number(x: f64) -> String {
    signed(x, 3)
}

/// An optional figure, or a dash.
fn or_dash(x: Option<f64>, show: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "—".to_string(), show)
}

/// `backtest`: every section as text.
pub fn table(r: &BacktestResults, cx: &Context) -> String {
    let mut out = String::new();
    let span = match (cx.history.first(), cx.history.last()) {
        (Some(a), Some(b)) => format!("{}–{}", a.0, b.0),
        _ => "no years".into(),
    };
    let _ = writeln!(
        out,
        "Backtest on {}, {span} · {} paths · seed {}",
        cx.origin,
        thousands(cx.settings.paths as f64, 0),
        cx.settings.seed
    );
    out.push_str(
        "A year is the year a figure was published; each figure mostly describes revenue of the year before.\n",
    );
    if let Some(b) = &r.from {
        out.push('\n');
        ranks(&mut out, b, cx.origin);
    }
    out.push('\n');
    model(&mut out, &r.one_year_ahead, cx.scenario);
    out.push('\n');
    naive(&mut out, &r.naive, &r.one_year_ahead);
    for f in &r.forecasts {
        out.push('\n');
        forecast(&mut out, f, r.from.as_ref());
    }
    out
}

/// `--from`: the calibrated-growth model and where each later actual fell in its futures.
fn ranks(out: &mut String, b: &Backtest, origin: &str) {
    let c = &b.calibration;
    let _ = writeln!(
        out,
        "From {}: growth calibrated on {}–{}: {:.1}% a year (95% range {:.1}%–{:.1}%, Student-t with {} df), volatility {:.3}",
        b.from,
        c.first_year,
        c.last_year,
        c.initial * 100.0,
        c.growth_95[0] * 100.0,
        c.growth_95[1] * 100.0,
        c.df,
        c.volatility
    );
    let _ = writeln!(
        out,
        "Simulated forward from {} in {}.\n",
        money(b.start_revenue),
        b.from
    );
    if b.ranks.is_empty() {
        let _ = writeln!(out, "No later actual values in {origin} to compare with.");
        return;
    }
    let _ = writeln!(
        out,
        "{:>6} {:>10} {:>10} {:>20} {:>10}",
        "Year", "Actual", "Median", "90% range", "Rank"
    );
    for r in &b.ranks {
        let _ = writeln!(
            out,
            "{:>6} {:>10} {:>10} {:>20} {:>10}",
            r.year,
            money(r.actual),
            money(r.median),
            format!("{}–{}", money(r.p5), money(r.p95)),
            percent(r.rank, 0)
        );
    }
    out.push_str(
        "Rank: share of simulated futures below the actual value. Near 50% is well centred;\n",
    );
    out.push_str(
        "below 5% or above 95% means the actual was a surprise to the model (the fan may be too narrow).\n",
    );
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The scenario's one-year-ahead forecasts and their summary.
fn model(out: &mut String, m: &ModelAccuracy, s: &Scenario) {
    let _ = writeln!(
        out,
        "One year ahead, scenario {} ({}):\nat each origin its growth now and volatility are \
         recalibrated on the history up to it and its events dropped; its other inputs are kept.",
        s.scenario.id, s.scenario.name
    );
    if m.forecasts.is_empty() {
        out.push_str(
            "No origin has three published figures and one the year after: nothing to score.\n",
        );
        return;
    }
    // One row of cells at the columns' widths, the header's and each forecast's alike.
    let row = |out: &mut String, cells: [&str; 9]| {
        const WIDTHS: [usize; 9] = [6, 5, 8, 8, 15, 15, 7, 6, 6];
        let line: Vec<String> = cells
            .iter()
            .zip(WIDTHS)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join(" "));
    };
    row(
        out,
        [
            "Origin", "Year", "Actual", "Median", "50% band", "90% band", "Error", "In 50", "In 90",
        ],
    );
    for f in &m.forecasts {
        let (origin, year) = (f.origin.to_string(), f.year.to_string());
        let (actual, median) = (money(f.actual), money(f.median));
        let band50 = format!("{}–{}", money(f.p25), money(f.p75));
        let band90 = format!("{}–{}", money(f.p5), money(f.p95));
        let error = log_number(f.error);
        row(
            out,
            [
                &origin,
                &year,
                &actual,
                &median,
                &band50,
                &band90,
                &error,
                yes_no(f.in_50),
                yes_no(f.in_90),
            ],
        );
    }
    let n = m.forecasts.len();
    let inside = |hit: fn(&crate::backtest::AheadForecast) -> bool| {
        m.forecasts.iter().filter(|f| hit(f)).count()
    };
    let _ = writeln!(
        out,
        "RMSE of the log errors {} over {n} origin{}. The 50% band held the actual {} of {n} times ({}), \
         the 90% band {} of {n} ({}). Mean 90% width ln(p95/p5) = {}.",
        or_dash(m.rmse, |x| format!("{x:.3}")),
        if n == 1 { "" } else { "s" },
        inside(|f| f.in_50),
        or_dash(m.coverage_50, |x| percent(x, 0)),
        inside(|f| f.in_90),
        or_dash(m.coverage_90, |x| percent(x, 0)),
        or_dash(m.mean_width_90, |x| format!("{x:.3}")),
    );
    out.push_str(
        "Error: ln(actual) − ln(median); +0.10 means the actual came in about 10% above the median.\n",
    );
}

/// A rule's description as a column title: "Last year's growth".
fn column_title(description: &str) -> String {
    let short = description.trim_end_matches(" continues");
    let mut chars = short.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// The naive rules' errors, their RMSEs beside the model's, and the band width they imply.
fn naive(out: &mut String, n: &NaiveComparison, m: &ModelAccuracy) {
    out.push_str("Naive forecasts one year ahead (log errors):\n");
    let _ = write!(out, "{:>6} {:>5} {:>8}", "Origin", "Year", "Actual");
    for method in &n.methods {
        let _ = write!(out, " {:>24}", column_title(method.description));
    }
    out.push('\n');
    let rows = n.methods.first().map_or(0, |m| m.errors.len());
    for i in 0..rows {
        let e0 = &n.methods[0].errors[i];
        let _ = write!(
            out,
            "{:>6} {:>5} {:>8}",
            e0.origin,
            e0.year,
            money(e0.actual)
        );
        for method in &n.methods {
            let cell = method
                .errors
                .get(i)
                .map_or("—".to_string(), |e| log_number(e.error));
            let _ = write!(out, " {cell:>24}");
        }
        out.push('\n');
    }
    let _ = write!(out, "{:>21}", "RMSE");
    for method in &n.methods {
        let _ = write!(out, " {:>24}", or_dash(method.rmse, |x| format!("{x:.3}")));
    }
    out.push('\n');
    if !m.forecasts.is_empty() {
        let _ = write!(out, "{:>21}", "RMSE, model's origins");
        for method in &n.methods {
            let cell = or_dash(method.rmse_on_model_origins, |x| format!("{x:.3}"));
            let _ = write!(out, " {cell:>24}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "The model's RMSE: {} (over {} origin{}).",
        or_dash(m.rmse, |x| format!("{x:.3}")),
        m.forecasts.len(),
        if m.forecasts.len() == 1 { "" } else { "s" }
    );
    if let Some(b) = &n.band_needed {
        let _ = writeln!(
            out,
            "Errors like those of \"{}\" (RMSE {:.3}) need a 90% band {:.3} wide in log terms \
             (2 × {:.3} × RMSE); the model's is {} on average.",
            b.method.describe(),
            b.rmse,
            b.width_90,
            Z90,
            or_dash(m.mean_width_90, |x| format!("{x:.3}"))
        );
    }
}

/// How far the last figure stands from the straight path: `16% behind`, `2% ahead`.
fn standing(x: f64) -> String {
    match x.partial_cmp(&0.0) {
        Some(Ordering::Less) => format!("{} behind", percent(-x, 0)),
        Some(Ordering::Greater) => format!("{} ahead", percent(x, 0)),
        _ => "on it".to_string(),
    }
}

/// One official forecast under both readings of its year.
fn forecast(out: &mut String, f: &ForecastScore, from: Option<&Backtest>) {
    let o = &f.forecast;
    let made_on = f.base.map_or_else(
        || format!("no figure published in {} in this history", o.made_in),
        |b| format!("{} published {}", money(b.revenue), b.year),
    );
    let _ = writeln!(
        out,
        "Official forecast \"{}\" (made in {}, on {made_on})\n  {}",
        o.quote, o.made_in, o.source
    );
    let _ = writeln!(
        out,
        "  {:<44} {:>9}  {:>24}  Figure for it",
        "Reading",
        "Needs",
        format!("{} vs straight path", f.last.year)
    );
    for r in &f.readings {
        let figure = match (r.actual, r.met) {
            (Some(a), Some(met)) => format!(
                "{} published {}: {}",
                money(a),
                r.checked_year,
                if met { "met" } else { "missed" }
            ),
            _ => format!("none published for {} yet", r.checked_year),
        };
        let _ = writeln!(
            out,
            "  {:<44} {:>9}  {:>24}  {figure}",
            r.reading,
            or_dash(r.required_rate, |x| format!("{}/yr", percent(x, 1))),
            r.standing.map_or("no figure since".to_string(), standing)
        );
    }
    let _ = writeln!(
        out,
        "  Needs: compound growth a year from the figure it was made on ({} years to the \
         published reading's figure, {} to the calendar reading's).",
        f.readings.first().map_or(0, |r| r.years),
        f.readings.get(1).map_or(0, |r| r.years)
    );
    let growth = match (f.since_forecast, f.record) {
        (Some(s), _) => Some(("The record grew", s)),
        (None, Some(rec)) => Some(("Nothing published since; the whole record grew", rec)),
        (None, None) => None,
    };
    if let Some((said, g)) = growth {
        let _ = writeln!(
            out,
            "  {said} {} a year from {} to {}.",
            percent(g.rate, 1),
            g.from_year,
            g.to_year
        );
    }
    let model = f.readings.iter().find_map(|r| r.model.as_ref());
    if let (Some(m), Some(b)) = (model, from) {
        let data = match o.made_in.cmp(&b.from) {
            Ordering::Less => "less data than the model has",
            Ordering::Equal => "the same data as the model",
            Ordering::Greater => "more data than the model has",
        };
        let _ = writeln!(
            out,
            "  P(figure published in {} ≥ {}) under the model calibrated up to {} = {} \
             (the forecast had {data})",
            m.target.year,
            money(m.target.revenue),
            m.from,
            m.target.with_margin()
        );
    }
}
