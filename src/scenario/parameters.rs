//! The numeric inputs of a scenario, in one table: for each, its `--set` key, label, kind,
//! what a file may hold, what the analyses and the view may set it to, its steps in the view,
//! its default swing, and how an edit propagates. `--set`, the view, `sensitivity`, `solve`,
//! validation, completion and the docs' field table all read [`FIELDS`], so a rule changed here
//! changes everywhere.
//!
//! The probability rule: setting an outcome's probability leaves the event's total as it was.
//! The event's other outcomes give way to a rise and take up what a fall frees, in proportion to
//! their shares; outcomes set in the same command are held. When no other outcome has a share,
//! the change moves "nothing happens". The total may not pass 1 (validation says so).

use super::overrides::{Override, apply_overrides};
use super::uncertain::Uncertain;
use super::{Event, Scenario, validate};
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

/// Which numeric field of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Initial,
    InitialUncertainty,
    LongRun,
    Reversion,
    Volatility,
    Persistence,
    Capacity,
    StartRevenue,
    TargetRevenue,
    Probability,
    GrowthUplift,
    LevelShock,
    VolatilityMultiplier,
}

/// The table a field sits in; an outcome's fields are keyed by event and outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Growth,
    Market,
    Target,
    Outcome,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Growth => "growth",
            Section::Market => "market",
            Section::Target => "target",
            Section::Outcome => "events.<event>.<outcome>",
        }
    }
}

/// One end of the values a file may hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    Incl(f64),
    Excl(f64),
    Open,
}

/// What a scenario file may hold for a field (validation and the docs' field table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Valid {
    Range(Limit, Limit),
    /// Capacity: greater than `market.start_revenue`.
    AboveStartRevenue,
}

/// What the analyses and the view may set a field to: inside [`Valid`], and narrower where
/// wider values are not meaningful (growth rates from −50 % to +200 %).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Allowed {
    Fixed(f64, f64),
    /// Multiples of the start revenue (capacity).
    StartRevenueTimes(f64, f64),
}

/// How setting a field moves others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    /// Only the field changes.
    Alone,
    /// The event's other outcomes give way (the module's probability rule).
    OtherOutcomesGiveWay,
}

/// Everything the program knows about one numeric field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Descriptor {
    pub field: Field,
    pub section: Section,
    /// The last part of the key: `initial`, `probability`.
    pub name: &'static str,
    /// Name in the interactive view (an outcome's is put after the outcome's id: "firm P").
    pub label: &'static str,
    pub kind: Kind,
    pub valid: Valid,
    allowed: Allowed,
    /// (small, large) steps in the view; `None` when the view does not edit it.
    pub steps: Option<(f64, f64)>,
    pub propagation: Propagation,
}

use Limit::{Excl, Incl, Open};

/// A field whose edits move nothing else.
#[allow(clippy::too_many_arguments)]
const fn field(
    field: Field,
    section: Section,
    name: &'static str,
    label: &'static str,
    kind: Kind,
    valid: Valid,
    allowed: Allowed,
    steps: Option<(f64, f64)>,
) -> Descriptor {
    Descriptor {
        field,
        section,
        name,
        label,
        kind,
        valid,
        allowed,
        steps,
        propagation: Propagation::Alone,
    }
}

const fn range(lo: Limit, hi: Limit) -> Valid {
    Valid::Range(lo, hi)
}

const fn fixed(lo: f64, hi: f64) -> Allowed {
    Allowed::Fixed(lo, hi)
}

use super::validate::{MAX_TARGET, MAX_VOLATILITY, MIN_REVENUE};
use Section::{Growth, Market, Outcome, Target};

/// Every numeric field, in the view's panel order (growth first, then an outcome's fields).
#[rustfmt::skip]
pub const FIELDS: [Descriptor; 13] = [
    field(Field::Initial, Growth, "initial", "Growth now", Kind::Rate,
        range(Excl(-0.99), Incl(10.0)), fixed(-0.5, 2.0), Some((0.01, 0.05))),
    field(Field::InitialUncertainty, Growth, "initial_uncertainty", "uncertainty",
        Kind::Uncertainty, range(Incl(0.0), Incl(2.0)), fixed(0.0, 0.5), Some((0.005, 0.025))),
    field(Field::LongRun, Growth, "long_run", "Long-run growth", Kind::Rate,
        range(Excl(-0.99), Incl(10.0)), fixed(-0.5, 2.0), Some((0.01, 0.05))),
    field(Field::Reversion, Growth, "reversion", "Reversion", Kind::Reversion,
        range(Incl(0.0), Incl(10.0)), fixed(0.0, 3.0), Some((0.05, 0.2))),
    field(Field::Volatility, Growth, "volatility", "Volatility", Kind::Volatility,
        range(Incl(0.0), Incl(MAX_VOLATILITY)), fixed(0.0, 1.0), Some((0.01, 0.05))),
    field(Field::Persistence, Growth, "persistence", "Persistence", Kind::Persistence,
        range(Excl(-1.0), Excl(1.0)), fixed(-0.95, 0.95), Some((0.05, 0.2))),
    field(Field::Capacity, Growth, "capacity", "Capacity", Kind::Capacity,
        Valid::AboveStartRevenue, Allowed::StartRevenueTimes(1.01, 1000.0), None),
    // £1,000 to £1,000,000bn.
    field(Field::StartRevenue, Market, "start_revenue", "Start revenue", Kind::Other,
        range(Incl(MIN_REVENUE), Incl(MAX_TARGET)), fixed(MIN_REVENUE, MAX_TARGET), None),
    field(Field::TargetRevenue, Target, "revenue", "Target", Kind::Other,
        range(Incl(MIN_REVENUE), Incl(MAX_TARGET)), fixed(MIN_REVENUE, MAX_TARGET), None),
    // Any probability: raising one takes from the event's other outcomes.
    Descriptor {
        propagation: Propagation::OtherOutcomesGiveWay,
        ..field(Field::Probability, Outcome, "probability", "P", Kind::Probability,
            range(Incl(0.0), Incl(1.0)), fixed(0.0, 1.0), Some((0.05, 0.2)))
    },
    field(Field::GrowthUplift, Outcome, "growth_uplift", "uplift", Kind::Uplift,
        range(Incl(-0.99), Incl(5.0)), fixed(-0.5, 1.0), Some((0.01, 0.05))),
    field(Field::LevelShock, Outcome, "level_shock", "level shock", Kind::LevelShock,
        range(Excl(-1.0), Incl(10.0)), fixed(-0.9, 2.0), None),
    field(Field::VolatilityMultiplier, Outcome, "volatility_multiplier", "volatility ×",
        Kind::Other, range(Incl(0.0), Incl(10.0)), fixed(0.0, 5.0), None),
];

impl Field {
    pub fn descriptor(self) -> &'static Descriptor {
        FIELDS
            .iter()
            .find(|d| d.field == self)
            .expect("every field has a descriptor")
    }
}

impl Descriptor {
    /// The key's pattern as the docs write it: `growth.initial`,
    /// `events.<event>.<outcome>.probability`.
    pub fn pattern(&self) -> String {
        format!("{}.{}", self.section.name(), self.name)
    }

    /// What a file may hold, in words ("greater than -0.99 and at most 10").
    pub fn describe_valid(&self) -> String {
        match self.valid {
            Valid::Range(lo, hi) => describe(lo, hi),
            Valid::AboveStartRevenue => "greater than market.start_revenue".into(),
        }
    }
}

/// A number as people write it: `0.37`, `1000`, or `1e19` when very large or small.
pub fn num(v: f64) -> String {
    if v != 0.0 && !(1e-4..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A range in words, as validation's messages and the docs say it.
pub fn describe(lo: Limit, hi: Limit) -> String {
    match (lo, hi) {
        (Incl(l), Incl(h)) => format!("between {} and {}", num(l), num(h)),
        (Incl(l), Excl(h)) => format!("at least {} and less than {}", num(l), num(h)),
        (Excl(l), Excl(h)) => format!("greater than {} and less than {}", num(l), num(h)),
        (Excl(l), Incl(h)) => format!("greater than {} and at most {}", num(l), num(h)),
        (Incl(l), Open) => format!("at least {}", num(l)),
        (Excl(l), Open) => format!("greater than {}", num(l)),
        (Open, Incl(h)) => format!("at most {}", num(h)),
        (Open, Excl(h)) => format!("less than {}", num(h)),
        (Open, Open) => "a number".to_string(),
    }
}

/// The docs' table of numeric fields (docs/scenario-format.md), made from [`FIELDS`].
pub fn docs_table() -> String {
    let mut out = String::from(
        "| Key | A file may hold | `--set`, `sensitivity`, `solve` and the view may set | \
         Step in the view (Shift) | Default swing |\n|---|---|---|---|---|\n",
    );
    for d in &FIELDS {
        let mut valid = d.describe_valid();
        if d.propagation == Propagation::OtherOutcomesGiveWay {
            valid.push_str("; an event's outcomes sum to at most 1");
        }
        let allowed = match d.allowed {
            Allowed::Fixed(lo, hi) => format!("{} to {}", num(lo), num(hi)),
            Allowed::StartRevenueTimes(lo, hi) => {
                format!("{}× to {}× `market.start_revenue`", num(lo), num(hi))
            }
        };
        let allowed = match d.propagation {
            Propagation::Alone => allowed,
            Propagation::OtherOutcomesGiveWay => {
                format!("{allowed}; the event's other outcomes give way")
            }
        };
        let steps = d.steps.map_or("not edited".into(), |(a, b)| {
            format!("{} ({})", num(a), num(b))
        });
        out.push_str(&format!(
            "| `{}` | {valid} | {allowed} | {steps} | {} |\n",
            d.pattern(),
            swing_rule(d.kind)
        ));
    }
    out
}

/// How [`default_swing`] moves an input of this kind, in words.
pub fn swing_rule(kind: Kind) -> &'static str {
    match kind {
        Kind::Rate => "5 pts either way",
        Kind::Uncertainty | Kind::Volatility => "×0.5 to ×1.5 (0 to 0.05 from 0)",
        Kind::Reversion => "×0.5 to ×1.5 (0 to 0.2 from 0)",
        Kind::Persistence => "0.2 either way",
        Kind::Capacity => "×0.75 to ×1.25",
        Kind::Probability => "0.1 either way",
        Kind::Uplift | Kind::LevelShock => "×0.5 to ×1.5 (2 pts either way from 0)",
        Kind::Other => "×0.9 to ×1.1",
    }
}

/// Every numeric field of `s` that `wanted` accepts: growth (capacity where set), market and
/// target, then each outcome's.
fn params_where(s: &Scenario, wanted: impl Fn(&Descriptor) -> bool) -> Vec<Param> {
    let mut out: Vec<Param> = FIELDS
        .iter()
        .filter(|d| d.section != Section::Outcome && wanted(d))
        .map(|d| Param::of(d.field))
        .filter(|p| p.input(s).is_some())
        .collect();
    for (e, ev) in s.events.iter().enumerate() {
        for o in 0..ev.outcomes.len() {
            out.extend(
                FIELDS
                    .iter()
                    .filter(|d| d.section == Section::Outcome && wanted(d))
                    .map(|d| Param::outcome(d.field, e, o)),
            );
        }
    }
    out
}

/// Every numeric field of `s`.
pub fn all_params(s: &Scenario) -> Vec<Param> {
    params_where(s, |_| true)
}

/// One numeric field of one scenario: a growth or market field, or an outcome's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub field: Field,
    /// (event, outcome) indices, for an outcome's field.
    pub outcome: Option<(usize, usize)>,
}

impl Param {
    /// A field outside the events: growth, market or target.
    pub fn of(field: Field) -> Param {
        Param {
            field,
            outcome: None,
        }
    }

    pub fn outcome(field: Field, event: usize, outcome: usize) -> Param {
        Param {
            field,
            outcome: Some((event, outcome)),
        }
    }

    pub fn descriptor(self) -> &'static Descriptor {
        self.field.descriptor()
    }

    pub fn kind(self) -> Kind {
        self.descriptor().kind
    }

    /// The event this parameter belongs to.
    pub fn event(self) -> Option<usize> {
        self.outcome.map(|(e, _)| e)
    }

    fn outcome_ref(self, s: &Scenario) -> Option<&super::Outcome> {
        let (e, o) = self.outcome?;
        s.events.get(e)?.outcomes.get(o)
    }

    /// The dotted key `--set` takes: `growth.initial`, `events.osa.firm.probability`.
    pub fn key(self, s: &Scenario) -> String {
        let d = self.descriptor();
        match self.outcome {
            None => format!("{}.{}", d.section.name(), d.name),
            Some((e, _)) => {
                let ev = s.events.get(e).map_or("?", |e| e.id.as_str());
                let id = self.outcome_ref(s).map_or("?", |o| o.id.as_str());
                format!("events.{ev}.{id}.{}", d.name)
            }
        }
    }

    /// Its name in the view: "Growth now", "firm P".
    pub fn label(self, s: &Scenario) -> String {
        let d = self.descriptor();
        match self.outcome {
            None => d.label.to_string(),
            Some(_) => match self.outcome_ref(s) {
                Some(o) => format!("{} {}", o.id, d.label),
                None => "?".into(),
            },
        }
    }

    /// The value in `s` (an unset long-run rate is `initial`; an unset capacity is infinite).
    pub fn get(self, s: &Scenario) -> f64 {
        let g = &s.growth;
        let outcome = |f: fn(&super::Outcome) -> f64| self.outcome_ref(s).map_or(0.0, f);
        match self.field {
            Field::Initial => g.initial,
            Field::InitialUncertainty => g.initial_uncertainty,
            Field::LongRun => g.long_run_rate(),
            Field::Reversion => g.reversion,
            Field::Volatility => g.volatility,
            Field::Persistence => g.persistence,
            Field::Capacity => g.capacity.unwrap_or(f64::INFINITY),
            Field::StartRevenue => s.market.start_revenue,
            Field::TargetRevenue => s.target.revenue,
            Field::Probability => outcome(|o| o.probability),
            Field::GrowthUplift => outcome(|o| o.growth_uplift),
            Field::LevelShock => outcome(|o| o.level_shock),
            Field::VolatilityMultiplier => outcome(|o| o.volatility_multiplier),
        }
    }

    /// Values the analyses and the view may set.
    pub fn allowed(self, s: &Scenario) -> (f64, f64) {
        match self.descriptor().allowed {
            Allowed::Fixed(lo, hi) => (lo, hi),
            Allowed::StartRevenueTimes(lo, hi) => {
                (s.market.start_revenue * lo, s.market.start_revenue * hi)
            }
        }
    }

    /// Sets the value, moving what [`Propagation`] says: the same scenario as `--set`.
    pub fn set(self, s: &mut Scenario, v: f64) {
        // A number fixes an uncertain input, as `--set KEY=NUMBER` does.
        let key = self.key(s);
        s.uncertain
            .remove(super::uncertain::replaced_by_setting(&key));
        self.put(s, v);
    }

    /// The input's distribution in `s`, where it is drawn per path.
    pub fn distribution(self, s: &Scenario) -> Option<&Uncertain> {
        s.uncertain.get(&self.key(s))
    }

    /// Puts `u` on the input (its field then holds `u`'s median, as a file's would), leaving
    /// the scenario unchanged and saying why if `u` is not allowed there.
    pub fn set_distribution(
        self,
        s: &mut Scenario,
        u: Result<Uncertain, String>,
    ) -> Result<(), String> {
        let u = u.map_err(|e| format!("{}: {e}", self.key(s)))?;
        let mut edited = s.clone();
        let median = u.median();
        edited.uncertain.insert(self.key(s), u);
        self.put(&mut edited, median);
        validate(&edited).map_err(|issue| format!("{}: {}", issue.field, issue.message))?;
        *s = edited;
        Ok(())
    }

    /// Moves an uncertain input so that its median is `v`, its spread kept.
    pub fn set_centre(self, s: &mut Scenario, v: f64) -> Result<(), String> {
        let Some(u) = self.distribution(s) else {
            self.set(s, v);
            return Ok(());
        };
        let moved = u.centred_at(v);
        self.set_distribution(s, moved)
    }

    /// Stretches an uncertain input's spread about its centre by `factor`.
    pub fn stretch(self, s: &mut Scenario, factor: f64) -> Result<(), String> {
        let p = self.uncertainty_owner();
        let Some(u) = p.distribution(s) else {
            return Err(format!("{} is fixed", p.key(s)));
        };
        let stretched = u.stretched(factor);
        p.set_distribution(s, stretched)
    }

    /// Sets the central 90 % of the input's draws to `low`–`high`: an uncertain input is moved
    /// and stretched in its own family; a fixed one becomes uncertain, Normal (log-Normal for a
    /// capacity or a start revenue) with those ends, truncated to the field's range.
    pub fn set_central_90(self, s: &mut Scenario, low: f64, high: f64) -> Result<(), String> {
        let (lo, hi) = self.allowed(s);
        if !(lo <= low && high <= hi) {
            return Err(format!(
                "{}: a 90% range must lie within {} to {}",
                self.key(s),
                num(lo),
                num(hi)
            ));
        }
        let u = match self.distribution(s) {
            Some(u) => u.with_central_90(low, high),
            None => self.new_distribution(low, high),
        };
        self.set_distribution(s, u)
    }

    /// A distribution of this input's field with its central 90 % at `low`–`high`.
    pub fn new_distribution(self, low: f64, high: f64) -> Result<Uncertain, String> {
        if low.partial_cmp(&high) != Some(std::cmp::Ordering::Less) {
            return Err("the range must have its low end below its high end".into());
        }
        let family = match self.field {
            Field::Capacity | Field::StartRevenue if low > 0.0 => "lognormal",
            _ => "normal",
        };
        let mut t = toml::Table::new();
        t.insert("dist".into(), family.into());
        t.insert("p5".into(), low.into());
        t.insert("p95".into(), high.into());
        t.insert("truncate".into(), true.into());
        // Truncation to the field's range moves the ends a little: solve for them exactly.
        Uncertain::new(&t, super::uncertain::range_of(self.descriptor()))?
            .with_central_90(low, high)
    }

    /// Fixes an uncertain input at its median: its distribution, and any correlations that
    /// name it, are set aside (returned, so that [`Param::free`] can restore them). The older
    /// spread of the pace is set aside as a number. None if the input was not uncertain.
    pub fn fix(self, s: &mut Scenario) -> Option<SetAside> {
        let key = self.uncertainty_owner().key(s);
        if let Some(u) = s.uncertain.remove(&key) {
            let (named, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut s.correlations)
                .into_iter()
                .partition(|c| c.between.contains(&key));
            s.correlations = kept;
            return Some(SetAside::Distribution(u, named));
        }
        let g = &mut s.growth;
        if key == super::uncertain::PACE && g.initial_uncertainty > 0.0 {
            return Some(SetAside::Spread(std::mem::take(&mut g.initial_uncertainty)));
        }
        None
    }

    /// Makes a fixed input uncertain again: as `aside` says (what [`Param::fix`] set aside),
    /// else with a Normal (log-Normal for a capacity or a start revenue) whose central 90 % is
    /// the input's default swing around its value.
    pub fn free(self, s: &mut Scenario, aside: Option<SetAside>) -> Result<(), String> {
        let p = self.uncertainty_owner();
        if p.distribution(s).is_some() {
            return Ok(());
        }
        match aside {
            Some(SetAside::Spread(sd)) => {
                let mut edited = s.clone();
                edited.growth.initial_uncertainty = sd;
                validate(&edited).map_err(|i| format!("{}: {}", i.field, i.message))?;
                *s = edited;
                Ok(())
            }
            Some(SetAside::Distribution(u, correlations)) => {
                // Its centre may have moved while it was fixed: the restored spread follows.
                let centred = u.centred_at(p.get(s));
                let mut edited = s.clone();
                p.set_distribution(&mut edited, centred)?;
                edited.correlations.extend(correlations);
                validate(&edited).map_err(|i| format!("{}: {}", i.field, i.message))?;
                *s = edited;
                Ok(())
            }
            None => {
                let input = p
                    .input(s)
                    .ok_or_else(|| format!("{} does not act in this scenario", p.key(s)))?;
                let (low, high, _) = default_swing(&input);
                p.set_central_90(s, low, high)
            }
        }
    }

    /// The parameter whose uncertainty this one is: the pace for its older spread.
    pub fn uncertainty_owner(self) -> Param {
        match self.field {
            Field::InitialUncertainty => Param::of(Field::Initial),
            _ => self,
        }
    }

    /// Sets the field's value without touching its distribution.
    fn put(self, s: &mut Scenario, v: f64) {
        let g = &mut s.growth;
        match self.field {
            Field::Initial => g.initial = v,
            Field::InitialUncertainty => g.initial_uncertainty = v,
            Field::LongRun => g.long_run = Some(v),
            Field::Reversion => g.reversion = v,
            Field::Volatility => g.volatility = v,
            Field::Persistence => g.persistence = v,
            Field::Capacity => g.capacity = Some(v),
            Field::StartRevenue => s.market.start_revenue = v,
            Field::TargetRevenue => s.target.revenue = v,
            Field::Probability
            | Field::GrowthUplift
            | Field::LevelShock
            | Field::VolatilityMultiplier => {
                let Some((e, o)) = self.outcome else { return };
                let Some(ev) = s.events.get_mut(e) else {
                    return;
                };
                if o >= ev.outcomes.len() {
                    return;
                }
                if self.field == Field::Probability {
                    let before: Vec<f64> = ev.outcomes.iter().map(|x| x.probability).collect();
                    ev.outcomes[o].probability = v;
                    give_way(ev, &before, &[o]);
                    return;
                }
                let out = &mut ev.outcomes[o];
                match self.field {
                    Field::GrowthUplift => out.growth_uplift = v,
                    Field::LevelShock => out.level_shock = v,
                    _ => out.volatility_multiplier = v,
                }
            }
        }
    }
}

/// What fixing an uncertain input set aside.
#[derive(Debug, Clone, PartialEq)]
pub enum SetAside {
    /// Its distribution and the correlations that named it.
    Distribution(Uncertain, Vec<super::correlation::Correlation>),
    /// The older spread of the pace (`initial_uncertainty`).
    Spread(f64),
}

/// The probability rule: after the outcomes in `held` were set, the event's other outcomes
/// scale so its total stays that of `before`, in proportion to their shares. When they have
/// no share (all 0, or none), the change moves "nothing happens".
pub fn give_way(ev: &mut Event, before: &[f64], held: &[usize]) {
    let total: f64 = before.iter().sum();
    let others: f64 = before
        .iter()
        .enumerate()
        .filter(|(i, _)| !held.contains(i))
        .map(|(_, p)| p)
        .sum();
    if others <= 1e-12 {
        return;
    }
    let set: f64 = ev
        .outcomes
        .iter()
        .enumerate()
        .filter(|(i, _)| held.contains(i))
        .map(|(_, o)| o.probability)
        .sum();
    let scale = ((total - set) / others).max(0.0);
    for (i, o) in ev.outcomes.iter_mut().enumerate() {
        if !held.contains(&i) {
            // Rounded down so the event never sums past 1 by float noise.
            o.probability = (before[i] * scale * 1e9).floor() / 1e9;
        }
    }
}

/// The parameters the view edits (those with steps), in panel order.
pub fn view_params(s: &Scenario) -> Vec<Param> {
    params_where(s, |d| d.steps.is_some())
}

/// One numeric input of a scenario, with its value and allowed range.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The `--set` key, e.g. `growth.long_run` or `events.osa.firm.probability`.
    pub key: String,
    pub param: Param,
    pub kind: Kind,
    pub value: f64,
    /// Values the analyses may set (see [`Descriptor`]).
    pub allowed: (f64, f64),
}

impl Param {
    /// This parameter of `s` as an input with its value, or `None` where it does not exist
    /// (no capacity set, no such outcome).
    pub fn input(self, s: &Scenario) -> Option<Input> {
        if self.outcome.is_some() && self.outcome_ref(s).is_none() {
            return None;
        }
        if self.field == Field::Capacity && s.growth.capacity.is_none() {
            return None;
        }
        Some(Input {
            key: self.key(s),
            param: self,
            kind: self.kind(),
            value: self.get(s),
            allowed: self.allowed(s),
        })
    }
}

/// Where a swing's low and high values came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwingSource {
    /// The scenario's `[ranges]` table.
    Scenario,
    /// The documented default, described (e.g. "5 pts either way", "×0.5 to ×1.5"): in words,
    /// never "±", which is the Monte Carlo margin.
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

/// The inputs a sensitivity analysis swings: every growth parameter that acts in this scenario,
/// and the probability and uplift (and level shock, where set) of every event outcome.
pub fn uncertain_inputs(s: &Scenario) -> Vec<Input> {
    let g = &s.growth;
    let mut fields = vec![Field::Initial];
    // A distribution on the starting pace says its spread itself; the older spread field
    // cannot be combined with it, so it is not an input then.
    if s.pace_distribution().is_none() {
        fields.push(Field::InitialUncertainty);
    }
    // Reversion acts only toward a different long-run rate, and the long-run rate only through
    // reversion.
    if g.reversion > 0.0 {
        fields.push(Field::LongRun);
    }
    if g.long_run.is_some_and(|lr| lr != g.initial) {
        fields.push(Field::Reversion);
    }
    fields.extend([Field::Volatility, Field::Persistence, Field::Capacity]);
    let mut out: Vec<Input> = fields
        .into_iter()
        .filter_map(|f| Param::of(f).input(s))
        .collect();
    for (e, ev) in s.events.iter().enumerate() {
        for (o, oc) in ev.outcomes.iter().enumerate() {
            let mut outcome_fields = vec![Field::Probability, Field::GrowthUplift];
            if oc.level_shock != 0.0 {
                outcome_fields.push(Field::LevelShock);
            }
            out.extend(
                outcome_fields
                    .into_iter()
                    .filter_map(|f| Param::outcome(f, e, o).input(s)),
            );
        }
    }
    out
}

/// The parameter a `--set` key names, in any spelling `--set` accepts: `growth.*`,
/// `market.start_revenue`, `target.revenue`, and an outcome's field by id or index
/// (`events.osa.firm.probability`, `events.0.outcomes.1.probability`).
pub fn param_of(s: &Scenario, key: &str) -> Option<Param> {
    let parts: Vec<&str> = key.split('.').collect();
    let named = |section: Section, name: &str| {
        FIELDS
            .iter()
            .find(|d| d.section == section && d.name == name)
            .map(|d| d.field)
    };
    match parts.as_slice() {
        ["growth", name] => named(Section::Growth, name).map(Param::of),
        ["market", name] => named(Section::Market, name).map(Param::of),
        ["target", name] => named(Section::Target, name).map(Param::of),
        ["events", ev, rest @ ..] => {
            let e = s
                .events
                .iter()
                .position(|x| x.id == *ev)
                .or_else(|| ev.parse().ok().filter(|&i: &usize| i < s.events.len()))?;
            let rest = match rest {
                ["outcomes", r @ ..] => r,
                r => r,
            };
            let [oc, name] = rest else { return None };
            let outs = &s.events[e].outcomes;
            let o = outs
                .iter()
                .position(|x| x.id == *oc)
                .or_else(|| oc.parse().ok().filter(|&i: &usize| i < outs.len()))?;
            named(Section::Outcome, name).map(|f| Param::outcome(f, e, o))
        }
        _ => None,
    }
}

/// The input a `--set` key names (see [`param_of`]).
pub fn resolve(s: &Scenario, key: &str) -> Result<Input, InputError> {
    param_of(s, key).and_then(|p| p.input(s)).ok_or_else(|| {
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
        // An input's spread, never "±": that sign is the Monte Carlo margin on the same chart.
        Kind::Uncertainty => format!("sd {} pts", percent(v)),
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
    let mut uncertain = s.uncertain.clone();
    let (mut out, _) = apply_overrides(table, std::slice::from_ref(&ov), &mut uncertain)?;
    out.uncertain = uncertain;
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
/// - growth rates (`initial`, `long_run`): 5 pts either way;
/// - scale parameters (`initial_uncertainty`, `volatility`, `reversion`): ×0.5 to ×1.5, or
///   0 to 0.05 (reversion: 0 to 0.2) when the value is 0;
/// - `persistence`: 0.2 either way;
/// - `capacity`: ×0.75 to ×1.25;
/// - an outcome's probability: 0.1 either way, an uplift or level shock ×0.5 to ×1.5 (2 pts
///   either way when 0);
/// - anything else: ×0.9 to ×1.1;
///
/// each kept inside the input's allowed range.
pub fn default_swing(input: &Input) -> (f64, f64, String) {
    let v = input.value;
    let (lo, hi, what) = match input.kind {
        Kind::Rate => (v - 0.05, v + 0.05, "5 pts either way".to_string()),
        Kind::Uncertainty | Kind::Volatility if v == 0.0 => (0.0, 0.05, "0 to 0.05".into()),
        Kind::Reversion if v == 0.0 => (0.0, 0.2, "0 to 0.2".into()),
        Kind::Uncertainty | Kind::Volatility | Kind::Reversion => {
            (0.5 * v, 1.5 * v, "×0.5 to ×1.5".into())
        }
        Kind::Persistence => (v - 0.2, v + 0.2, "0.2 either way".into()),
        Kind::Capacity => (0.75 * v, 1.25 * v, "×0.75 to ×1.25".into()),
        Kind::Probability => (v - 0.1, v + 0.1, "0.1 either way".into()),
        Kind::Uplift | Kind::LevelShock if v == 0.0 => (-0.02, 0.02, "2 pts either way".into()),
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
            let (low, high, source) = match (given, s.uncertain.get(&input.key)) {
                (Some(&[lo, hi]), _) => (lo, hi, SwingSource::Scenario),
                // An uncertain input swings between its own 5th and 95th percentiles.
                (None, Some(u)) => {
                    let (a, b) = input.allowed;
                    (
                        tidy(u.quantile(0.05).clamp(a, b)),
                        tidy(u.quantile(0.95).clamp(a, b)),
                        SwingSource::Default("p5 to p95 of its distribution".into()),
                    )
                }
                (None, None) => {
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
/// finite [low, high] with low < high. The ends are checked where a scenario is read
/// ([`check_range_ends`]).
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

/// Checks each end of each `ranges` entry is a value `sensitivity` may set: one `--set`
/// accepts, or the refusal would come later, blamed on a `--set` nobody typed. It sets each
/// end on a copy and validates it, so it runs where a scenario is read, not in every
/// [`super::validate`] (the view validates on every key press).
pub fn check_range_ends(s: &Scenario) -> Result<(), super::validate::Issue> {
    for (key, &[lo, hi]) in &s.ranges {
        let field = format!("ranges.\"{key}\"");
        let bare = Scenario {
            ranges: Default::default(),
            ..s.clone()
        };
        for (end, v) in [("low", lo), ("high", hi)] {
            if let Err(e) = with_value(&bare, key, v) {
                let what = if e.field.is_empty() {
                    String::new()
                } else {
                    format!("{} = {}: ", e.field, e.value.as_deref().unwrap_or(""))
                };
                return Err(super::validate::Issue {
                    field,
                    value: format!("[{lo}, {hi}]"),
                    message: format!(
                        "its {end} end, {v}, is not a value {key} may take: {what}{}",
                        e.message
                    ),
                });
            }
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
            (Kind::Uncertainty, 0.02505, "sd 2.505 pts"),
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

    /// osa-enforced with long-run growth and capacity uncertain and correlated.
    fn correlated() -> Scenario {
        let text = include_str!("../../tests/fixtures/osa-fixed.toml")
            .lines()
            .map(|l| match l.trim_start() {
                t if t.starts_with("long_run =") => {
                    r#"long_run = { dist = "normal", p5 = 0.08, p95 = 0.18 }"#.to_string()
                }
                t if t.starts_with("capacity =") => {
                    r#"capacity = { dist = "lognormal", p5 = 3000, p95 = 20000 }"#.to_string()
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n[[correlations]]\nbetween = [\"growth.long_run\", \"growth.capacity\"]\nrank = 0.5\n";
        crate::scenario::parse_str(&text, "correlated").unwrap()
    }

    #[test]
    fn fixing_and_freeing_an_input_gives_back_the_scenario() {
        let s = correlated();
        let long_run = Param::of(Field::LongRun);
        let mut edited = s.clone();
        let aside = long_run.fix(&mut edited).expect("it was uncertain");
        // Fixed at its median, with its correlation set aside: still a valid scenario.
        assert!(long_run.distribution(&edited).is_none());
        assert!(edited.correlations.is_empty());
        assert!((long_run.get(&edited) - s.uncertain["growth.long_run"].median()).abs() < 1e-15);
        validate(&edited).unwrap();
        long_run.free(&mut edited, Some(aside)).unwrap();
        assert_eq!(edited, s);
        // The older spread of the pace is set aside as a number, from either of its rows.
        let mut edited = s.clone();
        let aside = Param::of(Field::InitialUncertainty)
            .fix(&mut edited)
            .unwrap();
        assert_eq!(aside, SetAside::Spread(s.growth.initial_uncertainty));
        assert_eq!(edited.growth.initial_uncertainty, 0.0);
        Param::of(Field::Initial)
            .free(&mut edited, Some(aside))
            .unwrap();
        assert_eq!(edited, s);
    }

    #[test]
    fn freeing_a_fixed_input_uses_its_default_swing_as_the_central_90() {
        let mut s = load("tests/fixtures/osa-fixed.toml").unwrap();
        let reversion = Param::of(Field::Reversion);
        let input = reversion.input(&s).unwrap();
        let (low, high, _) = default_swing(&input);
        reversion.free(&mut s, None).unwrap();
        let u = reversion.distribution(&s).unwrap();
        assert!((u.quantile(0.05) - low).abs() < 1e-9 && (u.quantile(0.95) - high).abs() < 1e-9);
        // Its field holds the median, as a file's would.
        assert_eq!(reversion.get(&s), u.median());
        // A range beyond the field's allowed values is refused, leaving the scenario as it was.
        let before = s.clone();
        let err = reversion.set_central_90(&mut s, -0.5, 0.5).unwrap_err();
        assert!(err.contains("within 0"), "{err}");
        assert_eq!(s, before);
    }

    #[test]
    fn a_number_set_on_a_correlated_input_drops_its_correlation() {
        let s = correlated();
        let fixed = with_value(&s, "growth.long_run", 0.1).unwrap();
        assert!(fixed.correlations.is_empty() && !fixed.uncertain.contains_key("growth.long_run"));
        assert!(fixed.uncertain.contains_key("growth.capacity"));
        // A distribution set in its place keeps it.
        let table = toml::Table::try_from(&s).unwrap();
        let mut uncertain = s.uncertain.clone();
        let ov = Override::new(
            "growth.long_run",
            r#"{ dist = "uniform", min = 0.05, max = 0.2 }"#,
        );
        let (kept, _) = apply_overrides(table, &[ov], &mut uncertain).unwrap();
        assert_eq!(kept.correlations, s.correlations);
        assert_eq!(uncertain["growth.long_run"].family(), "uniform");
    }

    #[test]
    fn with_value_equals_set_on_the_command_line() {
        let s = load("tests/fixtures/osa-fixed.toml").unwrap();
        for input in uncertain_inputs(&s) {
            let (lo, hi, _) = default_swing(&input);
            for v in [lo, hi] {
                let ours = with_value(&s, &input.key, v).unwrap();
                let cli = load_with_overrides(
                    "tests/fixtures/osa-fixed.toml",
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
        let s = load("tests/fixtures/osa-fixed.toml").unwrap();
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
    fn the_docs_field_table_is_made_from_the_descriptors() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario-format.md");
        let docs = std::fs::read_to_string(path).unwrap();
        let begin = "<!-- BEGIN numeric fields -->\n";
        let start = docs.find(begin).expect("docs mark the table") + begin.len();
        let end = start + docs[start..].find("<!-- END numeric fields -->").unwrap();
        assert_eq!(
            &docs[start..end],
            docs_table(),
            "docs/scenario-format.md's table of numbers is out of date: paste docs_table()"
        );
        // Every descriptor is a row, and every row a descriptor.
        assert_eq!(docs_table().lines().count(), FIELDS.len() + 2);
    }

    #[test]
    fn validation_refuses_just_outside_what_a_file_may_hold() {
        // The descriptor's limits are the ones validation applies: a value just inside passes,
        // just outside fails naming the field.
        let s = load("tests/fixtures/osa-fixed.toml").unwrap();
        for p in all_params(&s) {
            let Valid::Range(lo, hi) = p.descriptor().valid else {
                continue;
            };
            for (limit, outward) in [(lo, -1.0), (hi, 1.0)] {
                let (edge, inside_ok) = match limit {
                    Limit::Incl(x) => (x, true),
                    Limit::Excl(x) => (x, false),
                    Limit::Open => continue,
                };
                let step = 1e-6 * edge.abs().max(1.0);
                let mut outside = s.clone();
                p.set(&mut outside, edge + outward * step);
                let err = validate(&outside).expect_err(&p.key(&s));
                assert!(err.field.ends_with(p.descriptor().name), "{err:?}");
                let mut at = s.clone();
                // Only this field at its edge; the others stay valid (probabilities give way).
                p.set(
                    &mut at,
                    if inside_ok {
                        edge
                    } else {
                        edge - outward * step
                    },
                );
                if p.field == Field::StartRevenue || p.field == Field::TargetRevenue {
                    continue; // the revenue's reach checks may refuse extreme levels
                }
                if let Err(e) = validate(&at) {
                    assert!(
                        !e.field.ends_with(p.descriptor().name),
                        "{} {e:?}",
                        p.key(&s)
                    );
                }
            }
        }
    }

    #[test]
    fn a_probability_is_the_same_scenario_through_set_solve_and_the_view() {
        let s = load("tests/fixtures/osa-fixed.toml").unwrap();
        let key = "events.osa.firm.probability";
        let cli = load_with_overrides(
            "tests/fixtures/osa-fixed.toml",
            &[format!("{key}=0.7").parse().unwrap()],
        )
        .unwrap();
        // `solve` and `sensitivity` set values through `with_value`.
        let analysis = with_value(&s, key, 0.7).unwrap();
        let mut view = s.clone();
        param_of(&s, key).unwrap().set(&mut view, 0.7);
        assert_eq!(cli.events, analysis.events);
        assert_eq!(cli.events, view.events);
        let p: Vec<f64> = cli.events[0]
            .outcomes
            .iter()
            .map(|o| o.probability)
            .collect();
        // firm 0.5 → 0.7: routine 0.4 and slow 0.1 give way in proportion; the total stays 1.
        assert_eq!(p[0], 0.7);
        assert!(
            (p[1] - 0.24).abs() < 1e-9 && (p[2] - 0.06).abs() < 1e-9,
            "{p:?}"
        );
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-8);
        // Outcomes set in one command are held; the rest give way.
        let both = load_with_overrides(
            "tests/fixtures/osa-fixed.toml",
            &[
                format!("{key}=0.6").parse().unwrap(),
                "events.osa.slow.probability=0.3".parse().unwrap(),
            ],
        )
        .unwrap();
        let p: Vec<f64> = both.events[0]
            .outcomes
            .iter()
            .map(|o| o.probability)
            .collect();
        assert_eq!((p[0], p[2]), (0.6, 0.3));
        assert!(
            (p[1] - 0.1).abs() < 1e-9,
            "routine takes what is left: {p:?}"
        );
        // Past a total of 1 with nothing to give way: an error, not a silent change.
        assert!(
            load_with_overrides(
                "tests/fixtures/osa-fixed.toml",
                &[
                    format!("{key}=0.8").parse().unwrap(),
                    "events.osa.routine.probability=0.3".parse().unwrap(),
                    "events.osa.slow.probability=0.1".parse().unwrap(),
                    "events.osa.weakened.probability=0.0".parse().unwrap(),
                ],
            )
            .is_err()
        );
    }

    #[test]
    fn literals_read_back_exactly() {
        for x in [0.06, 0.1 + 0.2, 1.0, 623.0, 1e-7, -0.05, 1e21] {
            let v: toml::Table = toml::from_str(&format!("v = {}", literal(x))).unwrap();
            assert_eq!(v["v"].as_float(), Some(x));
        }
    }
}
