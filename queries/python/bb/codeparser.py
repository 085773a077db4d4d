"""Dependency discovery in metadata code (rbake's own implementation of BitBake's bb.codeparser API).

PythonParser reads Python code (a function body or an inline ``${@...}``
expression) with Python's own ``ast`` module and records, for task
signatures:

``references``
    variables read through a literal name: ``d.getVar("X")``,
    ``d.appendVar``/``prependVar``, ``oe.utils.conditional("X", ...)``, and
    flags as ``"X[flag]"`` from ``d.getVarFlag("X", "flag")`` and friends;
    also the ``${X}`` references of literal ``d.expand("...")`` arguments;
``execs``
    the dotted names of the functions called (``os.path.join``,
    ``oe.utils.foo``), plus the functions named by
    ``bb.build.exec_func("name", d)`` / ``exec_task`` (also kept apart in
    ``var_execs``);
``contains``
    variable -> items tested by ``bb.utils.contains("X", "a b", ...)``
    (the whole string), ``bb.utils.contains_any`` and ``bb.utils.filter``
    (each word).

Calls whose variable name is not a string literal cannot be tracked; the
parser notes each one as a debug message in ``parser.log``, a buffer that
the caller flushes into the logger it passed (BitBake flushes it when the
variable has no ``vardeps`` flag).  Code that does not compile raises
SyntaxError, with line numbers counted from ``lineno``.

Results are kept in a process-wide cache keyed by the code's text, as
BitBake's are (a hit gives the same sets, but no messages and an empty
``var_execs``); rbake writes no cache file.

add_module_functions records the same information for the functions of
the Python library modules that ``addpylib`` imports (BBIMPORTS), in
``modulecode_deps``; functions that carry a ``visitorcode`` attribute
decide for themselves what their calls contribute.

Shell code is not parsed here: ShellParser.parse_shell raises
NotImplementedError.
"""

import ast
import hashlib
import inspect
import logging
import os
import sys

logger = logging.getLogger('BitBake.CodeParser')


def bbhash(s):
    """The SHA-256 hex digest of the text ``s``."""
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def check_indent(codestr):
    """Make indented code compilable by nesting it under ``if 1:``.

    Only code whose first non-blank character is preceded by a space or a
    tab is changed; a leading newline is dropped in exchange for the added
    line, so that line numbers stay right.
    """
    first = 0
    while codestr[first] in ("\n", "\t", " "):
        first += 1
    if first == 0 or codestr[first - 1] not in ("\t", " "):
        return codestr
    if codestr.startswith("\n"):
        codestr = codestr[1:]
    return "if 1:\n" + codestr


# ---------------------------------------------------------------------------
# Library module functions (addpylib / BBIMPORTS)
# ---------------------------------------------------------------------------

# "namespace.function" -> [references, execs, var_execs, contains, extra, visitorcode]
# extra is the hash of the function's source (padded to its line), which
# goes into the configuration hash; visitorcode is the function's
# ``visitorcode`` attribute or None.
modulecode_deps = {}


def add_module_functions(fn, functions, namespace):
    """Record in modulecode_deps what each function of ``functions`` (name -> callable),
    from module file ``fn``, reads and calls.

    Callables defined in another file (imported names) and builtins are
    left out.  Calls of functions of the same module are recorded under
    their qualified name ``namespace.function``.
    """
    st = os.stat(fn)
    filekey = "%s:%s:%s" % (fn, st.st_size, st.st_mtime)
    for fname in functions:
        func = functions[fname]
        name = namespace + "." + fname
        parser = PythonParser(name, logger)
        try:
            # Known already if this file has not changed.
            parser.parse_python(None, filename=fn, lineno=1, fixedhash=filekey + fname, func=func)
        except KeyError:
            try:
                source_file = inspect.getsourcefile(func)
            except TypeError:
                continue
            if source_file != fn:
                continue
            try:
                lines, first_line = inspect.getsourcelines(func)
            except TypeError:
                continue
            parser.parse_python("".join(lines), filename=fn, lineno=first_line,
                                fixedhash=filekey + fname, func=func)
        execs = set(parser.execs)
        for called in parser.execs:
            if called in functions:
                execs.discard(called)
                execs.add(namespace + "." + called)
        visitor = None
        if hasattr(func, "visitorcode"):
            visitor = getattr(func, "visitorcode")
        modulecode_deps[name] = [set(parser.references), execs, set(parser.var_execs),
                                 dict(parser.contains), parser.extra, visitor]


def update_module_dependencies(d):
    """Take the ``vardepsexclude`` flags that the metadata sets on module functions
    (``d.setVarFlag("oe.utils.foo", "vardepsexclude", ...)``) out of their records."""
    for name in modulecode_deps:
        excludes = set((d.getVarFlag(name, "vardepsexclude") or "").split())
        if not excludes:
            continue
        refs, execs, var_execs, contains, extra, visitor = modulecode_deps[name]
        modulecode_deps[name] = [refs - excludes, execs - excludes, var_execs - excludes,
                                 contains, extra, visitor]


# ---------------------------------------------------------------------------
# The result cache (in memory only)
# ---------------------------------------------------------------------------

def _interned(items):
    return frozenset(sys.intern(item) for item in items)


class pythonCacheLine(object):
    """The stored result of one parse: frozensets of interned strings."""

    def __init__(self, refs, execs, contains, extra):
        self.refs = _interned(refs)
        self.execs = _interned(execs)
        self.contains = {}
        for var in contains:
            self.contains[var] = _interned(contains[var])
        self.extra = extra

    def __repr__(self):
        return "%s %s %s" % (self.refs, self.execs, self.contains)


class CodeParserCache(object):
    """Parse results by code hash.  BitBake loads and saves them in a file
    (bb_codeparser.dat); rbake only keeps them for the life of the process."""

    def __init__(self):
        self.pythoncache = {}
        self.shellcache = {}
        self.pythoncacheextras = {}
        self.shellcacheextras = {}

    def newPythonCacheLine(self, refs, execs, contains, extra):
        return pythonCacheLine(refs, execs, contains, extra)

    def init_cache(self, cachedir):
        return

    def clear(self):
        for table in (self.pythoncache, self.shellcache, self.pythoncacheextras, self.shellcacheextras):
            table.clear()


codeparsercache = CodeParserCache()


def parser_cache_init(cachedir):
    codeparsercache.init_cache(cachedir)


def parser_cache_save():
    return


def parser_cache_savemerge():
    return


# ---------------------------------------------------------------------------
# Message buffering
# ---------------------------------------------------------------------------

Logger = logging.getLoggerClass()


class BufferedLogger(Logger):
    """A logger that keeps its records until flush() hands them to ``target``
    (those that ``target`` is enabled for)."""

    def __init__(self, name, level=0, target=None):
        Logger.__init__(self, name)
        self.setLevel(level)
        self.buffer = []
        self.target = target

    def handle(self, record):
        self.buffer.append(record)

    def flush(self):
        records, self.buffer = self.buffer, []
        for record in records:
            if self.target.isEnabledFor(record.levelno):
                self.target.handle(record)


class DummyLogger():
    """The parser's log before a parse that had to look at the code: nothing to flush."""

    def flush(self):
        return


# ---------------------------------------------------------------------------
# Python code
# ---------------------------------------------------------------------------

def _expand_literal(text, varname):
    """BitBake's ``bb.data.init().expandWithRefs(text, varname)``: what expanding
    a literal in an empty datastore refers to, as (references, execs, contains).

    ``${NAME}`` references stay unexpanded (and are recorded); inline Python
    without such references is parsed and run, as expansion runs it; the
    errors of expansion are raised as expansion raises them.
    """
    import bb
    import bb.data
    import bb.data_smart
    import bb.parse
    import bb.utils

    data_smart = bb.data_smart
    references = set()
    execs = set()
    contains = {}
    if not isinstance(text, str) or "${" not in text:
        return references, execs, contains
    d = bb.data.init()

    def var_sub(match):
        key = match.group()[2:-1]
        if varname and key and key == varname:
            raise Exception("variable %s references itself!" % varname)
        value = d.getVarFlag(key, "_content")
        references.add(key)
        return match.group() if value is None else value

    def python_sub(match):
        code = match.group()[3:-1]
        if data_smart.__expand_var_regexp__.findall(code):
            return "${@" + code + "}"
        compiled = compile(code.strip(), 'Var <%s>' % varname if varname else '<expansion>', "eval")
        inner = PythonParser(varname, data_smart.logger)
        inner.parse_python(code)
        if not varname or d.getVarFlag(varname, "vardeps") is None:
            inner.log.flush()
        references.update(inner.references)
        execs.update(inner.execs)
        for var, items in inner.contains.items():
            contains.setdefault(var, set()).update(items)
        return str(bb.utils.better_eval(compiled, data_smart.DataContext(d), {'d': d}))

    s = text
    while "${" in s:
        before = s
        try:
            s = data_smart.__expand_var_regexp__.sub(var_sub, s)
            try:
                s = data_smart.__expand_python_regexp__.sub(python_sub, s)
            except SyntaxError as err:
                # the expression pattern cut a string short: left as it is
                if err.msg != "EOL while scanning string literal" and \
                        not err.msg.startswith("unterminated string literal"):
                    raise
            if s == before:
                break
        except data_smart.ExpansionError as err:
            err.addVar(varname)
            raise
        except (bb.parse.SkipRecipe, bb.BBHandledException):
            raise
        except Exception as err:
            raise data_smart.ExpansionError(varname, s, err).with_traceback(sys.exc_info()[2]) from err
    return references, execs, contains


def _is_str_constant(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


class PythonParser():
    """Finds what a piece of Python code reads and calls; see the module documentation."""

    # Call names (by suffix) whose first argument names a variable ...
    getvars = (".getVar", ".appendVar", ".prependVar", "oe.utils.conditional")
    # ... and whose second argument names a flag of it.
    getvarflags = (".getVarFlag", ".appendVarFlag", ".prependVarFlag")
    # Calls that test a variable for a value (exact names).
    containsfuncs = ("bb.utils.contains", "base_contains")
    # Calls that test a variable for any of several words (exact names).
    containsanyfuncs = ("bb.utils.contains_any", "bb.utils.filter")
    # Calls that run a metadata function named by their first argument.
    execfuncs = ("bb.build.exec_func", "bb.build.exec_task")

    def __init__(self, name, log):
        self.name = name
        self.var_execs = set()
        self.contains = {}
        self.execs = set()
        self.references = set()
        self._log = log
        # replaced by a BufferedLogger when the code has to be parsed
        self.log = DummyLogger()
        self.unhandled_message = ("while parsing %s, %s"
                                  % (name, "in call of %s, argument '%s' is not a string literal"))

    def warn(self, func, arg):
        """Note a call whose variable (or flag, or function) name ``arg`` is not a literal."""
        try:
            called = ast.unparse(func)
            argument = ast.unparse(arg)
        except TypeError:
            self.log.debug2('Failed to convert function and argument to source form')
            return
        self.log.debug(self.unhandled_message % (called, argument))

    def called_node_name(self, node):
        """The dotted name ("a.b.c") that a call is made through, or None if the
        callee is not a plain dotted name (``f()()``, ``x[0].y()``, ...)."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(node.id)
        return ".".join(reversed(parts))

    def _contains_set(self, var):
        if var not in self.contains:
            self.contains[var] = set()
        return self.contains[var]

    def visit_Call(self, node):
        name = self.called_node_name(node.func)
        if not name:
            return
        args = node.args

        module_deps = modulecode_deps.get(name)
        if module_deps and module_deps[5]:
            found_contains, found_execs, untracked = module_deps[5](name, args)
            for var in found_contains:
                self.contains[var] = found_contains[var]
            self.execs |= found_execs
            if untracked:
                self.warn(node.func, untracked)
            return

        reads_var = name.endswith(self.getvars)
        reads_flag = name.endswith(self.getvarflags)
        tests_value = name in self.containsfuncs
        tests_any = name in self.containsanyfuncs
        if reads_var or reads_flag or tests_value or tests_any:
            if not _is_str_constant(args[0]):
                self.warn(node.func, args[0])
                return
            var = args[0].value
            if tests_value and isinstance(args[1], ast.Constant):
                self._contains_set(var).add(args[1].value)
            elif tests_any and isinstance(args[1], ast.Constant):
                self._contains_set(var).update(args[1].value.split())
            elif reads_flag:
                if isinstance(args[1], ast.Constant):
                    self.references.add('%s[%s]' % (var, args[1].value))
                else:
                    self.warn(node.func, args[1])
            else:
                # getVar and friends, and contains tests of a computed value
                self.references.add(var)
            return

        if name.endswith(".expand"):
            if isinstance(args[0], ast.Constant):
                references, execs, contains = _expand_literal(args[0].value, self.name)
                self.references |= references
                self.execs |= execs
                for var in contains:
                    self._contains_set(var).update(contains[var])
            return

        if name in self.execfuncs:
            if isinstance(args[0], ast.Constant):
                self.var_execs.add(args[0].value)
            else:
                self.warn(node.func, args[0])
            return

        self.execs.add(name)

    def _from_cache(self, line):
        self.references = set(line.refs)
        self.execs = set(line.execs)
        self.contains = {}
        for var in line.contains:
            self.contains[var] = set(line.contains[var])
        self.extra = line.extra

    def parse_python(self, node, lineno=0, filename="<string>", fixedhash=None, func=None):
        """Parse ``node`` (code text) and record what it reads and calls.

        ``lineno`` and ``filename`` place the code for error messages.
        Blank code is ignored.  ``fixedhash`` and ``func`` are for
        add_module_functions: a cache key standing for the code (``node`` may
        then be None, and a cache miss raises KeyError) and the function
        whose ``bb_vardeps`` / ``bb_vardepsexclude`` attributes adjust the
        references.
        """
        if not fixedhash and (not node or not node.strip()):
            return

        key = fixedhash if fixedhash else bbhash(str(node))
        for table in (codeparsercache.pythoncache, codeparsercache.pythoncacheextras):
            if key in table:
                self._from_cache(table[key])
                return
        if fixedhash and not node:
            raise KeyError

        self.log = BufferedLogger('BitBake.Data.PythonParser', logging.DEBUG, self._log)

        # Blank lines in front make compile() count lines from lineno.
        node = "\n" * int(lineno) + node
        tree = compile(check_indent(str(node)), filename, "exec", ast.PyCF_ONLY_AST)
        for child in ast.walk(tree):
            if child.__class__.__name__ == "Call":
                self.visit_Call(child)

        if func is not None:
            self.references |= getattr(func, "bb_vardeps", set())
            self.references -= getattr(func, "bb_vardepsexclude", set())

        self.execs.update(self.var_execs)
        self.extra = bbhash(str(node)) if fixedhash else None

        codeparsercache.pythoncacheextras[key] = codeparsercache.newPythonCacheLine(
            self.references, self.execs, self.contains, self.extra)


def python_deps(code, lineno=0, filename="<string>", name=None, flush=False):
    """What the Python ``code`` reads and calls, for callers outside Python (rbake's Rust side).

    Returns a dict of sorted lists: "references", "execs" (including the
    functions run through bb.build.exec_func), "var_execs" (those alone; empty
    when the result came from the cache) and "contains" (variable -> sorted
    items), plus "messages": the debug messages about untracked calls
    (none when the result came from the cache).  ``name`` is the variable
    the code belongs to (used in messages, and a literal ``d.expand()`` of
    ``${name}`` is an error, as in BitBake); with ``flush`` the messages also
    go to the "BitBake.Data" logger.  Exceptions (SyntaxError,
    bb.data_smart.ExpansionError, ...) propagate.
    """
    import bb._runtime
    # Calls of library functions are parsed with what those read.
    bb._runtime.record_module_functions()
    target = logging.getLogger("BitBake.Data")
    parser = PythonParser(name, target)
    parser.parse_python(code, lineno=lineno, filename=filename)
    messages = []
    for record in getattr(parser.log, "buffer", []):
        try:
            messages.append(record.getMessage())
        except Exception:
            messages.append(str(record.msg))
    if flush:
        parser.log.flush()
    return {
        "references": sorted(parser.references),
        "execs": sorted(parser.execs),
        "var_execs": sorted(parser.var_execs),
        "contains": {var: sorted(parser.contains[var]) for var in sorted(parser.contains)},
        "messages": messages,
    }


# ---------------------------------------------------------------------------
# Shell code
# ---------------------------------------------------------------------------

class ShellSyntaxError(Exception):
    """Shell code that rbake's parser cannot read."""


class ShellParser():
    """Finds the commands a shell function runs, with rbake's parser (on its
    Rust side, reached through ``_rbake``; without it, in plain Python tests,
    a scanner that knows the common cases)."""

    def __init__(self, name, log):
        self.funcdefs = set()
        self.allexecs = set()
        self.execs = set()
        self._name = name
        self._log = log
        self.log = DummyLogger()
        self.unhandled_template = "while parsing %s, unable to handle non-literal command '%%s'" % name

    def parse_shell(self, value):
        """The commands ``value`` runs, less the functions it defines."""
        try:
            import _rbake
        except ImportError:
            _rbake = None
        if _rbake is not None:
            try:
                self.execs = set(_rbake.shell_execs(value))
            except ValueError as exc:
                raise ShellSyntaxError("%s: %s" % (self._name, exc))
        else:
            from bb._shell_commands import shell_commands
            self.execs = shell_commands(value)
        self.allexecs = set(self.execs)
        return self.execs
