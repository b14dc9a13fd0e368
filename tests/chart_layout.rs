//! Acceptance test 1 of the chart layout: every chart kind, at the smallest allowed canvas
//! (640×360; 320×320 is refused) and at 800×450, 1600×900 and 3840×2160, in each
//! theme, with 1, 3 and 12 scenarios (multi-scenario kinds; the others draw the first), each
//! both with the target year at the last year shown and with a horizon of 2030 or later.
//! Charts are laid out on a recording backend (plotters' own text measurement, no pixels), and
//! runs are small (400 paths): the grid of 264 layouts takes a few seconds in debug.
//!
//! Checked: no text box overlaps another or leaves the canvas; no legend covers a bar, a data
//! line or a label, and no text sits on a bar (every theme); direct labels at line ends (compare,
//! reach, at 1, 3 and 12 series) run in the order of their ends, close to them, their leaders
//! never crossing; the target marker is present;
//! no text has an em below 9 px, at 800×450 or any other allowed size (plotters' font size is
//! DejaVu's ascent + descent, 1.164 em: size 10 was an em of 8.59 px). Canvases below
//! the smallest allowed size are refused, so 320×320 is checked to be an error.

use crate::common;

use std::sync::OnceLock;

use safetech::chart::backend::Layout;
use safetech::chart::{
    self, Chart, ChartKind, ChartOptions, ImageFormat, MIN_HEIGHT, MIN_WIDTH, Theme,
};
use safetech::scenario::{Scenario, load};
use safetech::sim::{Projection, RunControl, RunSettings, simulate};

use common::svg;

const KINDS: [ChartKind; 8] = [
    ChartKind::Tornado,
    ChartKind::Fan,
    ChartKind::Compare,
    ChartKind::Histogram,
    ChartKind::Reach,
    ChartKind::Spaghetti,
    ChartKind::Difference,
    ChartKind::History,
];
const THEMES: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::Classroom];
const SIZES: [(u32, u32); 4] = [
    (MIN_WIDTH, MIN_HEIGHT),
    (800, 450),
    (1600, 900),
    (3840, 2160),
];

/// Twelve scenarios (the ten built-in ones and two variants), each with its horizon at its
/// target year when `at_horizon`.
fn scenarios(at_horizon: bool) -> Vec<Scenario> {
    let mut out: Vec<Scenario> = safetech::scenario::BUILTIN
        .iter()
        .map(|(id, _)| load(id).unwrap())
        .collect();
    for (base, suffix) in [("maturing", "slow"), ("kosa", "late")] {
        let mut s = load(base).unwrap();
        s.scenario.id = format!("{base}-{suffix}");
        s.scenario.name = format!("{} ({suffix})", s.scenario.name);
        s.growth.initial *= 0.8;
        out.push(s);
    }
    if at_horizon {
        for s in &mut out {
            s.market.horizon = s.target.year;
        }
    } else {
        for s in &mut out {
            s.market.horizon = s.market.horizon.max(2030);
        }
    }
    out
}

fn runs(at_horizon: bool) -> &'static [Projection] {
    static A: OnceLock<Vec<Projection>> = OnceLock::new();
    static B: OnceLock<Vec<Projection>> = OnceLock::new();
    let cell = if at_horizon { &A } else { &B };
    cell.get_or_init(|| {
        let settings = RunSettings {
            paths: 400,
            seed: 11,
            sample_paths: 40,
        };
        scenarios(at_horizon)
            .iter()
            .map(|s| simulate(s, settings, RunControl::default()).unwrap())
            .collect()
    })
}

fn difference(at_horizon: bool) -> &'static safetech::stats::difference::DifferenceFan {
    static A: OnceLock<safetech::stats::difference::DifferenceFan> = OnceLock::new();
    static B: OnceLock<safetech::stats::difference::DifferenceFan> = OnceLock::new();
    let cell = if at_horizon { &A } else { &B };
    cell.get_or_init(|| {
        let s = scenarios(at_horizon);
        let settings = RunSettings {
            paths: 400,
            seed: 11,
            sample_paths: 0,
        };
        safetech::analysis::difference::difference_fan(
            &s[0],
            &s[3],
            settings,
            RunControl::default(),
        )
        .unwrap()
    })
}

/// The chart of `kind` over `runs`, with the tornado and the difference fan of the scenarios'
/// horizons (`at_horizon`).
fn chart_of(kind: ChartKind, runs: &[Projection], at_horizon: bool) -> Chart<'_> {
    match kind {
        ChartKind::Tornado => Chart::Tornado {
            analysis: tornado(at_horizon),
            run: &runs[0],
        },
        ChartKind::Difference => Chart::Difference {
            fan: difference(at_horizon),
            runs: runs.try_into().unwrap(),
        },
        _ => Chart::of_runs(kind, runs).unwrap(),
    }
}

fn tornado(at_horizon: bool) -> &'static safetech::chart::tornado::TornadoChart {
    static A: OnceLock<safetech::chart::tornado::TornadoChart> = OnceLock::new();
    static B: OnceLock<safetech::chart::tornado::TornadoChart> = OnceLock::new();
    let cell = if at_horizon { &A } else { &B };
    cell.get_or_init(|| {
        let s = &scenarios(at_horizon)[0];
        let settings = RunSettings {
            paths: 400,
            seed: 11,
            sample_paths: 0,
        };
        let (base, rows) =
            safetech::analysis::sensitivity::tornado(s, settings, RunControl::default()).unwrap();
        safetech::chart::tornado::TornadoChart {
            scenario: s.scenario.id.clone(),
            scenario_name: s.scenario.name.clone(),
            seed: settings.seed,
            paths: settings.paths,
            fewest_paths: settings.paths,
            base: safetech::analysis::sensitivity::base_of(&base),
            rows,
        }
    })
}

fn problems(layout: &Layout, min_font: f64) -> Vec<String> {
    let (w, h) = (layout.size.0 as i32, layout.size.1 as i32);
    let mut out = Vec::new();
    for t in &layout.texts {
        if t.min.0 < 0 || t.min.1 < 0 || t.max.0 > w || t.max.1 > h {
            out.push(format!("off the canvas: {t:?}"));
        }
        if t.size < min_font - 1e-9 {
            out.push(format!(
                "font em {:.2} px < 9: {:?}",
                t.size / chart::SIZE_PER_EM,
                t.text
            ));
        }
    }
    for (i, a) in layout.texts.iter().enumerate() {
        for b in &layout.texts[i + 1..] {
            // One pixel of slack: neighbouring boxes may touch.
            if a.overlaps(b, 1) {
                out.push(format!("overlap: {a:?} / {b:?}"));
            }
        }
    }
    out
}

type Rgb = (u8, u8, u8);

fn rgb(c: plotters::style::RGBColor) -> Rgb {
    (c.0, c.1, c.2)
}

fn inside(min: (i32, i32), max: (i32, i32), p: (i32, i32)) -> bool {
    (min.0..=max.0).contains(&p.0) && (min.1..=max.1).contains(&p.1)
}

fn boxes_meet(a: ((i32, i32), (i32, i32)), b: ((i32, i32), (i32, i32)), slack: i32) -> bool {
    let x = a.1.0.min(b.1.0) - a.0.0.max(b.0.0);
    let y = a.1.1.min(b.1.1) - a.0.1.max(b.0.1);
    x > slack && y > slack
}

/// Whether the segment passes through the box shrunk by `slack` (checked pixel by pixel).
fn segment_meets(
    a: (i32, i32),
    b: (i32, i32),
    min: (i32, i32),
    max: (i32, i32),
    slack: i32,
) -> bool {
    let n = (b.0 - a.0).abs().max((b.1 - a.1).abs()).max(1);
    (0..=n).any(|k| {
        let p = (a.0 + (b.0 - a.0) * k / n, a.1 + (b.1 - a.1) * k / n);
        inside(
            (min.0 + slack, min.1 + slack),
            (max.0 - slack, max.1 - slack),
            p,
        )
    })
}

/// Legends never cover data: a legend box (a box in the background colour with a border)
/// meets no bar, no data line and no text outside it; and no text anywhere sits on a bar.
fn covers_data(layout: &Layout, theme: Theme) -> Vec<String> {
    let p = theme.palette();
    let bg = rgb(p.background);
    let mut lines: Vec<Rgb> = p.series.iter().map(|c| rgb(*c)).collect();
    lines.extend([p.median, p.history, p.target, p.reference].map(rgb));
    let bars: Vec<Rgb> = p.series.iter().chain([&p.below]).map(|c| rgb(*c)).collect();
    let canvas = i64::from(layout.size.0) * i64::from(layout.size.1);
    let legends: Vec<_> = layout
        .rects
        .iter()
        .filter(|r| {
            r.filled
                && r.rgb == bg
                && i64::from(r.max.0 - r.min.0) * i64::from(r.max.1 - r.min.1) < canvas / 4
                && layout
                    .rects
                    .iter()
                    .any(|b| !b.filled && b.min == r.min && b.max == r.max)
        })
        .collect();
    let mut out = Vec::new();
    for l in &legends {
        for r in layout
            .rects
            .iter()
            .filter(|r| r.filled && bars.contains(&r.rgb))
        {
            if boxes_meet((l.min, l.max), (r.min, r.max), 1)
                && !(inside(l.min, l.max, r.min) && inside(l.min, l.max, r.max))
            {
                out.push(format!("legend {:?}–{:?} covers a bar {r:?}", l.min, l.max));
            }
        }
        for s in layout.segments.iter().filter(|s| lines.contains(&s.rgb)) {
            if segment_meets(s.from, s.to, l.min, l.max, 1)
                && !(inside(l.min, l.max, s.from) && inside(l.min, l.max, s.to))
            {
                out.push(format!(
                    "legend {:?}–{:?} covers a line {s:?}",
                    l.min, l.max
                ));
                break;
            }
        }
        for t in &layout.texts {
            if boxes_meet((l.min, l.max), (t.min, t.max), 1)
                && !(inside(l.min, l.max, t.min) && inside(l.min, l.max, t.max))
            {
                out.push(format!(
                    "legend {:?}–{:?} covers {:?}",
                    l.min, l.max, t.text
                ));
            }
        }
    }
    for t in &layout.texts {
        for r in layout
            .rects
            .iter()
            .filter(|r| r.filled && bars.contains(&r.rgb))
        {
            if boxes_meet((t.min, t.max), (r.min, r.max), 1) {
                out.push(format!("{:?} on a bar {r:?}", t.text));
            }
        }
    }
    out
}

/// Direct labels at the line ends (compare, reach): found by their leader, a hairline in the
/// axis colour from the line's end to the left of the label's swatch. Checked: each label is
/// there; in a column of labels they run in the order of their lines' ends; no two leaders
/// cross; and a label sits no further from its end than its column's stacking needs (a line
/// height per label in the column, and a line and a half more to clear other lines).
fn end_label_problems(layout: &Layout, theme: Theme, runs: &[Projection]) -> Vec<String> {
    let axis = rgb(theme.palette().axis);
    let mut out = Vec::new();
    let mut found = Vec::new();
    for run in runs {
        let id = format!("{} ", run.scenario.scenario.id);
        let Some(t) = layout.texts.iter().find(|t| t.text.starts_with(&id)) else {
            out.push(format!("no end label for {id}"));
            continue;
        };
        let cy = (t.min.1 + t.max.1) / 2;
        // The closest hairline running rightwards to the label's left (the forecast divider's
        // dashes, in the same colour, run straight down).
        let leader = layout
            .segments
            .iter()
            .filter(|s| {
                s.rgb == axis
                    && s.to.0 > s.from.0
                    && (s.to.1 - cy).abs() <= 1
                    && s.to.0 < t.min.0
                    && t.min.0 - s.to.0 < 200
            })
            .max_by_key(|s| s.to.0);
        match leader {
            Some(s) => found.push((t, *s)),
            None => out.push(format!("no leader for {:?}", t.text)),
        }
    }
    for (i, (ta, a)) in found.iter().enumerate() {
        let column = found
            .iter()
            .filter(|(_, b)| (b.to.0 - a.to.0).abs() <= 2)
            .count() as i32;
        let line_h = ta.max.1 - ta.min.1 + 3;
        let dy = (a.to.1 - a.from.1).abs();
        if f64::from(dy) > (f64::from(column) + 1.5) * f64::from(line_h) + 2.0 {
            out.push(format!(
                "{:?} {dy} px from its line's end ({column} labels in its column)",
                ta.text
            ));
        }
        for (tb, b) in &found[i + 1..] {
            if safetech::chart::compare::segments_cross((a.from, a.to), (b.from, b.to)) {
                out.push(format!("leaders of {:?} and {:?} cross", ta.text, tb.text));
            }
            let same_column = (a.to.0 - b.to.0).abs() <= 2;
            if same_column
                && (a.from.1 - b.from.1).abs() > 1
                && (a.from.1 < b.from.1) != (a.to.1 < b.to.1)
            {
                out.push(format!(
                    "{:?} and {:?} out of the order of their ends",
                    ta.text, tb.text
                ));
            }
        }
    }
    out
}

fn has_marker(layout: &Layout, kind: ChartKind, theme: Theme) -> bool {
    let p = theme.palette();
    let rgb = |c: plotters::style::RGBColor| (c.0, c.1, c.2);
    match kind {
        // A ring in the text colour on a halo of the background (same centre and radius), so
        // it stands out from the grey target line and the medians in every theme.
        ChartKind::Compare => layout.circles.iter().any(|ring| {
            ring.rgb == rgb(p.text)
                && layout.circles.iter().any(|halo| {
                    halo.rgb == rgb(p.background)
                        && halo.center == ring.center
                        && halo.radius == ring.radius
                })
        }),
        _ => layout.circles.iter().any(|c| c.rgb == rgb(p.target)),
    }
}

#[test]
fn every_chart_lays_out_cleanly_at_every_allowed_size() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for at_horizon in [true, false] {
        let all = runs(at_horizon);
        for kind in KINDS {
            let counts: &[usize] = match kind {
                // Single-scenario kinds draw the first run whatever they are given.
                ChartKind::Fan
                | ChartKind::Histogram
                | ChartKind::Spaghetti
                | ChartKind::Tornado
                | ChartKind::History => &[1],
                ChartKind::Difference => &[2],
                _ => &[1, 3, 12],
            };
            for &n in counts {
                let runs: Vec<Projection> = match kind {
                    ChartKind::Difference => vec![all[0].clone(), all[3].clone()],
                    _ => all[..n].to_vec(),
                };
                for theme in THEMES {
                    for (width, height) in SIZES {
                        let options = ChartOptions {
                            width,
                            height,
                            theme,
                            ..ChartOptions::default()
                        };
                        let chart = chart_of(kind, &runs, at_horizon);
                        let layout = chart.layout(&options).unwrap();
                        checked += 1;
                        // In plotters' size units; the em is size / SIZE_PER_EM px.
                        let min_font = 9.0 * chart::SIZE_PER_EM;
                        assert!(chart::MIN_TEXT_PX >= min_font);
                        let mut found = problems(&layout, min_font);
                        found.extend(covers_data(&layout, theme));
                        if matches!(kind, ChartKind::Compare | ChartKind::Reach) {
                            found.extend(end_label_problems(&layout, theme, &runs));
                        }
                        let marker_expected = matches!(
                            kind,
                            ChartKind::Fan | ChartKind::Spaghetti | ChartKind::Compare
                        );
                        if marker_expected && !has_marker(&layout, kind, theme) {
                            found.push("no target marker".to_string());
                        }
                        // The P(target) statement sits above the plot, never on the data: its
                        // box ends above the highest revenue tick label.
                        if let Some(note) = layout.texts.iter().find(|t| t.text.starts_with("P(≥"))
                        {
                            let top_tick = layout
                                .texts
                                .iter()
                                .filter(|t| t.text.starts_with('£') && t.text.len() <= 12)
                                .map(|t| t.min.1)
                                .min()
                                .unwrap_or(i32::MAX);
                            if note.max.1 > top_tick {
                                found.push(format!("P(target) note in the plot: {note:?}"));
                            }
                        }
                        for f in found {
                            failures.push(format!(
                                "{kind:?} n={n} {theme:?} {width}×{height} at_horizon={at_horizon}: {f}"
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 200, "{checked} layouts");
    assert!(
        failures.is_empty(),
        "{} problems, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

#[test]
fn canvases_below_the_smallest_are_refused() {
    let options = ChartOptions {
        width: 320,
        height: 320,
        ..ChartOptions::default()
    };
    let err = Chart::Fan(&runs(true)[0]).layout(&options).unwrap_err();
    assert!(err.to_string().contains("--width"), "{err}");
}

/// Acceptance test 2: compare with 12 scenarios has 12 distinct (colour, dash) pairs in the SVG,
/// each series in its own `<g id="scenario-id">` with a native `stroke-dasharray`.
#[test]
fn compare_svg_groups_twelve_distinct_styles() {
    let runs = runs(false);
    let svg = String::from_utf8(
        Chart::Compare(runs)
            .render(&ChartOptions::default(), ImageFormat::Svg)
            .unwrap(),
    )
    .unwrap();
    let mut pairs = std::collections::HashSet::new();
    for run in runs {
        let id = &run.scenario.scenario.id;
        let body = svg::group(&svg, id).unwrap_or_else(|| panic!("no group {id}"));
        let line = body
            .lines()
            .find(|l| l.trim_start().starts_with("<polyline"))
            .unwrap_or_else(|| panic!("no line in group {id}"));
        pairs.insert((
            svg::attr(line, "stroke").unwrap(),
            svg::attr(line, "stroke-dasharray"),
        ));
        // Dashes are native: no run of short segments stands in for a dashed median.
        assert!(body.matches("<polyline").count() <= 4, "{id}: {body}");
    }
    assert_eq!(pairs.len(), 12, "{pairs:?}");
    assert!(
        !svg.contains('\u{E000}'),
        "a group marker was left in the SVG"
    );
}

/// Axis labels at extreme ranges. A scenario falling toward £1e-60m had
/// every fan tick read "£0"; compared with one rising toward £1e60m, the tick labels ran off
/// the canvas. Both are within the documented bounds: the revenue ticks must be distinct, at
/// least three, and laid out cleanly (on the canvas, no overlaps).
#[test]
fn axis_labels_at_extreme_ranges_are_distinct_and_on_the_canvas() {
    let extreme = |id: &str, growth: f64, years: i32| {
        let mut s = load("baseline").unwrap();
        s.scenario.id = id.to_string();
        s.scenario.name = id.to_string();
        s.growth.initial = growth;
        s.growth.initial_uncertainty = 0.0;
        s.growth.volatility = 0.0;
        s.growth.long_run = None;
        s.growth.capacity = None;
        s.events.clear();
        s.market.horizon = s.market.start_year + years;
        let settings = RunSettings {
            paths: 200,
            seed: 3,
            sample_paths: 0,
        };
        simulate(&s, settings, RunControl::default()).unwrap()
    };
    let falling = extreme("falling", -0.98, 37);
    let rising = extreme("rising", 10.0, 55);
    let last = |p: &Projection| p.years.last().unwrap().percentiles[3];
    assert!(last(&falling) < 1e-59, "{}", last(&falling));
    assert!(last(&rising) > 1e59, "{}", last(&rising));
    let both = [falling.clone(), rising];
    let mut failures = Vec::new();
    for (what, chart) in [
        ("fan", Chart::Fan(&falling)),
        ("compare", Chart::Compare(&both)),
    ] {
        for (width, height) in [(MIN_WIDTH, MIN_HEIGHT), (1600, 900)] {
            let options = ChartOptions {
                width,
                height,
                ..ChartOptions::default()
            };
            let layout = chart.layout(&options).unwrap();
            let ticks: Vec<&str> = layout
                .texts
                .iter()
                .map(|t| t.text.as_str())
                .filter(|t| t.starts_with('£') && !t.contains(' '))
                .collect();
            let distinct: std::collections::HashSet<&&str> = ticks.iter().collect();
            if ticks.len() < 3 || distinct.len() != ticks.len() {
                failures.push(format!("{what} {width}×{height}: ticks {ticks:?}"));
            }
            for p in problems(&layout, 9.0 * chart::SIZE_PER_EM) {
                failures.push(format!("{what} {width}×{height}: {p}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// CIE L*a*b* (D65) of a `#RRGGBB` colour, after `m` (a matrix on linear RGB: the identity,
/// or a colour-vision simulation).
fn lab(hex: &str, m: &[[f64; 3]; 3]) -> [f64; 3] {
    let h = hex.trim_start_matches('#');
    let ch = |k: usize| {
        let v = f64::from(u8::from_str_radix(&h[2 * k..2 * k + 2], 16).unwrap()) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let rgb = [ch(0), ch(1), ch(2)];
    let lin: Vec<f64> = (0..3)
        .map(|i| {
            (0..3)
                .map(|j| m[i][j] * rgb[j])
                .sum::<f64>()
                .clamp(0.0, 1.0)
        })
        .collect();
    let (r, g, b) = (lin[0], lin[1], lin[2]);
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

/// Twelve series in greyscale and under deuteranopia. Read from the SVG of
/// the compare and reach charts in every theme, each series' stroke and dash: from the second
/// series on every line is dashed, each differently; neighbours differ in lightness (L*, what
/// greyscale print keeps: at least 9 on white, 6 on the dark background, where the colours are
/// lifted towards white; series 1–3 had L* 46, 54, 58); and under the Machado et al. (2009)
/// deuteranopia simulation neighbours stay at least ΔE 15 apart (green and purple merged).
#[test]
fn twelve_series_stay_apart_in_greyscale_and_under_deuteranopia() {
    const IDENTITY: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    const DEUTERANOPIA: [[f64; 3]; 3] = [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ];
    let runs = &runs(false)[..12];
    let mut failures = Vec::new();
    for kind in [ChartKind::Compare, ChartKind::Reach] {
        for theme in THEMES {
            let options = ChartOptions {
                width: 800,
                height: 450,
                theme,
                ..ChartOptions::default()
            };
            let svg = String::from_utf8(
                Chart::of_runs(kind, runs)
                    .unwrap()
                    .render(&options, ImageFormat::Svg)
                    .unwrap(),
            )
            .unwrap();
            let styles: Vec<(String, Option<String>)> = runs
                .iter()
                .map(|run| {
                    let id = &run.scenario.scenario.id;
                    let at = svg.find(&format!("<g id=\"{id}\"")).unwrap();
                    let open = &svg[at..at + svg[at..].find('>').unwrap()];
                    let body = svg::group(&svg, id).unwrap_or(open);
                    let line = body
                        .lines()
                        .find(|l| l.trim_start().starts_with("<polyline"))
                        .unwrap();
                    (
                        svg::attr(line, "stroke").unwrap(),
                        svg::attr(open, "stroke-dasharray")
                            .or_else(|| svg::attr(line, "stroke-dasharray")),
                    )
                })
                .collect();
            let at = format!("{kind:?} {theme:?}");
            if styles[0].1.is_some() {
                failures.push(format!("{at}: the first series is dashed"));
            }
            let dashes: std::collections::HashSet<&Option<String>> =
                styles[1..].iter().map(|s| &s.1).collect();
            if dashes.len() != 11 || dashes.contains(&None) {
                failures.push(format!("{at}: dashes {:?}", styles));
            }
            let min_dl = if theme == Theme::Dark { 6.0 } else { 9.0 };
            for (i, w) in styles.windows(2).enumerate() {
                let (a, b) = (lab(&w[0].0, &IDENTITY), lab(&w[1].0, &IDENTITY));
                let dl = (a[0] - b[0]).abs();
                if dl < min_dl {
                    failures.push(format!(
                        "{at}: series {} and {} differ by L* {dl:.1} in greyscale",
                        i + 1,
                        i + 2
                    ));
                }
                let (a, b) = (lab(&w[0].0, &DEUTERANOPIA), lab(&w[1].0, &DEUTERANOPIA));
                let de =
                    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
                if de < 15.0 {
                    failures.push(format!(
                        "{at}: series {} and {} are ΔE {de:.1} apart under deuteranopia",
                        i + 1,
                        i + 2
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Options are never ignored in silence. `--to` past the horizon is clamped
/// (no year tick past the horizon, where half the plot was empty) and noted;
/// `--y-scale` on the tornado and `--bands` on the fan are noted.
#[test]
fn options_a_chart_does_not_use_are_noted_and_to_is_clamped() {
    let runs = runs(false);
    let horizon = runs[1].scenario.market.horizon;
    let options = ChartOptions {
        to: Some(horizon + 5),
        ..ChartOptions::default()
    };
    let layout = Chart::Fan(&runs[1]).layout(&options).unwrap();
    let last_tick = layout
        .texts
        .iter()
        .filter_map(|t| t.text.parse::<i32>().ok())
        .filter(|y| (1990..2200).contains(y))
        .max()
        .unwrap();
    assert!(last_tick <= horizon, "{last_tick} > {horizon}");
    let target_year = runs[1].scenario.target.year;
    let notes = chart::option_notes(ChartKind::Fan, &options, horizon, target_year);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("past the last projected year")),
        "{notes:?}"
    );
    let tornado = ChartOptions {
        y_scale: chart::YScale::Linear,
        ..ChartOptions::default()
    };
    assert!(!chart::option_notes(ChartKind::Tornado, &tornado, horizon, target_year).is_empty());
    assert!(chart::option_notes(ChartKind::Compare, &tornado, horizon, target_year).is_empty());
    let fan = ChartOptions {
        bands: Some(false),
        ..ChartOptions::default()
    };
    assert!(!chart::option_notes(ChartKind::Fan, &fan, horizon, target_year).is_empty());
    assert!(
        chart::option_notes(
            ChartKind::Fan,
            &ChartOptions::default(),
            horizon,
            target_year
        )
        .is_empty()
    );
}

/// `--from` after the target year hid the year the headline cites (and
/// `--to` before it likewise): the axis is moved to take it in, and the move is noted. Year
/// ticks are read off the chart; the note off `option_notes`.
#[test]
fn from_after_the_target_year_keeps_the_target_year_and_says_so() {
    let runs = runs(false);
    let run = &runs[1];
    let (target_year, horizon) = (run.scenario.target.year, run.scenario.market.horizon);
    let ticks = |chart: Chart, options: &ChartOptions| -> Vec<i32> {
        chart
            .layout(options)
            .unwrap()
            .texts
            .iter()
            .filter_map(|t| t.text.parse::<i32>().ok())
            .filter(|y| (1990..2200).contains(y))
            .collect()
    };
    let late = ChartOptions {
        from: Some(target_year + 2),
        ..ChartOptions::default()
    };
    let early = ChartOptions {
        from: Some(target_year - 4),
        to: Some(target_year - 1),
        ..ChartOptions::default()
    };
    for kind in [
        ChartKind::Fan,
        ChartKind::Compare,
        ChartKind::Spaghetti,
        ChartKind::Reach,
    ] {
        let chart = || Chart::of_runs(kind, &runs[1..3]).unwrap();
        let t = ticks(chart(), &late);
        assert_eq!(t.iter().min(), Some(&target_year), "{kind:?}: {t:?}");
        let t = ticks(chart(), &early);
        assert_eq!(t.iter().max(), Some(&target_year), "{kind:?}: {t:?}");
        assert!(t.contains(&(target_year - 4)), "{kind:?}: {t:?}");
        for (options, word) in [(&late, "starts at"), (&early, "ends at")] {
            let notes = chart::option_notes(kind, options, horizon, target_year);
            assert!(
                notes
                    .iter()
                    .any(|n| n.contains(&format!("would hide {target_year}"))
                        && n.contains(&format!("{word} {target_year}"))),
                "{kind:?}: {notes:?}"
            );
        }
    }
    // Within the target year's reach nothing moves and nothing is said.
    let fine = ChartOptions {
        from: Some(target_year),
        to: Some(target_year + 1),
        ..ChartOptions::default()
    };
    assert!(chart::option_notes(ChartKind::Fan, &fine, horizon, target_year).is_empty());
    let t = ticks(Chart::Fan(run), &fine);
    assert_eq!(
        (t.iter().min(), t.iter().max()),
        (Some(&target_year), Some(&(target_year + 1)))
    );
}

/// `--bands` on compare with three or more scenarios filled overlapping
/// tints that blend to grey. From three series on each band is its two edges, unfilled, in
/// its series' colour; up to two it stays a filled tint.
#[test]
fn compare_bands_from_three_series_are_outlines() {
    let runs = runs(false);
    let options = ChartOptions {
        bands: Some(true),
        ..ChartOptions::default()
    };
    let first_polyline = |g: &str| -> String {
        let at = g.find("<polyline").expect("a polyline");
        g[at..at + g[at..].find("/>").unwrap()].to_string()
    };
    for n in [2, 3, 12] {
        let svg = String::from_utf8(
            Chart::Compare(&runs[..n])
                .render(&options, ImageFormat::Svg)
                .unwrap(),
        )
        .unwrap();
        for r in &runs[..n] {
            let id = &r.scenario.scenario.id;
            let band = svg::group(&svg, &format!("{id}-band"))
                .unwrap_or_else(|| panic!("{n} series: no band group for {id}"));
            let filled = band.contains("<polygon");
            assert_eq!(filled, n <= 2, "{n} series, {id}: filled {filled}");
            assert!(band.matches("<polyline").count() >= 2, "{id}: {band}");
            if n > 2 {
                let median = svg::group(&svg, id).expect("the median's group");
                let stroke = |tag: &str| svg::attr(tag, "stroke");
                assert_eq!(
                    stroke(&first_polyline(band)),
                    stroke(&first_polyline(median)),
                    "{id}: the edges are not in the median's colour"
                );
                let opaque = |a: &str| svg::attr(&first_polyline(band), a).is_none_or(|o| o == "1");
                assert!(
                    opaque("stroke-opacity") && opaque("opacity"),
                    "{id}: faded edges"
                );
            }
        }
    }
}

/// Policy dates from the scenario's events are marked above the fan and
/// compare plots, a label per event at the year it starts ("osa window" over the years its
/// outcomes can start in, "ai-duties" at its one year), never over the plot; `--no-events`
/// and the other kinds leave them out. The expected labels and years are read from the
/// scenario's events here.
#[test]
fn events_are_marked_above_the_fan_and_compare_plots() {
    let runs = runs(false);
    let central = runs
        .iter()
        .find(|r| r.scenario.scenario.id == "central")
        .unwrap();
    // Each event's first and last possible start year, from its outcomes (or the event's own
    // year or window) plus their delays.
    let expected: Vec<(String, i32, i32)> = central
        .scenario
        .events
        .iter()
        .map(|e| {
            let mut years = Vec::new();
            for o in e.outcomes.iter().filter(|o| o.probability > 0.0) {
                let span = match (o.year, o.window, e.year, e.window) {
                    (Some(y), ..) => [y, y],
                    (None, Some(w), ..) => w,
                    (None, None, Some(y), _) => [y, y],
                    (None, None, None, Some(w)) => w,
                    _ => continue,
                };
                years.extend(span.map(|y| y + o.delay as i32));
            }
            let (a, b) = (*years.iter().min().unwrap(), *years.iter().max().unwrap());
            let label = if a == b {
                e.id.clone()
            } else {
                format!("{} window", e.id)
            };
            (label, a, b)
        })
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    assert!(expected.iter().any(|e| e.1 == e.2) && expected.iter().any(|e| e.1 < e.2));
    for (w, h) in [(MIN_WIDTH, MIN_HEIGHT), (1600, 900)] {
        let options = ChartOptions {
            width: w,
            height: h,
            ..ChartOptions::default()
        };
        for chart in [
            Chart::Fan(central),
            Chart::Compare(std::slice::from_ref(central)),
        ] {
            let layout = chart.layout(&options).unwrap();
            let year_x = |y: i32| {
                layout
                    .texts
                    .iter()
                    .find(|t| t.text == y.to_string())
                    .map(|t| (t.min.0 + t.max.0) / 2)
            };
            // The plot's top: the highest revenue tick label's middle.
            let plot_top = layout
                .texts
                .iter()
                .filter(|t| t.text.starts_with('£'))
                .map(|t| (t.min.1 + t.max.1) / 2)
                .min()
                .unwrap();
            for (label, from, _) in &expected {
                let t = layout
                    .texts
                    .iter()
                    .find(|t| &t.text == label)
                    .unwrap_or_else(|| panic!("{w}×{h} {:?}: no {label}", chart.kind()));
                assert!(t.max.1 < plot_top, "{label} at {t:?} is not above the plot");
                // It starts at its year (years without a tick label are not checked).
                if let Some(x) = year_x(*from) {
                    let slack = (f64::from(w) * 0.01) as i32 + 2;
                    assert!(
                        (t.min.0 - x).abs() <= slack,
                        "{w}×{h}: {label} starts at {} against {from} at {x}",
                        t.min.0
                    );
                }
            }
            let off = ChartOptions {
                events: false,
                ..options.clone()
            };
            let layout = chart.layout(&off).unwrap();
            for (label, ..) in &expected {
                assert!(!layout.texts.iter().any(|t| &t.text == label), "{label}");
            }
        }
        let layout = Chart::Histogram(central).layout(&options).unwrap();
        for (label, ..) in &expected {
            assert!(!layout.texts.iter().any(|t| &t.text == label), "{label}");
        }
    }
    let off = ChartOptions {
        events: false,
        ..ChartOptions::default()
    };
    let notes = |kind| chart::option_notes(kind, &off, 2035, 2026);
    assert!(notes(ChartKind::Fan).is_empty());
    assert!(
        notes(ChartKind::Reach)
            .iter()
            .any(|n| n.contains("--no-events"))
    );
}

/// `--size` / `--for print` set a physical size. At each preset, every
/// kind in every theme lays out cleanly, with year ticks at least 7 pt and no text under 6 pt
/// at the preset's resolution, and the canvas is the preset's size in millimetres.
#[test]
fn print_and_slide_sizes_keep_ticks_and_footer_readable() {
    use safetech::chart::SizePreset;
    let all = runs(false);
    let mut failures = Vec::new();
    for (preset, mm) in [
        (SizePreset::A4Column, (160.0, 90.0)),
        (SizePreset::A4Page, (297.0, 210.0)),
        (SizePreset::Slide16x9, (338.67, 190.5)),
        (SizePreset::Slide4x3, (254.0, 190.5)),
    ] {
        for theme in THEMES {
            let options = preset.apply(ChartOptions {
                theme,
                ..ChartOptions::default()
            });
            let dpi = f64::from(options.dpi);
            let size_mm = |px: u32| f64::from(px) / dpi * 25.4;
            assert!(
                (size_mm(options.width) - mm.0).abs() < 0.1
                    && (size_mm(options.height) - mm.1).abs() < 0.1,
                "{preset:?}: {}×{} px at {dpi} dpi",
                options.width,
                options.height
            );
            // Points to plotters' size units at this resolution.
            let size_of = |pt: f64| pt / 72.0 * dpi * chart::SIZE_PER_EM;
            for kind in KINDS {
                let runs: Vec<Projection> = match kind {
                    ChartKind::Difference => vec![all[0].clone(), all[3].clone()],
                    ChartKind::Compare | ChartKind::Reach => all[..3].to_vec(),
                    _ => all[..1].to_vec(),
                };
                let chart = chart_of(kind, &runs, false);
                let layout = chart.layout(&options).unwrap();
                let at = format!("{preset:?} {theme:?} {kind:?}");
                for p in problems(&layout, size_of(6.0)) {
                    failures.push(format!("{at}: {p}"));
                }
                let ticks: Vec<_> = layout
                    .texts
                    .iter()
                    .filter(|t| {
                        t.text
                            .parse::<i32>()
                            .is_ok_and(|y| (2000..2100).contains(&y))
                    })
                    .collect();
                if kind != ChartKind::Tornado && kind != ChartKind::Histogram && ticks.is_empty() {
                    failures.push(format!("{at}: no year ticks"));
                }
                for t in ticks {
                    if t.size < size_of(7.0) - 1e-6 {
                        failures.push(format!(
                            "{at}: tick {} at {:.2} pt",
                            t.text,
                            t.size / chart::SIZE_PER_EM / dpi * 72.0
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The same canvas without the floors: the column's ticks come out under 7 pt (about 4.9),
    // which is what the presets exist to prevent.
    let bare = ChartOptions {
        min_points: None,
        ..SizePreset::A4Column.apply(ChartOptions::default())
    };
    let layout = Chart::Fan(&all[0]).layout(&bare).unwrap();
    let tick = layout.texts.iter().find(|t| t.text == "2024").unwrap();
    let pt = tick.size / chart::SIZE_PER_EM / f64::from(bare.dpi) * 72.0;
    assert!(pt < 6.0, "{pt:.2} pt");
}

/// The footer names a scenario's file by its name only, never its local
/// path ("osa-enforced (from /home/…/tests/fixtures/osa-fixed.toml)").
#[test]
fn the_footer_names_a_file_without_its_path() {
    let mut run = runs(false)[0].clone();
    run.scenario.provenance.file = Some("/home/analyst/private/mine.toml".to_string());
    let layout = Chart::Fan(&run).layout(&ChartOptions::default()).unwrap();
    let footer: Vec<&str> = layout
        .texts
        .iter()
        .map(|t| t.text.as_str())
        .filter(|t| t.contains("from "))
        .collect();
    assert!(
        footer.iter().any(|t| t.contains("(from mine.toml)")),
        "{footer:?}"
    );
    assert!(!footer.iter().any(|t| t.contains("/home")), "{footer:?}");
}
