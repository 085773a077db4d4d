"""PREMIRRORS and MIRRORS: rewriting a URL for a mirror and fetching from it.

A mirror line is a pair (find, replace) of URLs whose parts are regular
expressions (find) and replacement texts (replace).  ``uri_replace`` turns
a source URL into its mirror URL; ``try_mirrors`` tries every mirror URL,
including mirrors of mirrors, until one gives the download.
"""

import errno
import os
import re

import bb
import bb.utils
from bb.fetch2 import (
    BBFetchException, ChecksumError, NetworkAccess, NoChecksumError,
    decodemirrorurl, encodeurl, logger, rename_bad_checksum, trusted_network,
    update_stamp, verify_donestamp,
)

# Indexes into a decoded URL.
_TYPE, _HOST, _PATH, _USER, _PSWD, _PARAMS = range(6)


def _mirror_path(ud, uri_decoded, replace_decoded, result_path, mirrortarball):
    """The mirror URL's path, ending in the file name the download must have."""
    basename = None
    if uri_decoded[_TYPE] != replace_decoded[_TYPE] and mirrortarball:
        # Another URL type means a mirror tarball of an SCM checkout.
        basename = os.path.basename(mirrortarball)
    elif ud.localpath and ud.method.supports_checksum(ud):
        basename = os.path.basename(ud.localpath)
    if not basename:
        return result_path
    source_basename = os.path.basename(uri_decoded[_PATH])
    # A leading slash lets the suffix tests work on a path without one.
    path = "/" + result_path
    if source_basename and basename != source_basename and path.endswith("/" + source_basename):
        return path[1:-len(source_basename)] + basename
    if not path.endswith("/" + basename):
        return os.path.join(path[1:], basename)
    return result_path


def uri_replace(ud, uri_find, uri_replace, replacements, d, mirrortarball=None):
    """The URL of ``ud`` rewritten by one mirror line, or None if the line does not apply."""
    if not ud.url or not uri_find or not uri_replace:
        logger.error("uri_replace: passed an undefined value, not replacing")
        return None
    uri_decoded = list(decodemirrorurl(ud.url))
    find_decoded = list(decodemirrorurl(uri_find))
    replace_decoded = list(decodemirrorurl(uri_replace))
    logger.debug2("For url %s comparing %s to %s" % (uri_decoded, find_decoded, replace_decoded))
    result = ['', '', '', '', '', {}]
    for index, pattern in enumerate(find_decoded):
        result[index] = uri_decoded[index]
        if index == _TYPE and pattern and not pattern.endswith("$"):
            # An unanchored type would let "file" match inside "files".
            pattern += "$"
        if index == _PARAMS:
            # Parameters named in the find URL must all be equal.
            for key in pattern or {}:
                if uri_decoded[_PARAMS][key] != find_decoded[_PARAMS][key]:
                    return None
            for key in replace_decoded[_PARAMS]:
                for word in replacements:
                    replace_decoded[_PARAMS][key] = replace_decoded[_PARAMS][key].replace(word, replacements[word])
                result[_PARAMS][key] = replace_decoded[_PARAMS][key]
        elif index in (_USER, _PSWD) and replace_decoded[index]:
            result[index] = replace_decoded[index]
        elif re.match(pattern, uri_decoded[index]):
            if not replace_decoded[index]:
                result[index] = ""
            else:
                for word in replacements:
                    replace_decoded[index] = replace_decoded[index].replace(word, replacements[word])
                result[index] = re.sub(pattern, replace_decoded[index], uri_decoded[index], count=1)
            if index == _PATH:
                if uri_decoded[_TYPE] != replace_decoded[_TYPE] and mirrortarball:
                    # Parameters mean nothing to a mirror tarball.
                    uri_decoded[_PARAMS] = {}
                    find_decoded[_PARAMS] = {}
                result[_PATH] = _mirror_path(ud, uri_decoded, replace_decoded, result[_PATH], mirrortarball)
        else:
            return None
    url = encodeurl(result)
    if url == ud.url:
        return None
    logger.debug2("For url %s returning %s" % (ud.url, url))
    return url


def build_mirroruris(origud, mirrors, ld):
    """(mirror URLs, their FetchData) for ``origud``, mirrors of mirrors included."""
    from bb.fetch2 import FetchData
    uris = []
    uds = []
    replacements = {
        "TYPE": origud.type,
        "HOST": origud.host,
        "PATH": origud.path,
        "BASENAME": origud.path.split("/")[-1],
        "MIRRORNAME": origud.host.replace(':', '.') + origud.path.replace('/', '.').replace('*', '.'),
    }

    def add_uris(ud, lines, tarballs):
        # The FetchData made last in this call; after a failure it stands
        # in for the failed one, as in BitBake.
        latest = None
        for line in lines:
            try:
                find, replace = line
            except ValueError:
                continue
            for tarball in tarballs:
                newuri = uri_replace(ud, find, replace, replacements, ld, tarball)
                if not newuri or newuri in uris or newuri == origud.url:
                    continue
                if not trusted_network(ld, newuri):
                    logger.debug("Mirror %s not in the list of trusted networks, skipping" % (newuri))
                    continue
                # Without the line just used, no mirror can lead back to itself.
                remaining = list(lines)
                remaining.remove(line)
                try:
                    latest = FetchData(newuri, ld)
                    latest.ignore_checksums = True
                    latest.setup_localpath(ld)
                    if hasattr(ud, 'unpack_tracer'):
                        latest.unpack_tracer = ud.unpack_tracer
                except BBFetchException as e:
                    logger.debug("Mirror fetch failure for url %s (original url: %s)" % (newuri, origud.url))
                    logger.debug(str(e))
                    # Its own mirrors may still work: a file:// URL fails
                    # here only because the file is not found.
                    if latest is not None:
                        add_uris(latest, remaining, tarballs)
                    continue
                uris.append(newuri)
                uds.append(latest)
                add_uris(latest, remaining, tarballs)

    add_uris(origud, mirrors, origud.mirrortarballs or [None])
    return uris, uds


def _use_mirror_result(origud, ud, ld):
    """Make the mirror's download serve ``origud``; returns the path to use."""
    dldir = ld.getVar("DL_DIR")
    if bb.utils.to_boolean(ld.getVar("BB_FETCH_PREMIRRORONLY")):
        ld = ld.createCopy()
        ld.setVar("BB_NO_NETWORK", "1")

    name = os.path.basename(ud.localpath)
    if origud.mirrortarballs and name in origud.mirrortarballs and name != os.path.basename(origud.localpath):
        # A mirror tarball: link it into DL_DIR and let the real fetcher use it.
        if ud.donestamp:
            # An empty stamp is the old format, which does not force a new download.
            bb.utils.mkdirhier(os.path.dirname(ud.donestamp))
            open(ud.donestamp, 'w').close()
        dest = os.path.join(dldir, name)
        if not os.path.exists(dest):
            try:
                os.symlink(ud.localpath, dest)
            except FileExistsError:
                pass
        if not verify_donestamp(origud, ld) or origud.method.need_update(origud, ld):
            origud.method.download(origud, ld)
            if hasattr(origud.method, "build_mirror_data"):
                origud.method.build_mirror_data(origud, ld)
        return origud.localpath

    # Otherwise the download is reached through a link at the original path.
    origud.method.update_mirror_links(ud, origud)
    update_stamp(origud, ld)
    return ud.localpath


def try_mirror_url(fetch, origud, ud, ld, check=False):
    """Fetch (or with ``check``, look for) one mirror URL.

    Returns the local path (or the check's result) on success, False to
    go on with the next mirror.
    """
    lock = None
    try:
        if ud.lockfile and ud.lockfile != origud.lockfile:
            lock = bb.utils.lockfile(ud.lockfile)
        if check:
            found = ud.method.checkstatus(fetch, ud, ld)
            return found if found else False

        if not verify_donestamp(ud, ld, origud) or ud.method.need_update(ud, ld):
            ud.method.download(ud, ld)
            if hasattr(ud.method, "build_mirror_data"):
                ud.method.build_mirror_data(ud, ld)
        if not ud.localpath or not os.path.exists(ud.localpath):
            return False
        if ud.localpath == origud.localpath:
            return ud.localpath
        return _use_mirror_result(origud, ud, ld)
    except NetworkAccess:
        raise
    except IOError as e:
        if e.errno == errno.ESTALE:
            logger.warning("Stale Error Observed %s." % ud.url)
            return False
        raise
    except BBFetchException as e:
        if isinstance(e, ChecksumError):
            logger.warning("Mirror checksum failure for url %s (original url: %s)\nCleaning and trying again."
                           % (ud.url, origud.url))
            logger.warning(str(e))
            if os.path.exists(ud.localpath):
                rename_bad_checksum(ud, e.checksum)
        elif isinstance(e, NoChecksumError):
            raise
        else:
            logger.debug("Mirror fetch failure for url %s (original url: %s)" % (ud.url, origud.url))
            logger.debug(str(e))
        if ud.method.cleanup_upon_failure():
            ud.method.clean(ud, ld)
        return False
    finally:
        if lock:
            bb.utils.unlockfile(lock)


def try_mirrors(fetch, d, origud, mirrors, check=False):
    """Try every mirror URL of ``origud`` in turn; the first success's result, or None."""
    ld = d.createCopy()
    uris, uds = build_mirroruris(origud, mirrors, ld)
    for index in range(len(uris)):
        result = try_mirror_url(fetch, origud, uds[index], ld, check)
        if result:
            return result
    return None
