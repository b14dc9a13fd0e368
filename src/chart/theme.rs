//! Colours and sizes shared by every chart kind.
//!
//! Series colours come from the Okabe–Ito palette, which stays distinguishable under the common
//! forms of colour blindness. Band shades are opaque blends of one hue with the background, so
//! nested bands read as darker-is-likelier and print the same as they look on screen.

use plotters::style::RGBColor;

/// Look of a chart: `light` prints well (the default), `dark` suits dark slides, `classroom` is
/// high contrast with larger text and thicker lines for projectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Theme {
    #[default]
    Light,
    Dark,
    Classroom,
}

/// Okabe–Ito colours.
pub mod okabe_ito {
    use plotters::style::RGBColor;
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
}

/// Everything a chart needs to know about colour and weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    pub background: RGBColor,
    pub text: RGBColor,
    /// Secondary text: subtitles, footer, tick labels.
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    /// Published history.
    pub history: RGBColor,
    /// Median projection over the bands.
    pub median: RGBColor,
    /// Percentile bands, outermost (5–95) first.
    pub bands: [RGBColor; 3],
    /// The target line and marker on single-scenario charts.
    pub target: RGBColor,
    /// Neutral reference lines (target on multi-scenario charts, 50% line).
    pub reference: RGBColor,
    /// One colour per scenario on multi-scenario charts, in order, from the table shared with
    /// the TUI ([`crate::series_style`]); the dashes come from the same table.
    pub series: [RGBColor; 12],
    /// Histogram bars below the target.
    pub below: RGBColor,
    /// Multiplier for every font size.
    pub text_scale: f64,
    /// Multiplier for every line width.
    pub line_scale: f64,
}

/// `a` blended over `b`: `t = 1` gives `a`, `t = 0` gives `b`.
pub fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let mix = |x: u8, y: u8| {
        (f64::from(x) * t + f64::from(y) * (1.0 - t))
            .round()
            .clamp(0.0, 255.0) as u8
    };
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// WCAG contrast ratio between two colours, 1 to 21.
pub fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let l = |c: RGBColor| crate::series_style::relative_luminance((c.0, c.1, c.2));
    let (x, y) = (l(a), l(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// `c` as a text colour on `background`: darkened (on a light background) or lightened (on a
/// dark one) by the least that reads at 4.5:1 (WCAG AA), so orange or green words stay
/// legible; unchanged where it already does.
pub fn text_tone(c: RGBColor, background: RGBColor) -> RGBColor {
    let light =
        crate::series_style::relative_luminance((background.0, background.1, background.2)) > 0.18;
    let end = if light {
        RGBColor(0, 0, 0)
    } else {
        RGBColor(0xFF, 0xFF, 0xFF)
    };
    (0..=40)
        .map(|k| blend(end, c, f64::from(k) / 40.0))
        .find(|&x| contrast(x, background) >= 4.5)
        .unwrap_or(end)
}

/// The shared series table's colours, for a dark or a light background.
fn series_colors(dark_background: bool) -> [RGBColor; 12] {
    std::array::from_fn(|i| {
        let (r, g, b) = crate::series_style::series(i, dark_background).rgb;
        RGBColor(r, g, b)
    })
}

/// A colour written as 0xRRGGBB.
const fn hex(c: u32) -> RGBColor {
    RGBColor((c >> 16) as u8, (c >> 8) as u8, c as u8)
}

impl Theme {
    /// The themes' colours as a table: one row per role, one column per theme, in the order
    /// light, dark, classroom. The median and the bands are one hue, blended the same way in
    /// every theme.
    pub fn palette(self) -> Palette {
        use okabe_ito::*;
        let i = self as usize;
        let bg = hex([0xFFFFFF, 0x16191F, 0xFFFFFF][i]);
        let hue = [BLUE, SKY_BLUE, BLUE][i];
        let band_weights = [[0.28, 0.45, 0.64], [0.28, 0.46, 0.68], [0.30, 0.50, 0.72]][i];
        Palette {
            background: bg,
            text: hex([0x1A1A1A, 0xEEEEEE, 0x000000][i]),
            muted: hex([0x555555, 0xB0B4BA, 0x222222][i]),
            grid: hex([0xE4E4E4, 0x2E333B, 0xCCCCCC][i]),
            axis: hex([0x707070, 0x8A9098, 0x000000][i]),
            history: hex([0x1A1A1A, 0xF5F5F5, 0x000000][i]),
            median: blend(
                hue,
                hex([0x000000, 0xFFFFFF, 0x000000][i]),
                [0.7, 0.45, 0.55][i],
            ),
            bands: band_weights.map(|w| blend(hue, bg, w)),
            target: [VERMILLION, ORANGE, VERMILLION][i],
            // Dark grey, not black, in the classroom: a reference, never read as a series.
            reference: hex([0x444444, 0xC8C8C8, 0x333333][i]),
            series: series_colors(self == Theme::Dark),
            below: hex([0xBBBBBB, 0x5A6068, 0x999999][i]),
            text_scale: [1.0, 1.0, 1.3][i],
            line_scale: [1.0, 1.0, 1.6][i],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(c: RGBColor) -> f64 {
        crate::series_style::relative_luminance((c.0, c.1, c.2))
    }

    #[test]
    fn outer_band_stands_out_from_the_page_in_greyscale() {
        // #D6E8F3 on white was 1.26:1, which vanished in greyscale print.
        for theme in [Theme::Light, Theme::Classroom] {
            let p = theme.palette();
            let ratio = (luminance(p.background) + 0.05) / (luminance(p.bands[0]) + 0.05);
            assert!(ratio >= 1.45, "{theme:?}: {ratio:.2}");
        }
    }

    #[test]
    fn coloured_text_reads_at_four_and_a_half_to_one() {
        for theme in [Theme::Light, Theme::Dark, Theme::Classroom] {
            let p = theme.palette();
            for c in p.series.iter().chain([&p.target, &okabe_ito::ORANGE]) {
                let t = text_tone(*c, p.background);
                assert!(contrast(t, p.background) >= 4.5, "{theme:?} {c:?}");
            }
        }
        // Orange on white was 2.2:1.
        assert!(contrast(okabe_ito::ORANGE, RGBColor(255, 255, 255)) < 2.5);
        // Already legible: unchanged.
        let blue = okabe_ito::BLUE;
        assert_eq!(text_tone(blue, RGBColor(255, 255, 255)), blue);
    }

    #[test]
    fn reference_lines_are_neutral_and_no_series_colour() {
        for theme in [Theme::Light, Theme::Dark, Theme::Classroom] {
            let p = theme.palette();
            let r = p.reference;
            let spread = r.0.max(r.1).max(r.2) - r.0.min(r.1).min(r.2);
            assert!(spread <= 8, "{theme:?}: {r:?} is not grey");
            assert!(!p.series.contains(&r));
        }
    }

    #[test]
    fn blend_ends_and_middle() {
        let a = RGBColor(200, 100, 0);
        let b = RGBColor(0, 0, 100);
        assert_eq!(blend(a, b, 1.0), a);
        assert_eq!(blend(a, b, 0.0), b);
        assert_eq!(blend(a, b, 0.5), RGBColor(100, 50, 50));
    }

    #[test]
    fn bands_are_distinct_and_darken_inwards_on_light() {
        for theme in [Theme::Light, Theme::Classroom] {
            let p = theme.palette();
            let lum = |c: RGBColor| u32::from(c.0) + u32::from(c.1) + u32::from(c.2);
            assert!(lum(p.bands[0]) > lum(p.bands[1]) && lum(p.bands[1]) > lum(p.bands[2]));
            assert_ne!(p.bands[2], p.median);
        }
        let d = Theme::Dark.palette();
        assert_ne!(d.bands[0], d.bands[1]);
        assert_ne!(d.bands[1], d.bands[2]);
    }
}
