//! A recipe's `calculate_extra_depends`, run as BitBake's TaskData runs
//! it: the body becomes a function of `deps`, `world_target`, `pkg_pn`
//! and `self_pn`, and may change `deps` in place.

use std::ffi::CString;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySet};

use super::runtime::{runtime, with_python};

/// The recipe's DEPENDS after its `calculate_extra_depends` has run.
pub fn run_extra_depends(
    body: &str,
    pn: &str,
    depends: &[String],
    world: &[String],
    pkg_pn: &[(String, Vec<String>)],
) -> Result<Vec<String>, String> {
    with_python(|py| -> PyResult<Vec<String>> {
        // The `bb` package must be importable from the body.
        runtime(py)?;
        let name = format!("_{}_calculate_extra_depends", pn.replace('-', "_"));
        let params = "deps,world_target,pkg_pn,self_pn";
        let code = format!("def {name}({params}):\n{body}\n\n{name}({params})\n");
        let deps = PyList::new(py, depends)?;
        let scope = PyDict::new(py);
        scope.set_item("__builtins__", py.import("builtins")?)?;
        scope.set_item("bb", py.import("bb")?)?;
        scope.set_item("deps", &deps)?;
        scope.set_item("world_target", PySet::new(py, world)?)?;
        let table = PyDict::new(py);
        for (pn, fns) in pkg_pn {
            table.set_item(pn, PyList::new(py, fns)?)?;
        }
        scope.set_item("pkg_pn", table)?;
        scope.set_item("self_pn", pn)?;
        let code = CString::new(code)?;
        py.run(&code, Some(&scope), None)?;
        deps.extract()
    })?
    .map_err(|error| error.to_string())
}
