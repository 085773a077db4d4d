//! The embedded `bb` package against the reference BitBake library: the
//! differential scripts under `tests/python/` call the same functions in
//! both and fail on any disagreement.

mod common;

use std::process::Command;

fn run_differential(script: &str) {
    let python = common::oracle_python();
    let output = Command::new(&python)
        .arg(common::root().join("tests/python").join(script))
        .env("RBAKE_ORACLE_PYTHON", &python)
        .env("RBAKE_ORACLE_SHIM", common::oracle_dir().join("shim"))
        .current_dir(common::root())
        .output()
        .unwrap_or_else(|error| panic!("cannot run {script}: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{script} failed:\n{stdout}{stderr}");
    eprintln!("{script}: {}", stdout.lines().last().unwrap_or_default());
}

#[test]
fn bb_utils_data_parse_process_agree_with_bitbake() {
    run_differential("test_bb_part_a.py");
}

#[test]
fn bb_event_fetch_siggen_agree_with_bitbake() {
    run_differential("test_bb_part_b.py");
}

#[test]
fn bb_codeparser_agrees_with_bitbake() {
    run_differential("test_codeparser.py");
}

#[test]
fn bb_fetch2_downloads_and_unpacks_as_bitbake_does() {
    run_differential("test_fetch_exec.py");
}

#[test]
fn bb_build_runs_tasks_as_bitbake_does() {
    run_differential("test_build_exec.py");
}
