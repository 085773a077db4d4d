//! Differential check of the syntax fixtures against the reference BitBake:
//! BitBake's own line readers must give each fixture the verdict its
//! directory promises (`ok/` silent, `warn/` a warning, `err/` refused). The
//! fixture harness holds rbake to the same promises, so the two agree.
//!
//! The reference library is installed by `../shared/oracle/setup.sh`, which
//! this test runs itself (it is idempotent), so a fresh machine needs no
//! extra step. Without the oracle the test fails: it never passes silently.

mod common;

use std::process::Command;

#[test]
fn fixtures_get_bitbakes_verdicts() {
    let root = common::root();
    let oracle = common::oracle_dir();
    let python = common::oracle_python();

    let output = Command::new(&python)
        .arg(root.join("tests/data/syntax/check_with_bitbake.py"))
        .env("PYTHONPATH", oracle.join("shim"))
        .env("PYTHONHASHSEED", "0")
        .current_dir(root)
        .output()
        .expect("cannot run the reference BitBake");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let wrong: Vec<&str> = stdout.lines().filter(|line| !line.starts_with("ok ")).collect();
    assert!(
        output.status.success(),
        "BitBake disagrees with the fixture directories:\n{}\n{}",
        wrong.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    let checked = stdout.lines().filter(|line| line.starts_with("ok ")).count();
    assert!(checked >= 100, "only {checked} fixtures were checked");
}
