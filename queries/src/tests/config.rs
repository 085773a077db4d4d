//! The configuration datastore: files found through BBPATH and layers,
//! includes and requires, classes, and what an edit re-runs.

use std::path::{Path, PathBuf};

use crate::config::{config, Config, Invocation};
use crate::eval::Severity;
use crate::files::Files;
use crate::test_db::TestDb;

fn db_with(files: &[(&str, &str)]) -> TestDb {
    let db = TestDb::default();
    for (path, text) in files {
        db.system.write(*path, *text);
    }
    db
}

fn invocation(db: &TestDb, cwd: &str, env: &[(&str, &str)]) -> Invocation {
    let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Invocation::new(db, PathBuf::from(cwd), env, Vec::new(), Vec::new())
}

fn value(config: &Config, name: &str) -> Option<String> {
    config.state.datastore.get_var(name, true).unwrap()
}

const BITBAKE_CONF: &str = "A = \"1\"\n\
    include conf/missing.conf\n\
    require conf/common.inc\n\
    INHERIT += \"extra\"\n";

#[test]
fn bbpath_configuration_reads_requires_and_classes() {
    let db = db_with(&[
        ("/layer/conf/bitbake.conf", BITBAKE_CONF),
        ("/layer/conf/common.inc", "B = \"${A}2\"\nWHERE := \"${FILE}\"\nLATER = \"${FILE}\"\n"),
        ("/layer/classes/base.bbclass", "C = \"base\"\naddtask build\n"),
        ("/layer/classes/extra.bbclass", "C:append = \" extra\"\n"),
    ]);
    let invocation = invocation(&db, "/work", &[("BBPATH", "/layer"), ("HOME", "/root")]);
    let config = config(&db, invocation);
    assert_eq!(config.diagnostics, []);
    assert!(!config.failed);
    assert_eq!(value(config, "B").as_deref(), Some("12"));
    // FILE names the file being read while its statements run, and the
    // outermost configuration file afterwards.
    assert_eq!(value(config, "WHERE").as_deref(), Some("/layer/conf/common.inc"));
    assert_eq!(value(config, "LATER").as_deref(), Some("/layer/conf/bitbake.conf"));
    assert_eq!(value(config, "C").as_deref(), Some("base extra"));
    assert_eq!(value(config, "TOPDIR").as_deref(), Some("/work"));
    assert_eq!(value(config, "HOME").as_deref(), Some("/root"));
    assert_eq!(config.state.tasks, ["do_build"]);
    let classes: Vec<_> = config.state.inherited.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(classes, ["/layer/classes/base.bbclass", "/layer/classes/extra.bbclass"]);
}

#[test]
fn a_missing_require_is_an_error_at_its_statement() {
    let db = db_with(&[
        ("/layer/conf/bitbake.conf", "A = \"1\"\nrequire conf/nowhere.inc\nB = \"2\"\n"),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert!(config.failed);
    let [diagnostic] = config.diagnostics.as_slice() else { panic!("{:?}", config.diagnostics) };
    assert_eq!(diagnostic.file, Path::new("/layer/conf/bitbake.conf"));
    assert_eq!(diagnostic.statement, Some(1));
    assert_eq!(diagnostic.severity, Severity::Error);
    assert_eq!(diagnostic.message, "could not include required file conf/nowhere.inc");
}

#[test]
fn a_missing_class_is_an_error() {
    let db = db_with(&[
        ("/layer/conf/bitbake.conf", "INHERIT = \"nothere\"\n"),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert!(config.failed);
    assert_eq!(config.diagnostics[0].message, "could not inherit file classes/nothere.bbclass");
}

#[test]
fn layers_set_layerdir_while_their_layer_conf_is_read() {
    let db = db_with(&[
        ("/build/conf/bblayers.conf", "BBPATH = \"${TOPDIR}\"\nBBLAYERS = \"/layer/\"\n"),
        (
            "/layer/conf/layer.conf",
            "BBPATH .= \":${LAYERDIR}\"\nBBFILES += \"${LAYERDIR}/recipes/*.bb\"\nPATTERN = \"^${LAYERDIR_RE}/\"\n",
        ),
        ("/layer/conf/bitbake.conf", "FROM_LAYER = \"yes\"\n"),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let config = config(&db, invocation(&db, "/build/sub", &[]));
    assert_eq!(config.diagnostics, []);
    assert_eq!(value(config, "TOPDIR").as_deref(), Some("/build"));
    assert_eq!(value(config, "BBPATH").as_deref(), Some("/build:/layer"));
    // `${LAYERDIR}` was replaced in place, so it survives LAYERDIR's removal.
    assert_eq!(
        config.state.datastore.get_var("BBFILES", false).unwrap().as_deref(),
        Some(" /layer/recipes/*.bb")
    );
    assert_eq!(value(config, "PATTERN").as_deref(), Some("^/layer/"));
    assert_eq!(value(config, "LAYERDIR"), None);
    assert_eq!(value(config, "FROM_LAYER").as_deref(), Some("yes"));
}

#[test]
fn an_unknown_layer_is_an_error() {
    let db = db_with(&[(
        "/build/conf/bblayers.conf",
        "BBPATH = \"${TOPDIR}\"\nBBLAYERS = \"/nowhere\"\n",
    )]);
    let config = config(&db, invocation(&db, "/build", &[]));
    assert!(config.failed);
    assert_eq!(
        config.diagnostics[0].message,
        "The following layer directories do not exist: /nowhere"
    );
    // It points at the statement that set BBLAYERS.
    assert_eq!(config.diagnostics[0].file, Path::new("/build/conf/bblayers.conf"));
    assert_eq!(config.diagnostics[0].statement, Some(1));
}

#[test]
fn a_comment_edit_does_not_rerun_the_configuration() {
    let mut db = db_with(&[
        ("/layer/conf/bitbake.conf", BITBAKE_CONF),
        ("/layer/conf/common.inc", "B = \"${A}2\"\n"),
        ("/layer/classes/base.bbclass", ""),
        ("/layer/classes/extra.bbclass", ""),
    ]);
    let invocation = invocation(&db, "/work", &[("BBPATH", "/layer")]);
    config(&db, invocation);
    db.edit_once("/layer/conf/bitbake.conf");
    config(&db, invocation);
    db.take_executed();

    let edited = format!("# A comment.\n{BITBAKE_CONF}");
    Files::update(&mut db, Path::new("/layer/conf/bitbake.conf"), Some(edited));
    assert_eq!(value(config(&db, invocation), "B").as_deref(), Some("12"));
    assert_eq!(db.take_executed(), ["parse_file", "first_syntax_error", "file_statements"]);
}

#[test]
fn an_include_that_appears_is_read() {
    let mut db = db_with(&[
        ("/layer/conf/bitbake.conf", BITBAKE_CONF),
        ("/layer/conf/common.inc", ""),
        ("/layer/classes/base.bbclass", ""),
        ("/layer/classes/extra.bbclass", ""),
    ]);
    let invocation = invocation(&db, "/work", &[("BBPATH", "/layer")]);
    assert_eq!(value(config(&db, invocation), "MISSING"), None);
    db.take_executed();

    Files::update(
        &mut db,
        Path::new("/layer/conf/missing.conf"),
        Some("MISSING = \"found\"\n".into()),
    );
    assert_eq!(value(config(&db, invocation), "MISSING").as_deref(), Some("found"));
    assert_eq!(
        db.take_executed(),
        ["config", "first_syntax_error", "parse_file", "file_statements"]
    );
}

fn deps(config: &Config, task: &str) -> Option<Vec<String>> {
    config.state.task_deps(task)
}

#[test]
fn deltask_leaves_the_deps_of_names_that_are_no_tasks() {
    let base = "addtask patch before do_configure\n\
        addtask stays after do_patch\n\
        deltask patch\n";
    let db = db_with(&[("/layer/conf/bitbake.conf", ""), ("/layer/classes/base.bbclass", base)]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert_eq!(config.diagnostics, []);
    // do_configure was only named by `before`, so BitBake's deltask, which
    // walks the task list, leaves its deps alone.
    assert_eq!(deps(config, "do_configure"), Some(vec!["do_patch".to_owned()]));
    assert_eq!(deps(config, "do_stays"), Some(vec![]));
    assert_eq!(deps(config, "do_patch"), None);
}

#[test]
fn layerdir_is_replaced_only_where_layers_changed_values() {
    let bblayers = "BBPATH = \"${TOPDIR}\"\n\
        FROM_BBLAYERS = \"${LAYERDIR}/a\"\n\
        BBLAYERS = \"/layer\"\n";
    let layer_conf = "BBPATH .= \":${LAYERDIR}\"\n\
        FROM_LAYER = \"${LAYERDIR}/b\"\n\
        BB_CACHEDIR ?= \"${LAYERDIR}/cache\"\n";
    let db = db_with(&[
        ("/build/conf/bblayers.conf", bblayers),
        ("/layer/conf/layer.conf", layer_conf),
        ("/layer/conf/bitbake.conf", ""),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let config = config(&db, invocation(&db, "/build", &[]));
    assert_eq!(config.diagnostics, []);
    assert_eq!(value(config, "FROM_BBLAYERS").as_deref(), Some("${LAYERDIR}/a"));
    assert_eq!(value(config, "FROM_LAYER").as_deref(), Some("/layer/b"));
    // BB_CACHEDIR gets its default before the layers are read.
    assert_eq!(value(config, "BB_CACHEDIR").as_deref(), Some("/build/cache"));
}

#[test]
fn a_missing_absolute_include_is_a_dependency_and_a_foreign_name_an_error() {
    let db = db_with(&[
        ("/layer/conf/bitbake.conf", "include /elsewhere/gone.conf\n"),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let first = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert_eq!(first.diagnostics, []);
    assert!(first.state.depends.contains(&PathBuf::from("/elsewhere/gone.conf")));

    let db = db_with(&[
        ("/layer/conf/bitbake.conf", "include conf/notes.txt\n"),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert!(config.failed);
    assert_eq!(config.diagnostics[0].message, "conf/notes.txt is not a BitBake file");
}

#[test]
fn a_file_that_includes_itself_is_an_error_not_a_crash() {
    let db = db_with(&[
        ("/layer/conf/bitbake.conf", "include conf/bitbake.conf\n"),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert!(config.failed);
    let message = &config.diagnostics[0].message;
    assert!(message.starts_with("files nested more than 100 deep"), "{message}");
}

#[test]
fn a_relative_bbpath_entry_is_a_spelling_of_its_own() {
    let db = db_with(&[
        ("/layer/conf/bitbake.conf", "include conf/x.conf\n"),
        ("/layer/classes/base.bbclass", ""),
        ("/work/rel/conf/x.conf", "X := \"${FILE}\"\n"),
    ]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer:rel")]));
    assert_eq!(config.diagnostics, []);
    assert_eq!(value(config, "X").as_deref(), Some("/work/rel/conf/x.conf"));
    // BitBake marks the relative candidate and then the absolute file it
    // reads: two spellings, so BBINCLUDED lists the file twice.
    let marked = config.state.depends.iter().filter(|p| p.ends_with("rel/conf/x.conf")).count();
    assert_eq!(marked, 2);
}

#[test]
fn a_renamed_variable_that_is_set_stops_the_configuration() {
    let bitbake_conf = "BB_ENV_WHITELIST = \"x\"\n\
        BB_RENAMED_VARIABLES[OLD_NAME] = \"NEW_NAME\"\n\
        BB_RENAMED_VARIABLES[GONE] = \"is no longer supported\"\n\
        OLD_NAME:someoverride = \"only a variant\"\n\
        GONE = \"set\"\n\
        BB_RENAMED_VARIABLES[UNUSED] = \"STILL_UNUSED\"\n";
    let db =
        db_with(&[("/layer/conf/bitbake.conf", bitbake_conf), ("/layer/classes/base.bbclass", "")]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert!(config.failed);
    let messages: Vec<&str> = config.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Variable BB_ENV_WHITELIST has been renamed to BB_ENV_PASSTHROUGH",
            "Variable GONE is no longer supported",
            "Variable OLD_NAME has been renamed to NEW_NAME",
        ]
    );
}

#[test]
fn handlers_are_flagged_and_must_name_a_function() {
    let base = "python on_event() {\n    pass\n}\naddhandler on_event\n";
    let db = db_with(&[("/layer/conf/bitbake.conf", ""), ("/layer/classes/base.bbclass", base)]);
    let first = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert_eq!(first.diagnostics, []);
    let flag = first.state.datastore.get_var_flag("on_event", "handler", false).unwrap();
    assert_eq!(flag.as_deref(), Some("1"));

    let db = db_with(&[
        ("/layer/conf/bitbake.conf", ""),
        ("/layer/classes/base.bbclass", "addhandler nothere\n"),
    ]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert!(config.failed);
    assert_eq!(config.diagnostics[0].message, "Undefined event handler function 'nothere'");
}

#[test]
fn collections_must_be_unique_and_share_a_series_with_the_core() {
    let layer = |extra: &str| {
        format!("BBPATH .= \":${{LAYERDIR}}\"\nBBFILE_COLLECTIONS += \"one\"\n{extra}")
    };
    let run = |layer_conf: String| {
        let db = db_with(&[
            ("/build/conf/bblayers.conf", "BBPATH = \"${TOPDIR}\"\nBBLAYERS = \"/layer\"\n"),
            ("/layer/conf/layer.conf", layer_conf.as_str()),
            ("/layer/conf/bitbake.conf", ""),
            ("/layer/classes/base.bbclass", ""),
        ]);
        let config = config(&db, invocation(&db, "/build", &[]));
        config.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
    };
    let ok = run(layer("LAYERSERIES_CORENAMES = \"a b\"\nLAYERSERIES_COMPAT_one = \"c b\"\n"));
    assert_eq!(ok, Vec::<String>::new());
    let duplicated = run(layer("BBFILE_COLLECTIONS += \"one\"\n"));
    assert_eq!(
        duplicated,
        ["Found duplicated BBFILE_COLLECTIONS 'one', check bblayers.conf or layer.conf to fix it."]
    );
    let no_core = run(layer("LAYERSERIES_COMPAT_one = \"a\"\n"));
    assert_eq!(
        no_core,
        ["No core layer found to work with layer 'one'. Missing entry in bblayers.conf?"]
    );
    let incompatible =
        run(layer("LAYERSERIES_CORENAMES = \"a\"\nLAYERSERIES_COMPAT_one = \"z\"\n"));
    assert_eq!(
        incompatible,
        ["Layer one is not compatible with the core layer which only supports these \
             series: a (layer is compatible with z)"]
    );
}

#[test]
fn export_functions_makes_class_functions_the_default() {
    let base = "base_do_build() {\n\techo base\n}\n\
        EXPORT_FUNCTIONS do_build\n";
    let second = "python second_do_build() {\n    pass\n}\n\
        second_do_mine() {\n\ttrue\n}\n\
        EXPORT_FUNCTIONS do_build do_mine\n";
    let db = db_with(&[
        ("/layer/conf/bitbake.conf", "INHERIT = \"second\"\nrequire conf/mine.inc\n"),
        ("/layer/conf/mine.inc", "do_mine() {\n\tmine\n}\n"),
        ("/layer/classes/base.bbclass", base),
        ("/layer/classes/second.bbclass", second),
    ]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert_eq!(config.diagnostics, []);
    let ds = &config.state.datastore;
    let raw = |name: &str| ds.get_var(name, false).unwrap().unwrap();
    let flag = |name: &str, flag: &str| ds.get_var_flag(name, flag, false).unwrap();
    // Exported again by a second class: the Python function is called.
    assert_eq!(
        raw("do_build"),
        "    # Export function set\n    bb.build.exec_func('second_do_build', d)\n"
    );
    assert_eq!(flag("do_build", "python").as_deref(), Some("1"));
    assert_eq!(flag("do_build", "filename").as_deref(), Some("autogenerated"));
    // A function the metadata defined itself stays.
    assert_eq!(raw("do_mine"), "\tmine\n");
}

#[test]
fn a_relative_layer_is_read_through_bbpath_and_marked_as_tried() {
    let db = db_with(&[
        ("/build/conf/bblayers.conf", "BBPATH = \"${TOPDIR}\"\nBBLAYERS = \"../layer\"\n"),
        ("/layer/conf/layer.conf", "BBPATH .= \":${LAYERDIR}\"\nWHERE := \"${FILE}\"\n"),
        ("/layer/conf/bitbake.conf", ""),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let config = config(&db, invocation(&db, "/build", &[]));
    assert_eq!(config.diagnostics, []);
    // The layer.conf path is relative, so BBPATH (the build directory)
    // finds it, and FILE keeps the spelling found.
    assert_eq!(value(config, "WHERE").as_deref(), Some("/build/../layer/conf/layer.conf"));
    // bitbake.conf is found through the relative entry ../layer: BitBake
    // marks that spelling only, not the absolute path it then reads.
    let marked: Vec<_> =
        config.state.depends.iter().filter(|p| p.ends_with("conf/bitbake.conf")).collect();
    assert_eq!(
        marked,
        [Path::new("/build/conf/bitbake.conf"), Path::new("/build/../layer/conf/bitbake.conf")]
    );
}

#[test]
fn a_function_over_an_empty_one_keeps_its_flags() {
    let base = "python empty() {\n}\nempty() {\n\techo shell\n}\n\
        python full() {\n    pass\n}\nfull() {\n\techo shell\n}\n";
    let db = db_with(&[("/layer/conf/bitbake.conf", ""), ("/layer/classes/base.bbclass", base)]);
    let config = config(&db, invocation(&db, "/work", &[("BBPATH", "/layer")]));
    assert_eq!(config.diagnostics, []);
    let python = |name: &str| config.state.datastore.get_var_flag(name, "python", false).unwrap();
    assert_eq!(python("empty").as_deref(), Some("1"));
    assert_eq!(python("full"), None);
}

#[test]
fn environment_values_are_expanded_among_the_environment() {
    let db = db_with(&[
        ("/layer/conf/bitbake.conf", "BAR = \"from the configuration\"\n"),
        ("/layer/classes/base.bbclass", ""),
    ]);
    let env = [
        ("BBPATH", "/layer"),
        ("BB_ENV_PASSTHROUGH_ADDITIONS", "REFERS BAR"),
        ("REFERS", "${BAR}-x"),
        ("BAR", "bar"),
    ];
    let passed = config(&db, invocation(&db, "/work", &env));
    assert_eq!(passed.diagnostics, []);
    assert_eq!(passed.state.datastore.get_var("REFERS", false).unwrap().as_deref(), Some("bar-x"));

    let env = [("BBPATH", "/layer"), ("BB_ENV_WHITELIST", "X"), ("LOOP", "${LOOP}")];
    let config = config(&db, invocation(&db, "/work", &env));
    assert!(config.failed);
    let messages: Vec<&str> = config.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["Shell environment variable BB_ENV_WHITELIST has been renamed to BB_ENV_PASSTHROUGH"]
    );
}
