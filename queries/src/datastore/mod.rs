//! BitBake's datastore as a plain Rust value: no salsa and no IO.
//!
//! A [`DataStore`] holds what BitBake keeps per variable: the value
//! (`_content`), the flags (including the weak defaults `_defaultval` and
//! `_defaultval_flag_X`), and the queued `:append`, `:prepend` and `:remove`
//! operations, each with its optional override condition. Beside them it
//! keeps the override index (which names are override variants of which
//! other name), the export list, the history of every change and the names
//! changed since the datastore was copied (BitBake's local keys).
//!
//! The semantics follow BitBake's `DataSmart` closely, quirks included, so
//! that the values computed here are the values BitBake computes. Where this
//! code deliberately differs, the item's documentation says so.
//!
//! Every collection is persistent (`imbl`), so cloning a datastore is cheap:
//! the configuration datastore can be handed to every recipe and each recipe
//! pays only for what it changes.
//!
//! Submodules: `mutate` (the setters), `overrides` (the override index and
//! the active override list), `eval` (how a value is computed), `read` (the
//! reading methods), `expand` (the error and result types of expansion and
//! the Python boundary), `assign` (the metadata statements), `keys`
//! (listing keys and expanding them) and `history`.

pub mod access;
mod assign;
mod eval;
mod expand;
mod history;
mod keys;
mod mutate;
mod overrides;
mod read;
#[cfg(test)]
mod tests;
mod transplant;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use imbl::Vector;

use self::access::{NotedMap, NotedSet};

pub use self::assign::op_name;
pub use self::expand::{ErrorCause, Expanded, ExpansionError, NoPython, PythonEvaluator};
use self::history::History;
pub use self::history::{HistoryEntry, Provenance};
pub use self::keys::KeyReplacement;
pub use self::overrides::Overrides;
pub use self::read::VarWithRefs;
pub use rbake_syntax::ast::AssignOp;

/// One of the three kinds of queued operation on a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListKind {
    Append,
    Prepend,
    Remove,
}

impl ListKind {
    /// The keyword as it appears in a variable name, with its colon.
    pub fn keyword(self) -> &'static str {
        match self {
            ListKind::Append => ":append",
            ListKind::Prepend => ":prepend",
            ListKind::Remove => ":remove",
        }
    }

    const ALL: [ListKind; 3] = [ListKind::Append, ListKind::Prepend, ListKind::Remove];
}

/// A queued `:append`, `:prepend` or `:remove`: its text and the override
/// that must be active for it to apply (`None` or empty: always applies).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Deferred {
    pub value: String,
    pub condition: Option<String>,
}

/// Everything stored under one variable name. An entry with nothing in it
/// is never kept: BitBake treats an empty entry as a deleted variable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Variable {
    content: Option<String>,
    /// Every flag but `_content`, internal ones (`_defaultval...`) included.
    /// `None` is a flag set to Python's `None`: present, but with no value.
    flags: FlagMap,
    appends: Vec<Deferred>,
    prepends: Vec<Deferred>,
    removes: Vec<Deferred>,
}

/// A variable's flags in the order they were first set, as a Python dict
/// keeps them (`getVarFlags` returns them in that order). Variables have
/// few flags, so a list is searched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct FlagMap(Vec<(String, Option<String>)>);

impl FlagMap {
    fn get(&self, flag: &str) -> Option<&Option<String>> {
        self.0.iter().find(|(name, _)| name == flag).map(|(_, value)| value)
    }

    fn contains_key(&self, flag: &str) -> bool {
        self.get(flag).is_some()
    }

    /// Sets a flag; one already set keeps its place.
    fn insert(&mut self, flag: String, value: Option<String>) {
        match self.0.iter_mut().find(|(name, _)| *name == flag) {
            Some(entry) => entry.1 = value,
            None => self.0.push((flag, value)),
        }
    }

    fn remove(&mut self, flag: &str) {
        self.0.retain(|(name, _)| name != flag);
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &Option<String>)> {
        self.0.iter().map(|(name, value)| (name, value))
    }
}

impl Variable {
    fn is_empty(&self) -> bool {
        self.content.is_none()
            && self.flags.is_empty()
            && self.appends.is_empty()
            && self.prepends.is_empty()
            && self.removes.is_empty()
    }

    fn list(&self, kind: ListKind) -> &Vec<Deferred> {
        match kind {
            ListKind::Append => &self.appends,
            ListKind::Prepend => &self.prepends,
            ListKind::Remove => &self.removes,
        }
    }

    fn list_mut(&mut self, kind: ListKind) -> &mut Vec<Deferred> {
        match kind {
            ListKind::Append => &mut self.appends,
            ListKind::Prepend => &mut self.prepends,
            ListKind::Remove => &mut self.removes,
        }
    }

    /// The raw value of a flag, `_content` included, without weak defaults.
    fn flag(&self, flag: &str) -> Option<&str> {
        if flag == "_content" {
            self.content.as_deref()
        } else {
            self.flags.get(flag).and_then(Option::as_deref)
        }
    }

    /// Whether BitBake would find `flag` as a key of this variable's dict.
    fn has_key(&self, flag: &str) -> bool {
        match flag {
            "_content" => self.content.is_some(),
            ":append" => !self.appends.is_empty(),
            ":prepend" => !self.prepends.is_empty(),
            ":remove" => !self.removes.is_empty(),
            _ => self.flags.contains_key(flag),
        }
    }
}

/// A BitBake datastore. See the module documentation.
#[derive(Clone)]
pub struct DataStore {
    vars: NotedMap<Arc<Variable>>,
    /// BitBake's `overridedata`: for a name, the names that are override
    /// variants of it, each with its override (`A` → `[("A:x", "x")]`).
    overridedata: NotedMap<Arc<Vec<(String, String)>>>,
    /// Names that ever got an `export` or `unexport` flag.
    exports: NotedSet,
    /// BitBake's `overridevars`: the names found so far that `OVERRIDES`
    /// depends on. Setting one of them expands the new value at once.
    override_vars: NotedSet,
    history: NotedMap<History>,
    /// Filters on expanded values, by variable name (`setVarFilter`).
    filters: NotedMap<String>,
    /// Names whose expanded reads skip their filter: BitBake's expansion
    /// cache holds an unfiltered value for them once they are read for a
    /// signature (see [`DataStore::bypass_filter`]).
    filters_bypassed: NotedSet,
    /// The names changed since [`DataStore::create_copy`] made this
    /// datastore, in the order first changed (BitBake's `localkeys()`, the
    /// keys of the copy's own dictionary). Deleted names stay listed. The
    /// list is `local_base` followed by `local_keys`: a frozen prefix
    /// (the configuration's, which every recipe shares) and what came after.
    local_base: Vector<String>,
    local_keys: Vector<String>,
    local_set: imbl::HashSet<String>,
    /// The active overrides, computed on first need and dropped by every
    /// change (BitBake keeps them longer; see [`DataStore::overrides`]):
    /// as computed without Python, and as computed with it.
    overrides_plain: OnceLock<ComputedOverrides>,
    overrides_python: OnceLock<ComputedOverrides>,
}

/// A computed override list, and whether inline Python was met computing it.
#[derive(Clone, Debug)]
struct ComputedOverrides {
    result: Result<Arc<Overrides>, ExpansionError>,
    used_python: bool,
}

impl Default for DataStore {
    fn default() -> Self {
        DataStore {
            vars: NotedMap::default(),
            overridedata: NotedMap::default(),
            exports: NotedSet::default(),
            override_vars: ["OVERRIDES", "FILE"].into_iter().map(str::to_owned).collect(),
            history: NotedMap::default(),
            filters: NotedMap::default(),
            filters_bypassed: NotedSet::default(),
            local_base: Vector::new(),
            local_keys: Vector::new(),
            local_set: imbl::HashSet::new(),
            overrides_plain: OnceLock::new(),
            overrides_python: OnceLock::new(),
        }
    }
}

impl DataStore {
    /// An empty datastore.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether anything is stored under `name` (a value, a flag or a queued
    /// operation). Override variants of `name` do not count.
    pub fn contains(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// The variable's own `_content`, ignoring overrides, queued operations
    /// and the weak default: what BitBake's parser reads for `+=` and `?=`.
    pub fn own_content(&self, name: &str) -> Option<&str> {
        self.vars.get(name)?.content.as_deref()
    }

    /// The raw value of a flag with no weak-default fallback (`_content` is
    /// accepted and means the own value).
    pub fn own_flag(&self, name: &str, flag: &str) -> Option<&str> {
        self.vars.get(name)?.flag(flag)
    }

    /// The queued operations of one kind, in the order they were queued.
    pub fn deferred(&self, name: &str, kind: ListKind) -> &[Deferred] {
        self.vars.get(name).map_or(&[], |v| v.list(kind).as_slice())
    }

    /// The flags of a variable, as BitBake's `getVarFlags` returns them,
    /// unexpanded. Without `internal`, names starting with `_` or `:` are
    /// left out and a weak default `_defaultval_flag_X` shows as `X` when
    /// `X` itself is unset. With `internal`, every string-valued flag is
    /// listed, `_content` included; the queued lists are not strings and
    /// are never listed (see [`DataStore::deferred`]), and neither are
    /// flags set to `None` (see [`DataStore::none_flags`]). `None` if empty.
    pub fn get_var_flags(&self, name: &str, internal: bool) -> Option<BTreeMap<String, String>> {
        let flags = self.get_var_flags_ordered(name, internal);
        (!flags.is_empty()).then(|| flags.into_iter().collect())
    }

    /// [`DataStore::get_var_flags`] in the order the flags were first set,
    /// as BitBake's dictionary returns them; empty if there are none.
    pub fn get_var_flags_ordered(&self, name: &str, internal: bool) -> Vec<(String, String)> {
        let Some(var) = self.vars.get(name) else { return Vec::new() };
        let mut out: Vec<(String, String)> = Vec::new();
        let mut put = |flag: &str, value: &String| match out.iter_mut().find(|(f, _)| f == flag) {
            Some(entry) => entry.1 = value.clone(),
            None => out.push((flag.to_owned(), value.clone())),
        };
        if let Some(content) = &var.content {
            if internal {
                put("_content", content);
            }
        }
        for (flag, value) in var.flags.iter() {
            let Some(value) = value else { continue };
            if internal {
                put(flag, value);
            } else if let Some(plain) = flag.strip_prefix("_defaultval_flag_") {
                if !var.has_key(plain) {
                    put(plain, value);
                }
            } else if !flag.starts_with(['_', ':']) {
                put(flag, value);
            }
        }
        out
    }

    /// The flags of a variable that are set to `None` (BitBake's
    /// `setVarFlag(name, flag, None)`), which BitBake lists among the flags
    /// with no string value.
    pub fn none_flags(&self, name: &str) -> impl Iterator<Item = &str> {
        let flags = self.vars.get(name).map(|var| var.flags.iter());
        flags.into_iter().flatten().filter(|(_, v)| v.is_none()).map(|(flag, _)| flag.as_str())
    }

    /// From now on, expanded reads of `name` skip its filter. BitBake's
    /// signature code reads a variable unexpanded with its references,
    /// which caches the expansion before the filter; later expanded reads
    /// of the name (inline Python calling `getVar` included) return that.
    pub fn bypass_filter(&mut self, name: &str) {
        self.filters_bypassed.insert(name.to_owned());
    }

    /// The names that ever got an `export` or `unexport` flag, sorted
    /// (BitBake's `__exportlist`). Deleting a variable does not remove it.
    pub fn export_list(&self) -> impl Iterator<Item = &str> {
        access::note_exports_listed();
        self.exports.iter().map(String::as_str)
    }

    /// The override variants recorded for `name`, as `(full name, override)`
    /// pairs in the order BitBake recorded them.
    pub fn override_variants(&self, name: &str) -> &[(String, String)] {
        self.overridedata.get(name).map_or(&[], |l| l.as_slice())
    }

    /// Whether `name` has a list of override variants, even an empty one
    /// (BitBake's `hasOverrides`).
    pub fn has_overrides(&self, name: &str) -> bool {
        self.overridedata.contains_key(name)
    }

    /// Sets or, with `None`, removes the filter on a variable's expanded
    /// value, as BitBake's `setVarFilter`.
    pub fn set_var_filter(&mut self, name: &str, expression: Option<&str>) {
        match expression.filter(|e| !e.is_empty()) {
            Some(expression) => {
                self.filters.insert(name.to_owned(), expression.to_owned());
            }
            None => {
                self.filters.remove(name);
            }
        }
        self.touch();
    }

    /// A copy whose own changes start empty, as BitBake's `createCopy`:
    /// the values are shared, and [`DataStore::local_keys`] lists only
    /// what changes after the copy.
    pub fn create_copy(&self) -> DataStore {
        let mut copy = self.clone();
        copy.forget_overrides();
        copy.local_base = Vector::new();
        copy.local_keys = Vector::new();
        copy.local_set = imbl::HashSet::new();
        copy
    }

    /// The names changed since this datastore was made by
    /// [`DataStore::create_copy`] (or since it was made empty), in the order
    /// first changed, deleted ones included.
    pub fn local_keys(&self) -> impl Iterator<Item = &str> {
        access::note_local_listing();
        self.local_base.iter().chain(self.local_keys.iter()).map(String::as_str)
    }

    /// Records that `name` now has an entry of this datastore's own.
    fn mark_local(&mut self, name: &str) {
        if !self.local_set.contains(name) {
            self.local_set.insert(name.to_owned());
            self.local_keys.push_back(name.to_owned());
        }
    }

    fn var_mut(&mut self, name: &str) -> &mut Variable {
        self.mark_local(name);
        Arc::make_mut(self.vars.entry(name.to_owned()).or_default())
    }

    /// Drops the entry of `name` if nothing is left in it.
    fn prune(&mut self, name: &str) {
        if self.vars.get(name).is_some_and(|v| v.is_empty()) {
            self.vars.remove(name);
        }
    }

    /// Marks a change. The active overrides stay as computed, as BitBake
    /// keeps its list until a name `OVERRIDES` depends on is set (see
    /// [`DataStore::forget_overrides`]).
    fn touch(&mut self) {}

    /// Drops the computed overrides, so that the next read computes them
    /// again: after a name `OVERRIDES` depends on is set, and in a copy.
    pub(crate) fn forget_overrides(&mut self) {
        self.overrides_plain = OnceLock::new();
        self.overrides_python = OnceLock::new();
    }
}

impl PartialEq for DataStore {
    fn eq(&self, other: &Self) -> bool {
        self.vars == other.vars
            && self.overridedata == other.overridedata
            && self.exports == other.exports
            && self.override_vars == other.override_vars
            && self.history == other.history
            && self.same_local_keys(other)
            && self.filters == other.filters
            && self.filters_bypassed == other.filters_bypassed
    }
}

impl Eq for DataStore {}

impl fmt::Debug for DataStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.vars.keys().collect();
        names.sort();
        f.debug_struct("DataStore")
            .field("vars", &names)
            .field("exports", &self.exports.len())
            .finish_non_exhaustive()
    }
}
