//! Calibration against an independent computation, and the backtest.

use assert_cmd::Command;
use safetech::backtest::{OFFICIAL_FORECASTS, backtest, calibrated_scenario};
use safetech::scenario::history::{SHIPPED_HISTORY, parse_history};
use safetech::sim::RunSettings;
use safetech::stats::calibration::calibrate;
use statrs::statistics::Statistics;

#[test]
fn shipped_history_gives_the_published_estimates() {
    // Independent: read the CSV by hand and use statrs for the mean and sample sd.
    let mut revenue = Vec::new();
    for line in SHIPPED_HISTORY
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
    {
        revenue.push(line.split(',').nth(1).unwrap().parse::<f64>().unwrap());
    }
    let logs: Vec<f64> = revenue.windows(2).map(|w| w[1].ln() - w[0].ln()).collect();
    let (mean, sd) = ((&logs).mean(), (&logs).std_dev());
    assert_eq!(format!("{mean:.4}"), "0.2535");
    assert_eq!(format!("{sd:.4}"), "0.0778");

    let c = calibrate(&parse_history(SHIPPED_HISTORY, "shipped").unwrap()).unwrap();
    assert!((c.mean_log_growth - mean).abs() < 1e-12);
    assert!((c.sd_log_growth - sd).abs() < 1e-12);
    assert!((c.se_mean - sd / 2.0).abs() < 1e-12);

    let out = Command::cargo_bin("safetech")
        .unwrap()
        .arg("calibrate")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("0.2535") && text.contains("volatility = 0.0778"),
        "{text}"
    );
    // The `historical` scenario uses exactly these estimates.
    let h = safetech::scenario::load("historical").unwrap();
    assert_eq!(
        format!("{:.4}", h.growth.initial),
        format!("{:.4}", c.initial)
    );
    assert_eq!(
        format!("{:.4}", h.growth.initial_uncertainty),
        format!("{:.4}", c.initial_uncertainty)
    );
    assert_eq!(
        format!("{:.4}", h.growth.volatility),
        format!("{:.4}", c.volatility)
    );
}

#[test]
fn backtest_from_2022_ranks_2023_and_2024() {
    let out = Command::cargo_bin("safetech")
        .unwrap()
        .args(["backtest", "--from", "2022", "-n", "20000"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let rank_line = |year: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(year))
            .unwrap()
            .to_string()
    };
    for year in ["2023", "2024"] {
        let line = rank_line(year);
        assert!(line.trim_end().ends_with('%'), "{line}");
    }
    assert!(text.contains("could exceed £1bn by 2025"));

    let out = Command::cargo_bin("safetech")
        .unwrap()
        .args(["backtest", "--from", "2020"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::cargo_bin("safetech")
        .unwrap()
        .args(["backtest", "--from", "1999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Histories drawn from the model itself: the later actuals' ranks should be spread over (0, 1),
/// not piled at the extremes. The calibrated model carries the uncertainty of its own
/// estimates, so its predictive fan is roughly right; with only four growth years to estimate
/// a spread it is somewhat too narrow, so the bound allows some excess at the tails.
#[test]
fn ranks_on_synthetic_histories_are_not_systematically_extreme() {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
    let growth = Normal::new(0.25, 0.08).unwrap();
    let mut ranks = Vec::new();
    for rep in 0..150 {
        let mut r = 226.0;
        let history: Vec<(i32, f64)> = (0..8)
            .map(|i| {
                if i > 0 {
                    r *= f64::exp(growth.sample(&mut rng));
                }
                (2017 + i, r)
            })
            .collect();
        let settings = RunSettings {
            paths: 4000,
            seed: rep,
            sample_paths: 0,
        };
        let b = backtest(&history, 2021, settings, &[], "synthetic").unwrap();
        ranks.extend(b.ranks.iter().map(|x| x.rank));
    }
    let n = ranks.len() as f64;
    let mean = ranks.iter().sum::<f64>() / n;
    let extreme = ranks
        .iter()
        .filter(|&&r| !(0.05..=0.95).contains(&r))
        .count() as f64
        / n;
    let middle = ranks
        .iter()
        .filter(|&&r| (0.25..=0.75).contains(&r))
        .count() as f64
        / n;
    assert!((mean - 0.5).abs() < 0.06, "mean rank {mean:.3}");
    assert!(
        extreme < 0.2,
        "{:.1}% of ranks outside 5–95% (10% expected)",
        extreme * 100.0
    );
    assert!(
        middle > 0.35,
        "{:.1}% of ranks inside 25–75% (50% expected)",
        middle * 100.0
    );
    // A model that ignored its own uncertainty would do worse: check the test can tell.
    let c = calibrate(&[(2020, 100.0), (2021, 130.0), (2022, 160.0)]).unwrap();
    let s = calibrated_scenario(&c, 2022, 160.0, 2025);
    assert!(s.growth.initial_uncertainty > 0.0);
    assert!(!OFFICIAL_FORECASTS.is_empty());
}
