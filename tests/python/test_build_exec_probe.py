"""Runs the same tasks with whichever ``bb`` package is importable and prints what they did as JSON.

Used by test_build_exec.py, once under the reference BitBake and once with
rbake's queries/python. Usage:

    test_build_exec_probe.py ROOT PATH_TO_PREPEND

ROOT is an empty scratch directory (the same path for both runs, so that
paths in scripts and logs agree); PATH_TO_PREPEND goes first on sys.path
(rbake's queries/python, or the oracle's stand-in modules).

For every task it records the exit status of ``bb.build.exec_task``, the
names of the events fired, and the whole tree under ROOT afterwards: kind
of every entry, symlink targets, and file contents (this process's pid
and the timestamps of log.task_order normalised). The last line of
output is the JSON document.
"""

import json
import logging
import os
import re
import sys

ROOT = sys.argv[1]
sys.path.insert(0, sys.argv[2])

import bb  # noqa: E402
import bb.build  # noqa: E402
import bb.data  # noqa: E402
import bb.event  # noqa: E402
import bb.parse  # noqa: E402
import bb.siggen  # noqa: E402
import bb.utils  # noqa: E402

RECIPE = os.path.join(ROOT, "recipes", "foo_1.0.bb")
PID = str(os.getpid())
EVENTS = []

# Records reaching no handler must not be printed by logging's last-resort
# handler (into the task log, which is stderr while a task runs).
logging.getLogger().addHandler(logging.NullHandler())


class _Records(logging.Handler):
    """Keeps the "BitBake" log records of the running task, as "LEVEL: message"."""

    def __init__(self):
        logging.Handler.__init__(self, 1)
        self.lines = []

    def emit(self, record):
        self.lines.append(normalise("%s: %s" % (record.levelname, record.getMessage())))


RECORDS = _Records()
logging.getLogger("BitBake").addHandler(RECORDS)


def record_event(event, d):
    if not isinstance(event, logging.LogRecord):
        EVENTS.append(type(event).__name__)


# As in a task worker: events leave through worker_fire, and debug messages
# are not filtered.
bb.event.worker_fire = record_event
bb.event.worker_pid = os.getpid()


# --- the metadata --------------------------------------------------------

SHELL_LOGGING = {
    # Shell log functions in the style of OE-Core's logging.bbclass: one
    # NUL-terminated "command message" record on the FIFO.
    "bbnote": 'if [ -p ${LOGFIFO} ] ; then\n\tprintf "%b\\0" "bbnote $*" > ${LOGFIFO}\nelse\n\techo "NOTE: $*"\nfi',
    "bbwarn": 'if [ -p ${LOGFIFO} ] ; then\n\tprintf "%b\\0" "bbwarn $*" > ${LOGFIFO}\nelse\n\techo "WARNING: $*"\nfi',
    "bbfatal": 'if [ -p ${LOGFIFO} ] ; then\n\tprintf "%b\\0" "bbfatal $*" > ${LOGFIFO}\nelse\n\techo "ERROR: $*"\nfi\nexit 1',
}

FUNCTIONS = [
    # name, python, body, flags
    ("helper_fn", False, '\techo "helper $1 $2"\n\tnested_fn\n', {}),
    ("nested_fn", False, '\techo "nested in $(pwd)"\n', {}),
    ("unused_fn", False, '\techo "never emitted"\n', {}),
    ("failing_fn", False, '\techo "about to fail"\n\tfalse\n\techo "not reached"\n', {}),
    ("compile_prep", True,
     '    bb.note("preparing %s" % d.getVar("PN"))\n'
     '    with open(d.expand("${WORKDIR}/prep.txt"), "w") as f:\n'
     '        f.write(d.getVar("BB_RUNTASK") + " " + os.path.basename(os.getcwd()) + "\\n")\n',
     {"dirs": "${WORKDIR}/prepdir"}),
    ("compile_post", False, '\ttouch ${WORKDIR}/post-done\n\techo "post in $(pwd)"\n', {}),
    ("do_compile", False,
     '\techo "compiling in $(pwd)"\n'
     '\techo "greeting: $GREETING"\n'
     '\techo "multi: $MULTI"\n'
     '\techo "hidden: ${HIDDEN:-unset}"\n'
     '\thelper_fn one two\n'
     # The FIFO and the output are read in turns: the pauses keep their
     # order in the log the same from run to run.
     '\tsleep 0.3\n'
     '\tbbnote "a note from shell"\n'
     '\tbbwarn "a warning from shell"\n'
     '\tsleep 0.3\n'
     '\techo "to stderr" >&2\n'
     '\ttouch compiled.txt\n',
     {"task": "1", "dirs": "${WORKDIR}/extra ${B}", "cleandirs": "${WORKDIR}/clean",
      "lockfiles": "${WORKDIR}/locks/compile.lock", "prefuncs": "compile_prep",
      "postfuncs": "compile_post", "umask": "022"}),
    ("do_fail", False, '\techo "before"\n\tfailing_fn\n\techo "after"\n', {"task": "1"}),
    ("do_bbfatal", False, '\techo "going"\n\tsleep 0.3\n\tbbfatal "fatal from shell"\n', {"task": "1"}),
    ("do_pyfail", True,
     '    bb.note("py note")\n    x = 1\n    raise ValueError("boom %d" % x)\n', {"task": "1"}),
    ("py_shell_helper", False, '\techo "from helper in $(pwd)"\n\techo "$GREETING"\n',
     {"dirs": "${WORKDIR}/pydir"}),
    ("do_pycall", True,
     '    bb.plain("plain msg")\n'
     '    bb.warn("warn msg")\n'
     '    print("printed by python")\n'
     '    bb.build.exec_func("py_shell_helper", d)\n'
     '    with open(d.expand("${WORKDIR}/pycall.txt"), "w") as f:\n'
     '        f.write(d.getVar("PN") + " " + d.getVar("BB_CURRENT_TASK_OVERRIDE") + "\\n")\n',
     {"task": "1"}),
    ("do_pyshellfail", True, '    bb.build.exec_func("failing_fn", d)\n', {"task": "1"}),
    ("do_nostamp", False, '\techo "no stamp for me"\n', {"task": "1", "nostamp": "1"}),
    ("do_selfstamp", False, '\techo "self stamped"\n', {"task": "1", "selfstamp": "1"}),
    ("do_noexec", False, '', {"task": "1", "noexec": "1"}),
    ("do_extra", True, '    bb.note("extra info")\n', {"task": "1", "stamp-extra-info": "qemux86"}),
    ("do_quiet", False, '\tfalse\n', {"task": "1", "quieterrors": "1"}),
    ("do_progress", False,
     '\techo "step 10%"\n\tsleep 0.3\n\techo "step 50%"\n\tsleep 0.3\n\techo "step 100%"\n',
     {"task": "1", "progress": "percent"}),
    ("do_missingfunc", False, None, {"task": "1"}),
]

TASKS = ["do_compile", "do_fail", "do_bbfatal", "do_pyfail", "do_pycall", "do_pyshellfail",
         "do_nostamp", "do_selfstamp", "do_noexec", "do_extra", "do_quiet", "do_progress",
         "do_missingfunc", "do_notatask", "do_compile"]


def make_store(root, handler="noop"):
    d = bb.data.init()
    values = {
        "PN": "foo", "PV": "1.0", "PR": "r0", "PF": "foo-1.0-r0",
        "FILE": RECIPE, "TOPDIR": root,
        "WORKDIR": os.path.join(root, "work"),
        "T": "${WORKDIR}/temp",
        "B": "${WORKDIR}/build",
        "STAMP": os.path.join(root, "stamps", "foo-1.0-r0"),
        "PATH": "/usr/bin:/bin",
        "GREETING": 'hello "world" $HOME `x` \\n',
        "MULTI": "line1\nline2",
        "HIDDEN": "secret",
        "PLAIN_VAR": "not exported",
        "LOGFIFO": "${T}/fifo.${@os.getpid()}",
        "BB_CURRENT_TASK_OVERRIDE": "${@d.getVar('OVERRIDES').split(':')[0]}",
        "BB_SIGNATURE_HANDLER": handler,
        "__BBTASKS": [name for name, _, _, flags in FUNCTIONS if flags.get("task")],
    }
    for name, value in values.items():
        d.setVar(name, value)
    for name in ("PATH", "GREETING", "MULTI"):
        d.setVarFlag(name, "export", "1")
    d.setVarFlag("HIDDEN", "unexport", "1")
    lineno = 1
    for name, body in SHELL_LOGGING.items():
        d.setVar(name, body)
        d.setVarFlag(name, "func", 1)
        d.setVarFlag(name, "lineno", 200 + lineno)
        d.setVarFlag(name, "filename", "/classes/logging.bbclass")
        lineno += 10
    for name, python, body, flags in FUNCTIONS:
        if body is not None:
            d.setVar(name, body)
        d.setVarFlag(name, "func", 1)
        if python:
            d.setVarFlag(name, "python", 1)
        d.setVarFlag(name, "lineno", lineno)
        d.setVarFlag(name, "filename", RECIPE)
        for flag, value in flags.items():
            d.setVarFlag(name, flag, value)
        lineno += (body or "").count("\n") + 3
    return d


# --- what happened ------------------------------------------------------

_TIMESTAMP = re.compile(r"\b\d{8}-\d{6}\.\d{6}\b")
_PID = re.compile(r"(?<![0-9])%s(?![0-9])" % PID)


def normalise(text):
    text = _PID.sub("<PID>", text)
    return _TIMESTAMP.sub("<TIME>", text)


def tree():
    """Every entry under ROOT: kind, link target, normalised contents."""
    entries = {}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = normalise(os.path.relpath(path, ROOT))
            if os.path.islink(path):
                entries[rel] = ["link", normalise(os.readlink(path))]
            elif os.path.isdir(path):
                entries[rel] = ["dir"]
            elif name.endswith(".taint"):
                entries[rel] = ["file", "<random>"]
            else:
                with open(path, errors="replace") as f:
                    entries[rel] = ["file", normalise(f.read())]
    return entries


def reset_siggen(d, fn):
    bb.parse.siggen = bb.siggen.init(d)
    bb.parse.siggen.setup_datacache_from_datastore(fn, d)
    return bb.parse.siggen


def run_tasks():
    results = []
    d = make_store(ROOT)
    reset_siggen(d, RECIPE)
    for task in TASKS:
        del EVENTS[:]
        del RECORDS.lines[:]
        os.chdir(ROOT)
        ret = bb.build.exec_task(RECIPE, task, d)
        results.append({"task": task, "ret": ret, "events": list(EVENTS),
                        "log records": list(RECORDS.lines), "tree": tree(),
                        "cwd": normalise(os.path.relpath(os.getcwd(), ROOT))})
    return results


def run_stamps():
    """Stamp naming and cleaning with hash-carrying generators."""
    results = {}
    stampdir = os.path.join(ROOT, "stamps")
    tid = RECIPE + ":do_compile"

    def stamps():
        return sorted(os.listdir(stampdir)) if os.path.isdir(stampdir) else []

    d = make_store(ROOT, "basichash")
    d.setVarFlag("do_compile", "stamp-extra-info", "armv7")
    siggen = reset_siggen(d, RECIPE)
    siggen.taskhash[tid] = "1111"
    bb.build.make_stamp_mcfn("do_compile", RECIPE)
    results["basichash first"] = stamps()
    os.makedirs(stampdir, exist_ok=True)
    for name in ("foo-1.0-r0.do_compile.sigdata.1111", "foo-1.0-r0.do_compile_setscene.0000.armv7",
                 "foo-1.0-r0.do_install.3333"):
        open(os.path.join(stampdir, name), "w").close()
    siggen.taskhash[tid] = "2222"
    results["stale"] = sorted(os.path.basename(p) for p in bb.build.find_stale_stamps("do_compile", RECIPE))
    bb.build.make_stamp_mcfn("do_compile", RECIPE)
    results["basichash second"] = stamps()
    bb.build.write_taint("do_compile", bb.build._task_data(RECIPE, "do_compile", d))
    results["tainted"] = stamps()
    bb.build.clean_stamp("do_compile", bb.build._task_data(RECIPE, "do_compile", d))
    results["cleaned"] = stamps()

    d = make_store(ROOT, "TestEquivHash")
    d.setVar("BB_HASHSERVE", "unix://" + os.path.join(ROOT, "nohashserv.sock"))
    siggen = reset_siggen(d, RECIPE)
    siggen.taskhash[tid] = "4444"
    siggen.tidtopn[tid] = "foo"
    siggen.set_unihash(tid, "5555")
    bb.build.make_stamp_mcfn("do_compile", RECIPE)
    results["unihash"] = stamps()

    d = make_store(ROOT)
    reset_siggen(d, RECIPE)
    bb.build.make_stamp_mcfn("do_compile", RECIPE)
    results["noop"] = stamps()
    return results


def main():
    out = os.dup(sys.stdout.fileno())
    document = {"bb_file": bb.__file__, "tasks": run_tasks(), "stamps": run_stamps()}
    with os.fdopen(out, "w") as f:
        f.write("\n" + json.dumps(document) + "\n")


if __name__ == "__main__":
    main()
