"""Unpacking a download into the work directory (the default of FetchMethod.unpack).

Archives are extracted with the same external commands BitBake uses (tar,
gzip, bzip2, xz, lzip, zstd, 7z, unzip, rpm2cpio, ar); anything else, and
everything with ``unpack=0``, is copied with ``cp``.  The ``subdir``,
``striplevel``, ``dos`` and ``extract`` URL parameters are honoured.
"""

import os
import shlex
import subprocess

import bb
import bb.utils
from bb.fetch2 import UnpackError, subprocess_setup

# Suffixes whose single-file decompression writes a file without the suffix.
_COMPRESSED_SUFFIXES = ['.gz', '.bz2', '.Z', '.xz', '.lz', '.zst']

# The data member of a .deb or .ipk package, in the order they are looked for.
_PACKAGE_DATA_MEMBERS = ('data.tar', 'data.tar.gz', 'data.tar.xz',
                         'data.tar.zst', 'data.tar.bz2', 'data.tar.lzma')


def _boolean_parameter(urldata, name, default, path):
    try:
        return bb.utils.to_boolean(urldata.parm.get(name), default)
    except ValueError:
        bb.fatal("Invalid value for '%s' parameter for %s: %s" % (name, path, urldata.parm.get(name)))


def _destination(urldata, rootdir):
    """The directory to unpack into: ``rootdir`` or its ``subdir``, created."""
    if 'subdir' not in urldata.parm:
        return rootdir
    subdir = urldata.parm.get('subdir')
    if os.path.isabs(subdir):
        if not os.path.realpath(subdir).startswith(os.path.realpath(rootdir)):
            raise UnpackError("subdir argument isn't a subdirectory of unpack root %s" % rootdir, urldata.url)
        destination = subdir
    else:
        destination = os.path.join(rootdir, subdir)
    bb.utils.mkdirhier(destination)
    return destination


def _tar_command(urldata):
    tar = ['tar', '--extract', '--no-same-owner']
    if 'striplevel' in urldata.parm:
        level = urldata.parm['striplevel']
        if not level.isdigit():
            raise UnpackError("Invalid striplevel parameter: %s" % level, urldata.url)
        tar.append('--strip-components=%s' % level)
    return tar


def _archive_command(urldata, path, rootdir):
    """The extraction command for ``path`` by its suffix, or None to copy it.

    A list runs directly, a string through the shell.  The second value is
    the file that ``extract=`` asks for (rpm only) or None.
    """
    tar = _tar_command(urldata)
    base, ext = os.path.splitext(path)
    # Single compressed files decompress into the unpack root, not subdir.
    output = os.path.join(rootdir, os.path.basename(base)) if ext in _COMPRESSED_SUFFIXES else path

    def ends(*suffixes):
        return path.endswith(suffixes)

    if ends('.tar'):
        return tar + ['-f', path], None
    if ends('.tgz', '.tar.gz', '.tar.Z'):
        return tar + ['-z', '-f', path], None
    if ends('.tbz', '.tbz2', '.tar.bz2'):
        return tar + ['-j', '-f', path], None
    if ends('.gz', '.Z', '.z'):
        return 'gzip -dc %s > %s' % (path, output), None
    if ends('.bz2'):
        return 'bzip2 -dc %s > %s' % (path, output), None
    if ends('.txz', '.tar.xz'):
        return tar + ['-J', '-f', path], None
    if ends('.xz'):
        return 'xz -dc %s > %s' % (path, output), None
    if ends('.tar.lz'):
        return tar + ['--lzip', '-f', path], None
    if ends('.lz'):
        return 'lzip -dc %s > %s' % (path, output), None
    if ends('.tar.7z'):
        return '7z x -so %s | %s -f -' % (path, shlex.join(tar)), None
    if ends('.7z'):
        return '7za x -y %s 1>/dev/null' % path, None
    if ends('.tzst', '.tar.zst'):
        return 'zstd --decompress --stdout %s | %s -f -' % (path, shlex.join(tar)), None
    if ends('.zst'):
        return 'zstd --decompress --stdout %s > %s' % (path, output), None
    if ends('.zip', '.jar'):
        command = ['unzip', '-q', '-o']
        if _boolean_parameter(urldata, 'dos', False, path):
            command.append('-a')
        return command + [path], None
    if ends('.rpm', '.srpm'):
        if 'extract' in urldata.parm:
            wanted = urldata.parm.get('extract')
            return 'rpm2cpio.sh %s | cpio --no-absolute-filenames -id %s' % (path, wanted), wanted
        return 'rpm2cpio.sh %s | cpio --no-absolute-filenames -id' % path, None
    return None, None


def _copy_command(urldata, path, destination):
    """The ``cp`` command that copies ``path`` into ``destination``, or None if it is there already."""
    target = os.path.join(destination, os.path.basename(path))
    if path == target or (os.path.exists(target) and os.path.samefile(path, target)):
        return None
    into = '.'
    if urldata.type == "file":
        # A file:// path keeps its directories below the destination.
        relative = urldata.path.rstrip('/').lstrip('/')
        if "/" in relative:
            into = relative.rsplit("/", 1)[0] + '/'
            bb.utils.mkdirhier("%s/%s" % (destination, into))
    return ['cp', '--force', '--preserve=timestamps', '--no-dereference', '--recursive', '-H', path, into]


class _Runner(object):
    """Runs unpack commands in the destination with the recipe's PATH."""

    def __init__(self, urldata, destination, data):
        self.urldata = urldata
        self.destination = destination
        self.env = os.environ.copy()
        path = data.getVar('PATH')
        if path:
            self.env['PATH'] = path

    def __call__(self, command):
        status = subprocess.call(command, preexec_fn=subprocess_setup, shell=isinstance(command, str),
                                 cwd=self.destination, env=self.env)
        if status != 0:
            raise UnpackError("Unpack command %s failed with return value %s" % (command, status), self.urldata.url)


def _unpack_package(urldata, path, destination, run):
    """Extract the data member of a .deb or .ipk package."""
    listing = subprocess.check_output(['ar', '-t', path], preexec_fn=subprocess_setup, env=run.env)
    if not listing:
        raise UnpackError("Unable to unpack deb/ipk package - could not list contents", urldata.url)
    members = listing.decode().splitlines()
    member = next((m for m in members if m in _PACKAGE_DATA_MEMBERS), None)
    if member is None:
        raise UnpackError("Unable to unpack deb/ipk package - does not contain supported data.tar* file", urldata.url)
    bb.note("Unpacking %s to %s/" % (path, destination))
    urldata.unpack_tracer.unpack("archive-extract", destination)
    run(['ar', 'x', path, member])
    run(_tar_command(urldata) + ['-p', '-f', member])
    os.remove(os.path.join(destination, member))


def unpack_download(urldata, rootdir, data):
    """Extract or copy the download of ``urldata`` into ``rootdir``."""
    path = urldata.localpath
    extract = _boolean_parameter(urldata, 'unpack', True, path)
    destination = _destination(urldata, rootdir)
    run = _Runner(urldata, destination, data)

    command, member = None, None
    if extract:
        if path.endswith(('.deb', '.ipk')):
            _unpack_package(urldata, path, destination, run)
            return
        command, member = _archive_command(urldata, path, rootdir)

    if command:
        urldata.unpack_tracer.unpack("archive-extract", destination)
    else:
        urldata.unpack_tracer.unpack("file-copy", destination)
        command = _copy_command(urldata, path, destination)
        if not command:
            return

    bb.note("Unpacking %s to %s/" % (path, destination))
    run(command)

    if member is not None:
        # The member taken out of an rpm is unpacked in its turn.
        urldata.localpath = "%s/%s" % (rootdir, member)
        unpack_download(urldata, rootdir, data)
