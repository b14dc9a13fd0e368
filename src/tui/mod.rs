//! The interactive view (ratatui + crossterm), in the Elm style: `app` holds the state,
//! `update` turns messages into new state and effects, `view` draws the state. Simulations run
//! on `worker`'s thread; keys, mouse, resizes, signals and results all arrive as messages on one
//! channel, so the interface thread never waits for the engine.

pub mod app;
pub mod drivers;
pub mod export;
pub mod fan;
pub mod params;
pub mod plot;
pub mod save;
pub mod teach;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use anyhow::{Context, Result};
use ratatui::crossterm::event::{self, Event};
use ratatui::layout::Rect;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};

use crate::chart;
use crate::scenario::Scenario;
use crate::sim::RunSettings;
use app::App;
use theme::Theme;
use update::{Effect, Msg, update};
use worker::Worker;

/// Everything the view needs to start. The command line builds it (`commands::tui`), so the
/// view knows nothing of flags or their defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The scenarios the view offers, already loaded with any overrides applied.
    pub scenarios: Vec<Scenario>,
    /// Indices into `scenarios` of those the user named, in order: the first is selected, and
    /// two or more are compared with the first as the base.
    pub named: Vec<usize>,
    /// Paths and seed of every run.
    pub run: RunSettings,
    /// Engine threads (None: all cores).
    pub threads: Option<usize>,
    pub theme: Theme,
    /// The tab to open on.
    pub tab: app::Tab,
    /// Said on the status line at start (e.g. why the path count is lower than asked).
    pub notice: Option<String>,
    /// Where `s` saves and `e` exports.
    pub output_dir: PathBuf,
    /// The text of each scenario file, as read at start: what `s` writes the edits into.
    pub loaded: Vec<save::Loaded>,
    /// What `+` may not take the runs past (none: no limit).
    pub memory: Option<MemoryBudget>,
}

/// The memory the view's runs may take, and where the figure comes from in words
/// (`--max-memory`, or the default), for the status line's account of a refused step.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryBudget {
    pub bytes: u64,
    pub source: String,
}

/// Why the view cannot run here, if it cannot: no terminal, or one (`TERM=dumb`) that has no
/// cursor movement or alternate screen.
pub fn unusable_terminal() -> Option<&'static str> {
    if !std::io::stdout().is_terminal() {
        return Some("a terminal");
    }
    match std::env::var("TERM") {
        Ok(term) if term == "dumb" => Some("a terminal with cursor control (TERM is \"dumb\")"),
        _ => None,
    }
}

/// Open the view and run it until the user quits or a signal ends it; the exit code is
/// 128 + the signal's number after a signal.
/// Bytes per path the view needs with `scenarios` in its list: what it keeps of each
/// scenario's run ([`worker::Run::BYTES_PER_PATH`]), and for the largest scenario a run while
/// it is made, the Drivers tab's analysis (as `sensitivity` counts it) and the draws kept while
/// it is being edited.
pub fn bytes_per_path<'a>(scenarios: impl Iterator<Item = &'a crate::scenario::Scenario>) -> u64 {
    let (mut kept, mut largest) = (0, 0);
    for s in scenarios {
        kept += worker::Run::BYTES_PER_PATH;
        // A run while it is made, the Drivers tab's analysis, and the draws kept for the
        // edits of the selected scenario.
        largest = largest.max(
            crate::sim::memory_estimate(s, 1)
                + crate::analysis::sensitivity_bytes_per_path(s)
                + crate::sim::DrawCache::bytes_per_path(s)
                + crate::sim::DrawCache::SPARE_BYTES_PER_PATH,
        );
    }
    kept + largest
}

/// The view reruns a scenario at every edit, each run allocating and freeing path arrays of
/// several megabytes. glibc raises its mmap threshold to the size of each such block freed, so
/// later ones come from the heap and their pages stay resident after they are freed (about
/// 100 MB with the built-ins at a million paths). A fixed threshold keeps blocks of a megabyte
/// and more mapped on their own, returned to the system when freed. Advice only: no result
/// changes.
fn return_freed_path_arrays() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before the view's threads start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

pub fn run(settings: Settings) -> Result<ExitCode> {
    let Settings {
        scenarios,
        named,
        run,
        threads,
        theme,
        tab,
        notice,
        output_dir,
        loaded,
        memory,
    } = settings;
    return_freed_path_arrays();
    let selected = named.first().copied().unwrap_or(0);
    let mut app = App::new(scenarios, selected, run, theme);
    app.status = notice;
    app.output_dir = output_dir;
    app.memory = memory;
    app.attach_loaded(loaded);
    // `tui -s a -s b` compares a and b, with a as the base.
    if named.len() > 1 {
        app.base = selected;
        app.compared = named.into_iter().take(update::MAX_COMPARED).collect();
    }
    app.tab = tab;
    if tab == app::Tab::Teach {
        // `safetech teach -s X` teaches with X.
        app.teach.scenario_id = app.slot().map(|s| s.scenario.scenario.id.clone());
    }

    let (tx, rx) = mpsc::channel::<Msg>();
    let replies = tx.clone();
    let mut worker = Worker::spawn(threads, move |r| {
        let _ = replies.send(Msg::Worker(r));
    })
    .context("cannot start the simulation thread")?;
    forward_signals(tx.clone()).context("cannot install signal handlers")?;

    let mut guard = terminal::enter().context("cannot set up the terminal")?;
    let size = guard.terminal.size()?;
    app.area = Rect::new(0, 0, size.width, size.height);
    let ticking = Arc::new(AtomicBool::new(false));
    forward_ticks(tx.clone(), ticking.clone());
    forward_input(tx);
    // The walkthrough's runs go first when it is what the user opened.
    worker.focus(app.focus_order());
    for job in teach::sync(&mut app).into_iter().chain(app.request_all()) {
        worker.submit(job);
    }
    let result = event_loop(&mut guard.terminal, &mut app, &rx, &mut worker, &ticking);
    drop(guard);
    result?;
    Ok(match app.signal {
        Some(sig) => ExitCode::from(128u8.saturating_add(sig as u8)),
        None => ExitCode::SUCCESS,
    })
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    rx: &Receiver<Msg>,
    worker: &mut Worker,
    ticking: &AtomicBool,
) -> Result<()> {
    loop {
        ticking.store(update::wants_tick(app), Ordering::Relaxed);
        terminal.draw(|f| view::draw(f, app))?;
        let first = rx.recv().context("event channel closed")?;
        // Handle everything already waiting before drawing again, so a burst of keys or
        // results costs one frame.
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            dispatch(app, msg, worker);
            if app.quit {
                return Ok(());
            }
            if std::mem::take(&mut app.suspend) {
                terminal::suspend()?;
                // The screen was the shell's meanwhile. A blank frame makes the next one paint
                // every cell (Terminal::clear would ask the terminal for the cursor position,
                // whose answer the input thread would swallow).
                terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))?;
            }
        }
    }
}

/// Update with one message and perform the effects it asks for.
pub fn dispatch(app: &mut App, msg: Msg, worker: &mut Worker) {
    let mut queue = vec![msg];
    while let Some(msg) = queue.pop() {
        for effect in update(app, msg) {
            if let Some(follow_up) = perform(app, effect, worker) {
                queue.push(follow_up);
            }
        }
    }
    worker.focus(app.focus_order());
}

fn perform(app: &App, effect: Effect, worker: &mut Worker) -> Option<Msg> {
    match effect {
        Effect::Simulate(job) => {
            worker.submit(*job);
            None
        }
        Effect::Drivers(job) => {
            worker.submit_drivers(*job);
            None
        }
        Effect::Differences(job) => {
            worker.submit_differences(*job);
            None
        }
        Effect::CancelDrivers => {
            worker.cancel_drivers();
            None
        }
        Effect::Save {
            slot,
            scenario,
            confirmed,
        } => {
            // The file's text as read at start; the file itself is only looked at (its
            // metadata), never read again, so nothing put in its place can block the view.
            let loaded = app.slots.get(slot).and_then(|s| s.loaded.clone());
            if !confirmed && let Some(l) = loaded.as_ref().filter(|l| l.changed()) {
                return Some(Msg::SaveChanged {
                    slot,
                    scenario,
                    file: l.path.display().to_string(),
                });
            }
            let text = loaded.as_ref().map(|l| l.text.as_str());
            Some(match save::save(&app.output_dir, &scenario, text) {
                Ok(path) => Msg::Saved {
                    slot,
                    scenario,
                    path: path.display().to_string(),
                },
                Err(e) => Msg::Status(format!("Could not save: {e:#}")),
            })
        }
        Effect::Export(app::ExportRequest { tab, slots }) => {
            // The runs of the slots shown when `e` was pressed (the Compare tab's set as its
            // chart draws it), each final, as whole projections rebuilt from what the view
            // keeps of each run.
            let projections: Vec<crate::sim::Projection> = slots
                .iter()
                .filter_map(|&i| app.slots.get(i)?.run.as_ref())
                .map(|r| r.exportable())
                .collect();
            let runs: Vec<&crate::sim::Projection> = projections.iter().collect();
            // The Drivers tab exports its tornado, at the paths its rows have reached.
            let tornado = app.drivers.result.as_ref().and_then(|r| {
                let (s, settings) = app.drivers.requested.as_ref()?;
                let mut row_paths: Vec<usize> = r.progress.iter().map(|p| p.paths).collect();
                row_paths.sort_unstable();
                Some(chart::tornado::TornadoChart {
                    scenario: s.scenario.id.clone(),
                    scenario_name: s.scenario.name.clone(),
                    seed: settings.seed,
                    paths: row_paths.last().copied().unwrap_or(settings.paths),
                    fewest_paths: row_paths.first().copied().unwrap_or(settings.paths),
                    base: r.base.clone(),
                    rows: r.rows.clone(),
                })
            });
            let tornado = tornado.as_ref().filter(|_| tab == app::Tab::Drivers);
            Some(Msg::Status(
                match export::export_with(&app.output_dir, tab, app.theme.name, &runs, tornado) {
                    Ok(paths) => export::describe(&paths),
                    Err(e) => format!("Export failed: {e:#}"),
                },
            ))
        }
    }
}

fn forward_input(tx: Sender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(k)) => Msg::Key(k),
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                // A stop and continue (Ctrl-Z, then fg) interrupts the read; read again.
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => Msg::Quit,
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}

/// Animation ticks, sent only while `on` is set so that an idle view costs nothing.
fn forward_ticks(tx: Sender<Msg>, on: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(teach::TICK_MS));
            if on.load(Ordering::Relaxed) && tx.send(Msg::Tick).is_err() {
                return;
            }
        }
    });
}

fn forward_signals(tx: Sender<Msg>) -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP, SIGQUIT])?;
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if tx.send(Msg::Signal(sig)).is_err() {
                return;
            }
        }
    });
    Ok(())
}
