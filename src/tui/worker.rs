//! A background thread that runs simulations, so the interface never waits for the engine.
//!
//! Each scenario slot has at most one live request: submitting a newer one sets the cancel flag
//! of the older (queued or running), and the engine stops within one chunk. Queued requests run
//! in the order of the interface's focus ([`Worker::focus`]: the selected scenario, then what the
//! tab needs, then the rest); a request for a more urgent slot stops a less urgent run, which
//! goes back in the queue. Large runs first deliver previews on a prefix of the same paths (same
//! seed, so a preview is the first chunks of the full run), which keeps the view moving while a
//! key is held down and sharpens it as the run grows.
//!
//! The engine's threads are scheduled as batch work (Linux `SCHED_BATCH`): they keep both cores
//! when nothing else wants them but never preempt the interface's threads, which read keys and
//! draw.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::app::PairedDifference;
use crate::scenario::Scenario;
use crate::sim::{Projection, RunControl, RunSettings, SimError, simulate};
use crate::stats::{FirstPassage, TargetProbability, first_passage, target_probability};

/// Paths of the preview run; runs of up to twice this many skip the preview.
pub const PREVIEW_PATHS: usize = 8192;
/// Runs of at least this many paths get a second preview on a sixteenth of their paths.
pub const SECOND_PREVIEW_FROM: usize = 256 * 1024;
/// An edit whose slot's last full run took less than this skips the second preview: the first
/// preview is on screen at once and the full result follows soon, so a step between them
/// would only delay it.
pub const SECOND_PREVIEW_BELOW: Duration = Duration::from_millis(250);

/// Path counts a request for `paths` is run at, in order: previews, then the full run. With
/// `second` false, a run that would have two previews has one.
pub fn stages(paths: usize, second: bool) -> Vec<usize> {
    let mut out = Vec::new();
    if paths > 2 * PREVIEW_PATHS {
        out.push(PREVIEW_PATHS);
    }
    if second && paths >= SECOND_PREVIEW_FROM {
        out.push((paths / 16).next_multiple_of(crate::sim::CHUNK));
    }
    out.push(paths);
    out
}

#[derive(Debug, Clone)]
pub struct Job {
    pub slot: usize,
    /// Increases with every request for a slot; lets the interface drop stale answers.
    pub generation: u64,
    pub scenario: Scenario,
    pub settings: RunSettings,
}

/// A finished run with the summaries the views need, computed here rather than on the UI thread.
///
/// The view keeps every scenario's run, so it keeps only what it reads: the per-year summaries,
/// the target-year value of each path (paired differences and the histogram need them in full
/// precision), the sample paths, and each path's first passage in one byte. Each path's
/// starting pace and event draws, which only the command line's analyses read, are dropped
/// (benches/README.md: resident memory of the view).
#[derive(Debug)]
pub struct Run {
    /// The run without its per-path starting paces, first passages and event draws: use
    /// [`Run::exportable`] where a whole projection is wanted.
    pub projection: Projection,
    pub target: TargetProbability,
    pub first_passage: Vec<FirstPassage>,
    /// The 0.5 % and 99.5 % points of the target-year values: the histogram's range.
    pub histogram_range: (f64, f64),
    /// Each path's first passage as years after the start year (0: not by the horizon).
    first_passage_years: Vec<u8>,
    /// True for the quick previews that precede a large run (its paths are a prefix of it).
    pub preview: bool,
    /// Paths of the full run this one is a preview of (equal to the run's paths when final).
    pub full_paths: usize,
    pub elapsed: Duration,
}

impl Run {
    /// Summarise a run (on the current rayon pool). `full_paths` is the size of the run it
    /// previews, or its own.
    pub fn of(mut projection: Projection, full_paths: usize, elapsed: Duration) -> Run {
        use rayon::prelude::*;
        let preview = projection.paths() < full_paths;
        let start = projection.scenario.market.start_year;
        // Validation keeps the horizon within 100 years of the start, so an offset fits a byte.
        let first_passage_years = projection
            .first_passage
            .par_iter()
            .map(|&y| if y == 0 { 0 } else { (y - start) as u8 })
            .collect();
        Run {
            full_paths,
            target: target_probability(&projection),
            first_passage: first_passage(&projection),
            histogram_range: histogram_range(&projection.target_values),
            first_passage_years,
            projection: {
                projection.first_passage = Vec::new();
                projection.drop_path_inputs();
                projection
            },
            preview,
            elapsed,
        }
    }

    /// Bytes this run holds per path once summarised: its target-year value and its first
    /// passage's byte.
    pub const BYTES_PER_PATH: u64 = (size_of::<f64>() + size_of::<u8>()) as u64;

    /// The bytes this run holds: its per-path values and sample paths.
    pub fn held_bytes(&self) -> u64 {
        let p = &self.projection;
        let samples: usize = p.sample_paths.iter().map(|s| s.capacity()).sum();
        (size_of_val(&p.target_values[..]) + self.first_passage_years.capacity() + samples * 8)
            as u64
    }

    /// The whole projection, as `safetech run` gives it, for exports (the paces and event
    /// draws, which no chart reads, stay out).
    pub fn exportable(&self) -> Projection {
        let start = self.projection.scenario.market.start_year;
        Projection {
            first_passage: self
                .first_passage_years
                .iter()
                .map(|&y| if y == 0 { 0 } else { start + i32::from(y) })
                .collect(),
            ..self.projection.clone()
        }
    }
}

/// The 0.5 % and 99.5 % points (the histogram's tails clipped) of the finite `values`: the
/// elements at those ranks, as in a sorted copy.
fn histogram_range(values: &[f64]) -> (f64, f64) {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let rank = |p: f64| ((v.len() - 1) as f64 * p).round() as usize;
    let (lo, hi) = (rank(0.005), rank(0.995));
    let hi_value = *v.select_nth_unstable_by(hi, f64::total_cmp).1;
    // The low rank lies in the part left of `hi` after the first selection.
    let lo_value = *v[..=hi].select_nth_unstable_by(lo, f64::total_cmp).1;
    (lo_value, hi_value)
}

#[derive(Debug)]
pub enum Reply {
    /// Paired differences against the base scenario, computed off the interface thread.
    Differences(Differences),
    /// A snapshot or failure of the Drivers tab's analysis.
    Drivers(super::drivers::DriversReply),
    Done {
        slot: usize,
        generation: u64,
        run: Arc<Run>,
    },
    Failed {
        slot: usize,
        generation: u64,
        error: String,
    },
}

struct Queued {
    job: Job,
    flags: Arc<Flags>,
    /// Paths of the largest stage already delivered (a preempted job resumes after it).
    delivered: usize,
}

#[derive(Default)]
struct Flags {
    /// A newer request replaced this one, or the worker is closing.
    cancel: AtomicBool,
    /// Stop now (cancelled or preempted by a more urgent slot); the engine watches this one.
    stop: AtomicBool,
    /// The run finished, failed or was cancelled.
    finished: AtomicBool,
}

impl Flags {
    fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// What the interface and the simulation thread share about order.
#[derive(Default)]
struct Focus {
    /// Slots in order of urgency; slots not listed come after, in index order.
    order: Vec<usize>,
    /// The slot being run, and its flags.
    running: Option<(usize, Arc<Flags>)>,
}

impl Focus {
    fn rank(&self, slot: usize) -> usize {
        self.order
            .iter()
            .position(|&s| s == slot)
            .unwrap_or(self.order.len() + slot)
    }
}

pub struct Worker {
    tx: Option<Sender<Queued>>,
    focus: Arc<Mutex<Focus>>,
    differences_tx: Option<Sender<DifferencesJob>>,
    differences_handle: Option<JoinHandle<()>>,
    /// The Drivers tab's analyses run on a second thread, one at a time; newer cancel older.
    drivers_tx: Option<Sender<(super::drivers::DriversJob, Arc<AtomicBool>)>>,
    drivers_live: Option<Arc<AtomicBool>>,
    drivers_handle: Option<JoinHandle<()>>,
    /// Flags of the latest request per slot.
    live: Vec<Option<Arc<Flags>>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the thread; `reply` is called on it for every result.
    pub fn spawn(
        threads: Option<usize>,
        reply: impl Fn(Reply) + Send + Sync + 'static,
    ) -> std::io::Result<Worker> {
        let reply = Arc::new(reply);
        let (tx, rx) = mpsc::channel::<Queued>();
        let pool_of = |name: &'static str| {
            let mut builder =
                rayon::ThreadPoolBuilder::new().thread_name(move |i| format!("{name}-{i}"));
            if let Some(n) = threads {
                builder = builder.num_threads(n);
            }
            builder
                .start_handler(|_| batch_priority())
                .build()
                .map_err(std::io::Error::other)
        };
        let pool = pool_of("sim")?;
        let main_reply = reply.clone();
        let focus = Arc::new(Mutex::new(Focus::default()));
        let serve_focus = focus.clone();
        let handle = std::thread::Builder::new()
            .name("simulation".into())
            .spawn(move || serve(rx, pool, &serve_focus, move |r| main_reply(r)))?;
        let (differences_tx, differences_rx) = mpsc::channel();
        let differences_reply = reply.clone();
        let differences_handle = std::thread::Builder::new()
            .name("differences".into())
            .spawn(move || {
                batch_priority();
                serve_differences(differences_rx, move |r| differences_reply(r))
            })?;
        let (drivers_tx, drivers_rx) = mpsc::channel();
        let drivers_pool = pool_of("drivers")?;
        let drivers_handle = std::thread::Builder::new()
            .name("drivers".into())
            .spawn(move || serve_drivers(drivers_rx, drivers_pool, move |r| reply(r)))?;
        Ok(Worker {
            tx: Some(tx),
            focus,
            differences_tx: Some(differences_tx),
            differences_handle: Some(differences_handle),
            drivers_tx: Some(drivers_tx),
            drivers_live: None,
            drivers_handle: Some(drivers_handle),
            live: Vec::new(),
            handle: Some(handle),
        })
    }

    /// Stop the Drivers tab's analysis, if one is running or queued.
    pub fn cancel_drivers(&mut self) {
        if let Some(old) = self.drivers_live.take() {
            old.store(true, Ordering::Relaxed);
        }
    }

    /// Queue the Drivers tab's analysis, cancelling the previous one.
    pub fn submit_drivers(&mut self, job: super::drivers::DriversJob) {
        if let Some(old) = self.drivers_live.take() {
            old.store(true, Ordering::Relaxed);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.drivers_live = Some(cancel.clone());
        if let Some(tx) = &self.drivers_tx {
            let _ = tx.send((job, cancel));
        }
    }

    /// Queue paired differences against the base; a newer request replaces a queued one.
    pub fn submit_differences(&mut self, job: DifferencesJob) {
        if let Some(tx) = &self.differences_tx {
            let _ = tx.send(job);
        }
    }

    /// Set the order of urgency of the slots (most urgent first; unlisted slots come after,
    /// in index order). A run for a less urgent slot than a waiting request stops and is queued
    /// again.
    pub fn focus(&mut self, order: Vec<usize>) {
        let mut focus = self.focus.lock().unwrap_or_else(|e| e.into_inner());
        if focus.order == order {
            return;
        }
        focus.order = order;
        let waiting = self
            .live
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.as_ref()
                    .is_some_and(|f| !f.finished.load(Ordering::Relaxed))
            })
            .map(|(slot, _)| focus.rank(slot))
            .min();
        preempt(&focus, waiting);
    }

    /// Queue a job, cancelling the previous request for the same slot.
    pub fn submit(&mut self, job: Job) {
        if self.live.len() <= job.slot {
            self.live.resize(job.slot + 1, None);
        }
        if let Some(old) = self.live[job.slot].take() {
            old.cancel();
        }
        let flags = Arc::new(Flags::default());
        self.live[job.slot] = Some(flags.clone());
        let slot = job.slot;
        if let Some(tx) = &self.tx {
            let _ = tx.send(Queued {
                job,
                flags,
                delivered: 0,
            });
        }
        let focus = self.focus.lock().unwrap_or_else(|e| e.into_inner());
        preempt(&focus, Some(focus.rank(slot)));
    }
}

/// Stop the running job if a request of rank `waiting` is more urgent.
fn preempt(focus: &Focus, waiting: Option<usize>) {
    if let (Some((slot, flags)), Some(waiting)) = (&focus.running, waiting)
        && focus.rank(*slot) > waiting
    {
        flags.stop.store(true, Ordering::Relaxed);
    }
}

/// Schedule the calling thread as batch work (Linux): it keeps the cores when they are free
/// but does not preempt interactive threads, so keys and frames go first. Nothing elsewhere.
fn batch_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: pid 0 is the calling thread; the call only changes its scheduling policy.
        unsafe {
            libc::sched_setscheduler(0, libc::SCHED_BATCH, &param);
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        for flags in self.live.iter().flatten() {
            flags.cancel();
        }
        if let Some(flag) = &self.drivers_live {
            flag.store(true, Ordering::Relaxed);
        }
        // Closing the channels ends the threads once the current runs stop.
        self.tx = None;
        self.drivers_tx = None;
        self.differences_tx = None;
        for h in [
            self.handle.take(),
            self.drivers_handle.take(),
            self.differences_handle.take(),
        ]
        .into_iter()
        .flatten()
        {
            let _ = h.join();
        }
    }
}

fn serve(
    rx: Receiver<Queued>,
    pool: rayon::ThreadPool,
    focus: &Mutex<Focus>,
    reply: impl Fn(Reply),
) {
    let mut queue: Vec<Queued> = Vec::new();
    let mut edits: Option<EditDraws> = None;
    let mut last: Option<RunKey> = None;
    loop {
        if queue.is_empty() {
            // Idle: the kept draws of the last edits go once editing has paused.
            let wait = edits.as_ref().map_or(Duration::MAX, |e| {
                EDIT_DRAWS_KEPT.saturating_sub(e.used.elapsed())
            });
            match rx.recv_timeout(wait) {
                Ok(q) => queue.push(q),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    edits = None;
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        queue.extend(rx.try_iter());
        queue.retain(|q| !q.flags.cancel.load(Ordering::Relaxed));
        let mut q = {
            let mut focus = focus.lock().unwrap_or_else(|e| e.into_inner());
            let Some(next) = (0..queue.len()).min_by_key(|&i| focus.rank(queue[i].job.slot)) else {
                continue;
            };
            let q = queue.remove(next);
            q.flags.stop.store(false, Ordering::SeqCst);
            if q.flags.cancel.load(Ordering::SeqCst) {
                continue;
            }
            focus.running = Some((q.job.slot, q.flags.clone()));
            q
        };
        // A second run of one slot with the same seed and paths is an edit (or its repeat):
        // it and the edits after it share the inputs' draws, all but the edited input's.
        let key = RunKey::of(&q.job);
        let draws = match edits.take() {
            Some(e) if e.key == key => Some(e),
            _ if last == Some(key) => Some(EditDraws::new(&q.job)),
            _ => None,
        };
        last = Some(key);
        let second = draws
            .as_ref()
            .and_then(|e| e.full_run)
            .is_none_or(|t| t >= SECOND_PREVIEW_BELOW);
        let (stopped, full_run) = run_job(
            &mut q,
            &pool,
            &reply,
            draws.as_ref().map(|e| &e.cache),
            second,
        );
        edits = draws.map(|e| EditDraws {
            used: Instant::now(),
            full_run: full_run.or(e.full_run),
            ..e
        });
        focus.lock().unwrap_or_else(|e| e.into_inner()).running = None;
        if stopped && !q.flags.cancel.load(Ordering::Relaxed) {
            // Stopped for a more urgent slot: run again later, from the start.
            queue.push(q);
        } else {
            q.flags.finished.store(true, Ordering::Relaxed);
        }
    }
}

/// Paired differences of every slot's run against the base's, to compute off the UI thread.
#[derive(Debug, Clone)]
pub struct DifferencesJob {
    pub generation: u64,
    pub base: Option<Arc<Run>>,
    pub runs: Vec<Option<Arc<Run>>>,
}

/// The answer to a [`DifferencesJob`].
#[derive(Debug, Clone)]
pub struct Differences {
    pub generation: u64,
    pub revenue: Vec<Option<PairedDifference>>,
    pub probability: Vec<Option<crate::stats::difference::Estimate>>,
}

type DifferencePair = (
    Option<PairedDifference>,
    Option<crate::stats::difference::Estimate>,
);

/// The base's run, the slot's run, and their differences.
type CachedPair = (Arc<Run>, Arc<Run>, DifferencePair);

/// The previous answers per slot, with the two runs they came from (held, so that their
/// addresses cannot be reused), reused while neither run changes.
#[derive(Default)]
pub struct DifferencesCache {
    previous: Vec<Option<CachedPair>>,
}

impl DifferencesCache {
    pub fn compute(&mut self, job: DifferencesJob) -> Differences {
        self.previous.resize(job.runs.len(), None);
        let mut out = Differences {
            generation: job.generation,
            revenue: Vec::with_capacity(job.runs.len()),
            probability: Vec::with_capacity(job.runs.len()),
        };
        for (i, run) in job.runs.iter().enumerate() {
            let pair = match (&job.base, run) {
                (Some(base), Some(run)) => {
                    let cached = self.previous[i]
                        .as_ref()
                        .filter(|(b, r, _)| Arc::ptr_eq(b, base) && Arc::ptr_eq(r, run));
                    let pair = match cached {
                        Some((_, _, pair)) => *pair,
                        None => paired(base, run),
                    };
                    self.previous[i] = Some((base.clone(), run.clone(), pair));
                    pair
                }
                _ => {
                    self.previous[i] = None;
                    (None, None)
                }
            };
            out.revenue.push(pair.0);
            out.probability.push(pair.1);
        }
        out
    }
}

/// Paired differences of `run` against `base` in the target year (see
/// [`crate::stats::difference::paired_at_target`]).
fn paired(base: &Run, run: &Run) -> DifferencePair {
    match crate::stats::difference::paired_at_target(&base.projection, &run.projection) {
        Some((probability, revenue)) => (Some(revenue), Some(probability)),
        None => (None, None),
    }
}

/// Serves paired differences: only the latest request matters. Keeps the previous answers and
/// reuses those whose two runs have not changed.
fn serve_differences(rx: Receiver<DifferencesJob>, reply: impl Fn(Reply)) {
    let mut cache = DifferencesCache::default();
    while let Ok(first) = rx.recv() {
        let job = rx.try_iter().last().unwrap_or(first);
        reply(Reply::Differences(cache.compute(job)));
    }
}

/// Serves Drivers analyses: only the latest request matters, so older queued ones are skipped.
fn serve_drivers(
    rx: Receiver<(super::drivers::DriversJob, Arc<AtomicBool>)>,
    pool: rayon::ThreadPool,
    reply: impl Fn(Reply) + Send + Sync,
) {
    while let Ok(first) = rx.recv() {
        let (job, cancel) = rx.try_iter().last().unwrap_or(first);
        if cancel.load(Ordering::Relaxed) {
            continue;
        }
        pool.install(|| {
            super::drivers::run(&job, &cancel, &|r| reply(Reply::Drivers(r)));
        });
    }
}

/// How long the draws kept for a slot's edits outlive the last edit.
const EDIT_DRAWS_KEPT: Duration = Duration::from_secs(10);

/// The inputs' draws of the slot being edited, at its full number of paths: each edit changes
/// one input, so the next run takes every other input's column from here (the same values it
/// would draw; see [`crate::sim::DrawCache`]). Held only while edits follow one another, so the
/// view keeps no more than its runs once editing pauses.
struct EditDraws {
    key: RunKey,
    cache: crate::sim::DrawCache,
    used: Instant,
    /// How long the slot's last full run took, where one finished with these draws.
    full_run: Option<Duration>,
}

impl EditDraws {
    fn new(job: &Job) -> EditDraws {
        EditDraws {
            key: RunKey::of(job),
            cache: crate::sim::DrawCache::for_runs_of(&job.scenario, job.settings.paths),
            used: Instant::now(),
            full_run: None,
        }
    }
}

/// What makes two runs of one slot share their inputs' draws: the slot, seed and paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RunKey {
    slot: usize,
    seed: u64,
    paths: usize,
}

impl RunKey {
    fn of(job: &Job) -> RunKey {
        RunKey {
            slot: job.slot,
            seed: job.settings.seed,
            paths: job.settings.paths,
        }
    }
}

/// Runs the job's stages not yet delivered (with a second preview if `second`): whether it
/// was stopped (cancelled or preempted) before the end, and how long its full run took if it
/// made one. A stage that finished is delivered unless the job was cancelled.
fn run_job(
    q: &mut Queued,
    pool: &rayon::ThreadPool,
    reply: &impl Fn(Reply),
    draws: Option<&crate::sim::DrawCache>,
    second: bool,
) -> (bool, Option<Duration>) {
    let Job {
        slot, generation, ..
    } = q.job;
    let full = q.job.settings;
    let mut full_run = None;
    let delivered = q.delivered;
    for paths in stages(full.paths, second)
        .into_iter()
        .filter(|&p| p > delivered)
    {
        let settings = RunSettings { paths, ..full };
        let started = Instant::now();
        let control = RunControl {
            cancel: Some(&q.flags.stop),
            progress: None,
            // The previews' few paths are cheap to draw.
            draws: draws.filter(|_| paths == full.paths),
        };
        let result = pool.install(|| {
            simulate(&q.job.scenario, settings, control)
                .map(|p| Run::of(p, full.paths, started.elapsed()))
        });
        match result {
            Ok(run) => {
                if q.flags.cancel.load(Ordering::SeqCst) {
                    return (true, full_run);
                }
                q.delivered = paths;
                if paths == full.paths {
                    full_run = Some(started.elapsed());
                }
                reply(Reply::Done {
                    slot,
                    generation,
                    run: Arc::new(run),
                });
            }
            Err(SimError::Cancelled) => return (true, full_run),
            Err(e) => {
                reply(Reply::Failed {
                    slot,
                    generation,
                    error: e.to_string(),
                });
                return (false, full_run);
            }
        }
    }
    (false, full_run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load;

    fn job(slot: usize, generation: u64, paths: usize) -> Job {
        Job {
            slot,
            generation,
            scenario: load("baseline").unwrap(),
            settings: RunSettings {
                paths,
                ..RunSettings::default()
            },
        }
    }

    /// A one-thread worker and the channel its replies arrive on.
    fn worker() -> (Worker, mpsc::Receiver<Reply>) {
        let (tx, rx) = mpsc::channel();
        let w = Worker::spawn(Some(1), move |r| {
            let _ = tx.send(r);
        })
        .unwrap();
        (w, rx)
    }

    /// An edit is a second run of one slot: it takes the kept draws of every input but the
    /// edited one, and its result is the run `safetech run` makes of the edited scenario.
    #[test]
    fn edits_share_kept_draws_and_equal_fresh_runs() {
        let (mut w, rx) = worker();
        let paths = 3 * PREVIEW_PATHS;
        let central = load("central").unwrap();
        let edited = [
            crate::scenario::parameters::with_value(&central, "growth.volatility", 0.12).unwrap(),
            crate::scenario::parameters::with_value(&central, "growth.initial", 0.31).unwrap(),
        ];
        let settings = RunSettings {
            paths,
            ..RunSettings::default()
        };
        let mut scenarios = vec![central.clone(), central];
        scenarios.extend(edited);
        for (g, scenario) in scenarios.into_iter().enumerate() {
            w.submit(Job {
                slot: 0,
                generation: g as u64 + 1,
                scenario: scenario.clone(),
                settings,
            });
            let last = loop {
                match rx.recv_timeout(Duration::from_secs(60)).expect("a reply") {
                    Reply::Done { run, .. } if !run.preview => break run,
                    Reply::Done { .. } => {}
                    other => panic!("{other:?}"),
                }
            };
            let direct = simulate(&scenario, settings, RunControl::default()).unwrap();
            assert_eq!(last.projection.years, direct.years);
            assert_eq!(last.projection.target_values, direct.target_values);
            assert_eq!(last.exportable().first_passage, direct.first_passage);
        }
    }

    /// Submits `jobs` while the worker is busy with `blocker`, and returns every reply in the
    /// order it came. The claims of the tests below hold only if the worker was still running
    /// when the last job went in; a machine busy enough to let it finish first (it sends its
    /// final result before it looks at its queue again) makes the attempt start over, with a
    /// blocker twice as long, up to five times.
    fn replies_when_submitted_during(
        blocker: Job,
        focus: Vec<usize>,
        jobs: impl Fn() -> Vec<Job>,
    ) -> Vec<Reply> {
        let wanted = |jobs: &[Job]| {
            let mut last = std::collections::HashMap::new();
            for j in jobs {
                last.insert(j.slot, j.generation);
            }
            last
        };
        let mut blocker = blocker;
        for _ in 0..5 {
            let (mut w, rx) = worker();
            w.focus(focus.clone());
            let blocker_slot = blocker.slot;
            w.submit(blocker.clone());
            // Running once its first preview is out.
            let mut replies = vec![rx.recv_timeout(Duration::from_secs(60)).expect("a preview")];
            let jobs = jobs();
            let mut pending = wanted(&jobs);
            pending.insert(blocker_slot, blocker.generation);
            for j in jobs {
                w.submit(j);
            }
            replies.extend(rx.try_iter());
            let finished_early = replies
                .iter()
                .any(|r| matches!(r, Reply::Done { run, .. } if !run.preview));
            if finished_early {
                blocker.settings.paths *= 2;
                continue;
            }
            let is_final = |r: &Reply| match r {
                Reply::Done {
                    slot,
                    generation,
                    run,
                } => (!run.preview && pending.get(slot) == Some(generation)).then_some(*slot),
                Reply::Failed { error, .. } => panic!("{error}"),
                _ => None,
            };
            let already: Vec<usize> = replies.iter().filter_map(is_final).collect();
            let mut left = pending.clone();
            for slot in already {
                left.remove(&slot);
            }
            while !left.is_empty() {
                let r = rx.recv_timeout(Duration::from_secs(60)).expect("a reply");
                if let Some(slot) = is_final(&r) {
                    left.remove(&slot);
                }
                replies.push(r);
            }
            drop(w);
            replies.extend(rx.try_iter());
            return replies;
        }
        panic!(
            "the worker finished a run of {} paths before a few submissions went in",
            blocker.settings.paths
        )
    }

    #[test]
    fn newer_requests_cancel_older_ones() {
        // Slot 0 waits behind the more urgent slot 1, so all twenty of its requests are queued
        // when the worker next looks at its queue. Each has its own seed, so none takes the
        // draws an earlier one kept.
        let replies = replies_when_submitted_during(job(1, 1, 400_000), vec![1, 0], || {
            (1..=20)
                .map(|g| {
                    let mut j = job(0, g, 3000);
                    j.settings.seed = g;
                    j
                })
                .collect()
        });
        let answered: Vec<(usize, u64)> = replies
            .iter()
            .map(|r| match r {
                Reply::Done {
                    slot, generation, ..
                } => (*slot, *generation),
                other => panic!("only runs were submitted: {other:?}"),
            })
            .collect();
        // Slot 1's preview, its second preview and its full run, then only the newest request
        // of slot 0: the nineteen it replaced were never run.
        let firsts = answered.iter().take_while(|(slot, _)| *slot == 1).count();
        assert_eq!(firsts, 3, "{answered:?}");
        assert_eq!(answered[firsts..], [(0, 20)], "{answered:?}");
    }

    #[test]
    fn large_runs_send_a_preview_first() {
        let (mut w, rx) = worker();
        w.submit(job(0, 1, 3 * PREVIEW_PATHS));
        let first = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        let second = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        match (first, second) {
            (Reply::Done { run: a, .. }, Reply::Done { run: b, .. }) => {
                assert!(a.preview && !b.preview);
                assert_eq!(a.projection.paths(), PREVIEW_PATHS);
                assert_eq!(b.projection.paths(), 3 * PREVIEW_PATHS);
                // The preview's paths are the first paths of the full run.
                assert_eq!(
                    a.projection.target_values[..],
                    b.projection.target_values[..PREVIEW_PATHS]
                );
                // The final run is the run `safetech run` makes with the same seed and paths.
                let j = job(0, 1, 3 * PREVIEW_PATHS);
                let direct = simulate(&j.scenario, j.settings, RunControl::default()).unwrap();
                assert_eq!(b.projection.years, direct.years);
                assert_eq!(b.projection.target_values, direct.target_values);
                // What the view keeps rebuilds the projection exports need, and the
                // summaries are those of the whole run.
                let exported = b.exportable();
                assert_eq!(exported.first_passage, direct.first_passage);
                assert_eq!(exported.target_values, direct.target_values);
                assert_eq!(b.first_passage, crate::stats::first_passage(&direct));
                assert_eq!(b.target, crate::stats::target_probability(&direct));
                // The histogram's range: the 0.5% and 99.5% points of a sorted copy.
                let mut sorted = direct.target_values.clone();
                sorted.sort_by(f64::total_cmp);
                let at = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
                assert_eq!(b.histogram_range, (at(0.005), at(0.995)));
                assert!(b.projection.initial_growth.is_empty());
                assert_eq!(
                    b.held_bytes(),
                    3 * PREVIEW_PATHS as u64 * Run::BYTES_PER_PATH
                        + (b.projection
                            .sample_paths
                            .iter()
                            .map(Vec::len)
                            .sum::<usize>()
                            * 8) as u64
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_focused_slot_runs_first_and_preempts_the_rest() {
        // Slot 0 is running its full run when slots 1, 2 and 3 arrive: slot 3, the most urgent,
        // stops it, and it runs again after slot 2, ahead of slot 1, whose turn comes by index.
        let replies = replies_when_submitted_during(job(0, 1, 400_000), vec![3, 2], || {
            (1..4).rev().map(|slot| job(slot, 1, 60_000)).collect()
        });
        let finals: Vec<usize> = replies
            .iter()
            .filter_map(|r| match r {
                Reply::Done { slot, run, .. } if !run.preview => Some(*slot),
                Reply::Done { .. } => None,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(finals, [3, 2, 0, 1]);
    }

    #[test]
    fn stages_grow_to_the_full_run() {
        assert_eq!(stages(1000, true), [1000]);
        assert_eq!(stages(2 * PREVIEW_PATHS, true), [2 * PREVIEW_PATHS]);
        assert_eq!(stages(100_000, true), [PREVIEW_PATHS, 100_000]);
        assert_eq!(stages(1_000_000, true), [PREVIEW_PATHS, 63_488, 1_000_000]);
        assert_eq!(stages(1_000_000, false), [PREVIEW_PATHS, 1_000_000]);
        assert_eq!(stages(100_000, false), [PREVIEW_PATHS, 100_000]);
        for n in [1, 5000, 20_000, 300_000, 4_000_000] {
            let s = stages(n, true);
            assert!(s.windows(2).all(|w| w[0] < w[1]), "{s:?}");
            assert_eq!(s.last(), Some(&n));
        }
    }
}
