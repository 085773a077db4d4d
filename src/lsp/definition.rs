//! Go to definition: the file an `include` or `require` reads, the class
//! an `inherit` names, or every statement that contributed to a variable.

use std::io;
use std::path::{Path, PathBuf};

use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, Position, Range};
use rbake_queries::eval::{normalize, ParseState};

use super::cursor::{expand_args, resolve_class, resolve_include, Cursor, DirectiveKind};
use super::documents::{path_to_uri, uri_to_path, LineMap};
use super::server::Server;
use super::Failure;
use crate::workspace::Workspace;

pub fn definition<W: io::Write>(
    server: &mut Server<W>,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, Failure> {
    let place = params.text_document_position_params;
    let Some(path) = uri_to_path(&place.text_document.uri) else { return Ok(None) };
    let text = server.text_of(&path)?;
    let cursor = Cursor::at(&text, place.position)?;
    let context = server.context(&path)?;
    let workspace = server.workspace()?;
    let Some(state) = &context.state else { return Ok(None) };
    let targets = match cursor.directive() {
        Some(directive) if directive.kind != DirectiveKind::Inherit => {
            let files = expand_args(&state.datastore, directive.args);
            let found = files
                .split_whitespace()
                .filter_map(|name| resolve_include(workspace, &state.datastore, &path, name));
            found.map(file_start).collect()
        }
        Some(_) => {
            let Some((_, _, class)) = cursor.word() else { return Ok(None) };
            resolve_class(workspace, state, class).map(file_start).into_iter().collect()
        }
        None => {
            let Some((_, _, name)) = cursor.word() else { return Ok(None) };
            variable_sites(server, workspace, state, name)
        }
    };
    let locations: Vec<Location> = targets
        .into_iter()
        .filter_map(|(file, range)| Some(Location::new(path_to_uri(&file)?, range)))
        .collect();
    Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
}

fn file_start(path: PathBuf) -> (PathBuf, Range) {
    (path, Range::default())
}

/// Every statement that changed `name`, in order, each as the range of
/// the name on the statement's first line (the whole line's start if the
/// name is not found there).
pub(super) fn variable_sites<W: io::Write>(
    server: &Server<W>,
    workspace: &Workspace,
    state: &ParseState,
    name: &str,
) -> Vec<(PathBuf, Range)> {
    let mut sites: Vec<(PathBuf, Range)> = Vec::new();
    for entry in state.datastore.history(name) {
        let file = normalize(Path::new(&*entry.file));
        let Some(line) = workspace.statement_first_line(&file, entry.statement) else { continue };
        let range = name_range(server, &file, line.saturating_sub(1), name);
        if !sites.iter().any(|site| site.0 == file && site.1 == range) {
            sites.push((file, range));
        }
    }
    sites
}

/// Where `name` stands on zero-based `line` of a file.
fn name_range<W: io::Write>(server: &Server<W>, file: &Path, line: u32, name: &str) -> Range {
    let start = Range::new(Position::new(line, 0), Position::new(line, 0));
    let Ok(text) = server.text_of(file) else { return start };
    let lines = LineMap::new(&text);
    let Some(line_text) = lines.line(&text, line as usize) else { return start };
    let Some(at) = find_name(line_text, name) else { return start };
    let column = |bytes: usize| line_text[..bytes].encode_utf16().count() as u32;
    Range::new(Position::new(line, column(at)), Position::new(line, column(at + name.len())))
}

/// The first place `name` stands as a whole word in `line`.
fn find_name(line: &str, name: &str) -> Option<usize> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    line.match_indices(name).map(|(at, _)| at).find(|&at| {
        let before = line[..at].chars().next_back();
        let after = line[at + name.len()..].chars().next();
        !before.is_some_and(is_name) && !after.is_some_and(is_name)
    })
}

#[cfg(test)]
mod tests {
    use super::find_name;

    #[test]
    fn names_are_found_as_whole_words() {
        assert_eq!(find_name("XS = \"${S}\"", "S"), Some(8));
        assert_eq!(find_name("S:append = \"x\"", "S"), Some(0));
        assert_eq!(find_name("PS = \"1\"", "S"), None);
    }
}
