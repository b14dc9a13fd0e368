//! `--set KEY=VALUE` overrides: a dotted path into the scenario, where events and outcomes are
//! named by id (`events.osa.firm.probability`) or by index (`events.0.outcomes.1.probability`).

use std::str::FromStr;

use std::collections::BTreeMap;

use super::Scenario;
use super::uncertain::Uncertain;
use crate::error::InputError;

#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub key: String,
    pub value: String,
    /// As typed, for error messages.
    pub raw: String,
    /// Where it came from, for error messages: `--set KEY=VALUE` or a flag such as `--target 1e19`.
    pub origin: String,
}

impl FromStr for Override {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, InputError> {
        let Some((key, value)) = s.split_once('=') else {
            return Err(InputError::new(
                format!("--set {s}"),
                "",
                "expected KEY=VALUE, e.g. growth.volatility=0.12",
            ));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(InputError::new(
                format!("--set {s}"),
                "",
                "the key before '=' is empty",
            ));
        }
        Ok(Override {
            key: key.to_string(),
            value: value.trim().to_string(),
            raw: s.to_string(),
            origin: format!("--set {s}"),
        })
    }
}

impl Override {
    pub fn new(key: &str, value: impl ToString) -> Self {
        let value = value.to_string();
        Override {
            raw: format!("{key}={value}"),
            origin: format!("--set {key}={value}"),
            key: key.to_string(),
            value,
        }
    }

    /// An override set by a dedicated flag (`--target 1e19`), which errors name.
    pub fn from_flag(flag: &str, key: &str, value: impl ToString) -> Self {
        let mut o = Override::new(key, value);
        o.origin = format!("{flag} {}", o.value);
        o
    }

    fn error(&self, field: &str, msg: impl Into<String>) -> InputError {
        InputError::new(&self.origin, field, msg).with_value(self.value.clone())
    }

    /// The value as TOML (number, bool, array, inline table), or else as a plain string.
    fn toml_value(&self) -> toml::Value {
        toml::from_str::<toml::Table>(&format!("v = {}", self.value))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(self.value.clone()))
    }
}

/// Apply overrides to a parsed TOML table and deserialize the result. Returns the scenario and,
/// for each override, the canonical field path it set (`events[0].outcomes[1].probability`).
///
/// `uncertain` holds the file's distributions by key: a number set on one of those keys fixes
/// the input (its distribution goes), and a distribution set by an override joins them.
pub fn apply_overrides(
    mut table: toml::Table,
    overrides: &[Override],
    uncertain: &mut BTreeMap<String, Uncertain>,
) -> Result<(Scenario, Vec<(String, Override)>), InputError> {
    let before = outcome_probabilities(&table);
    let mut applied = Vec::new();
    let mut fixed: Vec<String> = Vec::new();
    for ov in overrides {
        let path = set_path(&mut table, ov)?;
        let key = super::uncertain::key_of_path(&table, &path);
        let replaced = super::uncertain::replaced_by_setting(&key);
        if uncertain.remove(replaced).is_some() {
            fixed.push(replaced.to_string());
        }
        applied.push((path, ov.clone()));
    }
    let set =
        super::uncertain::take_distributions(&mut table).map_err(|(field, p)| {
            match applied.iter().rev().find(|(path, _)| *path == field) {
                Some((_, ov)) => ov.error(&field, p),
                None => InputError::new("--set", &field, p),
            }
        })?;
    uncertain.extend(set);
    let mut scenario: Scenario = toml::Value::Table(table)
        .try_into::<Scenario>()
        .map_err(|e| {
            let msg = super::load::plain_types(e.message().trim());
            match overrides.last() {
                Some(ov) if overrides.len() == 1 => ov.error(&ov.key, msg),
                _ => InputError::new(
                    format!(
                        "--set {}",
                        overrides
                            .iter()
                            .map(|o| o.raw.as_str())
                            .collect::<Vec<_>>()
                            .join(" --set ")
                    ),
                    "",
                    msg,
                ),
            }
        })?;
    give_way_to_set_probabilities(&mut scenario, &before, &applied);
    // A fixed input has no draws to correlate: a correlation naming an input an override fixed
    // goes with its distribution (one set back as a distribution keeps it).
    fixed.retain(|k| !uncertain.contains_key(k));
    scenario
        .correlations
        .retain(|c| !c.between.iter().any(|k| fixed.contains(k)));
    Ok((scenario, applied))
}

/// Each event's outcome probabilities as the table holds them.
fn outcome_probabilities(table: &toml::Table) -> Vec<Vec<f64>> {
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    let Some(events) = table.get("events").and_then(toml::Value::as_array) else {
        return Vec::new();
    };
    events
        .iter()
        .map(|ev| {
            ev.get("outcomes")
                .and_then(toml::Value::as_array)
                .map(|outs| {
                    outs.iter()
                        .map(|o| o.get("probability").and_then(number).unwrap_or(0.0))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

/// `(event, outcome)` of a canonical path `events[e].outcomes[o].probability`.
fn probability_path(path: &str) -> Option<(usize, usize)> {
    let rest = path.strip_prefix("events[")?;
    let (e, rest) = rest.split_once("].outcomes[")?;
    let o = rest.strip_suffix("].probability")?;
    Some((e.parse().ok()?, o.parse().ok()?))
}

/// Applies the probability rule of [`super::parameters`] to the outcomes whose probability an
/// override set: the event's other outcomes give way, and those set are held.
fn give_way_to_set_probabilities(
    scenario: &mut Scenario,
    before: &[Vec<f64>],
    applied: &[(String, Override)],
) {
    let mut held: Vec<(usize, Vec<usize>)> = Vec::new();
    for (e, o) in applied
        .iter()
        .filter_map(|(path, _)| probability_path(path))
    {
        match held.iter_mut().find(|(ev, _)| *ev == e) {
            Some((_, outcomes)) => outcomes.push(o),
            None => held.push((e, vec![o])),
        }
    }
    for (e, outcomes) in held {
        // An override that replaced a whole event or its outcomes leaves nothing to compare.
        if let (Some(ev), Some(before)) = (scenario.events.get_mut(e), before.get(e))
            && ev.outcomes.len() == before.len()
        {
            super::parameters::give_way(ev, before, &outcomes);
        }
    }
}

/// `--latest YEAR=REVENUE` as an override: a newly published figure.
pub const LATEST: &str = "market.latest";

/// A new published figure `[year, revenue]`: it joins the history (replacing any figure for
/// that year or later) and becomes the start, so the paths grow from it. The start revenue's
/// path is returned, so an uncertain start revenue is replaced as a `--set` of it would be.
fn set_latest(table: &mut toml::Table, ov: &Override) -> Result<String, InputError> {
    let fail = |msg: &str| ov.error(LATEST, msg.to_string());
    let (year, revenue) = match ov.toml_value() {
        toml::Value::Array(a) if a.len() == 2 => match (a[0].as_integer(), a[1].as_float()) {
            (Some(y), Some(r)) => (y, r),
            (Some(y), None) => match a[1].as_integer() {
                Some(r) => (y, r as f64),
                None => return Err(fail("expected YEAR=REVENUE, e.g. 2025=780")),
            },
            _ => return Err(fail("expected YEAR=REVENUE, e.g. 2025=780")),
        },
        _ => return Err(fail("expected YEAR=REVENUE, e.g. 2025=780")),
    };
    let market = table
        .get_mut("market")
        .and_then(toml::Value::as_table_mut)
        .ok_or_else(|| fail("the scenario has no [market] table"))?;
    let start = market
        .get("start_year")
        .and_then(toml::Value::as_integer)
        .unwrap_or(i64::MIN);
    if year < start {
        return Err(fail(&format!(
            "{year} is before the scenario's start year {start}: --latest moves the start to a \
             newer published figure"
        )));
    }
    let mut history: Vec<toml::Value> = market
        .get("history")
        .and_then(toml::Value::as_array)
        .cloned()
        .unwrap_or_default();
    history.retain(|h| {
        h.as_array()
            .and_then(|p| p.first())
            .and_then(toml::Value::as_integer)
            .is_some_and(|y| y < year)
    });
    history.push(toml::Value::Array(vec![
        toml::Value::Integer(year),
        toml::Value::Float(revenue),
    ]));
    market.insert("history".into(), toml::Value::Array(history));
    market.insert("start_year".into(), toml::Value::Integer(year));
    market.insert("start_revenue".into(), toml::Value::Float(revenue));
    Ok("market.start_revenue".to_string())
}

fn set_path(table: &mut toml::Table, ov: &Override) -> Result<String, InputError> {
    if ov.key == LATEST {
        return set_latest(table, ov);
    }
    let parts: Vec<&str> = ov.key.split('.').collect();
    let mut canonical = String::new();
    let mut node: &mut toml::Table = table;
    let mut i = 0;
    while i < parts.len() {
        let part = parts[i];
        let last = i + 1 == parts.len();
        if !canonical.is_empty() {
            canonical.push('.');
        }
        canonical.push_str(part);
        if last {
            node.insert(part.to_string(), ov.toml_value());
            return Ok(canonical);
        }
        // `events.osa.firm.probability`: an outcome id directly after an event stands
        // for `outcomes.firm`; step back so the id is read as the element selector.
        let implicit_outcomes =
            !node.contains_key(part) && node.get("outcomes").is_some_and(toml::Value::is_array);
        let key = if implicit_outcomes {
            canonical.truncate(canonical.len() - part.len());
            canonical.push_str("outcomes");
            i -= 1;
            "outcomes"
        } else {
            part
        };
        if !node.contains_key(key) {
            let message = format!("no field `{part}` at `{canonical}`");
            let keys: Vec<&str> = node.keys().map(String::as_str).collect();
            return Err(ov.error(&ov.key, crate::error::with_suggestion(message, part, keys)));
        }
        let entry = node.get_mut(key).expect("checked above");
        node = match entry {
            toml::Value::Table(t) => t,
            toml::Value::Array(items) => {
                // Next part names an element by id or index.
                i += 1;
                let sel = parts[i];
                let idx = items
                    .iter()
                    .position(|it| it.get("id").and_then(|v| v.as_str()) == Some(sel))
                    .or_else(|| sel.parse::<usize>().ok().filter(|&n| n < items.len()))
                    .ok_or_else(|| {
                        let ids: Vec<String> = items
                            .iter()
                            .filter_map(|it| {
                                it.get("id").and_then(|v| v.as_str()).map(str::to_string)
                            })
                            .collect();
                        let message = format!(
                            "`{canonical}` has no element `{sel}`; ids are: {}",
                            ids.join(", ")
                        );
                        let suggestion = crate::error::with_suggestion(
                            message,
                            sel,
                            ids.iter().map(String::as_str),
                        );
                        ov.error(&ov.key, suggestion)
                    })?;
                canonical.push_str(&format!("[{idx}]"));
                if i + 1 == parts.len() {
                    return Err(ov.error(
                        &ov.key,
                        "the key names a whole element; add a field, e.g. `.probability`",
                    ));
                }
                match &mut items[idx] {
                    toml::Value::Table(t) => t,
                    _ => return Err(ov.error(&ov.key, format!("`{canonical}` is not a table"))),
                }
            }
            _ => return Err(ov.error(&ov.key, format!("`{canonical}` is a value, not a table"))),
        };
        i += 1;
    }
    Ok(canonical)
}
