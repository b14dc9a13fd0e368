//! The memory estimate behind `--max-memory` is an upper bound on what a run really uses, and
//! not a loose one. Alone in its test binary: the peak resident size of children is per process.
#![cfg(unix)]

use crate::common;

use std::process::Command;

/// Peak resident bytes of one run of the program: `wait4` reports the child's own peak (the
/// test binary runs other tests' children at the same time, so RUSAGE_CHILDREN would not do).
fn peak_of(args: &[&str]) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let out = std::fs::File::create(dir.path().join("out.json")).unwrap();
    let err = std::fs::File::create(dir.path().join("err.txt")).unwrap();
    // Reaped by the wait4 below, which std's `wait` would not let us read the usage of.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(common::BIN)
        .args(args)
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap();
    // SAFETY: wait4 writes the status and the usage into the structs given, for our own child.
    let (status, peak) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let mut status = 0;
        let pid = child.id() as libc::pid_t;
        assert_eq!(libc::wait4(pid, &mut status, 0, &mut usage), pid);
        (status, usage.ru_maxrss as u64 * 1024)
    };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{args:?}: {}",
        std::fs::read_to_string(dir.path().join("err.txt")).unwrap()
    );
    peak
}

#[test]
fn the_estimate_bounds_the_measured_peak() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = safetech::scenario::builtin_source("classroom")
        .unwrap()
        .to_string();
    for i in 0..32 {
        text.push_str(&format!(
            "\n[[events]]\nid = \"e{i}\"\nname = \"Event {i}\"\nwindow = [2026, 2030]\n\
             outcomes = [{{ id = \"up\", probability = 0.4, growth_uplift = 0.01, duration = 2 }}]\n"
        ));
    }
    let file = dir.path().join("events32.toml");
    std::fs::write(&file, &text).unwrap();
    let file = file.to_str().unwrap();
    // Many events; and the central forecast, whose inputs are drawn and held per path.
    for (spec, paths) in [(file, 400_000), ("central", 1_000_000)] {
        let scenario = safetech::scenario::load(spec).unwrap();
        let peak = peak_of(&["run", "-f", "json", "-n", &paths.to_string(), "-s", spec]);
        let paths_bytes = safetech::sim::memory_estimate(&scenario, paths);
        let estimate = paths_bytes + safetech::sim::MEMORY_OVERHEAD;
        assert!(
            peak <= estimate,
            "{spec}: peak {peak} > estimate {estimate}"
        );
        assert!(
            peak >= paths_bytes * 6 / 10,
            "{spec}: peak {peak}: the per-path estimate {paths_bytes} is loose"
        );
    }
}
