//! `extends` and `[given]`: a scenario written as the changes it makes to another. Merging
//! rules, the resolved text `scenarios show` prints, and the errors for what cannot be.

use crate::common::{json_of, safetech, succeed};

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn stderr_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    String::from_utf8(out.stderr).unwrap()
}

const CHILD: &str = "extends = \"central\"\n[scenario]\nid = \"mine\"\nname = \"Mine\"\n";

#[test]
fn a_child_changes_only_what_it_states() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{CHILD}[growth]\ncapacity = 5000.0\n\n[[events]]\nid = \"osa\"\noutcomes = [{{ id = \"firm\", probability = 0.2 }}]\n"
    );
    let file = write(dir.path(), "mine.toml", &text);
    let child = safetech::scenario::load(&file).unwrap();
    let central = safetech::scenario::load("central").unwrap();
    assert_eq!(child.provenance.extends, ["central"]);
    assert_eq!(child.growth.capacity, Some(5000.0));
    assert!(!child.uncertain.contains_key("growth.capacity"));
    // The correlation named the capacity this file fixed: set aside, the run still works.
    assert!(child.correlations.is_empty() && !central.correlations.is_empty());
    let osa = |s: &safetech::scenario::Scenario| -> Vec<(String, f64)> {
        s.events[0]
            .outcomes
            .iter()
            .map(|o| (o.id.clone(), o.probability))
            .collect()
    };
    let (mine, theirs) = (osa(&child), osa(&central));
    assert_eq!(mine[0], ("firm".into(), 0.2));
    assert_eq!(
        mine[1..],
        theirs[1..],
        "the other outcomes keep the parent's odds"
    );
    // The firm outcome's uplift distribution is the parent's, untouched.
    let key = "events.osa.firm.growth_uplift";
    assert_eq!(child.uncertain.get(key), central.uncertain.get(key));
    assert_eq!(child.scenario.sources, central.scenario.sources);
    assert!(
        child.scenario.description.is_empty(),
        "not the parent's description"
    );
    succeed(safetech().args(["run", "-s", &file, "-n", "2000"]));
}

#[test]
fn given_conditions_an_event_on_its_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let one = write(
        dir.path(),
        "one.toml",
        &format!("{CHILD}[given]\nosa = \"routine\"\n"),
    );
    let set = write(
        dir.path(),
        "set.toml",
        &format!("{CHILD}[given]\nosa = [\"firm\", \"slow\"]\nsqueeze = \"none\"\n"),
    );
    let p = |s: &safetech::scenario::Scenario, e: usize| -> Vec<f64> {
        s.events[e].outcomes.iter().map(|o| o.probability).collect()
    };
    let s = safetech::scenario::load(&one).unwrap();
    assert_eq!(p(&s, 0), [0.0, 1.0, 0.0, 0.0]);
    let s = safetech::scenario::load(&set).unwrap();
    // firm 0.35 and slow 0.15 keep their odds relative to each other: 0.7 and 0.3.
    let got = p(&s, 0);
    assert!(
        (got[0] - 0.7).abs() < 1e-12 && (got[2] - 0.3).abs() < 1e-12,
        "{got:?}"
    );
    assert_eq!((got[1], got[3]), (0.0, 0.0));
    assert_eq!(p(&s, 3), [0.0, 0.0]);
    // The run's attribution agrees: every path drew firm or slow, in those shares.
    let json = json_of(safetech().args(["run", "-s", &set, "-n", "20000", "-f", "json"]));
    let osa = &json["scenarios"][0]["events"][0]["outcomes"];
    let share = |id: &str| {
        osa.as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .map_or(0.0, |o| o["share"].as_f64().unwrap())
    };
    // 20,000 paths: the share of firm is within 4 × sqrt(0.21 / 20,000) = 0.013 of 0.7.
    assert!((share("firm") - 0.7).abs() < 0.013, "{}", share("firm"));
    assert!((share("firm") + share("slow") - 1.0).abs() < 1e-12);
}

#[test]
fn what_cannot_be_extended_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.toml",
        "extends = \"b.toml\"\n[scenario]\nid = \"a\"\nname = \"A\"\n",
    );
    write(
        dir.path(),
        "b.toml",
        "extends = \"a.toml\"\n[scenario]\nid = \"b\"\nname = \"B\"\n",
    );
    let cases: Vec<(String, Vec<&str>)> = vec![
        (a, vec!["extends", "cycle", "a.toml", "b.toml"]),
        (
            write(
                dir.path(),
                "typo.toml",
                "extends = \"centrl\"\n[scenario]\nid = \"t\"\nname = \"T\"\n",
            ),
            vec!["extends", "centrl", "did you mean `central`"],
        ),
        (
            write(
                dir.path(),
                "anon.toml",
                "extends = \"central\"\n[growth]\nvolatility = 0.1\n",
            ),
            vec!["needs its own [scenario] id"],
        ),
        (
            write(
                dir.path(),
                "event.toml",
                &format!("{CHILD}[given]\nosaa = \"firm\"\n"),
            ),
            vec!["given.osaa", "did you mean `osa`"],
        ),
        (
            write(
                dir.path(),
                "outcome.toml",
                &format!("{CHILD}[given]\nosa = \"frim\"\n"),
            ),
            vec![
                "given.osa",
                "no outcome \"frim\"",
                "did you mean `firm`",
                "\"none\"",
            ],
        ),
        (
            write(
                dir.path(),
                "number.toml",
                &format!("{CHILD}[given]\nosa = 1\n"),
            ),
            vec!["given.osa", "an outcome id"],
        ),
        (
            write(
                dir.path(),
                "kind.toml",
                "extends = 3\n[scenario]\nid = \"k\"\nname = \"K\"\n",
            ),
            vec!["extends", "built-in scenario or a path"],
        ),
        // A device never ends and a FIFO would block: only regular files are read.
        (
            write(
                dir.path(),
                "device.toml",
                "extends = \"/dev/zero\"\n[scenario]\nid = \"d\"\nname = \"D\"\n",
            ),
            vec!["extends", "not a regular file"],
        ),
        (
            write(
                dir.path(),
                "missing.toml",
                "extends = \"nowhere/parent.toml\"\n[scenario]\nid = \"m\"\nname = \"M\"\n",
            ),
            vec!["extends", "cannot read"],
        ),
    ];
    for (file, words) in cases {
        let err = stderr_of(safetech().args(["run", "-s", &file, "-n", "1000"]));
        for w in words {
            assert!(err.contains(w), "{file}: no \"{w}\" in {err}");
        }
    }
}

#[test]
fn show_prints_the_resolved_scenario_that_loads_as_itself() {
    let out = succeed(safetech().args(["scenarios", "show", "osa-enforced"]));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("# osa-enforced resolved: it extends central"),
        "{text}"
    );
    // central's comments stay beside the numbers they explain.
    assert!(text.contains("# calibrated from sourced anchors: the size the UK sector could reach"));
    let shown = safetech::scenario::parse_str(&text, "shown").unwrap();
    let loaded = safetech::scenario::load("osa-enforced").unwrap();
    assert_eq!(shown.scenario, loaded.scenario);
    assert_eq!(
        (&shown.growth, &shown.events),
        (&loaded.growth, &loaded.events)
    );
    assert_eq!(shown.uncertain, loaded.uncertain);
    assert_eq!(shown.correlations, loaded.correlations);
    // A scenario that extends nothing prints as its file.
    let out = succeed(safetech().args(["scenarios", "show", "central"]));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        safetech::scenario::builtin_source("central").unwrap()
    );
}

#[test]
fn a_relative_parent_is_read_beside_the_child() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    write(
        &sub,
        "parent.toml",
        &format!("{CHILD}[growth]\nvolatility = 0.11\n").replace("\"mine\"", "\"parent\""),
    );
    let child = write(
        &sub,
        "child.toml",
        "extends = \"parent.toml\"\n[scenario]\nid = \"child\"\nname = \"Child\"\n[given]\nosa = \"firm\"\n",
    );
    // Run from elsewhere: the parent is found beside the child, not in the working directory.
    let s = safetech::scenario::load(&child).unwrap();
    assert_eq!(s.provenance.extends, ["parent", "central"]);
    assert_eq!(s.growth.volatility, 0.11);
    succeed(
        safetech()
            .current_dir(dir.path())
            .args(["run", "-s", &child, "-n", "1000"]),
    );
}
