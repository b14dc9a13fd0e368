//! Variance shares over every source of randomness: the pick-freeze runs behind
//! [`crate::stats::sobol`]. Each component (an uncertain input or a correlated group of them,
//! an event, the shocks) is drawn once more from a second seed with everything else held, so
//! k components cost k + 1 runs besides the base run, each stopped at the target year (fewer
//! where a component cannot act by then: see `reaching_components`).

use super::for_target;
use crate::scenario::parameters::{Field, Param, resolve};
use crate::scenario::uncertain::outcome_key;
use crate::scenario::{Event, Outcome, Scenario};
use crate::sim::inputs::{InputSampler, Resample, component_of_input};
use crate::sim::{Projection, RunControl, RunSettings, SimError, rng, simulate_resampled};
use crate::stats::sobol::{Component, ComponentSums, VarianceShare, outputs, shares};

/// The seed of the "B" runs: the run's own seed, moved by a fixed odd constant.
fn second_seed(seed: u64) -> u64 {
    seed ^ 0x9e37_79b9_7f4a_7c15
}

/// Bytes a path the shares hold beyond their runs' projections: the two outputs (ln revenue
/// and the hit) of runs A and B; each other run is reduced to block sums as it finishes.
pub fn outputs_bytes_per_path() -> u64 {
    2 * 16
}

/// The components of a scenario, each with the stream id that resamples it.
pub fn components(s: &Scenario) -> Vec<(Component, u64)> {
    reaching_components(s)
        .into_iter()
        .map(|(c, id, _)| (c, id))
        .collect()
}

/// [`components`], each with whether resampling it can move revenue by the target year.
/// An event's draws (its outcome and start year), and its outcomes' probabilities, act only
/// from the first year one of its outcomes that can be drawn starts; an outcome's value only
/// from the first year that outcome starts, if it can be drawn. Everything else acts from the
/// first year. A component that does not act needs no run: resampled, every path is as in
/// run A.
fn reaching_components(s: &Scenario) -> Vec<(Component, u64, bool)> {
    let year = s.target.year;
    // An outcome acts by then if it can be drawn (a probability above 0, or drawn per path)
    // and starts by then.
    let starts_by = |e: &Event, o: &Outcome| {
        let drawn = o.probability > 0.0
            || s.uncertain
                .contains_key(&outcome_key(&e.id, &o.id, "probability"));
        drawn && e.start_years(o).0 <= year
    };
    let event_acts = |e: &Event| e.outcomes.iter().any(|o| starts_by(e, o));
    let key_acts = |key: &str| match resolve(s, key).ok().map(|i| i.param) {
        Some(Param {
            field,
            outcome: Some((e, o)),
        }) => {
            let event = &s.events[e];
            if field == Field::Probability {
                event_acts(event)
            } else {
                starts_by(event, &event.outcomes[o])
            }
        }
        _ => true,
    };
    let sampler = InputSampler::new(s, 0, None);
    let copula = sampler.copula().clone();
    let mut out: Vec<(Component, u64, bool)> = Vec::new();
    for key in sampler.keys() {
        let id = component_of_input(&copula, &key);
        let acts = key_acts(&key);
        match out.iter_mut().find(|(_, c, _)| *c == id) {
            Some((c, _, reaches)) => {
                c.key = format!("{} + {key}", c.key);
                *reaches |= acts;
            }
            None => out.push((
                Component {
                    key,
                    draw: "input drawn per path".into(),
                },
                id,
                acts,
            )),
        }
    }
    for (c, _, _) in &mut out {
        if c.key.contains(" + ") {
            c.draw = "correlated inputs, drawn together".into();
        }
    }
    for ev in &s.events {
        out.push((
            Component {
                key: format!("events.{}", ev.id),
                draw: "outcome and start year".into(),
            },
            rng::event_stream(&ev.id),
            event_acts(ev),
        ));
    }
    let volatile = s.growth.volatility > 0.0 || s.uncertain.contains_key("growth.volatility");
    if volatile {
        out.push((
            Component {
                key: "shocks".into(),
                draw: "annual growth shocks".into(),
            },
            rng::SHOCKS,
            true,
        ));
    }
    out
}

/// First-order and total shares of every component, with `base` the scenario's run to its
/// target year on `settings` (run A).
pub fn variance_shares(
    s: &Scenario,
    settings: RunSettings,
    control: RunControl,
    base: &Projection,
) -> Result<Vec<VarianceShare>, SimError> {
    let s = for_target(s);
    let settings = RunSettings {
        sample_paths: 0,
        ..settings
    };
    let target = s.target.revenue;
    let b_seed = second_seed(settings.seed);
    let b_run = simulate_resampled(
        &s,
        RunSettings {
            seed: b_seed,
            ..settings
        },
        control,
        None,
    )?;
    let (a, b) = (
        outputs(&base.target_values, target),
        outputs(&b_run.target_values, target),
    );
    control.recycle(b_run);
    let components = reaching_components(&s);
    // Each component's run is reduced to its block sums as it finishes, so only runs A and B
    // are held whole.
    let ab = components
        .iter()
        .map(|&(_, id, acts)| {
            if !acts {
                // Resampled, it would leave every path as in run A.
                return Ok(ComponentSums::of(&a, &b, &base.target_values, target));
            }
            let resample = Resample {
                component: id,
                seed: b_seed,
            };
            simulate_resampled(&s, settings, control, Some(resample)).map(|p| {
                let sums = ComponentSums::of(&a, &b, &p.target_values, target);
                control.recycle(p);
                sums
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<Component> = components.into_iter().map(|(c, _, _)| c).collect();
    Ok(shares(&names, base.target_values.len(), &ab))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{BUILTIN, load};

    /// A component left out of the runs must be one whose resampling changes no path by the
    /// target year: resampled anyway, every built-in's such runs equal run A path for path.
    #[test]
    fn components_that_do_not_act_by_the_target_year_leave_every_path_as_run_a() {
        let settings = RunSettings {
            paths: 4_096,
            sample_paths: 0,
            ..RunSettings::default()
        };
        let mut skipped = 0;
        for (name, _) in BUILTIN {
            let s = for_target(&load(name).unwrap());
            let a = simulate_resampled(&s, settings, RunControl::default(), None).unwrap();
            // Only the components said not to act are checked: those the shares run anyway
            // need no run here.
            for (component, id, _) in reaching_components(&s)
                .into_iter()
                .filter(|&(_, _, acts)| !acts)
            {
                let resample = Resample {
                    component: id,
                    seed: second_seed(settings.seed),
                };
                let run = simulate_resampled(&s, settings, RunControl::default(), Some(resample))
                    .unwrap();
                assert!(
                    run.target_values == a.target_values,
                    "{name}: {} is said not to act but moved paths",
                    component.key
                );
                skipped += 1;
            }
        }
        assert!(
            skipped >= 6,
            "only {skipped} components left out: the test checks little"
        );
    }
}
