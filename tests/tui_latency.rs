//! The interface never waits for the engine: edits reach the screen, results arrive in the
//! order they were asked for, and the last one is the command line's. How fast is measured in
//! release by `cargo bench --bench tui_latency`, not here: a debug build on a shared machine
//! cannot promise a time, so these tests assert none.

use crate::common;

use std::time::Duration;

use common::latency::{GIVE_UP, Harness, Shown, hold_key, ms, percentile, single_edits};
use common::safetech;

#[test]
fn an_edit_reaches_the_screen_and_changes_p_target() {
    let mut h = Harness::new(20_000);
    h.settle(GIVE_UP);
    let before = h.p_target_on_screen();
    let lat = single_edits(&mut h, 1);
    let after = h.p_target_on_screen();
    assert_ne!(
        before, after,
        "P(target) on screen must change after lowering growth"
    );
    eprintln!(
        "debug build, 20,000 paths: edit → full result {}",
        ms(lat.full[0])
    );
    assert_in_order(&h.shown);
    assert_final_result_is_the_clis(&h);
}

#[test]
fn holding_a_key_keeps_the_interface_responsive() {
    // Debug build: simulations are slow here, which is the point: the interface must not wait.
    let mut h = Harness::new(50_000);
    let r = hold_key(&mut h, 30.0, Duration::from_secs(2));
    eprintln!(
        "{} presses: key→frame median {}, p95 {}, max {}; longest frame {}",
        r.presses,
        ms(percentile(&r.key_to_frame, 0.5)),
        ms(percentile(&r.key_to_frame, 0.95)),
        ms(percentile(&r.key_to_frame, 1.0)),
        ms(r.longest_frame)
    );
    // Every press was handled and followed by a frame, while simulations were running.
    assert_eq!(r.key_to_frame.len(), r.presses);
    assert_in_order(&h.shown);
    assert_final_result_is_the_clis(&h);
}

#[test]
fn drivers_tab_follows_edits() {
    // Debug build: only that each edit's rows arrive and the analysis finishes; the 300 ms
    // figure at 100,000 paths comes from `cargo bench --bench sensitivity`.
    let mut h = Harness::new(10_000);
    h.settle(GIVE_UP);
    let d = common::latency::drivers_edits(&mut h, 2);
    assert!(d.first_rows.iter().zip(&d.done).all(|(f, d)| f <= d));
    let screen = h.screen();
    assert!(screen.contains("Drivers · what moves"), "{screen}");
    assert!(screen.contains("Needed for 50%: growth now"), "{screen}");
    eprintln!(
        "debug build, 10,000 paths: first rows {}, done {}",
        ms(d.first_rows[0]),
        ms(d.done[0])
    );
}

/// Results reached the screen in the order they were asked for: each one answers the
/// scenario's latest request at the time, never an older request after a newer one, and
/// within one request the previews come before the full run.
fn assert_in_order(shown: &[Shown]) {
    assert!(!shown.is_empty(), "no result reached the screen");
    for s in shown {
        assert_eq!(
            s.generation,
            Some(s.latest),
            "a stale result shown: {shown:#?}"
        );
    }
    for w in shown.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(
            a.generation < b.generation || (a.generation == b.generation && a.paths < b.paths),
            "results out of order: {shown:#?}"
        );
    }
}

/// The selected scenario's final result on screen is what `safetech run` gives for the same
/// scenario, edit, seed and paths.
fn assert_final_result_is_the_clis(h: &Harness) {
    let slot = h.app.slot().expect("a selected scenario");
    let run = slot.run.as_ref().expect("a result on screen");
    assert!(!slot.pending && !run.preview, "the final result is shown");
    let param = h.app.selected_param().expect("a selected parameter");
    let settings = h.app.settings;
    let json = common::json_of(
        safetech()
            .args(["run", "-f", "json", "-s", &slot.original.scenario.id])
            .args(["-n", &settings.paths.to_string()])
            .args(["--seed", &settings.seed.to_string()])
            .arg("--set")
            .arg(format!(
                "{}={}",
                param.key(&slot.scenario),
                param.get(&slot.scenario)
            )),
    );
    let cli = &json["scenarios"][0];
    let p = &run.projection;
    assert_eq!(cli["paths"], p.paths());
    // JSON's decimals come back within an ulp or two; a different run differs by far more.
    let same = |a: f64, b: &serde_json::Value, what: &str| {
        let b = b.as_f64().unwrap_or_else(|| panic!("{what}: {b}"));
        assert!(
            (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs()),
            "{what}: on screen {a}, command line {b}"
        );
    };
    same(
        run.target.probability,
        &cli["target"]["probability"],
        "P(target)",
    );
    let years = cli["years"].as_array().unwrap();
    assert_eq!(years.len(), p.years.len());
    for (y, c) in p.years.iter().zip(years) {
        assert_eq!(c["year"], y.year);
        same(y.mean, &c["mean"], "mean");
        same(y.sd, &c["sd"], "sd");
        same(y.p5(), &c["p5"], "p5");
        same(y.median(), &c["p50"], "median");
        same(y.p95(), &c["p95"], "p95");
        same(y.p_target, &c["p_target"], "p_target");
    }
}
