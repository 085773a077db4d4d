"""The datastore class and its expansion error (rbake's own implementation of BitBake's bb.data_smart API).

``DataSmart`` is rbake's native datastore from ``_rbake``. When ``_rbake``
cannot be imported (the package run by a plain Python, in tests) a small
pure-Python stand-in is used instead; it is no substitute for the real one.
"""

import builtins
import logging
import re

import bb

logger = logging.getLogger("BitBake.Data")

# Operations that a variable name suffix applies instead of a plain set.
__setvar_keyword__ = [":append", ":prepend", ":remove"]
__setvar_regexp__ = re.compile(r'(?P<base>.*?)(?P<keyword>:append|:prepend|:remove)(:(?P<add>[^A-Z]*))?$')
# "${NAME}" references and "${@python}" inline code, as BitBake matches them.
__expand_var_regexp__ = re.compile(r"\${[a-zA-Z0-9\-_+./~:]+}")
__expand_python_regexp__ = re.compile(r"\${@(?:{.*?}|.)+?}")
__whitespace_split__ = re.compile(r'(\s)')
__override_regexp__ = re.compile(r'[a-z0-9]+')

# Variables that BitBake renamed; setting an old name is an error that
# names the new one (or says that support was removed).
bitbake_renamed_vars = {
    "BB_ENV_WHITELIST": "BB_ENV_PASSTHROUGH",
    "BB_ENV_EXTRAWHITE": "BB_ENV_PASSTHROUGH_ADDITIONS",
    "BB_HASHBASE_WHITELIST": "BB_BASEHASH_IGNORE_VARS",
    "BB_HASHCONFIG_WHITELIST": "BB_HASHCONFIG_IGNORE_VARS",
    "BB_HASHTASK_WHITELIST": "BB_TASKHASH_IGNORE_TASKS",
    "BB_SETSCENE_ENFORCE_WHITELIST": "BB_SETSCENE_ENFORCE_IGNORE_TASKS",
    "MULTI_PROVIDER_WHITELIST": "BB_MULTI_PROVIDER_ALLOWED",
    "BB_STAMP_WHITELIST": "is a deprecated variable and support has been removed",
    "BB_STAMP_POLICY": "is a deprecated variable and support has been removed",
}


class ExpansionError(Exception):
    """A failure while expanding a variable or an expression.

    ``varlist`` is the chain of variables being expanded, innermost first;
    each enclosing expansion adds its variable with ``addVar()``.
    """

    def __init__(self, varname, expression, exception):
        self.expression = expression
        self.variablename = varname
        self.exception = exception
        self.varlist = [varname or expression or ""]
        kind = type(exception).__name__
        if not varname:
            self.msg = ("Failure expanding expression %s which triggered exception %s: %s"
                        % (expression, kind, exception))
        elif expression:
            self.msg = ("Failure expanding variable %s, expression was %s which triggered exception %s: %s"
                        % (varname, expression, kind, exception))
        else:
            self.msg = "Failure expanding variable %s: %s: %s" % (varname, kind, exception)
        Exception.__init__(self, self.msg)
        self.args = (varname, expression, exception)

    def addVar(self, varname):
        if varname:
            self.varlist.append(varname)

    def __str__(self):
        return (self.msg + "\nThe variable dependency chain for the failure is: "
                + " -> ".join(self.varlist))


class VariableParse(object):
    """What ``d.expandWithRefs()`` returns: a value and what it referred to.

    ``references`` holds the variable names read, ``execs`` the functions
    called from inline Python, and ``contains`` maps a variable name to the
    set of items that ``bb.utils.contains``-style calls checked it for.
    """

    def __init__(self, varname, d, unexpanded_value=None, val=None):
        self.varname = varname
        self.d = d
        self.value = val
        self.unexpanded_value = unexpanded_value
        self.references = set()
        self.execs = set()
        self.contains = {}


class DataContext(dict):
    """Locals for inline Python: unknown names fall back to datastore variables.

    Python builtins, ``oe`` and names of the global context are never looked
    up as variables.
    """

    excluded = set([name for name in dir(builtins) if not name.startswith('_')] + ['oe'])

    def __init__(self, metadata, **kwargs):
        dict.__init__(self, **kwargs)
        self.metadata = metadata
        self['d'] = metadata
        self.context = set(bb.utils.get_context())

    def __missing__(self, key):
        if key in self.excluded or key in self.context:
            raise KeyError(key)
        value = self.metadata.getVar(key)
        if value is None:
            raise KeyError(key)
        return value


try:
    import _rbake
except ImportError:
    _rbake = None

if _rbake is not None:
    # Inside rbake the native class must exist: no silent fallback there.
    DataSmart = _rbake.DataSmart
else:
    from bb._fallback_datastore import DataSmart
