//! `safetech run`.

use std::io::Write;

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
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            if let Err(e) = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
            {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e.into());
                }
            }
        }
    }
    Ok(())
}
