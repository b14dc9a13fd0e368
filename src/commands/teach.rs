//! `safetech teach`: the walkthrough in the terminal, or with `--export-slides DIR` one PNG per
//! step for a slide deck.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::Options;
use crate::chart::{self, ChartOptions};
use crate::cli::TeachArgs;
use crate::lesson::{FUTURES, LADDER, Lesson, policy_pair, settings};
use crate::sim::{Projection, RunControl, simulate};
use crate::tui::theme::ThemeName;

pub fn run(args: &TeachArgs) -> Result<ExitCode> {
    // The walkthrough teaches on one scenario.
    super::refuse_a_second_scenario("teach", &args.common)?;
    match &args.export_slides {
        Some(dir) => export_slides(args, dir).map(|_| ExitCode::SUCCESS),
        None => super::tui::teach(args),
    }
}

fn export_slides(args: &TeachArgs, dir: &Path) -> Result<()> {
    // Checked before simulating, so a typo costs nothing.
    if dir.exists() && !dir.is_dir() {
        bail!(
            "cannot write slides into {}: it is not a directory",
            dir.display()
        );
    }
    let scenarios = args.common.load_scenarios()?;
    // A missing directory is made, once the inputs are known to be good.
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the slides directory {}", dir.display()))?;
    let scenario = &scenarios[0];
    let pair = policy_pair(scenario);
    let seed = args.common.seed;
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.common.threads {
        builder = builder.num_threads(n.into());
    }
    let pool = builder.build().context("cannot start worker threads")?;
    let run = |s: &crate::scenario::Scenario, paths: usize| -> Result<Projection> {
        pool.install(|| simulate(s, settings(paths, seed), RunControl::default()))
            .with_context(|| format!("simulating scenario {}", s.scenario.id))
    };
    let base = run(scenario, FUTURES)?;
    let small = run(scenario, LADDER[0])?;
    let large = run(scenario, LADDER[2])?;
    let variant = match &pair {
        Ok(p) => Some(run(p.other(scenario), FUTURES)?),
        Err(_) => None,
    };
    let lesson = Lesson {
        scenario,
        policy: pair.as_ref().ok(),
        base: Some(&base),
        ladder: [Some(&small), Some(&base), Some(&large)],
        variant: variant.as_ref(),
    };
    let options = ChartOptions {
        theme: chart_theme(args.theme),
        ..ChartOptions::default()
    };
    for path in chart::slides::export_all(dir, &lesson, &options, &super::inputs_of(&[scenario]))? {
        super::print_quietly(&format!("{}\n", path.display()))?;
    }
    Ok(())
}

pub fn chart_theme(t: ThemeName) -> chart::Theme {
    match t {
        ThemeName::Dark => chart::Theme::Dark,
        ThemeName::Light => chart::Theme::Light,
        ThemeName::Classroom => chart::Theme::Classroom,
    }
}
