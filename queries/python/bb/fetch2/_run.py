"""Running the external commands of the fetchers (wget, git, tar ...).

``runfetchcmd`` runs one command with the fetch environment (PATH, proxy
and credential variables from the datastore or BB_ORIGENV) and returns its
standard output; a failure becomes a FetchError whose text names the
command, its exit status and its output.
"""

import os
import subprocess

import bb
import bb.process
from bb.fetch2 import FETCH_EXPORT_VARS, FetchError, logger


def _command_environment(d, extraenv):
    """The process environment for a fetch command."""
    origenv = d.getVar("BB_ORIGENV", False)
    env = os.environ.copy()
    for name in FETCH_EXPORT_VARS:
        value = d.getVar(name) or (origenv and origenv.getVar(name))
        if value:
            env[name] = value
    for name, value in (extraenv or {}).items():
        env[name] = value
    # pseudo can make ssh hang; commands of the fetcher never need it.
    env["PSEUDO_DISABLED"] = "1"
    return env


def _datastore_without_recursion(d):
    """``d``, or a copy with PV and PR pinned when expanding them fails.

    PATH may reach WORKDIR, whose PV can reach SRCPV and so the fetcher
    itself; pinning PV and PR in a copy breaks that loop.
    """
    # Imported here: bb.data_smart needs bb.fetch2 while it loads.
    from bb.data_smart import ExpansionError
    try:
        d.getVar("PV")
        d.getVar("PR")
        return d
    except ExpansionError:
        copy = d.createCopy()
        copy.setVar("PV", "fetcheravoidrecurse")
        copy.setVar("PR", "fetcheravoidrecurse")
        return copy


def runfetchcmd(cmd, d, quiet=False, cleanup=None, log=None, workdir=None, extraenv=None):
    """Run ``cmd`` (a list, or a shell string) and return its standard output.

    On failure the paths in ``cleanup`` are removed and FetchError is
    raised.  ``log`` receives the output as it comes (a progress handler),
    ``workdir`` is the working directory and ``extraenv`` adds variables.
    """
    d = _datastore_without_recursion(d)
    env = _command_environment(d, extraenv)

    if workdir:
        logger.debug("Running '%s' in %s" % (cmd, workdir))
    else:
        logger.debug("Running %s", cmd)

    try:
        output, _errors = bb.process.run(cmd, log=log, stderr=subprocess.PIPE, cwd=workdir, env=env)
        return output
    except bb.process.NotFoundError as e:
        message = "Fetch command %s not found" % (e.command)
    except bb.process.ExecutionError as e:
        if e.stdout:
            shown = "output:\n%s\n%s" % (e.stdout, e.stderr)
        elif e.stderr:
            shown = "output:\n%s" % e.stderr
        elif log:
            shown = "see logfile for output"
        else:
            shown = "no output"
        message = "Fetch command %s failed with exit code %s, %s" % (e.command, e.exitcode, shown)
    except bb.process.CmdError as e:
        message = "Fetch command %s could not be run:\n%s" % (e.command, e.msg)

    for path in cleanup or []:
        try:
            bb.utils.remove(path, True)
        except OSError:
            pass
    raise FetchError(message)
