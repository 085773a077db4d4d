//! The planner's view of the parsed recipes, BitBake's `recipecaches`:
//! every datastore under its BitBake file name (`virtual:native:/x.bb`,
//! `mc:NAME:/x.bb`), and an index of who provides what.
//!
//! The index reads only [`provider_facts`], a projection that leaves out
//! DEPENDS and the tasks, so that editing a recipe's dependencies leaves
//! the index, and every provider resolved from it, untouched.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{config, Config, Invocation};
use crate::eval::Diagnostic;
use crate::files::Db;
use crate::multiconfig::{multiconfig_config, parse_recipe_in, Multiconfig};
use crate::recipe::{parse_recipe, ParsedRecipe, RecipeId, RecipeInfo};
use crate::recipes::recipe_set;

/// The configuration of a multiconfig (`""` is the default one).
pub fn mc_config<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'db>,
) -> &'db Config {
    if mc.name(db).is_empty() {
        config(db, invocation)
    } else {
        multiconfig_config(db, invocation, mc)
    }
}

/// A recipe parsed over a multiconfig's configuration.
pub fn mc_parse<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    recipe: RecipeId<'db>,
    mc: Multiconfig<'db>,
) -> &'db ParsedRecipe {
    if mc.name(db).is_empty() {
        parse_recipe(db, invocation, recipe)
    } else {
        parse_recipe_in(db, invocation, recipe, mc)
    }
}

/// BitBake's name for a datastore: the file, prefixed by
/// `virtual:VARIANT:` and then by `mc:NAME:`.
pub fn virtual_fn(path: &Path, variant: &str, mc: &str) -> String {
    let mut name = path.to_string_lossy().into_owned();
    if !variant.is_empty() {
        name = format!("virtual:{variant}:{name}");
    }
    if !mc.is_empty() {
        name = format!("mc:{mc}:{name}");
    }
    name
}

/// The multiconfig, variant and recipe file of a BitBake file name (the
/// inverse of [`virtual_fn`]).
pub fn split_virtual_fn(fn_name: &str) -> (&str, &str, &str) {
    let (mc, rest) = match fn_name.strip_prefix("mc:").and_then(|rest| rest.split_once(':')) {
        Some((mc, rest)) => (mc, rest),
        None => ("", fn_name),
    };
    match rest.strip_prefix("virtual:").and_then(|rest| rest.find(":/").map(|at| (rest, at))) {
        Some((rest, at)) => (mc, &rest[..at], &rest[at + 1..]),
        None => (mc, "", rest),
    }
}

/// One datastore, as the planner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// BitBake's file name for it (see [`virtual_fn`]).
    pub fn_name: String,
    pub path: PathBuf,
    pub variant: String,
    /// BBFILE_PRIORITY of the recipe's layer.
    pub priority: i64,
    pub info: Arc<RecipeInfo>,
}

/// The datastores of one recipe file, or why it failed to parse.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RecipeEntries {
    pub entries: Vec<Entry>,
    /// The parse's errors, when it failed.
    pub failure: Option<Vec<Diagnostic>>,
}

/// The planner's entries for one recipe file.
#[salsa::tracked(returns(ref))]
pub fn recipe_entries<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    recipe: RecipeId<'db>,
    mc: Multiconfig<'db>,
) -> RecipeEntries {
    let parsed = mc_parse(db, invocation, recipe, mc);
    let path = recipe.path(db);
    if parsed.failed {
        return RecipeEntries { entries: Vec::new(), failure: Some(parsed.diagnostics.clone()) };
    }
    let set = recipe_set(db, invocation);
    let priority =
        set.recipes.iter().find(|file| &file.path == path).map_or(0, |file| file.priority);
    let entries = parsed
        .variants
        .iter()
        .map(|variant| Entry {
            fn_name: virtual_fn(path, &variant.name, mc.name(db)),
            path: path.clone(),
            variant: variant.name.clone(),
            priority,
            info: variant.info.clone(),
        })
        .collect();
    RecipeEntries { entries, failure: None }
}

/// What provider selection reads from one datastore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvideFacts {
    pub fn_name: String,
    pub path: PathBuf,
    pub variant: String,
    pub pn: String,
    pub pe: String,
    pub pv: String,
    pub pr: String,
    pub default_preference: i64,
    pub priority: i64,
    /// PN and PROVIDES.
    pub provides: Vec<String>,
    /// RPROVIDES, recipe-wide and per package.
    pub rprovides: Vec<String>,
    pub packages: Vec<String>,
    pub packages_dynamic: Vec<String>,
    pub skipped: Option<String>,
    pub exclude_from_world: bool,
    pub tasks: Vec<String>,
}

impl ProvideFacts {
    pub fn version(&self) -> (&str, &str, &str) {
        (&self.pe, &self.pv, &self.pr)
    }
}

/// The provider facts of one recipe file's datastores, or the errors of
/// its failed parse.
#[salsa::tracked(returns(ref))]
pub fn provider_facts<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    recipe: RecipeId<'db>,
    mc: Multiconfig<'db>,
) -> Result<Vec<ProvideFacts>, Vec<Diagnostic>> {
    let entries = recipe_entries(db, invocation, recipe, mc);
    if let Some(failure) = &entries.failure {
        return Err(failure.clone());
    }
    let facts = entries
        .entries
        .iter()
        .map(|entry| {
            let info = &entry.info;
            ProvideFacts {
                fn_name: entry.fn_name.clone(),
                path: entry.path.clone(),
                variant: entry.variant.clone(),
                pn: info.pn.clone(),
                pe: info.pe.clone(),
                pv: info.pv.clone(),
                pr: info.pr.clone(),
                default_preference: info.default_preference,
                priority: entry.priority,
                provides: info.all_provides().into_iter().map(str::to_owned).collect(),
                rprovides: info.all_rprovides().into_iter().map(str::to_owned).collect(),
                packages: info.packages.clone(),
                packages_dynamic: info.packages_dynamic.clone(),
                skipped: info.skipped.clone(),
                exclude_from_world: info.exclude_from_world,
                tasks: info.tasks.iter().map(|task| task.name.clone()).collect(),
            }
        })
        .collect();
    Ok(facts)
}

/// Who provides what, over every recipe of a multiconfig (BitBake's
/// `pkg_fn`, `pkg_pn`, `providers`, `rproviders`, `packages` and
/// `packages_dynamic`, and the skip list).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ProviderIndex {
    /// The datastores that were not skipped, in collection order.
    pub recipes: Vec<ProvideFacts>,
    /// The skipped ones.
    pub skipped: Vec<ProvideFacts>,
    pub by_fn: HashMap<String, usize>,
    /// Datastores by PN, in collection order.
    pub by_pn: HashMap<String, Vec<usize>>,
    /// Datastores by provided name (PN and PROVIDES).
    pub providers: HashMap<String, Vec<usize>>,
    /// Datastores by RPROVIDES name.
    pub rproviders: HashMap<String, Vec<usize>>,
    /// Datastores by package name.
    pub packages: HashMap<String, Vec<usize>>,
    /// PACKAGES_DYNAMIC patterns in the order first seen, with their
    /// datastores.
    pub packages_dynamic: Vec<(String, Vec<usize>)>,
    /// Recipe files that failed to parse, with their errors.
    pub failures: Vec<(PathBuf, Vec<Diagnostic>)>,
}

impl ProviderIndex {
    pub fn get(&self, fn_name: &str) -> Option<&ProvideFacts> {
        self.by_fn.get(fn_name).map(|&index| &self.recipes[index])
    }

    pub fn pn_of(&self, fn_name: &str) -> &str {
        self.get(fn_name).map_or("", |facts| facts.pn.as_str())
    }

    /// Every PN, sorted.
    pub fn pns(&self) -> Vec<&str> {
        let mut pns: Vec<&str> = self.by_pn.keys().map(String::as_str).collect();
        pns.sort_unstable();
        pns
    }

    /// The provided names of a PN's datastores (BitBake's `pn_provides`).
    pub fn pn_provides(&self, pn: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for &index in self.by_pn.get(pn).into_iter().flatten() {
            for name in &self.recipes[index].provides {
                if !out.contains(&name.as_str()) {
                    out.push(name);
                }
            }
        }
        out
    }

    fn add(&mut self, facts: ProvideFacts) {
        if facts.skipped.is_some() {
            self.skipped.push(facts);
            return;
        }
        let index = self.recipes.len();
        self.by_fn.insert(facts.fn_name.clone(), index);
        self.by_pn.entry(facts.pn.clone()).or_default().push(index);
        for name in &facts.provides {
            self.providers.entry(name.clone()).or_default().push(index);
        }
        for name in &facts.rprovides {
            let list = self.rproviders.entry(name.clone()).or_default();
            if !list.contains(&index) {
                list.push(index);
            }
        }
        for package in &facts.packages {
            self.packages.entry(package.clone()).or_default().push(index);
        }
        for pattern in &facts.packages_dynamic {
            match self.packages_dynamic.iter_mut().find(|(known, _)| known == pattern) {
                Some((_, list)) => list.push(index),
                None => self.packages_dynamic.push((pattern.clone(), vec![index])),
            }
        }
        self.recipes.push(facts);
    }
}

/// The provider index of a multiconfig.
#[salsa::tracked(returns(ref))]
pub fn provider_index<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'db>,
) -> ProviderIndex {
    let mut index = ProviderIndex::default();
    for file in &recipe_set(db, invocation).recipes {
        let recipe = RecipeId::new(db, file.path.clone());
        match provider_facts(db, invocation, recipe, mc) {
            Ok(facts) => facts.iter().for_each(|facts| index.add(facts.clone())),
            Err(failure) => index.failures.push((file.path.clone(), failure.clone())),
        }
    }
    index
}

/// The planner's entry for a datastore, by BitBake file name.
pub fn entry_by_fn<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    fn_name: &str,
) -> Option<&'db Entry> {
    let (mc, variant, path) = split_virtual_fn(fn_name);
    let recipe = RecipeId::new(db, PathBuf::from(path));
    let mc = Multiconfig::new(db, mc.to_owned());
    let entries = recipe_entries(db, invocation, recipe, mc);
    entries.entries.iter().find(|entry| entry.variant == variant)
}

/// The finalised datastore with BitBake file name `fn_name`, as a task
/// runs against it.
pub fn variant_by_fn<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    fn_name: &str,
) -> Option<&'db crate::recipe::Variant> {
    let (mc, variant, path) = split_virtual_fn(fn_name);
    let recipe = RecipeId::new(db, PathBuf::from(path));
    let mc = Multiconfig::new(db, mc.to_owned());
    let parsed = mc_parse(db, invocation, recipe, mc);
    parsed.variants.iter().find(|found| found.name == variant && found.skipped.is_none())
}

/// BitBake's warning for each layer whose BBFILE_PATTERN matched no
/// recipe that was parsed (skipped recipes and appends count, unless a
/// layer that did match covers them), unless its
/// BBFILE_PATTERN_IGNORE_EMPTY is `1`.
pub fn collection_warnings(
    db: &dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'_>,
) -> Vec<super::Message> {
    let set = recipe_set(db, invocation);
    let index = provider_index(db, invocation, mc);
    let layers: HashMap<&Path, &str> = set
        .recipes
        .iter()
        .filter_map(|file| file.layer.as_deref().map(|layer| (file.path.as_path(), layer)))
        .collect();
    let layer_of = |path: &Path| layers.get(path).copied();
    let compiled: Vec<(&crate::recipes::LayerInfo, Option<regex::Regex>)> = set
        .layers
        .iter()
        .filter(|layer| !layer.pattern.is_empty())
        .map(|layer| (layer, regex::Regex::new(&format!("^(?:{})", layer.pattern)).ok()))
        .collect();
    let matched: Vec<&str> =
        index.recipes.iter().filter_map(|facts| layer_of(&facts.path)).collect();
    let (used, mut unused): (Vec<_>, Vec<_>) =
        compiled.iter().partition(|(layer, _)| matched.contains(&layer.name.as_str()));
    if !unused.is_empty() {
        let mut seen: Vec<&Path> = index.recipes.iter().map(|facts| facts.path.as_path()).collect();
        seen.extend(set.recipes.iter().map(|file| file.path.as_path()));
        seen.extend(set.recipes.iter().flat_map(|file| file.appends.iter().map(PathBuf::as_path)));
        seen.extend(set.dangling_appends.iter().map(PathBuf::as_path));
        let parsed_with_layer: std::collections::HashSet<&Path> = index
            .recipes
            .iter()
            .filter(|facts| layer_of(&facts.path).is_some())
            .map(|facts| facts.path.as_path())
            .collect();
        seen.retain(|path| !parsed_with_layer.contains(path));
        let matches = |re: &Option<regex::Regex>, path: &Path| {
            re.as_ref().is_some_and(|re| re.is_match(&path.to_string_lossy()))
        };
        unused.retain(|(_, re)| {
            !seen
                .iter()
                .any(|path| matches(re, path) && !used.iter().any(|(_, used)| matches(used, path)))
        });
    }
    let config = &mc_config(db, invocation, mc).state.datastore;
    let mc_name = if mc.name(db).is_empty() { "default" } else { mc.name(db).as_str() };
    unused
        .into_iter()
        .filter(|(layer, _)| {
            let ignore =
                config.get_var(&format!("BBFILE_PATTERN_IGNORE_EMPTY_{}", layer.name), true);
            ignore.ok().flatten().as_deref() != Some("1")
        })
        .map(|(layer, _)| {
            super::Message::warning(format!(
                "No bb files in {mc_name} matched BBFILE_PATTERN_{} '{}'",
                layer.name, layer.pattern
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{split_virtual_fn, virtual_fn};
    use std::path::Path;

    #[test]
    fn file_names_split_into_multiconfig_variant_and_path() {
        assert_eq!(split_virtual_fn("/l/a.bb"), ("", "", "/l/a.bb"));
        assert_eq!(split_virtual_fn("virtual:native:/l/a.bb"), ("", "native", "/l/a.bb"));
        assert_eq!(split_virtual_fn("mc:x:/l/a.bb"), ("x", "", "/l/a.bb"));
        let name = virtual_fn(Path::new("/l/a.bb"), "multilib:lib32", "x");
        assert_eq!(split_virtual_fn(&name), ("x", "multilib:lib32", "/l/a.bb"));
    }
}
