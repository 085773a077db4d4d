"""Checksums of downloads and the ``.done`` stamps that remember them.

A download is verified against the SRC_URI checksums (``sha256sum`` and
friends); its done stamp holds the computed checksums, pickled, so that a
later build can check them against the recipe without reading the file
again.
"""

import os
import pickle

import bb
import bb.event
import bb.utils
from bb.fetch2 import (
    CHECKSUM_LIST, SHOWN_CHECKSUM_LIST, ChecksumError, MissingChecksumEvent,
    NoChecksumError, logger,
)


def _checksum_rows(ud, localpath, precomputed):
    """One dict per checksum kind: id, variable name, computed and expected value."""
    rows = []
    for kind in CHECKSUM_LIST:
        if kind in precomputed:
            computed = precomputed[kind]
        else:
            computed = getattr(bb.utils, "%s_file" % kind)(localpath)
        expected = getattr(ud, "%s_expected" % kind)
        rows.append({
            "id": kind,
            "name": getattr(ud, "%s_name" % kind),
            "data": computed,
            "expected": expected if expected != '' else None,
        })
    return rows


def verify_checksum(ud, d, precomputed={}, localpath=None, fatal_nochecksum=True):
    """Check the file of ``ud`` against its SRC_URI checksums.

    Returns the computed checksums by kind.  A mismatch raises
    ChecksumError; no checksum at all raises NoChecksumError when
    BB_STRICT_CHECKSUM is "1" and otherwise warns (unless it is "ignore").
    """
    if ud.ignore_checksums or not ud.method.supports_checksum(ud):
        return {}
    if localpath is None:
        localpath = ud.localpath

    rows = _checksum_rows(ud, localpath, precomputed)
    computed = {row["id"]: row["data"] for row in rows}
    suggestion = ["SRC_URI[%s] = \"%s\"" % (row["name"], row["data"])
                  for row in rows if row["id"] in SHOWN_CHECKSUM_LIST]

    nothing_expected = all(row["expected"] is None for row in rows)
    if fatal_nochecksum and ud.method.recommends_checksum(ud) and nothing_expected:
        strict = d.getVar("BB_STRICT_CHECKSUM") or "0"
        if strict == "1":
            raise NoChecksumError("\n".join(suggestion))
        event_sums = {"%ssum" % row["id"]: row["data"] for row in rows}
        bb.event.fire(MissingChecksumEvent(ud.url, **event_sums), d)
        if strict == "ignore":
            return computed
        logger.warning("\n".join(
            ["Missing checksum for '%s', consider adding at least one to the recipe:" % ud.localpath]
            + suggestion))

    lines = ["Checksum mismatch!"]
    bad = None
    for row in rows:
        if row["expected"] and row["expected"] != row["data"]:
            lines.append("File: '%s' has %s checksum '%s' when '%s' was expected"
                         % (localpath, row["id"], row["data"], row["expected"]))
            bad = row["data"]
    if bad:
        lines.append("If this change is expected (e.g. you have upgraded to a new version without "
                     "updating the checksums) then you can use these lines within the recipe:")
        lines.extend(suggestion)
        lines.append("Otherwise you should retry the download and/or check with upstream to "
                     "determine if the file has become corrupted or otherwise unexpectedly modified.")
        raise ChecksumError("\n".join(lines), ud.url, bad)
    return computed


def rename_bad_checksum(ud, suffix):
    """Move a download whose checksum is wrong aside, to ``<path>_bad-checksum_<suffix>``."""
    if ud.localpath is None:
        return
    target = "%s_bad-checksum_%s" % (ud.localpath, suffix)
    bb.warn("Renaming %s to %s" % (ud.localpath, target))
    if not bb.utils.movefile(ud.localpath, target):
        bb.warn("Renaming %s to %s failed, grep movefile in log.do_fetch to see why" % (ud.localpath, target))


def _write_stamp(path, checksums):
    with open(path, "wb") as stamp:
        pickle.Pickler(stamp, 2).dump(checksums)


def _discard_bad_download(ud, error):
    logger.warning("Checksum mismatch for local file %s\nCleaning and trying again." % ud.localpath)
    if os.path.exists(ud.localpath):
        rename_bad_checksum(ud, error.checksum)
    bb.utils.remove(ud.donestamp)


def verify_donestamp(ud, d, origud=None):
    """Whether the done stamp of ``ud`` exists and matches the recipe's checksums.

    A stamp without its download, or with wrong checksums, is removed (the
    download too, renamed aside) so that the fetch runs again.
    """
    if not ud.needdonestamp or (origud and not origud.needdonestamp):
        return True

    if not os.path.exists(ud.localpath):
        if os.path.exists(ud.donestamp):
            bb.utils.remove(ud.donestamp)
        return False

    if not ud.method.supports_checksum(ud) or (origud and not origud.method.supports_checksum(origud)):
        return os.path.exists(ud.donestamp)

    # The stamp's checksums are trusted only if it is newer than the file.
    stored = {}
    if os.path.exists(ud.donestamp) and (os.path.isdir(ud.localpath) or
                                         os.path.getmtime(ud.localpath) < os.path.getmtime(ud.donestamp)):
        try:
            with open(ud.donestamp, "rb") as stamp:
                stored.update(pickle.Unpickler(stamp).load())
        except Exception as e:
            # Old stamps are empty files: nothing to warn about.
            if not isinstance(e, EOFError):
                logger.warning("Couldn't load checksums from donestamp %s: %s (msg: %s)"
                               % (ud.donestamp, type(e).__name__, str(e)))

    try:
        checksums = verify_checksum(ud, d, stored)
        if checksums != stored:
            _write_stamp(ud.donestamp, checksums)
        return True
    except ChecksumError as e:
        _discard_bad_download(ud, e)
    return False


def update_stamp(ud, d):
    """Create the done stamp of ``ud`` after checking the download, or touch an existing one."""
    if not ud.needdonestamp:
        return
    if os.path.exists(ud.donestamp):
        # Touching shows that the download is still in use.
        try:
            os.utime(ud.donestamp, None)
        except OSError:
            pass
        return
    try:
        _write_stamp(ud.donestamp, verify_checksum(ud, d))
    except ChecksumError as e:
        _discard_bad_download(ud, e)
        raise
