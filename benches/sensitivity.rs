//! Sensitivity's speed targets (benches/README.md), release build: `cargo bench --bench sensitivity`.
//!
//! - a full tornado of the default scenario at 100,000 paths per swing on 2 threads (< 1 s);
//! - the TUI's Drivers tab: an edit → its first rows on screen (< 300 ms), and → finished.

#[path = "../tests/common/latency.rs"]
mod latency;

use std::time::{Duration, Instant};

use latency::{Harness, drivers_edits, ms, percentile};
use safetech::analysis::sensitivity::tornado;
use safetech::scenario::load;
use safetech::sim::{RunControl, RunSettings};

fn main() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let settings = RunSettings {
        paths: 100_000,
        ..RunSettings::default()
    };
    for id in ["baseline", "transatlantic"] {
        let s = load(id).unwrap();
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..11 {
            let t0 = Instant::now();
            let (_, r) = pool
                .install(|| tornado(&s, settings, RunControl::default()))
                .unwrap();
            times.push(t0.elapsed());
            rows = r.len();
        }
        let median = percentile(&times, 0.5);
        println!(
            "tornado of {id} ({rows} inputs, {} runs) at 100,000 paths per swing, 2 threads: median {}, min {}, max {} over 11; {:.3} of the 1 s budget",
            2 * rows + 1,
            ms(median),
            ms(percentile(&times, 0.0)),
            ms(percentile(&times, 1.0)),
            median.as_secs_f64()
        );
    }

    let mut h = Harness::new(100_000);
    h.settle(Duration::from_secs(120));
    let d = drivers_edits(&mut h, 20);
    let first = percentile(&d.first_rows, 0.5);
    println!(
        "Drivers tab, edit → first rows on screen at 100,000 paths: median {}, p95 {}, max {} over 20 edits; median {:.3} of the 300 ms budget",
        ms(first),
        ms(percentile(&d.first_rows, 0.95)),
        ms(percentile(&d.first_rows, 1.0)),
        first.as_secs_f64() / 0.3
    );
    println!(
        "Drivers tab, edit → every row at full paths and the solve on screen: median {}, max {}",
        ms(percentile(&d.done, 0.5)),
        ms(percentile(&d.done, 1.0))
    );
}
