//! Planning a generated layer's `world` from an already parsed database,
//! and again after a one-line DEPENDS edit in one recipe (which parses
//! that recipe again and resolves only the new name); and the signatures
//! (basehashes) of every task of a smaller layer, from a parsed database
//! and after a one-line edit in one recipe.

mod common;

use std::path::Path;

use common::{generated_layer, open};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rbake_queries::config::Invocation;
use rbake_queries::files::Files;
use rbake_queries::multiconfig::Multiconfig;
use rbake_queries::plan::cache::provider_index;
use rbake_queries::plan::{plan, PlanRequest};
use rbake_queries::recipe::RecipeId;
use rbake_queries::recipes::recipe_set;
use rbake_queries::signature::recipe_signatures;
use rbake_queries::RootDatabase;

const RECIPES: usize = 1000;
const SIGNED_RECIPES: usize = 200;

/// A database over `topdir` with every recipe parsed.
fn parsed(topdir: &Path) -> (RootDatabase, Invocation) {
    let (db, invocation) = open(topdir);
    provider_index(&db, invocation, Multiconfig::new(&db, String::new()));
    (db, invocation)
}

/// The number of tasks in the plan for `world`.
fn plan_world(db: &RootDatabase, invocation: Invocation) -> usize {
    let request = PlanRequest::new(db, vec!["world".into()], None, vec![], vec![], vec![], false);
    let outcome = plan(db, invocation, request);
    outcome.plan.as_ref().map_or(0, |plan| plan.tasks.len())
}

fn bench_plan(c: &mut Criterion) {
    let topdir = generated_layer(RECIPES);
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    group.bench_function("world_1000_recipes_from_parsed", |b| {
        b.iter_batched(
            || parsed(&topdir),
            // The database is returned, so that dropping it is not timed.
            |(db, invocation)| {
                let tasks = plan_world(&db, invocation);
                (db, tasks)
            },
            BatchSize::PerIteration,
        )
    });

    let (mut db, invocation) = parsed(&topdir);
    assert!(plan_world(&db, invocation) > 0, "the generated layer plans");
    let recipe = recipe_set(&db, invocation).recipes[RECIPES / 2].path.clone();
    let text = std::fs::read_to_string(&recipe).expect("the generated recipe");
    let index = provider_index(&db, invocation, Multiconfig::new(&db, String::new()));
    let added = format!(" {}", index.recipes[0].pn);
    let mut iteration = 0u64;
    group.bench_function("replan_after_depends_edit", |b| {
        b.iter(|| {
            iteration += 1;
            let extra = if iteration.is_multiple_of(2) { "" } else { added.as_str() };
            Files::update(
                &mut db,
                &recipe,
                Some(format!("{text}\nDEPENDS:append = \"{extra}\"\n")),
            );
            plan_world(&db, invocation)
        })
    });
    group.finish();
}

/// Every task's basehash, in every recipe; returns how many.
fn sign_all(db: &RootDatabase, invocation: Invocation) -> usize {
    let mc = Multiconfig::new(db, String::new());
    recipe_set(db, invocation)
        .recipes
        .iter()
        .map(|file| {
            let recipe = RecipeId::new(db, file.path.clone());
            recipe_signatures(db, invocation, recipe, mc)
                .iter()
                .map(|variant| variant.tasks.as_ref().map_or(0, Vec::len))
                .sum::<usize>()
        })
        .sum()
}

fn bench_signatures(c: &mut Criterion) {
    let topdir = generated_layer(SIGNED_RECIPES);
    let mut group = c.benchmark_group("signatures");
    group.sample_size(10);
    group.bench_function("every_task_200_recipes_from_parsed", |b| {
        b.iter_batched(
            || parsed(&topdir),
            |(db, invocation)| {
                let signed = sign_all(&db, invocation);
                (db, signed)
            },
            BatchSize::PerIteration,
        )
    });
    let (mut db, invocation) = parsed(&topdir);
    assert!(sign_all(&db, invocation) > 0, "the generated layer has signed tasks");
    let recipe = recipe_set(&db, invocation).recipes[SIGNED_RECIPES / 2].path.clone();
    let text = std::fs::read_to_string(&recipe).expect("the generated recipe");
    let mut iteration = 0u64;
    group.bench_function("resign_after_one_line_edit", |b| {
        b.iter(|| {
            iteration += 1;
            Files::update(
                &mut db,
                &recipe,
                Some(format!("{text}\nBENCH_EDIT = \"{}\"\n", iteration % 2)),
            );
            sign_all(&db, invocation)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_plan, bench_signatures);
criterion_main!(benches);
