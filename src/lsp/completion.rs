//! Completion: class names after `inherit`, flag names inside `NAME[...]`,
//! task names after `addtask` and `deltask`, operations and overrides
//! after `NAME:`, and otherwise the variables the file's context knows,
//! each with its current value as detail.

use std::collections::BTreeSet;
use std::io;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse,
};
use rbake_queries::datastore::DataStore;

use super::cursor::{Cursor, DirectiveKind, CLASS_DIRECTORIES};
use super::documents::uri_to_path;
use super::server::Server;
use super::Failure;

/// How many variables one answer lists; more make the list incomplete, so
/// the client asks again as the prefix grows.
const MAX_ITEMS: usize = 300;
/// How many characters of a value the detail shows.
const MAX_DETAIL: usize = 120;

/// The flags BitBake and OpenEmbedded give meaning to.
const KNOWN_FLAGS: &[&str] = &[
    "cleandirs",
    "depends",
    "deptask",
    "dirs",
    "doc",
    "export",
    "fakeroot",
    "file-checksums",
    "func",
    "lockfiles",
    "mcdepends",
    "network",
    "noexec",
    "nostamp",
    "number_threads",
    "postfuncs",
    "prefuncs",
    "python",
    "rdepends",
    "rdeptask",
    "recideptask",
    "recrdeptask",
    "sstate-inputdirs",
    "sstate-outputdirs",
    "stamp-extra-info",
    "umask",
    "unexport",
    "vardeps",
    "vardepsexclude",
    "vardepvalue",
    "vardepvalueexclude",
];

pub fn completion<W: io::Write>(
    server: &mut Server<W>,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>, Failure> {
    let place = params.text_document_position;
    let Some(path) = uri_to_path(&place.text_document.uri) else { return Ok(None) };
    let text = server.text_of(&path)?;
    let cursor = Cursor::at(&text, place.position)?;
    let context = server.context(&path)?;
    let Some(state) = &context.state else { return Ok(None) };
    let datastore = &state.datastore;
    if cursor.directive().is_some_and(|directive| directive.kind == DirectiveKind::Inherit) {
        return Ok(Some(CompletionResponse::Array(classes(datastore))));
    }
    if let Some(owner) = cursor.flag_owner() {
        return Ok(Some(CompletionResponse::Array(flags(datastore, owner))));
    }
    let before = &cursor.line[..cursor.column - cursor.prefix().len()];
    let trimmed = before.trim_start();
    if trimmed.starts_with("addtask ") || trimmed.starts_with("deltask ") {
        return Ok(Some(CompletionResponse::Array(tasks(state))));
    }
    // After `NAME:` at the start of a line: an override or an operation.
    let name_so_far = !trimmed.is_empty() && !trimmed.contains([' ', '\t', '=', '"', '\'']);
    if before.ends_with(':') && name_so_far {
        return Ok(Some(CompletionResponse::Array(overrides(datastore))));
    }
    Ok(Some(CompletionResponse::List(variables(datastore, cursor.prefix()))))
}

/// The recipe's tasks, in the order they were added.
fn tasks(state: &rbake_queries::eval::ParseState) -> Vec<CompletionItem> {
    let item = |task: &String| CompletionItem {
        label: task.clone(),
        kind: Some(CompletionItemKind::EVENT),
        detail: Some("task".to_owned()),
        ..CompletionItem::default()
    };
    state.tasks.iter().map(item).collect()
}

/// The operations spelt like overrides, then the overrides that apply.
fn overrides(datastore: &DataStore) -> Vec<CompletionItem> {
    let operations = ["append", "prepend", "remove"].map(|name| (name.to_owned(), "operation"));
    let active = datastore.overrides().map(|list| list.as_slice().to_vec()).unwrap_or_default();
    let active = active.into_iter().map(|name| (name, "override, applies here"));
    let mut seen = BTreeSet::new();
    operations
        .into_iter()
        .chain(active)
        .filter(|(name, _)| !name.is_empty() && seen.insert(name.clone()))
        .map(|(label, detail)| CompletionItem {
            label,
            kind: Some(CompletionItemKind::ENUM_MEMBER),
            detail: Some(detail.to_owned()),
            ..CompletionItem::default()
        })
        .collect()
}

/// Every `.bbclass` in the class directories of BBPATH, by name.
fn classes(datastore: &DataStore) -> Vec<CompletionItem> {
    let bbpath = datastore.get_var("BBPATH", true).ok().flatten().unwrap_or_default();
    let mut names = BTreeSet::new();
    for entry in bbpath.split(':').filter(|entry| !entry.is_empty()) {
        for directory in CLASS_DIRECTORIES {
            let Ok(listing) = std::fs::read_dir(std::path::Path::new(entry).join(directory)) else {
                continue;
            };
            for file in listing.flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                if let Some(class) = name.strip_suffix(".bbclass") {
                    names.insert((class.to_owned(), directory));
                }
            }
        }
    }
    names
        .into_iter()
        .map(|(name, directory)| CompletionItem {
            label: name,
            kind: Some(CompletionItemKind::MODULE),
            detail: Some(format!("class, in {directory}/")),
            ..CompletionItem::default()
        })
        .collect()
}

/// The flags `owner` has, then the flags with a meaning.
fn flags(datastore: &DataStore, owner: &str) -> Vec<CompletionItem> {
    let own = datastore.get_var_flags_ordered(owner, false);
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for (flag, value) in own {
        if seen.insert(flag.clone()) {
            items.push(flag_item(flag, Some(one_line(&value))));
        }
    }
    for flag in KNOWN_FLAGS.iter().filter(|flag| !seen.contains(**flag)) {
        items.push(flag_item((*flag).to_owned(), None));
    }
    items
}

fn flag_item(label: String, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label,
        kind: Some(CompletionItemKind::PROPERTY),
        detail,
        ..CompletionItem::default()
    }
}

/// The variables whose name starts with `prefix` (ignoring case).
fn variables(datastore: &DataStore, prefix: &str) -> CompletionList {
    let names = datastore.keys().unwrap_or_else(|_| datastore.history_names());
    let prefix = prefix.to_ascii_lowercase();
    let matching = names
        .into_iter()
        .filter(|name| !name.starts_with("__") && name.to_ascii_lowercase().starts_with(&prefix));
    let mut items = Vec::new();
    let mut complete = true;
    for name in matching {
        if items.len() == MAX_ITEMS {
            complete = false;
            break;
        }
        items.push(variable_item(datastore, name));
    }
    CompletionList { is_incomplete: !complete, items }
}

fn variable_item(datastore: &DataStore, name: String) -> CompletionItem {
    let is_function = datastore.get_var_flag(&name, "func", false).ok().flatten().is_some();
    let (kind, detail) = if is_function {
        (CompletionItemKind::FUNCTION, Some("function".to_owned()))
    } else {
        let value = datastore.get_var(&name, true).ok().flatten();
        (CompletionItemKind::VARIABLE, value.map(|value| one_line(&value)))
    };
    CompletionItem { kind: Some(kind), detail, label: name, ..CompletionItem::default() }
}

/// A value on one line, cut to [`MAX_DETAIL`] characters.
fn one_line(value: &str) -> String {
    let line = value.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(MAX_DETAIL) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}
