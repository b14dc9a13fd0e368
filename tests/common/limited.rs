//! The program run as a child under resource limits: a 2 GB address space, and killed when it
//! runs past 30 s, so that a hang or a memory bomb fails the test instead of stalling the suite.
//! The limit only catches hangs: a debug build on a loaded machine may take several seconds
//! for a run that takes a tenth of that in release, so it is far above any honest run.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const ADDRESS_SPACE: u64 = 2 << 30;
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// Runs the binary in `dir` under the address-space limit; kills it at the time limit.
pub fn limited(dir: &Path, args: &[&str]) -> Ran {
    let mut cmd = Command::new(super::BIN);
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only an async-signal-safe call between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE as libc::rlim_t,
                rlim_max: ADDRESS_SPACE as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("the binary starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let ran = Ran {
        code: status.and_then(|s| s.code()),
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
        elapsed: start.elapsed(),
    };
    assert!(
        status.is_some(),
        "{args:?} did not finish within {TIME_LIMIT:?}: {}",
        ran.stderr
    );
    assert!(
        !ran.stderr.contains("panicked"),
        "{args:?} panicked: {}",
        ran.stderr
    );
    ran
}

/// Runs `safetech ARGS` in a pseudo-terminal under the address-space limit; returns its exit
/// status and everything it wrote. Fails if it runs past the time limit.
pub fn in_terminal(dir: &Path, args: &str) -> (u32, String) {
    let pty = portable_pty::native_pty_system()
        .openpty(portable_pty::PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = portable_pty::CommandBuilder::new("sh");
    cmd.args([
        "-c",
        &format!("ulimit -v {} && exec \"$0\" {args}", ADDRESS_SPACE >> 10),
        super::BIN,
    ]);
    cmd.cwd(dir);
    cmd.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let output = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = reader.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("`{args}` in a terminal did not finish within {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(pty.master);
    let text = String::from_utf8_lossy(&output.join().unwrap()).to_string();
    assert!(!text.contains("panicked"), "{args}: {text}");
    (status.exit_code(), text)
}
