//! `rbake recipes`: the recipe files BBFILES names, with their layer,
//! priority and appends, like `bitbake-layers show-recipes` and
//! `show-appends` together.

use std::process::ExitCode;

use rbake_queries::recipes::recipe_set;
use serde_json::json;

use crate::cli::{GlobalArgs, RecipesArgs};
use crate::outln;
use crate::output::Output;
use crate::workspace::{process_env, Workspace};

pub fn run(global: &GlobalArgs, args: &RecipesArgs) -> ExitCode {
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
    let set = recipe_set(&workspace.db, workspace.invocation);
    let failed = workspace.report(&set.diagnostics);
    if args.json {
        let recipes: Vec<_> = set
            .recipes
            .iter()
            .map(|recipe| {
                json!({
                    "file": recipe.path,
                    "layer": recipe.layer,
                    "priority": recipe.priority,
                    "appends": recipe.appends,
                })
            })
            .collect();
        let document = json!({ "recipes": recipes, "masked": set.masked });
        outln!(Output::new(), "{}", serde_json::to_string_pretty(&document).unwrap_or_default());
    } else {
        let mut out = Output::new();
        for recipe in &set.recipes {
            let layer = recipe.layer.as_deref().unwrap_or("-");
            outln!(out, "{} ({layer}, priority {})", recipe.path.display(), recipe.priority);
            for append in &recipe.appends {
                outln!(out, "  + {}", append.display());
            }
        }
        eprintln!("{} recipes, {} masked", set.recipes.len(), set.masked);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
