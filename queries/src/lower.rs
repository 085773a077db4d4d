//! Lowering: a file's syntax tree becomes a list of statements the datastore
//! evaluates, with positions kept apart.
//!
//! Statements hold no positions, so an edit that only moves lines (a new
//! comment above, say) leaves them equal and salsa stops the change there.
//! Positions live in a parallel list that only position-holding queries
//! (provenance, function `filename`/`lineno` flags) read.

use std::sync::Arc;

use rbake_syntax::ast::{AssignOp, DirectiveKind, Statement};
use rbake_syntax::{LineIndex, Parse, TextSize};

use crate::{parse_file, parsed_text, SourceFile};

/// How an included file is found and what a missing one means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IncludeKind {
    /// `include`: a missing file is skipped.
    Include,
    /// `require`: a missing file is an error.
    Require,
    /// `include_all`: the file is included from every BBPATH entry.
    IncludeAll,
}

/// One statement, as written and unexpanded, without its position.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Stmt {
    Assign {
        name: String,
        flag: Option<String>,
        op: AssignOp,
        value: String,
        exported: bool,
    },
    Export {
        name: String,
    },
    Unset {
        name: String,
        flag: Option<String>,
    },
    Include {
        files: String,
        kind: IncludeKind,
    },
    Inherit {
        classes: String,
        deferred: bool,
    },
    AddTask {
        tasks: String,
        after: String,
        before: String,
    },
    DelTask {
        tasks: String,
    },
    AddHandler {
        handlers: String,
    },
    ExportFunctions {
        functions: String,
    },
    AddPylib {
        dir: String,
        namespace: String,
    },
    AddFragments {
        path: String,
        variables: [String; 3],
    },
    /// A `{ ... }` function; `name` is `None` for an anonymous one. The body
    /// is its lines joined by line breaks, as BitBake stores it.
    Function {
        name: Option<String>,
        body: String,
        python: bool,
        fakeroot: bool,
    },
    /// A top-level Python `def`, header included.
    PythonDef {
        name: String,
        code: String,
    },
}

/// Where a statement stands: its first and last lines, one-based. BitBake
/// reports the last line of a statement continued over several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StmtPosition {
    pub first_line: u32,
    pub last_line: u32,
}

/// The statements of a file, in order.
#[salsa::tracked(returns(ref))]
pub fn file_statements(db: &dyn salsa::Database, file: SourceFile) -> Arc<[Stmt]> {
    lower(parse_file(db, file)).map(|(stmt, _)| stmt).collect()
}

/// The positions of the statements of a file, parallel to
/// [`file_statements`].
#[salsa::tracked(returns(ref))]
pub fn file_statement_positions(db: &dyn salsa::Database, file: SourceFile) -> Arc<[StmtPosition]> {
    let parse = parse_file(db, file);
    let text = parsed_text(db, file);
    let index = LineIndex::new(text);
    let line_of = |offset: TextSize| index.line_col(text, offset).line + 1;
    lower(parse)
        .map(|(_, range)| {
            // The range ends after the last token, so step back one byte to
            // stay on the statement's last line.
            let last = range.end().checked_sub(TextSize::new(1)).unwrap_or(range.start());
            StmtPosition {
                first_line: line_of(range.start()),
                last_line: line_of(last.max(range.start())),
            }
        })
        .collect()
}

/// The first syntax error of a file, where it is and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SyntaxProblem {
    /// One-based.
    pub line: u32,
    /// One-based, in characters.
    pub column: u32,
    pub message: String,
}

/// The first syntax error of a file, if it has one. A firewall: it is
/// `None` for every clean file, so edits to clean files stop here.
#[salsa::tracked(returns(ref))]
pub fn first_syntax_error(db: &dyn salsa::Database, file: SourceFile) -> Option<SyntaxProblem> {
    let parse = parse_file(db, file);
    let error =
        parse.errors().iter().find(|error| error.severity == rbake_syntax::Severity::Error)?;
    let text = parsed_text(db, file);
    let at = LineIndex::new(text).line_col(text, error.range.start());
    Some(SyntaxProblem { line: at.line + 1, column: at.col + 1, message: error.message.clone() })
}

fn lower(parse: &Parse) -> impl Iterator<Item = (Stmt, rbake_syntax::TextRange)> + '_ {
    parse.tree().statements().filter_map(|statement| {
        let range = statement.syntax().text_range();
        lower_statement(&statement).map(|stmt| (stmt, range))
    })
}

fn lower_statement(statement: &Statement) -> Option<Stmt> {
    Some(match statement {
        Statement::Assignment(it) => Stmt::Assign {
            name: it.name()?.text(),
            flag: it.flag().and_then(|flag| flag.name()),
            op: it.op()?,
            value: it.value()?.text(),
            exported: it.is_exported(),
        },
        Statement::Export(it) => Stmt::Export { name: it.name()?.text() },
        Statement::Unset(it) => {
            Stmt::Unset { name: it.name()?.text(), flag: it.flag().and_then(|flag| flag.name()) }
        }
        Statement::AddTask(it) => {
            Stmt::AddTask { tasks: it.tasks()?, after: it.after()?, before: it.before()? }
        }
        Statement::Directive(it) => {
            let args = it.args()?.text();
            match it.kind() {
                DirectiveKind::Include => Stmt::Include { files: args, kind: IncludeKind::Include },
                DirectiveKind::Require => Stmt::Include { files: args, kind: IncludeKind::Require },
                DirectiveKind::IncludeAll => {
                    Stmt::Include { files: args, kind: IncludeKind::IncludeAll }
                }
                DirectiveKind::Inherit => Stmt::Inherit { classes: args, deferred: false },
                DirectiveKind::InheritDefer => Stmt::Inherit { classes: args, deferred: true },
                DirectiveKind::DelTask => Stmt::DelTask { tasks: args },
                DirectiveKind::AddHandler => Stmt::AddHandler { handlers: args },
                DirectiveKind::ExportFunctions => Stmt::ExportFunctions { functions: args },
                DirectiveKind::AddPylib => {
                    let [dir, namespace]: [String; 2] = it.groups()?.try_into().ok()?;
                    Stmt::AddPylib { dir, namespace }
                }
                DirectiveKind::AddFragments => {
                    let [path, a, b, c]: [String; 4] = it.groups()?.try_into().ok()?;
                    Stmt::AddFragments { path, variables: [a, b, c] }
                }
            }
        }
        Statement::Function(it) => {
            if !it.is_closed() {
                return None;
            }
            let mut lines = it.body_lines();
            lines.push(String::new());
            Stmt::Function {
                name: it.name().map(|name| name.text()),
                body: lines.join("\n"),
                python: it.is_python(),
                fakeroot: it.is_fakeroot(),
            }
        }
        Statement::PythonDef(it) => {
            Stmt::PythonDef { name: it.name()?, code: it.lines().join("\n") }
        }
        Statement::Error(_) => return None,
    })
}
