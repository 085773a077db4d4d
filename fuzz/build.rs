//! For the `lsp` target: a copy of rbake's binary sources (`../src`) in
//! OUT_DIR, so that the target can `include!` the binary's root and reach
//! `lsp` as rbake itself does (rbake has no library target). An included
//! root cannot hold inner doc comments, and its `#[macro_export]` macros
//! cannot be named by path (`use crate::outln;`), so the copy's root has
//! plain comments and declares `output` first with `#[macro_use]`, and the
//! imports of `outln` are dropped.

use std::fs;
use std::path::Path;

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else if entry.path().extension().is_some_and(|ext| ext == "rs") {
            let text = fs::read_to_string(entry.path()).unwrap();
            let kept: Vec<&str> =
                text.lines().filter(|line| line.trim() != "use crate::outln;").collect();
            fs::write(&target, kept.join("\n") + "\n").unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let src = Path::new(&manifest).join("../src");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rbake-src");
    let _ = fs::remove_dir_all(&out);
    copy(&src, &out);
    let main = fs::read_to_string(src.join("main.rs")).unwrap();
    let mut plain = String::from("#[macro_use]\nmod output;\n");
    for line in main.lines() {
        match line.strip_prefix("//!") {
            Some(rest) => plain.push_str(&format!("//{rest}\n")),
            None if line.trim() == "mod output;" => {}
            None => plain.push_str(&format!("{line}\n")),
        }
    }
    fs::write(out.join("main.rs"), plain).unwrap();
    println!("cargo:rerun-if-changed=../src");
}
