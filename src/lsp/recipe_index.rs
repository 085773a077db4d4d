//! The recipe set with normalised paths, and the order in which recipes
//! are tried as the context of a class, include or append: those likeliest
//! to read it first, judged from file names and texts alone, so that
//! finding a context seldom parses more than a recipe or two.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rbake_queries::eval::normalize;
use rbake_queries::files::{directory, source_file};
use rbake_queries::recipes::recipe_set;

use super::cursor::CLASS_DIRECTORIES;
use crate::workspace::Workspace;

/// The recipe set, for one lookup.
pub struct RecipeIndex {
    entries: Vec<IndexEntry>,
    by_path: HashMap<PathBuf, usize>,
}

pub struct IndexEntry {
    /// The normalised path.
    pub path: PathBuf,
    /// The recipe set's spelling of the path (the database keys recipes by
    /// it).
    pub spelling: PathBuf,
    /// The appends that apply, normalised.
    pub appends: Vec<PathBuf>,
}

impl RecipeIndex {
    pub fn new(workspace: &Workspace) -> RecipeIndex {
        let set = recipe_set(&workspace.db, workspace.invocation);
        let entries: Vec<IndexEntry> = set
            .recipes
            .iter()
            .map(|recipe| IndexEntry {
                path: normalize(&recipe.path),
                spelling: recipe.path.clone(),
                appends: recipe.appends.iter().map(|path| normalize(path)).collect(),
            })
            .collect();
        let by_path =
            entries.iter().enumerate().map(|(at, entry)| (entry.path.clone(), at)).collect();
        RecipeIndex { entries, by_path }
    }

    /// The normalised paths of the recipes, in the set's order.
    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.entries.iter().map(|entry| &entry.path)
    }

    pub fn entry(&self, recipe: &Path) -> Option<&IndexEntry> {
        self.by_path.get(recipe).map(|at| &self.entries[*at])
    }

    /// The set's spelling of a recipe's path, or the path itself for a
    /// recipe outside the set.
    pub fn spelling(&self, recipe: &Path) -> PathBuf {
        self.entry(recipe).map_or_else(|| recipe.to_path_buf(), |entry| entry.spelling.clone())
    }

    /// The recipes likely to read `file`, likeliest first: a recipe that
    /// the file appends to, or whose text or appends name the file (a class
    /// by its name, other files by their file name), comes before one whose text names a class or include that
    /// names the file; other recipes are left out. Within each, recipes in
    /// the file's directory (or the one above) come first, then those
    /// whose names share a longer start with the file's.
    pub fn likely_readers(&self, workspace: &Workspace, file: &Path) -> Vec<PathBuf> {
        let key = reference_key(file);
        let referrers: Vec<String> = referrers(workspace, file, &key)
            .iter()
            .map(|path| reference_key(path))
            .filter(|key| !key.is_empty())
            .collect();
        let directory = file.parent().unwrap_or(Path::new("/"));
        let stem = file.file_stem().map(|stem| stem.to_string_lossy()).unwrap_or_default();
        let mut ranked: Vec<(u8, std::cmp::Reverse<usize>, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(at, entry)| {
                let db = &workspace.db;
                let texts: Vec<&String> = std::iter::once(&entry.path)
                    .chain(&entry.appends)
                    .map(|path| source_file(db, path).text(db))
                    .collect();
                let mentions = |key: &str| texts.iter().any(|text| text.contains(key));
                let names = entry.appends.iter().any(|path| path == file)
                    || (!key.is_empty() && mentions(&key));
                let names_referrer = !names && referrers.iter().any(|key| mentions(key));
                let near = entry.path.parent().is_some_and(|parent| {
                    parent == directory || Some(parent) == directory.parent()
                });
                let rank = match (names, names_referrer) {
                    (true, _) => 0,
                    (false, true) => 2,
                    (false, false) => return None,
                } + u8::from(!near);
                let name = entry.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
                Some((rank, std::cmp::Reverse(common_start(&name, &stem)), at))
            })
            .collect();
        ranked.sort();
        ranked.into_iter().map(|(_, _, at)| self.entries[at].path.clone()).collect()
    }
}

/// How metadata names a file: a class by its name, others by their file
/// name.
fn reference_key(file: &Path) -> String {
    let key = match file.extension().and_then(|ext| ext.to_str()) {
        Some("bbclass") => file.file_stem(),
        _ => file.file_name(),
    };
    key.map(|key| key.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The classes of the configuration's BBPATH, and the includes beside
/// `file`, whose text names `key`.
fn referrers(workspace: &Workspace, file: &Path, key: &str) -> Vec<PathBuf> {
    if key.is_empty() {
        return Vec::new();
    }
    let config = workspace.config();
    let bbpath = config.state.datastore.get_var("BBPATH", true).ok().flatten().unwrap_or_default();
    let mut directories: Vec<PathBuf> = bbpath
        .split(':')
        .filter(|entry| !entry.is_empty())
        .flat_map(|entry| {
            CLASS_DIRECTORIES.iter().map(move |dir| normalize(&Path::new(entry).join(dir)))
        })
        .collect();
    directories.extend(file.parent().map(Path::to_path_buf));
    directories.dedup();
    let db = &workspace.db;
    let mut found = Vec::new();
    for dir in directories {
        let Some(entries) = directory(db, &dir).entries(db) else { continue };
        for entry in entries.iter().filter(|entry| !entry.is_dir) {
            if !(entry.name.ends_with(".bbclass") || entry.name.ends_with(".inc")) {
                continue;
            }
            let path = dir.join(&entry.name);
            if path != file && source_file(db, &path).text(db).contains(key) {
                found.push(path);
            }
        }
    }
    found
}

/// How many characters two names share at their start.
fn common_start(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}
