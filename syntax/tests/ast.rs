//! Typed-AST tests: the logical text that later layers read is the text
//! BitBake's reader would see.

use rbake_syntax::ast::{AssignOp, DirectiveKind, Statement};
use rbake_syntax::{parse, FileKind, Severity};

fn statements(text: &str, kind: FileKind) -> Vec<Statement> {
    let parse = parse(text, kind);
    assert!(!parse.has_errors(), "unexpected errors: {:?}", parse.errors());
    parse.tree().statements().collect()
}

fn only_assignment(text: &str, kind: FileKind) -> (String, Option<String>, AssignOp, String, bool) {
    let statements = statements(text, kind);
    let [Statement::Assignment(assignment)] = statements.as_slice() else {
        panic!("expected one assignment, got {statements:?}");
    };
    (
        assignment.name().unwrap().text(),
        assignment.flag().and_then(|flag| flag.name()),
        assignment.op().unwrap(),
        assignment.value().unwrap().text(),
        assignment.is_exported(),
    )
}

#[test]
fn continuation_keeps_the_next_lines_indentation() {
    let (name, _, _, value, _) = only_assignment("SRC_URI = \"a \\\n    b\"\n", FileKind::Recipe);
    assert_eq!(name, "SRC_URI");
    assert_eq!(value, "a     b");
}

#[test]
fn continuation_may_split_a_name() {
    let (name, _, op, value, _) = only_assignment("FO\\\nO += \"x\"\n", FileKind::Recipe);
    assert_eq!((name.as_str(), op, value.as_str()), ("FOO", AssignOp::Append, "x"));
}

#[test]
fn every_operator() {
    let cases = [
        ("=", AssignOp::Set),
        (":=", AssignOp::Immediate),
        ("?=", AssignOp::Default),
        ("??=", AssignOp::WeakDefault),
        ("+=", AssignOp::Append),
        ("=+", AssignOp::Prepend),
        (".=", AssignOp::AppendNoSpace),
        ("=.", AssignOp::PrependNoSpace),
    ];
    for (text, op) in cases {
        let (_, flag, got, value, _) =
            only_assignment(&format!("A[f] {text} \"v\"\n"), FileKind::Conf);
        assert_eq!((flag.as_deref(), got, value.as_str()), (Some("f"), op, "v"), "operator {text}");
    }
}

#[test]
fn exported_assignment_with_overrides() {
    let (name, _, op, value, exported) =
        only_assignment("export A:append:arm ??= 'x'\n", FileKind::Conf);
    assert_eq!(
        (name.as_str(), op, value.as_str(), exported),
        ("A:append:arm", AssignOp::WeakDefault, "x", true)
    );
}

#[test]
fn inherit_as_an_assignment_is_an_inherit_in_recipes() {
    let recipe = statements("inherit = \"x\"\n", FileKind::Recipe);
    assert!(matches!(&recipe[..], [Statement::Directive(d)] if d.kind() == DirectiveKind::Inherit));
    let conf = parse("include = \"x\"\n", FileKind::Conf);
    assert!(matches!(conf.tree().statements().next(), Some(Statement::Assignment(_))));
}

#[test]
fn addtask_splits_on_after_and_before() {
    let statements =
        statements("addtask do_a after do_b do_c before do_d # why\n", FileKind::Recipe);
    let [Statement::AddTask(task)] = statements.as_slice() else { panic!("{statements:?}") };
    assert_eq!(task.tasks().as_deref(), Some("do_a"));
    assert_eq!(task.after().as_deref(), Some("do_b do_c"));
    assert_eq!(task.before().as_deref(), Some("do_d "));
}

#[test]
fn function_bodies_are_stripped_lines() {
    let text = "python do_x () {\n    a = 1   \n\n    b = '${B}'\n}\n";
    let statements = statements(text, FileKind::Recipe);
    let [Statement::Function(function)] = statements.as_slice() else { panic!("{statements:?}") };
    assert_eq!(function.name().unwrap().text(), "do_x");
    assert!(function.is_python() && function.is_closed());
    assert_eq!(function.body_lines(), ["    a = 1", "", "    b = '${B}'"]);
}

#[test]
fn python_def_takes_indented_blank_and_comment_lines() {
    let text = "def f(d):\n    x = 1\n\n# note\n    return x\nA = \"1\"\n";
    let statements = statements(text, FileKind::Recipe);
    let [Statement::PythonDef(def), Statement::Assignment(_)] = statements.as_slice() else {
        panic!("{statements:?}")
    };
    assert_eq!(def.name().as_deref(), Some("f"));
    assert_eq!(def.lines(), ["def f(d):", "    x = 1", "", "# note", "    return x"]);
}

#[test]
fn addfragments_groups() {
    let statements = statements("addfragments conf/fragments A B C\n", FileKind::Conf);
    let [Statement::Directive(directive)] = statements.as_slice() else { panic!("{statements:?}") };
    assert_eq!(directive.groups().unwrap(), ["conf/fragments", "A", "B", "C"]);
}

#[test]
fn comments_differ_between_readers() {
    // A configuration value may continue onto a line that starts with `#`.
    let (_, _, _, value, _) = only_assignment("A = \"x \\\n# y\"\n", FileKind::Conf);
    assert_eq!(value, "x # y");
    // A recipe refuses it.
    let recipe = parse("A = \"x \\\n# y\"\n", FileKind::Recipe);
    assert!(recipe.errors().iter().any(|e| e.severity == Severity::Error));
}

#[test]
fn references_in_values() {
    let text = "A = \"${B} ${@d.getVar('C') + '${D}'} ${ not}\"\n";
    let statements = statements(text, FileKind::Recipe);
    let [Statement::Assignment(assignment)] = statements.as_slice() else { panic!() };
    let value = assignment.value().unwrap();
    let refs: Vec<_> = value.var_refs().filter_map(|r| r.name()).collect();
    assert_eq!(refs, ["B"]);
    let code: Vec<_> = value.python_exprs().filter_map(|p| p.code()).collect();
    assert_eq!(code, ["d.getVar('C') + '${D}'"]);
}
