SUMMARY = "BB_HASH_CODEPARSER_VALS and functions with overrides and appends"

real_helper() {
	echo real
}
forced_helper() {
	echo forced
}
t_is_root() {
	echo "T is / while parsing"
}
t_is_real() {
	echo "T is the real one"
}

# The command run comes from a variable: the parser sees the forced value.
HELPER = "real_helper"
do_compile:append() {
	${HELPER} --now
	${@'t_is_root' if d.getVar('T') == '/' else 't_is_real'}
	echo ${@os.path.join(d.getVar('WORKDIR'), 'log')} ${EQUALS} ${ONLY_FORCED}
}
EQUALS = "real"

# A removal that only matches the forced value.
REMOVED_WORD = "--nothing"
do_install:append() {
	install --quiet -m 0644 ${T}/log ${D}
}
do_install:remove = "${REMOVED_WORD}"

# Overrides on a function: the class-target body wins, its own append and
# the plain append apply; the class-native ones do not.
do_fetch:class-target() {
	echo fetch for the target ${TARGET_ONLY}
}
do_fetch:append() {
	echo appended ${ALWAYS}
}
do_fetch:append:class-native() {
	echo never ${NATIVE_ONLY}
}
do_fetch:prepend:forced() {
	echo prepended for this recipe
}
TARGET_ONLY = "t"
ALWAYS = "a"
NATIVE_ONLY = "n"

# contains() in a function body checks the real value, not the forced one.
MODE = "real"
do_mode() {
	echo ${@bb.utils.contains('MODE', 'forced', 'forced-mode', 'real-mode', d)}
}
addtask mode
