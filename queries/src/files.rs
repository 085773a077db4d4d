//! Files as inputs: the registry that maps paths to [`SourceFile`] inputs,
//! and the [`System`] boundary through which their text first arrives.
//!
//! A query that needs a file asks [`source_file`] for it. The first time a
//! path is asked for, its input is made from what the system says (its
//! text, or that it does not exist); after that the input is the truth, and
//! only the binary changes it ([`Files::update`]) when it sees the file
//! change on disk. A file that is looked for and absent is an input too, so
//! creating it later invalidates exactly the queries that looked.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use dashmap::DashMap;
use salsa::{Durability, Setter};

use crate::reuse::record::Read;
use crate::SourceFile;

/// The durability of a file input that has never changed: most files of a
/// build never do, and salsa can then skip checking, after an edit, every
/// query that read only such files.
const UNEDITED: Durability = Durability::HIGH;
/// The durability of a file input once it has changed: the files being
/// edited.
const EDITED: Durability = Durability::LOW;

/// Where file contents come from: the real file system in the binary, a
/// map in tests. This is the crate's only way to the outside.
pub trait System: Send + Sync + fmt::Debug {
    /// The text of the file at `path`, or `None` if there is no such file
    /// (or it cannot be read as text).
    fn read_to_string(&self, path: &Path) -> Option<String>;

    /// The entries of the directory at `path`, sorted by name, or `None` if
    /// there is no such directory.
    fn read_dir(&self, path: &Path) -> Option<Vec<DirEntry>>;

    /// The bytes of the file at `path`, for files whose contents are
    /// checksummed rather than parsed (a recipe's patches).
    fn read_bytes(&self, path: &Path) -> Option<Vec<u8>> {
        self.read_to_string(path).map(String::into_bytes)
    }

    /// What is at `path`: a file, a directory or nothing.
    fn path_kind(&self, path: &Path) -> PathKind {
        if self.read_dir(path).is_some() {
            PathKind::Directory
        } else if self.read_to_string(path).is_some() {
            PathKind::File
        } else {
            PathKind::Missing
        }
    }
}

/// A file whose bytes are an input (checksummed, not parsed), or `None`
/// if it does not exist.
#[salsa::input(debug)]
pub struct BinaryFile {
    #[returns(ref)]
    pub path: PathBuf,
    #[returns(ref)]
    pub bytes: Option<std::sync::Arc<[u8]>>,
}

/// The input for the bytes of the file at `path`, made on first use.
pub fn binary_file(db: &dyn Db, path: &Path) -> BinaryFile {
    if let Some(file) = db.files().binaries.get(path) {
        return *file;
    }
    let bytes = db.system().read_bytes(path).map(std::sync::Arc::from);
    *db.files().binaries.entry(path.to_path_buf()).or_insert_with(|| {
        BinaryFile::builder(path.to_path_buf(), bytes).durability(UNEDITED).new(db)
    })
}

/// What is at a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathKind {
    Missing,
    File,
    Directory,
}

/// What is at a path, as an input for lookups that ask only that (a glob's
/// literal components, Python's `os.path.exists` over FILESPATH), so that
/// they depend neither on a file's contents nor on a directory's listing.
#[salsa::input(debug)]
pub struct PathStatus {
    #[returns(ref)]
    pub path: PathBuf,
    pub kind: PathKind,
}

/// What is at `path`, as an input the caller depends on.
pub fn path_kind(db: &dyn Db, path: &Path) -> PathKind {
    let known = db.files().statuses.get(path).map(|entry| *entry);
    let input = known.unwrap_or_else(|| {
        let kind = db.system().path_kind(path);
        *db.files().statuses.entry(path.to_path_buf()).or_insert_with(|| {
            PathStatus::builder(path.to_path_buf(), kind).durability(UNEDITED).new(db)
        })
    });
    let kind = *input.kind(db);
    crate::reuse::record::note(|| Read::PathKind { path: path.to_path_buf(), kind });
    kind
}

/// Whether something exists at `path`, as an input the caller depends on.
pub fn path_exists(db: &dyn Db, path: &Path) -> bool {
    path_kind(db, path) != PathKind::Missing
}

/// One entry of a directory.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
}

/// A directory known to the database: its entries, or `None` if it does
/// not exist. Like files, directories looked for and missing are inputs.
#[salsa::input(debug)]
pub struct Directory {
    #[returns(ref)]
    pub path: PathBuf,
    #[returns(ref)]
    pub entries: Option<Vec<DirEntry>>,
}

/// A file system held in memory, for tests.
#[derive(Debug, Default)]
pub struct MemorySystem {
    files: Mutex<BTreeMap<PathBuf, String>>,
}

impl MemorySystem {
    /// A file system holding `files`.
    pub fn with_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> MemorySystem {
        let system = MemorySystem::default();
        for (path, text) in files {
            system.write(path, text);
        }
        system
    }

    /// Writes (or creates) a file.
    pub fn write(&self, path: impl Into<PathBuf>, text: impl Into<String>) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(path.into(), text.into());
    }
}

impl System for MemorySystem {
    fn read_to_string(&self, path: &Path) -> Option<String> {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).get(path).cloned()
    }

    /// Directories exist where files lie below them.
    fn read_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let mut entries = Vec::new();
        for file in files.keys() {
            let Ok(rest) = file.strip_prefix(path) else { continue };
            let mut components = rest.components();
            let Some(first) = components.next() else { continue };
            let entry = DirEntry {
                name: first.as_os_str().to_string_lossy().into_owned(),
                is_dir: components.next().is_some(),
            };
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
        entries.sort();
        (!entries.is_empty()).then_some(entries)
    }
}

/// The registry of file inputs, one per path ever asked for.
#[derive(Debug, Default)]
pub struct Files {
    by_path: DashMap<PathBuf, SourceFile>,
    directories: DashMap<PathBuf, Directory>,
    binaries: DashMap<PathBuf, BinaryFile>,
    statuses: DashMap<PathBuf, PathStatus>,
}

impl Files {
    /// The input for `path`, if one was made.
    pub fn get(&self, path: &Path) -> Option<SourceFile> {
        self.by_path.get(path).map(|entry| *entry)
    }

    /// Every path with an input, sorted.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> =
            self.by_path.iter().map(|entry| entry.key().clone()).collect();
        paths.sort();
        paths
    }

    /// Brings the input for the directory at `path` up to date; returns
    /// whether it changed.
    pub fn update_directory(db: &mut dyn Db, path: &Path, entries: Option<Vec<DirEntry>>) -> bool {
        let Some(directory) = db.files().directories.get(path).map(|entry| *entry) else {
            return false;
        };
        let changed = *directory.entries(db) != entries;
        if changed {
            directory.set_entries(db).with_durability(EDITED).to(entries);
        }
        changed
    }

    /// Brings the status input for `path` up to date; returns whether it
    /// changed.
    pub fn update_path_kind(db: &mut dyn Db, path: &Path, kind: PathKind) -> bool {
        let Some(input) = db.files().statuses.get(path).map(|entry| *entry) else { return false };
        let changed = *input.kind(db) != kind;
        if changed {
            input.set_kind(db).with_durability(EDITED).to(kind);
        }
        changed
    }

    /// Brings the bytes input for `path`, if there is one, up to date;
    /// returns whether it changed.
    pub fn update_binary(db: &mut dyn Db, path: &Path, bytes: Option<Vec<u8>>) -> bool {
        let Some(file) = db.files().binaries.get(path).map(|entry| *entry) else { return false };
        let bytes: Option<std::sync::Arc<[u8]>> = bytes.map(std::sync::Arc::from);
        let changed = *file.bytes(db) != bytes;
        if changed {
            file.set_bytes(db).with_durability(EDITED).to(bytes);
        }
        changed
    }

    /// Brings the input for `path` up to date with `text` (`None`: the file
    /// is gone). Does nothing if nothing changed, so no query is invalidated;
    /// returns whether it changed.
    pub fn update(db: &mut dyn Db, path: &Path, text: Option<String>) -> bool {
        let Some(file) = db.files().get(path) else { return false };
        let exists = text.is_some();
        let text = text.unwrap_or_default();
        let mut changed = false;
        if *file.exists(db) != exists {
            file.set_exists(db).with_durability(EDITED).to(exists);
            changed = true;
        }
        if *file.text(db) != text {
            file.set_text(db).with_durability(EDITED).to(text);
            changed = true;
        }
        changed
    }
}

/// The database as the queries see it: salsa's storage, the file registry
/// and the system behind it.
#[salsa::db]
pub trait Db: salsa::Database {
    fn files(&self) -> &Files;
    fn system(&self) -> &dyn System;
    /// The remembered recipe parses (see [`crate::reuse`]).
    fn parse_memory(&self) -> &crate::reuse::ParseMemory;
}

/// The input for the file at `path` (absolute and normalised by the
/// caller), made on first use from what the system says.
pub fn source_file(db: &dyn Db, path: &Path) -> SourceFile {
    if let Some(file) = db.files().get(path) {
        return file;
    }
    let text = db.system().read_to_string(path);
    let exists = text.is_some();
    *db.files().by_path.entry(path.to_path_buf()).or_insert_with(|| {
        SourceFile::builder(path.to_path_buf(), text.unwrap_or_default(), exists)
            .durability(UNEDITED)
            .new(db)
    })
}

/// The input for the directory at `path`, made on first use.
pub fn directory(db: &dyn Db, path: &Path) -> Directory {
    if let Some(directory) = db.files().directories.get(path) {
        return *directory;
    }
    let entries = db.system().read_dir(path);
    *db.files().directories.entry(path.to_path_buf()).or_insert_with(|| {
        Directory::builder(path.to_path_buf(), entries).durability(UNEDITED).new(db)
    })
}

/// Whether the file at `path` exists, as an input the caller depends on.
pub fn file_exists(db: &dyn Db, path: &Path) -> bool {
    let exists = *source_file(db, path).exists(db);
    crate::reuse::record::note(|| Read::FileExists { path: path.to_path_buf(), exists });
    exists
}
