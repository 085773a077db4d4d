//! Differential tests of the configuration and recipe datastores: each case
//! under `tests/data/config/` and `tests/data/recipes/` is dumped by the
//! reference BitBake (`bbdump.py`) and by `rbake dump --json` with the same
//! arguments, from the same directory and with the same fixed PATH, and
//! `compare.py` must find every fact equal.
//!
//! A case holds either `layer/` (read through BBPATH, with no
//! bblayers.conf) or `build/` (a build directory with conf/bblayers.conf).
//! An optional `args` file holds extra arguments for both dumps, one a line
//! (`--env` and `FOO=bar` on two lines, say).
//! The reference is regenerated every run. Without the oracle the test
//! fails: it never passes silently.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn run(command: &mut Command, what: &str) -> Output {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Dumps one case with both and compares; returns the failure, if any.
fn check_case(python: &Path, root: &Path, case: &Path, scratch: &Path) -> Result<String, String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let work = scratch.join(&name);
    copy_tree(case, &work);
    let mut args: Vec<String> = Vec::new();
    let topdir = if work.join("layer").is_dir() {
        let topdir = work.join("work");
        std::fs::create_dir_all(&topdir).unwrap();
        args.extend(["--bbpath".into(), work.join("layer").display().to_string()]);
        topdir
    } else {
        work.join("build")
    };
    if let Ok(extra) = std::fs::read_to_string(case.join("args")) {
        args.extend(extra.lines().filter(|line| !line.is_empty()).map(str::to_owned));
    }
    args.extend([
        "--topdir".into(),
        topdir.display().to_string(),
        "--all-vars".into(),
        "--no-hash".into(),
    ]);

    let oracle = root.join("../shared/oracle");
    let reference = run(
        Command::new(python)
            .arg(oracle.join("bbdump.py"))
            .args(&args)
            .env_clear()
            .env("PATH", common::FIXED_PATH)
            .current_dir(&topdir),
        &format!("bbdump.py on {name}"),
    );
    let candidate = run(
        Command::new(env!("CARGO_BIN_EXE_rbake"))
            .arg("dump")
            .arg("--json")
            .args(&args)
            .env_clear()
            .env("PATH", common::FIXED_PATH)
            .current_dir(&topdir),
        &format!("rbake dump on {name}"),
    );
    let reference_file = work.join("reference.json");
    let candidate_file = work.join("candidate.json");
    std::fs::write(&reference_file, &reference.stdout).unwrap();
    std::fs::write(&candidate_file, &candidate.stdout).unwrap();
    let comparison = Command::new(python)
        .arg(oracle.join("compare.py"))
        .arg(&reference_file)
        .arg(&candidate_file)
        .output()
        .expect("cannot run compare.py");
    let report = String::from_utf8_lossy(&comparison.stdout).into_owned();
    if comparison.status.success() {
        Ok(format!("{name}: {}", report.lines().last().unwrap_or_default()))
    } else {
        Err(format!("{name}:\n{report}"))
    }
}

/// Checks every case under `tests/data/DIRECTORY`.
fn check_directory(directory: &str, minimum: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = common::oracle_python();
    let scratch =
        std::env::temp_dir().join(format!("rbake-oracle-{directory}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("tests/data").join(directory))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= minimum, "found only {} cases in {directory}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        match check_case(&python, root, case, &scratch) {
            Ok(summary) => eprintln!("{summary}"),
            Err(failure) => failures.push(failure),
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn configuration_matches_bitbake() {
    check_directory("config", 20);
}

/// Recipes without inline Python: their variables, task lists and task
/// flags, every BBCLASSEXTEND variant included.
#[test]
fn recipes_match_bitbake() {
    check_directory("recipes", 27);
}

/// Recipes with Python: inline expressions, `def` functions, anonymous
/// functions that set variables and add tasks, SkipRecipe, event handlers,
/// variable filters.
#[test]
fn python_matches_bitbake() {
    check_directory("python", 7);
}
