"""Stamp files for bb.build: making, cleaning and finding a task's stamps.

A stamp says that a task ran with a given signature. Its name comes from
``bb.parse.siggen``: ``<STAMP>.<task>[.<hash>][.<stamp-extra-info>]``, the
hash (the task's unihash, or its taskhash without hash equivalence) being
absent with the "noop" generator. Making a stamp removes the task's other
stamps (but not signature data or taint files).

rbake writes a stamp atomically: the file is created under a hidden
temporary name in the stamp directory and renamed into place, so a stamp
is either absent or complete, and the previous stamp of the same name is
replaced without a moment where none exists.

This is rbake's own code; BitBake's bb/build.py is its specification.
"""

import glob
import logging
import os
import stat

import bb
import bb.utils

logger = logging.getLogger('BitBake.Build')

_mtime_cache = {}


def cached_mtime_noerror(path):
    """The mtime of ``path`` (remembered once known), or 0 if it cannot be read."""
    if path not in _mtime_cache:
        try:
            _mtime_cache[path] = os.stat(path)[stat.ST_MTIME]
        except OSError:
            return 0
    return _mtime_cache[path]


def reset_cache():
    """Forget the remembered mtimes."""
    _mtime_cache.clear()


def _siggen():
    import bb.parse
    siggen = getattr(bb.parse, 'siggen', None)
    if siggen is None:
        raise RuntimeError("rbake: stamps need bb.parse.siggen, which is not set up")
    return siggen


def _get_cleanmask(taskname, mcfn):
    """Glob patterns matching every stamp of ``taskname`` and of its setscene variant."""
    cleanmask = _siggen().stampcleanmask_mcfn(taskname, mcfn)
    if not cleanmask:
        return []
    taskflagname = taskname.replace("_setscene", "")
    return [cleanmask, cleanmask.replace(taskflagname, taskflagname + "_setscene")]


def _kept(name):
    """Signature data and taint files survive the cleaning of stamps."""
    return "sigdata" in name or "sigbasedata" in name or name.endswith('.taint')


def clean_stamp_mcfn(task, mcfn, keep=None):
    """Remove the stamps of ``task`` (and of its setscene task), except ``keep``."""
    for mask in _get_cleanmask(task, mcfn):
        for name in glob.glob(mask):
            if _kept(name) or name == keep:
                continue
            os.unlink(name)


def clean_stamp(task, d):
    clean_stamp_mcfn(task, d.getVar('BB_FILENAME'))


def _write_atomically(path):
    """Create the empty file ``path`` (replacing it) through a rename."""
    directory, base = os.path.split(path)
    # A hidden name: the stamp masks ("<STAMP>.<task>.*") never match it.
    temp = os.path.join(directory, ".%s.tmp.%d" % (base, os.getpid()))
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.close(fd)
        os.rename(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def make_stamp_mcfn(task, mcfn):
    """Make the stamp of ``task`` of the recipe ``mcfn``, removing its older stamps."""
    basestamp = _siggen().stampfile_mcfn(task, mcfn)
    if not basestamp:
        return

    stampdir = os.path.dirname(basestamp)
    if cached_mtime_noerror(stampdir) == 0:
        bb.utils.mkdirhier(stampdir)

    clean_stamp_mcfn(task, mcfn, keep=basestamp)
    # A new file (not a touched one), so that the timestamp changes even
    # on file systems with coarse or broken time handling.
    _write_atomically(basestamp)


def make_stamp(task, d):
    """Make the stamp of ``task`` for the datastore's recipe, and its signature data file."""
    siggen = _siggen()
    mcfn = d.getVar('BB_FILENAME')
    make_stamp_mcfn(task, mcfn)
    if not task.endswith("_setscene"):
        siggen.dump_sigtask(mcfn, task, siggen.stampfile_base(mcfn), True)


def stampfile(taskname, d, file_name=None, noextra=False):
    """The stamp file name of ``taskname`` (an older BitBake API, kept for layers that call it)."""
    mcfn = file_name or d.getVar('BB_FILENAME')
    return _siggen().stampfile_mcfn(taskname, mcfn, extrainfo=not noextra)


def del_stamp(task, d, file_name=None):
    """Remove the current stamp of ``task`` (an older BitBake API, kept for layers that call it)."""
    stamp = stampfile(task, d, file_name)
    if stamp:
        bb.utils.remove(stamp)


def find_stale_stamps(task, mcfn):
    """The stamps of ``task`` that do not have its current signature."""
    siggen = _siggen()
    current = siggen.stampfile_mcfn(task, mcfn)
    current_setscene = siggen.stampfile_mcfn(task + "_setscene", mcfn)
    found = []
    for mask in _get_cleanmask(task, mcfn):
        for name in glob.glob(mask):
            if _kept(name) or name in (current, current_setscene):
                continue
            logger.debug2("Stampfile %s does not match %s or %s" % (name, current, current_setscene))
            found.append(name)
    return found


def write_taint(task, d):
    """Make ``task`` (and what depends on it) run again, by tainting its signature."""
    _siggen().invalidate_task(task, d.getVar('BB_FILENAME'))
