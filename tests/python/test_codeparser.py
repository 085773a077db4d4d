#!/usr/bin/env python3
"""Differential test: rbake's bb.codeparser.PythonParser against the reference BitBake.

Usage: test_codeparser.py

Every snippet below is parsed in two fresh interpreters, one importing
rbake's ``bb`` from queries/python and one importing BitBake's ``bb`` from
the oracle virtualenv.  Each prints, per case, what the parser found
(references, execs, var_execs, contains, extra), what it raised, the debug
records it buffered and what reached the loggers when they were flushed;
the two must be identical.  Library module functions (add_module_functions,
modulecode_deps, visitorcode, update_module_dependencies) and the result
cache are covered too, and rbake's ``python_deps()`` is checked against a
dict made from the reference parser's attributes.

The oracle interpreter comes from $RBAKE_ORACLE_PYTHON, or else
/root/.cache/rbake-oracle/venv/bin/python, and the oracle's stand-in modules
(hashserv, prserv) from $RBAKE_ORACLE_SHIM, or else ../shared/oracle/shim
next to the repository; without them the test fails.

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
DEFAULT_SHIM = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "oracle", "shim"))


# ---------------------------------------------------------------------------
# The snippets.  (label, code, options); options: lineno, filename, name
# (the parser's name), fresh (empty the result cache first; default True),
# debug (bb.msg debug level for the case; default 1 so that the parser's
# debug messages are kept), deps (also compare python_deps()).
# ---------------------------------------------------------------------------

FUNCTION_BODY = '''
    import os
    pn = d.getVar('PN')
    srcdir = d.expand("${WORKDIR}/${BP}")
    if bb.utils.contains('DISTRO_FEATURES', 'systemd', True, False, d):
        for unit in (d.getVar('SYSTEMD_SERVICE:' + pn) or "").split():
            bb.note("unit %s" % unit)
    flags = d.getVarFlags('SRC_URI') or {}
    localdata = bb.data.createCopy(d)
    localdata.setVar('OVERRIDES', 'pn-' + pn)
    extra = localdata.getVar('EXTRA_OECONF')
    if oe.utils.inherits(d, 'autotools'):
        bb.build.exec_func('do_configure_helper', d)
    os.makedirs(os.path.join(srcdir, 'out'), exist_ok=True)
'''

DEF_FUNCTION = '''def package_helper(d, pkg):
    """Doc string with ${NOT_A_REF} inside."""
    files = d.getVar('FILES:%s' % pkg)
    deps = d.getVar('RDEPENDS:' + pkg, False)
    if bb.utils.contains_any('PACKAGECONFIG', 'a b c', True, False, d):
        return oe.path.join(d.getVar('PKGD'), files)
    return bb.utils.filter('DISTRO_FEATURES', 'x11 wayland', d)
'''

CLASS_AND_NESTED = '''
class Helper(object):
    attr = d.getVar('CLASS_ATTR')

    def __init__(self, d):
        self.d = d
        self.value = self.d.getVar('SELF_D_VAR')

    @staticmethod
    def make(d, name=d.getVar('DEFAULT_ARG')):
        return Helper(d)

def outer(d):
    def inner(x=d.getVar('INNER_DEFAULT')):
        return e.data.getVar('EVENT_VAR')
    return inner()

result = outer(d)
'''

MATCH_STATEMENT = '''
match d.getVar('MACHINE_ARCH'):
    case 'x86_64':
        bb.note(d.getVar('X86_FLAGS'))
    case other if other.startswith(d.getVar('ARM_PREFIX')):
        handle_arm(other)
    case _:
        bb.fatal('unsupported %s' % d.getVar('MACHINE'))
'''

TRY_WITH = '''
try:
    with open(d.expand('${T}/log')) as f:
        data = json.loads(f.read())
except (OSError, ValueError) as exc:
    bb.warn(str(exc))
finally:
    cleanup(d)
'''

ASYNC_AND_WALRUS = '''
async def fetch_all(urls):
    results = [await client.get(u) for u in urls]
    return results

if (n := len(d.getVar('SRC_URI').split())) > 1:
    asyncio.run(fetch_all(range(n)))
'''

DECORATORS = '''
@functools.lru_cache(maxsize=d.getVar('CACHE_SIZE'))
def cached(d):
    return d.getVar('CACHED')

@property
def prop(self):
    return self.d.getVar('PROP')

@bb.event.contextmanager
def ctx():
    yield
'''

BAD_NAME_CALLS = '''
for var in ['A', 'B']:
    d.getVar(var)
    d.getVarFlag(var, 'doc')
    d.getVarFlag('FIXED', flagname)
    bb.build.exec_func(funcname, d)
    bb.utils.contains(var, 'x', 1, 0, d)
'''


def snippets():
    s = []

    def add(label, code, **options):
        s.append((label, code, options))

    # -- getVar and friends
    add("getVar literal", "d.getVar('FOO')")
    add("getVar literal unexpanded", "d.getVar('FOO', False)")
    add("getVar double quotes", 'd.getVar("BAR", True)')
    add("getVar non-literal name", "d.getVar(name)")
    add("getVar computed name", "d.getVar('PREFIX_' + suffix)")
    add("getVar f-string name", "d.getVar(f'PKG_{pn}')")
    add("getVar int name", "d.getVar(3)")
    add("getVar without arguments", "d.getVar()")
    add("getVar keyword name only", "d.getVar(var='KW')")
    add("getVar without receiver", "getVar('PLAIN')")
    add("appendVar and prependVar", "d.appendVar('A1', ' x')\nd.prependVar('P1', 'y ')")
    add("appendVarFlag and prependVarFlag", "d.appendVarFlag('do_a', 'depends', ' x')\nd.prependVarFlag('do_b', 'vardeps', 'y ')")
    add("setVar and delVar are calls", "d.setVar('SET_ME', '1')\nd.delVar('DEL_ME')")
    add("getVarFlag literal", "d.getVarFlag('do_compile', 'deps')")
    add("getVarFlag non-literal flag", "d.getVarFlag('SRC_URI', flag)")
    add("getVarFlag non-literal var", "d.getVarFlag(task, 'noexec')")
    add("getVarFlag one argument", "d.getVarFlag('ONLY')")
    add("getVarFlag int flag", "d.getVarFlag('NUM', 3)")
    add("getVarFlag None flag", "d.getVarFlag('NONE', None)")
    add("getVarFlag bytes flag", "d.getVarFlag('BYTES', b'raw')")
    add("getVarFlags is a call", "d.getVarFlags('SRC_URI') or {}")
    add("getVar through other data stores",
        "localdata.getVar('LOCAL')\ne.data.getVar('EVT')\nself.d.getVar('SELFD')\nbb.data.getVar('OLD', d)")
    add("getVar on a call result", "bb.data.createCopy(d).getVar('ON_COPY')")
    add("getVar on a subscript", "stores[0].getVar('ON_SUBSCRIPT')")
    add("method chained on getVar", "(d.getVar('CHAIN') or '').split()[0].strip()")
    add("conditional", "oe.utils.conditional('CONDVAR', 'yes', 'a', 'b', d)")
    add("conditional suffix match", "my.oe.utils.conditional('SUFFIXED', 'x', 'a', 'b', d)")
    add("conditional without module", "conditional('NOMOD', 'x', 'a', 'b', d)")
    add("unicode variable name", "d.getVar('VAR_\u00e4\u00f6')")

    # -- contains, contains_any, filter
    add("contains", "bb.utils.contains('DISTRO_FEATURES', 'x11', 'a', 'b', d)")
    add("contains several words", "bb.utils.contains('DISTRO_FEATURES', 'x11 opengl', 'a', 'b', d)")
    add("contains non-literal value", "bb.utils.contains('DISTRO_FEATURES', feature, 'a', 'b', d)")
    add("contains non-literal variable", "bb.utils.contains(var, 'x', 'a', 'b', d)")
    add("contains int value", "bb.utils.contains('NUMERIC', 1, 'a', 'b', d)")
    add("contains one argument", "bb.utils.contains('LONELY')")
    add("contains keywords only", "bb.utils.contains(variable='K', checkvalues='v', truevalue=1, falsevalue=0, d=d)")
    add("contains twice", "bb.utils.contains('TWICE', 'a', 1, 0, d) and bb.utils.contains('TWICE', 'b c', 1, 0, d)")
    add("base_contains", "base_contains('MACHINE_FEATURES', 'wifi', 'a', '', d)")
    add("contains_any", "bb.utils.contains_any('DISTRO_FEATURES', 'x11 wayland  vulkan', 'a', 'b', d)")
    add("contains_any non-literal", "bb.utils.contains_any('DISTRO_FEATURES', feats, 'a', 'b', d)")
    add("contains_any int value", "bb.utils.contains_any('NUMERIC', 5, 'a', 'b', d)")
    add("contains and contains_any together",
        "bb.utils.contains('MIX', 'a b', 1, 0, d)\nbb.utils.contains_any('MIX', 'b c', 1, 0, d)")
    add("filter", "bb.utils.filter('PACKAGECONFIG', 'gtk qt', d)")
    add("filter empty", "bb.utils.filter('PACKAGECONFIG', '', d)")
    add("contains via alias", "contains = bb.utils.contains\ncontains('ALIASED', 'x', 1, 0, d)")
    add("oe.utils.contains is a plain call", "oe.utils.any_distro_features(d, 'x11')")

    # -- d.expand
    add("expand literal", "d.expand('${D}${bindir}/${PN}')")
    add("expand non-literal", "d.expand(path)")
    add("expand without references", "d.expand('plain text')")
    add("expand int", "d.expand(5)")
    add("expand None", "d.expand(None)")
    add("expand without arguments", "d.expand()")
    add("expand through localdata", "localdata.expand('${LOCALREF}')\nbb.data.expand('${OLDEXP}', d)")
    add("expand nested reference", "d.expand('${${INNER}}')")
    add("expand inline python getVar", "d.expand(\"${@d.getVar('INLINE_REF')}\")")
    add("expand inline python contains",
        "d.expand(\"${@bb.utils.contains('DISTRO_FEATURES', 'ipv6', '-DIPV6', '', d)}\")")
    add("expand inline python with reference inside", "d.expand(\"${@d.getVar('${NAME_IN}')}\")")
    add("expand inline python non-literal", "d.expand(\"${@d.getVar(name_var)}\")", name="do_inline")
    add("expand inline python producing a reference", "d.expand(\"${@'$' + '{MADE}'}\")")
    add("expand inline python calling", "d.expand(\"${@os.path.basename('/a/b')}\")")
    add("expand inline python raising", "d.expand(\"${@int('not a number')}\")")
    add("expand inline python raising with name", "d.expand(\"${@undefined_name}\")", name="do_raise")
    add("expand inline python unterminated string", "d.expand(\"${@'unterminated}\")")
    add("expand inline python syntax error", "d.expand('${@1 +}')")
    add("expand of own name", "d.expand('${do_self}')", name="do_self")
    add("expand of own name unnamed", "d.expand('${do_self}')")
    add("expand of own name inline", "d.expand('${@\"x\"} ${do_me}')", name="do_me")

    # -- bb.build.exec_func / exec_task
    add("exec_func literal", "bb.build.exec_func('do_helper', d)")
    add("exec_task literal", "bb.build.exec_task('do_other', 'do_other', d)")
    add("exec_func non-literal", "bb.build.exec_func(func, d)")
    add("exec_func int", "bb.build.exec_func(42, d)")
    add("exec_func without arguments", "bb.build.exec_func()")
    add("exec_func list of names", "for f in (d.getVar('POSTFUNCS') or '').split():\n    bb.build.exec_func(f, d)")
    add("exec_func under another name", "build.exec_func('do_short', d)")

    # -- calls in general
    add("qualified calls", "os.path.join(a, b)\ntime.strftime('%Y', time.gmtime())\noe.path.copytree(a, b)")
    add("oe module functions", "oe.utils.all_distro_features(d, 'x11')\noe.package.strip_execs(d)")
    add("builtins", "print(len(str(sorted(set(x)))))")
    add("lambda called", "(lambda d: d.getVar('IN_LAMBDA'))(d)")
    add("lambda stored", "f = lambda v: d.getVar('LAMBDA_BODY') + transform(v)")
    add("list comprehension", "[d.getVar(v) for v in ('A', 'B')]")
    add("comprehension literal", "[d.getVar('COMP_' + v) for v in names if check(v)]")
    add("dict and set comprehensions", "{k: d.getVar('DICTCOMP') for k in keys}\n{normalize(x) for x in d.getVar('SETCOMP').split()}")
    add("generator", "any(d.getVarFlag(t, 'task') for t in tasks)")
    add("percent formatting", "'%s-%s' % (d.getVar('PN'), d.getVar('PV'))")
    add("format method", "'{}/{}'.format(d.getVar('FMT_A'), fmt_b())")
    add("f-string", "f\"{d.getVar('FSTR')}/{helper(d)!r:>10}\"")
    add("subscript call", "handlers[0](d)\ngetattr(obj, 'method')(d)")
    add("super and call of call", "super().setup(d)\nfactory()(d.getVar('CALL_OF_CALL'))")
    add("keyword arguments", "bb.utils.mkdirhier(path=d.getVar('KW_PATH'))\nd.getVar(name='KW_NAME')")
    add("star arguments", "d.getVar(*args)\nbb.utils.contains(*args)")
    add("starred first argument", "d.getVar(*['STARRED'])")
    add("attribute of call result called", "bb.data.createCopy(d).setVar('X', '1')")
    add("string method on literal", "' '.join(d.getVar('JOINED').split())")
    add("bb.fatal message", "bb.fatal('%s is not set' % d.getVar('MISSING_VAR'))")

    # -- whole functions
    add("function body", FUNCTION_BODY, lineno=12, filename="/layer/classes/example.bbclass", name="do_example")
    add("def function", DEF_FUNCTION, lineno=40, filename="/layer/classes/pkg.bbclass", name="package_helper")
    add("class and nested functions", CLASS_AND_NESTED, lineno=3, filename="/layer/recipes/a.bb")
    add("match statement", MATCH_STATEMENT, lineno=1, filename="m.bbclass")
    add("try and with", TRY_WITH, name="do_try")
    add("async and walrus", ASYNC_AND_WALRUS)
    add("decorators", DECORATORS)
    add("untracked names", BAD_NAME_CALLS, name="do_untracked")
    add("untracked names, default verbosity", BAD_NAME_CALLS, name="do_untracked", debug=0)
    add("untracked names, debug 2", BAD_NAME_CALLS, name="do_untracked", debug=2)
    add("untracked names, unnamed", BAD_NAME_CALLS, name=None)
    add("parser name with percent", "d.getVar(x)", name="do_%s_x")
    add("parser name with bad percent", "d.getVar(x)", name="do_%b")
    add("parser name with percent, nothing untracked", "d.getVar('FINE')", name="do_%s_x")

    # -- indentation, blank code, line numbers
    add("indented body", "    a = d.getVar('INDENTED')\n    helper(a)\n")
    add("indented after newline", "\n    bb.note(d.getVar('AFTER_NL'))\n", lineno=5, filename="x.bbclass")
    add("indented with tabs", "\tbb.note(d.getVar('TABBED'))\n")
    add("indent after blank lines", "\n\n  x = d.getVar('TWO_BLANKS')\n", lineno=2)
    add("newline then unindented", "\nd.getVar('NL_UNINDENTED')\n", lineno=4)
    add("inconsistent indentation", "    a()\n  b()\n", lineno=7, filename="bad-indent.bbclass")
    add("unexpected indent", "a()\n    b()\n", lineno=3, filename="indent.bbclass")
    add("syntax error", "def broken(:\n    pass\n", lineno=10, filename="/layer/classes/broken.bbclass")
    add("syntax error unnamed file", "x = = 1")
    add("syntax error in indented body", "    if True\n        pass\n", lineno=20, filename="f.bb")
    add("empty code", "")
    add("blank code", "   \n\t\n")
    add("None code", None)
    add("lineno as string", "d.getVar('STRLINE')\nfoo(", lineno="7", filename="s.bb")
    add("lineno None", "d.getVar('NOLINE')", lineno=None)
    add("filename None", "d.getVar('NOFILE')", filename=None)
    add("comment only", "# just a comment with d.getVar('IN_COMMENT')\n")
    add("string containing a call", "x = \"d.getVar('IN_STRING')\"")
    add("eval of a string", "eval('d.getVar(\"EVALED\")')")
    return s


MODULE_HELPERS = '''"""Functions for the module-function cases (written for rbake's tests)."""
import ast
import os
from os.path import join as pjoin

from cptestlib.other import remote, RemoteClass

LIMIT = 3


def visible(d):
    return d.getVar("VISIBLE") + helper2(d)


def helper2(d):
    bb.build.exec_func("do_thing", d)
    return bb.utils.contains("FEATURES", "one", "a", "", d) + same_module_call(d)


def same_module_call(d):
    return d.getVarFlag("do_x", "cleandirs") + d.getVar(unknown)


def uses_other(d):
    return remote(d) + pjoin("a", "b") + os.path.basename("x") + RemoteClass().run(d)


def with_deps(d):
    return d.getVar(d.getVar("INDIRECT_NAME"))

with_deps.bb_vardeps = {"EXTRA_DEP", "SECOND_DEP"}
with_deps.bb_vardepsexclude = {"INDIRECT_NAME"}


def check_visitor(name, args):
    contains = {}
    execs = set()
    warn = None
    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        contains["CHECK_LEVELS"] = {args[0].value}
        contains["OTHER_LEVELS"] = {args[0].value, "always"}
    else:
        execs.add(name)
        warn = args[0] if args else None
    return contains, execs, warn


def checked(kind, message, d):
    return kind in (d.getVar("CHECK_LEVELS") or "").split()

checked.visitorcode = check_visitor


def odd_visitor(name, args):
    return {}, {"odd.exec"}, [args[0]]


def odd(value):
    return value

odd.visitorcode = odd_visitor


def broken_visitor(name, args):
    return {}, set(), "not a node"


def broken(value):
    return value

broken.visitorcode = broken_visitor


class Holder(object):
    def get(self, d):
        return d.getVar("HOLDER")


square = lambda d: d.getVar("LAMBDA_VAR") * 2


def _private(d):
    return d.getVar("PRIVATE")
'''

MODULE_OTHER = '''"""Another module, whose functions helpers.py imports."""


def remote(d):
    return d.getVar("REMOTE")


class RemoteClass(object):
    def run(self, d):
        return d.getVar("REMOTE_CLASS")
'''

# Calls of the module functions, parsed once add_module_functions has run.
MODULE_CALL_SNIPPETS = [
    ("visitor literal", "cptestlib.helpers.checked('alpha', 'message', d)"),
    ("visitor non-literal", "cptestlib.helpers.checked(kind, 'message', d)"),
    ("visitor no arguments", "cptestlib.helpers.checked()"),
    ("visitor twice", "cptestlib.helpers.checked('first', 'm', d)\ncptestlib.helpers.checked('second', 'm', d)"),
    ("visitor then contains", "cptestlib.helpers.checked('base', 'm', d)\nbb.utils.contains('CHECK_LEVELS', 'extra', 1, 0, d)"),
    ("contains then visitor", "bb.utils.contains('OTHER_LEVELS', 'before', 1, 0, d) and cptestlib.helpers.checked('later', 'm', d)"),
    ("visitor returning a list", "cptestlib.helpers.odd(value)"),
    ("visitor returning text", "cptestlib.helpers.broken(value)"),
    ("module function without visitor", "cptestlib.helpers.visible(d)"),
    ("unregistered module function", "cptestlib.helpers._private(d)"),
]


# ---------------------------------------------------------------------------
# The probe: runs in each interpreter.
# ---------------------------------------------------------------------------

def sorted_reprs(items):
    return sorted(repr(item) for item in items)


class Recorder(object):
    """Collects the log records that reach the "BitBake" loggers."""

    def __init__(self, logging):
        self.records = []
        recorder = self

        class Handler(logging.Handler):
            def emit(self, record):
                try:
                    message = record.getMessage()
                except Exception as exc:
                    message = "UNFORMATTABLE %s: %s" % (type(exc).__name__, record.msg)
                recorder.records.append([record.name, record.levelno, message])

        self.handler = Handler(logging.NOTSET)

    def take(self):
        taken, self.records = self.records, []
        return taken


class StubData(object):
    """Just the flags update_module_dependencies() reads."""

    def __init__(self, flags):
        self.flags = flags

    def getVarFlag(self, var, flag, expand=True):
        return self.flags.get((var, flag))


def parser_state(parser):
    state = {
        "references": sorted_reprs(parser.references),
        "execs": sorted_reprs(parser.execs),
        "var_execs": sorted_reprs(parser.var_execs),
        "contains": {repr(k): sorted_reprs(v) for k, v in sorted(parser.contains.items(), key=lambda kv: repr(kv[0]))},
        "extra": repr(parser.extra) if hasattr(parser, "extra") else "<unset>",
        "log": type(parser.log).__name__,
    }
    buffered = getattr(parser.log, "buffer", None)
    if buffered is not None:
        state["buffered"] = [[r.name, r.levelno, r.getMessage()] for r in buffered]
    return state


def error_of(exc):
    outcome = {"raised": type(exc).__name__, "str": str(exc)}
    if isinstance(exc, SyntaxError):
        outcome["where"] = [exc.filename, exc.lineno, exc.offset, exc.text]
    return outcome


def reference_deps(parser):
    """The dict rbake's python_deps() returns, made from a parser's attributes."""
    return {
        "references": sorted(parser.references),
        "execs": sorted(parser.execs),
        "var_execs": sorted(parser.var_execs),
        "contains": {var: sorted(parser.contains[var]) for var in sorted(parser.contains)},
        "messages": [r.getMessage() for r in getattr(parser.log, "buffer", [])],
    }


def probe(kind, workdir):
    import logging

    sys.dont_write_bytecode = True
    if kind == "ours":
        sys.path.insert(0, OURS_DIR)
    else:
        sys.path.insert(0, oracle_shim())
    import bb
    import bb.codeparser
    import bb.data
    import bb.msg
    import bb.parse

    location = os.path.dirname(os.path.abspath(bb.__file__))
    if (location == os.path.join(OURS_DIR, "bb")) != (kind == "ours"):
        print("probe %s imported the wrong bb package: %s" % (kind, location), file=sys.stderr)
        sys.exit(2)

    recorder = Recorder(logging)
    logging.getLogger("BitBake").addHandler(recorder.handler)
    target = logging.getLogger("BitBake.Data")
    cache = bb.codeparser.codeparsercache

    def clear_cache():
        cache.pythoncache.clear()
        cache.pythoncacheextras.clear()

    outcomes = []

    def record(label, outcome):
        outcome["log"] = recorder.take()
        outcomes.append({"label": label, "outcome": outcome})

    def run_parse(label, code, options):
        bb.msg.init_msgconfig(False, options.get("debug", 1))
        if options.get("fresh", True):
            clear_cache()
        recorder.take()
        parser = bb.codeparser.PythonParser(options.get("name", "do_case"), target)
        kwargs = {}
        if "lineno" in options:
            kwargs["lineno"] = options["lineno"]
        if "filename" in options:
            kwargs["filename"] = options["filename"]
        outcome = {}
        try:
            parser.parse_python(code, **kwargs)
        except Exception as exc:
            outcome.update(error_of(exc))
        outcome["during"] = recorder.take()
        outcome.update(parser_state(parser))
        parser.log.flush()
        outcome["flushed"] = recorder.take()
        outcome["after_flush"] = parser_state(parser).get("buffered")
        record(label, outcome)
        return parser, outcome

    def run_deps(label, code, options):
        """rbake's python_deps() against the same dict from the reference parser."""
        bb.msg.init_msgconfig(False, options.get("debug", 1))
        clear_cache()
        args = (code, options.get("lineno", 0), options.get("filename", "<string>"))
        name = options.get("name", "do_case")
        try:
            if kind == "ours":
                found = bb.codeparser.python_deps(*args, name=name)
            else:
                parser = bb.codeparser.PythonParser(name, target)
                parser.parse_python(*args)
                found = reference_deps(parser)
            outcome = {"value": json.loads(json.dumps(found, default=repr))}
        except Exception as exc:
            outcome = error_of(exc)
        record("python_deps: " + label, outcome)

    for label, code, options in snippets():
        run_parse(label, code, options)
        if options.get("deps", True):
            run_deps(label, code, options)

    # -- the result cache: one parse, then the same text again
    bb.msg.init_msgconfig(False, 1)
    clear_cache()
    for label, code, options in [
        ("cache first", "bb.build.exec_func('do_cached', d)\nd.getVar(v)\nd.getVar('CACHED_REF')", {"fresh": False}),
        ("cache hit other name", "bb.build.exec_func('do_cached', d)\nd.getVar(v)\nd.getVar('CACHED_REF')",
         {"fresh": False, "name": "other", "lineno": 30, "filename": "elsewhere.bb"}),
        ("cache hit with expand of own name", "d.expand('${do_owner}')", {"fresh": False, "name": "do_first"}),
        ("cache hit with expand of own name again", "d.expand('${do_owner}')", {"fresh": False, "name": "do_owner"}),
        ("cache keeps nothing of a syntax error", "x = (", {"fresh": False}),
        ("cache keeps nothing of a syntax error again", "x = (", {"fresh": False, "lineno": 4}),
        ("cache and a failed intern", "bb.build.exec_func(7, d)", {"fresh": False}),
        ("cache and a failed intern again", "bb.build.exec_func(7, d)", {"fresh": False}),
        ("cache and blank code", "  ", {"fresh": False}),
    ]:
        run_parse(label, code, options)
    record("cache size", {"value": [len(cache.pythoncache), len(cache.pythoncacheextras)]})

    # -- library module functions
    clear_cache()
    bb.msg.init_msgconfig(False, 1)
    libdir = os.path.join(workdir, "lib")
    sys.path.insert(0, libdir)
    import importlib
    module = importlib.import_module("cptestlib.helpers")
    functions = {}
    for attr in dir(module):
        if attr.startswith("_"):
            continue
        value = getattr(module, attr)
        if callable(value):
            functions[attr] = value
    functions["len"] = len  # a builtin

    def module_deps_state():
        state = {}
        for key in sorted(bb.codeparser.modulecode_deps):
            refs, execs, var_execs, contains, extra, visitor = bb.codeparser.modulecode_deps[key]
            state[key] = [sorted_reprs(refs), sorted_reprs(execs), sorted_reprs(var_execs),
                          {k: sorted_reprs(v) for k, v in sorted(contains.items())}, repr(extra),
                          getattr(visitor, "__name__", repr(visitor))]
        return state

    def add_functions(label):
        recorder.take()
        try:
            bb.codeparser.add_module_functions(module.__file__, functions, "cptestlib.helpers")
            outcome = {"value": module_deps_state()}
        except Exception as exc:
            outcome = error_of(exc)
        record(label, outcome)

    bb.codeparser.modulecode_deps.clear()
    add_functions("add_module_functions")
    for label, code in MODULE_CALL_SNIPPETS:
        run_parse("module call: " + label, code, {"name": "do_module"})
        run_deps("module call: " + label, code, {"name": "do_module"})
    add_functions("add_module_functions again (cached)")
    bb.codeparser.update_module_dependencies(StubData({
        ("cptestlib.helpers.visible", "vardepsexclude"): "VISIBLE cptestlib.helpers.helper2",
        ("cptestlib.helpers.helper2", "vardepsexclude"): "do_thing FEATURES",
    }))
    record("update_module_dependencies", {"value": module_deps_state()})
    missing = {"gone": lambda d: d}
    try:
        bb.codeparser.add_module_functions(os.path.join(libdir, "missing.py"), missing, "cptestlib.gone")
        outcome = {"value": module_deps_state()}
    except Exception as exc:
        outcome = error_of(exc)
    record("add_module_functions of a missing file", outcome)
    bb.codeparser.modulecode_deps.clear()

    # -- a bare parse_python with fixedhash and no code
    clear_cache()
    parser = bb.codeparser.PythonParser("fixed", target)
    try:
        parser.parse_python(None, fixedhash="no-such-key")
        outcome = {"value": parser_state(parser)}
    except Exception as exc:
        outcome = error_of(exc)
    record("fixedhash miss", outcome)
    parser = bb.codeparser.PythonParser("fixed", target)
    parser.parse_python("d.getVar('FIXED_REF')\n", fixedhash="fixed-key", lineno=2)
    record("fixedhash parse", {"value": parser_state(parser)})
    parser = bb.codeparser.PythonParser("fixed", target)
    parser.parse_python(None, fixedhash="fixed-key")
    record("fixedhash hit", {"value": parser_state(parser)})

    # -- module-level helpers
    for text in ["x", "  x", "\n  x", "\n\nx", "\t\tx", " \n x", "\n \nx"]:
        try:
            outcome = {"value": bb.codeparser.check_indent(text)}
        except Exception as exc:
            outcome = error_of(exc)
        record("check_indent(%r)" % text, outcome)
    record("bbhash", {"value": bb.codeparser.bbhash("some text \u00e9")})
    record("class constants", {"value": [list(bb.codeparser.PythonParser.getvars),
                                         list(bb.codeparser.PythonParser.getvarflags),
                                         list(bb.codeparser.PythonParser.containsfuncs),
                                         list(bb.codeparser.PythonParser.containsanyfuncs),
                                         list(bb.codeparser.PythonParser.execfuncs)]})
    fresh = bb.codeparser.PythonParser("do_fresh", target)
    record("fresh parser", {"value": parser_state(fresh), "message": fresh.unhandled_message})

    json.dump(outcomes, sys.stdout)


# ---------------------------------------------------------------------------
# The driver.
# ---------------------------------------------------------------------------

def make_library(workdir):
    package = os.path.join(workdir, "lib", "cptestlib")
    os.makedirs(package)
    with open(os.path.join(package, "__init__.py"), "w") as f:
        f.write("")
    with open(os.path.join(package, "helpers.py"), "w") as f:
        f.write(MODULE_HELPERS)
    with open(os.path.join(package, "other.py"), "w") as f:
        f.write(MODULE_OTHER)


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
    return path


def run_probe(python, kind, workdir):
    return run_self_probe(__file__, python, kind, workdir)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--probe":
        probe(sys.argv[2], sys.argv[3])
        return 0

    python = oracle_python()
    oracle_shim()
    workdir = tempfile.mkdtemp(prefix="rbake-codeparser-")
    try:
        make_library(workdir)
        ours = run_probe(python, "ours", workdir)
        reference = run_probe(python, "reference", workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    failures = []
    if len(ours) != len(reference):
        failures.append("the probes ran %d and %d cases" % (len(ours), len(reference)))
    for mine, theirs in zip(ours, reference):
        if mine != theirs:
            failures.append("%s\n    rbake:     %s\n    reference: %s"
                            % (theirs["label"], json.dumps(mine["outcome"]), json.dumps(theirs["outcome"])))
    if failures:
        for failure in failures:
            print("DIFF " + failure)
        print("FAILED: %d of %d codeparser checks differ" % (len(failures), len(reference)))
        return 1
    print("OK: %d codeparser checks agree with BitBake (%d snippets)" % (len(reference), len(snippets())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
