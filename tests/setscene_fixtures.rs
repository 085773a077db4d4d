//! `rbake build` under shared state against the real BitBake: for each case
//! of `tests/data/setscene/` (see scripts/setscene-fixtures.sh, which wrote
//! the expected sets), the tasks that run, real and setscene, read from
//! every recipe's `log.task_order`, must be the ones BitBake ran, in the
//! same order for the real tasks (the layer runs one task at a time, so the
//! order is the scheduler's: `speed`, or the case's BB_SCHEDULER), and the
//! exit status must agree. The layer is a chain of recipes: where recipes
//! are independent, BitBake breaks the schedulers' ties in an order that
//! follows Python's string hash seed, so there is no order to compare.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{root, FIXED_PATH};

/// The tasks that ran in a build directory, `PF do_task` lines, in the
/// order they were logged (`log.task_order` lines start with a time).
fn tasks_run(topdir: &Path) -> Vec<String> {
    let mut lines: Vec<(String, String)> = Vec::new();
    let Ok(work) = std::fs::read_dir(topdir.join("tmp/work")) else { return Vec::new() };
    for recipe in work.flatten() {
        let pf = recipe.file_name().to_string_lossy().into_owned();
        let Ok(order) = std::fs::read_to_string(recipe.path().join("temp/log.task_order")) else {
            continue;
        };
        for line in order.lines() {
            let time = line.split_whitespace().next().unwrap_or_default().to_owned();
            let task = line.split_whitespace().find(|word| word.starts_with("do_"));
            if let Some(task) = task {
                lines.push((time, format!("{pf} {task}")));
            }
        }
    }
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect()
}

/// Builds one case in a fresh directory; returns the tasks run and the
/// exit status.
fn build_case(case: &Path, topdir: &Path) -> (Vec<String>, i32, String) {
    let available = std::fs::read_to_string(case.join("available")).expect("the case's available");
    let extra = std::fs::read_to_string(case.join("conf")).unwrap_or_default();
    std::fs::write(
        topdir.join("available.conf"),
        format!("SSTATE_AVAILABLE = \"{}\"\n{extra}", available.trim()),
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
        let order =
            std::fs::read_to_string(case.join("expected-order.txt")).expect("expected-order.txt");
        // BitBake walks the setscene tasks in the order of a set, which
        // follows Python's string hash seed: only real tasks have an order
        // to compare.
        let real = |line: &&str| !line.ends_with("_setscene");
        let want_order: Vec<String> = order.lines().filter(real).map(str::to_owned).collect();
        let topdir = scratch(name);
        let (got_order, exit, log) = build_case(&case, &topdir);
        let mut got = got_order.clone();
        let got_order: Vec<String> =
            got_order.into_iter().filter(|line| !line.ends_with("_setscene")).collect();
        got.sort();
        want.sort();
        if got_order != want_order {
            failures.push(format!(
                "{name}: BitBake ran, one at a time,\n  {}\nrbake ran\n  {}\n{log}",
                want_order.join("\n  "),
                got_order.join("\n  ")
            ));
        }
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
