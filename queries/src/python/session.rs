//! The Rust side of a `bb._runtime.Session`: the [`PythonEvaluator`] that
//! the datastore calls for inline Python, and the thread-local state that
//! carries Python's own exceptions and messages back across Rust frames.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyList;

use super::datasmart::DataSmart;
use super::runtime::{runtime, with_python};
use crate::datastore::{DataStore, PythonEvaluator};

/// How deep inline expressions may nest (an expression reading a variable
/// whose value holds another expression, and so on) before the expansion
/// fails as BitBake's would at Python's recursion limit.
const MAX_INLINE_DEPTH: u32 = 40;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The exception an inline expression raised, kept so that the Python
    /// caller above the datastore gets it back (a `SkipRecipe` must stay a
    /// `SkipRecipe`), and so that Rust callers can tell a skip from an error.
    static PENDING: RefCell<Option<PyErr>> = const { RefCell::new(None) };
    /// Messages from `bb.note`, `bb.warn` and the rest, in order.
    static MESSAGES: RefCell<Vec<Message>> = const { RefCell::new(Vec::new()) };
}

/// A message that metadata's Python logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// `debug`, `plain`, `note`, `verbnote`, `warn`, `error` or `fatal`.
    pub level: String,
    pub text: String,
}

pub(crate) fn push_message(level: String, text: String) {
    MESSAGES.with(|messages| messages.borrow_mut().push(Message { level, text }));
}

/// The messages logged on this thread since the last call.
pub fn take_messages() -> Vec<Message> {
    MESSAGES.with(|messages| std::mem::take(&mut *messages.borrow_mut()))
}

/// The exception the last failing inline expression raised on this thread.
pub(crate) fn take_pending() -> Option<PyErr> {
    PENDING.with(|pending| pending.borrow_mut().take())
}

/// One parse's Python namespace and handlers.
pub struct PythonSession {
    pub(crate) session: Py<PyAny>,
    /// The classes the parse has inherited, which an inline expression's
    /// `d` reads as `__inherit_cache` (`bb.data.inherits_class`).
    pub(crate) inherited: Arc<Vec<PathBuf>>,
}

impl PythonSession {
    /// A new session whose namespace holds the layers' Python libraries
    /// (`addpylib` entries: directory and namespace) and the modules named
    /// in BB_GLOBAL_PYMODULES.
    pub fn new(pylibs: &[(String, String)], global_modules: &[String]) -> Result<Self, String> {
        with_python(|py| -> PyResult<Self> {
            let pylibs = PyList::new(py, pylibs)?;
            let modules = PyList::new(py, global_modules)?;
            let session = runtime(py)?.getattr("Session")?.call1((pylibs, modules))?;
            Ok(PythonSession { session: session.unbind(), inherited: Arc::default() })
        })?
        .map_err(|error| with_python(|py| describe(py, &error)).unwrap_or_default())
    }

    pub(crate) fn from_handle(session: Py<PyAny>, inherited: Arc<Vec<PathBuf>>) -> Self {
        PythonSession { session, inherited }
    }

    /// Runs a top-level `def` into the namespace.
    pub fn add_def(&self, text: &str, filename: &str) -> Result<(), String> {
        with_python(|py| {
            self.session
                .bind(py)
                .call_method1("add_def", (text, filename))
                .map(drop)
                .map_err(|error| describe(py, &error))
        })?
    }
}

impl PythonEvaluator for PythonSession {
    fn with_session(&mut self, work: &mut dyn FnMut()) {
        let entered = with_python(|py| -> PyResult<()> {
            runtime(py)?.getattr("enter")?.call1((self.session.bind(py),))?;
            Ok(())
        });
        work();
        if matches!(entered, Ok(Ok(()))) {
            let _ =
                with_python(|py| runtime(py).and_then(|r| r.getattr("leave")?.call0()).map(drop));
        }
    }

    fn eval(&mut self, code: &str, ds: &DataStore) -> Result<String, String> {
        let depth = DEPTH.with(Cell::get);
        if depth >= MAX_INLINE_DEPTH {
            return Err("RecursionError: maximum recursion depth exceeded".to_owned());
        }
        DEPTH.with(|d| d.set(depth + 1));
        let result = with_python(|py| {
            let session = self.session.clone_ref(py);
            let d = DataSmart::inline(ds.clone(), self.inherited.clone(), session);
            let outcome = Bound::new(py, d).and_then(|d| {
                self.session.bind(py).call_method1("eval", (code, d))?.extract::<String>()
            });
            outcome.map_err(|error| {
                let message = describe(py, &error);
                PENDING.with(|pending| *pending.borrow_mut() = Some(error));
                message
            })
        });
        DEPTH.with(|d| d.set(depth));
        result?
    }

    fn apply_filter(&mut self, value: &str, expression: &str) -> Result<String, String> {
        with_python(|py| {
            let run = || -> PyResult<String> {
                let apply = py.import("bb.filter")?.getattr("apply_filters")?;
                let expressions = PyList::new(py, [expression])?;
                Ok(apply.call1((value, expressions))?.str()?.to_string_lossy().into_owned())
            };
            run().map_err(|error| {
                let message = describe(py, &error);
                PENDING.with(|pending| *pending.borrow_mut() = Some(error));
                message
            })
        })?
    }
}

/// An exception as Python prints its last line: `Type: message`.
pub(crate) fn describe(py: Python<'_>, error: &PyErr) -> String {
    let value = error.value(py);
    let kind = value.get_type().qualname().map(|n| n.to_string()).unwrap_or_default();
    match value.str() {
        Ok(text) if !text.to_string_lossy().is_empty() => {
            format!("{kind}: {}", text.to_string_lossy())
        }
        _ => kind,
    }
}

/// A Python traceback for a diagnostic: its text, innermost last, and the
/// innermost frame in metadata (file, line within the function's
/// definition, function name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PythonTraceback {
    pub text: String,
    pub innermost: Option<(String, u32, String)>,
}

pub(crate) fn traceback(py: Python<'_>, error: &PyErr) -> PythonTraceback {
    let described = runtime(py)
        .and_then(|module| module.getattr("describe_traceback"))
        .and_then(|describe| describe.call1((error.value(py),)))
        .and_then(|result| result.extract::<(String, Option<(String, u32, String)>)>());
    match described {
        Ok((text, innermost)) => PythonTraceback { text, innermost },
        Err(_) => PythonTraceback::default(),
    }
}

/// What the last failing Python call on this thread raised, as the parser
/// needs to know it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PendingOutcome {
    /// Nothing, or nothing Python raised.
    Nothing,
    /// `bb.parse.SkipRecipe`, with its reason.
    Skip(String),
    /// `bb.BBHandledException`: the message was already logged.
    Handled,
    /// Any other exception: its traceback.
    Other(PythonTraceback),
}

/// Classifies a Python exception for the parser.
pub(crate) fn classify(py: Python<'_>, error: &PyErr) -> PendingOutcome {
    let is = |module: &str, name: &str| {
        py.import(module)
            .and_then(|module| module.getattr(name))
            .is_ok_and(|kind| error.value(py).is_instance(&kind).unwrap_or(false))
    };
    if is("bb.parse", "SkipRecipe") {
        let args = error.value(py).getattr("args").ok();
        let reason = args
            .and_then(|args| args.get_item(0).ok())
            .and_then(|first| first.str().ok().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default();
        return PendingOutcome::Skip(reason);
    }
    if is("bb", "BBHandledException") {
        return PendingOutcome::Handled;
    }
    PendingOutcome::Other(traceback(py, error))
}

/// Takes and classifies the exception the last failing inline expression
/// raised on this thread.
pub(crate) fn take_pending_outcome() -> PendingOutcome {
    let Some(error) = take_pending() else { return PendingOutcome::Nothing };
    with_python(|py| classify(py, &error)).unwrap_or(PendingOutcome::Nothing)
}
