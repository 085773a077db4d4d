//! Reusing recipe parses (`crate::reuse`): after an edit, a recipe is
//! parsed again only if the edit touched a name it read, and a reused
//! result equals what a fresh database parses, history and the order of
//! local keys included.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Invocation;
use crate::files::Files;
use crate::recipe::{parse_recipe, ParsedRecipe, RecipeId};
use crate::test_db::TestDb;

const RECIPES: [&str; 2] = ["/l/recipes/a_1.0.bb", "/l/recipes/b_1.0.bb"];

/// A layer with a configuration, a class every recipe inherits (through
/// `base`), an include, and a recipe with a `native` variant.
fn layer() -> BTreeMap<&'static str, String> {
    [
        (
            "/l/conf/bitbake.conf",
            "BBFILES = \"/l/recipes/*.bb\"\nCONF_VALUE = \"c\"\nCONF_ONLY_B = \"b\"\n",
        ),
        (
            "/l/classes/base.bbclass",
            "BASE_VALUE = \"${CONF_VALUE}-base\"\n\
             python () {\n    d.setVar('FROM_PYTHON', (d.getVar('PN') or 'none') + '-py')\n}\n",
        ),
        ("/l/classes/native.bbclass", "OVERRIDES = \"class-native\"\nNATIVE = \"1\"\n"),
        ("/l/recipes/common.inc", "COMMON = \"${PN}-common\"\n"),
        ("/l/recipes/a_1.0.bb", "A_FIRST = \"1\"\nrequire common.inc\nA_LAST = \"${COMMON}\"\n"),
        (
            "/l/recipes/b_1.0.bb",
            "require common.inc\nB_VALUE = \"${BASE_VALUE}\"\nB_NOW := \"${CONF_ONLY_B}\"\n\
             BBCLASSEXTEND = \"native\"\n",
        ),
    ]
    .into_iter()
    .map(|(path, text)| (path, text.to_owned()))
    .collect()
}

fn database(files: &BTreeMap<&'static str, String>) -> (TestDb, Invocation) {
    let db = TestDb::default();
    for (path, text) in files {
        db.system.write(*path, text.clone());
    }
    let env = vec![("BBPATH".to_owned(), "/l".to_owned())];
    let invocation = Invocation::new(&db, PathBuf::from("/build"), env, Vec::new(), Vec::new());
    (db, invocation)
}

fn parse(db: &TestDb, invocation: Invocation, path: &str) -> ParsedRecipe {
    parse_recipe(db, invocation, RecipeId::new(db, PathBuf::from(path))).clone()
}

/// A database that has parsed the layer and then seen `edit`, and how many
/// recipes the edit parsed again and how many it reused. Each recipe's
/// result must equal a fresh database's.
fn after_edit(
    edit: impl FnOnce(&mut BTreeMap<&'static str, String>),
) -> (TestDb, Invocation, usize, usize) {
    let mut files = layer();
    let (mut db, invocation) = database(&files);
    for path in RECIPES {
        let first = parse(&db, invocation, path);
        assert!(!first.failed, "{:?}", first.diagnostics);
    }
    let before = db.parse_memory_counts();
    edit(&mut files);
    for (path, text) in &files {
        Files::update(&mut db, Path::new(path), Some(text.clone()));
    }
    let (fresh, fresh_invocation) = database(&files);
    for path in RECIPES {
        let warm = parse(&db, invocation, path);
        assert_eq!(
            warm,
            parse(&fresh, fresh_invocation, path),
            "{path} differs from a fresh parse"
        );
    }
    let after = db.parse_memory_counts();
    (db, invocation, after.0 - before.0, after.1 - before.1)
}

fn append(files: &mut BTreeMap<&'static str, String>, path: &str, text: &str) {
    files.get_mut(path).unwrap().push_str(text);
}

fn value(db: &TestDb, invocation: Invocation, path: &str, variant: usize, name: &str) -> String {
    let parsed = parse(db, invocation, path);
    let datastore = &parsed.variants[variant].state.datastore;
    datastore.get_var(name, true).unwrap().unwrap_or_default()
}

#[test]
fn an_unread_name_appended_to_a_class_reuses_every_parse() {
    let (db, invocation, parsed, reused) =
        after_edit(|files| append(files, "/l/classes/base.bbclass", "UNREAD = \"x\"\n"));
    assert_eq!((parsed, reused), (0, 2));
    assert_eq!(value(&db, invocation, RECIPES[1], 1, "UNREAD"), "x");
}

#[test]
fn an_unread_name_appended_to_an_include_in_the_middle_keeps_local_key_order() {
    let (_, _, parsed, reused) = after_edit(|files| {
        append(files, "/l/recipes/common.inc", "UNREAD = \"x\"\nUNREAD += \"y\"\nOTHER ?= \"z\"\n")
    });
    assert_eq!((parsed, reused), (0, 2));
}

#[test]
fn an_unread_name_appended_to_the_configuration_reuses_every_parse() {
    let (db, invocation, parsed, reused) =
        after_edit(|files| append(files, "/l/conf/bitbake.conf", "UNREAD_CONF = \"y\"\n"));
    assert_eq!((parsed, reused), (0, 2));
    assert_eq!(value(&db, invocation, RECIPES[0], 0, "UNREAD_CONF"), "y");
}

#[test]
fn a_changed_configuration_value_nobody_reads_is_reused() {
    let (_, _, parsed, reused) = after_edit(|files| {
        append(files, "/l/conf/bitbake.conf", "UNREAD_CONF = \"1\"\n");
        let conf = files.get_mut("/l/conf/bitbake.conf").unwrap();
        *conf = conf.replace("UNREAD_CONF = \"1\"", "UNREAD_CONF = \"2\"");
    });
    assert_eq!((parsed, reused), (0, 2));
}

#[test]
fn a_configuration_name_one_recipe_reads_parses_only_that_recipe_again() {
    let (db, invocation, parsed, reused) =
        after_edit(|files| append(files, "/l/conf/bitbake.conf", "CONF_ONLY_B = \"new\"\n"));
    assert_eq!((parsed, reused), (1, 1));
    assert_eq!(value(&db, invocation, RECIPES[1], 0, "B_NOW"), "new");
}

#[test]
fn an_appended_name_one_recipe_reads_parses_only_that_recipe_again() {
    let (db, invocation, parsed, reused) =
        after_edit(|files| append(files, "/l/recipes/common.inc", "CONF_ONLY_B = \"inc\"\n"));
    assert_eq!((parsed, reused), (1, 1));
    assert_eq!(value(&db, invocation, RECIPES[1], 1, "B_NOW"), "inc");
}

#[test]
fn a_value_read_only_unexpanded_does_not_parse_again() {
    // BASE_VALUE refers to CONF_VALUE, but no parse expands it.
    let (db, invocation, parsed, reused) =
        after_edit(|files| append(files, "/l/conf/bitbake.conf", "CONF_VALUE = \"d\"\n"));
    assert_eq!((parsed, reused), (0, 2));
    assert_eq!(value(&db, invocation, RECIPES[0], 0, "BASE_VALUE"), "d-base");
}

#[test]
fn a_name_python_reads_parses_again() {
    let (_, _, parsed, reused) =
        after_edit(|files| append(files, "/l/recipes/common.inc", "PN = \"renamed\"\n"));
    assert_eq!((parsed, reused), (2, 0));
}

#[test]
fn listing_every_name_parses_again_after_any_addition() {
    let (_, _, parsed, reused) = after_edit(|files| {
        append(
            files,
            "/l/recipes/a_1.0.bb",
            "python () {\n    d.setVar('N', str(len(d.keys())))\n}\n",
        );
        append(files, "/l/classes/base.bbclass", "UNREAD = \"x\"\n");
    });
    // a's own file changed by more than an assignment; b reused.
    assert_eq!((parsed, reused), (1, 1));
    let (_, _, parsed, reused) = after_edit(|files| {
        let keys = "python () {\n    d.setVar('N', str(len(d.keys())))\n}\n";
        append(files, "/l/classes/base.bbclass", keys);
    });
    assert_eq!((parsed, reused), (2, 0));
}

#[test]
fn a_statement_that_is_no_plain_assignment_parses_again() {
    for added in [
        "UNREAD:append = \"x\"\n",
        "UNREAD[doc] = \"x\"\n",
        "UNREAD := \"x\"\n",
        "export UNREAD = \"x\"\n",
        "inherit native\n",
    ] {
        let (_, _, parsed, reused) =
            after_edit(|files| append(files, "/l/recipes/common.inc", added));
        assert_eq!((parsed, reused), (2, 0), "{added}");
    }
}

#[test]
fn an_edit_undone_gives_the_remembered_parse() {
    let mut files = layer();
    let (mut db, invocation) = database(&files);
    let original = parse(&db, invocation, RECIPES[1]);
    append(&mut files, "/l/classes/base.bbclass", "UNREAD = \"x\"\n");
    let edited = files["/l/classes/base.bbclass"].clone();
    Files::update(&mut db, Path::new("/l/classes/base.bbclass"), Some(edited));
    assert_ne!(parse(&db, invocation, RECIPES[1]), original);
    let text = layer()["/l/classes/base.bbclass"].clone();
    Files::update(&mut db, Path::new("/l/classes/base.bbclass"), Some(text));
    assert_eq!(parse(&db, invocation, RECIPES[1]), original);
    assert_eq!(db.parse_memory_counts(), (1, 2));
}

#[test]
fn listing_every_name_does_not_see_a_changed_value() {
    let (_, _, parsed, reused) = after_edit(|files| {
        let keys = "python () {\n    d.setVar('N', str(len(d.keys())))\n}\n";
        append(files, "/l/classes/base.bbclass", keys);
    });
    assert_eq!((parsed, reused), (2, 0));
    let mut files = layer();
    append(
        &mut files,
        "/l/classes/base.bbclass",
        "python () {\n    d.setVar('N', str(len(d.keys())))\n}\n",
    );
    let (mut db, invocation) = database(&files);
    parse(&db, invocation, RECIPES[0]);
    append(&mut files, "/l/conf/bitbake.conf", "CONF_VALUE = \"changed\"\n");
    let conf = files["/l/conf/bitbake.conf"].clone();
    Files::update(&mut db, Path::new("/l/conf/bitbake.conf"), Some(conf));
    let (fresh, fresh_invocation) = database(&files);
    assert_eq!(parse(&db, invocation, RECIPES[0]), parse(&fresh, fresh_invocation, RECIPES[0]));
    assert_eq!(db.parse_memory_counts(), (1, 1));
}

mod signatures {
    use super::*;
    use crate::files::Db;
    use crate::multiconfig::Multiconfig;
    use crate::signature::{recipe_signatures, VariantSignatures};

    fn signed(db: &TestDb, invocation: Invocation, path: &str) -> Vec<VariantSignatures> {
        let recipe = RecipeId::new(db, PathBuf::from(path));
        recipe_signatures(db, invocation, recipe, Multiconfig::new(db, String::new())).to_vec()
    }

    /// Signs b, applies `edit`, signs b again: whether the signatures were
    /// reused, after checking them against a fresh database's.
    fn signatures_reused(edit: impl FnOnce(&mut BTreeMap<&'static str, String>)) -> bool {
        let mut files = layer();
        append(
            &mut files,
            "/l/recipes/b_1.0.bb",
            "do_compile() {\n    echo ${B_VALUE}\n}\naddtask compile\n",
        );
        let (mut db, invocation) = database(&files);
        let before = signed(&db, invocation, RECIPES[1]);
        assert!(before.iter().all(|variant| variant.tasks.is_ok()), "{before:?}");
        let reuses = db.parse_memory().signature_reuses();
        edit(&mut files);
        for (path, text) in &files {
            Files::update(&mut db, Path::new(path), Some(text.clone()));
        }
        let warm = signed(&db, invocation, RECIPES[1]);
        let (fresh, fresh_invocation) = database(&files);
        assert_eq!(warm, signed(&fresh, fresh_invocation, RECIPES[1]));
        db.parse_memory().signature_reuses() > reuses
    }

    #[test]
    fn an_unread_name_keeps_the_signatures() {
        assert!(signatures_reused(|files| append(
            files,
            "/l/recipes/common.inc",
            "UNREAD = \"x\"\n"
        )));
    }

    #[test]
    fn a_name_a_task_depends_on_signs_again() {
        // do_compile reads B_VALUE, which reads BASE_VALUE, which reads
        // CONF_VALUE: no parse expands it, but the signature does.
        assert!(!signatures_reused(|files| {
            append(files, "/l/conf/bitbake.conf", "CONF_VALUE = \"new\"\n")
        }));
    }
}

#[test]
fn listing_the_holders_of_a_flag_does_not_see_a_name_without_it() {
    let tasks = "python () {\n    d.setVar('BETWEEN', ' '.join(bb.build.tasksbetween('do_a', 'do_b', d)))\n}\n\
                 do_a() {\n    :\n}\ndo_b() {\n    :\n}\naddtask a\naddtask b after a\n";
    let (db, invocation, parsed, reused) = after_edit(|files| {
        append(files, "/l/classes/base.bbclass", tasks);
    });
    assert_eq!((parsed, reused), (2, 0));
    assert_eq!(value(&db, invocation, RECIPES[0], 0, "BETWEEN"), "do_a do_b");
    let mut files = layer();
    append(&mut files, "/l/classes/base.bbclass", tasks);
    let (mut db, invocation) = database(&files);
    parse(&db, invocation, RECIPES[0]);
    for added in ["UNREAD = \"x\"\n", "do_c[task] = \"1\"\n"] {
        let mut edited = files.clone();
        append(&mut edited, "/l/recipes/common.inc", added);
        let text = edited["/l/recipes/common.inc"].clone();
        Files::update(&mut db, Path::new("/l/recipes/common.inc"), Some(text));
        let (fresh, fresh_invocation) = database(&edited);
        assert_eq!(parse(&db, invocation, RECIPES[0]), parse(&fresh, fresh_invocation, RECIPES[0]));
    }
    // The unread name is reused; the flag is no plain assignment.
    assert_eq!(db.parse_memory_counts(), (2, 1));
}

#[test]
fn a_name_moved_from_the_configuration_into_a_class_listed_later_is_reused() {
    let keys = "python () {\n    d.setVar('N', str(len(d.keys())))\n}\n";
    let mut files = layer();
    append(&mut files, "/l/classes/base.bbclass", keys);
    append(&mut files, "/l/conf/bitbake.conf", "MOVED = \"1\"\n");
    let (mut db, invocation) = database(&files);
    parse(&db, invocation, RECIPES[0]);
    // The configuration loses the name and the class, which the recipe
    // reads before listing names, sets it.
    let conf = layer()["/l/conf/bitbake.conf"].clone();
    files.insert("/l/conf/bitbake.conf", conf.clone());
    append(&mut files, "/l/classes/base.bbclass", "MOVED = \"2\"\n");
    Files::update(&mut db, Path::new("/l/conf/bitbake.conf"), Some(conf));
    let class = files["/l/classes/base.bbclass"].clone();
    Files::update(&mut db, Path::new("/l/classes/base.bbclass"), Some(class));
    let (fresh, fresh_invocation) = database(&files);
    assert_eq!(parse(&db, invocation, RECIPES[0]), parse(&fresh, fresh_invocation, RECIPES[0]));
    assert_eq!(db.parse_memory_counts(), (1, 1));
}

mod configuration {
    use super::*;
    use crate::config::config;
    use crate::files::Db;

    /// Reads the configuration, applies `edit`, reads it again: whether
    /// the read was reused, after checking it against a fresh database's.
    fn config_reused(edit: impl FnOnce(&mut BTreeMap<&'static str, String>)) -> bool {
        let mut files = layer();
        append(
            &mut files,
            "/l/conf/bitbake.conf",
            "INHERIT += \"lister\"\nLISTED_LATER = \"${CONF_VALUE}\"\n",
        );
        files.insert("/l/classes/lister.bbclass", "LISTER = \"1\"\n".to_owned());
        let (mut db, invocation) = database(&files);
        assert!(!config(&db, invocation).failed);
        let reuses = db.parse_memory().config_reuses();
        edit(&mut files);
        for (path, text) in &files {
            Files::update(&mut db, Path::new(path), Some(text.clone()));
        }
        let (fresh, fresh_invocation) = database(&files);
        assert_eq!(config(&db, invocation), config(&fresh, fresh_invocation));
        db.parse_memory().config_reuses() > reuses
    }

    #[test]
    fn an_unread_name_appended_to_a_configuration_file_is_applied() {
        assert!(config_reused(|files| append(files, "/l/conf/bitbake.conf", "UNREAD = \"1\"\n")));
        assert!(config_reused(|files| append(
            files,
            "/l/classes/lister.bbclass",
            "UNREAD = \"1\"\n"
        )));
    }

    #[test]
    fn a_name_the_configuration_reads_reads_it_again() {
        assert!(!config_reused(|files| append(files, "/l/conf/bitbake.conf", "BBFILES = \"\"\n")));
        assert!(!config_reused(|files| {
            append(files, "/l/classes/lister.bbclass", "CONF_VALUE = \"other\"\n")
        }));
    }
}
