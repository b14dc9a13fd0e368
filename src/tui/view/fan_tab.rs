//! The Fan tab: the selected scenario's fan chart with a legend.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::{legend, no_result, panel, swatch};
use crate::format::money_short;
use crate::tui::app::App;
use crate::tui::fan::FanChart;
use crate::tui::plot::Ink;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let s = &slot.scenario;
    let edited = if slot.edited() { " (edited)" } else { "" };
    let room = usize::from(area.width).saturating_sub(10 + edited.len());
    let block = panel(
        format!(
            " Fan · {}{edited} ",
            super::ellipsis(&s.scenario.name, room)
        ),
        t,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(run) = &slot.run else {
        no_result(inner, buf, slot.error.as_deref(), t);
        return;
    };
    if inner.height < 3 {
        return;
    }
    let chart = Rect::new(inner.x, inner.y, inner.width, inner.height - 1);
    FanChart {
        projection: &run.projection,
        theme: t,
        log: app.log_scale,
    }
    .render(chart, buf);
    // Narrow screens get a terser legend so that every entry stays visible.
    let wide = inner.width >= 70;
    let target = if wide {
        format!(
            "target {} in {}",
            money_short(s.target.revenue),
            s.target.year
        )
    } else {
        money_short(s.target.revenue)
    };
    let pct = if wide { "%" } else { "" };
    // The key draws each entry as the chart does (colour, or without it the same glyphs).
    let mut entries = Vec::new();
    for (ink, label) in [
        (Ink::Band(2), format!("25–75{pct}")),
        (Ink::Band(1), format!("10–90{pct}")),
        (Ink::Band(0), format!("5–95{pct}")),
        (Ink::Median, "median".to_string()),
        (Ink::History, "history".to_string()),
    ] {
        let (symbol, style) = ink.key(t);
        entries.push(swatch(&symbol, style, &label, t).to_vec());
    }
    let marker = if t.color { "◆" } else { "X" };
    let target_entry = swatch(marker, t.base().fg(t.target), &target, t).to_vec();
    // The target's marker is keyed before the history where not every entry fits.
    let at = if wide { entries.len() } else { 3 };
    entries.insert(at, target_entry);
    legend(entries, inner.width, t)
        .render(Rect::new(inner.x, inner.bottom() - 1, inner.width, 1), buf);
}
