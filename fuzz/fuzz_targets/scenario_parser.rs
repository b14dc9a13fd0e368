//! Scenario text in, as `--scenario FILE` would read it: parsing and validation never panic,
//! and a scenario they accept runs (small) to finite results or to the engine's range stop.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safetech::scenario::{MAX_FILE_BYTES, parse_str};
use safetech::sim::{RunControl, RunSettings, SimError, simulate};

fuzz_target!(|data: &[u8]| {
    // The program refuses larger files and non-UTF-8 text before parsing.
    if data.len() as u64 > MAX_FILE_BYTES {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = parse_str(text, "fuzz.toml") else {
        return;
    };
    let settings = RunSettings {
        paths: 64,
        seed: 1,
        sample_paths: 2,
    };
    match simulate(&scenario, settings, RunControl::default()) {
        Ok(p) => {
            for y in &p.years {
                let values = [y.mean, y.sd, y.p_target].into_iter().chain(y.percentiles);
                assert!(values.into_iter().all(f64::is_finite), "{y:?}");
                assert!(y.sd > 0.0 || y.p5() == y.p95(), "{y:?}");
            }
        }
        Err(SimError::OutOfRange { .. }) => {}
        Err(e) => panic!("{e}"),
    }
});
