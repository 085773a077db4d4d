"""Utility functions that metadata calls (rbake's own implementation of BitBake's bb.utils API).

Helpers live in the private modules bb._utils_version, bb._utils_files,
bb._utils_edit and bb._utils_system, and are re-exported here.
"""

import copy
import fnmatch
import glob
import importlib
import importlib.machinery
import importlib.util
import itertools
import locale
import logging
import os
import re
import subprocess
import sys
import time
import traceback
from contextlib import contextmanager

import bb

from bb._utils_version import (  # noqa: F401
    VersionStringException,
    explode_dep_versions,
    explode_dep_versions2,
    explode_deps,
    explode_version,
    is_semver,
    join_deps,
    split_version,
    vercmp,
    vercmp_part,
    vercmp_string,
    vercmp_string_op,
)
from bb._utils_files import (  # noqa: F401
    _check_unsafe_delete_path,
    break_hardlinks,
    copyfile,
    fileslocked,
    goh1_file,
    is_path_on_nfs,
    lockfile,
    md5_file,
    mkdirhier,
    mkstemp,
    movefile,
    path_is_descendant,
    prunedir,
    remove,
    rename,
    sha1_file,
    sha256_file,
    sha384_file,
    sha512_file,
    to_filemode,
    umask,
    unlockfile,
)
from bb._utils_edit import (  # noqa: F401
    edit_bblayers_conf,
    edit_metadata,
    edit_metadata_file,
)
from bb._utils_system import (  # noqa: F401
    IOPRIO_CLASS_SHIFT,
    IOPRIO_WHO_PROCESS,
    PR_SET_PDEATHSIG,
    PrCtlError,
    _unamearch,
    cpu_count,
    disable_network,
    enable_loopback_networking,
    ioprio_set,
    lock_timeout,
    lock_timeout_nocheck,
    nonblockingfd,
    process_profilelog,
    profile_function,
    set_process_name,
    sigmask,
    signal_on_parent_exit,
    valid_signals,
)

logger = logging.getLogger("BitBake.Util")
python_extensions = importlib.machinery.all_suffixes()


# ---------------------------------------------------------------------------
# The global context of metadata code.
#
# The context belongs to the rbake runtime: get_context() returns
# bb._runtime.context() when bb._runtime can be imported, and otherwise a
# dictionary kept here (for plain-Python use). bb.utils._context reads the
# same.
# ---------------------------------------------------------------------------

def clean_context():
    """A fresh global context: the modules every piece of metadata code can use."""
    return {
        "os": os,
        "bb": bb,
        "time": time,
    }


# Used only when the rbake runtime is not there.
_fallback_context = clean_context()
# The bb._runtime module once found; False once known to be missing.
_runtime = None


def _find_runtime():
    global _runtime
    if _runtime is None:
        module = sys.modules.get("bb._runtime")
        if module is None:
            try:
                module = importlib.import_module("bb._runtime")
            except ModuleNotFoundError as exc:
                if exc.name != "bb._runtime":
                    raise
                module = False
        _runtime = module
    return _runtime


def get_context():
    """The global namespace metadata code runs in (see the module docstring)."""
    runtime = _find_runtime()
    if runtime:
        return runtime.context()
    return _fallback_context


def set_context(ctx):
    """Has no effect, as in BitBake (whose version assigns a local variable).

    Callers such as the cooker call it with a fresh context; rbake's runtime
    owns the context and is not reset by it.
    """


def __getattr__(name):
    # BitBake code reads and fills bb.utils._context directly.
    if name == "_context":
        return get_context()
    raise AttributeError("module 'bb.utils' has no attribute '%s'" % name)


# ---------------------------------------------------------------------------
# Compiling and running metadata code, with readable errors.
# ---------------------------------------------------------------------------

def _print_trace(body, line):
    """Lines of ``body`` around ``line`` (1-based), numbered, that one marked."""
    first = max(1, line - 4)
    last = min(line + 4, len(body))
    shown = []
    for number in range(first, last + 1):
        marker = ' *** ' if number == line else '     '
        shown.append('%s%.4d:%s' % (marker, number, body[number - 1].rstrip()))
    return shown


def _methodpool():
    try:
        import bb.methodpool
    except ImportError:
        return None
    return bb.methodpool


def better_compile(text, file, realfile, mode="exec", lineno=0):
    """Compile ``text`` as if it started at line ``lineno`` + 1 of ``realfile``.

    A compile error is logged with the offending lines and raised again as
    ``bb.BBHandledException``.
    """
    pool = _methodpool()
    try:
        if pool is not None:
            cached = pool.compile_cache(text)
            if cached:
                return cached
        # Blank lines in front make line numbers match the file.
        code = compile("\n" * int(lineno) + text, realfile, mode)
        if pool is not None:
            pool.compile_cache_add(text, code)
        return code
    except Exception as exc:
        body = text.split('\n')
        errline = getattr(exc, "lineno", None)
        report = ["Error in compiling python function in %s, line %s:\n" % (realfile, errline)]
        if errline is not None:
            report.append("The code lines resulting in this error were:")
            report.extend(_print_trace(body, errline - lineno))
        else:
            report.append("The function causing this error was:")
            report.extend(body)
        report.append("%s: %s" % (exc.__class__.__name__, str(exc)))
        logger.error("\n".join(report))
        raise bb.BBHandledException(exc)


def _print_exception(t, value, tb, realfile, text, context):
    """Log a failure of code run by ``better_exec()`` with its call chain and source lines."""
    report = []
    try:
        exception = traceback.format_exception_only(t, value)
        report.append('Error executing a python function in %s:\n' % realfile)

        # The first frame is better_exec() itself, unless the error is there.
        if tb.tb_next is not None:
            tb = tb.tb_next

        lines = text.split('\n')
        frames = traceback.extract_tb(tb)
        formatted = traceback.format_list(frames)
        report.append("The stack trace of python calls that resulted in this exception/failure was:")
        report.append("File: '%s', lineno: %s, function: %s" % (frames[0][0], frames[0][1], frames[0][2]))
        report.extend(_print_trace(lines, tb.tb_lineno))

        # Follow the calls further down, showing source where it is known.
        for level in range(len(frames) - 1):
            caller, callee = frames[level], frames[level + 1]
            report.append("File: '%s', lineno: %s, function: %s" % (callee[0], callee[1], callee[2]))
            if caller[0] == callee[0] and callee[2] == caller[0]:
                # Code from the text we compiled ourselves.
                report.extend(_print_trace(lines, callee[1]))
            elif callee[0].startswith("/"):
                try:
                    with open(callee[0], "r") as f:
                        report.extend(_print_trace(f.readlines(), callee[1]))
                except Exception:
                    report.append(formatted[level + 1])
            else:
                report.append(formatted[level + 1])

        report.append("Exception: %s" % ''.join(exception))

        # A failed command's output usually says why it failed.
        if isinstance(value, subprocess.CalledProcessError) and value.output:
            report.append("Subprocess output:")
            report.append(value.output.decode("utf-8", errors="ignore"))
    finally:
        logger.error("\n".join(report))


def better_exec(code, context, text=None, realfile="<code>", pythonexception=False):
    """Run ``code`` (source or code object) with ``context`` as its locals.

    Errors that were already reported (``BBHandledException``, ``SkipRecipe``,
    ``ExpansionError``, ``ExecutionError``) pass through; any other exception
    is re-raised as is when ``pythonexception`` is true, else logged with
    the failing lines and raised again as ``bb.BBHandledException``.
    """
    import bb.data_smart
    import bb.parse
    import bb.process

    if not text:
        text = code
    if not hasattr(code, "co_filename"):
        code = better_compile(code, realfile, realfile)
    try:
        exec(code, get_context(), context)
    except (bb.BBHandledException, bb.parse.SkipRecipe, bb.data_smart.ExpansionError,
            bb.process.ExecutionError):
        raise
    except Exception as exc:
        if pythonexception:
            raise
        (t, value, tb) = sys.exc_info()
        try:
            _print_exception(t, value, tb, realfile, text, context)
        except Exception as report_error:
            logger.error("Exception handler error: %s" % str(report_error))
        raise bb.BBHandledException(exc)


def simple_exec(code, context):
    """Run ``code`` in the global context with ``context`` as its locals."""
    exec(code, get_context(), context)


def better_eval(source, locals, extraglobals=None):
    """Evaluate ``source`` in the global context, plus ``extraglobals`` if given."""
    namespace = get_context()
    if extraglobals:
        namespace = copy.copy(namespace)
        namespace.update(extraglobals)
    return eval(source, namespace, locals)


def exec_flat_python_func(func, *args, **kwargs):
    """Call the metadata Python function named ``func`` and return its result."""
    context = {}
    call_args = []
    for position, value in enumerate(args, 1):
        name = 'arg_%s' % position
        context[name] = value
        call_args.append(name)
    context.update(kwargs)
    call_args.extend('%s=%s' % (name, name) for name in kwargs)
    code = 'retval = %s(%s)' % (func, ', '.join(call_args))
    compiled = better_compile(code, '<string>', '<string>')
    better_exec(compiled, context, code, '<string>')
    return context['retval']


# ---------------------------------------------------------------------------
# Reading variables.
# ---------------------------------------------------------------------------

def to_boolean(string, default=None):
    """True for "y", "yes", "1", "true", False for "n", "no", "0", "false" (any case).

    An empty or false input gives ``default``; an int gives whether it is
    non-zero; anything else raises ``ValueError``.
    """
    if not string:
        return default
    if isinstance(string, int):
        return string != 0
    word = string.lower()
    if word in ("y", "yes", "1", "true"):
        return True
    if word in ("n", "no", "0", "false"):
        return False
    raise ValueError("Invalid value for to_boolean: %s" % string)


def _as_set(checkvalues):
    if isinstance(checkvalues, str):
        return set(checkvalues.split())
    return set(checkvalues)


def contains(variable, checkvalues, truevalue, falsevalue, d):
    """``truevalue`` if the words of ``variable`` include all of ``checkvalues``, else ``falsevalue``.

    ``checkvalues`` is a whitespace-separated string or an iterable.
    """
    value = d.getVar(variable)
    if not value:
        return falsevalue
    if _as_set(checkvalues).issubset(set(value.split())):
        return truevalue
    return falsevalue


def contains_any(variable, checkvalues, truevalue, falsevalue, d):
    """``truevalue`` if the words of ``variable`` include any of ``checkvalues``, else ``falsevalue``."""
    value = d.getVar(variable)
    if not value:
        return falsevalue
    if _as_set(checkvalues) & set(value.split()):
        return truevalue
    return falsevalue


def filter_string(val, checkvalues):
    """The words of ``val`` that are in ``checkvalues``, sorted, space-separated."""
    if not val:
        return ''
    return ' '.join(sorted(_as_set(checkvalues) & set(val.split())))


def filter(variable, checkvalues, d):
    """The words of ``variable`` that are in ``checkvalues``, sorted, space-separated."""
    return filter_string(d.getVar(variable), checkvalues)


def prune_suffix(var, suffixes, d):
    """``var`` without the first of ``suffixes`` that it ends with."""
    for suffix in suffixes:
        if suffix and var.endswith(suffix):
            return var[:-len(suffix)]
    return var


def get_referenced_vars(start_expr, d):
    """The variables ``start_expr`` refers to, directly or through other variables.

    Breadth-first, except that the order within one level is arbitrary.
    """
    import collections
    import bb.data

    # An empty datastore gives only the names an expression uses directly.
    empty = bb.data.init()
    found = []
    seen = set()
    queue = collections.deque()

    def enqueue_references(expression):
        new = empty.expandWithRefs(expression, None).references - seen
        queue.extend(new)
        seen.update(new)

    enqueue_references(start_expr)
    while queue:
        name = queue.popleft()
        found.append(name)
        enqueue_references(d.getVar(name, False))
    return found


def which(path, item, direction=0, history=False, executable=False):
    """Look for ``item`` in the colon-separated directory list ``path``.

    ``direction`` non-zero searches the list backwards; with ``executable``
    only executable files count, otherwise anything that exists. Returns
    the absolute path found, or "" — with ``history``, a tuple of that and
    the list of candidates tried.
    """
    if executable:
        def is_candidate(candidate):
            return os.path.isfile(candidate) and os.access(candidate, os.X_OK)
    else:
        is_candidate = os.path.exists

    tried = []
    directories = (path or "").split(':')
    if direction != 0:
        directories.reverse()
    for directory in directories:
        candidate = os.path.join(directory, item)
        tried.append(candidate)
        if is_candidate(candidate):
            if not os.path.isabs(candidate):
                candidate = os.path.abspath(candidate)
            return (candidate, tried) if history else candidate
    return ("", tried) if history else ""


def get_collection_res(d):
    """Each layer collection name mapped to its BBFILE_PATTERN."""
    return {name: d.getVar('BBFILE_PATTERN_%s' % name) or ''
            for name in (d.getVar('BBFILE_COLLECTIONS') or '').split()}


def get_file_layer(filename, d, collection_res={}):
    """The name of the layer collection that ``filename`` belongs to, or None.

    A file matched by a BBFILES_PRIORITIZED entry belongs to that entry's
    layer; otherwise the file name itself is matched against the layer
    patterns. The longest matching pattern wins.
    """
    if not collection_res:
        collection_res = get_collection_res(d)

    def layer_of(path):
        best = None
        best_length = 0
        for name, pattern in collection_res.items():
            if len(pattern) > best_length and re.match(pattern, path):
                best_length = len(pattern)
                best = name
        return best

    for entry in (d.getVar('BBFILES_PRIORITIZED') or '').split():
        if fnmatch.fnmatchcase(filename, entry):
            return layer_of(entry)
    # Not a recipe: probably a class.
    return layer_of(filename)


# ---------------------------------------------------------------------------
# The process environment.
# ---------------------------------------------------------------------------

def preserved_envvars_exported():
    """Environment variables kept in, and exported from, the metadata."""
    return [
        'BB_TASKHASH',
        'HOME',
        'LOGNAME',
        'PATH',
        'PWD',
        'SHELL',
        'USER',
        'LC_ALL',
        'BBSERVER',
    ]


def preserved_envvars():
    """Environment variables kept in the metadata."""
    return ['BBPATH', 'BB_PRESERVE_ENV', 'BB_ENV_PASSTHROUGH_ADDITIONS'] + preserved_envvars_exported()


def check_system_locale():
    """Exit unless the en_US.UTF-8 locale exists and the file system encoding is UTF-8."""
    previous = locale.getlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, ("en_US", "UTF-8"))
    except Exception:
        sys.exit("Please make sure locale 'en_US.UTF-8' is available on your system")
    else:
        locale.setlocale(locale.LC_CTYPE, previous)

    if sys.getfilesystemencoding() != "utf-8":
        sys.exit("Please use a locale setting which supports UTF-8 (such as LANG=en_US.UTF-8).\n"
                 "Python can't change the filesystem locale after loading so we need a UTF-8 when "
                 "Python starts or things won't work.")


def filter_environment(good_vars):
    """Remove from ``os.environ`` every variable not in ``good_vars``; return the removed ones.

    LC_ALL is then set to en_US.UTF-8, since child Python processes need a
    UTF-8 locale.
    """
    removed = {}
    for key in list(os.environ):
        if key not in good_vars:
            removed[key] = os.environ.pop(key)
    os.environ["LC_ALL"] = "en_US.UTF-8"
    if removed:
        logger.debug("Removed the following variables from the environment: %s", ", ".join(removed.keys()))
    return removed


def approved_variables():
    """The environment variables allowed to stay, from BB_ENV_PASSTHROUGH(_ADDITIONS)."""
    if 'BB_PRESERVE_ENV' in os.environ:
        return os.environ.keys()
    if 'BB_ENV_PASSTHROUGH' in os.environ:
        approved = os.environ['BB_ENV_PASSTHROUGH'].split() + ['BB_ENV_PASSTHROUGH']
    else:
        approved = preserved_envvars()
    if 'BB_ENV_PASSTHROUGH_ADDITIONS' in os.environ:
        approved.extend(os.environ['BB_ENV_PASSTHROUGH_ADDITIONS'].split())
        if 'BB_ENV_PASSTHROUGH_ADDITIONS' not in approved:
            approved.append('BB_ENV_PASSTHROUGH_ADDITIONS')
    return approved


def clean_environment():
    """Remove the environment variables that are not approved (unless BB_PRESERVE_ENV is set)."""
    if 'BB_PRESERVE_ENV' not in os.environ:
        return filter_environment(approved_variables())
    return {}


def empty_environment():
    """Remove every environment variable."""
    for key in list(os.environ.keys()):
        os.unsetenv(key)
        del os.environ[key]


def build_environment(d):
    """Put every exported variable of ``d`` in ``os.environ``."""
    import bb.data
    for var in bb.data.keys(d):
        if d.getVarFlag(var, "export", False):
            os.environ[var] = d.getVar(var) or ""


@contextmanager
def environment(**envvars):
    """Set environment variables for the duration of a ``with`` block."""
    saved = dict(os.environ)
    try:
        os.environ.update(envvars)
        yield
    finally:
        for var in envvars:
            if var in saved:
                os.environ[var] = saved[var]
            elif var in os.environ:
                del os.environ[var]


def _values_or_origenv(d, names):
    """The non-empty values of the variables ``names``, from ``d`` or else BB_ORIGENV."""
    values = {}
    origenv = d.getVar("BB_ORIGENV")
    for name in names:
        value = d.getVar(name)
        if not value and origenv:
            value = origenv.getVar(name)
        if value:
            values[name] = value
    return values


def export_proxies(d):
    """Export the proxy variables the fetcher would use into ``os.environ``."""
    from bb.fetch2 import get_fetcher_environment
    for var, value in get_fetcher_environment(d).items():
        os.environ[var] = value


def is_local_uid(uid=''):
    """Whether ``uid`` (default: ours) is listed in /etc/passwd, i.e. not a network user."""
    if not uid:
        uid = os.getuid()
    wanted = str(uid)
    with open('/etc/passwd', 'r') as f:
        for line in f:
            fields = line.split(':')
            if len(fields) >= 3 and fields[2] == wanted:
                return True
    return False


# ---------------------------------------------------------------------------
# Plugins and log capture.
# ---------------------------------------------------------------------------

def load_plugins(logger, plugins, pluginpath):
    """Import every Python module in ``pluginpath`` and append it to ``plugins``.

    A module with ``plugin_init(plugins)`` contributes what that returns
    (or the module itself if that is None).
    """
    def load(name):
        logger.debug('Loading plugin %s' % name)
        spec = importlib.machinery.PathFinder.find_spec(name, path=[pluginpath])
        if spec:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
        return None

    logger.debug('Loading plugins from %s...' % pluginpath)
    files = itertools.chain.from_iterable(glob.glob(os.path.join(pluginpath, '*' + extension))
                                          for extension in python_extensions)
    names = set(os.path.splitext(os.path.basename(path))[0] for path in files)
    for name in names:
        if name == '__init__':
            continue
        plugin = load(name)
        if hasattr(plugin, 'plugin_init'):
            plugins.append(plugin.plugin_init(plugins) or plugin)
        else:
            plugins.append(plugin)


def _task_log_formatter():
    """bb.build's task log formatter, or the same format if bb.build has none."""
    import bb.build
    formatter = getattr(bb.build, "logformatter", None)
    if formatter is None:
        import bb.msg
        formatter = bb.msg.BBLogFormatter("%(levelname)s: %(message)s")
    return formatter


class LogCatcher(logging.Handler):
    """A logging handler that keeps the formatted warnings and errors it receives."""

    def __init__(self):
        self.messages = []
        logging.Handler.__init__(self, logging.WARNING)

    def emit(self, record):
        self.messages.append(_task_log_formatter().format(record))

    def contains(self, message):
        return message in self.messages
