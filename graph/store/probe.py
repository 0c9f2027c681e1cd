"""What a SPARQL server can do, found out at first contact (:meth:`RemoteStore.capabilities`).

Servers differ where the standard leaves room or where they have bugs: Virtuoso 7.2 never answers
a query sent as a direct POST, refuses an ``INSERT DATA`` of more than about 1,200 triples (SP031)
and runs the operations of one update request one by one (the first stays written when the second
fails); the Oxigraph server takes everything and runs each request as one transaction. The probe
asks the server rather than guessing from its name, and :class:`Capabilities` says what it found
in the user's language (``ikg info``).

Every write of the probe goes to graphs of its own (``https://w3id.org/ikg/graph/_probe/...``),
which it drops again at once.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import pyoxigraph as ox

from ikg.graph.errors import IkgError
from ikg.graph.i18n import Lang, t
from ikg.graph.namespaces import GRAPH_BASE

if TYPE_CHECKING:
    from ikg.graph.store.remote import RemoteStore

__all__ = ["PROBE_BASE", "UPDATE_SIZES", "Capabilities", "gsp_candidates", "probe_reads", "probe_writes"]

#: graphs the probe writes and drops again
PROBE_BASE = GRAPH_BASE + "_probe/"
#: update sizes tried, largest first (triples per ``INSERT DATA``); the largest that works is used
UPDATE_SIZES = (2000, 500, 100)
#: seconds the probe waits for an answer to a direct POST (Virtuoso 7.2 never answers one)
DIRECT_POST_WAIT = 3.0


@dataclass
class Capabilities:
    """What one SPARQL server did when asked.

    Attributes
    ----------
    server : str
        Its ``Server`` header ("" if it sends none).
    form_post, direct_post : bool or None
        Whether it answered a query sent as a form (the way ikg sends them) or directly
        (``application/sparql-query``); ``None``: not asked.
    updates : bool or None
        Whether it takes SPARQL Update from ikg (``None``: not asked yet).
    atomic_requests : bool or None
        Whether one update request is one transaction (a failing operation undoes the ones
        before it in the same request).
    update_triples : int or None
        The largest ``INSERT DATA`` (in triples) it took, of :data:`UPDATE_SIZES`.
    gsp_url : str or None
        Its SPARQL 1.1 Graph Store Protocol endpoint, if one took a graph and gave it back.
    """

    server: str = ""
    form_post: bool | None = None
    direct_post: bool | None = None
    updates: bool | None = None
    atomic_requests: bool | None = None
    update_triples: int | None = None
    gsp_url: str | None = None

    def describe(self, lang: Lang) -> list[str]:
        """Return one line per finding, for ``ikg info``.

        Examples
        --------
        >>> Capabilities("Virtuoso", True, False, True, False, 500, None).describe("en")[0]
        'SPARQL server: Virtuoso'
        """
        yes, no, unknown = t("remote.caps.yes", lang), t("remote.caps.no", lang), t("remote.caps.unknown", lang)

        def word(value: bool | None) -> str:
            return unknown if value is None else yes if value else no

        lines = [t("remote.caps.server", lang, server=self.server or unknown)]
        lines.append(t("remote.caps.queries", lang, form=word(self.form_post), direct=word(self.direct_post)))
        lines.append(t("remote.caps.updates", lang, updates=word(self.updates)))
        if self.updates:
            size = str(self.update_triples) if self.update_triples else unknown
            lines.append(t("remote.caps.update_size", lang, triples=size))
            lines.append(t("remote.caps.gsp", lang, gsp=self.gsp_url or no))
            atomic = self.atomic_requests
            lines.append(t("remote.caps.atomic", lang) if atomic else t("remote.caps.not_atomic", lang))
        return lines


def probe_reads(store: RemoteStore, caps: Capabilities) -> None:
    """Ask the server how it takes queries: as a form (required) and as a direct POST.

    Fills ``server``, ``form_post`` and ``direct_post`` of ``caps``.
    """
    try:
        answer = store.http.post(
            store.url, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"}
        )
        caps.server = answer.headers.get("server", "").strip()
        caps.form_post = answer.status_code == 200
    except httpx.HTTPError:
        caps.form_post = False
    try:
        direct = store.http.post(
            store.url,
            content=b"ASK {}",
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            timeout=DIRECT_POST_WAIT,
        )
        caps.direct_post = direct.status_code == 200
    except httpx.HTTPError:
        caps.direct_post = False


def gsp_candidates(query_url: str) -> list[str]:
    """Where a server's Graph Store Protocol endpoint usually is, given its query endpoint.

    Examples
    --------
    >>> gsp_candidates("http://127.0.0.1:7878/query")
    ['http://127.0.0.1:7878/store']
    >>> gsp_candidates("http://127.0.0.1:8890/sparql")
    ['http://127.0.0.1:8890/sparql-graph-crud']
    """
    if query_url.endswith("/query"):
        return [query_url[: -len("query")] + "store"]  # Oxigraph, Fuseki (/data there is also common)
    if query_url.endswith("/sparql"):
        return [query_url + "-graph-crud"]  # Virtuoso
    return []


def probe_writes(store: RemoteStore, caps: Capabilities) -> None:
    """Ask the server how it takes writes; every probe graph is dropped again.

    Fills ``updates``, ``update_triples``, ``atomic_requests`` and ``gsp_url`` of ``caps``.
    """
    run = PROBE_BASE + uuid.uuid4().hex
    first, second = ox.NamedNode(run + "/a"), ox.NamedNode(run + "/b")
    try:
        store.update_request(f"DROP SILENT GRAPH {first}")
    except IkgError:
        caps.updates = False
        return
    caps.updates = True
    try:
        caps.update_triples = _largest_update(store, first)
        caps.atomic_requests = _atomic(store, first, second)
        caps.gsp_url = _gsp(store, first)
    finally:
        with contextlib.suppress(IkgError):
            store.update_request(f"DROP SILENT GRAPH {first} ; DROP SILENT GRAPH {second}")


def _triples(n: int) -> str:
    return " ".join(f'<urn:ikg:probe:{i}> <urn:ikg:probe> "{i}" .' for i in range(n))


def _largest_update(store: RemoteStore, graph: ox.NamedNode) -> int | None:
    for size in UPDATE_SIZES:
        try:
            store.update_request(f"INSERT DATA {{ GRAPH {graph} {{ {_triples(size)} }} }} ; DROP SILENT GRAPH {graph}")
            return size
        except IkgError:
            continue
    return None


def _atomic(store: RemoteStore, first: ox.NamedNode, second: ox.NamedNode) -> bool:
    """One request whose last operation fails (``CREATE`` of a graph that exists): is the first undone?"""
    text = (
        f"INSERT DATA {{ GRAPH {first} {{ {_triples(1)} }} }} ; "
        f"INSERT DATA {{ GRAPH {second} {{ {_triples(1)} }} }} ; CREATE GRAPH {second}"
    )
    try:
        store.update_request(text)
        return False  # the server did not refuse what the standard says fails: assume nothing
    except IkgError:
        pass
    return not store.ask(f"ASK {{ GRAPH {first} {{ ?s ?p ?o }} }}")


def _gsp(store: RemoteStore, graph: ox.NamedNode) -> str | None:
    """A Graph Store endpoint that takes a graph by PUT (N-Triples) and gives it back, or ``None``."""
    body = _triples(3).replace(" . ", " .\n").encode("utf-8")
    for url in gsp_candidates(store.url):
        try:
            put = store.http.put(
                url,
                params={"graph": graph.value},
                content=body,
                headers={"Content-Type": "application/n-triples", **store.update_headers},
            )
            if put.status_code in (200, 201, 204) and len(store.graph_quads(graph.value)) == 3:
                return url
        except (httpx.HTTPError, IkgError):
            continue
    return None
