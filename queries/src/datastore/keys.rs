//! Listing names (BitBake's `keys()`), renaming a variable (`renameVar`),
//! renaming names that contain references to their expansion
//! (`bb.data.expandKeys`) and replacing a reference in every local value
//! (`expandVarref`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::history::Log;
use super::{
    DataStore, ErrorCause, ExpansionError, ListKind, NoPython, Overrides, Provenance,
    PythonEvaluator,
};

/// How deep renames of override variants may nest. Real variant chains
/// are a few levels deep; only a rename into its own variants goes on.
const MAX_RENAME_DEPTH: usize = 64;

/// A rename by [`DataStore::expand_keys`] that replaced a variable which
/// already had a value (BitBake warns about these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyReplacement {
    /// The name as written, with its references.
    pub key: String,
    pub key_value: String,
    /// The expanded name, whose previous value is lost.
    pub expanded_key: String,
    pub replaced_value: String,
}

impl DataStore {
    /// The names BitBake's `d.keys()` lists, sorted: every name with
    /// something stored under it, `__exportlist` once anything was
    /// exported, and every name one of whose override variants is active
    /// (even if nothing is stored under the name itself). Deleted names are
    /// not listed. Needs the active overrides, which can fail.
    pub fn keys(&self) -> Result<Vec<String>, ExpansionError> {
        self.keys_with(&mut NoPython)
    }

    /// [`DataStore::keys`] with inline Python in `OVERRIDES` run by `py`.
    pub fn keys_with(&self, py: &mut dyn PythonEvaluator) -> Result<Vec<String>, ExpansionError> {
        super::access::note_all_listed();
        self.keys_unnoted(py)
    }

    /// [`DataStore::keys_with`] without noting that every name was listed,
    /// for callers that look only at names holding a reference.
    fn keys_unnoted(&self, py: &mut dyn PythonEvaluator) -> Result<Vec<String>, ExpansionError> {
        let overrides = self.overrides_with(py)?;
        let mut keys: BTreeSet<String> = self.vars.keys().cloned().collect();
        if !self.exports.is_empty() {
            keys.insert("__exportlist".to_owned());
        }
        for (name, variants) in self.overridedata.iter() {
            if variants.iter().any(|(_, o)| overrides.is_active(o)) {
                keys.insert(name.clone());
            }
        }
        Ok(keys.into_iter().collect())
    }

    /// The names [`DataStore::keys_with`] lists that hold `flag` (or its
    /// weak default), unexpanded: a listing that only a change to who holds
    /// `flag` can change.
    pub fn names_with_flag(
        &self,
        flag: &str,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Vec<String>, ExpansionError> {
        super::access::note_flag_listed(flag);
        let mut names = self.keys_unnoted(py)?;
        names.retain(|name| self.holds_flag(name, flag));
        Ok(names)
    }

    /// Whether `name` holds `flag` or its weak default, without noting it.
    pub fn holds_flag(&self, name: &str, flag: &str) -> bool {
        self.vars.peek(name).is_some_and(|var| {
            var.flags.contains_key(flag)
                || var.flags.contains_key(&format!("_defaultval_flag_{flag}"))
        })
    }

    /// The flags `name` holds, without noting it.
    pub fn flag_names(&self, name: &str) -> Vec<String> {
        let flags = self.vars.peek(name).map(|var| var.flags.iter().map(|(flag, _)| flag.clone()));
        let flags = flags.into_iter().flatten();
        flags
            .map(|flag| flag.strip_prefix("_defaultval_flag_").map_or(flag.clone(), str::to_owned))
            .collect()
    }

    /// Whether [`DataStore::keys_with`] would list `name`, given the
    /// active overrides, without listing every name.
    pub fn is_key(&self, name: &str, overrides: &Overrides) -> bool {
        if self.vars.contains_key(name) {
            return true;
        }
        if name == "__exportlist" {
            return !self.exports.is_empty();
        }
        let variants = self.overridedata.get(name);
        variants.is_some_and(|variants| variants.iter().any(|(_, o)| overrides.is_active(o)))
    }

    /// Renames every name that contains `${` to its expansion, in sorted
    /// order of the original names, as BitBake's `expandKeys`. A rename
    /// onto a name that has a value replaces that value (and drops the
    /// target's flags, as any rename drops flags); such replacements where
    /// both names had a value are returned, as BitBake warns about them.
    pub fn expand_keys(
        &mut self,
        prov: &Provenance,
    ) -> Result<Vec<KeyReplacement>, ExpansionError> {
        self.expand_keys_with(prov, &mut NoPython)
    }

    /// [`DataStore::expand_keys`] with inline Python run by `py`.
    pub fn expand_keys_with(
        &mut self,
        prov: &Provenance,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Vec<KeyReplacement>, ExpansionError> {
        let mut todo = BTreeMap::new();
        for key in self.keys_unnoted(py)? {
            if !key.contains("${") {
                continue;
            }
            let expanded = self.expand_with(&key, None, py)?.value;
            if expanded != key {
                todo.insert(key, expanded);
            }
        }
        let mut replaced = Vec::new();
        for (key, expanded_key) in todo {
            if let Some(replaced_value) = self.get_var_with(&expanded_key, false, py)? {
                if let Some(key_value) = self.get_var_with(&key, false, py)? {
                    replaced.push(KeyReplacement {
                        key: key.clone(),
                        key_value,
                        expanded_key: expanded_key.clone(),
                        replaced_value,
                    });
                }
            }
            self.rename_var(&key, &expanded_key, prov)?;
        }
        Ok(replaced)
    }

    /// Replaces `${variable}` by the variable's raw value in the raw value
    /// of every local key (see [`DataStore::local_keys`]), as BitBake's
    /// `expandVarref` does after each layer.conf. A value that holds the
    /// reference is set anew, not while parsing, so its queued operations
    /// and its active override variants are folded in and then dropped.
    pub fn expand_var_ref(
        &mut self,
        variable: &str,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        let reference = format!("${{{variable}}}");
        let value = self.get_var(variable, false)?.unwrap_or_default();
        let keys: Vec<String> = self.local_keys().map(str::to_owned).collect();
        for key in keys {
            let Some(raw) = self.get_var(&key, false)? else { continue };
            if raw.contains(&reference) {
                self.set_var(&key, raw.replace(&reference, &value), false, prov)?;
            }
        }
        Ok(())
    }

    /// Renames a variable, as BitBake's `renameVar`. What moves: the own
    /// value (or, failing that, the `??=` weak default, which becomes a
    /// plain value), the queued operations (added after the new name's own),
    /// the history (copied) and the override variants (renamed in turn).
    /// Other flags do not move: BitBake drops them. Renaming a name to
    /// itself does nothing.
    ///
    /// Renaming a name to one of its own override variants (`B` to `B:x`)
    /// makes BitBake rename variants of variants without end, until Python's
    /// recursion limit; here that is an error with
    /// [`ErrorCause::Recursion`] after a fixed depth, and the datastore is
    /// left partly renamed, as BitBake leaves it.
    pub fn rename_var(
        &mut self,
        old: &str,
        new: &str,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        self.rename_nested(old, new, prov, 0)
    }

    fn rename_nested(
        &mut self,
        old: &str,
        new: &str,
        prov: &Provenance,
        depth: usize,
    ) -> Result<(), ExpansionError> {
        if old == new {
            return Ok(());
        }
        if depth > MAX_RENAME_DEPTH {
            let names = vec![old.to_owned(), new.to_owned()];
            return Err(ExpansionError::fatal(ErrorCause::Recursion(names)));
        }
        let mut found = false;
        let value = self.vars.get(old).and_then(|v| {
            v.content.clone().or_else(|| v.flags.get("_defaultval").cloned().flatten())
        });
        if let Some(value) = &value {
            self.copy_history(old, new);
            let log = Log::new(prov, format!("rename from {old}"));
            self.record(new, &log, None, value);
            self.set_var_logged(new, value.clone(), true, None, &mut NoPython)?;
            found = true;
        }
        for kind in ListKind::ALL {
            let items = self.deferred(old, kind).to_vec();
            if items.is_empty() {
                continue;
            }
            self.touch();
            self.var_mut(new).list_mut(kind).extend(items);
            found = true;
        }
        if let Some(variants) = self.overridedata.get(old).cloned() {
            found = true;
            let renamed: Vec<(String, String)> =
                variants.iter().map(|(v, o)| (v.replace(old, new), o.clone())).collect();
            self.overridedata.insert(new.to_owned(), Default::default());
            for ((v, _), (new_v, o)) in variants.iter().zip(renamed) {
                let list = Arc::make_mut(self.overridedata.entry(new.to_owned()).or_default());
                list.push((new_v.clone(), o));
                self.rename_nested(v, &new_v, prov, depth + 1)?;
            }
        }
        if !found {
            return Ok(());
        }
        if new.contains(':') && value.is_none() {
            self.index_overrides(new);
        }
        self.record(old, &Log::new(prov, "rename (to)"), None, new);
        self.del_var_logged(old, None);
        Ok(())
    }
}
