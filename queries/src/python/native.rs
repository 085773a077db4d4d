//! The native module `_rbake`: the datastore class and the hooks that the
//! embedded `bb` package calls into Rust through.

use pyo3::prelude::*;

use super::datasmart::DataSmart;
use super::session::push_message;

/// `_rbake.log(level, message)`: a message from `bb.note`, `bb.warn`, ...
#[pyfunction]
fn log(level: String, message: String) {
    push_message(level, message);
}

/// `_rbake.addtask(d, task, before, after)`: BitBake's `bb.build.addtask`.
#[pyfunction]
#[pyo3(signature = (d, task, before=None, after=None))]
fn addtask(
    d: &Bound<'_, DataSmart>,
    task: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> PyResult<()> {
    let mut d = d.borrow_mut();
    let prov = d.prov.clone();
    let result = d.state.add_task(task, after.unwrap_or(""), before.unwrap_or(""), &prov);
    result.map_err(|error| super::errors::expansion_error(d.py(), error))
}

/// `_rbake.deltask(d, task)`: BitBake's `bb.build.deltask`.
#[pyfunction]
fn deltask(d: &Bound<'_, DataSmart>, task: &str) {
    let mut d = d.borrow_mut();
    let prov = d.prov.clone();
    d.state.delete_task(task, &prov);
}

/// `_rbake.shell_execs(code)`: the commands shell code runs, found by
/// rbake's pysh-faithful parser (`bb.codeparser.ShellParser.parse_shell`).
#[pyfunction]
fn shell_execs(code: &str) -> PyResult<Vec<String>> {
    crate::signature::shell_execs(code)
        .map(|execs| execs.into_iter().collect())
        .map_err(pyo3::exceptions::PyValueError::new_err)
}

pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<DataSmart>()?;
    module.add_function(wrap_pyfunction!(log, module)?)?;
    module.add_function(wrap_pyfunction!(addtask, module)?)?;
    module.add_function(wrap_pyfunction!(deltask, module)?)?;
    module.add_function(wrap_pyfunction!(shell_execs, module)?)?;
    Ok(())
}
