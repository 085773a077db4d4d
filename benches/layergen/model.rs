//! The generated layer as data: recipes, their groups, versions, classes,
//! PACKAGECONFIG options, BBCLASSEXTEND and bbappends, and above all the
//! DEPENDS graph.
//!
//! Everything that decides a recipe's DEPENDS is drawn here, so that the
//! expected DEPENDS of every recipe variant can be computed (and written to
//! the manifest) without parsing. The text of the files is rendered from this
//! model by the other modules.
//!
//! The graph is acyclic by construction: recipe `i` depends only on recipes
//! with a smaller index. A few "core" recipes (the lowest indices) receive a
//! large share of the edges, and about a quarter of the edges go to a target
//! already chosen by another recipe (preferential attachment), which gives
//! the skewed fan-in of real layers. Each recipe has 0 to 8 plain DEPENDS.

use std::collections::BTreeSet;

use crate::names;
use crate::rng::Rng;

/// Stream numbers for [`Rng::fork`]: one per kind of decision.
pub const STREAM_NAMES: u64 = 1;
pub const STREAM_GRAPH: u64 = 2;
pub const STREAM_RECIPE: u64 = 3;
pub const STREAM_TEXT: u64 = 4;
pub const STREAM_GROUP: u64 = 5;
pub const STREAM_CONF: u64 = 6;

/// How a recipe builds: which build class it inherits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildClass {
    /// No build class: base.bbclass's tasks, with recipe-level overrides.
    Plain,
    /// `inherit autotools_gen` (which inherits pkgconfig-gen).
    Autotools,
    /// `inherit cmake_gen`.
    Cmake,
    /// `inherit pkgconfig-gen` only.
    Pkgconfig,
}

impl BuildClass {
    /// Whether the class adds the tool recipe's native variant to DEPENDS.
    pub fn needs_tool(self) -> bool {
        self != BuildClass::Plain
    }
}

/// One PACKAGECONFIG option of a recipe.
#[derive(Debug, Clone)]
pub struct PkgOption {
    pub name: &'static str,
    /// Recipes this option adds to DEPENDS when enabled.
    pub deps: Vec<usize>,
    /// Enabled by default for the target recipe.
    pub on_target: bool,
    /// Enabled by default for the native variant (only when every dep has one).
    pub on_native: bool,
    /// Handled by the recipe's own `python __anonymous ()` rather than by a
    /// `PACKAGECONFIG[name]` flag and base.bbclass.
    pub anon: bool,
}

/// A recipe's bbappend.
#[derive(Debug, Clone)]
pub struct Append {
    /// `name_%.bbappend` rather than `name_<version>.bbappend`.
    pub wildcard: bool,
    /// A dependency the append adds for the target only.
    pub extra_dep: Option<usize>,
    /// A dependency the append removes (`DEPENDS:remove`) in every variant.
    pub remove_dep: Option<usize>,
    /// An option (index into `options`) the append enables for the target.
    pub enable_option: Option<usize>,
}

/// One recipe.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub index: usize,
    pub name: String,
    /// The version in the file name: a release, or `git`.
    pub file_version: String,
    /// `PV` set in the recipe (for `git` recipes).
    pub pv: Option<String>,
    pub group: usize,
    pub deps: Vec<usize>,
    /// Recipes whose native variant this recipe needs (`X-native` in DEPENDS).
    pub tool_deps: Vec<usize>,
    /// `BBCLASSEXTEND = "native"`.
    pub native: bool,
    pub build: BuildClass,
    pub options: Vec<PkgOption>,
    pub append: Option<Append>,
    /// Sources are `.tar.xz`, which makes do_unpack depend on the tool recipe.
    pub xz: bool,
    /// Inherits ptest_gen through a conditional `inherit`.
    pub ptest: bool,
}

/// The whole layer.
#[derive(Debug, Clone)]
pub struct Layer {
    pub seed: u64,
    pub groups: Vec<String>,
    pub recipes: Vec<Recipe>,
}

impl Layer {
    /// Draws a layer of `count` recipes from `seed`.
    pub fn generate(count: usize, seed: u64) -> Layer {
        let group_count = count.div_ceil(8).max(1);
        let groups = (0..group_count).map(names::group_name).collect();
        let mut taken = BTreeSet::new();
        let mut recipes: Vec<Recipe> = Vec::with_capacity(count);
        // Targets of earlier edges, for preferential attachment.
        let mut edges: Vec<usize> = Vec::new();
        let core = (count / 20).clamp(1, 12);
        for index in 0..count {
            let mut nr = Rng::fork(seed, STREAM_NAMES, index as u64);
            let name = if index == 0 {
                names::TOOL_RECIPE.to_string()
            } else {
                names::recipe_name(&mut nr, index, &taken)
            };
            taken.insert(name.clone());
            let (file_version, pv) = if index > 0 && nr.chance(8) {
                ("git".to_string(), Some(format!("{}+git", names::version(&mut nr))))
            } else {
                (names::version(&mut nr), None)
            };

            let mut gr = Rng::fork(seed, STREAM_GRAPH, index as u64);
            let deps =
                if index == 0 { Vec::new() } else { pick_deps(&mut gr, index, core, &edges) };
            edges.extend(&deps);

            let mut rr = Rng::fork(seed, STREAM_RECIPE, index as u64);
            let group = if index == 0 { 0 } else { rr.below(group_count) };
            let native = index == 0 || rr.chance(15);
            let build = if index == 0 {
                BuildClass::Plain
            } else {
                [BuildClass::Plain, BuildClass::Autotools, BuildClass::Cmake, BuildClass::Pkgconfig]
                    [rr.weighted(&[35, 35, 20, 10])]
            };
            let natives: Vec<usize> =
                recipes.iter().filter(|r| r.native).map(|r| r.index).collect();
            let mut tool_deps = Vec::new();
            if index > 0 && !natives.is_empty() && rr.chance(20) {
                tool_deps.push(*rr.pick(&natives));
            }
            let is_native = |i: usize| recipes[i].native;
            let mut options = Vec::new();
            if index > 0 && rr.chance(45) {
                let mut used = BTreeSet::new();
                for _ in 0..rr.range(1, 4) {
                    let name = *rr.pick(names::OPTIONS);
                    if !used.insert(name) {
                        continue;
                    }
                    let opt_deps: BTreeSet<usize> =
                        (0..rr.below(3)).map(|_| rr.below(index)).collect();
                    let opt_deps: Vec<usize> = opt_deps.into_iter().collect();
                    let on_target = rr.chance(60);
                    let on_native = on_target && opt_deps.iter().all(|&d| is_native(d));
                    options.push(PkgOption {
                        name,
                        deps: opt_deps,
                        on_target,
                        on_native,
                        anon: rr.chance(25),
                    });
                }
            }
            let append = (index > 0 && rr.chance(10)).then(|| {
                let off: Vec<usize> =
                    (0..options.len()).filter(|&o| !options[o].on_target).collect();
                Append {
                    wildcard: rr.chance(60),
                    extra_dep: rr.chance(40).then(|| rr.below(index)),
                    remove_dep: (!deps.is_empty() && rr.chance(25)).then(|| *rr.pick(&deps)),
                    enable_option: (!off.is_empty() && rr.chance(30)).then(|| *rr.pick(&off)),
                }
            });
            let xz = rr.chance(30);
            let ptest = index > 0 && rr.chance(10);
            recipes.push(Recipe {
                index,
                name,
                file_version,
                pv,
                group,
                deps,
                tool_deps,
                native,
                build,
                options,
                append,
                xz,
                ptest,
            });
        }
        Layer { seed, groups, recipes }
    }

    /// The DEPENDS BitBake should compute for a recipe, as a set of names:
    /// for the target recipe, or for its native variant.
    pub fn expected_depends(&self, r: &Recipe, native: bool) -> BTreeSet<String> {
        let name = |i: usize| self.recipes[i].name.clone();
        let mut words: Vec<String> = Vec::new();
        for &d in &r.deps {
            // A native variant drops what has no native variant.
            if !native || self.recipes[d].native {
                words.push(name(d));
            }
        }
        words.extend(r.tool_deps.iter().map(|&d| format!("{}-native", name(d))));
        if r.build.needs_tool() {
            words.push(format!("{}-native", names::TOOL_RECIPE));
        }
        for (o, opt) in r.options.iter().enumerate() {
            let enabled_by_append = r.append.as_ref().is_some_and(|a| a.enable_option == Some(o));
            let on = if native { opt.on_native } else { opt.on_target || enabled_by_append };
            if on {
                words.extend(opt.deps.iter().map(|&d| name(d)));
            }
        }
        if let Some(a) = &r.append {
            if !native {
                words.extend(a.extra_dep.map(name));
            }
            if let Some(rm) = a.remove_dep {
                let rm = name(rm);
                words.retain(|w| *w != rm);
            }
        }
        if native {
            words = words
                .into_iter()
                .map(|w| if w.ends_with("-native") { w } else { format!("{w}-native") })
                .collect();
        }
        words.into_iter().collect()
    }
}

/// The plain DEPENDS of recipe `index`: 0 to 8 distinct lower indices.
fn pick_deps(rng: &mut Rng, index: usize, core: usize, edges: &[usize]) -> Vec<usize> {
    let want = rng.weighted(&[8, 14, 18, 18, 14, 10, 8, 5, 5]).min(index);
    let mut deps: Vec<usize> = Vec::with_capacity(want);
    let mut attempts = 0;
    while deps.len() < want && attempts < 64 {
        attempts += 1;
        let d = match rng.weighted(&[35, 25, 20, 20]) {
            0 => rng.below(core.min(index)),
            1 if !edges.is_empty() => *rng.pick(edges),
            2 => index - 1 - rng.below(index.min(20)),
            _ => rng.below(index),
        };
        if !deps.contains(&d) {
            deps.push(d);
        }
    }
    deps
}
