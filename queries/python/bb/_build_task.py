"""Running one task for bb.build: ``exec_task`` and its log file, events and stamp.

A task runs with a copy of the recipe's datastore in which OVERRIDES
starts with ``task-<name>``. Its standard output and error, and every
"BitBake" log record, go to ``${T}/log.<task>.<pid>`` (linked from
``${T}/log.<task>``); ``${T}/log.task_order`` gets one line per task run.
Around the task's prefuncs, body and postfuncs the events TaskStarted and
TaskSucceeded (or TaskFailed / TaskFailedSilent) are fired, and after a
success the task's stamp is made unless it has the ``nostamp`` or
``selfstamp`` flag.

This is rbake's own code; BitBake's bb/build.py is its specification.
"""

import datetime
import logging
import os
import sys

import bb
import bb.data
import bb.utils
from bb import event

logger = logging.getLogger('BitBake.Build')
bblogger = logging.getLogger('BitBake')


def _task_data(fn, task, d):
    """The datastore a task runs with: a copy of ``d`` with the task's override."""
    localdata = bb.data.createCopy(d)
    localdata.setVar('BB_FILENAME', fn)
    localdata.setVar('OVERRIDES', 'task-%s:%s' % (task[3:].replace('_', '-'), d.getVar('OVERRIDES', False)))
    bb.data.expandKeys(localdata)
    return localdata


class _ErrorCheckHandler(logging.Handler):
    """Remembers whether an error was logged (other than one forced into the log only)."""

    def __init__(self):
        logging.Handler.__init__(self, logging.ERROR)
        self.triggered = False

    def emit(self, record):
        self.triggered = not getattr(record, 'forcelog', False)


def _set_priorities(localdata):
    """Apply BB_TASK_NICE_LEVEL and BB_TASK_IONICE_LEVEL to this process."""
    nice = localdata.getVar("BB_TASK_NICE_LEVEL")
    if nice:
        current = os.nice(0)
        newnice = os.nice(int(nice) - current)
        logger.debug("Renice to %s " % newnice)
    ionice = localdata.getVar("BB_TASK_IONICE_LEVEL")
    if ionice:
        try:
            cls, prio = ionice.split(".", 1)
            bb.utils.ioprio_set(os.getpid(), int(cls), int(prio))
        except Exception:
            bb.warn("Invalid ionice level %s" % ionice)


def _record_task_order(tempdir, task, logbase):
    logorder = os.path.join(tempdir, 'log.task_order')
    try:
        with open(logorder, 'a') as logorderfile:
            timestamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S.%f")
            logorderfile.write('%s %s (%s): %s\n' % (timestamp, task, os.getpid(), logbase))
    except OSError:
        logger.exception("Opening log file '%s'", logorder)


class _RedirectedStreams:
    """Standard input from /dev/null and standard output and error into ``logfile``, at the fd level.

    ``restore()`` puts the original descriptors back.
    """

    def __init__(self, logfile):
        self.saved = []
        for stream in (sys.stdin, sys.stdout, sys.stderr):
            fd = stream.fileno()
            self.saved.append((os.dup(fd), fd))
        with open('/dev/null', 'r') as devnull:
            os.dup2(devnull.fileno(), sys.stdin.fileno())
        os.dup2(logfile.fileno(), sys.stdout.fileno())
        os.dup2(logfile.fileno(), sys.stderr.fileno())

    def restore(self):
        for backup, fd in self.saved:
            os.dup2(backup, fd)
        for backup, _ in self.saved:
            os.close(backup)


def _exec_task(fn, task, d, quieterr):
    """Run ``task`` of the recipe ``fn``; 0 on success, 1 on failure (see the module docstring)."""
    import bb.build
    from bb.build import (TaskFailed, TaskFailedSilent, TaskInvalid, TaskStarted,
                          TaskSucceeded, exec_func)

    if not d.getVarFlag(task, 'task', False):
        event.fire(TaskInvalid(task, fn, d), d)
        logger.error("No such task: %s" % task)
        return 1

    logger.debug("Executing task %s", task)

    localdata = _task_data(fn, task, d)
    tempdir = localdata.getVar('T')
    if not tempdir:
        bb.fatal("T variable not set, unable to build")

    _set_priorities(localdata)
    bb.utils.mkdirhier(tempdir)

    logfmt = localdata.getVar('BB_LOGFMT') or 'log.{task}.{pid}'
    logbase = logfmt.format(task=task, pid=os.getpid())
    _record_task_order(tempdir, task, logbase)

    # A courtesy link to the newest log of the task.
    loglink = os.path.join(tempdir, 'log.%s' % task)
    logfn = os.path.join(tempdir, logbase)
    bb.utils.remove(loglink)
    try:
        os.symlink(logbase, loglink)
    except OSError:
        pass

    prefuncs = localdata.getVarFlag(task, 'prefuncs', expand=True)
    postfuncs = localdata.getVarFlag(task, 'postfuncs', expand=True)

    try:
        bb.utils.mkdirhier(os.path.dirname(logfn))
        logfile = open(logfn, 'w')
    except OSError:
        logger.exception("Opening log file '%s'", logfn)
        raise

    streams = _RedirectedStreams(logfile)

    # Every BitBake log record of the task goes to its log, debug included.
    handler = logging.StreamHandler(logfile)
    handler.setFormatter(bb.build.logformatter)
    handler.setLevel(logging.DEBUG - 2)
    bblogger.addHandler(handler)

    errchk = _ErrorCheckHandler()
    bblogger.addHandler(errchk)

    localdata.setVar('BB_LOGFILE', logfn)
    localdata.setVar('BB_RUNTASK', task)
    localdata.setVar('BB_TASK_LOGGER', bblogger)

    flags = localdata.getVarFlags(task)

    try:
        try:
            event.fire(TaskStarted(task, fn, logfn, flags, localdata), localdata)
            for func in (prefuncs or '').split():
                exec_func(func, localdata)
            exec_func(task, localdata)
            for func in (postfuncs or '').split():
                exec_func(func, localdata)
        finally:
            # The log is complete and closed before the events that follow,
            # whose receivers may read it.
            sys.stdout.flush()
            sys.stderr.flush()
            bblogger.removeHandler(handler)
            streams.restore()
            logfile.close()
            if os.path.exists(logfn) and os.path.getsize(logfn) == 0:
                logger.debug2("Zero size logfn %s, removing", logfn)
                bb.utils.remove(logfn)
                bb.utils.remove(loglink)
    except (Exception, SystemExit) as exc:
        handled = isinstance(exc, bb.BBHandledException)
        if quieterr:
            if not handled:
                logger.warning(str(exc))
            event.fire(TaskFailedSilent(task, fn, logfn, localdata), localdata)
        else:
            # An error already logged, or output already shown, is not
            # printed again by the UI.
            errprinted = errchk.triggered or bb.build.verboseStdoutLogging or handled
            if not handled:
                logger.error(str(exc))
            event.fire(TaskFailed(task, fn, logfn, localdata, errprinted), localdata)
        return 1
    finally:
        bblogger.removeHandler(errchk)

    event.fire(TaskSucceeded(task, fn, logfn, localdata), localdata)

    if not localdata.getVarFlag(task, 'nostamp', False) and not localdata.getVarFlag(task, 'selfstamp', False):
        bb.build.make_stamp(task, localdata)

    return 0


def exec_task(fn, task, d, profile=False):
    """Run ``task`` of the recipe ``fn`` with the datastore ``d``; 0 on success, 1 on failure.

    A task with the ``quieterrors`` flag fails with TaskFailedSilent and
    without error messages. With ``profile``, the run is profiled into
    ``profile-<PN>-<task>.log``.
    """
    quieterr = d.getVarFlag(task, "quieterrors", False) is not None
    try:
        if not profile:
            return _exec_task(fn, task, d, quieterr)
        try:
            import cProfile as profiler
        except ImportError:
            import profile as profiler
        profname = "profile-%s.log" % (d.getVar("PN") + "-" + task)
        prof = profiler.Profile()
        ret = prof.runcall(_exec_task, fn, task, d, quieterr)
        prof.dump_stats(profname)
        bb.utils.process_profilelog(profname)
        return ret
    except Exception:
        from traceback import format_exc
        from bb.build import TaskFailed
        if not quieterr:
            logger.error("Build of %s failed" % task)
            logger.error(format_exc())
            event.fire(TaskFailed(task, fn, None, d, True), d)
        return 1
