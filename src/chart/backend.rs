//! Two drawing backends around plotters' own.
//!
//! [`Crisp`] wraps the bitmap backend and draws text itself: plotters' glyph loop drops each
//! glyph's left side bearing and truncates the pen position to whole pixels, which spaces letters
//! unevenly at small sizes ("scenari o", commas that read as full stops). Here every glyph is
//! placed at its fractional pen position with its bearing, inside the same layout box plotters
//! measures, so layout is unchanged.
//!
//! [`Recorder`] draws nothing and keeps every text box and circle, so tests can check a chart's
//! layout (no overlaps, nothing off the canvas, the smallest font, the target marker) quickly
//! and without reading pixels.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
};

use super::font::{BOLD, REGULAR};

fn face(style: FontStyle) -> Option<&'static FontRef<'static>> {
    static FACES: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        Some((
            FontRef::try_from_slice(REGULAR).ok()?,
            FontRef::try_from_slice(BOLD).ok()?,
        ))
    });
    let (regular, bold) = faces.as_ref()?;
    Some(match style {
        FontStyle::Bold => bold,
        _ => regular,
    })
}

/// Where the PNG puts a text's baseline, below the top of its layout box, as a fraction of the
/// size: capitals start at the top of the box and descenders end near its bottom. SVG text is
/// placed to match (svg_text).
pub const BASELINE_FROM_TOP: f64 = 0.62;

/// Where text of `size` whose layout box is `layout` lands when anchored at `pos`: the box's
/// corners in backend pixels, rotation included.
pub fn text_box<S: BackendTextStyle>(
    style: &S,
    layout: ((i32, i32), (i32, i32)),
    pos: BackendCoord,
) -> (BackendCoord, BackendCoord) {
    let ((min_x, min_y), (max_x, max_y)) = layout;
    let (width, height) = (max_x - min_x, max_y - min_y);
    let (dx, dy) = anchor_offset(style, width, height);
    let t = style.transform();
    let (ax, ay) = t.transform(dx, dy);
    let (bx, by) = t.transform(dx + width, dy + height);
    (
        (pos.0 + ax.min(bx), pos.1 + ay.min(by)),
        (pos.0 + ax.max(bx), pos.1 + ay.max(by)),
    )
}

fn anchor_offset<S: BackendTextStyle>(style: &S, width: i32, height: i32) -> (i32, i32) {
    let dx = match style.anchor().h_pos {
        HPos::Left => 0,
        HPos::Right => -width,
        HPos::Center => -width / 2,
    };
    let dy = match style.anchor().v_pos {
        VPos::Top => 0,
        VPos::Center => -height / 2,
        VPos::Bottom => -height,
    };
    (dx, dy)
}

/// The bitmap backend with text drawn at fractional glyph positions.
pub struct Crisp<DB> {
    pub inner: DB,
}

impl<DB: DrawingBackend> DrawingBackend for Crisp<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, (iw, ih), src)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        let Some(font) = face(style.style()) else {
            return self.inner.draw_text(text, style, pos);
        };
        if color.alpha == 0.0 {
            return Ok(());
        }
        let layout = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let ((min_x, min_y), (max_x, max_y)) = layout;
        let (dx, dy) = anchor_offset(style, max_x - min_x, max_y - min_y);
        let t = style.transform();
        let size = style.size() as f32;
        let scaled = font.as_scaled(PxScale::from(size));
        let baseline = BASELINE_FROM_TOP as f32 * size;
        let (w, h) = self.get_size();
        let mut caret = 0.0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                caret += scaled.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(size, point(caret, baseline));
            caret += scaled.h_advance(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x, y, coverage)));
            for (x, y, coverage) in pixels {
                // Eight levels of coverage are as smooth to the eye as 256 and keep the image
                // to few enough colours for an indexed PNG, a fraction of the size.
                let coverage = (coverage.min(1.0) * 8.0).round() / 8.0;
                if coverage <= 0.0 {
                    continue;
                }
                let gx = b.min.x as i32 + x as i32 + dx;
                let gy = b.min.y as i32 + y as i32 + dy;
                let (tx, ty) = t.transform(gx, gy);
                let (px, py) = (pos.0 + tx, pos.1 + ty);
                if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                    let c = BackendColor {
                        alpha: color.alpha * f64::from(coverage),
                        rgb: color.rgb,
                    };
                    self.inner.draw_pixel((px, py), c)?;
                }
            }
        }
        Ok(())
    }
}

/// A text as laid out: its string, font size in pixels and box on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub text: String,
    pub size: f64,
    /// Top-left and bottom-right corners, in pixels.
    pub min: (i32, i32),
    pub max: (i32, i32),
}

impl TextBox {
    /// Whether the two boxes share more than `slack` pixels in both directions.
    pub fn overlaps(&self, other: &TextBox, slack: i32) -> bool {
        let x = self.max.0.min(other.max.0) - self.min.0.max(other.min.0);
        let y = self.max.1.min(other.max.1) - self.min.1.max(other.min.1);
        x > slack && y > slack
    }
}

/// A filled or stroked circle: centre, radius and colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CircleMark {
    pub center: (i32, i32),
    pub radius: u32,
    pub rgb: (u8, u8, u8),
}

/// A rectangle: corners, colour, and whether filled (bars, swatches, legend boxes and their
/// borders).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RectMark {
    pub min: (i32, i32),
    pub max: (i32, i32),
    pub rgb: (u8, u8, u8),
    pub filled: bool,
}

/// A stroked straight segment and its colour (lines are recorded segment by segment).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentMark {
    pub from: (i32, i32),
    pub to: (i32, i32),
    pub rgb: (u8, u8, u8),
}

/// What a chart drew, without the pixels.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub size: (u32, u32),
    pub texts: Vec<TextBox>,
    pub circles: Vec<CircleMark>,
    pub rects: Vec<RectMark>,
    pub segments: Vec<SegmentMark>,
}

/// A backend that records text and circles and draws nothing.
pub struct Recorder {
    pub layout: std::rc::Rc<std::cell::RefCell<Layout>>,
}

impl DrawingBackend for Recorder {
    type ErrorType = std::io::Error;

    fn get_size(&self) -> (u32, u32) {
        self.layout.borrow().size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let c = style.color();
        if c.alpha > 0.0 {
            self.layout.borrow_mut().segments.push(SegmentMark {
                from,
                to,
                rgb: c.rgb,
            });
        }
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let c = style.color();
        if c.alpha > 0.0 {
            self.layout.borrow_mut().rects.push(RectMark {
                min: (
                    upper_left.0.min(bottom_right.0),
                    upper_left.1.min(bottom_right.1),
                ),
                max: (
                    upper_left.0.max(bottom_right.0),
                    upper_left.1.max(bottom_right.1),
                ),
                rgb: c.rgb,
                filled: fill,
            });
        }
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let c = style.color();
        if c.alpha > 0.0 {
            let points: Vec<BackendCoord> = path.into_iter().collect();
            let mut layout = self.layout.borrow_mut();
            for w in points.windows(2) {
                layout.segments.push(SegmentMark {
                    from: w[0],
                    to: w[1],
                    rgb: c.rgb,
                });
            }
        }
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        _: I,
        _: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn blit_bitmap(
        &mut self,
        _: BackendCoord,
        _: (u32, u32),
        _: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let c = style.color();
        if c.alpha > 0.0 {
            self.layout.borrow_mut().circles.push(CircleMark {
                center,
                radius,
                rgb: c.rgb,
            });
        }
        Ok(())
    }
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let layout = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (min, max) = text_box(style, layout, pos);
        self.layout.borrow_mut().texts.push(TextBox {
            text: text.to_string(),
            size: style.size(),
            min,
            max,
        });
        Ok(())
    }
}
