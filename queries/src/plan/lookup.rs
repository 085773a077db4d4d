//! The planner's access to the queries of one multiconfig: the provider
//! index, the providers of a name, and a datastore's recipe facts.

use std::sync::Arc;

use super::cache::{entry_by_fn, provider_index, ProviderIndex};
use super::providers::{build_providers, runtime_providers, Eligible};
use super::Name;
use crate::config::Invocation;
use crate::files::Db;
use crate::multiconfig::Multiconfig;
use crate::recipe::RecipeInfo;

pub(crate) struct Lookup<'db> {
    pub db: &'db dyn Db,
    pub invocation: Invocation,
    pub mc: Multiconfig<'db>,
}

impl<'db> Lookup<'db> {
    pub fn new(db: &'db dyn Db, invocation: Invocation, mc: &str) -> Self {
        Lookup { db, invocation, mc: Multiconfig::new(db, mc.to_owned()) }
    }

    pub fn index(&self) -> &'db ProviderIndex {
        provider_index(self.db, self.invocation, self.mc)
    }

    pub fn build_providers(&self, item: &str) -> Option<&'db Eligible> {
        let name = Name::new(self.db, item.to_owned());
        build_providers(self.db, self.invocation, self.mc, name).as_ref()
    }

    pub fn runtime_providers(&self, item: &str) -> &'db Eligible {
        let name = Name::new(self.db, item.to_owned());
        runtime_providers(self.db, self.invocation, self.mc, name)
    }

    /// The recipe facts of a datastore, by BitBake file name.
    pub fn info(&self, fn_name: &str) -> Option<Arc<RecipeInfo>> {
        // Skipped datastores are in no provider list.
        self.index().get(fn_name)?;
        entry_by_fn(self.db, self.invocation, fn_name).map(|entry| entry.info.clone())
    }

    /// DEPENDS after the recipe's `calculate_extra_depends` has run.
    pub fn extra_depends(
        &self,
        fn_name: &str,
        info: &RecipeInfo,
        depends: &[String],
    ) -> Result<Vec<String>, String> {
        let body = info.extra_depends.as_deref().unwrap_or_default();
        let index = self.index();
        let world = super::world::world_targets(index, None);
        let pkg_pn: Vec<(String, Vec<String>)> = index
            .pns()
            .into_iter()
            .map(|pn| {
                let fns =
                    index.by_pn[pn].iter().map(|&i| index.recipes[i].fn_name.clone()).collect();
                (pn.to_owned(), fns)
            })
            .collect();
        crate::python::run_extra_depends(body, &info.pn, depends, &world, &pkg_pn)
            .map_err(|error| format!("{fn_name}: calculate_extra_depends failed: {error}"))
    }
}
