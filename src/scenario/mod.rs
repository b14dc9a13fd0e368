//! Scenario files: their types, loading (built-in name or path), `--set` overrides and validation.
//! Knows nothing of simulation.

pub mod bounds;
mod builtin;
pub mod correlation;
mod edit;
pub mod history;
pub mod inherit;
mod load;
mod overrides;
pub mod parameters;
mod source_map;
pub mod uncertain;
mod validate;

pub use builtin::{BUILTIN, builtin_source};
pub use edit::edit_source;
pub use load::{
    MAX_FILE_BYTES, STDIN, ScenarioSource, distinct_ids, id_of_file, load, load_text_and_scenario,
    load_with_overrides, parse_str, read_scenario_file, read_text_file,
};
pub use overrides::{LATEST, Override};
pub use validate::{MAX_OUTCOMES, validate};

use serde::{Deserialize, Serialize};

/// A whole scenario file. Field names are a public contract: scenario files in the wild use them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub scenario: Meta,
    pub market: Market,
    pub target: Target,
    pub growth: Growth,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// Low and high values for a sensitivity analysis, by `--set` key:
    /// `[ranges]` with `"growth.long_run" = [0.06, 0.14]`. Inputs not named get a default swing.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub ranges: std::collections::BTreeMap<String, [f64; 2]>,
    /// Rank correlations between uncertain inputs: `[[correlations]]` with
    /// `between = ["growth.long_run", "growth.capacity"]` and `rank = 0.5`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<correlation::Correlation>,
    /// Where the scenario came from and what was changed after loading. Not part of the file:
    /// outputs carry it so a changed run never passes for the stock scenario.
    #[serde(skip)]
    pub provenance: Provenance,
    /// Inputs written as distributions, by key (`growth.initial`); the field itself holds the
    /// distribution's median. Kept out of serde's way: [`Scenario::to_toml`] writes them back.
    #[serde(skip)]
    pub uncertain: std::collections::BTreeMap<String, uncertain::Uncertain>,
}

/// A scenario's origin and its changes since loading.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Provenance {
    /// The file it was read from, when it is not a built-in.
    pub file: Option<String>,
    /// Changes as `key = value` (`--set`, `--horizon`, TUI edits), in the order made.
    pub edits: Vec<String>,
    /// The ids of the scenarios it extends, nearest first (`extends = "central"`).
    pub extends: Vec<String>,
}

impl Provenance {
    pub fn is_edited(&self) -> bool {
        !self.edits.is_empty()
    }

    /// `edited: growth.volatility = 0.1, market.horizon = 2030`, or empty when unchanged.
    pub fn edited_note(&self) -> String {
        if self.edits.is_empty() {
            String::new()
        } else {
            format!("edited: {}", self.edits.join(", "))
        }
    }

    /// Record `key = value`, replacing an earlier change to the same key.
    pub fn record(&mut self, key: &str, value: &str) {
        let entry = format!("{key} = {value}");
        let prefix = format!("{key} = ");
        match self.edits.iter_mut().find(|e| e.starts_with(&prefix)) {
            Some(e) => *e = entry,
            None => self.edits.push(entry),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Market {
    pub start_year: i32,
    /// GBP million.
    pub start_revenue: f64,
    pub horizon: i32,
    /// Observed (year, revenue £m) pairs, shown on charts.
    #[serde(default)]
    pub history: Vec<(i32, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// GBP million.
    pub revenue: f64,
    pub year: i32,
}

/// Growth process. All rates are simple annual rates (0.37 = 37%).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Growth {
    pub initial: f64,
    #[serde(default)]
    pub initial_uncertainty: f64,
    /// How r0 spreads around `initial`: Normal with sd `initial_uncertainty`, or a Student-t
    /// with ν degrees of freedom scaled by it (for a pace estimated from few years: ν = n − 1).
    #[serde(default, skip_serializing_if = "Distribution::is_normal")]
    pub initial_distribution: Distribution,
    /// Rate that growth reverts to; defaults to `initial` (no reversion target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_run: Option<f64>,
    #[serde(default)]
    pub reversion: f64,
    pub volatility: f64,
    #[serde(default)]
    pub persistence: f64,
    #[serde(default)]
    pub shocks: Distribution,
    /// Saturation level in £m (logistic); none = unbounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<f64>,
}

impl Market {
    /// First year a chart shows: the earliest published year, or the start year.
    pub fn first_year(&self) -> i32 {
        self.history
            .iter()
            .map(|h| h.0)
            .min()
            .unwrap_or(self.start_year)
            .min(self.start_year)
    }
}

impl Growth {
    pub fn long_run_rate(&self) -> f64 {
        self.long_run.unwrap_or(self.initial)
    }
}

/// A distribution in a scenario file: `"normal"` or `{ student_t = ν }`. For `shocks` the
/// Student-t is rescaled to unit variance (ν > 2); for `initial_distribution` it is scaled by
/// `initial_uncertainty` (ν ≥ 1), as a t predictive from a small sample is.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Distribution {
    #[default]
    Normal,
    StudentT(f64),
}

/// The annual shocks' distribution (the name the engine and reports use).
pub type Shocks = Distribution;

impl Distribution {
    pub fn is_normal(&self) -> bool {
        *self == Distribution::Normal
    }
}

impl Serialize for Distribution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Distribution::Normal => s.serialize_str("normal"),
            Distribution::StudentT(nu) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("student_t", nu)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Distribution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Distribution;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#""normal" or { student_t = ν }"#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Distribution, E> {
                match v {
                    "normal" => Ok(Distribution::Normal),
                    other => Err(E::custom(format!(
                        r#"unknown distribution "{other}", expected "normal" or {{ student_t = ν }}"#
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Distribution, A::Error> {
                let mut nu = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "student_t" && nu.is_none() {
                        nu = Some(map.next_value::<f64>()?);
                    } else {
                        return Err(serde::de::Error::custom(format!(
                            "unknown key `{key}`, expected `student_t`"
                        )));
                    }
                }
                nu.map(Distribution::StudentT)
                    .ok_or_else(|| serde::de::Error::custom("expected { student_t = ν }"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A policy event: drawn once per path as one of its outcomes (or nothing, with the
/// probability left over).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Fixed start year for all outcomes (an outcome may override).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Start year drawn uniformly from [a, b] once per path (an outcome may override).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<[i32; 2]>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub id: String,
    pub probability: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<[i32; 2]>,
    /// Years added to the start year.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub delay: u32,
    /// Simple rate points added to mean growth while active.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub growth_uplift: f64,
    /// Years the uplift lasts; none = permanent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    /// The uplift rises linearly over this many years: 1/ramp of it in the first year.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub ramp: u32,
    /// One-off change in the level of revenue in the start year (−0.1 = a 10% drop).
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub level_shock: f64,
    /// Multiplies volatility while the uplift is active.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub volatility_multiplier: f64,
}

fn one() -> f64 {
    1.0
}
fn is_one(x: &f64) -> bool {
    *x == 1.0
}
fn is_zero_f64(x: &f64) -> bool {
    *x == 0.0
}
fn is_zero_u32(x: &u32) -> bool {
    *x == 0
}

impl Event {
    /// The first and the last year in which `outcome` can start to act (its start years
    /// after its delay): before the first, neither it nor its values change any path.
    pub fn start_years(&self, outcome: &Outcome) -> (i32, i32) {
        let (first, last) = match self.timing(outcome) {
            Timing::Fixed(y) => (y, y),
            Timing::Window(a, b) => (a, b),
        };
        let delay = outcome.delay as i32;
        (first + delay, last + delay)
    }

    /// Start-year rule of an outcome: its own `year`/`window`, else the event's.
    pub fn timing(&self, outcome: &Outcome) -> Timing {
        match (outcome.year, outcome.window, self.year, self.window) {
            (Some(y), _, _, _) => Timing::Fixed(y),
            (None, Some(w), _, _) => Timing::Window(w[0], w[1]),
            (None, None, Some(y), _) => Timing::Fixed(y),
            (None, None, None, Some(w)) => Timing::Window(w[0], w[1]),
            // Validation rejects events with no timing; treat as never starting.
            (None, None, None, None) => Timing::Fixed(i32::MAX / 2),
        }
    }

    /// Probability that nothing happens.
    pub fn remainder_probability(&self) -> f64 {
        (1.0 - self.outcomes.iter().map(|o| o.probability).sum::<f64>()).max(0.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timing {
    Fixed(i32),
    Window(i32, i32),
}

impl Scenario {
    /// Serialise back to TOML (used when the TUI saves an edited scenario).
    pub fn to_toml(&self) -> String {
        self.try_to_toml().unwrap_or_default()
    }

    /// TOML of the scenario with its distributions written back as tables, or `None` when it
    /// cannot be serialised.
    pub fn try_to_toml(&self) -> Option<String> {
        let mut table = toml::Table::try_from(self).ok()?;
        uncertain::put_distributions(&mut table, &self.uncertain);
        toml::to_string_pretty(&table).ok()
    }

    /// The distribution the starting pace is written as, if any.
    pub fn pace_distribution(&self) -> Option<&uncertain::Uncertain> {
        self.uncertain.get(uncertain::PACE)
    }

    /// The starting pace's spread as a distribution, whichever way the file writes it: a
    /// distribution on `growth.initial`, or `initial_uncertainty` (a Normal's sd, or with
    /// `initial_distribution = { student_t = ν }` a t's scale). None for a fixed pace. Outputs
    /// state it as a range of draws, so "±" is left to the Monte Carlo margin.
    pub fn pace_spread(&self) -> Option<uncertain::Uncertain> {
        if let Some(u) = self.pace_distribution() {
            return Some(u.clone());
        }
        let g = &self.growth;
        if g.initial_uncertainty <= 0.0 {
            return None;
        }
        let mut t = toml::Table::new();
        match g.initial_distribution {
            Distribution::Normal => {
                t.insert("dist".into(), "normal".into());
                t.insert("sd".into(), g.initial_uncertainty.into());
            }
            Distribution::StudentT(df) => {
                t.insert("dist".into(), "student_t".into());
                t.insert("df".into(), df.into());
                t.insert("scale".into(), g.initial_uncertainty.into());
            }
        }
        t.insert("mean".into(), g.initial.into());
        // The engine draws the pace unbounded below −99 % only in theory; the range is for
        // reading, so no truncation is asked for.
        uncertain::Uncertain::new(&t, (f64::NEG_INFINITY, f64::INFINITY)).ok()
    }

    /// Number of simulated years (start_year+1 ..= horizon).
    pub fn years(&self) -> usize {
        (i64::from(self.market.horizon) - i64::from(self.market.start_year)).max(0) as usize
    }
}
