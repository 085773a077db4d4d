"""Event classes that metadata fires and handles (rbake's own implementation of BitBake's bb.event API).

Handler registration and dispatch live in the rbake runtime (``bb._runtime``);
this module keeps the event class hierarchy, whose fully qualified class
names (``bb.event.ConfigParsed`` ...) are what handler masks match against.
"""

import logging
import threading
import traceback

import bb

# Set in a task worker to the worker's pid; 0 in the parsing process.
worker_pid = 0
# A task worker installs a callable here to forward events to the server.
worker_fire = None

logger = logging.getLogger('BitBake.Event')

# Return values of register().
Registered = 10
AlreadyRegistered = 14

# Historical handler results, still used by some layers.
NotHandled = 0
Handled = 1

_should_exit = threading.Event()
_heartbeat_enabled = False


class Event(object):
    """Root of every event; records the pid of the worker that fired it."""

    def __init__(self):
        self.pid = worker_pid


# --- dispatch: handled by the rbake runtime -------------------------------

def _runtime():
    import bb._runtime
    return bb._runtime


def fire(event, d):
    """Deliver ``event`` to the registered class handlers, then to ``worker_fire`` if set.

    In a task worker ``worker_fire`` carries the event out of the process
    (see bb.build.run_worker_task). Log records fired by LogHandler skip
    the class handlers, as in BitBake.
    """
    if not isinstance(event, logging.LogRecord):
        _runtime().fire(event, d)
    if worker_fire:
        worker_fire(event, d)


def fire_class_handlers(event, d):
    """Run the metadata handlers for ``event``; rbake does this inside fire()."""
    rt = _runtime()
    if hasattr(rt, 'fire_class_handlers'):
        return rt.fire_class_handlers(event, d)
    return rt.fire(event, d)


def fire_from_worker(event, d):
    return fire(event, d)


def register(name, handler, mask=None, filename=None, lineno=None, data=None):
    """Register an event handler (a callable or a string of Python code)."""
    return _runtime().register_handler(name, handler, mask, filename, lineno, data)


def remove(name, handler, data=None):
    """Unregister the handler called ``name``."""
    rt = _runtime()
    if not hasattr(rt, 'remove_handler'):
        raise NotImplementedError("rbake: bb.event.remove is not supported by this runtime yet")
    return rt.remove_handler(name, handler, data)


def get_handlers():
    rt = _runtime()
    if not hasattr(rt, 'get_handlers'):
        raise NotImplementedError("rbake: bb.event.get_handlers is not supported by this runtime yet")
    return rt.get_handlers()


def set_handlers(handlers):
    rt = _runtime()
    if not hasattr(rt, 'set_handlers'):
        raise NotImplementedError("rbake: bb.event.set_handlers is not supported by this runtime yet")
    return rt.set_handlers(handlers)


get_class_handlers = get_handlers
set_class_handlers = set_handlers


def enable_threadlock():
    """Kept for metadata compatibility; nothing to do."""
    return


def disable_threadlock():
    """Kept for metadata compatibility; nothing to do."""
    return


def enable_heartbeat():
    global _heartbeat_enabled
    _heartbeat_enabled = True


def disable_heartbeat():
    global _heartbeat_enabled
    _heartbeat_enabled = False


def check_for_interrupts():
    """Long-running metadata code calls this; it raises once an interrupt was requested."""
    if _should_exit.is_set():
        bb.warn("Exiting due to interrupt.")
        raise bb.BBHandledException()


def getName(e):
    """The class name of an event class or of an event instance."""
    name = getattr(e, "__name__", None)
    if name is None:
        return type(e).__name__
    return name


class LogHandler(logging.Handler):
    """A logging handler that forwards records as events."""

    def emit(self, record):
        if record.exc_info:
            record.bb_exc_formatted = traceback.format_exception(*record.exc_info)
            record.exc_info = None
        fire(record, None)

    def filter(self, record):
        record.taskpid = worker_pid
        return True


# --- generic events --------------------------------------------------------

class HeartbeatEvent(Event):
    """Fired periodically while the server is busy."""

    def __init__(self, time):
        Event.__init__(self)
        self.time = time


class OperationStarted(Event):
    def __init__(self, msg="Operation Started"):
        Event.__init__(self)
        self.msg = msg


class OperationCompleted(Event):
    def __init__(self, total, msg="Operation Completed"):
        Event.__init__(self)
        self.total = total
        self.msg = msg


class OperationProgress(Event):
    def __init__(self, current, total, msg="Operation in Progress"):
        Event.__init__(self)
        self.current = current
        self.total = total
        self.msg = "%s: %s/%s" % (msg, current, total)


class ConfigParsed(Event):
    """The base configuration has been parsed."""


class MultiConfigParsed(Event):
    """All multiconfig base configurations have been parsed."""

    def __init__(self, mcdata):
        self.mcdata = mcdata
        Event.__init__(self)


# --- recipe parsing events -------------------------------------------------

class RecipeEvent(Event):
    def __init__(self, fn):
        self.fn = fn
        Event.__init__(self)


class RecipePreDeferredInherits(RecipeEvent):
    """Fired before the deferred inherits of a recipe are processed."""

    def __init__(self, fn, inherits):
        self.fn = fn
        self.inherits = inherits
        Event.__init__(self)


class RecipePreFinalise(RecipeEvent):
    """A recipe is parsed but not finalised yet."""


class RecipePostKeyExpansion(RecipeEvent):
    """A recipe's variable names have been expanded."""


class RecipeTaskPreProcess(RecipeEvent):
    """The task list of a recipe is final; dependencies may still change."""

    def __init__(self, fn, tasklist):
        self.fn = fn
        self.tasklist = tasklist
        Event.__init__(self)


class RecipeParsed(RecipeEvent):
    """A recipe is completely parsed."""


# --- build events ----------------------------------------------------------

class BuildBase(Event):
    def __init__(self, n, p, failures=0):
        self._name = n
        self._pkgs = p
        Event.__init__(self)
        self._failures = failures

    def getPkgs(self):
        return self._pkgs

    def setPkgs(self, pkgs):
        self._pkgs = pkgs

    def getName(self):
        return self._name

    def setName(self, name):
        self._name = name

    def getFailures(self):
        return self._failures

    pkgs = property(getPkgs, setPkgs, None, "pkgs property")
    name = property(getName, setName, None, "name property")


class BuildInit(BuildBase):
    def __init__(self, p=[]):
        BuildBase.__init__(self, None, p)


class BuildStarted(BuildBase, OperationStarted):
    def __init__(self, n, p, failures=0):
        OperationStarted.__init__(self, "Building Started")
        BuildBase.__init__(self, n, p, failures)


class BuildCompleted(BuildBase, OperationCompleted):
    def __init__(self, total, n, p, failures=0, interrupted=0):
        msg = "Building Failed" if failures else "Building Succeeded"
        OperationCompleted.__init__(self, total, msg)
        self._interrupted = interrupted
        BuildBase.__init__(self, n, p, failures)


class DiskFull(Event):
    def __init__(self, dev, type, freespace, mountpoint):
        Event.__init__(self)
        self._dev = dev
        self._type = type
        self._free = freespace
        self._mountpoint = mountpoint


class DiskUsageSample:
    def __init__(self, available_bytes, free_bytes, total_bytes):
        self.available_bytes = available_bytes
        self.free_bytes = free_bytes
        self.total_bytes = total_bytes


class MonitorDiskEvent(Event):
    def __init__(self, disk_usage):
        Event.__init__(self)
        self.disk_usage = disk_usage


class NoProvider(Event):
    def __init__(self, item, runtime=False, dependees=None, reasons=None, close_matches=None):
        Event.__init__(self)
        self._item = item
        self._runtime = runtime
        self._dependees = dependees
        self._reasons = reasons
        self._close_matches = close_matches

    def getItem(self):
        return self._item

    def isRuntime(self):
        return self._runtime

    def __str__(self):
        r = "R" if self._runtime else ""
        extra = ''
        if not self._reasons and self._close_matches:
            extra = ". Close matches:\n  %s" % '\n  '.join(sorted(set(self._close_matches)))
        if self._dependees:
            msg = "Nothing %sPROVIDES '%s' (but %s %sDEPENDS on or otherwise requires it)%s" % (
                r, self._item, ", ".join(self._dependees), r, extra)
        else:
            msg = "Nothing %sPROVIDES '%s'%s" % (r, self._item, extra)
        for reason in self._reasons or []:
            msg += '\n' + reason
        return msg


class MultipleProviders(Event):
    def __init__(self, item, candidates, runtime=False):
        Event.__init__(self)
        self._item = item
        self._candidates = candidates
        self._is_runtime = runtime

    def isRuntime(self):
        return self._is_runtime

    def getItem(self):
        return self._item

    def getCandidates(self):
        return self._candidates

    def __str__(self):
        runtime = "runtime " if self._is_runtime else ""
        r = "R" if self._is_runtime else ""
        return ("Multiple providers are available for %s%s (%s)\n"
                "Consider defining a PREFERRED_%sPROVIDER entry to match %s") % (
                    runtime, self._item, ", ".join(self._candidates), r, self._item)


class ParseStarted(OperationStarted):
    def __init__(self, total):
        OperationStarted.__init__(self, "Recipe parsing Started")
        self.total = total


class ParseCompleted(OperationCompleted):
    def __init__(self, cached, parsed, skipped, masked, virtuals, errors, total):
        OperationCompleted.__init__(self, total, "Recipe parsing Completed")
        self.cached = cached
        self.parsed = parsed
        self.skipped = skipped
        self.virtuals = virtuals
        self.masked = masked
        self.errors = errors
        self.sofar = cached + parsed


class ParseProgress(OperationProgress):
    def __init__(self, current, total):
        OperationProgress.__init__(self, current, total, "Recipe parsing")


class CacheLoadStarted(OperationStarted):
    def __init__(self, total):
        OperationStarted.__init__(self, "Loading cache Started")
        self.total = total


class CacheLoadProgress(OperationProgress):
    def __init__(self, current, total):
        OperationProgress.__init__(self, current, total, "Loading cache")


class CacheLoadCompleted(OperationCompleted):
    def __init__(self, total, num_entries):
        OperationCompleted.__init__(self, total, "Loading cache Completed")
        self.num_entries = num_entries


class TreeDataPreparationStarted(OperationStarted):
    def __init__(self):
        OperationStarted.__init__(self, "Preparing tree data Started")


class TreeDataPreparationProgress(OperationProgress):
    def __init__(self, current, total):
        OperationProgress.__init__(self, current, total, "Preparing tree data")


class TreeDataPreparationCompleted(OperationCompleted):
    def __init__(self, total):
        OperationCompleted.__init__(self, total, "Preparing tree data Completed")


class DepTreeGenerated(Event):
    def __init__(self, depgraph):
        Event.__init__(self)
        self._depgraph = depgraph


class TargetsTreeGenerated(Event):
    def __init__(self, model):
        Event.__init__(self)
        self._model = model


class ReachableStamps(Event):
    """Lists the stamps that are reachable after parsing."""

    def __init__(self, stamps):
        Event.__init__(self)
        self.stamps = stamps


class StaleSetSceneTasks(Event):
    """Maps setscene tasks that will rerun to their stale stamps."""

    def __init__(self, tasks):
        Event.__init__(self)
        self.tasks = tasks


class FilesMatchingFound(Event):
    def __init__(self, pattern, matches):
        Event.__init__(self)
        self._pattern = pattern
        self._matches = matches


class ConfigFilesFound(Event):
    def __init__(self, variable, values):
        Event.__init__(self)
        self._variable = variable
        self._values = values


class ConfigFilePathFound(Event):
    def __init__(self, path):
        Event.__init__(self)
        self._path = path


class MsgBase(Event):
    def __init__(self, msg):
        self._message = msg
        Event.__init__(self)


class MsgDebug(MsgBase):
    pass


class MsgNote(MsgBase):
    pass


class MsgWarn(MsgBase):
    pass


class MsgError(MsgBase):
    pass


class MsgFatal(MsgBase):
    pass


class MsgPlain(MsgBase):
    pass


class LogExecTTY(Event):
    """Asks the UI to run a program on its terminal."""

    def __init__(self, msg, prog, sleep_delay, retries):
        Event.__init__(self)
        self.msg = msg
        self.prog = prog
        self.sleep_delay = sleep_delay
        self.retries = retries


class MetadataEvent(Event):
    """Free-form event with which metadata classes report information."""

    def __init__(self, eventtype, eventdata):
        Event.__init__(self)
        self.type = eventtype
        self._localdata = eventdata


class ProcessStarted(Event):
    def __init__(self, processname, total):
        Event.__init__(self)
        self.processname = processname
        self.total = total


class ProcessProgress(Event):
    def __init__(self, processname, progress):
        Event.__init__(self)
        self.processname = processname
        self.progress = progress


class ProcessFinished(Event):
    def __init__(self, processname):
        Event.__init__(self)
        self.processname = processname


class SanityCheck(Event):
    def __init__(self, generateevents=True):
        Event.__init__(self)
        self.generateevents = generateevents


class SanityCheckPassed(Event):
    pass


class SanityCheckFailed(Event):
    def __init__(self, msg, network_error=False):
        Event.__init__(self)
        self._msg = msg
        self._network_error = network_error


class NetworkTest(Event):
    def __init__(self, generateevents=True):
        Event.__init__(self)
        self.generateevents = generateevents


class NetworkTestPassed(Event):
    pass


class NetworkTestFailed(Event):
    pass


class FindSigInfoResult(Event):
    def __init__(self, result):
        Event.__init__(self)
        self.result = result


class GetTaskSignatureResult(Event):
    def __init__(self, sig):
        Event.__init__(self)
        self.sig = sig


class ParseError(Event):
    def __init__(self, msg):
        Event.__init__(self)
        self._msg = msg
