# Tasks of the build behaviour tests: each appends a line to RESULTS, so
# that the tests can see what ran.

do_fetch[dirs] = "${B}"
do_fetch() {
	echo "${PN} fetch" >> ${RESULTS}
}
do_compile[dirs] = "${B}"
do_compile() {
	echo "${PN} compile" >> ${RESULTS}
	echo built > ${B}/output
}
do_install[dirs] = "${B}"
do_install() {
	echo "${PN} install" >> ${RESULTS}
}
python do_populate_sysroot() {
    with open(d.getVar("RESULTS"), "a") as results:
        results.write("%s populate_sysroot\n" % d.getVar("PN"))
}

addtask fetch
addtask compile after do_fetch
addtask install after do_compile
addtask populate_sysroot after do_install
addtask build after do_populate_sysroot

do_compile[deptask] = "do_populate_sysroot"
do_build[noexec] = "1"
