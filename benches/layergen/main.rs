//! `rbake-layergen`: writes a deterministic, synthetic BitBake build
//! directory for benchmarks and conformance checks.
//!
//! `rbake-layergen --recipes N --seed S --out DIR` writes `DIR/conf/`
//! (bblayers.conf, local.conf) and one layer, `DIR/meta-gen/`, with a
//! self-contained `conf/bitbake.conf` (no OE-Core needed), classes, N
//! recipes in groups with shared `.inc` files, and bbappends. Real BitBake
//! parses all of it. `DIR/layergen-manifest.tsv` lists the DEPENDS BitBake
//! should compute for every recipe variant.
//!
//! The same N and seed always give byte-identical files (bblayers.conf holds
//! the absolute path of DIR, so it differs between directories and nothing
//! else does): the generator draws from its own PRNG (`rng.rs`), and walks
//! only ordered collections.

mod classes;
mod classes_extra;
mod conf;
mod layout;
mod model;
mod names;
mod recipe;
mod recipe_body;
mod rng;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

/// Writes a synthetic BitBake build directory with a generated layer.
#[derive(Debug, Parser)]
#[command(name = "rbake-layergen", version)]
struct Args {
    /// Number of recipes (.bb files) to generate.
    #[arg(long)]
    recipes: usize,
    /// Seed of the generator; the same recipes and seed give the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The build directory to write (TOPDIR).
    #[arg(long)]
    out: PathBuf,
    /// Replace what an earlier run wrote in DIR (conf files, meta-gen/, the
    /// manifest); anything else in DIR, such as BitBake's caches, is kept.
    #[arg(long)]
    force: bool,
}

/// What the generator writes into DIR: the paths it owns.
const OWNED: &[&str] =
    &["meta-gen", "conf/bblayers.conf", "conf/local.conf", "layergen-manifest.tsv"];

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("rbake-layergen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<String, String> {
    if args.recipes == 0 {
        return Err("--recipes must be at least 1".into());
    }
    let out = &args.out;
    let existing: Vec<&str> = OWNED.iter().copied().filter(|p| out.join(p).exists()).collect();
    if !existing.is_empty() {
        if !args.force {
            return Err(format!(
                "{} already holds generated files ({}); pass --force to replace them",
                out.display(),
                existing.join(", ")
            ));
        }
        for p in existing {
            let path = out.join(p);
            let res = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            res.map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let top = out.canonicalize().map_err(|e| format!("{}: {e}", out.display()))?;
    let layer_dir = top.join("meta-gen");
    let layer_dir_str =
        layer_dir.to_str().ok_or_else(|| format!("{} is not UTF-8", layer_dir.display()))?;

    let layer = model::Layer::generate(args.recipes, args.seed);
    let files = render_all(&layer, args.recipes, layer_dir_str);
    for (rel, text) in &files {
        write_file(&top, rel, text)?;
    }
    let variants = layer.recipes.iter().map(|r| 1 + usize::from(r.native)).sum::<usize>();
    let appends = layer.recipes.iter().filter(|r| r.append.is_some()).count();
    Ok(format!(
        "rbake-layergen: {} recipes ({variants} variants), {appends} bbappends, {} groups, \
         {} files in {}",
        layer.recipes.len(),
        layer.groups.len(),
        files.len(),
        top.display()
    ))
}

/// Every file, as (path relative to DIR, text), in a fixed order.
fn render_all(layer: &model::Layer, count: usize, layer_dir: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = vec![
        ("conf/bblayers.conf".into(), conf::bblayers_conf(layer, count, layer_dir)),
        ("conf/local.conf".into(), conf::local_conf(layer)),
        ("meta-gen/conf/layer.conf".into(), conf::layer_conf()),
        ("meta-gen/conf/bitbake.conf".into(), conf::BITBAKE_CONF.into()),
        ("meta-gen/conf/machine/genmachine.conf".into(), conf::MACHINE_CONF.into()),
        ("meta-gen/conf/distro/gendistro.conf".into(), conf::DISTRO_CONF.into()),
    ];
    let classes: [(&str, &str); 8] = [
        ("base", classes::BASE),
        ("logging", classes::LOGGING),
        ("pkgconfig-gen", classes_extra::PKGCONFIG),
        ("autotools_gen", classes_extra::AUTOTOOLS),
        ("cmake_gen", classes_extra::CMAKE),
        ("native", classes_extra::NATIVE),
        ("ptest_gen", classes_extra::PTEST),
        ("buildhistory_gen", classes_extra::BUILDHISTORY),
    ];
    for (name, text) in classes {
        files.push((format!("meta-gen/classes/{name}.bbclass"), text.into()));
    }
    let mut used = vec![false; layer.groups.len()];
    for r in &layer.recipes {
        used[r.group] = true;
    }
    for (g, name) in layer.groups.iter().enumerate().filter(|(g, _)| used[*g]) {
        files
            .push((format!("meta-gen/recipes-gen/{name}/{name}.inc"), layout::group_inc(layer, g)));
    }
    for r in &layer.recipes {
        let group = &layer.groups[r.group];
        let path = format!("meta-gen/recipes-gen/{group}/{}", recipe::file_name(r));
        files.push((path, recipe::render(layer, r)));
        if let (Some(name), Some(text)) = (layout::append_name(r), layout::append(layer, r)) {
            files.push((format!("meta-gen/appends/{group}/{name}"), text));
        }
    }
    files.push(("layergen-manifest.tsv".into(), layout::manifest(layer)));
    files
}

fn write_file(top: &Path, rel: &str, text: &str) -> Result<(), String> {
    let path = top.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
