//! Measuring how fast edits reach the screen: the real update, worker and views, with a
//! headless terminal in place of the real one. Shared by a test (small runs, debug build) and a
//! benchmark (100,000 paths, release build).

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use safetech::scenario::{BUILTIN, load};
use safetech::sim::RunSettings;
use safetech::tui::app::App;
use safetech::tui::theme::{Theme, ThemeName};
use safetech::tui::update::Msg;
use safetech::tui::worker::{Run, Worker};
use safetech::tui::{dispatch, view};

pub struct Harness {
    pub app: App,
    worker: Worker,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    terminal: Terminal<TestBackend>,
    /// Longest time the interface thread spent on one batch of messages plus its frame.
    pub longest_frame: Duration,
}

impl Harness {
    pub fn new(paths: usize) -> Harness {
        let scenarios = BUILTIN.iter().map(|(id, _)| load(id).unwrap()).collect();
        let settings = RunSettings {
            paths,
            ..RunSettings::default()
        };
        let app = App::new(scenarios, 0, settings, Theme::new(ThemeName::Dark, true));
        let (tx, rx) = mpsc::channel();
        let replies = tx.clone();
        let worker = Worker::spawn(None, move |r| {
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
        for msg in batch {
            dispatch(&mut self.app, msg, &mut self.worker);
        }
        let app = &self.app;
        self.terminal.draw(|f| view::draw(f, app)).unwrap();
        self.longest_frame = self.longest_frame.max(start.elapsed());
        true
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
    h.settle(Duration::from_secs(120));
    let mut out = EditLatency {
        full: Vec::new(),
        first: Vec::new(),
    };
    for i in 0..n {
        // Holding the old run keeps its address from being reused by a new one.
        let before = h.app.slot().and_then(|s| s.run.clone());
        let t0 = Instant::now();
        h.sender()
            .send(key(if i % 2 == 0 {
                KeyCode::Left
            } else {
                KeyCode::Right
            }))
            .unwrap();
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
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "edit {i} never finished"
            );
        }
        out.first.push(first.unwrap_or_default());
    }
    out
}

#[derive(Debug)]
pub struct HoldReport {
    pub presses: usize,
    /// Key press to the frame showing the new parameter value.
    pub key_to_frame: Vec<Duration>,
    /// Frames that showed a new simulation result while the key was held.
    pub results_shown: usize,
    /// From the last press to the final full result on screen.
    pub settle_after_release: Duration,
    pub longest_frame: Duration,
}

/// Hold → (or ←) on the selected parameter: `rate` presses a second for `duration`.
pub fn hold_key(h: &mut Harness, rate: f64, duration: Duration) -> HoldReport {
    h.settle(Duration::from_secs(120));
    h.longest_frame = Duration::ZERO;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let presses = (duration.as_secs_f64() * rate) as usize;
    let mut key_to_frame = Vec::with_capacity(presses);
    let mut results_shown = 0;
    let mut last_run = h.app.slot().and_then(|s| s.run.clone());
    let start = Instant::now();
    let mut last_press = start;
    for i in 0..presses {
        let due = start + interval * i as u32;
        // Keep handling results until the next press is due, as the event loop would.
        while Instant::now() < due {
            h.step(
                due.saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(2)),
            );
            let run = h.app.slot().and_then(|s| s.run.clone());
            if !same(&run, &last_run) {
                results_shown += 1;
                last_run = run;
            }
        }
        // Alternate direction in runs of ten so the value stays within its bounds.
        let code = if (i / 10) % 2 == 0 {
            KeyCode::Right
        } else {
            KeyCode::Left
        };
        let expected_before = h
            .app
            .selected_param()
            .map(|p| p.display(&h.app.slot().unwrap().scenario));
        let t0 = Instant::now();
        h.sender().send(key(code)).unwrap();
        // The frame drawn after this press must show the new value.
        loop {
            h.step(Duration::from_millis(100));
            let shown = h
                .app
                .selected_param()
                .map(|p| p.display(&h.app.slot().unwrap().scenario));
            if shown != expected_before || t0.elapsed() > Duration::from_secs(5) {
                break;
            }
        }
        key_to_frame.push(t0.elapsed());
        last_press = t0;
    }
    h.settle(Duration::from_secs(120));
    HoldReport {
        presses,
        key_to_frame,
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
    h.sender().send(key(KeyCode::Char('4'))).unwrap();
    let finished = |h: &Harness| h.app.drivers.result.as_ref().is_some_and(|r| r.done);
    let start = Instant::now();
    while !finished(h) {
        h.step(Duration::from_millis(5));
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "drivers never finished"
        );
    }
    h.settle(Duration::from_secs(120));
    let mut out = DriversLatency {
        first_rows: Vec::new(),
        done: Vec::new(),
    };
    for i in 0..n {
        let before = h.app.drivers.result.clone();
        let t0 = Instant::now();
        h.sender()
            .send(key(if i % 2 == 0 {
                KeyCode::Left
            } else {
                KeyCode::Right
            }))
            .unwrap();
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
            assert!(
                t0.elapsed() < Duration::from_secs(120),
                "drivers edit {i} never finished"
            );
        }
        out.first_rows.push(first.unwrap_or_default());
    }
    out
}
