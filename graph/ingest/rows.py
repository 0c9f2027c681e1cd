"""Cells: the values of one spreadsheet row, parsed by their column's type.

Dates and numbers are read as German and English spreadsheets write them; text is trimmed and
NFC-normalised, and refused when it holds control characters or bidi overrides; list cells are
split at ``|``. Every cell that does not parse is a :class:`~ikg.graph.ingest.problems.Problem`
of its row. Nothing here looks beyond the row: see :mod:`ikg.graph.ingest.refs`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from rdflib import Literal
from rdflib.namespace import XSD

from ikg.graph.ingest.problems import Problem
from ikg.graph.ingest.schema import Column
from ikg.graph.ingest.tabular import RawTable

__all__ = ["Row", "date_form_known", "parse_date", "parse_decimal", "parse_row"]

_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y")),
)
_YEAR_MONTH = (re.compile(r"^(\d{1,2})\.(\d{4})$"), re.compile(r"^(\d{4})-(\d{1,2})$"))
_YEAR = re.compile(r"^(\d{4})$")
# C0/C1 control characters other than tab, newline, carriage return; and bidi overrides,
# which can make a name read differently from what it is (Trojan Source).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def parse_date(value: Any) -> Literal | None:
    """Parse a date cell into an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal.

    Parameters
    ----------
    value : str, datetime.date or number
        ``2015-06-30``, ``30.06.2015``, ``06.2015``, ``2015-06`` or ``2015``; or a date an XLSX
        cell holds.

    Returns
    -------
    rdflib.Literal or None
        ``None`` if the value is not a date.

    Examples
    --------
    >>> parse_date("30.06.2015")
    rdflib.term.Literal('2015-06-30', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
    >>> str(parse_date("2007")), parse_date("31.02.2015")
    ('2007', None)
    """
    if isinstance(value, dt.datetime):
        return Literal(value.date().isoformat(), datatype=XSD.date)
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return Literal(f"{value:04d}", datatype=XSD.gYear)
    if isinstance(value, float) and value.is_integer() and 1000 <= value <= 9999:
        return Literal(f"{int(value):04d}", datatype=XSD.gYear)
    return _parse_date_text(str(value).strip())


@lru_cache(maxsize=65536)
def _parse_date_text(text: str) -> Literal | None:
    """:func:`parse_date` of a cell's text, remembered.

    The same dates recur (at 10,000 actors, 21,000 date cells), and each rdflib literal costs
    some 50 microseconds to make.
    """
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
            try:
                day = dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
            return Literal(day.isoformat(), datatype=XSD.date)
    for i, pattern in enumerate(_YEAR_MONTH):
        m = pattern.match(text)
        if m:
            a, b = (int(g) for g in m.groups())
            month, year = (a, b) if i == 0 else (b, a)
            if 1 <= month <= 12:
                return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
            return None
    if _YEAR.match(text):
        return Literal(text, datatype=XSD.gYear)
    return None


def date_form_known(value: Any) -> bool:
    """Whether a cell is written in one of the date forms ikg reads, whether or not the date exists.

    Tells ``31.02.2025`` (a known form, but no such day) from ``31/2/25`` or ``Februar`` (a form
    ikg does not read).

    Examples
    --------
    >>> date_form_known("31.02.2025"), date_form_known("13.2025"), date_form_known("Februar 2025")
    (True, True, False)
    """
    text = str(value).strip()
    patterns = [p for p, _ in _DATE_PATTERNS] + [*_YEAR_MONTH, _YEAR]
    return any(p.match(text) for p in patterns)


def parse_decimal(value: Any) -> Decimal | None:
    """Parse a number cell, German (``26,5``, ``1.234,5``) or English (``26.5``).

    Parameters
    ----------
    value : str or number
        The cell as read.

    Returns
    -------
    decimal.Decimal or None
        ``None`` if the value is not a number (a boolean, NaN, text that is no number).

    Examples
    --------
    >>> parse_decimal("26,5"), parse_decimal("1.234,5"), parse_decimal(34), parse_decimal("x")
    (Decimal('26.5'), Decimal('1234.5'), Decimal('34'), None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)).normalize() if value == value else None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." in text:
        # the separator that comes last is the decimal one
        comma_last = text.rfind(",") > text.rfind(".")
        text = text.replace(".", "").replace(",", ".") if comma_last else text.replace(",", "")
    elif "," in text:
        if text.count(",") > 1:
            return None
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number.normalize() if number == number.to_integral() else number


#: a cell ikg wrote spreadsheet-safe (:func:`ikg.graph.cells.spreadsheet_safe`): ``'=x`` stands for ``=x``
_SAFE_PREFIXED = re.compile(r"^'(?=[=+\-@])")


def _text(value: Any) -> str:
    """A cell as text: whole floats without ``.0``, dates in ISO form, text trimmed and NFC.

    The apostrophe a spreadsheet-safe CSV puts before ``=``, ``+``, ``-`` or ``@`` is taken off
    again, so that what ikg exports imports as it was.

    Examples
    --------
    >>> _text(" AG Sprache "), _text(2015.0), _text("'=HYPERLINK(1)"), _text("'Sprache'")
    ('AG Sprache', '2015', '=HYPERLINK(1)', "'Sprache'")
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _SAFE_PREFIXED.sub("", unicodedata.normalize("NFC", str(value).strip()))


@dataclass(frozen=True, eq=False, slots=True)
class Row:
    """One row of a table: its values by column, and the problems found in it so far.

    Later steps do not change a row; they make a new one with more problems or resolved values.

    Attributes
    ----------
    table : RawTable
        The table the row is in.
    number : int
        Spreadsheet row number (the header is row 1).
    values : mapping
        Canonical column name to the parsed value: ``str``, a list of ``str`` (``refs``,
        ``choices``), an rdflib ``Literal`` (``date``) or a ``Decimal``. Empty and unparsable
        cells are absent.
    problems : tuple of Problem
    """

    table: RawTable
    number: int
    values: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    def get(self, name: str, default: Any = None) -> Any:
        """Return the value of column ``name``, or ``default`` when the cell is empty."""
        return self.values.get(name, default)

    def problem(self, code: str, col: Column | None, **args: Any) -> Problem:
        """Return a problem placed at this row and column ``col``.

        Parameters
        ----------
        code : str
            One of :data:`ikg.graph.ingest.problems.CODES`.
        col : Column or None
            The column it is in, if any.
        **args
            Values for the message.

        Returns
        -------
        Problem
            The problem; the row itself is not changed.
        """
        return _problem(self.table, self.number, code, col, args)


def _problem(table: RawTable, number: int, code: str, col: Column | None, args: dict[str, Any]) -> Problem:
    return Problem(code, table.source, number, col.name if col else None, args)


def parse_row(table: RawTable, number: int, cells: Mapping[str, Any]) -> Row:
    """Parse the cells of one row by the types of their columns.

    Parameters
    ----------
    table : RawTable
        The table the row is in; its sheet gives the columns.
    number : int
        Spreadsheet row number.
    cells : mapping
        Canonical column name to the cell as read (see :class:`RawTable`).

    Returns
    -------
    Row
        The parsed values, and a problem for every required cell that is empty (when its column
        is there at all: a missing column is reported once, for the header) and every cell that
        does not parse.
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for col in table.sheet.columns:
        raw = cells.get(col.name)
        if raw is None:
            if col.required and col.name in table.columns:
                problems.append(_problem(table, number, "empty_required", col, {}))
            continue
        value, reason = _parse_cell(col, raw)
        if reason is None:
            values[col.name] = value
        else:
            problems.append(_problem(table, number, reason[0], col, reason[1]))
    return Row(table, number, values, tuple(problems))


def _parse_cell(col: Column, raw: Any) -> tuple[Any, tuple[str, dict[str, Any]] | None]:
    """The value of one cell, or why it does not parse (a problem code and its arguments)."""
    if col.type == "date":
        lit = parse_date(raw)
        if lit is not None:
            return lit, None
        return None, ("impossible_date" if date_form_known(raw) else "bad_date", {"value": _text(raw)})
    if col.type == "decimal":
        number = parse_decimal(raw)
        return (number, None) if number is not None else (None, ("bad_number", {"value": _text(raw)}))
    text = _text(raw)
    bad = _BAD_CHARS.search(text)
    if bad:
        return None, ("bad_text", {"detail": f"U+{ord(bad.group()):04X}"})
    if col.type in ("refs", "choices"):
        return [part.strip() for part in text.split("|") if part.strip()], None
    return text, None
