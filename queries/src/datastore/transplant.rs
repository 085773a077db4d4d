//! Comparing two datastores name by name, and carrying names from one to
//! another: what lets a parse's result take in a change to names the parse
//! never touched, instead of parsing again.
//!
//! None of these methods note accesses (see [`super::access`]): they work
//! on results, after the recording.

use std::collections::BTreeSet;

use super::DataStore;

impl DataStore {
    /// The names whose entries differ between `self` and `other` (value,
    /// flags, queued operations, override variants, history, filter,
    /// export, override-variable and local marks); those of them that are
    /// stored or have override variants in one but not the other (which a
    /// listing of names could see); and those exported in one only.
    pub fn changed_names(&self, other: &DataStore) -> [BTreeSet<String>; 3] {
        let names = self.changed_names_only(other);
        let present = |ds: &DataStore, name: &str| {
            ds.vars.peek(name).is_some() || ds.overridedata.peek(name).is_some()
        };
        let appeared = names
            .iter()
            .filter(|name| present(self, name) != present(other, name))
            .cloned()
            .collect();
        let export_changed = names
            .iter()
            .filter(|name| self.exports.peek(name) != other.exports.peek(name))
            .cloned()
            .collect();
        [names, appeared, export_changed]
    }

    fn changed_names_only(&self, other: &DataStore) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        diff_maps(&self.vars, &other.vars, &mut names);
        diff_maps(&self.overridedata, &other.overridedata, &mut names);
        diff_maps(&self.history, &other.history, &mut names);
        diff_maps(&self.filters, &other.filters, &mut names);
        for (mine, theirs) in [
            (&self.exports, &other.exports),
            (&self.override_vars, &other.override_vars),
            (&self.filters_bypassed, &other.filters_bypassed),
        ] {
            names.extend(mine.iter().filter(|name| !theirs.peek(name)).cloned());
            names.extend(theirs.iter().filter(|name| !mine.peek(name)).cloned());
        }
        names.extend(self.local_set.iter().filter(|n| !other.local_set.contains(*n)).cloned());
        names.extend(other.local_set.iter().filter(|n| !self.local_set.contains(*n)).cloned());
        names
    }

    /// Makes every entry of each of `names` what it is in `source`. Local
    /// marks are left alone (see [`DataStore::rebase_local_keys`]).
    pub fn copy_names_from<'a>(
        &mut self,
        source: &DataStore,
        names: impl IntoIterator<Item = &'a String>,
    ) {
        for name in names {
            copy_entry(&mut self.vars, &source.vars, name);
            copy_entry(&mut self.overridedata, &source.overridedata, name);
            copy_entry(&mut self.history, &source.history, name);
            copy_entry(&mut self.filters, &source.filters, name);
            for (mine, theirs) in [
                (&mut self.exports, &source.exports),
                (&mut self.override_vars, &source.override_vars),
                (&mut self.filters_bypassed, &source.filters_bypassed),
            ] {
                if mine.peek(name) != theirs.peek(name) {
                    mine.put(name, theirs.peek(name));
                }
            }
        }
    }

    /// Whether this datastore's local keys start with those of `base`,
    /// as they do when it started as a clone of `base` after
    /// [`DataStore::freeze_local_keys`].
    pub fn local_keys_extend(&self, base: &DataStore) -> bool {
        let shared = self.local_base.ptr_eq(&base.local_base) || self.local_base == base.local_base;
        shared && base.local_keys.is_empty()
    }

    /// Makes the local keys so far a prefix that clones share, so that
    /// [`DataStore::rebase_local_keys`] is cheap in them.
    pub fn freeze_local_keys(&mut self) {
        if !self.local_keys.is_empty() {
            let own = std::mem::take(&mut self.local_keys);
            self.local_base.append(own);
        }
    }

    /// Whether both datastores list the same local keys in the same order.
    pub(super) fn same_local_keys(&self, other: &DataStore) -> bool {
        let len = |ds: &DataStore| ds.local_base.len() + ds.local_keys.len();
        if self.local_base.ptr_eq(&other.local_base) {
            return self.local_keys == other.local_keys;
        }
        len(self) == len(other)
            && self
                .local_base
                .iter()
                .chain(&self.local_keys)
                .eq(other.local_base.iter().chain(&other.local_keys))
    }

    /// For a datastore whose local keys extend those of `old_base` (see
    /// [`DataStore::local_keys_extend`]): makes them those of `new_base`
    /// followed by its own, as if it had started from `new_base`, and the
    /// local marks of the `changed` names those of `new_base`. The names
    /// whose local marks differ between the bases must be among `changed`,
    /// and none of them may be among its own.
    pub fn rebase_local_keys<'a>(
        &mut self,
        old_base: &DataStore,
        new_base: &DataStore,
        changed: impl IntoIterator<Item = &'a String>,
    ) {
        if new_base.local_keys.is_empty() {
            self.local_base = new_base.local_base.clone();
        } else {
            let skipped = old_base.local_base.len() + old_base.local_keys.len();
            let own: Vec<String> =
                self.local_base.iter().chain(&self.local_keys).skip(skipped).cloned().collect();
            self.local_base = new_base.local_base.clone();
            self.local_keys = new_base.local_keys.clone();
            self.local_keys.extend(own);
        }
        for name in changed {
            if new_base.local_set.contains(name) {
                self.local_set.insert(name.clone());
            } else {
                self.local_set.remove(name);
            }
        }
    }

    /// Whether `other` is a copy of `self` with no change since: their
    /// maps are shared, not merely equal.
    pub fn shares_all_with(&self, other: &DataStore) -> bool {
        self.vars.ptr_eq(&other.vars)
            && self.overridedata.ptr_eq(&other.overridedata)
            && self.history.ptr_eq(&other.history)
            && self.filters.ptr_eq(&other.filters)
            && self.exports.ptr_eq(&other.exports)
            && self.override_vars.ptr_eq(&other.override_vars)
            && self.filters_bypassed.ptr_eq(&other.filters_bypassed)
            && shared_vector(&self.local_base, &other.local_base)
            && shared_vector(&self.local_keys, &other.local_keys)
            && self.local_set.ptr_eq(&other.local_set)
    }

    /// Whether at least two names have something stored under them, so
    /// that the datastore lists a name whatever one name does.
    pub fn has_two_entries(&self) -> bool {
        self.vars.len() >= 2
    }

    /// Whether anything is stored under `name`, without noting it.
    pub fn has_entry(&self, name: &str) -> bool {
        self.vars.peek(name).is_some()
    }

    /// How many local keys there are.
    pub fn local_keys_len(&self) -> usize {
        self.local_base.len() + self.local_keys.len()
    }

    /// Moves the last local key, if it is `name`, to `index`: where a name
    /// first set by a statement applied late would stand had the statement
    /// run in its place.
    pub fn move_last_local_key(&mut self, name: &str, index: usize) {
        if index < self.local_base.len() {
            self.freeze_local_keys();
            let last = self.local_base.len() - 1;
            if index < last && self.local_base[last] == name {
                let moved = self.local_base.remove(last);
                self.local_base.insert(index, moved);
            }
            return;
        }
        let index = index - self.local_base.len();
        let last = self.local_keys.len().checked_sub(1);
        if let Some(last) = last.filter(|&last| index < last && self.local_keys[last] == name) {
            let moved = self.local_keys.remove(last);
            self.local_keys.insert(index, moved);
        }
    }
}

/// Whether two vectors are copies of one: shared, or small (imbl keeps a
/// small vector inline, where sharing cannot be seen) and equal.
fn shared_vector(a: &imbl::Vector<String>, b: &imbl::Vector<String>) -> bool {
    const INLINE: usize = 64;
    a.ptr_eq(b) || (a.len() <= INLINE && b.len() <= INLINE && a == b)
}

/// Makes `name`'s entry in `mine` what it is in `theirs`, touching the map
/// only if they differ (a change copies the path to the entry).
fn copy_entry<V: PartialEq + Clone>(
    mine: &mut super::access::NotedMap<V>,
    theirs: &super::access::NotedMap<V>,
    name: &str,
) {
    let wanted = theirs.peek(name);
    if mine.peek(name) != wanted {
        mine.put(name, wanted.cloned());
    }
}

fn diff_maps<V: PartialEq + Clone>(
    mine: &super::access::NotedMap<V>,
    theirs: &super::access::NotedMap<V>,
    names: &mut BTreeSet<String>,
) {
    if mine.ptr_eq(theirs) {
        return;
    }
    for (name, value) in mine.iter() {
        if theirs.peek(name) != Some(value) {
            names.insert(name.clone());
        }
    }
    for name in theirs.keys() {
        if mine.peek(name).is_none() {
            names.insert(name.clone());
        }
    }
}
