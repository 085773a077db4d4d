//! Expansion: references, nesting, cycles, and the Python boundary.

use super::super::{ErrorCause, NoPython};
use super::{get, raw, set, store, DataStore, Table};

/// The variables of BitBake's expansion tests.
fn three() -> DataStore {
    store(&[
        ("foo", "value_of_foo"),
        ("bar", "value_of_bar"),
        ("value_of_foo", "value_of_'value_of_foo'"),
    ])
}

fn expand(d: &DataStore, text: &str) -> String {
    d.expand(text, None).unwrap().value
}

#[test]
fn one_reference() {
    assert_eq!(expand(&three(), "${foo}"), "value_of_foo");
}

#[test]
fn reference_built_from_a_reference() {
    assert_eq!(expand(&three(), "${${foo}}"), "value_of_'value_of_foo'");
}

#[test]
fn built_reference_and_another() {
    assert_eq!(expand(&three(), "${${foo}} ${bar}"), "value_of_'value_of_foo' value_of_bar");
}

#[test]
fn undefined_reference_stays_literal() {
    assert_eq!(expand(&three(), "${undefinedvar} meh"), "${undefinedvar} meh");
}

#[test]
fn same_reference_twice() {
    let d = store(&[("BAR", "bar value"), ("FOO", "${BAR} foo ${BAR}")]);
    assert_eq!(get(&d, "FOO").unwrap(), "bar value foo bar value");
}

#[test]
fn incomplete_reference_is_plain_text() {
    let d = store(&[("FOO", "sed -i -e 's:IP{:I${:g' $pc")]);
    assert_eq!(get(&d, "FOO").unwrap(), "sed -i -e 's:IP{:I${:g' $pc");
}

#[test]
fn references_include_undefined_and_rescanned_names() {
    let d = three();
    let e = d.expand("${${foo}} ${bar} ${undef}", None).unwrap();
    assert_eq!(e.value, "value_of_'value_of_foo' value_of_bar ${undef}");
    assert_eq!(e.references.iter().collect::<Vec<_>>(), ["bar", "foo", "undef", "value_of_foo"]);

    // An undefined name left in B's value is found again in A's text.
    let d = store(&[("A", "${B} ${C}"), ("B", "${D}")]);
    let e = d.get_var_expanded("A", &mut NoPython).unwrap().unwrap();
    assert_eq!(e.references.iter().collect::<Vec<_>>(), ["B", "C", "D"]);
}

#[test]
fn nested_name_parts() {
    let d = store(&[("foo", "foo"), ("bar", "bar"), ("value_of_foobar", "187")]);
    assert_eq!(expand(&d, "${value_of_${foo}${bar}}"), "187");
}

#[test]
fn deep_nesting() {
    let d = store(&[("foo", "foo")]);
    let text = format!("{}foo{}", "${".repeat(100), "}".repeat(100));
    assert_eq!(expand(&d, &text), "foo");
}

#[test]
fn direct_self_reference_is_an_error() {
    let d = store(&[("FOO", "${FOO}")]);
    let err = d.get_var("FOO", true).unwrap_err();
    assert_eq!(err.cause, ErrorCause::SelfReference("FOO".into()));
    assert_eq!(
        err.to_string(),
        "Failure expanding variable FOO, expression was ${FOO} which triggered exception \
         Exception: variable FOO references itself!\n\
         The variable dependency chain for the failure is: FOO"
    );
}

#[test]
fn self_reference_deeper_down_names_the_chain() {
    let d = store(&[("FOO", "a ${BAR}"), ("BAR", "${BAR}")]);
    let err = d.get_var("FOO", true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Failure expanding variable BAR, expression was ${BAR} which triggered exception \
         Exception: variable BAR references itself!\n\
         The variable dependency chain for the failure is: BAR -> FOO"
    );
}

#[test]
fn indirect_cycle_is_an_error() {
    let d = store(&[("FOO", "${BAR}"), ("BAR", "${BAZ}"), ("BAZ", "${FOO}")]);
    let err = d.get_var("FOO", true).unwrap_err();
    assert_eq!(
        err.cause,
        ErrorCause::Recursion(vec!["FOO".into(), "BAR".into(), "BAZ".into(), "FOO".into()])
    );
    assert_eq!(err.varname.as_deref(), Some("BAZ"));
    assert_eq!(err.expression.as_deref(), Some("${FOO}"));
    assert_eq!(err.chain, ["BAZ", "BAR", "FOO"]);
}

#[test]
fn expanding_a_text_for_a_name_checks_self_reference() {
    let d = store(&[("A", "a")]);
    assert!(d.expand("${A} ${B}", Some("B")).is_err());
    // The name given to `:=` is decorated, so it never matches.
    assert_eq!(d.expand("${A}", Some("A[:=]")).unwrap().value, "a");
}

#[test]
fn inline_python_is_kept_and_reported_without_an_evaluator() {
    let d = three();
    let e = d.expand("${@5*12} ${foo}", None).unwrap();
    assert_eq!(e.value, "${@5*12} value_of_foo");
    assert_eq!(e.python, ["5*12"]);
    assert!(e.has_unexpanded_python());
}

#[test]
fn inline_python_runs_through_the_evaluator() {
    let d = three();
    let mut py = Table::new(&[("5*12", "60"), ("{ 'green': 1, 'blue': 2 }['green']", "1")]);
    assert_eq!(d.expand_with("${@5*12}", None, &mut py).unwrap().value, "60");
    let e = d.expand_with("${@{ 'green': 1, 'blue': 2 }['green']}", None, &mut py).unwrap();
    assert_eq!(e.value, "1");
    assert!(!e.has_unexpanded_python());
}

#[test]
fn python_with_an_unexpanded_reference_is_not_run() {
    let mut d = three();
    set(&mut d, "bar", "${unsetvar}");
    let mut py = Table::new(&[("2*2", "4")]);
    let text = "${@2*2},${foo},${@d.getVar('foo') + ' ${bar}'},${foo}";
    let e = d.expand_with(text, None, &mut py).unwrap();
    assert_eq!(e.value, "4,value_of_foo,${@d.getVar('foo') + ' ${unsetvar}'},value_of_foo");
    assert_eq!(py.asked, ["2*2"]);
}

#[test]
fn references_inside_python_are_expanded_first() {
    let d = three();
    let mut py = Table::new(&[("'boo ' + 'value_of_foo'", "boo value_of_foo")]);
    assert_eq!(
        d.expand_with("${@'boo ' + '${foo}'}", None, &mut py).unwrap().value,
        "boo value_of_foo"
    );
}

#[test]
fn python_result_is_expanded_again() {
    let d = store(&[("foo", "foo"), ("bar", "bar"), ("value_of_foobar", "187")]);
    let mut py = Table::new(&[
        ("'f'+'o'+'o'", "foo"),
        ("('foo'+'bar')[0:3]", "foo"),
        ("'BAR'.lower()", "bar"),
    ]);
    assert_eq!(d.expand_with("${${@'f'+'o'+'o'}}", None, &mut py).unwrap().value, "foo");
    let mixed = "${value_of_${@('${foo}'+'bar')[0:3]}${${@'BAR'.lower()}}}";
    assert_eq!(d.expand_with(mixed, None, &mut py).unwrap().value, "187");
}

#[test]
fn python_failure_names_the_chain() {
    let d = store(&[("FOO", "foo value ${BAR}"), ("BAR", "bar value ${@int('test')}")]);
    let mut py = Table::new(&[("int('test')", "!error")]);
    let err = d.get_var_with("FOO", true, &mut py).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Failure expanding variable BAR, expression was bar value ${@int('test')} which triggered \
         exception ValueError: invalid literal for int() with base 10: 'test'\n\
         The variable dependency chain for the failure is: BAR -> FOO"
    );
}

#[test]
fn cycle_through_python_is_an_error() {
    let d = store(&[("FOO", "${BAR}"), ("BAR", "${${@'FOO'}}")]);
    let mut py = Table::new(&[("'FOO'", "FOO")]);
    let err = d.get_var_with("FOO", true, &mut py).unwrap_err();
    assert!(matches!(err.cause, ErrorCause::Recursion(_)));
    // Without Python the name is never built, so there is no cycle.
    assert_eq!(get(&d, "FOO").unwrap(), "${${@'FOO'}}");
}

#[test]
fn python_pattern_matches_like_bitbake() {
    let find = |s: &str| -> Vec<String> {
        super::super::expand::PYTHON_REF.find_iter(s).map(|m| m.as_str().to_owned()).collect()
    };
    assert_eq!(
        find("${@{ \"green\": 1 }[\"green\"]} and ${@a}b}"),
        ["${@{ \"green\": 1 }[\"green\"]}", "${@a}"]
    );
    assert_eq!(find("${@{x} ${@{a}}} ${@x\ny} ${@}} ${@{}"), ["${@{x} ${@{a}}", "${@}}", "${@{}"]);
}

#[test]
fn raw_value_is_not_expanded() {
    let mut d = three();
    set(&mut d, "TEST", "${foo}");
    assert_eq!(raw(&d, "TEST").unwrap(), "${foo}");
    assert_eq!(get(&d, "TEST").unwrap(), "value_of_foo");
}

#[test]
fn setting_again_changes_the_value() {
    let mut d = store(&[("foo", "value of foo")]);
    assert_eq!(raw(&d, "foo").unwrap(), "value of foo");
    set(&mut d, "foo", "second value of foo");
    assert_eq!(raw(&d, "foo").unwrap(), "second value of foo");
    set(&mut d, "bar", "second value of foo");
    assert_eq!(raw(&d, "foo"), raw(&d, "bar"));
}

#[test]
fn very_deep_nesting_is_an_error() {
    let chain = |depth: usize| {
        let mut d = DataStore::new();
        for i in 0..depth {
            set(&mut d, &format!("V{i}"), &format!("${{V{}}}", i + 1));
        }
        set(&mut d, &format!("V{depth}"), "end");
        d
    };
    // BitBake itself fails at about 250 levels (Python's recursion limit);
    // this datastore stops at 150.
    assert_eq!(get(&chain(149), "V0").unwrap(), "end");
    let err = chain(150).get_var("V0", true).unwrap_err();
    assert!(matches!(err.cause, ErrorCause::Recursion(_)));
}
