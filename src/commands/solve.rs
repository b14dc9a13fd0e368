//! `safetech solve`.

use std::fmt::Write;

use anyhow::Result;

use crate::analysis::precision::{self, Precision, until_precise};
use crate::analysis::solve::{Solution, SolveError, TargetSolution, solve_parameter, solve_target};
use crate::cli::SolveArgs;
use crate::error::InputError;
use crate::format::{money, percent, thousands};
use crate::report::Format;
use crate::scenario::parameters::literal;
use crate::sim::{RunControl, RunSettings};

fn solve_error(e: SolveError) -> anyhow::Error {
    match e {
        SolveError::Analysis(e) => super::sensitivity::analysis_error(e),
        other => InputError::new("solve", "", other.to_string()).into(),
    }
}

#[derive(serde::Serialize)]
struct Document<'a> {
    schema: &'static str,
    program: &'static str,
    version: &'static str,
    scenario: &'a str,
    overrides: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a Solution>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a TargetSolution>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<Precision>,
}

pub fn run(args: &SolveArgs) -> Result<()> {
    let p = args.probability;
    if !(p.is_finite() && p > 0.0 && p < 1.0) {
        return Err(InputError::new(
            "--probability",
            "",
            "must be a probability strictly between 0 and 1, e.g. 0.5",
        )
        .with_value(p.to_string())
        .into());
    }
    let format = args.output.resolved_format();
    if matches!(format, Format::Csv | Format::Markdown) {
        return Err(InputError::new("--format", "", "solve writes table or json").into());
    }
    let super::SingleScenario {
        scenario,
        overrides,
        settings,
        pool,
    } = super::single_scenario("solve", &args.common, args.precision)?;
    let scenario = &scenario;
    if let Some(key) = &args.param {
        // Check the key before any run.
        crate::scenario::parameters::resolve(scenario, key)?;
    }
    let control = RunControl::default();
    enum Answer {
        Parameter(Solution),
        Target(TargetSolution),
    }
    let attempt = |paths: usize| -> Result<(Answer, f64)> {
        let settings = RunSettings { paths, ..settings };
        let hw = crate::stats::Z95 * (p * (1.0 - p) / paths as f64).sqrt();
        let answer = match &args.param {
            Some(key) if !args.solve_target => Answer::Parameter(
                pool.install(|| solve_parameter(scenario, key, p, settings, control))
                    .map_err(solve_error)?,
            ),
            _ => Answer::Target(
                pool.install(|| solve_target(scenario, p, settings, control))
                    .map_err(super::sensitivity::analysis_error)?,
            ),
        };
        Ok((answer, hw))
    };
    let (answer, precision) = match args.precision {
        None => (attempt(settings.paths)?.0, None),
        Some(pts) => {
            let (a, pr) = until_precise(settings.paths, pts, precision::MAX_PATHS, attempt)?;
            (a, Some(pr))
        }
    };
    let text = match format {
        Format::Json => {
            let (parameter, target) = match &answer {
                Answer::Parameter(s) => (Some(s), None),
                Answer::Target(t) => (None, Some(t)),
            };
            let doc = Document {
                schema: "safetech.solve/v1",
                program: "safetech",
                version: crate::VERSION,
                scenario: &scenario.scenario.id,
                overrides,
                parameter,
                target,
                precision,
            };
            let mut s = serde_json::to_string_pretty(&doc).expect("plain data serialises");
            s.push('\n');
            s
        }
        _ => {
            let mut out = format!(
                "{} ({})\nsafetech {} · scenario {} · seed {} · {} paths per run{}\n\n",
                scenario.scenario.name,
                scenario.scenario.id,
                crate::VERSION,
                scenario.scenario.id,
                settings.seed,
                thousands(
                    match &answer {
                        Answer::Parameter(s) => s.paths,
                        Answer::Target(t) => t.paths,
                    } as f64,
                    0
                ),
                if overrides.is_empty() {
                    String::new()
                } else {
                    format!(" · edited: {}", overrides.join(", "))
                }
            );
            match &answer {
                Answer::Parameter(s) => {
                    let _ = writeln!(
                        out,
                        "P(revenue ≥ {} in {}) = {} when {} = {}",
                        money(scenario.target.revenue),
                        scenario.target.year,
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
                    let _ = writeln!(
                        out,
                        "  now {} = {}; searched {} to {}; {} runs on common random numbers",
                        s.key,
                        literal(s.current),
                        literal(s.range[0]),
                        literal(s.range[1]),
                        s.runs
                    );
                    let _ = writeln!(out, "  try: --set {}={}", s.key, short(s.value));
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
            if let Some(pr) = precision {
                let _ = writeln!(out, "{}", pr.describe());
            }
            out
        }
    };
    super::emit(&text, args.output.out.as_deref())
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
