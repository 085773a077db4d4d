//! A file's diagnostics: its syntax errors (from the buffer's own parse,
//! with their exact places), the `include`, `require` and `inherit` lines
//! whose file cannot be found, the [`lints`](super::lints) in a recipe's
//! context, and what parsing its context reported, here or (if the
//! context fails elsewhere) on its first line.

use std::path::Path;

use lsp_types::{Diagnostic, DiagnosticSeverity, Position, Range};
use rbake_queries::eval::{normalize, Diagnostic as EngineDiagnostic, Severity};
use rbake_syntax::ast::{DirectiveKind, Statement};
use rbake_syntax::{FileKind, SyntaxError};

use super::context::Context;
use super::cursor::{expand_args, resolve_class, resolve_include};
use super::documents::LineMap;
use super::lints::{lints, LintCache};
use crate::workspace::Workspace;

/// Where a diagnostic says it comes from.
const SOURCE: &str = "rbake";

/// The diagnostics of the file at `path`, whose text is `text`.
pub fn for_file(
    workspace: &Workspace,
    lint_cache: &mut LintCache,
    context: &Context,
    path: &Path,
    text: &str,
) -> Vec<Diagnostic> {
    let lines = LineMap::new(text);
    let parse = rbake_syntax::parse(text, FileKind::from_path(path));
    let mut out: Vec<Diagnostic> =
        parse.errors().iter().map(|error| syntax(&lines, text, error)).collect();
    if let Some(state) = &context.state {
        let statements: Vec<Statement> = parse.tree().statements().collect();
        for statement in &statements {
            if let Some(diagnostic) = unresolved(workspace, state, path, &lines, text, statement) {
                out.push(diagnostic);
            }
        }
        if context.recipe.is_some() && !context.stale {
            let label = context.label();
            let unused = path.extension().is_some_and(|ext| ext == "bb" || ext == "bbappend");
            let found = lints(
                &workspace.db,
                lint_cache,
                state,
                &label,
                &statements,
                path,
                &lines,
                text,
                unused,
            );
            out.extend(found);
        }
    }
    for diagnostic in &context.diagnostics {
        if let Some(diagnostic) = from_parse(workspace, context, path, &lines, text, diagnostic) {
            let line = diagnostic.range.start.line;
            let elsewhere = diagnostic.range == Range::default();
            if elsewhere || !out.iter().any(|known| known.range.start.line == line) {
                out.push(diagnostic);
            }
        }
    }
    out
}

fn syntax(lines: &LineMap, text: &str, error: &SyntaxError) -> Diagnostic {
    let range = lines.range(text, error.range.start().into(), error.range.end().into());
    let severity = match error.severity {
        rbake_syntax::Severity::Error => DiagnosticSeverity::ERROR,
        rbake_syntax::Severity::Warning => DiagnosticSeverity::WARNING,
    };
    new(range, severity, error.message.clone())
}

fn new(range: Range, severity: DiagnosticSeverity, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity),
        source: Some(SOURCE.to_owned()),
        message,
        ..Diagnostic::default()
    }
}

/// A diagnostic for an `include`, `require` or `inherit` whose file cannot
/// be found: a warning for `include` (BitBake skips it), else an error.
fn unresolved(
    workspace: &Workspace,
    state: &rbake_queries::eval::ParseState,
    path: &Path,
    lines: &LineMap,
    text: &str,
    statement: &Statement,
) -> Option<Diagnostic> {
    let Statement::Directive(directive) = statement else { return None };
    let args = expand_args(&state.datastore, &directive.args()?.text());
    let missing: Vec<&str> = match directive.kind() {
        DirectiveKind::Include | DirectiveKind::Require => args
            .split_whitespace()
            .filter(|name| resolve_include(workspace, &state.datastore, path, name).is_none())
            .collect(),
        DirectiveKind::Inherit => args
            .split_whitespace()
            .filter(|class| resolve_class(workspace, state, class).is_none())
            .collect(),
        _ => return None,
    };
    if missing.is_empty() || args.contains("${@") {
        return None;
    }
    let (severity, message) = match directive.kind() {
        DirectiveKind::Include => (
            DiagnosticSeverity::WARNING,
            format!("include: cannot find {} (BitBake skips it)", missing.join(" ")),
        ),
        DirectiveKind::Require => {
            (DiagnosticSeverity::ERROR, format!("require: cannot find {}", missing.join(" ")))
        }
        _ => (
            DiagnosticSeverity::ERROR,
            format!("inherit: cannot find the class {}", missing.join(" ")),
        ),
    };
    let range = directive.syntax().text_range();
    let range = lines.range(text, range.start().into(), trimmed_end(text, range.end().into()));
    Some(new(range, severity, message))
}

/// `end` moved back before any line break that ends the statement.
fn trimmed_end(text: &str, end: usize) -> usize {
    let end = end.min(text.len());
    end - (text[..end].len() - text[..end].trim_end_matches(['\r', '\n']).len())
}

/// One diagnostic of the context's parse, placed in this file: at its line
/// if it concerns this file, else (an error elsewhere) on the first line.
/// Syntax errors of this file are left out: the buffer's parse has them.
fn from_parse(
    workspace: &Workspace,
    context: &Context,
    path: &Path,
    lines: &LineMap,
    text: &str,
    diagnostic: &EngineDiagnostic,
) -> Option<Diagnostic> {
    let severity = match diagnostic.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    };
    let file = normalize(&diagnostic.file);
    let line = engine_line(workspace, diagnostic);
    if file == path {
        if diagnostic.line_col.is_some() {
            return None;
        }
        let line = line.unwrap_or(1).saturating_sub(1);
        let length = lines.line(text, line as usize).map_or(0, |l| l.encode_utf16().count() as u32);
        let range = Range::new(Position::new(line, 0), Position::new(line, length));
        return Some(new(range, severity, diagnostic.message.clone()));
    }
    if diagnostic.severity != Severity::Error {
        return None;
    }
    let place = match line {
        Some(line) => format!("{}:{line}", file.display()),
        None => file.display().to_string(),
    };
    let message = format!("{} fails: {place}: {}", context.label(), diagnostic.message);
    Some(new(Range::default(), severity, message))
}

/// The one-based line a diagnostic of the engine concerns, as `rbake`
/// reports it.
fn engine_line(workspace: &Workspace, diagnostic: &EngineDiagnostic) -> Option<u32> {
    if let Some((line, _)) = diagnostic.line_col {
        return Some(line);
    }
    let file = normalize(&diagnostic.file);
    let statement = diagnostic.statement?;
    match diagnostic.line_in_statement {
        Some(offset) => Some(workspace.statement_first_line(&file, statement)? + offset - 1),
        None => workspace.statement_line(&file, statement),
    }
}
