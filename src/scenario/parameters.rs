//! The numeric inputs of a scenario, named by their `--set` keys: reading, writing (through the
//! same override path as `--set`, so a value set here gives exactly the scenario that
//! `--set KEY=VALUE` gives), allowed ranges, and the low/high swings of a sensitivity analysis.

use super::overrides::{Override, apply_overrides};
use super::{Scenario, validate};
use crate::error::InputError;

/// What kind of number an input is; decides its default swing and how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A simple annual growth rate (growth.initial, growth.long_run).
    Rate,
    /// The spread of initial growth (initial_uncertainty), in rate points.
    Uncertainty,
    /// The shocks' volatility.
    Volatility,
    /// The speed of mean reversion, per year.
    Reversion,
    Persistence,
    /// Market size in £m (capacity).
    Capacity,
    /// An outcome's probability.
    Probability,
    /// An outcome's growth uplift in simple rate points.
    Uplift,
    /// An outcome's one-off level shock.
    LevelShock,
    /// Any other number (start revenue, target, volatility multiplier).
    Other,
}

/// One numeric input of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The `--set` key, e.g. `growth.long_run` or `events.osa.on-schedule.probability`.
    pub key: String,
    pub kind: Kind,
    pub value: f64,
    /// Values the analyses may set: inside what validation accepts, and narrower where wider
    /// values are not meaningful (growth rates from −50 % to +200 %).
    pub allowed: (f64, f64),
}

/// Where a swing's low and high values came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwingSource {
    /// The scenario's `[ranges]` table.
    Scenario,
    /// The documented default, described (e.g. "±5 pts", "×0.5 to ×1.5").
    Default(String),
}

impl SwingSource {
    pub fn describe(&self) -> String {
        match self {
            SwingSource::Scenario => "scenario range".into(),
            SwingSource::Default(d) => format!("default {d}"),
        }
    }
}

/// The low and high values of an input in a sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Swing {
    pub input: Input,
    pub low: f64,
    pub high: f64,
    pub source: SwingSource,
}

fn growth_input(s: &Scenario, field: &str) -> Option<Input> {
    let g = &s.growth;
    let (kind, value, allowed) = match field {
        "initial" => (Kind::Rate, g.initial, (-0.5, 2.0)),
        "long_run" => (Kind::Rate, g.long_run_rate(), (-0.5, 2.0)),
        "initial_uncertainty" => (Kind::Uncertainty, g.initial_uncertainty, (0.0, 0.5)),
        "reversion" => (Kind::Reversion, g.reversion, (0.0, 3.0)),
        "volatility" => (Kind::Volatility, g.volatility, (0.0, 1.0)),
        "persistence" => (Kind::Persistence, g.persistence, (-0.95, 0.95)),
        "capacity" => (
            Kind::Capacity,
            g.capacity?,
            (
                s.market.start_revenue * 1.01,
                s.market.start_revenue * 1000.0,
            ),
        ),
        _ => return None,
    };
    Some(Input {
        key: format!("growth.{field}"),
        kind,
        value,
        allowed,
    })
}

fn outcome_input(s: &Scenario, e: usize, o: usize, field: &str) -> Option<Input> {
    let ev = s.events.get(e)?;
    let out = ev.outcomes.get(o)?;
    let (kind, value, allowed) = match field {
        "probability" => {
            let others: f64 = ev
                .outcomes
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != o)
                .map(|(_, x)| x.probability)
                .sum();
            (
                Kind::Probability,
                out.probability,
                (0.0, (1.0 - others).clamp(0.0, 1.0)),
            )
        }
        "growth_uplift" => (Kind::Uplift, out.growth_uplift, (-0.5, 1.0)),
        "level_shock" => (Kind::LevelShock, out.level_shock, (-0.9, 2.0)),
        "volatility_multiplier" => (Kind::Other, out.volatility_multiplier, (0.0, 5.0)),
        _ => return None,
    };
    Some(Input {
        key: format!("events.{}.{}.{field}", ev.id, out.id),
        kind,
        value,
        allowed,
    })
}

/// The inputs a sensitivity analysis swings: every growth parameter that acts in this scenario,
/// and the probability and uplift (and level shock, where set) of every event outcome.
pub fn uncertain_inputs(s: &Scenario) -> Vec<Input> {
    let g = &s.growth;
    let mut fields = vec!["initial", "initial_uncertainty"];
    // Reversion acts only toward a different long-run rate, and the long-run rate only through
    // reversion.
    if g.reversion > 0.0 {
        fields.push("long_run");
    }
    if g.long_run.is_some_and(|lr| lr != g.initial) {
        fields.push("reversion");
    }
    fields.extend(["volatility", "persistence"]);
    if g.capacity.is_some() {
        fields.push("capacity");
    }
    let mut out: Vec<Input> = fields
        .into_iter()
        .filter_map(|f| growth_input(s, f))
        .collect();
    for (e, ev) in s.events.iter().enumerate() {
        for (o, oc) in ev.outcomes.iter().enumerate() {
            out.extend(outcome_input(s, e, o, "probability"));
            out.extend(outcome_input(s, e, o, "growth_uplift"));
            if oc.level_shock != 0.0 {
                out.extend(outcome_input(s, e, o, "level_shock"));
            }
        }
    }
    out
}

/// The input a `--set` key names, in any spelling `--set` accepts for numbers the analyses can
/// vary: `growth.*`, `market.start_revenue`, `target.revenue`, and an outcome's probability,
/// growth_uplift, level_shock or volatility_multiplier, by id or index
/// (`events.osa.on-schedule.probability`, `events.0.outcomes.1.probability`).
pub fn resolve(s: &Scenario, key: &str) -> Result<Input, InputError> {
    let parts: Vec<&str> = key.split('.').collect();
    let found = match parts.as_slice() {
        ["growth", field] => growth_input(s, field),
        ["market", "start_revenue"] => Some(Input {
            key: key.into(),
            kind: Kind::Other,
            value: s.market.start_revenue,
            allowed: (1e-3, 1e9),
        }),
        ["target", "revenue"] => Some(Input {
            key: key.into(),
            kind: Kind::Other,
            value: s.target.revenue,
            allowed: (1e-3, 1e9),
        }),
        ["events", ev, rest @ ..] => {
            let e = s
                .events
                .iter()
                .position(|x| x.id == *ev)
                .or_else(|| ev.parse().ok().filter(|&i: &usize| i < s.events.len()));
            let rest = match rest {
                ["outcomes", r @ ..] => r,
                r => r,
            };
            match (e, rest) {
                (Some(e), [oc, field]) => {
                    let outs = &s.events[e].outcomes;
                    let o = outs
                        .iter()
                        .position(|x| x.id == *oc)
                        .or_else(|| oc.parse().ok().filter(|&i: &usize| i < outs.len()));
                    o.and_then(|o| outcome_input(s, e, o, field))
                }
                _ => None,
            }
        }
        _ => None,
    };
    found.ok_or_else(|| {
        let mut keys: Vec<String> = uncertain_inputs(s).into_iter().map(|i| i.key).collect();
        keys.truncate(8);
        InputError::new(
            format!("--param {key}"),
            "",
            format!(
                "not a numeric parameter of scenario {}; e.g. {}",
                s.scenario.id,
                keys.join(", ")
            ),
        )
    })
}

/// An input's value in the units people read it in, for charts: rates, volatility and
/// probabilities in %, uncertainty and uplifts in percentage points, capacity in £, speeds and
/// persistence as plain numbers. (Reports that are meant to be pasted into `--set` use
/// [`literal`].)
pub fn show_value(kind: Kind, v: f64) -> String {
    // Enough decimals for the value, at most three: 40%, 12.5%, 2.505%.
    let percent = |x: f64| {
        let p = x * 100.0;
        let d = (0..3)
            .find(|&d| {
                let scaled = p * 10f64.powi(d);
                // 0.458 × 100 is 45.800000000000004: whole up to rounding error.
                (scaled.round() - scaled).abs() < 1e-6
            })
            .unwrap_or(3) as usize;
        // A minus sign, as the charts' axes and the reports write it.
        format!("{p:.d$}").replace('-', "−")
    };
    match kind {
        Kind::Rate | Kind::Volatility | Kind::Probability | Kind::LevelShock => {
            let sign = if kind == Kind::LevelShock && v > 0.0 {
                "+"
            } else {
                ""
            };
            format!("{sign}{}%", percent(v))
        }
        Kind::Uncertainty => format!("±{} pts", percent(v)),
        Kind::Uplift => format!("{}{} pts", if v > 0.0 { "+" } else { "" }, percent(v)),
        Kind::Capacity => crate::format::money(v),
        Kind::Reversion | Kind::Persistence | Kind::Other => format!("{v}"),
    }
}

/// A number as a TOML float literal that reads back as exactly the same f64 (Rust prints the
/// shortest such digits), always with a decimal point or exponent so TOML reads a float.
pub fn literal(x: f64) -> String {
    let s = format!("{x}");
    if s.contains(['.', 'e', 'E', 'i', 'N']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// A copy of `s` with `key` set to `value`, through the `--set` machinery and validation, so
/// it equals what `--set KEY=VALUE` (with VALUE = [`literal`]) loads.
pub fn with_value(s: &Scenario, key: &str, value: f64) -> Result<Scenario, InputError> {
    let table = toml::Table::try_from(s).map_err(|e| {
        InputError::new(
            s.scenario.id.clone(),
            "",
            format!("cannot re-read scenario: {e}"),
        )
    })?;
    let ov = Override::new(key, literal(value));
    let (mut out, _) = apply_overrides(table, std::slice::from_ref(&ov))?;
    // The file it came from and its earlier edits travel on, with this one, as with --set.
    out.provenance = s.provenance.clone();
    out.provenance.record(&ov.key, &ov.value);
    validate(&out).map_err(|issue| {
        InputError::new(format!("--set {}", ov.raw), issue.field, issue.message)
            .with_value(issue.value)
    })?;
    Ok(out)
}

/// Rounds a swing end to 6 significant figures, so the printed value is exact and short.
fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 5 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// The documented default swing of an input: (low, high, description).
///
/// - growth rates (`initial`, `long_run`): ± 5 pts;
/// - scale parameters (`initial_uncertainty`, `volatility`, `reversion`): ×0.5 to ×1.5, or
///   0 to 0.05 (reversion: 0 to 0.2) when the value is 0;
/// - `persistence`: ± 0.2;
/// - `capacity`: ×0.75 to ×1.25;
/// - an outcome's probability: ± 0.1, an uplift or level shock ×0.5 to ×1.5 (± 2 pts when 0);
/// - anything else: ×0.9 to ×1.1;
///
/// each kept inside the input's allowed range.
pub fn default_swing(input: &Input) -> (f64, f64, String) {
    let v = input.value;
    let (lo, hi, what) = match input.kind {
        Kind::Rate => (v - 0.05, v + 0.05, "±5 pts".to_string()),
        Kind::Uncertainty | Kind::Volatility if v == 0.0 => (0.0, 0.05, "0 to 0.05".into()),
        Kind::Reversion if v == 0.0 => (0.0, 0.2, "0 to 0.2".into()),
        Kind::Uncertainty | Kind::Volatility | Kind::Reversion => {
            (0.5 * v, 1.5 * v, "×0.5 to ×1.5".into())
        }
        Kind::Persistence => (v - 0.2, v + 0.2, "±0.2".into()),
        Kind::Capacity => (0.75 * v, 1.25 * v, "×0.75 to ×1.25".into()),
        Kind::Probability => (v - 0.1, v + 0.1, "±0.1".into()),
        Kind::Uplift | Kind::LevelShock if v == 0.0 => (-0.02, 0.02, "±2 pts".into()),
        Kind::Uplift | Kind::LevelShock => {
            let (a, b) = (0.5 * v, 1.5 * v);
            (a.min(b), a.max(b), "×0.5 to ×1.5".into())
        }
        Kind::Other => {
            let (a, b) = (0.9 * v, 1.1 * v);
            (a.min(b), a.max(b), "×0.9 to ×1.1".into())
        }
    };
    let (a, b) = input.allowed;
    (tidy(lo.clamp(a, b)), tidy(hi.clamp(a, b)), what)
}

/// Low and high values of every uncertain input: from the scenario's `ranges` where it gives
/// one, otherwise the default. Inputs whose swing is empty (low = high) are left out.
pub fn swings(s: &Scenario) -> Vec<Swing> {
    uncertain_inputs(s)
        .into_iter()
        .filter_map(|input| {
            let given = s.ranges.get(&input.key).or_else(|| {
                // A range may name the input by another spelling of its key.
                s.ranges
                    .iter()
                    .find(|(k, _)| resolve(s, k).is_ok_and(|i| i.key == input.key))
                    .map(|(_, r)| r)
            });
            let (low, high, source) = match given {
                Some(&[lo, hi]) => (lo, hi, SwingSource::Scenario),
                None => {
                    let (lo, hi, what) = default_swing(&input);
                    (lo, hi, SwingSource::Default(what))
                }
            };
            (high > low).then_some(Swing {
                input,
                low,
                high,
                source,
            })
        })
        .collect()
}

/// Checks the `ranges` table: each key a numeric parameter of the scenario, each range a
/// finite [low, high] with low < high. Values themselves are checked when they are set.
pub fn check_ranges(s: &Scenario) -> Result<(), super::validate::Issue> {
    for (key, &[lo, hi]) in &s.ranges {
        let field = format!("ranges.\"{key}\"");
        if let Err(e) = resolve(s, key) {
            return Err(super::validate::Issue {
                field,
                value: format!("[{lo}, {hi}]"),
                message: e.message,
            });
        }
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(super::validate::Issue {
                field,
                value: format!("[{lo}, {hi}]"),
                message: "must be [low, high] with finite low < high".into(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_are_shown_in_their_units() {
        use super::{Kind, show_value};
        let cases = [
            (Kind::Rate, 0.458, "45.8%"),
            (Kind::Rate, 0.08, "8%"),
            (Kind::Rate, -0.05, "−5%"),
            (Kind::Volatility, 0.0389, "3.89%"),
            (Kind::Uncertainty, 0.02505, "±2.505 pts"),
            (Kind::Reversion, 0.175, "0.175"),
            (Kind::Persistence, 0.5, "0.5"),
            (Kind::Capacity, 6000.0, "£6,000m"),
            (Kind::Probability, 0.0, "0%"),
            (Kind::Probability, 0.125, "12.5%"),
            (Kind::Uplift, 0.03, "+3 pts"),
            (Kind::Uplift, -0.015, "−1.5 pts"),
            (Kind::LevelShock, 0.05, "+5%"),
            (Kind::Other, 1.5, "1.5"),
        ];
        for (kind, v, want) in cases {
            assert_eq!(show_value(kind, v), want, "{kind:?} {v}");
        }
    }

    use super::*;
    use crate::scenario::{Override, load, load_with_overrides};

    #[test]
    fn with_value_equals_set_on_the_command_line() {
        let s = load("osa-enforced").unwrap();
        for input in uncertain_inputs(&s) {
            let (lo, hi, _) = default_swing(&input);
            for v in [lo, hi] {
                let ours = with_value(&s, &input.key, v).unwrap();
                let cli = load_with_overrides(
                    "osa-enforced",
                    &[format!("{}={}", input.key, literal(v))
                        .parse::<Override>()
                        .unwrap()],
                )
                .unwrap();
                assert_eq!(ours, cli, "{} = {v}", input.key);
                assert_eq!(resolve(&ours, &input.key).unwrap().value, v);
            }
        }
    }

    #[test]
    fn keys_resolve_in_every_spelling() {
        let s = load("osa-enforced").unwrap();
        let id = s.events[0].id.clone();
        let oc = s.events[0].outcomes[1].id.clone();
        let a = resolve(&s, &format!("events.{id}.{oc}.probability")).unwrap();
        let b = resolve(&s, "events.0.outcomes.1.probability").unwrap();
        let c = resolve(&s, &format!("events.{id}.outcomes.{oc}.probability")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert!(resolve(&s, "growth.nonsense").is_err());
        assert!(resolve(&s, "scenario.id").is_err());
    }

    #[test]
    fn literals_read_back_exactly() {
        for x in [0.06, 0.1 + 0.2, 1.0, 623.0, 1e-7, -0.05, 1e21] {
            let v: toml::Table = toml::from_str(&format!("v = {}", literal(x))).unwrap();
            assert_eq!(v["v"].as_float(), Some(x));
        }
    }
}
