#!/usr/bin/env python3
"""Differential test: rbake's bb package (part A) against the reference BitBake.

Usage: test_bb_part_a.py

The same list of calls runs in two fresh interpreters, one importing
rbake's ``bb`` from queries/python and one importing BitBake's ``bb`` from
the oracle virtualenv; each prints the outcome of every call (value,
exception, log records) as JSON, and the outcomes must be identical.
The oracle interpreter comes from $RBAKE_ORACLE_PYTHON, or else
/root/.cache/rbake-oracle/venv/bin/python, and the oracle's stand-in modules
(hashserv, prserv) from $RBAKE_ORACLE_SHIM, or else ../shared/oracle/shim
next to the repository; without them the test fails.

A few checks of rbake-only behaviour (the ``_rbake.log`` routing and the
``bb.fetch`` alias) run in a third interpreter.

Exit status: 0 if everything agrees, 1 on any difference, 2 if the test
cannot run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from differential import run_self_probe

HERE = os.path.dirname(os.path.abspath(__file__))
OURS_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "queries", "python"))
DEFAULT_ORACLE = "/root/.cache/rbake-oracle/venv/bin/python"
# Stand-ins for the hash-equivalence client and PR service, which the PyPI
# package of BitBake lacks and bb.siggen imports.
DEFAULT_SHIM = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "oracle", "shim"))


# ---------------------------------------------------------------------------
# The probe: runs in each interpreter.
# ---------------------------------------------------------------------------

class StubData(object):
    """A minimal datastore with the methods the code under test calls."""

    def __init__(self, values=None, flags=None):
        self.values = dict(values or {})
        self.flags = {var: dict(f) for var, f in (flags or {}).items()}

    def getVar(self, var, expand=True, noweakdefault=False, parsing=False):
        return self.values.get(var)

    def setVar(self, var, value, **loginfo):
        self.values[var] = value

    def getVarFlag(self, var, flag, expand=True, noweakdefault=False, parsing=False):
        return self.flags.get(var, {}).get(flag)

    def setVarFlag(self, var, flag, value, **loginfo):
        self.flags.setdefault(var, {})[flag] = value

    def expand(self, s, varname=None):
        return s

    def renameVar(self, key, newkey, **loginfo):
        self.values[newkey] = self.values.pop(key)

    def keys(self):
        return sorted(set(self.values) | set(self.flags))

    def __iter__(self):
        return iter(self.keys())


class Recorder(object):
    """Collects log records of the "BitBake" loggers during one call."""

    def __init__(self, logging):
        self.records = []
        recorder = self

        class Handler(logging.Handler):
            def emit(self, record):
                try:
                    message = record.getMessage()
                except Exception:
                    # BitBake drops such a record (logging.raiseExceptions
                    # is off); keep its unformatted text.
                    message = "UNFORMATTABLE " + str(record.msg)
                recorder.records.append([record.name, record.levelno, message])

        self.handler = Handler(logging.NOTSET)

    def take(self):
        taken, self.records = self.records, []
        return taken


def version_samples(rng):
    alphabet = "0123456789" * 3 + ".." + "-" + ":" + "~" + "+" + "abzAZ" + "_ <>=\n"
    words = ["1.0", "1.0.1", "2", "1.0-r0", "1.0-r1", "1:1.0", "0:1.0-r0", "1.0~rc1", "1.0rc1",
             "1.0+git", "1.0a", "1.0.0", "01.0", "1.00", "~", "", "a", "1..0", "1.0-", "-r1",
             ">= 1.0", "1.0-r1.2", "2:0", "10", "9", "1.0_2", "1.0~", "1.0-r0~1"]
    samples = list(words)
    for _ in range(600):
        length = rng.randint(0, 9)
        samples.append("".join(rng.choice(alphabet) for _ in range(length)))
    return samples


def dep_samples(rng):
    tokens = ["a", "b", "foo", "bar-dev", "libc6", "(", ")", "(>=", ">=", "1.0", "1.0)", "(=", "=",
              "2.0-r0)", ",", "(<<", "<", "(!=3)", "(>", "(1.0)", "(~1)", "a,b", "(=<", "=>2)",
              "(<=1.0)", "c (", "x)", "(>>", "2", "(==", "1:2.0)", "virtual/foo", "(<1)", "(", "r)"]
    curated = ["", "a", "a b c", "a (>= 1.0) b", "a (>= 1.0), b (<< 2.0)", "a(>=1.0)",
               "a (>= 1.0 foo) b", "a (>= 1.0) a (<< 2.0)", "b a c", "(>= 1.0) a",
               "a (1.0)", "a ( >= 1.0 )", "a (>=) b", "a (= 1.0-r0) b (!= 2)", "a, b, c",
               "x (=< 1) y (=> 2) z (== 3)", "foo (>= 1.0", "foo >= 1.0)", "a (>= 1 2 3) b"]
    samples = list(curated)
    for _ in range(400):
        samples.append(" ".join(rng.choice(tokens) for _ in range(rng.randint(0, 8))))
    return samples


CONF_TEXT = """# A configuration file
FOO = "a b c"
BAR ?= "x \\
    y \\
    z"

BAZ += 'q'
do_install() {
    echo hi
    if true; then
        echo nested
    fi
}

FOO:append = " d"
FOO_foo = "over"
BBLAYERS ?= " \\
  /a/meta \\
  /b/meta-x \\
  "
python do_thing () {
    bb.note("x")
}
QUX = "single"

"""

BBLAYERS_TEXT = """# bblayers
BBPATH = "${TOPDIR}"
BBLAYERS ?= " \\
  /srv/poky/meta \\
  /srv/poky/meta-poky \\
  /srv/other/meta-extra \\
  "
"""


def build_cases(bb, workdir, scratch):
    """(label, callable) pairs; identical in both interpreters."""
    import io
    import logging
    import random

    cases = []

    def add(label, call):
        cases.append((label, call))

    rng = random.Random(20240601)
    utils = bb.utils

    # --- version comparison ------------------------------------------------
    versions = version_samples(rng)
    ops = ["=", "==", "<=", ">=", ">", ">>", "<", "<<", "!=", "=>", "x", ""]
    for s in versions:
        add("explode_version(%r)" % s, lambda s=s: utils.explode_version(s))
        add("split_version(%r)" % s, lambda s=s: utils.split_version(s))
    for _ in range(1500):
        a, b = rng.choice(versions), rng.choice(versions)
        op = rng.choice(ops)
        add("vercmp_string(%r, %r)" % (a, b), lambda a=a, b=b: utils.vercmp_string(a, b))
        add("vercmp_string_op(%r, %r, %r)" % (a, b, op), lambda a=a, b=b, op=op: utils.vercmp_string_op(a, b, op))
        add("vercmp_part(%r, %r)" % (a, b), lambda a=a, b=b: utils.vercmp_part(a, b))
    for ta, tb in [((0, "1.0", "r0"), (0, "1.0", "r1")), (("3", "1", ""), ("1", "2", "")),
                   ((None, "1", ""), ("", "1", "")), ((1, "1", "r0"), (0, "9", "r9")),
                   (("x", "1", ""), (0, "1", "")), ((0, None, ""), (0, "1", ""))]:
        add("vercmp(%r, %r)" % (ta, tb), lambda ta=ta, tb=tb: utils.vercmp(ta, tb))
    for bad in [None, 5, b"1.0"]:
        add("vercmp_string(%r, '1')" % (bad,), lambda bad=bad: utils.vercmp_string(bad, "1"))
        add("explode_version(%r)" % (bad,), lambda bad=bad: utils.explode_version(bad))

    # --- dependency strings -------------------------------------------------
    for s in dep_samples(rng):
        add("explode_deps(%r)" % s, lambda s=s: utils.explode_deps(s))
        add("explode_dep_versions2(%r)" % s, lambda s=s: utils.explode_dep_versions2(s))
        add("explode_dep_versions2(%r, sort=False)" % s, lambda s=s: utils.explode_dep_versions2(s, sort=False))
        add("explode_dep_versions(%r)" % s, lambda s=s: utils.explode_dep_versions(s))
        add("join_deps(v2(%r))" % s, lambda s=s: utils.join_deps(utils.explode_dep_versions2(s, sort=False)))
        add("join_deps(v1(%r), False)" % s, lambda s=s: utils.join_deps(utils.explode_dep_versions(s), False))
    for deps in [{}, {"a": None}, {"a": "", "b": ">= 1"}, {"a": [">= 1", "<< 2"]}, {"a": []},
                 {None: None}, {"a": 5}, {"a": ["x", 3]}]:
        add("join_deps(%r)" % (deps,), lambda deps=deps: utils.join_deps(deps))
    add("explode_deps(None)", lambda: utils.explode_deps(None))
    add("explode_dep_versions2(None)", lambda: utils.explode_dep_versions2(None))
    add("explode_dep_versions2('a', True)", lambda: utils.explode_dep_versions2("a", True))

    # --- contains / filter / to_boolean -------------------------------------
    d = StubData({"FEATURES": "x11 wayland  opengl", "EMPTY": "", "ONE": "x11", "SPACES": "   "})
    checks = ["x11", "x11 opengl", "x11 vulkan", "", "   ", ["x11"], ["x11", "vulkan"], set(), ("opengl",),
              ["x11 opengl"], None, 5, "X11"]
    for var in ["FEATURES", "EMPTY", "ONE", "SPACES", "MISSING"]:
        for check in checks:
            add("contains(%r, %r)" % (var, check),
                lambda var=var, check=check: utils.contains(var, check, "yes", "no", d))
            add("contains_any(%r, %r)" % (var, check),
                lambda var=var, check=check: utils.contains_any(var, check, "yes", "no", d))
            add("filter(%r, %r)" % (var, check), lambda var=var, check=check: utils.filter(var, check, d))
    for val in ["b a c", "", None, "a a", "  "]:
        for check in ["a b", ["c", "a"], "", None]:
            add("filter_string(%r, %r)" % (val, check),
                lambda val=val, check=check: utils.filter_string(val, check))
    booleans = ["y", "Yes", "1", "TRUE", "n", "NO", "0", "false", "", None, 0, 1, 2, -1, True, False,
                "maybe", " yes", [], [1], 0.0, 1.5, "on"]
    for value in booleans:
        add("to_boolean(%r)" % (value,), lambda value=value: utils.to_boolean(value))
        add("to_boolean(%r, 'dflt')" % (value,), lambda value=value: utils.to_boolean(value, "dflt"))

    # --- which ---------------------------------------------------------------
    tree = os.path.join(workdir, "tree")
    search_paths = [
        "%s/one:%s/two" % (tree, tree),
        "%s/two:%s/one" % (tree, tree),
        "%s/missing::%s/one" % (tree, tree),
        "",
        None,
        "%s/one/" % tree,
        "relative/dir:%s/two" % tree,
    ]
    for path in search_paths:
        for item in ["tool", "data.txt", "sub", "nothere", "", "sub/inner", tree + "/one/tool"]:
            for kwargs in [{}, {"direction": 1}, {"history": True}, {"executable": True},
                           {"history": True, "executable": True, "direction": -1}]:
                add("which(%r, %r, %r)" % (path, item, kwargs),
                    lambda path=path, item=item, kwargs=kwargs: utils.which(path, item, **kwargs))

    # --- bb.parse ------------------------------------------------------------
    names = ["foo_1.0.bb", "foo_git.bb", "foo.bb", "foo_1.0_r1.bb", "a_b_c_d.bb", "a_b_c_d.bb",
             "foo.bbappend", "foo_1.0.bbappend", "foo_%.bbappend", "foo.inc", "foo.conf", None, "",
             "/path/to/x_y.bb", "/p_q/x.bb", "foo-bar_1.2.3+gitAUTOINC+abc.bb", "_.bb", "__.bb",
             "___.bb", "foo_1.0.bb.bak", ".bb", "foo__1.bb"]
    for name in names:
        add("vars_from_file(%r)" % (name,), lambda name=name: bb.parse.vars_from_file(name, None))
    add("vars_from_file identity",
        lambda: bb.parse.vars_from_file("same_1.bb", None) is bb.parse.vars_from_file("same_1.bb", None))
    add("vars_from_file(b'x.bb')", lambda: bb.parse.vars_from_file(b"x.bb", None))
    for args in [("msg", "file"), ("msg", "file", 3), ("msg", "file", 0), ("", None, None)]:
        add("ParseError%r" % (args,), lambda args=args: bb.parse.ParseError(*args))
    add("SkipPackage is SkipRecipe", lambda: issubclass(bb.parse.SkipPackage, bb.parse.SkipRecipe))
    add("SkipRecipe('why')", lambda: bb.parse.SkipRecipe("why"))

    def decorated():
        @bb.parse.vardeps("A", "B")
        @bb.parse.vardepsexclude("C")
        @bb.parse.vardeps("D")
        def function():
            return 1
        return (sorted(function.bb_vardeps), sorted(function.bb_vardepsexclude), function())
    add("vardeps decorators", decorated)

    for fn in ["x.bb", "x.bbclass", "x.inc", "x.conf", "x.bbappend", "x", "conf", ".conf"]:
        add("parse.supports(%r)" % fn, lambda fn=fn: bb.parse.supports(fn, None))
        add("BBHandler.supports(%r)" % fn, lambda fn=fn: bb.parse.BBHandler.supports(fn, None))
        add("ConfHandler.supports(%r)" % fn, lambda fn=fn: bb.parse.ConfHandler.supports(fn, None))
    add("handle unsupported", lambda: bb.parse.handle("x.txt", StubData()))

    data_file = os.path.join(tree, "one", "data.txt")

    def dependencies():
        dd = StubData({"BBPATH": "%s/two:%s/one" % (tree, tree)})
        bb.parse.mark_dependency(dd, data_file)
        bb.parse.mark_dependency(dd, data_file)
        bb.parse.mark_dependency(dd, os.path.join(tree, "nope"))
        found = bb.parse.resolve_file("data.txt", dd)
        return (found, dd.getVar("__depends"), bb.parse.check_dependency(dd, data_file),
                bb.parse.get_file_depends(dd))
    add("mark_dependency/resolve_file", dependencies)
    add("resolve_file missing", lambda: bb.parse.resolve_file("nope.txt", StubData({"BBPATH": tree})))
    add("resolve_file absolute missing", lambda: bb.parse.resolve_file(tree + "/nope", StubData()))
    add("resolve_file directory", lambda: bb.parse.resolve_file(tree + "/two/sub", StubData()))
    add("cached_mtime", lambda: bb.parse.cached_mtime(data_file) == bb.parse.cached_mtime_noerror(data_file))
    add("cached_mtime missing", lambda: bb.parse.cached_mtime(tree + "/nope"))
    add("cached_mtime_noerror missing", lambda: bb.parse.cached_mtime_noerror(tree + "/nope"))
    add("update_mtime missing", lambda: bb.parse.update_mtime(tree + "/nope"))
    add("check_mtime", lambda: bb.parse.check_mtime(data_file, bb.parse.cached_mtime(data_file)))

    # Inherit and include, with bb.parse.handle replaced by a recorder (both
    # implementations call it through the module).
    def with_fake_handle(action):
        calls = []

        def fake_handle(fn, data, include=0, baseconfig=False):
            calls.append((fn, include))
            if not os.path.exists(fn):
                raise IOError(2, "No such file")
            if fn.endswith("eacces.conf"):
                raise IOError(13, "Permission denied")
            return data
        saved = bb.parse.handle
        bb.parse.handle = fake_handle
        try:
            result = action()
        except BaseException as exc:
            result = ("raised", type(exc).__name__, str(exc))
        finally:
            bb.parse.handle = saved
        return (result, calls)

    for classes, classtype, defer, deferred in [
            ("base", "recipe", "", False), ("base global native", "recipe", "", False),
            ("native", "global", "native", False), ("native", "global", "native", True),
            ("missing", "recipe", "", False), ("base", None, "", False), ("", "recipe", "", False),
            (tree + "/classes/base.bbclass", "recipe", "", False), ("classes/base.bbclass", "recipe", "", False),
            ("base base", "recipe", "base", False)]:
        def inherit(classes=classes, classtype=classtype, defer=defer, deferred=deferred):
            dd = StubData({"BBPATH": "%s/layer2:%s" % (tree, tree), "__bbclasstype": classtype,
                           "BB_DEFER_BBCLASSES": defer, "__inherit_cache": [tree + "/classes/global.bbclass"]})
            outcome = with_fake_handle(lambda: bb.parse.BBHandler.inherit(classes, "recipe.bb", 7, dd, deferred))
            return (outcome, dd.getVar("__inherit_cache"), dd.getVar("__depends"), dd.getVar("__BBDEFINHERITS"))
        add("BBHandler.inherit(%r, %r, %r, %r)" % (classes, classtype, defer, deferred), inherit)
    add("BBHandler.inherit_defer", lambda: (lambda dd: (bb.parse.BBHandler.inherit_defer("x", "f", 3, dd),
                                                         dd.getVar("__BBDEFINHERITS")))(StubData()))

    for fns, error_out in [("local.conf", "include required"), ("missing.conf", "include required"),
                           ("missing.conf", False), ("eacces.conf", "require"), ("eacces.conf", False),
                           ("local.conf local.conf other.conf", False), (tree + "/conf/local.conf", False),
                           (tree + "/conf/parent.conf", False), ("", "require")]:
        def include(fns=fns, error_out=error_out):
            dd = StubData({"BBPATH": tree, "FILE": "top.conf"})
            outcome = with_fake_handle(lambda: bb.parse.ConfHandler.include(
                tree + "/conf/parent.conf", fns, 4, dd, error_out))
            return (outcome, dd.getVar("__depends"))
        add("ConfHandler.include(%r, %r)" % (fns, error_out), include)

    def referenced():
        dd = StubData({"A": "${B} ${C}", "B": "${D}", "C": "plain", "D": "${A} ${E}", "E": None})
        return sorted(utils.get_referenced_vars("${A} and ${X}", dd))
    add("get_referenced_vars", referenced)

    # --- bb.data -------------------------------------------------------------
    inherit_d = StubData({"__inherit_cache": ["/layers/meta/classes/base.bbclass",
                                              "/layers/meta/classes-recipe/native.bbclass",
                                              "relative/cross.bbclass", "/x/classes/foo-bar.bbclass"]})
    for klass in ["base", "native", "cross", "foo-bar", "bar", "nativesdk", "", "classes/base",
                  "meta/classes/base", "native.bbclass"]:
        add("inherits_class(%r)" % klass, lambda klass=klass: bb.data.inherits_class(klass, inherit_d))
        add("inherits_class(%r, empty)" % klass, lambda klass=klass: bb.data.inherits_class(klass, StubData()))

    env_d = StubData(
        {"PLAIN": "value", "EXP": 'quo"te `x` $HOME\nline2', "UNEXP": "gone", "FUNC": "echo hi\n\n",
         "PYF": "return 1", "BAD-NAME": "x", "NONE": None, "BASH_FUNC_foo%%": "() { echo foo; }",
         "__hidden": "h", "NUM": 5},
        {"EXP": {"export": "1"}, "UNEXP": {"unexport": "1"}, "FUNC": {"func": 1, "lineno": 3, "filename": "f.bb"},
         "PYF": {"func": 1, "python": 1}, "BAD-NAME": {"export": "1"}, "NONE": {"export": "1"},
         "BASH_FUNC_foo%%": {"export": "1"}, "__hidden": {"export": "1"}, "NUM": {"export": "yes"}})
    for var in env_d.keys():
        def emit(var=var):
            out = io.StringIO()
            result = bb.data.emit_var(var, out, env_d)
            return (result, out.getvalue())
        add("emit_var(%r)" % var, emit)
    add("exported_keys", lambda: list(bb.data.exported_keys(env_d)))
    add("exported_vars", lambda: bb.data.exported_vars(env_d))

    def emit_env_plain():
        out = io.StringIO()
        bb.data.emit_env(out, env_d)
        return out.getvalue()
    add("emit_env", emit_env_plain)

    def expand_keys():
        dd = StubData({"A_${X}": "1", "A_y": "old", "B_${X}": "2", "C": "3", "D_${X}": None})

        def expand(s, varname=None):
            return s.replace("${X}", "y")
        dd.expand = expand
        bb.data.expandKeys(dd)
        return sorted(dd.values.items())
    add("expandKeys", expand_keys)
    add("createCopy", lambda: type(bb.data.createCopy(type("S", (), {"createCopy": lambda self: "copy"})())))

    # --- bb.data_smart.ExpansionError ---------------------------------------
    for args in [("VAR", "${@foo}", ValueError("bad")), ("VAR", None, KeyError("k")), ("VAR", "", Exception()),
                 (None, "${@1/0}", ZeroDivisionError("division by zero")), (None, None, RuntimeError("r")),
                 ("", "", TypeError("t")), ("V", "e", "not an exception")]:
        def expansion_error(args=args):
            error = bb.data_smart.ExpansionError(*args)
            before = str(error)
            error.addVar("OUTER")
            error.addVar(None)
            error.addVar("")
            return (before, str(error), error.msg, repr(error.args), error.varlist, error.variablename,
                    error.expression, repr(error.exception), isinstance(error, Exception))
        add("ExpansionError%r" % (args,), expansion_error)
    add("ExpansionError()", lambda: bb.data_smart.ExpansionError())

    # --- bb.process ------------------------------------------------------------
    commands = [
        ("echo hi", {}),
        ("echo out; echo err >&2; exit 3", {}),
        (["true"], {}),
        (["false"], {}),
        (["/nonexistent/cmd", "arg"], {}),
        ("nonexistent_command_rbake_xyz", {}),
        (["sh", "-c", "printf 'a\\nb'; printf 'é' >&2"], {}),
        ("echo hi", {"shell": False}),
        ("cat", {"input": b"fed through stdin"}),
        (["sh", "-c", "exit 7"], {"stderr": subprocess.STDOUT}),
        ("echo to-devnull", {"stdout": subprocess.DEVNULL}),
        ("pwd", {"cwd": tree}),
        ("echo $RBAKE_T", {"env": {"RBAKE_T": "envval", "PATH": "/usr/bin:/bin"}}),
        (["printf", "%s", "it's"], {}),
        ([tree + "/one/data.txt"], {}),
    ]
    for cmd, options in commands:
        def run(cmd=cmd, options=options):
            return bb.process.run(cmd, **options)
        add("process.run(%r, %r)" % (cmd, options), run)

        def run_logged(cmd=cmd, options=options):
            log = io.StringIO()
            try:
                result = bb.process.run(cmd, log=log, **options)
            except bb.process.CmdError as exc:
                result = ("raised", type(exc).__name__, str(exc), exc.stdout if hasattr(exc, "stdout") else "-")
            return (result, log.getvalue())
        add("process.run(%r, %r, log=...)" % (cmd, options), run_logged)

    def run_extrafiles():
        read_end, write_end = os.pipe()
        os.write(write_end, b"extra data")
        os.close(write_end)
        seen = []
        with os.fdopen(read_end, "rb") as extra:
            log = io.StringIO()
            result = bb.process.run("sleep 0.2; echo done", log=log, extrafiles=[(extra, seen.append)])
        return (result, log.getvalue(), b"".join(seen))
    add("process.run extrafiles", run_extrafiles)
    for error in [lambda: bb.process.CmdError("cmd"), lambda: bb.process.CmdError(["a b", "c"], "why"),
                  lambda: bb.process.NotFoundError(["x"]), lambda: bb.process.NotFoundError("x", "m"),
                  lambda: bb.process.ExecutionError("c", 1), lambda: bb.process.ExecutionError(["c"], 2, "out", "err"),
                  lambda: bb.process.ExecutionError("c", 3, "", None)]:
        add("process error %d" % len(cases), lambda error=error: (str(error()), repr(error().args),
                                                                   isinstance(error(), RuntimeError)))

    def with_extra_message():
        error = bb.process.ExecutionError("c", 4, "o", "e")
        error.extra_message = "\nmore"
        return str(error)
    add("ExecutionError extra_message", with_extra_message)

    # --- logging functions -----------------------------------------------------
    add("bb.__version__", lambda: bb.__version__)
    add("bb.plain", lambda: bb.plain("a", "b"))
    add("bb.note", lambda: bb.note("note ", "%s text"))
    add("bb.verbnote", lambda: bb.verbnote("vn"))
    add("bb.warn", lambda: bb.warn("w1", "w2"))
    add("bb.warnonce", lambda: (bb.warnonce("once"), bb.warnonce("once")))
    add("bb.error", lambda: bb.error("e", fn="x"))
    add("bb.erroronce", lambda: bb.erroronce("e1"))
    add("bb.fatal", lambda: bb.fatal("the end"))
    add("bb.debug(1)", lambda: bb.debug(1, "hidden"))
    add("bb.debug('str')", lambda: bb.debug("looks like a message", "x"))
    add("bb.note(non-str)", lambda: bb.note(5))
    add("bb.warn()", lambda: bb.warn())

    def verbose_debug():
        bb.msg.init_msgconfig(False, 3, ["Foo", "Foo", "Bar"])
        try:
            bb.debug(1, "d1")
            bb.debug(2, "d2")
            bb.debug(3, "d3")
            logging.getLogger("BitBake.Foo").debug2("foo2")
            logging.getLogger("BitBake.Foo").debug3("foo3")
            logging.getLogger("BitBake.Other").debug("other %s", "arg")
            logging.getLogger("BitBake.Other").plain("plain")
            logging.getLogger("BitBake.Other").verbose("verbose")
            logging.getLogger("BitBake.Other").bbdebug("x", "bad level")
            return (bb.msg.loggerDefaultLogLevel, sorted(bb.msg.loggerDefaultDomains.items()),
                    bb.msg.constructLogOptions()[0])
        finally:
            bb.msg.init_msgconfig(False, 0)
    add("debug levels", verbose_debug)
    add("msg defaults", lambda: (bb.msg.loggerDefaultLogLevel, bb.msg.loggerDefaultDomains))

    def verbose_level():
        bb.msg.init_msgconfig(True, 0)
        try:
            return bb.msg.loggerDefaultLogLevel
        finally:
            bb.msg.init_msgconfig(False, 0)
    add("init_msgconfig verbose", verbose_level)
    add("PrefixLoggerAdapter", lambda: bb.PrefixLoggerAdapter("pre: ", logging.getLogger("BitBake.P")).warning("w %d", 1))
    add("msg.fatal", lambda: bb.msg.fatal("Dom", "fatal msg"))
    add("msg.fatal no domain", lambda: bb.msg.fatal(None, "fatal msg"))
    for level in ["DEBUG", "PLAIN", "VERBNOTE", "5", "WARNONCE", "ERROR", "NOPE", "CRITICAL", "INFO"]:
        add("stringToLevel(%r)" % level, lambda level=level: bb.msg.stringToLevel(level))

    def formatting():
        formatter = bb.msg.BBLogFormatter("%(levelname)s: %(message)s")
        out = []
        for levelno in [8, 9, 10, 19, 20, 21, 22, 29, 30, 39, 40, 50, 33]:
            record = logging.LogRecord("BitBake.X", levelno, "f", 1, "message %s", ("arg",), None)
            out.append(formatter.format(record))
        record = logging.LogRecord("BitBake.X", 40, "f", 1, "with exc", (), None)
        record.bb_exc_formatted = ["line1\n", "line2"]
        out.append(formatter.format(record))
        formatter.enable_color()
        record = logging.LogRecord("BitBake.X", 30, "f", 1, "colored", (), None)
        out.append(formatter.format(record))
        out.append(repr(formatter))
        return out
    add("BBLogFormatter", formatting)

    def show_once():
        once = bb.msg.LogFilterShowOnce()
        results = []
        for levelno, msg in [(29, "a"), (29, "a"), (39, "a"), (39, "a"), (30, "a"), (30, "a"), (29, "b")]:
            results.append(once.filter(logging.LogRecord("x", levelno, "f", 1, msg, (), None)))
        geq = bb.msg.LogFilterGEQLevel("WARNING")
        lt = bb.msg.LogFilterLTLevel(25)
        for levelno in [10, 25, 30, 40]:
            record = logging.LogRecord("x", levelno, "f", 1, "m", (), None)
            results.append((geq.filter(record), lt.filter(record)))
        results.append((repr(geq), repr(lt)))
        return results
    add("log filters", show_once)

    def log_filter():
        handler = logging.StreamHandler(io.StringIO())
        filt = bb.msg.BBLogFilter(handler, 20, {"BitBake.A": 5, "BitBake.B": 15})
        results = [handler.level]
        for name, levelno in [("BitBake.A", 6), ("BitBake.A", 4), ("BitBake.B", 10), ("BitBake.C", 19),
                              ("BitBake.C", 20)]:
            results.append(filt.filter(logging.LogRecord(name, levelno, "f", 1, "m", (), None)))
        return results
    add("BBLogFilter", log_filter)

    def merge_config():
        default = {"version": 1, "handlers": {"h": {"level": "DEBUG"}},
                   "loggers": {"BitBake": {"handlers": ["h"], "level": "NOTE"},
                               "Keep": {"bitbake_merge": False, "handlers": ["h"]}}}
        user = {"version": 1, "handlers": {"u": {}}, "formatters": {"f": {}},
                "loggers": {"BitBake": {"handlers": ["u"], "level": "DEBUG", "propagate": False},
                            "Keep": {"handlers": ["u"]}, "New": {"level": 5}}}
        merged = bb.msg.mergeLoggingConfig(default, user)
        try:
            bb.msg.mergeLoggingConfig(default, {"version": 2})
        except BaseException as exc:
            return (merged, str(exc))
        return merged
    add("mergeLoggingConfig", merge_config)

    # --- utils: misc -------------------------------------------------------------
    for value in ["0755", "644", 0o600, "8", True, None, "0o755", " 755"]:
        add("to_filemode(%r)" % (value,), lambda value=value: utils.to_filemode(value))
    for var, suffixes in [("foo-native", ["-native", "-cross"]), ("foo", ["", "o"]), ("foo", []),
                          ("lib32-foo", ["-foo", "foo"])]:
        add("prune_suffix(%r, %r)" % (var, suffixes), lambda var=var, suffixes=suffixes: utils.prune_suffix(var, suffixes, None))
    for version in ["1.0.0", "0.0.1", "01.0.0", "1.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
                    "1.0.0-x.7.z.92", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "1.0.0-01",
                    "1.0.0-", "1.0.0+", "v1.0.0", "1.0.0\n", "1.2.3-rc.1+build.2"] + versions[:80]:
        add("is_semver(%r)" % version, lambda version=version: utils.is_semver(version))
    for name in ["md5_file", "sha1_file", "sha256_file", "sha384_file", "sha512_file", "goh1_file"]:
        for path in [data_file, os.path.join(tree, "empty"), os.path.join(tree, "mod.zip"), tree + "/nope"]:
            add("%s(%s)" % (name, os.path.basename(path)),
                lambda name=name, path=path: getattr(utils, name)(path))
    layer_d = StubData({"BBFILE_COLLECTIONS": "core yocto extra",
                        "BBFILE_PATTERN_core": "^/srv/poky/meta/", "BBFILE_PATTERN_yocto": "^/srv/poky/meta-poky/",
                        "BBFILE_PATTERN_extra": "^/srv/poky/", "BBFILES_PRIORITIZED":
                        "/srv/poky/meta-poky/recipes-*/*/*.bb /srv/poky/meta/recipes-*/*/*.bb"})
    for filename in ["/srv/poky/meta/recipes-core/foo/foo.bb", "/srv/poky/meta-poky/recipes-x/y/z.bb",
                     "/srv/poky/meta/classes/base.bbclass", "/elsewhere/x.bb", "/srv/poky/other/x.bb"]:
        add("get_file_layer(%r)" % filename, lambda filename=filename: utils.get_file_layer(filename, layer_d))
    add("get_collection_res", lambda: utils.get_collection_res(layer_d))
    for path in ["/", "//", "/home", "/home/user", "/home/user/x", "/tmp", os.environ.get("HOME", "/root"),
                 "/home/", "relative"]:
        add("_check_unsafe_delete_path(%r)" % path, lambda path=path: utils._check_unsafe_delete_path(path))
    add("prunedir('/')", lambda: utils.prunedir("/"))
    add("remove('/', True)", lambda: utils.remove("/", True))
    add("remove('')", lambda: utils.remove(""))
    add("preserved_envvars", lambda: (utils.preserved_envvars(), utils.preserved_envvars_exported()))
    add("approved_variables", lambda: sorted(utils.approved_variables()))
    add("better_eval", lambda: utils.better_eval("a + b", {"a": 1}, {"b": 2}))
    add("better_eval context", lambda: utils.better_eval("os.sep + str(time is not None)", {}))
    add("better_eval error", lambda: utils.better_eval("undefined_name_xyz", {}))

    def flat_func():
        utils.get_context()["rbake_test_func"] = lambda a, b=0, c=0: (a, b, c)
        return utils.exec_flat_python_func("rbake_test_func", 1, 2, c=3)
    add("exec_flat_python_func", flat_func)

    def exec_ok():
        context = {"x": 2}
        utils.better_exec("y = x * 21\n", context)
        return context["y"]
    add("better_exec", exec_ok)
    add("better_exec error", lambda: utils.better_exec("a = 1\nb = a / 0\n", {}, realfile="<rbake-test>"))
    add("better_exec pythonexception", lambda: utils.better_exec("raise KeyError('k')", {}, pythonexception=True))
    add("better_exec SkipRecipe", lambda: utils.better_exec("raise bb.parse.SkipRecipe('s')", {}))
    add("better_exec ExpansionError",
        lambda: utils.better_exec("raise bb.data_smart.ExpansionError('V', 'e', ValueError('v'))", {}))
    add("better_exec fatal", lambda: utils.better_exec("bb.fatal('stop')", {}))
    add("better_compile error", lambda: utils.better_compile("x = 1\ny = (\n", "f", "<rbake-compile>"))
    add("better_compile lineno", lambda: utils.better_compile("x = (\n", "f", "<rbake-compile>", lineno=10))
    add("better_compile eval", lambda: eval(utils.better_compile("1 + 2", "f", "<c>", mode="eval")))
    add("simple_exec", lambda: (lambda ctx: (utils.simple_exec("z = 5", ctx), ctx["z"]))({}))

    def environment_cm():
        os.environ["RBAKE_ENV_A"] = "before"
        os.environ.pop("RBAKE_ENV_B", None)
        with utils.environment(RBAKE_ENV_A="inside", RBAKE_ENV_B="new"):
            inside = (os.environ["RBAKE_ENV_A"], os.environ["RBAKE_ENV_B"])
        return (inside, os.environ.get("RBAKE_ENV_A"), os.environ.get("RBAKE_ENV_B"))
    add("environment", environment_cm)

    def umask_cm():
        with utils.umask(0o077):
            inner = os.umask(0o077)
        outer = os.umask(0o022)
        os.umask(outer)
        return (oct(inner), oct(outer))
    add("umask", umask_cm)
    add("cpu_count", lambda: utils.cpu_count() == len(os.sched_getaffinity(0)))
    add("VersionStringException", lambda: issubclass(utils.VersionStringException, Exception))

    # --- utils: file operations (in the per-interpreter scratch directory) ------
    def scratch_path(*parts):
        return os.path.join(scratch, *parts)

    def write(path, text, mode=None):
        with open(path, "w") as f:
            f.write(text)
        if mode is not None:
            os.chmod(path, mode)

    def describe_file(path):
        if os.path.islink(path):
            return ("link", os.readlink(path))
        if not os.path.exists(path):
            return "missing"
        info = os.stat(path)
        with open(path) as f:
            return ("file", f.read(), oct(info.st_mode), int(info.st_mtime))

    def mkdirs():
        target = scratch_path("a", "b", "c")
        utils.mkdirhier(target)
        utils.mkdirhier(target)
        return (os.path.isdir(target), sorted(os.listdir(scratch_path("a"))))
    add("mkdirhier", mkdirs)
    add("mkdirhier unexpanded", lambda: utils.mkdirhier(scratch_path("${WORKDIR}")))

    def mkdir_over_file():
        write(scratch_path("afile"), "x")
        utils.mkdirhier(scratch_path("afile"))
    add("mkdirhier over file", mkdir_over_file)
    add("mkdirhier under file", lambda: utils.mkdirhier(scratch_path("afile", "sub")))

    def removals():
        os.makedirs(scratch_path("rm", "tree", "deep"), exist_ok=True)
        for name in ["one.txt", "two.txt", "keep.dat"]:
            write(scratch_path("rm", name), name)
        utils.remove(scratch_path("rm", "*.txt"))
        utils.remove(scratch_path("rm", "missing"))
        first = sorted(os.listdir(scratch_path("rm")))
        try:
            utils.remove(scratch_path("rm", "tree"))
        except OSError as exc:
            first.append(type(exc).__name__)
        utils.remove(scratch_path("rm", "tree"), recurse=True)
        second = sorted(os.listdir(scratch_path("rm")))
        utils.prunedir(scratch_path("rm"))
        return (first, second, os.path.exists(scratch_path("rm")))
    add("remove/prunedir", removals)

    def copies():
        os.makedirs(scratch_path("cp"), exist_ok=True)
        src = scratch_path("cp", "src")
        write(src, "content", 0o640)
        os.utime(src, (1000000000, 1000000000))
        results = [utils.copyfile(src, scratch_path("cp", "dst")), describe_file(scratch_path("cp", "dst"))]
        os.symlink("src", scratch_path("cp", "link"))
        copied = utils.copyfile(scratch_path("cp", "link"), scratch_path("cp", "link2"))
        results.append((type(copied).__name__, describe_file(scratch_path("cp", "link2"))))
        results.append(utils.copyfile(scratch_path("cp", "nope"), scratch_path("cp", "x")))
        results.append(utils.copyfile(src, scratch_path("cp", "dst"), newmtime=2000000000))
        results.append(describe_file(scratch_path("cp", "dst")))
        os.link(src, scratch_path("cp", "hard"))
        results.append(utils.break_hardlinks(scratch_path("cp", "hard")))
        results.append((os.stat(src).st_nlink, utils.break_hardlinks(src)))
        results.append(utils.break_hardlinks(scratch_path("cp", "nope")))
        try:
            results.append(utils.copyfile(src, scratch_path("cp", "nodir", "x")))
        except OSError as exc:
            results.append(type(exc).__name__)
        results.append(sorted(os.listdir(scratch_path("cp"))))
        return results
    add("copyfile/break_hardlinks", copies)

    def moves():
        os.makedirs(scratch_path("mv", "dir"), exist_ok=True)
        src = scratch_path("mv", "src")
        write(src, "moving", 0o604)
        os.utime(src, (1100000000, 1100000000))
        results = [utils.movefile(src, scratch_path("mv", "dst")), describe_file(scratch_path("mv", "dst")),
                   os.path.exists(src)]
        results.append(utils.movefile(scratch_path("mv", "dst"), scratch_path("mv", "dir")))
        results.append(sorted(os.listdir(scratch_path("mv", "dir"))))
        os.symlink("target", scratch_path("mv", "link"))
        moved = utils.movefile(scratch_path("mv", "link"), scratch_path("mv", "link2"))
        results.append((type(moved).__name__, describe_file(scratch_path("mv", "link2"))))
        results.append(utils.movefile(scratch_path("mv", "nope"), scratch_path("mv", "x")))
        write(src, "again")
        results.append(utils.movefile(src, scratch_path("mv", "dir", "dst"), newmtime=1200000000))
        results.append(describe_file(scratch_path("mv", "dir", "dst")))
        utils.rename(scratch_path("mv", "dir", "dst"), scratch_path("mv", "renamed"))
        results.append(sorted(os.listdir(scratch_path("mv"))))
        try:
            utils.rename(scratch_path("mv", "nope"), scratch_path("mv", "x"))
        except OSError as exc:
            results.append((type(exc).__name__, exc.errno))
        return results
    add("movefile/rename", moves)

    def locks():
        name = scratch_path("locks", "sub", "x.lock")
        handle = utils.lockfile(name)
        results = [type(handle).__name__, os.path.exists(name), handle.name == name]
        results.append(utils.lockfile(name, retry=False))
        results.append(utils.lockfile(name, shared=True, retry=False))
        utils.unlockfile(handle)
        results.append(os.path.exists(name))
        shared = utils.lockfile(name, shared=True)
        shared2 = utils.lockfile(name, shared=True, retry=False)
        results.append((type(shared).__name__, type(shared2).__name__))
        utils.unlockfile(shared2)
        utils.unlockfile(shared)
        long_name = scratch_path("locks", "x" * 300 + ".lock")
        handle = utils.lockfile(long_name)
        results.append(len(os.path.basename(handle.name)))
        results.append(os.path.basename(handle.name)[-5:])
        utils.unlockfile(handle)
        with utils.fileslocked([scratch_path("locks", "a"), scratch_path("locks", "b")]):
            results.append(sorted(os.listdir(scratch_path("locks"))))
        results.append(sorted(os.listdir(scratch_path("locks"))))
        with utils.fileslocked(None):
            results.append("none")
        return results
    add("lockfile", locks)
    add("lockfile relative", lambda: utils.lockfile("relative.lock"))

    def descendants():
        return [utils.path_is_descendant(tree + "/one", tree), utils.path_is_descendant(tree, tree + "/one"),
                utils.path_is_descendant(tree, tree), utils.path_is_descendant(tree + "/one/../two", tree)]
    add("path_is_descendant", descendants)

    def temp_file():
        fd, path = utils.mkstemp(prefix="pre", dir=scratch)
        os.close(fd)
        base = os.path.basename(path)
        return (base.startswith("pre"), len(base) >= 23, os.path.dirname(path) == scratch)
    add("mkstemp", temp_file)
    add("is_local_uid", lambda: (utils.is_local_uid(), utils.is_local_uid(0), utils.is_local_uid(987654)))

    # --- utils: edit_metadata ----------------------------------------------------
    def make_varfunc(kind, calls):
        def varfunc(varname, origvalue, op, newlines):
            calls.append((varname, origvalue, op, len(newlines)))
            if kind == "keep":
                return (origvalue, None, 0, True)
            if kind == "upper":
                return (origvalue.upper(), None, 0, True)
            if kind == "drop":
                return (None, None, 0, True)
            if kind == "op":
                return (origvalue, "=", 0, True)
            if kind == "op-same":
                return (origvalue, op, 0, True)
            if kind.startswith("list"):
                indent = {"list-min": 4, "list-nomin": -1, "list-str": "\t", "list-one": 2}[kind]
                items = ["one"] if kind == "list-one" else origvalue.split() + ["extra"]
                return (items, None, indent, kind != "list-nomin")
            if kind == "empty-list":
                return ([], None, 0, True)
            if kind == "prepend":
                newlines.append("# inserted before %s\n" % varname)
                return (origvalue, None, 0, True)
            if kind == "func":
                return ("    echo replaced", None, 4, True)
            if kind == "func-list":
                return (["echo a", "echo b"], None, 4, True)
            raise AssertionError(kind)
        return varfunc

    variable_sets = [["FOO"], ["FOO", "BAR", "BAZ"], ["do_install()"], ["BB.*"], ["FOO:append"],
                     ["BBLAYERS"], ["QUX", "FOO"], ["do_thing()"], ["python do_thing()"], ["NOTTHERE"]]
    kinds = ["keep", "upper", "drop", "op", "op-same", "list-min", "list-nomin", "list-str", "list-one",
             "empty-list", "prepend", "func", "func-list"]
    for variables in variable_sets:
        for kind in kinds:
            if kind.startswith("func") != variables[0].endswith("()"):
                continue
            for match_overrides in (False, True):
                def edit(variables=variables, kind=kind, match_overrides=match_overrides):
                    calls = []
                    result = utils.edit_metadata(CONF_TEXT.splitlines(True), variables,
                                                 make_varfunc(kind, calls), match_overrides)
                    return (result, calls)
                add("edit_metadata(%r, %s, %s)" % (variables, kind, match_overrides), edit)

    def edit_file():
        path = scratch_path("edit.conf")
        write(path, CONF_TEXT)
        first = utils.edit_metadata_file(path, ["FOO"], make_varfunc("keep", []))
        second = utils.edit_metadata_file(path, ["FOO", "QUX"], make_varfunc("upper", []))
        with open(path) as f:
            return (first, second, f.read())
    add("edit_metadata_file", edit_file)

    layer_edits = [("/srv/new/meta-new", None), (None, "/srv/poky/meta-poky"), ("/srv/poky/meta", None),
                   (["/srv/a", "/srv/b/"], ["/srv/other/*", "/srv/none"]), (None, None),
                   ("/srv/poky/meta-poky", "/srv/poky/meta-poky")]
    for index, (to_add, to_remove) in enumerate(layer_edits):
        for callback in (None, "rename"):
            def edit_layers(index=index, to_add=to_add, to_remove=to_remove, callback=callback):
                path = scratch_path("bblayers%d%s.conf" % (index, callback or ""))
                write(path, BBLAYERS_TEXT)
                seen = []

                def edit_cb(layer, canonical):
                    seen.append((layer, canonical))
                    return layer.replace("meta-extra", "meta-renamed")
                result = utils.edit_bblayers_conf(path, to_add, to_remove, edit_cb if callback else None)
                with open(path) as f:
                    return (result, f.read(), seen)
            add("edit_bblayers_conf(%r, %r, %s)" % (to_add, to_remove, callback), edit_layers)

    def no_bblayers():
        path = scratch_path("nobblayers.conf")
        write(path, "FOO = \"1\"\n")
        return utils.edit_bblayers_conf(path, "/x", None)
    add("edit_bblayers_conf without BBLAYERS", no_bblayers)

    return cases


# Cases whose log messages differ on purpose: BitBake's text is broken there.
# Their values, exceptions and log levels must still agree.
KNOWN_MESSAGE_DIFFERENCES = {
    "mkdirhier over file": "BitBake's warning shows a literal '%s' instead of the directory",
    "movefile/rename": "BitBake's movefile() warnings pass arguments without placeholders, "
                       "so BitBake cannot format them",
}


def without_messages(outcome):
    stripped = dict(outcome)
    stripped["log"] = [[name, levelno] for name, levelno, _message in outcome["log"]]
    return stripped


def describe(value, scratch):
    """A JSON-able account of a value, with scratch paths made neutral."""
    text = repr(value)
    return {"type": type(value).__name__, "repr": text.replace(scratch, "<SCRATCH>")}


def probe(kind, workdir):
    """Import one bb package, run every case and print the outcomes as JSON."""
    import logging

    sys.dont_write_bytecode = True
    if kind == "ours":
        sys.path.insert(0, OURS_DIR)
    else:
        sys.path.insert(0, oracle_shim())
    import bb
    import bb.data
    import bb.data_smart
    import bb.msg
    import bb.parse
    import bb.process
    import bb.utils

    location = os.path.dirname(os.path.abspath(bb.__file__))
    if (location == os.path.join(OURS_DIR, "bb")) != (kind == "ours"):
        print("probe %s imported the wrong bb package: %s" % (kind, location), file=sys.stderr)
        sys.exit(2)

    scratch = os.path.join(workdir, "scratch-" + kind)
    os.makedirs(scratch)
    os.chdir(scratch)

    recorder = Recorder(logging)
    logging.getLogger("BitBake").addHandler(recorder.handler)

    outcomes = []
    for label, call in build_cases(bb, workdir, scratch):
        try:
            outcome = {"value": describe(call(), scratch)}
        except BaseException as exc:
            outcome = {"raised": type(exc).__name__, "str": str(exc).replace(scratch, "<SCRATCH>"),
                       "args": repr(exc.args).replace(scratch, "<SCRATCH>")}
        outcome["log"] = [[name, levelno, message.replace(scratch, "<SCRATCH>")]
                          for name, levelno, message in recorder.take()]
        outcomes.append({"label": label, "outcome": outcome})
    json.dump(outcomes, sys.stdout)


# ---------------------------------------------------------------------------
# rbake-only checks: the _rbake.log hook and the bb.fetch alias.
# ---------------------------------------------------------------------------

RBAKE_ONLY = r"""
import json, logging, sys, types
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])

messages = []
native = types.ModuleType("_rbake")
native.log = lambda level, message: messages.append([level, message])
native.DataSmart = type("DataSmart", (), {})
sys.modules["_rbake"] = native

fetch2 = types.ModuleType("bb.fetch2")
fetch2.decodeurl = lambda url: ("decoded", url)
sys.modules["bb.fetch2"] = fetch2

import bb
import bb.data_smart
results = {}
results["datasmart_is_native"] = bb.data_smart.DataSmart is native.DataSmart

bb.plain("p"); bb.note("n"); bb.verbnote("v"); bb.warn("w"); bb.error("e")
bb.warnonce("wo"); bb.warnonce("wo"); bb.erroronce("eo"); bb.erroronce("eo")
try:
    bb.fatal("f")
except bb.BBHandledException:
    pass
bb.debug(1, "hidden by default")
bb.msg.init_msgconfig(False, 3)
bb.debug(1, "d1"); bb.debug(2, "d2"); bb.debug(3, "d3")
logging.getLogger("BitBake.X").verbose("verbose")
logging.getLogger("BitBake.X").info("args %s", "formatted")
try:
    raise ValueError("inner")
except ValueError:
    logging.getLogger("BitBake.X").exception("with traceback")
logging.getLogger("NotBitBake").warning("not routed")
results["messages"] = messages[:-1] + [[messages[-1][0], messages[-1][1].splitlines()[0] + " ... " + messages[-1][1].splitlines()[-1]]]

import bb.fetch
results["import_alias"] = bb.fetch is fetch2
from bb.fetch import decodeurl
results["from_alias"] = decodeurl("u")
results["attribute_alias"] = bb.fetch is fetch2
results["sys_modules"] = sys.modules["bb.fetch"] is fetch2
from bb import multiprocessing
results["multiprocessing"] = type(multiprocessing).__name__
results["mp_context"] = multiprocessing.get_start_method()
try:
    multiprocessing.x = 1
except AttributeError as exc:
    results["mp_readonly"] = str(exc)
results["lazy_submodule"] = bb.process.__name__
results["missing_attribute"] = hasattr(bb, "no_such_thing")
import bb.utils
import importlib
results["context_is_runtime"] = bb.utils.get_context() is importlib.import_module("bb._runtime").context()
print(json.dumps(results))
"""

RBAKE_ONLY_EXPECTED = {
    "datasmart_is_native": True,
    "messages": [
        ["plain", "p"], ["note", "n"], ["verbnote", "v"], ["warn", "w"], ["error", "e"],
        ["warn", "wo"], ["error", "eo"], ["fatal", "f"],
        ["debug1", "d1"], ["debug2", "d2"], ["debug3", "d3"], ["verbose", "verbose"],
        ["note", "args formatted"],
        ["error", "with traceback ... ValueError: inner"],
    ],
    "import_alias": True,
    "from_alias": ["decoded", "u"],
    "attribute_alias": True,
    "sys_modules": True,
    "multiprocessing": "MultiprocessingContext",
    "mp_context": "fork",
    "mp_readonly": "Unable to set attribute x",
    "lazy_submodule": "bb.process",
    "missing_attribute": False,
    "context_is_runtime": True,
}


def rbake_only_checks():
    """Run the rbake-only checks; returns the number of checks and a list of failures."""
    completed = subprocess.run([sys.executable, "-c", RBAKE_ONLY, OURS_DIR], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONHASHSEED="0"))
    if completed.returncode != 0:
        return len(RBAKE_ONLY_EXPECTED), ["rbake-only probe failed:\n" + completed.stderr]
    got = json.loads(completed.stdout)
    failures = []
    for key, expected in RBAKE_ONLY_EXPECTED.items():
        if got.get(key) != expected:
            failures.append("rbake-only %s: expected %r, got %r" % (key, expected, got.get(key)))
    return len(RBAKE_ONLY_EXPECTED), failures


# ---------------------------------------------------------------------------
# The driver.
# ---------------------------------------------------------------------------

def make_tree(workdir):
    """The read-only files that both probes look at."""
    import zipfile

    tree = os.path.join(workdir, "tree")
    for directory in ["one", "two/sub/inner", "one/sub", "classes", "classes-recipe", "layer2/classes-global",
                      "conf"]:
        os.makedirs(os.path.join(tree, directory))
    for name in ["classes/base.bbclass", "classes-recipe/base.bbclass", "classes/native.bbclass",
                 "layer2/classes-global/global.bbclass", "classes/global.bbclass", "conf/local.conf",
                 "conf/eacces.conf", "conf/parent.conf"]:
        open(os.path.join(tree, name), "w").close()
    with open(os.path.join(tree, "one", "tool"), "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(os.path.join(tree, "one", "tool"), 0o755)
    with open(os.path.join(tree, "two", "tool"), "w") as f:
        f.write("not executable\n")
    with open(os.path.join(tree, "one", "data.txt"), "w") as f:
        f.write("some data\n" * 100)
    open(os.path.join(tree, "empty"), "w").close()
    with zipfile.ZipFile(os.path.join(tree, "mod.zip"), "w") as archive:
        archive.writestr("example.com/mod@v1.0.0/go.mod", "module example.com/mod\n")
        archive.writestr("example.com/mod@v1.0.0/a.go", "package mod\n")


def oracle_shim():
    path = os.environ.get("RBAKE_ORACLE_SHIM") or DEFAULT_SHIM
    if not os.path.isdir(os.path.join(path, "hashserv")):
        print("FAIL: the oracle's stand-in modules are not in %s "
              "(set RBAKE_ORACLE_SHIM)" % path, file=sys.stderr)
        sys.exit(2)
    return path


def oracle_python():
    path = os.environ.get("RBAKE_ORACLE_PYTHON") or DEFAULT_ORACLE
    if not os.path.exists(path):
        print("FAIL: the reference BitBake interpreter %s does not exist "
              "(set RBAKE_ORACLE_PYTHON)" % path, file=sys.stderr)
        sys.exit(2)
    check = subprocess.run([path, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                            "import bb, bb.utils, bb.parse; print(bb.__version__)", oracle_shim()],
                           capture_output=True, text=True, cwd="/")
    if check.returncode != 0:
        print("FAIL: %s cannot import the reference bb package:\n%s" % (path, check.stderr), file=sys.stderr)
        sys.exit(2)
    return path


def run_probe(python, kind, workdir):
    return run_self_probe(__file__, python, kind, workdir)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--probe":
        probe(sys.argv[2], sys.argv[3])
        return 0

    python = oracle_python()
    workdir = tempfile.mkdtemp(prefix="rbake-bb-part-a-")
    try:
        make_tree(workdir)
        ours = run_probe(python, "ours", workdir)
        reference = run_probe(python, "reference", workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    failures = []
    if len(ours) != len(reference):
        failures.append("the probes ran %d and %d cases" % (len(ours), len(reference)))
    for mine, theirs in zip(ours, reference):
        if mine["label"] in KNOWN_MESSAGE_DIFFERENCES and mine["label"] == theirs["label"]:
            mine = dict(mine, outcome=without_messages(mine["outcome"]))
            theirs = dict(theirs, outcome=without_messages(theirs["outcome"]))
        if mine != theirs:
            failures.append("%s\n    rbake:     %s\n    reference: %s"
                            % (theirs["label"], json.dumps(mine["outcome"]), json.dumps(theirs["outcome"])))

    extra_count, extra_failures = rbake_only_checks()
    failures.extend(extra_failures)

    total = len(reference) + extra_count
    if failures:
        for failure in failures:
            print("DIFF " + failure)
        print("FAILED: %d of %d checks differ" % (len(failures), total))
        return 1
    print("OK: %d checks agree with BitBake %s (%d differential, %d rbake-only)"
          % (total, "2.19.0", len(reference), extra_count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
