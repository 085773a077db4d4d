//! Differential test of the recipe set: on a generated layer (recipes,
//! includes, bbappends with `%`, several groups), `rbake recipes --json`
//! must list the same recipe files as the reference BitBake's collector, in
//! the same order, with the same layer and appends. Without the oracle the
//! test fails: it never passes silently.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn json_of(command: &mut Command, what: &str) -> Value {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(output.status.success(), "{what} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{what} printed no JSON: {e}"))
}

/// `(file, layer, appends)` of each recipe file, once per file.
fn recipe_files(recipes: &Value) -> Vec<(String, Value, Value)> {
    let mut out: Vec<(String, Value, Value)> = Vec::new();
    for recipe in recipes.as_array().expect("a list of recipes") {
        let file = recipe["file"].as_str().unwrap_or_default().to_owned();
        if out.last().is_some_and(|(last, _, _)| *last == file) {
            continue;
        }
        out.push((file, recipe["layer"].clone(), recipe["appends"].clone()));
    }
    out
}

#[test]
fn recipe_set_matches_bitbake() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = common::oracle_python();
    let topdir = std::env::temp_dir().join(format!("rbake-oracle-recipes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&topdir);
    let generated = Command::new(env!("CARGO_BIN_EXE_rbake-layergen"))
        .args(["--recipes", "60", "--seed", "11", "--out"])
        .arg(&topdir)
        .output()
        .expect("cannot run rbake-layergen");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));

    let args = ["--topdir".to_owned(), topdir.display().to_string()];
    let reference = json_of(
        Command::new(&python)
            .arg(root.join("../shared/oracle/bbdump.py"))
            .args(&args)
            .args(["--var", "PN", "--no-hash"])
            .env_clear()
            .env("PATH", common::FIXED_PATH)
            .current_dir(&topdir),
        "bbdump.py",
    );
    let candidate = json_of(
        Command::new(env!("CARGO_BIN_EXE_rbake"))
            .args(["recipes", "--json"])
            .args(&args)
            .env_clear()
            .env("PATH", common::FIXED_PATH)
            .env("TOPDIR", &topdir)
            .current_dir(&topdir),
        "rbake recipes",
    );
    let _ = std::fs::remove_dir_all(&topdir);
    let reference = recipe_files(&reference["recipes"]);
    let candidate = recipe_files(&candidate["recipes"]);
    assert_eq!(reference.len(), 60);
    assert!(reference
        .iter()
        .any(|(_, _, appends)| appends.as_array().is_some_and(|a| !a.is_empty())));
    assert_eq!(candidate, reference);
}

/// Every variable, flag and task of every variant of a generated layer
/// whose recipes run Python (inline expressions, PACKAGECONFIG-style
/// anonymous functions, BBCLASSEXTEND), compared with BitBake's.
#[test]
fn generated_layer_with_python_matches_bitbake() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = common::oracle_python();
    let topdir =
        std::env::temp_dir().join(format!("rbake-oracle-generated-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&topdir);
    let generated = Command::new(env!("CARGO_BIN_EXE_rbake-layergen"))
        .args(["--recipes", "60", "--seed", "1", "--out"])
        .arg(&topdir)
        .output()
        .expect("cannot run rbake-layergen");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let args = ["--topdir".to_owned(), topdir.display().to_string()];
    let dump = |command: &mut Command, what: &str, file: &str| {
        let output = command
            .args(&args)
            .args(["--all-vars", "--no-hash"])
            .env_clear()
            .env("PATH", common::FIXED_PATH)
            .current_dir(&topdir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
        assert!(output.status.success(), "{what}: {}", String::from_utf8_lossy(&output.stderr));
        std::fs::write(topdir.join(file), &output.stdout).unwrap();
    };
    dump(
        Command::new(&python).arg(root.join("../shared/oracle/bbdump.py")),
        "bbdump.py",
        "reference.json",
    );
    dump(Command::new(env!("CARGO_BIN_EXE_rbake")).args(["dump", "--json"]), "rbake", "cand.json");
    let comparison = Command::new(&python)
        .arg(root.join("../shared/oracle/compare.py"))
        .arg(topdir.join("reference.json"))
        .arg(topdir.join("cand.json"))
        .output()
        .expect("cannot run compare.py");
    let report = String::from_utf8_lossy(&comparison.stdout).into_owned();
    let _ = std::fs::remove_dir_all(&topdir);
    assert!(comparison.status.success(), "{report}");
    eprintln!("{}", report.lines().last().unwrap_or_default());
}
