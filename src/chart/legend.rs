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
