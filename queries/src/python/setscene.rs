//! The metadata's side of shared state, asked from the configuration's
//! Python session as BitBake's runqueue asks it: BB_HASHCHECK_FUNCTION
//! (which setscene tasks have outputs for their hashes) and
//! BB_SETSCENE_DEPVALID (whether a setscene task's dependency is needed).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySet};

use super::datasmart::DataSmart;
use super::runtime::{runtime, with_python};
use super::session::describe;
use super::slot::make_session;
use crate::datastore::Provenance;
use crate::eval::ParseState;

/// One setscene task offered to the hash check.
#[derive(Clone, Debug)]
pub struct HashCheckEntry {
    pub tid: String,
    pub taskhash: String,
    pub unihash: String,
    /// The recipe's BB_HASHFILENAME.
    pub hashfn: String,
}

/// One task of a BB_SETSCENE_DEPVALID question: its id, PN, task name and
/// file.
pub type DepvalidEntry = (String, String, String, String);

/// Calls `function(sq_data, d, siginfo=False, currentcount=0,
/// summary=summary)` and returns the task ids it reports available.
pub fn check_setscene_hashes(
    config: &ParseState,
    function: &str,
    entries: &[HashCheckEntry],
    summary: bool,
) -> Result<Vec<String>, String> {
    call_in_config(config, "<hashcheck>", |py, namespace| {
        let sq_data = PyDict::new(py);
        let (hashes, hashfns, unihashes) = (PyDict::new(py), PyDict::new(py), PyDict::new(py));
        for entry in entries {
            hashes.set_item(&entry.tid, &entry.taskhash)?;
            hashfns.set_item(&entry.tid, &entry.hashfn)?;
            unihashes.set_item(&entry.tid, &entry.unihash)?;
        }
        sq_data.set_item("hash", hashes)?;
        sq_data.set_item("hashfn", hashfns)?;
        sq_data.set_item("unihash", unihashes)?;
        namespace.set_item("sq_data", sq_data)?;
        namespace.set_item("summary", summary)?;
        let call =
            format!("{function}(sq_data, d, siginfo=False, currentcount=0, summary=summary)");
        let found = eval(py, &call, namespace)?;
        let mut valid = Vec::new();
        for tid in found.try_iter()? {
            valid.push(tid?.extract::<String>()?);
        }
        valid.sort();
        Ok(valid)
    })
}

/// Calls `function(task, taskdata, notneeded, d)`: whether setscene task
/// `task` can be left out, given the tasks that depend on it.
pub fn setscene_dependency_valid(
    config: &ParseState,
    function: &str,
    task: &str,
    taskdata: &[DepvalidEntry],
    notneeded: &[String],
) -> Result<bool, String> {
    call_in_config(config, "<depvalid>", |py, namespace| {
        let data = PyDict::new(py);
        for (tid, pn, taskname, fn_name) in taskdata {
            data.set_item(tid, PyList::new(py, [pn, taskname, fn_name])?)?;
        }
        namespace.set_item("task", task)?;
        namespace.set_item("taskdata", data)?;
        namespace.set_item("notneeded", PySet::new(py, notneeded)?)?;
        let call = format!("{function}(task, taskdata, notneeded, d)");
        eval(py, &call, namespace)?.is_truthy()
    })
}

/// Runs `body` with a namespace holding `d`, a datastore made from
/// `config` (the configuration, or a recipe's finalised state), inside
/// that state's session.
pub(crate) fn call_in_config<T>(
    config: &ParseState,
    label: &str,
    body: impl FnOnce(Python<'_>, &Bound<'_, PyDict>) -> PyResult<T>,
) -> Result<T, String> {
    let session = make_session(config)?;
    with_python(|py| -> PyResult<T> {
        let runtime = runtime(py)?;
        let handle = session.session.clone_ref(py);
        let d =
            Bound::new(py, DataSmart::new(config.clone(), Provenance::internal(label), handle))?;
        let namespace = PyDict::new(py);
        namespace.set_item("d", d)?;
        runtime.getattr("enter")?.call1((session.session.bind(py),))?;
        let result = body(py, &namespace);
        runtime.getattr("leave")?.call0()?;
        result
    })?
    .map_err(|error| with_python(|py| describe(py, &error)).unwrap_or_default())
}

/// Evaluates `expression` with the session's globals and `locals`.
fn eval<'py>(
    py: Python<'py>,
    expression: &str,
    locals: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    py.import("bb.utils")?.getattr("better_eval")?.call1((expression, locals))
}
