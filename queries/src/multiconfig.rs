//! Multiconfig: BitBake reads the configuration once more for each name in
//! BBMULTICONFIG, with `BB_CURRENT_MC` set to it, and parses every recipe
//! of the default recipe set again over each; the results are the
//! variants `mc:NAME:` and `mc:NAME:VARIANT`.

use crate::config::{config, read_config, Config, Invocation};
use crate::files::Db;
use crate::recipe::{parse_with, ParsedRecipe, RecipeId};

/// A multiconfig name, as a query key.
#[salsa::interned(debug)]
pub struct Multiconfig {
    #[returns(ref)]
    pub name: String,
}

/// The names in BBMULTICONFIG, in order, or why they cannot be used (a
/// name may not start with a digit).
#[salsa::tracked(returns(ref))]
pub fn multiconfigs(db: &dyn Db, invocation: Invocation) -> Result<Vec<String>, String> {
    let config = config(db, invocation);
    let names = config.state.datastore.get_var("BBMULTICONFIG", true).ok().flatten();
    let names: Vec<String> =
        names.unwrap_or_default().split_whitespace().map(str::to_owned).collect();
    match names.iter().find(|name| name.starts_with(|c: char| c.is_ascii_digit())) {
        Some(bad) => Err(format!(
            "Multiconfig name '{bad}' is invalid as multiconfigs cannot start with a digit"
        )),
        None => Ok(names),
    }
}

/// The configuration of one multiconfig.
#[salsa::tracked(returns(ref))]
pub fn multiconfig_config<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    mc: Multiconfig<'db>,
) -> Config {
    read_config(db, invocation, mc.name(db))
}

/// The datastores of one recipe file in one multiconfig.
#[salsa::tracked(returns(ref))]
pub fn parse_recipe_in<'db>(
    db: &'db dyn Db,
    invocation: Invocation,
    recipe: RecipeId<'db>,
    mc: Multiconfig<'db>,
) -> ParsedRecipe {
    let config = multiconfig_config(db, invocation, mc);
    parse_with(db, invocation, recipe.path(db), config, mc.name(db))
}
