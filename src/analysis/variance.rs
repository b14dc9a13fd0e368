//! Variance shares over every source of randomness: the pick-freeze runs behind
//! [`crate::stats::sobol`]. Each component (an uncertain input or a correlated group of them,
//! an event, the shocks) is drawn once more from a second seed with everything else held, so
//! k components cost k + 1 runs besides the base run, each stopped at the target year.

use super::for_target;
use crate::scenario::Scenario;
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
    let sampler = InputSampler::new(s, 0, None);
    let copula = sampler.copula().clone();
    let mut out: Vec<(Component, u64)> = Vec::new();
    for key in sampler.keys() {
        let id = component_of_input(&copula, &key);
        match out.iter_mut().find(|(_, c)| *c == id) {
            Some((c, _)) => c.key = format!("{} + {key}", c.key),
            None => out.push((
                Component {
                    key,
                    draw: "input drawn per path".into(),
                },
                id,
            )),
        }
    }
    for (c, _) in &mut out {
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
    let components = components(&s);
    // Each component's run is reduced to its block sums as it finishes, so only runs A and B
    // are held whole.
    let ab = components
        .iter()
        .map(|(_, id)| {
            let resample = Resample {
                component: *id,
                seed: b_seed,
            };
            simulate_resampled(&s, settings, control, Some(resample)).map(|p| {
                let sums = ComponentSums::of(&a, &b, &p.target_values, target);
                control.recycle(p);
                sums
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<Component> = components.into_iter().map(|(c, _)| c).collect();
    Ok(shares(&names, base.target_values.len(), &ab))
}
