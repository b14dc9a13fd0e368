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

/// The SVG with every dashed line plotters drew as segments (its `DashedLineSeries` writes one
/// two-point `<polyline>` per dash, 30–70 for a reference line) written as one `<polyline>`
/// with a native `stroke-dasharray`: a run of at least three consecutive two-point polylines
/// with the same attributes, on one straight line, with equal dashes and equal gaps (the last
/// dash may be shorter). The line starts and ends where the first and last dashes do.
pub fn merge_dashes(svg: &str) -> String {
    let lines: Vec<&str> = svg.split_inclusive('\n').collect();
    let mut out = String::with_capacity(svg.len());
    let mut i = 0;
    while i < lines.len() {
        let Some(first) = segment(lines[i]) else {
            out.push_str(lines[i]);
            i += 1;
            continue;
        };
        let mut run = vec![first];
        while let Some(next) = lines.get(i + run.len()).and_then(|l| segment(l)) {
            if !continues(&run, &next) {
                break;
            }
            run.push(next);
        }
        if run.len() < 3 {
            out.push_str(lines[i]);
            i += 1;
            continue;
        }
        let (attrs, a, _) = &run[0];
        let (_, _, b) = &run[run.len() - 1];
        let on = dist(run[0].1, run[0].2);
        let off = dist(run[0].2, run[1].1);
        out.push_str(&format!(
            "<polyline stroke-dasharray=\"{} {}\"{attrs} points=\"{},{} {},{} \"/>\n",
            trim_number(on),
            trim_number(off),
            trim_number(a.0),
            trim_number(a.1),
            trim_number(b.0),
            trim_number(b.1)
        ));
        i += run.len();
    }
    out
}

/// A two-point `<polyline>` on one line: its attributes but `points` (with their leading
/// space), and its two ends.
type Segment = (String, (f64, f64), (f64, f64));

fn segment(line: &str) -> Option<Segment> {
    let t = line.trim();
    let body = t.strip_prefix("<polyline")?.strip_suffix("/>")?;
    let at = body.find(" points=\"")?;
    let rest = &body[at + 9..];
    let end = rest.find('"')?;
    let attrs = format!("{}{}", &body[..at], &rest[end + 1..]);
    let mut points = rest[..end].split_whitespace().map(|p| {
        let (x, y) = p.split_once(',')?;
        Some((x.parse::<f64>().ok()?, y.parse::<f64>().ok()?))
    });
    let a = points.next()??;
    let b = points.next()??;
    if points.next().is_some() || attrs.contains("stroke-dasharray") || a == b {
        return None;
    }
    Some((attrs, a, b))
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (b.0 - a.0).hypot(b.1 - a.1)
}

/// Whether `next` is the next dash of `run`: same attributes, on the same line and in the same
/// direction, after a gap equal to the first, and the dash before it as long as the first.
fn continues(run: &[Segment], next: &Segment) -> bool {
    const TOL: f64 = 1.01;
    let (attrs, a, b) = &run[0];
    let (_, pa, pb) = &run[run.len() - 1];
    let dir = (b.0 - a.0, b.1 - a.1);
    let len = dist(*a, *b);
    let on_line = |p: (f64, f64)| ((p.0 - a.0) * dir.1 - (p.1 - a.1) * dir.0).abs() / len <= TOL;
    let ahead = (next.1.0 - pb.0) * dir.0 + (next.1.1 - pb.1) * dir.1 > 0.0;
    let gap = if run.len() > 1 {
        dist(run[0].2, run[1].1)
    } else {
        dist(*pb, next.1)
    };
    next.0 == *attrs
        && on_line(next.1)
        && on_line(next.2)
        && ahead
        && (dist(*pb, next.1) - gap).abs() <= TOL
        && (dist(*pa, *pb) - len).abs() <= TOL
        && dist(next.1, next.2) <= len + TOL
}

/// A coordinate or length with at most one decimal, without a trailing ".0".
fn trim_number(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
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

    #[test]
    fn dash_segments_become_one_dashed_line() {
        let seg = |y0: i32, y1: i32| {
            format!(
                "<polyline fill=\"none\" stroke=\"#707070\" stroke-width=\"3\" points=\"842,{y0} 842,{y1} \"/>\n"
            )
        };
        let svg = format!(
            "<svg>\n{}{}{}{}<polyline fill=\"none\" stroke-width=\"1\" points=\"1,1 1,5 \"/>\n{}{}</svg>\n",
            seg(753, 747),
            seg(741, 735),
            seg(729, 723),
            seg(717, 714),
            // Two ticks side by side: parallel, not one line.
            seg(10, 16),
            "<polyline fill=\"none\" stroke=\"#707070\" stroke-width=\"3\" points=\"900,10 900,16 \"/>\n",
        );
        let out = merge_dashes(&svg);
        assert_eq!(
            out,
            format!(
                "<svg>\n<polyline stroke-dasharray=\"6 6\" fill=\"none\" stroke=\"#707070\" stroke-width=\"3\" points=\"842,753 842,714 \"/>\n<polyline fill=\"none\" stroke-width=\"1\" points=\"1,1 1,5 \"/>\n{}<polyline fill=\"none\" stroke=\"#707070\" stroke-width=\"3\" points=\"900,10 900,16 \"/>\n</svg>\n",
                seg(10, 16)
            )
        );
    }
}
