//! BitBake's `TaskData`: starting from the targets, pick a provider for
//! every build-time and runtime dependency, add the chosen recipes' tasks,
//! and mark as unbuildable whatever depends on something nothing provides.
//!
//! The order of resolution, the failure cascade and the messages follow
//! `bb.taskdata`, since they decide which recipes end up in the graph.

use indexmap::{IndexMap, IndexSet};

use super::close_matches::close_matches;
use super::lookup::Lookup;
use super::Message;
use crate::recipe::RecipeInfo;

/// What stops resolution, as BitBake's exceptions do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Raise {
    NoProvider(String),
    NoRProvider(String),
    MultipleRProvider(String),
    /// A malformed flag: BitBake's `bb.msg.fatal`.
    Fatal(String),
}

/// An ASSUME_PROVIDED entry: a name, or (starting with `^` or ending with
/// `$`) a regular expression BitBake matches with `re.match`, compiled
/// once; one that does not compile matches nothing.
enum Ignored {
    Name(String),
    Pattern(Option<regex::Regex>),
}

impl Ignored {
    fn new(entry: &str) -> Ignored {
        if entry.starts_with('^') || entry.ends_with('$') {
            Ignored::Pattern(regex::Regex::new(&format!("^(?:{entry})")).ok())
        } else {
            Ignored::Name(entry.to_owned())
        }
    }
}

/// The dependencies of one task, before providers are fixed.
#[derive(Clone, Debug, Default)]
pub(crate) struct TaskEntry {
    /// Tasks of the same recipe (`fn:task`).
    pub tdepends: Vec<String>,
    /// `depends` flag entries: build-time name and task.
    pub idepends: Vec<(String, String)>,
    /// `rdepends` flag entries: runtime name and task.
    pub irdepends: Vec<(String, String)>,
}

/// The provider choices and tasks of one multiconfig.
pub(crate) struct TaskData<'l, 'db> {
    lookup: &'l Lookup<'db>,
    pub build_targets: IndexMap<String, Vec<String>>,
    pub run_targets: IndexMap<String, Vec<String>>,
    external_targets: Vec<String>,
    seen_fns: IndexSet<String>,
    pub task_entries: IndexMap<String, TaskEntry>,
    pub depids: IndexMap<String, Vec<String>>,
    pub rdepids: IndexMap<String, Vec<String>>,
    considered: IndexSet<String>,
    pub failed_deps: IndexSet<String>,
    failed_rdeps: IndexSet<String>,
    pub failed_fns: IndexSet<String>,
    halt: bool,
    allow_incomplete: bool,
    pub mcdepends: Vec<String>,
    /// ASSUME_PROVIDED and `-I`: names (or `^`/`$` patterns) never resolved.
    ignored: Vec<Ignored>,
    pub messages: Vec<Message>,
}

impl<'l, 'db> TaskData<'l, 'db> {
    pub fn new(
        lookup: &'l Lookup<'db>,
        halt: bool,
        allow_incomplete: bool,
        ignored: Vec<String>,
    ) -> Self {
        TaskData {
            lookup,
            build_targets: IndexMap::new(),
            run_targets: IndexMap::new(),
            external_targets: Vec::new(),
            seen_fns: IndexSet::new(),
            task_entries: IndexMap::new(),
            depids: IndexMap::new(),
            rdepids: IndexMap::new(),
            considered: IndexSet::new(),
            failed_deps: IndexSet::new(),
            failed_rdeps: IndexSet::new(),
            failed_fns: IndexSet::new(),
            halt,
            allow_incomplete,
            mcdepends: Vec::new(),
            ignored: ignored.iter().map(|name| Ignored::new(name)).collect(),
            messages: Vec::new(),
        }
    }

    fn is_ignored(&self, name: &str) -> bool {
        self.ignored.iter().any(|ignored| match ignored {
            Ignored::Name(known) => known == name,
            Ignored::Pattern(pattern) => pattern.as_ref().is_some_and(|re| re.is_match(name)),
        })
    }

    /// Adds a recipe's tasks and notes its dependencies.
    fn add_tasks(&mut self, fn_name: &str) -> Result<(), Raise> {
        if self.seen_fns.contains(fn_name) {
            return Ok(());
        }
        self.seen_fns.insert(fn_name.to_owned());
        let Some(info) = self.lookup.info(fn_name) else { return Ok(()) };
        let task_names: Vec<&str> = info.tasks.iter().map(|task| task.name.as_str()).collect();
        for task in &info.tasks {
            let tid = format!("{fn_name}:{}", task.name);
            let mut entry = TaskEntry::default();
            for parent in &task.parents {
                if task_names.contains(&parent.as_str()) {
                    entry.tdepends.push(format!("{fn_name}:{parent}"));
                }
            }
            for (flag, list, runtime) in
                [("depends", &mut entry.idepends, false), ("rdepends", &mut entry.irdepends, true)]
            {
                let Some(value) = task.flag(flag) else { continue };
                for dep in value.split_whitespace() {
                    let parts: Vec<&str> = dep.split(':').collect();
                    if parts.len() != 2 {
                        return Err(Raise::Fatal(format!(
                            "Error for {fn_name}:{}[{flag}], dependency {dep} in '{value}' does not contain exactly one ':' character.\n Task '{flag}' should be specified in the form 'packagename:task'",
                            task.name
                        )));
                    }
                    list.push((parts[0].to_owned(), parts[1].to_owned()));
                    if runtime {
                        self.run_targets.entry(parts[0].to_owned()).or_default();
                    } else {
                        self.build_targets.entry(parts[0].to_owned()).or_default();
                    }
                }
            }
            if let Some(value) = task.flag("mcdepends") {
                for dep in value.split_whitespace() {
                    if dep.split(':').count() != 5 {
                        return Err(Raise::Fatal(format!(
                            "Error for {fn_name}:{}[mcdepends], multiconfig dependency {dep} does not contain exactly four  ':' characters.\n Task 'mcdepends' should be specified in the form 'mc:fromMC:toMC:packagename:task'",
                            task.name
                        )));
                    }
                    if !self.mcdepends.iter().any(|known| known == dep) {
                        self.mcdepends.push(dep.to_owned());
                    }
                }
            }
            self.task_entries.insert(tid, entry);
        }
        let depends = self.build_dependencies(fn_name, &info);
        self.depids.entry(fn_name.to_owned()).or_insert(depends);
        let rdepends: Vec<String> = info.runtime_depends().into_iter().map(str::to_owned).collect();
        self.rdepids.entry(fn_name.to_owned()).or_insert(rdepends);
        for dep in self.depids[fn_name].clone() {
            self.build_targets.entry(dep.clone()).or_default();
            if self.failed_deps.contains(&dep) {
                return self.fail_fn(fn_name, Vec::new());
            }
        }
        for dep in self.rdepids[fn_name].clone() {
            self.run_targets.entry(dep.clone()).or_default();
            if self.failed_rdeps.contains(&dep) {
                return self.fail_fn(fn_name, Vec::new());
            }
        }
        Ok(())
    }

    /// DEPENDS without repeats, plus what `calculate_extra_depends` adds.
    fn build_dependencies(&mut self, fn_name: &str, info: &RecipeInfo) -> Vec<String> {
        let mut depends: Vec<String> = Vec::new();
        for dep in &info.depends {
            if !depends.contains(dep) {
                depends.push(dep.clone());
            }
        }
        if info.extra_depends.is_some() {
            match self.lookup.extra_depends(fn_name, info, &depends) {
                Ok(extra) => depends = extra,
                Err(message) => self.messages.push(Message::error(message)),
            }
        }
        depends
    }

    fn has_build_target(&self, name: &str) -> bool {
        self.build_targets.get(name).is_some_and(|fns| !fns.is_empty())
    }

    fn has_run_target(&self, name: &str) -> bool {
        self.run_targets.get(name).is_some_and(|fns| !fns.is_empty())
    }

    fn add_build_target(&mut self, fn_name: &str, item: &str) {
        let fns = self.build_targets.entry(item.to_owned()).or_default();
        if !fns.iter().any(|known| known == fn_name) {
            fns.push(fn_name.to_owned());
        }
    }

    fn add_run_target(&mut self, fn_name: &str, item: &str) {
        let fns = self.run_targets.entry(item.to_owned()).or_default();
        if !fns.iter().any(|known| known == fn_name) {
            fns.push(fn_name.to_owned());
        }
    }

    /// The recipes whose DEPENDS (or, at runtime, RDEPENDS and
    /// RRECOMMENDS) name `item`.
    fn dependees(&self, item: &str, runtime: bool) -> Vec<String> {
        let ids = if runtime { &self.rdepids } else { &self.depids };
        ids.iter()
            .filter(|(_, deps)| deps.iter().any(|dep| dep == item))
            .map(|(fn_name, _)| fn_name.clone())
            .collect()
    }

    /// Why `item` has no provider: skipped recipes that would provide it.
    fn reasons(&self, item: &str, runtime: bool) -> Vec<String> {
        let mut reasons = Vec::new();
        for skipped in &self.lookup.index().skipped {
            let reason = skipped.skipped.as_deref().unwrap_or_default();
            if skipped.pn == item {
                reasons.push(format!("{} was skipped: {reason}", skipped.pn));
            } else if runtime
                && skipped.packages.iter().chain(&skipped.rprovides).any(|name| name == item)
            {
                reasons.push(format!("{} RPROVIDES {item} but was skipped: {reason}", skipped.pn));
            } else if !runtime && skipped.provides.iter().any(|name| name == item) {
                reasons.push(format!("{} PROVIDES {item} but was skipped: {reason}", skipped.pn));
            }
        }
        reasons
    }

    /// BitBake's `NoProvider` event, as knotty prints it.
    fn no_provider(&mut self, item: &str, runtime: bool, reasons: Vec<String>, close: Vec<String>) {
        let r = if runtime { "R" } else { "" };
        let mut extra = String::new();
        if reasons.is_empty() && !close.is_empty() {
            let mut close = close;
            close.sort();
            close.dedup();
            extra = format!(". Close matches:\n  {}", close.join("\n  "));
        }
        let dependees = self.dependees(item, runtime);
        let mut text = if dependees.is_empty() {
            format!("Nothing {r}PROVIDES '{item}'{extra}")
        } else {
            format!(
                "Nothing {r}PROVIDES '{item}' (but {} {r}DEPENDS on or otherwise requires it){extra}",
                dependees.join(", ")
            )
        };
        for reason in reasons {
            text.push('\n');
            text.push_str(&reason);
        }
        self.messages.push(Message::error(text));
    }

    fn multiple_providers(&mut self, item: &str, fns: &[String], runtime: bool) {
        if !self.considered.contains(item) {
            let pns: Vec<&str> =
                fns.iter().map(|fn_name| self.lookup.index().pn_of(fn_name)).collect();
            let (kind, r) = if runtime { ("runtime ", "R") } else { ("", "") };
            self.messages.push(Message::note(format!(
                "Multiple providers are available for {kind}{item} ({})\nConsider defining a PREFERRED_{r}PROVIDER entry to match {item}",
                pns.join(", ")
            )));
        }
        self.considered.insert(item.to_owned());
    }

    /// A target named on the command line.
    pub fn add_provider(&mut self, item: &str) -> Result<(), Raise> {
        if let Err(raise) = self.add_provider_internal(item) {
            if self.halt || !matches!(raise, Raise::NoProvider(_)) {
                return Err(raise);
            }
            self.remove_build_target(item, Vec::new())?;
        }
        if !self.external_targets.iter().any(|known| known == item) {
            self.external_targets.push(item.to_owned());
        }
        Ok(())
    }

    fn add_provider_internal(&mut self, item: &str) -> Result<(), Raise> {
        if self.is_ignored(item) {
            return Ok(());
        }
        let Some(eligible) = self.lookup.build_providers(item) else {
            let index = self.lookup.index();
            let mut names: Vec<&str> = index.providers.keys().map(String::as_str).collect();
            names.extend(index.skipped.iter().map(|skipped| skipped.pn.as_str()));
            let mut close = close_matches(item, &names);
            for provider in &self.lookup.runtime_providers(item).fns {
                let text = format!("{} RPROVIDES {item}", index.pn_of(provider));
                if !close.contains(&text) {
                    close.push(text);
                }
            }
            let reasons = self.reasons(item, false);
            self.no_provider(item, false, reasons, close);
            return Err(Raise::NoProvider(item.to_owned()));
        };
        if self.has_build_target(item) {
            return Ok(());
        }
        self.messages.extend(eligible.messages.iter().cloned());
        let fns: Vec<String> = eligible
            .fns
            .iter()
            .filter(|fn_name| !self.failed_fns.contains(*fn_name))
            .cloned()
            .collect();
        if fns.is_empty() {
            let reasons = vec![format!("No eligible PROVIDERs exist for '{item}'")];
            self.no_provider(item, false, reasons, Vec::new());
            return Err(Raise::NoProvider(item.to_owned()));
        }
        if fns.len() > 1 && eligible.preferred == 0 {
            self.multiple_providers(item, &fns, false);
        }
        for fn_name in fns {
            if self.failed_fns.contains(&fn_name) {
                continue;
            }
            self.add_build_target(&fn_name, item);
            self.add_tasks(&fn_name)?;
        }
        Ok(())
    }

    fn add_rprovider(&mut self, item: &str) -> Result<(), Raise> {
        if self.is_ignored(item) || self.has_run_target(item) {
            return Ok(());
        }
        let eligible = self.lookup.runtime_providers(item);
        for message in &eligible.messages {
            if !self.messages.contains(message) {
                self.messages.push(message.clone());
            }
        }
        if eligible.fns.is_empty() {
            let reasons = self.reasons(item, true);
            self.no_provider(item, true, reasons, Vec::new());
            return Err(Raise::NoRProvider(item.to_owned()));
        }
        let fns: Vec<String> = eligible
            .fns
            .iter()
            .filter(|fn_name| !self.failed_fns.contains(*fn_name))
            .cloned()
            .collect();
        if fns.is_empty() {
            let reasons = vec![format!("No eligible RPROVIDERs exist for '{item}'")];
            self.no_provider(item, true, reasons, Vec::new());
            return Err(Raise::NoRProvider(item.to_owned()));
        }
        if fns.len() > 1 && eligible.preferred == 0 {
            self.multiple_providers(item, &fns, true);
        }
        if eligible.preferred > 1 {
            self.multiple_providers(item, &fns, true);
            return Err(Raise::MultipleRProvider(item.to_owned()));
        }
        for fn_name in fns {
            if self.failed_fns.contains(&fn_name) {
                continue;
            }
            self.add_run_target(&fn_name, item);
            self.add_tasks(&fn_name)?;
        }
        Ok(())
    }

    /// Marks a recipe unbuildable and drops it from every provider list.
    fn fail_fn(&mut self, fn_name: &str, missing: Vec<String>) -> Result<(), Raise> {
        if self.failed_fns.contains(fn_name) {
            return Ok(());
        }
        self.failed_fns.insert(fn_name.to_owned());
        for runtime in [false, true] {
            let targets = if runtime { &self.run_targets } else { &self.build_targets };
            let names: Vec<String> = targets.keys().cloned().collect();
            for target in names {
                let targets = if runtime { &mut self.run_targets } else { &mut self.build_targets };
                let fns = &mut targets[&target];
                let Some(position) = fns.iter().position(|known| known == fn_name) else {
                    continue;
                };
                fns.remove(position);
                if !fns.is_empty() {
                    continue;
                }
                if runtime {
                    self.remove_run_target(&target, missing.clone())?;
                } else {
                    self.remove_build_target(&target, missing.clone())?;
                }
            }
        }
        Ok(())
    }

    fn remove_build_target(&mut self, target: &str, missing: Vec<String>) -> Result<(), Raise> {
        let mut chain = vec![target.to_owned()];
        chain.extend(missing);
        self.failed_deps.insert(target.to_owned());
        for fn_name in self.dependees(target, false) {
            self.fail_fn(&fn_name, chain.clone())?;
        }
        for fn_name in self.task_dependees(target, false) {
            self.fail_fn(&fn_name, chain.clone())?;
        }
        if self.halt && self.external_targets.iter().any(|known| known == target) {
            self.messages.push(Message::error(format!(
                "Required build target '{target}' has no buildable providers.\nMissing or unbuildable dependency chain was: {}",
                python_list(&chain)
            )));
            return Err(Raise::NoProvider(target.to_owned()));
        }
        Ok(())
    }

    fn remove_run_target(&mut self, target: &str, missing: Vec<String>) -> Result<(), Raise> {
        let mut chain = vec![target.to_owned()];
        chain.extend(missing);
        self.messages.push(Message::note(format!(
            "Runtime target '{target}' is unbuildable, removing...\nMissing or unbuildable dependency chain was: {}",
            python_list(&chain)
        )));
        self.failed_rdeps.insert(target.to_owned());
        for fn_name in self.dependees(target, true) {
            self.fail_fn(&fn_name, chain.clone())?;
        }
        for fn_name in self.task_dependees(target, true) {
            self.fail_fn(&fn_name, chain.clone())?;
        }
        Ok(())
    }

    /// The recipes with a task whose `depends` (or `rdepends`) flag names
    /// `target`.
    fn task_dependees(&self, target: &str, runtime: bool) -> Vec<String> {
        let mut out = Vec::new();
        for (tid, entry) in &self.task_entries {
            let list = if runtime { &entry.irdepends } else { &entry.idepends };
            if list.iter().any(|(name, _)| name == target) {
                let fn_name = tid.rsplit_once(':').map_or(tid.as_str(), |(f, _)| f);
                out.push(fn_name.to_owned());
            }
        }
        out
    }

    /// Resolves every name seen but not yet resolved, until nothing new
    /// appears.
    pub fn add_unresolved(&mut self) -> Result<(), Raise> {
        loop {
            let mut added = 0;
            let unresolved: Vec<String> = self
                .build_targets
                .iter()
                .filter(|(name, fns)| fns.is_empty() && !self.failed_deps.contains(*name))
                .map(|(name, _)| name.clone())
                .filter(|name| !self.is_ignored(name))
                .collect();
            for target in unresolved {
                match self.add_provider_internal(&target) {
                    Ok(()) => added += 1,
                    Err(Raise::NoProvider(_)) => {
                        let external = self.external_targets.contains(&target);
                        if self.halt && external && !self.allow_incomplete {
                            return Err(Raise::NoProvider(target));
                        }
                        if !self.allow_incomplete {
                            self.remove_build_target(&target, Vec::new())?;
                        }
                    }
                    Err(other) => return Err(other),
                }
            }
            let unresolved: Vec<String> = self
                .run_targets
                .iter()
                .filter(|(name, fns)| fns.is_empty() && !self.failed_rdeps.contains(*name))
                .map(|(name, _)| name.clone())
                .filter(|name| !self.is_ignored(name))
                .collect();
            for target in unresolved {
                match self.add_rprovider(&target) {
                    Ok(()) => added += 1,
                    Err(Raise::NoRProvider(_) | Raise::MultipleRProvider(_)) => {
                        self.remove_run_target(&target, Vec::new())?;
                    }
                    Err(other) => return Err(other),
                }
            }
            if added == 0 {
                return Ok(());
            }
        }
    }

    /// The first provider of every resolved build-time name.
    pub fn provider_map(&self) -> Vec<(&str, &str)> {
        self.build_targets
            .iter()
            .filter_map(|(name, fns)| fns.first().map(|first| (name.as_str(), first.as_str())))
            .collect()
    }
}

/// A list of strings as Python prints it.
pub(crate) fn python_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    format!("[{}]", quoted.join(", "))
}
