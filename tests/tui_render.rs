//! Rendering the interactive view headlessly: snapshots of each tab, and every terminal size.

use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use safetech::scenario::load;
use safetech::sim::{RunControl, RunSettings, simulate};
use safetech::tui::app::{App, Tab};
use safetech::tui::theme::{Theme, ThemeName};
use safetech::tui::view;
use safetech::tui::worker::Run;

fn app(theme: ThemeName, color: bool, tab: Tab) -> App {
    // A fixed pair, so snapshots do not change when the built-in library grows or its numbers
    // move: baseline, and osa-enforced as it was with every input a number.
    let scenarios: Vec<_> = ["baseline", "tests/fixtures/osa-fixed.toml"]
        .iter()
        .map(|id| load(id).unwrap())
        .collect();
    let settings = RunSettings {
        paths: 4000,
        ..RunSettings::default()
    };
    let mut app = App::new(scenarios, 1, settings, Theme::new(theme, color));
    for slot in &mut app.slots {
        let p = simulate(&slot.scenario, settings, RunControl::default()).unwrap();
        slot.run = Some(Arc::new(Run::of(p, settings.paths, Duration::ZERO)));
    }
    app.refresh_differences();
    drivers_done(&mut app);
    app.tab = tab;
    app
}

/// The Drivers analysis of the selected scenario, done synchronously as the worker would.
fn drivers_done(app: &mut App) {
    app.tab = Tab::Drivers;
    let job = app
        .request_drivers()
        .expect("a drivers request on the Drivers tab");
    let last = std::sync::Mutex::new(None);
    safetech::tui::drivers::run(&job, &std::sync::atomic::AtomicBool::new(false), &|r| {
        if let safetech::tui::drivers::DriversReply::Progress { result, .. } = r {
            *last.lock().unwrap() = Some(result);
        }
    });
    app.drivers.result = last.into_inner().unwrap();
    app.drivers.in_flight = false;
    app.drivers.shown_generation = job.generation;
}

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view::draw(f, app)).unwrap();
    terminal
}

#[test]
fn snapshots_of_every_tab() {
    for theme in [ThemeName::Dark, ThemeName::Classroom] {
        for tab in Tab::ALL {
            let app = app(theme, true, tab);
            for (w, h) in [(120, 40), (80, 24)] {
                let name = format!(
                    "{}_{}x{}_{}",
                    tab.title().to_lowercase(),
                    w,
                    h,
                    theme.label()
                );
                insta::assert_snapshot!(name, draw(&app, w, h).backend());
            }
        }
    }
}

#[test]
fn help_and_no_color_snapshots() {
    let mut a = app(ThemeName::Dark, false, Tab::Distribution);
    // Without colour the key shows the glyphs the bars are drawn with.
    insta::assert_snapshot!("distribution_80x24_no_color", draw(&a, 80, 24).backend());
    let text = draw(&a, 80, 24).backend().to_string();
    assert!(
        text.contains("= below target") && text.contains("# at or above"),
        "{text}"
    );
    assert!(text.contains("==") && text.contains("##"), "{text}");
    a.tab = Tab::Fan;
    insta::assert_snapshot!("fan_80x24_no_color", draw(&a, 80, 24).backend());
    a.help = true;
    insta::assert_snapshot!("help_80x24", draw(&a, 80, 24).backend());
    // Every key's explanation is whole at 80 columns (two were cut).
    let text = screen_text_sized(&a, 80, 24);
    for (key, what) in safetech::tui::view::help::KEYS {
        assert!(text.contains(what), "{key}: {what} cut in\n{text}");
    }
}

#[test]
fn every_size_renders_without_panicking() {
    let mut a = app(ThemeName::Dark, true, Tab::Fan);
    let mono = Theme::new(ThemeName::Classroom, false);
    let dark = a.theme.clone();
    // Every size with SAFETECH_SOAK; otherwise every size up to 100×30, where layouts change
    // from one cell to the next, and every third one beyond.
    let every = |n: u16, dense: u16| crate::common::soak() || n <= dense || n.is_multiple_of(3);
    for w in (1..=200u16).filter(|&w| every(w, 100)) {
        for h in (1..=60u16).filter(|&h| every(h, 30)) {
            a.tab = Tab::ALL[usize::from(w + h) % Tab::ALL.len()];
            a.help = w % 7 == 0;
            // Typing a value, on some sizes.
            a.entry = (w % 3 == 0).then(|| "42.5".to_string());
            a.log_scale = h % 2 == 0;
            a.theme = if h % 5 == 0 {
                mono.clone()
            } else {
                dark.clone()
            };
            draw(&a, w, h);
        }
    }
}

#[test]
fn too_small_says_so() {
    let a = app(ThemeName::Dark, true, Tab::Fan);
    let t = draw(&a, 40, 10);
    let text = t.backend().to_string();
    assert!(text.contains("too small"), "{text}");
}

#[test]
fn view_before_any_result_says_simulating() {
    let scenarios = vec![load("baseline").unwrap()];
    let a = App::new(
        scenarios,
        0,
        RunSettings::default(),
        Theme::new(ThemeName::Dark, true),
    );
    let text = draw(&a, 100, 30).backend().to_string();
    assert!(text.contains("simulating"), "{text}");
}

#[test]
fn clicks_select_tabs_and_scenarios() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    use ratatui::layout::Rect;
    use safetech::tui::update::{Msg, update};
    use safetech::tui::view::layout;

    let mut a = app(ThemeName::Dark, true, Tab::Fan);
    a.area = Rect::new(0, 0, 120, 40);
    let click = |x, y| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    let regions = layout::compute(a.area, &a);
    let (_, dist) = regions
        .tabs
        .iter()
        .find(|(t, _)| *t == Tab::Distribution)
        .unwrap();
    assert!(update(&mut a, click(dist.x + 1, dist.y)).is_empty());
    assert_eq!(a.tab, Tab::Distribution);
    let (_, first) = regions.scenario_rows[0];
    update(&mut a, click(first.x + 2, first.y));
    assert_eq!(a.selected, 0);
    // A click elsewhere changes nothing.
    update(&mut a, click(119, 20));
    assert_eq!((a.tab, a.selected), (Tab::Distribution, 0));
}

#[test]
fn typing_a_value_snapshot() {
    let mut a = app(ThemeName::Dark, true, Tab::Drivers);
    a.entry = Some("42".into());
    let text = draw(&a, 120, 40).backend().to_string();
    assert!(text.contains("= 42▏%"), "{text}");
    assert!(text.contains("Enter to apply, Esc to cancel"), "{text}");
    insta::assert_snapshot!("drivers_typing_120x40", draw(&a, 120, 40).backend());
}

#[test]
fn drivers_follow_edits_and_stop_when_their_tab_is_left() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use safetech::tui::update::{Effect, Msg, update};
    let key = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let mut a = app(ThemeName::Dark, true, Tab::Drivers);
    // Nothing changed since the analysis: no new request.
    assert!(update(&mut a, key(KeyCode::Down)).is_empty());
    // An edit asks for the slot's run and for the drivers of the edited scenario.
    let effects = update(&mut a, key(KeyCode::Right));
    assert!(effects.iter().any(|e| matches!(e, Effect::Simulate(_))));
    let job = effects.iter().find_map(|e| match e {
        Effect::Drivers(j) => Some(j),
        _ => None,
    });
    assert_eq!(job.map(|j| &j.scenario), a.slot().map(|s| &s.scenario));
    // Leaving the tab before it finishes stops it; coming back asks again.
    let effects = update(&mut a, key(KeyCode::Char('1')));
    assert!(effects.iter().any(|e| matches!(e, Effect::CancelDrivers)));
    let effects = update(&mut a, key(KeyCode::Char('4')));
    assert!(effects.iter().any(|e| matches!(e, Effect::Drivers(_))));
    // Until the new result arrives, the old one is shown as being recomputed.
    let text = draw(&a, 120, 40).backend().to_string();
    assert!(text.contains("recomputing for the edit"), "{text}");
}

/// The stats panel's "±" is the JSON's 95% half-width of the same run, and an edited scenario
/// says so.
#[test]
fn stats_panel_margin_is_the_json_margin() {
    let mut app = app(ThemeName::Dark, false, Tab::Fan);
    let run = app.slots[1].run.clone().unwrap();
    // The JSON `safetech run` gives for the same scenario, seed and paths.
    let p = &run.projection;
    let direct = safetech::sim::simulate(&p.scenario, p.settings, Default::default()).unwrap();
    assert_eq!(direct.target_values, p.target_values);
    let json = safetech::report::Format::Json
        .reporter()
        .render(&[safetech::stats::RunSummary::of(&direct)]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let t = &doc["scenarios"][0]["target"];
    let half = (t["ci95"][1].as_f64().unwrap() - t["ci95"][0].as_f64().unwrap()) / 2.0 * 100.0;
    let decimals = (1 - half.log10().floor() as i32).max(0) as usize;
    let screen = |app: &App| {
        let t = draw(app, 120, 40);
        let buf = t.backend().buffer().clone();
        (0..40)
            .map(|y| (0..120).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = screen(&app);
    let expected = format!("±{half:.decimals$} pts (95% MC)");
    assert!(text.contains(&expected), "{expected} not in\n{text}");
    assert!(!text.contains("edited"));
    app.slots[1].scenario.provenance.edits = vec!["growth.volatility = 0.1".into()];
    assert!(screen(&app).contains("Stats · edited"));
}

/// The status line says what a key did, then gives the key hints back; `q` with the help open
/// only closes the help; a probability edit says where the event's other outcomes went.
#[test]
fn status_messages_expire_and_help_q_only_closes_help() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::app::STATUS_TICKS;
    use safetech::tui::update::{Msg, update, wants_tick};
    let mut app = app(ThemeName::Dark, false, Tab::Fan);
    let key = |a: &mut App, c: KeyCode| {
        update(a, Msg::Key(KeyEvent::from(c)));
    };
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.status.as_deref(), Some("Theme: light"));
    assert!(wants_tick(&app), "ticks run while a message shows");
    for _ in 0..STATUS_TICKS {
        update(&mut app, Msg::Tick);
    }
    assert_eq!(app.status, None, "the hints come back");
    assert!(!wants_tick(&app));
    key(&mut app, KeyCode::Char('b'));
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .starts_with("Compare base: osa-enforced")
    );

    key(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.help && !app.quit, "q closed the help only");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);

    // osa-enforced's "firm" probability: the parameter after six growth ones.
    let mut app = self::app(ThemeName::Dark, false, Tab::Fan);
    app.param = 6;
    key(&mut app, KeyCode::Char('L'));
    let status = app.status.clone().unwrap();
    assert_eq!(
        status,
        "osa: firm 70%, routine 24%, slow 6%, weakened 0%; nothing happens 0%"
    );
    assert!(screen_text(&app).contains("osa: firm 70%, routine 24%"));
}

fn screen_text(app: &App) -> String {
    let t = draw(app, 120, 40);
    let buf = t.backend().buffer().clone();
    (0..40)
        .map(|y| (0..120).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Compare chart draws a chosen few: the base and the selection by default, `c` adds or
/// removes the selected scenario, and the legend names exactly those.
#[test]
fn compare_chart_draws_the_chosen_scenarios() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Msg, update};
    let mut app = app(ThemeName::Dark, false, Tab::Compare);
    assert_eq!(app.compared_slots(), vec![0, 1], "base and selection");
    update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char('c'))));
    assert_eq!(app.compared_slots(), vec![0], "the selection removed");
    assert_eq!(app.status.as_deref(), Some("Compare chart: baseline"));
    let text = screen_text(&app);
    let legend = text.lines().find(|l| l.contains("5th/95th")).unwrap();
    assert!(
        legend.contains(" baseline") && !legend.contains("osa-enforced"),
        "{legend}"
    );
    update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char('c'))));
    assert_eq!(app.compared_slots(), vec![0, 1]);
    // The table still lists every scenario, its columns aligned.
    let text = screen_text(&app);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("baseline ") || l.contains("osa-enforced "))
        .collect();
    assert!(rows.len() >= 2, "{text}");
}

/// The Compare key shows the glyph the chart draws the 5th/95th edges with: `.` without
/// colour, `┄` with it.
#[test]
fn compare_key_shows_the_band_edge_glyph_drawn() {
    for (color, glyph) in [(false, '.'), (true, '┄')] {
        let app = app(ThemeName::Dark, color, Tab::Compare);
        for (w, h) in [(120, 40), (200, 50)] {
            let text = screen_text_sized(&app, w, h);
            let legend = text.lines().find(|l| l.contains("5th/95th")).unwrap();
            assert!(legend.contains(&format!("{glyph} 5th/95th")), "{legend}");
            let chart: String = text
                .lines()
                .take_while(|l| !l.contains("5th/95th"))
                .collect();
            if !color {
                // The edges are drawn in dots across the chart, far more than the axis
                // labels' decimal points.
                let dots = chart.matches('.').count();
                assert!(
                    dots > 40,
                    "the chart draws the edges with '.' ({dots}):\n{text}"
                );
            }
        }
    }
}

/// On a large terminal the side column's spare rows list the scenario year by year (median,
/// 90% range, chance of the target), every year when they fit; a small one has no room for it.
#[test]
fn a_tall_terminal_fills_the_side_column_with_the_years() {
    let a = app(ThemeName::Dark, true, Tab::Fan);
    insta::assert_snapshot!("fan_200x50_dark", draw(&a, 200, 50).backend());
    let text = screen_text_sized(&a, 200, 50);
    assert!(text.contains("By year: median, 90% range"), "{text}");
    let run = a.slots[1].run.as_ref().unwrap();
    for y in &run.projection.years {
        let row = text
            .lines()
            .find(|l| l.contains(&format!("│{} ", y.year)))
            .unwrap_or_else(|| panic!("{} missing\n{text}", y.year));
        let median = safetech::format::money_short(y.median());
        let chance = safetech::format::percent(y.p_target, 0);
        assert!(row.contains(&median) && row.contains(&chance), "{row}");
    }
    assert!(!screen_text_sized(&a, 80, 24).contains("By year"));
    // A short horizon leaves rows after the years: they describe the scenario.
    let mut a = a;
    a.selected = 0;
    let text = screen_text_sized(&a, 200, 50);
    assert!(text.contains("About baseline"), "{text}");
    assert!(text.contains("The officials' claim behind"), "{text}");
    assert!(!screen_text_sized(&a, 80, 24).contains("About baseline"));
}

fn screen_text_sized(app: &App, w: u16, h: u16) -> String {
    let t = draw(app, w, h);
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// At 80 columns a parameter whose name does not fit keeps the word that says what it is:
/// "legislat… uplift", not "legislated uplif".
#[test]
fn narrow_parameter_labels_keep_their_last_word() {
    let scenarios = vec![load("genai").unwrap()];
    let mut a = App::new(
        scenarios,
        0,
        RunSettings::default(),
        Theme::new(ThemeName::Dark, true),
    );
    let uplift = a
        .params()
        .iter()
        .position(|p| p.label(&a.slots[0].scenario) == "legislated uplift")
        .expect("genai has a legislated uplift");
    a.param = uplift;
    let text = screen_text_sized(&a, 80, 24);
    assert!(text.contains("legisla… uplift"), "{text}");
    assert!(!text.contains("uplif "), "{text}");
    assert!(screen_text_sized(&a, 120, 40).contains("legislated uplift"));
}

/// At 80 columns the Drivers tab's first lines are whole: "MC" stands for Monte Carlo where the
/// full words would cut the median off.
#[test]
fn drivers_lines_are_whole_at_80_columns() {
    let mut a = app(ThemeName::Dark, true, Tab::Drivers);
    for selected in [0, 1] {
        a.selected = selected;
        drivers_done(&mut a);
        a.tab = Tab::Drivers;
        let text = screen_text_sized(&a, 80, 24);
        let result = a.drivers.result.as_ref().unwrap();
        let median = safetech::format::money(result.base.median);
        assert!(text.contains(&format!("· median {median}")), "{text}");
        assert!(text.contains("Needed for 50%: growth now"), "{text}");
        assert!(
            text.contains("%)"),
            "the needed-for interval is whole:\n{text}"
        );
    }
}

/// Editing one outcome's probability moves the event's other outcomes both ways and keeps the
/// event's total; a "nothing happens" share above 0 is shown in the Parameters panel.
#[test]
fn probability_edits_rebalance_and_nothing_happens_is_shown() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Msg, update};
    let key = |a: &mut App, c: KeyCode| {
        update(a, Msg::Key(KeyEvent::from(c)));
    };
    let mut app = app(ThemeName::Dark, false, Tab::Fan);
    let shares = |a: &App| -> Vec<f64> {
        a.slots[1].scenario.events[0]
            .outcomes
            .iter()
            .map(|o| o.probability)
            .collect()
    };
    let before = shares(&app);
    // osa-enforced's "routine" probability: six growth parameters, then firm P and uplift.
    app.param = 8;
    key(&mut app, KeyCode::Left);
    let after = shares(&app);
    let others = before.iter().sum::<f64>() - before[1];
    let freed = before[1] - after[1];
    let expect = |i: usize| before[i] + freed * before[i] / others;
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    let status = format!(
        "osa: firm {}, routine 35%, slow {}, weakened 0%; nothing happens 0%",
        pct(expect(0)),
        pct(expect(2))
    );
    assert_eq!(app.status.as_deref(), Some(status.as_str()));
    let text = screen_text(&app);
    assert!(
        !text.contains("nothing happens  "),
        "no hidden share:\n{text}"
    );
    // Raising it back gives the others their shares back.
    key(&mut app, KeyCode::Right);
    for (a, b) in shares(&app).iter().zip(&before) {
        assert!((a - b).abs() < 1e-8, "{:?} vs {before:?}", shares(&app));
    }

    // firm to 100%, then down 20 points: nothing else can take the share, so "nothing happens"
    // holds it, the status says why and the panel shows it.
    app.param = 6;
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('L'));
    }
    key(&mut app, KeyCode::Char('H'));
    let rest = app.slots[1].scenario.events[0].remainder_probability();
    assert!((rest - 0.2).abs() < 1e-9);
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .ends_with("nothing happens 20% (the other outcomes are at 0%)")
    );
    for (w, h) in [(120, 40), (200, 50)] {
        let text = screen_text_sized(&app, w, h);
        let line = text
            .lines()
            .find(|l| l.contains("nothing happens ") && !l.contains(';'))
            .unwrap_or_else(|| panic!("no nothing-happens line at {w}x{h}:\n{text}"));
        assert!(line.contains("20%"), "{line}");
    }
}

/// At 80×24 what does not fit is counted, not cut without a sign: the Compare table's last
/// scenarios and the Distribution tab's last years.
#[test]
fn cut_rows_say_how_many_are_left_out() {
    let scenarios: Vec<_> = safetech::scenario::BUILTIN
        .iter()
        .map(|(id, _)| load(id).unwrap())
        .collect();
    let ids: Vec<String> = scenarios.iter().map(|s| s.scenario.id.clone()).collect();
    let settings = RunSettings {
        paths: 2000,
        ..RunSettings::default()
    };
    let mut a = App::new(scenarios, 0, settings, Theme::new(ThemeName::Dark, false));
    for slot in &mut a.slots {
        let p = simulate(&slot.scenario, settings, RunControl::default()).unwrap();
        slot.run = Some(Arc::new(Run::of(p, settings.paths, Duration::ZERO)));
    }
    a.refresh_differences();
    // The scenario list counts on its border the scenarios it has no room for, above and
    // below, as the selection scrolls it.
    a.tab = Tab::Fan;
    for selected in [0, ids.len() - 1] {
        a.selected = selected;
        let text = screen_text_sized(&a, 120, 40);
        let listed = ids
            .iter()
            .filter(|id| {
                // The list's cell: the text between the first two borders, less the cursor.
                text.lines().any(|l| {
                    l.split('│').nth(1).is_some_and(|cell| {
                        cell.trim_matches(|c: char| c == ' ' || c == '▸' || c == '*') == id.as_str()
                    })
                })
            })
            .count();
        let count = |arrow: &str| -> usize {
            text.lines()
                .find_map(|l| {
                    let at = l.find(&format!(" {arrow} "))?;
                    let rest = &l[at + arrow.len() + 2..];
                    let n: usize = rest.split(' ').next()?.parse().ok()?;
                    rest.contains("more").then_some(n)
                })
                .unwrap_or(0)
        };
        let (above, below) = (count("↑"), count("↓"));
        assert!(listed < ids.len(), "the list has room for all:\n{text}");
        assert_eq!(
            listed + above + below,
            ids.len(),
            "{listed} + {above} + {below}:\n{text}"
        );
        assert_eq!(
            (above > 0, below > 0),
            (selected > 0, selected == 0),
            "{text}"
        );
    }
    // The Compare table could not scroll. Now it follows the selection,
    // counting the rows out of view above and below.
    a.tab = Tab::Compare;
    for selected in 0..ids.len() {
        a.selected = selected;
        let text = screen_text_sized(&a, 80, 24);
        let table: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.contains("P(target)"))
            .skip(1)
            .collect();
        let count = |arrow: &str| -> usize {
            table
                .iter()
                .find_map(|l| {
                    let at = l.find(&format!("{arrow} "))?;
                    let rest = &l[at + arrow.len() + 1..];
                    let n: usize = rest.split(' ').next()?.parse().ok()?;
                    rest.contains("more").then_some(n)
                })
                .unwrap_or(0)
        };
        let (above, below) = (count("▲"), count("▼"));
        let listed: Vec<&String> = ids
            .iter()
            .filter(|id| table.iter().any(|l| l.contains(&format!("│{id} "))))
            .collect();
        assert!(
            above + below > 0 && listed.len() + above + below == ids.len(),
            "{} + {above} + {below}:\n{text}",
            listed.len()
        );
        assert!(
            listed.contains(&&ids[selected]),
            "selection in view:\n{text}"
        );
        assert_eq!(
            (above > 0, below > 0),
            (
                !listed.contains(&&ids[0]),
                !listed.contains(&&ids[ids.len() - 1])
            ),
            "{text}"
        );
    }

    let a = app(ThemeName::Dark, false, Tab::Distribution);
    let run = a.slots[1].run.clone().unwrap();
    let text = screen_text_sized(&a, 80, 24);
    let shown = run
        .first_passage
        .iter()
        .filter(|f| text.lines().any(|l| l.contains(&format!("│{} ", f.year))))
        .count();
    let last = run.first_passage.last().unwrap().year;
    let said = format!("… +{} more to {last}", run.first_passage.len() - shown);
    assert!(
        shown < run.first_passage.len() && text.contains(&said),
        "{said}:\n{text}"
    );
}

/// `q` with unsaved edits asks first and names the scenarios; any other key cancels the
/// question; once the edits are saved (or reset), `q` quits at once. Ctrl-C never asks.
#[test]
fn quitting_with_unsaved_edits_asks_first() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use safetech::tui::update::{Effect, Msg, update};
    let key = |a: &mut App, c: KeyCode| update(a, Msg::Key(KeyEvent::from(c)));
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    // Unedited: q quits.
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);

    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    key(&mut a, KeyCode::Right);
    assert!(a.slot().unwrap().unsaved());
    let id = a.slot().unwrap().scenario.scenario.id.clone();
    key(&mut a, KeyCode::Char('q'));
    assert!(!a.quit);
    let status = a.status.clone().unwrap();
    assert!(
        status.contains(&format!("(edits to {id})")) && status.contains("q quits anyway"),
        "{status}"
    );
    assert!(screen_text(&a).contains("Not saved: q quits anyway"));
    // At 80 columns the keys stay whole: the names come last, where the line is cut.
    let narrow = screen_text_sized(&a, 80, 24);
    assert!(
        narrow.contains("Not saved: q quits anyway, s saves, any other key stays"),
        "{narrow}"
    );
    // A terminal too small for the view still shows the question.
    let small = screen_text_sized(&a, 40, 12);
    assert!(
        small.contains("Not saved") && small.contains("too small"),
        "{small}"
    );
    // Another key stays (and does its own work); the next q asks again.
    key(&mut a, KeyCode::Down);
    assert!(!a.quit && !a.confirm_quit && a.status.is_none());
    key(&mut a, KeyCode::Char('q'));
    assert!(!a.quit && a.confirm_quit);
    key(&mut a, KeyCode::Esc);
    assert!(!a.quit && !a.confirm_quit, "Esc at the question stays");
    key(&mut a, KeyCode::Char('q'));
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit, "a second q quits anyway");

    // Esc never quits: it goes back to the Fan tab, steps back in the walkthrough, and on the
    // Fan tab says how to quit.
    let mut a = app(ThemeName::Dark, false, Tab::Compare);
    key(&mut a, KeyCode::Esc);
    assert!(!a.quit && a.tab == Tab::Fan);
    key(&mut a, KeyCode::Esc);
    assert!(!a.quit && !a.confirm_quit);
    assert!(a.status.as_deref().unwrap_or("").contains("q quits"));

    // `s` at the question saves the scenarios it named, not the one selected since: edit the
    // first, select the second, q, s (it wrote an unedited copy of the second).
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    a.selected = 0;
    key(&mut a, KeyCode::Right);
    let edited = a.slots[0].scenario.clone();
    key(&mut a, KeyCode::Char(']'));
    assert_eq!(a.selected, 1);
    key(&mut a, KeyCode::Char('q'));
    assert!(a.confirm_quit);
    let effects = key(&mut a, KeyCode::Char('s'));
    let saved: Vec<(usize, &safetech::scenario::Scenario)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Save { slot, scenario, .. } => Some((*slot, scenario.as_ref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        saved,
        [(0, &edited)],
        "saves the edited scenario the question named"
    );
    assert!(!a.quit);

    // Saved as it is: no question. An edit after the save asks again.
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    key(&mut a, KeyCode::Right);
    let effects = key(&mut a, KeyCode::Char('s'));
    let Some(Effect::Save { slot, scenario, .. }) = effects.into_iter().next() else {
        panic!("s saves");
    };
    update(
        &mut a,
        Msg::Saved {
            slot,
            scenario,
            path: "kept.toml".into(),
        },
    );
    assert_eq!(a.status.as_deref(), Some("Saved kept.toml"));
    assert!(!a.slot().unwrap().unsaved());
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Char('q'));
    assert!(!a.quit);
    // Reset: nothing to lose.
    key(&mut a, KeyCode::Char('x'));
    key(&mut a, KeyCode::Char('r'));
    key(&mut a, KeyCode::Char('q'));
    assert!(a.quit);

    // Ctrl-C quits whatever is unsaved.
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    key(&mut a, KeyCode::Right);
    update(
        &mut a,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(a.quit);
}

/// Typing "1,5" read as 15: the comma was dropped as it was typed. It is now kept, and the
/// value is refused with the reason.
#[test]
fn typing_a_decimal_comma_is_refused_not_read_as_15() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Msg, update};
    let mut app = app(ThemeName::Dark, false, Tab::Fan);
    let before = app.slot().unwrap().scenario.growth.initial;
    for c in [
        KeyCode::Enter,
        KeyCode::Char('1'),
        KeyCode::Char(','),
        KeyCode::Char('5'),
    ] {
        update(&mut app, Msg::Key(KeyEvent::from(c)));
    }
    assert_eq!(app.entry.as_deref(), Some("1,5"));
    update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Enter)));
    let status = app.status.clone().unwrap_or_default();
    assert!(
        status.contains("write decimals with a point, e.g. 1.5"),
        "{status}"
    );
    assert_eq!(app.slot().unwrap().scenario.growth.initial, before);
}

/// On a valid 500 % pace (the arrows stop at 200 %), → set 200 %: a key moved the value
/// against its direction. Now it leaves the value and says how to change it.
#[test]
fn the_right_arrow_never_lowers_a_value() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Msg, update};
    let mut app = app(ThemeName::Dark, false, Tab::Fan);
    let selected = app.selected;
    app.slots[selected].scenario.growth.initial = 5.0;
    update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Right)));
    assert_eq!(app.slot().unwrap().scenario.growth.initial, 5.0);
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("beyond what the arrows reach"), "{status}");
    update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Left)));
    assert_eq!(app.slot().unwrap().scenario.growth.initial, 2.0);
}

#[test]
fn uncertain_inputs_are_moved_stretched_fixed_and_freed_from_the_keyboard() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Msg, update};
    let key = |a: &mut App, c: KeyCode| {
        update(a, Msg::Key(KeyEvent::from(c)));
    };
    let typed = |a: &mut App, text: &str| {
        key(a, KeyCode::Enter);
        for c in text.chars() {
            key(a, KeyCode::Char(c));
        }
        key(a, KeyCode::Enter);
    };
    let mut app = app(ThemeName::Dark, false, Tab::Fan);
    // osa-enforced's long-run growth: the third row, fixed at 13 %.
    app.param = 2;
    let key_name = "growth.long_run";
    let dist = |a: &App| a.slots[1].scenario.uncertain.get(key_name).cloned();
    let ends = |a: &App| {
        let u = dist(a).expect("uncertain");
        (u.quantile(0.05), u.median(), u.quantile(0.95))
    };
    let close = |x: f64, y: f64| (x - y).abs() < 1e-9;
    assert!(dist(&app).is_none());
    // u: uncertain, with its default swing (5 pts either way) as the central 90 %.
    key(&mut app, KeyCode::Char('u'));
    let (lo, mid, hi) = ends(&app);
    assert!(
        close(lo, 0.08) && close(hi, 0.18) && close(mid, 0.13),
        "{lo} {mid} {hi}"
    );
    assert!(screen_text(&app).contains("13.0% (8.0–18.0%)"));
    // }: a quarter wider about the centre; →: the centre one step up, the width kept.
    key(&mut app, KeyCode::Char('}'));
    let (lo, _, hi) = ends(&app);
    assert!(close(hi - lo, 0.125), "{lo} {hi}");
    key(&mut app, KeyCode::Right);
    let (lo2, mid2, hi2) = ends(&app);
    assert!(
        close(mid2, 0.14) && close(hi2 - lo2, 0.125),
        "{lo2} {mid2} {hi2}"
    );
    // A typed range sets the ends; one outside the allowed values is refused with the reason.
    typed(&mut app, "10–20");
    let (lo, _, hi) = ends(&app);
    assert!(close(lo, 0.10) && close(hi, 0.20), "{lo} {hi}");
    let before = app.slots[1].scenario.clone();
    typed(&mut app, "10-900");
    assert_eq!(app.slots[1].scenario, before);
    assert!(
        app.status
            .as_deref()
            .unwrap_or("")
            .contains("must lie between")
    );
    // The edit is recorded as the distribution, as --set takes it.
    let edits = &app.slots[1].scenario.provenance.edits;
    assert!(
        edits
            .iter()
            .any(|e| e.starts_with("growth.long_run = { dist = \"normal\"")),
        "{edits:?}"
    );
    // u fixes it at its centre; u again gives back the same spread.
    key(&mut app, KeyCode::Char('u'));
    assert!(dist(&app).is_none());
    assert!(close(
        app.slots[1].scenario.growth.long_run.unwrap(),
        before.growth.long_run.unwrap()
    ));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.slots[1].scenario, before);
}

/// A run refused after its preview came kept the preview as the answer, with
/// no error, and `e` exported it. Now the preview goes, the refusal is shown in its place, and
/// `e` says why it exports nothing.
#[test]
fn a_refused_run_drops_its_preview_and_is_not_exported() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Effect, Msg, update};
    use safetech::tui::worker::Reply;
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    a.settings.paths = 20_000;
    let job = a.request(a.selected).unwrap();
    // The preview arrives (the fixture's run stands in for it), then the full run is refused.
    let preview = Run::of(
        a.slot().unwrap().run.as_ref().unwrap().projection.clone(),
        20_000,
        Duration::ZERO,
    );
    assert!(preview.preview);
    update(
        &mut a,
        Msg::Worker(Reply::Done {
            slot: job.slot,
            generation: job.generation,
            run: Arc::new(preview),
        }),
    );
    assert!(screen_text(&a).contains("4,000 of 20,000"));
    update(
        &mut a,
        Msg::Worker(Reply::Failed {
            slot: job.slot,
            generation: job.generation,
            error: "revenue passed 1e100 £m in 2045 on some simulated path".into(),
        }),
    );
    assert!(a.slot().unwrap().run.is_none(), "the preview is dropped");
    let screen = screen_text(&a);
    assert!(
        screen.contains("The run of 20,000 paths stopped: revenue passed 1e100")
            && !screen.contains("4,000 of 20,000"),
        "{screen}"
    );
    for tab in ["1", "2", "3"] {
        let c = tab.chars().next().unwrap();
        update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char(c))));
        let effects = update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char('e'))));
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::Export(_))),
            "tab {tab}: {effects:?}"
        );
        let status = a.status.clone().unwrap_or_default();
        assert!(status.starts_with("Nothing exported"), "{status}");
    }
}

/// `e` exports the final run, never a preview of it: with a preview on screen it waits.
#[test]
fn a_preview_is_not_exported() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::app::ExportRequest;
    use safetech::tui::update::{Effect, Msg, update};
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    let effects = update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char('e'))));
    assert!(
        matches!(&effects[..], [Effect::Export(ExportRequest { tab: Tab::Fan, slots })] if *slots == [1]),
        "{effects:?}"
    );
    let slot = a.selected;
    let p = a.slots[slot].run.as_ref().unwrap().projection.clone();
    a.slots[slot].run = Some(Arc::new(Run::of(p, 20_000, Duration::ZERO)));
    let effects = update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char('e'))));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(
        a.status
            .as_deref()
            .unwrap_or("")
            .starts_with("Export waits for the full run of osa-enforced (4,000 paths)"),
        "{:?}",
        a.status
    );
    // The walkthrough does not wait for runs it would not export: the runtime says at once
    // that its slides come from `safetech teach --export-slides`.
    a.tab = Tab::Teach;
    let effects = update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char('e'))));
    assert!(
        matches!(
            effects.first(),
            Some(Effect::Export(ExportRequest {
                tab: Tab::Teach,
                ..
            }))
        ),
        "{:?}",
        effects.first()
    );
    assert!(a.export_waiting.is_none());
}

/// `e` right after an edit wrote the preview of the new run, or (keys in
/// one burst) the run before the edit under the stock name. Now the export waits for the final
/// run of the edit, says so, and is written when that run comes.
#[test]
fn an_export_after_an_edit_waits_for_its_final_run() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::app::ExportRequest;
    use safetech::tui::update::{Effect, Msg, update};
    use safetech::tui::worker::Reply;
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    a.settings.paths = 20_000;
    let press = |a: &mut App, k: KeyCode| update(a, Msg::Key(KeyEvent::from(k)));
    let job = match &press(&mut a, KeyCode::Right)[..] {
        [Effect::Simulate(job)] => (**job).clone(),
        other => panic!("{other:?}"),
    };
    // The run on screen is still the one before the edit: nothing is exported yet.
    assert!(press(&mut a, KeyCode::Char('e')).is_empty());
    let status = a.status.clone().unwrap_or_default();
    assert_eq!(
        status,
        "Export waits for the full run of osa-enforced (20,000 paths), then writes it"
    );
    let settings = job.settings;
    let run = |paths: usize| {
        let s = RunSettings { paths, ..settings };
        let p = simulate(&job.scenario, s, RunControl::default()).unwrap();
        Arc::new(Run::of(p, settings.paths, Duration::ZERO))
    };
    let done = |a: &mut App, run| {
        update(
            a,
            Msg::Worker(Reply::Done {
                slot: job.slot,
                generation: job.generation,
                run,
            }),
        )
    };
    // The preview comes: still waiting, and the notice stays.
    let effects = done(&mut a, run(8192));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Export(_))),
        "{effects:?}"
    );
    for _ in 0..100 {
        update(&mut a, Msg::Tick);
    }
    assert_eq!(a.status.as_deref(), Some(status.as_str()));
    // The final run comes: the export goes, of that slot.
    let effects = done(&mut a, run(20_000));
    let exports: Vec<&ExportRequest> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Export(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(
        exports,
        [&ExportRequest {
            tab: Tab::Fan,
            slots: vec![1]
        }]
    );
    assert!(a.export_waiting.is_none());
    // What it writes is the edited run, named so, at its full paths.
    let dir = tempfile::tempdir().unwrap();
    let projection = &a.slots[1].run.as_ref().unwrap().projection;
    let written =
        safetech::tui::export::export(dir.path(), Tab::Fan, ThemeName::Light, &[projection])
            .unwrap();
    let svg = std::fs::read_to_string(&written[1]).unwrap();
    assert_eq!(
        written[1].file_name().unwrap().to_string_lossy(),
        "safetech-osa-enforced-edited-fan-seed20241010.svg"
    );
    assert!(svg.contains("20,000 paths"), "the full run's stamp");
}

/// On the Compare tab `e` wrote a chart of every scenario, named after the
/// first. Now it writes the set the chart draws, in its order, named after it.
#[test]
fn compare_exports_the_set_it_draws() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::app::ExportRequest;
    use safetech::tui::update::{Effect, Msg, update};
    let scenarios: Vec<_> = ["baseline", "kosa", "tests/fixtures/osa-fixed.toml"]
        .iter()
        .map(|id| load(id).unwrap())
        .collect();
    let settings = RunSettings {
        paths: 2000,
        ..RunSettings::default()
    };
    let mut a = App::new(scenarios, 0, settings, Theme::new(ThemeName::Dark, true));
    for slot in &mut a.slots {
        let p = simulate(&slot.scenario, settings, RunControl::default()).unwrap();
        slot.run = Some(Arc::new(Run::of(p, settings.paths, Duration::ZERO)));
    }
    a.tab = Tab::Compare;
    a.base = 2;
    a.compared = vec![2, 0];
    let effects = update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char('e'))));
    let [Effect::Export(request)] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(
        request,
        &ExportRequest {
            tab: Tab::Compare,
            slots: vec![2, 0]
        }
    );
    let runs: Vec<_> = request
        .slots
        .iter()
        .map(|&i| &a.slots[i].run.as_ref().unwrap().projection)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let written =
        safetech::tui::export::export(dir.path(), Tab::Compare, ThemeName::Dark, &runs).unwrap();
    assert_eq!(
        written[1].file_name().unwrap().to_string_lossy(),
        "safetech-osa-enforced-vs-baseline-compare-seed20241010.svg"
    );
    let svg = std::fs::read_to_string(&written[1]).unwrap();
    assert!(
        svg.contains("scenarios osa-enforced") && svg.contains("baseline"),
        "the stamp names the set"
    );
    assert!(
        !svg.contains("kosa"),
        "a scenario not drawn is not exported"
    );
    // While runs of the set are coming, the export waits for them, naming them.
    a.slots[0].pending = true;
    a.slots[2].pending = true;
    assert!(update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char('e')))).is_empty());
    assert_eq!(
        a.status.as_deref(),
        Some(
            "Export waits for the full runs of osa-enforced and baseline (2,000 paths), then \
             writes it"
        )
    );
}

/// `+` went past the memory budget the view started within. Now a step
/// over it is refused with the reason, and `-` still steps down.
#[test]
fn plus_stops_at_the_memory_budget() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::MemoryBudget;
    use safetech::tui::update::{Msg, update};
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    a.settings.paths = 5_000;
    // What the view keeps of every scenario's run, plus room to make the largest run and
    // the Drivers tab's analysis of it.
    let per_path = a.slots.len() as u64 * safetech::tui::worker::Run::BYTES_PER_PATH
        + a.slots
            .iter()
            .map(|s| {
                4 * safetech::sim::memory_estimate(&s.scenario, 1)
                    + safetech::analysis::variance::outputs_bytes_per_path()
                    + 2 * safetech::sim::DrawCache::bytes_per_path(&s.scenario)
                    + 2 * safetech::sim::DrawCache::SPARE_BYTES_PER_PATH
            })
            .max()
            .unwrap();
    let need = |paths: usize| per_path * paths as u64 + safetech::sim::MEMORY_OVERHEAD;
    // 10,000 paths fit; 20,000 do not.
    a.memory = Some(MemoryBudget {
        bytes: (need(10_000) + need(20_000)) / 2,
        source: "--max-memory".into(),
    });
    let press = |a: &mut App, c: char| update(a, Msg::Key(KeyEvent::from(KeyCode::Char(c))));
    assert!(!press(&mut a, '+').is_empty());
    assert_eq!(a.settings.paths, 10_000);
    assert!(press(&mut a, '+').is_empty(), "no runs for a refused step");
    assert_eq!(a.settings.paths, 10_000);
    let status = a.status.clone().unwrap_or_default();
    assert!(
        status.starts_with("Not 20,000 paths: they need about")
            && status.contains(", over the memory budget of ")
            && status.ends_with(" (--max-memory)"),
        "{status}"
    );
    press(&mut a, '-');
    assert_eq!(a.settings.paths, 5_000);
}

/// A save whose scenario file changed on disk since loading asks first; a
/// second `s` saves, any other key cancels.
#[test]
fn a_save_over_a_changed_file_asks_first() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Effect, Msg, update};
    let mut a = app(ThemeName::Dark, false, Tab::Fan);
    let press = |a: &mut App, c: char| update(a, Msg::Key(KeyEvent::from(KeyCode::Char(c))));
    // An edit to save (an unedited scenario has nothing to save).
    update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Right)));
    for answer in ['x', 's'] {
        let effects = press(&mut a, 's');
        let Some(Effect::Save {
            slot,
            scenario,
            confirmed: false,
        }) = effects.into_iter().next()
        else {
            panic!("s saves, asking if the file changed");
        };
        update(
            &mut a,
            Msg::SaveChanged {
                slot,
                scenario,
                file: "mine.toml".into(),
            },
        );
        let status = a.status.clone().unwrap_or_default();
        assert!(status.starts_with("mine.toml changed on disk"), "{status}");
        let effects = press(&mut a, answer);
        if answer == 's' {
            assert!(
                matches!(effects[..], [Effect::Save { slot: s, confirmed: true, .. }] if s == slot),
                "{effects:?}"
            );
        } else {
            assert!(effects.is_empty(), "{effects:?}");
            assert_eq!(a.status.as_deref(), Some("Not saved"));
        }
    }
}

/// → then ← went 28.85 % → 30.0 % → 29.0 % and stayed marked edited, and
/// the stock 28.85 % read "28.8%". Steps now move on a grid through the stock value, a value
/// back at its stock value is no longer edited, `x` resets one parameter, `r` the scenario and
/// `R` every scenario, and `s` on an unedited scenario writes nothing.
#[test]
fn steps_return_exactly_and_x_resets_a_parameter() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::scenario::parameters::Field;
    use safetech::tui::params::{Param, Presented};
    use safetech::tui::update::{Effect, Msg, update};
    let key = |a: &mut App, c: KeyCode| update(a, Msg::Key(KeyEvent::from(c)));
    let scenarios: Vec<_> = ["central", "osa-enforced"]
        .iter()
        .map(|id| load(id).unwrap())
        .collect();
    let mut a = App::new(
        scenarios,
        0,
        RunSettings::default(),
        Theme::new(ThemeName::Dark, false),
    );
    let initial = Param::of(Field::Initial);
    let stock = a.slots[0].original.clone();
    assert_eq!(initial.get(&stock), 0.2885);
    assert_eq!(
        initial.display(&stock),
        "28.85%",
        "the stock value as written"
    );
    assert_eq!(a.param, 0);

    key(&mut a, KeyCode::Right);
    assert_eq!(initial.get(&a.slots[0].scenario), 0.2985);
    assert_eq!(initial.display(&a.slots[0].scenario), "29.85%");
    key(&mut a, KeyCode::Left);
    assert_eq!(initial.get(&a.slots[0].scenario), 0.2885, "back exactly");
    assert!(!a.slots[0].edited(), "back at stock is not an edit");
    // Large steps and several of them, then as many back.
    for c in [KeyCode::Char('>'), KeyCode::Right, KeyCode::Right] {
        key(&mut a, c);
    }
    for c in [KeyCode::Left, KeyCode::Left, KeyCode::Char('<')] {
        key(&mut a, c);
    }
    assert!(!a.slots[0].edited());
    // Down steps and back: stock stays on the grid.
    key(&mut a, KeyCode::Left);
    assert_eq!(initial.get(&a.slots[0].scenario), 0.2785);
    key(&mut a, KeyCode::Right);
    assert!(!a.slots[0].edited());

    // An outcome's probability moves the event's others; back again, none is edited.
    let params = a.params();
    let p = params
        .iter()
        .position(|p| p.field == Field::Probability)
        .expect("an outcome probability");
    a.param = p;
    key(&mut a, KeyCode::Right);
    assert!(a.slots[0].edited());
    key(&mut a, KeyCode::Left);
    assert!(!a.slots[0].edited(), "{:?}", a.slots[0].scenario.events);
    assert_eq!(a.slots[0].scenario, a.slots[0].original);

    // `s` on an unedited scenario writes nothing, and says so.
    let effects = key(&mut a, KeyCode::Char('s'));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Save { .. })),
        "{effects:?}"
    );
    assert!(a.status.as_deref().unwrap().contains("no edits"));

    // `x` resets the selected parameter alone; the other edit stays.
    key(&mut a, KeyCode::Right);
    a.param = 0;
    key(&mut a, KeyCode::Char('>'));
    key(&mut a, KeyCode::Char('x'));
    assert_eq!(initial.get(&a.slots[0].scenario), 0.2885);
    assert!(a.slots[0].edited(), "the probability is still edited");
    a.param = p;
    key(&mut a, KeyCode::Char('x'));
    assert!(!a.slots[0].edited());
    assert_eq!(a.slots[0].scenario, a.slots[0].original);
    key(&mut a, KeyCode::Char('x'));
    assert!(a.status.as_deref().unwrap().contains("stock value"));

    // An uncertain input: moved and reset with its distribution.
    let sel = a
        .params()
        .iter()
        .position(|p| p.distribution(&a.slots[0].scenario).is_some());
    a.param = sel.expect("central has an uncertain input");
    key(&mut a, KeyCode::Right);
    assert!(a.slots[0].edited());
    key(&mut a, KeyCode::Left);
    assert!(
        !a.slots[0].edited(),
        "an uncertain input steps back exactly"
    );
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Char('}'));
    assert!(a.slots[0].edited());
    key(&mut a, KeyCode::Char('x'));
    assert!(!a.slots[0].edited());

    // `R` resets every scenario.
    a.param = 0;
    key(&mut a, KeyCode::Right);
    key(&mut a, KeyCode::Char(']'));
    key(&mut a, KeyCode::Char('<'));
    assert!(a.slots[0].edited() && a.slots[1].edited());
    let effects = key(&mut a, KeyCode::Char('R'));
    assert!(!a.slots[0].edited() && !a.slots[1].edited());
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::Simulate(_)))
            .count(),
        2
    );
}

/// An edit could not be compared with its stock self. `d` copies the
/// selected scenario with its edits, labelled apart, puts the scenario back to stock as the
/// Compare base, and selects the copy: the Compare tab shows the two.
#[test]
fn d_sets_an_edited_copy_beside_its_stock_self() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Effect, Msg, update};
    let key = |a: &mut App, c: KeyCode| update(a, Msg::Key(KeyEvent::from(c)));
    let mut a = app(ThemeName::Dark, false, Tab::Compare);
    assert_eq!(a.selected, 1);
    key(&mut a, KeyCode::Right);
    let edited = a.slots[1].scenario.clone();
    let effects = key(&mut a, KeyCode::Char('d'));
    assert_eq!(a.slots.len(), 3);
    let copy = &a.slots[2];
    assert_eq!(copy.scenario.scenario.id, "osa-enforced-edited");
    assert!(copy.scenario.scenario.name.ends_with("(edited)"));
    assert_eq!(copy.scenario.growth, edited.growth);
    assert!(copy.edited(), "the copy carries the edit");
    assert!(!a.slots[1].edited(), "the scenario is back to stock");
    assert_eq!((a.base, a.selected), (1, 2));
    assert_eq!(a.compared_slots(), [1, 2]);
    let run: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Simulate(j) => Some(j.slot),
            _ => None,
        })
        .collect();
    assert_eq!(run, [1, 2]);
    // Both on screen, told apart; a second copy takes another id.
    let text = screen_text(&a);
    assert!(text.contains("osa-enforced-edited"), "{text}");
    a.selected = 1;
    key(&mut a, KeyCode::Char('d'));
    assert_eq!(a.slots[3].scenario.scenario.id, "osa-enforced-edited-2");
    assert!(
        !a.slots[3].edited(),
        "a copy of the stock scenario has no edits yet"
    );
}

/// The Compare tab's ΔP (with its error and interval) and its
/// R_B − R_A p5, median and p95, computed from what the view keeps of each run, equal
/// `safetech run -s A -s B … -f json`'s `differences[]` field by field.
#[test]
fn compare_differences_from_kept_runs_equal_the_json_differences() {
    use safetech::tui::worker::{DifferencesCache, DifferencesJob};
    let ids = ["osa-enforced", "central", "kosa"];
    let paths = 20_000;
    let mut args = vec!["run", "-n", "20000", "-f", "json"];
    for id in ids {
        args.extend(["-s", id]);
    }
    let json = crate::common::json_of(crate::common::safetech().args(&args));
    let runs: Vec<Arc<Run>> = ids
        .iter()
        .map(|id| {
            let settings = RunSettings {
                paths,
                ..RunSettings::default()
            };
            let p = simulate(&load(id).unwrap(), settings, RunControl::default()).unwrap();
            Arc::new(Run::of(p, paths, Duration::ZERO))
        })
        .collect();
    let view = DifferencesCache::default().compute(DifferencesJob {
        generation: 1,
        base: Some(runs[0].clone()),
        runs: runs.iter().cloned().map(Some).collect(),
    });
    let number = |v: &serde_json::Value| v.as_f64().unwrap();
    for (i, d) in json["differences"].as_array().unwrap().iter().enumerate() {
        assert_eq!(d["scenario"], ids[i + 1]);
        let p = view.probability[i + 1].as_ref().unwrap();
        assert_eq!(p.difference, number(&d["probability"]["difference"]));
        assert_eq!(p.std_error, number(&d["probability"]["std_error"]));
        assert_eq!(p.ci95[0], number(&d["probability"]["ci95"][0]));
        assert_eq!(p.ci95[1], number(&d["probability"]["ci95"][1]));
        let [p5, median, p95] = view.revenue[i + 1].unwrap();
        let r = &d["revenue_difference"];
        assert_eq!(
            [p5, median, p95],
            [number(&r["p5"]), number(&r["p50"]), number(&r["p95"])]
        );
    }
}

/// Where `s` and `e` write (`SAFETECH_EXPORT_DIR`) was documented only in
/// the scenario format's notes. Now the help overlay and the README's account of the view say.
#[test]
fn the_export_directory_is_documented_where_users_look() {
    let mut a = app(ThemeName::Dark, true, Tab::Fan);
    a.help = true;
    let text = screen_text_sized(&a, 80, 24);
    assert!(text.contains("$SAFETECH_EXPORT_DIR"), "{text}");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let view = readme
        .split("\n\n")
        .find(|p| p.contains("`d` copies the selected scenario"))
        .expect("the README's account of the view's keys");
    assert!(view.contains("`SAFETECH_EXPORT_DIR`"), "{view}");
}

/// At the 60×18 minimum the Teach tab vanished from the tab bar, the
/// parameter panel hid all but one parameter with no sign, and text was cut without "…". Now
/// every tab stays on the bar (shortened names), hidden parameters are counted, and cut text
/// ends in "…": scenario ids in the list and the table, legends and the status line.
#[test]
fn hidden_content_is_marked_at_every_size() {
    use safetech::tui::view::layout;
    let mut long = load("baseline").unwrap();
    long.scenario.id = "a-scenario-with-a-very-long-identifier".into();
    let scenarios = vec![load("baseline").unwrap(), long];
    let settings = RunSettings {
        paths: 2000,
        ..RunSettings::default()
    };
    let mut a = App::new(scenarios, 1, settings, Theme::new(ThemeName::Dark, true));
    for slot in &mut a.slots {
        let p = simulate(&slot.scenario, settings, RunControl::default()).unwrap();
        slot.run = Some(Arc::new(Run::of(p, settings.paths, Duration::ZERO)));
    }
    a.refresh_differences();
    for (w, h) in [(60, 18), (80, 24), (200, 50)] {
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let regions = layout::compute(area, &a);
        assert_eq!(regions.tabs.len(), Tab::ALL.len(), "{w}×{h}");
        let text = screen_text_sized(&a, w, h);
        let bar = text.lines().next().unwrap();
        assert!(bar.contains(" 5 Teach "), "{w}×{h}: {bar}");
        // The id is cut in the list, with a sign.
        let id = "a-scenario-with-a-very-long-identifier";
        // The id whole, or a prefix of it ending in "…".
        let named = |l: &str| {
            l.contains(id) || (8..id.len()).any(|k| l.contains(&format!("{}…", &id[..k])))
        };
        assert!(text.lines().any(named), "{w}×{h}:\n{text}");
        // Parameters out of view are counted on the panel's border.
        let shown = regions.param_rows.len();
        let total = a.params().len();
        if shown < total {
            let below = text
                .lines()
                .find_map(|l| {
                    let at = l.find("↓ ")?;
                    let n: usize = l[at + "↓ ".len()..].split(' ').next()?.parse().ok()?;
                    (l.contains("┘└") || l.ends_with('┘')).then_some(n)
                })
                .unwrap_or(0);
            assert!(below > 0, "{w}×{h}: no count of hidden parameters\n{text}");
        }
        // A status message too long for the line ends in "…".
        a.say("x".repeat(usize::from(w) + 10));
        let text = screen_text_sized(&a, w, h);
        let last = text.lines().last().unwrap();
        assert!(last.trim_end().ends_with('…'), "{w}×{h}: {last}");
        a.status = None;
        // The Compare table names the long id cut with a sign, and no cell is cut.
        a.tab = Tab::Compare;
        let text = screen_text_sized(&a, w, h);
        let table: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.contains("P(target)"))
            .collect();
        assert!(table.iter().any(|l| named(l)), "{w}×{h}:\n{text}");
        if w == 60 {
            // No room for the ΔP column whole: it is left out, not cut.
            assert!(!table[0].contains("ΔP"), "{}", table[0]);
            // A panel title longer than its border ends in "…".
            a.tab = Tab::Distribution;
            let text = screen_text_sized(&a, w, h);
            let top = text.lines().nth(1).unwrap();
            assert!(
                top.contains(" Revenue in 2026 · ") && top.ends_with("…┐"),
                "{top}"
            );
        }
        a.tab = Tab::Fan;
    }
}

/// The short key bar (narrow terminals) had no `x`, `R` or `d`.
/// Now the bars that leave keys out say `? keys`, and the help lists every key they leave out.
#[test]
fn short_key_bars_point_to_the_help() {
    use safetech::tui::view::{KEY_BARS, help::KEYS};
    let mut a = app(ThemeName::Dark, true, Tab::Fan);
    let text = screen_text_sized(&a, 80, 24);
    let bar = text.lines().last().unwrap();
    assert!(bar.contains("? keys"), "{bar}");
    let text = screen_text_sized(&a, 60, 18);
    let bar = text.lines().last().unwrap();
    assert!(bar.contains("? keys") && !bar.contains('…'), "{bar}");
    // The full bar names x/r/R and d; every shorter one sends to the help, which lists them.
    for key in ["x/r/R reset", "d copy"] {
        assert!(KEY_BARS[0].contains(key), "{key}");
    }
    // From 120 columns the bar has them too.
    let text = screen_text_sized(&a, 120, 40);
    let bar = text.lines().last().unwrap();
    assert!(bar.contains("x/R reset") && bar.contains("d copy"), "{bar}");
    for bar in &KEY_BARS[1..] {
        assert!(bar.contains("? keys"), "{bar}");
    }
    let listed = |k: &str| {
        KEYS.iter()
            .any(|(keys, _)| keys.split_whitespace().any(|x| x == k))
    };
    for k in ["x", "r", "R", "d", "s", "e", "n", "c", "b", "u", "t", "g"] {
        assert!(listed(k), "{k} not in the help");
    }
    a.help = true;
    let text = screen_text_sized(&a, 80, 24);
    assert!(text.contains("x  r  R") && text.contains("b  d"), "{text}");
}

/// The fan's target marker (◆) was the band's own lightness (1.01:1 on
/// the dark theme's band, 1.25:1 light, 1.29:1 classroom). Now it stands at least 3:1 from
/// its cell's background in every theme, wherever the target falls.
#[test]
fn the_fan_target_marker_stands_out_in_every_theme() {
    use ratatui::style::Color;
    use safetech::tui::theme::contrast_ratio;
    for name in [ThemeName::Dark, ThemeName::Light, ThemeName::Classroom] {
        let mut a = app(name, true, Tab::Fan);
        let bg = a.theme.background_rgb();
        let resolve = |c: Color| if c == Color::Reset { bg } else { c };
        // On both scenarios, and with the target moved through the fan from below it to
        // above it.
        for selected in [0, 1] {
            for revenue in [400.0, 800.0, 1000.0, 1300.0, 2000.0] {
                a.selected = selected;
                if let Some(run) = a.slots[selected].run.as_mut() {
                    Arc::get_mut(run)
                        .unwrap()
                        .projection
                        .scenario
                        .target
                        .revenue = revenue;
                }
                for (w, h) in [(120, 40), (80, 24)] {
                    let t = draw(&a, w, h);
                    let buf = t.backend().buffer();
                    for y in 0..h {
                        for x in 0..w {
                            let cell = &buf[(x, y)];
                            if cell.symbol() != "◆" {
                                continue;
                            }
                            let ratio = contrast_ratio(resolve(cell.fg), resolve(cell.bg)).unwrap();
                            assert!(
                                ratio >= 3.0,
                                "{name:?} £{revenue}m {w}x{h} at ({x}, {y}): {ratio:.2}:1"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// On the Drivers tab, `e` right after an edit wrote the analysis of the
/// scenario before the edit under the edited one's name. Now it waits for the analysis of
/// the edit to finish, and is dropped if the tab is left (the analysis stops with it).
#[test]
fn a_drivers_export_waits_for_the_analysis_of_the_edit() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Effect, Msg, update};
    use safetech::tui::worker::Reply;
    let press = |a: &mut App, k: KeyCode| update(a, Msg::Key(KeyEvent::from(k)));
    let mut a = app(ThemeName::Dark, true, Tab::Drivers);
    // The analysis on screen is of the scenario as it is: `e` exports it at once.
    let effects = press(&mut a, KeyCode::Char('e'));
    assert!(
        matches!(&effects[..], [Effect::Export(r)] if r.tab == Tab::Drivers),
        "{effects:?}"
    );
    let job = press(&mut a, KeyCode::Right)
        .into_iter()
        .find_map(|e| match e {
            Effect::Drivers(j) => Some(*j),
            _ => None,
        })
        .expect("the drivers of the edit");
    assert!(press(&mut a, KeyCode::Char('e')).is_empty());
    assert_eq!(
        a.status.as_deref(),
        Some("Export waits for the drivers of osa-enforced at 4,000 paths, then writes it")
    );
    // The analysis of the edit arrives, snapshot by snapshot: the last one writes the export.
    let replies = std::sync::Mutex::new(Vec::new());
    safetech::tui::drivers::run(&job, &std::sync::atomic::AtomicBool::new(false), &|r| {
        replies.lock().unwrap().push(r)
    });
    let replies = replies.into_inner().unwrap();
    let n = replies.len();
    for (k, r) in replies.into_iter().enumerate() {
        let effects = update(&mut a, Msg::Worker(Reply::Drivers(r)));
        let exported = effects.iter().any(|e| matches!(e, Effect::Export(_)));
        assert_eq!(exported, k + 1 == n, "snapshot {k} of {n}: {effects:?}");
    }
    // Leaving the tab while one waits drops it, saying so.
    press(&mut a, KeyCode::Left);
    assert!(press(&mut a, KeyCode::Char('e')).is_empty());
    let effects = press(&mut a, KeyCode::Char('1'));
    assert!(effects.iter().any(|e| matches!(e, Effect::CancelDrivers)));
    assert!(a.export_waiting.is_none());
    assert!(
        a.status
            .as_deref()
            .unwrap_or("")
            .starts_with("Export of the drivers dropped"),
        "{:?}",
        a.status
    );
}

/// At the 60×18 minimum the help, which the short key bars send to ("? keys"), was cut at its
/// right edge and lost its last seven keys, `q` among them. Now its explanations wrap, and ↓
/// scrolls it to the end, the lines out of view counted on its borders.
#[test]
fn the_help_scrolls_at_the_smallest_size() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent};
    use safetech::tui::update::{Msg, update};
    let mut a = app(ThemeName::Dark, true, Tab::Fan);
    a.area = ratatui::layout::Rect::new(0, 0, 60, 18);
    update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char('?'))));
    let text = screen_text_sized(&a, 60, 18);
    assert!(text.contains("▼ ") && text.contains("more (↓)"), "{text}");
    assert!(text.contains("type a value, or a 90% range"), "{text}");
    assert!(text.contains("Enter applies"), "wrapped, not cut:\n{text}");
    for _ in 0..40 {
        update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Down)));
    }
    assert!(a.help, "↓ scrolls the help, and leaves it open");
    let text = screen_text_sized(&a, 60, 18);
    assert!(
        text.contains("q  Ctrl-C") && text.contains("▲ ") && !text.contains("▼ "),
        "{text}"
    );
    update(&mut a, Msg::Key(KeyEvent::from(KeyCode::Char('x'))));
    assert!(!a.help, "any other key closes it");
}
