//! `safetech scenarios list|show|validate`.

use std::path::Path;

use anyhow::Result;

use crate::cli::ScenariosCommand;
use crate::error::InputError;
use crate::scenario::{BUILTIN, ScenarioSource, load, parse_str};

pub fn run(cmd: &ScenariosCommand) -> Result<()> {
    match cmd {
        ScenariosCommand::List => {
            let width = BUILTIN.iter().map(|(id, _)| id.len()).max().unwrap_or(8);
            for (id, _) in BUILTIN {
                let s = load(id)?;
                println!(
                    "{id:<width$}  {}  (target {} by {}, horizon {})",
                    s.scenario.name,
                    crate::report::format::money(s.target.revenue),
                    s.target.year,
                    s.market.horizon
                );
            }
            Ok(())
        }
        ScenariosCommand::Show { id } => {
            let source = ScenarioSource::resolve(id)?;
            let text = source.read()?;
            parse_str(&text, &source.origin())?;
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Ok(())
        }
        ScenariosCommand::Validate { files } => {
            let mut invalid = 0;
            for f in files {
                match validate_file(f) {
                    Ok(id) => println!("ok: {} ({id})", f.display()),
                    Err(e) => {
                        eprintln!("error: {e}");
                        invalid += 1;
                    }
                }
            }
            if invalid > 0 {
                let msg = format!("{invalid} of {} scenario files are invalid", files.len());
                return Err(InputError::new("scenarios validate", "", msg).into());
            }
            Ok(())
        }
    }
}

fn validate_file(path: &Path) -> Result<String, InputError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(&origin, "", format!("cannot read scenario file: {e}")))?;
    parse_str(&text, &origin).map(|s| s.scenario.id)
}
