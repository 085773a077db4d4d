//! Python in metadata, run by an embedded CPython: inline expressions
//! (`${@...}`), top-level `def` functions, anonymous functions, event
//! handlers and variable filters.
//!
//! The Python code runs in a `bb._runtime.Session` (one per parse), whose
//! namespace holds the layers' libraries and the parse's own `def`s, so a
//! recipe's results never depend on what was parsed before it. Metadata
//! calls BitBake's API on [`DataSmart`] (`d`) and on the `bb` package that
//! rbake embeds (`queries/python/bb/`).

mod codeparser;
mod datasmart;
mod environment;
mod errors;
mod extra_depends;
mod modules;
mod native;
mod runtime;
mod session;
mod setscene;
mod siggen;
mod slot;
mod stage;
mod task;

pub use codeparser::{module_functions, python_code_deps, CodeDeps, ModuleFunction};
pub use datasmart::DataSmart;
pub use environment::exported_environment;
pub use extra_depends::run_extra_depends;
pub use modules::loaded_module_files;
pub use session::{take_messages, Message, PythonSession, PythonTraceback};
pub(crate) use session::{take_pending_outcome, PendingOutcome};
pub use setscene::{
    check_setscene_hashes, setscene_dependency_valid, DepvalidEntry, HashCheckEntry,
};
pub use siggen::{dropped_dependencies, DependencyEdge, RecipeFacts};
pub(crate) use slot::PythonSlot;
pub use slot::{evaluator_for, make_session};
pub(crate) use stage::{PythonStage, StepFailure};
pub use task::{fork_task, TaskLaunch};
