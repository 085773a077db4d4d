SUMMARY = "Removals that take effect"

# A literal removal, a removal through another variable, and an
# override-conditional one (active here; the native one is not).
EXTRA_OECONF = "--a --b --c --d --e --f"
EXTRA_OECONF:remove = "--a"
EXTRA_OECONF:remove = "${DROP_THESE}"
DROP_THESE = "--b ${DROP_MORE}"
DROP_MORE = "--c"
EXTRA_OECONF:remove:class-target = "--d"
EXTRA_OECONF:remove:class-native = "--e"
EXTRA_OECONF:remove:removing = "--f"

# A removal whose value is computed by Python: its contains() lines are
# hashed, but a function it calls is not a dependency.
def unwanted(d):
    return "install"
MAKE_ARGS = "all install docs x11-extras extra"
MAKE_ARGS:remove = "${@bb.utils.contains('DISTRO_FEATURES', 'opengl', 'docs', '', d)} ${@unwanted(d)}"
MAKE_ARGS:remove = "${@bb.utils.contains('DISTRO_FEATURES', 'wayland', 'x11-extras', '', d)}"

# A removal naming an ignored variable.
IGNORED_REMOVE = "extra"
MAKE_ARGS:remove = "${IGNORED_REMOVE}"

# A removal on a shell function's body.
do_compile:remove = "--verbose"

# The variable is replaced by an override, and the removal still applies.
PICKED = "base one two"
PICKED:class-target = "target one two"
PICKED:remove = "two"
do_pick() {
	echo ${PICKED}
}
addtask pick
