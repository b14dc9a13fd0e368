//! The memory estimate behind `--max-memory` is an upper bound on what a run really uses, and
//! not a loose one. Alone in its test binary: the peak resident size of children is per process.
#![cfg(unix)]

use crate::common;

use std::process::Command;

#[test]
fn the_estimate_bounds_the_measured_peak() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = safetech::scenario::builtin_source("classroom")
        .unwrap()
        .to_string();
    for i in 0..32 {
        text.push_str(&format!(
            "\n[[events]]\nid = \"e{i}\"\nname = \"Event {i}\"\nwindow = [2025, 2030]\n\
             outcomes = [{{ id = \"up\", probability = 0.4, growth_uplift = 0.01, duration = 2 }}]\n"
        ));
    }
    let file = dir.path().join("events32.toml");
    std::fs::write(&file, &text).unwrap();
    let scenario = safetech::scenario::load(file.to_str().unwrap()).unwrap();
    let paths = 400_000;
    let out = Command::new(common::BIN)
        .args(["run", "-f", "json", "-n", &paths.to_string(), "-s"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // SAFETY: getrusage writes into the struct given.
    let peak = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage.ru_maxrss as u64 * 1024
    };
    let paths_bytes = safetech::sim::memory_estimate(&scenario, paths);
    let estimate = paths_bytes + safetech::sim::MEMORY_OVERHEAD;
    assert!(peak <= estimate, "peak {peak} > estimate {estimate}");
    assert!(
        peak >= paths_bytes * 6 / 10,
        "peak {peak}: the per-path estimate {paths_bytes} is loose"
    );
}
