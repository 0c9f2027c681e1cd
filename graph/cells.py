"""Cells for spreadsheets: the one place that makes CSV and TSV safe to open in Excel or LibreOffice.

Every CSV or TSV ikg writes (query results on the command line and over HTTP, gaps, metrics, the
SPARQL endpoint's ``text/csv`` and ``text/tab-separated-values``) passes its cells through
:func:`spreadsheet_safe`; SPARQL results are written by :func:`write_sparql_csv` and
:func:`write_sparql_tsv`, which follow the W3C formats and apply it to every value.

Tables for people (query results, gaps, metrics) are written by :func:`write_csv` in the form
the language's spreadsheet programs open without an import dialogue: in German ``;`` between
cells, a byte order mark, ``0,412`` and ``30.06.2015``; in English ``,``, no mark, ``0.412`` and
``2015-06-30``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, TypeAlias

import pyoxigraph as ox

if TYPE_CHECKING:
    from ikg.graph.i18n import Lang

__all__ = [
    "Cell",
    "csv_bytes",
    "csv_text",
    "number_text",
    "spreadsheet_safe",
    "write_csv",
    "write_sparql_csv",
    "write_sparql_tsv",
]

#: one cell of a table for spreadsheets: text, a whole or decimal number, a truth value, a date, or empty
Cell: TypeAlias = str | int | float | Decimal | bool | dt.date | None
#: what German spreadsheet programs expect: cells separated by ``;``, a byte order mark before UTF-8
_DELIMITER = {"de": ";", "en": ","}

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


def number_text(value: int | float | Decimal, lang: Lang) -> str:
    """A number as the spreadsheet programs of ``lang`` read it back: all its digits, never in
    exponent form, no thousands separator; a decimal comma in German.

    Examples
    --------
    >>> number_text(Decimal("4E+1"), "de"), number_text(Decimal("-1234.5"), "de"), number_text(0.25, "en")
    ('40', '-1234,5', '0.25')
    """
    text = format(value, "f") if isinstance(value, Decimal) else repr(value) if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "de" else text


def csv_text(value: Cell, lang: Lang) -> str:
    """A cell as CSV text in the convention of ``lang`` (text made spreadsheet-safe).

    Numbers keep their digits (German: a decimal comma, no thousands separator), dates are
    ``DD.MM.YYYY`` in German and ISO in English, truth values are the words the language's
    spreadsheet programs read as such (``WAHR``/``FALSCH``, ``true``/``false``).

    Examples
    --------
    >>> from decimal import Decimal
    >>> csv_text(Decimal("0.412"), "de"), csv_text(-5, "de"), csv_text(0.25, "en")
    ('0,412', '-5', '0.25')
    >>> csv_text(dt.date(2015, 6, 30), "de"), csv_text(dt.date(2015, 6, 30), "en")
    ('30.06.2015', '2015-06-30')
    >>> csv_text(True, "de"), csv_text(False, "en"), csv_text(None, "de"), csv_text("=1+1", "de")
    ('WAHR', 'false', '', "'=1+1")
    """
    from ikg.graph.i18n import t  # the catalogue (Babel) only where words are written, not in the engine

    if value is None:
        return ""
    if isinstance(value, bool):
        return t("formats.csv.true", lang) if value else t("formats.csv.false", lang)
    if isinstance(value, int | float | Decimal):
        return number_text(value, lang)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()
    return spreadsheet_safe(str(value))


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Cell]], lang: Lang) -> int:
    """Write a table as the CSV the spreadsheet programs of ``lang`` open correctly.

    German: ``;`` between cells, decimal comma, dates ``DD.MM.YYYY``; English: ``,``, decimal
    point, ISO dates. Lines end with CRLF (RFC 4180); every text cell is spreadsheet-safe. The
    byte order mark German Excel needs is added by :func:`csv_bytes`.

    Parameters
    ----------
    out : text stream
        Opened with ``newline=""``.
    header : sequence of str
        The column names.
    rows : iterable of sequences
        Cells (:data:`Cell`).
    lang : Lang
        ``de`` or ``en``.

    Returns
    -------
    int
        The number of rows written.
    """
    writer = csv.writer(out, delimiter=_DELIMITER[lang], lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(h) for h in header])
    n = 0
    for row in rows:
        writer.writerow([csv_text(v, lang) for v in row])
        n += 1
    return n


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], lang: Lang) -> bytes:
    """The table of :func:`write_csv` as UTF-8 bytes; German with a byte order mark (Excel reads UTF-8 then).

    Examples
    --------
    >>> from decimal import Decimal
    >>> csv_bytes(["Name", "Wert"], [("AG Sprache; Kita", Decimal("0.5"))], "de")
    b'\\xef\\xbb\\xbfName;Wert\\r\\n"AG Sprache; Kita";0,5\\r\\n'
    >>> csv_bytes(["name", "score"], [("AG Sprache", Decimal("0.5"))], "en")
    b'name,score\\r\\nAG Sprache,0.5\\r\\n'
    """
    buf = io.StringIO(newline="")
    write_csv(buf, header, rows, lang)
    return buf.getvalue().encode("utf-8-sig" if lang == "de" else "utf-8")
