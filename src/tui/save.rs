//! Saving an edited scenario as a TOML file that `--scenario` can load again.

use std::path::{Path, PathBuf};

use crate::output::write_atomic;
use crate::scenario::Scenario;

/// Writes `<id>-edited.toml` (or `-edited-2`, … if taken) in `dir` and returns its path.
pub fn save(dir: &Path, scenario: &Scenario) -> anyhow::Result<PathBuf> {
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
    let text = format!(
        "# Saved from the safetech interactive view; edited from scenario \"{base}\".\n\n{}",
        s.to_toml()
    );
    write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;

    #[test]
    fn saved_file_loads_back_with_the_edits() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = load("osa-enforced").unwrap();
        s.growth.volatility = 0.12;
        s.events[0].outcomes[0].probability = 0.5;
        let p1 = save(dir.path(), &s).unwrap();
        let p2 = save(dir.path(), &s).unwrap();
        assert_ne!(p1, p2, "an existing file is never overwritten");
        let back = load(p1.to_str().unwrap()).unwrap();
        assert_eq!(back.growth, s.growth);
        assert_eq!(back.events, s.events);
        assert_eq!(back.scenario.id, "osa-enforced-edited");
    }
}
