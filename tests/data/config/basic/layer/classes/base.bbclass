BASE = "base class"
do_configure() {
	echo configure ${A}
}
python do_report() {
    bb.note("report")
}
def helper(d):
    return "x"
addtask configure
addtask compile after do_configure
addtask report after do_compile before do_build
addtask build
do_build[noexec] = "1"
