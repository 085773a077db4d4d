SUMMARY = "A recipe whose tasks read variables in many ways"

# Direct references, and references through other variables.
EXTRA_OECONF = "--with-greeting=${GREETING} ${FEATURE_ARGS}"
GREETING = "hello from ${PN}"
FEATURE_ARGS = "--enable-${FEATURE_NAME}"
FEATURE_NAME = "colour"

# A reference built from another variable's value.
LEVEL = "fast"
SPEED_fast = "-j8"
SPEED_slow = "-j1"
MAKE_SPEED = "${SPEED_${LEVEL}}"

# An override picks the value the task sees.
MODE = "default"
MODE:hello = "hello-specific"
MODE:class-native = "native"

# Appends and weak defaults.
NOTES = "one"
NOTES:append = " two"
NOTES += "three"
WEAK ??= "weak-default"
SOFT ?= "soft-default"

# Variables the hash ignores, and a variable that references one.
BUILD_STAMP = "builder-2"
STAMPED = "${BUILD_STAMP}-stamped"

do_compile:prepend() {
	echo ${MAKE_SPEED} ${MODE} ${NOTES} ${WEAK} ${SOFT}
	echo ${STAMPED}
	# Never defined anywhere: still a dependency, with no value.
	echo ${UNDEFINED_THING}
	# Shell parameter expansions with modifiers are not BitBake references,
	# but ${NAME:-x} is a BitBake name with a colon.
	echo ${HOME%/} ${MAYBE:-fallback} $PLAIN_SHELL_VAR
	echo ${TMPDIR}
}

do_package() {
	echo ${LANG} ${LD}
}
addtask package after do_install before do_build

python do_report() {
    bb.plain("report")
}
addtask report

# A task with no function at all.
addtask bodiless after do_fetch before do_build
do_bodiless[noexec] = "1"
