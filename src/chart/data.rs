//! `--data FILE.csv`: the numbers a chart plots, beside it, so a brief can quote or re-plot them.

use std::fmt::Write as _;

use anyhow::Result;

use super::fan_series::FanSeries;
use super::{ChartKind, ChartOptions};
use crate::error::InputError;
use crate::format::csv_cell;
use crate::sim::Projection;
use crate::stats::{first_passage, target_probability};

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
                        csv_cell(&r.scenario.scenario.id),
                        f.year,
                        r.scenario.target.revenue,
                        f.probability
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
                    csv_cell(&r.scenario.scenario.id),
                    r.scenario.target.year
                )?;
            }
        }
        _ => {
            // Columns named as `run`'s CSV names them. The published revenue plotted as dots
            // (empty in simulated years), the percentiles (empty in published-only years), and
            // the chance of the target printed at the line's end, on each of its rows: the
            // target year's P, named apart from `run`'s per-year `p_target`.
            out.push_str(
                "scenario,year,published_gbp_m,p5_gbp_m,p10_gbp_m,p25_gbp_m,p50_gbp_m,p75_gbp_m,\
                 p90_gbp_m,p95_gbp_m,p_target_in_target_year,target_revenue_gbp_m,target_year\n",
            );
            for r in scenarios_of(kind, runs) {
                let fan = FanSeries::of(r).clipped(years);
                let m = &r.scenario.market;
                let published = |y: i32| {
                    m.history
                        .iter()
                        .find(|h| h.0 == y && y <= m.start_year)
                        .map(|h| h.1)
                        .or((y == m.start_year).then_some(m.start_revenue))
                };
                let mut all_years: Vec<i32> = m
                    .history
                    .iter()
                    .map(|h| h.0)
                    .filter(|&y| y <= m.start_year && shown(y))
                    .chain(fan.years.iter().copied())
                    .collect();
                all_years.sort_unstable();
                all_years.dedup();
                let p = target_probability(r).probability;
                let t = &r.scenario.target;
                for y in all_years {
                    write!(out, "{},{y},", csv_cell(&r.scenario.scenario.id))?;
                    if let Some(v) = published(y) {
                        write!(out, "{v}")?;
                    }
                    let i = fan.years.iter().position(|&f| f == y);
                    for line in &fan.lines {
                        out.push(',');
                        if let Some(i) = i {
                            write!(out, "{}", line[i])?;
                        }
                    }
                    writeln!(out, ",{p},{},{}", t.revenue, t.year)?;
                }
            }
        }
    }
    Ok(out)
}
