"""Which requests the server answers at all: its own host names, and no cross-site writes or queries.

Two attacks from a web page the user happens to visit, while ``ikg serve`` runs on their machine:

- **DNS rebinding**: ``attacker.example`` first resolves to the attacker, then to 127.0.0.1; the
  page is then "same-origin" with the server and can read its answers. Refused by the ``Host``
  check: only the names the server was started for (127.0.0.1, localhost, ::1, ``--host`` and
  ``IKG_ALLOWED_HOSTS``) are answered.
- **Cross-site requests**: a form POST or an ``<img src>`` on any page reaches 127.0.0.1 too. The
  browser says where a request comes from (``Origin``, ``Sec-Fetch-Site``); requests that change
  state (any method but GET, HEAD, OPTIONS) and every request to ``/sparql`` are refused unless
  they come from the server's own origin or an origin named in ``IKG_CORS_ORIGINS``.

Programs (curl, SPARQLWrapper, Python) send neither header and are not affected.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ikg.graph.i18n import resolve_lang, t

__all__ = ["LOCAL_HOSTS", "RequestGuard", "host_name"]

#: the names a server on the loopback interface always answers to
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_GUARDED_PATHS = ("/sparql",)


def host_name(host_header: str) -> str:
    """The host of a ``Host`` header, without port and brackets, lower case.

    Examples
    --------
    >>> host_name("LocalHost:8000"), host_name("[::1]:8000"), host_name("127.0.0.1")
    ('localhost', '::1', '127.0.0.1')
    """
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class RequestGuard:
    """ASGI middleware: refuse foreign ``Host`` headers, and cross-site writes and ``/sparql`` requests.

    Parameters
    ----------
    app : ASGI app
    allowed_hosts : iterable of str
        Host names answered besides :data:`LOCAL_HOSTS`.
    allowed_origins : iterable of str
        Origins (``https://intranet.example``) whose pages may send such requests (CORS).
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str] = (), allowed_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.hosts = {h.strip().lower().strip("[]") for h in (*LOCAL_HOSTS, *allowed_hosts) if h.strip()}
        self.origins = {o.strip().rstrip("/").lower() for o in allowed_origins if o.strip()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, key, params = refusal
            lang = resolve_lang(None, headers.get("accept-language", ""))
            await PlainTextResponse(t(key, lang, **params) + "\n", status_code=status)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: Headers) -> tuple[int, str, dict[str, str]] | None:
        host = headers.get("host", "")
        if host_name(host) not in self.hosts:
            return 400, "http.guard.host", {"host": host, "names": ", ".join(sorted(self.hosts))}
        guarded = scope["method"] not in _SAFE_METHODS or scope["path"].rstrip("/") in _GUARDED_PATHS
        if not guarded:
            return None
        origin = headers.get("origin")
        own = f"{scope.get('scheme', 'http')}://{host.lower()}"
        if origin is not None:
            if origin.rstrip("/").lower() in (own, *self.origins):
                return None
            return 403, "http.guard.origin", {"origin": origin}
        if headers.get("sec-fetch-site", "none") in ("cross-site", "same-site"):
            return 403, "http.guard.cross_site", {}
        return None
