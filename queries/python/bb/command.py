"""Server command events (rbake's own implementation of the parts of BitBake's bb.command that metadata uses)."""

import bb.event


class DataStoreConnectionHandle(object):
    def __init__(self, dsindex=0):
        self.dsindex = dsindex


class CommandCompleted(bb.event.Event):
    pass


class CommandExit(bb.event.Event):
    def __init__(self, exitcode):
        bb.event.Event.__init__(self)
        self.exitcode = int(exitcode)


class CommandFailed(CommandExit):
    def __init__(self, message):
        self.error = message
        CommandExit.__init__(self, 1)

    def __str__(self):
        return "Command execution failed: %s" % self.error


class CommandError(Exception):
    pass
