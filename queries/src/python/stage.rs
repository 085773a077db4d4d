//! Running metadata's Python on a whole parse state, for finalisation and
//! for the configuration's events: one `d` object per datastore, which the
//! parse state moves into for each Python step and out of for each Rust
//! step, so that the Python objects stored in `d` live across the steps.

use pyo3::prelude::*;
use pyo3::types::PyList;

use super::datasmart::DataSmart;
use super::runtime::with_python;
use super::session::{classify, describe, PendingOutcome, PythonSession};
use crate::datastore::Provenance;
use crate::eval::ParseState;

/// A Python step that failed: the exception's last line, and what it was.
#[derive(Debug)]
pub(crate) struct StepFailure {
    pub(crate) message: String,
    pub(crate) outcome: PendingOutcome,
}

fn failure(py: Python<'_>, error: &PyErr) -> StepFailure {
    StepFailure { message: describe(py, error), outcome: classify(py, error) }
}

fn no_python(message: String) -> StepFailure {
    StepFailure { message, outcome: PendingOutcome::Nothing }
}

/// The `d` of one datastore under finalisation, and its session.
pub(crate) struct PythonStage {
    d: Py<DataSmart>,
    session: Py<PyAny>,
}

impl PythonStage {
    pub(crate) fn new(session: &PythonSession, prov: Provenance) -> Result<Self, String> {
        with_python(|py| -> PyResult<Self> {
            let data = DataSmart::new(ParseState::default(), prov, session.session.clone_ref(py));
            let d = Py::new(py, data)?;
            Ok(PythonStage { d, session: session.session.clone_ref(py) })
        })?
        .map_err(|error| with_python(|py| describe(py, &error)).unwrap_or_default())
    }

    /// Moves the parse state into `d`.
    pub(crate) fn put(&self, state: ParseState) {
        let _ = with_python(|py| self.d.bind(py).borrow_mut().state = state);
    }

    /// Moves the parse state out of `d`.
    pub(crate) fn take(&self) -> ParseState {
        with_python(|py| std::mem::take(&mut self.d.bind(py).borrow_mut().state))
            .unwrap_or_default()
    }

    /// Fires `bb.event.NAME(*args)` at the handlers registered so far; a
    /// string list argument is passed as a Python list.
    pub(crate) fn fire(
        &self,
        event: &str,
        file: Option<&str>,
        list: Option<&[String]>,
    ) -> Result<(), StepFailure> {
        with_python(|py| {
            let run = || -> PyResult<()> {
                let kind = py.import("bb.event")?.getattr(event)?;
                let made = match (file, list) {
                    (Some(file), Some(list)) => kind.call1((file, PyList::new(py, list)?))?,
                    (Some(file), None) => kind.call1((file,))?,
                    _ => kind.call0()?,
                };
                self.session.bind(py).call_method1("fire", (made, self.d.bind(py)))?;
                Ok(())
            };
            run().map_err(|error| failure(py, &error))
        })
        .map_err(no_python)?
    }

    /// Registers an event handler from its body and event mask.
    pub(crate) fn register(
        &self,
        name: &str,
        body: &str,
        mask: &[String],
        file: &str,
    ) -> Result<(), StepFailure> {
        with_python(|py| {
            let run = || -> PyResult<()> {
                let mask = PyList::new(py, mask)?;
                self.session.bind(py).call_method1("register", (name, body, mask, file))?;
                Ok(())
            };
            run().map_err(|error| failure(py, &error))
        })
        .map_err(no_python)?
    }

    /// Registers the event handler `name` as `state` defines it: its body,
    /// its file and its `eventmask`. `false` if it has no definition.
    pub(crate) fn register_from(
        &self,
        state: &ParseState,
        name: &str,
    ) -> Result<bool, StepFailure> {
        let datastore = &state.datastore;
        let Some(file) = datastore.get_var_flag(name, "filename", false).ok().flatten() else {
            return Ok(false);
        };
        let body = datastore.get_var(name, false).ok().flatten().unwrap_or_default();
        let mask = datastore.get_var_flag(name, "eventmask", true).ok().flatten();
        let mask: Vec<String> =
            mask.unwrap_or_default().split_whitespace().map(str::to_owned).collect();
        self.register(name, &body, &mask, &file)?;
        Ok(true)
    }

    /// Runs one anonymous function, named `name`, with `d`.
    pub(crate) fn run_anonymous(
        &self,
        name: &str,
        body: &str,
        file: &str,
    ) -> Result<(), StepFailure> {
        with_python(|py| {
            let run = || -> PyResult<()> {
                let args = (self.d.bind(py), name, body, file);
                self.session.bind(py).call_method1("run_function", args)?;
                Ok(())
            };
            run().map_err(|error| failure(py, &error))
        })
        .map_err(no_python)?
    }
}
