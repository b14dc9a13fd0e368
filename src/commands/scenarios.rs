//! `safetech scenarios list|show|validate`.

use std::path::Path;

use anyhow::Result;

use super::print_quietly;
use crate::cli::ScenariosCommand;
use crate::error::InputError;
use crate::scenario::{BUILTIN, ScenarioSource, load, parse_str, read_scenario_file};

pub fn run(cmd: &ScenariosCommand) -> Result<()> {
    match cmd {
        ScenariosCommand::List => {
            let width = BUILTIN.iter().map(|(id, _)| id.len()).max().unwrap_or(8);
            for (id, _) in BUILTIN {
                let s = load(id)?;
                print_quietly(&format!(
                    "{id:<width$}  {}  (target {} by {}, horizon {})\n",
                    s.scenario.name,
                    crate::format::money(s.target.revenue),
                    s.target.year,
                    s.market.horizon
                ))?;
            }
            Ok(())
        }
        ScenariosCommand::Show { id } => {
            ScenarioSource::resolve(id).map_err(|mut e| {
                e.origin = "scenarios show".into();
                e
            })?;
            let text = crate::scenario::inherit::resolved_text(id)?;
            print_quietly(&text)?;
            if !text.ends_with('\n') {
                print_quietly("\n")?;
            }
            Ok(())
        }
        ScenariosCommand::Validate { files } => {
            let mut invalid = 0;
            for f in files {
                match validate_file(f) {
                    Ok(id) => print_quietly(&format!("ok: {} ({id})\n", f.display()))?,
                    Err(e) => {
                        eprintln!("error: {e}");
                        invalid += 1;
                    }
                }
            }
            if invalid > 0 {
                let msg = match files.len() {
                    1 => "the scenario is invalid".to_string(),
                    n => format!("{invalid} of {n} scenarios are invalid"),
                };
                return Err(InputError::new("scenarios validate", "", msg).into());
            }
            Ok(())
        }
    }
}

/// A file, or a built-in id as `show` accepts it (a file of that name wins).
fn validate_file(path: &Path) -> Result<String, InputError> {
    if !path.exists()
        && let Some((id, text)) = BUILTIN.iter().find(|(id, _)| Path::new(id) == path)
    {
        let origin = ScenarioSource::Builtin(id).origin();
        return parse_str(text, &origin).map(|s| s.scenario.id);
    }
    let origin = ScenarioSource::File(path.to_path_buf()).origin();
    let text = read_scenario_file(path)?;
    parse_str(&text, &origin).map(|s| s.scenario.id)
}
