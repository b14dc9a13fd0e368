//! Loading a scenario from a built-in name or a path, with `--set` overrides, then validating it.

use std::path::{Path, PathBuf};

use super::inherit::{Place, resolve};
use super::overrides::{Override, apply_overrides};
use super::source_map::SourceMap;
use super::{BUILTIN, Scenario, builtin_source, validate};
use crate::error::InputError;

/// Where a scenario came from.
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioSource {
    Builtin(&'static str),
    File(PathBuf),
}

impl ScenarioSource {
    /// A built-in id, or a path (anything with a path separator or a `.toml` ending, `-` for
    /// standard input, or an existing file).
    pub fn resolve(spec: &str) -> Result<Self, InputError> {
        let looks_like_path = spec.contains(['/', '\\']) || spec.ends_with(".toml");
        if !looks_like_path && let Some((id, _)) = BUILTIN.iter().find(|(id, _)| *id == spec) {
            return Ok(ScenarioSource::Builtin(id));
        }
        if looks_like_path || spec == STDIN || Path::new(spec).is_file() {
            return Ok(ScenarioSource::File(PathBuf::from(spec)));
        }
        let names: Vec<&str> = BUILTIN.iter().map(|(id, _)| *id).collect();
        let message = format!(
            "no built-in scenario or file named \"{spec}\"; built-in scenarios are: {}",
            names.join(", ")
        );
        Err(InputError::new(
            "--scenario",
            "",
            crate::error::with_suggestion(message, spec, names.iter().copied()),
        ))
    }

    /// How errors name this source.
    pub fn origin(&self) -> String {
        match self {
            ScenarioSource::Builtin(id) => format!("scenarios/{id}.toml (built-in)"),
            ScenarioSource::File(p) => origin_of(p),
        }
    }

    pub fn read(&self) -> Result<String, InputError> {
        match self {
            ScenarioSource::Builtin(id) => Ok(builtin_source(id).unwrap_or_default().to_string()),
            ScenarioSource::File(p) => read_scenario_file(p),
        }
    }
}

/// Largest scenario file read: real ones are a few kilobytes, and a limit keeps a wrong path
/// (`-s /dev/urandom`) from being read until memory runs out.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads a scenario file: at most [`MAX_FILE_BYTES`], UTF-8 (an error gives the line and column
/// of the first bad byte). Its path travels in the scenario's provenance, and commands pass it
/// to the writer as an input, so no output may replace it.
pub fn read_scenario_file(path: &Path) -> Result<String, InputError> {
    read_text_file(path, "scenario file")
}

/// The path that names standard input, as `-` names standard output for `--out`.
pub const STDIN: &str = "-";

/// How errors name an input path: "standard input" for `-`, else the path.
pub fn origin_of(path: &Path) -> String {
    if path.as_os_str() == STDIN {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads a text input file with the checks of [`read_scenario_file`]; `what` names it in errors.
/// The path `-` reads standard input, with the same limit.
pub fn read_text_file(path: &Path, what: &str) -> Result<String, InputError> {
    use std::io::Read;
    let stdin = path.as_os_str() == STDIN;
    let origin = origin_of(path);
    let fail = |msg: String| InputError::new(&origin, "", msg);
    let source: Box<dyn Read> = if stdin {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).map_err(|e| fail(format!("cannot read {what}: {e}")))?)
    };
    let mut bytes = Vec::new();
    source
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read {what}: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!(
            "the {what} is larger than {} MB, the most allowed; is this the right file?",
            MAX_FILE_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // `good` is valid UTF-8 by construction.
        let before = std::str::from_utf8(good).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        fail(format!(
            "the {what} is not valid UTF-8 (byte 0x{:02x}); save it as UTF-8 text",
            e.as_bytes()[good.len()]
        ))
        .at(Some((line, col)))
    })
}

/// Load and validate a scenario given as a built-in id or a path.
pub fn load(spec: &str) -> Result<Scenario, InputError> {
    load_with_overrides(spec, &[])
}

/// Load a scenario, apply `--set` overrides, and validate the result.
pub fn load_with_overrides(spec: &str, overrides: &[Override]) -> Result<Scenario, InputError> {
    load_text_and_scenario(spec, overrides).map(|(_, scenario)| scenario)
}

/// An id made from a file's stem: lowercase, any character an id cannot hold as '-', at most
/// 64 characters (empty for a path without a stem).
pub fn id_of_file(path: &Path) -> String {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    stem.to_lowercase()
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            _ => '-',
        })
        .take(64)
        .collect()
}

/// Gives scenarios run together that share an id ids of their own, so that no output shows two
/// runs under one name ("osa-enforced − osa-enforced"). The first keeps its id; a later one from
/// a file takes the file's stem (as an id: lowercase, other characters '-'), else its id and
/// "-2", "-3"…. Returns a note for each, naming the file and both ids.
pub fn distinct_ids(scenarios: &mut [Scenario]) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    let mut notes = Vec::new();
    for s in scenarios.iter_mut() {
        let id = s.scenario.id.clone();
        if taken.contains(&id) {
            let stem = s
                .provenance
                .file
                .as_deref()
                .map(|f| id_of_file(Path::new(f)));
            let fresh = stem
                .filter(|s| !s.is_empty() && !taken.contains(s))
                .unwrap_or_else(|| {
                    (2..)
                        .map(|n| format!("{id}-{n}"))
                        .find(|c| !taken.contains(c))
                        .expect("some suffix is free")
                });
            notes.push(format!(
                "note: {} has the id {id} of a scenario before it; it is labelled {fresh} here",
                s.provenance.file.as_deref().unwrap_or("a scenario"),
            ));
            s.scenario.id = fresh;
        }
        taken.push(s.scenario.id.clone());
    }
    notes
}

/// [`load_with_overrides`], with the text it read (once) for callers that show it or write
/// edits into it.
pub fn load_text_and_scenario(
    spec: &str,
    overrides: &[Override],
) -> Result<(String, Scenario), InputError> {
    let source = ScenarioSource::resolve(spec)?;
    let text = source.read()?;
    let mut scenario =
        parse_with_overrides(&text, &source.origin(), overrides, &Place::of(&source))?;
    if let ScenarioSource::File(path) = &source {
        scenario.provenance.file = Some(path.display().to_string());
    }
    Ok((text, scenario))
}

/// Parse and validate scenario text; `origin` names it in errors.
/// A relative `extends` path is read from the working directory.
pub fn parse_str(text: &str, origin: &str) -> Result<Scenario, InputError> {
    parse_with_overrides(text, origin, &[], &Place::default())
}

fn parse_with_overrides(
    text: &str,
    origin: &str,
    overrides: &[Override],
    place: &Place,
) -> Result<Scenario, InputError> {
    let map = SourceMap::new(text);
    // A file that may extend another is read as a tree first (a cheap test: the words are
    // rare elsewhere, and a false alarm only takes the slower path).
    let inherits = text.contains("extends") || text.contains("given");
    // Most files hold plain numbers: one typed parse, whose errors point at their line.
    let typed = (!inherits).then(|| toml::from_str::<Scenario>(text));
    let mut ancestors = Vec::new();
    let (mut scenario, applied, uncertain) = match typed {
        Some(Ok(scenario)) if overrides.is_empty() => (scenario, Vec::new(), Default::default()),
        typed => {
            // Overrides, or a distribution in place of a number: work on the TOML tree, so
            // overrides are checked by the same deserializer as files. Distributions come out
            // of it first, each replaced by its median.
            let mut table: toml::Table =
                toml::from_str(text).map_err(|e| syntax_error(&e, text, origin, &map))?;
            if inherits {
                (table, ancestors) = resolve(table, origin, text, place, &mut Vec::new())?;
            }
            let mut uncertain =
                super::uncertain::take_distributions(&mut table).map_err(|(field, p)| {
                    InputError::new(origin, &field, p).at(map.position_of(&field))
                })?;
            // No distribution explains a failed typed parse: the file's own error, with its line.
            if let Some(Err(e)) = &typed
                && uncertain.is_empty()
            {
                return Err(syntax_error(e, text, origin, &map));
            }
            let (scenario, applied) = if overrides.is_empty() {
                let scenario: Scenario = toml::Value::Table(table)
                    .try_into()
                    .map_err(|e| InputError::new(origin, "", plain_types(e.message().trim())))?;
                (scenario, Vec::new())
            } else {
                apply_overrides(table, overrides, &mut uncertain)?
            };
            (scenario, applied, uncertain)
        }
    };
    scenario.uncertain = uncertain;
    scenario.provenance.extends = ancestors;
    for ov in overrides {
        scenario.provenance.record(&ov.key, &ov.value);
    }
    validate(&scenario)
        .and_then(|()| super::parameters::check_range_ends(&scenario))
        .map_err(|issue| {
            // An override of `growth.shocks` owns `growth.shocks.student_t` too; the last one wins.
            let owns = |path: &str| {
                issue.field == path
                    || issue
                        .field
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with(['.', '[']))
            };
            // An event's odds summing past 1 are reported on its last outcome; when an override
            // set one of that event's probabilities, the override is what to blame.
            let event_of = |field: &str| {
                field
                    .strip_suffix(".probability")
                    .and_then(|f| f.split_once(".outcomes["))
                    .map(|(event, _)| event.to_string())
            };
            let summed = issue
                .message
                .contains("must sum to at most 1")
                .then(|| event_of(&issue.field))
                .flatten();
            let odds_set_by = |path: &str| summed.is_some() && event_of(path) == summed;
            if let Some(ov) = applied.iter().rev().find(|(path, _)| owns(path)) {
                InputError::new(&ov.1.origin, issue.field, issue.message).with_value(issue.value)
            } else if let Some((path, ov)) =
                applied.iter().rev().find(|(path, _)| odds_set_by(path))
            {
                InputError::new(&ov.origin, path, issue.message).with_value(ov.value.clone())
            } else {
                let mut message = issue.message;
                if !applied.is_empty() {
                    // As typed: `--set KEY=VALUE` or the flag (`--horizon 2124`).
                    let sets: Vec<&str> = applied.iter().map(|(_, o)| o.origin.as_str()).collect();
                    message.push_str(&format!(" (after {})", sets.join(", ")));
                }
                // A control character is pointed at where it is written, in a long text too.
                let position = map
                    .span_of(&issue.field)
                    .filter(|_| message.contains("control character"))
                    .and_then(|span| {
                        let paragraphs =
                            message.contains(crate::text::Allow::Paragraphs.describe());
                        first_control_escape(text, span, paragraphs)
                    })
                    .map(|offset| map.line_col(offset))
                    .or_else(|| map.position_of(&issue.field));
                InputError::new(origin, &issue.field, message)
                    .with_value(issue.value)
                    .at(position)
            }
        })?;
    Ok(scenario)
}

/// The byte offset in `text` of the first control character written within `span` (a TOML
/// string): an escape that stands for one (`\u001b`, `\e`, `\b`, `\f`, `\r`), or a newline or
/// tab, escaped or not, unless `paragraphs` allows them. The message names which; this only
/// finds the line and column.
fn first_control_escape(
    text: &str,
    span: std::ops::Range<usize>,
    paragraphs: bool,
) -> Option<usize> {
    let value = text.get(span.clone())?;
    // The opening quotes, and a newline right after `"""`, are not part of the string.
    let body_start = value.find(['"', '\'']).map_or(0, |q| {
        let quotes = value[q..]
            .chars()
            .take_while(|&c| c == '"' || c == '\'')
            .count();
        q + quotes.min(3)
    });
    let body = &value[body_start..];
    let multi = value[..body_start].ends_with("\"\"\"") || value[..body_start].ends_with("\'\'\'");
    let mut chars = body.char_indices().peekable();
    // A newline just after the opening `"""` is trimmed by TOML.
    if multi && chars.peek().is_some_and(|&(_, c)| c == '\n' || c == '\r') {
        chars.next();
    }
    while let Some((i, c)) = chars.next() {
        let at = span.start + body_start + i;
        match c {
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                let code = match e {
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let hex: String = (0..n)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                    }
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    'e' => Some('\u{1b}'),
                    'r' => Some('\r'),
                    'n' => Some('\n'),
                    't' => Some('\t'),
                    _ => None,
                };
                if code.is_some_and(|c| {
                    crate::text::is_control(c) && !(paragraphs && (c == '\n' || c == '\t'))
                }) {
                    return Some(at);
                }
            }
            '\n' | '\t' if !paragraphs => return Some(at),
            c if crate::text::is_control(c) && !matches!(c, '\n' | '\t' | '\r') => return Some(at),
            _ => {}
        }
    }
    None
}

fn syntax_error(err: &toml::de::Error, text: &str, origin: &str, map: &SourceMap) -> InputError {
    let message = plain_types(err.message().trim());
    let Some(span) = err.span() else {
        return InputError::new(origin, "", message);
    };
    let field = map.path_at(span.start);
    let snippet = text.get(span.clone()).unwrap_or("").trim();
    let mut e = InputError::new(origin, field, message.clone()).at(Some(map.line_col(span.start)));
    let missing = message.starts_with("missing field") || message.starts_with("unknown field");
    if !missing && !snippet.is_empty() && snippet.len() <= 60 && !snippet.contains('\n') {
        e = e.with_value(snippet.to_string());
    }
    e
}

/// serde names Rust types ("expected i32"); users think in numbers.
pub(super) fn plain_types(message: &str) -> String {
    if message.contains("max recursion depth") {
        return "arrays or tables are nested too deeply; a scenario needs at most 3 levels"
            .to_string();
    }
    if let Some(rest) = message.strip_prefix("invalid type: string ")
        && let Some((value, _)) = rest.split_once(", expected")
        && (message.ends_with("expected f64") || message.ends_with("expected a number"))
    {
        return format!("{value} is not a number; write e.g. 0.12, 1e6 or 1_000_000 (no commas)");
    }
    let plain = message
        .replace("expected i32", "expected a whole number (a year)")
        .replace("expected u32", "expected a whole number, 0 or more")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected an array");
    crate::error::suggest_unknown_field(plain)
}
