//! What the engine believes about the file system, checked against it.
//!
//! [`TrackingSystem`] is the binary's [`System`]: it reads the disk as
//! [`OsSystem`] does, and before each read it records what `stat` said of
//! the path (modification and change times, size, inode, type). A path
//! that was looked for and missing is recorded too. [`TrackingSystem::revalidate`]
//! stats every recorded path again and re-reads those whose record no
//! longer matches, then hands the new contents to the database, which
//! invalidates only what read them.
//!
//! A record whose modification time falls within [`RACY_WINDOW`] of the
//! moment it was taken cannot be trusted: the file may have been written
//! again in the same clock tick, leaving the same times and size. Such a
//! path is re-read and compared by content on every revalidation until its
//! record is old enough, as git treats racily clean index entries.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rbake_queries::files::{DirEntry, Files, PathKind, System};
use rbake_queries::os_system::OsSystem;
use rbake_queries::RootDatabase;

/// How close to its record's moment a modification time makes the record
/// untrustworthy. File systems keep times in steps as coarse as two
/// seconds (FAT), and Linux stamps files from a clock that ticks in
/// milliseconds, so two seconds is safe everywhere.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

/// How a path was read, which decides how it is read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReadKind {
    Text,
    Bytes,
    Directory,
    Kind,
}

/// What `stat` said of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileStat {
    modified_ns: i128,
    changed_ns: i128,
    size: u64,
    inode: u64,
    device: u64,
    mode: u32,
}

impl FileStat {
    /// The stat of `path`, or `None` if nothing is there.
    fn of(path: &Path) -> Option<FileStat> {
        let metadata = std::fs::metadata(path).ok()?;
        let nanos =
            |seconds: i64, nanos: i64| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        Some(FileStat {
            modified_ns: nanos(metadata.mtime(), metadata.mtime_nsec()),
            changed_ns: nanos(metadata.ctime(), metadata.ctime_nsec()),
            size: metadata.size(),
            inode: metadata.ino(),
            device: metadata.dev(),
            mode: metadata.mode(),
        })
    }
}

/// One path's record: its stat (or that it was missing) and when it was
/// taken.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Record {
    stat: Option<FileStat>,
    taken_ns: i128,
}

impl Record {
    pub(crate) fn take(path: &Path) -> Record {
        Record { stat: FileStat::of(path), taken_ns: now_ns() }
    }

    /// Whether `path` is surely as it was when the record was taken: the
    /// same stat, and a record old enough to trust.
    pub(crate) fn still_holds(&self, path: &Path) -> bool {
        !self.is_racy(RACY_WINDOW) && FileStat::of(path) == self.stat
    }

    /// Whether a later write could have left the same stat behind.
    fn is_racy(&self, window: Duration) -> bool {
        let Some(stat) = self.stat else { return false };
        let window = window.as_nanos() as i128;
        stat.modified_ns + window >= self.taken_ns || stat.changed_ns + window >= self.taken_ns
    }
}

fn now_ns() -> i128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos() as i128)
}

/// The real file system, with a record of every path read through it.
#[derive(Debug)]
pub struct TrackingSystem {
    disk: OsSystem,
    records: Mutex<HashMap<(PathBuf, ReadKind), Record>>,
    racy_window: Duration,
    /// Files whose text comes from an editor's buffer, not the disk.
    overlaid: Mutex<HashSet<PathBuf>>,
    /// Files given back to the disk, to read again whatever their stat.
    released: Mutex<HashSet<PathBuf>>,
}

impl Default for TrackingSystem {
    fn default() -> TrackingSystem {
        TrackingSystem::with_racy_window(RACY_WINDOW)
    }
}

/// What one revalidation found.
#[derive(Debug, Default)]
pub struct Revalidation {
    /// Paths whose contents (or existence) changed, sorted.
    pub changed: Vec<PathBuf>,
    /// Paths that were stat'ed.
    pub checked: usize,
    /// Paths that were read again, because their stat differed or was racy.
    pub reread: usize,
}

impl TrackingSystem {
    /// A system that trusts records older than `racy_window` (tests use a
    /// short one, since they cannot age a file's change time).
    pub fn with_racy_window(racy_window: Duration) -> TrackingSystem {
        TrackingSystem {
            disk: OsSystem,
            records: Mutex::default(),
            racy_window,
            overlaid: Mutex::default(),
            released: Mutex::default(),
        }
    }

    fn record(&self, path: &Path, kind: ReadKind) {
        let record = Record::take(path);
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records.insert((path.to_path_buf(), kind), record);
    }

    /// Marks a file's text as an editor's (revalidation leaves it alone), or
    /// gives it back to the disk. The caller sets the text itself, with
    /// `Files::update`; given back, the file is read again at the next
    /// revalidation.
    pub fn set_overlaid(&self, path: &Path, overlaid: bool) {
        let mut paths = self.overlaid.lock().unwrap_or_else(|e| e.into_inner());
        if overlaid {
            paths.insert(path.to_path_buf());
        } else if paths.remove(path) {
            self.released.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf());
        }
    }

    /// Every path read so far, with how it was read, sorted.
    pub fn tracked(&self) -> Vec<(PathBuf, ReadKind)> {
        let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        let mut paths: Vec<_> = records.keys().cloned().collect();
        paths.sort_by(|a, b| a.0.cmp(&b.0));
        paths
    }

    /// Checks every recorded path against the disk and brings the
    /// database's inputs up to date with those that changed.
    pub fn revalidate(&self, db: &mut RootDatabase) -> Revalidation {
        let stale: Vec<(PathBuf, ReadKind)> = {
            let records = self.records.lock().unwrap_or_else(|e| e.into_inner());
            let overlaid = self.overlaid.lock().unwrap_or_else(|e| e.into_inner());
            let released =
                std::mem::take(&mut *self.released.lock().unwrap_or_else(|e| e.into_inner()));
            let candidates: Vec<(&(PathBuf, ReadKind), &Record)> = records
                .iter()
                .filter(|((path, kind), _)| *kind != ReadKind::Text || !overlaid.contains(path))
                .collect();
            let is_stale = |((path, _), record): &(&(PathBuf, ReadKind), &Record)| {
                released.contains(path)
                    || record.is_racy(self.racy_window)
                    || FileStat::of(path) != record.stat
            };
            // Tens of thousands of stats: shared out among the cores.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
            let chunk = candidates.len().div_ceil(threads).max(1);
            std::thread::scope(|scope| {
                let workers: Vec<_> = candidates
                    .chunks(chunk)
                    .map(|part| {
                        scope.spawn(move || {
                            part.iter()
                                .filter(|entry| is_stale(entry))
                                .map(|(key, _)| (*key).clone())
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                workers.into_iter().flat_map(|worker| worker.join().unwrap_or_default()).collect()
            })
        };
        let mut revalidation = Revalidation {
            checked: self.records.lock().unwrap_or_else(|e| e.into_inner()).len(),
            reread: stale.len(),
            ..Revalidation::default()
        };
        for (path, kind) in stale {
            // The stat comes first: a write after it shows at the next check.
            self.record(&path, kind);
            let changed = match kind {
                ReadKind::Text => Files::update(db, &path, self.disk.read_to_string(&path)),
                ReadKind::Bytes => Files::update_binary(db, &path, self.disk.read_bytes(&path)),
                ReadKind::Directory => {
                    Files::update_directory(db, &path, self.disk.read_dir(&path))
                }
                ReadKind::Kind => Files::update_path_kind(db, &path, self.disk.path_kind(&path)),
            };
            if changed {
                revalidation.changed.push(path);
            }
        }
        revalidation.changed.sort();
        revalidation.changed.dedup();
        revalidation
    }
}

impl System for TrackingSystem {
    fn read_to_string(&self, path: &Path) -> Option<String> {
        self.record(path, ReadKind::Text);
        self.disk.read_to_string(path)
    }

    fn read_bytes(&self, path: &Path) -> Option<Vec<u8>> {
        self.record(path, ReadKind::Bytes);
        self.disk.read_bytes(path)
    }

    fn read_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        self.record(path, ReadKind::Directory);
        self.disk.read_dir(path)
    }

    fn path_kind(&self, path: &Path) -> PathKind {
        self.record(path, ReadKind::Kind);
        self.disk.path_kind(path)
    }
}

#[cfg(test)]
mod tests;
