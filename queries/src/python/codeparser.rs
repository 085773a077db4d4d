//! BitBake's Python code parser, run by rbake's own `bb.codeparser` in the
//! embedded interpreter (Python's `ast` is the parser): the variables a
//! piece of Python reads, the functions it calls, and the
//! `bb.utils.contains` tests it makes, for task signatures.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::runtime::{runtime, with_python};

/// What a piece of code depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeDeps {
    /// Variables read through literal names.
    pub references: BTreeSet<String>,
    /// Functions called, by the names BitBake records.
    pub execs: BTreeSet<String>,
    /// `bb.utils.contains`-style tests: variable and the items tested.
    pub contains: BTreeMap<String, BTreeSet<String>>,
}

impl CodeDeps {
    pub fn merge(&mut self, other: &CodeDeps) {
        self.references.extend(other.references.iter().cloned());
        self.execs.extend(other.execs.iter().cloned());
        for (name, items) in &other.contains {
            self.contains.entry(name.clone()).or_default().extend(items.iter().cloned());
        }
    }
}

type Cache = Mutex<std::collections::HashMap<String, Arc<Result<CodeDeps, String>>>>;

/// Results by code, as BitBake caches them: the parse depends only on the
/// text.
fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The dependencies of `code`, a Python function body or expression of
/// the variable `name`. Results are cached by code, errors are not (as in
/// BitBake: an error names the variable).
pub fn python_code_deps(
    code: &str,
    name: &str,
    filename: &str,
    lineno: u32,
) -> Arc<Result<CodeDeps, String>> {
    if let Some(known) = cache().lock().expect("the cache lock").get(code) {
        return known.clone();
    }
    let result = with_python(|py| -> PyResult<CodeDeps> {
        runtime(py)?;
        let module = py.import("bb.codeparser")?;
        let found = module.getattr("python_deps")?.call1((code, lineno, filename, name))?;
        let found = found.cast_into::<PyDict>()?;
        // Lists (sorted by the Python side) or sets, either way.
        let list = |key: &str| -> PyResult<BTreeSet<String>> {
            match found.get_item(key)? {
                Some(value) => {
                    Ok(value.try_iter()?.map(|item| item?.extract()).collect::<PyResult<_>>()?)
                }
                None => Ok(BTreeSet::new()),
            }
        };
        let mut contains = BTreeMap::new();
        if let Some(table) = found.get_item("contains")? {
            let table = table.cast_into::<PyDict>()?;
            for (name, items) in table.iter() {
                let items: BTreeSet<String> =
                    items.try_iter()?.map(|item| item?.extract()).collect::<PyResult<_>>()?;
                contains.insert(name.extract::<String>()?, items);
            }
        }
        Ok(CodeDeps { references: list("references")?, execs: list("execs")?, contains })
    })
    .and_then(|result| result.map_err(|error| error.to_string()));
    let result = Arc::new(result);
    if result.is_ok() {
        cache().lock().expect("the cache lock").insert(code.to_owned(), result.clone());
    }
    result
}

/// What a function of a layer's Python library (`oe.utils.foo`) depends
/// on, as BitBake records it when the library is imported.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleFunction {
    pub deps: CodeDeps,
    /// BitBake's stand-in for the code in signatures: a hash of it.
    pub value: String,
}

/// Every library function of the libraries imported so far in this
/// process, by qualified name (the libraries of a parse are imported when
/// its Python session starts, and recorded on first need). The table only
/// grows, so it is read again only when its size changes.
pub fn module_functions() -> Result<Arc<BTreeMap<String, ModuleFunction>>, String> {
    type Known = Mutex<Option<(usize, Arc<BTreeMap<String, ModuleFunction>>)>>;
    static KNOWN: OnceLock<Known> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    with_python(|py| -> PyResult<Arc<BTreeMap<String, ModuleFunction>>> {
        runtime(py)?.getattr("record_module_functions")?.call0()?;
        let table =
            py.import("bb.codeparser")?.getattr("modulecode_deps")?.cast_into::<PyDict>()?;
        let mut known = known.lock().expect("the module table lock");
        if let Some((_, functions)) = known.as_ref().filter(|(size, _)| *size == table.len()) {
            return Ok(functions.clone());
        }
        let mut out = BTreeMap::new();
        let strings = |value: Bound<'_, PyAny>| -> PyResult<BTreeSet<String>> {
            value.try_iter()?.map(|item| item?.extract()).collect()
        };
        for (name, record) in table.iter() {
            let references = strings(record.get_item(0)?)?;
            let execs = strings(record.get_item(1)?)?;
            let mut contains = BTreeMap::new();
            for (var, items) in record.get_item(3)?.cast_into::<PyDict>()?.iter() {
                contains.insert(var.extract::<String>()?, strings(items)?);
            }
            let extra = record.get_item(4)?;
            let value = if extra.is_none() { String::new() } else { extra.str()?.to_string() };
            let deps = CodeDeps { references, execs, contains };
            out.insert(name.extract()?, ModuleFunction { deps, value });
        }
        let functions = Arc::new(out);
        *known = Some((table.len(), functions.clone()));
        Ok(functions)
    })?
    .map_err(|error| error.to_string())
}
