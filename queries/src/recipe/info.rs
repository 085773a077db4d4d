//! What the planner needs from one finalised datastore, read once while
//! the recipe's Python session is still alive: BitBake's `CoreRecipeInfo`
//! (name, version, what it provides, what it depends on, and its tasks
//! with their dependency flags).

use std::collections::BTreeMap;
use std::path::Path;

use crate::datastore::{DataStore, ExpansionError, PythonEvaluator};
use crate::eval::ParseState;

/// The facts about one datastore that providers, the task graph and the
/// plan read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RecipeInfo {
    pub pn: String,
    pub pe: String,
    pub pv: String,
    pub pr: String,
    /// PROVIDES, without version constraints.
    pub provides: Vec<String>,
    pub rprovides: Vec<String>,
    /// PACKAGES, or PN alone when PACKAGES is empty.
    pub packages: Vec<String>,
    pub packages_dynamic: Vec<String>,
    /// `RPROVIDES:<package>` for each package.
    pub rprovides_pkg: Vec<(String, Vec<String>)>,
    /// Why the recipe was skipped, if it was; the fields below are then
    /// left empty, as BitBake leaves them.
    pub skipped: Option<String>,
    pub depends: Vec<String>,
    /// `RDEPENDS` and `RDEPENDS:<package>`, per package.
    pub rdepends_pkg: Vec<(String, Vec<String>)>,
    /// `RRECOMMENDS` and `RRECOMMENDS:<package>`, per package.
    pub rrecommends_pkg: Vec<(String, Vec<String>)>,
    pub default_preference: i64,
    pub exclude_from_world: bool,
    /// Tasks in the order they were added.
    pub tasks: Vec<TaskInfo>,
    /// The Python body of `calculate_extra_depends`, if the recipe has one.
    pub extra_depends: Option<String>,
    /// STAMP: where the task stamps and signature files go.
    pub stamp: String,
    /// BB_HASHFILENAME, which the hash check function reads (BitBake's
    /// `hashfn`).
    pub hashfn: String,
    /// Each task's `file-checksums` flag, expanded, where not empty: the
    /// local files whose contents enter its taskhash (`path:True` or
    /// `path:False` for whether the path exists).
    pub file_checksums: Vec<(String, String)>,
    /// The classes inherited, by path (BitBake's `__inherit_cache`).
    pub inherits: Vec<String>,
}

/// One task and the flags that shape the task graph, expanded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TaskInfo {
    pub name: String,
    /// Tasks of the same recipe that run first (`addtask ... after`).
    pub parents: Vec<String>,
    /// `depends`, `rdepends`, `deptask`, `rdeptask`, `recrdeptask`,
    /// `recideptask`, `mcdepends`, `noexec`, `nostamp`, `fakeroot`,
    /// `umask` and `stamp-extra-info`, for those the task sets.
    pub flags: BTreeMap<String, String>,
}

/// The task flags BitBake records per task for the runqueue.
const GRAPH_FLAGS: [&str; 12] = [
    "mcdepends",
    "depends",
    "rdepends",
    "deptask",
    "rdeptask",
    "recrdeptask",
    "recideptask",
    "nostamp",
    "fakeroot",
    "noexec",
    "umask",
    "stamp-extra-info",
];

impl TaskInfo {
    /// The flag's expanded value, if the task sets it.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags.get(name).map(String::as_str)
    }
}

impl RecipeInfo {
    /// Reads the facts from a finalised (or skipped) datastore. Fails as
    /// BitBake's signature finalisation fails, when a task's
    /// `file-checksums` does not expand (a local file found nowhere).
    pub fn read(
        state: &ParseState,
        python: &mut dyn PythonEvaluator,
        skipped: Option<&str>,
        path: &Path,
    ) -> Result<RecipeInfo, ExpansionError> {
        let mut reader = Reader { datastore: &state.datastore, python };
        let mut pn = reader.get("PN");
        if pn.is_empty() {
            pn = name_from_file(path);
        }
        let mut packages = reader.list("PACKAGES");
        if packages.is_empty() {
            packages.push(pn.clone());
        }
        let rprovides_pkg = reader.per_package("RPROVIDES", &packages);
        let mut info = RecipeInfo {
            provides: reader.deps("PROVIDES"),
            rprovides: reader.deps("RPROVIDES"),
            packages_dynamic: reader.list("PACKAGES_DYNAMIC"),
            rprovides_pkg,
            skipped: skipped.map(str::to_owned),
            ..RecipeInfo::default()
        };
        if skipped.is_none() {
            info.pe = reader.get("PE");
            info.pv = reader.get("PV");
            info.pr = reader.get("PR");
            info.default_preference = reader.get("DEFAULT_PREFERENCE").trim().parse().unwrap_or(0);
            info.exclude_from_world = to_boolean(&reader.get("EXCLUDE_FROM_WORLD"));
            info.stamp = reader.get("STAMP");
            info.hashfn = reader.get("BB_HASHFILENAME");
            info.inherits =
                state.inherited.iter().map(|path| path.to_string_lossy().into_owned()).collect();
            info.depends = reader.deps("DEPENDS");
            let rdepends = reader.deps("RDEPENDS");
            let rrecommends = reader.deps("RRECOMMENDS");
            info.rdepends_pkg = reader.prefixed(&rdepends, "RDEPENDS", &packages);
            info.rrecommends_pkg = reader.prefixed(&rrecommends, "RRECOMMENDS", &packages);
            info.tasks = state.tasks.iter().map(|task| reader.task(state, task)).collect();
            for task in &info.tasks {
                let flag = state.datastore.get_var_flag_with(
                    &task.name,
                    "file-checksums",
                    true,
                    &mut *reader.python,
                )?;
                if let Some(value) = flag.filter(|value| !value.is_empty()) {
                    info.file_checksums.push((task.name.clone(), value));
                }
            }
            info.extra_depends = state
                .datastore
                .get_var("calculate_extra_depends", false)
                .ok()
                .flatten()
                .filter(|body| !body.is_empty());
        }
        info.pn = pn;
        info.packages = packages;
        Ok(info)
    }

    pub fn task(&self, name: &str) -> Option<&TaskInfo> {
        self.tasks.iter().find(|task| task.name == name)
    }

    /// PN, then each PROVIDES entry not already listed (BitBake's
    /// `fn_provides`).
    pub fn all_provides(&self) -> Vec<&str> {
        let mut out = vec![self.pn.as_str()];
        for provide in &self.provides {
            if !out.contains(&provide.as_str()) {
                out.push(provide);
            }
        }
        out
    }

    /// Every runtime name the recipe provides: RPROVIDES, then each
    /// package's own RPROVIDES, without repeats.
    pub fn all_rprovides(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let per_package = self.rprovides_pkg.iter().flat_map(|(_, names)| names);
        for name in self.rprovides.iter().chain(per_package) {
            if !out.contains(&name.as_str()) {
                out.push(name);
            }
        }
        out
    }

    /// The distinct runtime dependencies and recommendations of all
    /// packages (BitBake's `rdepids` before its set loses the order).
    pub fn runtime_depends(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = self.rdepends_pkg.iter().chain(&self.rrecommends_pkg);
        for name in all.flat_map(|(_, names)| names) {
            if !out.contains(&name.as_str()) {
                out.push(name);
            }
        }
        out
    }

    /// `PE:PV-PR`, as the task graph labels versions.
    pub fn version(&self) -> String {
        format!("{}:{}-{}", self.pe, self.pv, self.pr)
    }
}

struct Reader<'a> {
    datastore: &'a DataStore,
    python: &'a mut dyn PythonEvaluator,
}

impl Reader<'_> {
    /// The expanded value, or empty; an expansion error reads as empty,
    /// since the parse already reported it.
    fn get(&mut self, name: &str) -> String {
        self.datastore
            .get_var_with(name, true, &mut *self.python)
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    fn list(&mut self, name: &str) -> Vec<String> {
        self.get(name).split_whitespace().map(str::to_owned).collect()
    }

    fn deps(&mut self, name: &str) -> Vec<String> {
        explode_deps(&self.get(name))
    }

    fn per_package(&mut self, name: &str, packages: &[String]) -> Vec<(String, Vec<String>)> {
        packages
            .iter()
            .map(|package| (package.clone(), self.deps(&format!("{name}:{package}"))))
            .collect()
    }

    /// The recipe-wide list followed by each package's own.
    fn prefixed(
        &mut self,
        common: &[String],
        name: &str,
        packages: &[String],
    ) -> Vec<(String, Vec<String>)> {
        let mut out = self.per_package(name, packages);
        for (_, names) in &mut out {
            names.splice(0..0, common.iter().cloned());
        }
        out
    }

    fn task(&mut self, state: &ParseState, task: &str) -> TaskInfo {
        let name = self.expand(task);
        let parents = state.task_deps(task).unwrap_or_default();
        let parents = parents.iter().map(|parent| self.expand(parent)).collect();
        let mut flags = BTreeMap::new();
        for flag in GRAPH_FLAGS {
            let value = self.datastore.get_var_flag_with(&name, flag, false, &mut *self.python);
            if let Some(value) = value.ok().flatten() {
                flags.insert(flag.to_owned(), self.expand(&value));
            }
        }
        TaskInfo { name, parents, flags }
    }

    fn expand(&mut self, text: &str) -> String {
        match self.datastore.expand_with(text, None, &mut *self.python) {
            Ok(expanded) => expanded.value,
            Err(_) => text.to_owned(),
        }
    }
}

/// BitBake's `explode_deps`: the names in a dependency list, without the
/// parenthesised version constraints.
pub fn explode_deps(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_version = false;
    for word in text.split_whitespace() {
        if word.starts_with('(') {
            in_version = true;
        }
        if !in_version {
            out.push(word.to_owned());
        }
        if in_version && word.ends_with(')') {
            in_version = false;
        }
    }
    out
}

/// BitBake's `to_boolean`, for a value that must be true: y, yes, 1 and
/// true, whatever the case.
pub(crate) fn to_boolean(text: &str) -> bool {
    matches!(text.to_ascii_lowercase().as_str(), "yes" | "y" | "true" | "1")
}

/// The name part of a recipe file name, `foo` for `foo_1.0.bb`.
fn name_from_file(path: &Path) -> String {
    let stem = path.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_default();
    stem.split('_').next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::explode_deps;

    #[test]
    fn explode_deps_drops_version_constraints() {
        let names = explode_deps("a (>= 1.0) b (= 2) c");
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(explode_deps("x (>=\n 1) y"), ["x", "y"]);
    }
}
