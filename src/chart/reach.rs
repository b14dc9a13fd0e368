//! Chance of having reached the target by each year: one line per scenario.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::compare::{
    dash_px, draw_dashed, draw_end_labels, draw_line, place_end_labels, series_style,
};
use super::frame::{Frame, draw_frame};
use super::style::size;
use super::{Canvas, Ctx};
use crate::format::money_short;
use crate::sim::Projection;
use crate::stats::first_passage;

pub fn draw<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    runs: &[Projection],
) -> Result<()> {
    let st = ctx.st;
    let pal = &st.palette;
    let first = &runs[0];
    let t = &first.scenario.target;
    let same_target = runs.iter().all(|r| r.scenario.target.revenue == t.revenue);
    let goal = if same_target {
        money_short(t.revenue)
    } else {
        "the target".to_string()
    };
    let frame = Frame {
        title: ctx.title_or(format!("When does UK safety tech revenue reach {goal}?")),
        subtitle: format!(
            "Share of {} that have reached {goal} in or before each year.",
            super::frame::futures(first.paths())
        ),
        note: None,
        footer: ctx.footer(runs, false),
    };
    let area = draw_frame(root, st, &frame)?;
    // Each line is labelled at its end (no legend to cover the lines or the references).
    let labels: Vec<String> = runs
        .iter()
        .map(|run| {
            let t = &run.scenario.target;
            let by_target = first_passage(run)
                .iter()
                .find(|f| f.year == t.year)
                .map(|f| f.probability);
            let mut label = run.scenario.scenario.id.clone();
            if !same_target {
                label.push_str(&format!(" ({})", money_short(t.revenue)));
            }
            match by_target {
                Some(p) => label.push_str(&format!(" {:.0}% by {}", p * 100.0, t.year)),
                None if run.scenario.market.start_revenue >= t.revenue => {
                    label.push_str(" (already)")
                }
                None => {}
            }
            label
        })
        .collect();
    let right = super::compare::end_label_room(root, st, &labels)?;
    let x0 = runs
        .iter()
        .map(|r| r.scenario.market.start_year)
        .min()
        .unwrap_or(t.year);
    let x1 = runs
        .iter()
        .map(|r| r.scenario.market.horizon)
        .max()
        .unwrap_or(t.year);
    let (x0, x1) = super::fan::year_span(st, x0, x1);
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(st.text_px(64.0))
        .y_label_area_size(st.text_px(100.0))
        .margin_top(st.px(8.0))
        .margin_right(right)
        .build_cartesian_2d(x0..x1, 0.0..104.0)?;
    let y_fmt = |v: &f64| format!("{v:.0}%");
    super::axes::draw_year_mesh(
        &mut chart,
        st,
        "Paths that have reached the target (%)",
        &y_fmt,
        6,
    )?;

    // References: an even chance, and the target year.
    let thin = pal.axis.stroke_width(st.line(1.5));
    draw_dashed(&mut chart, st, thin, [(x0, 50.0), (x1, 50.0)], (6.0, 6.0))?;
    let series: Vec<Vec<(i32, f64)>> = runs
        .iter()
        .map(|run| {
            let start = run.scenario.market.start_year;
            let already = if run.scenario.market.start_revenue >= run.scenario.target.revenue {
                100.0
            } else {
                0.0
            };
            std::iter::once((start, already))
                .chain(
                    first_passage(run)
                        .iter()
                        .map(|f| (f.year, f.probability * 100.0)),
                )
                .filter(|p: &(i32, f64)| (x0..=x1).contains(&p.0))
                .collect()
        })
        .collect();
    let lines: Vec<Vec<(i32, i32)>> = series
        .iter()
        .map(|pts| pts.iter().map(|p| chart.backend_coord(p)).collect())
        .collect();
    {
        // Labelled beside the line at whichever end, above or below it, no scenario's line
        // crosses (at the left end every scenario is usually still low, but a fast one can
        // pass 50% within the label's width).
        let text = "50% (even chance)";
        let font = st.font(size::LEGEND * 0.9, pal.muted);
        let (tw, th) = root.estimate_text_size(text, &font)?;
        let (tw, th) = (tw as i32, th as i32);
        let (lx, ly) = chart.backend_coord(&(x0, 50.0));
        let (rx, _) = chart.backend_coord(&(x1, 50.0));
        let (gap, lift) = (st.px(8.0), st.px(6.0));
        let left = lx + gap;
        let right = rx - gap - tw;
        let candidates = [
            (left, ly - lift - th),
            (right, ly - lift - th),
            (left, ly + lift),
            (right, ly + lift),
        ];
        let clear = |&(x, y): &(i32, i32)| {
            let r = super::compare::Rect {
                x0: x,
                x1: x + tw,
                y0: y,
                y1: y + th,
            };
            !lines
                .iter()
                .any(|l| l.windows(2).any(|w| r.meets_segment(w[0], w[1])))
        };
        let (x, y) = candidates
            .iter()
            .copied()
            .find(clear)
            .unwrap_or(candidates[0]);
        let area = chart.plotting_area().strip_coord_spec();
        let (ax, ay) = area.get_base_pixel();
        area.draw_text(
            text,
            &font.pos(Pos::new(HPos::Left, VPos::Top)),
            (x - ax, y - ay),
        )?;
    }
    if (x0..=x1).contains(&t.year) {
        let reference = pal.reference.stroke_width(st.line(2.0));
        draw_dashed(
            &mut chart,
            st,
            reference,
            [(t.year, 0.0), (t.year, 104.0)],
            (12.0, 8.0),
        )?;
        // Labelled at the foot: the lines have climbed away from it there by the target year.
        let (px, py) = chart.backend_coord(&(t.year, 0.0));
        let area = chart.plotting_area().strip_coord_spec();
        let (ax, ay) = area.get_base_pixel();
        let text = format!("target year {}", t.year);
        let font = st.font(size::LEGEND * 0.9, pal.muted);
        let (h, x) = super::legend::beside_line(&area, &text, &font, px - ax, st.px(8.0))?;
        area.draw_text(
            &text,
            &font.pos(Pos::new(h, VPos::Bottom)),
            (x, py - ay - st.px(8.0)),
        )?;
    }

    let ends: Vec<(i32, i32)> = series
        .iter()
        .map(|pts| chart.backend_coord(pts.last().unwrap_or(&(x0, 0.0))))
        .collect();
    let plot = chart.plotting_area().get_pixel_range();
    // The 50% line and the target year's line, kept clear of like the series.
    let mut refs = vec![vec![
        chart.backend_coord(&(x0, 50.0)),
        chart.backend_coord(&(x1, 50.0)),
    ]];
    if (x0..=x1).contains(&t.year) {
        refs.push(vec![
            chart.backend_coord(&(t.year, 0.0)),
            chart.backend_coord(&(t.year, 104.0)),
        ]);
    }
    let places = place_end_labels(root, plot, st, &ends, &labels, &lines, &refs)?;
    let width = st.line(3.0);
    for (i, (run, points)) in runs.iter().zip(&series).enumerate() {
        let (color, dash) = series_style(st, i);
        ctx.begin_group(root, &run.scenario.scenario.id, dash_px(dash, width), width)?;
        draw_line(&mut chart, points.clone(), color, dash, width, ctx.vector)?;
        let r = st.px(4.5);
        chart.draw_series(points.iter().map(|&p| Circle::new(p, r, color.filled())))?;
        ctx.end_group(root)?;
    }
    draw_end_labels(root, ctx, runs, &ends, &places, &labels)?;
    Ok(())
}
