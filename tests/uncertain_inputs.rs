//! Distributions written in place of a number: each family's draws against its closed form,
//! P(target) against the exact answer where the model makes it one, the older spelling paired
//! path by path, and the refusals.

use safetech::scenario::{parse_str, uncertain::Uncertain};
use safetech::sim::{RunControl, RunSettings, simulate};
use statrs::distribution::{
    Beta, ContinuousCDF, LogNormal, Normal, StudentsT, Triangular, Uniform,
};

use crate::common::{json_of, safetech};

const PATHS: usize = 200_000;

/// A closed-form distribution function.
type Cdf = Box<dyn Fn(f64) -> f64>;

/// The classroom's growth with no noise and no reversion, over two years, with `initial`.
fn two_years(initial: &str) -> String {
    format!(
        r#"
[scenario]
id = "uncertain-pace"
name = "Uncertain starting pace"

[market]
start_year = 2024
start_revenue = 623.0
horizon = 2026

[target]
revenue = 1000.0
year = 2026

[growth]
initial = {initial}
volatility = 0.0
"#
    )
}

fn draws(initial: &str) -> (Vec<f64>, f64) {
    let s = parse_str(&two_years(initial), "test").unwrap();
    let settings = RunSettings {
        paths: PATHS,
        seed: 7,
        ..RunSettings::default()
    };
    let p = simulate(&s, settings, RunControl::default()).unwrap();
    let target = p.years.iter().find(|y| y.year == 2026).unwrap();
    (p.initial_growth.to_vec(), target.p_target)
}

/// The r0 at which 623·(1 + r0)² = 1000: paths above it reach the target.
fn threshold() -> f64 {
    (1000.0f64 / 623.0).sqrt() - 1.0
}

/// Within 4 binomial standard errors at PATHS.
fn assert_probability(got: f64, want: f64, what: &str) {
    let se = (want * (1.0 - want) / PATHS as f64).sqrt();
    assert!(
        (got - want).abs() < 4.0 * se,
        "{what}: P = {got}, exact {want} (4 se = {})",
        4.0 * se
    );
}

#[test]
fn p_target_matches_the_exact_answer_for_a_uniform_triangular_and_beta_pace() {
    // Uniform on [0.2, 0.4]: (0.4 − (√(1000/623) − 1)) / 0.2 = 0.6653.
    let (_, p) = draws(r#"{ dist = "uniform", min = 0.2, max = 0.4 }"#);
    let exact = (0.4 - threshold()) / 0.2;
    assert!((exact - 0.6653).abs() < 1e-4);
    assert_probability(p, exact, "uniform");

    let (_, p) = draws(r#"{ dist = "triangular", min = 0.1, mode = 0.3, max = 0.45 }"#);
    let exact = 1.0 - Triangular::new(0.1, 0.45, 0.3).unwrap().cdf(threshold());
    assert_probability(p, exact, "triangular");

    let (_, p) = draws(r#"{ dist = "beta", alpha = 3, beta = 6 }"#);
    let exact = 1.0 - Beta::new(3.0, 6.0).unwrap().cdf(threshold());
    assert_probability(p, exact, "beta");
}

#[test]
fn every_family_draws_its_closed_form_quantiles() {
    // (table, the closed-form CDF the draws must follow). All sit well inside growth.initial's
    // range, so truncation moves none of them.
    let pert = |min: f64, mode: f64, max: f64| {
        let w = max - min;
        let b = Beta::new(1.0 + 4.0 * (mode - min) / w, 1.0 + 4.0 * (max - mode) / w).unwrap();
        move |x: f64| b.cdf(((x - min) / w).clamp(0.0, 1.0))
    };
    let z95 = 1.644_853_626_951_472_2;
    let t95 = StudentsT::new(0.0, 1.0, 4.0).unwrap().inverse_cdf(0.95);
    let cases: Vec<(&str, Cdf)> = vec![
        (
            r#"{ dist = "normal", mean = 0.3, sd = 0.05 }"#,
            Box::new(|x| Normal::new(0.3, 0.05).unwrap().cdf(x)),
        ),
        (
            r#"{ dist = "normal", p5 = 0.2, p95 = 0.4 }"#,
            Box::new(move |x| Normal::new(0.3, 0.1 / z95).unwrap().cdf(x)),
        ),
        (
            r#"{ dist = "lognormal", median = 0.3, sd_log = 0.2 }"#,
            Box::new(|x| LogNormal::new(0.3f64.ln(), 0.2).unwrap().cdf(x)),
        ),
        (
            r#"{ dist = "lognormal", p5 = 0.2, p95 = 0.45 }"#,
            Box::new(move |x| {
                let (a, b) = (0.2f64.ln(), 0.45f64.ln());
                LogNormal::new((a + b) / 2.0, (b - a) / (2.0 * z95))
                    .unwrap()
                    .cdf(x)
            }),
        ),
        (
            r#"{ dist = "uniform", min = 0.1, max = 0.5 }"#,
            Box::new(|x| Uniform::new(0.1, 0.5).unwrap().cdf(x.clamp(0.1, 0.5))),
        ),
        (
            r#"{ dist = "triangular", min = 0.0, mode = 0.1, max = 0.6 }"#,
            Box::new(|x| {
                Triangular::new(0.0, 0.6, 0.1)
                    .unwrap()
                    .cdf(x.clamp(0.0, 0.6))
            }),
        ),
        (
            r#"{ dist = "pert", min = 0.0, mode = 0.1, max = 0.6 }"#,
            Box::new(pert(0.0, 0.1, 0.6)),
        ),
        (
            r#"{ dist = "beta", mean = 0.3, sd = 0.1 }"#,
            Box::new(|x| {
                let c = 0.3 * 0.7 / 0.01 - 1.0;
                Beta::new(0.3 * c, 0.7 * c).unwrap().cdf(x.clamp(0.0, 1.0))
            }),
        ),
        (
            r#"{ dist = "student_t", df = 4, mean = 0.3, scale = 0.04 }"#,
            Box::new(|x| StudentsT::new(0.3, 0.04, 4.0).unwrap().cdf(x)),
        ),
        (
            r#"{ dist = "student_t", df = 4, p5 = 0.2, p95 = 0.4 }"#,
            Box::new(move |x| StudentsT::new(0.3, 0.1 / t95, 4.0).unwrap().cdf(x)),
        ),
    ];
    for (table, cdf) in cases {
        let (mut r0, _) = draws(table);
        r0.sort_by(f64::total_cmp);
        for p in [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] {
            // The sample quantile's CDF value is within 4 binomial errors of p.
            let x = r0[((p * PATHS as f64) as usize).min(PATHS - 1)];
            let se = (p * (1.0 - p) / PATHS as f64).sqrt();
            let f = cdf(x);
            assert!(
                (f - p).abs() < 4.0 * se,
                "{table}: F(q{p}) = {f}, want {p} ± {}",
                4.0 * se
            );
        }
    }
}

#[test]
fn a_normal_pace_is_the_older_spelling_path_by_path() {
    let legacy = |extra: &str| {
        two_years("0.3").replace("volatility = 0.0", &format!("volatility = 0.0\n{extra}"))
    };
    let run = |text: &str| {
        let s = parse_str(text, "test").unwrap();
        let settings = RunSettings {
            paths: 50_000,
            seed: 11,
            ..RunSettings::default()
        };
        simulate(&s, settings, RunControl::default())
            .unwrap()
            .initial_growth
    };
    let old = run(&legacy("initial_uncertainty = 0.05"));
    let new = run(&two_years(r#"{ dist = "normal", mean = 0.3, sd = 0.05 }"#));
    let worst = old
        .iter()
        .zip(new.iter())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f64, f64::max);
    // Φ then Φ⁻¹ round-trips to ~1e-15 in the body and loses digits only far in the tails.
    assert!(worst < 1e-9, "largest difference {worst}");
}

#[test]
fn truncation_keeps_draws_inside_and_is_asked_for() {
    // A Normal with a tenth of its mass below growth.initial's floor of −0.99.
    let wide = r#"{ dist = "normal", mean = -0.5, sd = 0.38 }"#;
    let e = parse_str(&two_years(wide), "pace.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("growth.initial") && e.contains("outside the allowed range"),
        "{e}"
    );
    assert!(e.contains("truncate = true"), "{e}");
    let cut = r#"{ dist = "normal", mean = -0.5, sd = 0.38, truncate = true }"#;
    let (r0, _) = draws(cut);
    assert!(r0.iter().all(|&r| r > -0.99), "a draw below the floor");
    // Drawn from the truncated distribution, not clipped: no pile-up at the floor.
    let at_floor = r0.iter().filter(|&&r| r < -0.989).count();
    assert!(at_floor < PATHS / 1000, "{at_floor} draws at the floor");
}

#[test]
fn distributions_are_refused_where_they_mean_nothing() {
    // The target is the question; the older spread restates the pace's own.
    for (line, says) in [
        (
            "initial_uncertainty = { dist = \"uniform\", min = 0.01, max = 0.1 }",
            "write the distribution on growth.initial",
        ),
        (
            "[target]\nrevenue = { dist = \"uniform\", min = 900, max = 1100 }",
            "the question asked",
        ),
    ] {
        let text = two_years("0.3");
        let text = if line.starts_with("[target]") {
            text.replace("[target]\nrevenue = 1000.0", line)
        } else {
            text.replace("volatility = 0.0", &format!("volatility = 0.0\n{line}"))
        };
        let e = parse_str(&text, "pace.toml").unwrap_err().to_string();
        assert!(e.contains(says), "{e}");
    }
    // And never alongside the older spelling of the same spread.
    let both = two_years(r#"{ dist = "uniform", min = 0.2, max = 0.4 }"#).replace(
        "volatility = 0.0",
        "volatility = 0.0\ninitial_uncertainty = 0.05",
    );
    let e = parse_str(&both, "pace.toml").unwrap_err().to_string();
    assert!(e.contains("initial_uncertainty"), "{e}");
}

#[test]
fn the_command_line_sets_fixes_and_prints_a_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pace.toml");
    std::fs::write(
        &file,
        two_years(r#"{ dist = "uniform", min = 0.2, max = 0.4 }"#),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let p = |args: &[&str]| {
        let json = json_of(
            safetech()
                .args(["run", "-f", "json", "-n", "20000", "-s", file])
                .args(args),
        );
        json["scenarios"][0]["target"]["probability"]
            .as_f64()
            .unwrap()
    };
    let uncertain = p(&[]);
    assert!((0.6..0.73).contains(&uncertain), "{uncertain}");
    // A number fixes it: 0.3 clears the threshold on every path.
    assert_eq!(p(&["--set", "growth.initial=0.3"]), 1.0);
    // The older spread replaces the distribution; the pace keeps its median, 0.3.
    let normal = p(&["--set", "growth.initial_uncertainty=0.05"]);
    let exact = 1.0
        - Normal::new(0.3, 0.05)
            .unwrap()
            .cdf((1000.0f64 / 623.0).sqrt() - 1.0);
    assert!((normal - exact).abs() < 0.02, "{normal} vs {exact}");
    // A distribution set on the command line replaces the file's.
    let set = p(&[
        "--set",
        r#"growth.initial={ dist = "uniform", min = 0.1, max = 0.2 }"#,
    ]);
    assert_eq!(set, 0.0);
    // Markdown says what the pace is, not a bare median.
    let out = safetech()
        .args(["run", "-f", "markdown", "-n", "2000", "-s", file])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("(uniform; 90% of draws 21% to 39%)"), "{md}");
}

#[test]
fn a_distribution_is_written_back_as_a_distribution() {
    let s = parse_str(
        &two_years(r#"{ dist = "pert", min = 0.1, mode = 0.3, max = 0.45 }"#),
        "pace.toml",
    )
    .unwrap();
    let again = parse_str(&s.to_toml(), "saved.toml").unwrap();
    assert_eq!(again.uncertain, s.uncertain);
    let u: &Uncertain = &again.uncertain["growth.initial"];
    assert_eq!(again.growth.initial, u.median());
}

#[test]
fn saving_an_edit_keeps_the_distribution_and_its_comment() {
    let text = two_years(r#"{ dist = "uniform", min = 0.2, max = 0.4 }  # judged: a range"#);
    let mut s = parse_str(&text, "pace.toml").unwrap();
    s.growth.volatility = 0.05;
    let saved = safetech::scenario::edit_source(&text, &s).unwrap();
    assert!(
        saved
            .contains(r#"initial = { dist = "uniform", min = 0.2, max = 0.4 }  # judged: a range"#),
        "{saved}"
    );
    let back = parse_str(&saved, "saved.toml").unwrap();
    assert_eq!(back.uncertain, s.uncertain);
    assert_eq!(back.growth.volatility, 0.05);
}

#[test]
fn the_tornado_swings_an_uncertain_pace_between_its_p5_and_p95() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pace.toml");
    let text = two_years(r#"{ dist = "uniform", min = 0.2, max = 0.4 }"#)
        .replace("volatility = 0.0", "volatility = 0.05");
    std::fs::write(&file, text).unwrap();
    let json = json_of(
        safetech()
            .args(["sensitivity", "-f", "json", "-n", "4000", "-s"])
            .arg(&file),
    );
    let rows = json["tornado"].as_array().unwrap();
    let pace = rows.iter().find(|r| r["key"] == "growth.initial").unwrap();
    // Uniform on [0.2, 0.4]: p5 = 0.21, p95 = 0.39.
    assert!(
        (pace["low"]["value"].as_f64().unwrap() - 0.21).abs() < 1e-9,
        "{pace}"
    );
    assert!(
        (pace["high"]["value"].as_f64().unwrap() - 0.39).abs() < 1e-9,
        "{pace}"
    );
    assert_eq!(pace["source"]["default"], "p5 to p95 of its distribution");
    // The older spread field is no input beside a distribution.
    assert!(
        rows.iter()
            .all(|r| r["key"] != "growth.initial_uncertainty")
    );
}
