//! `d`: BitBake's datastore API (`bb.data_smart.DataSmart`) over a
//! [`ParseState`], for the Python in metadata.
//!
//! Values that are strings live in the datastore, where dumps, history and
//! expansion see them. Other Python objects (`True`, lists, `None`) set
//! with `setVar` or `setVarFlag` are kept beside it, as BitBake keeps any
//! object; a flag set to one also gets its `str()` in the datastore, which
//! is what BitBake's dumps show. The internal lists `__BBTASKS`,
//! `__BBHANDLERS`, `__depends` and `__inherit_cache` and the `deps` flags
//! of tasks are views of the parse state.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySet, PyString};

use crate::datastore::Provenance;
use crate::eval::{ParseState, DEPS_FLAG};

/// The datastore object that metadata's Python calls `d`.
#[pyclass(name = "DataSmart", module = "bb.data_smart", dict)]
pub struct DataSmart {
    pub(crate) state: ParseState,
    objects: HashMap<String, Py<PyAny>>,
    flag_objects: HashMap<(String, String), Py<PyAny>>,
    /// Where changes made through this object are recorded as coming from.
    pub(crate) prov: Provenance,
    pub(crate) session: Py<PyAny>,
}

mod helpers;

use helpers::{parsing_flag, Truthy};

#[pymethods]
impl DataSmart {
    #[pyo3(
        name = "getVar",
        signature = (var, expand=Truthy(true), noweakdefault=Truthy(false), parsing=Truthy(false))
    )]
    fn py_get_var(
        &self,
        py: Python<'_>,
        var: &str,
        expand: Truthy,
        noweakdefault: Truthy,
        parsing: Truthy,
    ) -> PyResult<Py<PyAny>> {
        let _ = (noweakdefault, parsing);
        self.get_var(py, var, expand.0)
    }

    #[pyo3(
        name = "getVarFlag",
        signature = (var, flag, expand=Truthy(true), noweakdefault=Truthy(false), parsing=Truthy(false), retparser=Truthy(false))
    )]
    #[allow(clippy::too_many_arguments)]
    fn py_get_var_flag(
        &self,
        py: Python<'_>,
        var: &str,
        flag: &str,
        expand: Truthy,
        noweakdefault: Truthy,
        parsing: Truthy,
        retparser: Truthy,
    ) -> PyResult<Py<PyAny>> {
        let _ = (noweakdefault, parsing, retparser);
        self.get_var_flag(py, var, flag, expand.0)
    }

    #[pyo3(name = "setVar", signature = (var, value, **loginfo))]
    fn set_var(
        &mut self,
        py: Python<'_>,
        var: &str,
        value: &Bound<'_, PyAny>,
        loginfo: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let Ok(text) = value.cast::<PyString>() else {
            match var {
                "__BBTASKS" => self.state.tasks = value.extract()?,
                "__BBHANDLERS" => self.state.handlers = value.extract()?,
                "__inherit_cache" => {
                    let paths: Vec<PathBuf> = value.extract()?;
                    self.state.inherited = Arc::new(paths);
                }
                "__depends" => {
                    let entries: Vec<(String, Option<Bound<'_, PyAny>>)> = value.extract()?;
                    self.state.depends =
                        entries.into_iter().map(|(path, _)| PathBuf::from(path)).collect();
                }
                _ => {
                    self.objects.insert(var.to_owned(), value.clone().unbind());
                }
            }
            return Ok(());
        };
        self.objects.remove(var);
        let parsing = parsing_flag(loginfo)?;
        let mut evaluator = self.evaluator(py);
        let text = text.to_string_lossy().into_owned();
        let result =
            self.state.datastore.set_var_with(var, text, parsing, &self.prov, &mut evaluator);
        Self::datastore_result(py, result)
    }

    #[pyo3(name = "appendVar", signature = (var, value, **loginfo))]
    fn append_var(
        &mut self,
        py: Python<'_>,
        var: &str,
        value: &str,
        loginfo: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let _ = loginfo;
        self.change(py, |datastore, prov| datastore.append_var(var, value, prov))
    }

    #[pyo3(name = "prependVar", signature = (var, value, **loginfo))]
    fn prepend_var(
        &mut self,
        py: Python<'_>,
        var: &str,
        value: &str,
        loginfo: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let _ = loginfo;
        self.change(py, |datastore, prov| datastore.prepend_var(var, value, prov))
    }

    #[pyo3(name = "delVar", signature = (var, **loginfo))]
    fn del_var(&mut self, var: &str, loginfo: Option<&Bound<'_, PyDict>>) {
        let _ = loginfo;
        self.objects.remove(var);
        self.state.datastore.del_var(var, &self.prov);
    }

    #[pyo3(name = "setVarFlag", signature = (var, flag, value, **loginfo))]
    fn set_var_flag(
        &mut self,
        py: Python<'_>,
        var: &str,
        flag: &str,
        value: &Bound<'_, PyAny>,
        loginfo: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let _ = loginfo;
        if flag == "_content" {
            return self.set_var(py, var, value, None);
        }
        self.set_flag_value(py, var, flag, value)
    }

    #[pyo3(name = "appendVarFlag", signature = (var, flag, value, **loginfo))]
    fn append_var_flag(
        &mut self,
        py: Python<'_>,
        var: &str,
        flag: &str,
        value: &str,
        loginfo: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let _ = loginfo;
        self.change(py, |datastore, prov| datastore.append_var_flag(var, flag, value, prov))
    }

    #[pyo3(name = "prependVarFlag", signature = (var, flag, value, **loginfo))]
    fn prepend_var_flag(
        &mut self,
        py: Python<'_>,
        var: &str,
        flag: &str,
        value: &str,
        loginfo: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let _ = loginfo;
        self.change(py, |datastore, prov| datastore.prepend_var_flag(var, flag, value, prov))
    }

    #[pyo3(name = "delVarFlag", signature = (var, flag, **loginfo))]
    fn del_var_flag(&mut self, var: &str, flag: &str, loginfo: Option<&Bound<'_, PyDict>>) {
        let _ = loginfo;
        if flag == "deps" {
            self.state.set_task_deps(var, None);
            return;
        }
        self.flag_objects.remove(&(var.to_owned(), flag.to_owned()));
        self.state.datastore.del_var_flag(var, flag, &self.prov);
    }

    #[pyo3(name = "getVarFlags", signature = (var, expand=None, internalflags=false))]
    fn get_var_flags(
        &self,
        py: Python<'_>,
        var: &str,
        expand: Option<&Bound<'_, PyAny>>,
        internalflags: bool,
    ) -> PyResult<Py<PyAny>> {
        let flags = PyDict::new(py);
        let datastore = &self.state.datastore;
        let expand_names: Vec<String> = match expand {
            Some(names) if !names.is_none() && !names.is_instance_of::<pyo3::types::PyBool>() => {
                names.extract()?
            }
            _ => Vec::new(),
        };
        for (flag, value) in datastore.get_var_flags_ordered(var, internalflags) {
            if expand_names.contains(&flag) {
                let mut evaluator = self.evaluator(py);
                let name = format!("{var}[{flag}]");
                let expanded = datastore.expand_with(&value, Some(&name), &mut evaluator);
                flags.set_item(&flag, Self::datastore_result(py, expanded)?.value)?;
            } else {
                flags.set_item(&flag, value)?;
            }
        }
        for flag in datastore.none_flags(var) {
            if internalflags || !flag.starts_with(['_', ':']) {
                flags.set_item(flag, py.None())?;
            }
        }
        for ((name, flag), object) in &self.flag_objects {
            if name == var {
                flags.set_item(flag, object.clone_ref(py))?;
            }
        }
        if flags.contains(DEPS_FLAG)? {
            flags.del_item(DEPS_FLAG)?;
        }
        if let Some(deps) = self.state.task_deps(var) {
            flags.set_item("deps", PyList::new(py, deps)?)?;
        }
        if flags.is_empty() {
            return Ok(py.None());
        }
        Ok(flags.into_any().unbind())
    }

    #[pyo3(name = "setVarFlags", signature = (var, flags, **loginfo))]
    fn set_var_flags(
        &mut self,
        py: Python<'_>,
        var: &str,
        flags: &Bound<'_, PyDict>,
        loginfo: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let _ = loginfo;
        for (flag, value) in flags.iter() {
            let flag: String = flag.extract()?;
            if flag != "_content" {
                self.set_flag_value(py, var, &flag, &value)?;
            }
        }
        Ok(())
    }

    #[pyo3(name = "delVarFlags", signature = (var, **loginfo))]
    fn del_var_flags(&mut self, var: &str, loginfo: Option<&Bound<'_, PyDict>>) {
        let _ = loginfo;
        let flags = self.state.datastore.get_var_flags(var, true).unwrap_or_default();
        for flag in flags.keys().filter(|flag| *flag != "_content") {
            self.state.datastore.del_var_flag(var, flag, &self.prov);
        }
        self.flag_objects.retain(|(name, _), _| name != var);
    }

    #[pyo3(signature = (s, varname=None))]
    fn expand(
        &self,
        py: Python<'_>,
        s: &Bound<'_, PyAny>,
        varname: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        let Ok(text) = s.cast::<PyString>() else { return Ok(s.clone().unbind()) };
        let mut evaluator = self.evaluator(py);
        let text = text.to_string_lossy();
        let expanded = self.state.datastore.expand_with(&text, varname, &mut evaluator);
        Ok(Self::datastore_result(py, expanded)?.value.into_pyobject(py)?.into_any().unbind())
    }

    #[pyo3(name = "expandWithRefs")]
    fn expand_with_refs(
        &self,
        py: Python<'_>,
        s: &Bound<'_, PyAny>,
        varname: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        let namespace = py.import("types")?.getattr("SimpleNamespace")?.call0()?;
        let references = PySet::empty(py)?;
        if let Ok(text) = s.cast::<PyString>() {
            let mut evaluator = self.evaluator(py);
            let text = text.to_string_lossy();
            let expanded = self.state.datastore.expand_with(&text, varname, &mut evaluator);
            let expanded = Self::datastore_result(py, expanded)?;
            for name in &expanded.references {
                references.add(name)?;
            }
            namespace.setattr("value", expanded.value)?;
        } else {
            namespace.setattr("value", s)?;
        }
        namespace.setattr("references", references)?;
        namespace.setattr("execs", PySet::empty(py)?)?;
        namespace.setattr("funcs", PySet::empty(py)?)?;
        namespace.setattr("contains", PyDict::new(py))?;
        namespace.setattr("removes", PySet::empty(py)?)?;
        Ok(namespace.unbind())
    }

    fn keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.all_keys(py)
    }

    /// `[k for k in d.keys() if d.getVarFlag(k, flag)]`, as rbake's
    /// `bb.build.tasksbetween` asks it, without listing every name.
    #[pyo3(name = "_rbake_names_with_flag")]
    fn names_with_flag(&self, py: Python<'_>, flag: &str) -> PyResult<Vec<String>> {
        self.holders_of_flag(py, flag)
    }

    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let keys = PyList::new(py, self.all_keys(py)?)?;
        Ok(keys.try_iter()?.into_any().unbind())
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.all_keys(py)?.len())
    }

    /// BitBake's datastore is true when it lists a name (Python asks
    /// `__len__`). Asked directly, so that `if d:` does not read every
    /// name: a datastore with two names stays true whatever one name does.
    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        if !self.objects.is_empty() || self.state.datastore.has_two_entries() {
            return Ok(true);
        }
        Ok(!self.all_keys(py)?.is_empty())
    }

    fn __contains__(&self, py: Python<'_>, var: &str) -> PyResult<bool> {
        Ok(!self.get_var(py, var, false)?.is_none(py))
    }

    fn __getitem__(&self, py: Python<'_>, var: &str) -> PyResult<Py<PyAny>> {
        let value = self.get_var(py, var, false)?;
        if value.is_none(py) {
            return Err(PyKeyError::new_err(var.to_owned()));
        }
        Ok(value)
    }

    fn __setitem__(&mut self, py: Python<'_>, var: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        self.set_var(py, var, value, None)
    }

    fn __delitem__(&mut self, var: &str) {
        self.del_var(var, None);
    }

    /// An empty datastore, as `bb.data.init()` makes; its inline Python
    /// runs in the running session, or in a new one outside any parse.
    #[new]
    fn py_new(py: Python<'_>) -> PyResult<DataSmart> {
        let runtime = py.import("bb._runtime")?;
        let running = runtime.getattr("_running")?.call0()?;
        let session =
            if running.is_none() { runtime.getattr("Session")?.call0()? } else { running };
        let prov = Provenance::internal("<bb.data.init>");
        Ok(DataSmart::new(ParseState::default(), prov, session.unbind()))
    }

    #[pyo3(name = "createCopy")]
    fn create_copy(&self, py: Python<'_>) -> DataSmart {
        let mut state = self.state.clone();
        state.datastore = self.state.datastore.create_copy();
        DataSmart {
            state,
            objects: self.objects.iter().map(|(k, v)| (k.clone(), v.clone_ref(py))).collect(),
            flag_objects: self
                .flag_objects
                .iter()
                .map(|(k, v)| (k.clone(), v.clone_ref(py)))
                .collect(),
            prov: self.prov.clone(),
            session: self.session.clone_ref(py),
        }
    }

    #[pyo3(name = "renameVar", signature = (key, newkey, **loginfo))]
    fn rename_var(
        &mut self,
        py: Python<'_>,
        key: &str,
        newkey: &str,
        loginfo: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let _ = loginfo;
        self.change(py, |datastore, prov| datastore.rename_var(key, newkey, prov))
    }

    fn localkeys(&self) -> Vec<String> {
        self.state.datastore.local_keys().map(str::to_owned).collect()
    }

    #[pyo3(name = "hasOverrides")]
    fn has_overrides(&self, var: &str) -> bool {
        self.state.datastore.has_overrides(var)
    }

    #[pyo3(name = "setVarFilter")]
    fn set_var_filter(&mut self, var: &str, filter: Option<&str>) {
        self.state.datastore.set_var_filter(var, filter);
    }

    #[pyo3(name = "expandKeys")]
    fn expand_keys(&mut self, py: Python<'_>) -> PyResult<()> {
        let mut evaluator = self.evaluator(py);
        let result = self.state.datastore.expand_keys_with(&self.prov, &mut evaluator);
        Self::datastore_result(py, result).map(drop)
    }

    #[pyo3(name = "enableTracking")]
    fn enable_tracking(&self) {}

    #[pyo3(name = "disableTracking")]
    fn disable_tracking(&self) {}
}
