//! The classroom walkthrough as slides: one PNG per step with the step's chart, its key figures
//! and its caption, in the shared frame, theme and font, so that the deck reads like the screen.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Canvas;
use super::axes::money_axis_tick;
use super::frame::{Frame, draw_frame};
use super::legend::{dashed_swatch, draw_legend, line_swatch, swatch};
use super::stamp::stamp;
use super::stamp::stamp_date;
use super::style::{Style, size};
use super::{ChartOptions, prepare};
use crate::format::{money_short, percent};
use crate::lesson::text::{chance, wrap};
use crate::lesson::{FEW, FUTURES, Lesson, Step, count};
use crate::output::{Inputs, write_atomic};
use crate::sim::Projection;
use crate::stats::target_probability;

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordi32, RangedCoordf64>>;

/// File name of a step's slide: `step-3-ten-futures.png`.
pub fn file_name(step: Step) -> String {
    let slug = match step {
        Step::Claim => "claim",
        Step::OneFuture => "one-future",
        Step::TenFutures => "ten-futures",
        Step::Thousand => "thousand-futures",
        Step::Fan => "fan",
        Step::Count => "count",
        Step::Policy => "policy",
    };
    format!("step-{}-{slug}.png", step.number())
}

/// Writes every step into `dir` (each file atomically, never over one of `inputs`); returns the
/// paths in step order.
pub fn export_all(
    dir: &Path,
    lesson: &Lesson,
    options: &ChartOptions,
    inputs: &Inputs,
) -> Result<Vec<PathBuf>> {
    Step::ALL
        .iter()
        .map(|&step| {
            let path = dir.join(file_name(step));
            let bytes = render_png(lesson, step, options)?;
            write_atomic(&path, &bytes, inputs)?;
            Ok(path)
        })
        .collect()
}

/// One step's slide as PNG bytes.
pub fn render_png(lesson: &Lesson, step: Step, options: &ChartOptions) -> Result<Vec<u8>> {
    let Some(base) = lesson.base else {
        anyhow::bail!("the walkthrough's futures are not simulated yet");
    };
    let (w, h) = prepare(std::slice::from_ref(base), options)?;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let bitmap = BitMapBackend::with_buffer(&mut rgb, (w, h));
        let root = super::backend::Crisp { inner: bitmap }.into_drawing_area();
        let st = Style::new(options);
        let slide = Slide {
            st: &st,
            lesson,
            base,
            step,
        };
        slide
            .draw(&root)
            .with_context(|| format!("drawing slide {}", step.number()))?;
        root.present().context("drawing the slide")?;
    }
    super::encode::png(&rgb, w, h, options.dpi, &[])
}

/// What every part of one step's slide is drawn from.
#[derive(Clone, Copy)]
struct Slide<'a> {
    st: &'a Style,
    lesson: &'a Lesson<'a>,
    base: &'a Projection,
    step: Step,
}

impl Slide<'_> {
    fn draw<DB: Canvas>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let caption = self.lesson.caption(self.step);
        let frame = Frame {
            title: format!(
                "Step {} of {} · {}",
                self.step.number(),
                Step::ALL.len(),
                caption.title
            ),
            subtitle: format!(
                "UK safety tech revenue · {}",
                self.lesson.scenario.scenario.name
            ),
            note: None,
            footer: stamp(std::slice::from_ref(self.base), stamp_date().as_deref()),
        };
        let area = draw_frame(root, self.st, &frame)?;
        let (w, h) = area.dim_in_pixel();
        let (top, bottom) = area.split_vertically((f64::from(h) * 0.66) as u32);
        let (plot, side) = top.split_horizontally((f64::from(w) * 0.70) as u32);
        self.draw_plot(&plot)?;
        self.draw_figures(&side)?;
        draw_caption(&bottom, self.st, &caption.paragraphs)?;
        Ok(())
    }

    fn draw_plot<DB: Canvas>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let Slide {
            st,
            lesson: l,
            base,
            step,
        } = *self;
        let pal = &st.palette;
        let (x0, x1) = l.window();
        let (target, target_year) = l.target();
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(st.text_px(56.0))
            .y_label_area_size(st.text_px(100.0))
            .margin_top(st.px(8.0))
            .margin_right(st.px(24.0))
            .build_cartesian_2d(x0..x1, {
                let (lo, hi) = super::axes::linear_range(0.0, l.value_top(step) * 1.08);
                lo..hi
            })?;
        super::axes::draw_year_mesh(&mut chart, st, "Revenue (£)", &money_axis_tick, 6)?;
        let thin = st.line(1.0);
        let bold = st.line(3.0);
        let claim_style = |c: RGBColor| {
            DashedLineSeries::new(l.claim(), st.px(10.0), st.px(7.0), c.stroke_width(bold))
        };

        match step {
            Step::Claim => {
                chart
                    .draw_series(claim_style(pal.median))?
                    .label(format!(
                        "Straight line: {} a year",
                        percent(l.scenario.growth.initial, 0)
                    ))
                    .legend(dashed_swatch(st, pal.median, bold));
                let pts = l.claim();
                chart.draw_series(
                    pts.iter()
                        .skip(1)
                        .map(|&p| Circle::new(p, st.px(6.0), pal.median.filled())),
                )?;
            }
            Step::OneFuture => {
                chart.draw_series(claim_style(pal.muted))?;
                if let (Some(path), Some(growth)) = (l.path(base, 0), l.one_future()) {
                    let c = pal.series[1];
                    chart
                        .draw_series(LineSeries::new(path.clone(), c.stroke_width(bold)))?
                        .label("One simulated future")
                        .legend(line_swatch(st, c.to_rgba(), bold));
                    chart.draw_series(
                        path.iter()
                            .skip(1)
                            .map(|&p| Circle::new(p, st.px(6.0), c.filled())),
                    )?;
                    // Each year's growth above its point.
                    let font = st.bold(size::LEGEND, super::theme::text_tone(c, pal.background));
                    chart.draw_series(growth.iter().map(|(y, v, g)| {
                        Text::new(
                            format!("{:+.0}%", g * 100.0),
                            (*y, *v),
                            font.clone().pos(Pos::new(HPos::Center, VPos::Bottom)),
                        )
                    }))?;
                }
            }
            Step::TenFutures => {
                chart.draw_series(claim_style(pal.muted))?;
                for i in 0..FEW {
                    if let Some(path) = l.path(base, i) {
                        let c = pal.series[i % pal.series.len()];
                        let s = chart
                            .draw_series(LineSeries::new(path, c.stroke_width(st.line(2.0))))?;
                        if i == 0 {
                            s.label(format!("{FEW} simulated futures"))
                                .legend(line_swatch(st, c.to_rgba(), st.line(2.0)));
                        }
                    }
                }
            }
            Step::Thousand => {
                let c = pal.series[0].mix(0.07);
                for i in 0..FUTURES {
                    if let Some(path) = l.path(base, i) {
                        let s = chart.draw_series(LineSeries::new(path, c.stroke_width(thin)))?;
                        if i == 0 {
                            s.label(format!("{} simulated futures", count(FUTURES)))
                                .legend(line_swatch(st, pal.series[0].mix(0.5), bold));
                        }
                    }
                }
            }
            Step::Fan => {
                let c = pal.series[0].mix(0.035);
                for i in 0..FUTURES {
                    if let Some(path) = l.path(base, i) {
                        chart.draw_series(LineSeries::new(path, c.stroke_width(thin)))?;
                    }
                }
                draw_fan(&mut chart, st, l, base)?;
            }
            Step::Count => {
                let (hit, miss) = (pal.series[2], pal.series[1]);
                // Misses first so the futures that make it stay on top; one legend entry each.
                for reached in [false, true] {
                    let c = if reached { hit } else { miss };
                    let mut labelled = false;
                    for i in 0..FUTURES {
                        if l.at_target(base, i).is_some_and(|v| v >= target) != reached {
                            continue;
                        }
                        let Some(path) = l.path(base, i) else {
                            continue;
                        };
                        let upto: Vec<(i32, f64)> = path
                            .into_iter()
                            .filter(|(y, _)| *y <= target_year)
                            .collect();
                        let s = chart
                            .draw_series(LineSeries::new(upto, c.mix(0.1).stroke_width(thin)))?;
                        if !labelled {
                            labelled = true;
                            s.label(if reached {
                                format!("reach {} in {target_year}", money_short(target))
                            } else {
                                "fall short".to_string()
                            })
                            .legend(line_swatch(
                                st,
                                c.to_rgba(),
                                bold,
                            ));
                        }
                    }
                }
            }
            Step::Policy => {
                if let Some((off, on)) = l.policy_runs() {
                    let ghost = super::theme::blend(pal.muted, pal.background, 0.55);
                    for i in 0..FEW {
                        let (Some(a), Some(b)) = (l.path(off, i), l.path(on, i)) else {
                            continue;
                        };
                        let sa = chart.draw_series(DashedLineSeries::new(
                            a,
                            st.px(8.0),
                            st.px(6.0),
                            ghost.stroke_width(st.line(1.5)),
                        ))?;
                        if i == 0 {
                            sa.label("Without the policy").legend(dashed_swatch(
                                st,
                                ghost,
                                st.line(1.5),
                            ));
                        }
                        let c = pal.series[2];
                        let sb =
                            chart.draw_series(LineSeries::new(b, c.stroke_width(st.line(2.5))))?;
                        if i == 0 {
                            sb.label("Same future, with the policy").legend(line_swatch(
                                st,
                                c.to_rgba(),
                                st.line(2.5),
                            ));
                        }
                    }
                }
            }
        }

        // History, target line and marker on every slide.
        let m = &l.scenario.market;
        let hist = m.history.clone();
        chart
            .draw_series(LineSeries::new(
                hist.clone(),
                pal.history.stroke_width(bold),
            ))?
            .label("Published revenue")
            .legend(line_swatch(st, pal.history.to_rgba(), bold));
        chart.draw_series(
            hist.iter()
                .map(|&p| Circle::new(p, st.px(5.0), pal.history.filled())),
        )?;
        let tw = st.line(2.0);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x0, target), (x1, target)],
                st.px(12.0),
                st.px(8.0),
                pal.target.stroke_width(tw),
            ))?
            .label(format!("Target: {} in {target_year}", money_short(target)))
            .legend(dashed_swatch(st, pal.target, tw));
        if (x0..=x1).contains(&target_year) {
            let r = st.px(8.0);
            chart.draw_series([
                Circle::new(
                    (target_year, target),
                    r + st.px(2.0),
                    pal.background.filled(),
                ),
                Circle::new((target_year, target), r, pal.target.filled()),
            ])?;
        }
        draw_legend(&mut chart, st, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    }
}

fn draw_fan<DB: Canvas>(
    chart: &mut Chart<DB>,
    st: &Style,
    l: &Lesson,
    p: &Projection,
) -> Result<()> {
    let pal = &st.palette;
    let m = &p.scenario.market;
    let last = l.window().1;
    let series = |f: &dyn Fn(&crate::sim::YearStats) -> f64| -> Vec<(i32, f64)> {
        std::iter::once((m.start_year, m.start_revenue))
            .chain(
                p.years
                    .iter()
                    .filter(|y| y.year <= last)
                    .map(|y| (y.year, f(y))),
            )
            .collect()
    };
    let band = |lo: Vec<(i32, f64)>, hi: Vec<(i32, f64)>| -> Vec<(i32, f64)> {
        hi.into_iter().chain(lo.into_iter().rev()).collect()
    };
    for (lo, hi, k, label) in [
        (
            series(&|y| y.p5()),
            series(&|y| y.p95()),
            0,
            "90 of 100 futures",
        ),
        (
            series(&|y| y.p25()),
            series(&|y| y.p75()),
            2,
            "50 of 100 futures",
        ),
    ] {
        let c = pal.bands[k];
        chart
            .draw_series(std::iter::once(Polygon::new(
                band(lo, hi),
                c.mix(0.85).filled(),
            )))?
            .label(label)
            .legend(swatch(st, c));
    }
    let w = st.line(3.0);
    chart
        .draw_series(LineSeries::new(
            series(&|y| y.median()),
            pal.median.stroke_width(w),
        ))?
        .label("Median: half above, half below")
        .legend(line_swatch(st, pal.median.to_rgba(), w));
    Ok(())
}

impl Slide<'_> {
    /// The step's key figures down the right of the chart: the first one large.
    fn draw_figures<DB: Canvas>(&self, area: &DrawingArea<DB, Shift>) -> Result<()> {
        let Slide {
            st,
            lesson: l,
            step,
            ..
        } = *self;
        let pal = &st.palette;
        let figures = figures(l, step);
        let x = st.px(24.0);
        let mut y = st.px(16.0);
        // Each text goes below the one before, `gap` under it.
        let mut put = |text: &str, font: &TextStyle, gap: f64| -> Result<()> {
            let (_, h) = area.estimate_text_size(text, font)?;
            area.draw_text(text, &font.pos(Pos::new(HPos::Left, VPos::Top)), (x, y))?;
            y += h as i32 + st.px(gap);
            Ok(())
        };
        for (i, (label, value)) in figures.iter().enumerate() {
            let value_font = if i == 0 {
                st.bold(64.0, super::theme::text_tone(pal.series[0], pal.background))
            } else {
                st.bold(size::TITLE * 0.8, pal.text)
            };
            put(value, &value_font, 4.0)?;
            put(label, &st.font(size::LEGEND, pal.muted), 18.0)?;
        }
        Ok(())
    }
}

/// (label, value) pairs for a step, every value from the runs.
fn figures(l: &Lesson, step: Step) -> Vec<(String, String)> {
    let (target, year) = l.target();
    let t = money_short(target);
    let m = &l.scenario.market;
    let mut out = Vec::new();
    match step {
        Step::Claim => {
            out.push((
                "growth a year, every year".into(),
                percent(l.scenario.growth.initial, 0),
            ));
            out.push((
                format!("revenue in {}", m.start_year),
                money_short(m.start_revenue),
            ));
            if let Some((y, v)) = l.claim().last() {
                out.push((format!("on the line in {y}"), money_short(*v)));
            }
        }
        Step::OneFuture => {
            if let Some(path) = l.one_future() {
                if let Some((_, v, _)) = path.iter().find(|(y, _, _)| *y == year) {
                    out.push((format!("this future in {year}"), money_short(*v)));
                }
                for (y, _, g) in path.iter().filter(|(y, _, _)| *y <= year) {
                    out.push((format!("growth in {y}"), format!("{:+.0}%", g * 100.0)));
                }
            }
        }
        Step::TenFutures => {
            if let Some(f) = l.base.and_then(|p| l.first_n(p, FEW)) {
                out.push((
                    format!("of {} reach {t} in {year}", f.n),
                    f.hits.to_string(),
                ));
                out.push((format!("lowest in {year}"), money_short(f.lowest)));
                out.push((format!("highest in {year}"), money_short(f.highest)));
            }
        }
        Step::Thousand => {
            if let Some(f) = l.base.and_then(|p| l.first_n(p, FUTURES)) {
                out.push(("futures, all equally likely".into(), count(f.n)));
                out.push((format!("lowest in {year}"), money_short(f.lowest)));
                out.push((format!("highest in {year}"), money_short(f.highest)));
            }
        }
        Step::Fan => {
            if let Some(b) = l.bands() {
                out.push((format!("median in {}", b.year), money_short(b.median)));
                out.push((
                    "50 of 100 futures".into(),
                    format!("{}–{}", money_short(b.p25), money_short(b.p75)),
                ));
                out.push((
                    "90 of 100 futures".into(),
                    format!("{}–{}", money_short(b.p5), money_short(b.p95)),
                ));
            }
        }
        Step::Count => {
            if let Some(p) = l.base {
                let tp = target_probability(p);
                out.push((
                    format!("of {} futures reach {t} in {year}", count(tp.paths)),
                    count(tp.hits),
                ));
                for p in l.ladder.iter().flatten() {
                    let tp = target_probability(p);
                    out.push((
                        format!("with {} futures (± Monte Carlo, 95%)", count(tp.paths)),
                        format!("{} ± {}", chance(&tp), tp.margin_points()),
                    ));
                }
            }
        }
        Step::Policy => {
            if let Some(e) = l.policy_effect() {
                out.push((
                    format!("chance of {t} in {year} with the policy"),
                    percent(e.on.probability, 0),
                ));
                out.push(("without it".into(), percent(e.off.probability, 0)));
                out.push((format!("futures that now reach {t}"), count(e.gained)));
            }
        }
    }
    out
}

/// The caption, wrapped to the slide's width, strong figures in bold.
fn draw_caption<DB: Canvas>(
    area: &DrawingArea<DB, Shift>,
    st: &Style,
    paragraphs: &[Vec<crate::lesson::Piece>],
) -> Result<()> {
    let pal = &st.palette;
    let (w, h) = area.dim_in_pixel();
    let left = st.px(8.0);
    let avail = w as i32 - 2 * left;
    // Shrink the text until the whole caption fits the space under the chart.
    let mut base = size::SUBTITLE * 1.1;
    loop {
        let plain = st.font(base, pal.text);
        let strong = st.bold(base, pal.text);
        let sample = "the quick brown fox jumps over the lazy dog, £1,000m 71% ";
        let (sw, sh) = area.estimate_text_size(sample, &strong)?;
        let per_char = f64::from(sw) / sample.chars().count() as f64;
        let chars = ((f64::from(avail) / per_char) * 0.97).max(10.0) as usize;
        let line_h = (f64::from(sh) * 1.35) as i32;
        let para_gap = line_h / 3;
        let lines: Vec<_> = paragraphs
            .iter()
            .map(|p| wrap(std::slice::from_ref(p), chars))
            .collect();
        let total: i32 = lines
            .iter()
            .map(|p| p.len() as i32 * line_h + para_gap)
            .sum();
        if total <= h as i32 - st.px(8.0) || base < size::LEGEND * 0.7 {
            let mut y = st.px(12.0);
            for para in lines {
                for line in para {
                    let mut x = left;
                    for piece in line {
                        let style = if piece.strong { &strong } else { &plain };
                        area.draw_text(
                            &piece.text,
                            &style.clone().pos(Pos::new(HPos::Left, VPos::Top)),
                            (x, y),
                        )?;
                        x += area.estimate_text_size(&piece.text, style)?.0 as i32;
                    }
                    y += line_h;
                }
                y += para_gap;
            }
            return Ok(());
        }
        base *= 0.92;
    }
}
