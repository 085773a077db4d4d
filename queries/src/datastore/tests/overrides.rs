//! Overrides: which variant wins, how `OVERRIDES` itself is computed, and
//! what setting and deleting do to variants.

use super::super::{ErrorCause, PythonEvaluator};
use super::{get, here, keys, raw, set, store, DataStore};

/// `OVERRIDES` first, then the pairs, each set as plain `setVar` does.
fn with_overrides(overrides: &str, pairs: &[(&str, &str)]) -> DataStore {
    let mut d = store(&[("OVERRIDES", overrides)]);
    for (name, value) in pairs {
        set(&mut d, name, value);
    }
    d
}

/// The setting of BitBake's override tests.
fn base() -> DataStore {
    with_overrides("foo:bar:local", &[("TEST", "testvalue")])
}

#[test]
fn no_variant() {
    assert_eq!(get(&base(), "TEST").unwrap(), "testvalue");
}

#[test]
fn one_variant() {
    let mut d = base();
    set(&mut d, "TEST:bar", "testvalue2");
    assert_eq!(get(&d, "TEST").unwrap(), "testvalue2");
}

#[test]
fn variant_of_unset_variable_lists_it() {
    let mut d = base();
    set(&mut d, "TEST2:bar", "testvalue2");
    assert_eq!(get(&d, "TEST2").unwrap(), "testvalue2");
    assert_eq!(keys(&d), ["OVERRIDES", "TEST", "TEST2", "TEST2:bar"]);
}

#[test]
fn later_override_wins() {
    let mut d = base();
    set(&mut d, "TEST:bar", "testvalue2");
    set(&mut d, "TEST:local", "testvalue3");
    set(&mut d, "TEST:foo", "testvalue4");
    assert_eq!(get(&d, "TEST").unwrap(), "testvalue3");
    assert_eq!(keys(&d), ["OVERRIDES", "TEST", "TEST:bar", "TEST:foo", "TEST:local"]);

    let pair = [("T:a", "1"), ("T:b", "2")];
    assert_eq!(get(&with_overrides("a:b", &pair), "T").unwrap(), "2");
    assert_eq!(get(&with_overrides("b:a", &pair), "T").unwrap(), "1");
}

#[test]
fn multi_part_variant() {
    let mut d = base();
    set(&mut d, "TEST:local:foo:bar", "testvalue3");
    assert_eq!(get(&d, "TEST").unwrap(), "testvalue3");
    // Each prefix with an active rest is listed as a key.
    assert_eq!(
        keys(&d),
        ["OVERRIDES", "TEST", "TEST:local", "TEST:local:foo", "TEST:local:foo:bar"]
    );
    let mut d = base();
    set(&mut d, "TEST2:local:foo:bar", "testvalue3");
    assert_eq!(get(&d, "TEST2").unwrap(), "testvalue3");
}

#[test]
fn multi_part_precedence() {
    // `c:a` loses its last part `a`, then matches as `c`, the last override.
    let d = with_overrides("a:b:c", &[("T:c:a", "1"), ("T:b", "2")]);
    assert_eq!(get(&d, "T").unwrap(), "1");
    // `a:c` becomes `a` only after `c` is met, so it wins in a later round.
    let d = with_overrides("a:b:c", &[("T:a:c", "1"), ("T:b", "2")]);
    assert_eq!(get(&d, "T").unwrap(), "1");
    let d = with_overrides("x:y", &[("T", "t"), ("T:y:x", "yx"), ("T:x", "x")]);
    assert_eq!(get(&d, "T").unwrap(), "yx");
    let d = with_overrides("a:ab", &[("T:a:ab:a", "1"), ("T:ab", "2")]);
    assert_eq!(get(&d, "T").unwrap(), "1");
}

#[test]
fn override_with_underscore() {
    let mut d = base();
    set(&mut d, "TEST:bar", "testvalue2");
    set(&mut d, "TEST:some_val", "testvalue3");
    set(&mut d, "TEST:foo", "testvalue4");
    set(&mut d, "OVERRIDES", "foo:bar:some_val");
    assert_eq!(get(&d, "TEST").unwrap(), "testvalue3");
}

#[test]
fn removes_of_the_winning_variant_carry_over() {
    let mut d = base();
    set(&mut d, "TEST:bar", "testvalue2");
    set(&mut d, "TEST:some_val", "testvalue3 testvalue5");
    set(&mut d, "TEST:some_val:remove", "testvalue3");
    set(&mut d, "TEST:foo", "testvalue4");
    set(&mut d, "OVERRIDES", "foo:bar:some_val");
    assert_eq!(get(&d, "TEST").unwrap(), " testvalue5");
}

#[test]
fn variant_with_only_a_remove_leaves_the_own_value() {
    let d = with_overrides("bar", &[("T", "a b"), ("T:bar:remove", "a")]);
    assert_eq!(get(&d, "T").unwrap(), "a b");
    assert_eq!(d.override_variants("T"), [("T:bar".to_owned(), "bar".to_owned())]);
}

#[test]
fn own_append_applies_to_the_variant() {
    let mut d = base();
    set(&mut d, "TEST:append", "testvalue2");
    set(&mut d, "TEST:bar", "testvalue3");
    assert_eq!(get(&d, "TEST").unwrap(), "testvalue3testvalue2");
}

#[test]
fn conditional_append() {
    let mut d = base();
    set(&mut d, "TEST:append:bar", "testvalue2");
    assert_eq!(get(&d, "TEST").unwrap(), "testvaluetestvalue2");
}

#[test]
fn append_to_a_variant() {
    let mut d = base();
    set(&mut d, "TEST:bar:append", "testvalue2");
    assert_eq!(get(&d, "TEST").unwrap(), "testvalue2");
}

#[test]
fn inactive_append_to_unset_variable_gives_no_value() {
    let mut d = base();
    set(&mut d, "BAR:append:unusedoverride", "testvalue2");
    assert_eq!(get(&d, "BAR"), None);
    // The queued operation is stored, so the name is listed.
    assert!(keys(&d).contains(&"BAR".to_owned()));
}

#[test]
fn weak_default_of_a_variant_wins() {
    let mut d = with_overrides("bar", &[("TEST", "t")]);
    d.set_var_flag("TEST:bar", "_defaultval", "weak", &here()).unwrap();
    assert_eq!(get(&d, "TEST").unwrap(), "weak");
}

#[test]
fn overrides_are_unset_without_overrides_variable() {
    let d = store(&[("T", "t"), ("T:x", "tx")]);
    assert_eq!(d.overrides().unwrap().as_slice(), [""]);
    assert_eq!(get(&d, "T").unwrap(), "t");
}

#[test]
fn overrides_settle_by_rounds() {
    let d = with_overrides(
        "a:${X}",
        &[("X", "x"), ("X:a", "y"), ("T", "t"), ("T:a", "ta"), ("T:y", "ty"), ("T:x", "tx")],
    );
    assert_eq!(d.overrides().unwrap().as_slice(), ["a", "y"]);
    assert_eq!(get(&d, "T").unwrap(), "ty");
}

#[test]
fn overrides_that_never_settle_are_an_error() {
    let d = with_overrides("${X}", &[("X", "a"), ("X:a", "b"), ("X:b", "a"), ("T", "t")]);
    let mut d2 = d.clone();
    set(&mut d2, "T:a", "x");
    let err = d2.get_var("T", true).unwrap_err();
    assert!(matches!(err.cause, ErrorCause::UnstableOverrides(_)));
    assert!(err.chain.is_empty());
    // A variable without variants or queued operations does not need them.
    assert_eq!(get(&d, "T").unwrap(), "t");
}

#[test]
fn plain_set_deletes_active_variants_and_forgets_the_rest() {
    let mut d = with_overrides("bar", &[("TEST", "t"), ("TEST:bar", "tb"), ("TEST:foo", "tf")]);
    set(&mut d, "TEST", "new");
    assert_eq!(get(&d, "TEST").unwrap(), "new");
    assert_eq!(keys(&d), ["OVERRIDES", "TEST", "TEST:foo"]);
    set(&mut d, "OVERRIDES", "foo");
    assert_eq!(get(&d, "TEST").unwrap(), "new");
}

#[test]
fn parsing_set_keeps_variants() {
    let mut d = with_overrides("bar", &[("TEST", "t"), ("TEST:bar", "tb")]);
    d.set_var("TEST", "new", true, &here()).unwrap();
    assert_eq!(get(&d, "TEST").unwrap(), "tb");
}

#[test]
fn delete_forgets_variants() {
    let mut d = with_overrides("bar", &[("TEST", "t"), ("TEST:bar", "tb")]);
    d.del_var("TEST", &here());
    assert_eq!(get(&d, "TEST"), None);
    assert_eq!(keys(&d), ["OVERRIDES", "TEST:bar"]);
    set(&mut d, "TEST", "again");
    assert_eq!(get(&d, "TEST").unwrap(), "again");
}

#[test]
fn variant_referring_to_its_base_is_a_cycle_even_unexpanded() {
    let d = with_overrides("bar", &[("TEST", "t"), ("TEST:bar", "${TEST} x")]);
    let err = d.get_var("TEST", false).unwrap_err();
    assert!(matches!(err.cause, ErrorCause::Recursion(_)));
    assert_eq!(err.varname.as_deref(), Some("TEST:bar"));
}

#[test]
fn lower_case_append_target_becomes_a_variant_of_its_prefix() {
    // BitBake records `foo` as the variant `foo` of `fo`.
    let d = with_overrides("foo", &[("foo:append", "x")]);
    assert_eq!(keys(&d), ["OVERRIDES", "fo", "foo"]);
    assert_eq!(get(&d, "fo").unwrap(), "x");
}

#[test]
fn python_in_overrides_runs_through_the_evaluator() {
    struct Machine;
    impl PythonEvaluator for Machine {
        fn eval(&mut self, code: &str, _ds: &DataStore) -> Result<String, String> {
            assert_eq!(code, "'qemu'");
            Ok("qemu".to_owned())
        }
    }
    let d = with_overrides("a:${@'qemu'}", &[("T", "t"), ("T:qemu", "q")]);
    assert_eq!(get(&d, "T").unwrap(), "t");
    // What was computed without Python is not reused with it, and back.
    assert_eq!(d.get_var_with("T", true, &mut Machine).unwrap().unwrap(), "q");
    assert_eq!(d.overrides_with(&mut Machine).unwrap().as_slice(), ["a", "qemu"]);
    assert_eq!(raw(&d, "T").unwrap(), "t");
}

#[test]
fn plain_set_uses_the_overrides_from_before_the_change() {
    // `OVERRIDES` depends on `B`, whose own append makes `x` an override.
    // Dropping that append on a plain set does not save `B:x`: BitBake
    // decides with the overrides it had before the set.
    let mut d = with_overrides("${B}", &[("B", "b"), ("B:append", ":x"), ("B:x", "bx")]);
    assert_eq!(get(&d, "OVERRIDES").unwrap(), "bx:x");
    set(&mut d, "B", "new");
    assert_eq!(keys(&d), ["B", "OVERRIDES"]);
    assert_eq!(get(&d, "B").unwrap(), "new");
}

#[test]
fn setting_a_name_overrides_depends_on_expands_it_at_once() {
    // BitBake expands the new value of such a name when it is set.
    let mut d = with_overrides("${X}", &[]);
    let err = d.set_var("X", "${X}", true, &here()).unwrap_err();
    assert!(matches!(err.cause, ErrorCause::SelfReference(_)));
    // The value is set all the same.
    assert_eq!(d.own_content("X").unwrap(), "${X}");
    // Other names are not expanded when set.
    d.set_var("Y", "${Y}", true, &here()).unwrap();
}
