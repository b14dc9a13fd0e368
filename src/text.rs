//! Text that reaches a terminal, an SVG or a PDF: control characters are refused where text is
//! read, and escaped wherever a message echoes something it was given.
//!
//! A control character is C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F). `ESC [`
//! and its one-character C1 form U+009B start terminal sequences that can move the cursor,
//! hide what follows or fake a result; none of them is a valid character in XML 1.0 but tab
//! and newline.

/// Which control characters a piece of text may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allow {
    /// A single line: no control character at all.
    Line,
    /// Paragraphs: newline and tab (and a carriage return just before a newline, as in a file
    /// saved with Windows line endings).
    Paragraphs,
}

impl Allow {
    /// What the text may hold, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Allow::Line => "one line of text without control characters",
            Allow::Paragraphs => "text whose only control characters are newline and tab",
        }
    }
}

/// Whether `c` is a C0 or C1 control character or DEL.
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// The first control character `text` may not hold, with its position (1-based, in
/// characters).
pub fn forbidden_control(text: &str, allow: Allow) -> Option<(usize, char)> {
    let mut chars = text.chars().peekable();
    let mut i = 0;
    while let Some(c) = chars.next() {
        i += 1;
        let allowed = allow == Allow::Paragraphs
            && (c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n')));
        if is_control(c) && !allowed {
            return Some((i, c));
        }
    }
    None
}

/// A control character's name: `U+001B (escape)`.
pub fn name_of(c: char) -> String {
    let name = match c {
        '\u{0}' => " (null)",
        '\u{7}' => " (bell)",
        '\u{8}' => " (backspace)",
        '\t' => " (tab)",
        '\n' => " (newline)",
        '\r' => " (carriage return)",
        '\u{1b}' => " (escape)",
        '\u{7f}' => " (delete)",
        '\u{9b}' => " (control sequence introducer)",
        _ => "",
    };
    format!("U+{:04X}{name}", c as u32)
}

/// Why `text` is refused, when it holds a control character it may not: the character, where
/// it is, and what is allowed. `None` when the text is fine.
pub fn refusal(text: &str, allow: Allow) -> Option<String> {
    forbidden_control(text, allow).map(|(at, c)| {
        format!(
            "holds the control character {} at character {at}; it must be {} (terminal escape \
             sequences and other control characters are refused, as they would reach a \
             terminal, an SVG or a PDF)",
            name_of(c),
            allow.describe()
        )
    })
}

/// `text` as a quoted value for an error message: control characters escaped, and a long text
/// cut around the first one so the message stays readable.
pub fn quoted_excerpt(text: &str) -> String {
    const KEEP: usize = 40;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 2 * KEEP {
        return format!("\"{}\"", escape_controls(text));
    }
    let at = chars.iter().position(|&c| is_control(c)).unwrap_or(0);
    let start = at.saturating_sub(KEEP / 2);
    let end = (start + KEEP).min(chars.len());
    let part: String = chars[start..end].iter().collect();
    format!(
        "\"{}{}{}\"",
        if start > 0 { "…" } else { "" },
        escape_controls(&part),
        if end < chars.len() { "…" } else { "" }
    )
}

/// `text` with every control character but newline written as an escape (`\u{1b}`), so that a
/// message echoing it cannot drive the terminal it is printed on.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(|c| is_control(c) && c != '\n') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_control_characters_and_allows_paragraphs() {
        for (text, allow, found) in [
            ("plain £ – text", Allow::Line, None),
            ("a\u{1b}[8m", Allow::Line, Some((2, '\u{1b}'))),
            ("x\u{9b}8m", Allow::Line, Some((2, '\u{9b}'))),
            ("a\nb", Allow::Line, Some((2, '\n'))),
            ("a\n\tb\r\nc", Allow::Paragraphs, None),
            ("a\rb", Allow::Paragraphs, Some((2, '\r'))),
            ("a\u{1}", Allow::Paragraphs, Some((2, '\u{1}'))),
        ] {
            assert_eq!(forbidden_control(text, allow), found, "{text:?}");
        }
    }

    #[test]
    fn escapes_leave_no_control_character_but_newline() {
        let e = escape_controls("P = 99.9 %\u{1b}[8m\u{9b}2J\r\tend\n");
        assert_eq!(e, "P = 99.9 %\\u{1b}[8m\\u{9b}2J\\r\\tend\n");
        assert!(!e.chars().any(|c| is_control(c) && c != '\n'));
        assert_eq!(escape_controls("£1bn – fine"), "£1bn – fine");
        let long = format!("{}\u{1b}[8m{}", "a".repeat(100), "b".repeat(100));
        let q = quoted_excerpt(&long);
        assert!(q.contains("\\u{1b}[8m") && q.chars().count() < 60, "{q}");
    }
}
