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

/// The help's box in `area`: as wide as its longest line (so no explanation is cut on a
/// terminal with room), as tall as its lines, both within the terminal.
fn frame(area: Rect) -> Rect {
    let longest = KEYS
        .iter()
        .map(|(_, what)| KEY_WIDTH + 2 + what.chars().count())
        .chain([FOOTER.chars().count()])
        .max()
        .unwrap_or(0) as u16;
    let w = (longest + 3).min(area.width);
    let h = (lines(w.saturating_sub(2)).len() as u16 + 2).min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The help's lines at `width` columns: an explanation too long for its line goes on under
/// itself, word by word, rather than being cut.
fn lines(width: u16) -> Vec<(String, bool)> {
    let width = usize::from(width);
    let room = width.saturating_sub(KEY_WIDTH + 2).max(8);
    let mut out = Vec::new();
    for (k, what) in KEYS {
        let mut line = String::new();
        let mut first = true;
        for word in what.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
                let key = if first { *k } else { "" };
                out.push((format!(" {key:<KEY_WIDTH$} {line}"), false));
                first = false;
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        let key = if first { *k } else { "" };
        out.push((format!(" {key:<KEY_WIDTH$} {line}"), false));
    }
    out.push((FOOTER.to_string(), true));
    out
}

/// Lines of the help that do not fit in a terminal of `area` (what ↓ can scroll to).
pub fn hidden_lines(area: Rect) -> u16 {
    let r = frame(area);
    let total = lines(r.width.saturating_sub(2)).len() as u16;
    total.saturating_sub(r.height.saturating_sub(2))
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let r = frame(area);
    Clear.render(r, buf);
    let inner_w = r.width.saturating_sub(2);
    let all = lines(inner_w);
    let visible = usize::from(r.height.saturating_sub(2));
    let hidden = all.len().saturating_sub(visible);
    let scroll = usize::from(app.help_scroll).min(hidden);
    let shown: Vec<Line> = all
        .iter()
        .skip(scroll)
        .take(visible)
        .map(|(text, dim)| {
            let text = super::ellipsis(text, usize::from(inner_w));
            Line::styled(text, if *dim { t.dim() } else { t.base() })
        })
        .collect();
    Paragraph::new(shown)
        .block(panel(" Keys ", t))
        .style(t.base())
        .render(r, buf);
    // Lines scrolled out of the box are counted on its borders.
    let below = hidden - scroll;
    for (n, note, y) in [
        (scroll, format!(" ▲ {scroll} more (↑) "), r.y),
        (
            below,
            format!(" ▼ {below} more (↓) "),
            r.bottom().saturating_sub(1),
        ),
    ] {
        let w = note.chars().count() as u16;
        if n > 0 && r.width >= w + 10 {
            buf.set_string(r.right() - w - 1, y, note, t.dim());
        }
    }
}
