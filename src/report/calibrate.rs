//! `safetech calibrate` as text or JSON (`"schema": "safetech.calibrate/v1"`), and the
//! scenario file `--write-scenario` writes.

use serde::Serialize;

use super::json::Envelope;
use crate::stats::calibration::Calibration;

/// Version tag of `calibrate -f json` (described by `schemas/calibrate.v1.json`).
pub const SCHEMA: &str = "safetech.calibrate/v1";

#[derive(Serialize)]
struct Document<'a> {
    /// Where the history came from: the file given, or the shipped history.
    history: &'a str,
    #[serde(flatten)]
    calibration: &'a Calibration,
}

/// `calibrate -f json`: the estimates under the header every JSON output has.
pub fn json(c: &Calibration, origin: &str) -> String {
    Envelope::new(
        SCHEMA,
        Document {
            history: origin,
            calibration: c,
        },
    )
    .to_json()
}

/// `calibrate`: the estimates explained, then a `[growth]` block to paste.
pub fn table(c: &Calibration, origin: &str) -> String {
    format!(
        "{}\nPaste into a scenario's [growth] table:\n\n{}",
        explanation(c),
        toml_block(c, origin)
    )
}

/// The `[growth]` lines, each with the estimate it comes from (shared by the paste-ready
/// block and the written scenario).
fn growth_lines(c: &Calibration) -> String {
    format!(
        "{:<28} # calibrated: exp(mean log growth {:.4}) − 1\n\
{:<28} # calibrated: standard error of that mean ({:.4}) as a simple rate, (1 + initial) × se\n\
{:<28} # calibrated: t with n − 1 = {} degrees of freedom, for a mean of only {} growth years\n\
{:<28} # calibrated: standard deviation of annual log growth\n\
{:<28} # judged: set > 0 with long_run to slow growth over time\n\
{:<28} # judged: too few years to estimate autocorrelation\n\
shocks = \"normal\"\n",
        format!("initial = {:.4}", c.initial),
        c.mean_log_growth,
        format!("initial_uncertainty = {:.4}", c.initial_uncertainty),
        c.se_mean,
        format!("initial_distribution = {{ student_t = {} }}", c.df),
        c.df,
        c.growth_years,
        format!("volatility = {:.4}", c.volatility),
        "reversion = 0.0",
        "persistence = 0.0",
    )
}

/// A ready-to-paste `[growth]` block with the estimates explained.
pub fn toml_block(c: &Calibration, origin: &str) -> String {
    format!(
        "# Calibrated by safetech {} from {origin}, {}–{} ({} annual growth rates).\n[growth]\n{}",
        crate::VERSION,
        c.first_year,
        c.last_year,
        c.growth_years,
        growth_lines(c)
    )
}

/// A complete, runnable scenario that starts at the history's last year: growth continues
/// at the calibrated pace with the calibrated spread. `history` is the rows calibrated on.
/// `id` is the scenario's id: the written file's own (see [`crate::scenario::id_of_file`]).
pub fn scenario_toml(c: &Calibration, history: &[(i32, f64)], origin: &str, id: &str) -> String {
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
    let lo = (c.initial - c.t975 * c.initial_uncertainty) * 100.0;
    let hi = (c.initial + c.t975 * c.initial_uncertainty) * 100.0;
    format!(
        r#"# Written by `safetech calibrate --write-scenario` from {origin}.

[scenario]
id = "{id}"
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
        first = c.first_year,
        last = c.last_year,
        mean = c.mean_log_growth,
        pace = c.initial * 100.0,
        n = c.growth_years,
        df = c.df,
        start_revenue = toml_number(start_revenue),
        rows = rows.join(", "),
        growth = growth_lines(c),
    )
}

/// The estimates in plain words.
pub fn explanation(c: &Calibration) -> String {
    format!(
        "From {} to {} revenue grew on average by {:.4} a year in log terms ({:.1}% a year compounded).\n\
Single years varied around that by a standard deviation of {:.4} (a typical year within about {:.0}% of it either way).\n\
With only {} growth years, the average itself is uncertain: its standard error is {:.4}, and a\n\
Student-t with {} degrees of freedom (97.5% point {:.3}) puts the underlying pace between\n\
{:.1}% and {:.1}% a year (95%).\n",
        c.first_year,
        c.last_year,
        c.mean_log_growth,
        c.initial * 100.0,
        c.sd_log_growth,
        c.sd_log_growth * 100.0,
        c.growth_years,
        c.se_mean,
        c.df,
        c.t975,
        c.growth_95[0] * 100.0,
        c.growth_95[1] * 100.0,
    )
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
