//! `rbake getvar VAR [-r RECIPE]`: a variable's value in the configuration
//! or in a recipe, with the history of every statement that contributed to
//! it, like bitbake-getvar.

use std::path::Path;
use std::process::ExitCode;

use rbake_queries::datastore::{DataStore, PythonEvaluator};
use rbake_queries::eval::ParseState;
use rbake_queries::python::evaluator_for;
use rbake_queries::recipe::{parse_recipe, RecipeId};
use rbake_queries::recipes::recipe_set;

use crate::cli::{GetvarArgs, GlobalArgs};
use crate::outln;
use crate::output::Output;
use crate::workspace::{process_env, Failed, Workspace};

pub fn run(global: &GlobalArgs, args: &GetvarArgs) -> Result<ExitCode, Failed> {
    let workspace = Workspace::open(global, process_env())?;
    let state = selected_state(&workspace, args.recipe.as_deref())?;
    let datastore = &state.datastore;
    let mut python = evaluator_for(state);
    let name = &args.variable;
    let result = match &args.flag {
        Some(flag) => datastore.get_var_flag_with(name, flag, !args.unexpand, &mut *python),
        None => datastore.get_var_with(name, !args.unexpand, &mut *python),
    };
    let value = match result {
        Ok(value) => value,
        Err(error) => {
            // Point at the statement that last set the variable.
            let place = datastore.history(name).last().and_then(|entry| {
                let file = Path::new(&*entry.file);
                let line = workspace.statement_line(file, entry.statement)?;
                Some(format!("{}:{line}:1: ", file.display()))
            });
            eprintln!("{}error: {name}: {error}", place.unwrap_or_default());
            return Err(Failed);
        }
    };
    if (args.value || args.flag.is_some()) && !args.history {
        if let Some(value) = value {
            outln!(Output::new(), "{value}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = Output::new();
    print_history(&mut out, &workspace, datastore, &mut *python, name);
    let label = match &args.flag {
        Some(flag) => format!("{name}[{flag}]"),
        None => name.clone(),
    };
    match value {
        Some(value) => outln!(out, "{label}=\"{value}\""),
        None => outln!(out, "# {label} is not set"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints how a variable got its value, as `bitbake -e` does: each change
/// at file:line, then the value before expansion.
pub fn print_history(
    out: &mut Output,
    workspace: &Workspace,
    datastore: &DataStore,
    python: &mut dyn PythonEvaluator,
    name: &str,
) {
    let history: Vec<_> = datastore.history(name).collect();
    outln!(out, "#\n# ${name} [{} operations]", history.len());
    for entry in history {
        let file = Path::new(&*entry.file);
        let place = match workspace.statement_line(file, entry.statement) {
            Some(line) => format!("{}:{line}", file.display()),
            None => file.display().to_string(),
        };
        let flag = entry.flag.as_ref().map(|flag| format!("[{flag}]")).unwrap_or_default();
        outln!(out, "#   {}{flag} {place}\n#     \"{}\"", entry.op, entry.detail);
    }
    if let Ok(Some(raw)) = datastore.get_var_with(name, false, python) {
        outln!(out, "# pre-expansion value:\n#   \"{raw}\"");
    }
}

/// The datastore a command reads: the configuration's, or that of the
/// recipe named `recipe`, the recipe file whose name (before the first `_`)
/// it is. Choosing among versions needs the providers, which are not here
/// yet, so several matches are an error. Problems are reported here.
pub fn selected_state<'w>(
    workspace: &'w Workspace,
    recipe: Option<&str>,
) -> Result<&'w ParseState, Failed> {
    let config = workspace.checked_config()?;
    let Some(name) = recipe else { return Ok(&config.state) };
    let db = &workspace.db;
    let set = recipe_set(db, workspace.invocation);
    let matches: Vec<_> = set
        .recipes
        .iter()
        .filter(|recipe| {
            let file =
                recipe.path.file_stem().map(|stem| stem.to_string_lossy()).unwrap_or_default();
            file.split('_').next() == Some(name)
        })
        .collect();
    let recipe = match matches.as_slice() {
        [recipe] => recipe,
        [] => {
            eprintln!("error: no recipe named {name}");
            return Err(Failed);
        }
        several => {
            let files: Vec<String> = several.iter().map(|r| r.path.display().to_string()).collect();
            eprintln!("error: several recipes are named {name}; choosing among versions is not implemented yet: {}", files.join(" "));
            return Err(Failed);
        }
    };
    let parsed = parse_recipe(db, workspace.invocation, RecipeId::new(db, recipe.path.clone()));
    if workspace.report(&parsed.diagnostics) || parsed.failed {
        eprintln!("error: cannot parse {}", recipe.path.display());
        return Err(Failed);
    }
    match parsed.variants.first() {
        Some(variant) => Ok(&variant.state),
        None => {
            eprintln!("error: {name} has no datastore");
            Err(Failed)
        }
    }
}
