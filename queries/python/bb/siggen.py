"""Task signature generators (rbake's own implementation of BitBake's bb.siggen API).

The class hierarchy is complete so that OE-Core's ``oe.sstatesig`` can
subclass it and register its generators; computing base and task hashes
is not implemented yet and those methods raise NotImplementedError.
``finalise`` runs for every parsed recipe and does nothing for now.
"""

import hashlib
import json
import logging
import os
import types
from contextlib import contextmanager

import bb
import bb.runqueue
import bb.utils

logger = logging.getLogger('BitBake.SigGen')
hashequiv_logger = logging.getLogger('BitBake.SigGen.HashEquiv')

# find_siginfo and find_siginfo_version are not defined here: the metadata
# (oe.sstatesig) provides them.
find_siginfo_minversion = 2

HASHSERV_ENVVARS = [
    "SSL_CERT_DIR",
    "SSL_CERT_FILE",
    "NO_PROXY",
    "HTTPS_PROXY",
    "HTTP_PROXY",
]


def _not_yet(what):
    return NotImplementedError("rbake: %s is not supported yet (task hashing comes later)" % what)


def check_siggen_version(siggen):
    if not hasattr(siggen, "find_siginfo_version"):
        bb.fatal("Siggen from metadata (OE-Core?) is too old, please update it (no version found)")
    if siggen.find_siginfo_version < siggen.find_siginfo_minversion:
        bb.fatal("Siggen from metadata (OE-Core?) is too old, please update it (%s vs %s)"
                 % (siggen.find_siginfo_version, siggen.find_siginfo_minversion))


class SetEncoder(json.JSONEncoder):
    """JSON encoder writing sets as {"_set_object": sorted list}."""

    def default(self, obj):
        if isinstance(obj, (set, frozenset)):
            return dict(_set_object=sorted(obj))
        return json.JSONEncoder.default(self, obj)


def SetDecoder(dct):
    if '_set_object' in dct:
        return frozenset(dct['_set_object'])
    return dct


def init(d):
    """The generator named by BB_SIGNATURE_HANDLER (default "noop").

    Generators are looked up among the classes of this module, which is
    where metadata (oe.sstatesig) inserts its own.
    """
    wanted = d.getVar("BB_SIGNATURE_HANDLER") or "noop"
    generators = [obj for obj in list(globals().values())
                  if isinstance(obj, type) and issubclass(obj, SignatureGenerator)]
    for generator in generators:
        if generator.name == wanted:
            return generator(d)
    logger.error("Invalid signature generator '%s', using default 'noop'\n"
                 "Available generators: %s", wanted, ', '.join(g.name for g in generators))
    return SignatureGenerator(d)


def build_pnid(mc, pn, taskname):
    if mc:
        return "mc:%s:%s:%s" % (mc, pn, taskname)
    return "%s:%s" % (pn, taskname)


class SignatureGenerator(object):
    """The "noop" generator: a task's hash is the sha256 of its id."""

    name = "noop"

    def __init__(self, data):
        self.basehash = {}
        self.taskhash = {}
        self.unihash = {}
        self.runtaskdeps = {}
        self.file_checksum_values = {}
        self.taints = {}
        self.unitaskhashes = {}
        self.tidtopn = {}
        self.setscenetasks = set()

    def finalise(self, fn, d, varient):
        return

    def postparsing_clean_cache(self):
        return

    def setup_datacache(self, datacaches):
        self.datacaches = datacaches

    def setup_datacache_from_datastore(self, mcfn, d):
        """Build the per-recipe stamp tables from a fully parsed datastore."""
        mc = d.getVar("__BBMULTICONFIG", False) or ""
        cache = types.SimpleNamespace(stamp={}, stamp_extrainfo={})
        cache.stamp[mcfn] = d.getVar('STAMP')
        cache.stamp_extrainfo[mcfn] = {}
        for task in d.getVar('__BBTASKS', False) or []:
            extra = d.getVarFlag(task, "stamp-extra-info")
            if extra:
                cache.stamp_extrainfo[mcfn][task] = extra
        self.datacaches = {mc: cache}

    def get_cached_unihash(self, tid):
        return None

    def get_unihash(self, tid):
        return self.get_cached_unihash(tid) or self.taskhash[tid]

    def get_unihashes(self, tids):
        return {tid: self.get_unihash(tid) for tid in tids}

    def prep_taskhash(self, tid, deps, dataCaches):
        return

    def get_taskhash(self, tid, deps, dataCaches):
        self.taskhash[tid] = hashlib.sha256(tid.encode("utf-8")).hexdigest()
        return self.taskhash[tid]

    def writeout_file_checksum_cache(self):
        return

    def stampfile_base(self, mcfn):
        return self.datacaches[bb.runqueue.mc_from_tid(mcfn)].stamp[mcfn]

    def _stamp_parts(self, taskname, mcfn, extrainfo=True):
        cache = self.datacaches[bb.runqueue.mc_from_tid(mcfn)]
        stamp = cache.stamp[mcfn]
        if not stamp or not extrainfo:
            return stamp, ""
        flagtask = taskname.replace("_setscene", "") if taskname.endswith("_setscene") else taskname
        return stamp, cache.stamp_extrainfo[mcfn].get(flagtask) or ""

    def stampfile_mcfn(self, taskname, mcfn, extrainfo=True):
        stamp, extra = self._stamp_parts(taskname, mcfn, extrainfo)
        if not stamp:
            return None
        return self.stampfile(stamp, mcfn, taskname, extra)

    def stampfile(self, stampbase, file_name, taskname, extrainfo):
        return ("%s.%s.%s" % (stampbase, taskname, extrainfo)).rstrip('.')

    def stampcleanmask_mcfn(self, taskname, mcfn):
        stamp, extra = self._stamp_parts(taskname, mcfn)
        if not stamp:
            return []
        return self.stampcleanmask(stamp, mcfn, taskname, extra)

    def stampcleanmask(self, stampbase, file_name, taskname, extrainfo):
        return ("%s.%s.%s" % (stampbase, taskname, extrainfo)).rstrip('.')

    def dump_sigtask(self, mcfn, task, stampbase, runtime):
        return

    def invalidate_task(self, task, mcfn):
        stamp = self.datacaches[bb.runqueue.mc_from_tid(mcfn)].stamp[mcfn]
        if os.path.lexists(stamp) and not os.path.isdir(stamp):
            os.unlink(stamp)

    def dump_sigs(self, dataCache, options):
        return

    def get_taskdata(self):
        return (self.runtaskdeps, self.taskhash, self.unihash, self.file_checksum_values,
                self.taints, self.basehash, self.unitaskhashes, self.tidtopn, self.setscenetasks)

    def set_taskdata(self, data):
        (self.runtaskdeps, self.taskhash, self.unihash, self.file_checksum_values,
         self.taints, self.basehash, self.unitaskhashes, self.tidtopn, self.setscenetasks) = data

    def reset(self, data):
        self.__init__(data)

    def get_taskhashes(self):
        return self.taskhash, self.unihash, self.unitaskhashes, self.tidtopn

    def set_taskhashes(self, hashes):
        self.taskhash, self.unihash, self.unitaskhashes, self.tidtopn = hashes

    def save_unitaskhashes(self):
        return

    def set_setscene_tasks(self, setscene_tasks):
        return

    def exit(self):
        return


class SignatureGeneratorBasic(SignatureGenerator):
    """Hashes from variable dependencies (not computed by rbake yet)."""

    name = "basic"

    def __init__(self, data):
        # The base class only sets up the task tables; like BitBake, this
        # does not chain to the next __init__ in the MRO.
        SignatureGenerator.__init__(self, data)
        self.basehash_ignore_vars = set((data.getVar("BB_BASEHASH_IGNORE_VARS") or "").split())
        self.taskhash_ignore_tasks = None
        self.init_rundepcheck(data)
        # rbake keeps no on-disk checksum or unihash caches yet, so the
        # unitaskhashes table stays empty.
        self.checksum_cache = None
        self.localdirsexclude = (data.getVar("BB_SIGNATURE_LOCAL_DIRS_EXCLUDE")
                                 or "CVS .bzr .git .hg .osc .p4 .repo .svn").split()

    def init_rundepcheck(self, data):
        import re
        self.taskhash_ignore_tasks = data.getVar("BB_TASKHASH_IGNORE_TASKS") or None
        self.twl = re.compile(self.taskhash_ignore_tasks) if self.taskhash_ignore_tasks else None

    def _build_data(self, mcfn, d):
        raise _not_yet("SignatureGeneratorBasic._build_data")

    def set_setscene_tasks(self, setscene_tasks):
        self.setscenetasks = set(setscene_tasks)

    def finalise(self, fn, d, variant):
        # BitBake computes the base hashes here; rbake does not yet.
        return

    def setup_datacache_from_datastore(self, mcfn, d):
        super().setup_datacache_from_datastore(mcfn, d)
        cache = self.datacaches[bb.runqueue.mc_from_tid(mcfn)]
        for attr in ("siggen_varvals", "siggen_taskdeps", "siggen_gendeps"):
            if not hasattr(cache, attr):
                setattr(cache, attr, {})
            getattr(cache, attr)[mcfn] = d.getVar("__" + attr)

    def rundep_check(self, fn, recipename, task, dep, depname, dataCaches):
        """Whether the dependency on ``depname`` counts in the task hash."""
        if self.twl and not self.twl.search(recipename) and self.twl.search(depname):
            return False
        return True

    def read_taint(self, fn, task, stampbase):
        try:
            with open(stampbase + '.' + task + '.taint', 'r') as f:
                return f.read()
        except IOError:
            return None

    def prep_taskhash(self, tid, deps, dataCaches):
        raise _not_yet("SignatureGeneratorBasic.prep_taskhash")

    def get_taskhash(self, tid, deps, dataCaches):
        raise _not_yet("SignatureGeneratorBasic.get_taskhash")

    def writeout_file_checksum_cache(self):
        return

    def save_unitaskhashes(self):
        return

    def dump_sigtask(self, mcfn, task, stampbase, runtime):
        # BitBake writes the task's signature data (sigdata) file here. rbake
        # computes signatures natively and keeps no Python-side signature
        # data yet, so a finished task (bb.build.make_stamp) gets its stamp
        # without a sigdata file.
        logger.debug2("rbake: no signature data file written for %s:%s" % (mcfn, task))


class SignatureGeneratorBasicHash(SignatureGeneratorBasic):
    """Like "basic", with the hash in stamp file names."""

    name = "basichash"

    def get_stampfile_hash(self, tid):
        if tid in self.taskhash:
            return self.taskhash[tid]
        return self.basehash[tid]

    def stampfile(self, stampbase, mcfn, taskname, extrainfo, clean=False):
        if clean:
            h = "*"
        else:
            task = taskname[:-len("_setscene")] if taskname.endswith("_setscene") else taskname
            h = self.get_stampfile_hash(mcfn + ":" + task)
        return ("%s.%s.%s.%s" % (stampbase, taskname, h, extrainfo)).rstrip('.')

    def stampcleanmask(self, stampbase, mcfn, taskname, extrainfo):
        return self.stampfile(stampbase, mcfn, taskname, extrainfo, clean=True)

    def invalidate_task(self, task, mcfn):
        import uuid
        bb.note("Tainting hash to force rebuild of task %s, %s" % (mcfn, task))
        stamp = self.datacaches[bb.runqueue.mc_from_tid(mcfn)].stamp[mcfn]
        taintfn = stamp + '.' + task + '.taint'
        os.makedirs(os.path.dirname(taintfn), exist_ok=True)
        # any random content will do
        with open(taintfn, 'w') as f:
            f.write(str(uuid.uuid4()))


class SignatureGeneratorUniHashMixIn(object):
    """Adds hash equivalence (unihashes from a hash server) to a generator."""

    def __init__(self, data):
        self.extramethod = {}
        self.unihash_exists_cache = set()
        self.username = None
        self.password = None
        self.env = bb.utils._values_or_origenv(data, HASHSERV_ENVVARS)
        super().__init__(data)

    def get_taskdata(self):
        return (self.server, self.method, self.extramethod, self.username, self.password, self.env) + super().get_taskdata()

    def set_taskdata(self, data):
        self.server, self.method, self.extramethod, self.username, self.password, self.env = data[:6]
        super().set_taskdata(data[6:])

    def get_hashserv_creds(self):
        if self.username and self.password:
            return {"username": self.username, "password": self.password}
        return {}

    @contextmanager
    def _client_env(self):
        saved = {k: os.environ.get(k) for k in self.env}
        try:
            os.environ.update(self.env)
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    @contextmanager
    def client(self):
        raise _not_yet("the hash equivalence client")
        yield

    def get_stampfile_hash(self, tid):
        if tid in self.taskhash:
            unihash = self._get_unihash(tid)
            if unihash is not None:
                return unihash
        return super().get_stampfile_hash(tid)

    def _unihash_key(self, tid):
        mc, _, taskname, _ = bb.runqueue.split_tid_mcfn(tid)
        return mc + ":" + self.tidtopn[tid] + ":" + taskname

    def set_unihash(self, tid, unihash):
        self.unitaskhashes[self._unihash_key(tid)] = (self.taskhash[tid], unihash)
        self.unihash[tid] = unihash

    def _get_unihash(self, tid, checkkey=None):
        if tid not in self.tidtopn:
            return None
        entry = self.unitaskhashes.get(self._unihash_key(tid))
        if entry is None:
            return None
        taskhash, unihash = entry
        if taskhash != (checkkey or self.taskhash[tid]):
            return None
        return unihash

    def get_cached_unihash(self, tid):
        taskhash = self.taskhash[tid]
        if self.setscenetasks and tid not in self.setscenetasks:
            self.unihash[tid] = None
            return taskhash
        unihash = self._get_unihash(tid)
        if unihash is not None:
            self.unihash[tid] = unihash
        return unihash

    def _get_method(self, tid):
        return self.method + self.extramethod.get(tid, "")

    def unihashes_exist(self, query):
        raise _not_yet("SignatureGeneratorUniHashMixIn.unihashes_exist")

    def get_unihash(self, tid):
        return self.get_unihashes([tid])[tid]

    def get_unihashes(self, tids):
        raise _not_yet("SignatureGeneratorUniHashMixIn.get_unihashes")

    def report_unihash(self, path, task, d):
        raise _not_yet("SignatureGeneratorUniHashMixIn.report_unihash")

    def report_unihash_equiv(self, tid, taskhash, wanted_unihash, current_unihash, datacaches):
        raise _not_yet("SignatureGeneratorUniHashMixIn.report_unihash_equiv")


class SignatureGeneratorTestEquivHash(SignatureGeneratorUniHashMixIn, SignatureGeneratorBasicHash):
    name = "TestEquivHash"

    def init_rundepcheck(self, data):
        super().init_rundepcheck(data)
        self.server = data.getVar('BB_HASHSERVE')
        self.method = "sstate_output_hash"


def clean_checksum_file_path(file_checksum_tuple):
    """The part of a checksummed path that goes into signatures."""
    path = file_checksum_tuple[0]
    if "/./" in path:
        return "./" + path.split("/./")[1]
    return os.path.basename(path)


def dump_this_task(outfile, d):
    """Write the signature data of the running task to ``outfile``."""
    import bb.parse
    mcfn = d.getVar("BB_FILENAME")
    task = "do_" + d.getVar("BB_CURRENTTASK")
    reference = bb.parse.siggen.stampfile_base(mcfn)
    bb.parse.siggen.dump_sigtask(mcfn, task, outfile, "customfile:" + reference)


def calc_basehash(sigdata):
    task = sigdata['task']
    text = sigdata['varvals'][task] or ''
    for dep in sorted(sigdata['taskdeps']):
        text += dep
        value = sigdata['varvals'][dep]
        if value is not None:
            text += str(value)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def calc_taskhash(sigdata):
    text = sigdata['basehash']
    for dep in sigdata['runtaskdeps']:
        text += sigdata['runtaskhashes'][dep]
    for path, checksum in sigdata['file_checksum_values']:
        if checksum:
            if "./" in path:
                text += path
            text += checksum
    if 'taint' in sigdata:
        taint = sigdata['taint']
        text += taint[8:] if 'nostamp:' in taint else taint
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compare_sigfiles(a, b, recursecb=None, color=False, collapsed=False):
    raise _not_yet("bb.siggen.compare_sigfiles")


def dump_sigfile(a):
    raise _not_yet("bb.siggen.dump_sigfile")


def dropped_dependencies(d, edges, recipes, virtmap, virtpnmap):
    """The positions in ``edges`` of the task dependencies the configured
    signature handler leaves out of taskhashes (its ``rundep_check``).

    ``d`` is the configuration datastore; ``edges`` holds
    ``(fn, recipename, task, dep, depname)`` tuples; ``recipes`` maps each
    multiconfig to ``{fn: (inherits, runrecs)}`` for the recipes involved,
    which is what handlers read from BitBake's data caches;
    ``virtmap``/``virtpnmap`` are the resolved ``virtual/*`` names, which
    the handler is told of first (``tasks_resolved``), as the runqueue does.
    None means the handler computes no taskhashes from dependencies (the
    default "noop", whose taskhash is the sha256 of the task id).
    """
    generator = init(d)
    if not hasattr(generator, "rundep_check"):
        return None
    caches = {}
    for mc, table in recipes.items():
        cache = types.SimpleNamespace(inherits={}, runrecs={}, pkg_fn={})
        for fn, (inherits, runrecs) in table.items():
            cache.inherits[fn] = list(inherits)
            cache.runrecs[fn] = {pkg: list(names) for pkg, names in runrecs.items()}
        caches[mc] = cache
    if hasattr(generator, "tasks_resolved"):
        generator.tasks_resolved(dict(virtmap), dict(virtpnmap), caches.get(""))
    dropped = []
    for index, (fn, recipename, task, dep, depname) in enumerate(edges):
        if not generator.rundep_check(fn, recipename, task, dep, depname, caches):
            dropped.append(index)
    return dropped
