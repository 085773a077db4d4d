"""Python functions defined by metadata (rbake's own implementation of BitBake's bb.methodpool).

The rbake runtime owns the namespace these functions live in; when it
offers ``insert_method``/``compile_cache``/``compile_cache_add`` they are
used, otherwise this module keeps its own compile cache.
"""

import bb

compilecache = {}


def _runtime_function(name):
    try:
        import bb._runtime as runtime
    except ImportError:
        return None
    return getattr(runtime, name, None)


def insert_method(modulename, code, fn, lineno):
    """Compile and run ``code`` (a def statement) so the function it defines
    becomes visible to metadata code."""
    delegate = _runtime_function("insert_method")
    if delegate is not None:
        return delegate(modulename, code, fn, lineno)
    import bb.utils
    compiled = bb.utils.better_compile(code, modulename, fn, lineno=lineno)
    bb.utils.better_exec(compiled, None, code, fn)


def compile_cache(code):
    """The code object compiled earlier from the text ``code``, or None."""
    delegate = _runtime_function("compile_cache")
    if delegate is not None:
        return delegate(code)
    return compilecache.get(hash(code))


def compile_cache_add(code, compileobj):
    delegate = _runtime_function("compile_cache_add")
    if delegate is not None:
        return delegate(code, compileobj)
    compilecache[hash(code)] = compileobj
