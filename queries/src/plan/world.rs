//! The `world` and `universe` targets, as BitBake's
//! `buildWorldTargetList` and `checkPackages` collect them.

use super::cache::ProviderIndex;

/// The PNs `world` builds: every recipe not excluded from world that has
/// `task` (if given), provides nothing under `virtual/`, and is the only
/// recipe providing each of its names.
pub fn world_targets(index: &ProviderIndex, task: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for facts in index.recipes.iter().filter(|facts| !facts.exclude_from_world) {
        if task.is_some_and(|task| !facts.tasks.iter().any(|known| known == task)) {
            continue;
        }
        let provides = index.pn_provides(&facts.pn);
        let terminal = provides.iter().all(|name| {
            !name.starts_with("virtual/")
                && index.providers[*name].iter().all(|&i| index.recipes[i].pn == facts.pn)
        });
        if terminal && !out.contains(&facts.pn) {
            out.push(facts.pn.clone());
        }
    }
    out
}

/// The PNs `universe` builds: every recipe, or those with a provider that
/// has `task`.
pub fn universe_targets(index: &ProviderIndex, task: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for facts in &index.recipes {
        if let Some(task) = task {
            let providers = index.providers.get(&facts.pn).into_iter().flatten();
            let has_task = providers
                .map(|&i| &index.recipes[i])
                .any(|provider| provider.tasks.iter().any(|known| known == task));
            if !has_task {
                continue;
            }
        }
        out.push(facts.pn.clone());
    }
    out
}
