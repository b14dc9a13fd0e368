//! `extends` and `[given]`: a scenario stated as the changes it makes to another, and an event's
//! outcome taken as given.
//!
//! A child's tables are merged into its parent's resolved table before anything else reads
//! them, so every later step (distributions, `--set`, validation, the view's edits) sees one
//! whole scenario. The rules, documented in `docs/scenario-format.md`:
//! - `[scenario]`: the child's keys replace the parent's; `sources` are the parent's followed by
//!   the child's new ones; a child must name itself (`id`, `name`).
//! - `[market]`, `[target]`, `[growth]`, `[ranges]`: key by key; a value (a number or a whole
//!   distribution) replaces the parent's.
//! - `[[events]]`: by `id`. A child's event with a parent's id changes only the keys it states,
//!   and its `outcomes` merge by outcome `id` the same way; a new id is added.
//! - `[[correlations]]`: the parent's, less those naming an input the child fixed, then the
//!   child's (a pair the child names again is the child's).
//! - `[given]`: `event = "outcome"`, `event = ["a", "b"]` or `event = "none"` conditions on it:
//!   the named outcomes keep their odds relative to each other, scaled to sum to 1; the rest
//!   (and "nothing happens") get 0.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::load::ScenarioSource;
use super::source_map::SourceMap;
use super::{BUILTIN, builtin_source};
use crate::error::{InputError, with_suggestion};

/// How many scenarios one may stand on, parent of parent included: real chains are one or two
/// long, and a bound keeps a mistaken chain from running on.
pub const MAX_DEPTH: usize = 8;

/// Where a scenario's text came from, so that `extends = "file.toml"` is read beside it.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// The directory a relative `extends` path is read from; None for a built-in, which may
    /// extend only built-ins.
    pub dir: Option<PathBuf>,
    pub builtin: bool,
}

impl Place {
    /// Where a source's own `extends` is read from.
    pub fn of(source: &ScenarioSource) -> Place {
        match source {
            ScenarioSource::Builtin(_) => Place {
                dir: None,
                builtin: true,
            },
            ScenarioSource::File(p) => Place {
                dir: p.parent().map(Path::to_path_buf),
                builtin: false,
            },
        }
    }
}

/// The table of a scenario with `extends` and `[given]` resolved; `chain` holds the sources
/// already being resolved (a cycle check). Returns the table and the ids of its ancestors,
/// nearest first.
pub fn resolve(
    mut table: Table,
    origin: &str,
    text: &str,
    place: &Place,
    chain: &mut Vec<String>,
) -> Result<(Table, Vec<String>), InputError> {
    let map = SourceMap::new(text);
    let fail =
        |field: &str, msg: String| InputError::new(origin, field, msg).at(map.position_of(field));
    let extends = table.remove("extends");
    let given = table.remove("given");
    let mut ancestors = Vec::new();
    let mut fixed: Vec<String> = Vec::new();
    if let Some(extends) = extends {
        let Value::String(spec) = extends else {
            return Err(fail(
                "extends",
                "expected the id of a built-in scenario or a path to a scenario file, e.g. \
                 extends = \"central\""
                    .into(),
            ));
        };
        // A path is echoed in errors and in what `scenarios show` writes: no control
        // characters, as in any other text of a scenario.
        if let Some(why) = crate::text::refusal(&spec, crate::text::Allow::Line) {
            return Err(fail("extends", why).with_value(crate::text::quoted_excerpt(&spec)));
        }
        let (source, parent_place) = locate(&spec, place).map_err(|m| fail("extends", m))?;
        let name = source_name(&source);
        if chain.contains(&name) {
            let mut cycle = chain.clone();
            cycle.push(name);
            return Err(fail(
                "extends",
                format!(
                    "scenarios extend each other in a cycle: {}",
                    cycle.join(" → ")
                ),
            )
            .with_value(spec));
        }
        if chain.len() >= MAX_DEPTH {
            return Err(fail(
                "extends",
                format!(
                    "more than {MAX_DEPTH} scenarios extend one another; at most {MAX_DEPTH} may"
                ),
            ));
        }
        let parent_text = source.read()?;
        let parent_origin = source.origin();
        let parent_table: Table = toml::from_str(&parent_text).map_err(|e| {
            InputError::new(
                &parent_origin,
                "",
                format!("{} (read as the parent of {origin})", e.message().trim()),
            )
        })?;
        chain.push(name);
        let (parent, mut grand) = resolve(
            parent_table,
            &parent_origin,
            &parent_text,
            &parent_place,
            chain,
        )?;
        chain.pop();
        for key in ["id", "name"] {
            let named = table
                .get("scenario")
                .and_then(Value::as_table)
                .is_some_and(|s| s.contains_key(key));
            if !named {
                return Err(fail(
                    "scenario",
                    format!(
                        "a scenario that extends another needs its own [scenario] {key}, so that \
                         its results are never taken for the parent's"
                    ),
                ));
            }
        }
        if let Some(parent_id) = parent
            .get("scenario")
            .and_then(|s| s.get("id"))
            .and_then(Value::as_str)
        {
            ancestors.push(parent_id.to_string());
        }
        ancestors.append(&mut grand);
        table = merge(parent, table, &mut fixed);
    }
    if let Some(given) = given {
        let Value::Table(given) = given else {
            return Err(fail(
                "given",
                "expected a table of event ids, e.g. [given] osa = \"firm\"".into(),
            ));
        };
        apply_given(&mut table, &given, &mut fixed).map_err(|(field, m)| fail(&field, m))?;
    }
    if !fixed.is_empty()
        && let Some(Value::Array(correlations)) = table.get_mut("correlations")
    {
        correlations.retain(|c| !names_any(c, &fixed));
    }
    Ok((table, ancestors))
}

/// The source `extends` names, and where its own `extends` is read from.
fn locate(spec: &str, place: &Place) -> Result<(ScenarioSource, Place), String> {
    let names: Vec<&str> = BUILTIN.iter().map(|(id, _)| *id).collect();
    let builtin = BUILTIN
        .iter()
        .find(|(id, _)| *id == spec)
        .map(|(id, _)| *id);
    // A built-in id is the built-in (ids never look like paths); inside a built-in, only
    // built-ins may be named.
    let looks_like_path = spec.contains(['/', '\\']) || spec.ends_with(".toml");
    match builtin {
        Some(id) if place.builtin || !looks_like_path => {
            let source = ScenarioSource::Builtin(id);
            let inside = Place::of(&source);
            return Ok((source, inside));
        }
        None if place.builtin => {
            return Err(with_suggestion(
                format!(
                    "a built-in scenario extends only built-ins ({}), not \"{spec}\"",
                    names.join(", ")
                ),
                spec,
                names.iter().copied(),
            ));
        }
        _ => {}
    }
    let path = match &place.dir {
        Some(dir) if Path::new(spec).is_relative() => dir.join(spec),
        _ => PathBuf::from(spec),
    };
    if !looks_like_path && !path.is_file() {
        return Err(with_suggestion(
            format!(
                "no built-in scenario or file named \"{spec}\" to extend; built-in scenarios \
                 are: {}",
                names.join(", ")
            ),
            spec,
            names.iter().copied(),
        ));
    }
    // Only a regular file: a FIFO would block the read and a device would never end.
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => {
            return Err(format!(
                "\"{spec}\" is not a regular file; extends names a scenario file"
            ));
        }
        Err(e) => return Err(format!("cannot read \"{spec}\" to extend it: {e}")),
    }
    let source = ScenarioSource::File(path);
    let beside = Place::of(&source);
    Ok((source, beside))
}

/// A name for the cycle check: a built-in's id, or a file's canonical path.
fn source_name(source: &ScenarioSource) -> String {
    match source {
        ScenarioSource::Builtin(id) => (*id).to_string(),
        ScenarioSource::File(p) => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
    }
}

/// The child's tables merged into the parent's (the rules at the top of this file). `fixed`
/// collects the keys of parent distributions the child replaced by numbers.
fn merge(mut parent: Table, child: Table, fixed: &mut Vec<String>) -> Table {
    for (key, value) in child {
        match (key.as_str(), parent.remove(&key), value) {
            ("scenario", Some(Value::Table(mut p)), Value::Table(c)) => {
                // The parent's description describes the parent, not this scenario.
                p.remove("description");
                for (k, v) in c {
                    match (k.as_str(), p.get_mut("sources"), v) {
                        ("sources", Some(Value::Array(old)), Value::Array(new)) => {
                            for s in new {
                                if !old.contains(&s) {
                                    old.push(s);
                                }
                            }
                        }
                        (_, _, v) => {
                            p.insert(k, v);
                        }
                    }
                }
                parent.insert(key, Value::Table(p));
            }
            ("events", Some(Value::Array(p)), Value::Array(c)) => {
                parent.insert(key, Value::Array(merge_events(p, c, fixed)));
            }
            ("correlations", Some(Value::Array(mut p)), Value::Array(c)) => {
                p.retain(|old| !c.iter().any(|new| same_pair(old, new)));
                p.extend(c);
                parent.insert(key, Value::Array(p));
            }
            (section, Some(Value::Table(mut p)), Value::Table(c)) => {
                for (k, v) in c {
                    if is_distribution(p.get(&k)) && !is_distribution(Some(&v)) {
                        fixed.push(format!("{section}.{k}"));
                    }
                    p.insert(k, v);
                }
                parent.insert(key, Value::Table(p));
            }
            (_, _, v) => {
                parent.insert(key, v);
            }
        }
    }
    parent
}

fn merge_events(mut parent: Vec<Value>, child: Vec<Value>, fixed: &mut Vec<String>) -> Vec<Value> {
    for c in child {
        let id = id_of(&c).map(str::to_string);
        let at = id
            .as_deref()
            .and_then(|id| parent.iter().position(|p| id_of(p) == Some(id)));
        let (Some(at), Value::Table(c), Some(event)) = (at, c.clone(), id) else {
            parent.push(c);
            continue;
        };
        let Value::Table(p) = &mut parent[at] else {
            continue;
        };
        for (k, v) in c {
            // A start year and a window are alternatives: stating one drops the other.
            match k.as_str() {
                "year" => drop(p.remove("window")),
                "window" => drop(p.remove("year")),
                _ => {}
            }
            match (k.as_str(), p.get_mut("outcomes"), v) {
                ("outcomes", Some(Value::Array(old)), Value::Array(new)) => {
                    for o in new {
                        let at = id_of(&o)
                            .and_then(|oid| old.iter().position(|x| id_of(x) == Some(oid)));
                        match (at, o) {
                            (Some(i), Value::Table(o)) => {
                                let outcome = id_of(&old[i]).unwrap_or_default().to_string();
                                if let Value::Table(x) = &mut old[i] {
                                    for (ok, ov) in o {
                                        if is_distribution(x.get(&ok))
                                            && !is_distribution(Some(&ov))
                                        {
                                            fixed.push(format!("events.{event}.{outcome}.{ok}"));
                                        }
                                        x.insert(ok, ov);
                                    }
                                }
                            }
                            (_, o) => old.push(o),
                        }
                    }
                }
                (_, _, v) => {
                    p.insert(k, v);
                }
            }
        }
    }
    parent
}

/// Conditions events on outcomes (`[given]`).
fn apply_given(
    table: &mut Table,
    given: &Table,
    fixed: &mut Vec<String>,
) -> Result<(), (String, String)> {
    let events = match table.get_mut("events") {
        Some(Value::Array(events)) => events,
        _ => {
            let first = given.keys().next().cloned().unwrap_or_default();
            return Err((
                format!("given.{first}"),
                "the scenario has no events to condition on".into(),
            ));
        }
    };
    let ids: Vec<String> = events
        .iter()
        .filter_map(id_of)
        .map(str::to_string)
        .collect();
    for (event, wanted) in given {
        let field = format!("given.{event}");
        let Some(ev) = events.iter_mut().find(|e| id_of(e) == Some(event.as_str())) else {
            return Err((
                field,
                with_suggestion(
                    format!("no event \"{event}\"; its events are: {}", ids.join(", ")),
                    event,
                    ids.iter().map(String::as_str),
                ),
            ));
        };
        let wanted: Vec<String> = match wanted {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_str) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => {
                return Err((
                    field,
                    "expected an outcome id, a list of them, or \"none\" (nothing happens)".into(),
                ));
            }
        };
        let Some(Value::Array(outcomes)) = ev.get_mut("outcomes") else {
            return Err((field, format!("event \"{event}\" has no outcomes")));
        };
        let names: Vec<String> = outcomes
            .iter()
            .filter_map(id_of)
            .map(str::to_string)
            .collect();
        let none = wanted.len() == 1 && wanted[0] == "none";
        if !none {
            for w in &wanted {
                if !names.contains(w) {
                    return Err((
                        field,
                        with_suggestion(
                            format!(
                                "event \"{event}\" has no outcome \"{w}\"; its outcomes are: {}, \
                                 or \"none\"",
                                names.join(", ")
                            ),
                            w,
                            names.iter().map(String::as_str),
                        ),
                    ));
                }
            }
        }
        // The written odds (a distribution's median) of the outcomes taken as given.
        let odds = |o: &Value| -> f64 {
            match o.get("probability") {
                Some(v) if is_distribution(Some(v)) => v
                    .as_table()
                    .and_then(|t| super::uncertain::Uncertain::new(t, (0.0, 1.0)).ok())
                    .map_or(0.0, |u| u.median()),
                Some(v) => v
                    .as_float()
                    .or(v.as_integer().map(|i| i as f64))
                    .unwrap_or(0.0),
                None => 0.0,
            }
        };
        let total: f64 = outcomes
            .iter()
            .filter(|o| id_of(o).is_some_and(|id| wanted.iter().any(|w| w == id)))
            .map(odds)
            .sum();
        if !none && wanted.len() > 1 && total <= 0.0 {
            return Err((
                field,
                format!(
                    "the outcomes given ({}) all have probability 0",
                    wanted.join(", ")
                ),
            ));
        }
        for o in outcomes.iter_mut() {
            let oid = id_of(o).unwrap_or_default().to_string();
            let p = if none || !wanted.contains(&oid) {
                0.0
            } else if wanted.len() == 1 {
                1.0
            } else {
                odds(o) / total
            };
            if let Value::Table(t) = o {
                t.insert("probability".into(), Value::Float(p));
            }
            fixed.push(format!("events.{event}.{oid}.probability"));
        }
    }
    Ok(())
}

fn id_of(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

fn is_distribution(v: Option<&Value>) -> bool {
    v.and_then(Value::as_table)
        .is_some_and(|t| t.contains_key("dist"))
}

fn pair_of(c: &Value) -> Vec<&str> {
    let mut pair: Vec<&str> = c
        .get("between")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    pair.sort_unstable();
    pair
}

fn same_pair(a: &Value, b: &Value) -> bool {
    let (a, b) = (pair_of(a), pair_of(b));
    !a.is_empty() && a == b
}

fn names_any(c: &Value, keys: &[String]) -> bool {
    pair_of(c).iter().any(|k| keys.iter().any(|f| f == k))
}

/// A scenario file's or built-in's text with its ancestors' ids, for `scenarios show`: the
/// resolved scenario written into its root ancestor's text, so the comments that say where each
/// inherited number comes from stay beside it.
pub fn resolved_text(spec: &str) -> Result<String, InputError> {
    let (text, scenario) = super::load::load_text_and_scenario(spec, &[])?;
    if scenario.provenance.extends.is_empty() {
        return Ok(text);
    }
    let body = super::edit_source(&root_text(&scenario, text.clone()), &scenario).unwrap_or(text);
    Ok(format!(
        "# {} resolved: it extends {}; values below are theirs with its changes applied.\n{body}",
        scenario.scenario.id,
        scenario.provenance.extends.join(", which extends ")
    ))
}

/// The text an edited scenario is written into: its own, or, when it extends others, its root
/// ancestor's when that is a built-in (whose comments explain the inherited numbers).
pub fn root_text(scenario: &super::Scenario, own: String) -> String {
    match scenario.provenance.extends.last() {
        Some(root) => builtin_source(root).map_or(own, str::to_string),
        None => own,
    }
}
