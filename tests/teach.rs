//! The classroom walkthrough: every step drawn at a laptop and a projector size, captions whose
//! counts follow the simulation, and the slide export.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use safetech::lesson::{FUTURES, Step};
use safetech::scenario::{BUILTIN, load};
use safetech::sim::{RunControl, simulate};
use safetech::stats::target_probability;
use safetech::tui::app::{App, Tab};
use safetech::tui::teach;
use safetech::tui::theme::{Theme, ThemeName};
use safetech::tui::update::{Msg, update};
use safetech::tui::view;
use safetech::tui::worker::{Reply, Run};

use common::safetech;

/// An app on the Teach tab with the walkthrough's runs done synchronously, as the worker would.
fn app(seed: u64) -> App {
    let scenarios: Vec<_> = BUILTIN.iter().map(|(id, _)| load(id).unwrap()).collect();
    let settings = safetech::sim::RunSettings {
        seed,
        ..Default::default()
    };
    let mut app = App::new(
        scenarios,
        0,
        settings,
        Theme::new(ThemeName::Classroom, true),
    );
    app.tab = Tab::Teach;
    for job in teach::sync(&mut app) {
        let p = simulate(&job.scenario, job.settings, RunControl::default()).unwrap();
        let run = Arc::new(Run::of(p, job.settings.paths, Duration::ZERO));
        update(
            &mut app,
            Msg::Worker(Reply::Done {
                slot: job.slot,
                generation: job.generation,
                run,
            }),
        );
    }
    app
}

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    terminal
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let t = draw(app, w, h);
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn snapshots_of_every_step() {
    let mut a = app(safetech::sim::DEFAULT_SEED);
    for step in Step::ALL {
        a.teach.go(step);
        a.teach.finish();
        for (w, h) in [(80, 24), (160, 48)] {
            let name = format!("teach_step{}_{}x{}", step.number(), w, h);
            insta::assert_snapshot!(name, draw(&a, w, h).backend());
        }
    }
}

#[test]
fn keys_walk_the_steps_and_animations_finish() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    let mut a = app(3);
    let key = |a: &mut App, c: KeyCode| {
        update(a, Msg::Key(KeyEvent::from(c)));
    };
    assert_eq!(a.teach.step(), Step::Claim);
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(a.teach.step(), Step::OneFuture);
    // The step animates; a press finishes it before moving on.
    assert!(teach::wants_tick(&a));
    update(&mut a, Msg::Tick);
    assert_eq!(a.teach.frame, 1);
    key(&mut a, KeyCode::Right);
    assert_eq!(a.teach.step(), Step::OneFuture);
    assert!(!teach::wants_tick(&a));
    key(&mut a, KeyCode::Right);
    assert_eq!(a.teach.step(), Step::TenFutures);
    key(&mut a, KeyCode::End);
    assert_eq!(a.teach.step(), Step::Policy);
    key(&mut a, KeyCode::Char(' '));
    key(&mut a, KeyCode::Char(' '));
    assert_eq!(a.teach.step(), Step::Policy, "the last step stays");
    key(&mut a, KeyCode::Backspace);
    assert_eq!(a.teach.step(), Step::Count);
    key(&mut a, KeyCode::Left);
    assert_eq!(a.teach.step(), Step::Fan);
    // Esc never ends the lecture: it steps back too.
    key(&mut a, KeyCode::Esc);
    assert_eq!(a.teach.step(), Step::Thousand);
    assert!(!a.quit && !a.confirm_quit);
    // Digits switch tabs here too, as the tab bar says; the walkthrough keeps its place.
    key(&mut a, KeyCode::Char('1'));
    assert_eq!(a.tab, Tab::Fan);
    key(&mut a, KeyCode::Char('5'));
    assert_eq!((a.tab, a.teach.step()), (Tab::Teach, Step::Thousand));
    // Tab still leaves the walkthrough, and q still quits.
    key(&mut a, KeyCode::Tab);
    assert_ne!(a.tab, Tab::Teach);
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);
}

#[test]
fn a_new_seed_asks_for_new_runs() {
    let mut a = app(5);
    let effects = update(
        &mut a,
        Msg::Key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::Char('n'),
        )),
    );
    let teach_jobs = effects
        .iter()
        .filter(
            |e| matches!(e, safetech::tui::update::Effect::Simulate(j) if j.slot >= a.slots.len()),
        )
        .count();
    assert_eq!(teach_jobs, 4);
    assert!(a.teach.runs.iter().all(Option::is_none));
}

/// Every count the captions quote agrees with the simulation's own statistics, seed by seed,
/// and a different seed gives different counts.
#[test]
fn caption_counts_follow_the_run() {
    let mut seen = std::collections::HashSet::new();
    for seed in [1, 2, 3, 4] {
        let a = app(seed);
        let l = a.teach.lesson().unwrap();
        let base = l.base.unwrap();
        assert_eq!(base.settings.seed, seed);
        let tp = target_probability(base);
        assert_eq!(tp.paths, FUTURES);
        let count = l.caption(Step::Count).plain();
        assert!(
            count.contains(&format!("{} of 1,000", tp.hits)),
            "seed {seed}: {count}"
        );
        // The error ladder quotes the 95% margin of each run's own standard error.
        for p in l.ladder.iter().flatten() {
            let t = target_probability(p);
            let m = t.margin_points();
            assert!(count.contains(&format!("± {m}")), "{count}");
        }
        // Ten futures: the count of the first ten kept paths, which are the first ten counted.
        let ten = l.caption(Step::TenFutures).plain();
        let hits10 = base.target_values[..10]
            .iter()
            .filter(|v| **v >= base.scenario.target.revenue)
            .count();
        assert!(ten.contains(&format!("{hits10} of 10")), "{ten}");
        // The policy step: both counts are the target statistics of the paired runs.
        let (off, on) = l.policy_runs().unwrap();
        let policy = l.caption(Step::Policy).plain();
        for p in [off, on] {
            let h = target_probability(p).hits;
            assert!(policy.contains(&format!("{h} of 1,000")), "{policy}");
        }
        // "from 86% to 96% (+10 points)": the change is the difference of the figures shown.
        let (from, to) = (
            (target_probability(off).probability * 100.0).round() as i64,
            (target_probability(on).probability * 100.0).round() as i64,
        );
        let sign = if to < from { "−" } else { "+" };
        let said = format!("from {from}% to {to}% ({sign}{} points)", (to - from).abs());
        assert!(policy.contains(&said), "{said} not in {policy}");
        // The square-root rule is said with the root itself: 100 times more, 10 times smaller.
        assert!(count.contains("√100 = 10 times smaller"), "{count}");
        // ... and shown with both margins at one chance, the large run's, whose ratio is the
        // root: computed here from the run, not copied from the text.
        let runs: Vec<_> = l
            .ladder
            .iter()
            .flatten()
            .map(|p| target_probability(p))
            .collect();
        let (small, large) = (&runs[0], runs.last().unwrap());
        let z = safetech::stats::Z95;
        let margin =
            |n: usize| z * (large.probability * (1.0 - large.probability) / n as f64).sqrt();
        let (m_small, m_large) = (margin(small.paths), margin(large.paths));
        assert!((m_small / m_large - 10.0).abs() < 1e-9);
        let said = format!(
            "is {} points for 100 futures and {} for 10,000",
            safetech::format::percent_points(m_small),
            safetech::format::percent_points(m_large)
        );
        assert!(count.contains(&said), "{said} not in {count}");
        // The two shown figures read as 10 times apart, digit for digit.
        assert_eq!(
            safetech::format::percent_points(m_small)
                .replace('.', "")
                .trim_start_matches('0'),
            safetech::format::percent_points(m_large)
                .replace('.', "")
                .trim_start_matches('0')
        );
        assert!(count.contains(&format!(
            "At the same chance ({}",
            safetech::lesson::text::chance(large)
        )));
        // The screen shows the same count.
        let mut a = a;
        a.teach.go(Step::Count);
        a.teach.finish();
        assert!(screen(&a, 120, 40).contains(&format!("{} of 1,000", tp.hits)));
        seen.insert(tp.hits);
    }
    assert!(
        seen.len() > 1,
        "the count must change with the seed: {seen:?}"
    );
}

#[test]
fn every_size_and_frame_renders_without_panicking() {
    let mut a = app(9);
    for step in Step::ALL {
        a.teach.go(step);
        for frame in [0, 1, 3, 1000] {
            a.teach.frame = frame;
            for (w, h) in [(1, 1), (20, 5), (60, 18), (61, 19), (80, 24), (200, 60)] {
                draw(&a, w, h);
            }
        }
    }
    // Before any run has arrived.
    let scenarios = vec![load("baseline").unwrap()];
    let mut empty = App::new(
        scenarios,
        0,
        Default::default(),
        Theme::new(ThemeName::Dark, false),
    );
    empty.tab = Tab::Teach;
    teach::sync(&mut empty);
    for step in Step::ALL {
        empty.teach.go(step);
        assert!(!screen(&empty, 80, 24).is_empty());
    }
}

#[test]
fn export_slides_writes_one_png_per_step() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::succeed(
        safetech()
            .args(["teach", "--seed", "7", "--export-slides"])
            .arg(dir.path()),
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    for (n, step) in names.iter().zip(Step::ALL) {
        assert!(n.starts_with(&format!("step-{}-", step.number())), "{n}");
        let bytes = std::fs::read(dir.path().join(n)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{n} is a PNG");
    }
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 7);
}

#[test]
fn export_slides_makes_a_missing_directory_and_refuses_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("class").join("slides");
    // Bad input first: nothing is created.
    let out = safetech()
        .args(["teach", "-s", "no-such-scenario", "--export-slides"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
    common::succeed(safetech().args(["teach", "--export-slides"]).arg(&missing));
    assert_eq!(std::fs::read_dir(&missing).unwrap().count(), 7);
    // ... as `--help` says.
    let help = safetech().args(["teach", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("created if missing"), "{help}");
    assert!(!help.contains("existing directory"), "{help}");
    // A file where the directory should be.
    let file = dir.path().join("file");
    std::fs::write(&file, b"x").unwrap();
    let out = safetech()
        .args(["teach", "--export-slides"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // A bad scenario is invalid input.
    let out = safetech()
        .args(["teach", "-s", "no-such-scenario", "--export-slides"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The Teach tab runs the classroom scenario and names it, whatever the other tabs select.
#[test]
fn the_teach_tab_teaches_with_the_classroom_scenario() {
    let a = app(5);
    assert_eq!(
        a.slot().unwrap().scenario.scenario.id,
        "central",
        "selected"
    );
    let (s, _) = a.teach.source.as_ref().unwrap();
    assert_eq!(s.scenario.id, "classroom");
    assert!(screen(&a, 120, 40).contains("Teach · classroom · step"));
    // Its script quotes the classroom scenario's growth, not the selected one's.
    let claim = a.teach.lesson().unwrap().caption(Step::Claim).plain();
    assert!(claim.contains("37%"), "{claim}");
}

/// Where `text` starts on the screen, if it is there.
fn find(buf: &ratatui::buffer::Buffer, text: &str) -> Option<(u16, u16)> {
    let area = buf.area;
    for y in 0..area.height {
        let row: Vec<&str> = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
        let chars: Vec<char> = text.chars().collect();
        for x in 0..row.len().saturating_sub(chars.len() - 1) {
            if chars
                .iter()
                .enumerate()
                .all(|(k, c)| row[x + k] == c.to_string())
            {
                return Some((x as u16, y));
            }
        }
    }
    None
}

/// Legibility: the fan step's band labels are in the text colour after a swatch of the band
/// (the 5–95 label was drawn in the dark band colour itself); the counting and policy steps
/// have a key for their colours, in the colours the chart draws with; with NO_COLOR the key
/// shows the chart's glyphs.
#[test]
fn band_labels_and_keys_are_legible() {
    let mut a = app(safetech::sim::DEFAULT_SEED);
    let t = a.theme.clone();
    a.teach.go(Step::Fan);
    a.teach.finish();
    for (w, h) in [(80, 24), (160, 48)] {
        let term = draw(&a, w, h);
        let buf = term.backend().buffer();
        for (label, band) in [("90 of 100 futures", 0), ("50 of 100 futures", 2)] {
            let (x, y) = find(buf, &format!("█ {label}")).expect(label);
            assert_eq!(
                buf[(x, y)].fg,
                t.bands[band],
                "{label}: swatch in the band colour"
            );
            assert_eq!(buf[(x + 2, y)].fg, t.fg, "{label}: text in the text colour");
        }
    }
    let series = |i: usize| t.series[i];
    for (step, entries) in [
        (
            Step::Count,
            vec![
                ("━ reach £1bn in 2026", series(2)),
                ("━ fall short", series(1)),
            ],
        ),
        (
            Step::Policy,
            vec![
                ("┈ without the policy", t.dim),
                ("━ same future, with the policy", series(2)),
            ],
        ),
    ] {
        a.teach.go(step);
        a.teach.finish();
        for (w, h) in [(80, 24), (160, 48)] {
            let term = draw(&a, w, h);
            let buf = term.backend().buffer();
            for (entry, colour) in &entries {
                let (x, y) = find(buf, entry).unwrap_or_else(|| {
                    panic!("{step:?} {w}x{h}: no key {entry}\n{}", screen(&a, w, h))
                });
                assert_eq!(buf[(x, y)].fg, *colour, "{entry}");
                // The chart above uses that colour.
                let drawn = (0..y).any(|yy| {
                    (0..w).any(|xx| buf[(xx, yy)].fg == *colour || buf[(xx, yy)].bg == *colour)
                });
                assert!(drawn, "{step:?}: {entry} is not drawn");
            }
        }
    }
    // Without colour the key names the glyphs the lines are drawn with.
    a.theme = Theme::new(ThemeName::Classroom, false);
    a.teach.go(Step::Count);
    a.teach.finish();
    let text = screen(&a, 80, 24);
    assert!(
        text.contains("x reach £1bn in 2026") && text.contains("+ fall short"),
        "{text}"
    );
    let chart: String = text.lines().take(12).collect();
    assert!(chart.contains('x') && chart.contains('+'), "{text}");
}

/// The walkthrough's run sizes are the lesson's own, so `teach -n` is
/// refused (exit 2) rather than silently ignored, before any slide is made.
#[test]
fn teach_refuses_a_path_count() {
    let dir = tempfile::tempdir().unwrap();
    let slides = dir.path().join("slides");
    let out = common::safetech()
        .args(["teach", "-n", "5000", "--export-slides"])
        .arg(&slides)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--paths does not apply"), "{stderr}");
    assert!(!slides.exists());
}

/// The target marker (◆) had 1.01:1 to 1.29:1 contrast against the band
/// under it. Now every ◆ drawn, at every step (the policy step, 7, included) and in every
/// theme, stands at least 3:1 from its cell's background.
#[test]
fn the_target_marker_stands_out_at_every_step() {
    use ratatui::style::Color;
    use safetech::tui::theme::contrast_ratio;
    let mut a = app(safetech::sim::DEFAULT_SEED);
    for name in [ThemeName::Dark, ThemeName::Light, ThemeName::Classroom] {
        a.theme = Theme::new(name, true);
        let bg = a.theme.background_rgb();
        let resolve = |c: Color| if c == Color::Reset { bg } else { c };
        for step in Step::ALL {
            a.teach.go(step);
            a.teach.finish();
            for (w, h) in [(120, 40), (80, 24)] {
                let t = draw(&a, w, h);
                let buf = t.backend().buffer();
                let mut seen = 0;
                for y in 0..h {
                    for x in 0..w {
                        let cell = &buf[(x, y)];
                        if cell.symbol() != "◆" {
                            continue;
                        }
                        seen += 1;
                        let ratio = contrast_ratio(resolve(cell.fg), resolve(cell.bg)).unwrap();
                        assert!(
                            ratio >= 3.0,
                            "{name:?} {step:?} {w}x{h} at ({x}, {y}): {ratio:.2}:1"
                        );
                    }
                }
                assert!(seen > 0, "{name:?} {step:?} {w}x{h}: no marker");
            }
        }
    }
}
