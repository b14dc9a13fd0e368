//! The help overlay: every key.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::panel;
use crate::tui::app::App;

pub const KEYS: &[(&str, &str)] = &[
    ("Tab / 1 … 5", "switch tab (or click it)"),
    ("space → ←", "Teach: next step, step back"),
    ("Home End", "Teach: first step, last step"),
    ("↑ ↓  k j", "select a parameter"),
    ("← →  h l", "change it (re-simulates)"),
    ("shift+← →  < >", "change it in large steps"),
    (
        "Enter",
        "type a value, or a 90% range (8–18); Enter applies",
    ),
    (
        "u  { }",
        "make it uncertain or fix it; narrow, widen its range",
    ),
    ("[ ]  PgUp PgDn", "select a scenario (or click it)"),
    (
        "x  r  R",
        "reset: the parameter to stock; the scenario; all",
    ),
    ("s  e", "save it as TOML; export the view as PNG, SVG, PDF"),
    ("", "both into $SAFETECH_EXPORT_DIR, else the current dir"),
    ("n", "new random seed"),
    ("+ -", "more or fewer paths"),
    ("g", "log / linear revenue scale"),
    ("b  d", "compare against it; d: copy it, edits to the copy"),
    ("c", "add or remove it on the Compare chart"),
    ("t", "next theme"),
    ("?", "this help"),
    (
        "Esc",
        "back: to the Fan tab, a step in Teach; cancels typing",
    ),
    ("q  Ctrl-C", "quit; q asks first if edits are unsaved"),
];

/// Width of the key column.
const KEY_WIDTH: usize = 16;
const FOOTER: &str = " Edited scenarios are marked *. Any key closes.";

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    // As wide as the longest line, so no key's explanation is cut on a terminal that has room.
    let longest = KEYS
        .iter()
        .map(|(_, what)| KEY_WIDTH + 2 + what.chars().count())
        .chain([FOOTER.chars().count()])
        .max()
        .unwrap_or(0) as u16;
    let w = (longest + 3).min(area.width);
    let h = (KEYS.len() as u16 + 3).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(r, buf);
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| Line::styled(format!(" {k:<KEY_WIDTH$} {what}"), t.base()))
        .collect();
    lines.push(Line::styled(FOOTER, t.dim()));
    Paragraph::new(lines)
        .block(panel(" Keys ", t))
        .style(t.base())
        .render(r, buf);
}
