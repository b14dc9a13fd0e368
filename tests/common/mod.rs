//! Helpers shared by the integration tests. The benches include parts of it and use a part of
//! those, hence the allowance for dead code.
#![allow(dead_code)]

pub mod latency;
#[cfg(unix)]
pub mod limited;
pub mod svg;

/// `SAFETECH_SOAK=1` (CI sets it) runs the long rounds: the property tests' full case counts and
/// every terminal size. Without it `cargo test` runs fewer rounds of the same properties.
pub fn soak() -> bool {
    std::env::var_os("SAFETECH_SOAK").is_some_and(|v| v != "0")
}

/// The program under test, built by cargo for the integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_safetech");

/// The program as a command. A chart's footer date comes from `SOURCE_DATE_EPOCH`, so the
/// caller's environment is kept out of it; a test that wants a date sets one.
pub fn safetech() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(BIN);
    cmd.env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// Runs `cmd`, which must succeed (its standard error shown if not), and returns its output.
pub fn succeed(cmd: &mut assert_cmd::Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `cmd`, which must succeed, and reads its standard output as JSON.
pub fn json_of(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    serde_json::from_slice(&succeed(cmd).stdout).unwrap()
}

/// A file or tool a test cannot do without: a missing one fails the test by name, rather than
/// letting it pass having checked nothing.
pub fn require(what: &str, present: bool) {
    assert!(
        present,
        "this test needs {what}, which is missing here: install it, or skip the test by name \
         (cargo test -- --skip NAME)"
    );
}

/// The always-full device, for writes that run out of space. Linux has it (other systems'
/// tests that use it are ignored there); a Linux without it fails the test.
pub const DEV_FULL: &str = "/dev/full";

pub fn require_dev_full() {
    require(DEV_FULL, std::path::Path::new(DEV_FULL).exists());
}

/// Fails the test, naming `program`, when it cannot be started.
pub fn require_program(program: &str) {
    let started = std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    require(program, started);
}
