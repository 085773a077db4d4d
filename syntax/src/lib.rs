//! Lossless syntax trees for BitBake metadata.
//!
//! [`parse`] turns the text of a `.conf`, `.bb`, `.bbappend`, `.bbclass` or
//! `.inc` file into a rowan tree whose text is the input, byte for byte, and
//! a list of diagnostics. Parsing never fails and never panics: a line that
//! is no statement becomes an `ERROR` node and the next line is parsed anew.
//!
//! The crate knows BitBake's grammar and nothing of its semantics: it does
//! not expand, evaluate or resolve anything. [`ast`] offers typed views, and
//! their accessors return `Option` because any tree may be incomplete.

pub mod ast;
mod event;
mod grammar;
mod lexer;
mod line_index;
mod lines;
mod parser;
pub mod shell;
mod syntax_kind;
mod tree_sink;

use std::fmt;
use std::path::Path;

pub use line_index::{LineCol, LineIndex};
pub use rowan::{GreenNode, TextRange, TextSize};
pub use syntax_kind::{BitBakeLanguage, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};

/// Which of BitBake's two readers a file goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A `.conf` file: assignments and directives, no functions.
    Conf,
    /// A recipe, append, class or include: the full language.
    Recipe,
}

impl FileKind {
    /// The reader BitBake would use for `path`: `.conf` files are
    /// configuration, everything else is read as a recipe.
    pub fn from_path(path: &Path) -> FileKind {
        match path.extension().and_then(|ext| ext.to_str()) {
            Some("conf") => FileKind::Conf,
            _ => FileKind::Recipe,
        }
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// BitBake warns but goes on.
    Warning,
    /// BitBake refuses the file.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found while parsing, with the range it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
    pub severity: Severity,
}

/// The result of parsing: a green tree and its diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parse {
    green: GreenNode,
    errors: Vec<SyntaxError>,
}

impl Parse {
    /// The root of the tree.
    pub fn syntax_node(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    /// The typed root of the tree.
    pub fn tree(&self) -> ast::SourceFile {
        ast::SourceFile { syntax: self.syntax_node() }
    }

    /// The green tree, to share or to cache.
    pub fn green(&self) -> &GreenNode {
        &self.green
    }

    /// Diagnostics, in the order of the input.
    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.errors.iter().any(|error| error.severity == Severity::Error)
    }

    /// The tree as indented text, one element a line, for tests and
    /// `rbake syntax`.
    pub fn debug_tree(&self) -> String {
        let mut out = String::new();
        write_tree(&self.syntax_node(), 0, &mut out);
        out
    }
}

fn write_tree(node: &SyntaxNode, depth: usize, out: &mut String) {
    use std::fmt::Write;
    let _ = writeln!(
        out,
        "{:indent$}{:?}@{:?}",
        "",
        node.kind(),
        node.text_range(),
        indent = depth * 2
    );
    for child in node.children_with_tokens() {
        match child {
            rowan::NodeOrToken::Node(child) => write_tree(&child, depth + 1, out),
            rowan::NodeOrToken::Token(token) => {
                let _ = writeln!(
                    out,
                    "{:indent$}{:?}@{:?} {:?}",
                    "",
                    token.kind(),
                    token.text_range(),
                    token.text(),
                    indent = (depth + 1) * 2
                );
            }
        }
    }
}

/// Parses `text` as a file of the given kind.
pub fn parse(text: &str, kind: FileKind) -> Parse {
    let (green, errors) = parser::Parser::new(text, kind).parse();
    Parse { green, errors }
}

/// Parses raw bytes. Invalid UTF-8 gets one diagnostic at the first bad
/// byte, and the lossily decoded text is parsed; the decoded text is
/// returned with the parse, since the tree is over it.
pub fn parse_bytes(bytes: &[u8], kind: FileKind) -> (String, Parse) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), parse(text, kind)),
        Err(utf8_error) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut parse = parse(&text, kind);
            // The prefix before the bad byte decodes unchanged, so its offset
            // is the same in the decoded text.
            let at = TextSize::try_from(utf8_error.valid_up_to()).unwrap_or_default();
            parse.errors.push(SyntaxError {
                // The bad bytes decode to U+FFFD, three bytes long.
                range: TextRange::at(at, TextSize::of('\u{fffd}')),
                message: "the file is not valid UTF-8; BitBake cannot read it".into(),
                severity: Severity::Error,
            });
            parse.errors.sort_by_key(|error| error.range.start());
            (text, parse)
        }
    }
}
