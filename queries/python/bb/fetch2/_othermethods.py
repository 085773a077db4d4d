"""The less common fetchers of rbake's bb.fetch2 (svn, hg, p4, repo, ccrc, ssh, sftp, s3, gs).

Only what parsing needs: which URLs they take, required parameters, local
file names and fixed revisions.
"""

import os
import re
import shlex
import urllib.parse

from bb.fetch2 import (
    FetchError, FetchMethod, MissingParameterError, ParameterError,
    check_network_access,
)
from bb.fetch2.wget import _download_name


class Svn(FetchMethod):
    def supports(self, ud, d):
        return ud.type in ['svn']

    def supports_checksum(self, urldata):
        return False

    def supports_srcrev(self):
        return True

    def urldata_init(self, ud, d):
        if 'module' not in ud.parm:
            raise MissingParameterError('module', ud.url)
        ud.basecmd = shlex.split(d.getVar("FETCHCMD_svn") or "") or ["svn", "--non-interactive"]
        ud.module = ud.parm["module"]
        ud.path_spec = ud.parm.get("path_spec", ud.module)
        svndir = d.getVar("SVNDIR") or (d.getVar("DL_DIR") + "/svn")
        ud.pkgdir = os.path.join(svndir, ud.host, self._strip_leading_slashes(ud.path))
        ud.moddir = os.path.join(ud.pkgdir, ud.path_spec)
        ud.svnlock = os.path.join(ud.pkgdir, "svn.lock")
        ud.setup_revisions(d)
        if 'rev' in ud.parm:
            ud.revision = ud.parm['rev']
        ud.pegrevision = 'nopegrevision' not in ud.parm
        ud.localfile = d.expand('%s_%s_%s_%s_%s.tar.gz' % (
            ud.module.replace('/', '.'), ud.host, ud.path.replace('/', '.'),
            ud.revision, '1' if ud.pegrevision else '0'))

    def _revision_key(self, ud, d, name):
        return "svn:" + ud.moddir

    def _latest_revision(self, ud, d, name):
        self._network_revision(ud, "the latest svn revision")

    def sortable_revision(self, ud, d, name):
        return False, self._build_revision(ud, d)

    def _build_revision(self, ud, d):
        return ud.revision


class Hg(FetchMethod):
    def supports(self, ud, d):
        return ud.type in ['hg']

    def supports_checksum(self, urldata):
        return False

    def supports_srcrev(self):
        return True

    def urldata_init(self, ud, d):
        if 'module' not in ud.parm:
            raise MissingParameterError('module', ud.url)
        ud.module = ud.parm["module"]
        if 'protocol' in ud.parm:
            ud.proto = ud.parm['protocol']
        else:
            ud.proto = "hg" if ud.host else "file"
        srcname = '%s_%s_%s' % (ud.module.replace('/', '.'), ud.host, ud.path.replace('/', '.'))
        mirrortarball = 'hg_%s.tar.gz' % srcname
        ud.fullmirror = os.path.join(d.getVar("DL_DIR"), mirrortarball)
        ud.mirrortarballs = [mirrortarball]
        hgdir = d.getVar("HGDIR") or (d.getVar("DL_DIR") + "/hg")
        ud.pkgdir = os.path.join(hgdir, srcname)
        ud.moddir = os.path.join(ud.pkgdir, ud.module)
        ud.localfile = ud.moddir
        ud.basecmd = shlex.split(d.getVar("FETCHCMD_hg") or "") or ["hg"]
        ud.setup_revisions(d)
        if 'rev' in ud.parm:
            ud.revision = ud.parm['rev']
        elif not ud.revision:
            ud.revision = self.latest_revision(ud, d, ud.name)
        ud.write_tarballs = d.getVar("BB_GENERATE_MIRROR_TARBALLS")

    def _latest_revision(self, ud, d, name):
        self._network_revision(ud, "the latest hg revision")

    def _build_revision(self, ud, d, name):
        return ud.revision

    def _revision_key(self, ud, d, name):
        return "hg:" + ud.moddir

    def localpath(self, ud, d):
        return ud.pkgdir


class Perforce(FetchMethod):
    def supports(self, ud, d):
        return ud.type in ['p4']

    def supports_srcrev(self):
        return True

    def urldata_init(self, ud, d):
        ud.basecmd = shlex.split(d.getVar("FETCHCMD_p4") or "") or ["p4"]
        ud.dldir = d.getVar("P4DIR") or (d.getVar("DL_DIR") + "/p4")
        path = ud.url.split("://")[1].split(";")[0]
        if "@" in path:
            ud.user, ud.pswd = path.split("@")[0].split(":")
            ud.path = path.split("@")[1]
        else:
            ud.path = path

        ud.usingp4config = False
        p4port = d.getVar("P4PORT")
        if p4port:
            ud.host = p4port
        else:
            # BitBake asks "p4 info" for the server address
            ud.usingp4config = True
            check_network_access(d, ud.basecmd + ["info"], ud.url)
            raise FetchError("rbake cannot run 'p4 info' to find the server; set P4PORT", ud.url)

        ud.module = ud.parm.get("module")
        ud.keepremotepath = ud.parm.get("remotepath", "") == "keep"
        ud.pathisdir = ud.path.find("/...") >= 0
        if ud.pathisdir and ud.module:
            raise FetchError("SRC_URI depot path cannot not end in /... when a module value is given")

        cleanedpath = ud.path.replace("/...", "").replace("/", ".")
        cleanedhost = ud.host.replace(":", ".")
        cleanedmodule = ""
        if ud.module:
            if ud.module.startswith("/"):
                raise FetchError("module cannot begin with /")
            ud.path = os.path.join(ud.path, ud.module)
            cleanedmodule = ud.module.replace("/...", "").replace("/", ".")
            cleanedpath += "--%s" % cleanedmodule
        ud.pkgdir = os.path.join(ud.dldir, cleanedhost, cleanedpath)
        ud.setup_revisions(d)
        ud.localfile = d.expand('%s_%s_%s_%s.tar.gz' % (cleanedhost, cleanedpath, cleanedmodule, ud.revision))

    def _revision_key(self, ud, d, name):
        return "p4:%s" % ud.pkgdir

    def _latest_revision(self, ud, d, name):
        self._network_revision(ud, "the latest perforce change")

    def sortable_revision(self, ud, d, name):
        return False, self._build_revision(ud, d)

    def _build_revision(self, ud, d):
        return ud.revision


class Repo(FetchMethod):
    def supports(self, ud, d):
        return ud.type in ["repo"]

    def supports_srcrev(self):
        return False

    def urldata_init(self, ud, d):
        ud.basecmd = shlex.split(d.getVar("FETCHCMD_repo") or "") or ["repo"]
        ud.proto = ud.parm.get('protocol', 'git')
        ud.branch = ud.parm.get('branch', 'master')
        ud.manifest = ud.parm.get('manifest', 'default.xml')
        if not ud.manifest.endswith('.xml'):
            ud.manifest += '.xml'
        ud.localfile = d.expand("repo_%s%s_%s_%s.tar.gz" % (ud.host, ud.path.replace("/", "."), ud.manifest, ud.branch))

    def _build_revision(self, ud, d):
        return ud.manifest


class ClearCase(FetchMethod):
    def supports(self, ud, d):
        return ud.type in ['ccrc']

    def supports_srcrev(self):
        return True

    def urldata_init(self, ud, d):
        ud.proto = ud.parm.get('protocol', 'https')
        if ud.proto not in ('http', 'https'):
            raise ParameterError("Invalid protocol type", ud.url)
        if 'vob' not in ud.parm:
            raise MissingParameterError('vob', ud.url + ": vob must be defined so the fetcher knows what to get.")
        ud.vob = ud.parm['vob']
        ud.module = ud.parm.get('module', "")
        ud.fallbackcmd = shlex.split(d.getVar("FETCHCMD_ccrc") or "")
        if d.getVar("SRCREV") == "INVALID":
            raise FetchError("Set a valid SRCREV for the clearcase fetcher in your recipe, e.g. SRCREV = \"/main/LATEST\" or any other label of your choice.")
        ud.label = d.getVar("SRCREV", False)
        ud.customspec = d.getVar("CCASE_CUSTOM_CONFIG_SPEC")
        ud.server = "%s://%s%s" % (ud.proto, ud.host, ud.path)
        ud.identifier = "clearcase-%s%s-%s" % (ud.vob.replace("/", ""), ud.module.replace("/", "."), ud.label.replace("/", "."))
        ud.viewname = "%s-view%s" % (ud.identifier, d.getVar("DATETIME"))
        ud.csname = "%s-config-spec" % ud.identifier
        ud.ccasedir = os.path.join(d.getVar("DL_DIR"), ud.type)
        ud.viewdir = os.path.join(ud.ccasedir, ud.viewname)
        ud.configspecfile = os.path.join(ud.ccasedir, ud.csname)
        ud.localfile = "%s.tar.gz" % ud.identifier

    def sortable_revision(self, ud, d, name):
        return False, ud.identifier


_ssh_url_re = re.compile(r'''
    \s*ssh://
    (
      (?P<user>\S+)
      (:(?P<pass>\S+))?
      (?P<cparam>(;[^;]+)*)?
      @
    )?
    (?P<host>\S+?)
    (:(?P<port>[0-9]+))?
    /
    (?P<path>[^;]+)
    (?P<sparam>(;[^;]+)*)?
    $
''', re.VERBOSE)


class SSH(FetchMethod):
    def supports(self, urldata, d):
        return _ssh_url_re.match(urldata.url) is not None

    def supports_checksum(self, urldata):
        return False

    def urldata_init(self, urldata, d):
        if urldata.parm.get('protocol') == 'git':
            raise ParameterError("Invalid protocol - if you wish to fetch from a git repository using ssh, you need to use git:// prefix with protocol=ssh", urldata.url)
        path = urllib.parse.unquote(_ssh_url_re.match(urldata.url).group('path'))
        urldata.localfile = os.path.basename(os.path.normpath(path))


class SFTP(FetchMethod):
    def supports(self, ud, d):
        return ud.type in ['sftp']

    def recommends_checksum(self, urldata):
        return True

    def urldata_init(self, ud, d):
        if ud.parm.get('protocol') == 'git':
            raise ParameterError("Invalid protocol - if you wish to fetch from a git repository using ssh, you need to use the git:// prefix with protocol=ssh", ud.url)
        _download_name(ud)


class S3(FetchMethod):
    def supports(self, ud, d):
        return ud.type in ['s3']

    def recommends_checksum(self, urldata):
        return True

    def urldata_init(self, ud, d):
        _download_name(ud)
        ud.basecmd = shlex.split(d.getVar("FETCHCMD_s3") or "") or ["aws", "s3"]


class GCP(FetchMethod):
    def supports(self, ud, d):
        return ud.type in ['gs']

    def recommends_checksum(self, urldata):
        return True

    def urldata_init(self, ud, d):
        _download_name(ud)
