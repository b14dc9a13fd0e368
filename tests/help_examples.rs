//! Every example in every `--help` and in the README runs as written, through a shell, in a
//! fresh directory: a documented command that fails, or a `--set` that visibly does nothing,
//! fails here.

use std::path::Path;
use std::process::Command;

use crate::common::BIN;

/// Commands that open the interactive view or the walkthrough: without a terminal they must
/// stop with the view's own message (the pseudo-terminal tests drive them for real).
fn interactive(command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    words == ["safetech"]
        || words.get(1) == Some(&"tui")
        || (words.get(1) == Some(&"teach") && !command.contains("--export-slides"))
}

/// The command part of an example line: before its `#` comment.
fn command_of(line: &str) -> &str {
    line.split(" #").next().unwrap().trim()
}

/// The analyses that rerun a scenario once per input (`sensitivity`, `solve --param`, a tornado
/// chart) take 7–13 s of CPU each at the default 100,000 paths in the test build; where an
/// example leaves the count to the default they run at 10,000. What is checked, that the
/// example is valid and does what it says, does not depend on the count; the precision and
/// million-path examples run as written.
fn at_test_cost(command: &str) -> String {
    let words: Vec<&str> = command.split_whitespace().collect();
    let analysis = matches!(words.get(1), Some(&"sensitivity") | Some(&"solve"))
        || command.contains("--chart tornado");
    let counted = words
        .iter()
        .any(|w| matches!(*w, "-n" | "--paths" | "--precision"));
    match (analysis && !counted, command.split_once(" >")) {
        (false, _) => command.to_string(),
        (true, Some((head, tail))) => format!("{head} -n 10000 >{tail}"),
        (true, None) => format!("{command} -n 10000"),
    }
}

/// Runs `command` with `sh` in `dir`, with the program under test first on PATH and HOME in
/// `dir` (so `~/…` targets land there), creating the parent of any `>` target first.
fn shell(dir: &Path, command: &str) -> std::process::Output {
    if let Some((_, target)) = command.split_once('>') {
        let target = target.trim().trim_start_matches('>').trim();
        let target = target
            .strip_prefix("~/")
            .map_or(dir.join(target), |t| dir.join(t));
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    }
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

/// The line of a run's text that states P(target), for comparing a `--set` against the stock.
fn headline(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout)
        .lines()
        .find(|l| l.starts_with("P("))
        .unwrap_or_default()
        .to_string()
}

/// Runs the examples, checking each: interactive ones stop for want of a terminal, the rest
/// succeed, and a `--set` changes the P(target) line against the same command without it.
/// Each group runs in order in a directory of its own (later lines read what earlier ones
/// wrote), holding a copy of the built-in scenarios and the history; groups run side by side.
/// A command documented twice runs once where it can.
fn run_all(groups: Vec<Vec<String>>) {
    // Groups of several lines run whole; a line on its own is left out where it runs elsewhere.
    let mut seen: std::collections::HashSet<String> = groups
        .iter()
        .filter(|g| g.len() > 1)
        .flatten()
        .cloned()
        .collect();
    let groups: Vec<Vec<String>> = groups
        .into_iter()
        .filter(|g| g.len() > 1 || seen.insert(g[0].clone()))
        .collect();
    std::thread::scope(|scope| {
        for group in &groups {
            scope.spawn(move || run_group(group));
        }
    });
}

fn run_group(group: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    for entry in std::fs::read_dir(&scenarios).unwrap() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "toml") {
            std::fs::copy(
                entry.path(),
                dir.path().join("scenarios").join(entry.file_name()),
            )
            .unwrap();
        }
    }
    assert!(
        shell(dir.path(), "safetech history > history.csv")
            .status
            .success()
    );
    for command in group {
        let command = &at_test_cost(command);
        let out = shell(dir.path(), command);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if interactive(command) {
            assert_eq!(out.status.code(), Some(2), "`{command}`: {stderr}");
            assert!(stderr.contains("needs a terminal"), "`{command}`: {stderr}");
            continue;
        }
        assert!(out.status.success(), "`{command}` failed: {stderr}");
        assert!(!stderr.contains("warning"), "`{command}` warns: {stderr}");
        if let Some(at) = command.find(" --set ") {
            let rest = &command[at + " --set ".len()..];
            let setting = rest.split_whitespace().next().unwrap();
            let stock = command.replace(&format!(" --set {setting}"), "");
            let stock_out = shell(dir.path(), &stock);
            assert!(stock_out.status.success(), "`{stock}`");
            let (edited, stock_line) = (headline(&out.stdout), headline(&stock_out.stdout));
            assert!(!edited.is_empty(), "`{command}` prints no P(target) line");
            assert_ne!(
                edited, stock_line,
                "`{command}`: --set {setting} leaves the figure shown as it was"
            );
        }
    }
}

/// Every example of every subcommand's `--help`, and of the README's shell blocks: a block
/// that makes its own inputs (with `echo`) runs in order, any other line on its own.
#[test]
fn every_documented_example_runs() {
    // A subcommand's nested commands share a group: `scenarios validate` reads the file an
    // example of `scenarios show` writes.
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut last_top = "";
    for (name, lines) in safetech::cli::EXAMPLES {
        let top = name.split(' ').next().unwrap();
        if top != last_top {
            groups.push(Vec::new());
            last_top = top;
        }
        let group = groups.last_mut().unwrap();
        group.extend(lines.iter().map(|l| command_of(l).to_string()));
    }
    let help_count: usize = groups.iter().map(Vec::len).sum();
    assert!(help_count > 30, "{help_count} help examples");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut pending = String::new();
    let mut in_shell = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_shell = line == "```sh";
            if in_shell {
                blocks.push(Vec::new());
            }
            continue;
        }
        if !in_shell {
            continue;
        }
        // A continued line joins the next.
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        let whole = std::mem::take(&mut pending) + line;
        let command = command_of(&whole);
        // The program's own lines, and the shell lines between them that make their inputs.
        if command.starts_with("safetech") || command.starts_with("echo ") {
            blocks.last_mut().unwrap().push(command.to_string());
        }
    }
    let readme_count: usize = blocks.iter().map(Vec::len).sum();
    assert!(readme_count > 20, "{readme_count} README examples");
    for block in blocks {
        if block.iter().any(|c| c.starts_with("echo ")) {
            groups.push(block);
        } else {
            groups.extend(block.into_iter().map(|c| vec![c]));
        }
    }
    run_all(groups);
}
