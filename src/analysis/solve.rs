//! "What would it take": the value of a parameter at which P(target) = p, and the revenue level
//! reached with probability p.
//!
//! Every run uses the same seed and paths (common random numbers), so P(target) as a function of
//! the parameter moves only through the parameter, not through fresh noise: a step function of
//! it, steps of 1/n, monotone wherever each path's revenue is. The root is bracketed on a grid
//! over the parameter's allowed range (which also checks monotonicity), then found by the
//! Illinois variant of regula falsi. Its interval is the set of values where P is within the
//! 95 % Monte Carlo half-width of p (the same search for p − h and p + h): the values a run of
//! this size cannot tell from the answer.

use serde::Serialize;

use super::sensitivity::{AnalysisError, run_to_target};
use crate::scenario::Scenario;
use crate::scenario::parameters::{Input, resolve, with_value};
use crate::sim::{RunControl, RunSettings};
use crate::stats::{Z95, target_probability};

/// Points of the bracketing grid over the allowed range.
pub const GRID: usize = 9;
/// Most runs of the Illinois search for one root.
pub const MAX_ITERATIONS: usize = 60;
/// How closely `solve` finds a value, as a share of the stretch each search starts from (the
/// grid cell of the answer; for the interval's ends, the monotone stretch around it).
pub const TOLERANCE: f64 = 1e-7;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    pub key: String,
    /// The probability asked for.
    pub probability: f64,
    /// The parameter's value at which P(target) = probability.
    pub value: f64,
    /// Values where P(target) is within the 95 % Monte Carlo half-width of `probability`.
    pub interval: [f64; 2],
    /// P(target) at `value`, as simulated.
    pub achieved: f64,
    /// The 95 % Monte Carlo half-width of P at `value`.
    pub half_width: f64,
    /// The range searched.
    pub range: [f64; 2],
    /// The value in the scenario as given.
    pub current: f64,
    /// Simulation runs it took.
    pub runs: usize,
    /// Set when P(target) was not monotone over the range but crossed `probability` once.
    pub note: Option<String>,
    pub paths: usize,
    pub seed: u64,
    /// Set when P(target) jumps across `probability` at `value` with no path in between (all
    /// paths cross the target together, as with no volatility and no uncertain input): no value
    /// gives `probability` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
}

/// A jump of P(target) at one value of the parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// P(target) just before the jump (at `between[0]`).
    pub from: f64,
    /// P(target) from the jump on (at `between[1]`, the value reported).
    pub to: f64,
    /// Adjacent values tried, one each side of the jump, as close as the search goes.
    pub between: [f64; 2],
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(
        "P(target) = {wanted} is not reachable by {key} in [{lo}, {hi}]: P(target) runs from {p_lo:.4} (at {lo}) to {p_hi:.4} (at {hi}) and stays {side} {wanted}"
    )]
    Unreachable {
        key: String,
        wanted: f64,
        lo: f64,
        hi: f64,
        p_lo: f64,
        p_hi: f64,
        side: &'static str,
    },
    #[error(
        "P(target) is not monotone in {key} over [{lo}, {hi}]: it crosses {wanted} {crossings} times (between {brackets}); fix other parameters or narrow the question"
    )]
    NotMonotone {
        key: String,
        wanted: f64,
        lo: f64,
        hi: f64,
        crossings: usize,
        brackets: String,
    },
}

/// P(target) as a function of one parameter, on fixed random numbers, remembering every run.
struct Response<'a> {
    scenario: &'a Scenario,
    key: &'a str,
    settings: RunSettings,
    control: RunControl<'a>,
    seen: Vec<(f64, f64)>,
    /// The search's tolerance, as a share of the bracket it starts from.
    tolerance: f64,
}

impl Response<'_> {
    fn at(&mut self, x: f64) -> Result<f64, AnalysisError> {
        if let Some(&(_, p)) = self.seen.iter().find(|(v, _)| *v == x) {
            return Ok(p);
        }
        let s = with_value(self.scenario, self.key, x)?;
        let run = run_to_target(&s, self.settings, self.control)?;
        let p = target_probability(&run).probability;
        self.control.recycle(run);
        self.seen.push((x, p));
        Ok(p)
    }

    /// The tightest bracket of `goal` among the values seen inside [a, b].
    fn bracket(&self, goal: f64, a: f64, b: f64, increasing: bool) -> (f64, f64) {
        let below = |p: f64| if increasing { p < goal } else { p > goal };
        let (mut lo, mut hi) = (a, b);
        for &(x, p) in &self.seen {
            if x > lo && x < hi {
                if below(p) {
                    lo = x;
                } else {
                    hi = x;
                }
            }
        }
        (lo, hi)
    }

    /// The smallest x in [a, b] (within tolerance) with P(x) on the far side of `goal`, for a
    /// response monotone on [a, b]: the step where P crosses `goal`.
    fn root(&mut self, goal: f64, a: f64, b: f64, increasing: bool) -> Result<f64, AnalysisError> {
        let tol = (b - a).abs() * self.tolerance;
        let (mut lo, mut hi) = self.bracket(goal, a, b, increasing);
        let sign = if increasing { 1.0 } else { -1.0 };
        let mut f_lo = sign * (self.at(lo)? - goal);
        let mut f_hi = sign * (self.at(hi)? - goal);
        if f_lo >= 0.0 {
            return Ok(lo);
        }
        if f_hi < 0.0 {
            return Ok(hi);
        }
        let mut side = 0;
        for _ in 0..MAX_ITERATIONS {
            if hi - lo <= tol {
                break;
            }
            // Regula falsi, halving the stale end's value (Illinois) so both ends move; a
            // bisection step when the secant lands on an end.
            let mut x = lo - f_lo * (hi - lo) / (f_hi - f_lo);
            if !(x > lo && x < hi) {
                x = 0.5 * (lo + hi);
            }
            let f = sign * (self.at(x)? - goal);
            if f < 0.0 {
                lo = x;
                f_lo = f;
                if side == -1 {
                    f_hi /= 2.0;
                }
                side = -1;
            } else {
                hi = x;
                f_hi = f;
                if side == 1 {
                    f_lo /= 2.0;
                }
                side = 1;
            }
        }
        Ok(0.5 * (lo + hi))
    }
}

/// Grid cells [i, i + 1] in which the values `ps` cross `p` (from below p to at least p, or
/// back).
pub fn crossings(ps: &[f64], p: f64) -> Vec<usize> {
    (0..ps.len().saturating_sub(1))
        .filter(|&i| (ps[i] < p) != (ps[i + 1] < p))
        .collect()
}

/// Whether `ps` never rises or never falls.
pub fn is_monotone(ps: &[f64]) -> bool {
    ps.windows(2).all(|w| w[1] >= w[0]) || ps.windows(2).all(|w| w[1] <= w[0])
}

/// Where `p` is reached by `key`, with an interval from the Monte Carlo error.
pub fn solve_parameter(
    scenario: &Scenario,
    key: &str,
    p: f64,
    settings: RunSettings,
    control: RunControl,
) -> Result<Solution, SolveError> {
    solve_guided(scenario, key, p, (settings, control), TOLERANCE, None)
}

/// [`solve_parameter`] to `tolerance` (a share of the stretch each search starts from) instead of
/// [`TOLERANCE`], where a reader needs fewer digits (each tenfold coarsening saves some three
/// runs a search), and with the grid run on the fewer paths of `guide` (settings and
/// control): the search then runs on all paths only from the grid cell the guide found, once
/// both its ends are seen to bracket `p` on all paths. Where the guide's grid finds no single
/// crossing, or its cell does not bracket on all paths, it is the unguided search. The answer
/// and interval are found on all paths as without a guide; the note on monotonicity and the
/// stretch the interval is searched over are the guide's grid's.
pub fn solve_parameter_guided(
    scenario: &Scenario,
    key: &str,
    p: f64,
    (settings, control): (RunSettings, RunControl),
    tolerance: f64,
    guide: (RunSettings, RunControl),
) -> Result<Solution, SolveError> {
    solve_guided(
        scenario,
        key,
        p,
        (settings, control),
        tolerance,
        Some(guide),
    )
}

fn solve_guided(
    scenario: &Scenario,
    key: &str,
    p: f64,
    (settings, control): (RunSettings, RunControl),
    tolerance: f64,
    guide: Option<(RunSettings, RunControl)>,
) -> Result<Solution, SolveError> {
    let input: Input = resolve(scenario, key).map_err(AnalysisError::from)?;
    let (lo, hi) = input.allowed;
    let mut r = Response {
        scenario,
        key: &input.key,
        settings,
        control,
        seen: Vec::new(),
        tolerance,
    };
    let unguided = || solve_guided(scenario, key, p, (settings, control), tolerance, None);
    // The grid: brackets and a check of monotonicity.
    let grid: Vec<f64> = (0..GRID)
        .map(|i| lo + (hi - lo) * i as f64 / (GRID - 1) as f64)
        .collect();
    let ps = match guide {
        None => grid
            .iter()
            .map(|&x| r.at(x))
            .collect::<Result<Vec<_>, _>>()?,
        Some((settings, control)) => {
            let mut g = Response {
                settings,
                control,
                seen: Vec::new(),
                ..r
            };
            let ps = grid
                .iter()
                .map(|&x| g.at(x))
                .collect::<Result<Vec<_>, _>>()?;
            // One crossing on the guide's grid, whose cell brackets p on all paths too.
            let cells = crossings(&ps, p);
            if cells.len() != 1 {
                return unguided();
            }
            let (pa, pb) = (r.at(grid[cells[0]])?, r.at(grid[cells[0] + 1])?);
            let guide_rises = ps[cells[0] + 1] >= ps[cells[0]];
            if (pa < p) == (pb < p) || (pb >= pa) != guide_rises {
                return unguided();
            }
            ps
        }
    };
    let (p_lo, p_hi) = (ps[0], ps[GRID - 1]);
    let (min, max) = ps
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    // Bounds for people: 0.1, not the grid's 0.09999999999999987.
    let tidy = |x: f64| format!("{x:.12}").parse::<f64>().unwrap_or(x);
    let unreachable = |side| SolveError::Unreachable {
        key: input.key.clone(),
        wanted: p,
        lo: tidy(lo),
        hi: tidy(hi),
        p_lo,
        p_hi,
        side,
    };
    if p < min || p > max {
        return Err(unreachable(if p < min { "above" } else { "below" }));
    }
    let cells = crossings(&ps, p);
    let monotone = is_monotone(&ps);
    if cells.len() > 1 {
        return Err(SolveError::NotMonotone {
            key: input.key.clone(),
            wanted: p,
            lo: tidy(lo),
            hi: tidy(hi),
            crossings: cells.len(),
            brackets: cells
                .iter()
                .map(|&i| format!("{} and {}", tidy(grid[i]), tidy(grid[i + 1])))
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    let Some(&cell) = cells.first() else {
        // P equals p only at the top of the grid (e.g. P = 1 there).
        return Err(unreachable(if p_hi > p_lo { "below" } else { "above" }));
    };
    let (a, b) = (grid[cell], grid[cell + 1]);
    let increasing = ps[cell + 1] >= ps[cell];
    let mut value = r.root(p, a, b, increasing)?;
    let n = settings.paths as f64;
    let half_width = Z95 * (p * (1.0 - p) / n).sqrt();
    // A step: the closest values tried either side of the answer differ in P by more than the
    // Monte Carlo half-width, so many paths cross the target at one value and none between.
    // The answer is then the value where P reaches the far side; P = p itself is never taken.
    r.at(value)?;
    let (below, above) = r.bracket(p, a, b, increasing);
    let (p_below, p_above) = (r.at(below)?, r.at(above)?);
    let step = ((above - below).abs() <= (b - a).abs() * tolerance * 10.0
        && (p_above - p_below).abs() > half_width)
        .then_some(Step {
            from: p_below,
            to: p_above,
            between: [below, above],
        });
    if step.is_some() {
        value = above;
    }
    let achieved = r.at(value)?;
    // The interval: where P is within the half-width of p, searched over the monotone stretch
    // of the grid around the cell (a value may lie outside the cell itself).
    let rising = |k: usize| {
        if increasing {
            ps[k] >= ps[k - 1]
        } else {
            ps[k] <= ps[k - 1]
        }
    };
    let mut i = cell;
    while i > 0 && rising(i) {
        i -= 1;
    }
    let mut j = cell + 1;
    while j + 1 < GRID && rising(j + 1) {
        j += 1;
    }
    let (gmin, gmax) = (ps[i].min(ps[j]), ps[i].max(ps[j]));
    let edge = |r: &mut Response, goal: f64| -> Result<f64, AnalysisError> {
        if goal <= gmin {
            Ok(if increasing { grid[i] } else { grid[j] })
        } else if goal >= gmax {
            Ok(if increasing { grid[j] } else { grid[i] })
        } else {
            r.root(goal, grid[i], grid[j], increasing)
        }
    };
    let x1 = edge(&mut r, p - half_width)?;
    let x2 = edge(&mut r, p + half_width)?;
    // The interval holds the answer, and at a step both values tried around the jump (the two
    // searches stop on either side of it within their tolerance).
    let mut ends = vec![x1, x2, value];
    if let Some(s) = &step {
        ends.extend(s.between);
    }
    let interval = [
        ends.iter().copied().fold(f64::INFINITY, f64::min),
        ends.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    ];
    Ok(Solution {
        key: input.key.clone(),
        probability: p,
        value,
        interval,
        achieved,
        half_width,
        range: [lo, hi],
        current: input.value,
        runs: r.seen.len(),
        note: (!monotone).then(|| {
            format!(
                "P(target) is not monotone in {} over [{lo}, {hi}]; it crosses {p} once, between {a} and {b}",
                input.key
            )
        }),
        paths: settings.paths,
        seed: settings.seed,
        step,
    })
}

/// The revenue level reached with probability `p` in the target year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetSolution {
    pub probability: f64,
    pub year: i32,
    /// The (1 − p) quantile of revenue in the target year (£m).
    pub revenue: f64,
    /// Distribution-free 95 % interval from order statistics.
    pub interval: [f64; 2],
    pub paths: usize,
    pub seed: u64,
}

/// The level R with P(revenue in the target year ≥ R) = p: the (1 − p) quantile, with the
/// order-statistic interval (ranks n(1 − p) ± 1.96 √(n p (1 − p))).
pub fn solve_target(
    scenario: &Scenario,
    p: f64,
    settings: RunSettings,
    control: RunControl,
) -> Result<TargetSolution, AnalysisError> {
    let run = run_to_target(scenario, settings, control)?;
    let mut v = run.target_values.clone();
    let n = v.len();
    let q = 1.0 - p;
    // The same quantile rule as the engine's percentiles (revenue is never negative).
    let revenue = crate::quantile::exact_quantiles(&[&v], &[q])[0];
    let spread = Z95 * (n as f64 * p * (1.0 - p)).sqrt();
    let centre = q * (n - 1) as f64;
    let rank = |r: f64| (r.round().clamp(0.0, (n - 1) as f64)) as usize;
    let lo = rank(centre - spread);
    let hi = rank(centre + spread);
    let (_, &mut a, _) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let (_, &mut b, _) = v.select_nth_unstable_by(hi, f64::total_cmp);
    Ok(TargetSolution {
        probability: p,
        year: scenario.target.year,
        revenue,
        interval: [a, b],
        paths: n,
        seed: settings.seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_find_each_cell_and_monotonicity() {
        let rising = [0.1, 0.2, 0.4, 0.6, 0.9];
        assert_eq!(crossings(&rising, 0.5), [2]);
        assert!(is_monotone(&rising));
        // A hump crosses 0.5 twice: not a question with one answer.
        let hump = [0.1, 0.4, 0.7, 0.6, 0.3];
        assert_eq!(crossings(&hump, 0.5), [1, 3]);
        assert!(!is_monotone(&hump));
        // Exactly p at a grid point counts once.
        assert_eq!(crossings(&[0.2, 0.5, 0.8], 0.5), [0]);
        assert!(crossings(&[0.2, 0.3], 0.5).is_empty());
    }

    /// A guide's grid only saves runs: the answer and its interval are the unguided search's
    /// to within its tolerance, in fewer runs on all paths; and where the guide finds no
    /// crossing, the result is the unguided one exactly (here an unreachable probability).
    #[test]
    fn a_guided_search_finds_the_unguided_answer_in_fewer_runs() {
        let s = crate::scenario::load("osa-enforced").unwrap();
        let full = RunSettings {
            paths: 40_960,
            sample_paths: 0,
            ..RunSettings::default()
        };
        let guide = RunSettings {
            paths: 8_192,
            ..full
        };
        let c = RunControl::default;
        let tolerance = 1e-5;
        let unguided =
            solve_guided(&s, "growth.initial", 0.5, (full, c()), tolerance, None).unwrap();
        let guided = solve_parameter_guided(
            &s,
            "growth.initial",
            0.5,
            (full, c()),
            tolerance,
            (guide, c()),
        )
        .unwrap();
        // Both stop within tolerance × the cell (2.5 / 8) of the same step of P.
        let close = 2.0 * tolerance * 2.5 / 8.0;
        assert!((guided.value - unguided.value).abs() <= close);
        for (g, u) in guided.interval.iter().zip(unguided.interval) {
            assert!((g - u).abs() <= close, "{g} against {u}");
        }
        assert!(
            guided.runs + 5 <= unguided.runs,
            "{} against {}",
            guided.runs,
            unguided.runs
        );
        let unreachable = |g: Option<(RunSettings, RunControl)>| {
            solve_guided(&s, "growth.initial", 0.999, (full, c()), tolerance, g)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(unreachable(Some((guide, c()))), unreachable(None));
    }
}
