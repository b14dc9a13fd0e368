//! Saving an edited scenario as a TOML file that `--scenario` can load again.

use std::path::{Path, PathBuf};

use crate::output::{Inputs, write_atomic};
use crate::scenario::{Scenario, builtin_source, edit_source};

/// Writes `<id>-edited.toml` (or `-edited-2`, … if taken) in `dir`, never over one of
/// `inputs`, and returns its path.
pub fn save(dir: &Path, scenario: &Scenario, inputs: &Inputs) -> anyhow::Result<PathBuf> {
    let mut s = scenario.clone();
    let base = s.scenario.id.trim_end_matches("-edited").to_string();
    s.scenario.id = format!("{base}-edited");
    if !s.scenario.name.ends_with("(edited)") {
        s.scenario.name = format!("{} (edited)", s.scenario.name);
    }
    let mut path = dir.join(format!("{}.toml", s.scenario.id));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{}-{n}.toml", s.scenario.id));
        n += 1;
    }
    // The scenario's own file with only the edited values changed, so its sourced and judged
    // notes stay; a plain serialisation if that text cannot be had.
    let original = match &scenario.provenance.file {
        Some(file) => std::fs::read_to_string(file).ok(),
        None => builtin_source(&base).map(str::to_string),
    }
    // A scenario that extends another is saved whole, written into its root's text so that
    // the root's notes stay beside the numbers they explain.
    .map(|own| crate::scenario::inherit::root_text(scenario, own));
    let edits = match s.provenance.edited_note() {
        note if note.is_empty() => String::new(),
        note => format!("; {note}"),
    };
    let body = original
        .and_then(|text| edit_source(&text, &s))
        .unwrap_or_else(|| s.to_toml());
    let text = format!(
        "# Saved from the safetech interactive view from scenario \"{base}\"{edits}.\n\n{body}"
    );
    write_atomic(&path, text.as_bytes(), inputs)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;

    #[test]
    fn saved_file_loads_back_with_the_edits() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = load("tests/fixtures/osa-fixed.toml").unwrap();
        s.growth.volatility = 0.12;
        s.events[0].outcomes[0].probability = 0.5;
        let p1 = save(dir.path(), &s, &Inputs::none()).unwrap();
        let p2 = save(dir.path(), &s, &Inputs::none()).unwrap();
        assert_ne!(p1, p2, "an existing file is never overwritten");
        let back = load(p1.to_str().unwrap()).unwrap();
        assert_eq!(back.growth, s.growth);
        assert_eq!(back.events, s.events);
        assert_eq!(back.scenario.id, "osa-enforced-edited");
        // The file's notes survive and the history stays one readable line.
        let text = std::fs::read_to_string(&p1).unwrap();
        assert!(text.contains("# fines and age checks bite"), "{text}");
        assert!(
            text.contains("history = [[2020, 226.0], [2021, 314.0]"),
            "{text}"
        );
    }
}
