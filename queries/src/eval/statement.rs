//! One statement at a time: what each kind of statement does to the parse
//! state (BitBake's `parse/ast.py` and `build.addtask`/`deltask`).

use crate::eval::{AnonymousFunction, Fatal, FunctionSite, Interpreter, Site};
use crate::lower::{IncludeKind, Stmt};

impl Interpreter<'_> {
    pub(super) fn eval_statement(
        &mut self,
        statement: &Stmt,
        site: &Site<'_>,
    ) -> Result<(), Fatal> {
        let prov = site.provenance();
        match statement {
            Stmt::Assign { name, flag, op, value, exported } => {
                let python = self.python.evaluator(&self.state);
                let result = self.state.datastore.apply_assignment_with(
                    name,
                    flag.as_deref(),
                    *op,
                    value,
                    *exported,
                    &prov,
                    python,
                );
                self.take_python_messages(Some(site), site.path);
                if let Err(error) = result {
                    return Err(self.expansion_failed(Some(site), site.path, error));
                }
            }
            Stmt::Export { name } => self.datastore().apply_export(name, &prov),
            Stmt::Unset { name, flag: None } => self.datastore().apply_unset(name, &prov),
            Stmt::Unset { name, flag: Some(flag) } => {
                self.datastore().apply_unset_flag(name, flag, &prov)
            }
            Stmt::Include { files, kind: IncludeKind::IncludeAll } => {
                self.include_all(files, site)?
            }
            Stmt::Include { files, kind } => {
                self.include(files, *kind == IncludeKind::Require, site)?
            }
            Stmt::Inherit { classes, deferred: false } => {
                let classes = self.expand(classes, site)?;
                self.inherit(&classes, Some(site), site.path, false)?;
            }
            Stmt::Inherit { classes, deferred: true } => {
                let entry = (classes.clone(), site.path.to_path_buf(), site.statement);
                self.state.deferred_inherits.push(entry);
            }
            Stmt::AddTask { tasks, after, before } => {
                for task in tasks.split_whitespace() {
                    if let Err(error) = self.state.add_task(task, after, before, &prov) {
                        self.error(Some(site), site.path, error.to_string());
                        return Err(Fatal);
                    }
                }
            }
            Stmt::DelTask { tasks } => {
                let tasks = self.expand(tasks, site)?;
                for task in tasks.split_whitespace() {
                    self.state.delete_task(task, &prov);
                }
            }
            Stmt::AddHandler { handlers } => {
                for handler in handlers.split_whitespace() {
                    if !self.state.handlers.iter().any(|known| known == handler) {
                        self.state.handlers.push(handler.to_owned());
                    }
                    // A flag can fail only as a weak default; this one cannot.
                    let _ = self.datastore().set_var_flag(handler, "handler", "1", &prov);
                }
            }
            Stmt::Function { name, body, python, fakeroot } => match name.as_deref() {
                // BitBake runs a function named `__anonymous` as an anonymous one.
                None | Some("__anonymous") => {
                    let anonymous = AnonymousFunction {
                        code: body.clone(),
                        file: site.path.to_path_buf(),
                        statement: site.statement,
                    };
                    self.state.anonymous_functions.push_back(anonymous);
                }
                Some(name) => {
                    let flags: Vec<&str> =
                        [(*python, "python"), (*fakeroot, "fakeroot"), (true, "func")]
                            .into_iter()
                            .filter_map(|(set, flag)| set.then_some(flag))
                            .collect();
                    self.define_function(name, body, &flags, false, site)?;
                }
            },
            Stmt::PythonDef { name, code } => {
                self.define_function(name, code, &["func", "python"], true, site)?;
                self.run_def(code, site)?;
            }
            Stmt::ExportFunctions { functions } => self.export_functions(functions, site)?,
            Stmt::AddPylib { dir, namespace } => self.add_pylib(dir, namespace, site)?,
            // FIXME: addfragments is read but not yet applied.
            Stmt::AddFragments { .. } => {}
        }
        Ok(())
    }

    /// A named function: its body is the variable's value, flagged `func`
    /// (and `python`, `fakeroot`), then `filename`; flags are set in
    /// BitBake's order, which its history shows. `python_def` tells a
    /// top-level `def` from a `{ ... }` function.
    fn define_function(
        &mut self,
        name: &str,
        body: &str,
        flags: &[&str],
        python_def: bool,
        site: &Site<'_>,
    ) -> Result<(), Fatal> {
        let prov = site.provenance();
        let datastore = self.datastore();
        // BitBake tests the old value's truth: an empty body (an empty
        // function) does not count, and its flags stay.
        let old = datastore.get_var(name, false).ok().flatten();
        if old.is_some_and(|old| !old.is_empty()) {
            datastore.del_var_flag(name, "python", &prov);
            datastore.del_var_flag(name, "fakeroot", &prov);
        }
        let file_name = site.path.to_string_lossy().into_owned();
        let mut result = Ok(());
        for flag in flags {
            result = result.and_then(|()| self.datastore().set_var_flag(name, flag, "1", &prov));
        }
        result = result.and_then(|()| self.datastore().set_var(name, body, true, &prov));
        result =
            result.and_then(|()| self.datastore().set_var_flag(name, "filename", file_name, &prov));
        if let Err(error) = result {
            self.error(Some(site), site.path, error.to_string());
            return Err(Fatal);
        }
        self.state.function_sites.retain(|known| known.name != name);
        let site = FunctionSite {
            name: name.to_owned(),
            file: site.path.to_path_buf(),
            statement: site.statement,
            python_def,
        };
        self.state.function_sites.push_back(site);
        Ok(())
    }
}
