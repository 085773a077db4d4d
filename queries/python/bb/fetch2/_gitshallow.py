"""Shallow git clones (BB_GIT_SHALLOW) and their tarballs in DL_DIR.

A shallow clone holds the revision with BB_GIT_SHALLOW_DEPTH commits of
history, or the history back to BB_GIT_SHALLOW_REVS, plus the refs of
BB_GIT_SHALLOW_EXTRA_REFS.  It is first tried straight from upstream
("fast"), then from the full clone in DL_DIR.
"""

import fnmatch
import os
import tempfile

from bb.fetch2 import FetchError, logger, runfetchcmd


def clone_shallow_with_tarball(method, ud, d):
    """Make the shallow clone in a temporary directory and pack it as ud.fullshallow."""
    for fast in [True, False]:
        ud.shallow_skip_fast = not fast
        with tempfile.TemporaryDirectory(dir=d.getVar('DL_DIR')) as tempdir:
            clone = os.path.join(tempdir, 'git')
            try:
                clone_shallow_local(method, ud, clone, d)
            except Exception:
                if not fast:
                    raise
                logger.warning("Fast shallow clone failed, try to skip fast mode now.")
                continue
            logger.info("Creating tarball of git repository")
            with method.create_atomic(ud.fullshallow) as temporary:
                runfetchcmd(['tar', '-czf', temporary, '.'], d, workdir=clone)
            runfetchcmd(['touch', '%s.done' % ud.fullshallow], d)
            return True
    return False


def _shallow_ref(ud):
    """The ref that keeps the shallow revision alive in the clone."""
    if ud.nobranch:
        return "refs/shallow/%s" % ud.name
    if ud.bareclone:
        return "refs/heads/%s" % ud.branch
    return "refs/remotes/origin/%s" % ud.branch


def _extra_refs(ud, d, dest):
    """BB_GIT_SHALLOW_EXTRA_REFS with wildcards expanded against the remote's refs."""
    listing = runfetchcmd(ud.basecmd + ['ls-remote', 'origin', 'refs/*'], d, workdir=dest).splitlines()
    remote_refs = [line.split()[-1] for line in listing]
    refs = []
    for ref in ud.shallow_extra_refs:
        if not ud.bareclone:
            ref = ref.replace('refs/heads/', 'refs/remotes/origin/')
        if '*' in ref:
            refs.extend(r for r in remote_refs if fnmatch.fnmatchcase(r, ref))
        else:
            refs.append(ref)
    return refs


def clone_shallow_local(method, ud, dest, d):
    """Fetch the shallow history of ud.revision into a new repository at ``dest``."""
    repourl = method._get_repo_url(ud)
    os.makedirs(dest, exist_ok=True)
    runfetchcmd(ud.basecmd + ['init', '-q'] + (['--bare'] if ud.bareclone else []), d, workdir=dest)
    # Fast mode asks upstream directly unless a full clone is already here.
    if not ud.shallow_skip_fast and not os.path.exists(ud.clonedir):
        remote = repourl
    else:
        remote = ud.clonedir
    runfetchcmd(ud.basecmd + ['remote', 'add', 'origin', remote], d, workdir=dest)

    excludes = ["--shallow-exclude=%s" % rev for rev in ud.shallow_revs]
    depth = ud.shallow_depths[ud.name]
    if depth and excludes:
        raise FetchError("BB_GIT_SHALLOW_REVS is set, but BB_GIT_SHALLOW_DEPTH is not 0.")

    fetch_cmd = ud.basecmd + ['fetch', 'origin', ud.revision]
    if depth:
        fetch_cmd += ['--depth', str(depth)]
    fetch_cmd += excludes

    if ud.shallow_skip_fast:
        # Older git servers only hand out advertised objects: name the revision.
        runfetchcmd(['git', 'branch', '-f', 'advertise-' + ud.revision, ud.revision], d, workdir=ud.clonedir)
    runfetchcmd(fetch_cmd, d, workdir=dest)
    runfetchcmd(ud.basecmd + ['update-ref', _shallow_ref(ud), ud.revision], d, workdir=dest)
    method.lfs_fetch(ud, d, dest, ud.revision)

    for ref in _extra_refs(ud, d, dest):
        short = ref.replace('refs/heads/', '').replace('refs/remotes/origin/', '').replace('refs/tags/', '')
        runfetchcmd(ud.basecmd + ['fetch', 'origin', '--depth', '1', '--', short], d, workdir=dest)
        revision = runfetchcmd(ud.basecmd + ['rev-parse', 'FETCH_HEAD'], d, workdir=dest).strip()
        runfetchcmd(ud.basecmd + ['update-ref', ref, revision], d, workdir=dest)

    # The clone came from DL_DIR perhaps; its origin is upstream.
    runfetchcmd(ud.basecmd + ['remote', 'set-url', 'origin', repourl], d, workdir=dest)
