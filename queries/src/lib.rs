//! The salsa database of rbake.
//!
//! Inputs are source files (their text and whether they exist); every fact
//! derived from them is a tracked function. The crate does no IO: the binary
//! reads files and sets inputs.

pub mod config;
pub mod datastore;
pub mod eval;
pub mod files;
pub mod glob;
pub mod lower;
pub mod multiconfig;
pub mod os_system;
pub mod plan;
pub mod python;
pub mod recipe;
pub mod recipes;
pub mod reuse;
pub mod signature;
#[cfg(test)]
mod test_db;
#[cfg(test)]
mod tests;
mod thread_log;

use std::path::PathBuf;
use std::sync::Arc;

use rbake_syntax::{FileKind, Parse};

/// A metadata file known to the database. Salsa cannot delete inputs, so a
/// file that disappears keeps its input with `exists` set to false.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: PathBuf,
    #[returns(ref)]
    pub text: String,
    pub exists: bool,
}

/// The syntax tree of a file, parsed by the reader its extension selects.
#[salsa::tracked(returns(ref), no_eq)]
pub fn parse_file(db: &dyn salsa::Database, file: SourceFile) -> Parse {
    rbake_syntax::parse(parsed_text(db, file), FileKind::from_path(file.path(db)))
}

/// The text `parse_file` parses: the file's, or nothing for a missing file.
pub(crate) fn parsed_text(db: &dyn salsa::Database, file: SourceFile) -> &str {
    if *file.exists(db) {
        file.text(db)
    } else {
        ""
    }
}

/// The database: salsa's storage, the file registry and the system that
/// file contents first come from. Clones share the registry.
#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    files: Arc<files::Files>,
    system: Arc<dyn files::System>,
    parse_memory: Arc<reuse::ParseMemory>,
}

impl RootDatabase {
    /// A database whose files come from `system`.
    pub fn new(system: Arc<dyn files::System>) -> RootDatabase {
        RootDatabase {
            storage: salsa::Storage::default(),
            files: Arc::default(),
            system,
            parse_memory: Arc::default(),
        }
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

#[salsa::db]
impl files::Db for RootDatabase {
    fn files(&self) -> &files::Files {
        &self.files
    }

    fn system(&self) -> &dyn files::System {
        &*self.system
    }

    fn parse_memory(&self) -> &reuse::ParseMemory {
        &self.parse_memory
    }
}
