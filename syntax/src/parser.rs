//! The line-level driver: splits a file into physical lines, joins them into
//! logical lines as BitBake does for each kind of file, tracks function and
//! `def` bodies, and hands each logical line to the grammar.
//!
//! Recipes, classes, includes and appends follow BitBake's recipe reader;
//! `.conf` files follow its configuration reader. The two differ in how
//! comments and continuations combine, and only the first knows functions.

use crate::event::{Event, Span};
use crate::grammar::{classify, LineClass, LineDiagnostic, LineSink};
use crate::lexer::{lex_template, TextMode};
use crate::lines::{split_lines, PhysLine};
use crate::tree_sink::{LogicalLine, TreeSink};
use crate::{FileKind, Severity, SyntaxError, SyntaxKind::*};

/// A configuration statement as read, or the lines of one BitBake refuses.
enum ConfStatement {
    Complete(LogicalLine),
    Broken { last: usize, kind: crate::SyntaxKind },
}

/// What the reader is inside of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    /// Between statements.
    None,
    /// A `{ ... }` function body.
    Function { python: bool, header_line: usize },
    /// A top-level Python `def`.
    Def,
}

pub(crate) struct Parser<'t> {
    text: &'t str,
    kind: FileKind,
    lines: Vec<PhysLine>,
    sink: TreeSink<'t>,
    events: Vec<Event>,
    line_diagnostics: Vec<LineDiagnostic>,
}

impl<'t> Parser<'t> {
    pub(crate) fn new(text: &'t str, kind: FileKind) -> Parser<'t> {
        Parser {
            text,
            kind,
            lines: split_lines(text),
            sink: TreeSink::new(text),
            events: Vec::new(),
            line_diagnostics: Vec::new(),
        }
    }

    pub(crate) fn parse(mut self) -> (rowan::GreenNode, Vec<SyntaxError>) {
        self.sink.start(ROOT);
        match self.kind {
            FileKind::Conf => self.parse_conf(),
            FileKind::Recipe => self.parse_recipe(),
        }
        self.sink.finish();
        self.sink.finish_tree()
    }

    fn parse_recipe(&mut self) {
        let mut block = Block::None;
        let mut residue: Option<usize> = None;
        for index in 0..self.lines.len() {
            let line = self.lines[index];
            let content = line.content(self.text);
            match block {
                Block::Function { python, .. } => {
                    if content == "}" {
                        self.sink.finish();
                        self.sink.raw_token(R_CURLY, line.start, line.content_end);
                        self.sink.finish();
                        self.sink.line_end(line);
                        block = Block::None;
                    } else {
                        self.body_line(line, python);
                    }
                    continue;
                }
                Block::Def => {
                    let continues = content.is_empty()
                        || content.starts_with('#')
                        || content.starts_with(|c: char| crate::lines::is_py_space(c));
                    if continues {
                        self.body_line(line, true);
                        continue;
                    }
                    self.sink.finish();
                    self.sink.finish();
                    block = Block::None;
                }
                Block::None => {}
            }

            if let Some(first) = residue {
                let residue_is_comment = self.lines[first].starts_with_hash(self.text);
                if self.lines[first].content(self.text) == "\\" {
                    // BitBake cannot even classify a statement that starts
                    // with an empty continued line: it fails with an
                    // internal error.
                    let start = self.lines[first].start;
                    self.error_at(
                        start,
                        start + 1,
                        "a line holding only a backslash cannot start a statement",
                    );
                    self.raw_lines(first, index - 1, ERROR_TEXT);
                    residue = None;
                } else if line.starts_with_hash(self.text) && !residue_is_comment {
                    self.error_at(
                        line.start,
                        line.content_end,
                        "a comment in the middle of a multi-line statement; BitBake refuses this",
                    );
                    self.raw_lines(first, index - 1, ERROR_TEXT);
                    residue = None;
                } else if residue_is_comment && !line.starts_with_hash(self.text) {
                    self.confusing_comment(first);
                    self.raw_lines(first, index - 1, COMMENT);
                    residue = None;
                }
            }
            if line.ends_with_backslash(self.text) {
                residue.get_or_insert(index);
                continue;
            }
            let first = residue.take().unwrap_or(index);
            let pieces = (first..=index)
                .map(|i| {
                    let piece = self.lines[i];
                    let end = if i < index { piece.content_end - 1 } else { piece.content_end };
                    Span::new(piece.start, end)
                })
                .collect();
            block = self.logical_line(LogicalLine {
                first,
                last: index,
                pieces,
                content_end: line.content_end,
            });
        }
        if let Some(first) = residue {
            self.error_at(
                self.lines[first].start,
                self.lines[self.lines.len() - 1].content_end,
                "the file ends inside a statement continued with a backslash",
            );
            self.raw_lines(first, self.lines.len() - 1, ERROR_TEXT);
        }
        match block {
            Block::None => {}
            Block::Def => {
                self.sink.finish();
                self.sink.finish();
            }
            Block::Function { header_line, .. } => {
                let header = self.lines[header_line];
                self.error_at(
                    header.start,
                    header.content_end,
                    "this function is never closed: no line holds only `}`",
                );
                self.sink.finish();
                self.sink.finish();
            }
        }
    }

    fn parse_conf(&mut self) {
        let mut index = 0;
        while index < self.lines.len() {
            let line = self.lines[index];
            if line.is_blank() {
                self.sink.line_end(line);
                index += 1;
                continue;
            }
            match self.conf_statement(index) {
                ConfStatement::Complete(logical) => {
                    index = logical.last + 1;
                    self.logical_line(logical);
                }
                ConfStatement::Broken { last, kind } => {
                    self.raw_lines(index, last, kind);
                    index = last + 1;
                }
            }
        }
    }

    /// Reads one statement of a configuration file starting at line `first`,
    /// as BitBake's configuration reader does: while the text so far ends
    /// with a backslash, the backslash goes and the next line (stripped) is
    /// appended, even a blank one. At the end of the file nothing is
    /// appended, so every trailing backslash goes.
    fn conf_statement(&mut self, first: usize) -> ConfStatement {
        let text = self.text.as_bytes();
        let is_comment = self.lines[first].starts_with_hash(self.text);
        let mut pieces = vec![Span::new(self.lines[first].start, self.lines[first].content_end)];
        let mut last = first;
        loop {
            let Some(tail) = pieces.iter_mut().rev().find(|piece| piece.start < piece.end) else {
                let start = self.lines[first].start;
                self.error_at(start, start + 1, "a line holding only a backslash continues onto a blank line; BitBake cannot parse this");
                return ConfStatement::Broken { last, kind: ERROR_TEXT };
            };
            if text[tail.end - 1] != b'\\' {
                break;
            }
            let next = self.lines.get(last + 1).copied();
            if is_comment && !next.is_some_and(|next| next.starts_with_hash(self.text)) {
                self.confusing_comment(first);
                return ConfStatement::Broken { last, kind: COMMENT };
            }
            tail.end -= 1;
            if let Some(next) = next {
                last += 1;
                pieces.push(Span::new(next.start, next.content_end));
            }
        }
        let content_end = self.lines[last].content_end;
        ConfStatement::Complete(LogicalLine { first, last, pieces, content_end })
    }

    /// Parses one logical line and returns the block it opens, if any.
    fn logical_line(&mut self, logical: LogicalLine) -> Block {
        let joined = self.sink.joined(&logical);
        let mut events = std::mem::take(&mut self.events);
        let mut diagnostics = std::mem::take(&mut self.line_diagnostics);
        events.clear();
        diagnostics.clear();
        let mut block = Block::None;
        if joined.text.starts_with('#') {
            events.push(Event::token(COMMENT, 0, joined.text.len()));
        } else if !joined.text.is_empty() {
            let mut line_sink = LineSink { events: &mut events, diagnostics: &mut diagnostics };
            match classify(&joined.text, self.kind, &mut line_sink) {
                LineClass::Complete => {}
                LineClass::FunctionHeader { python } => {
                    block = Block::Function { python, header_line: logical.first };
                }
                LineClass::DefHeader => block = Block::Def,
            }
        }
        self.sink.emit(&joined, &events, &diagnostics);
        self.sink.line_end(self.lines[logical.last]);
        if block != Block::None {
            self.sink.start(BODY);
        }
        self.events = events;
        self.line_diagnostics = diagnostics;
        block
    }

    /// One line of a function or `def` body.
    fn body_line(&mut self, line: PhysLine, python: bool) {
        let content = line.content(self.text);
        if python && content.trim_start_matches(' ').starts_with('\t') {
            self.sink.error(
                line.start,
                line.start + content.find('\t').unwrap_or(0) + 1,
                Severity::Warning,
                "Python code should be indented with spaces, but this line uses a tab".into(),
            );
        }
        let text_kind = if python { PYTHON_TEXT } else { BODY_TEXT };
        let mut events = std::mem::take(&mut self.events);
        events.clear();
        lex_template(content, 0, TextMode::Whole(text_kind), &mut events);
        self.sink.emit_single_line(line.start, &events);
        self.sink.line_end(line);
        self.events = events;
    }

    /// Emits lines `first..=last` as they are, one token of `kind` each.
    fn raw_lines(&mut self, first: usize, last: usize, kind: crate::SyntaxKind) {
        if kind == ERROR_TEXT {
            self.sink.start(ERROR);
        }
        for index in first..=last {
            let line = self.lines[index];
            self.sink.raw_token(kind, line.start, line.content_end);
            self.sink.line_end(line);
        }
        if kind == ERROR_TEXT {
            self.sink.finish();
        }
    }

    fn confusing_comment(&mut self, first: usize) {
        let line = self.lines[first];
        self.error_at(
            line.start,
            line.content_end,
            "this comment ends with a backslash, so it continues onto a line that is not a comment; BitBake refuses this",
        );
    }

    fn error_at(&mut self, start: usize, end: usize, message: &str) {
        self.sink.error(start, end, Severity::Error, message.to_string());
    }
}
