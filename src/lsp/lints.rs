//! Lints on a file in its context, beyond what parsing reports: tasks that
//! `addtask` orders against (or a `[depends]` on the recipe itself names)
//! which the recipe does not have, overrides that neither apply, nor name
//! one of the recipe's packages, nor appear anywhere in the layers, and
//! variables set but read by nothing.
//!
//! "Appear in the layers" and "read by nothing" are judged from words: the
//! words of every value and function of the context's datastore, and of the
//! layers' configuration files, classes and Python libraries.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{Diagnostic, DiagnosticSeverity, Range};
use rbake_queries::eval::{normalize, ParseState};
use rbake_queries::files::{source_file, Db};
use rbake_syntax::ast::{AstNode, Statement};

use super::cursor::CLASS_DIRECTORIES;
use super::documents::LineMap;

/// Override prefixes BitBake and its classes make up as they go.
const OVERRIDE_PREFIXES: [&str; 5] = ["pn-", "task-", "class-", "virtclass-", "libc-"];
/// The operations spelt like overrides.
const OPERATIONS: [&str; 3] = ["append", "prepend", "remove"];
/// How many contexts' words are kept.
const MAX_CONTEXTS: usize = 16;

/// A context's words, with the state they were taken from.
type KeptWords = (Arc<ParseState>, Arc<HashSet<String>>);

/// Words of the layers and of recent contexts, computed once each.
#[derive(Default)]
pub struct LintCache {
    layer_words: Option<Arc<HashSet<String>>>,
    /// Keyed by the state's address; the entry keeps the state alive, so
    /// the address is not reused while the entry stands.
    context_words: HashMap<(usize, PathBuf), KeptWords>,
}

impl LintCache {
    /// Forgets the layers' words, after a change on disk (they are read
    /// from the disk, so a buffer's edit does not change them).
    pub fn forget_layers(&mut self) {
        self.layer_words = None;
    }

    fn layer_words(&mut self, state: &ParseState) -> Arc<HashSet<String>> {
        self.layer_words.get_or_insert_with(|| Arc::new(layer_words(state))).clone()
    }

    fn context_words(
        &mut self,
        db: &dyn Db,
        state: &Arc<ParseState>,
        file: &Path,
    ) -> Arc<HashSet<String>> {
        let key = (Arc::as_ptr(state) as usize, file.to_path_buf());
        if let Some((_, words)) = self.context_words.get(&key) {
            return words.clone();
        }
        if self.context_words.len() >= MAX_CONTEXTS {
            self.context_words.clear();
        }
        let words = Arc::new(context_words(db, state, file));
        self.context_words.insert(key, (state.clone(), words.clone()));
        words
    }
}

/// The lints of a file's statements in `state`; `recipe` names the
/// context in messages. Unused variables are looked for if `unused`.
#[allow(clippy::too_many_arguments)]
pub fn lints(
    db: &dyn Db,
    cache: &mut LintCache,
    state: &Arc<ParseState>,
    recipe: &str,
    statements: &[Statement],
    file: &Path,
    lines: &LineMap,
    text: &str,
    unused: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let tasks: HashSet<&str> = state.tasks.iter().map(String::as_str).collect();
    let datastore = &state.datastore;
    let pn = datastore.get_var("PN", true).ok().flatten().unwrap_or_default();
    let active = datastore.overrides().ok();
    let packages = Packages::of(state);
    let layer_words = cache.layer_words(state);
    let context_words = cache.context_words(db, state, file);
    let local_words = local_words(statements);
    let place = |node: &rbake_syntax::SyntaxNode| {
        let range = node.text_range();
        let end: usize = range.end().into();
        let end = text[..end.min(text.len())].trim_end_matches(['\r', '\n']).len();
        lines.range(text, range.start().into(), end.max(range.start().into()))
    };
    for statement in statements {
        match statement {
            Statement::AddTask(addtask) => {
                let named = [addtask.after(), addtask.before()].into_iter().flatten();
                let named: Vec<String> = named.flat_map(|list| words_of(&list)).collect();
                // A task deleted in this context keeps its function, and is
                // no mistake of this file.
                let unknown = |task: &&String| {
                    !tasks.contains(task.as_str()) && !datastore.contains(task.as_str())
                };
                for task in named.iter().filter(unknown) {
                    let message = format!(
                        "addtask: {recipe} has no task or function named `{task}`, so BitBake \
                         ignores it here"
                    );
                    out.push(new(place(addtask.syntax()), DiagnosticSeverity::WARNING, message));
                }
            }
            Statement::Assignment(assignment) => {
                let Some(name) = assignment.name() else { continue };
                let full = name.text();
                let mut parts = full.split(':');
                let base = parts.next().unwrap_or_default().to_owned();
                let range = place(name.syntax());
                for part in parts.filter(|part| !part.is_empty() && !part.contains('$')) {
                    let known = OPERATIONS.contains(&part)
                        || active.as_ref().is_some_and(|active| active.contains(part))
                        || OVERRIDE_PREFIXES.iter().any(|prefix| part.starts_with(prefix))
                        || packages.contains(part)
                        || layer_words.contains(part);
                    if !known {
                        let message = format!(
                            "the override `{part}` does not apply in {recipe}, and no \
                             configuration file, class or library of the layers names it"
                        );
                        out.push(new(range, DiagnosticSeverity::INFORMATION, message));
                    }
                }
                let flag = assignment.flag().and_then(|flag| flag.name());
                if flag.as_deref() == Some("depends") {
                    let value = assignment.value().map(|value| value.text()).unwrap_or_default();
                    let value = datastore.expand(&value, None).map(|e| e.value).unwrap_or(value);
                    for entry in value.split_whitespace() {
                        let Some((target, task)) = entry.rsplit_once(':') else { continue };
                        if target == pn && !tasks.contains(task) {
                            let message = format!("depends: {recipe} has no task named `{task}`");
                            out.push(new(range, DiagnosticSeverity::WARNING, message));
                        }
                    }
                }
                if unused
                    && flag.is_none()
                    && never_read(state, &base, &[&context_words, &local_words, &layer_words])
                {
                    let message = format!("`{base}` is set here, but nothing in {recipe} reads it");
                    let mut diagnostic = new(range, DiagnosticSeverity::HINT, message);
                    diagnostic.tags = Some(vec![lsp_types::DiagnosticTag::UNNECESSARY]);
                    out.push(diagnostic);
                }
            }
            _ => {}
        }
    }
    out
}

/// The recipe's packages, whose names are overrides of package variables
/// (`RDEPENDS:${PN}-dev`): PACKAGES, and the patterns of PACKAGES_DYNAMIC.
struct Packages {
    names: HashSet<String>,
    patterns: Vec<regex::Regex>,
}

impl Packages {
    fn of(state: &ParseState) -> Packages {
        let mut python = rbake_queries::python::evaluator_for(state);
        let mut value = |name: &str| {
            state
                .datastore
                .get_var_with(name, true, &mut *python)
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        let names = value("PACKAGES").split_whitespace().map(str::to_owned).collect();
        let dynamic = value("PACKAGES_DYNAMIC");
        let patterns = dynamic
            .split_whitespace()
            .filter_map(|pattern| regex::Regex::new(&format!("^(?:{pattern})")).ok())
            .collect();
        Packages { names, patterns }
    }

    fn contains(&self, name: &str) -> bool {
        self.names.contains(name) || self.patterns.iter().any(|pattern| pattern.is_match(name))
    }
}

fn new(range: Range, severity: DiagnosticSeverity, message: String) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(severity),
        source: Some("rbake".to_owned()),
        message,
        ..Diagnostic::default()
    }
}

/// Whether a variable is read by nothing: it has no documentation, is not
/// exported, is no BitBake or fetcher setting (`BB…`, `SRCREV…`), and no
/// value, function, class, configuration file or library names it.
fn never_read(state: &ParseState, name: &str, corpora: &[&HashSet<String>]) -> bool {
    let datastore = &state.datastore;
    let flag = |flag| datastore.get_var_flag(name, flag, false).ok().flatten();
    !name.is_empty()
        && !name.contains('$')
        && !name.starts_with("BB")
        && !name.starts_with("SRCREV")
        && flag("doc").is_none()
        && flag("export").is_none_or(|value| value == "0")
        && !corpora.iter().any(|words| words.contains(name))
}

/// The words of a list, `$`-free.
fn words_of(list: &str) -> Vec<String> {
    list.split_whitespace().filter(|word| !word.contains('$')).map(str::to_owned).collect()
}

/// Adds the words of `text` (runs of letters, digits, `_`, `-` and `+`).
fn add_words(words: &mut HashSet<String>, text: &str) {
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+');
    for word in text.split(|c: char| !is_word(c)).filter(|word| !word.is_empty()) {
        if !words.contains(word) {
            words.insert(word.to_owned());
        }
    }
}

/// The words of the linted file, but for the names it assigns.
fn local_words(statements: &[Statement]) -> HashSet<String> {
    let mut words = HashSet::new();
    for statement in statements {
        match statement {
            Statement::Assignment(assignment) => {
                if let Some(value) = assignment.value() {
                    add_words(&mut words, &value.text());
                }
            }
            other => add_words(&mut words, &other.syntax().text().to_string()),
        }
    }
    words
}

/// The words of every file the context read but `linted`, of every value
/// the datastore's history records, of every variable's own value
/// (functions included), and of the anonymous functions.
fn context_words(db: &dyn Db, state: &ParseState, linted: &Path) -> HashSet<String> {
    let datastore = &state.datastore;
    let mut words = HashSet::new();
    for path in state.depends.iter().chain(state.inherited.iter()) {
        let path = normalize(path);
        if path == linted {
            continue;
        }
        let file = source_file(db, &path);
        if *file.exists(db) {
            add_words(&mut words, file.text(db));
        }
    }
    for name in datastore.history_names() {
        for entry in datastore.history(&name) {
            add_words(&mut words, &entry.detail);
        }
        if let Some(value) = datastore.own_content(&name) {
            add_words(&mut words, value);
        }
    }
    for name in datastore.keys().unwrap_or_default() {
        if let Some(value) = datastore.own_content(&name) {
            add_words(&mut words, value);
        }
    }
    for function in &state.anonymous_functions {
        add_words(&mut words, &function.code);
    }
    words
}

/// The words of the layers' configuration files, classes and Python
/// libraries (every `conf`, `classes*` and `lib` directory of BBPATH), and
/// those files' names.
fn layer_words(state: &ParseState) -> HashSet<String> {
    let bbpath = state.datastore.get_var("BBPATH", true).ok().flatten().unwrap_or_default();
    let mut words = HashSet::new();
    for entry in bbpath.split(':').filter(|entry| !entry.is_empty()) {
        for directory in ["conf", "lib"].into_iter().chain(CLASS_DIRECTORIES) {
            add_tree_words(&mut words, &Path::new(entry).join(directory), 0);
        }
    }
    words
}

/// How deep [`add_tree_words`] descends.
const MAX_DEPTH: usize = 6;

fn add_tree_words(words: &mut HashSet<String>, directory: &Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(directory) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            if depth < MAX_DEPTH {
                add_tree_words(words, &path, depth + 1);
            }
            continue;
        }
        let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
        if !matches!(extension, "conf" | "inc" | "bbclass" | "py") {
            continue;
        }
        let mut text = path.file_stem().map(|stem| stem.to_string_lossy().into_owned());
        text.iter_mut().for_each(|text| text.push('\n'));
        let mut text = text.unwrap_or_default();
        text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        add_words(words, &text);
        // Overrides are also made of pieces (`${TARGET_ARCH}-${TARGET_OS}`).
        add_words(words, &text.replace('-', " "));
    }
}
