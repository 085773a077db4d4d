"""The forked child that runs one task for rbake's worker.

rbake's worker process keeps the parsed recipes and their Python sessions;
for each task it calls ``fork_task``, which forks. The parent gets the
child's process id back at once. The child becomes the leader of a new
process group (so that the whole task can be stopped at once), restores the
default signal dispositions, runs the task through ``bb.build`` and leaves
with ``os._exit``, never returning into the worker.

The child's events and important messages go to a duplicate of the
worker's standard output, which rbake reads; the task's own output goes to
its log.
"""

import ctypes  # noqa: F401 (the network is cut off through it)
import json
import os
import signal

import bb
# What every task's child needs, imported once here in the worker so that
# each child inherits it ready instead of compiling it again.
import bb.build  # noqa: F401
import bb.codeparser  # noqa: F401
import bb.data  # noqa: F401
import bb.event  # noqa: F401
import bb.fetch2  # noqa: F401
import bb.process  # noqa: F401
import bb.siggen  # noqa: F401
import bb.utils  # noqa: F401
import bb._build_shell  # noqa: F401
import bb._build_stamps  # noqa: F401
import bb._build_task  # noqa: F401
import bb._build_worker  # noqa: F401
import sys
import traceback


def fork_task(fn, task, d, taskhash, unihash, taskdepdata=None):
    """Fork a child that runs ``task`` of ``fn`` with datastore ``d``;
    return the child's process id."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        try:
            os.setpgid(pid, pid)
        except OSError:
            # The child has already done it, or has already exited.
            pass
        return pid
    status = 1
    try:
        status = _run_child(fn, task, d, taskhash, unihash, taskdepdata)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


def _run_child(fn, task, d, taskhash, unihash, taskdepdata):
    os.setpgid(0, 0)
    # The worker's handlers (Rust's for faults among them) do not belong
    # to the task.
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGHUP, signal.SIGCHLD,
                   signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL):
        signal.signal(number, signal.SIG_DFL)
    # The worker's standard output carries messages to rbake: the task
    # gets its own duplicate for events, and standard error in its place.
    event_fd = os.dup(1)
    os.dup2(2, 1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)

    import bb
    import logging
    # Messages are no longer collected for the parse that made this
    # datastore: the task's log and the event stream take them.
    if bb.rbake_log_handler is not None:
        logging.getLogger("BitBake").removeHandler(bb.rbake_log_handler)
    if taskdepdata is not None:
        d.setVar("BB_TASKDEPDATA", _task_dep_data(taskdepdata))
    import bb.build
    return bb.build.run_worker_task(fn, task, d, taskhash, unihash, event_fd=event_fd)


def _task_dep_data(text):
    """BB_TASKDEPDATA from rbake's JSON: task id to ``bb.TaskData``."""
    result = {}
    for tid, (pn, taskname, fn, deps, provides, taskhash, unihash, hashfn, hashdeps) in json.loads(text).items():
        result[tid] = bb.TaskData(pn=pn, taskname=taskname, fn=fn, deps=set(deps), provides=provides,
                                  taskhash=taskhash, unihash=unihash, hashfn=hashfn,
                                  taskhash_deps=set(hashdeps))
    return result
