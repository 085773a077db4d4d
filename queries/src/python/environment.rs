//! A recipe's exported environment, as a task's shell sees it
//! (`bb.data.exported_vars`), for `rbake build -c devshell`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::setscene::call_in_config;
use crate::eval::ParseState;

/// A task's environment: `(name, value)` for each exported variable.
pub type Environment = Vec<(String, String)>;

/// The environment of `state`, and the values of `names` (expanded; empty
/// when unset).
pub fn exported_environment(
    state: &ParseState,
    names: &[&str],
) -> Result<(Environment, Vec<String>), String> {
    call_in_config(state, "<devshell>", |py, namespace| {
        let namespace: &Bound<'_, PyDict> = namespace;
        let d =
            namespace.get_item("d")?.ok_or_else(|| pyo3::exceptions::PyKeyError::new_err("d"))?;
        let exported = py.import("bb.data")?.getattr("exported_vars")?.call1((&d,))?;
        let exported: Vec<(String, String)> = exported.extract()?;
        let mut values = Vec::new();
        for name in names {
            let value: Option<String> = d.call_method1("getVar", (name,))?.extract()?;
            values.push(value.unwrap_or_default());
        }
        Ok((exported, values))
    })
}
