//! The public reading methods: values, flags and free text, each with a
//! variant that runs inline Python through a [`PythonEvaluator`].

use super::eval::{Ctx, Failure};
use std::collections::BTreeSet;

use super::{DataStore, Expanded, ExpansionError, NoPython, PythonEvaluator};

/// A variable's unexpanded value with what expanding it found.
#[derive(Clone, Debug, Default)]
pub struct VarWithRefs {
    pub raw: Option<String>,
    pub expanded: Option<Expanded>,
    /// The `:remove` items that removed at least one word.
    pub removed: BTreeSet<String>,
}

impl DataStore {
    /// The value of a variable, as BitBake's `getVar(name, expand)`:
    /// overrides, weak default and queued operations applied, and with
    /// `expand`, expanded with `:remove` applied. Inline Python is left as
    /// it is.
    pub fn get_var(&self, name: &str, expand: bool) -> Result<Option<String>, ExpansionError> {
        self.get_var_with(name, expand, &mut NoPython)
    }

    /// [`DataStore::get_var`] with inline Python run by `py`.
    pub fn get_var_with(
        &self,
        name: &str,
        expand: bool,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Option<String>, ExpansionError> {
        let mut ctx = Ctx::new(self, py, None);
        let ev = ctx.content(name, expand).map_err(Failure::into_error)?;
        Ok(if expand { ev.expanded.as_ref().map(|e| e.value.clone()) } else { ev.raw.clone() })
    }

    /// The expanded value of a variable with its references and inline
    /// Python expressions; `None` if the variable has no value.
    pub fn get_var_expanded(
        &self,
        name: &str,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Option<Expanded>, ExpansionError> {
        let mut ctx = Ctx::new(self, py, None);
        let ev = ctx.content(name, true).map_err(Failure::into_error)?;
        Ok(ev.expanded.clone())
    }

    /// What BitBake's `getVarFlag(name, "_content", False, retparser=True)`
    /// gives: the unexpanded value, and the expansion of it with its
    /// references, inline Python and the `:remove` items that removed
    /// something.
    pub fn get_var_with_refs(
        &self,
        name: &str,
        py: &mut dyn PythonEvaluator,
    ) -> Result<VarWithRefs, ExpansionError> {
        let mut ctx = Ctx::new(self, py, None);
        let ev = ctx.content(name, true).map_err(Failure::into_error)?;
        Ok(VarWithRefs {
            raw: ev.raw.clone(),
            expanded: ev.expanded.clone(),
            removed: ev.removed.clone(),
        })
    }

    /// The override variant whose value `name` takes under the active
    /// overrides (BitBake's match), if any.
    pub fn override_winner(
        &self,
        name: &str,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Option<String>, ExpansionError> {
        let Some(variants) = self.overridedata.get(name) else { return Ok(None) };
        Ok(self.overrides_with(py)?.select(variants))
    }

    /// Whether a filter (`setVarFilter`) applies to `name`'s expanded value.
    pub fn has_filter(&self, name: &str) -> bool {
        self.filters.contains_key(name.split(':').next().unwrap_or(name))
    }

    /// The expanded value of `name` without its own filter: what BitBake
    /// caches for an override variant when it reads the variable the
    /// variant overrides, and then returns for the variant itself.
    pub fn get_var_unfiltered(
        &self,
        name: &str,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Option<String>, ExpansionError> {
        let mut ctx = Ctx::new(self, py, None);
        ctx.unfiltered = Some(name.to_owned());
        let ev = ctx.content(name, true).map_err(Failure::into_error)?;
        Ok(ev.expanded.as_ref().map(|e| e.value.clone()))
    }

    /// A flag's value, as BitBake's `getVarFlag(name, flag, expand)`: the
    /// flag or its weak default `_defaultval_flag_FLAG`, expanded as
    /// `name[flag]` if asked. The flag `_content` is the variable's value.
    pub fn get_var_flag(
        &self,
        name: &str,
        flag: &str,
        expand: bool,
    ) -> Result<Option<String>, ExpansionError> {
        self.get_var_flag_with(name, flag, expand, &mut NoPython)
    }

    /// [`DataStore::get_var_flag`] with inline Python run by `py`.
    pub fn get_var_flag_with(
        &self,
        name: &str,
        flag: &str,
        expand: bool,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Option<String>, ExpansionError> {
        if flag == "_content" {
            return self.get_var_with(name, expand, py);
        }
        let Some(raw) = self.flag_with_default(name, flag) else { return Ok(None) };
        if !expand {
            return Ok(Some(raw.to_owned()));
        }
        let mut ctx = Ctx::new(self, py, None);
        Ok(Some(ctx.expand(raw, Some(&format!("{name}[{flag}]")))?.value))
    }

    /// A flag, or failing that its weak default.
    pub(super) fn flag_with_default(&self, name: &str, flag: &str) -> Option<&str> {
        let var = self.vars.get(name)?;
        // A flag set to None hides its weak default.
        match var.flags.get(flag) {
            Some(value) => value.as_deref(),
            None => var.flags.get(&format!("_defaultval_flag_{flag}")).and_then(Option::as_deref),
        }
    }

    /// Expands `text` as BitBake's `expand(text, varname)`: references are
    /// recorded; a reference to `varname` itself is an error.
    pub fn expand(&self, text: &str, varname: Option<&str>) -> Result<Expanded, ExpansionError> {
        self.expand_with(text, varname, &mut NoPython)
    }

    /// [`DataStore::expand`] with inline Python run by `py`.
    pub fn expand_with(
        &self,
        text: &str,
        varname: Option<&str>,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Expanded, ExpansionError> {
        Ctx::new(self, py, None).expand(text, varname)
    }
}
