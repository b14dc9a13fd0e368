//! Spaghetti chart: a few dozen whole simulated paths over the fan, to show that each future is
//! a jagged path and the fan is what they add up to.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::fan::{draw_forecast_start, draw_history, draw_median, draw_target, year_chart};
use super::fan_series::FanSeries;
use super::frame::{Frame, draw_frame};
use super::legend::{draw_legend, line_swatch, swatch};
use super::stamp::stamp;
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
        footer: stamp(std::slice::from_ref(p), ctx.date),
    };
    let area = draw_frame(root, st, &frame)?;
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
    chart
        .draw_series(std::iter::once(Polygon::new(fan.band(0, 6), band.filled())))?
        .label("5–95% of all paths")
        .legend(swatch(st, band));
    draw_forecast_start(&mut chart, st, p)?;
    let path_color = pal.series[0].mix(0.45);
    let thin = st.line(1.2);
    let xr = chart.x_range();
    for (i, path) in shown.iter().enumerate() {
        let points: Vec<(i32, f64)> = path
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite() && **v > 0.0)
            .map(|(k, &v)| (start + k as i32, v))
            .filter(|(y, _)| (xr.start..=xr.end).contains(y))
            .collect();
        let series = chart.draw_series(LineSeries::new(points, path_color.stroke_width(thin)))?;
        if i == 0 {
            series
                .label(format!("{} simulated paths", shown.len()))
                .legend(line_swatch(st, path_color, st.line(2.0)));
        }
    }
    draw_median(&mut chart, st, &fan)?;
    draw_history(&mut chart, st, p)?;
    draw_target(&mut chart, st, p, pal.target)?;
    draw_legend(&mut chart, st, SeriesLabelPosition::UpperLeft)?;
    Ok(())
}
