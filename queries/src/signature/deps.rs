//! BitBake's `build_dependencies`: for one variable, function or flag of a
//! datastore, the names it depends on and the value that goes into the
//! signature (the code or value itself, with the `bb.utils.contains`
//! verdicts and `:remove` items appended).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::datastore::{DataStore, PythonEvaluator};
use crate::python::{python_code_deps, CodeDeps, ModuleFunction};

/// The flags BitBake expands when it reads a variable's flags for its
/// dependencies.
const EXPANDED_FLAGS: [&str; 8] = [
    "vardeps",
    "vardepvalue",
    "vardepsexclude",
    "exports",
    "postfuncs",
    "prefuncs",
    "lineno",
    "filename",
];

/// Everything `build_dependencies` reads besides the key.
pub(crate) struct DepContext<'a> {
    /// The datastore, whose filters are bypassed for the variables read so
    /// far, as BitBake's expansion cache does.
    pub datastore: DataStore,
    /// The copy with BB_HASH_CODEPARSER_VALS forced, which function bodies
    /// are read from.
    pub code_datastore: &'a DataStore,
    pub python: &'a mut dyn PythonEvaluator,
    /// Whether a name is a key of the datastore (not starting with `__`),
    /// asked name by name, so that no signature depends on names it never
    /// mentions.
    pub keys: &'a dyn Fn(&str) -> bool,
    /// Exported variables, which every shell function depends on.
    pub shell_deps: &'a BTreeSet<String>,
    /// BB_SIGNATURE_EXCLUDE_FLAGS, or `None` when unset (then no flag is a
    /// dependency).
    pub flags_excluded: Option<&'a [String]>,
    /// BB_BASEHASH_IGNORE_VARS.
    pub ignored: &'a BTreeSet<String>,
    /// The layers' library functions (`oe.utils.foo`), which are keys too.
    pub modules: &'a BTreeMap<String, ModuleFunction>,
}

/// A key's dependencies and signature value (`None` for an unset
/// variable).
pub(crate) type KeyDeps = (BTreeSet<String>, Option<String>);

impl DepContext<'_> {
    fn var(&mut self, name: &str) -> Option<String> {
        self.datastore.get_var_with(name, true, &mut *self.python).ok().flatten()
    }

    /// BitBake's `handle_contains`: the verdict of each contains test,
    /// after the value.
    fn with_contains(
        &mut self,
        value: Option<&str>,
        contains: &BTreeMap<String, BTreeSet<String>>,
        exclusions: &[String],
    ) -> String {
        let mut out = value.unwrap_or_default().to_owned();
        for (name, items) in contains {
            if exclusions.contains(name) || self.ignored.contains(name) {
                continue;
            }
            let current = self.var(name).unwrap_or_default();
            let words: Vec<&str> = current.split_whitespace().collect();
            for item in items {
                let set = item.split_whitespace().all(|word| words.contains(&word));
                let verdict = if set { "Set" } else { "Unset" };
                out.push_str(&format!("\n{name}{{{item}}} = {verdict}"));
            }
        }
        out
    }

    /// The dependencies of Python code, parsed with the parse's session
    /// running.
    fn code_deps(
        &mut self,
        code: &str,
        name: &str,
        filename: &str,
        lineno: u32,
    ) -> Arc<Result<CodeDeps, String>> {
        let mut found = None;
        self.python
            .with_session(&mut || found = Some(python_code_deps(code, name, filename, lineno)));
        found.unwrap_or_else(|| Arc::new(Err("the code parser did not run".to_owned())))
    }

    /// The dependencies of inline Python met while expanding `name`.
    fn inline_python(&mut self, expressions: &[String], name: &str) -> CodeDeps {
        let mut deps = CodeDeps::default();
        for code in expressions {
            if let Ok(found) = self.code_deps(code, name, "<string>", 0).as_ref() {
                deps.merge(found);
            }
        }
        deps
    }

    /// The dependencies and value of `key`.
    pub fn build(
        &mut self,
        key: &str,
        shell_execs: &dyn Fn(&str) -> Result<BTreeSet<String>, String>,
    ) -> Result<KeyDeps, String> {
        if let Some(function) = self.modules.get(key) {
            return Ok(self.build_module_function(key, function));
        }
        if let Some(flagged) = key.strip_suffix(']') {
            return self.build_flag(flagged);
        }
        let datastore = &self.datastore;
        let mut flags: BTreeMap<String, String> = BTreeMap::new();
        for (flag, value) in datastore.get_var_flags_ordered(key, false) {
            let value = if EXPANDED_FLAGS.contains(&flag.as_str()) {
                let name = format!("{key}[{flag}]");
                datastore
                    .expand_with(&value, Some(&name), &mut *self.python)
                    .map_or(value, |e| e.value)
            } else {
                value
            };
            flags.insert(flag, value);
        }
        let vardeps = flags.get("vardeps").cloned();
        let exclusions: Vec<String> = flags
            .get("vardepsexclude")
            .map(|v| v.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        let mut deps: BTreeSet<String> = BTreeSet::new();
        let mut value: Option<String>;
        let truthy = |name: &str| flags.get(name).is_some_and(|v| !v.is_empty());
        if let Some(fixed) = flags.get("vardepvalue") {
            value = Some(fixed.clone());
        } else if truthy("func") {
            if truthy("python") {
                let body = self.code_datastore.get_var(key, false).map_err(|e| e.to_string())?;
                let body = body.unwrap_or_default();
                let filename = flags.get("filename").cloned().unwrap_or_else(|| "<string>".into());
                let lineno = flags.get("lineno").and_then(|l| l.parse().ok()).unwrap_or(0);
                let parsed = self.code_deps(&body, key, &filename, lineno);
                let parsed = parsed.as_ref().as_ref().map_err(|error| format!("{key}: {error}"))?;
                deps.extend(parsed.references.iter().cloned());
                deps.extend(parsed.execs.iter().filter(|e| (self.keys)(e)).cloned());
                value = Some(self.with_contains(Some(&body), &parsed.contains, &exclusions));
            } else {
                let code = self.code_datastore;
                let with_refs =
                    code.get_var_with_refs(key, &mut *self.python).map_err(|e| e.to_string())?;
                let expanded = with_refs.expanded.clone().unwrap_or_default();
                let execs =
                    shell_execs(&expanded.value).map_err(|error| format!("{key}: {error}"))?;
                let inline = self.inline_python(&expanded.python, key);
                deps.extend(self.shell_deps.iter().cloned());
                deps.extend(expanded.references.iter().cloned());
                deps.extend(inline.references.iter().cloned());
                deps.extend(execs.iter().chain(&inline.execs).filter(|e| (self.keys)(e)).cloned());
                value = Some(self.with_contains(
                    with_refs.raw.as_deref(),
                    &inline.contains,
                    &exclusions,
                ));
                value = Some(self.with_removes(
                    value.unwrap_or_default(),
                    &mut deps,
                    &with_refs.removed,
                    &exclusions,
                ));
            }
            for list in ["prefuncs", "postfuncs", "exports"] {
                if let Some(names) = flags.get(list) {
                    deps.extend(names.split_whitespace().map(str::to_owned));
                }
            }
        } else {
            let with_refs =
                datastore.get_var_with_refs(key, &mut *self.python).map_err(|e| e.to_string())?;
            if self.datastore.has_filter(key) {
                self.datastore.bypass_filter(key);
            }
            let expanded = with_refs.expanded.clone().unwrap_or_default();
            let inline = self.inline_python(&expanded.python, key);
            deps.extend(expanded.references.iter().cloned());
            deps.extend(inline.references.iter().cloned());
            deps.extend(inline.execs.iter().filter(|e| (self.keys)(e)).cloned());
            let contained =
                self.with_contains(with_refs.raw.as_deref(), &inline.contains, &exclusions);
            value = Some(self.with_removes(contained, &mut deps, &with_refs.removed, &exclusions));
        }
        if let (Some(excluded), Some(text)) = (flags.get("vardepvalueexclude"), value.as_mut()) {
            for part in excluded.split('|').filter(|part| !part.is_empty()) {
                *text = text.replace(part, "");
            }
        }
        if let Some(excluded) = self.flags_excluded {
            for flag in flags.keys().filter(|flag| !excluded.contains(flag)) {
                deps.insert(format!("{key}[{flag}]"));
            }
        }
        deps.extend(vardeps.unwrap_or_default().split_whitespace().map(str::to_owned));
        for name in exclusions.iter().chain(self.ignored) {
            deps.remove(name);
        }
        Ok((deps, value))
    }

    /// A library function: what it reads and the known functions it
    /// calls, less its `vardepsexclude` flag; its value is a hash of its
    /// code with the verdicts of its contains tests.
    fn build_module_function(&mut self, key: &str, function: &ModuleFunction) -> KeyDeps {
        let excluded = self.datastore.get_var_flag(key, "vardepsexclude", true).ok().flatten();
        let excluded: Vec<&str> =
            excluded.as_deref().unwrap_or_default().split_whitespace().collect();
        let kept = |name: &&String| !excluded.contains(&name.as_str());
        let mut deps: BTreeSet<String> =
            function.deps.references.iter().filter(kept).cloned().collect();
        deps.extend(function.deps.execs.iter().filter(kept).filter(|e| (self.keys)(e)).cloned());
        for name in self.ignored {
            deps.remove(name);
        }
        let value = self.with_contains(Some(&function.value), &function.deps.contains, &[]);
        (deps, Some(value))
    }

    /// A `VAR[flag]` key: the flag's references.
    fn build_flag(&mut self, flagged: &str) -> Result<KeyDeps, String> {
        let Some((name, flag)) = flagged.split_once('[') else {
            return Ok((BTreeSet::new(), None));
        };
        if flag == "vardepvalueexclude" {
            return Ok((BTreeSet::new(), Some(String::new())));
        }
        let raw = self.datastore.get_var_flag(name, flag, false).map_err(|e| e.to_string())?;
        let mut deps = BTreeSet::new();
        if let Some(raw) = &raw {
            let expanded = self.datastore.expand_with(raw, Some(flagged), &mut *self.python);
            let expanded = expanded.map_err(|e| e.to_string())?;
            let inline = self.inline_python(&expanded.python, flagged);
            deps.extend(expanded.references.iter().cloned());
            deps.extend(inline.references.iter().cloned());
            deps.extend(inline.execs.iter().filter(|e| (self.keys)(e)).cloned());
        }
        for name in self.ignored {
            deps.remove(name);
        }
        Ok((deps, raw))
    }

    /// BitBake's `handle_remove`: each `:remove` item that removed
    /// something is named after the value, and its references become
    /// dependencies (its calls do not: BitBake drops them).
    fn with_removes(
        &mut self,
        mut value: String,
        deps: &mut BTreeSet<String>,
        removed: &BTreeSet<String>,
        exclusions: &[String],
    ) -> String {
        for item in removed {
            value.push_str(&format!("\n_remove of {item}"));
            let Ok(expanded) = self.datastore.expand_with(item, None, &mut *self.python) else {
                continue;
            };
            deps.extend(expanded.references.iter().cloned());
            let inline = self.inline_python(&expanded.python, "");
            deps.extend(inline.references.iter().cloned());
            value = self.with_contains(Some(&value), &inline.contains, exclusions);
        }
        value
    }
}
