//! Histogram of revenue in the target year across paths, with the share at or above the target
//! shaded.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{draw_mesh, linear_range, money_axis_tick};
use super::compare::draw_dashed;
use super::frame::{Frame, draw_frame, futures};
use super::legend::{LegendEntry, legend_above};
use super::{Canvas, Ctx};
use crate::format::{money_short, percent, probability_decimals};
use crate::quantile::exact_quantiles;
use crate::sim::Projection;
use crate::stats::target_probability;

/// Roughly this many bars across the range shown.
const BINS: f64 = 60.0;
/// The range shown: these quantiles of the target-year values, so a long right tail does not
/// squash the body into a few bars. Paths outside are counted in a note.
const SHOWN: [f64; 2] = [0.001, 0.995];

/// Bars: left edge, right edge, share of all paths.
pub struct Bins {
    pub width: f64,
    pub bars: Vec<(f64, f64, f64)>,
    /// Share of paths outside the bars.
    pub outside: f64,
}

/// Bins aligned so that one edge falls exactly on the target, so bars are wholly above or below it.
pub fn bins(values: &[f64], target: f64) -> Bins {
    let finite: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .collect();
    let n = values.len().max(1) as f64;
    if finite.is_empty() {
        return Bins {
            width: 1.0,
            bars: Vec::new(),
            outside: 1.0,
        };
    }
    let q = exact_quantiles(&[&finite], &SHOWN);
    let (mut lo, mut hi) = (q[0].min(target), q[1].max(target));
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        lo -= 1.0;
        hi += 1.0;
    }
    let width = nice_width((hi - lo) / BINS);
    let first = ((lo - target) / width).floor() as i64;
    let last = ((hi - target) / width).ceil() as i64;
    // Saturating, and capped: a width that underflowed must not ask for billions of bars.
    let count = last.saturating_sub(first).clamp(1, 4 * BINS as i64) as usize;
    let mut counts = vec![0usize; count];
    let mut outside = 0usize;
    for &v in &finite {
        let k = ((v - target) / width).floor() as i64 - first;
        if k >= 0 && (k as usize) < count {
            counts[k as usize] += 1;
        } else {
            outside += 1;
        }
    }
    outside += values.len() - finite.len();
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let left = target + (first + i as i64) as f64 * width;
            (left, left + width, c as f64 / n)
        })
        .collect();
    Bins {
        width,
        bars,
        outside: outside as f64 / n,
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_width(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|w| *w >= raw)
        .unwrap_or(10.0 * mag)
}

pub fn draw<DB: Canvas>(root: &DrawingArea<DB, Shift>, ctx: &Ctx, p: &Projection) -> Result<()> {
    let st = ctx.st;
    let pal = &st.palette;
    let t = target_probability(p);
    let b = bins(&p.target_values, t.revenue);
    let mut subtitle = format!(
        "Revenue in {} across {}; bars at or above the {} target are shaded.",
        t.year,
        futures(p.paths()),
        money_short(t.revenue)
    );
    if b.outside > 0.0 {
        subtitle.push_str(&format!(
            " {} of paths lie beyond the range shown.",
            percent(b.outside, 1)
        ));
    }
    let frame = Frame {
        title: ctx.title_or(format!(
            "Revenue in {}: {}",
            t.year, p.scenario.scenario.name
        )),
        subtitle,
        note: None,
        footer: ctx.footer(std::slice::from_ref(p), true),
    };
    let area = draw_frame(root, st, &frame)?;
    let above = pal.series[0];
    let decimals = probability_decimals(t.std_error);
    // The legend in a row above the plot: in a box on the plot it covered the peak bars.
    let y_area = st.text_px(100.0);
    let area = legend_above(
        &area,
        st,
        &[
            LegendEntry::Fill(
                pal.below,
                format!(
                    "Below {}: {}",
                    money_short(t.revenue),
                    percent(1.0 - t.probability, decimals)
                ),
            ),
            LegendEntry::Fill(above, format!("At or above: {}", t.with_margin())),
            LegendEntry::Dashed(pal.reference, format!("Target: {}", money_short(t.revenue))),
        ],
        y_area,
    )?;
    let (x0, x1) = linear_range(
        b.bars.first().map_or(0.0, |b| b.0),
        b.bars.last().map_or(1.0, |b| b.1),
    );
    let peak = b.bars.iter().map(|b| b.2).fold(0.0, f64::max);
    let top = (peak * 100.0 * 1.25).max(0.1);
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(st.text_px(64.0))
        .y_label_area_size(y_area)
        .margin_top(st.px(8.0))
        .margin_right(st.px(8.0))
        .build_cartesian_2d(x0..x1, 0.0..top)?;
    let y_fmt = |v: &f64| format!("{}%", trim(*v));
    draw_mesh(
        &mut chart,
        st,
        &format!("Revenue in {} (£, nominal)", t.year),
        &format!("Share of paths per {} bar", money_axis_tick(&b.width)),
        &money_axis_tick,
        &y_fmt,
        8,
        6,
    )?;

    let bar = |&(l, r, s): &(f64, f64, f64), color: RGBColor| {
        Rectangle::new([(l, 0.0), (r, s * 100.0)], color.filled())
    };
    chart.draw_series(
        b.bars
            .iter()
            .filter(|x| x.0 < t.revenue)
            .map(|x| bar(x, pal.below)),
    )?;
    chart.draw_series(
        b.bars
            .iter()
            .filter(|x| x.0 >= t.revenue)
            .map(|x| bar(x, above)),
    )?;
    // The target: a neutral reference line, dashed.
    let reference = pal.reference.stroke_width(st.line(2.5));
    draw_dashed(
        &mut chart,
        st,
        reference,
        [(t.revenue, 0.0), (t.revenue, top)],
        (12.0, 8.0),
    )?;
    Ok(())
}

/// `2.50` → `2.5`, `3.00` → `3`.
fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_split_at_target_and_sum_to_one() {
        let values: Vec<f64> = (0..10_000).map(|i| 500.0 + f64::from(i) * 0.1).collect();
        let b = bins(&values, 1000.0);
        assert!(
            b.bars.iter().any(|x| (x.0 - 1000.0).abs() < 1e-9),
            "an edge at the target"
        );
        let total: f64 = b.bars.iter().map(|x| x.2).sum::<f64>() + b.outside;
        assert!((total - 1.0).abs() < 1e-9);
        let above: f64 = b.bars.iter().filter(|x| x.0 >= 1000.0).map(|x| x.2).sum();
        assert!((above - 0.5).abs() < 0.01, "{above}");
    }

    #[test]
    fn bins_survive_degenerate_input() {
        assert!(bins(&[], 1000.0).bars.is_empty());
        let same = bins(&[700.0; 100], 1000.0);
        assert!(!same.bars.is_empty());
        let weird = bins(&[f64::NAN, f64::INFINITY, 5.0], 1000.0);
        assert!(weird.outside > 0.6);
    }

    #[test]
    fn nice_widths() {
        assert_eq!(nice_width(13.0), 20.0);
        assert_eq!(nice_width(50.0), 50.0);
        assert_eq!(nice_width(0.0), 1.0);
    }
}
