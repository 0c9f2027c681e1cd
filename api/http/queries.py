"""``/queries``: the named query library over HTTP, with the same formats as ``/sparql``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ikg.api.http.deps import SettingsDep, request_lang
from ikg.api.http.sparql import SparqlError, execute_query
from ikg.graph.library.named import bind_params, get_query, library
from ikg.graph.store.sparql_text import bind_values

__all__ = ["router"]

router = APIRouter(tags=["queries"])


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
        200: {"description": "Results in the negotiated format (Accept or format=json|xml|csv|tsv)"},
        400: {"description": "Unknown, missing or ill-typed parameter"},
        404: {"description": "No such query"},
        406: {"description": "No acceptable format"},
        503: {"description": "Stopped at the deadline"},
    },
)
async def run_query(name: str, request: Request, settings: SettingsDep) -> Response:
    """Run the query ``name``; its parameters come as URL parameters (``?wg_id=ag-sprache``)."""
    raw = dict(request.query_params)
    fmt = raw.pop("format", None)
    query = get_query(name)  # NotFoundError: 404, by the app's error table
    text = bind_values(query.text, bind_params(query, raw))  # InputError: 400
    try:
        return await run_in_threadpool(execute_query, settings, text, request.headers.get("accept"), fmt, trusted=True)
    except SparqlError as exc:
        return exc.response(request_lang(request))
