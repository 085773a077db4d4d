//! Reading other files: `include`, `require`, `include_all` and `inherit`,
//! found relative to the including file and then through BBPATH, as
//! BitBake searches (`ConfHandler.include`, `BBHandler.inherit`,
//! `bb.utils.which`).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::eval::{Fatal, Interpreter, Site};
use crate::files::{file_exists, Db};

/// Searches the colon-separated `search_path` for `item`, as BitBake's
/// `which` does: each entry joined with the item, the first that exists
/// wins. Every candidate tried is returned too, found or not, because a
/// candidate that appears later changes the answer.
///
/// An absolute candidate stays as written. A relative one is taken from
/// `cwd`: found, it is made absolute and normal (`os.path.abspath`), but
/// the tried list keeps it relative, as BitBake does.
pub fn which(
    db: &dyn Db,
    cwd: &Path,
    search_path: &str,
    item: &str,
) -> (Option<PathBuf>, Vec<PathBuf>) {
    let mut tried = Vec::new();
    for entry in search_path.split(':') {
        let joined = Path::new(entry).join(item);
        tried.push(joined.clone());
        if joined.is_absolute() {
            if exists(db, &joined) {
                return (Some(joined), tried);
            }
            continue;
        }
        let candidate = normalize(&cwd.join(&joined));
        if exists(db, &candidate) {
            return (Some(candidate), tried);
        }
    }
    (None, tried)
}

/// Whether the file at `path` exists, looked up by its normal form.
/// BitBake keeps paths spelt as found (`build/../layer/conf/x.conf`), but
/// the database holds one input per file, under its normal path. Lexical
/// normalisation differs from the system's only where a directory before
/// a `..` is a symbolic link.
pub(crate) fn exists(db: &dyn Db, path: &Path) -> bool {
    file_exists(db, &normalize(path))
}

/// Removes `.` and resolves `..` lexically, as `os.path.abspath` does.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether BitBake's `parse.handle` has a reader for the file: the
/// configuration reader for `.conf`, the recipe reader for `.bb`,
/// `.bbclass` and `.inc`.
fn is_bitbake_file(path: &Path) -> bool {
    let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
    path.to_string_lossy().ends_with(".conf") || matches!(extension, "bb" | "bbclass" | "inc")
}

/// How many files may be read one inside the other. BitBake's limit is
/// Python's recursion limit, about 120 levels of includes.
const MAX_NESTING: usize = 100;

/// How a file that cannot be found is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Missing {
    Skip,
    Error(&'static str),
}

impl Interpreter<'_> {
    /// `include` and `require`: each white-space separated name, expanded.
    pub(super) fn include(
        &mut self,
        files: &str,
        required: bool,
        site: &Site<'_>,
    ) -> Result<(), Fatal> {
        let files = self.expand(files, site)?;
        let missing = if required { Missing::Error("include required") } else { Missing::Skip };
        for name in files.split_whitespace() {
            self.include_one(name, missing, site)?;
        }
        Ok(())
    }

    /// `include_all`: the name is included from every BBPATH entry.
    pub(super) fn include_all(&mut self, files: &str, site: &Site<'_>) -> Result<(), Fatal> {
        let name = self.expand(files, site)?;
        let bbpath = self.get_var("BBPATH", Some(site), site.path);
        for entry in bbpath.split(':') {
            let joined = Path::new(entry).join(&name).to_string_lossy().into_owned();
            for part in joined.split_whitespace() {
                self.include_one(part, Missing::Skip, site)?;
            }
        }
        Ok(())
    }

    fn include_one(&mut self, name: &str, missing: Missing, site: &Site<'_>) -> Result<(), Fatal> {
        if Path::new(name) == site.path {
            return Ok(());
        }
        let path = if Path::new(name).is_absolute() {
            Some(PathBuf::from(name))
        } else {
            let directory =
                site.path.parent().unwrap_or(Path::new("/")).to_string_lossy().into_owned();
            let bbpath = self.get_var("BBPATH", Some(site), site.path);
            let (found, tried) = which(self.db, &self.cwd, &format!("{directory}:{bbpath}"), name);
            for path in &tried {
                self.mark_dependency(path);
            }
            found
        };
        if let Some(path) = path.filter(|path| exists(self.db, path)) {
            return self.handle(&path, Some(site));
        }
        // BitBake's reader refuses a name it has no reader for before it
        // looks for the file, and marks an absolute name as a dependency
        // before it finds it missing.
        if !is_bitbake_file(Path::new(name)) {
            self.error(Some(site), site.path, format!("{name} is not a BitBake file"));
            return Err(Fatal);
        }
        if Path::new(name).is_absolute() {
            self.mark_dependency(Path::new(name));
        }
        match missing {
            Missing::Skip => Ok(()),
            Missing::Error(verb) => {
                self.error(Some(site), site.path, format!("could not {verb} file {name}"));
                Err(Fatal)
            }
        }
    }

    /// `inherit`: each class is looked for as `classes-<type>/NAME.bbclass`
    /// and then `classes/NAME.bbclass` through BBPATH, and read once.
    /// `origin` names where the inherit comes from when no statement does
    /// (BitBake's file name for a deferred inherit, or its
    /// "configuration INHERITs").
    pub(crate) fn inherit(
        &mut self,
        classes: &str,
        site: Option<&Site<'_>>,
        origin: &Path,
        deferred: bool,
    ) -> Result<(), Fatal> {
        let origin = site.map_or_else(|| origin.to_path_buf(), |site| site.path.to_path_buf());
        for class in classes.split_whitespace() {
            let defer_list = self.get_var("BB_DEFER_BBCLASSES", site, &origin);
            if !deferred && defer_list.split_whitespace().any(|name| name == class) {
                let statement = site.map_or(0, |site| site.statement);
                self.state.deferred_inherits.push((class.to_owned(), origin.clone(), statement));
                continue;
            }
            let mut found = None;
            let mut last_candidate = PathBuf::from(class);
            for directory in [self.class_type.directory(), "classes"] {
                let relative = if Path::new(class).is_absolute() || class.ends_with(".bbclass") {
                    PathBuf::from(class)
                } else {
                    Path::new(directory).join(format!("{class}.bbclass"))
                };
                let candidate = if relative.is_absolute() {
                    Some(relative.clone())
                } else {
                    let bbpath = self.get_var("BBPATH", site, &origin);
                    let (found, tried) =
                        which(self.db, &self.cwd, &bbpath, &relative.to_string_lossy());
                    for path in tried.iter().filter(|path| Some(*path) != found.as_ref()) {
                        self.mark_dependency(path);
                    }
                    found
                };
                last_candidate = candidate.clone().unwrap_or(relative);
                if candidate.as_deref().is_some_and(|path| exists(self.db, path)) {
                    found = candidate;
                    break;
                }
            }
            let Some(path) = found else {
                let message = format!("could not inherit file {}", last_candidate.display());
                self.error(site, &origin, message);
                return Err(Fatal);
            };
            if !self.state.inherited.contains(&path) {
                Arc::make_mut(&mut self.state.inherited).push(path.clone());
                self.handle(&path, site)?;
            }
        }
        Ok(())
    }

    /// Reads the file at `path` with the reader its extension selects, as
    /// BitBake's `parse.handle` does for an included file: `FILE` names it
    /// while its statements run (classes keep the includer's `FILE`).
    /// The path is marked as a dependency, as BitBake marks an absolute
    /// name it is given.
    pub(crate) fn handle(&mut self, path: &Path, site: Option<&Site<'_>>) -> Result<(), Fatal> {
        self.read_file(path, site, true, true)
    }

    /// Reads a recipe at the top level, as BitBake's `parse.handle` does
    /// with `include=0`: `FILE` names the recipe and keeps naming it after.
    pub(crate) fn handle_recipe(&mut self, path: &Path) -> Result<(), Fatal> {
        self.read_file(path, None, true, false)
    }

    /// [`Interpreter::handle`] for a file that BitBake was given by a
    /// relative name and found through BBPATH itself: only the candidates
    /// it tried are marked (the caller's part), not the path it found.
    pub(crate) fn handle_found(
        &mut self,
        path: &Path,
        site: Option<&Site<'_>>,
    ) -> Result<(), Fatal> {
        self.read_file(path, site, false, true)
    }

    /// Reads a file; `mark` records it as a dependency, `restore_file` puts
    /// the includer's `FILE` back afterwards.
    fn read_file(
        &mut self,
        path: &Path,
        site: Option<&Site<'_>>,
        mark: bool,
        restore_file: bool,
    ) -> Result<(), Fatal> {
        let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
        if !matches!(extension, "conf" | "bb" | "bbclass" | "inc" | "bbappend") {
            let origin = site.map_or(path, |site| site.path);
            self.error(site, origin, format!("{} is not a BitBake file", path.display()));
            return Err(Fatal);
        }
        if self.depth >= MAX_NESTING {
            // BitBake runs out of Python stack here (a file that includes
            // itself by a relative name, say); rbake stops before its own.
            let origin = site.map_or(path, |site| site.path);
            let message =
                format!("files nested more than {MAX_NESTING} deep at {}", path.display());
            self.error(site, origin, message);
            return Err(Fatal);
        }
        if mark {
            self.mark_dependency(path);
        }
        let old_file = self.state.datastore.get_var("FILE", false).ok().flatten();
        let sets_file =
            extension != "bbclass" && old_file.as_deref() != Some(&*path.to_string_lossy());
        if sets_file {
            self.set_internal("FILE", &path.to_string_lossy(), path);
        }
        self.depth += 1;
        let result = self.eval_statements(path);
        self.depth -= 1;
        if sets_file && restore_file {
            if let Some(old_file) = old_file {
                self.set_internal("FILE", &old_file, path);
            }
        }
        result
    }
}
