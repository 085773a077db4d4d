SUMMARY = "Inline Python in variables that tasks read"

# contains() with one word and with several; the same variable twice.
EXTRA_OECONF = "\
    ${@bb.utils.contains('DISTRO_FEATURES', 'x11', '--with-x', '--without-x', d)} \
    ${@bb.utils.contains('DISTRO_FEATURES', 'pam systemd', '--with-pam-systemd', '', d)} \
    ${@bb.utils.contains_any('DISTRO_FEATURES', 'wayland x11', '--gui', '', d)} \
    ${@bb.utils.contains('PACKAGECONFIG', 'docs', '--enable-docs', '', d)} \
    ${@bb.utils.contains('HOST_FEATURES', 'fast', '--fast', '', d)} \
    ${CHOSEN} ${@d.getVar('LOOKED_UP')} ${@arch_suffix(d)} \
"
LOOKED_UP = "looked-up ${NESTED}"
NESTED = "nested"
ARCH_SUFFIX_INPUT = "x86"

# The arguments are expanded before the Python runs: ITEM's value is the
# word checked, and both branches' references count.
ITEM = "ipv6"
CHOSEN = "${@bb.utils.contains('DISTRO_FEATURES', '${ITEM}', '${IF_SET}', '${IF_UNSET}', d)}"
IF_SET = "set-branch"
IF_UNSET = "unset-branch"

# A reference that only appears once the Python has run.
DYNAMIC_TARGET = "found"
PARALLEL = "-j${@4 * 2} ${@'$' + '{DYNAMIC_TARGET}'} ${@check_feature('pam', d)}"

# vardepsexclude drops the contains() lines of that variable too.
INSTALL_NAME = "${@bb.utils.contains('DISTRO_FEATURES', 'ipv6', 'v6', 'v4', d)}-${@d.getVarFlag('INSTALL_NAME', 'suffix')}"
INSTALL_NAME[suffix] = "bin"
INSTALL_NAME[vardepsexclude] = "DISTRO_FEATURES"

# contains() written straight into a shell task, and an override operator
# carrying contains() (prepend, append).
do_compile:append() {
	echo ${@bb.utils.contains('DISTRO_FEATURES', 'x11', 'with-x', '', d)}
	echo ${@bb.utils.filter('PACKAGECONFIG', 'docs gtk', d)} ${OPS}
}
OPS = "plain"
OPS:prepend = "${@bb.utils.filter('MISSING_VAR', 'one', d)} "
OPS:append = " ${@bb.utils.filter('DISTRO_FEATURES', 'pam', d)}"

python do_show() {
    bb.note(d.getVar("EXTRA_OECONF"))
}
addtask show after do_configure
