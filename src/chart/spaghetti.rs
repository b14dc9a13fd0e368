//! Spaghetti chart: a few dozen whole simulated paths over the fan, to show that each future is
//! a jagged path and the fan is what they add up to.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::fan::{draw_forecast_start, draw_history, draw_median, draw_target, year_chart};
use super::fan_series::FanSeries;
use super::frame::{Frame, draw_frame};
use super::legend::{LegendEntry, legend_above};
use super::{Canvas, Ctx};
use crate::sim::Projection;

/// Paths drawn: enough to see spread, few enough to follow one.
pub const MAX_PATHS: usize = 40;

pub fn draw<DB: Canvas>(root: &DrawingArea<DB, Shift>, ctx: &Ctx, p: &Projection) -> Result<()> {
    let st = ctx.st;
    let pal = &st.palette;
    let fan = FanSeries::of(p).clipped(ctx.st.years);
    let shown = &p.sample_paths[..p.sample_paths.len().min(MAX_PATHS)];
    let frame = Frame {
        title: ctx.title_or(format!(
            "{}: {}",
            super::frame::futures(shown.len()),
            p.scenario.scenario.name
        )),
        subtitle: format!(
            "Each line is one simulated path; the band holds 90% of all {}.",
            crate::format::count(p.paths(), "path")
        ),
        note: Some(super::frame::note_of(p)),
        footer: ctx.footer(std::slice::from_ref(p), true),
    };
    let area = draw_frame(root, st, &frame)?;
    // The legend in a row above the plot: in a box at the upper left it covered the target.
    let t = &p.scenario.target;
    let path_color = pal.series[0].mix(0.45);
    let area = legend_above(
        &area,
        st,
        &[
            LegendEntry::Fill(pal.bands[0], "5–95% of all paths".to_string()),
            LegendEntry::Line(
                super::theme::blend(pal.series[0], pal.background, 0.45),
                format!("{} simulated paths", shown.len()),
            ),
            LegendEntry::Line(pal.median, "Median".to_string()),
            LegendEntry::Line(pal.history, "Published revenue".to_string()),
            LegendEntry::Dashed(
                pal.target,
                format!(
                    "Target: {} in {}",
                    crate::format::money_short(t.revenue),
                    t.year
                ),
            ),
        ],
        st.text_px(118.0),
    )?;
    let (lo, hi) = fan.extent();
    let start = p.scenario.market.start_year;
    let (from, to) = st.years;
    let in_years = |y: i32| from.is_none_or(|f| y >= f) && to.is_none_or(|t| y <= t);
    let drawn = shown
        .iter()
        .flat_map(|path| path.iter().enumerate())
        .filter(|(k, _)| in_years(start + *k as i32))
        .map(|(_, &v)| v)
        .filter(|v| v.is_finite() && *v > 0.0);
    let extent = drawn.fold((lo, hi), |(a, b), v| (a.min(v), b.max(v)));
    let mut chart = year_chart(&area, st, p, extent)?;
    let band = pal.bands[0];
    chart.draw_series(std::iter::once(Polygon::new(fan.band(0, 6), band.filled())))?;
    draw_forecast_start(&mut chart, st, p)?;
    let thin = st.line(1.2);
    let xr = chart.x_range();
    for path in shown {
        let points: Vec<(i32, f64)> = path
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite() && **v > 0.0)
            .map(|(k, &v)| (start + k as i32, v))
            .filter(|(y, _)| (xr.start..=xr.end).contains(y))
            .collect();
        chart.draw_series(LineSeries::new(points, path_color.stroke_width(thin)))?;
    }
    draw_median(&mut chart, st, &fan)?;
    draw_history(&mut chart, st, p)?;
    draw_target(&mut chart, st, p, pal.target)?;
    Ok(())
}
