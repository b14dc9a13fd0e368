//! `--data FILE.csv`: the numbers a chart plots, beside it, so a brief can quote or re-plot them.
//!
//! Every kind writes what it draws: the year charts their percentile lines and published
//! points (spaghetti also each path drawn), reach its lines, the histogram its bars, the
//! tornado its bars with their error bars, and the difference chart its fan. Wherever the chart
//! prints a Monte Carlo "±", a `…_margin95` column holds it (half the 95% interval, as the
//! program's JSON states it). Revenue is in £m, shares and chances as fractions.

use std::fmt::Write as _;

use anyhow::Result;

use super::fan_series::FanSeries;
use super::{Chart, ChartOptions};
use crate::format::csv_cell;
use crate::sim::Projection;
use crate::stats::{Z95, first_passage, target_probability};

/// The plotted numbers of `chart` as CSV, in the years shown.
pub fn csv(chart: &Chart, options: &ChartOptions) -> Result<String> {
    let years = chart.years(options);
    let shown = |y: i32| years.0.is_none_or(|f| y >= f) && years.1.is_none_or(|t| y <= t);
    let mut out = String::new();
    match *chart {
        Chart::Reach(runs) => {
            out.push_str("scenario,year,target_gbp_m,share_reached\n");
            for r in runs {
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
        Chart::Histogram(r) => {
            let b = super::histogram::bins(&r.target_values, r.scenario.target.revenue);
            let t = target_probability(r);
            // On each bar's row: the share of paths beyond the bars (the subtitle's note), and
            // the legend's "At or above: P (Monte Carlo ±m pts)".
            out.push_str(
                "scenario,year,bin_from_gbp_m,bin_to_gbp_m,share_of_paths,share_outside_bars,\
                 target_gbp_m,p_target,p_target_margin95\n",
            );
            for (lo, hi, share) in &b.bars {
                writeln!(
                    out,
                    "{},{},{lo},{hi},{share},{},{},{},{}",
                    csv_cell(&r.scenario.scenario.id),
                    r.scenario.target.year,
                    b.outside,
                    t.revenue,
                    t.probability,
                    t.margin95()
                )?;
            }
        }
        Chart::Fan(r) => year_rows(&mut out, std::slice::from_ref(r), years, false)?,
        Chart::Compare(runs) => year_rows(&mut out, runs, years, false)?,
        Chart::Spaghetti(r) => year_rows(&mut out, std::slice::from_ref(r), years, true)?,
        Chart::Tornado { analysis, run } => {
            // Which rows are drawn depends on the room the chart has: read it off the chart.
            let layout = chart.layout(options)?;
            let drawn = |key: &str| layout.texts.iter().any(|t| t.text == key);
            let t = &analysis.base.target;
            out.push_str(
                "scenario,rank,key,input,drawn,base_value,low_value,high_value,\
                 delta_p_low,delta_p_low_margin95,delta_p_high,delta_p_high_margin95,\
                 p_target_base,p_target_base_margin95,target_gbp_m,target_year\n",
            );
            for (i, row) in analysis.rows.iter().enumerate() {
                let (lo, hi) = (&row.low.delta_probability, &row.high.delta_probability);
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    csv_cell(&analysis.scenario),
                    i + 1,
                    csv_cell(&row.key),
                    csv_cell(&super::tornado::row_name(&row.key, Some(&run.scenario))),
                    u8::from(drawn(&row.key)),
                    row.base,
                    row.low.value,
                    row.high.value,
                    lo.difference,
                    Z95 * lo.std_error,
                    hi.difference,
                    Z95 * hi.std_error,
                    t.probability,
                    t.margin95(),
                    t.revenue,
                    t.year
                )?;
            }
        }
        Chart::History(r) => {
            // The published points, then each claim's two ends and the growth it needed.
            out.push_str("series,said_in,year,revenue_gbp_m,growth_needed_a_year\n");
            for (y, v) in super::history::published(r) {
                writeln!(out, "published,,{y},{v},")?;
            }
            for (c, base, g) in super::history::claims(r) {
                let name = csv_cell(&format!(
                    "claim: {} by {}",
                    crate::format::money_short(c.revenue),
                    c.year
                ));
                for (y, v) in [(c.said_in, base), (c.year, c.revenue)] {
                    writeln!(out, "{name},{},{y},{v},{g}", c.said_in)?;
                }
            }
        }
        Chart::Difference { fan, .. } => {
            // The fan of R_B − R_A per year, and the subtitle's ΔP(target) with its "±".
            let d = &fan.at_target;
            out.push_str(
                "scenario,base,year,p5_gbp_m,p10_gbp_m,p25_gbp_m,p50_gbp_m,p75_gbp_m,p90_gbp_m,\
                 p95_gbp_m,delta_p_target_in_target_year,delta_p_target_margin95,\
                 target_gbp_m,target_year\n",
            );
            for (y, p) in fan.years.iter().zip(&fan.percentiles) {
                write!(
                    out,
                    "{},{},{y}",
                    csv_cell(&fan.scenario),
                    csv_cell(&fan.base)
                )?;
                for v in p {
                    write!(out, ",{v}")?;
                }
                writeln!(
                    out,
                    ",{},{},{},{}",
                    d.probability.difference,
                    d.probability.half_width(),
                    fan.target_revenue,
                    d.target_year
                )?;
            }
        }
    }
    Ok(out)
}

/// The rows of the year charts (fan, compare, spaghetti), one per scenario and year shown.
/// Columns are named as `run`'s CSV names them: the published revenue plotted as dots (empty
/// in simulated years), the percentiles (empty in published-only years), and the chance of the
/// target printed on the chart with its Monte Carlo margin, on each row of the projection (not
/// on published-only rows): the target year's P, named apart from `run`'s per-year `p_target`.
/// With `paths`, one more column per path drawn, named by its id in `run --samples`.
fn year_rows(
    out: &mut String,
    runs: &[Projection],
    years: (Option<i32>, Option<i32>),
    paths: bool,
) -> Result<()> {
    let shown = |y: i32| years.0.is_none_or(|f| y >= f) && years.1.is_none_or(|t| y <= t);
    out.push_str(
        "scenario,year,published_gbp_m,p5_gbp_m,p10_gbp_m,p25_gbp_m,p50_gbp_m,p75_gbp_m,\
         p90_gbp_m,p95_gbp_m,p_target_in_target_year,p_target_margin95,target_revenue_gbp_m,\
         target_year",
    );
    fn drawn(r: &Projection, paths: bool) -> &[Vec<f64>] {
        if paths {
            &r.sample_paths[..r.sample_paths.len().min(super::spaghetti::MAX_PATHS)]
        } else {
            &[]
        }
    }
    for k in 0..runs.first().map_or(0, |r| drawn(r, paths).len()) {
        write!(out, ",path_{k}_gbp_m")?;
    }
    out.push('\n');
    for r in runs {
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
        let p = target_probability(r);
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
            if i.is_some() {
                write!(out, ",{},{}", p.probability, p.margin95())?;
            } else {
                out.push_str(",,");
            }
            write!(out, ",{},{}", t.revenue, t.year)?;
            // A path's revenue where the chart draws it: from the start year, finite and
            // above zero (the log axis has no room for the rest).
            for path in drawn(r, paths) {
                out.push(',');
                let v = usize::try_from(y - m.start_year)
                    .ok()
                    .and_then(|k| path.get(k))
                    .filter(|v| v.is_finite() && **v > 0.0);
                if let Some(v) = v {
                    write!(out, "{v}")?;
                }
            }
            out.push('\n');
        }
    }
    Ok(())
}
