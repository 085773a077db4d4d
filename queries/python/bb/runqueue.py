"""Task ids and run queue events (rbake's own implementation of the parts of BitBake's bb.runqueue that metadata uses).

A task id ("tid") is ``[mc:<mc>:]<recipe file>:<task>``; the recipe file
part may itself contain colons (``virtual:native:/path/foo.bb``).
"""

import fnmatch

import bb
import bb.event


def _has_mc_prefix(s):
    return s.startswith('mc:') and s.count(':') >= 2


def fn_from_tid(tid):
    return tid.rsplit(":", 1)[0]


def taskname_from_tid(tid):
    return tid.rsplit(":", 1)[1]


def mc_from_tid(tid):
    if _has_mc_prefix(tid):
        return tid.split(':')[1]
    return ""


def split_mc(n):
    """(multiconfig, rest) of a name that may start with mc:<mc>:."""
    if _has_mc_prefix(n):
        _, mc, rest = n.split(":", 2)
        return (mc, rest)
    return ('', n)


def split_tid_mcfn(tid):
    """(mc, fn, taskname, mcfn), where mcfn is fn with its mc: prefix."""
    if _has_mc_prefix(tid):
        parts = tid.split(':')
        mc = parts[1]
        fn = ":".join(parts[2:-1])
        return (mc, fn, parts[-1], "mc:%s:%s" % (mc, fn))
    fn, taskname = tid.rsplit(":", 1)
    return ("", fn, taskname, fn)


def split_tid(tid):
    mc, fn, taskname, _ = split_tid_mcfn(tid)
    return (mc, fn, taskname)


def build_tid(mc, fn, taskname):
    if mc:
        return "mc:%s:%s:%s" % (mc, fn, taskname)
    return "%s:%s" % (fn, taskname)


def get_setscene_enforce_ignore_tasks(d, targets):
    """BB_SETSCENE_ENFORCE_IGNORE_TASKS with '%:task' entries expanded per
    target, or None when BB_SETSCENE_ENFORCE is not "1"."""
    if d.getVar('BB_SETSCENE_ENFORCE') != '1':
        return None
    result = []
    for item in (d.getVar("BB_SETSCENE_ENFORCE_IGNORE_TASKS") or "").split():
        if item.startswith('%:'):
            task = item.split(':')[1]
            result.extend(target + ':' + task for (_mc, target, _task, _fn) in targets)
        else:
            result.append(item)
    return result


def check_setscene_enforce_ignore_tasks(pn, taskname, ignore_tasks):
    if ignore_tasks is None:
        return True
    item = '%s:%s' % (pn, taskname)
    return any(fnmatch.fnmatch(item, pattern) for pattern in ignore_tasks)


class RunQueueStats:
    """Counters of a run queue's tasks."""

    def __init__(self, total, setscene_total):
        self.completed = 0
        self.skipped = 0
        self.failed = 0
        self.active = 0
        self.setscene_active = 0
        self.setscene_covered = 0
        self.setscene_notcovered = 0
        self.setscene_total = setscene_total
        self.total = total

    def copy(self):
        other = self.__class__(self.total, self.setscene_total)
        other.__dict__.update(self.__dict__)
        return other

    def taskFailed(self):
        self.active -= 1
        self.failed += 1

    def taskCompleted(self):
        self.active -= 1
        self.completed += 1

    def taskSkipped(self):
        self.active += 1
        self.skipped += 1

    def taskActive(self):
        self.active += 1

    def updateCovered(self, covered, notcovered):
        self.setscene_covered = covered
        self.setscene_notcovered = notcovered

    def updateActiveSetscene(self, active):
        self.setscene_active = active


class TaskFailure(Exception):
    def __init__(self, x):
        self.args = x


# --- events ------------------------------------------------------------------

class runQueueExitWait(bb.event.Event):
    def __init__(self, remain):
        self.remain = remain
        self.message = "Waiting for %s active tasks to finish" % remain
        bb.event.Event.__init__(self)


class runQueueEvent(bb.event.Event):
    """Base of the events about one task of the run queue."""

    def __init__(self, task, stats, rq):
        self.taskid = task
        self.taskstring = task
        self.taskname = taskname_from_tid(task)
        self.taskfile = fn_from_tid(task)
        self.taskhash = rq.rqdata.get_task_hash(task)
        self.stats = stats.copy()
        bb.event.Event.__init__(self)


class sceneQueueEvent(runQueueEvent):
    """Base of the events about one setscene task."""

    def __init__(self, task, stats, rq, noexec=False):
        runQueueEvent.__init__(self, task, stats, rq)
        self.taskstring = task + "_setscene"
        self.taskname = taskname_from_tid(task) + "_setscene"


class runQueueTaskStarted(runQueueEvent):
    def __init__(self, task, stats, rq, noexec=False):
        runQueueEvent.__init__(self, task, stats, rq)
        self.noexec = noexec


class sceneQueueTaskStarted(sceneQueueEvent):
    def __init__(self, task, stats, rq, noexec=False):
        sceneQueueEvent.__init__(self, task, stats, rq)
        self.noexec = noexec


class runQueueTaskFailed(runQueueEvent):
    def __init__(self, task, stats, exitcode, rq, fakeroot_log=None):
        runQueueEvent.__init__(self, task, stats, rq)
        self.exitcode = exitcode
        self.fakeroot_log = fakeroot_log

    def __str__(self):
        text = "Task (%s) failed with exit code '%s'" % (self.taskstring, self.exitcode)
        if self.fakeroot_log:
            text += " \nPseudo log:\n%s" % self.fakeroot_log
        return text


class sceneQueueTaskFailed(sceneQueueEvent):
    def __init__(self, task, stats, exitcode, rq):
        sceneQueueEvent.__init__(self, task, stats, rq)
        self.exitcode = exitcode

    def __str__(self):
        return "Setscene task (%s) failed with exit code '%s' - real task will be run instead" % (
            self.taskstring, self.exitcode)


class sceneQueueComplete(sceneQueueEvent):
    def __init__(self, stats, rq):
        self.stats = stats.copy()
        bb.event.Event.__init__(self)


class runQueueTaskCompleted(runQueueEvent):
    pass


class sceneQueueTaskCompleted(sceneQueueEvent):
    pass


class runQueueTaskSkipped(runQueueEvent):
    def __init__(self, task, stats, rq, reason):
        runQueueEvent.__init__(self, task, stats, rq)
        self.reason = reason


class taskUniHashUpdate(bb.event.Event):
    def __init__(self, task, unihash):
        self.taskid = task
        self.unihash = unihash
        bb.event.Event.__init__(self)


class PSIEvent(bb.event.Event):
    def __init__(self, pressure_state, pressure_values):
        bb.event.Event.__init__(self)
        self.pressure_state = pressure_state
        self.pressure_values = pressure_values
