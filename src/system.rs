//! The real file system behind the query database's file inputs.

use std::path::Path;

use rbake_queries::files::System;

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
}
