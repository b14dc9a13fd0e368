//! The work behind each command: glue between the CLI and the library.

pub mod calibrate;
pub mod export;
pub mod options;
pub mod run;
pub mod scenarios;
pub mod sensitivity;
pub mod solve;
pub mod teach;
pub mod tui;

use std::io::IsTerminal;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

pub use options::Options;

use crate::cli::Common;
use crate::error::InputError;
use crate::output::Inputs;
use crate::scenario::Scenario;
use crate::sim::{Projection, RunControl, simulate};

/// Runs every scenario on the same seed (common random numbers), on a pool of the requested size,
/// with a progress bar on stderr for long runs on a terminal.
pub fn simulate_all(common: &Common, scenarios: &[Scenario]) -> Result<Vec<Projection>> {
    common.check_memory(scenarios)?;
    let settings = common.settings();
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = common.threads {
        builder = builder.num_threads(n.into());
    }
    let pool = builder.build().context("cannot start worker threads")?;
    let total_years: usize = scenarios.iter().map(|s| s.years()).sum();
    let work = settings.paths as u64 * total_years as u64;
    let bar = (std::io::stderr().is_terminal() && work >= 20_000_000).then(|| {
        let bar = ProgressBar::new(total_years as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg:>14} [{bar:30}] {pos}/{len} years  {elapsed}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    });
    let mut out = Vec::with_capacity(scenarios.len());
    for s in scenarios {
        if let Some(bar) = &bar {
            bar.set_message(s.scenario.id.clone());
        }
        let progress = |_: usize, _: usize| {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        };
        let control = RunControl {
            cancel: None,
            progress: Some(&progress),
            draws: None,
        };
        let p = pool
            .install(|| simulate(s, settings, control))
            .with_context(|| format!("simulating scenario {}", s.scenario.id))?;
        out.push(p);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(out)
}

/// A pool of the requested size (default: all cores).
pub fn pool(common: &Common) -> Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = common.threads {
        builder = builder.num_threads(n.into());
    }
    builder.build().context("cannot start worker threads")
}

/// What `sensitivity` and `solve` start from: the one scenario named, the edits as typed, the
/// run settings and a worker pool.
pub struct SingleScenario {
    pub scenario: Scenario,
    pub overrides: Vec<String>,
    pub settings: crate::sim::RunSettings,
    pub pool: rayon::ThreadPool,
}

/// The most paths `--precision` may grow a run to: its own limit, or fewer where an analysis
/// holding `per_path` bytes a path would pass the memory budget; and why that is the limit.
pub fn precision_limit(common: &Common, per_path: u64) -> (usize, &'static str) {
    use crate::analysis::precision::MAX_PATHS;
    // At least one block: where not even that fits, the run's own memory check says so.
    let fit = common.paths_that_fit(per_path).max(crate::sim::CHUNK);
    if fit < MAX_PATHS {
        (
            fit,
            "the most that fit the memory budget; raise --max-memory for more",
        )
    } else {
        (MAX_PATHS, "the most --precision uses")
    }
}

/// After the results are written: a run short of the precision asked for ends with exit 3,
/// saying so and why it stopped.
pub fn precision_met(
    precision: Option<&crate::analysis::precision::Precision>,
    why_limit: &str,
) -> Result<()> {
    match precision {
        Some(p) if !p.reached => {
            Err(crate::error::ShortOfPrecision(format!("{} ({why_limit})", p.describe())).into())
        }
        _ => Ok(()),
    }
}

/// A command that looks at one scenario refuses a second `-s` (exit 2) rather than
/// quietly using the first.
pub fn refuse_a_second_scenario(command: &str, common: &Common) -> Result<(), InputError> {
    match common.scenarios.as_slice() {
        [_, _, ..] => Err(InputError::new(
            "-s/--scenario",
            "",
            format!(
                "{command} looks at one scenario, and {} were given ({}); run it once per \
                 scenario",
                common.scenarios.len(),
                common.scenarios.join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

/// Checks `--precision` and the path count before loading anything, then loads.
pub fn single_scenario(
    command: &str,
    common: &Common,
    precision: Option<f64>,
) -> Result<SingleScenario> {
    if let Some(pts) = precision {
        crate::analysis::precision::check(pts)?;
    }
    crate::analysis::check_paths(common.paths)?;
    refuse_a_second_scenario(command, common)?;
    let mut scenarios = common.load_scenarios()?;
    let scenario = scenarios.swap_remove(0);
    let overrides = common.overrides()?.into_iter().map(|o| o.raw).collect();
    Ok(SingleScenario {
        scenario,
        overrides,
        settings: common.settings(),
        pool: pool(common)?,
    })
}

/// The scenario files these scenarios were read from: no output may replace them.
pub fn inputs_of(scenarios: &[&Scenario]) -> Inputs {
    Inputs::of(
        scenarios
            .iter()
            .filter_map(|s| s.provenance.file.as_deref())
            .map(std::path::Path::new),
    )
}

/// Checks `--out` before any work, as [`crate::output::check_outputs`] does; `-` (standard
/// output) needs no check.
pub fn check_out(out: Option<&std::path::Path>, inputs: &Inputs) -> Result<()> {
    match out.filter(|o| o.as_os_str() != "-") {
        Some(o) => crate::output::check_outputs(&[("--out", o)], inputs),
        None => Ok(()),
    }
}

/// Writes a report to `out` (atomically, never over one of `inputs`) or standard output; a
/// closed pipe is not an error.
pub fn emit(text: &str, out: Option<&std::path::Path>, inputs: &Inputs) -> Result<()> {
    match out {
        // `--out -` is standard output, as for most tools.
        Some(path) if path.as_os_str() != "-" => {
            crate::output::write_atomic(path, text.as_bytes(), inputs)?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
        _ => print_quietly(text),
    }
}

/// Print to standard output; a closed pipe (e.g. `| head`) ends the output quietly.
pub fn print_quietly(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
