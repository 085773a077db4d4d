"""FetchData, FetchMethod and source revisions for rbake's bb.fetch2.

FetchData decodes one SRC_URI entry, chooses its fetcher and computes its
local path; FetchMethod is the base of the fetchers, with the default
download, unpack, clean and mirror behaviour.  The Fetch class, which
drives a list of URLs, is in _fetch.py.
"""

import os
import re

import bb
import bb.utils
from bb.fetch2 import (
    CHECKSUM_LIST, FetchError, NoMethodError, NonLocalMethod, ParameterError,
    decodeurl, logger, update_stamp, verify_donestamp,
)

methods = []
urldata_cache = {}
saved_headrevs = {}

# URL types whose SRC_URI checksums may come from SRC_URI[<name>.<id>sum] flags.
_CHECKSUMMED_TYPES = ("http", "https", "ftp", "ftps", "sftp", "s3", "az", "crate", "gs", "gomod", "npm")


def _not_yet(what):
    return NotImplementedError("rbake: %s is not supported yet" % what)


# --- cache-related entry points (no persistent caches in rbake yet) ---------------

def fetcher_init(d, servercontext=True):
    policy = d.getVar('BB_SRCREV_POLICY') or "clear"
    if policy not in ("cache", "clear"):
        raise FetchError("Invalid SRCREV cache policy of: %s" % policy)
    for method in methods:
        if hasattr(method, "init"):
            method.init(d)


def fetcher_parse_save():
    return


def fetcher_parse_done():
    return


def fetcher_compare_revisions(d):
    return False


def get_file_checksums(filelist, pn, localdirsexclude):
    raise _not_yet("bb.fetch2.get_file_checksums")


# --- source revisions --------------------------------------------------------------

def mark_recipe_nocache(d):
    if d.getVar('BB_SRCREV_POLICY') != "cache":
        d.setVar('BB_DONT_CACHE', '1')


def get_autorev(d):
    """Value of AUTOREV: marks the recipe uncacheable and yields "AUTOINC"."""
    mark_recipe_nocache(d)
    d.setVar("__BBAUTOREV_SEEN", True)
    return "AUTOINC"


def _get_srcrev(d, method_name='sortable_revision'):
    """(version string, list of revisions) for the SCM entries of SRC_URI.

    One SCM gives its (shortened) revision; several are combined through
    SRCREV_FORMAT.  "AUTOINC+" is prefixed when a revision is not
    incremental.
    """
    d.setVar("__BBSRCREV_SEEN", "1")
    if d.getVar("__BBINSRCREV"):
        raise FetchError("There are recursive references in fetcher variables, likely through SRC_URI")
    d.setVar("__BBINSRCREV", True)

    urldata = bb.fetch2.Fetch(d.getVar('SRC_URI').split(), d).ud
    scms = [u for u in urldata if urldata[u].method.supports_srcrev()]
    revs = []

    if not scms:
        d.delVar("__BBINSRCREV")
        return "", revs

    def revision_of(ud):
        autoinc, rev = getattr(ud.method, method_name)(ud, d, ud.name)
        revs.append(rev)
        return autoinc, rev[:10]

    if len(scms) == 1:
        autoinc, rev = revision_of(urldata[scms[0]])
        d.delVar("__BBINSRCREV")
        return ("AUTOINC+" + rev if autoinc else rev), revs

    fmt = d.getVar('SRCREV_FORMAT')
    if not fmt:
        raise FetchError("The SRCREV_FORMAT variable must be set when multiple SCMs are used.\n"
                         "The SCMs are:\n%s" % '\n'.join(scms))

    by_name = {}
    any_autoinc = False
    for scm in scms:
        ud = urldata[scm]
        autoinc, rev = revision_of(ud)
        any_autoinc = any_autoinc or autoinc
        by_name[ud.name] = rev
    # Substitute names in one pass, longest first, so that a name that is a
    # prefix of another, or text inside an inserted revision, is left alone.
    pattern = "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
    fmt = re.sub(pattern, lambda m: by_name[m.group(0)], fmt)
    if any_autoinc:
        fmt = "AUTOINC+" + fmt
    d.delVar("__BBINSRCREV")
    return fmt, revs


def get_hashvalue(d, method_name='sortable_revision'):
    return " ".join(_get_srcrev(d, method_name=method_name)[1])


def get_pkgv_string(d, method_name='sortable_revision'):
    return _get_srcrev(d, method_name=method_name)[0]


def get_srcrev(d, method_name='sortable_revision'):
    pkgv = _get_srcrev(d, method_name=method_name)[0]
    if not pkgv:
        raise FetchError("SRCREV was used yet no valid SCM was found in SRC_URI")
    return pkgv


def srcrev_internal_helper(ud, d, name):
    """The revision to fetch for ``ud``: from SRCREV variables or a
    ``rev``/``tag`` parameter; "AUTOINC" asks the fetcher for the latest."""
    pn = d.getVar("PN")
    candidates = []
    if name != '':
        if pn:
            candidates.append("SRCREV_%s:pn-%s" % (name, pn))
        candidates.append("SRCREV_%s" % name)
    if pn:
        candidates.append("SRCREV:pn-%s" % pn)
    candidates.append("SRCREV")

    srcrev = None
    for var in candidates:
        srcrev = d.getVar(var)
        if srcrev and srcrev != "INVALID":
            break
    unset = not srcrev or srcrev == "INVALID"

    if 'rev' in ud.parm:
        parmrev = ud.parm['rev']
        if not unset and srcrev != parmrev:
            raise FetchError("Conflicting revisions (%s from SRCREV and %s from the url) found, please specify one valid value" % (srcrev, parmrev))
        return parmrev
    if 'tag' in ud.parm and unset:
        return ud.parm['tag']
    if unset:
        raise FetchError("Please set a valid SRCREV for url %s (possible key names are %s, or use a ;rev=X URL parameter)" % (str(candidates), ud.url), ud.url)
    if srcrev == "AUTOINC":
        d.setVar("__BBAUTOREV_ACTED_UPON", True)
        srcrev = ud.method.latest_revision(ud, d, name)
    return srcrev


# --- local files --------------------------------------------------------------------

def localpath(url, d):
    return bb.fetch2.Fetch([url], d).localpath(url)


def get_checksum_file_list(d):
    """The ``file-checksums`` value for the file:// entries of SRC_URI.

    Every path tried through FILESPATH is listed as ``path:True`` or
    ``path:False`` (whether it exists); an entry found nowhere is fatal.
    """
    from bb.fetch2 import local
    fetch = bb.fetch2.Fetch([], d, cache=False, localonly=True)
    entries = []
    for url in fetch.urls:
        ud = fetch.ud[url]
        if not ud or not isinstance(ud.method, local.Local):
            continue
        paths = ud.method.localfile_searchpaths(ud, d)
        found = False
        for path in paths:
            exists = os.path.exists(path)
            found = found or exists
            entries.append("%s:%s" % (path, exists))
        if not found:
            bb.fatal(("Unable to get checksum for %s SRC_URI entry %s: file could not be found"
                      "\nThe following paths were searched:\n%s")
                     % (d.getVar('PN'), os.path.basename(paths[-1]), '\n'.join(paths)))
    return " ".join(entries)


# --- per-URL state ------------------------------------------------------------------

class FetchData(object):
    """Everything the fetcher knows about one SRC_URI entry."""

    def __init__(self, url, d, localonly=False):
        self.donestamp = None
        self.needdonestamp = True
        self.localfile = ""
        self.localpath = None
        self.lockfile = None
        self.mirrortarballs = []
        self.basename = None
        self.basepath = None
        (self.type, self.host, self.path, self.user, self.pswd, self.parm) = decodeurl(d.expand(url))
        self.date = self.getSRCDate(d)
        self.url = url
        if not self.user and "user" in self.parm:
            self.user = self.parm["user"]
        if not self.pswd and "pswd" in self.parm:
            self.pswd = self.parm["pswd"]
        self.setup = False

        self.name = self.parm.get("name", 'default')
        if "," in self.name:
            raise ParameterError("The fetcher no longer supports multiple name parameters in a single url", self.url)

        self.method = None
        for method in methods:
            if method.supports(self, d):
                self.method = method
                break
        if not self.method:
            raise NoMethodError(url)

        from bb.fetch2 import local
        if localonly and not isinstance(self.method, local.Local):
            raise NonLocalMethod()

        if self.parm.get("proto", None) and "protocol" not in self.parm:
            logger.warning('Consider updating %s recipe to use "protocol" not "proto" in SRC_URI.', d.getVar('PN'))
            self.parm["protocol"] = self.parm.get("proto", None)

        if hasattr(self.method, "urldata_init"):
            self.method.urldata_init(self, d)

        for checksum_id in CHECKSUM_LIST:
            self._configure_checksum(checksum_id, d)

        self.ignore_checksums = False

        if "localpath" in self.parm:
            self.localpath = self.parm["localpath"]
            self.basename = os.path.basename(self.localpath)
        elif self.localfile:
            self.localpath = self.method.localpath(self, d)

        if not self.needdonestamp:
            return

        # .done and .lock files always live in DL_DIR
        dldir = d.getVar("DL_DIR")
        if self.localpath and self.localpath.startswith(dldir):
            base = self.localpath
        elif self.localpath:
            base = dldir + os.sep + os.path.basename(self.localpath)
        elif self.basepath or self.basename:
            base = dldir + os.sep + (self.basepath or self.basename)
        else:
            bb.fatal("Can't determine lock path for url %s" % url)
        self.donestamp = base + '.done'
        self.lockfile = base + '.lock'

    def _configure_checksum(self, checksum_id, d):
        plain = "%ssum" % checksum_id
        if "name" in self.parm:
            name = "%s.%ssum" % (self.parm["name"], checksum_id)
        else:
            name = plain
        if name in self.parm:
            expected = self.parm[name]
        elif plain in self.parm:
            expected = self.parm[plain]
            name = plain
        elif self.type in _CHECKSUMMED_TYPES:
            expected = d.getVarFlag("SRC_URI", name)
        else:
            expected = None
        setattr(self, "%s_name" % checksum_id, name)
        setattr(self, "%s_expected" % checksum_id, expected)

    def setup_revisions(self, d):
        self.revision = srcrev_internal_helper(self, d, self.name)

    def setup_localpath(self, d):
        if not self.localpath:
            self.localpath = self.method.localpath(self, d)

    def getSRCDate(self, d):
        if "srcdate" in self.parm:
            return self.parm['srcdate']
        pn = d.getVar("PN")
        if pn:
            return d.getVar("SRCDATE_%s" % pn) or d.getVar("SRCDATE") or d.getVar("DATE")
        return d.getVar("SRCDATE") or d.getVar("DATE")


class FetchMethod(object):
    """Base of the fetchers: parse-time queries have working defaults,
    operations that need the task runner raise NotImplementedError."""

    def __init__(self, urls=None):
        self.urls = []

    def supports(self, urldata, d):
        return 0

    def localpath(self, urldata, d):
        return os.path.join(d.getVar("DL_DIR"), urldata.localfile)

    def supports_checksum(self, urldata):
        return urldata.localpath is not None and not os.path.isdir(urldata.localpath)

    def recommends_checksum(self, urldata):
        return False

    def cleanup_upon_failure(self):
        return True

    def verify_donestamp(self, ud, d):
        return verify_donestamp(ud, d)

    def update_donestamp(self, ud, d):
        update_stamp(ud, d)

    def _strip_leading_slashes(self, relpath):
        while os.path.isabs(relpath):
            relpath = relpath[1:]
        return relpath

    def setUrls(self, urls):
        self.__urls = urls

    def getUrls(self):
        return self.__urls

    urls = property(getUrls, setUrls, None, "Urls property")

    def need_update(self, ud, d):
        return not os.path.exists(ud.localpath)

    def supports_srcrev(self):
        return False

    def download(self, urldata, d):
        raise NoMethodError(urldata.url)

    def unpack(self, urldata, rootdir, data):
        """Copy or extract the download into ``rootdir`` (see _unpack.py)."""
        from bb.fetch2._unpack import unpack_download
        unpack_download(urldata, rootdir, data)

    def unpack_update(self, urldata, rootdir, data):
        raise RuntimeError("No method available for this url type: %s" % urldata.type)

    def clean(self, urldata, d):
        bb.utils.remove(urldata.localpath)

    def ensure_symlink(self, target, link_name):
        """Make ``link_name`` a symbolic link to ``target`` unless it already leads somewhere."""
        if os.path.exists(link_name):
            return
        bb.utils.mkdirhier(os.path.dirname(link_name))
        if os.path.islink(link_name):
            # A dangling link is replaced.
            os.unlink(link_name)
        try:
            os.symlink(target, link_name)
        except FileExistsError:
            # Another task without a lock made it first.
            pass

    def update_mirror_links(self, ud, origud):
        # A mirror's local result is reached through the original local path.
        self.ensure_symlink(ud.localpath, origud.localpath)

    def try_premirror(self, urldata, d):
        return True

    def try_mirrors(self, fetch, urldata, d, mirrors, check=False):
        from bb.fetch2._mirrors import try_mirrors
        return bool(try_mirrors(fetch, d, urldata, mirrors, check))

    def checkstatus(self, fetch, urldata, d):
        logger.info("URL %s could not be checked for status since no method exists.", urldata.url)
        return True

    def latest_revision(self, ud, d, name):
        if not hasattr(self, "_latest_revision"):
            raise ParameterError("The fetcher for this URL does not support _latest_revision", ud.url)
        return self._latest_revision(ud, d, name)

    def _network_revision(self, ud, what):
        raise FetchError("rbake cannot resolve %s without network access, which it does not do yet; "
                         "set a fixed SRCREV" % what, ud.url)

    def sortable_revision(self, ud, d, name):
        return True, str(self._build_revision(ud, d, name))

    def generate_revision_key(self, ud, d, name):
        return self._revision_key(ud, d, name)

    def latest_versionstring(self, ud, d, filter_regex=None):
        return ('', '')

    def done(self, ud, d):
        return os.path.exists(ud.localpath)

    def implicit_urldata(self, ud, d):
        return []
