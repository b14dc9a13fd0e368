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
const CENTRAL: &str = "maturing";
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
        claims: &[
            "the average pace of the 2020–2024 record, not the 37% of 2024 alone",
            "Its 2035 median is about £2.8bn, a third of the cap",
        ],
        facts: &[],
    },
    Statements {
        id: "osa-enforced",
        claims: &[
            "firm or routine in nine futures out of ten",
            "moderation tools for three years",
        ],
        facts: &["March and July 2025"],
    },
    Statements {
        id: "osa-delayed",
        claims: &[
            "the same four outcomes as `osa-enforced`, with the odds reversed",
            "only three futures out of ten",
            "demand starts a year late",
        ],
        facts: &[],
    },
    Statements {
        id: "kosa",
        claims: &[
            "starts in 2027 at the earliest",
            "phased in over two years",
            "The law passes in 40% of futures",
        ],
        facts: &["July 2024", "June 2026", "late 2026"],
    },
    Statements {
        id: "transatlantic",
        claims: &[
            "they are one event with joint outcomes, not two independent add-ons",
            "together they add less than the sum of each alone",
            "KOSA passes in 40% of futures, as in `kosa`",
            "opens by one route or another in 65%",
        ],
        facts: &["October 2024"],
    },
    Statements {
        id: "genai",
        claims: &[
            "half as large again while the duties bed in",
            "The duties are legislated in 70% of futures",
        ],
        facts: &["February 2026", "1 January 2026", "an offence in 2025"],
    },
    Statements {
        id: "downturn",
        claims: &[
            "Half the time the squeeze is sharp",
            "a 15% fall in the level of revenue in 2025 and growth 10 points lower for two years",
            "revenue falls outright in 2025 in about half of those futures",
            "Otherwise growth is 6 points lower for two years",
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
fn policy_scenarios_share_the_central_case() {
    let central = load(CENTRAL).unwrap();
    for id in POLICY {
        let s = load(id).unwrap();
        assert_eq!(s.market, central.market, "{id}: [market]");
        assert_eq!(s.target, central.target, "{id}: [target]");
        // Keys that differ must say so on their line.
        let documented: Vec<&str> = text(id)
            .lines()
            .filter(|l| l.contains("differs from the central case"))
            .filter_map(|l| l.split('=').next())
            .map(str::trim)
            .collect();
        let mut g = s.growth.clone();
        let c = &central.growth;
        for key in &documented {
            match *key {
                "shocks" => g.shocks = c.shocks,
                "volatility" => g.volatility = c.volatility,
                other => panic!("{id}: no rule to compare growth.{other}"),
            }
        }
        assert_eq!(&g, c, "{id}: [growth] differs from the central case");
        assert!(documented.len() <= 2, "{id}: more than a variation");
    }
    // The central case is the calibrated history, with a Student-t for the pace, and its
    // tornado swings the pace over calibrate's 95% range.
    let c = calibrate(&central.market.history).unwrap();
    for id in POLICY {
        let range = load(id).unwrap().ranges["growth.initial"];
        assert!((range[0] - c.growth_95[0]).abs() < 5e-4, "{id}: {range:?}");
        assert!((range[1] - c.growth_95[1]).abs() < 5e-4, "{id}: {range:?}");
    }
    let g = &central.growth;
    assert!((g.initial - c.initial).abs() < 5e-5);
    assert!((g.initial_uncertainty - c.initial_uncertainty).abs() < 5e-5);
    assert!((g.volatility - c.volatility).abs() < 5e-5);
    assert_eq!(g.initial_distribution, Distribution::StudentT(c.df as f64));
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
fn no_kosa_outcome_starts_before_2027() {
    for (id, _) in BUILTIN {
        let p = run(id, &[]);
        for (ev, draws) in p.scenario.events.iter().zip(&p.events) {
            let about_us_law = ev.id.contains("kosa")
                || ev.name.contains("Kids Online Safety")
                || ev.outcomes.iter().any(|o| o.id.contains("kosa"));
            if !about_us_law {
                continue;
            }
            let earliest = draws
                .outcomes()
                .zip(draws.start_years())
                .filter(|&(o, _)| o != NO_OUTCOME)
                .map(|(_, y)| y)
                .min()
                .unwrap();
            assert!(earliest >= 2027, "{id}: {} starts in {earliest}", ev.id);
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
    let mut r0 = p.initial_growth.clone();
    r0.sort_by(f64::total_cmp);
    let q = |x: f64| r0[(x * r0.len() as f64) as usize];
    assert!((q(0.5) - 0.29).abs() < 0.005, "median pace {}", q(0.5));
    // "between 13% and 45% a year (95%)": the 2.5% and 97.5% points of the drawn pace.
    assert!((q(0.025) - 0.13).abs() < 0.007, "2.5% point {}", q(0.025));
    assert!((q(0.975) - 0.45).abs() < 0.007, "97.5% point {}", q(0.975));
}

#[test]
fn maturing_claims() {
    let s = load("maturing").unwrap();
    let history = &s.market.history;
    let (last, before) = (history[4].1, history[3].1);
    assert_eq!(format!("{:.0}", (last / before - 1.0) * 100.0), "37");
    let p = run("maturing", &[]);
    let mut r0 = p.initial_growth.clone();
    r0.sort_by(f64::total_cmp);
    let median_pace = r0[r0.len() / 2];
    let c = calibrate(history).unwrap();
    assert!(
        (median_pace - c.initial).abs() < 0.005,
        "pace {median_pace}"
    );
    let m2035 = p.year(2035).unwrap().median();
    assert!((2_700.0..=2_900.0).contains(&m2035), "2035 median {m2035}");
    let share = m2035 / s.growth.capacity.unwrap();
    assert!((0.3..0.37).contains(&share), "{share} of the cap");
}

#[test]
fn osa_enforced_claims() {
    let p = run("osa-enforced", &[]);
    assert_share(
        "firm or routine",
        share(&p, "osa", &["firm", "routine"]),
        0.9,
    );
    let s = load("osa-enforced").unwrap();
    // "adding demand … for three years": every outcome that adds demand lasts three.
    for o in s.events[0]
        .outcomes
        .iter()
        .filter(|o| o.growth_uplift > 0.0)
    {
        assert_eq!(o.duration, Some(3), "{}", o.id);
    }
}

#[test]
fn osa_delayed_claims() {
    let (d, e) = (load("osa-delayed").unwrap(), load("osa-enforced").unwrap());
    let strip = |s: &Scenario| -> Vec<(String, f64, Option<u32>, u32)> {
        s.events[0]
            .outcomes
            .iter()
            .map(|o| (o.id.clone(), o.growth_uplift, o.duration, o.delay))
            .collect()
    };
    assert_eq!(strip(&d), strip(&e), "the same four outcomes");
    assert_eq!(d.events[0].outcomes.len(), 4);
    let p = run("osa-delayed", &[]);
    let good = share(&p, "osa", &["firm", "routine"]);
    assert_share("firm or routine", good, 0.3);
    let pe = run("osa-enforced", &[]);
    assert!(
        good < share(&pe, "osa", &["firm", "routine"]),
        "odds reversed"
    );
    // "a year late": every path that drew `slow` starts in 2026, a year after the duties.
    let draws = &p.events[0];
    let slow = draws.outcome_ids.iter().position(|o| o == "slow").unwrap() as u8;
    let starts: Vec<i32> = draws
        .outcomes()
        .zip(draws.start_years())
        .filter(|&(o, _)| o == slow)
        .map(|(_, y)| y)
        .collect();
    assert!(!starts.is_empty() && starts.iter().all(|&y| y == 2026));
}

#[test]
fn kosa_claims() {
    let p = run("kosa", &[]);
    assert_share("enacted", share(&p, "kosa", &["enacted"]), 0.4);
    let draws = &p.events[0];
    let starts = draws
        .outcomes()
        .zip(draws.start_years())
        .filter(|&(o, _)| o != NO_OUTCOME)
        .map(|(_, y)| y);
    assert_eq!(starts.min(), Some(2027), "2027 at the earliest");
    assert_eq!(outcome(&p.scenario, "kosa", "enacted").ramp, 2);
}

#[test]
fn transatlantic_claims() {
    let p = run("transatlantic", &[]);
    let s = &p.scenario;
    // One event for the US market (beside UK enforcement), whose outcomes are the joint ones.
    assert_eq!(s.events.len(), 2);
    let us: Vec<&str> = s.events[1].outcomes.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(us, ["kosa-and-standards", "kosa-only", "standards-only"]);
    let up = |id: &str| outcome(s, "us-market", id).growth_uplift;
    assert!(up("kosa-and-standards") < up("kosa-only") + up("standards-only"));
    assert_share(
        "KOSA",
        share(&p, "us-market", &["kosa-and-standards", "kosa-only"]),
        0.4,
    );
    let kosa = load("kosa").unwrap();
    let enacted = outcome(&kosa, "kosa", "enacted");
    let only = outcome(s, "us-market", "kosa-only");
    assert_eq!(
        (only.growth_uplift, only.duration, only.ramp),
        (enacted.growth_uplift, enacted.duration, enacted.ramp),
        "KOSA alone as in `kosa`"
    );
    assert_share(
        "US market opens",
        share(
            &p,
            "us-market",
            &["kosa-and-standards", "kosa-only", "standards-only"],
        ),
        0.65,
    );
    // UK enforcement as in `osa-enforced`.
    assert_eq!(s.events[0], load("osa-enforced").unwrap().events[0]);
}

#[test]
fn genai_claims() {
    let p = run("genai", &[]);
    assert_share("legislated", share(&p, "ai-duties", &["legislated"]), 0.7);
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
    let sharp = outcome(&s, "squeeze", "sharp");
    assert_eq!(s.events[0].year, Some(2025));
    assert_eq!(
        (sharp.level_shock, sharp.growth_uplift, sharp.duration),
        (-0.15, -0.10, Some(2))
    );
    let mild = outcome(&s, "squeeze", "mild");
    assert_eq!((mild.growth_uplift, mild.duration), (-0.06, Some(2)));
    let p = run("downturn", &[]);
    assert_share("sharp", share(&p, "squeeze", &["sharp"]), 0.5);
    // "revenue falls outright in 2025 in about half of those futures": judged in 2025 against
    // the 2024 figure, per outcome.
    let start = s.market.start_revenue.to_string();
    let p2025 = run(
        "downturn",
        &[("target.year", "2025"), ("target.revenue", &start)],
    );
    let attribution = event_attribution(&p2025);
    let sharp_rows = &attribution[0].outcomes;
    let held = sharp_rows.iter().find(|o| o.id == "sharp").unwrap();
    let falls = 1.0 - held.p_target.unwrap();
    assert!(
        (0.4..=0.6).contains(&falls),
        "falls in {falls:.3} of sharp futures"
    );
    // Revenue at or above the start means it did not fall.
    assert!(target_probability(&p2025).probability < 1.0);
}

#[test]
fn classroom_claims() {
    assert_eq!(load("classroom").unwrap().growth.volatility, 0.10);
}
