//! `safetech sensitivity` in each text format: the tornado and the variance shares.
//!
//! JSON is versioned (`"schema": "safetech.sensitivity/v1"`) under the common envelope.

use std::fmt::Write;

use serde::Serialize;

use super::Format;
use super::csv::field;
use super::difference::{money_with_error, points_with_error};
use super::json::Envelope;
use crate::analysis::precision::Precision;
use crate::analysis::sensitivity::{Base, TornadoRow};
use crate::format::{money, percent, percent_points, probability_decimals, signed, thousands};
use crate::stats::sobol::{Share, VarianceShare};

pub const SCHEMA: &str = "safetech.sensitivity/v1";

/// Everything `sensitivity` reports about one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityReport {
    pub scenario: String,
    pub name: String,
    pub seed: u64,
    /// Paths of every run (base and each swing).
    pub paths: usize,
    /// `--set` edits applied before the analysis.
    pub overrides: Vec<String>,
    pub base: Base,
    /// One row per input, largest swing of P(target) first.
    pub tornado: Vec<TornadoRow>,
    /// First-order shares of the base run's per-path draws, then the rest.
    pub variance_shares: Vec<VarianceShare>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
}

impl SensitivityReport {
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Table => self.table(),
            Format::Json => Envelope::new(SCHEMA, self).to_json(),
            Format::Csv => self.csv(),
            Format::Markdown => self.markdown(),
        }
    }

    fn stamp(&self) -> String {
        let mut s = format!(
            "safetech {} · scenario {} · seed {} · {} paths per run",
            crate::VERSION,
            self.scenario,
            self.seed,
            thousands(self.paths as f64, 0)
        );
        if !self.overrides.is_empty() {
            let _ = write!(s, " · edited: {}", self.overrides.join(", "));
        }
        s
    }

    /// The inputs that change nothing by the target year, named on one line rather than
    /// listed as rows of zeros.
    fn unmoved_line(&self) -> Option<String> {
        let keys = crate::analysis::sensitivity::unmoved(&self.tornado);
        (!keys.is_empty()).then(|| {
            format!(
                "Not shown: {} {} no path by {} (acting later, or never happening): {}.",
                crate::format::count(keys.len(), "input"),
                if keys.len() == 1 { "changes" } else { "change" },
                self.base.target.year,
                keys.join(", ")
            )
        })
    }

    fn target_text(&self) -> String {
        let t = &self.base.target;
        format!("P(revenue ≥ {} in {})", money(t.revenue), t.year)
    }

    fn base_line(&self) -> String {
        let t = &self.base.target;
        let d = probability_decimals(t.std_error);
        format!(
            "Base: {} = {} (Monte Carlo ±{} pts); median {} {}",
            self.target_text(),
            percent(t.probability, d),
            percent_points(crate::stats::Z95 * t.std_error),
            t.year,
            money(self.base.median)
        )
    }

    /// What the table and the Markdown open with, worded by `words` from its parts: the target,
    /// the scenario's name and key, the stamp and the base line.
    fn heading(&self, words: impl Fn(&str, &str, &str, &str, &str) -> String) -> String {
        words(
            &self.target_text(),
            &self.name,
            &self.scenario,
            &self.stamp(),
            &self.base_line(),
        )
    }

    /// The tornado rows whose swing moves anything, each with its base, low and high settings.
    fn moving_rows(&self) -> impl Iterator<Item = (&TornadoRow, [String; 3])> {
        self.tornado
            .iter()
            .filter(|r| r.moves())
            .map(|r| (r, settings(r)))
    }

    fn table(&self) -> String {
        let year = self.base.target.year;
        let mut out = self.heading(|target, name, scenario, stamp, base| {
            format!("Sensitivity of {target} — {name} ({scenario})\n{stamp}\n\n{base}\n")
        });
        if let Some(p) = &self.precision {
            let _ = writeln!(out, "{}", p.describe());
        }
        let _ = writeln!(
            out,
            "\nOne at a time, on common random numbers, largest swing first. Each row's key can be\n\
             pasted into --set; ± is the 95% Monte Carlo half-width of the paired difference."
        );
        for (row, [base, low, high]) in self.moving_rows() {
            let _ = writeln!(
                out,
                "\n{} = {base}: low {low}, high {high} ({})",
                row.key,
                row.source.describe()
            );
            let _ = writeln!(
                out,
                "  {:<14} low {:<40} high {}",
                "ΔP",
                points_with_error(&row.low.delta_probability),
                points_with_error(&row.high.delta_probability)
            );
            let _ = writeln!(
                out,
                "  {:<14} low {:<40} high {}",
                format!("Δ median {year}"),
                money_with_error(&row.low.delta_median),
                money_with_error(&row.high.delta_median)
            );
        }
        if self.tornado.is_empty() {
            out.push_str("\n(no uncertain inputs to swing)\n");
        }
        if let Some(line) = self.unmoved_line() {
            let _ = writeln!(out, "\n{line}");
        }
        let _ = writeln!(
            out,
            "\nShares of variance in {year}: alone (first-order) and with interactions (total), \
             by pick-freeze on common random numbers; ± is the 95% Monte Carlo half-width (jackknife)"
        );
        let _ = writeln!(
            out,
            "  {:<30} {:>18} {:>18} {:>18} {:>18}",
            "key",
            "ln revenue alone",
            "ln revenue total",
            format!("hit {} alone", money(self.base.target.revenue)),
            "hit total"
        );
        for v in &self.variance_shares {
            let _ = writeln!(
                out,
                "  {:<30} {:>18} {:>18} {:>18} {:>18}",
                cut(&v.key, 30),
                share_text(v.log_revenue.as_ref()),
                share_text(v.total_log_revenue.as_ref()),
                share_text(v.hit.as_ref()),
                share_text(v.total_hit.as_ref())
            );
        }
        out
    }

    fn csv(&self) -> String {
        let mut out = String::from(
            "kind,scenario,seed,paths,key,detail,base,low,high,p_low,dp_low,dp_low_se,p_high,dp_high,dp_high_se,median_low_gbp_m,dmedian_low_gbp_m,dmedian_low_se_gbp_m,median_high_gbp_m,dmedian_high_gbp_m,dmedian_high_se_gbp_m,share_log_revenue,share_log_revenue_se,share_hit,share_hit_se,total_log_revenue,total_log_revenue_se,total_hit,total_hit_se\n",
        );
        let head = format!("{},{},{}", field(&self.scenario), self.seed, self.paths);
        for r in &self.tornado {
            let (l, h) = (&r.low, &r.high);
            let _ = writeln!(
                out,
                "tornado,{head},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},,,,,,,,",
                field(&r.key),
                field(&r.source.describe()),
                r.base,
                l.value,
                h.value,
                l.probability,
                l.delta_probability.difference,
                l.delta_probability.std_error,
                h.probability,
                h.delta_probability.difference,
                h.delta_probability.std_error,
                l.median,
                l.delta_median.difference,
                l.delta_median.std_error,
                h.median,
                h.delta_median.difference,
                h.delta_median.std_error,
            );
        }
        let num = |s: Option<&Share>| {
            s.map_or((String::new(), String::new()), |s| {
                (s.share.to_string(), s.std_error.to_string())
            })
        };
        for v in &self.variance_shares {
            let (a, b) = num(v.log_revenue.as_ref());
            let (c, d) = num(v.hit.as_ref());
            let (e, f) = num(v.total_log_revenue.as_ref());
            let (g, h) = num(v.total_hit.as_ref());
            let _ = writeln!(
                out,
                "variance_share,{head},{},{},,,,,,,,,,,,,,,,{a},{b},{c},{d},{e},{f},{g},{h}",
                field(&v.key),
                field(&v.draw)
            );
        }
        out
    }

    fn markdown(&self) -> String {
        let year = self.base.target.year;
        let mut out = self.heading(|target, name, scenario, stamp, base| {
            format!("**Sensitivity of {target}** — {name} (`{scenario}`). {stamp}\n\n{base}\n\n")
        });
        out.push_str("| `--set` key | Base | Low | High | Swing | ΔP low | ΔP high | Δ median low | Δ median high |\n|---|--:|--:|--:|---|--:|--:|--:|--:|\n");
        for (r, [base, low, high]) in self.moving_rows() {
            let _ = writeln!(
                out,
                "| `{}` | {base} | {low} | {high} | {} | {} | {} | {} | {} |",
                r.key,
                r.source.describe(),
                points_with_error(&r.low.delta_probability),
                points_with_error(&r.high.delta_probability),
                money_with_error(&r.low.delta_median),
                money_with_error(&r.high.delta_median),
            );
        }
        if let Some(line) = self.unmoved_line() {
            let _ = writeln!(out, "\n_{line}_");
        }
        let _ = write!(
            out,
            "\n| Draw | Var(ln revenue {year}): alone | total | Var(hit): alone | total |\n|---|--:|--:|--:|--:|\n"
        );
        for v in &self.variance_shares {
            let _ = writeln!(
                out,
                "| `{}` {} | {} | {} | {} | {} |",
                v.key,
                v.draw,
                share_text(v.log_revenue.as_ref()),
                share_text(v.total_log_revenue.as_ref()),
                share_text(v.hit.as_ref()),
                share_text(v.total_hit.as_ref())
            );
        }
        out.push_str("\n_± is the 95% Monte Carlo half-width: of the paired difference for the tornado, of the jackknife for the shares._\n");
        out
    }
}

/// A row's base, low and high settings as they would be typed into `--set`: the base trimmed
/// (`0.37`), the swings as the scenario file writes them.
fn settings(row: &TornadoRow) -> [String; 3] {
    use crate::scenario::parameters::literal;
    [
        format!("{}", row.base),
        literal(row.low.value),
        literal(row.high.value),
    ]
}

/// `62.1% ± 0.8 pts` (the ± named in the heading as Monte Carlo error), or `–`.
fn share_text(s: Option<&Share>) -> String {
    let Some(s) = s else {
        return "–".into();
    };
    let hw = crate::stats::Z95 * s.std_error * 100.0;
    let d = if hw >= 1.0 { 1 } else { 2 };
    format!(
        "{}% ± {hw:.d$} pts",
        signed(s.share * 100.0, 1).trim_start_matches('+')
    )
}

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}
