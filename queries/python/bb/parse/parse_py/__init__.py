"""The .bb and .conf file handlers of bb.parse, as thin shims over rbake's Rust parser.

Parsing itself is the runtime's: a handler's ``handle()`` calls
``bb._runtime.handle(fn, d, include, baseconfig)``, which must parse and
evaluate the file into ``d`` and return what BitBake's handlers return
(``d``, or for a top-level recipe the dict of its variants).
"""

from bb.parse.parse_py import ConfHandler  # noqa: F401
from bb.parse.parse_py import BBHandler  # noqa: F401

__version__ = '1.0'


def runtime_hook(name, fn):
    """The callable ``bb._runtime.<name>``; raises ``ParseError`` about ``fn`` without it."""
    import bb.parse
    try:
        import bb._runtime as runtime
    except ModuleNotFoundError as exc:
        if exc.name != "bb._runtime":
            raise
        runtime = None
    hook = getattr(runtime, name, None)
    if hook is None:
        raise bb.parse.ParseError("parsing files from Python needs the rbake runtime "
                                  "(bb._runtime.%s)" % name, fn)
    return hook
