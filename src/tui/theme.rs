//! Colour themes. Palettes follow Okabe–Ito hues for the lines so that they stay distinct for
//! colour-blind readers; bands are one hue in graduated lightness.
//!
//! Band colours are set by contrast (WCAG relative luminance): the outer 5–95% band stands at
//! least 3:1 from the background (the level WCAG asks of graphical objects), each band is
//! visibly lighter or darker than the next, and the median stands 3:1 from the inner band it
//! runs through. The dark theme draws on the terminal's own background, taken to be black.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ThemeName {
    /// Light text on the terminal's dark background
    #[default]
    Dark,
    /// Dark text on white, for printing screenshots
    Light,
    /// High contrast and large figures, for a projector
    Classroom,
}

impl ThemeName {
    pub fn next(self) -> ThemeName {
        match self {
            ThemeName::Dark => ThemeName::Light,
            ThemeName::Light => ThemeName::Classroom,
            ThemeName::Classroom => ThemeName::Dark,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Classroom => "classroom",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: ThemeName,
    /// False under `NO_COLOR`: every colour is the terminal default and charts use glyphs.
    pub color: bool,
    pub bg: Color,
    pub fg: Color,
    pub dim: Color,
    pub accent: Color,
    pub border: Color,
    /// Fan bands from the outside in: 5–95, 10–90, 25–75.
    pub bands: [Color; 3],
    pub median: Color,
    pub history: Color,
    pub target: Color,
    /// The target marker (◆) where it stands on a band: the target's hue, dark or pale enough
    /// to stand 3:1 from every band (the target colour itself is the bands' lightness).
    pub marker: Color,
    /// Paths that reach the target, and those that do not.
    pub reach: Color,
    pub miss: Color,
    /// One colour per scenario on the Compare tab, from the table the charts use
    /// ([`crate::series_style`]), so a scenario has the same colour on screen and in print.
    pub series: [Color; 12],
    pub selection: Style,
    /// Draw P(target) in large digits.
    pub big_figures: bool,
}

const fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(r, g, b)
}

const OKABE_ORANGE: Color = Color::Rgb(230, 159, 0);
const OKABE_SKY: Color = Color::Rgb(86, 180, 233);
const OKABE_GREEN: Color = Color::Rgb(0, 158, 115);
const OKABE_YELLOW: Color = Color::Rgb(240, 228, 66);
const OKABE_VERMILLION: Color = Color::Rgb(213, 94, 0);
const OKABE_PURPLE: Color = Color::Rgb(204, 121, 167);

/// The shared series table's colours, for a dark or a light background.
fn series_colors(dark_background: bool) -> [Color; 12] {
    std::array::from_fn(|i| {
        let (r, g, b) = crate::series_style::series(i, dark_background).rgb;
        Color::Rgb(r, g, b)
    })
}

impl Theme {
    /// The themes' colours as a table: one row per role, one column per theme, in the order
    /// dark, light, classroom.
    pub fn new(name: ThemeName, color: bool) -> Theme {
        let i = name as usize;
        let theme = Theme {
            name,
            color,
            bg: [Color::Reset, rgb(255, 255, 255), rgb(0, 0, 0)][i],
            fg: [Color::Reset, rgb(20, 20, 20), rgb(255, 255, 255)][i],
            dim: [rgb(130, 130, 130), rgb(110, 110, 110), rgb(200, 200, 200)][i],
            accent: [OKABE_SKY, rgb(0, 90, 160), OKABE_YELLOW][i],
            border: [rgb(90, 90, 90), rgb(170, 170, 170), rgb(255, 255, 255)][i],
            bands: [
                [rgb(28, 102, 205), rgb(69, 123, 222), rgb(111, 145, 226)],
                [rgb(111, 145, 226), rgb(76, 125, 222), rgb(29, 107, 213)],
                [rgb(23, 90, 183), rgb(30, 109, 219), rgb(86, 130, 223)],
            ][i],
            median: [rgb(255, 255, 255), rgb(0, 22, 66), rgb(255, 236, 0)][i],
            history: [OKABE_ORANGE, rgb(190, 110, 0), rgb(255, 150, 0)][i],
            target: [OKABE_PURPLE, rgb(170, 40, 120), rgb(255, 90, 170)][i],
            marker: [rgb(40, 0, 30), rgb(40, 0, 30), rgb(255, 240, 250)][i],
            reach: [OKABE_GREEN, rgb(0, 130, 95), rgb(0, 220, 150)][i],
            miss: [OKABE_VERMILLION, OKABE_VERMILLION, rgb(255, 110, 40)][i],
            series: series_colors(name != ThemeName::Light),
            selection: [
                Style::new().bg(rgb(50, 50, 70)),
                Style::new().bg(rgb(220, 228, 240)),
                Style::new().bg(rgb(255, 236, 0)).fg(rgb(0, 0, 0)),
            ][i]
                .add_modifier(Modifier::BOLD),
            big_figures: name == ThemeName::Classroom,
        };
        if color { theme } else { theme.monochrome() }
    }

    /// The theme with every colour removed; emphasis by bold and reverse video only.
    fn monochrome(self) -> Theme {
        let r = Color::Reset;
        Theme {
            color: false,
            bg: r,
            fg: r,
            dim: r,
            accent: r,
            border: r,
            bands: [r; 3],
            median: r,
            history: r,
            target: r,
            marker: r,
            reach: r,
            miss: r,
            series: [r; 12],
            selection: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            ..self
        }
    }

    /// Theme for the terminal: `NO_COLOR` set to anything non-empty removes colour.
    pub fn from_env(name: ThemeName) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme::new(name, !no_color)
    }

    /// The background colours are drawn on: the theme's own, or black for the terminal's.
    pub fn background_rgb(&self) -> Color {
        match self.bg {
            Color::Reset => Color::Rgb(0, 0, 0),
            c => c,
        }
    }

    /// The colour of the target marker drawn on `under`: the marker colour, else the target's,
    /// whichever first stands at least [`MARKER_CONTRAST`] from it, else black or white.
    pub fn marker_on(&self, under: Color) -> Color {
        let under = match under {
            Color::Reset => self.background_rgb(),
            c => c,
        };
        let ratio = |c: Color| contrast_ratio(c, under).unwrap_or(0.0);
        [self.marker, self.target]
            .into_iter()
            .find(|&c| ratio(c) >= MARKER_CONTRAST)
            .unwrap_or_else(|| {
                let (black, white) = (Color::Rgb(0, 0, 0), Color::Rgb(255, 255, 255));
                if ratio(black) >= ratio(white) {
                    black
                } else {
                    white
                }
            })
    }

    pub fn base(&self) -> Style {
        Style::new().fg(self.fg).bg(self.bg)
    }
    pub fn dim(&self) -> Style {
        self.base().fg(self.dim)
    }
    pub fn accent(&self) -> Style {
        self.base().fg(self.accent).add_modifier(Modifier::BOLD)
    }
    pub fn border(&self) -> Style {
        self.base().fg(self.border)
    }
    pub fn title(&self) -> Style {
        let s = self.base().add_modifier(Modifier::BOLD);
        if self.name == ThemeName::Classroom {
            s.fg(self.accent)
        } else {
            s
        }
    }
}

/// Contrast the target marker keeps from what it is drawn on: WCAG's level for graphical
/// objects.
pub const MARKER_CONTRAST: f64 = 3.0;

/// WCAG relative luminance of an RGB colour (None for the terminal's named colours).
pub fn relative_luminance(c: Color) -> Option<f64> {
    let Color::Rgb(r, g, b) = c else { return None };
    Some(crate::series_style::relative_luminance((r, g, b)))
}

/// WCAG contrast ratio of two RGB colours, from 1 (none) to 21 (black on white).
pub fn contrast_ratio(a: Color, b: Color) -> Option<f64> {
    let (la, lb) = (relative_luminance(a)?, relative_luminance(b)?);
    Some((la.max(lb) + 0.05) / (la.min(lb) + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    const THEMES: [ThemeName; 3] = [ThemeName::Dark, ThemeName::Light, ThemeName::Classroom];

    #[test]
    fn contrast_follows_the_wcag_formula() {
        let black = Color::Rgb(0, 0, 0);
        let white = Color::Rgb(255, 255, 255);
        assert!((contrast_ratio(black, white).unwrap() - 21.0).abs() < 1e-9);
        assert_eq!(contrast_ratio(white, white), Some(1.0));
        // #767676 on white is WCAG's well-known 4.54:1.
        let grey = contrast_ratio(Color::Rgb(0x76, 0x76, 0x76), white).unwrap();
        assert!((grey - 4.54).abs() < 0.01, "{grey}");
        assert_eq!(contrast_ratio(Color::Reset, white), None);
    }

    /// The target marker had 1.01:1 contrast against its band (dark),
    /// 1.25:1 (light), 1.29:1 (classroom). Now its colour on each band, on the background and on
    /// every line it can sit by stands at least 3:1 from it, in every theme.
    #[test]
    fn the_target_marker_stands_out_from_whatever_it_is_on() {
        for name in THEMES {
            let t = Theme::new(name, true);
            let c = |a, b| contrast_ratio(a, b).unwrap();
            // On a band the theme's marker colour itself is drawn.
            for band in t.bands {
                assert_eq!(t.marker_on(band), t.marker, "{name:?}");
                assert!(
                    c(t.marker, band) >= MARKER_CONTRAST,
                    "{name:?}: marker on {band:?} {:.2}:1",
                    c(t.marker, band)
                );
            }
            let under = [t.bg, t.median, t.history, t.target, t.dim]
                .into_iter()
                .chain(t.series)
                .chain([t.reach, t.miss]);
            for u in under {
                let m = t.marker_on(u);
                let u = if u == Color::Reset {
                    t.background_rgb()
                } else {
                    u
                };
                assert!(
                    c(m, u) >= MARKER_CONTRAST,
                    "{name:?}: on {u:?} {:.2}:1",
                    c(m, u)
                );
            }
        }
    }

    /// The 5–95% band was nearly invisible in the dark and classroom themes (1.7:1 and 2.0:1
    /// against black).
    #[test]
    fn every_band_stands_out_from_the_background_and_from_the_next() {
        for name in THEMES {
            let t = Theme::new(name, true);
            let [outer, middle, inner] = t.bands;
            let c = |a, b| contrast_ratio(a, b).unwrap();
            let bg = t.background_rgb();
            assert!(
                c(outer, bg) >= 3.0,
                "{name:?}: outer band {:.2}:1",
                c(outer, bg)
            );
            assert!(
                c(middle, outer) >= 1.25,
                "{name:?}: 10–90 vs 5–95 {:.2}",
                c(middle, outer)
            );
            assert!(
                c(inner, middle) >= 1.25,
                "{name:?}: 25–75 vs 10–90 {:.2}",
                c(inner, middle)
            );
            assert!(
                c(t.median, inner) >= 3.0,
                "{name:?}: median on 25–75 {:.2}",
                c(t.median, inner)
            );
            // Graduated: each band further from the background than the one outside it.
            let from_bg = |x| c(x, bg);
            assert!(from_bg(inner) > from_bg(middle) && from_bg(middle) > from_bg(outer));
        }
    }
}
