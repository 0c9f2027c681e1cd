"""Running SPARQL for people: SELECT and ASK as rows, with the engine's message on a bad query."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from .errors import QueryError
from .store import Store, solution_rows

__all__ = ["run_select_or_ask"]


def run_select_or_ask(
    store: Store, sparql: str, bindings: Mapping[str, Node] | None = None
) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    """Run a SELECT or ASK query and return variable names and rows.

    An ASK query gives one column ``ask`` with one boolean row.

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
    raise QueryError("CONSTRUCT and DESCRIBE give graphs, not rows: use the HTTP endpoint or a SELECT query")
