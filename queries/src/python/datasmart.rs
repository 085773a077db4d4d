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

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PySet, PyString};

use super::errors::expansion_error;
use super::session::PythonSession;
use crate::datastore::{DataStore, ExpansionError, Provenance};
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

impl DataSmart {
    pub(crate) fn new(state: ParseState, prov: Provenance, session: Py<PyAny>) -> Self {
        DataSmart { state, objects: HashMap::new(), flag_objects: HashMap::new(), prov, session }
    }

    /// The `d` of an inline expression: a view of the datastore being
    /// expanded. Changes through it are not kept.
    pub(crate) fn inline(datastore: DataStore, session: Py<PyAny>) -> Self {
        let state = ParseState { datastore, ..ParseState::default() };
        DataSmart::new(state, Provenance::internal("<inline Python>"), session)
    }

    fn evaluator(&self, py: Python<'_>) -> PythonSession {
        PythonSession::from_handle(self.session.clone_ref(py))
    }

    fn datastore_result<T>(py: Python<'_>, result: Result<T, ExpansionError>) -> PyResult<T> {
        result.map_err(|error| expansion_error(py, error))
    }

    /// A state list as Python sees it: a list, or `None` when empty.
    fn list_or_none(py: Python<'_>, items: &[String]) -> PyResult<Py<PyAny>> {
        if items.is_empty() {
            return Ok(py.None());
        }
        Ok(PyList::new(py, items)?.into_any().unbind())
    }

    fn internal_list(&self, py: Python<'_>, var: &str) -> PyResult<Option<Py<PyAny>>> {
        let list = match var {
            "__BBTASKS" => Self::list_or_none(py, &self.state.tasks)?,
            "__BBHANDLERS" => Self::list_or_none(py, &self.state.handlers)?,
            "__depends" => {
                let entries: Vec<(String, Option<f64>)> = self
                    .state
                    .depends
                    .iter()
                    .map(|path| (path.to_string_lossy().into_owned(), None))
                    .collect();
                PyList::new(py, entries)?.into_any().unbind()
            }
            "BB_ORIGENV" => {
                let mut datastore = DataStore::new();
                let prov = Provenance::internal("<environment>");
                for (name, value) in &self.state.original_env {
                    let _ = datastore.set_var(name, value.clone(), false, &prov);
                }
                let copy = DataSmart::new(
                    ParseState { datastore, ..ParseState::default() },
                    prov,
                    self.session.clone_ref(py),
                );
                Py::new(py, copy)?.into_any()
            }
            "__inherit_cache" => {
                let value = self.state.datastore.own_content("__inherit_cache").unwrap_or("");
                let paths: Vec<&str> = value.split_whitespace().collect();
                PyList::new(py, paths)?.into_any().unbind()
            }
            _ => return Ok(None),
        };
        Ok(Some(list))
    }

    fn set_flag_value(
        &mut self,
        py: Python<'_>,
        var: &str,
        flag: &str,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let key = (var.to_owned(), flag.to_owned());
        if flag == "deps" {
            let deps: Vec<String> = if value.is_none() { Vec::new() } else { value.extract()? };
            self.state.set_task_deps(var, Some(deps));
            return Ok(());
        }
        if value.is_none() {
            self.flag_objects.remove(&key);
            self.state.datastore.set_var_flag_none(var, flag, &self.prov);
            return Ok(());
        }
        let text = if let Ok(text) = value.cast::<PyString>() {
            self.flag_objects.remove(&key);
            text.to_string_lossy().into_owned()
        } else {
            self.flag_objects.insert(key, value.clone().unbind());
            value.str()?.to_string_lossy().into_owned()
        };
        let result = self.state.datastore.set_var_flag(var, flag, text, &self.prov);
        Self::datastore_result(py, result)
    }

    /// `getVar`: a Python object kept beside the datastore, a view of the
    /// parse state, or the datastore's value.
    fn get_var(&self, py: Python<'_>, var: &str, expand: bool) -> PyResult<Py<PyAny>> {
        if let Some(object) = self.objects.get(var) {
            return Ok(object.clone_ref(py));
        }
        if let Some(list) = self.internal_list(py, var)? {
            return Ok(list);
        }
        let mut evaluator = self.evaluator(py);
        let value = self.state.datastore.get_var_with(var, expand, &mut evaluator);
        Ok(Self::datastore_result(py, value)?.into_pyobject(py)?.unbind())
    }

    /// `getVarFlag`: a task's `deps` list, a Python object, or the
    /// datastore's flag.
    fn get_var_flag(
        &self,
        py: Python<'_>,
        var: &str,
        flag: &str,
        expand: bool,
    ) -> PyResult<Py<PyAny>> {
        if flag == "deps" {
            return match self.state.task_deps(var) {
                Some(deps) => Ok(PyList::new(py, deps)?.into_any().unbind()),
                None => Ok(py.None()),
            };
        }
        if let Some(object) = self.flag_objects.get(&(var.to_owned(), flag.to_owned())) {
            return Ok(object.clone_ref(py));
        }
        if flag == "_content" {
            return self.get_var(py, var, expand);
        }
        let mut evaluator = self.evaluator(py);
        let value = self.state.datastore.get_var_flag_with(var, flag, expand, &mut evaluator);
        Ok(Self::datastore_result(py, value)?.into_pyobject(py)?.unbind())
    }

    fn all_keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let mut evaluator = self.evaluator(py);
        let mut keys = Self::datastore_result(py, self.state.datastore.keys_with(&mut evaluator))?;
        for name in self.objects.keys() {
            if !keys.contains(name) {
                keys.push(name.clone());
            }
        }
        Ok(keys)
    }
}

/// A Python argument read for its truth, as BitBake reads `expand` and
/// the other switches: `getVar(name, 1)` and `getVar(name, True)` alike.
#[derive(Clone, Copy)]
struct Truthy(bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Truthy {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Truthy(obj.is_truthy()?))
    }
}

fn parsing_flag(loginfo: Option<&Bound<'_, PyDict>>) -> PyResult<bool> {
    match loginfo.map(|info| info.get_item("parsing")).transpose()?.flatten() {
        Some(value) => value.is_truthy(),
        None => Ok(false),
    }
}

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
        let result = self.state.datastore.append_var(var, value, &self.prov);
        Self::datastore_result(py, result)
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
        let result = self.state.datastore.prepend_var(var, value, &self.prov);
        Self::datastore_result(py, result)
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
        let result = self.state.datastore.append_var_flag(var, flag, value, &self.prov);
        Self::datastore_result(py, result)
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
        let result = self.state.datastore.prepend_var_flag(var, flag, value, &self.prov);
        Self::datastore_result(py, result)
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

    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let keys = PyList::new(py, self.all_keys(py)?)?;
        Ok(keys.try_iter()?.into_any().unbind())
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.all_keys(py)?.len())
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
        let result = self.state.datastore.rename_var(key, newkey, &self.prov);
        Self::datastore_result(py, result)
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
