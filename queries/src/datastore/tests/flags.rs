//! Flags: raw values, weak defaults, expansion, deletion, the export list.

use std::collections::BTreeMap;

use super::{get, here, keys, set, store, DataStore};

/// The setting of BitBake's flag tests.
fn base() -> DataStore {
    let mut d = store(&[("foo", "value of foo")]);
    for (flag, value) in [
        ("flag1", "value of flag1"),
        ("_defaultval_flag_flag1", "default of flag1"),
        ("flag2", "value of flag2"),
        ("_defaultval_flag_flag2", "default of flag2"),
        ("flag3", "value of flag3"),
        ("_defaultval_flag_flagnovalue", "default of flagnovalue"),
    ] {
        d.set_var_flag("foo", flag, value, &here()).unwrap();
    }
    d
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn flag(d: &DataStore, name: &str, flag: &str) -> Option<String> {
    d.get_var_flag(name, flag, false).unwrap()
}

#[test]
fn set_flags_and_list_them() {
    let d = base();
    assert_eq!(flag(&d, "foo", "flag1").unwrap(), "value of flag1");
    assert_eq!(flag(&d, "foo", "flag2").unwrap(), "value of flag2");
    assert_eq!(
        d.get_var_flags("foo", false).unwrap(),
        map(&[
            ("flag1", "value of flag1"),
            ("flag2", "value of flag2"),
            ("flag3", "value of flag3"),
            ("flagnovalue", "default of flagnovalue"),
        ])
    );
    assert_eq!(
        d.get_var_flags("foo", true).unwrap(),
        map(&[
            ("_content", "value of foo"),
            ("flag1", "value of flag1"),
            ("flag2", "value of flag2"),
            ("flag3", "value of flag3"),
            ("_defaultval_flag_flag1", "default of flag1"),
            ("_defaultval_flag_flag2", "default of flag2"),
            ("_defaultval_flag_flagnovalue", "default of flagnovalue"),
        ])
    );
}

#[test]
fn delete_flag_takes_its_weak_default_along() {
    let mut d = base();
    d.del_var_flag("foo", "flag2", &here());
    d.del_var_flag("foo", "flag3", &here());
    assert_eq!(flag(&d, "foo", "flag1").unwrap(), "value of flag1");
    assert_eq!(flag(&d, "foo", "flag2"), None);
    assert_eq!(
        d.get_var_flags("foo", false).unwrap(),
        map(&[("flag1", "value of flag1"), ("flagnovalue", "default of flagnovalue")])
    );
    assert_eq!(
        d.get_var_flags("foo", true).unwrap(),
        map(&[
            ("_content", "value of foo"),
            ("flag1", "value of flag1"),
            ("_defaultval_flag_flag1", "default of flag1"),
            ("_defaultval_flag_flagnovalue", "default of flagnovalue"),
        ])
    );
}

#[test]
fn delete_variable_takes_its_flags() {
    let mut d = base();
    d.del_var("foo", &here());
    assert_eq!(flag(&d, "foo", "flag1"), None);
    assert_eq!(flag(&d, "foo", "flag2"), None);
    assert_eq!(d.get_var_flags("foo", true), None);
}

#[test]
fn weak_default_of_a_flag() {
    let mut d = base();
    assert_eq!(flag(&d, "foo", "flagnovalue").unwrap(), "default of flagnovalue");
    assert_eq!(d.own_flag("foo", "flagnovalue"), None);
    // Deleting an unset flag does nothing, even to its weak default.
    d.del_var_flag("foo", "flagnovalue", &here());
    assert_eq!(flag(&d, "foo", "flagnovalue").unwrap(), "default of flagnovalue");
}

#[test]
fn flag_expansion_may_refer_to_its_variable() {
    let d = store(&[("A", "a"), ("B", "b")]);
    let mut d = d;
    d.set_var_flag("A", "doc", "${A} ${B}", &here()).unwrap();
    assert_eq!(d.get_var_flag("A", "doc", true).unwrap().unwrap(), "a b");
    assert_eq!(flag(&d, "A", "doc").unwrap(), "${A} ${B}");
}

#[test]
fn append_and_prepend_to_a_flag_start_from_its_weak_default() {
    let mut d = DataStore::new();
    d.set_var_flag("A", "_defaultval_flag_f", "w", &here()).unwrap();
    d.append_var_flag("A", "f", "x", &here()).unwrap();
    d.prepend_var_flag("A", "f", "p", &here()).unwrap();
    assert_eq!(
        d.get_var_flags("A", true).unwrap(),
        map(&[("_defaultval_flag_f", "w"), ("f", "pwx")])
    );
}

#[test]
fn content_flag_is_the_value_and_keeps_queued_operations() {
    let mut d = store(&[("A", "a"), ("A:append", "b")]);
    d.set_var_flag("A", "_content", "c", &here()).unwrap();
    assert_eq!(get(&d, "A").unwrap(), "cb");
}

#[test]
fn export_list_keeps_deleted_names() {
    let mut d = DataStore::new();
    d.set_var_flag("A", "export", "1", &here()).unwrap();
    d.set_var_flag("B", "unexport", "1", &here()).unwrap();
    d.del_var("A", &here());
    assert_eq!(d.export_list().collect::<Vec<_>>(), ["A", "B"]);
    assert_eq!(keys(&d), ["B", "__exportlist"]);
}

#[test]
fn variable_whose_last_flag_is_deleted_is_gone() {
    let mut d = DataStore::new();
    d.set_var_flag("A", "doc", "x", &here()).unwrap();
    d.del_var_flag("A", "doc", &here());
    assert!(keys(&d).is_empty());
    assert!(!d.contains("A"));
    set(&mut d, "B", "b");
    assert_eq!(keys(&d), ["B"]);
}

#[test]
fn a_flag_set_to_none_is_present_without_a_value() {
    let mut d = base();
    d.set_var_flag_none("foo", "flag1", &here());
    d.set_var_flag_none("foo", "flagnovalue", &here());
    // It reads as unset, and its weak default stays hidden.
    assert_eq!(flag(&d, "foo", "flag1"), None);
    assert_eq!(flag(&d, "foo", "flagnovalue"), None);
    assert_eq!(d.none_flags("foo").collect::<Vec<_>>(), ["flag1", "flagnovalue"]);
    assert_eq!(
        d.get_var_flags("foo", false).unwrap(),
        map(&[("flag2", "value of flag2"), ("flag3", "value of flag3")])
    );
    // Appending to it starts from nothing; deleting it removes it.
    d.append_var_flag("foo", "flag1", "new", &here()).unwrap();
    assert_eq!(flag(&d, "foo", "flag1").as_deref(), Some("new"));
    d.del_var_flag("foo", "flagnovalue", &here());
    assert_eq!(d.none_flags("foo").count(), 0);
}
