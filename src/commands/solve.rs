//! `safetech solve`.

use anyhow::Result;

use crate::analysis::precision::until_precise;
use crate::analysis::solve::{SolveError, solve_parameter, solve_target};
use crate::cli::SolveArgs;
use crate::error::InputError;
use crate::report::Format;
use crate::report::solve::{Answer, SolveReport};
use crate::sim::{RunControl, RunSettings};

fn solve_error(e: SolveError) -> anyhow::Error {
    match e {
        SolveError::Analysis(e) => super::sensitivity::analysis_error(e),
        other => InputError::new("solve", "", other.to_string()).into(),
    }
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
    let format = args.report.output.resolved_format();
    if matches!(format, Format::Csv | Format::Markdown) {
        return Err(InputError::new("--format", "", "solve writes table or json").into());
    }
    let single = super::single_scenario("solve", &args.report.common, args.report.precision)?;
    let (scenario, settings, pool) = (&single.scenario, single.settings, &single.pool);
    super::check_out(
        args.report.output.out.as_deref(),
        &super::inputs_of(&[scenario]),
    )?;
    if let Some(key) = &args.param {
        // Check the key before any run.
        crate::scenario::parameters::resolve(scenario, key)?;
    }
    let spinner = RunsSpinner::new();
    let tick = |year: usize, years: usize| spinner.year(year, years);
    let attempt = |paths: usize| -> Result<(Answer, f64)> {
        let settings = RunSettings { paths, ..settings };
        // The steps of one search share the inputs' draws (only the solved-for input moves).
        let draws = crate::sim::DrawCache::for_runs_of(scenario, paths);
        let control = RunControl {
            cancel: None,
            progress: Some(&tick),
            draws: Some(&draws),
        };
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
    let per_path =
        crate::sim::memory_estimate(scenario, 1) + crate::sim::DrawCache::bytes_per_path(scenario);
    let (limit, why_limit) = super::precision_limit(&args.report.common, per_path);
    let (answer, precision) = match args.report.precision {
        None => (attempt(settings.paths)?.0, None),
        Some(pts) => {
            let (a, pr) = until_precise(settings.paths, pts, limit, attempt)?;
            (a, Some(pr))
        }
    };
    spinner.finish();
    let report = SolveReport {
        scenario,
        overrides: &single.overrides,
        seed: settings.seed,
        probability: p,
        answer: &answer,
        precision,
    };
    super::emit(
        &report.render(format),
        args.report.output.out.as_deref(),
        &super::inputs_of(&[scenario]),
    )?;
    super::precision_met(precision.as_ref(), why_limit)
}

/// On a terminal, a line that counts `solve`'s runs as its search makes them (their number is
/// not known beforehand), shown once the search has taken a second.
struct RunsSpinner {
    bar: Option<indicatif::ProgressBar>,
    runs: std::sync::atomic::AtomicUsize,
}

impl RunsSpinner {
    fn new() -> RunsSpinner {
        let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
            let b = indicatif::ProgressBar::hidden();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} solve: {msg}  {elapsed}")
                    .expect("valid template"),
            );
            b
        });
        RunsSpinner {
            bar,
            runs: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Called by the engine after each simulated year of each run.
    fn year(&self, year: usize, years: usize) {
        let Some(bar) = &self.bar else { return };
        if year < years {
            return;
        }
        let runs = self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if bar.is_hidden() && bar.elapsed() >= spinner_after() {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        bar.set_message(format!("{runs} runs so far"));
        bar.tick();
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// How long a search runs before its line is shown: a second; in test builds
/// `SAFETECH_TEST_SPINNER_AFTER_MS` may change it, so a test need not make a search that
/// outlasts it on every machine.
fn spinner_after() -> std::time::Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("SAFETECH_TEST_SPINNER_AFTER_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return std::time::Duration::from_millis(ms);
    }
    std::time::Duration::from_secs(1)
}

/// A search that stops with an error clears its line too.
impl Drop for RunsSpinner {
    fn drop(&mut self) {
        self.finish();
    }
}
