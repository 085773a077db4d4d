//! Fuzzes the parser: any bytes, as either kind of file, must parse without
//! a panic into a tree that reproduces the decoded text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rbake_syntax::ast::Statement;
use rbake_syntax::FileKind;

fuzz_target!(|data: &[u8]| {
    for kind in [FileKind::Conf, FileKind::Recipe] {
        let (text, parse) = rbake_syntax::parse_bytes(data, kind);
        assert_eq!(parse.syntax_node().text(), text.as_str());
        let len = rbake_syntax::TextSize::try_from(text.len()).unwrap();
        for error in parse.errors() {
            assert!(error.range.end() <= len, "diagnostic out of range: {error:?}");
        }
        for statement in parse.tree().statements() {
            exercise(&statement);
        }
    }
});

/// Calls every typed accessor, which must not panic on any tree.
fn exercise(statement: &Statement) {
    match statement {
        Statement::Assignment(it) => {
            let _ = (it.is_exported(), it.op(), it.flag().and_then(|f| f.name()));
            let _ = it.name().map(|n| (n.text(), n.references().count()));
            if let Some(value) = it.value() {
                let _ = (value.text(), value.quote());
                let _ = value.var_refs().map(|r| r.name()).count();
                let _ = value.python_exprs().map(|p| p.code()).count();
            }
        }
        Statement::Export(it) => drop(it.name().map(|n| n.text())),
        Statement::Unset(it) => drop((it.name().map(|n| n.text()), it.flag())),
        Statement::AddTask(it) => drop((it.tasks(), it.after(), it.before())),
        Statement::Directive(it) => drop((it.args().map(|a| a.text()), it.groups())),
        Statement::Function(it) => drop((it.name(), it.is_python(), it.is_closed(), it.body_lines())),
        Statement::PythonDef(it) => drop((it.name(), it.lines())),
        Statement::Error(it) => drop(it.text()),
    }
}
