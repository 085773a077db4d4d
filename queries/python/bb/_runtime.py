"""The contexts that metadata's Python runs in, for rbake.

A `Session` belongs to one parse (the configuration, or one recipe with its
variants). It holds the global namespace that inline expressions, `def`
functions, anonymous functions and event handlers share, and the event
handlers registered so far. Sessions never share functions, so a recipe's
results do not depend on which recipes were parsed before it.
"""
import builtins
import sys
import threading
import time as _real_time
import types

import bb

_MISSING = object()

# Compiled code, keyed by everything that shapes it.
_compiled = {}

# Base namespaces, keyed by the Python libraries and global modules they hold.
_bases = {}

# The names no inline expression may read as a variable: builtins and `oe`.
_NOT_VARIABLES = frozenset(
    [name for name in dir(builtins) if not name.startswith("_")] + ["oe"]
)


# While parsing, the clock metadata reads through its global `time` is the
# clock as it was when this process first imported this module, so that
# values such as DATE and TIME (bitbake.conf reads them with
# `time.gmtime()`) are the same however often a query runs again. Tasks
# see the real clock (`unpin_clock`, in the worker's child).
_pinned_at = _real_time.time()
_clock_pinned = True


def _now():
    return _pinned_at if _clock_pinned else _real_time.time()


def _parse_clock():
    """The module metadata's Python finds as `time`."""
    module = types.ModuleType("time", _real_time.__doc__)
    module.__dict__.update(
        (name, value) for name, value in vars(_real_time).items() if not name.startswith("__"))
    module.time = _now
    module.time_ns = lambda: int(_now() * 1e9)
    module.gmtime = lambda secs=None: _real_time.gmtime(_now() if secs is None else secs)
    module.localtime = lambda secs=None: _real_time.localtime(_now() if secs is None else secs)
    module.ctime = lambda secs=None: _real_time.ctime(_now() if secs is None else secs)
    module.asctime = lambda t=None: _real_time.asctime(_real_time.localtime(_now()) if t is None else t)
    module.strftime = lambda format, t=None: _real_time.strftime(
        format, _real_time.localtime(_now()) if t is None else t)
    return module


_clock = _parse_clock()


def unpin_clock():
    """From now on, metadata's `time` is the real clock (for tasks)."""
    global _clock_pinned
    _clock_pinned = False


def _compile(source, filename, mode):
    key = (source, filename, mode)
    code = _compiled.get(key)
    if code is None:
        code = compile(source, filename, mode)
        _compiled[key] = code
    return code


def _import_submodules():
    import bb.build  # noqa: F401
    import bb.data  # noqa: F401
    import bb.data_smart  # noqa: F401
    import bb.event  # noqa: F401
    import bb.fetch2  # noqa: F401
    import bb.parse  # noqa: F401
    import bb.process  # noqa: F401
    import bb.utils  # noqa: F401


# Library modules imported but not yet recorded for signatures, as
# (module, qualified name): recording parses every function's source, which
# only signatures need, so it waits for them (record_module_functions).
_unrecorded_modules = []


def record_module_functions():
    """Record what each public function of the imported library modules
    reads and calls, for task signatures (BitBake records this when it
    evaluates addpylib)."""
    import bb.codeparser
    while _unrecorded_modules:
        module, qualified = _unrecorded_modules.pop(0)
        functions = {}
        for name in dir(module):
            if name.startswith("_"):
                continue
            value = getattr(module, name)
            if callable(value):
                functions[name] = value
        bb.codeparser.add_module_functions(module.__file__, functions, qualified)


def _base(pylibs, global_modules):
    """The namespace every session with these libraries starts from."""
    key = (tuple(pylibs), tuple(global_modules))
    base = _bases.get(key)
    if base is not None:
        return base
    _import_submodules()
    base = {"__builtins__": builtins, "bb": bb, "os": __import__("os"), "time": _clock}
    for name in global_modules:
        base[name] = _clock if name == "time" else __import__(name)
    for libdir, namespace in pylibs:
        if libdir not in sys.path:
            sys.path.append(libdir)
        base[namespace] = __import__(namespace)
        for name in getattr(base[namespace], "BBIMPORTS", []):
            base[namespace] = __import__(namespace + "." + name)
            _unrecorded_modules.append((getattr(base[namespace], name), namespace + "." + name))
    _bases[key] = base
    return base


class DataContext(dict):
    """The locals of an inline expression: `d`, and any other name that is
    not a builtin or a global reads as the expanded variable of that name."""

    def __init__(self, d, context):
        dict.__init__(self, d=d)
        self.metadata = d
        self.context = context

    def __missing__(self, key):
        if key in _NOT_VARIABLES or key in self.context:
            raise KeyError(key)
        value = self.metadata.getVar(key)
        if value is None:
            raise KeyError(key)
        return value


def _entered(method):
    """Makes the session the running one while the method runs."""
    def wrapper(self, *args):
        enter(self)
        try:
            return method(self, *args)
        finally:
            leave()
    wrapper.__name__ = method.__name__
    return wrapper


class Session:
    """The namespace and handlers of one parse."""

    def __init__(self, pylibs=(), global_modules=()):
        self.context = dict(_base(pylibs, global_modules))
        # name -> (function, event class names or None for every event)
        self.handlers = {}

    @_entered
    def add_def(self, text, filename):
        """Runs a top-level `def` so that later code can call it."""
        exec(_compile(text, filename, "exec"), self.context)

    @_entered
    def eval(self, code, d, varname=None):
        """An inline expression's value, as text."""
        filename = "Var <%s>" % varname if varname else "<expansion>"
        compiled = _compile(code.strip(), filename, "eval")
        # `d` is a global too, so that nested scopes (generator
        # expressions, lambdas) see it; the outer expression's `d` comes
        # back afterwards.
        context = self.context
        outer = context.get("d", _MISSING)
        context["d"] = d
        try:
            return str(eval(compiled, context, DataContext(d, context)))
        finally:
            if outer is _MISSING:
                del context["d"]
            else:
                context["d"] = outer

    @_entered
    def run_function(self, d, name, body, filename):
        """Runs a Python function body as `name(d)`: an anonymous function
        or a `python name() { ... }` one."""
        text = "def %s(d):\n%s" % (name, body)
        exec(_compile(text, filename, "exec"), self.context)
        self.context[name](d)

    @_entered
    def register(self, name, body, mask, filename):
        """Registers an event handler from its body."""
        if name in self.handlers:
            return
        text = "def %s(e, d):\n%s" % (name, body)
        namespace = {}
        exec(_compile(text, filename, "exec"), self.context, namespace)
        function = namespace[name]
        self.handlers[name] = (function, set(mask) if mask and "*" not in mask else None)

    def register_callable(self, name, function, mask):
        if name not in self.handlers:
            self.handlers[name] = (function, set(mask) if mask and "*" not in mask else None)

    @_entered
    def fire(self, event, d):
        """Runs the handlers that want this event, in registration order."""
        cls = type(event)
        event_id = "%s.%s" % (cls.__module__, cls.__qualname__)
        for name, (function, mask) in list(self.handlers.items()):
            if mask is not None and event_id not in mask:
                continue
            event.data = d
            try:
                function(event, d)
            finally:
                del event.data


# The sessions running on this thread, innermost last. Threads parse
# different recipes at once, each attached to the interpreter in turn.
_local = threading.local()


def _running():
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


def context():
    """The namespace of the session running now, for bb.utils.get_context()."""
    session = _running()
    return session.context if session is not None else _base((), ())


def enter(session):
    if not hasattr(_local, "stack"):
        _local.stack = []
    _local.stack.append(session)


def leave():
    _local.stack.pop()


def register_handler(name, handler, mask=None, filename=None, lineno=None, data=None):
    """bb.event.register: registers on the session running now."""
    session = _running()
    if session is None:
        return None
    if isinstance(handler, str):
        session.register(name, handler, mask, filename or "%s(e, d)" % name)
    elif handler is not None:
        session.register_callable(name, handler, mask)
    return None


def fire(event, d):
    """bb.event.fire: fires on the session running now."""
    session = _running()
    if session is not None:
        session.fire(event, d)


def exec_python_func(func, d):
    """bb.build.exec_func for a Python function."""
    session = _running()
    if session is None:
        raise RuntimeError("rbake: no Python session is running")
    body = d.getVar(func, False) or ""
    filename = d.getVarFlag(func, "filename", False) or "<%s>" % func
    session.run_function(d, func, body, filename)


_METADATA_SUFFIXES = (".bb", ".bbappend", ".bbclass", ".inc", ".conf")


def describe_traceback(exc):
    """An exception's traceback for a diagnostic, innermost last, without
    rbake's own frames, and the innermost frame in metadata as
    (file, line within the function's definition, function name)."""
    import traceback

    lines = []
    innermost = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith("<rbake>/"):
            continue
        if frame.filename.endswith(_METADATA_SUFFIXES):
            # Metadata functions are compiled on their own, so the line is
            # counted from the start of the definition.
            name = "anonymous function" if frame.name.startswith("__anon_") else frame.name
            lines.append("  %s, in %s (line %d of its definition)"
                         % (frame.filename, name, frame.lineno))
            innermost = (frame.filename, frame.lineno, frame.name)
        else:
            lines.append('  File "%s", line %d, in %s' % (frame.filename, frame.lineno, frame.name))
            if frame.line:
                lines.append("    " + frame.line.strip())
    return "\n".join(lines), innermost
