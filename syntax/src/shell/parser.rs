//! The grammar of BitBake's shell parser, over the tokens of [`super::lexer`].
//!
//! The parser does not build a tree: all BitBake looks at are the words of
//! each simple command, the items of `for` loops, the patterns of `case`
//! statements and the names of the functions defined, and it looks at every
//! one of them wherever it stands. So the parser checks the grammar and
//! collects those word lists.
//!
//! BitBake's grammar resolves its ambiguities by always reading on, and so does
//! this parser: arguments take reserved words such as `then`, `do` or `done`
//! (so `if a then` waits for a `then` that does not come), while `}`, `else`,
//! `esac` and the like end a command. At the top level a command may follow
//! another without a separator (`echo x (y)` runs `echo` and a subshell), but
//! not inside braces, subshells or other compound commands. Three constructs
//! BitBake parses and then refuses: a compound list that ends with `&`, a `for`
//! loop without `in`, and redirections after a function body.

use super::lexer::{Kind, Token};
use super::{Role, ShellError, Word};

/// What BitBake keeps of a parsed script.
#[derive(Debug, Default)]
pub(super) struct Script {
    /// The word lists, each looked at on its own.
    pub groups: Vec<Vec<Word>>,
    /// The names of the functions the script defines.
    pub functions: Vec<String>,
}

/// Parses the tokens of `text`.
pub(super) fn parse(text: &str, tokens: &[Token]) -> Result<Script, ShellError> {
    let mut parser = Parser { text, tokens, pos: 0, depth: 0, script: Script::default() };
    parser.program()?;
    Ok(parser.script)
}

struct Parser<'a> {
    text: &'a str,
    tokens: &'a [Token],
    pos: usize,
    /// How many compound commands enclose the current one.
    depth: usize,
    script: Script,
}

/// Compound commands nested deeper than this are refused rather than risking
/// the stack. BitBake runs out of Python recursion at a depth of the same
/// order, though where exactly depends on its own call stack.
const MAX_DEPTH: usize = 200;

/// Whether a token opens a redirection.
fn is_redirection(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::IoNumber
            | Kind::Less
            | Kind::LessAnd
            | Kind::Great
            | Kind::GreatAnd
            | Kind::Append
            | Kind::LessGreat
            | Kind::Clobber
            | Kind::HereDoc
            | Kind::HereDocDash
    )
}

/// Whether a token opens a compound command.
fn is_compound_start(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::LBrace | Kind::LParen | Kind::For | Kind::Case | Kind::If | Kind::While | Kind::Until
    )
}

/// Whether a token can start an and-or list.
fn is_command_start(kind: Kind) -> bool {
    matches!(kind, Kind::Bang | Kind::Word | Kind::Assignment)
        || is_redirection(kind)
        || is_compound_start(kind)
}

/// Whether a token is a plain word where the grammar asks for one: `fi` is.
fn is_word(kind: Kind) -> bool {
    matches!(kind, Kind::Word | Kind::Fi)
}

/// Whether a token is an argument after a command word.
fn is_argument(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Word
            | Kind::Fi
            | Kind::For
            | Kind::Done
            | Kind::Do
            | Kind::Until
            | Kind::Assignment
            | Kind::If
            | Kind::Then
            | Kind::Bang
    )
}

impl Parser<'_> {
    fn peek(&self) -> Option<Kind> {
        self.tokens.get(self.pos).map(|token| token.kind)
    }

    fn at(&self, kind: Kind) -> bool {
        self.peek() == Some(kind)
    }

    fn bump(&mut self) -> &Token {
        let token = &self.tokens[self.pos];
        self.pos += 1;
        token
    }

    fn error(&self, message: &str) -> ShellError {
        match self.tokens.get(self.pos) {
            Some(token) => ShellError::at(
                self.text,
                token.offset,
                format!("{message}, found {:?}", token.text),
            ),
            None => ShellError::at(self.text, self.text.len(), format!("{message}, found the end")),
        }
    }

    fn expect(&mut self, kind: Kind, message: &str) -> Result<(), ShellError> {
        if !self.at(kind) {
            return Err(self.error(message));
        }
        self.pos += 1;
        Ok(())
    }

    fn expect_word(&mut self, message: &str) -> Result<Word, ShellError> {
        match self.peek() {
            Some(kind) if is_word(kind) => {
                let token = self.bump();
                Ok(Word { role: Role::Other, text: token.text.clone(), offset: token.offset })
            }
            _ => Err(self.error(message)),
        }
    }

    fn skip_newlines(&mut self) {
        while self.at(Kind::Newline) {
            self.pos += 1;
        }
    }

    /// Complete commands, one after the other, after leading newlines.
    fn program(&mut self) -> Result<(), ShellError> {
        self.skip_newlines();
        while self.pos < self.tokens.len() {
            if !self.peek().is_some_and(is_command_start) {
                return Err(self.error("syntax error: expected a command"));
            }
            self.list()?;
        }
        Ok(())
    }

    /// And-or lists joined by `;` or `&`, with what ends them.
    fn list(&mut self) -> Result<(), ShellError> {
        self.and_or()?;
        loop {
            match self.peek() {
                Some(Kind::Semi | Kind::Amp) => {
                    self.separator_operator();
                    if self.peek().is_some_and(is_command_start) {
                        self.and_or()?;
                        continue;
                    }
                    self.skip_newlines();
                }
                Some(Kind::Newline) => self.skip_newlines(),
                _ => {}
            }
            return Ok(());
        }
    }

    /// `;`, `; ;` or `&`; returns whether it was `&`.
    fn separator_operator(&mut self) -> bool {
        if self.bump().kind == Kind::Amp {
            return true;
        }
        if self.at(Kind::Semi) {
            self.pos += 1;
        }
        false
    }

    /// Commands inside a compound command.
    fn compound_list(&mut self) -> Result<(), ShellError> {
        self.skip_newlines();
        if !self.peek().is_some_and(is_command_start) {
            return Err(self.error("syntax error: expected a command"));
        }
        self.and_or()?;
        loop {
            let ends_in_background = match self.peek() {
                Some(Kind::Semi | Kind::Amp) => {
                    let background = self.separator_operator();
                    self.skip_newlines();
                    background
                }
                Some(Kind::Newline) => {
                    self.skip_newlines();
                    false
                }
                _ => return Ok(()),
            };
            if self.peek().is_some_and(is_command_start) {
                self.and_or()?;
            } else if ends_in_background {
                return Err(self.error("a compound list ending with & is not implemented"));
            } else {
                return Ok(());
            }
        }
    }

    fn and_or(&mut self) -> Result<(), ShellError> {
        self.pipeline()?;
        while matches!(self.peek(), Some(Kind::AndIf | Kind::OrIf)) {
            self.pos += 1;
            self.skip_newlines();
            self.pipeline()?;
        }
        Ok(())
    }

    fn pipeline(&mut self) -> Result<(), ShellError> {
        if self.at(Kind::Bang) {
            self.pos += 1;
        }
        self.command()?;
        while self.at(Kind::Pipe) {
            self.pos += 1;
            self.skip_newlines();
            self.command()?;
        }
        Ok(())
    }

    fn command(&mut self) -> Result<(), ShellError> {
        match self.peek() {
            Some(Kind::Word)
                if self.tokens.get(self.pos + 1).is_some_and(|next| next.kind == Kind::LParen) =>
            {
                self.function_definition()
            }
            Some(kind) if is_compound_start(kind) => {
                self.compound_command()?;
                while self.peek().is_some_and(is_redirection) {
                    self.redirection()?;
                }
                Ok(())
            }
            Some(Kind::Word | Kind::Assignment) => self.simple_command(),
            Some(kind) if is_redirection(kind) => self.simple_command(),
            _ => Err(self.error("syntax error: expected a command")),
        }
    }

    fn function_definition(&mut self) -> Result<(), ShellError> {
        let name = self.bump().text.clone();
        self.pos += 1;
        self.expect(Kind::RParen, "syntax error: expected ) after ( in a function definition")?;
        self.skip_newlines();
        if !self.peek().is_some_and(is_compound_start) {
            return Err(self.error("syntax error: expected a function body"));
        }
        self.compound_command()?;
        if self.peek().is_some_and(is_redirection) {
            return Err(self.error("redirections after a function body are not implemented"));
        }
        self.script.functions.push(name);
        Ok(())
    }

    fn compound_command(&mut self) -> Result<(), ShellError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("compound commands nested too deeply"));
        }
        self.depth += 1;
        let result = self.compound_command_body();
        self.depth -= 1;
        result
    }

    fn compound_command_body(&mut self) -> Result<(), ShellError> {
        match self.bump().kind {
            Kind::LBrace => {
                self.compound_list()?;
                self.expect(Kind::RBrace, "syntax error: expected }")
            }
            Kind::LParen => {
                self.compound_list()?;
                self.expect(Kind::RParen, "syntax error: expected )")
            }
            Kind::For => self.for_loop(),
            Kind::Case => self.case_statement(),
            Kind::If => self.if_statement(),
            _ => {
                self.compound_list()?;
                self.do_group()
            }
        }
    }

    fn do_group(&mut self) -> Result<(), ShellError> {
        self.expect(Kind::Do, "syntax error: expected do")?;
        self.compound_list()?;
        self.expect(Kind::Done, "syntax error: expected done")
    }

    fn for_loop(&mut self) -> Result<(), ShellError> {
        self.expect_word("syntax error: expected a loop variable")?;
        self.skip_newlines();
        if !self.at(Kind::In) {
            return Err(self.error("a for loop without in is not implemented"));
        }
        self.pos += 1;
        let mut items = Vec::new();
        while self.peek().is_some_and(is_word) {
            items.push(self.expect_word("")?);
        }
        match self.peek() {
            Some(Kind::Semi) => {
                self.pos += 1;
                self.skip_newlines();
            }
            Some(Kind::Newline) => self.skip_newlines(),
            _ => {
                return Err(self.error("syntax error: expected ; or a newline after the for items"))
            }
        }
        self.do_group()?;
        self.script.groups.push(items);
        Ok(())
    }

    fn case_statement(&mut self) -> Result<(), ShellError> {
        self.expect_word("syntax error: expected a word after case")?;
        self.skip_newlines();
        self.expect(Kind::In, "syntax error: expected in")?;
        self.skip_newlines();
        let mut patterns = Vec::new();
        loop {
            if self.at(Kind::Esac) {
                self.pos += 1;
                break;
            }
            if self.at(Kind::LParen) {
                self.pos += 1;
            }
            patterns.push(self.expect_word("syntax error: expected a case pattern")?);
            while self.at(Kind::Pipe) {
                // BitBake records the `|` in place of each pattern after the
                // first, so substitutions there are never parsed.
                let bar = self.bump();
                let bar = Word { role: Role::Other, text: bar.text.clone(), offset: bar.offset };
                self.expect_word("syntax error: expected a case pattern")?;
                patterns.push(bar);
            }
            self.expect(Kind::RParen, "syntax error: expected ) after a case pattern")?;
            self.skip_newlines();
            if self.peek().is_some_and(is_command_start) {
                self.compound_list()?;
            }
            match self.peek() {
                Some(Kind::DoubleSemi) => {
                    self.pos += 1;
                    self.skip_newlines();
                }
                Some(Kind::Esac) => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error("syntax error: expected ;; or esac")),
            }
        }
        self.script.groups.push(patterns);
        Ok(())
    }

    fn if_statement(&mut self) -> Result<(), ShellError> {
        self.compound_list()?;
        self.expect(Kind::Then, "syntax error: expected then")?;
        self.compound_list()?;
        loop {
            match self.peek() {
                Some(Kind::Elif) => {
                    self.pos += 1;
                    self.compound_list()?;
                    self.expect(Kind::Then, "syntax error: expected then")?;
                    self.compound_list()?;
                }
                Some(Kind::Else) => {
                    self.pos += 1;
                    self.compound_list()?;
                    break;
                }
                _ => break,
            }
        }
        self.expect(Kind::Fi, "syntax error: expected fi")
    }

    fn redirection(&mut self) -> Result<(), ShellError> {
        if self.at(Kind::IoNumber) {
            self.pos += 1;
        }
        match self.peek() {
            Some(Kind::HereDoc | Kind::HereDocDash) => {
                self.pos += 1;
                self.expect(Kind::HereName, "syntax error: expected a here-document delimiter")?;
                self.expect(Kind::Word, "syntax error: expected a here-document body")
            }
            Some(kind) if is_redirection(kind) && kind != Kind::IoNumber => {
                self.pos += 1;
                self.expect(Kind::Word, "syntax error: expected a file name")
            }
            _ => Err(self.error("syntax error: expected a redirection")),
        }
    }

    fn simple_command(&mut self) -> Result<(), ShellError> {
        let mut words = Vec::new();
        let mut assignments = Vec::new();
        let mut prefixed = false;
        loop {
            match self.peek() {
                Some(Kind::Assignment) => {
                    let token = self.bump();
                    let (name, value) = token.text.split_once('=').unwrap_or((&token.text, ""));
                    assignments.push(Word {
                        role: Role::Assignment(name.to_string()),
                        text: value.to_string(),
                        offset: token.offset,
                    });
                }
                Some(kind) if is_redirection(kind) => self.redirection()?,
                _ => break,
            }
            prefixed = true;
        }
        let command_role = if prefixed { Role::CommandWord } else { Role::CommandName };
        let takes_command =
            if prefixed { self.peek().is_some_and(is_word) } else { self.at(Kind::Word) };
        if takes_command {
            let mut command = self.expect_word("")?;
            command.role = command_role;
            words.push(command);
            self.arguments(&mut words)?;
        } else if !prefixed {
            return Err(self.error("syntax error: expected a command"));
        }
        words.extend(assignments);
        self.script.groups.push(words);
        Ok(())
    }

    fn arguments(&mut self, words: &mut Vec<Word>) -> Result<(), ShellError> {
        loop {
            match self.peek() {
                Some(kind) if is_argument(kind) => {
                    let token = self.bump();
                    words.push(Word {
                        role: Role::Other,
                        text: token.text.clone(),
                        offset: token.offset,
                    });
                }
                Some(kind) if is_redirection(kind) => self.redirection()?,
                _ => return Ok(()),
            }
        }
    }
}
