//! Overrides: the index of override variants, the list of active overrides
//! computed from `OVERRIDES`, and the choice of the variant that wins.
//!
//! A name like `A:x:y` is an override variant of `A:x` (override `y`) and of
//! `A` (override `x:y`), as long as each override starts with a lower-case
//! letter or a digit. BitBake records these pairs when the name is set and
//! reads them when `A` is read; deleting `A` forgets them.

use std::collections::HashSet;
use std::sync::Arc;

use super::eval::Ctx;
use super::expand::{ErrorCause, ExpansionError, PythonEvaluator};
use super::{ComputedOverrides, DataStore, NoPython};

/// The active overrides: `OVERRIDES` expanded and split on `:`, in order.
/// Empty items and repeats are kept, as BitBake keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    list: Vec<String>,
    set: HashSet<String>,
}

impl Overrides {
    pub fn from_list(list: Vec<String>) -> Self {
        let set = list.iter().cloned().collect();
        Overrides { list, set }
    }

    pub fn as_slice(&self) -> &[String] {
        &self.list
    }

    pub fn contains(&self, name: &str) -> bool {
        self.set.contains(name)
    }

    /// Whether a variant with override `o` is active: `o` is one of the
    /// overrides, or it has several parts and each part is one.
    pub(super) fn is_active(&self, o: &str) -> bool {
        self.contains(o) || (o.contains(':') && o.split(':').all(|p| self.contains(p)))
    }

    /// Whether a queued operation with this condition applies: no (or an
    /// empty) condition, or every part of it is an override.
    pub(super) fn applies(&self, condition: Option<&str>) -> bool {
        match condition {
            None | Some("") => true,
            Some(c) => c.split(':').all(|p| self.contains(p)),
        }
    }

    /// The variant that gives a variable its value, among its recorded
    /// variants. Overrides later in `OVERRIDES` win. A multi-part override
    /// loses its parts from the end, one known override at a time, until it
    /// is a single override; the replacement is BitBake's text replacement,
    /// which removes every occurrence of `:part`, and a shortened override
    /// that collides with another one takes its place in the order.
    pub(super) fn select(&self, variants: &[(String, String)]) -> Option<String> {
        // An insertion-ordered map from override to variant name, as the
        // Python dict it mirrors.
        let mut active: Vec<(String, String)> = Vec::new();
        fn put(active: &mut Vec<(String, String)>, key: String, value: String) {
            match active.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => active.push((key, value)),
            }
        }
        for (name, o) in variants {
            if self.is_active(o) {
                put(&mut active, o.clone(), name.clone());
            }
        }
        let mut chosen = None;
        let mut changed = true;
        while changed {
            changed = false;
            for o in &self.list {
                let suffix = format!(":{o}");
                let keys: Vec<String> = active.iter().map(|(k, _)| k.clone()).collect();
                for key in keys {
                    let Some(at) = active.iter().position(|(k, _)| *k == key) else {
                        continue;
                    };
                    if key.ends_with(&suffix) {
                        let (_, name) = active.remove(at);
                        put(&mut active, key.replace(&suffix, ""), name);
                        changed = true;
                    } else if key == *o {
                        chosen = Some(active.remove(at).1);
                    }
                }
            }
        }
        chosen
    }
}

/// The `(parent name, override)` pairs under which `var` is recorded as an
/// override variant, nearest parent first. A name without a colon yields
/// BitBake's degenerate pair: the name minus its last character, with the
/// whole name as override (BitBake does record it, for `:append` targets).
fn override_pairs(var: &str) -> Vec<(&str, &str)> {
    let mut pairs = Vec::new();
    let (mut short, mut o) = match var.rfind(':') {
        Some(i) => (&var[..i], Some(&var[i + 1..])),
        None => {
            let cut = var.char_indices().last().map_or(0, |(i, _)| i);
            (&var[..cut], Some(var))
        }
    };
    while let Some(ov) = o {
        if !ov.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
            break;
        }
        pairs.push((short, ov));
        o = None;
        if let Some(j) = short.rfind(':') {
            short = &var[..j];
            o = (!short.is_empty()).then(|| &var[j + 1..]);
        }
    }
    pairs
}

impl DataStore {
    /// Records `var` as an override variant of each of its parents.
    pub(super) fn index_overrides(&mut self, var: &str) {
        self.touch();
        for (short, o) in override_pairs(var) {
            let list = Arc::make_mut(self.overridedata.entry(short.to_owned()).or_default());
            if !list.iter().any(|(n, x)| n == var && x == o) {
                list.push((var.to_owned(), o.to_owned()));
            }
        }
    }

    /// Forgets `var` as an override variant of its parents. The parents'
    /// lists stay, possibly empty.
    pub(super) fn unindex_overrides(&mut self, var: &str) {
        self.touch();
        for (short, o) in override_pairs(var) {
            if let Some(list) = self.overridedata.get_mut(short) {
                let list = Arc::make_mut(list);
                if let Some(at) = list.iter().position(|(n, x)| n == var && x == o) {
                    list.remove(at);
                }
            }
        }
    }

    /// BitBake's bookkeeping when `var` (or the variable it queues an
    /// operation on) is one `OVERRIDES` depends on: the new value is
    /// expanded at once to find further such names. Only the expansion's
    /// effect is kept here (its errors, and the names it finds); BitBake
    /// also uses the names to know when to recompute the overrides, which
    /// this datastore does after every change anyway. Names that only inline
    /// Python refers to are not found.
    ///
    /// The expansions use `before`, the overrides from before the change,
    /// when there are any (BitBake's cached list at that point), and the
    /// overrides of the new state otherwise.
    pub(super) fn update_override_vars(
        &mut self,
        var: &str,
        value: &str,
        py: &mut dyn PythonEvaluator,
        before: Option<Arc<Overrides>>,
    ) -> Result<(), ExpansionError> {
        let mut new = Ctx::new(self, &mut *py, before.clone()).expand(value, Some(var))?.references;
        while !new.iter().all(|n| self.override_vars.contains(n)) {
            self.override_vars.extend(new.iter().cloned());
            let mut next = std::collections::BTreeSet::new();
            let mut ctx = Ctx::new(self, &mut *py, before.clone());
            for name in &new {
                // BitBake expands the already expanded value once more.
                if let Some(v) = ctx.expanded_value(name)? {
                    next.extend(ctx.expand(&v, Some(name))?.references);
                }
            }
            new = next;
        }
        self.forget_overrides();
        Ok(())
    }

    /// A view of this datastore whose overrides are `fixed` until it is
    /// changed: what inline Python reads while the overrides are computed.
    pub(super) fn with_fixed_overrides(&self, fixed: &Arc<Overrides>) -> DataStore {
        let view = self.clone();
        let done = ComputedOverrides { result: Ok(fixed.clone()), used_python: false };
        let _ = view.overrides_plain.set(done.clone());
        let _ = view.overrides_python.set(done);
        view
    }

    /// The active overrides, with inline Python left alone.
    ///
    /// BitBake computes the list once and keeps it until a variable that
    /// `OVERRIDES` is known to depend on is set (or the datastore is
    /// copied); here it is recomputed after any change. Answers differ only
    /// where BitBake's list is out of date: after `OVERRIDES` is deleted or
    /// renamed, or after a name it depends on changes through an override
    /// variant, until the next set of such a name.
    pub fn overrides(&self) -> Result<Arc<Overrides>, ExpansionError> {
        self.overrides_with(&mut NoPython)
    }

    /// The active overrides, running inline Python with `py`.
    pub fn overrides_with(
        &self,
        py: &mut dyn PythonEvaluator,
    ) -> Result<Arc<Overrides>, ExpansionError> {
        let python = py.runs_python();
        if let Some(done) = self.overrides_plain.get() {
            if !python || !done.used_python {
                return done.result.clone();
            }
        }
        if let Some(done) = self.overrides_python.get().filter(|_| python) {
            return done.result.clone();
        }
        let done = self.compute_overrides(py);
        // A nested computation may have filled a cell first; either is right.
        if python {
            let _ = self.overrides_python.set(done.clone());
        }
        if !python || !done.used_python {
            let _ = self.overrides_plain.set(done.clone());
        }
        done.result
    }

    /// BitBake's fixpoint: expand `OVERRIDES` with no override active, then
    /// again with the result active, until two rounds agree. Five rounds
    /// that do not settle are an error.
    fn compute_overrides(&self, py: &mut dyn PythonEvaluator) -> ComputedOverrides {
        let mut used_python = false;
        let mut round = |active: Overrides| -> Result<Vec<String>, ExpansionError> {
            let mut ctx = Ctx::new(self, &mut *py, Some(Arc::new(active)));
            let value = ctx.expanded_value("OVERRIDES");
            used_python |= ctx.used_python;
            Ok(value?.unwrap_or_default().split(':').map(str::to_owned).collect())
        };
        let result = (|| {
            let mut current = round(Overrides::default())?;
            let mut seen = Vec::new();
            for _ in 0..5 {
                seen.push(current.clone());
                let next = round(Overrides::from_list(current.clone()))?;
                if next == current {
                    return Ok(Arc::new(Overrides::from_list(current)));
                }
                current = next;
            }
            Err(ExpansionError::fatal(ErrorCause::UnstableOverrides(seen)))
        })();
        ComputedOverrides { result, used_python }
    }
}
