//! `rbake recipes`: the recipe files BBFILES names, with their layer,
//! priority and appends, like `bitbake-layers show-recipes` and
//! `show-appends` together.

use std::process::ExitCode;

use rbake_queries::recipes::recipe_set;
use serde_json::json;

use crate::cli::{GlobalArgs, RecipesArgs};
use crate::outln;
use crate::output::Output;
use crate::workspace::{process_env, Failed, Workspace};

pub fn run(global: &GlobalArgs, args: &RecipesArgs) -> Result<ExitCode, Failed> {
    let workspace = Workspace::open(global, process_env())?;
    workspace.checked_config()?;
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
        Err(Failed)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
