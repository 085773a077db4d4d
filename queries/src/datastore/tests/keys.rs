//! Listing keys, copying, renaming and expanding names.

use super::super::{ErrorCause, KeyReplacement};
use super::{get, here, keys, raw, set, store, DataStore};

fn three() -> DataStore {
    store(&[
        ("foo", "value_of_foo"),
        ("bar", "value_of_bar"),
        ("value_of_foo", "value_of_'value_of_foo'"),
    ])
}

#[test]
fn keys_list_set_names() {
    assert_eq!(keys(&three()), ["bar", "foo", "value_of_foo"]);
}

#[test]
fn deleting_in_a_copy_leaves_the_original() {
    let d = three();
    let mut copy = d.clone();
    copy.del_var("bar", &here());
    assert_eq!(keys(&copy), ["foo", "value_of_foo"]);
    assert_eq!(keys(&d), ["bar", "foo", "value_of_foo"]);
    assert_eq!(raw(&d, "bar").unwrap(), "value_of_bar");
}

#[test]
fn delete() {
    let mut d = three();
    d.del_var("foo", &here());
    assert_eq!(raw(&d, "foo"), None);
}

#[test]
fn rename() {
    let mut d = three();
    d.rename_var("foo", "newfoo", &here()).unwrap();
    assert_eq!(raw(&d, "newfoo").unwrap(), "value_of_foo");
    assert_eq!(raw(&d, "foo"), None);
}

#[test]
fn rename_moves_value_not_flags() {
    let mut d = store(&[("A", "a"), ("B", "b")]);
    d.set_var_flag("A", "doc", "ad", &here()).unwrap();
    d.set_var_flag("B", "doc", "bd", &here()).unwrap();
    d.rename_var("A", "B", &here()).unwrap();
    let flags = d.get_var_flags("B", true).unwrap();
    assert_eq!(flags.get("_content").unwrap(), "a");
    assert_eq!(flags.get("doc").unwrap(), "bd");
    assert!(!d.contains("A"));

    // A weak default moves as a plain value.
    let mut d = DataStore::new();
    d.set_var_flag("A", "_defaultval", "dv", &here()).unwrap();
    d.rename_var("A", "B", &here()).unwrap();
    assert_eq!(
        d.get_var_flags("B", true).unwrap().into_iter().collect::<Vec<_>>(),
        [("_content".to_owned(), "dv".to_owned())]
    );
}

#[test]
fn rename_moves_variants_and_queued_operations() {
    let mut d = store(&[("OVERRIDES", "x"), ("A", "a"), ("A:x", "ax"), ("A:x:append", "1")]);
    set(&mut d, "A:remove", "a");
    d.rename_var("A", "B", &here()).unwrap();
    assert_eq!(keys(&d), ["B", "B:x", "OVERRIDES"]);
    assert_eq!(d.override_variants("B"), [("B:x".to_owned(), "x".to_owned())]);
    assert_eq!(get(&d, "B").unwrap(), "ax1");
}

#[test]
fn rename_of_a_name_with_only_variants() {
    let mut d =
        store(&[("ALTERNATIVE:ncurses-tools:class-target", "a"), ("OVERRIDES", "class-target")]);
    d.rename_var("ALTERNATIVE:ncurses-tools", "ALTERNATIVE:lib32-ncurses-tools", &here()).unwrap();
    assert_eq!(get(&d, "ALTERNATIVE:lib32-ncurses-tools").unwrap(), "a");
}

#[test]
fn rename_history() {
    let mut d = store(&[("A", "a")]);
    d.rename_var("A", "B", &here()).unwrap();
    let ops = |name: &str| -> Vec<(String, String)> {
        d.history(name).map(|h| (h.op.to_string(), h.detail.to_string())).collect()
    };
    assert_eq!(ops("A"), [("set".into(), "a".into()), ("rename (to)".into(), "B".into())]);
    assert_eq!(ops("B"), [("set".into(), "a".into()), ("rename from A".into(), "a".into())]);
}

#[test]
fn expand_keys_reports_replaced_values() {
    let mut d = store(&[("FOO", "foo"), ("BAR", "foo"), ("VAL_${FOO}", "A"), ("VAL_${BAR}", "B")]);
    d.set_var_flag("VAL_${BAR}", "doc", "x", &here()).unwrap();
    let replaced = d.expand_keys(&here()).unwrap();
    assert_eq!(
        replaced,
        [KeyReplacement {
            key: "VAL_${FOO}".into(),
            key_value: "A".into(),
            expanded_key: "VAL_foo".into(),
            replaced_value: "B".into(),
        }]
    );
    assert_eq!(get(&d, "VAL_foo").unwrap(), "A");
    assert_eq!(keys(&d), ["BAR", "FOO", "VAL_foo"]);
    assert_eq!(d.get_var_flags("VAL_foo", false), None);
}

#[test]
fn expand_keys_makes_variants_active() {
    let mut d = store(&[("OVERRIDES", "foo:bar:local"), ("TEST", "testvalue"), ("LOCAL", "local")]);
    set(&mut d, "TEST:bar", "testvalue2");
    set(&mut d, "TEST:${LOCAL}", "testvalue3");
    set(&mut d, "TEST:foo", "testvalue4");
    d.expand_keys(&here()).unwrap();
    assert_eq!(get(&d, "TEST").unwrap(), "testvalue3");
}

#[test]
fn expand_keys_with_override_built_from_variables() {
    let mut d = store(&[("OVERRIDES", "foo:bar:local"), ("TEST", "testvalue")]);
    for (name, value) in [
        ("TARGET_ARCH", "x86_64"),
        ("PN", "test-${TARGET_ARCH}"),
        ("VERSION", "1"),
        ("VERSION:pn-test-${TARGET_ARCH}", "2"),
        ("OVERRIDES", "pn-${PN}"),
    ] {
        set(&mut d, name, value);
    }
    d.expand_keys(&here()).unwrap();
    assert_eq!(get(&d, "VERSION").unwrap(), "2");
    assert_eq!(
        keys(&d),
        ["OVERRIDES", "PN", "TARGET_ARCH", "TEST", "VERSION", "VERSION:pn-test-x86_64"]
    );
}

#[test]
fn copies_are_independent() {
    let mut config = store(&[("A", "a"), ("OVERRIDES", "x")]);
    let mut recipe = config.clone();
    set(&mut recipe, "A:x", "ax");
    set(&mut config, "B", "b");
    assert_eq!(get(&config, "A").unwrap(), "a");
    assert_eq!(get(&recipe, "A").unwrap(), "ax");
    assert!(!recipe.contains("B"));
    assert_ne!(config, recipe);
    assert_eq!(config.clone(), config);
}

#[test]
fn rename_into_an_own_variant_never_ends() {
    // BitBake hits Python's recursion limit here.
    let mut d = store(&[("B", "b c")]);
    let err = d.rename_var("B", "B:x", &here()).unwrap_err();
    assert!(matches!(err.cause, ErrorCause::Recursion(_)));
    assert!(err.chain.is_empty());
}

#[test]
fn a_copy_lists_only_the_names_changed_since() {
    let mut d = store(&[("A", "a"), ("B", "b"), ("C", "c")]).create_copy();
    assert_eq!(d.local_keys().count(), 0);
    set(&mut d, "B", "b2");
    d.set_var("D:append", " d", true, &here()).unwrap();
    d.del_var("C", &here());
    d.del_var_flag("A", "doc", &here());
    d.del_var_flag("NOWHERE", "doc", &here());
    // A flag deleted from an existing variable still copies it in.
    assert_eq!(d.local_keys().collect::<Vec<_>>(), ["B", "D", "C", "A"]);
}

#[test]
fn expand_var_ref_replaces_in_local_values_only() {
    let mut d = store(&[("UNTOUCHED", "${DIR}/a"), ("TOUCHED", "${DIR}/b")]).create_copy();
    set(&mut d, "DIR", "/layer");
    d.set_var("TOUCHED", "${DIR}/c", true, &here()).unwrap();
    d.set_var("QUEUED", "q", true, &here()).unwrap();
    d.set_var("QUEUED:append", " ${DIR}/d", true, &here()).unwrap();
    d.set_var("KEPT", "k", true, &here()).unwrap();
    d.set_var("KEPT:append", " e", true, &here()).unwrap();
    d.expand_var_ref("DIR", &here()).unwrap();
    assert_eq!(raw(&d, "UNTOUCHED").unwrap(), "${DIR}/a");
    assert_eq!(raw(&d, "TOUCHED").unwrap(), "/layer/c");
    // The queued append was folded into the value and dropped.
    assert_eq!(d.own_content("QUEUED"), Some("q /layer/d"));
    assert!(d.deferred("QUEUED", crate::datastore::ListKind::Append).is_empty());
    // Without the reference, the queue stays.
    assert_eq!(d.own_content("KEPT"), Some("k"));
    assert_eq!(raw(&d, "KEPT").unwrap(), "k e");
}

#[test]
fn a_rebase_puts_the_new_base_before_a_copys_own_keys() {
    let mut before = store(&[("A", "a"), ("B", "b")]);
    before.freeze_local_keys();
    let mut after = store(&[("A", "a"), ("X", "x"), ("B", "b")]);
    after.freeze_local_keys();
    let mut own = before.clone();
    set(&mut own, "D", "d");
    assert!(own.local_keys_extend(&before));
    own.rebase_local_keys(&before, &after, ["X".to_owned()].iter());
    assert_eq!(own.local_keys().collect::<Vec<_>>(), ["A", "X", "B", "D"]);
    let mut fresh = after.clone();
    set(&mut fresh, "D", "d");
    assert!(own.same_local_keys(&fresh) && fresh.same_local_keys(&own));
}
