//! The command line's targets turned into task data, as BitBake's
//! `checkPackages` and `buildTaskData` do it (`world`, `universe`,
//! `mc:NAME:target`, `mc:*:target`, `target:do_task`), then the runqueue
//! and the schedule; and the version table of `bitbake -s`.

use std::collections::BTreeMap;

use super::cache::{collection_warnings, mc_config, provider_index};
use super::lookup::Lookup;
use super::providers::{find_latest, find_preferred, provider_settings, sort_priorities};
use super::runqueue::{prepare, Restrictions, RunTarget};
use super::schedule::schedule;
use super::taskdata::{Raise, TaskData};
use super::world::{universe_targets, world_targets};
use super::{with_do, Message, PlanOutcome, PlanRequest};
use crate::config::Invocation;
use crate::files::Db;
use crate::multiconfig::{multiconfigs, Multiconfig};

pub(super) fn plan(db: &dyn Db, invocation: Invocation, request: PlanRequest<'_>) -> PlanOutcome {
    let mut messages = Vec::new();
    let names = match multiconfigs(db, invocation) {
        Ok(names) => names.clone(),
        Err(error) => {
            return PlanOutcome { plan: None, messages: vec![Message::error(error.clone())] }
        }
    };
    let mcs: Vec<String> = std::iter::once(String::new()).chain(names).collect();
    let lookups: BTreeMap<String, Lookup<'_>> =
        mcs.iter().map(|mc| (mc.clone(), Lookup::new(db, invocation, mc))).collect();
    // A recipe that fails to parse stops everything, as in BitBake; its
    // diagnostics are in the provider index's failures, for the caller to
    // show with their positions.
    let mut failed = false;
    for lookup in lookups.values() {
        failed |= !lookup.index().failures.is_empty();
        let settings = provider_settings(db, invocation, lookup.mc);
        messages.extend(settings.messages.iter().cloned());
        messages.extend(collection_warnings(db, invocation, lookup.mc));
    }
    if failed {
        messages.push(Message::error("Parsing halted due to errors, see error messages above"));
        return PlanOutcome { plan: None, messages };
    }
    let default = Multiconfig::new(db, String::new());
    let config = &mc_config(db, invocation, default).state.datastore;
    let task = match request.task(db) {
        Some(task) => with_do(task),
        None => {
            let task = config.get_var("BB_DEFAULT_TASK", true).ok().flatten();
            with_do(task.as_deref().filter(|task| !task.is_empty()).unwrap_or("build"))
        }
    };
    let assumed = provider_settings(db, invocation, default).assume_provided();
    let targets = expand_targets(&lookups, request.targets(db), &task, &assumed, &mut messages);
    let mut ignored_extra = request.assume_provided(db).clone();
    ignored_extra.retain(|name| !name.is_empty());
    let mut taskdata: BTreeMap<String, TaskData<'_, '_>> = BTreeMap::new();
    for (mc, lookup) in &lookups {
        let settings = provider_settings(db, invocation, lookup.mc);
        let mut ignored = settings.assume_provided();
        ignored.extend(ignored_extra.iter().cloned());
        taskdata.insert(
            mc.clone(),
            TaskData::new(lookup, true, *request.allow_incomplete(db), ignored),
        );
    }
    let result = resolve(&mut taskdata, &targets, &task, &mcs);
    for data in taskdata.values_mut() {
        messages.append(&mut data.messages);
    }
    let run_targets = match result {
        Ok(run_targets) => run_targets,
        Err(raise) => return fail(messages, raise),
    };
    let restrictions =
        Restrictions { runall: request.runall(db).clone(), runonly: request.runonly(db).clone() };
    match prepare(&lookups, &taskdata, &run_targets, &restrictions, &mut messages) {
        Ok(prepared) => match schedule(&lookups, &taskdata, prepared) {
            Ok((plan, mut more)) => {
                messages.append(&mut more);
                PlanOutcome { plan: Some(plan), messages }
            }
            Err(mut more) => {
                messages.append(&mut more);
                PlanOutcome { plan: None, messages }
            }
        },
        Err(raise) => fail(messages, raise),
    }
}

fn fail(mut messages: Vec<Message>, raise: Raise) -> PlanOutcome {
    if let Raise::Fatal(text) = raise {
        if !text.is_empty() {
            messages.push(Message::error(text));
        }
    }
    PlanOutcome { plan: None, messages }
}

/// BitBake's `checkPackages` and the wildcard expansion of
/// `buildTaskData`.
fn expand_targets(
    lookups: &BTreeMap<String, Lookup<'_>>,
    requested: &[String],
    task: &str,
    assumed: &[String],
    messages: &mut Vec<Message>,
) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    for target in requested {
        if assumed.contains(target) {
            messages.push(Message::warning(format!(
                "Explicit target \"{target}\" is in ASSUME_PROVIDED, ignoring"
            )));
        }
        match target.strip_prefix("multiconfig:") {
            Some(rest) => targets.push(format!("mc:{rest}")),
            None => targets.push(target.clone()),
        }
    }
    for (special, collect) in [
        ("world", world_targets as fn(&_, Option<&str>) -> Vec<String>),
        ("universe", universe_targets),
    ] {
        if let Some(position) = targets.iter().position(|target| target == special) {
            targets.remove(position);
            for (mc, lookup) in lookups {
                for pn in collect(lookup.index(), Some(task)) {
                    targets.push(if mc.is_empty() { pn } else { format!("mc:{mc}:{pn}") });
                }
            }
        }
    }
    let mut full = Vec::new();
    let mut implicit_default = None;
    let mut explicit_default = false;
    for target in targets {
        let parts: Vec<&str> = target.split(':').collect();
        if target.starts_with("mc:") && parts.len() >= 3 {
            if parts[1] == "*" {
                for mc in lookups.keys() {
                    if mc.is_empty() {
                        implicit_default = Some(parts[2..].join(":"));
                    } else {
                        full.push(target.replacen('*', mc, 1));
                    }
                }
            } else {
                full.push(target);
            }
        } else {
            explicit_default = true;
            full.push(target);
        }
    }
    if let Some(implicit) = implicit_default.filter(|_| !explicit_default) {
        full.push(implicit);
    }
    full
}

/// Providers for the targets and everything they need, in every
/// multiconfig; the targets with their chosen files.
fn resolve(
    taskdata: &mut BTreeMap<String, TaskData<'_, '_>>,
    targets: &[String],
    default_task: &str,
    mcs: &[String],
) -> Result<Vec<RunTarget>, Raise> {
    let mut run_targets = Vec::new();
    for original in targets {
        let mut mc = String::new();
        let mut name = original.clone();
        let parts: Vec<&str> = original.split(':').collect();
        if original.starts_with("mc:") && parts.len() >= 3 {
            mc = parts[1].to_owned();
            name = parts[2..].join(":");
        }
        let mut task = default_task.to_owned();
        if let Some((target, target_task)) = name.clone().split_once(":do_") {
            name = target.to_owned();
            task = target_task.split(":do_").next().unwrap_or(target_task).to_owned();
        }
        let Some(data) = taskdata.get_mut(&mc) else {
            return Err(Raise::Fatal(format!(
                "Multiconfig dependency {original} depends on nonexistent multiconfig configuration named {mc}"
            )));
        };
        data.add_provider(&name)?;
        let task = with_do(&task);
        if let Some(first) = data.build_targets.get(&name).and_then(|fns| fns.first()) {
            run_targets.push(RunTarget { mc, name, task, fn_name: first.clone() });
        }
    }
    let has_mcdepends = taskdata.values().any(|data| !data.mcdepends.is_empty());
    if has_mcdepends || mcs.len() > 1 {
        let mut seen: Vec<String> = Vec::new();
        loop {
            let mut mcdepends: Vec<String> = Vec::new();
            for data in taskdata.values_mut() {
                data.add_unresolved()?;
                mcdepends.extend(data.mcdepends.iter().cloned());
            }
            let mut new = false;
            for dep in mcdepends {
                if seen.contains(&dep) {
                    continue;
                }
                let parts: Vec<&str> = dep.split(':').collect();
                let Some(data) = taskdata.get_mut(parts[2]) else {
                    return Err(Raise::Fatal(format!(
                        "Multiconfig dependency {dep} depends on nonexistent multiconfig configuration named configuration {}",
                        parts[2]
                    )));
                };
                data.add_provider(parts[3])?;
                seen.push(dep);
                new = true;
            }
            if !new {
                break;
            }
        }
    }
    for data in taskdata.values_mut() {
        data.add_unresolved()?;
    }
    Ok(run_targets)
}

/// A row of `bitbake -s`: a PN with its latest, preferred and required
/// versions, each as `PE:PV-PR`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionRow {
    pub pn: String,
    pub latest: String,
    /// Empty when it equals the latest, or when a required version is set.
    pub preferred: String,
    pub required: String,
    /// The file of the version chosen (preferred, else latest).
    pub chosen_fn: String,
}

/// The rows of `bitbake -s` for the default multiconfig, sorted by PN;
/// and the warnings BitBake prints on the way.
pub fn find_versions(db: &dyn Db, invocation: Invocation) -> (Vec<VersionRow>, Vec<Message>) {
    let mc = Multiconfig::new(db, String::new());
    let index = provider_index(db, invocation, mc);
    let settings = provider_settings(db, invocation, mc);
    let mut messages = collection_warnings(db, invocation, mc);
    let mut rows = Vec::new();
    for pn in index.pns() {
        let grouped = sort_priorities(index, &index.by_pn[pn]);
        let preferred = find_preferred(index, settings, pn, &grouped, None, &mut messages);
        let latest = find_latest(index, &grouped[0]);
        let version = |file: Option<usize>| {
            file.map(|file| {
                let facts = &index.recipes[file];
                format!("{}:{}-{}", facts.pe, facts.pv, facts.pr)
            })
        };
        let latest_text = version(latest).unwrap_or_default();
        let chosen = if preferred.required { preferred.file } else { preferred.file.or(latest) };
        let chosen_text = version(chosen).unwrap_or_default();
        let chosen_fn = chosen.or(latest).map(|file| index.recipes[file].fn_name.clone());
        let mut row = VersionRow {
            pn: pn.to_owned(),
            latest: latest_text,
            chosen_fn: chosen_fn.unwrap_or_default(),
            ..VersionRow::default()
        };
        if preferred.required {
            match chosen {
                Some(_) => row.required = chosen_text,
                None => messages.push(Message::error(format!(
                    "REQUIRED_VERSION of package {pn} not available"
                ))),
            }
        } else if chosen != latest {
            row.preferred = chosen_text;
        }
        rows.push(row);
    }
    (rows, messages)
}
