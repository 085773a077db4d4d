//! The real file system behind the file inputs: the one implementation of
//! [`System`] that touches the disk.

use std::path::Path;

use crate::files::{DirEntry, PathKind, System};

/// Reads files from disk. Text that is not UTF-8 is decoded lossily; the
/// parser reports it.
#[derive(Debug, Default)]
pub struct OsSystem;

impl System for OsSystem {
    fn read_to_string(&self, path: &Path) -> Option<String> {
        if !path.is_file() {
            return None;
        }
        let bytes = std::fs::read(path).ok()?;
        Some(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        })
    }

    fn read_bytes(&self, path: &Path) -> Option<Vec<u8>> {
        if !path.is_file() {
            return None;
        }
        std::fs::read(path).ok()
    }

    fn path_kind(&self, path: &Path) -> PathKind {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => PathKind::Directory,
            Ok(_) => PathKind::File,
            Err(_) => PathKind::Missing,
        }
    }

    fn read_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        let mut entries: Vec<DirEntry> = std::fs::read_dir(path)
            .ok()?
            .flatten()
            .map(|entry| DirEntry {
                name: entry.file_name().to_string_lossy().into_owned(),
                // Links to directories count as directories, as os.path.isdir says.
                is_dir: entry.path().is_dir(),
            })
            .collect();
        entries.sort();
        Some(entries)
    }
}
