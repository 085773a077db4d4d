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
//!
//! The signature tests dump the same cases (and `tests/data/signatures/`)
//! with every task's signature instead of every variable, and compare the
//! task lists, vardeps, varvals and basehashes. A case whose reference
//! cannot sign its tasks (BitBake raises) holds a `no-signatures` file that
//! says why; rbake must fail to sign it too.

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

/// What a comparison looks at.
#[derive(Clone, Copy, PartialEq)]
enum Facts {
    /// Every variable, flag and task (no signatures).
    Values,
    /// Every task's signature.
    Signatures,
}

/// Dumps one case with both and compares; returns the failure, if any.
fn check_case(
    python: &Path,
    root: &Path,
    case: &Path,
    scratch: &Path,
    facts: Facts,
) -> Result<String, String> {
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
    args.extend(["--topdir".into(), topdir.display().to_string()]);
    match facts {
        Facts::Values => args.extend(["--all-vars".into(), "--no-hash".into()]),
        Facts::Signatures => args.extend(["--var".into(), "PN".into()]),
    }
    if facts == Facts::Signatures {
        if let Ok(reason) = std::fs::read_to_string(case.join("no-signatures")) {
            return check_unsignable(case, &name, &args, &topdir, reason.trim());
        }
    }

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
    let mut comparison = Command::new(python);
    comparison.arg(oracle.join("compare.py")).arg(&reference_file).arg(&candidate_file);
    if facts == Facts::Signatures {
        comparison.args(["--kinds", "recipes,tasklists,vardeps,varvals,basehash"]);
    }
    let comparison = comparison.output().expect("cannot run compare.py");
    let report = String::from_utf8_lossy(&comparison.stdout).into_owned();
    if comparison.status.success() {
        Ok(format!("{name}: {}", report.lines().last().unwrap_or_default()))
    } else {
        Err(format!("{name}:\n{report}"))
    }
}

/// A case BitBake cannot sign: rbake must say it cannot either.
fn check_unsignable(
    case: &Path,
    name: &str,
    args: &[String],
    topdir: &Path,
    reason: &str,
) -> Result<String, String> {
    let candidate = Command::new(env!("CARGO_BIN_EXE_rbake"))
        .arg("dump")
        .arg("--json")
        .args(args)
        .env_clear()
        .env("PATH", common::FIXED_PATH)
        .current_dir(topdir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run rbake on {}: {e}", case.display()));
    let stderr = String::from_utf8_lossy(&candidate.stderr);
    if stderr.contains("no signatures") {
        Ok(format!("{name}: unsignable, as in BitBake ({reason})"))
    } else {
        Err(format!("{name}: BitBake cannot sign it ({reason}), but rbake did:\n{stderr}"))
    }
}

/// Checks every case under `tests/data/DIRECTORY`.
fn check_directory(directory: &str, minimum: usize) {
    check_directory_for(directory, minimum, Facts::Values);
}

/// Checks every case under `tests/data/DIRECTORY` for `facts`.
fn check_directory_for(directory: &str, minimum: usize, facts: Facts) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = common::oracle_python();
    let kind = if facts == Facts::Values { "values" } else { "signatures" };
    let scratch = std::env::temp_dir()
        .join(format!("rbake-oracle-{directory}-{kind}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root.join("tests/data").join(directory))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= minimum, "found only {} cases in {directory}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        match check_case(&python, root, case, &scratch, facts) {
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

/// Every task's basehash, vardeps and varvals in the recipe cases.
#[test]
fn recipe_signatures_match_bitbake() {
    check_directory_for("recipes", 27, Facts::Signatures);
}

/// Signatures of recipes with Python.
#[test]
fn python_signatures_match_bitbake() {
    check_directory_for("python", 7, Facts::Signatures);
}

/// The signature cases: every kind of dependency BitBake's
/// `build_dependencies` finds, and the flags and variables that change it.
#[test]
fn signatures_match_bitbake() {
    check_directory_for("signatures", 8, Facts::Signatures);
}
