//! `rbake getvar VAR [-r RECIPE]`: a variable's value in the configuration
//! or in a recipe, with the history of every statement that contributed to
//! it, like bitbake-getvar.

use std::path::Path;
use std::process::ExitCode;

use rbake_queries::eval::ParseState;
use rbake_queries::recipe::{parse_recipe, RecipeId};
use rbake_queries::recipes::recipe_set;

use crate::cli::{GetvarArgs, GlobalArgs};
use crate::workspace::{process_env, Workspace};

pub fn run(global: &GlobalArgs, args: &GetvarArgs) -> ExitCode {
    let workspace = match Workspace::new(global, process_env()) {
        Ok(workspace) => workspace,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let config = workspace.config();
    if workspace.report(&config.diagnostics) || config.failed {
        return ExitCode::FAILURE;
    }
    let recipe_state;
    let datastore = match &args.recipe {
        None => &config.state.datastore,
        Some(recipe) => match recipe_datastore(&workspace, recipe) {
            Ok(state) => {
                recipe_state = state;
                &recipe_state.datastore
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        },
    };
    let name = &args.variable;
    let result = match &args.flag {
        Some(flag) => datastore.get_var_flag(name, flag, !args.unexpand),
        None => datastore.get_var(name, !args.unexpand),
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
            return ExitCode::FAILURE;
        }
    };
    if args.value || args.flag.is_some() {
        if let Some(value) = value {
            println!("{value}");
        }
        return ExitCode::SUCCESS;
    }
    let history: Vec<_> = datastore.history(name).collect();
    println!("#\n# ${name} [{} operations]", history.len());
    for entry in history {
        let file = Path::new(&*entry.file);
        let place = match workspace.statement_line(file, entry.statement) {
            Some(line) => format!("{}:{line}", file.display()),
            None => file.display().to_string(),
        };
        let flag = entry.flag.as_ref().map(|flag| format!("[{flag}]")).unwrap_or_default();
        println!("#   {}{flag} {place}\n#     \"{}\"", entry.op, entry.detail);
    }
    if let Ok(Some(raw)) = datastore.get_var(name, false) {
        println!("# pre-expansion value:\n#   \"{raw}\"");
    }
    match value {
        Some(value) => println!("{name}=\"{value}\""),
        None => println!("# {name} is not set"),
    }
    ExitCode::SUCCESS
}

/// The datastore of the recipe named `name`: the recipe file whose name
/// (before the first `_`) is `name`. Choosing among versions needs the
/// providers, which are not here yet, so several matches are an error.
fn recipe_datastore(workspace: &Workspace, name: &str) -> Result<ParseState, String> {
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
        [] => return Err(format!("no recipe named {name}")),
        several => {
            let files: Vec<String> = several.iter().map(|r| r.path.display().to_string()).collect();
            return Err(format!("several recipes are named {name}; choosing among versions is not implemented yet: {}", files.join(" ")));
        }
    };
    let parsed = parse_recipe(db, workspace.invocation, RecipeId::new(db, recipe.path.clone()));
    if workspace.report(&parsed.diagnostics) || parsed.failed {
        return Err(format!("cannot parse {}", recipe.path.display()));
    }
    parsed
        .variants
        .first()
        .map(|variant| variant.state.clone())
        .ok_or_else(|| format!("{name} has no datastore"))
}
