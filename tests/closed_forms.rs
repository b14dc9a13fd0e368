//! The engine against closed forms, within 4 Monte Carlo standard errors at 200,000 paths.
//! Expected values are computed here from formulas (statrs), never copied from a run.

use safetech::scenario::{Scenario, parse_str};
use safetech::sim::{PERCENTILES, Projection, RunControl, RunSettings, simulate};
use safetech::stats::target_probability;
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

const PATHS: usize = 200_000;
const TOLERANCE: f64 = 4.0;

fn scenario(growth: &str, events: &str, target: f64, target_year: i32) -> Scenario {
    let text = format!(
        r#"
[scenario]
id = "closed-form"
name = "closed form"

[market]
start_year = 2024
start_revenue = 623.0
horizon = 2030

[target]
revenue = {target}
year = {target_year}

[growth]
{growth}

{events}
"#
    );
    parse_str(&text, "test").expect("valid test scenario")
}

fn run(s: &Scenario, seed: u64) -> Projection {
    let settings = RunSettings {
        paths: PATHS,
        seed,
        sample_paths: 0,
    };
    simulate(s, settings, RunControl::default()).expect("simulation runs")
}

/// A run without noise: every path is the same, so a thousand paths are plenty.
fn run_deterministic(s: &Scenario) -> Projection {
    let settings = RunSettings {
        paths: 1000,
        seed: 1,
        sample_paths: 0,
    };
    simulate(s, settings, RunControl::default()).expect("simulation runs")
}

fn std_normal() -> Normal {
    Normal::new(0.0, 1.0).unwrap()
}

/// |got − want| ≤ 4 standard errors, with a readable failure.
fn assert_within(what: &str, got: f64, want: f64, se: f64) {
    let z = (got - want) / se;
    assert!(
        z.abs() <= TOLERANCE,
        "{what}: simulated {got:.6}, exact {want:.6}, standard error {se:.3e}, {z:.2} SEs off"
    );
}

/// Checks percentiles, P(target), mean and sd of revenue in the target year against a
/// lognormal with log-mean `mu` and log-sd `s`.
fn check_lognormal(p: &Projection, mu: f64, s: f64, what: &str) {
    let n = PATHS as f64;
    let z = std_normal();
    let year = p.year(p.scenario.target.year).unwrap();
    for (&prob, &got) in PERCENTILES.iter().zip(&year.percentiles) {
        let zp = z.inverse_cdf(prob);
        let exact = (mu + s * zp).exp();
        // Asymptotic sd of a sample quantile: sqrt(p(1−p)/n) / density at the quantile.
        let density = z.pdf(zp) / (exact * s);
        let se = (prob * (1.0 - prob) / n).sqrt() / density;
        assert_within(
            &format!("{what} p{}", (prob * 100.0).round()),
            got,
            exact,
            se,
        );
    }
    let target = p.scenario.target.revenue;
    let exact_p = 1.0 - z.cdf((target.ln() - mu) / s);
    let tp = target_probability(p);
    assert_within(
        &format!("{what} P(target)"),
        tp.probability,
        exact_p,
        (exact_p * (1.0 - exact_p) / n).sqrt(),
    );
    let mean = (mu + s * s / 2.0).exp();
    let sd = ((s * s).exp() - 1.0).sqrt() * mean;
    assert_within(&format!("{what} mean"), year.mean, mean, sd / n.sqrt());
    // Variance of ln R from the kept target-year values: se of a sample variance ≈ s²·sqrt(2/(n−1)).
    let logs: Vec<f64> = p.target_values.iter().map(|x| x.ln()).collect();
    let m = logs.iter().sum::<f64>() / n;
    let var = logs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    assert_within(
        &format!("{what} var(ln R)"),
        var,
        s * s,
        s * s * (2.0 / (n - 1.0)).sqrt(),
    );
    assert_within(&format!("{what} mean(ln R)"), m, mu, s / n.sqrt());
}

#[test]
fn lognormal_without_reversion_persistence_events_or_uncertainty() {
    let (r0, sigma, years) = (0.37, 0.08, 2);
    let s = scenario(
        &format!("initial = {r0}\nvolatility = {sigma}"),
        "",
        1000.0,
        2024 + years,
    );
    let p = run(&s, 11);
    let t = years as f64;
    let mu = 623.0f64.ln() + t * (1.0f64 + r0).ln();
    check_lognormal(&p, mu, sigma * t.sqrt(), "lognormal 2026");

    // A later year, a different seed and a fatter spread.
    let s = scenario("initial = 0.10\nvolatility = 0.25", "", 1500.0, 2030);
    let p = run(&s, 12);
    let mu = 623.0f64.ln() + 6.0 * 1.1f64.ln();
    check_lognormal(&p, mu, 0.25 * 6.0f64.sqrt(), "lognormal 2030");
}

#[test]
fn ar1_shocks_have_the_ar1_variance() {
    let (r0, sigma, phi): (f64, f64, f64) = (0.2, 0.1, 0.6);
    let s = scenario(
        &format!("initial = {r0}\nvolatility = {sigma}\npersistence = {phi}"),
        "",
        1200.0,
        2030,
    );
    let p = run(&s, 21);
    let t = 6;
    // ln R[T] − ln R0 − T ln(1+r0) = Σ u_t, and ε_k enters u_k..u_T with weights φ^0..φ^(T−k).
    let var: f64 = (1..=t)
        .map(|k| {
            let w: f64 = (0..=(t - k)).map(|j| phi.powi(j)).sum();
            w * w
        })
        .sum::<f64>()
        * sigma
        * sigma;
    let mu = 623.0f64.ln() + t as f64 * (1.0 + r0).ln();
    check_lognormal(&p, mu, var.sqrt(), "AR(1)");
    // Independent shocks would give a much smaller spread: the test can tell them apart.
    assert!(var > 2.0 * t as f64 * sigma * sigma);
}

#[test]
fn one_event_with_two_outcomes_is_a_two_component_mixture() {
    let (r0, sigma) = (0.15, 0.1);
    let events = r#"
[[events]]
id = "policy"
name = "A policy"
year = 2025
outcomes = [
  { id = "strong", probability = 0.5, growth_uplift = 0.10, duration = 2 },
  { id = "weak",   probability = 0.3, growth_uplift = -0.05 },
]
"#;
    let s = scenario(
        &format!("initial = {r0}\nvolatility = {sigma}"),
        events,
        1000.0,
        2027,
    );
    let p = run(&s, 31);
    let n = PATHS as f64;
    let sd = sigma * 3.0f64.sqrt();
    let base = 623.0f64.ln();
    // Years 2025, 2026, 2027: "strong" adds 0.10 in 2025 and 2026; "weak" subtracts 0.05 in all three.
    let components = [
        (
            0.5,
            base + 2.0 * (1.0 + r0 + 0.10f64).ln() + (1.0 + r0).ln(),
        ),
        (0.3, base + 3.0 * (1.0 + r0 - 0.05f64).ln()),
        (0.2, base + 3.0 * (1.0 + r0).ln()),
    ];
    let z = std_normal();
    let cdf = |x: f64| {
        components
            .iter()
            .map(|(w, mu)| w * z.cdf((x.ln() - mu) / sd))
            .sum::<f64>()
    };
    let exact_p = 1.0 - cdf(1000.0);
    let tp = target_probability(&p);
    assert_within(
        "mixture P(target)",
        tp.probability,
        exact_p,
        (exact_p * (1.0 - exact_p) / n).sqrt(),
    );

    // Mixture percentiles by bisection on the exact CDF.
    let year = p.year(2027).unwrap();
    for (&prob, &got) in PERCENTILES.iter().zip(&year.percentiles) {
        let (mut lo, mut hi) = (100.0, 10_000.0);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if cdf(mid) < prob { lo = mid } else { hi = mid }
        }
        let q = 0.5 * (lo + hi);
        let density: f64 = components
            .iter()
            .map(|(w, mu)| w * z.pdf((q.ln() - mu) / sd) / (q * sd))
            .sum();
        let se = (prob * (1.0 - prob) / n).sqrt() / density;
        assert_within(&format!("mixture p{}", (prob * 100.0).round()), got, q, se);
    }

    // Each outcome's share, and P(target | outcome) against its own lognormal.
    let attribution = safetech::stats::event_attribution(&p);
    let outcomes = &attribution[0].outcomes;
    assert_eq!(
        outcomes.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        ["strong", "weak", "none"]
    );
    for (o, (w, mu)) in outcomes.iter().zip(components) {
        assert_within(
            &format!("share of {}", o.id),
            o.share,
            w,
            (w * (1.0 - w) / n).sqrt(),
        );
        let pc = 1.0 - z.cdf((1000.0f64.ln() - mu) / sd);
        let m = o.paths as f64;
        assert_within(
            &format!("P(target | {})", o.id),
            o.p_target.unwrap(),
            pc,
            (pc * (1.0 - pc) / m).sqrt(),
        );
    }
}

#[test]
fn parameter_uncertainty_on_initial_growth_alone() {
    // No shocks: R[T] = R0 (1 + r0)^T with r0 ~ Normal(0.3, 0.1), monotone in r0.
    let (r, tau, t) = (0.3, 0.1, 3);
    let s = scenario(
        &format!("initial = {r}\ninitial_uncertainty = {tau}\nvolatility = 0.0"),
        "",
        1400.0,
        2027,
    );
    let p = run(&s, 41);
    let n = PATHS as f64;
    let z = std_normal();
    let year = p.year(2027).unwrap();
    for (&prob, &got) in PERCENTILES.iter().zip(&year.percentiles) {
        let zp = z.inverse_cdf(prob);
        let g = 1.0 + r + tau * zp;
        let exact = 623.0 * g.powi(t);
        // dR/dz = 623 · T · g^(T−1) · τ, so the density of R at the quantile is φ(z)/that.
        let density = z.pdf(zp) / (623.0 * t as f64 * g.powi(t - 1) * tau);
        let se = (prob * (1.0 - prob) / n).sqrt() / density;
        assert_within(
            &format!("r0-uncertainty p{}", (prob * 100.0).round()),
            got,
            exact,
            se,
        );
    }
    let exact_p = 1.0 - z.cdf(((1400.0f64 / 623.0).powf(1.0 / t as f64) - 1.0 - r) / tau);
    let tp = target_probability(&p);
    assert_within(
        "r0-uncertainty P(target)",
        tp.probability,
        exact_p,
        (exact_p * (1.0 - exact_p) / n).sqrt(),
    );
    // The sampled r0 are kept for sensitivity and are Normal(r, τ).
    let mean = p.initial_growth.iter().sum::<f64>() / n;
    assert_within("mean of sampled r0", mean, r, tau / n.sqrt());
}

#[test]
fn mean_reversion_follows_its_deterministic_path_without_noise() {
    // σ = 0 and no uncertainty: every path is the same deterministic curve.
    let s = scenario(
        "initial = 0.37\nlong_run = 0.10\nreversion = 0.35\nvolatility = 0.0",
        "",
        1000.0,
        2026,
    );
    let p = run_deterministic(&s);
    let mut r = 623.0;
    for (k, y) in p.years.iter().enumerate() {
        let m = 0.10 + (0.37 - 0.10) * (-0.35 * k as f64).exp();
        r *= 1.0 + m;
        assert!(
            (y.median() - r).abs() < 1e-9 * r,
            "{}: {} vs {r}",
            y.year,
            y.median()
        );
        assert!(y.sd < 1e-9 * r);
    }
}

/// `initial_distribution = { student_t = ν }`: r0 = initial + initial_uncertainty · t_ν, so
/// its quantiles are those of a scaled Student-t (checked at ν = 3, the shipped history's).
#[test]
fn student_t_initial_growth_has_t_quantiles() {
    use statrs::distribution::StudentsT;
    let (initial, scale, nu) = (0.2885, 0.0501, 3.0);
    let s = scenario(
        &format!(
            "initial = {initial}\ninitial_uncertainty = {scale}\n\
             initial_distribution = {{ student_t = {nu} }}\nvolatility = 0.08"
        ),
        "",
        1000.0,
        2026,
    );
    let p = run(&s, 11);
    let mut r0 = p.initial_growth.to_vec();
    r0.sort_by(f64::total_cmp);
    let t = StudentsT::new(0.0, 1.0, nu).unwrap();
    let n = r0.len() as f64;
    for q in [0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975] {
        let x = t.inverse_cdf(q);
        let exact = initial + scale * x;
        let got = r0[(q * n) as usize];
        let density = t.pdf(x) / scale;
        let se = (q * (1.0 - q) / n).sqrt() / density;
        assert_within(&format!("r0 quantile {q}"), got, exact, se);
    }
    // Heavier tails than the Normal with the same scale: 2.5% of draws beyond initial ± 3.18
    // scales, where a Normal puts 0.15%.
    let beyond = r0
        .iter()
        .filter(|&&r| (r - initial).abs() > 3.182 * scale)
        .count() as f64
        / n;
    assert_within(
        "share beyond t₀.₉₇₅",
        beyond,
        0.05,
        (0.05 * 0.95 / n).sqrt(),
    );
}

/// Capacity K without noise: every path follows R ← R·(1 + m·(1 − R/K)), the logistic
/// recursion, computed here step by step.
#[test]
fn capacity_slows_growth_along_the_logistic_recursion() {
    let s = scenario(
        "initial = 0.37\nvolatility = 0.0\ncapacity = 1500.0",
        "",
        1000.0,
        2026,
    );
    let p = run_deterministic(&s);
    let mut r = 623.0f64;
    for y in &p.years {
        let last = r;
        r *= 1.0 + 0.37 * (1.0 - r / 1500.0);
        assert!(last < r && r < 1500.0, "rises toward K: {last} → {r}");
        assert!(
            (y.median() - r).abs() < 1e-9 * r,
            "{}: {} vs {r}",
            y.year,
            y.median()
        );
    }
}

/// Capacity slows growth, never a decline: with mean growth negative on every path (r0 at
/// −15 % ± 2 %, so positive at 7.5 standard deviations only) and shocks carrying many paths
/// above a capacity set just over the start, a run with capacity is the same, path for path,
/// as one without. (With m·(1 − R/K) for every m it was not: near K a decline almost stopped,
/// and above K it turned into growth that fed on itself.)
#[test]
fn capacity_leaves_a_decline_as_it_is() {
    let growth = "initial = -0.15\ninitial_uncertainty = 0.02\nvolatility = 0.2";
    let free = scenario(growth, "", 700.0, 2026);
    let capped = scenario(&format!("{growth}\ncapacity = 650.0"), "", 700.0, 2026);
    let (a, b) = (run(&free, 11), run(&capped, 11));
    assert!(a.initial_growth.iter().all(|&r0| r0 < 0.0));
    let above = a.years[0].p_target;
    assert!(above > 0.05, "shocks carry paths above K: {above}");
    assert_eq!(a.years, b.years);
    assert_eq!(a.target_values, b.target_values);
}
