//! Uncertain inputs: a distribution written in place of a number, as an inline table
//! (`capacity = { dist = "lognormal", p5 = 3000, p95 = 20000 }`).
//!
//! Every distribution is truncated to its field's range by drawing from the truncated
//! distribution: a uniform `u` becomes `Q(F(lo) + u·(F(hi) − F(lo)))`, so draws stay paired
//! path by path and are never clipped. A distribution with more than [`MAX_OUTSIDE`] of its
//! mass outside the range is refused unless the table says `truncate = true`.

use super::parameters::{Descriptor, FIELDS, Field, Limit, Section, Valid};
use statrs::distribution::{
    Beta, ContinuousCDF, LogNormal, Normal, StudentsT, Triangular, Uniform,
};

/// The most of a distribution's mass that may lie outside its field's range without
/// `truncate = true`.
pub const MAX_OUTSIDE: f64 = 0.001;

/// The 95th percentile of the standard Normal.
const Z95: f64 = 1.644_853_626_951_472_2;

/// A distribution's family and parameters, as the sampler needs them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Normal {
        mean: f64,
        sd: f64,
    },
    /// ln X is Normal(mu, sigma).
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// A Beta on [min, max] with its mode at `mode` (the classic PERT weights: λ = 4).
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// On [0, 1].
    Beta {
        alpha: f64,
        beta: f64,
    },
    /// Location `mean`, scale `scale`, `df` degrees of freedom.
    StudentT {
        df: f64,
        mean: f64,
        scale: f64,
    },
}

/// The families, as a file names them.
pub const FAMILIES: [&str; 7] = [
    "normal",
    "lognormal",
    "uniform",
    "triangular",
    "pert",
    "beta",
    "student_t",
];

/// The ways a file may give each family's parameters (besides `dist` and `truncate`).
pub fn spellings(family: &str) -> &'static [&'static [&'static str]] {
    match family {
        "normal" => &[&["p5", "p95"], &["mean", "sd"]],
        "lognormal" => &[&["p5", "p95"], &["median", "sd_log"]],
        "uniform" => &[&["min", "max"]],
        "triangular" | "pert" => &[&["min", "mode", "max"]],
        "beta" => &[&["mean", "sd"], &["alpha", "beta"]],
        "student_t" => &[&["df", "p5", "p95"], &["df", "mean", "scale"]],
        _ => &[],
    }
}

/// What is wrong with a distribution table, in words that name the parameter.
pub type Problem = String;

/// What a draw's values are before they become an input's values.
#[derive(Debug, Clone, Copy)]
enum Drawn {
    /// Standard Normal scores.
    Normals,
    /// Uniforms on (0, 1).
    Uniforms,
}

/// A distribution on one input, truncated to the input's range.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    pub shape: Shape,
    dist: Dist,
    /// The table as written, for printing and saving it back.
    pub written: toml::Table,
    /// The range the draws stay in (the field's own).
    pub range: (f64, f64),
    /// F(lo) and F(hi): the draws' share of the untruncated distribution.
    cdf_range: (f64, f64),
}

impl Shape {
    /// Reads `{ dist = "…", … }` (without checking it against a range).
    pub fn parse(table: &toml::Table) -> Result<Shape, Problem> {
        let family = match table.get("dist") {
            Some(toml::Value::String(s)) => s.as_str(),
            Some(other) => return Err(format!("dist must be a name in quotes, not {other}")),
            None => {
                return Err(format!(
                    "a distribution needs dist = one of {}",
                    quoted(&FAMILIES)
                ));
            }
        };
        let forms = spellings(family);
        if forms.is_empty() {
            return Err(crate::error::with_suggestion(
                format!(
                    "unknown dist \"{family}\"; expected one of {}",
                    quoted(&FAMILIES)
                ),
                family,
                FAMILIES,
            ));
        }
        let given: Vec<&str> = table
            .keys()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "dist" | "truncate"))
            .collect();
        let form = forms
            .iter()
            .find(|f| f.len() == given.len() && f.iter().all(|k| given.contains(k)))
            .ok_or_else(|| {
                let ways: Vec<String> = forms.iter().map(|f| f.join(", ")).collect();
                format!(
                    "dist = \"{family}\" takes {} (given: {})",
                    ways.join("; or "),
                    if given.is_empty() {
                        "nothing".to_string()
                    } else {
                        given.join(", ")
                    }
                )
            })?;
        let mut values = Vec::with_capacity(form.len());
        for key in form.iter() {
            let v = match table.get(*key) {
                Some(toml::Value::Float(x)) => *x,
                Some(toml::Value::Integer(i)) => *i as f64,
                other => {
                    return Err(format!(
                        "{key} must be a number, not {}",
                        other.map_or("nothing".to_string(), |v| v.to_string())
                    ));
                }
            };
            if !v.is_finite() {
                return Err(format!("{key} must be a finite number, not {v}"));
            }
            values.push(v);
        }
        if let Some(t) = table.get("truncate")
            && !t.is_bool()
        {
            return Err(format!("truncate must be true or false, not {t}"));
        }
        Shape::from_parameters(family, form, &values)
    }

    fn from_parameters(family: &str, form: &[&str], v: &[f64]) -> Result<Shape, Problem> {
        let positive = |name: &str, x: f64| {
            if x > 0.0 {
                Ok(x)
            } else {
                Err(format!("{name} must be greater than 0, not {x}"))
            }
        };
        let ordered = |a: (&str, f64), b: (&str, f64)| {
            if a.1 < b.1 {
                Ok(())
            } else {
                Err(format!(
                    "{} ({}) must be less than {} ({})",
                    a.0, a.1, b.0, b.1
                ))
            }
        };
        let shape = match (family, form[0]) {
            ("normal", "p5") => {
                ordered(("p5", v[0]), ("p95", v[1]))?;
                Shape::Normal {
                    mean: (v[0] + v[1]) / 2.0,
                    sd: (v[1] - v[0]) / (2.0 * Z95),
                }
            }
            ("normal", _) => Shape::Normal {
                mean: v[0],
                sd: positive("sd", v[1])?,
            },
            ("lognormal", "p5") => {
                positive("p5", v[0])?;
                ordered(("p5", v[0]), ("p95", v[1]))?;
                Shape::LogNormal {
                    mu: (v[0].ln() + v[1].ln()) / 2.0,
                    sigma: (v[1].ln() - v[0].ln()) / (2.0 * Z95),
                }
            }
            ("lognormal", _) => Shape::LogNormal {
                mu: positive("median", v[0])?.ln(),
                sigma: positive("sd_log", v[1])?,
            },
            ("uniform", _) => {
                ordered(("min", v[0]), ("max", v[1]))?;
                Shape::Uniform {
                    min: v[0],
                    max: v[1],
                }
            }
            ("triangular" | "pert", _) => {
                let (min, mode, max) = (v[0], v[1], v[2]);
                ordered(("min", min), ("max", max))?;
                if !(min..=max).contains(&mode) {
                    return Err(format!(
                        "mode ({mode}) must lie between min ({min}) and max ({max})"
                    ));
                }
                if family == "pert" {
                    Shape::Pert { min, mode, max }
                } else {
                    Shape::Triangular { min, mode, max }
                }
            }
            ("beta", "mean") => {
                let (m, sd) = (v[0], positive("sd", v[1])?);
                if !(m > 0.0 && m < 1.0) {
                    return Err(format!(
                        "a beta's mean must lie strictly between 0 and 1, not {m}"
                    ));
                }
                let most = (m * (1.0 - m)).sqrt();
                if sd >= most {
                    return Err(format!(
                        "a beta with mean {m} needs sd below √(mean·(1 − mean)) = {most:.4}, not {sd}"
                    ));
                }
                let common = m * (1.0 - m) / (sd * sd) - 1.0;
                Shape::Beta {
                    alpha: m * common,
                    beta: (1.0 - m) * common,
                }
            }
            ("beta", _) => Shape::Beta {
                alpha: positive("alpha", v[0])?,
                beta: positive("beta", v[1])?,
            },
            ("student_t", _) => {
                let df = positive("df", v[0])?;
                if form[1] == "p5" {
                    ordered(("p5", v[1]), ("p95", v[2]))?;
                    let t95 = StudentsT::new(0.0, 1.0, df)
                        .map_err(|e| format!("df: {e}"))?
                        .inverse_cdf(0.95);
                    Shape::StudentT {
                        df,
                        mean: (v[1] + v[2]) / 2.0,
                        scale: (v[2] - v[1]) / (2.0 * t95),
                    }
                } else {
                    Shape::StudentT {
                        df,
                        mean: v[1],
                        scale: positive("scale", v[2])?,
                    }
                }
            }
            _ => unreachable!("spellings() lists only these families"),
        };
        Ok(shape)
    }
}

/// PERT's Beta shapes: 1 + 4·(mode − min)/(max − min) and 1 + 4·(max − mode)/(max − min).
fn pert_shapes(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let w = max - min;
    (1.0 + 4.0 * (mode - min) / w, 1.0 + 4.0 * (max - mode) / w)
}

/// A shape as statrs' distribution, made once: a draw then costs only its quantile. statrs'
/// distribution functions are 0 below and 1 above each support, so they take any x.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Dist {
    Normal(Normal),
    LogNormal(LogNormal),
    Uniform(Uniform),
    Triangular(Triangular),
    /// A Beta on [lo, hi].
    Beta(Beta, f64, f64),
    StudentT(StudentsT),
}

impl Dist {
    /// Parsing checked the parameters; statrs' own refusal is passed on should it differ.
    fn of(shape: Shape) -> Result<Dist, Problem> {
        Ok(match shape {
            Shape::Normal { mean, sd } => {
                Dist::Normal(Normal::new(mean, sd).map_err(|e| e.to_string())?)
            }
            Shape::LogNormal { mu, sigma } => {
                Dist::LogNormal(LogNormal::new(mu, sigma).map_err(|e| e.to_string())?)
            }
            Shape::Uniform { min, max } => {
                Dist::Uniform(Uniform::new(min, max).map_err(|e| e.to_string())?)
            }
            Shape::Triangular { min, mode, max } => {
                Dist::Triangular(Triangular::new(min, max, mode).map_err(|e| e.to_string())?)
            }
            Shape::Pert { min, mode, max } => {
                let (a, b) = pert_shapes(min, mode, max);
                Dist::Beta(Beta::new(a, b).map_err(|e| e.to_string())?, min, max)
            }
            Shape::Beta { alpha, beta } => {
                Dist::Beta(Beta::new(alpha, beta).map_err(|e| e.to_string())?, 0.0, 1.0)
            }
            Shape::StudentT { df, mean, scale } => {
                Dist::StudentT(StudentsT::new(mean, scale, df).map_err(|e| e.to_string())?)
            }
        })
    }

    /// The untruncated distribution function.
    fn cdf(&self, x: f64) -> f64 {
        match self {
            Dist::Normal(d) => d.cdf(x),
            Dist::LogNormal(d) => d.cdf(x),
            Dist::Uniform(d) => d.cdf(x),
            Dist::Triangular(d) => d.cdf(x),
            Dist::Beta(d, lo, hi) => d.cdf((x - lo) / (hi - lo)),
            Dist::StudentT(d) => d.cdf(x),
        }
    }

    /// The untruncated quantile function, for `p` in [0, 1].
    fn quantile(&self, p: f64) -> f64 {
        match self {
            Dist::Normal(d) => d.inverse_cdf(p),
            Dist::LogNormal(d) => d.inverse_cdf(p),
            Dist::Uniform(d) => d.inverse_cdf(p),
            Dist::Triangular(d) => d.inverse_cdf(p),
            Dist::Beta(d, lo, hi) => lo + (hi - lo) * d.inverse_cdf(p),
            Dist::StudentT(d) => d.inverse_cdf(p),
        }
    }
}

impl Uncertain {
    /// A distribution from its table, truncated to `range` (the field's allowed values,
    /// closed): refused when more than [`MAX_OUTSIDE`] of it lies outside and the table does
    /// not say `truncate = true`, or when none of it lies inside.
    pub fn new(table: &toml::Table, range: (f64, f64)) -> Result<Uncertain, Problem> {
        let shape = Shape::parse(table)?;
        let dist = Dist::of(shape)?;
        let (lo, hi) = range;
        let cdf_range = (dist.cdf(lo), dist.cdf(hi));
        let inside = cdf_range.1 - cdf_range.0;
        let outside = 1.0 - inside;
        let truncate = table.get("truncate").and_then(toml::Value::as_bool) == Some(true);
        if inside.is_nan() || inside <= 0.0 {
            return Err(format!(
                "none of this distribution lies in the allowed range {} to {}",
                super::parameters::num(lo),
                super::parameters::num(hi)
            ));
        }
        if outside > MAX_OUTSIDE && !truncate {
            return Err(format!(
                "{} of this distribution lies outside the allowed range {} to {}; narrow it, \
                 or write truncate = true to draw from the part inside",
                share(outside),
                super::parameters::num(lo),
                super::parameters::num(hi)
            ));
        }
        Ok(Uncertain {
            shape,
            dist,
            written: table.clone(),
            range,
            cdf_range,
        })
    }

    /// The draw for a uniform `u` in (0, 1): the truncated distribution's quantile.
    pub fn quantile(&self, u: f64) -> f64 {
        let (f_lo, f_hi) = self.cdf_range;
        let x = self.dist.quantile(f_lo + u * (f_hi - f_lo));
        // Rounding in F and Q may step a hair past an end; the end is the right answer.
        x.clamp(self.range.0, self.range.1)
    }

    /// The draw for a standard Normal `z`: the quantile at Φ(z). An untruncated Normal or
    /// log-Normal is mean + sd·z or e^(μ + σ·z) itself, which is exact further into the tails
    /// and spares Φ and its inverse.
    pub fn from_normal(&self, z: f64) -> f64 {
        let mut x = [z];
        self.from_normals(&mut x);
        x[0]
    }

    /// [`Uncertain::from_normal`] of each value in place: one loop per family, without the
    /// per-value dispatch, so the engine's draws of a million paths stay cheap.
    pub fn from_normals(&self, values: &mut [f64]) {
        self.transform(values, Drawn::Normals);
    }

    /// The draws in `values` (as `drawn` says) become values, by a loop built for AVX2 where
    /// the CPU has it.
    fn transform(&self, values: &mut [f64], drawn: Drawn) {
        let distribution = self;
        crate::math::with_avx2!(
            Uncertain::values_of,
            distribution: &Uncertain,
            values: &mut [f64],
            drawn: Drawn
        )
    }

    #[inline(always)]
    fn values_of(&self, values: &mut [f64], drawn: Drawn) {
        match drawn {
            Drawn::Normals => self.normals_to_values(values),
            Drawn::Uniforms => self.uniforms_to_values(values),
        }
    }

    #[inline(always)]
    fn normals_to_values(&self, values: &mut [f64]) {
        let (f_lo, f_hi) = self.cdf_range;
        let (lo, hi) = self.range;
        let whole = f_lo < 1e-16 && 1.0 - f_hi < 1e-16;
        match (&self.shape, whole) {
            (Shape::Normal { mean, sd }, true) => {
                for x in values {
                    *x = (mean + sd * *x).clamp(lo, hi);
                }
            }
            (Shape::LogNormal { mu, sigma }, true) => {
                for x in values {
                    *x = crate::math::exp(mu + sigma * *x).clamp(lo, hi);
                }
            }
            // A truncated Normal or log-Normal: statrs' quantile at Φ(z).
            (Shape::Normal { .. } | Shape::LogNormal { .. }, false) => {
                crate::math::normal_cdf(values);
                for x in values {
                    *x = self.quantile(*x);
                }
            }
            _ => {
                crate::math::normal_cdf(values);
                self.uniforms_to_values(values);
            }
        }
    }

    /// The draw for each uniform u in `values`, in place: the quantile at u of the
    /// distribution truncated to its range (inverse transform), by one loop per family.
    /// Normal and log-Normal take Φ⁻¹ (AS 241, to about 1e-16); uniform and triangular their
    /// closed forms; the others statrs' quantile.
    pub fn from_uniforms(&self, values: &mut [f64]) {
        self.transform(values, Drawn::Uniforms);
    }

    #[inline(always)]
    fn uniforms_to_values(&self, values: &mut [f64]) {
        let (f_lo, f_hi) = self.cdf_range;
        let (lo, hi) = self.range;
        let width = f_hi - f_lo;
        match self.shape {
            Shape::Normal { mean, sd } => {
                for x in values.iter_mut() {
                    *x = f_lo + *x * width;
                }
                crate::math::normal_quantiles(values);
                for x in values {
                    *x = (mean + sd * *x).clamp(lo, hi);
                }
            }
            Shape::LogNormal { mu, sigma } => {
                for x in values.iter_mut() {
                    *x = f_lo + *x * width;
                }
                crate::math::normal_quantiles(values);
                for x in values {
                    *x = crate::math::exp(mu + sigma * *x).clamp(lo, hi);
                }
            }
            Shape::Uniform { min, max } => {
                for x in values {
                    *x = (min + (f_lo + *x * width) * (max - min)).clamp(lo, hi);
                }
            }
            Shape::Triangular { min, mode, max } => {
                let split = (mode - min) / (max - min);
                let (left, right) = ((mode - min) * (max - min), (max - min) * (max - mode));
                // statrs' triangular quantile, operation for operation (so the same values),
                // both sides on every value and a select, without the per-value dispatch or a
                // branch that a uniform p would mispredict: the loop vectorises.
                for x in values {
                    let p = f_lo + *x * width;
                    let below = min + (left * p).sqrt();
                    let above = max - (right * (1.0 - p)).sqrt();
                    *x = if p < split { below } else { above }.clamp(lo, hi);
                }
            }
            _ => {
                for x in values {
                    *x = self.quantile(*x);
                }
            }
        }
    }

    /// This distribution moved and stretched: every value x becomes a + k·x (for a log-Normal,
    /// ln x becomes a + k·ln x), written in the same family and spelling where it can be (a
    /// Beta given by alpha and beta is rewritten by its mean and sd), and truncated to the same
    /// range under the same rule. How the view moves an input's centre or its 90 % range.
    pub fn mapped(&self, a: f64, k: f64) -> Result<Uncertain, Problem> {
        if !(a.is_finite() && k.is_finite() && k > 0.0) {
            return Err("the range must have its low end below its high end".into());
        }
        let log = self.family() == "lognormal";
        let place = |x: f64| {
            if log {
                (a + k * x.ln()).exp()
            } else {
                a + k * x
            }
        };
        let mut t = self.written.clone();
        if let Shape::Beta { alpha, beta } = self.shape
            && t.contains_key("alpha")
        {
            let total = alpha + beta;
            t.remove("alpha");
            t.remove("beta");
            t.insert("mean".into(), (alpha / total).into());
            t.insert(
                "sd".into(),
                (alpha * beta / (total * total * (total + 1.0)))
                    .sqrt()
                    .into(),
            );
        }
        for (name, v) in t.iter_mut() {
            let Some(x) = v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) else {
                continue;
            };
            let y = match name.as_str() {
                "mean" | "median" | "p5" | "p95" | "min" | "mode" | "max" => place(x),
                "sd" | "scale" | "sd_log" => k * x,
                _ => continue,
            };
            *v = toml::Value::Float(y);
        }
        Uncertain::new(&t, self.range)
    }

    /// This distribution moved so that its median is `centre`, its shape kept.
    pub fn centred_at(&self, centre: f64) -> Result<Uncertain, Problem> {
        let log = self.family() == "lognormal";
        if log && (centre.is_nan() || centre <= 0.0) {
            return Err("a log-Normal input's centre must be above 0".into());
        }
        let f = |x: f64| if log { x.ln() } else { x };
        self.solve(|u| (f(centre) - f(u.median()), 1.0))
    }

    /// This distribution moved and stretched so that its central 90 % runs from `low` to
    /// `high`.
    pub fn with_central_90(&self, low: f64, high: f64) -> Result<Uncertain, Problem> {
        if low.partial_cmp(&high) != Some(std::cmp::Ordering::Less) {
            return Err("the range must have its low end below its high end".into());
        }
        let log = self.family() == "lognormal";
        if log && (low.is_nan() || low <= 0.0) {
            return Err("a log-Normal input's range must lie above 0".into());
        }
        let f = |x: f64| if log { x.ln() } else { x };
        self.solve(|u| {
            let (q5, q95) = (f(u.quantile(0.05)), f(u.quantile(0.95)));
            let k = (f(high) - f(low)) / (q95 - q5);
            (f(low) - k * q5, k)
        })
    }

    /// This distribution stretched about its median by `factor` (in logs for a log-Normal):
    /// its central 90 % `factor` times as wide.
    pub fn stretched(&self, factor: f64) -> Result<Uncertain, Problem> {
        let log = self.family() == "lognormal";
        let f = |x: f64| if log { x.ln() } else { x };
        let g = |x: f64| if log { x.exp() } else { x };
        let m = f(self.median());
        let end = |q: f64| g(m + factor * (f(self.quantile(q)) - m));
        self.with_central_90(end(0.05), end(0.95))
    }

    /// Maps the distribution by `step(current)` = (a, k) until the step is the identity. An
    /// affine map is exact at once for every family but the Beta, whose support is fixed, and
    /// a distribution its range truncates; for those each step corrects the last, and a few
    /// suffice.
    fn solve(&self, step: impl Fn(&Uncertain) -> (f64, f64)) -> Result<Uncertain, Problem> {
        let (a, k) = step(self);
        let mut u = self.mapped(a, k)?;
        for _ in 0..60 {
            let (a, k) = step(&u);
            if a.abs() < 1e-13 && (k - 1.0).abs() < 1e-13 {
                break;
            }
            u = u.mapped(a, k)?;
        }
        Ok(u)
    }

    /// The truncated distribution function.
    pub fn cdf(&self, x: f64) -> f64 {
        let (f_lo, f_hi) = self.cdf_range;
        ((self.dist.cdf(x) - f_lo) / (f_hi - f_lo)).clamp(0.0, 1.0)
    }

    /// The median of the draws: the value analyses and the view use as the input's centre.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The family as the file names it: "uniform".
    pub fn family(&self) -> &str {
        self.written
            .get("dist")
            .and_then(toml::Value::as_str)
            .unwrap_or("")
    }

    /// The table as a file writes it: `{ dist = "uniform", min = 0.1, max = 0.2 }`.
    pub fn to_inline(&self) -> String {
        let mut t = toml_edit::InlineTable::new();
        for (k, v) in &self.written {
            let v: toml_edit::Value = match v {
                toml::Value::String(s) => s.as_str().into(),
                toml::Value::Integer(i) => (*i).into(),
                toml::Value::Float(f) => (*f).into(),
                toml::Value::Boolean(b) => (*b).into(),
                other => other.to_string().into(),
            };
            t.insert(k, v);
        }
        t.to_string()
    }
}

/// The key of the starting pace, whose draws come from the engine's older stream (so a Normal
/// or Student-t written on it equals the older `initial_uncertainty` spelling path by path).
pub const PACE: &str = "growth.initial";

/// Whether a field may be written as a distribution: every value `sensitivity` swings but the
/// older spread of the pace, and the target, which is a question rather than an input.
fn may_be_uncertain(d: &Descriptor) -> bool {
    !matches!(d.field, Field::InitialUncertainty | Field::TargetRevenue)
}

/// P(Z ≤ z) for a standard Normal Z: how a Normal draw becomes the uniform a quantile takes
/// (see [`crate::math::normal_cdf`]).
pub fn standard_normal_cdf(z: f64) -> f64 {
    let mut x = [z];
    crate::math::normal_cdf(&mut x);
    x[0]
}

/// Finds every `{ dist = … }` table in a parsed scenario, puts each one's median in its place
/// (so the scenario deserialises as numbers) and returns them by `--set` key
/// (`growth.capacity`, `events.osa.firm.growth_uplift`). Fails on the first table that is wrong
/// or sits where no distribution may, with the field's path and the reason.
pub fn take_distributions(
    table: &mut toml::Table,
) -> Result<std::collections::BTreeMap<String, Uncertain>, (String, Problem)> {
    let mut found = std::collections::BTreeMap::new();
    for d in FIELDS.iter() {
        for (path, key) in places(table, d) {
            let Some(value) = value_at_mut(table, &path).filter(|v| is_distribution(v)) else {
                continue;
            };
            if !may_be_uncertain(d) {
                return Err((path, cannot_be_uncertain(d)));
            }
            let written = value.as_table().cloned().unwrap_or_default();
            let u = Uncertain::new(&written, range_of(d)).map_err(|p| (path.clone(), p))?;
            *value = toml::Value::Float(u.median());
            found.insert(key, u);
        }
    }
    Ok(found)
}

/// Writes each distribution back in place of its median, as its table.
pub fn put_distributions(
    table: &mut toml::Table,
    uncertain: &std::collections::BTreeMap<String, Uncertain>,
) {
    let paths: Vec<(String, String)> = FIELDS.iter().flat_map(|d| places(table, d)).collect();
    for (path, key) in paths {
        if let Some(u) = uncertain.get(&key)
            && let Some(v) = value_at_mut(table, &path)
        {
            *v = toml::Value::Table(u.written.clone());
        }
    }
}

fn is_distribution(v: &toml::Value) -> bool {
    v.as_table().is_some_and(|t| t.contains_key("dist"))
}

/// Where a field may sit in a scenario table, as (path in the table, `--set` key): one place
/// for a growth, market or target field; one per outcome for an outcome's field.
fn places(table: &toml::Table, d: &Descriptor) -> Vec<(String, String)> {
    if d.section != Section::Outcome {
        let key = d.pattern();
        return vec![(key.clone(), key)];
    }
    let id = |v: &toml::Value, i: usize| {
        v.get("id")
            .and_then(toml::Value::as_str)
            .map_or_else(|| i.to_string(), str::to_string)
    };
    let mut out = Vec::new();
    let events = table.get("events").and_then(toml::Value::as_array);
    for (e, event) in events.into_iter().flatten().enumerate() {
        let outcomes = event.get("outcomes").and_then(toml::Value::as_array);
        for (o, outcome) in outcomes.into_iter().flatten().enumerate() {
            out.push((
                format!("events[{e}].outcomes[{o}].{}", d.name),
                outcome_key(&id(event, e), &id(outcome, o), d.name),
            ));
        }
    }
    out
}

/// The `--set` key of an outcome's field: `events.osa.firm.growth_uplift`.
pub fn outcome_key(event: &str, outcome: &str, name: &str) -> String {
    format!("events.{event}.{outcome}.{name}")
}

/// The `--set` key of a table path (`events[0].outcomes[1].probability` →
/// `events.osa.firm.probability`); other paths are their own key.
pub fn key_of_path(table: &toml::Table, path: &str) -> String {
    FIELDS
        .iter()
        .flat_map(|d| places(table, d))
        .find(|(p, _)| p == path)
        .map_or_else(|| path.to_string(), |(_, key)| key)
}

/// The steps of a table path: `events[0].outcomes[1].probability` → events, 0, outcomes, 1, …
fn steps(path: &str) -> Vec<Result<usize, &str>> {
    path.split(['.', '['])
        .map(|s| s.trim_end_matches(']'))
        .map(|s| s.parse::<usize>().map_err(|_| s))
        .collect()
}

fn value_at_mut<'t>(table: &'t mut toml::Table, path: &str) -> Option<&'t mut toml::Value> {
    let mut steps = steps(path).into_iter();
    let mut v = table.get_mut(steps.next()?.err()?)?;
    for step in steps {
        v = match step {
            Ok(i) => v.as_array_mut()?.get_mut(i)?,
            Err(name) => v.as_table_mut()?.get_mut(name)?,
        };
    }
    Some(v)
}

/// The distribution a value set on `key` replaces: the key's own, and for the older spread
/// fields (`initial_uncertainty`, `initial_distribution`) the one on `growth.initial`, whose
/// spread they restate (the pace keeps its median).
pub fn replaced_by_setting(key: &str) -> &str {
    match key {
        "growth.initial_uncertainty" | "growth.initial_distribution" => PACE,
        _ => key,
    }
}

fn cannot_be_uncertain(d: &Descriptor) -> Problem {
    match d.field {
        Field::InitialUncertainty => format!(
            "{} cannot be a distribution: write the distribution on {PACE} itself",
            d.pattern()
        ),
        _ => format!(
            "{} is the question asked, not an input, so it cannot be a distribution; \
             write a number",
            d.pattern()
        ),
    }
}

/// The closed range a field's draws stay in: its allowed values, an excluded end moved a
/// hair inside (a persistence of exactly 1 or a level shock of exactly −1 is not a model).
pub(super) fn range_of(d: &Descriptor) -> (f64, f64) {
    const HAIR: f64 = 1e-9;
    let end = |l: Limit, inward: f64, open: f64| match l {
        Limit::Incl(x) => x,
        Limit::Excl(x) => x + inward * HAIR * x.abs().max(1.0),
        Limit::Open => open,
    };
    match d.valid {
        Valid::Range(lo, hi) => (
            end(lo, 1.0, f64::NEG_INFINITY),
            end(hi, -1.0, f64::INFINITY),
        ),
        Valid::AboveStartRevenue => (0.0, f64::INFINITY),
    }
}

/// A share as people read it: "0.3 %", "12 %".
fn share(x: f64) -> String {
    let pct = x * 100.0;
    if pct < 1.0 {
        format!("{pct:.2} %")
    } else if pct < 10.0 {
        format!("{pct:.1} %")
    } else {
        format!("{pct:.0} %")
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(src: &str) -> toml::Table {
        toml::from_str::<toml::Table>(&format!("x = {src}")).unwrap()["x"]
            .as_table()
            .unwrap()
            .clone()
    }

    /// The distribution written `src`, on a field whose range is [0, 1].
    fn on_unit(src: &str) -> Uncertain {
        Uncertain::new(&table(src), (0.0, 1.0)).unwrap()
    }

    #[test]
    fn moving_and_stretching_keeps_the_family_and_hits_the_asked_quantiles() {
        let cases = [
            r#"{ dist = "normal", mean = 0.1, sd = 0.02 }"#,
            r#"{ dist = "normal", p5 = 0.05, p95 = 0.15 }"#,
            r#"{ dist = "lognormal", p5 = 3000, p95 = 20000 }"#,
            r#"{ dist = "lognormal", median = 8000, sd_log = 0.5 }"#,
            r#"{ dist = "uniform", min = 0.2, max = 0.5 }"#,
            r#"{ dist = "triangular", min = 0.3, mode = 0.5, max = 0.6 }"#,
            r#"{ dist = "pert", min = 0.3, mode = 0.5, max = 0.6 }"#,
            r#"{ dist = "beta", alpha = 4, beta = 6 }"#,
            r#"{ dist = "beta", mean = 0.4, sd = 0.1 }"#,
            r#"{ dist = "student_t", df = 5, p5 = 0.1, p95 = 0.3 }"#,
        ];
        for src in cases {
            let u = Uncertain::new(&table(src), wide()).unwrap();
            let family = u.family().to_string();
            // A new centre: the median moves there, the 90 % width (in logs for a
            // log-Normal) stays.
            let log = family == "lognormal";
            let f = |x: f64| if log { x.ln() } else { x };
            let width = |u: &Uncertain| f(u.quantile(0.95)) - f(u.quantile(0.05));
            let centre = if log {
                u.median() * 1.3
            } else {
                u.median() + 0.05
            };
            let moved = u.centred_at(centre).unwrap();
            assert_eq!(moved.family(), family, "{src}");
            assert!(
                (moved.median() - centre).abs() < 1e-9 * centre.abs().max(1.0),
                "{src}"
            );
            if family != "beta" {
                assert!((width(&moved) - width(&u)).abs() < 1e-9, "{src}");
            }
            // A new 90 % range: hit exactly, same family.
            let (a, b) = if log { (2000.0, 30000.0) } else { (0.15, 0.45) };
            let ranged = u.with_central_90(a, b).unwrap();
            assert_eq!(ranged.family(), family, "{src}");
            assert!(
                (ranged.quantile(0.05) - a).abs() < 1e-7 * a,
                "{src}: {}",
                ranged.quantile(0.05)
            );
            assert!(
                (ranged.quantile(0.95) - b).abs() < 1e-7 * b,
                "{src}: {}",
                ranged.quantile(0.95)
            );
            // Stretching about the median scales the width, and keeps the median where the
            // family is moved exactly by an affine map (not the Beta, whose support is fixed).
            let wide = u.stretched(1.25).unwrap();
            if family != "beta" {
                assert!((wide.median() - u.median()).abs() < 1e-9 * u.median().abs().max(1.0));
            }
            assert!(
                (width(&wide) - 1.25 * width(&u)).abs() < 1e-7 * width(&u),
                "{src}"
            );
        }
        // A Beta by alpha and beta is rewritten by its mean and sd, the same distribution.
        let beta =
            Uncertain::new(&table(r#"{ dist = "beta", alpha = 4, beta = 6 }"#), wide()).unwrap();
        let same = beta.mapped(0.0, 1.0).unwrap();
        assert!(same.written.contains_key("mean") && !same.written.contains_key("alpha"));
        assert!((same.quantile(0.3) - beta.quantile(0.3)).abs() < 1e-12);
        // Nothing is allowed that the file would refuse.
        let p = on_unit(r#"{ dist = "uniform", min = 0.2, max = 0.5 }"#);
        assert!(p.centred_at(0.9).is_err(), "would reach past 1");
        assert!(p.with_central_90(0.4, 0.3).is_err());
    }

    fn wide() -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }

    #[test]
    fn p5_and_p95_spellings_hit_their_quantiles() {
        for src in [
            r#"{ dist = "normal", p5 = 0.08, p95 = 0.18 }"#,
            r#"{ dist = "lognormal", p5 = 3000, p95 = 20000 }"#,
            r#"{ dist = "student_t", df = 3, p5 = 0.08, p95 = 0.18 }"#,
        ] {
            let u = Uncertain::new(&table(src), wide()).unwrap();
            let (p5, p95) = (u.quantile(0.05), u.quantile(0.95));
            let t = table(src);
            let want = |k: &str| {
                t[k].as_float()
                    .unwrap_or_else(|| t[k].as_integer().unwrap() as f64)
            };
            assert!((p5 / want("p5") - 1.0).abs() < 1e-9, "{src}: p5 {p5}");
            assert!((p95 / want("p95") - 1.0).abs() < 1e-9, "{src}: p95 {p95}");
        }
    }

    #[test]
    fn beta_by_mean_and_sd_has_that_mean_and_sd() {
        let u = on_unit(r#"{ dist = "beta", mean = 0.3, sd = 0.1 }"#);
        let Shape::Beta { alpha, beta } = u.shape else {
            panic!("{:?}", u.shape)
        };
        let mean = alpha / (alpha + beta);
        let var = alpha * beta / ((alpha + beta).powi(2) * (alpha + beta + 1.0));
        assert!((mean - 0.3).abs() < 1e-12 && (var.sqrt() - 0.1).abs() < 1e-12);
    }

    #[test]
    fn pert_has_the_classic_mean() {
        // PERT's mean is (min + 4·mode + max) / 6.
        let u = on_unit(r#"{ dist = "pert", min = 0.0, mode = 0.3, max = 1.0 }"#);
        let n = 20_000;
        let mean = (0..n)
            .map(|i| u.quantile((i as f64 + 0.5) / n as f64))
            .sum::<f64>()
            / n as f64;
        assert!(
            (mean - (0.0 + 4.0 * 0.3 + 1.0) / 6.0).abs() < 1e-4,
            "{mean}"
        );
    }

    #[test]
    fn every_family_draws_its_quantile_at_phi_of_z_exactly() {
        // The per-family loops of `from_normals` give what the quantile at Φ(z) gives, to the
        // bit: whole and truncated, on both sides of a triangular's mode.
        let cases = [
            (
                r#"{ dist = "triangular", min = 0.01, mode = 0.03, max = 0.05 }"#,
                wide(),
            ),
            (
                r#"{ dist = "triangular", min = -0.25, mode = -0.15, max = -0.05 }"#,
                wide(),
            ),
            (
                r#"{ dist = "triangular", min = -0.2, mode = 0.0, max = 0.6, truncate = true }"#,
                (-0.1, 0.5),
            ),
            (r#"{ dist = "uniform", min = 0.2, max = 0.5 }"#, wide()),
            (r#"{ dist = "pert", min = 1, mode = 2, max = 6 }"#, wide()),
            (
                r#"{ dist = "normal", mean = 0, sd = 1, truncate = true }"#,
                (0.0, f64::INFINITY),
            ),
        ];
        let z: Vec<f64> = (-400..=400).map(|i| f64::from(i) / 80.0).collect();
        for (src, range) in cases {
            let u = Uncertain::new(&table(src), range).unwrap();
            let mut drawn = z.clone();
            u.from_normals(&mut drawn);
            let mut p = z.clone();
            crate::math::normal_cdf(&mut p);
            for ((&d, &p), &z) in drawn.iter().zip(&p).zip(&z) {
                assert_eq!(d.to_bits(), u.quantile(p).to_bits(), "{src} at z = {z}");
            }
        }
    }

    #[test]
    fn every_family_draws_its_quantile_at_u() {
        // The per-family loops of `from_uniforms` give the statrs quantile at u (Φ⁻¹ by
        // AS 241 for the Normal families, so within 1e-12 relative rather than to the bit).
        let cases = [
            (r#"{ dist = "normal", p5 = 0.08, p95 = 0.18 }"#, wide()),
            (
                r#"{ dist = "normal", mean = 0, sd = 1, truncate = true }"#,
                (0.0, f64::INFINITY),
            ),
            (r#"{ dist = "lognormal", p5 = 3000, p95 = 20000 }"#, wide()),
            (r#"{ dist = "uniform", min = 0.2, max = 0.5 }"#, wide()),
            (
                r#"{ dist = "triangular", min = -0.2, mode = 0.0, max = 0.6, truncate = true }"#,
                (-0.1, 0.5),
            ),
            (r#"{ dist = "pert", min = 1, mode = 2, max = 6 }"#, wide()),
            (
                r#"{ dist = "student_t", df = 3, p5 = 0.08, p95 = 0.18 }"#,
                wide(),
            ),
        ];
        let us: Vec<f64> = (1..2_000)
            .map(|i| f64::from(i) / 2_000.0)
            .chain([1e-9, 1.0 - 1e-9])
            .collect();
        for (src, range) in cases {
            let u = Uncertain::new(&table(src), range).unwrap();
            let mut drawn = us.clone();
            u.from_uniforms(&mut drawn);
            for (&d, &p) in drawn.iter().zip(&us) {
                let exact = u.quantile(p);
                assert!(
                    (d - exact).abs() <= 1e-12 * exact.abs().max(1.0),
                    "{src} at u = {p}: {d} against {exact}"
                );
                assert!(range.0 <= d && d <= range.1, "{src}: {d} outside");
            }
        }
    }

    #[test]
    fn truncation_draws_from_the_part_inside() {
        // A Normal(0, 1) cut to [0, ∞): the half-normal, whose median is Φ⁻¹(0.75).
        let t = table(r#"{ dist = "normal", mean = 0, sd = 1, truncate = true }"#);
        let u = Uncertain::new(&t, (0.0, f64::INFINITY)).unwrap();
        assert!((u.median() - 0.674_489_750_196_081_7).abs() < 1e-9);
        assert_eq!(u.quantile(0.0), 0.0);
        assert!((u.cdf(u.quantile(0.3)) - 0.3).abs() < 1e-9);
    }

    #[test]
    fn mass_outside_the_range_is_refused_unless_truncated() {
        let t = table(r#"{ dist = "normal", mean = 0.5, sd = 0.3 }"#);
        let e = Uncertain::new(&t, (0.0, 1.0)).unwrap_err();
        assert!(e.contains("9.6 %") || e.contains("10 %"), "{e}");
        assert!(e.contains("truncate = true"), "{e}");
        let far = table(r#"{ dist = "uniform", min = 2, max = 3, truncate = true }"#);
        assert!(
            Uncertain::new(&far, (0.0, 1.0))
                .unwrap_err()
                .contains("none of")
        );
    }

    #[test]
    fn bad_tables_are_named() {
        for (src, says) in [
            (
                r#"{ dist = "gauss", mean = 0, sd = 1 }"#,
                "unknown dist \"gauss\"",
            ),
            (r#"{ mean = 0, sd = 1 }"#, "needs dist"),
            (
                r#"{ dist = "normal", mean = 0 }"#,
                "takes p5, p95; or mean, sd",
            ),
            (
                r#"{ dist = "normal", mean = 0, sd = -1 }"#,
                "sd must be greater than 0",
            ),
            (
                r#"{ dist = "uniform", min = 2, max = 1 }"#,
                "min (2) must be less than max (1)",
            ),
            (
                r#"{ dist = "triangular", min = 0, mode = 2, max = 1 }"#,
                "mode (2) must lie",
            ),
            (
                r#"{ dist = "beta", mean = 0.5, sd = 0.6 }"#,
                "needs sd below",
            ),
            (
                r#"{ dist = "normal", mean = "a", sd = 1 }"#,
                "mean must be a number",
            ),
            (
                r#"{ dist = "normal", mean = 0, sd = 1, truncate = 1 }"#,
                "truncate must be",
            ),
        ] {
            let e = Shape::parse(&table(src)).unwrap_err();
            assert!(e.contains(says), "{src}: {e}");
        }
    }

    #[test]
    fn written_back_as_given() {
        let src = r#"{ dist = "uniform", min = 0.1, max = 0.2 }"#;
        let u = Uncertain::new(&table(src), wide()).unwrap();
        assert_eq!(u.to_inline().trim(), src);
    }
}
