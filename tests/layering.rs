//! Data flows scenario → sim → stats → report/chart/tui, and nothing flows back. This reads the
//! sources and fails when a lower layer names a higher one, so the rule holds without review.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// Every `crate::X` a source names, with the file it is in.
fn crate_paths(files: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for f in files {
        let text = fs::read_to_string(f).unwrap();
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((f.clone(), name));
        }
    }
    out
}

fn assert_layer_uses_only(layer: &str, files: Vec<PathBuf>, allowed: &[&str]) {
    assert!(!files.is_empty(), "no sources found for {layer}");
    let bad: Vec<String> = crate_paths(&files)
        .into_iter()
        .filter(|(_, name)| !allowed.contains(&name.as_str()))
        .map(|(f, name)| format!("{} names crate::{name}", f.display()))
        .collect();
    assert!(
        bad.is_empty(),
        "{layer} reaches above itself:\n{}",
        bad.join("\n")
    );
}

#[test]
fn number_formatting_depends_on_nothing_in_the_crate() {
    assert_layer_uses_only("format", vec![PathBuf::from("src/format.rs")], &[]);
}

#[test]
fn order_statistics_depend_on_nothing_in_the_crate() {
    assert_layer_uses_only("quantile", vec![PathBuf::from("src/quantile.rs")], &[]);
}

#[test]
fn statistics_do_not_depend_on_reports_charts_or_the_interface() {
    assert_layer_uses_only(
        "stats",
        rust_files(Path::new("src/stats")),
        &["stats", "sim", "scenario", "format", "quantile", "VERSION"],
    );
}

#[test]
fn the_engine_does_not_depend_on_statistics_or_output() {
    assert_layer_uses_only(
        "sim",
        rust_files(Path::new("src/sim")),
        // `quantile` is plain order statistics over slices, below everything.
        &["sim", "scenario", "error", "quantile"],
    );
}

/// The library's layers take plain settings types; only `commands` (and `main`) read the
/// command line. So no layer names `crate::cli` or `crate::commands`.
#[test]
fn no_layer_names_the_command_line() {
    for layer in [
        "src/tui",
        "src/chart",
        "src/report",
        "src/stats",
        "src/sim",
        "src/analysis",
        "src/lesson",
    ] {
        let files = rust_files(Path::new(layer));
        assert!(!files.is_empty(), "no sources found for {layer}");
        let bad: Vec<String> = crate_paths(&files)
            .into_iter()
            .filter(|(_, name)| name == "cli" || name == "commands")
            .map(|(f, name)| format!("{} names crate::{name}", f.display()))
            .collect();
        assert!(
            bad.is_empty(),
            "{layer} reaches the command line:\n{}",
            bad.join("\n")
        );
    }
}
