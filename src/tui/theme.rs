//! Colour themes. Palettes follow Okabe–Ito hues for the lines so that they stay distinct for
//! colour-blind readers; bands are one hue in graduated lightness.

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
    pub fn new(name: ThemeName, color: bool) -> Theme {
        let theme = match name {
            ThemeName::Dark => Theme {
                name,
                color,
                bg: Color::Reset,
                fg: Color::Reset,
                dim: Color::Rgb(130, 130, 130),
                accent: OKABE_SKY,
                border: Color::Rgb(90, 90, 90),
                bands: [
                    Color::Rgb(28, 52, 88),
                    Color::Rgb(40, 84, 140),
                    Color::Rgb(62, 124, 196),
                ],
                median: Color::Rgb(255, 255, 255),
                history: OKABE_ORANGE,
                target: OKABE_PURPLE,
                reach: OKABE_GREEN,
                miss: OKABE_VERMILLION,
                series: series_colors(true),
                selection: Style::new()
                    .bg(Color::Rgb(50, 50, 70))
                    .add_modifier(Modifier::BOLD),
                big_figures: false,
            },
            ThemeName::Light => Theme {
                name,
                color,
                bg: Color::Rgb(255, 255, 255),
                fg: Color::Rgb(20, 20, 20),
                dim: Color::Rgb(110, 110, 110),
                accent: Color::Rgb(0, 90, 160),
                border: Color::Rgb(170, 170, 170),
                bands: [
                    Color::Rgb(208, 226, 243),
                    Color::Rgb(160, 198, 232),
                    Color::Rgb(105, 160, 212),
                ],
                median: Color::Rgb(8, 40, 90),
                history: Color::Rgb(190, 110, 0),
                target: Color::Rgb(170, 40, 120),
                reach: Color::Rgb(0, 130, 95),
                miss: OKABE_VERMILLION,
                series: series_colors(false),
                selection: Style::new()
                    .bg(Color::Rgb(220, 228, 240))
                    .add_modifier(Modifier::BOLD),
                big_figures: false,
            },
            ThemeName::Classroom => Theme {
                name,
                color,
                bg: Color::Rgb(0, 0, 0),
                fg: Color::Rgb(255, 255, 255),
                dim: Color::Rgb(200, 200, 200),
                accent: OKABE_YELLOW,
                border: Color::Rgb(255, 255, 255),
                bands: [
                    Color::Rgb(0, 60, 130),
                    Color::Rgb(0, 105, 200),
                    Color::Rgb(70, 165, 255),
                ],
                median: Color::Rgb(255, 236, 0),
                history: Color::Rgb(255, 150, 0),
                target: Color::Rgb(255, 90, 170),
                reach: Color::Rgb(0, 220, 150),
                miss: Color::Rgb(255, 110, 40),
                series: series_colors(true),
                selection: Style::new()
                    .bg(Color::Rgb(255, 236, 0))
                    .fg(Color::Rgb(0, 0, 0))
                    .add_modifier(Modifier::BOLD),
                big_figures: true,
            },
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
