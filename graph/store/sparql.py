"""Running SPARQL for people: SELECT and ASK as rows, with the engine's message on a bad query."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

import pyoxigraph as ox

from ikg.graph.errors import QueryError
from ikg.graph.store.base import StoreLike
from ikg.graph.store.embedded import Store, solution_rows
from ikg.graph.store.sparql_text import check_remote_safe, check_safe, has_dataset_clause, query_form

if TYPE_CHECKING:  # the HTTP client is imported only where a remote store is used; rdflib where its terms are made
    from rdflib.term import Node

    from ikg.graph.store.base import Bound, OxTerm, Terms
    from ikg.graph.store.remote import RemoteStore

__all__ = ["ox_solution_rows", "run_select_or_ask", "run_user_select_or_ask"]

_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


def ox_solution_rows(result: ox.QuerySolutions) -> tuple[list[str], list[tuple[OxTerm | None, ...]]]:
    """Return the variable names and the rows of SELECT results, as the pyoxigraph terms they hold.

    :func:`~ikg.graph.store.embedded.solution_rows` without the conversion to rdflib terms, so
    without rdflib's import (0.07-0.1 s of a command's start-up).

    Parameters
    ----------
    result : pyoxigraph.QuerySolutions
        The solutions of a SELECT query.

    Returns
    -------
    tuple of (list of str, list of tuple)
        The variable names and the rows (pyoxigraph terms, ``None`` if unbound).

    Examples
    --------
    >>> store = ox.Store()
    >>> ox_solution_rows(store.query('SELECT ?x ?y { VALUES ?x { <urn:a> "b"@de } }'))
    (['x', 'y'], [(<NamedNode value=urn:a>, None), (<Literal value=b language=de>, None)])
    """
    names = [v.value for v in result.variables]
    return names, [tuple(sol[i] for i in range(len(names))) for sol in result]


def _rows(result: ox.QuerySolutions, terms: Terms) -> tuple[list[str], list[tuple[Any, ...]]]:
    return ox_solution_rows(result) if terms == "ox" else solution_rows(result)


def _ask_row(answer: bool, terms: Terms) -> tuple[Any, ...]:
    """The one row of an ASK answer: an ``xsd:boolean`` literal of the terms asked for."""
    if terms == "ox":
        return (ox.Literal("true" if answer else "false", datatype=_BOOLEAN),)
    from rdflib import Literal as RdfLiteral
    from rdflib.namespace import XSD

    return (RdfLiteral(answer, datatype=XSD.boolean),)


@overload
def run_select_or_ask(
    store: StoreLike,
    sparql: str,
    bindings: Mapping[str, Bound] | None = None,
    *,
    terms: Literal["rdflib"] = "rdflib",
) -> tuple[list[str], list[tuple[Node | None, ...]]]: ...


@overload
def run_select_or_ask(
    store: StoreLike, sparql: str, bindings: Mapping[str, Bound] | None = None, *, terms: Literal["ox"]
) -> tuple[list[str], list[tuple[OxTerm | None, ...]]]: ...


def run_select_or_ask(
    store: StoreLike, sparql: str, bindings: Mapping[str, Bound] | None = None, *, terms: Terms = "rdflib"
) -> tuple[list[str], list[tuple[Any, ...]]]:
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
    terms : {"rdflib", "ox"}
        The terms of the rows: rdflib's, or pyoxigraph's as the store gives them (which needs no
        import of rdflib; :mod:`ikg.api.formats.rows` writes both alike).

    Returns
    -------
    tuple of (list of str, list of tuple)
        The variable names and the rows (terms, ``None`` if unbound).

    Raises
    ------
    QueryError
        For a syntax error (with the parser's message) or a CONSTRUCT/DESCRIBE query.

    Examples
    --------
    >>> from ikg.graph.store.embedded import Store
    >>> names, rows = run_select_or_ask(Store(":memory:"), "ASK {}", terms="ox")
    >>> names, [str(term) for row in rows for term in row]
    (['ask'], ['"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'])
    """
    result = store.query(sparql, bindings)
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [_ask_row(bool(result), terms)]
    if isinstance(result, ox.QuerySolutions):
        return _rows(result, terms)
    raise QueryError(key="store.graph_not_rows")


@overload
def run_user_select_or_ask(
    store: Store | RemoteStore,
    sparql: str,
    *,
    deadline: float = ...,
    max_rows: int = ...,
    max_bytes: int = ...,
    terms: Literal["rdflib"] = "rdflib",
) -> tuple[list[str], list[tuple[Node | None, ...]]]: ...


@overload
def run_user_select_or_ask(
    store: Store | RemoteStore,
    sparql: str,
    *,
    deadline: float = ...,
    max_rows: int = ...,
    max_bytes: int = ...,
    terms: Literal["ox"],
) -> tuple[list[str], list[tuple[OxTerm | None, ...]]]: ...


def run_user_select_or_ask(
    store: Store | RemoteStore,
    sparql: str,
    *,
    deadline: float = 30.0,
    max_rows: int = 100_000,
    max_bytes: int = 32 * 1_048_576,
    terms: Terms = "rdflib",
) -> tuple[list[str], list[tuple[Any, ...]]]:
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
    terms : {"rdflib", "ox"}
        The terms of the rows, as for :func:`run_select_or_ask`.

    Returns
    -------
    tuple of (list of str, list of tuple)
        The variable names and the rows (terms, ``None`` if unbound).

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
        return run_select_or_ask(store, sparql, terms=terms)
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
        return ["ask"], [_ask_row(bool(result), terms)]
    return _rows(result, terms)
