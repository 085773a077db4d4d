//! The parts of `d` that Python does not call directly: construction, the
//! views of the parse state behind internal names, the flag and value
//! helpers the methods share, and how arguments are read.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use super::DataSmart;
use crate::datastore::{DataStore, ExpansionError, Provenance};
use crate::eval::ParseState;
use crate::python::errors::expansion_error;
use crate::python::session::PythonSession;

impl DataSmart {
    pub(crate) fn new(state: ParseState, prov: Provenance, session: Py<PyAny>) -> Self {
        DataSmart { state, objects: HashMap::new(), flag_objects: HashMap::new(), prov, session }
    }

    /// The `d` of an inline expression: a view of the datastore being
    /// expanded. Changes through it are not kept.
    pub(crate) fn inline(
        datastore: DataStore,
        inherited: Arc<Vec<PathBuf>>,
        session: Py<PyAny>,
    ) -> Self {
        let state = ParseState { datastore, inherited, ..ParseState::default() };
        DataSmart::new(state, Provenance::internal("<inline Python>"), session)
    }

    pub(super) fn evaluator(&self, py: Python<'_>) -> PythonSession {
        PythonSession::from_handle(self.session.clone_ref(py), self.state.inherited.clone())
    }

    /// Applies a change to the datastore, recorded as coming from this
    /// object's provenance; a failure becomes BitBake's exception.
    pub(super) fn change(
        &mut self,
        py: Python<'_>,
        apply: impl FnOnce(&mut DataStore, &Provenance) -> Result<(), ExpansionError>,
    ) -> PyResult<()> {
        let result = apply(&mut self.state.datastore, &self.prov);
        Self::datastore_result(py, result)
    }

    pub(super) fn datastore_result<T>(
        py: Python<'_>,
        result: Result<T, ExpansionError>,
    ) -> PyResult<T> {
        result.map_err(|error| expansion_error(py, error))
    }

    /// A state list as Python sees it: a list, or `None` when empty.
    pub(super) fn list_or_none(py: Python<'_>, items: &[String]) -> PyResult<Py<PyAny>> {
        if items.is_empty() {
            return Ok(py.None());
        }
        Ok(PyList::new(py, items)?.into_any().unbind())
    }

    pub(super) fn internal_list(&self, py: Python<'_>, var: &str) -> PyResult<Option<Py<PyAny>>> {
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
                let paths = self.state.inherited.iter().map(|path| path.to_string_lossy());
                PyList::new(py, paths)?.into_any().unbind()
            }
            _ => return Ok(None),
        };
        Ok(Some(list))
    }

    pub(super) fn set_flag_value(
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
    pub(super) fn get_var(&self, py: Python<'_>, var: &str, expand: bool) -> PyResult<Py<PyAny>> {
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
    pub(super) fn get_var_flag(
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

    /// The names `d.keys()` lists whose `flag`, expanded, is true.
    pub(super) fn holders_of_flag(&self, py: Python<'_>, flag: &str) -> PyResult<Vec<String>> {
        let mut evaluator = self.evaluator(py);
        let names = self.state.datastore.names_with_flag(flag, &mut evaluator);
        let mut names = Self::datastore_result(py, names)?;
        for (name, _) in self.flag_objects.keys().filter(|(_, held)| held == flag) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        let mut holders = Vec::new();
        for name in names {
            if self.get_var_flag(py, &name, flag, true)?.bind(py).is_truthy()? {
                holders.push(name);
            }
        }
        Ok(holders)
    }

    pub(super) fn all_keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
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
pub(super) struct Truthy(pub(super) bool);

impl<'a, 'py> FromPyObject<'a, 'py> for Truthy {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Truthy(obj.is_truthy()?))
    }
}

pub(super) fn parsing_flag(loginfo: Option<&Bound<'_, PyDict>>) -> PyResult<bool> {
    match loginfo.map(|info| info.get_item("parsing")).transpose()?.flatten() {
        Some(value) => value.is_truthy(),
        None => Ok(false),
    }
}
