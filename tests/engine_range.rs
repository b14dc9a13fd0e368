//! The engine's own guards, on scenarios built in code (bypassing validation): it stops when
//! revenue leaves the reportable range, and its moments are right wherever values are finite.

use safetech::scenario::{Scenario, load};
use safetech::sim::{Projection, RunControl, RunSettings, SimError, simulate};

fn settings(paths: usize) -> RunSettings {
    RunSettings {
        paths,
        seed: 11,
        sample_paths: 0,
    }
}

fn one_year(start_revenue: f64, volatility: f64) -> Scenario {
    let mut s = load("classroom").unwrap();
    s.market.start_revenue = start_revenue;
    s.market.horizon = s.market.start_year + 1;
    s.target.year = s.market.horizon;
    s.target.revenue = start_revenue;
    s.growth.initial = 0.0;
    s.growth.volatility = volatility;
    s
}

/// Reference mean and sd by the textbook two passes (no cancellation: the deviations are
/// taken from the mean). Values here stay far from where squares overflow or underflow.
fn reference(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let ss: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

fn run(s: &Scenario, paths: usize) -> Result<Projection, SimError> {
    simulate(s, settings(paths), RunControl::default())
}

#[test]
fn sd_is_right_at_any_finite_magnitude() {
    // Large values (squares near 1e190), values tightly clustered around a large mean, and
    // several chunks merged; the shifted sums and pairwise merge keep sd to ~1e-10.
    for (r0, vol, paths) in [
        (1e95, 0.1, 5000),
        (1e9, 1e-9, 5000),
        (1e-95, 0.5, 7000),
        (623.0, 0.08, 3),
    ] {
        let p = run(&one_year(r0, vol), paths).unwrap();
        let y = &p.years[0];
        let (mean, sd) = reference(&p.target_values);
        assert!(
            (y.mean - mean).abs() <= 1e-12 * mean.abs(),
            "{r0}: {} vs {mean}",
            y.mean
        );
        assert!(
            (y.sd - sd).abs() <= 1e-9 * sd,
            "{r0} {vol}: sd {} vs {sd}",
            y.sd
        );
        assert!(y.sd > 0.0 && y.p5() < y.p95());
    }
    // No spread: sd exactly 0, and then p5 = p95.
    let p = run(&one_year(1e9, 0.0), 5000).unwrap();
    assert_eq!(p.years[0].sd, 0.0);
    assert_eq!(p.years[0].p5(), p.years[0].p95());
}

#[test]
fn the_engine_stops_when_revenue_leaves_the_range() {
    // Found by fuzzing: the sum of squares overflowed and `.max(0.0)` turned its NaN into sd 0,
    // and values capped by the fast exp were reported. Now the year is named.
    let mut s = one_year(623.0, 0.0);
    s.market.horizon = s.market.start_year + 100;
    s.growth.volatility = 50.0;
    match run(&s, 1000) {
        Err(SimError::OutOfRange { year, .. }) => {
            assert!(year > s.market.start_year && year < s.market.horizon);
        }
        other => panic!("expected a stop, got {:?}", other.map(|p| p.years.len())),
    }
    // Revenue falling toward 0 is no reason to stop: it stays finite and so do its moments.
    let mut s = one_year(623.0, 0.0);
    s.market.horizon = s.market.start_year + 100;
    s.growth.initial = -0.99;
    let p = run(&s, 1000).unwrap();
    let last = p.years.last().unwrap();
    assert!(last.mean >= 0.0 && last.mean < 1e-190 && last.sd.is_finite());
    let e = SimError::OutOfRange {
        year: 2077,
        cause: "x",
    };
    assert!(e.to_string().contains("passed 1e100 £m in 2077"), "{e}");
}
