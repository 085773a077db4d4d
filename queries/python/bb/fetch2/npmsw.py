"""npm shrinkwrap helpers of rbake's bb.fetch2 (the npmsw:// fetcher is disabled, as in BitBake)."""

from bb.fetch2 import FetchError, FetchMethod


def foreach_dependencies(shrinkwrap, callback=None, dev=False):
    """Call ``callback(name, data, location)`` for each installed dependency
    of a parsed shrinkwrap (package-lock) file."""
    packages = shrinkwrap.get("packages")
    if not packages:
        raise FetchError("Invalid shrinkwrap file format")
    for location, data in packages.items():
        if not location.startswith('node_modules/'):
            continue
        if data.get("dev", False) and not dev:
            continue
        if data.get("inBundle", False):
            continue
        callback(location.split('node_modules/')[-1], data, location)


class NpmShrinkWrap(FetchMethod):
    def supports(self, ud, d):
        if ud.type in ["npmsw"]:
            from bb.parse import SkipRecipe
            raise SkipRecipe("The npmsw fetcher has been disabled due to security issues and there is no maintainer to address them")
        return False
