"""The Fetch class of rbake's bb.fetch2: download, check, unpack and clean a list of URLs.

``Fetch(urls, d)`` holds one FetchData per URL (SRC_URI when the list is
empty).  ``download()`` takes each URL from a valid earlier download, from
PREMIRRORS, from upstream or from MIRRORS, in that order; ``unpack()``
hands each download to its fetcher's unpack.
"""

import errno
import os

import bb
import bb.utils
from bb.fetch2 import (
    BBFetchException, ChecksumError, FetchError, NetworkAccess, NoChecksumError,
    NonLocalMethod, UntrustedUrl, logger, mirror_from_string, rename_bad_checksum,
    trusted_network,
)
from bb.fetch2._core import FetchData, urldata_cache


class DummyUnpackTracer(object):
    """Unpack tracer that records nothing (BB_UNPACK_TRACER_CLASS unset)."""

    def start(self, unpackdir, urldata_dict, d):
        return

    def start_url(self, url):
        return

    def unpack(self, unpack_type, destdir):
        return

    def finish_url(self, url):
        return

    def complete(self):
        return


_unpack_tracer = None


def _get_unpack_tracer(d):
    global _unpack_tracer
    if _unpack_tracer is None:
        class_path = d.getVar("BB_UNPACK_TRACER_CLASS")
        if class_path:
            import importlib
            module_name, _, class_name = class_path.rpartition(".")
            _unpack_tracer = getattr(importlib.import_module(module_name), class_name)()
        else:
            _unpack_tracer = DummyUnpackTracer()
    return _unpack_tracer


class Fetch(object):
    """The FetchData of a list of URLs (SRC_URI when the list is empty)."""

    def __init__(self, urls, d, cache=True, localonly=False, connection_cache=None):
        if localonly and cache:
            raise Exception("bb.fetch2.Fetch.__init__: cannot set cache and localonly at same time")
        if not urls:
            urls = d.getVar("SRC_URI").split()
        self.urls = urls
        self.d = d
        self.ud = {}
        self.connection_cache = connection_cache

        fn = d.getVar('FILE')
        mc = d.getVar('__BBMULTICONFIG') or ""
        key = None
        if cache and fn:
            key = mc + fn + str(id(d))
        if key in urldata_cache:
            self.ud = urldata_cache[key]

        tracer = _get_unpack_tracer(d)
        for url in urls:
            if url in self.ud:
                continue
            try:
                self.ud[url] = FetchData(url, d, localonly)
                self.ud[url].unpack_tracer = tracer
            except NonLocalMethod:
                if localonly:
                    self.ud[url] = None

        if key:
            urldata_cache[key] = self.ud

    def localpath(self, url):
        if url not in self.urls:
            self.ud[url] = FetchData(url, self.d)
        self.ud[url].setup_localpath(self.d)
        return self.ud[url].localpath

    def localpaths(self):
        result = []
        for url in self.urls:
            ud = self.ud[url]
            ud.setup_localpath(self.d)
            result.append(ud.localpath)
        return result

    def download(self, urls=None):
        """Fetch every URL (all of them by default) into DL_DIR.

        Missing checksums under BB_STRICT_CHECKSUM=1 are collected and
        reported together at the end.
        """
        network = self.d.getVar("BB_NO_NETWORK")
        missing_checksums = []
        for url in urls or self.urls:
            ud = self.ud[url]
            ud.setup_localpath(self.d)
            lock = bb.utils.lockfile(ud.lockfile) if ud.lockfile else None
            try:
                self.d.setVar("BB_NO_NETWORK", network)
                self._download_one(url, ud)
            except IOError as e:
                if e.errno == errno.ESTALE:
                    logger.error("Stale Error Observed %s." % url)
                    raise ChecksumError("Stale Error Detected")
                raise
            except NoChecksumError as e:
                missing_checksums.append(e.args[0])
            except ChecksumError:
                logger.error("Checksum failure fetching %s" % url)
                raise
            finally:
                if lock:
                    bb.utils.unlockfile(lock)
        if missing_checksums:
            logger.error("Missing SRC_URI checksum, please add those to the recipe: \n%s",
                         "\n".join(missing_checksums))
            raise BBFetchException("There was some missing checksums in the recipe")

    def _download_one(self, url, ud):
        """Fetch one URL: valid download, PREMIRRORS, upstream, then MIRRORS."""
        method = ud.method
        done = False
        if method.verify_donestamp(ud, self.d) and not method.need_update(ud, self.d):
            done = True
        elif method.try_premirror(ud, self.d):
            logger.debug("Trying PREMIRRORS")
            done = method.try_mirrors(self, ud, self.d, mirror_from_string(self.d.getVar('PREMIRRORS')))
            if done:
                # Checking now lets a bad premirror copy fall back to upstream.
                try:
                    method.update_donestamp(ud, self.d)
                except ChecksumError as e:
                    logger.warning("Checksum failure encountered with premirror download of %s - "
                                   "will attempt other sources." % url)
                    logger.debug(str(e))
                    done = False

        d = self.d
        if bb.utils.to_boolean(self.d.getVar("BB_FETCH_PREMIRRORONLY")):
            # Only a copy of the datastore loses its network access.
            d = self.d.createCopy()
            d.setVar("BB_NO_NETWORK", "1")

        first_error = None
        verified = method.verify_donestamp(ud, d) if done else False
        if not done and (not verified or method.need_update(ud, d)):
            try:
                if not trusted_network(d, ud.url):
                    raise UntrustedUrl(ud.url)
                logger.debug("Trying Upstream")
                method.download(ud, d)
                if hasattr(method, "build_mirror_data"):
                    method.build_mirror_data(ud, d)
                done = True
                # Checking now leaves the mirrors as a fallback for a bad checksum.
                method.update_donestamp(ud, d)
            except NetworkAccess:
                raise
            except BBFetchException as e:
                if isinstance(e, ChecksumError):
                    logger.warning("Checksum failure encountered with download of %s - "
                                   "will attempt other sources if available" % url)
                    logger.debug(str(e))
                    if os.path.exists(ud.localpath):
                        rename_bad_checksum(ud, e.checksum)
                elif isinstance(e, NoChecksumError):
                    raise
                else:
                    logger.warning('Failed to fetch URL %s, attempting MIRRORS if available' % url)
                    logger.debug(str(e))
                first_error = e
                # A partial download must not be mistaken for a complete one.
                if not verified and method.cleanup_upon_failure():
                    method.clean(ud, d)
                logger.debug("Trying MIRRORS")
                done = method.try_mirrors(self, ud, d, mirror_from_string(d.getVar('MIRRORS')))

        if not done or not method.done(ud, d):
            if first_error:
                logger.error(str(first_error))
            raise FetchError("Unable to fetch URL from any source.", url)
        method.update_donestamp(ud, d)

    def checkstatus(self, urls=None):
        """Check that every URL exists in PREMIRRORS, upstream or MIRRORS; raise FetchError if not."""
        for url in urls or self.urls:
            ud = self.ud[url]
            ud.setup_localpath(self.d)
            method = ud.method
            logger.debug("Testing URL %s", url)
            found = method.try_mirrors(self, ud, self.d, mirror_from_string(self.d.getVar('PREMIRRORS')), True)
            if not found:
                found = method.checkstatus(self, ud, self.d)
            if not found:
                found = method.try_mirrors(self, ud, self.d, mirror_from_string(self.d.getVar('MIRRORS')), True)
            if not found:
                raise FetchError("URL doesn't work", url)

    def unpack(self, root, urls=None, update=False):
        """Unpack every URL's download into ``root`` (update: refresh existing checkouts)."""
        tracer = _get_unpack_tracer(self.d)
        tracer.start(root, self.ud, self.d)
        for url in urls or self.urls:
            ud = self.ud[url]
            ud.setup_localpath(self.d)
            lock = bb.utils.lockfile(ud.lockfile) if ud.lockfile else None
            try:
                tracer.start_url(url)
                if update:
                    ud.method.unpack_update(ud, root, self.d)
                else:
                    ud.method.unpack(ud, root, self.d)
                tracer.finish_url(url)
            finally:
                if lock:
                    bb.utils.unlockfile(lock)
        tracer.complete()

    def unpack_update(self, root, urls=None):
        self.unpack(root, urls, update=True)

    def clean(self, urls=None):
        """Remove the downloads of the URLs and their done stamps."""
        for url in urls or self.urls:
            if url not in self.ud:
                self.ud[url] = FetchData(url, self.d)
            ud = self.ud[url]
            ud.setup_localpath(self.d)
            if not ud.localfile and ud.localpath is None:
                continue
            lock = bb.utils.lockfile(ud.lockfile) if ud.lockfile else None
            try:
                ud.method.clean(ud, self.d)
                if ud.donestamp:
                    bb.utils.remove(ud.donestamp)
            finally:
                if lock:
                    bb.utils.unlockfile(lock)

    def expanded_urldata(self, urls=None):
        result = []
        for url in urls or self.urls:
            ud = self.ud[url]
            result.append(ud)
            result += ud.method.implicit_urldata(ud, self.d)
        return result
