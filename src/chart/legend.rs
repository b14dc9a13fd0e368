//! Legends and labels on the plot: the legend box, its swatches, and where a label beside a
//! line goes.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use super::Canvas;
use super::style::{Style, size};

/// The legend box in the theme, at `position`.
pub fn draw_legend<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    st: &Style,
    position: SeriesLabelPosition,
) -> Result<()>
where
    DB: Canvas + 'a,
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
pub fn beside_line<DB: Canvas>(
    plot: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    px: i32,
    gap: i32,
) -> Result<(HPos, i32)> {
    let (w, _) = plot.estimate_text_size(text, style)?;
    let (plot_w, _) = plot.dim_in_pixel();
    if px + gap + w as i32 <= plot_w as i32 {
        Ok((HPos::Left, px + gap))
    } else {
        Ok((HPos::Right, px - gap))
    }
}

/// One entry of a legend row: a filled swatch, a solid line or a dashed line, and its words.
pub enum LegendEntry {
    Fill(RGBColor, String),
    Line(RGBColor, String),
    Dashed(RGBColor, String),
}

impl LegendEntry {
    fn text(&self) -> &str {
        match self {
            LegendEntry::Fill(_, t) | LegendEntry::Line(_, t) | LegendEntry::Dashed(_, t) => t,
        }
    }
}

/// Where each entry of a legend row goes and how tall its lines are.
struct RowLayout {
    /// Each entry's swatch x and line index.
    at: Vec<(i32, i32)>,
    line_h: i32,
}

impl RowLayout {
    fn height(&self) -> i32 {
        self.at
            .last()
            .map_or(0, |&(_, row)| (row + 1) * self.line_h)
    }
}

/// Lays the entries out in a row, wrapped to the area's width.
fn legend_row_layout<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    entries: &[LegendEntry],
) -> Result<RowLayout> {
    let font = st.font(size::LEGEND, st.palette.text);
    let line_h = area.estimate_text_size("Ag", &font)?.1 as i32 + st.px(6.0);
    let avail = area.dim_in_pixel().0 as i32;
    let (swatch, gap, sep) = (st.px(26.0), st.px(6.0), st.px(24.0));
    let (mut x, mut row) = (0, 0);
    let mut at = Vec::new();
    for e in entries {
        let w = swatch + gap + area.estimate_text_size(e.text(), &font)?.0 as i32;
        if x > 0 && x + w > avail {
            x = 0;
            row += 1;
        }
        at.push((x, row));
        x += w + sep;
    }
    Ok(RowLayout { at, line_h })
}

/// Height a legend row (wrapped to the area's width) takes.
pub fn legend_row_height<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    entries: &[LegendEntry],
) -> Result<i32> {
    Ok(legend_row_layout(area, st, entries)?.height())
}

/// A legend as a row of entries along the top of `area`, outside the plot so it never covers
/// data; wraps to further lines where the width runs out. Returns the height used.
pub fn draw_legend_row<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    entries: &[LegendEntry],
) -> Result<i32> {
    let rows = legend_row_layout(area, st, entries)?;
    let line_h = rows.line_h;
    let font = st.font(size::LEGEND, st.palette.text);
    let (swatch_w, gap) = (st.px(26.0), st.px(6.0));
    for (e, &(x, row)) in entries.iter().zip(&rows.at) {
        let y = row * line_h + line_h / 2;
        match e {
            LegendEntry::Fill(c, _) => area.draw(&swatch(st, *c)((x, y)))?,
            LegendEntry::Line(c, _) => {
                area.draw(&line_swatch(st, c.to_rgba(), st.line(2.0))((x, y)))?
            }
            LegendEntry::Dashed(c, _) => area.draw(&dashed_swatch(st, *c, st.line(2.0))((x, y)))?,
        }
        area.draw_text(
            e.text(),
            &font.pos(plotters::style::text_anchor::Pos::new(
                HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
            (x + swatch_w + gap, y),
        )?;
    }
    Ok(rows.height())
}

/// Draws a legend row along the top of `area`, from `indent` (the plot's left edge) where it
/// fits in as few lines as from the area's edge, and returns the area below it for the plot.
pub fn legend_above<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    entries: &[LegendEntry],
    indent: i32,
) -> Result<DrawingArea<DB, Shift>> {
    let over_plot = area.margin(0, 0, indent, 0);
    let h = if legend_row_height(&over_plot, st, entries)? <= legend_row_height(area, st, entries)?
    {
        draw_legend_row(&over_plot, st, entries)?
    } else {
        draw_legend_row(area, st, entries)?
    };
    Ok(area.margin(h + st.px(4.0), 0, 0, 0))
}
