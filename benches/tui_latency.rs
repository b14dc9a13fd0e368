//! Edit-to-screen latency of the interactive view at 100,000 paths (release build):
//! `cargo bench --bench tui_latency`.

#[path = "../tests/common/latency.rs"]
mod latency;

use std::time::Duration;

use latency::{Harness, hold_key, ms, percentile, single_edits};

fn main() {
    let paths = 100_000;
    let mut h = Harness::new(paths);
    let startup = h.settle(Duration::from_secs(120));
    println!(
        "first full results for both scenarios at {paths} paths: {}",
        ms(startup)
    );

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

    let r = hold_key(&mut h, 30.0, Duration::from_secs(5));
    println!(
        "key held at 30/s for 5 s ({} presses): key → frame with new value median {}, p95 {}, max {}",
        r.presses,
        ms(percentile(&r.key_to_frame, 0.5)),
        ms(percentile(&r.key_to_frame, 0.95)),
        ms(percentile(&r.key_to_frame, 1.0))
    );
    println!(
        "  new results drawn while held: {}; longest UI frame: {}; last press → final full result: {}",
        r.results_shown,
        ms(r.longest_frame),
        ms(r.settle_after_release)
    );
}
