//! The per-thread log of what a parse read: file statements, file and
//! path lookups, and where each file's statements ended. Read back by
//! `super::reuse_parse` to tell whether a later revision differs only in
//! ways it can apply without parsing.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::datastore::access::{self, AccessLog};
use crate::files::{DirEntry, PathKind};
use crate::lower::Stmt;
use crate::thread_log::{self, Slot};

/// One read a parse made through the database.
#[derive(Clone, Debug)]
pub(crate) enum Read {
    /// A file's statements: its normal path, its spelling in provenance,
    /// and whether it was free of syntax errors.
    Statements {
        path: PathBuf,
        spelled: Arc<str>,
        clean: bool,
        statements: Arc<[Stmt]>,
    },
    FileExists {
        path: PathBuf,
        exists: bool,
    },
    PathKind {
        path: PathBuf,
        kind: PathKind,
    },
    Directory {
        path: PathBuf,
        entries: Option<Vec<DirEntry>>,
    },
}

/// The end of a file's statements: the read that gave them, how many local
/// keys the datastore had then, and how many listings of local keys and of
/// all names had been made.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileEnd {
    pub(crate) read: usize,
    pub(crate) local_len: usize,
    pub(crate) listings: u32,
    pub(crate) all_listings: u32,
}

/// Everything one recording logged.
#[derive(Debug, Default)]
pub(crate) struct ReadLog {
    pub(crate) reads: Vec<Read>,
    /// The paths already looked up, so that each lookup is logged once.
    looked_up: HashSet<(u8, PathBuf)>,
    pub(crate) file_ends: Vec<FileEnd>,
    /// `file_ends.len()` at each [`mark`].
    pub(crate) marks: Vec<usize>,
    /// `file_ends.len()` at each copy that forgot the local keys
    /// ([`mark_copy`]).
    pub(crate) copies: Vec<usize>,
}

thread_local! {
    static LOG: Slot<ReadLog> = Slot::default();
}

/// Runs `parse`, logging what it reads and the names it touches.
pub(crate) fn recording<T>(parse: impl FnOnce() -> T) -> (T, ReadLog, AccessLog) {
    let accesses = access::record();
    let reads = thread_log::start(&LOG);
    let result = parse();
    let log: ReadLog = reads.finish();
    (result, log, accesses.finish())
}

impl ReadLog {
    /// Whether no file the parse read had a syntax error (such a parse is
    /// never reused).
    pub(crate) fn clean(&self) -> bool {
        self.reads.iter().all(|read| !matches!(read, Read::Statements { clean: false, .. }))
    }
}

fn with_log<T>(f: impl FnOnce(&mut ReadLog) -> T) -> Option<T> {
    thread_log::with_log(&LOG, f)
}

/// Logs a lookup of a path (not a file's statements), once per path and
/// kind of lookup; `read` is made only while recording.
pub(crate) fn note(read: impl FnOnce() -> Read) {
    with_log(|log| {
        let read = read();
        let key = match &read {
            Read::Statements { .. } => None,
            Read::FileExists { path, .. } => Some((0, path)),
            Read::PathKind { path, .. } => Some((1, path)),
            Read::Directory { path, .. } => Some((2, path)),
        };
        if let Some((kind, path)) = key {
            if !log.looked_up.insert((kind, path.clone())) {
                return;
            }
        }
        log.reads.push(read);
    });
}

/// Logs a file's statements, and returns the read's number.
pub(crate) fn note_statements(read: impl FnOnce() -> Read) -> Option<usize> {
    with_log(|log| {
        log.reads.push(read());
        log.reads.len() - 1
    })
}

/// Logs the end of the statements of read `read`.
pub(crate) fn note_file_end(read: Option<usize>, local_len: usize) {
    let Some(read) = read else { return };
    let listings = crate::datastore::access::local_listings();
    let all_listings = crate::datastore::access::all_listings();
    with_log(|log| log.file_ends.push(FileEnd { read, local_len, listings, all_listings }));
}

/// Marks where the datastore was replaced by a copy that forgets which
/// names it set (the configuration's copy before the layers).
pub(crate) fn mark_copy() {
    with_log(|log| log.copies.push(log.file_ends.len()));
}

/// Marks a point between datastores: where the variants of a recipe part.
pub(crate) fn mark() {
    with_log(|log| log.marks.push(log.file_ends.len()));
}
