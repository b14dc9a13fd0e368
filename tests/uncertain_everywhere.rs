//! Every input that may be uncertain, drawn per path: each against the closed-form P(target) of
//! a model small enough to have one; the draws keyed by input (adding one leaves the others'
//! draws alone) and paired across scenarios; rank correlations recovered from `--samples`; and
//! the refusals of correlations that cannot be.

use safetech::scenario::parse_str;
use safetech::sim::{RunControl, RunSettings, simulate};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::common::{json_of, safetech};

const PATHS: usize = 200_000;

/// A scenario from 623 in 2024 to `horizon`, target `target` in `year`, with `growth` lines
/// and `events` appended as written.
fn scenario(horizon: i32, year: i32, target: f64, growth: &str, events: &str) -> String {
    format!(
        r#"
[scenario]
id = "closed-form"
name = "Closed form"

[market]
start_year = 2024
start_revenue = 623.0
horizon = {horizon}

[target]
revenue = {target}
year = {year}

[growth]
volatility = 0.0
{growth}
{events}
"#
    )
}

fn p_target(text: &str) -> f64 {
    let s = parse_str(text, "test").unwrap();
    let settings = RunSettings {
        paths: PATHS,
        seed: 11,
        ..RunSettings::default()
    };
    let p = simulate(&s, settings, RunControl::default()).unwrap();
    p.years
        .iter()
        .find(|y| y.year == s.target.year)
        .unwrap()
        .p_target
}

/// E[f(X)] for X uniform on [a, b], by the midpoint rule (f is smooth: error far below 1e-6).
fn mean_over_uniform(a: f64, b: f64, f: impl Fn(f64) -> f64) -> f64 {
    let k = 20_000;
    (0..k)
        .map(|i| f(a + (b - a) * (i as f64 + 0.5) / k as f64))
        .sum::<f64>()
        / k as f64
}

fn above(z: f64) -> f64 {
    1.0 - Normal::standard().cdf(z)
}

/// One event in 2025 whose single outcome has `fields`.
fn event(fields: &str) -> String {
    format!(
        "[[events]]\nid = \"e\"\nname = \"E\"\nyear = 2025\noutcomes = [ {{ id = \"on\", {fields} }} ]\n"
    )
}

#[test]
fn every_uncertain_input_gives_its_closed_form_p_target() {
    let r0 = 623.0f64;
    let uniform = |a: f64, b: f64| format!("{{ dist = \"uniform\", min = {a}, max = {b} }}");
    // Share of a uniform on [a, b] at or above x.
    let share_above = |a: f64, b: f64, x: f64| ((b - x) / (b - a)).clamp(0.0, 1.0);
    let mut cases: Vec<(&str, String, f64)> = Vec::new();

    // Start revenue S: R = S·1.3 ≥ 800.
    let text = scenario(2025, 2025, 800.0, "initial = 0.3", "").replace(
        "start_revenue = 623.0",
        &format!("start_revenue = {}", uniform(500.0, 700.0)),
    );
    cases.push((
        "market.start_revenue",
        text,
        share_above(500.0, 700.0, 800.0 / 1.3),
    ));

    // Capacity K: R = 623·(1 + 0.4·(1 − 623/K)) ≥ 830.
    let text = scenario(
        2025,
        2025,
        830.0,
        &format!("initial = 0.4\ncapacity = {}", uniform(2000.0, 6000.0)),
        "",
    );
    let k = r0 / (1.0 - (830.0 / r0 - 1.0) / 0.4);
    cases.push(("growth.capacity", text, share_above(2000.0, 6000.0, k)));

    // Reversion κ: the second year's growth is 0.1 + 0.3·e^(−κ); target at κ = 0.8.
    let target = r0 * 1.4 * (1.1 + 0.3 * (-0.8f64).exp());
    let text = scenario(
        2026,
        2026,
        target,
        &format!(
            "initial = 0.4\nlong_run = 0.1\nreversion = {}",
            uniform(0.2, 1.5)
        ),
        "",
    );
    cases.push(("growth.reversion", text, (0.8 - 0.2) / 1.3));

    // Long-run rate L: the second year's growth is L + (0.4 − L)·e^(−0.5), rising in L.
    let target = r0 * 1.4 * 1.25;
    let d = (-0.5f64).exp();
    let l_star = (0.25 - 0.4 * d) / (1.0 - d);
    let text = scenario(
        2026,
        2026,
        target,
        &format!(
            "initial = 0.4\nreversion = 0.5\nlong_run = {}",
            uniform(0.0, 0.3)
        ),
        "",
    );
    cases.push(("growth.long_run", text, share_above(0.0, 0.3, l_star)));

    // Volatility σ: ln R − ln(623·1.3) = σ·ε ≥ 0.1.
    let text = scenario(2025, 2025, r0 * 1.3 * 0.1f64.exp(), "initial = 0.3", "").replace(
        "volatility = 0.0",
        &format!("volatility = {}", uniform(0.05, 0.25)),
    );
    cases.push((
        "growth.volatility",
        text,
        mean_over_uniform(0.05, 0.25, |s| above(0.1 / s)),
    ));

    // Persistence φ over two years: u₁ + u₂ = σ(1 + φ)ε₁ + σε₂ ≥ 0.15.
    let text = scenario(
        2026,
        2026,
        r0 * 0.15f64.exp(),
        &format!("initial = 0.0\npersistence = {}", uniform(-0.5, 0.9)),
        "",
    )
    .replace("volatility = 0.0", "volatility = 0.1");
    cases.push((
        "growth.persistence",
        text,
        mean_over_uniform(-0.5, 0.9, |phi| {
            above(0.15 / (0.1 * ((1.0 + phi).powi(2) + 1.0).sqrt()))
        }),
    ));

    // An outcome's uplift U: R = 623·(1.2 + U) ≥ 623·1.3.
    let text = scenario(
        2025,
        2025,
        r0 * 1.3,
        "initial = 0.2",
        &event(&format!(
            "probability = 1.0, growth_uplift = {}",
            uniform(0.0, 0.2)
        )),
    );
    cases.push((
        "events.e.on.growth_uplift",
        text,
        share_above(0.0, 0.2, 0.1),
    ));

    // An outcome's level shock ℓ: R = 623·1.2·(1 + ℓ) ≥ 623·1.2·1.1.
    let text = scenario(
        2025,
        2025,
        r0 * 1.2 * 1.1,
        "initial = 0.2",
        &event(&format!(
            "probability = 1.0, level_shock = {}",
            uniform(-0.2, 0.3)
        )),
    );
    cases.push(("events.e.on.level_shock", text, share_above(-0.2, 0.3, 0.1)));

    // An outcome's volatility multiplier m: ln R − ln(623·1.2) = 0.1·m·ε ≥ 0.1.
    let text = scenario(
        2025,
        2025,
        r0 * 1.2 * 0.1f64.exp(),
        "initial = 0.2",
        &event(&format!(
            "probability = 1.0, volatility_multiplier = {}",
            uniform(0.5, 2.5)
        )),
    )
    .replace("volatility = 0.0", "volatility = 0.1");
    cases.push((
        "events.e.on.volatility_multiplier",
        text,
        mean_over_uniform(0.5, 2.5, |m| above(0.1 / (0.1 * m))),
    ));

    // One outcome's uplift uncertain beside two written ones (each path takes its own
    // outcome's value): R = 623·(1.2 + U) ≥ 623·1.35 on paths that drew a (U uniform on
    // [0.1, 0.3]) or b (0.18), never on c (0.12) or none.
    let mixed = |field: &str, drawn: String, b: f64, c: f64| {
        format!(
            "[[events]]\nid = \"e\"\nname = \"E\"\nyear = 2025\noutcomes = [\n\
             {{ id = \"a\", probability = 0.5, {field} = {drawn} }},\n\
             {{ id = \"b\", probability = 0.3, {field} = {b} }},\n\
             {{ id = \"c\", probability = 0.1, {field} = {c} }},\n]\n"
        )
    };
    let text = scenario(
        2025,
        2025,
        r0 * 1.35,
        "initial = 0.2",
        &mixed("growth_uplift", uniform(0.1, 0.3), 0.18, 0.12),
    );
    cases.push((
        "events.e.a.growth_uplift beside written ones",
        text,
        0.5 * share_above(0.1, 0.3, 0.15) + 0.3,
    ));
    // The same with level shocks: R = 623·1.2·(1 + ℓ) ≥ 623·1.2·1.1.
    let text = scenario(
        2025,
        2025,
        r0 * 1.2 * 1.1,
        "initial = 0.2",
        &mixed("level_shock", uniform(-0.2, 0.3), 0.2, 0.08),
    );
    cases.push((
        "events.e.a.level_shock beside written ones",
        text,
        0.5 * share_above(-0.2, 0.3, 0.1) + 0.3,
    ));

    // An outcome's probability p: the target is met exactly when the outcome happens.
    let text = scenario(
        2025,
        2025,
        r0 * 1.3,
        "initial = 0.2",
        &event(&format!(
            "probability = {}, growth_uplift = 0.5",
            uniform(0.2, 0.6)
        )),
    );
    cases.push(("events.e.on.probability", text, 0.4));

    for (key, text, want) in cases {
        let got = p_target(&text);
        let se = (want * (1.0 - want) / PATHS as f64).sqrt();
        assert!(
            (got - want).abs() < 4.0 * se,
            "{key}: P(target) {got:.5}, closed form {want:.5} (4 se = {:.5})",
            4.0 * se
        );
    }
}

/// A whole osa-enforced-like file of plain numbers, with `extra` lines under `[growth]`.
fn osa_with(extra: &str) -> String {
    let text = include_str!("fixtures/osa-fixed.toml");
    text.replacen("[growth]", &format!("[growth]\n{extra}"), 1)
}

/// The fixture with long-run growth drawn from `long_run` (a distribution), capacity log-Normal
/// £3bn–£20bn, and the two rank-correlated at `rank`.
fn with_long_run_and_capacity(long_run: &str, rank: f64) -> String {
    osa_with("")
        .lines()
        .filter(|l| {
            !l.trim_start().starts_with("long_run") && !l.trim_start().starts_with("capacity")
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replacen(
            "[growth]",
            &format!(
                "[growth]\nlong_run = {long_run}\n\
                 capacity = {{ dist = \"lognormal\", p5 = 3000, p95 = 20000 }}"
            ),
            1,
        )
        + &format!(
            "\n[[correlations]]\nbetween = [\"growth.long_run\", \"growth.capacity\"]\nrank = {rank}\n"
        )
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn csv_column(text: &str, name: &str) -> Vec<f64> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    lines
        .map(|l| l.split(',').nth(i).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn a_new_uncertainty_leaves_the_other_draws_alone_and_is_paired() {
    let dir = tempfile::tempdir().unwrap();
    let text = osa_with("");
    let fixed = write(
        &dir,
        "fixed.toml",
        &text.replace("id = \"osa-enforced\"", "id = \"fixed\""),
    );
    let long_run = r#"long_run = { dist = "normal", p5 = 0.05, p95 = 0.2 }"#;
    let uncertain = text
        .replace("id = \"osa-enforced\"", "id = \"free\"")
        .lines()
        .filter(|l| !l.trim_start().starts_with("long_run"))
        .collect::<Vec<_>>()
        .join("\n")
        .replacen("[growth]", &format!("[growth]\n{long_run}"), 1);
    let free = write(&dir, "free.toml", &uncertain);
    let samples = |file: &str, out: &str| {
        let path = dir.path().join(out);
        crate::common::succeed(safetech().args([
            "run",
            "-s",
            file,
            "-n",
            "20000",
            "--samples",
            path.to_str().unwrap(),
        ]));
        std::fs::read_to_string(path).unwrap()
    };
    let a = samples(&fixed, "a.csv");
    let b = samples(&free, "b.csv");
    // The starting paces: the same text, digit for digit.
    assert_eq!(
        csv_column(&a, "growth.initial"),
        csv_column(&b, "growth.initial")
    );
    assert!(b.lines().next().unwrap().contains("growth.long_run"));
    // ΔP between them, with the paired error a spreadsheet would compute from the two files.
    let json = json_of(safetech().args([
        "run", "-s", &fixed, "-s", &free, "-n", "20000", "-f", "json",
    ]));
    let d = &json["differences"][0]["probability"];
    let (ha, hb) = (
        csv_column(&a, "reached_target"),
        csv_column(&b, "reached_target"),
    );
    let n = ha.len() as f64;
    let diffs: Vec<f64> = ha.iter().zip(&hb).map(|(a, b)| b - a).collect();
    let mean = diffs.iter().sum::<f64>() / n;
    let var = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0);
    assert!((d["difference"].as_f64().unwrap() - mean).abs() < 1e-12);
    let se = d["std_error"].as_f64().unwrap();
    assert!(
        (se - (var / n).sqrt()).abs() < 1e-9,
        "reported {se}, paired {}",
        (var / n).sqrt()
    );
    // Paired: far below the error of two independent runs.
    let p = |h: &[f64]| h.iter().sum::<f64>() / n;
    let unpaired = ((p(&ha) * (1.0 - p(&ha)) + p(&hb) * (1.0 - p(&hb))) / n).sqrt();
    assert!(se < unpaired / 2.0, "paired {se}, unpaired {unpaired}");
}

/// Spearman's rank correlation.
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let ranks = |v: &[f64]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        for (rank, &i) in idx.iter().enumerate() {
            r[i] = rank as f64;
        }
        r
    };
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let m = (n - 1.0) / 2.0;
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - m) * (b - m)).sum();
    let var: f64 = rx.iter().map(|a| (a - m).powi(2)).sum();
    cov / var
}

#[test]
fn rank_correlations_are_recovered_in_the_samples() {
    let dir = tempfile::tempdir().unwrap();
    for rank in [-0.8, -0.3, 0.3, 0.8] {
        let text =
            with_long_run_and_capacity(r#"{ dist = "uniform", min = 0.08, max = 0.18 }"#, rank);
        let file = write(&dir, "corr.toml", &text);
        let out = dir.path().join("s.csv");
        crate::common::succeed(safetech().args([
            "run",
            "-s",
            &file,
            "-n",
            "200000",
            "--horizon",
            "2026",
            "--samples",
            out.to_str().unwrap(),
        ]));
        let csv = std::fs::read_to_string(&out).unwrap();
        let got = spearman(
            &csv_column(&csv, "growth.long_run"),
            &csv_column(&csv, "growth.capacity"),
        );
        assert!((got - rank).abs() < 0.01, "asked {rank}, drew {got:.4}");
    }
}

#[test]
fn correlations_that_cannot_be_are_refused_by_name() {
    let three = "long_run = { dist = \"uniform\", min = 0.08, max = 0.18 }\n\
                 capacity = { dist = \"lognormal\", p5 = 3000, p95 = 20000 }\n\
                 reversion = { dist = \"uniform\", min = 0.2, max = 0.6 }";
    let base = osa_with("")
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            !(l.starts_with("long_run") || l.starts_with("capacity") || l.starts_with("reversion"))
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replacen("[growth]", &format!("[growth]\n{three}"), 1);
    let entry = |a: &str, b: &str, r: f64| {
        format!("\n[[correlations]]\nbetween = [\"{a}\", \"{b}\"]\nrank = {r}\n")
    };
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            // Each pair strongly opposed: no joint distribution has these.
            entry("growth.long_run", "growth.capacity", -0.8)
                + &entry("growth.capacity", "growth.reversion", -0.8)
                + &entry("growth.long_run", "growth.reversion", -0.8),
            vec![
                "correlations[0], correlations[1], correlations[2]",
                "positive definite",
            ],
        ),
        (
            entry("growth.long_run", "growth.volatilty", 0.5),
            vec!["growth.volatilty", "is not an input"],
        ),
        (
            entry("growth.long_run", "growth.capacty", 0.5),
            vec!["did you mean `growth.capacity`"],
        ),
        (
            entry("growth.long_run", "growth.volatility", 0.5),
            vec!["growth.volatility is not uncertain"],
        ),
        (
            entry("growth.long_run", "growth.capacity", 1.5),
            vec!["correlations[0].rank", "from -1 to 1"],
        ),
        (
            entry("growth.long_run", "growth.long_run", 0.5),
            vec!["with itself"],
        ),
    ];
    for (entries, says) in cases {
        let file = write(&dir, "bad.toml", &(base.clone() + &entries));
        let out = safetech()
            .args(["run", "-s", &file, "-n", "1000"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        for s in says {
            assert!(err.contains(s), "wanted {s:?} in: {err}");
        }
    }
}

#[test]
fn drawn_probabilities_keep_every_event_within_one() {
    // Two outcomes whose drawn probabilities often pass 1 together, and one fixed outcome:
    // on every path the three must sum to at most 1, and each outcome's share of paths must
    // be the mean of its probability under the documented rule.
    let text = scenario(
        2025,
        2025,
        1e6,
        "initial = 0.2",
        "[[events]]\nid = \"e\"\nname = \"E\"\nyear = 2025\noutcomes = [\n\
         { id = \"a\", probability = { dist = \"uniform\", min = 0.2, max = 0.8 } },\n\
         { id = \"b\", probability = { dist = \"uniform\", min = 0.1, max = 0.7 } },\n\
         { id = \"c\", probability = 0.05 },\n]\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "p.toml", &text);
    let out = dir.path().join("s.csv");
    crate::common::succeed(safetech().args([
        "run",
        "-s",
        &file,
        "-n",
        "100000",
        "--samples",
        out.to_str().unwrap(),
    ]));
    let csv = std::fs::read_to_string(&out).unwrap();
    let pa = csv_column(&csv, "events.e.a.probability");
    let pb = csv_column(&csv, "events.e.b.probability");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let e = header.iter().position(|c| *c == "event.e").unwrap();
    let outcome: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(e).unwrap().to_string())
        .collect();
    // The rule, from the drawn values: c gives way to keep the written total (0.5 + 0.4 +
    // 0.05, the medians), then all scale down if the total passes 1.
    let written_total = 0.5 + 0.4 + 0.05;
    let mut expected = [0.0; 3];
    for (&a, &b) in pa.iter().zip(&pb) {
        let c = 0.05 * ((written_total - a - b) / 0.05).max(0.0);
        let sum = a + b + c;
        let scale = if sum > 1.0 { 1.0 / sum } else { 1.0 };
        assert!((a + b + c) * scale <= 1.0 + 1e-12);
        for (e, p) in expected.iter_mut().zip([a, b, c]) {
            *e += p * scale / pa.len() as f64;
        }
    }
    let n = outcome.len() as f64;
    for (id, want) in ["a", "b", "c"].iter().zip(expected) {
        let got = outcome.iter().filter(|o| o == id).count() as f64 / n;
        let se = (want * (1.0 - want) / n).sqrt();
        assert!(
            (got - want).abs() < 4.0 * se,
            "{id}: {got:.4} against {want:.4}"
        );
    }
}

#[test]
fn event_inputs_drawn_per_path_agree_across_simd_levels() {
    let text = osa_with("")
        .lines()
        .filter(|l| !l.trim_start().starts_with("volatility ="))
        .collect::<Vec<_>>()
        .join("\n")
        .replacen(
            "[growth]",
            "[growth]\nvolatility = { dist = \"uniform\", min = 0.05, max = 0.2 }",
            1,
        )
        .replace(
            "growth_uplift = 0.06, duration = 3 }",
            "growth_uplift = { dist = \"normal\", p5 = 0.02, p95 = 0.1 }, duration = 3, \
             level_shock = { dist = \"uniform\", min = -0.05, max = 0.1 }, \
             volatility_multiplier = { dist = \"uniform\", min = 0.8, max = 1.6 } }",
        );
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "events.toml", &text);
    let args = ["run", "-s", &file, "-n", "20011", "-f", "json"];
    let wide = crate::common::succeed(safetech().args(args)).stdout;
    let portable =
        crate::common::succeed(safetech().args(args).env("SAFETECH_NO_SIMD", "1")).stdout;
    assert!(wide == portable, "the AVX2 and portable loops differ");
    let json: serde_json::Value = serde_json::from_slice(&wide).unwrap();
    let p = json["scenarios"][0]["target"]["probability"]
        .as_f64()
        .unwrap();
    assert!(p > 0.0 && p < 1.0, "{p}");
}

#[test]
fn fixing_a_correlated_input_sets_its_correlation_aside() {
    // Before the fix, `sensitivity` swung `growth.long_run` to a number while the correlation
    // still named it, and every row failed with "growth.long_run is not uncertain".
    let dir = tempfile::tempdir().unwrap();
    let text = with_long_run_and_capacity(r#"{ dist = "normal", p5 = 0.08, p95 = 0.18 }"#, 0.5);
    let file = write(&dir, "corr.toml", &text);
    let sens = crate::common::json_of(safetech().args([
        "sensitivity",
        "-s",
        &file,
        "-n",
        "4000",
        "-f",
        "json",
    ]));
    let rows = sens.to_string();
    assert!(rows.contains("growth.long_run") && rows.contains("growth.capacity"));
    // Fixed by --set, the other input is drawn alone: its spread in the samples is unchanged
    // and its rank correlation with the (now fixed) long-run rate is gone.
    let out = dir.path().join("s.csv");
    crate::common::succeed(safetech().args([
        "run",
        "-s",
        &file,
        "-n",
        "20000",
        "--horizon",
        "2026",
        "--set",
        "growth.long_run=0.12",
        "--samples",
        out.to_str().unwrap(),
    ]));
    let csv = std::fs::read_to_string(&out).unwrap();
    let cap = csv_column(&csv, "growth.capacity");
    let mut sorted = cap.clone();
    sorted.sort_by(f64::total_cmp);
    let p5 = sorted[sorted.len() / 20];
    let p95 = sorted[sorted.len() * 19 / 20];
    // 20,000 draws: the 5th and 95th percentiles are within about 3 % of 3,000 and 20,000.
    assert!((p5 / 3000.0 - 1.0).abs() < 0.05, "p5 {p5}");
    assert!((p95 / 20000.0 - 1.0).abs() < 0.05, "p95 {p95}");
}
