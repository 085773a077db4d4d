//! `rbake parse`: parse every recipe, like `bitbake -p`, in parallel, then
//! report problems, the number of recipes and the time taken.

use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;
use rbake_queries::eval::{Diagnostic, Severity};
use rbake_queries::recipe::{parse_recipe, RecipeId};
use rbake_queries::recipes::recipe_set;

use crate::cli::GlobalArgs;
use crate::workspace::{process_env, Failed, Workspace};

pub fn run(global: &GlobalArgs) -> Result<ExitCode, Failed> {
    let workspace = Workspace::open(global, process_env())?;
    let started = Instant::now();
    workspace.checked_config()?;
    let set = recipe_set(&workspace.db, workspace.invocation);
    let mut failed = workspace.report(&set.diagnostics);
    // One database clone per worker; they share the memoized results.
    let results: Vec<(usize, bool, Vec<Diagnostic>)> = set
        .recipes
        .par_iter()
        .map_with(workspace.db.clone(), |db, recipe| {
            let parsed =
                parse_recipe(db, workspace.invocation, RecipeId::new(db, recipe.path.clone()));
            (parsed.variants.len(), parsed.failed, parsed.diagnostics.clone())
        })
        .collect();
    let elapsed = started.elapsed();
    let mut variants = 0;
    let mut broken = 0;
    let (mut errors, mut warnings) = (0, 0);
    for (count, recipe_failed, diagnostics) in &results {
        variants += count;
        broken += usize::from(*recipe_failed);
        failed |= workspace.report(diagnostics);
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
    }
    eprintln!(
        "Parsed {} recipes ({variants} variants, {broken} failed) in {:.3} s: {errors} errors, {warnings} warnings, {} masked",
        set.recipes.len(),
        elapsed.as_secs_f64(),
        set.masked
    );
    if failed || broken > 0 {
        Err(Failed)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}
