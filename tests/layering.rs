//! Data flows one way, and each module names only what is below it:
//!
//!   scenario → sim → stats → analysis → lesson → report / chart → tui → commands
//!
//! with small leaves (`error`, `format`, `quantile`, …) that any layer may use. This reads the
//! sources and fails when a module names one it may not, so the rule holds without review. Every
//! module under `src/` must be listed here: a new one is a failure until it is given its place.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Modules any layer may use, and what each of them may use in turn.
const LEAVES: &[(&str, &[&str])] = &[
    ("error", &["text"]),
    ("text", &[]),
    ("format", &[]),
    ("quantile", &[]),
    ("numbers", &[]),
    ("math", &[]),
    ("series_style", &[]),
    ("output", &["error"]),
];

/// Each layer, bottom up, with the layers below it that it may name (leaves always allowed).
const LAYERS: &[(&str, &[&str])] = &[
    ("scenario", &[]),
    ("sim", &["scenario"]),
    ("stats", &["sim", "scenario"]),
    ("analysis", &["stats", "sim", "scenario"]),
    ("backtest", &["stats", "sim", "scenario"]),
    ("lesson", &["analysis", "stats", "sim", "scenario"]),
    (
        "report",
        &["backtest", "analysis", "stats", "sim", "scenario"],
    ),
    ("chart", &["lesson", "analysis", "stats", "sim", "scenario"]),
    ("completion", &["scenario"]),
    (
        "tui",
        &["chart", "lesson", "analysis", "stats", "sim", "scenario"],
    ),
    // Parses the command line; names the settings types of the layers it parses for.
    (
        "cli",
        &[
            "completion",
            "tui",
            "chart",
            "report",
            "lesson",
            "analysis",
            "stats",
            "sim",
            "scenario",
        ],
    ),
    (
        "commands",
        &[
            "cli",
            "completion",
            "tui",
            "chart",
            "report",
            "lesson",
            "backtest",
            "analysis",
            "stats",
            "sim",
            "scenario",
        ],
    ),
];

/// Files that are the crate itself, not a layer.
const ROOTS: &[&str] = &["lib", "main"];

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in fs::read_dir(path).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The module's sources: `src/NAME.rs` or everything under `src/NAME/`.
fn module_files(name: &str) -> Vec<PathBuf> {
    let file = PathBuf::from(format!("src/{name}.rs"));
    let dir = PathBuf::from(format!("src/{name}"));
    let mut out = Vec::new();
    if file.is_file() {
        out.push(file);
    }
    if dir.is_dir() {
        out.extend(rust_files(&dir));
    }
    out
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Every top-level module a source names through `crate::`, including grouped imports
/// (`use crate::{format, stats::Z95};`).
fn named_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The names at the top level of the braces.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && depth == 0 && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[j..]);
                        if !name.is_empty() {
                            out.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The modules `layer` may name: itself, what its entry allows, and the leaves.
fn allowed(layer: &str) -> Vec<&'static str> {
    let mut out: Vec<&str> = LEAVES.iter().map(|(l, _)| *l).collect();
    out.push("VERSION");
    if let Some((_, uses)) = LEAVES.iter().find(|(l, _)| *l == layer) {
        // A leaf uses only the leaves it names.
        let mut own: Vec<&str> = uses.to_vec();
        own.push("VERSION");
        return own;
    }
    if let Some((_, below)) = LAYERS.iter().find(|(l, _)| *l == layer) {
        out.extend_from_slice(below);
    }
    out
}

/// `file names crate::X` for every name in `text` that `layer` may not use.
fn violations(layer: &str, file: &Path, text: &str) -> Vec<String> {
    let ok = allowed(layer);
    named_modules(text)
        .into_iter()
        .filter(|name| name != layer && !ok.contains(&name.as_str()))
        .map(|name| format!("{} ({layer}) names crate::{name}", file.display()))
        .collect()
}

#[test]
fn every_module_names_only_what_is_below_it() {
    let mut bad = Vec::new();
    for (layer, _) in LEAVES.iter().chain(LAYERS) {
        let files = module_files(layer);
        assert!(!files.is_empty(), "no sources found for {layer}");
        for f in files {
            bad.extend(violations(layer, &f, &fs::read_to_string(&f).unwrap()));
        }
    }
    assert!(
        bad.is_empty(),
        "layers reach above themselves:\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_module_has_a_place() {
    let known: Vec<&str> = LEAVES
        .iter()
        .chain(LAYERS)
        .map(|(l, _)| *l)
        .chain(ROOTS.iter().copied())
        .collect();
    for entry in fs::read_dir("src").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            known.contains(&name.as_str()),
            "src/{name} is in no layer: give it its place in tests/layering.rs"
        );
    }
}

#[test]
fn chart_and_the_view_format_numbers_without_report() {
    for layer in ["chart", "tui"] {
        for f in module_files(layer) {
            let names = named_modules(&fs::read_to_string(&f).unwrap());
            assert!(!names.contains("report"), "{} names report", f.display());
        }
    }
}

#[test]
fn a_planted_upward_import_is_caught() {
    let f = Path::new("src/sim/planted.rs");
    for text in [
        "use crate::stats::Z95;",
        "fn f() { crate::tui::run(); }",
        "use crate::{quantile, report::Format};",
        "use crate::{\n    scenario::{Scenario, load},\n    commands,\n};",
    ] {
        assert_eq!(violations("sim", f, text).len(), 1, "{text}");
    }
    assert!(violations("sim", f, "use crate::{quantile, scenario::Scenario};").is_empty());
    // The view may not format through report, though report is below commands.
    assert_eq!(
        violations("tui", Path::new("src/tui/x.rs"), "crate::report::f()").len(),
        1
    );
    // A leaf uses only the leaves it names.
    assert_eq!(
        violations("format", Path::new("src/format.rs"), "crate::quantile::f()").len(),
        1
    );
}
