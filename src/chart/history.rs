//! The published series with the officials' £1bn claims, each read on the data's clock: the
//! figure for year y is the sector analysis published in y (mostly revenue of y − 1), and a
//! claim "by Y" made with the figure of year m is the path from that figure to £1bn in the
//! analysis of year Y. Nothing is simulated on this chart.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::compare::{dash_px, draw_line, series_style};
use super::fan::{draw_history, year_chart_with};
use super::frame::{Frame, draw_frame};
use super::legend::{LegendEntry, legend_above};
use super::style::size;
use super::{Canvas, Ctx};
use crate::format::money_short;
use crate::sim::Projection;

/// A claim officials made about the sector's revenue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// The year of the published figure it was made with (and of its announcement).
    pub said_in: i32,
    /// The year it names, on the data's clock.
    pub year: i32,
    pub revenue: f64,
}

/// "Could exceed £1bn by 2025" (the 2020 analysis, with £226m); "expected to surpass £1bn by
/// 2026" (the Oct 2024 announcement of £623m).
pub const CLAIMS: [Claim; 2] = [
    Claim {
        said_in: 2020,
        year: 2025,
        revenue: 1000.0,
    },
    Claim {
        said_in: 2024,
        year: 2026,
        revenue: 1000.0,
    },
];

/// The last year a claim names: where the history chart's year axis ends.
pub fn last_year() -> i32 {
    CLAIMS.iter().map(|c| c.year).max().unwrap_or(2026)
}

/// The published figures of `p`'s scenario, oldest first, up to its start year.
pub fn published(p: &Projection) -> Vec<(i32, f64)> {
    let m = &p.scenario.market;
    let mut points: Vec<(i32, f64)> = m
        .history
        .iter()
        .filter(|h| h.0 <= m.start_year)
        .copied()
        .collect();
    if !points.iter().any(|h| h.0 == m.start_year) {
        points.push((m.start_year, m.start_revenue));
    }
    points.sort_by_key(|h| h.0);
    points
}

/// Each claim whose figure was published, with that figure and the simple annual growth it
/// needed: (claim, figure, growth).
pub fn claims(p: &Projection) -> Vec<(Claim, f64, f64)> {
    let points = published(p);
    CLAIMS
        .iter()
        .filter_map(|c| {
            let base = points.iter().find(|h| h.0 == c.said_in)?.1;
            let years = f64::from(c.year - c.said_in);
            (years > 0.0 && base > 0.0)
                .then(|| (*c, base, (c.revenue / base).powf(1.0 / years) - 1.0))
        })
        .collect()
}

/// "'£1bn by 2025', said 2020: 34.6% a year needed".
pub fn claim_text(c: &Claim, growth: f64) -> String {
    format!(
        "'{} by {}', said {}: {} a year needed",
        money_short(c.revenue),
        c.year,
        c.said_in,
        crate::format::percent(growth, 1)
    )
}

/// The growth of the published series from its first figure to its last, a year.
pub fn published_growth(p: &Projection) -> Option<(i32, i32, f64)> {
    let points = published(p);
    let (first, last) = (points.first()?, points.last()?);
    let years = f64::from(last.0 - first.0);
    (years > 0.0 && first.1 > 0.0)
        .then(|| (first.0, last.0, (last.1 / first.1).powf(1.0 / years) - 1.0))
}

pub fn draw<DB: Canvas>(root: &DrawingArea<DB, Shift>, ctx: &Ctx, p: &Projection) -> Result<()> {
    let st = ctx.st;
    let pal = &st.palette;
    let claims = claims(p);
    let mut subtitle =
        "Revenue in each year's sector analysis, by year of publication (each mostly \
         describes the year before). Dashed: the path each claim needed from the figure it was \
         made with."
            .to_string();
    if let Some((a, b, g)) = published_growth(p) {
        subtitle.push_str(&format!(
            " Published {a}–{b}: {} a year.",
            crate::format::percent(g, 1)
        ));
    }
    let frame = Frame {
        title: ctx.title_or("UK safety tech revenue as published, and the £1bn claims".into()),
        subtitle,
        note: None,
        footer: ctx.published_footer(p),
    };
    let area = draw_frame(root, st, &frame)?;
    let width = st.line(3.0);
    let styles: Vec<_> = (0..claims.len()).map(|i| series_style(st, i + 1)).collect();
    let mut entries = vec![LegendEntry::Line(
        pal.history,
        "Published revenue".to_string(),
    )];
    for ((c, _, g), (color, _)) in claims.iter().zip(&styles) {
        entries.push(LegendEntry::Dashed(*color, claim_text(c, *g)));
    }
    let area = legend_above(&area, st, &entries, st.text_px(118.0))?;
    let points = published(p);
    let lo = points.iter().map(|h| h.1).fold(f64::INFINITY, f64::min);
    let hi = claims
        .iter()
        .map(|c| c.0.revenue)
        .chain(points.iter().map(|h| h.1))
        .fold(0.0, f64::max);
    // Room below the first figure for its label, above £1bn for the claims' markers.
    let mut chart = year_chart_with(&area, st, p, (lo * 0.85, hi * 1.05), st.px(24.0))?;
    let xr = chart.x_range();
    for ((c, base, _), &(color, dash)) in claims.iter().zip(&styles) {
        let id = format!("claim-{}", c.said_in);
        ctx.begin_group(root, &id, dash_px(dash, width), width)?;
        let line: Vec<(i32, f64)> = [(c.said_in, *base), (c.year, c.revenue)]
            .into_iter()
            .filter(|pt| (xr.start..=xr.end).contains(&pt.0))
            .collect();
        draw_line(&mut chart, line, color, dash, width, ctx.vector)?;
        ctx.end_group(root)?;
        if (xr.start..=xr.end).contains(&c.year) {
            let r = st.px(7.0);
            chart.draw_series(std::iter::once(Circle::new(
                (c.year, c.revenue),
                r,
                color.stroke_width(st.line(2.5)),
            )))?;
        }
    }
    draw_history(&mut chart, st, p)?;
    // Each published figure beside its dot, below and to the right, where no line runs.
    let plot = chart.plotting_area().strip_coord_spec();
    let (ax, ay) = plot.get_base_pixel();
    let font = st.font(size::LEGEND * 0.9, pal.text);
    for &(y, v) in points.iter().filter(|h| (xr.start..=xr.end).contains(&h.0)) {
        let (px, py) = chart.backend_coord(&(y, v));
        plot.draw_text(
            &money_short(v),
            &font.pos(Pos::new(HPos::Left, VPos::Top)),
            (px - ax + st.px(8.0), py - ay + st.px(6.0)),
        )?;
    }
    Ok(())
}
