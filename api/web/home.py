"""The workbench's start page, the page of each concept, its long lists, and search.

Key figures come from one place (:func:`ikg.graph.library.inventory.list_concepts`, kept by
:func:`ikg.api.web.insight.concepts`); findings from the concept's analysis
(:func:`ikg.api.web.insight.insight`); what a page lists about a concept from
:mod:`ikg.graph.library.pages`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ikg.api.http.deps import StoreDep
from ikg.api.web.actions import advice_for
from ikg.api.web.insight import Insight, concepts, insight
from ikg.api.web.paging import PAGE_SIZE, all_of_kind, outline
from ikg.api.web.render import Page, Pager, html_page, make_page, page_of
from ikg.graph.analysis.gaps import Finding
from ikg.graph.i18n import Lang, format_date
from ikg.graph.library.inventory import ConceptInfo
from ikg.graph.store.base import StoreLike

__all__ = ["FIGURES", "concept_or_404", "finding_view", "not_found", "router", "start_page"]

router = APIRouter(include_in_schema=False)

#: the key figures of a concept, in the order shown (kinds of ikg.graph.library.inventory.KINDS)
FIGURES = ("actors", "working_groups", "goals", "action_fields", "cross_cutting_tasks", "cooperations")
#: search answers per page
SEARCH_SIZE = 25


def title_of(info: ConceptInfo, lang: Lang) -> str:
    """A concept's title in ``lang`` (the other language, then the id, when missing)."""
    return info.title.get(lang) or info.title.get("de") or info.title.get("en") or info.id


def finding_view(finding: Finding, found: Insight, lang: Lang) -> dict[str, Any]:
    """What a template shows of one finding: kind, subjects, the finding in plain words with its
    strength and recommended action, and "how we know" (the reasons with their metrics, folded);
    computed once per finding and language for as long as the analysis is kept."""
    view: dict[str, Any] = found.memo(("finding", id(finding), lang), lambda: _finding_view(finding, found, lang))
    return view


def _finding_view(finding: Finding, found: Insight, lang: Lang) -> dict[str, Any]:
    advice = advice_for(finding, found.steady, lang)
    return {
        "kind": finding.kind,
        "subjects": finding.subjects,
        "summary": advice.summary,
        "reasons": finding.reasons[lang],
        "how": advice.how,
        "action": advice.action,
        "strength": advice.strength,
        "strength_word": advice.strength_word,
        "score": finding.score,
    }


def not_found(page: Page, message: str) -> HTMLResponse:
    """The friendly "not found" page (404) in the page's language, with ways back."""
    return html_page("error.html", page, 404, message=message)


def concept_or_404(store: StoreLike, page: Page, concept: str) -> ConceptInfo | HTMLResponse:
    """The concept ``concept`` (and the page set to it), or the 404 page that names those there are."""
    for info in concepts(store):
        if info.id == concept:
            page.concept, page.concept_title = info.id, title_of(info, page.lang)
            return info
    known = ", ".join(c.id for c in concepts(store)) or "—"
    return not_found(page, page.t("web.error.no_concept", concept=concept, known=known))


def start_page(request: Request, store: StoreLike) -> HTMLResponse:
    """The start page: every concept with its key figures and its three most important findings.

    Parameters
    ----------
    request : Request
    store : StoreLike
        The store the server reads.

    Returns
    -------
    HTMLResponse
    """
    page = make_page(request, section="start")
    shown = []
    for info in concepts(store):
        found = insight(store, info.id)
        shown.append(
            {
                "info": info,
                "title": title_of(info, page.lang),
                "issued": format_date(info.issued, page.lang) if info.issued else "",
                "findings": sum(found.analysis.totals.values()),
                "top": [finding_view(f, found, page.lang) for f in found.top(3)],
            }
        )
    return html_page("start.html", page, concepts=shown, figures=FIGURES)


@router.get("/concepts/{concept}", response_class=HTMLResponse)
def concept_page(request: Request, store: StoreDep, concept: str) -> HTMLResponse:
    """A concept: key figures, action fields, tasks, working groups, top findings, views."""
    page = make_page(request, section="concept")
    info = concept_or_404(store, page, concept)
    if isinstance(info, HTMLResponse):
        return info
    found = insight(store, concept)
    shown = outline(found, page.lang)
    pager = Pager(page_of(request), PAGE_SIZE, len(shown["working_group"]))
    return html_page(
        "concept.html",
        page,
        info=info,
        figures=FIGURES,
        description=found.network.description.get(page.lang) or found.network.description.get("de", ""),
        issued=format_date(info.issued, page.lang) if info.issued else "",
        outline=shown,
        groups=pager.cut(shown["working_group"]),
        pager=pager,
        totals=found.analysis.totals,
        top=[finding_view(f, found, page.lang) for f in found.top(3)],
        revises=info.revision_of if info.revision_of in {c.id for c in concepts(store)} else None,
    )


def _list(request: Request, store: StoreLike, concept: str, kind: str) -> HTMLResponse:
    page = make_page(request, section=kind + "s")
    info = concept_or_404(store, page, concept)
    if isinstance(info, HTMLResponse):
        return info
    everyone = all_of_kind(insight(store, concept), kind, page.lang)
    pager = Pager(page_of(request), PAGE_SIZE, len(everyone))
    return html_page("list.html", page, kind=kind, rows=pager.cut(everyone), pager=pager)


@router.get("/concepts/{concept}/actors", response_class=HTMLResponse)
def actor_list(request: Request, store: StoreDep, concept: str) -> HTMLResponse:
    """All actors of a concept, by name, a page at a time."""
    return _list(request, store, concept, "actor")


@router.get("/concepts/{concept}/goals", response_class=HTMLResponse)
def goal_list(request: Request, store: StoreDep, concept: str) -> HTMLResponse:
    """All goals of a concept, by title, a page at a time."""
    return _list(request, store, concept, "goal")


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
    concept: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """Actors, working groups, goals, fields and tasks whose name contains ``q`` (case and umlauts ignored)."""
    page = make_page(request, section="search")
    known = concepts(store)
    chosen = [c for c in known if not concept or c.id == concept]
    hits = []
    for info in chosen:
        found = insight(store, info.id)
        hits += [(info.id, title_of(info, page.lang), item) for item in found.search(q)]
    order = {"actor": 0, "working_group": 1, "goal": 2, "action_field": 3, "task": 4}
    hits.sort(key=lambda h: (order[h[2].kind], h[2].label(page.lang).casefold(), h[0]))
    pager = Pager(page_of(request), SEARCH_SIZE, len(hits))
    return html_page(
        "search.html", page, q=q.strip(), concept=concept, concepts=known, hits=pager.cut(hits), pager=pager
    )
