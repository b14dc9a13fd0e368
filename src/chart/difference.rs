//! The paired difference between two scenarios: a fan of R_B − R_A per year (percentiles over
//! paths on the same random draws) around a zero line.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::compare::draw_dashed;
use super::frame::{Frame, draw_frame};
use super::legend::{LegendEntry, legend_above};
use super::style::size;
use super::{Canvas, Ctx};
use crate::format::{money_short, points_with_error, thousands};
use crate::stats::difference::DifferenceFan;

/// `+£120m`, `−£1.2bn`, `£0` for the difference axis.
fn signed_money_tick(v: &f64) -> String {
    let v = *v;
    if v.abs() < 0.5 {
        return "£0".into();
    }
    crate::format::signed_money_short(v)
}

pub fn draw<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    fan: &DifferenceFan,
    runs: &[crate::sim::Projection],
) -> Result<()> {
    let st = ctx.st;
    let pal = &st.palette;
    let d = &fan.at_target;
    let frame = Frame {
        title: ctx.title_or(format!(
            "{} minus {}: revenue, path by path",
            fan.scenario_name, fan.base_name
        )),
        subtitle: format!(
            "Percentiles of the paired difference over {} simulated futures on the same random draws. ΔP(≥ {} in {}) = {}.",
            thousands(d.paths as f64, 0),
            money_short(fan.target_revenue),
            d.target_year,
            points_with_error(d.probability.difference, d.probability.half_width())
        ),
        // Both runs' stamps: scenarios (with files and edits), seed, paths.
        note: None,
        footer: ctx.footer(runs, true),
    };
    let area = draw_frame(root, st, &frame)?;
    let y_area = st.text_px(110.0);
    let width = st.line(3.0);
    // The legend in a row above the plot: in a box on the plot it crossed the target year.
    let area = legend_above(
        &area,
        st,
        &[
            LegendEntry::Fill(pal.bands[0], "5–95% of paired differences".to_string()),
            LegendEntry::Fill(pal.bands[2], "25–75%".to_string()),
            LegendEntry::Line(pal.median, "median difference".to_string()),
        ],
        y_area,
    )?;
    let (lo, hi) = fan
        .percentiles
        .iter()
        .flat_map(|p| [p[0], p[6]])
        .filter(|v| v.is_finite())
        .fold((0.0_f64, 0.0_f64), |(a, b), v| (a.min(v), b.max(v)));
    let pad = ((hi - lo) * 0.08).max(1.0);
    let (x0, x1) = (
        *fan.years.first().unwrap_or(&0),
        (*fan.years.last().unwrap_or(&1)).max(fan.years[0] + 1),
    );
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(st.text_px(64.0))
        .y_label_area_size(y_area)
        .margin_top(st.px(8.0))
        .margin_right(st.px(16.0))
        .build_cartesian_2d(x0..x1, (lo - pad)..(hi + pad))?;
    super::axes::draw_year_mesh(
        &mut chart,
        st,
        &format!("Revenue difference, {} − {}", fan.scenario, fan.base),
        &signed_money_tick,
        8,
    )?;
    let band = |a: usize, b: usize| -> Vec<(i32, f64)> {
        let up = fan
            .years
            .iter()
            .zip(&fan.percentiles)
            .map(|(&y, p)| (y, p[b]));
        let down = fan
            .years
            .iter()
            .zip(&fan.percentiles)
            .rev()
            .map(|(&y, p)| (y, p[a]));
        up.chain(down).collect()
    };
    for (lo, hi) in [(0, 6), (2, 4)] {
        let color = pal.bands[lo];
        chart.draw_series(std::iter::once(Polygon::new(band(lo, hi), color.filled())))?;
    }
    // Zero: no difference.
    let zero = pal.reference.stroke_width(st.line(2.0));
    draw_dashed(&mut chart, st, zero, [(x0, 0.0), (x1, 0.0)], (10.0, 7.0))?;
    {
        let (px, py) = chart.backend_coord(&(x0, 0.0));
        let plot = chart.plotting_area().strip_coord_spec();
        let (ax, ay) = plot.get_base_pixel();
        // Below the line when the differences run above it, else above.
        let below = hi + lo >= 0.0;
        plot.draw_text(
            "no difference",
            &st.font(size::LEGEND * 0.9, pal.muted).pos(Pos::new(
                HPos::Left,
                if below { VPos::Top } else { VPos::Bottom },
            )),
            (
                px - ax + st.px(8.0),
                py - ay + if below { st.px(8.0) } else { -st.px(8.0) },
            ),
        )?;
    }
    chart.draw_series(LineSeries::new(
        fan.years
            .iter()
            .zip(&fan.percentiles)
            .map(|(&y, p)| (y, p[3])),
        pal.median.stroke_width(width),
    ))?;
    // The target year.
    let ty = d.target_year;
    if (x0..=x1).contains(&ty) {
        let reference = pal.reference.stroke_width(st.line(1.5));
        draw_dashed(
            &mut chart,
            st,
            reference,
            [(ty, lo - pad), (ty, hi + pad)],
            (12.0, 8.0),
        )?;
        // Labelled at the end away from zero on the side the fan takes: in the target year
        // the fan is still narrow there (at the other end the label sat on the zero line).
        let at_foot = hi + lo < 0.0;
        let (px, py) = chart.backend_coord(&(ty, if at_foot { lo - pad } else { hi + pad }));
        let plot = chart.plotting_area().strip_coord_spec();
        let (ax, ay) = plot.get_base_pixel();
        let text = format!("target year {ty}");
        let font = st.font(size::LEGEND * 0.9, pal.muted);
        let (h, x) = super::legend::beside_line(&plot, &text, &font, px - ax, st.px(8.0))?;
        plot.draw_text(
            &text,
            &font.pos(Pos::new(h, if at_foot { VPos::Bottom } else { VPos::Top })),
            (x, py - ay + if at_foot { -st.px(8.0) } else { st.px(8.0) }),
        )?;
    }
    Ok(())
}
