//! The Teach tab's state and its part of the update: which step is showing, how far its
//! animation has played, and the runs the walkthrough needs (requested from the worker like any
//! other run, keyed by scenario and seed so they are redone only when one of them changes).

pub mod view;

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Tab};
use super::worker::{Job, Run};
use crate::lesson::{FUTURES, LADDER, Lesson, PolicyPair, Step, policy_pair, settings};
use crate::scenario::Scenario;

/// Time between animation ticks.
pub const TICK_MS: u64 = 100;

/// The walkthrough's runs, by index: the main run, the small and large runs of the error ladder,
/// and the other half of the policy pair.
pub const BASE: usize = 0;
pub const SMALL: usize = 1;
pub const LARGE: usize = 2;
pub const VARIANT: usize = 3;
pub const RUNS: usize = 4;

#[derive(Debug, Default)]
pub struct Teach {
    /// Id of the scenario the walkthrough runs: the one `safetech teach` was given, else the
    /// classroom scenario, whatever is selected on the other tabs (its script is written for it).
    pub scenario_id: Option<String>,
    pub step: Option<Step>,
    /// Animation ticks played in the current step.
    pub frame: u32,
    /// Scenario and seed the runs below belong to.
    pub source: Option<(Scenario, u64)>,
    pub policy: Option<Result<PolicyPair, String>>,
    pub runs: [Option<Arc<Run>>; RUNS],
    /// Increases with every new set of requests; older replies are dropped.
    pub generation: u64,
    pub error: Option<String>,
}

impl Teach {
    pub fn step(&self) -> Step {
        self.step.unwrap_or(Step::Claim)
    }

    pub fn go(&mut self, step: Step) {
        if self.step() != step {
            self.frame = 0;
        }
        self.step = Some(step);
    }

    /// The walkthrough over whatever has finished, or None before the first request.
    pub fn lesson(&self) -> Option<Lesson<'_>> {
        let (scenario, _) = self.source.as_ref()?;
        let p = |i: usize| self.runs[i].as_deref().map(|r| &r.projection);
        Some(Lesson {
            scenario,
            policy: self.policy.as_ref().and_then(|r| r.as_ref().ok()),
            base: p(BASE),
            ladder: [p(SMALL), p(BASE), p(LARGE)],
            variant: p(VARIANT),
        })
    }

    /// Ticks the current step animates for (0 until its data have arrived).
    pub fn frames(&self) -> u32 {
        match self.lesson() {
            Some(l) if l.base.is_some() => self.step().frames(&l),
            _ => 0,
        }
    }

    /// Skip to the end of the current step's animation (tests and slides show the resting frame).
    pub fn finish(&mut self) {
        self.frame = self.frames();
    }
}

/// Worker slots for the walkthrough: after the scenario slots (`d` adds one at the end, and
/// the walkthrough then asks again under the new numbers).
fn slot(app: &App, run: usize) -> usize {
    app.slots.len() + run
}

/// The slot the walkthrough runs: [`Teach::scenario_id`], else `classroom`, else the selection.
pub fn lesson_slot(app: &App) -> Option<usize> {
    let id = app
        .teach
        .scenario_id
        .as_deref()
        .unwrap_or(crate::lesson::default_scenario());
    app.slots
        .iter()
        .position(|s| s.scenario.scenario.id == id)
        .or((!app.slots.is_empty()).then_some(app.selected))
}

/// Requests for the runs the walkthrough lacks: when the Teach tab is open and its scenario
/// (with its edits) or the seed differs from what the current runs were made from.
pub fn sync(app: &mut App) -> Vec<Job> {
    if app.tab != Tab::Teach {
        return Vec::new();
    }
    let Some(scenario) = lesson_slot(app).map(|i| app.slots[i].scenario.clone()) else {
        return Vec::new();
    };
    let seed = app.settings.seed;
    if app
        .teach
        .source
        .as_ref()
        .is_some_and(|(s, k)| *s == scenario && *k == seed)
    {
        return Vec::new();
    }
    let policy = policy_pair(&scenario);
    let mut jobs = Vec::new();
    let generation = app.teach.generation + 1;
    let job = |run: usize, scenario: &Scenario, paths: usize| Job {
        slot: app.slots.len() + run,
        generation,
        scenario: scenario.clone(),
        settings: settings(paths, seed),
    };
    jobs.push(job(BASE, &scenario, FUTURES));
    if let Ok(pair) = &policy {
        jobs.push(job(VARIANT, pair.other(&scenario), FUTURES));
    }
    jobs.push(job(SMALL, &scenario, LADDER[0]));
    jobs.push(job(LARGE, &scenario, LADDER[2]));
    let t = &mut app.teach;
    t.generation = generation;
    t.runs = Default::default();
    t.error = None;
    t.frame = 0;
    t.policy = Some(policy);
    t.source = Some((scenario, seed));
    jobs
}

/// True if the reply belongs to the walkthrough (and was taken).
pub fn on_done(app: &mut App, slot_id: usize, generation: u64, run: &Arc<Run>) -> bool {
    let Some(i) = slot_id.checked_sub(slot(app, 0)).filter(|i| *i < RUNS) else {
        return false;
    };
    if generation == app.teach.generation {
        let t = &mut app.teach;
        // A run arriving can lengthen the current step's animation (the window of years can
        // grow). One that had finished stays finished, so the next key moves on rather than
        // being spent on finishing an animation nobody saw restart.
        let finished = t.frame > 0 && t.frame >= t.frames();
        t.runs[i] = Some(run.clone());
        if finished {
            t.frame = t.frames();
        }
    }
    true
}

pub fn on_failed(app: &mut App, slot_id: usize, generation: u64, error: &str) -> bool {
    let Some(_) = slot_id.checked_sub(slot(app, 0)).filter(|i| *i < RUNS) else {
        return false;
    };
    if generation == app.teach.generation {
        app.teach.error = Some(error.to_string());
    }
    true
}

/// Advance the animation by one tick.
pub fn tick(app: &mut App) {
    if app.tab == Tab::Teach {
        app.teach.frame = (app.teach.frame + 1).min(app.teach.frames());
    }
}

/// Whether ticks are wanted: the Teach tab is showing an animation that has not finished.
pub fn wants_tick(app: &App) -> bool {
    app.tab == Tab::Teach && !app.help && app.teach.frame < app.teach.frames()
}

/// Keys of the walkthrough. Returns false for keys it leaves to the rest of the interface.
pub fn on_key(app: &mut App, key: KeyEvent) -> bool {
    let t = &mut app.teach;
    let step = t.step();
    match key.code {
        KeyCode::Char(' ') | KeyCode::Right | KeyCode::Char('l') | KeyCode::Enter => {
            if t.frame < t.frames() {
                // The first press finishes a running animation, as a slide deck would.
                t.finish();
            } else {
                t.go(step.next());
            }
        }
        KeyCode::Backspace | KeyCode::Left | KeyCode::Char('h') => t.go(step.prev()),
        KeyCode::Home => t.go(Step::Claim),
        KeyCode::End => t.go(Step::Policy),
        // Digits switch tabs, as the tab bar says, on this tab too; Home and End jump.
        // Replay the step's animation.
        KeyCode::Char('a') => t.frame = 0,
        // Parameter editing happens on the other tabs; here these keys would change things unseen.
        KeyCode::Up
        | KeyCode::Down
        | KeyCode::Char('j' | 'k' | '<' | '>' | 'H' | 'L' | 'r' | 'R' | 'x' | 'd' | 's') => {}
        _ => return false,
    }
    true
}
