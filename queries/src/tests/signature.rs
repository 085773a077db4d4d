//! Signatures as salsa sees them: editing a variable that only one task
//! reads changes that task's basehash, and re-runs the taskhashes of that
//! task and of the tasks after it, and no others.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::Invocation;
use crate::files::Files;
use crate::plan::{plan, PlanRequest};
use crate::signature::{taskhash, TaskId};
use crate::test_db::TestDb;

const BASE_CLASS: &str = "do_fetch() {\n\techo ${FETCHVAR}\n}\n\
    do_compile() {\n\techo ${COMPILEVAR}\n}\n\
    do_build() {\n\t:\n}\n\
    addtask fetch\naddtask compile after do_fetch\naddtask build after do_compile\n\
    do_compile[deptask] = \"do_build\"\n";

fn setup() -> (TestDb, Invocation) {
    TestDb::with_layer(&[
        (
            "/layer/conf/bitbake.conf",
            "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0]}\"\n\
             BB_SIGNATURE_HANDLER = \"basic\"\n",
        ),
        ("/layer/classes/base.bbclass", BASE_CLASS),
        ("/layer/recipes/app_1.0.bb", "DEPENDS = \"lib\"\nFETCHVAR = \"a\"\n"),
        ("/layer/recipes/lib_1.0.bb", "FETCHVAR = \"x\"\nCOMPILEVAR = \"y\"\n"),
    ])
}

/// Every planned task's taskhash, by `PN:task`.
fn taskhashes(db: &TestDb, invocation: Invocation) -> BTreeMap<String, String> {
    let request = PlanRequest::new(db, vec!["app".into()], None, vec![], vec![], vec![], false);
    let outcome = plan(db, invocation, request);
    let planned = outcome.plan.as_ref().expect("a plan");
    planned
        .tasks
        .iter()
        .map(|task| {
            let id = TaskId::new(db, task.fn_name.clone(), task.task.clone());
            let hash = taskhash(db, invocation, request, id).clone().expect("a taskhash");
            (format!("{}:{}", task.pn, task.task), hash)
        })
        .collect()
}

/// Takes every taskhash, applies the edit, takes them again: the tasks
/// whose taskhash changed, and the queries executed for the second time.
fn rehash_after(
    db: &mut TestDb,
    invocation: Invocation,
    path: &str,
    text: &str,
) -> (Vec<String>, Vec<String>) {
    let before = taskhashes(db, invocation);
    db.take_executed();
    Files::update(db, Path::new(path), Some(text.into()));
    let after = taskhashes(db, invocation);
    let changed = before.keys().filter(|task| before[*task] != after[*task]).cloned().collect();
    (changed, db.take_executed())
}

fn count(executed: &[String], name: &str) -> usize {
    executed.iter().filter(|query| *query == name).count()
}

#[test]
fn a_variable_one_task_reads_reruns_that_task_and_the_tasks_after_it() {
    let (mut db, invocation) = setup();
    assert_eq!(taskhashes(&db, invocation).len(), 6);
    let edit = "FETCHVAR = \"x\"\nCOMPILEVAR = \"z\"\n";
    let (changed, executed) = rehash_after(&mut db, invocation, "/layer/recipes/lib_1.0.bb", edit);
    assert_eq!(changed, ["app:do_build", "app:do_compile", "lib:do_build", "lib:do_compile"]);

    // The recipe is parsed and signed again; its planner facts are equal,
    // so the plan stays. Each of lib's tasks has its basehash read again,
    // and only the four changed tasks have their taskhash computed again.
    assert_eq!(count(&executed, "parse_recipe"), 1, "{executed:?}");
    assert_eq!(count(&executed, "recipe_signatures"), 1, "{executed:?}");
    assert_eq!(count(&executed, "plan"), 0, "{executed:?}");
    assert_eq!(count(&executed, "dropped_dependencies"), 0, "{executed:?}");
    assert_eq!(count(&executed, "task_basehash"), 3, "{executed:?}");
    assert_eq!(count(&executed, "taskhash"), 4, "{executed:?}");
}

/// An edit to a class re-runs the parse and signatures of the recipes that
/// inherit it, and no query of a recipe that does not: `app` keeps its
/// parse and its basehashes (only its taskhashes, which take lib's, are
/// computed again).
#[test]
fn a_class_edit_reruns_no_query_of_a_recipe_that_does_not_inherit_it() {
    let (mut db, invocation) = setup();
    db.system.write("/layer/classes/tool.bbclass", "COMPILEVAR = \"from the class\"\n");
    db.system.write("/layer/recipes/lib_1.0.bb", "FETCHVAR = \"x\"\ninherit tool\n");
    let edit = "COMPILEVAR = \"edited\"\n";
    let (changed, executed) =
        rehash_after(&mut db, invocation, "/layer/classes/tool.bbclass", edit);
    assert_eq!(changed, ["app:do_build", "app:do_compile", "lib:do_build", "lib:do_compile"]);

    // One recipe (lib) is parsed and signed again, and only lib's three
    // basehashes are read again: none of app's.
    assert_eq!(count(&executed, "parse_recipe"), 1, "{executed:?}");
    assert_eq!(count(&executed, "recipe_signatures"), 1, "{executed:?}");
    assert_eq!(count(&executed, "task_basehash"), 3, "{executed:?}");
    assert_eq!(count(&executed, "taskhash"), 4, "{executed:?}");
}

/// BitBake's default handler ("noop") hashes the task id alone.
#[test]
fn without_a_handler_the_taskhash_is_the_hash_of_the_task_id() {
    use sha2::{Digest, Sha256};
    let (db, invocation) = setup();
    db.system.write(
        "/layer/conf/bitbake.conf",
        "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0]}\"\n",
    );
    let hashes = taskhashes(&db, invocation);
    let tid = "/layer/recipes/lib_1.0.bb:do_fetch";
    let expected: String =
        Sha256::digest(tid.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hashes["lib:do_fetch"], expected);
}

/// A taint file left by a forced run enters the task's taskhash, and so
/// the taskhashes after it.
#[test]
fn a_taint_file_changes_the_taskhash() {
    let (db, invocation) = setup();
    db.system.write(
        "/layer/conf/bitbake.conf",
        "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0]}\"\n\
         BB_SIGNATURE_HANDLER = \"basic\"\nSTAMP = \"/stamps/${PN}\"\n",
    );
    db.system.write("/stamps/lib.do_fetch.taint", "forced\n");
    let tainted = taskhashes(&db, invocation);
    let (clean_db, clean_invocation) = setup();
    clean_db.system.write(
        "/layer/conf/bitbake.conf",
        "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0]}\"\n\
         BB_SIGNATURE_HANDLER = \"basic\"\nSTAMP = \"/stamps/${PN}\"\n",
    );
    let clean = taskhashes(&clean_db, clean_invocation);
    assert_ne!(tainted["lib:do_fetch"], clean["lib:do_fetch"]);
    assert_ne!(tainted["app:do_compile"], clean["app:do_compile"]);
    assert_eq!(tainted["app:do_fetch"], clean["app:do_fetch"]);
}
