//! The Fan tab: the selected scenario's fan chart with a legend.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use super::{panel, placeholder, swatch};
use crate::format::money_short;
use crate::tui::app::App;
use crate::tui::fan::FanChart;

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
        placeholder(
            inner,
            buf,
            slot.error.as_deref().unwrap_or("simulating…"),
            t,
        );
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
    let band = |k: usize| t.base().fg(t.bands[k]);
    let (full, mid, inner_band) = if t.color {
        ("█", "█", "█")
    } else {
        ("░", "▒", "▓")
    };
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
    let mut spans = Vec::new();
    spans.extend(swatch(inner_band, band(2), &format!("25–75{pct}"), t));
    spans.extend(swatch(mid, band(1), &format!("10–90{pct}"), t));
    spans.extend(swatch(full, band(0), &format!("5–95{pct}"), t));
    spans.extend(swatch(
        if t.color { "━" } else { "*" },
        t.base().fg(t.median),
        "median",
        t,
    ));
    spans.extend(swatch(
        if t.color { "━" } else { "o" },
        t.base().fg(t.history),
        "history",
        t,
    ));
    spans.extend(swatch("◆", t.base().fg(t.target), &target, t));
    Line::from(spans).render(Rect::new(inner.x, inner.bottom() - 1, inner.width, 1), buf);
}
