"""Task events and task-table helpers (rbake's own implementation of BitBake's bb.build API).

At parse time rbake can run Python metadata functions (through the rbake
runtime) and edit the task table (through the native ``_rbake`` module).
Running shell functions and tasks belongs to the task runner, which is not
reachable from here yet.
"""

import glob
import logging
import os
import shutil
import sys
import time

import bb
from bb import event

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

def _prepare_dirs(flags, d, dirs):
    """Create cleandirs/dirs as BitBake does; returns the directory to run in."""
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = None
    cleandirs = flags.get('cleandirs')
    if cleandirs:
        for cdir in d.expand(cleandirs).split():
            if os.path.isdir(cdir) and not os.path.islink(cdir):
                shutil.rmtree(cdir)
            elif os.path.lexists(cdir):
                os.unlink(cdir)
            os.makedirs(cdir, exist_ok=True)
            if cdir == cwd:
                os.chdir(cdir)
    if dirs is None:
        dirs = flags.get('dirs')
        if dirs:
            dirs = d.expand(dirs).split()
    if not dirs:
        return None
    for adir in dirs:
        os.makedirs(adir, exist_ok=True)
    return dirs[-1]


def exec_func(func, d, dirs=None):
    """Run the metadata function ``func``; only Python functions are supported by rbake so far."""
    body = d.getVar(func, False)
    if not body:
        if body is None:
            logger.warning("Function %s doesn't exist", func)
        return

    flags = d.getVarFlags(func) or {}
    if not flags.get('python'):
        raise NotImplementedError(
            "rbake: running shell function %s at parse time is not supported yet" % func)

    import bb._runtime
    rundir = _prepare_dirs(flags, d, dirs)
    olddir = None
    if rundir:
        try:
            olddir = os.getcwd()
        except OSError:
            olddir = None
        os.chdir(rundir)
    try:
        bb._runtime.exec_python_func(func, d)
    finally:
        if olddir:
            try:
                os.chdir(olddir)
            except OSError as e:
                bb.warn("%s: Cannot restore cwd %s: %s" % (func, olddir, e))


def exec_task(fn, task, d, profile=False):
    raise NotImplementedError("rbake: bb.build.exec_task (running task %s) is not supported yet" % task)


def shell_trap_code():
    """Preamble for generated shell scripts: stop at the first error and say where."""
    return r'''#!/bin/sh

rbake_exit_handler() {
    status=$?
    if [ "$status" != 0 ]; then
        echo "WARNING: exit code $status from a shell command."
    fi
    exit $status
}
trap 'rbake_exit_handler' 0
set -e
'''


# --- stamps ----------------------------------------------------------------

def _siggen():
    import bb.parse
    siggen = getattr(bb.parse, 'siggen', None)
    if siggen is None:
        raise NotImplementedError("rbake: stamps need bb.parse.siggen, which is not set up")
    return siggen


def _cleanmasks(taskname, mcfn):
    mask = _siggen().stampcleanmask_mcfn(taskname, mcfn)
    if not mask:
        return []
    base = taskname.replace("_setscene", "")
    return [mask, mask.replace(base, base + "_setscene")]


def _kept_stamp(name):
    # signature data and taint files survive a stamp clean
    return "sigdata" in name or "sigbasedata" in name or name.endswith('.taint')


def clean_stamp_mcfn(task, mcfn):
    for mask in _cleanmasks(task, mcfn):
        for name in glob.glob(mask):
            if not _kept_stamp(name):
                os.unlink(name)


def clean_stamp(task, d):
    clean_stamp_mcfn(task, d.getVar('BB_FILENAME'))


def make_stamp_mcfn(task, mcfn):
    raise NotImplementedError("rbake: bb.build.make_stamp_mcfn is not supported yet")


def make_stamp(task, d):
    raise NotImplementedError("rbake: bb.build.make_stamp is not supported yet")


def find_stale_stamps(task, mcfn):
    siggen = _siggen()
    current = (siggen.stampfile_mcfn(task, mcfn),
               siggen.stampfile_mcfn(task + "_setscene", mcfn))
    stale = []
    for mask in _cleanmasks(task, mcfn):
        for name in glob.glob(mask):
            if _kept_stamp(name) or name in current:
                continue
            stale.append(name)
    return stale


def write_taint(task, d):
    """Make ``task`` (and what depends on it) rerun by tainting its hash."""
    _siggen().invalidate_task(task, d.getVar('BB_FILENAME'))


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
