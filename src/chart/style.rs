//! Sizes and fonts of one rendering, scaled to the canvas, and the brief's texts.

use plotters::prelude::*;

use super::ChartOptions;
use super::font::FAMILY;
use super::theme::Palette;

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
    /// Texts from the brief options, drawn by `frame::draw_frame` around every chart kind.
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
    /// Lengths are whole multiples of this many device units: 1 for the PNG; for the SVG,
    /// drawn at [`super::SVG_GRID`] times the size so data keeps a decimal, the grid of one
    /// PNG pixel, so every length (margins, line widths) is what it is in the PNG.
    pub grid: f64,
    /// What the canvas is filled with before anything is drawn: the theme's background, or
    /// nothing (`--transparent` in SVG and PDF; the PNG draws on black and on white and takes
    /// its alpha from the difference).
    pub canvas: Option<RGBColor>,
    /// Policy dates marked above the plot of the year charts (fan and compare, unless
    /// `--no-events`).
    pub events: Vec<super::events::Mark>,
    /// Text enlarged by this factor so tick labels reach the size asked for in points
    /// (`--size`, `--for print`); 1 otherwise.
    pub boost: f64,
}

impl Style {
    pub fn new(options: &ChartOptions) -> Style {
        let fit = (f64::from(options.width) / 1600.0).min(f64::from(options.height) / 900.0);
        let unit = f64::from(options.scale) * fit.clamp(0.5, 3.0);
        let palette = options.theme.palette();
        let mut min_text = super::MIN_TEXT_PX * f64::from(options.scale);
        let mut boost = 1.0;
        if let Some((tick_pt, footer_pt)) = options.min_points {
            // Pixels per point at the resolution asked for; ems to plotters' size units.
            let px_per_pt = f64::from(options.dpi) / 72.0 * f64::from(options.scale);
            let tick = size::TICK * unit * palette.text_scale;
            boost = (tick_pt * px_per_pt * super::SIZE_PER_EM / tick).max(1.0);
            min_text = min_text.max(footer_pt * px_per_pt * super::SIZE_PER_EM);
        }
        Style {
            brief: Brief::default(),
            palette,
            unit,
            min_text,
            scale: f64::from(options.scale),
            years: (options.from, options.to),
            log: options.y_scale == super::YScale::Log,
            bands: options.bands,
            grid: 1.0,
            canvas: Some(options.theme.palette().background),
            events: Vec::new(),
            boost,
        }
    }

    /// `v` device units rounded to the grid.
    fn on_grid(&self, v: f64) -> f64 {
        (v / self.grid).round() * self.grid
    }

    /// A length in pixels.
    pub fn px(&self, base: f64) -> i32 {
        self.on_grid(base * self.unit) as i32
    }

    /// A length that holds text, so it grows with the theme's text size.
    pub fn text_px(&self, base: f64) -> i32 {
        self.on_grid(base * self.unit * self.palette.text_scale * self.boost) as i32
    }

    /// A line width in pixels, never below 1.
    pub fn line(&self, base: f64) -> u32 {
        self.on_grid(base * self.unit * self.palette.line_scale)
            .max(self.grid) as u32
    }

    /// A hairline: 1 pixel at `--scale 1`, whatever the canvas, for marks that must not be
    /// read as data (leaders).
    pub fn hairline(&self) -> u32 {
        self.scale.round().max(1.0) as u32
    }

    /// Font size in pixels for a reference size: scaled with the canvas, never below the floor.
    pub fn text_size(&self, base: f64) -> f64 {
        (base * self.unit * self.palette.text_scale * self.boost).max(self.min_text)
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
