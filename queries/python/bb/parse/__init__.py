"""Parsing errors, file dependency tracking and parser entry points (rbake's own implementation of BitBake's bb.parse API).

rbake parses metadata in Rust. ``handle()`` (and so ``include``/``inherit``
done from Python) hands files to the runtime hook
``bb._runtime.handle(fn, d, include, baseconfig)``; see
``bb.parse.parse_py``.
"""

import errno
import logging
import os

import bb
import bb.utils

logger = logging.getLogger("BitBake.Parsing")

# The file handlers, each a dict of "supports", "handle" and "init"
# callables; bb.parse.parse_py registers the .bb and .conf ones.
handlers = []

# The signature generator; the runtime (or init_parser()) sets it.
siggen = None


class ParseError(Exception):
    """A file could not be parsed."""

    def __init__(self, msg, filename, lineno=0):
        self.msg = msg
        self.filename = filename
        self.lineno = lineno
        Exception.__init__(self, msg, filename, lineno)

    def __str__(self):
        if self.lineno:
            return "ParseError at %s:%d: %s" % (self.filename, self.lineno, self.msg)
        return "ParseError in %s: %s" % (self.filename, self.msg)


class SkipRecipe(Exception):
    """Raised by metadata to skip the recipe being parsed."""


class SkipPackage(SkipRecipe):
    """Older name of ``SkipRecipe``."""


# ---------------------------------------------------------------------------
# File modification times, cached: (mtime_ns, size, inode) per path.
# ---------------------------------------------------------------------------

_mtimes = {}


def _signature(path):
    info = os.stat(path)
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def cached_mtime(f):
    """The cached (mtime_ns, size, inode) of ``f``; raises ``OSError`` if it is missing."""
    if f not in _mtimes:
        _mtimes[f] = _signature(f)
    return _mtimes[f]


def cached_mtime_noerror(f):
    """Like ``cached_mtime()``, but 0 for a missing file (which is not cached)."""
    if f not in _mtimes:
        try:
            _mtimes[f] = _signature(f)
        except OSError:
            return 0
    return _mtimes[f]


def check_mtime(f, mtime):
    """Refresh the cache for ``f`` and say whether it still matches ``mtime``."""
    try:
        current = _signature(f)
        _mtimes[f] = current
    except OSError:
        current = 0
    return current == mtime


def update_mtime(f):
    """Refresh the cache for ``f`` and return its entry, or 0 if ``f`` is missing."""
    try:
        _mtimes[f] = _signature(f)
    except OSError:
        _mtimes.pop(f, None)
        return 0
    return _mtimes[f]


def update_cache(f):
    """Refresh the cache for ``f`` if it is cached."""
    if f in _mtimes:
        logger.debug("Updating mtime cache for %s" % f)
        update_mtime(f)


def clear_cache():
    """Forget every cached modification time."""
    _mtimes.clear()


# ---------------------------------------------------------------------------
# Dependencies of the parsed data on files.
# ---------------------------------------------------------------------------

def mark_dependency(d, f):
    """Record in ``d`` (variable ``__depends``) that it depends on file ``f``."""
    if f.startswith('./'):
        f = "%s/%s" % (os.getcwd(), f[2:])
    deps = d.getVar('__depends', False) or []
    entry = (f, cached_mtime_noerror(f))
    if entry not in deps:
        deps.append(entry)
        d.setVar('__depends', deps)


def check_dependency(d, f):
    """Whether ``d`` already depends on file ``f`` as it is now."""
    entry = (f, cached_mtime_noerror(f))
    return entry in (d.getVar('__depends', False) or [])


def get_file_depends(d):
    """The absolute paths of the files ``d`` depends on, space-separated."""
    depends = (d.getVar('__base_depends', False) or []) + (d.getVar('__depends', False) or [])
    return " ".join(os.path.abspath(fn) for (fn, _) in depends)


def resolve_file(fn, d):
    """The path of ``fn``, found along BBPATH if it is relative.

    Every candidate looked at becomes a dependency of ``d``. Raises
    ``IOError`` (ENOENT) if the file is not found.
    """
    if not os.path.isabs(fn):
        bbpath = d.getVar("BBPATH")
        found, attempts = bb.utils.which(bbpath, fn, history=True)
        for attempt in attempts:
            mark_dependency(d, attempt)
        if not found:
            raise IOError(errno.ENOENT, "file %s not found in %s" % (fn, bbpath))
        fn = found
    else:
        mark_dependency(d, fn)

    if not os.path.isfile(fn):
        raise IOError(errno.ENOENT, "file %s not found" % fn)
    return fn


# ---------------------------------------------------------------------------
# Handlers.
# ---------------------------------------------------------------------------

def supports(fn, data):
    """1 if some handler can parse ``fn``, else 0."""
    for handler in handlers:
        if handler['supports'](fn, data):
            return 1
    return 0


def handle(fn, data, include=0, baseconfig=False):
    """Parse ``fn`` into ``data`` with the handler that supports it."""
    for handler in handlers:
        if handler['supports'](fn, data):
            history = getattr(data, "inchistory", None)
            if history is None:
                return handler['handle'](fn, data, include, baseconfig)
            with history.include(fn):
                return handler['handle'](fn, data, include, baseconfig)
    raise ParseError("not a BitBake file", fn)


def init(fn, data):
    """Run the ``init`` of the handler for ``fn``, as BitBake does."""
    for handler in handlers:
        if handler['supports'](fn):
            return handler['init'](data)
    return None


def init_parser(d):
    """Replace the signature generator with a new one for ``d``."""
    global siggen
    if siggen is not None:
        siggen.exit()
    import bb.siggen
    siggen = bb.siggen.init(d)


# ---------------------------------------------------------------------------
# Helpers for metadata.
# ---------------------------------------------------------------------------

_filename_parts = {}


def vars_from_file(mypkg, d):
    """``[PN, PV, PR]`` guessed from a recipe file name "PN[_PV[_PR]].bb", missing parts None.

    Anything but a .bb or .bbappend name gives ``(None, None, None)``. More
    than two underscores raise ``ParseError``.

    Results are cached per name, and BitBake's quirks are kept: the same
    list object is returned each time, and a name that failed is cached
    anyway, so asking again returns its (over-long) list of parts instead
    of raising.
    """
    if not mypkg or not mypkg.endswith((".bb", ".bbappend")):
        return (None, None, None)
    if mypkg in _filename_parts:
        return _filename_parts[mypkg]

    stem = os.path.splitext(os.path.basename(mypkg))[0]
    parts = stem.split('_')
    _filename_parts[mypkg] = parts
    if len(parts) > 3:
        raise ParseError("Unable to generate default variables from filename (too many underscores)", mypkg)
    parts.extend([None] * (3 - len(parts)))
    return parts


def vardeps(*varnames):
    """Decorator: the function's signature also depends on these variables.

    The names accumulate in the function's ``bb_vardeps`` set.
    """
    def mark(func):
        if not hasattr(func, "bb_vardeps"):
            func.bb_vardeps = set()
        func.bb_vardeps |= set(varnames)
        return func
    return mark


def vardepsexclude(*varnames):
    """Decorator: the function's signature ignores these variables.

    The names accumulate in the function's ``bb_vardepsexclude`` set.
    """
    def mark(func):
        if not hasattr(func, "bb_vardepsexclude"):
            func.bb_vardepsexclude = set()
        func.bb_vardepsexclude |= set(varnames)
        return func
    return mark


from bb.parse.parse_py import __version__, ConfHandler, BBHandler  # noqa: E402,F401
