//! Which names a computation touched: an optional, per-thread log that the
//! datastore's collections write to on every read or change of a name.
//!
//! A parse records its accesses so that a later edit that only sets names
//! the parse never touched can be applied to its result instead of parsing
//! again (see `crate::reuse`). Names are kept as 64-bit hashes: a collision
//! only makes a name look touched, which costs a parse, never a wrong value.
//! Listing every name (Python's `d.keys()`) touches every name; listing the
//! names changed since a copy (`localkeys()`) is counted, since what it
//! lists depends on when it runs.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::ops::Deref;

use rustc_hash::FxHasher;

use crate::thread_log::{self, Recording, Slot};

type FxBuild = BuildHasherDefault<FxHasher>;

/// The names a computation touched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessLog {
    names: HashSet<u64, FxBuild>,
    /// How many times every name was listed, so that a name that appears
    /// or disappears could matter.
    pub all_listings: u32,
    /// The flags whose holders were listed (`d.keys()` filtered by a flag).
    pub flag_listings: std::collections::BTreeSet<String>,
    /// Whether the exported names were listed.
    pub listed_exports: bool,
    /// How many times the names changed since a copy were listed.
    pub local_listings: u32,
}

impl AccessLog {
    /// Whether `name` was read or changed (or looks so, by its hash).
    pub fn touched(&self, name: &str) -> bool {
        self.names.contains(&name_hash(name))
    }

    /// Whether a change to `name` could change what was computed: it was
    /// touched, or names were listed and `name` appeared or disappeared,
    /// or exported names were listed and it was exported or unexported, or
    /// the holders of a flag it holds (`flags`) were listed.
    pub fn conflicts(
        &self,
        name: &str,
        appeared: bool,
        export_changed: bool,
        flags: &[String],
    ) -> bool {
        let listed = self.all_listings > 0;
        self.touched(name)
            || (appeared && listed)
            || (export_changed && (self.listed_exports || listed))
            || flags.iter().any(|flag| self.flag_listings.contains(flag))
    }
}

thread_local! {
    static LOG: Slot<AccessLog> = Slot::default();
}

fn name_hash(name: &str) -> u64 {
    let mut hasher = FxHasher::default();
    name.hash(&mut hasher);
    hasher.finish()
}

/// Records the names touched on this thread until the returned guard is
/// finished or dropped (see [`crate::thread_log`]).
pub fn record() -> Recording<AccessLog> {
    thread_log::start(&LOG)
}

/// How many local-key listings the current recording saw so far.
pub(crate) fn local_listings() -> u32 {
    thread_log::peek(&LOG, |log| log.local_listings).unwrap_or(0)
}

/// How many times the current recording saw every name listed so far.
pub(crate) fn all_listings() -> u32 {
    thread_log::peek(&LOG, |log| log.all_listings).unwrap_or(0)
}

/// Notes that `name` was read or changed.
pub(crate) fn note(name: &str) {
    thread_log::with_log(&LOG, |log| {
        log.names.insert(name_hash(name));
    });
}

/// Notes that every name was listed.
pub(crate) fn note_all_listed() {
    thread_log::with_log(&LOG, |log| log.all_listings += 1);
}

/// Notes that the names holding `flag` were listed.
pub(crate) fn note_flag_listed(flag: &str) {
    thread_log::with_log(&LOG, |log| {
        log.flag_listings.insert(flag.to_owned());
    });
}

/// Notes that the exported names were listed.
pub(crate) fn note_exports_listed() {
    thread_log::with_log(&LOG, |log| log.listed_exports = true);
}

/// Notes that the names changed since a copy were listed.
pub(crate) fn note_local_listing() {
    thread_log::with_log(&LOG, |log| log.local_listings += 1);
}

/// A map by name whose lookups and changes note the name. Iterating does
/// not: callers that list names note that themselves.
#[derive(Clone, Debug)]
pub(super) struct NotedMap<V>(imbl::HashMap<String, V>);

impl<V> Default for NotedMap<V> {
    fn default() -> Self {
        NotedMap(imbl::HashMap::new())
    }
}

impl<V: PartialEq + Clone> PartialEq for NotedMap<V> {
    fn eq(&self, other: &Self) -> bool {
        self.0.ptr_eq(&other.0) || self.0 == other.0
    }
}

impl<V: Eq + Clone> Eq for NotedMap<V> {}

impl<V> Deref for NotedMap<V> {
    type Target = imbl::HashMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<V: Clone> NotedMap<V> {
    pub(super) fn get(&self, name: &str) -> Option<&V> {
        note(name);
        self.0.get(name)
    }

    pub(super) fn get_mut(&mut self, name: &str) -> Option<&mut V> {
        note(name);
        self.0.get_mut(name)
    }

    pub(super) fn contains_key(&self, name: &str) -> bool {
        note(name);
        self.0.contains_key(name)
    }

    pub(super) fn entry(
        &mut self,
        name: String,
    ) -> imbl::hashmap::Entry<
        '_,
        String,
        V,
        std::hash::RandomState,
        imbl::shared_ptr::DefaultSharedPtr,
    > {
        note(&name);
        self.0.entry(name)
    }

    pub(super) fn insert(&mut self, name: String, value: V) -> Option<V> {
        note(&name);
        self.0.insert(name, value)
    }

    pub(super) fn remove(&mut self, name: &str) -> Option<V> {
        note(name);
        self.0.remove(name)
    }

    /// The entry of `name` without noting it, for comparing datastores.
    pub(super) fn peek(&self, name: &str) -> Option<&V> {
        self.0.get(name)
    }

    /// Sets or removes the entry of `name` without noting it.
    pub(super) fn put(&mut self, name: &str, value: Option<V>) {
        match value {
            Some(value) => self.0.insert(name.to_owned(), value),
            None => self.0.remove(name),
        };
    }
}

/// A set of names whose lookups and insertions note the name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct NotedSet(imbl::OrdSet<String>);

impl Deref for NotedSet {
    type Target = imbl::OrdSet<String>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromIterator<String> for NotedSet {
    fn from_iter<I: IntoIterator<Item = String>>(names: I) -> Self {
        NotedSet(names.into_iter().collect())
    }
}

impl NotedSet {
    pub(super) fn contains(&self, name: &str) -> bool {
        note(name);
        self.0.contains(name)
    }

    pub(super) fn insert(&mut self, name: String) {
        note(&name);
        self.0.insert(name);
    }

    pub(super) fn extend(&mut self, names: impl IntoIterator<Item = String>) {
        for name in names {
            self.insert(name);
        }
    }

    /// Whether `name` is in the set, without noting it.
    pub(super) fn peek(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// Adds or removes `name` without noting it.
    pub(super) fn put(&mut self, name: &str, present: bool) {
        if present {
            self.0.insert(name.to_owned());
        } else {
            self.0.remove(name);
        }
    }
}
