SUMMARY = "Dependency flags on tasks and variables"

# vardeps: extra dependencies, expanded, so a name can come from a variable.
HIDDEN_INPUT = "read by a tool, not by the task text"
DYNAMIC_NAME = "PICKED_BY_NAME"
PICKED_BY_NAME = "picked"
do_compile[vardeps] += "HIDDEN_INPUT ${DYNAMIC_NAME} NEVER_SET"

# vardepsexclude: only drops direct references; BUILD_HOST still comes in
# through HOST_INFO.
BUILD_HOST = "host-42"
HOST_INFO = "built on ${BUILD_HOST}"
do_compile:append() {
	echo ${BUILD_HOST} > host.txt
	echo ${HOST_INFO} ${CONFIG} ${FIXED} ${NOISY}
}
do_compile[vardepsexclude] = "BUILD_HOST"

# prefuncs and postfuncs are dependencies even when they are not defined.
prepare_env() {
	mkdir -p ${B}/env
}
python note_done() {
    bb.note("done with " + d.getVar("PN"))
}
do_compile[prefuncs] += "prepare_env"
do_compile[postfuncs] = "note_done missing_postfunc"

# exports: named variables enter the task's dependencies.
EXPORTED_FOR_TASK = "exported-value"
do_compile[exports] = "EXPORTED_FOR_TASK"

# vardepvalue: the value hashed instead of the real one; the real value's
# references are not followed.
SOURCE_REV = "${@'abc' + 'def'} ${SOURCE_BRANCH}"
SOURCE_BRANCH = "main"
SOURCE_REV[vardepvalue] = "${PV}"
FIXED = "${SOURCE_REV}"

# vardepvalue on a task: the function body, its references and its
# prefuncs no longer count.
do_install[vardepvalue] = "install-v1"
do_install[prefuncs] = "prepare_env"
do_install:append() {
	echo ${SOURCE_BRANCH}
}

# vardepvalueexclude: '|'-separated strings cut out of the unexpanded value
# (empty parts are skipped).
NOISE = "noisy"
NOISY = "keep ${NOISE} drop-me keep-too also-drop"
NOISY[vardepvalueexclude] = " drop-me|| also-drop|not-present"

# vardeps on a plain variable, and made-up flags (not excluded, so they
# are dependencies, with their own references).
CONFIG = "config"
CONFIG[vardeps] = "CONFIG_EXTRA"
CONFIG_EXTRA = "extra"
CONFIG[myflag] = "${FLAG_INPUT}"
FLAG_INPUT = "flag-input"
CONFIG[doc] = "Documentation flags are excluded."

# A weak default flag, and a network flag.
do_fetch[network] = "1"
do_compile[network] ??= "0"

# Flags on a python task.
python do_report() {
    bb.plain(d.getVar("CONFIG"))
}
do_report[postfuncs] = "note_done"
do_report[vardeps] = "HOST_INFO"
addtask report after do_compile

# A function called through a shell variable is invisible to the parser;
# vardeps names it (here through inline Python).
oe_libinstall() {
	install -m 0644 lib${1}.so ${D}
}
do_libs() {
	foo=oe_libinstall; eval $foo hello
}
do_libs[vardeps] = "${@'oe_libinstall'}"
addtask libs after do_compile before do_install
