//! How the view shows and edits a scenario's parameters: stepping, typed values and their
//! units, the panel's text. What a parameter is, its range and how an edit propagates are the
//! scenario's (`scenario::parameters`), shared with `--set`, `sensitivity` and `solve`.

use crate::scenario::Scenario;
pub use crate::scenario::parameters::Param;
use crate::scenario::parameters::{Field, view_params};

/// The scenario's changes: those it was loaded with, then every parameter whose value differs
/// from `original`, as `key = value`.
pub fn edits(original: &Scenario, edited: &Scenario) -> Vec<String> {
    let mut provenance = original.provenance.clone();
    let implied = implied_probabilities(original, edited);
    for p in list(edited) {
        let key = p.key(edited);
        // A distribution put on, moved or stretched is recorded as its table, as `--set`
        // takes it; one taken off, as the number it was fixed at.
        let (before, after) = (original.uncertain.get(&key), edited.uncertain.get(&key));
        match (before, after) {
            (_, Some(u)) if before.map(|b| &b.written) != Some(&u.written) => {
                provenance.record(&key, &u.to_inline());
                continue;
            }
            (Some(_), None) => {
                provenance.record(&key, &format!("{}", (p.get(edited) * 1e9).round() / 1e9));
                continue;
            }
            (_, Some(_)) => continue,
            (None, None) => {}
        }
        let v = p.get(edited);
        // An unset long-run rate follows `initial`; it is edited only when set to a new value.
        let changed = match p.field {
            Field::LongRun => edited.growth.long_run != original.growth.long_run,
            _ => (v - p.get(original)).abs() > 1e-12,
        };
        if changed && !implied.contains(&p) {
            provenance.record(&p.key(edited), &format!("{}", (v * 1e9).round() / 1e9));
        }
    }
    provenance.edits
}

/// The outcome probabilities that the probability rule moved: where setting one outcome of an
/// event to its edited value gives every other outcome's edited value, the others need not be
/// listed, since `--set` of that one reproduces them.
fn implied_probabilities(original: &Scenario, edited: &Scenario) -> Vec<Param> {
    let mut out = Vec::new();
    for (e, (before, after)) in original.events.iter().zip(&edited.events).enumerate() {
        if before.outcomes.len() != after.outcomes.len() {
            continue;
        }
        let changed: Vec<usize> = (0..after.outcomes.len())
            .filter(|&o| {
                (after.outcomes[o].probability - before.outcomes[o].probability).abs() > 1e-12
            })
            .collect();
        let explains = |o: usize| {
            let mut s = original.clone();
            Param::outcome(Field::Probability, e, o).set(&mut s, after.outcomes[o].probability);
            s.events[e]
                .outcomes
                .iter()
                .zip(&after.outcomes)
                .all(|(a, b)| (a.probability - b.probability).abs() <= 1e-12)
        };
        if changed.len() > 1
            && let Some(&o) = changed.iter().find(|&&o| explains(o))
        {
            out.extend(
                changed
                    .iter()
                    .filter(|&&other| other != o)
                    .map(|&other| Param::outcome(Field::Probability, e, other)),
            );
        }
    }
    out
}

/// Every parameter the view edits, in panel order.
pub fn list(s: &Scenario) -> Vec<Param> {
    view_params(s)
}

/// The view's side of a parameter.
pub trait Presented: Sized {
    /// Its name in the panel, indented under the parameter it qualifies.
    fn panel_label(self, s: &Scenario) -> String;
    /// (small step, large step with shift).
    fn steps(self) -> (f64, f64);
    /// Move by one small (or large) step within the allowed range, on the grid of small steps
    /// through 0. Returns whether the value changed.
    fn nudge(self, s: &mut Scenario, direction: i32, large: bool) -> bool {
        self.nudge_about(s, 0.0, direction, large)
    }
    /// Move by one small (or large) step on the grid of small steps through `stock` (the
    /// value as loaded), so that a step and its opposite give back the stock value exactly.
    fn nudge_about(self, s: &mut Scenario, stock: f64, direction: i32, large: bool) -> bool;
    /// The value as shown in the panel.
    fn display(self, s: &Scenario) -> String;
    /// How a typed value reads: in the units the panel shows. Returns (scale, unit).
    fn typed_units(self) -> (f64, &'static str);
    /// Sets the value typed by the user, if it is a number within the allowed range;
    /// otherwise says what is allowed. Returns whether the value changed.
    fn set_typed(self, s: &mut Scenario, text: &str) -> Result<bool, String>;
    /// Sets the central 90 % of the input's draws to the typed ends (making a fixed input
    /// uncertain). Returns whether the scenario changed.
    fn set_typed_range(self, s: &mut Scenario, low: &str, high: &str) -> Result<bool, String>;
    /// The odds of this parameter's event after an edit, "nothing happens" included.
    fn odds_note(self, s: &Scenario) -> Option<String>;
}

impl Presented for Param {
    fn panel_label(self, s: &Scenario) -> String {
        match self.field {
            Field::InitialUncertainty => format!("  {}", self.label(s)),
            _ => self.label(s),
        }
    }

    fn steps(self) -> (f64, f64) {
        self.descriptor().steps.unwrap_or((0.01, 0.05))
    }

    fn nudge_about(self, s: &mut Scenario, stock: f64, direction: i32, large: bool) -> bool {
        let (small, big) = self.steps();
        let step = if large { big } else { small };
        let (lo, hi) = self.allowed(s);
        let old = self.get(s);
        // Snap to the grid of small steps through the stock value, so that repeated steps do
        // not accumulate float noise (0.30000000004) and a step back lands on the stock value
        // itself (28.85 % → 29.85 % → 28.85 %, not 30 % → 29 %).
        let stock = if stock.is_finite() { stock } else { 0.0 };
        let raw = old + f64::from(direction) * step;
        let k = ((raw - stock) / small).round();
        let new = if k == 0.0 {
            stock
        } else {
            ((stock + k * small) * 1e9).round() / 1e9
        };
        let new = new.clamp(lo, hi.max(lo));
        // A value outside the keys' range (a 500 % pace from a file, where they stop at 200 %)
        // never moves against the key pressed; typing still sets any allowed value.
        if (new - old).abs() < 1e-12 || (new - old) * f64::from(direction) < 0.0 {
            return false;
        }
        // An uncertain input keeps its spread and moves its centre; if the move would put too
        // much of it outside its range, it stays where it is.
        if self.distribution(s).is_some() {
            return self.set_centre(s, new).is_ok();
        }
        self.set(s, new);
        true
    }

    fn display(self, s: &Scenario) -> String {
        let v = self.get(s);
        // A distribution on the starting pace: its row shows the median, the spread's row the
        // family and the central 90 % of draws.
        // Either spelling of the pace's spread reads as the central 90 % of its draws ("±" is
        // the Monte Carlo margin's alone); the spread itself is what ← → change.
        if self.field == Field::InitialUncertainty
            && let Some(u) = s.pace_spread()
        {
            return format!(
                "{:.0}–{:.0}% (90%)",
                u.quantile(0.05) * 100.0,
                u.quantile(0.95) * 100.0
            );
        }
        // A value set (as written in the file, or stepped to) is shown with the decimals it
        // has, up to three more than the usual: 28.85 % is not "28.8 %".
        let exact = |v: f64| match self.field {
            Field::InitialUncertainty => format!("sd {}pt", written(v * 100.0, 1)),
            Field::Reversion | Field::Persistence => written(v, 2),
            Field::Probability => format!("{}%", written(v * 100.0, 0)),
            Field::GrowthUplift => {
                let sign = if v < 0.0 { "-" } else { "+" };
                format!("{sign}{}pt", written(v.abs() * 100.0, 1))
            }
            _ => format!("{}%", written(v * 100.0, 1)),
        };
        // Quantiles of a distribution are computed, not written: the usual decimals.
        let shown = |v: f64| match self.field {
            Field::InitialUncertainty => format!("sd {:.1}pt", v * 100.0),
            Field::Reversion | Field::Persistence => format!("{v:.2}"),
            Field::Probability => format!("{:.0}%", v * 100.0),
            Field::GrowthUplift => format!("{:+.1}pt", v * 100.0),
            _ => format!("{:.1}%", v * 100.0),
        };
        // Any other uncertain input: its centre (the median), then the central 90 % of draws.
        if let Some(u) = s.uncertain.get(&self.key(s)) {
            // "13.0% (8.0–18.0%)": the unit once, at the range's end, to leave room for the name.
            let (low, high) = (shown(u.quantile(0.05)), shown(u.quantile(0.95)));
            let unit: String = high
                .chars()
                .rev()
                .take_while(|c| !c.is_ascii_digit())
                .collect();
            let unit: String = unit.chars().rev().collect();
            let low = low.strip_suffix(unit.as_str()).unwrap_or(&low);
            return format!("{} ({low}–{high})", shown(v));
        }
        exact(v)
    }

    fn typed_units(self) -> (f64, &'static str) {
        match self.field {
            Field::Reversion | Field::Persistence => (1.0, ""),
            Field::InitialUncertainty | Field::GrowthUplift => (100.0, " pt"),
            _ => (100.0, "%"),
        }
    }

    fn set_typed(self, s: &mut Scenario, text: &str) -> Result<bool, String> {
        if let Some((low, high)) = split_range(text) {
            return self.set_typed_range(s, low, high);
        }
        let (scale, unit) = self.typed_units();
        let v = typed_number(text)? / scale;
        let (lo, hi) = self.allowed(s);
        if !(lo - 1e-12..=hi + 1e-12).contains(&v) {
            return Err(format!(
                "{} must be between {}{unit} and {}{unit}",
                self.panel_label(s).trim(),
                lo * scale,
                hi * scale
            ));
        }
        let v = v.clamp(lo, hi);
        if (v - self.get(s)).abs() < 1e-15 {
            return Ok(false);
        }
        if self.distribution(s).is_some() {
            self.set_centre(s, v)?;
        } else {
            self.set(s, v);
        }
        Ok(true)
    }

    fn set_typed_range(self, s: &mut Scenario, low: &str, high: &str) -> Result<bool, String> {
        let label = self.panel_label(s).trim().to_string();
        if matches!(
            self.field,
            crate::scenario::parameters::Field::InitialUncertainty
        ) {
            return Err(format!(
                "{label} is a spread itself: type a range on the row above it"
            ));
        }
        let (scale, _) = self.typed_units();
        let (low, high) = (typed_number(low)? / scale, typed_number(high)? / scale);
        let (lo, hi) = self.allowed(s);
        let unit = self.typed_units().1;
        if !(lo - 1e-12 <= low && high <= hi + 1e-12) {
            return Err(format!(
                "{label}: a 90% range must lie between {}{unit} and {}{unit}",
                lo * scale,
                hi * scale
            ));
        }
        if low.partial_cmp(&high) != Some(std::cmp::Ordering::Less) {
            return Err(format!("{label}: a 90% range is low to high, e.g. 8–18"));
        }
        let before = s.clone();
        self.set_central_90(s, low, high)?;
        Ok(*s != before)
    }

    fn odds_note(self, s: &Scenario) -> Option<String> {
        if self.field != Field::Probability {
            return None;
        }
        let (event, outcome) = self.outcome?;
        let ev = s.events.get(event)?;
        let odds: Vec<String> = ev
            .outcomes
            .iter()
            .map(|o| format!("{} {:.0}%", o.id, o.probability * 100.0))
            .collect();
        let rest = ev.remainder_probability();
        let others_at_zero = ev
            .outcomes
            .iter()
            .enumerate()
            .all(|(i, o)| i == outcome || o.probability <= 1e-12);
        // When no other outcome can take up a fall, say where the share went.
        let why = if rest > 1e-9 && others_at_zero {
            if ev.outcomes.len() > 1 {
                " (the other outcomes are at 0%)"
            } else {
                " (no other outcome to take it)"
            }
        } else {
            ""
        };
        Some(format!(
            "{}: {}; nothing happens {:.0}%{why}",
            ev.id,
            odds.join(", "),
            rest * 100.0
        ))
    }
}

/// `v` with at least `min` decimals and as many more (up to three) as it needs to be shown as
/// it is: `written(28.85, 1)` is "28.85", `written(30.0, 1)` "30.0", `written(33.3333, 0)`
/// "33.333". Float noise (34.9999999) reads as the number meant ("35").
pub fn written(v: f64, min: usize) -> String {
    let max = min + 3;
    let decimals = (min..max)
        .find(|&d| {
            let scale = 10f64.powi(d as i32);
            ((v * scale).round() / scale - v).abs() < 1e-6 * v.abs().max(1.0)
        })
        .unwrap_or(max);
    format!("{v:.decimals$}")
}

/// `edited` with every value that is back at its stock value (within float noise: a
/// probability given back by the other outcomes' rule, 1e-9 from where it was) set to the
/// stock value exactly, so that an input returned to where it was loaded is no longer edited.
pub fn snap_to_stock(original: &Scenario, edited: &mut Scenario) {
    const NOISE: f64 = 1e-8;
    let near = |a: f64, b: f64| (a - b).abs() <= NOISE;
    let snap = |v: &mut f64, stock: f64| {
        if near(*v, stock) {
            *v = stock;
        }
    };
    let (o, g) = (&original.growth, &mut edited.growth);
    snap(&mut g.initial, o.initial);
    snap(&mut g.initial_uncertainty, o.initial_uncertainty);
    snap(&mut g.reversion, o.reversion);
    snap(&mut g.volatility, o.volatility);
    snap(&mut g.persistence, o.persistence);
    match (o.long_run, g.long_run) {
        (Some(stock), Some(ref mut v)) => snap(v, stock),
        // An unset long-run rate follows `initial`: set back to it, it follows again.
        (None, Some(v)) if g.initial == o.initial && near(v, o.initial) => g.long_run = None,
        _ => {}
    }
    if let (Some(stock), Some(v)) = (o.capacity, g.capacity.as_mut()) {
        snap(v, stock);
    }
    snap(
        &mut edited.market.start_revenue,
        original.market.start_revenue,
    );
    snap(&mut edited.target.revenue, original.target.revenue);
    for (before, after) in original.events.iter().zip(edited.events.iter_mut()) {
        for (b, a) in before.outcomes.iter().zip(after.outcomes.iter_mut()) {
            if a.id != b.id {
                continue;
            }
            snap(&mut a.probability, b.probability);
            snap(&mut a.growth_uplift, b.growth_uplift);
            snap(&mut a.level_shock, b.level_shock);
            snap(&mut a.volatility_multiplier, b.volatility_multiplier);
        }
    }
    // A distribution moved back to its stock centre with its spread kept: the stock one.
    for (key, stock) in &original.uncertain {
        if let Some(u) = edited.uncertain.get_mut(key)
            && u != stock
            && u.family() == stock.family()
            && u.range == stock.range
            && [0.05, 0.5, 0.95]
                .iter()
                .all(|&q| near(u.quantile(q), stock.quantile(q)))
        {
            *u = stock.clone();
        }
    }
}

/// A typed 90 % range, "8–18", "8..18", "8 to 18" or "8-18" (a minus sign that starts a
/// number is not a separator: "-5--2"), as its two ends; None for a single value.
/// A typed number without its unit ("12%", "3pt"). A decimal comma is refused with the point
/// spelling, never read as a thousands separator ("1,5" is not 15).
fn typed_number(text: &str) -> Result<f64, String> {
    let cleaned = text
        .trim()
        .trim_end_matches(['%', ' '])
        .trim_end_matches("pt")
        .trim();
    if cleaned.contains(',') {
        return Err(format!(
            "“{}”: write decimals with a point, e.g. {}",
            text.trim(),
            cleaned.replace(',', ".")
        ));
    }
    cleaned
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("“{}” is not a number", text.trim()))
}

pub fn split_range(text: &str) -> Option<(&str, &str)> {
    let t = text.trim();
    for sep in ["..", "–", " to "] {
        if let Some((a, b)) = t.split_once(sep) {
            return Some((a, b));
        }
    }
    let bytes = t.as_bytes();
    (1..bytes.len())
        .find(|&i| {
            bytes[i] == b'-' && (bytes[i - 1].is_ascii_digit() || b"%. ".contains(&bytes[i - 1]))
        })
        .map(|i| (&t[..i], &t[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load, validate};

    #[test]
    fn every_nudge_keeps_the_scenario_valid() {
        for (id, _) in crate::scenario::BUILTIN {
            let mut s = load(id).unwrap();
            for p in list(&s) {
                for (dir, large) in [(1, true), (-1, true), (1, false), (-1, false)] {
                    for _ in 0..200 {
                        p.nudge(&mut s, dir, large);
                        assert!(validate(&s).is_ok(), "{p:?} {dir} → {:?}", validate(&s));
                    }
                }
            }
        }
    }

    #[test]
    fn typed_values_are_read_in_the_units_shown_and_checked() {
        let mut s = load("tests/fixtures/osa-fixed.toml").unwrap();
        assert_eq!(Param::of(Field::Initial).set_typed(&mut s, "42"), Ok(true));
        assert_eq!(Param::of(Field::Initial).get(&s), 0.42);
        assert_eq!(
            Param::of(Field::Initial).set_typed(&mut s, "42.5%"),
            Ok(true)
        );
        assert_eq!(Param::of(Field::Initial).get(&s), 0.425);
        assert_eq!(
            Param::of(Field::Reversion).set_typed(&mut s, "0.5"),
            Ok(true)
        );
        assert_eq!(Param::of(Field::Reversion).get(&s), 0.5);
        assert!(
            Param::of(Field::Initial)
                .set_typed(&mut s, "abc")
                .unwrap_err()
                .contains("not a number")
        );
        let err = Param::of(Field::Volatility)
            .set_typed(&mut s, "250")
            .unwrap_err();
        assert!(err.contains("between 0% and 100%"), "{err}");
        assert!(Param::of(Field::Initial).set_typed(&mut s, "NaN").is_err());
        assert_eq!(
            Param::of(Field::Initial).set_typed(&mut s, "42.5"),
            Ok(false)
        );
        assert!(validate(&s).is_ok());
    }

    #[test]
    fn edits_list_what_the_user_changed() {
        let original = load("baseline").unwrap();
        let mut s = original.clone();
        assert!(Param::of(Field::Initial).nudge(&mut s, 1, false));
        // baseline sets no long_run, so it follows `initial` without being an edit.
        assert_eq!(edits(&original, &s), ["growth.initial = 0.38"]);
        assert!(Param::of(Field::Initial).nudge(&mut s, -1, false));
        assert!(edits(&original, &s).is_empty(), "back to the original");
        let original = load("tests/fixtures/osa-fixed.toml").unwrap();
        let mut s = original.clone();
        let p = Param::outcome(Field::GrowthUplift, 0, 1);
        assert!(p.nudge(&mut s, 1, false));
        assert_eq!(
            edits(&original, &s),
            ["events.osa.routine.growth_uplift = 0.04"]
        );
        // A probability edit lists the outcome edited, not those that gave way: `--set` of it
        // alone gives the same event.
        let mut s = original.clone();
        let firm = Param::outcome(Field::Probability, 0, 0);
        assert!(firm.nudge(&mut s, 1, false));
        let listed = edits(&original, &s);
        assert_eq!(listed, ["events.osa.firm.probability = 0.55"]);
        let (key, value) = listed[0].split_once(" = ").unwrap();
        let replay = crate::scenario::load_with_overrides(
            "tests/fixtures/osa-fixed.toml",
            &[format!("{key}={value}").parse().unwrap()],
        )
        .unwrap();
        assert_eq!(replay.events, s.events);
        // Two outcomes edited one after the other cannot be told by one: both are listed.
        let routine = Param::outcome(Field::Probability, 0, 1);
        assert!(routine.nudge(&mut s, 1, true));
        assert!(
            edits(&original, &s).len() >= 2,
            "{:?}",
            edits(&original, &s)
        );
    }

    #[test]
    fn steps_snap_to_grid_and_respect_probability_sum() {
        let mut s = load("tests/fixtures/osa-fixed.toml").unwrap();
        let p = Param::of(Field::Persistence);
        assert!(p.nudge(&mut s, 1, false));
        assert_eq!(p.get(&s), 0.35);
        assert_eq!(p.display(&s), "0.35");
        let on = Param::outcome(Field::Probability, 0, 0);
        // firm 0.5 → 0.7: routine (0.4) and slow (0.1) give way in proportion, to 0.24 and 0.06.
        on.nudge(&mut s, 1, true);
        assert!((on.get(&s) - 0.7).abs() < 1e-9);
        let p = |s: &Scenario, i: usize| s.events[0].outcomes[i].probability;
        assert!((p(&s, 1) - 0.24).abs() < 1e-8 && (p(&s, 2) - 0.06).abs() < 1e-8);
        assert!(crate::scenario::validate(&s).is_ok());
        assert_eq!(
            on.odds_note(&s).unwrap(),
            "osa: firm 70%, routine 24%, slow 6%, weakened 0%; nothing happens 0%"
        );
        for _ in 0..10 {
            on.nudge(&mut s, 1, true);
        }
        assert!((on.get(&s) - 1.0).abs() < 1e-9 && p(&s, 1) == 0.0);
        assert!(!on.nudge(&mut s, 1, false));
        // With every other outcome at 0, lowering it leaves the rest to "nothing happens", and
        // says so.
        on.nudge(&mut s, -1, true);
        assert!(
            on.odds_note(&s)
                .unwrap()
                .ends_with("nothing happens 20% (the other outcomes are at 0%)")
        );
        // Six growth parameters, then probability and uplift of each of the four outcomes.
        assert_eq!(list(&s).len(), 14);
    }

    #[test]
    fn lowering_an_outcome_gives_its_share_to_the_others_in_proportion() {
        let mut s = load("tests/fixtures/osa-fixed.toml").unwrap();
        let before: Vec<f64> = s.events[0].outcomes.iter().map(|o| o.probability).collect();
        let total: f64 = before.iter().sum();
        let routine = Param::outcome(Field::Probability, 0, 1);
        assert!(routine.nudge(&mut s, -1, false));
        let after: Vec<f64> = s.events[0].outcomes.iter().map(|o| o.probability).collect();
        let freed = before[1] - after[1];
        assert!((freed - 0.05).abs() < 1e-9);
        // Each other outcome gains freed × its share of the others' total.
        let others = total - before[1];
        for i in [0, 2, 3] {
            let expected = before[i] + freed * before[i] / others;
            assert!((after[i] - expected).abs() < 1e-8, "{i}: {after:?}");
        }
        let sum: f64 = after.iter().sum();
        assert!((sum - total).abs() < 1e-8, "total kept: {sum}");
        assert!(s.events[0].remainder_probability() < 1e-8);
        let note = routine.odds_note(&s).unwrap();
        assert!(note.ends_with("nothing happens 0%"), "{note}");
        assert!(crate::scenario::validate(&s).is_ok());
    }

    #[test]
    fn an_event_short_of_certain_keeps_its_total_both_ways() {
        // central's second event sums to 55%: "nothing happens" keeps its 45% as the
        // outcomes move against each other.
        let mut s = load("central").unwrap();
        let rest = s.events[1].remainder_probability();
        assert!(rest > 0.3);
        let p = Param::outcome(Field::Probability, 1, 0);
        for (direction, large) in [(1, false), (-1, true), (1, true)] {
            assert!(p.nudge(&mut s, direction, large));
            assert!((s.events[1].remainder_probability() - rest).abs() < 1e-8);
            assert!(crate::scenario::validate(&s).is_ok());
        }
        // A single-outcome event has no other outcome: its fall goes to "nothing happens".
        let mut s = load("central").unwrap();
        assert_eq!(s.events[2].outcomes.len(), 1);
        let enacted = Param::outcome(Field::Probability, 2, 0);
        let old = enacted.get(&s);
        assert!(enacted.nudge(&mut s, -1, false));
        let rest = s.events[2].remainder_probability();
        assert!((rest - (1.0 - old + 0.05)).abs() < 1e-9);
        assert!(
            enacted
                .odds_note(&s)
                .unwrap()
                .ends_with("(no other outcome to take it)")
        );
    }

    #[test]
    fn a_decimal_comma_is_refused_not_read_as_a_larger_number() {
        let mut s = crate::scenario::load("baseline").unwrap();
        let p = Param::of(Field::Initial);
        let before = p.get(&s);
        let e = p.set_typed(&mut s, "1,5").unwrap_err();
        assert!(e.contains("write decimals with a point, e.g. 1.5"), "{e}");
        assert_eq!(p.get(&s), before);
        assert!(p.set_typed(&mut s, "1.5").unwrap());
        assert!((p.get(&s) - 0.015).abs() < 1e-12);
        // Either end of a 90 % range likewise.
        let before = s.clone();
        let e = p.set_typed(&mut s, "1,5–30").unwrap_err();
        assert!(e.contains("write decimals with a point, e.g. 1.5"), "{e}");
        let e = p.set_typed(&mut s, "10 - 30,5").unwrap_err();
        assert!(e.contains("e.g. 30.5"), "{e}");
        assert_eq!(s, before);
    }

    #[test]
    fn values_are_shown_as_written_and_steps_come_back_to_stock() {
        assert_eq!(written(28.85, 1), "28.85");
        assert_eq!(written(30.0, 1), "30.0");
        assert_eq!(written(34.999_999_9, 0), "35");
        assert_eq!(written(100.0 / 3.0, 0), "33.333");
        let mut s = load("central").unwrap();
        let stock = s.clone();
        let p = Param::of(Field::Initial);
        assert_eq!(p.display(&s), "28.85%");
        for large in [false, true] {
            for direction in [1, -1] {
                assert!(p.nudge_about(&mut s, 0.2885, direction, large));
                assert!(p.nudge_about(&mut s, 0.2885, -direction, large));
                assert_eq!(s, stock, "{direction} {large}");
            }
        }
        // A probability moved and back: the others given back by the rule, snapped to stock.
        let firm = Param::outcome(Field::Probability, 0, 0);
        let at = firm.get(&stock);
        assert!(firm.nudge_about(&mut s, at, 1, true));
        assert!(firm.nudge_about(&mut s, at, -1, true));
        snap_to_stock(&stock, &mut s);
        assert_eq!(s.events, stock.events);
    }

    #[test]
    fn an_arrow_never_moves_a_value_against_its_direction() {
        // A 500 % pace (valid in a file; the keys stop at 200 %): → must not lower it to 200 %.
        let mut s = crate::scenario::load("baseline").unwrap();
        let p = Param::of(Field::Initial);
        s.growth.initial = 5.0;
        assert!(!p.nudge(&mut s, 1, false));
        assert_eq!(s.growth.initial, 5.0);
        // ← moves it down into the keys' range, the direction pressed.
        assert!(p.nudge(&mut s, -1, false));
        assert_eq!(s.growth.initial, 2.0);
    }
}
