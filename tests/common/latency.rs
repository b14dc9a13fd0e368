//! Measuring how fast edits reach the screen: the real update, worker and views, with a
//! headless terminal in place of the real one. Shared by a test (small runs, debug build) and a
//! benchmark (100,000 paths, release build).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safetech::scenario::{BUILTIN, load};
use safetech::sim::RunSettings;
use safetech::tui::app::App;
use safetech::tui::theme::{Theme, ThemeName};
use safetech::tui::update::Msg;
use safetech::tui::worker::{Reply, Run, Worker};
use safetech::tui::{dispatch, view};

/// How long a wait for the view lasts before the test fails. Far above any figure measured
/// in a debug build on a loaded machine: a view that stopped answering, not a slow one.
pub const GIVE_UP: Duration = Duration::from_secs(120);

pub struct Harness {
    pub app: App,
    worker: Worker,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    terminal: Terminal<TestBackend>,
    /// Longest time the interface thread spent on one batch of messages plus its frame.
    pub longest_frame: Duration,
    /// When each key not yet handled was sent (by [`Harness::press`] or a pressing thread).
    pub key_times: Arc<Mutex<VecDeque<Instant>>>,
    /// Per key handled, from its sending to the end of the frame drawn after it.
    pub key_to_frame: Vec<Duration>,
    /// Every new result the selected scenario took on screen, in the order it took them.
    pub shown: Vec<Shown>,
    /// The selected slot and its result at the end of the last step.
    last_shown: (usize, Option<Arc<Run>>),
}

/// A result the selected scenario took on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// The request it answers (None: no answer in that batch carried it).
    pub generation: Option<u64>,
    /// The scenario's latest request when it was taken.
    pub latest: u64,
    pub paths: usize,
    pub preview: bool,
}

impl Harness {
    pub fn new(paths: usize) -> Harness {
        Harness::with_threads(paths, None)
    }

    /// As [`Harness::new`], with the worker's pool limited to `threads`.
    pub fn with_threads(paths: usize, threads: Option<usize>) -> Harness {
        let scenarios = BUILTIN.iter().map(|(id, _)| load(id).unwrap()).collect();
        let settings = RunSettings {
            paths,
            ..RunSettings::default()
        };
        let app = App::new(scenarios, 0, settings, Theme::new(ThemeName::Dark, true));
        let (tx, rx) = mpsc::channel();
        let replies = tx.clone();
        let worker = Worker::spawn(threads, move |r| {
            let _ = replies.send(Msg::Worker(r));
        })
        .unwrap();
        let mut h = Harness {
            app,
            worker,
            tx,
            rx,
            terminal: Terminal::new(TestBackend::new(120, 40)).unwrap(),
            longest_frame: Duration::ZERO,
            key_times: Arc::default(),
            key_to_frame: Vec::new(),
            shown: Vec::new(),
            last_shown: (0, None),
        };
        for job in h.app.request_all() {
            h.worker.submit(job);
        }
        h
    }

    pub fn sender(&self) -> Sender<Msg> {
        self.tx.clone()
    }

    /// Handle whatever arrives within `wait` (plus anything queued behind it) and draw a frame,
    /// as the event loop does. Returns false if nothing arrived.
    pub fn step(&mut self, wait: Duration) -> bool {
        let Ok(first) = self.rx.recv_timeout(wait) else {
            return false;
        };
        let start = Instant::now();
        let batch: Vec<Msg> = std::iter::once(first).chain(self.rx.try_iter()).collect();
        let keys = batch.iter().filter(|m| matches!(m, Msg::Key(_))).count();
        // Note what is on screen after each message, as the latest request stands then: a
        // key later in the same batch makes a newer request, but the answer before it was
        // current when it was taken.
        for msg in batch {
            let answer = match &msg {
                Msg::Worker(Reply::Done {
                    slot,
                    generation,
                    run,
                }) => Some((*slot, *generation, run.clone())),
                _ => None,
            };
            dispatch(&mut self.app, msg, &mut self.worker);
            self.note_shown(answer.as_slice());
        }
        let app = &self.app;
        self.terminal.draw(|f| view::draw(f, app)).unwrap();
        let end = Instant::now();
        self.longest_frame = self.longest_frame.max(end - start);
        let mut times = self.key_times.lock().unwrap();
        for _ in 0..keys {
            if let Some(t) = times.pop_front() {
                self.key_to_frame.push(end - t);
            }
        }
        true
    }

    fn note_shown(&mut self, answers: &[(usize, u64, Arc<Run>)]) {
        let selected = self.app.selected;
        let run = self.app.slot().and_then(|s| s.run.clone());
        let (was_selected, was_shown) = &self.last_shown;
        if *was_selected == selected
            && !same(&run, was_shown)
            && let (Some(r), Some(slot)) = (&run, self.app.slot())
        {
            let generation = answers
                .iter()
                .find(|(s, _, a)| *s == selected && Arc::ptr_eq(a, r))
                .map(|(_, g, _)| *g);
            self.shown.push(Shown {
                generation,
                latest: slot.generation,
                paths: r.projection.paths(),
                preview: r.preview,
            });
        }
        self.last_shown = (selected, run);
    }

    /// Send a key now, timed from here to the frame drawn after it.
    pub fn press(&self, code: KeyCode) {
        press(&self.tx, &self.key_times, code);
    }

    pub fn screen(&self) -> String {
        self.terminal.backend().to_string()
    }

    /// Run until the selected scenario's full result for its latest request is on screen.
    pub fn settle(&mut self, timeout: Duration) -> Duration {
        let start = Instant::now();
        while self.app.slots.iter().any(|s| s.pending) {
            self.step(Duration::from_millis(5));
            assert!(start.elapsed() < timeout, "no result within {timeout:?}");
        }
        start.elapsed()
    }

    /// The P(target) line of the stats panel as drawn.
    pub fn p_target_on_screen(&self) -> String {
        let screen = self.screen();
        let lines: Vec<&str> = screen.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.contains("P(£1bn in 2026)"))
            .unwrap_or(0);
        lines
            .get(i + 1)
            .map(|l| l.split('│').nth(1).unwrap_or("").trim().to_string())
            .unwrap_or_default()
    }
}

fn press(tx: &Sender<Msg>, times: &Mutex<VecDeque<Instant>>, code: KeyCode) {
    let mut times = times.lock().unwrap();
    times.push_back(Instant::now());
    tx.send(key(code)).unwrap();
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[derive(Debug)]
pub struct EditLatency {
    /// Key press to a frame showing the full result.
    pub full: Vec<Duration>,
    /// Key press to a frame showing the first (preview or full) new figure.
    pub first: Vec<Duration>,
}

/// `n` single edits of the selected parameter, each left to finish.
pub fn single_edits(h: &mut Harness, n: usize) -> EditLatency {
    h.settle(GIVE_UP);
    let mut out = EditLatency {
        full: Vec::new(),
        first: Vec::new(),
    };
    for i in 0..n {
        // Holding the old run keeps its address from being reused by a new one.
        let before = h.app.slot().and_then(|s| s.run.clone());
        let t0 = Instant::now();
        h.press(if i % 2 == 0 {
            KeyCode::Left
        } else {
            KeyCode::Right
        });
        let mut first = None;
        loop {
            h.step(Duration::from_millis(1));
            let run = h.app.slot().and_then(|s| s.run.clone());
            let changed = !same(&run, &before);
            if first.is_none() && changed {
                first = Some(t0.elapsed());
            }
            if h.app.slot().is_some_and(|s| !s.pending) && changed {
                out.full.push(t0.elapsed());
                break;
            }
            assert!(t0.elapsed() < GIVE_UP, "edit {i} never finished");
        }
        out.first.push(first.unwrap_or_default());
    }
    out
}

#[derive(Debug)]
pub struct HoldReport {
    pub presses: usize,
    /// Key press to the end of the frame drawn after it (which shows the key's effect).
    pub key_to_frame: Vec<Duration>,
    /// Frames that showed a new simulation result for the selected scenario while keys came.
    pub results_shown: usize,
    /// From the last press to the final full result on screen.
    pub settle_after_release: Duration,
    pub longest_frame: Duration,
}

/// Hold → (or ←) on the selected parameter: `rate` presses a second for `duration`, sent by
/// another thread on its own clock, as a terminal would, whatever the interface is doing.
pub fn hold_key(h: &mut Harness, rate: f64, duration: Duration) -> HoldReport {
    h.settle(GIVE_UP);
    // Alternate direction in runs of ten so the value stays within its bounds.
    press_keys(h, rate, duration, |i| {
        if (i / 10) % 2 == 0 {
            KeyCode::Right
        } else {
            KeyCode::Left
        }
    })
}

/// Keys from `code(i)` at `rate` a second for `duration`, sent by another thread on its own
/// clock; the interface loop runs here meanwhile. Then waits for every scenario to settle.
pub fn press_keys(
    h: &mut Harness,
    rate: f64,
    duration: Duration,
    code: impl Fn(usize) -> KeyCode + Send + 'static,
) -> HoldReport {
    h.longest_frame = Duration::ZERO;
    h.key_to_frame.clear();
    let interval = Duration::from_secs_f64(1.0 / rate);
    let presses = (duration.as_secs_f64() * rate) as usize;
    let (tx, times) = (h.sender(), h.key_times.clone());
    let presser = std::thread::spawn(move || {
        let start = Instant::now();
        for i in 0..presses {
            let due = start + interval * i as u32;
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
            press(&tx, &times, code(i));
        }
        Instant::now()
    });
    let mut results_shown = 0;
    let mut last_run = h.app.slot().and_then(|s| s.run.clone());
    while h.key_to_frame.len() < presses {
        h.step(Duration::from_millis(100));
        let run = h.app.slot().and_then(|s| s.run.clone());
        if !same(&run, &last_run) {
            results_shown += 1;
            last_run = run;
        }
    }
    let last_press = presser.join().unwrap();
    h.settle(GIVE_UP);
    HoldReport {
        presses,
        key_to_frame: std::mem::take(&mut h.key_to_frame),
        results_shown,
        settle_after_release: last_press.elapsed(),
        longest_frame: h.longest_frame,
    }
}

fn same(a: &Option<Arc<Run>>, b: &Option<Arc<Run>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

pub fn percentile(v: &[Duration], p: f64) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    if s.is_empty() {
        return Duration::ZERO;
    }
    s[((s.len() - 1) as f64 * p).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[derive(Debug)]
pub struct DriversLatency {
    /// Key press to a frame showing the Drivers tab's first rows for the edited scenario.
    pub first_rows: Vec<Duration>,
    /// Key press to the finished analysis (every row at full paths and the solve) on screen.
    pub done: Vec<Duration>,
}

/// On the Drivers tab, `n` single edits of the selected parameter, each left to finish.
pub fn drivers_edits(h: &mut Harness, n: usize) -> DriversLatency {
    h.press(KeyCode::Char('4'));
    let finished = |h: &Harness| h.app.drivers.result.as_ref().is_some_and(|r| r.done);
    let start = Instant::now();
    while !finished(h) {
        h.step(Duration::from_millis(5));
        assert!(start.elapsed() < GIVE_UP, "drivers never finished");
    }
    h.settle(GIVE_UP);
    let mut out = DriversLatency {
        first_rows: Vec::new(),
        done: Vec::new(),
    };
    for i in 0..n {
        let before = h.app.drivers.result.clone();
        let t0 = Instant::now();
        h.press(if i % 2 == 0 {
            KeyCode::Left
        } else {
            KeyCode::Right
        });
        let mut first = None;
        loop {
            h.step(Duration::from_millis(1));
            let now = h.app.drivers.result.clone();
            let changed = match (&now, &before) {
                (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
                (Some(_), None) => true,
                _ => false,
            };
            if changed && first.is_none() {
                first = Some(t0.elapsed());
            }
            if changed && finished(h) {
                out.done.push(t0.elapsed());
                break;
            }
            assert!(t0.elapsed() < GIVE_UP, "drivers edit {i} never finished");
        }
        out.first_rows.push(first.unwrap_or_default());
    }
    out
}

/// The load average as `uptime` prints it (Linux), for the benchmarks' reports.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| {
            let f: Vec<&str> = s.split_whitespace().take(3).collect();
            format!("load average {}", f.join(" "))
        })
        .unwrap_or_else(|_| "load average unknown".into())
}
