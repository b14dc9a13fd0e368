//! Input that attacks: text that would drive a terminal or break an SVG, output files the shell
//! would refuse, and smaller refusals. Each test is named after what it refuses.

use crate::common::{json_of, safetech, succeed};

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

/// Runs `args` of the program, then the shell's `>` on the same file, as the user with ids
/// `as_user` (or as we are): whether each wrote.
#[cfg(unix)]
fn program_and_shell(
    as_user: Option<u32>,
    dir: &std::path::Path,
    args: &[&str],
    file: &std::path::Path,
) -> (bool, bool, String) {
    use std::os::unix::process::CommandExt;
    let mut program = std::process::Command::new(crate::common::BIN);
    program.current_dir(dir).args(args).arg(file);
    let mut shell = std::process::Command::new("sh");
    shell
        .current_dir(dir)
        .arg("-c")
        .arg("printf x 2>/dev/null > \"$1\"")
        .arg("sh")
        .arg(file);
    if let Some(id) = as_user {
        program.uid(id).gid(id);
        shell.uid(id).gid(id);
    }
    let before = std::fs::read(file).unwrap();
    let out = program.output().unwrap();
    let wrote = std::fs::read(file).unwrap() != before;
    assert_eq!(
        out.status.success(),
        wrote,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shell_wrote = shell.status().unwrap().success();
    (
        wrote,
        shell_wrote,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// As a user other than root, a 0444 output file was silently replaced where the shell's `>`
/// refuses. The program now does as the shell does, for whoever runs it: root may write it
/// (as `>` may), anyone else is refused, the file untouched, the option named. Run as root,
/// the test also runs both as `nobody` (uid 65534).
#[cfg(unix)]
#[test]
fn read_only_output_files_are_refused_as_the_shell_would() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // SAFETY: geteuid only reads the process's effective user id.
    let root = unsafe { libc::geteuid() } == 0;
    // As root, the folder and files belong to `nobody`, as a user's own files do: the folder
    // is theirs to write, only the file's mode says no.
    let owner = |path: &std::path::Path| {
        if root {
            std::os::unix::fs::chown(path, Some(65534), Some(65534)).unwrap();
        }
    };
    owner(dir.path());
    let users: Vec<Option<u32>> = if root {
        vec![None, Some(65534)]
    } else {
        vec![None]
    };
    for (args, name) in [
        (&["history", "--out"][..], "history.csv"),
        (&["run", "-n", "1000", "--out"][..], "run.json"),
        (
            &["export", "--chart", "fan", "-n", "1000", "--out"][..],
            "fan.svg",
        ),
    ] {
        for &user in &users {
            let file = dir.path().join(name);
            let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644));
            std::fs::write(&file, "old").unwrap();
            owner(&file);
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
            let (wrote, shell_wrote, err) = program_and_shell(user, dir.path(), args, &file);
            assert_eq!(wrote, shell_wrote, "{args:?} as {user:?}: {err}");
            let as_root = root && user.is_none();
            assert_eq!(wrote, as_root, "{args:?} as {user:?}: {err}");
            if !wrote {
                assert!(
                    err.contains("cannot be written by this user (mode 0444"),
                    "{err}"
                );
                if args[0] != "history" {
                    assert!(err.contains("--out"), "{err}");
                }
                // Refused before any work: no temporary file left beside it.
                let left: Vec<_> = std::fs::read_dir(dir.path())
                    .unwrap()
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().starts_with(".safetech-"))
                    .collect();
                assert!(left.is_empty(), "{left:?}");
            }
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o444, "{args:?}: the file keeps its mode");
        }
    }
}

/// The temporary file of an atomic replace was created 0644 and written before it got the
/// replaced file's mode, so a 0600 file's new contents were readable by others for a moment.
/// It now has the file's mode before a byte is written. The program is held with the new
/// contents written (a debug-build hook) while the test reads the temporary file's mode.
#[cfg(unix)]
#[test]
fn a_private_file_is_never_readable_while_it_is_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("private.csv");
    std::fs::write(&file, "old").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut child = std::process::Command::new(crate::common::BIN)
        .args(["history", "--out"])
        .arg(&file)
        .env("SAFETECH_TEST_WRITE_PAUSE_MS", "1500")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let mut seen = None;
    while seen.is_none() && start.elapsed() < std::time::Duration::from_secs(20) {
        for entry in std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".safetech-")
                && let Ok(meta) = entry.metadata()
                && meta.len() > 0
            {
                seen = Some(meta.permissions().mode() & 0o777);
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(child.wait().unwrap().success());
    let mode = seen.expect("the temporary file was never seen with its contents");
    assert_eq!(
        mode, 0o600,
        "the new contents were readable with mode {mode:o}"
    );
    let after = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(after, 0o600);
    assert_ne!(std::fs::read_to_string(&file).unwrap(), "old");
}

/// Refusals of `--data` and `--write-scenario` named `--out`, or no option at all, and a
/// `--data` in a missing folder failed only after the chart was written. Each names its own
/// option, before any work.
#[test]
fn refusals_name_the_data_and_write_scenario_flags() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    std::fs::write(&history, safetech::scenario::history::SHIPPED_HISTORY).unwrap();
    let missing = dir.path().join("no-such-folder").join("x.toml");
    // An input is refused as invalid (exit 2); a missing folder is an I/O failure (exit 1).
    for (write_to, says, code) in [
        (&history, "input of this run", 2),
        (&missing, "does not exist", 1),
    ] {
        let out = safetech()
            .args(["calibrate", "--history"])
            .arg(&history)
            .arg("--write-scenario")
            .arg(write_to)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{err}");
        assert!(
            err.contains("--write-scenario") && err.contains(says),
            "{err}"
        );
        assert!(!err.contains("--out"), "{err}");
        assert!(out.stdout.is_empty());
    }
    let chart = dir.path().join("fan.png");
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        safetech::scenario::builtin_source("baseline").unwrap(),
    )
    .unwrap();
    let missing = dir.path().join("no-such-folder").join("x.csv");
    // An input is refused as invalid (exit 2); a missing folder is an I/O failure (exit 1).
    for (data, says, code) in [
        (&scenario, "input of this run", 2),
        (&missing, "does not exist", 1),
    ] {
        let out = safetech()
            .args(["export", "--chart", "fan", "-n", "1000", "-s"])
            .arg(&scenario)
            .arg("--out")
            .arg(&chart)
            .arg("--data")
            .arg(data)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{err}");
        assert!(err.contains("--data") && err.contains(says), "{err}");
        assert!(!err.contains("--out"), "{err}");
        assert!(
            !chart.exists(),
            "the chart was written before --data was refused"
        );
    }
}

/// Spreadsheets save "CSV UTF-8" with a byte-order mark, which made the header unreadable.
#[test]
fn a_utf8_bom_in_a_history_csv_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.csv");
    let bom = dir.path().join("bom.csv");
    let text = safetech::scenario::history::SHIPPED_HISTORY;
    std::fs::write(&plain, text).unwrap();
    std::fs::write(&bom, format!("\u{feff}{text}")).unwrap();
    let calibrated = |path: &std::path::Path| {
        json_of(
            safetech()
                .args(["calibrate", "-f", "json", "--history"])
                .arg(path),
        )
    };
    let (a, b) = (calibrated(&plain), calibrated(&bom));
    for key in [
        "first_year",
        "last_year",
        "mean_log",
        "initial",
        "volatility",
    ] {
        assert!(a[key].is_number(), "{key}: {a}");
        assert_eq!(a[key], b[key], "{key}");
    }
    // A BOM anywhere else is still not a header.
    std::fs::write(&bom, format!("# note\n\u{feff}{text}")).unwrap();
    let out = safetech()
        .args(["calibrate", "--history"])
        .arg(&bom)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// An `[ranges]` entry beyond what its input may take passed `validate` and was refused only
/// by `sensitivity`, blamed on a `--set` nobody typed. `validate` now refuses it, naming the
/// file, line and entry.
#[test]
fn an_out_of_bounds_range_is_refused_by_validate() {
    let dir = tempfile::tempdir().unwrap();
    let base = safetech::scenario::builtin_source("baseline").unwrap();
    for (entry, says) in [
        ("\"growth.volatility\" = [0.1, 5]", "high end, 5"),
        ("\"growth.initial\" = [-3, 0.4]", "low end, -3"),
        ("\"target.revenue\" = [0, 2000]", "low end, 0"),
    ] {
        let text = format!("{base}\n[ranges]\n{entry}\n");
        let line = line_of(&text, entry);
        let path = dir.path().join("ranges.toml");
        std::fs::write(&path, &text).unwrap();
        for args in [
            &["scenarios", "validate"][..],
            &["sensitivity", "-n", "2000", "-s"][..],
        ] {
            let out = safetech().args(args).arg(&path).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{entry}: {err}");
            assert!(
                err.contains(&format!("ranges.toml:{line}:")),
                "{entry}: {err}"
            );
            assert!(
                err.contains("ranges.\"") && err.contains(says),
                "{entry}: {err}"
            );
            assert!(!err.contains("--set"), "{entry}: {err}");
        }
    }
    // Wide ranges inside the limits are the scenario's to choose.
    let text = format!("{base}\n[ranges]\n\"growth.volatility\" = [0.01, 1.5]\n");
    let path = dir.path().join("wide.toml");
    std::fs::write(&path, text).unwrap();
    succeed(safetech().args(["scenarios", "validate"]).arg(&path));
}

/// With no volatility and no uncertain input every path is the same, so P(target) is a step in
/// the parameter: the table said "50.0 %" while the JSON said achieved 1.0, and the interval
/// excluded the value. Now both say P jumps from 0 to 1 at the value, the interval holds it, and
/// `--set` at the value gives the P reported.
#[test]
fn solve_on_deterministic_paths_reports_the_step() {
    let solve = |format: &str| {
        let mut cmd = safetech();
        cmd.args(["solve", "-s", "baseline", "-n", "2000", "-f", format])
            .args([
                "--set",
                "growth.volatility=0",
                "--set",
                "growth.initial_uncertainty=0",
            ])
            .args(["--param", "growth.initial", "--probability", "0.5"]);
        cmd
    };
    let json = json_of(&mut solve("json"));
    crate::json_schema::assert_conforms("solve", &json);
    let s = &json["parameter"];
    let value = s["value"].as_f64().unwrap();
    let [lo, hi] = [0, 1].map(|i| s["interval"][i].as_f64().unwrap());
    assert!(lo <= value && value <= hi, "{value} outside [{lo}, {hi}]");
    let step = &s["step"];
    let (from, to) = (step["from"].as_f64().unwrap(), step["to"].as_f64().unwrap());
    assert!(from < 0.5 && to >= 0.5, "{step}");
    assert_eq!(s["achieved"].as_f64().unwrap(), to);
    let [b0, b1] = [0, 1].map(|i| step["between"][i].as_f64().unwrap());
    assert!(b0 < b1 && b1 == value && lo <= b0, "{step}");
    // The value reported gives the P reported, and the value just before it the P before.
    for (x, p) in [(value, to), (b0, from)] {
        let run = json_of(
            safetech()
                .args(["run", "-s", "baseline", "-n", "2000", "-f", "json"])
                .args([
                    "--set",
                    "growth.volatility=0",
                    "--set",
                    "growth.initial_uncertainty=0",
                ])
                .arg("--set")
                .arg(format!("growth.initial={x:?}")),
        );
        assert_eq!(
            run["scenarios"][0]["target"]["probability"]
                .as_f64()
                .unwrap(),
            p
        );
    }
    // The table says the same as the JSON.
    let table = String::from_utf8(succeed(&mut solve("table")).stdout).unwrap();
    let pct = |p: f64| safetech::format::percent(p, 1);
    assert!(
        table.contains(&format!(
            "jumps from {} to {} at growth.initial",
            pct(from),
            pct(to)
        )),
        "{table}"
    );
    assert!(!table.contains(&format!("= {} when", pct(0.5))), "{table}");
    assert!(
        table.contains(&format!("--set growth.initial={value:?}")),
        "{table}"
    );
    // With spread between paths there is no step.
    let json = json_of(
        safetech()
            .args(["solve", "-s", "baseline", "-n", "2000", "-f", "json"])
            .args(["--param", "growth.initial", "--probability", "0.5"]),
    );
    assert!(json["parameter"].get("step").is_none(), "{json}");
}

/// `baseline` with 32 events of 16 outcomes each, the most a scenario may hold.
fn thirty_two_events() -> String {
    let mut text = safetech::scenario::builtin_source("baseline")
        .unwrap()
        .to_string();
    for e in 0..32 {
        let outcomes: Vec<String> = (0..16)
            .map(|o| {
                format!(
                    "  {{ id = \"o{o}\", probability = 0.03, growth_uplift = 0.01, duration = 2 }}"
                )
            })
            .collect();
        text += &format!(
            "\n[[events]]\nid = \"e{e}\"\nname = \"Event {e}\"\nyear = 2026\noutcomes = [\n{}\n]\n",
            outcomes.join(",\n")
        );
    }
    text
}

/// Waits for `child` at most `limit`; kills it and fails if it is still running.
fn wait_at_most(child: &mut std::process::Child, limit: std::time::Duration, what: &str) {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("{what}: still running after {limit:?}");
}

/// `sensitivity` on 32 events × 16 outcomes ran some 2,000 simulations (300 s at 200,000
/// paths) with no word, and no memory budget. It now checks the budget first (the base, the
/// second-seed run and the run in flight, and the variance outputs of every source), and prints
/// how many runs it will make and about how long they take before the bulk of the work, with a
/// progress bar on a terminal.
#[test]
fn sensitivity_on_32_events_of_16_outcomes_estimates_its_time_and_is_bounded() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    std::fs::write(&path, thirty_two_events()).unwrap();
    // Over the budget: refused before any run, with the most paths that fit.
    let mut child = std::process::Command::new(crate::common::BIN)
        .args(["sensitivity", "-n", "200000", "--max-memory", "150M", "-s"])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_at_most(
        &mut child,
        std::time::Duration::from_secs(30),
        "over budget",
    );
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("sensitivity runs of baseline") && err.contains("--max-memory"),
        "{err}"
    );
    let fit: usize = err
        .split("at most ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .map(|n| n.replace(',', "").parse().unwrap())
        .unwrap_or_else(|| panic!("{err}"));
    assert!((1..200_000).contains(&fit), "{err}");
    // Within the budget: the estimate comes first, on standard error, before any result.
    let mut child = std::process::Command::new(crate::common::BIN)
        .args(["sensitivity", "-n", "20000", "-s"])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let line = std::io::BufReader::new(stderr).lines().next();
        let _ = tx.send(line);
    });
    let first = rx.recv_timeout(std::time::Duration::from_secs(120));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let first = first.expect("no estimate within 120 s").unwrap().unwrap();
    // 1 base run, 2 per swing (4 growth inputs, 2 per outcome), 1 second-seed run and one per
    // source of variance (the starting pace, 32 events, the shocks).
    let runs = 1 + 2 * (4 + 32 * 16 * 2) + 1 + 34;
    assert!(
        first.starts_with(&format!(
            "sensitivity: {} runs of 20,000 paths; about ",
            safetech::format::thousands(runs as f64, 0)
        )),
        "{first}"
    );
    assert!(out.stdout.is_empty(), "a result came before the estimate");
}
