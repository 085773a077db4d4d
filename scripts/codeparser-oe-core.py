#!/usr/bin/env python3
"""Compares rbake's bb.codeparser.PythonParser with BitBake's on the Python code of OpenEmbedded-Core.

Local check, not CI: needs the reference BitBake library (run this script
with the oracle's Python, see ../shared/oracle/setup.sh), an OE-Core
checkout and a build directory made by scripts/oe-core-setup.sh.

The reference BitBake parses the configuration and the recipes (as
../shared/oracle/bbdump.py does) and the script collects, from the
configuration and from every recipe variant:

- every Python function (flags ``func`` and ``python``): its body
  ``d.getVar(key, False)`` with its ``lineno`` and ``filename`` flags, parsed
  the way bb.data.build_dependencies parses it;
- every inline ``${@...}`` expression of a value or flag that holds no
  ``${NAME}`` reference (unless --no-inline), parsed the way expansion
  parses it (named after its variable, no line number).

- and, unless --no-signatures, every piece of code BitBake itself hands
  to PythonParser.parse_python (module functions aside) while it parses
  the recipes and computes their task signatures with
  bb.data.generate_dependencies ("traced": function bodies, inline
  expressions after ``${NAME}`` expansion, d.expand() literals).

Duplicates are dropped.  Each piece of code is then parsed with an empty
result cache by the reference PythonParser here and by rbake's in a second
interpreter that imports rbake's ``bb`` from queries/python, and everything
the parsers record is compared: references, execs, var_execs, contains,
extra, the exception raised, the debug messages buffered.  The library
functions of the layers' ``addpylib`` modules (bb.codeparser.modulecode_deps,
which the reference fills while parsing the configuration) are recomputed
by rbake's add_module_functions and update_module_dependencies (with the
configuration's ``vardepsexclude`` flags) from the same modules and
compared too.

Usage: $ORACLE_PY scripts/codeparser-oe-core.py [--topdir BUILD] [--recipes N]
           [--recipe SUBSTR]... [--no-inline] [--no-signatures] [-j N] [--show N]
Prints "equal/total" per kind and the first differences; exits 1 if any.
"""
import argparse
import json
import logging
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OURS_DIR = os.path.join(ROOT, "queries", "python")
DEFAULT_SHIM = os.path.join(ROOT, "..", "shared", "oracle", "shim")
DEFAULT_TOPDIR = "/tmp/oe-build"

builder = None  # the reference's parsed configuration, inherited by forked workers
options = None


# ---------------------------------------------------------------------------
# Shared by both interpreters
# ---------------------------------------------------------------------------

def sorted_reprs(items):
    return sorted(repr(item) for item in items)


def parser_state(parser):
    state = {
        "references": sorted_reprs(parser.references),
        "execs": sorted_reprs(parser.execs),
        "var_execs": sorted_reprs(parser.var_execs),
        "contains": {repr(k): sorted_reprs(v) for k, v in sorted(parser.contains.items(), key=lambda kv: repr(kv[0]))},
        "extra": repr(parser.extra) if hasattr(parser, "extra") else "<unset>",
        "log": type(parser.log).__name__,
    }
    buffered = getattr(parser.log, "buffer", None)
    if buffered is not None:
        state["buffered"] = [[r.name, r.levelno, r.getMessage()] for r in buffered]
    return state


def parse_all(bb, snippets):
    """What the bb package's PythonParser records for each snippet, with an empty cache each time."""
    import bb.codeparser
    import bb.msg

    bb.msg.init_msgconfig(False, 1)
    target = logging.getLogger("BitBake.Data")
    cache = bb.codeparser.codeparsercache
    results = []
    for snippet in snippets:
        cache.pythoncache.clear()
        cache.pythoncacheextras.clear()
        parser = bb.codeparser.PythonParser(snippet["name"], target)
        outcome = {}
        try:
            if snippet["kind"] in ("function", "traced"):
                parser.parse_python(snippet["code"], filename=snippet["filename"], lineno=snippet["lineno"])
            else:
                parser.parse_python(snippet["code"])
        except Exception as exc:
            outcome["raised"] = type(exc).__name__
            outcome["str"] = str(exc)
        outcome.update(parser_state(parser))
        results.append(outcome)
    return results


def module_state(bb):
    import bb.codeparser
    state = {}
    for key in sorted(bb.codeparser.modulecode_deps):
        refs, execs, var_execs, contains, extra, visitor = bb.codeparser.modulecode_deps[key]
        state[key] = [sorted_reprs(refs), sorted_reprs(execs), sorted_reprs(var_execs),
                      {k: sorted_reprs(v) for k, v in sorted(contains.items())}, repr(extra),
                      getattr(visitor, "__qualname__", repr(visitor))]
    return state


# ---------------------------------------------------------------------------
# rbake's side (second interpreter)
# ---------------------------------------------------------------------------

def ours(path):
    """Recompute everything with rbake's bb; print the results as JSON."""
    with open(path) as f:
        job = json.load(f)
    sys.dont_write_bytecode = True
    sys.path.insert(0, OURS_DIR)
    import bb
    import bb.build  # as under BitBake, before metadata loads its libraries
    import bb.codeparser
    if not os.path.abspath(bb.__file__).startswith(OURS_DIR):
        sys.exit("rbake's probe imported bb from %s" % bb.__file__)

    # The layers' libraries, as bb.parse.ast's addpylib evaluation adds them.
    for libdir in job["libdirs"]:
        if libdir not in sys.path:
            sys.path.append(libdir)
    errors = []
    for call in job["module_calls"]:
        namespace = call["namespace"]
        try:
            __import__(namespace)
            module = sys.modules[namespace]
        except Exception as exc:
            errors.append("cannot import %s: %s: %s" % (namespace, type(exc).__name__, exc))
            continue
        functions = {}
        for name in call["functions"]:
            value = getattr(module, name, None)
            if value is None or not callable(value):
                errors.append("%s.%s: not found in rbake's import" % (namespace, name))
                continue
            functions[name] = value
        bb.codeparser.add_module_functions(call["fn"], functions, namespace)

    class Flags(object):
        """The configuration's vardepsexclude flags of the module functions."""

        def getVarFlag(self, var, flag, expand=True):
            return job["vardepsexclude"].get(var) if flag == "vardepsexclude" else None

    # as the cooker does once the configuration is parsed
    bb.codeparser.update_module_dependencies(Flags())
    out = {"module_errors": errors, "modules": module_state(bb), "results": parse_all(bb, job["snippets"])}
    json.dump(out, sys.stdout)


# ---------------------------------------------------------------------------
# The reference's side
# ---------------------------------------------------------------------------

def snippets_of(d, inline):
    """The Python code of one datastore, as (kind, name, code, lineno, filename) tuples."""
    import bb.data_smart
    found = set()
    python_re = bb.data_smart.__expand_python_regexp__
    var_re = bb.data_smart.__expand_var_regexp__
    for key in list(d.keys()):
        try:
            flags = d.getVarFlags(key) or {}
        except Exception:
            continue
        if flags.get("func") and flags.get("python"):
            code = d.getVar(key, False)
            if isinstance(code, str):
                lineno = d.getVarFlag(key, "lineno")
                filename = d.getVarFlag(key, "filename")
                found.add(("function", key, code, lineno, filename))
            continue
        if not inline:
            continue
        values = [(key, d.getVar(key, False))]
        values += [("%s[%s]" % (key, flag), value) for flag, value in flags.items()]
        for name, value in values:
            if not isinstance(value, str) or "${@" not in value:
                continue
            for match in python_re.finditer(value):
                code = match.group()[3:-1]
                if not var_re.findall(code):
                    found.add(("inline", name, code, 0, "<string>"))
    return found


def parse_one(job):
    """The snippets of one recipe file (all its variants)."""
    import bb.parse
    fn, appends, layer = job
    try:
        stores = builder.parseRecipeVariants(fn, list(appends), layername=layer)
    except bb.parse.SkipRecipe:
        return fn, set(), "skipped"
    except (Exception, bb.BBHandledException) as e:
        return fn, set(), "error: %s: %s" % (type(e).__name__, e)
    found = set()
    for rd in stores.values():
        found |= snippets_of(rd, options.inline)
        if options.signatures and not rd.getVar("__SKIPPED", False):
            ignore = set((rd.getVar("BB_BASEHASH_IGNORE_VARS") or "").split())
            try:
                bb.data.generate_dependencies(rd, ignore)
            except Exception as e:
                return fn, found | take_traced(), "error: signatures: %s: %s" % (type(e).__name__, e)
    return fn, found | take_traced(), "ok"


traced = set()


def take_traced():
    """The parses recorded by the parse_python wrapper since the last call."""
    taken = set(traced)
    traced.clear()
    return taken


def trace_parses(codeparser):
    """Record every parse_python call of plain code (not module functions) in ``traced``."""
    original = codeparser.PythonParser.parse_python

    def parse_python(self, node, lineno=0, filename="<string>", fixedhash=None, func=None):
        if fixedhash is None and isinstance(node, str) and node.strip():
            traced.add(("traced", self.name, node, lineno, filename))
        return original(self, node, lineno=lineno, filename=filename, fixedhash=fixedhash, func=func)

    codeparser.PythonParser.parse_python = parse_python


def recipe_jobs(d):
    """(recipe, appends, layer) triples from BitBake's own file collector,
    as scripts/oe-core-files.py finds them."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("oe_core_files", os.path.join(HERE, "oe-core-files.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.recipe_jobs(d)


def differences(ref, mine, limit):
    out = []
    for key in sorted(set(ref) | set(mine)):
        if ref.get(key) != mine.get(key):
            out.append((key, ref.get(key, "<missing>"), mine.get(key, "<missing>")))
            if len(out) >= limit:
                break
    return out


def main():
    global builder, options
    if len(sys.argv) == 3 and sys.argv[1] == "--ours":
        ours(sys.argv[2])
        return 0
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED="0"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--topdir", default=DEFAULT_TOPDIR, help="build directory (default %(default)s)")
    ap.add_argument("--recipes", type=int, default=0, help="only the first N recipes")
    ap.add_argument("--recipe", action="append", default=[], help="only recipes whose path contains this")
    ap.add_argument("--no-inline", dest="inline", action="store_false", help="skip inline ${@...} expressions")
    ap.add_argument("--no-signatures", dest="signatures", action="store_false",
                    help="do not run bb.data.generate_dependencies on each recipe variant")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parser processes")
    ap.add_argument("--show", type=int, default=10, help="differences to print")
    ap.add_argument("--shim", default=os.environ.get("RBAKE_ORACLE_SHIM", DEFAULT_SHIM))
    options = ap.parse_args()

    sys.path.insert(0, os.path.abspath(options.shim))
    import bb
    import bb.codeparser
    import bb.cookerdata

    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    topdir = os.path.abspath(options.topdir)
    os.chdir(topdir)
    path = os.environ.get("PATH", "/usr/bin:/bin")
    if os.path.isdir(os.path.join(topdir, "standins")):
        path = os.path.join(topdir, "standins") + ":" + path
    env = {"TOPDIR": topdir, "PATH": path, "BB_ENV_PASSTHROUGH_ADDITIONS": "TOPDIR"}
    os.environ.update(env)

    # No codeparser cache file: every module function is parsed afresh
    # (a cached one would come back with an empty var_execs).
    bb.codeparser.parser_cache_init = lambda cachedir: None
    module_calls = []
    add_module_functions = bb.codeparser.add_module_functions

    def recording(fn, functions, namespace):
        module_calls.append({"fn": fn, "namespace": namespace, "functions": sorted(functions)})
        return add_module_functions(fn, functions, namespace)

    bb.codeparser.add_module_functions = recording

    t0 = time.perf_counter()
    cfg = bb.cookerdata.CookerConfiguration()
    cfg.env = dict(env)
    builder = bb.cookerdata.CookerDataBuilder(cfg)
    builder.parseBaseConfiguration()
    d = builder.data
    libdirs = [p for p in sys.path if p.endswith("/lib") and os.path.isdir(os.path.join(p, "oe"))]
    libdirs = sorted(set(libdirs + [os.path.dirname(os.path.dirname(c["fn"])) for c in module_calls]))
    ref_modules = module_state(bb)
    vardepsexclude = {}
    for name in bb.codeparser.modulecode_deps:
        value = d.getVarFlag(name, "vardepsexclude")
        if value is not None:
            vardepsexclude[name] = value

    jobs = recipe_jobs(d)
    if options.recipe:
        jobs = [j for j in jobs if any(s in j[0] for s in options.recipe)]
    if options.recipes:
        jobs = jobs[:options.recipes]
    found = snippets_of(d, options.inline)
    trace_parses(bb.codeparser)
    import bb.data
    if options.jobs > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(options.jobs) as pool:
            results = list(pool.imap_unordered(parse_one, jobs, chunksize=4))
    else:
        results = [parse_one(j) for j in jobs]
    failed = []
    for fn, snippets, status in results:
        found |= snippets
        if status.startswith("error"):
            failed.append((fn, status))
    t1 = time.perf_counter()

    snippets = [{"kind": k, "name": n, "code": c, "lineno": l, "filename": f}
                for k, n, c, l, f in sorted(found, key=lambda s: tuple(repr(x) for x in s))]
    reference = parse_all(bb, snippets)
    t2 = time.perf_counter()

    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="codeparser-oe-", delete=False) as f:
        json.dump({"snippets": snippets, "module_calls": module_calls, "libdirs": libdirs,
                   "vardepsexclude": vardepsexclude}, f)
        jobfile = f.name
    try:
        child_env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
        child_env.pop("PYTHONPATH", None)
        completed = subprocess.run([sys.executable, os.path.abspath(__file__), "--ours", jobfile],
                                   capture_output=True, text=True, env=child_env, cwd=topdir)
    finally:
        os.unlink(jobfile)
    if completed.returncode != 0:
        print("rbake's side failed:\n" + completed.stderr, file=sys.stderr)
        return 2
    mine = json.loads(completed.stdout)
    t3 = time.perf_counter()

    bad = 0
    print("%d recipe files (%d not parsed by BitBake), %d module functions, %d snippets; "
          "BitBake parse %.1fs, reference codeparser %.1fs, rbake %.1fs"
          % (len(jobs), len(failed), len(ref_modules), len(snippets), t1 - t0, t2 - t1, t3 - t2))
    for fn, status in failed[:options.show]:
        print("  BitBake could not parse %s: %s" % (fn, status))
    for error in mine["module_errors"]:
        print("  rbake: " + error)
        bad += 1

    diffs = differences(ref_modules, mine["modules"], options.show)
    equal = sum(1 for k in ref_modules if mine["modules"].get(k) == ref_modules[k])
    total = len(set(ref_modules) | set(mine["modules"]))
    print("module functions: %d/%d equal" % (equal, total))
    for key, want, got in diffs:
        print("--- module %s\n  reference: %s\n  rbake:     %s" % (key, json.dumps(want), json.dumps(got)))
    bad += total - equal

    for kind in ("function", "inline", "traced"):
        indices = [i for i, s in enumerate(snippets) if s["kind"] == kind]
        differing = [i for i in indices if reference[i] != mine["results"][i]]
        raised = sum(1 for i in indices if "raised" in reference[i])
        having = {field: sum(1 for i in indices if reference[i].get(field))
                  for field in ("references", "execs", "var_execs", "contains", "buffered")}
        print("%s snippets: %d/%d equal (%d raise in BitBake; with references %d, execs %d, "
              "var_execs %d, contains %d, untracked-name messages %d)"
              % (kind, len(indices) - len(differing), len(indices), raised, having["references"],
                 having["execs"], having["var_execs"], having["contains"], having["buffered"]))
        for i in differing[:options.show]:
            s = snippets[i]
            print("--- %s %s (%s:%s)\n%s\n  reference: %s\n  rbake:     %s"
                  % (kind, s["name"], s["filename"], s["lineno"], s["code"][:400],
                     json.dumps(reference[i]), json.dumps(mine["results"][i])))
        bad += len(differing)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
