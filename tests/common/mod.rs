//! What the differential tests share: the reference BitBake, installed on
//! demand, and the fixed PATH both sides run with.

#![allow(dead_code)] // Each test binary uses only part of this module.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The PATH both BitBake and rbake see: an exported PATH enters every shell
/// task's signature, so the two must agree.
pub const FIXED_PATH: &str = "/usr/bin:/bin";

/// The repository's root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The oracle's directory, beside the repository.
pub fn oracle_dir() -> PathBuf {
    root().join("../shared/oracle")
}

/// The Python of the reference BitBake's virtualenv, installed by the
/// oracle's `setup.sh` if needed (it is idempotent). Without the oracle the
/// calling test fails: it never passes silently.
pub fn oracle_python() -> PathBuf {
    let setup = oracle_dir().join("setup.sh");
    assert!(setup.exists(), "the oracle is missing: expected {}", setup.display());
    let output =
        Command::new("bash").arg(&setup).output().expect("cannot run the oracle's setup.sh");
    assert!(
        output.status.success(),
        "setup.sh failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default())
}
