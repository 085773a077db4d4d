"""Unpacking a git download: a checkout of the revision in the work directory.

The checkout is a shared clone (``git clone -s -n``) of the bare clone in
DL_DIR, or the shallow tarball extracted, placed at ``destsuffix`` (by
default ``git/``, or BB_GIT_DEFAULT_DESTSUFFIX) below ``subdir``.  With
``update`` an existing checkout is rebased onto the revision instead.
"""

import os

import bb
import bb.utils
from bb.fetch2 import FetchError, LocalModificationsError, RebaseError, UnpackError, runfetchcmd


def _checkout_dir(ud, destdir, d):
    """The checkout directory and the ``:subpath`` suffix for read-tree."""
    subdir = ud.parm.get("subdir")
    subpath = ud.parm.get("subpath")
    pathspec = ""
    default_suffix = (d.getVar("BB_GIT_DEFAULT_DESTSUFFIX") or "git") + "/"
    if subpath:
        pathspec = ":%s" % subpath
        default_suffix = "%s/" % os.path.basename(subpath.rstrip('/'))
    if subdir:
        if os.path.isabs(subdir):
            if not os.path.realpath(subdir).startswith(os.path.realpath(destdir)):
                raise UnpackError("subdir argument isn't a subdirectory of unpack root %s" % destdir, ud.url)
            destdir = subdir
        else:
            destdir = os.path.join(destdir, subdir)
        default_suffix = ""
    return os.path.join(destdir, ud.parm.get("destsuffix", default_suffix)), pathspec


def _rebase_existing(method, ud, destdir, d, extraenv):
    """Bring an existing checkout to the revision from the clone in DL_DIR."""
    if ud.shallow:
        raise UnpackError("Can't update shallow clones checkouts without network access, not supported.", ud.url)
    changes = runfetchcmd(ud.basecmd + ['status', '--untracked-files=no', '--porcelain'], d,
                          workdir=destdir, extraenv=extraenv)
    if changes:
        raise LocalModificationsError(destdir, ud.url, changes)
    try:
        runfetchcmd(ud.basecmd + ['remote', 'get-url', 'dldir'], d, workdir=destdir)
    except FetchError:
        if ud.clonedir:
            runfetchcmd(ud.basecmd + ['remote', 'add', 'dldir', 'file://' + ud.clonedir], d, workdir=destdir)
    try:
        runfetchcmd(ud.basecmd + ['fetch', 'dldir'], d, workdir=destdir, extraenv=extraenv)
    except FetchError as e:
        raise UnpackError("Failed to fetch from dldir remote: %s" % str(e), ud.url)
    try:
        runfetchcmd(ud.basecmd + ['rebase', '--no-autosquash', '--no-autostash', ud.revision], d,
                    workdir=destdir, extraenv=extraenv)
    except FetchError as e:
        try:
            runfetchcmd(ud.basecmd + ['rebase', '--abort'], d, workdir=destdir)
        except Exception:
            pass
        raise RebaseError(destdir, ud.url, str(e))
    return True


def _check_tag(ud, destdir, d, extraenv):
    """A ``tag`` parameter must name the same commit as the fixed revision."""
    tagged = runfetchcmd(ud.basecmd + ['rev-list', '-n', '1', ud.parm['tag']], d,
                         workdir=destdir, extraenv=extraenv).strip()
    if tagged == ud.revision:
        return
    # The revision may be that of an annotated tag object: compare commits.
    revision_commit = runfetchcmd(ud.basecmd + ['rev-list', '-n', '1', ud.revision], d, workdir=destdir).strip()
    if tagged != revision_commit:
        raise FetchError("The revision the git tag '%s' resolved to didn't match the SRCREV in use (%s vs %s)"
                         % (ud.parm['tag'], tagged, ud.revision), ud.url)


def _check_out(ud, destdir, d, pathspec, extraenv):
    """Check out the revision (or only its subpath), on the branch unless nobranch."""
    def git(*args):
        runfetchcmd(ud.basecmd + list(args), d, workdir=destdir, extraenv=extraenv)

    if pathspec:
        git('read-tree', ud.revision + pathspec)
        git('checkout-index', '-q', '-f', '-a')
        git('update-ref', '--no-deref', 'HEAD', ud.revision)
        if not ud.nobranch:
            git('update-ref', 'refs/heads/' + ud.branch, ud.revision)
    elif not ud.nobranch:
        git('checkout', '-B', ud.branch, ud.revision)
        git('branch', ud.branch, '--set-upstream-to', 'origin/' + ud.branch)
    else:
        git('checkout', ud.revision)


def unpack_checkout(method, ud, destdir, d, update=False):
    """Put a checkout of ``ud``'s revision below ``destdir``."""
    from bb.fetch2.git import git_hash_re
    destdir, pathspec = _checkout_dir(ud, destdir, d)
    ud.destdir = destdir
    if os.path.exists(destdir) and not update:
        bb.utils.prunedir(destdir)
    if not ud.bareclone:
        ud.unpack_tracer.unpack("git", destdir)

    need_lfs = method._need_lfs(ud)
    extraenv = {} if need_lfs else {"GIT_LFS_SKIP_SMUDGE": "1"}

    found = False
    update_existing = False
    problems = []
    if not method.clonedir_need_update(ud, d):
        if update and os.path.exists(destdir):
            update_existing = True
        else:
            runfetchcmd(ud.basecmd + ['clone'] + ud.cloneflags + [ud.clonedir, destdir], d, extraenv=extraenv)
        found = True
    else:
        problems.append("clone directory not available or not up to date: " + ud.clonedir)

    if not found:
        if not ud.shallow:
            problems.append("shallow clone not enabled")
        elif os.path.exists(ud.fullshallow):
            if update and os.path.exists(destdir):
                update_existing = True
            else:
                bb.utils.mkdirhier(destdir)
                runfetchcmd(['tar', '-xzf', ud.fullshallow], d, workdir=destdir)
            found = True
        else:
            problems.append("shallow clone not available: " + ud.fullshallow)
    if not found:
        raise UnpackError("No up to date source found: " + "; ".join(problems), ud.url)

    if update_existing:
        return _rebase_existing(method, ud, destdir, d, extraenv)

    if 'tag' in ud.parm and git_hash_re.match(ud.revision):
        _check_tag(ud, destdir, d, extraenv)

    repourl = method._get_repo_url(ud)
    runfetchcmd(ud.basecmd + ['remote', 'set-url', 'origin', repourl], d, workdir=destdir)
    if ud.clonedir:
        try:
            runfetchcmd(ud.basecmd + ['remote', 'get-url', 'dldir'], d, workdir=destdir)
        except FetchError:
            runfetchcmd(ud.basecmd + ['remote', 'add', 'dldir', "file://" + ud.clonedir], d, workdir=destdir)

    if method._contains_lfs(ud, d, destdir):
        if not need_lfs:
            bb.note("Repository %s has LFS content but it is not being fetched" % (repourl))
        else:
            method._ensure_git_lfs(d, ud)
            runfetchcmd(ud.basecmd + ['lfs', 'install', '--local'], d, workdir=destdir)

    if not ud.nocheckout:
        _check_out(ud, destdir, d, pathspec, extraenv)
    return True
