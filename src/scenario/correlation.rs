//! Rank correlations between uncertain inputs, drawn by a Gaussian copula.
//!
//! Each uncertain input draws a standard Normal z from a stream of its own. Inputs linked by
//! `[[correlations]]` entries form a group; a group's z's are mixed by the Cholesky factor of
//! the Normal correlation matrix, and each input then takes its quantile at Φ(z). A Spearman
//! rank correlation ρ_s between two inputs is a Normal correlation of 2·sin(π·ρ_s/6) between
//! their z's (exact for a Gaussian copula, whatever the margins).

use serde::{Deserialize, Serialize};

use super::Scenario;

/// One `[[correlations]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correlation {
    /// Two `--set` keys of uncertain inputs.
    pub between: [String; 2],
    /// Spearman rank correlation, from −1 to 1.
    pub rank: f64,
}

/// The Normal correlation that gives rank correlation `rank` under a Gaussian copula.
pub fn normal_correlation(rank: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rank / 6.0).sin()
}

/// Inputs whose draws are mixed together, with the mixing.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The inputs' keys, sorted.
    pub keys: Vec<String>,
    /// Lower-triangular Cholesky factor of their Normal correlation matrix, by row.
    pub factor: Vec<Vec<f64>>,
}

/// The copula of a scenario: its groups of correlated inputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Copula {
    pub groups: Vec<Group>,
}

impl Copula {
    /// The group an input belongs to and its row there, if it is correlated with another.
    pub fn place_of(&self, key: &str) -> Option<(&Group, usize)> {
        self.groups
            .iter()
            .find_map(|g| g.keys.iter().position(|k| k == key).map(|row| (g, row)))
    }
}

/// Whether `key` is an uncertain input of `s`: written as a distribution, or the starting pace
/// with the older `initial_uncertainty` spread.
pub fn is_uncertain(s: &Scenario, key: &str) -> bool {
    s.uncertain.contains_key(key)
        || (key == super::uncertain::PACE && s.growth.initial_uncertainty > 0.0)
}

/// What is wrong with a scenario's correlations: (field path, value, message).
pub type Problem = (String, String, String);

/// Checks the entries and builds the copula: every key names an uncertain input, no pair is
/// named twice, each rank lies in [−1, 1], and every group's matrix is positive definite.
pub fn copula(s: &Scenario) -> Result<Copula, Problem> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (i, c) in s.correlations.iter().enumerate() {
        let field = format!("correlations[{i}]");
        for key in &c.between {
            check_key(s, key).map_err(|m| (format!("{field}.between"), quote(key), m))?;
        }
        let [a, b] = [c.between[0].as_str(), c.between[1].as_str()];
        if a == b {
            return Err((
                format!("{field}.between"),
                quote(a),
                "an input cannot be correlated with itself; name two different inputs".into(),
            ));
        }
        let pair = if a < b { (a, b) } else { (b, a) };
        if seen.contains(&pair) {
            return Err((
                format!("{field}.between"),
                format!("[{}, {}]", quote(a), quote(b)),
                "this pair is correlated twice; keep one entry".into(),
            ));
        }
        seen.push(pair);
        if !(c.rank.is_finite() && (-1.0..=1.0).contains(&c.rank)) {
            return Err((
                format!("{field}.rank"),
                c.rank.to_string(),
                "a rank correlation must be from -1 to 1".into(),
            ));
        }
    }
    let mut groups = Vec::new();
    for keys in linked_groups(&s.correlations) {
        let matrix: Vec<Vec<f64>> = keys
            .iter()
            .map(|a| {
                keys.iter()
                    .map(|b| if a == b { 1.0 } else { rank_between(s, a, b) })
                    .map(normal_correlation)
                    .collect()
            })
            .collect();
        let Some(factor) = cholesky(&matrix) else {
            let entries: Vec<String> = s
                .correlations
                .iter()
                .enumerate()
                .filter(|(_, c)| keys.contains(&c.between[0]))
                .map(|(i, _)| format!("correlations[{i}]"))
                .collect();
            return Err((
                entries[0].clone(),
                String::new(),
                format!(
                    "the rank correlations in {} cannot hold together (their matrix is not \
                     positive definite): weaken one of them",
                    entries.join(", ")
                ),
            ));
        };
        groups.push(Group { keys, factor });
    }
    Ok(Copula { groups })
}

fn quote(s: &str) -> String {
    format!("\"{s}\"")
}

fn check_key(s: &Scenario, key: &str) -> Result<(), String> {
    if is_uncertain(s, key) {
        if key == super::uncertain::PACE
            && s.pace_distribution().is_none()
            && !s.growth.initial_distribution.is_normal()
        {
            return Err(format!(
                "a Student-t pace written with initial_distribution cannot be correlated; \
                 write {key} = {{ dist = \"student_t\", df = …, mean = …, scale = … }} instead"
            ));
        }
        return Ok(());
    }
    let mut uncertain: Vec<&str> = s.uncertain.keys().map(String::as_str).collect();
    if is_uncertain(s, super::uncertain::PACE) && s.pace_distribution().is_none() {
        uncertain.push(super::uncertain::PACE);
    }
    let known = super::parameters::param_of(s, key).is_some();
    let mut message = if known {
        format!("{key} is not uncertain: write it as a distribution to correlate it")
    } else {
        format!("{key} is not an input of this scenario")
    };
    message = crate::error::with_suggestion(message, key, uncertain.iter().copied());
    if uncertain.is_empty() {
        message.push_str(" (this scenario has no uncertain inputs)");
    } else if !message.contains("did you mean") {
        message.push_str(&format!("; its uncertain inputs: {}", uncertain.join(", ")));
    }
    Err(message)
}

fn rank_between(s: &Scenario, a: &str, b: &str) -> f64 {
    s.correlations
        .iter()
        .find(|c| {
            (c.between[0] == a && c.between[1] == b) || (c.between[0] == b && c.between[1] == a)
        })
        .map_or(0.0, |c| c.rank)
}

/// The sets of keys linked by entries, each sorted, in order of their first key.
fn linked_groups(entries: &[Correlation]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    for c in entries {
        let [a, b] = &c.between;
        let ga = groups.iter().position(|g| g.contains(a));
        let gb = groups.iter().position(|g| g.contains(b));
        match (ga, gb) {
            (Some(i), Some(j)) if i != j => {
                let other = groups.remove(i.max(j));
                groups[i.min(j)].extend(other);
            }
            (Some(_), Some(_)) => {}
            (Some(i), None) => groups[i].push(b.clone()),
            (None, Some(j)) => groups[j].push(a.clone()),
            (None, None) => groups.push(vec![a.clone(), b.clone()]),
        }
    }
    for g in &mut groups {
        g.sort();
    }
    groups.sort();
    groups
}

/// The lower-triangular L with L·Lᵀ = m, or `None` when m is not positive definite (a pivot
/// below 1e-10 counts as not: such a matrix forces one input to be a copy of others).
fn cholesky(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let pivot = m[i][i] - s;
                if pivot.is_nan() || pivot <= 1e-10 {
                    return None;
                }
                l[i][j] = pivot.sqrt();
            } else {
                l[i][j] = (m[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_reproduces_the_matrix() {
        let m = vec![
            vec![1.0, 0.5, -0.3],
            vec![0.5, 1.0, 0.2],
            vec![-0.3, 0.2, 1.0],
        ];
        let l = cholesky(&m).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| l[i][k] * l[j][k]).sum();
                assert!((v - m[i][j]).abs() < 1e-12, "{i},{j}: {v}");
            }
        }
        // Three inputs each correlated −0.8 with the others cannot be.
        let bad = vec![
            vec![1.0, -0.8, -0.8],
            vec![-0.8, 1.0, -0.8],
            vec![-0.8, -0.8, 1.0],
        ];
        assert!(cholesky(&bad).is_none());
    }

    #[test]
    fn rank_and_normal_correlation_meet_at_the_ends() {
        assert!((normal_correlation(1.0) - 1.0).abs() < 1e-15);
        assert_eq!(normal_correlation(0.0), 0.0);
        assert!((normal_correlation(-1.0) + 1.0).abs() < 1e-15);
    }

    #[test]
    fn linked_entries_make_one_group() {
        let c = |a: &str, b: &str| Correlation {
            between: [a.into(), b.into()],
            rank: 0.1,
        };
        let g = linked_groups(&[c("a", "b"), c("c", "d"), c("b", "c"), c("x", "y")]);
        assert_eq!(g, vec![vec!["a", "b", "c", "d"], vec!["x", "y"]]);
    }
}
