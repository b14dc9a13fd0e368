//! The command line as users drive it: outputs, determinism, errors and exit codes.

use crate::common;

use std::path::Path;

use common::safetech;

fn stdout_of(args: &[&str]) -> Vec<u8> {
    let out = safetech().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The AVX-512 and AVX2 inner loops perform the portable loops' operations in the same order,
/// so the results must be identical to the bit (on a CPU without them the runs take the
/// narrower loops). Three events, Student-t shocks, capacity, and a path count that is no multiple of
/// the SIMD width cover every branch of the loops.
#[test]
fn simd_and_portable_inner_loops_agree_bit_for_bit() {
    // The last: mean growth near 0 and revenue near capacity, so both branches of the
    // saturation (growth slowed, decline left alone) are taken often.
    // Inputs that differ by path take a loop of their own; every lane of it is drawn here.
    let by_path = [
        "--set",
        r#"growth.volatility={ dist = "uniform", min = 0.05, max = 0.2 }"#,
        "--set",
        r#"growth.persistence={ dist = "uniform", min = -0.3, max = 0.6 }"#,
        "--set",
        r#"growth.capacity={ dist = "lognormal", p5 = 2000, p95 = 9000 }"#,
        "--set",
        r#"growth.long_run={ dist = "normal", p5 = 0.05, p95 = 0.2 }"#,
        "--set",
        r#"growth.reversion={ dist = "uniform", min = 0.1, max = 0.9 }"#,
        "--set",
        r#"market.start_revenue={ dist = "uniform", min = 560, max = 680 }"#,
    ];
    for extra in [
        &[][..],
        &by_path[..],
        &["--set", "growth.capacity=4000"][..],
        &[
            "--set",
            "growth.capacity=700",
            "--set",
            "growth.initial=0.0",
        ][..],
    ] {
        let args = [
            &[
                "run",
                "-s",
                "transatlantic",
                "-s",
                "genai",
                "-s",
                "baseline",
                "-n",
                "20011",
                "--format",
                "json",
            ][..],
            extra,
        ]
        .concat();
        let simd = stdout_of(&args);
        for off in ["SAFETECH_NO_AVX512", "SAFETECH_NO_SIMD"] {
            let narrower = safetech().args(&args).env(off, "1").output().unwrap();
            assert!(narrower.status.success());
            assert!(
                simd == narrower.stdout,
                "{extra:?}: the widest loops and those with {off} differ"
            );
        }
    }
}

#[test]
fn json_is_identical_across_thread_counts_and_runs() {
    let base = [
        "run",
        "-s",
        "osa-enforced",
        "-s",
        "baseline",
        "-n",
        "30000",
        "--format",
        "json",
    ];
    let one = stdout_of(&[&base[..], &["--threads", "1"]].concat());
    let two = stdout_of(&[&base[..], &["--threads", "2"]].concat());
    let four = stdout_of(&[&base[..], &["--threads", "4"]].concat());
    let again = stdout_of(&[&base[..], &["--threads", "4"]].concat());
    assert!(
        one == two && two == four && four == again,
        "JSON differs between thread counts or runs"
    );
    let doc: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(doc["schema"], "safetech.run/v1");
    let s = &doc["scenarios"][0];
    assert_eq!(s["id"], "osa-enforced");
    assert_eq!(s["paths"], 30000);
    for key in ["probability", "std_error", "ci95", "revenue", "year"] {
        assert!(!s["target"][key].is_null(), "target.{key} missing");
    }
    let years = s["years"].as_array().unwrap();
    assert_eq!(years.len(), 11);
    for y in years {
        let p = |k: &str| y[k].as_f64().unwrap();
        assert!(p("p5") <= p("p10") && p("p10") <= p("p25") && p("p25") <= p("p50"));
        assert!(p("p50") <= p("p75") && p("p75") <= p("p90") && p("p90") <= p("p95"));
    }
    assert_eq!(s["first_passage"].as_array().unwrap().len(), 11);
    assert_eq!(s["events"][0]["id"], "osa");
    // A different seed gives different numbers.
    let other = stdout_of(&[&base[..], &["--seed", "7"]].concat());
    assert_ne!(one, other);
}

#[test]
fn csv_has_one_row_per_scenario_year() {
    let out = String::from_utf8(stdout_of(&[
        "run",
        "-s",
        "baseline",
        "-s",
        "osa-enforced",
        "-n",
        "2000",
        "-f",
        "csv",
    ]))
    .unwrap();
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    // Revenue columns name their unit; probabilities come with their Monte Carlo error.
    for col in [
        "scenario",
        "seed",
        "paths",
        "year",
        "mean_gbp_m",
        "sd_gbp_m",
        "p5_gbp_m",
        "p50_gbp_m",
        "p95_gbp_m",
        "p_target",
        "p_target_se",
        "p_reached_by_se",
    ] {
        assert!(header.contains(&col), "missing column {col}");
    }
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // p_target_se is sqrt(p(1 − p)/n) of the row's own p_target.
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for r in &rows {
        let p: f64 = r[col("p_target")].parse().unwrap();
        let se: f64 = r[col("p_target_se")].parse().unwrap();
        assert!((se - (p * (1.0 - p) / 2000.0).sqrt()).abs() < 1e-12);
    }
    // baseline runs 2025–2028, osa-enforced 2025–2035.
    assert_eq!(rows.len(), 4 + 11);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert_eq!(rows[0][0], "baseline");
    assert_eq!(rows[4][0], "osa-enforced");
}

#[test]
fn table_reads_like_a_brief() {
    let out = String::from_utf8(stdout_of(&["run", "-n", "20000"])).unwrap();
    assert!(out.contains("P(revenue ≥ £1,000m in 2026) = "), "{out}");
    assert!(out.contains("(Monte Carlo ±"), "{out}");
    assert!(out.contains("inputs matter far more"), "{out}");
    assert!(out.contains("Reached £1,000m by 2026"));
    assert!(out.contains("seed 20241010"));
    assert!(out.contains("20,000 paths"));
    assert!(out.lines().any(|l| l.trim_start().starts_with("2028")));
    let md = String::from_utf8(stdout_of(&[
        "run",
        "-n",
        "2000",
        "-f",
        "markdown",
        "-s",
        "baseline",
        "-s",
        "osa-enforced",
    ]))
    .unwrap();
    assert!(md.contains("| `baseline` ") && md.contains("| `osa-enforced` "));
}

#[test]
fn out_file_is_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.json");
    safetech()
        .args(["run", "-n", "1000", "-f", "json", "--out"])
        .arg(&path)
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary files left behind");

    let missing = dir.path().join("no/such/dir/run.json");
    let out = safetech()
        .args(["run", "-n", "100", "--out"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs /dev/full")]
fn out_to_a_full_device_fails_with_exit_1() {
    common::require_dev_full();
    let out = safetech()
        .args(["run", "-n", "100", "--out", common::DEV_FULL])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn every_malformed_scenario_exits_2_with_a_precise_message() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "only {} malformed scenarios",
        files.len()
    );
    for file in files {
        let raw = std::fs::read(&file).unwrap();
        let first = String::from_utf8_lossy(raw.split(|&b| b == b'\n').next().unwrap()).to_string();
        let spec = first
            .strip_prefix("# expect:")
            .expect("first line states the expected error");
        let parts: Vec<&str> = spec.split('|').map(str::trim).collect();
        for args in [vec!["scenarios", "validate"], vec!["run", "-n", "10", "-s"]] {
            let out = safetech().args(&args).arg(&file).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let name = file.display().to_string();
            assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
            assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
            assert!(
                out.stdout.is_empty() || args[0] == "scenarios",
                "{name}: output on error"
            );
            let located = if parts[0].is_empty() {
                format!("{name}: ")
            } else {
                format!("{name}:{}: ", parts[0])
            };
            assert!(
                stderr.contains(&located),
                "{name}: expected `{located}` in: {stderr}"
            );
            for want in &parts[1..] {
                assert!(
                    stderr.contains(want),
                    "{name}: expected `{want}` in: {stderr}"
                );
            }
        }
    }
}

#[test]
fn overrides_are_validated_like_files() {
    let out = safetech()
        .args(["run", "--set", "growth.volatility=-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--set growth.volatility=-1")
            && err.contains("growth.volatility")
            && err.contains("between 0 and 2"),
        "{err}"
    );

    let out = safetech()
        .args([
            "run",
            "-s",
            "osa-enforced",
            "--set",
            "events.osa.late.probability=0.1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ids are: firm, routine, slow, weakened")
    );

    // An override by outcome id changes the result, and is the same as the index form.
    let by_id = stdout_of(&[
        "run",
        "-s",
        "osa-enforced",
        "-n",
        "5000",
        "-f",
        "json",
        "--set",
        "events.osa.firm.probability=0.45",
    ]);
    let by_index = stdout_of(&[
        "run",
        "-s",
        "osa-enforced",
        "-n",
        "5000",
        "-f",
        "json",
        "--set",
        "events.0.outcomes.0.probability=0.45",
    ]);
    let plain = stdout_of(&["run", "-s", "osa-enforced", "-n", "5000", "-f", "json"]);
    // The same results; each run lists its override as it was given.
    let results = |out: &[u8]| {
        let mut doc: serde_json::Value = serde_json::from_slice(out).unwrap();
        doc["scenarios"][0]["overrides"]
            .take()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(";")
            + &doc.to_string()
    };
    let (a, b) = (results(&by_id), results(&by_index));
    assert!(a.starts_with("events.osa.firm.probability = 0.45{"), "{a}");
    assert!(
        b.starts_with("events.0.outcomes.0.probability = 0.45{"),
        "{b}"
    );
    assert_eq!(a.split_once('{').unwrap().1, b.split_once('{').unwrap().1);
    assert_ne!(by_id, plain);

    for bad in [
        ["-n", "0"],
        ["-n", "lots"],
        ["--threads", "0"],
        ["--seed", "-1"],
    ] {
        let out = safetech().arg("run").args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    let out = safetech()
        .args(["run", "-s", "no-such-scenario"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("built-in scenarios are: central, baseline")
    );
}

#[test]
fn without_a_terminal_the_bare_command_prints_a_hint_and_exits_2() {
    let out = safetech().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("safetech run"));
}

#[test]
fn scenarios_list_show_and_completions() {
    let list = String::from_utf8(stdout_of(&["scenarios", "list"])).unwrap();
    assert!(list.contains("baseline") && list.contains("osa-enforced"));
    let show = String::from_utf8(stdout_of(&["scenarios", "show", "osa-enforced"])).unwrap();
    assert!(show.contains("sources = [") && show.contains("[[events]]"));
    let bash = String::from_utf8(stdout_of(&["completions", "bash"])).unwrap();
    assert!(bash.contains("complete ") && bash.contains("SAFETECH_COMPLETE"));
}

/// A changed run never passes for the stock scenario: the JSON lists its overrides, the table
/// and the chart say "edited", and a file scenario names its file.
#[test]
fn runs_record_their_changes() {
    let set = ["--set", "growth.volatility=0.1"];
    let json = stdout_of(&[&["run", "-n", "2000", "-f", "json"][..], &set].concat());
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        doc["scenarios"][0]["overrides"],
        serde_json::json!(["growth.volatility = 0.1"])
    );
    let plain = stdout_of(&["run", "-n", "2000", "-f", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(doc["scenarios"][0]["overrides"], serde_json::json!([]));

    let table = String::from_utf8(stdout_of(&[&["run", "-n", "2000"][..], &set].concat())).unwrap();
    let last = table.trim_end().lines().last().unwrap();
    assert!(
        last.contains("edited: growth.volatility = 0.1"),
        "footer: {last}"
    );
    assert!(table.contains("scenario central (edited: growth.volatility = 0.1)"));

    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("fan.svg");
    stdout_of(
        &[
            &[
                "export",
                "--chart",
                "fan",
                "-n",
                "2000",
                "-o",
                svg.to_str().unwrap(),
            ][..],
            &set,
        ]
        .concat(),
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("(edited)"), "title");
    assert!(text.contains("edited: growth.volatility = 0.1"), "footer");

    let file = dir.path().join("mine.toml");
    std::fs::write(&file, safetech::scenario::builtin_source("kosa").unwrap()).unwrap();
    let json = stdout_of(&[
        "run",
        "-n",
        "2000",
        "-f",
        "json",
        "-s",
        file.to_str().unwrap(),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["scenarios"][0]["file"], file.display().to_string());
}

/// Mistyped ids and keys get a "did you mean", and an override's key is said once.
#[test]
fn mistakes_get_a_suggestion() {
    for (args, wanted) in [
        (vec!["-s", "osa_enforced"], "did you mean `osa-enforced`?"),
        (
            vec!["--set", "growth.volatilty=0.1"],
            "did you mean `volatility`?",
        ),
        (vec!["--set", "grwoth.x=1"], "did you mean `growth`?"),
        (
            vec![
                "-s",
                "osa-enforced",
                "--set",
                "events.osa.frim.probability=0.1",
            ],
            "did you mean `firm`?",
        ),
    ] {
        let out = safetech().arg("run").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{args:?}: {err}");
    }
    let out = safetech()
        .args(["run", "--set", "growth.volatilty=0.1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("growth.volatilty").count(), 1, "{err}");
}

/// `--scale log` (the axis option is `--y-scale`) points to `--y-scale` instead of failing with
/// "invalid digit found"; a bad number says what --scale takes. Nothing is written.
#[test]
fn scale_given_an_axis_name_points_to_y_scale() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("f.png");
    for (value, wanted) in [
        ("log", "use --y-scale log"),
        ("linear", "use --y-scale linear"),
        ("x2", "--scale takes a whole number"),
    ] {
        let out = safetech()
            .args(["export", "--chart", "fan", "--scale", value, "-o"])
            .arg(&out_file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(wanted), "{value}: {err}");
        assert!(!err.contains("invalid digit"), "{value}: {err}");
        assert!(!out_file.exists());
    }
}

/// `scenarios show` names itself in errors; `validate` takes built-in ids as `show` does.
#[test]
fn scenarios_show_and_validate_agree_on_names() {
    let out = safetech()
        .args(["scenarios", "show", "nosuch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: scenarios show:"), "{err}");
    assert!(!err.contains("--scenario"), "{err}");
    let ok = stdout_of(&["scenarios", "validate", "kosa", "baseline"]);
    assert_eq!(
        String::from_utf8(ok).unwrap(),
        "ok: kosa (kosa)\nok: baseline (baseline)\n"
    );
}

/// `--out x.json` writes JSON without `-f`, and `--out -` is standard output.
#[test]
fn out_picks_the_format_and_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("odds.json");
    stdout_of(&["run", "-n", "2000", "--out", json.to_str().unwrap()]);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["schema"], "safetech.run/v1");
    assert!(doc["scenarios"][0]["years"][0]["p_target_se"].is_number());
    assert!(doc["scenarios"][0]["first_passage"][0]["std_error"].is_number());
    let csv = dir.path().join("odds.csv");
    stdout_of(&["run", "-n", "2000", "--out", csv.to_str().unwrap()]);
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .starts_with("scenario,name,seed")
    );
    let out = safetech()
        .current_dir(dir.path())
        .args(["run", "-n", "2000", "--out", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("P(revenue ≥ £1,000m in 2026)"));
    assert!(!dir.path().join("-").exists());
}

/// Scenarios that differ only in an event's odds read differently in their key assumptions
/// (osa-delayed used to read "Ofcom enforces the Online Safety Act (2025, 100 % likely)", the
/// same words as osa-enforced), and each outcome's odds are the file's.
#[test]
fn key_assumptions_tell_scenarios_apart_by_their_odds() {
    let enforced = safetech::scenario::load("osa-enforced").unwrap();
    let delayed = safetech::scenario::load("osa-delayed").unwrap();
    let a = safetech::report::markdown::key_assumptions(&enforced);
    let b = safetech::report::markdown::key_assumptions(&delayed);
    assert_ne!(a, b);
    for s in [&enforced, &delayed] {
        let text = safetech::report::markdown::key_assumptions(s);
        for e in &s.events {
            for o in &e.outcomes {
                if o.probability <= 0.0 {
                    continue;
                }
                let pct = format!("{:.1}", o.probability * 100.0);
                let pct = pct.trim_end_matches(".0");
                // A single outcome's odds are the event's: "(2027, 70% likely)".
                let said = match e.outcomes.len() {
                    1 => format!("{pct}% likely"),
                    _ => format!("{} {pct}%", o.id),
                };
                assert!(
                    text.contains(&said),
                    "{}: {} {pct}% missing from {text}",
                    s.scenario.id,
                    o.id
                );
            }
        }
    }
    let md = String::from_utf8(stdout_of(&[
        "run",
        "-s",
        "osa-delayed",
        "-n",
        "1000",
        "-f",
        "markdown",
    ]))
    .unwrap();
    assert!(md.contains(&b), "{md}");
}

/// never_reached is a count of paths over the paths, printed as such: no float residue.
#[test]
fn never_reached_is_a_share_of_whole_paths() {
    let out = stdout_of(&["run", "-s", "baseline", "-n", "1000", "-f", "json"]);
    let text = String::from_utf8(out).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let v = json["scenarios"][0]["never_reached"].as_f64().unwrap();
    assert_eq!((v * 1000.0).round() / 1000.0, v, "{v}");
    let line = text
        .lines()
        .find(|l| l.contains("\"never_reached\""))
        .unwrap();
    let digits = line.split(':').nth(1).unwrap().trim().trim_end_matches(',');
    assert!(digits.len() <= 6, "printed as {digits}");
}

/// A long horizon keeps the table's columns aligned: every row of the per-year table is as
/// wide as its header.
#[test]
fn long_horizons_keep_the_table_aligned() {
    let out = String::from_utf8(stdout_of(&[
        "run",
        "-s",
        "baseline",
        "-n",
        "1000",
        "--horizon",
        "2100",
    ]))
    .unwrap();
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .and_then(|w| w.parse::<i32>().ok())
                .is_some_and(|y| (2025..=2100).contains(&y))
        })
        .collect();
    assert_eq!(rows.len(), 76, "{out}");
    let header = out
        .lines()
        .find(|l| l.trim_start().starts_with("Year"))
        .expect("a header row");
    let width = header.chars().count();
    for r in rows {
        let r = r.trim_end_matches(" ◀ target year");
        assert_eq!(r.chars().count(), width, "{r:?} against {header:?}");
    }
    // The reach line names each share once, not 99.9% for decades.
    let reach = out.lines().find(|l| l.starts_with("Reached")).unwrap();
    assert!(reach.chars().count() < 200, "{reach}");
}

/// "never by 2028 in 100.0%" when no path reaches the target: the ends are said in words.
#[test]
fn the_reach_line_says_none_and_every_in_words() {
    let line = |target: &str| {
        let out = safetech()
            .args(["run", "-s", "classroom", "-n", "2000", "--target", target])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find(|l| l.starts_with("Reached") || l.starts_with("No simulated"))
            .unwrap()
            .to_string()
    };
    assert_eq!(
        line("1e6"),
        "No simulated future reached £1,000,000m by 2028."
    );
    let all = line("700");
    assert!(
        all.contains("; every simulated future reached it by 2028."),
        "{all}"
    );
    assert!(!all.contains("never by"), "{all}");
}

/// A name beginning with `=` was written raw into the CSV, where a spreadsheet runs it as a
/// formula. Text cells that begin with = + - @, a tab or CR now carry a leading `'`.
#[test]
fn csv_text_cells_cannot_start_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let text = safetech::scenario::builtin_source("classroom")
        .unwrap()
        .replacen(
            "name = \"Classroom: 37% a year, give or take 10%\"",
            "name = '=HYPERLINK(\"http://example.invalid\",\"click\")'",
            1,
        );
    assert!(text.contains("=HYPERLINK"));
    let file = dir.path().join("named.toml");
    std::fs::write(&file, text).unwrap();
    for command in ["run", "sensitivity"] {
        let out = common::succeed(
            safetech()
                .args([command, "-f", "csv", "-n", "2000", "-s"])
                .arg(&file),
        );
        let csv = String::from_utf8_lossy(&out.stdout);
        for cell in csv.lines().flat_map(|l| l.split(',')) {
            let bare = cell.trim_start_matches('"');
            assert!(
                !bare.starts_with(['=', '+', '@']),
                "{command}: a cell starts a formula: {cell}"
            );
        }
        if command == "run" {
            assert!(
                csv.contains("\"'=HYPERLINK(\"\"http://example.invalid\"\""),
                "{csv}"
            );
        }
    }
}

/// One answer by default: bare `run` is the central forecast, named in every format.
#[test]
fn bare_run_answers_with_the_central_forecast() {
    let table = String::from_utf8(stdout_of(&["run", "-n", "2000"])).unwrap();
    assert!(table.contains("scenario central ·"), "{table}");
    let doc: serde_json::Value =
        serde_json::from_slice(&stdout_of(&["run", "-n", "2000", "-f", "json"])).unwrap();
    assert_eq!(doc["scenarios"][0]["id"], "central");
    assert_eq!(doc["scenarios"].as_array().unwrap().len(), 1);
}

/// "±" means one thing, the 95% Monte Carlo margin: input spreads are written as ranges of
/// draws ("90% of draws 13% to 45%") or "sd 5 pts" in the tables, the tornado's labels and
/// calibrate's words (it meant a t scale, a standard deviation or a typical year before).
#[test]
fn plus_minus_is_the_monte_carlo_margin_alone() {
    let mut args = vec!["run", "-n", "2000", "-f", "markdown"];
    for (id, _) in safetech::scenario::BUILTIN {
        args.extend(["-s", id]);
    }
    let md = String::from_utf8(stdout_of(&args)).unwrap();
    for line in md.lines().filter(|l| l.contains('±')) {
        if line.starts_with("_Seed") || line.starts_with("**Paired differences") {
            assert!(line.contains("± is the 95% Monte Carlo margin"), "{line}");
            continue;
        }
        // A paired difference's row: each ± is a Monte Carlo margin, and says so.
        if line.contains("` − `") {
            assert_eq!(
                line.matches('±').count(),
                line.matches("Monte Carlo ±").count(),
                "{line}"
            );
            continue;
        }
        // In a table row, the only ± is the P column's margin: "33.6% ± 0.29 |".
        let cells: Vec<&str> = line.split('|').collect();
        let with: Vec<&&str> = cells.iter().filter(|c| c.contains('±')).collect();
        assert_eq!(with.len(), 1, "{line}");
        let (p, margin) = with[0].trim().split_once(" ± ").unwrap();
        assert!(p.ends_with('%') && margin.parse::<f64>().is_ok(), "{line}");
    }
    let calibrate = String::from_utf8(stdout_of(&["calibrate"])).unwrap();
    assert!(!calibrate.contains('±'), "{calibrate}");
    let sens = String::from_utf8(stdout_of(&[
        "sensitivity",
        "-s",
        "historical",
        "-n",
        "2000",
        "-f",
        "markdown",
    ]))
    .unwrap();
    for v in [0.025, 0.075] {
        let shown = safetech::scenario::parameters::show_value(
            safetech::scenario::parameters::Kind::Uncertainty,
            v,
        );
        assert!(!shown.contains('±') && shown.starts_with("sd "), "{shown}");
    }
    assert!(!sens.contains("±2.5") && !sens.contains("±7.5"), "{sens}");
    // A default swing is said in words ("5 pts either way"), in every format.
    for format in ["table", "markdown", "csv", "json"] {
        let text = String::from_utf8(stdout_of(&[
            "sensitivity",
            "-s",
            "baseline",
            "-n",
            "2000",
            "-f",
            format,
        ]))
        .unwrap();
        assert!(text.contains("5 pts either way"), "{format}: {text}");
        // Every ± is a margin: "Monte Carlo ±1.8", "± is the 95%…", or a share's "34.2% ± 4.4".
        for (i, _) in text.match_indices('±') {
            let (before, after) = (&text[..i], &text[i + '±'.len_utf8()..]);
            let margin = before.ends_with("Monte Carlo ")
                || after.starts_with(" is the 95%")
                || (before.ends_with("% ") && after.starts_with(' '));
            let line = before.rsplit('\n').next().unwrap_or_default();
            assert!(margin, "{format}: a ± that is no margin: {line}±");
        }
    }
}

/// A negative number is a value, refused by its range, never "unexpected argument '-1'".
#[test]
fn negative_numbers_are_values_refused_by_their_range() {
    for (args, said) in [
        (&["run", "--target", "-100"][..], "must be between"),
        (&["run", "-n", "-5"], "at least 1"),
        (&["run", "--seed", "-1"], "is not a seed"),
        (&["run", "--precision", "-1"], "greater than 0"),
        (
            &[
                "solve",
                "--param",
                "growth.initial",
                "--probability",
                "-0.5",
            ],
            "strictly between 0 and 1",
        ),
    ] {
        let out = safetech().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(said) && !err.contains("unexpected argument"),
            "{args:?}: {err}"
        );
    }
}

/// Outcome odds set past 1 blame the override that set them, not the event's last outcome in
/// the built-in file (it said "central.toml:97: events[0].outcomes[3].probability = 0").
#[test]
fn odds_set_past_one_blame_the_override() {
    let out = safetech()
        .args([
            "run",
            "-n",
            "1000",
            "--set",
            "events.osa.firm.probability=0.9",
            "--set",
            "events.osa.routine.probability=0.5",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: --set events.osa.routine.probability=0.5: events[0].outcomes[1].probability = 0.5"),
        "{err}"
    );
    assert!(
        err.contains("sum to 1.4000") && !err.contains("outcomes[3]"),
        "{err}"
    );
}

/// The formats' help is true of every command that shows it: sensitivity and solve said their
/// JSON was safetech.run/v1 and their CSV "one row per scenario-year".
#[test]
fn format_help_names_each_commands_own_schema() {
    for (command, schema) in [
        ("run", "safetech.run/v1"),
        ("sensitivity", "safetech.sensitivity/v1"),
        ("solve", "safetech.solve/v1"),
    ] {
        let help = String::from_utf8(stdout_of(&[command, "--help"])).unwrap();
        assert!(help.contains(schema), "{command}: {help}");
        assert!(
            !help.contains("One row per scenario-year"),
            "{command}: {help}"
        );
    }
}

/// Two runs with one id are told apart in every output, with a note.
#[test]
fn runs_sharing_an_id_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.toml");
    let text = stdout_of(&["scenarios", "show", "osa-enforced"]);
    std::fs::write(&mine, text).unwrap();
    let mine = mine.to_str().unwrap();
    let args = ["run", "-n", "2000", "-s", "osa-enforced", "-s", mine];
    let out = safetech().args(args).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has the id osa-enforced") && stderr.contains("labelled mine"),
        "{stderr}"
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("mine − osa-enforced"), "{table}");
    assert!(!table.contains("osa-enforced − osa-enforced"), "{table}");
    for format in ["json", "csv", "markdown"] {
        let text = String::from_utf8(stdout_of(&[&args[..], &["-f", format]].concat())).unwrap();
        let ids: Vec<&str> = match format {
            "json" => vec!["\"id\": \"osa-enforced\"", "\"id\": \"mine\""],
            "csv" => vec!["\nosa-enforced,", "\nmine,"],
            _ => vec!["`osa-enforced`", "`mine`"],
        };
        for id in ids {
            assert!(text.contains(id), "{format} lacks {id}: {text}");
        }
    }
}

/// An edited run is marked in Markdown, with its changes, and CSV lists them.
#[test]
fn an_edited_run_is_marked_in_markdown_and_csv() {
    let edited = ["run", "-n", "2000", "-s", "osa-enforced"];
    let set = ["--set", "market.start_revenue=820"];
    let markdown = |extra: &[&str]| {
        String::from_utf8(stdout_of(
            &[&edited[..], extra, &["-f", "markdown"]].concat(),
        ))
        .unwrap()
    };
    let (stock, changed) = (markdown(&[]), markdown(&set));
    assert!(!stock.contains("edited"), "{stock}");
    assert!(changed.contains("**(edited)**"), "{changed}");
    assert!(
        changed.contains(
            "`osa-enforced` is edited, not the stock scenario: market.start_revenue = 820"
        ),
        "{changed}"
    );
    let csv = String::from_utf8(stdout_of(&[&edited[..], &set, &["-f", "csv"]].concat())).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",overrides"));
    for row in lines {
        assert!(row.ends_with(",market.start_revenue = 820"), "{row}");
    }
    let stock_csv = String::from_utf8(stdout_of(&[&edited[..], &["-f", "csv"]].concat())).unwrap();
    assert!(stock_csv.lines().skip(1).all(|row| row.ends_with(',')));
}

/// Commands that look at one scenario refuse a second `-s` (they used the
/// first with a note), and their help says one.
#[test]
fn one_scenario_commands_refuse_a_second() {
    for command in [
        &["sensitivity", "-n", "1000"][..],
        &[
            "solve",
            "-n",
            "1000",
            "--param",
            "growth.initial",
            "--probability",
            "0.5",
        ],
        &["teach", "--export-slides", "never-made"],
    ] {
        let out = safetech()
            .args(command)
            .args(["-s", "maturing", "-s", "kosa"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.contains("looks at one scenario, and 2 were given (maturing, kosa)"),
            "{stderr}"
        );
        let help = stdout_of(&[command[0], "--help"]);
        let help = String::from_utf8_lossy(&help);
        assert!(help.contains("(one scenario)"), "{help}");
        assert!(!help.contains("repeat to compare"), "{help}");
    }
    assert!(!Path::new("never-made").exists());
}

/// Calibrate writes to --out as backtest does, its format from the extension.
#[test]
fn calibrate_writes_to_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calibration.json");
    let out = common::succeed(safetech().args(["calibrate", "-o"]).arg(&path));
    assert!(out.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["schema"], "safetech.calibrate/v1");
    assert_eq!(
        written,
        serde_json::from_slice::<serde_json::Value>(&stdout_of(&["calibrate", "-f", "json"]))
            .unwrap()
    );
}

/// `-` reads standard input for -s, --history and validate, as `--out -`
/// writes standard output.
#[test]
fn a_dash_reads_standard_input() {
    let maturing = stdout_of(&["scenarios", "show", "maturing"]);
    let from_stdin = safetech()
        .args(["run", "-n", "2000", "-s", "-", "-f", "json"])
        .write_stdin(maturing.clone())
        .output()
        .unwrap();
    assert!(
        from_stdin.status.success(),
        "{}",
        String::from_utf8_lossy(&from_stdin.stderr)
    );
    let stock: serde_json::Value = serde_json::from_slice(&stdout_of(&[
        "run", "-n", "2000", "-s", "maturing", "-f", "json",
    ]))
    .unwrap();
    let piped: serde_json::Value = serde_json::from_slice(&from_stdin.stdout).unwrap();
    assert_eq!(
        piped["scenarios"][0]["years"],
        stock["scenarios"][0]["years"]
    );
    let validated = safetech()
        .args(["scenarios", "validate", "-"])
        .write_stdin(maturing)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&validated.stdout).contains("ok: - (maturing)"));
    let bad = safetech()
        .args(["scenarios", "validate", "-"])
        .write_stdin("junk")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("standard input:1:"));
    let history = stdout_of(&["history"]);
    let calibrated = safetech()
        .args(["calibrate", "--history", "-", "-f", "json"])
        .write_stdin(history)
        .output()
        .unwrap();
    let calibrated: serde_json::Value = serde_json::from_slice(&calibrated.stdout).unwrap();
    let shipped: serde_json::Value =
        serde_json::from_slice(&stdout_of(&["calibrate", "-f", "json"])).unwrap();
    assert_eq!(calibrated["mean_log"], shipped["mean_log"]);
}

/// The comparison table's median names its year.
#[test]
fn the_compare_tables_median_names_its_year() {
    let text = String::from_utf8(stdout_of(&[
        "run", "-n", "1000", "-s", "maturing", "-s", "kosa",
    ]))
    .unwrap();
    assert!(text.contains("Median 2026  Name"), "{text}");
}

/// `--latest YEAR=REVENUE` moves the start to a new published figure (the
/// same run as setting both market keys) and adds it to the history the charts draw.
#[test]
fn latest_moves_the_start_to_a_new_figure() {
    let json = |extra: &[&str]| -> serde_json::Value {
        let args = [&["run", "-n", "3000", "-f", "json"][..], extra].concat();
        serde_json::from_slice(&stdout_of(&args)).unwrap()
    };
    let latest = json(&["--latest", "2025=780"]);
    let by_keys = json(&[
        "--set",
        "market.start_year=2025",
        "--set",
        "market.start_revenue=780",
    ]);
    let s = &latest["scenarios"][0];
    assert_eq!(s["start_year"], 2025);
    assert_eq!(s["start_revenue"], 780.0);
    assert_eq!(s["years"], by_keys["scenarios"][0]["years"]);
    assert_eq!(s["years"][0]["year"], 2026);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fan.csv");
    let chart = dir.path().join("fan.svg");
    common::succeed(
        safetech()
            .args([
                "export", "-n", "2000", "--chart", "fan", "--latest", "2025=780", "--data",
            ])
            .arg(&data)
            .arg("-o")
            .arg(&chart),
    );
    let csv = std::fs::read_to_string(&data).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.contains(",2025,") && l.contains("780")),
        "{csv}"
    );
    let before = safetech()
        .args(["run", "-n", "1000", "--latest", "2023=500"])
        .output()
        .unwrap();
    assert_eq!(before.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&before.stderr).contains("before the scenario's start year 2024")
    );
}
