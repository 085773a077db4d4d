//! The history of changes: one list of entries per variable name, in the
//! order the changes were made, as BitBake's variable history keeps it.
//!
//! The operation names are BitBake's, because its history output is what
//! users compare against: `set`, `set?`, `immediate`, `append`, `prepend`,
//! `postdot`, `predot`, `exported`, `del`, `delFlag`, `:append[override]`,
//! `rename from X`, `rename (to)`.

use std::sync::Arc;

use super::DataStore;

/// Where a change comes from: a file and the index of the statement in it.
/// Statements are counted rather than lines so that a datastore stays equal
/// when an edit only moves lines; lines come from the position queries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Provenance {
    pub file: Arc<str>,
    pub statement: u32,
}

impl Provenance {
    /// The statement number of changes the parser makes itself, at no
    /// statement (setting FILE, LAYERDIR, the environment, ...).
    pub const NO_STATEMENT: u32 = u32::MAX;

    pub fn new(file: impl Into<Arc<str>>, statement: u32) -> Self {
        Provenance { file: file.into(), statement }
    }

    /// A change the parser makes itself while reading `file`.
    pub fn internal(file: impl Into<Arc<str>>) -> Self {
        Provenance { file: file.into(), statement: Self::NO_STATEMENT }
    }
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// BitBake's name for the operation (see the module documentation).
    pub op: Arc<str>,
    pub file: Arc<str>,
    /// The index of the statement in `file` (see [`Provenance`]).
    pub statement: u32,
    /// The flag that was changed, if the change was to a flag.
    pub flag: Option<Arc<str>>,
    /// The value as written by the change (for `+=`, the added text).
    /// Shared, as entries are copied with every datastore that changes
    /// the variable again.
    pub detail: Arc<str>,
}

/// How a change is to be recorded: the caller's position, the operation
/// name and the detail (when the detail is not the stored value).
#[derive(Clone, Debug)]
pub(super) struct Log<'p> {
    pub(super) prov: &'p Provenance,
    pub(super) op: String,
    pub(super) detail: Option<String>,
}

impl<'p> Log<'p> {
    pub(super) fn new(prov: &'p Provenance, op: impl Into<String>) -> Self {
        Log { prov, op: op.into(), detail: None }
    }

    pub(super) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// The history of one variable: a persistent list, newest entry first,
/// whose older part is shared with the datastores it was copied from, so
/// that a change costs one entry however long the history.
#[derive(Clone, Debug, Default)]
pub(super) struct History(Option<Arc<HistoryNode>>);

#[derive(Debug)]
pub(super) struct HistoryNode {
    entry: HistoryEntry,
    older: Option<Arc<HistoryNode>>,
    len: usize,
}

impl History {
    fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |node| node.len)
    }

    fn push(&mut self, entry: HistoryEntry) {
        let len = self.len() + 1;
        self.0 = Some(Arc::new(HistoryNode { entry, older: self.0.take(), len }));
    }

    fn newest_first(&self) -> impl Iterator<Item = &HistoryEntry> {
        std::iter::successors(self.0.as_deref(), |node| node.older.as_deref())
            .map(|node| &node.entry)
    }

    fn oldest_first(&self) -> Vec<&HistoryEntry> {
        let mut entries: Vec<&HistoryEntry> = self.newest_first().collect();
        entries.reverse();
        entries
    }
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => self.len() == other.len() && self.newest_first().eq(other.newest_first()),
        }
    }
}

impl Eq for History {}

impl DataStore {
    /// The recorded changes of `name`, oldest first.
    pub fn history(&self, name: &str) -> impl Iterator<Item = &HistoryEntry> {
        self.history.get(name).map(History::oldest_first).unwrap_or_default().into_iter()
    }

    /// The names that have a history, sorted.
    pub fn history_names(&self) -> Vec<String> {
        super::access::note_all_listed();
        let mut names: Vec<String> = self.history.keys().cloned().collect();
        names.sort();
        names
    }

    /// Appends an entry for `name`. The detail is the log's own detail if it
    /// has one, else `value`.
    pub(super) fn record(&mut self, name: &str, log: &Log<'_>, flag: Option<&str>, value: &str) {
        let entry = HistoryEntry {
            op: log.op.as_str().into(),
            file: log.prov.file.clone(),
            statement: log.prov.statement,
            flag: flag.map(Arc::from),
            detail: log.detail.as_deref().unwrap_or(value).into(),
        };
        self.history.entry(name.to_owned()).or_default().push(entry);
    }

    /// Copies the history of `old` to the end of the history of `new`, as a
    /// rename does. The history of `old` stays.
    pub(super) fn copy_history(&mut self, old: &str, new: &str) {
        if let Some(entries) = self.history.get(old).cloned() {
            let target = self.history.entry(new.to_owned()).or_default();
            for entry in entries.oldest_first() {
                target.push(entry.clone());
            }
        }
    }
}
