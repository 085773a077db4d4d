//! Evaluation: running a file's statements against a datastore, as
//! BitBake's parser does when it reads configuration files, classes and
//! recipes.
//!
//! The [`Interpreter`] is imperative, like BitBake: statements change the
//! datastore one after another, and `include`, `require` and `inherit` read
//! other files on the way. It runs inside queries and reads files only
//! through [`source_file`](crate::files::source_file) and
//! [`file_statements`], so every file it reads (or looks for and misses)
//! becomes a dependency of the query that runs it.

mod export;
mod include;
mod python;
mod statement;
mod tasks;

pub use tasks::DEPS_FLAG;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::datastore::{DataStore, Provenance};
use crate::files::Db;
use crate::lower::{file_statements, first_syntax_error};
use crate::python::PythonSlot;
use crate::reuse::record::Read;

pub(crate) use include::exists;
pub use include::{normalize, which};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A problem met while evaluating: the file and the statement it concerns
/// (the binary turns the statement into a line), and a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// The index of the statement in `file`, if the problem has one.
    pub statement: Option<u32>,
    pub severity: Severity,
    pub message: String,
    /// The exact one-based line and column, for syntax errors, which have
    /// no statement.
    pub line_col: Option<(u32, u32)>,
    /// The line within the statement (1 is its first line), for errors in
    /// the Python of a function, whose lines the statement holds.
    pub line_in_statement: Option<u32>,
}

/// Which classes directory `inherit` searches first (BitBake's
/// `__bbclasstype`): `classes-global` while reading the configuration,
/// `classes-recipe` while reading recipes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClassType {
    Global,
    Recipe,
}

impl ClassType {
    fn directory(self) -> &'static str {
        match self {
            ClassType::Global => "classes-global",
            ClassType::Recipe => "classes-recipe",
        }
    }
}

/// A function definition's place, kept out of the datastore so that values
/// do not depend on lines: the position queries turn it into BitBake's
/// `filename` and `lineno` flags.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionSite {
    pub name: String,
    pub file: PathBuf,
    pub statement: u32,
    /// Whether it is a top-level `def`, whose `lineno` BitBake gives as the
    /// line before the `def`.
    pub python_def: bool,
}

/// An anonymous Python function, to run at the end of parsing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AnonymousFunction {
    pub code: String,
    pub file: PathBuf,
    pub statement: u32,
}

/// Everything a parse builds besides variables: what BitBake keeps in
/// internal (`__`) variables that hold Python objects.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct ParseState {
    pub datastore: DataStore,
    /// Classes already inherited, by absolute path (`__inherit_cache`).
    /// Shared, so that an inline expression's `d` sees it without a copy.
    pub inherited: Arc<Vec<PathBuf>>,
    /// `inherit_defer` expressions, unexpanded, with where they stand.
    pub deferred_inherits: Vec<(String, PathBuf, u32)>,
    /// Tasks in the order they were added (`__BBTASKS`).
    pub tasks: Vec<String>,
    /// Event handlers (`__BBHANDLERS`).
    pub handlers: Vec<String>,
    /// Persistent, so that copying a parse state is cheap.
    pub anonymous_functions: imbl::Vector<AnonymousFunction>,
    pub function_sites: imbl::Vector<FunctionSite>,
    /// Every file read or looked for, in order (`__depends`).
    pub depends: Vec<PathBuf>,
    /// `addpylib` entries: the expanded directory and the namespace.
    pub pylibs: Vec<(String, String)>,
    /// The environment BitBake started with, which metadata reads as the
    /// datastore `BB_ORIGENV`.
    pub original_env: Vec<(String, String)>,
}

/// A failure that stops the parse, as BitBake's `ParseError` does (or a
/// `SkipRecipe` from metadata's Python, whose reason the interpreter keeps
/// in [`Interpreter::skipped`]).
#[derive(Clone, Debug)]
pub(crate) struct Fatal;

/// Runs statements against a [`ParseState`].
pub(crate) struct Interpreter<'db> {
    db: &'db dyn Db,
    pub(crate) state: ParseState,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The class type `inherit` uses.
    pub(crate) class_type: ClassType,
    /// The directory relative paths are resolved against (BitBake's
    /// working directory).
    cwd: PathBuf,
    /// The configuration's files, which a recipe's BBINCLUDED lists first.
    pub(crate) base_depends: Vec<PathBuf>,
    /// The event handlers the configuration registered, which BitBake
    /// keeps registered while recipes are parsed.
    pub(crate) config_handlers: Vec<String>,
    /// How many files are being read, one inside the other.
    depth: usize,
    /// The paths marked as dependencies, spelt as BitBake spells them
    /// (relative when found through a relative BBPATH entry).
    marked: Vec<PathBuf>,
    /// The parse's Python session, made when first needed.
    pub(crate) python: PythonSlot,
    /// The reason metadata's Python gave for skipping the recipe, when a
    /// [`Fatal`] is a skip.
    pub(crate) skipped: Option<String>,
}

impl<'db> Interpreter<'db> {
    pub(crate) fn new(db: &'db dyn Db, state: ParseState, cwd: PathBuf) -> Interpreter<'db> {
        let marked = state.depends.clone();
        Interpreter {
            db,
            state,
            diagnostics: Vec::new(),
            class_type: ClassType::Global,
            cwd,
            base_depends: Vec::new(),
            config_handlers: Vec::new(),
            depth: 0,
            marked,
            python: PythonSlot::default(),
            skipped: None,
        }
    }

    pub(crate) fn datastore(&mut self) -> &mut DataStore {
        &mut self.state.datastore
    }

    /// Records that `path` was read or looked for, once per spelling, as
    /// BitBake's `mark_dependency` does: a leading `./` becomes the working
    /// directory, and a relative spelling counts apart from the absolute
    /// one. `depends` lists every spelling made absolute, not normalised.
    pub(crate) fn mark_dependency(&mut self, path: &Path) {
        let text = path.to_string_lossy();
        let spelled = match text.strip_prefix("./") {
            Some(rest) => self.cwd.join(rest),
            None => path.to_path_buf(),
        };
        if !self.marked.iter().any(|known| known.as_os_str() == spelled.as_os_str()) {
            self.state.depends.push(self.cwd.join(&spelled));
            self.marked.push(spelled);
        }
    }

    /// Runs the statements of the file at `path` (absolute).
    fn eval_statements(&mut self, path: &Path) -> Result<(), Fatal> {
        // The database knows each file under its normal path.
        let file = crate::files::source_file(self.db, &normalize(path));
        // BitBake refuses a file with a syntax error before running any of
        // its statements.
        if let Some(problem) = first_syntax_error(self.db, file) {
            // A parse that met a syntax error is never reused.
            crate::reuse::record::note(|| Read::Statements {
                path: normalize(path),
                spelled: path.to_string_lossy().into(),
                clean: false,
                statements: Arc::from([]),
            });
            self.diagnostics.push(Diagnostic {
                line_in_statement: None,
                file: path.to_path_buf(),
                statement: None,
                severity: Severity::Error,
                message: problem.message.clone(),
                line_col: Some((problem.line, problem.column)),
            });
            return Err(Fatal);
        }
        let statements = file_statements(self.db, file);
        let file_name: Arc<str> = path.to_string_lossy().into();
        let read = crate::reuse::record::note_statements(|| Read::Statements {
            path: normalize(path),
            spelled: file_name.clone(),
            clean: true,
            statements: statements.clone(),
        });
        for (index, statement) in statements.iter().enumerate() {
            let index = index as u32;
            let site = Site { path, file_name: &file_name, statement: index };
            self.eval_statement(statement, &site)?;
        }
        crate::reuse::record::note_file_end(read, self.state.datastore.local_keys_len());
        Ok(())
    }

    pub(crate) fn error(&mut self, site: Option<&Site<'_>>, path: &Path, message: String) {
        self.report(Severity::Error, site, path, message);
    }

    pub(crate) fn warning(&mut self, site: Option<&Site<'_>>, path: &Path, message: String) {
        self.report(Severity::Warning, site, path, message);
    }

    /// Records a diagnostic at `site`, or in `path` when there is none.
    pub(crate) fn report(
        &mut self,
        severity: Severity,
        site: Option<&Site<'_>>,
        path: &Path,
        message: String,
    ) {
        self.diagnostics.push(Diagnostic {
            line_in_statement: None,
            line_col: None,
            file: site.map_or(path, |site| site.path).to_path_buf(),
            statement: site.map(|site| site.statement),
            severity,
            message,
        });
    }

    /// Expands `text` in the current datastore, reporting failure at `site`.
    pub(crate) fn expand(&mut self, text: &str, site: &Site<'_>) -> Result<String, Fatal> {
        let python = self.python.evaluator(&self.state);
        let result = self.state.datastore.expand_with(text, None, python);
        self.take_python_messages(Some(site), site.path);
        match result {
            Ok(expanded) => Ok(expanded.value),
            Err(error) => Err(self.expansion_failed(Some(site), site.path, error)),
        }
    }

    /// A variable's expanded value, or empty; an expansion error is reported.
    pub(crate) fn get_var(&mut self, name: &str, site: Option<&Site<'_>>, path: &Path) -> String {
        let python = self.python.evaluator(&self.state);
        let result = self.state.datastore.get_var_with(name, true, python);
        self.take_python_messages(site, path);
        match result {
            Ok(value) => value.unwrap_or_default(),
            Err(error) => {
                let _ = self.expansion_failed(site, path, error);
                String::new()
            }
        }
    }

    /// Sets a variable as the parser itself does (not from a statement).
    pub(crate) fn set_internal(&mut self, name: &str, value: &str, path: &Path) {
        let prov = Provenance::internal(path.to_string_lossy());
        if let Err(error) = self.state.datastore.set_var(name, value, false, &prov) {
            self.error(None, path, error.to_string());
        }
    }
}

/// Where a statement stands.
pub(crate) struct Site<'a> {
    pub(crate) path: &'a Path,
    pub(crate) file_name: &'a Arc<str>,
    pub(crate) statement: u32,
}

impl Site<'_> {
    pub(crate) fn provenance(&self) -> Provenance {
        Provenance { file: self.file_name.clone(), statement: self.statement }
    }
}
