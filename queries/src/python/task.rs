//! A task's own process. rbake's worker forks one child per task from the
//! embedded interpreter (Python's `os.fork`, which leaves the interpreter
//! sound in the child), and the child runs the task with `bb.build` on the
//! recipe's finalised datastore, then exits. Nothing the task does (a
//! crash, `os.chdir`, a changed global) reaches the worker.

use pyo3::prelude::*;

use super::datasmart::DataSmart;
use super::runtime::{runtime, with_python};
use super::session::{describe, PythonSession};
use crate::datastore::Provenance;
use crate::eval::ParseState;

/// What the child needs to know about its task besides the datastore.
#[derive(Clone, Debug)]
pub struct TaskLaunch<'a> {
    /// BitBake's file name of the datastore (`virtual:native:/path.bb`).
    pub fn_name: &'a str,
    /// The task, `do_compile`.
    pub task: &'a str,
    pub taskhash: &'a str,
    pub unihash: &'a str,
    /// BB_TASKDEPDATA as JSON (task id to the fields of `bb.TaskData`),
    /// when the runqueue gives it.
    pub taskdepdata: Option<&'a str>,
}

/// Forks the child that runs `launch` over `state` in `session`, and
/// returns its process id. The child is the leader of its own process
/// group, so the whole task can be stopped at once.
pub fn fork_task(
    state: &ParseState,
    session: &PythonSession,
    launch: &TaskLaunch<'_>,
) -> Result<u32, String> {
    with_python(|py| -> PyResult<u32> {
        let runtime = runtime(py)?;
        let handle = session.session.clone_ref(py);
        let provenance = Provenance::internal(format!("<{}>", launch.task).as_str());
        let d = Bound::new(py, DataSmart::new(state.clone(), provenance, handle))?;
        runtime.getattr("enter")?.call1((session.session.bind(py),))?;
        let forked = py.import("bb._worker").and_then(|worker| {
            worker.getattr("fork_task")?.call1((
                launch.fn_name,
                launch.task,
                d,
                launch.taskhash,
                launch.unihash,
                launch.taskdepdata,
            ))
        });
        runtime.getattr("leave")?.call0()?;
        forked?.extract::<u32>()
    })?
    .map_err(|error| with_python(|py| describe(py, &error)).unwrap_or_default())
}
