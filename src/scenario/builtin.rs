//! Built-in scenarios, embedded so the program runs anywhere with no files.

/// (id, TOML text), in the order `scenarios list` shows them.
pub const BUILTIN: &[(&str, &str)] = &[
    ("baseline", include_str!("../../scenarios/baseline.toml")),
    (
        "osa-enforced",
        include_str!("../../scenarios/osa-enforced.toml"),
    ),
];

pub fn builtin_source(id: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, text)| *text)
}
