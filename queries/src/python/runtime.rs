//! Starting the embedded interpreter, once per process: a fixed hash seed
//! (BitBake's reference runs use `PYTHONHASHSEED=0`, and some values come
//! from Python sets), no signal handlers, the environment's `PYTHON*`
//! variables ignored; then the native module `_rbake` and the embedded
//! `bb` package, served from the binary by an import hook.

use std::ffi::CString;
use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

/// `(module name, is package, relative path, source)` for every file
/// under `queries/python/`, made by the build script.
static EMBEDDED: &[(&str, bool, &str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/embedded_python.rs"));

static STARTED: OnceLock<Result<(), String>> = OnceLock::new();

static RUNTIME: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Starts CPython if no one has, with rbake's configuration.
fn start_interpreter() -> Result<(), String> {
    STARTED.get_or_init(initialize_with_config).clone()
}

#[allow(unsafe_code)]
fn initialize_with_config() -> Result<(), String> {
    use pyo3::ffi;
    // SAFETY: this runs once, before any other use of the C API by rbake;
    // the config is initialised by CPython before it is read, and freed
    // after use. The thread state is released so that any thread can
    // attach afterwards.
    unsafe {
        if ffi::Py_IsInitialized() != 0 {
            return Ok(());
        }
        let mut config = std::mem::MaybeUninit::<ffi::PyConfig>::zeroed();
        ffi::PyConfig_InitIsolatedConfig(config.as_mut_ptr());
        let mut config = config.assume_init();
        config.use_hash_seed = 1;
        config.hash_seed = 0;
        config.install_signal_handlers = 0;
        let status = ffi::Py_InitializeFromConfig(&config);
        ffi::PyConfig_Clear(&mut config);
        if ffi::PyStatus_Exception(status) != 0 {
            return Err("the embedded Python interpreter could not start".to_owned());
        }
        ffi::PyEval_SaveThread();
    }
    Ok(())
}

/// Runs `f` attached to the interpreter, starting it first if needed.
pub(crate) fn with_python<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Result<R, String> {
    start_interpreter()?;
    Ok(Python::attach(f))
}

/// The module `bb._runtime`, which holds the contexts metadata code runs
/// in; importing it the first time installs the import hook and `_rbake`.
pub(crate) fn runtime(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    let module = RUNTIME.get_or_try_init(py, || -> PyResult<Py<PyModule>> {
        let native = PyModule::new(py, "_rbake")?;
        super::native::register(&native)?;
        py.import("sys")?.getattr("modules")?.set_item("_rbake", &native)?;
        let table = PyDict::new(py);
        for (name, is_package, relative, source) in EMBEDDED {
            table.set_item(name, (is_package, relative, source))?;
        }
        let source = CString::new(include_str!("boot.py")).expect("no NUL in boot.py");
        let boot = PyModule::from_code(py, &source, c"<rbake>/boot.py", c"_rbake_boot")?;
        boot.getattr("install")?.call1((table,))?;
        Ok(py.import("bb._runtime")?.unbind())
    })?;
    Ok(module.bind(py))
}
