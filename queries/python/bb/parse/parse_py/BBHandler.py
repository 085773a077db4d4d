"""The .bb/.bbclass/.inc file handler of bb.parse, with ``inherit`` (rbake's own implementation)."""

import os

import bb
import bb.utils
from bb.parse import ParseError, handlers, logger
from bb.parse.parse_py.ConfHandler import include, init  # noqa: F401

# Parsed statements per file in BitBake; the cooker resets it. rbake
# caches parses in Rust, so this stays empty.
cached_statements = {}


def supports(fn, d):
    """Whether ``fn`` is a recipe, class or include file."""
    return os.path.splitext(fn)[-1] in [".bb", ".bbclass", ".inc"]


def inherit_defer(expression, fn, lineno, d):
    """Queue an inherit for the end of parsing (in ``__BBDEFINHERITS``)."""
    queued = d.getVar('__BBDEFINHERITS', False) or []
    queued.append((expression, fn, lineno))
    d.setVar('__BBDEFINHERITS', queued)


def _find_class(name, d):
    """The path of class ``name``: classes-<type>/ first, then classes/, along BBPATH.

    Candidates passed over become dependencies. The result may not exist.
    """
    classtype = d.getVar("__bbclasstype", False)
    path = name
    for directory in ["classes-" + classtype, "classes"]:
        path = name
        if not os.path.isabs(path) and not path.endswith(".bbclass"):
            path = os.path.join(directory, '%s.bbclass' % path)
        if not os.path.isabs(path):
            found, attempts = bb.utils.which(d.getVar("BBPATH"), path, history=True)
            for attempt in attempts:
                if attempt != found:
                    bb.parse.mark_dependency(d, attempt)
            if found:
                path = found
        if os.path.exists(path):
            break
    return path


def inherit(files, fn, lineno, d, deferred=False):
    """Inherit the space-separated classes ``files`` into ``d``, each at most once.

    Classes listed in BB_DEFER_BBCLASSES are deferred unless ``deferred``.
    The runtime's own ``bb._runtime.inherit`` is used when it has one.
    """
    try:
        import bb._runtime as runtime
    except ModuleNotFoundError as exc:
        if exc.name != "bb._runtime":
            raise
        runtime = None
    if getattr(runtime, "inherit", None) is not None:
        return runtime.inherit(files, fn, lineno, d, deferred)

    inherited = d.getVar('__inherit_cache', False) or []
    for name in d.expand(files).split():
        if not deferred and name in (d.getVar("BB_DEFER_BBCLASSES") or "").split():
            inherit_defer(name, fn, lineno, d)
            continue
        path = _find_class(name, d)
        if not os.path.exists(path):
            raise ParseError("Could not inherit file %s" % path, fn, lineno)
        if path in inherited:
            continue
        logger.debug("Inheriting %s (from %s:%d)" % (path, fn, lineno))
        inherited.append(path)
        d.setVar('__inherit_cache', inherited)
        try:
            bb.parse.handle(path, d, True)
        except (IOError, OSError) as exc:
            raise ParseError("Could not inherit file %s: %s" % (fn, exc.strerror), fn, lineno)
        inherited = d.getVar('__inherit_cache', False) or []
    return None


def handle(fn, d, include, baseconfig=False):
    """Parse the recipe, class or include file ``fn`` into ``d`` (through the rbake runtime)."""
    from bb.parse.parse_py import runtime_hook
    return runtime_hook("handle", fn)(fn, d, include, baseconfig)


handlers.append({'supports': supports, 'handle': handle, 'init': init})
