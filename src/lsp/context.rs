//! Which datastore answers for a file: a recipe is evaluated as itself
//! (with its appends); a class, include or append in the context of a
//! recipe that reads it (the most recently used such recipe, else the
//! first found); a configuration file in the configuration's. Also where
//! the build directory is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rbake_queries::eval::{normalize, Diagnostic, ParseState};
use rbake_queries::recipe::{parse_recipe, RecipeId};
use rbake_queries::recipes::recipe_set;

use crate::workspace::Workspace;

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
    pub state: Option<ParseState>,
    pub stale: bool,
    /// The parse's diagnostics (of the recipe, or of the configuration).
    pub diagnostics: Vec<Diagnostic>,
}

impl Context {
    /// A sentence naming the context, for hovers.
    pub fn label(&self) -> String {
        let mut label = match &self.recipe {
            Some(path) => format!("recipe `{}` ({})", recipe_name(path), file_name(path)),
            None => "the configuration".to_owned(),
        };
        if self.stale {
            label.push_str(", as last parsed without errors");
        }
        label
    }
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
/// recently first, and each recipe's last good state.
#[derive(Debug, Default)]
pub struct Contexts {
    recent: Vec<PathBuf>,
    last_good: HashMap<PathBuf, ParseState>,
}

impl Contexts {
    /// Marks a recipe (its normalised path) as the most recently used.
    pub fn touch(&mut self, recipe: &Path) {
        self.recent.retain(|path| path != recipe);
        self.recent.insert(0, recipe.to_path_buf());
    }

    /// The context of the file at `file` (normalised).
    pub fn context_for(&mut self, workspace: &Workspace, file: &Path) -> Context {
        let extension = file.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
        match extension {
            "bb" => {
                self.touch(file);
                self.recipe_context(workspace, file)
            }
            "bbappend" | "bbclass" | "inc" => match self.including_recipe(workspace, file) {
                Some(recipe) => self.recipe_context(workspace, &recipe),
                None => configuration_context(workspace),
            },
            _ => configuration_context(workspace),
        }
    }

    /// The recipe file named `name` (its name before `_`, or its path).
    pub fn find_recipe(&self, workspace: &Workspace, name: &str) -> Option<PathBuf> {
        let set = recipe_set(&workspace.db, workspace.invocation);
        let mut matches: Vec<PathBuf> = set
            .recipes
            .iter()
            .map(|recipe| normalize(&recipe.path))
            .filter(|path| recipe_name(path) == name || path.as_os_str() == name)
            .collect();
        matches.sort();
        matches.into_iter().next()
    }

    fn recipe_context(&mut self, workspace: &Workspace, recipe: &Path) -> Context {
        let db = &workspace.db;
        let spelling = recipe_spelling(workspace, recipe);
        let parsed = parse_recipe(db, workspace.invocation, RecipeId::new(db, spelling));
        let fresh = parsed.variants.first().map(|variant| variant.state.clone());
        if let Some(state) = &fresh {
            self.last_good.insert(recipe.to_path_buf(), state.clone());
        }
        let stale = fresh.is_none() && self.last_good.contains_key(recipe);
        Context {
            recipe: Some(recipe.to_path_buf()),
            state: fresh.or_else(|| self.last_good.get(recipe).cloned()),
            stale,
            diagnostics: parsed.diagnostics.clone(),
        }
    }

    /// The recipe that reads `file`: the most recently used one, else the
    /// first of the recipe set.
    fn including_recipe(&mut self, workspace: &Workspace, file: &Path) -> Option<PathBuf> {
        let set = recipe_set(&workspace.db, workspace.invocation);
        let recent = self.recent.clone();
        let all = set.recipes.iter().map(|recipe| normalize(&recipe.path));
        // Finding a context is no use of the recipe: only opening it or
        // choosing it is.
        recent.into_iter().chain(all).find(|recipe| self.reads(workspace, recipe, file))
    }

    /// Whether parsing `recipe` reads `file`.
    fn reads(&mut self, workspace: &Workspace, recipe: &Path, file: &Path) -> bool {
        let set = recipe_set(&workspace.db, workspace.invocation);
        let entry = set.recipes.iter().find(|entry| normalize(&entry.path) == recipe);
        if entry.is_some_and(|entry| entry.appends.iter().any(|path| normalize(path) == file)) {
            return true;
        }
        let context = self.recipe_context(workspace, recipe);
        context.state.is_some_and(|state| {
            let mut read = state.depends.iter().chain(state.inherited.iter());
            read.any(|path| normalize(path) == file)
        })
    }
}

/// The recipe set's spelling of a recipe's path (the database keys
/// recipes by it), or the path itself for a recipe outside the set.
fn recipe_spelling(workspace: &Workspace, recipe: &Path) -> PathBuf {
    let set = recipe_set(&workspace.db, workspace.invocation);
    set.recipes
        .iter()
        .find(|entry| normalize(&entry.path) == recipe)
        .map_or_else(|| recipe.to_path_buf(), |entry| entry.path.clone())
}

fn configuration_context(workspace: &Workspace) -> Context {
    let config = workspace.config();
    Context {
        recipe: None,
        state: Some(config.state.clone()),
        stale: false,
        diagnostics: config.diagnostics.clone(),
    }
}
