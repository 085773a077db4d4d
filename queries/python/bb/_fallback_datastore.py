"""A small pure-Python datastore, used as ``bb.data_smart.DataSmart`` only when ``_rbake`` is absent.

It exists so that the package can be imported and exercised by a plain
Python interpreter in tests. It stores values and flags and expands
``${VAR}`` and ``${@python}`` references; it knows nothing of overrides,
``:append``/``:prepend``/``:remove``, variable history or caching.
"""

import sys

import bb

_CONTENT = "_content"


class DataSmart(object):
    """Variables with flags; the value of a variable is its "_content" flag."""

    def __init__(self):
        self.dict = {}

    # --- expansion --------------------------------------------------------

    def expandWithRefs(self, s, varname):
        from bb import data_smart

        result = data_smart.VariableParse(varname, self, s)
        if not isinstance(s, str):
            result.value = s
            return result

        def substitute_var(match):
            name = match.group()[2:-1]
            if varname and name == varname:
                raise Exception("variable %s references itself!" % varname)
            result.references.add(name)
            value = self.getVarFlag(name, _CONTENT)
            return match.group() if value is None else value

        def substitute_python(match):
            code = match.group()[3:-1]
            # Code that still holds a variable reference waits for it.
            if data_smart.__expand_var_regexp__.findall(code):
                return "${@" + code + "}"
            label = 'Var <%s>' % varname if varname else '<expansion>'
            compiled = compile(code.strip(), label, "eval")
            value = bb.utils.better_eval(compiled, data_smart.DataContext(self), {'d': self})
            return str(value)

        while '${' in s:
            before = s
            try:
                s = data_smart.__expand_var_regexp__.sub(substitute_var, s)
                try:
                    s = data_smart.__expand_python_regexp__.sub(substitute_python, s)
                except SyntaxError as exc:
                    # An unterminated string usually means the pattern cut
                    # the code short; leave it unexpanded.
                    if exc.msg != "EOL while scanning string literal" and \
                            not exc.msg.startswith("unterminated string literal"):
                        raise
                if s == before:
                    break
            except data_smart.ExpansionError as exc:
                exc.addVar(varname)
                raise
            except (bb.parse.SkipRecipe, bb.BBHandledException):
                raise
            except Exception as exc:
                raise data_smart.ExpansionError(varname, s, exc).with_traceback(sys.exc_info()[2]) from exc
        result.value = s
        return result

    def expand(self, s, varname=None):
        return self.expandWithRefs(s, varname).value

    # --- values -----------------------------------------------------------

    def getVar(self, var, expand=True, noweakdefault=False, parsing=False):
        return self.getVarFlag(var, _CONTENT, expand, noweakdefault, parsing)

    def setVar(self, var, value, **loginfo):
        self.dict.setdefault(var, {})[_CONTENT] = value

    def appendVar(self, var, value, **loginfo):
        self.setVar(var, (self.getVar(var, False) or "") + value)

    def prependVar(self, var, value, **loginfo):
        self.setVar(var, value + (self.getVar(var, False) or ""))

    def delVar(self, var, **loginfo):
        self.dict.pop(var, None)

    def renameVar(self, key, newkey, **loginfo):
        if key == newkey or key not in self.dict:
            return
        self.dict.setdefault(newkey, {}).update(self.dict.pop(key))

    def initVar(self, var):
        self.dict.setdefault(var, {})

    # --- flags ------------------------------------------------------------

    def getVarFlag(self, var, flag, expand=True, noweakdefault=False, parsing=False, retparser=False):
        value = self.dict.get(var, {}).get(flag)
        parser = None
        if expand and isinstance(value, str):
            label = var if flag == _CONTENT else "%s[%s]" % (var, flag)
            parser = self.expandWithRefs(value, label)
            value = parser.value
        if retparser:
            return value, parser
        return value

    def setVarFlag(self, var, flag, value, **loginfo):
        self.dict.setdefault(var, {})[flag] = value

    def appendVarFlag(self, var, flag, value, **loginfo):
        self.setVarFlag(var, flag, (self.getVarFlag(var, flag, False) or "") + value)

    def prependVarFlag(self, var, flag, value, **loginfo):
        self.setVarFlag(var, flag, value + (self.getVarFlag(var, flag, False) or ""))

    def delVarFlag(self, var, flag, **loginfo):
        self.dict.get(var, {}).pop(flag, None)

    def setVarFlags(self, var, flags, **loginfo):
        entry = self.dict.setdefault(var, {})
        for flag, value in flags.items():
            if flag != _CONTENT:
                entry[flag] = value

    def getVarFlags(self, var, expand=False, internalflags=False):
        flags = {}
        for flag, value in self.dict.get(var, {}).items():
            if flag.startswith("_") and not internalflags:
                continue
            if expand and (expand is True or flag in expand):
                value = self.getVarFlag(var, flag, True)
            flags[flag] = value
        return flags or None

    def delVarFlags(self, var, **loginfo):
        entry = self.dict.get(var)
        if entry is not None:
            for flag in [f for f in entry if f != _CONTENT]:
                del entry[flag]

    # --- the whole store --------------------------------------------------

    def createCopy(self):
        copy = DataSmart()
        copy.dict = {var: dict(flags) for var, flags in self.dict.items()}
        return copy

    def expandKeys(self):
        renames = {}
        for key in self.dict:
            if '${' in key:
                expanded = self.expand(key)
                if expanded != key:
                    renames[key] = expanded
        for key in sorted(renames):
            self.renameVar(key, renames[key])

    def keys(self):
        return list(self.dict)

    def localkeys(self):
        return list(self.dict)

    def __iter__(self):
        return iter(list(self.dict))

    def __len__(self):
        return len(self.dict)

    def __contains__(self, var):
        return var in self.dict

    def __getitem__(self, var):
        value = self.getVar(var, False)
        if value is None:
            raise KeyError(var)
        return value

    def __setitem__(self, var, value):
        self.setVar(var, value)

    def __delitem__(self, var):
        self.delVar(var)
