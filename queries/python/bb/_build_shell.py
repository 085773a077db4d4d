"""Shell functions for bb.build: the run script, running it, and reading its messages.

A shell function runs as a script written to ``${T}/run.<func>.<pid>``:
an error-trapping preamble, the exported variables and the shell functions
it needs (``bb.data.emit_func``), a ``cd`` into its directory and the
call. The script writes its output to the task's standard output (the
task log) and its log messages (``bbnote``, ``bbwarn`` ...) to the FIFO
``${T}/fifo.<pid>``, which is read while it runs. A failure raises
``bb.process.ExecutionError``, with the metadata locations of the failing
calls when the shell reported them.

This is rbake's own code; BitBake's bb/build.py is its specification.
"""

import itertools
import logging
import os
import re
import shlex
import shutil
import sys

import bb
import bb.data
import bb.process
import bb.utils

logger = logging.getLogger('BitBake.Build')

# The start of every run script. Under a POSIX shell an EXIT trap reports
# a non-zero status; under bash a DEBUG trap also records the line of each
# command, so that the EXIT trap can print a backtrace, which
# _metadata_backtrace() below reads back. The executable lines are what
# BitBake's scripts contain: the messages and function names are part of
# the interface.
_TRAP_CODE = '''#!/bin/sh\n
__BITBAKE_LAST_LINE=0

# sh: say which status the script ends with when it fails.
bb_sh_exit_handler() {
    ret=$?
    if [ "$ret" != 0 ]; then
        echo "WARNING: exit code $ret from a shell command."
    fi
    exit $ret
}

bb_bash_exit_handler() {
    ret=$?
    { set +x; } > /dev/null
    trap "" DEBUG
    if [ "$ret" != 0 ]; then
        echo "WARNING: ${BASH_SOURCE[0]}:${__BITBAKE_LAST_LINE} exit $ret from '$1'"

        echo "WARNING: Backtrace (BB generated script): "
        for i in $(seq 1 $((${#FUNCNAME[@]} - 1))); do
            if [ "$i" -eq 1 ]; then
                echo -e "\t#$((i)): ${FUNCNAME[$i]}, ${BASH_SOURCE[$((i-1))]}, line ${__BITBAKE_LAST_LINE}"
            else
                echo -e "\t#$((i)): ${FUNCNAME[$i]}, ${BASH_SOURCE[$((i-1))]}, line ${BASH_LINENO[$((i-1))]}"
            fi
        done
    fi
    exit $ret
}

bb_bash_debug_handler() {
    local line=${BASH_LINENO[0]}
    # bash: line 1 is reported when the script exits, which says nothing.
    if [ "$line" -eq 1 ]; then
        return
    fi

    # bash: remember the line of the command about to run, for the
    # exit handler (where LINENO no longer tells it).
    if [ "${FUNCNAME[1]}" != "bb_bash_exit_handler" ]; then
        __BITBAKE_LAST_LINE=$line
    fi
}

case $BASH_VERSION in
"") trap 'bb_sh_exit_handler' 0
    set -e
    ;;
*)  trap 'bb_bash_exit_handler "$BASH_COMMAND"' 0
    trap '{ bb_bash_debug_handler; } 2>/dev/null' DEBUG
    set -e
    shopt -s extdebug
    ;;
esac
'''

# The end of every run script: keep the function's status, drop the trap.
_SCRIPT_END = '''
# the function has returned: leave with its status
ret=$?
trap '' 0
exit $ret
'''


def shell_trap_code():
    """The preamble of a shell function's run script (shebang and error traps)."""
    return _TRAP_CODE


def create_progress_handler(func, progress, logfile, d):
    """A progress handler for the ``progress`` flag of ``func``, writing through to ``logfile``.

    The flag is "percent", "percent:REGEX", "outof:REGEX" or
    "custom:CLASS[:ARGS]" (CLASS looked up in the metadata's namespace).
    An unknown value gives a warning and ``logfile`` itself.
    """
    import bb.progress

    if progress == 'percent':
        return bb.progress.BasicProgressHandler(d, outfile=logfile)
    if progress.startswith('percent:'):
        return bb.progress.BasicProgressHandler(d, regex=progress.split(':', 1)[1], outfile=logfile)
    if progress.startswith('outof:'):
        return bb.progress.OutOfProgressHandler(d, regex=progress.split(':', 1)[1], outfile=logfile)
    if progress.startswith("custom:"):
        parts = progress.split(":", 2)
        classname = parts[1]
        otherargs = (parts[2] or None) if len(parts) > 2 else None
        if classname:
            handler_class = _resolve_dotted(classname, bb.utils.get_context())
            if not handler_class:
                import builtins
                handler_class = _resolve_dotted(classname, vars(builtins))
            if handler_class:
                return handler_class(d, outfile=logfile, otherargs=otherargs)
            bb.warn('%s: unknown custom progress handler in task progress varflag value "%s", ignoring'
                    % (func, classname))
    else:
        bb.warn('%s: invalid task progress varflag value "%s", ignoring' % (func, progress))
    return logfile


def _resolve_dotted(name, namespace):
    """``a.b.c`` looked up from the dictionary ``namespace`` through modules and dictionaries."""
    import types

    current = namespace
    for part in name.split("."):
        if not current:
            return None
        if isinstance(current, types.ModuleType):
            current = getattr(current, part, None)
        else:
            current = current.get(part)
    return current


def _write_script(func, d, runfile, cwd):
    import bb.build

    # The script must not set PWD for the shell.
    d.delVarFlag('PWD', 'export')

    with open(runfile, 'w') as script:
        script.write(shell_trap_code())
        bb.data.emit_func(func, script, d)
        if bb.build.verboseShellLogging or bb.utils.to_boolean(d.getVar("BB_VERBOSE_LOGS", False)):
            script.write("set -x\n")
        if cwd:
            script.write("cd '%s'\n" % cwd)
        script.write("%s\n" % func)
        script.write(_SCRIPT_END)
    os.chmod(runfile, 0o775)


# Set by bb._build_worker while a fakeroot task runs in rbake's worker,
# which (unlike BitBake's) is not itself started under pseudo: the command
# (as a list) every shell function of that task runs under.
fakeroot_wrapper = None


def _missing_program(argv0):
    if os.sep in argv0:
        return not os.access(argv0, os.X_OK)
    return shutil.which(argv0) is None


def _shell_command(func, d, runfile):
    """The command that runs ``runfile``: the script itself, or under fakeroot."""
    if d.getVarFlag(func, 'fakeroot', False):
        fakerootcmd = d.getVar('FAKEROOT')
        if fakerootcmd:
            if _missing_program(fakerootcmd):
                bb.fatal("%s needs fakeroot, but %s (FAKEROOT) does not exist: "
                         "pseudo/fakeroot is not installed" % (func, fakerootcmd))
            return [fakerootcmd, runfile]
    if fakeroot_wrapper:
        return list(fakeroot_wrapper) + [runfile]
    return runfile


def _fifo_reader():
    """A callback for the FIFO's data: NUL-terminated "command message" records."""
    pending = bytearray()

    def dispatch(command, value):
        if command == 'bbplain':
            bb.plain(value)
        elif command == 'bbnote':
            bb.note(value)
        elif command == 'bbverbnote':
            bb.verbnote(value)
        elif command == 'bbwarn':
            bb.warn(value)
        elif command == 'bberror':
            bb.error(value)
        elif command == 'bbfatal':
            # The shell function exits by itself; raising here would stop
            # the reading of its output.
            bb.error(value)
        elif command == 'bbfatal_log':
            bb.error(value, forcelog=True)
        elif command == 'bbdebug':
            level, text = value.split(' ', 1)
            bb.debug(int(level), text)
        else:
            bb.warn("Unrecognised command '%s' on FIFO" % command)

    def read(data):
        pending.extend(data)
        while True:
            end = pending.find(b"\0")
            if end < 0:
                return
            record = bytes(pending[:end])
            del pending[:end + 1]
            command, _, value = record.partition(b' ')
            dispatch(command.decode("utf-8"), value.decode("utf-8"))

    return read


def exec_func_shell(func, d, runfile, cwd=None):
    """Run the shell function ``func`` through the script ``runfile``.

    ``cwd`` is the directory the script changes to before the call.
    Output goes to the standard output (the task log inside a task).
    Raises ``bb.process.ExecutionError`` when the script fails.
    """
    import bb.build

    _write_script(func, d, runfile, cwd)
    cmd = _shell_command(func, d, runfile)

    # Output is copied to the logger too only when asked, and only at the
    # outermost level: a function run from inside another function already
    # has its output captured.
    if bb.build.verboseStdoutLogging and sys.stdout == sys.__stdout__:
        logfile = bb.build.LogTee(logger, bb.build.StdoutNoopContextManager())
    else:
        logfile = bb.build.StdoutNoopContextManager()

    progress = d.getVarFlag(func, 'progress')
    if progress:
        try:
            logfile = create_progress_handler(func, progress, logfile, d)
        except Exception:
            from traceback import format_exc
            logger.error("Failed to create progress handler")
            logger.error(format_exc())
            raise

    fifopath = os.path.join(d.getVar('T'), 'fifo.%s' % os.getpid())
    if os.path.exists(fifopath):
        os.unlink(fifopath)
    os.mkfifo(fifopath)
    with open(fifopath, 'r+b', buffering=0) as fifo:
        try:
            bb.debug(2, "Executing shell function %s" % func)
            with open(os.devnull, 'r+') as stdin, logfile:
                bb.process.run(cmd, shell=False, stdin=stdin, log=logfile,
                               extrafiles=[(fifo, _fifo_reader())])
        except bb.process.ExecutionError as exe:
            frames = _metadata_backtrace(exe.stdout, runfile)
            if frames:
                exe.extra_message = "\nBacktrace (metadata-relative locations):\n%s" % "\n".join(
                    "\t%s" % frame for frame in frames)
            raise
        finally:
            os.unlink(fifopath)

    bb.debug(2, "Shell function %s finished" % func)


_BACKTRACE_START = re.compile(r"WARNING: Backtrace \(BB generated script\)")
_BACKTRACE_FRAME = re.compile(r"#(?P<frameno>\d+): (?P<funcname>[^\s]+), (?P<file>.+?), line (?P<lineno>\d+)")
_LOCATION_COMMENT = re.compile(r"# line: (?P<lineno>\d+), file: (?P<file>.+)")


def _metadata_backtrace(stdout, runfile):
    """The bash backtrace in ``stdout``, with run-script lines turned into metadata lines.

    Each shell function in the script follows a "# line: N, file: F"
    comment giving where the metadata defined it. The last frame (the
    script's own call of the function) is left out.
    """
    lines = (stdout or "").split("\n")
    start = None
    for index in range(len(lines) - 1, -1, -1):
        if _BACKTRACE_START.search(lines[index]):
            start = index + 1
            break
    if not start:
        return []

    frames = []
    for line in itertools.islice(lines, start, None):
        match = _BACKTRACE_FRAME.search(line)
        if match:
            frames.append(match.groupdict())

    with open(runfile, "r") as script:
        script_lines = [line.rstrip() for line in script.readlines()]

    result = []
    for frame in frames[:-1]:
        if not os.path.samefile(frame["file"], runfile):
            result.append("#{frameno}: {funcname}, {file}, line {lineno}".format(**frame))
            continue
        # Walk up from the failing line to the location comment of the
        # function that contains it.
        index = int(frame["lineno"]) - 1
        while index >= 0:
            match = _LOCATION_COMMENT.match(script_lines[index])
            if match:
                # The comment is followed by the "name() {" line.
                offset = int(frame["lineno"]) - index - 2
                result.append("#%s: %s, %s, line %d" % (
                    frame["frameno"], frame["funcname"], match["file"], offset + int(match["lineno"])))
                break
            index -= 1
    return result


def fakeroot_command(d):
    """FAKEROOTCMD split into a command list, or None when it is not set."""
    command = d.getVar("FAKEROOTCMD")
    if not command:
        return None
    return shlex.split(command)


def fakeroot_missing_message(task, argv):
    """The error for a fakeroot task whose FAKEROOTCMD program does not exist, or None."""
    if argv and _missing_program(argv[0]):
        return ("%s needs fakeroot, but %s (FAKEROOTCMD) does not exist: pseudo/fakeroot is not "
                "installed (build pseudo-native, or install fakeroot and set FAKEROOTCMD)"
                % (task, argv[0]))
    return None
