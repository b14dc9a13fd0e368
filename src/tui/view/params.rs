//! The parameter panel: the selected scenario's growth and event parameters, one per line.

use ratatui::buffer::Buffer;
use ratatui::widgets::Widget;

use super::layout::{ParamLine, Regions};
use super::panel;
use crate::tui::app::App;

pub fn render(app: &App, r: &Regions, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let title = if slot.edited() {
        " Parameters (edited) "
    } else {
        " Parameters "
    };
    panel(title, t).render(r.params, buf);
    let s = &slot.scenario;
    for (line, rect) in &r.param_lines {
        let w = usize::from(rect.width);
        match line {
            ParamLine::Event(e) => {
                let name = s.events.get(*e).map_or("", |ev| ev.name.as_str());
                buf.set_stringn(rect.x, rect.y, super::ellipsis(name, w), w, t.dim());
            }
            ParamLine::Param(i, p) => {
                let selected = *i == app.param;
                let style = if selected { t.selection } else { t.base() };
                let changed = p.get(s) != p.get(&slot.original);
                let value = format!("{}{}", p.display(s), if changed { "*" } else { " " });
                let arrows = if selected { ("◂", "▸") } else { (" ", " ") };
                let right = match (&app.entry, selected) {
                    // Typing an exact value: what has been typed, a cursor and the unit.
                    (Some(typed), true) => format!("= {typed}▏{}", p.typed_units().1),
                    _ => format!("{}{value}{}", arrows.0, arrows.1),
                };
                let label_w = w.saturating_sub(right.chars().count() + 1);
                let label: String = p.label(s).chars().take(label_w).collect();
                let text = format!("{label:<label_w$} {right}");
                buf.set_style(*rect, style);
                buf.set_stringn(rect.x, rect.y, text, w, style);
            }
        }
    }
}
