"""Tables as Excel workbooks (XLSX): one sheet, a bold frozen header with a filter, typed cells.

Numbers are number cells, dates date cells (``DD.MM.YYYY`` in German, ``YYYY-MM-DD`` in English),
truth values boolean cells; text is always a text cell, never a formula, whatever it starts with
(openpyxl would store ``=HYPERLINK(...)`` as a formula: the cell's type is set back to text, and
it is marked with Excel's quote prefix, so that editing it does not turn it into one either).
The same table gives the same bytes (fixed times in the package and its properties).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ikg.graph.cells import Cell
from ikg.graph.i18n import Lang

__all__ = ["sheet_title", "xlsx_bytes"]
#: Excel's limit on the text of one cell
_MAX_CELL = 32_767
_DATE_FORMAT = {"de": "DD.MM.YYYY", "en": "YYYY-MM-DD"}
_MIN_WIDTH, _MAX_WIDTH = 6, 60
#: the time written into the package, so that the same table gives the same file
_FIXED = dt.datetime(2000, 1, 1)
_FORMULA_START = ("=", "+", "-", "@")


def sheet_title(text: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of ``[]:*?/\\``.

    Examples
    --------
    >>> sheet_title("wg-members"), sheet_title("a/b: [c]?"), sheet_title("")
    ('wg-members', 'a b c', 'ikg')
    """
    cleaned = " ".join(re.sub(r"[\[\]:*?/\\]", " ", text).split())[:31].strip("' ")
    return cleaned or "ikg"


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:_MAX_CELL]


def _shown(value: Cell) -> str:
    """Roughly what the cell shows, for the column width."""
    if isinstance(value, dt.date):
        return "00.00.0000"
    return "" if value is None else str(value)


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], lang: Lang, title: str = "ikg") -> bytes:
    """Write a table as an XLSX workbook of one sheet.

    Parameters
    ----------
    header : sequence of str
        The column names (the first row, bold, frozen, with a filter).
    rows : iterable of sequences
        Cells (:data:`ikg.graph.cells.Cell`): text, numbers, truth values, dates or ``None``.
    lang : Lang
        Chooses the date format.
    title : str
        The sheet's name (made acceptable by :func:`sheet_title`).

    Returns
    -------
    bytes
        The workbook.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    widths = [len(h) for h in header]
    bold = Font(bold=True)
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col)
        cell.value = _text(name)
        cell.data_type = "s"
        cell.font = bold
    n = 1
    for n, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            _put(ws.cell(row=n, column=col), value, lang)
            if col <= len(widths):
                widths[col - 1] = max(widths[col - 1], min(len(_shown(value)), _MAX_WIDTH))
    ws.freeze_panes = "A2"
    if header:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{n}"
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(_MIN_WIDTH, min(width, _MAX_WIDTH)) + 2
    wb.properties.creator = "ikg"
    wb.properties.created = _FIXED
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_times(buf.getvalue())


def _put(cell: Any, value: Cell, lang: Lang) -> None:
    """Fill one cell with its proper type; text never becomes a formula."""
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | Decimal | float):
        if isinstance(value, int) and abs(value) >= 10**15:
            _put_text(cell, str(value))  # beyond Excel's 15 digits: keep every digit as text
        elif isinstance(value, float | Decimal) and not math.isfinite(float(value)):
            _put_text(cell, str(value))
        else:
            cell.value = value
            exponent = value.as_tuple().exponent if isinstance(value, Decimal) else 0
            if isinstance(exponent, int) and exponent < 0:  # as many decimals as written: 3.000
                cell.number_format = "0." + "0" * min(-exponent, 15)
    elif isinstance(value, dt.datetime):
        _put_text(cell, value.isoformat())
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = _DATE_FORMAT[lang]
    else:
        _put_text(cell, str(value))


def _put_text(cell: Any, text: str) -> None:
    cell.value = _text(text)
    cell.data_type = "s"  # openpyxl made "=..." a formula: text it is
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True  # stays text when edited in Excel


def _fixed_times(package: bytes) -> bytes:
    """The same package with fixed times (zip entries and the document's properties)."""
    stamp = _FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, data)
    return out.getvalue()
