//! The charts drawn from analyses: the tornado and the paired-difference fan. Rendered through
//! the library and the command line, decoded and inspected.

use crate::common;

use plotters::style::RGBColor;
use safetech::analysis::difference::difference_fan;
use safetech::analysis::sensitivity::{base_of, tornado};
use safetech::chart::tornado::TornadoChart;
use safetech::chart::{self, Chart, ChartKind, ChartOptions, ImageFormat, Theme};
use safetech::scenario::load;
use safetech::sim::{RunControl, RunSettings};

use common::{safetech, svg};

fn settings() -> RunSettings {
    RunSettings {
        paths: 4000,
        seed: 7,
        sample_paths: 0,
    }
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(bytes);
    // Charts with few colours are written with a palette; expand it to RGB.
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a valid PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn share_of(rgb: &[u8], color: RGBColor) -> f64 {
    let px = rgb.len() / 3;
    rgb.chunks(3)
        .filter(|c| c == &[color.0, color.1, color.2])
        .count() as f64
        / px as f64
}

fn tornado_chart() -> (safetech::sim::Projection, TornadoChart) {
    let s = load("transatlantic").unwrap();
    let (base, rows) = tornado(&s, settings(), RunControl::default()).unwrap();
    let data = TornadoChart {
        scenario: s.scenario.id.clone(),
        scenario_name: s.scenario.name.clone(),
        seed: 7,
        paths: 4000,
        fewest_paths: 4000,
        base: base_of(&base),
        rows,
    };
    (base, data)
}

#[test]
fn tornado_draws_both_ends_of_each_row_and_names_the_keys() {
    let (base, data) = tornado_chart();
    let tornado = Chart::Tornado {
        analysis: &data,
        run: &base,
    };
    for theme in [Theme::Light, Theme::Dark] {
        let options = ChartOptions {
            theme,
            ..ChartOptions::default()
        };
        let png = tornado.render(&options, ImageFormat::Png).unwrap();
        let (w, h, rgb) = decode(&png);
        assert_eq!((w, h), (1600, 900));
        let p = theme.palette();
        for c in &p.series[..2] {
            assert!(
                share_of(&rgb, *c) > 0.005,
                "{theme:?}: bar colour {c:?} missing"
            );
        }
    }
    let svg = tornado
        .render(&ChartOptions::default(), ImageFormat::Svg)
        .unwrap();
    let texts = svg::texts(&String::from_utf8(svg).unwrap());
    let has = |s: &str| texts.iter().any(|t| t.contains(s));
    assert!(has("What moves the odds of £1bn in 2026"), "{texts:?}");
    assert!(has("percentage points"));
    assert!(has("95% Monte Carlo error"));
    assert!(has("seed 7") && has("4,000 paths per run"));
    // The rows drawn: as many as the height holds (at most MAX_ROWS), the rest counted in the
    // subtitle.
    let left_out: usize = texts
        .iter()
        .find_map(|t| {
            let (head, _) = t.split_once(" smaller swings not shown")?;
            head.rsplit(' ').next()?.parse().ok()
        })
        .unwrap_or(0);
    // Rows that change nothing by the target year are named in the subtitle, not drawn.
    let moving: Vec<_> = data.rows.iter().filter(|r| r.moves()).collect();
    let shown = moving.len() - left_out;
    assert!(
        (3..=chart::tornado::MAX_ROWS).contains(&shown),
        "{shown} rows"
    );
    for row in moving.into_iter().take(shown) {
        // Named in words, with the `--set` key in small type under the name.
        assert!(
            texts.iter().any(|t| t == &row.key),
            "no key for {}",
            row.key
        );
        let name = chart::tornado::row_name(&row.key, Some(&base.scenario));
        assert!(name != row.key && !name.contains('.'), "{name}");
        assert!(texts.iter().any(|t| t == &name), "no name for {}", row.key);
        // Each end's value in one format with its units (was the bare number, "6000.0" for
        // £6,000m, then "+2.949 pts" beside "5%"), a true minus and no "±".
        for v in [row.low.value, row.high.value] {
            let shown = chart::tornado::end_value(row.kind, v);
            assert!(texts.iter().any(|t| t == &shown), "{}: no {shown}", row.key);
            assert!(!shown.contains(['-', '±']), "{shown}");
        }
    }
    assert!(
        has("%") && !texts.iter().any(|t| t.ends_with(".0")),
        "{texts:?}"
    );
}

#[test]
fn difference_fan_has_bands_and_a_zero_line() {
    let (a, b) = (load("maturing").unwrap(), load("osa-enforced").unwrap());
    let fan = difference_fan(&a, &b, settings(), RunControl::default()).unwrap();
    // Percentiles ascend in every year, and the start year has no difference.
    assert!(
        fan.percentiles
            .iter()
            .all(|p| p.windows(2).all(|w| w[0] <= w[1]))
    );
    assert_eq!(fan.percentiles[0], [0.0; 7]);
    let runs =
        [&a, &b].map(|s| safetech::sim::simulate(s, settings(), RunControl::default()).unwrap());
    let difference = Chart::Difference {
        fan: &fan,
        runs: &runs,
    };
    let png = difference
        .render(&ChartOptions::default(), ImageFormat::Png)
        .unwrap();
    let (_, _, rgb) = decode(&png);
    let p = Theme::Light.palette();
    assert!(share_of(&rgb, p.bands[0]) > 0.02, "outer band");
    assert!(share_of(&rgb, p.bands[2]) > 0.01, "inner band");
    let svg = difference
        .render(&ChartOptions::default(), ImageFormat::Svg)
        .unwrap();
    let texts = svg::texts(&String::from_utf8(svg).unwrap());
    let has = |s: &str| texts.iter().any(|t| t.contains(s));
    assert!(
        has("no difference") && has("median difference"),
        "{texts:?}"
    );
    assert!(has("Monte Carlo ±"), "{texts:?}");
    assert!(
        has("Revenue difference, osa-enforced − maturing"),
        "{texts:?}"
    );
    // Without the analysis the kinds say what they need instead of drawing.
    for kind in [ChartKind::Tornado, ChartKind::Difference] {
        let err = Chart::of_runs(kind, &runs).unwrap_err();
        assert!(format!("{err:#}").contains("needs"), "{err:#}");
    }
}

#[test]
fn export_writes_both_charts_reproducibly_and_refuses_a_lone_difference() {
    let dir = tempfile::tempdir().unwrap();
    for (args, file) in [
        (&["--chart", "tornado", "-s", "osa-enforced"][..], "t.png"),
        (&["--chart", "tornado", "-s", "osa-enforced"][..], "t.svg"),
        (
            &["--chart", "difference", "-s", "maturing", "-s", "kosa"][..],
            "d.png",
        ),
        (
            &["--chart", "difference", "-s", "maturing", "-s", "kosa"][..],
            "d.svg",
        ),
    ] {
        let mut bytes = Vec::new();
        for _ in 0..2 {
            let path = dir.path().join(file);
            let out = safetech()
                .args([
                    "export", "-n", "4000", "--width", "800", "--height", "450", "--out",
                ])
                .arg(&path)
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            bytes.push(std::fs::read(&path).unwrap());
        }
        assert!(
            !bytes[0].is_empty() && bytes[0] == bytes[1],
            "{file}: not reproducible"
        );
        if file.ends_with(".png") {
            let (w, h, _) = decode(&bytes[0]);
            assert_eq!((w, h), (800, 450));
        }
    }
    let path = dir.path().join("lone.png");
    let out = safetech()
        .args(["export", "-n", "4000", "--chart", "difference", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs two scenarios"));
    assert!(!path.exists());
}
