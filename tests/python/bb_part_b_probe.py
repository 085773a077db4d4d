"""Runs the same calls against whichever ``bb`` package is importable and prints the results as JSON.

Used by test_bb_part_b.py, once with the reference BitBake and once with
rbake's queries/python.  Usage: bb_part_b_probe.py LAYER_DIR [BB_PATH]
(BB_PATH is put first on sys.path when given).
"""

import collections
import json
import os
import re
import sys

if len(sys.argv) > 2:
    sys.path.insert(0, sys.argv[2])

# The reference BitBake's siggen imports hashserv, which its installed
# package may lack; nothing here uses it, so an empty module will do.
try:
    import hashserv  # noqa: F401
except ImportError:
    import types
    sys.modules["hashserv"] = types.ModuleType("hashserv")
    sys.modules["hashserv.client"] = types.ModuleType("hashserv.client")
    sys.modules["hashserv"].client = sys.modules["hashserv.client"]

import bb  # noqa: E402
import bb.build  # noqa: E402
import bb.cache  # noqa: E402
import bb.event  # noqa: E402
import bb.fetch2  # noqa: E402
import bb.filter  # noqa: E402
import bb.monitordisk  # noqa: E402
import bb.runqueue  # noqa: E402
import bb.taskdata  # noqa: E402

LAYER = sys.argv[1]
RESULTS = collections.OrderedDict()
KEEP_ALIVE = []  # datastores stay alive so that id(d) is never reused


class Store:
    """A small datastore: variables with ${VAR} expansion and flags."""

    _ref = re.compile(r"\$\{([^{}@\s]+)\}")

    def __init__(self, values=None, flags=None):
        self.values = collections.OrderedDict(values or {})
        self.flags = collections.defaultdict(dict)
        for var, fl in (flags or {}).items():
            self.flags[var].update(fl)
        KEEP_ALIVE.append(self)

    def expand(self, s, varname=None):
        if not isinstance(s, str):
            return s
        for _ in range(20):
            new = self._ref.sub(lambda m: self._lookup(m), s)
            if new == s:
                break
            s = new
        return s

    def _lookup(self, m):
        value = self.values.get(m.group(1))
        return m.group(0) if value is None else str(value)

    def getVar(self, var, expand=True, noweakdefault=False, parsing=False):
        value = self.values.get(var)
        return self.expand(value) if expand else value

    def setVar(self, var, value, **loginfo):
        self.values[var] = value

    def delVar(self, var, **loginfo):
        self.values.pop(var, None)
        self.flags.pop(var, None)

    def getVarFlag(self, var, flag, expand=True, noweakdefault=False, parsing=False):
        value = self.flags.get(var, {}).get(flag)
        return self.expand(value) if expand else value

    def setVarFlag(self, var, flag, value, **loginfo):
        self.flags[var][flag] = value

    def delVarFlag(self, var, flag, **loginfo):
        self.flags.get(var, {}).pop(flag, None)

    def getVarFlags(self, var, expand=False, internalflags=False):
        return dict(self.flags.get(var, {})) or None

    def keys(self):
        seen = list(self.values)
        seen += [k for k in self.flags if k not in self.values]
        return seen

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, var):
        return var in self.values or var in self.flags

    def createCopy(self):
        new = Store(self.values)
        for var, fl in self.flags.items():
            new.flags[var] = dict(fl)
        return new


def plain(value):
    """JSON-able form keeping order and types that matter."""
    if isinstance(value, dict):
        return {"__dict__": [[plain(k), plain(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {"__set__": sorted(plain(v) for v in value)}
    if isinstance(value, bytes):
        return {"__bytes__": value.decode("latin-1")}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {"__object__": type(value).__name__}


def record(name, func):
    try:
        RESULTS[name] = plain(func())
    except BaseException as e:  # noqa: B902 - SystemExit from bb.fatal must be caught too
        RESULTS[name] = {"__exception__": type(e).__name__, "str": str(e)}


def exc_result(name, func, keep_message=True):
    try:
        func()
        RESULTS[name] = "no exception"
    except BaseException as e:
        RESULTS[name] = {"__exception__": type(e).__name__, "str": str(e) if keep_message else None}


# --- URLs ---------------------------------------------------------------------

URLS = [
    "http://example.com/foo.tar.gz",
    "https://www.example.org:8080/path/to/foo-1.0.tar.bz2;name=foo;subdir=x",
    "https://user:pass@example.org/dl/file.zip?a=1&b&c=3;downloadfilename=f.zip",
    "ftp://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz",
    "git://git.yoctoproject.org/poky;branch=master;protocol=https",
    "git://github.com/foo/bar.git;protocol=https;branch=main;name=bar;destsuffix=git/bar",
    "git:///srv/git/repo.git;branch=main",
    "git:relative/repo.git;branch=main",
    "git://git@github.com/org/repo.git;protocol=ssh;nobranch=1",
    "gitsm://github.com/org/repo.git;protocol=https;branch=main",
    "file://foo.patch",
    "file://foo.patch;striplevel=2;apply=yes",
    "file:///etc/passwd",
    "file://sub/dir/file.txt",
    "file:relative/path.diff",
    "file://dir/",
    "file://with%20space.patch",
    "file://name with space.patch",
    "npm://registry.npmjs.org/;package=@scope/pkg;version=1.2.3",
    "npmsw://${THISDIR}/npm-shrinkwrap.json",
    "crate://crates.io/glob/0.3.1",
    "crate://crates.io/serde/1.0.0;name=serde",
    "gomod://golang.org/x/net;version=v0.9.0;sha256sum=abc",
    "gomodgit://golang.org/x/Text;version=v0.3.0;srcrev=0123456789abcdef0123456789abcdef01234567",
    "svn://svn.example.com/repo/trunk;module=proj;protocol=http;rev=123",
    "hg://hg.example.com/repo;module=m;rev=abc",
    "ssh://user@host.example.com:2222/home/user/file.tar.gz",
    "sftp://user@host/file.tgz",
    "s3://bucket/path/obj.tgz",
    "az://account.blob.core.windows.net/container/file.tgz",
    "gs://bucket/obj.tgz",
    "p4://depot/path/...",
    "repo://gerrit.example.com/manifest;protocol=https;branch=main",
    "ccrc://cc.example.com/ccweb;vob=corevob;module=/path",
    "http://[::1]:8080/x.tgz",
    "http://EXAMPLE.com/UPPER/Case.TGZ",
    "https://example.com/a//b///c.tgz",
    "https://example.com/?only=query",
    "https://example.com",
    "file://a;flagonly",
    "foo://bar/baz",
    "http://host/path#fragment;p=1",
    "http://user@host/p;user=other;pswd=secret",
    "",
]


def uri_props(url):
    uri = bb.fetch2.URI(url)
    return [uri.scheme, uri.userinfo, uri.username, uri.password, uri.hostname, uri.port,
            uri.hostport, uri.path, uri.path_quoted, uri.params, uri.query, uri.relative, str(uri)]


for i, url in enumerate(URLS):
    record("decodeurl %s" % url, lambda: bb.fetch2.decodeurl(url))
    record("encodeurl(decodeurl) %s" % url, lambda: bb.fetch2.encodeurl(bb.fetch2.decodeurl(url)))
    record("URI %s" % url, lambda: uri_props(url))
    record("decodemirrorurl %s" % url, lambda: bb.fetch2.decodemirrorurl(url))


def uri_edits():
    out = []
    uri = bb.fetch2.URI()
    uri.scheme = "https"
    uri.hostname = "example.com"
    uri.path = "/a b/c"
    out.append(str(uri))
    uri.username = "me"
    out.append(str(uri))
    uri.password = "pw"
    out.append(str(uri))
    uri.username = "you"
    out.append([str(uri), uri.userinfo])
    uri.port = 8443
    out.append([str(uri), uri.hostport])
    uri.params = collections.OrderedDict([("a", "1"), ("b", "2")])
    uri.query = collections.OrderedDict([("q", "x"), ("flag", None)])
    out.append(str(uri))
    uri.path = "relative/p"
    out.append([str(uri), uri.relative])
    uri.path_quoted = "/x%20y"
    out.append([str(uri), uri.path, uri.relative])
    file_uri = bb.fetch2.URI("file://foo/bar")
    file_uri.relative = False
    out.append(str(file_uri))
    return out


record("URI edits", uri_edits)

ENCODE = [
    ("http", "example.com", "/a/b", "", "", {}),
    ("http", "example.com", "//a//b", "user", "", {"x": "1"}),
    ("https", "example.com:81", "/a", "user", "pw", collections.OrderedDict([("a", "1"), ("b", "2")])),
    ("file", "", "relative/file.patch", "", "", {}),
    ("file", "host", "/abs/file", "user", "pw", {"apply": "no"}),
    ("git", "", "relative.git", "", "", {}),
    ("git", "host", "", "", "", {}),
    ("", "host", "/p", "", "", {}),
    (None, "host", "/p", "", "", {}),
]
for i, tup in enumerate(ENCODE):
    record("encodeurl #%d" % i, lambda: bb.fetch2.encodeurl(tup))

record("mirror_from_string", lambda: bb.fetch2.mirror_from_string(
    "git://.*/.* http://mirror/\\n https?://.*/.* http://m2/ \n ftp://.*/.* file:///x/"))
record("mirror_from_string odd", lambda: bb.fetch2.mirror_from_string("a b c"))
record("mirror_from_string none", lambda: bb.fetch2.mirror_from_string(None))
record("CHECKSUM_LIST", lambda: [bb.fetch2.CHECKSUM_LIST, bb.fetch2.SHOWN_CHECKSUM_LIST])
record("bb.fetch is bb.fetch2", lambda: __import__("bb.fetch").fetch is bb.fetch2)


# --- exceptions ----------------------------------------------------------------------

def exc_props(e):
    return [type(e).__name__, [c.__name__ for c in type(e).__mro__], str(e), repr(e), list(e.args),
            getattr(e, "msg", "<none>"), getattr(e, "url", "<none>"), getattr(e, "missing", "<none>"),
            getattr(e, "checksum", "<none>"), getattr(e, "cmd", "<none>")]


F = bb.fetch2
EXCEPTIONS = [
    ("BBFetchException", lambda: F.BBFetchException("boom")),
    ("UntrustedUrl", lambda: F.UntrustedUrl("http://x/")),
    ("UntrustedUrl msg", lambda: F.UntrustedUrl("http://x/", "not allowed")),
    ("MalformedUrl", lambda: F.MalformedUrl("bad url")),
    ("MalformedUrl msg", lambda: F.MalformedUrl("bad url", "custom")),
    ("FetchError", lambda: F.FetchError("it failed")),
    ("FetchError url", lambda: F.FetchError("it failed", "http://x/")),
    ("ChecksumError", lambda: F.ChecksumError("mismatch", "http://x/", "abc")),
    ("NoChecksumError", lambda: F.NoChecksumError("none", "http://x/")),
    ("UnpackError", lambda: F.UnpackError("bad tar", "http://x/a.tgz")),
    ("LocalModificationsError", lambda: F.LocalModificationsError("/repo", "git://x", "M file")),
    ("RebaseError", lambda: F.RebaseError("/repo", "git://x", "conflict")),
    ("NoMethodError", lambda: F.NoMethodError("foo://x")),
    ("MissingParameterError", lambda: F.MissingParameterError("module", "svn://x")),
    ("ParameterError", lambda: F.ParameterError("bad param", "git://x")),
    ("NetworkAccess", lambda: F.NetworkAccess("git://x", "git ls-remote")),
]
for name, make in EXCEPTIONS:
    record("exception %s" % name, lambda: exc_props(make()))


# --- events ----------------------------------------------------------------------------

TASKSTORE = Store({"PF": "foo-1.0-r0", "PN": "foo", "PV": "1.0", "FILE": "/l/foo_1.0.bb",
                   "BB_CURRENT_MC": ""})


class _Stats:
    def __init__(self):
        self.completed = 3

    def copy(self):
        return "stats-copy"


class _RQ:
    class rqdata:
        @staticmethod
        def get_task_hash(task):
            return "hash-of-" + task


E = bb.event
EVENTS = [
    (E, "Event", ()), (E, "HeartbeatEvent", (12.5,)), (E, "OperationStarted", ()),
    (E, "OperationStarted", ("msg",)), (E, "OperationCompleted", (3,)),
    (E, "OperationProgress", (1, 4)), (E, "OperationProgress", (1, 4, "Doing")),
    (E, "ConfigParsed", ()), (E, "MultiConfigParsed", ({"": "d"},)),
    (E, "RecipeEvent", ("/a.bb",)), (E, "RecipePreDeferredInherits", ("/a.bb", ["x"])),
    (E, "RecipePreFinalise", ("/a.bb",)), (E, "RecipePostKeyExpansion", ("/a.bb",)),
    (E, "RecipeTaskPreProcess", ("/a.bb", ["do_a", "do_b"])), (E, "RecipeParsed", ("/a.bb",)),
    (E, "BuildBase", ("n", ["p"])), (E, "BuildInit", ()), (E, "BuildInit", (["p"],)),
    (E, "BuildStarted", ("n", ["p"])), (E, "BuildStarted", ("n", ["p"], 2)),
    (E, "BuildCompleted", (5, "n", ["p"])), (E, "BuildCompleted", (5, "n", ["p"], 1, 1)),
    (E, "DiskFull", ("dev", "type", 10, "/mnt")), (E, "DiskUsageSample", (1, 2, 3)),
    (E, "MonitorDiskEvent", ({"/": 1},)),
    (E, "NoProvider", ("foo",)), (E, "NoProvider", ("foo", True, ["a", "b"])),
    (E, "NoProvider", ("foo", False, None, None, ["fo", "foo2", "fo"])),
    (E, "NoProvider", ("foo", False, ["x"], ["reason 1", "reason 2"], ["fo"])),
    (E, "MultipleProviders", ("foo", ["a", "b"])), (E, "MultipleProviders", ("foo", ["a"], True)),
    (E, "ParseStarted", (10,)), (E, "ParseCompleted", (1, 2, 3, 4, 5, 6, 7)),
    (E, "ParseProgress", (1, 2)), (E, "CacheLoadStarted", (3,)), (E, "CacheLoadProgress", (1, 3)),
    (E, "CacheLoadCompleted", (3, 9)), (E, "TreeDataPreparationStarted", ()),
    (E, "TreeDataPreparationProgress", (1, 2)), (E, "TreeDataPreparationCompleted", (2,)),
    (E, "DepTreeGenerated", ({"a": 1},)), (E, "TargetsTreeGenerated", ({"m": 1},)),
    (E, "ReachableStamps", ({"s": 1},)), (E, "StaleSetSceneTasks", ({"t": ["s"]},)),
    (E, "FilesMatchingFound", ("*.bb", ["a.bb"])), (E, "ConfigFilesFound", ("MACHINE", ["q"])),
    (E, "ConfigFilePathFound", ("/p",)), (E, "MsgBase", ("m",)), (E, "MsgDebug", ("m",)),
    (E, "MsgNote", ("m",)), (E, "MsgWarn", ("m",)), (E, "MsgError", ("m",)),
    (E, "MsgFatal", ("m",)), (E, "MsgPlain", ("m",)),
    (E, "LogExecTTY", ("msg", "screen -r", 0.5, 10)), (E, "MetadataEvent", ("Type", {"k": 1})),
    (E, "ProcessStarted", ("p", 10)), (E, "ProcessProgress", ("p", 5)), (E, "ProcessFinished", ("p",)),
    (E, "SanityCheck", ()), (E, "SanityCheck", (False,)), (E, "SanityCheckPassed", ()),
    (E, "SanityCheckFailed", ("bad",)), (E, "SanityCheckFailed", ("bad", True)),
    (E, "NetworkTest", ()), (E, "NetworkTestPassed", ()), (E, "NetworkTestFailed", ()),
    (E, "FindSigInfoResult", ({"r": 1},)), (E, "GetTaskSignatureResult", ("sig",)),
    (E, "ParseError", ("oops",)),
    (bb.build, "TaskBase", ("do_x", "/l/foo.bb", "/log", TASKSTORE)),
    (bb.build, "TaskStarted", ("do_x", "/l/foo.bb", "/log", {"f": 1}, TASKSTORE)),
    (bb.build, "TaskSucceeded", ("do_x", "/l/foo.bb", "/log", TASKSTORE)),
    (bb.build, "TaskFailed", ("do_x", "/l/foo.bb", "/log", TASKSTORE)),
    (bb.build, "TaskFailed", ("do_x", "/l/foo.bb", "/log", TASKSTORE, True)),
    (bb.build, "TaskFailedSilent", ("do_x", "/l/foo.bb", "/log", TASKSTORE)),
    (bb.build, "TaskInvalid", ("do_x", "/l/foo.bb", TASKSTORE)),
    (bb.build, "TaskProgress", (50,)), (bb.build, "TaskProgress", (-1, "3MB/s")),
    (bb.runqueue, "runQueueExitWait", (2,)),
    (bb.runqueue, "runQueueEvent", ("mc:x:/a.bb:do_b", _Stats(), _RQ)),
    (bb.runqueue, "sceneQueueEvent", ("/a.bb:do_b", _Stats(), _RQ)),
    (bb.runqueue, "runQueueTaskStarted", ("/a.bb:do_b", _Stats(), _RQ)),
    (bb.runqueue, "runQueueTaskStarted", ("/a.bb:do_b", _Stats(), _RQ, True)),
    (bb.runqueue, "sceneQueueTaskStarted", ("/a.bb:do_b", _Stats(), _RQ, True)),
    (bb.runqueue, "runQueueTaskFailed", ("/a.bb:do_b", _Stats(), 1, _RQ)),
    (bb.runqueue, "runQueueTaskFailed", ("/a.bb:do_b", _Stats(), 1, _RQ, "pseudo log")),
    (bb.runqueue, "sceneQueueTaskFailed", ("/a.bb:do_b", _Stats(), 2, _RQ)),
    (bb.runqueue, "sceneQueueComplete", (_Stats(), _RQ)),
    (bb.runqueue, "runQueueTaskCompleted", ("/a.bb:do_b", _Stats(), _RQ)),
    (bb.runqueue, "sceneQueueTaskCompleted", ("/a.bb:do_b", _Stats(), _RQ)),
    (bb.runqueue, "runQueueTaskSkipped", ("/a.bb:do_b", _Stats(), _RQ, "covered")),
    (bb.runqueue, "taskUniHashUpdate", ("/a.bb:do_b", "u")),
    (bb.runqueue, "PSIEvent", ("high", {"cpu": 1})),
]


def event_props(module, name, args):
    cls = getattr(module, name)
    obj = cls(*args)
    attrs = {k: v for k, v in vars(obj).items() if k != "time"}
    out = [[c.__module__ + "." + c.__name__ for c in cls.__mro__], sorted(attrs), plain(attrs),
           bb.event.getName(cls), bb.event.getName(obj)]
    if type(obj).__str__ is not object.__str__:
        out.append(str(obj))
    for method in ("getPkgs", "getName", "getFailures", "getItem", "isRuntime", "getCandidates",
                   "getTask", "getDisplayName"):
        if hasattr(obj, method):
            out.append([method, plain(getattr(obj, method)())])
    for prop in ("pkgs", "name", "task"):
        if isinstance(getattr(cls, prop, None), property):
            out.append([prop, plain(getattr(obj, prop))])
    return out


for i, (module, name, args) in enumerate(EVENTS):
    record("event #%d %s" % (i, name), lambda: event_props(module, name, args))

record("event constants", lambda: [bb.event.Registered, bb.event.AlreadyRegistered,
                                   bb.event.worker_pid, bb.event.worker_fire])
record("event threadlock", lambda: [bb.event.enable_threadlock(), bb.event.disable_threadlock()])
record("event check_for_interrupts", lambda: bb.event.check_for_interrupts())


# --- recipe file names and task ids ------------------------------------------------------

FNS = ["/l/a.bb", "virtual:native:/l/a.bb", "mc:mc1:/l/a.bb", "mc:mc1:virtual:native:/l/a.bb",
       "virtual:multilib:lib32:/l/a.bb", "mc::/l/a.bb", "mc:x", "virtual:/l/a.bb", "mc:a:b:c",
       "/l/a:b.bb"]
for fn in FNS:
    record("virtualfn2realfn %s" % fn, lambda: bb.cache.virtualfn2realfn(fn))
for args in [("/l/a.bb", "", ""), ("/l/a.bb", "native", ""), ("/l/a.bb", "", "mc1"),
             ("/l/a.bb", "multilib:lib32", "mc1")]:
    record("realfn2virtual %r" % (args,), lambda: bb.cache.realfn2virtual(*args))
for variant in ["", "native", "multilib:lib32", "mc:mc1:", "mc:mc1:native", "mc:mc1:multilib:lib32", "mc:x"]:
    record("variant2virtual %s" % variant, lambda: bb.cache.variant2virtual("/l/a.bb", variant))

TIDS = ["/l/a.bb:do_build", "virtual:native:/l/a.bb:do_fetch", "mc:mc1:/l/a.bb:do_x",
        "mc:mc1:virtual:native:/l/a.bb:do_x", "mc:x:do_y", "mc::/l/a.bb:do_z"]
for tid in TIDS:
    for fname in ("fn_from_tid", "taskname_from_tid", "mc_from_tid", "split_tid_mcfn", "split_tid", "split_mc"):
        record("%s %s" % (fname, tid), lambda: getattr(bb.runqueue, fname)(tid))
for args in [("", "/l/a.bb", "do_x"), ("mc1", "/l/a.bb", "do_x")]:
    record("build_tid %r" % (args,), lambda: bb.runqueue.build_tid(*args))
record("setscene enforce ignore", lambda: [
    bb.runqueue.get_setscene_enforce_ignore_tasks(Store({}), []),
    bb.runqueue.get_setscene_enforce_ignore_tasks(
        Store({"BB_SETSCENE_ENFORCE": "1", "BB_SETSCENE_ENFORCE_IGNORE_TASKS": "%:do_fetch foo:do_x"}),
        [("", "t1", "do_build", "/f1"), ("", "t2", "do_build", "/f2")]),
    bb.runqueue.check_setscene_enforce_ignore_tasks("foo", "do_x", ["foo:do_*"]),
    bb.runqueue.check_setscene_enforce_ignore_tasks("foo", "do_x", ["bar:*"]),
    bb.runqueue.check_setscene_enforce_ignore_tasks("foo", "do_x", None)])


# --- bb.build task table helpers -------------------------------------------------------------

def task_store():
    d = Store({"PN": "foo"})
    tasks = collections.OrderedDict([
        ("do_fetch", []), ("do_unpack", ["do_fetch"]), ("do_patch", ["do_unpack"]),
        ("do_prepare", ["do_unpack"]), ("do_configure", ["do_patch", "do_prepare"]),
        ("do_compile", ["do_configure"]), ("do_build", ["do_compile"]), ("do_other", []),
    ])
    for t, deps in tasks.items():
        d.setVar(t, "body")
        d.setVarFlag(t, "task", 1)
        d.setVarFlag(t, "deps", list(deps))
    d.setVarFlag("do_build", "recrdeptask", "do_build do_populate")
    d.setVar("__BBTASKS", list(tasks))
    return d


record("listtasks", lambda: bb.build.listtasks(task_store()))
record("tasksbetween unpack patch", lambda: bb.build.tasksbetween("do_unpack", "do_patch", task_store()))
record("tasksbetween fetch build", lambda: bb.build.tasksbetween("do_fetch", "do_build", task_store()))
record("tasksbetween unknown", lambda: bb.build.tasksbetween("do_nope", "do_build", task_store()))
record("preceedtask build", lambda: bb.build.preceedtask("do_build", False, task_store()))
record("preceedtask build rec", lambda: bb.build.preceedtask("do_build", True, task_store()))
record("preceedtask configure", lambda: bb.build.preceedtask("do_configure", True, task_store()))
record("preceedtask missing", lambda: bb.build.preceedtask("do_missing", True, task_store()))
record("exec_func missing", lambda: bb.build.exec_func("no_such_func", Store({})))


# --- filters and small helpers --------------------------------------------------------------------

FILTERS = ["suffix(val, '-dev')", "prefix(val, 'lib')", "sort(val)", "remove(val, 'b')",
           "remove(val, ['a', 'c'])", "remove(val, 'x:y', ':')", "str(len(val))", "val.upper()",
           "max(val.split())", " ", "format(val, '>12')"]
for f in FILTERS:
    record("filter %s" % f, lambda: bb.filter.apply_filters("c a b a", [f]))
record("filter chain", lambda: bb.filter.apply_filters("x y", ["suffix(val, '1')", "", "prefix(val, 'p')", "sort(val)"]))
record("filter colon", lambda: bb.filter.apply_filters("a:x:y:b", ["remove(val, 'x:y', ':')"]))
record("filter no builtins", lambda: bb.filter.apply_filters("v", ["open('/etc/passwd')"]))


def namespace_case():
    @bb.filter.filter_proc(name="ns.sub.twice")
    def twice(val):
        return val + val
    return [bb.filter.apply_filters("ab", ["ns.sub.twice(val)"]), "ns" in bb.filter.FILTERS,
            "sub" in bb.filter.FILTERS["ns"]]


record("filter namespace", namespace_case)

for unit in ["10", "10K", "10k", "5M", "2G", "2g ", "0", "1T", "abc", "7 "]:
    record("convertGMK %s" % unit, lambda: bb.monitordisk.convertGMK(unit))
record("re_match_strings", lambda: [bb.taskdata.re_match_strings(t, ["foo", "^ba.*", ".*z$", "q.x"])
                                    for t in ["foo", "bar", "baz", "quz", "qax", "q.x", "foox"]])


# --- fetching: URL data, local files, revisions ----------------------------------------------

def layer_store(extra=None):
    filesdirs = [os.path.join(LAYER, d) for d in ("missing-dir", "machine", "files", "other")]
    values = {
        "PN": "foo", "PV": "1.0", "FILE": os.path.join(LAYER, "foo_1.0.bb"),
        "DL_DIR": "/dl", "FILESPATH": ":".join(filesdirs), "TOPDIR": LAYER,
        "DATETIME": "20240101", "SRC_URI": "",
    }
    values.update(extra or {})
    return Store(values, {"SRC_URI": {"foo.sha256sum": "f00", "sha256sum": "plain", "md5sum": "m5"}})


def checksum_list(src_uri, extra=None):
    d = layer_store(dict(extra or {}, SRC_URI=src_uri))
    return bb.fetch2.get_checksum_file_list(d)


record("checksum list", lambda: checksum_list(
    "file://a.patch file://b.patch;apply=no file://sub/c.txt file://dir/ "
    "http://example.com/x.tgz git://example.com/r.git;branch=m;protocol=https "
    "file://%s file://only-in-other.txt" % os.path.join(LAYER, "abs.txt")))
record("checksum list empty", lambda: checksum_list(""))
record("checksum list missing", lambda: checksum_list("file://a.patch file://nowhere.patch"))
record("checksum list npm", lambda: checksum_list("file://a.patch npm://registry.npmjs.org/;package=x;version=1"))
record("checksum list glob", lambda: checksum_list("file://*.patch"))
record("checksum list expand", lambda: checksum_list("file://${PN}.conf"))
record("checksum list unknown scheme", lambda: checksum_list("file://a.patch weird://x/y"))

UD_ATTRS = ["type", "host", "path", "user", "pswd", "parm", "url", "name", "localpath", "localfile",
            "basename", "basepath", "donestamp", "lockfile", "mirrortarballs", "needdonestamp",
            "revision", "proto", "branch", "nobranch", "clonedir", "fullmirror", "unresolvedrev",
            "shallow", "module", "moddir", "pkgdir", "versionsurl", "identifier", "manifest",
            "date", "ignore_checksums", "md5_name", "md5_expected", "sha256_name", "sha256_expected",
            "goh1_name", "goh1_expected"]


def urldata(url, extra=None):
    d = layer_store(dict(extra or {}, SRC_URI=url))
    fetcher = bb.fetch2.Fetch([url], d)
    ud = fetcher.ud[url]
    out = [[a, plain(getattr(ud, a, "<missing>"))] for a in UD_ATTRS]
    out.append(["method", type(ud.method).__name__])
    out.append(["supports_srcrev", ud.method.supports_srcrev()])
    out.append(["recommends_checksum", ud.method.recommends_checksum(ud)])
    out.append(["localpath()", fetcher.localpath(url)])
    return out


SHA = "0123456789abcdef0123456789abcdef01234567"
SHA2 = "fedcba9876543210fedcba9876543210fedcba98"
UD_CASES = [
    ("file://a.patch", {}),
    ("file://sub/c.txt;subdir=x", {}),
    ("file://nowhere.patch", {}),
    ("file:///abs/file.txt", {}),
    ("http://example.com/dl/foo-1.0.tar.gz;name=foo", {}),
    ("https://example.com/x/download?id=3;downloadfilename=bar.tgz", {}),
    ("https://example.com/", {}),
    ("ftp://example.com/pub/f.tar.xz;md5sum=abc;sha256sum=def", {}),
    ("http://example.com/x.tgz;protocol=git", {}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": SHA}),
    ("git://github.com/org/repo.git;branch=main", {"SRCREV": SHA}),
    ("git://git.example.com/a/b (c).git;protocol=https;branch=main;rebaseable=1", {"SRCREV": SHA}),
    ("git:///local/repo;branch=main", {"SRCREV": SHA}),
    ("git://git.example.com/repo.git;protocol=ftp;branch=main", {"SRCREV": SHA}),
    ("git://git.example.com/repo.git;protocol=https", {"SRCREV": SHA}),
    ("git://git.example.com/repo.git;protocol=https;nobranch=1;bareclone=1", {"SRCREV": SHA}),
    ("git://git.example.com/repo.git;protocol=https;branch=main;usehead=1", {"SRCREV": SHA}),
    ("git:///local/repo;protocol=file;usehead=1", {"SRCREV": SHA}),
    ("git://git.example.com/repo.git;protocol=https;branch=main;name=n1", {"SRCREV_n1": SHA2, "SRCREV": SHA}),
    ("git://git.example.com/repo.git;protocol=https;branch=main;name=n1", {"SRCREV_n1:pn-foo": SHA2}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV:pn-foo": SHA2, "SRCREV": "INVALID"}),
    ("git://git.example.com/repo.git;protocol=https;branch=main;rev=" + SHA, {}),
    ("git://git.example.com/repo.git;protocol=https;branch=main;rev=" + SHA, {"SRCREV": SHA2}),
    ("git://git.example.com/repo.git;protocol=https;branch=main;tag=v1.0;rev=" + SHA, {}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": "INVALID"}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": SHA, "BB_GIT_SHALLOW": "1"}),
    ("git://git.example.com/repo.git;protocol=https;branch=main;tag=v2", {"SRCREV": SHA, "BB_GIT_SHALLOW": "1", "BB_GIT_SHALLOW_DEPTH": "3", "BB_GIT_SHALLOW_EXTRA_REFS": "refs/heads/dev refs/tags/*"}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": SHA, "BB_GIT_SHALLOW": "1", "BB_GIT_SHALLOW_DEPTH": "0"}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": SHA, "BB_GIT_SHALLOW": "1", "BB_GIT_SHALLOW_DEPTH": "x"}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": SHA, "BB_GIT_SHALLOW": "1", "BB_GIT_SHALLOW_REVS": "r2 r1"}),
    ("git://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": SHA, "GITDIR": "/gitdir"}),
    ("gitsm://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": SHA, "BB_GIT_SHALLOW": "1"}),
    ("gitannex://git.example.com/repo.git;protocol=https;branch=main", {"SRCREV": SHA, "BB_GIT_SHALLOW": "1"}),
    ("crate://crates.io/glob/0.3.1", {}),
    ("crate://crates.io/glob/0.3.1;protocol=http", {}),
    ("crate://my.registry.example/api/serde/1.0.0;name=sd", {}),
    ("crate://crates.io/x", {}),
    ("gomod://golang.org/x/Net;version=v0.9.0", {}),
    ("gomod://golang.org/x/net;version=v0.9.0;mod=1", {"GO_MOD_PROXY": "proxy.example"}),
    ("gomod://golang.org/x/net", {}),
    ("gomodgit://golang.org/x/text;version=v0.3.0;srcrev=" + SHA, {}),
    ("gomodgit://golang.org/x/text;version=v0.3.0;repo=github.com/golang/text", {"SRCREV_golang.org/x/text@v0.3.0": SHA}),
    ("svn://svn.example.com/repo/trunk;module=proj;protocol=http;rev=123", {}),
    ("svn://svn.example.com/repo/trunk;module=proj;path_spec=p;nopegrevision=1", {"SRCREV": "77"}),
    ("svn://svn.example.com/repo/trunk", {"SRCREV": "77"}),
    ("hg://hg.example.com/repo;module=m;rev=abc", {}),
    ("hg://hg.example.com/repo;module=m", {"SRCREV": "abcdef"}),
    ("ssh://user@host.example.com:2222/home/user/file.tar.gz", {}),
    ("ssh://host.example.com/home/user/dir/", {}),
    ("ssh://host/file;protocol=git", {}),
    ("sftp://user@host/path/file.tgz", {}),
    ("sftp://host/file.tgz;downloadfilename=x.tgz", {}),
    ("s3://bucket/path/obj.tgz", {}),
    ("az://account.blob.core.windows.net/container/file.tgz", {}),
    ("gs://bucket/obj.tgz", {}),
    ("p4://depot/path/...", {"P4PORT": "p4.example.com:1666", "SRCREV": "42"}),
    ("p4://user:pw@depot/path;module=sub/mod", {"P4PORT": "p4:1666", "SRCREV": "42"}),
    ("repo://gerrit.example.com/manifest;protocol=https;branch=main", {}),
    ("repo://gerrit.example.com/manifest;manifest=other", {}),
    ("ccrc://cc.example.com/ccweb;vob=corevob;module=/path", {"SRCREV": "/main/LATEST"}),
    ("ccrc://cc.example.com/ccweb;module=/path", {"SRCREV": "/main/LATEST"}),
    ("ccrc://cc.example.com/ccweb;vob=v;protocol=ftp", {"SRCREV": "/main/LATEST"}),
    ("npm://registry.npmjs.org/;package=x;version=1", {}),
    ("npmsw://shrinkwrap.json", {}),
    ("weird://host/path", {}),
    ("http://example.com/x.tgz;name=a,b", {}),
    ("http://example.com/x.tgz;proto=https", {}),
    ("http://example.com/x.tgz;localpath=/somewhere/else.tgz", {}),
    ("http://user@example.com/x.tgz;user=u2;pswd=p2", {}),
    ("http://example.com/x.tgz;srcdate=20200101", {}),
    ("http://example.com/x.tgz", {"SRCDATE_foo": "20210101", "SRCDATE": "x"}),
    ("http://example.com/${PN}-${PV}.tgz", {}),
]
for i, (url, extra) in enumerate(UD_CASES):
    record("urldata #%d %s %s" % (i, url, sorted(extra.items())), lambda: urldata(url, extra))


def srcrev(fn, src_uri, extra):
    d = layer_store(dict(extra, SRC_URI=src_uri))
    value = getattr(bb.fetch2, fn)(d)
    return [value, d.getVar("__BBSRCREV_SEEN"), d.getVar("__BBINSRCREV"), d.getVar("BB_DONT_CACHE"),
            d.getVar("__BBAUTOREV_SEEN")]


GIT = "git://git.example.com/%s.git;protocol=https;branch=main"
SRCREV_CASES = [
    ("one git", GIT % "a", {"SRCREV": SHA}),
    ("git and files", "file://a.patch " + (GIT % "a") + " http://example.com/x.tgz", {"SRCREV": SHA}),
    ("no scm", "file://a.patch http://example.com/x.tgz", {}),
    ("two git", (GIT % "a") + ";name=a " + (GIT % "b") + ";name=b",
     {"SRCREV_a": SHA, "SRCREV_b": SHA2, "SRCREV_FORMAT": "a_b"}),
    ("two git prefix names", (GIT % "a") + ";name=meta " + (GIT % "b") + ";name=metadata",
     {"SRCREV_meta": SHA, "SRCREV_metadata": SHA2, "SRCREV_FORMAT": "metadata+meta"}),
    ("two git no format", (GIT % "a") + ";name=a " + (GIT % "b") + ";name=b",
     {"SRCREV_a": SHA, "SRCREV_b": SHA2}),
    ("svn", "svn://svn.example.com/repo;module=m;protocol=http", {"SRCREV": "1234"}),
    ("svn and git", "svn://svn.example.com/repo;module=m;name=s " + (GIT % "a") + ";name=g",
     {"SRCREV_s": "99", "SRCREV_g": SHA, "SRCREV_FORMAT": "s-g"}),
    ("hg", "hg://hg.example.com/repo;module=m", {"SRCREV": "0123456789abcdef"}),
    ("repo", "repo://gerrit.example.com/manifest", {}),
    ("ccrc", "ccrc://cc.example.com/ccweb;vob=v", {"SRCREV": "/main/LATEST"}),
    ("p4", "p4://depot/path/...", {"P4PORT": "p4:1666", "SRCREV": "42"}),
    ("invalid", GIT % "a", {"SRCREV": "INVALID"}),
    ("recursive", GIT % "a", {"SRCREV": SHA, "__BBINSRCREV": "1"}),
]
for name, src_uri, extra in SRCREV_CASES:
    for fn in ("get_srcrev", "get_hashvalue", "get_pkgv_string"):
        record("%s %s" % (fn, name), lambda: srcrev(fn, src_uri, extra))


def autorev():
    d = layer_store({"SRCREV": "${AUTOREV}"})
    return [bb.fetch2.get_autorev(d), d.getVar("BB_DONT_CACHE"), d.getVar("__BBAUTOREV_SEEN")]


record("get_autorev", autorev)
record("get_autorev cache policy", lambda: (lambda d: [bb.fetch2.get_autorev(d), d.getVar("BB_DONT_CACHE")])(
    layer_store({"BB_SRCREV_POLICY": "cache"})))
exc_result("floating branch without get_srcrev",
           lambda: bb.fetch2.Fetch([GIT % "a"], layer_store({"SRCREV": "main"})))


def localpath_fn():
    d = layer_store()
    return [bb.fetch2.localpath("file://a.patch", d), bb.fetch2.localpath("file://sub/c.txt", d),
            bb.fetch2.localpath("http://example.com/z.tgz", d)]


record("bb.fetch2.localpath", localpath_fn)


def fetch_default_urls():
    d = layer_store({"SRC_URI": "file://a.patch http://example.com/y.tgz"})
    f = bb.fetch2.Fetch([], d)
    return [f.urls, f.localpaths(), sorted(f.ud)]


record("Fetch([]) uses SRC_URI", fetch_default_urls)


def fetch_cache_behaviour():
    d = layer_store({"SRC_URI": "file://a.patch"})
    f1 = bb.fetch2.Fetch(["file://a.patch"], d)
    f2 = bb.fetch2.Fetch(["file://b.patch"], d)
    return [sorted(f2.ud), f1.ud is f2.ud]


record("Fetch cache per datastore", fetch_cache_behaviour)
exc_result("Fetch cache+localonly", lambda: bb.fetch2.Fetch(["file://a.patch"], layer_store(), cache=True, localonly=True))
record("get_fetcher_environment", lambda: bb.fetch2.get_fetcher_environment(
    Store({"HOME": "/home/me", "http_proxy": "http://proxy:3128", "PATH": "",
           "BB_ORIGENV": Store({"PATH": "/orig/bin", "GIT_SSH": "ssh2", "HOME": "/orig/home"})})))
record("trusted_network", lambda: [
    bb.fetch2.trusted_network(Store({"BB_ALLOWED_NETWORKS": "*.example.com git.other.org"}), u)
    for u in ["http://a.example.com/x", "http://example.com/x", "http://git.other.org/y",
              "http://GIT.other.org:80/y", "http://evil.com/x", "file://x"]])

print(json.dumps({"bb_file": bb.__file__, "results": RESULTS}))
