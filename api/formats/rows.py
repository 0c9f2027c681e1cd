"""Rendering SELECT results for people and programs: table, CSV, TSV, JSON, Markdown, XLSX.

:func:`render_rows` gives the text forms; :func:`encode_rows` the bytes of every form, CSV in the
convention of the language (:func:`ikg.graph.cells.write_csv`: German Excel gets ``;``, a byte
order mark and ``0,412``) and XLSX with typed cells (:mod:`ikg.api.formats.xlsx`). RDF terms
(rdflib's or pyoxigraph's, written alike) become spreadsheet cells by :func:`cell_of`: numbers,
dates and truth values keep their type.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeAlias, TypeGuard, cast

import pyoxigraph as ox  # loaded already: ikg.graph.cells writes its terms

if TYPE_CHECKING:
    from rdflib.term import Node

    from ikg.graph.store.base import OxTerm

    #: an RDF term of a row: rdflib's, or pyoxigraph's as the store gives them
    Term: TypeAlias = Node | OxTerm

from ikg.graph.cells import Cell, csv_bytes, csv_text, spreadsheet_safe
from ikg.graph.choices import ROW_FORMATS
from ikg.graph.i18n import Lang

__all__ = ["FORMATS", "MEDIA_TYPES", "cell_of", "encode_rows", "render_rows", "spreadsheet_safe"]

FORMATS = ROW_FORMATS
#: the media type of each form over HTTP
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "table": "text/plain; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_DOUBLE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OX_TERMS = (ox.NamedNode, ox.Literal, ox.BlankNode)
_STRING = _XSD + "string"


def cell_of(term: Term | None) -> Cell:
    """An RDF term as a spreadsheet cell: numbers, dates and truth values typed, everything else text.

    ``xsd:integer`` (and its kinds) becomes ``int``, ``xsd:decimal`` a :class:`~decimal.Decimal`
    (its digits kept), ``xsd:double``/``xsd:float`` a ``float``, ``xsd:boolean`` a ``bool``,
    ``xsd:date`` (without time zone) a date; a literal whose text does not fit its type stays text.
    IRIs are their text, blank nodes ``_:id``. A pyoxigraph term gives the cell of the same
    rdflib term.

    Examples
    --------
    >>> from rdflib import Literal
    >>> from rdflib.namespace import XSD
    >>> cell_of(Literal("0.412", datatype=XSD.decimal)), cell_of(Literal("7", datatype=XSD.integer))
    (Decimal('0.412'), 7)
    >>> cell_of(Literal("2015-06-30", datatype=XSD.date)), cell_of(Literal("2015", datatype=XSD.gYear))
    (datetime.date(2015, 6, 30), '2015')
    >>> cell_of(Literal("true", datatype=XSD.boolean)), cell_of(Literal("viele", datatype=XSD.integer))
    (True, 'viele')
    >>> cell_of(ox.Literal("0.412", datatype=ox.NamedNode(XSD.decimal))), cell_of(ox.BlankNode("b1"))
    (Decimal('0.412'), '_:b1')
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return _typed(term.value, term.datatype.value)  # plain: xsd:string, tagged: rdf:langString
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    from rdflib import BNode, Literal  # loaded already: ``term`` is one of its terms

    if isinstance(term, BNode):
        return "_:" + str(term)
    text = str(term)
    if not isinstance(term, Literal) or term.datatype is None:
        return text
    return _typed(text, str(term.datatype))


def _typed(text: str, datatype: str) -> Cell:
    """The cell of a literal's text and datatype IRI: typed if the text fits the type, else the text."""
    try:
        if datatype in _INTEGERS and _INTEGER.fullmatch(text):
            return int(text)
        if datatype == _XSD + "decimal" and _DECIMAL.fullmatch(text):
            return Decimal(text)
        if datatype in (_XSD + "double", _XSD + "float") and _DOUBLE.fullmatch(text):
            return float(text)
        if datatype == _XSD + "boolean" and text in ("true", "false", "1", "0"):
            return text in ("true", "1")
        if datatype == _XSD + "date" and _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except (ValueError, InvalidOperation):
        pass
    return text


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, _OX_TERMS):
        return value.value  # as rdflib's str(): the IRI, the blank node's id, the literal's text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _is_term(value: object) -> TypeGuard[Term]:
    """Whether ``value`` is a pyoxigraph or an rdflib term, without importing rdflib.

    Rows of plain cells (the findings of ``ikg gaps``) and of pyoxigraph terms (``ikg query``)
    do not pay rdflib's import: if it is not loaded, no value can be one of its terms.
    """
    if isinstance(value, _OX_TERMS):
        return True
    term = sys.modules.get("rdflib.term")
    return term is not None and isinstance(value, term.Node)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        lit = {"type": "literal", "value": term.value}
        if term.language:
            lit["xml:lang"] = term.language
        elif term.datatype.value != _STRING:  # a plain literal, as rdflib's has no datatype
            lit["datatype"] = term.datatype.value
        return lit
    from rdflib import BNode, Literal, URIRef  # loaded already: ``term`` is one of its terms

    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def render_rows(names: Sequence[str], rows: Sequence[Sequence[object]], fmt: str = "table") -> str:
    """Render SELECT results (or a table of cells) as text.

    Parameters
    ----------
    names : sequence of str
        Variable names.
    rows : sequence of sequences
        One tuple of terms (or ``None`` for unbound) per solution; the forms other than ``json``
        also take plain cells (:data:`ikg.graph.cells.Cell`).
    fmt : str
        ``table`` (aligned text), ``csv`` (the English, comma-separated form of
        :func:`ikg.graph.cells.write_csv`), ``tsv`` (plain values, made safe for spreadsheets by
        :func:`spreadsheet_safe`), ``json`` (SPARQL 1.1 Query Results JSON) or ``md`` (Markdown
        table).

    Returns
    -------
    str

    Examples
    --------
    >>> from rdflib import Literal
    >>> print(render_rows(["x"], [(Literal("a|b"),)], "md"))
    | x |
    | --- |
    | a\\|b |
    """
    if fmt == "json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row, strict=True) if _is_term(t)} for row in rows]
        return json.dumps(
            {"head": {"vars": list(names)}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        return csv_bytes(names, _cells(rows), "en").decode("utf-8").rstrip("\r\n")
    if fmt == "tsv":
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([spreadsheet_safe(_plain(t)) for t in row])
        return buf.getvalue().rstrip("\n")
    if fmt == "md":

        def cell(t: object) -> str:
            return _plain(t).replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(names) + " |", "| " + " | ".join("---" for _ in names) + " |"]
        lines += ["| " + " | ".join(cell(t) for t in row) + " |" for row in rows]
        return "\n".join(lines)
    if fmt == "table":
        table = [list(names)] + [[_plain(t).replace("\n", " ") for t in row] for row in rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(names))]
        out = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in table]
        out.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(out)
    raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


def _cells(rows: Sequence[Sequence[object]]) -> list[list[Cell]]:
    return [[cell_of(v) if _is_term(v) else cast(Cell, v) for v in row] for row in rows]


def encode_rows(
    names: Sequence[str], rows: Sequence[Sequence[object]], fmt: str, lang: Lang, title: str = "ikg"
) -> bytes:
    """Any form of a table as the bytes a file or an HTTP answer holds.

    Parameters
    ----------
    names : sequence of str
        Column names.
    rows : sequence of sequences
        RDF terms or plain cells (:data:`ikg.graph.cells.Cell`).
    fmt : str
        One of :data:`FORMATS`. ``csv`` follows ``lang`` (:func:`ikg.graph.cells.csv_bytes`);
        ``xlsx`` is a workbook (:func:`ikg.api.formats.xlsx.xlsx_bytes`); the text forms are
        UTF-8 and end with a line break.
    lang : Lang
        The language of the CSV convention and of the dates in a workbook.
    title : str
        The name of the workbook's sheet.

    Returns
    -------
    bytes

    Examples
    --------
    >>> from rdflib import Literal
    >>> from rdflib.namespace import XSD
    >>> encode_rows(["x"], [(Literal("0.5", datatype=XSD.decimal),)], "csv", "de")
    b'\\xef\\xbb\\xbfx\\r\\n0,5\\r\\n'
    """
    if fmt == "csv":
        return csv_bytes(names, _cells(rows), lang)
    if fmt == "xlsx":
        from ikg.api.formats.xlsx import xlsx_bytes

        return xlsx_bytes(names, _cells(rows), lang, title)
    if fmt in ("md", "table") and lang == "de":  # for people: 0,412, 30.06.2015, WAHR
        rows = [[_german(v) for v in row] for row in rows]
    return (render_rows(names, rows, fmt) + "\n").encode("utf-8")


def _german(value: object) -> object:
    cell = cell_of(value) if _is_term(value) else value
    if cell is None or isinstance(cell, str) or not isinstance(cell, int | float | Decimal | dt.date):
        return value
    return csv_text(cell, "de")
