//! The layer generator (`rbake-layergen`) is deterministic: the same recipe
//! count and seed give the same files, another seed gives other files, and
//! it writes exactly the requested number of recipes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const RECIPES: usize = 30;

/// A fresh, unique directory under the system's temporary directory,
/// removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir()
            .join(format!("rbake-layergen-test-{}-{tag}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path.canonicalize().unwrap())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn generate(out: &Path, seed: u64, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rbake-layergen"))
        .args(["--recipes", &RECIPES.to_string(), "--seed", &seed.to_string(), "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("run rbake-layergen")
}

fn generate_ok(out: &Path, seed: u64) {
    let o = generate(out, seed, &[]);
    assert!(o.status.success(), "rbake-layergen failed: {}", String::from_utf8_lossy(&o.stderr));
}

/// Every file under `root`, by relative path. The absolute path of `root`
/// (which bblayers.conf holds) is replaced by a placeholder, so trees in
/// different directories compare equal when nothing else differs.
fn tree(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(&path).unwrap();
                out.insert(rel, text.replace(root.to_str().unwrap(), "@TOPDIR@"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn first_difference(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> String {
    for (path, text) in a {
        match b.get(path) {
            None => return format!("{path} only in the first tree"),
            Some(other) if other != text => return format!("{path} differs"),
            _ => {}
        }
    }
    b.keys()
        .find(|p| !a.contains_key(*p))
        .map_or("no difference".into(), |p| format!("{p} only in the second tree"))
}

#[test]
fn same_seed_gives_the_same_tree() {
    let (a, b) = (TempDir::new("a"), TempDir::new("b"));
    generate_ok(&a.0, 7);
    generate_ok(&b.0, 7);
    let (ta, tb) = (tree(&a.0), tree(&b.0));
    assert!(ta == tb, "trees differ: {}", first_difference(&ta, &tb));
    assert!(ta["conf/bblayers.conf"].contains("@TOPDIR@/meta-gen"));
}

#[test]
fn another_seed_gives_another_tree() {
    let (a, b) = (TempDir::new("seed7"), TempDir::new("seed8"));
    generate_ok(&a.0, 7);
    generate_ok(&b.0, 8);
    assert_ne!(tree(&a.0), tree(&b.0));
}

#[test]
fn writes_the_requested_number_of_recipes() {
    let dir = TempDir::new("count");
    generate_ok(&dir.0, 7);
    let t = tree(&dir.0);
    let recipes = t.keys().filter(|p| p.ends_with(".bb")).count();
    assert_eq!(recipes, RECIPES);
    for needed in [
        "conf/bblayers.conf",
        "conf/local.conf",
        "meta-gen/conf/layer.conf",
        "meta-gen/conf/bitbake.conf",
        "meta-gen/classes/base.bbclass",
        "meta-gen/classes/native.bbclass",
    ] {
        assert!(t.contains_key(needed), "{needed} is missing");
    }
    // The manifest has one line per variant: every recipe, and the native ones twice.
    let native = t.iter().filter(|(p, text)| p.ends_with(".bb") && text.contains("BBCLASSEXTEND"));
    let lines = t["layergen-manifest.tsv"].lines().filter(|l| !l.starts_with('#')).count();
    assert_eq!(lines, RECIPES + native.count());
}

#[test]
fn rerun_needs_force_and_regenerates_identically() {
    let dir = TempDir::new("force");
    generate_ok(&dir.0, 7);
    let before = tree(&dir.0);
    let refused = generate(&dir.0, 7, &[]);
    assert!(!refused.status.success(), "a second run without --force must refuse");
    let forced = generate(&dir.0, 7, &["--force"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert!(before == tree(&dir.0), "regenerated tree differs");
}
