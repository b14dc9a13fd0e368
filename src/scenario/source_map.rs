//! Maps between byte spans in a TOML text and dotted field paths, so that every error can
//! name both the line:column and the field.

use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A parsed document kept only for its spans.
pub struct SourceMap<'a> {
    text: &'a str,
    root: Option<Spanned<DeTable<'a>>>,
}

impl<'a> SourceMap<'a> {
    pub fn new(text: &'a str) -> Self {
        SourceMap {
            text,
            root: DeTable::parse(text).ok(),
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(self.text, offset)
    }

    /// The span of the value at `path` (`events[0].outcomes[1].probability`), if present.
    pub fn span_of(&self, path: &str) -> Option<Range<usize>> {
        let root = self.root.as_ref()?;
        let mut current: Option<&DeValue> = None;
        let mut span = root.span();
        for segment in split_path(path) {
            let next = match (segment, current) {
                (Segment::Key(k), None) => root.get_ref().get(k)?,
                (Segment::Key(k), Some(DeValue::Table(t))) => t.get(k)?,
                (Segment::Index(i), Some(DeValue::Array(a))) => a.get(i)?,
                _ => return Some(span),
            };
            span = next.span();
            current = Some(next.get_ref());
        }
        Some(span)
    }

    /// Line and column of the value at `path`, falling back to the nearest enclosing field.
    pub fn position_of(&self, path: &str) -> Option<(usize, usize)> {
        let mut p = path.to_string();
        loop {
            if let Some(span) = self.span_of(&p) {
                return Some(self.line_col(span.start));
            }
            match p.rfind(['.', '[']) {
                Some(i) => p.truncate(i),
                None => return None,
            }
        }
    }

    /// The deepest field path whose key or value span contains `offset`.
    pub fn path_at(&self, offset: usize) -> String {
        let Some(root) = self.root.as_ref() else {
            return String::new();
        };
        search_table(root.get_ref(), offset, "").unwrap_or_default()
    }
}

/// Depth-first search: a table's own span covers only its header, so children are always
/// searched, and the deepest match wins.
fn search_table(table: &DeTable, offset: usize, prefix: &str) -> Option<String> {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        if let Some(deeper) = search_value(value.get_ref(), offset, &path) {
            return Some(deeper);
        }
        if key.span().contains(&offset) || value.span().contains(&offset) {
            return Some(path);
        }
    }
    None
}

fn search_value(value: &DeValue, offset: usize, path: &str) -> Option<String> {
    match value {
        DeValue::Table(t) => search_table(t, offset, path),
        DeValue::Array(a) => a.iter().enumerate().find_map(|(i, item)| {
            let p = format!("{path}[{i}]");
            search_value(item.get_ref(), offset, &p)
                .or_else(|| item.span().contains(&offset).then_some(p))
        }),
        _ => None,
    }
}

pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

enum Segment<'p> {
    Key(&'p str),
    Index(usize),
}

fn split_path(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    // A quoted key (`ranges."growth.volatility"`) is one segment, dots and all.
    let mut parts = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"')
            && let Some(end) = quoted.find('"')
        {
            parts.push((&quoted[..end], true));
            rest = quoted[end + 1..].trim_start_matches('.');
            continue;
        }
        let (part, next) = rest.split_once('.').unwrap_or((rest, ""));
        parts.push((part, false));
        rest = next;
    }
    for (part, quoted) in parts {
        if quoted {
            out.push(Segment::Key(part));
            continue;
        }
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Segment::Key(name));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "[scenario]\nid = \"x\"\n\n[[events]]\nid = \"a\"\noutcomes = [\n  { id = \"o\", probability = 0.5 },\n  { id = \"p\", probability = 1.5 },\n]\n";

    #[test]
    fn a_quoted_key_is_one_segment() {
        let map = SourceMap::new("[ranges]\n\"growth.volatility\" = [0.1, 5]\n");
        assert_eq!(
            map.position_of("ranges.\"growth.volatility\""),
            Some((2, 23))
        );
    }

    #[test]
    fn finds_nested_value_position() {
        let map = SourceMap::new(DOC);
        assert_eq!(
            map.position_of("events[0].outcomes[1].probability"),
            Some((8, 29))
        );
        assert_eq!(map.position_of("scenario.id"), Some((2, 6)));
    }

    #[test]
    fn finds_path_from_offset() {
        let map = SourceMap::new(DOC);
        let offset = DOC.find("1.5").unwrap();
        assert_eq!(map.path_at(offset), "events[0].outcomes[1].probability");
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
