//! Revenue history files: CSV with `#` comment lines, a header naming `year` and a revenue
//! column (`revenue_gbp_m` or `revenue`), one row per year.

use super::validate::{MAX_TARGET, MIN_REVENUE};
use crate::error::InputError;

/// The sector's published history, shipped with the program (sources in the file's comments).
pub const SHIPPED_HISTORY: &str = include_str!("../../assets/data/uk_safety_tech_revenue.csv");
pub const SHIPPED_HISTORY_NAME: &str = "assets/data/uk_safety_tech_revenue.csv (built-in)";

/// Parse a history CSV; `origin` names it in errors.
pub fn parse_history(text: &str, origin: &str) -> Result<Vec<(i32, f64)>, InputError> {
    let mut rows = Vec::new();
    let mut columns: Option<(usize, usize)> = None;
    // Spreadsheets save "CSV UTF-8" with a byte-order mark: it is not part of the header.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let Some((year_col, revenue_col)) = columns else {
            let find = |names: &[&str]| {
                fields
                    .iter()
                    .position(|f| names.contains(&f.to_ascii_lowercase().as_str()))
            };
            let year = find(&["year"]);
            let revenue = find(&["revenue_gbp_m", "revenue"]);
            match (year, revenue) {
                (Some(y), Some(r)) => columns = Some((y, r)),
                _ => {
                    return Err(InputError::new(
                        origin,
                        "header",
                        "expected a header with columns `year` and `revenue_gbp_m` (or `revenue`)",
                    )
                    .with_value(line.to_string())
                    .at(Some((line_no, 1))));
                }
            }
            continue;
        };
        let get = |col: usize, name: &str| {
            fields
                .get(col)
                .copied()
                .filter(|f| !f.is_empty())
                .ok_or_else(|| {
                    InputError::new(origin, name, "missing value").at(Some((line_no, 1)))
                })
        };
        let year_text = get(year_col, "year")?;
        let year: i32 = year_text
            .parse()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .ok_or_else(|| {
                InputError::new(origin, "year", "must be a whole year between 1900 and 2200")
                    .with_value(year_text)
                    .at(Some((line_no, 1)))
            })?;
        let rev_text = get(revenue_col, "revenue_gbp_m")?;
        let revenue: f64 = rev_text
            .parse()
            .ok()
            // The bounds of a scenario's history, so growth rates and their squares stay finite.
            .filter(|r: &f64| (MIN_REVENUE..=MAX_TARGET).contains(r))
            .ok_or_else(|| {
                InputError::new(
                    origin,
                    "revenue_gbp_m",
                    format!(
                        "must be a number of £ million between {MIN_REVENUE} and {MAX_TARGET:e}"
                    ),
                )
                .with_value(rev_text)
                .at(Some((line_no, 1)))
            })?;
        if let Some(&(prev, _)) = rows.last()
            && year != prev + 1
        {
            return Err(InputError::new(
                origin,
                "year",
                format!("years must be consecutive; {prev} is followed by {year}"),
            )
            .with_value(year.to_string())
            .at(Some((line_no, 1))));
        }
        rows.push((year, revenue));
    }
    if rows.is_empty() {
        return Err(InputError::new(origin, "", "no data rows"));
    }
    Ok(rows)
}

/// Read a history file, or the shipped history when `path` is None.
pub fn read_history(
    path: Option<&std::path::Path>,
) -> Result<(Vec<(i32, f64)>, String), InputError> {
    match path {
        None => Ok((
            parse_history(SHIPPED_HISTORY, SHIPPED_HISTORY_NAME)?,
            SHIPPED_HISTORY_NAME.to_string(),
        )),
        Some(p) => {
            let origin = super::load::origin_of(p);
            let text = super::read_text_file(p, "history file")?;
            Ok((parse_history(&text, &origin)?, origin))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shipped_history() {
        let h = parse_history(SHIPPED_HISTORY, "shipped").unwrap();
        assert_eq!(
            h,
            vec![
                (2020, 226.0),
                (2021, 314.0),
                (2022, 381.0),
                (2023, 456.0),
                (2024, 623.0)
            ]
        );
    }

    #[test]
    fn rejects_bad_rows_with_line_numbers() {
        let e = parse_history("year,revenue\n2020,100\n2021,-5\n", "h.csv").unwrap_err();
        assert_eq!(e.position, Some((3, 1)));
        assert_eq!(e.field, "revenue_gbp_m");
        let e = parse_history("year,revenue\n2020,100\n2022,120\n", "h.csv").unwrap_err();
        assert!(e.message.contains("consecutive"));
        let e = parse_history("when,how much\n", "h.csv").unwrap_err();
        assert_eq!(e.field, "header");
        // Found by fuzzing: extreme values made the calibration print `initial = NaN`.
        let e = parse_history("year,revenue\n2020,1e-300\n2021,1e300\n", "h.csv").unwrap_err();
        assert_eq!(
            (e.position, e.field.as_str()),
            (Some((2, 1)), "revenue_gbp_m")
        );
        let e = parse_history("year,revenue\n-2147483648,100\n", "h.csv").unwrap_err();
        assert!(e.message.contains("between 1900 and 2200"), "{e}");
    }
}
