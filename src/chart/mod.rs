//! Publication-ready charts (PNG, SVG and PDF) of one or more projections.
//!
//! A [`Chart`] holds what one kind draws, and [`Chart::render`] draws it. One module per chart
//! kind; the pieces they share are `theme` (colours), `style` (sizes and fonts), `frame` (the
//! words around the plot), `axes`, `legend`, `stamp` and `fan_series`. Rendering is done in
//! memory and written atomically; the same inputs give the same bytes (the footer's date comes
//! from `SOURCE_DATE_EPOCH`, never from the clock).

mod axes;
pub mod backend;
pub mod compare;
pub mod data;
pub mod difference;
mod encode;
pub mod events;
pub mod fan;
mod fan_series;
mod font;
mod frame;
pub mod histogram;
pub mod history;
mod legend;
mod pdf;
pub mod reach;
pub mod slides;
pub mod spaghetti;
mod stamp;
mod style;
mod svg_groups;
mod svg_text;
pub mod theme;
pub mod tornado;

use std::path::Path;

use anyhow::{Context, Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::InputError;
use crate::output::{Inputs, write_atomic};
use crate::sim::Projection;
use crate::stats::difference::DifferenceFan;
use style::Style;
pub use theme::Theme;
use tornado::TornadoChart;

/// The footer's source line unless `--source` is given: both published sources the charted
/// history and the £1bn claim come from, and whose the projections are.
pub const DEFAULT_SOURCE: &str = "Sources: DSIT / Perspective Economics analyses 2020–23; \
     UK government, Oct 2024 (£623m, '£1bn by 2026'). Projections: safetech.";

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartKind {
    /// History, percentile bands 5–95 / 10–90 / 25–75, median and target (first scenario)
    Fan,
    /// Medians labelled at their ends with P(target); 5–95% bands for up to two scenarios
    Compare,
    /// Revenue in the target year across paths, the share at or above the target shaded (first scenario)
    Histogram,
    /// Chance of having reached the target by each year, one line per scenario
    Reach,
    /// A few dozen simulated paths over the fan (first scenario)
    Spaghetti,
    /// How far P(target) moves when each input is set low or high (first scenario)
    Tornado,
    /// Percentiles of revenue second scenario − first, path by path, each year
    Difference,
    /// The published revenue with the officials' £1bn claims, on the data's clock (first scenario)
    History,
}

impl ChartKind {
    /// Whether the chart shows only the first of several scenarios.
    pub fn single_scenario(self) -> bool {
        matches!(
            self,
            ChartKind::Fan
                | ChartKind::Histogram
                | ChartKind::Spaghetti
                | ChartKind::Tornado
                | ChartKind::History
        )
    }
}

/// Size and look of a chart. `width` and `height` are in pixels at scale 1; `scale` multiplies
/// every dimension (2 for high-DPI slides).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    pub width: u32,
    pub height: u32,
    pub scale: u32,
    pub theme: Theme,
    /// Replaces the default title.
    pub title: Option<String>,
    /// Resolution written into PNG files (pHYs), in dots per inch.
    pub dpi: u32,
    /// Replaces the default subtitle; empty removes it.
    pub subtitle: Option<String>,
    /// A note printed above the footer stamp.
    pub caption: Option<String>,
    /// "Source: …" above the stamp; default [`DEFAULT_SOURCE`], empty for none.
    pub source: Option<String>,
    /// A one-line statement of the message above the title ("78% chance of £1bn by 2026 if 37%
    /// growth continues");
    /// by default shown in the light theme only.
    pub headline: Option<bool>,
    /// First and last year on year axes (`--from`, `--to`), to give the decision window the
    /// width; the data's own span where not given.
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// Revenue axis of the year charts (fan, compare, spaghetti).
    pub y_scale: YScale,
    /// 5–95% bands on the compare chart: forced on or off; by default drawn for up to two
    /// scenarios only.
    pub bands: Option<bool>,
    /// The footer's stamp line (program, version, scenarios, seed, paths); `--no-stamp` leaves
    /// it out, and the file's metadata still names the run.
    pub stamp: bool,
    /// No background: a PNG with alpha, an SVG without its background rectangle, a PDF page
    /// without a fill (`--transparent`). Legend boxes and the halos behind labels keep the
    /// theme's background.
    pub transparent: bool,
    /// Policy dates from the scenarios' events marked above the fan and compare charts
    /// (`--no-events` turns them off).
    pub events: bool,
    /// The smallest tick labels and footer, in points at `dpi` (`--size`, `--for print`): text
    /// is enlarged until both hold.
    pub min_points: Option<(f64, f64)>,
}

/// A physical size to print or project at (`--size`, `--for print`): the canvas is sized in
/// pixels at the preset's resolution, the PDF page is that size, the PNG's pHYs gives the
/// resolution, and text is made large enough to read at that size (ticks ≥ 7 pt, the footer
/// ≥ 6 pt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SizePreset {
    /// The text column of an A4 page: 160 × 90 mm at 300 dpi
    A4Column,
    /// A whole A4 page, landscape: 297 × 210 mm at 300 dpi
    A4Page,
    /// A 16:9 slide, 13.33 × 7.5 in at 144 dpi (1920 × 1080 px)
    #[value(name = "slide-16x9")]
    Slide16x9,
    /// A 4:3 slide, 10 × 7.5 in at 144 dpi (1440 × 1080 px)
    #[value(name = "slide-4x3")]
    Slide4x3,
}

/// What a chart is made for (`--for`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Purpose {
    /// A figure in the text column of an A4 page (as `--size a4-column`)
    Print,
}

/// The smallest tick labels and footer a preset allows, in points.
pub const PRINT_TICK_PT: f64 = 7.0;
pub const PRINT_FOOTER_PT: f64 = 6.0;

impl SizePreset {
    /// Width and height in millimetres.
    pub fn mm(self) -> (f64, f64) {
        const INCH: f64 = 25.4;
        match self {
            SizePreset::A4Column => (160.0, 90.0),
            SizePreset::A4Page => (297.0, 210.0),
            SizePreset::Slide16x9 => ((13.0 + 1.0 / 3.0) * INCH, 7.5 * INCH),
            SizePreset::Slide4x3 => (10.0 * INCH, 7.5 * INCH),
        }
    }

    pub fn dpi(self) -> u32 {
        match self {
            SizePreset::A4Column | SizePreset::A4Page => 300,
            SizePreset::Slide16x9 | SizePreset::Slide4x3 => 144,
        }
    }

    /// `options` at this size: width, height and resolution, scale 1, and the text floors.
    pub fn apply(self, options: ChartOptions) -> ChartOptions {
        let (w, h) = self.mm();
        let dpi = self.dpi();
        let px = |mm: f64| (mm / 25.4 * f64::from(dpi)).round() as u32;
        ChartOptions {
            width: px(w),
            height: px(h),
            scale: 1,
            dpi,
            min_points: Some((PRINT_TICK_PT, PRINT_FOOTER_PT)),
            ..options
        }
    }
}

/// How revenue is laid out up the axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum YScale {
    /// Equal heights are equal growth rates (the default)
    #[default]
    Log,
    /// Equal heights are equal amounts, from £0
    Linear,
}

/// Whether `--from`/`--to` apply to the chart kind: it has a year axis of projections.
fn has_year_axis(kind: ChartKind) -> bool {
    matches!(
        kind,
        ChartKind::Fan | ChartKind::Compare | ChartKind::Spaghetti | ChartKind::Reach
    )
}

/// The years a chart of `kind` shows, from `--from`/`--to`: never starting after
/// `target_year` or ending before it (the year the headline and the labels cite), so the
/// chance a chart states is always of a year it shows. `--to` past the data is clamped when
/// the axis is laid out.
pub fn years_shown(
    kind: ChartKind,
    options: &ChartOptions,
    target_year: i32,
) -> (Option<i32>, Option<i32>) {
    if !has_year_axis(kind) {
        return (options.from, options.to);
    }
    (
        options.from.map(|f| f.min(target_year)),
        options.to.map(|t| t.max(target_year)),
    )
}

/// Notes for options the chart kind does not use or changes, so none is ignored in silence:
/// `--y-scale` beyond the fan, compare and spaghetti charts, `--bands` beyond compare,
/// `--from`/`--to` on charts without a year axis they apply to, `--to` past the last year
/// of the data (`horizon`), which is clamped to it, and `--from` after (or `--to` before) the
/// earliest target year of the scenarios drawn (`target_year`), which is moved to it
/// ([`years_shown`]).
pub fn option_notes(
    kind: ChartKind,
    options: &ChartOptions,
    horizon: i32,
    target_year: i32,
) -> Vec<String> {
    let name = format!("{kind:?}").to_lowercase();
    let mut notes = Vec::new();
    let revenue_axis = matches!(
        kind,
        ChartKind::Fan | ChartKind::Compare | ChartKind::Spaghetti | ChartKind::History
    );
    if options.y_scale != YScale::default() && !revenue_axis {
        notes.push(format!(
            "--y-scale applies to the fan, compare, spaghetti and history charts; the {name} chart has no revenue axis to scale"
        ));
    }
    if !options.events && !matches!(kind, ChartKind::Fan | ChartKind::Compare) {
        notes.push(format!(
            "--no-events applies to the fan and compare charts; the {name} chart marks no events"
        ));
    }
    if options.bands.is_some() && kind != ChartKind::Compare {
        notes.push(format!(
            "--bands/--no-bands apply to the compare chart; the {name} chart ignores them"
        ));
    }
    let year_axis = has_year_axis(kind);
    if (options.from.is_some() || options.to.is_some()) && !year_axis {
        notes.push(format!(
            "--from/--to apply to the fan, compare, spaghetti and reach charts; the {name} chart ignores them"
        ));
    }
    if let Some(from) = options.from.filter(|&f| year_axis && f > target_year) {
        notes.push(format!(
            "--from {from} would hide {target_year}, the year the chart's chance of the target is for; the chart starts at {target_year}"
        ));
    }
    if let Some(to) = options.to.filter(|&t| year_axis && t < target_year) {
        notes.push(format!(
            "--to {to} would hide {target_year}, the year the chart's chance of the target is for; the chart ends at {target_year}"
        ));
    }
    if let Some(to) = options.to.filter(|&t| year_axis && t > horizon) {
        notes.push(format!(
            "--to {to} is past the last projected year; the chart ends at {horizon}"
        ));
    }
    notes
}

impl ChartOptions {
    /// Whether the headline is drawn: as asked, else in the light theme.
    pub fn shows_headline(&self) -> bool {
        self.headline.unwrap_or(self.theme == Theme::Light)
    }
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: 1600,
            height: 900,
            scale: 1,
            theme: Theme::Light,
            title: None,
            dpi: 150,
            subtitle: None,
            caption: None,
            source: None,
            headline: None,
            from: None,
            to: None,
            y_scale: YScale::Log,
            bands: None,
            stamp: true,
            transparent: false,
            events: true,
            min_points: None,
        }
    }
}

/// The smallest canvas (before `--scale`) on which every element keeps text of at least
/// [`MIN_TEXT_EM_PX`] and nothing overlaps; smaller sizes are refused.
pub const MIN_WIDTH: u32 = 640;
pub const MIN_HEIGHT: u32 = 360;
/// Text is never drawn with an em smaller than this many pixels (times `--scale`).
pub const MIN_TEXT_EM_PX: f64 = 9.0;
/// plotters' font size for an em of 1 px: it sizes DejaVu Sans by ascent + descent
/// (2384 units), not by its em (2048 units), so size 10 draws an em of 8.59 px.
pub const SIZE_PER_EM: f64 = 2384.0 / 2048.0;
/// The floor in plotters' font size units: an em of [`MIN_TEXT_EM_PX`].
pub const MIN_TEXT_PX: f64 = MIN_TEXT_EM_PX * SIZE_PER_EM;
pub const MIN_DPI: u32 = 30;
pub const MAX_DPI: u32 = 2400;
pub const MAX_SIDE: u32 = 8000;
pub const MAX_SCALE: u32 = 4;
/// Cap on the rendered pixel count (width × height × scale²), to keep memory bounded.
pub const MAX_PIXELS: u64 = 64_000_000;

impl ChartOptions {
    pub fn validate(&self) -> Result<(), InputError> {
        for (field, v, min) in [
            ("--width", self.width, MIN_WIDTH),
            ("--height", self.height, MIN_HEIGHT),
        ] {
            if !(min..=MAX_SIDE).contains(&v) {
                return Err(InputError::new(
                    "command line",
                    field,
                    format!(
                        "must be {min} to {MAX_SIDE} pixels (below {MIN_WIDTH}×{MIN_HEIGHT} the \
                         text would have to shrink below {MIN_TEXT_EM_PX} px or overlap; use --scale \
                         for sharper small images)"
                    ),
                )
                .with_value(v.to_string()));
            }
        }
        if let (Some(f), Some(t)) = (self.from, self.to)
            && f >= t
        {
            return Err(InputError::new(
                "command line",
                "--from/--to",
                "--from must be a year before --to",
            )
            .with_value(format!("{f}..{t}")));
        }
        if !(MIN_DPI..=MAX_DPI).contains(&self.dpi) {
            return Err(InputError::new(
                "command line",
                "--dpi",
                format!("must be {MIN_DPI} to {MAX_DPI}"),
            )
            .with_value(self.dpi.to_string()));
        }
        if !(1..=MAX_SCALE).contains(&self.scale) {
            return Err(InputError::new(
                "command line",
                "--scale",
                format!("must be 1 to {MAX_SCALE}"),
            )
            .with_value(self.scale.to_string()));
        }
        let (w, h) = self.pixels();
        if u64::from(w) * u64::from(h) > MAX_PIXELS {
            return Err(InputError::new(
                "command line",
                "--width/--height/--scale",
                format!(
                    "the image would be {w}×{h} pixels; at most {MAX_PIXELS} pixels are allowed"
                ),
            ));
        }
        Ok(())
    }

    /// Rendered size in pixels.
    pub fn pixels(&self) -> (u32, u32) {
        (
            self.width.saturating_mul(self.scale),
            self.height.saturating_mul(self.scale),
        )
    }
}

/// The SVG is drawn at this many times its size and its numbers divided back, so coordinates
/// keep one decimal (plotters' backends place everything on whole device units).
pub const SVG_GRID: u32 = 10;

/// Output format, from the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
    /// The SVG converted to PDF, fonts embedded (for print and LaTeX).
    Pdf,
}

impl ImageFormat {
    pub fn from_path(path: &Path) -> Result<ImageFormat, InputError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("png") => Ok(ImageFormat::Png),
            Some("svg") => Ok(ImageFormat::Svg),
            Some("pdf") => Ok(ImageFormat::Pdf),
            other => Err(InputError::new(
                "command line",
                "--out",
                format!(
                    "cannot tell the image format from {}; the file name must end in .png, .svg or .pdf",
                    match other {
                        Some(e) => format!("the extension .{e}"),
                        None => "a name with no extension".to_string(),
                    }
                ),
            )
            .with_value(path.display().to_string())),
        }
    }
}

/// A chart to draw, holding exactly the data its kind needs: charts draw, they do not
/// simulate, so the analyses the tornado and the difference fan draw are computed by the caller.
#[derive(Debug, Clone, Copy)]
pub enum Chart<'a> {
    /// History, percentile bands 5–95 / 10–90 / 25–75, median and target.
    Fan(&'a Projection),
    /// Scenarios run on the same seed: medians labelled with P(target), bands for a few.
    Compare(&'a [Projection]),
    /// Revenue in the target year across paths, the share at or above the target shaded.
    Histogram(&'a Projection),
    /// Chance of having reached the target by each year, one line per scenario.
    Reach(&'a [Projection]),
    /// A few dozen simulated paths over the fan.
    Spaghetti(&'a Projection),
    /// How far P(target) moves when each input is set low or high; `run` is the projection
    /// the chart is stamped with, whose chance of the target the headline states.
    Tornado {
        analysis: &'a TornadoChart,
        run: &'a Projection,
    },
    /// Percentiles of revenue `runs[1]` − `runs[0]`, path by path, each year.
    Difference {
        fan: &'a DifferenceFan,
        runs: &'a [Projection; 2],
    },
    /// The published revenue of the run's scenario with the officials' claims.
    History(&'a Projection),
}

impl<'a> Chart<'a> {
    /// The chart of `kind` for `runs`: the first run only for kinds that show one scenario.
    /// Only for kinds drawn from projections alone; the tornado and difference charts are built
    /// with their analyses.
    pub fn of_runs(kind: ChartKind, runs: &'a [Projection]) -> Result<Chart<'a>> {
        let first = || runs.first().context("there is no projection to chart");
        Ok(match kind {
            ChartKind::Fan => Chart::Fan(first()?),
            ChartKind::Compare => Chart::Compare(runs),
            ChartKind::Histogram => Chart::Histogram(first()?),
            ChartKind::Reach => Chart::Reach(runs),
            ChartKind::Spaghetti => Chart::Spaghetti(first()?),
            ChartKind::History => Chart::History(first()?),
            ChartKind::Tornado => bail!("the tornado chart needs a sensitivity analysis"),
            ChartKind::Difference => {
                bail!("the difference chart needs two scenarios (give --scenario twice)")
            }
        })
    }

    pub fn kind(&self) -> ChartKind {
        match self {
            Chart::Fan(_) => ChartKind::Fan,
            Chart::Compare(_) => ChartKind::Compare,
            Chart::Histogram(_) => ChartKind::Histogram,
            Chart::Reach(_) => ChartKind::Reach,
            Chart::Spaghetti(_) => ChartKind::Spaghetti,
            Chart::Tornado { .. } => ChartKind::Tornado,
            Chart::Difference { .. } => ChartKind::Difference,
            Chart::History(_) => ChartKind::History,
        }
    }

    /// The years the chart shows ([`years_shown`]): `--from`/`--to`, moved to the earliest
    /// target year of its scenarios where they would hide it.
    pub fn years(&self, options: &ChartOptions) -> (Option<i32>, Option<i32>) {
        if self.kind() == ChartKind::History {
            // From the first figure to the last year a claim names.
            return (None, Some(history::last_year()));
        }
        let target_year = self
            .runs()
            .iter()
            .map(|r| r.scenario.target.year)
            .min()
            .unwrap_or(i32::MAX);
        years_shown(self.kind(), options, target_year)
    }

    /// The projections the chart is drawn from, first scenario first.
    fn runs(&self) -> &'a [Projection] {
        match *self {
            Chart::Fan(p) | Chart::Histogram(p) | Chart::Spaghetti(p) | Chart::History(p) => {
                std::slice::from_ref(p)
            }
            Chart::Tornado { run, .. } => std::slice::from_ref(run),
            Chart::Compare(runs) | Chart::Reach(runs) => runs,
            Chart::Difference { runs, .. } => runs,
        }
    }

    /// The encoded image, as PNG, SVG or PDF.
    pub fn render(&self, options: &ChartOptions, format: ImageFormat) -> Result<Vec<u8>> {
        let size = prepare(self.runs(), options)?;
        let meta = Metadata {
            title: self.meta_title(options),
            description: self.description(),
            stamp: match self {
                Chart::History(p) => stamp::published_line(p, stamp::stamp_date().as_deref()),
                _ => stamp::stamp_line(self.runs(), stamp::stamp_date().as_deref()),
            },
        };
        match format {
            ImageFormat::Png => self.png(options, size, &meta),
            ImageFormat::Svg => {
                let svg = svg_text::embed_fonts(&self.svg_unembedded(options, size)?)?;
                Ok(svg_meta(&svg, &meta).into_bytes())
            }
            // From the SVG before its fonts are embedded: svg2pdf embeds its own subsets.
            ImageFormat::Pdf => {
                let bytes = pdf::from_svg(&self.svg_unembedded(options, size)?, options.dpi)?;
                pdf::with_metadata(&bytes, &meta)
            }
        }
    }

    /// Renders the chart and writes it atomically to `path`, as PNG, SVG or PDF by its
    /// extension, never over one of `inputs`.
    pub fn export(&self, path: &Path, options: &ChartOptions, inputs: &Inputs) -> Result<()> {
        let format = ImageFormat::from_path(path)?;
        let bytes = self.render(options, format)?;
        write_atomic(path, &bytes, inputs)
    }

    /// What the chart draws, without the pixels: every text box and circle (for layout checks).
    pub fn layout(&self, options: &ChartOptions) -> Result<backend::Layout> {
        let size = prepare(self.runs(), options)?;
        let layout = std::rc::Rc::new(std::cell::RefCell::new(backend::Layout {
            size,
            ..Default::default()
        }));
        {
            let rec = backend::Recorder {
                layout: layout.clone(),
            };
            let root = rec.into_drawing_area();
            self.draw(&root, options, false)?;
            root.present().context("drawing the chart")?;
        }
        Ok(layout.take())
    }

    /// The chart as PNG bytes (8-bit RGB, or a palette when it has few colours; RGBA when
    /// transparent).
    fn png(&self, options: &ChartOptions, (w, h): (u32, u32), meta: &Metadata) -> Result<Vec<u8>> {
        let text = [
            ("Title", meta.title.as_str()),
            ("Description", meta.description.as_str()),
            ("Software", meta.stamp.as_str()),
        ];
        if !options.transparent {
            let rgb = self.rgb(options, (w, h), None)?;
            return encode::png(&rgb, w, h, options.dpi, &text);
        }
        // Drawn on black and on white: a pixel of colour c and opacity a is a·c on black and
        // a·c + (1 − a)·255 on white, so a = 1 − (white − black) / 255 and c = black / a.
        let black = self.rgb(options, (w, h), Some(RGBColor(0, 0, 0)))?;
        let white = self.rgb(options, (w, h), Some(RGBColor(255, 255, 255)))?;
        let mut rgba = Vec::with_capacity(black.len() / 3 * 4);
        for (b, wh) in black.chunks_exact(3).zip(white.chunks_exact(3)) {
            let spread: u32 = (0..3)
                .map(|i| u32::from(wh[i].saturating_sub(b[i])))
                .sum::<u32>();
            let alpha = 255 - (spread as f64 / 3.0).round().min(255.0) as u32;
            if alpha == 0 {
                rgba.extend_from_slice(&[0, 0, 0, 0]);
                continue;
            }
            for &c in b {
                rgba.push((u32::from(c) * 255 / alpha).min(255) as u8);
            }
            rgba.push(alpha as u8);
        }
        encode::png_rgba(&rgba, w, h, options.dpi, &text)
    }

    /// The chart's pixels as 8-bit RGB, the canvas filled with `canvas` instead of the theme's
    /// background when given.
    fn rgb(
        &self,
        options: &ChartOptions,
        (w, h): (u32, u32),
        canvas: Option<RGBColor>,
    ) -> Result<Vec<u8>> {
        let mut rgb = vec![0u8; w as usize * h as usize * 3];
        {
            let bitmap = BitMapBackend::with_buffer(&mut rgb, (w, h));
            let root = backend::Crisp { inner: bitmap }.into_drawing_area();
            self.draw_with(&root, options, false, 1.0, canvas)?;
            root.present().context("drawing the chart")?;
        }
        Ok(rgb)
    }

    /// The SVG with series groups and text sized as in the PNG, asking for DejaVu Sans by name.
    /// Drawn at [`SVG_GRID`] times the size, lengths on the grid of the PNG's pixels, then
    /// scaled back: data keeps a decimal, and the rest is where the PNG has it.
    fn svg_unembedded(&self, options: &ChartOptions, (w, h): (u32, u32)) -> Result<String> {
        let fine = ChartOptions {
            scale: options.scale * SVG_GRID,
            ..options.clone()
        };
        let mut svg = String::new();
        {
            let root =
                SVGBackend::with_string(&mut svg, (w * SVG_GRID, h * SVG_GRID)).into_drawing_area();
            self.draw_with(&root, &fine, true, f64::from(SVG_GRID), None)?;
            root.present().context("drawing the chart")?;
        }
        Ok(svg_text::scale_down(
            &svg_text::fit_to_layout(
                &svg_groups::merge_dashes(&svg_groups::resolve(&svg)),
                SVG_GRID,
            ),
            SVG_GRID,
        ))
    }

    fn draw<DB>(
        &self,
        root: &DrawingArea<DB, Shift>,
        options: &ChartOptions,
        vector: bool,
    ) -> Result<()>
    where
        DB: Canvas,
    {
        self.draw_with(root, options, vector, 1.0, None)
    }

    /// Draws the chart with every length a multiple of `grid` device units, the canvas filled
    /// with `canvas` when given, else with the theme's background unless `--transparent`.
    fn draw_with<DB>(
        &self,
        root: &DrawingArea<DB, Shift>,
        options: &ChartOptions,
        vector: bool,
        grid: f64,
        canvas: Option<RGBColor>,
    ) -> Result<()>
    where
        DB: Canvas,
    {
        let mut st = Style::new(options);
        st.grid = grid;
        if canvas.is_some() || options.transparent {
            st.canvas = canvas;
        }
        if options.events && matches!(self.kind(), ChartKind::Fan | ChartKind::Compare) {
            st.events = events::marks(self.runs());
        }
        st.brief = self.brief(options);
        st.years = self.years(options);
        let date = stamp::stamp_date();
        let ctx = Ctx {
            st: &st,
            title: options.title.as_deref(),
            date: date.as_deref(),
            edited: self
                .runs()
                .iter()
                .any(|r| r.scenario.provenance.is_edited()),
            vector,
            stamp: options.stamp,
        };
        match *self {
            Chart::Fan(p) => fan::draw(root, &ctx, p),
            Chart::Compare(runs) => compare::draw(root, &ctx, runs),
            Chart::Histogram(p) => histogram::draw(root, &ctx, p),
            Chart::Reach(runs) => reach::draw(root, &ctx, runs),
            Chart::Spaghetti(p) => spaghetti::draw(root, &ctx, p),
            Chart::Tornado { analysis, run } => tornado::draw(root, &ctx, analysis, run),
            Chart::Difference { fan, runs } => difference::draw(root, &ctx, fan, runs),
            Chart::History(p) => history::draw(root, &ctx, p),
        }
        .with_context(|| format!("drawing the {:?} chart", self.kind()).to_lowercase())
    }

    /// The texts a brief adds around any chart, from the options and the numbers.
    fn brief(&self, options: &ChartOptions) -> style::Brief {
        let source = match &options.source {
            Some(s) => (!s.trim().is_empty()).then(|| format!("Source: {}", s.trim())),
            None => Some(DEFAULT_SOURCE.to_string()),
        };
        style::Brief {
            headline: options.shows_headline().then(|| self.headline()).flatten(),
            subtitle: options.subtitle.clone(),
            caption: options.caption.clone().filter(|c| !c.trim().is_empty()),
            source,
        }
    }

    /// One line that states the message, from the numbers: "78% chance of £1bn by 2026 if 37%
    /// growth continues", or for several scenarios "Chance of £1bn by 2026: 78% (if 37% growth
    /// continues) to 42% (Funding squeeze and downturn)". A scenario is named by its name when
    /// that is short enough to read in a line, else by its id; one whose growth is an
    /// assumption carries the condition ([`condition`]).
    pub fn headline(&self) -> Option<String> {
        use crate::format::money_short;
        let runs = self.runs();
        let probs: Vec<_> = runs.iter().map(crate::stats::target_probability).collect();
        if let Chart::History(p) = self {
            // The last figure and its rise, and the pace the latest claim needs from it.
            let points = history::published(p);
            let last = points.last()?;
            let rise = points
                .iter()
                .rev()
                .nth(1)
                .filter(|prev| prev.1 > 0.0)
                .map(|prev| format!(", up {:.0}%", (last.1 / prev.1 - 1.0) * 100.0))
                .unwrap_or_default();
            let (c, _, g) = history::claims(p).into_iter().last()?;
            return Some(format!(
                "{} published in {}{rise}; '{} by {}' needs {:.1}% a year",
                money_short(last.1),
                last.0,
                money_short(c.revenue),
                c.year,
                g * 100.0
            ));
        }
        let first = probs.first()?;
        let goal = format!("{} by {}", money_short(first.revenue), first.year);
        let pct = |p: f64| format!("{:.0}%", p * 100.0);
        if let Chart::Difference { runs, .. } = self {
            return Some(format!(
                "Chance of {goal}: {} {} against {} {}",
                headline_label(&runs[1]),
                pct(probs[1].probability),
                headline_label(&runs[0]),
                pct(probs[0].probability)
            ));
        }
        let several = matches!(self, Chart::Compare(_) | Chart::Reach(_)) && runs.len() > 1;
        if !several {
            let mut line = format!("{} chance of {goal}", pct(first.probability));
            if let Some(c) = condition(&runs[0]) {
                line.push(' ');
                line.push_str(&c);
            }
            return Some(line);
        }
        let same = probs
            .iter()
            .all(|p| p.revenue == first.revenue && p.year == first.year);
        let goal = if same {
            goal
        } else {
            "each target".to_string()
        };
        let (hi, lo) = probs.iter().enumerate().fold((0, 0), |(hi, lo), (i, p)| {
            (
                if p.probability > probs[hi].probability {
                    i
                } else {
                    hi
                },
                if p.probability < probs[lo].probability {
                    i
                } else {
                    lo
                },
            )
        });
        let label = |i: usize| condition(&runs[i]).unwrap_or_else(|| headline_label(&runs[i]));
        Some(format!(
            "Chance of {goal}: {} ({}) to {} ({})",
            pct(probs[hi].probability),
            label(hi),
            pct(probs[lo].probability),
            label(lo)
        ))
    }

    /// The chart's title for metadata: `--title` when given, else the headline.
    fn meta_title(&self, options: &ChartOptions) -> String {
        options
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| self.headline())
            .unwrap_or_else(|| "UK safety tech revenue".to_string())
    }

    /// A text alternative for the chart (SVG `<desc>`, PDF `/Subject`, PNG `Description`): its
    /// kind, the headline and each scenario's chance of its target with the Monte Carlo margin,
    /// as the program's JSON states them.
    pub fn description(&self) -> String {
        let kind = format!("{:?}", self.kind()).to_lowercase();
        let mut s = format!("A {kind} chart of projected UK safety tech revenue.");
        if let Some(h) = self.headline() {
            s.push(' ');
            s.push_str(&h);
            s.push('.');
        }
        for run in self.runs() {
            s.push_str(&format!(
                " {}: {}.",
                headline_label(run),
                frame::note_of(run)
            ));
        }
        s
    }
}

/// A scenario as a headline names it: its name when at most [`HEADLINE_NAME_CHARS`]
/// characters, else its id.
fn headline_label(run: &Projection) -> String {
    let meta = &run.scenario.scenario;
    if meta.name.chars().count() <= HEADLINE_NAME_CHARS && !meta.name.contains(':') {
        meta.name.clone()
    } else {
        meta.id.clone()
    }
}

/// Names longer than this read as a sentence, not a label, inside a headline.
const HEADLINE_NAME_CHARS: usize = 34;

/// The condition a headline about `run` must carry when its growth is an assumption rather
/// than a forecast: a constant pace (no reversion, no capacity) and no events, as the
/// officials' "37% a year" is: "if 37% growth continues".
pub fn condition(run: &Projection) -> Option<String> {
    let s = &run.scenario;
    let g = &s.growth;
    let assumed = g.reversion == 0.0 && g.capacity.is_none() && s.events.is_empty();
    assumed.then(|| format!("if {:.0}% growth continues", g.initial * 100.0))
}

/// What a chart file says about itself besides its pixels: a title, a text alternative, and
/// the stamp line naming the run (kept here when `--no-stamp` drops it from the footer).
pub(crate) struct Metadata {
    pub title: String,
    pub description: String,
    pub stamp: String,
}

/// The SVG with `<title>` and `<desc>` (title, description and the run's stamp) as the first
/// children of its root, for screen readers and file browsers.
fn svg_meta(svg: &str, meta: &Metadata) -> String {
    let Some(open) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[open..].find('>').map(|e| open + e + 1) else {
        return svg.to_string();
    };
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "{}\n<title>{}</title>\n<desc>{} {}</desc>{}",
        &svg[..end],
        esc(&meta.title),
        esc(&meta.description),
        esc(&meta.stamp),
        &svg[end..]
    )
}

/// Checks inputs and registers the font; returns the pixel size.
fn prepare(runs: &[Projection], options: &ChartOptions) -> Result<(u32, u32)> {
    options.validate()?;
    if runs.is_empty() {
        bail!("there is no projection to chart");
    }
    if let Some(r) = runs.iter().find(|r| r.years.is_empty()) {
        bail!(
            "scenario {} has no simulated years to chart",
            r.scenario.scenario.id
        );
    }
    font::ensure_registered()?;
    Ok(options.pixels())
}

/// A plotters backend a chart can draw on: its errors are `'static`, so they can travel in an
/// `anyhow::Error`.
pub trait Canvas: DrawingBackend<ErrorType: 'static> {}

impl<DB: DrawingBackend<ErrorType: 'static>> Canvas for DB {}

/// What every chart kind is handed besides its data.
pub struct Ctx<'a> {
    st: &'a Style,
    /// The user's title, replacing the default.
    title: Option<&'a str>,
    /// Date for the footer, if one is known reproducibly.
    date: Option<&'a str>,
    /// A scenario was changed after loading: the default title says so.
    edited: bool,
    /// Drawing SVG: series are grouped and dashes are native `stroke-dasharray`.
    pub(crate) vector: bool,
    /// The footer's stamp line is drawn (not `--no-stamp`).
    stamp: bool,
}

impl Ctx<'_> {
    /// In SVG, starts a `<g id=…>` for one series (closed by [`Ctx::end_group`]); `dash` (dash
    /// and gap in pixels) is applied as a native `stroke-dasharray` to its lines `width` pixels
    /// wide. Nothing in raster output.
    pub(crate) fn begin_group<DB>(
        &self,
        root: &DrawingArea<DB, Shift>,
        id: &str,
        dash: Option<(u32, u32)>,
        width: u32,
    ) -> Result<()>
    where
        DB: Canvas,
    {
        if self.vector {
            root.draw_text(
                &svg_groups::begin_marker(id, dash.map(|(on, off)| (on, off, width))),
                &self.st.font(1.0, self.st.palette.text),
                (0, 0),
            )?;
        }
        Ok(())
    }

    pub(crate) fn end_group<DB>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB: Canvas,
    {
        if self.vector {
            root.draw_text(
                svg_groups::END_MARKER,
                &self.st.font(1.0, self.st.palette.text),
                (0, 0),
            )?;
        }
        Ok(())
    }

    /// The footer: the stamp line unless `--no-stamp`, and the note on "±" when the chart
    /// shows a Monte Carlo margin (`margin`).
    fn footer(&self, runs: &[Projection], margin: bool) -> String {
        stamp::footer(runs, self.date, self.stamp, margin)
    }

    /// The footer of a chart of the published series: no seed or paths (nothing drawn is
    /// simulated), and no "±" note.
    fn published_footer(&self, p: &Projection) -> String {
        if self.stamp {
            stamp::published_line(p, self.date)
        } else {
            String::new()
        }
    }

    fn title_or(&self, default: String) -> String {
        match self.title {
            Some(t) => t.to_string(),
            None if self.edited => format!("{default} (edited)"),
            None => default,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(
            ImageFormat::from_path(Path::new("a/b.png")).unwrap(),
            ImageFormat::Png
        );
        assert_eq!(
            ImageFormat::from_path(Path::new("b.SVG")).unwrap(),
            ImageFormat::Svg
        );
        let err = ImageFormat::from_path(Path::new("b.jpg")).unwrap_err();
        assert!(err.to_string().contains(".jpg") && err.to_string().contains(".svg or .pdf"));
        assert_eq!(
            ImageFormat::from_path(Path::new("brief/chart.Pdf")).unwrap(),
            ImageFormat::Pdf
        );
        assert!(ImageFormat::from_path(Path::new("chart")).is_err());
    }

    #[test]
    fn options_are_checked() {
        assert!(ChartOptions::default().validate().is_ok());
        // Width, height and scale: too narrow, too low, no scale, too large a scale, too many
        // pixels.
        let bad = [
            (10, 900, 1),
            (1600, 0, 1),
            (1600, 900, 0),
            (1600, 900, 5),
            (8000, 8000, 2),
        ]
        .map(|(width, height, scale)| ChartOptions {
            width,
            height,
            scale,
            ..Default::default()
        });
        for o in bad {
            assert!(o.validate().is_err(), "{o:?}");
        }
    }

    #[test]
    fn no_runs_is_an_error_not_a_panic() {
        assert!(Chart::of_runs(ChartKind::Fan, &[]).is_err());
        let options = ChartOptions::default();
        assert!(
            Chart::Compare(&[])
                .render(&options, ImageFormat::Png)
                .is_err()
        );
    }
}
