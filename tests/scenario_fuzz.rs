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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// A scenario that extends central with arbitrary conditions and event changes loads or is
    /// refused by name; it never panics, and a refusal names a field.
    #[test]
    fn extending_with_arbitrary_conditions_never_panics(
        event in "(osa|us-market|ai-duties|squeeze|[a-z-]{0,8})",
        value in "(\"firm\"|\"none\"|\"sharp\"|\\[\"slow\", \"weakened\"\\]|\\[\\]|[0-9.]{1,4}|\\{\\}|\"[a-z-]{0,6}\"|\\[\"kosa-only\", \"x\"\\])",
        outcome in "(firm|routine|legislated|sharp|[a-z]{0,5})",
        field in "(probability|growth_uplift|duration|delay|level_shock|id)",
        number in "(-?[0-9]{1,3}(\\.[0-9]{1,3})?|\\{ dist = \"uniform\", min = 0, max = 1 \\})",
        parent in "(central|maturing|baseline|\"?centrl)",
    ) {
        let text = format!(
            "extends = \"{parent}\"\n[scenario]\nid = \"x\"\nname = \"X\"\n\n\
             [[events]]\nid = \"{event}\"\noutcomes = [{{ id = \"{outcome}\", {field} = {number} }}]\n\n\
             [given]\n\"{event}\" = {value}\n"
        );
        if let Err(e) = parse_str(&text, "fuzz") {
            prop_assert!(!e.message.is_empty());
        }
    }
}
