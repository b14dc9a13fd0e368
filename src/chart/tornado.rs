//! The tornado: how far P(target) moves when each input is set to its low or high value,
//! others held, on the same random draws. Largest swing at the top.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::draw_mesh;
use super::frame::{Frame, draw_frame};
use super::legend::{draw_legend, swatch};
use super::stamp::stamp;
use super::style::size;
use super::{Canvas, Ctx};
use crate::analysis::sensitivity::{Base, TornadoRow};
use crate::format::{money_short, percent, probability_decimals};
use crate::scenario::parameters::show_value;
use crate::stats::Z95;

/// Bars shown at most; the rest are named in the subtitle.
pub const MAX_ROWS: usize = 12;

/// What the tornado chart draws.
#[derive(Debug, Clone)]
pub struct TornadoChart {
    pub scenario: String,
    pub scenario_name: String,
    pub seed: u64,
    pub paths: usize,
    pub base: Base,
    pub rows: Vec<TornadoRow>,
}

pub fn draw<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    data: &TornadoChart,
    runs: &[crate::sim::Projection],
) -> Result<()> {
    let st = ctx.st;
    let pal = &st.palette;
    let t = &data.base.target;
    let goal = format!("{} in {}", money_short(t.revenue), t.year);
    // As many rows as the height holds with both end labels clear of each other: the two
    // labels of a row sit a bar's width apart (0.32 of the row), and may share a side.
    let (label_h, avail_h) = (
        st.text_size(size::LEGEND * 0.85),
        f64::from(root.dim_in_pixel().1) * 0.55,
    );
    let fit = ((avail_h / (label_h / 0.32)).floor() as usize).clamp(3, MAX_ROWS);
    // Inputs that act only after the target year change no path by then: named in the
    // subtitle, not drawn as empty rows.
    let moving: Vec<&TornadoRow> = data.rows.iter().filter(|r| r.moves()).collect();
    let later = data.rows.len() - moving.len();
    let rows = &moving[..moving.len().min(fit)];
    let more = moving.len() - rows.len();
    let mut subtitle = format!(
        "Change in P(revenue ≥ {goal}) from {} when one input is set to its low or high value, others held; {} per run on the same random draws.",
        percent(t.probability, probability_decimals(t.std_error)),
        crate::format::count(data.paths, "path")
    );
    if more > 0 {
        subtitle.push_str(&format!(" {more} smaller swings not shown."));
    }
    if later > 0 {
        subtitle.push_str(&format!(
            " {} changing no path by {} not shown.",
            crate::format::count(later, "input"),
            t.year
        ));
    }
    let frame = Frame {
        title: ctx.title_or(format!(
            "What moves the odds of {goal} — {}",
            data.scenario_name
        )),
        subtitle,
        // The base run's stamp: scenario (with its file and edits), seed, paths.
        note: None,
        footer: stamp(runs, ctx.date),
    };
    let area = draw_frame(root, st, &frame)?;
    let pts = |x: f64| x * 100.0;
    let ends = rows
        .iter()
        .flat_map(|r| [&r.low, &r.high])
        .map(|e| {
            pts(e.delta_probability.difference).abs() + pts(Z95 * e.delta_probability.std_error)
        })
        .fold(0.0_f64, f64::max)
        .max(0.5);
    // Room either side for the value labels at the bar ends.
    let span = ends * 1.3;
    let n = rows.len().max(1) as f64;
    // Room on the left for the --set keys.
    let key_w = rows
        .iter()
        .map(|r| r.key.chars().count())
        .max()
        .unwrap_or(10)
        .max(10) as f64;
    // Room below the bars for the legend, so it never covers a bar or its value.
    let entry = f64::from(st.px(34.0)).max(st.text_size(size::LEGEND) * 1.8);
    let legend_h = 3.0 * entry + f64::from(2 * st.px(16.0));
    let plot_h = f64::from(area.dim_in_pixel().1) - f64::from(st.text_px(64.0) + st.px(8.0));
    let extra = legend_h * n / (plot_h - legend_h).max(1.0);
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(st.text_px(64.0))
        .y_label_area_size(
            st.text_px(12.0 * key_w)
                .min(area.dim_in_pixel().0 as i32 / 2),
        )
        .margin_top(st.px(8.0))
        .margin_right(st.px(16.0))
        .build_cartesian_2d(-span..span, 0.0..n + extra)?;
    let x_fmt = |v: &f64| {
        if v.abs() < 1e-9 {
            "0".to_string()
        } else if (v - v.round()).abs() < 1e-9 {
            // Whole points read as "+40", not "+40.0".
            crate::format::signed(*v, 0)
        } else {
            crate::format::signed(*v, 1)
        }
    };
    let y_fmt = |_: &f64| String::new();
    draw_mesh(
        &mut chart,
        st,
        &format!("Change in P(revenue ≥ {goal}), percentage points"),
        "",
        &x_fmt,
        &y_fmt,
        9,
        0,
    )?;
    let (low_c, high_c) = (pal.series[0], pal.series[1]);
    let bar = 0.32;
    for (i, r) in rows.iter().enumerate() {
        let y = n + extra - i as f64 - 0.5;
        for (end, color, dy) in [(&r.low, low_c, bar / 2.0), (&r.high, high_c, -bar / 2.0)] {
            let x = pts(end.delta_probability.difference);
            let y0 = y + dy - bar / 2.0;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y0), (x, y0 + bar)],
                color.filled(),
            )))?;
            // The 95 % Monte Carlo error at the bar's end.
            let hw = pts(Z95 * end.delta_probability.std_error);
            let ym = y0 + bar / 2.0;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x - hw, ym), (x + hw, ym)],
                pal.text.stroke_width(st.line(2.0)),
            )))?;
            // The value at this end, outside the bar.
            let (px, py) = chart.backend_coord(&(x, ym));
            let plot = chart.plotting_area().strip_coord_spec();
            let (ax, ay) = plot.get_base_pixel();
            let right = x >= 0.0;
            let gap = st.px(8.0) + (hw.abs() / (2.0 * span) * plot.dim_in_pixel().0 as f64) as i32;
            plot.draw_text(
                &show_value(r.kind, end.value),
                &st.font(size::LEGEND * 0.85, pal.muted).pos(Pos::new(
                    if right { HPos::Left } else { HPos::Right },
                    VPos::Center,
                )),
                (px - ax + if right { gap } else { -gap }, py - ay),
            )?;
        }
        // The key on the left, in the label area.
        let (px, py) = chart.backend_coord(&(-span, y));
        let (ax, ay) = area.get_base_pixel();
        area.draw_text(
            &r.key,
            &st.font(size::TICK, pal.text)
                .pos(Pos::new(HPos::Right, VPos::Center)),
            (px - ax - st.px(10.0), py - ay),
        )?;
    }
    // The base: no change.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, extra), (0.0, n + extra)],
        pal.axis.stroke_width(st.line(1.5)),
    )))?;
    // Legend entries.
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
        .label("input at its low value")
        .legend(swatch(st, low_c));
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
        .label("input at its high value")
        .legend(swatch(st, high_c));
    chart
        .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())?
        .label("95% Monte Carlo error (paired)")
        .legend(super::legend::line_swatch(
            st,
            pal.text.to_rgba(),
            st.line(2.0),
        ));
    draw_legend(&mut chart, st, SeriesLabelPosition::LowerRight)?;
    Ok(())
}
