//! Datastore errors as the Python exceptions BitBake raises for them.

use pyo3::exceptions::{PyException, PyRecursionError};
use pyo3::prelude::*;

use super::session::take_pending;
use crate::datastore::{ErrorCause, ExpansionError};

/// Whether an exception passes through expansion untouched, as BitBake
/// lets `SkipRecipe`, `BBHandledException` and `ExpansionError` through.
pub(crate) fn passes_through(py: Python<'_>, error: &PyErr) -> bool {
    let kinds = [
        ("bb.parse", "SkipRecipe"),
        ("bb", "BBHandledException"),
        ("bb.data_smart", "ExpansionError"),
    ];
    kinds.iter().any(|(module, name)| {
        py.import(*module)
            .and_then(|module| module.getattr(*name))
            .is_ok_and(|kind| error.value(py).is_instance(&kind).unwrap_or(false))
    })
}

/// The Python exception for a failed expansion: the inline expression's
/// own exception when it must pass through, else `bb.data_smart.
/// ExpansionError` wrapping the cause.
pub(crate) fn expansion_error(py: Python<'_>, error: ExpansionError) -> PyErr {
    let pending = matches!(error.cause, ErrorCause::Python { .. }).then(take_pending).flatten();
    if let Some(pending) = &pending {
        if passes_through(py, pending) {
            return pending.clone_ref(py);
        }
    }
    let cause: PyErr = match (&error.cause, pending) {
        (_, Some(pending)) => pending,
        (ErrorCause::Recursion(_), None) => {
            PyRecursionError::new_err("maximum recursion depth exceeded")
        }
        (ErrorCause::SelfReference(name), None) => {
            PyException::new_err(format!("variable {name} references itself!"))
        }
        (_, None) => PyException::new_err(error.to_string()),
    };
    let made = py.import("bb.data_smart").and_then(|module| {
        let kind = module.getattr("ExpansionError")?;
        kind.call1((error.varname.clone(), error.expression.clone(), cause.value(py)))
    });
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(failure) => failure,
    }
}
