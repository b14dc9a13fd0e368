//! The engine's yearly statistics are exact: each year's percentiles equal what sorting every
//! path's revenue gives, and its min, max, mean and share above target agree with a direct
//! computation. The engine collects each year's percentiles from a histogram whose layout it
//! guesses a year ahead, so the scenarios here include ones that defeat the guess: a crash
//! that moves a third of the paths in one year, and a run with no randomness at all.

use safetech::scenario::{Scenario, load, parse_str};
use safetech::sim::{PERCENTILES, RunControl, RunSettings, simulate};

/// Not a multiple of the engine's chunk or SIMD width, so partial chunks are covered too.
const PATHS: usize = 12_011;

fn sorted_quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo as f64)
}

fn crash() -> Scenario {
    parse_str(
        r#"
[scenario]
id = "crash"
name = "crash"
[market]
start_year = 2024
start_revenue = 623.0
horizon = 2033
[target]
revenue = 1000.0
year = 2026
[growth]
initial = 0.3
initial_uncertainty = 0.1
long_run = 0.08
reversion = 0.4
volatility = 0.12
persistence = 0.5
[[events]]
id = "crash"
name = "crash"
window = [2027, 2029]
outcomes = [ { id = "deep", probability = 0.35, level_shock = -0.7, volatility_multiplier = 3.0, duration = 2 },
             { id = "boom", probability = 0.1, growth_uplift = 0.6, duration = 2, ramp = 2 } ]
"#,
        "crash",
    )
    .unwrap()
}

fn still() -> Scenario {
    let mut s = load("baseline").unwrap();
    s.growth.volatility = 0.0;
    s.growth.initial_uncertainty = 0.0;
    s
}

#[test]
fn every_year_matches_sorting_every_path() {
    let scenarios = [
        load("transatlantic").unwrap(),
        load("genai").unwrap(),
        crash(),
        still(),
    ];
    for base in scenarios {
        let m = &base.market;
        for year in m.start_year + 1..=m.horizon {
            let mut s = base.clone();
            s.target.year = year;
            let settings = RunSettings {
                paths: PATHS,
                seed: 7,
                sample_paths: 0,
            };
            let p = simulate(&s, settings, RunControl::default()).unwrap();
            let id = &s.scenario.id;
            let stats = p.year(year).unwrap();
            let mut values = p.target_values.clone();
            values.sort_by(f64::total_cmp);
            for (k, &q) in PERCENTILES.iter().enumerate() {
                assert_eq!(
                    stats.percentiles[k],
                    sorted_quantile(&values, q),
                    "{id} {year} p{q}"
                );
            }
            assert_eq!(stats.min, values[0], "{id} {year} min");
            assert_eq!(stats.max, values[PATHS - 1], "{id} {year} max");
            let above = values.iter().filter(|&&x| x >= s.target.revenue).count();
            assert_eq!(stats.p_target, above as f64 / PATHS as f64, "{id} {year}");
            let mean = values.iter().sum::<f64>() / PATHS as f64;
            assert!(
                (stats.mean - mean).abs() <= 1e-12 * mean,
                "{id} {year} mean {} vs {mean}",
                stats.mean
            );
            let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (PATHS - 1) as f64;
            assert!(
                (stats.sd - var.sqrt()).abs() <= 1e-9 * mean,
                "{id} {year} sd {} vs {}",
                stats.sd,
                var.sqrt()
            );
        }
    }
}
