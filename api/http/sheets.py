"""``/template`` and ``/export/{concept}``: the spreadsheet to start from, and a concept to edit.

Both answer with a file to save (``Content-Disposition: attachment``): a workbook, or the CSV
folder as a zip. The export reads the concept through the store the API reads from (the latest
snapshot, or the remote server), in a worker thread, never in the event loop.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ikg.api.http.deps import LangDep, StoreDep
from ikg.graph.choices import SHEET_FORMATS
from ikg.graph.i18n import Lang, t
from ikg.graph.sheets.csvfiles import ZIP_MEDIA_TYPE, zip_files
from ikg.graph.sheets.export import export_csv, export_xlsx
from ikg.graph.sheets.template import template_csv, template_xlsx
from ikg.graph.sheets.workbook import MEDIA_TYPE as XLSX_MEDIA_TYPE
from ikg.graph.store.base import StoreLike

__all__ = ["router"]

router = APIRouter(tags=["spreadsheets"])


# Choices are enum classes whose members are made from the core's tuples (the ``_ignore_`` idiom
# of the enum documentation), so that type checkers know them. No docstrings: FastAPI would put
# them into the OpenAPI schema.


#: a workbook or a folder of CSV files (zipped)
class SheetFormat(StrEnum):
    _ignore_ = "choice"  # the loop variable is no member
    for choice in SHEET_FORMATS:
        vars()[choice] = choice


_XLSX = SheetFormat("xlsx")
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The workbook (xlsx) or the zipped CSV folder (csv), as an attachment",
        "content": {XLSX_MEDIA_TYPE: {}, ZIP_MEDIA_TYPE: {}},
    },
}
FormatParam = Annotated[SheetFormat, Query(description="xlsx (a workbook) or csv (a zip of CSV files).")]


def _safe_name(text: str) -> str:
    """A file name for the header: ASCII letters, digits, ``.``, ``-``, ``_`` only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "ikg"


def _file(stem: str, xlsx: bytes | None, files: dict[str, bytes] | None) -> Response:
    name = _safe_name(stem)
    if xlsx is not None:
        body, media, filename = xlsx, XLSX_MEDIA_TYPE, f"{name}.xlsx"
    else:
        body, media, filename = zip_files(files or {}, name), ZIP_MEDIA_TYPE, f"{name}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type=media, headers=headers)


def _template(fmt: SheetFormat, lang: Lang) -> Response:
    stem = t("sheets.file.template", lang)
    if fmt == SheetFormat("csv"):
        return _file(stem, None, template_csv(lang))
    return _file(stem, template_xlsx(lang), None)


def _export(store: StoreLike, concept: str, fmt: SheetFormat, lang: Lang) -> Response:
    if fmt == SheetFormat("csv"):
        return _file(concept, None, export_csv(store, concept, lang))
    return _file(concept, export_xlsx(store, concept, lang), None)


@router.get(
    "/template",
    summary="The spreadsheet template: instructions, a sheet per table with examples, drop-down lists",
    response_class=Response,
    responses=_RESPONSES,
)
async def get_template(lang: LangDep, format: FormatParam = _XLSX) -> Response:
    """The template to start a concept from, in German or English (``lang``); import it with ``ikg import``."""
    return await run_in_threadpool(_template, format, lang)


@router.get(
    "/export/{concept}",
    summary="A concept as the spreadsheet an import reads",
    response_class=Response,
    responses={**_RESPONSES, 404: {"description": "No such concept (the message names those there are)"}},
)
async def get_export(
    store: StoreDep,
    lang: LangDep,
    concept: Annotated[str, Path(description="The concept's id.", max_length=200)],
    format: FormatParam = _XLSX,
) -> Response:
    """The concept in the template's format; imported again unchanged, it changes nothing."""
    return await run_in_threadpool(_export, store, concept, format, lang)
