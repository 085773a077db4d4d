"""Running metadata functions and tasks (rbake's own implementation of BitBake's bb.build API).

This module holds the task events, ``exec_func`` (Python and shell
functions, with their ``dirs``, ``cleandirs`` and ``lockfiles`` flags) and
the task-table helpers. The rest lives in private modules and is
re-exported here under BitBake's names:

- ``bb._build_shell``: the run script of a shell function and running it;
- ``bb._build_task``: ``exec_task``, a task with its log file and events;
- ``bb._build_stamps``: stamp files, written atomically;
- ``bb._build_worker``: ``run_worker_task``, the entry point rbake's task
  worker calls in a forked child.
"""

import io
import logging
import os
import sys
import time

import bb
import bb.data
import bb.methodpool
import bb.msg
import bb.utils
from bb import event

bblogger = logging.getLogger('BitBake')
logger = logging.getLogger('BitBake.Build')

# Metadata functions and the modules they call expect ``bb`` and ``os`` to
# be visible everywhere without an import, as BitBake provides them.
import builtins as _builtins
_builtins.bb = bb
_builtins.os = os

verboseShellLogging = False
verboseStdoutLogging = False


class FuncFailed(Exception):
    """A metadata function failed (kept for layers written for older BitBake)."""

    def __init__(self, name=None, logfile=None):
        self.logfile = logfile
        self.name = name
        if name:
            self.msg = 'Function failed: %s' % name
        else:
            self.msg = "Function failed"
        Exception.__init__(self, self.msg)

    def __str__(self):
        if self.logfile and os.path.exists(self.logfile):
            return '%s (log file is located at %s)' % (self.msg, self.logfile)
        return self.msg


# --- task events -----------------------------------------------------------

class TaskBase(event.Event):
    """Common part of the events that describe one task of one recipe."""

    def __init__(self, t, fn, logfile, d):
        self._task = t
        self._fn = fn
        self._package = d.getVar("PF")
        self._mc = d.getVar("BB_CURRENT_MC")
        self.taskfile = d.getVar("FILE")
        self.taskname = t
        self.logfile = logfile
        self.time = time.time()
        self.pn = d.getVar("PN")
        self.pv = d.getVar("PV")
        event.Event.__init__(self)
        self._message = "recipe %s: task %s: %s" % (self._package, t, self.getDisplayName())

    def getTask(self):
        return self._task

    def setTask(self, task):
        self._task = task

    def getDisplayName(self):
        # "TaskStarted" -> "Started"
        return event.getName(self)[4:]

    task = property(getTask, setTask, None, "task property")


class TaskStarted(TaskBase):
    def __init__(self, t, fn, logfile, taskflags, d):
        super().__init__(t, fn, logfile, d)
        self.taskflags = taskflags


class TaskSucceeded(TaskBase):
    pass


class TaskFailed(TaskBase):
    def __init__(self, task, fn, logfile, metadata, errprinted=False):
        self.errprinted = errprinted
        super().__init__(task, fn, logfile, metadata)


class TaskFailedSilent(TaskBase):
    def getDisplayName(self):
        return "Failed"


class TaskInvalid(TaskBase):
    def __init__(self, task, fn, metadata):
        super().__init__(task, fn, None, metadata)
        self._message = "No such task '%s'" % task


class TaskProgress(event.Event):
    """Progress of the running task (0-100, or negative when unknown)."""

    def __init__(self, progress, rate=None):
        self.progress = progress
        self.rate = rate
        event.Event.__init__(self)


class StdoutNoopContextManager:
    """Writes to sys.stdout; entering and leaving it does nothing."""

    def __enter__(self):
        return sys.stdout

    def __exit__(self, *exc_info):
        pass

    def write(self, string):
        return sys.stdout.write(string)

    def flush(self):
        sys.stdout.flush()

    @property
    def name(self):
        return getattr(sys.stdout, "name", "<mem>")


class LogTee(object):
    """Writes everything both to a logger (at plain level) and to a file."""

    def __init__(self, logger, outfile):
        self.outfile = outfile
        self.logger = logger
        self.name = outfile.name

    def write(self, string):
        self.logger.plain(string)
        self.outfile.write(string)

    def __enter__(self):
        self.outfile.__enter__()
        return self

    def __exit__(self, *excinfo):
        self.outfile.__exit__(*excinfo)

    def __repr__(self):
        return '<LogTee {0}>'.format(self.name)

    def flush(self):
        self.outfile.flush()


# --- running functions -----------------------------------------------------

def exec_func(func, d, dirs=None):
    """Run the metadata function ``func`` (Python or shell) with the datastore ``d``.

    The ``cleandirs`` flag names directories emptied first, ``dirs`` (or
    the ``dirs`` argument) directories created, the last of which the
    function runs in, and ``lockfiles`` files locked while it runs. The
    function's script is kept as ``${T}/run.<func>.<pid>``.
    """
    try:
        oldcwd = os.getcwd()
    except OSError:
        oldcwd = None

    flags = d.getVarFlags(func) or {}
    cleandirs = flags.get('cleandirs')
    if cleandirs:
        for cdir in d.expand(cleandirs).split():
            bb.utils.remove(cdir, True)
            bb.utils.mkdirhier(cdir)
            # The directory we were in was just recreated: enter the new one.
            if cdir == oldcwd:
                os.chdir(cdir)

    if dirs is None:
        dirs = flags.get('dirs')
        if dirs:
            dirs = d.expand(dirs).split()
    rundir = None
    if dirs:
        for adir in dirs:
            bb.utils.mkdirhier(adir)
        rundir = dirs[-1]

    body = d.getVar(func, False)
    if not body:
        if body is None:
            logger.warning("Function %s doesn't exist", func)
        return

    lockflag = flags.get('lockfiles')
    lockfiles = d.expand(lockflag).split() if lockflag else None

    runfile = _prepare_runfile(func, d)

    with bb.utils.fileslocked(lockfiles):
        if flags.get('python'):
            exec_func_python(func, d, runfile, cwd=rundir)
        else:
            exec_func_shell(func, d, runfile, cwd=rundir)

    try:
        curcwd = os.getcwd()
    except OSError:
        curcwd = None
    if oldcwd and curcwd != oldcwd:
        try:
            bb.warn("Task %s changed cwd to %s" % (func, curcwd))
            os.chdir(oldcwd)
        except Exception:
            pass


def _prepare_runfile(func, d):
    """The path of ``func``'s run script under ``${T}``, and its courtesy link.

    Inside a task (``BB_RUNTASK`` set) a function other than the task
    itself gets no link. Without T (rbake running a Python function at
    parse time with a bare configuration) there is no run file: None.
    """
    tempdir = d.getVar('T')
    if not tempdir:
        if (d.getVarFlags(func) or {}).get('python'):
            return None
        bb.fatal("T variable not set, unable to run the shell function %s" % func)

    task = d.getVar('BB_RUNTASK') or func
    taskfunc = task if task == func else "%s.%s" % (task, func)
    runfmt = d.getVar('BB_RUNFMT') or "run.{func}.{pid}"
    runfn = runfmt.format(taskfunc=taskfunc, task=task, func=func, pid=os.getpid())
    runfile = os.path.join(tempdir, runfn)
    bb.utils.mkdirhier(os.path.dirname(runfile))

    # The link is made before the script, so that it exists even when
    # writing or running the script fails.
    if task == func:
        runlink = os.path.join(tempdir, 'run.%s' % task)
        bb.utils.remove(runlink)
        try:
            os.symlink(runfn, runlink)
        except OSError:
            pass
    return runfile


# The code that calls a Python function once its definition is in place.
_python_call = """
{function}(d)
"""
logformatter = bb.msg.BBLogFormatter("%(levelname)s: %(message)s")


def exec_func_python(func, d, runfile, cwd=None):
    """Run the Python metadata function ``func``, as ``func(d)``, in the metadata's namespace.

    ``runfile`` (if not None) receives the function and the Python
    functions it calls, for reading after the fact.
    """
    code = _python_call.format(function=func)
    if runfile:
        bb.utils.mkdirhier(os.path.dirname(runfile))
        with open(runfile, 'w') as script:
            bb.data.emit_func_python(func, script, d)

    olddir = None
    if cwd:
        try:
            olddir = os.getcwd()
        except OSError as e:
            bb.warn("%s: Cannot get cwd: %s" % (func, e))
        os.chdir(cwd)

    bb.debug(2, "Executing python function %s" % func)
    captured = None
    try:
        text = "def %s(d):\n%s" % (func, d.getVar(func, False))
        filename = d.getVarFlag(func, "filename", False) or "<%s>" % func
        lineno = int(d.getVarFlag(func, "lineno", False) or 1)
        # Defines the function in the metadata's global namespace (the
        # running rbake session's, when there is one).
        bb.methodpool.insert_method(func, text, filename, lineno - 1)

        if verboseStdoutLogging:
            sys.stdout.flush()
            sys.stderr.flush()
            saved_streams = (sys.stdout, sys.stderr)
            captured = sys.stdout = sys.stderr = io.StringIO()
        compiled = bb.utils.better_compile(code, func, "exec_func_python() autogenerated")
        bb.utils.better_exec(compiled, {"d": d}, code, "exec_func_python() autogenerated")
    finally:
        if captured is not None:
            sys.stdout, sys.stderr = saved_streams
            logger.plain("%s" % captured.getvalue())
            captured.close()
        # What the function printed comes before any later log message.
        sys.stdout.flush()
        sys.stderr.flush()
        bb.debug(2, "Python function %s finished" % func)

        if cwd and olddir:
            try:
                os.chdir(olddir)
            except OSError as e:
                bb.warn("%s: Cannot restore cwd %s: %s" % (func, olddir, e))


# --- the task table ----------------------------------------------------------

def ensure_task_prefix(name):
    return name if name.startswith("do_") else "do_" + name


def addtask(task, before, after, d):
    import _rbake
    return _rbake.addtask(d, task, before, after)


def deltask(task, d):
    import _rbake
    return _rbake.deltask(d, task)


def listtasks(d):
    """The tasks of the current recipe, as a tuple."""
    return tuple(d.getVar('__BBTASKS', False) or ())


def preceedtask(task, with_recrdeptasks, d):
    """Tasks that ``task`` comes after (its 'deps' flag), plus its
    'recrdeptask' entries when ``with_recrdeptasks`` is true."""
    result = set()
    if task not in (d.getVar('__BBTASKS', False) or []):
        return result
    result.update(d.getVarFlag(task, 'deps') or [])
    if with_recrdeptasks:
        result.update((d.getVarFlag(task, 'recrdeptask') or "").split())
    return result


def tasksbetween(task_start, task_end, d):
    """Tasks on dependency chains leading from ``task_start`` to ``task_end``,
    in the order they are first met (depth first over the datastore's keys)."""
    found = []
    holders = getattr(d, "_rbake_names_with_flag", None)
    if holders is not None:
        # The same list, without reading every name (see crate::reuse).
        tasks = holders("task")
    else:
        tasks = [k for k in d.keys() if d.getVarFlag(k, "task")]

    def walk(task, chain):
        if task in chain:
            bb.fatal("Circular task dependencies as %s depends on itself via the chain %s"
                     % (task, " -> ".join(chain)))
        chain.append(task)
        for other in tasks:
            if other == task:
                continue
            if task == task_end:
                for t in chain:
                    if t not in found:
                        found.append(t)
            elif task in (d.getVarFlag(other, 'deps', False) or []):
                walk(other, chain)
        chain.pop()

    walk(task_start, [])
    return found


# --- what lives in the private modules --------------------------------------

from bb._build_shell import (  # noqa: E402,F401
    create_progress_handler, exec_func_shell, shell_trap_code)
from bb._build_task import exec_task, _exec_task, _task_data  # noqa: E402,F401
from bb._build_stamps import (  # noqa: E402,F401
    cached_mtime_noerror, clean_stamp, clean_stamp_mcfn, del_stamp, find_stale_stamps,
    make_stamp, make_stamp_mcfn, reset_cache, stampfile, write_taint)
from bb._build_worker import run_worker_task  # noqa: E402,F401
