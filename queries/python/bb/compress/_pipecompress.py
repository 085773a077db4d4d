"""A file object that pipes data through an external (de)compression program."""

import builtins
import errno
import io
import os
import subprocess


class CompressionError(OSError):
    pass


def open_wrap(cls, filename, mode="rb", *, encoding=None, errors=None, newline=None, **kwargs):
    """Open ``filename`` (a path, a descriptor or a file object) through the
    PipeFile subclass ``cls``; text modes ("rt", "wt", ...) add a TextIOWrapper."""
    text = "t" in mode
    if text and "b" in mode:
        raise ValueError("Invalid mode: %r" % (mode,))
    if not text:
        for name, value in (("encoding", encoding), ("errors", errors), ("newline", newline)):
            if value is not None:
                raise ValueError("Argument '%s' not supported in binary mode" % name)

    raw_mode = mode.replace("t", "")
    if isinstance(filename, (str, bytes, os.PathLike, int)):
        raw = cls(filename, raw_mode, **kwargs)
    elif hasattr(filename, "read") or hasattr(filename, "write"):
        raw = cls(None, raw_mode, fileobj=filename, **kwargs)
    else:
        raise TypeError("filename must be a str or bytes object, or a file")

    if text:
        return io.TextIOWrapper(raw, encoding, errors, newline, write_through=True)
    return raw


class PipeFile(io.RawIOBase):
    """Raw binary file whose data goes through a child process.

    Subclasses give the commands with get_compress() and get_decompress();
    the programs read stdin and write stdout.
    """

    READ = 0
    WRITE = 1

    def __init__(self, filename=None, mode="rb", *, stderr=None, fileobj=None):
        if "t" in mode or "U" in mode:
            raise ValueError("Invalid mode: {!r}".format(mode))
        if "b" not in mode:
            mode += "b"
        if mode.startswith("r"):
            self.mode = self.READ
        elif mode.startswith("w"):
            self.mode = self.WRITE
        else:
            raise ValueError("Invalid mode %r" % mode)

        self.fileobj = fileobj if fileobj is not None else builtins.open(filename, mode)
        if self.mode == self.READ:
            self.p = subprocess.Popen(self.get_decompress(), stdin=self.fileobj,
                                      stdout=subprocess.PIPE, stderr=stderr, close_fds=True)
            self.pipe = self.p.stdout
        else:
            self.p = subprocess.Popen(self.get_compress(), stdin=subprocess.PIPE,
                                      stdout=self.fileobj, stderr=stderr, close_fds=True)
            self.pipe = self.p.stdin
        self._is_closed = False

    def _wait_child(self):
        if self.p is None:
            return
        status = self.p.wait()
        self.p = None
        if status:
            raise CompressionError("Process died with %d" % status)

    def close(self):
        if self._is_closed:
            return
        self.pipe.close()
        self._wait_child()
        self.fileobj.close()
        self._is_closed = True

    @property
    def closed(self):
        return self._is_closed

    def fileno(self):
        return self.pipe.fileno()

    def flush(self):
        self.pipe.flush()

    def isatty(self):
        return self.pipe.isatty()

    def readable(self):
        return self.mode == self.READ

    def writable(self):
        return self.mode == self.WRITE

    def readinto(self, b):
        if self.mode != self.READ:
            raise OSError(errno.EBADF, "read() on write-only %s object" % type(self).__name__)
        n = self.pipe.readinto(b)
        if n == 0:
            self._wait_child()
        return n

    def write(self, data):
        if self.mode != self.WRITE:
            raise OSError(errno.EBADF, "write() on read-only %s object" % type(self).__name__)
        n = self.pipe.write(data)
        if not n:
            self._wait_child()
        return n
