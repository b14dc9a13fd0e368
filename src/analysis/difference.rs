//! The paired difference between two scenarios year by year, for `export --chart difference`.
//!
//! A run keeps every path's revenue only in the target year, so each year's differences come
//! from a pair of runs that stop in that year (with it as their target year): the same seed and
//! paths give each path exactly the revenue it has in the full run, so the differences are the
//! paired ones of the full runs.

use super::sensitivity::{AnalysisError, run_to_target};
use crate::scenario::Scenario;
use crate::sim::{RunControl, RunSettings};
use crate::stats::difference::{DifferenceFan, difference_percentiles, scenario_difference};

/// The scenario judged in `year`; `run_to_target` then stops there.
fn up_to(s: &Scenario, year: i32) -> Scenario {
    let mut s = s.clone();
    s.target.year = year;
    s
}

/// B − A per year, from the later start year to the earlier horizon. Both scenarios must start
/// in the same year from the same revenue for the start year to read as "no difference".
pub fn difference_fan(
    a: &Scenario,
    b: &Scenario,
    settings: RunSettings,
    control: RunControl,
) -> Result<DifferenceFan, AnalysisError> {
    let first = a.market.start_year.max(b.market.start_year);
    let last = a.market.horizon.min(b.market.horizon);
    let mut years = vec![first];
    let start = b.market.start_revenue - a.market.start_revenue;
    let mut percentiles = vec![[start; 7]];
    for year in first + 1..=last {
        let ra = run_to_target(&up_to(a, year), settings, control)?;
        let rb = run_to_target(&up_to(b, year), settings, control)?;
        years.push(year);
        percentiles.push(difference_percentiles(&ra.target_values, &rb.target_values));
    }
    let ra = run_to_target(&up_to(a, a.target.year), settings, control)?;
    let rb = run_to_target(
        &up_to(b, a.target.year.min(b.market.horizon)),
        settings,
        control,
    )?;
    let at_target = scenario_difference(&ra, &rb).ok_or_else(|| {
        crate::error::InputError::new(
            "--chart difference",
            "",
            format!(
                "scenarios {} and {} cannot be paired",
                a.scenario.id, b.scenario.id
            ),
        )
    })?;
    Ok(DifferenceFan {
        base: a.scenario.id.clone(),
        base_name: a.scenario.name.clone(),
        scenario: b.scenario.id.clone(),
        scenario_name: b.scenario.name.clone(),
        years,
        percentiles,
        at_target,
        target_revenue: a.target.revenue,
    })
}
