"""Source URL handling (rbake's own implementation of BitBake's bb.fetch2 API).

Parsing uses SRC_URI decoding, the URI class, source revisions, local
file lookup through FILESPATH and the ``file-checksums`` list; the fetch
and unpack tasks use ``Fetch(urls, d).download()`` and ``.unpack(dir)``.
This module holds the URL helpers and the network policy; the exceptions
are in _errors.py, command running in _run.py, checksums in _checksums.py,
the fetch driver in _fetch.py, mirrors in _mirrors.py and unpacking in
_unpack.py.  The file, http(s) and git fetchers download for real; the
other fetchers interpret their URLs only.
"""

import collections
import logging
import re
import urllib.parse

import bb
import bb.event

if 'git' not in urllib.parse.uses_netloc:
    urllib.parse.uses_netloc.append('git')

__version__ = "2"

logger = logging.getLogger("BitBake.Fetcher")

CHECKSUM_LIST = ["goh1", "md5", "sha256", "sha1", "sha384", "sha512"]
SHOWN_CHECKSUM_LIST = ["sha256"]


from bb.fetch2._errors import (  # noqa: E402,F401
    BBFetchException, UntrustedUrl, MalformedUrl, FetchError, ChecksumError,
    NoChecksumError, UnpackError, LocalModificationsError, RebaseError,
    NoMethodError, MissingParameterError, ParameterError, NetworkAccess,
    NonLocalMethod, MissingChecksumEvent,
)


# --- URLs --------------------------------------------------------------------

_abs_path_re = re.compile("^/")
_scheme_without_slashes_re = re.compile(r"^\w+:(?!//)")
_netloc_slashes_re = re.compile(r"(?<=:)//(?!/)")


class URI(object):
    """A URL as BitBake metadata writes it.

    Components: scheme, userinfo (username, password), hostname, port,
    path (and path_quoted), params (the ``;key=value`` suffix), query
    (``?a=b&c``) and relative.  ``str()`` rebuilds the URL.

    BitBake's spelling differs from RFC 3986 in one way: ``file://a/b`` is a
    relative path ``a/b``, not host ``a``.  ``file:`` and ``git:`` URLs may
    be relative (``file:a/b``, ``git:repo.git``).
    """

    _relative_schemes = ['file', 'git']
    _netloc_forbidden = ['file']

    def __init__(self, uri=None):
        self.scheme = ''
        self.userinfo = ''
        self.hostname = ''
        self.port = None
        self._path = ''
        self.params = {}
        self.query = {}
        self.relative = False

        if not uri:
            return

        # BitBake parameters follow the first ';' and are not RFC params.
        if ";" in uri:
            uri, paramtext = uri.split(";", 1)
        else:
            paramtext = None

        parsed = urllib.parse.urlparse(uri)
        self.scheme = parsed.scheme
        if parsed.scheme in self._netloc_forbidden:
            # "file://a/b" means the relative path "a/b": drop the slashes.
            uri = _netloc_slashes_re.sub("", uri, count=1)
            parsed = urllib.parse.urlparse(uri)

        if parsed.scheme in self._relative_schemes and _scheme_without_slashes_re.match(uri):
            self.relative = True

        if not self.relative:
            self.hostname = parsed.hostname or ''
            self.port = parsed.port
            self.userinfo = parsed.username or ''
            if parsed.password:
                self.userinfo += ':' + parsed.password

        self.path = urllib.parse.unquote(parsed.path)

        if paramtext:
            self.params = self._split_pairs(paramtext, ";")
        if parsed.query:
            self.query = self._split_pairs(parsed.query, "&")

    @staticmethod
    def _split_pairs(text, separator):
        pairs = collections.OrderedDict()
        for item in text.split(separator):
            if not item:
                continue
            if "=" in item:
                key, value = item.split("=", 1)
            else:
                key, value = item, None
            pairs[key] = value
        return pairs

    def _param_str(self):
        if not self.params:
            return ''
        return ';' + ';'.join("=".join([k, v]) for k, v in self.params.items())

    def _query_str(self):
        if not self.query:
            return ''
        return '?' + '&'.join("=".join([k, v]) if v else k for k, v in self.query.items())

    def __str__(self):
        userinfo = self.userinfo + '@' if self.userinfo else ''
        return "".join([
            self.scheme, ":",
            '' if self.relative else '//',
            userinfo,
            self.hostport,
            self.path_quoted,
            self._query_str(),
            self._param_str(),
        ])

    @property
    def hostport(self):
        if not self.port:
            return self.hostname
        return "%s:%d" % (self.hostname, self.port)

    @property
    def path_quoted(self):
        return urllib.parse.quote(self.path)

    @path_quoted.setter
    def path_quoted(self, path):
        self.path = urllib.parse.unquote(path)

    @property
    def path(self):
        return self._path

    @path.setter
    def path(self, path):
        self._path = path
        # A path not starting with '/' makes the URI relative.
        self.relative = bool(path) and not _abs_path_re.match(path)

    @property
    def username(self):
        if not self.userinfo:
            return ''
        return self.userinfo.split(":", 1)[0]

    @username.setter
    def username(self, username):
        password = self.password
        self.userinfo = username
        if password:
            self.userinfo += ":" + password

    @property
    def password(self):
        if self.userinfo and ":" in self.userinfo:
            return self.userinfo.split(":", 1)[1]
        return ''

    @password.setter
    def password(self, password):
        self.userinfo = "%s:%s" % (self.username, password)


def decodeurl(url):
    """Split a URL into (scheme, host[:port], path, user, password, params)."""
    uri = URI(url)
    return uri.scheme, uri.hostport, uri.path or "/", uri.username, uri.password, uri.params


_mirror_url_re = re.compile(r'(?P<type>[^:]*)://((?P<user>[^/;]+)@)?(?P<location>[^;]+)(;(?P<parm>.*))?')
_mirror_user_re = re.compile(r'(?P<user>[^:]+)(:?(?P<pswd>.*))')


def decodemirrorurl(url):
    """Like decodeurl, for the looser URLs of MIRRORS/PREMIRRORS (which may hold regexes)."""
    m = _mirror_url_re.match(url)
    if not m:
        raise MalformedUrl(url)
    scheme = m.group('type')
    location = m.group('location')
    if not location:
        raise MalformedUrl(url)
    user = m.group('user')
    paramtext = m.group('parm')

    slash = location.find('/')
    if scheme.lower() == 'file':
        host = ""
        path = location
        if user:
            path = user + '@' + path
            user = ""
    elif slash != -1:
        host, path = location[:slash], location[slash:]
    else:
        host, path = location, "/"

    pswd = ''
    if user:
        um = _mirror_user_re.match(user)
        if um:
            user, pswd = um.group('user'), um.group('pswd')
    else:
        user = ''

    params = collections.OrderedDict()
    if paramtext:
        for item in paramtext.split(';'):
            if not item:
                continue
            if '=' not in item:
                raise MalformedUrl(url, "The URL: '%s' is invalid: parameter %s does not specify a value (missing '=')" % (url, item))
            key, value = item.split('=', 1)
            params[key] = value
    return scheme, host, urllib.parse.unquote(path), user, pswd, params


def encodeurl(decoded):
    """Build a URL from (scheme, host, path, user, password, params)."""
    scheme, host, path, user, pswd, params = decoded
    if not scheme:
        raise MissingParameterError('type', "encoded from the data %s" % str(decoded))
    uri = URI()
    uri.scheme = scheme
    if scheme != "file":
        if user:
            uri.username = user
            if pswd:
                uri.password = pswd
        if host:
            uri.hostname = host
    if path:
        # collapse repeated slashes so that URLs compare equal
        while '//' in path:
            path = path.replace("//", "/")
        uri.path = path
        if scheme == "file":
            # file URLs keep BitBake's "file://relative" spelling
            uri.relative = False
    if params:
        uri.params = params
    return str(uri)


def mirror_from_string(data):
    """Pairs (find, replace) from a MIRRORS-style string."""
    items = (data or "").replace('\\n', ' ').split()
    if len(items) % 2:
        bb.warn('Invalid mirror data %s, should have paired members.' % data)
    return list(zip(items[0::2], items[1::2]))


# --- environment ---------------------------------------------------------------

FETCH_EXPORT_VARS = [
    'HOME', 'PATH',
    'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy',
    'FTP_PROXY', 'ftp_proxy', 'FTPS_PROXY', 'ftps_proxy',
    'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
    'GIT_CONFIG_GLOBAL', 'GIT_PROXY_COMMAND', 'GIT_SSH', 'GIT_SSH_COMMAND',
    'GIT_SSL_CAINFO', 'GIT_SMART_HTTP',
    'SSH_AUTH_SOCK', 'SSH_AGENT_PID',
    'SOCKS5_USER', 'SOCKS5_PASSWD',
    'DBUS_SESSION_BUS_ADDRESS',
    'P4CONFIG',
    'SSL_CERT_FILE',
    'NODE_EXTRA_CA_CERTS',
    'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_DEFAULT_REGION', 'AWS_SESSION_TOKEN',
    'GIT_CACHE_PATH',
    'REMOTE_CONTAINERS_IPC',
    'GITHUB_TOKEN',
    'SSL_CERT_DIR',
]


def get_fetcher_environment(d):
    """The exported variables a fetch command sees, from ``d`` or else BB_ORIGENV."""
    import bb.utils
    return bb.utils._values_or_origenv(d, FETCH_EXPORT_VARS)


def trusted_network(d, url):
    """Whether BB_ALLOWED_NETWORKS (recipe flag or global) allows the URL's host."""
    import bb.utils
    if bb.utils.to_boolean(d.getVar("BB_NO_NETWORK")):
        return True
    pn = d.getVar('PN')
    allowed = d.getVarFlag('BB_ALLOWED_NETWORKS', pn, False) if pn else None
    if not allowed:
        allowed = d.getVar('BB_ALLOWED_NETWORKS')
    if not allowed:
        return True
    host = decodeurl(url)[1]
    if not host:
        return True
    host = host.split(':')[0].lower()
    for pattern in allowed.split(" "):
        pattern = pattern.lower()
        if pattern == host:
            return True
        if pattern.startswith("*.") and ("." + host).endswith(pattern[1:]):
            return True
    return False


def check_network_access(d, info, url):
    """Raise unless network access for ``url`` is allowed."""
    import bb.utils
    if bb.utils.to_boolean(d.getVar("BB_NO_NETWORK")):
        raise NetworkAccess(url, info)
    if not trusted_network(d, url):
        raise UntrustedUrl(url, info)
    logger.debug("Fetcher accessed the network with the command %s" % info)


def subprocess_setup():
    import signal
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


class FetchConnectionCache(object):
    """Open connections kept by host:port for reuse."""

    def __init__(self):
        self.cache = {}

    def get_connection_name(self, host, port):
        return host + ':' + str(port)

    def add_connection(self, host, port, connection):
        self.cache.setdefault(self.get_connection_name(host, port), connection)

    def get_connection(self, host, port):
        return self.cache.get(self.get_connection_name(host, port))

    def remove_connection(self, host, port):
        name = self.get_connection_name(host, port)
        if name in self.cache:
            self.cache.pop(name).close()

    def close_connections(self):
        for name in list(self.cache):
            self.cache.pop(name).close()


# Running fetch commands.
from bb.fetch2._run import runfetchcmd  # noqa: E402

# Download checksums and done stamps.
from bb.fetch2._checksums import (  # noqa: E402
    verify_checksum, verify_donestamp, update_stamp, rename_bad_checksum,
)

# FetchData, Fetch, FetchMethod and the source-revision helpers.
from bb.fetch2._core import (  # noqa: E402
    FetchData, FetchMethod,
    methods, urldata_cache, saved_headrevs,
    fetcher_init, fetcher_parse_save, fetcher_parse_done, fetcher_compare_revisions,
    mark_recipe_nocache, get_autorev, get_srcrev, get_hashvalue, get_pkgv_string,
    srcrev_internal_helper, localpath, get_checksum_file_list, get_file_checksums,
)
from bb.fetch2._core import _get_srcrev  # noqa: E402,F401
from bb.fetch2._fetch import Fetch, DummyUnpackTracer  # noqa: E402
from bb.fetch2._mirrors import (  # noqa: E402,F401
    uri_replace, build_mirroruris, try_mirror_url, try_mirrors,
)

from . import local  # noqa: E402
from . import wget  # noqa: E402
from . import git  # noqa: E402
from . import gitsm  # noqa: E402
from . import gitannex  # noqa: E402
from . import npm  # noqa: E402
from . import npmsw  # noqa: E402
from . import _othermethods as others  # noqa: E402

methods.extend([
    local.Local(),
    wget.Wget(),
    others.Svn(),
    git.Git(),
    gitsm.GitSM(),
    gitannex.GitANNEX(),
    others.SSH(),
    others.SFTP(),
    others.S3(),
    others.Perforce(),
    others.Hg(),
    others.Repo(),
    others.ClearCase(),
    npm.Npm(),
    npmsw.NpmShrinkWrap(),
    wget.Az(),
    wget.Crate(),
    others.GCP(),
    wget.GoMod(),
    git.GoModGit(),
])
