//! Tokens of a shell function body, classified as BitBake's shell lexer does.
//!
//! Some of BitBake's choices differ from a POSIX shell's and are kept here on
//! purpose:
//! - reserved words are recognised wherever they stand, not only where a
//!   command may start, and `in` only as the third token after `for` or `case`;
//! - a word with `=` is an assignment only when it ends the input, since the
//!   check looks at what ended the word and anything at all counts;
//! - digits are a file descriptor number when `<` or `>` follows at once;
//! - the tokens after a here-document operator on its line are held back and
//!   come after the document's content, which is one token;
//! - an empty here-document gives no content token, which the grammar then
//!   refuses, and so does a here-document whose body would start at the end of
//!   the input.

use super::word;
use super::ShellError;

/// What a token is to the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Newline,
    IoNumber,
    Assignment,
    HereName,
    AndIf,
    OrIf,
    DoubleSemi,
    HereDoc,
    HereDocDash,
    Append,
    LessAnd,
    GreatAnd,
    LessGreat,
    Clobber,
    Amp,
    Semi,
    Less,
    Great,
    LParen,
    RParen,
    If,
    Then,
    Else,
    Elif,
    Fi,
    Do,
    Done,
    Case,
    Esac,
    While,
    Until,
    For,
    LBrace,
    RBrace,
    Bang,
    In,
    Pipe,
}

/// A token and the byte offset it starts at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Kind,
    pub text: String,
    pub offset: usize,
}

/// Splits `text` into tokens.
pub(super) fn tokenize(text: &str) -> Result<Vec<Token>, ShellError> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        state: State::Normal,
        token: String::new(),
        raw: Raw::Word,
        start: 0,
        heredoc: None,
        in_heredoc_body: false,
        for_count: None,
        tokens: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

/// What the lexer is in the middle of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Normal,
    Operator,
    Comment,
}

/// A token's kind before it is classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Raw {
    Word,
    Operator,
    Newline,
    Comment,
}

/// A token held back until the here-document before it has been read.
struct Pending {
    text: String,
    raw: Raw,
    end: String,
    offset: usize,
}

/// A here-document whose operator has been seen.
struct HereDocument {
    strip_tabs: bool,
    delimiter: Option<String>,
    pendings: Vec<Pending>,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    state: State,
    /// The token being read, and its kind and offset.
    token: String,
    raw: Raw,
    start: usize,
    heredoc: Option<HereDocument>,
    in_heredoc_body: bool,
    /// Tokens since the last `for` or `case`, while fewer than three.
    for_count: Option<u32>,
    tokens: Vec<Token>,
}

const OPERATORS: &[(&str, Kind)] = &[
    ("&&", Kind::AndIf),
    ("||", Kind::OrIf),
    (";;", Kind::DoubleSemi),
    ("<<", Kind::HereDoc),
    (">>", Kind::Append),
    ("<&", Kind::LessAnd),
    (">&", Kind::GreatAnd),
    ("<>", Kind::LessGreat),
    ("<<-", Kind::HereDocDash),
    (">|", Kind::Clobber),
    ("&", Kind::Amp),
    (";", Kind::Semi),
    ("<", Kind::Less),
    (">", Kind::Great),
    ("(", Kind::LParen),
    (")", Kind::RParen),
];

const RESERVED: &[(&str, Kind)] = &[
    ("if", Kind::If),
    ("then", Kind::Then),
    ("else", Kind::Else),
    ("elif", Kind::Elif),
    ("fi", Kind::Fi),
    ("do", Kind::Do),
    ("done", Kind::Done),
    ("case", Kind::Case),
    ("esac", Kind::Esac),
    ("while", Kind::While),
    ("until", Kind::Until),
    ("for", Kind::For),
    ("{", Kind::LBrace),
    ("}", Kind::RBrace),
    ("!", Kind::Bang),
    ("in", Kind::In),
    ("|", Kind::Pipe),
];

fn operator(text: &str) -> Option<Kind> {
    OPERATORS.iter().find(|(op, _)| *op == text).map(|&(_, kind)| kind)
}

/// Whether `text` starts some operator. `|` does, though it is a word.
fn is_operator_prefix(text: &str) -> bool {
    OPERATORS.iter().any(|(op, _)| op.starts_with(text))
}

/// Whether all of `text` but one optional final newline (which BitBake's
/// pattern lets through) is made of bytes `accept` takes, and at least one.
fn all_bytes(text: &str, accept: impl Fn(u8) -> bool) -> bool {
    let text = text.strip_suffix('\n').unwrap_or(text);
    !text.is_empty() && text.bytes().all(accept)
}

fn is_name(text: &str) -> bool {
    all_bytes(text, |byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

fn is_number(text: &str) -> bool {
    all_bytes(text, |byte| byte.is_ascii_digit())
}

impl Lexer<'_> {
    fn error(&self, offset: usize, message: impl Into<String>) -> ShellError {
        ShellError::at(self.text, offset, message)
    }

    fn run(&mut self) -> Result<(), ShellError> {
        loop {
            if self.in_heredoc_body {
                self.read_heredoc()?;
                continue;
            }
            if self.pos >= self.text.len() {
                self.end_token("")?;
                if self.state == State::Operator {
                    self.state = State::Normal;
                    continue;
                }
                break;
            }
            match self.state {
                State::Normal => self.normal()?,
                State::Operator => self.operator()?,
                State::Comment => self.comment()?,
            }
        }
        if self.heredoc.is_some() {
            return Err(self.error(self.text.len(), "missing here-document delimiter"));
        }
        Ok(())
    }

    fn append(&mut self, text: &str, at: usize) {
        if self.token.is_empty() {
            self.start = at;
        }
        self.token.push_str(text);
    }

    fn normal(&mut self) -> Result<(), ShellError> {
        let byte = self.text.as_bytes()[self.pos];
        match byte {
            b'\n' => {
                self.end_token("\n")?;
                self.token.push('\n');
                self.raw = Raw::Newline;
                self.start = self.pos;
                self.end_token("")?;
                self.pos += 1;
            }
            b'\\' | b'\'' | b'"' | b'`' | b'$' => {
                let (piece, end) = word::scan(self.text, self.pos)
                    .map_err(|error| self.error(error.offset, error.message))?;
                self.append(&piece.text(), self.pos);
                self.pos = end;
            }
            b'&' | b'|' | b';' | b'<' | b'>' | b'(' | b')' => {
                self.end_token(&self.text[self.pos..self.pos + 1])?;
                self.raw = Raw::Operator;
                self.append(&self.text[self.pos..self.pos + 1], self.pos);
                self.pos += 1;
                self.state = State::Operator;
            }
            b' ' | b'\t' => {
                self.end_token(&self.text[self.pos..self.pos + 1])?;
                self.pos += 1;
            }
            b'#' if self.token.is_empty() => {
                self.state = State::Comment;
                self.raw = Raw::Comment;
                self.pos += 1;
            }
            _ => self.take_char(),
        }
        Ok(())
    }

    fn take_char(&mut self) {
        let len = self.text[self.pos..].chars().next().map_or(1, char::len_utf8);
        let at = self.pos;
        self.append(&self.text[at..at + len], at);
        self.pos += len;
    }

    fn operator(&mut self) -> Result<(), ShellError> {
        let next = self.text[self.pos..].chars().next().map_or(1, char::len_utf8);
        let following = &self.text[self.pos..self.pos + next];
        if is_operator_prefix(&format!("{}{following}", self.token)) {
            self.token.push_str(following);
            self.pos += next;
        } else {
            self.end_token(following)?;
            self.state = State::Normal;
        }
        Ok(())
    }

    /// Reads a comment up to its newline. BitBake refuses a comment that the
    /// input ends in the middle of, though not a lone `#` at the very end.
    fn comment(&mut self) -> Result<(), ShellError> {
        let Some(len) = self.text[self.pos..].find('\n') else {
            return Err(self.error(self.pos, "comment not ended by a newline"));
        };
        self.token.push_str(&self.text[self.pos..self.pos + len]);
        self.pos += len;
        self.state = State::Normal;
        Ok(())
    }

    /// Ends the token being read; `end` is what ended it, empty at the end
    /// of the input.
    fn end_token(&mut self, end: &str) -> Result<(), ShellError> {
        if self.token.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.token);
        let raw = std::mem::replace(&mut self.raw, Raw::Word);
        self.classify(text, raw, end, self.start)
    }

    fn classify(
        &mut self,
        text: String,
        raw: Raw,
        end: &str,
        offset: usize,
    ) -> Result<(), ShellError> {
        if let Some(heredoc) = &mut self.heredoc {
            if heredoc.delimiter.is_some() {
                // Held back until the here-document has been read.
                if raw == Raw::Newline {
                    self.in_heredoc_body = true;
                }
                heredoc.pendings.push(Pending { text, raw, end: end.to_string(), offset });
                return Ok(());
            }
            if raw != Raw::Word {
                return Err(
                    self.error(offset, format!("expecting here-document name, got '{text}'"))
                );
            }
            let pieces = word::split(&text)
                .map_err(|error| ShellError::at(self.text, offset, error.message))?;
            heredoc.delimiter = Some(word::unquote(&pieces));
            self.emit(Kind::HereName, text, offset);
            return Ok(());
        }
        let kind = match raw {
            Raw::Comment => return Ok(()),
            Raw::Newline => Kind::Newline,
            Raw::Operator => match operator(&text) {
                Some(kind) => {
                    if matches!(kind, Kind::HereDoc | Kind::HereDocDash) {
                        self.heredoc = Some(HereDocument {
                            strip_tabs: kind == Kind::HereDocDash,
                            delimiter: None,
                            pendings: Vec::new(),
                        });
                    }
                    kind
                }
                None => self.classify_word(&text, end),
            },
            Raw::Word => self.classify_word(&text, end),
        };
        self.emit(kind, text, offset);
        Ok(())
    }

    fn classify_word(&mut self, text: &str, end: &str) -> Kind {
        if text.contains('=') && end.is_empty() {
            let name = &text[..text.find('=').unwrap_or(0)];
            return if is_name(name) { Kind::Assignment } else { Kind::Word };
        }
        match RESERVED.iter().find(|(word, _)| *word == text) {
            Some((_, Kind::In)) if self.for_count != Some(2) => Kind::Word,
            Some(&(_, kind)) => {
                if matches!(kind, Kind::For | Kind::Case) {
                    self.for_count = Some(0);
                }
                kind
            }
            None if is_number(text) && (end == "<" || end == ">") => Kind::IoNumber,
            // Only a here-document's content can be these as a word.
            None if text == ";" => Kind::Semi,
            None if text == "&" => Kind::Amp,
            None => Kind::Word,
        }
    }

    fn emit(&mut self, kind: Kind, text: String, offset: usize) {
        if let Some(count) = self.for_count {
            self.for_count = if count + 1 == 3 { None } else { Some(count + 1) };
        }
        self.tokens.push(Token { kind, text, offset });
    }

    /// Reads the body of the pending here-document, then lets the content
    /// and the held-back tokens through.
    fn read_heredoc(&mut self) -> Result<(), ShellError> {
        let Some(heredoc) = self.heredoc.take() else {
            unreachable!("a here-document body is read only after its operator");
        };
        if self.pos >= self.text.len() {
            return Err(self.error(self.pos, "here-document body missing at the end of the input"));
        }
        let delimiter = heredoc.delimiter.unwrap_or_default();
        if delimiter.is_empty() {
            return Err(self.error(self.pos, "invalid empty here-document delimiter"));
        }
        let start = self.pos;
        let mut content = String::new();
        loop {
            let (line, eol, next) = match unescaped_newline(self.text, self.pos) {
                Some(at) => (&self.text[self.pos..at], "\n", at + 1),
                None => (&self.text[self.pos..], "", self.text.len()),
            };
            let line = if heredoc.strip_tabs { line.trim_start_matches('\t') } else { line };
            self.pos = next;
            if line == delimiter {
                break;
            }
            content.push_str(line);
            content.push_str(eol);
            if eol.is_empty() {
                break;
            }
        }
        self.in_heredoc_body = false;
        self.state = State::Normal;
        if !content.is_empty() {
            self.classify(content, Raw::Word, &delimiter, start)?;
        }
        for pending in heredoc.pendings {
            if !pending.text.is_empty() {
                self.classify(pending.text, pending.raw, &pending.end, pending.offset)?;
            }
        }
        Ok(())
    }
}

/// The first newline from `from` that no backslash escapes.
fn unescaped_newline(text: &str, from: usize) -> Option<usize> {
    let mut escaped = false;
    for (at, byte) in text.bytes().enumerate().skip(from) {
        if escaped {
            escaped = false;
        } else if byte == b'\\' {
            escaped = true;
        } else if byte == b'\n' {
            return Some(at);
        }
    }
    None
}
