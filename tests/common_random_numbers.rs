//! Scenarios run on the same seed share their random draws path by path.

use safetech::scenario::{Scenario, parse_str};
use safetech::sim::{NO_OUTCOME, RunControl, RunSettings, simulate};

fn scenario(events: &str) -> Scenario {
    let text = format!(
        r#"
[scenario]
id = "crn"
name = "crn"
[market]
start_year = 2024
start_revenue = 623.0
horizon = 2032
[target]
revenue = 1000.0
year = 2027
[growth]
initial = 0.3
initial_uncertainty = 0.05
long_run = 0.1
reversion = 0.3
volatility = 0.1
persistence = 0.4
{events}
"#
    );
    parse_str(&text, "test").unwrap()
}

const OSA: &str = r#"
[[events]]
id = "osa"
name = "OSA"
window = [2025, 2027]
outcomes = [ { id = "on", probability = 0.4, growth_uplift = 0.08, duration = 3, ramp = 2 },
             { id = "shock", probability = 0.2, level_shock = -0.1, volatility_multiplier = 1.5 } ]
"#;

const KOSA: &str = r#"
[[events]]
id = "kosa"
name = "KOSA"
year = 2026
outcomes = [ { id = "law", probability = 0.5, growth_uplift = 0.05 } ]
"#;

fn settings() -> RunSettings {
    RunSettings {
        paths: 20_000,
        seed: 99,
        sample_paths: 10,
    }
}

#[test]
fn paths_where_the_event_drew_nothing_are_identical() {
    let without = simulate(&scenario(""), settings(), RunControl::default()).unwrap();
    let with = simulate(&scenario(OSA), settings(), RunControl::default()).unwrap();
    let draws = &with.events[0];
    let mut same = 0;
    let mut changed = 0;
    for i in 0..with.target_values.len() {
        if draws.outcome(i) == NO_OUTCOME {
            assert_eq!(
                with.target_values[i], without.target_values[i],
                "path {i} differs"
            );
            assert_eq!(with.first_passage[i], without.first_passage[i]);
            same += 1;
        } else if with.target_values[i] != without.target_values[i] {
            changed += 1;
        }
    }
    // About 40% of paths drew nothing; nearly all others moved.
    assert!(same > 7000 && same < 9000, "{same}");
    assert!(changed > 11_000, "{changed}");
    assert_eq!(with.initial_growth, without.initial_growth);
}

#[test]
fn adding_an_event_does_not_reshuffle_another() {
    let one = simulate(&scenario(OSA), settings(), RunControl::default()).unwrap();
    let two = simulate(
        &scenario(&format!("{KOSA}{OSA}")),
        settings(),
        RunControl::default(),
    )
    .unwrap();
    let osa_in_two = two.events.iter().find(|e| e.event_id == "osa").unwrap();
    assert!(one.events[0].outcomes().eq(osa_in_two.outcomes()));
    assert!(one.events[0].start_years().eq(osa_in_two.start_years()));
    // Where KOSA drew nothing the whole path is unchanged.
    let kosa = two.events.iter().find(|e| e.event_id == "kosa").unwrap();
    for i in 0..one.target_values.len() {
        if kosa.outcome(i) == NO_OUTCOME {
            assert_eq!(one.target_values[i], two.target_values[i]);
        }
    }
}

#[test]
fn window_start_years_are_uniform_over_the_window() {
    let p = simulate(&scenario(OSA), settings(), RunControl::default()).unwrap();
    let d = &p.events[0];
    let mut counts = [0usize; 3];
    for (o, y) in d.outcomes().zip(d.start_years()) {
        if o != NO_OUTCOME {
            assert!((2025..=2027).contains(&y));
            counts[(y - 2025) as usize] += 1;
        }
    }
    let n: usize = counts.iter().sum();
    for c in counts {
        // Binomial(n, 1/3): within 4 standard errors.
        let se = (n as f64 * (1.0 / 3.0) * (2.0 / 3.0)).sqrt();
        assert!((c as f64 - n as f64 / 3.0).abs() < 4.0 * se, "{counts:?}");
    }
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let s = scenario(OSA);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(&s, settings(), RunControl::default()).unwrap())
    };
    let a = run(1);
    let b = run(3);
    assert_eq!(a.years, b.years);
    assert_eq!(a.target_values, b.target_values);
    assert_eq!(a.sample_paths, b.sample_paths);
}

#[test]
fn cancellation_stops_the_run() {
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let control = RunControl {
        cancel: Some(&cancel),
        ..RunControl::default()
    };
    assert!(simulate(&scenario(""), settings(), control).is_err());
}

/// The runs of one analysis share the inputs' draws, the events' codes and the outcomes' values
/// through a `DrawCache`: a run that takes its columns from the cache is the run that draws
/// them afresh, path for path and figure for figure, for the same scenario and for a swing of
/// any one input (its own column is drawn, the others are the kept ones), in a scenario with
/// every family of input and correlations.
#[test]
fn runs_sharing_kept_draws_equal_fresh_runs() {
    use safetech::scenario::load;
    use safetech::scenario::parameters::with_value;
    use safetech::sim::DrawCache;
    let s = load("central").unwrap();
    let settings = RunSettings {
        paths: 9_000,
        sample_paths: 3,
        ..RunSettings::default()
    };
    let cache = DrawCache::for_runs_of(&s, settings.paths);
    let kept = RunControl {
        draws: Some(&cache),
        ..RunControl::default()
    };
    let same = |a: &safetech::sim::Projection, b: &safetech::sim::Projection| {
        assert_eq!(a.years, b.years);
        assert_eq!(a.target_values, b.target_values);
        assert_eq!(a.first_passage, b.first_passage);
        assert_eq!(a.initial_growth, b.initial_growth);
        assert_eq!(a.sample_paths, b.sample_paths);
        assert_eq!(a.events, b.events);
    };
    let fresh = simulate(&s, settings, RunControl::default()).unwrap();
    same(&simulate(&s, settings, kept).unwrap(), &fresh);
    assert!(cache.bytes() > 0, "the first run keeps its columns");
    let held = cache.bytes();
    // A second run takes them all: nothing new is kept.
    same(&simulate(&s, settings, kept).unwrap(), &fresh);
    assert_eq!(cache.bytes(), held);
    // A run in the memory of a finished one (another scenario's target-year values and first
    // passages handed back, so every value must be written afresh) is the same run.
    let other = with_value(&s, "growth.long_run", 0.02).unwrap();
    let finished = simulate(&other, settings, kept).unwrap();
    assert_ne!(finished.target_values, fresh.target_values);
    kept.recycle(finished);
    same(&simulate(&s, settings, kept).unwrap(), &fresh);
    // Swings of uncertain and fixed inputs, growth and event keys.
    for (key, value) in [
        ("growth.long_run", 0.1),
        ("growth.capacity", 5000.0),
        ("growth.initial", 0.2),
        ("growth.initial_uncertainty", 0.1),
        ("events.osa.firm.growth_uplift", 0.07),
        ("events.osa.firm.probability", 0.5),
        ("events.osa.routine.probability", 0.3),
        ("events.squeeze.sharp.level_shock", -0.2),
        ("events.squeeze.mild.growth_uplift", -0.05),
    ] {
        let swung = with_value(&s, key, value).unwrap();
        let fresh = simulate(&swung, settings, RunControl::default()).unwrap();
        same(&simulate(&swung, settings, kept).unwrap(), &fresh);
    }
    assert!(cache.bytes() <= DrawCache::bytes_per_path(&s) as usize * settings.paths);
}
