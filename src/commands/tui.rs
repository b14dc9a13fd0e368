//! `safetech`, `safetech tui` and `safetech teach` without `--export-slides`: the command line
//! turned into the interactive view's [`Settings`](crate::tui::Settings).

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use super::Options;
use crate::cli::{Common, TUI_DEFAULT_PATHS, TeachArgs, TuiArgs};
use crate::scenario::{BUILTIN, Scenario, load_text_and_scenario, load_with_overrides};
use crate::tui::app::Tab;
use crate::tui::save::Loaded;
use crate::tui::theme::{Theme, ThemeName};
use crate::tui::{self, Settings};

/// The options of a bare `safetech`: every option at its default.
pub fn default_args() -> TuiArgs {
    #[derive(Parser)]
    struct Bare {
        #[command(flatten)]
        args: TuiArgs,
    }
    Bare::parse_from(["safetech"]).args
}

/// Open the view, or explain and exit 2 when standard output is not a terminal.
pub fn run(args: &TuiArgs) -> Result<ExitCode> {
    open(
        &args.common,
        args.theme,
        Tab::Fan,
        "the interactive view",
        "`safetech run` for a text summary",
    )
}

/// `safetech teach`: the view opened on the Teach tab.
pub fn teach(args: &TeachArgs) -> Result<ExitCode> {
    open(
        &args.common,
        args.theme,
        Tab::Teach,
        "the walkthrough",
        "`safetech teach --export-slides DIR` for slides",
    )
}

fn open(
    common: &Common,
    theme: ThemeName,
    tab: Tab,
    what: &str,
    instead: &str,
) -> Result<ExitCode> {
    if let Some(why) = tui::unusable_terminal() {
        eprintln!("error: {what} needs {why}; use {instead} (see --help)");
        return Ok(ExitCode::from(2));
    }
    tui::run(settings(common, theme, tab)?)
}

/// The view's settings from the shared options: scenarios loaded, paths fitted to the memory
/// budget, the theme as `NO_COLOR` leaves it.
pub fn settings(common: &Common, theme: ThemeName, tab: Tab) -> Result<Settings> {
    if common.scenarios.iter().any(|s| s == crate::scenario::STDIN) {
        return Err(crate::error::InputError::new(
            "-s -",
            "",
            "the view reads its keys from the terminal, not a scenario from standard input; \
             save the scenario to a file and give its path",
        )
        .into());
    }
    let (mut scenarios, named, loaded) = load_scenarios(common)?;
    // A file that keeps a built-in's id is labelled with its own name, so the list and the
    // Compare tab never show two of one name.
    let renamed = crate::scenario::distinct_ids(&mut scenarios);
    let (common, fell_back) = fit_default_paths(common, &scenarios);
    check_view_memory(&common, &scenarios)?;
    let (bytes, source) = common.memory_budget();
    let notice = fell_back
        .then(|| {
            format!(
                "{} paths: the most that fit the memory budget (+ for more needs --max-memory)",
                crate::format::thousands(common.paths as f64, 0)
            )
        })
        .into_iter()
        .chain(
            renamed
                .iter()
                .map(|n| n.trim_start_matches("note: ").to_string()),
        )
        .reduce(|a, b| format!("{a}; {b}"));
    Ok(Settings {
        scenarios,
        named,
        run: common.settings(),
        threads: common.threads.map(usize::from),
        theme: Theme::from_env(theme),
        tab,
        notice,
        output_dir: tui::export::output_dir(),
        loaded,
        memory: Some(tui::MemoryBudget { bytes, source }),
    })
}

/// Every built-in scenario plus any named on the command line; which were named; and the text
/// of each scenario file, as read.
pub fn load_scenarios(common: &Common) -> Result<(Vec<Scenario>, Vec<usize>, Vec<Loaded>)> {
    let overrides = common.overrides()?;
    // Flags like --target apply to every scenario; a --set path may exist only in the named ones.
    let mut flags_only = common.clone();
    flags_only.set.clear();
    let flag_overrides = flags_only.overrides()?;
    let mut out = Vec::new();
    for (id, _) in BUILTIN {
        let named = common.scenarios.iter().any(|s| s == id);
        let s = match load_with_overrides(id, &overrides) {
            Ok(s) => s,
            Err(e) if named => return Err(e.into()),
            Err(_) => load_with_overrides(id, &flag_overrides)?,
        };
        out.push(s);
    }
    let mut named = Vec::new();
    let mut loaded = Vec::new();
    for spec in &common.scenarios {
        let index = match BUILTIN.iter().position(|(id, _)| id == spec) {
            Some(i) => i,
            None => {
                let (text, scenario) = load_text_and_scenario(spec, &overrides)?;
                if let Some(file) = &scenario.provenance.file {
                    loaded.push(Loaded::new(file.into(), text));
                }
                out.push(scenario);
                out.len() - 1
            }
        };
        if !named.contains(&index) {
            named.push(index);
        }
    }
    Ok((out, named, loaded))
}

/// Refuses a path count whose runs would not fit the memory budget in the view.
fn check_view_memory(
    common: &Common,
    scenarios: &[Scenario],
) -> Result<(), crate::error::InputError> {
    let what = format!("the view's {} scenario(s)", scenarios.len());
    common.check_memory_per_path(tui::bytes_per_path(scenarios.iter()), &what)
}

/// The view keeps 9 bytes a path of every scenario's latest run, and needs room to make the
/// largest run and the Drivers tab's analysis of it (see [`tui::bytes_per_path`]). Where that
/// does not fit the memory budget, the default steps down to the largest of `+`/`-`'s path
/// counts that fits (an explicit other `-n` is left to the check).
fn fit_default_paths(common: &Common, scenarios: &[Scenario]) -> (Common, bool) {
    let mut c = common.clone();
    if c.paths != TUI_DEFAULT_PATHS || check_view_memory(&c, scenarios).is_ok() {
        return (c, false);
    }
    for &paths in tui::update::PATH_STEPS.iter().rev() {
        c.paths = paths;
        if check_view_memory(&c, scenarios).is_ok() {
            return (c, true);
        }
    }
    (common.clone(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_defaults_to_a_million_paths_and_steps_down_to_fit_memory() {
        let args = default_args();
        assert_eq!(args.common.paths, TUI_DEFAULT_PATHS);
        let (scenarios, _, _) = load_scenarios(&args.common).unwrap();
        let mut common = args.common.clone();
        common.max_memory = Some(1 << 40);
        let (fit, fell_back) = fit_default_paths(&common, &scenarios);
        assert_eq!((fit.paths, fell_back), (1_000_000, false));
        common.max_memory = Some(300 << 20);
        let (fit, fell_back) = fit_default_paths(&common, &scenarios);
        assert!(fell_back && fit.paths < 1_000_000, "{}", fit.paths);
        assert!(tui::update::PATH_STEPS.contains(&fit.paths));
        assert!(check_view_memory(&fit, &scenarios).is_ok());
        // An explicit other count is left alone (and to the memory check).
        common.paths = 2_000_000;
        assert_eq!(fit_default_paths(&common, &scenarios).0.paths, 2_000_000);
    }

    #[test]
    fn settings_carry_the_command_line_into_the_view() {
        let mut args = default_args();
        args.common.scenarios = vec!["maturing".into(), "kosa".into(), "maturing".into()];
        args.common.seed = 7;
        args.common.threads = Some(3);
        args.common.max_memory = Some(1 << 40);
        args.common.set = vec!["growth.volatility=0.1".into()];
        let s = settings(&args.common, ThemeName::Light, Tab::Compare).unwrap();
        let ids: Vec<&str> = s
            .named
            .iter()
            .map(|&i| s.scenarios[i].scenario.id.as_str())
            .collect();
        assert_eq!(ids, ["maturing", "kosa"], "named once each, in order");
        assert_eq!(
            s.scenarios.len(),
            BUILTIN.len(),
            "built-ins are not added twice"
        );
        assert_eq!((s.run.seed, s.run.paths), (7, TUI_DEFAULT_PATHS));
        assert_eq!(s.threads, Some(3));
        assert_eq!(
            (s.theme.name, s.tab, s.notice),
            (ThemeName::Light, Tab::Compare, None)
        );
        assert_eq!(s.scenarios[s.named[0]].growth.volatility, 0.1);
    }
}
