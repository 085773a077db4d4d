//! Python in metadata as salsa sees it: the Python runs inside
//! `parse_recipe`, so a recipe's Python runs again only when an input of
//! that recipe changes, and an edit that changes no statement runs none.

use std::path::{Path, PathBuf};

use crate::config::Invocation;
use crate::files::Files;
use crate::recipe::{parse_recipe, RecipeId};
use crate::test_db::TestDb;

const PYCLASS: &str = "def greeting(d):\n    return \"hello \" + d.getVar(\"PN\")\n\n\
                       python () {\n    d.setVar(\"ANON\", greeting(d))\n}\n";

fn setup() -> (TestDb, Invocation) {
    TestDb::with_layer(&[
        (
            "/layer/conf/bitbake.conf",
            "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0]}\"\n",
        ),
        ("/layer/classes/base.bbclass", "addtask build\n"),
        ("/layer/classes/greet.bbclass", PYCLASS),
        (
            "/layer/recipes/one_1.0.bb",
            "inherit greet\nINLINE = \"${@d.getVar('X') * 2}\"\nX = \"ab\"\n",
        ),
        ("/layer/recipes/two_1.0.bb", "Y = \"${@PN.upper()}\"\n"),
    ])
}

/// The expanded value of `name` in the main datastore of the recipe at
/// `path`, inline Python run.
fn value(db: &TestDb, invocation: Invocation, path: &str, name: &str) -> Option<String> {
    let parsed = parse_recipe(db, invocation, RecipeId::new(db, PathBuf::from(path)));
    let state = &parsed.variants[0].state;
    let mut python = crate::python::evaluator_for(state);
    state.datastore.get_var_with(name, true, &mut *python).unwrap()
}

#[test]
fn python_results_are_those_of_bitbake_semantics() {
    let (db, invocation) = setup();
    assert_eq!(
        value(&db, invocation, "/layer/recipes/one_1.0.bb", "ANON").as_deref(),
        Some("hello one")
    );
    assert_eq!(
        value(&db, invocation, "/layer/recipes/one_1.0.bb", "INLINE").as_deref(),
        Some("abab")
    );
    assert_eq!(value(&db, invocation, "/layer/recipes/two_1.0.bb", "Y").as_deref(), Some("TWO"));
    assert_eq!(value(&db, invocation, "/layer/recipes/two_1.0.bb", "ANON"), None);
}

#[test]
fn editing_a_def_reruns_only_the_recipes_that_inherit_its_class() {
    let (mut db, invocation) = setup();
    db.parse_all(invocation);
    db.edit_once("/layer/classes/greet.bbclass");
    db.parse_all(invocation);
    db.take_executed();

    let edited = PYCLASS.replace("\"hello \"", "\"goodbye \"");
    Files::update(&mut db, Path::new("/layer/classes/greet.bbclass"), Some(edited));
    db.parse_all(invocation);
    // `one` inherits the class and runs its Python again; `two` does not.
    assert_eq!(
        db.take_executed(),
        ["parse_file", "first_syntax_error", "file_statements", "parse_recipe"]
    );
    let anon = value(&db, invocation, "/layer/recipes/one_1.0.bb", "ANON");
    assert_eq!(anon.as_deref(), Some("goodbye one"));
}

#[test]
fn a_comment_in_a_class_with_python_runs_no_python() {
    let (mut db, invocation) = setup();
    db.parse_all(invocation);
    db.edit_once("/layer/classes/greet.bbclass");
    db.parse_all(invocation);
    db.take_executed();

    let edited = format!("# A comment above the functions.\n{PYCLASS}");
    Files::update(&mut db, Path::new("/layer/classes/greet.bbclass"), Some(edited));
    db.parse_all(invocation);
    assert_eq!(db.take_executed(), ["parse_file", "first_syntax_error", "file_statements"]);
}

#[test]
fn a_value_that_inline_python_reads_reruns_its_recipe_only() {
    let (mut db, invocation) = setup();
    db.parse_all(invocation);
    db.edit_once("/layer/recipes/one_1.0.bb");
    db.parse_all(invocation);
    db.take_executed();

    let path = Path::new("/layer/recipes/one_1.0.bb");
    let edited = "inherit greet\nINLINE = \"${@d.getVar('X') * 2}\"\nX = \"cd\"\n";
    Files::update(&mut db, path, Some(edited.into()));
    db.parse_all(invocation);
    assert_eq!(
        db.take_executed(),
        ["parse_file", "first_syntax_error", "file_statements", "parse_recipe"]
    );
    assert_eq!(
        value(&db, invocation, "/layer/recipes/one_1.0.bb", "INLINE").as_deref(),
        Some("cdcd")
    );
}
