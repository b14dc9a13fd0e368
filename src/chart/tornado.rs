//! The tornado: how far P(target) moves when each input is set to its low or high value,
//! others held, on the same random draws. Largest swing at the top.
//!
//! Rows share the plot's full height; each is named in words with its `--set` key in small
//! type under the name; both ends carry the input's value in one format with its units. The
//! legend is a row above the plot, never over a bar.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::draw_mesh;
use super::frame::{Frame, draw_frame};
use super::legend::{LegendEntry, legend_above};
use super::style::size;
use super::{Canvas, Ctx};
use crate::analysis::sensitivity::{Base, SETTLED_HALF_WIDTH, TornadoRow};
use crate::format::{money_short, percent, probability_decimals};
use crate::scenario::Scenario;
use crate::scenario::parameters::Kind;
use crate::stats::Z95;

/// Bars shown at most; the rest are named in the subtitle.
pub const MAX_ROWS: usize = 12;

/// What the tornado chart draws.
#[derive(Debug, Clone)]
pub struct TornadoChart {
    pub scenario: String,
    pub scenario_name: String,
    pub seed: u64,
    /// Paths of the base run and of the largest rows' runs.
    pub paths: usize,
    /// Paths of the smallest rows' runs: fewer than `paths` where rows stopped once their ΔPs
    /// were known to within ±[`SETTLED_HALF_WIDTH`] (the view's Drivers tab).
    pub fewest_paths: usize,
    pub base: Base,
    pub rows: Vec<TornadoRow>,
}

/// A row's name in words ("Long-run growth", "Growth uplift, osa firm"); its `--set` key is
/// printed under it.
pub fn row_name(key: &str, scenario: Option<&Scenario>) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["growth", field] => match *field {
            "initial" => "Growth now",
            "initial_uncertainty" => "Spread of growth now",
            "long_run" => "Long-run growth",
            "reversion" => "Speed of reversion",
            "volatility" => "Volatility",
            "persistence" => "Persistence of shocks",
            "capacity" => "Market capacity",
            other => other,
        }
        .to_string(),
        ["events", event, outcome, field] => {
            let event = scenario
                .and_then(|s| s.events.iter().find(|e| e.id == *event))
                .map_or(*event, |e| e.id.as_str());
            match *field {
                "probability" => format!("Chance of {event} {outcome}"),
                "growth_uplift" => format!("Growth uplift, {event} {outcome}"),
                "level_shock" => format!("Level shock, {event} {outcome}"),
                "volatility_multiplier" => format!("Volatility ×, {event} {outcome}"),
                other => format!("{other}, {event} {outcome}"),
            }
        }
        _ => key.to_string(),
    }
}

/// An input's value at a bar's end, in one format per kind with its units and a true minus:
/// rates and probabilities to at most one decimal of a percent ("13.8%"), uplifts and spreads
/// in points ("+2.9 pts", "sd 5 pts"; never "±", the Monte Carlo margin's sign), money in £m
/// ("£1,900m"), speeds per year ("0.49 a year").
pub fn end_value(kind: Kind, v: f64) -> String {
    let num = |x: f64, d: usize| {
        let s = format!("{x:.d$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        if s == "-0" {
            "0".to_string()
        } else {
            s.replace('-', "−")
        }
    };
    let sign = |x: f64| if x > 0.0 { "+" } else { "" };
    match kind {
        Kind::Rate | Kind::Volatility | Kind::Probability => format!("{}%", num(v * 100.0, 1)),
        Kind::LevelShock => format!("{}{}%", sign(v), num(v * 100.0, 1)),
        Kind::Uncertainty => format!("sd {} pts", num(v * 100.0, 1)),
        Kind::Uplift => format!("{}{} pts", sign(v), num(v * 100.0, 1)),
        Kind::Capacity => crate::format::money(v).replace('-', "−"),
        Kind::Reversion => format!("{} a year", num(v, 2)),
        Kind::Persistence | Kind::Other => num(v, 2),
    }
}

pub fn draw<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    data: &TornadoChart,
    run: &crate::sim::Projection,
) -> Result<()> {
    let st = ctx.st;
    let pal = &st.palette;
    let t = &data.base.target;
    let goal = format!("{} in {}", money_short(t.revenue), t.year);
    let value_font = st.font(size::LEGEND * 0.85, pal.muted);
    let name_font = st.font(size::TICK, pal.text);
    let key_font = st.font(size::FOOTER, pal.muted);
    let text_h = |f: &TextStyle| -> Result<i32> { Ok(root.estimate_text_size("Ag", f)?.1 as i32) };
    let (value_h, name_h, key_h) = (
        text_h(&value_font)?,
        text_h(&name_font)?,
        text_h(&key_font)?,
    );
    // Inputs that act only after the target year change no path by then: named in the
    // subtitle, not drawn as empty rows.
    let moving: Vec<&TornadoRow> = data.rows.iter().filter(|r| r.moves()).collect();
    let later = data.rows.len() - moving.len();
    let legend = [
        LegendEntry::Fill(pal.series[0], "input at its low value".to_string()),
        LegendEntry::Fill(pal.series[1], "input at its high value".to_string()),
        LegendEntry::Line(pal.text, "95% Monte Carlo error (paired)".to_string()),
    ];
    // The frame is drawn once the row count is known (the subtitle names what is left out);
    // its height does not depend on the count's words, so measure with a stand-in first.
    let subtitle_for = |shown: usize| {
        let more = moving.len() - shown;
        let per_run = if data.fewest_paths < data.paths {
            format!(
                "{} to {} per run (each row until its ΔPs are within ±{:.2} pts)",
                crate::format::thousands(data.fewest_paths as f64, 0),
                crate::format::count(data.paths, "path"),
                SETTLED_HALF_WIDTH * 100.0
            )
        } else {
            format!("{} per run", crate::format::count(data.paths, "path"))
        };
        let mut s = format!(
            "Change in P(revenue ≥ {goal}) from {} when one input is set to its low or high value, others held; {per_run} on the same random draws.",
            percent(t.probability, probability_decimals(t.std_error)),
        );
        if more > 0 {
            s.push_str(&format!(" {more} smaller swings not shown."));
        }
        if later > 0 {
            s.push_str(&format!(
                " {} changing no path by {} not shown.",
                crate::format::count(later, "input"),
                t.year
            ));
        }
        s
    };
    let frame_for = |shown: usize| Frame {
        title: ctx.title_or(format!(
            "What moves the odds of {goal} — {}",
            data.scenario_name
        )),
        subtitle: subtitle_for(shown),
        note: None,
        footer: ctx.footer(std::slice::from_ref(run), true),
    };
    // Rows: as many as the height holds with the name and key stacked, and both end labels
    // clear of each other where they share a side (they sit a bar's width apart).
    let bar = 0.4;
    let x_area = st.text_px(64.0);
    let row_min = f64::from(name_h + key_h + st.px(6.0)).max(f64::from(value_h + 1) / bar);
    let fit_in = |area: &DrawingArea<DB, Shift>| -> Result<usize> {
        let probe = area.margin(0, 0, 0, 0);
        let legend_h = super::legend::legend_row_height(&probe, st, &legend)?;
        let plot_h = f64::from(area.dim_in_pixel().1) - f64::from(legend_h + x_area + st.px(8.0));
        Ok(((plot_h / row_min).floor() as usize).clamp(1, MAX_ROWS))
    };
    // Measure with the longest subtitle (every row shown or not, the count's words differ by
    // a few characters), then draw for real.
    let probe = root.margin(0, 0, 0, 0);
    let fit = {
        let area = super::frame::layout_frame(&probe, st, &frame_for(0))?;
        fit_in(&area)?
    };
    let rows = &moving[..moving.len().min(fit)];
    let area = draw_frame(root, st, &frame_for(rows.len()))?;
    // Room on the left for the names and keys.
    let mut key_w = 0;
    for r in rows {
        let name = row_name(&r.key, Some(&run.scenario));
        key_w = key_w
            .max(area.estimate_text_size(&name, &name_font)?.0)
            .max(area.estimate_text_size(&r.key, &key_font)?.0);
    }
    let y_area = (key_w as i32 + st.px(18.0)).min(area.dim_in_pixel().0 as i32 / 2);
    // The legend above the plot, from its left edge.
    let area = legend_above(&area, st, &legend, y_area)?;

    let pts = |x: f64| x * 100.0;
    let ends = rows
        .iter()
        .flat_map(|r| [&r.low, &r.high])
        .map(|e| {
            pts(e.delta_probability.difference).abs() + pts(Z95 * e.delta_probability.std_error)
        })
        .fold(0.0_f64, f64::max)
        .max(0.5);
    let n = rows.len().max(1) as f64;
    // Room either side for the value labels at the bar ends: the widest label, in axis units.
    let mut value_w = 0;
    for r in rows {
        for e in [&r.low, &r.high] {
            value_w = value_w.max(
                area.estimate_text_size(&end_value(r.kind, e.value), &value_font)?
                    .0,
            );
        }
    }
    let plot_w = f64::from(area.dim_in_pixel().0) - f64::from(y_area + st.px(16.0));
    let half = plot_w / 2.0;
    let room = f64::from(value_w as i32 + st.px(12.0));
    let span = if half > room * 1.5 {
        ends * half / (half - room)
    } else {
        ends * 3.0
    };
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .margin_top(st.px(8.0))
        .margin_right(st.px(16.0))
        .build_cartesian_2d(-span..span, 0.0..n)?;
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
    let (plot_px_w, _) = chart.plotting_area().dim_in_pixel();
    draw_mesh(
        &mut chart,
        st,
        &format!("Change in P(revenue ≥ {goal}), percentage points"),
        "",
        &x_fmt,
        &y_fmt,
        ((f64::from(plot_px_w) / st.unit / 140.0) as usize).clamp(3, 9),
        0,
    )?;
    let (low_c, high_c) = (pal.series[0], pal.series[1]);
    // Thick bars read as blocks: at most 36 px (at 1600×900) each, centred in the row.
    let row_px = f64::from(chart.plotting_area().dim_in_pixel().1) / n;
    let bar = bar.min(f64::from(st.px(36.0)) / row_px);
    let plot = chart.plotting_area().strip_coord_spec();
    let (ax, ay) = plot.get_base_pixel();
    for (i, r) in rows.iter().enumerate() {
        let y = n - i as f64 - 0.5;
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
            // The value at this end, outside the bar and its error.
            let (px, py) = chart.backend_coord(&(x, ym));
            let right = x >= 0.0;
            let gap = st.px(6.0) + (hw.abs() / (2.0 * span) * f64::from(plot_px_w)) as i32;
            plot.draw_text(
                &end_value(r.kind, end.value),
                &value_font.pos(Pos::new(
                    if right { HPos::Left } else { HPos::Right },
                    VPos::Center,
                )),
                (px - ax + if right { gap } else { -gap }, py - ay),
            )?;
        }
        // The name, and under it the key, on the left in the label area.
        let (px, py) = chart.backend_coord(&(-span, y));
        let (bx, by) = area.get_base_pixel();
        let x = px - bx - st.px(10.0);
        let stack = name_h + key_h;
        let top = py - by - stack / 2;
        area.draw_text(
            &row_name(&r.key, Some(&run.scenario)),
            &name_font.pos(Pos::new(HPos::Right, VPos::Top)),
            (x, top),
        )?;
        area.draw_text(
            &r.key,
            &key_font.pos(Pos::new(HPos::Right, VPos::Top)),
            (x, top + name_h),
        )?;
    }
    // The base: no change.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (0.0, n)],
        pal.axis.stroke_width(st.line(1.5)),
    )))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_named_in_words() {
        assert_eq!(row_name("growth.long_run", None), "Long-run growth");
        assert_eq!(
            row_name("events.osa.firm.growth_uplift", None),
            "Growth uplift, osa firm"
        );
    }

    #[test]
    fn ends_have_one_format_with_units_and_a_true_minus() {
        assert_eq!(end_value(Kind::Rate, 0.138), "13.8%");
        assert_eq!(end_value(Kind::Rate, 0.05), "5%");
        assert_eq!(end_value(Kind::Rate, -0.05), "−5%");
        assert_eq!(end_value(Kind::Uplift, 0.02949), "+2.9 pts");
        assert_eq!(end_value(Kind::Uplift, -0.03), "−3 pts");
        assert_eq!(end_value(Kind::Uncertainty, 0.05), "sd 5 pts");
        assert_eq!(end_value(Kind::Capacity, 6000.0), "£6,000m");
        assert_eq!(end_value(Kind::Reversion, 0.486), "0.49 a year");
        for k in [
            Kind::Rate,
            Kind::Uplift,
            Kind::Uncertainty,
            Kind::LevelShock,
        ] {
            assert!(!end_value(k, -0.1).contains(['-', '±']), "{k:?}");
        }
    }
}
