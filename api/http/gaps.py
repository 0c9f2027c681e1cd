"""``/gaps``, ``/metrics`` and ``/network``: the gap analysis over HTTP.

Findings and metrics as CSV follow the request's language however they were asked for (there is
no standard CSV of them to keep): German headers, ``;``, a byte order mark and ``0,412`` in German,
the English column names with ``,`` in English; XLSX is a workbook with a bold, frozen, filtered
header and typed cells.

The analysis runs in a worker thread of the API process on the embedded store (or through the
remote store's SPARQL endpoint), never in the event loop, so other requests go on being served.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ikg.api.formats.findings import encode_gaps, encode_metrics
from ikg.api.formats.rows import MEDIA_TYPES
from ikg.api.http.deps import LangDep, StoreDep
from ikg.api.http.negotiation import XLSX_TYPE, choose
from ikg.api.http.queries import attachment
from ikg.graph.analysis.gaps import actor_type_notations, analyse_store
from ikg.graph.analysis.netexport import export_network
from ikg.graph.choices import GAP_FORMATS, GAP_KINDS, NETWORK_FORMATS
from ikg.graph.i18n import Lang, t

__all__ = ["router"]


# Choices are enum classes whose members are made from the core's tuples (the ``_ignore_`` idiom
# of the enum documentation), so that type checkers know them. No docstrings: FastAPI would put
# them into the OpenAPI schema.


#: the actor types of the ontology, so that the schema names the values ``require`` accepts
class ActorType(StrEnum):
    _ignore_ = "choice"  # the loop variable is no member
    for choice in sorted(actor_type_notations()):
        vars()[choice] = choice


router = APIRouter(tags=["gaps"])


#: which findings (``all`` or one of the core's kinds)
class Kind(StrEnum):
    _ignore_ = "choice"  # the loop variable is no member
    for choice in ("all", *GAP_KINDS):
        vars()[choice.replace("-", "_")] = choice


#: formats of findings and metrics over HTTP (the core's, without the text table)
class TableFormat(StrEnum):
    _ignore_ = "choice"  # the loop variable is no member
    for choice in GAP_FORMATS:
        if choice != "table":
            vars()[choice] = choice


#: formats of the network
class NetworkFormat(StrEnum):
    _ignore_ = "choice"  # the loop variable is no member
    for choice in NETWORK_FORMATS:
        vars()[choice] = choice


_TABLE_TYPES = {"application/json": "json", "text/csv": "csv", "text/markdown": "md", XLSX_TYPE: "xlsx"}
_NETWORK_TYPES = {"application/graphml+xml": "graphml", "application/gexf+xml": "gexf"}
ConceptParam = Annotated[str | None, Query(description="A concept id (default: each concept).", max_length=200)]


FormatParam = Annotated[
    TableFormat | None,
    Query(description="json, csv, md or xlsx (wins over Accept); csv and xlsx follow the language (lang)."),
]
NetworkFormatParam = Annotated[NetworkFormat | None, Query(description="graphml or gexf (wins over Accept).")]


def _not_acceptable(offered: dict[str, str], lang: Lang) -> Response:
    text = t("http.not_acceptable", lang, offered=", ".join(offered))
    return Response(text + "\n", status_code=406, media_type="text/plain")


def _answer(body: bytes, fmt: str, stem: str) -> Response:
    """The answer in ``fmt``; CSV and XLSX as a download named ``stem``, varying with the language."""
    if fmt not in ("csv", "xlsx"):
        return Response(body, media_type=MEDIA_TYPES[fmt])
    headers = {"Vary": "Accept, Accept-Language", **attachment(stem, fmt)}
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get(
    "/gaps",
    summary="Networking gaps, ranked and explained",
    response_class=Response,
    responses={
        200: {
            "description": "Findings as JSON (kind, concept, subjects, score, reasons, evidence), CSV, Markdown or "
            "XLSX; CSV in German with ; and a byte order mark, as German Excel opens it"
        },
        400: {"description": "Unknown actor type in require (the message lists the known ones)"},
        404: {"description": "No such concept"},
        406: {"description": "No acceptable format"},
    },
)
async def get_gaps(
    request: Request,
    store: StoreDep,
    lang: LangDep,
    concept: ConceptParam = None,
    kind: Annotated[list[Kind] | None, Query(description="Which findings (repeatable; default all).")] = None,
    top: Annotated[int, Query(ge=0, le=10_000, description="At most this many findings per kind (0: all).")] = 10,
    require: Annotated[
        list[ActorType] | None,
        Query(description="Actor type every working group should include (repeatable).", max_length=100),
    ] = None,
    format: FormatParam = None,
) -> Response:
    """Missing links, coverage gaps, brokers, silos and isolated actors, each with its reasons."""
    media = choose(request.headers.get("accept"), list(_TABLE_TYPES), format.value if format else None)
    if media is None:
        return _not_acceptable(_TABLE_TYPES, lang)
    chosen = [k.value for k in kind or []] or ["all"]
    kinds = GAP_KINDS if "all" in chosen else tuple(k for k in GAP_KINDS if k in chosen)
    required = [a.value for a in require] if require else None
    analyses = await run_in_threadpool(analyse_store, store, concept, kinds, top or None, required)
    fmt = _TABLE_TYPES[media]
    body = encode_gaps(analyses, kinds, lang, fmt)
    return _answer(body, fmt, "-".join([t("formats.file.gaps", lang), *([concept] if concept else [])]))


@router.get(
    "/metrics",
    summary="Per-actor network metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Degree, betweenness, constraint, effective size, community per actor (JSON, CSV, md, XLSX)"
        },
        404: {"description": "No such concept"},
        406: {"description": "No acceptable format"},
    },
)
async def get_metrics(
    request: Request,
    store: StoreDep,
    lang: LangDep,
    concept: ConceptParam = None,
    format: FormatParam = None,
) -> Response:
    """Degree, betweenness, Burt's constraint, effective size, community and articulation points."""
    media = choose(request.headers.get("accept"), list(_TABLE_TYPES), format.value if format else None)
    if media is None:
        return _not_acceptable(_TABLE_TYPES, lang)
    analyses = await run_in_threadpool(analyse_store, store, concept, ())
    fmt = _TABLE_TYPES[media]
    body = encode_metrics(analyses, lang, fmt)
    return _answer(body, fmt, "-".join([t("formats.file.metrics", lang), *([concept] if concept else [])]))


@router.get(
    "/network",
    summary="The actor network with its metrics, for Gephi",
    response_class=Response,
    responses={
        200: {"description": "GraphML or GEXF"},
        404: {"description": "No such concept"},
        406: {"description": "No acceptable format"},
    },
)
async def get_network(
    request: Request,
    store: StoreDep,
    lang: LangDep,
    concept: ConceptParam = None,
    format: NetworkFormatParam = None,
) -> Response:
    """The actor network (ties: shared working groups, cooperations) as GraphML or GEXF."""
    media = choose(request.headers.get("accept"), list(_NETWORK_TYPES), format.value if format else None)
    if media is None:
        return _not_acceptable(_NETWORK_TYPES, lang)
    analyses = await run_in_threadpool(analyse_store, store, concept, ())
    data = export_network(analyses, _NETWORK_TYPES[media], lang)
    name = f"{concept or 'ikg'}.{_NETWORK_TYPES[media]}"
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
