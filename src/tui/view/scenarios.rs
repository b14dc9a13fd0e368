//! The scenario list: every built-in and every scenario given on the command line.

use ratatui::buffer::Buffer;
use ratatui::widgets::Widget;

use super::layout::Regions;
use super::panel;
use crate::tui::app::App;

pub fn render(app: &App, r: &Regions, buf: &mut Buffer) {
    let t = &app.theme;
    panel(" Scenarios ", t).render(r.scenarios, buf);
    for (i, rect) in &r.scenario_rows {
        let Some(slot) = app.slots.get(*i) else {
            continue;
        };
        let marker = if slot.edited() { "*" } else { " " };
        let cursor = if *i == app.selected { "▸" } else { " " };
        let running = if slot.pending { " …" } else { "" };
        let text = format!("{cursor}{marker}{}{running}", slot.scenario.scenario.id);
        let style = if *i == app.selected {
            t.selection
        } else {
            t.base()
        };
        buf.set_style(*rect, style);
        buf.set_stringn(rect.x, rect.y, text, usize::from(rect.width), style);
    }
}
