//! The interpreter's handle on its Python session: made on first need
//! from the parse state (its `addpylib` libraries, BB_GLOBAL_PYMODULES and
//! the `def` functions read so far), and falling back to leaving inline
//! Python unexpanded if the embedded interpreter cannot start.

use super::session::PythonSession;
use crate::datastore::{NoPython, PythonEvaluator};
use crate::eval::ParseState;

#[derive(Default)]
pub(crate) struct PythonSlot {
    session: Option<PythonSession>,
    /// Why no session could be made, once that has failed.
    failure: Option<String>,
    fallback: NoPython,
}

impl PythonSlot {
    /// The session, made from `state` if there is none yet.
    pub(crate) fn session(&mut self, state: &ParseState) -> Result<&PythonSession, String> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        if self.session.is_none() {
            match make_session(state) {
                Ok(session) => self.session = Some(session),
                Err(failure) => {
                    self.failure = Some(failure.clone());
                    return Err(failure);
                }
            }
        }
        Ok(self.session.as_ref().expect("made above"))
    }

    /// The evaluator for inline Python.
    pub(crate) fn evaluator(&mut self, state: &ParseState) -> &mut dyn PythonEvaluator {
        if self.session(state).is_err() {
            return &mut self.fallback;
        }
        let session = self.session.as_mut().expect("made by session()");
        session.inherited = state.inherited.clone();
        session
    }

    /// Forgets the session, so that the next need makes a new one (after a
    /// new `addpylib`).
    pub(crate) fn reset(&mut self) {
        self.session = None;
    }
}

/// A session for `state`. The `def`s already read are run into it; one
/// that fails was reported when it was read.
pub fn make_session(state: &ParseState) -> Result<PythonSession, String> {
    let datastore = &state.datastore;
    let modules = datastore.get_var("BB_GLOBAL_PYMODULES", true).ok().flatten().unwrap_or_default();
    let modules: Vec<String> = modules.split_whitespace().map(str::to_owned).collect();
    let mut session = PythonSession::new(&state.pylibs, &modules)?;
    session.inherited = state.inherited.clone();
    for site in state.function_sites.iter().filter(|site| site.python_def) {
        if let Some(text) = datastore.own_content(&site.name) {
            let _ = session.add_def(text, &site.file.to_string_lossy());
        }
    }
    Ok(session)
}

/// An evaluator for reading `state` after its parse: its session, or, if
/// the embedded interpreter cannot start, one that leaves inline Python
/// as written.
pub fn evaluator_for(state: &ParseState) -> Box<dyn PythonEvaluator> {
    match make_session(state) {
        Ok(session) => Box::new(session),
        Err(_) => Box::new(NoPython),
    }
}
