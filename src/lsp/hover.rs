//! Hover on a variable: its final value in the file's context, its value
//! before expansion and every statement that contributed to it, in order,
//! with the operation, the flag and the file:line, as Markdown. A task's
//! hover adds its dependencies and whether it will run
//! ([`task_hover`](super::task_hover)).

use std::fmt::Write;
use std::io;
use std::path::Path;

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Range};
use rbake_queries::datastore::DataStore;
use rbake_queries::eval::normalize;
use rbake_queries::python::evaluator_for;

use super::context::Context;
use super::cursor::Cursor;
use super::documents::{path_to_uri, uri_to_path};
use super::server::Server;
use super::Failure;
use crate::workspace::Workspace;

/// How many contributions a hover lists (the latest ones).
const MAX_CONTRIBUTIONS: usize = 40;
/// How many characters of a value a hover shows.
const MAX_VALUE: usize = 4000;

pub fn hover<W: io::Write>(
    server: &mut Server<W>,
    params: HoverParams,
) -> Result<Option<Hover>, Failure> {
    let place = params.text_document_position_params;
    let Some(path) = uri_to_path(&place.text_document.uri) else { return Ok(None) };
    let text = server.text_of(&path)?;
    let cursor = Cursor::at(&text, place.position)?;
    let Some((start, end, name)) = cursor.word() else { return Ok(None) };
    let context = server.context(&path)?;
    let workspace = server.workspace()?;
    let Some(markdown) = describe(workspace, &context, name) else { return Ok(None) };
    let line = place.position.line;
    let range = Range::new(
        lsp_types::Position::new(line, utf16_len(&cursor.line[..start])),
        lsp_types::Position::new(line, utf16_len(&cursor.line[..end])),
    );
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(range),
    }))
}

fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}

/// The Markdown for variable `name` in `context`; `None` if the context
/// knows nothing of it.
fn describe(workspace: &Workspace, context: &Context, name: &str) -> Option<String> {
    let Some(state) = &context.state else {
        return Some(format!("**{name}**: {} does not parse, so it has no value", context.label()));
    };
    let datastore = &state.datastore;
    let mut python = evaluator_for(state);
    let history: Vec<_> = datastore.history(name).collect();
    let refs = datastore.get_var_with_refs(name, &mut *python);
    // A file no recipe reads still gets a hover, which says so.
    if history.is_empty() && refs.as_ref().is_ok_and(|refs| refs.raw.is_none()) && !context.unread {
        return None;
    }
    let mut out = format!("**{name}** in {}\n\n", context.label());
    match &refs {
        Ok(refs) => {
            match &refs.expanded {
                Some(expanded) => fenced(&mut out, &expanded.value),
                None => out.push_str("*not set*\n\n"),
            }
            if let Some(raw) = refs
                .raw
                .as_ref()
                .filter(|raw| Some(*raw) != refs.expanded.as_ref().map(|e| &e.value))
            {
                out.push_str("Before expansion:\n\n");
                fenced(&mut out, raw);
            }
            if !refs.removed.is_empty() {
                let removed: Vec<&str> = refs.removed.iter().map(String::as_str).collect();
                let _ = writeln!(out, "Removed by `:remove`: {}\n", code(&removed.join(" ")));
            }
        }
        Err(error) => {
            let _ = writeln!(out, "Cannot be expanded: {}\n", escape(&error.to_string()));
        }
    }
    if context.recipe.is_some() && state.tasks.iter().any(|task| task == name) {
        let pn = datastore.get_var_with("PN", true, &mut *python).ok().flatten();
        let pn = pn.unwrap_or_default();
        let topdir = datastore.get_var("TOPDIR", true).ok().flatten().unwrap_or_default();
        super::task_hover::describe_task(&mut out, state, &pn, name, Path::new(&topdir));
    }
    contributions(&mut out, workspace, datastore, name);
    Some(out)
}

/// The list of contributions, oldest first.
fn contributions(out: &mut String, workspace: &Workspace, datastore: &DataStore, name: &str) {
    let history: Vec<_> = datastore.history(name).collect();
    if history.is_empty() {
        return;
    }
    out.push_str("Contributions, in order:\n\n");
    let skipped = history.len().saturating_sub(MAX_CONTRIBUTIONS);
    if skipped > 0 {
        let _ = writeln!(out, "- ({skipped} earlier ones left out)");
    }
    for entry in &history[skipped..] {
        let flag = entry.flag.as_ref().map(|flag| format!("[{flag}]")).unwrap_or_default();
        let place = place_link(workspace, &entry.file, entry.statement);
        let _ = writeln!(out, "- `{}{flag}` at {place}: {}", entry.op, code(&entry.detail));
    }
}

/// `file:line` as a link to the line, for a statement of a file.
fn place_link(workspace: &Workspace, file: &str, statement: u32) -> String {
    let path = normalize(Path::new(file));
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let Some(line) = workspace.statement_line(&path, statement) else {
        return escape(&name);
    };
    match path_to_uri(&path) {
        Some(uri) => format!("[{}:{line}]({}#L{line})", escape(&name), uri.as_str()),
        None => format!("{}:{line}", escape(&name)),
    }
}

/// A value as a fenced block, its fence longer than any backtick run in it.
fn fenced(out: &mut String, value: &str) {
    let value = truncate(value);
    let fence = "`".repeat(longest_backtick_run(&value).max(2) + 1);
    let _ = writeln!(out, "{fence}text\n{value}\n{fence}\n");
}

/// A value as inline code, on one line.
fn code(value: &str) -> String {
    let value = truncate(value).replace(['\n', '\r'], " ");
    if value.is_empty() {
        return "`\"\"`".to_owned();
    }
    let fence = "`".repeat(longest_backtick_run(&value) + 1);
    if value.starts_with('`') || value.ends_with('`') {
        return format!("{fence} {value} {fence}");
    }
    format!("{fence}{value}{fence}")
}

fn truncate(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_owned(),
    }
}

fn longest_backtick_run(value: &str) -> usize {
    value.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Text with Markdown's special characters escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        if "\\`*[]<>".contains(character) {
            out.push('\\');
        }
        out.push(character);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_outgrow_backticks_in_the_value() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`b"), "`` `b ``");
        assert_eq!(code(""), "`\"\"`");
        let mut out = String::new();
        fenced(&mut out, "x```y");
        assert!(out.starts_with("````text\n"));
    }
}
