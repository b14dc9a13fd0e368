//! CSV: one row per scenario-year.

use std::fmt::Write;

use super::Report;
use crate::stats::RunSummary;

pub struct Csv;

pub const HEADER: &str = "scenario,name,seed,paths,year,mean,sd,p5,p10,p25,p50,p75,p90,p95,p_target,p_reached_by,target_revenue,target_year";

/// RFC 4180 quoting where needed.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Report for Csv {
    fn render(&self, runs: &[RunSummary]) -> String {
        let mut out = String::from(HEADER);
        out.push('\n');
        for r in runs {
            let s = &r.projection.scenario;
            for (y, fp) in r.years().iter().zip(&r.first_passage) {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
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
                    fp.probability,
                    s.target.revenue,
                    s.target.year
                );
            }
        }
        out
    }
}
