//! Quoted strings and expansions inside one shell word.
//!
//! BitBake's shell parser delimits a word's quoted parts and expansions
//! (`'…'`, `"…"`, `\c`, `$name`, `${…}`, `$(…)` and backquotes) with a small
//! recursive scanner, and later splits words into the same parts to find the
//! command substitutions in them. This module is that scanner. Its rules are
//! simpler than a real shell's: `$(` ends at the first unquoted `)` without
//! counting parentheses, an escaped backquote does not nest, and `$((` is
//! refused outright.

/// One part of a word: plain text, or a quoted part or expansion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Piece {
    Text(String),
    Group(Group),
}

/// A quoted part or an expansion, with the pieces between its delimiters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Group {
    pub open: Open,
    pub pieces: Vec<Piece>,
}

/// What opened a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Open {
    /// `\c`, for a character the context lets a backslash escape.
    Backslash,
    /// `'…'`.
    Single,
    /// `"…"`.
    Double,
    /// `` `…` ``.
    Backquote,
    /// `$name` or a one-character special parameter such as `$@`.
    Dollar,
    /// `${…}`.
    Brace,
    /// `$(…)`.
    Paren,
}

/// Why a word could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct WordError {
    /// Byte offset of the construct that failed.
    pub offset: usize,
    pub message: &'static str,
}

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 500;

/// The special parameters that make up a whole `$` expansion on their own.
const SPECIAL_PARAMETERS: &[u8] = b"@*#?-$!0";

impl Open {
    fn delimiters(self) -> (&'static str, &'static str) {
        match self {
            Open::Backslash => ("\\", ""),
            Open::Single => ("'", "'"),
            Open::Double => ("\"", "\""),
            Open::Backquote => ("`", "`"),
            Open::Dollar => ("$", ""),
            Open::Brace => ("${", "}"),
            Open::Paren => ("$(", ")"),
        }
    }

    /// Whether a backslash inside a group of this kind escapes `next`.
    fn escapes(self, next: &str) -> bool {
        match self {
            Open::Backquote => matches!(next, "$" | "\\" | "`"),
            Open::Double => matches!(next, "$" | "\\" | "`" | "\""),
            Open::Single => false,
            _ => true,
        }
    }
}

impl Piece {
    /// The text the piece was read from, less line continuations.
    pub(super) fn text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) {
        match self {
            Piece::Text(text) => out.push_str(text),
            Piece::Group(group) => {
                let (open, close) = group.open.delimiters();
                out.push_str(open);
                group.write_inner(out);
                out.push_str(close);
            }
        }
    }
}

impl Group {
    /// The text between the delimiters.
    pub(super) fn inner_text(&self) -> String {
        let mut out = String::new();
        self.write_inner(&mut out);
        out
    }

    fn write_inner(&self, out: &mut String) {
        for piece in &self.pieces {
            piece.write_text(out);
        }
    }
}

/// Reads the quoted part or expansion that starts at `start`, which must be
/// one of `\ ' " ` $`. Returns it and the offset just past it.
pub(super) fn scan(text: &str, start: usize) -> Result<(Piece, usize), WordError> {
    scan_at(text, start, None, 0)
}

/// Splits a whole word into plain text and groups.
pub(super) fn split(word: &str) -> Result<Vec<Piece>, WordError> {
    let bytes = word.as_bytes();
    let mut pieces = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let next = find(bytes, pos, b"\\$`'\"").unwrap_or(bytes.len());
        if next > pos {
            pieces.push(Piece::Text(word[pos..next].to_string()));
        }
        if next == bytes.len() {
            break;
        }
        let (piece, end) = scan(word, next).map_err(|error| match error.message {
            UNTERMINATED => WordError { offset: error.offset, message: "invalid token" },
            _ => error,
        })?;
        pieces.push(piece);
        pos = end;
    }
    Ok(pieces)
}

/// A word with its quotes removed, as BitBake reads a here-document
/// delimiter. Expansions other than quotes keep their delimiters.
pub(super) fn unquote(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        unquote_piece(piece, &mut out);
    }
    out
}

fn unquote_piece(piece: &Piece, out: &mut String) {
    match piece {
        Piece::Text(text) => out.push_str(text),
        Piece::Group(group) => {
            let quote = matches!(group.open, Open::Backslash | Open::Single | Open::Double);
            let (open, close) = group.open.delimiters();
            if !quote {
                out.push_str(open);
            }
            for inner in &group.pieces {
                unquote_piece(inner, out);
            }
            if !quote {
                out.push_str(close);
            }
        }
    }
}

const UNTERMINATED: &str = "unterminated quoted string or expansion";

fn unterminated(offset: usize) -> WordError {
    WordError { offset, message: UNTERMINATED }
}

fn find(bytes: &[u8], from: usize, set: &[u8]) -> Option<usize> {
    bytes[from..].iter().position(|byte| set.contains(byte)).map(|at| from + at)
}

fn char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn scan_at(
    text: &str,
    start: usize,
    parent: Option<Open>,
    depth: usize,
) -> Result<(Piece, usize), WordError> {
    if depth > MAX_DEPTH {
        return Err(WordError { offset: start, message: "quotes and expansions nest too deeply" });
    }
    let bytes = text.as_bytes();
    let next = start + 1;
    match bytes[start] {
        b'\\' => {
            if next >= bytes.len() {
                return Err(unterminated(start));
            }
            if bytes[next] == b'\n' {
                // A line continuation disappears.
                return Ok((Piece::Text(String::new()), next + 1));
            }
            let end = next + char_len(text, next);
            let escaped = &text[next..end];
            let piece = if parent.is_none_or(|open| open.escapes(escaped)) {
                Piece::Group(Group {
                    open: Open::Backslash,
                    pieces: vec![Piece::Text(escaped.into())],
                })
            } else {
                Piece::Text(format!("\\{escaped}"))
            };
            Ok((piece, end))
        }
        b'\'' => {
            let close = find(bytes, next, b"'").ok_or_else(|| unterminated(start))?;
            let inner = Piece::Text(text[next..close].to_string());
            Ok((Piece::Group(Group { open: Open::Single, pieces: vec![inner] }), close + 1))
        }
        b'"' => scan_group(text, start, next, Open::Double, b"$\\`\"", depth),
        b'`' => scan_group(text, start, next, Open::Backquote, b"$\\\"'`", depth),
        b'$' => scan_dollar(text, start, depth),
        _ => unreachable!("scan starts at a quote, a backslash or a dollar"),
    }
}

fn scan_dollar(text: &str, start: usize, depth: usize) -> Result<(Piece, usize), WordError> {
    let bytes = text.as_bytes();
    let next = start + 1;
    let Some(&first) = bytes.get(next) else {
        return Err(unterminated(start));
    };
    match first {
        b'(' => match bytes.get(next + 1) {
            None => Err(unterminated(start)),
            Some(b'(') => Err(WordError {
                offset: start,
                message: "arithmetic expansion $(( )) is not supported by BitBake's shell parser",
            }),
            Some(_) => scan_group(text, start, next + 1, Open::Paren, b"$\\`\"')", depth),
        },
        b'{' => scan_group(text, start, next + 1, Open::Brace, b"$\\`\"'}", depth),
        byte if SPECIAL_PARAMETERS.contains(&byte) => {
            let name = Piece::Text((byte as char).to_string());
            Ok((Piece::Group(Group { open: Open::Dollar, pieces: vec![name] }), next + 1))
        }
        _ => {
            let len = bytes[next..].iter().take_while(|&&byte| is_name_byte(byte)).count();
            if len == 0 {
                // A dollar before anything else is a plain character.
                return Ok((Piece::Text("$".into()), next));
            }
            let name = Piece::Text(text[next..next + len].to_string());
            Ok((Piece::Group(Group { open: Open::Dollar, pieces: vec![name] }), next + len))
        }
    }
}

/// Reads the body of a group whose opening delimiter ends before `from`, up
/// to its closing delimiter, the last byte of `stops`.
fn scan_group(
    text: &str,
    start: usize,
    from: usize,
    open: Open,
    stops: &[u8],
    depth: usize,
) -> Result<(Piece, usize), WordError> {
    let bytes = text.as_bytes();
    let close = stops[stops.len() - 1];
    let mut pieces = Vec::new();
    let mut pos = from;
    loop {
        let at = find(bytes, pos, stops).ok_or_else(|| unterminated(start))?;
        if at > pos {
            pieces.push(Piece::Text(text[pos..at].to_string()));
        }
        if bytes[at] == close {
            return Ok((Piece::Group(Group { open, pieces }), at + 1));
        }
        let (piece, end) = scan_at(text, at, Some(open), depth + 1)?;
        pieces.push(piece);
        pos = end;
    }
}
