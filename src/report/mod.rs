//! Text outputs: a run's reports, one module per format behind one small trait, and the
//! reports of the other commands (sensitivity, solve, calibrate, backtest).

pub mod backtest;
pub mod calibrate;
pub mod csv;
pub mod difference;
pub mod json;
pub mod markdown;
pub mod samples;
pub mod sensitivity;
pub mod solve;
pub mod table;

use crate::stats::RunSummary;

/// A text format for run summaries (one or several scenarios run on the same seed).
pub trait Report {
    fn render(&self, runs: &[RunSummary]) -> String;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable table for a terminal or a brief.
    Table,
    /// Versioned JSON, its schema named in it (safetech.run/v1, safetech.sensitivity/v1,
    /// safetech.solve/v1; see schemas/).
    Json,
    /// Rows for a spreadsheet: run, one per scenario and year; sensitivity, one per tornado
    /// input and per draw.
    Csv,
    /// Markdown tables for documents.
    Markdown,
}

impl Format {
    /// The format asked for, else the one `out`'s extension names, else the table: `--out
    /// odds.json` writes JSON without `-f json`.
    pub fn resolve(asked: Option<Format>, out: Option<&std::path::Path>) -> Format {
        asked.unwrap_or_else(|| {
            let ext = out
                .and_then(|p| p.extension())
                .map(|e| e.to_string_lossy().to_lowercase());
            match ext.as_deref() {
                Some("json") => Format::Json,
                Some("csv") => Format::Csv,
                Some("md" | "markdown") => Format::Markdown,
                _ => Format::Table,
            }
        })
    }

    pub fn reporter(self) -> Box<dyn Report> {
        match self {
            Format::Table => Box::new(table::Table),
            Format::Json => Box::new(json::Json),
            Format::Csv => Box::new(csv::Csv),
            Format::Markdown => Box::new(markdown::Markdown),
        }
    }
}
