//! Shell completion asks the program: the registration script from `safetech completions bash`
//! is sourced in a real bash, and its completion function is called as bash would at a Tab.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::safetech;

/// What bash offers for the command line `words` (the last word is the one being completed),
/// run in `dir`.
fn bash_offers(words: &[&str], dir: &Path) -> Vec<String> {
    let bin_dir = Path::new(common::BIN).parent().unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        r#"source <(safetech completions bash) || exit 3
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_TYPE=9
_clap_complete_safetech safetech '{cur}' '{prev}'
printf '%s\n' "${{COMPREPLY[@]}}""#,
        words = quoted.join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env("PATH", path)
        .current_dir(dir)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_scenario_ids_files_chart_kinds_and_set_keys() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.toml"), "").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "").unwrap();
    common::require_program("bash");
    let ids = bash_offers(&["safetech", "run", "-s", "osa"], dir.path());
    assert_eq!(ids, ["osa-enforced", "osa-delayed"]);

    let all = bash_offers(&["safetech", "export", "--scenario", ""], dir.path());
    assert!(all.contains(&"maturing".to_string()), "{all:?}");
    assert!(all.contains(&"mine.toml".to_string()), "{all:?}");
    assert!(
        !all.contains(&"notes.txt".to_string()),
        "only scenario files are offered: {all:?}"
    );

    let charts = bash_offers(&["safetech", "export", "--chart", ""], dir.path());
    for kind in [
        "fan",
        "compare",
        "histogram",
        "reach",
        "spaghetti",
        "tornado",
        "difference",
        "history",
    ] {
        assert!(charts.contains(&kind.to_string()), "{kind}: {charts:?}");
    }

    let keys = bash_offers(&["safetech", "run", "--set", "growth.vol"], dir.path());
    assert_eq!(keys, ["growth.volatility="]);

    let show = bash_offers(&["safetech", "scenarios", "show", "class"], dir.path());
    assert_eq!(show, ["classroom"]);

    let commands = bash_offers(&["safetech", "sen"], dir.path());
    assert_eq!(commands, ["sensitivity"]);
}

#[test]
fn every_shell_gets_a_registration_that_calls_the_program() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = safetech().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("SAFETECH_COMPLETE"), "{shell}: {script}");
    }
}

/// `--set` offers the keys of the scenario named, not of every built-in,
/// and `solve --param` offers the numeric keys.
#[test]
fn set_and_param_offer_the_named_scenarios_keys() {
    common::require_program("bash");
    let dir = tempfile::tempdir().unwrap();
    let classroom = bash_offers(
        &["safetech", "run", "-s", "classroom", "--set", "ev"],
        dir.path(),
    );
    assert!(
        classroom.is_empty(),
        "classroom has no events: {classroom:?}"
    );
    let central = bash_offers(&["safetech", "run", "--set", "events.osa.fi"], dir.path());
    assert!(
        central.contains(&"events.osa.firm.probability=".to_string()),
        "{central:?}"
    );
    let params = bash_offers(
        &["safetech", "solve", "-s", "maturing", "--param", "growth.i"],
        dir.path(),
    );
    assert!(params.contains(&"growth.initial".to_string()), "{params:?}");
    let events = bash_offers(
        &["safetech", "solve", "--param", "events.osa.firm.p"],
        dir.path(),
    );
    assert_eq!(events, ["events.osa.firm.probability"]);
}
