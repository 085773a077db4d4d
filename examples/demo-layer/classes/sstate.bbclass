# Shared state: the results of some tasks kept in SSTATE_DIR, so that a
# later build (in this or another build directory) restores them instead
# of running the task and everything before it.
#
# A shared-state task lists its results' directories in two flags:
#
#   do_X[sstate-inputdirs]  = "dirs the task writes (in WORKDIR)"
#   do_X[sstate-outputdirs] = "the shared dirs they are installed into"
#
# After the task succeeds, sstate_task_postfunc archives the input dirs
# into
#
#   ${SSTATE_DIR}/<first 2 characters of BB_UNIHASH>/sstate:${PN}:X:${BB_UNIHASH}.tar.gz
#
# (X being the task without its do_ prefix), with a JSON .siginfo file
# beside it that holds the task's hashes and the archive's sha256, and
# installs their files into the output dirs. The task's setscene task,
# do_X_setscene, restores the archive into the output dirs instead.
# BB_HASHCHECK_FUNCTION (sstate_checkhashes) tells which setscene tasks
# have an archive, and BB_SETSCENE_DEPVALID (setscene_depvalid) which
# restored results make others unnecessary. A task's installed files are
# listed in a manifest in SSTATE_MANIFESTS, so that installing the task
# again first removes them.

SSTATETASKS += "do_package do_populate_sysroot"

BB_HASHCHECK_FUNCTION = "sstate_checkhashes"
BB_SETSCENE_DEPVALID = "setscene_depvalid"

SSTATE_TAR_OPTIONS = "--sort=name --format=gnu --mtime=@0 --owner=0 --group=0 --numeric-owner"

def sstate_archive_path(sstate_dir, pn, task, unihash):
    """The archive of ``task`` (with or without "do_") of ``pn`` for ``unihash``."""
    if task.startswith('do_'):
        task = task[3:]
    return os.path.join(sstate_dir, unihash[:2], "sstate:%s:%s:%s.tar.gz" % (pn, task, unihash))

def sstate_state_fromvars(d, task=None):
    """The shared state of ``task`` (default: the task running), as a dict.

    "task" (do_X), "dirs" (a list of (name, input dir, output dir), name
    being the input dir's base name, which is its directory in the
    archive), "unihash", "archive" and "manifest".
    """
    if task is None:
        task = d.getVar('BB_CURRENTTASK') or d.getVar('BB_RUNTASK') or ''
    if task.startswith('do_'):
        task = task[3:]
    if task.endswith('_setscene'):
        task = task[:-len('_setscene')]
    task = 'do_' + task

    inputs = (d.getVarFlag(task, 'sstate-inputdirs') or '').split()
    outputs = (d.getVarFlag(task, 'sstate-outputdirs') or '').split()
    if not inputs or len(inputs) != len(outputs):
        bb.fatal("%s: %s[sstate-inputdirs] and %s[sstate-outputdirs] must name as many "
                 "directories (%d and %d)" % (d.getVar('PN'), task, task, len(inputs), len(outputs)))
    dirs = []
    for indir, outdir in zip(inputs, outputs):
        name = os.path.basename(os.path.normpath(indir))
        if name in [entry[0] for entry in dirs]:
            bb.fatal("%s: the input directories of %s must have different names (%s)"
                     % (d.getVar('PN'), task, name))
        dirs.append((name, os.path.normpath(indir), os.path.normpath(outdir)))

    unihash = d.getVar('BB_UNIHASH')
    if not unihash:
        bb.fatal("%s: %s has no BB_UNIHASH: shared state needs a signature handler that "
                 "computes hashes (BB_SIGNATURE_HANDLER = \"basichash\")" % (d.getVar('PN'), task))
    pn = d.getVar('BB_HASHFILENAME') or d.getVar('PN')
    return {
        'task': task,
        'dirs': dirs,
        'unihash': unihash,
        'archive': sstate_archive_path(d.getVar('SSTATE_DIR'), pn, task, unihash),
        'manifest': os.path.join(d.getVar('SSTATE_MANIFESTS'),
                                 "manifest-%s.%s" % (d.getVar('PN'), task[3:])),
    }

def sstate_write_atomically(path, data):
    """Write ``data`` (bytes) to ``path`` through a temporary file in its directory."""
    bb.utils.mkdirhier(os.path.dirname(path))
    tmp = "%s.tmp.%d" % (path, os.getpid())
    try:
        with open(tmp, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)

def sstate_sha256(path):
    import hashlib
    sha = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            sha.update(block)
    return sha.hexdigest()

def sstate_create_archive(ss, d):
    """Archive the task's input dirs into its sstate archive, with its .siginfo.

    The archive is reproducible (sorted entries, mtime 0, owner 0, gzip
    without name or time stamp). Both files are written under temporary
    names and renamed; the siginfo first, so that an archive never
    exists without the siginfo that describes it. An archive that exists
    already is kept, unless it does not match its siginfo.
    """
    import json
    import subprocess

    archive = ss['archive']
    siginfo = archive + '.siginfo'
    if os.path.exists(archive) and os.path.exists(siginfo):
        problem = sstate_archive_problem(ss)
        if not problem:
            bb.note("Shared state archive %s exists already" % os.path.basename(archive))
            return
        bb.warn("%s: replacing it" % problem)

    tar = ['tar'] + d.getVar('SSTATE_TAR_OPTIONS').split() + ['-cf', '-']
    for name, indir, _ in ss['dirs']:
        bb.utils.mkdirhier(indir)
        tar += ['-C', os.path.dirname(indir), name]

    bb.utils.mkdirhier(os.path.dirname(archive))
    tmp = "%s.tmp.%d" % (archive, os.getpid())
    try:
        with open(tmp, 'wb') as out:
            tar_proc = subprocess.Popen(tar, stdout=subprocess.PIPE)
            gzip_proc = subprocess.Popen(['gzip', '-9n'], stdin=tar_proc.stdout, stdout=out)
            tar_proc.stdout.close()
            gzip_status = gzip_proc.wait()
            tar_status = tar_proc.wait()
            if tar_status or gzip_status:
                bb.fatal("Creating the shared state archive %s failed (tar: %d, gzip: %d)"
                         % (archive, tar_status, gzip_status))
            out.flush()
            os.fsync(out.fileno())

        info = {
            'task': ss['task'],
            'pn': d.getVar('PN'),
            'pf': d.getVar('PF'),
            'taskhash': d.getVar('BB_TASKHASH'),
            'unihash': ss['unihash'],
            'archive': os.path.basename(archive),
            'sha256': sstate_sha256(tmp),
            'size': os.path.getsize(tmp),
            'dirs': [name for name, _, _ in ss['dirs']],
        }
        sstate_write_atomically(siginfo, (json.dumps(info, indent=2, sort_keys=True) + "\n").encode())
        os.replace(tmp, archive)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    bb.note("Wrote shared state archive %s" % os.path.basename(archive))

def sstate_clean_manifest(manifest):
    """Remove the files a task installed last time (listed in ``manifest``), and the manifest."""
    if not os.path.exists(manifest):
        return
    with open(manifest) as f:
        for line in f:
            path = line.rstrip('\n')
            if path and os.path.lexists(path) and not os.path.isdir(path):
                os.unlink(path)
    os.unlink(manifest)

def sstate_install(ss, sources, d, move=False):
    """Install the files of each ``sources`` dir into the matching output dir.

    ``sources`` is one directory per entry of ss['dirs']. The files are
    copied (``move``: moved) one by one; the ones the task installed
    before are removed first, and the new list written to its manifest.
    """
    import shutil

    sstate_clean_manifest(ss['manifest'])
    installed = []
    for (name, _, outdir), source in zip(ss['dirs'], sources):
        for root, dirs, files in os.walk(source):
            dirs.sort()
            # Symbolic links to directories are installed as links.
            links = [entry for entry in dirs if os.path.islink(os.path.join(root, entry))]
            dirs[:] = [entry for entry in dirs if entry not in links]
            dest = os.path.normpath(os.path.join(outdir, os.path.relpath(root, source)))
            bb.utils.mkdirhier(dest)
            for entry in sorted(files + links):
                src = os.path.join(root, entry)
                target = os.path.join(dest, entry)
                if os.path.lexists(target):
                    bb.warn("%s: %s replaces %s, which another recipe installed"
                            % (d.getVar('PN'), ss['task'], target))
                    os.unlink(target)
                if move:
                    shutil.move(src, target)
                else:
                    shutil.copy2(src, target, follow_symlinks=False)
                installed.append(target)
    data = "".join(path + "\n" for path in installed)
    sstate_write_atomically(ss['manifest'], data.encode())

python sstate_task_postfunc() {
    ss = sstate_state_fromvars(d)
    sstate_create_archive(ss, d)
    sstate_install(ss, [indir for _, indir, _ in ss['dirs']], d)
}

def sstate_archive_problem(ss):
    """What is wrong with the task's archive, checked against its siginfo
    (task, unihash, sha256) and by gzip's own check; None if nothing."""
    import json
    import subprocess

    archive = ss['archive']
    name = os.path.basename(archive)
    if not os.path.exists(archive):
        return "No shared state archive for %s: %s does not exist" % (ss['task'], archive)
    try:
        with open(archive + '.siginfo') as f:
            info = json.load(f)
    except (OSError, ValueError) as e:
        return "The shared state archive %s has no readable siginfo: %s" % (name, e)
    if info.get('unihash') != ss['unihash'] or info.get('task') != ss['task']:
        return ("The siginfo of %s is for %s %s, not for %s %s"
                % (name, info.get('task'), info.get('unihash'), ss['task'], ss['unihash']))
    sha256 = sstate_sha256(archive)
    if sha256 != info.get('sha256'):
        return ("The shared state archive %s is corrupted: its sha256 is %s, its siginfo says %s"
                % (name, sha256, info.get('sha256')))
    test = subprocess.run(['gzip', '-t', archive], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if test.returncode != 0:
        return ("The shared state archive %s is corrupted: gzip -t says: %s"
                % (name, test.stdout.strip()))
    return None

def sstate_setscene(d):
    """Restore the running setscene task's archive into its output dirs.

    The archive is verified and extracted into a temporary directory;
    only once that succeeded are its files moved into place. A missing or
    corrupted archive is a fatal error that leaves the output dirs as
    they were.
    """
    import shutil
    import subprocess
    import tempfile

    ss = sstate_state_fromvars(d)
    problem = sstate_archive_problem(ss)
    if problem:
        bb.fatal(problem)
    workdir = d.getVar('WORKDIR')
    bb.utils.mkdirhier(workdir)
    tmpdir = tempfile.mkdtemp(prefix='sstate-install-%s.' % ss['task'][3:], dir=workdir)
    try:
        extract = subprocess.run(['tar', '-xpf', ss['archive'], '-C', tmpdir],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if extract.returncode != 0:
            bb.fatal("Extracting the shared state archive %s failed: %s"
                     % (os.path.basename(ss['archive']), extract.stdout.strip()))
        names = [name for name, _, _ in ss['dirs']]
        unexpected = sorted(set(os.listdir(tmpdir)) - set(names))
        if unexpected:
            bb.fatal("The shared state archive %s holds %s, not only %s"
                     % (os.path.basename(ss['archive']), " ".join(unexpected), " ".join(names)))
        sources = []
        for name in names:
            source = os.path.join(tmpdir, name)
            bb.utils.mkdirhier(source)
            sources.append(source)
        sstate_install(ss, sources, d, move=True)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    bb.note("Restored %s from %s" % (ss['task'], os.path.basename(ss['archive'])))

def sstate_checkhashes(sq_data, d, siginfo=False, currentcount=0, summary=True, **kwargs):
    """BB_HASHCHECK_FUNCTION: the task ids of ``sq_data`` whose archive is in SSTATE_DIR.

    ``sq_data`` maps "hash", "hashfn" and "unihash" to dicts keyed by task
    id ("/path/recipe.bb:do_package"); "hashfn" is the recipe's
    BB_HASHFILENAME, its PN. With ``siginfo``, the .siginfo files are
    looked for instead.
    """
    sstate_dir = d.getVar('SSTATE_DIR')
    found = set()
    for tid, unihash in sq_data['unihash'].items():
        unihash = unihash or sq_data.get('hash', {}).get(tid)
        pn = (sq_data.get('hashfn', {}).get(tid) or '').strip()
        if not unihash or not pn:
            continue
        task = tid.rsplit(':', 1)[1]
        if task.endswith('_setscene'):
            task = task[:-len('_setscene')]
        path = sstate_archive_path(sstate_dir, pn, task, unihash)
        if siginfo:
            path += '.siginfo'
        if os.path.exists(path):
            found.add(tid)
        else:
            bb.debug(2, "SState: looked for but didn't find file %s" % path)

    if summary:
        total = len(sq_data['unihash'])
        missed = total - len(found)
        match = 100 * len(found) // total if total else 0
        complete = 100 * (len(found) + currentcount) // (total + currentcount) if total + currentcount else 0
        bb.plain("Sstate summary: Wanted %d Local %d Missed %d Current %d (%d%% match, %d%% complete)"
                 % (total, len(found), missed, currentcount, match, complete))
    return found

def setscene_depvalid(task, taskdependees, notneeded, d, log=None):
    """BB_SETSCENE_DEPVALID: whether the setscene task ``task`` can be skipped.

    BitBake asks once every setscene task that depends on ``task`` was
    restored; ``taskdependees`` maps those task ids (and ``task``) to
    [PN, task name, file name]. True: their results do not need this
    one's; False: run it. Restored packages need no other package;
    restored packages and sysroots need no sysroot (it only serves
    compiling); a restored image needs nothing. Anything else is needed.
    """
    def logit(msg):
        if log is not None:
            log.append(msg)
        else:
            bb.debug(2, msg)

    kind = taskdependees[task][1]
    logit("Considering setscene task: %s" % taskdependees[task])
    for dep, (pn, taskname, _) in taskdependees.items():
        if dep == task or dep in notneeded:
            continue
        if taskname == 'do_image_complete':
            continue
        if kind == 'do_package' and taskname == 'do_package':
            continue
        if kind == 'do_populate_sysroot' and taskname in ('do_package', 'do_populate_sysroot'):
            continue
        logit("  %s is needed by %s:%s" % (kind, pn, taskname))
        return False
    return True

python do_package_setscene() {
    sstate_setscene(d)
}
addtask do_package_setscene

python do_populate_sysroot_setscene() {
    sstate_setscene(d)
}
addtask do_populate_sysroot_setscene

python () {
    # Every shared-state task the recipe has archives and installs its
    # results after it ran; a recipe without the task has no setscene
    # task for it either.
    for task in sorted(set((d.getVar('SSTATETASKS') or '').split())):
        if d.getVarFlag(task, 'task'):
            d.appendVarFlag(task, 'postfuncs', ' sstate_task_postfunc')
        elif d.getVarFlag(task + '_setscene', 'task'):
            bb.build.deltask(task + '_setscene', d)
}
