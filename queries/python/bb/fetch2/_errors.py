"""The exceptions of rbake's bb.fetch2, and the event for a missing checksum.

They are re-exported by ``bb.fetch2`` and carry that module's name, so
that they print and pickle exactly as if they were defined there.
"""

import bb
import bb.event


class BBFetchException(Exception):
    """Root of the fetcher's exceptions; str() is the message."""

    def __init__(self, message):
        self.msg = message
        Exception.__init__(self, message)

    def __str__(self):
        return self.msg


class UntrustedUrl(BBFetchException):
    """The URL's host is not in BB_ALLOWED_NETWORKS."""

    def __init__(self, url, message=''):
        self.url = url
        BBFetchException.__init__(
            self, str(message) if message else "The URL: '%s' is not trusted and cannot be used" % url)
        self.args = (url,)


class MalformedUrl(BBFetchException):
    """The URL cannot be interpreted."""

    def __init__(self, url, message=''):
        self.url = url
        BBFetchException.__init__(
            self, message if message else "The URL: '%s' is invalid and cannot be interpreted" % url)
        self.args = (url,)


class FetchError(BBFetchException):
    """A fetch went wrong."""

    def __init__(self, message, url=None):
        self.url = url
        if url:
            text = "Fetcher failure for URL: '%s'. %s" % (url, message)
        else:
            text = "Fetcher failure: %s" % message
        BBFetchException.__init__(self, text)
        self.args = (message, url)


class ChecksumError(FetchError):
    """A downloaded file does not have the expected checksum."""

    def __init__(self, message, url=None, checksum=None):
        self.checksum = checksum
        FetchError.__init__(self, message, url)


class NoChecksumError(FetchError):
    """No checksum is given although BB_STRICT_CHECKSUM asks for one."""


class UnpackError(BBFetchException):
    """Unpacking a source failed."""

    def __init__(self, message, url):
        self.url = url
        BBFetchException.__init__(self, "Unpack failure for URL: '%s'. %s" % (url, message))
        self.args = (message, url)


class LocalModificationsError(UnpackError):
    def __init__(self, repodir, url, git_output):
        UnpackError.__init__(
            self,
            "Repository at %s has uncommitted changes, unable to update:\n%s\n"
            "Commit, stash or discard your changes and re-run the update." % (repodir, git_output),
            url)
        self.args = (repodir, url, git_output)


class RebaseError(UnpackError):
    def __init__(self, repodir, url, git_output):
        UnpackError.__init__(
            self,
            "Repository at %s has local commits that could not be rebased onto the new upstream revision:\n%s\n"
            "Note: the 'dldir' remote points to the local download cache and may be used to resolve the conflict manually.\n"
            "Once resolved, re-run the update." % (repodir, git_output),
            url)
        self.args = (repodir, url, git_output)


class NoMethodError(BBFetchException):
    """No fetcher handles the URL's scheme."""

    def __init__(self, url):
        self.url = url
        BBFetchException.__init__(self, "Could not find a fetcher which supports the URL: '%s'" % url)
        self.args = (url,)


class MissingParameterError(BBFetchException):
    """The URL lacks a parameter its fetcher needs."""

    def __init__(self, missing, url):
        self.url = url
        self.missing = missing
        BBFetchException.__init__(self, "URL: '%s' is missing the required parameter '%s'" % (url, missing))
        self.args = (missing, url)


class ParameterError(BBFetchException):
    """The URL's parameters are invalid."""

    def __init__(self, message, url):
        self.url = url
        BBFetchException.__init__(self, "URL: '%s' has invalid parameters. %s" % (url, message))
        self.args = (message, url)


class NetworkAccess(BBFetchException):
    """Network access was needed while it is disabled."""

    def __init__(self, url, cmd):
        self.url = url
        self.cmd = cmd
        BBFetchException.__init__(
            self,
            "Network access disabled through BB_NO_NETWORK (or set indirectly due to use of "
            "BB_FETCH_PREMIRRORONLY) but access requested with command %s (for url %s)" % (cmd, url))
        self.args = (url, cmd)


class NonLocalMethod(Exception):
    def __init__(self):
        Exception.__init__(self)


class MissingChecksumEvent(bb.event.Event):
    def __init__(self, url, **checksums):
        self.url = url
        self.checksums = checksums
        bb.event.Event.__init__(self)


# The classes present themselves as members of bb.fetch2.
for _cls in list(globals().values()):
    if isinstance(_cls, type) and _cls.__module__ == __name__:
        _cls.__module__ = "bb.fetch2"
del _cls
