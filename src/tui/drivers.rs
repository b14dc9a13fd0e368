//! The Drivers tab's analysis, run on the worker's second thread: the tornado of the current
//! (possibly edited) scenario, its event attribution, and the growth needed for an even chance.
//!
//! It is progressive. A pilot on the first [`PILOT_PATHS`] paths gives every row at once; then
//! each row is rerun at the full number of paths, largest pilot swing first, and a snapshot is
//! sent after each, so the rows that matter most sharpen first. The attribution, the solve and
//! the variance shares (what `sensitivity` reports) come last. A newer request cancels an older
//! one within one simulated year.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::analysis::sensitivity::{
    AnalysisError, Base, TornadoRow, base_of, run_swing, run_to_target, sort_rows,
};
use crate::analysis::solve::{Solution, SolveError, solve_parameter};
use crate::analysis::variance::variance_shares;
use crate::scenario::Scenario;
use crate::scenario::parameters::swings;
use crate::sim::{RunControl, RunSettings, SimError};
use crate::stats::sobol::VarianceShare;
use crate::stats::{EventAttribution, event_attribution};

/// Paths of the pilot pass (whole chunks, so the pilot's paths are the full run's first ones).
pub const PILOT_PATHS: usize = 8192;
/// The probability the "needed for" readout solves for.
pub const NEEDED_FOR: f64 = 0.5;
/// The parameter it solves with.
pub const NEEDED_KEY: &str = "growth.initial";

#[derive(Debug, Clone)]
pub struct DriversJob {
    pub generation: u64,
    pub scenario: Scenario,
    pub settings: RunSettings,
}

/// What the Drivers tab shows; sent whole after each step.
#[derive(Debug, Clone)]
pub struct DriversResult {
    pub base: Base,
    /// Sorted by swing of P, largest first.
    pub rows: Vec<TornadoRow>,
    /// Paths behind each row: the pilot's or the full number.
    pub row_paths: Vec<usize>,
    pub full_paths: usize,
    pub attribution: Vec<EventAttribution>,
    /// growth.initial at which P(target) = 50 %, or why there is none.
    pub needed: Option<Result<Solution, String>>,
    /// First-order and total variance shares of every source of randomness, on the full
    /// number of paths, as `sensitivity` reports them.
    pub shares: Option<Vec<VarianceShare>>,
    pub done: bool,
}

impl DriversResult {
    /// Rows already at the full number of paths.
    pub fn refined(&self) -> usize {
        self.row_paths
            .iter()
            .filter(|&&n| n == self.full_paths)
            .count()
    }
}

#[derive(Debug)]
pub enum DriversReply {
    Progress {
        generation: u64,
        result: Arc<DriversResult>,
    },
    Failed {
        generation: u64,
        error: String,
    },
}

/// Runs one job, sending snapshots through `send`. Returns quietly when cancelled.
pub fn run(job: &DriversJob, cancel: &AtomicBool, send: &dyn Fn(DriversReply)) {
    let generation = job.generation;
    match steps(job, cancel, &|result| {
        if !cancel.load(Ordering::Relaxed) {
            send(DriversReply::Progress {
                generation,
                result: Arc::new(result),
            });
        }
    }) {
        Ok(()) | Err(AnalysisError::Sim(SimError::Cancelled)) => {}
        Err(e) => {
            if !cancel.load(Ordering::Relaxed) {
                send(DriversReply::Failed {
                    generation,
                    error: e.to_string(),
                });
            }
        }
    }
}

fn steps(
    job: &DriversJob,
    cancel: &AtomicBool,
    emit: &dyn Fn(DriversResult),
) -> Result<(), AnalysisError> {
    let full = RunSettings {
        sample_paths: 0,
        ..job.settings
    };
    let s = &job.scenario;
    // Each swing changes one input: every other input's draws are the last run's.
    let pilot_draws = crate::sim::DrawCache::for_runs_of(s, PILOT_PATHS.min(full.paths));
    let full_draws = crate::sim::DrawCache::for_runs_of(s, full.paths);
    let control = RunControl {
        cancel: Some(cancel),
        progress: None,
        draws: Some(&pilot_draws),
    };
    let full_control = RunControl {
        draws: Some(&full_draws),
        ..control
    };
    let all = swings(s);
    let pilot_n = PILOT_PATHS.min(full.paths);
    let pilot = RunSettings {
        paths: pilot_n,
        ..full
    };
    // Pilot: every row on the first paths.
    let base = run_to_target(s, pilot, control)?;
    let mut pilot_rows: Vec<(usize, TornadoRow)> = Vec::with_capacity(all.len());
    for (i, sw) in all.iter().enumerate() {
        pilot_rows.push((i, run_swing(s, &base, sw, pilot, control)?));
    }
    let mut rows: Vec<TornadoRow> = pilot_rows.iter().map(|(_, r)| r.clone()).collect();
    sort_rows(&mut rows);
    let mut result = DriversResult {
        base: base_of(&base),
        row_paths: vec![pilot_n; rows.len()],
        rows,
        full_paths: full.paths,
        attribution: event_attribution(&base),
        needed: None,
        shares: None,
        done: false,
    };
    emit(result.clone());
    let mut full_base = base;
    if full.paths > pilot_n {
        // Refine, largest pilot swing first.
        let base = run_to_target(s, full, full_control)?;
        result.base = base_of(&base);
        result.attribution = event_attribution(&base);
        let mut order = pilot_rows;
        order.sort_by(|a, b| b.1.probability_range().total_cmp(&a.1.probability_range()));
        let mut refined: Vec<TornadoRow> = Vec::new();
        for (k, (i, _)) in order.iter().enumerate() {
            refined.push(run_swing(s, &base, &all[*i], full, full_control)?);
            // Refined rows, then the pilot rows still waiting, each group sorted.
            let mut done = refined.clone();
            sort_rows(&mut done);
            let mut waiting: Vec<TornadoRow> =
                order[k + 1..].iter().map(|(_, r)| r.clone()).collect();
            sort_rows(&mut waiting);
            result.row_paths =
                [vec![full.paths; done.len()], vec![pilot_n; waiting.len()]].concat();
            result.rows = [done, waiting].concat();
            emit(result.clone());
        }
        full_base = base;
    }
    result.needed = Some(
        match solve_parameter(s, NEEDED_KEY, NEEDED_FOR, full, full_control) {
            Ok(solution) => Ok(solution),
            Err(SolveError::Analysis(e)) => return Err(e),
            Err(other) => Err(other.to_string()),
        },
    );
    emit(result.clone());
    result.shares = Some(variance_shares(s, full, full_control, &full_base)?);
    result.done = true;
    emit(result);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;

    #[test]
    fn progressive_snapshots_end_with_every_row_at_full_paths() {
        let job = DriversJob {
            generation: 1,
            scenario: load("osa-enforced").unwrap(),
            settings: RunSettings {
                paths: 3 * PILOT_PATHS,
                ..RunSettings::default()
            },
        };
        let seen = std::sync::Mutex::new(Vec::new());
        run(&job, &AtomicBool::new(false), &|r| {
            if let DriversReply::Progress { result, .. } = r {
                seen.lock().unwrap().push(result);
            }
        });
        let seen = seen.into_inner().unwrap();
        let first = &seen[0];
        assert!(first.refined() == 0 && !first.rows.is_empty());
        let last = seen.last().unwrap();
        assert!(last.done && last.refined() == last.rows.len());
        // One snapshot after the pilot, one per refined row, one with the solve, one with the
        // shares.
        assert_eq!(seen.len(), last.rows.len() + 3);
        // The final rows are those of the command-line tornado.
        let (_, rows) = crate::analysis::sensitivity::tornado(
            &job.scenario,
            job.settings,
            RunControl::default(),
        )
        .unwrap();
        assert_eq!(last.rows, rows);
        assert!(matches!(last.needed, Some(Ok(_))));
        // The shares are the command line's.
        let base = crate::analysis::sensitivity::run_to_target(
            &job.scenario,
            job.settings,
            RunControl::default(),
        )
        .unwrap();
        let shares =
            variance_shares(&job.scenario, job.settings, RunControl::default(), &base).unwrap();
        assert_eq!(last.shares.as_ref(), Some(&shares));
        // Refinement went largest pilot swing first: the first refined row is the pilot's top.
        assert_eq!(seen[1].rows[0].key, first.rows[0].key);
    }

    #[test]
    fn a_cancelled_job_sends_nothing_more() {
        let job = DriversJob {
            generation: 1,
            scenario: load("baseline").unwrap(),
            settings: RunSettings::default(),
        };
        let cancel = AtomicBool::new(true);
        let count = std::sync::atomic::AtomicUsize::new(0);
        run(&job, &cancel, &|_| {
            count.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(count.load(Ordering::Relaxed), 0);
    }
}
