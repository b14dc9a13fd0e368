//! `safetech calibrate` and `safetech backtest`.

use anyhow::Result;

use super::print_quietly;
use crate::backtest::{OFFICIAL_FORECASTS, backtest};
use crate::cli::{BacktestArgs, CalibrateArgs, CalibrateFormat};
use crate::error::InputError;
use crate::format::{money, percent, thousands};
use crate::output::write_atomic;
use crate::scenario::history::read_history;
use crate::scenario::parse_str;
use crate::sim::RunSettings;
use crate::stats::calibration::calibrate;

/// Version tag of `calibrate -f json` (described by `schemas/calibrate.v1.json`).
pub const CALIBRATE_SCHEMA: &str = "safetech.calibrate/v1";

/// `calibrate -f json`: the estimates under the same versioned header as every JSON output.
#[derive(serde::Serialize)]
struct CalibrationDocument<'a> {
    schema: &'static str,
    program: &'static str,
    version: &'static str,
    /// Where the history came from: the file given, or the shipped history.
    history: &'a str,
    #[serde(flatten)]
    calibration: &'a crate::stats::calibration::Calibration,
}

pub fn run_calibrate(args: &CalibrateArgs) -> Result<()> {
    let (history, origin) = read_history(args.history.as_deref())?;
    let used: Vec<(i32, f64)> = history
        .iter()
        .copied()
        .filter(|(y, _)| args.until.is_none_or(|u| *y <= u))
        .collect();
    let c = calibrate(&used).map_err(|e| InputError::new(&origin, "", e.to_string()))?;
    if let Some(path) = &args.write_scenario {
        let text = c.scenario_toml(&used, &origin);
        // What is written must load and run: parse it as any scenario file is.
        parse_str(&text, &path.display().to_string()).map_err(|e| {
            InputError::new(
                &origin,
                "",
                format!("the calibrated scenario would not be valid: {e}"),
            )
        })?;
        write_atomic(path, text.as_bytes())?;
        eprintln!(
            "wrote {} (run it with: safetech run -s {})",
            path.display(),
            path.display()
        );
    }
    let text = match args.format {
        CalibrateFormat::Json => {
            let doc = CalibrationDocument {
                schema: CALIBRATE_SCHEMA,
                program: "safetech",
                version: crate::VERSION,
                history: &origin,
                calibration: &c,
            };
            serde_json::to_string_pretty(&doc)? + "\n"
        }
        CalibrateFormat::Table => format!(
            "{}\nPaste into a scenario's [growth] table:\n\n{}",
            c.explanation(),
            c.toml_block(&origin)
        ),
    };
    print_quietly(&text)
}

pub fn run_backtest(args: &BacktestArgs) -> Result<()> {
    let (history, origin) = read_history(args.history.as_deref())?;
    let settings = RunSettings {
        paths: args.paths,
        seed: args.seed,
        ..RunSettings::default()
    };
    let b = backtest(&history, args.from, settings, OFFICIAL_FORECASTS, &origin)?;
    let c = &b.calibration;
    println!(
        "Backtest from {} ({} paths, seed {}): growth calibrated on {}–{}: {:.1}% a year (95% range {:.1}%–{:.1}%, Student-t with {} df), volatility {:.3}",
        b.from,
        thousands(args.paths as f64, 0),
        args.seed,
        c.first_year,
        c.last_year,
        c.initial * 100.0,
        c.growth_95[0] * 100.0,
        c.growth_95[1] * 100.0,
        c.df,
        c.volatility
    );
    println!(
        "Simulated forward from {} in {}.\n",
        money(b.start_revenue),
        b.from
    );
    if b.ranks.is_empty() {
        println!("No later actual values in {origin} to compare with.");
    } else {
        println!(
            "{:>6} {:>10} {:>10} {:>20} {:>10}",
            "Year", "Actual", "Median", "90% range", "Rank"
        );
        for r in &b.ranks {
            println!(
                "{:>6} {:>10} {:>10} {:>20} {:>10}",
                r.year,
                money(r.actual),
                money(r.median),
                format!("{}–{}", money(r.p5), money(r.p95)),
                percent(r.rank, 0)
            );
        }
        println!(
            "Rank: share of simulated futures below the actual value. Near 50% is well centred;"
        );
        println!(
            "below 5% or above 95% means the actual was a surprise to the model (the fan may be too narrow)."
        );
    }
    for f in &b.forecasts {
        let when = match f.forecast.made_in.cmp(&b.from) {
            std::cmp::Ordering::Less => format!(
                "(made in {}, with less data than the model has)",
                f.forecast.made_in
            ),
            std::cmp::Ordering::Equal => format!(
                "(made in {}, with the same data as the model)",
                f.forecast.made_in
            ),
            std::cmp::Ordering::Greater => format!(
                "(made in {}, with more data than the model has)",
                f.forecast.made_in
            ),
        };
        println!(
            "\nOfficial forecast \"{}\" {when}\n  {}\n  P(revenue ≥ {} in {}) under this model = {}",
            f.forecast.quote,
            f.forecast.source,
            money(f.forecast.revenue),
            f.forecast.by,
            f.target.with_margin()
        );
    }
    Ok(())
}
