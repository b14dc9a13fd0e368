//! The Distribution tab: a histogram of revenue in the target year with the target marked, and
//! the probability of having reached the target by each year.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{no_result, panel};
use crate::format::{money_short, percent};
use crate::tui::app::App;
use crate::tui::worker::Run;

const VERTICAL: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const HORIZONTAL: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
/// Without colour: bars of paths that reach the target, and of those that do not.
const REACH_GLYPH: char = '#';
const MISS_GLYPH: char = '=';

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let s = &slot.scenario;
    let Some(run) = &slot.run else {
        let block = panel(" Distribution ", t);
        let inner = block.inner(area);
        block.render(area, buf);
        no_result(inner, buf, slot.error.as_deref(), t);
        return;
    };
    let years = run.first_passage.len() as u16;
    let fp_h = (years + 2).min(area.height / 2);
    let hist_area = Rect::new(area.x, area.y, area.width, area.height - fp_h);
    let fp_area = Rect::new(area.x, hist_area.bottom(), area.width, fp_h);

    let title = format!(
        " Revenue in {} · {} of paths reach {} ",
        s.target.year,
        percent(run.target.probability, 1),
        money_short(s.target.revenue)
    );
    let block = panel(super::fit_title(title, hist_area.width), t);
    let inner = block.inner(hist_area);
    block.render(hist_area, buf);
    histogram(app, run, inner, buf);

    let block = panel(
        super::fit_title(
            format!(" Reached {} by year ", money_short(s.target.revenue)),
            fp_area.width,
        ),
        t,
    );
    let inner = block.inner(fp_area);
    block.render(fp_area, buf);
    first_passage(app, run, inner, buf);
}

/// How many of `values` fall in each of `w` columns: column i holds edge(i) ≤ x < edge(i + 1),
/// the last also x = hi; values outside [lo, hi] (and NaN) are left out. One pass over the
/// paths in their own order: the arithmetic guess of a column is corrected against the edges
/// themselves, so a value on an edge lands where a search of the sorted values would put it.
fn column_counts(
    values: &[f64],
    lo: f64,
    hi: f64,
    w: u16,
    edge: impl Fn(u16) -> f64,
) -> Vec<usize> {
    let mut counts = vec![0usize; usize::from(w)];
    let scale = f64::from(w) / (hi - lo);
    for &x in values {
        if !(lo..=hi).contains(&x) {
            continue;
        }
        let mut i = (((x - lo) * scale) as u16).min(w - 1);
        while i > 0 && x < edge(i) {
            i -= 1;
        }
        while i + 1 < w && x >= edge(i + 1) {
            i += 1;
        }
        counts[usize::from(i)] += 1;
    }
    counts
}

fn histogram(app: &App, run: &Run, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let v = &run.projection.target_values;
    if v.is_empty() || area.width < 10 || area.height < 3 {
        return;
    }
    let target = run.projection.scenario.target.revenue;
    // The far tails (0.5% each side) are clipped so the body of the distribution fills the width.
    let (lo, hi) = run.histogram_range;
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, lo + 1.0)
    };
    let bars_h = area.height - 2;
    let w = area.width;
    let edge = |i: u16| lo + (hi - lo) * f64::from(i) / f64::from(w);
    let counts = column_counts(v, lo, hi, w, edge);
    let max = counts.iter().copied().max().unwrap_or(1).max(1);
    let target_col = ((target - lo) / (hi - lo) * f64::from(w)).floor();
    let target_col = (target_col >= 0.0 && target_col < f64::from(w)).then_some(target_col as u16);
    for (i, &c) in counts.iter().enumerate() {
        let i = i as u16;
        let reach = edge(i) + (hi - lo) / f64::from(w) / 2.0 >= target;
        let style = t.base().fg(if reach { t.reach } else { t.miss });
        let eighths = (c as f64 / max as f64 * f64::from(bars_h) * 8.0).round() as u16;
        for row in 0..bars_h {
            let from_bottom = bars_h - 1 - row;
            let fill = eighths.saturating_sub(from_bottom * 8).min(8);
            let x = area.x + i;
            let y = area.y + row;
            let glyph = if t.color {
                VERTICAL[usize::from(fill)]
            } else if fill >= 4 {
                if reach { REACH_GLYPH } else { MISS_GLYPH }
            } else {
                ' '
            };
            if fill > 0 {
                buf.set_string(x, y, glyph.to_string(), style);
            } else if Some(i) == target_col {
                buf.set_string(x, y, "│", t.base().fg(t.target));
            }
        }
    }
    // Axis: money labels at the ends and the target.
    let axis_y = area.y + bars_h;
    let lo_s = money_short(lo);
    let hi_s = money_short(hi);
    buf.set_string(area.x, axis_y, &lo_s, t.dim());
    buf.set_string(
        area.right().saturating_sub(hi_s.chars().count() as u16),
        axis_y,
        &hi_s,
        t.dim(),
    );
    if let Some(c) = target_col {
        let label = format!("▲{}", money_short(target));
        let x = (area.x + c).min(area.right().saturating_sub(label.chars().count() as u16));
        buf.set_string(
            x,
            axis_y,
            label,
            t.base().fg(t.target).add_modifier(Modifier::BOLD),
        );
    }
    // The key shows what the bars are drawn with: colour, or without it the glyphs.
    let (miss, reach) = if t.color {
        ('█', '█')
    } else {
        (MISS_GLYPH, REACH_GLYPH)
    };
    let mut spans = vec![
        Span::styled(miss.to_string(), t.base().fg(t.miss)),
        Span::styled(" below target  ", t.dim()),
        Span::styled(reach.to_string(), t.base().fg(t.reach)),
        Span::styled(" at or above  ", t.dim()),
    ];
    // The far tails are clipped so the body fills the width; say so when there is room.
    let note = "(outer 1% of paths not shown)";
    if spans.iter().map(|s| s.width()).sum::<usize>() + note.chars().count()
        <= usize::from(area.width)
    {
        spans.push(Span::styled(note, t.dim()));
    }
    let legend = Line::from(spans);
    legend.render(Rect::new(area.x, axis_y + 1, area.width, 1), buf);
}

fn first_passage(app: &App, run: &Run, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    if area.width < 16 {
        return;
    }
    let bar_w = area.width - 12;
    let target_year = run.projection.scenario.target.year;
    // When the years do not all fit, the last line says how many are left out, and up to when.
    let height = usize::from(area.height);
    let all = run.first_passage.len();
    let fits = if all > height {
        height.saturating_sub(1)
    } else {
        all
    };
    let rows: Vec<_> = run.first_passage.iter().take(fits).collect();
    if let (true, Some(last)) = (all > fits && height > 0, run.first_passage.last()) {
        let more = all - fits;
        let note = format!("… +{more} more to {}", last.year);
        buf.set_stringn(
            area.x,
            area.y + fits as u16,
            note,
            usize::from(area.width),
            t.dim(),
        );
    }
    for (r, fp) in rows.iter().enumerate() {
        let y = area.y + r as u16;
        let emphasis = if fp.year == target_year {
            t.accent()
        } else {
            t.dim()
        };
        buf.set_string(area.x, y, fp.year.to_string(), emphasis);
        let eighths = (fp.probability.clamp(0.0, 1.0) * f64::from(bar_w) * 8.0).round() as u32;
        let mut bar = String::new();
        for k in 0..u32::from(bar_w) {
            let fill = eighths.saturating_sub(k * 8).min(8) as usize;
            bar.push(if t.color {
                HORIZONTAL[fill]
            } else if fill >= 4 {
                REACH_GLYPH
            } else {
                ' '
            });
        }
        buf.set_string(area.x + 5, y, bar.trim_end(), t.base().fg(t.reach));
        buf.set_string(
            area.right() - 6,
            y,
            format!("{:>6}", percent(fp.probability, 1)),
            emphasis,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counts of a binary search of the sorted values, as the histogram was drawn before
    /// it read the paths in their own order.
    fn by_search(values: &[f64], hi: f64, w: u16, edge: impl Fn(u16) -> f64) -> Vec<usize> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        (0..w)
            .map(|i| {
                let a = v.partition_point(|x| *x < edge(i));
                let b = if i + 1 == w {
                    v.partition_point(|x| *x <= hi)
                } else {
                    v.partition_point(|x| *x < edge(i + 1))
                };
                b.saturating_sub(a)
            })
            .collect()
    }

    #[test]
    fn column_counts_equal_a_search_of_the_sorted_values_even_on_the_edges() {
        use rand::{RngExt, SeedableRng};
        let mut g = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        for w in [10u16, 37, 80, 200] {
            let (lo, hi) = (612.25, 2_931.5);
            let edge = |i: u16| lo + (hi - lo) * f64::from(i) / f64::from(w);
            // Values spread past both ends, every edge itself and its neighbours, and a NaN.
            let mut values: Vec<f64> = (0..20_000)
                .map(|_| g.random_range(400.0..3_200.0))
                .collect();
            for i in 0..=w {
                let e = edge(i);
                values.extend([e, e.next_down(), e.next_up()]);
            }
            values.extend([lo, hi, f64::NAN, f64::INFINITY]);
            let counts = column_counts(&values, lo, hi, w, edge);
            assert_eq!(counts, by_search(&values, hi, w, edge), "width {w}");
            assert!(counts.iter().sum::<usize>() > 10_000);
        }
    }
}
