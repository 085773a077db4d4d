//! Taskhashes against the real BitBake's: each case of `tests/data/taskhash/`
//! holds the taskhashes `bitbake -S none` wrote (see
//! `scripts/taskhash-fixtures.sh`), and `rbake plan --json --hashes`, run
//! with the case's environment, must give the same for every task.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::root;

fn check_case(case: &Path) -> Result<usize, String> {
    let command = std::fs::read_to_string(case.join("command")).expect("the case's command");
    let env = std::fs::read_to_string(case.join("env")).expect("the case's env");
    let expected: BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(case.join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is JSON");
    let layer = std::path::absolute(case.join("layer")).expect("an absolute path");
    let name = case.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let topdir = std::env::temp_dir().join(format!("rbake-taskhash-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&topdir).expect("a scratch directory");
    let mut rbake = Command::new(env!("CARGO_BIN_EXE_rbake"));
    rbake.env_clear().env("BBPATH", &layer).current_dir(&topdir);
    for line in env.lines().filter(|line| !line.is_empty()) {
        let (key, value) = line.split_once('=').expect("NAME=VALUE");
        rbake.env(key, value);
    }
    let output = rbake
        .arg("plan")
        .args(command.split_whitespace())
        .args(["--json", "--hashes"])
        .output()
        .expect("cannot run rbake");
    let _ = std::fs::remove_dir_all(&topdir);
    if !output.status.success() {
        return Err(format!("{name}: rbake failed:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let mut actual = BTreeMap::new();
    for task in plan["tasks"].as_array().expect("tasks") {
        let key = format!(
            "{}:{}",
            task["pn"].as_str().unwrap_or(""),
            task["task"].as_str().unwrap_or("")
        );
        actual.insert(key, task["taskhash"].as_str().unwrap_or("none").to_owned());
    }
    if actual == expected {
        Ok(actual.len())
    } else {
        let differing: Vec<String> = expected
            .iter()
            .filter(|(task, hash)| actual.get(*task) != Some(hash))
            .map(|(task, hash)| format!("  {task}: BitBake {hash}, rbake {:?}", actual.get(task)))
            .collect();
        Err(format!(
            "{name}: {} of {} taskhashes differ:\n{}",
            differing.len(),
            expected.len(),
            differing.join("\n")
        ))
    }
}

#[test]
fn taskhashes_match_bitbake() {
    let dir = root().join("tests/data/taskhash");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/taskhash")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.join("command").exists())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no taskhash cases");
    let results: Vec<Result<usize, String>> = cases.iter().map(|case| check_case(case)).collect();
    let failures: Vec<&String> =
        results.iter().filter_map(|result| result.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{}",
        failures.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n")
    );
}
