"""A page per actor, working group, goal, action field and cross-cutting task, and the gaps page.

What a thing is and how it is linked is read by :mod:`ikg.graph.library.pages`; the findings that
concern it, and an actor's recommended contacts, come from the concept's analysis
(:mod:`ikg.api.web.insight`). An unknown id gets the friendly 404 page in the user's language.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from ikg.api.http.deps import StoreDep
from ikg.api.web.home import concept_or_404, finding_view, not_found
from ikg.api.web.insight import insight
from ikg.api.web.paging import GOALS_PAGE, PAGE_SIZE, NamedPager, field_actors, field_goals, named_page
from ikg.api.web.render import Page, Pager, html_page, make_page, page_of
from ikg.graph.analysis.gaps import KINDS
from ikg.graph.library.pages import actor_page, field_page, goal_page, working_group_page
from ikg.graph.store.base import StoreLike

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: findings per page of the gaps page
GAPS_SIZE = 20
#: recommended contacts shown on an actor's page (the gaps page lists them all)
CONTACTS_SHOWN = 10

Id = Annotated[str, Query(max_length=200)]


def _missing(page: Page, kind: str, thing_id: str) -> HTMLResponse:
    what = page.kind_name(kind)
    return not_found(page, page.t("web.error.no_thing", what=what, id=thing_id, concept=page.concept_title))


def _open(request: Request, store: StoreLike, concept: str) -> Page | HTMLResponse:
    page = make_page(request, section="concept")
    info = concept_or_404(store, page, concept)
    return info if isinstance(info, HTMLResponse) else page


@router.get("/concepts/{concept}/actors/{actor_id}", response_class=HTMLResponse)
def actor(request: Request, store: StoreDep, concept: str, actor_id: str) -> HTMLResponse:
    """An actor: its working groups with roles, goals, cooperations, gaps and recommended contacts."""
    page = _open(request, store, concept)
    if isinstance(page, HTMLResponse):
        return page
    page.section = "actors"
    data = actor_page(store, concept, actor_id, page.lang)
    if data is None:
        return _missing(page, "actor", actor_id)
    found = insight(store, concept)
    me = found.item("actor", actor_id)
    contacts = found.contacts(me.iri) if me else []
    others = found.about(me.iri, tuple(k for k in KINDS if k != "missing-link")) if me else []
    return html_page(
        "actor.html",
        page,
        data=data,
        contacts=[(other, finding_view(f, found, page.lang)) for other, f in contacts[:CONTACTS_SHOWN]],
        contacts_total=len(contacts),
        gaps=[finding_view(f, found, page.lang) for f in others],
    )


@router.get("/concepts/{concept}/working-groups/{group_id}", response_class=HTMLResponse)
def working_group(request: Request, store: StoreDep, concept: str, group_id: str) -> HTMLResponse:
    """A working group: its action fields, members with their roles, its goals and its gaps."""
    page = _open(request, store, concept)
    if isinstance(page, HTMLResponse):
        return page
    data = working_group_page(store, concept, group_id, page.lang)
    if data is None:
        return _missing(page, "working_group", group_id)
    found = insight(store, concept)
    me = found.item("working_group", group_id)
    matching = found.select(group=me.iri) if me else []
    gaps = [finding_view(f, found, page.lang) for f in matching[:GAPS_SIZE]]
    return html_page("group.html", page, data=data, gaps=gaps, gaps_total=len(matching))


@router.get("/concepts/{concept}/goals/{goal_id}", response_class=HTMLResponse)
def goal(request: Request, store: StoreDep, concept: str, goal_id: str) -> HTMLResponse:
    """A goal: its fields and tasks, who formulated it, who pursues it, and its gaps."""
    page = _open(request, store, concept)
    if isinstance(page, HTMLResponse):
        return page
    page.section = "goals"
    data = goal_page(store, concept, goal_id, page.lang)
    if data is None:
        return _missing(page, "goal", goal_id)
    found = insight(store, concept)
    me = found.item("goal", goal_id)
    gaps = [finding_view(f, found, page.lang) for f in found.about(me.iri, ("coverage",))] if me else []
    return html_page("goal.html", page, data=data, gaps=gaps)


def _field(request: Request, store: StoreLike, concept: str, kind: str, field_id: str) -> HTMLResponse:
    page = _open(request, store, concept)
    if isinstance(page, HTMLResponse):
        return page
    data = field_page(store, concept, kind, field_id, page.lang, with_lists=False)
    if data is None:
        return _missing(page, kind, field_id)
    found = insight(store, concept)
    me = found.item(kind, field_id)
    gaps = [finding_view(f, found, page.lang) for f in found.about(me.iri, ("coverage",))] if me else []
    actors = field_actors(found, kind, me.iri, page.lang) if me else []
    goals = field_goals(found, kind, me.iri, page.lang) if me else []
    pager = Pager(page_of(request), PAGE_SIZE, len(actors))
    goals_pager = NamedPager(named_page(request, GOALS_PAGE), PAGE_SIZE, len(goals), GOALS_PAGE, request)
    return html_page(
        "field.html",
        page,
        kind=kind,
        data=data,
        gaps=gaps,
        actors=pager.cut(actors),
        pager=pager,
        goals=goals_pager.cut(goals),
        goals_pager=goals_pager,
    )


@router.get("/concepts/{concept}/action-fields/{field_id}", response_class=HTMLResponse)
def action_field(request: Request, store: StoreDep, concept: str, field_id: str) -> HTMLResponse:
    """An action field: its goals, working groups, the actors on it, and its coverage gaps."""
    return _field(request, store, concept, "action_field", field_id)


@router.get("/concepts/{concept}/tasks/{task_id}", response_class=HTMLResponse)
def task(request: Request, store: StoreDep, concept: str, task_id: str) -> HTMLResponse:
    """A cross-cutting task: its goals, the actors on it, and its coverage gaps."""
    return _field(request, store, concept, "task", task_id)


@router.get("/concepts/{concept}/gaps", response_class=HTMLResponse)
def gaps(
    request: Request,
    store: StoreDep,
    concept: str,
    kind: Id = "",
    field: Id = "",
    group: Id = "",
    town: Id = "",
    actor: Id = "",
) -> HTMLResponse:
    """Every finding with its reasons and a recommended action, filtered by kind, field, group, town, actor."""
    page = _open(request, store, concept)
    if isinstance(page, HTMLResponse):
        return page
    page.section = "gaps"
    found = insight(store, concept)
    net = found.network

    def iri(kind_of: str, value: str) -> str:
        item = found.item(kind_of, value) if value else None
        return item.iri if item else ("-" if value else "")

    chosen = {
        "kind": kind if kind in KINDS else "",
        "field": field,
        "group": group,
        "town": town,
        "actor": actor,
    }
    matching = found.select(
        chosen["kind"], iri("action_field", field), iri("working_group", group), town, iri("actor", actor)
    )
    pager = Pager(page_of(request), GAPS_SIZE, len(matching))
    actor_item = found.item("actor", actor) if actor else None
    return html_page(
        "gaps.html",
        page,
        chosen=chosen,
        kinds=[(k, found.analysis.totals.get(k, 0)) for k in KINDS],
        fields=net.of_kind("action_field"),
        groups=net.of_kind("working_group"),
        towns=found.towns(),
        actor_label=actor_item.label(page.lang) if actor_item else actor,
        findings=[finding_view(f, found, page.lang) for f in pager.cut(matching)],
        total=len(matching),
        all_total=len(found.findings),
        pager=pager,
    )
