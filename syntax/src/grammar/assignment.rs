//! Assignments, `export` and `unset`: BitBake's assignment pattern matched
//! by hand, with its lazy name, optional flag, operator and quoted value.

use super::{keyword_args, space_end, LineSink};
use crate::event::Span;
use crate::lexer::{lex_name, lex_template, TextMode};
use crate::{Severity, SyntaxKind, SyntaxKind::*};

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

pub(super) fn assignment(s: &str, sink: &mut LineSink<'_>) -> bool {
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
pub(super) fn export_statement(s: &str, sink: &mut LineSink<'_>) -> bool {
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
pub(super) fn unset_statement(s: &str, sink: &mut LineSink<'_>) -> bool {
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
}
