"""HTTP-style fetchers of rbake's bb.fetch2 (http, https, ftp, ftps, az, crate, gomod).

Only URL interpretation is implemented: the download file name and the
rewritten URLs that crate:// and gomod:// entries stand for.
"""

import os
import re

import bb
from bb.fetch2 import FetchMethod, MissingParameterError, ParameterError, encodeurl


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
