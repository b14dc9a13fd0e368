//! `safetech sensitivity`.

use anyhow::Result;

use crate::analysis::precision::until_precise;
use crate::analysis::sensitivity::{AnalysisError, base_of, tornado};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::Options;
use crate::analysis::for_target;
use crate::analysis::variance::{components, variance_shares};
use crate::cli::ReportArgs;
use crate::format::thousands;
use crate::report::sensitivity::SensitivityReport;
use crate::scenario::Scenario;
use crate::scenario::parameters::swings;
use crate::sim::{RunControl, RunSettings};
use crate::stats::Z95;

/// Keeps invalid input (a range a scenario cannot take) an input error, for exit code 2.
pub fn analysis_error(e: AnalysisError) -> anyhow::Error {
    match e {
        AnalysisError::Input(e) => e.into(),
        AnalysisError::Sim(e) => e.into(),
    }
}

/// Every run of the analysis: the base, both ends of each swing, and the pick-freeze runs of
/// the variance shares (one from a second seed, one per source).
fn runs_of(scenario: &Scenario) -> (usize, usize, usize) {
    let swings = swings(scenario).len();
    let sources = components(&for_target(scenario)).len();
    (1 + 2 * swings + 1 + sources, swings, sources)
}

/// An estimate once the first run is timed, then a bar on a terminal, for analyses that take
/// a while (`sensitivity` on 32 events of 16 outcomes runs some 2,000 simulations).
struct Progress {
    runs: usize,
    paths: usize,
    start: std::time::Instant,
    done: AtomicUsize,
    bar: Mutex<Option<indicatif::ProgressBar>>,
}

/// Runs timed for the estimate.
const TIMED: usize = 3;
/// Estimates and bars only for analyses longer than this.
const SHOW_AFTER: Duration = Duration::from_secs(5);

impl Progress {
    fn new(runs: usize, paths: usize) -> Progress {
        Progress {
            runs,
            paths,
            start: std::time::Instant::now(),
            done: AtomicUsize::new(0),
            bar: Mutex::new(None),
        }
    }

    /// Called by the engine after each simulated year of each run.
    fn year(&self, year: usize, years: usize) {
        if year < years {
            return;
        }
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let mut bar = self.bar.lock().unwrap_or_else(|e| e.into_inner());
        // Timed over the base run and both ends of the first swing, which also pay for
        // setting a value.
        if done == TIMED.min(self.runs) {
            let per_run = self.start.elapsed() / done as u32;
            let estimate = per_run * self.runs as u32;
            if estimate >= SHOW_AFTER {
                eprintln!(
                    "sensitivity: {} runs of {} paths; about {} at the speed of the first {done} \
                     ({:.2} s a run)",
                    thousands(self.runs as f64, 0),
                    thousands(self.paths as f64, 0),
                    duration(estimate),
                    per_run.as_secs_f64()
                );
                if std::io::stderr().is_terminal() {
                    let b = indicatif::ProgressBar::new(self.runs as u64);
                    b.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{msg:>14} [{bar:30}] {pos}/{len} runs  {elapsed} (about {eta} left)",
                        )
                        .expect("valid template")
                        .progress_chars("=> "),
                    );
                    b.set_message("sensitivity");
                    b.set_position(done as u64);
                    *bar = Some(b);
                }
            }
        } else if let Some(b) = bar.as_ref() {
            b.set_position(done as u64);
        }
    }

    fn finish(&self) {
        if let Some(b) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            b.finish_and_clear();
        }
    }
}

/// "40 s", "6 min", "1.5 h".
fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 5400.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let single = super::single_scenario("sensitivity", &args.common, args.precision)?;
    let (scenario, settings, pool) = (&single.scenario, single.settings, &single.pool);
    super::check_out(args.output.out.as_deref(), &super::inputs_of(&[scenario]))?;
    let (runs, swings, sources) = runs_of(scenario);
    args.common.check_memory_per_path(
        crate::analysis::sensitivity_bytes_per_path(scenario),
        &format!(
            "sensitivity runs of {} ({} inputs swung, {} sources of variance)",
            scenario.scenario.id,
            thousands(swings as f64, 0),
            sources
        ),
    )?;
    let analyse = |paths: usize| -> Result<(SensitivityReport, f64)> {
        let settings = RunSettings { paths, ..settings };
        let progress = Progress::new(runs, paths);
        let tick = |year: usize, years: usize| progress.year(year, years);
        let draws = crate::sim::DrawCache::for_runs_of(scenario, paths);
        let control = RunControl {
            cancel: None,
            progress: Some(&tick),
            draws: Some(&draws),
        };
        let tornado = pool
            .install(|| tornado(scenario, settings, control))
            .map_err(analysis_error);
        let shares = tornado
            .map(|(base, rows)| {
                pool.install(|| variance_shares(scenario, settings, control, &base))
                    .map(|shares| (base, rows, shares))
                    .map_err(anyhow::Error::from)
            })
            .and_then(|r| r);
        progress.finish();
        let (base, rows, shares) = shares?;
        let b = base_of(&base);
        // Half-width that --precision watches: every ΔP of the tornado (the base P when there
        // are no rows).
        let worst = rows
            .iter()
            .flat_map(|r| [&r.low.delta_probability, &r.high.delta_probability])
            .map(|e| Z95 * e.std_error)
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
            .unwrap_or((b.target.ci95[1] - b.target.ci95[0]) / 2.0);
        let report = SensitivityReport {
            scenario: scenario.scenario.id.clone(),
            name: scenario.scenario.name.clone(),
            seed: settings.seed,
            paths,
            overrides: Vec::new(),
            base: b,
            tornado: rows,
            variance_shares: shares,
            precision: None,
        };
        Ok((report, worst))
    };
    let (limit, why_limit) = super::precision_limit(
        &args.common,
        crate::analysis::sensitivity_bytes_per_path(scenario),
    );
    let mut report = match args.precision {
        None => analyse(settings.paths)?.0,
        Some(pts) => {
            let (mut report, p) = until_precise(settings.paths, pts, limit, analyse)?;
            report.precision = Some(p);
            report
        }
    };
    report.overrides = single.overrides;
    let format = args.output.resolved_format();
    super::emit(
        &report.render(format),
        args.output.out.as_deref(),
        &super::inputs_of(&[scenario]),
    )?;
    super::precision_met(report.precision.as_ref(), why_limit)
}
