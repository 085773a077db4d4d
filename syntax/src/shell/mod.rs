//! The commands a shell function runs, as BitBake's signature code finds them.
//!
//! BitBake signs a task with the values of the variables and functions it
//! uses. For a shell function it parses the body with its own shell parser
//! (`bb.codeparser.ShellParser`, built on the pysh lexer and grammar) and takes
//! the names of the commands the body executes: those that name another
//! function bring that function into the signature. [`shell_execs`] computes
//! the same set, with the same quirks, since any difference changes a hash:
//! - the command of a simple command is its first word, unless that word
//!   holds `=`: then the next word that holds none is the command
//!   (`A=1 B=2 cmd` gives `cmd`); a command starting with `$` is not counted;
//! - names are the raw words, quotes and backslashes included (`"echo"`);
//! - `eval` parses the words after the command word, joined by spaces;
//! - command substitutions (`$(…)` and backquotes) are parsed where they stand
//!   in a word or directly inside double quotes there, but not deeper (not in
//!   `${x:-$(cmd)}`), and not at all in redirection targets, here-documents,
//!   the word after `case` or the `case` patterns after a `|`;
//! - when the command word itself holds a substitution, the word is dropped,
//!   the simple command names no command, and the word after it is not looked
//!   at either (so `x=$(a) $(b)` gives `a` only);
//! - the functions the body defines are left out of the result.
//!
//! BitBake refuses some input a shell takes, such as `$((1 + 2))` or an empty
//! here-document; [`shell_execs`] returns a [`ShellError`] for the same input.

mod lexer;
mod parser;
mod word;

use std::collections::{BTreeSet, HashSet};
use std::fmt;

/// What a word is to BitBake.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Role {
    /// The command word of a simple command without assignments or
    /// redirections before it.
    CommandName,
    /// The command word after such a prefix.
    CommandWord,
    /// Any other word: an argument, a `for` item, a `case` pattern.
    Other,
    /// The value of an assignment before a command; the field is its
    /// variable name, which BitBake compares with the role names.
    Assignment(String),
}

/// One word and the byte offset it starts at.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    role: Role,
    text: String,
    offset: usize,
}

/// Why BitBake's shell parser would refuse a function body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellError {
    pub message: String,
    /// The line of the body, counted from 1, where the problem is.
    pub line: u32,
}

impl ShellError {
    fn at(text: &str, offset: usize, message: impl Into<String>) -> ShellError {
        ShellError { message: message.into(), line: line_at(text, offset) }
    }

    /// The same error for a text that starts on line `first` of the body.
    fn shifted(mut self, first: u32) -> ShellError {
        self.line = self.line.saturating_add(first - 1);
        self
    }
}

/// The line, counted from 1, of a byte offset in `text`.
fn line_at(text: &str, offset: usize) -> u32 {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
    u32::try_from(line).unwrap_or(u32::MAX)
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ShellError {}

/// The commands a shell function body executes, as BitBake's ShellParser
/// computes them: every command name found (including in `$(...)`, backquotes
/// and `eval` arguments, not in here-documents), minus the names of the
/// functions the body itself defines.
pub fn shell_execs(body: &str) -> Result<BTreeSet<String>, ShellError> {
    let mut finder = Finder::default();
    finder.parse(body, 1, 0)?;
    let Finder { execs, functions } = finder;
    Ok(execs.into_iter().filter(|name| !functions.contains(name)).collect())
}

/// Nested parses deeper than this are refused rather than risking the stack;
/// BitBake's own recursion limit stops it at a depth of the same order.
const MAX_NESTING: usize = 100;

/// What the parses of a body and of the code nested in it found.
#[derive(Default)]
struct Finder {
    execs: BTreeSet<String>,
    functions: HashSet<String>,
}

/// A word's role as BitBake compares it: assignment values carry their
/// variable name there, so `cmd_name=...` passes for a command name.
fn effective_role(word: &Word) -> &Role {
    match &word.role {
        Role::Assignment(name) => match name.as_str() {
            "cmd_name" => &Role::CommandName,
            "cmd_word" => &Role::CommandWord,
            "TOKEN" => &Role::Other,
            _ => &word.role,
        },
        role => role,
    }
}

fn is_command_role(word: &Word) -> bool {
    matches!(effective_role(word), Role::CommandName | Role::CommandWord)
}

impl Finder {
    /// Parses `text`, which starts on line `first` of the body, and records
    /// what it runs and defines.
    fn parse(&mut self, text: &str, first: u32, depth: usize) -> Result<(), ShellError> {
        if depth > MAX_NESTING {
            return Err(ShellError { message: "code nested too deeply".into(), line: first });
        }
        let tokens = lexer::tokenize(text).map_err(|error| error.shifted(first))?;
        if tokens.is_empty() {
            return Ok(());
        }
        let script = parser::parse(text, &tokens).map_err(|error| error.shifted(first))?;
        self.functions.extend(script.functions);
        for group in script.groups {
            self.words(text, first, depth, group)?;
        }
        Ok(())
    }

    /// Looks at the words of one simple command, `for` item list or set of
    /// `case` patterns.
    fn words(
        &mut self,
        text: &str,
        first: u32,
        depth: usize,
        mut words: Vec<Word>,
    ) -> Result<(), ShellError> {
        let line_of = |word: &Word| line_at(text, word.offset).saturating_add(first - 1);
        let mut index = 0;
        while index < words.len() {
            let word = &words[index];
            let line = line_of(word);
            let commands =
                substitutions(&word.text).map_err(|message| ShellError { message, line })?;
            for command in &commands {
                self.parse(command, line, depth + 1)?;
            }
            if !commands.is_empty() && is_command_role(word) {
                // BitBake drops the word from the list it is walking, and so
                // steps over the word after it.
                let found = words
                    .iter()
                    .position(|other| other.role == word.role && other.text == word.text)
                    .unwrap_or(index);
                words.remove(found);
            }
            index += 1;
        }
        let mut after_assignment = false;
        for word in &words {
            let role = effective_role(word);
            let candidate = matches!(role, Role::CommandName | Role::CommandWord)
                || (after_assignment && *role == Role::Other);
            if !candidate {
                continue;
            }
            if word.text.contains('=') {
                after_assignment = true;
                continue;
            }
            if word.text.starts_with('$') {
                // A command BitBake cannot know without running the code.
            } else if word.text == "eval" {
                let arguments: Vec<&str> =
                    words[1..].iter().map(|word| word.text.as_str()).collect();
                self.parse(&arguments.join(" "), line_of(word), depth + 1)?;
            } else {
                self.execs.insert(word.text.clone());
            }
            break;
        }
        Ok(())
    }
}

/// The code of the command substitutions of a word that BitBake parses: those
/// at the top of the word and those directly inside its double quotes.
fn substitutions(word: &str) -> Result<Vec<String>, String> {
    let pieces = word::split(word).map_err(|error| error.message.to_string())?;
    let mut found = Vec::new();
    for piece in &pieces {
        let word::Piece::Group(group) = piece else { continue };
        match group.open {
            word::Open::Paren | word::Open::Backquote => found.push(group.inner_text()),
            word::Open::Double => {
                for inner in &group.pieces {
                    if let word::Piece::Group(inner) = inner {
                        if matches!(inner.open, word::Open::Paren | word::Open::Backquote) {
                            found.push(inner.inner_text());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests;
