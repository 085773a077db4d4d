//! What the benchmarks share: a generated build directory, and a database
//! over it as the binary makes one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use rbake_queries::config::Invocation;
use rbake_queries::os_system::OsSystem;
use rbake_queries::RootDatabase;

/// A generated build directory of `recipes` recipes (seed 1), made once
/// per run.
pub fn generated_layer(recipes: usize) -> PathBuf {
    let out = std::env::temp_dir().join(format!("rbake-bench-layer-{recipes}"));
    let status = Command::new(env!("CARGO_BIN_EXE_rbake-layergen"))
        .args(["--recipes", &recipes.to_string(), "--seed", "1", "--force", "--out"])
        .arg(&out)
        .status()
        .expect("cannot run rbake-layergen");
    assert!(status.success(), "rbake-layergen failed");
    out
}

/// A fresh database over `topdir`, with BitBake's environment reduced to
/// TOPDIR and a fixed PATH.
pub fn open(topdir: &Path) -> (RootDatabase, Invocation) {
    let db = RootDatabase::new(Arc::new(OsSystem));
    let env = vec![
        ("TOPDIR".to_owned(), topdir.display().to_string()),
        ("PATH".to_owned(), "/usr/bin:/bin".to_owned()),
    ];
    let invocation = Invocation::new(&db, topdir.to_path_buf(), env, Vec::new(), Vec::new());
    (db, invocation)
}
