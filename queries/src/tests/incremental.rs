//! Incrementality: after an edit, exactly the queries that must re-run do.

use std::path::PathBuf;

use salsa::Setter;

use crate::lower::{file_statement_positions, file_statements, Stmt};
use crate::test_db::TestDb;
use crate::{parse_file, SourceFile};

fn recipe(db: &TestDb, text: &str) -> SourceFile {
    SourceFile::new(db, PathBuf::from("/layer/recipes/hello_1.0.bb"), text.to_string(), true)
}

/// Runs the statement and position queries, as a consumer would.
fn read_all(db: &TestDb, file: SourceFile) -> (usize, u32) {
    let statements = file_statements(db, file).len();
    let last_line = file_statement_positions(db, file).last().map_or(0, |p| p.last_line);
    (statements, last_line)
}

#[test]
fn a_comment_edit_reruns_only_parsing_and_positions() {
    let mut db = TestDb::default();
    let file = recipe(&db, "A = \"1\"\nB = \"${A}\"\n");
    assert_eq!(read_all(&db, file), (2, 2));
    db.take_executed();

    file.set_text(&mut db).to("# a new comment\nA = \"1\"\nB = \"${A}\"\n".to_string());
    let statements_before = file_statements(&db, file).clone();
    assert_eq!(read_all(&db, file), (2, 3));
    assert_eq!(
        db.take_executed(),
        ["parse_file", "file_statements", "file_statement_positions"],
        "statements re-run to find they are equal; nothing that reads them may"
    );
    assert_eq!(**file_statements(&db, file), *statements_before);
}

#[test]
fn a_value_edit_changes_the_statements() {
    let mut db = TestDb::default();
    let file = recipe(&db, "A = \"1\"\n");
    read_all(&db, file);
    db.take_executed();

    file.set_text(&mut db).to("A = \"2\"\n".to_string());
    read_all(&db, file);
    assert_eq!(db.take_executed(), ["parse_file", "file_statements", "file_statement_positions"]);
    let [Stmt::Assign { value, .. }] = &**file_statements(&db, file) else { panic!() };
    assert_eq!(value, "2");
}

#[test]
fn an_unchanged_file_reruns_nothing() {
    let mut db = TestDb::default();
    let file = recipe(&db, "A = \"1\"\n");
    let other =
        SourceFile::new(&db, PathBuf::from("/layer/classes/base.bbclass"), String::new(), true);
    read_all(&db, file);
    read_all(&db, other);
    db.take_executed();

    other.set_text(&mut db).to("B = \"x\"\n".to_string());
    read_all(&db, file);
    assert_eq!(db.take_executed(), Vec::<String>::new());
    parse_file(&db, other);
    assert_eq!(db.take_executed(), ["parse_file"]);
}

mod recipes {
    //! Edits to recipes and classes re-run only the recipes that read them.

    use std::path::Path;

    use crate::config::Invocation;
    use crate::files::Files;
    use crate::recipe::{parse_recipe, RecipeId};
    use crate::test_db::TestDb;

    fn setup() -> (TestDb, Invocation) {
        TestDb::with_layer(&[
            ("/layer/conf/bitbake.conf", "A = \"config\"\n"),
            ("/layer/classes/base.bbclass", "addtask build\n"),
            ("/layer/classes/tool.bbclass", "TOOL = \"1\"\n"),
            ("/layer/recipes/one_1.0.bb", "inherit tool\nX = \"1\"\n"),
            ("/layer/recipes/two_1.0.bb", "Y = \"2\"\n"),
        ])
    }

    #[test]
    fn a_recipe_edit_reruns_only_that_recipe() {
        let (mut db, invocation) = setup();
        db.parse_all(invocation);
        db.edit_once("/layer/recipes/one_1.0.bb");
        db.parse_all(invocation);
        db.take_executed();

        let path = Path::new("/layer/recipes/one_1.0.bb");
        Files::update(&mut db, path, Some("inherit tool\nX = \"changed\"\n".into()));
        db.parse_all(invocation);
        assert_eq!(
            db.take_executed(),
            ["parse_file", "first_syntax_error", "file_statements", "parse_recipe"]
        );
        let one = parse_recipe(&db, invocation, RecipeId::new(&db, path.to_path_buf()));
        let x = one.variants[0].state.datastore.get_var("X", true).unwrap();
        assert_eq!(x.as_deref(), Some("changed"));
    }

    #[test]
    fn a_class_edit_reruns_only_the_recipes_that_inherit_it() {
        let (mut db, invocation) = setup();
        db.parse_all(invocation);
        db.edit_once("/layer/classes/tool.bbclass");
        db.parse_all(invocation);
        db.take_executed();

        Files::update(
            &mut db,
            Path::new("/layer/classes/tool.bbclass"),
            Some("TOOL = \"2\"\n".into()),
        );
        db.parse_all(invocation);
        // `one` inherits the class and re-runs; `two` does not read it.
        assert_eq!(
            db.take_executed(),
            ["parse_file", "first_syntax_error", "file_statements", "parse_recipe"]
        );
    }

    #[test]
    fn a_comment_in_a_recipe_reruns_no_recipe() {
        let (mut db, invocation) = setup();
        db.parse_all(invocation);
        db.edit_once("/layer/recipes/two_1.0.bb");
        db.parse_all(invocation);
        db.take_executed();

        let path = Path::new("/layer/recipes/two_1.0.bb");
        Files::update(&mut db, path, Some("# A comment.\nY = \"2\"\n".into()));
        db.parse_all(invocation);
        assert_eq!(db.take_executed(), ["parse_file", "first_syntax_error", "file_statements"]);
    }
}
