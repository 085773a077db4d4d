//! `rbake getvar VAR`: a configuration variable's value, with the history
//! of every statement that contributed to it, like bitbake-getvar.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{GetvarArgs, GlobalArgs};
use crate::workspace::{process_env, Workspace};

pub fn run(global: &GlobalArgs, args: &GetvarArgs) -> ExitCode {
    let workspace = match Workspace::new(global, process_env()) {
        Ok(workspace) => workspace,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let config = workspace.config();
    if workspace.report(&config.diagnostics) || config.failed {
        return ExitCode::FAILURE;
    }
    let datastore = &config.state.datastore;
    let name = &args.variable;
    let result = match &args.flag {
        Some(flag) => datastore.get_var_flag(name, flag, !args.unexpand),
        None => datastore.get_var(name, !args.unexpand),
    };
    let value = match result {
        Ok(value) => value,
        Err(error) => {
            eprintln!("error: {name}: {error}");
            return ExitCode::FAILURE;
        }
    };
    if args.value || args.flag.is_some() {
        if let Some(value) = value {
            println!("{value}");
        }
        return ExitCode::SUCCESS;
    }
    let history: Vec<_> = datastore.history(name).collect();
    println!("#\n# ${name} [{} operations]", history.len());
    for entry in history {
        let file = Path::new(&*entry.file);
        let place = match workspace.statement_line(file, entry.statement) {
            Some(line) => format!("{}:{line}", file.display()),
            None => file.display().to_string(),
        };
        let flag = entry.flag.as_ref().map(|flag| format!("[{flag}]")).unwrap_or_default();
        println!("#   {}{flag} {place}\n#     \"{}\"", entry.op, entry.detail);
    }
    if let Ok(Some(raw)) = datastore.get_var(name, false) {
        println!("# pre-expansion value:\n#   \"{raw}\"");
    }
    match value {
        Some(value) => println!("{name}=\"{value}\""),
        None => println!("# {name} is not set"),
    }
    ExitCode::SUCCESS
}
