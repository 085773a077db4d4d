//! The statement grammar: classifies one logical line (continuations joined)
//! the way BitBake's line parser does, and describes it as events.
//!
//! BitBake tries its statement patterns in a fixed order and the first that
//! matches wins, so `inherit = "x"` is an `inherit` in a recipe and
//! `include = "x"` an assignment. The order here is the same:
//! - in recipes, classes and includes: function headers, `def`,
//!   `EXPORT_FUNCTIONS`, `addtask`, `deltask`, `addhandler`, `inherit`,
//!   `inherit_defer`, then the configuration statements;
//! - configuration statements: assignments, `include`, `require`,
//!   `include_all`, `export`, `unset` (variable, then flag), `addpylib` (only
//!   in `.conf` files) and `addfragments`.

mod assignment;
mod function;

use assignment::{assignment, export_statement, unset_statement};
use function::{function_header, python_def_header};

use crate::event::{Event, Span};
use crate::lexer::{lex_template, TextMode};
use crate::lines::is_py_space;
use crate::{FileKind, Severity, SyntaxKind, SyntaxKind::*};

/// A diagnostic over a range of the logical line.
#[derive(Clone, Debug)]
pub(crate) struct LineDiagnostic {
    pub(crate) span: Span,
    pub(crate) message: String,
    pub(crate) severity: Severity,
}

/// What a logical line turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineClass {
    /// A complete statement (or an error node).
    Complete,
    /// The header of a function; its `FUNCTION` node stays open for the body.
    FunctionHeader { python: bool },
    /// The first line of a Python `def`; its `PYTHON_DEF` node stays open.
    DefHeader,
}

/// Collects the events and diagnostics of one logical line.
pub(crate) struct LineSink<'e> {
    pub(crate) events: &'e mut Vec<Event>,
    pub(crate) diagnostics: &'e mut Vec<LineDiagnostic>,
}

impl LineSink<'_> {
    fn token(&mut self, kind: SyntaxKind, start: usize, end: usize) {
        if start < end {
            self.events.push(Event::token(kind, start, end));
        }
    }

    fn start(&mut self, kind: SyntaxKind) {
        self.events.push(Event::Start(kind));
    }

    fn finish(&mut self) {
        self.events.push(Event::Finish);
    }

    /// `[flag]`, where `flag` spans the name between the brackets.
    fn flag(&mut self, flag: Span) {
        self.start(FLAG);
        self.token(L_BRACK, flag.start - 1, flag.start);
        self.token(IDENT, flag.start, flag.end);
        self.token(R_BRACK, flag.end, flag.end + 1);
        self.finish();
    }

    /// A directive whose arguments, from `args_start` to the end of `s`,
    /// are words: `KEYWORD ARGS`.
    fn word_directive(
        &mut self,
        s: &str,
        node: SyntaxKind,
        keyword: SyntaxKind,
        keyword_len: usize,
        args_start: usize,
    ) {
        self.start(node);
        self.token(keyword, 0, keyword_len);
        self.token(WHITESPACE, keyword_len, args_start);
        self.start(ARGS);
        lex_template(&s[args_start..], args_start, TextMode::Words, self.events);
        self.finish();
        self.finish();
    }

    fn diagnostic(&mut self, start: usize, end: usize, severity: Severity, message: String) {
        self.diagnostics.push(LineDiagnostic { span: Span::new(start, end), message, severity });
    }
}

/// Classifies the logical line `s`, which is stripped, non-empty and not a
/// comment.
pub(crate) fn classify(s: &str, kind: FileKind, sink: &mut LineSink<'_>) -> LineClass {
    if kind == FileKind::Recipe {
        if function_header(s, sink) {
            return LineClass::FunctionHeader { python: sink_header_is_python(s, sink) };
        }
        if python_def_header(s, sink) {
            return LineClass::DefHeader;
        }
        if simple_directive(s, "EXPORT_FUNCTIONS", EXPORT_FUNCTIONS_KW, EXPORT_FUNCTIONS, sink)
            || task_directive(s, "addtask", ADDTASK_KW, ADDTASK, sink)
            || task_directive(s, "deltask", DELTASK_KW, DELTASK, sink)
            || simple_directive(s, "addhandler", ADDHANDLER_KW, ADDHANDLER, sink)
            || simple_directive(s, "inherit", INHERIT_KW, INHERIT, sink)
            || simple_directive(s, "inherit_defer", INHERIT_DEFER_KW, INHERIT_DEFER, sink)
        {
            return LineClass::Complete;
        }
    }
    if assignment(s, sink)
        || simple_directive(s, "include", INCLUDE_KW, INCLUDE, sink)
        || simple_directive(s, "require", REQUIRE_KW, REQUIRE, sink)
        || simple_directive(s, "include_all", INCLUDE_ALL_KW, INCLUDE_ALL, sink)
        || export_statement(s, sink)
        || unset_statement(s, sink)
        || grouped_directive(s, kind, sink)
    {
        return LineClass::Complete;
    }
    sink.start(ERROR);
    sink.token(ERROR_TEXT, 0, s.len());
    sink.finish();
    sink.diagnostic(0, s.len(), Severity::Error, unparsed_message(s, kind));
    LineClass::Complete
}

fn unparsed_message(s: &str, kind: FileKind) -> String {
    if s.starts_with(|c: char| is_py_space(c)) {
        return "unparsed line: statements and comments must start in the first column".into();
    }
    if kind == FileKind::Recipe && keyword_args(s, "addpylib").is_some() {
        return "addpylib is only allowed in configuration files".into();
    }
    let trimmed: String = s.chars().take(80).collect();
    format!("unparsed line: '{trimmed}'")
}

/// Whether the function whose header was just pushed holds Python: it has
/// the `python` keyword, or it is anonymous (BitBake runs every anonymous
/// function as Python).
fn sink_header_is_python(s: &str, sink: &LineSink<'_>) -> bool {
    let mut has_name = false;
    for event in sink.events.iter() {
        match event {
            Event::Token(PYTHON_KW, _) => return true,
            Event::Start(VAR_NAME) => has_name = true,
            _ => {}
        }
    }
    let name = s.split('(').next().and_then(|head| head.split_whitespace().last());
    !has_name || name == Some("__anonymous")
}

/// The end of the run of white space starting at `pos`.
fn space_end(s: &str, pos: usize) -> usize {
    let bytes = s.as_bytes();
    let mut end = pos;
    while end < bytes.len() {
        let byte = bytes[end];
        if byte.is_ascii() {
            if !crate::lines::is_ascii_py_space(byte) {
                break;
            }
            end += 1;
        } else {
            match s[end..].chars().next() {
                Some(c) if is_py_space(c) => end += c.len_utf8(),
                _ => break,
            }
        }
    }
    end
}

/// Matches `KEYWORD\s+(.+)` at the start of `s`, returning where the white
/// space after the keyword ends.
fn keyword_args(s: &str, keyword: &str) -> Option<usize> {
    if !s.starts_with(keyword) {
        return None;
    }
    let args_start = space_end(s, keyword.len());
    (args_start > keyword.len() && args_start < s.len()).then_some(args_start)
}

fn simple_directive(
    s: &str,
    keyword: &str,
    keyword_kind: SyntaxKind,
    node: SyntaxKind,
    sink: &mut LineSink<'_>,
) -> bool {
    let Some(args_start) = keyword_args(s, keyword) else {
        return false;
    };
    sink.word_directive(s, node, keyword_kind, keyword.len(), args_start);
    true
}

/// `addtask` and `deltask`: `KEYWORD\s+([^#\n]+)(#.*)?`.
fn task_directive(
    s: &str,
    keyword: &str,
    keyword_kind: SyntaxKind,
    node: SyntaxKind,
    sink: &mut LineSink<'_>,
) -> bool {
    let Some(mut args_start) = keyword_args(s, keyword) else {
        return false;
    };
    let args_end =
        memchr::memchr(b'#', &s.as_bytes()[args_start..]).map_or(s.len(), |i| args_start + i);
    if args_end == args_start {
        // The arguments need one character that is not `#`: the pattern
        // gives back one character of the white space if it can.
        let space = &s[keyword.len()..args_start];
        match space.chars().next_back() {
            Some(last) if space.len() > last.len_utf8() => args_start -= last.len_utf8(),
            _ => return false,
        }
    }
    sink.start(node);
    sink.token(keyword_kind, 0, keyword.len());
    sink.token(WHITESPACE, keyword.len(), args_start);
    sink.start(ARGS);
    let first_arg_event = sink.events.len();
    lex_template(&s[args_start..args_end], args_start, TextMode::Words, sink.events);
    if node == ADDTASK {
        // BitBake splits on " after " and " before " exactly: a keyword needs
        // one plain space on each side, inside the arguments.
        let bytes = s.as_bytes();
        for event in &mut sink.events[first_arg_event..] {
            if let Event::Token(kind @ WORD, span) = event {
                let spaced = span.start > args_start
                    && bytes[span.start - 1] == b' '
                    && bytes.get(span.end) == Some(&b' ')
                    && span.end < args_end;
                match &s[span.start..span.end] {
                    "after" if spaced => *kind = AFTER_KW,
                    "before" if spaced => *kind = BEFORE_KW,
                    _ => {}
                }
            }
        }
    }
    sink.finish();
    sink.token(COMMENT, args_end, s.len());
    sink.finish();
    if node == ADDTASK {
        check_task_names(s, sink);
    }
    true
}

/// BitBake refuses task names that contain an override keyword.
fn check_task_names(s: &str, sink: &mut LineSink<'_>) {
    let mut offset = 0;
    for word in s.split(|c: char| is_py_space(c)) {
        if [":append_", ":prepend_", ":remove_"].iter().any(|keyword| word.contains(keyword)) {
            sink.diagnostic(
                offset,
                offset + word.len(),
                Severity::Error,
                format!(
                    "task name '{word}' contains an override keyword (:append, :prepend or :remove); rename the task"
                ),
            );
        }
        offset += word.len() + s[offset + word.len()..].chars().next().map_or(0, char::len_utf8);
    }
}

/// `addpylib DIR NAMESPACE` (configuration files only) and
/// `addfragments PATH VAR VAR VAR`: directives whose arguments BitBake
/// splits into a fixed number of groups.
fn grouped_directive(s: &str, kind: FileKind, sink: &mut LineSink<'_>) -> bool {
    let candidates: [(&str, SyntaxKind, SyntaxKind, usize); 2] = [
        ("addpylib", ADDPYLIB_KW, ADDPYLIB, 2),
        ("addfragments", ADDFRAGMENTS_KW, ADDFRAGMENTS, 4),
    ];
    for (keyword, keyword_kind, node, groups) in candidates {
        if node == ADDPYLIB && kind != FileKind::Conf {
            continue;
        }
        let Some(args_start) = keyword_args(s, keyword) else {
            continue;
        };
        if !has_space_separated_groups(&s[args_start..], groups) {
            continue;
        }
        sink.word_directive(s, node, keyword_kind, keyword.len(), args_start);
        return true;
    }
    false
}

/// Whether `args` matches `(.+)(\s+(.+)){groups - 1}`: each group needs one
/// character and each separator one white-space character.
fn has_space_separated_groups(args: &str, groups: usize) -> bool {
    let mut needed = groups - 1;
    let mut chars = args.char_indices().peekable();
    // The first group takes at least one character.
    if chars.next().is_none() {
        return false;
    }
    while needed > 0 {
        match chars.next() {
            Some((_, c)) if is_py_space(c) => {
                // The group after the separator takes at least one character.
                if chars.next().is_none() {
                    return false;
                }
                needed -= 1;
            }
            Some(_) => {}
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_arguments() {
        assert!(has_space_separated_groups("a b", 2));
        assert!(!has_space_separated_groups("ab", 2));
        assert!(has_space_separated_groups("a b c d", 4));
        assert!(!has_space_separated_groups("a b c", 4));
    }
}
