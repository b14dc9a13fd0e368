//! Semantic validation: the checks a TOML parser cannot make.

use std::collections::HashSet;

use super::bounds::{REVENUE_CEILING, REVENUE_FLOOR, SIGMAS, reach};
use super::parameters::{Field, Limit, Valid, describe, num};
use super::{Scenario, Shocks};
use crate::text::Allow;

/// One invalid value: its field path, the value, and what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub field: String,
    pub value: String,
    pub message: String,
}

/// Furthest horizon accepted: keeps run times and memory of spaghetti samples bounded.
pub const MAX_YEARS: i32 = 100;
/// Largest volatility; together with everything else it is checked by `check_reach`.
pub const MAX_VOLATILITY: f64 = 2.0;
/// Smallest revenue in £m accepted anywhere (£1,000).
pub const MIN_REVENUE: f64 = 1e-3;
/// Largest target or published revenue in £m accepted (£1,000,000bn).
pub const MAX_TARGET: f64 = 1e9;
pub const MAX_EVENTS: usize = 32;
pub const MAX_OUTCOMES: usize = 16;

struct Checker {
    issue: Option<Issue>,
}

impl Checker {
    fn fail(&mut self, field: impl Into<String>, value: impl ToString, message: impl Into<String>) {
        if self.issue.is_none() {
            self.issue = Some(Issue {
                field: field.into(),
                value: value.to_string(),
                message: message.into(),
            });
        }
    }

    /// A numeric field, in the range its descriptor gives.
    fn field(&mut self, path: &str, field: Field, v: f64) {
        match field.descriptor().valid {
            Valid::Range(lo, hi) => self.range(path, v, lo, hi),
            // Checked where the start revenue is known.
            Valid::AboveStartRevenue => {}
        }
    }

    /// A finite number in [lo, hi] (inclusive flags choose the bracket).
    fn range(&mut self, field: &str, v: f64, lo: Limit, hi: Limit) {
        if !v.is_finite() {
            self.fail(
                field,
                num(v),
                format!("must be a finite number {}", describe(lo, hi)),
            );
            return;
        }
        let ok_lo = match lo {
            Limit::Incl(l) => v >= l,
            Limit::Excl(l) => v > l,
            Limit::Open => true,
        };
        let ok_hi = match hi {
            Limit::Incl(h) => v <= h,
            Limit::Excl(h) => v < h,
            Limit::Open => true,
        };
        if !(ok_lo && ok_hi) {
            self.fail(field, num(v), format!("must be {}", describe(lo, hi)));
        }
    }

    /// Text that is echoed (names, descriptions, sources): no control characters but those
    /// `allow` lets through.
    fn text(&mut self, field: &str, text: &str, allow: Allow) {
        if let Some(why) = crate::text::refusal(text, allow) {
            self.fail(field, crate::text::quoted_excerpt(text), why);
        }
    }

    fn id(&mut self, field: &str, id: &str) {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            self.fail(
                field,
                format!("{id:?}"),
                "must be 1–64 characters of lowercase letters, digits, '-' or '_'",
            );
        }
    }

    /// `{base}.id`: a valid id, and not one of `seen` (the ids before it in the same list).
    fn unique_id<'a>(
        &mut self,
        base: &str,
        id: &'a str,
        seen: &mut HashSet<&'a str>,
        message: &str,
    ) {
        let field = format!("{base}.id");
        self.id(&field, id);
        if !seen.insert(id) {
            self.fail(field, format!("{id:?}"), message);
        }
    }

    /// An event's or outcome's start: a `year` or a `window`, not both, and a well-formed window.
    fn start(&mut self, base: &str, year: Option<i32>, window: Option<[i32; 2]>) {
        let field = format!("{base}.window");
        if let (Some(_), Some(w)) = (year, window) {
            self.fail(
                &field,
                format!("{w:?}"),
                "give either `year` or `window`, not both",
            );
        }
        check_window(self, &field, window);
    }
}

/// Check a parsed scenario; the first problem found is returned.
pub fn validate(s: &Scenario) -> Result<(), Issue> {
    use Limit::*;
    let mut c = Checker { issue: None };

    c.id("scenario.id", &s.scenario.id);
    if s.scenario.name.trim().is_empty() {
        c.fail("scenario.name", "\"\"", "must not be empty");
    }
    c.text("scenario.name", &s.scenario.name, Allow::Line);
    c.text(
        "scenario.description",
        &s.scenario.description,
        Allow::Paragraphs,
    );
    for (i, source) in s.scenario.sources.iter().enumerate() {
        c.text(&format!("scenario.sources[{i}]"), source, Allow::Line);
    }

    let m = &s.market;
    if !(1900..=2200).contains(&m.start_year) {
        c.fail(
            "market.start_year",
            m.start_year,
            "must be a year between 1900 and 2200",
        );
    }
    // £1,000 to £1,000,000bn: beyond either end the sector is not the one modelled, and
    // the limits keep ranges and logarithms well inside f64.
    c.field("market.start_revenue", Field::StartRevenue, m.start_revenue);
    if m.horizon <= m.start_year {
        c.fail(
            "market.horizon",
            m.horizon,
            format!("must be after market.start_year ({})", m.start_year),
        );
    } else if i64::from(m.horizon) - i64::from(m.start_year) > i64::from(MAX_YEARS) {
        // In i64: found by fuzzing, `horizon = 2147483647` with a negative start overflowed.
        c.fail(
            "market.horizon",
            m.horizon,
            format!(
                "must be at most {MAX_YEARS} years after market.start_year ({})",
                m.start_year
            ),
        );
    }
    let mut last_year = None;
    for (i, (year, revenue)) in m.history.iter().enumerate() {
        if let Some(prev) = last_year
            && *year <= prev
        {
            c.fail(
                format!("market.history[{i}]"),
                year,
                "years must be strictly increasing",
            );
        }
        if !(1900..=2200).contains(year) {
            c.fail(
                format!("market.history[{i}]"),
                year,
                "must be a year between 1900 and 2200",
            );
        }
        if *year > m.start_year {
            c.fail(
                format!("market.history[{i}]"),
                year,
                format!("history must end by market.start_year ({})", m.start_year),
            );
        }
        c.range(
            &format!("market.history[{i}]"),
            *revenue,
            Incl(MIN_REVENUE),
            Incl(MAX_TARGET),
        );
        last_year = Some(*year);
    }

    c.field("target.revenue", Field::TargetRevenue, s.target.revenue);
    if s.target.year <= m.start_year || s.target.year > m.horizon {
        c.fail(
            "target.year",
            s.target.year,
            format!(
                "must be a simulated year, from {} to market.horizon ({})",
                m.start_year + 1,
                m.horizon
            ),
        );
    }

    let g = &s.growth;
    c.field("growth.initial", Field::Initial, g.initial);
    c.field(
        "growth.initial_uncertainty",
        Field::InitialUncertainty,
        g.initial_uncertainty,
    );
    if let Some(lr) = g.long_run {
        c.field("growth.long_run", Field::LongRun, lr);
    }
    c.field("growth.reversion", Field::Reversion, g.reversion);
    c.field("growth.volatility", Field::Volatility, g.volatility);
    c.field("growth.persistence", Field::Persistence, g.persistence);
    if let Shocks::StudentT(nu) = g.shocks
        && !(nu.is_finite() && nu > 2.0)
    {
        c.fail(
            "growth.shocks.student_t",
            nu,
            "degrees of freedom must be greater than 2 (the variance is infinite otherwise)",
        );
    }
    if s.pace_distribution().is_some()
        && (g.initial_uncertainty != 0.0 || !g.initial_distribution.is_normal())
    {
        c.fail(
            "growth.initial_uncertainty",
            g.initial_uncertainty,
            "growth.initial is written as a distribution, which says its spread: remove \
             initial_uncertainty and initial_distribution (they are the older way to say it)",
        );
    }
    if let Shocks::StudentT(nu) = g.initial_distribution {
        // ν = 1 (Cauchy) is allowed: a t predictive from two growth rates has one degree of
        // freedom. Large ν is a Normal in all but name.
        if !(nu.is_finite() && (1.0..=1e6).contains(&nu)) {
            c.fail(
                "growth.initial_distribution.student_t",
                nu,
                "degrees of freedom must be from 1 to 1,000,000 (the number of growth years used, less one)",
            );
        }
    }
    if let Some(k) = g.capacity {
        c.range("growth.capacity", k, Excl(m.start_revenue), Open);
    }

    if s.events.len() > MAX_EVENTS {
        c.fail(
            "events",
            s.events.len(),
            format!("at most {MAX_EVENTS} events"),
        );
    }
    let mut event_ids = HashSet::new();
    for (e, ev) in s.events.iter().enumerate() {
        let base = format!("events[{e}]");
        c.unique_id(&base, &ev.id, &mut event_ids, "event ids must be unique");
        c.text(&format!("{base}.name"), &ev.name, Allow::Line);
        c.text(
            &format!("{base}.description"),
            &ev.description,
            Allow::Paragraphs,
        );
        c.start(&base, ev.year, ev.window);
        if ev.outcomes.is_empty() {
            c.fail(
                format!("{base}.outcomes"),
                "[]",
                "an event needs at least one outcome",
            );
        }
        if ev.outcomes.len() > MAX_OUTCOMES {
            c.fail(
                format!("{base}.outcomes"),
                ev.outcomes.len(),
                format!("at most {MAX_OUTCOMES} outcomes"),
            );
        }
        let mut outcome_ids = HashSet::new();
        let mut total = 0.0;
        for (o, out) in ev.outcomes.iter().enumerate() {
            let ob = format!("{base}.outcomes[{o}]");
            c.unique_id(
                &ob,
                &out.id,
                &mut outcome_ids,
                "outcome ids must be unique within an event",
            );
            c.field(
                &format!("{ob}.probability"),
                Field::Probability,
                out.probability,
            );
            total += out.probability;
            if out.year.is_none()
                && out.window.is_none()
                && ev.year.is_none()
                && ev.window.is_none()
            {
                c.fail(
                    format!("{ob}.year"),
                    "(missing)",
                    "set a start `year` or `window = [a, b]` on the outcome or its event",
                );
            }
            c.start(&ob, out.year, out.window);
            for (name, y) in [("year", out.year), ("year", ev.year)] {
                if let Some(y) = y
                    && !(1900..=2200).contains(&y)
                {
                    c.fail(
                        format!("{ob}.{name}"),
                        y,
                        "must be a year between 1900 and 2200",
                    );
                }
            }
            if out.delay > 50 {
                c.fail(
                    format!("{ob}.delay"),
                    out.delay,
                    "must be between 0 and 50 years",
                );
            }
            c.field(
                &format!("{ob}.growth_uplift"),
                Field::GrowthUplift,
                out.growth_uplift,
            );
            if out.duration == Some(0) {
                c.fail(
                    format!("{ob}.duration"),
                    0,
                    "must be at least 1 year (omit it for a permanent effect)",
                );
            }
            if out.ramp > 50 {
                c.fail(
                    format!("{ob}.ramp"),
                    out.ramp,
                    "must be between 0 and 50 years",
                );
            }
            c.field(
                &format!("{ob}.level_shock"),
                Field::LevelShock,
                out.level_shock,
            );
            c.field(
                &format!("{ob}.volatility_multiplier"),
                Field::VolatilityMultiplier,
                out.volatility_multiplier,
            );
        }
        if total > 1.0 + 1e-9 {
            let last = ev.outcomes.len().saturating_sub(1);
            c.fail(
                format!("{base}.outcomes[{last}].probability"),
                ev.outcomes[last].probability,
                format!(
                    "outcome probabilities of event \"{}\" sum to {:.4}; they must sum to at most 1 (the rest means \"nothing happens\")",
                    ev.id, total
                ),
            );
        }
    }

    if c.issue.is_none()
        && let Err((field, value, message)) = super::correlation::copula(s)
    {
        c.fail(field, value, message);
    }

    // The derived bound needs every single value in range first.
    if c.issue.is_none() {
        check_reach(&mut c, s);
    }
    if c.issue.is_none() {
        c.issue = super::parameters::check_ranges(s).err();
    }
    match c.issue {
        Some(issue) => Err(issue),
        None => Ok(()),
    }
}

/// Refuses inputs that together could carry revenue out of the reportable range over the
/// horizon (see `bounds`), blaming the larger of the two causes: the shocks or the growth.
fn check_reach(c: &mut Checker, s: &Scenario) {
    let r = reach(s);
    let start = s.market.start_revenue.ln();
    let noisy = r.noise > 0.5 * r.up;
    let (field, value) = if noisy {
        ("growth.volatility", s.growth.volatility)
    } else {
        ("growth.initial", s.growth.initial)
    };
    let cause = if noisy {
        "growth.volatility with growth.persistence near 1, or events' volatility multipliers, \
         compound too far"
    } else {
        "growth.initial, growth.long_run, growth.initial_uncertainty and the events' uplifts and \
         level shocks compound too far"
    };
    if start + r.up > REVENUE_CEILING.ln() {
        c.fail(
            field,
            value,
            format!(
                "with these inputs revenue could pass {REVENUE_CEILING:e} £m by {} \
                 ({SIGMAS} standard deviations): {cause}; lower them or market.horizon",
                r.up_year
            ),
        );
    } else if start + r.down < REVENUE_FLOOR.ln() {
        c.fail(
            "growth.initial",
            s.growth.initial,
            format!(
                "with these inputs revenue could fall below {REVENUE_FLOOR:e} £m by {} \
                 ({SIGMAS} standard deviations): the growth, its uncertainty, volatility or \
                 the events' cuts compound too far; raise growth or lower market.horizon",
                r.down_year
            ),
        );
    }
}

fn check_window(c: &mut Checker, field: &str, window: Option<[i32; 2]>) {
    if let Some([a, b]) = window {
        if a > b {
            c.fail(
                field,
                format!("[{a}, {b}]"),
                "window must be [first, last] with first ≤ last",
            );
        } else if !(1900..=2200).contains(&a) || !(1900..=2200).contains(&b) {
            c.fail(
                field,
                format!("[{a}, {b}]"),
                "window years must be between 1900 and 2200",
            );
        }
    }
}
