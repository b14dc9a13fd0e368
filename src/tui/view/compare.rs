//! The Compare tab: every scenario's median and 90% band on one chart, then a table of
//! P(target), the paired difference against a base scenario, and P(reached by year).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Span;
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
    let block = panel(super::fit_title(title, area.width), t);
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

    let mut entries = Vec::new();
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
        entries.push(vec![
            Span::styled(mark, t.base().fg(c)),
            Span::styled(format!(" {}  ", slot.scenario.scenario.id), t.dim()),
        ]);
    }
    // The band edges' key is the glyph the chart draws them with: `┄` in colour, `.` without.
    let (edge, _) = Ink::SeriesDim(0).key(t);
    entries.push(vec![Span::styled(format!("{edge} 5th/95th"), t.dim())]);
    super::legend(entries, legend.width, t).render(legend, buf);

    render_table(app, table, buf);
}

fn render_table(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    if area.height == 0 {
        return;
    }
    let target_year = app.slots.first().map_or(0, |s| s.scenario.target.year);
    let width = usize::from(area.width);
    // As wide as the longest id (and its edit mark), within reason; longer ones end in "…".
    // The P(target) column always keeps its room.
    let p_head = "P(target)";
    let p_w = p_head.chars().count();
    let name_w = app
        .slots
        .iter()
        .map(|s| s.scenario.scenario.id.chars().count() + 2)
        .max()
        .unwrap_or(0)
        .clamp(14, 24)
        .min(width.saturating_sub(p_w + 1))
        .max(4);
    // ΔP: paired difference of P(target) from the base, ± its 95% Monte Carlo half-width.
    // Δ£: the median of the per-path revenue differences in the target year, and the 5th–95th
    // percentiles of those differences across paths (a spread of outcomes, not an interval).
    let rows: Vec<Row> = app
        .slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let mark = if slot.edited() { "*" } else { "" };
            let id = super::ellipsis(&slot.scenario.scenario.id, name_w - 1 - mark.len());
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
    // Columns as wide as their widest cell, so rows line up whatever the values; a column is
    // shown only when it fits whole, so no cell is cut.
    let widest = |f: fn(&Row) -> &String, min: usize| {
        rows.iter()
            .map(|r| f(r).chars().count())
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let dp_head = "ΔP vs base ±MC";
    let dp_w = widest(|r| &r.dp, dp_head.chars().count());
    let dp_w = if width >= name_w + 1 + p_w + 1 + dp_w {
        dp_w
    } else {
        0
    };
    let spread_head = format!("Δ£ {target_year} (p5–p95)");
    let diff_w = widest(|r| &r.diff, spread_head.chars().count());
    // The spread of revenue differences only when there is room for it whole.
    let spread_w = if dp_w > 0 && width > name_w + 1 + p_w + 1 + dp_w + 1 + diff_w {
        diff_w
    } else {
        0
    };
    let mut header = format!("{:<name_w$} {p_head:>p_w$}", "scenario");
    if dp_w > 0 {
        header.push_str(&format!(" {dp_head:>dp_w$}"));
    }
    if spread_w > 0 {
        header.push_str(&format!(" {spread_head:>spread_w$}"));
    }
    // P(reached by year) for as many years as fit.
    let years: Vec<i32> = app
        .slots
        .iter()
        .find_map(|s| s.run.as_ref())
        .map(|r| r.first_passage.iter().map(|f| f.year).collect())
        .unwrap_or_default();
    // Each year's column as wide as its widest share ("> 99.5%" is wider than "97%"), for as
    // many years as fit.
    let mut shown: Vec<usize> = Vec::new();
    let mut used = header.chars().count();
    for (k, y) in years.iter().enumerate() {
        let w = rows
            .iter()
            .filter_map(|r| r.fp.get(k))
            .map(|x| percent(*x, 0).chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        if used + 1 + w > width {
            break;
        }
        used += 1 + w;
        header.push_str(&format!(" {:>w$}", format!("≤{y}")));
        shown.push(w);
    }
    buf.set_stringn(
        area.x,
        area.y,
        super::ellipsis(&header, width),
        width,
        t.dim().add_modifier(Modifier::BOLD),
    );
    // The rows scroll with the selection; those out of view are counted above and below.
    let window = scroll(
        rows.len(),
        usize::from(area.height.saturating_sub(1)),
        app.selected,
    );
    let mut y = area.y + 1;
    let note = |buf: &mut Buffer, y: &mut u16, text: String| {
        buf.set_stringn(area.x, *y, super::ellipsis(&text, width), width, t.dim());
        *y += 1;
    };
    if window.above > 0 {
        note(
            buf,
            &mut y,
            format!("▲ {} more ([ scrolls up)", window.above),
        );
    }
    for (i, row) in rows
        .iter()
        .enumerate()
        .skip(window.above)
        .take(window.shown)
    {
        let Row {
            name,
            p,
            dp,
            diff,
            fp,
        } = row;
        let mut line = format!("{name:<name_w$} {p:>p_w$}");
        if dp_w > 0 {
            line.push_str(&format!(" {dp:>dp_w$}"));
        }
        if spread_w > 0 {
            line.push_str(&format!(" {diff:>spread_w$}"));
        }
        for (k, w) in shown.iter().enumerate() {
            let v = fp.get(k).map_or(String::new(), |x| percent(*x, 0));
            line.push_str(&format!(" {v:>w$}"));
        }
        let style = if i == app.selected {
            t.selection
        } else {
            t.base()
        };
        buf.set_stringn(area.x, y, super::ellipsis(&line, width), width, style);
        y += 1;
    }
    if window.below > 0 {
        note(
            buf,
            &mut y,
            format!("▼ {} more (] scrolls down)", window.below),
        );
    }
}

/// Which of `len` rows a list of `height` lines shows with the row `selected` in view: rows
/// out of view take a line each side to say how many they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Rows above the first shown.
    pub above: usize,
    /// Rows shown.
    pub shown: usize,
    /// Rows below the last shown.
    pub below: usize,
}

pub fn scroll(len: usize, height: usize, selected: usize) -> Window {
    if len <= height {
        return Window {
            above: 0,
            shown: len,
            below: 0,
        };
    }
    if height < 3 {
        // No room for a note each side: the first rows, the rest counted below.
        let shown = height.saturating_sub(1);
        return Window {
            above: 0,
            shown,
            below: len - shown,
        };
    }
    let selected = selected.min(len - 1);
    // From the top: every row but one line's worth, which counts the rest.
    if selected < height - 1 {
        return Window {
            above: 0,
            shown: height - 1,
            below: len - (height - 1),
        };
    }
    // To the bottom: the last rows, one line counting those above.
    if selected >= len - (height - 1) {
        return Window {
            above: len - (height - 1),
            shown: height - 1,
            below: 0,
        };
    }
    // In between: a line each side, the selection last in view.
    let shown = height - 2;
    let above = selected + 1 - shown;
    Window {
        above,
        shown,
        below: len - above - shown,
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

#[cfg(test)]
mod tests {
    use super::{Window, scroll};

    #[test]
    fn the_window_keeps_the_selection_in_view_and_counts_the_rest() {
        let w = |above, shown, below| Window {
            above,
            shown,
            below,
        };
        assert_eq!(scroll(5, 8, 4), w(0, 5, 0));
        assert_eq!(scroll(11, 8, 0), w(0, 7, 4));
        assert_eq!(scroll(11, 8, 6), w(0, 7, 4));
        assert_eq!(scroll(11, 8, 7), w(4, 7, 0));
        assert_eq!(scroll(20, 8, 10), w(5, 6, 9));
        assert_eq!(scroll(11, 8, 10), w(4, 7, 0));
        for len in 0..15 {
            for height in 3..12 {
                for selected in 0..len {
                    let v = scroll(len, height, selected);
                    assert_eq!(
                        v.above + v.shown + v.below,
                        len,
                        "{len} {height} {selected}"
                    );
                    let lines = v.shown + usize::from(v.above > 0) + usize::from(v.below > 0);
                    assert!(lines <= height, "{len} {height} {selected}: {v:?}");
                    assert!((v.above..v.above + v.shown).contains(&selected), "{v:?}");
                }
            }
        }
    }
}
