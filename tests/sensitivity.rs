//! `safetech sensitivity`: tornado rows against separate `run --set` runs (exactly), variance
//! shares against a closed form (within their stated error), scenario ranges and bad input.

use crate::common;

use safetech::scenario::parse_str;
use safetech::sim::{RunControl, RunSettings, simulate};
use safetech::stats::sobol::variance_shares;
use statrs::distribution::{Continuous, Normal};

use common::safetech;

fn json(args: &[&str]) -> serde_json::Value {
    let out = safetech().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// P(target) and the median in the target year of `run` with these extra arguments.
fn run_figures(extra: &[&str]) -> (f64, f64) {
    let mut args = vec![
        "run",
        "-s",
        "transatlantic",
        "-n",
        "20000",
        "--seed",
        "11",
        "-f",
        "json",
    ];
    args.extend_from_slice(extra);
    let doc = json(&args);
    let s = &doc["scenarios"][0];
    let year = s["target"]["year"].as_i64().unwrap();
    let y = s["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"].as_i64() == Some(year))
        .unwrap();
    (
        s["target"]["probability"].as_f64().unwrap(),
        y["p50"].as_f64().unwrap(),
    )
}

#[test]
fn tornado_rows_equal_separate_runs_with_set() {
    let doc = json(&[
        "sensitivity",
        "-s",
        "transatlantic",
        "-n",
        "20000",
        "--seed",
        "11",
        "-f",
        "json",
    ]);
    assert_eq!(doc["schema"], "safetech.sensitivity/v1");
    let rows = doc["tornado"].as_array().unwrap();
    let (p0, m0) = run_figures(&[]);
    assert_eq!(doc["base"]["target"]["probability"].as_f64().unwrap(), p0);
    assert_eq!(doc["base"]["median"].as_f64().unwrap(), m0);
    // A growth parameter and an event outcome's probability.
    let growth = rows.iter().find(|r| r["key"] == "growth.initial").unwrap();
    let event = rows
        .iter()
        .find(|r| r["key"].as_str().unwrap().ends_with(".probability"))
        .unwrap();
    for row in [growth, event] {
        let key = row["key"].as_str().unwrap();
        for side in ["low", "high"] {
            let end = &row[side];
            let value = end["value"].as_f64().unwrap();
            let set = format!("{key}={value:?}");
            let (p, m) = run_figures(&["--set", &set]);
            assert_eq!(end["probability"].as_f64().unwrap(), p, "{set}");
            assert_eq!(end["median"].as_f64().unwrap(), m, "{set}");
            let dp = end["delta_probability"]["difference"].as_f64().unwrap();
            assert!((dp - (p - p0)).abs() < 1e-12, "{set}: {dp} vs {}", p - p0);
            let dm = end["delta_median"]["difference"].as_f64().unwrap();
            assert!((dm - (m - m0)).abs() < 1e-9, "{set}");
        }
    }
    // Sorted by the swing of P, largest first.
    let range = |r: &serde_json::Value| {
        (r["high"]["probability"].as_f64().unwrap() - r["low"]["probability"].as_f64().unwrap())
            .abs()
    };
    assert!(rows.windows(2).all(|w| range(&w[0]) >= range(&w[1])));
    // Every outcome's probability and uplift of every event has a row: a probability can
    // always move, since the event's other outcomes (or "nothing happens") give way.
    let scenario = safetech::scenario::load("transatlantic").unwrap();
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    for ev in &scenario.events {
        for o in &ev.outcomes {
            let uplift = format!("events.{}.{}.growth_uplift", ev.id, o.id);
            assert!(keys.contains(&uplift.as_str()), "{uplift} in {keys:?}");
            let probability = format!("events.{}.{}.probability", ev.id, o.id);
            assert!(keys.contains(&probability.as_str()), "{probability}");
        }
    }
}

fn r0_only(sd: f64, volatility: f64, horizon: i32) -> safetech::scenario::Scenario {
    parse_str(
        &format!(
            r#"
[scenario]
id = "r0-only"
name = "r0 only"
[market]
start_year = 2024
start_revenue = 623.0
horizon = {horizon}
[target]
revenue = 1000.0
year = {horizon}
[growth]
initial = 0.3
initial_uncertainty = {sd}
volatility = {volatility}
"#
        ),
        "test",
    )
    .unwrap()
}

/// Var(ln(1 + r0)) for r0 ~ Normal(0.3, sd), by the trapezoid rule over ±10 sd.
fn var_log_growth(sd: f64) -> f64 {
    let z = Normal::new(0.0, 1.0).unwrap();
    let steps = 20_000;
    let (mut m1, mut m2) = (0.0, 0.0);
    for i in 0..=steps {
        let x = -10.0 + 20.0 * i as f64 / steps as f64;
        let w = z.pdf(x) * 20.0 / steps as f64 * if i == 0 || i == steps { 0.5 } else { 1.0 };
        let l = (1.3 + sd * x).ln();
        m1 += w * l;
        m2 += w * l * l;
    }
    m2 - m1 * m1
}

/// With only r0 uncertain and i.i.d. Normal shocks, ln R_T = ln R_0 + T ln(1 + r0) + σ Σ ε, so
/// the share of Var(ln R_T) due to r0 is T² Var(ln(1+r0)) / (T² Var(ln(1+r0)) + T σ²).
/// The estimate must lie within 4 of its stated standard errors (the binning into √n = 316
/// bins loses about 0.07 % of the explained variance for a Normal input, a fraction of one
/// standard error here; [`binning_loss`] computes it).
#[test]
fn variance_share_of_r0_matches_the_closed_form() {
    for (sd, vol, horizon) in [(0.1, 0.1, 2028), (0.05, 0.1, 2026)] {
        let s = r0_only(sd, vol, horizon);
        let settings = RunSettings {
            paths: 100_000,
            seed: 3,
            sample_paths: 0,
        };
        let p = simulate(&s, settings, RunControl::default()).unwrap();
        let shares = variance_shares(&p);
        let t = f64::from(horizon - 2024);
        let explained = t * t * var_log_growth(sd);
        let exact = explained / (explained + t * vol * vol)
            * (1.0 - binning_loss(safetech::stats::sobol::bins_for(100_000)));
        let r0 = shares.iter().find(|v| v.key == "growth.initial").unwrap();
        let got = r0.log_revenue.unwrap();
        eprintln!(
            "T={t} exact {exact:.4}, estimate {:.4} ± {:.4} (se)",
            got.share, got.std_error
        );
        assert!(got.std_error > 0.0 && got.std_error < 0.01);
        assert!(
            (got.share - exact).abs() <= 4.0 * got.std_error,
            "T={t}: share {} ± {} (se), exact {exact}",
            got.share,
            got.std_error
        );
        // The rest is the shocks' share, T σ² / total.
        let rest = shares.last().unwrap().log_revenue.unwrap();
        assert!((rest.share - (1.0 - exact)).abs() <= 4.0 * rest.std_error);
        assert!(binning_loss(316) < 0.001);
    }
}

/// Share of Var(E[Y | X]) that equal-count binning into `bins` loses for Normal X and linear
/// E[Y | X]: 1 − Σ_bins (E[Z | bin])² / bins.
fn binning_loss(bins: usize) -> f64 {
    use statrs::distribution::ContinuousCDF;
    let z = Normal::new(0.0, 1.0).unwrap();
    let edge = |i: usize| {
        if i == 0 || i == bins {
            0.0
        } else {
            z.pdf(z.inverse_cdf(i as f64 / bins as f64))
        }
    };
    let kept: f64 = (0..bins)
        .map(|i| ((edge(i) - edge(i + 1)) * bins as f64).powi(2))
        .sum::<f64>()
        / bins as f64;
    1.0 - kept
}

/// The jackknife error is honest: over 30 seeds at 20,000 paths, the spread of the estimates
/// matches the mean reported standard error (ratio of variances within 0.45–2.2, the 1st and
/// 99th percentiles of χ²₂₉/29), and their mean is within 4 errors of the exact share less
/// what binning loses (0.15 % of it at 141 bins, by [`binning_loss`]).
#[test]
fn variance_share_errors_match_the_spread_over_seeds() {
    let s = r0_only(0.1, 0.1, 2028);
    let t = 4.0;
    let explained = t * t * var_log_growth(0.1);
    let exact = explained / (explained + t * 0.01);
    let estimates: Vec<(f64, f64)> = (0..30)
        .map(|seed| {
            let settings = RunSettings {
                paths: 20_000,
                seed,
                sample_paths: 0,
            };
            let p = simulate(&s, settings, RunControl::default()).unwrap();
            let v = variance_shares(&p)[0].log_revenue.unwrap();
            (v.share, v.std_error)
        })
        .collect();
    let n = estimates.len() as f64;
    let mean = estimates.iter().map(|e| e.0).sum::<f64>() / n;
    let spread = estimates.iter().map(|e| (e.0 - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let reported = estimates.iter().map(|e| e.1 * e.1).sum::<f64>() / n;
    let ratio = spread / reported;
    eprintln!("spread/reported {ratio:.3}, mean {mean:.4}, exact {exact:.4}");
    assert!((0.45..=2.2).contains(&ratio), "ratio {ratio}");
    let binned = exact * (1.0 - binning_loss(safetech::stats::sobol::bins_for(20_000)));
    assert!(
        (mean - binned).abs() <= 4.0 * (reported / n).sqrt(),
        "{mean} vs {binned}"
    );
}

#[test]
fn scenario_ranges_are_used_and_printed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ranged.toml");
    // maturing states a range for growth.initial already; add one for the long-run rate.
    let text = safetech::scenario::builtin_source("maturing")
        .unwrap()
        .replace(
            "[ranges]\n",
            "[ranges]\n\"growth.long_run\" = [0.06, 0.14]\n",
        );
    assert!(text.contains("\"growth.long_run\" = [0.06, 0.14]"));
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let doc = json(&["sensitivity", "-s", path, "-n", "5000", "-f", "json"]);
    let row = doc["tornado"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "growth.long_run")
        .unwrap();
    assert_eq!(row["low"]["value"].as_f64(), Some(0.06));
    assert_eq!(row["high"]["value"].as_f64(), Some(0.14));
    assert_eq!(row["source"], "scenario");
    let table = safetech()
        .args(["sensitivity", "-s", path, "-n", "5000"])
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    let base = safetech::scenario::load("maturing")
        .unwrap()
        .growth
        .long_run_rate();
    let line = format!("growth.long_run = {base}: low 0.06, high 0.14 (scenario range)");
    assert!(table.contains(&line), "{line} not in {table}");
    assert!(table.contains("(default ×0.5 to ×1.5)"), "{table}");
}

#[test]
fn bad_ranges_and_values_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    for (range, says) in [
        (
            "\"growth.nonsense\" = [0.1, 0.2]",
            "not a numeric parameter",
        ),
        ("\"growth.volatility\" = [0.2, 0.1]", "low < high"),
        ("\"growth.volatility\" = [-0.2, 0.1]", "growth.volatility"),
    ] {
        let path = dir.path().join("bad.toml");
        let text = safetech::scenario::builtin_source("baseline")
            .unwrap()
            .to_string()
            + "\n[ranges]\n"
            + range
            + "\n";
        std::fs::write(&path, text).unwrap();
        let out = safetech()
            .args(["sensitivity", "-s", path.to_str().unwrap(), "-n", "3000"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{range}: {err}");
        assert!(err.contains(says), "{range}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    for args in [&["--precision", "0", "-n", "3000"][..], &["-n", "10"][..]] {
        let out = safetech().arg("sensitivity").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn every_format_renders() {
    for (format, check) in [
        ("table", "Shares of variance"),
        ("csv", "tornado,baseline,"),
        ("markdown", "| `--set` key |"),
    ] {
        let out = safetech()
            .args(["sensitivity", "-n", "4000", "-f", format])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(check), "{format}: {text}");
        assert!(!text.contains("NaN"), "{format}: {text}");
    }
    // CSV rows all have the header's number of fields.
    let out = safetech()
        .args([
            "sensitivity",
            "-s",
            "transatlantic",
            "-n",
            "4000",
            "-f",
            "csv",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let width = lines.next().unwrap().split(',').count();
    // Fields: commas outside quotes, plus one.
    let fields = |line: &str| {
        let mut quoted = false;
        1 + line
            .chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ',' && !quoted
            })
            .count()
    };
    for line in lines {
        assert_eq!(fields(line), width, "{line}");
    }
}
