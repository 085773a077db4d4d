//! Statements: the eight operators, flags, `export`, `unset`, and the
//! history they record. The expected values and histories are those of
//! BitBake's configuration parser on the same statements.

use super::super::{AssignOp, HistoryEntry, Provenance};
use super::{get, raw, DataStore};

fn at(line: u32) -> Provenance {
    Provenance::new("t.conf", line)
}

fn apply(d: &mut DataStore, line: u32, name: &str, flag: Option<&str>, op: AssignOp, value: &str) {
    d.apply_assignment(name, flag, op, value, false, &at(line)).unwrap();
}

/// The history of a name as `(op, flag, detail, line)`.
fn ops(d: &DataStore, name: &str) -> Vec<(String, Option<String>, String, u32)> {
    d.history(name)
        .map(|h| {
            (
                h.op.to_string(),
                h.flag.as_deref().map(str::to_owned),
                h.detail.to_string(),
                h.statement,
            )
        })
        .collect()
}

fn entry(
    op: &str,
    flag: Option<&str>,
    detail: &str,
    line: u32,
) -> (String, Option<String>, String, u32) {
    (op.to_owned(), flag.map(str::to_owned), detail.to_owned(), line)
}

#[test]
fn each_operator_on_a_value() {
    use AssignOp::*;
    let mut d = DataStore::new();
    for (line, (op, value)) in [
        (Set, "a"),
        (Append, "b"),
        (Prepend, "c"),
        (AppendNoSpace, "d"),
        (PrependNoSpace, "e"),
        (Default, "f"),
    ]
    .into_iter()
    .enumerate()
    {
        apply(&mut d, line as u32 + 1, "A", None, op, value);
    }
    assert_eq!(d.own_content("A").unwrap(), "ec a bd");
    assert_eq!(
        ops(&d, "A"),
        [
            entry("set", None, "a", 1),
            entry("append", None, "b", 2),
            entry("prepend", None, "c", 3),
            entry("postdot", None, "d", 4),
            entry("predot", None, "e", 5),
            entry("set?", None, "f", 6),
        ]
    );
}

#[test]
fn weak_default_and_default() {
    use AssignOp::*;
    let mut d = DataStore::new();
    apply(&mut d, 1, "B", None, WeakDefault, "g");
    assert_eq!(get(&d, "B").unwrap(), "g");
    assert_eq!(d.own_content("B"), None);
    // `?=` sees no own value, so it sets one.
    apply(&mut d, 2, "B", None, Default, "h");
    apply(&mut d, 3, "B", None, WeakDefault, "i");
    assert_eq!(get(&d, "B").unwrap(), "h");
    // The last weak default wins.
    apply(&mut d, 4, "G", None, WeakDefault, "one");
    apply(&mut d, 5, "G", None, WeakDefault, "two");
    assert_eq!(get(&d, "G").unwrap(), "two");
    assert_eq!(
        ops(&d, "B"),
        [
            entry("set", Some("_defaultval"), "g", 1),
            entry("set?", None, "h", 2),
            entry("set", Some("_defaultval"), "i", 3),
        ]
    );
}

#[test]
fn append_operator_ignores_weak_default_and_queued_operations() {
    use AssignOp::*;
    let mut d = DataStore::new();
    apply(&mut d, 4, "C", None, WeakDefault, "w");
    apply(&mut d, 5, "C", None, Append, "x");
    apply(&mut d, 6, "C:append", None, Set, "y");
    assert_eq!(d.own_content("C").unwrap(), " x");
    assert_eq!(get(&d, "C").unwrap(), " xy");
    assert_eq!(
        ops(&d, "C"),
        [
            entry("set", Some("_defaultval"), "w", 4),
            entry("append", None, "x", 5),
            entry(":append", None, "y", 6),
        ]
    );
}

#[test]
fn operators_on_flags() {
    use AssignOp::*;
    let mut d = DataStore::new();
    apply(&mut d, 7, "A", Some("doc"), Set, "x");
    apply(&mut d, 8, "A", Some("doc"), WeakDefault, "y");
    apply(&mut d, 9, "A", Some("doc"), Append, "z");
    apply(&mut d, 10, "A", Some("doc2"), WeakDefault, "d");
    apply(&mut d, 11, "A", Some("doc2"), Default, "e");
    assert_eq!(d.own_flag("A", "doc").unwrap(), "x z");
    assert_eq!(d.own_flag("A", "doc2").unwrap(), "e");
    assert_eq!(d.own_flag("A", "_defaultval_flag_doc").unwrap(), "y");
    assert_eq!(
        ops(&d, "A"),
        [
            entry("set", Some("doc"), "x", 7),
            entry("set", Some("_defaultval_flag_doc"), "y", 8),
            entry("append", Some("doc"), "z", 9),
            entry("set", Some("_defaultval_flag_doc2"), "d", 10),
            entry("set?", Some("doc2"), "e", 11),
        ]
    );
}

#[test]
fn immediate_expands_now() {
    use AssignOp::*;
    let mut d = DataStore::new();
    apply(&mut d, 13, "A", None, Set, "a");
    apply(&mut d, 14, "D", None, Immediate, "${A}");
    apply(&mut d, 15, "A", None, Set, "changed");
    // The variable's own old value, not a self-reference.
    apply(&mut d, 16, "D", None, Immediate, "${D} x");
    assert_eq!(raw(&d, "D").unwrap(), "a x");
    assert_eq!(
        ops(&d, "D"),
        [entry("immediate", None, "${A}", 14), entry("immediate", None, "${D} x", 16)]
    );
}

#[test]
fn immediate_failure_is_returned() {
    let mut d = DataStore::new();
    apply(&mut d, 1, "B", None, AssignOp::Set, "${B}");
    let err =
        d.apply_assignment("D", None, AssignOp::Immediate, "${B}", false, &at(2)).unwrap_err();
    assert_eq!(err.chain, ["B", "D[:=]"]);
    assert!(!d.contains("D"));
}

#[test]
fn operators_on_queued_operation_names() {
    use AssignOp::*;
    let mut d = DataStore::new();
    apply(&mut d, 17, "X:append", None, Append, "y");
    apply(&mut d, 18, "X:append:foo", None, AppendNoSpace, "z");
    assert_eq!(raw(&d, "X").unwrap(), " y");
    assert_eq!(
        ops(&d, "X"),
        [entry(":append", None, " y", 17), entry(":append[foo]", None, "z", 18)]
    );
}

#[test]
fn statements_keep_override_variants() {
    use AssignOp::*;
    let mut d = DataStore::new();
    apply(&mut d, 19, "OVERRIDES", None, Set, "bar");
    apply(&mut d, 20, "T", None, Set, "t");
    apply(&mut d, 21, "T:bar", None, Set, "tb");
    apply(&mut d, 22, "T", None, Set, "t2");
    assert_eq!(get(&d, "T").unwrap(), "tb");
    assert_eq!(d.own_content("T").unwrap(), "t2");
}

#[test]
fn export_statements() {
    let mut d = DataStore::new();
    d.apply_assignment("F", None, AssignOp::Set, "f", true, &at(24)).unwrap();
    d.apply_export("C", &at(23));
    assert_eq!(d.own_flag("F", "export").unwrap(), "1");
    assert_eq!(d.export_list().collect::<Vec<_>>(), ["C", "F"]);
    assert_eq!(
        ops(&d, "F"),
        [entry("exported", Some("export"), "1", 24), entry("set", None, "f", 24)]
    );
    assert_eq!(ops(&d, "C"), [entry("exported", Some("export"), "1", 23)]);
}

#[test]
fn unset_statements() {
    use AssignOp::*;
    let mut d = DataStore::new();
    apply(&mut d, 1, "B", None, Set, "b");
    apply(&mut d, 2, "A", Some("doc"), Set, "x");
    apply(&mut d, 3, "A", None, Set, "a");
    d.apply_unset("B", &at(25));
    d.apply_unset_flag("A", "doc", &at(26));
    // An unset flag records nothing.
    d.apply_unset_flag("A", "nothing", &at(27));
    assert_eq!(get(&d, "B"), None);
    assert_eq!(d.get_var_flags("A", false), None);
    assert_eq!(ops(&d, "B"), [entry("set", None, "b", 1), entry("del", None, "", 25)]);
    assert_eq!(ops(&d, "A").last().unwrap(), &entry("delFlag", Some("doc"), "", 26));
}

#[test]
fn history_entries_carry_the_file() {
    let mut d = DataStore::new();
    d.apply_assignment("A", None, AssignOp::Set, "a", false, &Provenance::new("x/y.conf", 9))
        .unwrap();
    let h: Vec<&HistoryEntry> = d.history("A").collect();
    assert_eq!(&*h[0].file, "x/y.conf");
    assert_eq!(h[0].statement, 9);
}

#[test]
fn old_override_syntax_is_refused_but_not_in_flags() {
    let mut d = DataStore::new();
    for name in ["FOO_append", "do_remove_old", "my_prepended"] {
        let err = d.apply_assignment(name, None, AssignOp::Set, "x", false, &at(1)).unwrap_err();
        assert!(err.to_string().contains("old override syntax"), "{err}");
        assert!(!d.contains(name));
    }
    // BitBake checks names in setVar only: a flag assignment goes through.
    d.apply_assignment("FOO_append", Some("doc"), AssignOp::Set, "x", false, &at(2)).unwrap();
    d.set_var("__anon_12_x_remove", "body", true, &at(3)).unwrap();
}
