//! The plan as salsa sees it: a DEPENDS edit re-plans, but resolves only
//! the names it adds, and leaves the provider index alone.

use std::path::Path;

use crate::config::Invocation;
use crate::files::Files;
use crate::plan::{plan, Level, PlanOutcome, PlanRequest};
use crate::test_db::TestDb;

const BASE_CLASS: &str = "addtask fetch\naddtask compile after do_fetch\n\
    addtask build after do_compile\n\
    do_compile[deptask] = \"do_build\"\n";

fn setup() -> (TestDb, Invocation) {
    TestDb::with_layer(&[
        (
            "/layer/conf/bitbake.conf",
            "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0]}\"\n\
             PV = \"1.0\"\nPR = \"r0\"\n",
        ),
        ("/layer/classes/base.bbclass", BASE_CLASS),
        ("/layer/recipes/app_1.0.bb", "DEPENDS = \"lib\"\n"),
        ("/layer/recipes/lib_1.0.bb", "DEPENDS = \"zlib\"\n"),
        ("/layer/recipes/zlib_1.0.bb", ""),
        ("/layer/recipes/tool_1.0.bb", "PROVIDES = \"virtual/tool\"\n"),
    ])
}

fn plan_app(db: &TestDb, invocation: Invocation) -> &PlanOutcome {
    let request = PlanRequest::new(db, vec!["app".to_owned()], None, vec![], vec![], vec![], false);
    plan(db, invocation, request)
}

/// The plan's tasks as `PN:task`, in order.
fn ordered(outcome: &PlanOutcome) -> Vec<String> {
    let plan = outcome.plan.as_ref().expect("a plan");
    plan.order().map(|task| format!("{}:{}", task.pn, task.task)).collect()
}

#[test]
fn a_plan_runs_dependencies_first() {
    let (db, invocation) = setup();
    let outcome = plan_app(&db, invocation);
    assert!(outcome.messages.iter().all(|m| m.level != Level::Error), "{:?}", outcome.messages);
    let order = ordered(outcome);
    let position = |name: &str| order.iter().position(|task| task == name).unwrap();
    assert!(position("zlib:do_build") < position("lib:do_compile"));
    assert!(position("lib:do_build") < position("app:do_compile"));
    assert!(!order.iter().any(|task| task.starts_with("tool:")), "{order:?}");
    let batches = &outcome.plan.as_ref().unwrap().batches;
    // Every fetch runs first; then each recipe's compile and build in turn.
    assert_eq!(batches.len(), 7, "{batches:?}");
}

#[test]
fn a_depends_edit_resolves_only_the_new_name() {
    let (mut db, invocation) = setup();
    plan_app(&db, invocation);
    db.edit_once("/layer/recipes/app_1.0.bb");
    plan_app(&db, invocation);
    db.take_executed();

    let path = Path::new("/layer/recipes/app_1.0.bb");
    Files::update(&mut db, path, Some("DEPENDS = \"lib virtual/tool\"\n".into()));
    let order = ordered(plan_app(&db, invocation));
    assert!(order.iter().any(|task| task == "tool:do_build"), "{order:?}");
    // The recipe is parsed again and its facts read; its provider facts
    // are unchanged, so the index and every resolved name stay; only
    // `virtual/tool` is resolved, and the plan is made again.
    assert_eq!(
        db.take_executed(),
        [
            "parse_file",
            "first_syntax_error",
            "file_statements",
            "parse_recipe",
            "recipe_entries",
            "provider_facts",
            "plan",
            "build_providers",
        ]
    );
}

#[test]
fn an_edit_the_plan_does_not_read_leaves_it_alone() {
    let (mut db, invocation) = setup();
    plan_app(&db, invocation);
    db.edit_once("/layer/recipes/app_1.0.bb");
    plan_app(&db, invocation);
    db.take_executed();

    let path = Path::new("/layer/recipes/app_1.0.bb");
    Files::update(&mut db, path, Some("DEPENDS = \"lib\"\nSUMMARY = \"An app\"\n".into()));
    plan_app(&db, invocation);
    assert_eq!(
        db.take_executed(),
        ["parse_file", "first_syntax_error", "file_statements", "parse_recipe", "recipe_entries"]
    );
}

#[test]
fn a_cycle_is_an_error_that_names_it() {
    let (db, invocation) = setup();
    db.system.write("/layer/recipes/zlib_1.0.bb", "do_fetch[depends] = \"app:do_build\"\n");
    let outcome = plan_app(&db, invocation);
    assert!(outcome.plan.is_none(), "{:?}", outcome.messages);
    let text: Vec<&str> = outcome.messages.iter().map(|m| m.text.as_str()).collect();
    let text = text.join("\n");
    assert!(text.contains("Dependency loop #1 found:"), "{text}");
    assert!(text.contains("/layer/recipes/zlib_1.0.bb:do_fetch"), "{text}");
    assert!(text.contains("/layer/recipes/app_1.0.bb:do_build"), "{text}");
}
