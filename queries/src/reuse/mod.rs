//! Reusing a recipe's parse across edits it cannot see.
//!
//! Salsa re-runs `parse_recipe` whenever anything it read changed: the
//! configuration, or any class or include. Most such edits add or change a
//! variable the recipe never reads, and parsing again costs tens of
//! milliseconds a recipe, with Python. So each full parse is remembered
//! with what it read (`record`: file statements, file and path lookups) and
//! which names it touched (`datastore::access`). The next time the query
//! runs, it reads the same inputs again (so salsa records the same
//! dependencies) and compares:
//! - if every read gives what it gave, the remembered result is the answer;
//! - if the configuration differs only in names the parse never touched,
//!   those names are copied into the result from the new configuration;
//! - if a file differs only by assignments appended at its end, to names
//!   the parse never touched (`NAME = "value"`, no override, no flag, no
//!   `:=`), they are applied to the result, each variable's local-key
//!   place put where running them in place would have put it.
//!
//! Listing every name (`d.keys()`) makes names that appear or disappear
//! matter, not names whose value changes. Anything else parses again. The
//! answer is the full parse's answer in every case: `tests/reuse.rs`
//! compares reused results with parses in a fresh database. The last two
//! full parses of a recipe are kept, so that an edit and its undoing both
//! find one to start from.
//!
//! `signatures.rs` does the same for a recipe's task signatures: those of
//! a remembered parse hold for a result brought up to date from it unless
//! a changed name was one the signatures read.

mod config;
pub(crate) mod record;
mod signatures;
mod update;

pub(crate) use config::config_reusing;

pub(crate) use signatures::{remember_signatures, remembered_signatures};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use dashmap::DashMap;

use crate::config::{Config, Invocation};
use crate::datastore::access::AccessLog;
use crate::datastore::DataStore;
use crate::eval::ParseState;
use crate::files::Db;
use crate::recipe::ParsedRecipe;
use record::ReadLog;

/// How many configurations and configuration differences are kept.
const KEPT_CONFIGS: usize = 4;
/// How many full parses of one recipe are kept.
const KEPT_PARSES: usize = 2;

/// The remembered parses of a database, shared by its clones.
#[derive(Default)]
pub struct ParseMemory {
    recipes: DashMap<RecipeKey, Vec<Arc<Remembered>>>,
    /// The last full reads of each configuration.
    configs_read: DashMap<(Invocation, String), Vec<Arc<config::RememberedConfig>>>,
    /// Recent configurations, so that remembered parses share one copy.
    configs: Mutex<Vec<Arc<Config>>>,
    /// Recent differences between two configurations: the changed names,
    /// or `None` when more than names changed.
    deltas: Mutex<Vec<ConfigDelta>>,
    parsed: AtomicUsize,
    reused: AtomicUsize,
    signatures_reused: AtomicUsize,
    configs_reused: AtomicUsize,
    /// Whether each decision is written to standard error.
    logging: AtomicBool,
}

type ConfigDelta = (Arc<Config>, Arc<Config>, Option<Arc<Changes>>);

/// The names that differ between two datastores; those of them that
/// appeared or disappeared, or were exported or unexported; and the flags
/// each holds in either.
#[derive(Clone, Debug, Default)]
pub(crate) struct Changes {
    pub(crate) names: BTreeSet<String>,
    pub(crate) appeared: BTreeSet<String>,
    pub(crate) export_changed: BTreeSet<String>,
    pub(crate) flags: BTreeMap<String, Vec<String>>,
    /// Whether the two datastores list the same local keys.
    pub(crate) same_local_keys: bool,
}

impl Changes {
    /// The changes from `old` to `new`.
    fn between(old: &DataStore, new: &DataStore) -> Changes {
        let [names, appeared, export_changed] = old.changed_names(new);
        let flags = names
            .iter()
            .map(|name| {
                let mut flags = old.flag_names(name);
                flags.extend(new.flag_names(name));
                (name.clone(), flags)
            })
            .collect();
        let same_local_keys = old.local_keys().eq(new.local_keys());
        Changes { names, appeared, export_changed, flags, same_local_keys }
    }

    /// A changed name that could change what `accesses` computed, leaving
    /// out whether the names in `reset` appeared (the caller judges that).
    pub(crate) fn seen_by_apart(
        &self,
        accesses: &AccessLog,
        reset: &BTreeSet<&str>,
    ) -> Option<&str> {
        let seen = |name: &&String| {
            let appeared = self.appeared.contains(*name) && !reset.contains(name.as_str());
            let exported = self.export_changed.contains(*name);
            let flags = self.flags.get(*name).map_or(&[][..], Vec::as_slice);
            name.contains("${") || accesses.conflicts(name, appeared, exported, flags)
        };
        self.names.iter().find(seen).map(String::as_str)
    }

    /// A changed name that could change what `accesses` computed.
    pub(crate) fn seen_by(&self, accesses: &AccessLog) -> Option<&str> {
        self.seen_by_apart(accesses, &BTreeSet::new())
    }
}

impl std::fmt::Debug for ParseMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseMemory").field("recipes", &self.recipes.len()).finish()
    }
}

impl ParseMemory {
    /// How many recipe parses ran in full, and how many were reused.
    pub fn counts(&self) -> (usize, usize) {
        (self.parsed.load(Ordering::Relaxed), self.reused.load(Ordering::Relaxed))
    }

    /// Makes every decision to reuse a parse or not, and every parse's
    /// time, a line on standard error.
    pub fn log_decisions(&self, on: bool) {
        self.logging.store(on, Ordering::Relaxed);
    }

    /// How many times a configuration's read was reused.
    pub fn config_reuses(&self) -> usize {
        self.configs_reused.load(Ordering::Relaxed)
    }

    /// How many times a recipe's signatures were reused.
    pub fn signature_reuses(&self) -> usize {
        self.signatures_reused.load(Ordering::Relaxed)
    }

    /// The shared copy of `config`.
    fn intern(&self, config: &Config) -> Arc<Config> {
        let mut configs = self.configs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = configs.iter().find(|known| same_config(known, config)) {
            return known.clone();
        }
        let interned = Arc::new(config.clone());
        configs.insert(0, interned.clone());
        configs.truncate(KEPT_CONFIGS);
        interned
    }

    /// The names that differ between two configurations, if nothing else
    /// does.
    fn delta(&self, old: &Arc<Config>, new: &Arc<Config>) -> Option<Arc<Changes>> {
        let mut deltas = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
        let known = deltas.iter().find(|(a, b, _)| Arc::ptr_eq(a, old) && Arc::ptr_eq(b, new));
        if let Some((_, _, names)) = known {
            return names.clone();
        }
        if self.logging.load(Ordering::Relaxed) {
            eprintln!("reuse: comparing two configurations");
        }
        let comparable =
            !old.failed && !new.failed && same_apart_from_datastore(&old.state, &new.state);
        let names = comparable
            .then(|| Arc::new(Changes::between(&old.state.datastore, &new.state.datastore)));
        deltas.insert(0, (old.clone(), new.clone(), names.clone()));
        deltas.truncate(2 * KEPT_CONFIGS);
        names
    }
}

/// Whether two configurations are copies of one value: shared maps and
/// equal everything else.
fn same_config(a: &Config, b: &Config) -> bool {
    a.failed == b.failed
        && a.state.datastore.shares_all_with(&b.state.datastore)
        && same_apart_from_datastore(&a.state, &b.state)
        && a.diagnostics == b.diagnostics
}

pub(crate) fn same_apart_from_datastore(a: &ParseState, b: &ParseState) -> bool {
    let ParseState {
        datastore: _,
        inherited,
        deferred_inherits,
        tasks,
        handlers,
        anonymous_functions,
        function_sites,
        depends,
        pylibs,
        original_env,
    } = a;
    *inherited == b.inherited
        && *deferred_inherits == b.deferred_inherits
        && *tasks == b.tasks
        && *handlers == b.handlers
        && *anonymous_functions == b.anonymous_functions
        && *function_sites == b.function_sites
        && *depends == b.depends
        && *pylibs == b.pylibs
        && *original_env == b.original_env
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct RecipeKey {
    invocation: Invocation,
    path: PathBuf,
    mc: String,
}

/// What a recipe's parse takes from the recipe set besides its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RecipeSource {
    pub(crate) appends: Vec<PathBuf>,
    pub(crate) layer: Option<String>,
    pub(crate) prioritized: String,
}

/// A full parse and what it read and touched.
struct Remembered {
    config: Arc<Config>,
    cwd: PathBuf,
    source: RecipeSource,
    log: ReadLog,
    /// For each variant, the file ends (indices into `log.file_ends`) of
    /// the statements its datastore ran.
    lineages: Vec<Vec<usize>>,
    accesses: AccessLog,
    result: ParsedRecipe,
    /// The last result brought up to date from this one, and its changes.
    latest: Mutex<Option<Latest>>,
    /// The signatures of `result`, once computed (see `signatures.rs`).
    signed: Mutex<Option<Arc<signatures::Signed>>>,
}

/// A result brought up to date from a remembered parse: its datastores,
/// to know it again, and the names it changed.
struct Latest {
    datastores: Vec<crate::datastore::DataStore>,
    changes: Arc<Changes>,
}

impl Remembered {
    /// The names `parsed` changed from this parse's result: none if it is
    /// this result, those of the latest result brought up to date if it is
    /// that one, and `None` if it is neither.
    fn changes_to(&self, parsed: &ParsedRecipe) -> Option<Arc<Changes>> {
        let same = |datastores: &mut dyn Iterator<Item = &crate::datastore::DataStore>| {
            let mut count = 0;
            let all = datastores.zip(&parsed.variants).all(|(datastore, variant)| {
                count += 1;
                datastore.shares_all_with(&variant.state.datastore)
            });
            all && count == parsed.variants.len()
        };
        if same(&mut self.result.variants.iter().map(|variant| &variant.state.datastore)) {
            return Some(Arc::default());
        }
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        let latest = latest.as_ref()?;
        same(&mut latest.datastores.iter()).then(|| latest.changes.clone())
    }
}

/// The recipe at `path` parsed over `config`: a remembered parse brought up
/// to date when it can be, else `parse()`, remembered for next time.
pub(crate) fn parse_reusing(
    db: &dyn Db,
    invocation: Invocation,
    path: &Path,
    config: &Config,
    mc: &str,
    source: RecipeSource,
    parse: impl FnOnce(&RecipeSource) -> ParsedRecipe,
) -> ParsedRecipe {
    let memory = db.parse_memory();
    let key = RecipeKey { invocation, path: path.to_path_buf(), mc: mc.to_owned() };
    let cwd = invocation.cwd(db);
    let debug = memory.logging.load(Ordering::Relaxed);
    let started = std::time::Instant::now();
    let remembered = memory.recipes.get(&key).map(|entry| entry.value().clone());
    for old in remembered.iter().flatten() {
        match update::try_reuse(db, memory, old, config, cwd, &source) {
            Ok(result) => {
                memory.reused.fetch_add(1, Ordering::Relaxed);
                if debug {
                    eprintln!("reuse: reused {} in {:?}", path.display(), started.elapsed());
                }
                return result;
            }
            Err(reason) if debug => {
                eprintln!("reuse: {}: cannot reuse: {reason}", path.display())
            }
            Err(_) => {}
        }
    }
    let (result, log, accesses) = record::recording(|| parse(&source));
    memory.parsed.fetch_add(1, Ordering::Relaxed);
    if debug && remembered.is_some() {
        eprintln!("reuse: parsed {} in {:?}", path.display(), started.elapsed());
    }
    // Every datastore must have started as a clone of the configuration's,
    // for configuration changes to be carried into it.
    let extend = |variant: &crate::recipe::Variant| {
        variant.state.datastore.local_keys_extend(&config.state.datastore)
    };
    let reusable = log.clean() && !result.failed && result.variants.iter().all(extend);
    let mut kept = remembered.unwrap_or_default();
    if let Some(lineages) = lineages(&log, result.variants.len()).filter(|_| reusable) {
        let remembered = Remembered {
            config: memory.intern(config),
            cwd: cwd.clone(),
            source,
            log,
            lineages,
            accesses,
            result: result.clone(),
            latest: Mutex::new(None),
            signed: Mutex::new(None),
        };
        kept.insert(0, Arc::new(remembered));
        kept.truncate(KEPT_PARSES);
    }
    memory.recipes.insert(key, kept);
    result
}

/// Which file ends each variant's datastore saw: all before the variants
/// parted, then its own finalisation's.
fn lineages(log: &ReadLog, variants: usize) -> Option<Vec<Vec<usize>>> {
    let ends = log.file_ends.len();
    match log.marks.as_slice() {
        // Skipped while its own statements ran: one unfinalised datastore.
        [] if variants == 1 => Some(vec![(0..ends).collect()]),
        // Marks: where the variants parted, then the end of each one's
        // finalisation, the main datastore's first.
        [parted, main, ..] if log.marks.len() - 1 == variants => {
            let mut lineages = vec![(0..*main).collect()];
            for pair in log.marks[1..].windows(2) {
                lineages.push((0..*parted).chain(pair[0]..pair[1]).collect());
            }
            Some(lineages)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_is_the_same_as_its_copy() {
        let (db, invocation) = crate::test_db::TestDb::with_layer(&[(
            "/layer/conf/bitbake.conf",
            "A = \"1\"\nB = \"2\"\nexport C = \"3\"\n",
        )]);
        let config = crate::config::config(&db, invocation);
        let copy = config.clone();
        assert!(config.state.datastore.shares_all_with(&copy.state.datastore));
        assert!(same_apart_from_datastore(&config.state, &copy.state));
        assert!(same_config(config, &copy));
    }
}
