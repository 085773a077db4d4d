"""File helpers for bb.utils: locks, checksums, removal, copies and moves (rbake's own implementation).

``bb.utils`` re-exports everything here; metadata should use it through
``bb.utils``.
"""

import errno
import fcntl
import glob
import hashlib
import logging
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from contextlib import contextmanager

import bb

logger = logging.getLogger("BitBake.Util")


# ---------------------------------------------------------------------------
# Lock files.
# ---------------------------------------------------------------------------

def lockfile(name, shared=False, retry=True, block=False):
    """Take a lock on the file ``name`` (created if needed) and return the open file.

    The lock is shared if ``shared``, else exclusive. With neither ``retry``
    nor ``block`` a lock held elsewhere makes this return None at once;
    with ``retry`` only, it keeps trying. Pass the result to ``unlockfile()``.
    A lock directory that cannot be written ends the process.
    """
    basename = os.path.basename(name)
    if len(basename) > 255:
        # Keep the extension when shortening an over-long file name.
        root, ext = os.path.splitext(basename)
        basename = root[:255 - len(ext)] + ext
    dirname = os.path.dirname(name)
    mkdirhier(dirname)
    name = os.path.join(dirname, basename)

    if not os.access(dirname, os.W_OK):
        logger.error("Unable to acquire lock '%s', directory is not writable", name)
        sys.exit(1)

    operation = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    if not retry and not block:
        operation |= fcntl.LOCK_NB

    while True:
        # Whoever unlocks also deletes the file, so the file we locked may
        # no longer be the lock file on disk: in that case, start again.
        handle = None
        try:
            handle = open(name, 'a+')
            fcntl.flock(handle.fileno(), operation)
            locked = os.fstat(handle.fileno())
            if os.path.exists(handle.name) and os.stat(handle.name).st_ino == locked.st_ino:
                return handle
            handle.close()
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.ENAMETOOLONG):
                logger.error("Unable to acquire lock '%s', %s", name, exc.strerror)
                sys.exit(1)
            if handle is not None:
                try:
                    handle.close()
                except Exception:
                    pass
        if not retry:
            return None


def unlockfile(lf):
    """Release a lock taken by ``lockfile()``, deleting the file if no one else holds it."""
    try:
        # Only delete the file when we can hold it exclusively.
        fcntl.flock(lf.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.unlink(lf.name)
    except OSError:
        pass
    fcntl.flock(lf.fileno(), fcntl.LOCK_UN)
    lf.close()


@contextmanager
def fileslocked(files, *args, **kwargs):
    """Hold ``lockfile()`` locks on all ``files`` for the duration of a ``with`` block."""
    held = []
    try:
        for name in files or ():
            handle = lockfile(name, *args, **kwargs)
            if handle is not None:
                held.append(handle)
        yield
    finally:
        for handle in reversed(held):
            unlockfile(handle)


# ---------------------------------------------------------------------------
# Checksums.
# ---------------------------------------------------------------------------

def _file_digest(method, filename):
    with open(filename, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b''):
            method.update(chunk)
    return method.hexdigest()


def md5_file(filename):
    """The MD5 of a file, in hexadecimal."""
    try:
        method = hashlib.new('MD5', usedforsecurity=False)
    except TypeError:
        method = hashlib.new('MD5')
    return _file_digest(method, filename)


def sha256_file(filename):
    """The SHA-256 of a file, in hexadecimal."""
    return _file_digest(hashlib.sha256(), filename)


def sha1_file(filename):
    """The SHA-1 of a file, in hexadecimal."""
    return _file_digest(hashlib.sha1(), filename)


def sha384_file(filename):
    """The SHA-384 of a file, in hexadecimal."""
    return _file_digest(hashlib.sha384(), filename)


def sha512_file(filename):
    """The SHA-512 of a file, in hexadecimal."""
    return _file_digest(hashlib.sha512(), filename)


def goh1_file(filename):
    """The Go module "h1" hash of a module zip, or of a go.mod file, in hexadecimal.

    That is the SHA-256 of a listing with one "<sha256>  <name>" line per
    file, sorted by name.
    """
    import zipfile

    listing = None
    if zipfile.is_zipfile(filename):
        try:
            with zipfile.ZipFile(filename) as archive:
                listing = ["%s  %s\n" % (hashlib.sha256(archive.read(member)).hexdigest(), member)
                           for member in sorted(archive.namelist())]
        except zipfile.BadZipFile:
            listing = None
    if listing is None:
        listing = ["%s  go.mod\n" % _file_digest(hashlib.sha256(), filename)]
    return hashlib.sha256("".join(listing).encode('utf-8')).hexdigest()


# ---------------------------------------------------------------------------
# Creating and removing.
# ---------------------------------------------------------------------------

def _check_unsafe_delete_path(path):
    """Whether ``path`` is one that a recursive delete must refuse ("/", "/home", $HOME...).

    A guard against accidents, not a security measure.
    """
    home = os.environ.get('HOME', '')
    alternatives = '/|//|/home|/home/[^/]*'
    if home:
        # $HOME goes into the pattern as it is, as BitBake does.
        alternatives += '|' + home
    return re.match('(%s)$' % alternatives, os.path.abspath(path)) is not None


def remove(path, recurse=False, ionice=False):
    """Remove the files matching the glob ``path``, like "rm -f", or "rm -rf" with ``recurse``.

    With ``ionice`` the removal runs at idle I/O priority.
    """
    if not path:
        return
    if recurse:
        for name in glob.glob(path):
            if _check_unsafe_delete_path(name):
                raise Exception('bb.utils.remove: called with dangerous path "%s" and recurse=True, '
                                'refusing to delete!' % name)
        # "rm -rf" is much faster than shutil.rmtree() on large trees.
        command = ['ionice', '-c', '3'] if ionice else []
        subprocess.check_call(command + ['rm', '-rf'] + glob.glob(path))
        return
    for name in glob.glob(path):
        try:
            os.unlink(name)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise


def prunedir(topdir, ionice=False):
    """Remove the directory ``topdir`` and everything in it."""
    if _check_unsafe_delete_path(topdir):
        raise Exception('bb.utils.prunedir: called with dangerous path "%s", refusing to delete!' % topdir)
    remove(topdir, recurse=True, ionice=ionice)


def mkdirhier(directory):
    """Create ``directory`` and its parents, like "mkdir -p".

    A name with an unexpanded "${" is a fatal error.
    """
    if '${' in str(directory):
        bb.fatal("Directory name {} contains unexpanded bitbake variable. This may cause build failures "
                 "and WORKDIR polution.".format(directory))
    try:
        os.makedirs(directory)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise
        if os.path.isdir(directory):
            return
        # On NFS, a stale attribute cache can claim EEXIST for a directory
        # another host just made; listing the parent refreshes it.
        os.listdir(os.path.dirname(directory))
        if os.path.isdir(directory):
            return
        bb.warn("mkdir: %s is not a directory?" % directory)
        raise


def rename(src, dst):
    """``os.rename()``, falling back to a move when the two are on different devices."""
    try:
        os.rename(src, dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.move(src, dst)


def mkstemp(suffix=None, prefix=None, dir=None, text=False):
    """``tempfile.mkstemp()`` with 20 random characters added to the prefix.

    This keeps names unique across hosts sharing a directory (over NFS)
    even when they create files at the same moment.
    """
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"
    entropy = "".join(random.choices(alphabet, k=20))
    prefix = (prefix if prefix else tempfile.gettempprefix()) + entropy
    return tempfile.mkstemp(suffix=suffix, prefix=prefix, dir=dir, text=text)


def path_is_descendant(descendant, ancestor):
    """Whether ``descendant`` is ``ancestor`` or inside it, comparing by ``os.stat()``."""
    target = os.stat(ancestor)
    current = os.path.abspath(descendant).rstrip("/")
    while current:
        if os.path.samestat(os.stat(current), target):
            return True
        current = os.path.dirname(current).rstrip("/")
    return False


def is_path_on_nfs(path):
    """Whether ``path`` (or, if it is absolute and missing, its nearest existing parent) is on NFS."""
    if os.path.isabs(path):
        while not os.path.exists(path):
            path = os.path.dirname(path)
    import bb.process
    fstype = bb.process.run(['stat', '-f', '-c', '%T', path])[0].strip()
    return fstype == "nfs"


def to_filemode(input):
    """A file mode number from an int, or from a string read as octal."""
    if type(input) is int:
        return input
    return int(input, 8)


@contextmanager
def umask(new_mask):
    """Set the process umask for the duration of a ``with`` block."""
    previous = os.umask(new_mask)
    try:
        yield
    finally:
        os.umask(previous)


# ---------------------------------------------------------------------------
# Copies and moves that keep ownership, mode and times.
# ---------------------------------------------------------------------------

def _stat_destination(dest):
    """``(stat, exists)`` for dest, or for its directory if dest does not exist.

    A symbolic link at dest is removed first, and then counts as missing.
    """
    try:
        dstat = os.lstat(dest)
    except Exception:
        return os.lstat(os.path.dirname(dest)), False
    if stat.S_ISLNK(dstat.st_mode):
        try:
            os.unlink(dest)
            return dstat, False
        except Exception:
            pass
    return dstat, True


def _copy_symlink(src, dest, dstat, dest_exists):
    target = os.readlink(src)
    if dest_exists and not stat.S_ISDIR(dstat.st_mode):
        os.unlink(dest)
    os.symlink(target, dest)
    return target


def _source_stat(src, sstat, caller):
    """``sstat`` if given, else ``os.lstat(src)``; None (with a warning from ``caller``) if that fails."""
    try:
        if not sstat:
            sstat = os.lstat(src)
    except Exception as exc:
        logger.warning("%s: stat of %s failed (%s)" % (caller, src, exc))
        return None
    return sstat


def _copy_owner_and_mode(path, sstat):
    os.lchown(path, sstat[stat.ST_UID], sstat[stat.ST_GID])
    # chown clears the sticky bit, so set the mode afterwards.
    os.chmod(path, stat.S_IMODE(sstat[stat.ST_MODE]))


def _set_times(path, sstat, newmtime):
    """Give ``path`` the times ``newmtime``, or else those of ``sstat``; return its new mtime."""
    if newmtime:
        os.utime(path, (newmtime, newmtime))
        return newmtime
    os.utime(path, (sstat[stat.ST_ATIME], sstat[stat.ST_MTIME]))
    return sstat[stat.ST_MTIME]


def movefile(src, dest, newmtime=None, sstat=None):
    """Move ``src`` to ``dest`` (a file name or a directory), keeping mode, owner and times.

    ``sstat`` may supply the source's ``os.lstat()``; ``newmtime`` sets the
    destination's times instead of copying them. Returns ``os.lstat()`` of
    the new link when moving a symbolic link, the destination's mtime
    otherwise, and None on failure.
    """
    sstat = _source_stat(src, sstat, "movefile")
    if sstat is None:
        return None

    dstat, dest_exists = _stat_destination(dest)

    if stat.S_ISLNK(sstat[stat.ST_MODE]):
        target = None
        try:
            target = _copy_symlink(src, dest, dstat, dest_exists)
            os.unlink(src)
            return os.lstat(dest)
        except Exception as exc:
            logger.warning("movefile: failed to create symlink %s to %s (%s)" % (dest, target, exc))
            return None

    # os.rename() wants the full destination name, not a directory.
    destpath = os.path.join(dest, os.path.basename(src)) if os.path.isdir(dest) else dest

    moved = False
    if sstat[stat.ST_DEV] == dstat[stat.ST_DEV]:
        try:
            rename(src, destpath)
            moved = True
        except Exception as exc:
            if exc.errno != errno.EXDEV:
                logger.warning("movefile: failed to move %s to %s (%s)" % (src, dest, exc))
                return None
            # A bind mount or a real cross-device move: copy instead.

    if not moved:
        copied = False
        if stat.S_ISREG(sstat[stat.ST_MODE]):
            try:
                # Copy next to the destination, then rename over it.
                shutil.copyfile(src, destpath + "#new")
                rename(destpath + "#new", destpath)
                copied = True
            except Exception as exc:
                logger.warning("movefile: copy %s to %s failed (%s)" % (src, dest, exc))
                return None
        else:
            # Special files are left to mv(1).
            status = subprocess.run(["/bin/mv", "-f", src, dest], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
            if status.returncode != 0:
                logger.warning("movefile: failed to move special file %s to %s (%s)"
                               % (src, dest, status.stdout.decode("utf-8", "replace")))
                return None
        try:
            if copied:
                _copy_owner_and_mode(destpath, sstat)
                os.unlink(src)
        except Exception as exc:
            logger.warning("movefile: failed to chown/chmod/unlink %s (%s)" % (dest, exc))
            return None

    return _set_times(destpath, sstat, newmtime)


def copyfile(src, dest, newmtime=None, sstat=None):
    """Copy ``src`` to the file ``dest``, keeping mode, owner and times.

    Arguments as for ``movefile()``. Returns ``os.lstat()`` of the new link
    when copying a symbolic link, the destination's mtime otherwise, and
    False on failure.
    """
    sstat = _source_stat(src, sstat, "copyfile")
    if sstat is None:
        return False

    dstat, dest_exists = _stat_destination(dest)

    if stat.S_ISLNK(sstat[stat.ST_MODE]):
        target = None
        try:
            target = _copy_symlink(src, dest, dstat, dest_exists)
            os.lchown(dest, sstat[stat.ST_UID], sstat[stat.ST_GID])
            return os.lstat(dest)
        except Exception as exc:
            logger.warning("copyfile: failed to create symlink %s to %s (%s)" % (dest, target, exc))
            return False

    if stat.S_ISREG(sstat[stat.ST_MODE]):
        made_readable = False
        try:
            if not os.access(src, os.R_OK):
                made_readable = True
                os.chmod(src, sstat[stat.ST_MODE] | stat.S_IRUSR)
            # Copy next to the destination, then rename over it.
            shutil.copyfile(src, dest + "#new")
            rename(dest + "#new", dest)
        except Exception as exc:
            logger.warning("copyfile: copy %s to %s failed (%s)" % (src, dest, exc))
            return False
        finally:
            if made_readable:
                os.chmod(src, sstat[stat.ST_MODE])
                os.utime(src, (sstat[stat.ST_ATIME], sstat[stat.ST_MTIME]))
    else:
        # Special files are left to cp(1).
        status = subprocess.run(["/bin/cp", "-f", src, dest], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        if status.returncode != 0:
            logger.warning("copyfile: failed to copy special file %s to %s (%s)"
                           % (src, dest, status.stdout.decode("utf-8", "replace")))
            return False

    try:
        _copy_owner_and_mode(dest, sstat)
    except Exception as exc:
        logger.warning("copyfile: failed to chown/chmod %s (%s)" % (dest, exc))
        return False

    return _set_times(dest, sstat, newmtime)


def break_hardlinks(src, sstat=None):
    """Give ``src`` its own copy of its data if other hard links share it.

    Returns True when there was nothing to do, what ``copyfile()`` returns
    otherwise, and False if ``src`` cannot be examined.
    """
    sstat = _source_stat(src, sstat, "break_hardlinks")
    if sstat is None:
        return False
    if sstat[stat.ST_NLINK] == 1:
        return True
    return copyfile(src, src, sstat=sstat)
