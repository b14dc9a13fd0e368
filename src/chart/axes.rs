//! Axes: the revenue axis (log or linear) with its ticks, year and money tick labels, and the
//! mesh drawn in the theme.

use anyhow::Result;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;

use super::Canvas;
use super::style::{Style, size};

/// Axis, grid and tick labels in the theme.
#[allow(clippy::too_many_arguments)]
pub fn draw_mesh<DB, X, Y, XT, YT>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    st: &Style,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&XT) -> String,
    y_fmt: &dyn Fn(&YT) -> String,
    x_labels: usize,
    y_labels: usize,
) -> Result<()>
where
    DB: Canvas,
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let p = &st.palette;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .x_labels(x_labels)
        .y_labels(y_labels)
        .disable_x_mesh()
        // Not `max_light_lines(0)`: plotters' integer tick search never ends (overflows) on 0.
        .light_line_style(TRANSPARENT)
        .bold_line_style(ShapeStyle::from(p.grid).stroke_width(st.line(1.0)))
        .axis_style(ShapeStyle::from(p.axis).stroke_width(st.line(1.0)))
        .set_all_tick_mark_size(st.px(6.0))
        .label_style(st.font(size::TICK, p.muted))
        .axis_desc_style(st.font(size::AXIS_DESC, p.text))
        .draw()?;
    Ok(())
}

/// Axis, grid and tick labels of a chart with years across: as many year labels as fit.
pub fn draw_year_mesh<DB, Y, YT>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<plotters::coord::types::RangedCoordi32, Y>>,
    st: &Style,
    y_desc: &str,
    y_fmt: &dyn Fn(&YT) -> String,
    y_labels: usize,
) -> Result<()>
where
    DB: Canvas,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let xr = chart.x_range();
    let x_labels = year_labels(
        st,
        f64::from(chart.plotting_area().dim_in_pixel().0),
        xr.start,
        xr.end,
    );
    draw_mesh(
        chart, st, "Year", y_desc, &year_tick, y_fmt, x_labels, y_labels,
    )
}

/// Money tick labels: `£0`, `£750m`, `£1bn`, `£1.25bn`. To £10m from £100m, so that
/// neighbouring ticks 250m apart never read the same (as `format::money_short`'s would); a
/// linear axis's origin is a bare `£0`. Over the whole range a scenario may reach, ticks stay
/// distinct and short: below £1m in pounds (`£2,500`), below £1 and above £1,000,000bn as a
/// power of ten of pounds (`£10⁻⁵⁴`, `£2×10⁶⁶`); every tick from a scenario falling toward
/// £1e-60m read "£0", and one rising toward £1e60m ran off the canvas.
pub fn money_axis_tick(v: &f64) -> String {
    let v = *v;
    if v == 0.0 || !v.is_finite() {
        return "£0".to_string();
    }
    let a = v.abs();
    let sign = if v < 0.0 { "−" } else { "" };
    // Up to £1,000,000bn, the largest target a scenario may set.
    if (100.0..=1e9).contains(&a) {
        return format!("{sign}{}", crate::format::money_tick(a, 10.0));
    }
    if (1.0..100.0).contains(&a) {
        return format!("{sign}{}", crate::format::money_tick(a, 0.01));
    }
    // In pounds from here.
    let pounds = a * 1e6;
    if (1.0..1e6).contains(&pounds) {
        let d = if pounds >= 100.0 { 0 } else { 2 };
        let text = crate::format::thousands(significant(pounds, 3), d);
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        return format!("{sign}£{text}");
    }
    format!("{sign}{}", money_power_tick(a))
}

/// A revenue in £m as a power of ten of pounds: `£10⁶` for £1m, `£2×10⁻⁵⁴`; `£0` for zero.
pub fn money_power_tick(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "£0".to_string();
    }
    let sign = if v < 0.0 { "−" } else { "" };
    let pounds = v.abs() * 1e6;
    let mut exp = pounds.log10().floor() as i32;
    let mut mantissa = significant(pounds / 10f64.powi(exp), 3);
    if mantissa >= 10.0 {
        mantissa /= 10.0;
        exp += 1;
    }
    let power = format!("10{}", superscript(exp));
    if (mantissa - 1.0).abs() < 1e-9 {
        format!("{sign}£{power}")
    } else {
        let m = format!("{mantissa:.2}");
        let m = m.trim_end_matches('0').trim_end_matches('.');
        format!("{sign}£{m}×{power}")
    }
}

/// `x` rounded to `digits` significant digits.
fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// An integer in superscript digits, with a superscript minus: `⁻⁵⁴`.
fn superscript(n: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = String::new();
    if n < 0 {
        out.push('⁻');
    }
    for c in n.unsigned_abs().to_string().chars() {
        out.push(DIGITS[c.to_digit(10).unwrap_or(0) as usize]);
    }
    out
}

/// How many year labels fit along a plot `plot_w` pixels wide: one per year where they fit,
/// else as many as leave a gap of at least a digit's width between four-digit years (at
/// 640×360 in the classroom theme the years ran together, 0.4 px apart).
pub fn year_labels(st: &Style, plot_w: f64, x0: i32, x1: i32) -> usize {
    // DejaVu's digits advance 0.636 em; plotters' size is 1.164 em.
    let digit = st.text_size(size::TICK) * 0.636 / super::SIZE_PER_EM;
    let per_label = 4.0 * digit + 2.0 * digit;
    let fit = (plot_w / per_label).floor().max(2.0) as usize;
    ((x1 - x0 + 1).max(2) as usize).min(fit)
}

pub fn year_tick(y: &i32) -> String {
    y.to_string()
}

/// A log axis range holding `lo..hi` with a little room at both ends; always positive, finite
/// and non-empty, whatever the data.
pub fn log_range(lo: f64, hi: f64) -> (f64, f64) {
    // f64::MIN_POSITIVE: a subnormal lower end would make 10^floor(log10) underflow to 0.
    let lo = if lo.is_finite() && lo >= f64::MIN_POSITIVE {
        lo
    } else {
        1.0
    };
    let hi = if hi.is_finite() && hi > lo {
        hi
    } else {
        lo * 2.0
    };
    let pad = (hi / lo).powf(0.04);
    let (a, b) = (lo / pad, hi * pad);
    if a >= f64::MIN_POSITIVE && b.is_finite() {
        (a, b)
    } else {
        (lo, hi)
    }
}

/// The revenue axis, log or linear (`--y-scale`), as one coordinate type so every year chart
/// shares its drawing code. Ticks are given, not searched for: 1–2–5 per decade on a log
/// axis, round steps from £0 on a linear one.
#[derive(Debug, Clone)]
pub struct RevenueAxis {
    pub log: bool,
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
}

impl RevenueAxis {
    /// An axis holding `lo..hi` (widened a little, and from 0 when linear).
    pub fn new(log: bool, lo: f64, hi: f64) -> RevenueAxis {
        if log {
            let (lo, hi) = log_range(lo, hi);
            RevenueAxis {
                log,
                lo,
                hi,
                ticks: log_ticks(lo, hi),
            }
        } else {
            let top = if hi.is_finite() && hi > 0.0 {
                hi * 1.05
            } else {
                1.0
            };
            let (lo, hi) = linear_range(0.0, top);
            RevenueAxis {
                log,
                lo,
                hi,
                ticks: linear_ticks(lo, hi),
            }
        }
    }

    fn position(&self, v: f64) -> f64 {
        if self.log {
            let v = v.max(f64::MIN_POSITIVE);
            (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
}

/// Round ticks (1, 2 or 5 × 10^k apart) from `lo` to `hi`, five to ten of them.
pub fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return Vec::new();
    }
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 8.0)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last.min(first + 50))
        .map(|k| k as f64 * step)
        .collect()
}

impl plotters::coord::ranged1d::Ranged for RevenueAxis {
    type FormatOption = plotters::coord::ranged1d::NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let t = self.position(*value);
        let len = f64::from(limit.1 - limit.0);
        if !t.is_finite() {
            return if t > 0.0 { limit.1 } else { limit.0 };
        }
        limit.0 + (len * t + 1e-3).floor() as i32
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for RevenueAxis {
    fn format(value: &f64) -> String {
        money_axis_tick(value)
    }
}

/// A finite, non-empty linear range holding `lo..hi` where they are finite, for plotters,
/// whose tick search never ends on an infinite or empty range.
pub fn linear_range(lo: f64, hi: f64) -> (f64, f64) {
    let lo = if lo.is_finite() { lo } else { 0.0 };
    let hi = if hi.is_finite() { hi } else { lo };
    // Below a few ulps of the magnitude, ticks cannot be told apart.
    let min_span = lo.abs().max(hi.abs()).max(1.0) * 1e-9;
    if hi - lo >= min_span {
        (lo, hi)
    } else {
        (lo, lo + min_span)
    }
}

/// Tick values for a log revenue axis: 1–2–5 per decade, finer when the range is narrow and
/// only the 1s when it is very wide (every few decades when it spans many). The decades are
/// counted as integers, so the loop is bounded whatever the range.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi >= lo) {
        return Vec::new();
    }
    let first = lo.log10().floor() as i32;
    let last = hi.log10().floor() as i32;
    let decades = last - first + 1;
    let ladder = |mults: &[f64], every: i32| -> Vec<f64> {
        let mut out = Vec::new();
        for e in (first..=last).filter(|e| (e - first) % every == 0) {
            let decade = 10f64.powi(e);
            for m in mults {
                let v = m * decade;
                if v >= lo && v <= hi {
                    out.push(v);
                }
            }
        }
        out
    };
    if decades > 10 {
        return ladder(&[1.0], (decades + 9) / 10);
    }
    let coarse = ladder(&[1.0, 2.0, 5.0], 1);
    if coarse.len() > 10 {
        return ladder(&[1.0], 1);
    }
    if coarse.len() >= 4 {
        return coarse;
    }
    let finer = ladder(&[1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0], 1);
    if finer.len() >= 3 {
        return finer;
    }
    ladder(
        &[1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_ticks_stay_distinct() {
        assert_eq!(money_axis_tick(&0.0), "£0");
        assert_eq!(money_axis_tick(&623.0), "£623m");
        assert_eq!(money_axis_tick(&1000.0), "£1bn");
        assert_eq!(money_axis_tick(&1200.0), "£1.2bn");
        assert_eq!(money_axis_tick(&1250.0), "£1.25bn");
        assert_eq!(money_axis_tick(&12_500.0), "£12.5bn");
        assert_eq!(money_axis_tick(&2_000_000.0), "£2,000bn");
        assert_eq!(money_axis_tick(&2.5), "£2.5m");
        assert_eq!(money_axis_tick(&0.0025), "£2,500");
        assert_eq!(money_axis_tick(&0.5), "£500,000");
        assert_eq!(money_axis_tick(&1e-60), "£10⁻⁵⁴");
        assert_eq!(money_axis_tick(&2e-60), "£2×10⁻⁵⁴");
        assert_eq!(money_axis_tick(&1e60), "£10⁶⁶");
        assert_eq!(money_power_tick(1.0), "£10⁶");
        assert_eq!(money_power_tick(5000.0), "£5×10⁹");
        // Every power of ten a scenario can reach reads differently.
        let ticks: Vec<String> = (-70..=70)
            .map(|e| money_axis_tick(&10f64.powi(e)))
            .collect();
        let distinct: std::collections::HashSet<&String> = ticks.iter().collect();
        assert_eq!(distinct.len(), ticks.len(), "{ticks:?}");
        assert!(ticks.iter().all(|t| t.chars().count() <= 13), "{ticks:?}");
        let ticks: Vec<String> = (0..12)
            .map(|i| money_axis_tick(&(f64::from(i) * 250.0)))
            .collect();
        let mut dedup = ticks.clone();
        dedup.dedup();
        assert_eq!(ticks, dedup);
    }

    #[test]
    fn linear_ticks_are_round() {
        assert_eq!(
            linear_ticks(0.0, 3150.0),
            vec![0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0, 3000.0]
        );
        assert!(linear_ticks(0.0, 0.0).is_empty());
        let a = RevenueAxis::new(false, 200.0, 4000.0);
        assert_eq!(a.lo, 0.0);
        assert!(a.ticks.len() >= 4 && a.ticks.len() <= 10, "{:?}", a.ticks);
    }

    #[test]
    fn log_axis_ticks() {
        assert_eq!(
            log_ticks(150.0, 45_000.0),
            vec![200.0, 500.0, 1000.0, 2000.0, 5000.0, 10_000.0, 20_000.0]
        );
        let narrow = log_ticks(600.0, 1_400.0);
        assert!(narrow.len() >= 3 && narrow.contains(&1000.0), "{narrow:?}");
        assert!(log_ticks(1.0, 1e9).len() <= 10);
        let (lo, hi) = log_range(f64::NAN, -3.0);
        assert!(lo > 0.0 && hi > lo);
        let (lo, hi) = log_range(200.0, 40_000.0);
        assert!(lo < 200.0 && hi > 40_000.0);
    }

    #[test]
    fn log_ticks_are_bounded_for_any_range() {
        // Found by fuzzing: a range of 300+ decades grew the tick list without end, and a
        // subnormal lower end made the first decade 0, which never grows.
        for (lo, hi) in [
            (1e-300, 1e300),
            (5e-324, 1e3),
            (1.0, f64::MAX),
            (f64::MIN_POSITIVE, f64::MAX),
        ] {
            let (a, b) = log_range(lo, hi);
            assert!(a > 0.0 && b.is_finite() && b > a, "{lo} {hi}: {a} {b}");
            let ticks = log_ticks(a, b);
            assert!(
                !ticks.is_empty() && ticks.len() <= 12,
                "{lo} {hi}: {ticks:?}"
            );
            assert!(ticks.iter().all(|t| *t >= a && *t <= b));
        }
        assert!(log_ticks(0.0, 1.0).is_empty());
        assert!(log_ticks(f64::NAN, 1.0).is_empty());
        assert!(log_ticks(1.0, f64::INFINITY).is_empty());
        let (a, b) = linear_range(0.0, f64::INFINITY);
        assert!(b > a && b.is_finite());
        let (a, b) = linear_range(1e300, 1e300);
        assert!(b > a && b.is_finite());
    }
}
