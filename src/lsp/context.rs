//! Which datastore answers for a file: a recipe is evaluated as itself
//! (with its appends); a class, include or append in the context of a
//! recipe that reads it (the most recently used such recipe, else the one
//! found before, else the first found); a configuration file in the
//! configuration's. Also where the build directory is.
//!
//! Finding a recipe that reads a file means parsing candidates, so they
//! come in a cheap order: recipes used lately, the recipe found before,
//! then the order of [`RecipeIndex::candidates`].

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rbake_queries::eval::{normalize, Diagnostic, ParseState};
use rbake_queries::recipe::{parse_recipe, RecipeId};

use super::recipe_index::RecipeIndex;
use crate::workspace::Workspace;

/// How many recently used recipes are remembered.
const MAX_RECENT: usize = 32;
/// How many likely recipes are parsed, at most, to find one that reads a
/// file.
const MAX_SEARCHED: usize = 64;

/// The build directory for a workspace root: the nearest ancestor holding
/// `conf/bblayers.conf`, else the root itself.
pub fn find_build_dir(root: &Path) -> PathBuf {
    root.ancestors()
        .find(|dir| dir.join("conf/bblayers.conf").is_file())
        .unwrap_or(root)
        .to_path_buf()
}

/// The datastore a file is read in, and what its parse reported.
#[derive(Debug)]
pub struct Context {
    /// The recipe, or `None` for the configuration.
    pub recipe: Option<PathBuf>,
    /// The finalised state; from the last successful parse if `stale`.
    pub state: Option<Arc<ParseState>>,
    pub stale: bool,
    /// The parse's diagnostics (of the recipe, or of the configuration).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether this is the configuration because no recipe was found that
    /// reads the file.
    pub unread: bool,
}

impl Context {
    /// A sentence naming the context, for hovers.
    pub fn label(&self) -> String {
        let mut label = match &self.recipe {
            Some(path) => format!("recipe `{}` ({})", recipe_name(path), file_name(path)),
            None if self.unread => "the configuration (no recipe found that reads this file; \
                 choose one with the command rbake.setContext)"
                .to_owned(),
            None => "the configuration".to_owned(),
        };
        if self.stale {
            label.push_str(", as last parsed without errors");
        }
        label
    }
}

/// Whether looking up a context counts as using its recipe (a request on
/// a recipe does; publishing diagnostics does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    Request,
    Background,
}

/// The recipe name of a recipe file: its name before the first `_`.
pub fn recipe_name(path: &Path) -> String {
    let stem = path.file_stem().map(|stem| stem.to_string_lossy()).unwrap_or_default();
    stem.split('_').next().unwrap_or_default().to_owned()
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

/// What the server remembers to choose contexts: the recipes used most
/// recently first, the recipe each other file was last read in, and each
/// recipe's last good state.
#[derive(Debug, Default)]
pub struct Contexts {
    recent: Vec<PathBuf>,
    found: HashMap<PathBuf, PathBuf>,
    /// Files no likely recipe was found to read, since the last edit.
    unread: HashSet<PathBuf>,
    last_good: HashMap<PathBuf, Arc<ParseState>>,
}

impl Contexts {
    /// Marks a recipe (its normalised path) as the most recently used.
    pub fn touch(&mut self, recipe: &Path) {
        self.recent.retain(|path| path != recipe);
        self.recent.insert(0, recipe.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }

    /// The context of the file at `file` (normalised).
    pub fn context_for(&mut self, workspace: &Workspace, file: &Path, used: Use) -> Context {
        let extension = file.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
        match extension {
            "bb" => {
                if used == Use::Request {
                    self.touch(file);
                }
                let index = RecipeIndex::new(workspace);
                self.recipe_context(workspace, &index, file)
            }
            "inc" if configuration_include(workspace, file) => configuration_context(workspace),
            "bbappend" | "bbclass" | "inc" => {
                let index = RecipeIndex::new(workspace);
                match self.including_recipe(workspace, &index, file) {
                    Some(recipe) => self.recipe_context(workspace, &index, &recipe),
                    None => Context { unread: true, ..configuration_context(workspace) },
                }
            }
            _ => configuration_context(workspace),
        }
    }

    /// The recipe file named `name` (its name before `_`, or its path).
    pub fn find_recipe(&self, workspace: &Workspace, name: &str) -> Option<PathBuf> {
        let index = RecipeIndex::new(workspace);
        let mut matches: Vec<&PathBuf> = index
            .paths()
            .filter(|path| recipe_name(path) == name || path.as_os_str() == name)
            .collect();
        matches.sort();
        matches.into_iter().next().cloned()
    }

    fn recipe_context(
        &mut self,
        workspace: &Workspace,
        index: &RecipeIndex,
        recipe: &Path,
    ) -> Context {
        let db = &workspace.db;
        let spelling = index.spelling(recipe);
        let parsed = parse_recipe(db, workspace.invocation, RecipeId::new(db, spelling));
        let fresh = parsed.variants.first().map(|variant| Arc::new(variant.state.clone()));
        if let Some(state) = &fresh {
            self.last_good.insert(recipe.to_path_buf(), state.clone());
        }
        let stale = fresh.is_none() && self.last_good.contains_key(recipe);
        let state = fresh.or_else(|| self.last_good.get(recipe).cloned());
        Context {
            recipe: Some(recipe.to_path_buf()),
            state,
            stale,
            diagnostics: parsed.diagnostics.clone(),
            unread: false,
        }
    }

    /// Forgets which files no recipe was found to read, after an edit.
    pub fn forget_unread(&mut self) {
        self.unread.clear();
    }

    /// The recipe that reads `file`: the most recently used one, else the
    /// one found before, else the first in the candidates' order (every
    /// recipe if the configuration reads it, else the likely ones, at most
    /// [`MAX_SEARCHED`]).
    fn including_recipe(
        &mut self,
        workspace: &Workspace,
        index: &RecipeIndex,
        file: &Path,
    ) -> Option<PathBuf> {
        if self.unread.contains(file) {
            return None;
        }
        // Finding a context is no use of the recipe: only opening it or
        // choosing it is.
        let recent = self.recent.clone();
        let before = self.found.get(file).cloned();
        let mut tried = std::collections::HashSet::new();
        let mut candidates = recent.into_iter().chain(before);
        let early = candidates.find(|recipe| {
            tried.insert(recipe.clone()) && self.reads(workspace, index, recipe, file)
        });
        let found = early.or_else(|| {
            let candidates = if configuration_reads(workspace, file) {
                index.paths().cloned().collect()
            } else {
                index.likely_readers(workspace, file)
            };
            candidates
                .into_iter()
                .filter(|recipe| !tried.contains(recipe))
                .take(MAX_SEARCHED)
                .find(|recipe| self.reads(workspace, index, recipe, file))
        });
        match &found {
            Some(recipe) => self.found.insert(file.to_path_buf(), recipe.clone()),
            None => self.unread.insert(file.to_path_buf()).then_some(file.to_path_buf()),
        };
        found
    }

    /// Whether parsing `recipe` reads `file` (as an append, include or
    /// class), by its last good parse if it does not parse now.
    fn reads(
        &self,
        workspace: &Workspace,
        index: &RecipeIndex,
        recipe: &Path,
        file: &Path,
    ) -> bool {
        let Some(entry) = index.entry(recipe) else { return false };
        if entry.appends.iter().any(|path| path == file) {
            return true;
        }
        let db = &workspace.db;
        let parsed =
            parse_recipe(db, workspace.invocation, RecipeId::new(db, entry.spelling.clone()));
        let state = parsed.variants.first().map(|variant| &variant.state);
        let state = state.or_else(|| self.last_good.get(recipe).map(|state| &**state));
        state.is_some_and(|state| state_reads(state, file))
    }
}

fn configuration_context(workspace: &Workspace) -> Context {
    let config = workspace.config();
    Context {
        recipe: None,
        state: Some(Arc::new(config.state.clone())),
        stale: false,
        diagnostics: config.diagnostics.clone(),
        unread: false,
    }
}

/// Whether the configuration reads `file` (so every recipe does).
fn configuration_reads(workspace: &Workspace, file: &Path) -> bool {
    state_reads(&workspace.config().state, file)
}

/// Whether a parse read `file` (normalised) as an include or a class; the
/// file name is compared first, as normalising every path is the cost.
fn state_reads(state: &ParseState, file: &Path) -> bool {
    let name = file.file_name();
    let mut read = state.depends.iter().chain(state.inherited.iter());
    read.any(|path| path.file_name() == name && normalize(path) == file)
}

/// Whether an include belongs to the configuration: the configuration
/// reads it, or it lies in a `conf` directory (another machine's or
/// distribution's include, say).
fn configuration_include(workspace: &Workspace, file: &Path) -> bool {
    file.components().any(|component| component.as_os_str() == "conf")
        || configuration_reads(workspace, file)
}
