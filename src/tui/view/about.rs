//! The scenario's own description, in the side column's rows that nothing else needs (a tall
//! terminal and a short horizon).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::panel;
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let s = &slot.scenario.scenario;
    let block = panel(format!(" About {} ", s.id), t);
    let inner = block.inner(area);
    block.render(area, buf);
    // The file's line breaks are for the file; the panel wraps the text to its own width.
    let text = s
        .description
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Paragraph::new(text)
        .style(t.dim())
        .wrap(Wrap { trim: true })
        .render(inner, buf);
}
