//! The words around the plot: title, subtitle, a note, and the footer, each shrunk or wrapped
//! to fit the canvas; and the texts most charts put there.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Canvas;
use super::style::{Style, size};
use crate::format::money_short;
use crate::sim::Projection;
use crate::stats::{TargetProbability, target_probability};

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

/// Fills the canvas (unless it is to stay transparent), draws title, subtitle and footer, and
/// returns the area left for the plot.
pub fn draw_frame<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    frame: &Frame,
) -> Result<DrawingArea<DB, Shift>> {
    if let Some(canvas) = st.canvas {
        root.fill(&canvas)?;
    }
    frame_area(root, st, frame, true)
}

/// The area [`draw_frame`] would leave for the plot, drawing nothing.
pub fn layout_frame<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    frame: &Frame,
) -> Result<DrawingArea<DB, Shift>> {
    frame_area(root, st, frame, false)
}

fn frame_area<DB: Canvas>(
    root: &DrawingArea<DB, Shift>,
    st: &Style,
    frame: &Frame,
    draw: bool,
) -> Result<DrawingArea<DB, Shift>> {
    let p = &st.palette;
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
        let style = fit_text(root, h, avail, SHRINK_FLOOR, |s| {
            st.bold(size::TITLE * s, p.text)
        })?;
        y = draw_lines(root, h, &style, avail, side, y, draw)? + st.px(10.0);
    }
    if !frame.title.trim().is_empty() {
        // Under a headline the title names the chart, a step smaller.
        let title_size = if headline.is_some() {
            size::SUBTITLE * 1.2
        } else {
            size::TITLE
        };
        let title = fit_text(root, &frame.title, avail, SHRINK_FLOOR, |s| {
            st.bold(title_size * s, p.text)
        })?;
        y = draw_lines(root, &frame.title, &title, avail, side, y, draw)? + st.px(12.0);
    }
    let subtitle = st.brief.subtitle.as_deref().unwrap_or(&frame.subtitle);
    if !subtitle.trim().is_empty() {
        // Sentences wrap rather than shrink far: a subtitle at 60% read as fine print.
        let sub = fit_text(root, subtitle, avail, 0.85, |s| {
            st.font(size::SUBTITLE * s, p.muted)
        })?;
        y = draw_lines(root, subtitle, &sub, avail, side, y, draw)?;
    }
    if let Some(note) = frame.note.as_deref().filter(|n| !n.is_empty()) {
        y += st.px(10.0);
        let style = fit_text(root, note, avail, SHRINK_FLOOR, |s| {
            st.bold(size::NOTE * s, p.text)
        })?;
        y = draw_lines(root, note, &style, avail, side, y, draw)?;
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
        let foot = fit_text(root, line, avail, SHRINK_FLOOR, |s| {
            st.font(size::FOOTER * s, p.muted)
        })?;
        for part in wrap(root, line, &foot, avail)?.iter().rev() {
            let (_, h) = root.estimate_text_size(part, &foot)?;
            if draw {
                root.draw_text(
                    part,
                    &foot.pos(Pos::new(HPos::Left, VPos::Bottom)),
                    (side, height as i32 - bottom - foot_h),
                )?;
            }
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
fn wrap<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    avail: u32,
) -> Result<Vec<String>> {
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

/// Draws `text` (if `draw`) from (x, y) down, wrapped to `avail`; returns the y below the last
/// line.
fn draw_lines<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    avail: u32,
    x: i32,
    mut y: i32,
    draw: bool,
) -> Result<i32> {
    let lines = wrap(area, text, style, avail)?;
    for (i, line) in lines.iter().enumerate() {
        let (_, h) = area.estimate_text_size(line, style)?;
        if draw {
            area.draw_text(line, &style.pos(Pos::new(HPos::Left, VPos::Top)), (x, y))?;
        }
        y += h as i32;
        if i + 1 < lines.len() {
            y += (f64::from(h) * 0.25) as i32;
        }
    }
    Ok(y)
}

/// How far a title, note or footer line may shrink to fit before it is wrapped.
const SHRINK_FLOOR: f64 = 0.6;

/// The style from `make(1.0)`, shrunk down to `floor` of its size until `text` fits in `avail`
/// pixels, so a long title or scenario name is never clipped at the edge (what still does not
/// fit is wrapped).
fn fit_text<DB, F>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    avail: u32,
    floor: f64,
    make: F,
) -> Result<TextStyle<'static>>
where
    DB: Canvas,
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

/// "P(≥ £1bn in 2026) = 12.3% (Monte Carlo ±0.20 pts)", with as many decimals as the Monte
/// Carlo error allows.
pub fn probability_note(t: &TargetProbability) -> String {
    format!(
        "P(≥ {} in {}) = {}",
        money_short(t.revenue),
        t.year,
        t.with_margin()
    )
}

/// The one-line probability annotation of a run.
pub fn note_of(p: &Projection) -> String {
    probability_note(&target_probability(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn futures_agree_in_number() {
        assert_eq!(futures(1), "1 simulated future");
        assert_eq!(futures(4000), "4,000 simulated futures");
    }
}
