//! `rbake why RECIPE:do_task`: whether the task will run on the next build,
//! and why. A current stamp means it will not. Otherwise the cause is found
//! by comparing the task's signature now with the record of its last run
//! (kept beside its stamps by `rbake build`), following changed
//! dependencies to their own changes; a changed variable is traced to the
//! file and line that last set it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rbake_queries::plan::cache::{entry_by_fn, variant_by_fn};
use rbake_queries::plan::{plan, PlannedTask};
use rbake_queries::python::{check_setscene_hashes, take_messages, HashCheckEntry};
use serde_json::Value;

use crate::build::records::{last_target, records_of};
use crate::build::stamps::{StampNaming, StampSite};
use crate::cli::{GlobalArgs, TargetArgs, WhyArgs};
use crate::diffsigs_cmd::{explain, find_sigfile};
use crate::graph_cmd::report_messages;
use crate::outln;
use crate::output::Output;
use crate::sigs_cmd::{signature_document, stamp_of};
use crate::why_render::{collapse_chains, paint, root_cause, use_colour};
use crate::workspace::{process_env, Failed, Workspace};

/// What `why` found: whether the task will run, the cause in a word and in
/// a sentence, and the changes behind it, one line each.
struct Answer {
    task: String,
    will_run: bool,
    cause: &'static str,
    summary: String,
    details: Vec<String>,
}

impl Answer {
    fn new(task: &str, will_run: bool, cause: &'static str, summary: String) -> Answer {
        Answer { task: task.to_owned(), will_run, cause, summary, details: Vec::new() }
    }
}

pub fn run(global: &GlobalArgs, args: &WhyArgs) -> Result<ExitCode, Failed> {
    if let Some(name) = &args.var {
        let workspace = Workspace::open(global, process_env())?;
        return crate::why_var::run(&workspace, args.recipe.as_deref(), name, args.json);
    }
    if let (Some(target), Some(task)) = (&args.plan, &args.task) {
        let workspace = Workspace::open(global, process_env())?;
        workspace.checked_config()?;
        return crate::why_plan::run(&workspace, target, task);
    }
    let answer = find_answer(global, args)?;
    let mut out = Output::new();
    if args.json {
        let document = serde_json::json!({
            "task": answer.task,
            "will_run": answer.will_run,
            "cause": answer.cause,
            "summary": answer.summary,
            "details": answer.details,
        });
        outln!(out, "{}", serde_json::to_string_pretty(&document).unwrap_or_default());
    } else {
        let colour = use_colour();
        let show = |line: &str| if colour { paint(line) } else { line.to_owned() };
        outln!(out, "{}", show(&format!("{} {}", answer.task, answer.summary)));
        for line in &answer.details {
            outln!(out, "{}", show(line));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn find_answer(global: &GlobalArgs, args: &WhyArgs) -> Result<Answer, Failed> {
    let workspace = Workspace::open(global, process_env())?;
    let config = workspace.checked_config()?;
    let topdir = config.state.datastore.get_var("TOPDIR", true).ok().flatten().unwrap_or_default();
    let spec = match args.task.as_deref().unwrap_or_default() {
        task if task.starts_with("do_") => match last_target(Path::new(&topdir)) {
            Some(recipe) => format!("{recipe}:{task}"),
            None => {
                eprintln!("error: no build has run here yet; name the task as RECIPE:{task}");
                return Err(Failed);
            }
        },
        task => task.to_owned(),
    };
    let Some((recipe, task)) = split_spec(&spec) else {
        eprintln!("error: name the task as [RECIPE:]do_task (for example zlib:do_compile)");
        return Err(Failed);
    };
    let handler = config.state.datastore.get_var("BB_SIGNATURE_HANDLER", true).ok().flatten();
    let naming = StampNaming::for_handler(&handler.unwrap_or_default());
    let targets = TargetArgs {
        targets: vec![recipe.to_owned()],
        task: Some(task.clone()),
        runall: Vec::new(),
        runonly: Vec::new(),
        ignore_deps: Vec::new(),
        timings: false,
    };
    let db = &workspace.db;
    let request = targets.request(db, false);
    let outcome = plan(db, workspace.invocation, request);
    if report_messages(&outcome.messages) {
        return Err(Failed);
    }
    let Some(planned) = &outcome.plan else { return Err(Failed) };
    let Some(target) = find_target(&workspace, &planned.tasks, recipe, &task) else {
        eprintln!("error: {recipe} has no task {task} in the plan");
        return Err(Failed);
    };
    let (now, hash) =
        signature_document(&workspace, request, &planned.tasks, target).map_err(|error| {
            eprintln!("error: {}: {error}", target.tid);
            Failed
        })?;
    let Some(stamp) = stamp_of(&workspace, target) else {
        eprintln!("error: {} has no STAMP", target.tid);
        return Err(Failed);
    };
    let info =
        entry_by_fn(db, workspace.invocation, &target.fn_name).map(|entry| entry.info.clone());
    let flag =
        |name: &str| info.as_ref().and_then(|info| info.task(&task)?.flag(name).map(str::to_owned));
    let site = StampSite::for_task(info.as_deref(), &task, hash.clone());
    let label = format!("{recipe}:{task}");
    if flag("nostamp").is_some_and(|value| !value.is_empty()) {
        let summary = "will run: it is a nostamp task, which runs on every build".to_owned();
        return Ok(Answer::new(&label, true, "nostamp", summary));
    }
    if let Some(path) = site.path(naming).filter(|path| path.exists()) {
        let summary =
            format!("will not run: its stamp for taskhash {hash} is there ({})", path.display());
        return Ok(Answer::new(&label, false, "current", summary));
    }
    if let Some(path) = site.setscene_path(naming).filter(|path| path.exists()) {
        let summary = format!(
            "will not run: it was restored from shared state for taskhash {hash} ({})",
            path.display()
        );
        return Ok(Answer::new(&label, false, "restored", summary));
    }
    let has_setscene =
        info.as_ref().is_some_and(|info| info.task(&format!("{task}_setscene")).is_some());
    let hashcheck = config.state.datastore.get_var("BB_HASHCHECK_FUNCTION", true).ok().flatten();
    if let (true, Some(function)) = (has_setscene, hashcheck.filter(|name| !name.trim().is_empty()))
    {
        let entry = HashCheckEntry {
            tid: target.tid.clone(),
            taskhash: hash.clone(),
            unihash: hash.clone(),
            hashfn: info.as_ref().map(|info| info.hashfn.clone()).unwrap_or_default(),
        };
        let available = check_setscene_hashes(&config.state, function.trim(), &[entry], false);
        let _ = take_messages();
        if available.is_ok_and(|found| found.contains(&target.tid)) {
            let summary = format!("will not really run: shared state has its output for taskhash {hash}, so its setscene task restores it");
            return Ok(Answer::new(&label, false, "shared-state", summary));
        }
    }
    let records = records_of(&stamp, &task);
    let Some(last) =
        records.iter().find_map(|path| load(path).filter(|old| old["taskhash"] != now["taskhash"]))
    else {
        let summary =
            "will run: it was never built (no stamp, and no record of an earlier run)".to_owned();
        return Ok(Answer::new(&label, true, "never-built", summary));
    };
    let summary =
        format!("will run: its taskhash changed from {} to {hash}", text(&last["taskhash"]));
    let mut answer = Answer::new(&label, true, "changed", summary);
    let dir = PathBuf::from(&stamp).parent().map(Path::to_path_buf).unwrap_or_default();
    let probe = vec![dir.join("probe")];
    let current_of = |tid: &str, wanted: &str| -> Option<Value> {
        let task = planned.tasks.iter().find(|task| task.tid == tid)?;
        let (document, hash) =
            signature_document(&workspace, request, &planned.tasks, task).ok()?;
        (hash == wanted).then_some(document)
    };
    let lookup = |tid: &str, wanted: &str| -> Option<Value> {
        current_of(tid, wanted).or_else(|| find_sigfile(&probe, tid, wanted).map(|(_, sig)| sig))
    };
    let mut lines = Vec::new();
    explain(&last, &now, &lookup, 1, &mut lines);
    for line in lines {
        // The task's own variables are traced in its own datastore.
        let own = indent_of(&line).len() == 2;
        let place = changed_variable(&line)
            .filter(|_| own)
            .and_then(|variable| last_set(&workspace, &target.fn_name, variable));
        let indent = indent_of(&line).to_owned();
        answer.details.push(line);
        if let Some(place) = place {
            answer.details.push(format!("{indent}  set at {place}"));
        }
    }
    let details = collapse_chains(std::mem::take(&mut answer.details));
    answer.details = root_cause(&details);
    answer.details.extend(details);
    Ok(answer)
}

/// `RECIPE:do_task` split at the last `:do_`.
fn split_spec(spec: &str) -> Option<(&str, String)> {
    let at = spec.rfind(":do_")?;
    let recipe = &spec[..at];
    (!recipe.is_empty()).then(|| (recipe, spec[at + 1..].to_owned()))
}

/// The plan's task `task` of the recipe `recipe` names (by PN or by what
/// it provides).
fn find_target<'p>(
    workspace: &Workspace,
    tasks: &'p [PlannedTask],
    recipe: &str,
    task: &str,
) -> Option<&'p PlannedTask> {
    tasks.iter().filter(|planned| planned.task == task).find(|planned| {
        entry_by_fn(&workspace.db, workspace.invocation, &planned.fn_name).is_some_and(|entry| {
            entry.info.pn == recipe || entry.info.all_provides().contains(&recipe)
        })
    })
}

fn load(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn text(value: &Value) -> String {
    value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string())
}

/// The variable a "Variable X value changed" line names.
fn changed_variable(line: &str) -> Option<&str> {
    line.trim_start().strip_prefix("Variable ")?.split(' ').next()
}

fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// `file:line` of the statement that last changed `variable` in the
/// datastore of `fn_name`.
fn last_set(workspace: &Workspace, fn_name: &str, variable: &str) -> Option<String> {
    let variant = variant_by_fn(&workspace.db, workspace.invocation, fn_name)?;
    let entry = variant.state.datastore.history(variable).last()?;
    let file = Path::new(&*entry.file);
    let line = workspace.statement_line(file, entry.statement)?;
    Some(format!(
        "{}:{line} ({} \"{}\")",
        file.display(),
        entry.op,
        entry.detail.lines().next().unwrap_or_default()
    ))
}
