//! Series groups in SVG output. plotters' SVG backend writes a flat list of elements, so a chart
//! marks where a series starts and ends with two marker texts, and [`resolve`] turns them into
//! `<g id="scenario-id">` … `</g>`, adding `stroke-dasharray` to the group's lines when the
//! series is dashed (the lines themselves are drawn solid, as one polyline each). Only lines of
//! the series' own width are dashed: a thinner leader to its label stays solid.

/// Private-use character that starts every marker text (never in real chart text).
const MARK: char = '\u{E000}';
pub const END_MARKER: &str = "\u{E000}/g";

/// `dash`: dash and gap, and the width of the lines they apply to, in pixels.
pub fn begin_marker(id: &str, dash: Option<(u32, u32, u32)>) -> String {
    match dash {
        Some((on, off, width)) => format!("{MARK}g {on} {off} {width} {id}"),
        None => format!("{MARK}g - - - {id}"),
    }
}

/// An XML id from a scenario id: letters, digits, `-`, `_` and `.` kept, anything else `_`, and
/// a leading letter guaranteed.
fn xml_id(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s.insert_str(0, "s-");
    }
    s
}

/// The SVG with marker texts replaced by groups.
pub fn resolve(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    // Dash array, and the stroke width of the lines it applies to.
    let mut dash: Option<(String, String)> = None;
    let mut used: Vec<String> = Vec::new();
    let lines: Vec<&str> = svg.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // plotters writes a text as `<text …>`, the text, `</text>` on three lines; a
        // one-line form is accepted too.
        let (marker, skip) = match marker_of(line) {
            Some(m) => (Some(m), 1),
            None if line.trim_start().starts_with("<text")
                && i + 2 < lines.len()
                && lines[i + 1].trim().starts_with(MARK)
                && lines[i + 2].trim() == "</text>" =>
            {
                (Some(lines[i + 1].trim()), 3)
            }
            None => (None, 1),
        };
        i += skip;
        if let Some(marker) = marker {
            if marker == END_MARKER {
                out.push_str("</g>\n");
                dash = None;
            } else {
                let mut parts = marker.trim_start_matches(MARK).splitn(5, ' ');
                let (_, on, off, width, id) = (
                    parts.next(),
                    parts.next(),
                    parts.next(),
                    parts.next(),
                    parts.next(),
                );
                dash = match (on, off, width) {
                    (Some(on), Some(off), Some(w)) if on != "-" => {
                        Some((format!("{on} {off}"), format!("stroke-width=\"{w}\"")))
                    }
                    _ => None,
                };
                let mut id = xml_id(&unescape(id.unwrap_or("series")));
                let base = id.clone();
                let mut n = 2;
                while used.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                used.push(id.clone());
                out.push_str(&format!("<g id=\"{id}\">\n"));
            }
            continue;
        }
        match &dash {
            Some((d, width))
                if line.trim_start().starts_with("<polyline") && line.contains(width.as_str()) =>
            {
                out.push_str(&line.replacen(
                    "<polyline",
                    &format!("<polyline stroke-dasharray=\"{d}\""),
                    1,
                ));
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// The text of XML character data or an attribute, its five predefined entities replaced.
pub(super) fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The marker text of a `<text>` element that is a marker.
fn marker_of(line: &str) -> Option<&str> {
    let t = line.trim();
    if !t.starts_with("<text") {
        return None;
    }
    let start = t.find('>')? + 1;
    let end = t.rfind("</text>")?;
    let body = t.get(start..end)?.trim();
    body.starts_with(MARK).then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_become_groups_with_native_dashes() {
        let svg = format!(
            "<svg>\n<text x=\"0\">\n{}\n</text>\n<polyline stroke-width=\"4\" points=\"1,2 3,4\"/>\n<polyline stroke-width=\"1\" points=\"3,4 9,9\"/>\n<text x=\"0\">{}</text>\n<polyline points=\"5,6\"/>\n</svg>\n",
            begin_marker("osa-enforced", Some((12, 8, 4))),
            END_MARKER
        );
        let out = resolve(&svg);
        assert_eq!(
            out,
            "<svg>\n<g id=\"osa-enforced\">\n<polyline stroke-dasharray=\"12 8\" stroke-width=\"4\" points=\"1,2 3,4\"/>\n<polyline stroke-width=\"1\" points=\"3,4 9,9\"/>\n</g>\n<polyline points=\"5,6\"/>\n</svg>\n"
        );
        assert_eq!(xml_id("2024 plan/b"), "s-2024_plan_b");
    }
}
