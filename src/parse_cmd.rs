//! `rbake parse`: parse every recipe, like `bitbake -p`, then report
//! problems, the number of recipes and the time taken.
//!
//! Metadata's Python runs under CPython's global interpreter lock, so
//! threads in one process wait for each other; the recipes are therefore
//! shared out among worker processes (this binary again, with the hidden
//! `--shard I/N`), each with its own interpreter and database, which parse
//! every N-th recipe and print their diagnostics and a summary line. With
//! one job, the recipes are parsed in this process.

use std::io::Read;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use rbake_queries::eval::Severity;
use rbake_queries::multiconfig::Multiconfig;
use rbake_queries::recipe::{parse_recipe, RecipeId};
use rbake_queries::recipes::recipe_set;
use rbake_queries::signature::recipe_signatures;

use crate::cli::{GlobalArgs, ParseArgs};
use crate::workspace::{process_env, Failed, Workspace};

/// What a share of the recipes came to.
#[derive(Debug, Default)]
struct Tally {
    variants: usize,
    failed: usize,
    errors: usize,
    warnings: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.variants += other.variants;
        self.failed += other.failed;
        self.errors += other.errors;
        self.warnings += other.warnings;
    }

    fn line(&self) -> String {
        format!("{} {} {} {}", self.variants, self.failed, self.errors, self.warnings)
    }

    fn from_line(line: &str) -> Option<Tally> {
        let numbers: Vec<usize> =
            line.split_whitespace().map(str::parse).collect::<Result<_, _>>().ok()?;
        let [variants, failed, errors, warnings] = numbers[..] else { return None };
        Some(Tally { variants, failed, errors, warnings })
    }
}

pub fn run(global: &GlobalArgs, args: &ParseArgs) -> Result<ExitCode, Failed> {
    let workspace = Workspace::open(global, process_env())?;
    let started = Instant::now();
    if let Some(shard) = &args.shard {
        return run_shard(&workspace, shard, args.basehashes);
    }
    workspace.checked_config()?;
    let set = recipe_set(&workspace.db, workspace.invocation);
    let set_failed = workspace.report(&set.diagnostics);
    // A server parses into its own warm database, which workers could not fill.
    let jobs = if crate::engine::is_serving() { Some(1) } else { args.jobs };
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, set.recipes.len().max(1));
    let tally = if jobs == 1 {
        parse_share(&workspace, 0, 1, args.basehashes)
    } else {
        parse_in_workers(global, jobs, args.basehashes)?
    };
    eprintln!(
        "Parsed {} recipes ({} variants, {} failed) in {:.3} s: {} errors, {} warnings, {} masked",
        set.recipes.len(),
        tally.variants,
        tally.failed,
        started.elapsed().as_secs_f64(),
        tally.errors,
        tally.warnings,
        set.masked
    );
    if set_failed || tally.failed > 0 || tally.errors > 0 {
        Err(Failed)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Parses every `count`-th recipe from `index`, reporting diagnostics.
fn parse_share(workspace: &Workspace, index: usize, count: usize, basehashes: bool) -> Tally {
    let db = &workspace.db;
    let set = recipe_set(db, workspace.invocation);
    let mut tally = Tally::default();
    let mc = Multiconfig::new(db, String::new());
    for recipe in set.recipes.iter().skip(index).step_by(count) {
        let id = RecipeId::new(db, recipe.path.clone());
        let parsed = parse_recipe(db, workspace.invocation, id);
        if basehashes {
            recipe_signatures(db, workspace.invocation, id, mc);
        }
        tally.variants += parsed.variants.len();
        tally.failed += usize::from(parsed.failed);
        workspace.report(&parsed.diagnostics);
        for diagnostic in &parsed.diagnostics {
            match diagnostic.severity {
                Severity::Error => tally.errors += 1,
                Severity::Warning => tally.warnings += 1,
            }
        }
    }
    tally
}

/// A worker: its share of the recipes, and a summary line on stdout. The
/// parent reported the configuration and the recipe set already.
fn run_shard(workspace: &Workspace, shard: &str, basehashes: bool) -> Result<ExitCode, Failed> {
    let parsed = shard.split_once('/').and_then(|(index, count)| {
        let (index, count) = (index.parse::<usize>().ok()?, count.parse::<usize>().ok()?);
        (index < count).then_some((index, count))
    });
    let Some((index, count)) = parsed else {
        eprintln!("error: --shard takes INDEX/COUNT with INDEX below COUNT, not {shard}");
        return Err(Failed);
    };
    if workspace.config().failed {
        return Err(Failed);
    }
    println!("{}", parse_share(workspace, index, count, basehashes).line());
    Ok(ExitCode::SUCCESS)
}

/// Runs `jobs` workers, prints their diagnostics one worker after the
/// other, and adds up their summaries.
fn parse_in_workers(global: &GlobalArgs, jobs: usize, basehashes: bool) -> Result<Tally, Failed> {
    let exe = crate::workspace::self_executable().map_err(|error| {
        eprintln!("error: cannot find the rbake executable for the workers: {error}");
        Failed
    })?;
    let mut workers = Vec::new();
    for index in 0..jobs {
        let mut command = Command::new(&exe);
        command.arg("parse").arg("--shard").arg(format!("{index}/{jobs}"));
        if basehashes {
            command.arg("--basehashes");
        }
        command.args(global.to_args());
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        match command.spawn() {
            Ok(child) => workers.push(child),
            Err(error) => {
                eprintln!("error: cannot start a parse worker: {error}");
                return Err(Failed);
            }
        }
    }
    // Every pipe is drained on its own thread from the start, so that no
    // worker waits on a full pipe while another is read.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let pipes: Vec<_> = workers
        .iter_mut()
        .map(|worker| {
            let stdout = worker.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>);
            let stderr = worker.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>);
            (drain(stdout), drain(stderr))
        })
        .collect();
    let mut tally = Tally::default();
    let mut all_ran = true;
    for (mut worker, (stdout, stderr)) in workers.into_iter().zip(pipes) {
        let status = worker.wait();
        let summary = stdout.join().unwrap_or_default();
        eprint!("{}", stderr.join().unwrap_or_default());
        match (status, Tally::from_line(summary.trim())) {
            (Ok(status), Some(share)) if status.success() => tally.add(&share),
            _ => all_ran = false,
        }
    }
    if !all_ran {
        eprintln!("error: a parse worker failed");
        return Err(Failed);
    }
    Ok(tally)
}
