"""Configuration file helpers (rbake's own implementation of the parts of BitBake's bb.cookerdata that metadata uses).

rbake builds the base configuration on the Rust side.
"""

import os

import bb


def parse_config_file(fn, data, include=True):
    """Parse the configuration file ``fn`` into ``data``."""
    import bb.parse
    return bb.parse.handle(fn, data, include, baseconfig=True)


def findConfigFile(configfile, data):
    """First existing conf/<configfile> under a BBPATH entry, then under the
    working directory and each of its parents; None when there is none."""
    candidates = []
    bbpath = data.getVar("BBPATH")
    if bbpath:
        candidates.extend(os.path.join(p, "conf", configfile) for p in bbpath.split(":"))
    path = os.getcwd()
    while path != "/":
        candidates.append(os.path.join(path, "conf", configfile))
        path = os.path.dirname(path)
    for candidate in candidates:
        if os.path.exists(candidate):
            return candidate
    return None


def findTopdir():
    """The build directory: where conf/bblayers.conf is found, else the working directory."""
    class _Env:
        def getVar(self, name, expand=True):
            return os.environ.get(name) if name == "BBPATH" else None
    layerconf = findConfigFile("bblayers.conf", _Env())
    if layerconf:
        return os.path.dirname(os.path.dirname(layerconf))
    return os.path.abspath(os.getcwd())
