//! Messages and the update function: the only place the state changes. Side effects (running
//! simulations, writing files) are returned as `Effect`s for the runtime to perform.

use std::sync::Arc;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use super::app::{App, ExportRequest, STATUS_TICKS, Slot, Tab};
use super::drivers::DriversReply;
use super::params::Presented;
use super::teach;
use super::theme::Theme;
use super::view::layout;
use super::worker::{Job, Reply, Run};
use crate::scenario::Scenario;
use crate::scenario::parameters::Field;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Worker(Reply),
    /// Result of an effect performed by the runtime, shown in the status line.
    Status(String),
    /// Slot `slot`'s scenario, as it was, was saved to `path`.
    Saved {
        slot: usize,
        scenario: Box<Scenario>,
        path: String,
    },
    /// Slot `slot`'s scenario file (`file`) changed on disk since it was loaded: its save
    /// waits for a second `s`.
    SaveChanged {
        slot: usize,
        scenario: Box<Scenario>,
        file: String,
    },
    /// Input ended or failed.
    Quit,
    /// A signal (SIGTERM, SIGINT, SIGHUP, SIGQUIT) asked the program to stop.
    Signal(i32),
    /// Animation clock of the Teach tab.
    Tick,
}

#[derive(Debug)]
pub enum Effect {
    Simulate(Box<Job>),
    /// Compute the Drivers tab's analysis on the worker.
    Drivers(Box<super::drivers::DriversJob>),
    /// Stop the Drivers tab's analysis (the tab was left), leaving the engine to the others.
    CancelDrivers,
    /// Compute paired differences against the base on the worker.
    Differences(Box<super::worker::DifferencesJob>),
    /// Save this scenario as TOML in the output directory. Unless `confirmed`, a scenario
    /// file that changed on disk since loading is reported first ([`Msg::SaveChanged`]).
    Save {
        slot: usize,
        scenario: Box<Scenario>,
        confirmed: bool,
    },
    /// Export a tab's chart of the runs of these slots, all final.
    Export(ExportRequest),
}

/// Series the Compare chart draws at most: one per colour of the palette.
pub const MAX_COMPARED: usize = 5;

/// Path counts that `+` and `-` step through.
pub const PATH_STEPS: [usize; 10] = [
    1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000,
];

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut effects = update_state(app, msg);
    // The Drivers tab asks for its analysis whenever what it shows has changed under it.
    effects.extend(app.request_drivers().map(|j| Effect::Drivers(Box::new(j))));
    if app.drivers_to_cancel() {
        effects.push(Effect::CancelDrivers);
        // The analysis a waiting export of the tab drew from has stopped with the tab.
        if app
            .export_waiting
            .as_ref()
            .is_some_and(|r| r.tab == Tab::Drivers)
        {
            app.export_waiting = None;
            app.say("Export of the drivers dropped: their analysis stops when the tab is left");
        }
    }
    // The Teach tab asks for its own runs whenever its scenario or seed changes under it.
    effects.extend(
        teach::sync(app)
            .into_iter()
            .map(|j| Effect::Simulate(Box::new(j))),
    );
    effects
}

fn update_state(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Key(_) => Vec::new(),
        Msg::Mouse(m) => on_mouse(app, m),
        Msg::Resize(w, h) => {
            app.area = Rect::new(0, 0, w, h);
            Vec::new()
        }
        Msg::Worker(reply) => on_reply(app, reply),
        Msg::Status(s) => {
            app.say(s);
            Vec::new()
        }
        Msg::Saved {
            slot,
            scenario,
            path,
        } => {
            if let Some(s) = app.slots.get_mut(slot) {
                s.saved = Some(*scenario);
            }
            app.say(format!("Saved {path}"));
            Vec::new()
        }
        Msg::SaveChanged {
            slot,
            scenario,
            file,
        } => {
            app.confirm_save.push((slot, scenario));
            app.say(format!(
                "{file} changed on disk since loading: s saves into the text as loaded, any \
                 other key cancels"
            ));
            Vec::new()
        }
        Msg::Quit => {
            app.quit = true;
            Vec::new()
        }
        Msg::Signal(sig) => {
            app.quit = true;
            app.signal = Some(sig);
            Vec::new()
        }
        Msg::Tick => {
            teach::tick(app);
            // A question stays until it is answered, and a waiting export's notice until the
            // export is written.
            if app.status.is_some() && app.confirm_save.is_empty() && app.export_waiting.is_none() {
                app.status_age += 1;
                if app.status_age >= STATUS_TICKS {
                    app.status = None;
                }
            }
            Vec::new()
        }
    }
}

/// Whether the runtime should send ticks: an animation is playing or a status message has yet
/// to expire (a question waiting for its answer does not).
pub fn wants_tick(app: &App) -> bool {
    teach::wants_tick(app)
        || (app.status.is_some() && app.confirm_save.is_empty() && app.export_waiting.is_none())
}

fn on_reply(app: &mut App, reply: Reply) -> Vec<Effect> {
    match reply {
        Reply::Differences(d) => app.set_differences(d),
        Reply::Drivers(DriversReply::Progress { generation, result }) => {
            if generation == app.drivers.generation {
                if result.done {
                    app.drivers.in_flight = false;
                }
                app.drivers.result = Some(result);
                app.drivers.shown_generation = generation;
                return resume_export(app);
            }
        }
        Reply::Drivers(DriversReply::Failed { generation, error }) => {
            if generation == app.drivers.generation {
                app.drivers.in_flight = false;
                app.drivers.error = Some(error);
                return resume_export(app);
            }
        }
        Reply::Done {
            slot,
            generation,
            run,
        } => return settle(app, slot, generation, Ok(run)),
        Reply::Failed {
            slot,
            generation,
            error,
        } => return settle(app, slot, generation, Err(error)),
    }
    Vec::new()
}

/// Applies a run's result, or why it failed, to its slot, and redoes what depends on the slot;
/// nothing when the walkthrough takes the reply or it is stale.
fn settle(
    app: &mut App,
    slot: usize,
    generation: u64,
    result: Result<Arc<Run>, String>,
) -> Vec<Effect> {
    let taught = match &result {
        Ok(run) => teach::on_done(app, slot, generation, run),
        Err(error) => teach::on_failed(app, slot, generation, error),
    };
    if taught {
        return Vec::new();
    }
    let Some(s) = awaiting(app, slot, generation) else {
        return Vec::new();
    };
    match result {
        Ok(run) => {
            if !run.preview {
                s.pending = false;
            }
            s.run = Some(run);
        }
        Err(error) => {
            s.pending = false;
            // The refusal stands where the result would be: a preview of the refused run (or
            // the run before an edit) is no answer to what was asked.
            s.run = None;
            let paths = s.requested.as_ref().map_or(String::new(), |(_, r)| {
                format!(" of {} paths", crate::format::thousands(r.paths as f64, 0))
            });
            s.error = Some(format!("The run{paths} stopped: {error}"));
        }
    }
    let mut effects = differences(app);
    effects.extend(resume_export(app));
    effects
}

/// The slot a reply is for, if its latest request is the one answered (older replies are
/// dropped).
fn awaiting(app: &mut App, slot: usize, generation: u64) -> Option<&mut Slot> {
    app.slots
        .get_mut(slot)
        .filter(|s| s.generation == generation)
}

fn differences(app: &mut App) -> Vec<Effect> {
    vec![Effect::Differences(Box::new(app.differences_job()))]
}

/// Quits, unless a scenario has edits that were not saved: then says which, and waits for a
/// second `q`. (Ctrl-C and signals quit at once.)
fn ask_to_quit(app: &mut App) {
    let unsaved: Vec<String> = app
        .slots
        .iter()
        .filter(|s| s.unsaved())
        .map(|s| s.scenario.scenario.id.clone())
        .collect();
    if unsaved.is_empty() {
        app.quit = true;
    } else {
        app.confirm_quit = true;
        // The keys first: a narrow status line cuts the names, not what to press.
        app.say(format!(
            "Not saved: q quits anyway, s saves, any other key stays (edits to {})",
            unsaved.join(", ")
        ));
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('d')) {
        app.quit = true;
        return Vec::new();
    }
    // Raw mode turns off the terminal's own Ctrl-Z, so the view suspends itself.
    if ctrl && key.code == KeyCode::Char('z') {
        app.suspend = true;
        return Vec::new();
    }
    if app.help {
        // ↑ ↓ (and the page keys) scroll a help taller than the terminal. Any other key
        // closes it, `q` included: quitting takes a second press, so unsaved edits are never
        // lost to a key meant for the help.
        let hidden = super::view::help::hidden_lines(app.area);
        match key.code {
            KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown if hidden > 0 => {
                let by = if key.code == KeyCode::PageDown { 10 } else { 1 };
                app.help_scroll = (app.help_scroll + by).min(hidden);
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp if hidden > 0 => {
                let by = if key.code == KeyCode::PageUp { 10 } else { 1 };
                app.help_scroll = app.help_scroll.saturating_sub(by);
            }
            _ => app.help = false,
        }
        return Vec::new();
    }
    // Esc never ends a lecture: in the walkthrough it steps back, like ←.
    if app.tab == Tab::Teach && key.code == KeyCode::Esc && app.entry.is_none() {
        return on_key(app, KeyEvent::from(KeyCode::Left));
    }
    if app.tab == Tab::Teach && teach::on_key(app, key) {
        return Vec::new();
    }
    if app.entry.is_some() {
        return on_entry_key(app, key);
    }
    // A save waiting on a changed file: `s` goes ahead, any other key cancels it.
    let waiting = std::mem::take(&mut app.confirm_save);
    if !waiting.is_empty() {
        if key.code == KeyCode::Char('s') {
            app.status = None;
            return waiting
                .into_iter()
                .map(|(slot, scenario)| Effect::Save {
                    slot,
                    scenario,
                    confirmed: true,
                })
                .collect();
        }
        app.say("Not saved");
        return Vec::new();
    }
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    // Quitting is `q`; Esc closes or goes back, and at the quit question it means "stay".
    let quit_key = key.code == KeyCode::Char('q');
    if std::mem::take(&mut app.confirm_quit) {
        if quit_key {
            app.quit = true;
            return Vec::new();
        }
        // `s` saves what the question named: every scenario with unsaved edits, wherever the
        // selection has moved since (it saved the selected one, edited or not).
        if key.code == KeyCode::Char('s') {
            app.status = None;
            return app
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.unsaved())
                .map(|(slot, s)| Effect::Save {
                    slot,
                    scenario: Box::new(s.scenario.clone()),
                    confirmed: false,
                })
                .collect();
        }
        // Staying: the question goes, so that it cannot be read as still standing.
        app.status = None;
    }
    match key.code {
        KeyCode::Char('q') => ask_to_quit(app),
        KeyCode::Esc if app.tab != Tab::Fan => app.tab = Tab::Fan,
        KeyCode::Esc => {
            app.say("q quits; Esc goes back to the Fan tab from the others".to_string())
        }
        KeyCode::Char('?') | KeyCode::F(1) => {
            app.help = true;
            app.help_scroll = 0;
        }
        KeyCode::Tab => app.tab = app.tab.offset(1),
        KeyCode::BackTab => app.tab = app.tab.offset(-1),
        KeyCode::Char(c @ '1'..='9') => {
            if let Some(t) = Tab::ALL.get(c as usize - '1' as usize) {
                app.tab = *t;
            }
        }
        KeyCode::Up | KeyCode::Char('k') => app.param = app.param.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => {
            app.param = (app.param + 1).min(app.params().len().saturating_sub(1));
        }
        KeyCode::Left | KeyCode::Char('h') => return nudge(app, -1, shift),
        KeyCode::Right | KeyCode::Char('l') => return nudge(app, 1, shift),
        KeyCode::Char('<') | KeyCode::Char('H') => return nudge(app, -1, true),
        KeyCode::Char('>') | KeyCode::Char('L') => return nudge(app, 1, true),
        KeyCode::Char('[') | KeyCode::PageUp => {
            select_scenario(app, app.selected.saturating_sub(1))
        }
        KeyCode::Char(']') | KeyCode::PageDown => select_scenario(app, app.selected + 1),
        KeyCode::Char('r') => {
            if let Some(s) = app.slots.get_mut(app.selected)
                && s.edited()
            {
                s.scenario = s.original.clone();
                s.set_aside.clear();
                let id = s.scenario.scenario.id.clone();
                app.say(format!("Reset {id}"));
                return simulate(app.request(app.selected));
            }
        }
        KeyCode::Char('x') => return reset_param(app),
        KeyCode::Char('d') => return duplicate(app),
        KeyCode::Char('R') => {
            let edited: Vec<usize> = (0..app.slots.len())
                .filter(|&i| app.slots[i].edited())
                .collect();
            if edited.is_empty() {
                app.say("Nothing to reset: no scenario is edited");
                return Vec::new();
            }
            let ids: Vec<String> = edited
                .iter()
                .map(|&i| {
                    let s = &mut app.slots[i];
                    s.scenario = s.original.clone();
                    s.set_aside.clear();
                    s.scenario.scenario.id.clone()
                })
                .collect();
            app.say(format!("Reset {}", ids.join(", ")));
            return edited
                .into_iter()
                .filter_map(|i| app.request(i))
                .map(|j| Effect::Simulate(Box::new(j)))
                .collect();
        }
        KeyCode::Char('n') => {
            app.settings.seed = next_seed(app.settings.seed);
            app.say(format!("New seed {}", app.settings.seed));
            return app
                .request_all()
                .into_iter()
                .map(|j| Effect::Simulate(Box::new(j)))
                .collect();
        }
        KeyCode::Char('+') | KeyCode::Char('=') => return change_paths(app, 1),
        KeyCode::Char('-') | KeyCode::Char('_') => return change_paths(app, -1),
        KeyCode::Char('s') => {
            if let Some(s) = app.slot() {
                // A stock scenario is already saved, as itself: no `-edited` copy of it.
                if !s.edited() {
                    let id = s.scenario.scenario.id.clone();
                    app.say(format!("Nothing to save: {id} has no edits"));
                    return Vec::new();
                }
                return vec![Effect::Save {
                    slot: app.selected,
                    scenario: Box::new(s.scenario.clone()),
                    confirmed: false,
                }];
            }
        }
        KeyCode::Char('e') => return export(app),
        KeyCode::Char('u') => return toggle_uncertainty(app),
        KeyCode::Char('{') => return stretch(app, 0.8),
        KeyCode::Char('}') => return stretch(app, 1.25),
        KeyCode::Enter if app.selected_param().is_some() => {
            app.entry = Some(String::new());
            app.status = None;
        }
        KeyCode::Char('t') => {
            app.theme = Theme::new(app.theme.name.next(), app.theme.color);
            let name = app.theme.name.label();
            app.say(format!("Theme: {name}"));
        }
        KeyCode::Char('g') => app.log_scale = !app.log_scale,
        KeyCode::Char('c') => {
            // At most five series, one per colour, so the chart stays readable.
            let mut set = app.compared_slots();
            if let Some(at) = set.iter().position(|&i| i == app.selected) {
                if set.len() > 1 {
                    set.remove(at);
                }
            } else if set.len() < MAX_COMPARED {
                set.push(app.selected);
            }
            let ids: Vec<String> = set
                .iter()
                .map(|&i| app.slots[i].scenario.scenario.id.clone())
                .collect();
            app.compared = set;
            app.say(format!("Compare chart: {}", ids.join(", ")));
        }
        KeyCode::Char('b') => {
            app.base = app.selected;
            if let Some(s) = app.slot() {
                let id = s.scenario.scenario.id.clone();
                app.say(format!("Compare base: {id} (differences are against it)"));
            }
            return differences(app);
        }
        _ => {}
    }
    Vec::new()
}

/// Keys while a value is being typed: digits, sign, point and % edit it; Enter applies it
/// (checked against the parameter's range); Esc cancels.
fn on_entry_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(entry) = app.entry.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Char(c)
            // A comma is kept so that "1,5" is refused with the reason, not read as 15.
            // A space and an en dash write a 90 % range: "8–18", "8 - 18".
            if (c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | '%' | 'e' | '–' | ' '))
                && entry.chars().count() < 16 =>
        {
            entry.push(c);
        }
        KeyCode::Backspace => {
            entry.pop();
        }
        KeyCode::Esc => {
            app.entry = None;
            app.say("Entry cancelled");
        }
        KeyCode::Enter => {
            let text = app.entry.take().unwrap_or_default();
            let (Some(param), Some(slot)) = (app.selected_param(), app.slots.get_mut(app.selected))
            else {
                return Vec::new();
            };
            if text.trim().is_empty() {
                return Vec::new();
            }
            match param.set_typed(&mut slot.scenario, &text) {
                Ok(true) => {
                    super::params::snap_to_stock(&slot.original, &mut slot.scenario);
                    slot.scenario.provenance.edits =
                        super::params::edits(&slot.original, &slot.scenario);
                    let message = param.odds_note(&slot.scenario).unwrap_or_else(|| {
                        format!(
                            "{} = {}",
                            param.panel_label(&slot.scenario).trim(),
                            param.display(&slot.scenario)
                        )
                    });
                    app.say(message);
                    return simulate(app.request(app.selected));
                }
                Ok(false) => {}
                Err(e) => app.say(e),
            }
        }
        _ => {}
    }
    Vec::new()
}

/// `e`: the export of what the tab shows: the selected scenario, or on the Compare tab the set
/// its chart draws. Never a refused run (its preview is no answer), a preview, or the run before
/// an edit: while the runs shown are still coming, the export waits for them and is written
/// when they end ([`resume_export`]).
fn export(app: &mut App) -> Vec<Effect> {
    let slots = match app.tab {
        Tab::Compare => app.compared_slots(),
        _ => app.slot().map(|_| app.selected).into_iter().collect(),
    };
    let request = ExportRequest {
        tab: app.tab,
        slots,
    };
    // A new `e` replaces an export still waiting. The walkthrough has no export here (the
    // runtime says where its slides come from).
    app.export_waiting = None;
    if app.tab == Tab::Teach {
        return vec![Effect::Export(request)];
    }
    app.export_waiting = Some(request);
    let effects = resume_export(app);
    if let Some(request) = &app.export_waiting {
        let coming = match readiness(app, request) {
            Readiness::Coming(what) => what,
            _ => String::new(),
        };
        app.say(format!("Export waits for {coming}, then writes it"));
    }
    effects
}

/// Where the runs an export draws are.
enum Readiness {
    /// Every one is final, for what the scenarios now are.
    Ready,
    /// One was refused: why nothing is exported.
    Refused(String),
    /// What is still coming: "the full run of baseline (200,000 paths)".
    Coming(String),
}

fn readiness(app: &App, request: &ExportRequest) -> Readiness {
    let slots: Vec<&Slot> = request
        .slots
        .iter()
        .filter_map(|&i| app.slots.get(i))
        .collect();
    if let Some(s) = slots.iter().find(|s| s.error.is_some()) {
        return Readiness::Refused(format!(
            "Nothing exported: the run of {} was refused (the Stats panel says why)",
            s.scenario.scenario.id
        ));
    }
    // The Drivers tab exports its tornado, which has its own runs: those of the analysis of
    // the scenario as it now is, every row at the full number of paths.
    if request.tab == Tab::Drivers {
        let d = &app.drivers;
        if let Some(error) = &d.error {
            return Readiness::Refused(format!("Nothing exported: the drivers stopped: {error}"));
        }
        let current = d.result.as_ref().is_some_and(|r| r.done)
            && d.shown_generation == d.generation
            && !d.in_flight;
        return if current {
            Readiness::Ready
        } else {
            let (id, paths) = d.requested.as_ref().map_or_else(
                || (String::new(), app.settings.paths),
                |(s, r)| (s.scenario.id.clone(), r.paths),
            );
            Readiness::Coming(format!(
                "the drivers of {id} at {} paths",
                crate::format::thousands(paths as f64, 0)
            ))
        };
    }
    let coming: Vec<&&Slot> = slots
        .iter()
        .filter(|s| s.pending || s.run.as_ref().is_none_or(|r| r.preview))
        .collect();
    let Some(first) = coming.first() else {
        return Readiness::Ready;
    };
    // Every run is asked for at the same paths: said once, after the ids.
    let paths = first
        .requested
        .as_ref()
        .map_or(app.settings.paths, |(_, r)| r.paths);
    let ids: Vec<&str> = coming
        .iter()
        .map(|s| s.scenario.scenario.id.as_str())
        .collect();
    let ids = match ids.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => ids.concat(),
    };
    let runs = if coming.len() == 1 { "run" } else { "runs" };
    Readiness::Coming(format!(
        "the full {runs} of {ids} ({} paths)",
        crate::format::thousands(paths as f64, 0)
    ))
}

/// The waiting export, once what it draws has come: written if it all came, dropped with the
/// reason if a run was refused; still waiting otherwise.
fn resume_export(app: &mut App) -> Vec<Effect> {
    let Some(request) = app.export_waiting.take() else {
        return Vec::new();
    };
    match readiness(app, &request) {
        Readiness::Ready => vec![Effect::Export(request)],
        Readiness::Refused(why) => {
            app.say(why);
            Vec::new()
        }
        Readiness::Coming(_) => {
            app.export_waiting = Some(request);
            Vec::new()
        }
    }
}

fn simulate(job: Option<Job>) -> Vec<Effect> {
    job.map(|j| Effect::Simulate(Box::new(j)))
        .into_iter()
        .collect()
}

fn nudge(app: &mut App, direction: i32, large: bool) -> Vec<Effect> {
    let Some(param) = app.selected_param() else {
        return Vec::new();
    };
    let Some(slot) = app.slots.get_mut(app.selected) else {
        return Vec::new();
    };
    let stock = param.get(&slot.original);
    if !param.nudge_about(&mut slot.scenario, stock, direction, large) {
        let (lo, hi) = param.allowed(&slot.scenario);
        let v = param.get(&slot.scenario);
        if (direction > 0 && v > hi) || (direction < 0 && v < lo) {
            let shown = param.display(&slot.scenario);
            app.say(format!(
                "{shown} is beyond what the arrows reach; Enter types any allowed value"
            ));
        }
        return Vec::new();
    }
    super::params::snap_to_stock(&slot.original, &mut slot.scenario);
    slot.scenario.provenance.edits = super::params::edits(&slot.original, &slot.scenario);
    // A probability edit may move the event's other outcomes: say where they are now.
    if let Some(note) = param.odds_note(&slot.scenario) {
        app.say(note);
    }
    simulate(app.request(app.selected))
}

/// `x`: puts the selected parameter back at its stock value (with its stock distribution, if
/// it had one); an outcome's probability takes the event's other outcomes back with it.
fn reset_param(app: &mut App) -> Vec<Effect> {
    let Some(param) = app.selected_param() else {
        return Vec::new();
    };
    let Some(slot) = app.slots.get_mut(app.selected) else {
        return Vec::new();
    };
    let key = param.key(&slot.scenario);
    let label = param.panel_label(&slot.scenario).trim().to_string();
    let before = slot.scenario.clone();
    let s = &mut slot.scenario;
    let o = &slot.original;
    match param.field {
        Field::Probability => {
            // The probability rule moved the others: the event's odds go back together.
            if let Some(e) = param.event()
                && let (Some(stock), Some(ev)) = (o.events.get(e), s.events.get_mut(e))
                && stock.outcomes.len() == ev.outcomes.len()
            {
                for (a, b) in ev.outcomes.iter_mut().zip(&stock.outcomes) {
                    a.probability = b.probability;
                }
            }
        }
        Field::LongRun => s.growth.long_run = o.growth.long_run,
        _ => {
            let stock = param.get(o);
            if param.get(s) != stock {
                param.set(s, stock);
            }
        }
    }
    let owner = param.uncertainty_owner();
    let owner_key = owner.key(o);
    match o.uncertain.get(&owner_key) {
        Some(u) => {
            s.uncertain.insert(owner_key.clone(), u.clone());
        }
        None => {
            s.uncertain.remove(&owner_key);
        }
    }
    if owner.field == Field::InitialUncertainty || param.field == Field::Initial {
        s.growth.initial_uncertainty = o.growth.initial_uncertainty;
        s.growth.initial_distribution = o.growth.initial_distribution;
    }
    // Correlations `u` set aside with the distribution come back with it, where every input
    // they name is uncertain again.
    for c in &o.correlations {
        if c.between.contains(&owner_key)
            && c.between.iter().all(|k| s.uncertain.contains_key(k))
            && !s.correlations.contains(c)
        {
            s.correlations.push(c.clone());
        }
    }
    slot.set_aside.remove(&key);
    slot.set_aside.remove(&owner_key);
    super::params::snap_to_stock(&slot.original, &mut slot.scenario);
    slot.scenario.provenance.edits = super::params::edits(&slot.original, &slot.scenario);
    if slot.scenario == before {
        app.say(format!("{label} is at its stock value"));
        return Vec::new();
    }
    let shown = param.display(&slot.scenario);
    app.say(format!("{label} reset to {shown}"));
    simulate(app.request(app.selected))
}

/// `d`: a copy of the selected scenario that takes its edits, labelled apart (`ID-edited`,
/// "… (edited)"), while the scenario goes back to its stock version and becomes the Compare
/// base: the Compare tab then sets the edit beside its stock self, on the same random numbers.
/// The copy goes at the end of the list, so no other scenario's index (or run) moves.
fn duplicate(app: &mut App) -> Vec<Effect> {
    let Some(source) = app.slot() else {
        return Vec::new();
    };
    let stock = app.selected;
    let base_id = source.original.scenario.id.clone();
    let taken = |id: &str| app.slots.iter().any(|s| s.scenario.scenario.id == id);
    let id = (1..)
        .map(|n| match n {
            1 => format!("{base_id}-edited"),
            n => format!("{base_id}-edited-{n}"),
        })
        .find(|id| !taken(id))
        .unwrap_or_default();
    let name = format!("{} (edited)", source.original.scenario.name);
    let mut copy = Slot::new(source.original.clone());
    copy.scenario = source.scenario.clone();
    for s in [&mut copy.original, &mut copy.scenario] {
        s.scenario.id = id.clone();
        s.scenario.name = name.clone();
    }
    copy.loaded = source.loaded.clone();
    copy.set_aside = source.set_aside.clone();
    copy.run = source.run.clone();
    // Above every generation in flight, the walkthrough's included: its runs are numbered
    // after the scenarios, so a late reply for the index the copy now takes is dropped.
    copy.generation = app
        .slots
        .iter()
        .map(|s| s.generation)
        .chain([app.teach.generation])
        .max()
        .unwrap_or(0)
        + 1;
    app.slots.push(copy);
    app.differences.push(None);
    app.probability_differences.push(None);
    // The walkthrough asks again for its runs, under their new numbers.
    app.teach.source = None;
    let source = &mut app.slots[stock];
    source.scenario = source.original.clone();
    source.set_aside.clear();
    let copy = app.slots.len() - 1;
    app.base = stock;
    app.compared = Vec::new();
    app.selected = copy;
    app.say(format!(
        "{id} is a copy of {base_id} with its edits; {base_id} is back to stock and the \
         Compare base"
    ));
    let mut effects: Vec<Effect> = [app.request(stock), app.request(copy)]
        .into_iter()
        .flatten()
        .map(|j| Effect::Simulate(Box::new(j)))
        .collect();
    effects.extend(differences(app));
    effects
}

/// `u`: fixes an uncertain input at its centre, setting its spread aside, or frees a fixed one
/// (with the spread set aside, else its default swing as the central 90 %).
fn toggle_uncertainty(app: &mut App) -> Vec<Effect> {
    let Some(param) = app.selected_param().map(|p| p.uncertainty_owner()) else {
        return Vec::new();
    };
    let Some(slot) = app.slots.get_mut(app.selected) else {
        return Vec::new();
    };
    let key = param.key(&slot.scenario);
    let label = param.panel_label(&slot.scenario).trim().to_string();
    let message = if let Some(aside) = param.fix(&mut slot.scenario) {
        let dropped = match &aside {
            crate::scenario::parameters::SetAside::Distribution(_, c) if !c.is_empty() => {
                let partners: Vec<&str> = c
                    .iter()
                    .flat_map(|c| c.between.iter())
                    .filter(|k| **k != key)
                    .map(String::as_str)
                    .collect();
                format!(" (its correlation with {} set aside)", partners.join(", "))
            }
            _ => String::new(),
        };
        slot.set_aside.insert(key, aside);
        format!(
            "{label} fixed at {}{dropped}; u makes it uncertain again",
            param.display(&slot.scenario)
        )
    } else {
        let aside = slot.set_aside.remove(&key);
        match param.free(&mut slot.scenario, aside.clone()) {
            Ok(()) => format!(
                "{label} uncertain: {}; {{ }} narrow or widen it, u fixes it",
                param.display(&slot.scenario)
            ),
            Err(e) => {
                if let Some(aside) = aside {
                    slot.set_aside.insert(key, aside);
                }
                app.say(e);
                return Vec::new();
            }
        }
    };
    slot.scenario.provenance.edits = super::params::edits(&slot.original, &slot.scenario);
    app.say(message);
    simulate(app.request(app.selected))
}

/// `{` and `}`: narrows or widens an uncertain input's spread about its centre.
fn stretch(app: &mut App, factor: f64) -> Vec<Effect> {
    let Some(param) = app.selected_param().map(|p| p.uncertainty_owner()) else {
        return Vec::new();
    };
    let Some(slot) = app.slots.get_mut(app.selected) else {
        return Vec::new();
    };
    let label = param.panel_label(&slot.scenario).trim().to_string();
    if param.distribution(&slot.scenario).is_none() {
        app.say(format!("{label} is fixed: u makes it uncertain"));
        return Vec::new();
    }
    if let Err(e) = param.stretch(&mut slot.scenario, factor) {
        app.say(e);
        return Vec::new();
    }
    slot.scenario.provenance.edits = super::params::edits(&slot.original, &slot.scenario);
    let shown = param.display(&slot.scenario);
    app.say(format!("{label} = {shown}"));
    simulate(app.request(app.selected))
}

fn select_scenario(app: &mut App, i: usize) {
    if i < app.slots.len() && i != app.selected {
        app.selected = i;
        app.param = app.param.min(app.params().len().saturating_sub(1));
    }
}

fn change_paths(app: &mut App, direction: i32) -> Vec<Effect> {
    let now = app.settings.paths;
    let next = if direction > 0 {
        PATH_STEPS.iter().copied().find(|&p| p > now)
    } else {
        PATH_STEPS.iter().rev().copied().find(|&p| p < now)
    };
    let Some(paths) = next else { return Vec::new() };
    // Fewer paths need less memory; more must fit the budget the view started within.
    if paths > now
        && let Some(why) = over_budget(app, paths)
    {
        app.say(why);
        return Vec::new();
    }
    app.settings.paths = paths;
    app.say(format!(
        "{} paths",
        crate::format::thousands(paths as f64, 0)
    ));
    app.request_all()
        .into_iter()
        .map(|j| Effect::Simulate(Box::new(j)))
        .collect()
}

/// Why runs of `paths` paths for every scenario would not fit the memory budget, if they
/// would not (the estimate the command line checks at start: [`crate::tui::bytes_per_path`]).
fn over_budget(app: &App, paths: usize) -> Option<String> {
    use crate::numbers::format_bytes;
    let budget = app.memory.as_ref()?;
    let per_path = crate::tui::bytes_per_path(app.slots.iter().map(|s| &s.scenario));
    let need = per_path * paths as u64 + crate::sim::MEMORY_OVERHEAD;
    (need > budget.bytes).then(|| {
        format!(
            "Not {} paths: they need about {}, over the memory budget of {} ({})",
            crate::format::thousands(paths as f64, 0),
            format_bytes(need),
            format_bytes(budget.bytes),
            budget.source
        )
    })
}

/// A new seed, reproducible from the old one (SplitMix64 step), kept to eight digits to be
/// easy to read out and retype.
pub fn next_seed(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % 100_000_000
}

fn on_mouse(app: &mut App, m: MouseEvent) -> Vec<Effect> {
    let regions = layout::compute(app.area, app);
    let at = Position::new(m.column, m.row);
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if app.help {
                app.help = false;
                return Vec::new();
            }
            if let Some((tab, _)) = regions.tabs.iter().find(|(_, r)| r.contains(at)) {
                app.tab = *tab;
            } else if let Some((i, _)) = regions.scenario_rows.iter().find(|(_, r)| r.contains(at))
            {
                select_scenario(app, *i);
            } else if let Some((i, _)) = regions.param_rows.iter().find(|(_, r)| r.contains(at)) {
                app.param = *i;
            }
        }
        MouseEventKind::ScrollUp if regions.params.contains(at) => {
            app.param = app.param.saturating_sub(1)
        }
        MouseEventKind::ScrollDown if regions.params.contains(at) => {
            app.param = (app.param + 1).min(app.params().len().saturating_sub(1));
        }
        _ => {}
    }
    Vec::new()
}
