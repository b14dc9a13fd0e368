//! `safetech solve` against the closed form, and its answers when there is none.

use crate::common;

use safetech::analysis::solve::{solve_parameter, solve_target};
use safetech::scenario::{load, parse_str};
use safetech::sim::{RunControl, RunSettings, simulate};
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use common::safetech;

/// No reversion, no events, no parameter uncertainty, Normal shocks with volatility 0.1 and
/// persistence 0, from £623m in 2024: ln R_2026 ~ Normal(ln 623 + 2 ln(1 + g), 2 · 0.1²), so
/// P(R_2026 ≥ 1000) = Φ((2 ln(1 + g) − ln(1000/623)) / (0.1 √2)).
fn closed_form() -> safetech::scenario::Scenario {
    parse_str(
        r#"
[scenario]
id = "solve-cf"
name = "closed form"
[market]
start_year = 2024
start_revenue = 623.0
horizon = 2030
[target]
revenue = 1000.0
year = 2026
[growth]
initial = 0.2
volatility = 0.1
persistence = 0.0
"#,
        "test",
    )
    .unwrap()
}

/// Acceptance: P = 0.5 gives growth.initial 0.2669 (= √(1000/623) − 1), P = 0.8 gives 0.3446,
/// both within 0.002. At 100,000 paths (quick in a debug build) the Monte Carlo error of the
/// root is SE(P) / P'(g): √(0.25/n) / 4.45 = 0.00036 at P = 0.5 and √(0.16/n) / 2.94 = 0.00043
/// at P = 0.8, so 0.002 is at least 4.6 standard errors. The reported interval must have the
/// width that error implies (2 · 1.96 · SE(P) / P'(g)) within 25 %.
#[test]
fn solve_matches_the_closed_form() {
    let s = closed_form();
    let z = Normal::new(0.0, 1.0).unwrap();
    let sd = 0.1 * 2f64.sqrt();
    let settings = RunSettings {
        paths: 100_000,
        seed: 5,
        sample_paths: 0,
    };
    for p in [0.5, 0.8] {
        let exact = ((1000f64 / 623.0).ln() / 2.0 + sd * z.inverse_cdf(p) / 2.0).exp() - 1.0;
        let sol =
            solve_parameter(&s, "growth.initial", p, settings, RunControl::default()).unwrap();
        eprintln!(
            "P = {p}: {} (exact {exact:.5}), interval {:?}, {} runs",
            sol.value, sol.interval, sol.runs
        );
        assert!(
            (sol.value - exact).abs() < 0.002,
            "P = {p}: {} vs {exact}",
            sol.value
        );
        assert!(sol.interval[0] <= sol.value && sol.value <= sol.interval[1]);
        let slope = z.pdf(z.inverse_cdf(p)) * 2.0 / (1.0 + exact) / sd;
        let width = 2.0 * 1.959_964 * (p * (1.0 - p) / 1e5).sqrt() / slope;
        let got = sol.interval[1] - sol.interval[0];
        assert!(
            (got / width - 1.0).abs() < 0.25,
            "interval width {got} vs {width}"
        );
        assert!(
            (sol.achieved - p).abs() <= 1.0 / 1e5 + 1e-12,
            "{}",
            sol.achieved
        );
        assert!(sol.runs <= 9 + 3 * safetech::analysis::solve::MAX_ITERATIONS);
    }
    assert_eq!(
        format!("{:.4}", (1000f64 / 623.0).sqrt() - 1.0),
        "0.2669",
        "the closed form to four places"
    );
}

/// The revenue reached with probability p is the (1 − p) quantile of the target year: the
/// run's own median and 5th percentile for p = 0.5 and 0.95.
#[test]
fn solve_target_is_the_quantile_of_the_target_year() {
    let s = load("kosa").unwrap();
    let settings = RunSettings {
        paths: 20_000,
        seed: 9,
        sample_paths: 0,
    };
    let run = simulate(&s, settings, RunControl::default()).unwrap();
    let year = run.year(s.target.year).unwrap();
    for (p, want) in [(0.5, year.median()), (0.95, year.p5())] {
        let t = solve_target(&s, p, settings, RunControl::default()).unwrap();
        // Equal up to rounding: 1 − 0.95 is not exactly 0.05 in floating point.
        assert!(
            (t.revenue - want).abs() <= 1e-12 * want,
            "p = {p}: {} vs {want}",
            t.revenue
        );
        assert!(t.interval[0] <= want && want <= t.interval[1]);
        let hits = run
            .target_values
            .iter()
            .filter(|&&v| v >= t.revenue)
            .count();
        assert!((hits as f64 / 20_000.0 - p).abs() < 1e-3);
    }
}

#[test]
fn unreachable_and_bad_questions_exit_2_with_a_reason() {
    for (args, says) in [
        (
            &["--param", "growth.volatility", "--probability", "0.999"][..],
            "not reachable by growth.volatility",
        ),
        (
            &["--param", "growth.nonsense", "--probability", "0.5"][..],
            "not a numeric parameter",
        ),
        (
            &["--param", "growth.initial", "--probability", "1.5"][..],
            "strictly between 0 and 1",
        ),
        (
            &["--param", "growth.initial", "--probability", "NaN"][..],
            "strictly between 0 and 1",
        ),
        (&["--probability", "0.5"][..], "--param"),
        (
            &[
                "--param",
                "growth.initial",
                "--probability",
                "0.5",
                "--precision=-1",
            ][..],
            "--precision",
        ),
    ] {
        let out = safetech()
            .args(["solve", "-n", "3000"])
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn solve_prints_a_key_to_paste_into_set() {
    let out = safetech()
        .args([
            "solve",
            "-s",
            "kosa",
            "-n",
            "5000",
            "--param",
            "growth.initial",
            "--probability",
            "0.6",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("try: --set"))
        .expect(&text);
    let set = line.trim().trim_start_matches("try: --set ").to_string();
    assert!(set.starts_with("growth.initial="));
    assert!(text.contains("Monte Carlo interval"), "{text}");
    // The value it names gives P within one step of a path of 0.6 (plus the rounding to
    // six figures, which the interval covers).
    let doc: serde_json::Value = serde_json::from_slice(
        &safetech()
            .args([
                "run", "-s", "kosa", "-n", "5000", "-f", "json", "--set", &set,
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let p = doc["scenarios"][0]["target"]["probability"]
        .as_f64()
        .unwrap();
    assert!((p - 0.6).abs() < 0.005, "{p}");
}

/// Logistic saturation near the target makes revenue overshoot the capacity and fall back, so
/// P(target) rises, dips and rises again in growth.initial: asked for 98 % it crosses three
/// times and solve says so (exit 2); asked for 50 % it crosses once and notes the shape.
#[test]
fn a_response_that_is_not_monotone_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("overshoot.toml");
    std::fs::write(
        &path,
        r#"
[scenario]
id = "overshoot"
name = "Logistic overshoot"
[market]
start_year = 2024
start_revenue = 623.0
horizon = 2027
[target]
revenue = 950.0
year = 2027
[growth]
initial = 0.3
volatility = 0.02
capacity = 1000.0
"#,
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let run = |p: &str| {
        safetech()
            .args([
                "solve",
                "-s",
                path,
                "-n",
                "5000",
                "--param",
                "growth.initial",
            ])
            .args(["--probability", p])
            .output()
            .unwrap()
    };
    let out = run("0.98");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("not monotone in growth.initial") && err.contains("3 times"),
        "{err}"
    );
    let out = run("0.5");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("note: P(target) is not monotone"), "{text}");
}

/// Solving for the target names the target found in the sentence, not the scenario's old one
/// (it printed "P(revenue ≥ £1,000m in 2026) = 50.0 % when target.revenue = 1166.66", where
/// P(≥ £1,000m) is 78 %); and that level is the one `run` gives 50 % to.
#[test]
fn solving_for_the_target_names_the_target_found() {
    let out = safetech()
        .args([
            "solve",
            "-s",
            "baseline",
            "-n",
            "5000",
            "--param",
            "target.revenue",
            "--probability",
            "0.5",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("when target.revenue ="))
        .expect(&text);
    let value: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(value > 1000.0, "{line}");
    let said = format!(
        "P(revenue ≥ {} in 2026) = 50.0%",
        safetech::format::money(value)
    );
    assert!(line.starts_with(&said), "{line}: should start {said}");
    assert!(!line.contains("£1,000m"), "{line}");
}

/// On a terminal, a search that takes a while counts its runs on standard
/// error, and clears the line before the answer.
#[cfg(unix)]
#[test]
fn solve_shows_its_runs_on_a_terminal() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(common::BIN);
    cmd.args([
        "solve",
        "-s",
        "maturing",
        "--param",
        "growth.initial",
        "--probability",
        "0.5",
        "-n",
        "100000",
    ]);
    cmd.env("TERM", "xterm-256color");
    // The line shows from the first run on, however fast the machine.
    cmd.env("SAFETECH_TEST_SPINNER_AFTER_MS", "0");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut bytes = Vec::new();
    // Reads until the program ends and the terminal closes (bounded by the run itself).
    let mut buf = [0u8; 4096];
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..n]);
        if bytes.len() > 1 << 20 {
            break;
        }
    }
    assert!(child.wait().unwrap().success());
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("solve: ") && text.contains("runs so far"),
        "{text}"
    );
    let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
    let mut screen = vt100::Parser::new(size(40), size(120), 0);
    screen.process(&bytes);
    let shown = screen.screen().contents();
    assert!(
        !shown.contains("runs so far"),
        "the line is cleared: {shown}"
    );
    assert!(
        shown.contains("P(revenue ≥ £1,000m in 2026) = 50.0%"),
        "{shown}"
    );
}
