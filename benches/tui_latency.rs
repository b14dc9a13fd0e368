//! Edit-to-screen latency of the interactive view (release build), through the real update →
//! worker → view path with a headless terminal: `cargo bench --bench tui_latency`.
//! 1,000,000 paths on a 2-thread pool by default; `SAFETECH_BENCH_PATHS` and
//! `SAFETECH_BENCH_THREADS` change them. Prints the load average before and after.
//!
//! The latency limits live here, not in `cargo test`: a debug build on a shared machine cannot
//! promise a time. Every figure with a limit is printed against it, and the bench exits with
//! status 1 when one is over (rerun when the load was high: the limits are for a quiet machine).

#[path = "../tests/common/latency.rs"]
mod latency;

use std::process::ExitCode;
use std::time::Duration;

use latency::{Harness, HoldReport, hold_key, ms, percentile, press_keys, single_edits};
use ratatui::crossterm::event::KeyCode;

/// The interface's latency limits (release build, 1M paths, 2 threads).
const FIRST_PREVIEW_MEDIAN: Duration = Duration::from_millis(60);
const FULL_RESULT_MEDIAN: Duration = Duration::from_millis(150);
const KEY_TO_FRAME_P95: Duration = Duration::from_millis(50);

fn main() -> ExitCode {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let paths = env("SAFETECH_BENCH_PATHS", 1_000_000);
    let threads = env("SAFETECH_BENCH_THREADS", 2);
    println!(
        "{paths} paths, {threads} threads; {}",
        latency::load_average()
    );
    let mut h = Harness::with_threads(paths, Some(threads));
    let startup = h.settle(Duration::from_secs(120));
    println!(
        "first full results for every scenario at {paths} paths: {}",
        ms(startup)
    );

    let mut limits = Limits::default();
    let e = single_edits(&mut h, 30);
    println!(
        "single edit → full result on screen: median {}, p95 {}, max {}",
        ms(percentile(&e.full, 0.5)),
        ms(percentile(&e.full, 0.95)),
        ms(percentile(&e.full, 1.0))
    );
    println!(
        "single edit → first new figure (preview) on screen: median {}, max {}",
        ms(percentile(&e.first, 0.5)),
        ms(percentile(&e.first, 1.0))
    );
    limits.check(
        "edit → first preview, median",
        percentile(&e.first, 0.5),
        FIRST_PREVIEW_MEDIAN,
    );
    limits.check(
        "edit → full result, median",
        percentile(&e.full, 0.5),
        FULL_RESULT_MEDIAN,
    );

    let r = hold_key(&mut h, 30.0, Duration::from_secs(5));
    print_keys("key held on an edit at 30/s for 5 s", &r);
    limits.check(
        "key held: key → frame, p95",
        percentile(&r.key_to_frame, 0.95),
        KEY_TO_FRAME_P95,
    );

    // A new seed reruns every scenario (minutes of engine work at 1M paths on 2 cores); move
    // the parameter selection up and down meanwhile.
    h.press(KeyCode::Char('n'));
    let r = press_keys(&mut h, 30.0, Duration::from_secs(3), |i| {
        if (i / 5) % 2 == 0 {
            KeyCode::Down
        } else {
            KeyCode::Up
        }
    });
    print_keys("↑/↓ at 30/s for 3 s while every scenario reruns", &r);
    limits.check(
        "↑/↓ during reruns: key → frame, p95",
        percentile(&r.key_to_frame, 0.95),
        KEY_TO_FRAME_P95,
    );
    println!("{}", latency::load_average());
    limits.report()
}

#[derive(Default)]
struct Limits {
    over: Vec<String>,
}

impl Limits {
    fn check(&mut self, what: &str, figure: Duration, limit: Duration) {
        let verdict = if figure <= limit { "within" } else { "OVER" };
        println!("  limit: {what} {} {verdict} {}", ms(figure), ms(limit));
        if figure > limit {
            self.over
                .push(format!("{what}: {} > {}", ms(figure), ms(limit)));
        }
    }

    fn report(self) -> ExitCode {
        if self.over.is_empty() {
            return ExitCode::SUCCESS;
        }
        eprintln!("over the limit (rerun if the machine was busy):");
        for o in &self.over {
            eprintln!("  {o}");
        }
        ExitCode::FAILURE
    }
}

fn print_keys(what: &str, r: &HoldReport) {
    println!(
        "{what} ({} presses): key → redrawn frame median {}, p95 {}, max {}",
        r.presses,
        ms(percentile(&r.key_to_frame, 0.5)),
        ms(percentile(&r.key_to_frame, 0.95)),
        ms(percentile(&r.key_to_frame, 1.0))
    );
    println!(
        "  results drawn for the selected scenario meanwhile: {}; longest UI frame: {}; last press → every result final: {}",
        r.results_shown,
        ms(r.longest_frame),
        ms(r.settle_after_release)
    );
}
