"""The operations of the git fetcher: clone, update, mirror tarballs, unpack, clean, ls-remote.

``GitOperations`` is mixed into the Git class of git.py, which holds URL
interpretation.  Downloads keep a bare mirror clone in
``DL_DIR/git2/<mangled URL>`` (or GITDIR); unpack clones it, shared, into
the work directory and checks out the revision.  Shallow clones are in
_gitshallow.py.
"""

import errno
import os
import re
import shutil
import tempfile
import urllib.parse
from contextlib import contextmanager

import bb
import bb.progress
import bb.utils
from bb.fetch2 import (
    FetchError, check_network_access, logger, mark_recipe_nocache, runfetchcmd, trusted_network,
)

_C_LOCALE = {'LANG': 'C'}


class GitProgressHandler(bb.progress.LineFilterProgressHandler):
    """Progress events from git's "Counting/Compressing/Receiving/Resolving" output."""

    _stages = ['Counting objects', 'Compressing objects', 'Receiving objects', 'Resolving deltas']
    _weights = [0.2, 0.05, 0.5, 0.25]

    def __init__(self, d):
        self._buffer = ''
        self._count = 0
        super().__init__(d)
        # An event with a negative value shows an indeterminate bar.
        self._fire_progress(-1)

    def write(self, string):
        self._buffer += string
        stage = 0
        for index in range(len(self._stages) - 1, -1, -1):
            if self._stages[index] in self._buffer:
                stage = index
                self._buffer = ''
                break
        self._status = self._stages[stage]
        percents = re.findall(r'(\d+)%', string)
        if percents:
            done = sum(self._weights[:stage]) * 100
            progress = int(round(int(percents[-1]) * self._weights[stage] + done))
            rates = re.findall(r'([\d.]+ [a-zA-Z]*/s+)', string)
            self.update(progress, rates[-1] if rates else None)
        elif stage == 0:
            counts = re.findall(r': (\d+)', string)
            if counts and int(counts[-1]) > self._count:
                self._count = int(counts[-1])
                self._fire_progress(-self._count)
        super().write(string)


# Floating revisions resolved during this run, by revision key.
_resolved_revisions = {}


class GitOperations(object):
    """Download, unpack and query operations of the git fetcher."""

    # --- is the clone current? ---------------------------------------------

    def need_update(self, ud, d):
        return (self.clonedir_need_update(ud, d) or self.shallow_tarball_need_update(ud)
                or self.tarball_need_update(ud) or self.lfs_need_update(ud, d))

    def clonedir_need_update(self, ud, d):
        if not os.path.exists(ud.clonedir):
            return True
        if ud.shallow and ud.write_shallow_tarballs and self.clonedir_need_shallow_revs(ud, d):
            return True
        if not self._contains_ref(ud, d, ud.name, ud.clonedir):
            return True
        if 'tag' in ud.parm and not self._contains_ref(ud, d, ud.name, ud.clonedir, tag=True):
            return True
        return False

    def lfs_need_update(self, ud, d):
        if not self._need_lfs(ud):
            return False
        if self.clonedir_need_update(ud, d):
            return True
        return not self._lfs_objects_downloaded(ud, d, ud.clonedir)

    def clonedir_need_shallow_revs(self, ud, d):
        """The first BB_GIT_SHALLOW_REVS revision missing from the clone, or None."""
        for rev in ud.shallow_revs:
            try:
                runfetchcmd(ud.basecmd + ['rev-parse', '-q', '--verify', rev], d, quiet=True, workdir=ud.clonedir)
            except FetchError:
                return rev
        return None

    def shallow_tarball_need_update(self, ud):
        return ud.shallow and ud.write_shallow_tarballs and not os.path.exists(ud.fullshallow)

    def tarball_need_update(self, ud):
        return ud.write_tarballs and not os.path.exists(ud.fullmirror)

    def update_mirror_links(self, ud, origud):
        super().update_mirror_links(ud, origud)
        # The shallow tarball path must lead to the mirror's result too.
        if origud.shallow and not os.path.exists(origud.fullshallow):
            self.ensure_symlink(ud.localpath, origud.fullshallow)

    def try_premirror(self, ud, d):
        if bb.utils.to_boolean(d.getVar("BB_FETCH_PREMIRRORONLY")):
            return True
        # Upstream is out of reach for an untrusted host: premirrors are the only chance.
        if not trusted_network(d, ud.url):
            return True
        # An existing clone is updated from upstream, which has every new revision.
        return not os.path.exists(ud.clonedir)

    # --- download ------------------------------------------------------------

    def _update_from_mirror_tarball(self, ud, d):
        """Fill or refresh the clone from the full mirror tarball in DL_DIR."""
        if not os.path.exists(ud.clonedir):
            bb.utils.mkdirhier(ud.clonedir)
            runfetchcmd(['tar', '-xzf', ud.fullmirror], d, workdir=ud.clonedir)
            return
        with tempfile.TemporaryDirectory(dir=d.getVar('DL_DIR')) as unpacked:
            runfetchcmd(['tar', '-xzf', ud.fullmirror], d, workdir=unpacked)
            remotes = runfetchcmd(ud.basecmd + ['remote'], d, quiet=True, workdir=ud.clonedir)
            if 'mirror' in remotes:
                runfetchcmd(ud.basecmd + ['remote', 'rm', 'mirror'], d, workdir=ud.clonedir)
            runfetchcmd(ud.basecmd + ['remote', 'add', '--mirror=fetch', 'mirror', unpacked], d, workdir=ud.clonedir)
            runfetchcmd(ud.basecmd + ['fetch', '-f', '--update-head-ok', '--progress', 'mirror'], d,
                        workdir=ud.clonedir, extraenv=_C_LOCALE)

    def _clone_is_usable(self, ud, d):
        """Whether the existing clone directory is the top of a git repository."""
        try:
            output = runfetchcmd(ud.basecmd + ['rev-parse', '--absolute-git-dir'], d,
                                 workdir=ud.clonedir, extraenv=_C_LOCALE)
        except FetchError as e:
            logger.warning("Unable to get top level for %s (not a git directory?): %s", ud.clonedir, e)
            return False
        except FileNotFoundError as e:
            logger.warning("%s", e)
            return False
        toplevel = output.rstrip()
        if not bb.utils.path_is_descendant(toplevel, ud.clonedir):
            logger.warning("Top level directory '%s' is not a descendant of '%s'. Re-cloning", toplevel, ud.clonedir)
            return False
        return True

    def download(self, ud, d):
        """Bring the clone in DL_DIR up to date with the revision to build."""
        # A current clone beats either tarball; a shallow tarball beats an
        # outdated clone; a missing clone is made from either tarball.
        if ud.shallow and os.path.exists(ud.fullshallow) and self.need_update(ud, d):
            ud.localpath = ud.fullshallow
            return
        if os.path.exists(ud.fullmirror) and self.need_update(ud, d):
            self._update_from_mirror_tarball(ud, d)
        repourl = self._get_repo_url(ud)

        needs_clone = not os.path.exists(ud.clonedir)
        if not needs_clone and not self._clone_is_usable(ud, d):
            shutil.rmtree(ud.clonedir)
            needs_clone = True

        if needs_clone:
            # git clones a local path with hard links only when its objects
            # directory is a real directory, so give it the path then.
            if repourl.startswith("file://"):
                local = repourl[7:]
                objects = os.path.join(local, 'objects')
                if os.path.isdir(objects) and not os.path.islink(objects):
                    repourl = local
            clone_cmd = ud.basecmd + ['clone', '--bare', '--mirror', repourl, ud.clonedir, '--progress']
            if ud.proto.lower() != 'file':
                check_network_access(d, clone_cmd, ud.url)
            progress = GitProgressHandler(d)
            if ud.shallow and not ud.shallow_skip_fast:
                try:
                    self.clone_shallow_with_tarball(ud, d)
                    ud.localpath = ud.fullshallow
                    return
                except Exception:
                    logger.warning("Creating fast initial shallow clone failed, try initial regular clone now.")
            runfetchcmd(clone_cmd, d, log=progress, extraenv=_C_LOCALE)

        if self.clonedir_need_update(ud, d):
            self._fetch_into_clone(ud, d, repourl)

        if not self._contains_ref(ud, d, ud.name, ud.clonedir):
            raise FetchError("Unable to find revision %s in branch %s even from upstream" % (ud.revision, ud.branch))
        if ud.shallow and ud.write_shallow_tarballs:
            missing = self.clonedir_need_shallow_revs(ud, d)
            if missing:
                raise FetchError("Unable to find revision %s even from upstream" % missing)
        if self.lfs_need_update(ud, d):
            self.lfs_fetch(ud, d, ud.clonedir, ud.revision)

    def _fetch_into_clone(self, ud, d, repourl):
        """Fetch every branch and tag (every ref with nobranch) into the clone and repack it."""
        remotes = runfetchcmd(ud.basecmd + ['remote'], d, quiet=True, workdir=ud.clonedir)
        if "origin" in remotes:
            runfetchcmd(ud.basecmd + ['remote', 'rm', 'origin'], d, workdir=ud.clonedir)
        runfetchcmd(ud.basecmd + ['remote', 'add', '--mirror=fetch', 'origin', repourl], d, workdir=ud.clonedir)
        if ud.nobranch:
            refspecs = ['refs/*:refs/*']
        else:
            refspecs = ['refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*']
        fetch_cmd = ud.basecmd + ['fetch', '-f', '--progress', repourl] + refspecs
        if ud.proto.lower() != 'file':
            check_network_access(d, fetch_cmd, ud.url)
        runfetchcmd(fetch_cmd, d, log=GitProgressHandler(d), workdir=ud.clonedir, extraenv=_C_LOCALE)
        runfetchcmd(ud.basecmd + ['repack', '-adk'], d, workdir=ud.clonedir)
        runfetchcmd(ud.basecmd + ['pack-refs', '--all'], d, workdir=ud.clonedir)
        runfetchcmd(ud.basecmd + ['prune-packed'], d, workdir=ud.clonedir)
        # The mirror tarball no longer matches the clone.
        try:
            os.unlink(ud.fullmirror)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise

    @contextmanager
    def create_atomic(self, filename):
        """Yield a temporary name next to ``filename``; it becomes ``filename`` at the end."""
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(filename))
        try:
            yield temporary
            umask = os.umask(0o666)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.rename(temporary, filename)
        finally:
            os.close(fd)

    def build_mirror_data(self, ud, d):
        """Write the shallow or full mirror tarball when they are asked for."""
        if ud.shallow and ud.write_shallow_tarballs:
            if not os.path.exists(ud.fullshallow):
                if os.path.islink(ud.fullshallow):
                    os.unlink(ud.fullshallow)
                self.clone_shallow_with_tarball(ud, d)
        elif ud.write_tarballs and not os.path.exists(ud.fullmirror):
            if os.path.islink(ud.fullmirror):
                os.unlink(ud.fullmirror)
            logger.info("Creating tarball of git repository")
            with self.create_atomic(ud.fullmirror) as temporary:
                mtime = runfetchcmd(ud.basecmd + ['log', '--all', '-1', '--format=%cD'], d,
                                    quiet=True, workdir=ud.clonedir)
                runfetchcmd(['tar', '-czf', temporary, '--owner', 'oe:0', '--group', 'oe:0',
                             '--mtime', mtime, '.'], d, workdir=ud.clonedir)
            runfetchcmd(['touch', "%s.done" % ud.fullmirror], d)

    def clone_shallow_with_tarball(self, ud, d):
        from bb.fetch2._gitshallow import clone_shallow_with_tarball
        return clone_shallow_with_tarball(self, ud, d)

    def clone_shallow_local(self, ud, dest, d):
        from bb.fetch2._gitshallow import clone_shallow_local
        return clone_shallow_local(self, ud, dest, d)

    # --- git LFS -------------------------------------------------------------

    def lfs_fetch(self, ud, d, clonedir, revision, fetchall=False, progresshandler=None):
        """Fetch the LFS objects of ``revision`` through a temporary worktree; failures only warn."""
        try:
            if self._need_lfs(ud) and self._contains_lfs(ud, d, clonedir) and len(revision):
                self._ensure_git_lfs(d, ud)
                runfetchcmd(ud.basecmd + ['worktree', 'add', 'wt', revision], d, log=progresshandler, workdir=clonedir)
                command = ud.basecmd + ['lfs', 'fetch'] + (['--all'] if fetchall else [])
                runfetchcmd(command, d, log=progresshandler, workdir=(clonedir + "/wt"))
                runfetchcmd(ud.basecmd + ['worktree', 'remove', '-f', 'wt'], d, log=progresshandler, workdir=clonedir)
        except Exception:
            logger.warning("Fetching LFS did not succeed.")

    def _need_lfs(self, ud):
        return ud.parm.get("lfs", "1") == "1"

    def _contains_lfs(self, ud, d, wd):
        """Whether the revision's .gitattributes mentions lfs."""
        command = ud.basecmd + ['grep', '^[^#].*lfs', ud.revision + ':.gitattributes']
        try:
            return len(runfetchcmd(command, d, quiet=True, workdir=wd).splitlines()) > 0
        except (FetchError, ValueError):
            return False

    def _lfs_objects_downloaded(self, ud, d, wd):
        """Whether every LFS object of the revision is in the clone's lfs/objects."""
        if not self._contains_lfs(ud, d, wd):
            return True
        self._ensure_git_lfs(d, ud)
        output = runfetchcmd(ud.basecmd + ['lfs', 'ls-files', '-l', ud.revision], d, quiet=True, workdir=wd).rstrip()
        if not output:
            return True
        oid_re = re.compile("^(([a-fA-F0-9]{2})([a-fA-F0-9]{2})[A-Fa-f0-9]+)")
        for line in output.split("\n"):
            oid = oid_re.search(line)
            if not oid:
                bb.warn("git lfs ls-files output '%s' did not match expected format." % line)
            if not os.path.exists(os.path.join(wd, "lfs", "objects", oid.group(2), oid.group(3), oid.group(1))):
                return False
        return True

    def _ensure_git_lfs(self, d, ud):
        if shutil.which("git-lfs", path=d.getVar('PATH')) is None:
            raise FetchError("Repository %s has LFS content, install git-lfs on host to download (or set lfs=0 "
                             "to ignore it)" % self._get_repo_url(ud))

    # --- unpack and clean ----------------------------------------------------

    def unpack_update(self, ud, destdir, d):
        return self.unpack(ud, destdir, d, update=True)

    def unpack(self, ud, destdir, d, update=False):
        from bb.fetch2._gitunpack import unpack_checkout
        return unpack_checkout(self, ud, destdir, d, update)

    def clean(self, ud, d):
        """Remove the clone, the mirror tarballs and their stamps."""
        doomed = [ud.localpath, ud.fullmirror, ud.fullmirror + ".done"]
        # A clone taken from a mirror is a link: remove what it leads to as well.
        if os.path.islink(ud.localpath):
            doomed.append(os.path.realpath(ud.localpath))
        if ud.shallow:
            doomed += [ud.fullshallow, ud.fullshallow + ".done"]
        for path in doomed:
            if os.path.exists(path) or os.path.islink(path):
                bb.note('Removing %s' % path)
                bb.utils.remove(path, True)

    # --- queries -------------------------------------------------------------

    def _contains_ref(self, ud, d, name, wd, tag=False):
        """Whether the clone holds the revision (on the branch unless nobranch), or the tag."""
        ref = 'refs/tags/%s' % ud.parm['tag'] if tag else ud.revision
        if ud.nobranch:
            command = ud.basecmd + ['log', '--pretty=oneline', '-n', '1', ref, "--"]
        else:
            command = ud.basecmd + ['branch', '--contains', ref, '--list', ud.branch]
        try:
            output = runfetchcmd(command, d, workdir=wd)
        except FetchError:
            return False
        return len(output.splitlines()) > 0

    def _get_repo_url(self, ud):
        """The repository URL; passwords are never put in it."""
        user = ud.user + '@' if ud.user else ""
        return "%s://%s%s%s" % (ud.proto, user, ud.host, urllib.parse.quote(ud.path))

    def _lsremote(self, ud, d, search):
        """The output of ``git ls-remote`` for the repository (and ``search``)."""
        # PATH may lead back here through SRCPV; the inner call needs no answer.
        if d.getVar('_BB_GIT_IN_LSREMOTE', False):
            return ''
        d.setVar('_BB_GIT_IN_LSREMOTE', '1')
        try:
            repourl = self._get_repo_url(ud)
            command = ud.basecmd + ['ls-remote', repourl] + ([search] if search else [])
            if ud.proto.lower() != 'file':
                check_network_access(d, command, repourl)
            output = runfetchcmd(command, d, True)
            if not output:
                raise FetchError("The command %s gave empty output unexpectedly" % command, ud.url)
        finally:
            d.delVar('_BB_GIT_IN_LSREMOTE')
        return output

    def latest_revision(self, ud, d, name):
        key = self.generate_revision_key(ud, d, name)
        if key not in _resolved_revisions:
            _resolved_revisions[key] = self._latest_revision(ud, d, name)
        return _resolved_revisions[key]

    def _latest_revision(self, ud, d, name):
        """The commit that the branch or tag ``ud.unresolvedrev`` names upstream."""
        if not d.getVar("__BBSRCREV_SEEN"):
            raise FetchError("Recipe uses a floating tag/branch '%s' for repo '%s' without a fixed SRCREV yet "
                             "doesn't call bb.fetch2.get_srcrev() (use SRCPV in PV for OE)."
                             % (ud.unresolvedrev, ud.host + ud.path))
        mark_recipe_nocache(d)
        output = self._lsremote(ud, d, "")
        if ud.unresolvedrev[:5] == "refs/" or ud.usehead:
            head = tag = ud.unresolvedrev
        else:
            head = "refs/heads/%s" % ud.unresolvedrev
            tag = "refs/tags/%s" % ud.unresolvedrev
        # A peeled annotated tag (^{}) names the commit itself.
        for wanted in [head, tag + "^{}", tag]:
            for line in output.strip().split('\n'):
                sha1, ref = line.split()
                if ref == wanted:
                    return sha1
        raise FetchError("Unable to resolve '%s' in upstream git repository in git ls-remote output for %s"
                         % (ud.unresolvedrev, ud.host + ud.path))

    def gitpkgv_revision(self, ud, d, name):
        """A sortable "<commit count>+<short hash>" for the revision, counted in the clone."""
        rev = ud.revision
        count_file = os.path.join(ud.localpath, "oe-gitpkgv_" + rev)
        commits = None
        if os.path.exists(ud.localpath):
            if not os.path.exists(count_file) or not os.path.getsize(count_file):
                commits = len(runfetchcmd(['git', 'rev-list', rev, '--'], d).splitlines())
                if commits:
                    with open(count_file, "w") as f:
                        f.write("%d\n" % commits)
            else:
                with open(count_file) as f:
                    commits = f.readline(128).strip()
        if commits:
            return False, "%s+%s" % (commits, rev[:7])
        return True, str(rev)

    def checkstatus(self, fetch, ud, d):
        try:
            self._lsremote(ud, d, "")
            return True
        except FetchError:
            return False
