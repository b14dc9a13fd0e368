//! Markdown: a summary table of the scenarios, then one year table per scenario.

use std::fmt::Write;

use super::Report;
use super::format::{money, percent, percent_points, probability_decimals, thousands};
use crate::stats::RunSummary;

pub struct Markdown;

/// Escape the characters that would break a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Report for Markdown {
    fn render(&self, runs: &[RunSummary]) -> String {
        let mut out = String::new();
        let Some(first) = runs.first() else {
            return out;
        };
        let t = &first.target;
        let horizon = first.projection.scenario.market.horizon;
        let _ = writeln!(
            out,
            "| Scenario | Name | P(≥ {} in {}) | 95% interval | Median {} | Median {} | Half reach it by |",
            money(t.revenue),
            t.year,
            t.year,
            horizon
        );
        out.push_str("|---|---|--:|--:|--:|--:|--:|\n");
        for r in runs {
            let d = probability_decimals(r.target.std_error);
            let p = r.projection;
            let _ = writeln!(
                out,
                "| `{}` | {} | {} ± {} | {}–{} | {} | {} | {} |",
                r.stamp.scenario,
                cell(&p.scenario.scenario.name),
                percent(r.target.probability, d),
                percent_points(r.target.std_error),
                percent(r.target.ci95[0], d),
                percent(r.target.ci95[1], d),
                p.year(r.target.year)
                    .map_or("–".into(), |y| money(y.median())),
                p.years.last().map_or("–".into(), |y| money(y.median())),
                r.median_first_passage()
                    .map_or(format!("not by {horizon}"), |y| y.to_string()),
            );
        }
        let _ = writeln!(
            out,
            "\n_Seed {}, {} paths per scenario, safetech {}. ± is one Monte Carlo standard error in percentage points._",
            first.stamp.seed,
            thousands(first.stamp.paths as f64, 0),
            crate::VERSION
        );
        out
    }
}
