//! A background thread that runs simulations, so the interface never waits for the engine.
//!
//! Each scenario slot has at most one live request: submitting a newer one sets the cancel flag
//! of the older (queued or running), and the engine stops within one simulated year. Large runs
//! first deliver a quick preview on a subset of the same paths (same seed, so the preview is the
//! first chunks of the full run), which keeps the view moving while a key is held down.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::scenario::Scenario;
use crate::sim::{Projection, RunControl, RunSettings, SimError, simulate};
use crate::stats::{FirstPassage, TargetProbability, first_passage, target_probability};

/// Paths of the preview run; runs of up to twice this many skip the preview.
pub const PREVIEW_PATHS: usize = 8192;

#[derive(Debug, Clone)]
pub struct Job {
    pub slot: usize,
    /// Increases with every request for a slot; lets the interface drop stale answers.
    pub generation: u64,
    pub scenario: Scenario,
    pub settings: RunSettings,
}

/// A finished run with the summaries the views need, computed here rather than on the UI thread.
#[derive(Debug)]
pub struct Run {
    pub projection: Projection,
    pub target: TargetProbability,
    pub first_passage: Vec<FirstPassage>,
    /// Revenue in the target year, sorted, for the histogram.
    pub sorted_target_values: Vec<f64>,
    /// True for the quick preview that precedes a large run.
    pub preview: bool,
    pub elapsed: Duration,
}

impl Run {
    pub fn of(projection: Projection, preview: bool, elapsed: Duration) -> Run {
        let mut sorted: Vec<f64> = projection
            .target_values
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        sorted.sort_unstable_by(f64::total_cmp);
        Run {
            target: target_probability(&projection),
            first_passage: first_passage(&projection),
            sorted_target_values: sorted,
            projection,
            preview,
            elapsed,
        }
    }
}

#[derive(Debug)]
pub enum Reply {
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
    cancel: Arc<AtomicBool>,
}

pub struct Worker {
    tx: Option<Sender<Queued>>,
    /// The Drivers tab's analyses run on a second thread, one at a time; newer cancel older.
    drivers_tx: Option<Sender<(super::drivers::DriversJob, Arc<AtomicBool>)>>,
    drivers_live: Option<Arc<AtomicBool>>,
    drivers_handle: Option<JoinHandle<()>>,
    /// Cancel flag of the latest request per slot.
    live: Vec<Option<Arc<AtomicBool>>>,
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
            builder.build().map_err(std::io::Error::other)
        };
        let pool = pool_of("sim")?;
        let main_reply = reply.clone();
        let handle = std::thread::Builder::new()
            .name("simulation".into())
            .spawn(move || serve(rx, pool, move |r| main_reply(r)))?;
        let (drivers_tx, drivers_rx) = mpsc::channel();
        let drivers_pool = pool_of("drivers")?;
        let drivers_handle = std::thread::Builder::new()
            .name("drivers".into())
            .spawn(move || serve_drivers(drivers_rx, drivers_pool, move |r| reply(r)))?;
        Ok(Worker {
            tx: Some(tx),
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

    /// Queue a job, cancelling the previous request for the same slot.
    pub fn submit(&mut self, job: Job) {
        if self.live.len() <= job.slot {
            self.live.resize(job.slot + 1, None);
        }
        if let Some(old) = self.live[job.slot].take() {
            old.store(true, Ordering::Relaxed);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.live[job.slot] = Some(cancel.clone());
        if let Some(tx) = &self.tx {
            let _ = tx.send(Queued { job, cancel });
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        for flag in self.live.iter().flatten().chain(&self.drivers_live) {
            flag.store(true, Ordering::Relaxed);
        }
        // Closing the channels ends the threads once the current runs stop.
        self.tx = None;
        self.drivers_tx = None;
        for h in [self.handle.take(), self.drivers_handle.take()]
            .into_iter()
            .flatten()
        {
            let _ = h.join();
        }
    }
}

fn serve(rx: Receiver<Queued>, pool: rayon::ThreadPool, reply: impl Fn(Reply)) {
    let mut queue: Vec<Queued> = Vec::new();
    loop {
        if queue.is_empty() {
            match rx.recv() {
                Ok(q) => queue.push(q),
                Err(_) => return,
            }
        }
        queue.extend(rx.try_iter());
        queue.retain(|q| !q.cancel.load(Ordering::Relaxed));
        if queue.is_empty() {
            continue;
        }
        let q = queue.remove(0);
        run_job(&q, &pool, &reply);
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

fn run_job(q: &Queued, pool: &rayon::ThreadPool, reply: &impl Fn(Reply)) {
    let Job {
        slot, generation, ..
    } = q.job;
    let control = RunControl {
        cancel: Some(&q.cancel),
        progress: None,
    };
    let full = q.job.settings;
    let stages: &[bool] = if full.paths > 2 * PREVIEW_PATHS {
        &[true, false]
    } else {
        &[false]
    };
    for &preview in stages {
        let settings = if preview {
            RunSettings {
                paths: PREVIEW_PATHS,
                ..full
            }
        } else {
            full
        };
        let started = Instant::now();
        match pool.install(|| simulate(&q.job.scenario, settings, control)) {
            Ok(p) => {
                let run = Run::of(p, preview, started.elapsed());
                if q.cancel.load(Ordering::Relaxed) {
                    return;
                }
                reply(Reply::Done {
                    slot,
                    generation,
                    run: Arc::new(run),
                });
            }
            Err(SimError::Cancelled) => return,
            Err(e) => {
                reply(Reply::Failed {
                    slot,
                    generation,
                    error: e.to_string(),
                });
                return;
            }
        }
    }
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

    #[test]
    fn newer_requests_cancel_older_ones() {
        let (tx, rx) = mpsc::channel();
        let mut w = Worker::spawn(Some(1), move |r| {
            let _ = tx.send(r);
        })
        .unwrap();
        for g in 1..=20 {
            w.submit(job(0, g, 3000));
        }
        w.submit(job(1, 1, 3000));
        let mut last = std::collections::HashMap::new();
        let mut replies_for_slot_0 = 0;
        while last.get(&0) != Some(&20) || last.get(&1) != Some(&1) {
            match rx.recv_timeout(Duration::from_secs(30)).expect("a reply") {
                Reply::Done {
                    slot, generation, ..
                } => {
                    replies_for_slot_0 += usize::from(slot == 0);
                    last.insert(slot, generation);
                }
                Reply::Failed { error, .. } => panic!("{error}"),
                Reply::Drivers(_) => panic!("no drivers job was submitted"),
            }
        }
        drop(w);
        // Twenty requests queued faster than they can run: the older ones must be skipped.
        assert!(replies_for_slot_0 <= 2, "{replies_for_slot_0} replies");
        assert_eq!(rx.try_iter().count(), 0);
    }

    #[test]
    fn large_runs_send_a_preview_first() {
        let (tx, rx) = mpsc::channel();
        let mut w = Worker::spawn(Some(1), move |r| {
            let _ = tx.send(r);
        })
        .unwrap();
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
            }
            other => panic!("{other:?}"),
        }
    }
}
