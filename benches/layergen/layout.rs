//! The remaining files: the per-group `.inc` that every recipe of a group
//! requires, the bbappends, and the manifest of expected DEPENDS.

use std::fmt::Write;

use crate::model::{Layer, Recipe, STREAM_GROUP, STREAM_TEXT};
use crate::names::{ident, OPTIONS};
use crate::recipe::file_name;
use crate::rng::Rng;

/// `recipes-gen/<group>/<group>.inc`.
pub fn group_inc(layer: &Layer, group: usize) -> String {
    let name = &layer.groups[group];
    let id = ident(name);
    let mut t = Rng::fork(layer.seed, STREAM_GROUP, group as u64);
    let mut s = format!(
        "# Settings shared by the recipes of the {name} group.\n\
         HOMEPAGE ?= \"https://gen.example.invalid/{name}/${{BPN}}\"\n\
         SECTION = \"{name}\"\n\
         GEN_GROUP = \"{name}\"\n\
         EXTRA_OECONF ?= \"--disable-static\"\n\
         EXTRA_OECONF += \"--with-group=${{GEN_GROUP}}\"\n\
         CFLAGS:append = \" -DGEN_GROUP_{up}\"\n\
         GEN_INSTALL_DIR = \"${{datadir}}/${{GEN_GROUP}}\"\n",
        up = id.to_uppercase()
    );
    if t.chance(50) {
        let _ = writeln!(s, "GEN_OPT:{} = \"group\"", name);
        let _ = writeln!(s, "OVERRIDES .= \":{}\"", name);
    }
    if t.chance(40) {
        let _ = writeln!(s, "GEN_LEVEL ?= \"{}\"", t.range(2, 4));
    }
    let _ = write!(
        s,
        "\ndo_install:append() {{\n\
         \tinstall -d ${{D}}${{GEN_INSTALL_DIR}}\n\
         \tgen_group_{id}_stamp ${{D}}${{GEN_INSTALL_DIR}}/${{BPN}}.stamp\n\
         }}\n\
         \n\
         gen_group_{id}_stamp() {{\n\
         \techo \"${{PN}} ${{PV}} ${{GEN_GROUP}}\" > \"$1\"\n\
         }}\n"
    );
    s
}

/// The bbappend's file name, in `appends/<group>/`.
pub fn append_name(r: &Recipe) -> Option<String> {
    let a = r.append.as_ref()?;
    let version = if a.wildcard { "%" } else { r.file_version.as_str() };
    Some(format!("{}_{version}.bbappend", r.name))
}

/// The text of a recipe's bbappend, if it has one.
pub fn append(layer: &Layer, r: &Recipe) -> Option<String> {
    let a = r.append.as_ref()?;
    let mut t = Rng::fork(layer.seed, STREAM_TEXT, (1 << 32) | r.index as u64);
    let mut s = format!(
        "# An append to {}.\n\
         FILESEXTRAPATHS:prepend := \"${{THISDIR}}/files:\"\n\
         EXTRA_OECONF:append = \" --with-{}\"\n\
         GEN_LEVEL:append = \" appended\"\n",
        file_name(r),
        t.pick(OPTIONS)
    );
    if t.chance(50) {
        s.push_str("PR:append = \".1\"\n");
    }
    if let Some(d) = a.extra_dep {
        let _ = writeln!(s, "DEPENDS:append:class-target = \" {}\"", layer.recipes[d].name);
    }
    if let Some(d) = a.remove_dep {
        let _ = writeln!(s, "DEPENDS:remove = \"{}\"", layer.recipes[d].name);
    }
    if let Some(o) = a.enable_option {
        let _ = writeln!(s, "PACKAGECONFIG:append:class-target = \" {}\"", r.options[o].name);
    }
    s.push_str(
        "\ndo_install:append() {\n\
         \tinstall -d ${D}${sysconfdir}/${BPN}\n\
         \techo \"appended\" > ${D}${sysconfdir}/${BPN}/append.conf\n\
         }\n",
    );
    Some(s)
}

/// `layergen-manifest.tsv`: one line per recipe variant with the DEPENDS
/// BitBake should compute, sorted and deduplicated, so that tools can check
/// a parse without knowing the generator.
pub fn manifest(layer: &Layer) -> String {
    let mut s = String::from("# recipe\tvariant\tfile\tdepends (sorted, unique)\n");
    for r in &layer.recipes {
        let file = format!("meta-gen/recipes-gen/{}/{}", layer.groups[r.group], file_name(r));
        let variants: &[bool] = if r.native { &[false, true] } else { &[false] };
        for &native in variants {
            let deps: Vec<String> = layer.expected_depends(r, native).into_iter().collect();
            let _ = writeln!(
                s,
                "{}\t{}\t{file}\t{}",
                r.name,
                if native { "native" } else { "" },
                deps.join(" ")
            );
        }
    }
    s
}
