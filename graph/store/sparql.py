"""Running SPARQL for people: SELECT and ASK as rows, with the engine's message on a bad query."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from ikg.graph.errors import QueryError
from ikg.graph.store.base import StoreLike
from ikg.graph.store.embedded import Store, solution_rows
from ikg.graph.store.sparql_text import check_remote_safe, check_safe, has_dataset_clause, query_form

if TYPE_CHECKING:  # the HTTP client is imported only where a remote store is used
    from ikg.graph.store.base import Bound
    from ikg.graph.store.remote import RemoteStore

__all__ = ["run_select_or_ask", "run_user_select_or_ask"]


def run_select_or_ask(
    store: StoreLike, sparql: str, bindings: Mapping[str, Bound] | None = None
) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    """Run a SELECT or ASK query and return variable names and rows.

    An ASK query gives one column ``ask`` with one boolean row.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    sparql : str
        The query text.
    bindings : mapping, optional
        Variable name to an rdflib or a pyoxigraph term, bound safely (see
        :meth:`~ikg.graph.store.embedded.Store.query`).

    Returns
    -------
    tuple of (list of str, list of tuple)
        The variable names and the rows (rdflib terms, ``None`` if unbound).

    Raises
    ------
    QueryError
        For a syntax error (with the parser's message) or a CONSTRUCT/DESCRIBE query.
    """
    result = store.query(sparql, bindings)
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [(Literal(bool(result), datatype=XSD.boolean),)]
    if isinstance(result, ox.QuerySolutions):
        return solution_rows(result)
    raise QueryError(key="store.graph_not_rows")


def run_user_select_or_ask(
    store: Store | RemoteStore,
    sparql: str,
    *,
    deadline: float = 30.0,
    max_rows: int = 100_000,
    max_bytes: int = 32 * 1_048_576,
) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    """Run a SELECT or ASK query a *user* wrote, as :func:`run_select_or_ask` does, but confined.

    The text is checked first (:func:`~ikg.graph.store.sparql_text.check_safe`, the friendly message);
    on the embedded store it then runs in a confined engine process that cannot reach the network
    (:mod:`ikg.graph.store.engine`), under ``deadline`` and the caps; on a remote store, which ikg cannot
    confine, it must also pass :func:`~ikg.graph.store.sparql_text.check_remote_safe`.

    Parameters
    ----------
    store : Store or RemoteStore
        An embedded store (the query runs confined on a snapshot of it) or a remote one.
    sparql : str
        The query text, as the user wrote it.
    deadline : float
        Seconds the confined engine may take.
    max_rows, max_bytes : int
        Caps of the confined engine's answer.

    Returns
    -------
    tuple of (list of str, list of tuple)
        The variable names and the rows (rdflib terms, ``None`` if unbound).

    Raises
    ------
    QueryError
        Refused, malformed, past a cap or the deadline, or a CONSTRUCT/DESCRIBE query.
    """
    tokens = check_safe(sparql, store.named_graphs())
    if query_form(tokens) in ("CONSTRUCT", "DESCRIBE"):
        raise QueryError(key="store.graph_not_rows")
    if not isinstance(store, Store):  # a remote store: ikg cannot confine its engine
        check_remote_safe(sparql)
        return run_select_or_ask(store, sparql)
    from ikg.graph.store.engine.oneshot import run_confined

    request = {
        "op": "query",
        "text": sparql,
        "results": "application/sparql-results+json",
        "graph": "application/n-triples",
        "max_rows": max_rows,
        "union": not has_dataset_clause(tokens),
    }
    answer = run_confined(store, request, deadline, max_bytes)
    result = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [(Literal(bool(result), datatype=XSD.boolean),)]
    return solution_rows(result)
