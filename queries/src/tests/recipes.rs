//! The recipe set: BBFILES globs, BBMASK, layers and appends.

use std::path::{Path, PathBuf};

use crate::config::Invocation;
use crate::files::Files;
use crate::recipes::recipe_set;
use crate::test_db::TestDb;

const BBLAYERS: &str = "BBPATH = \"${TOPDIR}\"\nBBLAYERS = \"/l/one /l/two\"\n";
const LAYER_ONE: &str = "BBPATH .= \":${LAYERDIR}\"\n\
    BBFILES += \"${LAYERDIR}/recipes-*/*/*.bb ${LAYERDIR}/appends/*.bbappend\"\n\
    BBFILE_COLLECTIONS += \"one\"\n\
    BBFILE_PATTERN_one = \"^${LAYERDIR}/\"\n\
    BBFILE_PRIORITY_one = \"5\"\n";
const LAYER_TWO: &str = "BBFILES += \"${LAYERDIR}/recipes-*/*/*.bb\"\n\
    BBFILE_COLLECTIONS += \"two\"\n\
    BBFILE_PATTERN_two = \"^${LAYERDIR}/\"\n\
    LAYERDEPENDS_two = \"one (>= 1)\"\n\
    BBMASK = \"/l/two/recipes-masked/\"\n";

fn setup() -> (TestDb, Invocation) {
    let db = TestDb::default();
    for (path, text) in [
        ("/build/conf/bblayers.conf", BBLAYERS),
        ("/l/one/conf/layer.conf", LAYER_ONE),
        ("/l/one/conf/bitbake.conf", ""),
        ("/l/one/classes/base.bbclass", ""),
        ("/l/one/recipes-core/zlib/zlib_1.3.bb", ""),
        ("/l/one/recipes-core/hello/hello_1.0.bb", ""),
        ("/l/one/recipes-core/hello/.hidden_1.0.bb", ""),
        ("/l/one/appends/hello_%.bbappend", ""),
        ("/l/one/appends/nothing_1.0.bbappend", ""),
        ("/l/two/conf/layer.conf", LAYER_TWO),
        ("/l/two/recipes-extra/tool/tool_2.0.bb", ""),
        ("/l/two/recipes-masked/bad/bad_1.0.bb", ""),
    ] {
        db.system.write(path, text);
    }
    let invocation =
        Invocation::new(&db, PathBuf::from("/build"), Vec::new(), Vec::new(), Vec::new());
    (db, invocation)
}

#[test]
fn recipes_layers_and_appends() {
    let (db, invocation) = setup();
    let set = recipe_set(&db, invocation);
    let recipes: Vec<(String, Option<String>, i64, usize)> = set
        .recipes
        .iter()
        .map(|r| (r.path.display().to_string(), r.layer.clone(), r.priority, r.appends.len()))
        .collect();
    assert_eq!(
        recipes,
        [
            ("/l/one/recipes-core/hello/hello_1.0.bb".into(), Some("one".into()), 5, 1),
            ("/l/one/recipes-core/zlib/zlib_1.3.bb".into(), Some("one".into()), 5, 0),
            // Two has no priority of its own: one more than the layer it needs.
            ("/l/two/recipes-extra/tool/tool_2.0.bb".into(), Some("two".into()), 6, 0),
        ]
    );
    assert_eq!(set.masked, 1);
    assert_eq!(set.dangling_appends, [PathBuf::from("/l/one/appends/nothing_1.0.bbappend")]);
    assert_eq!(set.diagnostics.len(), 1);
    assert!(set.diagnostics[0]
        .message
        .starts_with("no recipes in the configured layers for these appends"));
}

#[test]
fn a_new_recipe_file_is_found() {
    let (mut db, invocation) = setup();
    assert_eq!(recipe_set(&db, invocation).recipes.len(), 3);
    let dir = Path::new("/l/one/recipes-core/hello");
    db.system.write("/l/one/recipes-core/hello/hello_2.0.bb", "");
    let entries = crate::files::System::read_dir(&*db.system, dir);
    Files::update_directory(&mut db, dir, entries);
    let set = recipe_set(&db, invocation);
    assert_eq!(set.recipes.len(), 4);
    assert_eq!(set.recipes[1].path, Path::new("/l/one/recipes-core/hello/hello_2.0.bb"));
    assert_eq!(set.recipes[1].appends.len(), 1);
}

#[test]
fn a_bad_layer_pattern_is_reported_where_it_is_set() {
    let (db, invocation) = setup();
    db.system.write(
        "/l/two/conf/layer.conf",
        "BBFILE_COLLECTIONS += \"two\"\nBBFILE_PATTERN_two = \"^(\"\n",
    );
    let set = recipe_set(&db, invocation);
    let diagnostic =
        set.diagnostics.iter().find(|d| d.message.starts_with("BBFILE_PATTERN_two")).unwrap();
    assert_eq!(diagnostic.file, Path::new("/l/two/conf/layer.conf"));
    assert_eq!(diagnostic.statement, Some(1));
}
