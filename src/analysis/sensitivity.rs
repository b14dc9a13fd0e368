//! One-at-a-time sensitivity (the tornado) on common random numbers.
//!
//! Each uncertain input is set to its low and then its high value with everything else held, and
//! each run uses the same seed and paths as the base run, so path i sees the same shocks and
//! draws in all three; ΔP and Δ median are then paired differences with small errors. Runs stop
//! at the target year (revenue there does not depend on later years), which makes every number
//! identical to that of a full `run --set KEY=VALUE` on the same seed.

use serde::Serialize;

use super::for_target;
use crate::error::InputError;
use crate::scenario::Scenario;
use crate::scenario::parameters::{Kind, Swing, SwingSource, swings, with_value};
use crate::sim::{Projection, RunControl, RunSettings, SimError, simulate};
use crate::stats::difference::{
    Estimate, MedianSpread, discordant, discordant_counts, paired_median_of,
};
use crate::stats::{TargetProbability, target_probability};

/// The run at one end of a swing, against the base run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwingEnd {
    pub value: f64,
    /// P(target) with the input at this value.
    pub probability: f64,
    /// P(target) here − P(target) at base, paired.
    pub delta_probability: Estimate,
    /// Median revenue in the target year here (£m).
    pub median: f64,
    /// Median here − median at base (£m), paired.
    pub delta_median: Estimate,
}

/// One bar of the tornado.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoRow {
    /// The `--set` key that reproduces either end: `--set KEY=low` or `--set KEY=high`.
    pub key: String,
    /// What kind of number the input is, for showing its values in their units.
    #[serde(skip)]
    pub kind: Kind,
    pub base: f64,
    pub source: SwingSource,
    pub low: SwingEnd,
    pub high: SwingEnd,
}

impl TornadoRow {
    /// |P(high) − P(low)|: what the rows are sorted by.
    pub fn probability_range(&self) -> f64 {
        (self.high.probability - self.low.probability).abs()
    }
    pub fn median_range(&self) -> f64 {
        (self.high.median - self.low.median).abs()
    }

    /// Whether the swing changed any path by the target year. On common random numbers an
    /// input that acts only later (a US law from 2029, when the target is 2026) leaves every
    /// path as it was: both differences and their errors are exactly 0.
    pub fn moves(&self) -> bool {
        [&self.low, &self.high].iter().any(|e| {
            e.delta_probability.difference != 0.0
                || e.delta_probability.std_error != 0.0
                || e.delta_median.difference != 0.0
                || e.delta_median.std_error != 0.0
        })
    }
}

/// Where a tornado's rows are refined pass by pass (the view's Drivers tab), a row stops once
/// both its ΔPs have 95 % half-widths of at most this: ΔP is shown in points to one decimal,
/// so such a row would read the same on more paths, up to the last digit.
pub const SETTLED_HALF_WIDTH: f64 = 0.0005;

/// The keys of rows that do not move anything by the target year, for a line that names them
/// instead of a row of zeros.
pub fn unmoved(rows: &[TornadoRow]) -> Vec<&str> {
    rows.iter()
        .filter(|r| !r.moves())
        .map(|r| r.key.as_str())
        .collect()
}

/// The base run's summary in the target year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Base {
    pub target: TargetProbability,
    pub median: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// Runs a scenario up to its target year.
pub fn run_to_target(
    s: &Scenario,
    settings: RunSettings,
    control: RunControl,
) -> Result<Projection, SimError> {
    let settings = RunSettings {
        sample_paths: 0,
        ..settings
    };
    simulate(&for_target(s), settings, control)
}

pub fn base_of(p: &Projection) -> Base {
    Base {
        target: target_probability(p),
        median: p
            .year(p.scenario.target.year)
            .map_or(f64::NAN, |y| y.median()),
    }
}

fn end(base: &SwingBase, run: &Projection, value: f64) -> SwingEnd {
    let n = base.run.target_values.len();
    let ((a_only, b_only), delta_median) = rayon::join(
        || discordant_counts(base.run, run),
        || paired_median_of((&base.run.target_values, &base.spread), &run.target_values),
    );
    let b = base_of(run);
    SwingEnd {
        value,
        probability: b.target.probability,
        delta_probability: discordant(a_only, b_only, n),
        median: b.median,
        delta_median,
    }
}

/// The base run of a tornado, with what every swing's ends compare with found once.
pub struct SwingBase<'a> {
    pub run: &'a Projection,
    spread: MedianSpread,
}

impl SwingBase<'_> {
    pub fn of(run: &Projection) -> SwingBase<'_> {
        SwingBase {
            run,
            spread: MedianSpread::of(&run.target_values),
        }
    }
}

/// Both ends of one swing, against `base` (a run of `scenario` with `settings`).
pub fn run_swing(
    scenario: &Scenario,
    base: &SwingBase,
    swing: &Swing,
    settings: RunSettings,
    control: RunControl,
) -> Result<TornadoRow, AnalysisError> {
    let mut ends = Vec::with_capacity(2);
    for value in [swing.low, swing.high] {
        let s = with_value(scenario, &swing.input.key, value)?;
        let run = run_to_target(&s, settings, control)?;
        ends.push(end(base, &run, value));
        control.recycle(run);
    }
    let high = ends.pop().expect("two ends");
    let low = ends.pop().expect("two ends");
    Ok(TornadoRow {
        key: swing.input.key.clone(),
        kind: swing.input.kind,
        base: swing.input.value,
        source: swing.source.clone(),
        low,
        high,
    })
}

/// Largest swing of P first, then of the median; ties by key.
pub fn sort_rows(rows: &mut [TornadoRow]) {
    rows.sort_by(row_order);
}

/// The order of [`sort_rows`], for rows held beside other data.
pub fn row_order(a: &TornadoRow, b: &TornadoRow) -> std::cmp::Ordering {
    b.probability_range()
        .total_cmp(&a.probability_range())
        .then(b.median_range().total_cmp(&a.median_range()))
        .then(a.key.cmp(&b.key))
}

/// The whole tornado: the base run, then each swing, sorted by size.
pub fn tornado(
    scenario: &Scenario,
    settings: RunSettings,
    control: RunControl,
) -> Result<(Projection, Vec<TornadoRow>), AnalysisError> {
    let base = run_to_target(scenario, settings, control)?;
    let compared = SwingBase::of(&base);
    let mut rows = swings(scenario)
        .iter()
        .map(|sw| run_swing(scenario, &compared, sw, settings, control))
        .collect::<Result<Vec<_>, _>>()?;
    sort_rows(&mut rows);
    Ok((base, rows))
}
