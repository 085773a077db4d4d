//! Where the interpreter meets metadata's Python: messages logged by
//! `bb.warn` and friends become diagnostics, failed expansions become
//! errors or skips, `def` and `addpylib` statements feed the session, and
//! Python steps (events, handlers, anonymous functions) run on the whole
//! parse state.

use std::path::{Path, PathBuf};

use crate::datastore::{ExpansionError, Provenance};
use crate::eval::{Diagnostic, Fatal, Interpreter, Severity, Site};
use crate::python::{
    take_messages, take_pending_outcome, PendingOutcome, PythonStage, PythonTraceback, StepFailure,
};

impl Interpreter<'_> {
    /// Turns the messages metadata's Python logged into diagnostics.
    pub(crate) fn take_python_messages(&mut self, site: Option<&Site<'_>>, path: &Path) {
        for message in take_messages() {
            let severity = match message.level.as_str() {
                "warn" => Severity::Warning,
                "error" | "fatal" => Severity::Error,
                _ => continue,
            };
            self.report(severity, site, path, message.text);
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
            PendingOutcome::Other(traceback) if !traceback.text.is_empty() => {
                let text = &traceback.text;
                let message = format!("{message}\nTraceback (most recent call last):\n{text}");
                let (file, statement, line) = self.python_error_place(site, path, &traceback);
                self.diagnostics.push(Diagnostic {
                    file,
                    statement,
                    severity: Severity::Error,
                    message,
                    line_col: None,
                    line_in_statement: line,
                });
            }
            PendingOutcome::Other(_) | PendingOutcome::Nothing => self.error(site, path, message),
        }
        Fatal
    }

    /// Where a Python error is reported: in the innermost metadata function
    /// of the traceback (a named function's definition, or the anonymous
    /// function at `site`), at the failing line; else at `site`.
    fn python_error_place(
        &self,
        site: Option<&Site<'_>>,
        path: &Path,
        traceback: &PythonTraceback,
    ) -> (PathBuf, Option<u32>, Option<u32>) {
        let fallback =
            (site.map_or(path, |site| site.path).to_path_buf(), site.map(|s| s.statement), None);
        let Some((file, line, function)) = &traceback.innermost else { return fallback };
        if let Some(known) = self.state.function_sites.iter().find(|known| known.name == *function)
        {
            if known.file.as_os_str() == file.as_str() {
                return (known.file.clone(), Some(known.statement), Some(*line));
            }
        }
        match site {
            Some(site)
                if function.starts_with("__anon_") || site.path.as_os_str() == file.as_str() =>
            {
                (site.path.to_path_buf(), Some(site.statement), Some(*line))
            }
            _ => fallback,
        }
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

    /// A stage for running Python on the whole parse state, if Python runs.
    pub(crate) fn python_stage(&mut self, prov: Provenance) -> Result<PythonStage, String> {
        let session = self.python.session(&self.state)?;
        PythonStage::new(session, prov)
    }

    /// Runs one Python step on the parse state, if Python runs at all: the
    /// state moves into the stage's `d` and back, and what the step logged
    /// or raised is reported at `site` (or in `path`).
    pub(crate) fn python_step(
        &mut self,
        path: &Path,
        stage: Option<&PythonStage>,
        site: Option<&Site<'_>>,
        step: impl FnOnce(&PythonStage) -> Result<(), StepFailure>,
    ) -> Result<(), Fatal> {
        let Some(stage) = stage else { return Ok(()) };
        stage.put(std::mem::take(&mut self.state));
        let result = step(stage);
        self.state = stage.take();
        self.take_python_messages(site, path);
        result.map_err(|failure| self.python_failed(site, path, failure.message, failure.outcome))
    }

    /// Registers event handlers, each with its body and event mask from the
    /// datastore; a handler with no definition is an error. A name already
    /// registered stays as it was.
    pub(crate) fn register_handlers(
        &mut self,
        path: &Path,
        stage: Option<&PythonStage>,
        handlers: &[String],
    ) -> Result<(), Fatal> {
        let Some(stage) = stage else { return Ok(()) };
        for handler in handlers {
            match stage.register_from(&self.state, handler) {
                Ok(true) => {}
                Ok(false) => {
                    let message = format!("Undefined event handler function '{handler}'");
                    self.error(None, path, message);
                    return Err(Fatal);
                }
                Err(failure) => {
                    return Err(self.python_failed(None, path, failure.message, failure.outcome))
                }
            }
        }
        Ok(())
    }
}
