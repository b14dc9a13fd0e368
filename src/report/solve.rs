//! `safetech solve` as text or JSON (`"schema": "safetech.solve/v1"`).

use std::fmt::Write;

use serde::Serialize;

use super::Format;
use super::json::Envelope;
use crate::analysis::precision::Precision;
use crate::analysis::solve::{Solution, TargetSolution};
use crate::format::{money, percent, thousands};
use crate::scenario::Scenario;
use crate::scenario::parameters::literal;

pub const SCHEMA: &str = "safetech.solve/v1";

/// What was solved for: a parameter's value, or the revenue level.
#[derive(Debug, Clone)]
pub enum Answer {
    Parameter(Solution),
    Target(TargetSolution),
}

impl Answer {
    /// Paths of each run behind the answer.
    fn paths(&self) -> usize {
        match self {
            Answer::Parameter(s) => s.paths,
            Answer::Target(t) => t.paths,
        }
    }
}

/// Everything `solve` reports.
pub struct SolveReport<'a> {
    pub scenario: &'a Scenario,
    /// `--set` edits as typed.
    pub overrides: &'a [String],
    pub seed: u64,
    /// The probability of reaching the target asked for.
    pub probability: f64,
    pub answer: &'a Answer,
    pub precision: Option<Precision>,
}

#[derive(Serialize)]
struct Document<'a> {
    scenario: &'a str,
    overrides: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a Solution>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a TargetSolution>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<Precision>,
}

impl SolveReport<'_> {
    /// JSON, else the table (solve has no CSV or Markdown form; the command refuses them).
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => self.json(),
            _ => self.table(),
        }
    }

    fn json(&self) -> String {
        let (parameter, target) = match self.answer {
            Answer::Parameter(s) => (Some(s), None),
            Answer::Target(t) => (None, Some(t)),
        };
        let doc = Document {
            scenario: &self.scenario.scenario.id,
            overrides: self.overrides,
            parameter,
            target,
            precision: self.precision,
        };
        Envelope::new(SCHEMA, doc).to_json()
    }

    fn table(&self) -> String {
        let scenario = self.scenario;
        let p = self.probability;
        let mut out = format!(
            "{} ({})\nsafetech {} · scenario {} · seed {} · {} paths per run{}\n\n",
            scenario.scenario.name,
            scenario.scenario.id,
            crate::VERSION,
            scenario.scenario.id,
            self.seed,
            thousands(self.answer.paths() as f64, 0),
            if self.overrides.is_empty() {
                String::new()
            } else {
                format!(" · edited: {}", self.overrides.join(", "))
            }
        );
        match self.answer {
            Answer::Parameter(s) => {
                // Solving for the target itself: the P is of the target found, not the old one.
                let (revenue, year) = match s.key.as_str() {
                    "target.revenue" => (s.value, scenario.target.year),
                    "target.year" => (scenario.target.revenue, s.value.round() as i32),
                    _ => (scenario.target.revenue, scenario.target.year),
                };
                if let Some(step) = &s.step {
                    // Every path crosses at once: say so, rather than claim P = p is reached.
                    let _ = writeln!(
                        out,
                        "P(revenue ≥ {} in {}) jumps from {} to {} at {} = {}: no value gives {}",
                        money(revenue),
                        year,
                        percent(step.from, 1),
                        percent(step.to, 1),
                        s.key,
                        short(s.value),
                        percent(p, 1),
                    );
                    let _ = writeln!(
                        out,
                        "  the paths cross the target together (no spread between them here): P = {} at {} and {} at {}",
                        percent(step.from, 1),
                        literal(step.between[0]),
                        percent(step.to, 1),
                        literal(step.between[1]),
                    );
                } else {
                    let _ = writeln!(
                        out,
                        "P(revenue ≥ {} in {}) = {} when {} = {}",
                        money(revenue),
                        year,
                        percent(p, 1),
                        s.key,
                        short(s.value)
                    );
                    let _ = writeln!(
                        out,
                        "  Monte Carlo interval {} to {}: the values where the simulated P is within its 95% Monte Carlo half-width (±{:.2} pts)",
                        short(s.interval[0]),
                        short(s.interval[1]),
                        s.half_width * 100.0
                    );
                }
                let _ = writeln!(
                    out,
                    "  now {} = {}; searched {} to {}; {} runs on common random numbers",
                    s.key,
                    literal(s.current),
                    literal(s.range[0]),
                    literal(s.range[1]),
                    s.runs
                );
                // At a step, six figures could land on the wrong side of it.
                let tried = if s.step.is_some() {
                    literal(s.value)
                } else {
                    short(s.value)
                };
                let _ = writeln!(out, "  try: --set {}={tried}", s.key);
                if let Some(note) = &s.note {
                    let _ = writeln!(out, "  note: {note}");
                }
            }
            Answer::Target(t) => {
                let _ = writeln!(
                    out,
                    "Revenue reached with probability {} in {}: {} (95% interval {}–{}, from order statistics)",
                    percent(p, 1),
                    t.year,
                    money(t.revenue),
                    money(t.interval[0]),
                    money(t.interval[1])
                );
            }
        }
        if let Some(pr) = self.precision {
            let _ = writeln!(out, "{}", pr.describe());
        }
        out
    }
}

/// Six significant figures, as a plain number.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let digits = (5 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn short_keeps_six_significant_figures() {
        assert_eq!(
            [0.363807123, 1234.5678, 0.5, 0.0].map(short),
            ["0.363807", "1234.57", "0.5", "0"]
        );
    }
}
