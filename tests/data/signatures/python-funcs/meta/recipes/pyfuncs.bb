SUMMARY = "Python tasks and functions"

BASE_HELPER_INPUT = "from the recipe"
WANTED = "wanted"
WANTED_FLAGGED = "x"
WANTED_FLAGGED[note] = "flag value ${NOTE_INPUT}"
NOTE_INPUT = "note input"
APPENDED = "a"
PARTNAME = "joined from two literals"
CONDITIONAL_VAR = "on"
LOCAL_COPY_VAR = "through a copy of d"

def compute_flags(d):
    # Literal names are followed; a computed name is not.
    flags = d.getVar("WANTED")
    name = "NOT_" + "FOLLOWED"
    flags += d.getVar(name) or ""
    flags += d.getVar(f"ALSO_NOT_FOLLOWED") or ""
    return flags

def describe(d):
    # Calls to other functions in the datastore are dependencies;
    # method calls and builtins are not.
    text = compute_flags(d).strip().upper()
    return "%s %s" % (text, len(text))

python do_configure:append() {
    bb.note(describe(d))
    # getVarFlag with a literal flag: the dependency is "NAME[flag]".
    bb.note(d.getVarFlag("WANTED_FLAGGED", "note"))
    # A flag that is not set: a dependency with no value.
    bb.note(str(d.getVarFlag("WANTED", "unset_flag")))
    # A non-literal flag name is not followed.
    flag = "doc"
    bb.note(str(d.getVarFlag("WANTED", flag)))
    d.appendVar("APPENDED", " b")
    bb.note(d.getVar("PART" "NAME"))
    # ${...} inside Python source is not a reference.
    bb.note("${PV} is not followed")
    localdata = bb.data.createCopy(d)
    bb.note(localdata.getVar("LOCAL_COPY_VAR"))
    bb.note(oe.utils.conditional("CONDITIONAL_VAR", "on", "yes", "no", d))
}

python do_features() {
    # contains: all of the words; contains_any and filter: any of them.
    if bb.utils.contains("DISTRO_FEATURES", "x11 wayland", True, False, d):
        bb.note("both")
    if bb.utils.contains("DISTRO_FEATURES", "opengl", True, False, d):
        bb.note("opengl")
    if bb.utils.contains_any("MACHINE_FEATURES", "wifi bluetooth", True, False, d):
        bb.note("wireless")
    bb.note(bb.utils.filter("PACKAGECONFIG", "gtk qt docs", d))
    # A variable nobody sets: every item is Unset.
    if bb.utils.contains("NEVER_SET_FEATURES", "zzz", True, False, d):
        bb.note("never")
    # The same variable checked again, and through an older alias.
    if base_contains("DISTRO_FEATURES", "ipv6", True, False, d):
        bb.note("ipv6")
    # A non-literal item: no Set/Unset line, but the whole variable
    # becomes a dependency.
    item = "systemd"
    bb.utils.contains("DISTRO_FEATURES", item, True, False, d)
    # Excluded below with vardepsexclude, and ignored through BB_BASEHASH_IGNORE_VARS.
    bb.utils.contains("EXCLUDED_FEATURES", "a", True, False, d)
    bb.utils.contains("IGNORED_FEATURES", "a", True, False, d)
    bb.note(featured("systemd", d))
}
do_features[vardepsexclude] = "EXCLUDED_FEATURES"
EXCLUDED_FEATURES = "a"
addtask features after do_configure before do_compile

shell_helper() {
	echo helper ${WANTED}
}

python other_python() {
    bb.note(d.getVar("OTHER_INPUT"))
}
OTHER_INPUT = "other"

python do_run_others() {
    # exec_func with a literal name: the function is a dependency (and a
    # shell function brings in the exported variables).
    bb.build.exec_func("shell_helper", d)
    bb.build.exec_func('other_python', d)
    # Names that are not in the datastore, and a non-literal name.
    bb.build.exec_func("no_such_function", d)
    name = "other_python"
    bb.build.exec_func(name, d)
    bb.build.exec_task("do_compile", d)
}
addtask run_others after do_features before do_build

python do_nested() {
    # Calls inside nested functions and lambdas are found too.
    def inner():
        return d.getVar("INNER_VAR")
    pick = lambda: d.getVar("LAMBDA_VAR")
    bb.note(inner() + pick())
    """A docstring with ${DOCSTRING_VAR} and d.getVar('IN_STRING') in it."""
}
def pick_name(d):
    return "INNER_VAR"

python do_indirect() {
    # The name comes from a call: the function is a dependency, the
    # variable is not.
    bb.note(d.getVar(pick_name(d), False))
    # d.expand() of a non-literal: only the inner getVar counts (and what
    # EXPAND_ARG references, as for any variable).
    bb.note(d.expand(d.getVar("EXPAND_ARG", False)))
}
EXPAND_ARG = "${EXPAND_INNER}"
EXPAND_INNER = "x"
addtask indirect

INNER_VAR = "inner"
LAMBDA_VAR = "lambda"
addtask nested
