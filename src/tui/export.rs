//! Exporting the current view as PNG, SVG and PDF through the chart module.

use std::path::{Path, PathBuf};

use super::app::Tab;
use super::theme::ThemeName;
use crate::chart::tornado::TornadoChart;
use anyhow::Context;

use crate::chart::{Chart, ChartOptions, ImageFormat, Theme};
use crate::output::write_new;
use crate::sim::Projection;

/// Directory for exported and saved files: `SAFETECH_EXPORT_DIR`, else the current directory.
pub fn output_dir() -> PathBuf {
    std::env::var_os("SAFETECH_EXPORT_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Write the view as PNG, SVG and PDF beside each other; returns the paths written. The files
/// are created new: where a name is taken (by a file, or a link, dangling or not), a numbered
/// one is chosen instead, and nothing is ever written over or through what is there.
pub fn export(
    dir: &Path,
    tab: Tab,
    theme: ThemeName,
    runs: &[&Projection],
) -> anyhow::Result<Vec<PathBuf>> {
    export_with(dir, tab, theme, runs, None)
}

/// As [`export`], with the tornado the Drivers tab draws.
pub fn export_with(
    dir: &Path,
    tab: Tab,
    theme: ThemeName,
    runs: &[&Projection],
    tornado: Option<&TornadoChart>,
) -> anyhow::Result<Vec<PathBuf>> {
    let Some(&first) = runs.first() else {
        anyhow::bail!("nothing to export yet: the simulation is still running");
    };
    let compared: Vec<Projection>;
    let chart = match tab {
        Tab::Fan => Chart::Fan(first),
        Tab::Compare => {
            compared = runs.iter().map(|p| (*p).clone()).collect();
            Chart::Compare(&compared)
        }
        Tab::Distribution => Chart::Histogram(first),
        Tab::Drivers => match tornado {
            Some(analysis) => Chart::Tornado {
                analysis,
                run: first,
            },
            None => anyhow::bail!("nothing to export yet: the drivers are still being computed"),
        },
        Tab::Teach => {
            anyhow::bail!("the Teach tab exports its slides with `safetech teach --export-slides`")
        }
    };
    let options = ChartOptions {
        theme: match theme {
            ThemeName::Dark => Theme::Dark,
            ThemeName::Light => Theme::Light,
            ThemeName::Classroom => Theme::Classroom,
        },
        ..ChartOptions::default()
    };
    // Named after what it draws: the scenario, or the Compare tab's set in its order, each
    // edited one named as such, beside (never over) the stock one's.
    let drawn: &[&Projection] = if tab == Tab::Compare {
        runs
    } else {
        &runs[..1]
    };
    let names: Vec<String> = drawn.iter().map(|p| file_label(p)).collect();
    let stem = format!(
        "safetech-{}-{}-seed{}",
        names.join("-vs-"),
        tab.title().to_lowercase(),
        first.settings.seed
    );
    let stem = free_stem(dir, &stem);
    let mut written = Vec::new();
    for (ext, format) in EXTENSIONS.into_iter().zip(FORMATS) {
        let path = dir.join(format!("{stem}.{ext}"));
        let bytes = chart.render(&options, format)?;
        write_new(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// A scenario as an export's name gives it: its id, with `-edited` when its run is of an edited
/// version (a copy made with `d` is already named `ID-edited`).
fn file_label(p: &Projection) -> String {
    let id = &p.scenario.scenario.id;
    let named_edited = id.ends_with("-edited")
        || id
            .rsplit_once("-edited-")
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if p.scenario.provenance.is_edited() && !named_edited {
        format!("{id}-edited")
    } else {
        id.clone()
    }
}

/// The status line's account of an export, short enough for it: the files share a stem, so
/// `Exported ./safetech-baseline-fan-seed20241010 .png .svg .pdf`.
pub fn describe(paths: &[PathBuf]) -> String {
    let Some(first) = paths.first() else {
        return "Exported nothing".into();
    };
    let stem = first.with_extension("");
    let extensions: Vec<String> = paths
        .iter()
        .filter_map(|p| p.extension())
        .map(|e| format!(".{}", e.to_string_lossy()))
        .collect();
    format!("Exported {} {}", stem.display(), extensions.join(" "))
}

/// The formats written, in this order: a raster for slides, vector for print.
const EXTENSIONS: [&str; 3] = ["png", "svg", "pdf"];
const FORMATS: [ImageFormat; 3] = [ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf];

/// `stem`, or `stem-2`, `stem-3`… so that no file of that stem is there yet: a link counts as
/// there, dangling or not.
fn free_stem(dir: &Path, stem: &str) -> String {
    let taken = |s: &str| {
        EXTENSIONS
            .iter()
            .any(|e| std::fs::symlink_metadata(dir.join(format!("{s}.{e}"))).is_ok())
    };
    if !taken(stem) {
        return stem.to_string();
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|s| !taken(s))
        .expect("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{RunControl, RunSettings, simulate};

    #[test]
    fn edited_exports_are_named_as_such_and_never_replace_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let settings = RunSettings {
            paths: 500,
            ..RunSettings::default()
        };
        let stock = crate::scenario::load("baseline").unwrap();
        let mut edited = stock.clone();
        edited.growth.volatility = 0.1;
        edited
            .provenance
            .edits
            .push("growth.volatility = 0.1".into());
        let run = |s| simulate(s, settings, RunControl::default()).unwrap();
        let (a, b) = (run(&stock), run(&edited));
        let names = |p: &Projection| {
            export(dir.path(), Tab::Fan, ThemeName::Light, &[p])
                .unwrap()
                .iter()
                .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&a),
            [
                "safetech-baseline-fan-seed20241010.png",
                "safetech-baseline-fan-seed20241010.svg",
                "safetech-baseline-fan-seed20241010.pdf"
            ]
        );
        assert_eq!(
            names(&b)[0],
            "safetech-baseline-edited-fan-seed20241010.png"
        );
        assert_eq!(names(&a)[0], "safetech-baseline-fan-seed20241010-2.png");
        let written = export(dir.path(), Tab::Fan, ThemeName::Light, &[&a]).unwrap();
        assert_eq!(
            describe(&written),
            format!(
                "Exported {} .png .svg .pdf",
                dir.path()
                    .join("safetech-baseline-fan-seed20241010-3")
                    .display()
            )
        );
    }

    /// Dangling links planted under the export's names were written
    /// through. Now a name with a link counts as taken and the link is left alone.
    #[cfg(unix)]
    #[test]
    fn export_never_follows_a_planted_link() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::os::unix::fs::symlink(
            "planted.svg",
            d.join("safetech-baseline-fan-seed20241010.svg"),
        )
        .unwrap();
        let settings = RunSettings {
            paths: 500,
            ..RunSettings::default()
        };
        let stock = crate::scenario::load("baseline").unwrap();
        let run = simulate(&stock, settings, RunControl::default()).unwrap();
        let written = export(d, Tab::Fan, ThemeName::Light, &[&run]).unwrap();
        assert_eq!(
            written[0],
            d.join("safetech-baseline-fan-seed20241010-2.png")
        );
        assert!(!d.join("planted.svg").exists(), "the link was followed");
        for path in &written {
            assert!(std::fs::symlink_metadata(path).unwrap().is_file());
        }
    }
}
