//! The fan chart: graduated 5–95 / 10–90 / 25–75 bands at half-cell resolution, the median,
//! the history, the target line and marker, and the forecast start.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::Widget;

use super::plot::{Canvas, Ink, Scale, Years, frame, interpolate};
use super::theme::Theme;
use crate::sim::Projection;

/// (year, value) points of one series.
type Points = Vec<(f64, f64)>;

pub struct FanChart<'a> {
    pub projection: &'a Projection,
    pub theme: &'a Theme,
    pub log: bool,
}

/// Per-year points of one quantity, starting from the last observed year.
fn series(p: &Projection, f: impl Fn(&crate::sim::YearStats) -> f64) -> Vec<(f64, f64)> {
    let m = &p.scenario.market;
    std::iter::once((f64::from(m.start_year), m.start_revenue))
        .chain(p.years.iter().map(|y| (f64::from(y.year), f(y))))
        .collect()
}

/// The year range and value scale that show history, the 5–95 band and the target.
pub fn extent(p: &Projection, log: bool) -> ((i32, i32), Scale) {
    let m = &p.scenario.market;
    let first = m
        .history
        .first()
        .map_or(m.start_year, |h| h.0.min(m.start_year));
    let values = m
        .history
        .iter()
        .map(|h| h.1)
        .chain(p.years.iter().flat_map(|y| [y.p5(), y.p95()]))
        .chain([m.start_revenue, p.scenario.target.revenue])
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    ((first, m.horizon.max(first + 1)), Scale::fit(lo, hi, log))
}

/// The frame of a revenue chart with the target marked on its value axis: the plot rectangle,
/// its year axis and an empty canvas over it; None if there is no room for a plot.
pub fn target_frame(
    area: Rect,
    buf: &mut Buffer,
    scale: &Scale,
    years: (i32, i32),
    t: &Theme,
    target: f64,
) -> Option<(Rect, Years, Canvas)> {
    let target_style = t.base().fg(t.target).add_modifier(Modifier::BOLD);
    let plot = frame(area, buf, scale, years, t, &[(target, target_style)])?;
    let axis = Years {
        first: years.0,
        last: years.1,
        width: plot.width,
    };
    Some((plot, axis, Canvas::new(plot.width, plot.height)))
}

impl Widget for FanChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let p = self.projection;
        let t = self.theme;
        let (years, scale) = extent(p, self.log);
        let target = &p.scenario.target;
        let Some((plot, axis, mut canvas)) =
            target_frame(area, buf, &scale, years, t, target.revenue)
        else {
            return;
        };
        let unit = |v: f64| scale.unit(v);

        // Bands in unit space, outermost first so inner ones paint over.
        let bands = [
            (series(p, |y| y.p5()), series(p, |y| y.p95())),
            (series(p, |y| y.p10()), series(p, |y| y.p90())),
            (series(p, |y| y.p25()), series(p, |y| y.p75())),
        ];
        let to_unit = |pts: &[(f64, f64)]| -> Vec<(f64, f64)> {
            pts.iter().map(|(x, v)| (*x, unit(*v))).collect()
        };
        let bands: Vec<(Points, Points)> = bands
            .iter()
            .map(|(l, h)| (to_unit(l), to_unit(h)))
            .collect();
        for x in 0..plot.width {
            let year = axis.at(x);
            for (k, (lo, hi)) in bands.iter().enumerate() {
                let (Some(l), Some(h)) = (interpolate(lo, year), interpolate(hi, year)) else {
                    continue;
                };
                for row in 0..canvas.rows() {
                    let u = canvas.unit_of(row);
                    if u >= l && u <= h {
                        canvas.set(i32::from(x), row, Ink::Band(k as u8));
                    }
                }
                // Keep a band visible where it is thinner than a pixel.
                if h - l < 1.0 / f64::from(canvas.rows()) {
                    canvas.set(
                        i32::from(x),
                        canvas.row_of((l + h) / 2.0),
                        Ink::Band(k as u8),
                    );
                }
            }
        }

        // Forecast start: a dotted vertical guide in the empty space.
        let start_col = i32::from(axis.column(f64::from(p.scenario.market.start_year)));
        for row in (0..canvas.rows()).step_by(2) {
            if canvas.get(start_col, row).is_none() {
                canvas.set(start_col, row, Ink::Guide);
            }
        }

        // Target: a dashed line across the plot.
        let target_row = canvas.row_of(unit(target.revenue));
        for x in 0..i32::from(plot.width) {
            if x % 3 != 2 {
                canvas.set(x, target_row, Ink::Target);
            }
        }

        let history: Vec<(f64, f64)> = p
            .scenario
            .market
            .history
            .iter()
            .map(|(y, v)| (f64::from(*y), unit(*v)))
            .collect();
        let hist_col: Vec<Option<f64>> = (0..plot.width)
            .map(|x| interpolate(&history, axis.at(x)))
            .collect();
        canvas.polyline(&hist_col, Ink::History, false);
        let median = to_unit(&series(p, |y| y.median()));
        let med_col: Vec<Option<f64>> = (0..plot.width)
            .map(|x| interpolate(&median, axis.at(x)))
            .collect();
        canvas.polyline(&med_col, Ink::Median, false);

        canvas.render(plot, buf, t);

        // Target marker where the target year meets the target value.
        let mx = i32::from(axis.column(f64::from(target.year)));
        let my_px = canvas.row_of(unit(target.revenue));
        crate::tui::plot::target_marker(&canvas, plot, mx, my_px, buf, t);
    }
}
