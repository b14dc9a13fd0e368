//! Versioned JSON: every document opens with the same header (`"schema": "safetech.run/v1"`,
//! the program and its version), then its own fields.

use serde::Serialize;

use super::Report;
use crate::stats::difference::ScenarioDifference;
use crate::stats::{EventAttribution, FirstPassage, RunSummary};

pub const SCHEMA: &str = "safetech.run/v1";

pub struct Json;

/// The header of every JSON output, followed by `body`'s own fields (flattened, so the header
/// comes first and the body adds no level of nesting).
#[derive(Serialize)]
pub struct Envelope<T> {
    /// Which document this is and its version, e.g. `safetech.run/v1`.
    pub schema: &'static str,
    pub program: &'static str,
    pub version: &'static str,
    #[serde(flatten)]
    pub body: T,
}

impl<T: Serialize> Envelope<T> {
    /// `body` under the header of schema `schema`, written by this program.
    pub fn new(schema: &'static str, body: T) -> Envelope<T> {
        Envelope {
            schema,
            program: "safetech",
            version: crate::VERSION,
            body,
        }
    }

    /// Pretty-printed, with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("plain data serialises");
        s.push('\n');
        s
    }
}

#[derive(Serialize)]
struct Document<'a> {
    scenarios: Vec<ScenarioJson<'a>>,
    /// Added in place (readers of safetech.run/v1 ignore unknown fields): each scenario after
    /// the first against the first, paired on the same seed and paths. Absent for one scenario.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    differences: Vec<ScenarioDifference>,
}

/// Which scenario a JSON document speaks of.
#[derive(Serialize)]
pub struct ScenarioIdentity<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The scenario file, when not a built-in (absent for built-ins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
}

impl<'a> ScenarioIdentity<'a> {
    /// `s`'s id and name, read from `file` (`None` for a built-in).
    pub fn of(s: &'a crate::scenario::Scenario, file: Option<&'a str>) -> Self {
        ScenarioIdentity {
            id: &s.scenario.id,
            name: &s.scenario.name,
            file,
        }
    }
}

#[derive(Serialize)]
struct ScenarioJson<'a> {
    #[serde(flatten)]
    identity: ScenarioIdentity<'a>,
    /// Changes to the scenario as loaded, `key = value` (`--set`, `--horizon`, …).
    overrides: &'a [String],
    seed: u64,
    paths: usize,
    start_year: i32,
    start_revenue: f64,
    horizon: i32,
    target: TargetJson,
    years: Vec<YearJson>,
    first_passage: &'a [FirstPassage],
    never_reached: f64,
    events: &'a [EventAttribution],
}

#[derive(Serialize)]
struct TargetJson {
    revenue: f64,
    year: i32,
    probability: f64,
    std_error: f64,
    ci95: [f64; 2],
    /// Half the width of `ci95`: the "±" the table, charts and TUI print.
    margin95: f64,
}

#[derive(Serialize)]
struct YearJson {
    year: i32,
    mean: f64,
    sd: f64,
    p5: f64,
    p10: f64,
    p25: f64,
    p50: f64,
    p75: f64,
    p90: f64,
    p95: f64,
    p_target: f64,
    /// Monte Carlo standard error of `p_target`.
    p_target_se: f64,
}

impl Report for Json {
    fn render(&self, runs: &[RunSummary]) -> String {
        let doc = Document {
            scenarios: runs
                .iter()
                .map(|r| {
                    let s = &r.projection.scenario;
                    ScenarioJson {
                        identity: ScenarioIdentity::of(s, r.stamp.file.as_deref()),
                        overrides: &r.stamp.overrides,
                        seed: r.stamp.seed,
                        paths: r.stamp.paths,
                        start_year: s.market.start_year,
                        start_revenue: s.market.start_revenue,
                        horizon: s.market.horizon,
                        target: TargetJson {
                            revenue: r.target.revenue,
                            year: r.target.year,
                            probability: r.target.probability,
                            std_error: r.target.std_error,
                            ci95: r.target.ci95,
                            margin95: r.target.margin95(),
                        },
                        years: r
                            .years()
                            .iter()
                            .map(|y| YearJson {
                                year: y.year,
                                mean: y.mean,
                                sd: y.sd,
                                p5: y.p5(),
                                p10: y.p10(),
                                p25: y.p25(),
                                p50: y.median(),
                                p75: y.p75(),
                                p90: y.p90(),
                                p95: y.p95(),
                                p_target: y.p_target,
                                p_target_se: super::csv::share_se(y.p_target, r.stamp.paths),
                            })
                            .collect(),
                        first_passage: &r.first_passage,
                        never_reached: r.never_reached(),
                        events: &r.events,
                    }
                })
                .collect(),
            differences: super::table::differences_of(runs),
        };
        Envelope::new(SCHEMA, doc).to_json()
    }
}
