//! Drawing: one module per tab and per panel. Views read the state and never change it.

pub mod about;
pub mod compare;
pub mod distribution;
pub mod drivers;
pub mod fan_tab;
pub mod help;
pub mod layout;
pub mod params;
pub mod scenarios;
pub mod stats;
pub mod years;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::app::{App, Tab};
use super::theme::Theme;
use crate::format::thousands;
use layout::{APP_TITLE, MIN_HEIGHT, MIN_WIDTH, Regions, tab_label_in};

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    render(app, area, frame.buffer_mut());
}

/// Everything, into a buffer (used directly by tests).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    buf.set_style(area, t.base());
    let regions = layout::compute(area, app);
    if regions.too_small {
        let question = app.status.as_deref().filter(|_| app.confirm_quit);
        too_small(area, buf, t, question);
        return;
    }
    tab_bar(app, &regions, buf);
    // The walkthrough takes the whole width: a class needs the picture, not the controls.
    if app.tab != Tab::Teach {
        scenarios::render(app, &regions, buf);
        stats::render(app, regions.stats, buf);
        params::render(app, &regions, buf);
        years::render(app, regions.years, buf);
        about::render(app, regions.about, buf);
    }
    match app.tab {
        Tab::Fan => fan_tab::render(app, regions.main, buf),
        Tab::Compare => compare::render(app, regions.main, buf),
        Tab::Distribution => distribution::render(app, regions.main, buf),
        Tab::Drivers => drivers::render(app, regions.main, buf),
        Tab::Teach => crate::tui::teach::view::render(&app.teach, t, regions.main, buf),
    }
    status_line(app, regions.status, buf);
    if app.help {
        help::render(app, area, buf);
    }
}

fn too_small(area: Rect, buf: &mut Buffer, t: &Theme, status: Option<&str>) {
    let mut text = format!(
        "Terminal too small: {}×{}. safetech needs at least {MIN_WIDTH}×{MIN_HEIGHT}. Enlarge it, or q to quit.",
        area.width, area.height
    );
    // A question (unsaved edits) must be seen here too.
    if let Some(s) = status {
        text = format!("{s}\n{text}");
    }
    Paragraph::new(text)
        .style(t.base())
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

fn tab_bar(app: &App, r: &Regions, buf: &mut Buffer) {
    let t = &app.theme;
    buf.set_string(r.tab_bar.x, r.tab_bar.y, APP_TITLE, t.accent());
    for (tab, rect) in &r.tabs {
        let style = if *tab == app.tab {
            t.selection
        } else {
            t.dim()
        };
        buf.set_stringn(
            rect.x,
            rect.y,
            tab_label_in(*tab, rect.width),
            usize::from(rect.width),
            style,
        );
    }
    let right = if app.tab == Tab::Teach {
        format!("seed {} ", app.settings.seed)
    } else {
        format!(
            "{} paths · seed {} · {} ",
            thousands(app.settings.paths as f64, 0),
            app.settings.seed,
            if app.log_scale { "log" } else { "linear" }
        )
    };
    // What the scenarios' runs hold, where there is room: the memory the budget counts.
    let held: u64 = app
        .slots
        .iter()
        .filter_map(|s| s.run.as_ref())
        .map(|r| r.held_bytes())
        .sum();
    let with_held = format!("runs hold {} · {right}", crate::numbers::format_bytes(held));
    let after_tabs = r.tabs.last().map_or(r.tab_bar.x, |(_, rc)| rc.right() + 1);
    let fits = |s: &str| r.tab_bar.right() >= after_tabs + s.chars().count() as u16;
    let right = if app.tab != Tab::Teach && fits(&with_held) {
        with_held
    } else {
        right
    };
    if fits(&right) {
        let w = right.chars().count() as u16;
        buf.set_string(r.tab_bar.right() - w, r.tab_bar.y, right, t.dim());
    }
}

/// The key bars of the status line, longest first: the longest that fits is shown. The
/// shorter ones leave keys out and say `? keys`, where the help lists every one.
pub const KEY_BARS: [&str; 4] = [
    "←/→ change  Enter type  ↑/↓ select  [/] scenario  s save  x/r/R reset  d copy  n seed  +/- paths  e export  ? help  q quit",
    "←→ change  Enter type  ↑↓ select  [ ] scenario  s save  x/R reset  d copy  +- paths  e export  ? keys  q quit",
    "←→ change  ↑↓ select  [ ] scenario  s save  +- paths  e export  ? keys  q quit",
    "←→ change  ↑↓ select  [ ] scenario  ? keys  q quit",
];
/// The same for the Teach tab.
pub const TEACH_KEY_BARS: [&str; 2] = [
    "space/→ next  ←/backspace back  Home/End first/last  a replay  n new futures  1–5/Tab other tabs  q quit",
    "space → next  ← back  Home/End  n new futures  q quit",
];

fn status_line(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let width = usize::from(area.width);
    let bars: &[&str] = if app.tab == Tab::Teach {
        &TEACH_KEY_BARS
    } else {
        &KEY_BARS
    };
    // The leading space takes a cell.
    let fits = |s: &str| s.chars().count() < width;
    let hint = bars
        .iter()
        .copied()
        .find(|b| fits(b))
        .unwrap_or(bars[bars.len() - 1]);
    let hint = if app.entry.is_some() {
        "type a value in the units shown, Enter to apply, Esc to cancel"
    } else {
        hint
    };
    // What does not fit ends in "…", never cut without a sign.
    let line = match &app.status {
        Some(msg) => Line::from(vec![Span::styled(
            ellipsis(&format!(" {msg}"), width),
            t.accent(),
        )]),
        None => Line::from(Span::styled(ellipsis(&format!(" {hint}"), width), t.dim())),
    };
    Paragraph::new(line).style(t.base()).render(area, buf);
}

/// A panel's title as it fits on the top border of a panel `width` wide (corners kept): cut
/// with "…" where it is longer.
pub fn fit_title(title: impl Into<String>, width: u16) -> String {
    let title = title.into();
    let room = usize::from(width.saturating_sub(2));
    if title.chars().count() <= room {
        title
    } else {
        ellipsis(title.trim_end(), room)
    }
}

/// A bordered panel in the theme's colours.
pub fn panel<'a>(title: impl Into<Line<'a>>, t: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.border())
        .style(t.base())
        .title(title.into().style(t.title()))
}

/// Legend entry: a swatch in a colour and a label.
pub fn swatch(symbol: &str, colour: Style, label: &str, t: &Theme) -> [Span<'static>; 2] {
    [
        Span::styled(symbol.to_string(), colour),
        Span::styled(format!(" {label} "), t.dim()),
    ]
}

/// A legend of whole entries: those that fit in `width` cells, in order, and "…" in place of
/// the rest, so that no entry is cut without a sign.
pub fn legend(entries: Vec<Vec<Span<'static>>>, width: u16, t: &Theme) -> Line<'static> {
    let width = usize::from(width);
    let w = |e: &[Span]| e.iter().map(Span::width).sum::<usize>();
    let total: usize = entries.iter().map(|e| w(e)).sum();
    let mut spans = Vec::new();
    if total <= width {
        spans.extend(entries.into_iter().flatten());
        return Line::from(spans);
    }
    let mut used = 0;
    for entry in entries {
        // Room for this entry and the "…" after it.
        if used + w(&entry) + 1 > width {
            break;
        }
        used += w(&entry);
        spans.extend(entry);
    }
    spans.push(Span::styled("…", t.dim()));
    Line::from(spans)
}

/// A centred note for a view with nothing to show yet.
pub fn placeholder(area: Rect, buf: &mut Buffer, text: &str, t: &Theme) {
    if area.height == 0 {
        return;
    }
    let y = area.y + area.height / 2;
    let line = Line::styled(text.to_string(), t.dim().add_modifier(Modifier::ITALIC)).centered();
    line.render(Rect::new(area.x, y, area.width, 1), buf);
}

/// What stands where a scenario's result would be while it has none: why its run stopped
/// (`error`, wrapped to the area, from a third of the way down), else that it is simulating.
pub fn no_result(area: Rect, buf: &mut Buffer, error: Option<&str>, t: &Theme) {
    let Some(error) = error else {
        placeholder(area, buf, "simulating…", t);
        return;
    };
    let top = area.height / 3;
    let rest = Rect::new(area.x, area.y + top, area.width, area.height - top);
    Paragraph::new(error.to_string())
        .style(t.base().fg(t.miss))
        .alignment(ratatui::layout::Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(rest, buf);
}

/// `text` cut to `width` characters, with an ellipsis when cut.
pub fn ellipsis(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}
