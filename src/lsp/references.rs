//! Find references: for a variable, every statement of the context that
//! set it (as go to definition lists them) and every `${NAME}` in the open
//! files and the files the context read; for a task, also the `addtask`
//! and `deltask` lines and the dependency flags (`[depends]`, `[deptask]`
//! and the like) that name it. Mentions are found in each file's syntax
//! tree, so text in comments or other words does not count.

use std::io;
use std::path::{Path, PathBuf};

use lsp_types::{Location, Range, ReferenceParams};
use rbake_queries::eval::normalize;
use rbake_syntax::ast::{AstNode, VarRef};
use rbake_syntax::{FileKind, SyntaxKind, SyntaxNode, TextSize};

use super::context::Context;
use super::cursor::Cursor;
use super::definition::variable_sites;
use super::documents::{path_to_uri, uri_to_path, LineMap};
use super::server::Server;
use super::Failure;

/// The flags whose values name tasks (`recipe:do_task` or `do_task`).
const TASK_FLAGS: &[&str] =
    &["depends", "rdepends", "mcdepends", "deptask", "rdeptask", "recrdeptask", "recideptask"];

pub fn references<W: io::Write>(
    server: &mut Server<W>,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>, Failure> {
    let place = params.text_document_position;
    let Some(path) = uri_to_path(&place.text_document.uri) else { return Ok(None) };
    let text = server.text_of(&path)?;
    let lines = LineMap::new(&text);
    let offset = lines.offset(&text, place.position).map_err(Failure::out_of_range)?;
    let Some(symbol) = symbol_at(&path, &text, offset, place.position)? else { return Ok(None) };
    let context = server.context(&path)?;
    let mut found: Vec<(PathBuf, Range)> = Vec::new();
    if params.context.include_declaration {
        if let Some(state) = &context.state {
            found.extend(variable_sites(server, server.workspace()?, state, symbol.name()));
        }
    }
    for file in files_to_search(server, &context, &path) {
        let Ok(text) = server.text_of(&file) else { continue };
        found
            .extend(mentions(&file, &text, &symbol).into_iter().map(|range| (file.clone(), range)));
    }
    found.sort_by(|a, b| {
        let key = |(file, range): &(PathBuf, Range)| {
            (file.clone(), range.start.line, range.start.character)
        };
        key(a).cmp(&key(b))
    });
    found.dedup();
    // A statement whose line does not spell the name (`addtask install`)
    // has the line's start; a mention found on that line replaces it.
    let spelled: Vec<(PathBuf, u32)> = found
        .iter()
        .filter(|(_, range)| range.start != range.end)
        .map(|(file, range)| (file.clone(), range.start.line))
        .collect();
    found.retain(|(file, range)| {
        range.start != range.end || !spelled.contains(&(file.clone(), range.start.line))
    });
    let locations = found
        .into_iter()
        .filter_map(|(file, range)| Some(Location::new(path_to_uri(&file)?, range)))
        .collect();
    Ok(Some(locations))
}

/// What the cursor names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Symbol {
    Variable(String),
    /// A task, with its `do_` prefix.
    Task(String),
}

impl Symbol {
    fn name(&self) -> &str {
        match self {
            Symbol::Variable(name) | Symbol::Task(name) => name,
        }
    }
}

/// The variable or task at byte `offset` of `text`: the name inside a
/// `${...}`, a statement's variable (its overrides and flag belong to
/// it), a task of an `addtask` or a dependency flag, else the word there.
fn symbol_at(
    path: &Path,
    text: &str,
    offset: usize,
    position: lsp_types::Position,
) -> Result<Option<Symbol>, Failure> {
    let parse = rbake_syntax::parse(text, FileKind::from_path(path));
    let root = parse.syntax_node();
    let token = root.token_at_offset(TextSize::from(offset as u32)).find(|token| {
        matches!(token.kind(), SyntaxKind::IDENT | SyntaxKind::WORD | SyntaxKind::TEXT)
    });
    if let Some(token) = &token {
        let parent = token.parent();
        let ancestors = || parent.iter().flat_map(SyntaxNode::ancestors);
        if let Some(reference) = ancestors().find_map(VarRef::cast) {
            return Ok(reference.name().map(|name| variable_or_task(&name)));
        }
        if let Some(name) = ancestors().find(|node| node.kind() == SyntaxKind::VAR_NAME) {
            let base = name.children_with_tokens().find_map(|element| {
                element.into_token().filter(|token| token.kind() == SyntaxKind::IDENT)
            });
            return Ok(base.map(|base| variable_or_task(base.text())));
        }
        if ancestors().any(|node| matches!(node.kind(), SyntaxKind::ADDTASK | SyntaxKind::DELTASK))
            && token.kind() == SyntaxKind::WORD
        {
            return Ok(Some(Symbol::Task(task_name(token.text()))));
        }
    }
    let cursor = Cursor::at(text, position)?;
    let Some((_, _, word)) = cursor.word() else { return Ok(None) };
    Ok(Some(variable_or_task(word)))
}

fn variable_or_task(name: &str) -> Symbol {
    if name.starts_with("do_") {
        Symbol::Task(name.to_owned())
    } else {
        Symbol::Variable(name.to_owned())
    }
}

/// A task name as BitBake keys it: with `do_` in front.
fn task_name(word: &str) -> String {
    if word.starts_with("do_") {
        word.to_owned()
    } else {
        format!("do_{word}")
    }
}

/// The open files and the files the context read (its recipe, appends,
/// includes, classes and configuration), each once.
fn files_to_search<W: io::Write>(
    server: &Server<W>,
    context: &Context,
    path: &Path,
) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = vec![path.to_path_buf()];
    files.extend(server.documents.paths());
    files.extend(context.recipe.iter().cloned());
    if let Some(state) = &context.state {
        let read = state.depends.iter().chain(state.inherited.iter());
        files.extend(read.map(|file| normalize(file)));
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(file.clone()));
    files.retain(|file| server.documents.get(file).is_some() || file.is_file());
    files
}

/// The ranges in `text` (the file at `path`) that mention `symbol`.
pub fn mentions(path: &Path, text: &str, symbol: &Symbol) -> Vec<Range> {
    if !text.contains(symbol.name()) && !matches!(symbol, Symbol::Task(_)) {
        return Vec::new();
    }
    let parse = rbake_syntax::parse(text, FileKind::from_path(path));
    let lines = LineMap::new(text);
    let mut out = Vec::new();
    let range = |start: usize, end: usize| lines.range(text, start, end);
    for node in parse.syntax_node().descendants() {
        match node.kind() {
            SyntaxKind::VAR_REF => {
                let name_token = node.children_with_tokens().find_map(|element| {
                    element.into_token().filter(|token| token.kind() == SyntaxKind::IDENT)
                });
                let Some(reference) = VarRef::cast(node.clone()) else { continue };
                if reference.name().as_deref() != Some(symbol.name()) {
                    continue;
                }
                // The name itself when it is one token, else the whole `${...}`.
                let span = match name_token {
                    Some(token) if token.text() == symbol.name() => token.text_range(),
                    _ => node.text_range(),
                };
                out.push(range(span.start().into(), span.end().into()));
            }
            SyntaxKind::ADDTASK | SyntaxKind::DELTASK => {
                let Symbol::Task(task) = symbol else { continue };
                for token in node.descendants_with_tokens().filter_map(|e| e.into_token()) {
                    if token.kind() == SyntaxKind::WORD && task_name(token.text()) == *task {
                        let span = token.text_range();
                        out.push(range(span.start().into(), span.end().into()));
                    }
                }
            }
            SyntaxKind::ASSIGNMENT => {
                let Symbol::Task(task) = symbol else { continue };
                if !is_task_flag(&node) {
                    continue;
                }
                let Some(value) = node.children().find(|child| child.kind() == SyntaxKind::VALUE)
                else {
                    continue;
                };
                for token in value.children_with_tokens().filter_map(|e| e.into_token()) {
                    if token.kind() != SyntaxKind::TEXT {
                        continue;
                    }
                    let start: usize = token.text_range().start().into();
                    for at in whole_words(token.text(), task) {
                        out.push(range(start + at, start + at + task.len()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether an assignment sets one of [`TASK_FLAGS`].
fn is_task_flag(assignment: &SyntaxNode) -> bool {
    let Some(flag) = assignment.children().find(|child| child.kind() == SyntaxKind::FLAG) else {
        return false;
    };
    flag.children_with_tokens()
        .filter_map(|element| element.into_token())
        .any(|token| token.kind() == SyntaxKind::IDENT && TASK_FLAGS.contains(&token.text()))
}

/// Where `word` stands in `text` with no name character on either side.
fn whole_words(text: &str, word: &str) -> Vec<usize> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    text.match_indices(word)
        .map(|(at, _)| at)
        .filter(|&at| {
            let before = text[..at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            !before.is_some_and(is_name) && !after.is_some_and(is_name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_are_found_in_addtask_lines_and_dependency_flags() {
        let text = "addtask compile after do_configure\n\
                    do_x[depends] += \"a:do_configure b:do_configure_ptest\"\n\
                    X = \"do_configure\"\n";
        let found = mentions(Path::new("/a.bb"), text, &Symbol::Task("do_configure".to_owned()));
        let at = |line, start, end| {
            Range::new(lsp_types::Position::new(line, start), lsp_types::Position::new(line, end))
        };
        assert_eq!(found, [at(0, 22, 34), at(1, 20, 32)]);
        let found = mentions(Path::new("/a.bb"), text, &Symbol::Task("do_compile".to_owned()));
        assert_eq!(found, [at(0, 8, 15)]);
    }
}
