//! Saving an edited scenario as a TOML file that `--scenario` can load again.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context;

use crate::output::write_new;
use crate::scenario::{Scenario, builtin_source, edit_source};

/// A scenario file's text as the view read it at start, and what the file was then. A save
/// writes its edits into this text and never reads the file again: a FIFO put in its place
/// would block the interface for ever, a link to `/dev/zero` would be read without end, and a
/// file rewritten meanwhile would mix its comments with the view's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub path: PathBuf,
    pub text: String,
    stamp: Option<Stamp>,
}

/// What a regular file was: its length, modification time and identity.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    id: Option<(u64, u64)>,
}

impl Stamp {
    /// The file's metadata (never its contents); none unless it is a regular file.
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        #[cfg(unix)]
        let id = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let id = None;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            id,
        })
    }
}

impl Loaded {
    /// `text`, just read from `path`.
    pub fn new(path: PathBuf, text: String) -> Loaded {
        let stamp = Stamp::of(&path);
        Loaded { path, text, stamp }
    }

    /// Whether the file is no longer what it was when read: another length, time or file, or
    /// no longer a regular file. Looks at its metadata only; never opens it.
    pub fn changed(&self) -> bool {
        self.stamp.is_none() || Stamp::of(&self.path) != self.stamp
    }
}

/// Names tried before giving up: `-edited`, `-edited-2`, … `-edited-999`.
const NAMES_TRIED: u32 = 999;

/// Writes `<id>-edited.toml` (or `-edited-2`, … if taken) in `dir` and returns its path. The
/// file is created new: an existing file or link under the name is never written through.
///
/// The edits are written into `loaded`, the text the scenario was read from (for a built-in,
/// its own text), so that its sourced and judged notes stay; a plain serialisation when there
/// is no such text.
pub fn save(dir: &Path, scenario: &Scenario, loaded: Option<&str>) -> anyhow::Result<PathBuf> {
    let mut s = scenario.clone();
    let base = s.scenario.id.trim_end_matches("-edited").to_string();
    s.scenario.id = format!("{base}-edited");
    if !s.scenario.name.ends_with("(edited)") {
        s.scenario.name = format!("{} (edited)", s.scenario.name);
    }
    let original = match (loaded, &scenario.provenance.file) {
        (Some(text), _) => Some(text.to_string()),
        (None, None) => builtin_source(&base).map(str::to_string),
        (None, Some(_)) => None,
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
    for n in 1..=NAMES_TRIED {
        let name = match n {
            1 => format!("{}.toml", s.scenario.id),
            n => format!("{}-{n}.toml", s.scenario.id),
        };
        let path = dir.join(name);
        match write_new(&path, text.as_bytes()) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
        }
    }
    anyhow::bail!(
        "{} {}.toml to {}-{NAMES_TRIED}.toml are all taken; move some away",
        dir.display(),
        s.scenario.id,
        s.scenario.id
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;

    const FIXTURE: &str = "tests/fixtures/osa-fixed.toml";

    fn edited() -> Scenario {
        let mut s = load(FIXTURE).unwrap();
        s.growth.volatility = 0.12;
        s.events[0].outcomes[0].probability = 0.5;
        s
    }

    #[test]
    fn saved_file_loads_back_with_the_edits() {
        let dir = tempfile::tempdir().unwrap();
        let s = edited();
        let text = std::fs::read_to_string(FIXTURE).unwrap();
        let p1 = save(dir.path(), &s, Some(&text)).unwrap();
        let p2 = save(dir.path(), &s, Some(&text)).unwrap();
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

    /// The file replaced after loading by a link to `/dev/zero` was read
    /// again on save, without end. Now the change is seen from its metadata, and the save
    /// writes into the text read at load.
    #[cfg(unix)]
    #[test]
    fn save_never_reads_the_scenario_file_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mine.toml");
        std::fs::copy(FIXTURE, &file).unwrap();
        let loaded = Loaded::new(file.clone(), std::fs::read_to_string(&file).unwrap());
        assert!(!loaded.changed());
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
        assert!(loaded.changed(), "a device in the file's place is a change");
        let path = save(dir.path(), &edited(), Some(&loaded.text)).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("# fines and age checks bite"), "{text}");
        // Rewritten in place with other text: also a change.
        std::fs::remove_file(&file).unwrap();
        std::fs::write(&file, "x").unwrap();
        assert!(loaded.changed());
    }

    /// A dangling link planted under the name a save chooses was written
    /// through, creating the file it named. Now the name counts as taken and is left alone.
    #[cfg(unix)]
    #[test]
    fn save_never_follows_a_planted_link() {
        let dir = tempfile::tempdir().unwrap();
        let planted = dir.path().join("planted.toml");
        let link = dir.path().join("osa-enforced-edited.toml");
        std::os::unix::fs::symlink(&planted, &link).unwrap();
        let text = std::fs::read_to_string(FIXTURE).unwrap();
        let path = save(dir.path(), &edited(), Some(&text)).unwrap();
        assert_eq!(path, dir.path().join("osa-enforced-edited-2.toml"));
        assert!(!planted.exists(), "the link was followed");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
    }
}
