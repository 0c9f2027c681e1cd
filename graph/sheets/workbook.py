"""Tables as an Excel workbook: instructions first, one sheet per table, drop-down lists, marked columns.

The workbook is the spreadsheet format an import reads (:mod:`ikg.graph.ingest.schema`), made
for people who live in Excel: the header row frozen and required columns bold with a comment;
each column with an input message saying what goes in; drop-down lists for the choice columns
(kept on a hidden lists sheet, in the user's language) and for references to another sheet's ids
(over rows 2 to 5,000, so they grow as rows are added); real dates (``DD.MM.YYYY`` in German) and
numbers. Text is always stored as text: a cell that starts with ``=`` is no formula.
"""

from __future__ import annotations

import io
import math

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ikg.graph.i18n import Lang, t
from ikg.graph.ingest.schema import SHEETS, Column, Sheet
from ikg.graph.sheets.guide import CHOICE_LISTS, Line, column_hint, column_title, guide_lines, list_name, sheet_title
from ikg.graph.sheets.order import Tables
from ikg.graph.sheets.values import Cell, choice_values, xlsx_cell

__all__ = ["MEDIA_TYPE", "VALIDATED_ROWS", "build_workbook"]

#: the media type of a workbook
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: drop-down lists and hints reach down to this row at least (more if a table is longer)
VALIDATED_ROWS = 5000
_HEADER_FILL = PatternFill("solid", fgColor="FFE7EEF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FFBDD7EE")
_GUIDE_WIDTH = 110
_WIDTH = (10, 60)  # narrowest and widest data column, in characters


def _text_cell(ws: Worksheet, row: int, col: int, text: str) -> None:
    """Write text that stays text (openpyxl would take ``=...`` for a formula).

    Characters a workbook cannot hold (C0 controls other than tab and line breaks, which no
    spreadsheet import lets through anyway) are left out.
    """
    cell = ws.cell(row, col, ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"


def _write_guide(ws: Worksheet, lines: list[Line]) -> None:
    ws.column_dimensions["A"].width = _GUIDE_WIDTH
    fonts = {"title": Font(bold=True, size=14), "heading": Font(bold=True, size=12), "text": Font()}
    row = 1
    for line in lines:
        if line.style == "heading":
            row += 1  # a blank line before each heading
        _text_cell(ws, row, 1, line.text)
        cell = ws.cell(row, 1)
        cell.font = fonts[line.style]
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        wrapped = max(1, math.ceil(len(line.text) / (_GUIDE_WIDTH * 1.05)))
        ws.row_dimensions[row].height = 15 * wrapped + (4 if line.style == "title" else 0)
        row += 1


def _write_lists(ws: Worksheet, lang: Lang) -> dict[str, str]:
    """The values of each vocabulary in a column of the lists sheet; returns the range of each."""
    ranges: dict[str, str] = {}
    for col, target in enumerate(CHOICE_LISTS, start=1):
        _text_cell(ws, 1, col, list_name(target, lang))
        ws.cell(1, col).font = Font(bold=True)
        values = choice_values(target, lang)
        for row, value in enumerate(values, start=2):
            _text_cell(ws, row, col, value)
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = 40
        ranges[target] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _width(column: Column, lang: Lang, values: list[object]) -> float:
    longest = max([len(column_title(column, lang)) + 2, *(len(str(v)) + 1 for v in values[:500])])
    if column.type == "date":
        longest = max(longest, 12)
    return float(min(max(longest, _WIDTH[0]), _WIDTH[1]))


def _write_table(ws: Worksheet, sheet: Sheet, rows: list[dict[str, Cell]], lang: Lang) -> None:
    for col, column in enumerate(sheet.columns, start=1):
        _text_cell(ws, 1, col, column_title(column, lang))
        header = ws.cell(1, col)
        header.font = Font(bold=column.required)
        header.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        if column.required:
            header.comment = Comment(t("sheets.comment.required", lang), "ikg")
        written: list[object] = []
        for row, cells in enumerate(rows, start=2):
            value, number_format = xlsx_cell(cells.get(column.name), lang)
            if value is None:
                continue
            if isinstance(value, str):
                _text_cell(ws, row, col, value)
            else:
                ws.cell(row, col, value)
            if number_format:
                ws.cell(row, col).number_format = number_format
            written.append(value)
        ws.column_dimensions[get_column_letter(col)].width = _width(column, lang, written)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(rows) + 1}"


def _id_range(target: str | None, lang: Lang, last: int) -> str:
    """The id column of the table a reference points to, rows 2 to ``last``."""
    sheet = next(s for s in SHEETS if s.name == target)
    letter = get_column_letter(1 + [c.name for c in sheet.columns].index("id"))
    return f"{quote_sheetname(sheet_title(sheet, lang))}!${letter}$2:${letter}${last}"


def _validation(column: Column, letter: str, lang: Lang, lists: dict[str, str], last: int) -> DataValidation | None:
    """The drop-down list or check of a column, with its input message; ``None`` for plain text without hint."""
    hint = column_hint(column, lang)
    keeps = column.keeps_unknown
    dv: DataValidation | None = None
    if column.type == "id":
        dv = DataValidation(type="custom", formula1=f"COUNTIF(${letter}$2:${letter}${last},{letter}2)=1")
        dv.showErrorMessage, dv.errorTitle = True, t("sheets.error_title.duplicate", lang)
        dv.error = t("sheets.error.duplicate", lang)
    elif column.type in ("ref", "refs"):
        dv = DataValidation(type="list", formula1=_id_range(column.target, lang, last))
        target = next(s for s in SHEETS if s.name == column.target)
        dv.showErrorMessage = column.type == "ref"
        dv.errorStyle = "warning" if keeps else "stop"
        dv.errorTitle = t("sheets.error_title.not_in_list", lang)
        title = sheet_title(target, lang)
        dv.error = (
            t("sheets.error.ref_or_name", lang, sheet=title) if keeps else t("sheets.error.ref", lang, sheet=title)
        )
    elif column.type in ("choice", "choices") and column.target in lists:
        dv = DataValidation(type="list", formula1=lists[column.target])
        dv.showErrorMessage = column.type == "choice"
        dv.errorStyle = "warning" if keeps else "stop"
        dv.errorTitle = t("sheets.error_title.not_in_list", lang)
        dv.error = t("sheets.error.choice_other", lang) if keeps else t("sheets.error.choice", lang)
    elif hint:
        dv = DataValidation()
    if dv is None:
        return None
    dv.allow_blank = True
    if hint:
        dv.showInputMessage, dv.promptTitle, dv.prompt = True, column_title(column, lang)[:32], hint
    return dv


def _validate(ws: Worksheet, sheet: Sheet, lang: Lang, lists: dict[str, str], last: int) -> None:
    for col, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(col)
        dv = _validation(column, letter, lang, lists, last)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")


def build_workbook(tables: Tables, lang: Lang, concept: str | None = None) -> bytes:
    """Write tables as the workbook an import reads, in German or English.

    Parameters
    ----------
    tables : Tables
        Rows per table (:func:`ikg.graph.sheets.read.read_concept`, or the template's examples).
    lang : Lang
        Sheet names, headers, instructions and choice values in this language.
    concept : str, optional
        The id of the exported concept (its instructions say so); ``None`` for the template.

    Returns
    -------
    bytes
        The ``.xlsx`` file: the instructions, one sheet per table of
        :data:`~ikg.graph.ingest.schema.SHEETS` (empty tables too), and the hidden lists sheet.
    """
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None  # a new workbook has its one sheet
    guide.title = t("sheets.sheet.guide", lang)[:31]
    _write_guide(guide, guide_lines(lang, "xlsx", concept))
    last = max([VALIDATED_ROWS, *(len(rows) + 1000 for rows in tables.values())])
    data = [(sheet, workbook.create_sheet(sheet_title(sheet, lang))) for sheet in SHEETS]
    lists_sheet = workbook.create_sheet(t("sheets.sheet.lists", lang)[:31])
    lists = _write_lists(lists_sheet, lang)
    lists_sheet.sheet_state = "hidden"
    for sheet, ws in data:
        _write_table(ws, sheet, tables.get(sheet.name, []), lang)
        _validate(ws, sheet, lang, lists, last)
    workbook.properties.creator = "ikg"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
