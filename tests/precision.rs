//! `--precision PTS`: the half-width asked for is reached, and the result is exactly the plain
//! run with the number of paths reported.

use crate::common;

use safetech::analysis::precision::whole_blocks;
use safetech::scenario::load;
use safetech::sim::{CHUNK, RunControl, RunSettings, simulate};

use common::safetech;

fn output(args: &[&str]) -> (Vec<u8>, String) {
    let out = safetech().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {err}");
    (out.stdout, err)
}

/// Acceptance: `--precision 0.05` gives a ci95 half-width ≤ 0.05 pts and equals the plain run
/// at the reported N, byte for byte. (Horizon 2026 keeps the debug-build test quick; the
/// target year's numbers do not depend on later years.)
#[test]
fn precision_reaches_the_half_width_and_equals_the_plain_run() {
    let base = ["run", "--horizon", "2026", "-f", "json"];
    let (precise, note) = output(&[&base[..], &["--precision", "0.05"]].concat());
    assert!(note.contains("≤ 0.05 pts"), "{note}");
    let doc: serde_json::Value = serde_json::from_slice(&precise).unwrap();
    let s = &doc["scenarios"][0];
    let ci = s["target"]["ci95"].as_array().unwrap();
    let half = (ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap()) / 2.0;
    assert!(half <= 0.0005, "half-width {half}");
    let n = s["paths"].as_u64().unwrap() as usize;
    assert_eq!(n % CHUNK, 0);
    let paths = n.to_string();
    let (plain, _) = output(&[&base[..], &["-n", &paths]].concat());
    assert!(
        precise == plain,
        "the precise run differs from the plain run at {n} paths"
    );
}

/// With two scenarios, every ΔP's half-width is held to the goal too.
#[test]
fn precision_covers_paired_differences_when_comparing() {
    let base = [
        "run",
        "-s",
        "maturing",
        "-s",
        "kosa",
        "--horizon",
        "2026",
        "-f",
        "json",
    ];
    let (precise, _) = output(&[&base[..], &["--precision", "0.5"]].concat());
    let doc: serde_json::Value = serde_json::from_slice(&precise).unwrap();
    let d = &doc["differences"][0]["probability"];
    assert!(1.959_964 * d["std_error"].as_f64().unwrap() <= 0.005);
    for s in doc["scenarios"].as_array().unwrap() {
        let ci = s["target"]["ci95"].as_array().unwrap();
        assert!(ci[1].as_f64().unwrap() - ci[0].as_f64().unwrap() <= 0.01);
    }
    let n = doc["scenarios"][0]["paths"].as_u64().unwrap().to_string();
    let (plain, _) = output(&[&base[..], &["-n", &n]].concat());
    assert!(precise == plain);
}

/// Sensitivity with --precision equals the plain analysis at the reported N, apart from the
/// precision note itself.
#[test]
fn sensitivity_precision_equals_the_plain_analysis() {
    let base = ["sensitivity", "-s", "osa-enforced", "-f", "json"];
    let (precise, _) = output(&[&base[..], &["--precision", "0.3", "-n", "4096"]].concat());
    let mut doc: serde_json::Value = serde_json::from_slice(&precise).unwrap();
    let p = doc.as_object_mut().unwrap().remove("precision").unwrap();
    assert_eq!(p["reached"], true);
    for row in doc["tornado"].as_array().unwrap() {
        for side in ["low", "high"] {
            let se = row[side]["delta_probability"]["std_error"]
                .as_f64()
                .unwrap();
            assert!(1.959_964 * se <= 0.003, "{row}");
        }
    }
    let n = doc["paths"].as_u64().unwrap().to_string();
    let (plain, _) = output(&[&base[..], &["-n", &n]].concat());
    let plain: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(doc, plain);
}

/// Why the blocks are whole chunks: a run of k·CHUNK paths is exactly the first k·CHUNK paths
/// of any larger run, so each round only adds paths.
#[test]
fn whole_blocks_of_paths_are_prefixes_of_larger_runs() {
    let s = load("transatlantic").unwrap();
    let run = |paths| {
        let settings = RunSettings {
            paths,
            seed: 1,
            sample_paths: 0,
        };
        simulate(&s, settings, RunControl::default()).unwrap()
    };
    let small = run(whole_blocks(5000));
    let large = run(whole_blocks(5000) + 3 * CHUNK + 17);
    assert_eq!(
        small.target_values[..],
        large.target_values[..small.paths()]
    );
    assert_eq!(
        small.first_passage[..],
        large.first_passage[..small.paths()]
    );
    assert_eq!(whole_blocks(1), CHUNK);
    assert_eq!(whole_blocks(CHUNK + 1), 2 * CHUNK);
}

/// `--precision` grows a run only as far as the memory budget allows, and a
/// run that stops short of the precision asked for writes its results, says why, and exits 3.
#[test]
fn precision_short_of_the_goal_exits_3_within_the_memory_budget() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.json");
    let budget: u64 = 150 << 20;
    let result = safetech()
        .args([
            "run",
            "-s",
            "maturing",
            "--precision",
            "0.1",
            "--max-memory",
            "150M",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("above the 0.1 pts asked for")
            && stderr.contains("the most that fit the memory budget"),
        "{stderr}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let paths = json["scenarios"][0]["paths"].as_u64().unwrap();
    let scenario = safetech::scenario::load("maturing").unwrap();
    let per_path = safetech::sim::memory_estimate(&scenario, 1);
    // The largest whole number of blocks that fits the budget.
    let fit = (budget - safetech::sim::MEMORY_OVERHEAD) / per_path;
    let block = safetech::sim::CHUNK as u64;
    assert!(
        paths <= fit && paths + block > fit,
        "{paths} paths, {fit} fit"
    );
    let margin = json["scenarios"][0]["target"]["margin95"].as_f64().unwrap();
    assert!(margin * 100.0 > 0.1, "margin {margin}");
}
