//! `safetech calibrate` and `safetech backtest`.

use anyhow::Result;

use crate::backtest::{OFFICIAL_FORECASTS, backtest_results};
use crate::cli::{BacktestArgs, CalibrateArgs, CalibrateFormat};
use crate::error::InputError;
use crate::output::{Inputs, check_outputs, write_atomic_as};
use crate::report;
use crate::scenario::history::read_history;
use crate::scenario::parse_str;
use crate::sim::RunSettings;
use crate::stats::calibration::calibrate;

pub fn run_calibrate(args: &CalibrateArgs) -> Result<()> {
    if let Some(path) = &args.write_scenario {
        let inputs = Inputs::of(args.history.as_deref());
        check_outputs(&[("--write-scenario", path.as_path())], &inputs)?;
    }
    let (history, origin) = read_history(args.history.as_deref())?;
    let used: Vec<(i32, f64)> = history
        .iter()
        .copied()
        .filter(|(y, _)| args.until.is_none_or(|u| *y <= u))
        .collect();
    let c = calibrate(&used).map_err(|e| InputError::new(&origin, "", e.to_string()))?;
    // What is printed or written must load and run: parse it as any scenario file is, so an
    // absurd history (a 2,102 % pace) is refused rather than printed as a usable [growth] block.
    // The written scenario's id is its file's, so it is never mistaken for the built-in
    // `historical` beside it.
    let id = args
        .write_scenario
        .as_deref()
        .map(crate::scenario::id_of_file)
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| "calibrated".to_string());
    let text = report::calibrate::scenario_toml(&c, &used, &origin, &id);
    let named = args
        .write_scenario
        .as_ref()
        .map_or("the calibrated scenario".to_string(), |p| {
            p.display().to_string()
        });
    parse_str(&text, &named).map_err(|e| {
        InputError::new(
            &origin,
            "",
            format!("the calibrated scenario would not be valid: {e}"),
        )
    })?;
    if let Some(path) = &args.write_scenario {
        let inputs = Inputs::of(args.history.as_deref());
        write_atomic_as("--write-scenario", path, text.as_bytes(), &inputs)?;
        eprintln!(
            "wrote {} (run it with: safetech run -s {})",
            path.display(),
            path.display()
        );
    }
    let text = if CalibrateFormat::is_json(args.format, args.out.as_deref()) {
        report::calibrate::json(&c, &origin)
    } else {
        report::calibrate::table(&c, &origin)
    };
    super::emit(
        &text,
        args.out.as_deref(),
        &Inputs::of(args.history.as_deref()),
    )
}

pub fn run_backtest(args: &BacktestArgs) -> Result<()> {
    let (history, origin) = read_history(args.history.as_deref())?;
    let scenario = crate::scenario::load(&args.scenario)?;
    let settings = RunSettings {
        paths: args.paths,
        seed: args.seed,
        ..RunSettings::default()
    };
    let results = backtest_results(
        &history,
        &scenario,
        args.from,
        settings,
        OFFICIAL_FORECASTS,
        &origin,
    )?;
    let context = report::backtest::Context {
        origin: &origin,
        history: &history,
        scenario: &scenario,
        settings,
    };
    // As for `run`: -f wins, else --out's extension, else the table.
    let json = CalibrateFormat::is_json(args.format, args.out.as_deref());
    let text = if json {
        report::backtest::json(&results, &context)
    } else {
        report::backtest::table(&results, &context)
    };
    let mut inputs: Vec<&std::path::Path> = args.history.iter().map(|p| p.as_path()).collect();
    inputs.extend(
        scenario
            .provenance
            .file
            .as_deref()
            .map(std::path::Path::new),
    );
    super::emit(&text, args.out.as_deref(), &Inputs::of(inputs))
}
