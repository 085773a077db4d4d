"""npm helpers of rbake's bb.fetch2.

As in BitBake, the npm:// fetcher itself is disabled: a recipe whose
SRC_URI uses it is skipped.
"""

import base64
import os
import re

from bb.fetch2 import FetchMethod


def npm_package(package):
    """A package name usable in file names: '/' becomes '-', only [-a-z0-9@] kept."""
    name = re.sub(r"[^\-a-z0-9@]", "", package.replace("/", "-").lower())
    return name.strip("-")


def npm_filename(package, version):
    return "%s-%s.tgz" % (npm_package(package), version)


def npm_localfile(package, version=None):
    filename = package if version is None else npm_filename(package, version)
    return os.path.join("npm2", filename)


def npm_integrity(integrity):
    """(checksum name, hex digest) of a subresource-integrity string."""
    algo, value = integrity.split("-", maxsplit=1)
    return "%ssum" % algo, base64.b64decode(value).hex()


def npm_unpack(tarball, destdir, d):
    raise NotImplementedError("rbake: bb.fetch2.npm.npm_unpack is not supported yet")


class NpmEnvironment(object):
    def __init__(self, d, configs=[], npmrc=None):
        raise NotImplementedError("rbake: bb.fetch2.npm.NpmEnvironment is not supported yet")


class Npm(FetchMethod):
    def supports(self, ud, d):
        if ud.type in ["npm"]:
            from bb.parse import SkipRecipe
            raise SkipRecipe("The npm fetcher has been disabled due to security issues and there is no maintainer to address them")
        return False
