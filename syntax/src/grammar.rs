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

use crate::event::{Event, Span};
use crate::lexer::{lex_name, lex_template, TextMode};
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

fn is_var_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(byte, b'-' | b'_' | b'+' | b'.' | b'$' | b'{' | b'}' | b'/' | b'~' | b':')
}

fn is_plain_name_char(byte: u8) -> bool {
    byte != b':' && is_var_char(byte)
}

fn is_flag_first_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'+' | b'.')
}

/// The end of a flag name starting at `start` and its closing `]`, for
/// `[a-zA-Z0-9\-_+.][a-zA-Z0-9\-_+.@<extra>]*` followed by `]`.
fn flag_name_end(s: &str, start: usize, extra: u8, min_len: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    if !bytes.get(start).is_some_and(|&b| is_flag_first_char(b)) {
        return None;
    }
    let mut end = start + 1;
    while end < bytes.len()
        && (is_flag_first_char(bytes[end]) || bytes[end] == b'@' || bytes[end] == extra)
    {
        end += 1;
    }
    (end - start >= min_len && bytes.get(end) == Some(&b']')).then_some(end)
}

/// The pieces of a matched assignment, as offsets into the logical line.
struct AssignmentMatch {
    export: Option<usize>,
    name: Span,
    flag: Option<Span>,
    op_kind: SyntaxKind,
    op: Span,
    value: Span,
}

const OPERATORS: [(&str, SyntaxKind); 8] = [
    (":=", COLON_EQ),
    ("??=", DOUBLE_QUESTION_EQ),
    ("?=", QUESTION_EQ),
    ("+=", PLUS_EQ),
    ("=+", EQ_PLUS),
    ("=.", EQ_DOT),
    (".=", DOT_EQ),
    ("=", EQ),
];

/// Matches BitBake's assignment pattern, trying names from the shortest up
/// and a flag before no flag, as its lazy pattern does.
fn match_assignment(s: &str) -> Option<AssignmentMatch> {
    let export = keyword_args(s, "export");
    let starts = [export, Some(0)];
    for name_start in starts.into_iter().flatten() {
        let bytes = s.as_bytes();
        let mut name_max = name_start;
        while name_max < bytes.len() && is_var_char(bytes[name_max]) {
            name_max += 1;
        }
        for name_end in name_start..=name_max {
            if bytes.get(name_end) == Some(&b'[') {
                if let Some(flag_end) = flag_name_end(s, name_end + 1, b'/', 1) {
                    if let Some((op_kind, op, value)) = match_op_and_value(s, flag_end + 1) {
                        let flag = Some(Span::new(name_end + 1, flag_end));
                        let name = Span::new(name_start, name_end);
                        let export = (name_start != 0).then_some(name_start);
                        return Some(AssignmentMatch { export, name, flag, op_kind, op, value });
                    }
                }
            }
            if let Some((op_kind, op, value)) = match_op_and_value(s, name_end) {
                let name = Span::new(name_start, name_end);
                let export = (name_start != 0).then_some(name_start);
                return Some(AssignmentMatch { export, name, flag: None, op_kind, op, value });
            }
        }
    }
    None
}

fn match_op_and_value(s: &str, pos: usize) -> Option<(SyntaxKind, Span, Span)> {
    let op_start = space_end(s, pos);
    let rest = &s[op_start..];
    let (text, kind) = OPERATORS.iter().find(|(text, _)| rest.starts_with(text))?;
    let op_end = op_start + text.len();
    let value_start = space_end(s, op_end);
    let quoted = &s[value_start..];
    let quote = *quoted.as_bytes().first()?;
    if !matches!(quote, b'"' | b'\'') || quoted.len() < 2 || !quoted.ends_with(quote as char) {
        return None;
    }
    // BitBake refuses a value with exactly three of its quote character.
    if memchr::memchr_iter(quote, quoted.as_bytes()).take(4).count() == 3 {
        return None;
    }
    Some((*kind, Span::new(op_start, op_end), Span::new(value_start + 1, s.len() - 1)))
}

fn assignment(s: &str, sink: &mut LineSink<'_>) -> bool {
    let Some(m) = match_assignment(s) else {
        return false;
    };
    sink.start(ASSIGNMENT);
    if let Some(name_start) = m.export {
        sink.token(EXPORT_KW, 0, "export".len());
        sink.token(WHITESPACE, "export".len(), name_start);
    }
    sink.start(VAR_NAME);
    lex_name(&s[m.name.start..m.name.end], m.name.start, sink.events);
    sink.finish();
    let mut after_name = m.name.end;
    if let Some(flag) = m.flag {
        sink.flag(flag);
        after_name = flag.end + 1;
    }
    sink.token(WHITESPACE, after_name, m.op.start);
    sink.token(m.op_kind, m.op.start, m.op.end);
    let quote_start = m.value.start - 1;
    sink.token(WHITESPACE, m.op.end, quote_start);
    sink.start(VALUE);
    sink.token(QUOTE, quote_start, m.value.start);
    lex_template(&s[m.value.start..m.value.end], m.value.start, TextMode::Whole(TEXT), sink.events);
    sink.token(QUOTE, m.value.end, m.value.end + 1);
    sink.finish();
    sink.finish();
    if m.name.start == m.name.end {
        sink.diagnostic(
            m.name.start,
            m.op.end,
            Severity::Error,
            "empty variable name in assignment".into(),
        );
    } else if after_name == m.op.start || m.op.end == quote_start {
        sink.diagnostic(
            m.op.start,
            m.op.end,
            Severity::Warning,
            "missing white space around the assignment operator".into(),
        );
    }
    true
}

/// `export NAME`, where the name has no override suffix.
fn export_statement(s: &str, sink: &mut LineSink<'_>) -> bool {
    let Some(name_start) = keyword_args(s, "export") else {
        return false;
    };
    if !s.as_bytes()[name_start..].iter().all(|&b| is_plain_name_char(b)) {
        return false;
    }
    sink.start(EXPORT);
    sink.token(EXPORT_KW, 0, "export".len());
    sink.token(WHITESPACE, "export".len(), name_start);
    sink.start(VAR_NAME);
    lex_name(&s[name_start..], name_start, sink.events);
    sink.finish();
    sink.finish();
    true
}

/// `unset NAME` and `unset NAME[flag]`.
fn unset_statement(s: &str, sink: &mut LineSink<'_>) -> bool {
    let Some(name_start) = keyword_args(s, "unset") else {
        return false;
    };
    let bytes = s.as_bytes();
    let mut name_end = name_start;
    while name_end < bytes.len() && is_plain_name_char(bytes[name_end]) {
        name_end += 1;
    }
    if name_end == name_start {
        return false;
    }
    let flag = if name_end == s.len() {
        None
    } else if bytes[name_end] == b'[' {
        match flag_name_end(s, name_end + 1, b'@', 2) {
            Some(flag_end) if flag_end + 1 == s.len() => Some(Span::new(name_end + 1, flag_end)),
            _ => return false,
        }
    } else {
        return false;
    };
    sink.start(UNSET);
    sink.token(UNSET_KW, 0, "unset".len());
    sink.token(WHITESPACE, "unset".len(), name_start);
    sink.start(VAR_NAME);
    lex_name(&s[name_start..name_end], name_start, sink.events);
    sink.finish();
    if let Some(flag) = flag {
        sink.flag(flag);
    }
    sink.finish();
    true
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

/// A function header: `[python] [fakeroot] [NAME] () {`.
fn function_header(s: &str, sink: &mut LineSink<'_>) -> bool {
    if !s.ends_with('{') {
        return false;
    }
    let bytes = s.as_bytes();
    let mut keywords: Vec<(SyntaxKind, Span)> = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &s[pos..];
        let (kind, len) = if rest.starts_with("python")
            && rest[6..].chars().next().is_some_and(|c| c == '(' || is_py_space(c))
        {
            (PYTHON_KW, 6)
        } else if rest.starts_with("fakeroot") && rest[8..].chars().next().is_some_and(is_py_space)
        {
            (FAKEROOT_KW, 8)
        } else {
            break;
        };
        keywords.push((kind, Span::new(pos, pos + len)));
        pos = space_end(s, pos + len);
    }
    let name_start = pos;
    let mut name_end = pos;
    for (index, c) in s[pos..].char_indices() {
        if c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '+' | '{' | '}' | '$' | ':') {
            name_end = pos + index + c.len_utf8();
        } else {
            break;
        }
    }
    // `\s*\(\s*\)\s*\{$`
    let open_paren = space_end(s, name_end);
    if bytes.get(open_paren) != Some(&b'(') {
        return false;
    }
    let close_paren = space_end(s, open_paren + 1);
    if bytes.get(close_paren) != Some(&b')') {
        return false;
    }
    let open_curly = space_end(s, close_paren + 1);
    if open_curly + 1 != s.len() {
        return false;
    }
    sink.start(FUNCTION);
    let mut last = 0;
    for (kind, span) in keywords {
        sink.token(WHITESPACE, last, span.start);
        sink.token(kind, span.start, span.end);
        last = span.end;
    }
    sink.token(WHITESPACE, last, name_start);
    if name_start < name_end {
        sink.start(VAR_NAME);
        lex_name(&s[name_start..name_end], name_start, sink.events);
        sink.finish();
    }
    sink.token(WHITESPACE, name_end, open_paren);
    sink.token(L_PAREN, open_paren, open_paren + 1);
    sink.token(WHITESPACE, open_paren + 1, close_paren);
    sink.token(R_PAREN, close_paren, close_paren + 1);
    sink.token(WHITESPACE, close_paren + 1, open_curly);
    sink.token(L_CURLY, open_curly, open_curly + 1);
    true
}

/// The first line of a top-level Python function: `def\s+(\w+).*:`.
fn python_def_header(s: &str, sink: &mut LineSink<'_>) -> bool {
    let Some(name_start) = keyword_args(s, "def") else {
        return false;
    };
    let name_end = s[name_start..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(s.len(), |(index, _)| name_start + index);
    if name_end == name_start || !s[name_end..].contains(':') {
        return false;
    }
    sink.start(PYTHON_DEF);
    sink.token(DEF_KW, 0, 3);
    sink.token(WHITESPACE, 3, name_start);
    sink.token(IDENT, name_start, name_end);
    lex_template(&s[name_end..], name_end, TextMode::Whole(PYTHON_TEXT), sink.events);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment_parts(s: &str) -> Option<(String, Option<String>, String)> {
        let m = match_assignment(s)?;
        Some((
            s[m.name.start..m.name.end].to_string(),
            m.flag.map(|f| s[f.start..f.end].to_string()),
            s[m.value.start..m.value.end].to_string(),
        ))
    }

    #[test]
    fn assignment_names_are_lazy() {
        assert_eq!(assignment_parts("A+=+\"x\""), Some(("A+".into(), None, "x".into())));
        assert_eq!(assignment_parts("A.B.= 'x'"), Some(("A.B".into(), None, "x".into())));
        assert_eq!(
            assignment_parts("A[doc] = \"d\""),
            Some(("A".into(), Some("doc".into()), "d".into()))
        );
        assert_eq!(assignment_parts("export = \"x\""), Some(("".into(), None, "x".into())));
    }

    #[test]
    fn three_quotes_are_refused() {
        assert!(match_assignment("A = \"a\"b\"").is_none());
        assert_eq!(assignment_parts("A = \"a\"b\"c\"").map(|p| p.2), Some("a\"b\"c".into()));
        assert_eq!(assignment_parts("A = 'a\"b\"c'").map(|p| p.2), Some("a\"b\"c".into()));
    }

    #[test]
    fn grouped_arguments() {
        assert!(has_space_separated_groups("a b", 2));
        assert!(!has_space_separated_groups("ab", 2));
        assert!(has_space_separated_groups("a b c d", 4));
        assert!(!has_space_separated_groups("a b c", 4));
    }
}
