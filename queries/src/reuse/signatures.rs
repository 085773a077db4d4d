//! Reusing a recipe's task signatures across a parse brought up to date.
//!
//! The signatures of a remembered parse's datastores are kept with the
//! names they read. A result brought up to date from that parse differs
//! from it only in known names (`Changes`); if the signatures read none of
//! them (and listed no names that appeared), they are its signatures too.

use std::path::Path;
use std::sync::Arc;

use super::{Changes, RecipeKey};
use crate::config::Invocation;
use crate::datastore::access::AccessLog;
use crate::files::Db;
use crate::recipe::ParsedRecipe;
use crate::signature::VariantSignatures;

/// The signatures of a remembered parse, and what computing them read.
pub(crate) struct Signed {
    accesses: AccessLog,
    signatures: Arc<[VariantSignatures]>,
}

fn key(invocation: Invocation, path: &Path, mc: &str) -> RecipeKey {
    RecipeKey { invocation, path: path.to_path_buf(), mc: mc.to_owned() }
}

/// The signatures of `parsed` if a remembered parse's hold for it.
pub(crate) fn remembered_signatures(
    db: &dyn Db,
    invocation: Invocation,
    path: &Path,
    mc: &str,
    parsed: &ParsedRecipe,
) -> Option<Arc<[VariantSignatures]>> {
    let remembered = db.parse_memory().recipes.get(&key(invocation, path, mc))?.value().clone();
    for old in remembered {
        let Some(changes) = old.changes_to(parsed) else { continue };
        let signed = old.signed.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(signed) = signed.filter(|signed| changes.seen_by(&signed.accesses).is_none()) {
            let memory = db.parse_memory();
            memory.signatures_reused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Some(signed.signatures.clone());
        }
    }
    None
}

/// Keeps the signatures of `parsed`, computed with `accesses`, if `parsed`
/// is a remembered parse's own result, and gives the copy to use: another
/// remembered parse's equal signatures if there are some, so that
/// comparing them later is a pointer comparison.
pub(crate) fn remember_signatures(
    db: &dyn Db,
    invocation: Invocation,
    path: &Path,
    mc: &str,
    parsed: &ParsedRecipe,
    accesses: AccessLog,
    signatures: Arc<[VariantSignatures]>,
) -> Arc<[VariantSignatures]> {
    let Some(remembered) = db.parse_memory().recipes.get(&key(invocation, path, mc)) else {
        return signatures;
    };
    let equal = remembered.iter().find_map(|other| {
        let signed = other.signed.lock().unwrap_or_else(|e| e.into_inner()).clone()?;
        (signed.signatures == signatures).then(|| signed.signatures.clone())
    });
    let signatures = equal.unwrap_or(signatures);
    let own = remembered.iter().find(|old| {
        old.changes_to(parsed).is_some_and(|changes: Arc<Changes>| changes.names.is_empty())
    });
    if let Some(old) = own {
        let signed = Signed { accesses, signatures: signatures.clone() };
        *old.signed.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(signed));
    }
    signatures
}
