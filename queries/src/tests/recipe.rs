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
    let db = TestDb::default();
    for (path, text) in [
        ("/l/conf/bitbake.conf", "BBFILES = \"/l/recipes/*.bb\"\n"),
        ("/l/classes/base.bbclass", ""),
        ("/l/classes/native.bbclass", "CLASS = \"native\"\n"),
        (
            "/l/recipes/hello_1.0.bb",
            "PN = \"hello\"\ninherit_defer native\nBBCLASSEXTEND = \"native\"\n",
        ),
    ] {
        db.system.write(path, text);
    }
    let env = vec![("BBPATH".to_owned(), "/l".to_owned())];
    let invocation = Invocation::new(&db, PathBuf::from("/build"), env, Vec::new(), Vec::new());
    let recipe = RecipeId::new(&db, PathBuf::from("/l/recipes/hello_1.0.bb"));
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
