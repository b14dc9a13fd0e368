//! Application state: everything the views draw from. Changed only by `update`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ratatui::layout::Rect;

use super::MemoryBudget;
use super::params::{self, Param};
use super::save::Loaded;
use super::teach::Teach;
use super::theme::Theme;
use super::worker::{Differences, DifferencesCache, DifferencesJob, Job, Run};
use crate::scenario::Scenario;
use crate::sim::RunSettings;

/// Tabs in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Fan,
    Compare,
    Distribution,
    Drivers,
    Teach,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Fan,
        Tab::Compare,
        Tab::Distribution,
        Tab::Drivers,
        Tab::Teach,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Fan => "Fan",
            Tab::Compare => "Compare",
            Tab::Distribution => "Distribution",
            Tab::Drivers => "Drivers",
            Tab::Teach => "Teach",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn offset(self, by: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

/// One scenario in the list: as loaded, as edited, and its latest run.
#[derive(Debug, Clone)]
pub struct Slot {
    pub original: Scenario,
    pub scenario: Scenario,
    pub run: Option<Arc<Run>>,
    /// Generation of the latest request; replies for older ones are dropped.
    pub generation: u64,
    /// A request is out and its full result has not come back yet.
    pub pending: bool,
    pub error: Option<String>,
    /// The inputs of the latest request (scenario with its edits, and the run settings), so
    /// that a request for the same inputs is not run again.
    pub requested: Option<(Scenario, RunSettings)>,
    /// The scenario as `s` last saved it, if it has been saved.
    pub saved: Option<Scenario>,
    /// What `u` set aside when it fixed an uncertain input, by key, to restore on the next `u`.
    pub set_aside: std::collections::BTreeMap<String, crate::scenario::parameters::SetAside>,
    /// The text of the file the scenario came from, as read at start (a built-in has none).
    pub loaded: Option<Arc<Loaded>>,
}

impl Slot {
    pub fn new(scenario: Scenario) -> Slot {
        Slot {
            original: scenario.clone(),
            scenario,
            run: None,
            generation: 0,
            pending: false,
            error: None,
            requested: None,
            set_aside: Default::default(),
            saved: None,
            loaded: None,
        }
    }

    pub fn edited(&self) -> bool {
        self.scenario != self.original
    }

    /// Edited since it was loaded, and not saved as it now is.
    pub fn unsaved(&self) -> bool {
        self.edited() && self.saved.as_ref() != Some(&self.scenario)
    }
}

/// Paired difference in the target year against the base scenario: p5, median, p95 (£m).
pub type PairedDifference = [f64; 3];

pub struct App {
    pub theme: Theme,
    pub tab: Tab,
    pub slots: Vec<Slot>,
    pub selected: usize,
    /// Index into the selected scenario's parameter list.
    pub param: usize,
    pub settings: RunSettings,
    /// Base scenario of the Compare tab.
    pub base: usize,
    /// Scenarios the Compare chart draws (`c` toggles the selected one); when empty, the base
    /// and the selected scenario. The table lists them all.
    pub compared: Vec<usize>,
    pub log_scale: bool,
    pub help: bool,
    /// Lines of the help scrolled past, where it is taller than the terminal.
    pub help_scroll: u16,
    /// A message in the status line, in place of the key hints until it expires.
    pub status: Option<String>,
    /// Ticks the status message has been shown; it goes after [`STATUS_TICKS`].
    pub status_age: u32,
    pub quit: bool,
    /// `q` was pressed with unsaved edits: a second `q` quits, `s` saves, any other key stays.
    pub confirm_quit: bool,
    /// Ctrl-Z: the runtime gives the terminal back and stops the process until `fg`.
    pub suspend: bool,
    /// The signal that ended the program, for its exit status.
    pub signal: Option<i32>,
    /// Terminal size, for mapping mouse clicks to the layout.
    pub area: Rect,
    /// Where `s` and `e` write files.
    pub output_dir: PathBuf,
    /// Per slot, against `base`; recomputed when a run arrives.
    pub differences: Vec<Option<PairedDifference>>,
    /// The classroom walkthrough of the Teach tab.
    pub teach: Teach,
    /// Per slot, P(target) of the slot − P(target) of the base, paired, with its error.
    pub probability_differences: Vec<Option<crate::stats::difference::Estimate>>,
    /// The Drivers tab's analysis of the selected scenario.
    pub drivers: DriversState,
    /// A value being typed for the selected parameter (Enter on a parameter), as typed.
    pub entry: Option<String>,
    /// Generation of the latest request for paired differences.
    pub differences_generation: u64,
    /// What `+` may not take the runs past (none: no limit).
    pub memory: Option<MemoryBudget>,
    /// Saves waiting for a second `s`: their scenario files changed on disk since loading.
    pub confirm_save: Vec<(usize, Box<Scenario>)>,
    /// An export asked for while the runs it draws were still coming: written when they end.
    pub export_waiting: Option<ExportRequest>,
}

/// What `e` exports: a tab's chart of these slots' runs (the selected scenario, or the
/// Compare tab's set as drawn when `e` was pressed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub tab: Tab,
    pub slots: Vec<usize>,
}

/// The Drivers tab's analysis: what it was asked for and the latest snapshot.
#[derive(Debug, Clone, Default)]
pub struct DriversState {
    pub generation: u64,
    /// The scenario and settings of the latest request.
    pub requested: Option<(Scenario, RunSettings)>,
    pub result: Option<Arc<crate::tui::drivers::DriversResult>>,
    pub error: Option<String>,
    /// The latest request has not finished.
    pub in_flight: bool,
    /// Generation of the request `result` answers; behind `generation` while a new one runs.
    pub shown_generation: u64,
}

/// Ticks (of 100 ms) a status message stays before the key hints come back.
pub const STATUS_TICKS: u32 = 40;

impl App {
    /// Slots the Compare chart draws, in order: [`App::compared`], else base and selection.
    pub fn compared_slots(&self) -> Vec<usize> {
        if !self.compared.is_empty() {
            return self.compared.clone();
        }
        let mut out = vec![self.base];
        if self.selected != self.base {
            out.push(self.selected);
        }
        out.retain(|&i| i < self.slots.len());
        out
    }

    /// Show `message` in the status line for a few seconds.
    pub fn say(&mut self, message: impl Into<String>) {
        self.status = Some(message.into());
        self.status_age = 0;
    }

    pub fn new(
        scenarios: Vec<Scenario>,
        selected: usize,
        settings: RunSettings,
        theme: Theme,
    ) -> App {
        let n = scenarios.len();
        App {
            theme,
            tab: Tab::Fan,
            slots: scenarios.into_iter().map(Slot::new).collect(),
            selected: selected.min(n.saturating_sub(1)),
            param: 0,
            settings,
            base: 0,
            log_scale: true,
            help: false,
            help_scroll: 0,
            status: None,
            status_age: 0,
            compared: Vec::new(),
            suspend: false,
            quit: false,
            confirm_quit: false,
            signal: None,
            area: Rect::new(0, 0, 120, 40),
            output_dir: PathBuf::from("."),
            differences: vec![None; n],
            teach: Teach::default(),
            probability_differences: vec![None; n],
            drivers: DriversState::default(),
            entry: None,
            differences_generation: 0,
            memory: None,
            confirm_save: Vec::new(),
            export_waiting: None,
        }
    }

    /// Gives each slot loaded from a file the text read from it.
    pub fn attach_loaded(&mut self, loaded: Vec<Loaded>) {
        let loaded: Vec<Arc<Loaded>> = loaded.into_iter().map(Arc::new).collect();
        for slot in &mut self.slots {
            let file = slot.original.provenance.file.as_deref().map(Path::new);
            slot.loaded = loaded
                .iter()
                .find(|l| Some(l.path.as_path()) == file)
                .cloned();
        }
    }

    /// Whether an unfinished Drivers analysis should stop because its tab is no longer showing.
    /// Forgets the request, so that coming back asks again.
    pub fn drivers_to_cancel(&mut self) -> bool {
        if self.tab == Tab::Drivers || !self.drivers.in_flight {
            return false;
        }
        self.drivers.in_flight = false;
        self.drivers.requested = None;
        true
    }

    /// A Drivers request for the selected scenario if the tab is showing and its latest
    /// request was for something else (an edit, another scenario, seed or paths).
    pub fn request_drivers(&mut self) -> Option<crate::tui::drivers::DriversJob> {
        if self.tab != Tab::Drivers {
            return None;
        }
        let scenario = self.slot()?.scenario.clone();
        let wanted = (scenario, self.settings);
        if self.drivers.requested.as_ref() == Some(&wanted) {
            return None;
        }
        self.drivers.generation += 1;
        self.drivers.error = None;
        self.drivers.in_flight = true;
        self.drivers.requested = Some(wanted.clone());
        Some(crate::tui::drivers::DriversJob {
            generation: self.drivers.generation,
            scenario: wanted.0,
            settings: wanted.1,
        })
    }

    pub fn slot(&self) -> Option<&Slot> {
        self.slots.get(self.selected)
    }

    pub fn run(&self) -> Option<&Arc<Run>> {
        self.slot().and_then(|s| s.run.as_ref())
    }

    pub fn params(&self) -> Vec<Param> {
        self.slot()
            .map(|s| params::list(&s.scenario))
            .unwrap_or_default()
    }

    pub fn selected_param(&self) -> Option<Param> {
        self.params().get(self.param).copied()
    }

    /// A request to re-run slot `i`, marking it pending; none if its latest request had the
    /// same inputs (scenario with its edits, seed, paths) and did not fail.
    pub fn request(&mut self, i: usize) -> Option<Job> {
        let settings = self.settings;
        let slot = self.slots.get_mut(i)?;
        let wanted = (slot.scenario.clone(), settings);
        if slot.error.is_none() && slot.requested.as_ref() == Some(&wanted) {
            return None;
        }
        slot.requested = Some(wanted);
        slot.generation += 1;
        slot.pending = true;
        slot.error = None;
        Some(Job {
            slot: i,
            generation: slot.generation,
            scenario: slot.scenario.clone(),
            settings,
        })
    }

    pub fn request_all(&mut self) -> Vec<Job> {
        (0..self.slots.len())
            .filter_map(|i| self.request(i))
            .collect()
    }

    /// Slots in the order the worker should run them: the selected scenario, then what the
    /// tab shows (the walkthrough's runs; the base and every scenario on Compare), then the
    /// rest.
    pub fn focus_order(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.slots.len() + 2);
        if self.tab == Tab::Teach {
            order.extend((0..crate::tui::teach::RUNS).map(|r| self.slots.len() + r));
        }
        order.push(self.selected);
        if self.tab == Tab::Compare && self.base != self.selected {
            order.push(self.base);
        }
        order
    }

    /// The request for paired differences against the base, for the worker.
    pub fn differences_job(&mut self) -> DifferencesJob {
        self.differences_generation += 1;
        DifferencesJob {
            generation: self.differences_generation,
            base: self.slots.get(self.base).and_then(|s| s.run.clone()),
            runs: self.slots.iter().map(|s| s.run.clone()).collect(),
        }
    }

    /// Take differences computed for the latest request.
    pub fn set_differences(&mut self, d: Differences) {
        if d.generation == self.differences_generation {
            self.differences = d.revenue;
            self.probability_differences = d.probability;
        }
    }

    /// Recompute paired differences against the base here and now (the interface asks the
    /// worker instead, through [`App::differences_job`]).
    pub fn refresh_differences(&mut self) {
        let job = self.differences_job();
        let d = DifferencesCache::default().compute(job);
        self.set_differences(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_inputs_are_not_run_again() {
        let scenarios = ["baseline", "kosa"]
            .map(|id| crate::scenario::load(id).unwrap())
            .to_vec();
        let mut app = App::new(
            scenarios,
            0,
            RunSettings::default(),
            Theme::new(crate::tui::theme::ThemeName::Dark, true),
        );
        assert_eq!(app.request_all().len(), 2);
        assert!(app.request_all().is_empty());
        app.slots[1].scenario.growth.volatility += 0.01;
        let again: Vec<usize> = app.request_all().iter().map(|j| j.slot).collect();
        assert_eq!(again, [1]);
        app.settings.seed += 1;
        assert_eq!(app.request_all().len(), 2);
        // A failed run is tried again.
        app.slots[0].error = Some("out of range".into());
        assert_eq!(app.request(0).map(|j| j.slot), Some(0));
    }
}
