"""HTTP-style fetchers of rbake's bb.fetch2 (http, https, ftp, ftps, az, crate, gomod).

Downloads run the ``wget`` command (FETCHCMD_wget) into DL_DIR through a
``.tmp`` file that is checked and then renamed; ``checkstatus`` asks the
server with a HEAD request (see _wget_status.py).  crate:// and gomod://
entries are rewritten to the https URLs they stand for.
"""

import os
import re
import shlex

import bb
import bb.progress
import bb.utils
from bb.fetch2 import (
    FetchError, FetchMethod, MissingParameterError, ParameterError, check_network_access,
    encodeurl, logger, runfetchcmd, verify_checksum,
)


class WgetProgressHandler(bb.progress.LineFilterProgressHandler):
    """Progress events from the dot display of ``wget --progress=dot``."""

    _progress_re = re.compile(r'(\d+)%\s+([\d.]+[A-Z])')

    def __init__(self, d):
        super().__init__(d)
        # An event at 0% makes the progress bar appear.
        self._fire_progress(0)

    def writeline(self, line):
        found = self._progress_re.findall(line)
        if not found:
            return True
        percent, rate = found[-1]
        self.update(int(percent), rate + '/s')
        return False


def _download_name(ud):
    """Set the download's file name: the downloadfilename parameter or the URL's last path part."""
    if 'downloadfilename' in ud.parm:
        ud.basename = ud.parm['downloadfilename']
    else:
        ud.basename = os.path.basename(ud.path)
    ud.localfile = ud.basename


class Wget(FetchMethod):
    def check_certs(self, d):
        return (d.getVar("BB_CHECK_SSL_CERTS") or "1") != "0"

    def supports(self, ud, d):
        return ud.type in ['http', 'https', 'ftp', 'ftps']

    def recommends_checksum(self, urldata):
        return True

    def urldata_init(self, ud, d):
        if ud.parm.get('protocol') == 'git':
            raise ParameterError("Invalid protocol - if you wish to fetch from a git repository using http, you need to instead use the git:// prefix with protocol=http", ud.url)
        _download_name(ud)
        if not ud.localfile:
            ud.localfile = ud.host + ud.path.replace("/", ".")
        ud.basecmd = shlex.split(d.getVar("FETCHCMD_wget") or "") or ['wget', '--tries=2', '--timeout=100']
        if ud.type in ('ftp', 'ftps'):
            ud.basecmd.append("--passive-ftp")
        if not self.check_certs(d):
            ud.basecmd.append("--no-check-certificate")

    def _runwget(self, ud, d, command, quiet, workdir=None):
        logger.debug2("Fetching %s using command '%s'" % (ud.url, command))
        check_network_access(d, command, ud.url)
        runfetchcmd(command + ['--progress=dot', '--verbose'], d, quiet,
                    log=WgetProgressHandler(d), workdir=workdir)

    def download(self, ud, d):
        """Run wget into ``<DL_DIR>/<localfile>.tmp``, verify it, then move it into place."""
        command = list(ud.basecmd)
        dldir = os.path.realpath(d.getVar("DL_DIR"))
        partial = os.path.join(dldir, ud.localfile) + ".tmp"
        bb.utils.mkdirhier(os.path.dirname(partial))
        command.append("--output-document=%s" % partial)

        if ud.user and ud.pswd:
            command.append("--auth-no-challenge")
            # Credentials given as options go to the first host only, not to
            # the hosts it redirects to (which may reject them).
            if ud.parm.get("redirectauth", "1") == "1":
                command.append("--user=" + ud.user)
                command.append("--password=" + ud.pswd)

        uri = ud.url.split(";")[0]
        command += ["--continue", "--directory-prefix=" + dldir, uri]
        self._runwget(ud, d, command, False)

        # wget may report success without having written anything.
        if not os.path.exists(partial):
            raise FetchError("The fetch command returned success for url %s but %s doesn't exist?!"
                             % (uri, partial), uri)
        if os.path.getsize(partial) == 0:
            os.remove(partial)
            raise FetchError("The fetch of %s resulted in a zero size file?! Deleting and failing since "
                             "this isn't right." % (uri), uri)

        # A wrong checksum leaves the existing download untouched.
        verify_checksum(ud, d, localpath=partial, fatal_nochecksum=False)
        # The rename is atomic, so a mirror never sees a partial file.
        os.rename(partial, partial[:-4])
        return True

    def checkstatus(self, fetch, ud, d, try_again=True):
        from bb.fetch2._wget_status import url_exists
        return url_exists(self, fetch, ud, d, try_again)


class Az(Wget):
    def supports(self, ud, d):
        return ud.type in ['az']


def _crate_index_path(name):
    # layout of the crates.io sparse index
    if len(name) <= 2:
        return "%d/%s" % (len(name), name)
    if len(name) == 3:
        return "3/%s/%s" % (name[0], name)
    return "%s/%s/%s" % (name[0:2], name[2:4], name)


class Crate(Wget):
    """crate://HOST/NAME/VERSION: a Rust crate from a registry."""

    def supports(self, ud, d):
        return ud.type in ['crate']

    def recommends_checksum(self, urldata):
        return True

    def urldata_init(self, ud, d):
        if ud.type == 'crate':
            self._crate_urldata_init(ud, d)
        super().urldata_init(ud, d)

    def _crate_urldata_init(self, ud, d):
        parts = ud.url.split('/')
        if len(parts) < 5:
            raise ParameterError("Invalid URL: Must be crate://HOST/NAME/VERSION", ud.url)
        version = parts[-1].split(";")[0]
        name = parts[-2]
        host = '/'.join(parts[2:-2])
        proto = ud.parm.get('protocol', 'https')
        if host == 'crates.io':
            if proto != 'https':
                bb.warn("URL: %s does the %s protocol which is not supported by crates.io. Please change to ;protocol=https in the url." % (ud.url, proto))
            ud.url = "https://static.crates.io/crates/%s/%s/download" % (name, version)
            ud.versionsurl = 'https://index.crates.io/' + _crate_index_path(name)
        else:
            ud.url = "%s://%s/%s/%s/download" % (proto, host, name, version)
            ud.versionsurl = "%s://%s/%s/versions" % (proto, host, name)
        ud.parm['downloadfilename'] = "%s-%s.crate" % (name, version)
        ud.parm.setdefault('name', '%s-%s' % (name, version))


def gomod_escape(path):
    """Go module proxy escaping: an upper-case letter becomes '!' plus its lower case."""
    return re.sub(r'[A-Z]', lambda m: '!' + m.group(0).lower(), path)


def _gomod_module(ud, d):
    """``(module, moddir)`` for a gomod:// or gomodgit:// URL.

    The module path also becomes the URL's ``module`` parameter; moddir is
    the Go module cache (GO_MOD_CACHE_DIR).  A ``version`` parameter is
    required.
    """
    moddir = d.getVar('GO_MOD_CACHE_DIR') or 'pkg/mod'
    if 'version' not in ud.parm:
        raise MissingParameterError('version', ud.url)
    module = ud.host
    if ud.path != '/':
        module += ud.path
    ud.parm['module'] = module
    return module, moddir


class GoMod(Wget):
    """gomod://MODULE;version=V: a Go module from a module proxy."""

    def supports(self, ud, d):
        return ud.type == 'gomod'

    def urldata_init(self, ud, d):
        proxy = d.getVar('GO_MOD_PROXY') or 'proxy.golang.org'
        module, moddir = _gomod_module(ud, d)
        version = ud.parm['version']
        ext = '.mod' if ud.parm.get('mod', '0') == '1' else '.zip'
        path = gomod_escape("%s/@v/%s%s" % (module, version, ext))
        ud.url = encodeurl(('https', proxy, '/' + path, None, None, None))
        ud.parm['downloadfilename'] = "%s@%s%s" % (module.replace('/', '.'), version, ext)
        ud.parm['name'] = "%s@%s" % (module, version)
        ud.parm['unpackpath'] = os.path.join(moddir, 'cache/download', path)
        super().urldata_init(ud, d)
