//! The Drivers tab: the tornado of the selected (possibly edited) scenario, the growth needed for
//! an even chance of the target, and each event's attribution.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;

use super::{ellipsis, panel, placeholder};
use crate::format::{money, money_short, percent, probability_decimals, signed, thousands};
use crate::scenario::Scenario;
use crate::stats::Z95;
use crate::tui::app::App;
use crate::tui::drivers::{DriversResult, NEEDED_FOR};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(slot) = app.slot() else { return };
    let s = &slot.scenario;
    let title = format!(
        " Drivers · what moves P(≥ {} in {}) ",
        money_short(s.target.revenue),
        s.target.year
    );
    let block = panel(super::fit_title(title, area.width), t);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width < 20 || inner.height < 4 {
        return;
    }
    // The result shown answers the latest request, or an older one while it runs.
    let current = app.drivers.shown_generation == app.drivers.generation;
    let result = match (&app.drivers.result, &app.drivers.error) {
        (_, Some(e)) => {
            placeholder(
                inner,
                buf,
                &format!("could not compute the drivers: {e}"),
                t,
            );
            return;
        }
        (Some(r), _) => r,
        (None, _) => {
            placeholder(inner, buf, "computing the drivers…", t);
            return;
        }
    };
    let w = usize::from(inner.width);
    let mut y = inner.y;
    let b = &result.base;
    let stale = if current {
        ""
    } else {
        " (recomputing for the edit…)"
    };
    let base = |mc: &str| {
        format!(
            "Base {} ({mc} ±{:.2} pts) · median {}{stale}",
            percent(
                b.target.probability,
                probability_decimals(b.target.std_error)
            ),
            Z95 * b.target.std_error * 100.0,
            money(b.median),
        )
    };
    let base = longest_fitting(&[base("Monte Carlo"), base("MC")], w);
    put(buf, inner, &mut y, base, t.base());
    put(buf, inner, &mut y, needed_text(result, w), t.accent());
    let refining = result.rows.len() - result.refined();
    let progress = if refining > 0 {
        // The dim rows' fewest paths: those still refining.
        let fewest = (result.progress.iter())
            .filter(|p| !p.done)
            .map(|p| p.paths)
            .min()
            .unwrap_or(0);
        format!(
            " · refining {refining} of {} (dim: first {} paths)",
            result.rows.len(),
            thousands(fewest as f64, 0)
        )
    } else if !result.done {
        " · solving…".to_string()
    } else {
        String::new()
    };
    // The longest reading that fits: narrow screens drop words, not the end of the line.
    let how = [
        format!("ΔP, pts, low ◂ ▸ high, one input at a time on the same draws{progress}"),
        format!("ΔP, pts, low ◂ ▸ high, one input at a time{progress}"),
        format!("ΔP, pts, low ◂ ▸ high{progress}"),
    ];
    put(buf, inner, &mut y, longest_fitting(&how, w), t.dim());

    // Rows: key, bar, then the two ΔPs (with their Monte Carlo error when there is room).
    let events_h = if result.attribution.is_empty() {
        0
    } else {
        result.attribution.len() as u16 + 1
    };
    let shares_h = result.shares.as_ref().map_or(0, |s| s.len() as u16 + 2);
    let rows_room = inner
        .bottom()
        .saturating_sub(y + (events_h + shares_h).min(inner.height / 2));
    let with_error = w >= 76;
    let num_w = if with_error { 12 } else { 7 };
    // Full keys (what --set takes) where they fit; else without the `growth.`/`events.`
    // prefix, which every row shares with many others.
    let longest = |keys: &mut dyn Iterator<Item = usize>| keys.max().unwrap_or(10);
    let key_cap = (w / 2).clamp(10, 38);
    let short_keys = longest(&mut result.rows.iter().map(|r| r.key.chars().count())) > key_cap;
    let key_of = |key: &str| -> String {
        if short_keys {
            key.split_once('.')
                .map_or(key, |(_, rest)| rest)
                .to_string()
        } else {
            key.to_string()
        }
    };
    let key_w =
        longest(&mut result.rows.iter().map(|r| key_of(&r.key).chars().count())).clamp(10, key_cap);
    let bar_w = w.saturating_sub(key_w + 2 * num_w + 3).max(4);
    let half = bar_w / 2;
    let scale = result
        .rows
        .iter()
        .flat_map(|r| [&r.low, &r.high])
        .map(|e| e.delta_probability.difference.abs())
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let (low_c, high_c) = (t.series[0], t.series[1]);
    let (low_ch, high_ch) = if t.color {
        ('█', '█')
    } else {
        ('░', '█')
    };
    // Inputs that act only after the target year change no path by then: one line names how
    // many, instead of rows of zeros.
    let later = result.rows.iter().filter(|r| !r.moves()).count();
    let rows_room = rows_room.saturating_sub(u16::from(later > 0));
    let mut drawn = 0u16;
    for (i, row) in result.rows.iter().enumerate() {
        if !row.moves() {
            continue;
        }
        if drawn >= rows_room {
            break;
        }
        drawn += 1;
        let refined = result.progress.get(i).is_some_and(|p| p.done);
        let text_style = if refined { t.base() } else { t.dim() };
        let x0 = inner.x;
        buf.set_stringn(x0, y, ellipsis(&key_of(&row.key), key_w), key_w, text_style);
        let bar_x = x0 + key_w as u16 + 1;
        let centre = bar_x + half as u16;
        // The longer bar first, so a shorter one on the same side shows over it.
        let mut ends = [(&row.low, low_c, low_ch), (&row.high, high_c, high_ch)];
        ends.sort_by(|a, b| {
            b.0.delta_probability
                .difference
                .abs()
                .total_cmp(&a.0.delta_probability.difference.abs())
        });
        for (end, colour, ch) in ends {
            let d = end.delta_probability.difference;
            let cells = ((d.abs() / scale) * half as f64).round() as u16;
            let style = if refined {
                t.base().fg(colour)
            } else {
                t.base().fg(colour).add_modifier(Modifier::DIM)
            };
            for k in 0..cells.min(half.saturating_sub(1) as u16) {
                let x = if d < 0.0 {
                    centre - 1 - k
                } else {
                    centre + 1 + k
                };
                buf.set_string(x, y, ch.to_string(), style);
            }
        }
        buf.set_string(centre.saturating_sub(0), y, "│", t.dim());
        let num = |e: &crate::analysis::sensitivity::SwingEnd| {
            let d = e.delta_probability.difference * 100.0;
            if with_error {
                format!(
                    "{}±{:.2}",
                    signed(d, 1),
                    Z95 * e.delta_probability.std_error * 100.0
                )
            } else {
                signed(d, 1)
            }
        };
        let nums = format!("{:>num_w$} {:>num_w$}", num(&row.low), num(&row.high));
        let nx = bar_x + bar_w as u16 + 1;
        if nx < inner.right() {
            buf.set_stringn(nx, y, nums, usize::from(inner.right() - nx), text_style);
        }
        y += 1;
    }
    if later > 0 && y < inner.bottom() {
        put(
            buf,
            inner,
            &mut y,
            format!(
                "{} {} no path by {}: not shown",
                crate::format::count(later, "input"),
                if later == 1 { "changes" } else { "change" },
                s.target.year
            ),
            t.dim(),
        );
    }
    if result.rows.is_empty() {
        put(
            buf,
            inner,
            &mut y,
            "(no uncertain inputs to swing)".into(),
            t.dim(),
        );
    }

    // Event attribution: each outcome's share of paths and P(target) given it.
    if !result.attribution.is_empty() && y + 1 < inner.bottom() {
        y += 1;
        for ev in &result.attribution {
            if y >= inner.bottom() {
                break;
            }
            let parts: Vec<String> = ev
                .outcomes
                .iter()
                .map(|o| {
                    format!(
                        "{} {} → {}",
                        o.id,
                        percent(o.share, 0),
                        o.p_target.map_or("–".into(), |p| percent(p, 1))
                    )
                })
                .collect();
            buf.set_stringn(
                inner.x,
                y,
                ellipsis(&format!("{}: {}", ev.id, parts.join(" · ")), w),
                w,
                t.dim(),
            );
            y += 1;
        }
    }
    render_shares(result, s, inner, &mut y, buf, t);
}

/// The variance shares: per source of randomness, its first-order and total share of the
/// variance of ln revenue and of reaching the target, in the target year.
fn render_shares(
    r: &DriversResult,
    s: &Scenario,
    inner: Rect,
    y: &mut u16,
    buf: &mut Buffer,
    t: &crate::tui::theme::Theme,
) {
    let Some(shares) = &r.shares else { return };
    if shares.is_empty() || *y + 2 >= inner.bottom() {
        return;
    }
    let w = usize::from(inner.width);
    *y += 1;
    let head = [
        format!(
            "Share of variance in {}, first-order / total: of ln revenue · of reaching {}",
            s.target.year,
            money_short(s.target.revenue)
        ),
        format!(
            "Variance shares in {}, first / total: ln R · reached",
            s.target.year
        ),
    ];
    put(buf, inner, y, longest_fitting(&head, w), t.dim());
    let pct = |x: Option<&crate::stats::sobol::Share>| {
        x.map_or("–".to_string(), |x| {
            // "+ 0.0" turns a rounded −0 into 0.
            format!("{:.0}", (x.share.clamp(-1.0, 1.0) * 100.0).round() + 0.0)
        })
    };
    // Largest total share of ln revenue first (rest and interactions stay last, as sent);
    // draws with no share at all (inputs acting after the target year) are counted, not listed.
    let size = |v: &crate::stats::sobol::VarianceShare| {
        [&v.log_revenue, &v.total_log_revenue, &v.hit, &v.total_hit]
            .iter()
            .filter_map(|s| s.as_ref())
            .map(|s| s.share.abs() + s.std_error)
            .fold(0.0_f64, f64::max)
    };
    let is_draw = |v: &crate::stats::sobol::VarianceShare| v.total_log_revenue.is_some();
    let mut listed: Vec<&crate::stats::sobol::VarianceShare> = shares
        .iter()
        .filter(|v| !is_draw(v) || size(v) > 0.0)
        .collect();
    let silent = shares.len() - listed.len();
    listed.sort_by(|a, b| {
        is_draw(b).cmp(&is_draw(a)).then(
            b.total_log_revenue
                .as_ref()
                .map_or(0.0, |s| s.share)
                .total_cmp(&a.total_log_revenue.as_ref().map_or(0.0, |s| s.share)),
        )
    });
    let key_w = listed
        .iter()
        .map(|v| v.key.chars().count())
        .max()
        .unwrap_or(10)
        .min(w / 2);
    for v in listed {
        let both = |first, total| match total {
            Some(_) => format!("{:>3} / {:>3}%", pct(first), pct(total)),
            None => format!("{:>3}%      ", pct(first)),
        };
        let text = format!(
            "{:<key_w$}  {}  ·  {}",
            ellipsis(&v.key, key_w),
            both(v.log_revenue.as_ref(), v.total_log_revenue.as_ref()),
            both(v.hit.as_ref(), v.total_hit.as_ref()),
        );
        put(buf, inner, y, text, t.base());
    }
    if silent > 0 {
        put(
            buf,
            inner,
            y,
            format!(
                "{} with no share by {}: not listed",
                crate::format::count(silent, "draw"),
                s.target.year
            ),
            t.dim(),
        );
    }
}

/// "Needed for 50%: growth now 26.8% (Monte Carlo 26.7–26.9%)".
fn needed_text(r: &DriversResult, width: usize) -> String {
    let head = format!("Needed for {}:", percent(NEEDED_FOR, 0));
    match &r.needed {
        None => format!("{head} growth now … (solving)"),
        Some(Ok(s)) => {
            let text = |mc: &str| {
                format!(
                    "{head} growth now {:.1}% ({mc} {:.1}–{:.1}%)",
                    s.value * 100.0,
                    s.interval[0] * 100.0,
                    s.interval[1] * 100.0,
                )
            };
            let text = longest_fitting(&[text("Monte Carlo"), text("MC")], width);
            let now = format!("; it is {:.1}% now", s.current * 100.0);
            if text.chars().count() + now.chars().count() <= width {
                text + &now
            } else {
                text
            }
        }
        Some(Err(e)) => format!("{head} {e}"),
    }
}

/// The first of `texts` that fits `width`, else the last.
fn longest_fitting(texts: &[String], width: usize) -> String {
    texts
        .iter()
        .find(|t| t.chars().count() <= width)
        .or(texts.last())
        .cloned()
        .unwrap_or_default()
}

/// One line of text at row `y` of `inner`, moving `y` down; nothing past the bottom.
fn put(buf: &mut Buffer, inner: Rect, y: &mut u16, text: String, style: Style) {
    if *y < inner.bottom() {
        let w = usize::from(inner.width);
        buf.set_stringn(inner.x, *y, ellipsis(&text, w), w, style);
        *y += 1;
    }
}
