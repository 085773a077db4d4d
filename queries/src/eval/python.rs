//! Where the interpreter meets metadata's Python: messages logged by
//! `bb.warn` and friends become diagnostics, failed expansions become
//! errors or skips, and `def` and `addpylib` statements feed the session.

use std::path::Path;

use crate::datastore::ExpansionError;
use crate::eval::{Diagnostic, Fatal, Interpreter, Severity, Site};
use crate::python::{take_messages, take_pending_outcome, PendingOutcome};

impl Interpreter<'_> {
    /// Turns the messages metadata's Python logged into diagnostics.
    pub(crate) fn take_python_messages(&mut self, site: Option<&Site<'_>>, path: &Path) {
        for message in take_messages() {
            let severity = match message.level.as_str() {
                "warn" => Severity::Warning,
                "error" | "fatal" => Severity::Error,
                _ => continue,
            };
            self.diagnostics.push(Diagnostic {
                file: site.map_or(path, |site| site.path).to_path_buf(),
                statement: site.map(|site| site.statement),
                severity,
                message: message.text,
                line_col: None,
            });
        }
    }

    /// Reports a failed expansion: a `SkipRecipe` raised by inline Python
    /// skips the recipe, a `BBHandledException` was reported already, and
    /// anything else is an error with the Python traceback.
    pub(crate) fn expansion_failed(
        &mut self,
        site: Option<&Site<'_>>,
        path: &Path,
        error: ExpansionError,
    ) -> Fatal {
        self.python_failed(site, path, error.to_string(), take_pending_outcome())
    }

    /// Reports a failure of Python code run for the parse.
    pub(crate) fn python_failed(
        &mut self,
        site: Option<&Site<'_>>,
        path: &Path,
        message: String,
        outcome: PendingOutcome,
    ) -> Fatal {
        match outcome {
            PendingOutcome::Skip(reason) => {
                self.skipped = Some(reason);
            }
            PendingOutcome::Handled => {}
            PendingOutcome::Other(traceback) if !traceback.is_empty() => {
                let message = format!("{message}\nTraceback (most recent call last):\n{traceback}");
                self.error(site, path, message);
            }
            PendingOutcome::Other(_) | PendingOutcome::Nothing => self.error(site, path, message),
        }
        Fatal
    }

    /// A top-level `def`: BitBake runs it at once, so a later inline
    /// expression can call it; a syntax error in it stops the parse.
    pub(crate) fn run_def(&mut self, text: &str, site: &Site<'_>) -> Result<(), Fatal> {
        let result = match self.python.session(&self.state) {
            Ok(session) => session.add_def(text, site.file_name),
            // Without an interpreter, inline Python stays unexpanded.
            Err(_) => Ok(()),
        };
        result.map_err(|message| {
            self.error(
                Some(site),
                site.path,
                format!("Error in compiling python function: {message}"),
            );
            Fatal
        })
    }

    /// `addpylib DIR NAMESPACE`: the directory goes on Python's path and the
    /// namespace into every later session.
    pub(crate) fn add_pylib(
        &mut self,
        dir: &str,
        namespace: &str,
        site: &Site<'_>,
    ) -> Result<(), Fatal> {
        let dir = self.expand(dir, site)?;
        let entry = (dir, namespace.to_owned());
        if !self.state.pylibs.contains(&entry) {
            self.state.pylibs.push(entry);
            self.python.reset();
        }
        Ok(())
    }
}
