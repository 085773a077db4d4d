//! Provider selection as BitBake's `bb.providers` does it: layer
//! priority, DEFAULT_PREFERENCE, PREFERRED_VERSION / REQUIRED_VERSION
//! (with `%` wildcards and epochs and revisions), PREFERRED_PROVIDER and
//! PREFERRED_RPROVIDER, and runtime providers through RPROVIDES, PACKAGES
//! and PACKAGES_DYNAMIC.
//!
//! Each build-time and runtime name is resolved by its own query, which
//! reads only the provider index and the configuration's preferences.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::cache::{mc_config, provider_index, ProviderIndex};
use super::version;
use super::{Message, Name};
use crate::config::Invocation;
use crate::datastore::Provenance;
use crate::files::Db;
use crate::multiconfig::Multiconfig;
use crate::python::evaluator_for;

/// The configuration's provider preferences, expanded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderSettings {
    /// Every PREFERRED_*, REQUIRED_VERSION* and ASSUME_PROVIDED variable,
    /// by name, after key expansion.
    vars: BTreeMap<String, String>,
    /// PREFERRED_PROVIDERS, as `providee -> provider`.
    preferred: BTreeMap<String, String>,
    pub messages: Vec<Message>,
}

impl ProviderSettings {
    /// A variable's value; empty counts as unset, as in BitBake's tests.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str).filter(|value| !value.is_empty())
    }

    pub fn assume_provided(&self) -> Vec<String> {
        self.var("ASSUME_PROVIDED")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }
}

const SETTING_PREFIXES: [&str; 4] =
    ["PREFERRED_", "REQUIRED_VERSION", "ASSUME_PROVIDED", "BB_MULTI_PROVIDER_ALLOWED"];

/// The preferences of a multiconfig's configuration, read from a copy
/// with its keys expanded, as BitBake's cooker reads them.
#[salsa::tracked(returns(ref))]
pub fn provider_settings<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'db>,
) -> ProviderSettings {
    let config = mc_config(db, invocation, mc);
    let mut state = config.state.clone();
    let mut python = evaluator_for(&state);
    let prov = Provenance::internal("<providers>");
    let mut settings = ProviderSettings::default();
    if let Err(error) = state.datastore.expand_keys_with(&prov, &mut *python) {
        settings.messages.push(Message::error(error.to_string()));
    }
    let names = state.datastore.keys_with(&mut *python).unwrap_or_default();
    for name in names {
        if !SETTING_PREFIXES.iter().any(|prefix| name.starts_with(prefix)) {
            continue;
        }
        match state.datastore.get_var_with(&name, true, &mut *python) {
            Ok(Some(value)) => {
                settings.vars.insert(name, value);
            }
            Ok(None) => {}
            Err(error) => settings.messages.push(Message::error(error.to_string())),
        }
    }
    for pair in
        settings.var("PREFERRED_PROVIDERS").unwrap_or_default().to_owned().split_whitespace()
    {
        let Some((providee, provider)) = pair.split_once(':').filter(|(_, p)| !p.contains(':'))
        else {
            settings.messages.push(Message::error(format!(
                "Malformed option in PREFERRED_PROVIDERS variable: {pair}"
            )));
            continue;
        };
        if let Some(known) = settings.preferred.get(providee).filter(|known| *known != provider) {
            let text = format!(
                "conflicting preferences for {providee}: both {provider} and {known} specified"
            );
            settings.messages.push(Message::error(text));
        }
        settings.preferred.insert(providee.to_owned(), provider.to_owned());
    }
    settings
}

/// The providers of a name, best first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Eligible {
    /// BitBake file names.
    pub fns: Vec<String>,
    /// Whether a PREFERRED_PROVIDER (or, at runtime, one preference)
    /// picked the first.
    pub preferred: usize,
    pub messages: Vec<Message>,
}

/// The build-time providers of `item`, or `None` if nothing provides it.
#[salsa::tracked(returns(ref))]
pub fn build_providers<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'db>,
    item: Name<'db>,
) -> Option<Eligible> {
    let index = provider_index(db, invocation, mc);
    let settings = provider_settings(db, invocation, mc);
    let item = item.text(db);
    let all = index.providers.get(item)?;
    let mut messages = Vec::new();
    let mut eligible = filter_providers(index, settings, all, item, &mut messages);
    let preferred = settings
        .var(&format!("PREFERRED_PROVIDER_{item}"))
        .or(settings.preferred.get(item).map(String::as_str));
    let mut found = 0;
    if let Some(preferred) = preferred {
        if let Some(position) = eligible.iter().position(|&i| index.recipes[i].pn == preferred) {
            let chosen = eligible.remove(position);
            eligible.insert(0, chosen);
            found = 1;
        }
    }
    let fns = eligible.iter().map(|&i| index.recipes[i].fn_name.clone()).collect();
    Some(Eligible { fns, preferred: found, messages })
}

/// The runtime providers of `item` (an RDEPENDS name); empty if nothing
/// provides it.
#[salsa::tracked(returns(ref))]
pub fn runtime_providers<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'db>,
    item: Name<'db>,
) -> Eligible {
    let index = provider_index(db, invocation, mc);
    let settings = provider_settings(db, invocation, mc);
    let item = item.text(db);
    let mut messages = Vec::new();
    let all = runtime_candidates(db, invocation, mc, index, item, &mut messages);
    if all.is_empty() {
        return Eligible { messages, ..Eligible::default() };
    }
    let mut eligible = filter_providers(index, settings, &all, item, &mut messages);
    let preferred;
    let rprovider = settings.var(&format!("PREFERRED_RPROVIDER_{item}"));
    let by_rprovider = rprovider
        .and_then(|rprovider| eligible.iter().position(|&i| index.recipes[i].pn == rprovider));
    if let Some(position) = by_rprovider {
        let chosen = eligible.remove(position);
        eligible.insert(0, chosen);
        preferred = 1;
    } else {
        // Infer the provider from PREFERRED_PROVIDER entries for what each
        // eligible recipe provides.
        let pns: BTreeMap<&str, usize> =
            eligible.iter().map(|&i| (index.recipes[i].pn.as_str(), i)).collect();
        let mut chosen: Vec<usize> = Vec::new();
        let mut entries: Vec<String> = Vec::new();
        for &candidate in &eligible.clone() {
            let pn = &index.recipes[candidate].pn;
            for provide in index.pn_provides(pn) {
                let Some(wanted) = settings.var(&format!("PREFERRED_PROVIDER_{provide}")) else {
                    continue;
                };
                let Some(&pick) = pns.get(wanted).filter(|pick| !chosen.contains(pick)) else {
                    continue;
                };
                entries.push(format!("PREFERRED_PROVIDER_{provide} = {wanted}"));
                eligible.retain(|&i| i != pick);
                eligible.insert(0, pick);
                chosen.push(pick);
                break;
            }
        }
        preferred = chosen.len();
        if preferred > 1 {
            let chosen: Vec<String> =
                chosen.iter().map(|&i| format!("'{}'", index.recipes[i].fn_name)).collect();
            let entries: Vec<String> = entries.iter().map(|entry| format!("'{entry}'")).collect();
            messages.push(Message::error(format!(
                "Trying to resolve runtime dependency {item} resulted in conflicting PREFERRED_PROVIDER entries being found.\nThe providers found were: [{}]\nThe PREFERRED_PROVIDER entries resulting in this conflict were: [{}]. You could set PREFERRED_RPROVIDER_{item}",
                chosen.join(", "),
                entries.join(", ")
            )));
        }
    }
    let fns = eligible.iter().map(|&i| index.recipes[i].fn_name.clone()).collect();
    Eligible { fns, preferred, messages }
}

/// BitBake's `getRuntimeProviders`: RPROVIDES and PACKAGES, or failing
/// those, the PACKAGES_DYNAMIC patterns that match (a pattern that does
/// not compile is an error, reported once the search reaches it).
fn runtime_candidates(
    db: &dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'_>,
    index: &ProviderIndex,
    item: &str,
    messages: &mut Vec<Message>,
) -> Vec<usize> {
    let mut all: Vec<usize> = Vec::new();
    all.extend(index.rproviders.get(item).into_iter().flatten());
    all.extend(index.packages.get(item).into_iter().flatten());
    if !all.is_empty() {
        return all;
    }
    let patterns = super::dynamic::dynamic_patterns(db, invocation, mc);
    messages.extend(patterns.messages.iter().cloned());
    for position in patterns.matches(item) {
        all.extend(&index.packages_dynamic[position].1);
    }
    all
}

/// BitBake's `_filterProviders`: the preferred (or latest) version of
/// each PN among the candidates, with the PN named like the item first.
fn filter_providers(
    index: &ProviderIndex,
    settings: &ProviderSettings,
    candidates: &[usize],
    item: &str,
    messages: &mut Vec<Message>,
) -> Vec<usize> {
    let mut sorted = candidates.to_vec();
    sorted.sort_by(|&a, &b| index.recipes[a].fn_name.cmp(&index.recipes[b].fn_name));
    let mut by_pn: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &candidate in &sorted {
        by_pn.entry(index.recipes[candidate].pn.as_str()).or_default().push(candidate);
    }
    let mut eligible = Vec::new();
    let mut chosen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut groups: BTreeMap<&str, Vec<Vec<usize>>> = BTreeMap::new();
    for (&pn, files) in &by_pn {
        let grouped = sort_priorities(index, files);
        let preferred = find_preferred(index, settings, pn, &grouped, Some(item), messages);
        if preferred.required && preferred.file.is_none() {
            return Vec::new();
        }
        if let Some(file) = preferred.file {
            eligible.push(file);
            chosen.insert(pn, file);
        }
        groups.insert(pn, grouped);
    }
    for (&pn, grouped) in &groups {
        if chosen.contains_key(pn) {
            continue;
        }
        if let Some(latest) = find_latest(index, &grouped[0]) {
            eligible.push(latest);
            chosen.insert(pn, latest);
        }
    }
    if eligible.is_empty() {
        return eligible;
    }
    // A PN equal to the item gets a slight preference.
    if let Some(&own) = chosen.get(item) {
        if let Some(position) = eligible.iter().position(|&i| i == own) {
            eligible.remove(position);
            eligible.insert(0, own);
        }
    }
    eligible
}

/// BitBake's `sortPriorities`: the files grouped by layer priority,
/// highest first, each group ordered by DEFAULT_PREFERENCE, lowest first.
pub(crate) fn sort_priorities(index: &ProviderIndex, files: &[usize]) -> Vec<Vec<usize>> {
    let mut table: BTreeMap<i64, BTreeMap<i64, Vec<usize>>> = BTreeMap::new();
    for &file in files {
        let facts = &index.recipes[file];
        table
            .entry(facts.priority)
            .or_default()
            .entry(facts.default_preference)
            .or_default()
            .push(file);
    }
    table.into_values().rev().map(|by_pref| by_pref.into_values().flatten().collect()).collect()
}

/// The highest version in a group; DEFAULT_PREFERENCE outranks versions.
pub(crate) fn find_latest(index: &ProviderIndex, files: &[usize]) -> Option<usize> {
    let mut latest: Option<usize> = None;
    for &file in files {
        let facts = &index.recipes[file];
        let better = match latest {
            None => true,
            Some(best) => {
                let best = &index.recipes[best];
                (best.default_preference == facts.default_preference
                    && version::compare(best.version(), facts.version()) == Ordering::Less)
                    || facts.default_preference > best.default_preference
            }
        };
        if better {
            latest = Some(file);
        }
    }
    latest
}

/// The outcome of looking for a PREFERRED_VERSION or REQUIRED_VERSION.
pub(crate) struct Preferred {
    pub file: Option<usize>,
    pub required: bool,
}

/// A `_VERSION` setting for a PN: `:pn-NAME`, then `_NAME`, then global.
fn version_setting<'a>(settings: &'a ProviderSettings, keyword: &str, pn: &str) -> Option<&'a str> {
    settings
        .var(&format!("{keyword}_VERSION:pn-{pn}"))
        .or_else(|| settings.var(&format!("{keyword}_VERSION_{pn}")))
        .or_else(|| settings.var(&format!("{keyword}_VERSION")))
}

/// BitBake's `findPreferredProvider`.
pub(crate) fn find_preferred(
    index: &ProviderIndex,
    settings: &ProviderSettings,
    pn: &str,
    grouped: &[Vec<usize>],
    item: Option<&str>,
    messages: &mut Vec<Message>,
) -> Preferred {
    let required_version = version_setting(settings, "REQUIRED", pn);
    let mut wanted = version_setting(settings, "PREFERRED", pn);
    let for_item = item.map(|item| format!(" (for item {item})")).unwrap_or_default();
    let required = required_version.is_some();
    if let Some(required_version) = required_version {
        if wanted.is_some() {
            messages.push(Message::warning(format!(
                "REQUIRED_VERSION and PREFERRED_VERSION for package {pn}{for_item} are both set using REQUIRED_VERSION {required_version}"
            )));
        }
        wanted = Some(required_version);
    }
    let Some(wanted) = wanted else {
        return Preferred { file: None, required };
    };
    // BitBake's pattern takes repeated `N:` prefixes (the last is the
    // epoch) and leaves the rest, revision included, as the version.
    let (epoch, pv) = split_epochs(wanted);
    let matches = |facts: &super::cache::ProvideFacts| {
        (epoch.is_none() || epoch == Some(facts.pe.as_str()))
            && (pv == facts.pv
                || pv.strip_suffix('%').is_some_and(|prefix| facts.pv.starts_with(prefix)))
    };
    let file = grouped.iter().flatten().copied().find(|&file| matches(&index.recipes[file]));
    let mut shown = pv.to_owned();
    if let Some(epoch) = epoch {
        shown = format!("{epoch}:{shown}");
    }
    if file.is_none() {
        if !required {
            messages.push(Message::warning(format!(
                "preferred version {shown} of {pn} not available{for_item}"
            )));
        }
        let mut available: BTreeSet<String> = BTreeSet::new();
        for &file in grouped.iter().flatten() {
            let facts = &index.recipes[file];
            available.insert(if facts.pe.is_empty() {
                facts.pv.clone()
            } else {
                format!("{}:{}", facts.pe, facts.pv)
            });
        }
        if !available.is_empty() {
            let available: Vec<String> = available.into_iter().collect();
            messages.push(Message::warning(format!(
                "versions of {pn} available: {}",
                available.join(" ")
            )));
        }
        if required {
            messages.push(Message::error(format!(
                "required version {shown} of {pn} not available{for_item}"
            )));
        }
    }
    Preferred { file, required }
}

/// Splits leading `N:` groups off a preferred version: the last group is
/// the epoch.
fn split_epochs(text: &str) -> (Option<&str>, &str) {
    let mut epoch = None;
    let mut rest = text;
    while let Some((digits, after)) = rest.split_once(':') {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        epoch = Some(digits);
        rest = after;
    }
    (epoch, rest)
}
