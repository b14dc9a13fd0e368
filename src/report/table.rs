//! The human table: what a reader of a policy brief wants.

use std::fmt::Write;

use super::Report;
use crate::format::{INPUTS_DOMINATE, money, percent, probability_decimals, thousands};
use crate::stats::RunSummary;

pub struct Table;

/// The headline line: P(revenue ≥ target in the target year) with its Monte Carlo margin, in
/// the form "P(revenue ≥ £1,000m in 2026) = 12.3% (Monte Carlo ±0.20 pts)".
pub fn target_line(r: &RunSummary) -> String {
    let t = &r.target;
    format!(
        "P(revenue ≥ {} in {}) = {}",
        money(t.revenue),
        t.year,
        t.with_margin()
    )
}

/// When futures first reach the target: at the target year, every fourth year after it, and
/// never, in the form "Reached £1,000m by 2026 in 12.3%, …; never by 2035 in 4.5%." (with
/// plain words when no future, or every one, reaches it).
pub fn reach_line(r: &RunSummary) -> String {
    let target = r.target.year;
    let last = r.first_passage.last();
    let mut parts: Vec<String> = Vec::new();
    let mut said = String::new();
    for fp in &r.first_passage {
        let milestone = fp.year == target || (fp.year > target && (fp.year - target) % 4 == 0);
        // A milestone that would repeat the last share as printed says nothing new (long
        // horizons would otherwise list 99.9% for decades).
        let share = percent(fp.probability, 1);
        if milestone && Some(fp) != last && share != said {
            parts.push(format!("by {} in {share}", fp.year));
            said = share;
        }
    }
    let horizon = last.map_or(target, |f| f.year);
    let never = r.never_reached();
    // The ends in plain words: "never by 2028 in 100.0%" says no more than this.
    if never == 1.0 {
        return format!(
            "No simulated future reached {} by {horizon}.",
            money(r.target.revenue)
        );
    }
    let mut s = format!("Reached {} {}", money(r.target.revenue), parts.join(", "));
    if parts.is_empty() {
        s.truncate(s.trim_end().len());
    }
    if never == 0.0 {
        let _ = write!(s, "; every simulated future reached it by {horizon}.");
    } else {
        let _ = write!(s, "; never by {horizon} in {}.", percent(never, 1));
    }
    if let Some(y) = r.median_first_passage() {
        let _ = write!(s, " Half of futures reach it by {y}.");
    }
    s
}

impl Report for Table {
    fn render(&self, runs: &[RunSummary]) -> String {
        match runs {
            [one] => single(one),
            many => side_by_side(many),
        }
    }
}

fn header(r: &RunSummary) -> String {
    let s = &r.projection.scenario;
    format!("{} ({})\n{}\n", s.scenario.name, s.scenario.id, r.stamp)
}

fn single(r: &RunSummary) -> String {
    let mut out = header(r);
    let _ = writeln!(out, "\n{}", target_line(r));
    let _ = writeln!(out, "{INPUTS_DOMINATE}");
    let _ = writeln!(out, "{}\n", reach_line(r));
    let target = money(r.target.revenue);
    let s = &r.projection.scenario;
    // Six revenue columns, as wide as their widest figure (a long horizon has long numbers).
    let rows: Vec<(i32, [String; 6], String, &str)> = r
        .years()
        .iter()
        .map(|y| {
            let marker = if y.year == r.target.year {
                " ◀ target year"
            } else {
                ""
            };
            let cells =
                [y.p5(), y.p25(), y.median(), y.p75(), y.p95(), y.mean].map(|v| thousands(v, 0));
            (y.year, cells, percent(y.p_target, 1), marker)
        })
        .collect();
    let w = rows
        .iter()
        .flat_map(|(_, cells, _, _)| cells.iter().map(|c| c.chars().count()))
        .max()
        .unwrap_or(0)
        .max(8);
    let line =
        |out: &mut String, year: &dyn std::fmt::Display, cells: [&str; 6], p: &str, m: &str| {
            let _ = write!(out, "{year:>6}");
            for c in cells {
                let _ = write!(out, " {c:>w$}");
            }
            let _ = writeln!(out, " {p:>14}{m}");
        };
    let p_head = format!("P(≥ {target})");
    line(
        &mut out,
        &"Year",
        ["p5", "p25", "Median", "p75", "p95", "Mean"],
        &p_head,
        "",
    );
    let start = thousands(s.market.start_revenue, 0);
    line(
        &mut out,
        &s.market.start_year,
        ["", "", &start, "", "", ""],
        "actual",
        "",
    );
    for (year, cells, p, marker) in &rows {
        line(
            &mut out,
            year,
            cells.each_ref().map(String::as_str),
            p,
            marker,
        );
    }
    let _ = writeln!(
        out,
        "Revenue in nominal £m, by year of the published figure. p5–p95: 90% of simulated futures lie in this range."
    );
    events_block(&mut out, r);
    edited_footer(&mut out, std::slice::from_ref(r));
    out
}

/// A closing line for each scenario changed after loading, so a changed run never passes for
/// the stock scenario.
fn edited_footer(out: &mut String, runs: &[RunSummary]) {
    for r in runs.iter().filter(|r| !r.stamp.overrides.is_empty()) {
        let _ = writeln!(
            out,
            "\n{}: edited: {} (not the stock scenario)",
            r.stamp.scenario,
            r.stamp.overrides.join(", ")
        );
    }
}

fn events_block(out: &mut String, r: &RunSummary) {
    for ev in &r.events {
        let _ = writeln!(out, "\nEvent {} — {}", ev.id, ev.name);
        let _ = writeln!(
            out,
            "  {:<16} {:>8} {:>22} {:>18}",
            "outcome",
            "share",
            format!("P(target in {})", r.target.year),
            format!("median {} (£m)", r.target.year)
        );
        for o in &ev.outcomes {
            let _ = writeln!(
                out,
                "  {:<16} {:>8} {:>22} {:>18}",
                o.id,
                percent(o.share, 1),
                o.p_target.map_or("–".into(), |p| percent(p, 1)),
                o.median.map_or("–".into(), |m| thousands(m, 0)),
            );
        }
    }
}

fn side_by_side(runs: &[RunSummary]) -> String {
    let mut out = String::new();
    let first = &runs[0];
    let _ = writeln!(
        out,
        "{} scenarios on the same seed {} · {} each · safetech {}\n",
        runs.len(),
        first.stamp.seed,
        crate::format::count(first.stamp.paths, "path"),
        crate::VERSION
    );
    let id_w = runs
        .iter()
        .map(|r| r.stamp.scenario.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    // Each median is of its run's target year.
    let median_title = if runs.iter().all(|r| r.target.year == first.target.year) {
        format!("Median {}", first.target.year)
    } else {
        "Median, target year".to_string()
    };
    let median_w = median_title.chars().count().max(9);
    let _ = writeln!(
        out,
        "{:<id_w$}  {:>24}  {:>20}  {:>median_w$}  Name",
        "Scenario",
        format!(
            "P(≥ {} in {})",
            money(first.target.revenue),
            first.target.year
        ),
        "Monte Carlo ±",
        median_title,
    );
    for r in runs {
        let d = probability_decimals(r.target.std_error);
        let median = r
            .projection
            .year(r.target.year)
            .map_or(f64::NAN, |y| y.median());
        let _ = writeln!(
            out,
            "{:<id_w$}  {:>24}  {:>20}  {:>median_w$}  {}",
            r.stamp.scenario,
            percent(r.target.probability, d),
            format!("±{} pts", r.target.margin_points()),
            money(median),
            r.projection.scenario.scenario.name
        );
    }
    let _ = writeln!(out, "{INPUTS_DOMINATE}");
    out.push_str(&super::difference::table_block(
        &differences_of(runs),
        first.target.revenue,
    ));
    let _ = writeln!(out, "\nMedian revenue, nominal £m (5th–95th percentile)");
    let cells: Vec<Vec<(i32, String)>> = runs
        .iter()
        .map(|r| {
            r.years()
                .iter()
                .map(|y| {
                    (
                        y.year,
                        format!(
                            "{} ({}–{})",
                            thousands(y.median(), 0),
                            thousands(y.p5(), 0),
                            thousands(y.p95(), 0)
                        ),
                    )
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = runs
        .iter()
        .zip(&cells)
        .map(|(r, c)| {
            c.iter()
                .map(|(_, s)| s.chars().count())
                .chain([r.stamp.scenario.chars().count()])
                .max()
                .unwrap_or(10)
        })
        .collect();
    let _ = write!(out, "{:>6}", "Year");
    for (r, w) in runs.iter().zip(&widths) {
        let _ = write!(out, "  {:>w$}", r.stamp.scenario);
    }
    out.push('\n');
    let all_years: std::collections::BTreeSet<i32> =
        cells.iter().flatten().map(|(y, _)| *y).collect();
    for year in all_years {
        let _ = write!(out, "{year:>6}");
        for (c, w) in cells.iter().zip(&widths) {
            let cell = c
                .iter()
                .find(|(y, _)| *y == year)
                .map_or("", |(_, s)| s.as_str());
            let _ = write!(out, "  {cell:>w$}");
        }
        out.push('\n');
    }
    for r in runs {
        let _ = writeln!(out, "\n{}: {}", r.stamp.scenario, reach_line(r));
        events_block(&mut out, r);
    }
    edited_footer(&mut out, runs);
    out
}

/// Each scenario after the first against the first, on their paired paths.
pub fn differences_of(runs: &[RunSummary]) -> Vec<crate::stats::difference::ScenarioDifference> {
    let projections: Vec<&crate::sim::Projection> = runs.iter().map(|r| r.projection).collect();
    crate::stats::difference::differences_from_first(&projections)
}
