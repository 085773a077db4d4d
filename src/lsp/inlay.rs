//! Inlay hints: after each assignment, the value its variable (or flag)
//! ends with in the file's context, expanded, on one line and cut short.
//! The initialization option `rbake.inlayHints: false` turns them off.

use std::io;

use lsp_types::{InlayHint, InlayHintLabel, InlayHintParams, Position};
use rbake_queries::datastore::{DataStore, PythonEvaluator};
use rbake_queries::python::evaluator_for;
use rbake_syntax::ast::{Assignment, AstNode, Statement};
use rbake_syntax::FileKind;

use super::documents::{uri_to_path, LineMap};
use super::server::Server;
use super::Failure;

/// How many characters of a value a hint shows.
pub const MAX_HINT: usize = 60;

pub fn inlay_hints<W: io::Write>(
    server: &mut Server<W>,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>, Failure> {
    if !server.inlay_hints {
        return Ok(Some(Vec::new()));
    }
    let Some(path) = uri_to_path(&params.text_document.uri) else { return Ok(None) };
    let text = server.text_of(&path)?;
    let context = server.context(&path)?;
    let Some(state) = &context.state else { return Ok(Some(Vec::new())) };
    let lines = LineMap::new(&text);
    let parse = rbake_syntax::parse(&text, FileKind::from_path(&path));
    let mut python = evaluator_for(state);
    let mut hints = Vec::new();
    for statement in parse.tree().statements() {
        let Statement::Assignment(assignment) = statement else { continue };
        let end = trimmed_end(&text, assignment.syntax().text_range().end().into());
        let position = lines.position(&text, end);
        if position.line < params.range.start.line || position.line > params.range.end.line {
            continue;
        }
        let Some(value) = value_of(&state.datastore, &assignment, &mut *python) else { continue };
        hints.push(hint(position, &value));
    }
    Ok(Some(hints))
}

/// The expanded value the assignment's variable or flag ends with.
fn value_of(
    datastore: &DataStore,
    assignment: &Assignment,
    python: &mut dyn PythonEvaluator,
) -> Option<String> {
    let name = assignment.name()?.text();
    if name.contains("${") {
        return None;
    }
    let base = name.split(':').next().unwrap_or(&name);
    match assignment.flag().and_then(|flag| flag.name()) {
        Some(flag) => datastore.get_var_flag_with(base, &flag, true, python).ok().flatten(),
        None => datastore.get_var_with(base, true, python).ok().flatten(),
    }
}

/// The hint for a value: on one line (white space runs become one space)
/// and at most [`MAX_HINT`] characters.
fn hint(position: Position, value: &str) -> InlayHint {
    InlayHint {
        position,
        label: InlayHintLabel::String(format!("→ {}", one_line(value))),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub fn one_line(value: &str) -> String {
    let line = value.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(MAX_HINT) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

/// `end` moved back before the line break that ends a statement.
fn trimmed_end(text: &str, end: usize) -> usize {
    let end = end.min(text.len());
    text[..end].trim_end_matches(['\r', '\n']).len()
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_values_are_cut_on_one_line() {
        assert_eq!(super::one_line(" a \n  b "), "a b");
        let long = "x".repeat(70);
        assert_eq!(super::one_line(&long), format!("{}…", "x".repeat(60)));
    }
}
