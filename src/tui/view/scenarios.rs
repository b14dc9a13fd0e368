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
        let running = match (slot.pending, &slot.error) {
            (true, _) => " …",
            (false, Some(_)) => " !",
            (false, None) => "",
        };
        // A long id ends in "…", keeping the run's mark after it.
        let room = usize::from(rect.width).saturating_sub(2 + running.chars().count());
        let id = super::ellipsis(&slot.scenario.scenario.id, room);
        let text = format!("{cursor}{marker}{id}{running}");
        let style = if *i == app.selected {
            t.selection
        } else {
            t.base()
        };
        buf.set_style(*rect, style);
        let w = usize::from(rect.width);
        buf.set_stringn(rect.x, rect.y, super::ellipsis(&text, w), w, style);
    }
    // Scenarios scrolled out of the list are counted on its border, never hidden without a sign.
    let (first, last) = (
        r.scenario_rows.first().map_or(0, |(i, _)| *i),
        r.scenario_rows.last().map_or(0, |(i, _)| *i),
    );
    let (above, below) = (first, app.slots.len().saturating_sub(last + 1));
    let area = r.scenarios;
    for (n, arrow, y) in [
        (above, "↑", area.y),
        (below, "↓", area.bottom().saturating_sub(1)),
    ] {
        if n == 0 || area.width < 14 || area.height < 3 {
            continue;
        }
        let note = format!(" {arrow} {n} more ");
        let w = note.chars().count() as u16;
        buf.set_string(area.right().saturating_sub(w + 1), y, note, t.dim());
    }
}
