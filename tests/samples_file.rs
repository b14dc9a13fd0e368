//! `run --samples`: the per-path file reproduces what the program reports from it alone.

use crate::common::{json_of, safetech};

fn json_and_samples(args: &[&str]) -> (serde_json::Value, Vec<Vec<String>>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paths.csv");
    let json = json_of(
        safetech()
            .args(["run", "-f", "json", "--samples", file.to_str().unwrap()])
            .args(args),
    );
    let text = std::fs::read_to_string(&file).unwrap();
    // No field here needs quoting: ids are [a-z0-9_-], numbers are plain.
    let rows = text
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (json, rows)
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

#[test]
fn the_file_reproduces_p_target_first_passage_and_attribution() {
    let (json, rows) = json_and_samples(&["-s", "tests/fixtures/osa-fixed.toml", "-n", "20000"]);
    let s = &json["scenarios"][0];
    assert_eq!(
        rows[0],
        [
            "path",
            "growth.initial",
            "event.osa",
            "revenue_gbp_m_2026",
            "reached_target",
            "first_year_reached"
        ]
    );
    let n = rows.len() - 1;
    assert_eq!(n, 20_000);
    // P(target): the share of reached_target, and the same from the revenue column.
    let reached: Vec<bool> = column(&rows, "reached_target")
        .iter()
        .map(|x| x == "1")
        .collect();
    let revenue: Vec<f64> = column(&rows, "revenue_gbp_m_2026")
        .iter()
        .map(|x| x.parse().unwrap())
        .collect();
    let p = reached.iter().filter(|&&r| r).count() as f64 / n as f64;
    assert_eq!(p, s["target"]["probability"].as_f64().unwrap());
    assert!(
        revenue
            .iter()
            .zip(&reached)
            .all(|(&r, &hit)| (r >= 1000.0) == hit)
    );
    // P(reached by year) for every year of the first-passage table.
    let first = column(&rows, "first_year_reached");
    for fp in s["first_passage"].as_array().unwrap() {
        let year = fp["year"].as_i64().unwrap();
        let by = first
            .iter()
            .filter(|y| y.parse::<i64>().is_ok_and(|y| y <= year))
            .count() as f64
            / n as f64;
        assert_eq!(by, fp["probability"].as_f64().unwrap(), "by {year}");
    }
    // Each outcome's share of paths and P(target | outcome).
    let outcome = column(&rows, "event.osa");
    for o in s["events"][0]["outcomes"].as_array().unwrap() {
        let id = o["id"].as_str().unwrap();
        let on: Vec<usize> = (0..n).filter(|&i| outcome[i] == id).collect();
        assert_eq!(on.len() as u64, o["paths"].as_u64().unwrap(), "{id}");
        if !on.is_empty() {
            let hit = on.iter().filter(|&&i| reached[i]).count() as f64 / on.len() as f64;
            assert_eq!(hit, o["p_target"].as_f64().unwrap(), "{id}");
        }
    }
    // The drawn starting paces spread as the scenario says: mean 0.37-ish, not one value.
    let pace: Vec<f64> = column(&rows, "growth.initial")
        .iter()
        .map(|x| x.parse().unwrap())
        .collect();
    let distinct = pace.iter().filter(|&&x| x != pace[0]).count();
    assert!(distinct > n / 2, "the pace is drawn per path");
}

#[test]
fn samples_are_refused_before_any_run_when_they_cannot_be_written() {
    for (args, says) in [
        (
            vec!["-s", "baseline", "-s", "kosa"],
            "writes the paths of one scenario, and 2 were given",
        ),
        (vec!["-n", "1000001"], "at most 1,000,000"),
        (vec!["-o", "paths.csv"], "names the same file as --out"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = safetech()
            .current_dir(dir.path())
            .args(["run", "--samples", "paths.csv"])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("--samples") && err.contains(says), "{err}");
        assert!(!dir.path().join("paths.csv").exists());
    }
}
