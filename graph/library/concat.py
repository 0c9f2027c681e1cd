"""The cells of a named query that list several values (``GROUP_CONCAT``), in one order on every server.

SPARQL gives ``GROUP_CONCAT`` no order: Oxigraph and Virtuoso join the same values differently,
so "the same rows on any server" would not hold cell by cell. A named query that lists values in
a cell names the column (``(GROUP_CONCAT(... ; separator=" | ") AS ?ids)``, also through
``BIND(COALESCE(?ids, "") AS ?goal_ids)``); after the query, the parts of each such cell are
sorted, so the cell reads the same from any server.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TypeVar, cast

import pyoxigraph as ox

__all__ = ["concat_columns", "sort_concat"]

_CONCAT = re.compile(r"GROUP_CONCAT\((?P<body>.*?)\)\s+AS\s+\?(?P<name>\w+)", re.I | re.S)
_SEPARATOR = re.compile(r"""separator\s*=\s*(?P<q>["'])(?P<sep>.*?)(?P=q)""", re.I | re.S)
_ALIAS = re.compile(r"BIND\(\s*COALESCE\(\s*\?(\w+)\s*,[^)]*\)\s+AS\s+\?(\w+)\s*\)", re.I)


def concat_columns(text: str) -> dict[str, str]:
    """The columns of a query that are ``GROUP_CONCAT`` cells (directly or through ``COALESCE``).

    Parameters
    ----------
    text : str
        The query.

    Returns
    -------
    dict
        Column name to its separator (SPARQL's default: one space).

    Examples
    --------
    >>> q = 'SELECT (GROUP_CONCAT(?id; separator=" | ") AS ?ids) { } BIND(COALESCE(?ids, "") AS ?all)'
    >>> concat_columns(q)
    {'ids': ' | ', 'all': ' | '}
    """
    columns: dict[str, str] = {}
    for m in _CONCAT.finditer(text):
        sep = _SEPARATOR.search(m.group("body"))
        columns[m.group("name")] = sep.group("sep") if sep else " "
    for source, alias in _ALIAS.findall(text):
        if source in columns:
            columns[alias] = columns[source]
    return columns


#: a term of the rows: rdflib's or pyoxigraph's
_Term = TypeVar("_Term")


def sort_concat(
    names: Sequence[str], rows: Sequence[tuple[_Term | None, ...]], columns: dict[str, str]
) -> list[tuple[_Term | None, ...]]:
    """The rows with the parts of every ``GROUP_CONCAT`` cell sorted (language and datatype kept).

    Parameters
    ----------
    names : sequence of str
        The variable names.
    rows : sequence of tuple
        The rows: rdflib terms or pyoxigraph terms, ``None`` if unbound.
    columns : dict
        The ``GROUP_CONCAT`` columns and their separators (:func:`concat_columns`).

    Returns
    -------
    list of tuple
        The rows, each such cell a literal of the same kind, language and datatype.

    Examples
    --------
    >>> from rdflib import Literal
    >>> sort_concat(["ids"], [(Literal("b | a | c"),)], {"ids": " | "})
    [(rdflib.term.Literal('a | b | c'),)]
    >>> sort_concat(["ids"], [(ox.Literal("b a", language="de"),)], {"ids": " "})
    [(<Literal value=a b language=de>,)]
    """
    where = {i: columns[n] for i, n in enumerate(names) if n in columns}
    if not where:
        return list(rows)
    term = sys.modules.get("rdflib.term")  # rows of rdflib terms have it loaded; others need no import

    def cell(i: int, value: _Term | None) -> _Term | None:
        if i not in where:
            return value
        if isinstance(value, ox.Literal):
            if not value.value:
                return value
            joined = where[i].join(sorted(value.value.split(where[i])))
            if value.language:
                return cast(_Term, ox.Literal(joined, language=value.language))
            return cast(_Term, ox.Literal(joined, datatype=value.datatype))
        if term is None or not isinstance(value, term.Literal) or not str(value):
            return value
        parts = sorted(str(value).split(where[i]))
        return cast(_Term, term.Literal(where[i].join(parts), lang=value.language, datatype=value.datatype))

    return [tuple(cell(i, v) for i, v in enumerate(row)) for row in rows]
