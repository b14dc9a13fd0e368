//! Reading the SVG the charts write: plain text with one element a line, so string scanning is
//! enough and the tests need no XML parser.

/// Text content of every `<text>` element, unescaped.
pub fn texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let after = &rest[start..];
        let open_end = after.find('>').expect("closed tag");
        let close = after.find("</text>").expect("closing text tag");
        let text = after[open_end + 1..close].trim();
        out.push(
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        );
        rest = &after[close..];
    }
    out
}

/// The value of attribute `name` in the tag `tag`.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(tag[start..start + tag[start..].find('"')?].to_string())
}

/// The body of the group `<g id="ID">`, from its opening tag to its first `</g>`.
pub fn group<'a>(svg: &'a str, id: &str) -> Option<&'a str> {
    let start = svg.find(&format!("<g id=\"{id}\">"))?;
    Some(&svg[start..start + svg[start..].find("</g>")?])
}

/// A series group of an SVG: its id, its polylines (stroke width, points), its texts
/// (x, baseline y, font size, text) and the boxes of its labels' halos (x0, y0, x1, y1).
pub struct Series {
    pub id: String,
    pub lines: Vec<(f64, Vec<(f64, f64)>)>,
    pub texts: Vec<(f64, f64, f64, String)>,
    pub halos: Vec<(f64, f64, f64, f64)>,
}

/// Every `<g id="…">` group with its polylines and texts; a line's label group
/// (`<g id="ID-label">`: leader, swatch, text) and its halo's (`ID-halo`) join its line's
/// series `ID`.
pub fn series(svg: &str) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    let lines: Vec<&str> = svg.lines().collect();
    let mut open = false;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if let Some(id) = t.strip_prefix("<g id=\"") {
            let id = id.split('"').next().unwrap().to_string();
            let base = id
                .strip_suffix("-label")
                .or_else(|| id.strip_suffix("-halo"))
                .map(str::to_string);
            match base.and_then(|b| out.iter().position(|s| s.id == b)) {
                // Its series moves last, where the label's marks are added.
                Some(k) => {
                    let s = out.remove(k);
                    out.push(s);
                }
                None => out.push(Series {
                    id,
                    lines: Vec::new(),
                    texts: Vec::new(),
                    halos: Vec::new(),
                }),
            }
            open = true;
        } else if open && t.starts_with("<rect") {
            let num = |n: &str| -> f64 { attr(t, n).map_or(0.0, |v| v.parse().unwrap_or(0.0)) };
            let (x, y) = (num("x"), num("y"));
            out.last_mut()
                .unwrap()
                .halos
                .push((x, y, x + num("width"), y + num("height")));
        } else if t.starts_with("</g>") {
            open = false;
        } else if open && t.starts_with("<polyline") {
            out.last_mut().unwrap().lines.push(polyline(t));
        } else if open && t.starts_with("<text") {
            let num =
                |n: &str| -> f64 { attr(t, n).unwrap().trim_end_matches("em").parse().unwrap() };
            let size = num("font-size");
            let baseline = num("y") + num("dy") * size;
            out.last_mut().unwrap().texts.push((
                num("x"),
                baseline,
                size,
                lines[i + 1].trim().to_string(),
            ));
        }
    }
    out
}

/// A `<polyline>`'s stroke width and points.
pub fn polyline(t: &str) -> (f64, Vec<(f64, f64)>) {
    let width: f64 = attr(t, "stroke-width").unwrap().parse().unwrap();
    let points = attr(t, "points")
        .unwrap()
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    (width, points)
}

/// Every line drawn outside a series' group (targets, dividers, axes, ticks) as one pseudo
/// series named "reference".
pub fn reference_lines(svg: &str) -> Series {
    let mut depth = 0;
    let mut lines = Vec::new();
    for t in svg.lines().map(str::trim_start) {
        if t.starts_with("<g") {
            depth += 1;
        } else if t.starts_with("</g>") {
            depth -= 1;
        } else if depth == 0 && t.starts_with("<polyline") {
            lines.push(polyline(t));
        }
    }
    Series {
        id: "reference".to_string(),
        lines,
        texts: Vec::new(),
        halos: Vec::new(),
    }
}
