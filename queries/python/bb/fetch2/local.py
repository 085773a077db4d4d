"""The file:// fetcher of rbake's bb.fetch2: files found through FILESPATH."""

import os

from bb.fetch2 import FetchError, FetchMethod, ParameterError, logger


class Local(FetchMethod):
    def supports(self, urldata, d):
        return urldata.type in ['file']

    def urldata_init(self, ud, d):
        # The file is already local: no localfile and no done stamp.
        ud.basename = os.path.basename(ud.path)
        ud.basepath = ud.path
        ud.needdonestamp = False
        if "*" in ud.path:
            raise ParameterError("file:// urls using globbing are no longer supported. Please place the files in a directory and reference that instead.", ud.url)

    def localpath(self, urldata, d):
        return self.localfile_searchpaths(urldata, d)[-1]

    def localfile_searchpaths(self, urldata, d):
        """Candidate paths tried, in FILESPATH order, up to and including
        the first one that exists; an absolute path is its own result."""
        path = urldata.path
        if path.startswith("/"):
            return [path]
        tried = []
        filespath = d.getVar('FILESPATH')
        if not filespath:
            return tried
        for directory in filespath.split(":"):
            candidate = os.path.join(directory, path)
            tried.append(candidate)
            if os.path.exists(candidate):
                logger.debug2("Using %s for %s" % (candidate, path))
                break
        return tried

    def need_update(self, ud, d):
        return not os.path.exists(ud.localpath)

    def download(self, urldata, d):
        # Nothing to download; a missing file is an error.
        if self.supports_checksum(urldata) and not os.path.exists(urldata.localpath):
            filespath = d.getVar('FILESPATH')
            locations = filespath.split(":") if filespath else []
            raise FetchError("Unable to find file " + urldata.url + " anywhere to download to "
                             + urldata.localpath + ". The paths that were searched were:\n    "
                             + "\n    ".join(locations))
        return True

    def checkstatus(self, fetch, urldata, d):
        return os.path.exists(urldata.localpath)

    def clean(self, urldata, d):
        return
