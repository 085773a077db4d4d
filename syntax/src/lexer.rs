//! The logos lexer for text that may hold references: values, directive
//! arguments, variable names and function bodies.
//!
//! It finds `${NAME}` and `${@python}` with the same extent as BitBake's
//! expansion patterns, and reports everything else as text of the kind the
//! caller asks for.

use logos::Logos;

use crate::event::Event;
use crate::lines::is_py_space;
use crate::SyntaxKind::{self, *};

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
enum RawToken {
    /// A whole `${NAME}` reference.
    #[regex(r"\$\{[a-zA-Z0-9\-_+./~:]+\}")]
    VarRef,
    /// The start of an inline Python expression.
    #[token("${@")]
    PythonStart,
    /// A lone `$`.
    #[token("$")]
    Dollar,
    /// Anything else.
    #[regex(r"[^$]+")]
    Text,
}

/// How plain text between references is tokenized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextMode {
    /// One token of the given kind per run of text.
    Whole(SyntaxKind),
    /// `WORD` and `WHITESPACE` tokens, for directive arguments.
    Words,
    /// `IDENT` and `COLON` tokens, for variable names with overrides.
    Name,
}

/// Lexes `text`, which starts at `offset` in the logical line, into events.
/// The text must not hold a line break: BitBake's patterns never match
/// across one.
pub(crate) fn lex_template(text: &str, offset: usize, mode: TextMode, events: &mut Vec<Event>) {
    lex(text, offset, mode, true, events);
}

/// Lexes text; inline Python is recognised only at the top level, so the
/// lexer never recurses more than once.
fn lex(text: &str, offset: usize, mode: TextMode, python: bool, events: &mut Vec<Event>) {
    let mut pending_text: Option<usize> = None;
    // An inline expression needs a plain `}` after it; where the last one is
    // is found once, at the first `${@`, so that failing scans stay cheap.
    let mut last_close: Option<Option<usize>> = None;
    let mut lexer = RawToken::lexer(text);
    while let Some(token) = lexer.next() {
        let span = lexer.span();
        let python_end = match token {
            Ok(RawToken::PythonStart) if python => {
                let last_close =
                    *last_close.get_or_insert_with(|| last_plain_close(text.as_bytes()));
                python_expr_end(text, span.end, last_close)
            }
            _ => None,
        };
        match token {
            Ok(RawToken::VarRef) => {
                flush_text(text, offset, &mut pending_text, span.start, mode, events);
                push_var_ref(offset + span.start, offset + span.end, events);
            }
            Ok(RawToken::PythonStart) if python_end.is_some() => {
                let end = python_end.unwrap_or(span.end);
                flush_text(text, offset, &mut pending_text, span.start, mode, events);
                events.push(Event::Start(PYTHON_EXPR));
                events.push(Event::token(DOLLAR_CURLY_AT, offset + span.start, offset + span.end));
                let inner = &text[span.end..end - 1];
                lex(inner, offset + span.end, TextMode::Whole(PYTHON_TEXT), false, events);
                events.push(Event::token(R_CURLY, offset + end - 1, offset + end));
                events.push(Event::Finish);
                lexer.bump(end - span.end);
            }
            Ok(_) | Err(()) => {
                pending_text.get_or_insert(span.start);
            }
        }
    }
    flush_text(text, offset, &mut pending_text, text.len(), mode, events);
}

/// Pushes the events of a `${NAME}` reference spanning `start..end`.
fn push_var_ref(start: usize, end: usize, events: &mut Vec<Event>) {
    events.push(Event::Start(VAR_REF));
    events.push(Event::token(DOLLAR_CURLY, start, start + 2));
    events.push(Event::token(IDENT, start + 2, end - 1));
    events.push(Event::token(R_CURLY, end - 1, end));
    events.push(Event::Finish);
}

fn flush_text(
    text: &str,
    offset: usize,
    pending: &mut Option<usize>,
    end: usize,
    mode: TextMode,
    events: &mut Vec<Event>,
) {
    let Some(start) = pending.take() else { return };
    if start == end {
        return;
    }
    match mode {
        TextMode::Whole(kind) => events.push(Event::token(kind, offset + start, offset + end)),
        TextMode::Words => split_words(&text[start..end], offset + start, events),
        TextMode::Name => split_name(&text[start..end], offset + start, events),
    }
}

fn split_words(text: &str, offset: usize, events: &mut Vec<Event>) {
    let mut run_start = 0;
    let mut run_is_space = None;
    for (index, c) in text.char_indices() {
        let is_space = is_py_space(c);
        match run_is_space {
            Some(previous) if previous != is_space => {
                let kind = if previous { WHITESPACE } else { WORD };
                events.push(Event::token(kind, offset + run_start, offset + index));
                run_start = index;
            }
            _ => {}
        }
        run_is_space = Some(is_space);
    }
    if let Some(is_space) = run_is_space {
        let kind = if is_space { WHITESPACE } else { WORD };
        events.push(Event::token(kind, offset + run_start, offset + text.len()));
    }
}

fn split_name(text: &str, offset: usize, events: &mut Vec<Event>) {
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        if byte == b':' {
            if start < index {
                events.push(Event::token(IDENT, offset + start, offset + index));
            }
            events.push(Event::token(COLON, offset + index, offset + index + 1));
            start = index + 1;
        }
    }
    if start < text.len() {
        events.push(Event::token(IDENT, offset + start, offset + text.len()));
    }
}

/// Finds the end (one past the closing brace) of an inline Python expression
/// whose body starts at `body_start`, as BitBake's `${@(?:{.*?}|.)+?}`
/// pattern would match it. `last_close` is the position of the last `}` in
/// `text`.
///
/// The pattern ends at the first `}` after at least one unit. A `{` opens a
/// unit that runs to the next `}`, but only when some `}` still follows that
/// one; otherwise the pattern backtracks and takes the `{` as a plain
/// character. BitBake expands `${NAME}` references before it looks for inline
/// Python, so a reference counts as one plain unit here.
pub(crate) fn python_expr_end(
    text: &str,
    body_start: usize,
    last_close: Option<usize>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let last_close = last_close.filter(|&close| close >= body_start)?;
    let mut pos = body_start;
    let mut units = 0usize;
    let mut next_close: Option<usize> = None;
    while pos < bytes.len() {
        let byte = bytes[pos];
        if units > 0 && byte == b'}' {
            return Some(pos + 1);
        }
        if let Some(reference_end) = var_ref_end(bytes, pos) {
            pos = reference_end;
        } else if byte == b'{' {
            let close = match next_close {
                Some(close) if close > pos => Some(close),
                _ => next_plain_close(bytes, pos + 1),
            };
            next_close = close;
            match close {
                Some(close) if close < last_close => pos = close + 1,
                _ => pos += 1,
            }
        } else {
            pos += 1;
        }
        units += 1;
    }
    None
}

/// The end of a `${NAME}` reference starting at `pos`, if one does.
fn var_ref_end(bytes: &[u8], pos: usize) -> Option<usize> {
    if bytes.get(pos) != Some(&b'$') || bytes.get(pos + 1) != Some(&b'{') {
        return None;
    }
    let name_start = pos + 2;
    let name_len = bytes[name_start..]
        .iter()
        .take_while(|&&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'.' | b'/' | b'~' | b':')
        })
        .count();
    let close = name_start + name_len;
    (name_len > 0 && bytes.get(close) == Some(&b'}')).then_some(close + 1)
}

/// The last `}` of `bytes` that does not close a `${NAME}` reference.
fn last_plain_close(bytes: &[u8]) -> Option<usize> {
    let mut last = None;
    let mut pos = 0;
    while let Some(close) = next_plain_close(bytes, pos) {
        last = Some(close);
        pos = close + 1;
    }
    last
}

/// The first `}` at or after `from` that does not close a `${NAME}`
/// reference.
fn next_plain_close(bytes: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    while let Some(found) = memchr::memchr2(b'}', b'$', &bytes[pos..]) {
        let at = pos + found;
        if bytes[at] == b'}' {
            return Some(at);
        }
        pos = var_ref_end(bytes, at).unwrap_or(at + 1);
    }
    None
}

/// Pushes a `${NAME}`-aware name: `IDENT`, `COLON` and `VAR_REF` events.
pub(crate) fn lex_name(text: &str, offset: usize, events: &mut Vec<Event>) {
    lex_template(text, offset, TextMode::Name, events);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python_extent(text: &str) -> Option<&str> {
        let start = text.find("${@")?;
        python_expr_end(text, start + 3, last_plain_close(text.as_bytes()))
            .map(|end| &text[start..end])
    }

    #[test]
    fn python_extent_follows_bitbake() {
        assert_eq!(python_extent("${@d.getVar('A')} x"), Some("${@d.getVar('A')}"));
        assert_eq!(python_extent("${@'${A}'} x"), Some("${@'${A}'}"));
        assert_eq!(python_extent("${@{'a': 1}['a']}"), Some("${@{'a': 1}['a']}"));
        // The group cannot end the match, so the brace is a plain character.
        assert_eq!(python_extent("${@{a}"), Some("${@{a}"));
        assert_eq!(python_extent("${@}"), None);
        assert_eq!(python_extent("${@}}"), Some("${@}}"));
        assert_eq!(python_extent("${@ no end"), None);
        // References are expanded first, so their braces do not count.
        assert_eq!(
            python_extent("${@ {'k': '${B}'}.get('k') } x"),
            Some("${@ {'k': '${B}'}.get('k') }")
        );
    }
}
