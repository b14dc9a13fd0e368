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
