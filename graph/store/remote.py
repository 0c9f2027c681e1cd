"""A remote store: any SPARQL 1.1 server (Oxigraph server, Fuseki, GraphDB, Virtuoso ...).

It offers what :class:`ikg.graph.store.embedded.Store` offers, over the SPARQL 1.1 Protocol: queries go to
the query endpoint, writes are one SPARQL Update request each (one transaction on the servers
named above), so an import stays all-or-nothing. ikg cannot confine a remote server's engine:
text a user writes for it is checked strictly first (:func:`ikg.graph.store.sparql_text.check_remote_safe`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from ikg.graph.errors import QueryError, StoreError
from ikg.graph.store.embedded import Change, QueryingMixin, _graph_blocks, plan_replace
from ikg.graph.store.sparql_text import bind_values, query_form, tokenize

__all__ = ["CANCELLED", "RemoteStore", "is_url", "update_url_for"]

#: what the Oxigraph server writes when it stops a query at its deadline
CANCELLED = "The SPARQL operation has been cancelled"


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
        self._client = httpx.Client(timeout=timeout, headers={"User-Agent": "ikg"})
        token = token or os.environ.get("IKG_WRITE_TOKEN")
        self._update_headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    # -- raw protocol --------------------------------------------------------------------------

    def raw_query(
        self, text: str, accept: str, params: Iterable[tuple[str, str]] = (), timeout: float | None = None
    ) -> httpx.Response:
        """POST a query (protocol "POST directly") and return the server's response as it is."""
        try:
            return self._client.post(
                self.url,
                content=text.encode("utf-8"),
                params=list(params),
                headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise StoreError(key="store.unreachable", url=self.url, detail=str(exc)) from exc

    def stream_query(
        self, text: str, accept: str, params: Iterable[tuple[str, str]] = (), timeout: float | None = None
    ) -> Any:
        """POST a query and return a context manager of the streamed response (read it in pieces).

        Examples
        --------
        ``with store.stream_query("ASK {}", "application/sparql-results+json") as r: r.iter_bytes()``
        """
        return self._client.stream(
            "POST",
            self.url,
            content=text.encode("utf-8"),
            params=list(params),
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
            timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )

    def raw_update(self, text: str, params: Iterable[tuple[str, str]] = ()) -> httpx.Response:
        """POST an update (protocol "POST directly") and return the server's response as it is."""
        try:
            return self._client.post(
                self.update_url,
                content=text.encode("utf-8"),
                params=list(params),
                headers={"Content-Type": "application/sparql-update; charset=utf-8", **self._update_headers},
            )
        except httpx.HTTPError as exc:
            raise StoreError(key="store.unreachable", url=self.update_url, detail=str(exc)) from exc

    # -- the Store interface -------------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None, *, union: bool = True) -> Any:
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
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            if CANCELLED.encode() in body:
                raise QueryError(key="store.remote_deadline") from exc
            raise StoreError(key="store.remote_unreadable", url=self.url, detail=str(exc)) from exc

    def graph_quads(self, graph: str) -> set[ox.Quad]:
        """Return all quads of the named graph ``graph``."""
        g = ox.NamedNode(graph)
        triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})
        return {ox.Quad(t.subject, t.predicate, t.object, g) for t in triples}

    def named_graphs(self) -> list[str]:
        """Return the IRIs of all named graphs, sorted."""
        _, rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(r[0]) for r in rows if r[0] is not None)

    def __len__(self) -> int:
        _, rows = self.select_values("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def _update(self, text: str) -> None:
        response = self.raw_update(text)
        if response.status_code >= 300:
            raise StoreError(
                key="store.remote_refused_write",
                url=self.update_url,
                status=response.status_code,
                detail=response.text[:300],
            )

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> Change:
        """Make the named graph hold exactly ``quads``, in one update request."""
        return self.replace_graphs({graph: quads})

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Quad]]) -> Change:
        """Replace several named graphs in one update request (one transaction).

        Parameters
        ----------
        graphs : mapping
            Graph IRI to its new content (the graph name of each quad is replaced).

        Returns
        -------
        Change
        """
        plan = plan_replace(graphs, self.graph_quads)
        if plan.insert_only:
            by_graph: dict[ox.NamedNode, set[ox.Quad]] = {}
            for q in plan.insert_only:
                assert isinstance(q.graph_name, ox.NamedNode)  # plan_replace names each quad's graph
                by_graph.setdefault(q.graph_name, set()).add(q)
            self._update("INSERT DATA { " + _graph_blocks(by_graph) + " }")
        elif plan.update:
            self._update(plan.update)
        return plan.change

    def drop_graph(self, graph: str) -> int:
        """Remove the named graph ``graph``; return how many triples it held."""
        n = len(self.graph_quads(graph))
        self._update("DROP SILENT GRAPH " + str(ox.NamedNode(graph)))
        return n

    def flush(self) -> None:
        """Nothing to do: the server persists each update."""

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
