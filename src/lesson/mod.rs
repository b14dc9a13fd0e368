//! The classroom walkthrough: seven steps from the officials' straight line to the chance of the
//! target under a policy, with captions in plain language.
//!
//! Pure functions over scenarios and projections, shared by the Teach tab and by the slide
//! export, so the screen and the deck always quote the same numbers. Every number in a caption
//! is computed here from a run; none is typed in.

pub mod text;

use crate::format::{money, thousands};
use crate::scenario::{BUILTIN, Event, Outcome, Scenario, validate};
use crate::sim::{Projection, RunSettings};
use crate::stats::{TargetProbability, target_probability};
pub use text::{Caption, Piece};

/// Futures in the main run: enough for a smooth cloud, few enough to count out loud.
pub const FUTURES: usize = 1000;
/// Futures drawn one by one in step 3.
pub const FEW: usize = 10;
/// Run sizes that show how the Monte Carlo error shrinks.
pub const LADDER: [usize; 3] = [100, FUTURES, 10_000];

/// Scenario the walkthrough starts from when none is named.
pub fn default_scenario() -> &'static str {
    if BUILTIN.iter().any(|(id, _)| *id == "classroom") {
        "classroom"
    } else {
        "baseline"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Claim,
    OneFuture,
    TenFutures,
    Thousand,
    Fan,
    Count,
    Policy,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Claim,
        Step::OneFuture,
        Step::TenFutures,
        Step::Thousand,
        Step::Fan,
        Step::Count,
        Step::Policy,
    ];

    /// 1-based position, as shown and as typed to jump.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn from_number(n: usize) -> Option<Step> {
        n.checked_sub(1).and_then(|i| Step::ALL.get(i)).copied()
    }

    pub fn next(self) -> Step {
        Step::from_number(self.number() + 1).unwrap_or(self)
    }

    pub fn prev(self) -> Step {
        Step::from_number(self.number() - 1).unwrap_or(self)
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Claim => "The claim: a straight line",
            Step::OneFuture => "One possible future",
            Step::TenFutures => "Ten futures",
            Step::Thousand => "A thousand futures",
            Step::Fan => "From cloud to fan",
            Step::Count => "Counting the futures that make it",
            Step::Policy => "Switching on a policy",
        }
    }

    /// Animation frames the step plays before it rests; 0 = a still picture.
    pub fn frames(self, lesson: &Lesson) -> u32 {
        match self {
            Step::Claim | Step::TenFutures | Step::Count => 0,
            // A few ticks per simulated year, so the class can read each year's growth.
            Step::OneFuture => lesson.shown_years().len() as u32 * 4,
            // Paths arrive in 20 batches.
            Step::Thousand => 20,
            Step::Fan | Step::Policy => 12,
        }
    }
}

/// The "policy off" and "policy on" versions of a scenario, run on the same seed.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyPair {
    pub off: Scenario,
    pub on: Scenario,
    /// The event that differs.
    pub event: Event,
    /// True when the event was added here rather than taken from the scenario file.
    pub assumed: bool,
}

impl PolicyPair {
    /// The scenario the walkthrough's main run uses is one of the pair; the other needs its own run.
    pub fn other(&self, base: &Scenario) -> &Scenario {
        if *base == self.on {
            &self.off
        } else {
            &self.on
        }
    }
}

/// The pair for step 7. A scenario with an `osa` event (or, failing that, any event) is compared
/// with itself without that event; one with no events gets an assumed Online Safety Act event, so
/// that common random numbers show the same futures shifted by the policy alone.
pub fn policy_pair(s: &Scenario) -> Result<PolicyPair, String> {
    if let Some(i) = s
        .events
        .iter()
        .position(|e| e.id == "osa")
        .or(if s.events.is_empty() { None } else { Some(0) })
    {
        let mut off = s.clone();
        let event = off.events.remove(i);
        return Ok(PolicyPair {
            off,
            on: s.clone(),
            event,
            assumed: false,
        });
    }
    let event = assumed_osa(s);
    let mut on = s.clone();
    on.events.push(event.clone());
    validate(&on).map_err(|e| {
        format!(
            "cannot add the assumed enforcement event to {}: {} {}",
            s.scenario.id, e.field, e.message
        )
    })?;
    Ok(PolicyPair {
        off: s.clone(),
        on,
        event,
        assumed: true,
    })
}

/// Ofcom enforcing the Online Safety Act, for certain, from the 2026 figure (the first published
/// after the duties of 2025; or the first simulated year, if later), adding 6 points of growth for three years. An assumption, and the caption says so.
fn assumed_osa(s: &Scenario) -> Event {
    Event {
        id: "osa".into(),
        name: "Ofcom enforces the Online Safety Act".into(),
        description: String::new(),
        year: Some(2026.max(s.market.start_year + 1)),
        window: None,
        outcomes: vec![Outcome {
            id: "enforced".into(),
            probability: 1.0,
            year: None,
            window: None,
            delay: 0,
            growth_uplift: 0.06,
            duration: Some(3),
            ramp: 0,
            level_shock: 0.0,
            volatility_multiplier: 1.0,
        }],
    }
}

/// Settings of a walkthrough run with `paths` futures: every path of the main run is kept whole.
pub fn settings(paths: usize, seed: u64) -> RunSettings {
    RunSettings {
        paths,
        seed,
        sample_paths: paths.min(FUTURES),
    }
}

/// What the walkthrough knows: the scenario and whichever runs have finished.
#[derive(Clone, Copy)]
pub struct Lesson<'a> {
    pub scenario: &'a Scenario,
    pub policy: Option<&'a PolicyPair>,
    /// FUTURES paths of `scenario`.
    pub base: Option<&'a Projection>,
    /// The runs of LADDER, in order (the middle one is usually `base`).
    pub ladder: [Option<&'a Projection>; 3],
    /// FUTURES paths of the other half of the policy pair.
    pub variant: Option<&'a Projection>,
}

/// One future year by year: (year, revenue £m, growth over the year before).
pub type YearGrowth = (i32, f64, f64);

impl<'a> Lesson<'a> {
    pub fn target(&self) -> (f64, i32) {
        (
            self.scenario.target.revenue,
            self.scenario
                .target
                .year
                .max(self.scenario.market.start_year),
        )
    }

    /// Years on the x axis: the first published year to a few years past the target.
    pub fn window(&self) -> (i32, i32) {
        let m = &self.scenario.market;
        let first = m.first_year();
        let last = (self.target().1 + 2).max(m.start_year + 2).min(m.horizon);
        (first, last.max(first + 1))
    }

    /// Simulated years shown, start_year+1 ..= window end.
    pub fn shown_years(&self) -> Vec<i32> {
        (self.scenario.market.start_year + 1..=self.window().1).collect()
    }

    /// The straight line: start revenue growing at the initial rate every year, from the start
    /// year to the first year at or above the target (at most to the horizon).
    pub fn claim(&self) -> Vec<(i32, f64)> {
        let m = &self.scenario.market;
        let g = self.scenario.growth.initial;
        let (target, target_year) = self.target();
        let mut out = vec![(m.start_year, m.start_revenue)];
        let mut v = m.start_revenue;
        for y in m.start_year + 1..=m.horizon {
            v *= 1.0 + g;
            out.push((y, v));
            if v >= target && y >= target_year {
                break;
            }
        }
        out
    }

    /// First year the straight line reaches the target.
    pub fn claim_year(&self) -> Option<i32> {
        let (target, _) = self.target();
        self.claim()
            .into_iter()
            .find(|(_, v)| *v >= target)
            .map(|(y, _)| y)
    }

    /// Path `i` of a run from the start year to the window's end, as (year, revenue).
    pub fn path(&self, p: &Projection, i: usize) -> Option<Vec<(i32, f64)>> {
        let start = self.scenario.market.start_year;
        let last = self.window().1;
        let v = p.sample_paths.get(i)?;
        Some(
            v.iter()
                .enumerate()
                .map(|(k, r)| (start + k as i32, *r))
                .take_while(|(y, _)| *y <= last)
                .collect(),
        )
    }

    /// The first future of the main run, with its growth each year.
    pub fn one_future(&self) -> Option<Vec<YearGrowth>> {
        let path = self.path(self.base?, 0)?;
        Some(
            path.windows(2)
                .map(|w| (w[1].0, w[1].1, w[1].1 / w[0].1 - 1.0))
                .collect(),
        )
    }

    /// Revenue of path `i` in the target year.
    pub fn at_target(&self, p: &Projection, i: usize) -> Option<f64> {
        let k = usize::try_from(self.target().1 - self.scenario.market.start_year).ok()?;
        p.sample_paths.get(i)?.get(k).copied()
    }

    /// How many of the first `n` futures reach the target, and their lowest and highest values.
    pub fn first_n(&self, p: &Projection, n: usize) -> Option<FirstN> {
        let values: Vec<f64> = (0..n).filter_map(|i| self.at_target(p, i)).collect();
        if values.is_empty() {
            return None;
        }
        let target = self.target().0;
        Some(FirstN {
            n: values.len(),
            hits: values.iter().filter(|v| **v >= target).count(),
            lowest: values.iter().copied().fold(f64::INFINITY, f64::min),
            highest: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }

    /// The bands of the main run in the target year, and how many futures fall in each.
    pub fn bands(&self) -> Option<Bands> {
        let p = self.base?;
        let y = p.year(self.target().1)?;
        let inside = |lo: f64, hi: f64| {
            p.target_values
                .iter()
                .filter(|v| **v >= lo && **v <= hi)
                .count()
        };
        Some(Bands {
            year: y.year,
            p5: y.p5(),
            p25: y.p25(),
            median: y.median(),
            p75: y.p75(),
            p95: y.p95(),
            inside90: inside(y.p5(), y.p95()),
            inside50: inside(y.p25(), y.p75()),
            paths: p.paths(),
        })
    }

    /// The runs of the policy pair: (off, on).
    pub fn policy_runs(&self) -> Option<(&'a Projection, &'a Projection)> {
        let pair = self.policy?;
        let (base, variant) = (self.base?, self.variant?);
        if *self.scenario == pair.on {
            Some((variant, base))
        } else {
            Some((base, variant))
        }
    }

    /// Target odds with and without the policy, and the futures that changed side.
    pub fn policy_effect(&self) -> Option<PolicyEffect> {
        let (off, on) = self.policy_runs()?;
        let target = self.target().0;
        let n = off.target_values.len().min(on.target_values.len());
        let pairs = || off.target_values[..n].iter().zip(&on.target_values[..n]);
        Some(PolicyEffect {
            off: target_probability(off),
            on: target_probability(on),
            gained: pairs()
                .filter(|(a, b)| **a < target && **b >= target)
                .count(),
            lost: pairs()
                .filter(|(a, b)| **a >= target && **b < target)
                .count(),
            higher: pairs().filter(|(a, b)| **b > **a).count(),
            paths: n,
        })
    }

    /// Top of the value axis for a step. The claim and the count are about the years up to the
    /// target, so they zoom in on them; the other steps share one range reaching the window's
    /// end, so the picture does not jump between them.
    pub fn value_top(&self, step: Step) -> f64 {
        let (target, target_year) = self.target();
        let last = match step {
            Step::Claim | Step::Count => target_year,
            _ => self.window().1,
        };
        let m = &self.scenario.market;
        let mut hi = m
            .history
            .iter()
            .map(|h| h.1)
            .chain([m.start_revenue, target])
            .chain(
                self.claim()
                    .into_iter()
                    .filter(|c| c.0 <= last)
                    .map(|c| c.1),
            )
            .fold(0.0, f64::max);
        if step != Step::Claim {
            for p in [self.base, self.variant].into_iter().flatten() {
                if let Some(y) = p.year(last) {
                    hi = hi.max(y.p95());
                }
                for i in 0..FEW {
                    if let Some(path) = self.path(p, i) {
                        hi = path
                            .iter()
                            .filter(|x| x.0 <= last)
                            .map(|x| x.1)
                            .fold(hi, f64::max);
                    }
                }
            }
        }
        hi
    }

    pub fn caption(&self, step: Step) -> Caption {
        text::caption(self, step)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirstN {
    pub n: usize,
    pub hits: usize,
    pub lowest: f64,
    pub highest: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    pub year: i32,
    pub p5: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub p95: f64,
    pub inside90: usize,
    pub inside50: usize,
    pub paths: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyEffect {
    pub off: TargetProbability,
    pub on: TargetProbability,
    /// Futures below the target without the policy and at or above it with it.
    pub gained: usize,
    pub lost: usize,
    /// Futures ending higher in the target year with the policy.
    pub higher: usize,
    pub paths: usize,
}

/// `1,000`.
pub fn count(n: usize) -> String {
    thousands(n as f64, 0)
}

/// `£1,169m`.
pub fn gbp(x: f64) -> String {
    money(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;
    use crate::sim::{RunControl, simulate};

    fn run(s: &Scenario, paths: usize, seed: u64) -> Projection {
        simulate(s, settings(paths, seed), RunControl::default()).unwrap()
    }

    #[test]
    fn steps_walk_and_stop_at_the_ends() {
        assert_eq!(Step::Claim.prev(), Step::Claim);
        assert_eq!(Step::Policy.next(), Step::Policy);
        assert_eq!(Step::from_number(3), Some(Step::TenFutures));
        assert_eq!(Step::from_number(0), None);
        assert_eq!(Step::from_number(8), None);
        for s in Step::ALL {
            assert_eq!(Step::from_number(s.number()), Some(s));
        }
    }

    #[test]
    fn the_claim_is_compound_growth_from_the_last_figure() {
        let s = load("baseline").unwrap();
        let l = Lesson {
            scenario: &s,
            policy: None,
            base: None,
            ladder: [None; 3],
            variant: None,
        };
        let c = l.claim();
        assert_eq!(c[0], (2024, 623.0));
        assert!((c[1].1 - 623.0 * 1.37).abs() < 1e-9);
        assert_eq!(l.claim_year(), Some(2026));
        assert_eq!(l.window(), (2020, 2028));
    }

    #[test]
    fn a_scenario_without_events_gets_an_assumed_one() {
        let s = load("baseline").unwrap();
        let pair = policy_pair(&s).unwrap();
        assert!(pair.assumed && pair.off == s && pair.on.events.len() == 1);
        assert_eq!(pair.other(&s), &pair.on);
        let o = load("osa-enforced").unwrap();
        let pair = policy_pair(&o).unwrap();
        assert!(!pair.assumed && pair.on == o && pair.off.events.len() + 1 == o.events.len());
        assert_eq!(pair.event.id, "osa");
    }

    #[test]
    fn the_policy_only_raises_the_same_futures() {
        let s = load("baseline").unwrap();
        let pair = policy_pair(&s).unwrap();
        let (off, on) = (run(&pair.off, FUTURES, 7), run(&pair.on, FUTURES, 7));
        let l = Lesson {
            scenario: &s,
            policy: Some(&pair),
            base: Some(&off),
            ladder: [None; 3],
            variant: Some(&on),
        };
        let e = l.policy_effect().unwrap();
        // A certain, positive uplift on the same shocks lifts every future.
        assert_eq!(e.higher, FUTURES);
        assert_eq!(e.lost, 0);
        assert_eq!(e.on.hits, e.off.hits + e.gained);
    }

    #[test]
    fn kept_paths_are_the_counted_paths() {
        let s = load("baseline").unwrap();
        let p = run(&s, FUTURES, 11);
        let l = Lesson {
            scenario: &s,
            policy: None,
            base: Some(&p),
            ladder: [None; 3],
            variant: None,
        };
        for i in 0..FUTURES {
            assert_eq!(l.at_target(&p, i), Some(p.target_values[i]));
        }
        let all = l.first_n(&p, FUTURES).unwrap();
        assert_eq!(all.hits, target_probability(&p).hits);
        let b = l.bands().unwrap();
        assert!((880..=920).contains(&b.inside90), "{}", b.inside90);
    }
}
