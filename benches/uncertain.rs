//! Uncertain inputs, measured in pairs: `tests/fixtures/osa-fixed.toml` (osa-enforced as it was
//! with every input a number) with six further uncertain inputs (long-run growth, reversion,
//! volatility, capacity, and the firm outcome's probability and uplift) and two rank
//! correlations, against that file as it is (only the starting pace uncertain), at 1M paths.
//! Each round runs both back to back and takes their ratio, so drift in the machine's speed
//! cancels; the median over rounds is the figure to quote.
//!
//! Run: `cargo bench --bench uncertain`.

use std::time::Instant;

use safetech::scenario::parse_str;
use safetech::sim::{RunControl, RunSettings, simulate};

const PATHS: usize = 1_000_000;
const ROUNDS: usize = 11;

/// The stock scenario with the six inputs written as distributions and two correlations.
pub fn uncertain_osa() -> String {
    let text = include_str!("../tests/fixtures/osa-fixed.toml");
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let replaced = if t.starts_with("long_run =") {
            r#"long_run = { dist = "normal", p5 = 0.08, p95 = 0.18 }"#.to_string()
        } else if t.starts_with("reversion =") {
            r#"reversion = { dist = "uniform", min = 0.2, max = 0.5 }"#.to_string()
        } else if t.starts_with("volatility =") {
            r#"volatility = { dist = "lognormal", p5 = 0.05, p95 = 0.12 }"#.to_string()
        } else if t.starts_with("capacity =") {
            r#"capacity = { dist = "lognormal", p5 = 3000, p95 = 20000 }"#.to_string()
        } else if t.starts_with(r#"{ id = "firm""#) {
            r#"  { id = "firm", probability = { dist = "triangular", min = 0.3, mode = 0.5, max = 0.6 }, growth_uplift = { dist = "normal", p5 = 0.03, p95 = 0.09 }, duration = 3 },"#.to_string()
        } else {
            line.to_string()
        };
        out.push(replaced);
    }
    out.join("\n")
        + "\n[[correlations]]\nbetween = [\"growth.long_run\", \"growth.capacity\"]\nrank = 0.5\n\
           \n[[correlations]]\nbetween = [\"growth.volatility\", \"growth.reversion\"]\nrank = -0.3\n"
}

fn seconds(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

fn main() {
    let stock = parse_str(
        include_str!("../tests/fixtures/osa-fixed.toml"),
        "osa-fixed",
    )
    .unwrap();
    let uncertain = parse_str(&uncertain_osa(), "uncertain").unwrap();
    assert_eq!(uncertain.uncertain.len(), 6);
    let settings = RunSettings {
        paths: PATHS,
        sample_paths: 0,
        ..RunSettings::default()
    };
    let run = |s| {
        simulate(s, settings, RunControl::default()).unwrap();
    };
    run(&stock);
    run(&uncertain);
    let mut ratios: Vec<(f64, f64, f64)> = (0..ROUNDS)
        .map(|_| {
            let a = seconds(|| run(&stock));
            let b = seconds(|| run(&uncertain));
            (b / a, a, b)
        })
        .collect();
    ratios.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (ratio, a, b) = ratios[ROUNDS / 2];
    println!(
        "six uncertain inputs ÷ pace only, 1M paths: median {ratio:.2}× over {ROUNDS} rounds \
         (that round {:.0} ms against {:.0} ms; range {:.2}–{:.2}×)",
        b * 1e3,
        a * 1e3,
        ratios[0].0,
        ratios[ROUNDS - 1].0
    );
}
