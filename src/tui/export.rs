//! Exporting the current view as PNG and SVG through the chart module.

use std::path::{Path, PathBuf};

use super::app::Tab;
use crate::sim::Projection;

/// Directory for exported and saved files: `SAFETECH_EXPORT_DIR`, else the current directory.
pub fn output_dir() -> PathBuf {
    std::env::var_os("SAFETECH_EXPORT_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Write the view as PNG and SVG; returns the paths written.
pub fn export(_dir: &Path, _tab: Tab, _runs: &[&Projection]) -> anyhow::Result<Vec<PathBuf>> {
    anyhow::bail!("not available yet (the chart module is not in this build)")
}
