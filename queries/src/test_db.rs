//! A database for tests that records which queries execute, the way
//! rust-analyzer's incrementality tests do. Its files live in memory.

use std::sync::{Arc, Mutex};

use crate::files::{Db, Files, MemorySystem, System};
use crate::reuse::ParseMemory;

/// A [`salsa::Database`] that logs the name of every query it executes.
#[salsa::db]
#[derive(Clone)]
pub(crate) struct TestDb {
    storage: salsa::Storage<Self>,
    executed: Arc<Mutex<Vec<salsa::DatabaseKeyIndex>>>,
    files: Arc<Files>,
    pub(crate) system: Arc<MemorySystem>,
    parse_memory: Arc<ParseMemory>,
}

impl Default for TestDb {
    fn default() -> Self {
        let executed: Arc<Mutex<Vec<salsa::DatabaseKeyIndex>>> = Arc::default();
        let log = executed.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                log.lock().unwrap().push(database_key);
            }
        })));
        TestDb {
            storage,
            executed,
            files: Arc::default(),
            system: Arc::default(),
            parse_memory: Arc::default(),
        }
    }
}

#[salsa::db]
impl salsa::Database for TestDb {}

#[salsa::db]
impl Db for TestDb {
    fn files(&self) -> &Files {
        &self.files
    }

    fn system(&self) -> &dyn System {
        &*self.system
    }

    fn parse_memory(&self) -> &ParseMemory {
        &self.parse_memory
    }
}

impl TestDb {
    /// A database holding `files` (path, text), and an invocation from
    /// `/build` with no environment.
    pub(crate) fn with_build(files: &[(&str, &str)]) -> (TestDb, crate::config::Invocation) {
        let db = TestDb::default();
        for (path, text) in files {
            db.system.write(path, *text);
        }
        let cwd = std::path::PathBuf::from("/build");
        let invocation =
            crate::config::Invocation::new(&db, cwd, Vec::new(), Vec::new(), Vec::new());
        (db, invocation)
    }

    /// A build directory `/build` whose one layer, `/layer`, takes its
    /// recipes from `/layer/recipes/*.bb`, with `files` besides (its
    /// `conf/bitbake.conf`, classes and recipes).
    pub(crate) fn with_layer(files: &[(&str, &str)]) -> (TestDb, crate::config::Invocation) {
        let mut all = vec![
            ("/build/conf/bblayers.conf", "BBPATH = \"${TOPDIR}\"\nBBLAYERS = \"/layer\"\n"),
            (
                "/layer/conf/layer.conf",
                "BBPATH .= \":${LAYERDIR}\"\nBBFILES += \"${LAYERDIR}/recipes/*.bb\"\n",
            ),
        ];
        all.extend_from_slice(files);
        TestDb::with_build(&all)
    }

    /// How many recipe parses ran in full, and how many were reused.
    pub(crate) fn parse_memory_counts(&self) -> (usize, usize) {
        self.parse_memory().counts()
    }

    /// Parses every recipe, as `rbake parse` would.
    pub(crate) fn parse_all(&self, invocation: crate::config::Invocation) {
        for recipe in &crate::recipes::recipe_set(self, invocation).recipes {
            let id = crate::recipe::RecipeId::new(self, recipe.path.clone());
            crate::recipe::parse_recipe(self, invocation, id);
        }
    }

    /// Edits a file once without changing its statements (a blank line at
    /// its end). A file's first edit lowers its durability (`files`), and
    /// salsa does not backdate a result across that, so tests of what an
    /// edit re-runs first make the file one that has been edited before.
    pub(crate) fn edit_once(&mut self, path: &str) {
        let path = std::path::Path::new(path);
        let text = crate::files::source_file(self, path).text(self).clone();
        Files::update(self, path, Some(text + "\n"));
    }

    /// The names of the queries executed since the last call, in order.
    pub(crate) fn take_executed(&self) -> Vec<String> {
        let keys = std::mem::take(&mut *self.executed.lock().unwrap());
        keys.into_iter()
            .map(|key| {
                use salsa::Database;
                self.ingredient_debug_name(key.ingredient_index()).into_owned()
            })
            .collect()
    }
}
