//! Markdown: a summary table of the scenarios, for documents (scenarios/README.md is made with it).

use std::fmt::Write;

use super::Report;
use crate::format::{money, percent, probability_decimals, thousands};
use crate::scenario::{Scenario, Shocks, Timing};
use crate::stats::RunSummary;

pub struct Markdown;

/// Escape the characters that would break a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn rate(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.trim_end_matches(".0"))
}

/// One line of the assumptions that drive a scenario, from its parameters.
pub fn key_assumptions(s: &Scenario) -> String {
    let g = &s.growth;
    // An uncertain input reads as the central 90 % of its draws; a fixed one as its value.
    let value = |key: &str, v: f64, show: &dyn Fn(f64) -> String| match s.uncertain.get(key) {
        Some(u) => format!("{}–{}", show(u.quantile(0.05)), show(u.quantile(0.95))),
        None => show(v),
    };
    let plain = |v: f64| format!("{v}");
    let two = |v: f64| format!("{v:.2}");
    let mut parts = Vec::new();
    let mut growth = format!("growth {}", rate(g.initial));
    // The pace's spread as the range of its draws: "±" is the Monte Carlo margin's alone.
    if let Some(u) = s.pace_spread() {
        let family = match (s.pace_distribution(), g.initial_distribution) {
            (None, Shocks::StudentT(nu)) => format!("Student-t, {nu} df"),
            (None, Shocks::Normal) => "Normal".to_string(),
            (Some(u), _) => u.family().to_string(),
        };
        let _ = write!(
            growth,
            " ({family}; 90% of draws {} to {})",
            rate(u.quantile(0.05)),
            rate(u.quantile(0.95))
        );
    }
    let reverts = g.reversion > 0.0 || s.uncertain.contains_key("growth.reversion");
    if reverts && g.long_run_rate() != g.initial {
        let reversion = if s.uncertain.contains_key("growth.reversion") {
            value("growth.reversion", g.reversion, &two)
        } else {
            value("growth.reversion", g.reversion, &plain)
        };
        let _ = write!(
            growth,
            " → {} (reversion {reversion})",
            value("growth.long_run", g.long_run_rate(), &rate),
        );
    }
    parts.push(growth);
    let mut noise = format!(
        "volatility {}",
        value("growth.volatility", g.volatility, &rate)
    );
    if g.persistence != 0.0 || s.uncertain.contains_key("growth.persistence") {
        let _ = write!(
            noise,
            ", persistence {}",
            value("growth.persistence", g.persistence, &plain)
        );
    }
    if let Shocks::StudentT(nu) = g.shocks {
        let _ = write!(noise, ", Student-t({nu}) shocks");
    }
    parts.push(noise);
    if let Some(k) = g.capacity {
        parts.push(format!("capacity {}", value("growth.capacity", k, &money)));
    }
    let mut never = Vec::new();
    for ev in &s.events {
        let p: f64 = ev.outcomes.iter().map(|o| o.probability).sum();
        if p <= 0.0 {
            never.push(ev.id.as_str());
            continue;
        }
        let when = match ev.outcomes.first().map(|o| ev.timing(o)) {
            Some(Timing::Fixed(y)) => y.to_string(),
            Some(Timing::Window(a, b)) => format!("{a}–{b}"),
            None => String::new(),
        };
        // The outcomes with their odds, so scenarios that differ only in them read differently.
        let odds: Vec<String> = ev
            .outcomes
            .iter()
            .filter(|o| o.probability > 0.0)
            .map(|o| format!("{} {}", o.id, rate(o.probability)))
            .collect();
        let detail = if ev.outcomes.len() > 1 {
            format!(": {}", odds.join(", "))
        } else {
            String::new()
        };
        parts.push(format!("{} ({when}, {} likely{detail})", ev.name, rate(p)));
    }
    // Events a condition rules out are named, not listed as "0% likely".
    if !never.is_empty() {
        parts.push(format!("never: {}", never.join(", ")));
    }
    let mut text = parts.join("; ");
    if !s.uncertain.is_empty() {
        text.push_str(" (a–b: 90% of draws)");
    }
    text
}

impl Report for Markdown {
    fn render(&self, runs: &[RunSummary]) -> String {
        let mut out = String::new();
        let Some(first) = runs.first() else {
            return out;
        };
        let t = &first.target;
        // Medians at the target year and at every fifth year after it, across all scenarios.
        let last = runs
            .iter()
            .map(|r| r.projection.scenario.market.horizon)
            .max()
            .unwrap_or(t.year);
        let milestones: Vec<i32> = std::iter::once(t.year)
            .chain((t.year + 1..=last).filter(|y| y % 5 == 0))
            .collect();
        let _ = write!(
            out,
            "| Scenario | Key assumptions | P(≥ {} in {}) | 95% interval |",
            money(t.revenue),
            t.year
        );
        for y in &milestones {
            let _ = write!(out, " Median {y} |");
        }
        out.push_str(" Half reach it by |\n|---|---|--:|--:|");
        for _ in &milestones {
            out.push_str("--:|");
        }
        out.push_str("--:|\n");
        for r in runs {
            let d = probability_decimals(r.target.std_error);
            let p = r.projection;
            let _ = write!(
                out,
                "| `{}` {}{} | {} | {} ± {} | {}–{} |",
                r.stamp.scenario,
                cell(&p.scenario.scenario.name),
                if r.stamp.overrides.is_empty() {
                    ""
                } else {
                    " **(edited)**"
                },
                cell(&key_assumptions(&p.scenario)),
                percent(r.target.probability, d),
                r.target.margin_points(),
                percent(r.target.ci95[0], d),
                percent(r.target.ci95[1], d),
            );
            for y in &milestones {
                let _ = write!(
                    out,
                    " {} |",
                    p.year(*y).map_or("–".into(), |s| money(s.median()))
                );
            }
            let horizon = p.scenario.market.horizon;
            let _ = writeln!(
                out,
                " {} |",
                r.median_first_passage()
                    .map_or(format!("not by {horizon}"), |y| y.to_string())
            );
        }
        out.push_str(&super::difference::markdown_block(
            &super::table::differences_of(runs),
            t.revenue,
        ));
        for r in runs.iter().filter(|r| !r.stamp.overrides.is_empty()) {
            let _ = write!(
                out,
                "\n_`{}` is edited, not the stock scenario: {}._\n",
                r.stamp.scenario,
                cell(&r.stamp.overrides.join(", "))
            );
        }
        let _ = writeln!(
            out,
            "\n_Seed {}, {} paths per scenario, safetech {}. ± is the 95% Monte Carlo margin in percentage points (simulation error only; the inputs matter far more, see `safetech sensitivity`); \"half reach it by\" is the first year by which half of the simulated futures have reached the target._",
            first.stamp.seed,
            thousands(first.stamp.paths as f64, 0),
            crate::VERSION
        );
        out
    }
}
