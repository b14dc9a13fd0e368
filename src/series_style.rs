//! One table of series styles, a colour and a dash for each scenario in the order they are
//! given, read by the charts and by the TUI so the two never drift apart.
//!
//! Six Okabe–Ito colours (distinguishable under the common colour-vision deficiencies), in an
//! order where neighbours differ in lightness (L* 46, 58, 70, 54, 71, 61: at least 9.6 apart on
//! white) and under a deuteranopia simulation; the TUI draws the first six solid and the next
//! six dashed. Charts draw the first series solid and every other with a dash pattern of its
//! own ([`SeriesStyle::pattern`]), so lines stay apart in greyscale print: no (colour, pattern)
//! pair repeats up to [`SERIES.len()`](SERIES) = 12 series. Beyond that the table starts again.

/// How a series' line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dash {
    Solid,
    /// Long dashes.
    Dashed,
}

impl Dash {
    /// Dash and gap lengths in units of the line width (none for solid lines).
    pub fn pattern(self) -> Option<(f64, f64)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((4.0, 2.5)),
        }
    }
}

/// A colour (sRGB), the TUI's dash, and the index of the charts' dash pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeriesStyle {
    pub rgb: (u8, u8, u8),
    pub dash: Dash,
    /// Into [`PATTERNS`].
    pub pattern: u8,
}

/// The charts' dash patterns, dash and gap in units of the line width: none for the first
/// series, a distinct one for each other, long dashes, dots and their mixes.
pub const PATTERNS: [Option<(f64, f64)>; 12] = [
    None,
    Some((4.0, 2.5)),
    Some((1.0, 1.5)),
    Some((8.0, 2.5)),
    Some((2.0, 2.0)),
    Some((6.0, 1.5)),
    Some((1.0, 3.0)),
    Some((3.0, 3.0)),
    Some((10.0, 4.0)),
    Some((1.5, 1.0)),
    Some((5.0, 4.0)),
    Some((2.5, 5.0)),
];

impl SeriesStyle {
    /// The charts' dash and gap in units of the line width (none: solid).
    pub fn pattern(self) -> Option<(f64, f64)> {
        PATTERNS[usize::from(self.pattern) % PATTERNS.len()]
    }
}

const BLUE: (u8, u8, u8) = (0x00, 0x72, 0xB2);
const VERMILLION: (u8, u8, u8) = (0xD5, 0x5E, 0x00);
const BLUISH_GREEN: (u8, u8, u8) = (0x00, 0x9E, 0x73);
const REDDISH_PURPLE: (u8, u8, u8) = (0xCC, 0x79, 0xA7);
const ORANGE: (u8, u8, u8) = (0xE6, 0x9F, 0x00);
const SKY_BLUE: (u8, u8, u8) = (0x56, 0xB4, 0xE9);

const COLOURS: [(u8, u8, u8); 6] = [
    BLUE,
    BLUISH_GREEN,
    SKY_BLUE,
    VERMILLION,
    ORANGE,
    REDDISH_PURPLE,
];

/// The table, on a light background: every colour solid, then every colour dashed.
pub const SERIES: [SeriesStyle; 12] = {
    let mut table = [SeriesStyle {
        rgb: BLUE,
        dash: Dash::Solid,
        pattern: 0,
    }; 12];
    let mut i = 0;
    while i < table.len() {
        table[i] = SeriesStyle {
            rgb: COLOURS[i % COLOURS.len()],
            dash: if i < COLOURS.len() {
                Dash::Solid
            } else {
                Dash::Dashed
            },
            pattern: i as u8,
        };
        i += 1;
    }
    table
};

/// WCAG relative luminance of an sRGB colour, from 0 (black) to 1 (white).
pub fn relative_luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// Style of the i-th series (0-based) on a light or dark background. On dark backgrounds the
/// colours are lifted towards white (30%) so the dark blue still stands out.
pub fn series(i: usize, dark_background: bool) -> SeriesStyle {
    let st = SERIES[i % SERIES.len()];
    if dark_background {
        SeriesStyle {
            rgb: lighten(st.rgb, 0.3),
            ..st
        }
    } else {
        st
    }
}

fn lighten((r, g, b): (u8, u8, u8), t: f64) -> (u8, u8, u8) {
    let up = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
    (up(r), up(g), up(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_pair_repeats_up_to_twelve_series() {
        for dark in [false, true] {
            let pairs: HashSet<SeriesStyle> = (0..12).map(|i| series(i, dark)).collect();
            assert_eq!(pairs.len(), 12);
        }
        assert_eq!(series(12, false), series(0, false));
        let patterns: Vec<String> = (0..12)
            .map(|i| format!("{:?}", series(i, false).pattern()))
            .collect();
        let distinct: HashSet<&String> = patterns.iter().collect();
        assert_eq!(distinct.len(), 12);
        assert_eq!(series(0, false).pattern(), None);
        assert!((1..12).all(|i| series(i, false).pattern().is_some()));
    }

    #[test]
    fn dark_backgrounds_get_lighter_colours() {
        let (l, d) = (series(0, false).rgb, series(0, true).rgb);
        assert!(d.0 > l.0 && d.1 > l.1 && d.2 > l.2);
        assert_eq!(series(7, true).dash, Dash::Dashed);
    }
}
