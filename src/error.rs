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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": ")?;
        if !self.field.is_empty() {
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

/// Exit status for errors: 2 for usage or invalid input, 1 for anything that failed at run time.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err
        .chain()
        .any(|e| e.downcast_ref::<InputError>().is_some())
    {
        2
    } else {
        1
    }
}
