//! Regression tests for what fuzzing and careless use found: every hang or memory
//! bomb now ends, under a 2 GB address-space limit and a 30 s hang limit, with exit 0 or 2; values that
//! overflow are refused or stopped; closed pipes end quietly; errors name the thing.
#![cfg(unix)]

use crate::common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::limited::{Ran, TIME_LIMIT, in_terminal, limited};

fn expect_code(dir: &Path, args: &[&str], code: i32, wanted: &[&str]) -> Ran {
    let r = limited(dir, args);
    assert_eq!(r.code, Some(code), "{args:?}: {}", r.stderr);
    for w in wanted {
        assert!(
            r.stderr.contains(w),
            "{args:?}: expected `{w}` in: {}",
            r.stderr
        );
    }
    r
}

fn scenario_with_events(dir: &Path, events: usize) -> PathBuf {
    let mut text = safetech::scenario::builtin_source("classroom")
        .unwrap()
        .to_string();
    for i in 0..events {
        text.push_str(&format!(
            "\n[[events]]\nid = \"e{i}\"\nname = \"Event {i}\"\nwindow = [2025, 2030]\n\
             outcomes = [{{ id = \"up\", probability = 0.4, growth_uplift = 0.01, duration = 2 }}]\n"
        ));
    }
    let path = dir.join(format!("events{events}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn chart_exports_of_extreme_ranges_end_with_a_clear_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Were: unbounded tick lists (23.8 GB), a tick loop stuck at 10^-324 = 0, and plotters
    // spinning on a bar edge that overflowed to infinity.
    for chart in ["fan", "compare", "spaghetti", "histogram", "reach"] {
        let r = expect_code(
            d,
            &[
                "export",
                "--chart",
                chart,
                "-n",
                "500",
                "--set",
                "target.revenue=1e300",
                "-o",
                "x.svg",
            ],
            2,
            // The override names field and value once, as typed.
            &["--set target.revenue=1e300: must be between"],
        );
        assert!(r.elapsed < TIME_LIMIT);
    }
    for set in [
        "market.start_revenue=5e-324",
        "market.start_revenue=1.7e308",
    ] {
        for chart in ["fan", "histogram"] {
            expect_code(
                d,
                &[
                    "export", "--chart", chart, "-n", "500", "--set", set, "-o", "x.png",
                ],
                2,
                &["market.start_revenue"],
            );
        }
    }
    std::fs::create_dir(d.join("slides")).unwrap();
    expect_code(
        d,
        &[
            "teach",
            "--set",
            "market.start_revenue=1.7e308",
            "--export-slides",
            "slides",
        ],
        2,
        &["market.start_revenue"],
    );
    assert!(!d.join("x.svg").exists() && !d.join("x.png").exists());
}

#[test]
fn charts_of_the_widest_accepted_ranges_are_drawn() {
    // The far ends of what validation accepts still draw, quickly and within memory.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for chart in ["fan", "spaghetti", "histogram", "compare", "reach"] {
        let out = format!("{chart}.svg");
        expect_code(
            d,
            &[
                "export",
                "--chart",
                chart,
                "-n",
                "500",
                "--set",
                "market.start_revenue=0.001",
                "--set",
                "target.revenue=1e9",
                "--set",
                "growth.volatility=2",
                "--set",
                "growth.initial=5",
                "--horizon",
                "2060",
                "-o",
                &out,
            ],
            0,
            &[],
        );
        assert!(std::fs::metadata(d.join(&out)).unwrap().len() > 1000);
    }
}

#[test]
fn compounding_inputs_are_refused_not_reported_as_null() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Were: 29 years of nulls in JSON, sd 0.0 from an overflowed sum of squares, and values
    // capped at 1.75e308 by the fast exp, all with exit 0.
    for args in [
        &[
            "--set",
            "growth.volatility=1",
            "--set",
            "growth.persistence=0.9",
            "--horizon",
            "2124",
        ][..],
        &[
            "--set",
            "growth.volatility=2",
            "--set",
            "growth.persistence=0.9999",
            "--horizon",
            "2124",
        ],
        &["--set", "growth.initial=10", "--horizon", "2124"],
    ] {
        // baseline has no capacity to hold growth back.
        let mut all = vec!["run", "-s", "baseline", "-n", "1000", "-f", "json"];
        all.extend_from_slice(args);
        let r = expect_code(d, &all, 2, &["could pass 1e100 £m by"]);
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn revenue_leaving_the_range_at_run_time_stops_with_the_year() {
    // Student-t shocks with ν = 2.5 pass the static bound at 8 scale units but their tails go
    // further; the engine stops (it printed NaN with exit 0 before).
    let dir = tempfile::tempdir().unwrap();
    let r = expect_code(
        dir.path(),
        &[
            "run",
            "-s",
            "classroom",
            "--set",
            "growth.shocks={student_t=2.5}",
            "--set",
            "growth.volatility=1.0",
            "--horizon",
            "2100",
            "-n",
            "100000",
            "-f",
            "csv",
        ],
        1,
        &["revenue passed 1e100 £m in 20", "growth.shocks"],
    );
    assert!(r.stdout.is_empty(), "no partial table: {}", r.stdout);
}

#[test]
fn history_years_are_checked_like_every_other_year() {
    // Was: accepted, and then the interactive view never drew and ignored q, SIGINT and SIGTERM.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = safetech::scenario::builtin_source("classroom")
        .unwrap()
        .replace("[[2020, 226.0]", "[[-2147483648, 226.0]");
    std::fs::write(d.join("h.toml"), text).unwrap();
    for cmd in [
        &["run", "-n", "100"][..],
        &["export", "--chart", "fan", "-o", "h.svg"],
    ] {
        let mut args = cmd.to_vec();
        args.extend(["-s", "h.toml"]);
        expect_code(
            d,
            &args,
            2,
            &["market.history[0] = -2147483648", "between 1900 and 2200"],
        );
    }
    // In a terminal, the interactive view refuses the file before it takes over the screen.
    let (code, text) = in_terminal(d, "tui -s h.toml");
    assert_eq!(code, 2);
    assert!(text.contains("market.history[0]"), "{text}");
}

#[test]
fn the_interactive_view_refuses_ranges_its_exports_could_not_draw() {
    // Were: `e` on the Fan tab growing tick lists without end, and the Distribution export
    // spinning in plotters, for a target of 1e300 and revenue near f64::MAX.
    let dir = tempfile::tempdir().unwrap();
    for args in [
        "tui --set target.revenue=1e300",
        "tui --set market.start_revenue=1.7e308",
        "teach --set market.start_revenue=1.7e308",
    ] {
        let (code, text) = in_terminal(dir.path(), args);
        assert_eq!(code, 2, "{args}: {text}");
        assert!(text.contains("between 0.001 and"), "{args}: {text}");
    }
}

#[test]
fn memory_is_budgeted_before_anything_is_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = scenario_with_events(d, 32);
    let file = file.to_str().unwrap();
    // Was: 13 GB requested, then an allocator abort (exit 134) under a memory cap.
    let r = expect_code(
        d,
        &["run", "-s", file, "-n", "50000000", "--max-memory", "4G"],
        2,
        &[
            "more than the memory budget of 4.0 GiB",
            "paths fit",
            "--max-memory",
        ],
    );
    // The largest allowed count is stated, and it is accepted.
    let fit: String = r
        .stderr
        .split("use -n ")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let fit: u64 = fit.parse().unwrap();
    assert!(fit > 1_000_000 && fit < 50_000_000, "{fit}");
    let per_path = (4u64 << 30) / fit;
    let estimate = safetech::sim::BYTES_PER_PATH + 32 * safetech::sim::BYTES_PER_PATH_EVENT;
    assert!(
        (estimate..estimate * 6 / 5).contains(&per_path),
        "32 events cost {estimate} bytes a path, with the overhead: {per_path}"
    );
    // Every scenario multiplies the memory, and is counted (a repeated -s is used once).
    let mut args = vec!["run", "-n", "20000000", "--max-memory", "4G"];
    for (id, _) in safetech::scenario::BUILTIN {
        args.extend(["-s", id]);
    }
    let counted = format!("{} scenario(s)", safetech::scenario::BUILTIN.len());
    expect_code(d, &args, 2, &[&counted, "paths fit"]);
    expect_code(
        d,
        &["run", "-n", "1000", "--max-memory", "12 parsecs"],
        2,
        &["unknown unit"],
    );
    // Without --max-memory, the budget is half of what the run can get: here the 2 GB
    // address-space limit, so a big run is refused rather than aborted by the allocator.
    expect_code(
        d,
        &["run", "-s", file, "-n", "20000000"],
        2,
        &["memory budget of 1.0 GiB", "half the memory available"],
    );
}

#[test]
fn scenario_files_are_limited_to_one_megabyte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Was: `-s /dev/urandom` read until memory ran out.
    expect_code(
        d,
        &["run", "-s", "/dev/urandom"],
        2,
        &["/dev/urandom", "larger than 1 MB"],
    );
    expect_code(
        d,
        &["scenarios", "validate", "/dev/zero"],
        2,
        &["larger than 1 MB"],
    );
    let mut big = safetech::scenario::builtin_source("classroom")
        .unwrap()
        .to_string();
    while big.len() <= 1 << 20 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(d.join("big.toml"), &big).unwrap();
    expect_code(d, &["run", "-s", "big.toml"], 2, &["larger than 1 MB"]);
    big.truncate((1 << 20) - 100);
    std::fs::write(d.join("fits.toml"), &big[..big.rfind('\n').unwrap() + 1]).unwrap();
    expect_code(d, &["run", "-n", "100", "-s", "fits.toml"], 0, &[]);
}

#[test]
fn errors_name_the_thing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Was: `invalid type: string "10000000000000000000"`.
    expect_code(
        d,
        &["run", "--target", "1e19"],
        2,
        &[
            "--target 1e19",
            "target.revenue = 1e19",
            "between 0.001 and",
        ],
    );
    // Was: "not a whole number of paths".
    expect_code(
        d,
        &["run", "-n", "1e13"],
        2,
        &["more than the 50,000,000 allowed"],
    );
    // Was: read as 10.
    expect_code(
        d,
        &["run", "-n", "1,0"],
        2,
        &["comma may only separate thousands"],
    );
    // Was: blamed the built-in file at line 36.
    let r = expect_code(
        d,
        &["run", "--set", "growth.shocks={student_t=2}"],
        2,
        &["--set growth.shocks={student_t=2}", "greater than 2"],
    );
    assert!(!r.stderr.contains("built-in"), "{}", r.stderr);
    // Numbers as people write them.
    for n in ["1e3", "1_000", "1,000"] {
        let r = expect_code(
            d,
            &[
                "run", "-n", n, "--target", "1_500", "--seed", "1_000", "-f", "json",
            ],
            0,
            &[],
        );
        assert!(r.stdout.contains("\"paths\": 1000"), "{n}");
        assert!(r.stdout.contains("\"revenue\": 1500"), "{n}");
    }
    expect_code(
        d,
        &["run", "--target", "abc"],
        2,
        &["`abc` is not a number"],
    );
    expect_code(d, &["run", "--horizon", "2030.5"], 2, &["not a year"]);
    // Was: `initial = NaN` with exit 0.
    std::fs::write(
        d.join("extreme.csv"),
        "year,revenue\n2020,1e-300\n2021,1e300\n2022,1e-300\n2023,1e300\n",
    )
    .unwrap();
    expect_code(
        d,
        &["calibrate", "--history", "extreme.csv"],
        2,
        &["extreme.csv:2:1", "revenue_gbp_m = 1e-300", "between 0.001"],
    );
}

/// Names of files in `dir` that look like temporary files.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn planted_links_at_temporary_names_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = d.join("out");
    std::fs::create_dir(&out).unwrap();
    let victim = d.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    // The old predictable names (`.NAME.PID.tmp`) for the next few hundred process ids, and
    // names in the new pattern: the temporary file is created exclusively, so none is followed.
    let last_pid: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1);
    let mut planted = Vec::new();
    for pid in last_pid..last_pid + 300 {
        planted.push(format!(".report.json.{pid}.tmp"));
    }
    for i in 0..300 {
        planted.push(format!(".safetech-{:06}.tmp", i * 7919));
    }
    for name in &planted {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    for _ in 0..3 {
        expect_code(
            d,
            &["run", "-n", "100", "-f", "json", "-o", "out/report.json"],
            0,
            &[],
        );
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    for name in &planted {
        assert_eq!(std::fs::read_link(out.join(name)).unwrap(), victim);
    }
    assert!(
        std::fs::read_to_string(out.join("report.json"))
            .unwrap()
            .contains("\"schema\"")
    );
    assert_eq!(
        temporaries(&out).len(),
        planted.len(),
        "no new temporary file left"
    );
}

#[test]
fn outputs_never_replace_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = safetech::scenario::builtin_source("classroom").unwrap();
    std::fs::write(d.join("my.toml"), text).unwrap();
    std::os::unix::fs::symlink("my.toml", d.join("link.toml")).unwrap();
    std::fs::hard_link(d.join("my.toml"), d.join("hard.toml")).unwrap();
    // Was: the scenario silently replaced by the report.
    for out in ["my.toml", "./my.toml", "link.toml", "hard.toml"] {
        expect_code(
            d,
            &["run", "-n", "100", "-s", "my.toml", "-o", out],
            2,
            &["refusing to write over an input"],
        );
    }
    expect_code(
        d,
        &["run", "-n", "100", "-s", "link.toml", "-o", "my.toml"],
        2,
        &["refusing"],
    );
    expect_code(
        d,
        &[
            "export",
            "--chart",
            "fan",
            "-n",
            "100",
            "-s",
            "my.toml",
            "-o",
            "hard.toml.svg",
        ],
        0,
        &[],
    );
    assert_eq!(std::fs::read_to_string(d.join("my.toml")).unwrap(), text);
    assert!(temporaries(d).is_empty());
}

#[test]
fn replaced_files_keep_permissions_and_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Was: reset to 0644.
    std::fs::write(d.join("private.json"), "old").unwrap();
    std::fs::set_permissions(
        d.join("private.json"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    expect_code(
        d,
        &["run", "-n", "100", "-f", "json", "-o", "private.json"],
        0,
        &[],
    );
    let meta = std::fs::metadata(d.join("private.json")).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(
        std::fs::read_to_string(d.join("private.json"))
            .unwrap()
            .contains("\"schema\"")
    );

    // A link is written through, and stays a link (also a dangling one, and for charts).
    std::fs::create_dir(d.join("real")).unwrap();
    std::fs::write(d.join("real/report.csv"), "old").unwrap();
    std::os::unix::fs::symlink("real/report.csv", d.join("link.csv")).unwrap();
    std::os::unix::fs::symlink("real/new.svg", d.join("dangling.svg")).unwrap();
    expect_code(
        d,
        &["run", "-n", "100", "-f", "csv", "-o", "link.csv"],
        0,
        &[],
    );
    expect_code(
        d,
        &[
            "export",
            "--chart",
            "fan",
            "-n",
            "100",
            "-o",
            "dangling.svg",
        ],
        0,
        &[],
    );
    assert_eq!(
        std::fs::read_link(d.join("link.csv")).unwrap(),
        Path::new("real/report.csv")
    );
    assert!(
        std::fs::read_to_string(d.join("real/report.csv"))
            .unwrap()
            .starts_with("scenario,")
    );
    assert!(
        std::fs::symlink_metadata(d.join("dangling.svg"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(d.join("real/new.svg"))
            .unwrap()
            .contains("<svg")
    );
    assert!(temporaries(d).is_empty() && temporaries(&d.join("real")).is_empty());
}

#[test]
fn devices_and_pipes_are_written_in_place() {
    // `-o /dev/stdout` names a pipe through /proc's links; it is written, not replaced.
    let dir = tempfile::tempdir().unwrap();
    let r = expect_code(
        dir.path(),
        &["run", "-n", "100", "-f", "json", "-o", "/dev/stdout"],
        0,
        &[],
    );
    assert!(r.stdout.contains("\"schema\""), "{}", r.stdout);
}

/// `printf 'old\n' > log.txt; safetech run -f csv -o /dev/stdout >> log.txt` left only the CSV:
/// the path led to log.txt, which a rename replaced. Every spelling of an open descriptor now
/// writes to it where it stands, so the shell's append holds.
#[test]
fn output_to_dev_stdout_appended_to_a_log_keeps_the_log() {
    for path in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.txt");
        std::fs::write(&log, "old\n").unwrap();
        let append = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        let status = Command::new(common::BIN)
            .args(["run", "-n", "1000", "-f", "csv", "-o", path])
            .current_dir(dir.path())
            .stdout(Stdio::from(append))
            .status()
            .unwrap();
        assert!(status.success(), "{path}");
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(
            text.starts_with("old\nscenario,name,seed"),
            "{path}: {text}"
        );
    }
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs /dev/full")]
fn a_full_device_is_reported_as_no_space_left() {
    common::require_dev_full();
    let dir = tempfile::tempdir().unwrap();
    expect_code(
        dir.path(),
        &["run", "-n", "100", "-o", common::DEV_FULL],
        1,
        &["No space left"],
    );
}

#[test]
fn long_file_names_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Was: "File name too long" from 240 bytes on, because of the temporary suffix.
    let json = format!("{}.json", "r".repeat(245));
    let svg = format!("{}.svg", "c".repeat(246));
    assert_eq!((json.len(), svg.len()), (250, 250));
    expect_code(d, &["run", "-n", "100", "-f", "json", "-o", &json], 0, &[]);
    expect_code(
        d,
        &["export", "--chart", "fan", "-n", "100", "-o", &svg],
        0,
        &[],
    );
    assert!(d.join(&json).is_file() && d.join(&svg).is_file());
}

#[test]
fn no_temporary_file_is_left_after_a_signal_mid_write() {
    // A report and a chart (the chart through a symlink, which must stay a link).
    let jobs: [(&[&str], &str); 2] = [
        (
            &["run", "-n", "1000", "-f", "json", "-o", "report.json"],
            "report.json",
        ),
        (
            &["export", "--chart", "fan", "-n", "1000", "-o", "link.png"],
            "real.png",
        ),
    ];
    for (args, target) in jobs {
        for signal in [libc::SIGTERM, libc::SIGINT] {
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            std::fs::write(d.join(target), "old").unwrap();
            std::os::unix::fs::symlink(target, d.join("link.png")).unwrap();
            // Debug builds hold the finished temporary file this long before the rename.
            let mut child = Command::new(common::BIN)
                .args(args)
                .current_dir(d)
                .env("SAFETECH_TEST_WRITE_PAUSE_MS", "20000")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let start = Instant::now();
            while temporaries(d).is_empty() {
                assert!(start.elapsed() < TIME_LIMIT, "no temporary file appeared");
                std::thread::sleep(Duration::from_millis(5));
            }
            // SAFETY: signalling our own child by its id.
            unsafe {
                libc::kill(child.id() as libc::pid_t, signal);
            }
            let signalled = Instant::now();
            let status = child.wait().unwrap();
            assert!(!status.success());
            // The signal ends it at once, not after the 20 s pause.
            assert!(signalled.elapsed() < Duration::from_secs(10));
            assert_eq!(temporaries(d), Vec::<String>::new(), "signal {signal}");
            assert_eq!(std::fs::read_to_string(d.join(target)).unwrap(), "old");
            assert!(
                std::fs::symlink_metadata(d.join("link.png"))
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
        }
    }
}

/// Every non-interactive command, run in a directory that holds a `slides` directory.
fn every_command() -> Vec<Vec<String>> {
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let baseline = baseline.to_str().unwrap().to_string();
    [
        vec!["run", "-n", "200"],
        vec!["run", "-n", "200", "-f", "json"],
        vec![
            "run",
            "-n",
            "200",
            "-f",
            "csv",
            "-s",
            "baseline",
            "-s",
            "osa-enforced",
        ],
        vec!["scenarios", "list"],
        vec!["scenarios", "show", "baseline"],
        vec!["scenarios", "validate", &baseline],
        vec!["calibrate"],
        vec!["backtest", "--from", "2022", "-n", "200"],
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["export", "--chart", "fan", "-n", "200", "-o", "fan.svg"],
        vec!["teach", "--export-slides", "slides"],
        vec!["--help"],
        vec!["run", "--help"],
        vec!["--version"],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(String::from).collect())
    .collect()
}

/// Every non-interactive command, with its output cut short by the reader. (`tui`, `teach`
/// without `--export-slides` and no command at all need a terminal: on a pipe they print a
/// hint on stderr and exit 2, as designed.)
#[test]
fn every_command_survives_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    std::fs::create_dir(d.join("slides")).unwrap();
    let commands = every_command();
    // Two commands at a time; each 20 times, as `| head -c1` (one byte read) and with the
    // pipe closed before the first write. The slides take seconds to draw before their one
    // line of output, long after the reader has gone in every round, so 4 rounds of them
    // meet every case the 20 of a quick command do.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = commands
            .chunks(commands.len().div_ceil(2))
            .map(|chunk| {
                let d = &d;
                s.spawn(move || {
                    let mut failures = Vec::new();
                    for args in chunk {
                        let rounds = if args[0] == "teach" { 4 } else { 20 };
                        for round in 0..rounds {
                            if let Some(f) = closed_pipe_run(d, args, round % 2 == 0) {
                                failures.push(f);
                            }
                        }
                    }
                    failures
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{failures:#?}");
}

fn closed_pipe_run(dir: &Path, args: &[String], read_one: bool) -> Option<String> {
    let mut child = Command::new(common::BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    if read_one {
        let mut byte = [0u8; 1];
        let _ = stdout.read(&mut byte);
    }
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let bad = out.status.code() != Some(0)
        || stderr.contains("panicked")
        || stderr.contains("Broken pipe")
        || stderr.contains("failed printing");
    bad.then(|| {
        format!(
            "{args:?} (read one byte: {read_one}): {:?} {stderr}",
            out.status
        )
    })
}

/// Standard output on a full disk: every command that prints ends with the reason and exit 1
/// (`backtest` panicked with exit 101 before, `--help` and `--version` exited 0 having written
/// nothing); `export`, which prints nothing there, succeeds.
#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs /dev/full")]
fn every_command_reports_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("slides")).unwrap();
    for args in every_command() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(common::BIN)
            .args(&args)
            .current_dir(dir.path())
            .stdout(Stdio::from(full))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        // `export` writes its file and prints nothing on standard output.
        if args[0] == "export" {
            assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        } else {
            assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(
                stderr.contains("No space left on device"),
                "{args:?}: {stderr}"
            );
        }
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `export --data c.png -o c.png` replaced the chart with its data (exit 0), and `--data` naming
/// an input was refused only after the chart was written. Every output is now checked against
/// the others and the inputs before any simulation, and the refusal names its flag.
#[test]
fn data_equal_to_out_and_data_naming_an_input_are_refused_first() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let scenario = safetech::scenario::builtin_source("classroom").unwrap();
    std::fs::write(d.join("mine.toml"), scenario).unwrap();
    for (data, says) in [
        ("c.png", "--data: c.png: names the same file as --out"),
        ("./c.png", "names the same file as --out"),
        (
            "mine.toml",
            "--data: mine.toml: refusing to write over an input",
        ),
    ] {
        let args = [
            "export",
            "--chart",
            "fan",
            "-n",
            "200",
            "-s",
            "mine.toml",
            "-o",
            "c.png",
            "--data",
            data,
        ];
        let r = expect_code(d, &args, 2, &[says]);
        assert!(
            !d.join("c.png").exists(),
            "{data}: the chart was written: {}",
            r.stderr
        );
    }
    assert_eq!(
        std::fs::read_to_string(d.join("mine.toml")).unwrap(),
        scenario
    );
}
