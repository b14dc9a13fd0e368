//! Drawing the Teach tab: a chart of the step (with its animation), a panel of the step's key
//! figures (in large digits in the classroom theme), and the caption underneath.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::Teach;
use crate::format::money_short;
use crate::lesson::text::{chance, wrap};
use crate::lesson::{FEW, FUTURES, Lesson, Step, count};
use crate::sim::Projection;
use crate::stats::target_probability;
use crate::tui::fan::target_frame;
use crate::tui::plot::{Canvas, Ink, Scale, Years, interpolate};
use crate::tui::theme::Theme;
use crate::tui::view::stats::{big_text, big_width};
use crate::tui::view::{ellipsis, panel, placeholder};

/// Shown in the header while a step is still animating.
pub const PLAYING: &str = "▶";

pub fn render(teach: &Teach, t: &Theme, area: Rect, buf: &mut Buffer) {
    let step = teach.step();
    // The walkthrough names the scenario it runs, and whether it was edited.
    let scenario = teach.source.as_ref().map_or(String::new(), |(s, _)| {
        let edited = if s.provenance.is_edited() {
            " (edited)"
        } else {
            ""
        };
        format!("{}{edited} · ", s.scenario.id)
    });
    // The dots on the border count the steps, so a narrow title drops "of 7" before it cuts.
    let room = usize::from(area.width).saturating_sub(12);
    let (n, of) = (step.number(), Step::ALL.len());
    let full = format!(" Teach · {scenario}step {n} of {of} · {} ", step.title());
    let title = if full.chars().count() <= room {
        full
    } else {
        format!(" Teach · {scenario}step {n} · {} ", step.title())
    };
    let block = panel(ellipsis(&title, room), t);
    let inner = block.inner(area);
    block.render(area, buf);
    progress(teach, t, area, buf);
    let Some(lesson) = teach.lesson() else {
        placeholder(inner, buf, "preparing the walkthrough…", t);
        return;
    };
    if let Some(e) = &teach.error {
        placeholder(inner, buf, e, t);
        return;
    }
    if inner.width < 20 || inner.height < 6 {
        return;
    }

    // Caption at the bottom, as many lines as it needs up to half the height.
    let text_w = inner.width.saturating_sub(2);
    let caption = lesson.caption(step);
    let spacious = inner.height >= 30;
    let mut lines: Vec<Line> = Vec::new();
    for (i, para) in caption.paragraphs.iter().enumerate() {
        if spacious && i > 0 {
            lines.push(Line::default());
        }
        for l in wrap(std::slice::from_ref(para), usize::from(text_w)) {
            lines.push(Line::from(
                l.into_iter()
                    .map(|p| {
                        let style = if p.strong { t.accent() } else { t.base() };
                        Span::styled(p.text, style)
                    })
                    .collect::<Vec<_>>(),
            ));
        }
    }
    let cap_h = (lines.len() as u16).min(inner.height / 2);
    let cap = Rect::new(inner.x + 1, inner.bottom() - cap_h, text_w, cap_h);
    Paragraph::new(lines).style(t.base()).render(cap, buf);

    // Above the caption: the picture, a key saying what each colour is (where the picture
    // keeps 8 rows), and a blank row before the caption when the screen is roomy.
    let spare = inner.height - cap_h;
    let with_key = spare >= 9;
    let gap = u16::from(spare > 20 || (!with_key && spare > 8));
    let fig_h = spare - gap - u16::from(with_key);
    let fig = Rect::new(inner.x, inner.y, inner.width, fig_h);
    if with_key {
        let row = Rect::new(inner.x + 1, fig.bottom(), inner.width.saturating_sub(2), 1);
        key(&lesson, step, t, row, buf);
    }
    let side_w = if fig.width >= 60 {
        (fig.width / 3).clamp(26, 44)
    } else {
        0
    };
    let chart = Rect::new(fig.x, fig.y, fig.width - side_w, fig.height);
    let played = played(teach.frame, teach.frames());
    draw_chart(&lesson, step, played, t, chart, buf);
    if side_w > 0 {
        let side = Rect::new(chart.right(), fig.y, side_w, fig.height);
        draw_side(&lesson, step, played, t, side, buf);
    }
}

/// The key to the step's chart: what each line, band and mark is, most important first, as
/// many entries as the row holds.
fn key(l: &Lesson, step: Step, t: &Theme, area: Rect, buf: &mut Buffer) {
    let (target, year) = l.target();
    let mut entries: Vec<(Vec<Ink>, String)> = match step {
        Step::Claim => vec![(
            vec![Ink::Median],
            format!(
                "{} a year, every year",
                crate::format::percent(l.scenario.growth.initial, 0)
            ),
        )],
        Step::OneFuture => vec![
            (vec![Ink::Median], "one possible future".into()),
            (vec![Ink::Guide], "the straight line".into()),
        ],
        Step::TenFutures => vec![
            (
                (0..3).map(Ink::Series).collect(),
                format!("{FEW} possible futures"),
            ),
            (vec![Ink::Guide], "the straight line".into()),
        ],
        Step::Thousand => vec![
            (vec![Ink::Band(2)], "many futures pass here".into()),
            (vec![Ink::Band(1), Ink::Band(0)], "fewer".into()),
        ],
        Step::Fan => vec![
            (vec![Ink::Band(2)], "50 of 100 futures".into()),
            (vec![Ink::Band(0)], "90 of 100".into()),
            (vec![Ink::Median], "median".into()),
        ],
        Step::Count => vec![
            (
                vec![Ink::Series(REACH)],
                format!("reach {} in {year}", money_short(target)),
            ),
            (vec![Ink::Series(SHORT)], "fall short".into()),
        ],
        Step::Policy => vec![
            (vec![Ink::Guide], "without the policy".into()),
            (
                vec![Ink::Series(REACH)],
                "same future, with the policy".into(),
            ),
        ],
    };
    entries.push((
        vec![Ink::Target],
        format!("target {} in {year}", money_short(target)),
    ));
    entries.push((vec![Ink::History], "published revenue".into()));
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for (inks, label) in entries {
        let mut entry: Vec<Span> = Vec::new();
        for ink in inks {
            let (symbol, style) = if ink == Ink::Target {
                // The marker where the target year meets the target.
                let marker = if t.color { "◆" } else { "X" };
                (marker.to_string(), t.base().fg(t.target))
            } else {
                ink.key(t)
            };
            entry.push(Span::styled(symbol, style));
        }
        entry.push(Span::styled(format!(" {label}   "), t.dim()));
        let w: usize = entry.iter().map(Span::width).sum();
        // The trailing gap may fall off the edge.
        if used + w - 3 > usize::from(area.width) {
            break;
        }
        used += w;
        spans.extend(entry);
    }
    Line::from(spans).render(area, buf);
}

/// Colours of the futures that reach the target and of those that fall short (steps 6 and 7),
/// as on the slides: the shared series table's green and vermillion.
const REACH: u8 = 2;
const SHORT: u8 = 1;

/// Seven dots on the top border, the current step filled, and a marker while animating.
fn progress(teach: &Teach, t: &Theme, area: Rect, buf: &mut Buffer) {
    let n = teach.step().number();
    let mut s: String = (1..=Step::ALL.len())
        .map(|i| if i <= n { '●' } else { '○' })
        .collect();
    if teach.frame < teach.frames() {
        s.push(' ');
        s.push_str(PLAYING);
    }
    let w = s.chars().count() as u16 + 2;
    if area.width > w + 30 {
        buf.set_string(area.right() - w - 1, area.y, format!(" {s} "), t.accent());
    }
}

/// Maps a (year, value) series to one unit height per plot column.
type ToColumns = dyn Fn(&[(i32, f64)]) -> Vec<Option<f64>>;

/// Column-wise unit heights of a (year, value) series.
fn columns(pts: &[(i32, f64)], scale: &Scale, axis: &Years) -> Vec<Option<f64>> {
    let p: Vec<(f64, f64)> = pts
        .iter()
        .filter(|(_, v)| v.is_finite())
        .map(|(y, v)| (f64::from(*y), scale.unit(*v)))
        .collect();
    (0..axis.width)
        .map(|x| interpolate(&p, axis.at(x)))
        .collect()
}

/// Share of the step's animation played after `frame_no` of its `frames` ticks, 1 when resting.
fn played(frame_no: u32, frames: u32) -> f64 {
    if frames == 0 {
        1.0
    } else {
        f64::from(frame_no.min(frames)) / f64::from(frames)
    }
}

fn draw_chart(l: &Lesson, step: Step, played: f64, t: &Theme, area: Rect, buf: &mut Buffer) {
    let (target, target_year) = l.target();
    let years = l.window();
    let scale = Scale::fit(0.0, l.value_top(step), false);
    let Some((plot, axis, mut c)) = target_frame(area, buf, &scale, years, t, target) else {
        return;
    };
    let cols = move |pts: &[(i32, f64)]| columns(pts, &scale, &axis);

    match (step, l.base) {
        (Step::Claim, _) => c.polyline(&cols(&l.claim()), Ink::Median, false),
        (Step::OneFuture, Some(p)) => {
            c.polyline(&cols(&l.claim()), Ink::Guide, true);
            if let Some(path) = l.path(p, 0) {
                // One more year of the future per step of the animation.
                let shown = 1 + (played * (path.len() - 1) as f64).round() as usize;
                c.polyline(&cols(&path[..shown.min(path.len())]), Ink::Median, false);
            }
        }
        (Step::TenFutures, Some(p)) => {
            c.polyline(&cols(&l.claim()), Ink::Guide, true);
            for i in 0..FEW {
                if let Some(path) = l.path(p, i) {
                    c.polyline(&cols(&path), Ink::Series(i as u8 % 5), false);
                }
            }
        }
        (Step::Thousand, Some(p)) => {
            let n = ((played * FUTURES as f64).round() as usize).max(FEW);
            cloud(&mut c, l, p, n, &cols, 0);
        }
        (Step::Fan, Some(p)) => {
            // The fan sweeps in from the left over the cloud.
            let from = (played * f64::from(plot.width)).round() as u16;
            cloud(&mut c, l, p, FUTURES, &cols, from);
            fan(&mut c, p, &cols, from);
        }
        (Step::Count, Some(p)) => {
            // Each future up to the target year, coloured by whether it gets there.
            let upto = |i: usize| {
                l.path(p, i).map(|v| {
                    v.into_iter()
                        .filter(|(y, _)| *y <= target_year)
                        .collect::<Vec<_>>()
                })
            };
            for pass in [false, true] {
                for i in 0..FUTURES {
                    let hit = l.at_target(p, i).is_some_and(|v| v >= target);
                    if hit == pass
                        && let Some(path) = upto(i)
                    {
                        let ink = Ink::Series(if hit { REACH } else { SHORT });
                        c.polyline(&cols(&path), ink, false);
                    }
                }
            }
        }
        (Step::Policy, Some(_)) => {
            if let Some((off, on)) = l.policy_runs() {
                for i in 0..FEW {
                    let (Some(a), Some(b)) = (l.path(off, i), l.path(on, i)) else {
                        continue;
                    };
                    c.polyline(&cols(&a), Ink::Guide, true);
                    // The same future, moved from without to with the policy as the animation plays.
                    let moved: Vec<(i32, f64)> = a
                        .iter()
                        .zip(&b)
                        .map(|((y, x), (_, z))| (*y, x + (z - x) * played))
                        .collect();
                    c.polyline(&cols(&moved), Ink::Series(REACH), false);
                }
            }
        }
        _ => {}
    }

    let history: Vec<(i32, f64)> = l.scenario.market.history.clone();
    c.polyline(&cols(&history), Ink::History, false);
    let target_row = c.row_of(scale.unit(target));
    for x in 0..i32::from(plot.width) {
        if x % 3 != 2 && c.get(x, target_row).is_none() {
            c.set(x, target_row, Ink::Target);
        }
    }
    c.render(plot, buf, t);
    // Target marker where the target year meets the target value.
    let mx = i32::from(axis.column(f64::from(target_year)));
    crate::tui::plot::target_marker(&c, plot, mx, target_row, buf, t);
}

/// The first `n` futures as a density: the more of them cross a pixel, the stronger its shade
/// (relative to the busiest pixel of its column). Columns left of `from` are left empty.
fn cloud(c: &mut Canvas, l: &Lesson, p: &Projection, n: usize, cols: &ToColumns, from: u16) {
    let (w, rows) = (usize::from(c.width()), c.rows());
    if rows <= 0 {
        return;
    }
    let mut counts = vec![0u32; w * rows as usize];
    for i in 0..n {
        let Some(path) = l.path(p, i) else { break };
        let mut prev: Option<i32> = None;
        for (x, u) in cols(&path).into_iter().enumerate() {
            let Some(u) = u else {
                prev = None;
                continue;
            };
            let y = c.row_of(u);
            // Join to the previous column half way, as the line drawing does.
            let (a, b) = match prev {
                Some(q) if (q - y).abs() > 1 => {
                    let mid = (q + y) / 2;
                    (mid.min(y), mid.max(y))
                }
                _ => (y, y),
            };
            for yy in a.max(0)..=b.min(rows - 1) {
                counts[yy as usize * w + x] += 1;
            }
            prev = Some(y);
        }
    }
    for x in usize::from(from)..w {
        let col_max = (0..rows as usize)
            .map(|y| counts[y * w + x])
            .max()
            .unwrap_or(0);
        if col_max == 0 {
            continue;
        }
        for y in 0..rows {
            let k = counts[y as usize * w + x];
            if k == 0 {
                continue;
            }
            let share = f64::from(k) / f64::from(col_max);
            let level = if share >= 0.55 {
                2
            } else if share >= 0.2 {
                1
            } else {
                0
            };
            c.set(x as i32, y, Ink::Band(level));
        }
    }
}

/// The 5–95% and 25–75% bands and the median of a run, in columns left of `upto`.
fn fan(c: &mut Canvas, p: &Projection, cols: &ToColumns, upto: u16) {
    let m = &p.scenario.market;
    let series = |f: &dyn Fn(&crate::sim::YearStats) -> f64| -> Vec<(i32, f64)> {
        std::iter::once((m.start_year, m.start_revenue))
            .chain(p.years.iter().map(|y| (y.year, f(y))))
            .collect()
    };
    let bands = [
        (cols(&series(&|y| y.p5())), cols(&series(&|y| y.p95())), 0u8),
        (
            cols(&series(&|y| y.p25())),
            cols(&series(&|y| y.p75())),
            2u8,
        ),
    ];
    for x in 0..usize::from(upto.min(c.width())) {
        for (lo, hi, k) in &bands {
            let (Some(a), Some(b)) = (lo[x], hi[x]) else {
                continue;
            };
            for row in 0..c.rows() {
                let u = c.unit_of(row);
                if u >= a && u <= b {
                    c.set(x as i32, row, Ink::Band(*k));
                }
            }
        }
    }
    let median = cols(&series(&|y| y.median()));
    let cut: Vec<Option<f64>> = median
        .into_iter()
        .enumerate()
        .map(|(x, v)| v.filter(|_| x < usize::from(upto)))
        .collect();
    c.polyline(&cut, Ink::Median, false);
}

/// Lines for a key figure: large digits in the classroom theme when they fit (twice as large
/// again on a big screen), else one bold line.
fn figure(text: &str, t: &Theme, width: u16, height: u16) -> Vec<Line<'static>> {
    let w = big_width(text);
    if !t.big_figures || w == 0 || w > width || height < 3 {
        return vec![Line::styled(text.to_string(), t.accent())];
    }
    let rows = big_text(text);
    if 2 * w <= width && height >= 6 {
        return rows
            .iter()
            .flat_map(|r| double(r))
            .map(|r| Line::styled(r, t.accent()))
            .collect();
    }
    rows.into_iter()
        .map(|r| Line::styled(r, t.accent()))
        .collect()
}

/// One row of half-block digits at twice the size: two rows, each cell twice as wide.
fn double(row: &str) -> [String; 2] {
    let mut top = String::new();
    let mut bottom = String::new();
    for ch in row.chars() {
        let (a, b) = match ch {
            '█' => ('█', '█'),
            '▀' => ('█', ' '),
            '▄' => (' ', '█'),
            _ => (' ', ' '),
        };
        for _ in 0..2 {
            top.push(a);
            bottom.push(b);
        }
    }
    [top, bottom]
}

fn draw_side(l: &Lesson, step: Step, played: f64, t: &Theme, area: Rect, buf: &mut Buffer) {
    let block = panel(" Numbers ", t);
    let inner = block.inner(area);
    block.render(area, buf);
    let (w, h) = (inner.width, inner.height);
    let (target, year) = l.target();
    let dim = t.dim();
    let strong = t.base().add_modifier(Modifier::BOLD);
    let row = |a: String, b: String, style: Style| {
        Line::from(vec![
            Span::styled(format!("{a:<6}"), dim),
            Span::styled(format!("{b:>9}"), style),
        ])
    };
    let mut lines: Vec<Line> = Vec::new();
    let waiting = || vec![Line::styled("simulating…", dim)];
    match step {
        Step::Claim => {
            lines.extend(figure(
                &crate::format::percent(l.scenario.growth.initial, 0),
                t,
                w,
                h.saturating_sub(8),
            ));
            lines.push(Line::styled("growth, every year", dim));
            lines.push(Line::default());
            for (y, v) in &l.scenario.market.history {
                lines.push(row(y.to_string(), money_short(*v), t.base().fg(t.history)));
            }
            for (y, v) in l.claim().iter().skip(1) {
                let style = if *v >= target { t.accent() } else { strong };
                lines.push(row(y.to_string(), money_short(*v), style));
            }
        }
        Step::OneFuture => match l.one_future() {
            Some(path) => {
                lines.push(Line::styled("year   revenue  growth", dim));
                let shown = (played * path.len() as f64).round() as usize;
                for (y, v, g) in path.iter().take(shown) {
                    let style = if *y == year { t.accent() } else { strong };
                    lines.push(Line::from(vec![
                        Span::styled(format!("{y:<6}"), dim),
                        Span::styled(format!("{:>8}", money_short(*v)), style),
                        Span::styled(format!("{:>7}", format!("{:+.0}%", g * 100.0)), t.base()),
                    ]));
                }
            }
            None => lines = waiting(),
        },
        Step::TenFutures => match l.base.and_then(|p| l.first_n(p, FEW)) {
            Some(f) => {
                lines.extend(figure(&f.hits.to_string(), t, w, h.saturating_sub(5)));
                lines.push(Line::styled(
                    format!("of {} reach {} in {year}", f.n, money_short(target)),
                    dim,
                ));
                lines.push(Line::default());
                lines.push(row("lowest".into(), money_short(f.lowest), strong));
                lines.push(row("highest".into(), money_short(f.highest), strong));
            }
            None => lines = waiting(),
        },
        Step::Thousand => match l.base {
            Some(_) => {
                let n = (played * FUTURES as f64).round().max(FEW as f64) as usize;
                lines.extend(figure(&n.to_string(), t, w, h.saturating_sub(2)));
                lines.push(Line::styled("futures drawn", dim));
            }
            None => lines = waiting(),
        },
        Step::Fan => match l.bands() {
            Some(b) => {
                lines.push(Line::styled(format!("In {}:", b.year), dim));
                lines.push(Line::default());
                // Each label in the text colour after a swatch of what it names: a label in
                // the band's own colour was unreadable where the band is dark.
                let keyed = |ink: Ink, label: &str| {
                    let (symbol, style) = ink.key(t);
                    Line::from(vec![
                        Span::styled(symbol, style),
                        Span::styled(format!(" {label}"), t.base()),
                    ])
                };
                lines.push(keyed(Ink::Band(2), "50 of 100 futures"));
                lines.push(Line::styled(
                    format!("  {} – {}", money_short(b.p25), money_short(b.p75)),
                    strong,
                ));
                lines.push(keyed(Ink::Band(0), "90 of 100 futures"));
                lines.push(Line::styled(
                    format!("  {} – {}", money_short(b.p5), money_short(b.p95)),
                    strong,
                ));
                lines.push(keyed(Ink::Median, "median"));
                lines.push(Line::styled(format!("  {}", money_short(b.median)), strong));
            }
            None => lines = waiting(),
        },
        Step::Count => match l.base {
            Some(p) => {
                let tp = target_probability(p);
                lines.extend(figure(&tp.hits.to_string(), t, w, h.saturating_sub(6)));
                lines.push(Line::styled(
                    format!("of {} reach {}", count(tp.paths), money_short(target)),
                    dim,
                ));
                lines.push(Line::default());
                lines.push(Line::styled("futures   chance  ±95%", dim));
                for p in l.ladder.iter().flatten() {
                    let tp = target_probability(p);
                    lines.push(Line::from(vec![
                        Span::styled(format!("{:<8}", count(tp.paths)), dim),
                        Span::styled(format!("{:>8}", chance(&tp)), strong),
                        Span::styled(format!("{:>6}", tp.margin_points()), t.base()),
                    ]));
                }
            }
            None => lines = waiting(),
        },
        Step::Policy => match l.policy_effect() {
            Some(e) => {
                let big_h = h.saturating_sub(4) / 2;
                lines.push(Line::styled("without the policy", dim));
                lines.extend(figure(
                    &crate::format::percent(e.off.probability, 0),
                    t,
                    w,
                    big_h,
                ));
                lines.push(Line::styled("with the policy", dim));
                lines.extend(figure(
                    &crate::format::percent(e.on.probability, 0),
                    t,
                    w,
                    big_h,
                ));
                lines.push(Line::styled(
                    format!("chance of {} in {year}", money_short(target)),
                    dim,
                ));
            }
            None if l.policy.is_none() => lines.push(Line::styled("no policy to switch on", dim)),
            None => lines = waiting(),
        },
    }
    Paragraph::new(lines).style(t.base()).render(inner, buf);
}
