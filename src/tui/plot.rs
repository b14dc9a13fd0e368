//! Plotting at half-cell resolution: a pixel canvas where each terminal cell holds two pixels
//! (upper and lower half block with foreground and background colours), value scales and axes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::theme::Theme;
use crate::format::money_short;

/// What a pixel shows. Colours come from the theme at render time; without colour the inks map
/// to glyphs instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    /// Fan band from the outside in: 0 = 5–95, 1 = 10–90, 2 = 25–75.
    Band(u8),
    Median,
    History,
    Target,
    Guide,
    /// Scenario `i` on the Compare tab; `Dim` for its band edges.
    Series(u8),
    SeriesDim(u8),
}

impl Ink {
    fn color(self, t: &Theme) -> Color {
        match self {
            Ink::Band(k) => t.bands[usize::from(k.min(2))],
            Ink::Median => t.median,
            Ink::History => t.history,
            Ink::Target => t.target,
            Ink::Guide => t.dim,
            Ink::Series(i) | Ink::SeriesDim(i) => t.series[usize::from(i) % t.series.len()],
        }
    }

    /// How a key (legend) shows this ink: a swatch in its colour, or, without colour, the
    /// glyph the chart draws it with.
    pub fn key(self, t: &Theme) -> (String, Style) {
        let style = Style::new().fg(self.color(t)).bg(t.bg);
        if !t.color {
            return (self.glyph().0.to_string(), t.base());
        }
        let symbol = match self {
            Ink::Band(_) => "█",
            Ink::Guide => "┈",
            Ink::Target => "╌",
            Ink::SeriesDim(_) => "┄",
            Ink::Median | Ink::History | Ink::Series(_) => "━",
        };
        (symbol.to_string(), style)
    }

    /// Glyph for a cell in monochrome mode, and its priority (lines over bands).
    fn glyph(self) -> (char, u8) {
        match self {
            Ink::Band(0) => ('░', 1),
            Ink::Band(1) => ('▒', 2),
            Ink::Band(_) => ('▓', 3),
            Ink::Guide => (':', 4),
            Ink::Target => ('-', 5),
            Ink::SeriesDim(_) => ('.', 5),
            Ink::History => ('o', 6),
            Ink::Series(i) => (['*', '+', 'x', '#', '@'][usize::from(i) % 5], 7),
            Ink::Median => ('*', 7),
        }
    }
}

/// A grid of `width` × `2·height` pixels.
pub struct Canvas {
    width: u16,
    height: u16,
    px: Vec<Option<Ink>>,
}

impl Canvas {
    pub fn new(width: u16, height: u16) -> Canvas {
        Canvas {
            width,
            height,
            px: vec![None; usize::from(width) * usize::from(height) * 2],
        }
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    /// Height in pixels.
    pub fn rows(&self) -> i32 {
        i32::from(self.height) * 2
    }

    pub fn set(&mut self, x: i32, y: i32, ink: Ink) {
        if x < 0 || y < 0 || x >= i32::from(self.width) || y >= self.rows() {
            return;
        }
        let i = y as usize * usize::from(self.width) + x as usize;
        self.px[i] = Some(ink);
    }

    pub fn get(&self, x: i32, y: i32) -> Option<Ink> {
        if x < 0 || y < 0 || x >= i32::from(self.width) || y >= self.rows() {
            return None;
        }
        self.px[y as usize * usize::from(self.width) + x as usize]
    }

    /// Pixel row of a unit height (0 = bottom, 1 = top); may fall outside the canvas.
    pub fn row_of(&self, unit: f64) -> i32 {
        let r = ((1.0 - unit) * f64::from(self.rows())).floor();
        r.clamp(-1.0, f64::from(self.rows())) as i32
    }

    /// Unit height of a pixel row's centre.
    pub fn unit_of(&self, row: i32) -> f64 {
        1.0 - (f64::from(row) + 0.5) / f64::from(self.rows())
    }

    /// A polyline given one unit height per column (None = no point). Consecutive points are
    /// joined by a vertical run so steep stretches leave no gaps.
    pub fn polyline(&mut self, values: &[Option<f64>], ink: Ink, dotted: bool) {
        let mut prev: Option<i32> = None;
        for (x, v) in values.iter().enumerate() {
            let x = x as i32;
            let Some(u) = v else {
                prev = None;
                continue;
            };
            let y = self.row_of(*u).clamp(0, self.rows() - 1);
            if dotted && x % 2 == 1 {
                prev = Some(y);
                continue;
            }
            let (a, b) = match prev {
                // Meet the previous point half way, so each column carries its own half of the join.
                Some(p) if (p - y).abs() > 1 => {
                    let mid = (p + y) / 2;
                    (mid.min(y), mid.max(y))
                }
                _ => (y, y),
            };
            for yy in a..=b {
                self.set(x, yy, ink);
            }
            prev = Some(y);
        }
    }

    /// Draw into `area` (which should be `width` × `height` cells).
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let area = area.intersection(buf.area);
        for cy in 0..self.height.min(area.height) {
            for cx in 0..self.width.min(area.width) {
                let top = self.get(i32::from(cx), i32::from(cy) * 2);
                let bottom = self.get(i32::from(cx), i32::from(cy) * 2 + 1);
                let Some(cell) = buf.cell_mut((area.x + cx, area.y + cy)) else {
                    continue;
                };
                if !theme.color {
                    let best = [top, bottom]
                        .into_iter()
                        .flatten()
                        .max_by_key(|i| i.glyph().1);
                    if let Some(ink) = best {
                        cell.set_char(ink.glyph().0);
                    }
                    continue;
                }
                match (top, bottom) {
                    (None, None) => {}
                    (Some(t), None) => {
                        cell.set_char('▀')
                            .set_style(Style::new().fg(t.color(theme)).bg(theme.bg));
                    }
                    (None, Some(b)) => {
                        cell.set_char('▄')
                            .set_style(Style::new().fg(b.color(theme)).bg(theme.bg));
                    }
                    (Some(t), Some(b)) => {
                        let (tc, bc) = (t.color(theme), b.color(theme));
                        let ch = if tc == bc { '█' } else { '▀' };
                        cell.set_char(ch).set_style(Style::new().fg(tc).bg(bc));
                    }
                }
            }
        }
    }
}

/// Draws the target marker (◆, or `X` without colour) in the cell of `plot` holding pixel
/// (`x`, `row`) of `canvas`, after the canvas is rendered. The glyph covers the cell, so the
/// cell takes the colour of what the chart has there under its lines (the band, or the
/// background), and the marker a colour that stands at least 3:1 from it
/// ([`Theme::marker_on`]).
pub fn target_marker(canvas: &Canvas, plot: Rect, x: i32, row: i32, buf: &mut Buffer, t: &Theme) {
    if x < 0 || row < 0 || x >= i32::from(canvas.width) || row >= canvas.rows() {
        return;
    }
    let Some(cell) = buf.cell_mut((plot.x + x as u16, plot.y + (row / 2) as u16)) else {
        return;
    };
    if !t.color {
        cell.set_char('X');
        return;
    }
    // What the marker stands on is the band there (or the background), not the lines drawn
    // across it: the nearest pixel of the column that is no line, nearest first.
    let under = (1..canvas.rows())
        .flat_map(|d| [row - d, row + d])
        .filter(|&r| (0..canvas.rows()).contains(&r))
        .map(|r| canvas.get(x, r))
        .find(|ink| matches!(ink, None | Some(Ink::Band(_))))
        .flatten()
        .map_or(t.bg, |ink| ink.color(t));
    cell.set_char('◆');
    cell.bg = under;
    cell.fg = t.marker_on(under);
}

/// A value axis, linear or logarithmic, mapping values to unit heights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

impl Scale {
    /// A scale covering [lo, hi] with a little headroom; falls back to something drawable when
    /// the data are degenerate (all equal, non-finite, non-positive on a log axis).
    pub fn fit(lo: f64, hi: f64, log: bool) -> Scale {
        let (mut lo, mut hi) = (lo, hi);
        if !lo.is_finite() || !hi.is_finite() || hi < lo {
            lo = 1.0;
            hi = 10.0;
        }
        if log {
            lo = lo.max(1e-3);
            hi = hi.max(lo * 1.5);
            Scale {
                lo: lo / 1.12,
                hi: hi * 1.12,
                log,
            }
        } else {
            if hi - lo < 1e-9 {
                hi = lo + 1.0;
            }
            Scale {
                lo: 0.0f64.min(lo),
                hi: hi + (hi - lo) * 0.05,
                log,
            }
        }
    }

    fn t(&self, v: f64) -> f64 {
        if self.log { v.max(1e-9).ln() } else { v }
    }

    pub fn unit(&self, v: f64) -> f64 {
        let (a, b) = (self.t(self.lo), self.t(self.hi));
        if b - a <= 0.0 {
            0.5
        } else {
            (self.t(v) - a) / (b - a)
        }
    }

    /// Round values for labels, at most `max` of them.
    pub fn ticks(&self, max: usize) -> Vec<f64> {
        if max == 0 {
            return Vec::new();
        }
        let candidates: Vec<f64> = if self.log {
            let mut out = Vec::new();
            let mut decade = 10f64.powf(self.lo.max(1e-3).log10().floor());
            while decade <= self.hi && out.len() < 200 {
                for m in [1.0, 2.0, 5.0] {
                    let v = decade * m;
                    if v >= self.lo && v <= self.hi {
                        out.push(v);
                    }
                }
                decade *= 10.0;
            }
            out
        } else {
            let span = self.hi - self.lo;
            let raw = span / max as f64;
            let mag = 10f64.powf(raw.log10().floor());
            let step = [1.0, 2.0, 2.5, 5.0, 10.0]
                .iter()
                .map(|m| m * mag)
                .find(|s| span / s <= max as f64)
                .unwrap_or(10.0 * mag);
            let mut v = (self.lo / step).ceil() * step;
            let mut out = Vec::new();
            while v <= self.hi && out.len() < 200 {
                out.push(v);
                v += step;
            }
            out
        };
        // Thin evenly to fit.
        if candidates.len() <= max {
            return candidates;
        }
        let stride = candidates.len().div_ceil(max);
        candidates.into_iter().step_by(stride).collect()
    }
}

/// A year axis from `first` to `last`, mapping columns to fractional years.
#[derive(Debug, Clone, Copy)]
pub struct Years {
    pub first: i32,
    pub last: i32,
    pub width: u16,
}

impl Years {
    /// The year at the centre of column `x`.
    pub fn at(&self, x: u16) -> f64 {
        let span = f64::from((self.last - self.first).max(1));
        f64::from(self.first) + (f64::from(x) + 0.5) / f64::from(self.width.max(1)) * span
    }

    /// The column holding year `y`.
    pub fn column(&self, y: f64) -> u16 {
        let span = f64::from((self.last - self.first).max(1));
        let c = ((y - f64::from(self.first)) / span * f64::from(self.width)).floor();
        c.clamp(0.0, f64::from(self.width.saturating_sub(1))) as u16
    }
}

/// Linear interpolation of (x, y) points at `x`; None outside their range.
pub fn interpolate(points: &[(f64, f64)], x: f64) -> Option<f64> {
    let first = points.first()?;
    let last = points.last()?;
    if x < first.0 - 1e-9 || x > last.0 + 1e-9 {
        return None;
    }
    let i = points.partition_point(|p| p.0 < x);
    if i == 0 {
        return Some(first.1);
    }
    if i >= points.len() {
        return Some(last.1);
    }
    let (a, b) = (points[i - 1], points[i]);
    let w = if b.0 > a.0 {
        (x - a.0) / (b.0 - a.0)
    } else {
        0.0
    };
    Some(a.1 + (b.1 - a.1) * w)
}

/// Plot frame: value labels on the left, years along the bottom. Returns the plot rectangle,
/// or None if there is no room for one.
pub fn frame(
    area: Rect,
    buf: &mut Buffer,
    scale: &Scale,
    years: (i32, i32),
    theme: &Theme,
    marks: &[(f64, Style)],
) -> Option<Rect> {
    if area.width < 12 || area.height < 4 {
        return None;
    }
    let plot_h = area.height - 1;
    let ticks = scale.ticks(usize::from(plot_h / 2).max(2));
    let mut labels: Vec<(f64, String, Style)> = ticks
        .iter()
        .zip(tick_labels(&ticks, scale.log))
        .map(|(v, text)| (*v, text, theme.dim()))
        .collect();
    for (v, style) in marks {
        labels.push((*v, money_short(*v), *style));
    }
    let label_w = labels
        .iter()
        .map(|(_, s, _)| s.chars().count())
        .max()
        .unwrap_or(4) as u16
        + 1;
    if area.width <= label_w + 8 {
        return None;
    }
    let plot = Rect::new(area.x + label_w, area.y, area.width - label_w, plot_h);

    // Value labels: marks win over ticks on the same row.
    let mut used = vec![false; usize::from(plot_h)];
    for (v, text, style) in labels.iter().rev() {
        let u = scale.unit(*v);
        if !(0.0..=1.0).contains(&u) {
            continue;
        }
        let row = (((1.0 - u) * f64::from(plot_h)).floor() as u16).min(plot_h - 1);
        if used[usize::from(row)] {
            continue;
        }
        used[usize::from(row)] = true;
        let x = area.x + label_w - 1 - text.chars().count() as u16;
        buf.set_string(x, area.y + row, text, *style);
        buf.set_string(area.x + label_w - 1, area.y + row, "┤", theme.border());
    }

    for (x, text) in year_labels(years, plot.x, plot.width) {
        buf.set_string(x, plot.bottom(), text, theme.dim());
    }
    Some(plot)
}

/// Year labels for a plot `width` columns wide starting at column `x0`: every 1, 2, 5, 10…
/// years as room allows, each centred on its column, and always the last year (right-aligned
/// at the edge, replacing a label it would touch), so the axis shows where the data end.
pub fn year_labels(years: (i32, i32), x0: u16, width: u16) -> Vec<(u16, String)> {
    let span = years.1.saturating_sub(years.0).max(1);
    let axis = Years {
        first: years.0,
        last: years.1,
        width,
    };
    let right = x0.saturating_add(width);
    let step = [1, 2, 5, 10, 20, 50]
        .into_iter()
        .find(|s| (span / s + 1) * 6 <= i32::from(width))
        .unwrap_or(100);
    let mut out: Vec<(u16, String)> = Vec::new();
    let mut next_free = x0;
    let first_label = years.0.saturating_add(step - 1).div_euclid(step) * step;
    // A range and a cap rather than `year += step`, which overflowed near i32::MAX and never
    // ended (found by fuzzing: a history year of -2147483648).
    for year in (first_label..=years.1).step_by(step as usize).take(1000) {
        let col =
            x0 + axis.column(f64::from(year) + 0.5 * f64::from(span) / f64::from(width.max(1)));
        let text = year.to_string();
        let w = text.len() as u16;
        let x = col.saturating_sub(w / 2).max(x0);
        if x >= next_free && x + w <= right {
            out.push((x, text));
            next_free = x + w + 1;
        }
    }
    let last = years.1.to_string();
    let w = last.len() as u16;
    if out.last().is_none_or(|(_, t)| *t != last) && w <= width {
        let x = right - w;
        // The last year wins over a neighbour it would touch.
        while out
            .last()
            .is_some_and(|(px, t)| px + t.len() as u16 + 1 > x)
        {
            out.pop();
        }
        out.push((x, last));
    }
    out
}

/// Labels for value ticks, as exact as the ticks are: `£3.25bn` between `£3bn` and `£3.5bn`
/// (where rounding to one decimal gave the uneven `£3.2bn`), `£0.5m` rather than a second
/// `£0m`. A linear axis uses one precision, set by its step; a log axis one per tick.
pub fn tick_labels(ticks: &[f64], log: bool) -> Vec<String> {
    let step = match ticks {
        [a, b, ..] if !log => (b - a).abs(),
        _ => 0.0,
    };
    ticks
        .iter()
        .map(|&v| {
            // A log axis's ticks are 1, 2 or 5 times a power of ten: one significant figure.
            let resolution = if log || step == 0.0 { v.abs() } else { step };
            crate::format::money_tick(v, resolution)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_ticks() {
        let s = Scale::fit(200.0, 20_000.0, true);
        assert!(s.unit(200.0) > 0.0 && s.unit(20_000.0) < 1.0);
        let t = s.ticks(10);
        assert!(t.contains(&1000.0), "{t:?}");
        let lin = Scale::fit(0.0, 1000.0, false);
        assert_eq!(lin.ticks(5), vec![0.0, 250.0, 500.0, 750.0, 1000.0]);
        // Degenerate input still gives a usable scale.
        let d = Scale::fit(f64::NAN, f64::INFINITY, true);
        assert!(d.hi > d.lo);
    }

    #[test]
    fn interpolation() {
        let pts = [(2024.0, 600.0), (2025.0, 800.0)];
        assert_eq!(interpolate(&pts, 2024.5), Some(700.0));
        assert_eq!(interpolate(&pts, 2023.0), None);
        assert_eq!(interpolate(&[], 1.0), None);
    }

    #[test]
    fn half_cells_use_two_colours() {
        let theme = Theme::new(super::super::theme::ThemeName::Dark, true);
        let mut c = Canvas::new(1, 1);
        c.set(0, 0, Ink::Median);
        c.set(0, 1, Ink::Band(2));
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        c.render(buf.area, &mut buf, &theme);
        let cell = &buf[(0, 0)];
        assert_eq!(cell.symbol(), "▀");
        assert_eq!(cell.fg, theme.median);
        assert_eq!(cell.bg, theme.bands[2]);
    }

    #[test]
    fn tick_labels_are_exact_and_distinct() {
        // The teach chart's axis: 0 to £3.5bn in steps of £250m.
        let ticks: Vec<f64> = (0..=14).map(|k| f64::from(k) * 250.0).collect();
        let labels = tick_labels(&ticks, false);
        assert_eq!(
            labels[10..],
            ["£2.5bn", "£2.75bn", "£3bn", "£3.25bn", "£3.5bn"],
            "{labels:?}"
        );
        assert_eq!(labels[..5], ["£0m", "£250m", "£500m", "£750m", "£1bn"]);
        // Every scale's labels name their ticks exactly: parsing a label gives the tick back.
        let parse = |s: &str| -> f64 {
            let body = s.trim_start_matches('£').replace(',', "");
            match body.strip_suffix("bn") {
                Some(b) => b.parse::<f64>().unwrap() * 1000.0,
                None => body.trim_end_matches('m').parse::<f64>().unwrap(),
            }
        };
        for (lo, hi, log) in [
            (0.0, 3500.0, false),
            (0.0, 1.0, false),
            (990.0, 1010.0, false),
            (0.0, 12_345.0, false),
            (0.2, 40_000.0, true),
            (600.0, 1900.0, true),
        ] {
            let scale = Scale::fit(lo, hi, log);
            for max in [3, 5, 8, 12, 20] {
                let ticks = scale.ticks(max);
                let labels = tick_labels(&ticks, log);
                for (t, l) in ticks.iter().zip(&labels) {
                    assert!(
                        (parse(l) - t).abs() <= 1e-6 * t.abs().max(1.0),
                        "{l} for {t} ({lo}–{hi}, log {log}, max {max}): {labels:?}"
                    );
                }
                let mut unique = labels.clone();
                unique.dedup();
                assert_eq!(unique.len(), labels.len(), "{labels:?}");
            }
        }
    }

    #[test]
    fn the_year_axis_always_shows_the_last_year() {
        for (first, last) in [(2020, 2035), (2020, 2028), (2020, 2026), (1990, 2100)] {
            for width in 14..=200u16 {
                let labels = year_labels((first, last), 3, width);
                let (x, text) = labels.last().unwrap();
                assert_eq!(
                    *text,
                    last.to_string(),
                    "{first}–{last} at {width}: {labels:?}"
                );
                assert_eq!(x + 4, 3 + width, "right-aligned at {width}");
                // Labels never touch or leave the plot.
                for pair in labels.windows(2) {
                    assert!(
                        pair[0].0 + (pair[0].1.len() as u16) < pair[1].0,
                        "{labels:?}"
                    );
                }
                assert!(labels[0].0 >= 3);
            }
        }
        // At 120 columns (a plot 77 wide) the maturing horizon shows: …2032, 2035.
        let labels = year_labels((2020, 2035), 0, 77);
        let texts: Vec<&str> = labels.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts.last(), Some(&"2035"), "{texts:?}");
        assert!(
            texts.contains(&"2020") && texts.contains(&"2024"),
            "{texts:?}"
        );
    }
}
