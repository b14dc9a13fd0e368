//! Policy dates from the scenarios' events, as thin labelled ticks above the plot of the fan
//! and compare charts: a tick at a fixed year ("osa"), a bracket over a window of possible
//! start years ("us-market window"). Years are the scenario's own: the year whose published
//! figure an event can first move. `--no-events` leaves them out.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Canvas;
use super::style::{Style, size};
use crate::sim::Projection;

/// One event's dates: the first and last year any of its outcomes can start in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub label: String,
    pub from: i32,
    pub to: i32,
}

/// The events of `runs`, each once: an event several scenarios share is marked over every year
/// any of them can start it in. In order of their first year; outcomes that cannot happen
/// (probability 0) are left out.
pub fn marks(runs: &[Projection]) -> Vec<Mark> {
    // (id, first year, last year), in the order first met.
    let mut seen: Vec<(String, i32, i32)> = Vec::new();
    for run in runs {
        for e in &run.scenario.events {
            let spans = e
                .outcomes
                .iter()
                .filter(|o| o.probability > 0.0)
                .filter_map(|o| {
                    let (a, b) = o
                        .year
                        .map(|y| (y, y))
                        .or(o.window.map(|w| (w[0], w[1])))
                        .or(e.year.map(|y| (y, y)))
                        .or(e.window.map(|w| (w[0], w[1])))?;
                    let d = i32::try_from(o.delay).unwrap_or(0);
                    Some((a + d, b + d))
                });
            let Some((from, to)) = spans.fold(None, |acc: Option<(i32, i32)>, (a, b)| {
                Some(acc.map_or((a, b), |(x, y)| (x.min(a), y.max(b))))
            }) else {
                continue;
            };
            match seen.iter_mut().find(|s| s.0 == e.id) {
                Some(s) => {
                    s.1 = s.1.min(from);
                    s.2 = s.2.max(to);
                }
                None => seen.push((e.id.clone(), from, to)),
            }
        }
    }
    let mut out: Vec<Mark> = seen
        .into_iter()
        .map(|(id, from, to)| Mark {
            label: if from == to {
                id
            } else {
                format!("{id} window")
            },
            from,
            to,
        })
        .collect();
    out.sort_by_key(|m| (m.from, m.to));
    out
}

/// Where the marks go above a plot spanning pixels `left..right` for years `x0..=x1`: each
/// mark's pixel span and label row (labels that would run into one another go a row up), and
/// the height of the strip they need. Marks outside the years are dropped.
pub struct Strip {
    pub placed: Vec<(Mark, (i32, i32), usize)>,
    pub height: i32,
    text_h: i32,
}

pub fn layout<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    marks: &[Mark],
    (x0, x1): (i32, i32),
    (left, right): (i32, i32),
) -> Result<Strip> {
    let font = font(st);
    let text_h = area.estimate_text_size("Ag", &font)?.1 as i32;
    let gap = st.px(4.0);
    let span = f64::from((x1 - x0).max(1));
    let x_of = |y: i32| left + (f64::from(y - x0) / span * f64::from(right - left)).round() as i32;
    let mut rows: Vec<i32> = Vec::new(); // each row's right end so far
    let mut placed = Vec::new();
    for m in marks {
        if m.to < x0 || m.from > x1 {
            continue;
        }
        let (a, b) = (x_of(m.from.max(x0)), x_of(m.to.min(x1)));
        let w = area.estimate_text_size(&m.label, &font)?.0 as i32;
        let start = label_x(a, w, right);
        let row = match rows.iter().position(|&end| end + gap * 2 <= start) {
            Some(r) => r,
            None => {
                rows.push(i32::MIN);
                rows.len() - 1
            }
        };
        rows[row] = (start + w).max(b);
        placed.push((m.clone(), (a, b), row));
    }
    let height = rows.len() as i32 * (text_h + gap + tick(st));
    Ok(Strip {
        placed,
        height,
        text_h,
    })
}

fn font(st: &Style) -> TextStyle<'static> {
    st.font(size::FOOTER, st.palette.muted)
}

fn tick(st: &Style) -> i32 {
    st.px(8.0)
}

/// A label `w` wide starts at its tick, or ends at the plot's right edge when it would pass it.
fn label_x(at: i32, w: i32, right: i32) -> i32 {
    at.min(right - w)
}

/// Draws the strip's marks on `area` (pixel coordinates relative to it) above the plot's top
/// edge `top`.
pub fn draw<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    strip: &Strip,
    top: i32,
    right: i32,
) -> Result<()> {
    let line = st.palette.axis.stroke_width(st.line(1.0));
    let gap = st.px(4.0);
    let t = tick(st);
    // Each row holds its marks and their labels and nothing else: at its foot a tick at a
    // year, or a bracket over a window, and the label above it; no line crosses a row.
    for (m, (a, b), row) in &strip.placed {
        let foot = top - *row as i32 * (strip.text_h + gap + t);
        // The ends stop short of the row's foot, clear of the label in the row below.
        let (level, end) = (foot - t, foot - gap);
        let mut path = vec![(*a, end), (*a, level)];
        if b > a {
            path.extend([(*b, level), (*b, end)]);
        }
        area.draw(&PathElement::new(path, line))?;
        let w = area.estimate_text_size(&m.label, &font(st))?.0 as i32;
        area.draw_text(
            &m.label,
            &font(st).pos(Pos::new(HPos::Left, VPos::Bottom)),
            (label_x(*a, w, right), level - gap / 2),
        )?;
    }
    Ok(())
}
