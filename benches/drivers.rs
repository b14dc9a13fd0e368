//! The Drivers tab's whole analysis (`tui::drivers::run`: the pilot, the rows as they refine,
//! the 50 % solve, the variance shares) of one scenario, timed stage by stage:
//! `cargo bench --bench drivers [-- SCENARIO [PATHS]]`, osa-enforced at 1,000,000 paths by
//! default, on all cores. Prints the load average before and after; the goal (issue of the
//! lighter view) is the whole analysis of osa-enforced at 1M paths within 1.0 s.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use safetech::sim::RunSettings;
use safetech::tui::drivers::{DriversJob, DriversReply, run};

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let name = args.first().map_or("osa-enforced", String::as_str);
    let paths: usize = args.get(1).map_or(1_000_000, |p| p.parse().expect("paths"));
    let scenario = safetech::scenario::load(name).expect("a scenario");
    let job = DriversJob {
        generation: 1,
        scenario,
        settings: RunSettings {
            paths,
            ..RunSettings::default()
        },
    };
    println!("{name}, {paths} paths; load average {}", load_average());
    let started = Instant::now();
    let stages = std::sync::Mutex::new(Vec::new());
    run(&job, &AtomicBool::new(false), &|reply| {
        if let DriversReply::Progress { result, .. } = reply {
            let stage = if result.done {
                "shares"
            } else if result.needed.is_some() {
                "solve"
            } else if result.refined() == result.rows.len() {
                "rows"
            } else {
                return;
            };
            let mut s = stages.lock().unwrap();
            if s.last().is_none_or(|(l, _)| *l != stage) {
                s.push((stage, started.elapsed()));
            }
        }
    });
    let total = started.elapsed();
    let mut last = std::time::Duration::ZERO;
    for (stage, at) in stages.into_inner().unwrap() {
        println!(
            "{stage:>6} done at {:.2} s (+{:.2} s)",
            at.as_secs_f64(),
            (at - last).as_secs_f64()
        );
        last = at;
    }
    println!(
        "whole analysis: {:.2} s (goal 1.0 s); load average {}",
        total.as_secs_f64(),
        load_average()
    );
}
