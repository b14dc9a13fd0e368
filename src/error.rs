//! Errors that reach the user, and the exit codes they map to.

use std::fmt;

/// Invalid input: a scenario file, an override or a command-line value.
/// Always names where the bad value came from, the field, the value and what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// File path, built-in name (`builtin:baseline`) or `--set` / `--target` for command-line values.
    pub origin: String,
    /// 1-based line and column, where the parser knows them.
    pub position: Option<(usize, usize)>,
    /// Dotted field path, e.g. `events[0].outcomes[1].probability`; empty for syntax errors.
    pub field: String,
    /// The offending value as written, if there is one.
    pub value: Option<String>,
    /// What went wrong and what is allowed.
    pub message: String,
}

impl InputError {
    pub fn new(
        origin: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            origin: origin.into(),
            position: None,
            field: field.into(),
            value: None,
            message: message.into(),
        }
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn at(mut self, position: Option<(usize, usize)>) -> Self {
        self.position = position;
        self
    }
}

impl fmt::Display for InputError {
    /// Every part is written with its control characters escaped: a value or a name echoed
    /// from a file cannot drive the terminal the message reaches.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut plain = String::new();
        self.write_parts(&mut plain)?;
        f.write_str(&crate::text::escape_controls(&plain))
    }
}

impl InputError {
    fn write_parts(&self, f: &mut impl fmt::Write) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": ")?;
        // `--set growth.volatility=-1` already says the field and value; do not repeat them.
        let repeats = self.value.as_ref().is_some_and(|v| {
            self.origin.strip_prefix("--set ") == Some(&format!("{}={v}", self.field))
        });
        if repeats {
        } else if !self.field.is_empty() {
            write!(f, "{}", self.field)?;
            if let Some(v) = &self.value {
                write!(f, " = {v}")?;
            }
            write!(f, ": ")?;
        } else if let Some(v) = &self.value {
            write!(f, "{v}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for InputError {}

/// The candidate closest to a mistyped `word`, if one is close enough to be what was meant.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `message` with "; did you mean `x`?" when a candidate is close to `word`.
pub fn with_suggestion<'a>(
    message: String,
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    match did_you_mean(word, candidates) {
        Some(c) => format!("{message}; did you mean `{c}`?"),
        None => message,
    }
}

/// serde's "unknown field `x`, expected one of `a`, `b`" with a suggestion from its own list.
pub fn suggest_unknown_field(message: String) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message;
    };
    let Some((word, expected)) = rest.split_once('`') else {
        return message;
    };
    let word = word.to_string();
    let candidates: Vec<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    with_suggestion(message, &word, candidates.iter().map(String::as_str))
}

/// A run that stopped short of the precision asked for (`--precision`): its results were
/// written, and the command ends with this and exit 3.
#[derive(Debug)]
pub struct ShortOfPrecision(pub String);

impl fmt::Display for ShortOfPrecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShortOfPrecision {}

/// Exit status for errors: 2 for usage or invalid input, 3 for results short of the precision
/// asked for, 1 for anything else that failed at run time.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err
        .chain()
        .any(|e| e.downcast_ref::<InputError>().is_some())
    {
        2
    } else if err.downcast_ref::<ShortOfPrecision>().is_some() {
        3
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_close_words() {
        assert_eq!(
            did_you_mean("volatilty", ["volatility", "initial"]),
            Some("volatility")
        );
        assert_eq!(
            did_you_mean("osa_enforced", ["osa-enforced", "kosa"]),
            Some("osa-enforced")
        );
        assert_eq!(did_you_mean("zzz", ["volatility", "initial"]), None);
        let m = suggest_unknown_field(
            "unknown field `grwoth`, expected one of `growth`, `market`".into(),
        );
        assert!(m.ends_with("did you mean `growth`?"), "{m}");
    }
}
