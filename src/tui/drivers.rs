//! The Drivers tab's analysis, run on the worker's second thread: the tornado of the current
//! (possibly edited) scenario, its event attribution, and the growth needed for an even chance.
//!
//! It is progressive. A pilot on the first [`PILOT_PATHS`] paths gives every row at once; then
//! each row is rerun on more paths (the first 65,536, the first 262,144, then all), largest
//! pilot swing first, and a snapshot is sent after each, so the rows that matter most sharpen
//! first. A row stops once the tab's figures cannot move: once both its ΔPs are known to within
//! half the shown precision ([`settled`]). A row skips the passes its pilot errors say it
//! cannot settle on (a half-width shrinks as the square root of the paths), so the pace, which
//! moves many paths, goes from the pilot to all paths at once. The attribution, the solve and
//! the variance shares (what `sensitivity` reports) come last, on all paths. A newer request
//! cancels an older one within one simulated year.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::analysis::sensitivity::{
    AnalysisError, Base, SwingBase, TornadoRow, base_of, row_order, run_swing, run_to_target,
};
use crate::analysis::solve::{Solution, SolveError, solve_parameter_guided};
use crate::analysis::variance::variance_shares;
use crate::scenario::Scenario;
use crate::scenario::parameters::swings;
use crate::sim::{RunControl, RunSettings, SimError};
use crate::stats::sobol::VarianceShare;
use crate::stats::{EventAttribution, event_attribution};

/// Paths of the pilot pass (whole chunks, so the pilot's paths are the full run's first ones).
pub const PILOT_PATHS: usize = 8192;
/// The paths of the refining passes below the full run: whole chunks too, so each pass's
/// paths are the first of the next.
const REFINING_PATHS: [usize; 2] = [65_536, 262_144];
pub use crate::analysis::sensitivity::SETTLED_HALF_WIDTH;
/// The probability the "needed for" readout solves for.
pub const NEEDED_FOR: f64 = 0.5;
/// The parameter it solves with.
pub const NEEDED_KEY: &str = "growth.initial";
/// The solve's tolerance, as a share of the stretch it searches (a grid cell, an eighth of
/// the pace's range of 2.5, or for the interval's ends up to the whole range): at most
/// 2.5·10⁻⁵ of growth, against the 0.001 (0.1 percentage points) the tab shows.
const NEEDED_TOLERANCE: f64 = 1e-5;

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
    /// Per row, the paths behind it and whether it is final.
    pub progress: Vec<RowProgress>,
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
    /// Rows that are final.
    pub fn refined(&self) -> usize {
        self.progress.iter().filter(|p| p.done).count()
    }
}

/// How far one row has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowProgress {
    /// The paths it ran on.
    pub paths: usize,
    /// Final: on the full number of paths, or [`settled`] before.
    pub done: bool,
}

/// Whether a row on `paths` paths is known well enough to stop: both ends' ΔP have a 95 %
/// half-width of at most [`SETTLED_HALF_WIDTH`]. Where no path changed the paired error is 0,
/// so the rule of three stands in for it (3/n bounds the share of paths a swing changes, at
/// 95 %, when it changed none of n).
pub fn settled(row: &TornadoRow, paths: usize) -> bool {
    settles(widest_half_width(row), paths)
}

/// The rule of [`settled`], for a widest half-width on `paths` paths.
fn settles(half_width: f64, paths: usize) -> bool {
    half_width.max(3.0 / paths.max(1) as f64) <= SETTLED_HALF_WIDTH
}

/// The larger of a row's two ΔP 95 % half-widths.
fn widest_half_width(row: &TornadoRow) -> f64 {
    [&row.low, &row.high]
        .iter()
        .map(|e| e.delta_probability.half_width())
        .fold(0.0, f64::max)
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
    // Per swing: its row, the paths behind it and whether it is final.
    let mut rows: Vec<(TornadoRow, RowProgress)> = Vec::with_capacity(all.len());
    let compared = SwingBase::of(&base);
    for sw in &all {
        let row = run_swing(s, &compared, sw, pilot, control)?;
        let done = pilot_n == full.paths || settled(&row, pilot_n);
        rows.push((
            row,
            RowProgress {
                paths: pilot_n,
                done,
            },
        ));
    }
    // Refined largest pilot swing first.
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| {
        rows[b]
            .0
            .probability_range()
            .total_cmp(&rows[a].0.probability_range())
    });
    let mut result = DriversResult {
        base: base_of(&base),
        rows: Vec::new(),
        progress: Vec::new(),
        full_paths: full.paths,
        attribution: event_attribution(&base),
        needed: None,
        shares: None,
        done: false,
    };
    show_rows(&mut result, &rows);
    emit(result.clone());
    let mut full_base = (pilot_n == full.paths).then_some(base);
    let passes: Vec<usize> = REFINING_PATHS
        .into_iter()
        .filter(|&n| n > pilot_n && n < full.paths)
        .chain((full.paths > pilot_n).then_some(full.paths))
        .collect();
    // Per row, the first pass on which it may settle, by its pilot errors: a row that could
    // not would only repeat its runs on more paths.
    let first_pass: Vec<usize> = rows
        .iter()
        .map(|(row, _)| likely_settles_on(row, pilot_n, &passes))
        .collect();
    for &n in &passes {
        let last = n == full.paths;
        let wanted = |rows: &[(TornadoRow, RowProgress)], i: usize| {
            !rows[i].1.done && (last || first_pass[i] <= n)
        };
        if !last && !(0..rows.len()).any(|i| wanted(&rows, i)) {
            continue;
        }
        let settings = RunSettings { paths: n, ..full };
        // The full run's draws are kept for the solve and the shares; a pass's, for its swings.
        let pass_draws = (!last).then(|| crate::sim::DrawCache::for_runs_of(s, n));
        let pass_control = match &pass_draws {
            None => full_control,
            Some(draws) => RunControl {
                draws: Some(draws),
                ..control
            },
        };
        let base = run_to_target(s, settings, pass_control)?;
        if last {
            result.base = base_of(&base);
            result.attribution = event_attribution(&base);
        }
        let compared = SwingBase::of(&base);
        for &i in &order {
            if !wanted(&rows, i) {
                continue;
            }
            let row = run_swing(s, &compared, &all[i], settings, pass_control)?;
            let done = last || settled(&row, n);
            rows[i] = (row, RowProgress { paths: n, done });
            show_rows(&mut result, &rows);
            emit(result.clone());
        }
        if last {
            full_base = Some(base);
        }
    }
    let full_base = full_base.expect("the last pass runs on all paths");
    result.needed = Some(
        match solve_parameter_guided(
            s,
            NEEDED_KEY,
            NEEDED_FOR,
            (full, full_control),
            NEEDED_TOLERANCE,
            (pilot, control),
        ) {
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

/// The first of `passes` (numbers of paths, ascending, the last all of them) on which `row`,
/// run on `pilot` paths, is expected to be [`settled`]: a 95 % half-width shrinks as the
/// square root of the paths.
fn likely_settles_on(row: &TornadoRow, pilot: usize, passes: &[usize]) -> usize {
    let widest = widest_half_width(row);
    passes
        .iter()
        .copied()
        .find(|&n| settles(widest * (pilot as f64 / n as f64).sqrt(), n))
        .unwrap_or(usize::MAX)
}

/// Puts the rows into `result`: the final ones first, then those still refining, each group
/// sorted by size.
fn show_rows(result: &mut DriversResult, rows: &[(TornadoRow, RowProgress)]) {
    let mut shown: Vec<&(TornadoRow, RowProgress)> = rows.iter().collect();
    shown.sort_by(|a, b| b.1.done.cmp(&a.1.done).then(row_order(&a.0, &b.0)));
    result.rows = shown.iter().map(|r| r.0.clone()).collect();
    result.progress = shown.iter().map(|r| r.1).collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;

    fn osa_job(paths: usize) -> DriversJob {
        DriversJob {
            generation: 1,
            scenario: load("osa-enforced").unwrap(),
            settings: RunSettings {
                paths,
                ..RunSettings::default()
            },
        }
    }

    #[test]
    fn progressive_snapshots_end_with_every_row_final_and_the_command_lines() {
        let job = osa_job(3 * PILOT_PATHS);
        let seen = std::sync::Mutex::new(Vec::new());
        run(&job, &AtomicBool::new(false), &|r| {
            if let DriversReply::Progress { result, .. } = r {
                seen.lock().unwrap().push(result);
            }
        });
        let seen = seen.into_inner().unwrap();
        let first = &seen[0];
        assert!(!first.rows.is_empty() && first.progress.iter().all(|p| p.paths == PILOT_PATHS));
        // Rows the pilot settles are final at once; the others wait for the full run.
        let settled_at_pilot = first.refined();
        assert!(settled_at_pilot > 0 && settled_at_pilot < first.rows.len());
        let last = seen.last().unwrap();
        assert!(last.done && last.refined() == last.rows.len());
        // One snapshot after the pilot, one per row rerun, one with the solve, one with the
        // shares.
        assert_eq!(seen.len(), 1 + (last.rows.len() - settled_at_pilot) + 2);
        // The final rows are the command-line tornado's: the same figures where a row ran on
        // every path, and where it stopped early, the same to the tab's precision (0.1 pts:
        // its 95 % half-widths are at most half of that).
        let (_, rows) = crate::analysis::sensitivity::tornado(
            &job.scenario,
            job.settings,
            RunControl::default(),
        )
        .unwrap();
        assert_eq!(last.rows.len(), rows.len());
        for (k, row) in last.rows.iter().enumerate() {
            let full = rows.iter().find(|r| r.key == row.key).unwrap();
            if last.progress[k].paths == job.settings.paths {
                assert_eq!(row, full);
            } else {
                assert!(settled(row, last.progress[k].paths), "{}", row.key);
                for (a, b) in [(&row.low, &full.low), (&row.high, &full.high)] {
                    let gap =
                        (a.delta_probability.difference - b.delta_probability.difference).abs();
                    assert!(gap <= 0.001, "{}: {gap}", row.key);
                }
            }
        }
        // The growth needed is `solve`'s, well inside the tenth of a point the tab shows.
        let Some(Ok(needed)) = &last.needed else {
            panic!("no growth needed: {:?}", last.needed)
        };
        let solved = crate::analysis::solve::solve_parameter(
            &job.scenario,
            NEEDED_KEY,
            NEEDED_FOR,
            job.settings,
            RunControl::default(),
        )
        .unwrap();
        assert!(needed.runs < solved.runs, "{} runs", needed.runs);
        for (a, b) in [needed.value, needed.interval[0], needed.interval[1]]
            .into_iter()
            .zip([solved.value, solved.interval[0], solved.interval[1]])
        {
            assert!((a - b).abs() < 5e-5, "{a} against {b}");
        }
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
        // Refinement went largest pilot swing first: the first row rerun is the pilot's top
        // unsettled row.
        let top = (0..first.rows.len())
            .find(|&k| !first.progress[k].done)
            .map(|k| &first.rows[k].key)
            .unwrap();
        let rerun: Vec<&String> = (0..seen[1].rows.len())
            .filter(|&k| seen[1].progress[k].paths == job.settings.paths)
            .map(|k| &seen[1].rows[k].key)
            .collect();
        assert_eq!(rerun, [top]);
    }

    #[test]
    fn a_row_settles_only_when_both_ends_are_known_to_the_shown_precision() {
        let job = osa_job(PILOT_PATHS);
        let (_, rows) = crate::analysis::sensitivity::tornado(
            &job.scenario,
            job.settings,
            RunControl::default(),
        )
        .unwrap();
        // Each row's widest half-width, worked out here rather than by the code under test.
        let widest: Vec<f64> = rows
            .iter()
            .map(|row| {
                [&row.low, &row.high]
                    .iter()
                    .map(|e| e.delta_probability.half_width())
                    .fold(0.0, f64::max)
            })
            .collect();
        for (row, &widest) in rows.iter().zip(&widest) {
            assert_eq!(
                settled(row, PILOT_PATHS),
                widest.max(3.0 / PILOT_PATHS as f64) <= SETTLED_HALF_WIDTH,
                "{}",
                row.key
            );
        }
        // The pace moves many paths: not settled on the pilot's.
        let pace = rows.iter().find(|r| r.key == "growth.initial").unwrap();
        assert!(!settled(pace, PILOT_PATHS));
        // No path moved: the rule of three alone decides.
        let still = rows.iter().find(|r| !r.moves()).unwrap();
        assert!(settled(still, PILOT_PATHS) && !settled(still, 5000));
        // Its pilot error puts the pace beyond a million paths: it waits for the last pass
        // (usize::MAX) instead of repeating its runs on the refining ones.
        let passes = [65_536, 262_144, 1_000_000];
        assert_eq!(likely_settles_on(pace, PILOT_PATHS, &passes), usize::MAX);
        for (row, &widest) in rows.iter().zip(&widest) {
            let on = likely_settles_on(row, PILOT_PATHS, &passes);
            // Expected to settle there and not on the pass before.
            let expected = |n: usize| widest * (PILOT_PATHS as f64 / n as f64).sqrt();
            if on != usize::MAX {
                assert!(expected(on) <= SETTLED_HALF_WIDTH, "{}", row.key);
            }
            if let Some(&before) = passes.iter().take_while(|&&n| n < on).last() {
                assert!(expected(before) > SETTLED_HALF_WIDTH, "{}", row.key);
            }
        }
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
