//! End to end in a pseudo-terminal: the real binary, driven by keys, read back through a
//! terminal emulator.

use crate::common;

use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    _master: Box<dyn MasterPty + Send>,
    _dir: tempfile::TempDir,
}

impl Session {
    fn start(args: &[&str], cols: u16, rows: u16) -> Session {
        Session::start_with(args, cols, rows, "xterm-256color")
    }

    fn start_with(args: &[&str], cols: u16, rows: u16, term: &str) -> Session {
        Session::spawn(common::BIN, args, cols, rows, term)
    }

    /// The program in `dir`, prepared beforehand (files to load, links planted), which is also
    /// where it saves and exports.
    fn start_in(dir: tempfile::TempDir, args: &[&str]) -> Session {
        Session::spawn_in(dir, common::BIN, args, 120, 40, "xterm-256color")
    }

    fn spawn(program: &str, args: &[&str], cols: u16, rows: u16, term: &str) -> Session {
        let dir = tempfile::tempdir().unwrap();
        Session::spawn_in(dir, program, args, cols, rows, term)
    }

    fn spawn_in(
        dir: tempfile::TempDir,
        program: &str,
        args: &[&str],
        cols: u16,
        rows: u16,
        term: &str,
    ) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(dir.path());
        cmd.env("TERM", term);
        cmd.env("SAFETECH_EXPORT_DIR", dir.path());
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("the binary starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Session {
            child,
            writer,
            output,
            parser: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
            _master: pair.master,
            _dir: dir,
        }
    }

    fn pump(&mut self, wait: Duration) {
        if let Ok(bytes) = self.output.recv_timeout(wait) {
            self.parser.process(&bytes);
        }
        while let Ok(bytes) = self.output.try_recv() {
            self.parser.process(&bytes);
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Wait until the screen satisfies `f`; returns how long that took.
    fn wait_for(&mut self, what: &str, timeout: Duration, f: impl Fn(&str) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            if f(&self.screen()) {
                return start.elapsed();
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; screen:\n{}", self.screen());
            }
            self.pump(Duration::from_millis(5));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The program left the alternate screen and showed the cursor again.
    fn assert_terminal_restored(&self) {
        let screen = self.parser.screen();
        assert!(!screen.alternate_screen(), "alternate screen left");
        assert!(!screen.hide_cursor(), "cursor shown");
    }

    fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            self.pump(Duration::from_millis(10));
            if let Some(status) = self.child.try_wait().unwrap() {
                // Drain what the program wrote on its way out.
                for _ in 0..20 {
                    self.pump(Duration::from_millis(10));
                }
                return status;
            }
            assert!(
                start.elapsed() < timeout,
                "the program did not exit; screen:\n{}",
                self.screen()
            );
        }
    }
}

/// The P(target) figure from the stats panel, e.g. "87.2%".
fn p_target(screen: &str) -> Option<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let i = lines.iter().position(|l| l.contains("P(£1bn in 2026)"))?;
    let next = lines.get(i + 1)?;
    let cell = next.split('│').nth(1)?;
    cell.split_whitespace().next().map(str::to_string)
}

const LONG: Duration = Duration::from_secs(60);

#[test]
fn tabs_edit_save_and_quit() {
    let mut s = Session::start(&["tui", "-s", "baseline", "-n", "20000"], 120, 40);
    s.wait_for("the first result", LONG, |sc| {
        // The full run, not its quick preview, so `before` is the figure edits are measured from.
        p_target(sc).is_some_and(|p| p.ends_with('%'))
            && !sc.contains("running")
            && !sc.contains("preview")
    });
    assert!(
        s.parser.screen().alternate_screen(),
        "the view uses the alternate screen"
    );
    let before = p_target(&s.screen()).unwrap();

    s.send("2");
    s.wait_for("the Compare tab", LONG, |sc| {
        sc.contains("Compare · medians")
    });
    s.send("3");
    s.wait_for("the Distribution tab", LONG, |sc| {
        sc.contains("Reached £1bn by year")
    });
    s.send("1");
    s.wait_for("the Fan tab", LONG, |sc| sc.contains("Fan · Growth"));

    // Growth now is selected first; three large steps down must lower P(target).
    s.send("<<<");
    s.wait_for("P(target) to change", LONG, |sc| {
        p_target(sc).is_some_and(|p| p != before)
            && !sc.contains("running")
            && !sc.contains("preview")
            && sc.contains("22.0%*")
    });
    let after = p_target(&s.screen()).unwrap();
    let num = |p: &str| p.trim_end_matches('%').parse::<f64>().unwrap();
    assert!(num(&after) < num(&before), "{before} → {after}");
    assert!(
        s.screen().contains("*baseline"),
        "edited marker:\n{}",
        s.screen()
    );

    s.send("s");
    s.wait_for("the saved path", LONG, |sc| {
        sc.contains("Saved") && sc.contains("baseline-edited.toml")
    });
    assert!(s._dir.path().join("baseline-edited.toml").is_file());

    s.send("e");
    s.wait_for("the export paths", LONG, |sc| sc.contains("Exported"));
    let mut exported: Vec<String> = std::fs::read_dir(s._dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The scenario was edited, and its export is named so.
        .filter(|n| n.starts_with("safetech-baseline-edited-fan"))
        .collect();
    exported.sort();
    assert_eq!(exported.len(), 3, "{exported:?}");
    assert!(exported[0].ends_with(".pdf") && exported[1].ends_with(".png"));
    assert!(exported[2].ends_with(".svg"));
    let pdf = std::fs::read(s._dir.path().join(&exported[0])).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    let png = std::fs::read(s._dir.path().join(&exported[1])).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG file");

    s.send("q");
    let status = s.wait_exit(LONG);
    assert!(status.success(), "{status:?}");
    s.assert_terminal_restored();
}

/// Hold → on "Growth now" at 30 presses a second for 2 s (60 presses, 37% → 97%, every value
/// distinct) and return how long after the last press the screen showed 97.0%. The terminal is
/// read all along, as a terminal emulator would, so the program never waits on its output.
fn hold_right(s: &mut Session) -> Duration {
    let interval = Duration::from_secs_f64(1.0 / 30.0);
    let start = Instant::now();
    for i in 0..60u32 {
        let due = start + interval * i;
        while Instant::now() < due {
            s.pump(due.saturating_duration_since(Instant::now()));
        }
        s.send("\x1b[C");
    }
    s.wait_for("the value of the last press", LONG, |sc| {
        sc.contains("◂97.0%*")
    })
}

/// At 1,000,000 paths, with every scenario's run in flight (this is a
/// debug build: a million-path run takes seconds here, so the engine is busy on both cores the
/// whole time), the screen follows a held key soon after the last press.
///
/// The bound is 1 s on top of what the same machine needs, at that moment, to
/// show the same held key with nothing to compute (a run of 1,000 paths, settled first): on a
/// quiet machine that adds a few milliseconds, and on a loaded CI machine it absorbs the
/// scheduling delay of the test's own threads, which the program cannot help. When the view
/// waited on its runs, a held key lagged by 1–2 s at 1M paths on a busy machine.
#[test]
fn a_held_key_is_followed_at_a_million_paths() {
    let mut idle = Session::start(&["tui", "-s", "baseline", "-n", "1000"], 120, 40);
    idle.wait_for("the first result", LONG, |sc| {
        p_target(sc).is_some_and(|p| p.ends_with('%')) && !sc.contains("running")
    });
    let control = hold_right(&mut idle);
    // The held key edited the scenario: the first q asks, the second quits.
    idle.send("qq");
    assert!(idle.wait_exit(LONG).success());

    let mut s = Session::start(&["tui", "-s", "baseline", "-n", "1000000"], 120, 40);
    // The selected scenario's full run first, so that the hold meets the other scenarios'
    // million-path results arriving (and, on each edit, the edited scenario's previews).
    let first = s.wait_for("the first full result", LONG, |sc| {
        // The stats panel's line (the header says the same of the request).
        sc.lines().any(|l| l.starts_with("│1,000,000 paths · seed"))
    });
    let lag = hold_right(&mut s);
    eprintln!(
        "first full result after {:.1} s; last press → screen: {:.1} ms at 1M paths, {:.1} ms \
         with nothing to compute",
        first.as_secs_f64(),
        lag.as_secs_f64() * 1e3,
        control.as_secs_f64() * 1e3
    );
    // The 100 ms figure is the bench's (`cargo bench --bench tui_latency`); here, where other
    // tests share the two cores, only a lag of the size the waiting view had (1–2 s) fails.
    assert!(
        lag <= Duration::from_millis(1000) + control,
        "the screen followed the last press after {lag:?} (control {control:?})"
    );
    assert!(s.screen().contains("1,000,000 paths"), "{}", s.screen());
    // Quitting cancels the runs in flight within a chunk, so the program ends promptly (the
    // first q asks about the unsaved edit, the second quits).
    s.send("qq");
    let status = s.wait_exit(LONG);
    assert!(status.success(), "{status:?}");
    s.assert_terminal_restored();
}

/// The Drivers tab computes on the worker and follows edits; Enter on a parameter types an exact
/// value; the Compare tab labels its paired ΔP; `e` on Drivers exports the tornado.
#[test]
fn drivers_tab_follows_a_typed_value() {
    let mut s = Session::start(&["tui", "-s", "baseline", "-n", "20000"], 120, 40);
    s.wait_for("the first result", LONG, |sc| {
        p_target(sc).is_some_and(|p| p.ends_with('%')) && !sc.contains("running")
    });
    s.send("2");
    s.wait_for("the labelled paired difference", LONG, |sc| {
        sc.contains("ΔP vs base ±MC") && sc.contains(" pts")
    });
    s.send("4");
    s.wait_for("the drivers", LONG, |sc| {
        sc.contains("Drivers · what moves")
            && sc.contains("growth.initial")
            && sc.contains("Needed for 50%: growth now")
            && sc.contains("it is 37.0% now")
    });
    // Growth now is selected: Enter, type 42, Enter.
    s.send("\r");
    s.wait_for("the entry field", LONG, |sc| sc.contains("= ▏%"));
    s.send("42");
    s.wait_for("the typed value", LONG, |sc| sc.contains("= 42▏%"));
    s.send("\r");
    s.wait_for("the edit applied and the drivers recomputed", LONG, |sc| {
        sc.contains("42.0%*") && sc.contains("it is 42.0% now") && sc.contains("Growth now = 42.0%")
    });
    // A value out of range is refused with the allowed range, and nothing changes.
    s.send("\r999\r");
    s.wait_for("the range message", LONG, |sc| {
        sc.contains("must be between -50% and 200%")
    });
    assert!(s.screen().contains("42.0%*"), "{}", s.screen());
    s.send("e");
    s.wait_for("the export paths", LONG, |sc| sc.contains("Exported"));
    let exported: Vec<String> = std::fs::read_dir(s._dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("-drivers-"))
        .collect();
    assert_eq!(exported.len(), 3, "{exported:?}");
    // The edit was not saved: q asks first, and a second q quits.
    s.send("q");
    s.wait_for("the question about unsaved edits", LONG, |sc| {
        sc.contains("Not saved: q quits anyway") && sc.contains("(edits to baseline)")
    });
    s.send("q");
    let status = s.wait_exit(LONG);
    assert!(status.success(), "{status:?}");
    s.assert_terminal_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut s = Session::start(&["tui", "-n", "5000"], 100, 30);
    s.wait_for("the view", LONG, |sc| sc.contains("P(£1bn in 2026)"));
    assert!(s.parser.screen().alternate_screen());
    assert!(s.parser.screen().hide_cursor());
    let pid = s.child.process_id().expect("a pid") as i32;
    // SAFETY: sending a signal to our own child process.
    let rc = unsafe { libc_kill(pid, 15) };
    assert_eq!(rc, 0);
    let status = s.wait_exit(LONG);
    assert_eq!(status.exit_code(), 143, "128 + SIGTERM");
    s.assert_terminal_restored();
}

#[test]
fn ctrl_c_quits_cleanly() {
    let mut s = Session::start(&["tui", "-n", "5000"], 100, 30);
    s.wait_for("the view", LONG, |sc| sc.contains("P(£1bn in 2026)"));
    s.send("\x03");
    let status = s.wait_exit(LONG);
    assert!(status.success());
    assert!(!s.parser.screen().alternate_screen());
}

#[test]
fn teach_walks_forward_and_back_and_quits() {
    let mut s = Session::start(&["teach"], 80, 24);
    let at_rest = |n: usize| {
        move |sc: &str| {
            // "step 6 of 7", or "step 6 ·" where the title drops "of 7" to stay whole.
            sc.contains(&format!("step {n} ")) && !sc.contains("▶") && !sc.contains("simulating…")
        }
    };
    s.wait_for("step 1", LONG, at_rest(1));
    assert!(s.screen().contains("straight line"), "{}", s.screen());
    for n in 2..=7 {
        // Space and → both go forward.
        s.send(if n % 2 == 0 { " " } else { "\x1b[C" });
        s.wait_for(&format!("step {n}"), LONG, at_rest(n));
    }
    assert!(s.screen().contains("of 1,000"), "{}", s.screen());
    for n in (1..=6).rev() {
        // Backspace and ← both go back.
        s.send(if n % 2 == 0 { "\x7f" } else { "\x1b[D" });
        s.wait_for(&format!("step {n}"), LONG, at_rest(n));
    }
    // End jumps to the last step (digits switch tabs, as the tab bar says).
    s.send("\x1b[F");
    s.wait_for("the last step by End", LONG, at_rest(7));
    s.send("q");
    let status = s.wait_exit(LONG);
    assert!(status.success(), "{status:?}");
    s.assert_terminal_restored();
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).unwrap()
}

#[test]
fn without_a_terminal_prints_a_hint_and_exits_2() {
    for args in [&[][..], &["tui"][..]] {
        let out = std::process::Command::new(common::BIN)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("safetech run") && err.lines().count() == 1,
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// A terminal without cursor control gets a clear refusal that points to `safetech run`.
#[test]
fn a_dumb_terminal_is_refused_clearly() {
    let mut s = Session::start_with(&[], 80, 24, "dumb");
    let status = s.wait_exit(LONG);
    assert_eq!(status.exit_code(), 2);
    s.wait_for("the refusal", LONG, |sc| {
        sc.contains("error: the interactive view needs")
    });
    let screen = s.screen();
    assert!(
        screen.contains("dumb") && screen.contains("safetech run"),
        "{screen}"
    );
}

/// Ctrl-Z gives the terminal back to a job-control shell, and `fg` brings the view back whole.
#[test]
fn ctrl_z_suspends_and_fg_restores_the_screen() {
    common::require_program("bash");
    let mut s = Session::spawn(
        "bash",
        &["--norc", "--noprofile", "-i"],
        100,
        30,
        "xterm-256color",
    );
    s.send("PS1='ready> '\r");
    s.wait_for("the prompt", LONG, |sc| sc.contains("ready>"));
    s.send(&format!("{}\r", common::BIN));
    s.wait_for("the view", LONG, |sc| {
        sc.contains("1 Fan") && sc.contains("Stats")
    });
    s.send("\x1a");
    s.wait_for("the shell's job report", LONG, |sc| sc.contains("Stopped"));
    s.send("fg\r");
    s.wait_for("the view again", LONG, |sc| {
        sc.contains("1 Fan") && sc.contains("Stats") && !sc.contains("Stopped")
    });
    // Live, not a stale picture: a key changes the tab and the screen follows.
    s.send("3");
    s.wait_for("the Distribution tab after fg", LONG, |sc| {
        sc.contains("of paths reach") && !sc.contains("Stopped")
    });
    s.send("q");
    // The job ends and the shell prompts again.
    s.wait_for("the prompt after quitting", LONG, |sc| {
        sc.matches("ready>").count() >= 3 && !sc.contains("1 Fan")
    });
    s.child.kill().expect("the shell ends");
}

/// `?` then `q` closes the help and leaves the view running; a status message gives the key
/// hints back after a few seconds.
#[test]
fn help_q_keeps_the_view_and_the_status_line_clears() {
    let mut s = Session::start(&["tui", "-n", "5000"], 100, 30);
    s.wait_for("the view", LONG, |sc| sc.contains("P(£1bn in 2026)"));
    s.send("?");
    s.wait_for("the help", LONG, |sc| sc.contains("switch tab"));
    s.send("q");
    s.wait_for("the view without the help", LONG, |sc| {
        sc.contains("P(£1bn in 2026)") && !sc.contains("switch tab")
    });
    assert!(
        s.child.try_wait().unwrap().is_none(),
        "q only closed the help"
    );
    s.send("t");
    s.wait_for("the theme message", LONG, |sc| sc.contains("Theme: light"));
    // STATUS_TICKS of 100 ms: the hints are back after about four seconds.
    let after = s.wait_for("the key hints again", LONG, |sc| {
        !sc.contains("Theme: light") && sc.contains("? keys")
    });
    assert!(after >= Duration::from_secs(3), "cleared after {after:?}");
    s.send("q");
    assert!(s.wait_exit(LONG).success());
}

impl Drop for Session {
    /// A test that fails midway leaves no program behind (one that exited already is unharmed).
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A step that should come at once; a program stuck on it fails the test well before [`LONG`].
const SHORT: Duration = Duration::from_secs(20);

/// Writes `<id>.toml` in `dir`: built-in `builtin`'s text with its id changed and each line
/// that starts with a key of `replace` replaced by that key's line. Returns its path.
fn scenario_file(
    dir: &std::path::Path,
    builtin: &str,
    id: &str,
    replace: &[(&str, &str)],
) -> std::path::PathBuf {
    let out = common::succeed(common::safetech().args(["scenarios", "show", builtin]));
    let text: String = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            if line.starts_with("id = ") {
                return format!("id = \"{id}\"");
            }
            replace
                .iter()
                .find(|(key, _)| line.starts_with(key))
                .map_or(line.to_string(), |(_, new)| new.to_string())
        })
        .map(|line| line + "\n")
        .collect();
    let path = dir.join(format!("{id}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// The view has shown a full result (no run going).
fn settled(sc: &str) -> bool {
    p_target(sc).is_some_and(|p| p.ends_with('%')) && !sc.contains("running")
}

/// The file a scenario came from is replaced by a FIFO after loading; `s`
/// read it again, blocking on the FIFO for ever with `q` and signals unanswered. Now `s` says
/// the file changed and asks; a second `s` saves into the text as it was loaded.
#[test]
fn save_never_blocks_on_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario_file(dir.path(), "classroom", "mine", &[]);
    let mut s = Session::start_in(dir, &["tui", "-s", "mine.toml", "-n", "2000"]);
    s.wait_for("the first result", LONG, settled);
    std::fs::remove_file(&file).unwrap();
    let c_path = std::ffi::CString::new(file.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    s.send("<");
    s.wait_for("the edit", SHORT, |sc| sc.contains("*mine"));
    s.send("s");
    s.wait_for("the question about the changed file", SHORT, |sc| {
        sc.contains("mine.toml changed on disk")
    });
    assert!(
        !s._dir.path().join("mine-edited.toml").exists(),
        "nothing saved before the answer"
    );
    s.send("s");
    s.wait_for("the saved path", SHORT, |sc| {
        sc.contains("Saved") && sc.contains("mine-edited.toml")
    });
    // Saved into the text as it was loaded: its notes stay beside the numbers.
    let saved = std::fs::read_to_string(s._dir.path().join("mine-edited.toml")).unwrap();
    assert!(
        saved.contains("initial = 0.32") && saved.contains("# judged: kept out for teaching"),
        "{saved}"
    );
    s.send("q");
    let status = s.wait_exit(SHORT);
    assert!(status.success(), "{status:?}");
    s.assert_terminal_restored();
}

/// When the full run is refused (revenue passed 1e100 on a path the preview
/// did not reach), the view kept the 8,192-path preview as the answer, with no error, and `e`
/// exported it. Now the refusal stands where the result would be and nothing is exported.
#[test]
fn a_refused_full_run_is_shown_not_its_preview() {
    let dir = tempfile::tempdir().unwrap();
    scenario_file(
        dir.path(),
        "classroom",
        "wild",
        &[
            ("horizon =", "horizon = 2100"),
            ("volatility =", "volatility = 2.0"),
            ("shocks =", "shocks = { student_t = 2.5 }"),
        ],
    );
    // At seed 2 the preview's 8,192 paths stay in range and the full 20,000 do not.
    let run = |n: &str| {
        common::safetech()
            .current_dir(dir.path())
            .args([
                "run",
                "-s",
                "wild.toml",
                "--seed",
                "2",
                "-f",
                "csv",
                "-n",
                n,
            ])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!((run("8192"), run("20000")), (Some(0), Some(1)));
    let args = ["tui", "-s", "wild.toml", "-n", "20000", "--seed", "2"];
    let mut s = Session::start_in(dir, &args);
    // The preview (P, "8,192 of 20,000 paths") is no longer shown as the answer.
    s.wait_for("the refusal in place of the preview", LONG, |sc| {
        sc.contains("revenue passed 1e100")
            && !sc.contains("running")
            && !sc.contains("8,192 of 20,000")
            && p_target(sc).is_none()
    });
    s.send("e");
    s.wait_for("the refusal to export", SHORT, |sc| {
        sc.contains("Nothing exported")
    });
    let exported: Vec<_> = std::fs::read_dir(s._dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with("safetech-"))
        .collect();
    assert!(exported.is_empty(), "{exported:?}");
    s.send("q");
    assert!(s.wait_exit(SHORT).success());
    s.assert_terminal_restored();
}

/// Links planted under the names the view chooses itself (the edited
/// scenario's file, the three export files) were followed, creating files where they pointed.
/// Now those names are created new or not at all, and the next free name is used.
#[test]
fn save_and_export_never_follow_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("v")).unwrap();
    let plant = |name: String, target: &str| {
        std::os::unix::fs::symlink(format!("v/{target}"), dir.path().join(name)).unwrap();
    };
    plant("baseline-edited.toml".into(), "planted.toml");
    for ext in ["png", "svg", "pdf"] {
        plant(
            format!("safetech-baseline-edited-fan-seed20241010.{ext}"),
            &format!("planted.{ext}"),
        );
    }
    let mut s = Session::start_in(dir, &["tui", "-s", "baseline", "-n", "2000"]);
    s.wait_for("the first result", LONG, settled);
    s.send("<");
    s.wait_for("the edited result", LONG, |sc| {
        settled(sc) && sc.contains("*baseline")
    });
    s.send("s");
    s.wait_for("the saved path", SHORT, |sc| sc.contains("Saved"));
    s.send("e");
    s.wait_for("the export paths", SHORT, |sc| sc.contains("Exported"));
    let d = s._dir.path();
    let planted: Vec<_> = std::fs::read_dir(d.join("v")).unwrap().collect();
    assert!(planted.is_empty(), "a link was followed: {planted:?}");
    // The links are left as they were, and the files went beside them under new names.
    let link = std::fs::symlink_metadata(d.join("baseline-edited.toml")).unwrap();
    assert!(link.file_type().is_symlink());
    let saved = std::fs::symlink_metadata(d.join("baseline-edited-2.toml")).unwrap();
    assert!(saved.is_file());
    for ext in ["png", "svg", "pdf"] {
        let name = format!("safetech-baseline-edited-fan-seed20241010-2.{ext}");
        assert!(std::fs::symlink_metadata(d.join(&name)).unwrap().is_file());
    }
    s.send("qq");
    assert!(s.wait_exit(SHORT).success());
    s.assert_terminal_restored();
}

/// `+` stepped the path count past the memory budget the view started
/// within (`--max-memory 200M`: 200,000 paths, then 1,000,000). Now a step over it is refused
/// on the status line, and `-` still steps down.
#[test]
fn plus_respects_the_memory_budget() {
    // 96 MiB of fixed overhead and 4 MiB for paths: 2,000 paths fit, 5,000 do not (the view
    // needs some 1,200 bytes a path: 9 for each built-in's kept run, and room to make the
    // largest run and its Drivers analysis with the shares' outputs and the kept draws).
    let mut s = Session::start(&["tui", "-n", "2000", "--max-memory", "100M"], 120, 40);
    s.wait_for("the first result", LONG, settled);
    s.send("+");
    s.wait_for("the refusal", SHORT, |sc| {
        sc.contains("Not 5,000 paths") && sc.contains("over the memory budget of 100.0 MiB")
    });
    let screen = s.screen();
    let header = screen.lines().next().unwrap_or("");
    assert!(header.contains(" 2,000 paths"), "{screen}");
    s.send("-");
    s.wait_for("the step down", SHORT, |sc| sc.contains("1,000 paths"));
    s.send("q");
    assert!(s.wait_exit(SHORT).success());
    s.assert_terminal_restored();
}

/// On central, → then ← went 28.85 % → 30.0 % → 29.0 % (P(target) 55.43 %
/// → 58.99 % → 55.89 %), still marked edited, and the stock value read "28.8%". Now the step
/// back gives the stock value and its P(target) exactly, unmarked; `x` resets a parameter; `s`
/// on the unedited scenario writes no `-edited.toml`; `q` then quits without asking.
#[test]
fn a_step_and_its_opposite_give_back_the_stock_value() {
    let mut s = Session::start(&["tui", "-s", "central", "-n", "20000"], 120, 40);
    s.wait_for("the first result", LONG, |sc| {
        settled(sc) && !sc.contains("preview") && sc.contains("◂28.85% ▸")
    });
    // The figure once the screen has stopped changing (a frame read half drawn is no figure).
    let mut before = p_target(&s.screen()).unwrap();
    loop {
        s.pump(Duration::from_millis(300));
        let again = p_target(&s.screen()).unwrap_or_default();
        if again == before && settled(&s.screen()) {
            break;
        }
        before = again;
    }
    s.send("\x1b[C");
    s.wait_for("the step up", LONG, |sc| {
        settled(sc) && !sc.contains("preview") && sc.contains("◂29.85%*▸")
    });
    let up = p_target(&s.screen()).unwrap();
    assert_ne!(up, before);
    s.send("\x1b[D");
    s.wait_for("the step back", LONG, |sc| {
        settled(sc)
            && !sc.contains("preview")
            && sc.contains("◂28.85% ▸")
            && p_target(sc).as_deref() == Some(before.as_str())
    });
    let screen = s.screen();
    assert!(
        !screen.contains("*central") && !screen.contains("Parameters (edited)"),
        "still marked edited:\n{screen}"
    );
    // Nothing to save: no file, and the status line says why.
    s.send("s");
    s.wait_for("the refusal to save", SHORT, |sc| {
        sc.contains("Nothing to save")
    });
    let written: Vec<_> = std::fs::read_dir(s._dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().ends_with(".toml"))
        .collect();
    assert!(written.is_empty(), "{written:?}");
    // A large step, then `x`: back to the stock value.
    s.send(">");
    s.wait_for("the large step", LONG, |sc| sc.contains("◂33.85%*▸"));
    s.send("x");
    s.wait_for("the reset", LONG, |sc| {
        settled(sc) && sc.contains("◂28.85% ▸") && p_target(sc).as_deref() == Some(before.as_str())
    });
    s.send("q");
    let status = s.wait_exit(SHORT);
    assert!(status.success(), "{status:?}");
    s.assert_terminal_restored();
}

/// `d` sets an edited copy beside its stock self, and the Compare tab
/// shows the two, told apart.
#[test]
fn d_compares_an_edit_with_its_stock_self() {
    let mut s = Session::start(&["tui", "-s", "osa-enforced", "-n", "20000"], 120, 40);
    s.wait_for("the first result", LONG, |sc| {
        settled(sc) && !sc.contains("preview")
    });
    s.send("\x1b[C");
    s.wait_for("the edit", LONG, |sc| sc.contains("*osa-enforced"));
    s.send("d");
    s.wait_for("the copy", LONG, |sc| {
        sc.contains("*osa-enforced-edited") && sc.contains(" osa-enforced ")
    });
    s.send("2");
    s.wait_for("the pair on the Compare tab", LONG, |sc| {
        sc.contains("Compare · medians")
            && settled(sc)
            && sc.matches("osa-enforced-edited").count() >= 2
    });
    s.send("q");
    s.wait_for("the question naming the copy", SHORT, |sc| {
        sc.contains("Not saved: q quits anyway") && sc.contains("(edits to osa-enforced-edited)")
    });
    s.send("q");
    let status = s.wait_exit(SHORT);
    assert!(status.success(), "{status:?}");
    s.assert_terminal_restored();
}

/// `→ e` in one burst exported the run before the edit under the stock
/// name (or, a moment later, the preview of the new one), and `e` on the Compare tab wrote
/// every scenario under the first one's name. Now the export waits for the edit's full run,
/// and the Compare export is the set its chart draws, named after it.
#[test]
fn export_is_what_is_on_screen() {
    let mut s = Session::start(
        &["tui", "-s", "baseline", "-s", "kosa", "-n", "100000"],
        120,
        40,
    );
    s.wait_for("the first result", LONG, |sc| {
        settled(sc) && !sc.contains("preview")
    });
    let files = |s: &Session, prefix: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(s._dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(prefix))
            .collect();
        names.sort();
        names
    };
    s.send("\x1b[Ce");
    s.wait_for("the export", LONG, |sc| sc.contains("Exported"));
    assert!(files(&s, "safetech-baseline-fan").is_empty(), "stock name");
    let fan = files(&s, "safetech-baseline-edited-fan-seed20241010.");
    assert_eq!(fan.len(), 3, "{fan:?}");
    let svg = std::fs::read_to_string(s._dir.path().join(&fan[2])).unwrap();
    assert!(
        svg.contains("100,000 paths"),
        "the full run, not its preview"
    );

    s.send("2");
    s.wait_for("the Compare tab", LONG, |sc| {
        sc.contains("Compare · medians") && settled(sc)
    });
    s.send("e");
    s.wait_for("the Compare export", LONG, |sc| {
        sc.contains("Exported") && sc.contains("-compare-")
    });
    let compare = files(&s, "safetech-baseline-edited-vs-kosa-compare-seed20241010.");
    assert_eq!(compare.len(), 3, "{compare:?}");
    let svg = std::fs::read_to_string(s._dir.path().join(&compare[2])).unwrap();
    assert!(svg.contains("kosa") && !svg.contains("transatlantic"));
    s.send("qq");
    assert!(s.wait_exit(SHORT).success());
    s.assert_terminal_restored();
}
