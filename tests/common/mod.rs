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

/// Copies the directory tree `from` to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a directory to copy into");
    for entry in std::fs::read_dir(from).expect("a directory to copy") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copied file");
        }
    }
}

/// A fresh copy of the example in `top` (removed first): the layer as
/// `top/demo-layer` and a build directory `top/build` whose
/// `conf/bblayers.conf` names it.
pub fn example_site(top: &Path) {
    let _ = std::fs::remove_dir_all(top);
    std::fs::create_dir_all(top.join("build/conf")).expect("a build directory");
    copy_tree(&root().join("examples/demo-layer"), &top.join("demo-layer"));
    std::fs::copy(
        root().join("examples/demo-build/conf/bblayers.conf"),
        top.join("build/conf/bblayers.conf"),
    )
    .expect("bblayers.conf");
}
