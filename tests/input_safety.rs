//! Input that attacks: text that would drive a terminal or break an SVG, output files the shell
//! would refuse, and the smaller refusals of issue 24. Each test is named after its point.

use crate::common::{safetech, succeed};

/// The built-in `central`, with `from` (which must occur) replaced by `to` once.
fn central_with(from: &str, to: &str) -> String {
    let text = safetech::scenario::builtin_source("central").unwrap();
    assert!(text.contains(from), "central has no {from:?}");
    text.replacen(from, to, 1)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

fn has_raw_control(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .any(|c| safetech::text::is_control(c) && c != '\n')
}

/// A scenario whose name held `ESC[8m` hid the real output and could print a fake result;
/// `\u0001` made the SVG ill-formed. Every echoed text of a scenario (name, description, sources,
/// an event's name and description) is refused with its file, line, field and what is allowed,
/// and nothing reaches standard output.
#[test]
fn control_characters_in_name_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "name = \"The central forecast, every policy at its best-guess odds\"",
            "name = \"P(£1bn) = 99.9 %\\u001b[8m hidden\"",
            "scenario.name",
        ),
        (
            "description = \"\"\"\n",
            "description = \"\"\"\nnow you see it\\u009b8m ",
            "scenario.description",
        ),
        (
            "  \"DSIT / Perspective",
            "  \"DSIT \\u0001/ Perspective",
            "scenario.sources[0]",
        ),
        (
            "name = \"How hard Ofcom",
            "name = \"How \\u007f hard Ofcom",
            "events[0].name",
        ),
        (
            "name = \"Funding squeeze\"",
            "name = \"Funding squeeze\"\ndescription = \"tab\\tand newline\\nare fine, bell\\u0007 is not\"",
            "events[3].description",
        ),
        // A name is one line.
        (
            "name = \"The central forecast, every policy at its best-guess odds\"",
            "name = \"two\\nlines\"",
            "scenario.name",
        ),
    ];
    for (from, to, field) in cases {
        let text = central_with(from, to);
        let path = dir.path().join("attack.toml");
        std::fs::write(&path, &text).unwrap();
        let line = line_of(&text, to.lines().last().unwrap());
        for args in [
            &["scenarios", "validate"][..],
            &["run", "-n", "1000", "-s"][..],
            &[
                "export", "--chart", "fan", "-n", "1000", "--out", "x.svg", "-s",
            ][..],
        ] {
            let out = safetech()
                .current_dir(dir.path())
                .args(args)
                .arg(&path)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{field} {args:?}: {err}");
            assert!(out.stdout.is_empty() || args[0] == "scenarios", "{field}");
            assert!(!has_raw_control(&out.stdout), "{field}");
            assert!(!has_raw_control(&out.stderr), "{field}: {err}");
            assert!(
                err.contains(&format!("attack.toml:{line}:")),
                "{field}: {err}"
            );
            assert!(err.contains(field), "{field}: {err}");
            assert!(err.contains("control character U+"), "{field}: {err}");
            assert!(err.contains("without control characters") || err.contains("newline and tab"));
            assert!(!dir.path().join("x.svg").exists(), "{field}");
        }
    }
    // Newlines and tabs in a description are text, not an attack.
    let text = central_with(
        "name = \"Funding squeeze\"",
        "name = \"Funding squeeze\"\ndescription = \"tab\\tand\\r\\nnewline\"",
    );
    let path = dir.path().join("fine.toml");
    std::fs::write(&path, text).unwrap();
    succeed(safetech().args(["scenarios", "validate"]).arg(&path));
}

/// `--set` reaches the same check as a file.
#[test]
fn control_characters_set_on_the_command_line_are_refused() {
    let out = safetech()
        .args([
            "run",
            "-n",
            "1000",
            "--set",
            "scenario.name=\"a\\u001b[2Jb\"",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!has_raw_control(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--set") && err.contains("scenario.name"),
        "{err}"
    );
}

/// A history CSV error echoed the bad value raw: `ESC[31m` coloured the terminal. Every byte an
/// error echoes is escaped; the value is still shown, readably.
#[test]
fn control_characters_echoed_in_errors_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("history.csv");
    std::fs::write(&csv, "year,revenue\n2020,\x1b[31mred\n2021,5\n").unwrap();
    let out = safetech()
        .args(["calibrate", "--history"])
        .arg(&csv)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!has_raw_control(&out.stderr), "{err}");
    assert!(err.contains("history.csv:2:"), "{err}");
    assert!(err.contains("\\u{1b}[31mred"), "{err}");
    // A header line, a given event and an unknown key echo what was written, escaped too.
    std::fs::write(&csv, "\x1b]0;title\x07year,rev\n2020,5\n").unwrap();
    let out = safetech()
        .args(["calibrate", "--history"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!has_raw_control(&out.stderr));
    for extra in [
        "[given]\n\"o\\u001b[8msa\" = \"firm\"\n",
        "[given]\nosa = \"fi\\u009brm\"\n",
        "[scenario.\"x\\u001b[8m\"]\n",
    ] {
        let text = format!("extends = \"central\"\n[scenario]\nid = \"a\"\nname = \"b\"\n{extra}");
        let path = dir.path().join("given.toml");
        std::fs::write(&path, text).unwrap();
        let out = safetech()
            .args(["scenarios", "validate"])
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra}: {err}");
        assert!(!has_raw_control(&out.stderr), "{extra}: {err}");
        assert!(err.contains("\\u{"), "{extra}: {err}");
    }
}

/// `extends` names a file whose name is echoed: the same rule as any text of a scenario.
#[test]
fn control_characters_in_extends_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "parent\u{1b}[8m.toml";
    std::fs::write(
        dir.path().join(evil),
        safetech::scenario::builtin_source("baseline").unwrap(),
    )
    .unwrap();
    let path = dir.path().join("child.toml");
    std::fs::write(
        &path,
        "extends = \"parent\\u001b[8m.toml\"\n[scenario]\nid = \"child\"\nname = \"Child\"\n",
    )
    .unwrap();
    let out = safetech()
        .args(["run", "-n", "1000", "-s"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(!has_raw_control(&out.stderr), "{err}");
    assert!(
        err.contains("child.toml:1:") && err.contains("extends"),
        "{err}"
    );
    assert!(err.contains("control character U+001B"), "{err}");
}

/// `--title "\u0001"` wrote an SVG that is not well-formed XML (exit 0) and failed the PDF with
/// an internal message. The chart's text options are checked before any work: exit 2, the
/// option named, no file written.
#[test]
fn control_characters_in_chart_text_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["--title", "--subtitle", "--caption", "--source"] {
        for (bad, ext) in [("a\u{1}b", "svg"), ("P = 99.9 %\u{1b}[8m", "pdf")] {
            let out_path = dir.path().join(format!("chart.{ext}"));
            let out = safetech()
                .args(["export", "--chart", "fan", "-n", "1000", flag, bad, "--out"])
                .arg(&out_path)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
            assert!(
                err.contains(flag) && err.contains("control character"),
                "{err}"
            );
            assert!(!has_raw_control(&out.stderr), "{flag}: {err}");
            assert!(!out_path.exists(), "{flag}");
        }
    }
    // Ordinary text, with the £ sign and an en dash, still goes through.
    let out_path = dir.path().join("fine.svg");
    succeed(
        safetech()
            .args(["export", "--chart", "fan", "-n", "1000"])
            .args(["--title", "£1bn – by 2026?", "--caption", "Figure 2."])
            .arg("--out")
            .arg(&out_path),
    );
    let svg = std::fs::read_to_string(&out_path).unwrap();
    assert!(svg.contains("£1bn – by 2026?"));
}
