"""The git:// fetcher of rbake's bb.fetch2 (also the base of gitsm, gitannex and gomodgit).

This module interprets the URL (protocol, branch, revision, clone
directory, mirror tarball names); cloning, unpacking and ls-remote are in
_gitops.py, _gitunpack.py and _gitshallow.py.
"""

import collections
import hashlib
import os
import re
import shlex

import bb
from bb.fetch2 import FetchError, FetchMethod, ParameterError
from bb.fetch2._gitops import GitOperations, GitProgressHandler  # noqa: F401
from bb.fetch2.wget import _gomod_module

git_hash_re = re.compile(r'^[0-9a-f]{40,64}$')
slash_re = re.compile(r"/+")

_PROTOCOLS = ('git', 'file', 'ssh', 'http', 'https', 'rsync')


def _flag(ud, name):
    return ud.parm.get(name, "0") == "1"


def _depth(value, what):
    try:
        depth = int(value or 0)
    except ValueError:
        depth = -1
    if depth < 0:
        raise FetchError("Invalid depth for %s: %s" % (what, value))
    return depth


class Git(GitOperations, FetchMethod):
    def init(self, d):
        pass

    def supports(self, ud, d):
        return ud.type in ['git']

    def supports_checksum(self, urldata):
        return False

    def cleanup_upon_failure(self):
        return False

    def supports_srcrev(self):
        return True

    def urldata_init(self, ud, d):
        if 'protocol' in ud.parm:
            ud.proto = ud.parm['protocol']
        else:
            ud.proto = "git" if ud.host else "file"
        if ud.host == "github.com" and ud.proto == "git":
            # GitHub no longer serves the git protocol
            ud.proto = "https"
            bb.warn("URL: %s uses git protocol which is no longer supported by github. Please change to ;protocol=https in the url." % ud.url)
        if ud.proto not in _PROTOCOLS:
            raise ParameterError(f"Invalid protocol type: '{ud.proto}'", ud.url)

        ud.nocheckout = _flag(ud, "nocheckout")
        ud.rebaseable = _flag(ud, "rebaseable")
        ud.nobranch = _flag(ud, "nobranch")
        ud.usehead = _flag(ud, "usehead")
        if ud.usehead:
            if ud.proto != "file":
                raise ParameterError("The usehead option is only for use with local ('protocol=file') git repositories", ud.url)
            ud.nobranch = 1
        ud.bareclone = _flag(ud, "bareclone")
        if ud.bareclone:
            ud.nocheckout = 1

        ud.unresolvedrev = ""
        ud.branch = ud.parm.get("branch", "")
        if not ud.branch and not ud.nobranch:
            raise ParameterError("The url does not set any branch parameter or set nobranch=1.", ud.url)

        ud.noshared = d.getVar("BB_GIT_NOSHARED") == "1"
        ud.cloneflags = ["-n"]
        if not ud.noshared:
            ud.cloneflags.append("-s")
        if ud.bareclone:
            ud.cloneflags.append("--mirror")

        self._shallow_init(ud, d)

        if ud.usehead:
            ud.unresolvedrev = 'HEAD'

        ud.basecmd = shlex.split(d.getVar("FETCHCMD_git") or
                                 "git -c gc.autoDetach=false -c core.pager=cat -c safe.bareRepository=all -c clone.defaultRemoteName=origin")

        mirror_tarballs = d.getVar("BB_GENERATE_MIRROR_TARBALLS") or "0"
        ud.write_tarballs = mirror_tarballs != "0" or ud.rebaseable
        ud.write_shallow_tarballs = (d.getVar("BB_GENERATE_SHALLOW_TARBALLS") or mirror_tarballs) != "0"

        ud.setup_revisions(d)
        # a branch or tag name given as revision has to be resolved to a hash
        if not git_hash_re.match(ud.revision or ''):
            if ud.revision:
                ud.unresolvedrev = ud.revision
            ud.revision = self.latest_revision(ud, d, ud.name)

        path = ud.path
        for old, new in (('/', '.'), ('*', '.'), (' ', '_'), ('(', '_'), (')', '_')):
            path = path.replace(old, new)
        srcname = ud.host.replace(':', '.') + path
        if srcname.startswith('.'):
            srcname = srcname[1:]
        if ud.rebaseable:
            srcname = srcname + '_' + ud.revision

        dl_dir = d.getVar("DL_DIR")
        gitdir = d.getVar("GITDIR") or (dl_dir + "/git2")
        ud.clonedir = os.path.join(gitdir, srcname)
        ud.localfile = ud.clonedir

        mirrortarball = 'git2_%s.tar.gz' % srcname
        ud.fullmirror = os.path.join(dl_dir, mirrortarball)
        ud.mirrortarballs = [mirrortarball]
        if ud.shallow:
            self._shallow_tarball(ud, srcname, dl_dir)

    def _shallow_init(self, ud, d):
        ud.shallow_skip_fast = False
        ud.shallow = d.getVar("BB_GIT_SHALLOW") == "1"
        ud.shallow_extra_refs = (d.getVar("BB_GIT_SHALLOW_EXTRA_REFS") or "").split()
        if 'tag' in ud.parm:
            ud.shallow_extra_refs.append("refs/tags/" + ud.parm['tag'])

        default = d.getVar("BB_GIT_SHALLOW_DEPTH")
        default = 1 if default is None else _depth(default, "BB_GIT_SHALLOW_DEPTH")
        ud.shallow_depths = collections.defaultdict(lambda: default)

        ud.unresolvedrev = ud.branch
        depth = d.getVar("BB_GIT_SHALLOW_DEPTH_%s" % ud.name)
        if depth is not None:
            ud.shallow_depths[ud.name] = _depth(depth, "BB_GIT_SHALLOW_DEPTH_%s" % ud.name)

        ud.shallow_revs = []
        revs = d.getVar("BB_GIT_SHALLOW_REVS_%s" % ud.name)
        if revs is None:
            revs = d.getVar("BB_GIT_SHALLOW_REVS")
        if revs is not None:
            ud.shallow_revs.extend(revs.split())

        if ud.shallow and not ud.shallow_revs and ud.shallow_depths[ud.name] == 0:
            ud.shallow = False

    def _shallow_tarball(self, ud, srcname, dl_dir):
        name = srcname
        if ud.bareclone:
            name += "_bare"
        if ud.shallow_revs:
            name += "_" + "_".join(sorted(ud.shallow_revs))
        name += "_" + ud.revision[:7]
        depth = ud.shallow_depths[ud.name]
        if depth:
            name += "-%s" % depth
        refs = [] if ud.nobranch else [ud.branch]
        refs.extend(r.replace('refs/heads/', '').replace('*', 'ALL') for r in ud.shallow_extra_refs)
        if refs:
            name += "_" + "_".join(sorted(refs)).replace('/', '.')
        ud.shallowtarball = '%sshallow_%s.tar.gz' % (type(self).__name__.lower(), name)
        ud.fullshallow = os.path.join(dl_dir, ud.shallowtarball)
        ud.mirrortarballs.insert(0, ud.shallowtarball)

    def localpath(self, ud, d):
        return ud.clonedir

    def _revision_key(self, ud, d, name):
        return "git:" + ud.host + slash_re.sub(".", ud.path) + ud.unresolvedrev

    def _build_revision(self, ud, d, name):
        return ud.revision


class GoModGit(Git):
    """gomodgit://MODULE;version=V: a Go module cloned from its repository."""

    def supports(self, ud, d):
        return ud.type == 'gomodgit'

    def urldata_init(self, ud, d):
        module, moddir = _gomod_module(ud, d)

        if 'repo' in ud.parm:
            repo = ud.parm['repo']
            slash = repo.find('/')
            if slash == -1:
                ud.host, ud.path = repo, ''
            else:
                ud.host, ud.path = repo[:slash], repo[slash:]
        ud.parm.setdefault('protocol', 'https')

        ud.name = "%s@%s" % (module, ud.parm['version'])
        srcrev = d.getVar('SRCREV_' + ud.name)
        if srcrev:
            ud.parm.setdefault('srcrev', srcrev)
        elif 'srcrev' in ud.parm:
            d.setVar('SRCREV_' + ud.name, ud.parm['srcrev'])
        if 'branch' not in ud.parm:
            ud.parm['nobranch'] = '1'
        if 'subdir' in ud.parm:
            ud.parm['subpath'] = ud.parm['subdir']
        key = ("git3:%s://%s%s" % (ud.parm['protocol'], ud.host, ud.path)).encode()
        ud.parm['key'] = key
        ud.parm['subdir'] = os.path.join(moddir, 'cache/vcs', hashlib.sha256(key).hexdigest())
        ud.parm['bareclone'] = '1'
        super().urldata_init(ud, d)
