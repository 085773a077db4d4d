//! Queued operations: `:append`, `:prepend` and `:remove`, and the
//! `appendVar` / `prependVar` calls that queue them.

use super::super::ErrorCause;
use super::{get, here, raw, set, store, DataStore};

fn base() -> DataStore {
    store(&[("FOO", "foo"), ("VAL", "val"), ("BAR", "bar")])
}

#[test]
fn prepend_call() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL}");
    d.prepend_var("TEST", "${FOO}:", &here()).unwrap();
    assert_eq!(get(&d, "TEST").unwrap(), "foo:val");
}

#[test]
fn append_call() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL}");
    d.append_var("TEST", ":${BAR}", &here()).unwrap();
    assert_eq!(get(&d, "TEST").unwrap(), "val:bar");
}

#[test]
fn several_calls() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL}");
    d.prepend_var("TEST", "${FOO}:", &here()).unwrap();
    d.append_var("TEST", ":val2", &here()).unwrap();
    d.append_var("TEST", ":${BAR}", &here()).unwrap();
    assert_eq!(get(&d, "TEST").unwrap(), "foo:val:val2:bar");
}

#[test]
fn prepend_name() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL}");
    set(&mut d, "TEST:prepend", "${FOO}:");
    assert_eq!(get(&d, "TEST").unwrap(), "foo:val");
}

#[test]
fn append_name() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL}");
    set(&mut d, "TEST:append", ":${BAR}");
    assert_eq!(get(&d, "TEST").unwrap(), "val:bar");
}

#[test]
fn several_names() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL}");
    set(&mut d, "TEST:prepend", "${FOO}:");
    set(&mut d, "TEST:append", ":val2");
    set(&mut d, "TEST:append", ":${BAR}");
    assert_eq!(get(&d, "TEST").unwrap(), "foo:val:val2:bar");
}

#[test]
fn append_to_unset_variable() {
    let mut d = base();
    set(&mut d, "TEST:prepend", "${FOO}:");
    set(&mut d, "TEST:append", ":val2");
    set(&mut d, "TEST:append", ":${BAR}");
    assert_eq!(get(&d, "TEST").unwrap(), "foo::val2:bar");
}

#[test]
fn later_prepend_goes_first_and_conditions_are_checked() {
    let mut d = store(&[("OVERRIDES", "a:b"), ("T", "x")]);
    d.prepend_var("T", "1 ", &here()).unwrap();
    d.prepend_var("T", "2 ", &here()).unwrap();
    set(&mut d, "T:append:a:b", " ab");
    set(&mut d, "T:append:a:c", " ac");
    set(&mut d, "T:prepend:b", "B ");
    assert_eq!(get(&d, "T").unwrap(), "B 2 1 x ab");
}

#[test]
fn remove() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL} ${BAR}");
    set(&mut d, "TEST:remove", "val");
    assert_eq!(get(&d, "TEST").unwrap(), " bar");
    // The raw value is before removal.
    assert_eq!(raw(&d, "TEST").unwrap(), "${VAL} ${BAR}");
}

#[test]
fn plain_set_clears_queued_operations() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL} ${BAR}");
    set(&mut d, "TEST:remove", "val");
    set(&mut d, "TEST", "${VAL} ${BAR}");
    assert_eq!(get(&d, "TEST").unwrap(), "val bar");
}

#[test]
fn parsing_set_keeps_queued_operations() {
    let mut d = store(&[("T", "a b"), ("T:remove", "a"), ("T:append", " c")]);
    d.set_var("T", "x a", true, &here()).unwrap();
    assert_eq!(get(&d, "T").unwrap(), "x  c");
    set(&mut d, "T", "x a");
    assert_eq!(get(&d, "T").unwrap(), "x a");
}

#[test]
fn inactive_remove_keeps_white_space() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL} ${BAR}    123");
    set(&mut d, "TEST:remove:inactiveoverride", "val");
    assert_eq!(get(&d, "TEST").unwrap(), "val bar    123");
}

#[test]
fn remove_applies_in_each_reference() {
    let mut d = base();
    set(&mut d, "TEST", "${VAL} ${BAR}");
    set(&mut d, "TEST:remove", "val");
    set(&mut d, "TEST_TEST", "${TEST} ${TEST}");
    assert_eq!(get(&d, "TEST_TEST").unwrap(), " bar  bar");
}

#[test]
fn remove_from_empty_value() {
    let mut d = base();
    set(&mut d, "TEST", "");
    set(&mut d, "TEST:remove", "val");
    assert_eq!(get(&d, "TEST").unwrap(), "");
}

#[test]
fn remove_item_is_expanded() {
    let mut d = base();
    set(&mut d, "BAR", "Z");
    set(&mut d, "TEST", "${BAR}/X Y");
    set(&mut d, "TEST:remove", "${BAR}/X");
    assert_eq!(get(&d, "TEST").unwrap(), " Y");
}

#[test]
fn remove_item_expands_to_several_words() {
    let mut d = base();
    set(&mut d, "TEST", "A B C D");
    set(&mut d, "BAR", "B D");
    set(&mut d, "TEST:remove", "${BAR}");
    assert_eq!(get(&d, "TEST").unwrap(), "A  C ");
}

#[test]
fn remove_of_absent_word_keeps_white_space() {
    let mut d = base();
    set(&mut d, "TEST", " A B");
    set(&mut d, "TEST:remove", "C");
    assert_eq!(get(&d, "TEST").unwrap(), " A B");
}

#[test]
fn remove_keeps_surrounding_white_space() {
    let mut d = base();
    set(&mut d, "TEST", " A B");
    set(&mut d, "TEST:remove", "B");
    assert_eq!(get(&d, "TEST").unwrap(), " A ");
}

#[test]
fn remove_works_on_expanded_words_and_keeps_every_space() {
    let d = store(&[
        ("OVERRIDES", "a"),
        ("T", "p  q\tp  r "),
        ("T:remove:a", "p"),
        ("T:remove:z", "q"),
    ]);
    assert_eq!(get(&d, "T").unwrap(), "  q\t  r ");
    let d = store(&[("T", "a ${X} b"), ("X", "c d"), ("T:remove", "c b")]);
    assert_eq!(get(&d, "T").unwrap(), "a  d ");
}

#[test]
fn python_white_space_separates_words() {
    // U+001C counts as white space for Python's split, U+00A0 too.
    let d = store(&[("T", "a\u{1c}b c\u{a0}d"), ("T:remove", "b d")]);
    assert_eq!(get(&d, "T").unwrap(), "a\u{1c} c\u{a0}");
}

#[test]
fn remove_referring_to_its_variable_is_a_cycle() {
    let d = store(&[("T", "a b"), ("T:remove", "${T}")]);
    let err = d.get_var("T", true).unwrap_err();
    assert!(matches!(err.cause, ErrorCause::Recursion(_)));
    assert_eq!(err.chain, ["${T}"]);
}

#[test]
fn queued_operation_names_are_split_like_bitbake() {
    use super::super::{Deferred, ListKind};
    let item = |value: &str, condition: &str| Deferred {
        value: value.to_owned(),
        condition: Some(condition.to_owned()),
    };
    let mut d = store(&[("A", "a b")]);
    // The first keyword wins: this is a `:remove` under the override `append`.
    d.append_var("A:remove", "x", &here()).unwrap();
    // Upper case after the keyword: a plain variable.
    set(&mut d, "A:append:X", "y");
    set(&mut d, "A:prepend:foo:bar", "p");
    // An empty condition always holds.
    set(&mut d, "A:append:", "!");
    assert_eq!(d.deferred("A", ListKind::Remove), [item("x", "append")]);
    assert_eq!(d.deferred("A", ListKind::Prepend), [item("p", "foo:bar")]);
    assert_eq!(d.deferred("A", ListKind::Append), [item("!", "")]);
    assert_eq!(super::keys(&d), ["A", "A:append:X"]);
    assert_eq!(get(&d, "A").unwrap(), "a b!");
}
