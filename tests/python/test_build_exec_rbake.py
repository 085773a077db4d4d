"""Checks of rbake-only task behaviour: atomic stamps and bb.build.run_worker_task.

Run by test_build_exec.py as ``test_build_exec_rbake.py QUERIES_PYTHON``
(rbake's queries/python goes first on sys.path). Each run_worker_task
check runs in a forked child, since the function changes the process for
good (environment, umask). Prints one line per check and exits 1 if any
failed.
"""

import json
import os
import stat
import sys
import tempfile

sys.path.insert(0, sys.argv[1])

import bb  # noqa: E402
import bb.build  # noqa: E402
import bb.data  # noqa: E402
import bb.parse  # noqa: E402
import bb.siggen  # noqa: E402

FAILURES = []


def check(name, condition, detail=""):
    print("%s: %s%s" % ("ok" if condition else "FAIL", name, "" if condition else " (%s)" % detail))
    if not condition:
        FAILURES.append(name)


def make_store(root, handler="noop"):
    d = bb.data.init()
    recipe = os.path.join(root, "foo_1.0.bb")
    for name, value in {
        "PN": "foo", "PV": "1.0", "PF": "foo-1.0-r0", "FILE": recipe,
        "WORKDIR": os.path.join(root, "work"), "T": "${WORKDIR}/temp",
        "STAMP": os.path.join(root, "stamps", "foo-1.0-r0"),
        "PATH": "/usr/bin:/bin", "EXPORTED": "exported value",
        "LOGFIFO": "${T}/fifo.${@os.getpid()}",
        "BB_SIGNATURE_HANDLER": handler,
        "BB_HASHSERVE": "unix://" + os.path.join(root, "hashserv.sock"),
    }.items():
        d.setVar(name, value)
    d.setVarFlag("PATH", "export", "1")
    d.setVarFlag("EXPORTED", "export", "1")
    d.setVar("bbwarn", 'printf "%b\\0" "bbwarn $*" > ${LOGFIFO}')
    d.setVarFlag("bbwarn", "func", 1)
    tasks = []

    def define(name, body, python=False, **flags):
        d.setVar(name, body)
        d.setVarFlag(name, "func", 1)
        d.setVarFlag(name, "lineno", 1)
        d.setVarFlag(name, "filename", recipe)
        if python:
            d.setVarFlag(name, "python", 1)
        for flag, value in flags.items():
            d.setVarFlag(name, flag, value)
        if name.startswith("do_"):
            d.setVarFlag(name, "task", 1)
            tasks.append(name)

    define("do_report", "\n".join([
        '    import json',
        '    bb.note("note from task")',
        '    bb.plain("plain from task")',
        '    bb.warn("warning from task")',
        '    bb.debug(1, "debug is not sent")',
        '    bb.event.fire(bb.build.TaskProgress(50.0), d)',
        '    path = d.expand("${WORKDIR}/report.json")',
        '    with open(path, "w") as f:',
        '        json.dump({name: d.getVar(name) for name in ("BB_WORKERCONTEXT", "BB_CURRENTTASK",',
        '                   "BB_TASKHASH", "BB_UNIHASH")} | {"env": os.environ.get("EXPORTED"),',
        '                   "umask": oct(os.stat(path).st_mode & 0o777)}, f)',
        '    bb.build.exec_func("shell_warn", d)',
    ]) + "\n", python=True, umask="027")
    define("shell_warn", '\tbbwarn "warning from shell"\n')
    define("do_noexec", "", noexec="1")
    define("do_fakeroot", '\tid -u > ${WORKDIR}/fakeroot-uid\n', fakeroot="1")
    d.setVar("__BBTASKS", tasks)
    return d, recipe


def in_child(function):
    """Run ``function()`` in a forked child; its JSON-able result, or the error text."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            result = {"value": function()}
        except BaseException as exc:
            import traceback
            result = {"error": "%s\n%s" % (exc, traceback.format_exc())}
        with os.fdopen(write_end, "w") as f:
            json.dump(result, f)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        text = f.read()
    os.waitpid(pid, 0)
    result = json.loads(text) if text else {"error": "no result"}
    if "error" in result:
        print(result["error"])
    return result.get("value")


def worker_run(root, task, handler="noop", close_channel=False, setup=None):
    """Run ``task`` through run_worker_task in a child; (status, JSON lines sent)."""
    read_end, write_end = os.pipe()

    def child():
        os.close(read_end)
        d, recipe = make_store(root, handler)
        if setup:
            setup(d)
        bb.parse.siggen = None
        fd = write_end
        if close_channel:
            os.close(write_end)
        return bb.build.run_worker_task(recipe, task, d, "t" * 8, "u" * 8, event_fd=fd)

    pid = os.fork()
    if pid == 0:
        status = 3
        try:
            status = child()
        except BaseException:
            import traceback
            traceback.print_exc()
        os._exit(status if isinstance(status, int) else 3)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        data = f.read()
    _, status = os.waitpid(pid, 0)
    lines = [json.loads(line) for line in data.decode("utf-8").splitlines() if line]
    return os.waitstatus_to_exitcode(status), lines


def check_atomic_stamps(root):
    def body():
        d, recipe = make_store(root, "basichash")
        bb.parse.siggen = bb.siggen.init(d)
        bb.parse.siggen.setup_datacache_from_datastore(recipe, d)
        bb.parse.siggen.taskhash[recipe + ":do_report"] = "abcd"
        bb.build.make_stamp_mcfn("do_report", recipe)
        stampdir = os.path.join(root, "stamps")
        first = os.stat(os.path.join(stampdir, "foo-1.0-r0.do_report.abcd")).st_ino
        bb.build.make_stamp_mcfn("do_report", recipe)
        second = os.stat(os.path.join(stampdir, "foo-1.0-r0.do_report.abcd")).st_ino
        listing = sorted(os.listdir(stampdir))
        # A rename that fails leaves neither a stamp nor a temporary file.
        bb.parse.siggen.taskhash[recipe + ":do_report"] = "ef01"
        real_rename = os.rename

        def failing_rename(src, dst):
            raise OSError("simulated failure")
        os.rename = failing_rename
        try:
            bb.build.make_stamp_mcfn("do_report", recipe)
            failed = False
        except OSError:
            failed = True
        finally:
            os.rename = real_rename
        return {"listing": listing, "replaced": first != second, "failed": failed,
                "after failure": sorted(os.listdir(stampdir))}

    result = in_child(body) or {}
    check("a stamp is written with no temporary file left",
          result.get("listing") == ["foo-1.0-r0.do_report.abcd"], result)
    check("a stamp made again is a new file (renamed into place)", result.get("replaced"), result)
    check("a failed rename leaves no stamp and no temporary file",
          result.get("failed") and result.get("after failure") == [], result)


def check_worker(root):
    status, lines = worker_run(root, "do_report", "TestEquivHash")
    check("run_worker_task returns 0 for a task that succeeds", status == 0, status)
    events = [line["event"] for line in lines if "event" in line]
    check("events are sent as JSON lines", events == ["TaskStarted", "TaskProgress", "TaskSucceeded"], lines)
    started = next((line for line in lines if line.get("event") == "TaskStarted"), {})
    check("a task event names its task and message",
          started.get("task") == "do_report" and started.get("message") == "recipe foo-1.0-r0: task do_report: Started"
          and isinstance(started.get("pid"), int), started)
    progress = next((line for line in lines if line.get("event") == "TaskProgress"), {})
    check("TaskProgress carries its progress", progress.get("progress") == 50.0, progress)
    logs = [(line["log"], line["message"]) for line in lines if "log" in line]
    check("notes, plain messages and warnings are sent, debug messages are not",
          logs == [("NOTE", "note from task"), ("PLAIN", "plain from task"), ("WARNING", "warning from task"),
                   ("WARNING", "warning from shell")], logs)
    with open(os.path.join(root, "work", "report.json")) as f:
        report = json.load(f)
    check("the task sees the worker variables and the exported environment", report == {
        "BB_WORKERCONTEXT": "1", "BB_CURRENTTASK": "report", "BB_TASKHASH": "tttttttt",
        "BB_UNIHASH": "uuuuuuuu", "env": "exported value", "umask": "0o640"}, report)
    stamps = sorted(os.listdir(os.path.join(root, "stamps")))
    check("with hash equivalence the stamp carries the unihash", "foo-1.0-r0.do_report.uuuuuuuu" in stamps, stamps)

    shutil_rmtree(os.path.join(root, "stamps"))
    status, _ = worker_run(root, "do_report", "basichash")
    stamps = sorted(os.listdir(os.path.join(root, "stamps")))
    check("without hash equivalence the stamp carries the taskhash",
          status == 0 and stamps == ["foo-1.0-r0.do_report.tttttttt"], (status, stamps))

    status, lines = worker_run(root, "do_report", close_channel=True)
    check("a closed event channel does not fail the task", status == 0 and lines == [], (status, lines))

    shutil_rmtree(os.path.join(root, "stamps"))
    status, lines = worker_run(root, "do_noexec")
    stamps = sorted(os.listdir(os.path.join(root, "stamps")))
    check("a noexec task only gets its stamp", status == 0 and stamps == ["foo-1.0-r0.do_noexec"]
          and not [line for line in lines if "event" in line], (status, stamps, lines))

    def missing_fakeroot(d):
        d.setVar("FAKEROOTCMD", os.path.join(root, "no", "pseudo"))
    status, lines = worker_run(root, "do_fakeroot", setup=missing_fakeroot)
    errors = [line["message"] for line in lines if line.get("log") == "ERROR"]
    check("a fakeroot task fails clearly when pseudo is not installed",
          status == 1 and errors and "pseudo/fakeroot is not installed" in errors[0], (status, lines))

    wrapper = os.path.join(root, "fakewrap")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\necho "$@" >> %s/fakewrap.calls\n'
                '[ "$1" = "-S" ] && exit 0\nexec fakeroot -- "$@"\n' % root)
    os.chmod(wrapper, 0o755)

    def fake_fakeroot(d):
        d.setVar("FAKEROOTCMD", wrapper)
        d.setVar("FAKEROOTENV", "PSEUDO_DISABLED=0")
        d.setVar("FAKEROOTDIRS", "${WORKDIR}/pseudo")
    status, lines = worker_run(root, "do_fakeroot", setup=fake_fakeroot)
    with open(os.path.join(root, "fakewrap.calls")) as f:
        calls = f.read().split("\n")
    uid = open(os.path.join(root, "work", "fakeroot-uid")).read().strip() \
        if os.path.exists(os.path.join(root, "work", "fakeroot-uid")) else None
    check("a fakeroot task runs its shell functions under FAKEROOTCMD and stops it with -S",
          status == 0 and calls[0].endswith("run.do_fakeroot.%s" % calls[0].rsplit(".", 1)[-1])
          and "-S" in calls and os.path.isdir(os.path.join(root, "work", "pseudo")) and uid == "0",
          (status, calls, uid, lines))


def shutil_rmtree(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


def main():
    with tempfile.TemporaryDirectory(prefix="rbake-build-exec-only-") as root:
        check_atomic_stamps(root)
        check_worker(root)
    print("rbake-only: %d failed" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
