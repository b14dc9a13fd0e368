//! The embedded font. plotters is built without its system-font feature, so every chart,
//! SVG included (plotters measures text to lay out axes and legends), needs this registered first.

use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use plotters::style::{FontStyle, register_font};

/// The family name charts ask for. In SVG output it becomes the `font-family` attribute, so it is
/// written as a CSS list: viewers without DejaVu Sans fall back to their own sans-serif.
pub const FAMILY: &str = "DejaVu Sans, sans-serif";

pub(super) static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(super) static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the font once per process; later calls return the first outcome.
pub fn ensure_registered() -> Result<()> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR).map_err(|_| "regular".to_string())?;
        register_font(FAMILY, FontStyle::Bold, BOLD).map_err(|_| "bold".to_string())
    })
    .clone()
    .map_err(|face| anyhow!("the embedded {face} font could not be loaded"))
}
