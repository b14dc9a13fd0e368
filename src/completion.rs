//! Shell completion that asks the program itself, so it offers what this build knows: the
//! built-in scenario ids (with their names), scenario files, chart kinds and every other value
//! list, and the keys `--set` takes. A shell's registration script (from `safetech completions
//! SHELL`) calls `SAFETECH_COMPLETE=SHELL safetech -- WORDS…` at each Tab.
//!
//! This uses clap_complete's environment-activated engine (feature `unstable-dynamic`, the
//! mechanism cargo's own completions use): static scripts cannot offer both an id list and file
//! names for one option, and would go stale as scenarios are added.

use std::ffi::OsStr;
use std::path::Path;

use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};
use clap_complete::env::Shells;

use crate::scenario::parameters::all_params;
use crate::scenario::{BUILTIN, parse_str};

/// The environment variable that turns a run into a completion request.
pub const VAR: &str = "SAFETECH_COMPLETE";

/// Answers a completion request and exits when the environment holds one; otherwise returns.
/// Must run before anything is written to standard output.
pub fn answer_if_asked(command: fn() -> clap::Command) {
    clap_complete::CompleteEnv::with_factory(command)
        .var(VAR)
        .complete();
}

/// The registration script for `shell` (bash, zsh, fish, elvish, powershell).
pub fn registration(shell: clap_complete::Shell) -> std::io::Result<String> {
    let name = shell.to_string();
    let shells = Shells::builtins();
    let completer = shells
        .completer(&name)
        .ok_or_else(|| std::io::Error::other(format!("no completion support for {name}")))?;
    let mut script = Vec::new();
    completer.write_registration(VAR, "safetech", "safetech", "safetech", &mut script)?;
    Ok(String::from_utf8_lossy(&script).into_owned())
}

/// Built-in ids starting with `current`, each with its scenario's name as help.
fn builtin_ids(current: &str) -> Vec<CompletionCandidate> {
    BUILTIN
        .iter()
        .filter(|(id, _)| id.starts_with(current))
        .map(|(id, text)| {
            let name = parse_str(text, id)
                .map(|s| s.scenario.name)
                .unwrap_or_default();
            CompletionCandidate::new(*id).help(Some(name.into()))
        })
        .collect()
}

fn is_toml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

/// `-s/--scenario` and `scenarios show`: a built-in id or a scenario file.
pub fn scenario(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut out = builtin_ids(&current.to_string_lossy());
    out.extend(PathCompleter::any().filter(is_toml).complete(current));
    out
}

/// `scenarios validate`: files, and built-in ids (which it accepts too).
pub fn scenario_file(current: &OsStr) -> Vec<CompletionCandidate> {
    scenario(current)
}

/// The scenarios the command line being completed names with `-s`/`--scenario` (those that
/// load), else what the command uses without one: every built-in for the view, else `central`.
fn named_scenarios() -> Vec<crate::scenario::Scenario> {
    let words: Vec<String> = std::env::args().collect();
    let mut specs = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if let Some(v) = w.strip_prefix("--scenario=") {
            specs.push(v.to_string());
        } else if (w == "-s" || w == "--scenario")
            && let Some(v) = words.get(i + 1)
        {
            specs.push(v.clone());
        }
    }
    if specs.is_empty() {
        let view = words.iter().any(|w| w == "tui" || w == "teach")
            || !words
                .iter()
                .any(|w| w == "run" || w == "sensitivity" || w == "solve" || w == "export");
        specs = if view {
            BUILTIN.iter().map(|(id, _)| id.to_string()).collect()
        } else {
            vec!["central".to_string()]
        };
    }
    specs
        .iter()
        .filter_map(|spec| crate::scenario::load(spec).ok())
        .collect()
}

/// Every key `--set` takes in the named scenarios, with help where the parameter table has it.
fn keys_of_named(numeric_only: bool) -> Vec<(String, Option<String>)> {
    let mut keys: Vec<(String, Option<String>)> = Vec::new();
    for s in named_scenarios() {
        for p in all_params(&s) {
            let help = format!("{} ({})", p.label(&s), p.descriptor().describe_valid());
            keys.push((p.key(&s), Some(help)));
        }
        if !numeric_only && let Ok(table) = toml::from_str::<toml::Table>(&s.to_toml()) {
            let mut other = Vec::new();
            number_keys("", &table, &mut other);
            keys.extend(other.into_iter().map(|k| (k, None)));
        }
    }
    // Described keys first, so the dedup keeps their help.
    keys.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.is_some().cmp(&a.1.is_some())));
    keys.dedup_by(|a, b| a.0 == b.0);
    keys
}

/// `--set KEY=VALUE`: the keys of the scenarios named on the command line (see
/// [`named_scenarios`]), ending in `=`. The numeric parameters come from the scenario's table
/// of parameters, with their name and what they may be as help; the other numbers (years,
/// delays) from the scenario itself.
pub fn set_key(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    if current.contains('=') {
        return Vec::new();
    }
    keys_of_named(false)
        .into_iter()
        .filter(|(k, _)| k.starts_with(current.as_ref()))
        .map(|(k, help)| CompletionCandidate::new(format!("{k}=")).help(help.map(Into::into)))
        .collect()
}

/// `solve --param KEY`: the numeric parameters of the scenario named.
pub fn param(current: &OsStr) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    keys_of_named(true)
        .into_iter()
        .filter(|(k, _)| k.starts_with(current.as_ref()))
        .map(|(k, help)| CompletionCandidate::new(k).help(help.map(Into::into)))
        .collect()
}

/// Dotted paths of the numbers and switches in a scenario table, as `--set` spells them: events
/// and outcomes by id (`events.osa.firm.probability`).
fn number_keys(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                out.push(path)
            }
            // A distribution is set whole (`--set 'KEY={ dist = … }'`), not by its parts.
            toml::Value::Table(t) if t.contains_key("dist") => out.push(path),
            toml::Value::Table(t) => number_keys(&path, t, out),
            toml::Value::Array(items) => {
                // `outcomes` are named straight after their event's id.
                let base = if key == "outcomes" { prefix } else { &path };
                for item in items {
                    if let Some(t) = item.as_table()
                        && let Some(id) = t.get("id").and_then(toml::Value::as_str)
                    {
                        number_keys(&format!("{base}.{id}"), t, out);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(c: &[CompletionCandidate]) -> Vec<String> {
        c.iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn scenario_ids_are_offered_with_their_names() {
        let all = scenario(OsStr::new(""));
        for (id, _) in BUILTIN {
            assert!(values(&all).contains(&id.to_string()), "{id}");
        }
        let osa = scenario(OsStr::new("osa-"));
        assert_eq!(
            values(&osa)
                .into_iter()
                .filter(|v| v.starts_with("osa"))
                .collect::<Vec<_>>(),
            ["osa-enforced", "osa-delayed"]
        );
        assert!(osa[0].get_help().is_some_and(|h| !h.to_string().is_empty()));
    }

    #[test]
    fn set_keys_end_in_equals_and_include_growth_and_events() {
        let keys = values(&set_key(OsStr::new("")));
        assert!(keys.contains(&"growth.volatility=".to_string()), "{keys:?}");
        assert!(
            keys.iter().any(|k| k.starts_with("events.osa.")),
            "{keys:?}"
        );
        assert!(set_key(OsStr::new("growth.volatility=0.1")).is_empty());
    }

    #[test]
    fn every_parameter_of_every_builtin_is_offered_with_its_description() {
        let offered = set_key(OsStr::new(""));
        for (id, text) in BUILTIN {
            let s = parse_str(text, id).unwrap();
            for p in all_params(&s) {
                let want = format!("{}=", p.key(&s));
                let c = offered
                    .iter()
                    .find(|c| c.get_value().to_string_lossy() == want)
                    .unwrap_or_else(|| panic!("{want} not offered"));
                let help = c.get_help().map(ToString::to_string).unwrap_or_default();
                assert!(
                    help.contains(&p.descriptor().describe_valid()),
                    "{want}: {help}"
                );
            }
        }
    }
}
