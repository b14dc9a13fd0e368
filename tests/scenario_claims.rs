//! Scenarios are claims. The policy scenarios share one central case; every sentence of a
//! description that states a quantity is checked here, against the simulation where the claim
//! is about outcomes, and against the scenario's own inputs where it restates one; facts quoted
//! from the record must match the scenario's sources. A description that gains a number without
//! a check here fails `every_quantity_in_a_description_is_checked`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use safetech::scenario::{BUILTIN, Distribution, Override, Scenario, load, load_with_overrides};
use safetech::sim::{NO_OUTCOME, Projection, RunControl, RunSettings, simulate};
use safetech::stats::calibration::calibrate;
use safetech::stats::{event_attribution, target_probability};

const PATHS: usize = 50_000;
const CENTRAL: &str = "central";
/// The scenarios that extend `central`, each stating a condition on it.
const POLICY: [&str; 7] = [
    "maturing",
    "osa-enforced",
    "osa-delayed",
    "kosa",
    "transatlantic",
    "genai",
    "downturn",
];

/// The scenario's own file text.
fn text(id: &str) -> &'static str {
    BUILTIN.iter().find(|(b, _)| *b == id).unwrap().1
}

/// One run per (scenario, overrides), shared by the tests of this file.
fn run(id: &str, overrides: &[(&str, &str)]) -> Projection {
    static CACHE: OnceLock<Mutex<HashMap<String, Projection>>> = OnceLock::new();
    let key = format!("{id} {overrides:?}");
    let cache = CACHE.get_or_init(Default::default);
    if let Some(p) = cache.lock().unwrap().get(&key) {
        return p.clone();
    }
    let ov: Vec<Override> = overrides.iter().map(|(k, v)| Override::new(k, v)).collect();
    let s = load_with_overrides(id, &ov).unwrap();
    let settings = RunSettings {
        paths: PATHS,
        sample_paths: 0,
        ..RunSettings::default()
    };
    let p = simulate(&s, settings, RunControl::default()).unwrap();
    cache.lock().unwrap().insert(key, p.clone());
    p
}

/// Share of paths on which event `event` drew one of `outcomes`.
fn share(p: &Projection, event: &str, outcomes: &[&str]) -> f64 {
    let draws = p.events.iter().find(|e| e.event_id == event).unwrap();
    let wanted: Vec<u8> = outcomes
        .iter()
        .map(|o| draws.outcome_ids.iter().position(|id| id == o).unwrap() as u8)
        .collect();
    let hits = draws.outcomes().filter(|o| wanted.contains(o)).count();
    hits as f64 / draws.len() as f64
}

/// A share stated as `want` holds within 4 Monte Carlo standard errors.
fn assert_share(what: &str, got: f64, want: f64) {
    let se = (want * (1.0 - want) / PATHS as f64).sqrt();
    assert!(
        (got - want).abs() <= 4.0 * se,
        "{what}: simulated {got:.4}, the description says {want}"
    );
}

fn outcome<'a>(s: &'a Scenario, event: &str, id: &str) -> &'a safetech::scenario::Outcome {
    s.events
        .iter()
        .find(|e| e.id == event)
        .and_then(|e| e.outcomes.iter().find(|o| o.id == id))
        .unwrap_or_else(|| panic!("{}: no outcome {event}.{id}", s.scenario.id))
}

/// Quantities stated in descriptions, per scenario: claims (checked below, one test each) and
/// facts quoted from the record (checked against the sources).
struct Statements {
    id: &'static str,
    claims: &'static [&'static str],
    facts: &'static [&'static str],
}

const STATEMENTS: &[Statements] = &[
    Statements {
        id: "central",
        claims: &[
            "US law or common standards open the US market in about half",
            "a funding squeeze hits in about one future in four",
        ],
        facts: &["average pace of the 2020–2024 record"],
    },
    Statements {
        id: "baseline",
        claims: &[
            "It runs to 2028 only",
            "the uncertainty of judging a pace from one year",
        ],
        facts: &[
            "over £1bn by 2026",
            "37% reported for 2024",
            "the claim is about 2026",
        ],
    },
    Statements {
        id: "historical",
        claims: &[
            "mean annual log growth 0.2535, about 29% a year",
            "from 4 growth years, a Student-t with 3 degrees of freedom puts it between 13% and 45% a year (95%)",
        ],
        facts: &["average pace of 2020–2024"],
    },
    Statements {
        id: "maturing",
        claims: &[],
        facts: &["average pace of the 2020–2024 record"],
    },
    Statements {
        id: "osa-enforced",
        claims: &["raised for three years from the figure published in 2026"],
        facts: &["March and July 2025"],
    },
    Statements {
        id: "osa-delayed",
        claims: &[
            "demand starts a year late",
            "The two keep their central odds relative to each other, \
             so slipping is three times as likely as weakening",
        ],
        facts: &[],
    },
    Statements {
        id: "kosa",
        claims: &[
            "its effect starts in 2029 at the earliest",
            "phased in over two years",
        ],
        facts: &["July 2024", "June 2026", "late 2026"],
    },
    Statements {
        id: "transatlantic",
        claims: &[
            "they are one event with joint outcomes, not two independent add-ons",
            "together they add less than the sum of each alone",
        ],
        facts: &["October 2024"],
    },
    Statements {
        id: "genai",
        claims: &[
            "rises from the figure published in 2027",
            "half as large again while the duties bed in",
        ],
        facts: &["February 2026", "1 January 2026", "an offence in 2025"],
    },
    Statements {
        id: "downturn",
        claims: &[
            "from 2025, first seen in the figure published in 2026",
            "Half the time the squeeze is sharp",
            "a fall of about 15% in the level of revenue and growth about 10 points lower for two years",
            "Otherwise growth is about 6 points lower for two years",
        ],
        facts: &["£63–64m a year in 2022–2023"],
    },
    Statements {
        id: "classroom",
        claims: &["about ±10% around that"],
        facts: &["the real £623m", "the 37% officials quoted", "£1bn by 2026"],
    },
];

/// Words that state a quantity as surely as digits do.
const NUMBER_WORDS: &[&str] = &[
    "half", "third", "quarter", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "twice", "double",
];

/// Byte ranges of the quantities in `text`: runs of digits (with their separators and signs)
/// and number words.
fn quantities(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut word_start = None;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        if c.is_alphanumeric() {
            word_start.get_or_insert(i);
        }
        let next_alnum = bytes.get(k + 1).is_some_and(|(_, n)| n.is_alphanumeric());
        if let (Some(s), false) = (word_start, next_alnum) {
            let word = &text[s..i + c.len_utf8()];
            if word.chars().any(|c| c.is_ascii_digit())
                || NUMBER_WORDS.contains(&word.to_lowercase().as_str())
            {
                out.push((s, word.to_string()));
            }
            word_start = None;
        }
    }
    out
}

#[test]
fn every_quantity_in_a_description_is_checked() {
    for (id, _) in BUILTIN {
        let s = load(id).unwrap();
        let d = &s.scenario.description;
        let st = STATEMENTS
            .iter()
            .find(|st| st.id == *id)
            .unwrap_or_else(|| panic!("{id}: add its description's statements to STATEMENTS"));
        let covered: Vec<(usize, usize)> = st
            .claims
            .iter()
            .chain(st.facts)
            .map(|frag| {
                let at = d
                    .find(frag)
                    .unwrap_or_else(|| panic!("{id}: the description no longer says \"{frag}\""));
                (at, at + frag.len())
            })
            .collect();
        for (at, word) in quantities(d) {
            assert!(
                covered.iter().any(|&(a, b)| a <= at && at < b),
                "{id}: \"{word}\" in the description states a quantity no test checks: \
                 add the sentence to STATEMENTS with a check"
            );
        }
    }
}

#[test]
fn facts_quoted_in_descriptions_match_the_sources() {
    let timeline = include_str!("../assets/data/policy_timeline.md");
    let history = include_str!("../assets/data/uk_safety_tech_revenue.csv");
    for st in STATEMENTS {
        let s = load(st.id).unwrap();
        let record = format!("{}\n{timeline}\n{history}", s.scenario.sources.join("\n"));
        for fact in st.facts {
            for (_, word) in quantities(fact) {
                for number in word.split(|c: char| !c.is_ascii_digit()) {
                    if !number.is_empty() {
                        assert!(
                            record.contains(number),
                            "{}: \"{fact}\" quotes {number}, which no source gives",
                            st.id
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn policy_scenarios_are_conditions_on_the_central_forecast() {
    let central = load(CENTRAL).unwrap();
    for id in POLICY {
        let s = load(id).unwrap();
        assert_eq!(s.provenance.extends, [CENTRAL], "{id}");
        assert!(text(id).starts_with('#') && text(id).contains("extends = \"central\""));
        assert_eq!(s.market, central.market, "{id}: [market]");
        assert_eq!(s.target, central.target, "{id}: [target]");
        assert_eq!(s.ranges, central.ranges, "{id}: [ranges]");
        // Keys that differ must say so on their line.
        let documented: Vec<&str> = text(id)
            .lines()
            .filter(|l| l.contains("differs from the central case"))
            .filter_map(|l| l.split('=').next())
            .map(str::trim)
            .collect();
        let mut g = s.growth.clone();
        for key in &documented {
            match *key {
                "shocks" => g.shocks = central.growth.shocks,
                other => panic!("{id}: no rule to compare growth.{other}"),
            }
        }
        assert_eq!(
            &g, &central.growth,
            "{id}: [growth] differs from the central case"
        );
        // The same events, outcomes and sizes; only the odds (the condition) and, where the
        // file says so, a start year differ.
        assert_eq!(s.events.len(), central.events.len(), "{id}");
        for (e, c) in s.events.iter().zip(&central.events) {
            let sizes = |e: &safetech::scenario::Event| -> Vec<_> {
                e.outcomes
                    .iter()
                    .map(|o| (o.id.clone(), o.growth_uplift, o.level_shock, o.duration))
                    .collect()
            };
            assert_eq!(sizes(e), sizes(c), "{id}: {}", e.id);
        }
        // Every input uncertain in central stays uncertain, with the same distribution, except
        // the odds a condition fixes.
        for (key, u) in &central.uncertain {
            if key.ends_with(".probability") {
                continue;
            }
            assert_eq!(s.uncertain.get(key), Some(u), "{id}: {key}");
        }
    }
    // The central case's pace is the calibrated history, with a Student-t, and its tornado
    // swings the pace over calibrate's 95% range.
    let c = calibrate(&central.market.history).unwrap();
    let range = central.ranges["growth.initial"];
    assert!((range[0] - c.growth_95[0]).abs() < 5e-4, "{range:?}");
    assert!((range[1] - c.growth_95[1]).abs() < 5e-4, "{range:?}");
    let g = &central.growth;
    assert!((g.initial - c.initial).abs() < 5e-5);
    assert!((g.initial_uncertainty - c.initial_uncertainty).abs() < 5e-5);
    assert_eq!(g.initial_distribution, Distribution::StudentT(c.df as f64));
}

/// The volatility's comment: σ from four growth rates has the posterior σ² ~ 3·σ̂²/χ²₃ (flat
/// prior on log σ); the judged log-Normal keeps its median.
#[test]
fn central_volatility_is_the_estimated_sigma_with_its_uncertainty() {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    let central = load(CENTRAL).unwrap();
    let c = calibrate(&central.market.history).unwrap();
    assert!((c.sd_log_growth - 0.0778).abs() < 5e-5);
    let chi = ChiSquared::new(c.df as f64).unwrap();
    let sigma_at = |q: f64| c.sd_log_growth * (c.df as f64 / chi.inverse_cdf(1.0 - q)).sqrt();
    assert!((sigma_at(0.5) - 0.088).abs() < 5e-4, "{}", sigma_at(0.5));
    assert!((sigma_at(0.05) - 0.048).abs() < 5e-4, "{}", sigma_at(0.05));
    assert!((sigma_at(0.95) - 0.227).abs() < 5e-4, "{}", sigma_at(0.95));
    let u = &central.uncertain["growth.volatility"];
    assert!(
        (u.median() / sigma_at(0.5) - 1.0).abs() < 0.02,
        "{}",
        u.median()
    );
    assert!((u.quantile(0.05) - 0.05).abs() < 1e-9 && (u.quantile(0.95) - 0.15).abs() < 1e-9);
}

/// The capacity's comment: the product of three log-Normals (world market, its definition,
/// its growth to 2035, the UK share), each given by its 90% range.
#[test]
fn central_capacity_is_the_sourced_construction() {
    let z = 1.644_853_626_951_472_6;
    let log_range = |lo: f64, hi: f64| ((lo.ln() + hi.ln()) / 2.0, (hi.ln() - lo.ln()) / (2.0 * z));
    let world_2024: f64 = 7.4e3 / 1.25; // £m
    let parts = [
        log_range(5.0 / 7.4, 10.0 / 7.4),
        log_range(1.10_f64.powi(11), 1.18_f64.powi(11)),
        log_range(0.10, 0.30),
    ];
    assert!((1.10_f64.powi(11) - 2.85).abs() < 0.005 && (1.18_f64.powi(11) - 6.18).abs() < 0.005);
    let mu = world_2024.ln() + parts.iter().map(|p| p.0).sum::<f64>();
    let sd = parts.iter().map(|p| p.1 * p.1).sum::<f64>().sqrt();
    let (p5, p50, p95) = ((mu - z * sd).exp(), mu.exp(), (mu + z * sd).exp());
    let u = &load(CENTRAL).unwrap().uncertain["growth.capacity"];
    assert_eq!(u.family(), "lognormal");
    for (ours, theirs) in [
        (u.quantile(0.05), p5),
        (u.median(), p50),
        (u.quantile(0.95), p95),
    ] {
        assert!(
            (ours / theirs - 1.0).abs() < 0.02,
            "{ours} against {theirs}"
        );
    }
    // Today's share on the same definition, as the comment says.
    assert!((623.0 / world_2024 - 0.105).abs() < 0.0005);
}

/// The central fan is no narrower than past forecasts' errors: its one-year-ahead 90% band of
/// ln growth, ln(p95/p5) of 2025 revenue, is at least 2 × 1.645 × 0.10 (the RMSE of naive
/// one-year forecasts of this series).
#[test]
fn central_one_year_band_is_as_wide_as_past_forecast_errors() {
    let p = run(CENTRAL, &[]);
    let y = p.year(2025).unwrap();
    let width = (y.percentiles[6] / y.p5()).ln();
    assert!(width >= 0.33, "ln(p95/p5) of 2025 = {width:.3}");
}

/// The clock: a figure is published the year after the revenue it describes, so no built-in
/// event moves a year before 2026; a US law (not passed by late 2026, then 18 months to
/// comply) not before 2029.
#[test]
fn no_builtin_event_moves_a_year_before_the_first_figure_that_can_hold_it() {
    for (id, _) in BUILTIN {
        let p = run(id, &[]);
        for (ev, draws) in p.scenario.events.iter().zip(&p.events) {
            let Some(earliest) = draws
                .outcomes()
                .zip(draws.start_years())
                .filter(|&(o, _)| o != NO_OUTCOME)
                .map(|(_, y)| y)
                .min()
            else {
                continue;
            };
            assert!(earliest >= 2026, "{id}: {} moves {earliest}", ev.id);
            let about_us_law = ev.id.contains("kosa")
                || ev.id.contains("us-market")
                || ev.outcomes.iter().any(|o| o.id.contains("kosa"));
            if about_us_law {
                assert!(earliest >= 2029, "{id}: {} moves {earliest}", ev.id);
            }
        }
    }
    // Each event's comment names the calendar event and the first published year it moves.
    let central = text(CENTRAL);
    for (event, calendar, first) in [
        ("osa", "25 Jul 2025", "published in 2026"),
        ("ai-duties", "Feb 2026", "published in 2027"),
        ("us-market", "18 months", "published in 2029"),
    ] {
        let block = central
            .split("[[events]]")
            .find(|b| b.contains(&format!("id = \"{event}\"")))
            .unwrap();
        assert!(block.contains(calendar) && block.contains(first), "{event}");
    }
}

/// Conditioning is consistent: P(target | outcome) read off central's attribution is the P of
/// the scenario that takes the outcome as given, within 3 combined Monte Carlo errors.
#[test]
fn a_condition_on_central_is_central_read_given_that_outcome() {
    let central = run(CENTRAL, &[]);
    let attribution = event_attribution(&central);
    let osa = attribution.iter().find(|e| e.id == "osa").unwrap();
    for (id, given) in [
        ("osa-enforced", &["firm"][..]),
        ("osa-delayed", &["slow", "weakened"][..]),
    ] {
        let rows: Vec<_> = osa
            .outcomes
            .iter()
            .filter(|o| given.contains(&o.id.as_str()))
            .collect();
        let paths: usize = rows.iter().map(|o| o.paths).sum();
        let conditional = rows
            .iter()
            .map(|o| o.p_target.unwrap() * o.paths as f64)
            .sum::<f64>()
            / paths as f64;
        let scenario = target_probability(&run(id, &[])).probability;
        let se = (conditional * (1.0 - conditional) / paths as f64
            + scenario * (1.0 - scenario) / PATHS as f64)
            .sqrt();
        assert!(
            (conditional - scenario).abs() <= 3.0 * se,
            "{id}: central given {given:?} {conditional:.4}, the scenario {scenario:.4} (se {se:.4})"
        );
    }
}

#[test]
fn a_market_size_cap_where_the_horizon_passes_2028_and_no_implausible_2035() {
    for (id, _) in BUILTIN {
        let s = load(id).unwrap();
        if s.market.horizon > 2028 {
            let k = s.growth.capacity;
            assert!(
                k.is_some(),
                "{id}: horizon {} with no capacity",
                s.market.horizon
            );
        }
        if s.market.horizon >= 2035 {
            let median = run(id, &[]).year(2035).unwrap().median();
            assert!(median <= 10_000.0, "{id}: 2035 median £{median:.0}m");
        }
    }
}

#[test]
fn central_claims() {
    let p = run(CENTRAL, &[]);
    let us = share(
        &p,
        "us-market",
        &["kosa-and-standards", "kosa-only", "standards-only"],
    );
    assert!((0.45..=0.6).contains(&us), "US market opens in {us:.3}");
    let squeeze = share(&p, "squeeze", &["sharp", "mild"]);
    assert!((0.2..=0.3).contains(&squeeze), "squeeze in {squeeze:.3}");
    // "Long-run growth, reversion, volatility, capacity and every policy's size are ranges".
    let s = &p.scenario;
    for key in [
        "growth.long_run",
        "growth.reversion",
        "growth.volatility",
        "growth.capacity",
    ] {
        assert!(s.uncertain.contains_key(key), "{key}");
    }
    for e in &s.events {
        for o in &e.outcomes {
            let sized: Vec<&str> = [
                ("growth_uplift", o.growth_uplift),
                ("level_shock", o.level_shock),
            ]
            .into_iter()
            .filter(|(_, v)| *v != 0.0)
            .map(|(f, _)| f)
            .collect();
            assert!(!sized.is_empty(), "{}.{} has no size", e.id, o.id);
            assert!(
                sized.iter().any(|f| s
                    .uncertain
                    .contains_key(&format!("events.{}.{}.{f}", e.id, o.id))),
                "{}.{}: its size is a point",
                e.id,
                o.id
            );
        }
    }
}

#[test]
fn baseline_claims() {
    let s = load("baseline").unwrap();
    assert_eq!(s.market.horizon, 2028);
    // One year's growth estimates the pace with the record's year-to-year spread, carried to
    // a simple rate: (1 + 0.37) × sd of log growth.
    let c = calibrate(&s.market.history).unwrap();
    let one_year = (1.0 + s.growth.initial) * c.sd_log_growth;
    assert!((s.growth.initial_uncertainty - one_year).abs() < 5e-4);
}

#[test]
fn historical_claims() {
    let s = load("historical").unwrap();
    let c = calibrate(&s.market.history).unwrap();
    assert_eq!(format!("{:.4}", c.mean_log_growth), "0.2535");
    assert_eq!(c.growth_years, 4);
    assert_eq!(c.df, 3);
    // "about 29% a year": the median drawn pace.
    let p = run("historical", &[]);
    let mut r0 = p.initial_growth.to_vec();
    r0.sort_by(f64::total_cmp);
    let q = |x: f64| r0[(x * r0.len() as f64) as usize];
    assert!((q(0.5) - 0.29).abs() < 0.005, "median pace {}", q(0.5));
    // "between 13% and 45% a year (95%)": the 2.5% and 97.5% points of the drawn pace.
    assert!((q(0.025) - 0.13).abs() < 0.007, "2.5% point {}", q(0.025));
    assert!((q(0.975) - 0.45).abs() < 0.007, "97.5% point {}", q(0.975));
}

#[test]
fn maturing_claims() {
    // No policy event happens on any path.
    let p = run("maturing", &[]);
    for e in &p.scenario.events {
        assert!(e.outcomes.iter().all(|o| o.probability == 0.0), "{}", e.id);
    }
    let p2 = run("maturing", &[]);
    assert!(
        p2.events
            .iter()
            .all(|d| d.outcomes().all(|o| o == NO_OUTCOME))
    );
}

#[test]
fn osa_enforced_claims() {
    let p = run("osa-enforced", &[]);
    assert_eq!(share(&p, "osa", &["firm"]), 1.0);
    let firm = outcome(&p.scenario, "osa", "firm");
    assert_eq!(firm.duration, Some(3), "three years");
    let osa = p.scenario.events.iter().find(|e| e.id == "osa").unwrap();
    assert_eq!(
        (osa.year, firm.delay),
        (Some(2026), 0),
        "from the 2026 figure"
    );
}

#[test]
fn osa_delayed_claims() {
    let p = run("osa-delayed", &[]);
    let slow = share(&p, "osa", &["slow"]);
    let weakened = share(&p, "osa", &["weakened"]);
    assert_eq!(slow + weakened, 1.0);
    // "three times as likely": central's 15% against 5%, kept relative to each other.
    let se = (0.75 * 0.25 / PATHS as f64).sqrt();
    assert!((slow - 0.75).abs() <= 4.0 * se, "slow {slow}");
    let c = load(CENTRAL).unwrap();
    let ratio = outcome(&c, "osa", "slow").probability / outcome(&c, "osa", "weakened").probability;
    assert!((ratio - 3.0).abs() < 1e-9);
    // "a year late": every path that drew `slow` starts in 2027, a year after the others.
    let draws = p.events.iter().find(|d| d.event_id == "osa").unwrap();
    let code = draws.outcome_ids.iter().position(|o| o == "slow").unwrap() as u8;
    let starts: Vec<i32> = draws
        .outcomes()
        .zip(draws.start_years())
        .filter(|&(o, _)| o == code)
        .map(|(_, y)| y)
        .collect();
    assert!(!starts.is_empty() && starts.iter().all(|&y| y == 2027));
}

#[test]
fn kosa_claims() {
    let p = run("kosa", &[]);
    assert_eq!(
        share(&p, "us-market", &["kosa-and-standards", "kosa-only"]),
        1.0
    );
    let draws = p.events.iter().find(|d| d.event_id == "us-market").unwrap();
    let starts = draws
        .outcomes()
        .zip(draws.start_years())
        .filter(|&(o, _)| o != NO_OUTCOME)
        .map(|(_, y)| y);
    assert_eq!(starts.min(), Some(2029), "2029 at the earliest");
    for o in ["kosa-and-standards", "kosa-only"] {
        assert_eq!(
            outcome(&p.scenario, "us-market", o).ramp,
            2,
            "phased in over two years"
        );
    }
}

#[test]
fn transatlantic_claims() {
    let p = run("transatlantic", &[]);
    let s = &p.scenario;
    // One event for the US market, whose outcomes are the joint ones.
    let us = s.events.iter().find(|e| e.id == "us-market").unwrap();
    let ids: Vec<&str> = us.outcomes.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["kosa-and-standards", "kosa-only", "standards-only"]);
    assert_eq!(s.events.iter().filter(|e| e.id.contains("kosa")).count(), 0);
    // Less than the sum: the joint outcome's median uplift against the two alone.
    let u = |o: &str| &s.uncertain[&format!("events.us-market.{o}.growth_uplift")];
    assert!(
        u("kosa-and-standards").median() < u("kosa-only").median() + u("standards-only").median()
    );
    assert_eq!(share(&p, "us-market", &ids), 1.0);
    assert_eq!(
        share(&p, "osa", &["firm"]),
        1.0,
        "enforcement as in `osa-enforced`"
    );
}

#[test]
fn genai_claims() {
    let p = run("genai", &[]);
    assert_eq!(share(&p, "ai-duties", &["legislated"]), 1.0);
    let ai = p
        .scenario
        .events
        .iter()
        .find(|e| e.id == "ai-duties")
        .unwrap();
    assert_eq!(ai.year, Some(2027));
    let o = outcome(&p.scenario, "ai-duties", "legislated");
    assert_eq!(o.volatility_multiplier, 1.5, "half as large again");
    assert!(matches!(
        p.scenario.growth.shocks,
        Distribution::StudentT(_)
    ));
}

#[test]
fn downturn_claims() {
    let s = load("downturn").unwrap();
    let squeeze = s.events.iter().find(|e| e.id == "squeeze").unwrap();
    assert_eq!((squeeze.year, squeeze.window), (Some(2026), None));
    let sharp = outcome(&s, "squeeze", "sharp");
    let median = |key: &str| s.uncertain[&format!("events.squeeze.{key}")].median();
    assert!((median("sharp.level_shock") + 0.15).abs() < 1e-12);
    assert!((median("sharp.growth_uplift") + 0.10).abs() < 1e-12);
    assert_eq!(sharp.duration, Some(2));
    let mild = outcome(&s, "squeeze", "mild");
    assert!((median("mild.growth_uplift") + 0.06).abs() < 1e-12);
    assert_eq!(mild.duration, Some(2));
    let p = run("downturn", &[]);
    assert_share("sharp", share(&p, "squeeze", &["sharp"]), 0.5);
    assert_eq!(share(&p, "squeeze", &["sharp", "mild"]), 1.0);
}

#[test]
fn classroom_claims() {
    assert_eq!(load("classroom").unwrap().growth.volatility, 0.10);
}
