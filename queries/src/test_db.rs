//! A database for tests that records which queries execute, the way
//! rust-analyzer's incrementality tests do. Its files live in memory.

use std::sync::{Arc, Mutex};

use crate::files::{Db, Files, MemorySystem, System};

/// A [`salsa::Database`] that logs the name of every query it executes.
#[salsa::db]
#[derive(Clone)]
pub(crate) struct TestDb {
    storage: salsa::Storage<Self>,
    executed: Arc<Mutex<Vec<salsa::DatabaseKeyIndex>>>,
    files: Arc<Files>,
    pub(crate) system: Arc<MemorySystem>,
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
        TestDb { storage, executed, files: Arc::default(), system: Arc::default() }
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
}

impl TestDb {
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
