python () {
    d.setVar("ANON_PN", "anon-" + d.getVar("PN"))
    d.appendVar("ANON_LIST", " first")
    if d.getVar("WANT_EXTRA") == "1":
        bb.build.addtask("do_extra", "do_build", "do_compile", d)
}

python () {
    d.appendVar("ANON_LIST", " second")
    d.setVarFlag("do_compile", "cleandirs", "${TMPDIR}/" + d.getVar("PN"))
    d.appendVarFlag("do_build", "depends", " other:do_thing")
    deps = d.getVarFlag("do_build", "deps", False) or []
    d.setVar("BUILD_DEPS", " ".join(deps))
}

do_compile() {
	:
}
addtask compile
addtask build after do_compile
do_build[depends] = "base:do_x"
