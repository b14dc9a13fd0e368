//! `safetech backtest` as text: the calibration, where each later actual fell among the
//! simulated futures, and the officials' forecasts scored.

use std::cmp::Ordering;
use std::fmt::Write;

use crate::backtest::Backtest;
use crate::format::{money, percent, thousands};
use crate::sim::RunSettings;

/// The backtest `b`, run with `settings`, on the history read from `origin`.
pub fn table(b: &Backtest, settings: RunSettings, origin: &str) -> String {
    let c = &b.calibration;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Backtest from {} ({} paths, seed {}): growth calibrated on {}–{}: {:.1}% a year (95% range {:.1}%–{:.1}%, Student-t with {} df), volatility {:.3}",
        b.from,
        thousands(settings.paths as f64, 0),
        settings.seed,
        c.first_year,
        c.last_year,
        c.initial * 100.0,
        c.growth_95[0] * 100.0,
        c.growth_95[1] * 100.0,
        c.df,
        c.volatility
    );
    let _ = writeln!(
        out,
        "Simulated forward from {} in {}.\n",
        money(b.start_revenue),
        b.from
    );
    if b.ranks.is_empty() {
        let _ = writeln!(out, "No later actual values in {origin} to compare with.");
    } else {
        let _ = writeln!(
            out,
            "{:>6} {:>10} {:>10} {:>20} {:>10}",
            "Year", "Actual", "Median", "90% range", "Rank"
        );
        for r in &b.ranks {
            let _ = writeln!(
                out,
                "{:>6} {:>10} {:>10} {:>20} {:>10}",
                r.year,
                money(r.actual),
                money(r.median),
                format!("{}–{}", money(r.p5), money(r.p95)),
                percent(r.rank, 0)
            );
        }
        out.push_str(
            "Rank: share of simulated futures below the actual value. Near 50% is well centred;\n",
        );
        out.push_str(
            "below 5% or above 95% means the actual was a surprise to the model (the fan may be too narrow).\n",
        );
    }
    for f in &b.forecasts {
        let data = match f.forecast.made_in.cmp(&b.from) {
            Ordering::Less => "less data than the model has",
            Ordering::Equal => "the same data as the model",
            Ordering::Greater => "more data than the model has",
        };
        let _ = writeln!(
            out,
            "\nOfficial forecast \"{}\" (made in {}, with {data})\n  {}\n  P(revenue ≥ {} in {}) under this model = {}",
            f.forecast.quote,
            f.forecast.made_in,
            f.forecast.source,
            money(f.forecast.revenue),
            f.forecast.by,
            f.target.with_margin()
        );
    }
    out
}
