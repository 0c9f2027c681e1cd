"""A remote store: any SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso ...).

It offers what :class:`ikg.graph.store.embedded.Store` offers, over the SPARQL 1.1 Protocol. Queries
and updates are sent as forms (``application/x-www-form-urlencoded``), the one way every server
tested answers (Virtuoso 7.2 never answers a query sent directly). Answers are read by value: a
server's ``ASK`` sent as a one-column table (Virtuoso's ``__ASK_RETVAL``) is a boolean again, and
booleans written ``1``/``0`` are ``true``/``false``. Only the graphs ikg wrote are counted (those
under ``https://w3id.org/ikg/`` and the ones it imported elsewhere, listed in a graph of its own),
so a server's own graphs do not show. Writes: :mod:`ikg.graph.store.remote_write`; what the
server can do: :mod:`ikg.graph.store.probe`. ikg cannot confine a remote server's engine: text a
user writes for it is checked strictly first (:func:`ikg.graph.store.sparql_text.check_remote_safe`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from rdflib import URIRef

from ikg.graph.errors import QueryError, StoreError
from ikg.graph.namespaces import GRAPH_BASE
from ikg.graph.store.embedded import Change, QueryingMixin
from ikg.graph.store.probe import PROBE_BASE, Capabilities, probe_reads, probe_writes
from ikg.graph.store.remote_write import STAGING_BASE, write_graphs
from ikg.graph.store.sparql_text import bind_values, query_form, tokenize

if TYPE_CHECKING:
    from ikg.graph.store.base import Bound

__all__ = ["CANCELLED", "RemoteStore", "by_value", "is_url", "update_url_for"]

#: what the Oxigraph server writes when it stops a query at its deadline
CANCELLED = "The SPARQL operation has been cancelled"
#: ikg's own graphs are under this IRI
IKG_GRAPHS = "https://w3id.org/ikg/"
#: lists the graphs ikg wrote outside :data:`IKG_GRAPHS` (an RDF import with ``--graph``)
REGISTER = GRAPH_BASE + "_remote-graphs"
_WRITTEN = "https://w3id.org/ikg/ns#writtenByIkg"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: graphs that are ikg's but never the user's: the register, staging and probe graphs
_HIDDEN = (REGISTER, STAGING_BASE, PROBE_BASE)
_FORM = "application/x-www-form-urlencoded"


def is_url(location: str | os.PathLike[str] | None) -> bool:
    """Whether a ``--store`` value names a SPARQL server rather than a directory."""
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def update_url_for(query_url: str) -> str:
    """Guess the update endpoint of a query endpoint (``IKG_UPDATE_URL`` overrides).

    A URL ending in ``/query`` (Oxigraph, Fuseki) has its updates at ``/update``; any other URL
    (``ikg serve``'s ``/sparql``, GraphDB, Virtuoso) takes both at the same address.

    Examples
    --------
    >>> update_url_for("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/update'
    >>> update_url_for("http://127.0.0.1:8000/sparql")
    'http://127.0.0.1:8000/sparql'
    """
    explicit = os.environ.get("IKG_UPDATE_URL")
    if explicit:
        return explicit
    if query_url.endswith("/query"):
        return query_url[: -len("/query")] + "/update"
    return query_url


class RemoteStore(QueryingMixin):
    """A store behind a SPARQL 1.1 query and update endpoint.

    Parameters
    ----------
    query_url : str
    update_url : str, optional
        Default: :func:`update_url_for`.
    timeout : float
        Seconds to wait for an answer.
    token : str, optional
        The write token updates carry (``Authorization: Bearer``), as ``ikg serve`` requires;
        default: ``IKG_WRITE_TOKEN`` when that is set.
    """

    path: Path | None = None

    def __init__(
        self, query_url: str, update_url: str | None = None, timeout: float = 120.0, token: str | None = None
    ) -> None:
        self.url = query_url
        self.update_url = update_url or update_url_for(query_url)
        self.http = httpx.Client(timeout=timeout, headers={"User-Agent": "ikg"})
        token = token or os.environ.get("IKG_WRITE_TOKEN")
        self.update_headers: dict[str, str] = {"Authorization": f"Bearer {token}"} if token else {}
        self._caps = Capabilities()
        self._reads_probed = self._writes_probed = False

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    # -- what the server can do ----------------------------------------------------------------

    def capabilities(self) -> Capabilities:
        """Probe the server once (queries and writes, see :mod:`ikg.graph.store.probe`); cached.

        For ``ikg info``: ``for line in store.capabilities().describe(lang): print(line)``.
        """
        caps = self.read_capabilities()
        self.write_capabilities()
        return caps

    def read_capabilities(self) -> Capabilities:
        """How the server takes queries (asked at the first call, then cached)."""
        if not self._reads_probed:
            self._reads_probed = True
            probe_reads(self, self._caps)
        return self._caps

    def write_capabilities(self) -> Capabilities:
        """How the server takes writes (asked before the first write, then cached)."""
        if not self._writes_probed:
            self._writes_probed = True
            probe_writes(self, self._caps)
        return self._caps

    # -- raw protocol --------------------------------------------------------------------------

    def raw_query(
        self, text: str, accept: str, params: Iterable[tuple[str, str]] = (), timeout: float | None = None
    ) -> httpx.Response:
        """POST a query as a form (protocol "query via POST with URL-encoded parameters")."""
        try:
            return self.http.post(
                self.url,
                content=urlencode([("query", text), *params]).encode("ascii"),
                headers={"Content-Type": _FORM, "Accept": accept},
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise StoreError(key="store.unreachable", url=self.url, detail=str(exc)) from exc

    def stream_query(
        self, text: str, accept: str, params: Iterable[tuple[str, str]] = (), timeout: float | None = None
    ) -> Any:
        """POST a query as a form and return a context manager of the streamed response.

        Examples
        --------
        ``with store.stream_query("ASK {}", "application/sparql-results+json") as r: r.iter_bytes()``
        """
        return self.http.stream(
            "POST",
            self.url,
            content=urlencode([("query", text), *params]).encode("ascii"),
            headers={"Content-Type": _FORM, "Accept": accept},
            timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )

    def raw_update(self, text: str, params: Iterable[tuple[str, str]] = ()) -> httpx.Response:
        """POST an update as a form (protocol "update via POST with URL-encoded parameters")."""
        try:
            return self.http.post(
                self.update_url,
                content=urlencode([("update", text), *params]).encode("ascii"),
                headers={"Content-Type": _FORM, **self.update_headers},
            )
        except httpx.HTTPError as exc:
            raise StoreError(key="store.unreachable", url=self.update_url, detail=str(exc)) from exc

    def update_request(self, text: str) -> None:
        """Send one update request; raise :class:`StoreError` if the server refuses it."""
        response = self.raw_update(text)
        if response.status_code >= 300:
            raise StoreError(
                key="store.remote_refused_write",
                url=self.update_url,
                status=response.status_code,
                detail=response.text[:300],
            )

    # -- the Store interface -------------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Bound] | None = None, *, union: bool = True) -> Any:
        """Run a query on the server; return pyoxigraph results (as :meth:`Store.query` does).

        ``union`` is the server's setting; ``ikg serve`` starts Oxigraph with the union default graph.
        """
        text = bind_values(sparql, bindings) if bindings else sparql
        form = query_form(tokenize(text))
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        response = self.raw_query(text, accept)
        body = response.content
        if response.status_code == 400:
            raise QueryError(body.decode("utf-8", "replace").strip())
        if response.status_code >= 300:
            raise StoreError(
                key="store.remote_answered", url=self.url, status=response.status_code, detail=repr(body[:300])
            )
        try:
            if graph_form:
                quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
            return ox.parse_query_results(by_value(body, form == "ASK"), format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            if CANCELLED.encode() in body:
                raise QueryError(key="store.remote_deadline") from exc
            raise StoreError(key="store.remote_unreadable", url=self.url, detail=str(exc)) from exc

    def graph_quads(self, graph: str) -> set[ox.Quad]:
        """Return all quads of the named graph ``graph``.

        Raises
        ------
        StoreError
            If the server sent fewer triples than it counts (a result cap such as Virtuoso's
            ``ResultSetMaxRows``): a write must never be planned on a cut answer.
        """
        g = ox.NamedNode(graph)
        triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})
        quads = {ox.Quad(t.subject, t.predicate, t.object, g) for t in triples}
        _, rows = self.select_values("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})
        counted = int(rows[0][0] or 0) if rows else 0
        if len(triples) < counted:
            raise StoreError(key="remote.answer_cut", url=self.url, graph=graph, sent=len(triples), n=counted)
        return quads

    def named_graphs(self) -> list[str]:
        """Return the IRIs of the named graphs ikg wrote, sorted (not a server's own graphs)."""
        _, rows = self.select_values("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        every = {r[0] for r in rows if r[0] is not None}
        registered: set[str | None] = set()
        if REGISTER in every:
            _, listed = self.select_values(f"SELECT ?g WHERE {{ GRAPH <{REGISTER}> {{ ?g <{_WRITTEN}> ?x }} }}")
            registered = {r[0] for r in listed}
        mine = {g for g in every if (g.startswith(IKG_GRAPHS) or g in registered) and not g.startswith(_HIDDEN)}
        return sorted(mine)

    def __len__(self) -> int:
        graphs = self.named_graphs()
        if not graphs:
            return 0
        values = " ".join(str(ox.NamedNode(g)) for g in graphs)
        _, rows = self.select_values(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def replace_graph(
        self, graph: str, quads: Iterable[ox.Quad], *, verify: Callable[[], None] | None = None
    ) -> Change:
        """Make the named graph hold exactly ``quads`` (see :meth:`replace_graphs`)."""
        return self.replace_graphs({graph: quads}, verify=verify)

    def replace_graphs(
        self, graphs: Mapping[str, Iterable[ox.Quad]], *, verify: Callable[[], None] | None = None
    ) -> Change:
        """Replace several named graphs, all or nothing as far as the server allows.

        See :mod:`ikg.graph.store.remote_write` for what holds on which server.

        Parameters
        ----------
        graphs : mapping
            Graph IRI to its new content (the graph name of each quad is replaced).
        verify : callable, optional
            Checks the new content first; if it raises, nothing is sent.

        Returns
        -------
        Change
        """
        if verify is not None:
            verify()
        change = write_graphs(self, graphs)
        foreign = [g for g in graphs if not g.startswith(IKG_GRAPHS)]
        if foreign:
            listed = " ".join(f'{ox.NamedNode(g)} <{_WRITTEN}> "ikg" .' for g in foreign)
            self.update_request(f"INSERT DATA {{ GRAPH <{REGISTER}> {{ {listed} }} }}")
        return change

    def drop_graph(self, graph: str) -> int:
        """Remove the named graph ``graph``; return how many triples it held."""
        n = len(self.graph_quads(graph))
        g = ox.NamedNode(graph)
        self.update_request(f"DROP SILENT GRAPH {g} ; DELETE WHERE {{ GRAPH <{REGISTER}> {{ {g} ?p ?o }} }}")
        return n

    def flush(self) -> None:
        """Nothing to do: the server persists each update."""

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def by_value(body: bytes, ask: bool) -> bytes:
    """Return SPARQL JSON results with what a server wrote in its own way written the standard way.

    A server may answer ``ASK`` with a table of one variable (Virtuoso: ``__ASK_RETVAL``, one row
    for true, none for false) and write booleans as ``1``/``0``; both are rewritten here, every
    other answer is returned as it came.

    Examples
    --------
    >>> by_value(b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}', True)
    b'{"head": {}, "boolean": false}'
    """
    if not (ask and b"__ASK_RETVAL" in body) and _XSD_BOOLEAN.encode() not in body:
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    if ask and "boolean" not in data:
        rows = data.get("results", {}).get("bindings", [])
        truth = bool(rows) and all(str(c.get("value")) not in ("0", "false") for c in rows[0].values())
        return json.dumps({"head": {}, "boolean": truth}).encode()
    for row in data.get("results", {}).get("bindings", []):
        for cell in row.values():
            if cell.get("datatype") == _XSD_BOOLEAN and cell.get("value") in ("1", "0"):
                cell["value"] = "true" if cell["value"] == "1" else "false"
    return json.dumps(data).encode()
