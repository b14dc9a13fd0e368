//! Fan chart: published history, graduated percentile bands, median, target and the chance of
//! meeting it.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordi32;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{RevenueAxis, money_axis_tick};
use super::fan_series::FanSeries;
use super::frame::{Frame, draw_frame, futures, note_of};
use super::legend::{LegendEntry, dashed_swatch, draw_legend, legend_above, line_swatch, swatch};
use super::style::{Style, size};
use super::{Canvas, Ctx};
use crate::format::money_short;
use crate::sim::Projection;

/// Years across, revenue up, on a log scale by default: growth is multiplicative, so equal
/// heights mean equal growth rates, and the published history stays readable next to a wide
/// 2035 fan. `--y-scale linear` gives a linear axis from £0.
pub type YearChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordi32, RevenueAxis>>;

/// Band percentile pairs (indices into the fan lines), outermost first, with their legend text.
pub const BANDS: [(usize, usize, &str); 3] =
    [(0, 6, "5–95% of paths"), (1, 5, "10–90%"), (2, 4, "25–75%")];

pub fn draw<DB: Canvas>(root: &DrawingArea<DB, Shift>, ctx: &Ctx, p: &Projection) -> Result<()> {
    // Laid out once without pixels: where no spot in the plot is clear for the legend box (at
    // 640×360 in the classroom theme every one covered the target or the fan), the legend
    // goes in a row above the plot instead.
    let (w, h) = root.dim_in_pixel();
    let probe = super::backend::Recorder {
        layout: std::rc::Rc::new(std::cell::RefCell::new(super::backend::Layout {
            size: (w, h),
            ..Default::default()
        })),
    }
    .into_drawing_area();
    let clear = draw_with(&probe, ctx, p, false)?;
    draw_with(root, ctx, p, !clear)?;
    Ok(())
}

/// The fan with its legend in the plot, or in a row above it when `row`; returns whether the
/// legend box in the plot covered nothing.
fn draw_with<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    ctx: &Ctx,
    p: &Projection,
    row: bool,
) -> Result<bool> {
    let st = ctx.st;
    let fan = FanSeries::of(p).clipped(ctx.st.years);
    let frame = Frame {
        title: ctx.title_or(format!(
            "UK safety tech revenue: {}",
            p.scenario.scenario.name
        )),
        subtitle: format!(
            "Published revenue to {}, then {}. Bands hold the middle 50%, 80% and 90% of paths.",
            p.scenario.market.start_year,
            futures(p.paths())
        ),
        note: Some(note_of(p)),
        footer: ctx.footer(std::slice::from_ref(p), true),
    };
    let area = draw_frame(root, st, &frame)?;
    let area = if row {
        let t = &p.scenario.target;
        let mut entries: Vec<LegendEntry> = BANDS
            .iter()
            .enumerate()
            .map(|(k, b)| LegendEntry::Fill(st.palette.bands[k], b.2.to_string()))
            .collect();
        entries.push(LegendEntry::Line(st.palette.median, "Median".to_string()));
        entries.push(LegendEntry::Line(
            st.palette.history,
            "Published revenue".to_string(),
        ));
        entries.push(LegendEntry::Dashed(
            st.palette.reference,
            format!("Target: {} in {}", money_short(t.revenue), t.year),
        ));
        legend_above(&area, st, &entries, st.text_px(118.0))?
    } else {
        area
    };
    let mut chart = year_chart(&area, st, p, fan.extent())?;

    // In SVG, the scenario's bands and median are one group.
    ctx.begin_group(root, &p.scenario.scenario.id, None, 0)?;
    for (k, (lo, hi, label)) in BANDS.iter().enumerate() {
        let color = st.palette.bands[k];
        chart
            .draw_series(std::iter::once(Polygon::new(
                fan.band(*lo, *hi),
                color.filled(),
            )))?
            .label(*label)
            .legend(swatch(st, color));
    }
    // The outer band's edges, so it still shows in greyscale print.
    for k in [0, 6] {
        chart.draw_series(std::iter::once(PathElement::new(
            fan.line(k),
            st.palette.bands[2].stroke_width(st.line(1.0)),
        )))?;
    }
    draw_median(&mut chart, st, &fan)?;
    ctx.end_group(root)?;
    draw_forecast_start(&mut chart, st, p)?;
    draw_history(&mut chart, st, p)?;
    draw_target(&mut chart, st, p, st.palette.target)?;
    if row {
        return Ok(false);
    }
    let (spot, clear) = legend_spot(&chart, st, p, &fan)?;
    draw_legend(&mut chart, st, spot)?;
    Ok(clear)
}

/// Where the legend goes: the first spot of the plot (the corners, then the lower corners
/// raised over the "forecast →" label, then the edges' middles) where its box covers no band,
/// line, target or label (with the target in the last year shown the upper left box hid the
/// target line); where none is clear, the first covering no label and the fewest lines. The
/// box is sized as plotters sizes it in [`draw_legend`]: the labels' lines, the swatch area and
/// margins, 5 px from the edges.
fn legend_spot<DB: Canvas>(
    chart: &YearChart<DB>,
    st: &Style,
    p: &Projection,
    fan: &FanSeries,
) -> Result<(SeriesLabelPosition, bool)> {
    let t = &p.scenario.target;
    let m = &p.scenario.market;
    let mut labels: Vec<String> = BANDS.iter().map(|b| b.2.to_string()).collect();
    labels.push("Median".to_string());
    labels.push("Published revenue".to_string());
    labels.push(format!("Target: {} in {}", money_short(t.revenue), t.year));
    let font = st.font(size::LEGEND, st.palette.text);
    let mut text = MultiLineText::<_, &str>::new((0, 0), &font);
    for l in &labels {
        text.push_line(l.as_str());
    }
    let (w, h) = text
        .estimate_dimension()
        .map_err(|e| anyhow::anyhow!("legend size: {e:?}"))?;
    let margin = st.px(16.0);
    let (w, h) = (w + st.px(34.0) + 2 * margin, h + 2 * margin);
    let at = |q: &(i32, f64)| chart.backend_coord(q);
    let xr = chart.x_range();
    let mut lines: Vec<Vec<(i32, i32)>> = (0..7)
        .map(|k| fan.line(k).iter().map(at).collect())
        .collect();
    // The band's inside: vertical strokes from its lower to its upper edge every few pixels.
    let (lo, hi) = (lines[0].clone(), lines[6].clone());
    for (a, b) in lo.windows(2).zip(hi.windows(2)) {
        let steps = ((a[1].0 - a[0].0) / st.px(4.0).max(1)).max(1);
        for k in 0..=steps {
            let mix = |p: (i32, i32), q: (i32, i32)| {
                (p.0 + (q.0 - p.0) * k / steps, p.1 + (q.1 - p.1) * k / steps)
            };
            lines.push(vec![mix(a[0], a[1]), mix(b[0], b[1])]);
        }
    }
    let mut history: Vec<(i32, f64)> = m
        .history
        .iter()
        .copied()
        .chain([(m.start_year, m.start_revenue)])
        .filter(|h| h.0 <= m.start_year && (xr.start..=xr.end).contains(&h.0))
        .collect();
    history.sort_by_key(|h| h.0);
    lines.push(history.iter().map(at).collect());
    lines.push(vec![at(&(xr.start, t.revenue)), at(&(xr.end, t.revenue))]);
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (aw, ah) = (px.end - px.start, py.end - py.start);
    // The "forecast →" label at the divider's foot, as draw_forecast_start places it.
    let mut texts = Vec::new();
    if (xr.start..=xr.end).contains(&m.start_year) {
        let (fx, _) = at(&(m.start_year, t.revenue));
        let label = st.font(size::LEGEND * 0.9, st.palette.muted);
        let (tw, th) = chart
            .plotting_area()
            .estimate_text_size("forecast →", &label)
            .map_err(|e| anyhow::anyhow!("label size: {e:?}"))?;
        let gap = st.px(8.0);
        texts.push(super::compare::Rect {
            x0: fx + gap,
            x1: fx + gap + tw as i32,
            y0: py.end - gap - th as i32,
            y1: py.end - gap,
        });
    }
    // The corners first, then the lower corners raised clear of the "forecast →" label, then
    // the middles of the edges (with a short axis, `--to 2025`, every corner held the target,
    // a line or the label).
    let raised = texts.first().map_or(0, |t| t.y1 - t.y0 + st.px(8.0));
    let (left, right, centre) = (5, aw - w - 5, (aw - w) / 2);
    let (top, bottom, middle) = (5, ah - h - 5, (ah - h) / 2);
    let spots = [
        (left, top),
        (right, top),
        (left, bottom),
        (right, bottom),
        (left, bottom - raised),
        (right, bottom - raised),
        (centre, top),
        (centre, bottom - raised),
        (left, middle),
        (right, middle),
    ];
    // For each spot: whether its box covers a label, and how many lines it covers.
    let cover = |&(x, y): &(i32, i32)| {
        let r = super::compare::Rect {
            x0: px.start + x,
            x1: px.start + x + w,
            y0: py.start + y,
            y1: py.start + y + h,
        };
        let lines_covered = lines
            .iter()
            .filter(|l| l.windows(2).any(|s| r.meets_segment(s[0], s[1])))
            .count();
        (texts.iter().any(|t| t.overlaps(&r)), lines_covered)
    };
    // The first clear spot; where none is, the first that covers no label and the fewest
    // lines (a legend outside the plot would need room taken from it).
    let (x, y) = spots.into_iter().min_by_key(cover).unwrap_or((left, top));
    Ok((
        SeriesLabelPosition::Coordinate(x, y),
        cover(&(x, y)) == (false, 0),
    ))
}

/// Axes from the first published year to the horizon; revenue spanning `lo..hi` (widened to
/// take in history and target).
pub fn year_chart<'a, DB: Canvas>(
    area: &'a DrawingArea<DB, Shift>,
    st: &Style,
    p: &Projection,
    extent: (f64, f64),
) -> Result<YearChart<'a, DB>> {
    year_chart_with(area, st, p, extent, st.px(8.0))
}

/// As [`year_chart`], with `right` pixels kept free right of the plot (for direct labels).
pub fn year_chart_with<'a, DB: Canvas>(
    area: &'a DrawingArea<DB, Shift>,
    st: &Style,
    p: &Projection,
    (lo, hi): (f64, f64),
    right: i32,
) -> Result<YearChart<'a, DB>> {
    let m = &p.scenario.market;
    let (x0, x1) = year_span(st, m.first_year(), m.horizon);
    let shown = |y: i32| (x0..=x1).contains(&y);
    let known = m
        .history
        .iter()
        .filter(|h| shown(h.0))
        .map(|h| h.1)
        .chain(shown(m.start_year).then_some(m.start_revenue))
        .chain([p.scenario.target.revenue]);
    let (lo, hi) = known.fold((lo, hi), |(a, b), v| (a.min(v), b.max(v)));
    let axis = RevenueAxis::new(st.log, lo, hi);
    // Ticks beyond pounds and millions are all written as powers of ten of pounds, so one axis
    // never mixes "£1m" with "£10⁻¹".
    let powers = axis
        .ticks
        .iter()
        .any(|&v| v > 0.0 && !(1.0..=1e9).contains(&v));
    let tick = move |v: &f64| {
        if powers {
            super::axes::money_power_tick(*v)
        } else {
            money_axis_tick(v)
        }
    };
    // Room above the plot for the events' dates, where they cover nothing drawn.
    let y_area = st.text_px(118.0);
    let plot_x = (y_area, area.dim_in_pixel().0 as i32 - right);
    let mut strip = super::events::layout(area, st, &st.events, (x0, x1), plot_x)?;
    let mut chart = ChartBuilder::on(area)
        .x_label_area_size(st.text_px(64.0))
        .y_label_area_size(y_area)
        .margin_top(st.px(8.0) + strip.height)
        .margin_right(right)
        .build_cartesian_2d(x0..x1, axis)?;
    super::axes::draw_year_mesh(
        &mut chart,
        st,
        if st.log {
            "Annual revenue (£, nominal, log scale)"
        } else {
            "Annual revenue (£, nominal)"
        },
        &tick,
        8,
    )?;
    if !strip.placed.is_empty() {
        let (bx, by) = area.get_base_pixel();
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let y = chart.y_range().start;
        let x_of = |year: i32| chart.backend_coord(&(year.clamp(x0, x1), y)).0 - bx;
        for (m, span, _) in strip.placed.iter_mut() {
            *span = (x_of(m.from), x_of(m.to));
        }
        super::events::draw(area, st, &strip, ys.start - by, xs.end - bx)?;
    }
    Ok(chart)
}

/// The year axis: `--from`/`--to` where given, else `first..=last`; at least two years wide.
///
/// `--to` past the data's last year is clamped to it (half the plot was empty at `--to 2040`
/// with a 2035 horizon); `export` says so ([`super::option_notes`]).
pub fn year_span(st: &Style, first: i32, last: i32) -> (i32, i32) {
    let x0 = st.years.0.unwrap_or(first);
    let x1 = st.years.1.map_or(last, |t| t.min(last));
    (x0, x1.max(x0 + 1))
}

/// A dashed vertical line where the projection takes over from published figures.
pub fn draw_forecast_start<DB: Canvas>(
    chart: &mut YearChart<DB>,
    st: &Style,
    p: &Projection,
) -> Result<()> {
    let x = p.scenario.market.start_year;
    let xr = chart.x_range();
    if !(xr.start..=xr.end).contains(&x) {
        return Ok(());
    }
    let (bottom, top) = (chart.y_range().start, chart.y_range().end);
    let color = st.palette.axis;
    let line = color.stroke_width(st.line(1.5));
    super::compare::draw_dashed(chart, st, line, [(x, bottom), (x, top)], (6.0, 6.0))?;
    // Labelled at the foot of the line: the legend sits in the top-left corner.
    let label = st.font(size::LEGEND * 0.9, st.palette.muted);
    let (px, py) = chart.backend_coord(&(x, bottom));
    let area = chart.plotting_area().strip_coord_spec();
    let (ax, ay) = area.get_base_pixel();
    let gap = st.px(8.0);
    area.draw_text(
        "forecast →",
        &label.pos(Pos::new(HPos::Left, VPos::Bottom)),
        (px - ax + gap, py - ay - gap),
    )?;
    Ok(())
}

pub fn draw_median<DB: Canvas>(
    chart: &mut YearChart<DB>,
    st: &Style,
    fan: &FanSeries,
) -> Result<()> {
    draw_key_line(chart, st, fan.line(3), st.palette.median, "Median")
}

/// Published revenue as a solid line with dots, joined to the start of the projection.
pub fn draw_history<DB: Canvas>(
    chart: &mut YearChart<DB>,
    st: &Style,
    p: &Projection,
) -> Result<()> {
    let xr = chart.x_range();
    let mut points = super::history::published(p);
    points.retain(|h| (xr.start..=xr.end).contains(&h.0));
    let color = st.palette.history;
    draw_key_line(
        chart,
        st,
        points.iter().copied(),
        color,
        "Published revenue",
    )?;
    let r = st.px(5.0);
    chart.draw_series(points.iter().map(|&pt| Circle::new(pt, r, color.filled())))?;
    Ok(())
}

/// One of the lines a reader follows (the median, the published history): thick, with its
/// legend entry.
fn draw_key_line<DB: Canvas>(
    chart: &mut YearChart<DB>,
    st: &Style,
    points: impl IntoIterator<Item = (i32, f64)>,
    color: RGBColor,
    label: &str,
) -> Result<()> {
    let width = st.line(3.0);
    chart
        .draw_series(LineSeries::new(points, color.stroke_width(width)))?
        .label(label)
        .legend(line_swatch(st, color.to_rgba(), width));
    Ok(())
}

/// The target as a dashed horizontal line with a marker at the target year. The line is a
/// reference line, neutral in every theme (an accent colour read as one more series); the
/// marker takes `color`.
pub fn draw_target<DB: Canvas>(
    chart: &mut YearChart<DB>,
    st: &Style,
    p: &Projection,
    color: RGBColor,
) -> Result<()> {
    let t = &p.scenario.target;
    let xr = chart.x_range();
    let width = st.line(2.0);
    let line = st.palette.reference;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(xr.start, t.revenue), (xr.end, t.revenue)],
            st.px(12.0),
            st.px(8.0),
            line.stroke_width(width),
        ))?
        .label(format!("Target: {} in {}", money_short(t.revenue), t.year))
        .legend(dashed_swatch(st, line, width));
    // Inclusive: the axis ends at the horizon, and a target in that year is still shown.
    if (xr.start..=xr.end).contains(&t.year) {
        let r = st.px(8.0);
        if color == st.palette.reference {
            // Over several scenarios' medians: a ring, so the lines show through, in the text
            // colour on a halo of the background, so it stands out from the grey target line
            // and the medians in every theme (the reference grey alone was faint on dark).
            let ring = st.line(3.0);
            chart.draw_series([
                Circle::new(
                    (t.year, t.revenue),
                    r,
                    st.palette.background.stroke_width(ring + st.line(4.0)),
                ),
                Circle::new((t.year, t.revenue), r, st.palette.text.stroke_width(ring)),
            ])?;
        } else {
            let bg = st.palette.background;
            chart.draw_series([
                Circle::new((t.year, t.revenue), r + st.px(2.0), bg.filled()),
                Circle::new((t.year, t.revenue), r, color.filled()),
            ])?;
        }
    }
    Ok(())
}
