//! Parsing a generated layer, cold and incrementally: the full parse of
//! every recipe (without inline Python yet), a no-op re-evaluation, and the
//! re-evaluation after a one-line edit in one recipe and in a class every
//! recipe inherits.

mod common;

use std::path::Path;

use common::{generated_layer, open};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rbake_queries::config::Invocation;
use rbake_queries::files::Files;
use rbake_queries::recipe::{parse_recipe, RecipeId};
use rbake_queries::recipes::recipe_set;
use rbake_queries::RootDatabase;

const RECIPES: usize = 200;

/// Parses every recipe; returns the number of variants, so nothing is
/// optimised away.
fn parse_all(db: &RootDatabase, invocation: Invocation) -> usize {
    recipe_set(db, invocation)
        .recipes
        .iter()
        .map(|recipe| {
            parse_recipe(db, invocation, RecipeId::new(db, recipe.path.clone())).variants.len()
        })
        .sum()
}

/// Alternates between two versions of a file, so every iteration edits.
fn toggle_edit(db: &mut RootDatabase, path: &Path, original: &str, iteration: &mut u64) {
    *iteration += 1;
    let text = format!("{original}\nBENCH_EDIT = \"{}\"\n", *iteration % 2);
    Files::update(db, path, Some(text));
}

fn bench_parse(c: &mut Criterion) {
    let topdir = generated_layer(RECIPES);
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    group.bench_function("cold_200_recipes", |b| {
        b.iter_batched(
            || open(&topdir),
            |(db, invocation)| parse_all(&db, invocation),
            BatchSize::PerIteration,
        )
    });

    let (mut db, invocation) = open(&topdir);
    parse_all(&db, invocation);
    group.bench_function("noop_200_recipes", |b| b.iter(|| parse_all(&db, invocation)));

    let recipe = recipe_set(&db, invocation).recipes[RECIPES / 2].path.clone();
    let recipe_text = std::fs::read_to_string(&recipe).expect("the generated recipe");
    let mut iteration = 0;
    group.bench_function("edit_one_recipe", |b| {
        b.iter(|| {
            toggle_edit(&mut db, &recipe, &recipe_text, &mut iteration);
            parse_all(&db, invocation)
        })
    });

    let class = topdir.join("meta-gen/classes/base.bbclass");
    let class_text = std::fs::read_to_string(&class).expect("the generated base class");
    group.bench_function("edit_base_class", |b| {
        b.iter(|| {
            toggle_edit(&mut db, &class, &class_text, &mut iteration);
            parse_all(&db, invocation)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
