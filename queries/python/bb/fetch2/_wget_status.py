"""Whether an http(s) URL exists: the ``checkstatus`` of the wget fetcher.

A HEAD request is sent (GET when the server refuses HEAD with 403 or 405),
redirects are followed with the same method, and credentials come from
the URL or ~/.netrc.  Proxies and certificates come from the fetch
environment.  A failure is tried once more before the answer is False.
"""

import base64
import http.client
import urllib.error
import urllib.parse
import urllib.request

import bb
import bb.utils
from bb.fetch2 import get_fetcher_environment, logger


def _origin(url):
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


class _KeepMethodRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects (308 too) with the original HEAD or GET, and drops
    credentials and cookies when the redirect leaves the origin."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        method = req.get_method()
        if not (code in (301, 302, 303, 307, 308) and method in ("GET", "HEAD")):
            raise urllib.error.HTTPError(req.full_url, code, msg, headers, fp)
        newurl = newurl.replace(' ', '%20')
        same_origin = _origin(req.get_full_url()) == _origin(newurl)
        kept = {}
        for name, value in req.headers.items():
            lowered = name.lower()
            if lowered in ("content-length", "content-type"):
                continue
            if not same_origin and lowered in ("authorization", "cookie"):
                continue
            kept[name] = value
        return urllib.request.Request(newurl, method="HEAD" if method == "HEAD" else "GET", headers=kept,
                                      origin_req_host=req.origin_req_host, unverifiable=True)

    http_error_308 = urllib.request.HTTPRedirectHandler.http_error_302


class _GetWhenHeadRefused(urllib.request.BaseHandler):
    """Repeats a refused HEAD request as GET (some servers answer 403 for 405)."""

    def http_error_405(self, req, fp, code, msg, headers):
        fp.read()
        fp.close()
        if req.get_method() == 'GET':
            raise urllib.error.HTTPError(req, code, msg, headers, None)
        kept = {k: v for k, v in req.headers.items() if k.lower() not in ("content-length", "content-type")}
        return self.parent.open(urllib.request.Request(req.get_full_url(), headers=kept,
                                                       origin_req_host=req.origin_req_host, unverifiable=True))

    http_error_403 = http_error_405


def _request(ud):
    """The HEAD request for ``ud``'s URL, with its headers and credentials."""
    parts = urllib.parse.urlparse(ud.url.split(";")[0])
    uri = "%s://%s%s" % (parts.scheme, parts.netloc, parts.path)
    if parts.query:
        uri += "?" + parts.query
    request = urllib.request.Request(uri, method="HEAD")
    request.add_header("Accept", "*/*")
    request.add_header("User-Agent", "bitbake/%s" % bb.__version__)

    def basic_auth(login):
        request.add_header("Authorization", "Basic %s" % base64.b64encode(login.encode('utf-8')).decode("utf-8"))

    if ud.user and ud.pswd:
        basic_auth(ud.user + ':' + ud.pswd)
    try:
        import netrc
        found = netrc.netrc().authenticators(urllib.parse.urlparse(uri).hostname)
        if found:
            basic_auth("%s:%s" % (found[0], found[2]))
    except (FileNotFoundError, netrc.NetrcParseError):
        pass
    return uri, request


def url_exists(method, fetch, ud, d, try_again=True):
    """True if the server answers ``ud``'s URL without an error."""
    # Proxy variables and certificate locations are read from os.environ.
    with bb.utils.environment(**get_fetcher_environment(d)):
        import ssl
        if method.check_certs(d):
            context = ssl.create_default_context()
        else:
            context = ssl._create_unverified_context()
        opener = urllib.request.build_opener(_KeepMethodRedirects, _GetWhenHeadRefused,
                                             urllib.request.ProxyHandler(),
                                             urllib.request.HTTPSHandler(context=context))
        uri = ud.url
        try:
            uri, request = _request(ud)
            request.add_header("Connection", "close")
            with opener.open(request, timeout=100):
                pass
        except (urllib.error.URLError, OSError, http.client.RemoteDisconnected) as e:
            if try_again:
                logger.debug2("checkstatus: trying again after exception %s" % str(e))
                return url_exists(method, fetch, ud, d, False)
            logger.debug2("checkstatus() urlopen failed for %s: %s" % (uri, e))
            return False
    return True
