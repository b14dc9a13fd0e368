//! The parameter panel: the selected scenario's growth and event parameters, one per line.

use ratatui::buffer::Buffer;
use ratatui::widgets::Widget;

use super::layout::{ParamLine, Regions};
use super::panel;
use crate::tui::app::App;
use crate::tui::params::Presented;

pub fn render(app: &App, r: &Regions, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let title = if slot.edited() {
        " Parameters (edited) "
    } else {
        " Parameters "
    };
    panel(title, t).render(r.params, buf);
    more_marks(app, r, title, buf);
    let s = &slot.scenario;
    for (line, rect) in &r.param_lines {
        let w = usize::from(rect.width);
        match line {
            ParamLine::Event(e) => {
                let name = s.events.get(*e).map_or("", |ev| ev.name.as_str());
                buf.set_stringn(rect.x, rect.y, super::ellipsis(name, w), w, t.dim());
            }
            ParamLine::NothingHappens(e) => {
                let Some(ev) = s.events.get(*e) else { continue };
                // Aligned with the values above it: a space for the arrow, then the share.
                let share = format!(" {:.0}%  ", ev.remainder_probability() * 100.0);
                let label_w = w.saturating_sub(share.chars().count() + 1);
                let label = fit_label("nothing happens", label_w);
                let text = format!("{label:<label_w$} {share}");
                buf.set_stringn(rect.x, rect.y, text, w, t.dim());
            }
            ParamLine::Param(i, p) => {
                let selected = *i == app.param;
                let style = if selected { t.selection } else { t.base() };
                let changed = p.get(s) != p.get(&slot.original);
                let mark = if changed { "*" } else { " " };
                let arrows = if selected { ("◂", "▸") } else { (" ", " ") };
                let right_with = |shown: &str| match (&app.entry, selected) {
                    // Typing an exact value: what has been typed, a cursor and the unit.
                    (Some(typed), true) => format!("= {typed}▏{}", p.typed_units().1),
                    _ => format!("{}{shown}{mark}{}", arrows.0, arrows.1),
                };
                let shown = p.display(s);
                let mut right = right_with(&shown);
                // Too narrow for an uncertain input's range beside its name: the median, and
                // an ellipsis to say there is more (the range is in the status line and on
                // the wide layout).
                if w.saturating_sub(right.chars().count() + 1) < MIN_LABEL
                    && let Some((median, _)) = shown.split_once(" (")
                {
                    right = right_with(&format!("{median}…"));
                }
                let label_w = w.saturating_sub(right.chars().count() + 1);
                let label = fit_label(&p.panel_label(s), label_w);
                let text = format!("{label:<label_w$} {right}");
                buf.set_style(*rect, style);
                buf.set_stringn(rect.x, rect.y, text, w, style);
            }
        }
    }
}

/// Parameters scrolled out of the panel, counted on its borders (above on the top one, below
/// on the bottom one), as the scenario list counts its own: never hidden without a sign.
fn more_marks(app: &App, r: &Regions, title: &str, buf: &mut Buffer) {
    let t = &app.theme;
    let area = r.params;
    if area.height < 3 {
        return;
    }
    let total = app.params().len();
    let shown: Vec<usize> = r.param_rows.iter().map(|(i, _)| *i).collect();
    let (above, below) = match (shown.first(), shown.last()) {
        (Some(&first), Some(&last)) => (first, total.saturating_sub(last + 1)),
        _ => (0, total),
    };
    // Cells free on the top border after the title, the corners kept.
    let top_free = usize::from(area.width).saturating_sub(title.chars().count() + 3);
    for (n, arrow, y, free) in [
        (above, "↑", area.y, top_free),
        (
            below,
            "↓",
            area.bottom() - 1,
            usize::from(area.width).saturating_sub(2),
        ),
    ] {
        if n == 0 {
            continue;
        }
        let Some(note) = [format!(" {arrow} {n} more "), format!(" {arrow}{n} ")]
            .into_iter()
            .find(|s| s.chars().count() <= free)
        else {
            continue;
        };
        let w = note.chars().count() as u16;
        buf.set_string(area.right().saturating_sub(w + 1), y, note, t.dim());
    }
}

/// Fewest characters of a label worth showing beside its value.
const MIN_LABEL: usize = 12;

/// A label cut to `width` characters. The last word says what the value is ("P", "uplift"), so
/// it stays whole and the name before it is shortened: "legislat… uplift", not
/// "legislated uplif".
pub fn fit_label(label: &str, width: usize) -> String {
    if label.chars().count() <= width {
        return label.to_string();
    }
    if width == 0 {
        return String::new();
    }
    if let Some((head, last)) = label.trim_start().rsplit_once(' ') {
        let last_w = last.chars().count();
        // Room for at least two letters of the name, an ellipsis and a space.
        if last_w + 4 <= width {
            return format!("{} {last}", super::ellipsis(head, width - last_w - 1));
        }
    }
    super::ellipsis(label, width)
}

#[cfg(test)]
mod tests {
    use super::fit_label;

    #[test]
    fn cut_labels_keep_what_the_value_is() {
        assert_eq!(fit_label("legislated uplift", 16), "legislat… uplift");
        assert_eq!(fit_label("legislated uplift", 17), "legislated uplift");
        assert_eq!(fit_label("on-schedule P", 10), "on-sche… P");
        assert_eq!(fit_label("Long-run growth", 9), "Long-run…");
        assert_eq!(fit_label("uplift", 4), "upl…");
        for w in 0..20 {
            assert!(fit_label("legislated uplift", w).chars().count() <= w);
        }
    }
}
