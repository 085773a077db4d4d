SUMMARY = "A tool built for the target, the build host and two multiconfigs"
BBCLASSEXTEND = "native"

EXTRA_ARGS = "--generic"
EXTRA_ARGS:class-native = "--host"
EXTRA_ARGS:append:m-alpha = " --alpha"
EXTRA_ARGS:remove:m-beta = "--generic"

relocate_helper() {
	echo relocating ${T}
}

helper_for_target() {
	echo target
}
helper_for_native() {
	echo native
}
COMPILE_HELPER = "helper_for_target"
COMPILE_HELPER:class-native = "helper_for_native"

# The helper is named through vardeps, so the dependency follows the override.
do_compile[vardeps] += "${COMPILE_HELPER}"
do_compile:append() {
	echo ${COMPILE_HELPER} ${EXTRA_ARGS}
	echo ${@bb.utils.contains('MACHINE', 'beta', 'beta', 'not-beta', d)}
}

do_install:append:class-target() {
	echo target-only ${MACHINE}
}

python do_report() {
    bb.note(d.getVar("EXTRA_ARGS"))
    if d.getVar("CLASSOVERRIDE") == "class-native":
        bb.note(d.getVar("NATIVE_NOTE"))
}
NATIVE_NOTE = "native note"
addtask report after do_compile
