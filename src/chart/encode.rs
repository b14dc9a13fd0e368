//! Encoding a rendered chart's pixels as a file.

use anyhow::{Context, Result};

/// Compressed hard: an 8-bit palette when the chart has at most 256 colours (the usual case:
/// text coverage comes in eight levels), else RGB with adaptive filtering, both at the best
/// deflate level; with the resolution in a pHYs chunk so word processors place the image at its
/// intended size, and `text` (keyword, text) as international text (iTXt) chunks: UTF-8, since
/// "±", "≥" and "–" are not Latin-1.
pub(super) fn png(rgb: &[u8], w: u32, h: u32, dpi: u32, text: &[(&str, &str)]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut enc = encoder(&mut out, w, h, dpi, text)?;
    match indexed(rgb) {
        // Indices compress best unfiltered.
        Some((palette, indices)) => {
            enc.set_color(png::ColorType::Indexed);
            enc.set_palette(palette);
            enc.set_filter(png::FilterType::NoFilter);
            write(enc, &indices)?;
        }
        None => write_filtered(enc, png::ColorType::Rgb, rgb)?,
    }
    Ok(out)
}

/// Writes `pixels` through `enc`, which is set up for them.
fn write(enc: png::Encoder<'_, &mut Vec<u8>>, pixels: &[u8]) -> Result<()> {
    let mut writer = enc.write_header().context("encoding PNG")?;
    writer.write_image_data(pixels).context("encoding PNG")?;
    writer.finish().context("encoding PNG")
}

/// Writes true-colour `pixels` (`color` RGB or RGBA) with adaptive filtering.
fn write_filtered(
    mut enc: png::Encoder<'_, &mut Vec<u8>>,
    color: png::ColorType,
    pixels: &[u8],
) -> Result<()> {
    enc.set_color(color);
    enc.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    write(enc, pixels)
}

/// An 8-bit encoder at the best deflate level, with the resolution (pHYs) and the text chunks
/// of [`png`]; the caller sets the colour type.
fn encoder<'w>(
    out: &'w mut Vec<u8>,
    w: u32,
    h: u32,
    dpi: u32,
    text: &[(&str, &str)],
) -> Result<png::Encoder<'w, &'w mut Vec<u8>>> {
    let mut enc = png::Encoder::new(out, w, h);
    for (keyword, t) in text {
        enc.add_itxt_chunk((*keyword).to_string(), (*t).to_string())
            .context("encoding PNG")?;
    }
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Best);
    let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    Ok(enc)
}

/// As [`png`], for 8-bit RGBA pixels (a transparent chart).
pub(super) fn png_rgba(
    rgba: &[u8],
    w: u32,
    h: u32,
    dpi: u32,
    text: &[(&str, &str)],
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_filtered(
        encoder(&mut out, w, h, dpi, text)?,
        png::ColorType::Rgba,
        rgba,
    )?;
    Ok(out)
}

/// The image as a palette (in order of first appearance, so the bytes are deterministic) and
/// one index per pixel, when it has at most 256 colours.
fn indexed(rgb: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut seen: std::collections::HashMap<[u8; 3], u8> = std::collections::HashMap::new();
    let mut palette = Vec::new();
    let mut indices = Vec::with_capacity(rgb.len() / 3);
    for px in rgb.chunks_exact(3) {
        let key = [px[0], px[1], px[2]];
        let i = match seen.get(&key) {
            Some(&i) => i,
            None => {
                let i = u8::try_from(seen.len()).ok()?;
                seen.insert(key, i);
                palette.extend_from_slice(&key);
                i
            }
        };
        indices.push(i);
    }
    Some((palette, indices))
}
