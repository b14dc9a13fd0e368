//! Summaries of a projection: pure functions over the engine's output.

pub mod calibration;
pub mod difference;
pub mod sobol;

use serde::Serialize;

use crate::format;

use crate::sim::{Projection, YearStats};

/// 97.5% point of the standard Normal, for 95% intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// P(R[target year] ≥ target) with its Monte Carlo error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetProbability {
    pub revenue: f64,
    pub year: i32,
    pub probability: f64,
    /// sqrt(p(1−p)/n): the Monte Carlo standard error.
    pub std_error: f64,
    /// 95% Wilson score interval.
    pub ci95: [f64; 2],
    pub hits: usize,
    pub paths: usize,
}

/// The 95 % Normal interval x ± 1.96 · std_error.
pub fn normal_ci95(x: f64, std_error: f64) -> [f64; 2] {
    [x - Z95 * std_error, x + Z95 * std_error]
}

/// Wilson score interval for `hits` successes out of `n` at normal quantile `z`.
pub fn wilson_interval(hits: usize, n: usize, z: f64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let n = n as f64;
    let p = hits as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

impl TargetProbability {
    /// Half the width of the 95% interval: the "±" everywhere a person reads P(target).
    pub fn margin95(&self) -> f64 {
        (self.ci95[1] - self.ci95[0]) / 2.0
    }

    /// The "±" in points, as printed: `0.21`.
    pub fn margin_points(&self) -> String {
        format::percent_points(self.margin95())
    }

    /// P(target) as every output states it: `86.4% (Monte Carlo ±0.21 pts)`.
    pub fn with_margin(&self) -> String {
        format::probability_with_margin(self.probability, self.std_error, self.margin95())
    }
}

pub fn target_probability(p: &Projection) -> TargetProbability {
    let target = p.scenario.target.revenue;
    let n = p.target_values.len();
    let hits = p.target_values.iter().filter(|&&x| x >= target).count();
    let prob = hits as f64 / n.max(1) as f64;
    TargetProbability {
        revenue: target,
        year: p.scenario.target.year,
        probability: prob,
        std_error: (prob * (1.0 - prob) / n.max(1) as f64).sqrt(),
        ci95: wilson_interval(hits, n, Z95),
        hits,
        paths: n,
    }
}

/// P(target reached in some year ≤ `year`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstPassage {
    pub year: i32,
    pub probability: f64,
    /// Its Monte Carlo standard error.
    pub std_error: f64,
}

pub fn first_passage(p: &Projection) -> Vec<FirstPassage> {
    let n = p.first_passage.len().max(1) as f64;
    let mut per_year = vec![0usize; p.years.len()];
    let first = p.scenario.market.start_year + 1;
    for &y in &p.first_passage {
        if y != 0 {
            per_year[(y - first) as usize] += 1;
        }
    }
    let mut acc = 0;
    p.years
        .iter()
        .zip(per_year)
        .map(|(ys, count)| {
            acc += count;
            let probability = acc as f64 / n;
            FirstPassage {
                year: ys.year,
                probability,
                std_error: (probability * (1.0 - probability) / n).sqrt(),
            }
        })
        .collect()
}

/// How one event's outcomes relate to reaching the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventAttribution {
    pub id: String,
    pub name: String,
    pub outcomes: Vec<OutcomeAttribution>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeAttribution {
    /// Outcome id, or `none` for "nothing happens".
    pub id: String,
    /// Share of paths that drew this outcome.
    pub share: f64,
    pub paths: usize,
    /// P(target | outcome); absent when no path drew it.
    pub p_target: Option<f64>,
    /// Median revenue in the target year given the outcome.
    pub median: Option<f64>,
}

pub fn event_attribution(p: &Projection) -> Vec<EventAttribution> {
    let target = p.scenario.target.revenue;
    let n = p.target_values.len().max(1) as f64;
    p.events
        .iter()
        .zip(&p.scenario.events)
        .map(|(draws, ev)| {
            // Per outcome ("nothing happens" last): paths, hits and the median target-year
            // value, without copying the values out per group.
            let k = draws.outcome_ids.len();
            let values = &p.target_values;
            let group: Vec<u8> = draws.groups().take(values.len()).map(|g| g as u8).collect();
            let (mut paths, mut hits) = (vec![0usize; k + 1], vec![0usize; k + 1]);
            for (&g, &v) in group.iter().zip(values) {
                paths[g as usize] += 1;
                hits[g as usize] += usize::from(v >= target);
            }
            let (min, max) = p
                .year(p.scenario.target.year)
                .map_or((0.0, f64::MAX), |y| (y.min, y.max));
            let medians =
                crate::quantile::grouped_quantiles(values, &group, k + 1, min, max, &[0.5]);
            let groups = (0..=k).map(|g| (paths[g], hits[g], medians[g][0]));
            let none_possible = ev.remainder_probability() > 1e-9;
            let outcomes = groups
                .enumerate()
                .filter(|&(g, (paths, _, _))| g < k || none_possible || paths > 0)
                .map(|(g, (paths, hits, median))| OutcomeAttribution {
                    id: draws
                        .outcome_ids
                        .get(g)
                        .cloned()
                        .unwrap_or_else(|| "none".to_string()),
                    share: paths as f64 / n,
                    paths,
                    p_target: (paths > 0).then(|| hits as f64 / paths as f64),
                    median: (paths > 0).then_some(median),
                })
                .collect();
            EventAttribution {
                id: ev.id.clone(),
                name: ev.name.clone(),
                outcomes,
            }
        })
        .collect()
}

/// Identifies the run that produced an output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stamp {
    pub program: &'static str,
    pub version: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub paths: usize,
    /// The scenario file, when it is not a built-in.
    pub file: Option<String>,
    /// Changes to the scenario as loaded, `key = value`.
    pub overrides: Vec<String>,
}

impl Stamp {
    pub fn of(p: &Projection) -> Stamp {
        let provenance = &p.scenario.provenance;
        Stamp {
            program: "safetech",
            version: crate::VERSION,
            scenario: p.scenario.scenario.id.clone(),
            seed: p.settings.seed,
            paths: p.settings.paths,
            file: provenance.file.clone(),
            overrides: provenance.edits.clone(),
        }
    }

    /// The scenario with its origin and changes: `kosa (from my.toml; edited: growth.volatility = 0.1)`.
    pub fn scenario_label(&self) -> String {
        scenario_label(&self.scenario, self.file.as_deref(), &self.overrides)
    }
}

/// `id`, `id (from FILE)`, `id (edited: k = v)` or both.
pub fn scenario_label(id: &str, file: Option<&str>, edits: &[String]) -> String {
    let mut notes = Vec::new();
    if let Some(f) = file {
        notes.push(format!("from {f}"));
    }
    if !edits.is_empty() {
        notes.push(format!("edited: {}", edits.join(", ")));
    }
    if notes.is_empty() {
        id.to_string()
    } else {
        format!("{id} ({})", notes.join("; "))
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} · scenario {} · seed {} · {}",
            self.program,
            self.version,
            self.scenario_label(),
            self.seed,
            format::count(self.paths, "path")
        )
    }
}

/// Everything the text reports show about one scenario.
#[derive(Debug, Clone)]
pub struct RunSummary<'a> {
    pub projection: &'a Projection,
    pub stamp: Stamp,
    pub target: TargetProbability,
    pub first_passage: Vec<FirstPassage>,
    pub events: Vec<EventAttribution>,
}

impl<'a> RunSummary<'a> {
    pub fn of(p: &'a Projection) -> Self {
        // Three independent passes over a million paths: run them side by side.
        let ((target, first_passage), events) = rayon::join(
            || rayon::join(|| target_probability(p), || first_passage(p)),
            || event_attribution(p),
        );
        RunSummary {
            projection: p,
            stamp: Stamp::of(p),
            target,
            first_passage,
            events,
        }
    }

    pub fn years(&self) -> &[YearStats] {
        &self.projection.years
    }

    /// Share of paths that never reach the target by the horizon.
    pub fn never_reached(&self) -> f64 {
        // Counted, not 1 − P(reached), which prints as 2.999999999997449e-05.
        let paths = &self.projection.first_passage;
        paths.iter().filter(|&&y| y == 0).count() as f64 / paths.len().max(1) as f64
    }

    /// First year by which at least half of the paths have reached the target.
    pub fn median_first_passage(&self) -> Option<i32> {
        self.first_passage
            .iter()
            .find(|f| f.probability >= 0.5)
            .map(|f| f.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_hand_computation() {
        // 712 of 1000: centre (0.712 + z²/2000)/(1 + z²/1000).
        let [lo, hi] = wilson_interval(712, 1000, Z95);
        let z2 = Z95 * Z95;
        let centre = (0.712 + z2 / 2000.0) / (1.0 + z2 / 1000.0);
        let half = Z95 * (0.712 * 0.288 / 1000.0 + z2 / 4e6).sqrt() / (1.0 + z2 / 1000.0);
        assert!((lo - (centre - half)).abs() < 1e-15 && (hi - (centre + half)).abs() < 1e-15);
        assert!(lo > 0.68 && hi < 0.74);
        assert_eq!(wilson_interval(0, 10, Z95)[0], 0.0);
        assert!(wilson_interval(10, 10, Z95)[1] <= 1.0);
    }
}
