//! Why a DEPENDS entry of one recipe brought in another: the entry, and
//! why that recipe is its provider (it is the name itself, the only
//! provider, the one PREFERRED_PROVIDER picks, or the first of several in
//! BitBake's order of layer priority and version).

use rbake_queries::multiconfig::Multiconfig;
use rbake_queries::plan::cache::entry_by_fn;
use rbake_queries::plan::providers::{build_providers, provider_settings};
use rbake_queries::plan::{Name, PlannedTask};

use crate::workspace::Workspace;

/// How `from`'s DEPENDS leads to `to`'s recipe, or `None` if no entry of
/// its DEPENDS does.
pub fn depends_reason(
    workspace: &Workspace,
    from: &PlannedTask,
    to: &PlannedTask,
) -> Option<String> {
    let db = &workspace.db;
    let info = entry_by_fn(db, workspace.invocation, &from.fn_name)?.info.clone();
    let mc = Multiconfig::new(db, from.mc.clone());
    for entry in &info.depends {
        let name = Name::new(db, entry.clone());
        let Some(eligible) = build_providers(db, workspace.invocation, mc, name) else { continue };
        if eligible.fns.first() != Some(&to.fn_name) {
            continue;
        }
        let because = if *entry == to.pn {
            return Some(format!("DEPENDS names {entry}"));
        } else if eligible.preferred > 0 {
            let settings = provider_settings(db, workspace.invocation, mc);
            let variable = format!("PREFERRED_PROVIDER_{entry}");
            match settings.var(&variable) {
                Some(value) => format!("{variable} = \"{value}\""),
                None => "PREFERRED_PROVIDERS names it".to_owned(),
            }
        } else if eligible.fns.len() == 1 {
            "the only provider".to_owned()
        } else {
            format!("the first of {} providers by layer priority and version", eligible.fns.len())
        };
        return Some(format!("DEPENDS names {entry}, provided by {}: {because}", to.pn));
    }
    None
}
