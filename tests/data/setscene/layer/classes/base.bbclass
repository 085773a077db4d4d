# Tasks of the setscene fixtures: every task succeeds at once; do_package
# and do_populate_sysroot have setscene tasks.

# Reports the setscene tasks named in SSTATE_AVAILABLE ("PN:do_task ...").
def fixture_hashcheck(sq_data, d, siginfo=False, currentcount=0, summary=True, **kwargs):
    available = set((d.getVar("SSTATE_AVAILABLE") or "").split())
    found = set()
    for tid in sq_data['hash']:
        name = "%s:%s" % (sq_data['hashfn'][tid], tid.rsplit(":", 1)[1])
        if name in available:
            found.add(tid)
    return found

# A recipe's sysroot is not needed when only other recipes' packaging or
# sysroot tasks depend on it.
def fixture_depvalid(task, taskdependees, notneeded, d):
    if taskdependees[task][1] != "do_populate_sysroot":
        return False
    for dep in taskdependees:
        if dep != task and taskdependees[dep][1] not in ("do_package", "do_populate_sysroot"):
            return False
    return True

do_fetch() {
	echo fetch
}
do_compile() {
	echo compile
}
do_install() {
	echo install
}
do_package() {
	echo package
}
do_package_setscene() {
	echo package_setscene
}
do_populate_sysroot() {
	echo populate_sysroot
}
do_populate_sysroot_setscene() {
	echo populate_sysroot_setscene
}

addtask fetch
addtask compile after do_fetch
addtask install after do_compile
addtask package after do_install
addtask populate_sysroot after do_install
addtask package_setscene
addtask populate_sysroot_setscene
addtask build after do_package do_populate_sysroot

do_compile[deptask] = "do_populate_sysroot"
do_build[recrdeptask] = "do_build"
do_build[noexec] = "1"
