//! The source files of the Python modules the interpreter has loaded from
//! outside Python's own library: the layers' libraries (`lib/oe/*.py`) and
//! anything metadata imported. Python reads them itself, outside the file
//! inputs, so a long-lived process (the server) watches them and starts
//! afresh when one changes.

use std::path::PathBuf;

use pyo3::prelude::*;

use super::runtime::with_python;

const LOADED_FILES: &str = r#"
import os, sys
prefixes = {os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
files = set()
for module in list(sys.modules.values()):
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and os.path.isabs(path):
        real = os.path.realpath(path)
        if not any(real.startswith(prefix) for prefix in prefixes):
            files.add(path)
result = sorted(files)
"#;

/// The files of the loaded modules that do not belong to Python itself,
/// sorted; empty if the interpreter never started.
pub fn loaded_module_files() -> Vec<PathBuf> {
    let files = with_python(|py| -> PyResult<Vec<String>> {
        let namespace = pyo3::types::PyDict::new(py);
        let code = std::ffi::CString::new(LOADED_FILES).unwrap_or_default();
        py.run(&code, Some(&namespace), Some(&namespace))?;
        namespace.get_item("result")?.map_or(Ok(Vec::new()), |result| result.extract())
    });
    match files {
        Ok(Ok(files)) => files.into_iter().map(PathBuf::from).collect(),
        _ => Vec::new(),
    }
}
