"""Scripting access to a build (BitBake's bb.tinfoil); rbake does not offer a tinfoil server yet.

The exception and connector classes exist so that modules referring to
them import; creating a Tinfoil raises NotImplementedError.
"""


class TinfoilUIException(Exception):
    """The UI's main function returned non-zero."""

    def __init__(self, returncode):
        self.returncode = returncode

    def __repr__(self):
        return 'UI module main returned %d' % self.returncode


class TinfoilCommandFailed(Exception):
    """A command sent to the server failed."""


class TinfoilDataStoreConnector:
    """Proxy for a datastore held by the server."""

    def __init__(self, tinfoil, dsindex):
        self.tinfoil = tinfoil
        self.dsindex = dsindex

    def __getattr__(self, name):
        raise NotImplementedError("rbake: remote datastores (tinfoil) are not supported yet")


class Tinfoil:
    def __init__(self, output=None, tracking=False, setup_logging=True):
        raise NotImplementedError("rbake: bb.tinfoil.Tinfoil is not supported yet")
