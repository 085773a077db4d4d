//! `rbake build` under shared state against the real BitBake: for each case
//! of `tests/data/setscene/` (see scripts/setscene-fixtures.sh, which wrote
//! the expected sets), the tasks that run, real and setscene, read from
//! every recipe's `log.task_order`, must be the ones BitBake ran, and the
//! exit status must agree.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, FIXED_PATH};

/// The tasks that ran in a build directory, `PF do_task` lines, sorted.
fn tasks_run(topdir: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    let Ok(work) = std::fs::read_dir(topdir.join("tmp/work")) else { return lines };
    for recipe in work.flatten() {
        let pf = recipe.file_name().to_string_lossy().into_owned();
        let Ok(order) = std::fs::read_to_string(recipe.path().join("temp/log.task_order")) else {
            continue;
        };
        for line in order.lines() {
            let task = line.split_whitespace().find(|word| word.starts_with("do_"));
            if let Some(task) = task {
                lines.push(format!("{pf} {task}"));
            }
        }
    }
    lines.sort();
    lines
}

/// Builds one case in a fresh directory; returns the tasks run and the
/// exit status.
fn build_case(case: &Path, topdir: &Path) -> (Vec<String>, i32, String) {
    let available = std::fs::read_to_string(case.join("available")).expect("the case's available");
    std::fs::write(
        topdir.join("available.conf"),
        format!("SSTATE_AVAILABLE = \"{}\"\n", available.trim()),
    )
    .expect("available.conf");
    let command = std::fs::read_to_string(case.join("command")).expect("the case's command");
    let layer = root().join("tests/data/setscene/layer");
    let output = Command::new(env!("CARGO_BIN_EXE_rbake"))
        .env_clear()
        .env("PATH", FIXED_PATH)
        .env("BBPATH", &layer)
        .current_dir(topdir)
        .arg("build")
        .args(command.split_whitespace())
        .output()
        .expect("cannot run rbake");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (tasks_run(topdir), output.status.code().unwrap_or(-1), log)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rbake-setscene-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[test]
fn setscene_coverage_runs_what_bitbake_runs() {
    let cases = root().join("tests/data/setscene/cases");
    let mut names: Vec<String> = std::fs::read_dir(&cases)
        .expect("tests/data/setscene/cases")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 6, "the setscene fixtures are missing");
    let mut failures = Vec::new();
    for name in &names {
        let case = cases.join(name);
        let expected = std::fs::read_to_string(case.join("expected.txt")).expect("expected.txt");
        let mut want: Vec<String> = Vec::new();
        let mut want_exit = 0;
        for line in expected.lines() {
            match line.strip_prefix("exit: ") {
                Some(code) => want_exit = code.trim().parse().expect("an exit status"),
                None if !line.is_empty() => want.push(line.to_owned()),
                None => {}
            }
        }
        let topdir = scratch(name);
        let (got, exit, log) = build_case(&case, &topdir);
        if got != want || (exit == 0) != (want_exit == 0) {
            failures.push(format!(
                "{name}: BitBake ran\n  {}\n(exit {want_exit}); rbake ran\n  {}\n(exit {exit})\n{log}",
                want.join("\n  "),
                got.join("\n  ")
            ));
        }
        let _ = std::fs::remove_dir_all(&topdir);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
