//! Publication-ready charts (PNG, SVG and PDF) of one or more projections.
//!
//! One module per chart kind; `theme` holds colours, `frame` the pieces they share. Rendering is
//! done in memory and written atomically; the same inputs give the same bytes (the footer's date
//! comes from `SOURCE_DATE_EPOCH`, never from the clock).

pub mod backend;
pub mod compare;
pub mod data;
pub mod difference;
pub mod fan;
mod font;
mod frame;
pub mod histogram;
mod pdf;
pub mod reach;
pub mod slides;
pub mod spaghetti;
mod svg_groups;
mod svg_text;
pub mod theme;
pub mod tornado;

use std::path::Path;

use anyhow::{Context, Result, bail};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::error::InputError;
use crate::output::write_atomic;
use crate::sim::Projection;
use frame::Style;
pub use theme::Theme;

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
}

/// Results of analyses some chart kinds draw (the tornado, the difference fan), computed by
/// the caller: charts draw, they do not simulate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Analyses<'a> {
    pub tornado: Option<&'a tornado::TornadoChart>,
    pub difference: Option<&'a crate::stats::difference::DifferenceFan>,
}

impl ChartKind {
    /// Whether the chart shows only the first of several scenarios.
    pub fn single_scenario(self) -> bool {
        matches!(
            self,
            ChartKind::Fan | ChartKind::Histogram | ChartKind::Spaghetti | ChartKind::Tornado
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
    /// "Source: …" above the stamp; default the first scenario's first source, empty for none.
    pub source: Option<String>,
    /// A one-line statement of the message above the title ("78% chance of £1bn by 2026");
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

/// Renders `kind` for `runs` and writes it atomically to `path`, as PNG, SVG or PDF by its
/// extension.
pub fn export(
    path: &Path,
    kind: ChartKind,
    runs: &[Projection],
    options: &ChartOptions,
) -> Result<()> {
    export_with(path, kind, runs, Analyses::default(), options)
}

/// As [`export`], for kinds that draw an analysis (tornado, difference).
pub fn export_with(
    path: &Path,
    kind: ChartKind,
    runs: &[Projection],
    analyses: Analyses,
    options: &ChartOptions,
) -> Result<()> {
    let format = ImageFormat::from_path(path)?;
    let bytes = render_with(kind, runs, analyses, options, format)?;
    write_atomic(path, &bytes)
}

/// As [`render`], for kinds that draw an analysis (tornado, difference).
pub fn render_with(
    kind: ChartKind,
    runs: &[Projection],
    analyses: Analyses,
    options: &ChartOptions,
    format: ImageFormat,
) -> Result<Vec<u8>> {
    match format {
        ImageFormat::Png => png_with(kind, runs, analyses, options),
        ImageFormat::Svg => svg_with(kind, runs, analyses, options).map(String::into_bytes),
        // From the SVG before its fonts are embedded: svg2pdf embeds its own subsets.
        ImageFormat::Pdf => {
            pdf::from_svg(&svg_unembedded(kind, runs, analyses, options)?, options.dpi)
        }
    }
}

/// The encoded image, without writing it anywhere.
pub fn render(
    kind: ChartKind,
    runs: &[Projection],
    options: &ChartOptions,
    format: ImageFormat,
) -> Result<Vec<u8>> {
    match format {
        ImageFormat::Png => render_png_bytes(kind, runs, options),
        ImageFormat::Svg | ImageFormat::Pdf => {
            render_with(kind, runs, Analyses::default(), options, format)
        }
    }
}

/// The chart as PNG bytes (8-bit RGB).
pub fn render_png_bytes(
    kind: ChartKind,
    runs: &[Projection],
    options: &ChartOptions,
) -> Result<Vec<u8>> {
    png_with(kind, runs, Analyses::default(), options)
}

fn png_with(
    kind: ChartKind,
    runs: &[Projection],
    analyses: Analyses,
    options: &ChartOptions,
) -> Result<Vec<u8>> {
    let (w, h) = prepare(runs, options)?;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let bitmap = BitMapBackend::with_buffer(&mut rgb, (w, h));
        let root = backend::Crisp { inner: bitmap }.into_drawing_area();
        draw(&root, kind, runs, analyses, options, false)?;
        root.present().context("drawing the chart")?;
    }
    encode_png(&rgb, w, h, options.dpi)
}

/// What the chart draws, without the pixels: every text box and circle (for layout checks).
pub fn layout(
    kind: ChartKind,
    runs: &[Projection],
    analyses: Analyses,
    options: &ChartOptions,
) -> Result<backend::Layout> {
    let size = prepare(runs, options)?;
    let layout = std::rc::Rc::new(std::cell::RefCell::new(backend::Layout {
        size,
        ..Default::default()
    }));
    {
        let rec = backend::Recorder {
            layout: layout.clone(),
        };
        let root = rec.into_drawing_area();
        draw(&root, kind, runs, analyses, options, false)?;
        root.present().context("drawing the chart")?;
    }
    Ok(layout.take())
}

/// The chart as an SVG document.
pub fn render_svg_string(
    kind: ChartKind,
    runs: &[Projection],
    options: &ChartOptions,
) -> Result<String> {
    svg_with(kind, runs, Analyses::default(), options)
}

fn svg_with(
    kind: ChartKind,
    runs: &[Projection],
    analyses: Analyses,
    options: &ChartOptions,
) -> Result<String> {
    svg_text::embed_fonts(&svg_unembedded(kind, runs, analyses, options)?)
}

/// The SVG with series groups and text sized as in the PNG, asking for DejaVu Sans by name.
fn svg_unembedded(
    kind: ChartKind,
    runs: &[Projection],
    analyses: Analyses,
    options: &ChartOptions,
) -> Result<String> {
    let (w, h) = prepare(runs, options)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        draw(&root, kind, runs, analyses, options, true)?;
        root.present().context("drawing the chart")?;
    }
    Ok(svg_text::fit_to_layout(&svg_groups::resolve(&svg)))
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

fn draw<DB>(
    root: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    runs: &[Projection],
    analyses: Analyses,
    options: &ChartOptions,
    vector: bool,
) -> Result<()>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let mut st = Style::new(options);
    st.brief = brief(kind, runs, analyses, options);
    let date = stamp_date();
    let ctx = Ctx {
        st: &st,
        title: options.title.as_deref(),
        date: date.as_deref(),
        edited: runs.iter().any(|r| r.scenario.provenance.is_edited()),
        vector,
    };
    match kind {
        ChartKind::Fan => fan::draw(root, &ctx, &runs[0]),
        ChartKind::Compare => compare::draw(root, &ctx, runs),
        ChartKind::Histogram => histogram::draw(root, &ctx, &runs[0]),
        ChartKind::Reach => reach::draw(root, &ctx, runs),
        ChartKind::Spaghetti => spaghetti::draw(root, &ctx, &runs[0]),
        ChartKind::Tornado => match analyses.tornado {
            Some(t) => tornado::draw(root, &ctx, t, runs),
            None => Err(anyhow::anyhow!(
                "the tornado chart needs a sensitivity analysis"
            )),
        },
        ChartKind::Difference => match analyses.difference {
            Some(d) => difference::draw(root, &ctx, d, runs),
            None => Err(anyhow::anyhow!(
                "the difference chart needs two scenarios (give --scenario twice)"
            )),
        },
    }
    .with_context(|| format!("drawing the {kind:?} chart").to_lowercase())
}

/// The texts a brief adds around any chart, from the options and the numbers.
fn brief(
    kind: ChartKind,
    runs: &[Projection],
    analyses: Analyses,
    options: &ChartOptions,
) -> frame::Brief {
    let source = match &options.source {
        Some(s) => s.trim().to_string(),
        None => runs[0]
            .scenario
            .scenario
            .sources
            .first()
            .cloned()
            .unwrap_or_default(),
    };
    frame::Brief {
        headline: options
            .shows_headline()
            .then(|| headline(kind, runs, analyses))
            .flatten(),
        subtitle: options.subtitle.clone(),
        caption: options.caption.clone().filter(|c| !c.trim().is_empty()),
        source: (!source.is_empty()).then(|| format!("Source: {source}")),
    }
}

/// One line that states the message, from the numbers: "78% chance of £1bn by 2026", or for
/// several scenarios "Chance of £1bn by 2026: 78% (baseline) to 42% (genai)".
pub fn headline(kind: ChartKind, runs: &[Projection], analyses: Analyses) -> Option<String> {
    use crate::format::money_short;
    let probs: Vec<_> = runs.iter().map(crate::stats::target_probability).collect();
    let first = probs.first()?;
    let goal = format!("{} by {}", money_short(first.revenue), first.year);
    let pct = |p: f64| format!("{:.0}%", p * 100.0);
    let several = !kind.single_scenario() && runs.len() > 1;
    if kind == ChartKind::Difference && analyses.difference.is_some() && runs.len() >= 2 {
        return Some(format!(
            "Chance of {goal}: {} {} against {} {}",
            runs[1].scenario.scenario.id,
            pct(probs[1].probability),
            runs[0].scenario.scenario.id,
            pct(probs[0].probability)
        ));
    }
    if !several {
        return Some(format!("{} chance of {goal}", pct(first.probability)));
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
    let id = |i: usize| &runs[i].scenario.scenario.id;
    Some(format!(
        "Chance of {goal}: {} ({}) to {} ({})",
        pct(probs[hi].probability),
        id(hi),
        pct(probs[lo].probability),
        id(lo)
    ))
}

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
        DB: DrawingBackend,
        DB::ErrorType: 'static,
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
        DB: DrawingBackend,
        DB::ErrorType: 'static,
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

    fn title_or(&self, default: String) -> String {
        match self.title {
            Some(t) => t.to_string(),
            None if self.edited => format!("{default} (edited)"),
            None => default,
        }
    }
}

/// The footer date: `SOURCE_DATE_EPOCH` (the reproducible-builds convention) as YYYY-MM-DD, or
/// none, so that running the same command twice gives the same bytes.
pub fn stamp_date() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Compressed hard: an 8-bit palette when the chart has at most 256 colours (the usual case:
/// text coverage comes in eight levels), else RGB with adaptive filtering, both at the best
/// deflate level; with the resolution in a pHYs chunk so word processors place the image at its
/// intended size.
fn encode_png(rgb: &[u8], w: u32, h: u32, dpi: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        match indexed(rgb) {
            // Indices compress best unfiltered.
            Some((palette, indices)) => {
                enc.set_color(png::ColorType::Indexed);
                enc.set_palette(palette);
                enc.set_filter(png::FilterType::NoFilter);
                let mut writer = enc.write_header().context("encoding PNG")?;
                writer.write_image_data(&indices).context("encoding PNG")?;
                writer.finish().context("encoding PNG")?;
            }
            None => {
                enc.set_color(png::ColorType::Rgb);
                enc.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
                let mut writer = enc.write_header().context("encoding PNG")?;
                writer.write_image_data(rgb).context("encoding PNG")?;
                writer.finish().context("encoding PNG")?;
            }
        }
    }
    Ok(out)
}

/// The image as a palette (in order of first appearance, so the bytes are deterministic) and
/// one index per pixel, when it has at most 256 colours.
fn indexed(rgb: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut seen: std::collections::HashMap<[u8; 3], u8> = std::collections::HashMap::new();
    let mut palette = Vec::new();
    let mut indices = Vec::with_capacity(rgb.len() / 3);
    for px in rgb.chunks_exact(3) {
        let key = [px[0], px[1], px[2]];
        let i = match seen.get(&key) {
            Some(&i) => i,
            None => {
                let i = u8::try_from(seen.len()).ok()?;
                seen.insert(key, i);
                palette.extend_from_slice(&key);
                i
            }
        };
        indices.push(i);
    }
    Some((palette, indices))
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
        let bad = [
            ChartOptions {
                width: 10,
                ..Default::default()
            },
            ChartOptions {
                height: 0,
                ..Default::default()
            },
            ChartOptions {
                scale: 0,
                ..Default::default()
            },
            ChartOptions {
                scale: 5,
                ..Default::default()
            },
            ChartOptions {
                width: 8000,
                height: 8000,
                scale: 2,
                ..Default::default()
            },
        ];
        for o in bad {
            assert!(o.validate().is_err(), "{o:?}");
        }
    }

    #[test]
    fn dates_from_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_088), (2024, 12, 31));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn no_runs_is_an_error_not_a_panic() {
        assert!(render_png_bytes(ChartKind::Fan, &[], &ChartOptions::default()).is_err());
    }
}
