//! The integration tests, as one binary: one link instead of one per file, and every test
//! in one pool of threads, so a slow file no longer holds the others back. Each file is a
//! module; `cargo test NAME` still picks tests by module and name (`cargo test robustness::`).

mod common;

mod backtest_json;
mod calibration;
mod chart_analysis;
mod chart_data;
mod chart_export;
mod chart_layout;
mod chart_meta;
mod cli_run;
mod closed_forms;
mod common_random_numbers;
mod completions;
mod engine_percentiles;
mod engine_range;
mod extreme_scenarios;
mod help_examples;
mod input_safety;
mod json_schema;
mod layering;
mod memory_estimate;
mod paired_differences;
mod precision;
mod robustness;
mod samples_file;
mod scenario_claims;
mod scenario_extends;
mod scenario_fuzz;
mod scenario_library;
mod sensitivity;
mod solve;
mod teach;
mod tui_latency;
mod tui_pty;
mod tui_render;
mod uncertain_everywhere;
mod uncertain_inputs;
