"""Dependency discovery in metadata code (rbake's own implementation of BitBake's bb.codeparser API).

PythonParser finds, in Python code, the variables read (``d.getVar("X")``
and friends), the values tested (``bb.utils.contains("X", "v", ...)``) and
the functions called.  add_module_functions records that information for
the functions of the modules listed in BBIMPORTS.  Shell parsing is not
implemented yet.  rbake keeps no on-disk parser cache.
"""

import ast
import hashlib
import inspect
import logging

logger = logging.getLogger('BitBake.CodeParser')

# "module.function" -> [references, execs, var_execs, contains, extra, visitorcode]
modulecode_deps = {}


def bbhash(s):
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def check_indent(codestr):
    """Make indented code compilable by putting it under ``if 1:``."""
    i = 0
    while codestr[i] in ("\n", "\t", " "):
        i += 1
    if i == 0:
        return codestr
    if codestr[i - 1] in ("\t", " "):
        if codestr[0] == "\n":
            # the added line replaces one blank line, keeping line numbers
            codestr = codestr[1:]
        return "if 1:\n" + codestr
    return codestr


def add_module_functions(fn, functions, namespace):
    """Record the dependencies of ``functions`` (name -> function) defined in file ``fn``."""
    for fname, func in functions.items():
        name = "%s.%s" % (namespace, fname)
        try:
            source_file = inspect.getsourcefile(func)
        except TypeError:
            continue
        if source_file != fn:
            # defined elsewhere, only imported here
            continue
        try:
            lines, lineno = inspect.getsourcelines(func)
        except (TypeError, OSError):
            continue
        parser = PythonParser(name, logger)
        parser.parse_python("".join(lines), filename=fn, lineno=lineno, fixedhash=name, func=func)
        execs = set()
        for called in parser.execs:
            execs.add(namespace + "." + called if called in functions else called)
        modulecode_deps[name] = [parser.references.copy(), execs, parser.var_execs.copy(),
                                 parser.contains.copy(), parser.extra,
                                 getattr(func, "visitorcode", None)]


def update_module_dependencies(d):
    """Apply the vardepsexclude flags set in the metadata to the recorded module functions."""
    for name, deps in modulecode_deps.items():
        excludes = set((d.getVarFlag(name, "vardepsexclude") or "").split())
        if excludes:
            modulecode_deps[name] = [deps[0] - excludes, deps[1] - excludes, deps[2] - excludes,
                                     deps[3], deps[4], deps[5]]


def parser_cache_init(cachedir):
    return


def parser_cache_save():
    return


def parser_cache_savemerge():
    return


def _dotted_name(node):
    """"a.b.c" for a call target written as a dotted name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _string_arg(node, index):
    if len(node.args) > index:
        arg = node.args[index]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return None


class PythonParser():
    getvars = (".getVar", ".appendVar", ".prependVar", "oe.utils.conditional")
    getvarflags = (".getVarFlag", ".appendVarFlag", ".prependVarFlag")
    containsfuncs = ("bb.utils.contains", "base_contains")
    containsanyfuncs = ("bb.utils.contains_any", "bb.utils.filter")
    execfuncs = ("bb.build.exec_func", "bb.build.exec_task")

    def __init__(self, name, log):
        self.name = name
        self.var_execs = set()
        self.contains = {}
        self.execs = set()
        self.references = set()
        self.extra = None
        self.log = log

    def _untracked(self, node, arg):
        try:
            logger.debug("while parsing %s, in call of %s, argument '%s' is not a string literal",
                         self.name, ast.unparse(node.func), ast.unparse(arg))
        except Exception:
            pass

    def _add_contains(self, var, values):
        self.contains.setdefault(var, set()).update(values)

    def visit_Call(self, node):
        name = _dotted_name(node.func)
        if not name:
            return
        visitor = modulecode_deps.get(name, [None] * 6)[5]
        if visitor:
            contains, execs, warn = visitor(name, node.args)
            self.contains.update(contains)
            self.execs |= execs
            if warn:
                self._untracked(node, warn)
            return

        is_getvar = name.endswith(self.getvars)
        is_getflag = name.endswith(self.getvarflags)
        if is_getvar or is_getflag or name in self.containsfuncs or name in self.containsanyfuncs:
            var = _string_arg(node, 0)
            if var is None:
                if node.args:
                    self._untracked(node, node.args[0])
                return
            second = node.args[1] if len(node.args) > 1 else None
            second_const = isinstance(second, ast.Constant)
            if name in self.containsfuncs and second_const:
                self._add_contains(var, [second.value])
            elif name in self.containsanyfuncs and second_const:
                self._add_contains(var, second.value.split())
            elif is_getflag:
                if second_const:
                    self.references.add('%s[%s]' % (var, second.value))
                elif second is not None:
                    self._untracked(node, second)
            else:
                self.references.add(var)
        elif name.endswith(".expand"):
            text = _string_arg(node, 0)
            if text is not None:
                self._add_expansion_refs(text)
        elif name in self.execfuncs:
            func = _string_arg(node, 0)
            if func is not None:
                self.var_execs.add(func)
            elif node.args:
                self._untracked(node, node.args[0])
        else:
            self.execs.add(name)

    def _add_expansion_refs(self, text):
        try:
            import bb.data
            refs = bb.data.init().expandWithRefs(text, self.name)
        except Exception:
            return
        self.references |= refs.references
        self.execs |= refs.execs
        for var, values in refs.contains.items():
            self._add_contains(var, values)

    def parse_python(self, node, lineno=0, filename="<string>", fixedhash=None, func=None):
        if not node or not node.strip():
            return
        # pad with blank lines so that line numbers in errors are right
        code = "\n" * int(lineno) + node
        tree = compile(check_indent(str(code)), filename, "exec", ast.PyCF_ONLY_AST)
        for n in ast.walk(tree):
            if isinstance(n, ast.Call):
                self.visit_Call(n)
        if func is not None:
            self.references |= getattr(func, "bb_vardeps", set())
            self.references -= getattr(func, "bb_vardepsexclude", set())
        self.execs.update(self.var_execs)
        self.extra = bbhash(str(code)) if fixedhash else None


class ShellParser():
    """Finds the commands a shell function runs; not implemented in rbake yet."""

    def __init__(self, name, log):
        self.funcdefs = set()
        self.allexecs = set()
        self.execs = set()
        self._name = name
        self._log = log

    def parse_shell(self, value):
        raise NotImplementedError("rbake: shell code dependency parsing (%s) is not supported yet" % self._name)
