//! The options step: what the parsed command line means. `cli` only parses; this turns its
//! values into run settings and overrides, budgets memory, and loads the scenarios named.

use crate::cli::Common;
use crate::error::InputError;
use crate::scenario::{Override, Scenario, load_with_overrides};
use crate::sim::RunSettings;

/// What the options shared by every simulating command mean.
pub trait Options {
    /// Paths and seed.
    fn settings(&self) -> RunSettings;
    /// All overrides: the dedicated flags first, then `--set` in order.
    fn overrides(&self) -> Result<Vec<Override>, InputError>;
    /// Refuses a run whose estimated memory passes the budget.
    fn check_memory(&self, scenarios: &[Scenario]) -> Result<(), InputError>;
    /// The memory budget in bytes, and where it comes from, in words.
    fn memory_budget(&self) -> (u64, String);
    /// The most paths an analysis holding `per_path` bytes a path may run within the budget.
    fn paths_that_fit(&self, per_path: u64) -> usize {
        let fit = paths_within(self.memory_budget().0, per_path);
        usize::try_from(fit).unwrap_or(usize::MAX)
    }
    /// Refuses an analysis that holds `per_path` bytes per path (`what` says what it holds)
    /// when that passes the budget, naming the most paths that fit.
    fn check_memory_per_path(&self, per_path: u64, what: &str) -> Result<(), InputError>;
    /// Load, override and validate every scenario named.
    fn load_scenarios(&self) -> Result<Vec<Scenario>, InputError>;
}

/// Bytes a path of a run of `scenarios` holds: every scenario's projection is kept until all
/// are summarised.
pub fn held_per_path(scenarios: &[Scenario]) -> u64 {
    scenarios
        .iter()
        .map(|s| crate::sim::memory_estimate(s, 1))
        .sum()
}

/// The most paths of `per_path` bytes that fit `budget` beside the fixed overhead.
fn paths_within(budget: u64, per_path: u64) -> u64 {
    budget.saturating_sub(crate::sim::MEMORY_OVERHEAD) / per_path.max(1)
}

impl Options for Common {
    fn settings(&self) -> RunSettings {
        RunSettings {
            paths: self.paths,
            seed: self.seed,
            ..RunSettings::default()
        }
    }

    /// All overrides: the dedicated flags first, then `--set` in order.
    fn overrides(&self) -> Result<Vec<Override>, InputError> {
        let mut out = Vec::new();
        if let Some(h) = self.horizon {
            out.push(Override::from_flag("--horizon", "market.horizon", h));
        }
        if let Some(t) = self.target {
            // Debug formatting keeps a float a TOML float (`1e19`, `1000.0`), never a long integer.
            out.push(Override::from_flag(
                "--target",
                "target.revenue",
                format!("{t:?}"),
            ));
        }
        if let Some((year, revenue)) = self.latest {
            out.push(Override::from_flag(
                "--latest",
                crate::scenario::LATEST,
                format!("[{year}, {revenue:?}]"),
            ));
        }
        if let Some(y) = self.target_year {
            out.push(Override::from_flag("--target-year", "target.year", y));
        }
        for s in &self.set {
            out.push(s.parse()?);
        }
        Ok(out)
    }

    /// Refuses a run whose estimated memory passes the budget (`--max-memory`, default half
    /// the memory available now), before anything is allocated, naming the most paths that fit.
    fn check_memory(&self, scenarios: &[Scenario]) -> Result<(), InputError> {
        let per_path = held_per_path(scenarios);
        let what = format!(
            "{} scenario(s) with {} events in all",
            scenarios.len(),
            scenarios.iter().map(|s| s.events.len()).sum::<usize>()
        );
        self.check_memory_per_path(per_path, &what)
    }

    fn check_memory_per_path(&self, per_path: u64, what: &str) -> Result<(), InputError> {
        use crate::numbers::format_bytes;
        use crate::sim::MEMORY_OVERHEAD as OVERHEAD;
        let (budget, source) = self.memory_budget();
        let need = per_path * self.paths as u64 + OVERHEAD;
        if need <= budget {
            return Ok(());
        }
        let fit = paths_within(budget, per_path);
        let advice = if fit >= 1 {
            format!(
                "at most {} paths fit; use -n {} or less, or raise --max-memory",
                crate::format::thousands(fit as f64, 0),
                fit
            )
        } else {
            "no run fits; raise --max-memory".to_string()
        };
        Err(InputError::new(
            "--paths",
            "",
            format!(
                "{what} need about {} at {} paths, more than the memory budget of {} \
                 ({source}); {advice}",
                format_bytes(need),
                crate::format::thousands(self.paths as f64, 0),
                format_bytes(budget)
            ),
        )
        .with_value(self.paths.to_string()))
    }

    fn memory_budget(&self) -> (u64, String) {
        match self.max_memory {
            Some(b) => (b, "--max-memory".to_string()),
            None => match crate::numbers::available_memory() {
                Some(a) => (
                    a / 2,
                    "the default, half the memory available now".to_string(),
                ),
                None => (
                    8 << 30,
                    "the default when available memory is unknown".to_string(),
                ),
            },
        }
    }

    /// Load, override and validate every scenario named.
    /// The scenarios given, each once: a repeated `-s` is dropped with a note, since two
    /// identical series would draw over each other and share a colour.
    fn load_scenarios(&self) -> Result<Vec<Scenario>, InputError> {
        let overrides = self.overrides()?;
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for spec in &self.scenarios {
            if seen.contains(&spec.as_str()) {
                eprintln!("note: scenario {spec} is given more than once; using it once");
                continue;
            }
            seen.push(spec);
            out.push(load_with_overrides(spec, &overrides)?);
        }
        for note in crate::scenario::distinct_ids(&mut out) {
            eprintln!("{note}");
        }
        Ok(out)
    }
}
