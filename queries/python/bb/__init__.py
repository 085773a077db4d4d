"""The bb package embedded in rbake: version, logging functions and lazy submodules (rbake's own implementation of BitBake's bb API)."""

__version__ = "2.19.0"

import logging
import sys
from collections import namedtuple


class BBHandledException(Exception):
    """An error that has already been reported to the user.

    Whoever catches it should stop, without printing a traceback or any
    further message.
    """


# ---------------------------------------------------------------------------
# Multiprocessing with the "fork" start method.
# ---------------------------------------------------------------------------

class MultiprocessingContext(object):
    """Stands in for the ``multiprocessing`` module, preferring its "fork" context.

    Attributes are looked up on the fork context first and on the module
    itself otherwise; the object is read-only.
    """

    def __init__(self):
        import multiprocessing as mp
        object.__setattr__(self, "_ctx", mp.get_context("fork"))
        object.__setattr__(self, "_mp", mp)

    def __getattr__(self, name):
        ctx = object.__getattribute__(self, "_ctx")
        if hasattr(ctx, name):
            return getattr(ctx, name)
        return getattr(object.__getattribute__(self, "_mp"), name)

    def __setattr__(self, name, value):
        raise AttributeError(f"Unable to set attribute {name}")


# ---------------------------------------------------------------------------
# Logger classes with BitBake's extra levels.
# ---------------------------------------------------------------------------

class NullHandler(logging.Handler):
    """A handler that drops every record."""

    def emit(self, record):
        pass


def _debug_filtered_out(logger_name, levelno):
    """Whether a debug record is below the configured verbosity.

    A task worker (``bb.event.worker_pid`` set) leaves filtering to the
    server, so nothing is dropped there.
    """
    event = sys.modules.get("bb.event")
    if event is not None and getattr(event, "worker_pid", 0):
        return False
    msg = sys.modules.get("bb.msg")
    if msg is None:
        return False
    domains = msg.loggerDefaultDomains
    if logger_name in domains and levelno > domains[logger_name]:
        return True
    return levelno < msg.loggerDefaultLogLevel


class BBLoggerMixin(object):
    """BitBake's logging methods, shared by loggers and logger adapters."""

    def __init__(self, *args, **kwargs):
        # Lets subclasses call super().__init__() whatever the MRO.
        pass

    def setup_bblogger(self, name):
        # Only BitBake's own loggers take a debug level as first argument.
        if name.split(".")[0] == "BitBake":
            self.debug = self._debug_helper

    def _debug_helper(self, *args, **kwargs):
        return self.bbdebug(1, *args, **kwargs)

    def debug2(self, *args, **kwargs):
        return self.bbdebug(2, *args, **kwargs)

    def debug3(self, *args, **kwargs):
        return self.bbdebug(3, *args, **kwargs)

    def bbdebug(self, level, msg, *args, **kwargs):
        # Debug level 1 is logging.DEBUG, level 2 one below it, and so on.
        levelno = logging.DEBUG - level + 1
        if _debug_filtered_out(self.name, levelno):
            return None
        if not isinstance(level, int) or not isinstance(msg, str):
            mainlogger.warning("Invalid arguments in bbdebug: %s" % repr((level, msg) + args))
        return self.log(levelno, msg, *args, **kwargs)

    def plain(self, msg, *args, **kwargs):
        return self.log(logging.INFO + 1, msg, *args, **kwargs)

    def verbose(self, msg, *args, **kwargs):
        return self.log(logging.INFO - 1, msg, *args, **kwargs)

    def verbnote(self, msg, *args, **kwargs):
        return self.log(logging.INFO + 2, msg, *args, **kwargs)

    def warnonce(self, msg, *args, **kwargs):
        return self.log(logging.WARNING - 1, msg, *args, **kwargs)

    def erroronce(self, msg, *args, **kwargs):
        return self.log(logging.ERROR - 1, msg, *args, **kwargs)


_BaseLogger = logging.getLoggerClass()


class BBLogger(_BaseLogger, BBLoggerMixin):
    """The logger class every logger gets once ``bb`` is imported."""

    def __init__(self, name, *args, **kwargs):
        self.setup_bblogger(name)
        super().__init__(name, *args, **kwargs)


class BBLoggerAdapter(logging.LoggerAdapter, BBLoggerMixin):
    """``logging.LoggerAdapter`` with BitBake's logging methods."""

    def __init__(self, logger, *args, **kwargs):
        self.setup_bblogger(logger.name)
        super().__init__(logger, *args, **kwargs)


# BitBake installs these globally, and metadata relies on it (for example
# logger.plain() on a logger made with logging.getLogger()).
logging.raiseExceptions = False
logging.setLoggerClass(BBLogger)
logging.LoggerAdapter = BBLoggerAdapter

logger = logging.getLogger("BitBake")
logger.addHandler(NullHandler())
logger.setLevel(logging.DEBUG - 2)

mainlogger = logging.getLogger("BitBake.Main")


class PrefixLoggerAdapter(logging.LoggerAdapter):
    """An adapter that puts a fixed prefix in front of every message."""

    def __init__(self, prefix, logger):
        super().__init__(logger, {})
        self.__msg_prefix = prefix

    def process(self, msg, kwargs):
        return "%s%s" % (self.__msg_prefix, msg), kwargs


# ---------------------------------------------------------------------------
# Forwarding records to rbake.
#
# Messages from bb.note(), bb.warn()... and from every "BitBake.*" logger
# reach rbake through one handler on the "BitBake" logger, which calls
# _rbake.log(level, message). The level strings are "debug1", "debug2",
# "debug3", "verbose", "note", "plain", "verbnote", "warn", "error" and
# "fatal". "Once" messages (bb.warnonce, bb.erroronce) are reduced here to
# one per distinct text and arrive as "warn" and "error". Debug messages
# below bb.msg.loggerDefaultLogLevel are dropped before they get there, as
# in BitBake. Without _rbake (plain Python tests) records simply stay in
# Python's logging.
# ---------------------------------------------------------------------------

def level_name(levelno):
    """The ``_rbake.log`` level string for a logging level number."""
    if levelno <= logging.DEBUG - 2:
        return "debug3"
    if levelno == logging.DEBUG - 1:
        return "debug2"
    if levelno < logging.INFO - 1:
        return "debug1"
    if levelno == logging.INFO - 1:
        return "verbose"
    if levelno == logging.INFO + 1:
        return "plain"
    if levelno == logging.INFO + 2:
        return "verbnote"
    if levelno < logging.WARNING - 1:
        return "note"
    if levelno < logging.ERROR - 1:
        return "warn"
    if levelno < logging.CRITICAL:
        return "error"
    return "fatal"


def record_text(record):
    """A log record's message, with its exception's traceback and BitBake's
    formatted one, if it has them."""
    message = record.getMessage()
    if record.exc_info:
        import traceback
        message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    formatted = getattr(record, "bb_exc_formatted", None)
    if formatted:
        message += "\n" + "".join(formatted)
    return message


class RbakeLogHandler(logging.Handler):
    """Passes each record to a ``log(level, message)`` callable."""

    def __init__(self, sink):
        super().__init__(logging.NOTSET)
        self.sink = sink
        self.seen_once = set()

    def emit(self, record):
        try:
            if record.levelno in (logging.WARNING - 1, logging.ERROR - 1):
                key = (record.levelno, record.msg)
                if key in self.seen_once:
                    return
                self.seen_once.add(key)
            self.sink(level_name(record.levelno), record_text(record))
        except Exception:
            self.handleError(record)


def _install_rbake_handler():
    try:
        import _rbake
    except ImportError:
        return None
    sink = getattr(_rbake, "log", None)
    if sink is None:
        return None
    handler = RbakeLogHandler(sink)
    logger.addHandler(handler)
    return handler


rbake_log_handler = _install_rbake_handler()

# bb.msg has to come after setLoggerClass, since it creates loggers.
import bb.msg  # noqa: E402


# ---------------------------------------------------------------------------
# The messaging functions metadata calls.
# ---------------------------------------------------------------------------

def plain(*args):
    """Log the concatenated arguments as they are, without a level prefix."""
    mainlogger.plain(''.join(args))


def debug(lvl, *args):
    """Log the concatenated arguments at debug level ``lvl`` (1 to 3)."""
    if isinstance(lvl, str):
        mainlogger.warning("Passed invalid debug level '%s' to bb.debug", lvl)
        args = (lvl,) + args
        lvl = 1
    mainlogger.bbdebug(lvl, ''.join(args))


def note(*args):
    """Log the concatenated arguments as a note."""
    mainlogger.info(''.join(args))


def verbnote(*args):
    """Log a note that is shown even when notes are not."""
    mainlogger.verbnote(''.join(args))


def warn(*args):
    """Log the concatenated arguments as a warning."""
    mainlogger.warning(''.join(args))


def warnonce(*args):
    """Log a warning, only the first time this text is seen."""
    mainlogger.warnonce(''.join(args))


def error(*args, **kwargs):
    """Log an error; keyword arguments become attributes of the record."""
    mainlogger.error(''.join(args), extra=kwargs)


def erroronce(*args):
    """Log an error, only the first time this text is seen."""
    mainlogger.erroronce(''.join(args))


def fatal(*args, **kwargs):
    """Log a fatal error and stop by raising ``BBHandledException``."""
    mainlogger.critical(''.join(args), extra=kwargs)
    raise BBHandledException()


def deprecated(func, name=None, advice=""):
    """Wrap ``func`` so that each call emits a ``DeprecationWarning``."""
    import functools
    import warnings

    suffix = ": %s" % advice if advice else ""
    shown = func.__name__ if name is None else name

    def wrapper(*args, **kwargs):
        warnings.warn("Call to deprecated function %s%s." % (shown, suffix),
                      category=DeprecationWarning, stacklevel=2)
        return func(*args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapper.__dict__.update(func.__dict__)
    return wrapper


def deprecate_import(current, modulename, fromlist, renames=None):
    """Expose names of ``modulename`` in module ``current`` as deprecated wrappers."""
    source = __import__(modulename, fromlist=fromlist)
    target = sys.modules[current]
    for index, objname in enumerate(fromlist):
        wrapped = deprecated(getattr(source, objname),
                             "{0}.{1}".format(current, objname),
                             "Please use {0}.{1} instead".format(modulename, objname))
        setattr(target, renames[index] if renames else objname, wrapped)


TaskData = namedtuple("TaskData", [
    "pn",
    "taskname",
    "fn",
    "deps",
    "provides",
    "taskhash",
    "unihash",
    "hashfn",
    "taskhash_deps",
])


# ---------------------------------------------------------------------------
# Lazy attributes: submodules, bb.fetch and bb.multiprocessing.
# ---------------------------------------------------------------------------

# Submodules that metadata may reach as attributes of ``bb`` without
# importing them, as it can under BitBake, where the cooker has imported
# them already.
_LAZY_SUBMODULES = frozenset((
    "build", "cache", "checksum", "codeparser", "command", "compress",
    "cookerdata", "data", "data_smart", "event", "fetch2", "filter",
    "methodpool", "msg", "parse", "process", "progress", "providers",
    "runqueue", "siggen", "taskdata", "tinfoil", "utils",
))


def _fetch_module():
    import importlib
    module = importlib.import_module("bb.fetch2")
    sys.modules.setdefault("bb.fetch", module)
    return module


class _FetchAlias(object):
    """Makes ``import bb.fetch`` give the ``bb.fetch2`` module, as in BitBake."""

    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname != "bb.fetch":
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(fullname, cls)

    @staticmethod
    def create_module(spec):
        return _fetch_module()

    @staticmethod
    def exec_module(module):
        pass


if not any(finder is _FetchAlias or getattr(finder, "__name__", None) == "_FetchAlias"
           for finder in sys.meta_path):
    sys.meta_path.insert(0, _FetchAlias)


def __getattr__(name):
    if name == "fetch":
        module = _fetch_module()
        globals()["fetch"] = module
        return module
    if name == "multiprocessing":
        context = MultiprocessingContext()
        globals()["multiprocessing"] = context
        return context
    if name in _LAZY_SUBMODULES:
        import importlib
        return importlib.import_module("bb." + name)
    raise AttributeError("module 'bb' has no attribute '%s'" % name)
