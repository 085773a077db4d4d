# The native variant: its own override, names, paths and compiler.
CLASSOVERRIDE = "class-native"
PN = "${BPN}-native"
prefix = "${TMPDIR}/sysroot-native/usr"
export CC = "${BUILD_CC}"
MACHINE_TUNE = "host"

do_install:append() {
	echo native install into ${prefix}
}

# A task only the native variant has, and one it drops.
do_relocate() {
	echo relocated ${D}${bindir}
}
do_relocate[prefuncs] = "relocate_helper"
addtask relocate after do_install before do_build
deltask do_fetch
