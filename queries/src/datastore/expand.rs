//! The vocabulary of expansion: the result ([`Expanded`]), the error
//! ([`ExpansionError`]), the boundary to a Python interpreter
//! ([`PythonEvaluator`]) and the two reference patterns.
//!
//! A reference is `${NAME}` where NAME is one or more of the characters
//! `a-z A-Z 0-9 - _ + . / ~ :`. Inline Python is `${@CODE}`, where the end
//! is the first `}` that leaves any `{ ... }` group in CODE closed if that
//! is possible on the line (BitBake's lazy pattern, which the `regex` crate
//! reproduces because its leftmost-first matching picks the same match as a
//! backtracking engine).

use std::collections::BTreeSet;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use super::DataStore;

/// The result of expanding a text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    /// The expanded text.
    pub value: String,
    /// Every name that a `${NAME}` in the text (or in what the expansion of
    /// the text produced) referred to, defined or not. Names referred to
    /// only by the values of those names are not included: each value has
    /// its own references.
    pub references: BTreeSet<String>,
    /// The inline Python expressions that were handed to the evaluator, in
    /// the order first met. Expressions that still contained a `${NAME}`
    /// were not handed over (BitBake does not run those either).
    pub python: Vec<String>,
}

impl Expanded {
    /// Whether the value still holds inline Python, either because the
    /// evaluator left it alone or because it contains an undefined `${NAME}`.
    pub fn has_unexpanded_python(&self) -> bool {
        PYTHON_REF.is_match(&self.value)
    }
}

/// Runs inline Python (`${@...}`) for the expansion. `code` is the text
/// between `${@` and `}`. The result replaces the whole `${@...}`; an error
/// becomes an [`ExpansionError`] with [`ErrorCause::Python`], whose message
/// should read like Python's (`ValueError: ...`).
///
/// An evaluator that reads `ds` (for `d.getVar`) starts a new read, which
/// does not know the variables the calling read is expanding: a cycle
/// through Python is not caught here, so the evaluator must bound its own
/// nesting.
pub trait PythonEvaluator {
    fn eval(&mut self, code: &str, ds: &DataStore) -> Result<String, String>;

    /// Applies a variable filter (BitBake's `setVarFilter`): `expression`
    /// is Python over `val`. An evaluator that runs no Python leaves the
    /// value alone.
    fn apply_filter(&mut self, value: &str, _expression: &str) -> Result<String, String> {
        Ok(value.to_owned())
    }

    /// Whether this evaluator runs Python at all. Values computed with one
    /// that does not are not reused for one that does.
    fn runs_python(&self) -> bool {
        true
    }

    /// Runs `work` with this evaluator's session as the running one, so
    /// that Python called from outside an expansion (the code parser, for
    /// signatures) sees the parse's functions, as BitBake's global context
    /// does.
    fn with_session(&mut self, work: &mut dyn FnMut()) {
        work();
    }
}

/// The evaluator of this crate: it runs nothing and gives back the
/// expression as it was, so the expansion keeps it verbatim.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoPython;

impl PythonEvaluator for NoPython {
    fn eval(&mut self, code: &str, _ds: &DataStore) -> Result<String, String> {
        Ok(format!("${{@{code}}}"))
    }

    fn runs_python(&self) -> bool {
        false
    }
}

/// Why an expansion failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorCause {
    /// A text being expanded as the value of NAME contains `${NAME}`.
    SelfReference(String),
    /// Expanding a variable needed the same variable again through other
    /// variables, references nested too deep, or a rename went on renaming.
    /// BitBake recurses until Python's recursion limit; here the names in
    /// expansion are reported, outermost first.
    Recursion(Vec<String>),
    /// The evaluator failed on an inline Python expression.
    Python { code: String, message: String },
    /// The override list did not settle (BitBake's fatal error after five
    /// rounds). The lists are the successive values.
    UnstableOverrides(Vec<Vec<String>>),
    /// A name set with `_append`, `_prepend` or `_remove` in it, which
    /// BitBake takes for the old override syntax and refuses.
    OldOverrideSyntax(String),
}

impl ErrorCause {
    /// The exception as BitBake would print it: `Type: message`.
    fn describe(&self) -> String {
        match self {
            ErrorCause::SelfReference(name) => {
                format!("Exception: variable {name} references itself!")
            }
            ErrorCause::Recursion(cycle) => {
                format!("RecursionError: maximum recursion depth exceeded: {}", cycle.join(" -> "))
            }
            ErrorCause::Python { message, .. } => message.clone(),
            ErrorCause::OldOverrideSyntax(name) => format!(
                "Variable {name} contains an operation using the old override syntax. \
                 Please convert this layer/metadata before attempting to use with a newer bitbake."
            ),
            ErrorCause::UnstableOverrides(rounds) => {
                let rounds: Vec<String> = rounds.iter().map(|r| format!("{r:?}")).collect();
                format!(
                    "overrides could not be expanded into a stable state after 5 iterations: {}",
                    rounds.join("\n")
                )
            }
        }
    }
}

/// A failed expansion, with the chain of variables being expanded when it
/// happened, innermost first (BitBake's "variable dependency chain").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpansionError {
    /// The name the failing text was expanded for (`A`, `A[flag]`, `A[:=]`),
    /// if any.
    pub varname: Option<String>,
    /// The text whose expansion failed, as it was at the failing round.
    pub expression: Option<String>,
    pub cause: ErrorCause,
    pub chain: Vec<String>,
}

impl ExpansionError {
    pub(super) fn new(varname: Option<&str>, expression: Option<&str>, cause: ErrorCause) -> Self {
        let present = |s: &Option<&str>| s.is_some_and(|s| !s.is_empty());
        let first = [varname, expression].into_iter().find(present).flatten().unwrap_or("");
        ExpansionError {
            varname: varname.map(str::to_owned),
            expression: expression.map(str::to_owned),
            cause,
            chain: vec![first.to_owned()],
        }
    }

    /// An error outside any expansion, or one that BitBake raises past the
    /// expansion machinery: it has no chain.
    pub(super) fn fatal(cause: ErrorCause) -> Self {
        ExpansionError { varname: None, expression: None, cause, chain: Vec::new() }
    }

    pub(super) fn is_fatal(&self) -> bool {
        matches!(self.cause, ErrorCause::UnstableOverrides(_) | ErrorCause::OldOverrideSyntax(_))
    }

    /// Adds an outer variable to the chain.
    pub(super) fn add_var(&mut self, varname: Option<&str>) {
        if let Some(name) = varname.filter(|n| !n.is_empty()) {
            self.chain.push(name.to_owned());
        }
    }
}

impl fmt::Display for ExpansionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exc = self.cause.describe();
        if self.chain.is_empty() {
            return f.write_str(&exc);
        }
        let expr = self.expression.as_deref().filter(|e| !e.is_empty());
        match (self.varname.as_deref().filter(|v| !v.is_empty()), expr) {
            (Some(var), Some(expr)) => write!(
                f,
                "Failure expanding variable {var}, expression was {expr} which triggered exception {exc}"
            )?,
            (Some(var), None) => write!(f, "Failure expanding variable {var}: {exc}")?,
            (None, expr) => write!(
                f,
                "Failure expanding expression {} which triggered exception {exc}",
                expr.unwrap_or("None")
            )?,
        }
        write!(f, "\nThe variable dependency chain for the failure is: {}", self.chain.join(" -> "))
    }
}

impl std::error::Error for ExpansionError {}

/// BitBake's inline Python pattern.
pub(super) static PYTHON_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{@(?:\{.*?\}|.)+?\}").expect("valid pattern"));

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'.' | b'/' | b'~' | b':')
}

/// The `${NAME}` references of `s`, left to right and not overlapping, as
/// byte ranges of the whole `${NAME}`.
pub(super) fn var_refs(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = s.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while let Some(off) = s[pos..].find("${") {
            let start = pos + off;
            let name_len = bytes[start + 2..].iter().take_while(|&&b| is_name_byte(b)).count();
            let close = start + 2 + name_len;
            if name_len > 0 && bytes.get(close) == Some(&b'}') {
                pos = close + 1;
                return Some((start, close + 1));
            }
            pos = start + 1;
        }
        pos = bytes.len();
        None
    })
}

/// Whether `c` is white space for Python's `str.split()` and `\s`: Rust's
/// definition plus the four separator controls U+001C to U+001F.
pub(super) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.split()` with no argument.
pub(super) fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(py_isspace).filter(|w| !w.is_empty())
}
