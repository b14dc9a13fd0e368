//! Several scenarios on one chart: each one's median and 90% band, in distinct colours.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::Ctx;
use super::fan::{YearChart, draw_forecast_start, draw_history, year_chart};
use super::frame::{FanSeries, Frame, Style, draw_frame, draw_legend, line_swatch, stamp};
use crate::report::format::{money_short, probability_with_margin};
use crate::sim::Projection;
use crate::stats::target_probability;

pub fn draw<DB>(root: &DrawingArea<DB, Shift>, ctx: &Ctx, runs: &[Projection]) -> Result<()>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let st = ctx.st;
    let first = &runs[0];
    let fans: Vec<FanSeries> = runs.iter().map(FanSeries::of).collect();
    let frame = Frame {
        title: ctx.title_or(if runs.len() == 1 {
            format!("UK safety tech revenue: {}", first.scenario.scenario.name)
        } else {
            "UK safety tech revenue under different scenarios".to_string()
        }),
        subtitle: format!(
            "Median and 5–95% band of {} per scenario, on the same random draws.",
            super::frame::futures(first.paths())
        ),
        note: None,
        footer: stamp(runs, ctx.date),
    };
    let area = draw_frame(root, st, &frame)?;
    let extent = fans
        .iter()
        .map(FanSeries::extent)
        .fold((f64::INFINITY, 0.0_f64), |(a, b), (lo, hi)| {
            (a.min(lo), b.max(hi))
        });
    let mut chart = year_chart(&area, st, widest(runs), extent)?;

    let colors: Vec<RGBColor> = (0..runs.len()).map(|i| series_color(st, i)).collect();
    // Bands first, all of them, so no band hides another scenario's median.
    for (fan, &color) in fans.iter().zip(&colors) {
        chart.draw_series(std::iter::once(Polygon::new(
            fan.band(0, 6),
            color.mix(0.16).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            fan.line(6),
            color.mix(0.5).stroke_width(st.line(1.0)),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            fan.line(0),
            color.mix(0.5).stroke_width(st.line(1.0)),
        )))?;
    }
    draw_forecast_start(&mut chart, st, first)?;
    for ((run, fan), &color) in runs.iter().zip(&fans).zip(&colors) {
        let width = st.line(3.0);
        let t = target_probability(run);
        let label = format!(
            "{}: P(≥ {} in {}) = {}",
            run.scenario.scenario.name,
            money_short(t.revenue),
            t.year,
            probability_with_margin(&t)
        );
        chart
            .draw_series(LineSeries::new(fan.line(3), color.stroke_width(width)))?
            .label(label)
            .legend(line_swatch(st, color.to_rgba(), width));
    }
    draw_history(&mut chart, st, first)?;
    draw_targets(&mut chart, st, runs)?;
    draw_legend(&mut chart, st, SeriesLabelPosition::UpperLeft)?;
    Ok(())
}

/// The run whose history and horizon span the most years, so every scenario fits on the axes.
fn widest(runs: &[Projection]) -> &Projection {
    runs.iter()
        .max_by_key(|r| {
            r.scenario.market.horizon - r.scenario.market.history.first().map_or(0, |h| h.0)
        })
        .unwrap_or(&runs[0])
}

/// Colour of the i-th scenario; wraps around after the palette's six.
pub fn series_color(st: &Style, i: usize) -> RGBColor {
    st.palette.series[i % st.palette.series.len()]
}

/// Each distinct target as a neutral dashed line (scenario colours are taken by the medians).
fn draw_targets<DB>(chart: &mut YearChart<DB>, st: &Style, runs: &[Projection]) -> Result<()>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let mut seen: Vec<(f64, i32)> = Vec::new();
    for run in runs {
        let t = (run.scenario.target.revenue, run.scenario.target.year);
        if !seen.contains(&t) {
            seen.push(t);
            super::fan::draw_target(chart, st, run, st.palette.reference)?;
        }
    }
    Ok(())
}
