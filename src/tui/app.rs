//! Application state: everything the views draw from. Changed only by `update`.

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::layout::Rect;

use super::params::{self, Param};
use super::teach::Teach;
use super::theme::Theme;
use super::worker::{Job, Run};
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
        }
    }

    pub fn edited(&self) -> bool {
        self.scenario != self.original
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
    /// A message in the status line, in place of the key hints until it expires.
    pub status: Option<String>,
    /// Ticks the status message has been shown; it goes after [`STATUS_TICKS`].
    pub status_age: u32,
    pub quit: bool,
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
            status: None,
            status_age: 0,
            compared: Vec::new(),
            suspend: false,
            quit: false,
            signal: None,
            area: Rect::new(0, 0, 120, 40),
            output_dir: PathBuf::from("."),
            differences: vec![None; n],
            teach: Teach::default(),
            probability_differences: vec![None; n],
            drivers: DriversState::default(),
            entry: None,
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

    /// A request to re-run slot `i`, marking it pending.
    pub fn request(&mut self, i: usize) -> Option<Job> {
        let settings = self.settings;
        let slot = self.slots.get_mut(i)?;
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

    /// Recompute paired differences against the base: same seed means path i of each run saw the
    /// same shocks, so R_B − R_A path by path is the effect of the scenario alone.
    pub fn refresh_differences(&mut self) {
        let base = self.slots.get(self.base).and_then(|s| s.run.clone());
        self.probability_differences = self
            .slots
            .iter()
            .map(|slot| {
                let (a, b) = (&base.as_ref()?.projection, &slot.run.as_ref()?.projection);
                if a.settings.seed != b.settings.seed
                    || a.scenario.target.year != b.scenario.target.year
                {
                    return None;
                }
                // A preview pairs with the first paths of a full run.
                let n = a.target_values.len().min(b.target_values.len());
                let (ta, tb) = (a.scenario.target.revenue, b.scenario.target.revenue);
                let (mut a_only, mut b_only) = (0, 0);
                for (&x, &y) in a.target_values[..n].iter().zip(&b.target_values[..n]) {
                    a_only += usize::from(x >= ta && y < tb);
                    b_only += usize::from(y >= tb && x < ta);
                }
                (n > 0).then(|| crate::stats::difference::discordant(a_only, b_only, n))
            })
            .collect();
        self.differences = self
            .slots
            .iter()
            .map(|slot| {
                let (a, b) = (base.as_ref()?, slot.run.as_ref()?);
                let (pa, pb) = (&a.projection, &b.projection);
                if pa.settings.seed != pb.settings.seed
                    || pa.scenario.target.year != pb.scenario.target.year
                {
                    return None;
                }
                // A preview's paths are the first paths of the full run, so a common prefix pairs.
                let n = pa.target_values.len().min(pb.target_values.len());
                if n == 0 {
                    return None;
                }
                let mut d: Vec<f64> = pb.target_values[..n]
                    .iter()
                    .zip(&pa.target_values[..n])
                    .map(|(b, a)| b - a)
                    .collect();
                // Differences can be negative, which the engine's bucketed quantiles do not take.
                d.sort_unstable_by(f64::total_cmp);
                Some([0.05, 0.5, 0.95].map(|p| quantile_sorted(&d, p)))
            })
            .collect();
    }
}

/// Type-7 quantile (linear between order statistics) of sorted, non-empty values.
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (v[hi] - v[lo]) * (h - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_signed_values() {
        let v = [-3.0, -1.0, 0.0, 2.0, 10.0];
        assert_eq!(quantile_sorted(&v, 0.5), 0.0);
        assert_eq!(quantile_sorted(&v, 0.0), -3.0);
        assert_eq!(quantile_sorted(&v, 0.125), -2.0);
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }
}
