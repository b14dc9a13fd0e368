//! The stats panel: P(target) with its Monte Carlo error and interval, the median and 90% range
//! in the target year, and the run's paths and seed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::panel;
use crate::format::{money, money_short, percent, probability_decimals, thousands};
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// The panel's one line on what the "±" leaves out (MC: Monte Carlo, the simulation's error).
pub const INPUTS_NOTE: &str = "Inputs matter more: see Drivers";

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let state = match (&slot.run, slot.pending) {
        (Some(run), true) if run.preview => " · preview",
        (_, true) => " · running…",
        _ => "",
    };
    let edited = if slot.scenario.provenance.is_edited() {
        " · edited"
    } else {
        ""
    };
    let block = panel(
        super::fit_title(format!(" Stats{edited}{state} "), area.width),
        t,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let s = &slot.scenario;
    let Some(run) = &slot.run else {
        match &slot.error {
            Some(e) => Paragraph::new(e.as_str())
                .style(t.base().fg(t.miss))
                .wrap(Wrap { trim: true })
                .render(inner, buf),
            None => Paragraph::new("simulating…")
                .style(t.dim())
                .render(inner, buf),
        }
        return;
    };
    let tp = &run.target;
    let decimals = probability_decimals(tp.std_error);
    let p_text = percent(tp.probability, decimals);
    let strong = t.base().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(vec![
        Span::styled("P(", t.dim()),
        Span::styled(money_short(s.target.revenue), t.base().fg(t.target)),
        Span::styled(format!(" in {})", s.target.year), t.dim()),
    ])];
    let error = format!(" ±{} pts (95% MC)", tp.margin_points());
    let big = t.big_figures && inner.width >= big_width(&p_text) && inner.height >= 8;
    if big {
        lines.extend(
            big_text(&p_text)
                .into_iter()
                .map(|row| Line::styled(row, t.accent())),
        );
        lines.push(Line::styled(error.trim_start().to_string(), t.dim()));
    } else {
        lines.push(Line::from(vec![
            Span::styled(p_text, t.accent()),
            Span::styled(error, t.dim()),
        ]));
    }
    // The "±" is simulation error only; say so, and that the inputs matter more.
    let note = [
        INPUTS_NOTE,
        "Inputs matter more: Drivers",
        "Inputs matter more",
    ]
    .into_iter()
    .find(|n| n.chars().count() <= usize::from(inner.width))
    .unwrap_or("");
    lines.push(Line::styled(note, t.dim()));
    if let Some(y) = run.projection.year(s.target.year) {
        lines.push(Line::from(vec![
            Span::styled(format!("Median {} ", s.target.year), t.dim()),
            Span::styled(money(y.median()), strong),
        ]));
        lines.push(Line::from(vec![
            Span::styled("90% range ", t.dim()),
            Span::styled(
                format!("{}–{}", money_short(y.p5()), money_short(y.p95())),
                strong,
            ),
        ]));
    }
    if !big {
        // How many paths are in: a preview says how far it is towards the full run.
        let mut paths = thousands(run.projection.paths() as f64, 0);
        if run.preview {
            paths = format!("{paths} of {}", thousands(run.full_paths as f64, 0));
        }
        let seed = run.projection.settings.seed;
        let text = [
            format!("{paths} paths · seed {seed}"),
            format!("n {paths} · seed {seed}"),
            format!("{paths} paths"),
        ]
        .into_iter()
        .find(|t| t.chars().count() <= usize::from(inner.width))
        .unwrap_or_else(|| format!("n {paths}"));
        lines.push(Line::styled(text, t.dim()));
    }
    Paragraph::new(lines).style(t.base()).render(inner, buf);
}

/// Large figures for a projector, as a font sheet: three rows of block characters, the glyphs of
/// `BIG_CHARS` side by side in each, parted by `|`.
const BIG_CHARS: &str = "0123456789.%";
const BIG_ROWS: [&str; 3] = [
    "█▀█|▀█ |▀▀█|▀▀█|█ █|█▀▀|█▀▀|▀▀█|█▀█|█▀█| |▀ █",
    "█ █| █ |█▀▀| ▀█|▀▀█|▀▀█|█▀█|  █|█▀█|▀▀█| | █ ",
    "▀▀▀|▀▀▀|▀▀▀|▀▀▀|  ▀|▀▀▀|▀▀▀|  ▀|▀▀▀|▀▀▀|▀|█ ▄",
];

fn glyph(c: char) -> Option<[&'static str; 3]> {
    let i = BIG_CHARS.find(c)?;
    Some(BIG_ROWS.map(|row| row.split('|').nth(i).unwrap_or_default()))
}

pub fn big_width(text: &str) -> u16 {
    text.chars()
        .filter_map(glyph)
        .map(|g| g[0].chars().count() as u16 + 1)
        .sum()
}

pub fn big_text(text: &str) -> [String; 3] {
    let mut rows = [String::new(), String::new(), String::new()];
    for g in text.chars().filter_map(glyph) {
        for (row, part) in rows.iter_mut().zip(g.iter()) {
            row.push_str(part);
            row.push(' ');
        }
    }
    rows
}

/// Rows a theme's stats need (used by the layout; kept next to the drawing it describes).
pub fn rows(t: &Theme) -> u16 {
    if t.big_figures { 8 } else { 6 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_digits_line_up() {
        let rows = big_text("71.2%");
        let w: Vec<usize> = rows.iter().map(|r| r.chars().count()).collect();
        assert!(w.iter().all(|x| *x == w[0]), "{rows:?}");
        assert_eq!(w[0], usize::from(big_width("71.2%")));
    }
}
