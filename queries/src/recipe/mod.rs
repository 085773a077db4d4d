//! The per-recipe datastores: the configuration, then the recipe's
//! statements, then its appends, then finalisation (deferred inherits, key
//! expansion, tasks), and one more datastore for each BBCLASSEXTEND variant,
//! as BitBake's `multi_finalize` makes them.
//!
//! Anonymous Python functions and event handlers need the embedded
//! interpreter, which is not here yet: a recipe that has them gets a
//! warning, and its values are what they are without them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{config, Config, Invocation};
use crate::datastore::{ExpansionError, Provenance};
use crate::eval::{normalize, which, ClassType, Diagnostic, Fatal, Interpreter, ParseState};
use crate::files::{path_exists, Db};
use crate::recipes::recipe_set;
use crate::reuse::{parse_reusing, RecipeSource};

mod finalize;
mod info;

use finalize::finalize;
pub(crate) use info::to_boolean;
pub use info::{explode_deps, RecipeInfo, TaskInfo};

/// A recipe file, as a query key.
#[salsa::interned(debug)]
pub struct RecipeId {
    #[returns(ref)]
    pub path: PathBuf,
}

/// One datastore of a recipe: the recipe itself (variant `""`) or a
/// BBCLASSEXTEND variant such as `native`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub state: ParseState,
    /// The reason a `SkipRecipe` raised during finalisation gave.
    pub skipped: Option<String>,
    /// What the planner reads from this datastore (shared, so that copying
    /// a parse is cheap).
    pub info: Arc<RecipeInfo>,
}

/// A parsed recipe: its variants, in BitBake's order, and what went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRecipe {
    pub variants: Vec<Variant>,
    pub layer: Option<String>,
    pub appends: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether parsing stopped at a fatal error.
    pub failed: bool,
}

/// The datastores of one recipe file.
#[salsa::tracked(returns(ref))]
pub fn parse_recipe<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    recipe: RecipeId<'db>,
) -> ParsedRecipe {
    parse_with(db, invocation, recipe.path(db), config(db, invocation), "")
}

/// The datastores of the recipe at `path`, read over `config`: the default
/// configuration (`mc` empty) or the multiconfig `mc`'s.
pub(crate) fn parse_with(
    db: &dyn Db,
    invocation: Invocation,
    path: &Path,
    config: &Config,
    mc: &str,
) -> ParsedRecipe {
    let set = recipe_set(db, invocation);
    let entry = set.recipes.iter().find(|entry| entry.path == path);
    let source = RecipeSource {
        appends: entry.map(|entry| entry.appends.clone()).unwrap_or_default(),
        layer: entry.and_then(|entry| entry.layer.clone()),
        // BitBake's file collector sets this on the default configuration only.
        prioritized: if mc.is_empty() { set.prioritized_patterns.clone() } else { String::new() },
    };
    parse_reusing(db, invocation, path, config, mc, source, |source| {
        parse_fully(db, invocation, path, config, mc, source)
    })
}

/// Parses the recipe at `path`, its appends and its variants.
fn parse_fully(
    db: &dyn Db,
    invocation: Invocation,
    path: &Path,
    config: &Config,
    mc: &str,
    source: &RecipeSource,
) -> ParsedRecipe {
    let path = path.to_path_buf();
    // The recipe starts from a copy of the configuration, as BitBake's
    // createCopy: the overrides are computed anew.
    let mut state = config.state.clone();
    state.datastore.forget_overrides();
    state.depends = Vec::new();
    let mut interpreter = Interpreter::new(db, state, invocation.cwd(db).clone());
    interpreter.class_type = ClassType::Recipe;
    interpreter.base_depends = config.state.depends.clone();
    interpreter.config_handlers = config.state.handlers.clone();
    let mut parsed = ParsedRecipe {
        variants: Vec::new(),
        layer: source.layer.clone(),
        appends: source.appends.clone(),
        diagnostics: Vec::new(),
        failed: false,
    };
    if mc.is_empty() {
        interpreter.set_internal("BBFILES_PRIORITIZED", &source.prioritized, &path);
    }
    let result = read_recipe(
        db,
        invocation.cwd(db),
        &mut interpreter,
        &path,
        &parsed.appends,
        source.layer.as_deref(),
    )
    .and_then(|()| {
        multi_finalize(db, &mut interpreter, config, invocation, &path, &mut parsed.variants)
    });
    // Any error stops the whole recipe, variants included, as in BitBake.
    if result.is_err() {
        parsed.variants.clear();
        // A SkipRecipe while the recipe's own statements run leaves only
        // the unfinalised datastore, marked skipped with Python's `True`.
        if interpreter.skipped.take().is_some() {
            let state = std::mem::take(&mut interpreter.state);
            let python = interpreter.python.evaluator(&state);
            // A skipped datastore has no signatures, so reading cannot fail.
            let info = RecipeInfo::read(&state, python, Some("True"), &path).unwrap_or_default();
            let skipped = Some("True".to_owned());
            parsed.variants.push(Variant {
                name: String::new(),
                state,
                skipped,
                info: Arc::new(info),
            });
        } else {
            parsed.failed = true;
        }
    }
    parsed.diagnostics = interpreter.diagnostics;
    for variant in &parsed.variants {
        depend_on_checksummed_paths(db, &variant.info);
    }
    parsed
}

/// The recipe's facts, or the error that fails the whole recipe, with the
/// messages its Python logged on the way (`bb.fatal`'s among them).
fn recipe_info_or_fail(
    interpreter: &mut Interpreter<'_>,
    path: &Path,
    info: Result<RecipeInfo, ExpansionError>,
) -> Result<RecipeInfo, Fatal> {
    interpreter.take_python_messages(None, path);
    info.map_err(|error| interpreter.expansion_failed(None, path, error))
}

/// Makes the parse depend on every path its `file-checksums` flags list.
/// Python finds them (through FILESPATH, with `os.path.exists`) outside
/// the file inputs, so without this a file created where the search would
/// now find it, shadowing the one found before, would go unnoticed.
fn depend_on_checksummed_paths(db: &dyn Db, info: &RecipeInfo) {
    for (_, list) in &info.file_checksums {
        for entry in list.split_whitespace() {
            let path = entry.rsplit_once(':').map_or(entry, |(path, _)| path);
            if !path.contains('*') && Path::new(path).is_absolute() {
                path_exists(db, &normalize(Path::new(path)));
            }
        }
    }
}

/// BitBake's `multi_finalize`: the main datastore is finalised on a copy,
/// and each BBCLASSEXTEND variant on another copy of the datastore as it
/// was before.
fn multi_finalize<'db>(
    db: &'db dyn Db,
    interpreter: &mut Interpreter<'db>,
    config: &Config,
    invocation: Invocation,
    path: &Path,
    variants: &mut Vec<Variant>,
) -> Result<(), Fatal> {
    // BitBake finalises a copy and keeps the original for the variants;
    // each copy computes its overrides anew.
    let mut base = interpreter.state.clone();
    interpreter.state.datastore.forget_overrides();
    crate::reuse::record::mark();
    let main_skipped = finalize_variant(interpreter, path)?;
    crate::reuse::record::mark();
    let mut main = interpreter.state.clone();
    let python = interpreter.python.evaluator(&main);
    let extended = main.datastore.get_var_with("BBCLASSEXTEND", true, &mut *python);
    let extended = extended.ok().flatten().unwrap_or_default();
    let python = interpreter.python.evaluator(&main);
    let pn = main.datastore.get_var_with("PN", true, python).ok().flatten().unwrap_or_default();
    if !extended.is_empty() {
        // BitBake sets the expanded list on the datastore the variants
        // copy, which the finalised one still reads through.
        let prov = Provenance::internal(path.to_string_lossy());
        for state in [&mut base, &mut main] {
            if let Err(error) = state.datastore.set_var("BBCLASSEXTEND", &extended, false, &prov) {
                interpreter.error(None, path, error.to_string());
                return Err(Fatal);
            }
        }
    }
    let python = interpreter.python.evaluator(&main);
    let info = RecipeInfo::read(&main, python, main_skipped.as_deref(), path);
    let info = recipe_info_or_fail(interpreter, path, info)?;
    let info = Arc::new(info);
    variants.push(Variant { name: String::new(), state: main, skipped: main_skipped, info });
    // BitBake keys the variants by name, so a repeated name counts once.
    let mut extensions: Vec<&str> = Vec::new();
    for extension in extended.split_whitespace() {
        if !extensions.contains(&extension) {
            extensions.push(extension);
        }
    }
    for extension in extensions {
        let (class, variant) = match extension.split_once(':') {
            Some((class, rest)) => (class, rest.split(':').next().unwrap_or(rest)),
            None => (extension, extension),
        };
        // A fresh interpreter, so that the files the main datastore
        // marked as dependencies during finalisation count again.
        let diagnostics = std::mem::take(&mut interpreter.diagnostics);
        let mut copy = base.clone();
        copy.datastore.forget_overrides();
        *interpreter = Interpreter::new(db, copy, invocation.cwd(db).clone());
        interpreter.class_type = ClassType::Recipe;
        interpreter.base_depends = config.state.depends.clone();
        interpreter.config_handlers = config.state.handlers.clone();
        interpreter.diagnostics = diagnostics;
        if class == extension {
            interpreter.set_internal("PN", &format!("{pn}-{extension}"), path);
        } else {
            interpreter.set_internal("BBEXTENDCURR", class, path);
            interpreter.set_internal("BBEXTENDVARIANT", variant, path);
        }
        interpreter.state.deferred_inherits.push((class.to_owned(), path.to_path_buf(), 0));
        let skipped = finalize_variant(interpreter, path)?;
        crate::reuse::record::mark();
        let state = interpreter.state.clone();
        let python = interpreter.python.evaluator(&state);
        let info = RecipeInfo::read(&state, python, skipped.as_deref(), path);
        let info = recipe_info_or_fail(interpreter, path, info)?;
        variants.push(Variant { name: extension.to_owned(), state, skipped, info: Arc::new(info) });
    }
    Ok(())
}

/// Finalises one datastore; a skip is no failure, and gives its reason.
fn finalize_variant(
    interpreter: &mut Interpreter<'_>,
    path: &Path,
) -> Result<Option<String>, Fatal> {
    interpreter.skipped = None;
    match finalize(interpreter, path) {
        Ok(()) => Ok(None),
        Err(Fatal) => match interpreter.skipped.take() {
            Some(reason) => Ok(Some(reason)),
            None => Err(Fatal),
        },
    }
}

/// The recipe's own statements, then its appends.
fn read_recipe(
    db: &dyn Db,
    cwd: &Path,
    interpreter: &mut Interpreter<'_>,
    path: &Path,
    appends: &[PathBuf],
    layer: Option<&str>,
) -> Result<(), Fatal> {
    match layer {
        Some(layer) => interpreter.set_internal("FILE_LAYERNAME", layer, path),
        None => {
            // BitBake sets None, which reads as unset and is no string; the
            // datastore has no such value, so the name is deleted instead.
            let prov = Provenance::internal(path.to_string_lossy());
            interpreter.state.datastore.del_var("FILE_LAYERNAME", &prov);
        }
    }
    let resolved = resolve_file(db, cwd, interpreter, path)?;
    // FILE keeps naming the recipe afterwards; each append names itself
    // while it is read.
    interpreter.handle_recipe(&resolved)?;
    for append in appends {
        let resolved = resolve_file(db, cwd, interpreter, append)?;
        interpreter.handle(&resolved, None)?;
    }
    Ok(())
}

/// BitBake's `resolve_file`: a relative name (from a relative BBFILES
/// entry) is looked for along BBPATH, and every place tried is a
/// dependency.
fn resolve_file(
    db: &dyn Db,
    cwd: &Path,
    interpreter: &mut Interpreter<'_>,
    path: &Path,
) -> Result<PathBuf, Fatal> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    let bbpath = interpreter.state.datastore.get_var("BBPATH", true).ok().flatten();
    let (found, tried) = which(db, cwd, &bbpath.unwrap_or_default(), &path.to_string_lossy());
    for attempt in &tried {
        interpreter.mark_dependency(attempt);
    }
    found.ok_or_else(|| {
        let message = format!("file {} not found in BBPATH", path.display());
        interpreter.error(None, path, message);
        Fatal
    })
}
