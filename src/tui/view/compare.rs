//! The Compare tab: every scenario's median and 90% band on one chart, then a table of
//! P(target), the paired difference against a base scenario, and P(reached by year).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{panel, placeholder};
use crate::format::percent;
use crate::format::signed_money_short as signed;
use crate::tui::app::App;
use crate::tui::plot::{Canvas, Ink, Scale, Years, frame, interpolate};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let title = if area.width >= 56 {
        " Compare · medians and 90% bands (c adds or removes) "
    } else {
        " Compare · medians, 90% bands (c toggles) "
    };
    let block = panel(title, t);
    let inner = block.inner(area);
    block.render(area, buf);
    // The chart draws a few chosen scenarios (ten medians and bands on one chart would be
    // unreadable); colours follow their place in that list.
    let drawn = app.compared_slots();
    let runs: Vec<(usize, &crate::tui::worker::Run)> = drawn
        .iter()
        .enumerate()
        .filter_map(|(k, &i)| app.slots[i].run.as_deref().map(|r| (k, r)))
        .collect();
    if runs.is_empty() {
        placeholder(inner, buf, "simulating…", t);
        return;
    }
    let table_h = (app.slots.len() as u16 + 2).min(inner.height / 2);
    let chart_h = inner.height.saturating_sub(table_h + 1);
    let chart = Rect::new(inner.x, inner.y, inner.width, chart_h);
    let legend = Rect::new(inner.x, chart.bottom(), inner.width, 1.min(inner.height));
    let table = Rect::new(
        inner.x,
        legend.bottom(),
        inner.width,
        inner.bottom().saturating_sub(legend.bottom()),
    );

    // One extent for all runs.
    let mut first = i32::MAX;
    let mut last = i32::MIN;
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (_, r) in &runs {
        let ((a, b), s) = crate::tui::fan::extent(&r.projection, app.log_scale);
        first = first.min(a);
        last = last.max(b);
        lo = lo.min(s.lo);
        hi = hi.max(s.hi);
    }
    let scale = Scale::fit(lo, hi, app.log_scale);
    let target = &runs[0].1.projection.scenario.target;
    let target_style = t.base().fg(t.target).add_modifier(Modifier::BOLD);
    if let Some(plot) = frame(
        chart,
        buf,
        &scale,
        (first, last),
        t,
        &[(target.revenue, target_style)],
    ) {
        let axis = Years {
            first,
            last,
            width: plot.width,
        };
        let mut canvas = Canvas::new(plot.width, plot.height);
        let target_row = canvas.row_of(scale.unit(target.revenue));
        for x in 0..i32::from(plot.width) {
            if x % 3 != 2 {
                canvas.set(x, target_row, Ink::Target);
            }
        }
        for (i, r) in &runs {
            let p = &r.projection;
            let m = &p.scenario.market;
            let pts = |f: fn(&crate::sim::YearStats) -> f64| -> Vec<(f64, f64)> {
                std::iter::once((f64::from(m.start_year), scale.unit(m.start_revenue)))
                    .chain(
                        p.years
                            .iter()
                            .map(|y| (f64::from(y.year), scale.unit(f(y)))),
                    )
                    .collect()
            };
            let col = |pts: &[(f64, f64)]| -> Vec<Option<f64>> {
                (0..plot.width)
                    .map(|x| interpolate(pts, axis.at(x)))
                    .collect()
            };
            let k = (*i % 5) as u8;
            canvas.polyline(&col(&pts(|y| y.p5())), Ink::SeriesDim(k), true);
            canvas.polyline(&col(&pts(|y| y.p95())), Ink::SeriesDim(k), true);
            canvas.polyline(&col(&pts(|y| y.median())), Ink::Series(k), false);
        }
        let history: Vec<(f64, f64)> = runs[0]
            .1
            .projection
            .scenario
            .market
            .history
            .iter()
            .map(|(y, v)| (f64::from(*y), scale.unit(*v)))
            .collect();
        let hist: Vec<Option<f64>> = (0..plot.width)
            .map(|x| interpolate(&history, axis.at(x)))
            .collect();
        canvas.polyline(&hist, Ink::History, false);
        canvas.render(plot, buf, t);
    }

    let mut spans = Vec::new();
    for (i, slot) in drawn.iter().map(|&i| &app.slots[i]).enumerate() {
        let c = t.series[i % t.series.len()];
        // The shared series table: colour and dash, as on the charts.
        let mark = if t.color {
            match crate::series_style::SERIES[i % crate::series_style::SERIES.len()].dash {
                crate::series_style::Dash::Solid => "━".to_string(),
                crate::series_style::Dash::Dashed => "╍".to_string(),
            }
        } else {
            ['*', '+', 'x', '#', '@'][i % 5].to_string()
        };
        spans.push(Span::styled(mark, t.base().fg(c)));
        spans.push(Span::styled(
            format!(" {}  ", slot.scenario.scenario.id),
            t.dim(),
        ));
    }
    // The band edges' key is the glyph the chart draws them with: `┄` in colour, `.` without.
    let (edge, _) = Ink::SeriesDim(0).key(t);
    spans.push(Span::styled(format!("{edge} 5th/95th"), t.dim()));
    Line::from(spans).render(legend, buf);

    render_table(app, table, buf);
}

fn render_table(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    if area.height == 0 {
        return;
    }
    let target_year = app.slots.first().map_or(0, |s| s.scenario.target.year);
    let name_w = 14usize;
    // ΔP: paired difference of P(target) from the base, ± its 95% Monte Carlo half-width.
    // Δ£: the median of the per-path revenue differences in the target year, and the 5th–95th
    // percentiles of those differences across paths (a spread of outcomes, not an interval).
    let rows: Vec<Row> = app
        .slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let id: String = slot.scenario.scenario.id.chars().take(name_w - 1).collect();
            let mark = if slot.edited() { "*" } else { "" };
            let name = format!("{id}{mark}");
            match &slot.run {
                Some(r) => {
                    let dp = match app.probability_differences.get(i).copied().flatten() {
                        Some(_) if i == app.base => "base".to_string(),
                        Some(e) => format!(
                            "{}±{} pts",
                            crate::format::signed(e.difference * 100.0, 1),
                            crate::format::percent_points(crate::stats::Z95 * e.std_error)
                        ),
                        None => "–".to_string(),
                    };
                    let d = match app.differences.get(i).copied().flatten() {
                        Some(_) if i == app.base => "base".to_string(),
                        Some([lo, med, hi]) => {
                            format!("{} ({}–{})", signed(med), signed(lo), signed(hi))
                        }
                        None => "–".to_string(),
                    };
                    let fp = r.first_passage.iter().map(|f| f.probability).collect();
                    Row {
                        name,
                        p: percent(r.target.probability, 1),
                        dp,
                        diff: d,
                        fp,
                    }
                }
                None => Row {
                    name,
                    // A refused run has no figure; one still running has one to come.
                    p: if slot.error.is_some() {
                        "stopped"
                    } else {
                        "…"
                    }
                    .into(),
                    dp: String::new(),
                    diff: String::new(),
                    fp: Vec::new(),
                },
            }
        })
        .collect();
    // Columns as wide as their widest cell, so rows line up whatever the values.
    let widest = |f: fn(&Row) -> &String, min: usize| {
        rows.iter()
            .map(|r| f(r).chars().count())
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let dp_w = widest(|r| &r.dp, "ΔP vs base ±MC".chars().count());
    let spread_head = format!("Δ£ {target_year} (p5–p95)");
    let diff_w = widest(|r| &r.diff, spread_head.chars().count());
    // The spread of revenue differences only when there is room for it whole.
    let spread_w = if usize::from(area.width) > name_w + 9 + dp_w + 1 + diff_w {
        diff_w
    } else {
        0
    };
    let mut header = format!(
        "{:<name_w$} {:>8} {:>dp_w$}{}",
        "scenario",
        "P(target)",
        "ΔP vs base ±MC",
        if spread_w > 0 {
            format!(" {spread_head:>spread_w$}")
        } else {
            String::new()
        },
    );
    // P(reached by year) for as many years as fit.
    let years: Vec<i32> = app
        .slots
        .iter()
        .find_map(|s| s.run.as_ref())
        .map(|r| r.first_passage.iter().map(|f| f.year).collect())
        .unwrap_or_default();
    let fixed = header.chars().count();
    let room = usize::from(area.width).saturating_sub(fixed + 1) / 7;
    let shown: Vec<i32> = years.iter().copied().take(room).collect();
    for y in &shown {
        header.push_str(&format!(" {:>6}", format!("≤{y}")));
    }
    buf.set_stringn(
        area.x,
        area.y,
        header,
        usize::from(area.width),
        t.dim().add_modifier(Modifier::BOLD),
    );
    for (
        i,
        Row {
            name,
            p,
            dp,
            diff,
            fp,
        },
    ) in rows.iter().enumerate()
    {
        let y = area.y + 1 + i as u16;
        if y >= area.bottom() {
            break;
        }
        // Rows that do not fit are counted on the last line rather than cut without a sign.
        let left = rows.len() - i;
        if y + 1 == area.bottom() && left > 1 {
            let note = format!("… +{left} more scenarios");
            buf.set_stringn(area.x, y, note, usize::from(area.width), t.dim());
            break;
        }
        let mut line = format!("{name:<name_w$} {p:>8} {dp:>dp_w$}");
        if spread_w > 0 {
            line.push_str(&format!(" {diff:>spread_w$}"));
        }
        for (k, _) in shown.iter().enumerate() {
            let v = fp.get(k).map_or(String::new(), |x| percent(*x, 0));
            line.push_str(&format!(" {v:>6}"));
        }
        let style = if i == app.selected {
            t.selection
        } else {
            t.base()
        };
        buf.set_stringn(area.x, y, line, usize::from(area.width), style);
    }
}

/// One scenario's cells in the table.
struct Row {
    name: String,
    p: String,
    dp: String,
    diff: String,
    fp: Vec<f64>,
}
