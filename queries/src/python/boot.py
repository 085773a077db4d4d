"""Serves the Python modules embedded in rbake to `import`.

The table maps a module's full name to (is_package, relative path, source).
"""
import importlib.abc
import importlib.machinery
import sys


class EmbeddedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A finder and loader over the embedded table."""

    def __init__(self, table):
        self.table = table

    def find_spec(self, fullname, path=None, target=None):
        entry = self.table.get(fullname)
        if entry is None:
            return None
        is_package, relative, _source = entry
        spec = importlib.machinery.ModuleSpec(
            fullname, self, origin="<rbake>/" + relative, is_package=is_package
        )
        if is_package:
            spec.submodule_search_locations = []
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        _is_package, relative, source = self.table[module.__spec__.name]
        module.__file__ = "<rbake>/" + relative
        exec(compile(source, module.__file__, "exec"), module.__dict__)


def install(table):
    sys.meta_path.insert(0, EmbeddedModules(table))
