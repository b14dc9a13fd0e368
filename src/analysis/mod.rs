//! Analyses made of several runs: sensitivity (tornado), solving for a parameter, and
//! precision on demand. They sit between the engine and the reports: scenario → sim → stats,
//! repeated on common random numbers (same seed, same paths).

pub mod difference;
pub mod precision;
pub mod sensitivity;
pub mod solve;
pub mod variance;

use crate::error::InputError;
use crate::scenario::Scenario;

/// Fewest paths `sensitivity` and `solve` accept: their Monte Carlo errors (quantile spacings,
/// a 20-block jackknife) need a few hundred paths to mean anything.
pub const MIN_PATHS: usize = 1000;

/// Checks `--paths` for an analysis.
pub fn check_paths(paths: usize) -> Result<(), InputError> {
    if paths < MIN_PATHS {
        return Err(InputError::new(
            "--paths",
            "",
            format!(
                "sensitivity and solve need at least {MIN_PATHS} paths for their Monte Carlo errors"
            ),
        )
        .with_value(paths.to_string()));
    }
    Ok(())
}

/// Bytes a path a sensitivity analysis of `s` holds at its peak (what `sensitivity` runs and the
/// view's Drivers tab shows): the base run, the second-seed run and the run in flight, the
/// two outputs (ln revenue and the hit) of the shares' runs A and B, and the inputs' draws and
/// spare arrays its runs share.
pub fn sensitivity_bytes_per_path(s: &Scenario) -> u64 {
    3 * crate::sim::memory_estimate(s, 1)
        + variance::outputs_bytes_per_path()
        + crate::sim::DrawCache::bytes_per_path(s)
        + crate::sim::DrawCache::SPARE_BYTES_PER_PATH
}

/// The scenario simulated only up to its target year. Revenue in the target year, and every
/// statistic of it, are the same as in the full run: each path's draws for a year do not depend
/// on how many years follow.
pub fn for_target(s: &Scenario) -> Scenario {
    let mut s = s.clone();
    s.market.horizon = s.target.year;
    s
}
