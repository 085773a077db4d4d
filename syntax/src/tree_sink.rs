//! Builds the rowan tree. Grammar events are in logical-line coordinates;
//! the sink maps them back onto the source, splitting tokens around line
//! continuations so that every byte of the input lands in exactly one token.

use std::borrow::Cow;

use rowan::{GreenNode, GreenNodeBuilder, TextRange, TextSize};

use crate::event::{Event, Span};
use crate::grammar::LineDiagnostic;
use crate::lines::PhysLine;
use crate::{Severity, SyntaxError, SyntaxKind};

/// A statement made of one or more physical lines: the source ranges BitBake
/// keeps, in order, and the lines they span. What lies between two pieces
/// (a backslash and a line break) BitBake drops.
#[derive(Clone, Debug)]
pub(crate) struct LogicalLine {
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) pieces: Vec<Span>,
    /// Where the statement's content ends; dropped text between the last
    /// piece and this offset (backslashes at the end of the file) is a
    /// trailing continuation.
    pub(crate) content_end: usize,
}

/// A piece of the logical line and where it lies in the source.
#[derive(Clone, Copy, Debug)]
struct Segment {
    joined_start: usize,
    source_start: usize,
    len: usize,
}

/// A logical line's text, with the map back to the source.
pub(crate) struct Joined<'t> {
    pub(crate) text: Cow<'t, str>,
    /// Where the logical line's first kept piece starts in the source.
    source_start: usize,
    /// Dropped text before the first kept piece, if any.
    leading_gap: Option<Span>,
    /// The pieces of a line joined from several; empty for a single line.
    segments: Vec<Segment>,
    /// Source ranges of the continuations; gap `i` follows segment `i`.
    gaps: Vec<Span>,
}

pub(crate) struct TreeSink<'t> {
    text: &'t str,
    builder: GreenNodeBuilder<'static>,
    errors: Vec<SyntaxError>,
}

impl<'t> TreeSink<'t> {
    pub(crate) fn new(text: &'t str) -> TreeSink<'t> {
        TreeSink { text, builder: GreenNodeBuilder::new(), errors: Vec::new() }
    }

    pub(crate) fn finish_tree(self) -> (GreenNode, Vec<SyntaxError>) {
        (self.builder.finish(), self.errors)
    }

    pub(crate) fn start(&mut self, kind: SyntaxKind) {
        self.builder.start_node(kind.into());
    }

    pub(crate) fn finish(&mut self) {
        self.builder.finish_node();
    }

    /// A token over `start..end` of the source; empty tokens are skipped.
    pub(crate) fn raw_token(&mut self, kind: SyntaxKind, start: usize, end: usize) {
        if start < end {
            self.builder.token(kind.into(), &self.text[start..end]);
        }
    }

    /// The trailing white space and the line break of `line`.
    pub(crate) fn line_end(&mut self, line: PhysLine) {
        self.raw_token(SyntaxKind::WHITESPACE, line.content_end, line.text_end);
        self.raw_token(SyntaxKind::NEWLINE, line.text_end, line.end);
    }

    pub(crate) fn error(&mut self, start: usize, end: usize, severity: Severity, message: String) {
        let range = TextRange::new(offset(start), offset(end.max(start)));
        self.errors.push(SyntaxError { range, message, severity });
    }

    /// The text of `logical` as BitBake sees it, with the map back to the
    /// source.
    pub(crate) fn joined(&self, logical: &LogicalLine) -> Joined<'t> {
        let pieces: Vec<Span> =
            logical.pieces.iter().copied().filter(|piece| piece.start < piece.end).collect();
        let Some(last) = pieces.last().copied() else {
            let start = logical.pieces.first().map_or(logical.content_end, |piece| piece.start);
            return Joined {
                text: Cow::Borrowed(""),
                source_start: start,
                leading_gap: None,
                segments: Vec::new(),
                gaps: vec![Span::new(start, logical.content_end)],
            };
        };
        // Lines that contribute nothing (a lone backslash) precede the first
        // kept piece; their text is a leading continuation.
        let start = logical.pieces[0].start;
        let leading_gap = (start < pieces[0].start).then(|| Span::new(start, pieces[0].start));
        if pieces.len() == 1 && last.end == logical.content_end && leading_gap.is_none() {
            return Joined {
                text: Cow::Borrowed(&self.text[last.start..last.end]),
                source_start: last.start,
                leading_gap: None,
                segments: Vec::new(),
                gaps: Vec::new(),
            };
        }
        let mut text = String::new();
        let mut segments = Vec::with_capacity(pieces.len());
        let mut gaps = Vec::with_capacity(pieces.len());
        for (index, piece) in pieces.iter().enumerate() {
            segments.push(Segment {
                joined_start: text.len(),
                source_start: piece.start,
                len: piece.end - piece.start,
            });
            text.push_str(&self.text[piece.start..piece.end]);
            let gap_end = pieces.get(index + 1).map_or(logical.content_end, |next| next.start);
            if piece.end < gap_end {
                gaps.push(Span::new(piece.end, gap_end));
            }
        }
        Joined {
            text: Cow::Owned(text),
            source_start: pieces[0].start,
            leading_gap,
            segments,
            gaps,
        }
    }

    /// Emits the events of one logical line, and records its diagnostics.
    pub(crate) fn emit(
        &mut self,
        joined: &Joined<'_>,
        events: &[Event],
        diagnostics: &[LineDiagnostic],
    ) {
        if let Some(gap) = joined.leading_gap {
            self.raw_token(SyntaxKind::LINE_CONT, gap.start, gap.end);
        }
        let mut cursor = GapCursor { next_gap: 0, segment: 0 };
        let mut depth = 0usize;
        for (index, event) in events.iter().enumerate() {
            match *event {
                Event::Start(kind) => {
                    if let Some(next_start) = next_token_start(&events[index + 1..]) {
                        self.flush_gaps_before(joined, &mut cursor, next_start);
                    }
                    self.start(kind);
                    depth += 1;
                }
                Event::Token(kind, span) => self.mapped_token(joined, &mut cursor, kind, span),
                Event::Finish => {
                    if depth == 1 {
                        self.flush_gaps_before(joined, &mut cursor, usize::MAX);
                    }
                    depth = depth.saturating_sub(1);
                    self.finish();
                }
            }
        }
        self.flush_gaps_before(joined, &mut cursor, usize::MAX);
        for diagnostic in diagnostics {
            let start = map_offset(joined, diagnostic.span.start);
            let end = map_offset(joined, diagnostic.span.end);
            self.error(start, end, diagnostic.severity, diagnostic.message.clone());
        }
    }

    /// Emits the events of a single physical line starting at `line_start`.
    pub(crate) fn emit_single_line(&mut self, line_start: usize, events: &[Event]) {
        for event in events {
            match *event {
                Event::Start(kind) => self.start(kind),
                Event::Token(kind, span) => {
                    self.raw_token(kind, line_start + span.start, line_start + span.end)
                }
                Event::Finish => self.finish(),
            }
        }
    }

    fn mapped_token(
        &mut self,
        joined: &Joined<'_>,
        cursor: &mut GapCursor,
        kind: SyntaxKind,
        span: Span,
    ) {
        if span.start >= span.end {
            return;
        }
        if joined.segments.is_empty() {
            let source_start = joined.source_start;
            self.raw_token(kind, source_start + span.start, source_start + span.end);
            return;
        }
        let mut index = cursor.segment;
        while index < joined.segments.len() {
            let segment = joined.segments[index];
            let segment_end = segment.joined_start + segment.len;
            let low = span.start.max(segment.joined_start);
            let high = span.end.min(segment_end);
            if low < high {
                self.flush_gaps_through_segment(joined, cursor, index);
                let source_low = segment.source_start + (low - segment.joined_start);
                self.raw_token(kind, source_low, source_low + (high - low));
            }
            if segment_end >= span.end {
                break;
            }
            index += 1;
        }
        cursor.segment = index.min(joined.segments.len().saturating_sub(1));
    }

    /// Emits the continuations that come before segment `segment`.
    fn flush_gaps_through_segment(
        &mut self,
        joined: &Joined<'_>,
        cursor: &mut GapCursor,
        segment: usize,
    ) {
        while cursor.next_gap < segment && cursor.next_gap < joined.gaps.len() {
            let gap = joined.gaps[cursor.next_gap];
            self.raw_token(SyntaxKind::LINE_CONT, gap.start, gap.end);
            cursor.next_gap += 1;
        }
    }

    /// Emits the continuations that lie at or before `joined_offset`.
    fn flush_gaps_before(
        &mut self,
        joined: &Joined<'_>,
        cursor: &mut GapCursor,
        joined_offset: usize,
    ) {
        while cursor.next_gap < joined.gaps.len() {
            let gap_position = joined
                .segments
                .get(cursor.next_gap + 1)
                .map_or(usize::MAX, |segment| segment.joined_start);
            if gap_position > joined_offset && joined_offset != usize::MAX {
                break;
            }
            let gap = joined.gaps[cursor.next_gap];
            self.raw_token(SyntaxKind::LINE_CONT, gap.start, gap.end);
            cursor.next_gap += 1;
        }
    }
}

struct GapCursor {
    next_gap: usize,
    segment: usize,
}

fn next_token_start(events: &[Event]) -> Option<usize> {
    events.iter().find_map(|event| match event {
        Event::Token(_, span) if span.start < span.end => Some(span.start),
        _ => None,
    })
}

/// Maps an offset of the logical line to the source.
fn map_offset(joined: &Joined<'_>, joined_offset: usize) -> usize {
    let Some(first) = joined.segments.first() else {
        return joined.source_start + joined_offset.min(joined.text.len());
    };
    let segment = joined
        .segments
        .iter()
        .rev()
        .find(|segment| segment.joined_start <= joined_offset)
        .unwrap_or(first);
    segment.source_start + (joined_offset - segment.joined_start).min(segment.len)
}

fn offset(value: usize) -> TextSize {
    TextSize::try_from(value).unwrap_or(TextSize::new(u32::MAX))
}
