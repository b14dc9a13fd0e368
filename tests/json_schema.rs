//! The published JSON Schemas (`schemas/*.v1.json`, draft 2020-12) against real outputs of the
//! program: each schema is a valid schema, each output validates, every field an output writes
//! is declared and described (so the schema cannot lag behind the code), and outputs that break
//! the contract are rejected (so the check can fail).

use crate::common;

use std::path::Path;

use serde_json::{Value, json};

use common::safetech;

pub(crate) fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schemas/{name}.v1.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn output(args: &[&str]) -> Value {
    let out = safetech().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "safetech {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub(crate) fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::draft202012::new(schema).expect("schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// `#/$defs/name` within the same document.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("only local references");
            resolve(root, &root["$defs"][name])
        }
        None => node,
    }
}

/// Every object key in `instance` is a declared property of the schema node it sits under, and
/// every declared property has a description. Returns the undeclared or undescribed paths.
fn undeclared(root: &Value, node: &Value, instance: &Value, path: &str, out: &mut Vec<String>) {
    let node = resolve(root, node);
    // A `oneOf` of alternative shapes (not one that only lists required fields beside
    // `properties`): follow the branch the instance satisfies (they are disjoint).
    if let (None, Some(branches)) = (
        node.get("properties"),
        node.get("oneOf").and_then(Value::as_array),
    ) {
        let branch = branches.iter().find(|b| {
            let mut s = resolve(root, b).clone();
            if let Some(defs) = root.get("$defs") {
                s["$defs"] = defs.clone();
            }
            jsonschema::draft202012::new(&s).unwrap().is_valid(instance)
        });
        if let Some(b) = branch {
            undeclared(root, b, instance, path, out);
        }
        return;
    }
    match instance {
        Value::Object(map) => {
            let props = node.get("properties").and_then(Value::as_object);
            for (k, v) in map {
                let here = format!("{path}/{k}");
                match props.and_then(|p| p.get(k)) {
                    None => out.push(format!("{here} is written but not declared")),
                    Some(p) => {
                        let described = p.get("description").is_some()
                            || resolve(root, p).get("description").is_some();
                        if !described {
                            out.push(format!("{here} has no description"));
                        }
                        undeclared(root, p, v, &here, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = node.get("items") {
                for (i, v) in items.iter().enumerate() {
                    undeclared(root, item, v, &format!("{path}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

/// `instance` validates against `schemas/{name}.v1.json`, which declares and describes every
/// field it has (also used by `backtest_json`).
pub(crate) fn assert_conforms(name: &str, instance: &Value) {
    let s = schema(name);
    let errs = errors(&s, instance);
    assert!(
        errs.is_empty(),
        "{name} output fails its schema:\n{}",
        errs.join("\n")
    );
    let mut missing = Vec::new();
    undeclared(&s, &s, instance, "", &mut missing);
    assert!(
        missing.is_empty(),
        "schemas/{name}.v1.json does not describe:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_schema_is_a_valid_2020_12_schema_with_a_version_tag() {
    for name in ["run", "sensitivity", "solve", "calibrate", "backtest"] {
        let s = schema(name);
        assert!(
            jsonschema::meta::is_valid(&s),
            "schemas/{name}.v1.json is not a valid schema"
        );
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert_eq!(
            s["properties"]["schema"]["const"],
            format!("safetech.{name}/v1"),
            "the schema file and the tag it checks must agree"
        );
    }
}

#[test]
fn run_outputs_conform() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    let built_in = include_str!("fixtures/osa-fixed.toml");
    std::fs::write(&file, built_in).unwrap();
    let file = file.to_str().unwrap();
    for args in [
        vec!["run", "-s", "maturing", "-n", "2000", "-f", "json"],
        // Differences, events with several outcomes, an override, and a file scenario.
        vec![
            "run",
            "-s",
            "maturing",
            "-s",
            "osa-enforced",
            "-s",
            file,
            "-n",
            "2000",
            "--set",
            "growth.volatility=0.1",
            "-f",
            "json",
        ],
        // A target no path reaches: empty conditional medians and probabilities of 0.
        vec![
            "run", "-s", "downturn", "-n", "1000", "--target", "1e6", "-f", "json",
        ],
        vec![
            "run",
            "-s",
            "baseline",
            "-n",
            "1000",
            "--precision",
            "2",
            "-f",
            "json",
        ],
    ] {
        assert_conforms("run", &output(&args));
    }
}

#[test]
fn sensitivity_outputs_conform() {
    assert_conforms(
        "sensitivity",
        &output(&[
            "sensitivity",
            "-s",
            "osa-enforced",
            "-n",
            "2000",
            "-f",
            "json",
        ]),
    );
    assert_conforms(
        "sensitivity",
        &output(&[
            "sensitivity",
            "-s",
            "maturing",
            "-n",
            "1000",
            "--precision",
            "3",
            "-f",
            "json",
        ]),
    );
}

#[test]
fn solve_outputs_conform() {
    assert_conforms(
        "solve",
        &output(&[
            "solve",
            "-s",
            "maturing",
            "--param",
            "growth.initial",
            "--probability",
            "0.5",
            "-n",
            "2000",
            "-f",
            "json",
        ]),
    );
    assert_conforms(
        "solve",
        &output(&[
            "solve",
            "-s",
            "osa-enforced",
            "--solve-target",
            "--probability",
            "0.9",
            "-n",
            "2000",
            "-f",
            "json",
        ]),
    );
}

#[test]
fn calibrate_outputs_conform() {
    assert_conforms("calibrate", &output(&["calibrate", "-f", "json"]));
    assert_conforms(
        "calibrate",
        &output(&["calibrate", "--until", "2023", "-f", "json"]),
    );
}

#[test]
fn outputs_that_break_the_contract_are_rejected() {
    let s = schema("run");
    let good = output(&["run", "-s", "maturing", "-n", "1000", "-f", "json"]);
    assert!(errors(&s, &good).is_empty());
    let mut broken = Vec::new();
    let mut b = good.clone();
    b["scenarios"][0]["target"]["probability"] = json!(1.5);
    broken.push(("a probability above 1", b));
    let mut b = good.clone();
    b["schema"] = json!("safetech.run/v2");
    broken.push(("another version", b));
    let mut b = good.clone();
    b["scenarios"][0].as_object_mut().unwrap().remove("years");
    broken.push(("a missing field", b));
    let mut b = good.clone();
    b["scenarios"][0]["years"][0]["p50"] = json!("952");
    broken.push(("a number as a string", b));
    let mut b = good.clone();
    b["scenarios"][0]["target"]["ci95"] = json!([0.1]);
    broken.push(("an interval with one end", b));
    for (what, b) in broken {
        assert!(!errors(&s, &b).is_empty(), "{what} was accepted");
    }
    // And a field the schema does not know is caught by the coverage check.
    let mut b = good;
    b["scenarios"][0]["surprise"] = json!(1);
    let mut missing = Vec::new();
    undeclared(&s, &s, &b, "", &mut missing);
    assert_eq!(
        missing,
        ["/scenarios/0/surprise is written but not declared"]
    );
}
