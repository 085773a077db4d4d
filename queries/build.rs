//! Embeds the Python sources under `python/` in the library: writes a table
//! of `(module name, is package, path, source)` to `OUT_DIR`, which
//! `src/python/runtime.rs` includes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("python");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut table = String::from("&[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(&root).expect("collected under root");
        let mut parts: Vec<String> =
            relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
        let last = parts.pop().expect("a file has a name");
        let stem = last.trim_end_matches(".py").to_owned();
        let is_package = stem == "__init__";
        if !is_package {
            parts.push(stem);
        }
        let name = parts.join(".");
        let _ = writeln!(
            table,
            "    ({name:?}, {is_package}, {relative:?}, include_str!({path:?})),",
            relative = relative.to_string_lossy(),
            path = file.display().to_string(),
        );
    }
    table.push(']');
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("embedded_python.rs"), table).expect("OUT_DIR is writable");
}

/// Every `.py` file under `dir`, recursively.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "py") {
            files.push(path);
        }
    }
}
