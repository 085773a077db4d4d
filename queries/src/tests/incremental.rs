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
