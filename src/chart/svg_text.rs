//! Text in SVG output, made to look as it does in the PNG in viewers that read embedded fonts
//! (browsers do; some converters, resvg among them, ignore `@font-face` and draw
//! with an installed font), and SVG numbers brought back from the finer grid they are drawn on.
//!
//! - [`fit_to_layout`]: plotters writes `font-size` as the layout size ÷ 1.24 and places the
//!   baseline in `em`/`ex`, while the PNG (and every layout measurement) draws the font at
//!   ab_glyph's scale, where the size is the font's ascent − descent. So SVG text came out about
//!   6% smaller than the PNG's and sat a little off its baseline. The size and offsets are
//!   rewritten from the font's own metrics. Lines get the width they have in the PNG, where
//!   plotters fills a line `w` ≥ 2 pixels wide as a polygon whose edges are both drawn, so it is
//!   `w` + 1 pixels wide.
//! - [`embed_fonts`]: a subset of DejaVu Sans (and Bold) holding only the glyphs the chart uses is
//!   embedded as an `@font-face` data URL, so the look does not depend on the fonts installed
//!   where the viewer honours it.
//!   Text stays text (selectable, searchable).

use std::collections::BTreeSet;

use ab_glyph::{Font, FontRef};
use anyhow::{Context, Result, anyhow};
use base64::Engine;

use super::backend::BASELINE_FROM_TOP;
use super::font::{BOLD, FAMILY, REGULAR};

/// The embedded faces' family name in SVG output, first in each text's font list.
pub const EMBEDDED_FAMILY: &str = "DejaVuSansEmbedded";

/// plotters' SVG backend divides the size by this to get `font-size` (its own guess of the em).
const PLOTTERS_EM_DIVISOR: f64 = 1.24;

/// The font's ascent − descent in em: what ab_glyph calls a scale of 1.
fn height_em() -> f64 {
    let font = FontRef::try_from_slice(REGULAR).expect("the embedded font parses");
    let upem = f64::from(font.units_per_em().unwrap_or(2048.0));
    f64::from(font.height_unscaled()) / upem
}

/// Number with at most three decimals and no trailing zeros.
fn short(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The value of attribute `name` in a tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn set_attr(tag: &str, name: &str, value: &str) -> String {
    match attr(tag, name) {
        Some(old) => tag.replacen(
            &format!(" {name}=\"{old}\""),
            &format!(" {name}=\"{value}\""),
            1,
        ),
        None => tag.to_string(),
    }
}

/// `font-size` and baseline offsets of every `<text>` rewritten to match the PNG, for an SVG
/// drawn at `grid` device units per PNG pixel.
pub fn fit_to_layout(svg: &str, grid: u32) -> String {
    let h = height_em();
    // Baselines as the PNG places them (backend::Crisp): BASELINE_FROM_TOP × size below the
    // top of a layout box that is size ÷ 1.24 tall, anchored at its top, middle or bottom.
    let box_h = 1.0 / PLOTTERS_EM_DIVISOR;
    let top = BASELINE_FROM_TOP * h;
    let center = (BASELINE_FROM_TOP - box_h / 2.0) * h;
    let bottom = (BASELINE_FROM_TOP - box_h) * h;
    let mut out = String::with_capacity(svg.len());
    for line in svg.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("<polyline") || t.starts_with("<line") {
            match attr(line, "stroke-width").and_then(|w| w.parse::<u32>().ok()) {
                Some(w) if w >= 2 * grid => {
                    out.push_str(&set_attr(line, "stroke-width", &(w + grid).to_string()))
                }
                _ => out.push_str(line),
            }
            continue;
        }
        if !t.starts_with("<text") {
            out.push_str(line);
            continue;
        }
        let mut tag = line.to_string();
        if let Some(size) = attr(line, "font-size").and_then(|s| s.parse::<f64>().ok()) {
            // size ÷ 1.24 back to the layout size, then to em.
            let em = size * PLOTTERS_EM_DIVISOR / h;
            tag = set_attr(&tag, "font-size", &short(em));
        }
        let dy = match attr(line, "dy") {
            Some("0.76em") => Some(top),
            Some("0.5ex") => Some(center),
            Some("-0.5ex") => Some(bottom),
            _ => None,
        };
        if let Some(dy) = dy {
            tag = set_attr(&tag, "dy", &format!("{}em", short(dy)));
        }
        out.push_str(&tag);
    }
    out
}

/// Attributes holding lengths or coordinates, divided by the grid in [`scale_down`].
const LENGTHS: [&str; 15] = [
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "width",
    "height",
    "points",
    "stroke-width",
    "stroke-dasharray",
    "viewBox",
];

/// A number divided by `grid`, with at most one decimal and no trailing ".0".
fn tenths(v: f64, grid: u32) -> String {
    let s = format!("{:.1}", v / f64::from(grid));
    let s = s.strip_suffix(".0").unwrap_or(&s);
    if s == "-0" { "0".into() } else { s.into() }
}

/// Every number in `value` divided by `grid`, the rest kept: "10,25 30,45" → "1,2.5 3,4.5".
fn scale_numbers(value: &str, grid: u32, keep_decimals: bool) -> String {
    let mut out = String::with_capacity(value.len());
    let mut num = String::new();
    let flush = |num: &mut String, out: &mut String| {
        if !num.is_empty() {
            match num.parse::<f64>() {
                Ok(v) if keep_decimals => out.push_str(&short(v / f64::from(grid))),
                Ok(v) => out.push_str(&tenths(v, grid)),
                Err(_) => out.push_str(num),
            }
            num.clear();
        }
    };
    for c in value.chars() {
        if c.is_ascii_digit() || c == '.' || (c == '-' && num.is_empty()) {
            num.push(c);
        } else {
            flush(&mut num, &mut out);
            out.push(c);
        }
    }
    flush(&mut num, &mut out);
    out
}

/// The SVG drawn at `grid` times its size brought back to it: every coordinate and length
/// divided by `grid` to one decimal, font sizes to three, and the rotation of vertical text.
pub fn scale_down(svg: &str, grid: u32) -> String {
    let mut out = String::with_capacity(svg.len());
    for line in svg.split_inclusive('\n') {
        let t = line.trim_start();
        if !t.starts_with('<') || t.starts_with("</") || t.starts_with("<style") {
            out.push_str(line);
            continue;
        }
        // The tag (up to its first '>'), then whatever follows it on the line (text).
        let end = line.find('>').map_or(line.len(), |e| e + 1);
        let (tag, rest) = line.split_at(end);
        let mut tag = tag.to_string();
        for name in LENGTHS {
            if let Some(v) = attr(&tag, name) {
                let v = v.to_string();
                tag = set_attr(&tag, name, &scale_numbers(&v, grid, false));
            }
        }
        if let Some(v) = attr(&tag, "font-size") {
            let v = v.to_string();
            tag = set_attr(&tag, "font-size", &scale_numbers(&v, grid, true));
        }
        if let Some(v) = attr(&tag, "transform") {
            // rotate(angle, x, y): the angle stays.
            let v = v.to_string();
            if let Some(args) = v.strip_prefix("rotate(").and_then(|a| a.strip_suffix(')')) {
                let mut parts = args.splitn(2, ',');
                let angle = parts.next().unwrap_or("0");
                let centre = parts.next().unwrap_or("");
                tag = set_attr(
                    &tag,
                    "transform",
                    &format!("rotate({angle},{})", scale_numbers(centre, grid, false)),
                );
            }
        }
        out.push_str(&tag);
        out.push_str(rest);
    }
    out
}

/// The characters of the regular and the bold texts.
fn used_chars(svg: &str) -> (BTreeSet<char>, BTreeSet<char>) {
    let (mut regular, mut bold) = (BTreeSet::new(), BTreeSet::new());
    let lines: Vec<&str> = svg.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if !t.starts_with("<text") {
            continue;
        }
        let set = if attr(t, "font-weight") == Some("bold") {
            &mut bold
        } else {
            &mut regular
        };
        // `<text …>text</text>` on one line, or (as plotters writes it) on three.
        let body = match (t.find('>'), t.rfind("</text>")) {
            (Some(a), Some(b)) if a < b => t[a + 1..b].to_string(),
            _ => lines.get(i + 1).copied().unwrap_or("").to_string(),
        };
        set.extend(super::svg_groups::unescape(&body).chars());
    }
    (regular, bold)
}

/// The SVG with the glyphs it uses embedded as `@font-face` rules, and every text asking for
/// the embedded family first.
pub fn embed_fonts(svg: &str) -> Result<String> {
    let (regular, bold) = used_chars(svg);
    let mut css = String::new();
    for (data, weight, chars) in [(REGULAR, "normal", &regular), (BOLD, "bold", &bold)] {
        if chars.is_empty() {
            continue;
        }
        let font = subset_font(data, chars)?;
        css.push_str(&format!(
            "@font-face{{font-family:{EMBEDDED_FAMILY};font-weight:{weight};src:url(data:font/ttf;base64,{})}}\n",
            base64::engine::general_purpose::STANDARD.encode(font)
        ));
    }
    if css.is_empty() {
        return Ok(svg.to_string());
    }
    let open_end = svg
        .find("<svg")
        .and_then(|s| svg[s..].find('>').map(|e| s + e + 1))
        .ok_or_else(|| anyhow!("the chart's SVG has no <svg> element"))?;
    let family = format!("font-family=\"{FAMILY}\"");
    let embedded = format!("font-family=\"{EMBEDDED_FAMILY}, {FAMILY}\"");
    Ok(format!(
        "{}\n<defs><style>\n{css}</style></defs>{}",
        &svg[..open_end],
        svg[open_end..].replace(&family, &embedded)
    ))
}

/// A TrueType font holding `.notdef` and the glyphs of `chars`, with a cmap for them.
///
/// The `subsetter` crate (what svg2pdf uses) keeps the outlines, metrics, names and hinting of
/// the glyphs asked for, but leaves out `cmap` and `OS/2`, which a PDF does not need and a
/// browser does; they are added here (the original OS/2, a fresh format-4 cmap).
fn subset_font(data: &[u8], chars: &BTreeSet<char>) -> Result<Vec<u8>> {
    let face = FontRef::try_from_slice(data).context("reading the embedded font")?;
    let mut remapper = subsetter::GlyphRemapper::new();
    remapper.remap(0);
    let mut map = Vec::new();
    for &c in chars {
        let Ok(code) = u16::try_from(u32::from(c)) else {
            continue; // beyond the BMP: never in chart text, and DejaVu Sans has none
        };
        let id = face.glyph_id(c).0;
        if id != 0 {
            map.push((code, remapper.remap(id)));
        }
    }
    let sub = subsetter::subset(data, 0, &remapper)
        .map_err(|e| anyhow!("subsetting the embedded font: {e:?}"))?;
    let mut tables = read_tables(&sub)?;
    let os2 = read_tables(data)?
        .into_iter()
        .find(|(tag, _)| tag == b"OS/2")
        .ok_or_else(|| anyhow!("the embedded font has no OS/2 table"))?;
    tables.retain(|(tag, _)| tag != b"cmap" && tag != b"OS/2");
    tables.push(os2);
    tables.push((*b"cmap", cmap_format4(&map)));
    Ok(write_font(tables))
}

type Table = ([u8; 4], Vec<u8>);

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

fn read_tables(font: &[u8]) -> Result<Vec<Table>> {
    let bad = || anyhow!("malformed font table directory");
    let count = be16(font, 4).ok_or_else(bad)?;
    (0..usize::from(count))
        .map(|i| {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = font
                .get(rec..rec + 4)
                .and_then(|t| t.try_into().ok())
                .ok_or_else(bad)?;
            let off = be32(font, rec + 8).ok_or_else(bad)? as usize;
            let len = be32(font, rec + 12).ok_or_else(bad)? as usize;
            let body = font.get(off..off + len).ok_or_else(bad)?.to_vec();
            Ok((tag, body))
        })
        .collect()
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// An sfnt file from its tables (sorted by tag, 4-byte aligned, checksums and the head
/// table's checksum adjustment set as the OpenType spec asks).
fn write_font(mut tables: Vec<Table>) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let n = tables.len() as u16;
    let pow2 = 1u16 << (15 - n.leading_zeros() as u16);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&(pow2 * 16).to_be_bytes());
    out.extend_from_slice(&(pow2.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&(n * 16 - pow2 * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, body) in &mut tables {
        if tag == b"head" && body.len() >= 12 {
            body[8..12].fill(0);
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(body).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        offset += body.len().next_multiple_of(4);
    }
    for (_, body) in &tables {
        out.extend_from_slice(body);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

/// A cmap table with one format-4 subtable (Windows, Unicode BMP) for `map` (code, glyph),
/// sorted by code; runs of consecutive codes and glyphs share a segment.
fn cmap_format4(map: &[(u16, u16)]) -> Vec<u8> {
    let mut segments: Vec<(u16, u16, u16)> = Vec::new(); // start, end, first glyph
    for &(code, glyph) in map {
        match segments.last_mut() {
            Some((start, end, first))
                if u32::from(*end) + 1 == u32::from(code)
                    && u32::from(*first) + u32::from(code - *start) == u32::from(glyph) =>
            {
                *end = code;
            }
            _ => segments.push((code, code, glyph)),
        }
    }
    if segments.last().is_none_or(|s| s.1 != 0xFFFF) {
        segments.push((0xFFFF, 0xFFFF, 0)); // the closing segment maps to .notdef
    }
    let seg_count = segments.len() as u16;
    let pow2 = 1u16 << (15 - seg_count.leading_zeros() as u16);
    let mut sub = Vec::new();
    let len = 16 + 8 * segments.len();
    for v in [
        4,
        len as u16,
        0,
        seg_count * 2,
        pow2 * 2,
        pow2.trailing_zeros() as u16,
        seg_count * 2 - pow2 * 2,
    ] {
        sub.extend_from_slice(&v.to_be_bytes());
    }
    for s in &segments {
        sub.extend_from_slice(&s.1.to_be_bytes());
    }
    sub.extend_from_slice(&0u16.to_be_bytes());
    for s in &segments {
        sub.extend_from_slice(&s.0.to_be_bytes());
    }
    for s in &segments {
        let delta = if s.0 == 0xFFFF {
            1 // 0xFFFF + 1 wraps to glyph 0
        } else {
            s.2.wrapping_sub(s.0)
        };
        sub.extend_from_slice(&delta.to_be_bytes());
    }
    for _ in &segments {
        sub.extend_from_slice(&0u16.to_be_bytes());
    }
    let mut cmap = Vec::new();
    for v in [0u16, 1, 3, 1] {
        cmap.extend_from_slice(&v.to_be_bytes());
    }
    cmap.extend_from_slice(&12u32.to_be_bytes());
    cmap.extend_from_slice(&sub);
    cmap
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cmap written maps each code to its glyph, read back by an independent parser
    /// (ab_glyph, through ttf-parser).
    #[test]
    fn subset_maps_its_characters_and_only_those() {
        let chars: BTreeSet<char> = "£1bn by 2026 – 78% →".chars().collect();
        let font = subset_font(REGULAR, &chars).unwrap();
        assert!(font.len() < 40_000, "{} bytes", font.len());
        let sub = FontRef::try_from_slice(&font).unwrap();
        let full = FontRef::try_from_slice(REGULAR).unwrap();
        for c in chars {
            let id = sub.glyph_id(c);
            assert_ne!(id.0, 0, "{c:?} has no glyph");
            // Same advance as the full font's glyph: the right glyph was kept.
            assert_eq!(
                sub.h_advance_unscaled(id),
                full.h_advance_unscaled(full.glyph_id(c)),
                "{c:?}"
            );
        }
        assert_eq!(sub.glyph_id('Q').0, 0);
        assert_eq!(checksum(&font), 0xB1B0_AFBA, "whole-font checksum");
    }

    #[test]
    fn numbers_drawn_on_a_finer_grid_come_back_with_one_decimal() {
        let svg = "<svg width=\"16000\" height=\"9000\" viewBox=\"0 0 16000 9000\">\n\
            <polyline stroke-dasharray=\"120 80\" stroke-width=\"30\" points=\"1234,-5 20,40 \"/>\n\
            <text x=\"405\" y=\"17\" font-size=\"171.81\" transform=\"rotate(270, 160, 4575)\">\n\
            A 12,34\n</text>\n</svg>\n";
        assert_eq!(
            scale_down(svg, 10),
            "<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\">\n\
            <polyline stroke-dasharray=\"12 8\" stroke-width=\"3\" points=\"123.4,-0.5 2,4 \"/>\n\
            <text x=\"40.5\" y=\"1.7\" font-size=\"17.181\" transform=\"rotate(270, 16, 457.5)\">\n\
            A 12,34\n</text>\n</svg>\n"
        );
    }

    #[test]
    fn text_sizes_follow_the_png_scale() {
        let svg = "<svg>\n<text x=\"1\" y=\"2\" dy=\"0.76em\" font-size=\"16.129032258064516\">\nA\n</text>\n</svg>\n";
        let out = fit_to_layout(svg, 1);
        // A layout size of 20 px is 20 ÷ 1.1641 = 17.181 em-px in DejaVu Sans.
        assert!(out.contains("font-size=\"17.181\""), "{out}");
        assert!(out.contains("dy=\"0.722em\""), "{out}");
        let lines =
            "<polyline stroke-width=\"2\" points=\"0,0 1,1\"/>\n<line stroke-width=\"1\"/>\n";
        assert_eq!(
            fit_to_layout(lines, 1),
            "<polyline stroke-width=\"3\" points=\"0,0 1,1\"/>\n<line stroke-width=\"1\"/>\n"
        );
    }
}
