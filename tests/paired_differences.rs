//! Paired differences between scenarios run on the same seed: the standard error against an
//! independent computation from per-path hit indicators, the CLI's JSON against the library,
//! and the coverage of the 95 % intervals on a closed-form case.

use crate::common;

use safetech::scenario::{Scenario, load, parse_str};
use safetech::sim::{Projection, RunControl, RunSettings, simulate};
use safetech::stats::difference::{paired_probability, scenario_difference};
use statrs::distribution::{ContinuousCDF, Normal};

use common::safetech;

fn run(s: &Scenario, paths: usize, seed: u64) -> Projection {
    let settings = RunSettings {
        paths,
        seed,
        sample_paths: 0,
    };
    simulate(s, settings, RunControl::default()).expect("simulation runs")
}

/// The textbook paired computation, written out separately: d_i = b_i − a_i, mean, sample
/// variance with n − 1, standard error sqrt(var / n).
fn independent(a: &Projection, b: &Projection) -> (f64, f64) {
    let ind = |p: &Projection| -> Vec<f64> {
        p.target_values
            .iter()
            .map(|&v| {
                if v >= p.scenario.target.revenue {
                    1.0
                } else {
                    0.0
                }
            })
            .collect()
    };
    let (ia, ib) = (ind(a), ind(b));
    let n = ia.len() as f64;
    let d: Vec<f64> = ia.iter().zip(&ib).map(|(x, y)| y - x).collect();
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[test]
fn paired_standard_error_matches_an_independent_computation() {
    let (kosa, maturing) = (load("kosa").unwrap(), load("maturing").unwrap());
    let (a, b) = (run(&maturing, 30_000, 7), run(&kosa, 30_000, 7));
    let d = scenario_difference(&a, &b).expect("same seed and paths");
    let (mean, se) = independent(&a, &b);
    assert!((d.probability.difference - mean).abs() < 1e-12);
    assert!(
        (d.probability.std_error - se).abs() < 1e-12 * se.max(1e-9),
        "{} vs {se}",
        d.probability.std_error
    );
    // The difference is exactly the difference of the two runs' probabilities.
    let p = |x: &Projection| safetech::stats::target_probability(x).probability;
    assert!((d.probability.difference - (p(&b) - p(&a))).abs() < 1e-12);
    // Pairing pays: the paired error is below the unpaired one, sqrt(se_a² + se_b²).
    let unpaired = |x: &Projection| safetech::stats::target_probability(x).std_error;
    assert!(d.probability.std_error < (unpaired(&a).powi(2) + unpaired(&b).powi(2)).sqrt());
    // The same from the indicator slices.
    let hits = |x: &Projection| safetech::stats::difference::hits(x);
    let e = paired_probability(&hits(&a), &hits(&b));
    assert_eq!(e, d.probability);
    // The spread of per-path differences, against a plain sort of them.
    let mut diffs: Vec<f64> = a
        .target_values
        .iter()
        .zip(&b.target_values)
        .map(|(x, y)| y - x)
        .collect();
    diffs.sort_by(f64::total_cmp);
    let type7 = |p: f64| {
        let h = (diffs.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        diffs[lo] + (h - lo as f64) * (diffs[(lo + 1).min(diffs.len() - 1)] - diffs[lo])
    };
    let spread = d.revenue_difference;
    for (got, p) in [(spread.p5, 0.05), (spread.p50, 0.5), (spread.p95, 0.95)] {
        assert!(
            (got - type7(p)).abs() <= 1e-9 * got.abs().max(1.0),
            "p{p}: {got}"
        );
    }
    // The median difference is the difference of the runs' reported medians.
    let year = a.scenario.target.year;
    let median = |x: &Projection| x.year(year).unwrap().median();
    assert!((d.median.difference - (median(&b) - median(&a))).abs() < 1e-9);
}

#[test]
fn run_json_reports_the_same_differences() {
    let out = safetech()
        .args([
            "run", "-s", "maturing", "-s", "kosa", "-n", "30000", "--seed", "7", "-f", "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "safetech.run/v1");
    let diffs = doc["differences"].as_array().expect("differences[]");
    assert_eq!(diffs.len(), 1);
    let d = &diffs[0];
    assert_eq!(d["base"], "maturing");
    assert_eq!(d["scenario"], "kosa");
    let (a, b) = (
        run(&load("maturing").unwrap(), 30_000, 7),
        run(&load("kosa").unwrap(), 30_000, 7),
    );
    let (mean, se) = independent(&a, &b);
    let got = d["probability"]["difference"].as_f64().unwrap();
    let got_se = d["probability"]["std_error"].as_f64().unwrap();
    assert!((got - mean).abs() < 1e-12 && (got_se - se).abs() < 1e-12);
    let ci = d["probability"]["ci95"].as_array().unwrap();
    let lo = ci[0].as_f64().unwrap();
    assert!((lo - (mean - 1.959_963_984_540_054 * se)).abs() < 1e-12);
    // One scenario: no differences field at all (the v1 shape is unchanged).
    let one = safetech()
        .args(["run", "-n", "3000", "-f", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert!(doc.get("differences").is_none());
}

fn closed_form(initial: f64) -> Scenario {
    parse_str(
        &format!(
            r#"
[scenario]
id = "cf-{id}"
name = "closed form"
[market]
start_year = 2024
start_revenue = 623.0
horizon = 2026
[target]
revenue = 1000.0
year = 2026
[growth]
initial = {initial}
volatility = 0.1
"#,
            id = (initial * 100.0).round()
        ),
        "test",
    )
    .unwrap()
}

/// ln R_2026 ~ Normal(ln 623 + 2 ln(1 + g), 2 · 0.1²) exactly, so P(R ≥ 1000) and the median
/// 623 (1 + g)² are known. Over 400 independent seeds, the 95 % intervals of ΔP and of the
/// median difference must cover the truth in 95 % of repetitions: the count of covers is
/// Binomial(400, 0.95), sd 4.4, and the test accepts 380 ± 13 (three sds).
#[test]
fn paired_intervals_cover_the_true_difference() {
    const REPS: u64 = 400;
    const PATHS: usize = 4000;
    let (ga, gb) = (0.30, 0.32);
    let (a, b) = (closed_form(ga), closed_form(gb));
    let z = Normal::new(0.0, 1.0).unwrap();
    let s = 0.1 * 2f64.sqrt();
    let p = |g: f64| 1.0 - z.cdf(((1000f64 / 623.0).ln() - 2.0 * (1.0 + g).ln()) / s);
    let true_dp = p(gb) - p(ga);
    let true_dm = 623.0 * ((1.0 + gb).powi(2) - (1.0 + ga).powi(2));
    let (mut cover_p, mut cover_m) = (0, 0);
    let (mut sum, mut sum_sq, mut mean_var) = (0.0, 0.0, 0.0);
    for seed in 0..REPS {
        let d = scenario_difference(&run(&a, PATHS, seed), &run(&b, PATHS, seed)).unwrap();
        let (pp, m) = (d.probability, d.median);
        cover_p += usize::from(pp.ci95[0] <= true_dp && true_dp <= pp.ci95[1]);
        cover_m += usize::from(m.ci95[0] <= true_dm && true_dm <= m.ci95[1]);
        sum += pp.difference;
        sum_sq += pp.difference * pp.difference;
        mean_var += pp.std_error * pp.std_error / REPS as f64;
    }
    eprintln!("covers: ΔP {cover_p}, Δ median {cover_m} of {REPS}");
    let expected = 0.95 * REPS as f64;
    let sd = (REPS as f64 * 0.95 * 0.05).sqrt();
    for (what, covers) in [("ΔP", cover_p), ("Δ median", cover_m)] {
        assert!(
            (covers as f64 - expected).abs() <= 3.0 * sd,
            "{what}: {covers} of {REPS} intervals cover the truth (expected {expected})"
        );
    }
    // The standard error is right on average: the spread of ΔP across seeds over the mean
    // reported variance is a ratio whose sd is about sqrt(2 / 399) = 0.071; allow 4 sds.
    let n = REPS as f64;
    let spread = (sum_sq - sum * sum / n) / (n - 1.0);
    let ratio = spread / mean_var;
    eprintln!("spread of ΔP over mean reported variance: {ratio:.3}");
    assert!(
        (ratio - 1.0).abs() < 4.0 * (2.0 / (n - 1.0)).sqrt(),
        "ratio {ratio}"
    );
    // And the estimate is unbiased: the mean over seeds is within 4 standard errors.
    assert!((sum / n - true_dp).abs() < 4.0 * (mean_var / n).sqrt());
}

/// Paired differences have a Markdown and a CSV form, equal to the JSON's
/// `differences[]`.
#[test]
fn paired_differences_reach_markdown_and_csv() {
    let args = [
        "run", "-n", "4000", "-s", "maturing", "-s", "kosa", "-s", "downturn",
    ];
    let text = |format: &str| {
        let out = common::succeed(common::safetech().args(args).args(["-f", format]));
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&text("json")).unwrap();
    let differences = json["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 2);
    let csv = text("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| !r[column("base")].is_empty())
        .collect();
    assert_eq!(rows.len(), 2, "one paired row per scenario after the first");
    let markdown = text("markdown");
    assert!(
        markdown.contains("**Paired differences against `maturing`**"),
        "{markdown}"
    );
    for (row, d) in rows.iter().zip(differences) {
        assert_eq!(row[column("scenario")], d["scenario"].as_str().unwrap());
        assert_eq!(row[column("base")], "maturing");
        assert_eq!(row[column("year")], d["target_year"].to_string());
        let number = |name: &str| row[column(name)].parse::<f64>().unwrap();
        assert_eq!(
            number("dp_target_vs_base"),
            d["probability"]["difference"].as_f64().unwrap()
        );
        assert_eq!(
            number("dp_target_vs_base_se"),
            d["probability"]["std_error"].as_f64().unwrap()
        );
        assert_eq!(
            number("dmedian_vs_base_gbp_m"),
            d["median"]["difference"].as_f64().unwrap()
        );
        let pair = format!("| `{}` − `maturing` |", d["scenario"].as_str().unwrap());
        assert!(markdown.contains(&pair), "{markdown}");
    }
}
