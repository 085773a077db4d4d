//! `rbake show-versions`, `show-recipes`, `show-appends` and
//! `show-layers`: the tables `bitbake -s` and `bitbake-layers` print, in
//! their layouts.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use rbake_queries::glob::fnmatch;
use rbake_queries::multiconfig::Multiconfig;
use rbake_queries::plan::cache::provider_index;
use rbake_queries::plan::find_versions;
use rbake_queries::recipes::recipe_set;

use crate::cli::{GlobalArgs, ShowRecipesArgs};
use crate::engine::WorkspaceHandle;
use crate::graph_cmd::{report_messages, report_parse_failures};
use crate::outln;
use crate::output::Output;
use crate::workspace::{process_env, Failed, Workspace};

/// The workspace, its configuration checked and the recipes that fail to
/// parse reported.
fn open(global: &GlobalArgs) -> Result<WorkspaceHandle, Failed> {
    let workspace = Workspace::open(global, process_env())?;
    workspace.checked_config()?;
    report_parse_failures(&workspace);
    Ok(workspace)
}

pub fn show_versions(global: &GlobalArgs) -> Result<ExitCode, Failed> {
    let workspace = open(global)?;
    let (rows, messages) = find_versions(&workspace.db, workspace.invocation);
    let errors = report_messages(&messages);
    let mut out = Output::new();
    let row = |a: &str, b: &str, c: &str, d: &str| format!("{a:<35} {b:>25} {c:>25} {d:>25}");
    outln!(
        out,
        "{}",
        row("Recipe Name", "Latest Version", "Preferred Version", "Required Version")
    );
    outln!(
        out,
        "{}\n",
        row("===========", "==============", "=================", "================")
    );
    for version in &rows {
        outln!(out, "{}", row(&version.pn, &version.latest, &version.preferred, &version.required));
    }
    Ok(if errors { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// A version as bitbake-layers writes it: `PE:PV-PR`, leaving out what is
/// empty.
fn version_text(pe: &str, pv: &str) -> String {
    if pe.is_empty() {
        pv.to_owned()
    } else {
        format!("{pe}:{pv}")
    }
}

pub fn show_recipes(global: &GlobalArgs, args: &ShowRecipesArgs) -> Result<ExitCode, Failed> {
    let workspace = open(global)?;
    let db = &workspace.db;
    let set = recipe_set(db, workspace.invocation);
    // bitbake-layers names a layer by its directory.
    let dirs = collection_dirs(&workspace);
    let layer_of = |path: &str| {
        let file = set.recipes.iter().find(|file| file.path == Path::new(path));
        let dir = file.and_then(|file| file.layer.as_ref()).and_then(|layer| dirs.get(layer));
        let name =
            dir.and_then(|dir| Path::new(dir).file_name()).map(|name| name.to_string_lossy());
        name.map_or_else(|| "?".to_owned(), |name| name.into_owned())
    };
    let index = provider_index(db, workspace.invocation, Multiconfig::new(db, String::new()));
    let (rows, messages) = find_versions(db, workspace.invocation);
    report_messages(&messages);
    // PN -> (version text, file) of the preferred version, and of every
    // provider; skipped recipes are guessed from their file names.
    let mut preferred: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut providers: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in &rows {
        if let Some(facts) = index.get(&row.chosen_fn) {
            preferred.insert(
                row.pn.clone(),
                (version_text(&facts.pe, &facts.pv), row.chosen_fn.clone()),
            );
        }
    }
    for facts in &index.recipes {
        let entry = (version_text(&facts.pe, &facts.pv), facts.fn_name.clone());
        providers.entry(facts.pn.clone()).or_default().push(entry);
    }
    let mut skipped: BTreeMap<&str, &str> = BTreeMap::new();
    for facts in &index.skipped {
        skipped.insert(&facts.fn_name, facts.skipped.as_deref().unwrap_or_default());
        let stem = facts.path.file_stem().unwrap_or_default().to_string_lossy();
        let mut parts = stem.split('_');
        let pn = parts.next().unwrap_or_default().to_owned();
        let version = parts.next().unwrap_or("unknown").to_owned();
        providers.entry(pn.clone()).or_default().push((version.clone(), facts.fn_name.clone()));
        preferred.entry(pn).or_insert((version, facts.fn_name.clone()));
    }
    let suffix = |file: &str| {
        skipped.get(file).map(|reason| format!(" (skipped: {reason})")).unwrap_or_default()
    };
    let mut out = Output::new();
    let title = if args.pnspec.is_empty() { "Available recipes:" } else { "Matching recipes:" };
    let mut listed = false;
    let mut shown: Vec<String> = Vec::new();
    for (pn, (version, file)) in &preferred {
        if !args.pnspec.is_empty() && !args.pnspec.iter().any(|spec| fnmatch(pn, spec)) {
            continue;
        }
        let (real, variant) = real_file(file);
        // A variant is listed under its base recipe, when that parsed.
        if variant && index.get(&real).is_some() {
            continue;
        }
        if shown.contains(&real) {
            continue;
        }
        if !listed {
            outln!(out, "=== {title} ===");
            listed = true;
        }
        outln!(out, "{pn}:");
        outln!(out, "  {:<20} {version}{}", layer_of(&real), suffix(&real));
        for (other_version, other) in providers.get(pn).into_iter().flatten() {
            let (other_real, _) = real_file(other);
            if other_real != real {
                outln!(
                    out,
                    "  {:<20} {other_version}{}",
                    layer_of(&other_real),
                    suffix(&other_real)
                );
            }
        }
        shown.push(real);
    }
    Ok(ExitCode::SUCCESS)
}

/// A BitBake file name without its `virtual:VARIANT:` prefix, and whether
/// it had one.
fn real_file(file: &str) -> (String, bool) {
    match file.strip_prefix("virtual:") {
        Some(rest) => {
            let path = rest.find(":/").map_or(rest, |at| &rest[at + 1..]);
            (path.to_owned(), true)
        }
        None => (file.to_owned(), false),
    }
}

pub fn show_appends(global: &GlobalArgs) -> Result<ExitCode, Failed> {
    let workspace = open(global)?;
    let set = recipe_set(&workspace.db, workspace.invocation);
    let mut out = Output::new();
    outln!(out, "=== Appended recipes ===");
    let mut by_name: BTreeMap<String, Vec<&Path>> = BTreeMap::new();
    for file in set.recipes.iter().filter(|file| !file.appends.is_empty()) {
        let name = file.path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        by_name.entry(name).or_default().extend(file.appends.iter().map(|append| append.as_path()));
    }
    if by_name.is_empty() {
        outln!(out, "No append files found");
    }
    for (name, appends) in by_name {
        outln!(out, "{name}:");
        for append in appends {
            outln!(out, "  {}", append.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show_layers(global: &GlobalArgs) -> Result<ExitCode, Failed> {
    let workspace = open(global)?;
    let dirs = collection_dirs(&workspace);
    let mut out = Output::new();
    outln!(out, "{}  {}  priority", format!("{:<20}", "layer"), format!("{:<70}", "path"));
    outln!(out, "{}", "=".repeat(104));
    for layer in &recipe_set(&workspace.db, workspace.invocation).layers {
        let dir = dirs.get(&layer.name).cloned().unwrap_or_default();
        outln!(out, "{:<20}  {dir:<70}  {}", layer.name, layer.priority);
    }
    Ok(ExitCode::SUCCESS)
}

/// Each collection's directory: where the file that added it to
/// BBFILE_COLLECTIONS lives (`LAYER/conf/layer.conf`), as bitbake-layers
/// finds it from the variable's history.
fn collection_dirs(workspace: &Workspace) -> BTreeMap<String, String> {
    let datastore = &workspace.config().state.datastore;
    let collections =
        datastore.get_var("BBFILE_COLLECTIONS", true).ok().flatten().unwrap_or_default();
    let finals: Vec<&str> = collections.split_whitespace().collect();
    let mut dirs: BTreeMap<String, String> = BTreeMap::new();
    let mut set_once = false;
    for entry in datastore.history("BBFILE_COLLECTIONS") {
        if entry.flag.is_some() || &*entry.op == "_remove" || (set_once && &*entry.op == "set?") {
            continue;
        }
        set_once = true;
        let detail = datastore.expand(&entry.detail, None).map(|e| e.value).unwrap_or_default();
        for item in detail.split_whitespace().filter(|item| finals.contains(item)) {
            let conf = Path::new(&*entry.file);
            let dir = conf.parent().and_then(Path::parent).unwrap_or(conf);
            dirs.entry(item.to_owned()).or_insert_with(|| dir.to_string_lossy().into_owned());
        }
    }
    dirs
}
