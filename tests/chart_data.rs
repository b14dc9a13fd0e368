//! `export --data`: every chart kind writes the numbers it draws, and they are the numbers the
//! program's JSON states (`run -f json`, `sensitivity -f json`, `run --samples`), margins
//! included.

use std::collections::HashMap;

use crate::common::{json_of, safetech, succeed, svg};

/// 97.5% point of the standard Normal.
const Z95: f64 = 1.959_963_984_540_054;

/// A CSV without quoted fields, as rows of named cells.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(text: &str) -> Table {
        let mut lines = text.lines().map(split);
        let header: Vec<String> = lines.next().expect("a header");
        let rows: Vec<Vec<String>> = lines.collect();
        for r in &rows {
            assert_eq!(r.len(), header.len(), "{r:?} against {header:?}");
        }
        Table { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    fn num(&self, row: &[String], name: &str) -> f64 {
        let cell = &row[self.col(name)];
        cell.parse()
            .unwrap_or_else(|_| panic!("{name} = {cell:?} is not a number"))
    }

    fn cell<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        &row[self.col(name)]
    }
}

/// Runs `export --chart KIND ARGS --data`, returning the CSV and the chart's SVG.
fn export(kind: &str, args: &[&str]) -> (Table, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.svg");
    let data = dir.path().join("c.csv");
    succeed(
        safetech()
            .args(["export", "--chart", kind, "--out"])
            .arg(&out)
            .arg("--data")
            .arg(&data)
            .args(args),
    );
    (
        Table::parse(&std::fs::read_to_string(&data).unwrap()),
        std::fs::read_to_string(&out).unwrap(),
    )
}

/// One CSV line's cells; a quoted cell may hold commas and doubled quotes.
fn split(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

/// The JSON's 95% margin, recomputed from its interval: half its width.
fn half_width(ci: &serde_json::Value) -> f64 {
    (f(&ci[1]) - f(&ci[0])) / 2.0
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn year_charts_write_the_percentiles_chances_and_margins_of_run_json() {
    let args = ["-s", "baseline", "-s", "genai", "-n", "3000"];
    let json = json_of(safetech().args(["run", "-f", "json"]).args(args));
    for (kind, ids) in [
        ("fan", &["baseline"][..]),
        ("compare", &["baseline", "genai"][..]),
    ] {
        let (t, _) = export(kind, &args);
        let scenarios: Vec<&str> = t.rows.iter().map(|r| t.cell(r, "scenario")).collect();
        for id in ids {
            assert!(scenarios.contains(id), "{kind}: no rows of {id}");
        }
        for s in json["scenarios"].as_array().unwrap() {
            let id = s["id"].as_str().unwrap();
            if !ids.contains(&id) {
                assert!(!scenarios.contains(&id), "{kind} draws no {id}");
                continue;
            }
            let rows: HashMap<i32, &Vec<String>> = t
                .rows
                .iter()
                .filter(|r| t.cell(r, "scenario") == id)
                .map(|r| (t.num(r, "year") as i32, r))
                .collect();
            let years = s["years"].as_array().unwrap();
            assert!(!years.is_empty());
            for y in years {
                let row = rows[&(f(&y["year"]) as i32)];
                for p in ["p5", "p10", "p25", "p50", "p75", "p90", "p95"] {
                    let csv = t.num(row, &format!("{p}_gbp_m"));
                    assert_eq!(csv, f(&y[p]), "{kind} {id} {} {p}", y["year"]);
                }
            }
            let target = &s["target"];
            for row in rows.values() {
                if t.cell(row, "p5_gbp_m").is_empty() {
                    // Published only: no projection, no chance of the target.
                    assert!(!t.cell(row, "published_gbp_m").is_empty(), "{row:?}");
                    assert_eq!(t.cell(row, "p_target_in_target_year"), "", "{row:?}");
                    assert_eq!(t.cell(row, "p_target_margin95"), "", "{row:?}");
                    continue;
                }
                assert_eq!(
                    t.num(row, "p_target_in_target_year"),
                    f(&target["probability"])
                );
                let m = t.num(row, "p_target_margin95");
                assert!(close(m, half_width(&target["ci95"])), "{m} {target}");
                assert!(m > 0.0 && m < 0.05, "{m}");
            }
            // The start year is published and projected: every percentile is the start revenue.
            let start = rows[&(f(&s["start_year"]) as i32)];
            assert_eq!(t.num(start, "p50_gbp_m"), f(&s["start_revenue"]));
            assert_eq!(t.num(start, "published_gbp_m"), f(&s["start_revenue"]));
        }
    }
}

#[test]
fn reach_and_histogram_write_first_passage_and_the_bars_of_run_json() {
    let args = ["-s", "maturing", "-n", "4000"];
    let json = json_of(safetech().args(["run", "-f", "json"]).args(args));
    let s = &json["scenarios"][0];
    let (t, _) = export("reach", &args);
    let fp = s["first_passage"].as_array().unwrap();
    assert_eq!(t.rows.len(), fp.len());
    for (row, p) in t.rows.iter().zip(fp) {
        assert_eq!(t.num(row, "year"), f(&p["year"]));
        assert_eq!(t.num(row, "share_reached"), f(&p["probability"]));
    }
    let (t, svg) = export("histogram", &args);
    let target = &s["target"];
    let goal = f(&target["revenue"]);
    let (mut total, mut above) = (0.0, 0.0);
    for row in &t.rows {
        let share = t.num(row, "share_of_paths");
        total += share;
        // Bins are aligned on the target: each is wholly above or below it.
        if t.num(row, "bin_from_gbp_m") >= goal {
            above += share;
        } else {
            assert!(t.num(row, "bin_to_gbp_m") <= goal, "{row:?}");
        }
        assert_eq!(t.num(row, "p_target"), f(&target["probability"]));
        assert!(close(
            t.num(row, "p_target_margin95"),
            half_width(&target["ci95"])
        ));
    }
    // With the paths beyond the bars, every path is counted once.
    let outside = t.num(&t.rows[0], "share_outside_bars");
    assert!(
        t.rows
            .iter()
            .all(|r| t.num(r, "share_outside_bars") == outside)
    );
    assert!((total + outside - 1.0).abs() < 1e-9, "{total} + {outside}");
    // The shaded share is P(target) but for the paths beyond the bars (the long right tail);
    // the chart states P(target) in the legend.
    let p = f(&target["probability"]);
    assert!(
        above <= p + 1e-9 && p <= above + outside + 1e-9,
        "{above} {p}"
    );
    let p = f(&target["probability"]) * 100.0;
    let texts = svg::texts(&svg);
    let legend = texts
        .iter()
        .find(|s| s.starts_with("At or above: "))
        .unwrap();
    assert!(
        (0..3).any(|d| legend.starts_with(&format!("At or above: {p:.d$}%"))),
        "{legend} against {p}"
    );
}

#[test]
fn spaghetti_writes_each_path_drawn_as_run_samples_has_it() {
    let args = ["-s", "baseline", "-n", "2000"];
    let (t, svg) = export("spaghetti", &args);
    let paths: Vec<usize> = (0..)
        .take_while(|k| t.header.contains(&format!("path_{k}_gbp_m")))
        .collect();
    // As many path columns as the legend says are drawn.
    let drawn = format!("{} simulated paths", paths.len());
    assert!(
        paths.len() >= 10 && svg::texts(&svg).contains(&drawn),
        "{drawn}: {:?}",
        t.header
    );
    // The fan's own columns are the fan's.
    let (fan, _) = export("fan", &args);
    for (a, b) in t.rows.iter().zip(&fan.rows) {
        assert_eq!(&a[..fan.header.len()], &b[..], "spaghetti and fan differ");
    }
    assert_eq!(t.rows.len(), fan.rows.len());
    // Each path's revenue in the target year is the one `run --samples` gives that path.
    let dir = tempfile::tempdir().unwrap();
    let samples = dir.path().join("s.csv");
    let json = json_of(
        safetech()
            .args(["run", "-f", "json", "--samples"])
            .arg(&samples)
            .args(args),
    );
    let s = &json["scenarios"][0];
    let year = f(&s["target"]["year"]) as i32;
    let per_path = Table::parse(&std::fs::read_to_string(&samples).unwrap());
    let in_year = t
        .rows
        .iter()
        .find(|r| t.num(r, "year") as i32 == year)
        .unwrap();
    let start = t
        .rows
        .iter()
        .find(|r| t.num(r, "year") == f(&s["start_year"]))
        .unwrap();
    for k in &paths {
        let name = format!("path_{k}_gbp_m");
        let row = per_path
            .rows
            .iter()
            .find(|r| per_path.cell(r, "path") == k.to_string())
            .unwrap();
        assert_eq!(
            t.num(in_year, &name),
            per_path.num(row, &format!("revenue_gbp_m_{year}")),
            "path {k}"
        );
        // Every path starts from the start revenue, and no path is drawn in published years.
        assert_eq!(t.num(start, &name), f(&s["start_revenue"]));
        for r in &t.rows {
            if t.num(r, "year") < f(&s["start_year"]) {
                assert_eq!(t.cell(r, &name), "");
            }
        }
    }
}

#[test]
fn tornado_writes_each_bar_and_error_bar_of_sensitivity_json() {
    let args = ["-s", "osa-delayed", "-n", "2000"];
    let json = json_of(safetech().args(["sensitivity", "-f", "json"]).args(args));
    for size in [["--width", "1600"], ["--width", "640"]] {
        let height = if size[1] == "640" { "360" } else { "900" };
        let (t, svg) = export(
            "tornado",
            &[&args[..], &size[..], &["--height", height]].concat(),
        );
        let rows = json["tornado"].as_array().unwrap();
        assert_eq!(t.rows.len(), rows.len());
        let texts = svg::texts(&svg);
        let mut drawn = 0;
        for (i, (row, j)) in t.rows.iter().zip(rows).enumerate() {
            assert_eq!(t.cell(row, "key"), j["key"].as_str().unwrap());
            assert_eq!(t.num(row, "rank") as usize, i + 1);
            for end in ["low", "high"] {
                let e = &j[end];
                assert_eq!(t.num(row, &format!("{end}_value")), f(&e["value"]));
                let d = &e["delta_probability"];
                assert_eq!(t.num(row, &format!("delta_p_{end}")), f(&d["difference"]));
                let m = t.num(row, &format!("delta_p_{end}_margin95"));
                assert!(close(m, Z95 * f(&d["std_error"])), "{m} {d}");
                assert!(close(m, half_width(&d["ci95"])), "{m} {d}");
            }
            // Drawn exactly when the chart names the row by its key.
            let on_chart = texts.contains(&t.cell(row, "key").to_string());
            assert_eq!(t.cell(row, "drawn") == "1", on_chart, "{row:?}");
            drawn += usize::from(on_chart);
        }
        assert!(drawn >= 3, "{size:?}: {drawn} rows drawn");
        let base = &json["base"]["target"];
        for row in &t.rows {
            assert_eq!(t.num(row, "p_target_base"), f(&base["probability"]));
            assert!(close(
                t.num(row, "p_target_base_margin95"),
                half_width(&base["ci95"])
            ));
        }
    }
}

#[test]
fn difference_writes_the_paired_fan_and_delta_p_of_run_json() {
    let args = ["-s", "maturing", "-s", "kosa", "-n", "2000"];
    let json = json_of(safetech().args(["run", "-f", "json"]).args(args));
    let d = &json["differences"][0];
    let (t, _) = export("difference", &args);
    let year = f(&d["target_year"]);
    let row = t.rows.iter().find(|r| t.num(r, "year") == year).unwrap();
    for p in ["p5", "p10", "p25", "p50", "p75", "p90", "p95"] {
        assert!(
            close(
                t.num(row, &format!("{p}_gbp_m")),
                f(&d["revenue_difference"][p])
            ),
            "{p}"
        );
    }
    let a = &json["scenarios"][0];
    let start = t
        .rows
        .iter()
        .find(|r| t.num(r, "year") == f(&a["start_year"]))
        .unwrap();
    for row in &t.rows {
        assert_eq!(t.cell(row, "scenario"), "kosa");
        assert_eq!(t.cell(row, "base"), "maturing");
        assert_eq!(
            t.num(row, "delta_p_target_in_target_year"),
            f(&d["probability"]["difference"])
        );
        let m = t.num(row, "delta_p_target_margin95");
        assert!(close(m, Z95 * f(&d["probability"]["std_error"])), "{m}");
    }
    // Both start from the same revenue: no difference in the start year.
    assert!(
        (3..10).all(|c| start[c] == "0"),
        "{start:?} should be all zero"
    );
    // Every year from the start to the horizon, in order.
    let years: Vec<f64> = t.rows.iter().map(|r| t.num(r, "year")).collect();
    assert!(years.windows(2).all(|w| w[1] == w[0] + 1.0), "{years:?}");
    assert_eq!(years.last().copied(), Some(f(&a["horizon"])));
}

/// `--chart history` draws the published series and the officials'
/// claims on the data's clock ("£1bn by 2025", said in 2020 with the 2020 figure; "£1bn by
/// 2026", said in 2024 with the 2024 figure), and its data holds both. The figures and the
/// growth each claim needed are computed here from the data file.
#[test]
fn history_draws_the_published_series_and_the_claims() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/data/uk_safety_tech_revenue.csv"
    ))
    .unwrap();
    let figures: Vec<(f64, f64)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("year"))
        .map(|l| {
            let c = split(l);
            (c[0].parse().unwrap(), c[1].parse().unwrap())
        })
        .collect();
    assert!(figures.len() >= 5, "{figures:?}");
    let (t, svg) = export("history", &["-n", "1000"]);
    let published: Vec<(f64, f64)> = t
        .rows
        .iter()
        .filter(|r| t.cell(r, "series") == "published")
        .map(|r| (t.num(r, "year"), t.num(r, "revenue_gbp_m")))
        .collect();
    assert_eq!(published, figures);
    // As read, not as escaped in the XML.
    let texts: Vec<String> = svg::texts(&svg)
        .iter()
        .map(|t| t.replace("&apos;", "'").replace("&amp;", "&"))
        .collect();
    for (_, v) in &figures {
        let label = format!("£{v}m");
        assert!(texts.contains(&label), "{label} not on the chart");
    }
    // Nothing drawn is simulated: the footer names the series, with no seed or paths.
    let footer = texts
        .iter()
        .find(|t| t.starts_with("safetech "))
        .expect("a stamp line");
    assert!(
        footer.contains("published series of scenario")
            && !footer.contains("paths")
            && !footer.contains("seed"),
        "{footer}"
    );
    let figure = |y: f64| figures.iter().find(|f| f.0 == y).unwrap().1;
    for (said, year) in [(2020.0, 2025.0), (2024.0, 2026.0)] {
        let base = figure(said);
        let growth = (1000.0 / base).powf(1.0 / (year - said)) - 1.0;
        let rows: Vec<&Vec<String>> = t
            .rows
            .iter()
            .filter(|r| t.cell(r, "series") != "published" && t.num(r, "said_in") == said)
            .collect();
        assert_eq!(rows.len(), 2, "{said}");
        assert_eq!(
            (t.num(rows[0], "year"), t.num(rows[0], "revenue_gbp_m")),
            (said, base)
        );
        assert_eq!(
            (t.num(rows[1], "year"), t.num(rows[1], "revenue_gbp_m")),
            (year, 1000.0)
        );
        for r in &rows {
            assert!(close(t.num(r, "growth_needed_a_year"), growth));
        }
        let legend = format!(
            "'£1bn by {year}', said {said}: {:.1}% a year needed",
            growth * 100.0
        );
        assert!(texts.contains(&legend), "{legend} not in {texts:?}");
    }
    // The headline: the last figure, its rise, and the latest claim's pace.
    let (last, prev) = (figures[figures.len() - 1], figures[figures.len() - 2]);
    let headline = format!(
        "£{}m published in {}, up {:.0}%; '£1bn by 2026' needs {:.1}% a year",
        last.1,
        last.0,
        (last.1 / prev.1 - 1.0) * 100.0,
        ((1000.0 / figure(2024.0)).powf(0.5) - 1.0) * 100.0
    );
    assert!(texts.contains(&headline), "{headline} not in {texts:?}");
}
