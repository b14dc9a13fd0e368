//! Paired differences in text: shared by the run reports and `sensitivity`.
//!
//! Wherever a person reads a difference, the figure after "±" is the 95 % Monte Carlo
//! half-width (1.96 standard errors), and it is named as Monte Carlo error.

use std::fmt::Write;

use crate::format::{self, decimals_for_half_width, money, signed, thousands};
use crate::stats::difference::{Estimate, ScenarioDifference};

/// `+0.54 pts (Monte Carlo ±0.014 pts)`.
pub fn points_with_error(e: &Estimate) -> String {
    format::points_with_error(e.difference, e.half_width())
}

/// `+0.53 to +0.55 pts`: the 95 % interval of a difference of probabilities.
pub fn interval_points(e: &Estimate) -> String {
    let d = decimals_for_half_width(e.half_width() * 100.0);
    format!(
        "{} to {} pts",
        signed(e.ci95[0] * 100.0, d),
        signed(e.ci95[1] * 100.0, d)
    )
}

/// `+£12.3m (Monte Carlo ±£0.41m)` for a difference in £m.
pub fn money_with_error(e: &Estimate) -> String {
    let hw = e.half_width();
    let d = decimals_for_half_width(hw).min(2);
    let sign = if e.difference < 0.0 { "−" } else { "+" };
    if !hw.is_finite() {
        return format!(
            "{sign}£{}m (too few paths for a Monte Carlo error)",
            thousands(e.difference.abs(), 1)
        );
    }
    format!(
        "{sign}£{}m (Monte Carlo ±£{}m)",
        thousands(e.difference.abs(), d),
        thousands(hw, d)
    )
}

/// `+£12m`: a signed amount in £m without its error.
pub fn signed_money(x: f64) -> String {
    let sign = if x < 0.0 { "−" } else { "+" };
    format!("{sign}{}", money(x.abs()))
}

/// The block the run table prints under a comparison.
pub fn table_block(differences: &[ScenarioDifference], target: f64) -> String {
    let mut out = String::new();
    let Some(first) = differences.first() else {
        return out;
    };
    let _ = writeln!(
        out,
        "\nPaired differences against {} (same seed, same paths; ± is the 95% Monte Carlo half-width)",
        first.base
    );
    let id_w = differences
        .iter()
        .map(|d| d.scenario.chars().count() + d.base.chars().count() + 3)
        .max()
        .unwrap_or(10);
    for d in differences {
        let pair = format!("{} − {}", d.scenario, d.base);
        let p = &d.probability;
        let _ = writeln!(
            out,
            "{pair:<id_w$}  ΔP(≥ {} in {}) = {}, 95% interval {}",
            money(target),
            d.target_year,
            points_with_error(p),
            interval_points(p),
        );
        let _ = writeln!(
            out,
            "{:<id_w$}  Δ median {} = {}",
            "",
            d.target_year,
            money_with_error(&d.median)
        );
        let r = &d.revenue_difference;
        let _ = writeln!(
            out,
            "{:<id_w$}  path by path, R_B − R_A in {} runs from {} (p5) to {} (p95) across futures",
            "",
            d.target_year,
            signed_money(r.p5),
            signed_money(r.p95),
        );
    }
    out
}

/// The paired differences as a Markdown table, for documents (empty for one scenario).
pub fn markdown_block(differences: &[ScenarioDifference], target: f64) -> String {
    let mut out = String::new();
    let Some(first) = differences.first() else {
        return out;
    };
    let year = first.target_year;
    let _ = write!(
        out,
        "\n**Paired differences against `{}`** (same seed, same paths; ± is the 95% Monte Carlo \
         margin)\n\n| Scenario − base | ΔP(≥ {} in {year}) | 95% interval | Δ median {year} | \
         R_B − R_A across futures (p5 to p95) |\n|---|--:|--:|--:|--:|\n",
        first.base,
        money(target),
    );
    for d in differences {
        let _ = writeln!(
            out,
            "| `{}` − `{}` | {} | {} | {} | {} to {} |",
            d.scenario,
            d.base,
            points_with_error(&d.probability),
            interval_points(&d.probability),
            money_with_error(&d.median),
            signed_money(d.revenue_difference.p5),
            signed_money(d.revenue_difference.p95),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::difference::discordant;

    #[test]
    fn points_are_labelled_as_monte_carlo_error() {
        // 540 more hits in B than A out of 100,000, with 600 discordant paths.
        let e = discordant(30, 570, 100_000);
        let s = points_with_error(&e);
        assert!(s.starts_with("+0.54"), "{s}");
        assert!(s.contains("(Monte Carlo ±0.0"), "{s}");
        assert!(s.ends_with(" pts)"), "{s}");
    }
}
