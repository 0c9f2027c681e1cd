"""``/queries``: the named query library over HTTP, with the formats of ``/sparql`` plus XLSX.

Which CSV: a link a person clicks (``?format=csv``) gets the CSV of the request's language
(:func:`~ikg.api.http.deps.request_lang`): in German what German Excel opens as it is (``;``,
byte order mark, ``0,412``, ``30.06.2015``), in English (``&lang=en``) the standard SPARQL 1.1 CSV.
A program that asks with ``Accept: text/csv`` (and no ``format``) always gets the standard SPARQL
1.1 CSV, byte for byte what ``/sparql`` gives, whatever its language. ``?format=xlsx`` (or
``Accept`` naming the XLSX media type) gives a workbook.

Before a query runs, every concept and id given is checked (:func:`~ikg.graph.library.named.check_ids`,
as on the command line): an id that names nothing gets 404 with the closest ids, in the request's
language, instead of an empty table.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ikg.api.formats.rows import MEDIA_TYPES, encode_rows
from ikg.api.http.deps import SettingsDep, StoreDep, request_lang
from ikg.api.http.negotiation import RESULT_TYPES, XLSX_TYPE, choose
from ikg.api.http.sparql import SparqlError, execute_query
from ikg.graph.library.named import bind_params, bind_query, check_ids, get_query, library
from ikg.graph.store.embedded import solution_rows

__all__ = ["attachment", "router"]

router = APIRouter(tags=["queries"])


def attachment(stem: str, suffix: str) -> dict[str, str]:
    """A ``Content-Disposition`` header that saves the answer as ``stem.suffix`` (a safe file name).

    Examples
    --------
    >>> attachment("wg-members-beispielkreis-2024", "xlsx")
    {'Content-Disposition': 'attachment; filename="wg-members-beispielkreis-2024.xlsx"'}
    >>> attachment('a"b/../c', "csv")
    {'Content-Disposition': 'attachment; filename="a-b-..-c.csv"'}
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "ikg"
    return {"Content-Disposition": f'attachment; filename="{safe[:100]}.{suffix}"'}


@router.get("/queries", summary="List the named queries")
def list_queries() -> list[dict[str, Any]]:
    """Name, titles (de, en), what each query answers, and its parameters."""
    return [
        {
            "name": q.name,
            "title": q.title,
            "answers": q.answers,
            "params": [p.as_dict() for p in q.params],
            "url": f"/queries/{q.name}",
        }
        for q in library().values()
    ]


@router.get(
    "/queries/{name}",
    summary="Run a named query",
    response_class=Response,
    responses={
        200: {
            "description": "Results in the negotiated format (Accept, or format=json|xml|csv|tsv|xlsx). "
            "format=csv follows the language (lang=, else Accept-Language): German Excel's CSV in "
            "German, SPARQL 1.1 CSV in English; Accept: text/csv always gives SPARQL 1.1 CSV."
        },
        400: {"description": "Unknown, missing or ill-typed parameter"},
        404: {"description": "No such query, or a concept or id given that does not exist (with the closest ids)"},
        406: {"description": "No acceptable format"},
        503: {"description": "Stopped at the deadline"},
    },
)
async def run_query(name: str, request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    """Run the query ``name``; its parameters come as URL parameters (``?wg_id=ag-sprache``)."""
    raw = dict(request.query_params)
    fmt = raw.pop("format", None)
    query = get_query(name)  # NotFoundError: 404, by the app's error table
    if not any(p.name == "lang" for p in query.params):
        raw.pop("lang", None)  # the language of the answer, not a parameter of this query
    bound = bind_params(query, raw)  # InputError: 400
    await run_in_threadpool(check_ids, store, query, bound)  # NotFoundError: 404
    text = bind_query(query, bound)
    lang = request_lang(request)
    accept = request.headers.get("accept")
    media = choose(accept, [*RESULT_TYPES, XLSX_TYPE], fmt)
    ours = "xlsx" if media == XLSX_TYPE else "csv" if media == "text/csv" and fmt and lang == "de" else None
    try:
        if ours is None:
            answer = await run_in_threadpool(execute_query, settings, text, accept, fmt, trusted=True)
            if media == "text/csv" and fmt:
                answer.headers["Vary"] = "Accept, Accept-Language"
            return answer
        as_json = await run_in_threadpool(execute_query, settings, text, None, "json", trusted=True)
    except SparqlError as exc:
        return exc.response(lang)
    names, rows = _rows(bytes(as_json.body))
    data = encode_rows(names, rows, ours, lang, title=name)
    stem = "-".join([name, *([raw["concept"]] if raw.get("concept") else [])])
    headers = {"Vary": "Accept, Accept-Language", **attachment(stem, ours)}
    return Response(data, media_type=MEDIA_TYPES[ours], headers=headers)


def _rows(body: bytes) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The variable names and rows of SPARQL JSON results (an ASK answer is one column ``ask``)."""
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        return ["ask"], [(bool(results),)]
    return solution_rows(results)
