//! The second half of a recipe: variables set with BitBake's different
//! operators and overrides, task flags, and tasks (overrides of the class
//! tasks, `:prepend`/`:append` to them, helper shell functions, Python
//! tasks and helpers). None of it changes DEPENDS.

use std::fmt::Write;

use crate::model::{BuildClass, Recipe};
use crate::rng::Rng;

/// Writes the variables and tasks of recipe `r`; `id` is its name as an identifier.
pub fn render_body(w: &mut String, r: &Recipe, id: &str, t: &mut Rng) {
    // Weak defaults and defaults: ??= loses to ?=, which loses to =.
    let _ = writeln!(w, "GEN_OPT ??= \"default\"");
    if t.chance(50) {
        let _ = writeln!(w, "GEN_OPT ?= \"{}\"", t.pick(&["fast", "small", "safe"]));
    }
    if t.chance(60) {
        let _ = writeln!(w, "GEN_LEVEL = \"{}\"", t.range(1, 5));
    }
    if t.chance(40) {
        let _ = writeln!(w, "GEN_LEVEL:append:class-native = \" native\"");
    }
    let _ = writeln!(w, "GEN_FLAGS = \"-DGEN_RECIPE_{}\"", r.index);
    let _ = writeln!(w, "GEN_FLAGS += \"-DGEN_ABI=${{GEN_ABI}}\"");
    if t.chance(30) {
        let _ = writeln!(w, "GEN_FLAGS =+ \"-DGEN_FIRST\"");
    }
    if t.chance(20) {
        let _ = writeln!(
            w,
            "\ndef gen_{id}_flags(d):\n    level = (d.getVar('GEN_LEVEL') or '0').split()[0]\n    \
             return '-DGEN_LEVEL_%s' % level\n\nGEN_FLAGS += \"${{@gen_{id}_flags(d)}}\""
        );
    }
    let _ = writeln!(w, "GEN_SEARCH_PATH = \"${{S}}/lib\"");
    let _ = writeln!(w, "GEN_SEARCH_PATH .= \":${{S}}/extra\"");
    if t.chance(50) {
        let _ = writeln!(w, "GEN_SEARCH_PATH =. \"${{B}}/gen:\"");
    }
    let _ = writeln!(w, "GEN_IMMEDIATE := \"${{BPN}}-${{GEN_LEVEL}}\"");
    let _ = writeln!(w, "CFLAGS:append = \" ${{GEN_FLAGS}}\"");
    if t.chance(30) {
        let _ = writeln!(w, "CFLAGS:prepend:class-native = \"-DGEN_NATIVE \"");
    }
    if t.chance(25) {
        let _ = writeln!(w, "CFLAGS:remove = \"-pipe\"");
    }
    if t.chance(50) {
        let _ = writeln!(w, "EXTRA_OECONF:remove = \"--disable-static\"");
    }
    if t.chance(30) {
        let _ = writeln!(w, "EXTRA_OECONF:append:genmachine = \" --with-machine=${{MACHINE}}\"");
    }
    if t.chance(15) {
        let _ = writeln!(w, "EXTRA_OECONF:append:pn-{} = \" --enable-self\"", r.name);
    }
    if t.chance(10) {
        let _ = writeln!(w, "export GEN_EXPORTED_{} = \"${{GEN_OPT}}\"", id.to_uppercase());
    }
    if t.chance(8) {
        let _ = writeln!(w, "GEN_OBSOLETE = \"1\"\nunset GEN_OBSOLETE");
    }
    if t.chance(5) {
        let _ = writeln!(w, "COMPATIBLE_MACHINE = \"(genmachine|qemux86-64)\"");
    }
    let vardepvalue = t.chance(10);
    if vardepvalue {
        let _ =
            writeln!(w, "GEN_BUILD_ID = \"${{DATETIME}}\"\nGEN_BUILD_ID[vardepvalue] = \"fixed\"");
    }
    let _ = writeln!(w, "FILES:${{PN}} += \"${{datadir}}/${{BPN}}-extra\"");
    w.push('\n');

    // Task flags.
    let _ = writeln!(w, "do_configure[vardeps] += \"GEN_OPT\"");
    if r.build == BuildClass::Plain && t.chance(20) {
        let _ = writeln!(w, "do_configure[noexec] = \"1\"");
    }
    if t.chance(30) {
        let _ = writeln!(w, "do_compile[dirs] += \"${{B}}/gen\"");
    }
    w.push('\n');

    // Tasks.
    if r.build == BuildClass::Plain && t.chance(60) {
        let _ = writeln!(
            w,
            "do_compile() {{\n\tbbnote \"compiling ${{BPN}} (${{GEN_COMPILE_MODE}})\"\n\
             \t${{CC}} ${{CFLAGS}} ${{LDFLAGS}} -o ${{B}}/{name} ${{S}}/{name}.c\n}}\n",
            name = r.name
        );
        let fakeroot = if t.chance(20) { "fakeroot " } else { "" };
        let _ = writeln!(
            w,
            "{fakeroot}do_install() {{\n\tinstall -d ${{D}}${{bindir}}\n\
             \tinstall -m 0755 ${{B}}/{name} ${{D}}${{bindir}}/\n}}\n",
            name = r.name
        );
    }
    if t.chance(50) {
        let _ = writeln!(
            w,
            "do_configure:prepend() {{\n\tbbnote \"preparing ${{BPN}} with ${{GEN_OPT}}\"\n}}\n"
        );
    }
    let _ = writeln!(
        w,
        "do_compile:append() {{\n\tgen_{id}_post_compile\n}}\n\n\
         gen_{id}_post_compile() {{\n\
         \tfor dir in $(echo ${{GEN_SEARCH_PATH}} | tr ':' ' '); do\n\
         \t\t[ -d \"$dir\" ] || bbnote \"missing $dir\"\n\
         \tdone\n\
         \techo \"${{GEN_IMMEDIATE}}\" > ${{B}}/gen-build-info\n}}\n"
    );
    let _ = write!(
        w,
        "do_install:append() {{\n\tinstall -d ${{D}}${{datadir}}/${{BPN}}\n\
         \tinstall -m 0644 ${{B}}/gen-build-info ${{D}}${{datadir}}/${{BPN}}/\n\
         \techo \"${{@gen_version_major(d)}}\" > ${{D}}${{datadir}}/${{BPN}}/abi\n"
    );
    if vardepvalue {
        w.push_str("\techo \"${GEN_BUILD_ID}\" > ${D}${datadir}/${BPN}/build-id\n");
    }
    w.push_str("}\n");
    if t.chance(15) {
        let _ = writeln!(
            w,
            "\npython do_gen_check() {{\n    level = d.getVar('GEN_LEVEL')\n    \
             mode = d.getVar('GEN_COMPILE_MODE')\n    \
             bb.note(\"%s: level %s, %s build\" % (d.getVar('PN'), level, mode))\n}}\n\
             addtask gen_check after do_compile before do_install\n\
             do_gen_check[doc] = \"Checks the build of ${{PN}}\""
        );
    }
    if r.ptest {
        let _ = writeln!(
            w,
            "\ndo_install_ptest() {{\n\tinstall -m 0644 ${{B}}/gen-build-info ${{D}}${{PTEST_PATH}}/\n}}"
        );
    }
}
