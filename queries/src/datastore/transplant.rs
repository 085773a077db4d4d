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
            self.vars.put(name, source.vars.peek(name).cloned());
            self.overridedata.put(name, source.overridedata.peek(name).cloned());
            self.history.put(name, source.history.peek(name).cloned());
            self.filters.put(name, source.filters.peek(name).cloned());
            self.exports.put(name, source.exports.peek(name));
            self.override_vars.put(name, source.override_vars.peek(name));
            self.filters_bypassed.put(name, source.filters_bypassed.peek(name));
        }
    }

    /// Whether this datastore's local keys start with those of `base`,
    /// as they do when it started as a clone of `base`.
    pub fn local_keys_extend(&self, base: &DataStore) -> bool {
        let len = base.local_keys.len();
        self.local_keys.len() >= len && self.local_keys.take(len) == base.local_keys
    }

    /// For a datastore whose local keys extend those of `old_base` (see
    /// [`DataStore::local_keys_extend`]): makes them those of `new_base`
    /// followed by its own, as if it had started from `new_base`. The names
    /// whose local marks differ between the bases must be `changed`, and
    /// none of them may be among its own.
    pub fn rebase_local_keys<'a>(
        &mut self,
        old_base: &DataStore,
        new_base: &DataStore,
        changed: impl IntoIterator<Item = &'a String>,
    ) {
        // Pushing the few own keys keeps the base's nodes shared; joining
        // two vectors would rebalance, copying many of them.
        let mut keys = new_base.local_keys.clone();
        for name in self.local_keys.iter().skip(old_base.local_keys.len()) {
            keys.push_back(name.clone());
        }
        self.local_keys = keys;
        for name in changed {
            if new_base.local_set.contains(name) {
                self.local_set.insert(name.clone());
            } else {
                self.local_set.remove(name);
            }
        }
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
            && self.local_keys.ptr_eq(&other.local_keys)
            && self.local_set.ptr_eq(&other.local_set)
    }

    /// Whether both datastores list the same local keys in the same order.
    pub fn same_local_keys(&self, other: &DataStore) -> bool {
        self.local_keys.ptr_eq(&other.local_keys) || self.local_keys == other.local_keys
    }

    /// How many local keys there are.
    pub fn local_keys_len(&self) -> usize {
        self.local_keys.len()
    }

    /// Moves the last local key, if it is `name`, to `index`: where a name
    /// first set by a statement applied late would stand had the statement
    /// run in its place.
    pub fn move_last_local_key(&mut self, name: &str, index: usize) {
        let last = self.local_keys.len().checked_sub(1);
        if let Some(last) = last.filter(|&last| index < last && self.local_keys[last] == name) {
            let moved = self.local_keys.remove(last);
            self.local_keys.insert(index, moved);
        }
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
