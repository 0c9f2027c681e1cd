"""Cells for spreadsheets: the one place that makes CSV and TSV safe to open in Excel or LibreOffice.

Every CSV or TSV ikg writes (query results on the command line and over HTTP, gaps, metrics, the
SPARQL endpoint's ``text/csv`` and ``text/tab-separated-values``) passes its cells through
:func:`spreadsheet_safe`; SPARQL results are written by :func:`write_sparql_csv` and
:func:`write_sparql_tsv`, which follow the W3C formats and apply it to every value.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import IO

import pyoxigraph as ox

__all__ = ["spreadsheet_safe", "write_sparql_csv", "write_sparql_tsv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: literals the SPARQL TSV format may write bare (Turtle's abbreviated numbers and booleans)
_BARE = {
    _XSD + "integer": re.compile(r"[+-]?\d+"),
    _XSD + "decimal": re.compile(r"[+-]?\d*\.\d+"),
    _XSD + "double": re.compile(r"[+-]?(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+)"),
    _XSD + "boolean": re.compile(r"true|false"),
}


def spreadsheet_safe(text: str) -> str:
    """Neutralise a cell a spreadsheet program would run as a formula (CSV injection).

    Excel and LibreOffice evaluate a CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (and
    some that start with a tab or carriage return): ``=HYPERLINK(...)`` or ``=cmd|...`` typed into
    a concept's spreadsheet would run on the machine of whoever opens ikg's CSV output. Such a
    cell gets a leading apostrophe, which the programs show as text (OWASP's advice). Numbers such
    as ``-0.5`` stay as they are.

    Examples
    --------
    >>> print(spreadsheet_safe('=HYPERLINK("http://x","klick")'))
    '=HYPERLINK("http://x","klick")
    >>> spreadsheet_safe("-0.5"), spreadsheet_safe("AG Sprache"), spreadsheet_safe("@SUM(A1)")
    ('-0.5', 'AG Sprache', "'@SUM(A1)")
    """
    if not text.startswith(_FORMULA_START):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.NamedNode | ox.Literal):
        return spreadsheet_safe(term.value)
    return spreadsheet_safe(str(term))  # an RDF-star triple


def _tsv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        pattern = _BARE.get(term.datatype.value)
        if pattern is not None and pattern.fullmatch(term.value):
            return term.value
        if term.value != spreadsheet_safe(term.value):
            safe = "'" + term.value
            term = (
                ox.Literal(safe, language=term.language) if term.language else ox.Literal(safe, datatype=term.datatype)
            )
    return str(term)


def write_sparql_csv(out: IO[str], variables: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write SELECT results as SPARQL 1.1 CSV (plain values, CRLF), every value spreadsheet-safe.

    Parameters
    ----------
    out : text stream
        Opened with ``newline=""``.
    variables : sequence of str
        Variable names, without ``?``.
    rows : iterable of sequences
        pyoxigraph terms, ``None`` for unbound.

    Returns
    -------
    int
        The number of rows written.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO(newline="")
    >>> minus_two = ox.Literal("-2", datatype=ox.NamedNode(_XSD + "integer"))
    >>> write_sparql_csv(buf, ["x", "n"], [(ox.Literal("=1+1"), minus_two)])
    1
    >>> buf.getvalue()
    "x,n\\r\\n'=1+1,-2\\r\\n"
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    n = 0
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
        n += 1
    return n


def write_sparql_tsv(out: IO[str], variables: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write SELECT results as SPARQL 1.1 TSV (terms in Turtle syntax), every literal spreadsheet-safe.

    Numbers and booleans are written bare, as the format allows; a literal whose text starts like
    a formula gets the apostrophe inside its quotes.

    Returns
    -------
    int
        The number of rows written.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> three = ox.Literal("3", datatype=ox.NamedNode(_XSD + "integer"))
    >>> write_sparql_tsv(buf, ["x", "n"], [(ox.Literal("@SUM(A1)", language="de"), three)])
    1
    >>> buf.getvalue()
    '?x\\t?n\\n"\\'@SUM(A1)"@de\\t3\\n'
    """
    out.write("\t".join("?" + v for v in variables) + "\n")
    n = 0
    for row in rows:
        out.write("\t".join(_tsv_value(t) for t in row) + "\n")
        n += 1
    return n
