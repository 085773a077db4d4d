//! Salsa's cancellation, as watch and the server use it: a token cancelled
//! from another thread stops a long computation at its next query, and the
//! database answers correctly afterwards.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rbake_queries::recipe::{parse_recipe, RecipeId};
use rbake_queries::recipes::recipe_set;

use crate::cli::GlobalArgs;
use crate::workspace::Workspace;

const RECIPES: usize = 12;
/// What each recipe's anonymous Python sleeps.
const SLEEP: Duration = Duration::from_millis(250);

fn slow_layer() -> PathBuf {
    let top = std::env::temp_dir().join(format!("rbake-cancel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&top);
    std::fs::create_dir_all(top.join("conf")).unwrap();
    std::fs::create_dir_all(top.join("recipes")).unwrap();
    std::fs::create_dir_all(top.join("classes")).unwrap();
    std::fs::write(top.join("classes/base.bbclass"), "").unwrap();
    std::fs::write(top.join("conf/bitbake.conf"), "BBFILES = \"${TOPDIR}/recipes/*.bb\"\n")
        .unwrap();
    let bblayers = "BBPATH = \"${TOPDIR}\"\nBBLAYERS = \"${TOPDIR}\"\n";
    std::fs::write(top.join("conf/bblayers.conf"), bblayers).unwrap();
    std::fs::write(top.join("conf/layer.conf"), "BBPATH .= \":${LAYERDIR}\"\n").unwrap();
    let body = format!(
        "python __anonymous() {{\n    import time\n    time.sleep({})\n}}\n",
        SLEEP.as_secs_f64()
    );
    for index in 0..RECIPES {
        std::fs::write(top.join(format!("recipes/r{index}_1.0.bb")), &body).unwrap();
    }
    top
}

/// Parses every recipe; the number that parsed without failing.
fn parse_all(workspace: &Workspace) -> usize {
    let db = &workspace.db;
    let set = recipe_set(db, workspace.invocation);
    let parsed = set.recipes.iter().map(|recipe| {
        parse_recipe(db, workspace.invocation, RecipeId::new(db, recipe.path.clone()))
    });
    parsed.filter(|parsed| !parsed.failed).count()
}

#[test]
fn a_cancelled_token_stops_the_queries_and_the_database_still_answers() {
    let top = slow_layer();
    let global = GlobalArgs { topdir: Some(top.clone()), read: Vec::new(), postread: Vec::new() };
    let workspace = Workspace::new(&global, vec![("PATH".into(), "/usr/bin:/bin".into())]).unwrap();
    let token = salsa::Database::cancellation_token(&workspace.db);
    let cancelled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let canceller = {
        let cancelled = cancelled.clone();
        std::thread::spawn(move || {
            std::thread::sleep(SLEEP * 2);
            cancelled.store(true, Ordering::SeqCst);
            token.cancel();
        })
    };
    let started = Instant::now();
    // One operation, as a command's queries are: salsa resets a token when
    // the outermost attachment of the database ends.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        salsa::attach(&workspace.db, || parse_all(&workspace))
    }));
    let took = started.elapsed();
    canceller.join().unwrap();
    assert!(outcome.is_err(), "the parse was cancelled");
    assert!(cancelled.load(Ordering::SeqCst));
    // Twelve recipes take three seconds; the cancelled parse stopped at the
    // next recipe after the token was cancelled.
    assert!(took < SLEEP * 6, "stopped after {took:?}");
    // The database is whole: the parse runs to its end when asked again.
    assert_eq!(parse_all(&workspace), RECIPES);
    let _ = std::fs::remove_dir_all(&top);
}
