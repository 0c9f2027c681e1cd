"""The named queries as forms, and a SPARQL editor for analysts, under ``/workbench/``.

``/queries`` stays the JSON API (and ``/queries/{name}`` its results in every format); the
workbench's pages are ``/workbench/queries`` (the library), ``/workbench/queries/{name}`` (one
query as a form: each typed parameter an input, or a select filled from the store for concepts,
languages and the ids of actors, working groups and goals; the results as a table with labels and
links, sortable by column on the server, downloadable as XLSX and CSV through ``/queries/{name}``)
and ``/workbench/sparql`` (a text area with the library's prefixes; the text is posted and run as
user SPARQL through the same path as ``/sparql``: the safety scan, then a confined engine process
under the deadline and the caps).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ikg.api.http.deps import SettingsDep, StoreDep
from ikg.api.http.settings import Settings
from ikg.api.http.sparql import SparqlError, execute_query
from ikg.api.web.forms import BodyTooLargeError, read_form
from ikg.api.web.home import not_found, title_of
from ikg.api.web.insight import concepts, fold, insight
from ikg.api.web.prefixes import add_prefixes, library_prefixes, prefix_block, prefix_line
from ikg.api.web.querytexts import answers, param_label
from ikg.api.web.render import Page, Pager, html_page, make_page, page_of
from ikg.api.web.tables import ResultTable, result_table
from ikg.graph.errors import IkgError
from ikg.graph.i18n import LANGS
from ikg.graph.library.concat import concat_columns, sort_concat
from ikg.graph.library.ids import UnknownIdError
from ikg.graph.library.named import NamedQuery, Param, bind_params, bind_query, check_ids, library
from ikg.graph.store.base import StoreLike
from ikg.graph.store.embedded import solution_rows

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: rows of a result table per page
ROWS_SIZE = 100
#: rows the editor shows of an answer
EDITOR_ROWS = 1000
#: the kind of thing an ``id`` parameter's class names
_KIND_OF_CLASS = {"Actor": "actor", "WorkingGroup": "working_group", "Goal": "goal"}
#: each kind's count in :class:`~ikg.graph.library.inventory.ConceptInfo`
_COUNT_OF_KIND = {"actor": "actors", "working_group": "working_groups", "goal": "goals"}
#: above this many ids to choose from, an ``id`` parameter is a text field, not a select (10,000
#: actors make a select of a megabyte that nobody can scroll; without script there is no search
#: in it): an unknown id then gets the closest one to run with
ID_SELECT_MAX = 200
_EXAMPLE = """
SELECT ?actor ?name ?town
WHERE {
  GRAPH ?concept {
    ?actor a ikg:Actor ; skos:prefLabel ?name .
    OPTIONAL { ?actor ikg:locatedIn/skos:prefLabel ?town }
    FILTER(lang(?name) = "de")
  }
}
ORDER BY ?name
LIMIT 20
"""


def _rows(body: bytes) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The variable names and rows (rdflib terms) of SPARQL JSON results; ASK is one column ``ask``."""
    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QueryBoolean):
        from rdflib import Literal

        return ["ask"], [(Literal(bool(results)),)]
    return solution_rows(results)


def _sorted(table: ResultTable, request: Request) -> ResultTable:
    column = request.query_params.get("sort", "")
    return table.sorted_by(column, request.query_params.get("dir") == "desc")


def sort_href(request: Request, column: str, table: ResultTable) -> str:
    """This page sorted by ``column`` (ascending, or descending when it is sorted ascending now)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("sort", "dir", "page")]
    query.append(("sort", column))
    if table.sort == column and not table.descending:
        query.append(("dir", "desc"))
    return request.url.path + "?" + urlencode(query)


def _field(param: Param, store: StoreLike, page: Page, values: dict[str, str], chosen_concept: str) -> dict[str, Any]:
    """What the form shows for one parameter: its label, input type, value and options."""
    field: dict[str, Any] = {
        "name": param.name,
        "label": param_label(param, page.lang),
        "required": param.required,
        "value": values.get(param.name, ""),
        "input": "text",
        "options": [],
        "groups": [],
        "example": param.example or "",
        "hint": "",
    }
    if param.type == "concept":
        field["input"] = "select"
        field["options"] = [(c.id, title_of(c, page.lang)) for c in concepts(store)]
    elif param.type == "lang":
        field["input"] = "select"
        names = {"de": page.t("web.query.lang_de"), "en": page.t("web.query.lang_en")}
        field["options"] = [(code, names[code]) for code in LANGS]
        field["value"] = field["value"] or page.lang
    elif param.type == "id" and param.cls in _KIND_OF_CLASS:
        kind = _KIND_OF_CLASS[param.cls]
        chosen = [info for info in concepts(store) if not chosen_concept or info.id == chosen_concept]
        total = sum(info.counts.get(_COUNT_OF_KIND[kind], 0) for info in chosen)
        if total > ID_SELECT_MAX:
            what = page.kind_name(kind, plural=True)
            field["hint"] = page.t("web.query.id_hint", n=page.num(total), what=what)
            if chosen:  # the placeholder: an id that is there (the library's example may belong elsewhere)
                ids = sorted(i.id for i in insight(store, chosen[0].id).network.items.values() if i.kind == kind)
                if ids and field["example"] not in ids:
                    field["example"] = ids[0]
            return field
        field["input"] = "select"
        for info in chosen:
            items = sorted(insight(store, info.id).network.of_kind(kind), key=lambda i: fold(i.label(page.lang)))
            field["groups"].append((title_of(info, page.lang), [(i.id, i.label(page.lang)) for i in items]))
    elif param.type == "integer":
        field["input"] = "number"
    elif param.type == "iri":
        field["input"] = "url"
    return field


@router.get("/workbench/queries", response_class=HTMLResponse)
def query_list(request: Request) -> HTMLResponse:
    """The named query library: each query's title and what it answers, linked to its form."""
    page = make_page(request, section="queries")
    shown = [
        {"name": q.name, "title": q.title.get(page.lang) or q.name, "answers": answers(q, page.lang)}
        for q in library().values()
    ]
    return html_page("queries.html", page, queries=shown)


async def _run(settings: Settings, store: StoreLike, query: NamedQuery, raw: dict[str, str]) -> Any:
    """Run ``query`` with ``raw`` parameters; return (names, rows) or the error to show."""
    try:
        bound = bind_params(query, raw)
        await run_in_threadpool(check_ids, store, query, bound)
        text = bind_query(query, bound)  # also inside sub-SELECTs, as the library runs it
        answer = await run_in_threadpool(execute_query, settings, text, None, "json", trusted=True)
    except (IkgError, SparqlError) as exc:
        return exc
    names, rows = _rows(bytes(answer.body))
    return names, sort_concat(names, rows, concat_columns(query.text))


def _retry(request: Request, query: NamedQuery, error: Exception) -> tuple[str, str] | None:
    """For an id that names nothing but has a closest one: (that id, this form run with it)."""
    if not isinstance(error, UnknownIdError) or not error.closest:
        return None
    ids = {p.name for p in query.params if p.type == "id"}
    wrong = [k for k, v in request.query_params.items() if k in ids and v.strip() == error.value]
    if not wrong:
        return None
    query_items = [(k, error.closest[0] if k == wrong[0] else v) for k, v in request.query_params.multi_items()]
    return error.closest[0], request.url.path + "?" + urlencode(query_items)


@router.get("/workbench/queries/{name}", response_class=HTMLResponse)
async def query_form(request: Request, settings: SettingsDep, store: StoreDep, name: str) -> HTMLResponse:
    """One named query as a form; with ``run=1`` also its results as a sortable table and downloads."""
    page = make_page(request, section="queries")
    query = library().get(name)
    if query is None:
        return not_found(page, page.t("web.query.no_query", name=name))
    known = {p.name for p in query.params}
    values = {k: v.strip() for k, v in request.query_params.items() if k in known and v.strip()}
    if "lang" in known and "lang" not in values and request.query_params.get("run"):
        values["lang"] = page.lang
    concept_param = next((p.name for p in query.params if p.type == "concept"), "")
    fields = [_field(p, store, page, values, values.get(concept_param, "")) for p in query.params]
    context: dict[str, Any] = {
        "query": query,
        "title": query.title.get(page.lang) or name,
        "answers": answers(query, page.lang),
        "fields": fields,
        "ran": bool(request.query_params.get("run")),
        "error": "",
        "table": None,
        "pager": None,
        "downloads": {},
        "retry": None,
    }
    if context["ran"]:
        outcome = await _run(settings, store, query, values)
        if isinstance(outcome, IkgError | SparqlError):
            context["error"] = outcome.render(page.lang) if isinstance(outcome, IkgError) else outcome.text(page.lang)
            context["retry"] = _retry(request, query, outcome)
        else:
            names, rows = outcome
            table = _sorted(await run_in_threadpool(result_table, names, rows, page, store), request)
            pager = Pager(page_of(request), ROWS_SIZE, len(table.rows))
            context["table"], context["pager"] = table, pager
            context["rows"] = pager.cut(table.rows)
            context["downloads"] = {
                fmt: f"/queries/{name}?" + urlencode({**values, "format": fmt, "lang": page.lang})
                for fmt in ("xlsx", "csv")
            }
    return html_page("query.html", page, sort_href=lambda c, tb: sort_href(request, c, tb), **context)


def _editor(
    page: Page,
    text: str,
    table: ResultTable | None = None,
    graph_text: str = "",
    error: str = "",
    notice: str = "",
) -> HTMLResponse:
    rows = table.rows[:EDITOR_ROWS] if table else []
    return html_page(
        "sparql.html",
        page,
        scripts=True,
        text=text,
        table=table,
        rows=rows,
        graph_text=graph_text,
        error=error,
        notice=notice,
        prefixes=[(name, iri, prefix_line(name, iri)) for name, iri in library_prefixes()],
    )


@router.get("/workbench/sparql", response_class=HTMLResponse)
def sparql_editor(request: Request) -> HTMLResponse:
    """The SPARQL editor: a text area with the library's prefixes and an example query."""
    return _editor(make_page(request, section="sparql"), prefix_block() + _EXAMPLE)


@router.post("/workbench/sparql", response_class=HTMLResponse)
async def sparql_run(request: Request, settings: SettingsDep, store: StoreDep) -> HTMLResponse:
    """Run the posted query as user SPARQL (the safety scan, a confined engine, the deadline) and show it."""
    page = make_page(request, section="sparql")
    try:
        form = await read_form(request, settings.max_body)
    except BodyTooLargeError as exc:
        return _editor(page, "", error=page.t("web.sparql.too_large", n=page.num(exc.cap)))
    text = form.get("query")
    if form.get("do") == "prefixes":  # the button "insert the prefixes" (without script): nothing runs
        text, added = add_prefixes(text)
        notice = page.t("editor.prefixes.added", names=", ".join(added)) if added else page.t("editor.prefixes.present")
        return _editor(page, text, notice=notice)
    accept = "application/sparql-results+json, text/turtle;q=0.9"
    try:
        answer = await run_in_threadpool(execute_query, settings, text, accept)
    except SparqlError as exc:
        return _editor(page, text, error=exc.text(page.lang))
    if answer.media_type == "text/turtle":
        return _editor(page, text, graph_text=bytes(answer.body).decode("utf-8", "replace"))
    names, rows = _rows(bytes(answer.body))
    table = await run_in_threadpool(result_table, names, rows, page, store)
    return _editor(page, text, table=table)
