"""Variable value filters (rbake's own implementation of BitBake's bb.filter).

A filter is a Python expression over ``val`` (the variable's value) that
may call only the functions registered with ``@filter_proc()``.  Results
are cached, so filter functions must be pure.
"""


class Namespace(object):
    """A read-only attribute namespace for dotted filter names (``oe.foo``);
    entries are added with item assignment."""

    def __getitem__(self, name):
        return self.__dict__[name]

    def __setitem__(self, name, value):
        self.__dict__[name] = value

    def __contains__(self, name):
        return name in self.__dict__

    def __setattr__(self, name, value):
        raise AttributeError(f"Attribute {name!r} cannot be changed")

    def __delattr__(self, name):
        raise AttributeError(f"Attribute {name!r} cannot be deleted")


# Globals of every filter expression: no builtins, only registered functions.
FILTERS = {"__builtins__": {}}

# (value, expression) -> result
CACHE = {}


def apply_filters(val, expressions):
    """Run ``val`` through each expression in turn."""
    scope = dict(FILTERS)
    for expression in expressions:
        expression = expression.strip()
        if not expression:
            continue
        key = (val, expression)
        if key not in CACHE:
            CACHE[key] = eval(expression, scope, {"val": val})
        val = CACHE[key]
    return val


def filter_proc(*, name=None):
    """Decorator registering a function for filter expressions, under its
    own name or ``name`` (which may be dotted)."""

    def register(func):
        parts = (name or func.__name__).split(".")
        table = FILTERS
        for part in parts[:-1]:
            if part not in table:
                table[part] = Namespace()
            table = table[part]
        table[parts[-1]] = func
        return func

    return register


for _builtin in (all, any, bin, bool, chr, enumerate, float, format, hex, int,
                 len, map, max, min, oct, ord, pow, str, sum):
    filter_proc()(_builtin)
del _builtin


@filter_proc()
def suffix(val, suffix):
    return " ".join(word + suffix for word in val.split())


@filter_proc()
def prefix(val, prefix):
    return " ".join(prefix + word for word in val.split())


@filter_proc()
def sort(val):
    return " ".join(sorted(val.split()))


@filter_proc()
def remove(val, remove, sep=None):
    if isinstance(remove, str):
        remove = remove.split(sep)
    kept = [item for item in val.split(sep) if item not in remove]
    return (sep or " ").join(kept)
