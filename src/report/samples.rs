//! `run --samples FILE.csv`: one row per simulated path, with every input drawn on it and what
//! it reached, so P(target), the first-passage table and the attribution by outcome can be
//! recomputed from the file alone (in pandas, R or a spreadsheet).

use std::fmt::Write;

use super::csv::field;
use crate::sim::inputs::{InputSampler, single};
use crate::sim::{NO_OUTCOME, Projection};

/// The most rows a samples file may hold: 1,000,000 rows are about 60 MB of text.
pub const MAX_ROWS: usize = 1_000_000;

/// The column names: `path`, each uncertain input by its `--set` key, each event's outcome
/// (`event.<id>`, empty when nothing happened) and, for events that draw their start year,
/// that year (`event.<id>.year`), then `revenue_gbp_m_<year>` for the target year,
/// `reached_target` (0 or 1) and `first_year_reached` (empty when never by the horizon).
pub fn header(p: &Projection) -> Vec<String> {
    let mut cols = vec!["path".to_string()];
    cols.extend(uncertain_keys(p));
    for (e, ev) in p.events.iter().enumerate() {
        cols.push(format!("event.{}", ev.event_id));
        if draws_year(p, e) {
            cols.push(format!("event.{}.year", ev.event_id));
        }
    }
    cols.push(format!("revenue_gbp_m_{}", p.scenario.target.year));
    cols.push("reached_target".into());
    cols.push("first_year_reached".into());
    cols
}

/// The inputs drawn per path: the starting pace when it has a spread (written either way),
/// then every input written as a distribution, by key.
fn uncertain_keys(p: &Projection) -> Vec<String> {
    InputSampler::new(&p.scenario, p.settings.seed, None).keys()
}

/// Whether event `e` draws its start year (some outcome has a window, or a delay differs).
fn draws_year(p: &Projection, e: usize) -> bool {
    let ev = &p.scenario.events[e];
    ev.outcomes
        .iter()
        .any(|o| matches!(ev.timing(o), crate::scenario::Timing::Window(a, b) if a != b))
}

/// The whole file. Numbers are written in full (the shortest digits that read back as the same
/// binary value), so sums over the file equal the program's own.
pub fn render(p: &Projection) -> String {
    let n = p.paths();
    let cols = header(p);
    let mut out = String::with_capacity(n * (24 * cols.len()) + 256);
    out.push_str(&cols.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
    out.push('\n');
    // Each input's draws, recomputed from the seed as the run drew them, and as the engine
    // held them: those it keeps in single precision are written as the exact value used
    // (0.12999999523162842 for a draw of 0.13).
    let sampler = InputSampler::new(&p.scenario, p.settings.seed, None);
    let inputs: Vec<Vec<f64>> = sampler
        .keys()
        .iter()
        .map(|key| {
            if key == crate::scenario::uncertain::PACE {
                p.initial_growth.to_vec()
            } else if single(key) {
                sampler
                    .column_single(key, n)
                    .into_iter()
                    .map(f64::from)
                    .collect()
            } else {
                sampler.column(key, n)
            }
        })
        .collect();
    let target = p.scenario.target.revenue;
    let years: Vec<Vec<i32>> = p
        .events
        .iter()
        .map(|ev| ev.start_years().collect())
        .collect();
    let with_year: Vec<bool> = (0..p.events.len()).map(|e| draws_year(p, e)).collect();
    // The path's number is a column of its own and indexes every per-path array alike.
    #[allow(clippy::needless_range_loop)]
    for i in 0..n {
        let _ = write!(out, "{i}");
        for column in &inputs {
            let _ = write!(out, ",{}", column[i]);
        }
        for (e, ev) in p.events.iter().enumerate() {
            let o = ev.outcome(i);
            out.push(',');
            if o != NO_OUTCOME {
                out.push_str(&field(&ev.outcome_ids[usize::from(o)]));
            }
            if with_year[e] {
                out.push(',');
                if o != NO_OUTCOME {
                    let _ = write!(out, "{}", years[e][i]);
                }
            }
        }
        let r = p.target_values[i];
        let _ = write!(out, ",{r},{}", u8::from(r >= target));
        out.push(',');
        if p.first_passage[i] != 0 {
            let _ = write!(out, "{}", p.first_passage[i]);
        }
        out.push('\n');
    }
    out
}
