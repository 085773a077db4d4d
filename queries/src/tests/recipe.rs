//! The per-recipe datastores: finalisation and BBCLASSEXTEND variants.

use std::path::PathBuf;

use crate::config::Invocation;
use crate::recipe::{parse_recipe, RecipeId};
use crate::test_db::TestDb;

/// A variant is finalised from the datastore as it was before the main
/// one's finalisation, so a class that both inherit late is a dependency of
/// each: BitBake keeps `__depends` in the datastore, which the variant
/// copies.
#[test]
fn a_variant_lists_the_classes_it_inherits_late() {
    let (db, invocation) =
        parse_one("PN = \"hello\"\ninherit_defer native\nBBCLASSEXTEND = \"native\"\n");
    let recipe = RecipeId::new(&db, PathBuf::from("/l/recipes/r_1.0.bb"));
    let parsed = parse_recipe(&db, invocation, recipe);
    assert!(!parsed.failed, "{:?}", parsed.diagnostics);
    let names: Vec<&str> = parsed.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["", "native"]);
    for variant in &parsed.variants {
        let included =
            variant.state.datastore.get_var("BBINCLUDED", true).unwrap().unwrap_or_default();
        assert!(
            included.split_whitespace().any(|path| path == "/l/classes/native.bbclass"),
            "variant {:?}: {included}",
            variant.name
        );
    }
}

/// Parses `/l/recipes/r_1.0.bb` with `text` over an empty configuration.
fn parse_one(text: &str) -> (TestDb, Invocation) {
    let db = TestDb::default();
    for (path, text) in [
        ("/l/conf/bitbake.conf", "BBFILES = \"/l/recipes/*.bb\"\n"),
        ("/l/classes/base.bbclass", ""),
        ("/l/classes/native.bbclass", "OVERRIDES = \"class-native\"\n"),
        ("/l/recipes/r_1.0.bb", text),
    ] {
        db.system.write(path, text);
    }
    let env = vec![("BBPATH".to_owned(), "/l".to_owned())];
    let invocation = Invocation::new(&db, PathBuf::from("/build"), env, Vec::new(), Vec::new());
    (db, invocation)
}

/// BitBake stores the expanded BBCLASSEXTEND, appends applied, where every
/// datastore sees it, and makes one variant per distinct name.
#[test]
fn bbclassextend_is_stored_expanded_and_names_count_once() {
    let (db, invocation) = parse_one(
        "EXTS = \"native\"\nEXTS:class-native = \"other\"\n\
         BBCLASSEXTEND = \"${EXTS} native\"\nBBCLASSEXTEND:append = \" \"\n",
    );
    let recipe = RecipeId::new(&db, PathBuf::from("/l/recipes/r_1.0.bb"));
    let parsed = parse_recipe(&db, invocation, recipe);
    let names: Vec<&str> = parsed.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["", "native"]);
    for variant in &parsed.variants {
        let raw = variant.state.datastore.get_var("BBCLASSEXTEND", false).unwrap();
        assert_eq!(raw.as_deref(), Some("native native "), "variant {:?}", variant.name);
    }
}

/// `add_tasks` sets the `task` flag under the task's expanded name.
#[test]
fn tasks_are_flagged_under_their_expanded_names() {
    let (db, invocation) = parse_one("NAME = \"gen\"\naddtask do_${NAME}\n");
    let recipe = RecipeId::new(&db, PathBuf::from("/l/recipes/r_1.0.bb"));
    let parsed = parse_recipe(&db, invocation, recipe);
    let datastore = &parsed.variants[0].state.datastore;
    assert_eq!(datastore.get_var_flag("do_gen", "task", false).unwrap().as_deref(), Some("1"));
}

/// A recipe that no layer's pattern matches has FILE_LAYERNAME set to
/// None by BitBake: it reads as unset and is not listed.
#[test]
fn a_recipe_outside_every_layer_has_no_layer_name() {
    let (db, invocation) = parse_one("N = \"${FILE_LAYERNAME}\"\n");
    let recipe = RecipeId::new(&db, PathBuf::from("/l/recipes/r_1.0.bb"));
    let parsed = parse_recipe(&db, invocation, recipe);
    let datastore = &parsed.variants[0].state.datastore;
    assert_eq!(datastore.get_var("N", true).unwrap().as_deref(), Some("${FILE_LAYERNAME}"));
    assert!(!datastore.keys().unwrap().iter().any(|name| name == "FILE_LAYERNAME"));
}

/// Key expansion renames a function whose name holds a reference and
/// drops its flags, `deps` included; a name with flags alone is no
/// variable to rename and keeps them.
#[test]
fn key_expansion_drops_the_deps_of_a_renamed_task() {
    let (db, invocation) = parse_one(
        "PN = \"k\"\ndo_${PN}_task() {\n\t:\n}\naddtask ${PN}_task after do_a\n\
         addtask ${PN}_flags after do_a\n",
    );
    let recipe = RecipeId::new(&db, PathBuf::from("/l/recipes/r_1.0.bb"));
    let parsed = parse_recipe(&db, invocation, recipe);
    let state = &parsed.variants[0].state;
    let deps: Vec<(&str, usize)> = ["do_${PN}_task", "do_${PN}_flags", "do_k_task", "do_k_flags"]
        .into_iter()
        .filter_map(|name| Some((name, state.task_deps(name)?.len())))
        .collect();
    assert_eq!(deps, [("do_${PN}_flags", 1)]);
}

/// An error while finalising (a deferred inherit, a variant's class, a
/// virtual provider without a preferred one) fails the whole recipe.
#[test]
fn errors_while_finalising_fail_the_recipe() {
    for text in [
        "inherit_defer missing\n",
        "BBCLASSEXTEND = \"missing\"\n",
        "BB_RECIPE_VIRTUAL_PROVIDERS = \"virtual/x\"\nDEPENDS = \"virtual/x\"\n",
        "addtask build\ndo_build[depends] = \"nocolon\"\n",
    ] {
        let (db, invocation) = parse_one(text);
        let recipe = RecipeId::new(&db, PathBuf::from("/l/recipes/r_1.0.bb"));
        let parsed = parse_recipe(&db, invocation, recipe);
        assert!(parsed.failed, "{text}");
        assert!(parsed.variants.is_empty(), "{text}");
    }
}

/// A layer nested inside another claims its own recipes whatever the
/// order of BBFILE_COLLECTIONS: the collector tries the longer pattern
/// first.
#[test]
fn a_nested_layer_claims_its_own_recipes() {
    let db = TestDb::default();
    let layer = |name: &str| {
        format!(
            "BBFILES += \"${{LAYERDIR}}/*.bb\"\nBBFILE_COLLECTIONS += \"{name}\"\n\
             BBFILE_PATTERN_{name} = \"^${{LAYERDIR}}/\"\nBBFILE_PRIORITY_{name} = \"1\"\n"
        )
    };
    for (path, text) in [
        ("/b/conf/bblayers.conf", "BBLAYERS = \"/o /o/i\"\n".to_owned()),
        ("/o/conf/layer.conf", layer("outer")),
        ("/o/i/conf/layer.conf", layer("inner")),
        ("/o/conf/bitbake.conf", String::new()),
        ("/o/classes/base.bbclass", String::new()),
        ("/o/a_1.0.bb", String::new()),
        ("/o/i/b_1.0.bb", String::new()),
    ] {
        db.system.write(path, &text);
    }
    let env = vec![("BBPATH".to_owned(), "/o".to_owned())];
    let invocation = Invocation::new(&db, PathBuf::from("/b"), env, Vec::new(), Vec::new());
    let set = crate::recipes::recipe_set(&db, invocation);
    let layers: Vec<(String, Option<&str>)> = set
        .recipes
        .iter()
        .map(|recipe| (recipe.path.display().to_string(), recipe.layer.as_deref()))
        .collect();
    assert_eq!(
        layers,
        [("/o/a_1.0.bb".to_owned(), Some("outer")), ("/o/i/b_1.0.bb".to_owned(), Some("inner"))]
    );
}

/// Globbed names sort as strings (`a-b/` before `a/`), and a relative
/// BBFILES entry gives relative names, which the recipe reads along
/// BBPATH.
#[test]
fn bbfiles_names_sort_as_strings_and_stay_relative() {
    let db = TestDb::default();
    for (path, text) in [
        ("/l/conf/bitbake.conf", "BBFILES = \"/l/r/*/*.bb ../l/x/*.bb\"\n"),
        ("/l/classes/base.bbclass", ""),
        ("/l/r/a/one_1.0.bb", ""),
        ("/l/r/a-b/two_1.0.bb", ""),
        ("/l/x/rel_1.0.bb", "WHERE = \"${FILE}\"\n"),
        ("/b/placeholder", ""),
    ] {
        db.system.write(path, text);
    }
    let env = vec![("BBPATH".to_owned(), "/l".to_owned())];
    let invocation = Invocation::new(&db, PathBuf::from("/b"), env, Vec::new(), Vec::new());
    let set = crate::recipes::recipe_set(&db, invocation);
    let paths: Vec<String> = set.recipes.iter().map(|r| r.path.display().to_string()).collect();
    assert_eq!(paths, ["/l/r/a-b/two_1.0.bb", "/l/r/a/one_1.0.bb", "../l/x/rel_1.0.bb"]);
    let recipe = RecipeId::new(&db, PathBuf::from("../l/x/rel_1.0.bb"));
    let parsed = parse_recipe(&db, invocation, recipe);
    assert!(!parsed.failed, "{:?}", parsed.diagnostics);
    let datastore = &parsed.variants[0].state.datastore;
    assert_eq!(datastore.get_var("WHERE", true).unwrap().as_deref(), Some("/l/../l/x/rel_1.0.bb"));
}

/// Without BBFILES, the `.bb` files of the working directory are the
/// recipes, as the cooker's `get_bbfiles` finds them.
#[test]
fn without_bbfiles_the_working_directory_is_read() {
    let db = TestDb::default();
    for (path, text) in [
        ("/l/conf/bitbake.conf", ""),
        ("/l/classes/base.bbclass", ""),
        ("/b/here_1.0.bb", ""),
        ("/b/notes.txt", ""),
    ] {
        db.system.write(path, text);
    }
    let env = vec![("BBPATH".to_owned(), "/l".to_owned())];
    let invocation = Invocation::new(&db, PathBuf::from("/b"), env, Vec::new(), Vec::new());
    let set = crate::recipes::recipe_set(&db, invocation);
    let paths: Vec<String> = set.recipes.iter().map(|r| r.path.display().to_string()).collect();
    assert_eq!(paths, ["/b/here_1.0.bb"]);
    assert_eq!(set.prioritized_patterns, "");
}
