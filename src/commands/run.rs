//! `safetech run`.

use anyhow::Result;

use crate::cli::RunArgs;
use crate::output::write_atomic;
use crate::stats::RunSummary;

pub fn run(args: &RunArgs) -> Result<()> {
    let scenarios = args.common.load_scenarios()?;
    let projections = super::simulate_all(&args.common, &scenarios)?;
    let summaries: Vec<RunSummary> = projections.iter().map(RunSummary::of).collect();
    let text = args.format.reporter().render(&summaries);
    match &args.out {
        Some(path) => {
            write_atomic(path, text.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
        None => super::print_quietly(&text)?,
    }
    Ok(())
}
