//! The kinds of tokens and nodes in a BitBake syntax tree, and the rowan
//! language that ties them to `rowan`'s untyped tree.

/// Declares the kinds once: the enum, and the table that maps raw values
/// back to kinds without `unsafe`.
macro_rules! syntax_kinds {
    ($($(#[$doc:meta])* $kind:ident,)*) => {
        /// Every token and node kind. Tokens come first, nodes after `ROOT`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u16)]
        #[allow(non_camel_case_types)]
        pub enum SyntaxKind {
            $($(#[$doc])* $kind,)*
        }

        /// Every kind, in declaration order, so that `ALL_KINDS[k as usize] == k`.
        const ALL_KINDS: &[SyntaxKind] = &[$(SyntaxKind::$kind,)*];
    };
}

syntax_kinds! {
    // Trivia.
    /// Horizontal white space.
    WHITESPACE,
    /// `\n`, `\r\n` or `\r`.
    NEWLINE,
    /// A backslash at the end of a line, with the white space and the line
    /// break after it. BitBake joins the two lines and drops this token.
    LINE_CONT,
    /// A comment line, from `#` to the end of the line.
    COMMENT,

    // Punctuation and operators.
    /// `=`
    EQ,
    /// `:=`
    COLON_EQ,
    /// `?=`
    QUESTION_EQ,
    /// `??=`
    DOUBLE_QUESTION_EQ,
    /// `+=`
    PLUS_EQ,
    /// `=+`
    EQ_PLUS,
    /// `.=`
    DOT_EQ,
    /// `=.`
    EQ_DOT,
    /// `:` between the parts of a variable name.
    COLON,
    /// `[`
    L_BRACK,
    /// `]`
    R_BRACK,
    /// `(`
    L_PAREN,
    /// `)`
    R_PAREN,
    /// `{`
    L_CURLY,
    /// `}`
    R_CURLY,
    /// `"` or `'` around a value.
    QUOTE,
    /// `${` opening a variable reference.
    DOLLAR_CURLY,
    /// `${@` opening an inline Python expression.
    DOLLAR_CURLY_AT,

    // Words.
    /// A run of name characters: part of a variable, flag or function name.
    IDENT,
    /// A white-space separated argument of a directive.
    WORD,
    /// Literal text inside a value.
    TEXT,
    /// Python source inside `${@...}`.
    PYTHON_TEXT,
    /// A line of a function body, or a part of one.
    BODY_TEXT,
    /// Text that could not be parsed.
    ERROR_TEXT,

    // Keywords.
    EXPORT_KW,
    UNSET_KW,
    INCLUDE_KW,
    INCLUDE_ALL_KW,
    REQUIRE_KW,
    INHERIT_KW,
    INHERIT_DEFER_KW,
    ADDTASK_KW,
    DELTASK_KW,
    AFTER_KW,
    BEFORE_KW,
    ADDHANDLER_KW,
    ADDPYLIB_KW,
    ADDFRAGMENTS_KW,
    EXPORT_FUNCTIONS_KW,
    PYTHON_KW,
    FAKEROOT_KW,
    DEF_KW,

    // Nodes.
    /// The whole file.
    ROOT,
    /// `[export] NAME[flag] OP "value"`
    ASSIGNMENT,
    /// The name of a variable, with its override suffixes.
    VAR_NAME,
    /// `[flag]` after a variable name.
    FLAG,
    /// A quoted value, quotes included.
    VALUE,
    /// `${NAME}`
    VAR_REF,
    /// `${@python}`
    PYTHON_EXPR,
    /// `export NAME`
    EXPORT,
    /// `unset NAME` or `unset NAME[flag]`
    UNSET,
    /// `include FILE...`
    INCLUDE,
    /// `include_all FILE`
    INCLUDE_ALL,
    /// `require FILE...`
    REQUIRE,
    /// `inherit CLASS...`
    INHERIT,
    /// `inherit_defer CLASS...`
    INHERIT_DEFER,
    /// `addtask TASK [after ...] [before ...]`
    ADDTASK,
    /// `deltask TASK...`
    DELTASK,
    /// `addhandler HANDLER...`
    ADDHANDLER,
    /// `addpylib DIR NAMESPACE`
    ADDPYLIB,
    /// `addfragments PATH VAR VAR VAR`
    ADDFRAGMENTS,
    /// `EXPORT_FUNCTIONS FUNC...`
    EXPORT_FUNCTIONS,
    /// The arguments of a directive.
    ARGS,
    /// `[python] [fakeroot] NAME () { BODY }`
    FUNCTION,
    /// A top-level Python `def`, with its indented body.
    PYTHON_DEF,
    /// The lines of a function, between its braces.
    BODY,
    /// A logical line that is no statement BitBake knows.
    ERROR,
}

use SyntaxKind::*;

impl SyntaxKind {
    /// Whether the kind is trivia: white space, line breaks, continuations
    /// and comments.
    pub fn is_trivia(self) -> bool {
        matches!(self, WHITESPACE | NEWLINE | LINE_CONT | COMMENT)
    }

    /// Whether the kind is an assignment operator.
    pub fn is_assign_op(self) -> bool {
        matches!(
            self,
            EQ | COLON_EQ | QUESTION_EQ | DOUBLE_QUESTION_EQ | PLUS_EQ | EQ_PLUS | DOT_EQ | EQ_DOT
        )
    }

    fn from_raw(raw: u16) -> SyntaxKind {
        // Raw values only ever come from kinds this crate made.
        match ALL_KINDS.get(raw as usize) {
            Some(kind) => *kind,
            None => panic!("invalid syntax kind {raw}"),
        }
    }
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        rowan::SyntaxKind(kind as u16)
    }
}

/// The rowan language of BitBake metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BitBakeLanguage {}

impl rowan::Language for BitBakeLanguage {
    type Kind = SyntaxKind;

    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        SyntaxKind::from_raw(raw.0)
    }

    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

/// A node of the untyped tree.
pub type SyntaxNode = rowan::SyntaxNode<BitBakeLanguage>;
/// A token of the untyped tree.
pub type SyntaxToken = rowan::SyntaxToken<BitBakeLanguage>;
/// A node or a token.
pub type SyntaxElement = rowan::SyntaxElement<BitBakeLanguage>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_table_is_dense() {
        for (index, kind) in ALL_KINDS.iter().enumerate() {
            assert_eq!(*kind as usize, index, "{kind:?} is out of place");
        }
    }
}
