//! Writing an edited scenario back into its own file's text, so that comments (the sourced and
//! judged notes), layout and key order survive and only the changed values differ.

use toml_edit::{Array, DocumentMut, Item, TableLike, Value};

use super::Scenario;

/// `original` (a scenario file's text) with every value that differs in `edited` replaced, keys
/// that `edited` adds inserted and keys it dropped removed. None if `original` is not TOML.
pub fn edit_source(original: &str, edited: &Scenario) -> Option<String> {
    let mut doc: DocumentMut = original.parse().ok()?;
    // `to_toml` writes distributions back as tables, where serde alone would write medians.
    let new: DocumentMut = edited.try_to_toml()?.parse().ok()?;
    merge_table(doc.as_table_mut(), new.as_table());
    Some(doc.to_string())
}

/// Merges a table written either way, `[section]` or `{ … }` inline: their entries merge alike.
fn merge_table(old: &mut dyn TableLike, new: &dyn TableLike) {
    for (key, item) in new.iter() {
        match old.get_mut(key) {
            Some(existing) => merge_item(existing, item),
            None => {
                old.insert(key, item.clone());
            }
        }
    }
    let dropped: Vec<String> = old
        .iter()
        .map(|(key, _)| key)
        .filter(|key| !new.contains_key(key))
        .map(String::from)
        .collect();
    for key in dropped {
        old.remove(&key);
    }
}

/// Merges the list `$new` into `$old` element by element with `$merge`, copying in the elements
/// only `$new` has and dropping those it no longer has. A macro because arrays of values and
/// arrays of tables have these methods but no trait in common.
macro_rules! merge_elements {
    ($old:expr, $new:expr, $merge:expr) => {{
        let (old, new) = ($old, $new);
        for (i, element) in new.iter().enumerate() {
            match old.get_mut(i) {
                Some(existing) => $merge(existing, element),
                None => old.push(element.clone()),
            }
        }
        while old.len() > new.len() {
            old.remove(old.len() - 1);
        }
    }};
}

fn merge_item(old: &mut Item, new: &Item) {
    match (old, new) {
        (Item::Table(o), Item::Table(n)) => merge_table(o, n),
        (Item::ArrayOfTables(o), Item::ArrayOfTables(n)) => merge_elements!(o, n, merge_table),
        // The file writes `outcomes = [ { … }, … ]` inline; the serialiser writes tables.
        (Item::Value(Value::Array(o)), Item::ArrayOfTables(n)) => {
            merge_array(o, &n.clone().into_array());
        }
        // Likewise `initial_distribution = { student_t = 3 }`.
        (Item::Value(o), Item::Table(n)) => {
            merge_value(o, &Value::from(n.clone().into_inline_table()))
        }
        (Item::Value(o), Item::Value(n)) => merge_value(o, n),
        (o, n) => *o = n.clone(),
    }
}

fn merge_array(old: &mut Array, new: &Array) {
    merge_elements!(old, new, merge_value);
}

fn merge_value(old: &mut Value, new: &Value) {
    if same(old, new) {
        return;
    }
    match (&mut *old, new) {
        (Value::Array(o), Value::Array(n)) => merge_array(o, n),
        (Value::InlineTable(o), Value::InlineTable(n)) => merge_table(o, n),
        _ => {
            // The new value in the old one's place, with its spacing. Its trailing comment (a
            // sourced or judged note about the old value) would now contradict it, so it is
            // kept behind "edited, was OLD;" (the first edit's OLD: the file's own value).
            let mut decor = old.decor().clone();
            let mut bare = old.clone();
            bare.decor_mut().clear();
            let was = bare.to_string();
            let suffix = decor.suffix().and_then(|s| s.as_str()).unwrap_or("");
            let mut bare_new = new.clone();
            bare_new.decor_mut().clear();
            let now = bare_new.to_string();
            if let Some((space, note)) = suffix.split_once('#') {
                let note = note.trim();
                let note = if note.starts_with(EDITED) {
                    note.to_string()
                } else {
                    format!("{EDITED}{was}; {note}")
                };
                // The comment stays in its column.
                let width = (space.chars().count() + was.chars().count())
                    .saturating_sub(now.chars().count())
                    .max(1);
                decor.set_suffix(format!("{}# {note}", " ".repeat(width)));
            }
            *old = new.clone();
            *old.decor_mut() = decor;
        }
    }
}

/// How a saved file marks a value changed from the file's own.
const EDITED: &str = "edited, was ";

/// Equal as values, whatever their spelling (`623.0` and `623.00`, `0.10` and `0.1`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Integer(y)) | (Value::Integer(y), Value::Float(x)) => {
            *x.value() == *y.value() as f64
        }
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{builtin_source, load, parse_str};

    #[test]
    fn unchanged_scenarios_come_back_byte_for_byte() {
        for (id, text) in crate::scenario::BUILTIN {
            let s = load(id).unwrap();
            if s.provenance.extends.is_empty() {
                assert_eq!(edit_source(text, &s).as_deref(), Some(*text), "{id}");
            } else {
                // One that extends another is written whole into its root's text, and reads
                // back as the same scenario.
                let root = crate::scenario::inherit::root_text(&s, text.to_string());
                let whole = edit_source(&root, &s).unwrap();
                let back = parse_str(&whole, id).unwrap();
                assert_eq!((&back.growth, &back.events), (&s.growth, &s.events), "{id}");
                assert_eq!(back.uncertain, s.uncertain, "{id}");
            }
        }
    }

    #[test]
    fn edits_change_only_their_values_and_keep_comments() {
        let text = include_str!("../../tests/fixtures/osa-fixed.toml");
        let mut s = parse_str(text, "osa-fixed").unwrap();
        s.growth.volatility = 0.12;
        s.events[0].outcomes[1].probability = 0.35;
        s.market.horizon = 2030;
        let out = edit_source(text, &s).unwrap();
        assert_eq!(parse_str(&out, "edited").unwrap().growth, s.growth);
        assert_eq!(parse_str(&out, "edited").unwrap().events, s.events);
        let changed: Vec<(&str, &str)> = text
            .lines()
            .zip(out.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(changed.len(), 3, "{changed:#?}");
        for (before, after) in changed {
            // The comment after the value is kept, marked as being about the old value.
            let comment = |l: &str| l.split_once('#').map(|(_, c)| c.trim().to_string());
            let value = |l: &str| {
                l.split_once('=')
                    .unwrap()
                    .1
                    .split('#')
                    .next()
                    .unwrap()
                    .trim()
                    .to_string()
            };
            if before.trim_start().starts_with('{') {
                // An outcome written inline: its comment is about the outcome, and stays.
                assert_eq!(comment(before), comment(after), "{after}");
                continue;
            }
            let note = comment(before).expect("every top-level value here has a note");
            assert_eq!(
                comment(after),
                Some(format!("edited, was {}; {note}", value(before))),
                "{after}"
            );
            // The comment keeps its column.
            assert_eq!(before.find('#'), after.find('#'), "{after}");
        }
        assert_eq!(text.lines().count(), out.lines().count());
    }

    #[test]
    fn a_key_the_file_lacked_is_added() {
        let text = builtin_source("baseline").unwrap();
        let mut s = load("baseline").unwrap();
        s.growth.long_run = Some(0.2);
        let out = edit_source(text, &s).unwrap();
        assert_eq!(
            parse_str(&out, "edited").unwrap().growth.long_run,
            Some(0.2)
        );
        assert!(out.contains("# sourced: 2024 growth, +37%"));
    }

    /// A second edit keeps the first "was": the file's own, sourced value.
    #[test]
    fn edited_notes_name_the_files_own_value_once() {
        let text = builtin_source("baseline").unwrap();
        let mut s = load("baseline").unwrap();
        let original = s.growth.initial;
        s.growth.initial = 0.34;
        let once = edit_source(text, &s).unwrap();
        let line = |t: &str| {
            t.lines()
                .find(|l| l.trim_start().starts_with("initial ="))
                .unwrap()
                .to_string()
        };
        assert!(
            line(&once).contains(&format!("# edited, was {original}; sourced")),
            "{}",
            line(&once)
        );
        s.growth.initial = 0.30;
        let twice = edit_source(&once, &s).unwrap();
        assert_eq!(
            line(&twice).matches("edited, was").count(),
            1,
            "{}",
            line(&twice)
        );
        assert!(line(&twice).contains(&format!("was {original};")));
        assert_eq!(parse_str(&twice, "edited").unwrap().growth.initial, 0.30);
    }
}
