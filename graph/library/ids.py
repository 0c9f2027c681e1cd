"""Do the ids and concepts given to a named query exist? One check for the command line and HTTP.

A typo in an id (``wg_id=ag-sprach``) would give an empty table, which reads as "nobody is
in this working group". :func:`check_ids` says instead what is missing, where, and which
existing ids come closest: ``ag-sprach: no working group with this id in beispielkreis-2024;
did you mean ag-sprache or ag-schule?``. ``ikg query`` exits with it (code 1), ``/queries/{name}``
answers 404 with it in the request's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ikg.graph.errors import NotFoundError
from ikg.graph.i18n import Lang, t
from ikg.graph.iris import IKG_NS, concept_id_of_graph
from ikg.graph.spelling import closest
from ikg.graph.store.base import StoreLike

if TYPE_CHECKING:
    from ikg.graph.library.named import NamedQuery
    from ikg.graph.store.base import Bound

__all__ = ["ID_CLASSES", "UnknownIdError", "check_ids"]

#: the classes an ``id`` parameter may name (``class=...``), each with how a message says "none of them"
ID_CLASSES: dict[str, Callable[[Lang], str]] = {
    "Actor": lambda lang: t("queries.id.no_actor", lang),
    "WorkingGroup": lambda lang: t("queries.id.no_working_group", lang),
    "Goal": lambda lang: t("queries.id.no_goal", lang),
}


class UnknownIdError(NotFoundError):
    """An id given to a query that names nothing there; says so with the closest ids, in either language."""

    def __init__(self, value: str, cls: str | None, concept: str | None, closest: list[str]) -> None:
        self.value, self.cls, self.concept, self.closest = value, cls, concept, closest
        super().__init__(self.render("en"))

    def render(self, lang: Lang) -> str:
        """The message in ``lang``: ``ag-sprach: no working group with this id in X; did you mean ag-sprache?``."""
        what = ID_CLASSES[self.cls](lang) if self.cls else t("queries.id.no_item", lang)
        hint = ""
        if self.closest:
            ids = (
                self.closest[0]
                if len(self.closest) == 1
                else ", ".join(self.closest[:-1]) + t("queries.id.or", lang) + self.closest[-1]
            )
            hint = t("queries.id.did_you_mean", lang, ids=ids)
        if self.concept is None:
            return t("queries.id.unknown_anywhere", lang, id=self.value, what=what, hint=hint)
        return t("queries.id.unknown_in", lang, id=self.value, what=what, concept=self.concept, hint=hint)


_IDS = """SELECT DISTINCT ?id WHERE { GRAPH ?g { ?x dcterms:identifier ?id ; a ?cls } }"""
_IDS_ANY = """SELECT DISTINCT ?id WHERE { GRAPH ?g { ?x dcterms:identifier ?id } }"""
_HAS_ID = """ASK { GRAPH ?g { ?x dcterms:identifier ?id ; a ?cls } }"""
_HAS_ID_ANY = """ASK { GRAPH ?g { ?x dcterms:identifier ?id } }"""
_PREFIX = "PREFIX dcterms: <http://purl.org/dc/terms/>\n"


def _text(term: Bound) -> str:
    """The IRI or the text of a bound term, pyoxigraph's (whose ``str`` is N-Triples) or rdflib's."""
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else str(term)


def check_ids(store: StoreLike, query: NamedQuery, bound: Mapping[str, Bound]) -> None:
    """Make sure every concept and id given to ``query`` exists, before it runs.

    A ``concept`` parameter must name a concept in the store. An ``id`` parameter must be the id
    (``dcterms:identifier``) of something of its class (``class=`` in the header; anything
    without one) in the concept given to the query's ``concept`` parameter, or in any concept
    when none is given.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    query : NamedQuery
        The query.
    bound : mapping
        The parameters as :func:`bind_params` returned them.

    Raises
    ------
    NotFoundError
        For a concept that is not in the store (listing those that are), and
        :class:`UnknownIdError` for an id that names nothing (with the closest id, by the
        project's one rule, :func:`ikg.graph.spelling.closest`).
    """
    graphs = store.named_graphs()
    for p in query.params:
        if p.type == "concept" and p.name in bound and _text(bound[p.name]) not in graphs:
            known = sorted(c for c in map(concept_id_of_graph, graphs) if c)
            wanted = repr(concept_id_of_graph(_text(bound[p.name])) or _text(bound[p.name]))
            if not known:
                raise NotFoundError(key="library.error.no_concept_none", concept=wanted)
            raise NotFoundError(key="library.error.no_concept", concept=wanted, concepts=", ".join(known))
    scope = bound.get("concept") if any(p.name == "concept" and p.type == "concept" for p in query.params) else None
    for p in query.params:
        if p.type != "id" or p.name not in bound:
            continue
        where: dict[str, Bound] = {"id": bound[p.name]}
        if scope is not None:
            where["g"] = scope
        if p.cls is not None:
            where["cls"] = ox.NamedNode(IKG_NS + p.cls)
        if store.ask(_PREFIX + (_HAS_ID if p.cls else _HAS_ID_ANY), where):
            continue
        del where["id"]
        _, rows = store.select_values(_PREFIX + (_IDS if p.cls else _IDS_ANY), where)
        ids = sorted({r[0] for r in rows if r[0]})
        near = closest(_text(bound[p.name]), ids)
        concept = concept_id_of_graph(_text(scope)) if scope is not None else None
        raise UnknownIdError(_text(bound[p.name]), p.cls, concept, [near] if near else [])
