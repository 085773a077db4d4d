//! The configuration's signature handler (BB_SIGNATURE_HANDLER, such as
//! OpenEmbedded's `OEEquivHash`, defined in the layer's Python), asked which
//! task dependencies it leaves out of taskhashes (`rundep_check`).

use std::collections::BTreeMap;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use super::datasmart::DataSmart;
use super::runtime::{runtime, with_python};
use super::session::describe;
use super::slot::make_session;
use crate::datastore::Provenance;
use crate::eval::ParseState;

/// A task dependency as the handler sees it: the task's file, PN and task
/// name, the dependency's task id and PN.
pub type DependencyEdge = (String, String, String, String, String);

/// What the handler reads of one recipe: its inherited classes and each
/// package's RRECOMMENDS.
pub type RecipeFacts = (Vec<String>, Vec<(String, Vec<String>)>);

/// The positions of the edges the handler drops; `None` for a handler
/// that computes no taskhashes from dependencies (BitBake's default
/// "noop").
pub fn dropped_dependencies(
    config: &ParseState,
    edges: &[DependencyEdge],
    recipes: &BTreeMap<String, BTreeMap<String, RecipeFacts>>,
    virtuals: &[(String, String, String)],
) -> Result<Option<Vec<usize>>, String> {
    let session = make_session(config)?;
    with_python(|py| -> PyResult<Option<Vec<usize>>> {
        let runtime = runtime(py)?;
        let handle = session.session.clone_ref(py);
        let d = Bound::new(
            py,
            DataSmart::new(config.clone(), Provenance::internal("<siggen>"), handle),
        )?;
        let edges = PyList::new(
            py,
            edges.iter().map(|edge| {
                PyTuple::new(py, [&edge.0, &edge.1, &edge.2, &edge.3, &edge.4])
                    .expect("a tuple of strings")
            }),
        )?;
        let tables = PyDict::new(py);
        for (mc, table) in recipes {
            let by_fn = PyDict::new(py);
            for (fn_name, (inherits, runrecs)) in table {
                let recommends = PyDict::new(py);
                for (package, names) in runrecs {
                    recommends.set_item(package, PyList::new(py, names)?)?;
                }
                by_fn.set_item(fn_name, (PyList::new(py, inherits)?, recommends))?;
            }
            tables.set_item(mc, by_fn)?;
        }
        let virtmap = PyDict::new(py);
        let virtpnmap = PyDict::new(py);
        for (name, pn, fn_name) in virtuals {
            virtmap.set_item(name, fn_name)?;
            virtpnmap.set_item(name, pn)?;
        }
        runtime.getattr("enter")?.call1((session.session.bind(py),))?;
        let result = py
            .import("bb.siggen")?
            .getattr("dropped_dependencies")?
            .call1((d, edges, tables, virtmap, virtpnmap))
            .and_then(|found| found.extract::<Option<Vec<usize>>>());
        runtime.getattr("leave")?.call0()?;
        result
    })?
    .map_err(|error| with_python(|py| describe(py, &error)).unwrap_or_default())
}
