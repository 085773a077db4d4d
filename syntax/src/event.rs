//! Events: the flat output of the grammar, in logical-line coordinates, that
//! the tree builder turns into rowan nodes and tokens.

use crate::SyntaxKind;

/// A byte range `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// One step of building the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// Opens a node.
    Start(SyntaxKind),
    /// A token over a range of the logical line.
    Token(SyntaxKind, Span),
    /// Closes the innermost open node.
    Finish,
}

impl Event {
    pub(crate) fn token(kind: SyntaxKind, start: usize, end: usize) -> Event {
        Event::Token(kind, Span::new(start, end))
    }
}
