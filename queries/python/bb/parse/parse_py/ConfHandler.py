"""The .conf file handler of bb.parse, and the include logic shared with .bb files (rbake's own implementation)."""

import errno
import os

import bb
import bb.utils
from bb.parse import ParseError, handlers, logger


def init(data):
    return None


def supports(fn, d):
    return fn[-5:] == ".conf"


def include(parentfn, fns, lineno, data, error_out):
    """Include each of the space-separated files ``fns`` from ``parentfn``.

    ``error_out`` is the verb ("include required", "require"...) of the
    ``ParseError`` raised when a file is missing, or False to skip missing
    files quietly.
    """
    fns = data.expand(fns)
    parentfn = data.expand(parentfn)
    for fn in fns.split():
        include_single_file(parentfn, fn, lineno, data, error_out)


def include_single_file(parentfn, fn, lineno, data, error_out):
    """Include one file; a relative name is looked for next to ``parentfn``, then along BBPATH."""
    if parentfn == fn:
        # A file including itself would never end.
        return None

    if not os.path.isabs(fn):
        search = "%s:%s" % (os.path.dirname(parentfn), data.getVar("BBPATH"))
        found, attempts = bb.utils.which(search, fn, history=True)
        if found and bb.parse.check_dependency(data, found):
            logger.warning("Duplicate inclusion for %s in %s" % (found, data.getVar('FILE')))
        for attempt in attempts:
            bb.parse.mark_dependency(data, attempt)
        if found:
            fn = found
    elif bb.parse.check_dependency(data, fn):
        logger.warning("Duplicate inclusion for %s in %s" % (fn, data.getVar('FILE')))

    try:
        bb.parse.handle(fn, data, True)
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            if error_out:
                raise ParseError("Could not %s file %s" % (error_out, fn), parentfn, lineno)
            logger.debug2("CONF file '%s' not found", fn)
        elif error_out:
            raise ParseError("Could not %s file %s: %s" % (error_out, fn, exc.strerror), parentfn, lineno)
        else:
            raise ParseError("Error parsing %s: %s" % (fn, exc.strerror), parentfn, lineno)
    return None


# Callables (fn, d) run after each configuration file is parsed; user
# interfaces use them to enforce settings.
confFilters = []


def handle(fn, data, include, baseconfig=False):
    """Parse the configuration file ``fn`` into ``data`` (through the rbake runtime)."""
    from bb.parse.parse_py import runtime_hook
    result = runtime_hook("handle", fn)(fn, data, include, baseconfig)
    for conf_filter in confFilters:
        conf_filter(fn, data)
    return data if result is None else result


handlers.append({'supports': supports, 'handle': handle, 'init': init})
