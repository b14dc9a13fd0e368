//! The year-by-year panel: the selected scenario's median, 90% range and chance of the target
//! in each simulated year. It fills the side column's spare rows on tall terminals.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::{panel, placeholder};
use crate::format::{money_short, percent};
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let block = panel(
        super::fit_title(" By year: median, 90% range ", area.width),
        t,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(run) = &slot.run else {
        // The reason a run stopped is given in full beside, on the Stats panel and the chart.
        let text = if slot.error.is_some() {
            "no result"
        } else {
            "simulating…"
        };
        placeholder(inner, buf, text, t);
        return;
    };
    if inner.height < 2 {
        return;
    }
    let target = &run.projection.scenario.target;
    let years = &run.projection.years;
    let target_row = years.iter().position(|y| y.year == target.year);
    let shown = pick(years.len(), usize::from(inner.height - 1), target_row);
    let cells: Vec<[String; 4]> = shown
        .iter()
        .map(|&i| {
            let y = &years[i];
            [
                y.year.to_string(),
                money_short(y.median()),
                format!("{}–{}", money_short(y.p5()), money_short(y.p95())),
                percent(y.p_target, 0),
            ]
        })
        .collect();
    let header = [
        "year".to_string(),
        "median".to_string(),
        "5th–95th".to_string(),
        format!("≥{}", money_short(target.revenue)),
    ];
    // Columns as wide as their widest cell; the chance of the target where it fits.
    let width = |k: usize| {
        cells
            .iter()
            .chain([&header])
            .map(|c| c[k].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let w = usize::from(inner.width);
    let columns = if widths.iter().sum::<usize>() + 3 <= w {
        4
    } else {
        3
    };
    let line = |c: &[String; 4]| {
        let mut s = format!(
            "{:<4} {:>m$} {:>r$}",
            c[0],
            c[1],
            c[2],
            m = widths[1],
            r = widths[2]
        );
        if columns == 4 {
            s.push_str(&format!(" {:>p$}", c[3], p = widths[3]));
        }
        s
    };
    buf.set_stringn(inner.x, inner.y, line(&header), w, t.dim());
    for (r, (&i, c)) in shown.iter().zip(&cells).enumerate() {
        let style = if years[i].year == target.year {
            t.accent()
        } else {
            t.base()
        };
        buf.set_stringn(inner.x, inner.y + 1 + r as u16, line(c), w, style);
    }
}

/// Which of `n` years to list in `rows` rows: all when they fit, else evenly spaced ones that
/// keep the first, the last and the target year (`keep`).
fn pick(n: usize, rows: usize, keep: Option<usize>) -> Vec<usize> {
    if n <= rows {
        return (0..n).collect();
    }
    if rows < 2 {
        return (0..rows.min(n)).collect();
    }
    let mut out: Vec<usize> = (0..rows)
        .map(|k| (k as f64 * (n - 1) as f64 / (rows - 1) as f64).round() as usize)
        .collect();
    if let Some(keep) = keep.filter(|k| *k < n && !out.contains(k)) {
        // The nearest inner pick gives way to it.
        let nearest = (1..rows - 1)
            .min_by_key(|&j| out[j].abs_diff(keep))
            .unwrap_or(0);
        if rows > 2 {
            out[nearest] = keep;
            out.sort_unstable();
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::pick;

    #[test]
    fn years_are_thinned_evenly_keeping_both_ends_and_the_target() {
        assert_eq!(pick(4, 10, None), vec![0, 1, 2, 3]);
        assert_eq!(pick(11, 6, None), vec![0, 2, 4, 6, 8, 10]);
        assert_eq!(pick(11, 6, Some(1)), vec![0, 1, 4, 6, 8, 10]);
        assert_eq!(pick(11, 6, Some(10)), vec![0, 2, 4, 6, 8, 10]);
        let p = pick(76, 9, Some(37));
        assert_eq!((p[0], *p.last().unwrap(), p.len()), (0, 75, 9));
        assert!(p.contains(&37));
        assert!(p.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(pick(5, 1, None), vec![0]);
        assert!(pick(5, 0, None).is_empty());
    }
}
