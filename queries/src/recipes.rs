//! The recipe set: which recipe files and appends BBFILES names, which
//! BBMASK hides, which layer each belongs to, and which appends apply to
//! each recipe, as BitBake's cooker collects them.

use std::path::{Path, PathBuf};

use crate::config::{config, Invocation};
use crate::datastore::DataStore;
use crate::eval::{normalize, Diagnostic, Severity};
use crate::files::{directory, path_exists, path_kind, Db, PathKind};
use crate::glob::glob;

/// A recipe file with what applies to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecipeFile {
    pub path: PathBuf,
    /// The collection (layer) whose BBFILE_PATTERN matches first, if any.
    pub layer: Option<String>,
    pub priority: i64,
    /// The appends that apply, in BitBake's order.
    pub appends: Vec<PathBuf>,
}

/// Every recipe file, in BitBake's order, and what went wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecipeSet {
    pub recipes: Vec<RecipeFile>,
    /// How many files BBMASK hid.
    pub masked: usize,
    /// Appends that apply to no recipe.
    pub dangling_appends: Vec<PathBuf>,
    /// The BBFILES patterns in priority order, which BitBake stores as
    /// BBFILES_PRIORITIZED for the recipes to see.
    pub prioritized_patterns: String,
    /// The layers in BitBake's priority table order.
    pub layers: Vec<LayerInfo>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A layer (collection): its name, BBFILE_PATTERN and priority.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LayerInfo {
    pub name: String,
    pub pattern: String,
    pub priority: i64,
}

/// A layer's entry in the priority table.
#[derive(Clone, Debug)]
struct Layer {
    name: String,
    /// BBFILE_PATTERN as written, which orders the table.
    source: String,
    pattern: Option<regex::Regex>,
    priority: i64,
}

/// The recipe files of an invocation's configuration.
#[salsa::tracked(returns(ref))]
pub fn recipe_set(db: &dyn Db, invocation: Invocation) -> RecipeSet {
    let config = config(db, invocation);
    let datastore = &config.state.datastore;
    let var = |name: &str| datastore.get_var(name, true).ok().flatten().unwrap_or_default();
    let mut set = RecipeSet::default();
    let origin = invocation.cwd(db).join("<configuration>");
    let layers = layer_table(datastore, &mut set.diagnostics, &origin);
    set.layers = layers
        .iter()
        .map(|layer| LayerInfo {
            name: layer.name.clone(),
            pattern: layer.source.clone(),
            priority: layer.priority,
        })
        .collect();
    let priority_of = |path: &str| -> (i64, Option<String>) {
        layers
            .iter()
            .find(|layer| layer.pattern.as_ref().is_some_and(|pattern| pattern.is_match(path)))
            .map_or((0, None), |layer| (layer.priority, Some(layer.name.clone())))
    };

    let bbfiles = var("BBFILES");
    let mut patterns: Vec<&str> = bbfiles.split_whitespace().collect();
    patterns.sort_by_key(|pattern| priority_of(pattern).0);
    set.prioritized_patterns = patterns.join(" ");
    let mut found: Vec<PathBuf> = Vec::new();
    let cwd = invocation.cwd(db);
    // Without BBFILES, the `.bb` names in the working directory are used
    // (in listing order, which Python does not sort).
    let listed: Vec<String> = if patterns.is_empty() {
        let entries = directory(db, &normalize(cwd)).entries(db).clone().unwrap_or_default();
        let names =
            entries.into_iter().map(|entry| entry.name).filter(|name| name.ends_with(".bb"));
        names.map(|name| cwd.join(name).to_string_lossy().into_owned()).collect()
    } else {
        Vec::new()
    };
    patterns.extend(listed.iter().map(String::as_str));
    for pattern in patterns {
        let path = cwd.join(pattern);
        // Names keep their spelling; the database knows normal paths.
        let mut matches = if path_kind(db, &normalize(&path)) == PathKind::Directory {
            find_bbfiles(db, &path)
        } else {
            let mut globbed = glob(db, &path.to_string_lossy());
            if globbed.is_empty() && path_exists(db, &normalize(&path)) {
                globbed.push(path.clone());
            }
            // Python sorts the names as strings, not path by path.
            globbed.sort_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
            globbed
        };
        // A relative entry finds files under relative names, as Python's
        // glob and os.walk give them.
        if Path::new(pattern).is_relative() {
            for path in &mut matches {
                if let Ok(relative) = path.strip_prefix(cwd) {
                    *path = relative.to_path_buf();
                }
            }
        }
        matches.retain(|path| !found.contains(path));
        found.extend(matches);
    }

    let mask = bbmask(&var("BBMASK"), &mut set.diagnostics, &origin);
    let mut bbfiles = Vec::new();
    let mut appends = Vec::new();
    for path in found {
        let text = path.to_string_lossy();
        if mask.as_ref().is_some_and(|mask| mask.is_match(&text)) {
            set.masked += 1;
        } else if text.ends_with(".bb") {
            bbfiles.push(path);
        } else if text.ends_with(".bbappend") {
            appends.push(path);
        }
    }

    let mut used = vec![false; appends.len()];
    for path in bbfiles {
        let name = file_name(&path);
        let mut applied = Vec::new();
        for (index, append) in appends.iter().enumerate() {
            if append_applies(&file_name(append), &name) {
                applied.push(append.clone());
                used[index] = true;
            }
        }
        let (priority, layer) = priority_of(&path.to_string_lossy());
        set.recipes.push(RecipeFile { path, layer, priority, appends: applied });
    }
    set.dangling_appends =
        appends.into_iter().zip(used).filter(|(_, used)| !used).map(|(path, _)| path).collect();
    if !set.dangling_appends.is_empty() {
        let list: Vec<String> =
            set.dangling_appends.iter().map(|p| p.display().to_string()).collect();
        let warn_only = var("BB_DANGLINGAPPENDS_WARNONLY");
        let severity = if is_true(&warn_only) { Severity::Warning } else { Severity::Error };
        set.diagnostics.push(Diagnostic {
            line_in_statement: None,
            line_col: None,
            file: origin,
            statement: None,
            severity,
            message: format!(
                "no recipes in the configured layers for these appends: {}",
                list.join(" ")
            ),
        });
    }
    set
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(String::new, |name| name.to_string_lossy().into_owned())
}

/// Whether the append named `append` applies to the recipe named `recipe`:
/// the same name, or `%` standing for the rest of the recipe's name from
/// that point.
fn append_applies(append: &str, recipe: &str) -> bool {
    let append = append.replace(".bbappend", ".bb");
    match append.find('%') {
        _ if append == recipe => true,
        Some(percent) => append.starts_with(recipe.get(..percent).unwrap_or(recipe)),
        None => false,
    }
}

/// BitBake's boolean reading of a string.
fn is_true(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "1" | "yes" | "y" | "true" | "t" | "on")
}

/// Every `.bb` and `.bbappend` below `dir`, as `os.walk` finds them.
fn find_bbfiles(db: &dyn Db, dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Some(entries) = directory(db, &normalize(&dir)).entries(db).clone() else { continue };
        let mut subdirectories = Vec::new();
        for entry in entries {
            if entry.is_dir {
                if !matches!(entry.name.as_str(), "SCCS" | "CVS" | ".svn") {
                    subdirectories.push(dir.join(&entry.name));
                }
            } else if entry.name.ends_with(".bb") || entry.name.ends_with(".bbappend") {
                found.push(dir.join(&entry.name));
            }
        }
        pending.extend(subdirectories.into_iter().rev());
    }
    found
}

/// The BBMASK expressions joined into one; invalid ones are reported and
/// left out, as BitBake does.
fn bbmask(mask: &str, diagnostics: &mut Vec<Diagnostic>, origin: &Path) -> Option<regex::Regex> {
    let mut valid = Vec::new();
    for expression in mask.split_whitespace() {
        let expression = expression.strip_prefix('|').unwrap_or(expression);
        match regex::Regex::new(expression) {
            Ok(_) => valid.push(expression.to_owned()),
            Err(_) => diagnostics.push(Diagnostic {
                line_in_statement: None,
                line_col: None,
                file: origin.to_path_buf(),
                statement: None,
                severity: Severity::Error,
                message: format!(
                    "BBMASK holds an invalid regular expression, which is ignored: {expression}"
                ),
            }),
        }
    }
    (!valid.is_empty()).then(|| regex::Regex::new(&valid.join("|")).ok()).flatten()
}

/// The layer table: each collection's pattern (anchored at the start, as
/// Python's `re.match`) and priority. A layer without BBFILE_PRIORITY gets
/// one more than the highest layer it depends on, counting from the lowest
/// explicit priority.
fn layer_table(
    datastore: &DataStore,
    diagnostics: &mut Vec<Diagnostic>,
    origin: &Path,
) -> Vec<Layer> {
    let var = |name: &str| datastore.get_var(name, true).ok().flatten();
    let collections: Vec<String> = var("BBFILE_COLLECTIONS")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let explicit: Vec<Option<i64>> = collections
        .iter()
        .map(|c| var(&format!("BBFILE_PRIORITY_{c}")).and_then(|p| p.trim().parse().ok()))
        .collect();
    let base = explicit.iter().flatten().min().copied().unwrap_or(0);
    let depends: Vec<Vec<usize>> = collections
        .iter()
        .map(|c| {
            let text = format!(
                "{} {}",
                var(&format!("LAYERDEPENDS_{c}")).unwrap_or_default(),
                var(&format!("LAYERRECOMMENDS_{c}")).unwrap_or_default()
            );
            dependency_names(&text)
                .into_iter()
                .filter_map(|name| collections.iter().position(|known| *known == name))
                .collect()
        })
        .collect();
    let mut priorities = explicit.clone();
    for index in 0..collections.len() {
        resolve_priority(index, &depends, &mut priorities, base, &mut Vec::new());
    }
    let mut table = Vec::new();
    for (index, name) in collections.iter().enumerate() {
        let Some(source) = var(&format!("BBFILE_PATTERN_{name}")) else { continue };
        let pattern = &source;
        let pattern = if pattern.is_empty() {
            None
        } else {
            match regex::Regex::new(&format!("^(?:{pattern})")) {
                Ok(regex) => Some(regex),
                Err(_) => {
                    // The statement that set the pattern is the place to fix.
                    let variable = format!("BBFILE_PATTERN_{name}");
                    let (file, statement) = match datastore.history(&variable).last() {
                        Some(entry) => (PathBuf::from(&*entry.file), Some(entry.statement)),
                        None => (origin.to_path_buf(), None),
                    };
                    diagnostics.push(Diagnostic {
                        line_in_statement: None,
                        line_col: None,
                        file,
                        statement,
                        severity: Severity::Error,
                        message: format!(
                            "BBFILE_PATTERN_{name} is not a valid regular expression: {pattern}"
                        ),
                    });
                    None
                }
            }
        };
        table.push(Layer {
            name: name.clone(),
            source: source.clone(),
            pattern,
            priority: priorities[index].unwrap_or(base),
        });
    }
    // The cooker's collector sorts the table by pattern text, longest
    // first among patterns with a common start, so that a layer nested in
    // another claims its own files (a stable sort, in reverse).
    table.sort_by(|a, b| b.source.cmp(&a.source));
    table
}

fn resolve_priority(
    index: usize,
    depends: &[Vec<usize>],
    priorities: &mut [Option<i64>],
    base: i64,
    seen: &mut Vec<usize>,
) -> i64 {
    if let Some(priority) = priorities[index] {
        return priority;
    }
    seen.push(index);
    let mut best = base;
    for &dependency in &depends[index] {
        if !seen.contains(&dependency) {
            best = best.max(resolve_priority(dependency, depends, priorities, base, seen));
        }
    }
    seen.pop();
    priorities[index] = Some(best + 1);
    best + 1
}

/// The names in a dependency list such as `core (>= 12) other`.
fn dependency_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_version = false;
    for word in text.replace(',', "").split_whitespace() {
        if word.starts_with('(') {
            in_version = !word.ends_with(')');
            continue;
        }
        if in_version {
            in_version = !word.ends_with(')');
            continue;
        }
        names.push(word.to_owned());
    }
    names
}

#[cfg(test)]
mod tests {
    use super::{append_applies, dependency_names};

    #[test]
    fn appends_match_with_percent() {
        assert!(append_applies("hello_1.0.bbappend", "hello_1.0.bb"));
        assert!(append_applies("hello_%.bbappend", "hello_1.0.bb"));
        assert!(append_applies("hello_1.%.bbappend", "hello_1.0.bb"));
        assert!(!append_applies("hello_2.%.bbappend", "hello_1.0.bb"));
        assert!(!append_applies("hello.bbappend", "hello_1.0.bb"));
    }

    #[test]
    fn dependency_lists() {
        assert_eq!(
            dependency_names("core (>= 12) other (< 3, > 1) third"),
            ["core", "other", "third"]
        );
    }
}
