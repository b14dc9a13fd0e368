//! Exporting the current view as PNG and SVG through the chart module.

use std::path::{Path, PathBuf};

use super::app::Tab;
use super::theme::ThemeName;
use crate::chart::{self, ChartKind, ChartOptions, Theme};
use crate::sim::Projection;

/// Directory for exported and saved files: `SAFETECH_EXPORT_DIR`, else the current directory.
pub fn output_dir() -> PathBuf {
    std::env::var_os("SAFETECH_EXPORT_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Write the view as PNG and SVG beside each other; returns the paths written. Existing files
/// are never overwritten: a numbered name is chosen instead.
pub fn export(
    dir: &Path,
    tab: Tab,
    theme: ThemeName,
    runs: &[&Projection],
) -> anyhow::Result<Vec<PathBuf>> {
    export_with(dir, tab, theme, runs, chart::Analyses::default())
}

/// As [`export`], with the analysis a tab draws (the Drivers tab's tornado).
pub fn export_with(
    dir: &Path,
    tab: Tab,
    theme: ThemeName,
    runs: &[&Projection],
    analyses: chart::Analyses,
) -> anyhow::Result<Vec<PathBuf>> {
    let Some(first) = runs.first() else {
        anyhow::bail!("nothing to export yet: the simulation is still running");
    };
    let kind = match tab {
        Tab::Fan => ChartKind::Fan,
        Tab::Compare => ChartKind::Compare,
        Tab::Distribution => ChartKind::Histogram,
        Tab::Drivers if analyses.tornado.is_some() => ChartKind::Tornado,
        Tab::Drivers => {
            anyhow::bail!("nothing to export yet: the drivers are still being computed")
        }
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
    let owned: Vec<Projection> = runs.iter().map(|p| (*p).clone()).collect();
    let stem = format!(
        "safetech-{}-{}-seed{}",
        first.scenario.scenario.id,
        tab.title().to_lowercase(),
        first.settings.seed
    );
    let stem = free_stem(dir, &stem);
    let mut written = Vec::new();
    for ext in ["png", "svg"] {
        let path = dir.join(format!("{stem}.{ext}"));
        chart::export_with(&path, kind, &owned, analyses, &options)?;
        written.push(path);
    }
    Ok(written)
}

/// `stem`, or `stem-2`, `stem-3`… so that neither the PNG nor the SVG exists yet.
fn free_stem(dir: &Path, stem: &str) -> String {
    let taken =
        |s: &str| dir.join(format!("{s}.png")).exists() || dir.join(format!("{s}.svg")).exists();
    if !taken(stem) {
        return stem.to_string();
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|s| !taken(s))
        .expect("some numbered name is free")
}
