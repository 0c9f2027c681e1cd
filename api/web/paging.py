"""The long lists of the workbench's pages, read from the concept's network in memory, a page at a time.

At 10,000 actors an action field has thousands of actors on it and a concept hundreds of working
groups: read through SPARQL with their labels, such a list took seconds per page. The concept's
network (:class:`~ikg.graph.analysis.model.ConceptNetwork`, kept with its analysis by
:func:`ikg.api.web.insight.insight` for every page anyway) holds the labels, towns, memberships,
goals and fields, so these lists are built from it in milliseconds; the page then shows one
:class:`~ikg.api.web.render.Pager` page of them (``?page=N``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request

from ikg.api.web.insight import Insight
from ikg.api.web.render import Pager
from ikg.graph.analysis.model import Item
from ikg.graph.i18n import Lang
from ikg.graph.library.pages import Ref

__all__ = [
    "GOALS_PAGE",
    "PAGE_SIZE",
    "NamedPager",
    "all_of_kind",
    "field_actors",
    "field_goals",
    "named_page",
    "outline",
]

#: rows per page of a long list (actors, goals, working groups, the actors on a field)
PAGE_SIZE = 50
#: the query parameter of the goals' page on a field's page (its actors page with ``page``)
GOALS_PAGE = "goals_page"


def named_page(request: Request, name: str) -> int:
    """The page number in the query parameter ``name`` (1 when missing or not a positive number)."""
    raw = request.query_params.get(name, "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


@dataclass(frozen=True)
class NamedPager(Pager):
    """A :class:`Pager` whose page is in its own query parameter: a second long list on one page.

    Attributes
    ----------
    param : str
        The query parameter (``goals_page``).
    request : Request or None
        The request whose other parameters the links keep.
    """

    param: str = "page"
    request: Request | None = None

    def href(self, number: int) -> str:
        """This page with page ``number`` of this list (the other lists stay where they are)."""
        assert self.request is not None
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != self.param]
        if number > 1:
            query.append((self.param, str(number)))
        return self.request.url.path + ("?" + urlencode(query) if query else "")


def _ref(item: Item, lang: Lang, note: str = "", note2: str = "") -> Ref:
    return Ref(item.kind, item.id, item.label(lang), note, note2)


def _by_label(refs: list[Ref]) -> list[Ref]:
    return sorted(refs, key=lambda r: (r.label.casefold(), r.id))


def all_of_kind(found: Insight, kind: str, lang: Lang) -> list[Ref]:
    """Every actor (``note``: its town) or goal of a concept, by name: the concept's list pages.

    Parameters
    ----------
    found : Insight
    kind : {"actor", "goal"}
    lang : {"de", "en"}

    Returns
    -------
    list of Ref
    """

    def compute() -> list[Ref]:
        return _by_label([_ref(i, lang, i.town) for i in found.network.of_kind(kind)])

    refs: list[Ref] = found.memo(("all", kind, lang), compute)
    return refs


def field_actors(found: Insight, kind: str, iri: str, lang: Lang) -> list[Ref]:
    """The actors on an action field or cross-cutting task, by name, with their town as ``note``.

    Those who pursue one of its goals (named, or as members of the working group that formulated
    it) and, for an action field, the members of its working groups: what
    :func:`ikg.graph.library.pages.field_page` reads with SPARQL.

    Parameters
    ----------
    found : Insight
        The concept's analysis and network.
    kind : {"action_field", "task"}
    iri : str
        The field's or task's IRI.
    lang : {"de", "en"}

    Returns
    -------
    list of Ref
    """
    refs: list[Ref] = found.memo(("field_actors", iri, lang), lambda: _field_actors(found, kind, iri, lang))
    return refs


def _goals_on(found: Insight, kind: str, iri: str) -> set[str]:
    net = found.network
    filed = net.goal_fields if kind == "action_field" else net.goal_tasks
    return {goal for goal, fields in filed.items() if iri in fields}


def field_goals(found: Insight, kind: str, iri: str, lang: Lang) -> list[Ref]:
    """The goals filed under an action field or cross-cutting task, by title (parameters of :func:`field_actors`).

    Returns
    -------
    list of Ref
    """

    def compute() -> list[Ref]:
        net = found.network
        return _by_label([_ref(net.items[g], lang) for g in _goals_on(found, kind, iri) if g in net.items])

    refs: list[Ref] = found.memo(("field_goals", iri, lang), compute)
    return refs


def _field_actors(found: Insight, kind: str, iri: str, lang: Lang) -> list[Ref]:
    net = found.network
    goals = _goals_on(found, kind, iri)
    pursuers = found.steady.pursuers()
    on_it: set[str] = set()
    for goal in goals:
        on_it.update(pursuers.get(goal, ()))
    if kind == "action_field":
        for wg, fields in net.wg_fields.items():
            if iri in fields:
                on_it.update(net.members.get(wg, ()))
    items = [net.items[a] for a in on_it if a in net.items and net.items[a].kind == "actor"]
    return _by_label([_ref(i, lang, i.town) for i in items])


def outline(found: Insight, lang: Lang) -> dict[str, list[Ref]]:
    """The action fields, cross-cutting tasks and working groups of a concept, for its page.

    Refs by label; ``note`` the number of goals (fields, tasks) or members (working groups),
    ``note2`` the notation.

    Parameters
    ----------
    found : Insight
    lang : {"de", "en"}

    Returns
    -------
    dict
        ``action_field``, ``task``, ``working_group`` to lists of :class:`Ref`.
    """
    refs: dict[str, list[Ref]] = found.memo(("outline", lang), lambda: _outline(found, lang))
    return refs


def _outline(found: Insight, lang: Lang) -> dict[str, list[Ref]]:
    net = found.network
    goals_on: Counter[str] = Counter()
    for filed in (net.goal_fields, net.goal_tasks):
        for fields in filed.values():
            goals_on.update(set(fields))
    counts = {**goals_on, **{wg: len(set(actors)) for wg, actors in net.members.items()}}
    return {
        kind: _by_label([_ref(i, lang, str(counts.get(i.iri, 0)), i.subkind) for i in net.of_kind(kind)])
        for kind in ("action_field", "task", "working_group")
    }
