//! safetech: Monte Carlo projections of UK safety tech sector revenue under policy scenarios.
//!
//! Data flows one way: scenario → sim → stats → report / chart / tui. `quantile` is a numeric
//! helper shared by the engine, the statistics and the charts.

pub mod analysis;
pub mod backtest;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod completion;
pub mod error;
pub mod format;
pub mod lesson;
pub mod math;
pub mod numbers;
pub mod output;
pub mod quantile;
pub mod report;
pub mod scenario;
pub mod series_style;
pub mod sim;
pub mod stats;
pub mod text;
pub mod tui;

/// Program version, stamped on every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
