"""The entry point rbake's task worker calls in a forked child: ``bb.build.run_worker_task``.

It prepares the process and the recipe's datastore the way BitBake's
bitbake-worker prepares its child before ``bb.build.exec_task`` (umask,
signature hashes, worker variables, environment, network, fakeroot), runs
the task, and optionally reports events and log messages as JSON lines on
a file descriptor. See ``run_worker_task`` for the details and the format.

This is rbake's own code; BitBake's bin/bitbake-worker and bb/build.py are
its specification.
"""

import json
import logging
import os
import select
import signal
import subprocess
import threading
import traceback

import bb
import bb.data
import bb.event
import bb.utils

logger = logging.getLogger('BitBake')

# The JSON name of each log level the event channel reports.
_LOG_LEVEL_NAMES = (
    (logging.CRITICAL, "CRITICAL"),
    (logging.ERROR - 1, "ERROR"),
    (logging.WARNING - 1, "WARNING"),
    (logging.INFO + 2, "VERBNOTE"),
    (logging.INFO + 1, "PLAIN"),
    (logging.INFO, "NOTE"),
)


def _level_name(levelno):
    for threshold, name in _LOG_LEVEL_NAMES:
        if levelno >= threshold:
            return name
    return None


class _EventChannel:
    """Writes JSON lines to a file descriptor; stops quietly once the descriptor fails."""

    def __init__(self, fd):
        self.fd = fd
        self.broken = False
        self.lock = threading.Lock()

    def send(self, record):
        if self.broken:
            return
        try:
            data = (json.dumps(record, default=str) + "\n").encode("utf-8")
            with self.lock:
                while data:
                    try:
                        written = os.write(self.fd, data)
                    except BlockingIOError:
                        # A non-blocking pipe that is full: wait until it drains.
                        select.select([], [self.fd], [], 5)
                        continue
                    data = data[written:]
        except (OSError, ValueError, TypeError):
            # The reader went away (or the descriptor was closed): the task
            # goes on without its event channel.
            self.broken = True

    def fire(self, event, d):
        """A ``bb.event.worker_fire`` replacement: events as JSON lines."""
        if isinstance(event, logging.LogRecord):
            # Log records have their own handler (_LogChannelHandler).
            return
        self.send(describe_event(event))


def describe_event(event):
    """The JSON object for ``event`` (see ``run_worker_task``)."""
    import bb.build

    record = {"event": type(event).__name__}
    if isinstance(event, bb.build.TaskBase):
        record["task"] = event.task
        record["fn"] = event._fn
    for name, value in sorted(vars(event).items()):
        if name.startswith("_") or name == "data" or name in record:
            continue
        if value is None or isinstance(value, (str, int, float, bool)):
            record[name] = value
    message = getattr(event, "_message", None)
    if isinstance(message, str):
        record["message"] = message
    return record


class _LogChannelHandler(logging.Handler):
    """Sends the "BitBake" log records at note level or above to the event channel."""

    def __init__(self, channel):
        logging.Handler.__init__(self, logging.INFO)
        self.channel = channel

    def emit(self, record):
        try:
            level = _level_name(record.levelno)
            if level is None:
                return
            entry = {"log": level, "message": bb.record_text(record), "pid": os.getpid()}
            if getattr(record, "forcelog", False):
                entry["forcelog"] = True
            self.channel.send(entry)
        except Exception:
            self.handleError(record)


def _pairs(value):
    """``NAME=VALUE`` words as (name, value) pairs."""
    return [word.split('=', 1) for word in (value or "").split() if '=' in word]


def _tell_siggen(fn, task, d, taskhash, unihash):
    """Set up ``bb.parse.siggen`` so that the task's stamps carry its hashes."""
    import bb.parse
    import bb.siggen

    if bb.parse.siggen is None:
        bb.parse.siggen = bb.siggen.init(d)
    siggen = bb.parse.siggen
    siggen.setup_datacache_from_datastore(fn, d)
    # A setscene task's stamp is named after its real task's hashes.
    real_task = task[:-len("_setscene")] if task.endswith("_setscene") else task
    tid = fn + ":" + real_task
    if taskhash:
        siggen.taskhash[tid] = taskhash
    if unihash:
        siggen.unihash[tid] = unihash
        # A generator with hash equivalence names stamps after the unihash
        # it knows for the task's current taskhash.
        if taskhash and hasattr(siggen, "set_unihash"):
            siggen.tidtopn[tid] = d.getVar("PN") or ""
            siggen.set_unihash(tid, unihash)


def _fakeroot_setup(task, d):
    """Environment pairs for the task, and the fakeroot command (None if not fakeroot).

    Returns (error message or None, environment pairs, base environment
    pairs, fakeroot argv or None).
    """
    import bb._build_shell as shell

    if d.getVarFlag(task, 'fakeroot', False) is None:
        return None, _pairs(d.getVar("FAKEROOTNOENV")), [], None

    argv = shell.fakeroot_command(d)
    if not argv:
        return ("%s needs fakeroot, but FAKEROOTCMD is not set: pseudo/fakeroot is not "
                "installed or not configured" % task), [], [], None
    missing = shell.fakeroot_missing_message(task, argv)
    if missing:
        return missing, [], [], None
    for path in (d.getVar("FAKEROOTDIRS") or "").split():
        bb.utils.mkdirhier(path)
    logger.debug2('Running %s:%s under fakeroot, fakedirs: %s'
                  % (d.getVar("FILE"), task, ', '.join((d.getVar("FAKEROOTDIRS") or "").split())))
    return None, _pairs(d.getVar("FAKEROOTENV")), _pairs(d.getVar("FAKEROOTBASEENV")), argv


def _prepare(fn, task, d, taskhash, unihash):
    """Everything bitbake-worker's child does before exec_task; returns the fakeroot argv or None.

    Raises on failure (the caller reports it).
    """
    umask = d.getVarFlag(task, 'umask') or d.getVar("BB_DEFAULT_UMASK")
    if umask:
        os.umask(bb.utils.to_filemode(umask))

    error, fakeenv, baseenv, fakeroot_argv = _fakeroot_setup(task, d)
    if error:
        raise _WorkerSetupError(error)

    d.setVar("BB_WORKERCONTEXT", "1")
    d.setVar("BB_CURRENTTASK", task.replace("do_", ""))
    _tell_siggen(fn, task, d, taskhash, unihash)
    d.setVar('BB_TASKHASH', taskhash)
    d.setVar('BB_UNIHASH', unihash)

    bb.utils.set_process_name("%s:%s" % (d.getVar("PN"), task.replace("do_", "")))

    if not bb.utils.to_boolean(d.getVarFlag(task, 'network')):
        uid, gid = os.getuid(), os.getgid()
        if bb.utils.is_local_uid(uid):
            logger.debug("Attempting to disable network for %s" % task)
            bb.utils.disable_network(uid, gid)
        else:
            logger.debug("Skipping disable network for %s since %s is not a local uid." % (task, uid))

    # The task sees exactly the exported variables (expanded before the
    # environment is emptied), plus the fakeroot settings.
    exports = bb.data.exported_vars(d)
    bb.utils.empty_environment()
    for name, value in exports:
        os.environ[name] = value
    # rbake's worker is not started under pseudo as BitBake's fakeroot
    # worker is: the base settings pseudo itself needs go to the
    # environment of the commands run under it.
    for name, value in baseenv:
        os.environ[name] = value
    for name, value in fakeenv:
        os.environ[name] = value
        d.setVar(name, value)
        d.setVarFlag(name, 'export', "1")

    task_exports = d.getVarFlag(task, 'exports')
    if task_exports:
        for name in task_exports.split():
            d.setVarFlag(name, 'export', '1')
            value = d.getVar(name)
            if value is not None:
                os.environ[name] = value
    return fakeroot_argv


class _WorkerSetupError(Exception):
    pass


def _run_noexec(fn, task, d, taskhash, unihash):
    """A noexec task does not run: like BitBake's runqueue, only stamp it."""
    _tell_siggen(fn, task, d, taskhash, unihash)
    bb.build.make_stamp_mcfn(task, fn)
    return 0


def run_worker_task(fn, task, d, taskhash, unihash, event_fd=None):
    """Run ``task`` of the recipe ``fn`` (its datastore ``d``) in this worker process; 0 or 1.

    Meant for a forked child of rbake's worker, whose environment, umask,
    process name and network it changes for good. ``fn`` is the recipe's
    file name as task ids use it ("virtual:native:/path.bb", with "mc:..."
    for multiconfig); ``taskhash`` and ``unihash`` are the task's
    signatures, which its stamp is named after (with hash equivalence,
    the unihash; else the taskhash; no hash with the "noop" generator).

    Before ``bb.build.exec_task`` it does what bitbake-worker's child does:
    the umask from the task's ``umask`` flag or BB_DEFAULT_UMASK; the
    variables BB_WORKERCONTEXT ("1"), BB_CURRENTTASK (the task without
    "do_"), BB_TASKHASH and BB_UNIHASH; ``bb.parse.siggen`` told the
    hashes; no network unless the task has the ``network`` flag; an
    environment of only the exported variables, the task's ``exports``
    and FAKEROOTENV (a fakeroot task: it then also creates FAKEROOTDIRS,
    runs its shell functions under FAKEROOTCMD and stops the pseudo
    server with ``FAKEROOTCMD -S`` afterwards) or FAKEROOTNOENV. A fakeroot
    task whose FAKEROOTCMD is unset or not installed fails at once, with
    an error saying that pseudo/fakeroot is not installed. A ``noexec``
    task does not run: its stamp is made, as BitBake's runqueue does.

    Event channel: when ``event_fd`` is an int, one JSON object per line
    (UTF-8) is written to it for

    - every event fired with ``bb.event.fire``:
      ``{"event": CLASS_NAME, ...}`` with, for task events, "task"
      (e.g. "do_compile"), "fn", "message" (e.g. "recipe foo-1.0-r0: task
      do_compile: Started"), "logfile", "pid", "pn", "pv", "taskname",
      "taskfile", "time" and "errprinted" (TaskFailed), and for other
      events every public attribute that is a string, number, boolean
      or null, e.g. ``{"event": "TaskProgress", "pid": 123,
      "progress": 50.0, "rate": null}``;
    - every "BitBake" log record at note level or above (bb.note,
      bb.plain, bb.verbnote, bb.warn, bb.error, bb.fatal and the
      corresponding logger calls, including shell functions' bbnote ...):
      ``{"log": LEVEL, "message": TEXT}``, LEVEL being one of "NOTE",
      "PLAIN", "VERBNOTE", "WARNING", "ERROR" or "CRITICAL" (bb.fatal),
      with ``"forcelog": true`` for messages meant for the log only.

    Writing never fails the task: once the descriptor cannot be written
    (closed, reader gone), nothing more is sent.

    Class event handlers run as in BitBake when the caller has entered
    the recipe's rbake session.
    """
    # A task reads the real clock; only parsing reads a pinned one.
    try:
        import bb._runtime
        bb._runtime.unpin_clock()
    except ImportError:
        pass
    channel = _EventChannel(event_fd) if isinstance(event_fd, int) and not isinstance(event_fd, bool) else None
    saved_fire = bb.event.worker_fire
    saved_pid = bb.event.worker_pid
    bb.event.worker_pid = os.getpid()
    handler = None
    if channel is not None:
        bb.event.worker_fire = channel.fire
        handler = _LogChannelHandler(channel)
        logger.addHandler(handler)
        if threading.current_thread() is threading.main_thread():
            # A closed reader must give EPIPE, not kill the task.
            signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        return _run(fn, task, d, taskhash, unihash)
    finally:
        if handler is not None:
            logger.removeHandler(handler)
        bb.event.worker_fire = saved_fire
        bb.event.worker_pid = saved_pid


def _run(fn, task, d, taskhash, unihash):
    import bb._build_shell as shell
    import bb.build

    try:
        if d.getVarFlag(task, 'noexec', False) is not None and d.getVarFlag(task, 'task', False):
            return _run_noexec(fn, task, d, taskhash, unihash)
        fakeroot_argv = _prepare(fn, task, d, taskhash, unihash)
    except _WorkerSetupError as exc:
        logger.error(str(exc))
        return 1
    except Exception:
        logger.critical(traceback.format_exc())
        return 1

    shell.fakeroot_wrapper = fakeroot_argv
    try:
        ret = bb.build.exec_task(fn, task, d)
    finally:
        shell.fakeroot_wrapper = None
        stopped = _stop_fakeroot(fakeroot_argv)
    # As in bitbake-worker, a pseudo server that does not stop fails the task.
    return ret if stopped else 1


def _stop_fakeroot(argv):
    """Stop the pseudo server of a fakeroot task (``FAKEROOTCMD -S``); False if that failed."""
    if not argv:
        return True
    try:
        subprocess.run(argv + ['-S'], check=True, stdout=subprocess.PIPE)
    except (OSError, subprocess.CalledProcessError) as exc:
        logger.error("Stopping the fakeroot server failed: %s" % exc)
        return False
    return True
