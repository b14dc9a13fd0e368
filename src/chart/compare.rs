//! Several scenarios on one chart: each one's median, labelled directly at its end with the
//! chance of meeting the target; 5–95% bands only while they can be told apart (two scenarios
//! at most). Colours and dashes come from the table shared with the TUI.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::fan::{YearChart, draw_forecast_start, draw_history, year_chart_with};
use super::fan_series::FanSeries;
use super::frame::{Frame, draw_frame, futures};
use super::style::{Style, size};
use super::{Canvas, Ctx};
use crate::format::{money_short, percent, percent_points};
use crate::series_style::SeriesStyle;

/// A line's dash and gap in units of its width; none for a solid line.
pub type Pattern = Option<(f64, f64)>;
use crate::sim::Projection;
use crate::stats::target_probability;

/// Scenarios up to which the 5–95% bands are drawn by default, and drawn filled: with more,
/// overlapping tints turn to mud, so `--bands` draws their edges only.
pub const MAX_BANDS: usize = 2;

pub fn draw<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    runs: &[Projection],
) -> Result<()> {
    let st = ctx.st;
    let first = &runs[0];
    let fans: Vec<FanSeries> = runs
        .iter()
        .map(|r| FanSeries::of(r).clipped(ctx.st.years))
        .collect();
    let probs: Vec<_> = runs.iter().map(target_probability).collect();
    let bands = st.bands.unwrap_or(runs.len() <= MAX_BANDS);
    // Filled bands only while they can be told apart; from three on, outlines.
    let outlined = runs.len() > MAX_BANDS;
    let t = &first.scenario.target;
    let same_target = runs
        .iter()
        .all(|r| r.scenario.target.revenue == t.revenue && r.scenario.target.year == t.year);
    let goal = if same_target {
        format!("≥ {} in {}", money_short(t.revenue), t.year)
    } else {
        "each scenario's target".to_string()
    };
    let margin = probs.iter().map(|p| p.margin95()).fold(0.0_f64, f64::max);
    let frame = Frame {
        title: ctx.title_or(if runs.len() == 1 {
            format!("UK safety tech revenue: {}", first.scenario.scenario.name)
        } else {
            "UK safety tech revenue under different scenarios".to_string()
        }),
        subtitle: format!(
            "Median{} of {} per scenario, on the same random draws; dots: published revenue. \
             At the line ends: chance of {goal} (Monte Carlo ±{} pts at most).",
            match (bands, outlined) {
                (false, _) => "",
                (true, false) => " and 5–95% band",
                (true, true) => " and 5–95% band (its edges, in the median's colour and dash)",
            },
            futures(first.paths()),
            percent_points(margin)
        ),
        note: None,
        footer: ctx.footer(runs, true),
    };
    let area = draw_frame(root, st, &frame)?;
    let extent_of = |f: &FanSeries| {
        if bands {
            f.extent()
        } else {
            let m = f.line(3);
            let lo = m
                .iter()
                .map(|p| p.1)
                .filter(|v| v.is_finite() && *v > 0.0)
                .fold(f64::INFINITY, f64::min);
            (lo, super::fan_series::finite_max(m.iter().map(|p| p.1)))
        }
    };
    let extent = fans
        .iter()
        .map(extent_of)
        .fold((f64::INFINITY, 0.0_f64), |(a, b), (lo, hi)| {
            (a.min(lo), b.max(hi))
        });
    let styles: Vec<(RGBColor, Pattern)> = (0..runs.len()).map(|i| series_style(st, i)).collect();
    let labels: Vec<String> = runs
        .iter()
        .zip(&probs)
        .map(|(r, p)| format!("{} {}", r.scenario.scenario.id, percent(p.probability, 0)))
        .collect();
    let right = end_label_room(root, st, &labels)?;
    let mut chart = year_chart_with(&area, st, widest_run(runs), extent, right)?;

    if bands && !outlined {
        for ((fan, &(color, _)), run) in fans.iter().zip(&styles).zip(runs) {
            ctx.begin_group(root, &format!("{}-band", run.scenario.scenario.id), None, 0)?;
            chart.draw_series(std::iter::once(Polygon::new(
                fan.band(0, 6),
                color.mix(0.16).filled(),
            )))?;
            for k in [0, 6] {
                chart.draw_series(std::iter::once(PathElement::new(
                    fan.line(k),
                    color.mix(0.6).stroke_width(st.line(1.0)),
                )))?;
            }
            ctx.end_group(root)?;
        }
    }
    if bands && outlined {
        // Three or more tints overlap into grey: each band is its two edges only, in its
        // series' colour and dash, thinner than its median.
        let edge = st.line(1.0);
        for ((fan, &(color, dash)), run) in fans.iter().zip(&styles).zip(runs) {
            ctx.begin_group(
                root,
                &format!("{}-band", run.scenario.scenario.id),
                dash_px(dash, edge),
                edge,
            )?;
            for k in [0, 6] {
                draw_line(&mut chart, fan.line(k), color, dash, edge, ctx.vector)?;
            }
            ctx.end_group(root)?;
        }
    }
    draw_forecast_start(&mut chart, st, first)?;
    let width = st.line(3.0);
    let ends: Vec<(i32, i32)> = fans
        .iter()
        .map(|f| {
            let (&y, &v) = (
                f.years.last().unwrap_or(&0),
                f.lines[3].last().unwrap_or(&1.0),
            );
            chart.backend_coord(&(y, v))
        })
        .collect();
    let plot = chart.plotting_area().get_pixel_range();
    let lines: Vec<Vec<(i32, i32)>> = fans
        .iter()
        .map(|f| f.line(3).iter().map(|p| chart.backend_coord(p)).collect())
        .collect();
    // Reference lines the labels and leaders keep clear of: each target, the forecast divider.
    let (x_lo, x_hi) = (chart.x_range().start, chart.x_range().end);
    let (y_lo, y_hi) = (chart.y_range().start, chart.y_range().end);
    let mut refs: Vec<Vec<(i32, i32)>> = runs
        .iter()
        .map(|r| r.scenario.target.revenue)
        .map(|v| {
            vec![
                chart.backend_coord(&(x_lo, v)),
                chart.backend_coord(&(x_hi, v)),
            ]
        })
        .collect();
    let divider = first.scenario.market.start_year;
    if (x_lo..=x_hi).contains(&divider) {
        refs.push(vec![
            chart.backend_coord(&(divider, y_lo)),
            chart.backend_coord(&(divider, y_hi)),
        ]);
    }
    let places = place_end_labels(root, plot, st, &ends, &labels, &lines, &refs)?;
    // One SVG group per scenario for its median, then one for its leader, swatch and label:
    // every label drawn after every line, so a label's halo hides the lines under it.
    for (i, (fan, &(color, dash))) in fans.iter().zip(&styles).enumerate() {
        let id = &runs[i].scenario.scenario.id;
        ctx.begin_group(root, id, dash_px(dash, width), width)?;
        draw_line(&mut chart, fan.line(3), color, dash, width, ctx.vector)?;
        ctx.end_group(root)?;
    }
    draw_end_labels(root, ctx, runs, &ends, &places, &labels)?;
    draw_history(&mut chart, st, first)?;
    draw_targets(&mut chart, st, runs)?;
    Ok(())
}

/// A line, solid or with the table's dash pattern scaled to its width.
pub fn draw_line<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    points: Vec<(X::ValueType, Y::ValueType)>,
    color: RGBColor,
    dash: Pattern,
    width: u32,
    native_dash: bool,
) -> Result<()>
where
    DB: Canvas,
    X: Ranged<ValueType: Clone + 'static>,
    Y: Ranged<ValueType: Clone + 'static>,
{
    let style = color.stroke_width(width);
    match dash_px(dash, width).filter(|_| !native_dash) {
        None => {
            chart.draw_series(LineSeries::new(points, style))?;
        }
        Some((on, off)) => {
            chart.draw_series(DashedLineSeries::new(points, on, off, style))?;
        }
    }
    Ok(())
}

/// A dashed straight line in `style` from `from` to `to`, its dashes and gaps `(dash, gap)`
/// reference pixels long: the reference lines (target, zero, even chance, start of forecast).
pub fn draw_dashed<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    st: &Style,
    style: ShapeStyle,
    [from, to]: [(X::ValueType, Y::ValueType); 2],
    (dash, gap): (f64, f64),
) -> Result<()>
where
    DB: Canvas,
    X: Ranged<ValueType: Clone + 'static>,
    Y: Ranged<ValueType: Clone + 'static>,
{
    chart.draw_series(DashedLineSeries::new(
        vec![from, to],
        st.px(dash),
        st.px(gap),
        style,
    ))?;
    Ok(())
}

/// Where each line's label goes (left end of its swatch), given the lines' last points (`ends`,
/// in pixels), the labels and every line's points (`lines`, in pixels). Lines that end at the
/// plot's right edge are labelled in the margin, level with their ends where there is room and
/// pushed apart where there is not. A scenario with an earlier horizon is labelled just after
/// its own end, inside the plot: level with it if no other line or label runs there, else as
/// close above or below as is clear, with its leader crossing no other line. `plot` is the
/// plot's pixel rectangle: x range, y range. `refs`: reference lines drawn in the plot (targets,
/// dividers), kept clear of like the series' lines.
pub fn place_end_labels<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    plot: (std::ops::Range<i32>, std::ops::Range<i32>),
    st: &Style,
    ends: &[(i32, i32)],
    labels: &[String],
    lines: &[Vec<(i32, i32)>],
    refs: &[Vec<(i32, i32)>],
) -> Result<Vec<Place>> {
    let gap = st.px(8.0);
    let style = st.font(size::LEGEND, st.palette.text);
    let line_h = root.estimate_text_size("Ag", &style)?.1 as i32 + st.px(3.0);
    let (top, bottom) = (plot.1.start + line_h / 2, plot.1.end - line_h / 2);
    let x_end = plot.0.end;
    let mut at = vec![
        Place {
            at: (0, 0),
            halo: false
        };
        ends.len()
    ];
    let in_margin: Vec<usize> = (0..ends.len())
        .filter(|&i| ends[i].0 >= x_end - 1)
        .collect();
    let mut order = in_margin.clone();
    order.sort_by_key(|&i| (ends[i].1, i));
    let ys = spread(
        &order.iter().map(|&i| ends[i].1).collect::<Vec<_>>(),
        top,
        bottom,
        line_h,
    );
    for (k, &i) in order.iter().enumerate() {
        at[i].at = (x_end + gap, ys[k]);
    }
    // Inside the plot: scenarios with an earlier horizon, labelled just after their ends.
    // Lines ending at the same x make one column, in the order of their ends (so leaders never
    // cross) and as close to them as the text allows; the column moves up or down as a block,
    // by the least that clears the other lines, and no further than three lines.
    let mut taken: Vec<Rect> = Vec::new();
    let clearance = st.line(3.0) as i32 / 2 + st.px(2.0);
    let mut inside: Vec<usize> = (0..ends.len()).filter(|i| !in_margin.contains(i)).collect();
    inside.sort_by_key(|&i| (ends[i].0, ends[i].1, i));
    let mut columns: Vec<Vec<usize>> = Vec::new();
    for i in inside {
        match columns.last_mut() {
            Some(c) if (ends[c[0]].0 - ends[i].0).abs() <= st.px(2.0) => c.push(i),
            _ => columns.push(vec![i]),
        }
    }
    for column in columns {
        let x = ends[column[0]].0 + gap;
        let mut widths = Vec::new();
        for &i in &column {
            widths.push(
                st.px(30.0) + st.px(6.0) + root.estimate_text_size(&labels[i], &style)?.0 as i32,
            );
        }
        let rect_at = |k: usize, y: i32, pad: i32| Rect {
            x0: x - clearance,
            x1: x + widths[k] + clearance,
            y0: y - line_h / 2 - pad,
            y1: y + line_h / 2 + pad,
        };
        let wanted: Vec<i32> = column.iter().map(|&i| ends[i].1).collect();
        let base = spread(&wanted, top, bottom, line_h);
        let fits = |d: i32| base.iter().all(|y| (top..=bottom).contains(&(y + d)));
        let free = |d: i32| {
            fits(d)
                && base.iter().enumerate().all(|(k, y)| {
                    let r = rect_at(k, y + d, 0);
                    !taken.iter().any(|t| t.overlaps(&r))
                })
        };
        let clear = |d: i32| {
            base.iter().enumerate().all(|(k, y)| {
                let r = rect_at(k, y + d, clearance);
                !lines
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != column[k])
                    .map(|(_, l)| l)
                    .chain(refs)
                    .any(|l| l.windows(2).any(|w| r.meets_segment(w[0], w[1])))
            })
        };
        let offsets: Vec<i32> = (0..=12)
            .map(|k| {
                let step = (k + 1) / 2 * line_h / 4;
                if k % 2 == 1 { -step } else { step }
            })
            .collect();
        // Where no offset is clear, the nearest free one, its text on a halo of the background
        // so the lines passing under it do not strike it through.
        let (d, halo) = match offsets.iter().copied().find(|&d| free(d) && clear(d)) {
            Some(d) => (d, false),
            None => (
                offsets.iter().copied().find(|&d| free(d)).unwrap_or(0),
                true,
            ),
        };
        for (k, &i) in column.iter().enumerate() {
            let y = base[k] + d;
            taken.push(rect_at(k, y, 0));
            at[i] = Place { at: (x, y), halo };
        }
    }
    Ok(at)
}

/// Whether two segments cross at a point inside both (touching at an end does not count: a
/// leader starts on its own line's end, where others may meet it).
pub fn segments_cross((a, b): ((i32, i32), (i32, i32)), (c, d): ((i32, i32), (i32, i32))) -> bool {
    let side = |p: (i32, i32), q: (i32, i32), r: (i32, i32)| {
        let v = i64::from(q.0 - p.0) * i64::from(r.1 - p.1)
            - i64::from(q.1 - p.1) * i64::from(r.0 - p.0);
        v.signum()
    };
    let (d1, d2) = (side(c, d, a), side(c, d, b));
    let (d3, d4) = (side(a, b, c), side(a, b, d));
    d1 * d2 < 0 && d3 * d4 < 0
}

/// Where a line's label goes (the left end of its swatch), and whether its text needs a halo
/// of the background because lines pass under it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub at: (i32, i32),
    pub halo: bool,
}

/// A label's box in pixels.
pub(super) struct Rect {
    pub x0: i32,
    pub x1: i32,
    pub y0: i32,
    pub y1: i32,
}

impl Rect {
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether the segment from `a` to `b` passes through the box (checked every pixel along it).
    pub fn meets_segment(&self, a: (i32, i32), b: (i32, i32)) -> bool {
        let n = (b.0 - a.0).abs().max((b.1 - a.1).abs()).max(1);
        (0..=n).any(|k| {
            let x = a.0 + (b.0 - a.0) * k / n;
            let y = a.1 + (b.1 - a.1) * k / n;
            (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
        })
    }
}

/// One line's label: a hairline leader from its end in the neutral axis colour (in the series'
/// colour and near its width it read as the line jumping in its last year), a swatch in the
/// series' colour and dash, the text.
/// In SVG the swatch is drawn solid, as the group's dash array applies.
pub fn draw_end_label<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    end: (i32, i32),
    place: Place,
    (color, dash): (RGBColor, Pattern),
    label: &str,
) -> Result<()> {
    let (x, y) = place.at;
    let st = ctx.st;
    let swatch_w = st.px(30.0);
    let style = st.font(size::LEGEND, st.palette.text);
    root.draw(&PathElement::new(
        vec![end, (x, y)],
        st.palette.axis.stroke_width(st.hairline()),
    ))?;
    let width = st.line(3.0);
    let swatch = vec![(x, y), (x + swatch_w, y)];
    match dash_px(dash, width).filter(|_| !ctx.vector) {
        None => root.draw(&PathElement::new(swatch, color.stroke_width(width)))?,
        Some((on, off)) => root.draw(&plotters::element::DashedPathElement::new(
            swatch,
            on as i32,
            off as i32,
            color.stroke_width(width),
        ))?,
    }
    let text_x = x + swatch_w + st.px(6.0);
    root.draw_text(
        label,
        &style.pos(Pos::new(HPos::Left, VPos::Center)),
        (text_x, y),
    )?;
    Ok(())
}

/// Every line's label, each in an SVG group `<id>-label` with its series' dash.
pub fn draw_end_labels<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    runs: &[Projection],
    ends: &[(i32, i32)],
    places: &[Place],
    labels: &[String],
) -> Result<()> {
    let st = ctx.st;
    // Halos first, every one under every label's text: a halo reaches a little past its
    // text's box, and must not clip a neighbour's descenders.
    let style = st.font(size::LEGEND, st.palette.text);
    for (i, run) in runs.iter().enumerate().filter(|&(i, _)| places[i].halo) {
        let (x, y) = places[i].at;
        let text_x = x + st.px(30.0) + st.px(6.0);
        let (w, h) = root.estimate_text_size(&labels[i], &style)?;
        let pad = st.px(2.0).max(2);
        ctx.begin_group(root, &format!("{}-halo", run.scenario.scenario.id), None, 0)?;
        root.draw(&Rectangle::new(
            [
                (text_x - pad, y - h as i32 / 2 - pad),
                (text_x + w as i32 + pad, y + h as i32 / 2 + pad),
            ],
            st.palette.background.filled(),
        ))?;
        ctx.end_group(root)?;
    }
    let width = st.line(3.0);
    for (i, run) in runs.iter().enumerate() {
        let (color, dash) = series_style(st, i);
        let id = format!("{}-label", run.scenario.scenario.id);
        ctx.begin_group(root, &id, dash_px(dash, width), width)?;
        draw_end_label(root, ctx, ends[i], places[i], (color, dash), &labels[i])?;
        ctx.end_group(root)?;
    }
    Ok(())
}

/// Dash and gap in pixels for a line `width` pixels wide.
pub fn dash_px(dash: Pattern, width: u32) -> Option<(u32, u32)> {
    let w = f64::from(width);
    dash.map(|(on, off)| {
        (
            ((on * w).round() as u32).max(1),
            ((off * w).round() as u32).max(1),
        )
    })
}

/// Room to keep right of the plot for [`draw_end_label`].
pub fn end_label_room<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    labels: &[String],
) -> Result<i32> {
    let style = st.font(size::LEGEND, st.palette.text);
    let mut widest = 0;
    for l in labels {
        widest = widest.max(root.estimate_text_size(l, &style)?.0 as i32);
    }
    Ok(2 * st.px(8.0) + st.px(30.0) + widest + st.px(6.0))
}

/// Label centres for lines ending at `wanted` (sorted top to bottom): in the same order, at
/// least `step` apart, each run of labels that must stack centred on its lines' ends (it was
/// only pushed down, so a bunch of twelve hung below its lines), within `top..=bottom` while
/// they fit.
fn spread(wanted: &[i32], top: i32, bottom: i32, step: i32) -> Vec<i32> {
    // Clusters of labels stacked `step` apart: (first index, count, first label's centre).
    let mut clusters: Vec<(usize, usize, f64)> = Vec::new();
    for (k, &w) in wanted.iter().enumerate() {
        clusters.push((k, 1, f64::from(w)));
        while clusters.len() >= 2 {
            let (b0, bn, by) = clusters[clusters.len() - 1];
            let (a0, an, ay) = clusters[clusters.len() - 2];
            if by >= ay + (an as f64) * f64::from(step) {
                break;
            }
            clusters.truncate(clusters.len() - 2);
            let n = an + bn;
            let first = (a0..a0 + n)
                .map(|i| f64::from(wanted[i]) - ((i - a0) as f64) * f64::from(step))
                .sum::<f64>()
                / n as f64;
            let _ = (b0, by);
            clusters.push((a0, n, first));
        }
    }
    let mut ys: Vec<i32> = Vec::with_capacity(wanted.len());
    for (start, n, first) in clusters {
        for i in 0..n {
            ys.push((first + (i as f64) * f64::from(step)).round() as i32);
        }
        let _ = start;
    }
    if let Some(y) = ys.first_mut() {
        *y = (*y).max(top);
    }
    for k in 1..ys.len() {
        ys[k] = ys[k].max(ys[k - 1] + step);
    }
    if let Some(&last) = ys.last()
        && last > bottom
    {
        let shift = last - bottom;
        for y in &mut ys {
            *y -= shift;
        }
        for k in (0..ys.len().saturating_sub(1)).rev() {
            ys[k] = ys[k].min(ys[k + 1] - step);
        }
    }
    ys
}

/// The run whose history and horizon span the most years, so every scenario fits on the axes.
fn widest_run(runs: &[Projection]) -> &Projection {
    runs.iter()
        .max_by_key(|r| {
            r.scenario.market.horizon - r.scenario.market.history.first().map_or(0, |h| h.0)
        })
        .unwrap_or(&runs[0])
}

/// Colour and dash pattern of the i-th scenario, from the table shared with the TUI.
pub fn series_style(st: &Style, i: usize) -> (RGBColor, Pattern) {
    let style: SeriesStyle = crate::series_style::series(i, false);
    (
        st.palette.series[i % st.palette.series.len()],
        style.pattern(),
    )
}

/// Each distinct target as a neutral dashed line, labelled above its left end.
fn draw_targets<DB: Canvas>(
    chart: &mut YearChart<DB>,
    st: &Style,
    runs: &[Projection],
) -> Result<()> {
    let mut seen: Vec<(f64, i32)> = Vec::new();
    for run in runs {
        let t = (run.scenario.target.revenue, run.scenario.target.year);
        if !seen.contains(&t) {
            seen.push(t);
            super::fan::draw_target(chart, st, run, st.palette.reference)?;
            let x0 = chart.x_range().start;
            let (px, py) = chart.backend_coord(&(x0, t.0));
            let area = chart.plotting_area().strip_coord_spec();
            let (ax, ay) = area.get_base_pixel();
            area.draw_text(
                &format!("target {} in {}", money_short(t.0), t.1),
                &st.font(size::LEGEND * 0.9, st.palette.muted)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
                (px - ax + st.px(8.0), py - ay - st.px(6.0)),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{segments_cross, spread};

    #[test]
    fn segments_cross_only_inside_both() {
        assert!(segments_cross(((0, 0), (10, 10)), ((0, 10), (10, 0))));
        assert!(!segments_cross(((0, 0), (10, 10)), ((20, 0), (30, 10))));
        // Meeting at an end is not crossing.
        assert!(!segments_cross(((0, 0), (10, 10)), ((10, 10), (20, 0))));
    }

    #[test]
    fn labels_are_spread_apart_inside_the_plot() {
        assert_eq!(spread(&[10, 50], 0, 100, 12), vec![10, 50]);
        // A bunch is centred on its ends, not hung below them.
        assert_eq!(spread(&[10, 12, 14], 0, 100, 12), vec![0, 12, 24]);
        assert_eq!(spread(&[40, 41, 42], 0, 100, 12), vec![29, 41, 53]);
        assert_eq!(spread(&[95, 96, 97], 0, 100, 12), vec![76, 88, 100]);
        assert_eq!(spread(&[-5], 0, 100, 12), vec![0]);
    }
}
