//! Reading values: BitBake's `getVarFlag` and `expandWithRefs`.
//!
//! Reading a variable's `_content` goes through these steps, in order:
//! 1. if one of its override variants is active, the winning variant's raw
//!    value replaces the variable's own, and the `:remove` items that
//!    removed something from the variant are carried over;
//! 2. otherwise the own value, or the `??=` weak default;
//! 3. the `:append` items whose condition holds, then the `:prepend` items
//!    (each new one in front);
//! 4. expansion of `${NAME}` references (and inline Python);
//! 5. the `:remove` items whose condition holds, expanded and split into
//!    words, remove equal words from the expanded value; white space is
//!    kept as it was.
//!
//! One read is one [`Ctx`]: it carries the Python evaluator, the variables
//! being expanded (to report cycles instead of recursing forever) and the
//! values already computed (BitBake's expansion cache, for one read).

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use super::expand::{py_isspace, py_split, var_refs, ErrorCause, PYTHON_REF};
use super::{DataStore, Expanded, ExpansionError, Overrides, PythonEvaluator};

/// How many variables may be in expansion at once. BitBake runs out of
/// Python stack at about 250 nested references; this stops at 150, which
/// no real metadata reaches, so that the Rust stack stays under a megabyte
/// even in debug builds (about 5 KB a level there).
const MAX_NESTING: usize = 150;

/// A variable's value as computed by one read.
#[derive(Debug)]
pub(super) struct Evaluated {
    /// Steps 1 to 3: unexpanded.
    pub(super) raw: Option<String>,
    /// Steps 4 and 5; `None` when not asked for or when there is no value.
    pub(super) expanded: Option<Expanded>,
    /// The `:remove` items that removed at least one word.
    pub(super) removed: BTreeSet<String>,
}

/// How a step failed: with a cause that the enclosing expansion wraps into
/// an [`ExpansionError`], or with an error already wrapped.
pub(super) enum Failure {
    // Boxed: failures pass through every level of a deep expansion, and a
    // small result keeps each level's stack frame small.
    Cause(Box<ErrorCause>),
    Error(Box<ExpansionError>),
}

impl From<ExpansionError> for Failure {
    fn from(e: ExpansionError) -> Self {
        Failure::Error(Box::new(e))
    }
}

impl Failure {
    /// The error for a caller outside any expansion.
    pub(super) fn into_error(self) -> ExpansionError {
        match self {
            Failure::Error(e) => *e,
            Failure::Cause(cause) => ExpansionError::new(None, None, *cause),
        }
    }
}

pub(super) struct Ctx<'a> {
    ds: &'a DataStore,
    py: &'a mut dyn PythonEvaluator,
    /// Overrides fixed for this read (while computing the overrides
    /// themselves); otherwise the datastore's.
    fixed: Option<Arc<Overrides>>,
    stack: Vec<String>,
    memo: HashMap<String, Rc<Evaluated>>,
    /// Whether the evaluator was called during this read.
    pub(super) used_python: bool,
    /// A variable whose own filter this read leaves out.
    pub(super) unfiltered: Option<String>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        ds: &'a DataStore,
        py: &'a mut dyn PythonEvaluator,
        fixed: Option<Arc<Overrides>>,
    ) -> Self {
        Ctx {
            ds,
            py,
            fixed,
            stack: Vec::new(),
            memo: HashMap::new(),
            used_python: false,
            unfiltered: None,
        }
    }

    fn overrides(&mut self) -> Result<Arc<Overrides>, ExpansionError> {
        match &self.fixed {
            Some(fixed) => Ok(fixed.clone()),
            None => self.ds.overrides_with(&mut *self.py),
        }
    }

    /// The expanded value of a variable, for a caller outside any expansion.
    pub(super) fn expanded_value(&mut self, var: &str) -> Result<Option<String>, ExpansionError> {
        let ev = self.content(var, true).map_err(Failure::into_error)?;
        Ok(ev.expanded.as_ref().map(|e| e.value.clone()))
    }

    /// Steps 1 to 3, and 4 and 5 if `expand`.
    pub(super) fn content(&mut self, var: &str, expand: bool) -> Result<Rc<Evaluated>, Failure> {
        if let Some(done) = self.memo.get(var) {
            return Ok(done.clone());
        }
        let at = self.stack.iter().position(|v| v == var);
        if at.is_some() || self.stack.len() >= MAX_NESTING {
            return Err(self.cycle(at.unwrap_or(0), var));
        }
        self.stack.push(var.to_owned());
        let result = self.compute(var, expand);
        self.stack.pop();
        if let (true, Ok(ev)) = (expand, &result) {
            self.memo.insert(var.to_owned(), ev.clone());
        }
        result
    }

    /// The error for a variable needed again, from the stack position
    /// where it first appears.
    #[cold]
    fn cycle(&self, from: usize, var: &str) -> Failure {
        let mut cycle = self.stack[from..].to_vec();
        cycle.push(var.to_owned());
        Failure::Cause(Box::new(ErrorCause::Recursion(cycle)))
    }

    fn compute(&mut self, var: &str, expand: bool) -> Result<Rc<Evaluated>, Failure> {
        let (value, carried) = self.unexpanded(var)?;
        let has_removes = self.ds.vars.get(var).is_some_and(|l| !l.removes.is_empty());
        if !expand {
            // BitBake looks at the active overrides for the removes even
            // when it does not expand, so their failure shows here too.
            if has_removes && value.as_deref().is_some_and(|v| !v.is_empty()) {
                self.overrides()?;
            }
            return Ok(Rc::new(Evaluated { raw: value, expanded: None, removed: BTreeSet::new() }));
        }
        let mut expanded = match &value {
            Some(v) => Some(self.expand(v, Some(var))?),
            None => None,
        };
        let mut removed = BTreeSet::new();
        if let Some(exp) = expanded.as_mut().filter(|e| !e.value.is_empty()) {
            removed = self.remove_words(var, exp, carried)?;
        }
        if let Some(exp) = expanded.as_mut().filter(|e| !e.value.is_empty()) {
            self.apply_filter(var, exp)?;
        }
        Ok(Rc::new(Evaluated { raw: value, expanded, removed }))
    }

    /// A filter set with `setVarFilter` on the name before any `:`
    /// rewrites the expanded value.
    fn apply_filter(&mut self, var: &str, exp: &mut Expanded) -> Result<(), Failure> {
        if self.unfiltered.as_deref() == Some(var) || self.ds.filters_bypassed.contains(var) {
            return Ok(());
        }
        let base = var.split(':').next().unwrap_or(var);
        let Some(filter) = self.ds.filters.get(base) else { return Ok(()) };
        match self.py.apply_filter(&exp.value, filter) {
            Ok(value) => {
                exp.value = value;
                Ok(())
            }
            Err(message) => {
                Err(Failure::Cause(Box::new(ErrorCause::Python { code: filter.clone(), message })))
            }
        }
    }

    /// Steps 1 to 3: the unexpanded value, and the `:remove` items carried
    /// over from the winning override variant.
    #[inline(never)]
    fn unexpanded(&mut self, var: &str) -> Result<(Option<String>, BTreeSet<String>), Failure> {
        let ds = self.ds;
        let local = ds.vars.get(var);
        let mut value: Option<String> = None;
        let mut carried = BTreeSet::new();
        if let Some(variants) = ds.overridedata.get(var) {
            let overrides = self.overrides()?;
            if let Some(winner) = overrides.select(variants) {
                let sub = self.content(&winner, true)?;
                value = sub.raw.clone();
                carried = sub.removed.clone();
            }
        }
        if let (Some(local), None) = (local, &value) {
            value =
                local.content.clone().or_else(|| local.flags.get("_defaultval").cloned().flatten());
        }
        if let Some(local) = local.filter(|l| !l.appends.is_empty()) {
            let overrides = self.overrides()?;
            for item in &local.appends {
                if overrides.applies(item.condition.as_deref()) {
                    value.get_or_insert_with(String::new).push_str(&item.value);
                }
            }
        }
        if let Some(local) = local.filter(|l| !l.prepends.is_empty()) {
            let overrides = self.overrides()?;
            for item in &local.prepends {
                if overrides.applies(item.condition.as_deref()) {
                    let old = value.take().unwrap_or_default();
                    value = Some(format!("{}{old}", item.value));
                }
            }
        }
        Ok((value, carried))
    }

    /// Step 5 on a non-empty expanded value: the variable's own active
    /// `:remove` items join the carried ones. Returns the items that matched.
    #[inline(never)]
    fn remove_words(
        &mut self,
        var: &str,
        exp: &mut Expanded,
        mut removes: BTreeSet<String>,
    ) -> Result<BTreeSet<String>, Failure> {
        if let Some(local) = self.ds.vars.get(var).filter(|l| !l.removes.is_empty()) {
            let overrides = self.overrides()?;
            for item in &local.removes {
                if overrides.applies(item.condition.as_deref()) {
                    removes.insert(item.value.clone());
                }
            }
        }
        if removes.is_empty() {
            return Ok(BTreeSet::new());
        }
        let (kept, hit) = self.apply_removes(&exp.value, &removes)?;
        exp.value = kept;
        Ok(hit)
    }

    /// Drops from `value` every word equal to a word of an expanded remove
    /// item; every white-space character stays. Returns the new value and
    /// the items that matched.
    fn apply_removes(
        &mut self,
        value: &str,
        removes: &BTreeSet<String>,
    ) -> Result<(String, BTreeSet<String>), Failure> {
        let mut words = Vec::with_capacity(removes.len());
        for r in removes {
            let exp = self.expand(r, None)?;
            let list: Vec<String> = py_split(&exp.value).map(str::to_owned).collect();
            words.push((r, list));
        }
        let mut hit = BTreeSet::new();
        let mut kept = String::with_capacity(value.len());
        let mut rest = value;
        loop {
            let end = rest.find(py_isspace).unwrap_or(rest.len());
            let word = &rest[..end];
            let mut skip = false;
            for (r, list) in &words {
                if list.iter().any(|w| w == word) {
                    hit.insert((*r).clone());
                    skip = true;
                }
            }
            if !skip {
                kept.push_str(word);
            }
            let Some(space) = rest[end..].chars().next() else { break };
            kept.push(space);
            rest = &rest[end + space.len_utf8()..];
        }
        Ok((kept, hit))
    }

    /// BitBake's `expandWithRefs`: rounds of `${NAME}` substitution, then
    /// inline Python, until a round changes nothing. `varname` is the name
    /// the text is the value of; a reference to it is an error.
    pub(super) fn expand(
        &mut self,
        text: &str,
        varname: Option<&str>,
    ) -> Result<Expanded, ExpansionError> {
        let mut out = Expanded::default();
        let mut s = text.to_owned();
        while s.contains("${") {
            let step = match self.substitute_refs(&s, varname, &mut out) {
                Ok(after_refs) => match self.substitute_python(&after_refs, &mut out) {
                    Ok(after) => Ok(after),
                    Err(f) => Err((f, after_refs)),
                },
                Err(f) => Err((f, s.clone())),
            };
            match step {
                Ok(next) if next == s => break,
                Ok(next) => s = next,
                Err((Failure::Cause(cause), at)) => {
                    return Err(ExpansionError::new(varname, Some(&at), *cause));
                }
                Err((Failure::Error(mut e), _)) => {
                    if !e.is_fatal() {
                        e.add_var(varname);
                    }
                    return Err(*e);
                }
            }
        }
        out.value = s;
        Ok(out)
    }

    fn substitute_refs(
        &mut self,
        s: &str,
        varname: Option<&str>,
        out: &mut Expanded,
    ) -> Result<String, Failure> {
        let mut result = String::with_capacity(s.len());
        let mut last = 0;
        for (start, end) in var_refs(s) {
            let key = &s[start + 2..end - 1];
            if varname.is_some_and(|v| !v.is_empty() && v == key) {
                return Err(Failure::Cause(Box::new(ErrorCause::SelfReference(key.to_owned()))));
            }
            let ev = self.content(key, true)?;
            out.references.insert(key.to_owned());
            result.push_str(&s[last..start]);
            match &ev.expanded {
                Some(e) => result.push_str(&e.value),
                None => result.push_str(&s[start..end]),
            }
            last = end;
        }
        result.push_str(&s[last..]);
        Ok(result)
    }

    fn substitute_python(&mut self, s: &str, out: &mut Expanded) -> Result<String, Failure> {
        let mut result = String::with_capacity(s.len());
        let mut last = 0;
        for m in PYTHON_REF.find_iter(s) {
            let code = &m.as_str()[3..m.len() - 1];
            result.push_str(&s[last..m.start()]);
            last = m.end();
            // Code that still holds a reference waits for a later round.
            if var_refs(code).next().is_some() {
                result.push_str(m.as_str());
                continue;
            }
            if !out.python.iter().any(|c| c == code) {
                out.python.push(code.to_owned());
            }
            self.used_python = true;
            // While the overrides are being computed, the code sees the
            // round's list, as BitBake's nested reads see its partial one.
            let fixed_view = self.fixed.as_ref().map(|fixed| self.ds.with_fixed_overrides(fixed));
            match self.py.eval(code, fixed_view.as_ref().unwrap_or(self.ds)) {
                Ok(v) => result.push_str(&v),
                Err(message) => {
                    return Err(Failure::Cause(Box::new(ErrorCause::Python {
                        code: code.to_owned(),
                        message,
                    })))
                }
            }
        }
        result.push_str(&s[last..]);
        Ok(result)
    }
}
