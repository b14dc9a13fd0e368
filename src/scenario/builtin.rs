//! Built-in scenarios, embedded so the program runs anywhere with no files.

/// (id, TOML text), in the order `scenarios list` shows them.
pub const BUILTIN: &[(&str, &str)] = &[
    ("central", include_str!("../../scenarios/central.toml")),
    ("baseline", include_str!("../../scenarios/baseline.toml")),
    (
        "historical",
        include_str!("../../scenarios/historical.toml"),
    ),
    ("maturing", include_str!("../../scenarios/maturing.toml")),
    (
        "osa-enforced",
        include_str!("../../scenarios/osa-enforced.toml"),
    ),
    (
        "osa-delayed",
        include_str!("../../scenarios/osa-delayed.toml"),
    ),
    ("kosa", include_str!("../../scenarios/kosa.toml")),
    (
        "transatlantic",
        include_str!("../../scenarios/transatlantic.toml"),
    ),
    ("genai", include_str!("../../scenarios/genai.toml")),
    ("downturn", include_str!("../../scenarios/downturn.toml")),
    ("classroom", include_str!("../../scenarios/classroom.toml")),
];

pub fn builtin_source(id: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(_, text)| *text)
}
