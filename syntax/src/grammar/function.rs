//! Function headers (`[python] [fakeroot] NAME () {`) and the first line
//! of a top-level Python `def`.

use super::{keyword_args, space_end, LineSink};
use crate::event::Span;
use crate::lexer::{lex_name, lex_template, TextMode};
use crate::lines::is_py_space;
use crate::{SyntaxKind, SyntaxKind::*};

/// A function header: `[python] [fakeroot] [NAME] () {`.
pub(super) fn function_header(s: &str, sink: &mut LineSink<'_>) -> bool {
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
pub(super) fn python_def_header(s: &str, sink: &mut LineSink<'_>) -> bool {
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
