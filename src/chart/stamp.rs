//! The footer stamp that says what produced a chart: program, version, scenarios, seed,
//! paths and, when known reproducibly, the date.

use crate::sim::Projection;

/// Footer: the stamp line ([`stamp_line`]) and the note on what "±" means.
pub fn stamp(runs: &[Projection], date: Option<&str>) -> String {
    footer(runs, date, true, true)
}

/// The footer's lines: the stamp line when `stamp` (`--no-stamp` leaves it out; the run stays
/// named in the file's metadata), and the note on what "±" means when the chart shows a margin.
pub fn footer(runs: &[Projection], date: Option<&str>, stamp: bool, margin: bool) -> String {
    let mut lines: Vec<String> = Vec::new();
    if stamp {
        lines.push(stamp_line(runs, date));
    }
    if margin {
        lines.push(crate::format::INPUTS_DOMINATE.to_string());
    }
    lines.join("\n")
}

/// The stamp of a chart that draws no simulated figure (the published history): program,
/// version and the scenario whose history it is, with no seed or paths to suggest a run.
pub fn published_line(p: &Projection, date: Option<&str>) -> String {
    let mut s = format!(
        "safetech {} · published series of scenario {}",
        crate::VERSION,
        p.scenario.scenario.id
    );
    if let Some(d) = date {
        s.push_str(" · ");
        s.push_str(d);
    }
    s
}

/// Program, version, scenarios (a file by its name, not its path), seed, paths and, when
/// known, the date: what identifies the run a chart was drawn from.
pub fn stamp_line(runs: &[Projection], date: Option<&str>) -> String {
    let first = &runs[0];
    let ids: Vec<String> = runs
        .iter()
        .map(|r| {
            let p = &r.scenario.provenance;
            // The file's name only: a chart travels, and its footer printed local paths.
            let name = p.file.as_deref().map(|f| {
                std::path::Path::new(f)
                    .file_name()
                    .map_or(f.to_string(), |n| n.to_string_lossy().into_owned())
            });
            crate::stats::scenario_label(&r.scenario.scenario.id, name.as_deref(), &p.edits)
        })
        .collect();
    let label = if ids.len() == 1 {
        "scenario"
    } else {
        "scenarios"
    };
    let mut s = format!(
        "safetech {} · {label} {} · seed {} · {} paths",
        crate::VERSION,
        ids.join(", "),
        first.settings.seed,
        crate::format::thousands(first.settings.paths as f64, 0)
    );
    if let Some(d) = date {
        s.push_str(" · ");
        s.push_str(d);
    }
    s
}

/// The footer date: `SOURCE_DATE_EPOCH` (the reproducible-builds convention) as YYYY-MM-DD, or
/// none, so that running the same command twice gives the same bytes.
pub fn stamp_date() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_088), (2024, 12, 31));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
