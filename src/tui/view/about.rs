//! The scenario's own description, in the side column's rows that nothing else needs (a tall
//! terminal and a short horizon).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::panel;
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let s = &slot.scenario.scenario;
    let block = panel(super::fit_title(format!(" About {} ", s.id), area.width), t);
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let lines = wrap(&s.description, width, usize::from(inner.height));
    for (r, line) in lines.iter().enumerate() {
        buf.set_stringn(inner.x, inner.y + r as u16, line, width, t.dim());
    }
}

/// `text` in lines of at most `width` characters, words kept whole (the file's own line breaks
/// are for the file), at most `rows` of them; an ellipsis ends the last when text is left over.
fn wrap(text: &str, width: usize, rows: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > rows {
        lines.truncate(rows);
        if let Some(last) = lines.last_mut() {
            let kept: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{}…", kept.trim_end());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn descriptions_wrap_on_words_and_say_when_cut() {
        let text = "Growth starts at the average pace\nof the record,   not the 37% alone.";
        assert_eq!(
            wrap(text, 16, 10),
            [
                "Growth starts at",
                "the average pace",
                "of the record,",
                "not the 37%",
                "alone."
            ]
        );
        assert_eq!(wrap(text, 16, 2), ["Growth starts at", "the average pac…"]);
        assert!(wrap(text, 16, 0).is_empty());
    }
}
