//! `safetech export`.

use anyhow::Result;

use crate::chart::{self, ChartOptions, ImageFormat};
use crate::cli::ExportArgs;

pub fn run(args: &ExportArgs) -> Result<()> {
    let options = ChartOptions {
        width: args.width,
        height: args.height,
        scale: args.scale,
        theme: args.theme,
        title: args.title.clone(),
    };
    // Check what can be checked before a long simulation.
    ImageFormat::from_path(&args.out)?;
    options.validate()?;
    let scenarios = args.common.load_scenarios()?;
    if args.chart.single_scenario() && scenarios.len() > 1 {
        eprintln!(
            "note: the {} chart shows one scenario; drawing {} (use --chart compare or reach for several)",
            format!("{:?}", args.chart).to_lowercase(),
            scenarios[0].scenario.id
        );
    }
    let projections = super::simulate_all(&args.common, &scenarios)?;
    chart::export(&args.out, args.chart, &projections, &options)?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}
