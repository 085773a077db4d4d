//! The configuration datastore, read as BitBake's cooker reads it: the
//! pre-files, `conf/bblayers.conf` and each layer's `conf/layer.conf`, then
//! `conf/bitbake.conf` through BBPATH, the post-files, and finally the
//! `base` class and the classes in `INHERIT`.

use std::path::{Path, PathBuf};

use crate::datastore::{DataStore, Provenance};
use crate::eval::{
    exists, normalize, which, ClassType, Diagnostic, Fatal, Interpreter, ParseState, Severity,
};
use crate::files::{path_kind, Db, PathKind};

/// How rbake was invoked: what BitBake's configuration depends on besides
/// the files.
#[salsa::input(debug)]
pub struct Invocation {
    /// The working directory.
    #[returns(ref)]
    pub cwd: PathBuf,
    /// The environment, as name and value.
    #[returns(ref)]
    pub env: Vec<(String, String)>,
    /// Files read before the configuration (`--read`).
    #[returns(ref)]
    pub prefiles: Vec<PathBuf>,
    /// Files read after `bitbake.conf` (`--postread`).
    #[returns(ref)]
    pub postfiles: Vec<PathBuf>,
}

/// The parsed configuration and what went wrong reading it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Config {
    pub state: ParseState,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether reading stopped at a fatal error.
    pub failed: bool,
}

/// The environment variables BitBake lets through: its fixed list, or
/// `BB_ENV_PASSTHROUGH`, plus `BB_ENV_PASSTHROUGH_ADDITIONS`.
pub fn approved_variables(env: &[(String, String)]) -> Option<Vec<String>> {
    let lookup =
        |name: &str| env.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str());
    if lookup("BB_PRESERVE_ENV").is_some() {
        return None;
    }
    let mut approved: Vec<String> = match lookup("BB_ENV_PASSTHROUGH") {
        Some(list) => list
            .split_whitespace()
            .map(str::to_owned)
            .chain(["BB_ENV_PASSTHROUGH".into()])
            .collect(),
        None => PRESERVED.iter().chain(EXPORTED).map(|name| (*name).to_owned()).collect(),
    };
    if let Some(additions) = lookup("BB_ENV_PASSTHROUGH_ADDITIONS") {
        approved.extend(additions.split_whitespace().map(str::to_owned));
        if !approved.iter().any(|name| name == "BB_ENV_PASSTHROUGH_ADDITIONS") {
            approved.push("BB_ENV_PASSTHROUGH_ADDITIONS".into());
        }
    }
    Some(approved)
}

/// Environment variables BitBake keeps.
const PRESERVED: &[&str] = &["BBPATH", "BB_PRESERVE_ENV", "BB_ENV_PASSTHROUGH_ADDITIONS"];
/// Environment variables BitBake keeps and exports.
const EXPORTED: &[&str] =
    &["BB_TASKHASH", "HOME", "LOGNAME", "PATH", "PWD", "SHELL", "USER", "LC_ALL", "BBSERVER"];

/// The configuration datastore of an invocation (the default multiconfig;
/// see [`crate::multiconfig`] for the others).
#[salsa::tracked(returns(ref))]
pub fn config(db: &dyn Db, invocation: Invocation) -> Config {
    read_config(db, invocation, "")
}

/// The configuration as BitBake reads it for the multiconfig `mc` (`""`
/// for the default): only `BB_CURRENT_MC` differs, which metadata reads.
pub(crate) fn read_config(db: &dyn Db, invocation: Invocation, mc: &str) -> Config {
    crate::reuse::config_reusing(db, invocation, mc, || read_config_fully(db, invocation, mc))
}

/// Reads the configuration, every file of it.
fn read_config_fully(db: &dyn Db, invocation: Invocation, mc: &str) -> Config {
    let cwd = invocation.cwd(db).clone();
    let mut interpreter = Interpreter::new(db, ParseState::default(), cwd.clone());
    interpreter.class_type = ClassType::Global;
    let failed = read_configuration(&mut interpreter, db, invocation, &cwd, mc)
        .and_then(|()| fire_config_parsed(&mut interpreter, &cwd))
        .is_err();
    // Recipes start from clones of it: their own local keys come after.
    interpreter.state.datastore.freeze_local_keys();
    Config { state: interpreter.state, diagnostics: interpreter.diagnostics, failed }
}

fn read_configuration(
    interpreter: &mut Interpreter<'_>,
    db: &dyn Db,
    invocation: Invocation,
    cwd: &Path,
    mc: &str,
) -> Result<(), Fatal> {
    let origin = cwd.join("<environment>");
    read_environment(interpreter, invocation.env(db), &origin)?;
    interpreter.set_internal("BB_CURRENT_MC", mc, &origin);

    for file in invocation.prefiles(db) {
        read_config_file(interpreter, db, cwd, file)?;
    }

    if let Some(layers_conf) = find_config_file(interpreter, db, cwd, "bblayers.conf") {
        let topdir = layers_conf.parent().and_then(Path::parent).unwrap_or(Path::new("/"));
        interpreter.set_internal("TOPDIR", &topdir.to_string_lossy(), &layers_conf);
        read_config_file(interpreter, db, cwd, &layers_conf)?;
        if interpreter.get_var("BB_CACHEDIR", None, &layers_conf).is_empty() {
            interpreter.set_internal("BB_CACHEDIR", "${TOPDIR}/cache", &layers_conf);
        }
        // BitBake reads the layers into a copy, so that only the names they
        // change have `${LAYERDIR}` replaced.
        interpreter.state.datastore = interpreter.state.datastore.create_copy();
        crate::reuse::record::mark_copy();
        read_layers(interpreter, db, cwd, &layers_conf)?;
    }

    if interpreter.get_var("BBPATH", None, &origin).is_empty() {
        interpreter.error(
            None,
            &origin,
            "the BBPATH variable is not set, and no conf/bblayers.conf was found".into(),
        );
        return Err(Fatal);
    }
    if interpreter.get_var("TOPDIR", None, &origin).is_empty() {
        interpreter.set_internal("TOPDIR", &cwd.to_string_lossy(), &origin);
    }
    if interpreter.get_var("BB_CACHEDIR", None, &origin).is_empty() {
        interpreter.set_internal("BB_CACHEDIR", "${TOPDIR}/cache", &origin);
    }
    read_config_file(interpreter, db, cwd, Path::new("conf/bitbake.conf"))?;
    for file in invocation.postfiles(db) {
        read_config_file(interpreter, db, cwd, file)?;
    }
    let inherit = interpreter.get_var("INHERIT", None, &origin);
    let classes =
        std::iter::once("base").chain(inherit.split_whitespace()).collect::<Vec<_>>().join(" ");
    interpreter.inherit(&classes, None, Path::new("configuration INHERITs"), false)?;
    // The cooker registers the event handlers found so far; a handler that
    // names no function is an error.
    for handler in interpreter.state.handlers.clone() {
        let datastore = &interpreter.state.datastore;
        if datastore.get_var_flag(&handler, "filename", false).ok().flatten().is_none() {
            let message = format!("Undefined event handler function '{handler}'");
            interpreter.error(None, &origin, message);
            return Err(Fatal);
        }
    }
    let included: Vec<String> = interpreter
        .state
        .depends
        .iter()
        .map(|path| normalize(path).to_string_lossy().into_owned())
        .collect();
    interpreter.set_internal("BBINCLUDED", &included.join(" "), &origin);
    check_renamed_variables(interpreter, &origin)
}

/// The cooker fires ConfigParsed at the handlers registered so far, which
/// may change the configuration every recipe starts from.
fn fire_config_parsed(interpreter: &mut Interpreter<'_>, cwd: &Path) -> Result<(), Fatal> {
    if interpreter.state.handlers.is_empty() {
        return Ok(());
    }
    let origin = cwd.join("<ConfigParsed>");
    let stage = match interpreter.python_stage(Provenance::internal(origin.to_string_lossy())) {
        Ok(stage) => stage,
        Err(message) => {
            interpreter.warning(None, &origin, format!("event handlers were not run: {message}"));
            return Ok(());
        }
    };
    let handlers = interpreter.state.handlers.clone();
    interpreter.register_handlers(&origin, Some(&stage), &handlers)?;
    interpreter
        .python_step(&origin, Some(&stage), None, |stage| stage.fire("ConfigParsed", None, None))
}

/// Variables BitBake renamed (to the second name) or dropped (the second
/// text, which has a space, says so).
const RENAMED_VARIABLES: &[(&str, &str)] = &[
    ("BB_ENV_WHITELIST", "BB_ENV_PASSTHROUGH"),
    ("BB_ENV_EXTRAWHITE", "BB_ENV_PASSTHROUGH_ADDITIONS"),
    ("BB_HASHBASE_WHITELIST", "BB_BASEHASH_IGNORE_VARS"),
    ("BB_HASHCONFIG_WHITELIST", "BB_HASHCONFIG_IGNORE_VARS"),
    ("BB_HASHTASK_WHITELIST", "BB_TASKHASH_IGNORE_TASKS"),
    ("BB_SETSCENE_ENFORCE_WHITELIST", "BB_SETSCENE_ENFORCE_IGNORE_TASKS"),
    ("MULTI_PROVIDER_WHITELIST", "BB_MULTI_PROVIDER_ALLOWED"),
    ("BB_STAMP_WHITELIST", "is a deprecated variable and support has been removed"),
    ("BB_STAMP_POLICY", "is a deprecated variable and support has been removed"),
];

/// The cooker's last check: a renamed variable (BitBake's own, or a flag
/// of BB_RENAMED_VARIABLES) that has a value or override variants stops
/// the configuration.
fn check_renamed_variables(interpreter: &mut Interpreter<'_>, origin: &Path) -> Result<(), Fatal> {
    let datastore = &interpreter.state.datastore;
    let mut renamed = datastore.get_var_flags("BB_RENAMED_VARIABLES", false).unwrap_or_default();
    renamed.extend(RENAMED_VARIABLES.iter().map(|(old, new)| (old.to_string(), new.to_string())));
    let mut messages = Vec::new();
    for (old, new) in renamed {
        let set = datastore.get_var(&old, true).map_or(true, |value| value.is_some());
        if set || datastore.has_overrides(&old) {
            messages.push(if new.contains(' ') {
                format!("Variable {old} {new}")
            } else {
                format!("Variable {old} has been renamed to {new}")
            });
        }
    }
    if messages.is_empty() {
        return Ok(());
    }
    for message in messages {
        interpreter.error(None, origin, message);
    }
    Err(Fatal)
}

/// The variables BitBake takes from the environment. The whole environment
/// is first set in a datastore of its own, and each value passed through is
/// taken from there expanded, so a `${NAME}` in it refers to the
/// environment's NAME. A name BitBake refuses (a renamed variable, the old
/// override syntax) or a value that cannot be expanded stops it.
fn read_environment(
    interpreter: &mut Interpreter<'_>,
    env: &[(String, String)],
    origin: &Path,
) -> Result<(), Fatal> {
    let prov = Provenance::internal("<environment>");
    interpreter.state.original_env = env.to_vec();
    let mut saved = DataStore::new();
    let mut errors = Vec::new();
    for (name, value) in env {
        if let Some((_, new)) = RENAMED_VARIABLES.iter().find(|(old, _)| old == name) {
            errors.push(format!("Shell environment variable {name} has been renamed to {new}"));
        }
        if let Err(error) = saved.set_var(name, value.clone(), false, &prov) {
            errors.push(error.to_string());
        }
    }
    let approved = approved_variables(env);
    for (name, _) in env {
        if !approved.as_ref().is_none_or(|approved| approved.contains(name)) {
            continue;
        }
        match saved.get_var(name, true) {
            Ok(value) => interpreter.set_internal(name, &value.unwrap_or_default(), origin),
            Err(error) => errors.push(error.to_string()),
        }
        if EXPORTED.contains(&name.as_str()) {
            let _ = interpreter.datastore().set_var_flag(name, "export", "True", &prov);
        }
    }
    if errors.is_empty() {
        return Ok(());
    }
    for message in errors {
        interpreter.error(None, origin, message);
    }
    Err(Fatal)
}

/// Each layer of `BBLAYERS`: its `conf/layer.conf` read with `LAYERDIR`
/// set, and `${LAYERDIR}` replaced in every value afterwards.
fn read_layers(
    interpreter: &mut Interpreter<'_>,
    db: &dyn Db,
    cwd: &Path,
    layers_conf: &Path,
) -> Result<(), Fatal> {
    let layers = interpreter.get_var("BBLAYERS", None, layers_conf);
    if layers.split_whitespace().next().is_none() {
        interpreter.error(None, layers_conf, "the bblayers.conf file does not set BBLAYERS".into());
        return Err(Fatal);
    }
    let mut compat: Vec<(String, Vec<String>)> = Vec::new();
    let mut core_names: Vec<String> = Vec::new();
    // Every layer directory is checked before any layer is read.
    let is_dir = |layer: &&str| path_kind(db, &normalize(&cwd.join(layer))) == PathKind::Directory;
    let broken: Vec<&str> = layers.split_whitespace().filter(|layer| !is_dir(layer)).collect();
    if !broken.is_empty() {
        let message = format!("The following layer directories do not exist: {}", broken.join(" "));
        // The statement that last set BBLAYERS is where to fix it.
        let last_set = interpreter.state.datastore.history("BBLAYERS").last().cloned();
        match last_set {
            Some(entry) => interpreter.diagnostics.push(Diagnostic {
                line_in_statement: None,
                line_col: None,
                file: PathBuf::from(&*entry.file),
                statement: Some(entry.statement),
                severity: Severity::Error,
                message,
            }),
            None => interpreter.error(None, layers_conf, message),
        }
        return Err(Fatal);
    }
    for layer in layers.split_whitespace() {
        let layer = layer.trim_end_matches('/');
        interpreter.set_internal("LAYERDIR", layer, layers_conf);
        interpreter.set_internal("LAYERDIR_RE", &regex::escape(layer), layers_conf);
        // A relative layer.conf is found through BBPATH, as any other.
        let layer_conf = Path::new(layer).join("conf/layer.conf");
        read_config_file(interpreter, db, cwd, &layer_conf)?;
        for name in ["LAYERDIR", "LAYERDIR_RE"] {
            replace_references(interpreter, name, &layer_conf);
        }
        take_layer_series(interpreter, &layer_conf, &mut compat, &mut core_names);
    }
    let prov = crate::datastore::Provenance::internal(layers_conf.to_string_lossy());
    interpreter.datastore().del_var("LAYERDIR_RE", &prov);
    interpreter.datastore().del_var("LAYERDIR", &prov);
    for (collection, series) in &compat {
        let name = format!("LAYERSERIES_COMPAT_{collection}");
        interpreter.set_internal(&name, &series.join(" "), layers_conf);
    }
    let collections = interpreter.get_var("BBFILE_COLLECTIONS", None, layers_conf);
    for entry in interpreter.get_var("BBFILES_DYNAMIC", None, layers_conf).split_whitespace() {
        let Some((layer, pattern)) = entry.split_once(':') else {
            let message =
                format!("BBFILES_DYNAMIC entries must be COLLECTION:PATTERN, not {entry}");
            interpreter.error(None, layers_conf, message);
            return Err(Fatal);
        };
        let (inverted, layer) = match layer.strip_prefix('!') {
            Some(layer) => (true, layer),
            None => (false, layer),
        };
        if collections.split_whitespace().any(|known| known == layer) != inverted {
            let _ = interpreter.datastore().append_var("BBFILES", &format!(" {pattern}"), &prov);
        }
    }
    check_collections(interpreter, layers_conf, &collections, &compat, &core_names)?;
    core_names.sort();
    core_names.dedup();
    interpreter.set_internal("LAYERSERIES_CORENAMES", &core_names.join(" "), layers_conf);
    Ok(())
}

/// The cooker's checks of the collections: each is named once, and one
/// that lists compatible series needs a core layer sharing one of them.
fn check_collections(
    interpreter: &mut Interpreter<'_>,
    layers_conf: &Path,
    collections: &str,
    compat: &[(String, Vec<String>)],
    core_names: &[String],
) -> Result<(), Fatal> {
    let collections: Vec<&str> = collections.split_whitespace().collect();
    for (index, collection) in collections.iter().enumerate() {
        let message = if collections[index + 1..].contains(collection) {
            format!(
                "Found duplicated BBFILE_COLLECTIONS '{collection}', \
                 check bblayers.conf or layer.conf to fix it."
            )
        } else {
            let Some((_, series)) = compat.iter().find(|(name, _)| name == collection) else {
                continue;
            };
            if core_names.is_empty() {
                format!(
                    "No core layer found to work with layer '{collection}'. \
                     Missing entry in bblayers.conf?"
                )
            } else if !series.iter().any(|name| core_names.contains(name)) {
                format!(
                    "Layer {collection} is not compatible with the core layer which only \
                     supports these series: {} (layer is compatible with {})",
                    core_names.join(" "),
                    series.join(" ")
                )
            } else {
                continue;
            }
        };
        interpreter.error(None, layers_conf, message);
        return Err(Fatal);
    }
    Ok(())
}

/// After each layer.conf: every collection's LAYERSERIES_COMPAT is taken
/// out (and put back, sorted, after the last layer), and the first
/// LAYERSERIES_CORENAMES seen names the core series.
fn take_layer_series(
    interpreter: &mut Interpreter<'_>,
    layer_conf: &Path,
    compat: &mut Vec<(String, Vec<String>)>,
    core_names: &mut Vec<String>,
) {
    let prov = crate::datastore::Provenance::internal(layer_conf.to_string_lossy());
    let collections = interpreter.get_var("BBFILE_COLLECTIONS", None, layer_conf);
    for collection in collections.split_whitespace() {
        let name = format!("LAYERSERIES_COMPAT_{collection}");
        let series = interpreter.get_var(&name, None, layer_conf);
        if !series.is_empty() {
            let mut series: Vec<String> = series.split_whitespace().map(str::to_owned).collect();
            series.sort();
            series.dedup();
            compat.retain(|(known, _)| known != collection);
            compat.push((collection.to_owned(), series));
            interpreter.datastore().del_var(&name, &prov);
        }
    }
    if core_names.is_empty() {
        let names = interpreter.get_var("LAYERSERIES_CORENAMES", None, layer_conf);
        if !names.trim().is_empty() {
            *core_names = names.split_whitespace().map(str::to_owned).collect();
            interpreter.datastore().del_var("LAYERSERIES_CORENAMES", &prov);
        }
    }
}

/// BitBake's `expandVarref`: every value changed since the layers' copy
/// that holds `${NAME}` gets NAME's value in its place.
fn replace_references(interpreter: &mut Interpreter<'_>, name: &str, origin: &Path) {
    let prov = crate::datastore::Provenance::internal(origin.to_string_lossy());
    if let Err(error) = interpreter.datastore().expand_var_ref(name, &prov) {
        interpreter.error(None, origin, error.to_string());
    }
}

/// BitBake's `findConfigFile`: `conf/NAME` under each BBPATH entry, then in
/// the working directory and each of its parents.
fn find_config_file(
    interpreter: &mut Interpreter<'_>,
    db: &dyn Db,
    cwd: &Path,
    name: &str,
) -> Option<PathBuf> {
    let bbpath = interpreter.get_var("BBPATH", None, cwd);
    let from_bbpath = bbpath
        .split(':')
        .filter(|entry| !entry.is_empty())
        .map(|entry| Path::new(entry).join("conf").join(name));
    let from_cwd =
        cwd.ancestors().filter(|dir| *dir != Path::new("/")).map(|dir| dir.join("conf").join(name));
    let candidates: Vec<PathBuf> = from_bbpath.chain(from_cwd).map(|path| cwd.join(path)).collect();
    candidates.into_iter().find(|path| exists(db, path))
}

/// A configuration file named on the command line or by the cooker:
/// relative names are found through BBPATH.
fn read_config_file(
    interpreter: &mut Interpreter<'_>,
    db: &dyn Db,
    cwd: &Path,
    name: &Path,
) -> Result<(), Fatal> {
    let path = if name.is_absolute() {
        Some(name.to_path_buf()).filter(|path| exists(db, path))
    } else {
        let bbpath = interpreter.get_var("BBPATH", None, cwd);
        let (found, tried) = which(db, cwd, &bbpath, &name.to_string_lossy());
        for path in &tried {
            interpreter.mark_dependency(path);
        }
        found
    };
    match path {
        Some(path) if name.is_absolute() => interpreter.handle(&path, None),
        // BitBake marks the candidates it tried, and not the file it found.
        Some(path) => interpreter.handle_found(&path, None),
        None => {
            interpreter.error(None, name, format!("cannot find {} through BBPATH", name.display()));
            Err(Fatal)
        }
    }
}
