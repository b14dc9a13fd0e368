//! `safetech backtest -f json` against independent computations: the naive rules' errors in
//! closed form from the shipped history, the official forecasts' required growth under both
//! readings of the clock by hand formula, the model's summary recomputed from its own rows, the
//! published schema, and refusals of bad input.

use crate::common;

use std::path::Path;

use serde_json::{Value, json};

use common::{json_of, safetech};

/// Enough paths for stable percentiles, few enough for a debug build.
const PATHS: &str = "20000";

/// The one-sided 95 % point of the standard Normal (the "1.645" of a 90 % band).
const Z90: f64 = 1.644_853_626_951_472_2;

/// The shipped history, (year, £m), read here without the program's parser.
fn shipped_history() -> Vec<(i32, f64)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data/uk_safety_tech_revenue.csv");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("year"))
        .map(|l| {
            let mut cells = l.split(',');
            let year = cells.next().unwrap().trim().parse().unwrap();
            let revenue = cells.next().unwrap().trim().parse().unwrap();
            (year, revenue)
        })
        .collect()
}

fn backtest_json(extra: &[&str]) -> Value {
    let mut args = vec!["backtest", "-n", PATHS, "-f", "json"];
    args.extend_from_slice(extra);
    json_of(safetech().args(&args))
}

fn f64_of(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol, "{what}: {a} against {b}");
}

fn rmse(errors: &[f64]) -> f64 {
    (errors.iter().map(|e| e * e).sum::<f64>() / errors.len() as f64).sqrt()
}

#[test]
fn naive_rmses_match_a_closed_form_from_the_history() {
    let h = shipped_history();
    let log: Vec<f64> = h.iter().map(|x| x.1.ln()).collect();
    // Origins k with one growth rate or more up to them (k ≥ 1) and a figure after (k + 1 < n).
    // With l = ln R: last growth errs by (l[k+1] − l[k]) − (l[k] − l[k−1]); the mean log growth
    // to date telescopes to (l[k] − l[0]) / k; no growth errs by l[k+1] − l[k].
    let origins: Vec<usize> = (1..h.len() - 1).collect();
    let step = |k: usize| log[k + 1] - log[k];
    let last: Vec<f64> = origins
        .iter()
        .map(|&k| step(k) - (log[k] - log[k - 1]))
        .collect();
    let mean: Vec<f64> = origins
        .iter()
        .map(|&k| step(k) - (log[k] - log[0]) / k as f64)
        .collect();
    let none: Vec<f64> = origins.iter().map(|&k| step(k)).collect();
    // The model needs two growth rates up to its origin: k ≥ 2.
    let on_model = |e: &[f64]| rmse(&e[1..]);

    let doc = backtest_json(&[]);
    let methods = doc["naive"]["methods"].as_array().unwrap();
    let ids: Vec<&str> = methods
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["last_growth", "mean_growth", "no_growth"]);
    for (m, errors) in methods.iter().zip([&last, &mean, &none]) {
        let id = m["method"].as_str().unwrap();
        let rows = m["errors"].as_array().unwrap();
        let row_origins: Vec<i64> = rows.iter().map(|r| r["origin"].as_i64().unwrap()).collect();
        let expected: Vec<i64> = origins.iter().map(|&k| i64::from(h[k].0)).collect();
        assert_eq!(row_origins, expected, "{id}");
        for (r, e) in rows.iter().zip(errors.iter()) {
            close(f64_of(&r["error"]), *e, 1e-9, id);
        }
        close(f64_of(&m["rmse"]), rmse(errors), 1e-9, id);
        close(
            f64_of(&m["rmse_on_model_origins"]),
            on_model(errors),
            1e-9,
            id,
        );
    }
    // The band a 90 % interval would need: from the better of last and mean growth.
    let (better, id) = if rmse(&last) <= rmse(&mean) {
        (rmse(&last), "last_growth")
    } else {
        (rmse(&mean), "mean_growth")
    };
    let band = &doc["naive"]["band_needed"];
    assert_eq!(band["method"], id);
    close(f64_of(&band["rmse"]), better, 1e-9, "band rmse");
    close(
        f64_of(&band["width_90"]),
        2.0 * Z90 * better,
        1e-9,
        "band width",
    );
}

#[test]
fn both_readings_of_the_official_forecasts_need_the_hand_computed_growth() {
    let doc = backtest_json(&[]);
    let forecasts = doc["forecasts"].as_array().unwrap();
    let by = |made_in: i64| {
        forecasts
            .iter()
            .find(|f| f["made_in"] == made_in)
            .unwrap_or_else(|| panic!("no forecast made in {made_in}"))
    };

    // "Could exceed £1bn by 2025", made on the £226m published in 2020.
    // The clock: a year is the year a figure is published, and the figure mostly describes the
    // year before. (i) "Published in 2025": 2020 → 2025 is 5 publications, (1000/226)^(1/5) − 1
    // = 34.6 %. (ii) "Revenue of calendar 2025": the £226m is revenue of 2019, so 2019 → 2025 is
    // 6 years (the figure published in 2026 settles it), (1000/226)^(1/6) − 1 = 28.1 %.
    let f = by(2020);
    assert_eq!(f["base"], json!({"year": 2020, "revenue": 226.0}));
    let r = f["readings"].as_array().unwrap();
    assert_eq!(r[0]["clock"], "published");
    assert_eq!(r[0]["reading"], "published in 2025");
    assert_eq!(r[0]["checked_year"], 2025);
    assert_eq!(r[0]["years"], 5);
    let published = (1000.0_f64 / 226.0).powf(1.0 / 5.0) - 1.0;
    close(f64_of(&r[0]["required_rate"]), published, 1e-12, "2020 (i)");
    close(published, 0.346, 5e-4, "34.6 %");
    assert_eq!(r[1]["clock"], "calendar");
    assert_eq!(r[1]["reading"], "revenue of calendar 2025 (published 2026)");
    assert_eq!(r[1]["checked_year"], 2026);
    assert_eq!(r[1]["years"], 6);
    let calendar = (1000.0_f64 / 226.0).powf(1.0 / 6.0) - 1.0;
    close(f64_of(&r[1]["required_rate"]), calendar, 1e-12, "2020 (ii)");
    close(calendar, 0.281, 5e-4, "28.1 %");
    // The 2024 figure against each straight path: 16 % behind under (i), 2 % ahead under (ii).
    for (reading, rate, years) in [(&r[0], published, 4), (&r[1], calendar, 4)] {
        let path = 226.0 * (1.0 + rate).powi(years);
        close(f64_of(&reading["path_at_last"]), path, 1e-9, "path");
        close(
            f64_of(&reading["standing"]),
            623.0 / path - 1.0,
            1e-12,
            "standing",
        );
        // No figure for 2025 or later is published yet.
        assert_eq!(reading["published"], false);
        assert_eq!(reading["actual"], Value::Null);
        assert_eq!(reading["met"], Value::Null);
    }
    close(f64_of(&r[0]["standing"]), -0.161, 5e-4, "16 % behind");
    close(f64_of(&r[1]["standing"]), 0.023, 5e-4, "2 % ahead");
    let record = (623.0_f64 / 226.0).powf(1.0 / 4.0) - 1.0;
    close(
        f64_of(&f["since_forecast"]["rate"]),
        record,
        1e-12,
        "record",
    );

    // "Expected to surpass £1bn by 2026", made on the £623m published in 2024: 2 and 3 years.
    let f = by(2024);
    let r = f["readings"].as_array().unwrap();
    assert_eq!(r[0]["reading"], "published in 2026");
    assert_eq!(r[1]["reading"], "revenue of calendar 2026 (published 2027)");
    for (reading, years) in [(&r[0], 2.0), (&r[1], 3.0)] {
        let rate = (1000.0_f64 / 623.0).powf(1.0 / years) - 1.0;
        close(f64_of(&reading["required_rate"]), rate, 1e-12, "2024");
        // Nothing published since the forecast: no standing, rather than a made-up one.
        assert_eq!(reading["standing"], Value::Null);
    }
    assert_eq!(f["since_forecast"], Value::Null);
    close(f64_of(&f["record"]["rate"]), record, 1e-12, "whole record");

    // The table labels both readings in the same words.
    let out = common::succeed(safetech().args(["backtest", "-n", PATHS]));
    let text = String::from_utf8(out.stdout).unwrap();
    for words in [
        "published in 2025",
        "revenue of calendar 2025 (published 2026)",
        "34.6%/yr",
        "28.1%/yr",
        "16% behind",
        "2% ahead",
    ] {
        assert!(text.contains(words), "the table lacks {words:?}:\n{text}");
    }
    assert!(!text.contains("NaN"), "{text}");
}

/// The summary fields are what the per-origin rows say, and each row is what its percentiles
/// say.
fn assert_model_consistent(doc: &Value, history: &[(i32, f64)]) {
    let m = &doc["one_year_ahead"];
    let rows = m["forecasts"].as_array().unwrap();
    // Origins: three figures or more up to them and one the year after.
    let expected: Vec<i64> = history[2..history.len() - 1]
        .iter()
        .map(|h| i64::from(h.0))
        .collect();
    let origins: Vec<i64> = rows.iter().map(|r| r["origin"].as_i64().unwrap()).collect();
    assert_eq!(origins, expected);
    let mut errors = Vec::new();
    let (mut in_50, mut in_90, mut width) = (0.0, 0.0, 0.0);
    for r in rows {
        let origin = r["origin"].as_i64().unwrap();
        assert_eq!(r["year"].as_i64().unwrap(), origin + 1);
        let actual = f64_of(&r["actual"]);
        let published = history
            .iter()
            .find(|h| i64::from(h.0) == origin + 1)
            .unwrap();
        assert_eq!(actual, published.1);
        let [p5, p25, median, p75, p95] =
            ["p5", "p25", "median", "p75", "p95"].map(|k| f64_of(&r[k]));
        assert!(
            p5 <= p25 && p25 <= median && median <= p75 && p75 <= p95,
            "{r}"
        );
        let error = f64_of(&r["error"]);
        close(error, actual.ln() - median.ln(), 1e-12, "error");
        assert_eq!(r["in_50"], json!((p25..=p75).contains(&actual)), "{r}");
        assert_eq!(r["in_90"], json!((p5..=p95).contains(&actual)), "{r}");
        errors.push(error);
        in_50 += f64::from(u8::from(r["in_50"] == true));
        in_90 += f64::from(u8::from(r["in_90"] == true));
        width += (p95 / p5).ln();
    }
    let n = rows.len() as f64;
    close(f64_of(&m["rmse"]), rmse(&errors), 1e-12, "rmse");
    close(f64_of(&m["coverage_50"]), in_50 / n, 1e-12, "coverage 50");
    close(f64_of(&m["coverage_90"]), in_90 / n, 1e-12, "coverage 90");
    close(f64_of(&m["mean_width_90"]), width / n, 1e-12, "width");
}

#[test]
fn the_models_summary_agrees_with_its_rows() {
    let h = shipped_history();
    let doc = backtest_json(&[]);
    assert_eq!(doc["scenario"]["id"], safetech::backtest::BACKTEST_SCENARIO);
    assert_model_consistent(&doc, &h);
    // The recalibration at each origin is calibrate's on the history up to it.
    for r in doc["one_year_ahead"]["forecasts"].as_array().unwrap() {
        let origin = r["origin"].as_i64().unwrap();
        let upto: Vec<(i32, f64)> = h
            .iter()
            .copied()
            .filter(|x| i64::from(x.0) <= origin)
            .collect();
        let c = safetech::stats::calibration::calibrate(&upto).unwrap();
        close(f64_of(&r["initial"]), c.initial, 1e-12, "initial");
        close(f64_of(&r["volatility"]), c.volatility, 1e-12, "volatility");
        assert_eq!(r["df"].as_u64().unwrap() as usize, c.df);
    }
}

/// A scenario with uncertain inputs, a correlation on the pace it replaces, and an event with
/// an uncertain uplift correlated with long-run growth: the events go, the replaced inputs'
/// correlations go, and the uncertain volatility keeps its shape, centred on the calibration.
const UNCERTAIN: &str = r#"
[scenario]
id = "uncertain-test"
name = "Uncertain inputs for the backtest"

[market]
start_year = 2024
start_revenue = 623.0
horizon = 2030

[target]
revenue = 1000.0
year = 2026

[growth]
initial = { dist = "normal", mean = 0.29, sd = 0.05 }
long_run = { dist = "uniform", min = 0.08, max = 0.18 }
reversion = 0.3
volatility = { dist = "lognormal", p5 = 0.05, p95 = 0.12 }
persistence = 0.3
capacity = 8000.0

[[events]]
id = "osa"
name = "Enforcement"
year = 2025
outcomes = [
  { id = "firm", probability = 0.5, growth_uplift = { dist = "normal", mean = 0.05, sd = 0.01 }, duration = 3 },
]

[[correlations]]
between = ["growth.initial", "growth.volatility"]
rank = 0.5

[[correlations]]
between = ["growth.long_run", "events.osa.firm.growth_uplift"]
rank = 0.4

[ranges]
"events.osa.firm.probability" = [0.3, 0.7]
"#;

#[test]
fn a_scenario_with_uncertain_inputs_is_recalibrated_and_keeps_its_shape() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("uncertain.toml");
    std::fs::write(&file, UNCERTAIN).unwrap();
    let file = file.to_str().unwrap();
    let doc = backtest_json(&["-s", file]);
    assert_eq!(doc["scenario"]["id"], "uncertain-test");
    assert_eq!(doc["scenario"]["file"], file);
    let h = shipped_history();
    assert_model_consistent(&doc, &h);
    for r in doc["one_year_ahead"]["forecasts"].as_array().unwrap() {
        let origin = r["origin"].as_i64().unwrap();
        let upto: Vec<(i32, f64)> = h
            .iter()
            .copied()
            .filter(|x| i64::from(x.0) <= origin)
            .collect();
        let c = safetech::stats::calibration::calibrate(&upto).unwrap();
        // The log-Normal moved so that its median is the calibrated σ̂.
        close(f64_of(&r["volatility"]), c.volatility, 1e-9, "volatility");
    }
    crate::json_schema::assert_conforms("backtest", &doc);
}

#[test]
fn backtest_json_conforms_to_its_schema() {
    let plain = backtest_json(&[]);
    crate::json_schema::assert_conforms("backtest", &plain);
    // With --from: the rank analysis and the model's P(forecast) on the published reading.
    let ranked = backtest_json(&["--from", "2022"]);
    crate::json_schema::assert_conforms("backtest", &ranked);
    assert_eq!(ranked["from"]["year"], 2022);
    let model = &ranked["forecasts"][0]["readings"][0]["model"];
    assert_eq!(model["from"], 2022);
    assert_eq!(model["year"], 2025);
    assert!(plain.get("from").is_none());
    // A history too short for the model: empty sections, nulls rather than NaN.
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.csv");
    std::fs::write(&short, "year,revenue_gbp_m\n2020,226\n2021,314\n").unwrap();
    let doc = backtest_json(&["--history", short.to_str().unwrap()]);
    crate::json_schema::assert_conforms("backtest", &doc);
    assert_eq!(doc["one_year_ahead"]["rmse"], Value::Null);
    assert_eq!(doc["naive"]["band_needed"], Value::Null);

    // And the schema can fail.
    let s = crate::json_schema::schema("backtest");
    let mut broken = plain.clone();
    broken["one_year_ahead"]["coverage_90"] = json!(1.5);
    assert!(!crate::json_schema::errors(&s, &broken).is_empty());
    let mut broken = plain;
    broken["forecasts"][0]["readings"][0]["clock"] = json!("fiscal");
    assert!(!crate::json_schema::errors(&s, &broken).is_empty());
}

#[test]
fn out_writes_the_format_its_extension_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backtest.json");
    common::succeed(safetech().args(["backtest", "-n", "2000", "-o", out.to_str().unwrap()]));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["schema"], "safetech.backtest/v1");
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    for (args, says) in [
        (
            vec!["backtest", "--format", "xml"],
            vec!["xml", "table", "json"],
        ),
        (
            vec!["backtest", "-s", "no-such-scenario"],
            vec!["no built-in scenario or file named \"no-such-scenario\""],
        ),
        (
            vec!["backtest", "-s", "missing/nowhere.toml"],
            vec!["missing/nowhere.toml", "cannot read scenario file"],
        ),
    ] {
        let out = safetech().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?} wrote to standard output");
        let err = String::from_utf8_lossy(&out.stderr);
        for words in says {
            assert!(err.contains(words), "{args:?}: {err}");
        }
    }
}
