//! `safetech sensitivity`.

use anyhow::Result;

use crate::analysis::precision::{self, until_precise};
use crate::analysis::sensitivity::{AnalysisError, base_of, tornado};
use crate::analysis::variance::variance_shares;
use crate::cli::ReportArgs;
use crate::report::sensitivity::SensitivityReport;
use crate::sim::{RunControl, RunSettings};
use crate::stats::Z95;

/// Keeps invalid input (a range a scenario cannot take) an input error, for exit code 2.
pub fn analysis_error(e: AnalysisError) -> anyhow::Error {
    match e {
        AnalysisError::Input(e) => e.into(),
        AnalysisError::Sim(e) => e.into(),
    }
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let single = super::single_scenario("sensitivity", &args.common, args.precision)?;
    let (scenario, settings, pool) = (&single.scenario, single.settings, &single.pool);
    super::check_out(args.output.out.as_deref(), &super::inputs_of(&[scenario]))?;
    let analyse = |paths: usize| -> Result<(SensitivityReport, f64)> {
        let settings = RunSettings { paths, ..settings };
        let (base, rows) = pool
            .install(|| tornado(scenario, settings, RunControl::default()))
            .map_err(analysis_error)?;
        let shares =
            pool.install(|| variance_shares(scenario, settings, RunControl::default(), &base))?;
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
    let mut report = match args.precision {
        None => analyse(settings.paths)?.0,
        Some(pts) => {
            let (mut report, p) =
                until_precise(settings.paths, pts, precision::MAX_PATHS, analyse)?;
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
    )
}
