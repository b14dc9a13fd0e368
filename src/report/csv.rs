//! CSV: one row per scenario-year, with paired differences on the target year's rows.

use std::fmt::Write;

use super::Report;
use crate::stats::RunSummary;

pub struct Csv;

/// Revenue columns are in nominal £ million (`_gbp_m`); probabilities are shares of paths
/// (0–1) with their Monte Carlo standard errors (`_se`). With several scenarios, the target
/// year's row of each after the first holds its paired difference against the first (`base`):
/// ΔP(target) and Δ median with their paired standard errors; other rows leave them empty. `overrides` lists the changes made to
/// the scenario as loaded (`--set` and the like), `key = value` joined by "; ", empty for none.
pub const HEADER: &str = "scenario,name,seed,paths,year,mean_gbp_m,sd_gbp_m,p5_gbp_m,p10_gbp_m,p25_gbp_m,p50_gbp_m,p75_gbp_m,p90_gbp_m,p95_gbp_m,p_target,p_target_se,p_reached_by,p_reached_by_se,target_revenue_gbp_m,target_year,base,dp_target_vs_base,dp_target_vs_base_se,dmedian_vs_base_gbp_m,dmedian_vs_base_se_gbp_m,overrides";

/// A text cell, quoted and neutralised ([`crate::format::csv_cell`]).
pub use crate::format::csv_cell as field;

/// Monte Carlo standard error of a share `p` of `n` paths.
pub fn share_se(p: f64, n: usize) -> f64 {
    (p * (1.0 - p) / n.max(1) as f64).sqrt()
}

impl Report for Csv {
    fn render(&self, runs: &[RunSummary]) -> String {
        let mut out = String::from(HEADER);
        out.push('\n');
        let differences = super::table::differences_of(runs);
        for r in runs {
            let s = &r.projection.scenario;
            let difference = differences.iter().find(|d| d.scenario == s.scenario.id);
            for (y, fp) in r.years().iter().zip(&r.first_passage) {
                let paired = match difference {
                    Some(d) if d.target_year == y.year => format!(
                        "{},{},{},{},{}",
                        field(&d.base),
                        d.probability.difference,
                        d.probability.std_error,
                        d.median.difference,
                        d.median.std_error
                    ),
                    _ => ",,,,".to_string(),
                };
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    field(&s.scenario.id),
                    field(&s.scenario.name),
                    r.stamp.seed,
                    r.stamp.paths,
                    y.year,
                    y.mean,
                    y.sd,
                    y.p5(),
                    y.p10(),
                    y.p25(),
                    y.median(),
                    y.p75(),
                    y.p90(),
                    y.p95(),
                    y.p_target,
                    share_se(y.p_target, r.stamp.paths),
                    fp.probability,
                    share_se(fp.probability, r.stamp.paths),
                    s.target.revenue,
                    s.target.year,
                    paired,
                    field(&r.stamp.overrides.join("; "))
                );
            }
        }
        out
    }
}
