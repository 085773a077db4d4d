//! Typed views over the untyped tree.
//!
//! Each view wraps a node of one kind. Text accessors return the *logical*
//! text, the way BitBake sees it: line continuations are dropped, so a value
//! split over three lines reads as one. Every accessor returns an `Option`
//! (or an empty iterator), because any tree can be incomplete.

use crate::lines::is_py_space;
use crate::{SyntaxKind, SyntaxKind::*, SyntaxNode, SyntaxToken};

/// A typed view over a node of one kind.
pub trait AstNode: Sized {
    /// Wraps `syntax` if it has this view's kind.
    fn cast(syntax: SyntaxNode) -> Option<Self>;
    /// The underlying node.
    fn syntax(&self) -> &SyntaxNode;
}

macro_rules! ast_node {
    ($(#[$doc:meta])* $name:ident, $kind:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name {
            pub(crate) syntax: SyntaxNode,
        }

        impl AstNode for $name {
            fn cast(syntax: SyntaxNode) -> Option<Self> {
                (syntax.kind() == $kind).then_some($name { syntax })
            }

            fn syntax(&self) -> &SyntaxNode {
                &self.syntax
            }
        }
    };
}

ast_node!(/// The whole file.
    SourceFile, ROOT);
ast_node!(/// `[export] NAME[flag] OP "value"`.
    Assignment, ASSIGNMENT);
ast_node!(/// A variable or function name, with its override suffixes.
    VarName, VAR_NAME);
ast_node!(/// `[flag]`.
    Flag, FLAG);
ast_node!(/// A quoted value.
    Value, VALUE);
ast_node!(/// `${NAME}`.
    VarRef, VAR_REF);
ast_node!(/// `${@python}`.
    PythonExpr, PYTHON_EXPR);
ast_node!(/// `export NAME`.
    Export, EXPORT);
ast_node!(/// `unset NAME` or `unset NAME[flag]`.
    Unset, UNSET);
ast_node!(/// The arguments of a directive.
    Args, ARGS);
ast_node!(/// `addtask TASK [after ...] [before ...]`.
    AddTask, ADDTASK);
ast_node!(/// `[python] [fakeroot] NAME () { ... }`.
    Function, FUNCTION);
ast_node!(/// A top-level Python `def`.
    PythonDef, PYTHON_DEF);
ast_node!(/// A line that is no statement.
    ErrorLine, ERROR);

/// The directives whose only part is their arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DirectiveKind {
    Include,
    IncludeAll,
    Require,
    Inherit,
    InheritDefer,
    DelTask,
    AddHandler,
    AddPylib,
    AddFragments,
    ExportFunctions,
}

/// `include`, `inherit` and the other directives that take arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Directive {
    syntax: SyntaxNode,
    kind: DirectiveKind,
}

impl Directive {
    /// Which directive this is.
    pub fn kind(&self) -> DirectiveKind {
        self.kind
    }

    /// The underlying node.
    pub fn syntax(&self) -> &SyntaxNode {
        &self.syntax
    }

    /// The arguments, unexpanded.
    pub fn args(&self) -> Option<Args> {
        child(&self.syntax)
    }

    /// The arguments split into BitBake's groups, for `addpylib` (2) and
    /// `addfragments` (4); `None` for other directives.
    pub fn groups(&self) -> Option<Vec<String>> {
        let count = match self.kind {
            DirectiveKind::AddPylib => 2,
            DirectiveKind::AddFragments => 4,
            _ => return None,
        };
        split_groups(&self.args()?.text(), count)
    }
}

/// One statement of a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Statement {
    Assignment(Assignment),
    Export(Export),
    Unset(Unset),
    AddTask(AddTask),
    Directive(Directive),
    Function(Function),
    PythonDef(PythonDef),
    Error(ErrorLine),
}

impl Statement {
    fn cast(syntax: SyntaxNode) -> Option<Statement> {
        let directive =
            |kind| Some(Statement::Directive(Directive { syntax: syntax.clone(), kind }));
        match syntax.kind() {
            ASSIGNMENT => Some(Statement::Assignment(Assignment { syntax })),
            EXPORT => Some(Statement::Export(Export { syntax })),
            UNSET => Some(Statement::Unset(Unset { syntax })),
            ADDTASK => Some(Statement::AddTask(AddTask { syntax })),
            FUNCTION => Some(Statement::Function(Function { syntax })),
            PYTHON_DEF => Some(Statement::PythonDef(PythonDef { syntax })),
            ERROR => Some(Statement::Error(ErrorLine { syntax })),
            INCLUDE => directive(DirectiveKind::Include),
            INCLUDE_ALL => directive(DirectiveKind::IncludeAll),
            REQUIRE => directive(DirectiveKind::Require),
            INHERIT => directive(DirectiveKind::Inherit),
            INHERIT_DEFER => directive(DirectiveKind::InheritDefer),
            DELTASK => directive(DirectiveKind::DelTask),
            ADDHANDLER => directive(DirectiveKind::AddHandler),
            ADDPYLIB => directive(DirectiveKind::AddPylib),
            ADDFRAGMENTS => directive(DirectiveKind::AddFragments),
            EXPORT_FUNCTIONS => directive(DirectiveKind::ExportFunctions),
            _ => None,
        }
    }

    /// The underlying node.
    pub fn syntax(&self) -> &SyntaxNode {
        match self {
            Statement::Assignment(it) => &it.syntax,
            Statement::Export(it) => &it.syntax,
            Statement::Unset(it) => &it.syntax,
            Statement::AddTask(it) => &it.syntax,
            Statement::Directive(it) => &it.syntax,
            Statement::Function(it) => &it.syntax,
            Statement::PythonDef(it) => &it.syntax,
            Statement::Error(it) => &it.syntax,
        }
    }
}

impl SourceFile {
    /// The statements, in order.
    pub fn statements(&self) -> impl Iterator<Item = Statement> {
        self.syntax.children().filter_map(Statement::cast)
    }
}

/// The assignment operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `:=`
    Immediate,
    /// `?=`
    Default,
    /// `??=`
    WeakDefault,
    /// `+=`
    Append,
    /// `=+`
    Prepend,
    /// `.=`
    AppendNoSpace,
    /// `=.`
    PrependNoSpace,
}

impl Assignment {
    /// Whether the statement starts with `export`.
    pub fn is_exported(&self) -> bool {
        token(&self.syntax, EXPORT_KW).is_some()
    }

    pub fn name(&self) -> Option<VarName> {
        child(&self.syntax)
    }

    pub fn flag(&self) -> Option<Flag> {
        child(&self.syntax)
    }

    /// The operator token.
    pub fn op_token(&self) -> Option<SyntaxToken> {
        self.syntax
            .children_with_tokens()
            .filter_map(|it| it.into_token())
            .find(|it| it.kind().is_assign_op())
    }

    pub fn op(&self) -> Option<AssignOp> {
        Some(match self.op_token()?.kind() {
            EQ => AssignOp::Set,
            COLON_EQ => AssignOp::Immediate,
            QUESTION_EQ => AssignOp::Default,
            DOUBLE_QUESTION_EQ => AssignOp::WeakDefault,
            PLUS_EQ => AssignOp::Append,
            EQ_PLUS => AssignOp::Prepend,
            DOT_EQ => AssignOp::AppendNoSpace,
            EQ_DOT => AssignOp::PrependNoSpace,
            _ => return None,
        })
    }

    pub fn value(&self) -> Option<Value> {
        child(&self.syntax)
    }
}

impl VarName {
    /// The name as written, continuations dropped and nothing expanded.
    pub fn text(&self) -> String {
        logical_text(&self.syntax)
    }

    /// The `${...}` references inside the name.
    pub fn references(&self) -> impl Iterator<Item = VarRef> {
        self.syntax.children().filter_map(VarRef::cast)
    }
}

impl Flag {
    /// The flag's name.
    pub fn name(&self) -> Option<String> {
        token(&self.syntax, IDENT).map(|it| it.text().to_string())
    }
}

impl Value {
    /// The text between the quotes, continuations dropped.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for element in self.syntax.descendants_with_tokens() {
            if let Some(token) = element.into_token() {
                if !matches!(token.kind(), QUOTE | LINE_CONT) {
                    out.push_str(token.text());
                }
            }
        }
        out
    }

    /// The quote character, `"` or `'`.
    pub fn quote(&self) -> Option<char> {
        token(&self.syntax, QUOTE)?.text().chars().next()
    }

    /// The top-level `${NAME}` references.
    pub fn var_refs(&self) -> impl Iterator<Item = VarRef> {
        self.syntax.children().filter_map(VarRef::cast)
    }

    /// The top-level `${@...}` expressions.
    pub fn python_exprs(&self) -> impl Iterator<Item = PythonExpr> {
        self.syntax.children().filter_map(PythonExpr::cast)
    }
}

impl VarRef {
    /// The referenced name.
    pub fn name(&self) -> Option<String> {
        let text = logical_text(&self.syntax);
        Some(text.strip_prefix("${")?.strip_suffix('}')?.to_string())
    }
}

impl PythonExpr {
    /// The Python source between `${@` and `}`.
    pub fn code(&self) -> Option<String> {
        let text = logical_text(&self.syntax);
        Some(text.strip_prefix("${@")?.strip_suffix('}')?.to_string())
    }
}

impl Export {
    pub fn name(&self) -> Option<VarName> {
        child(&self.syntax)
    }
}

impl Unset {
    pub fn name(&self) -> Option<VarName> {
        child(&self.syntax)
    }

    pub fn flag(&self) -> Option<Flag> {
        child(&self.syntax)
    }
}

impl Args {
    /// The arguments as one string, continuations dropped.
    pub fn text(&self) -> String {
        logical_text(&self.syntax)
    }
}

impl AddTask {
    fn args_text(&self) -> Option<String> {
        Some(child::<Args>(&self.syntax)?.text())
    }

    /// The task names before any ` after ` or ` before `, unsplit.
    pub fn tasks(&self) -> Option<String> {
        let args = self.args_text()?;
        let before_split = args.split(" before ").next().unwrap_or_default();
        Some(before_split.split(" after ").next().unwrap_or_default().to_string())
    }

    /// What follows each ` after `, up to the next ` before `, joined by
    /// spaces; BitBake splits on the exact strings ` after ` and ` before `.
    pub fn after(&self) -> Option<String> {
        Some(clause(&self.args_text()?, " before ", " after "))
    }

    /// What follows each ` before `, up to the next ` after `.
    pub fn before(&self) -> Option<String> {
        Some(clause(&self.args_text()?, " after ", " before "))
    }
}

fn clause(args: &str, outer: &str, inner: &str) -> String {
    let mut out = String::new();
    for part in args.split(outer) {
        let pieces: Vec<&str> = part.split(inner).collect();
        if pieces.len() > 1 {
            out.push_str(&pieces[1..].join(" "));
        }
    }
    out
}

impl Function {
    /// The function's name; `None` for an anonymous function.
    pub fn name(&self) -> Option<VarName> {
        child(&self.syntax)
    }

    pub fn is_python(&self) -> bool {
        token(&self.syntax, PYTHON_KW).is_some()
    }

    pub fn is_fakeroot(&self) -> bool {
        token(&self.syntax, FAKEROOT_KW).is_some()
    }

    /// Whether the closing `}` is there.
    pub fn is_closed(&self) -> bool {
        token(&self.syntax, R_CURLY).is_some()
    }

    /// The body lines, each stripped of trailing white space, as BitBake
    /// stores them.
    pub fn body_lines(&self) -> Vec<String> {
        self.syntax
            .children()
            .find(|it| it.kind() == BODY)
            .map(|body| body_lines(&body))
            .unwrap_or_default()
    }
}

impl PythonDef {
    /// The function's name.
    pub fn name(&self) -> Option<String> {
        token(&self.syntax, IDENT).map(|it| it.text().to_string())
    }

    /// Every line of the definition, its first included, each stripped of
    /// trailing white space.
    pub fn lines(&self) -> Vec<String> {
        let mut header = String::new();
        for element in self.syntax.children_with_tokens() {
            match element {
                rowan::NodeOrToken::Token(token) if token.kind() == NEWLINE => break,
                rowan::NodeOrToken::Token(token) if token.kind() == LINE_CONT => {}
                rowan::NodeOrToken::Token(token) => header.push_str(token.text()),
                rowan::NodeOrToken::Node(node) => header.push_str(&logical_text(&node)),
            }
        }
        let header = header.trim_end_matches(is_py_space).to_string();
        let mut lines = vec![header];
        if let Some(body) = self.syntax.children().find(|it| it.kind() == BODY) {
            lines.extend(body_lines(&body));
        }
        lines
    }
}

impl ErrorLine {
    /// The line as written.
    pub fn text(&self) -> String {
        self.syntax.text().to_string()
    }
}

fn body_lines(body: &SyntaxNode) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut open = false;
    for element in body.descendants_with_tokens() {
        let Some(token) = element.into_token() else {
            continue;
        };
        match token.kind() {
            NEWLINE => {
                lines.push(std::mem::take(&mut current));
                open = false;
            }
            // White space directly in the body trails a line.
            WHITESPACE if token.parent().is_some_and(|parent| parent.kind() == BODY) => open = true,
            _ => {
                current.push_str(token.text());
                open = true;
            }
        }
    }
    if open {
        lines.push(current);
    }
    lines
}

/// The text of `node` with continuations dropped.
fn logical_text(node: &SyntaxNode) -> String {
    let mut out = String::new();
    for element in node.descendants_with_tokens() {
        if let Some(token) = element.into_token() {
            if token.kind() != LINE_CONT {
                out.push_str(token.text());
            }
        }
    }
    out
}

fn child<N: AstNode>(parent: &SyntaxNode) -> Option<N> {
    parent.children().find_map(N::cast)
}

fn token(parent: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
    parent.children_with_tokens().filter_map(|it| it.into_token()).find(|it| it.kind() == kind)
}

/// Splits `text` as `(.+)\s+(.+)...` with `count` greedy groups, the way
/// BitBake's patterns for `addpylib` and `addfragments` do.
fn split_groups(text: &str, count: usize) -> Option<Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let mut groups = Vec::with_capacity(count);
    if match_groups(&chars, 0, count, &mut groups, &mut 0) {
        Some(groups.into_iter().map(|(start, end)| chars[start..end].iter().collect()).collect())
    } else {
        None
    }
}

/// A bounded backtracking matcher; the budget keeps adversarial input from
/// taking more than linear-ish time.
fn match_groups(
    chars: &[char],
    start: usize,
    count: usize,
    groups: &mut Vec<(usize, usize)>,
    steps: &mut usize,
) -> bool {
    *steps += 1;
    if *steps > 100_000 || start >= chars.len() {
        return false;
    }
    if count == 1 {
        groups.push((start, chars.len()));
        return true;
    }
    // The group is greedy: try the longest first.
    for end in (start + 1..chars.len()).rev() {
        if !is_py_space(chars[end]) {
            continue;
        }
        // The separator is greedy too.
        let mut separator_end = end;
        while separator_end < chars.len() && is_py_space(chars[separator_end]) {
            separator_end += 1;
        }
        for rest in (end + 1..=separator_end).rev() {
            groups.push((start, end));
            if match_groups(chars, rest, count - 1, groups, steps) {
                return true;
            }
            groups.pop();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_split_like_bitbake() {
        assert_eq!(split_groups("a b", 2), Some(vec!["a".into(), "b".into()]));
        assert_eq!(split_groups("a b c", 2), Some(vec!["a b".into(), "c".into()]));
        assert_eq!(
            split_groups("a b  c d", 4),
            Some(vec!["a".into(), "b ".into(), "c".into(), "d".into()])
        );
        assert_eq!(split_groups("a b", 4), None);
    }
}
