//! Malformed scenario text never panics the loader: it parses or returns an error.

use proptest::prelude::*;
use safetech::scenario::parse_str;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = parse_str(&text, "fuzz");
    }

    #[test]
    fn mutated_builtin_never_panics(pos in 0usize..2000, len in 0usize..20, insert in "[-0-9a-z.=\\[\\]{}\"', \n]{0,12}") {
        // A whole file of plain numbers and inline tables (the built-ins extend `central`).
        let base = include_str!("fixtures/osa-fixed.toml");
        let mut chars: Vec<char> = base.chars().collect();
        let pos = pos.min(chars.len());
        let end = (pos + len).min(chars.len());
        chars.splice(pos..end, insert.chars());
        let text: String = chars.into_iter().collect();
        if let Err(e) = parse_str(&text, "fuzz") {
            // Every error names its origin and says something.
            prop_assert_eq!(&e.origin, "fuzz");
            prop_assert!(!e.message.is_empty());
        }
    }
}
