//! Precision on demand: more paths, in whole blocks, until the 95 % Monte Carlo half-width is
//! small enough.
//!
//! Every attempt is a plain run with N paths, N a whole number of the engine's chunks of
//! [`CHUNK`] paths. Each chunk has its own random streams, so a run of N such paths is exactly
//! the first N paths of any larger one: each round adds blocks of paths and leaves those already
//! drawn unchanged, and the result is the plain `--paths N` run with the N reported.

use serde::Serialize;

use crate::sim::CHUNK;

/// The most paths precision on demand will use.
pub const MAX_PATHS: usize = 10_000_000;
/// The most rounds it will make. Each round adds at least one block and at most quadruples the
/// paths, so the path limit is normally what stops it; this bounds the loop whatever happens.
pub const MAX_ROUNDS: usize = 32;

/// How a precision target was met, or not.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Precision {
    /// The requested 95 % half-width, in percentage points.
    pub requested_pts: f64,
    /// The largest 95 % half-width of the final run, in percentage points.
    pub achieved_pts: f64,
    pub paths: usize,
    pub rounds: usize,
    pub reached: bool,
}

impl Precision {
    /// One line for people.
    pub fn describe(&self) -> String {
        let n = crate::format::thousands(self.paths as f64, 0);
        if self.reached {
            format!(
                "precision: 95% Monte Carlo half-width {:.3} pts ≤ {} pts at {n} paths ({} round{})",
                self.achieved_pts,
                self.requested_pts,
                self.rounds,
                if self.rounds == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "precision: stopped at the maximum of {n} paths with a 95% Monte Carlo half-width of {:.3} pts, above the {} pts asked for",
                self.achieved_pts, self.requested_pts
            )
        }
    }
}

/// `n` rounded up to whole blocks of [`CHUNK`] paths.
pub fn whole_blocks(n: usize) -> usize {
    n.div_ceil(CHUNK).max(1) * CHUNK
}

/// Checks a `--precision` value: points of probability, greater than 0 and at most 50.
pub fn check(pts: f64) -> Result<(), crate::error::InputError> {
    if pts.is_finite() && pts > 0.0 && pts <= 50.0 {
        Ok(())
    } else {
        Err(crate::error::InputError::new(
            "--precision",
            "",
            "must be a half-width in percentage points, greater than 0 and at most 50 (e.g. 0.1)",
        )
        .with_value(pts.to_string()))
    }
}

/// Calls `attempt(n)` with growing `n` until the half-width it returns (a probability, not
/// points) is at most `pts` points, or `max_paths` is reached. Starts at `start` rounded up to
/// whole blocks; each next `n` is what the last half-width asks for (half-widths shrink as
/// 1/√n), plus 10 %, at least one block more and at most four times as many.
pub fn until_precise<T, E>(
    start: usize,
    pts: f64,
    max_paths: usize,
    mut attempt: impl FnMut(usize) -> Result<(T, f64), E>,
) -> Result<(T, Precision), E> {
    let goal = pts / 100.0;
    let max_paths = whole_blocks(max_paths.min(MAX_PATHS) + 1) - CHUNK;
    let mut n = whole_blocks(start).min(max_paths);
    let mut rounds = 0;
    loop {
        rounds += 1;
        let (value, hw) = attempt(n)?;
        let reached = hw <= goal;
        if reached || n >= max_paths || rounds >= MAX_ROUNDS {
            return Ok((
                value,
                Precision {
                    requested_pts: pts,
                    achieved_pts: hw * 100.0,
                    paths: n,
                    rounds,
                    reached,
                },
            ));
        }
        let wanted = if hw.is_finite() {
            (n as f64 * (hw / goal).powi(2) * 1.1).min(4.0 * n as f64)
        } else {
            4.0 * n as f64
        };
        n = whole_blocks((wanted as usize).max(n + CHUNK)).min(max_paths);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_in_whole_blocks_until_the_goal_and_stops_at_the_maximum() {
        // A half-width of 1/√n: 0.1 pts needs n ≥ 1,000,000.
        let mut seen = Vec::new();
        let (_, p) = until_precise(100_000, 0.1, MAX_PATHS, |n| {
            seen.push(n);
            Ok::<_, ()>(((), 1.0 / (n as f64).sqrt()))
        })
        .unwrap();
        assert!(p.reached && p.paths >= 1_000_000 && p.paths % CHUNK == 0);
        assert!(seen.iter().all(|n| n % CHUNK == 0));
        assert!(seen.windows(2).all(|w| w[1] > w[0]));
        // Unreachable: stops at the maximum and says so.
        let (_, p) = until_precise(100_000, 0.001, 1_000_000, |n| {
            Ok::<_, ()>(((), 1.0 / (n as f64).sqrt()))
        })
        .unwrap();
        assert!(!p.reached && p.paths <= 1_000_000 && p.rounds <= MAX_ROUNDS);
        assert!(p.describe().contains("stopped at the maximum"));
    }
}
