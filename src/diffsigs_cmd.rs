//! `rbake diffsigs A B`: what differs between two signature files written
//! by `rbake sigs`, worded as bitbake-diffsigs words it, following a
//! changed dependency hash into that dependency's own files when they can
//! be found beside them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use crate::cli::DiffsigsArgs;
use crate::outln;
use crate::output::Output;
use crate::workspace::Failed;

pub fn run(args: &DiffsigsArgs) -> Result<ExitCode, Failed> {
    let a = load(&args.a)?;
    let b = load(&args.b)?;
    let mut out = Output::new();
    let mut lines = Vec::new();
    let files = [args.a.clone(), args.b.clone()];
    explain(
        &a,
        &b,
        &|tid, hash| find_sigfile(&files, tid, hash).map(|(_, sig)| sig),
        0,
        &mut lines,
    );
    if lines.is_empty() {
        outln!(out, "No differences");
    }
    for line in lines {
        outln!(out, "{line}");
    }
    Ok(ExitCode::SUCCESS)
}

fn load(path: &Path) -> Result<Value, Failed> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        eprintln!("error: cannot read {}: {error}", path.display());
        Failed
    })?;
    serde_json::from_str(&text).map_err(|error| {
        eprintln!("error: {} is no signature file: {error}", path.display());
        Failed
    })
}

fn strings(value: &Value) -> BTreeSet<String> {
    value.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "None".to_owned(),
        other => other.to_string(),
    }
}

/// How many changed lines of a function are shown.
const SHOWN_LINES: usize = 20;

/// The lines removed (`-`) and added (`+`) from `old` to `new`, at most
/// [`SHOWN_LINES`] of them.
fn changed_lines(old: &str, new: &str) -> Vec<String> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut lines: Vec<String> = diff
        .iter_all_changes()
        .filter_map(|change| {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => return None,
            };
            Some(format!("{sign}{}", change.value().trim_end_matches('\n')))
        })
        .collect();
    if lines.len() > SHOWN_LINES {
        let more = lines.len() - SHOWN_LINES;
        lines.truncate(SHOWN_LINES);
        lines.push(format!("({more} more changed lines)"));
    }
    lines
}

/// Finds the signature of a task (by id) with a given hash, if there is one.
pub(crate) type SignatureLookup<'a> = dyn Fn(&str, &str) -> Option<Value> + 'a;

/// The differences between two signatures, indented by `depth`; a changed
/// dependency is followed into its own signatures when `lookup` finds
/// them.
pub(crate) fn explain(
    a: &Value,
    b: &Value,
    lookup: &SignatureLookup<'_>,
    depth: usize,
    lines: &mut Vec<String>,
) {
    let pad = "  ".repeat(depth);
    let mut say = |line: String| lines.push(format!("{pad}{line}"));
    if a["basehash"] != b["basehash"] {
        say(format!("basehash changed from {} to {}", text(&a["basehash"]), text(&b["basehash"])));
    }
    let (deps_a, deps_b) = (strings(&a["taskdeps"]), strings(&b["taskdeps"]));
    for added in deps_b.difference(&deps_a) {
        say(format!("Dependency on variable {added} was added"));
    }
    for removed in deps_a.difference(&deps_b) {
        say(format!("Dependency on variable {removed} was removed"));
    }
    let empty = serde_json::Map::new();
    let gendeps_a = a["gendeps"].as_object().unwrap_or(&empty);
    let gendeps_b = b["gendeps"].as_object().unwrap_or(&empty);
    for (name, list) in gendeps_a {
        if let Some(other) = gendeps_b.get(name).filter(|other| *other != list) {
            say(format!(
                "List of dependencies for variable {name} changed from '{:?}' to '{:?}'",
                strings(list),
                strings(other)
            ));
        }
    }
    let vals_a = a["varvals"].as_object().unwrap_or(&empty);
    let vals_b = b["varvals"].as_object().unwrap_or(&empty);
    for (name, value) in vals_a {
        if let Some(other) = vals_b.get(name).filter(|other| *other != value) {
            let (old, new) = (text(value), text(other));
            if old.contains('\n') || new.contains('\n') {
                // Functions, as BitBake's differ: the lines that changed.
                say(format!("Variable {name} value changed:"));
                for line in changed_lines(&old, &new) {
                    say(format!("    {line}"));
                }
            } else {
                say(format!("Variable {name} value changed from '{old}' to '{new}'"));
            }
        }
    }
    let checksums = |value: &Value| -> BTreeMap<String, String> {
        let pairs = value.as_array().into_iter().flatten().filter_map(|pair| {
            Some((pair.get(0)?.as_str()?.to_owned(), pair.get(1)?.as_str()?.to_owned()))
        });
        pairs.collect()
    };
    let (sums_a, sums_b) =
        (checksums(&a["file_checksum_values"]), checksums(&b["file_checksum_values"]));
    for (file, sum) in &sums_a {
        match sums_b.get(file) {
            Some(other) if other != sum => {
                say(format!("Checksum for file {file} changed from {sum} to {other}"))
            }
            Some(_) => {}
            None => say(format!("Dependency on checksum of file {file} was removed")),
        }
    }
    for file in sums_b.keys().filter(|file| !sums_a.contains_key(*file)) {
        say(format!("Dependency on checksum of file {file} was added"));
    }
    if a["taint"] != b["taint"] {
        say(format!(
            "Taint (by forced/invalidated task) changed from {} to {}",
            text(&a["taint"]),
            text(&b["taint"])
        ));
    }
    let (run_a, run_b) = (strings(&a["runtaskdeps"]), strings(&b["runtaskdeps"]));
    for added in run_b.difference(&run_a) {
        say(format!("Dependency on task {added} was added"));
    }
    for removed in run_a.difference(&run_b) {
        say(format!("Dependency on task {removed} was removed"));
    }
    let hashes_a = a["runtaskhashes"].as_object().unwrap_or(&empty);
    let hashes_b = b["runtaskhashes"].as_object().unwrap_or(&empty);
    let changed: BTreeMap<&String, (&Value, &Value)> = hashes_a
        .iter()
        .filter_map(|(dep, hash)| {
            hashes_b.get(dep).filter(|other| *other != hash).map(|other| (dep, (hash, other)))
        })
        .collect();
    for (dep, (old, new)) in changed {
        lines.push(format!(
            "{pad}Hash for task dependency {dep} changed from {} to {}",
            text(old),
            text(new)
        ));
        if let (Some(old_sig), Some(new_sig)) = (lookup(dep, &text(old)), lookup(dep, &text(new))) {
            explain(&old_sig, &new_sig, lookup, depth + 1, lines);
        }
    }
    if a["taskhash"] != b["taskhash"] && lines.is_empty() {
        lines.push(format!(
            "{pad}taskhash changed from {} to {}",
            text(&a["taskhash"]),
            text(&b["taskhash"])
        ));
    }
}

/// The signature file of the task `tid` with `hash`, searched for in the
/// directories of `files` (every recipe's stamps usually share one), and
/// its contents.
pub(crate) fn find_sigfile(files: &[PathBuf], tid: &str, hash: &str) -> Option<(PathBuf, Value)> {
    let task = tid.rsplit(':').next().unwrap_or_default();
    let suffix = format!(".{task}.sigdata.{hash}.json");
    for file in files {
        let dir = file.parent().unwrap_or(Path::new("."));
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        for entry in entries.flatten() {
            if !entry.file_name().to_string_lossy().ends_with(&suffix) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            let Ok(signature) = serde_json::from_str::<Value>(&text) else { continue };
            // Two tasks can share a hash; the file names its task.
            if signature["tid"].as_str() == Some(tid) {
                return Some((entry.path(), signature));
            }
        }
    }
    None
}
