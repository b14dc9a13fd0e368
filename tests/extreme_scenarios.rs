//! Property tests: scenarios with valid but extreme values, and mutated scenario files.
//!
//! Every generated scenario is either refused by validation (exit 2), or runs to results that
//! are finite in every field with sd 0 only when p5 = p95, or is stopped by the engine's range
//! check with the year named (exit 1). Mutated files parse or give an input error; never a panic.
//!
//! Case counts: 2,000 extreme scenarios and 500 mutated files with `SAFETECH_SOAK=1` (CI sets
//! it), 400 and 200 without; PROPTEST_CASES sets both.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use safetech::report::Format;
use safetech::scenario::{Event, Outcome, Scenario, Shocks, load, parse_str, validate};
use safetech::sim::{RunControl, RunSettings, SimError, simulate};
use safetech::stats::RunSummary;

fn cases(soak: u32, quick: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if crate::common::soak() { soak } else { quick })
}

/// One of the edges of an allowed range, or a value in between.
fn edge(values: &'static [f64]) -> impl Strategy<Value = f64> {
    prop::sample::select(values)
}

fn outcome() -> impl Strategy<Value = Outcome> {
    (
        edge(&[0.0, 0.3, 0.5, 1.0]),
        edge(&[-0.99, -0.5, 0.0, 0.1, 5.0]),
        edge(&[-0.999_999, -0.5, 0.0, 1.0, 10.0]),
        edge(&[0.0, 1.0, 1.0, 1.0, 1.5, 10.0]),
        prop::option::of(1u32..=100),
        prop_oneof![Just(0u32), Just(2u32), Just(50u32)],
        prop_oneof![Just(0u32), Just(1u32), Just(50u32)],
        prop::option::of((0i32..=10, 0i32..=5)),
    )
        .prop_map(
            |(p, uplift, level, vm, duration, ramp, delay, window)| Outcome {
                id: String::new(),
                probability: p,
                year: None,
                window: window.map(|(a, w)| [2025 + a, 2025 + a + w]),
                delay,
                growth_uplift: uplift,
                duration,
                ramp,
                level_shock: level,
                volatility_multiplier: vm,
            },
        )
}

fn event() -> impl Strategy<Value = Event> {
    (
        prop::collection::vec(outcome(), 1..=4),
        prop_oneof![Just(1900i32), Just(2025i32), Just(2100i32), Just(2200i32)],
    )
        .prop_map(|(mut outcomes, year)| {
            let total: f64 = outcomes.iter().map(|o| o.probability).sum();
            for (i, o) in outcomes.iter_mut().enumerate() {
                o.id = format!("o{i}");
                // Keep the probabilities summing to at most 1.
                if total > 1.0 {
                    o.probability /= total;
                }
            }
            Event {
                id: String::new(),
                name: "event".into(),
                description: String::new(),
                year: Some(year),
                window: None,
                outcomes,
            }
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let market = (
        prop_oneof![Just(1900i32), Just(2024i32), Just(2100i32)],
        edge(&[1e-3, 0.5, 623.0, 1e6, 1e9]),
        prop_oneof![
            Just(1i32),
            Just(2i32),
            Just(11i32),
            Just(50i32),
            Just(100i32)
        ],
        edge(&[1e-3, 226.0, 1e9]),
        edge(&[1e-3, 1.0, 1000.0, 1e9]),
    );
    let growth = (
        edge(&[-0.98, -0.5, 0.0, 0.37, 2.0, 10.0]),
        edge(&[0.0, 0.05, 0.5, 2.0]),
        prop::option::of(edge(&[-0.98, 0.0, 0.1, 10.0])),
        edge(&[0.0, 0.35, 10.0]),
        edge(&[0.0, 0.08, 0.5, 1.0, 2.0]),
        edge(&[-0.999, -0.5, 0.0, 0.3, 0.9, 0.999]),
        prop_oneof![
            Just(Shocks::Normal),
            Just(Shocks::StudentT(2.0001)),
            Just(Shocks::StudentT(5.0))
        ],
        prop::option::of(edge(&[1.5, 10.0, 1e9])),
        prop_oneof![
            Just(Shocks::Normal),
            Just(Shocks::StudentT(1.0)),
            Just(Shocks::StudentT(3.0))
        ],
    );
    // Mostly a few events; sometimes the most allowed.
    let events = prop_oneof![
        4 => prop::collection::vec(event(), 0..=3),
        1 => prop::collection::vec(event(), 32..=32),
    ];
    (market, growth, events, any::<prop::sample::Index>()).prop_map(
        |(
            (start, r0, years, hist, target),
            (initial, unc, long_run, rev, vol, pers, shocks, cap, initial_distribution),
            mut events,
            target_year,
        )| {
            for (i, e) in events.iter_mut().enumerate() {
                e.id = format!("e{i}");
            }
            let horizon = start + years;
            Scenario {
                scenario: safetech::scenario::Meta {
                    id: "extreme".into(),
                    name: "extreme".into(),
                    description: String::new(),
                    sources: Vec::new(),
                },
                market: safetech::scenario::Market {
                    start_year: start,
                    start_revenue: r0,
                    horizon,
                    history: if start > 1900 {
                        vec![(start - 1, hist), (start, r0)]
                    } else {
                        vec![(start, r0)]
                    },
                },
                target: safetech::scenario::Target {
                    revenue: target,
                    year: start + 1 + target_year.index(years as usize) as i32,
                },
                growth: safetech::scenario::Growth {
                    initial,
                    initial_uncertainty: unc,
                    initial_distribution,
                    long_run,
                    reversion: rev,
                    volatility: vol,
                    persistence: pers,
                    shocks,
                    // Capacity must exceed the start revenue: given as a multiple of it.
                    capacity: cap.map(|c| (c * r0).min(1e12)),
                },
                events,
                ranges: Default::default(),
                correlations: Vec::new(),
                provenance: Default::default(),
                uncertain: Default::default(),
            }
        },
    )
}

#[derive(Default, Debug)]
struct Tally {
    refused: u32,
    finite: u32,
    out_of_range: u32,
}

/// Runs one scenario as `run` would; panics (failing the property) on a wrong result.
fn check(s: &Scenario, tally: &mut Tally) {
    if let Err(e) = validate(s) {
        if std::env::var_os("SHOW_REFUSALS").is_some() {
            eprintln!("REFUSED {} {}", e.field, e.message);
        }
        tally.refused += 1;
        return;
    }
    let settings = RunSettings {
        paths: 200,
        seed: 7,
        sample_paths: 5,
    };
    let started = std::time::Instant::now();
    let result = simulate(s, settings, RunControl::default());
    // Bounded time: 200 paths over at most 100 years and 32 events, even unoptimised.
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
    let p = match result {
        Ok(p) => p,
        Err(SimError::OutOfRange { year, .. }) => {
            assert!(year > s.market.start_year && year <= s.market.horizon);
            if std::env::var_os("SHOW_REFUSALS").is_some() {
                eprintln!(
                    "OUT {:?} vol {} pers {} cap {:?} r0 {} unc {} events {}",
                    s.growth.shocks,
                    s.growth.volatility,
                    s.growth.persistence,
                    s.growth.capacity,
                    s.growth.initial,
                    s.growth.initial_uncertainty,
                    s.events.len()
                );
            }
            tally.out_of_range += 1;
            return;
        }
        Err(e) => panic!("unexpected engine error {e}"),
    };
    for y in &p.years {
        let all = [y.mean, y.sd, y.min, y.max, y.p_target]
            .into_iter()
            .chain(y.percentiles);
        for v in all {
            assert!(v.is_finite(), "{}: non-finite value in {y:?}", y.year);
        }
        assert!(
            y.sd > 0.0 || y.p5() == y.p95(),
            "{}: sd 0 but p5 {} != p95 {}",
            y.year,
            y.p5(),
            y.p95()
        );
        assert!(y.p5() <= y.median() && y.median() <= y.p95(), "{y:?}");
    }
    let summary = RunSummary::of(&p);
    assert!(summary.target.probability.is_finite() && summary.target.std_error.is_finite());
    // What a user reads: every number of every year and of the target, in JSON and CSV.
    let json = Format::Json
        .reporter()
        .render(std::slice::from_ref(&summary));
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let run = &doc["scenarios"][0];
    for y in run["years"].as_array().expect("years") {
        for (k, v) in y.as_object().expect("a year is an object") {
            assert!(v.is_number(), "years[].{k} = {v} in JSON");
        }
    }
    for k in ["probability", "std_error"] {
        assert!(run["target"][k].is_number(), "target.{k} in JSON");
    }
    let csv = Format::Csv
        .reporter()
        .render(std::slice::from_ref(&summary));
    for line in csv.lines().skip(1) {
        // The 14 columns year … target_year are numbers; the name before may hold commas. The
        // six after them (a paired difference, the overrides) are empty: one scenario, no edits.
        assert!(line.ends_with(",,,,,,"), "{line}");
        for cell in line.rsplit(',').skip(6).take(14) {
            let v: f64 = cell.parse().unwrap_or_else(|_| panic!("{cell} in CSV"));
            assert!(v.is_finite(), "{line}");
        }
    }
    tally.finite += 1;
}

#[test]
fn extreme_valid_scenarios_give_finite_results_or_a_clear_refusal() {
    let n = cases(2000, 400);
    let mut runner = TestRunner::new(Config {
        cases: n,
        max_global_rejects: n.saturating_mul(20),
        failure_persistence: None,
        ..Config::default()
    });
    let tally = std::cell::RefCell::new(Tally::default());
    // Scenarios the validator refuses are counted but do not count as cases: `n` valid
    // scenarios reach the engine.
    runner
        .run(&scenario(), |s| {
            let valid = validate(&s).is_ok();
            check(&s, &mut tally.borrow_mut());
            prop_assume!(valid);
            Ok(())
        })
        .unwrap();
    let t = tally.into_inner();
    eprintln!("{n} valid extreme scenarios: {t:?}");
    assert_eq!(t.finite + t.out_of_range, n, "{t:?}");
    // Not vacuous: nearly all of them give results.
    assert!(
        t.finite * 10 >= n * 9,
        "too few scenarios gave results: {t:?}"
    );
}

/// Text edits a careless user or a broken tool might make.
fn mutation() -> impl Strategy<Value = (usize, usize, Vec<u8>)> {
    (
        any::<usize>(),
        0usize..12,
        prop::collection::vec(any::<u8>(), 1..8),
    )
}

fn mutate(text: &str, (at, op, bytes): (usize, usize, Vec<u8>)) -> Vec<u8> {
    let specials = [
        "nan",
        "inf",
        "-inf",
        "1e308",
        "-1e308",
        "5e-324",
        "0",
        "-1",
        "1e300",
        "2147483648",
        "-2147483648",
        "\"x\"",
    ];
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = at % lines.len();
    match op {
        0 => {
            lines.remove(i);
        }
        1 => {
            let dup = lines[(at / 7) % lines.len()].clone();
            lines.insert(i, dup);
        }
        2..=4 => {
            // Replace the first number on the line with a special value.
            let line = &lines[i];
            if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                let end = line[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map_or(line.len(), |e| start + e);
                let v = specials[(at / 3) % specials.len()];
                lines[i] = format!("{}{v}{}", &line[..start], &line[end..]);
            }
        }
        5 => lines[i].push(char::from(bytes[0] % 32)),
        6 => lines[0].insert(0, '\u{feff}'),
        7 => return lines.join("\r\n").into_bytes(),
        8 => {
            let mut b = lines.join("\n").into_bytes();
            for (k, &x) in bytes.iter().enumerate() {
                let pos = (at.wrapping_add(k * 131)) % b.len();
                b[pos] = x;
            }
            return b;
        }
        9 => lines.insert(i, "[".repeat(1 + at % 3000)),
        10 => lines.insert(i, format!("x = {}", "[".repeat(100 + at % 5000))),
        _ => lines.insert(i, "[[events]]".into()),
    }
    lines.join("\n").into_bytes()
}

#[test]
fn mutated_scenario_files_parse_or_give_an_input_error() {
    let n = cases(500, 200);
    let sources: Vec<&str> = safetech::scenario::BUILTIN
        .iter()
        .map(|(_, text)| *text)
        .collect();
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let ran_ref = std::cell::Cell::new(0u32);
    runner
        .run(&(0..sources.len(), mutation()), |(k, m)| {
            let bytes = mutate(sources[k], m);
            let Ok(text) = String::from_utf8(bytes) else {
                return Ok(());
            };
            match parse_str(&text, "mutated.toml") {
                Ok(s) => {
                    let mut t = Tally::default();
                    check(&s, &mut t);
                    ran_ref.set(ran_ref.get() + 1);
                }
                Err(e) => {
                    prop_assert!(e.origin == "mutated.toml" && !e.message.is_empty(), "{e}");
                }
            }
            Ok(())
        })
        .unwrap();
    let ran = ran_ref.get();
    eprintln!("{n} mutated files, {ran} still valid and run");
    // The shipped scenarios themselves are valid and run.
    for (id, _) in safetech::scenario::BUILTIN {
        let mut t = Tally::default();
        check(&load(id).unwrap(), &mut t);
        assert_eq!(t.finite, 1, "{id}");
    }
}
