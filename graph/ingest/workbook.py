"""Reading an XLSX workbook into raw tables: checked first, then read by the fastest reader that can.

XLSX: before any parser sees the workbook, every XML part is checked by
:func:`ikg.graph.ingest.xmlguard.scan_xml` (no DOCTYPE, no entities, a known encoding) and the
worksheets are scanned for formulas and error cells. A workbook without either is read with
python-calamine (Rust; about four times faster than openpyxl, and it streams the rows). Formulas
are read as text, never evaluated, and calamine can only give a formula's cached result, not its
text: a workbook with a formula (or an error cell, which calamine reads as empty) is read with
openpyxl instead, in read-only mode with ``data_only=False`` (defusedxml when installed), as before.
Both readers give the same cells (numbers, dates, text; see :func:`_calamine_cell`).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ikg.graph.ingest.problems import Problem
from ikg.graph.ingest.schema import Sheet, is_note, sheet_for_name
from ikg.graph.ingest.tabular import (
    _TABLE_NAMES,
    RawTable,
    _check_size,
    _fmt_size,
    _not_xlsx,
    _table_from_rows,
    _unknown,
    max_input_bytes,
)
from ikg.graph.ingest.xmlguard import XmlVerdict, scan_xml

__all__ = ["read_workbook"]

#: a formula (``<f>``, a shared formula, ``<x:f>``) or an error cell (``t="e"``) in a worksheet
_NEEDS_OPENPYXL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")
#: what every match of :data:`_NEEDS_OPENPYXL` contains: ``<f`` or ``:f`` (the element, with or without
#: a prefix) or an ``e`` between quotes. Looking for these first (a plain byte search) spares running
#: the pattern, which tries at every space, over a sheet that has none (10,000 actors: 0.07 s, not 0.23 s).
_HINTS = (b"<f", b":f", b'"e"', b"'e'", b"\"e'", b"'e\"")
_CHUNK = 1 << 20


def _check_zip(path: Path, problems: list[Problem]) -> bool | None:
    """Check a workbook's container and parts before any parser reads it.

    Returns
    -------
    bool or None
        ``None`` when it is refused (a problem was added); else whether a worksheet holds a
        formula or an error cell, or is not plain UTF-8 (then openpyxl reads it, see the module).
    """
    limit = max_input_bytes()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        problems.append(Problem("unreadable", path.name, args={"detail": _not_xlsx(exc)}))
        return None
    unpacked = sum(i.file_size for i in infos)
    # A workbook unpacks to at most ~20x its size; refuse zip bombs before a reader inflates them.
    if unpacked > 10 * limit:
        problems.append(
            Problem("too_large", path.name, args={"size": _fmt_size(unpacked), "limit": _fmt_size(10 * limit)})
        )
        return None
    needs_openpyxl = False
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                with zf.open(info) as fh:
                    verdict = scan_xml(fh)  # the prolog only: expat reads declarations nowhere else
                if verdict is XmlVerdict.ENTITIES:
                    problems.append(Problem("xlsx_doctype", path.name, args={"part": info.filename}))
                    return None
                if verdict is XmlVerdict.UNDECODABLE:
                    problems.append(Problem("xml_encoding", path.name, args={"part": info.filename}))
                    return None
                if not needs_openpyxl and info.filename.lower().startswith("xl/worksheets/"):
                    with zf.open(info) as fh:
                        needs_openpyxl = _formulas_or_errors(fh)
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        problems.append(Problem("unreadable", path.name, args={"detail": _not_xlsx(exc)}))
        return None
    return needs_openpyxl


def _formulas_or_errors(fh: Any) -> bool:
    """Whether a worksheet part holds a formula or an error cell, or is not plain UTF-8 XML.

    The part is read in pieces (a piece overlaps the last one by a few bytes, so that no element
    is missed at a border); anything unusual answers ``True``, which only means the slower reader.
    """
    tail = b""
    first = True
    while chunk := fh.read(_CHUNK):
        if first:
            if not chunk.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
                return True  # UTF-16 or UTF-32: the byte patterns would not see a formula
            first = False
        window = tail + chunk
        if any(hint in window for hint in _HINTS) and _NEEDS_OPENPYXL.search(window):
            return True
        tail = chunk[-16:]
    return False


def read_workbook(path: Path, problems: list[Problem]) -> dict[str, RawTable]:
    """Read an XLSX workbook, one table per sheet, after checking its parts (see the module).

    Parameters
    ----------
    path : Path
        The workbook.
    problems : list of Problem
        Where everything found wrong is added (a refused or unreadable workbook, unknown or
        duplicate sheets, the header problems of each table).

    Returns
    -------
    dict
        Canonical table name to :class:`~ikg.graph.ingest.tabular.RawTable`.
    """
    if not _check_size(path, path.stat().st_size, problems):
        return {}
    needs_openpyxl = _check_zip(path, problems)
    if needs_openpyxl is None:
        return {}
    return _read_openpyxl(path, problems) if needs_openpyxl else _read_calamine(path, problems)


def _sheet_table(title: str, tables: dict[str, RawTable], problems: list[Problem]) -> Sheet | None:
    """The kind of table a sheet holds, or ``None`` (said as a problem) when it is not read."""
    sheet = sheet_for_name(title)
    if sheet is None:
        if not is_note(title):
            problems.append(_unknown("unknown_table", title, None, {"name": title}, _TABLE_NAMES))
        return None
    if sheet.name in tables:
        args = {"sheet": sheet.name, "first": tables[sheet.name].source, "second": title}
        problems.append(Problem("duplicate_table", title, args=args))
        return None
    return sheet


def _read_calamine(path: Path, problems: list[Problem]) -> dict[str, RawTable]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    tables: dict[str, RawTable] = {}
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own kinds for a broken file
        problems.append(Problem("unreadable", path.name, args={"detail": f"{type(exc).__name__}: {exc}"}))
        return tables
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets: openpyxl's ``worksheets`` leaves them out too
            sheet = _sheet_table(meta.name, tables, problems)
            if sheet is None:
                continue
            ws = workbook.get_sheet_by_name(meta.name)
            tables[sheet.name] = _table_from_rows(sheet, meta.name, _calamine_rows(ws), problems)
    except Exception as exc:
        problems.append(Problem("unreadable", path.name, args={"detail": f"{type(exc).__name__}: {exc}"}))
    finally:
        workbook.close()
    return tables


def _calamine_rows(ws: Any) -> Iterator[list[Any]]:
    """A sheet's rows from row 1 and column A, its cells as openpyxl gives them.

    calamine yields rows from the first (empty ones included) but columns from the first used
    one: the columns before it are put back, so that a header in C3 is read where openpyxl reads it.
    """
    pad = [None] * (ws.start[1] if ws.start else 0)
    for row in ws.iter_rows():
        yield pad + [_calamine_cell(v) for v in row]


def _calamine_cell(value: Any) -> Any:
    """A cell as openpyxl reads it: ``None`` for empty, a whole number as ``int``, a date as ``datetime``.

    Examples
    --------
    >>> _calamine_cell(""), _calamine_cell(2024.0), _calamine_cell(26.5), _calamine_cell(dt.date(2015, 6, 30))
    (None, 2024, 26.5, datetime.datetime(2015, 6, 30, 0, 0))
    """
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _read_openpyxl(path: Path, problems: list[Problem]) -> dict[str, RawTable]:
    import openpyxl  # local: only workbooks with formulas or error cells pay for it

    tables: dict[str, RawTable] = {}
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        problems.append(Problem("unreadable", path.name, args={"detail": f"{type(exc).__name__}: {exc}"}))
        return tables
    try:
        for ws in workbook.worksheets:
            sheet = _sheet_table(ws.title, tables, problems)
            if sheet is not None:
                tables[sheet.name] = _table_from_rows(sheet, ws.title, ws.iter_rows(values_only=True), problems)
    finally:
        workbook.close()
    return tables
