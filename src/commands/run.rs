//! `safetech run`.

use std::path::Path;

use anyhow::Result;

use super::Options;
use crate::analysis::precision::{self, until_precise};
use crate::cli::RunArgs;
use crate::error::InputError;
use crate::report::samples;
use crate::sim::Projection;
use crate::stats::difference::differences_from_first;
use crate::stats::{RunSummary, Z95, target_probability};

pub fn run(args: &RunArgs) -> Result<()> {
    if let Some(pts) = args.report.precision {
        precision::check(pts)?;
    }
    let scenarios = args.report.common.load_scenarios()?;
    let inputs = super::inputs_of(&scenarios.iter().collect::<Vec<_>>());
    let mut outputs = Vec::new();
    if let Some(out) = args
        .report
        .output
        .out
        .as_deref()
        .filter(|o| o.as_os_str() != "-")
    {
        outputs.push(("--out", out));
    }
    if let Some(path) = &args.samples {
        check_samples(path, scenarios.len(), args.report.common.paths)?;
        outputs.push(("--samples", path.as_path()));
    }
    crate::output::check_outputs(&outputs, &inputs)?;
    let per_path = super::options::held_per_path(&scenarios);
    let (limit, why_limit) = super::precision_limit(&args.report.common, per_path);
    let mut met = None;
    let projections = match args.report.precision {
        None => super::simulate_all(&args.report.common, &scenarios)?,
        Some(pts) => {
            let attempt = |paths: usize| -> Result<(Vec<Projection>, f64)> {
                let mut common = args.report.common.clone();
                common.paths = paths;
                let runs = super::simulate_all(&common, &scenarios)?;
                let hw = worst_half_width(&runs);
                Ok((runs, hw))
            };
            let (runs, p) = until_precise(args.report.common.paths, pts, limit, attempt)?;
            if p.reached {
                eprintln!("{}", p.describe());
            }
            met = Some(p);
            runs
        }
    };
    let summaries: Vec<RunSummary> = projections.iter().map(RunSummary::of).collect();
    let format = args.report.output.resolved_format();
    let text = format.reporter().render(&summaries);
    if let (Some(path), [run]) = (&args.samples, projections.as_slice()) {
        // --precision may have grown the run past the limit checked before it.
        check_samples(path, 1, run.paths())?;
        crate::output::write_atomic_as(
            "--samples",
            path,
            samples::render(run).as_bytes(),
            &inputs,
        )?;
    }
    super::emit(&text, args.report.output.out.as_deref(), &inputs)?;
    super::precision_met(met.as_ref(), why_limit)
}

/// `--samples` before any run: one scenario, at most [`samples::MAX_ROWS`] paths.
fn check_samples(path: &Path, scenarios: usize, paths: usize) -> Result<()> {
    let flag = format!("--samples {}", path.display());
    if scenarios != 1 {
        return Err(InputError::new(
            flag,
            "",
            format!(
                "writes the paths of one scenario, and {scenarios} were given; run it once per scenario"
            ),
        )
        .into());
    }
    if paths > samples::MAX_ROWS {
        return Err(InputError::new(
            flag,
            "",
            format!(
                "writes one row per path, at most {} (about 60 MB); this run has {}: lower -n",
                crate::format::thousands(samples::MAX_ROWS as f64, 0),
                crate::format::thousands(paths as f64, 0)
            ),
        )
        .into());
    }
    Ok(())
}

/// The largest 95 % half-width among each run's P(target) (half the Wilson interval, as
/// reported in `ci95`) and each paired ΔP against the first run.
pub fn worst_half_width(runs: &[Projection]) -> f64 {
    let own = runs.iter().map(|p| {
        let t = target_probability(p);
        (t.ci95[1] - t.ci95[0]) / 2.0
    });
    let refs: Vec<&Projection> = runs.iter().collect();
    let diffs = differences_from_first(&refs)
        .into_iter()
        .map(|d| Z95 * d.probability.std_error);
    own.chain(diffs).fold(0.0, f64::max)
}
