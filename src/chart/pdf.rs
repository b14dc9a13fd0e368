//! PDF output: the chart's SVG converted by svg2pdf, with the embedded DejaVu Sans faces
//! (subsetted into the PDF) so the result never depends on the fonts of the machine.

use std::sync::{Arc, OnceLock};

use anyhow::{Result, anyhow};
use svg2pdf::usvg::{self, fontdb};

use super::font::{BOLD, REGULAR};

/// A font database holding only the embedded faces, built once.
fn fonts() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_source(fontdb::Source::Binary(Arc::new(REGULAR)));
        db.load_font_source(fontdb::Source::Binary(Arc::new(BOLD)));
        // "sans-serif" in the SVG's font list resolves to the same face.
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// The SVG as a one-page PDF whose page is the chart's size at `dpi` (1600 px at 150 dpi is
/// 768 pt, 10⅔ in), text kept as text.
pub fn from_svg(svg: &str, dpi: u32) -> Result<Vec<u8>> {
    let options = usvg::Options {
        fontdb: fonts(),
        font_family: "DejaVu Sans".to_string(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &options)
        .map_err(|e| anyhow!("converting the chart to PDF: {e}"))?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions { dpi: dpi as f32 },
    )
    .map_err(|e| anyhow!("converting the chart to PDF: {e}"))
}

/// The PDF with its document information (`/Title`, `/Subject` the chart's text alternative,
/// `/Keywords` the run's stamp, `/Creator`) and the catalog's `/Lang`, added as an incremental
/// update: new versions of the catalog and the information dictionary, an xref section for
/// them and a trailer pointing back at the original's.
pub(super) fn with_metadata(pdf: &[u8], meta: &super::Metadata) -> Result<Vec<u8>> {
    let text = String::from_utf8_lossy(pdf);
    let bad = || anyhow!("adding metadata to the PDF: unexpected structure");
    let trailer = &text[text.rfind("trailer").ok_or_else(bad)?..];
    let number_after = |hay: &str, key: &str| -> Option<u32> {
        let at = hay.find(key)? + key.len();
        hay[at..].split_whitespace().next()?.parse().ok()
    };
    let size = number_after(trailer, "/Size").ok_or_else(bad)?;
    let root = number_after(trailer, "/Root").ok_or_else(bad)?;
    let prev = number_after(trailer, "startxref").ok_or_else(bad)?;
    let info = number_after(trailer, "/Info");
    // The catalog's dictionary, to write again with /Lang.
    let head = format!("\n{root} 0 obj");
    let start = text.find(&head).ok_or_else(bad)? + head.len();
    let open = start + text[start..].find("<<").ok_or_else(bad)? + 2;
    let close = open + text[open..].find(">>").ok_or_else(bad)?;
    let catalog = text[open..close].trim();
    let info_num = info.unwrap_or(size);
    let new_size = size.max(info_num + 1);

    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let cat_at = out.len();
    out.extend_from_slice(
        format!("{root} 0 obj\n<<\n  {catalog}\n  /Lang (en-GB)\n>>\nendobj\n").as_bytes(),
    );
    let info_at = out.len();
    out.extend_from_slice(
        format!(
            "{info_num} 0 obj\n<<\n  /Title {}\n  /Subject {}\n  /Keywords {}\n  /Creator {}\n  /Producer (svg2pdf)\n>>\nendobj\n",
            pdf_text(&meta.title),
            pdf_text(&meta.description),
            pdf_text(&meta.stamp),
            pdf_text(&format!("safetech {}", crate::VERSION)),
        )
        .as_bytes(),
    );
    let xref_at = out.len();
    let mut xref = String::from("xref\n");
    let mut entries = [(root, cat_at), (info_num, info_at)];
    entries.sort();
    for (num, at) in entries {
        xref.push_str(&format!("{num} 1\n{at:010} 00000 n\r\n"));
    }
    xref.push_str(&format!(
        "trailer\n<<\n  /Size {new_size}\n  /Root {root} 0 R\n  /Info {info_num} 0 R\n  /Prev {prev}\n>>\nstartxref\n{xref_at}\n%%EOF"
    ));
    out.extend_from_slice(xref.as_bytes());
    Ok(out)
}

/// A PDF text string: UTF-16BE with its byte-order mark, in hex (any character, no escaping).
fn pdf_text(s: &str) -> String {
    let mut hex = String::from("<FEFF");
    for unit in s.encode_utf16() {
        hex.push_str(&format!("{unit:04X}"));
    }
    hex.push('>');
    hex
}
