//! Rendering one recipe (`recipes-gen/<group>/<name>_<version>.bb`) from
//! the model.
//!
//! What decides DEPENDS comes from the model; the rest of the text (which
//! operators, overrides, flags and tasks a recipe uses) is drawn here from
//! the recipe's own text stream, so it varies from recipe to recipe.

use std::fmt::Write;

use crate::model::{BuildClass, Layer, Recipe, STREAM_TEXT};
use crate::names::{self, ident};
use crate::rng::Rng;

/// The file name of a recipe, `<name>_<version>.bb`.
pub fn file_name(r: &Recipe) -> String {
    format!("{}_{}.bb", r.name, r.file_version)
}

/// The text of a recipe.
pub fn render(layer: &Layer, r: &Recipe) -> String {
    let mut t = Rng::fork(layer.seed, STREAM_TEXT, r.index as u64);
    let name = |i: &usize| layer.recipes[*i].name.as_str();
    let id = ident(&r.name);
    let group = &layer.groups[r.group];
    let mut s = String::new();
    let w = &mut s;

    // Description and license.
    let noun = t.pick(names::NOUNS);
    let topic = t.pick(names::TOPICS);
    let _ = writeln!(w, "SUMMARY = \"A {noun} for {topic}\"");
    let _ = writeln!(
        w,
        "DESCRIPTION = \"${{BPN}} is a generated {noun} for {topic}. \\\n\
         It is recipe {} of the generated layer.\"",
        r.index
    );
    let license = names::LICENSES[t.weighted(names::LICENSE_WEIGHTS)];
    let _ = writeln!(w, "LICENSE = \"{license}\"");
    let _ = writeln!(w, "LIC_FILES_CHKSUM = \"file://COPYING;md5={}\"", t.hex(32));
    let _ = writeln!(w, "\nrequire {group}.inc\n");

    // Version.
    if let Some(pv) = &r.pv {
        let _ = writeln!(w, "PV = \"{pv}\"");
    }
    if t.chance(5) {
        let _ = writeln!(w, "PE = \"1\"");
    }
    if t.chance(30) {
        let _ = writeln!(w, "PR = \"r{}\"", t.range(1, 9));
    }

    // DEPENDS: assignments, appends and the native variant's exclusions.
    let (mut main, mut target_only) = (Vec::new(), Vec::new());
    let as_append = t.chance(50);
    for d in &r.deps {
        if r.native && !layer.recipes[*d].native && as_append {
            target_only.push(name(d));
        } else {
            main.push(name(d));
        }
    }
    let split = if main.is_empty() { 0 } else { t.range(1, main.len()) };
    if split > 0 {
        let _ = writeln!(w, "DEPENDS = \"{}\"", main[..split].join(" "));
    }
    if split < main.len() {
        let _ = writeln!(w, "DEPENDS += \"{}\"", main[split..].join(" "));
    }
    for d in &r.tool_deps {
        let _ = writeln!(w, "DEPENDS:append = \" {}-native\"", name(d));
    }
    if !target_only.is_empty() {
        let _ = writeln!(w, "DEPENDS:append:class-target = \" {}\"", target_only.join(" "));
    }
    if r.native && !as_append {
        let removed: Vec<&str> =
            r.deps.iter().filter(|d| !layer.recipes[**d].native).map(name).collect();
        if !removed.is_empty() {
            let _ = writeln!(w, "DEPENDS:remove:class-native = \"{}\"", removed.join(" "));
        }
    }
    let rdeps: Vec<&str> = r.deps.iter().take(2).map(name).collect();
    if !rdeps.is_empty() && t.chance(40) {
        let _ = writeln!(w, "RDEPENDS:${{PN}} += \"{}\"", rdeps.join(" "));
    }
    w.push('\n');

    // Sources.
    if r.file_version == "git" {
        let _ = writeln!(
            w,
            "SRC_URI = \"git://git.gen.example.invalid/${{BPN}}.git;protocol=https;branch=main\"\n\
             SRCREV = \"{}\"\n\
             S = \"${{UNPACKDIR}}/git\"",
            t.hex(40)
        );
    } else {
        let ext = if r.xz { "xz" } else { "gz" };
        let _ = write!(
            w,
            "SRC_URI = \"https://downloads.gen.example.invalid/${{BPN}}/${{BP}}.tar.{ext}"
        );
        for p in 0..t.weighted(&[60, 25, 15]) {
            let _ = write!(w, " \\\n           file://{:04}-{}-fix-build.patch", p + 1, r.name);
        }
        let _ = writeln!(w, "\"\nSRC_URI[sha256sum] = \"{}\"", t.hex(64));
    }
    w.push('\n');

    // Classes.
    match r.build {
        BuildClass::Plain => {}
        BuildClass::Autotools => w.push_str("inherit autotools_gen\n"),
        BuildClass::Cmake => w.push_str("inherit cmake_gen\n"),
        BuildClass::Pkgconfig => w.push_str("inherit pkgconfig-gen\n"),
    }
    if r.ptest {
        let kw = if t.chance(50) { "inherit" } else { "inherit_defer" };
        let _ = writeln!(
            w,
            "{kw} ${{@bb.utils.contains('DISTRO_FEATURES', 'ptest', 'ptest_gen', '', d)}}"
        );
    }
    if r.build != BuildClass::Plain || r.ptest {
        w.push('\n');
    }

    render_options(w, layer, r, &mut t);
    crate::recipe_body::render_body(w, r, &id, &mut t);

    if r.native {
        w.push_str("\nBBCLASSEXTEND = \"native\"\n");
    }
    s
}

/// PACKAGECONFIG: defaults, flags, and the recipe's own anonymous function.
fn render_options(w: &mut String, layer: &Layer, r: &Recipe, t: &mut Rng) {
    if r.options.is_empty() {
        return;
    }
    let on = |native: bool| -> Vec<&str> {
        r.options
            .iter()
            .filter(|o| if native { o.on_native } else { o.on_target })
            .map(|o| o.name)
            .collect()
    };
    let _ = writeln!(w, "PACKAGECONFIG ??= \"{}\"", on(false).join(" "));
    if r.native && on(true) != on(false) {
        let _ = writeln!(w, "PACKAGECONFIG:class-native ??= \"{}\"", on(true).join(" "));
    }
    let deps_of = |o: &crate::model::PkgOption| -> String {
        o.deps.iter().map(|d| layer.recipes[*d].name.as_str()).collect::<Vec<_>>().join(" ")
    };
    for o in r.options.iter().filter(|o| !o.anon) {
        let (en, dis) = match r.build {
            BuildClass::Cmake => {
                let up = o.name.to_uppercase();
                (format!("-DWITH_{up}=ON"), format!("-DWITH_{up}=OFF"))
            }
            _ => (format!("--enable-{}", o.name), format!("--disable-{}", o.name)),
        };
        let rdep = match o.deps.first() {
            Some(d) if t.chance(30) => format!(",{}", layer.recipes[*d].name),
            _ => String::new(),
        };
        let _ = writeln!(w, "PACKAGECONFIG[{}] = \"{en},{dis},{}{rdep}\"", o.name, deps_of(o));
    }
    let anon: Vec<_> = r.options.iter().filter(|o| o.anon).collect();
    if !anon.is_empty() {
        w.push_str("\npython __anonymous () {\n");
        w.push_str("    pkgconfig = (d.getVar('PACKAGECONFIG') or \"\").split()\n");
        for o in anon {
            let _ = writeln!(w, "    if '{}' in pkgconfig:", o.name);
            if !o.deps.is_empty() {
                let _ = writeln!(w, "        d.appendVar('DEPENDS', ' {}')", deps_of(o));
            }
            let _ = writeln!(w, "        d.appendVar('EXTRA_OECONF', ' --with-{}')", o.name);
        }
        w.push_str("}\n");
    }
    w.push('\n');
}
