//! Changing the datastore: BitBake's `setVar`, `setVarFlag`, `delVar`,
//! `delVarFlag`, `appendVar`, `prependVar` and their flag forms (`renameVar`
//! is in `keys`). Each public method records history at the caller's
//! position; the internal forms take an optional log, `None` meaning "do not
//! record" (BitBake's `ignore=True`).

use std::sync::Arc;

use super::history::Log;
use super::{
    DataStore, Deferred, ErrorCause, ExpansionError, ListKind, NoPython, Overrides, Provenance,
    PythonEvaluator,
};

/// Splits a name like `A:append:x` into `A`, the keyword and the override
/// text after it, as BitBake's pattern for queued operations does: the
/// first keyword that is either last or followed by `:` and text without
/// upper-case letters.
pub(super) fn split_keyword(var: &str) -> Option<(&str, ListKind, Option<&str>)> {
    for (i, _) in var.match_indices(':') {
        for kind in ListKind::ALL {
            let Some(after) = var[i..].strip_prefix(kind.keyword()) else { continue };
            if after.is_empty() {
                return Some((&var[..i], kind, None));
            }
            if let Some(cond) = after.strip_prefix(':') {
                if !cond.contains(|c: char| c.is_ascii_uppercase()) {
                    return Some((&var[..i], kind, Some(cond)));
                }
            }
        }
    }
    None
}

impl DataStore {
    /// Sets a variable, as BitBake's `setVar`. A name with `:append`,
    /// `:prepend` or `:remove` queues that operation on the base name
    /// instead. Otherwise, unless `parsing`, the variable's queued
    /// operations are dropped, its active override variants are deleted and
    /// its inactive ones are forgotten as variants (they stay as variables);
    /// that step needs the active overrides, which can fail.
    ///
    /// When the variable is one that `OVERRIDES` depends on (`OVERRIDES`
    /// and `FILE`, and names found in their values as they are set), the new
    /// value is expanded at once, as BitBake does to track those names, and
    /// a failure of that expansion is returned after the value is set.
    ///
    /// A name holding `_append`, `_prepend` or `_remove` (the old override
    /// syntax) is refused, as BitBake refuses it, before anything changes.
    pub fn set_var(
        &mut self,
        name: &str,
        value: impl Into<String>,
        parsing: bool,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        self.set_var_with(name, value, parsing, prov, &mut NoPython)
    }

    /// [`DataStore::set_var`] with inline Python in `OVERRIDES` run by `py`.
    pub fn set_var_with(
        &mut self,
        name: &str,
        value: impl Into<String>,
        parsing: bool,
        prov: &Provenance,
        py: &mut dyn PythonEvaluator,
    ) -> Result<(), ExpansionError> {
        self.set_var_logged(name, value.into(), parsing, Some(Log::new(prov, "set")), py)
    }

    pub(super) fn set_var_logged(
        &mut self,
        var: &str,
        value: String,
        parsing: bool,
        log: Option<Log<'_>>,
        py: &mut dyn PythonEvaluator,
    ) -> Result<(), ExpansionError> {
        // BitBake refuses any name that holds an old-style operation, even
        // one where it is only part of a word (do_remove_old).
        let old_style = ["_append", "_prepend", "_remove"].iter().any(|k| var.contains(k));
        if old_style && !var.starts_with("__anon_") {
            return Err(ExpansionError::fatal(ErrorCause::OldOverrideSyntax(var.to_owned())));
        }
        if let Some((base, kind, cond)) = split_keyword(var) {
            let before = self.overrides_before(base, false, py);
            self.touch();
            if let Some(log) = log {
                let op = match cond.filter(|c| !c.is_empty()) {
                    Some(c) => format!("{}[{c}]", kind.keyword()),
                    None => kind.keyword().to_owned(),
                };
                let log = Log { op, detail: None, ..log };
                self.record(base, &log, None, &value);
            }
            let item = Deferred { value: value.clone(), condition: cond.map(str::to_owned) };
            self.var_mut(base).list_mut(kind).push(item);
            self.index_overrides(base);
            if self.override_vars.contains(base) {
                self.update_override_vars(var, &value, py, before)?;
            }
            return Ok(());
        }

        let mut before = self.overrides_before(var, !parsing, py);
        if !parsing {
            self.touch();
            if let Some(v) = self.vars.get_mut(var) {
                let v = Arc::make_mut(v);
                v.appends.clear();
                v.prepends.clear();
                v.removes.clear();
            }
            if let Some(list) = self.overridedata.get(var).cloned() {
                // Failing the earlier list, BitBake computes one now, after
                // the queues are gone; a failure leaves them gone.
                let overrides = match &before {
                    Some(o) => o.clone(),
                    None => self.overrides_with(py)?,
                };
                for (name, o) in list.iter() {
                    if overrides.is_active(o) {
                        let del = log.as_ref().map(|l| Log::new(l.prov, "del"));
                        self.del_var_logged(name, del);
                    }
                }
                self.overridedata.remove(var);
                before = Some(overrides);
            }
        }
        self.touch();
        if var.contains(':') {
            self.index_overrides(var);
        }
        if let Some(log) = &log {
            self.record(var, log, None, &value);
        }
        self.var_mut(var).content = Some(value.clone());
        if self.override_vars.contains(var) {
            self.update_override_vars(var, &value, py, before)?;
        }
        Ok(())
    }

    /// The active overrides before a change to `var`, when the change will
    /// need them: to find the active variants (`variants`), or because
    /// `var` is one `OVERRIDES` depends on. BitBake uses the list it has
    /// cached, which is this one when it is up to date; when it cannot be
    /// computed, BitBake computes one during the change instead.
    fn overrides_before(
        &self,
        var: &str,
        variants: bool,
        py: &mut dyn PythonEvaluator,
    ) -> Option<Arc<Overrides>> {
        let needed =
            self.override_vars.contains(var) || (variants && self.overridedata.contains_key(var));
        if needed {
            self.overrides_with(py).ok()
        } else {
            None
        }
    }

    /// Sets a flag, as BitBake's `setVarFlag`. The flag `_content` is the
    /// value itself (nothing else happens, unlike [`DataStore::set_var`]).
    /// `export` and `unexport` add the name to the export list; a weak
    /// default `_defaultval` on a name with a colon makes it an override
    /// variant. Only a weak default of a name that `OVERRIDES` depends on
    /// can fail (see [`DataStore::set_var`]).
    pub fn set_var_flag(
        &mut self,
        name: &str,
        flag: &str,
        value: impl Into<String>,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        let log = Some(Log::new(prov, "set"));
        self.set_var_flag_logged(name, flag, value.into(), log, &mut NoPython)
    }

    pub(super) fn set_var_flag_logged(
        &mut self,
        var: &str,
        flag: &str,
        value: String,
        log: Option<Log<'_>>,
        py: &mut dyn PythonEvaluator,
    ) -> Result<(), ExpansionError> {
        let before =
            if flag == "_defaultval" { self.overrides_before(var, false, py) } else { None };
        self.touch();
        if let Some(log) = &log {
            self.record(var, log, Some(flag), &value);
        }
        let entry = self.var_mut(var);
        if flag == "_content" {
            entry.content = Some(value.clone());
        } else {
            entry.flags.insert(flag.to_owned(), Some(value.clone()));
        }
        if flag == "_defaultval" && var.contains(':') {
            self.index_overrides(var);
        }
        if flag == "_defaultval" && self.override_vars.contains(var) {
            self.update_override_vars(var, &value, py, before)?;
        }
        if flag == "export" || flag == "unexport" {
            self.exports.insert(var.to_owned());
        }
        Ok(())
    }

    /// Sets a flag to Python's `None`, as `setVarFlag(name, flag, None)`:
    /// the flag is present but has no value, so it reads as unset and hides
    /// its weak default. Used for flags, not for `_content`.
    pub fn set_var_flag_none(&mut self, name: &str, flag: &str, prov: &Provenance) {
        self.touch();
        self.record(name, &Log::new(prov, "set"), Some(flag), "None");
        self.var_mut(name).flags.insert(flag.to_owned(), None);
        if flag == "export" || flag == "unexport" {
            self.exports.insert(name.to_owned());
        }
    }

    /// Sets or removes an internal flag without history: the parser's own
    /// bookkeeping (a task's `deps`), which BitBake keeps as a list flag.
    pub fn set_internal_flag(&mut self, name: &str, flag: &str, value: Option<&str>) {
        self.touch();
        match value {
            Some(value) => self.var_mut(name).flags.insert(flag.to_owned(), Some(value.to_owned())),
            None => {
                if let Some(var) = self.vars.get_mut(name) {
                    Arc::make_mut(var).flags.remove(flag);
                }
                self.prune(name);
            }
        }
    }

    /// Deletes a variable, as BitBake's `delVar`: its value, flags and
    /// queued operations, its list of override variants (they stay as
    /// variables but no longer apply to it), and its own place in its
    /// parents' lists.
    pub fn del_var(&mut self, name: &str, prov: &Provenance) {
        self.del_var_logged(name, Some(Log::new(prov, "del")));
    }

    pub(super) fn del_var_logged(&mut self, var: &str, log: Option<Log<'_>>) {
        self.touch();
        if let Some(log) = log {
            self.record(var, &log.with_detail(""), None, "");
        }
        self.vars.remove(var);
        // BitBake leaves an empty entry behind, which is a local key.
        self.mark_local(var);
        self.overridedata.remove(var);
        if var.contains(':') {
            self.unindex_overrides(var);
        }
    }

    /// Deletes a flag, as BitBake's `delVarFlag`, and with it the flag's
    /// weak default. A flag that is not set is left alone, and then so is
    /// its weak default. `:append`, `:prepend` and `:remove` name the queues.
    pub fn del_var_flag(&mut self, name: &str, flag: &str, prov: &Provenance) {
        let Some(var) = self.vars.get(name) else { return };
        let has_key = var.has_key(flag);
        // BitBake copies an existing variable into the local entries first.
        self.mark_local(name);
        if !has_key {
            return;
        }
        self.touch();
        self.record(name, &Log::new(prov, "delFlag").with_detail(""), Some(flag), "");
        let entry = self.var_mut(name);
        match flag {
            "_content" => entry.content = None,
            ":append" => entry.appends.clear(),
            ":prepend" => entry.prepends.clear(),
            ":remove" => entry.removes.clear(),
            _ => {
                entry.flags.remove(flag);
            }
        }
        entry.flags.remove(&format!("_defaultval_flag_{flag}"));
        self.prune(name);
    }

    /// Queues an unconditional `:append`, as BitBake's `appendVar`. Only
    /// a variable that `OVERRIDES` depends on can fail (see
    /// [`DataStore::set_var`]).
    pub fn append_var(
        &mut self,
        name: &str,
        value: &str,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        self.queue(name, ListKind::Append, value, prov)
    }

    /// Queues an unconditional `:prepend`, as BitBake's `prependVar`.
    pub fn prepend_var(
        &mut self,
        name: &str,
        value: &str,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        self.queue(name, ListKind::Prepend, value, prov)
    }

    /// Records the operation, then queues `value` under `NAME:append` or
    /// `NAME:prepend`, as BitBake's `appendVar` and `prependVar` do.
    fn queue(
        &mut self,
        name: &str,
        kind: ListKind,
        value: &str,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        let operation = &kind.keyword()[1..];
        self.record(name, &Log::new(prov, operation), None, value);
        let queued = format!("{name}{}", kind.keyword());
        self.set_var_logged(&queued, value.to_owned(), true, None, &mut NoPython)
    }

    /// Appends to a flag's raw value (or its weak default), as BitBake's
    /// `appendVarFlag`. Fails only as [`DataStore::set_var_flag`] does.
    pub fn append_var_flag(
        &mut self,
        name: &str,
        flag: &str,
        value: &str,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        self.record(name, &Log::new(prov, "append"), Some(flag), value);
        let new = self.raw_flag_or_default(name, flag) + value;
        self.set_var_flag_logged(name, flag, new, None, &mut NoPython)
    }

    /// Prepends to a flag's raw value (or its weak default), as BitBake's
    /// `prependVarFlag`. Fails only as [`DataStore::set_var_flag`] does.
    pub fn prepend_var_flag(
        &mut self,
        name: &str,
        flag: &str,
        value: &str,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        self.record(name, &Log::new(prov, "prepend"), Some(flag), value);
        let new = value.to_owned() + &self.raw_flag_or_default(name, flag);
        self.set_var_flag_logged(name, flag, new, None, &mut NoPython)
    }

    fn raw_flag_or_default(&self, name: &str, flag: &str) -> String {
        if flag == "_content" {
            // BitBake reads the whole unexpanded value here, which can fail;
            // the own value is the part of it that cannot.
            return self.own_content(name).unwrap_or_default().to_owned();
        }
        self.flag_with_default(name, flag).unwrap_or_default().to_owned()
    }
}
