//! The editable parameters of a scenario: how each is read, written, stepped, bounded and shown.

use crate::scenario::Scenario;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Initial,
    Uncertainty,
    LongRun,
    Reversion,
    Volatility,
    Persistence,
    Probability { event: usize, outcome: usize },
    Uplift { event: usize, outcome: usize },
}

/// The scenario's changes: those it was loaded with, then every parameter whose value differs
/// from `original`, as `key = value`.
pub fn edits(original: &Scenario, edited: &Scenario) -> Vec<String> {
    let mut provenance = original.provenance.clone();
    for p in list(edited) {
        let v = p.get(edited);
        // An unset long-run rate follows `initial`; it is edited only when set to a new value.
        let changed = match p {
            Param::LongRun => edited.growth.long_run != original.growth.long_run,
            _ => (v - p.get(original)).abs() > 1e-12,
        };
        if changed {
            provenance.record(&p.key(edited), &format!("{}", (v * 1e9).round() / 1e9));
        }
    }
    provenance.edits
}

/// Every editable parameter of `s`, in panel order.
pub fn list(s: &Scenario) -> Vec<Param> {
    let mut out = vec![
        Param::Initial,
        Param::Uncertainty,
        Param::LongRun,
        Param::Reversion,
        Param::Volatility,
        Param::Persistence,
    ];
    for (event, ev) in s.events.iter().enumerate() {
        for outcome in 0..ev.outcomes.len() {
            out.push(Param::Probability { event, outcome });
            out.push(Param::Uplift { event, outcome });
        }
    }
    out
}

impl Param {
    pub fn label(self, s: &Scenario) -> String {
        match self {
            Param::Initial => "Growth now".into(),
            Param::Uncertainty => "  uncertainty".into(),
            Param::LongRun => "Long-run growth".into(),
            Param::Reversion => "Reversion".into(),
            Param::Volatility => "Volatility".into(),
            Param::Persistence => "Persistence".into(),
            Param::Probability { event, outcome } => match outcome_id(s, event, outcome) {
                Some(id) => format!("{id} P"),
                None => "?".into(),
            },
            Param::Uplift { event, outcome } => match outcome_id(s, event, outcome) {
                Some(id) => format!("{id} uplift"),
                None => "?".into(),
            },
        }
    }

    pub fn get(self, s: &Scenario) -> f64 {
        let g = &s.growth;
        match self {
            Param::Initial => g.initial,
            Param::Uncertainty => g.initial_uncertainty,
            Param::LongRun => g.long_run_rate(),
            Param::Reversion => g.reversion,
            Param::Volatility => g.volatility,
            Param::Persistence => g.persistence,
            Param::Probability { event, outcome } => {
                outcome_ref(s, event, outcome).map_or(0.0, |o| o.probability)
            }
            Param::Uplift { event, outcome } => {
                outcome_ref(s, event, outcome).map_or(0.0, |o| o.growth_uplift)
            }
        }
    }

    fn set(self, s: &mut Scenario, v: f64) {
        let g = &mut s.growth;
        match self {
            Param::Initial => g.initial = v,
            Param::Uncertainty => g.initial_uncertainty = v,
            Param::LongRun => g.long_run = Some(v),
            Param::Reversion => g.reversion = v,
            Param::Volatility => g.volatility = v,
            Param::Persistence => g.persistence = v,
            Param::Probability { event, outcome } => {
                let Some(ev) = s.events.get_mut(event) else {
                    return;
                };
                if outcome >= ev.outcomes.len() {
                    return;
                }
                // The event's total stays as it was: the other outcomes give way to a rise, and
                // take up what a fall frees, in proportion to their shares. Only when they are
                // all at 0 does the change move "nothing happens" (and the status line says so).
                let total: f64 = ev.outcomes.iter().map(|o| o.probability).sum();
                let others = total - ev.outcomes[outcome].probability;
                ev.outcomes[outcome].probability = v;
                if others > 1e-12 {
                    let scale = ((total - v) / others).max(0.0);
                    for (i, o) in ev.outcomes.iter_mut().enumerate() {
                        if i != outcome {
                            // Rounded down so the event never sums past 1 by float noise.
                            o.probability = (o.probability * scale * 1e9).floor() / 1e9;
                        }
                    }
                }
            }
            Param::Uplift { event, outcome } => {
                if let Some(o) = s
                    .events
                    .get_mut(event)
                    .and_then(|e| e.outcomes.get_mut(outcome))
                {
                    o.growth_uplift = v;
                }
            }
        }
    }

    /// The dotted key `--set` takes for this parameter: `growth.initial`,
    /// `events.osa.firm.probability`.
    pub fn key(self, s: &Scenario) -> String {
        let outcome = |event: usize, outcome: usize, field: &str| {
            let ev = s.events.get(event).map_or("?", |e| e.id.as_str());
            let id = outcome_id(s, event, outcome).unwrap_or("?");
            format!("events.{ev}.{id}.{field}")
        };
        match self {
            Param::Initial => "growth.initial".into(),
            Param::Uncertainty => "growth.initial_uncertainty".into(),
            Param::LongRun => "growth.long_run".into(),
            Param::Reversion => "growth.reversion".into(),
            Param::Volatility => "growth.volatility".into(),
            Param::Persistence => "growth.persistence".into(),
            Param::Probability { event, outcome: o } => outcome(event, o, "probability"),
            Param::Uplift { event, outcome: o } => outcome(event, o, "growth_uplift"),
        }
    }

    /// (small step, large step with shift).
    pub fn steps(self) -> (f64, f64) {
        match self {
            Param::Initial | Param::LongRun | Param::Volatility | Param::Uplift { .. } => {
                (0.01, 0.05)
            }
            Param::Uncertainty => (0.005, 0.025),
            Param::Reversion | Param::Persistence | Param::Probability { .. } => (0.05, 0.2),
        }
    }

    /// Allowed range; kept inside what validation accepts, and narrower where wider values
    /// would only make the chart unreadable.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Param::Initial | Param::LongRun => (-0.5, 2.0),
            Param::Uncertainty => (0.0, 0.5),
            Param::Reversion => (0.0, 3.0),
            Param::Volatility => (0.0, 1.0),
            Param::Persistence => (-0.95, 0.95),
            // Any probability: raising one takes from the others (see `set`).
            Param::Probability { .. } => (0.0, 1.0),
            Param::Uplift { .. } => (-0.5, 1.0),
        }
    }

    /// Move by `steps` small (or large) steps within bounds. Returns whether the value changed.
    pub fn nudge(self, s: &mut Scenario, direction: i32, large: bool) -> bool {
        let (small, big) = self.steps();
        let step = if large { big } else { small };
        let (lo, hi) = self.bounds();
        let old = self.get(s);
        // Snap to the step grid so repeated steps do not accumulate float noise (0.30000000004).
        let raw = old + f64::from(direction) * step;
        let snapped = (raw / small).round() * small;
        let new = (snapped * 1e9).round() / 1e9;
        let new = new.clamp(lo, hi.max(lo));
        if (new - old).abs() < 1e-12 {
            return false;
        }
        self.set(s, new);
        true
    }

    /// The value as shown in the panel.
    pub fn display(self, s: &Scenario) -> String {
        let v = self.get(s);
        match self {
            Param::Initial | Param::LongRun | Param::Volatility => format!("{:.1}%", v * 100.0),
            Param::Uncertainty => format!("±{:.1}pt", v * 100.0),
            Param::Reversion | Param::Persistence => format!("{v:.2}"),
            Param::Probability { .. } => format!("{:.0}%", v * 100.0),
            Param::Uplift { .. } => format!("{:+.1}pt", v * 100.0),
        }
    }

    /// How a typed value reads: in the units the panel shows (percent for rates, probabilities
    /// and uplifts; plain numbers for reversion and persistence). Returns (scale, unit).
    pub fn typed_units(self) -> (f64, &'static str) {
        match self {
            Param::Reversion | Param::Persistence => (1.0, ""),
            Param::Uncertainty | Param::Uplift { .. } => (100.0, " pt"),
            _ => (100.0, "%"),
        }
    }

    /// Sets the value typed by the user (in [`Param::typed_units`]), if it is a number within
    /// [`Param::bounds`]; otherwise says what is allowed. Returns whether the value changed.
    pub fn set_typed(self, s: &mut Scenario, text: &str) -> Result<bool, String> {
        let (scale, unit) = self.typed_units();
        let cleaned = text
            .trim()
            .trim_end_matches(['%', ' '])
            .trim_end_matches("pt")
            .trim();
        let typed: f64 = cleaned
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("“{}” is not a number", text.trim()))?;
        let v = typed / scale;
        let (lo, hi) = self.bounds();
        if !(lo - 1e-12..=hi + 1e-12).contains(&v) {
            return Err(format!(
                "{} must be between {}{unit} and {}{unit}",
                self.label(s).trim(),
                lo * scale,
                hi * scale
            ));
        }
        let v = v.clamp(lo, hi);
        if (v - self.get(s)).abs() < 1e-15 {
            return Ok(false);
        }
        self.set(s, v);
        Ok(true)
    }

    /// The odds of this parameter's event after an edit, "nothing happens" included:
    /// `osa: firm 60%, routine 32%, slow 8%, weakened 0%; nothing happens 0%`.
    pub fn odds_note(self, s: &Scenario) -> Option<String> {
        let Param::Probability { event, outcome } = self else {
            return None;
        };
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

    /// Event this parameter belongs to, for the panel's group headings.
    pub fn event(self) -> Option<usize> {
        match self {
            Param::Probability { event, .. } | Param::Uplift { event, .. } => Some(event),
            _ => None,
        }
    }
}

fn outcome_ref(s: &Scenario, event: usize, outcome: usize) -> Option<&crate::scenario::Outcome> {
    s.events.get(event).and_then(|e| e.outcomes.get(outcome))
}

fn outcome_id(s: &Scenario, event: usize, outcome: usize) -> Option<&str> {
    outcome_ref(s, event, outcome).map(|o| o.id.as_str())
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
        let mut s = load("osa-enforced").unwrap();
        assert_eq!(Param::Initial.set_typed(&mut s, "42"), Ok(true));
        assert_eq!(Param::Initial.get(&s), 0.42);
        assert_eq!(Param::Initial.set_typed(&mut s, "42.5%"), Ok(true));
        assert_eq!(Param::Initial.get(&s), 0.425);
        assert_eq!(Param::Reversion.set_typed(&mut s, "0.5"), Ok(true));
        assert_eq!(Param::Reversion.get(&s), 0.5);
        assert!(
            Param::Initial
                .set_typed(&mut s, "abc")
                .unwrap_err()
                .contains("not a number")
        );
        let err = Param::Volatility.set_typed(&mut s, "250").unwrap_err();
        assert!(err.contains("between 0% and 100%"), "{err}");
        assert!(Param::Initial.set_typed(&mut s, "NaN").is_err());
        assert_eq!(Param::Initial.set_typed(&mut s, "42.5"), Ok(false));
        assert!(validate(&s).is_ok());
    }

    #[test]
    fn edits_list_what_the_user_changed() {
        let original = load("baseline").unwrap();
        let mut s = original.clone();
        assert!(Param::Initial.nudge(&mut s, 1, false));
        // baseline sets no long_run, so it follows `initial` without being an edit.
        assert_eq!(edits(&original, &s), ["growth.initial = 0.38"]);
        assert!(Param::Initial.nudge(&mut s, -1, false));
        assert!(edits(&original, &s).is_empty(), "back to the original");
        let original = load("osa-enforced").unwrap();
        let mut s = original.clone();
        let p = Param::Uplift {
            event: 0,
            outcome: 1,
        };
        assert!(p.nudge(&mut s, 1, false));
        assert_eq!(
            edits(&original, &s),
            ["events.osa.routine.growth_uplift = 0.04"]
        );
    }

    #[test]
    fn steps_snap_to_grid_and_respect_probability_sum() {
        let mut s = load("osa-enforced").unwrap();
        let p = Param::Persistence;
        assert!(p.nudge(&mut s, 1, false));
        assert_eq!(p.get(&s), 0.35);
        assert_eq!(p.display(&s), "0.35");
        let on = Param::Probability {
            event: 0,
            outcome: 0,
        };
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
        let mut s = load("osa-enforced").unwrap();
        let before: Vec<f64> = s.events[0].outcomes.iter().map(|o| o.probability).collect();
        let total: f64 = before.iter().sum();
        let routine = Param::Probability {
            event: 0,
            outcome: 1,
        };
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
        // transatlantic's second event sums to 65%: "nothing happens" keeps its 35% as the
        // outcomes move against each other.
        let mut s = load("transatlantic").unwrap();
        let rest = s.events[1].remainder_probability();
        assert!(rest > 0.3);
        let p = Param::Probability {
            event: 1,
            outcome: 0,
        };
        for (direction, large) in [(1, false), (-1, true), (1, true)] {
            assert!(p.nudge(&mut s, direction, large));
            assert!((s.events[1].remainder_probability() - rest).abs() < 1e-8);
            assert!(crate::scenario::validate(&s).is_ok());
        }
        // A single-outcome event has no other outcome: its fall goes to "nothing happens".
        let mut s = load("kosa").unwrap();
        let enacted = Param::Probability {
            event: 0,
            outcome: 0,
        };
        let old = enacted.get(&s);
        assert!(enacted.nudge(&mut s, -1, false));
        let rest = s.events[0].remainder_probability();
        assert!((rest - (1.0 - old + 0.05)).abs() < 1e-9);
        assert!(
            enacted
                .odds_note(&s)
                .unwrap()
                .ends_with("(no other outcome to take it)")
        );
    }
}
