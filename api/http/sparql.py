"""The SPARQL 1.1 Protocol endpoint ``/sparql`` (query and update), safe by default.

- Query by GET, by POST form and by POST direct; update by POST only, and only with the write
  token. Answers SELECT/ASK as JSON, XML, CSV or TSV and CONSTRUCT/DESCRIBE as Turtle, N-Triples,
  JSON-LD or RDF/XML, chosen by ``Accept`` (q-values) or a ``format`` parameter.
- ``SERVICE``, ``LOAD`` and ``FROM``/``USING`` of graphs not in the store are refused with 400
  before anything runs (:func:`ikg.graph.store.sparql_text.check_safe`). That scan is the friendly
  first answer, not the guarantee: queries and updates run in engine processes that cannot open
  a socket (:mod:`ikg.graph.store.engine`), whatever the text says.
- Queries run in engine processes (:mod:`ikg.api.http.backends`); one that passes its deadline is
  killed, which stops the work and frees the CPU, while other requests go on being served.
- Answers above the row cap or the byte cap and bodies above the size cap are refused with a
  message.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ikg.api.http.backends import BusyError, QueryJob
from ikg.api.http.deps import get_settings, request_lang
from ikg.api.http.negotiation import GRAPH_TYPES, RESULT_TYPES, choose
from ikg.api.http.remote_backend import RemoteBackend
from ikg.api.http.settings import Settings
from ikg.graph.errors import IkgError, QueryError
from ikg.graph.i18n import Lang, t
from ikg.graph.store.engine.process import DeadlineError, EngineUnavailableError
from ikg.graph.store.sparql_text import add_using, check_remote_safe, check_safe, has_dataset_clause, query_form

__all__ = ["SparqlError", "execute_query", "router"]

router = APIRouter(tags=["SPARQL"])

_SD_TYPES = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]


class SparqlError(Exception):
    """An answer other than 200: a status and a catalogue message (or an ikg error to render).

    Parameters
    ----------
    status : int
    what : str or IkgError
        A catalogue key (``http.*``) filled with ``params``, or an error whose own message is said.
    headers : dict, optional
    """

    def __init__(self, status: int, what: str | IkgError, headers: dict[str, str] | None = None, **params: Any) -> None:
        self.status = status
        self.what = what
        self.params = params
        self.headers = headers or {}
        super().__init__(self.text("en"))

    def text(self, lang: Lang) -> str:
        """The message in ``lang``."""
        if isinstance(self.what, IkgError):
            return self.what.render(lang)
        return t(self.what, lang, **self.params)

    def response(self, lang: Lang) -> Response:
        """The plain-text answer in ``lang``."""
        return PlainTextResponse(self.text(lang) + "\n", status_code=self.status, headers=self.headers)


def _one(values: Sequence[str], name: str) -> str | None:
    if len(values) > 1:
        raise SparqlError(400, "http.sparql.several", name=name)
    return values[0] if values else None


def _token_ok(request: Request, settings: Settings) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    given = token.strip().encode()
    # every token is compared (no early exit), each in constant time
    matches = [hmac.compare_digest(given, accepted.encode()) for accepted in settings.tokens]
    return scheme.lower() == "bearer" and any(matches)


async def _read_body(request: Request, settings: Settings) -> bytes:
    # writers with the token may send imports; anyone else gets the small cap
    cap, name = (
        (settings.max_update_body, "IKG_MAX_INPUT_MB")
        if _token_ok(request, settings)
        else (settings.max_body, "IKG_MAX_BODY")
    )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise SparqlError(413, "http.sparql.body_cap", cap=cap, name=name)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            raise SparqlError(413, "http.sparql.body_cap", cap=cap, name=name)
    return b"".join(chunks)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SparqlError(400, f"http.sparql.not_utf8.{what}", detail=str(exc)) from exc


async def _operation(request: Request, settings: Settings) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """Return (query, update, the other parameters) of a protocol request."""
    params = list(request.query_params.multi_items())
    if request.method == "GET":
        fields = params
        body_text = None
    else:
        content_type = request.headers.get("content-type")
        if not content_type:
            raise SparqlError(415, "http.sparql.no_content_type")
        media, *opts = [p.strip() for p in content_type.split(";")]
        media = media.lower()
        charset = next(
            (o.split("=", 1)[1].strip().strip('"').lower() for o in opts if o.lower().startswith("charset=")), "utf-8"
        )
        if charset not in ("utf-8", "utf8"):
            raise SparqlError(415, "http.sparql.charset", charset=charset)
        body = await _read_body(request, settings)
        if media == "application/x-www-form-urlencoded":
            fields = params + parse_qsl(_utf8(body, "form"), keep_blank_values=True, strict_parsing=False)
            body_text = None
        elif media in ("application/sparql-query", "application/sparql-update"):
            fields = params
            body_text = _utf8(body, "body")
            key = "query" if media.endswith("query") else "update"
            if any(k in ("query", "update") for k, _ in params):
                raise SparqlError(400, "http.sparql.body_and_parameter")
            fields = [*params, (key, body_text)]
        else:
            raise SparqlError(415, "http.sparql.media_type", media=media)
    query = _one([v for k, v in fields if k == "query"], "query")
    update = _one([v for k, v in fields if k == "update"], "update")
    if query is not None and update is not None:
        raise SparqlError(400, "http.sparql.query_and_update")
    if request.method == "GET" and update is not None:
        raise SparqlError(405, "http.sparql.update_by_get", {"Allow": "POST"})
    others = [(k, v) for k, v in fields if k not in ("query", "update")]
    for key, value in others:
        if key in _DATASET_KEYS and not _ABSOLUTE_IRI.match(value):
            raise SparqlError(400, "http.sparql.not_an_iri", key=key)
    return query, update, others


_DATASET_KEYS = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")
#: an absolute IRI (RFC 3987): a scheme, then no space or character IRIs exclude
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")


def _stopped(settings: Settings) -> SparqlError:
    return SparqlError(503, "http.sparql.stopped", seconds=f"{settings.query_timeout:g}")


def execute_query(
    settings: Settings,
    text: str,
    accept: str | None,
    fmt: str | None = None,
    dataset: Sequence[tuple[str, str]] = (),
    *,
    trusted: bool = False,
    base_iri: str | None = None,
) -> Response:
    """Check, run and serialise one query (blocking; called in a worker thread).

    ``trusted``: the text comes from ikg's query library (parameters bound as data), not from a
    user; only then may it run where the engine cannot be confined.

    Raises
    ------
    SparqlError
        400 for a refused or malformed query (with the parser's message) or an answer past a cap,
        406 when no acceptable format is offered, 503 when the deadline stopped the query or the
        server is busy.
    """
    backend = settings.backend
    if not text.strip():
        raise SparqlError(400, "http.sparql.empty_query")
    named = backend.named_graphs()
    try:
        tokens = check_safe(text, named)
        if isinstance(backend, RemoteBackend) and not trusted:
            check_remote_safe(text)
    except QueryError as exc:
        raise SparqlError(400, exc) from exc
    form = query_form(tokens)
    if form == "UPDATE":
        raise SparqlError(400, "http.sparql.update_as_query")
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    results_media = choose(accept, list(RESULT_TYPES), fmt)
    graph_media = choose(accept, list(GRAPH_TYPES), fmt)
    if (graph_media if graph_form else results_media) is None:
        offered = list(GRAPH_TYPES) if graph_form else list(RESULT_TYPES)
        raise SparqlError(406, "http.not_acceptable", offered=", ".join(offered))
    dataset_params = [(k, v) for k, v in dataset if k in ("default-graph-uri", "named-graph-uri")]
    if isinstance(backend, RemoteBackend):
        unknown = [v for _, v in dataset_params if v not in named]
        if unknown:
            raise SparqlError(400, "http.sparql.unknown_graph", graph=unknown[0])
    job = QueryJob(
        text,
        results_media or next(iter(RESULT_TYPES)),
        graph_media or next(iter(GRAPH_TYPES)),
        dataset_params,
        union=not has_dataset_clause(tokens),
        max_rows=settings.max_rows,
        trusted=trusted,
        base_iri=base_iri,
    )
    try:
        answer = backend.run_query(job, settings.query_timeout, settings.max_result_bytes)
    except DeadlineError as exc:
        raise _stopped(settings) from exc
    except BusyError as exc:
        raise SparqlError(503, exc, {"Retry-After": "5"}) from exc
    except EngineUnavailableError as exc:
        raise SparqlError(503, exc) from exc
    except QueryError as exc:  # syntax, refused network access, caps, a crashed engine
        raise SparqlError(400, exc) from exc
    except IkgError as exc:
        raise SparqlError(503, exc) from exc
    return Response(answer.body, media_type=str(answer.info["media"]), headers={"Vary": "Accept"})


def _authorise(request: Request, settings: Settings) -> None:
    if not settings.tokens:
        raise SparqlError(403, "http.sparql.read_only")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise SparqlError(401, "http.sparql.no_token", {"WWW-Authenticate": "Bearer"})
    if not _token_ok(request, settings):
        raise SparqlError(403, "http.sparql.wrong_token")


def _execute_update(settings: Settings, text: str, params: Sequence[tuple[str, str]], base_iri: str) -> Response:
    backend = settings.backend
    if not text.strip():
        raise SparqlError(400, "http.sparql.empty_update")
    try:
        tokens = check_safe(text, backend.named_graphs())
        if isinstance(backend, RemoteBackend):
            check_remote_safe(text)
    except QueryError as exc:
        raise SparqlError(400, exc) from exc
    using = [(k, v) for k, v in params if k in ("using-graph-uri", "using-named-graph-uri")]
    if using and any(t.keyword in ("USING", "WITH") for t in tokens):
        raise SparqlError(400, "http.sparql.using_conflict")
    try:
        backend.run_update(add_using(text, using), base_iri)
    except DeadlineError as exc:
        raise SparqlError(503, "http.sparql.update_stopped", seconds=f"{settings.update_timeout:g}") from exc
    except EngineUnavailableError as exc:
        raise SparqlError(503, exc) from exc
    except QueryError as exc:
        raise SparqlError(400, exc) from exc
    except IkgError as exc:
        raise SparqlError(502, exc) from exc
    return Response(status_code=204)


def service_description(request: Request, settings: Settings) -> Response:
    """Describe the endpoint (SPARQL 1.1 Service Description) in the negotiated RDF format."""
    media = choose(request.headers.get("accept"), _SD_TYPES, request.query_params.get("format"))
    if media is None:
        raise SparqlError(406, "http.not_acceptable", offered=", ".join(_SD_TYPES))
    endpoint = ox.NamedNode(str(request.url.replace(query="")))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(endpoint, rdf_type, ox.NamedNode(sd + "Service")),
        ox.Triple(endpoint, ox.NamedNode(sd + "endpoint"), endpoint),
        ox.Triple(endpoint, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
        ox.Triple(endpoint, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
    ]
    if settings.write_token:
        triples.append(ox.Triple(endpoint, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Update")))
    for media_type in [*RESULT_TYPES, *GRAPH_TYPES]:
        triples.append(ox.Triple(endpoint, ox.NamedNode(sd + "resultFormat"), ox.Literal(media_type)))
    dataset = ox.BlankNode("dataset")
    triples.append(ox.Triple(endpoint, ox.NamedNode(sd + "defaultDataset"), dataset))
    triples.append(ox.Triple(dataset, rdf_type, ox.NamedNode(sd + "Dataset")))
    for i, graph in enumerate(settings.backend.named_graphs()):
        node = ox.BlankNode(f"g{i}")
        triples.append(ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), node))
        triples.append(ox.Triple(node, ox.NamedNode(sd + "name"), ox.NamedNode(graph)))
    fmt = GRAPH_TYPES.get(media, ox.RdfFormat.TURTLE)
    return Response(ox.serialize(triples, format=fmt, prefixes={"sd": sd}) or b"", media_type=media)


_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Results in the negotiated format"},
    204: {"description": "Update done"},
    400: {"description": "Malformed or refused query, with the parser's message"},
    401: {"description": "Update without token"},
    403: {"description": "Update with a wrong token, or on a read-only endpoint"},
    405: {"description": "Update by GET"},
    406: {"description": "No acceptable format"},
    413: {"description": "Request body above the cap"},
    415: {"description": "Unsupported media type"},
    503: {"description": "Query stopped at the deadline"},
}

_POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/sparql-query": {"schema": {"type": "string"}},
            "application/sparql-update": {"schema": {"type": "string"}},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string"},
                        "default-graph-uri": {"type": "string"},
                        "named-graph-uri": {"type": "string"},
                    },
                }
            },
        },
    }
}


async def _handle(request: Request) -> Response:
    settings = get_settings(request)
    try:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST" and content_type == "application/sparql-update":
            _authorise(request, settings)  # before reading a body from someone who may not write
        query, update, others = await _operation(request, settings)
        if update is not None:
            _authorise(request, settings)
            base = str(request.url.replace(query=""))
            return await run_in_threadpool(_execute_update, settings, update, others, base)
        if query is None:
            if request.method == "GET":
                return await run_in_threadpool(service_description, request, settings)
            raise SparqlError(400, "http.sparql.missing")
        fmt = next((v for k, v in others if k == "format"), None)
        base = str(request.url.replace(query=""))
        return await run_in_threadpool(
            execute_query, settings, query, request.headers.get("accept"), fmt, others, base_iri=base
        )
    except SparqlError as exc:
        return exc.response(request_lang(request))


@router.get(
    "/sparql",
    summary="SPARQL query by GET (no query: service description)",
    response_class=Response,
    responses=_RESPONSES,
)
async def sparql_get(
    request: Request,
    query: str | None = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    format: str | None = None,
) -> Response:
    """Run a SPARQL query given as ``query``; without one, describe the service."""
    return await _handle(request)


@router.post(
    "/sparql",
    summary="SPARQL query or update by POST (form or direct)",
    response_class=Response,
    responses=_RESPONSES,
    openapi_extra=_POST_BODY,
)
async def sparql_post(request: Request) -> Response:
    """Run a query (``application/sparql-query`` or a form with ``query``) or an update
    (``application/sparql-update`` or a form with ``update``; needs ``Authorization: Bearer TOKEN``)."""
    return await _handle(request)
