//! The built-in scenario library: complete, honest about its numbers, runnable, ordered as its
//! assumptions imply, and documented by the program's own output.

use crate::common;

use std::path::Path;

use safetech::scenario::{BUILTIN, load, parse_str};
use safetech::sim::{RunControl, RunSettings, simulate};
use safetech::stats::target_probability;

use common::safetech;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn files() -> Vec<std::path::PathBuf> {
    let mut f: Vec<_> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    f.sort();
    f
}

#[test]
fn every_file_is_complete_builtin_and_runs() {
    let files = files();
    assert!(files.len() >= 10);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let s = parse_str(&text, &path.display().to_string()).unwrap();
        let id = &s.scenario.id;
        assert_eq!(
            path.file_stem().unwrap().to_str().unwrap(),
            id,
            "file name is the id"
        );
        assert!(s.scenario.description.len() > 80, "{id}: description");
        assert!(!s.scenario.sources.is_empty(), "{id}: sources");
        assert_eq!(s.market.history.len(), 5, "{id}: the 2020–2024 history");
        assert_eq!(s.market.history.last().unwrap(), &(2024, 623.0), "{id}");
        assert!(
            BUILTIN.iter().any(|(b, t)| b == id && *t == text),
            "{id} is embedded as is"
        );
        let p = simulate(
            &s,
            RunSettings {
                paths: 100_000,
                ..RunSettings::default()
            },
            RunControl::default(),
        )
        .unwrap();
        assert_eq!(p.target_values.len(), 100_000);
    }
    assert_eq!(BUILTIN.len(), files.len(), "every built-in has its file");
}

/// Every number in [market], [target] and [growth], and every event timing, says whether it
/// is sourced, calibrated (computed from sourced data) or judged; every outcome line is covered
/// by a `judged` comment.
#[test]
fn every_number_says_sourced_or_judged() {
    for path in files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut section = String::new();
        let mut judged_block = false;
        // The comment lines right above a value speak for it too.
        let mut comment_above = String::new();
        for (n, line) in text.lines().enumerate() {
            let t = line.trim();
            let above = std::mem::take(&mut comment_above);
            if t.starts_with('#') {
                comment_above = format!("{above}\n{t}");
            }
            if t.starts_with('[') && t.ends_with(']') && !t.contains('=') {
                section = t.to_string();
                continue;
            }
            let assigns_number = t.split_once('=').is_some_and(|(_, v)| {
                v.trim_start()
                    .starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '[' || c == '{')
            });
            let where_ = format!("{}:{}: {t}", path.display(), n + 1);
            let tagged = ["# sourced", "# judged", "# calibrated"]
                .iter()
                .any(|tag| t.contains(tag) || above.contains(tag));
            if ["[market]", "[target]", "[growth]"].contains(&section.as_str()) && assigns_number {
                assert!(tagged, "{where_}");
            }
            if section == "[[events]]" {
                if t.starts_with("year") || t.starts_with("window") {
                    assert!(tagged, "{where_}");
                }
                if t.starts_with("outcomes") {
                    judged_block = false;
                }
                if t.starts_with('#') && t.contains("judged") {
                    judged_block = true;
                }
                if t.starts_with("{ id") {
                    assert!(judged_block || t.contains("# judged"), "{where_}");
                }
            }
        }
    }
}

#[test]
fn show_prints_each_scenario_with_its_sources() {
    for (id, _) in BUILTIN {
        let out = safetech().args(["scenarios", "show", id]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(&format!("id = \"{id}\"")) && text.contains("sources = ["),
            "{id}"
        );
    }
}

#[test]
fn target_odds_are_ordered_as_the_assumptions_imply() {
    let p = |id: &str| {
        let s = load(id).unwrap();
        let run = simulate(
            &s,
            RunSettings {
                paths: 100_000,
                ..RunSettings::default()
            },
            RunControl::default(),
        )
        .unwrap();
        let t = target_probability(&run);
        (t.probability, t.std_error)
    };
    // a < b by more than 4 combined standard errors.
    let less = |a: &str, b: &str| {
        let ((pa, sa), (pb, sb)) = (p(a), p(b));
        assert!(
            pb - pa > 4.0 * (sa * sa + sb * sb).sqrt(),
            "P({a}) = {pa:.4} is not clearly below P({b}) = {pb:.4}"
        );
    };
    less("downturn", "maturing");
    less("maturing", "baseline");
    less("osa-delayed", "osa-enforced");
    less("maturing", "osa-enforced");
    less("historical", "baseline");
    // Adding only positive policy effects on the same seed cannot lower the odds.
    let (osa, _) = p("osa-enforced");
    let (all, _) = p("transatlantic");
    assert!(all >= osa);
}

const BEGIN: &str = "<!-- BEGIN safetech run --format markdown -->";
const END: &str = "<!-- END -->";

/// scenarios/README.md carries the program's own table; set UPDATE_SCENARIO_README=1 to rewrite it.
#[test]
fn scenario_readme_table_is_the_programs_output() {
    let mut args = vec!["run".to_string(), "--format".into(), "markdown".into()];
    for (id, _) in BUILTIN {
        args.push("-s".into());
        args.push(id.to_string());
    }
    let out = safetech().args(&args).output().unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    let path = dir().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = readme.split_once(BEGIN).expect("BEGIN marker");
    let (current, tail) = rest.split_once(END).expect("END marker");
    if std::env::var_os("UPDATE_SCENARIO_README").is_some() {
        std::fs::write(&path, format!("{head}{BEGIN}\n{table}{END}{tail}")).unwrap();
        return;
    }
    assert_eq!(
        current.trim(),
        table.trim(),
        "scenarios/README.md is out of date: run `UPDATE_SCENARIO_README=1 cargo test --test scenario_library`"
    );
}

const RUN_BEGIN: &str = "<!-- BEGIN safetech run -->";

/// The README's sample output is the program's; set UPDATE_SCENARIO_README=1 to rewrite it.
#[test]
fn readme_sample_is_the_programs_output() {
    let out = safetech().arg("run").output().unwrap();
    assert!(out.status.success());
    let sample = format!("```\n{}```\n", String::from_utf8(out.stdout).unwrap());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = readme.split_once(RUN_BEGIN).expect("BEGIN marker");
    let (current, tail) = rest.split_once(END).expect("END marker");
    if std::env::var_os("UPDATE_SCENARIO_README").is_some() {
        std::fs::write(&path, format!("{head}{RUN_BEGIN}\n{sample}{END}{tail}")).unwrap();
        return;
    }
    assert_eq!(
        current.trim(),
        sample.trim(),
        "README.md's sample is out of date: run `UPDATE_SCENARIO_README=1 cargo test --test scenario_library`"
    );
}

/// The README's headline figures are the program's: the central forecast on the default seed
/// and paths, and with its capacity held at each end of its 90% range and at its median.
#[test]
fn readme_headline_is_the_programs_output() {
    let readme = std::fs::read_to_string(dir().join("../README.md")).unwrap();
    // "half of futures reach £1bn by YEAR": the first year whose first-passage share is ½.
    let out = safetech().args(["run", "-f", "json"]).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let half = doc["scenarios"][0]["first_passage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["probability"].as_f64().unwrap() >= 0.5)
        .map(|f| f["year"].as_i64().unwrap())
        .unwrap();
    assert!(
        readme.contains(&format!("half of futures reach £1bn by {half}")),
        "README.md should say half reach it by {half}"
    );
    let run = |set: Option<&str>| -> (f64, f64, f64, f64, f64) {
        let mut args = vec!["run", "-f", "json"];
        if let Some(s) = set {
            args.extend(["--set", s]);
        }
        let out = safetech().args(&args).output().unwrap();
        assert!(out.status.success());
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let s = &doc["scenarios"][0];
        let year = |y: i64| {
            s["years"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["year"] == y)
                .unwrap()
                .clone()
        };
        let (y25, y35) = (year(2025), year(2035));
        let f = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap();
        (
            s["target"]["probability"].as_f64().unwrap(),
            f(&y35, "p50"),
            f(&y35, "p5"),
            f(&y35, "p95"),
            (f(&y25, "p95") / f(&y25, "p5")).ln(),
        )
    };
    let pct = |p: f64| format!("{:.1}%", p * 100.0);
    let money = safetech::format::money;
    let (p, median, p5, p95, width) = run(None);
    for said in [
        format!("**P(£1bn in 2026) = {}**", pct(p)),
        format!("The 2035 median is **{}**", money(median)),
        format!("between {} and {}", money(p5), money(p95)),
        format!("is {width:.3} wide"),
    ] {
        assert!(readme.contains(&said), "README.md should say {said}");
    }
    // The width past forecasts' errors call for, from `backtest`.
    let out = safetech()
        .args(["backtest", "-f", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let backtest: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let needed = &backtest["naive"]["band_needed"];
    let rmse = needed["rmse"].as_f64().unwrap();
    let said = format!(
        "RMSE {rmse:.3} over 2021–2023) need 2 × 1.645 × {rmse:.3} = {:.3}",
        needed["width_90"].as_f64().unwrap()
    );
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&said), "README.md should say {said}");
    for (k, shown) in [
        ("1900", "£1,900m"),
        ("4100", "£4,100m"),
        ("8800", "£8,800m"),
    ] {
        let (p, median, ..) = run(Some(&format!("growth.capacity={k}")));
        let row = format!("| {} | {} |", pct(p), money(median));
        let line = readme
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("| {shown}")))
            .unwrap_or_else(|| panic!("no row for {shown}"));
        assert!(line.ends_with(&row), "{line}: the program says {row}");
    }
}

/// The README's paired-difference example is the program's output, line for line (it quoted
/// +16.32 pts where the program printed +16.23).
#[test]
fn readme_paired_difference_is_the_programs_output() {
    let readme = std::fs::read_to_string(dir().join("../README.md")).unwrap();
    let out = safetech()
        .args(["run", "-s", "maturing", "-s", "osa-enforced"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let block: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Paired differences"))
        .take(4)
        .collect();
    assert_eq!(block.len(), 4, "{text}");
    for line in block {
        assert!(readme.contains(line), "README.md should have: {line}");
    }
}
