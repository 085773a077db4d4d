//! What stands at a position in a buffer: the word under the cursor, the
//! directive its line is, and whether the cursor is inside a flag's
//! brackets.

use std::path::{Path, PathBuf};

use lsp_types::Position;
use rbake_queries::datastore::DataStore;
use rbake_queries::eval::{normalize, which};

use super::documents::LineMap;
use super::Failure;
use crate::workspace::Workspace;

/// A position in a text, checked against it.
#[derive(Debug)]
pub struct Cursor<'t> {
    pub line: &'t str,
    /// The byte offset of the cursor in `line`.
    pub column: usize,
}

impl<'t> Cursor<'t> {
    /// The cursor at `position`; an error if the text has no such place.
    pub fn at(text: &'t str, position: Position) -> Result<Cursor<'t>, Failure> {
        let lines = LineMap::new(text);
        let offset = lines.offset(text, position).map_err(Failure::out_of_range)?;
        let line_start = lines.offset(text, Position::new(position.line, 0)).unwrap_or(offset);
        let line = lines.line(text, position.line as usize).unwrap_or_default();
        Ok(Cursor { line, column: offset - line_start })
    }

    /// The name-like word under the cursor, with its byte range in the line.
    pub fn word(&self) -> Option<(usize, usize, &'t str)> {
        let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let start = self.prefix_start();
        let after = &self.line[self.column..];
        let end = self.column + after.find(|c: char| !is_name(c)).unwrap_or(after.len());
        (start < end).then(|| (start, end, &self.line[start..end]))
    }

    /// The start of the word that ends at the cursor (for completion).
    pub fn prefix(&self) -> &'t str {
        &self.line[self.prefix_start()..self.column]
    }

    /// Where the run of name characters that ends at the cursor starts
    /// (after the character before it, which may be several bytes long).
    fn prefix_start(&self) -> usize {
        let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let before = &self.line[..self.column];
        let other = before.char_indices().rev().find(|&(_, c)| !is_name(c));
        other.map_or(0, |(at, c)| at + c.len_utf8())
    }

    /// The line as a directive, if it is one.
    pub fn directive(&self) -> Option<Directive<'t>> {
        Directive::parse(self.line)
    }

    /// The variable whose flag the cursor is inside the brackets of, as in
    /// `do_install[de`.
    pub fn flag_owner(&self) -> Option<&'t str> {
        let before = &self.line[..self.column];
        let open = before.rfind('[')?;
        if before[open..].contains(']') || before[..open].contains(['=', '"']) {
            return None;
        }
        let name = before[..open].trim();
        let name = name.strip_prefix("export ").unwrap_or(name).trim();
        (!name.is_empty()).then_some(name.split(':').next().unwrap_or(name))
    }
}

/// The kinds of directive that name other files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectiveKind {
    Include,
    Require,
    Inherit,
}

/// A directive line: its kind and its arguments, unexpanded.
#[derive(Debug)]
pub struct Directive<'t> {
    pub kind: DirectiveKind,
    pub args: &'t str,
}

impl<'t> Directive<'t> {
    pub fn parse(line: &'t str) -> Option<Directive<'t>> {
        let trimmed = line.trim_start();
        let (keyword, args) = trimmed.split_once(char::is_whitespace)?;
        let kind = match keyword {
            "include" => DirectiveKind::Include,
            "require" => DirectiveKind::Require,
            "inherit" | "inherit_defer" => DirectiveKind::Inherit,
            _ => return None,
        };
        Some(Directive { kind, args: args.trim() })
    }
}

/// The file an `include` or `require` of `name` in `from` reads: looked
/// for beside `from`, then through BBPATH, as BitBake does.
pub fn resolve_include(
    workspace: &Workspace,
    datastore: &DataStore,
    from: &Path,
    name: &str,
) -> Option<PathBuf> {
    if Path::new(name).is_absolute() {
        let path = normalize(Path::new(name));
        return path.is_file().then_some(path);
    }
    let directory = from.parent().unwrap_or(Path::new("/")).to_string_lossy().into_owned();
    let bbpath = datastore.get_var("BBPATH", true).ok().flatten().unwrap_or_default();
    search(workspace, &format!("{directory}:{bbpath}"), name)
}

/// The first file named `name` in the colon-separated `search_path`.
fn search(workspace: &Workspace, search_path: &str, name: &str) -> Option<PathBuf> {
    let cwd = workspace.invocation.cwd(&workspace.db);
    let (found, _) = which(&workspace.db, cwd, search_path, name);
    found.map(|path| normalize(&path))
}

/// The class directories of a BBPATH entry, in the order classes are
/// looked for.
pub const CLASS_DIRECTORIES: [&str; 3] = ["classes-recipe", "classes", "classes-global"];

/// The class file `inherit NAME` reads: the one the parse inherited, else
/// the first `classes-recipe/`, `classes/` or `classes-global/` of BBPATH
/// that has it.
pub fn resolve_class(
    workspace: &Workspace,
    state: &rbake_queries::eval::ParseState,
    class: &str,
) -> Option<PathBuf> {
    let file_name =
        if class.ends_with(".bbclass") { class.to_owned() } else { format!("{class}.bbclass") };
    let mut inherited = state.inherited.iter().map(|path| normalize(path));
    if let Some(path) = inherited.find(|path| path.file_name().is_some_and(|n| *n == *file_name)) {
        return Some(path);
    }
    let bbpath = state.datastore.get_var("BBPATH", true).ok().flatten().unwrap_or_default();
    CLASS_DIRECTORIES
        .iter()
        .find_map(|directory| search(workspace, &bbpath, &format!("{directory}/{file_name}")))
}

/// Expands a directive's arguments in `datastore`, as the parse would (inline
/// Python is left as written).
pub fn expand_args(datastore: &DataStore, args: &str) -> String {
    datastore.expand(args, None).map(|expanded| expanded.value).unwrap_or_else(|_| args.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_after_characters_of_several_bytes() {
        let cursor = Cursor::at("}\u{e9}\u{e9}A_1", Position::new(0, 2)).unwrap();
        assert_eq!(cursor.word(), None);
        assert_eq!(cursor.prefix(), "");
        let cursor = Cursor::at("}\u{e9}\u{e9}A_1", Position::new(0, 4)).unwrap();
        assert_eq!(cursor.word(), Some((5, 8, "A_1")));
        assert_eq!(cursor.prefix(), "A");
    }
}
