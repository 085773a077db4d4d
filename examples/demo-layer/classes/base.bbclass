# Tasks shared by every demo recipe.
do_configure[dirs] = "${B}"
do_configure() {
	mkdir -p ${B}
}

do_compile[dirs] = "${B}"
do_compile() {
	demo_compile
}

demo_compile() {
	echo "compiling ${PN} ${PV}"
}

do_install() {
	install -d ${D}/usr/share/${PN}
}

python do_report() {
    bb.note("built %s" % d.getVar("PF"))
}

do_configure[deptask] = "do_install"
addtask configure
addtask compile after do_configure
addtask install after do_compile
addtask report after do_install
addtask build after do_report
do_build[noexec] = "1"

EXPORT_FUNCTIONS do_compile
