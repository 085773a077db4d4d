"""Module-level datastore helpers (rbake's own implementation of BitBake's bb.data API).

These are written against the datastore interface that ``_rbake.DataSmart``
provides (getVar, getVarFlag, expand, keys, createCopy, renameVar ...).
``build_dependencies`` and ``generate_dependencies`` are not here yet.
"""

import re
import sys
from itertools import groupby

import bb
from bb import data_smart

logger = data_smart.logger
_dict_type = data_smart.DataSmart


def init():
    """A new, empty datastore."""
    return _dict_type()


def init_db(parent=None):
    """A new datastore: a copy of ``parent`` if given, else an empty one."""
    if parent is not None:
        return parent.createCopy()
    return _dict_type()


def createCopy(source):
    """A copy-on-write copy of ``source``: changes to either do not affect the other."""
    return source.createCopy()


def initVar(var, d):
    """Make sure ``var`` exists in ``d``, without changing its value."""
    d.initVar(var)


def keys(d):
    """The variable names of ``d``."""
    return d.keys()


def expand(s, d, varname=None):
    """``s`` with the variable references and inline Python expanded by ``d``."""
    return d.expand(s, varname)


def expandKeys(alterdata, readdata=None):
    """Rename the variables whose names contain "${...}" to their expanded names.

    Names are expanded with ``readdata`` (default: ``alterdata``). A renamed
    variable replaces any variable already having the expanded name, with
    a warning when both had a value.
    """
    if readdata is None:
        readdata = alterdata

    renames = {}
    for key in alterdata:
        if '${' not in key:
            continue
        expanded = expand(key, readdata)
        if expanded != key:
            renames[key] = expanded

    # All expansions happen before any rename, as BitBake does.
    for key in sorted(renames):
        target = renames[key]
        existing = alterdata.getVar(target, False)
        if existing is not None:
            value = alterdata.getVar(key, False)
            if value is not None:
                bb.warn("Variable key %s (%s) replaces original key %s (%s)." % (key, value, target, existing))
        alterdata.renameVar(key, target)


def inheritFromOS(d, savedenv, permitted):
    """Copy the ``permitted`` variables of the saved environment into ``d``.

    Those BitBake exports by default are also flagged for export.
    """
    exported = bb.utils.preserved_envvars_exported()
    for name in savedenv.keys():
        if name not in permitted:
            continue
        try:
            d.setVar(name, savedenv.getVar(name), op='from env')
            if name in exported:
                d.setVarFlag(name, "export", True, op='auto env export')
        except TypeError:
            pass


def _shell_quote_value(value):
    """``value`` made safe inside double quotes, one line per line."""
    value = value.replace('"', '\\"')
    value = value.replace('`', '\\`')
    value = value.replace('\n', ' \\\n')
    return value.replace('$', '\\$')


def _emit_history(var, oval, val, o, d):
    history = getattr(d, "varhistory", None)
    if history is not None:
        history.emit(var, oval, val, o, d)
        return
    # A datastore without history tracking: say so, as BitBake does for a
    # variable without recorded history.
    o.write("#\n# $%s\n#   [no history recorded]\n#\n" % var)
    o.write('#   "%s"\n' % re.sub('\n', '\n#', str(oval)))


def emit_var(var, o=sys.__stdout__, d=None, all=False):
    """Write ``var`` to ``o`` as shell: an assignment, a function or an "unset".

    Only exported, unexported and shell function variables are written,
    unless ``all``, which also writes the variable's history as comments.
    Returns True for a written shell function (1 for ordinary ones) and
    False otherwise.
    """
    if d is None:
        d = init()
    func = d.getVarFlag(var, "func", False)
    if d.getVarFlag(var, 'python', False) and func:
        return False

    export = bb.utils.to_boolean(d.getVarFlag(var, "export"))
    unexport = bb.utils.to_boolean(d.getVarFlag(var, "unexport"))
    if not all and not export and not unexport and not func:
        return False

    try:
        if all:
            oval = d.getVar(var, False)
        val = d.getVar(var)
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        o.write('# expansion of %s threw %s: %s\n' % (var, exc.__class__.__name__, str(exc)))
        return False

    if all:
        _emit_history(var, oval, val, o, d)

    # Names the shell cannot take are skipped (but still documented with all).
    if not all and any(c in var for c in "-.{}+"):
        return False

    name = d.expand(var)

    if unexport:
        o.write('unset %s\n' % name)
        return False

    if val is None:
        return False

    val = str(val)

    if name.startswith("BASH_FUNC_"):
        # An exported bash function, "BASH_FUNC_name%%" = "() { body }".
        name = name[10:-2]
        val = val[3:]
        o.write("%s() %s\n" % (name, val))
        o.write("export -f %s\n" % name)
        return True

    if func:
        # build.py reads this comment back to locate shell functions.
        o.write("# line: {0}, file: {1}\n".format(
            d.getVarFlag(var, "lineno", False),
            d.getVarFlag(var, "filename", False)))
        o.write("%s() {\n%s\n}\n" % (name, val.rstrip('\n')))
        return 1

    if export:
        o.write('export ')
    o.write('%s="%s"\n' % (name, _shell_quote_value(val)))
    return False


def emit_env(o=sys.__stdout__, d=None, all=False):
    """Write every variable of ``d`` as shell: ordinary variables first, then functions."""
    if d is None:
        d = init()

    def is_function(key):
        return bool(d.getVarFlag(key, "func", False))

    names = sorted((key for key in d.keys() if not key.startswith("__")), key=is_function)
    for functions, group in groupby(names, is_function):
        for key in sorted(group):
            emit_var(key, o, d, all and not functions) and o.write('\n')


def exported_keys(d):
    """The names of the variables of ``d`` that are exported (and not unexported)."""
    return (key for key in d.keys()
            if not key.startswith('__')
            and bb.utils.to_boolean(d.getVarFlag(key, 'export'))
            and not bb.utils.to_boolean(d.getVarFlag(key, 'unexport')))


def exported_vars(d):
    """``(name, expanded value)`` for each exported variable that has a value.

    A variable whose expansion fails is left out, with a warning.
    """
    result = []
    for key in list(exported_keys(d)):
        try:
            value = d.getVar(key)
        except Exception as err:
            bb.warn("%s: Unable to export ${%s}: %s" % (d.getVar("FILE"), key, err))
            continue
        if value is not None:
            result.append((key, str(value)))
    return result


def _shell_dependencies(name, d):
    """The commands the shell function ``name`` runs, plus its ``vardeps``.

    The commands come from bb.codeparser.ShellParser, as in BitBake; where
    that cannot parse shell code, from bb._shell_commands.
    """
    import bb.codeparser
    text = d.getVar(name) or ""
    try:
        found = bb.codeparser.ShellParser(name, logger).parse_shell(text)
    except NotImplementedError:
        from bb._shell_commands import shell_commands
        found = shell_commands(text)
    return found | set((d.getVarFlag(name, "vardeps") or "").split())


def emit_func(func, o=sys.__stdout__, d=None):
    """Write a shell script defining ``func``: the plain variables, then it and the shell functions it needs."""
    if d is None:
        d = init()

    for key in sorted(key for key in d.keys()
                      if not key.startswith("__") and not d.getVarFlag(key, "func", False)):
        emit_var(key, o, d, False)

    o.write('\n')
    emit_var(func, o, d, False) and o.write('\n')
    pending = _shell_dependencies(func, d)
    seen = set()
    while pending:
        current = pending
        seen |= current
        pending = set()
        for dep in sorted(current):
            if d.getVarFlag(dep, "func", False) and not d.getVarFlag(dep, "python", False):
                emit_var(dep, o, d, False) and o.write('\n')
                pending |= _shell_dependencies(dep, d)
        pending -= seen


def emit_func_python(func, o=sys.__stdout__, d=None):
    """Write a Python script defining ``func``, the Python functions it calls, and a call to it."""
    import bb.codeparser

    if d is None:
        d = init()

    def write_function(name, call=False):
        body = d.getVar(name, False)
        if not body.startswith("def"):
            body = "\ndef {0}(d):\n{1}".format(name, body)
        o.write(body.strip() + "\n\n")
        if call:
            o.write(name + "(d)" + "\n\n")

    def dependencies(name):
        parser = bb.codeparser.PythonParser(name, logger)
        parser.parse_python(d.getVar(name, False))
        return parser.execs | set((d.getVarFlag(name, "vardeps") or "").split())

    write_function(func, True)
    pending = dependencies(func)
    seen = set()
    while pending:
        current = pending
        seen |= current
        pending = set()
        for dep in current:
            if d.getVarFlag(dep, "func", False) and d.getVarFlag(dep, "python", False):
                write_function(dep)
                pending |= dependencies(dep)
        pending -= seen


def inherits_class(klass, d):
    """Whether the recipe or configuration ``d`` has inherited the class ``klass``."""
    suffix = '/%s.bbclass' % klass
    return any(path.endswith(suffix) for path in d.getVar('__inherit_cache', False) or [])
