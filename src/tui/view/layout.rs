//! Where everything goes on screen. A pure function of the terminal size and the state, shared by
//! drawing and by mouse handling so that clicks land on what was drawn.

use ratatui::layout::Rect;

use crate::scenario::parameters::Field;
use crate::tui::app::{App, Tab};
use crate::tui::params::Param;

/// Below this size only a "too small" message is drawn.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;

#[derive(Debug, Clone, Default)]
pub struct Regions {
    pub too_small: bool,
    pub tab_bar: Rect,
    pub tabs: Vec<(Tab, Rect)>,
    pub scenarios: Rect,
    pub scenario_rows: Vec<(usize, Rect)>,
    pub stats: Rect,
    pub params: Rect,
    /// Visible parameter panel lines and where they are.
    pub param_lines: Vec<(ParamLine, Rect)>,
    /// Parameter index per clickable row.
    pub param_rows: Vec<(usize, Rect)>,
    /// The selected scenario year by year, under the parameters, where the side column has
    /// rows to spare (empty otherwise).
    pub years: Rect,
    /// The selected scenario's description, in rows the year panel leaves (empty otherwise).
    pub about: Rect,
    pub main: Rect,
    pub status: Rect,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamLine {
    /// Heading naming an event.
    Event(usize),
    /// Parameter by index into the parameter list.
    Param(usize, Param),
    /// The event's "nothing happens" share, shown under its outcomes whenever it is above 0
    /// so that no part of the odds is hidden.
    NothingHappens(usize),
}

pub fn tab_label(tab: Tab) -> String {
    format!(" {} {} ", tab.index() + 1, tab.title())
}

/// The tab's label where the full ones do not all fit: "Compare" and "Distribution" shortened,
/// so that every tab stays on the bar down to the smallest size.
pub fn short_tab_label(tab: Tab) -> String {
    let title = match tab {
        Tab::Compare => "Comp.",
        Tab::Distribution => "Dist.",
        t => t.title(),
    };
    format!(" {} {title} ", tab.index() + 1)
}

/// The tab's label in a rectangle of `width` cells: the full one if it fits, else the short.
pub fn tab_label_in(tab: Tab, width: u16) -> String {
    let full = tab_label(tab);
    if full.chars().count() <= usize::from(width) {
        full
    } else {
        short_tab_label(tab)
    }
}

pub const APP_TITLE: &str = " safetech ";

/// Rows the stats panel needs, borders included.
pub fn stats_height(app: &App) -> u16 {
    super::stats::rows(&app.theme) + 2
}

pub fn compute(area: Rect, app: &App) -> Regions {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Regions {
            too_small: true,
            ..Regions::default()
        };
    }
    let tab_bar = Rect::new(area.x, area.y, area.width, 1);
    let status = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 2);

    // Every tab on the bar: with full labels where they all fit, else shortened ones.
    let start = area.x + APP_TITLE.chars().count() as u16 + 1;
    let place = |label: fn(Tab) -> String| {
        let mut tabs = Vec::new();
        let mut x = start;
        for tab in Tab::ALL {
            let w = label(tab).chars().count() as u16;
            if x + w > tab_bar.right() {
                break;
            }
            tabs.push((tab, Rect::new(x, tab_bar.y, w, 1)));
            x += w + 1;
        }
        tabs
    };
    let mut tabs = place(tab_label);
    if tabs.len() < Tab::ALL.len() {
        tabs = place(short_tab_label);
    }

    if app.tab == Tab::Teach {
        return Regions {
            too_small: false,
            tab_bar,
            tabs,
            main: body,
            status,
            ..Regions::default()
        };
    }
    let side_w = (area.width * 3 / 10).clamp(28, 38);
    let side = Rect::new(body.x, body.y, side_w, body.height);
    let main = Rect::new(body.x + side_w, body.y, body.width - side_w, body.height);

    // Scenario list gets its rows (up to a third of the height), the stats panel its fixed size,
    // the parameter panel the rest and scrolls.
    let n = app.slots.len() as u16;
    let list_h = (n + 2).min(side.height / 3).max(3);
    let stats_h = stats_height(app).min(side.height.saturating_sub(list_h + 3));
    let rest = side.height.saturating_sub(list_h + stats_h);
    // The parameters take what they need; rows left over (a tall terminal, few parameters)
    // hold the year-by-year panel rather than staying empty.
    let params_needed = param_line_count(app) as u16 + 2;
    let (params_h, years_h) = if rest >= params_needed + MIN_YEARS_HEIGHT {
        (params_needed, rest - params_needed)
    } else {
        (rest, 0)
    };
    // The year panel needs a header and a row a year; what is left past that describes the
    // scenario.
    let years_needed = app.slot().map_or(0, |s| {
        let m = &s.scenario.market;
        (i64::from(m.horizon) - i64::from(m.start_year)).clamp(0, 1000) as u16 + 3
    });
    let (years_h, about_h) = if years_h >= years_needed + MIN_ABOUT_HEIGHT {
        (years_needed, years_h - years_needed)
    } else {
        (years_h, 0)
    };
    let scenarios = Rect::new(side.x, side.y, side.width, list_h);
    let stats = Rect::new(side.x, scenarios.bottom(), side.width, stats_h);
    let params = Rect::new(side.x, stats.bottom(), side.width, params_h);
    let years = Rect::new(side.x, params.bottom(), side.width, years_h);
    let about = Rect::new(side.x, years.bottom(), side.width, about_h);

    let inner_list = inner(scenarios);
    let scroll = (app.selected as u16).saturating_sub(inner_list.height.saturating_sub(1));
    let scenario_rows = (0..inner_list.height)
        .map(|r| {
            (
                usize::from(r + scroll),
                Rect::new(inner_list.x, inner_list.y + r, inner_list.width, 1),
            )
        })
        .filter(|(i, _)| *i < app.slots.len())
        .collect();

    let (param_lines, param_rows) = place_params(app, inner(params));

    Regions {
        too_small: false,
        tab_bar,
        tabs,
        scenarios,
        scenario_rows,
        stats,
        params,
        param_lines,
        param_rows,
        years,
        about,
        main,
        status,
    }
}

/// The year panel is shown only with room for its header and a few years.
const MIN_YEARS_HEIGHT: u16 = 6;
/// The description panel, only with room for a few lines of it.
const MIN_ABOUT_HEIGHT: u16 = 5;

/// Lines of the parameter panel: each parameter, and a heading per event.
fn param_line_count(app: &App) -> usize {
    let params = app.params();
    let events = params
        .iter()
        .filter_map(|p| p.event())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    params.len() + events
}

/// Inside a bordered block.
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

type Placed = (Vec<(ParamLine, Rect)>, Vec<(usize, Rect)>);

fn place_params(app: &App, area: Rect) -> Placed {
    let mut lines = Vec::new();
    let mut last_event = None;
    let params = app.params();
    let nothing_happens = |e: usize| {
        app.slot()
            .and_then(|slot| slot.scenario.events.get(e))
            .is_some_and(|ev| ev.remainder_probability() > 1e-9)
            .then_some(ParamLine::NothingHappens(e))
    };
    for (i, p) in params.iter().enumerate() {
        if let Some(e) = p.event()
            && last_event != Some(e)
        {
            lines.extend(last_event.and_then(nothing_happens));
            lines.push(ParamLine::Event(e));
            last_event = Some(e);
        }
        lines.push(ParamLine::Param(i, *p));
    }
    lines.extend(last_event.and_then(nothing_happens));
    let visible = usize::from(area.height);
    let selected_line = lines
        .iter()
        .position(|l| matches!(l, ParamLine::Param(i, _) if *i == app.param))
        .unwrap_or(0);
    // Keep the selected line in view and, when a probability is selected, its event's
    // "nothing happens" line below it too, so an edit never moves a share out of sight.
    let nothing_line = match params.get(app.param) {
        Some(p) if p.field == Field::Probability => lines
            .iter()
            .position(|l| Some(*l) == p.event().map(ParamLine::NothingHappens))
            .filter(|n| n - selected_line < visible),
        _ => None,
    };
    let last_shown = nothing_line.unwrap_or(selected_line);
    let start = if last_shown < visible {
        0
    } else {
        last_shown + 1 - visible
    };
    let placed: Vec<(ParamLine, Rect)> = lines
        .into_iter()
        .skip(start)
        .take(visible)
        .enumerate()
        .map(|(r, l)| (l, Rect::new(area.x, area.y + r as u16, area.width, 1)))
        .collect();
    let rows = placed
        .iter()
        .filter_map(|(l, r)| match l {
            ParamLine::Param(i, _) => Some((*i, *r)),
            ParamLine::Event(_) | ParamLine::NothingHappens(_) => None,
        })
        .collect();
    (placed, rows)
}
