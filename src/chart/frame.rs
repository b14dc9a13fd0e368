//! Pieces every chart shares: sizes scaled to the canvas, the title/subtitle/footer frame, axes
//! and legend styling, and axis label formats.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartOptions;
use super::font::FAMILY;
use super::theme::Palette;
use crate::format::money_short;
use crate::sim::Projection;
use crate::stats::{TargetProbability, target_probability};

/// Font sizes at the reference canvas (1600×900, scale 1), in plotters' size units.
pub mod size {
    pub const TITLE: f64 = 36.0;
    pub const SUBTITLE: f64 = 22.0;
    pub const AXIS_DESC: f64 = 22.0;
    pub const TICK: f64 = 20.0;
    pub const LEGEND: f64 = 19.0;
    pub const NOTE: f64 = 21.0;
    pub const FOOTER: f64 = 16.0;
}

/// Sizes and colours for one rendering. Everything is laid out for a 1600×900 canvas and
/// multiplied by `unit`, so a smaller canvas or a higher `--scale` keeps the same proportions.
pub struct Style {
    /// Texts from the brief options, drawn by [`draw_frame`] around every chart kind.
    pub brief: Brief,
    pub palette: Palette,
    pub unit: f64,
    /// Smallest font size in pixels, whatever the canvas.
    pub min_text: f64,
    /// The `--scale` pixel multiplier.
    pub scale: f64,
    /// Years shown (`--from`, `--to`); the data's own span where not given.
    pub years: (Option<i32>, Option<i32>),
    /// Revenue on a log axis (the default) or a linear one.
    pub log: bool,
    /// Compare bands forced on or off (`--bands`, `--no-bands`).
    pub bands: Option<bool>,
}

impl Style {
    pub fn new(options: &ChartOptions) -> Style {
        let fit = (f64::from(options.width) / 1600.0).min(f64::from(options.height) / 900.0);
        Style {
            brief: Brief::default(),
            palette: options.theme.palette(),
            unit: f64::from(options.scale) * fit.clamp(0.5, 3.0),
            min_text: super::MIN_TEXT_PX * f64::from(options.scale),
            scale: f64::from(options.scale),
            years: (options.from, options.to),
            log: options.y_scale == super::YScale::Log,
            bands: options.bands,
        }
    }

    /// A length in pixels.
    pub fn px(&self, base: f64) -> i32 {
        (base * self.unit).round() as i32
    }

    /// A length that holds text, so it grows with the theme's text size.
    pub fn text_px(&self, base: f64) -> i32 {
        (base * self.unit * self.palette.text_scale).round() as i32
    }

    /// A line width in pixels, never below 1.
    pub fn line(&self, base: f64) -> u32 {
        (base * self.unit * self.palette.line_scale)
            .round()
            .max(1.0) as u32
    }

    /// A hairline: 1 pixel at `--scale 1`, whatever the canvas, for marks that must not be
    /// read as data (leaders).
    pub fn hairline(&self) -> u32 {
        self.scale.round().max(1.0) as u32
    }

    /// Font size in pixels for a reference size: scaled with the canvas, never below the floor.
    pub fn text_size(&self, base: f64) -> f64 {
        (base * self.unit * self.palette.text_scale).max(self.min_text)
    }

    pub fn font(&self, base: f64, color: RGBColor) -> TextStyle<'static> {
        FontDesc::new(
            FontFamily::Name(FAMILY),
            self.text_size(base),
            FontStyle::Normal,
        )
        .color(&color)
    }

    pub fn bold(&self, base: f64, color: RGBColor) -> TextStyle<'static> {
        FontDesc::new(
            FontFamily::Name(FAMILY),
            self.text_size(base),
            FontStyle::Bold,
        )
        .color(&color)
    }
}

/// Texts a brief adds around the plot (`--headline`, `--subtitle`, `--caption`, `--source`).
#[derive(Debug, Clone, Default)]
pub struct Brief {
    pub headline: Option<String>,
    /// Replaces the chart's own subtitle; empty removes it.
    pub subtitle: Option<String>,
    pub caption: Option<String>,
    /// "Source: …".
    pub source: Option<String>,
}

/// The words around the plot.
pub struct Frame {
    /// Empty: no title line, and no room kept for one.
    pub title: String,
    pub subtitle: String,
    /// A bold line under the subtitle, outside the plot so it never covers the data (the
    /// chance of meeting the target on single-scenario charts).
    pub note: Option<String>,
    pub footer: String,
}

/// "1 simulated future", "4,000 simulated futures".
pub fn futures(n: usize) -> String {
    crate::format::count(n, "simulated future")
}

/// Fills the background, draws title, subtitle and footer, and returns the area left for the plot.
pub fn draw_frame<DB>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    frame: &Frame,
) -> Result<DrawingArea<DB, Shift>>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let p = &st.palette;
    root.fill(&p.background)?;
    let (width, height) = root.dim_in_pixel();
    let side = st.px(40.0);
    let avail = (width as i32 - 2 * side).max(1) as u32;
    let top = st.px(28.0);

    let mut y = top;
    let headline = st
        .brief
        .headline
        .as_deref()
        .filter(|h| !h.trim().is_empty());
    if let Some(h) = headline {
        let style = fit_text(root, h, avail, |s| st.bold(size::TITLE * s, p.text))?;
        y = draw_lines(root, h, &style, avail, side, y)? + st.px(10.0);
    }
    if !frame.title.trim().is_empty() {
        // Under a headline the title names the chart, a step smaller.
        let title_size = if headline.is_some() {
            size::SUBTITLE * 1.2
        } else {
            size::TITLE
        };
        let title = fit_text(root, &frame.title, avail, |s| {
            st.bold(title_size * s, p.text)
        })?;
        y = draw_lines(root, &frame.title, &title, avail, side, y)? + st.px(12.0);
    }
    let subtitle = st.brief.subtitle.as_deref().unwrap_or(&frame.subtitle);
    if !subtitle.trim().is_empty() {
        // Sentences wrap rather than shrink far: a subtitle at 60% read as fine print.
        let sub = fit_text_down_to(root, subtitle, avail, 0.85, |s| {
            st.font(size::SUBTITLE * s, p.muted)
        })?;
        y = draw_lines(root, subtitle, &sub, avail, side, y)?;
    }
    if let Some(note) = frame.note.as_deref().filter(|n| !n.is_empty()) {
        y += st.px(10.0);
        let style = fit_text(root, note, avail, |s| st.bold(size::NOTE * s, p.text))?;
        y = draw_lines(root, note, &style, avail, side, y)?;
    }
    // The footer's lines are drawn from the bottom up, each shrunk to fit on its own and, if
    // even the smallest text does not fit, wrapped.
    let bottom = st.px(18.0);
    let mut foot_h = 0i32;
    let mut footer: Vec<&str> = Vec::new();
    footer.extend(st.brief.caption.as_deref());
    footer.extend(st.brief.source.as_deref());
    footer.extend(frame.footer.lines());
    for line in footer.into_iter().rev() {
        let foot = fit_text(root, line, avail, |s| st.font(size::FOOTER * s, p.muted))?;
        for part in wrap(root, line, &foot, avail)?.iter().rev() {
            let (_, h) = root.estimate_text_size(part, &foot)?;
            root.draw_text(
                part,
                &foot.pos(Pos::new(HPos::Left, VPos::Bottom)),
                (side, height as i32 - bottom - foot_h),
            )?;
            foot_h += h as i32 + st.px(4.0);
        }
    }
    Ok(root.margin(
        y + st.px(20.0),
        foot_h + bottom + st.px(16.0),
        st.px(16.0),
        side,
    ))
}

/// `text` split at spaces into lines no wider than `avail` (a word wider than that gets a line
/// of its own).
fn wrap<DB>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    avail: u32,
) -> Result<Vec<String>>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && area.estimate_text_size(&candidate, style)?.0 > avail {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    lines.push(current);
    Ok(lines)
}

/// Draws `text` from (x, y) down, wrapped to `avail`; returns the y below the last line.
fn draw_lines<DB>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    avail: u32,
    x: i32,
    mut y: i32,
) -> Result<i32>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let lines = wrap(area, text, style, avail)?;
    for (i, line) in lines.iter().enumerate() {
        let (_, h) = area.estimate_text_size(line, style)?;
        area.draw_text(line, &style.pos(Pos::new(HPos::Left, VPos::Top)), (x, y))?;
        y += h as i32;
        if i + 1 < lines.len() {
            y += (f64::from(h) * 0.25) as i32;
        }
    }
    Ok(y)
}

/// The style from `make(1.0)`, shrunk (down to 60%) until `text` fits in `avail` pixels, so a
/// long title or scenario name is never clipped at the edge.
fn fit_text<DB, F>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    avail: u32,
    make: F,
) -> Result<TextStyle<'static>>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    F: Fn(f64) -> TextStyle<'static>,
{
    fit_text_down_to(area, text, avail, 0.6, make)
}

/// As [`fit_text`], shrinking no further than `floor` (what still does not fit is wrapped).
fn fit_text_down_to<DB, F>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    avail: u32,
    floor: f64,
    make: F,
) -> Result<TextStyle<'static>>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
    F: Fn(f64) -> TextStyle<'static>,
{
    let mut shrink = 1.0;
    loop {
        let style = make(shrink);
        let (w, _) = area.estimate_text_size(text, &style)?;
        if w <= avail || shrink <= floor + 1e-9 {
            return Ok(style);
        }
        shrink -= 0.05;
    }
}

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
    DB: DrawingBackend,
    DB::ErrorType: 'static,
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

/// The legend box in the theme, at `position`.
pub fn draw_legend<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    st: &Style,
    position: SeriesLabelPosition,
) -> Result<()>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    X: Ranged,
    Y: Ranged,
{
    let p = &st.palette;
    chart
        .configure_series_labels()
        .position(position)
        .margin(st.px(16.0))
        .legend_area_size(st.px(34.0))
        .label_font(st.font(size::LEGEND, p.text))
        .background_style(p.background.filled())
        .border_style(ShapeStyle::from(p.grid).stroke_width(st.line(1.0)))
        .draw()?;
    Ok(())
}

/// A legend swatch for a filled area.
pub fn swatch(st: &Style, color: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> + use<> {
    let (w, h) = (st.px(26.0), st.px(7.0));
    move |(x, y)| Rectangle::new([(x, y - h), (x + w, y + h)], color.filled())
}

/// A legend swatch for a line.
pub fn line_swatch(
    st: &Style,
    color: RGBAColor,
    width: u32,
) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> + use<> {
    let w = st.px(26.0);
    move |(x, y)| PathElement::new(vec![(x, y), (x + w, y)], color.stroke_width(width))
}

/// A legend swatch for a dashed line.
pub fn dashed_swatch(
    st: &Style,
    color: RGBColor,
    width: u32,
) -> impl Fn((i32, i32)) -> DashedPathElement<std::vec::IntoIter<(i32, i32)>, i32> + use<> {
    let (w, dash, gap) = (st.px(26.0), st.px(8.0), st.px(5.0));
    move |(x, y)| {
        DashedPathElement::new(
            vec![(x, y), (x + w, y)],
            dash,
            gap,
            color.stroke_width(width),
        )
    }
}

/// Which side of a vertical line at `px` (plot pixels, from the plot's left edge) a label of
/// `text` goes: the right unless it would run past the plot's right edge. Returns the anchor
/// and the x to draw at.
pub fn beside_line<DB>(
    plot: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    px: i32,
    gap: i32,
) -> Result<(HPos, i32)>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let (w, _) = plot.estimate_text_size(text, style)?;
    let (plot_w, _) = plot.dim_in_pixel();
    if px + gap + w as i32 <= plot_w as i32 {
        Ok((HPos::Left, px + gap))
    } else {
        Ok((HPos::Right, px - gap))
    }
}

/// Money tick labels: `£0`, `£750m`, `£1bn`, `£1.25bn`. To £10m, so neighbouring ticks 250m
/// apart never read the same (unlike [`money_short`]); the origin of a linear axis is `£0`.
pub fn money_axis_tick(v: &f64) -> String {
    if v.abs() < 0.5 {
        return "£0".to_string();
    }
    crate::format::money_tick(*v, 10.0)
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

/// "P(≥ £1bn in 2026) = 87.3% (Monte Carlo ±0.21 pts)", with as many decimals as the Monte
/// Carlo error allows.
pub fn probability_note(t: &TargetProbability) -> String {
    format!(
        "P(≥ {} in {}) = {}",
        money_short(t.revenue),
        t.year,
        t.with_margin()
    )
}

/// Footer: program, version, scenarios, seed, paths and, when known, the date.
pub fn stamp(runs: &[Projection], date: Option<&str>) -> String {
    let first = &runs[0];
    let ids: Vec<String> = runs
        .iter()
        .map(|r| {
            let p = &r.scenario.provenance;
            crate::stats::scenario_label(&r.scenario.scenario.id, p.file.as_deref(), &p.edits)
        })
        .collect();
    let label = if ids.len() == 1 {
        "scenario"
    } else {
        "scenarios"
    };
    let mut s = format!(
        "safetech {} · {label} {} · seed {} · {} paths",
        crate::VERSION,
        ids.join(", "),
        first.settings.seed,
        crate::format::thousands(first.settings.paths as f64, 0)
    );
    if let Some(d) = date {
        s.push_str(" · ");
        s.push_str(d);
    }
    s.push('\n');
    s.push_str(crate::format::INPUTS_DOMINATE);
    s
}

/// Revenue per percentile band, with the start year prepended (where every path is at the
/// start revenue), so bands grow out of the last published point.
pub struct FanSeries {
    pub years: Vec<i32>,
    /// `lines[k][i]`: percentile k (p5, p10, p25, p50, p75, p90, p95) in year i.
    pub lines: [Vec<f64>; 7],
}

impl FanSeries {
    pub fn of(p: &Projection) -> FanSeries {
        let start = p.scenario.market.start_year;
        let r0 = p.scenario.market.start_revenue;
        let mut years = vec![start];
        let mut lines: [Vec<f64>; 7] = Default::default();
        for line in lines.iter_mut() {
            line.push(r0);
        }
        for ys in &p.years {
            years.push(ys.year);
            for (k, line) in lines.iter_mut().enumerate() {
                line.push(ys.percentiles[k]);
            }
        }
        FanSeries { years, lines }
    }

    /// Points of the band between percentiles `lo` and `hi` (indices into `lines`), as a polygon.
    pub fn band(&self, lo: usize, hi: usize) -> Vec<(i32, f64)> {
        let upper = self
            .years
            .iter()
            .zip(&self.lines[hi])
            .map(|(&y, &v)| (y, v));
        let lower = self
            .years
            .iter()
            .zip(&self.lines[lo])
            .rev()
            .map(|(&y, &v)| (y, v));
        upper.chain(lower).collect()
    }

    /// Lowest 5th and highest 95th percentile.
    pub fn extent(&self) -> (f64, f64) {
        let lo = self.lines[0]
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        (lo, finite_max(self.lines[6].iter().copied()))
    }

    /// Only the years in `from..=to` (either end open), so nothing is drawn outside the axes.
    pub fn clipped(mut self, (from, to): (Option<i32>, Option<i32>)) -> FanSeries {
        let keep: Vec<bool> = self
            .years
            .iter()
            .map(|&y| from.is_none_or(|f| y >= f) && to.is_none_or(|t| y <= t))
            .collect();
        let filter = |v: &mut Vec<f64>| {
            let mut k = keep.iter();
            v.retain(|_| *k.next().unwrap_or(&false));
        };
        for line in self.lines.iter_mut() {
            filter(line);
        }
        let mut k = keep.iter();
        self.years.retain(|_| *k.next().unwrap_or(&false));
        self
    }

    pub fn line(&self, k: usize) -> Vec<(i32, f64)> {
        self.years
            .iter()
            .zip(&self.lines[k])
            .map(|(&y, &v)| (y, v))
            .collect()
    }
}

/// The one-line probability annotation of a run.
pub fn note_of(p: &Projection) -> String {
    probability_note(&target_probability(p))
}

/// Largest finite value among `values`, or 0.
pub fn finite_max(values: impl IntoIterator<Item = f64>) -> f64 {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn futures_agree_in_number() {
        assert_eq!(futures(1), "1 simulated future");
        assert_eq!(futures(4000), "4,000 simulated futures");
    }

    #[test]
    fn money_ticks_stay_distinct() {
        assert_eq!(money_axis_tick(&0.0), "£0");
        assert_eq!(money_axis_tick(&623.0), "£623m");
        assert_eq!(money_axis_tick(&1000.0), "£1bn");
        assert_eq!(money_axis_tick(&1200.0), "£1.2bn");
        assert_eq!(money_axis_tick(&1250.0), "£1.25bn");
        assert_eq!(money_axis_tick(&12_500.0), "£12.5bn");
        assert_eq!(money_axis_tick(&2_000_000.0), "£2,000bn");
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
