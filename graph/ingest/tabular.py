"""Reading spreadsheets: a folder of CSV files or one XLSX workbook, into raw tables.

CSV is read as German Excel writes it: ``;``, ``,`` or tab delimiter (detected from the header
line), UTF-8 with or without BOM, or Windows-1252. A symbolic link in a CSV folder is read only
when it leads to a file inside that folder. Nothing here interprets values: see
:mod:`ikg.graph.ingest.mapping`.

XLSX workbooks are read by :mod:`ikg.graph.ingest.workbook`.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ikg.graph.errors import InputError
from ikg.graph.i18n import LANGS, format_number, t
from ikg.graph.ingest.problems import Problem
from ikg.graph.ingest.schema import SHEETS, Sheet, is_note, normalise_name, sheet_for_name
from ikg.graph.spelling import closest

__all__ = ["TABLE_SUFFIXES", "RawTable", "link_target_inside", "max_input_bytes", "read_csv_text", "read_tables"]

_DEFAULT_MAX_MB = 100
#: the most characters one cell may hold: Excel's own limit
MAX_CELL_CHARS = 32_767
#: file name endings read from a CSV folder
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
#: problems that refuse the whole input: no table is read, so none is reported missing
_REFUSED_WHOLE = frozenset({"too_large", "xlsx_doctype", "xml_encoding"})


def max_input_bytes() -> int:
    """Return the input size cap in bytes (env ``IKG_MAX_INPUT_MB``, default 100 MB)."""
    raw = os.environ.get("IKG_MAX_INPUT_MB", "")
    try:
        mb = float(raw) if raw else _DEFAULT_MAX_MB
    except ValueError:
        mb = _DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


@dataclass
class RawTable:
    """One table as read: its kind, where it came from, and its rows as cells by column.

    Attributes
    ----------
    sheet : Sheet
        The kind of table.
    source : str
        File name (CSV) or sheet title (XLSX), used in messages.
    rows : list of (int, dict)
        Spreadsheet row number (header is row 1) and the cells by canonical column name;
        a cell is a ``str`` (CSV and text cells) or what openpyxl returned (number, date).
    columns : set of str
        The canonical names of the columns present.
    headers : dict
        Canonical column name to the header as the user wrote it (``typ`` for ``type``), so
        that messages name columns in the user's own spelling.
    """

    sheet: Sheet
    source: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)
    headers: dict[str, str] = field(default_factory=dict)


def _fmt_size(n: int) -> dict[str, str]:
    """A size in MB as each language writes it (``20.0 MB``, ``20,0 MB``)."""
    return {lang: f"{format_number(n / 1024 / 1024, lang, 1)} MB" for lang in LANGS}


def _not_xlsx(exc: Exception) -> dict[str, str]:
    return {lang: t("ingest.detail.not_xlsx", lang, detail=str(exc)) for lang in LANGS}


class _RowError(csv.Error):
    """A CSV row that cannot be read; ``str`` names the row (``row 7: ...``)."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(t("ingest.detail.csv_row", "en", row=row, detail=reason))
        self.row = row
        self.reason = reason

    def detail(self) -> dict[str, str]:
        """The reason with its row, in each language."""
        return {lang: t("ingest.detail.csv_row", lang, row=self.row, detail=self.reason) for lang in LANGS}


def _check_size(path: Path, size: int, problems: list[Problem]) -> bool:
    limit = max_input_bytes()
    if size > limit:
        problems.append(Problem("too_large", path.name, args={"size": _fmt_size(size), "limit": _fmt_size(limit)}))
        return False
    return True


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _detect_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: 0 for d in (";", ",", "\t")}
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


#: every table name an import knows, German and English
_TABLE_NAMES = [name for sheet in SHEETS for name in (sheet.alias, sheet.name)]


def _headers(sheet: Sheet, seen: set[str]) -> list[str]:
    """The headers of a table not yet found, German and English: what an unknown header may mean."""
    return [name for c in sheet.columns if c.name not in seen for name in (c.alias, c.name)]


def _unknown(code: str, source: str, row: int | None, args: dict[str, Any], candidates: list[str]) -> Problem:
    """A table or column ikg does not know: a warning when it is passed over, an error when its
    name is close to a known one (``Mitgliedschaft``, ``Otr``), with that name as the suggestion.

    Such a near miss is most likely the table or column meant: passing over it would lose what
    it holds without a word, so nothing is imported until the name is corrected.
    """
    near = closest(str(next(iter(args.values()))), candidates)
    if near is None:
        return Problem(code, source, row, None, args, "warning")
    return Problem(f"{code}_near", source, row, None, {**args, "suggestion": near})


def _map_header(
    sheet: Sheet, header: list[Any], source: str, problems: list[Problem], written: dict[str, str] | None = None
) -> dict[int, str]:
    names = {normalise_name(c.name): c.name for c in sheet.columns}
    names.update({normalise_name(c.alias): c.name for c in sheet.columns})
    index: dict[int, str] = {}
    seen: set[str] = set()
    for i, cell in enumerate(header):
        text = "" if cell is None else str(cell)
        if not text.strip():
            continue
        col = names.get(normalise_name(text))
        if col is None:
            problems.append(_unknown("unknown_column", source, 1, {"header": text.strip()}, _headers(sheet, seen)))
            continue
        if col in seen:
            problems.append(Problem("duplicate_column", source, 1, col, {"column": col}))
            continue
        seen.add(col)
        index[i] = col
        if written is not None:
            written[col] = text.strip()
    for column in sheet.columns:
        if column.required and column.name not in seen:
            args = {"column": column.name, "alias": column.alias}
            problems.append(Problem("missing_column", source, 1, column.name, args))
    return index


def _table_from_rows(sheet: Sheet, source: str, rows: Any, problems: list[Problem]) -> RawTable:
    table = RawTable(sheet, source)
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        problems.append(Problem("no_rows", source, args={"sheet": sheet.name}))
        return table
    index = _map_header(sheet, list(header), source, problems, table.headers)
    table.columns = set(index.values())
    for number, row in enumerate(iterator, start=2):
        cells: dict[str, Any] = {}
        for i, value in enumerate(row):
            col = index.get(i)
            if col is None or value is None:
                continue
            if isinstance(value, str):
                value = value.strip()
                if not value:
                    continue
                if len(value) > MAX_CELL_CHARS:
                    problems.append(
                        Problem("cell_too_long", source, number, col, {"length": len(value), "limit": MAX_CELL_CHARS})
                    )
                    continue
            cells[col] = value
        if cells:
            table.rows.append((number, cells))
    return table


def read_csv_text(sheet: Sheet, source: str, text: str, problems: list[Problem]) -> RawTable:
    """Read one CSV text (already decoded) into a :class:`RawTable`."""
    delimiter = _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as exc:  # e.g. a field past the csv module's limit: say where
            raise _RowError(reader.line_num, str(exc)) from exc

    return _table_from_rows(sheet, source, rows(), problems)


def link_target_inside(root: Path, link: Path) -> Path | None:
    """Return where a symbolic link leads, if that is a place inside the folder ``root``.

    A link to a file in the folder reads nothing the folder does not hold (an export kept as
    ``export/akteure-v2.csv`` and linked as ``akteure.csv``), so an import follows it. Every link
    on the way is resolved, so a chain of links that ends outside the folder is refused too.

    Parameters
    ----------
    root : Path
        The folder, already resolved (:meth:`pathlib.Path.resolve`).
    link : Path
        A symbolic link in it.

    Returns
    -------
    Path or None
        The resolved target; ``None`` if it lies outside ``root``, does not exist (a dangling
        link) or cannot be resolved (a loop, a folder on the way that cannot be read).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     root = Path(tmp).resolve()
    ...     _ = (root / "a.csv").write_text("id")
    ...     (root / "b.csv").symlink_to("a.csv")
    ...     (root / "c.csv").symlink_to("/etc/passwd")
    ...     [link_target_inside(root, root / n) == root / "a.csv" for n in ("b.csv", "c.csv")]
    [True, False]
    """
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return target if target.is_relative_to(root) else None


def _folder_files(path: Path, problems: list[Problem]) -> tuple[list[tuple[str, Path]], set[str]]:
    """The table files of a folder: (name as listed, file to read); links out of it refused.

    Returns the files and the stems of the refused links (their tables are not also reported
    missing). Nothing is opened here, and a refused link's target is not even looked at.
    """
    root = path.resolve()
    files: list[tuple[str, Path]] = []
    refused: set[str] = set()
    for entry in sorted(path.iterdir()):
        if entry.suffix.lower() not in TABLE_SUFFIXES:
            continue
        if entry.is_symlink():
            target = link_target_inside(root, entry)
            if target is None:
                problems.append(Problem("symlink_outside", entry.name, args={"folder": path.name}))
                refused.add(entry.stem)
                continue
        else:
            target = root / entry.name
        if target.is_file():
            files.append((entry.name, target))
    return files, refused


def _read_no_follow(path: Path) -> bytes:
    """Read a file the folder check has let through, not following a link put there since."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def _read_folder(path: Path, problems: list[Problem]) -> tuple[dict[str, RawTable], set[str]]:
    tables: dict[str, RawTable] = {}
    files, refused = _folder_files(path, problems)
    refused_sheets = {sheet.name for stem in refused if (sheet := sheet_for_name(stem)) is not None}
    total = sum(target.stat().st_size for _, target in files)
    if not _check_size(path, total, problems):
        return tables, refused_sheets
    for name, target in files:
        file = Path(name)
        sheet = sheet_for_name(file.stem)
        if sheet is None:
            if file.suffix.lower() == ".csv" and not is_note(file.stem):
                problems.append(_unknown("unknown_table", file.name, None, {"name": file.stem}, _TABLE_NAMES))
            continue
        if sheet.name in tables:
            problems.append(
                Problem(
                    "duplicate_table",
                    file.name,
                    args={"sheet": sheet.name, "first": tables[sheet.name].source, "second": file.name},
                )
            )
            continue
        try:
            text = _decode(_read_no_follow(target))
        except OSError as exc:
            problems.append(Problem("unreadable", file.name, args={"detail": exc.strerror or str(exc)}))
            continue
        try:
            tables[sheet.name] = read_csv_text(sheet, file.name, text, problems)
        except csv.Error as exc:
            detail = exc.detail() if isinstance(exc, _RowError) else str(exc)
            problems.append(Problem("unreadable", file.name, args={"detail": detail}))
    return tables, refused_sheets


def read_tables(path: str | os.PathLike[str]) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read a CSV folder or an XLSX workbook.

    Parameters
    ----------
    path : path-like
        A folder holding one CSV file per table, or an ``.xlsx`` workbook with one sheet per table.

    Returns
    -------
    tables : dict
        Canonical table name to :class:`RawTable`, for the tables present.
    problems : list of Problem
        Everything found wrong while reading (unknown or duplicate columns, missing required
        columns, missing ``concept`` table, input above the size cap ...).

    Raises
    ------
    InputError
        If ``path`` does not exist or is neither a folder nor a workbook.
    """
    p = Path(path)
    problems: list[Problem] = []
    refused: set[str] = set()  # tables whose file is there but refused: not also reported missing
    if p.is_dir():  # the folder itself may be a link: the user named it
        tables, refused = _read_folder(p, problems)
    elif p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm"):
        from ikg.graph.ingest.workbook import read_workbook

        tables = read_workbook(p, problems)
    elif p.exists():
        raise InputError(key="ingest.error.not_a_spreadsheet", path=str(p))
    else:
        raise InputError(key="ingest.error.no_such_path", path=str(p))
    if not any(pr.code in _REFUSED_WHOLE for pr in problems):
        for sheet in SHEETS:
            if sheet.required and sheet.name not in tables and sheet.name not in refused:
                problems.append(Problem("missing_sheet", p.name, args={"sheet": sheet.name, "alias": sheet.alias}))
    return tables, problems
