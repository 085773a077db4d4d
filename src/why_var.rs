//! `rbake why --var VAR [-r RECIPE]`: how a variable got its final value:
//! every statement that contributed, in order, with its operation and its
//! file:line; the `:remove` items that removed something; and the tree of
//! the variables its value refers to, each with its own value and the
//! place that last set it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use rbake_queries::datastore::{DataStore, PythonEvaluator};
use rbake_queries::python::evaluator_for;
use serde_json::{json, Map, Value};

use crate::getvar_cmd::selected_state;
use crate::outln;
use crate::output::Output;
use crate::workspace::{Failed, Workspace};

/// How deep the tree of references goes.
const DEPTH: usize = 3;

pub fn run(
    workspace: &Workspace,
    recipe: Option<&str>,
    name: &str,
    json_out: bool,
) -> Result<ExitCode, Failed> {
    let state = selected_state(workspace, recipe)?;
    let datastore = &state.datastore;
    let mut python = evaluator_for(state);
    let document = describe(workspace, datastore, &mut *python, name, DEPTH, &mut BTreeSet::new());
    let mut out = Output::new();
    if json_out {
        outln!(out, "{}", serde_json::to_string_pretty(&document).unwrap_or_default());
        return Ok(ExitCode::SUCCESS);
    }
    match document["value"].as_str() {
        Some(value) => outln!(out, "{name} = \"{value}\""),
        None => outln!(out, "{name} is not set"),
    }
    if let Some(raw) = document["raw"].as_str() {
        outln!(out, "  before expansion: \"{raw}\"");
    }
    outln!(out, "  contributions, in order:");
    for entry in document["contributions"].as_array().into_iter().flatten() {
        let flag = entry["flag"].as_str().map(|flag| format!("[{flag}]")).unwrap_or_default();
        outln!(
            out,
            "    {}{flag} at {}: \"{}\"",
            entry["op"].as_str().unwrap_or_default(),
            entry["place"].as_str().unwrap_or_default(),
            entry["detail"].as_str().unwrap_or_default()
        );
    }
    let removed: Vec<&str> =
        document["removed"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    if !removed.is_empty() {
        outln!(out, "  removed by :remove: {}", removed.join(" "));
    }
    if document["references"].as_object().is_some_and(|refs| !refs.is_empty()) {
        outln!(out, "  refers to:");
        print_references(&mut out, &document["references"], 2);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_references(out: &mut Output, references: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    for (name, reference) in references.as_object().into_iter().flatten() {
        let value = match reference["value"].as_str() {
            Some(value) => format!("\"{value}\""),
            None => "(not set)".to_owned(),
        };
        let place = reference["last_set"]
            .as_str()
            .map(|place| format!(", set at {place}"))
            .unwrap_or_default();
        outln!(out, "{pad}${{{name}}} = {value}{place}");
        print_references(out, &reference["references"], depth + 1);
    }
}

/// The variable as a JSON document: value, raw value, contributions,
/// removed items and (to `depth` levels) its references.
fn describe(
    workspace: &Workspace,
    datastore: &DataStore,
    python: &mut dyn PythonEvaluator,
    name: &str,
    depth: usize,
    seen: &mut BTreeSet<String>,
) -> Value {
    seen.insert(name.to_owned());
    let with_refs = datastore.get_var_with_refs(name, python).ok();
    let expanded = with_refs.as_ref().and_then(|refs| refs.expanded.clone());
    let contributions: Vec<Value> = datastore
        .history(name)
        .map(|entry| {
            json!({
                "op": entry.op.as_ref(),
                "flag": entry.flag.as_deref(),
                "place": place(workspace, &entry.file, entry.statement),
                "detail": entry.detail.as_ref(),
            })
        })
        .collect();
    let last_set = datastore
        .history(name)
        .filter(|entry| entry.flag.is_none())
        .last()
        .map(|entry| place(workspace, &entry.file, entry.statement));
    let mut references = Map::new();
    if depth > 0 {
        for reference in expanded.iter().flat_map(|expanded| expanded.references.iter()) {
            if seen.contains(reference) {
                continue;
            }
            let inner = describe(workspace, datastore, python, reference, depth - 1, seen);
            references.insert(reference.clone(), inner);
        }
    }
    json!({
        "variable": name,
        "value": expanded.as_ref().map(|expanded| expanded.value.clone()),
        "raw": with_refs.as_ref().and_then(|refs| refs.raw.clone()),
        "contributions": contributions,
        "removed": with_refs.map(|refs| refs.removed.into_iter().collect::<Vec<_>>()).unwrap_or_default(),
        "last_set": last_set,
        "references": references,
    })
}

fn place(workspace: &Workspace, file: &str, statement: u32) -> String {
    match workspace.statement_line(Path::new(file), statement) {
        Some(line) => format!("{file}:{line}"),
        None => file.to_owned(),
    }
}
