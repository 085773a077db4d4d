"""Processes, signals and system calls for bb.utils (rbake's own implementation).

``bb.utils`` re-exports everything here; metadata should use it through
``bb.utils``.
"""

import fcntl
import logging
import os
import signal
import traceback
from contextlib import contextmanager

import bb

logger = logging.getLogger("BitBake.Util")


def cpu_count():
    """The number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except OSError:
        return bb.multiprocessing.cpu_count()


def nonblockingfd(fd):
    """Put the file descriptor ``fd`` in non-blocking mode."""
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


def profile_function(profile, function, output_fn, process=True):
    """Call ``function()``, under the profiler if ``profile``, saving statistics to ``output_fn``."""
    if not profile:
        return function()
    try:
        import cProfile as profiler
    except ImportError:
        import profile as profiler
    prof = profiler.Profile()
    result = prof.runcall(function)
    prof.dump_stats(output_fn)
    if process:
        process_profilelog(output_fn)
        logger.info("Raw profiling information saved to %s and processed statistics to %s.report*"
                    % (output_fn, output_fn))
    return result


def process_profilelog(fn, fn_out=None):
    """Write reports by time and cumulative time for profile data ``fn`` (a file or a list)."""
    import pstats

    if not fn_out:
        fn_out = fn + '.report'
    reports = (
        ('.time', 'time', 'print_stats'),
        ('.time-callers', 'time', 'print_callers'),
        ('.cumulative', 'cumulative', 'print_stats'),
        ('.cumulative-callers', 'cumulative', 'print_callers'),
    )
    for extension, key, method in reports:
        with open(fn_out + extension, 'w') as out:
            sources = fn if isinstance(fn, list) else [fn]
            stats = pstats.Stats(*sources, stream=out)
            stats.sort_stats(key)
            getattr(stats, method)()


# From linux/prctl.h.
PR_SET_PDEATHSIG = 1


class PrCtlError(Exception):
    """prctl() failed."""


def _libc():
    import ctypes
    return ctypes.CDLL('libc.so.6')


def signal_on_parent_exit(signame):
    """Have the kernel send signal ``signame`` (e.g. "SIGTERM") to us when our parent dies."""
    signum = getattr(signal, signame)
    result = _libc().prctl(PR_SET_PDEATHSIG, signum)
    if result != 0:
        raise PrCtlError('prctl failed with error code %s' % result)


_unamearch = os.uname()[4]
IOPRIO_WHO_PROCESS = 1
IOPRIO_CLASS_SHIFT = 13


def ioprio_set(who, cls, value):
    """Set the I/O scheduling class and priority of process ``who`` (Linux only)."""
    if _unamearch == "x86_64":
        syscall_number = 251
    elif _unamearch[0] == "i" and _unamearch[2:3] == "86":
        syscall_number = 289
    elif _unamearch == "aarch64":
        syscall_number = 30
    else:
        bb.warn("Unable to set IO Prio for arch %s" % _unamearch)
        return
    priority = value | (cls << IOPRIO_CLASS_SHIFT)
    result = _libc().syscall(syscall_number, IOPRIO_WHO_PROCESS, who, priority)
    if result != 0:
        raise ValueError("Unable to set ioprio, syscall returned %s" % result)


def set_process_name(name):
    """Set the name of this process as ps and top show it, if possible."""
    import ctypes
    try:
        buffer = ctypes.create_string_buffer(bytes(name, 'utf-8'))
        # 15 is PR_SET_NAME.
        _libc().prctl(15, ctypes.byref(buffer), 0, 0, 0)
    except Exception:
        pass


def enable_loopback_networking():
    """Bring up "lo" as 127.0.0.1/8 (in a fresh network namespace)."""
    import socket
    import struct

    # Request numbers from bits/ioctls.h and flags from net/if.h.
    SIOCGIFFLAGS = 0x8913
    SIOCSIFFLAGS = 0x8914
    SIOCSIFADDR = 0x8916
    SIOCSIFNETMASK = 0x891C
    IFF_UP = 0x1
    IFF_RUNNING = 0x40
    AF_INET = 2

    interface = struct.pack("@16s", b"lo")

    def request(fd, number, data=b""):
        # struct ifreq: the interface name, then a 16-byte union.
        reply = fcntl.ioctl(fd, number, interface + data + b'\x00' * (16 - len(data)))
        return reply[16:]

    def inet_address(a, b, c, e):
        return struct.pack("@H", AF_INET) + struct.pack("=H4B", 0, a, b, c, e)

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_IP) as sock:
        fd = sock.fileno()
        request(fd, SIOCSIFADDR, inet_address(127, 0, 0, 1))
        flags = struct.unpack_from('@h', request(fd, SIOCGIFFLAGS))[0]
        request(fd, SIOCSIFFLAGS, struct.pack('@h', flags | IFF_UP | IFF_RUNNING))
        request(fd, SIOCSIFNETMASK, inet_address(255, 0, 0, 0))


def disable_network(uid=None, gid=None):
    """Cut this process off the network with new user and network namespaces.

    ``uid``/``gid`` (default: ours) are mapped to themselves in the new user
    namespace. Without kernel support, this only logs a debug message.
    """
    CLONE_NEWUSER = 0x10000000
    CLONE_NEWNET = 0x40000000

    if uid is None:
        uid = os.getuid()
    if gid is None:
        gid = os.getgid()

    if _libc().unshare(CLONE_NEWNET | CLONE_NEWUSER) != 0:
        logger.debug("System doesn't support disabling network without admin privs")
        return
    with open("/proc/self/uid_map", "w") as f:
        f.write("%s %s 1" % (uid, uid))
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/gid_map", "w") as f:
        f.write("%s %s 1" % (gid, gid))


# Building these sets through the signal module is slow; _signal is cheaper.
valid_signals = signal.valid_signals()
try:
    import _signal
    sigmask = _signal.pthread_sigmask
except ImportError:
    sigmask = signal.pthread_sigmask


def _server_log(message):
    try:
        import bb.server.process
        bb.server.process.serverlog(message)
    except Exception:
        logger.error(message)


@contextmanager
def lock_timeout(lock):
    """Hold ``lock`` with signals blocked; exit the process if it is not free within 5 minutes.

    A thread that died holding the lock would otherwise hang us forever.
    """
    previous = sigmask(signal.SIG_BLOCK, valid_signals)
    try:
        held = lock.acquire(timeout=5 * 60)
        if not held:
            _server_log("Couldn't get the lock for 5 mins, timed out, exiting.\n%s" % traceback.format_stack())
            os._exit(1)
        yield held
    finally:
        lock.release()
        sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def lock_timeout_nocheck(lock):
    """Try to hold ``lock`` for up to 10 seconds with signals blocked; yields whether it was taken."""
    held = False
    previous = sigmask(signal.SIG_BLOCK, valid_signals)
    try:
        held = lock.acquire(timeout=10)
        yield held
    finally:
        if held:
            lock.release()
        sigmask(signal.SIG_SETMASK, previous)
