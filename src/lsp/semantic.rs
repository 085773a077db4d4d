//! Semantic tokens for a whole document, from the buffer's syntax tree:
//! variable and function names, override suffixes (`:append`,
//! `:class-native`), flags (`[doc]`), `${NAME}` references, `${@...}`
//! inline Python, values, function bodies (shell, or Python with the
//! `python` modifier), keywords, operators and comments.

use std::io;

use lsp_types::{
    Position, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens,
    SemanticTokensLegend, SemanticTokensParams, SemanticTokensResult,
};
use rbake_syntax::{FileKind, SyntaxKind, SyntaxKind::*, SyntaxNode, SyntaxToken};

use super::documents::{uri_to_path, LineMap};
use super::server::Server;
use super::Failure;

/// The token types, in the legend's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Variable,
    Function,
    /// An override suffix.
    Modifier,
    /// A flag, `[flag]`.
    Property,
    /// `${NAME}` and `${@...}`.
    Macro,
    /// Values and function bodies.
    String,
    Keyword,
    Comment,
    Operator,
}

/// The legend's modifier bits.
pub const DECLARATION: u32 = 1;
/// Python code: inline `${@...}`, a `python` function's or a `def`'s body.
pub const PYTHON: u32 = 2;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: vec![
            SemanticTokenType::VARIABLE,
            SemanticTokenType::FUNCTION,
            SemanticTokenType::MODIFIER,
            SemanticTokenType::PROPERTY,
            SemanticTokenType::MACRO,
            SemanticTokenType::STRING,
            SemanticTokenType::KEYWORD,
            SemanticTokenType::COMMENT,
            SemanticTokenType::OPERATOR,
        ],
        token_modifiers: vec![
            SemanticTokenModifier::DECLARATION,
            SemanticTokenModifier::new("python"),
        ],
    }
}

pub fn semantic_tokens<W: io::Write>(
    server: &mut Server<W>,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>, Failure> {
    let Some(path) = uri_to_path(&params.text_document.uri) else { return Ok(None) };
    let text = server.text_of(&path)?;
    let data = encode(&text, &spans(&text, FileKind::from_path(&path)));
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data })))
}

/// A classified byte range of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: Type,
    pub modifiers: u32,
}

/// The classified ranges of a text, in order, adjacent ones of one class
/// merged.
pub fn spans(text: &str, kind: FileKind) -> Vec<Span> {
    let parse = rbake_syntax::parse(text, kind);
    let mut out: Vec<Span> = Vec::new();
    for token in parse.syntax_node().descendants_with_tokens().filter_map(|e| e.into_token()) {
        let Some((kind, modifiers)) = classify(&token) else { continue };
        let range = token.text_range();
        let (start, end) = (range.start().into(), range.end().into());
        // Each override suffix is a token of its own, its colon included.
        let apart = token.kind() == COLON;
        match out.last_mut() {
            Some(last)
                if last.end == start
                    && last.kind == kind
                    && last.modifiers == modifiers
                    && !apart =>
            {
                last.end = end;
            }
            _ => out.push(Span { start, end, kind, modifiers }),
        }
    }
    out
}

fn classify(token: &SyntaxToken) -> Option<(Type, u32)> {
    let kind = token.kind();
    match kind {
        COMMENT => return Some((Type::Comment, 0)),
        WHITESPACE | NEWLINE | LINE_CONT | ERROR_TEXT => return None,
        _ if is_keyword(kind) => return Some((Type::Keyword, 0)),
        _ if kind.is_assign_op() => return Some((Type::Operator, 0)),
        _ => {}
    }
    let parent = token.parent()?;
    let mut ancestors = parent.ancestors();
    if ancestors.any(|node| node.kind() == PYTHON_EXPR) {
        return Some((Type::Macro, PYTHON));
    }
    if parent.ancestors().any(|node| node.kind() == VAR_REF) {
        return Some((Type::Macro, 0));
    }
    match parent.kind() {
        FLAG => Some((Type::Property, 0)),
        VAR_NAME => Some(name_part(token, &parent)),
        VALUE => Some((Type::String, 0)),
        BODY => {
            let python = parent.parent().is_some_and(|function| is_python(&function));
            Some((Type::String, if python { PYTHON } else { 0 }))
        }
        PYTHON_DEF if kind == IDENT => Some((Type::Function, DECLARATION)),
        PYTHON_DEF if kind == PYTHON_TEXT => Some((Type::String, PYTHON)),
        _ => None,
    }
}

/// A part of a variable's name: the name itself (a function's, in a
/// function header), or an override suffix with its colon.
fn name_part(token: &SyntaxToken, name: &SyntaxNode) -> (Type, u32) {
    let after_colon = name
        .children_with_tokens()
        .take_while(|element| element.as_token() != Some(token))
        .any(|element| element.kind() == COLON);
    if after_colon || token.kind() == COLON {
        return (Type::Modifier, 0);
    }
    let statement = name.parent().map(|node| node.kind());
    match statement {
        Some(FUNCTION) => (Type::Function, DECLARATION),
        Some(ASSIGNMENT) => (Type::Variable, DECLARATION),
        _ => (Type::Variable, 0),
    }
}

fn is_python(function: &SyntaxNode) -> bool {
    function.kind() == PYTHON_DEF
        || function.children_with_tokens().any(|element| element.kind() == PYTHON_KW)
}

fn is_keyword(kind: SyntaxKind) -> bool {
    (EXPORT_KW as u16..=DEF_KW as u16).contains(&(kind as u16))
}

/// The spans as the protocol's relative encoding, split at line breaks,
/// in UTF-16 units.
pub fn encode(text: &str, spans: &[Span]) -> Vec<SemanticToken> {
    let lines = LineMap::new(text);
    let mut out = Vec::new();
    let (mut last_line, mut last_start) = (0, 0);
    for span in spans {
        let mut start = span.start;
        while start < span.end {
            let from = lines.position(text, start);
            let line_start = lines.offset(text, Position::new(from.line, 0)).unwrap_or(start);
            let line_text = lines.line(text, from.line as usize).unwrap_or_default();
            let line_end = line_start + line_text.len();
            let end = span.end.min(line_end);
            if end > start {
                let length = text[start..end].encode_utf16().count() as u32;
                let delta_line = from.line - last_line;
                let delta_start =
                    if delta_line == 0 { from.character - last_start } else { from.character };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length,
                    token_type: span.kind as u32,
                    token_modifiers_bitset: span.modifiers,
                });
                (last_line, last_start) = (from.line, from.character);
            }
            match lines.offset(text, Position::new(from.line + 1, 0)) {
                Ok(next) if next > start => start = next,
                _ => break,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_over_a_line_break_is_split() {
        let text = "ab\ncd\n";
        let spans = [Span { start: 1, end: 5, kind: Type::String, modifiers: 0 }];
        let tokens: Vec<[u32; 5]> = encode(text, &spans)
            .iter()
            .map(|t| {
                [t.delta_line, t.delta_start, t.length, t.token_type, t.token_modifiers_bitset]
            })
            .collect();
        assert_eq!(tokens, [[0, 1, 1, 5, 0], [1, 0, 2, 5, 0]]);
    }
}
