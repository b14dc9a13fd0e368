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

/// Drawing calls written out from their names and arguments alone: `forward` passes each on
/// unchanged to the backend in `self.inner`, `ignore` draws nothing.
macro_rules! drawing_calls {
    (forward: $(fn $name:ident $(<$($generic:ident: $bound:path),+>)? ($($arg:ident: $ty:ty),* $(,)?);)+) => {
        $(
            fn $name $(<$($generic: $bound),+>)? (
                &mut self,
                $($arg: $ty),*
            ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
                self.inner.$name($($arg),*)
            }
        )+
    };
    (ignore: $(fn $name:ident $(<$($generic:ident: $bound:path),+>)? ($(_: $ty:ty),* $(,)?);)+) => {
        $(
            fn $name $(<$($generic: $bound),+>)? (
                &mut self,
                $(_: $ty),*
            ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
                Ok(())
            }
        )+
    };
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
    drawing_calls! { forward:
        fn ensure_prepared();
        fn present();
        fn draw_pixel(point: BackendCoord, color: BackendColor);
        fn draw_line<S: BackendStyle>(from: BackendCoord, to: BackendCoord, style: &S);
        fn draw_rect<S: BackendStyle>(
            upper_left: BackendCoord,
            bottom_right: BackendCoord,
            style: &S,
            fill: bool,
        );
        fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(path: I, style: &S);
        fn draw_circle<S: BackendStyle>(center: BackendCoord, radius: u32, style: &S, fill: bool);
        fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(vert: I, style: &S);
        fn blit_bitmap(pos: BackendCoord, size: (u32, u32), src: &[u8]);
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

impl Recorder {
    /// Lets `add` note a mark in `style`'s colour, unless the style is fully transparent and
    /// so draws nothing.
    fn record<S: BackendStyle>(
        &self,
        style: &S,
        add: impl FnOnce(&mut Layout, (u8, u8, u8)),
    ) -> Result<(), DrawingErrorKind<std::io::Error>> {
        let c = style.color();
        if c.alpha > 0.0 {
            add(&mut self.layout.borrow_mut(), c.rgb);
        }
        Ok(())
    }
}

impl DrawingBackend for Recorder {
    type ErrorType = std::io::Error;

    fn get_size(&self) -> (u32, u32) {
        self.layout.borrow().size
    }
    drawing_calls! { ignore:
        fn ensure_prepared();
        fn present();
        fn draw_pixel(_: BackendCoord, _: BackendColor);
        fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(_: I, _: &S);
        fn blit_bitmap(_: BackendCoord, _: (u32, u32), _: &[u8]);
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.record(style, |layout, rgb| {
            layout.segments.push(SegmentMark { from, to, rgb });
        })
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (a, b) = (upper_left, bottom_right);
        let (min, max) = ((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1)));
        self.record(style, |layout, rgb| {
            layout.rects.push(RectMark {
                min,
                max,
                rgb,
                filled: fill,
            });
        })
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.record(style, |layout, rgb| {
            let points: Vec<BackendCoord> = path.into_iter().collect();
            for w in points.windows(2) {
                layout.segments.push(SegmentMark {
                    from: w[0],
                    to: w[1],
                    rgb,
                });
            }
        })
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.record(style, |layout, rgb| {
            layout.circles.push(CircleMark {
                center,
                radius,
                rgb,
            });
        })
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
