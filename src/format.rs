//! Number formatting shared by the statistics, text reports, charts, lessons and TUI.
//! It depends on nothing else in the crate, so every layer above can use it.

/// A count with its noun: `1 path`, `1,000,000 paths` (the plural adds an s).
pub fn count(n: usize, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", thousands(n as f64, 0))
}

/// `1234567.8` with `decimals = 1` → `1,234,567.8`.
pub fn thousands(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Revenue in £m: `£1,234m`.
pub fn money(x: f64) -> String {
    format!("£{}m", thousands(x, 0))
}

/// Compact revenue for axes and tight spaces: `£623m`, `£1.2bn`, `£12bn`.
pub fn money_short(x: f64) -> String {
    let a = x.abs();
    if a >= 10_000.0 {
        format!("£{}bn", thousands(x / 1000.0, 0))
    } else if a >= 1000.0 {
        let s = format!("{:.1}", x / 1000.0);
        format!("£{}bn", s.trim_end_matches(".0"))
    } else {
        format!("£{}m", thousands(x, 0))
    }
}

/// Decimals needed to show a probability whose standard error is `se` honestly.
pub fn probability_decimals(se: f64) -> usize {
    if se <= 0.0 || !se.is_finite() {
        1
    } else if se < 0.0005 {
        2
    } else if se < 0.005 {
        1
    } else {
        0
    }
}

/// `0.7123` → `71.2%`.
/// Near-certain is not certain: a share that would round to 100 % (or 0 %) without being
/// exactly 1 (or 0) reads "> 99.5%" ("< 0.5%"), at the decimals asked.
pub fn percent(p: f64, decimals: usize) -> String {
    let shown = format!("{:.*}", decimals, p * 100.0);
    let half = 0.5 / 10f64.powi(decimals as i32);
    match shown.parse::<f64>() {
        Ok(v) if v >= 100.0 && p < 1.0 => format!("> {:.*}%", decimals + 1, 100.0 - half),
        Ok(v) if v <= 0.0 && p > 0.0 => format!("< {:.*}%", decimals + 1, half),
        _ => format!("{shown}%"),
    }
}

/// Standard error in percentage points, to two significant figures: `0.14`.
pub fn percent_points(se: f64) -> String {
    let pts = se * 100.0;
    if pts == 0.0 {
        return "0".to_string();
    }
    let decimals = (1 - pts.log10().floor() as i32).clamp(0, 4) as usize;
    format!("{pts:.decimals$}")
}

/// A probability as every output states it: `86.4% (Monte Carlo ±0.21 pts)`, its decimals
/// set by the standard error and the margin being the 95% half-width.
pub fn probability_with_margin(probability: f64, std_error: f64, margin95: f64) -> String {
    format!(
        "{} (Monte Carlo ±{} pts)",
        percent(probability, probability_decimals(std_error)),
        percent_points(margin95)
    )
}

/// A signed amount in the short form: `+£12m`, `−£1.2bn` (a true minus sign; amounts within
/// half a million are `+£0m`).
pub fn signed_money_short(x: f64) -> String {
    let sign = if x < -0.5 { "−" } else { "+" };
    format!("{sign}{}", money_short(x.abs()))
}

/// `+1.25` or `−1.25`: a typographic minus for people, to `d` decimals.
pub fn signed(x: f64, d: usize) -> String {
    let s = format!("{x:+.d$}");
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// Decimals that show a figure whose 95 % half-width is `hw` to two significant figures of it.
pub fn decimals_for_half_width(hw: f64) -> usize {
    if !(hw.is_finite() && hw > 0.0) {
        return 2;
    }
    (1 - hw.log10().floor() as i32).clamp(0, 4) as usize
}

/// `+0.54 pts` for a difference of probabilities (as fractions), to the precision its 95 %
/// half-width `hw` supports.
pub fn signed_points(difference: f64, hw: f64) -> String {
    let d = decimals_for_half_width(hw * 100.0);
    format!("{} pts", signed(difference * 100.0, d))
}

/// `Monte Carlo ±0.014 pts` for a 95 % half-width `hw` of a probability.
pub fn points_error(hw: f64) -> String {
    let hw = hw * 100.0;
    let d = decimals_for_half_width(hw);
    format!("Monte Carlo ±{hw:.d$} pts")
}

/// `+0.54 pts (Monte Carlo ±0.014 pts)`: a difference of probabilities with its 95 %
/// half-width `hw`.
pub fn points_with_error(difference: f64, hw: f64) -> String {
    if !hw.is_finite() {
        return format!(
            "{} (too few paths for a Monte Carlo error)",
            signed_points(difference, hw)
        );
    }
    format!("{} ({})", signed_points(difference, hw), points_error(hw))
}

/// Money tick labels with the decimals `resolution` (the step between ticks, £m) needs,
/// trailing zeros dropped: `£3.25bn` between `£3bn` and `£3.5bn`, `£0.5m` rather than a second
/// `£0m`. From £1bn in billions, as everywhere else.
pub fn money_tick(v: f64, resolution: f64) -> String {
    let (value, unit, resolution) = if v.abs() >= 1000.0 {
        (v / 1000.0, "bn", resolution / 1000.0)
    } else {
        (v, "m", resolution)
    };
    // The fewest decimals (at most 3) that write the resolution exactly.
    let decimals = (0..=3)
        .find(|&d| {
            let scaled = resolution * 10f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(3) as usize;
    let text = thousands(value, decimals);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "0" || text == "-0" {
        return "£0m".to_string();
    }
    format!("£{text}{unit}")
}

/// Said once wherever P(target) is shown: its "±" is not the forecast's uncertainty.
pub const INPUTS_DOMINATE: &str = "± is the 95% Monte Carlo margin: simulation error only. The inputs matter far more (see safetech sensitivity).";

/// A CSV text cell: RFC 4180 quoting where needed, and OWASP's rule against formula injection,
/// so that a scenario named `=HYPERLINK(…)` reaches a spreadsheet as text: a cell that begins
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_certain_is_never_shown_as_certain() {
        assert_eq!(percent(0.9955, 0), "> 99.5%");
        assert_eq!(percent(0.99996, 2), "> 99.995%");
        assert_eq!(percent(1.0, 0), "100%");
        assert_eq!(percent(0.994, 0), "99%");
        assert_eq!(percent(0.004, 0), "< 0.5%");
        assert_eq!(percent(0.0, 1), "0.0%");
        assert_eq!(percent(0.0004, 1), "< 0.05%");
        assert_eq!(percent(0.336, 1), "33.6%");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(1234567.8, 1), "1,234,567.8");
        assert_eq!(thousands(623.0, 0), "623");
        assert_eq!(thousands(1000.0, 0), "1,000");
        assert_eq!(thousands(-1500.4, 0), "-1,500");
        assert_eq!(thousands(-0.2, 0), "0");
        assert_eq!(money(1000.0), "£1,000m");
    }

    #[test]
    fn short_money() {
        assert_eq!(
            [623.0, 1000.0, 1234.0, 15_400.0].map(money_short),
            ["£623m", "£1bn", "£1.2bn", "£15bn"]
        );
    }

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1, "path"), "1 path");
        assert_eq!(count(0, "path"), "0 paths");
        assert_eq!(count(1_000_000, "path"), "1,000,000 paths");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(0.7123, 1), "71.2%");
        assert_eq!(percent_points(0.00143), "0.14");
        assert_eq!(percent_points(0.0143), "1.4");
    }

    #[test]
    fn signed_figures_use_a_true_minus() {
        assert_eq!(signed(1.25, 2), "+1.25");
        assert_eq!(signed(-1.26, 1), "−1.3");
        assert_eq!(
            points_with_error(0.0054, 0.00014),
            "+0.540 pts (Monte Carlo ±0.014 pts)"
        );
        assert!(
            points_with_error(0.01, f64::NAN).ends_with("(too few paths for a Monte Carlo error)")
        );
    }

    #[test]
    fn money_ticks_keep_the_decimals_of_their_step() {
        let ticks = [
            (0.0, 250.0),
            (3250.0, 250.0),
            (0.5, 0.5),
            (1250.0, 10.0),
            (623.0, 10.0),
        ];
        assert_eq!(
            ticks.map(|(value, step)| money_tick(value, step)),
            ["£0m", "£3.25bn", "£0.5m", "£1.25bn", "£623m"]
        );
    }

    #[test]
    fn csv_cells_are_quoted_and_never_start_a_formula() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("-x"), "'-x");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("=A1,\"x\""), "\"'=A1,\"\"x\"\"\"");
    }
}
