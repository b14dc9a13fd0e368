//! What a chart says about itself and its sources: the footer's source and stamp lines, the
//! headline's wording, and the metadata PNG, SVG and PDF files carry for screen readers,
//! file browsers and catalogues.

use crate::common;

use std::path::Path;
use std::sync::OnceLock;

use safetech::chart::{Chart, ChartKind, ChartOptions, ImageFormat};
use safetech::scenario::load;
use safetech::sim::{Projection, RunControl, RunSettings, simulate};

use common::{json_of, safetech, succeed, svg};

const PATHS: usize = 2000;

fn run_of(id: &str) -> Projection {
    let settings = RunSettings {
        paths: PATHS,
        seed: 11,
        sample_paths: 20,
    };
    simulate(&load(id).unwrap(), settings, RunControl::default()).unwrap()
}

/// baseline, osa-enforced, downturn.
fn runs() -> &'static [Projection] {
    static RUNS: OnceLock<Vec<Projection>> = OnceLock::new();
    RUNS.get_or_init(|| {
        ["baseline", "osa-enforced", "downturn"]
            .iter()
            .map(|id| run_of(id))
            .collect()
    })
}

fn svg_of(chart: Chart, options: &ChartOptions) -> String {
    String::from_utf8(chart.render(options, ImageFormat::Svg).unwrap()).unwrap()
}

fn small() -> ChartOptions {
    ChartOptions {
        width: 640,
        height: 360,
        ..ChartOptions::default()
    }
}

/// The footer's source line(s): the text that starts with "Sources:" and the ones that
/// continue it up to the line ending the sentence.
fn source_lines(texts: &[String]) -> Vec<String> {
    let start = texts
        .iter()
        .position(|t| t.starts_with("Sources:"))
        .unwrap_or_else(|| panic!("no source line in {texts:?}"));
    let mut lines = vec![texts[start].clone()];
    while !lines.last().unwrap().ends_with("safetech.") && start + lines.len() < texts.len() {
        lines.push(texts[start + lines.len()].clone());
    }
    lines
}

#[test]
fn default_source_names_both_published_sources_and_whose_the_projections_are() {
    for options in [ChartOptions::default(), small()] {
        for kind in [ChartKind::Fan, ChartKind::Compare, ChartKind::Reach] {
            let texts = svg::texts(&svg_of(Chart::of_runs(kind, runs()).unwrap(), &options));
            let lines = source_lines(&texts);
            let source = lines.join(" ");
            for part in [
                "DSIT",
                "2020–23",
                "Oct 2024",
                "£623m",
                "£1bn by 2026",
                "Projections: safetech",
            ] {
                assert!(source.contains(part), "{part:?} missing in {source:?}");
            }
            // One line at 1600×900, at most two at 640×360, none a lone word.
            let most = if options.width == 640 { 2 } else { 1 };
            assert!(
                lines.len() <= most,
                "{}×{}: {lines:?}",
                options.width,
                options.height
            );
            assert!(lines.iter().all(|l| l.contains(' ')), "{lines:?}");
        }
    }
    // `--source` replaces it, and empty leaves it out.
    let given = ChartOptions {
        source: Some("ONS".into()),
        ..ChartOptions::default()
    };
    let texts = svg::texts(&svg_of(Chart::Fan(&runs()[0]), &given));
    assert!(texts.contains(&"Source: ONS".to_string()), "{texts:?}");
    assert!(
        texts.iter().all(|t| !t.starts_with("Sources:")),
        "{texts:?}"
    );
}

/// The `(keyword, text)` pairs of a PNG's iTXt and tEXt chunks.
fn png_texts(bytes: &[u8]) -> Vec<(String, String)> {
    let reader = png::Decoder::new(bytes).read_info().unwrap();
    let info = reader.info();
    let mut out: Vec<(String, String)> = info
        .uncompressed_latin1_text
        .iter()
        .map(|c| (c.keyword.clone(), c.text.clone()))
        .collect();
    for c in &info.utf8_text {
        out.push((c.keyword.clone(), c.get_text().unwrap()));
    }
    out
}

/// The last information dictionary's `key` in a PDF (an incremental update's replaces the
/// original's), decoded from a UTF-16BE hex or a literal string.
fn pdf_info(pdf: &[u8], key: &str) -> Option<String> {
    let text = String::from_utf8_lossy(pdf);
    let trailer = &text[text.rfind("trailer")?..];
    let at = trailer.find("/Info")? + 5;
    let num: u32 = trailer[at..].split_whitespace().next()?.parse().ok()?;
    let head = format!("\n{num} 0 obj");
    let start = text.rfind(&head)?;
    let dict = &text[start..start + text[start..].find("endobj")?];
    let at = dict.find(&format!("/{key} "))? + key.len() + 2;
    let value = dict[at..].trim_start();
    if let Some(hex) = value.strip_prefix("<FEFF") {
        let hex = &hex[..hex.find('>')?];
        let units: Vec<u16> = (0..hex.len() / 4)
            .map(|i| u16::from_str_radix(&hex[4 * i..4 * i + 4], 16).unwrap())
            .collect();
        return String::from_utf16(&units).ok();
    }
    let value = value.strip_prefix('(')?;
    Some(value[..value.find(')')?].to_string())
}

/// The catalog of a PDF (the last version of the object the trailer's /Root names).
fn pdf_catalog(pdf: &[u8]) -> String {
    let text = String::from_utf8_lossy(pdf);
    let trailer = &text[text.rfind("trailer").unwrap()..];
    let at = trailer.find("/Root").unwrap() + 5;
    let num: u32 = trailer[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let head = format!("\n{num} 0 obj");
    let start = text.rfind(&head).unwrap();
    text[start..start + text[start..].find("endobj").unwrap()].to_string()
}

fn export(dir: &Path, name: &str, extra: &[&str]) -> Vec<u8> {
    let out = dir.join(name);
    succeed(
        safetech()
            .args([
                "export", "--chart", "fan", "-s", "baseline", "--paths", "2000",
            ])
            .args(["--out", out.to_str().unwrap()])
            .args(extra),
    );
    std::fs::read(out).unwrap()
}

#[test]
fn no_stamp_drops_the_stamp_line_and_the_files_still_name_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let stamp = "scenario baseline · seed 20241010 · 2,000 paths";
    // The stamp is in the footer by default, and gone with --no-stamp; the footnote on "±"
    // and the source stay.
    let with = svg::texts(&String::from_utf8(export(dir.path(), "a.svg", &[])).unwrap());
    assert!(with.iter().any(|t| t.contains(stamp)), "{with:?}");
    let svg = String::from_utf8(export(dir.path(), "b.svg", &["--no-stamp"])).unwrap();
    let without = svg::texts(&svg);
    assert!(without.iter().all(|t| !t.contains("seed")), "{without:?}");
    assert!(
        without.iter().any(|t| t.starts_with("± is the 95%")),
        "{without:?}"
    );
    assert!(
        without.iter().any(|t| t.starts_with("Sources:")),
        "{without:?}"
    );
    // The run stays named in each format's metadata.
    let desc = &svg[svg.find("<desc>").expect("a <desc>")..svg.find("</desc>").unwrap()];
    assert!(desc.contains(stamp), "{desc}");
    let png = export(dir.path(), "c.png", &["--no-stamp"]);
    let texts = png_texts(&png);
    assert!(
        texts
            .iter()
            .any(|(k, t)| k == "Software" && t.contains(stamp) && t.starts_with("safetech ")),
        "{texts:?}"
    );
    let pdf = export(dir.path(), "d.pdf", &["--no-stamp"]);
    let keywords = pdf_info(&pdf, "Keywords").expect("/Keywords");
    assert!(keywords.contains(stamp), "{keywords}");
}

#[test]
fn headlines_name_scenarios_and_state_the_condition_of_an_assumed_pace() {
    let json = three_scenarios();
    let pct = |i: usize| {
        format!(
            "{:.0}%",
            json["scenarios"][i]["target"]["probability"]
                .as_f64()
                .unwrap()
                * 100.0
        )
    };
    let runs = runs();
    // Baseline's 37% a year is the officials' assumption, so its chance carries it.
    assert_eq!(
        Chart::Fan(&runs[0]).headline().unwrap(),
        format!("{} chance of £1bn by 2026 if 37% growth continues", pct(0))
    );
    // A forecast's does not; ids give way to names that read in a line.
    let enforced = Chart::Fan(&runs[1]).headline().unwrap();
    assert!(!enforced.contains(" if "), "{enforced}");
    let compare = Chart::Compare(runs).headline().unwrap();
    assert_eq!(
        compare,
        format!(
            "Chance of £1bn by 2026: {} (if 37% growth continues) to {} (Funding squeeze and downturn)",
            pct(0),
            pct(2)
        )
    );
    let pair = [runs[1].clone(), runs[2].clone()];
    let difference = safetech::chart::condition(&pair[0]);
    assert_eq!(difference, None);
    // The condition comes from the scenario's own growth, not its id: historical's 29%.
    let historical = run_of("historical");
    assert_eq!(
        safetech::chart::condition(&historical).as_deref(),
        Some("if 29% growth continues")
    );
    for headline in [&enforced, &compare] {
        assert!(
            !headline.contains("osa-enforced") && !headline.contains("(downturn)"),
            "{headline}"
        );
    }
}

#[test]
fn reach_shows_no_margin_so_it_carries_no_margin_footnote() {
    let texts = svg::texts(&svg_of(Chart::Reach(runs()), &ChartOptions::default()));
    assert!(texts.iter().all(|t| !t.contains('±')), "{texts:?}");
    // The fan states a margin, and says what it is.
    let fan = svg::texts(&svg_of(Chart::Fan(&runs()[0]), &ChartOptions::default()));
    assert!(fan.iter().any(|t| t.contains("Monte Carlo ±")), "{fan:?}");
    assert!(fan.iter().any(|t| t.starts_with("± is the 95%")), "{fan:?}");
}

#[test]
fn svg_carries_a_title_and_a_description_with_the_numbers() {
    let json = three_scenarios();
    for kind in [ChartKind::Fan, ChartKind::Compare, ChartKind::Reach] {
        let chart = Chart::of_runs(kind, runs()).unwrap();
        let svg = svg_of(chart, &ChartOptions::default());
        let root_end =
            svg.find("<svg").unwrap() + svg[svg.find("<svg").unwrap()..].find('>').unwrap();
        // The first children of the root, before anything drawn.
        let rest = svg[root_end + 1..].trim_start();
        assert!(
            rest.starts_with("<title>"),
            "{}",
            &rest[..80.min(rest.len())]
        );
        let title = &rest[7..rest.find("</title>").unwrap()];
        assert_eq!(title, chart.headline().unwrap().replace('&', "&amp;"));
        let after = rest[rest.find("</title>").unwrap() + 8..].trim_start();
        assert!(
            after.starts_with("<desc>"),
            "{}",
            &after[..80.min(after.len())]
        );
        let desc = &after[6..after.find("</desc>").unwrap()];
        let shown = if kind == ChartKind::Fan { 1 } else { 3 };
        for i in 0..shown {
            let p = json["scenarios"][i]["target"]["probability"]
                .as_f64()
                .unwrap();
            let figure = format!("P(≥ £1bn in 2026) = {:.0}%", p * 100.0);
            assert!(desc.contains(&figure), "{figure} not in {desc}");
        }
        assert!(
            desc.contains(&format!("A {} chart", format!("{kind:?}").to_lowercase())),
            "{desc}"
        );
    }
}

#[test]
fn pdf_carries_title_language_and_description() {
    let chart = Chart::Fan(&runs()[0]);
    let pdf = chart
        .render(&ChartOptions::default(), ImageFormat::Pdf)
        .unwrap();
    assert_eq!(pdf_info(&pdf, "Title"), chart.headline());
    assert_eq!(pdf_info(&pdf, "Subject"), Some(chart.description()));
    assert!(
        pdf_catalog(&pdf).contains("/Lang (en-GB)"),
        "{}",
        pdf_catalog(&pdf)
    );
    // The user's title wins.
    let titled = ChartOptions {
        title: Some("Figure 3: revenue".into()),
        ..ChartOptions::default()
    };
    let pdf = chart.render(&titled, ImageFormat::Pdf).unwrap();
    assert_eq!(
        pdf_info(&pdf, "Title").as_deref(),
        Some("Figure 3: revenue")
    );
    // Every cross-reference entry of the last section points at its object (byte offsets).
    let rfind = |needle: &[u8]| {
        pdf.windows(needle.len())
            .rposition(|w| w == needle)
            .unwrap()
    };
    let tail = String::from_utf8(pdf[rfind(b"startxref") + 9..].to_vec()).unwrap();
    let at: usize = tail.split_whitespace().next().unwrap().parse().unwrap();
    let section = String::from_utf8(pdf[at..rfind(b"startxref")].to_vec()).unwrap();
    assert!(section.starts_with("xref"), "{section}");
    let lines: Vec<&str> = section.lines().collect();
    let mut i = 1;
    while !lines[i].starts_with("trailer") {
        let num: usize = lines[i].split_whitespace().next().unwrap().parse().unwrap();
        let offset: usize = lines[i + 1][..10].parse().unwrap();
        assert!(
            pdf[offset..].starts_with(format!("{num} 0 obj").as_bytes()),
            "object {num}"
        );
        i += 2;
    }
    assert!(i > 1, "{section}");
}

/// A two-point `<polyline>`: its attributes but the points, and its ends.
type Segment = (String, (f64, f64), (f64, f64));

/// The longest run of consecutive two-point `<polyline>`s with the same attributes that lie on
/// one straight line: the dashes of a line drawn as segments.
fn longest_segmented_line(svg: &str) -> usize {
    let segment = |t: &str| -> Option<Segment> {
        let t = t.trim();
        if !t.starts_with("<polyline") {
            return None;
        }
        let (_, points) = svg::polyline(t);
        let attrs = t.replace(&svg::attr(t, "points")?, "");
        (points.len() == 2).then(|| (attrs, points[0], points[1]))
    };
    let (mut best, mut run) = (0, 0);
    let mut prev: Option<Segment> = None;
    for line in svg.lines() {
        let seg = segment(line);
        run = match (&prev, &seg) {
            (Some((pa, a, b)), Some((na, c, d))) => {
                let cross = |p: (f64, f64)| (p.0 - a.0) * (b.1 - a.1) - (p.1 - a.1) * (b.0 - a.0);
                if pa == na && cross(*c).abs() < 1e-6 && cross(*d).abs() < 1e-6 {
                    run + 1
                } else {
                    1
                }
            }
            (_, Some(_)) => 1,
            _ => 0,
        };
        best = best.max(run);
        prev = seg;
    }
    best
}

#[test]
fn svg_dashed_lines_are_one_element_with_a_dash_array() {
    let mut svgs: Vec<(String, String)> = [
        ChartKind::Fan,
        ChartKind::Compare,
        ChartKind::Reach,
        ChartKind::Histogram,
        ChartKind::Spaghetti,
    ]
    .iter()
    .map(|&kind| {
        let chart = Chart::of_runs(kind, runs()).unwrap();
        (format!("{kind:?}"), svg_of(chart, &small()))
    })
    .collect();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("difference.svg");
    succeed(safetech().args([
        "export",
        "--chart",
        "difference",
        "-s",
        "maturing",
        "-s",
        "osa-enforced",
        "--paths",
        "2000",
        "--out",
        out.to_str().unwrap(),
    ]));
    svgs.push(("Difference".into(), std::fs::read_to_string(out).unwrap()));
    for (kind, svg) in &svgs {
        // Before, the forecast divider alone was 30-70 segments.
        let run = longest_segmented_line(svg);
        assert!(run < 3, "{kind}: a line drawn as {run} segments");
        // The references outside the series' groups are dashed natively.
        let mut depth = 0;
        let mut native = 0;
        for t in svg.lines().map(str::trim_start) {
            if t.starts_with("<g") {
                depth += 1;
            } else if t.starts_with("</g>") {
                depth -= 1;
            } else if depth == 0 && t.starts_with("<polyline") && t.contains("stroke-dasharray=") {
                native += 1;
            }
        }
        assert!(
            native >= 1,
            "{kind}: no reference line with a stroke-dasharray"
        );
    }
}

/// `run`'s JSON for the three scenarios the headline and description tests draw, on the
/// paths and seed their charts use.
fn three_scenarios() -> serde_json::Value {
    json_of(safetech().args([
        "run",
        "-s",
        "baseline",
        "-s",
        "osa-enforced",
        "-s",
        "downturn",
        "--paths",
        "2000",
        "--seed",
        "11",
        "--format",
        "json",
    ]))
}
