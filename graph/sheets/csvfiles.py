"""Tables as a folder of CSV files, the way German (or English) Excel writes and reads them.

German: ``;`` between cells, dates ``30.06.2015``, numbers ``26,5``. English: ``,``, ISO dates,
``26.5``. Both UTF-8 with a byte order mark (so Excel reads umlauts right), lines ending in
CRLF, and a read-me with the instructions beside the tables. Every text cell is
spreadsheet-safe: one that starts like a formula gets an apostrophe, which the import takes off.
"""

from __future__ import annotations

import csv
import io
import os
import textwrap
import zipfile
from pathlib import Path

from ikg.graph.errors import InputError
from ikg.graph.i18n import Lang, t
from ikg.graph.ingest.schema import SHEETS, sheet_for_name
from ikg.graph.ingest.tabular import TABLE_SUFFIXES
from ikg.graph.sheets.guide import Line, column_title, csv_delimiter, guide_lines, sheet_title
from ikg.graph.sheets.order import Tables
from ikg.graph.sheets.values import csv_cell

__all__ = ["ENCODING", "ZIP_MEDIA_TYPE", "build_csv", "write_folder", "zip_files"]

#: the encoding of every file written: UTF-8 with a byte order mark
ENCODING = "utf-8-sig"
#: the media type of a zipped CSV folder
ZIP_MEDIA_TYPE = "application/zip"
_README_WIDTH = 100


def _table_file(rows: list[list[str]], lang: Lang) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=csv_delimiter(lang), lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode(ENCODING)


def build_csv(tables: Tables, lang: Lang, concept: str | None = None) -> dict[str, bytes]:
    """Write tables as the CSV files an import reads, and the read-me.

    Parameters
    ----------
    tables : Tables
        Rows per table.
    lang : Lang
        File names, headers, value forms and the read-me in this language.
    concept : str, optional
        The id of the exported concept; ``None`` for the template.

    Returns
    -------
    dict
        File name to its bytes: one ``.csv`` per table of :data:`~ikg.graph.ingest.schema.SHEETS`
        (a header only, where the table is empty), then ``LIESMICH.txt`` or ``README.txt``.
    """
    files: dict[str, bytes] = {}
    for sheet in SHEETS:
        header = [column_title(c, lang) for c in sheet.columns]
        body = [[csv_cell(row.get(c.name), lang) for c in sheet.columns] for row in tables.get(sheet.name, [])]
        files[f"{sheet_title(sheet, lang)}.csv"] = _table_file([header, *body], lang)
    files[t("sheets.file.readme", lang)] = _readme(guide_lines(lang, "csv", concept))
    return files


def _readme(lines: list[Line]) -> bytes:
    """The instructions as plain text: headings underlined, paragraphs wrapped for Notepad."""
    out: list[str] = []
    for line in lines:
        if line.style == "text":
            out += ["", *textwrap.wrap(line.text, width=_README_WIDTH, break_long_words=False, break_on_hyphens=False)]
        else:
            rule = ("=" if line.style == "title" else "-") * len(line.text)
            out += ["", "", line.text, rule]
    text = "\r\n".join(out).strip("\r\n")
    return (text + "\r\n").encode(ENCODING)


def zip_files(files: dict[str, bytes], folder: str) -> bytes:
    """The files as one zip archive, inside ``folder`` (what a browser downloads)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def write_folder(files: dict[str, bytes], folder: str | os.PathLike[str]) -> Path:
    """Write the files into ``folder`` (made if need be).

    A folder that already holds other tables is refused: an import reads every table file of a
    folder, so an old ``akteure.csv`` beside a new ``actors.csv`` would be read twice.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    InputError
        If the folder holds table files other than those written here, or is a file.
    """
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise InputError(key="sheets.error.not_a_folder", path=str(path))
    if path.is_dir():
        others = sorted(
            p.name
            for p in path.iterdir()
            if p.suffix.lower() in TABLE_SUFFIXES and p.name not in files and sheet_for_name(p.stem) is not None
        )
        if others:
            raise InputError(key="sheets.error.folder_has_tables", path=str(path), files=", ".join(others))
    path.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (path / name).write_bytes(data)
    return path
