//! `--data FILE.csv`: the numbers a chart plots, beside it, so a brief can quote or re-plot them.

use std::fmt::Write as _;

use anyhow::Result;

use super::frame::FanSeries;
use super::{ChartKind, ChartOptions};
use crate::error::InputError;
use crate::sim::Projection;
use crate::stats::first_passage;

/// Chart kinds whose plotted numbers `--data` can write.
pub fn supported(kind: ChartKind) -> Result<(), InputError> {
    match kind {
        ChartKind::Fan
        | ChartKind::Compare
        | ChartKind::Spaghetti
        | ChartKind::Reach
        | ChartKind::Histogram => Ok(()),
        other => Err(InputError::new(
            "command line",
            "--data",
            format!(
                "writes the numbers of fan, compare, spaghetti, reach and histogram charts, not of \
                 {}; `safetech sensitivity -f csv` and `safetech run -f csv` give those",
                format!("{other:?}").to_lowercase()
            ),
        )),
    }
}

fn scenarios_of(kind: ChartKind, runs: &[Projection]) -> &[Projection] {
    if kind.single_scenario() {
        &runs[..1]
    } else {
        runs
    }
}

/// The plotted numbers as CSV (revenue in £m; shares as fractions), in the years shown.
pub fn csv(kind: ChartKind, runs: &[Projection], options: &ChartOptions) -> Result<String> {
    supported(kind)?;
    let years = (options.from, options.to);
    let shown = |y: i32| years.0.is_none_or(|f| y >= f) && years.1.is_none_or(|t| y <= t);
    let mut out = String::new();
    match kind {
        ChartKind::Reach => {
            out.push_str("scenario,year,target_gbp_m,share_reached\n");
            for r in scenarios_of(kind, runs) {
                for f in first_passage(r).iter().filter(|f| shown(f.year)) {
                    writeln!(
                        out,
                        "{},{},{},{}",
                        r.scenario.scenario.id, f.year, r.scenario.target.revenue, f.probability
                    )?;
                }
            }
        }
        ChartKind::Histogram => {
            let r = &runs[0];
            let b = super::histogram::bins(&r.target_values, r.scenario.target.revenue);
            out.push_str("scenario,year,bin_from_gbp_m,bin_to_gbp_m,share_of_paths\n");
            for (lo, hi, share) in &b.bars {
                writeln!(
                    out,
                    "{},{},{lo},{hi},{share}",
                    r.scenario.scenario.id, r.scenario.target.year
                )?;
            }
        }
        _ => {
            out.push_str("scenario,year,p5,p10,p25,p50,p75,p90,p95\n");
            for r in scenarios_of(kind, runs) {
                let fan = FanSeries::of(r).clipped(years);
                for (i, y) in fan.years.iter().enumerate() {
                    write!(out, "{},{y}", r.scenario.scenario.id)?;
                    for line in &fan.lines {
                        write!(out, ",{}", line[i])?;
                    }
                    out.push('\n');
                }
            }
        }
    }
    Ok(out)
}
