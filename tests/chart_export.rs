//! Chart export end to end: every kind in PNG and SVG, decoded and inspected; byte-identical
//! reruns; failures that must leave no file behind.

use crate::common;

use std::path::Path;
use std::sync::OnceLock;

use plotters::style::RGBColor;
use safetech::chart::{self, Chart, ChartKind, ChartOptions, ImageFormat, Theme};
use safetech::scenario::load;
use safetech::sim::{Projection, RunControl, RunSettings, simulate};

use common::{safetech, svg};

const KINDS: [ChartKind; 5] = [
    ChartKind::Fan,
    ChartKind::Compare,
    ChartKind::Histogram,
    ChartKind::Reach,
    ChartKind::Spaghetti,
];

/// The chart of `kind` for `runs` as PNG bytes.
fn render_png_bytes(
    kind: ChartKind,
    runs: &[Projection],
    options: &ChartOptions,
) -> anyhow::Result<Vec<u8>> {
    Chart::of_runs(kind, runs)?.render(options, ImageFormat::Png)
}

/// The chart of `kind` for `runs` as an SVG document.
fn render_svg_string(
    kind: ChartKind,
    runs: &[Projection],
    options: &ChartOptions,
) -> anyhow::Result<String> {
    let svg = Chart::of_runs(kind, runs)?.render(options, ImageFormat::Svg)?;
    Ok(String::from_utf8(svg)?)
}

/// Two scenarios on a small, fixed run, simulated once for all tests.
fn runs() -> &'static [Projection] {
    static RUNS: OnceLock<Vec<Projection>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let settings = RunSettings {
            paths: 4000,
            seed: 7,
            sample_paths: 50,
        };
        ["baseline", "osa-enforced"]
            .iter()
            .map(|id| simulate(&load(id).unwrap(), settings, RunControl::default()).unwrap())
            .collect()
    })
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(bytes);
    // Charts with few colours are written with a palette; expand it to RGB.
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a valid PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Share of pixels inside the central plot region (away from title, axes and footer) that are
/// exactly `color`.
fn share_in_plot(w: u32, h: u32, rgb: &[u8], color: RGBColor) -> f64 {
    let (x0, x1, y0, y1) = (
        w as usize * 15 / 100,
        w as usize * 95 / 100,
        h as usize * 15 / 100,
        h as usize * 82 / 100,
    );
    let mut hits = 0usize;
    for y in y0..y1 {
        for x in x0..x1 {
            let i = (y * w as usize + x) * 3;
            if rgb[i..i + 3] == [color.0, color.1, color.2] {
                hits += 1;
            }
        }
    }
    hits as f64 / ((x1 - x0) * (y1 - y0)) as f64
}

/// The colour each kind fills a good part of its plot with.
fn signature_color(kind: ChartKind, theme: Theme) -> RGBColor {
    let p = theme.palette();
    match kind {
        ChartKind::Fan => p.bands[2],
        ChartKind::Spaghetti => p.bands[0],
        ChartKind::Histogram => p.series[0],
        ChartKind::Compare | ChartKind::Reach => p.background,
        // Drawn from analyses (tests/chart_analysis.rs) or from no simulation at all
        // (history: tests/chart_data.rs).
        ChartKind::Tornado | ChartKind::Difference | ChartKind::History => {
            unreachable!("not in KINDS")
        }
    }
}

#[test]
fn every_kind_renders_to_png_with_a_filled_plot() {
    for theme in [Theme::Light, Theme::Dark] {
        let options = ChartOptions {
            width: 800,
            height: 450,
            theme,
            ..ChartOptions::default()
        };
        for kind in KINDS {
            let bytes = render_png_bytes(kind, runs(), &options).unwrap();
            let (w, h, rgb) = decode(&bytes);
            assert_eq!((w, h), (800, 450), "{kind:?}");
            let bg = theme.palette().background;
            let not_bg = 1.0 - share_in_plot(w, h, &rgb, bg);
            assert!(
                not_bg > 0.03,
                "{kind:?} {theme:?}: plot nearly blank ({not_bg})"
            );
            if !matches!(kind, ChartKind::Compare | ChartKind::Reach) {
                let share = share_in_plot(w, h, &rgb, signature_color(kind, theme));
                assert!(
                    share > 0.01,
                    "{kind:?} {theme:?}: only {share} of the plot in the band colour"
                );
            }
        }
    }
}

#[test]
fn compare_and_reach_draw_each_scenario_in_its_own_colour() {
    let options = ChartOptions::default();
    let p = Theme::Light.palette();
    for kind in [ChartKind::Compare, ChartKind::Reach] {
        let (w, h, rgb) = decode(&render_png_bytes(kind, runs(), &options).unwrap());
        for color in &p.series[..2] {
            let share = share_in_plot(w, h, &rgb, *color);
            assert!(
                share > 0.001,
                "{kind:?}: scenario colour {color:?} covers only {share}"
            );
        }
    }
}

#[test]
fn scale_multiplies_the_pixel_size() {
    let options = ChartOptions {
        width: 640,
        height: 360,
        scale: 2,
        ..ChartOptions::default()
    };
    let (w, h, _) = decode(&render_png_bytes(ChartKind::Fan, runs(), &options).unwrap());
    assert_eq!((w, h), (1280, 720));
}

#[test]
fn every_kind_renders_to_svg_with_title_and_axis_labels() {
    let options = ChartOptions::default();
    for kind in KINDS {
        let svg = render_svg_string(kind, runs(), &options).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{kind:?}"
        );
        assert!(svg.contains(r#"width="1600" height="900""#), "{kind:?}");
        let texts = svg::texts(&svg);
        let has = |s: &str| texts.iter().any(|t| t.contains(s));
        let title = match kind {
            ChartKind::Fan => "UK safety tech revenue: ",
            ChartKind::Compare => "under different scenarios",
            ChartKind::Histogram => "Revenue in 2026",
            ChartKind::Reach => "reach £1bn?",
            ChartKind::Spaghetti => "simulated futures: ",
            ChartKind::Tornado | ChartKind::Difference | ChartKind::History => {
                unreachable!("not in KINDS")
            }
        };
        assert!(has(title), "{kind:?}: no title in {texts:?}");
        // One units convention: "£" on the axis title, m/bn on the ticks; never "£m" on both.
        assert!(
            texts.iter().all(|t| !t.contains("(£m")),
            "{kind:?}: £m on an axis title: {texts:?}"
        );
        assert!(
            has("safetech ") && has("seed 7"),
            "{kind:?}: no footer stamp"
        );
        match kind {
            ChartKind::Histogram => {
                assert!(
                    has("Revenue in 2026 (£, nominal)") && has("Share of paths"),
                    "{texts:?}"
                );
                assert!(has("£1bn"), "money tick labels: {texts:?}");
            }
            ChartKind::Reach => {
                assert!(
                    has("Year") && has("Paths that have reached the target (%)"),
                    "{texts:?}"
                );
                assert!(has("2026"), "{texts:?}");
            }
            _ => {
                assert!(
                    has("Year") && has("Annual revenue (£, nominal"),
                    "{kind:?}: {texts:?}"
                );
                assert!(
                    texts.iter().any(|t| t == "£1bn") && texts.iter().any(|t| t == "2028"),
                    "{texts:?}"
                );
            }
        }
    }
}

#[test]
fn fan_annotates_the_target_probability() {
    let svg = render_svg_string(ChartKind::Fan, &runs()[..1], &ChartOptions::default()).unwrap();
    let note = svg::texts(&svg)
        .into_iter()
        .find(|t| t.starts_with("P(≥ £1bn in 2026) = "))
        .expect("annotation");
    // The figure after "±" is the 95% Monte Carlo half-width, as the JSON's ci95 gives it.
    let json = safetech::report::Format::Json
        .reporter()
        .render(&[safetech::stats::RunSummary::of(&runs()[0])]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let t = &doc["scenarios"][0]["target"];
    let half = (t["ci95"][1].as_f64().unwrap() - t["ci95"][0].as_f64().unwrap()) / 2.0 * 100.0;
    let decimals = (1 - half.log10().floor() as i32).max(0) as usize;
    let expected = format!("(Monte Carlo ±{half:.decimals$} pts)");
    assert!(note.ends_with(&expected), "{note} should end {expected}");
    assert_eq!(t["margin95"].as_f64().unwrap() * 100.0, half);
}

#[test]
fn custom_title_replaces_the_default() {
    let options = ChartOptions {
        title: Some("Briefing figure 3 – <revenue> & risk".into()),
        ..ChartOptions::default()
    };
    let svg = render_svg_string(ChartKind::Fan, runs(), &options).unwrap();
    let texts = svg::texts(&svg);
    assert!(
        texts
            .iter()
            .any(|t| t == "Briefing figure 3 – <revenue> & risk"),
        "{texts:?}"
    );
    assert!(
        !texts
            .iter()
            .any(|t| t.starts_with("UK safety tech revenue: "))
    );
}

#[test]
fn footer_date_comes_from_source_date_epoch_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dated.svg");
    safetech()
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .args(["export", "-n", "2000", "--chart", "reach", "--out"])
        .arg(&out)
        .assert()
        .success();
    let dated = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg::texts(&dated)
            .iter()
            .any(|t| t.ends_with("· 2025-01-01")),
        "no date in footer"
    );
    export(&out, &["--chart", "reach"]).success();
    let undated = std::fs::read_to_string(&out).unwrap();
    assert!(
        !undated.contains("2025-01-01"),
        "a date without SOURCE_DATE_EPOCH"
    );
}

#[test]
fn same_inputs_same_bytes_in_process() {
    for kind in KINDS {
        let a = render_png_bytes(kind, runs(), &ChartOptions::default()).unwrap();
        let b = render_png_bytes(kind, runs(), &ChartOptions::default()).unwrap();
        assert!(a == b, "{kind:?} PNG differs between renders");
    }
}

fn export(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = safetech();
    cmd.args(["export", "-n", "3000", "--out"])
        .arg(out)
        .args(extra);
    if !extra.contains(&"--chart") {
        cmd.args(["--chart", "fan"]);
    }
    cmd.assert()
}

#[test]
fn command_twice_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.png", "a.svg"] {
        let first = dir.path().join(name);
        let second = dir.path().join(format!("b-{name}"));
        export(
            &first,
            &[
                "-s",
                "baseline",
                "-s",
                "osa-enforced",
                "--chart",
                "compare",
                "--theme",
                "dark",
            ],
        )
        .success();
        export(
            &second,
            &[
                "-s",
                "baseline",
                "-s",
                "osa-enforced",
                "--chart",
                "compare",
                "--theme",
                "dark",
            ],
        )
        .success();
        let (a, b) = (
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap(),
        );
        assert!(a.len() > 1000 && a == b, "{name}: runs differ");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn unknown_extension_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chart.jpg");
    let assert = export(&out, &[]).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(".jpg") && stderr.contains(".png, .svg or .pdf"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn bad_size_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    export(&dir.path().join("c.png"), &["--width", "10"]).code(2);
    export(&dir.path().join("c.png"), &["--scale", "0"]).code(2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn missing_directory_fails_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no/such/dir/chart.png");
    let assert = export(&out, &[]).code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn unwritable_directory_fails_with_exit_1_and_keeps_the_old_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chart.png");
    std::fs::write(&out, b"old chart").unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    // Permissions do not bind root; /proc refuses new files to everyone.
    let probe = dir.path().join("probe");
    let target = if std::fs::write(&probe, b"").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        Path::new("/proc/safetech-chart.png").to_path_buf()
    } else {
        out.clone()
    };
    let assert = export(&target, &[]).code(1);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), b"old chart");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
#[cfg_attr(not(target_os = "linux"), ignore = "needs /dev/full")]
fn full_device_fails_with_exit_1() {
    common::require_dev_full();
    let dir = tempfile::tempdir().unwrap();
    // The format comes from the extension, so reach /dev/full through a .png name.
    let out = dir.path().join("full.png");
    std::os::unix::fs::symlink(common::DEV_FULL, &out).unwrap();
    let assert = export(&out, &[]).code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("cannot write") && stderr.contains("space"),
        "{stderr}"
    );
    assert!(
        std::fs::symlink_metadata(&out)
            .unwrap()
            .file_type()
            .is_symlink(),
        "link replaced"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn failed_export_keeps_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chart.png");
    std::fs::write(&out, b"old chart").unwrap();
    // Invalid input fails before anything is written.
    export(&out, &["--set", "growth.volatility=-1"]).failure();
    assert_eq!(std::fs::read(&out).unwrap(), b"old chart");
}

/// One scenario whose horizon is its target year, so the target sits on the last year shown.
fn target_at_horizon() -> &'static [Projection] {
    static RUNS: OnceLock<Vec<Projection>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let settings = RunSettings {
            paths: 1000,
            seed: 7,
            sample_paths: 20,
        };
        ["baseline", "osa-enforced"]
            .iter()
            .map(|id| {
                let mut s = load(id).unwrap();
                s.market.horizon = s.target.year;
                simulate(&s, settings, RunControl::default()).unwrap()
            })
            .collect()
    })
}

fn filled_circles(svg: &str, fill: &str) -> usize {
    svg.match_indices("<circle")
        .filter(|(i, _)| {
            let tag = &svg[*i..i + svg[*i..].find('>').unwrap()];
            tag.contains(&format!("fill=\"{fill}\"")) || tag.contains(&format!("stroke=\"{fill}\""))
        })
        .count()
}

#[test]
fn target_marker_is_drawn_when_the_target_year_is_the_last_year_shown() {
    // The range check excluded the axis' end, so the marker vanished at the horizon.
    for (kind, fill) in [
        (ChartKind::Fan, "#D55E00"),
        (ChartKind::Spaghetti, "#D55E00"),
        // The compare chart's ring is in the text colour (on a halo of the background).
        (ChartKind::Compare, "#1A1A1A"),
    ] {
        let svg = render_svg_string(kind, target_at_horizon(), &ChartOptions::default()).unwrap();
        assert!(
            filled_circles(&svg, fill) >= 1,
            "{kind:?}: no target marker"
        );
    }
}

#[test]
fn empty_title_leaves_no_strip() {
    let options = ChartOptions {
        title: Some(String::new()),
        headline: Some(false),
        ..ChartOptions::default()
    };
    let svg = render_svg_string(ChartKind::Fan, runs(), &options).unwrap();
    let first = svg.find("<text").unwrap();
    let tag = &svg[first..first + svg[first..].find('>').unwrap()];
    let y: f64 = tag
        .split("y=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(y < 60.0, "the first line sits at y = {y}: {tag}");
    assert!(svg::texts(&svg)[0].starts_with("Published revenue"));
}

#[test]
fn reach_labels_its_even_chance_line_and_spaghetti_states_p_target() {
    let o = ChartOptions::default();
    let reach = svg::texts(&render_svg_string(ChartKind::Reach, runs(), &o).unwrap());
    assert!(
        reach
            .iter()
            .any(|t| t.contains("50%") && t.contains("even chance"))
    );
    let spag = svg::texts(&render_svg_string(ChartKind::Spaghetti, runs(), &o).unwrap());
    assert!(
        spag.iter().any(|t| t.starts_with("P(≥ £1bn in 2026) = ")),
        "{spag:?}"
    );
    assert!(spag.iter().all(|t| !t.contains("1 simulated futures")));
}

#[test]
fn fan_png_is_small_and_carries_its_resolution() {
    let bytes = render_png_bytes(ChartKind::Fan, runs(), &ChartOptions::default()).unwrap();
    assert!(bytes.len() <= 120 * 1024, "{} bytes", bytes.len());
    let reader = png::Decoder::new(&bytes[..]).read_info().unwrap();
    let dims = reader.info().pixel_dims.expect("a pHYs chunk");
    assert_eq!(dims.unit, png::Unit::Meter);
    // 150 dpi by default.
    assert_eq!((dims.xppu, dims.yppu), (5906, 5906));
    let options = ChartOptions {
        dpi: 300,
        ..ChartOptions::default()
    };
    let bytes = render_png_bytes(ChartKind::Fan, runs(), &options).unwrap();
    let reader = png::Decoder::new(&bytes[..]).read_info().unwrap();
    assert_eq!(reader.info().pixel_dims.unwrap().xppu, 11_811);
}

#[test]
fn canvases_below_the_smallest_size_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.png");
    let assert = export(&out, &["--width", "320", "--height", "320"]).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("640") && stderr.contains("--width"),
        "{stderr}"
    );
    export(&out, &["--dpi", "0"]).code(2);
    assert!(!out.exists());
}

#[test]
fn a_repeated_scenario_is_used_once_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.svg");
    let assert = export(
        &out,
        &["--chart", "compare", "-s", "baseline", "-s", "baseline"],
    )
    .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("more than once"), "{stderr}");
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("scenario baseline ·"), "footer lists it once");
}

#[test]
fn brief_texts_headline_subtitle_caption_and_source() {
    let light =
        svg::texts(&render_svg_string(ChartKind::Fan, runs(), &ChartOptions::default()).unwrap());
    // The headline comes first, from the numbers, with baseline's condition; the source
    // defaults to the published figures and names the projections' maker.
    assert!(
        light[0].ends_with("% chance of £1bn by 2026 if 37% growth continues"),
        "{:?}",
        &light[..3]
    );
    assert!(
        light.iter().any(|t| t.starts_with("Sources: DSIT")),
        "{light:?}"
    );
    let dark = svg::texts(
        &render_svg_string(
            ChartKind::Fan,
            runs(),
            &ChartOptions {
                theme: Theme::Dark,
                ..ChartOptions::default()
            },
        )
        .unwrap(),
    );
    assert!(dark.iter().all(|t| !t.contains("% chance of")), "{dark:?}");
    let options = ChartOptions {
        theme: Theme::Dark,
        headline: Some(true),
        subtitle: Some("My subtitle".into()),
        caption: Some("Figure 2.".into()),
        source: Some(String::new()),
        ..ChartOptions::default()
    };
    let texts = svg::texts(&render_svg_string(ChartKind::Compare, runs(), &options).unwrap());
    assert!(
        texts[0].starts_with("Chance of £1bn by 2026: "),
        "{texts:?}"
    );
    assert!(texts.contains(&"My subtitle".to_string()));
    assert!(texts.contains(&"Figure 2.".to_string()));
    assert!(texts.iter().all(|t| !t.starts_with("Source:")), "{texts:?}");
}

#[test]
fn from_and_to_zoom_the_year_axis_and_are_checked() {
    let options = ChartOptions {
        from: Some(2023),
        to: Some(2027),
        ..ChartOptions::default()
    };
    for kind in [
        ChartKind::Fan,
        ChartKind::Compare,
        ChartKind::Reach,
        ChartKind::Spaghetti,
    ] {
        let texts = svg::texts(&render_svg_string(kind, runs(), &options).unwrap());
        let has = |s: &str| texts.iter().any(|t| t == s);
        assert!(
            has("2027") && !has("2020") && !has("2028"),
            "{kind:?}: {texts:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.png");
    let assert = export(&out, &["--from", "2027", "--to", "2025"]).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("--from"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn data_writes_the_plotted_numbers_beside_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.svg");
    let data = dir.path().join("c.csv");
    export(
        &out,
        &[
            "--chart", "compare", "-s", "baseline", "-s", "genai", "--to", "2027", "--data",
        ],
    )
    .code(2); // --data needs a file name
    let data_arg = data.to_str().unwrap();
    export(
        &out,
        &[
            "--chart", "compare", "-s", "baseline", "-s", "genai", "--to", "2027", "--data",
            data_arg,
        ],
    )
    .success();
    let csv = std::fs::read_to_string(&data).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    // Units in the column names, as in `run`'s CSV.
    assert_eq!(
        lines[0],
        "scenario,year,published_gbp_m,p5_gbp_m,p10_gbp_m,p25_gbp_m,p50_gbp_m,p75_gbp_m,\
         p90_gbp_m,p95_gbp_m,p_target_in_target_year,p_target_margin95,\
         target_revenue_gbp_m,target_year"
    );
    // Published 2020 to 2024 and simulated 2024 to 2027 (2024 shared), two scenarios.
    assert_eq!(lines.len(), 1 + 2 * 8, "{csv}");
    assert!(lines[1].starts_with("baseline,2020,226,,"), "{csv}");
    assert!(lines[5].starts_with("baseline,2024,623,623,"), "{csv}");
    assert!(lines.iter().any(|l| l.starts_with("genai,2027,,")));
    // The chance printed at each line's end: the same on each of a scenario's projected rows,
    // empty on its published-only ones, and the chart's label is it rounded to a whole percent.
    let svg = std::fs::read_to_string(&out).unwrap();
    for id in ["baseline", "genai"] {
        let rows: Vec<Vec<&str>> = lines
            .iter()
            .filter(|l| l.starts_with(&format!("{id},")))
            .map(|l| l.split(',').collect())
            .collect();
        for r in &rows {
            // p5 is empty exactly where P(target) is.
            assert_eq!(r[3].is_empty(), r[10].is_empty(), "{csv}");
        }
        let p: Vec<f64> = rows
            .iter()
            .filter(|r| !r[10].is_empty())
            .map(|r| r[10].parse().unwrap())
            .collect();
        assert!(p.len() >= 2, "{csv}");
        assert!(
            p.iter().all(|&x| x == p[0] && (0.0..=1.0).contains(&x)),
            "{csv}"
        );
        let label = format!("{id} {}%", (p[0] * 100.0).round());
        assert!(svg.contains(&label), "{label} not in the chart");
    }
    // --from 2023 keeps the published 2023 point that is plotted.
    export(
        &out,
        &["--chart", "fan", "--from", "2023", "--data", data_arg],
    )
    .success();
    let csv = std::fs::read_to_string(&data).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("central,2023,456,,"),
        "{csv}"
    );
}

#[test]
fn y_scale_linear_starts_at_zero_and_says_so() {
    let options = ChartOptions {
        y_scale: chart::YScale::Linear,
        ..ChartOptions::default()
    };
    for kind in [ChartKind::Fan, ChartKind::Compare, ChartKind::Spaghetti] {
        let texts = svg::texts(&render_svg_string(kind, runs(), &options).unwrap());
        let has = |s: &str| texts.iter().any(|t| t == s);
        assert!(
            has("£0") && has("Annual revenue (£, nominal)"),
            "{kind:?}: {texts:?}"
        );
    }
    let log =
        svg::texts(&render_svg_string(ChartKind::Fan, runs(), &ChartOptions::default()).unwrap());
    assert!(
        log.iter()
            .any(|t| t == "Annual revenue (£, nominal, log scale)")
    );
    assert!(!log.iter().any(|t| t == "£0"));
}

#[test]
fn compare_draws_bands_for_two_scenarios_or_on_request() {
    let band_groups = |options: &ChartOptions| {
        let svg = render_svg_string(ChartKind::Compare, runs(), options).unwrap();
        svg.matches("-band\">").count()
    };
    assert_eq!(band_groups(&ChartOptions::default()), 2);
    let off = ChartOptions {
        bands: Some(false),
        ..ChartOptions::default()
    };
    assert_eq!(band_groups(&off), 0);
}

/// A PDF's objects by number: the dictionary text and the stream, inflated when it is
/// Flate-compressed. Enough of PDF to read what svg2pdf writes (no object streams).
fn pdf_objects(pdf: &[u8]) -> std::collections::HashMap<u32, (String, Vec<u8>)> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut objects = std::collections::HashMap::new();
    let mut at = 0;
    while let Some(p) = find(pdf, b" 0 obj", at) {
        let num_start = pdf[..p]
            .iter()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |i| i + 1);
        let end = find(pdf, b"endobj", p).expect("every object ends");
        let body = &pdf[p + 6..end];
        let (dict, stream) = match find(body, b"stream\n", 0) {
            Some(s) => {
                let e = find(body, b"endstream", s).expect("every stream ends");
                let raw = body[s + 7..e]
                    .strip_suffix(b"\n")
                    .unwrap_or(&body[s + 7..e]);
                let dict = text(&body[..s]);
                let data = if dict.contains("/FlateDecode") {
                    miniz_oxide::inflate::decompress_to_vec_zlib(raw).expect("a Flate stream")
                } else {
                    raw.to_vec()
                };
                (dict, data)
            }
            None => (text(body), Vec::new()),
        };
        if let Ok(n) = text(&pdf[num_start..p]).parse() {
            objects.insert(n, (dict, stream));
        }
        at = end;
    }
    objects
}

/// The object number after `key` in a dictionary (`/Key 12 0 R`).
fn pdf_ref(dict: &str, key: &str) -> Option<u32> {
    let rest = &dict[dict.find(key)? + key.len()..];
    rest.split_whitespace().next()?.parse().ok()
}

/// The text a PDF page shows, in drawing order, decoded through each font's ToUnicode map
/// (svg2pdf writes two-byte glyph codes in literal strings, one `Tj` per glyph cluster).
fn pdf_page_text(pdf: &[u8]) -> String {
    let objects = pdf_objects(pdf);
    let (page, _) = objects
        .values()
        .find(|(d, _)| d.contains("/Type /Page\n") || d.contains("/Type /Page "))
        .expect("a page");
    let fonts_at = page.find("/Font <<").expect("page fonts");
    let fonts_dict = &page[fonts_at + 8..fonts_at + page[fonts_at..].find(">>").unwrap()];
    let mut maps = std::collections::HashMap::new();
    let words: Vec<&str> = fonts_dict.split_whitespace().collect();
    for w in words.windows(4) {
        if let (Some(name), Ok(n), "0", "R") =
            (w[0].strip_prefix('/'), w[1].parse::<u32>(), w[2], w[3])
        {
            let font = &objects[&n].0;
            let cmap = &objects[&pdf_ref(font, "/ToUnicode").expect("ToUnicode")].1;
            let cmap = String::from_utf8_lossy(cmap);
            let mut map = std::collections::HashMap::new();
            for line in cmap.lines() {
                let hex: Vec<&str> = line
                    .split(['<', '>'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                let num = |h: &str| u32::from_str_radix(h, 16).ok();
                // `<code> <unicode>` (bfchar) or `<first> <last> <unicode>` (bfrange).
                let (first, last, uni) = match hex[..] {
                    [c, u] => (num(c), num(c), num(u)),
                    [a, b, u] => (num(a), num(b), num(u)),
                    _ => continue,
                };
                if let (Some(first), Some(last), Some(uni)) = (first, last, uni) {
                    for code in first..=last {
                        if let Some(c) = char::from_u32(uni + code - first) {
                            map.insert(code as u16, c);
                        }
                    }
                }
            }
            maps.insert(name.to_string(), map);
        }
    }
    let content = &objects[&pdf_ref(page, "/Contents").expect("contents")].1;
    let mut out = String::new();
    let mut font = String::new();
    let mut i = 0;
    while i < content.len() {
        match content[i] {
            b'/' => {
                let end = content[i..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace())
                    .unwrap()
                    + i;
                let name = String::from_utf8_lossy(&content[i + 1..end]).into_owned();
                if maps.contains_key(&name) {
                    font = name;
                }
                i = end;
            }
            b'(' => {
                // A literal string: backslash escapes, octal \ddd.
                let mut bytes = Vec::new();
                i += 1;
                while content[i] != b')' {
                    if content[i] == b'\\' {
                        i += 1;
                        if content[i].is_ascii_digit() {
                            let len = content[i..i + 3]
                                .iter()
                                .take_while(|b| b.is_ascii_digit())
                                .count();
                            let s = std::str::from_utf8(&content[i..i + len]).unwrap();
                            bytes.push(u8::from_str_radix(s, 8).unwrap());
                            i += len;
                            continue;
                        }
                        bytes.push(match content[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'f' => 0x0C,
                            other => other,
                        });
                    } else {
                        bytes.push(content[i]);
                    }
                    i += 1;
                }
                for code in bytes.chunks_exact(2) {
                    let code = u16::from_be_bytes([code[0], code[1]]);
                    out.push(maps[&font].get(&code).copied().unwrap_or('\u{FFFD}'));
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// PDF by extension: a one-page PDF whose page is the chart's size at its dpi, with both
/// DejaVu faces embedded as subsets and the headline, title and footer as real text.
#[test]
fn pdf_output_has_the_page_size_embedded_fonts_and_the_text() {
    let options = ChartOptions {
        headline: Some(true),
        ..ChartOptions::default()
    };
    let pdf = Chart::Fan(&runs()[0])
        .render(&options, ImageFormat::Pdf)
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-1."), "{:?}", &pdf[..8]);
    let objects = pdf_objects(&pdf);
    let page = objects
        .values()
        .map(|(d, _)| d)
        .find(|d| d.contains("/MediaBox"))
        .expect("a page");
    // 1600 × 900 px at 150 dpi is 768 × 432 pt.
    let media: Vec<f64> = page[page.find("/MediaBox [").unwrap() + 11..]
        .split(']')
        .next()
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(media, [0.0, 0.0, 768.0, 432.0]);
    let fonts: Vec<&String> = objects
        .values()
        .map(|(d, _)| d)
        .filter(|d| d.contains("/FontFile2"))
        .collect();
    assert_eq!(fonts.len(), 2, "regular and bold embedded");
    assert!(fonts.iter().all(|d| d.contains("DejaVuSans")), "{fonts:?}");
    let text: String = pdf_page_text(&pdf).split_whitespace().collect();
    let expected = Chart::Fan(&runs()[0]).headline().unwrap();
    for line in [expected.as_str(), "Annual revenue", "safetech 0.1.0"] {
        let squeezed: String = line.split_whitespace().collect();
        assert!(text.contains(&squeezed), "{squeezed:?} not in {text:?}");
    }
    // Other sizes scale the page: 800 × 450 at 300 dpi is 192 × 108 pt.
    let small = ChartOptions {
        width: 800,
        height: 450,
        dpi: 300,
        ..ChartOptions::default()
    };
    let pdf = Chart::Compare(runs())
        .render(&small, ImageFormat::Pdf)
        .unwrap();
    let objects = pdf_objects(&pdf);
    assert!(
        objects
            .values()
            .any(|(d, _)| d.contains("/MediaBox [0 0 192 108]"))
    );
}

/// `-o chart.pdf` through a symlink writes the PDF atomically where the link points and keeps
/// the link, leaving no temporary file.
#[cfg(unix)]
#[test]
fn pdf_export_writes_through_a_link_atomically() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    let link = dir.path().join("chart.pdf");
    std::os::unix::fs::symlink("real/brief.pdf", &link).unwrap();
    Chart::Reach(runs())
        .export(
            &link,
            &ChartOptions::default(),
            &safetech::output::Inputs::none(),
        )
        .unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read(dir.path().join("real/brief.pdf")).unwrap();
    assert!(written.starts_with(b"%PDF-"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("real"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "brief.pdf")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// SVG text asks for an embedded subset of DejaVu Sans first, so its look does not depend on
/// the viewer: one @font-face per weight used, each holding a glyph for every character the
/// texts of that weight use (read back with ab_glyph), and nothing else of note.
#[test]
fn svg_embeds_the_glyphs_it_uses() {
    use ab_glyph::{Font, FontRef};
    use base64::Engine;
    let svg = render_svg_string(ChartKind::Fan, &runs()[..1], &ChartOptions::default()).unwrap();
    let faces: Vec<(bool, Vec<u8>)> = svg
        .split("@font-face{")
        .skip(1)
        .map(|rule| {
            let b64 = rule
                .split("base64,")
                .nth(1)
                .unwrap()
                .split(')')
                .next()
                .unwrap();
            (
                rule.contains("font-weight:bold"),
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(faces.len(), 2, "regular and bold");
    let full = FontRef::try_from_slice(include_bytes!("../assets/fonts/DejaVuSans.ttf")).unwrap();
    for (bold, data) in &faces {
        assert!(
            data.len() < 40_000,
            "a subset, not the whole font: {} bytes",
            data.len()
        );
        let face = FontRef::try_from_slice(data).unwrap();
        let mut tags = svg.split("<text ").skip(1);
        let mut checked = 0;
        for t in tags.by_ref() {
            if t.contains("font-weight=\"bold\"") != *bold {
                continue;
            }
            assert!(
                t.contains("font-family=\"DejaVuSansEmbedded, DejaVu Sans, sans-serif\""),
                "{t}"
            );
            let body = t
                .split('>')
                .nth(1)
                .unwrap()
                .split("</text")
                .next()
                .unwrap()
                .trim();
            for c in body
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '&' && *c != ';')
            {
                assert_ne!(face.glyph_id(c).0, 0, "{c:?} of {body:?} missing");
                checked += 1;
            }
        }
        assert!(checked > 20);
        // A glyph the full font has and no chart text uses is left out.
        assert_ne!(full.glyph_id('Ж').0, 0);
        assert_eq!(face.glyph_id('Ж').0, 0);
    }
}

/// Every built-in scenario on a small run (three of them end in 2028, the rest in 2035).
fn all_builtins() -> &'static [Projection] {
    static RUNS: OnceLock<Vec<Projection>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let settings = RunSettings {
            paths: 2000,
            seed: 7,
            sample_paths: 0,
        };
        safetech::scenario::BUILTIN
            .iter()
            .map(|(id, _)| simulate(&load(id).unwrap(), settings, RunControl::default()).unwrap())
            .collect()
    })
}

/// Whether two segments cross at a point strictly inside both.
fn segments_cross((a, b): ((f64, f64), (f64, f64)), (c, d): ((f64, f64), (f64, f64))) -> bool {
    let side = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        ((q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)).signum()
    };
    let touching = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        ((q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)) == 0.0
    };
    if touching(c, d, a) || touching(c, d, b) || touching(a, b, c) || touching(a, b, d) {
        return false;
    }
    side(c, d, a) != side(c, d, b) && side(a, b, c) != side(a, b, d)
}

/// The extent of an SVG text in DejaVu Sans from the font's own metrics: x0, x1, y0, y1.
fn text_box(x: f64, baseline: f64, size: f64, text: &str) -> (f64, f64, f64, f64) {
    use ab_glyph::{Font, FontRef, ScaleFont};
    let font = FontRef::try_from_slice(include_bytes!("../assets/fonts/DejaVuSans.ttf")).unwrap();
    // DejaVu Sans at `size` px per em: ab_glyph's scale is size × height in em.
    let scaled = font.as_scaled(size as f32 * font.height_unscaled() / 2048.0);
    let w: f32 = text
        .chars()
        .map(|c| scaled.h_advance(scaled.glyph_id(c)))
        .sum();
    (
        x,
        x + f64::from(w),
        baseline - f64::from(scaled.ascent()),
        baseline - f64::from(scaled.descent()),
    )
}

/// The id of a series (other than `skip` and the bands) whose line runs through the box.
fn crossed_by(
    series: &[svg::Series],
    skip: &str,
    (x0, x1, y0, y1): (f64, f64, f64, f64),
) -> Option<String> {
    for other in series
        .iter()
        .filter(|o| o.id != skip && !o.id.ends_with("-band"))
    {
        for (stroke, points) in &other.lines {
            let pad = stroke / 2.0;
            for seg in points.windows(2) {
                let ((ax, ay), (bx, by)) = (seg[0], seg[1]);
                let n = ((bx - ax).abs().max((by - ay).abs())).ceil().max(1.0) as usize;
                let hit = (0..=n).any(|k| {
                    let f = k as f64 / n as f64;
                    let (px, py) = (ax + (bx - ax) * f, ay + (by - ay) * f);
                    px > x0 - pad && px < x1 + pad && py > y0 - pad && py < y1 + pad
                });
                if hit {
                    return Some(other.id.clone());
                }
            }
        }
    }
    None
}

/// The reach chart's "50% (even chance)" label sits where no scenario's line runs. It used to
/// sit at the left end, which baseline's line crosses between 2025 and 2026.
#[test]
fn the_even_chance_label_is_clear_of_the_lines() {
    let mut checked = 0;
    for ids in [
        &["baseline", "maturing", "osa-enforced"][..],
        &["downturn", "genai"][..],
        &["historical"][..],
    ] {
        let runs: Vec<Projection> = ids
            .iter()
            .map(|id| {
                let s = safetech::scenario::load(id).unwrap();
                simulate(
                    &s,
                    RunSettings {
                        paths: 4_000,
                        ..RunSettings::default()
                    },
                    RunControl::default(),
                )
                .unwrap()
            })
            .collect();
        for (width, height) in [(1600, 900), (800, 450)] {
            let options = ChartOptions {
                width,
                height,
                ..ChartOptions::default()
            };
            let svg = render_svg_string(ChartKind::Reach, &runs, &options).unwrap();
            let lines: Vec<&str> = svg.lines().collect();
            let at = lines
                .iter()
                .position(|l| l.trim() == "50% (even chance)")
                .expect("the 50% line is labelled");
            let t = lines[at - 1].trim_start();
            let num = |n: &str| -> f64 {
                svg::attr(t, n).map_or(0.0, |v| v.trim_end_matches("em").parse().unwrap())
            };
            let size = num("font-size");
            let b = text_box(
                num("x"),
                num("y") + num("dy") * size,
                size,
                "50% (even chance)",
            );
            let series = svg::series(&svg);
            assert_eq!(series.len(), ids.len());
            assert_eq!(crossed_by(&series, "", b), None, "{ids:?} {width}x{height}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

/// Labels of scenarios that end before the last year shown sit inside the plot; no other
/// scenario's line may run through them (they used to be placed level with the line's end
/// whatever ran there: "historical 39%" was crossed by transatlantic's median), nor any
/// reference line (at 640x360 the £1bn target line ran through "historical 59%"), and, from
/// 800x450 up in compare, no leader may cross another scenario's line or a reference line. Measured on the SVG, with the text's extent from
/// the font's own metrics; reference lines are the lines drawn outside the series' groups.
#[test]
fn labels_inside_the_plot_are_clear_of_other_lines() {
    let runs = all_builtins();
    assert!(runs.iter().any(|r| r.scenario.market.horizon == 2028));
    for kind in [ChartKind::Compare, ChartKind::Reach] {
        for (width, height) in [(1600, 900), (800, 450), (640, 360)] {
            let options = ChartOptions {
                width,
                height,
                ..ChartOptions::default()
            };
            let svg = render_svg_string(kind, runs, &options).unwrap();
            let mut series = svg::series(&svg);
            let reference = svg::reference_lines(&svg);
            assert!(
                !reference.lines.is_empty(),
                "{kind:?}: no reference lines found"
            );
            series.push(reference);
            let mut inside = 0;
            for s in &series {
                // The leader: a thin two-point line from the median's end to the swatch. Passing
                // by another median's end is allowed (medians ending in the same year meet
                // there); crossing a line is not.
                let leaders = s.lines.iter().filter(|(w, p)| p.len() == 2 && *w < 2.0);
                // At 640x360 with every scenario no height is clear for both historical's text
                // and its leader: the text is kept clear and the thin leader crosses. In reach,
                // lines bunch near 100% where leaders cannot always avoid them.
                let room = width >= 800 && kind == ChartKind::Compare;
                for (_, leader) in leaders.filter(|_| s.id != "reference" && room) {
                    for other in series
                        .iter()
                        .filter(|o| o.id != s.id && !o.id.ends_with("-band"))
                    {
                        // Its median and the reference lines; leaders of labels ending in the
                        // same year may cross each other.
                        for (_, points) in other
                            .lines
                            .iter()
                            .filter(|(w, p)| !(p.len() == 2 && *w < 2.0))
                        {
                            if points
                                .windows(2)
                                .any(|w| segments_cross((leader[0], leader[1]), (w[0], w[1])))
                            {
                                panic!(
                                    "{kind:?} {width}x{height}: {}'s leader crosses {}",
                                    s.id, other.id
                                );
                            }
                        }
                    }
                }
                for (x, baseline, size, text) in &s.texts {
                    let (x0, x1, y0, y1) = text_box(*x, *baseline, *size, text);
                    if x1 > f64::from(width) * 0.8 {
                        continue; // in the right margin, where no line runs
                    }
                    inside += 1;
                    // A label on a halo of the background hides the lines passing under it
                    // (where no height near its line's end is clear of them).
                    let on_halo = s.halos.iter().any(|h| {
                        h.0 <= x0 + 1.0 && h.1 <= y0 + 1.0 && h.2 >= x1 - 1.0 && h.3 >= y1 - 1.0
                    });
                    if on_halo {
                        continue;
                    }
                    if let Some(other) = crossed_by(&series, &s.id, (x0, x1, y0, y1)) {
                        panic!("{kind:?} {width}x{height}: {text:?} crossed by {other}");
                    }
                }
            }
            assert!(inside >= 3, "{kind:?}: {inside} labels inside the plot");
        }
    }
}

/// In SVG the dash array applies to a dashed series' median and swatch, not to the leader from
/// its end to its label. Leaders must not read as data: a hairline (about 1 px at scale 1) in a
/// neutral colour, not the series' (in its colour and near its width, historical's leader at
/// 2028 read as the line dropping); the swatch keeps the series' colour and width.
#[test]
fn leaders_are_solid_thin_and_neutral() {
    for scale in [1, 2] {
        let options = ChartOptions {
            scale,
            ..ChartOptions::default()
        };
        let svg = render_svg_string(ChartKind::Compare, all_builtins(), &options).unwrap();
        let (mut dashed_groups, mut groups) = (0, 0);
        // A scenario's median is in its group, its leader and swatch in `<id>-label`.
        for s in svg.split("<g id=\"").skip(1) {
            let id = &s[..s.find('"').unwrap()];
            if id.ends_with("-label") || id.ends_with("-band") {
                continue;
            }
            let body = |id: &str| {
                let at = svg.find(&format!("<g id=\"{id}\"")).unwrap();
                let rest = &svg[at..];
                &rest[..rest.find("</g>").unwrap()]
            };
            let (line, label) = (body(id), body(&format!("{id}-label")));
            let group = format!("{line}\n{label}");
            let group = group.as_str();
            let polylines: Vec<&str> = group
                .lines()
                .filter(|l| l.starts_with("<polyline"))
                .collect();
            if polylines.len() != 3 {
                continue;
            }
            groups += 1;
            let dashed = line.lines().next().unwrap().contains("stroke-dasharray")
                || polylines.iter().any(|l| l.contains("stroke-dasharray"));
            dashed_groups += usize::from(dashed);
            let (median, leader, swatch) = (polylines[0], polylines[1], polylines[2]);
            let width = |l: &str| -> f64 { svg::attr(l, "stroke-width").unwrap().parse().unwrap() };
            let colour = |l: &str| svg::attr(l, "stroke").unwrap();
            assert!(!leader.contains("stroke-dasharray"), "{group}");
            assert!(
                width(leader) <= f64::from(scale) + 1.0,
                "scale {scale}: {group}"
            );
            assert!(width(median) >= 2.0 * width(leader), "{group}");
            assert_ne!(colour(leader), colour(median), "{group}");
            assert_eq!(colour(swatch), colour(median), "{group}");
            assert_eq!(width(swatch), width(median), "{group}");
        }
        assert!(groups >= 10, "{groups}");
        assert!(dashed_groups >= 3, "{dashed_groups}");
    }
}

/// The fan's legend box covers no target line, band or line: with the horizon at the target
/// year (and with `--to` a year earlier) the dashed £1bn line ran behind the upper left legend
/// from 2020 to 2021. The legend is the unfilled (border) rectangle; lines in the target colour and
/// the scenario's group (bands' edges, median) must not enter it, nor any label drawn before it
/// (with `--to 2025` the lower right legend hid "forecast →", and the upper left one, chosen
/// instead, the target line).
#[test]
fn fan_legend_is_clear_of_the_target_and_the_fan() {
    // The target line is a neutral reference line.
    let target = Theme::Light.palette().reference;
    let target = format!("#{:02X}{:02X}{:02X}", target.0, target.1, target.2);
    for to in [None, Some(2025)] {
        let options = ChartOptions {
            to,
            ..ChartOptions::default()
        };
        let svg = render_svg_string(ChartKind::Fan, &target_at_horizon()[..1], &options).unwrap();
        let rect = svg
            .lines()
            .find(|l| l.starts_with("<rect") && l.contains("fill=\"none\""))
            .unwrap();
        let num = |n: &str| -> f64 { svg::attr(rect, n).unwrap().parse().unwrap() };
        let (x0, y0) = (num("x"), num("y"));
        let (x1, y1) = (x0 + num("width"), y0 + num("height"));
        let mut lines: Vec<Vec<(f64, f64)>> = svg::series(&svg)
            .into_iter()
            .flat_map(|s| s.lines.into_iter().map(|l| l.1))
            .collect();
        // Drawn before the legend: its own swatch is in the reference colour too.
        let before = &svg[..svg.find(rect).unwrap()];
        let in_target_colour = before
            .lines()
            .filter(|l| l.starts_with("<polyline") && l.contains(&format!("stroke=\"{target}\"")))
            .count();
        // One dashed element in SVG (a `stroke-dasharray`), drawn before the legend.
        assert!(in_target_colour >= 1, "{to:?}: the target line is drawn");
        lines.extend(
            before
                .lines()
                .filter(|l| {
                    l.starts_with("<polyline") && l.contains(&format!("stroke=\"{target}\""))
                })
                .map(|l| {
                    svg::attr(l, "points")
                        .unwrap()
                        .split_whitespace()
                        .map(|p| {
                            let (x, y) = p.split_once(',').unwrap();
                            (x.parse().unwrap(), y.parse().unwrap())
                        })
                        .collect()
                }),
        );
        let inside = |(x, y): (f64, f64)| x > x0 && x < x1 && y > y0 && y < y1;
        // With --to 2025 no corner is clear (band top right, history bottom left, target top
        // left, "forecast →" bottom right): the legend sits raised above the label.
        // Nor any text drawn before it (the "forecast →" label at the divider's foot).
        let texts: Vec<&str> = before.lines().collect();
        for (k, l) in texts
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("<text"))
        {
            let num = |n: &str| -> f64 {
                svg::attr(l, n)
                    .unwrap()
                    .trim_end_matches("em")
                    .parse()
                    .unwrap()
            };
            let size = num("font-size");
            let (a0, a1, b0, b1) = text_box(
                num("x"),
                num("y") + num("dy") * size,
                size,
                texts[k + 1].trim(),
            );
            if svg::attr(l, "text-anchor").as_deref() != Some("start") {
                continue; // the axis' tick labels, outside the plot
            }
            assert!(
                a1 <= x0 || a0 >= x1 || b1 <= y0 || b0 >= y1,
                "{to:?}: {:?} under the legend",
                texts[k + 1]
            );
        }
        for l in &lines {
            for w in l.windows(2) {
                // A pixel apart at most: a dashed line is one long segment.
                let steps = ((w[1].0 - w[0].0).hypot(w[1].1 - w[0].1).ceil() as u32).max(20);
                for k in 0..=steps {
                    let f = f64::from(k) / f64::from(steps);
                    let p = (
                        w[0].0 + (w[1].0 - w[0].0) * f,
                        w[0].1 + (w[1].1 - w[0].1) * f,
                    );
                    assert!(!inside(p), "{to:?}: {p:?} under the legend {rect}");
                }
            }
        }
    }
}

/// `--data -` writes the plotted numbers to standard output, as `--out -` does for reports; it
/// created a file named "-" in the working directory.
#[test]
fn data_dash_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fan.png");
    let done = safetech()
        .current_dir(dir.path())
        .args([
            "export", "--chart", "fan", "-n", "2000", "--data", "-", "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let csv = String::from_utf8(done.stdout).unwrap();
    assert!(csv.starts_with("scenario,year,published_gbp_m,"), "{csv}");
    assert!(csv.lines().count() > 10);
    assert!(!dir.path().join("-").exists(), "no file named -");
    assert!(out.exists());
}

/// SVG coordinates were whole pixels, so a line's points sat up to half a
/// pixel off where the data puts them. They keep one decimal: the years of a median line,
/// evenly spaced on the axis, lie within 0.1 px of a straight progression (whole pixels
/// wander by up to 0.5), and no number has more than one decimal.
#[test]
fn svg_coordinates_keep_a_decimal() {
    let svg = render_svg_string(ChartKind::Compare, runs(), &ChartOptions::default()).unwrap();
    let series = svg::series(&svg);
    let mut fractional = 0;
    for s in series
        .iter()
        .filter(|s| s.id == "baseline" || s.id == "osa-enforced")
    {
        // The median: the line of the group with a point a year.
        let (_, points) = s
            .lines
            .iter()
            .max_by_key(|l| l.1.len())
            .expect("a median line");
        assert!(points.len() >= 5, "{}: {points:?}", s.id);
        let n = (points.len() - 1) as f64;
        let step = (points[points.len() - 1].0 - points[0].0) / n;
        for (k, p) in points.iter().enumerate() {
            let expected = points[0].0 + step * k as f64;
            assert!(
                (p.0 - expected).abs() <= 0.1 + 1e-9,
                "{}: year {k} at x = {} against {expected:.2}",
                s.id,
                p.0
            );
            fractional += usize::from(p.0.fract() != 0.0) + usize::from(p.1.fract() != 0.0);
        }
    }
    assert!(fractional > 0, "every coordinate is a whole pixel");
    for name in ["points", "x", "y", "cx", "cy", "stroke-width"] {
        let key = format!(" {name}=\"");
        for (at, _) in svg.match_indices(&key) {
            let value = &svg[at + key.len()..];
            let value = &value[..value.find('"').unwrap()];
            for number in value.split([' ', ',']).filter(|v| !v.is_empty()) {
                let decimals = number.split_once('.').map_or(0, |(_, d)| d.len());
                assert!(decimals <= 1, "{name}=\"{value}\"");
            }
        }
    }
    // The canvas is the size asked for.
    assert!(svg.contains("<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\""));
}

/// `--transparent` leaves the background out. The PNG has an alpha
/// channel, clear where nothing is drawn, and laid over the theme's background it is the
/// opaque chart to within rounding; the SVG has no background rectangle; the PDF is drawn.
#[test]
fn transparent_charts_leave_the_background_out() {
    for theme in [Theme::Light, Theme::Dark, Theme::Classroom] {
        for kind in [ChartKind::Fan, ChartKind::Compare] {
            let opaque = ChartOptions {
                theme,
                width: 800,
                height: 450,
                ..ChartOptions::default()
            };
            let clear = ChartOptions {
                transparent: true,
                ..opaque.clone()
            };
            let (_, _, solid) = decode(&render_png_bytes(kind, runs(), &opaque).unwrap());
            let bytes = render_png_bytes(kind, runs(), &clear).unwrap();
            let mut reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
            let mut rgba = vec![0; reader.output_buffer_size()];
            let info = reader.next_frame(&mut rgba).unwrap();
            assert_eq!(info.color_type, png::ColorType::Rgba, "{theme:?} {kind:?}");
            rgba.truncate(info.buffer_size());
            assert_eq!(rgba[..4], [0, 0, 0, 0], "{theme:?} {kind:?}: the corner");
            let bg = theme.palette().background;
            let bg = [bg.0, bg.1, bg.2];
            let (mut clear_px, mut worst) = (0, 0);
            for (px, want) in rgba.chunks_exact(4).zip(solid.chunks_exact(3)) {
                let a = f64::from(px[3]) / 255.0;
                clear_px += usize::from(px[3] == 0);
                for c in 0..3 {
                    let over = f64::from(px[c]) * a + f64::from(bg[c]) * (1.0 - a);
                    worst = worst.max((over.round() as i32 - i32::from(want[c])).abs());
                }
            }
            assert!(worst <= 2, "{theme:?} {kind:?}: off by {worst}");
            let pixels = rgba.len() / 4;
            assert!(
                clear_px * 2 > pixels,
                "{theme:?} {kind:?}: {clear_px} of {pixels} clear"
            );
            let full = "<rect x=\"0\" y=\"0\" width=\"800\" height=\"450\"";
            assert!(
                render_svg_string(kind, runs(), &opaque)
                    .unwrap()
                    .contains(full)
            );
            assert!(
                !render_svg_string(kind, runs(), &clear)
                    .unwrap()
                    .contains(full)
            );
            let pdf = Chart::of_runs(kind, runs())
                .unwrap()
                .render(&clear, ImageFormat::Pdf)
                .unwrap();
            assert!(pdf.starts_with(b"%PDF"));
        }
    }
}

/// `--for print` makes a PDF whose page is the A4 text column, 160 × 90 mm,
/// and a PNG whose pHYs puts it at that size; `--size` with a pixel size, or a size that does
/// not exist, is refused with exit 2 and nothing written.
#[test]
fn for_print_sets_the_page_and_the_png_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("c.pdf");
    export(&pdf, &["--for", "print"]).success();
    let bytes = std::fs::read(&pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let at = text.find("/MediaBox [").expect("a MediaBox") + "/MediaBox [".len();
    let media: Vec<f64> = text[at..at + text[at..].find(']').unwrap()]
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let mm = |pt: f64| pt / 72.0 * 25.4;
    assert!(
        (mm(media[2] - media[0]) - 160.0).abs() < 0.2
            && (mm(media[3] - media[1]) - 90.0).abs() < 0.2,
        "{media:?}"
    );
    let png = dir.path().join("c.png");
    export(&png, &["--size", "slide-4x3"]).success();
    let bytes = std::fs::read(&png).unwrap();
    let reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
    let info = reader.info();
    let dims = info.pixel_dims.expect("a pHYs chunk");
    let dpi = f64::from(dims.xppu) * 0.0254;
    let inches = |px: u32| f64::from(px) / dpi;
    assert!(
        (inches(info.width) - 10.0).abs() < 0.01 && (inches(info.height) - 7.5).abs() < 0.01,
        "{}×{} px at {dpi:.1} dpi",
        info.width,
        info.height
    );
    for bad in [
        &["--size", "a4-column", "--width", "800"][..],
        &["--for", "print", "--dpi", "600"],
        &["--size", "a5"],
        &["--for", "screen"],
    ] {
        let out = dir.path().join("bad.png");
        export(&out, bad).code(2);
        assert!(!out.exists(), "{bad:?}");
    }
}
