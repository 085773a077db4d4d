"""Running commands for metadata (rbake's own implementation of BitBake's bb.process API)."""

import errno
import logging
import select
import signal
import subprocess

import bb

logger = logging.getLogger('BitBake.Process')


def subprocess_setup():
    """Restore the default SIGPIPE action, which Python changes, in a child process."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


class CmdError(RuntimeError):
    """A command could not be run."""

    def __init__(self, command, msg=None):
        self.command = command
        self.msg = msg

    def __str__(self):
        if isinstance(self.command, str):
            shown = self.command
        else:
            shown = subprocess.list2cmdline(self.command)
        text = "Execution of '%s' failed" % shown
        if self.msg:
            text += ': %s' % self.msg
        return text


class NotFoundError(CmdError):
    """The command does not exist."""

    def __str__(self):
        return CmdError.__str__(self) + ": command not found"


class ExecutionError(CmdError):
    """The command exited with a non-zero status; its output is kept."""

    def __init__(self, command, exitcode, stdout=None, stderr=None):
        CmdError.__init__(self, command)
        self.exitcode = exitcode
        self.stdout = stdout
        self.stderr = stderr
        self.extra_message = None

    def __str__(self):
        output = (self.stderr or "") + (self.stdout or "")
        if output:
            output = ":\n" + output
        return (CmdError.__str__(self) + " with exit code %s" % self.exitcode
                + output + (self.extra_message or ""))


class Popen(subprocess.Popen):
    """``subprocess.Popen`` with all three standard streams piped by default."""

    defaults = {
        "close_fds": True,
        "preexec_fn": subprocess_setup,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "stdin": subprocess.PIPE,
        "shell": False,
    }

    def __init__(self, *args, **kwargs):
        options = dict(self.defaults)
        options.update(kwargs)
        subprocess.Popen.__init__(self, *args, **options)


class _Utf8Pipe(object):
    """Reads a non-blocking pipe, passing on only complete UTF-8 text.

    Bytes that do not decode yet (a character cut in two by a read) wait
    for the next read.
    """

    def __init__(self, stream):
        self.stream = stream
        self.pending = b""

    def read(self):
        data = self.stream.read()
        if not data:
            return None
        data = self.pending + data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.pending = data
            return None
        self.pending = b""
        return text


def _logged_communicate(pipe, log, input, extrafiles):
    """Collect the output of ``pipe`` while copying it to ``log`` as it arrives.

    ``extrafiles`` is a list of ``(file, callback)``: data read from those
    files goes to their callback.
    """
    if pipe.stdin:
        if input is not None:
            pipe.stdin.write(input)
        pipe.stdin.close()

    watched = []
    readers = {}
    collected = {}
    for stream in (pipe.stdout, pipe.stderr):
        if stream is not None:
            bb.utils.nonblockingfd(stream.fileno())
            watched.append(stream)
            readers[stream] = _Utf8Pipe(stream)
            collected[stream] = []
    for fobj, _ in extrafiles:
        bb.utils.nonblockingfd(fobj.fileno())
        watched.append(fobj)

    def read_extras(ready):
        for fobj, callback in extrafiles:
            if fobj not in ready:
                continue
            try:
                data = fobj.read()
            except IOError as err:
                if err.errno not in (errno.EAGAIN, errno.EWOULDBLOCK):
                    raise
                data = None
            if data is not None:
                callback(data)

    def read_ready():
        try:
            ready, _, _ = select.select(watched, [], [], 1)
        except OSError as err:
            if err.errno != errno.EINTR:
                raise
            ready = []
        read_extras(ready)
        for stream in (pipe.stdout, pipe.stderr):
            if stream is not None and stream in ready:
                text = readers[stream].read()
                if text:
                    collected[stream].append(text)
                    log.write(text)
                    log.flush()

    try:
        while pipe.poll() is None:
            read_ready()
        # The process has ended: take what is left in the pipes.
        read_ready()
    finally:
        log.flush()

    for stream in (pipe.stdout, pipe.stderr):
        if stream is not None:
            stream.close()
    stdout = ''.join(collected.get(pipe.stdout, [])) if pipe.stdout is not None else ''
    stderr = ''.join(collected.get(pipe.stderr, [])) if pipe.stderr is not None else ''
    return stdout, stderr


def run(cmd, input=None, log=None, extrafiles=None, **options):
    """Run ``cmd`` and return its ``(stdout, stderr)`` as text.

    A string command runs through the shell unless ``shell`` is given.
    ``input`` (bytes) goes to its standard input. With ``log``, output is
    also written to that file as it comes. Raises ``NotFoundError`` if the
    program does not exist, ``CmdError`` if it cannot be started and
    ``ExecutionError`` if it exits with a non-zero status (without the
    output when it was logged).
    """
    if not extrafiles:
        extrafiles = []

    if isinstance(cmd, str) and "shell" not in options:
        options["shell"] = True

    try:
        pipe = Popen(cmd, **options)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise NotFoundError(cmd)
        raise CmdError(cmd, exc)

    if log:
        stdout, stderr = _logged_communicate(pipe, log, input, extrafiles)
    else:
        stdout, stderr = pipe.communicate(input)
        if stdout is not None:
            stdout = stdout.decode("utf-8")
        if stderr is not None:
            stderr = stderr.decode("utf-8")

    if pipe.returncode != 0:
        if log:
            # The output is in the log already.
            raise ExecutionError(cmd, pipe.returncode, None, None)
        raise ExecutionError(cmd, pipe.returncode, stdout, stderr)
    return stdout, stderr
