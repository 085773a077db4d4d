//! Document symbols: the variables a file assigns, its functions (shell,
//! Python and `def`) and the tasks it adds, from the buffer's own parse.

use std::io;

use lsp_types::{DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Range, SymbolKind};
use rbake_syntax::ast::Statement;
use rbake_syntax::{FileKind, TextRange};

use super::documents::{uri_to_path, LineMap};
use super::server::Server;
use super::Failure;

/// How many characters of a value a symbol's detail shows.
const MAX_DETAIL: usize = 60;

pub fn document_symbols<W: io::Write>(
    server: &mut Server<W>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>, Failure> {
    let Some(path) = uri_to_path(&params.text_document.uri) else { return Ok(None) };
    let text = server.text_of(&path)?;
    let lines = LineMap::new(&text);
    let parse = rbake_syntax::parse(&text, FileKind::from_path(&path));
    let symbols = parse
        .tree()
        .statements()
        .flat_map(|statement| symbols_of(&statement))
        .map(|(name, detail, kind, range, selection)| {
            let range = to_range(&lines, &text, range);
            symbol(name, detail, kind, range, to_range(&lines, &text, selection))
        })
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}

/// A symbol before its ranges become positions: name, detail, kind, the
/// statement's range and the name's.
type RawSymbol = (String, Option<String>, SymbolKind, TextRange, TextRange);

fn symbols_of(statement: &Statement) -> Vec<RawSymbol> {
    let whole = statement.syntax().text_range();
    match statement {
        Statement::Assignment(assignment) => {
            let Some(name) = assignment.name() else { return Vec::new() };
            let flag = assignment.flag().and_then(|flag| flag.name());
            let label = match flag {
                Some(flag) => format!("{}[{flag}]", name.text()),
                None => name.text(),
            };
            let detail = assignment.value().map(|value| short(&value.text()));
            let selection = rbake_syntax::ast::AstNode::syntax(&name).text_range();
            vec![(label, detail, SymbolKind::VARIABLE, whole, selection)]
        }
        Statement::Function(function) => {
            let (label, selection) = match function.name() {
                Some(name) => (name.text(), rbake_syntax::ast::AstNode::syntax(&name).text_range()),
                None => ("(anonymous)".to_owned(), whole),
            };
            let detail = if function.is_python() { "python function" } else { "shell function" };
            vec![(label, Some(detail.to_owned()), SymbolKind::FUNCTION, whole, selection)]
        }
        Statement::PythonDef(def) => {
            let Some(name) = def.name() else { return Vec::new() };
            vec![(name, Some("def".to_owned()), SymbolKind::FUNCTION, whole, whole)]
        }
        Statement::AddTask(task) => task
            .tasks()
            .unwrap_or_default()
            .split_whitespace()
            .map(|name| (name.to_owned(), Some("task".to_owned()), SymbolKind::EVENT, whole, whole))
            .collect(),
        _ => Vec::new(),
    }
}

fn to_range(lines: &LineMap, text: &str, range: TextRange) -> Range {
    let end: usize = range.end().into();
    let trimmed = text[..end.min(text.len())].trim_end_matches(['\r', '\n']).len();
    lines.range(text, range.start().into(), trimmed.max(range.start().into()))
}

#[allow(deprecated)] // `deprecated` is a field every literal must name.
fn symbol(
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Range,
    selection_range: Range,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: None,
    }
}

fn short(value: &str) -> String {
    match value.char_indices().nth(MAX_DETAIL) {
        Some((at, _)) => format!("\"{}…\"", &value[..at]),
        None => format!("\"{value}\""),
    }
}
