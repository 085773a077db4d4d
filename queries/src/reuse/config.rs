//! Reusing the configuration's parse, as recipes' parses are reused (see
//! the module above): an edit that only appends plain assignments to names
//! the configuration's reading never touched (its statements, its classes,
//! its ConfigParsed handlers) applies them to the remembered result.
//!
//! Statements appended to a file read before the layers' copy
//! (`bblayers.conf`) are not applied: the copy forgets which names the
//! datastore set, so their local keys would be wrong.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::record::{self, ReadLog};
use super::update::{appended_names, apply_appended, judge_appended, replay};
use super::Changes;
use crate::config::{Config, Invocation};
use crate::datastore::access::AccessLog;
use crate::datastore::DataStore;
use crate::files::Db;

/// What the configuration reads besides files.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ConfigInputs {
    cwd: PathBuf,
    env: Vec<(String, String)>,
    prefiles: Vec<PathBuf>,
    postfiles: Vec<PathBuf>,
}

/// A full read of the configuration and what it read and touched.
pub(super) struct RememberedConfig {
    inputs: ConfigInputs,
    log: ReadLog,
    accesses: AccessLog,
    result: Config,
}

/// The configuration of `invocation` for the multiconfig `mc`: the
/// remembered one brought up to date when it can be, else `read()`.
pub(crate) fn config_reusing(
    db: &dyn Db,
    invocation: Invocation,
    mc: &str,
    read: impl FnOnce() -> Config,
) -> Config {
    let memory = db.parse_memory();
    let key = (invocation, mc.to_owned());
    let inputs = ConfigInputs {
        cwd: invocation.cwd(db).clone(),
        env: invocation.env(db).clone(),
        prefiles: invocation.prefiles(db).clone(),
        postfiles: invocation.postfiles(db).clone(),
    };
    let logging = memory.logging.load(Ordering::Relaxed);
    let remembered = memory.configs_read.get(&key).map(|entry| entry.value().clone());
    for old in remembered.iter().flatten() {
        match reuse(db, old, &inputs) {
            Ok(config) => {
                memory.configs_reused.fetch_add(1, Ordering::Relaxed);
                if logging {
                    eprintln!("reuse: reused the configuration");
                }
                return config;
            }
            Err(reason) if logging => {
                eprintln!("reuse: the configuration: cannot reuse: {reason}")
            }
            Err(_) => {}
        }
    }
    let (config, log, accesses) = record::recording(read);
    let mut kept = remembered.unwrap_or_default();
    if log.clean() && !config.failed {
        let result = config.clone();
        kept.insert(0, Arc::new(RememberedConfig { inputs, log, accesses, result }));
        kept.truncate(super::KEPT_PARSES);
    }
    memory.configs_read.insert(key, kept);
    config
}

/// The remembered configuration brought up to date, or why it cannot be.
fn reuse(db: &dyn Db, old: &RememberedConfig, inputs: &ConfigInputs) -> Result<Config, String> {
    if old.inputs != *inputs {
        return Err("the working directory, environment or --read files changed".into());
    }
    let appended =
        replay(db, &old.log).ok_or("a file it read changed beyond appended statements")?;
    if appended.iter().all(Option::is_none) {
        return Ok(old.result.clone());
    }
    let set_names = appended_names(&old.log, &old.accesses, &appended)?;
    // Before the layers' copy, local keys are forgotten afterwards.
    let copied_at = old.log.copies.last().copied().unwrap_or(0);
    let early = old.log.file_ends[..copied_at].iter().any(|end| appended[end.read].is_some());
    if early {
        return Err("statements were appended to a file read before the layers".into());
    }
    let empty = DataStore::new();
    judge_appended(&old.accesses, &empty, &empty, &set_names, &mut Changes::default())?;
    let mut result = old.result.clone();
    let lineage: Vec<usize> = (0..old.log.file_ends.len()).collect();
    apply_appended(&mut result.state.datastore, &old.log, &lineage, &appended, 0)?;
    result.state.datastore.freeze_local_keys();
    Ok(result)
}
