//! `safetech export`.

use anyhow::{Context, Result};

use super::Options;
use crate::analysis::difference::difference_fan;
use crate::analysis::sensitivity::{base_of, tornado};
use crate::chart::tornado::TornadoChart;
use crate::chart::{self, Chart, ChartKind, ChartOptions, ImageFormat};
use crate::cli::ExportArgs;
use crate::error::InputError;
use crate::sim::RunControl;

/// `--title`, `--subtitle`, `--caption` and `--source` go into the chart's SVG and PDF and may
/// be echoed on a terminal: one line each, no control characters.
fn check_texts(args: &ExportArgs) -> Result<(), InputError> {
    for (flag, text) in [
        ("--title", &args.title),
        ("--subtitle", &args.subtitle),
        ("--caption", &args.caption),
        ("--source", &args.source),
    ] {
        let Some(text) = text else { continue };
        if let Some(why) = crate::text::refusal(text, crate::text::Allow::Line) {
            return Err(
                InputError::new(flag, "", why).with_value(crate::text::quoted_excerpt(text))
            );
        }
    }
    Ok(())
}

/// A `--x`/`--no-x` pair: on, off, or the chart's own default when neither is given.
fn on_off(on: bool, off: bool) -> Option<bool> {
    (on || off).then_some(on)
}

pub fn run(args: &ExportArgs) -> Result<()> {
    check_texts(args)?;
    let options = ChartOptions {
        width: args.width,
        height: args.height,
        scale: args.scale,
        theme: args.theme,
        title: args.title.clone(),
        dpi: args.dpi,
        subtitle: args.subtitle.clone(),
        from: args.from,
        y_scale: args.y_scale,
        bands: on_off(args.bands, args.no_bands),
        to: args.to,
        caption: args.caption.clone(),
        source: args.source.clone(),
        headline: on_off(args.headline, args.no_headline),
        stamp: !args.no_stamp,
        transparent: args.transparent,
        events: !args.no_events,
        min_points: None,
    };
    let preset = args.size.or(args
        .purpose
        .map(|chart::Purpose::Print| chart::SizePreset::A4Column));
    let options = match preset {
        Some(p) => p.apply(options),
        None => options,
    };
    // Check what can be checked before a long simulation.
    ImageFormat::from_path(&args.out)?;
    options.validate()?;
    if matches!(args.chart, ChartKind::Tornado | ChartKind::Difference) {
        crate::analysis::check_paths(args.common.paths)?;
    }
    let scenarios = args.common.load_scenarios()?;
    if args.chart == ChartKind::Difference && scenarios.len() < 2 {
        return Err(InputError::new(
            "--chart difference",
            "",
            "needs two scenarios: the base and the one compared with it, e.g. -s maturing -s kosa",
        )
        .into());
    }
    if args.chart.single_scenario() && scenarios.len() > 1 {
        eprintln!(
            "note: the {} chart shows one scenario; drawing {} (use --chart compare or reach for several)",
            format!("{:?}", args.chart).to_lowercase(),
            scenarios[0].scenario.id
        );
    }
    if args.chart == ChartKind::Difference && scenarios.len() > 2 {
        eprintln!(
            "note: the difference chart shows {} − {}; the other scenarios are left out",
            scenarios[1].scenario.id, scenarios[0].scenario.id
        );
    }
    let horizon = scenarios
        .iter()
        .map(|s| s.market.horizon)
        .max()
        .unwrap_or_default();
    // The earliest target year among the scenarios drawn.
    let drawn = if args.chart.single_scenario() {
        &scenarios[..1]
    } else {
        &scenarios[..]
    };
    let target_year = drawn
        .iter()
        .map(|s| s.target.year)
        .min()
        .unwrap_or_default();
    for note in chart::option_notes(args.chart, &options, horizon, target_year) {
        eprintln!("note: {note}");
    }
    let inputs = super::inputs_of(&scenarios.iter().collect::<Vec<_>>());
    let mut outputs = vec![("--out", args.out.as_path())];
    // `--data -` is standard output, as `--out -` is for the reports.
    if let Some(data) = args.data.as_deref().filter(|d| d.as_os_str() != "-") {
        outputs.push(("--data", data));
    }
    crate::output::check_outputs(&outputs, &inputs)?;
    let pool = super::pool(&args.common)?;
    let settings = args.common.settings();
    let control = RunControl::default();
    // The chart, and the numbers it plots beside it.
    let write = |chart: Chart| -> Result<()> {
        chart.export(&args.out, &options, &inputs)?;
        if let Some(path) = &args.data {
            let csv = chart::data::csv(&chart, &options)?;
            if path.as_os_str() == "-" {
                super::emit(&csv, None, &inputs)?;
            } else {
                crate::output::write_atomic_as("--data", path, csv.as_bytes(), &inputs)?;
                eprintln!("wrote {}", path.display());
            }
        }
        Ok(())
    };
    match args.chart {
        ChartKind::Tornado => {
            let s = &scenarios[0];
            let (base, rows) = pool
                .install(|| tornado(s, settings, control))
                .map_err(super::sensitivity::analysis_error)?;
            let data = TornadoChart {
                scenario: s.scenario.id.clone(),
                scenario_name: s.scenario.name.clone(),
                seed: settings.seed,
                paths: settings.paths,
                fewest_paths: settings.paths,
                base: base_of(&base),
                rows,
            };
            write(Chart::Tornado {
                analysis: &data,
                run: &base,
            })?;
        }
        ChartKind::Difference => {
            let fan = pool
                .install(|| difference_fan(&scenarios[0], &scenarios[1], settings, control))
                .map_err(super::sensitivity::analysis_error)?;
            let runs = super::simulate_all(&args.common, &scenarios[..2])?;
            let runs: &[_; 2] = runs[..]
                .try_into()
                .context("the difference chart needs two runs")?;
            write(Chart::Difference { fan: &fan, runs })?;
        }
        _ => {
            let projections = super::simulate_all(&args.common, &scenarios)?;
            write(Chart::of_runs(args.chart, &projections)?)?;
        }
    }
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
