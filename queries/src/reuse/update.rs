//! Bringing a remembered parse up to date: reading its inputs again,
//! judging whether what changed could have changed the parse, and applying
//! the changes to its result (see the module above for the rules).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use super::record::{Read, ReadLog};
use super::{Changes, Latest, ParseMemory, RecipeSource, Remembered};
use crate::config::Config;
use crate::datastore::access::AccessLog;
use crate::datastore::{AssignOp, DataStore, NoPython, Provenance};
use crate::files::{directory, file_exists, path_kind, source_file, Db};
use crate::lower::{file_statements, first_syntax_error, Stmt};
use crate::recipe::ParsedRecipe;

/// Statements appended to each file read, by read (`None`: unchanged).
pub(super) type Appended = Vec<Option<Vec<Stmt>>>;

/// The remembered result brought up to date, or why it cannot be.
pub(super) fn try_reuse(
    db: &dyn Db,
    memory: &ParseMemory,
    old: &Remembered,
    config: &Config,
    cwd: &Path,
    source: &RecipeSource,
) -> Result<ParsedRecipe, String> {
    if old.cwd != cwd || old.source != *source {
        return Err("its appends, layer or BBFILES changed".into());
    }
    let config = memory.intern(config);
    let delta = match Arc::ptr_eq(&config, &old.config) {
        true => None,
        false => Some(
            memory.delta(&old.config, &config).ok_or("the configuration changed beyond names")?,
        ),
    };
    let appended =
        replay(db, &old.log).ok_or("a file it read changed beyond appended statements")?;
    if delta.is_none() && appended.iter().all(Option::is_none) {
        return Ok(old.result.clone());
    }
    let changes = judge(old, &config, delta.as_deref(), &appended)?;
    let result = apply(old, &config, delta.as_deref(), &appended)?;
    let datastores = result.variants.iter().map(|variant| variant.state.datastore.clone());
    let latest = Latest { datastores: datastores.collect(), changes: Arc::new(changes) };
    *old.latest.lock().unwrap_or_else(|e| e.into_inner()) = Some(latest);
    Ok(result)
}

/// Whether the parse could have seen the configuration's changes or the
/// appended statements; if not, every name they change.
fn judge(
    old: &Remembered,
    config: &Config,
    delta: Option<&Changes>,
    appended: &Appended,
) -> Result<Changes, String> {
    let (before, after) = (&old.config.state.datastore, &config.state.datastore);
    let set_names = appended_names(&old.log, &old.accesses, appended)?;
    let reset: BTreeSet<&str> = set_names.keys().copied().collect();
    if let Some(name) = delta.and_then(|changes| changes.seen_by_apart(&old.accesses, &reset)) {
        return Err(format!("it read the configuration's {name}, which changed"));
    }
    let mut changes = delta.cloned().unwrap_or_default();
    judge_appended(&old.accesses, before, after, &set_names, &mut changes)?;
    Ok(changes)
}

/// The names the appended statements set, each with the fewest listings of
/// all names made before a file end where it is set; an error if a
/// statement is no plain assignment, or its file's end was not reached or
/// was followed by a listing of local keys.
pub(super) fn appended_names<'a>(
    log: &ReadLog,
    accesses: &AccessLog,
    appended: &'a Appended,
) -> Result<BTreeMap<&'a str, u32>, String> {
    let mut set_names: BTreeMap<&str, u32> = BTreeMap::new();
    for (read, statements) in appended.iter().enumerate() {
        let Some(statements) = statements else { continue };
        let names = statements.iter().map(inert_name).collect::<Option<Vec<_>>>();
        let names = names.ok_or("a statement appended to a file it read is no plain assignment")?;
        let ends: Vec<_> = log.file_ends.iter().filter(|end| end.read == read).collect();
        // Each copy of the file must have run to its end, and no listing
        // of local keys may have come after, since it would have seen them.
        if ends.is_empty() || ends.iter().any(|end| accesses.local_listings > end.listings) {
            return Err(
                "a file it appended to did not run to its end, or local keys were listed after"
                    .into(),
            );
        }
        let first = ends.iter().map(|end| end.all_listings).min().unwrap_or(0);
        for name in names {
            let known = set_names.entry(name).or_insert(first);
            *known = (*known).min(first);
        }
    }
    Ok(set_names)
}

/// Whether what `accesses` computed could have seen the names appended
/// statements set, over a starting datastore that was `before` and is now
/// `after`; if not, they join `changes`.
pub(super) fn judge_appended(
    accesses: &AccessLog,
    before: &DataStore,
    after: &DataStore,
    set_names: &BTreeMap<&str, u32>,
    changes: &mut Changes,
) -> Result<(), String> {
    for (&name, &listed_before) in set_names {
        // The old parse saw the name as the old start had it throughout;
        // the new one as the new start has it until the statement, and set
        // after.
        let (had, has) = (before.has_entry(name), after.has_entry(name));
        let listed_after = accesses.all_listings.saturating_sub(listed_before);
        let appeared = (had != has && listed_before > 0) || (!had && listed_after > 0);
        let mut flags = before.flag_names(name);
        flags.extend(after.flag_names(name));
        if accesses.conflicts(name, appeared, false, &flags) {
            return Err(format!("it read {name}, which an appended statement sets"));
        }
        changes.names.insert(name.to_owned());
        if !had || !has {
            changes.appeared.insert(name.to_owned());
        }
    }
    Ok(())
}

/// The remembered result with the configuration's changes copied in and
/// the appended statements applied.
fn apply(
    old: &Remembered,
    config: &Config,
    delta: Option<&Changes>,
    appended: &Appended,
) -> Result<ParsedRecipe, String> {
    let (before, after) = (&old.config.state.datastore, &config.state.datastore);
    let mut result = old.result.clone();
    for (variant, lineage) in result.variants.iter_mut().zip(&old.lineages) {
        let datastore = &mut variant.state.datastore;
        let mut offset = 0;
        if let Some(delta) = delta {
            datastore.copy_names_from(after, delta.names.iter());
            if !delta.same_local_keys {
                datastore.rebase_local_keys(before, after, delta.names.iter());
                offset = after.local_keys_len() as isize - before.local_keys_len() as isize;
            }
        }
        apply_appended(datastore, &old.log, lineage, appended, offset)?;
    }
    Ok(result)
}

/// Runs the appended statements on `datastore` at the file ends of
/// `lineage`, each new local key placed where it would have been had the
/// statement run in place (`offset`: how many more local keys the start
/// has now).
pub(super) fn apply_appended(
    datastore: &mut DataStore,
    log: &ReadLog,
    lineage: &[usize],
    appended: &Appended,
    offset: isize,
) -> Result<(), String> {
    let mut inserted = 0;
    for end in lineage.iter().map(|&index| log.file_ends[index]) {
        let Some(statements) = &appended[end.read] else { continue };
        let Read::Statements { spelled, statements: earlier, .. } = &log.reads[end.read] else {
            return Err("a file end names no file".into());
        };
        for (number, statement) in (earlier.len()..).zip(statements) {
            let Stmt::Assign { name, op, value, .. } = statement else {
                return Err("an appended statement is no assignment".into());
            };
            let prov = Provenance { file: spelled.clone(), statement: number as u32 };
            let keys_before = datastore.local_keys_len();
            let mut python = NoPython;
            let applied =
                datastore.apply_assignment_with(name, None, *op, value, false, &prov, &mut python);
            applied.map_err(|error| error.to_string())?;
            if datastore.local_keys_len() > keys_before {
                let place = usize::try_from(end.local_len as isize + offset)
                    .map_err(|_| "a file end lies before the configuration's local keys")?
                    + inserted;
                datastore.move_last_local_key(name, place);
                inserted += 1;
            }
        }
    }
    Ok(())
}

/// Reads again everything a parse read (`log`). Gives, for each read of a file's
/// statements, the statements appended since (`None` if there are none);
/// `None` if anything else changed.
pub(super) fn replay(db: &dyn Db, log: &ReadLog) -> Option<Appended> {
    let mut appended = vec![None; log.reads.len()];
    for (slot, read) in appended.iter_mut().zip(&log.reads) {
        match read {
            Read::Statements { path, clean, statements, .. } => {
                let file = source_file(db, path);
                if !clean || first_syntax_error(db, file).is_some() {
                    return None;
                }
                let now = file_statements(db, file);
                if Arc::ptr_eq(now, statements) || now == statements {
                    continue;
                }
                let (start, added) = now.split_at_checked(statements.len())?;
                if start != &statements[..] {
                    return None;
                }
                *slot = Some(added.to_vec());
            }
            Read::FileExists { path, exists } => {
                if file_exists(db, path) != *exists {
                    return None;
                }
            }
            Read::PathKind { path, kind } => {
                if path_kind(db, path) != *kind {
                    return None;
                }
            }
            Read::Directory { path, entries } => {
                if directory(db, path).entries(db) != entries {
                    return None;
                }
            }
        }
    }
    Some(appended)
}

/// The name an appended statement sets, if applying it late gives what
/// running it in place gives whenever nothing else touches that name: a
/// plain assignment, not exported, with no flag, override or reference in
/// the name, and not `:=` (which expands at once).
fn inert_name(statement: &Stmt) -> Option<&str> {
    match statement {
        Stmt::Assign { name, flag: None, op, exported: false, .. }
            if *op != AssignOp::Immediate
                && !name.is_empty()
                && !name.starts_with("__")
                && !name.contains([':', '$', '[']) =>
        {
            Some(name)
        }
        _ => None,
    }
}
