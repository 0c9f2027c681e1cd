"""What one page of the web workbench shows about one thing of a concept, read through SPARQL.

Each function answers one page: an actor (:func:`actor_page`), a working group
(:func:`working_group_page`), a goal (:func:`goal_page`), an action field or a cross-cutting task
(:func:`field_page`), the outline of a concept (:func:`concept_outline`) and one page of a long
list (:func:`list_page`). The thing is found by its id (``dcterms:identifier``) inside the
concept's named graph; every query binds the graph and the id (never pasted into the text) and
reads only around that one thing, so a page costs a few small queries however large the concept
is. Labels follow the language asked for and fall back to the other one, then to the id.

Every related thing is a :class:`Ref` (kind, id, label and up to two notes such as a role and a
date), so that the web pages can link it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Literal
from rdflib.term import Node

from ikg.graph.i18n import Lang
from ikg.graph.namespaces import concept_graph
from ikg.graph.store.base import StoreLike

__all__ = [
    "CLASSES",
    "ActorPage",
    "FieldPage",
    "GoalPage",
    "GroupPage",
    "Ref",
    "actor_page",
    "concept_outline",
    "field_page",
    "goal_page",
    "list_page",
    "working_group_page",
]

#: the kinds of thing a page shows, with their class
CLASSES: dict[str, str] = {
    "actor": "ikg:Actor",
    "working_group": "ikg:WorkingGroup",
    "goal": "ikg:Goal",
    "action_field": "ikg:ActionField",
    "task": "ikg:CrossCuttingTask",
}

_PREFIXES = """PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
"""

_LABELS = """
    OPTIONAL { ?item skos:prefLabel ?de FILTER(lang(?de) = "de") }
    OPTIONAL { ?item skos:prefLabel ?en FILTER(lang(?en) = "en") }
    OPTIONAL { ?item skos:prefLabel ?plain FILTER(lang(?plain) = "") }"""

#: the label of a vocabulary term (?term) in the page's language (?lang) as ?note
_TERM_LABEL = """
  OPTIONAL { GRAPH ?v { ?term skos:prefLabel ?note FILTER(lang(?note) = ?lang) } }"""

_SINCE = """
    OPTIONAL { ?m org:memberDuring/time:hasBeginning ?begin
      OPTIONAL { ?begin time:inXSDDate ?d } OPTIONAL { ?begin time:inXSDgYearMonth ?ym }
      OPTIONAL { ?begin time:inXSDgYear ?y } }
    BIND(COALESCE(?d, ?ym, ?y) AS ?note2)"""


@dataclass(frozen=True)
class Ref:
    """A thing a page links to.

    Attributes
    ----------
    kind : str
        ``actor``, ``working_group``, ``goal``, ``action_field`` or ``task``.
    id : str
        Its id in the concept.
    label : str
        Its label in the page's language.
    note, note2 : str
        What the relation adds (a role, a town, a description; a date), or empty.
    """

    kind: str
    id: str
    label: str
    note: str = ""
    note2: str = ""


@dataclass
class ActorPage:
    """An actor: what it is, where it sits, what it works on, with whom."""

    me: Ref
    type: str
    town: str
    parent: Ref | None
    units: list[Ref]
    groups: list[Ref]  # note: role, note2: since
    goals_named: list[Ref]
    goals_via_group: list[Ref]
    goals_concerning: list[Ref]
    cooperations: list[Ref]  # note: description, note2: since


@dataclass
class GroupPage:
    """A working group: its action fields, members with their roles, and the goals it formulated."""

    me: Ref
    fields: list[Ref]
    members: list[Ref]  # note: role, note2: since
    goals: list[Ref]


@dataclass
class GoalPage:
    """A goal: where it is filed, who formulated it, who pursues it, whom it concerns."""

    me: Ref
    concept_goal: bool
    fields: list[Ref]
    tasks: list[Ref]
    group: Ref | None
    named: list[Ref]
    via_group: list[Ref]
    concerns: list[Ref]
    broader: list[Ref]
    narrower: list[Ref]


@dataclass
class FieldPage:
    """An action field or a cross-cutting task: its goals, working groups and the actors on it."""

    me: Ref
    notation: str
    goals: list[Ref]
    groups: list[Ref]
    actors: list[Ref] = field(default_factory=list)  # note: town


def _pick(de: str | None, en: str | None, plain: str | None, fallback: str, lang: Lang) -> str:
    first, second = (en, de) if lang == "en" else (de, en)
    return first or second or plain or fallback


def _refs(
    store: StoreLike, kind: str, sparql: str, bindings: Mapping[str, Node], lang: Lang, sort: bool = True
) -> list[Ref]:
    """Rows ``?item_id ?de ?en ?plain [?note] [?note2]`` as refs of ``kind`` (distinct, by label)."""
    names, rows = store.select_values(_PREFIXES + sparql, {**bindings, "lang": Literal(lang)})
    seen: dict[str, Ref] = {}
    for row in rows:
        r = dict(zip(names, row, strict=True))
        item_id = r.get("item_id")
        if not item_id or (item_id in seen and (seen[item_id].note or not r.get("note"))):
            continue  # the first row of a thing wins, unless a later one has the note it lacks
        label = _pick(r.get("de"), r.get("en"), r.get("plain"), item_id, lang)
        seen[item_id] = Ref(kind, item_id, label, r.get("note") or "", r.get("note2") or "")
    out = list(seen.values())
    return sorted(out, key=lambda x: (x.label.casefold(), x.id)) if sort else out


def _bind(concept: str, thing_id: str) -> dict[str, Node]:
    return {"g": concept_graph(concept), "id": Literal(thing_id)}


def _me(store: StoreLike, concept: str, kind: str, thing_id: str, lang: Lang) -> Ref | None:
    """The thing itself (``None`` when the concept has no ``kind`` with this id)."""
    sparql = f"SELECT ?item_id ?de ?en ?plain WHERE {{ GRAPH ?g {{ ?item a {CLASSES[kind]} ; dcterms:identifier ?id ."
    sparql += _LABELS + " BIND(?id AS ?item_id) } } LIMIT 1"
    found = _refs(store, kind, sparql, _bind(concept, thing_id), lang)
    return found[0] if found else None


@dataclass(frozen=True)
class _Around:
    """The things around one thing ``?x`` (found by ``match``) of a concept, in one language."""

    store: StoreLike
    concept: str
    thing_id: str
    lang: Lang
    match: str

    def rel(self, kind: str, pattern: str, out: str = "") -> list[Ref]:
        """Things of ``kind`` (``?item``) related to ``?x`` by ``pattern``, by label; ``out`` runs outside the graph."""
        sparql = (
            "SELECT ?item_id ?de ?en ?plain ?note ?note2 WHERE {\n  GRAPH ?g {\n    "
            + self.match
            + pattern
            + "\n    ?item dcterms:identifier ?item_id ."
            + _LABELS
            + "\n  }"
            + out
            + "\n}"
        )
        return _refs(self.store, kind, sparql, _bind(self.concept, self.thing_id), self.lang)


def actor_page(store: StoreLike, concept: str, actor_id: str, lang: Lang) -> ActorPage | None:
    """The page of one actor.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    concept : str
        The concept id.
    actor_id : str
        The actor's id.
    lang : {"de", "en"}
        The language of labels and roles.

    Returns
    -------
    ActorPage or None
        ``None`` when the concept has no actor with this id.
    """
    me = _me(store, concept, "actor", actor_id, lang)
    if me is None:
        return None
    rel = _Around(store, concept, actor_id, lang, "?x a ikg:Actor ; dcterms:identifier ?id .").rel
    facts = store.select_values(
        _PREFIXES
        + """SELECT ?town ?note WHERE { GRAPH ?g { ?x a ikg:Actor ; dcterms:identifier ?id .
      OPTIONAL { ?x ikg:locatedIn/skos:prefLabel ?town } OPTIONAL { ?x org:classification ?term } }"""
        + _TERM_LABEL
        + " } LIMIT 1",
        {**_bind(concept, actor_id), "lang": Literal(lang)},
    )[1]
    town, type_label = (facts[0] if facts else (None, None)) or (None, None)
    parents = rel("actor", " ?x org:unitOf ?item .")
    return ActorPage(
        me=me,
        type=type_label or "",
        town=town or "",
        parent=parents[0] if parents else None,
        units=rel("actor", " ?item org:unitOf ?x ."),
        groups=rel(
            "working_group",
            " ?m org:member ?x ; org:organization ?item . OPTIONAL { ?m org:role ?term }" + _SINCE,
            _TERM_LABEL,
        ),
        goals_named=rel("goal", " ?item ikg:pursuedBy ?x ."),
        goals_via_group=rel("goal", " ?x org:memberOf ?wg . ?item ikg:formulatedBy ?wg ."),
        goals_concerning=rel("goal", " ?item ikg:concerns ?x ."),
        cooperations=rel(
            "actor",
            # the cooperation's own node first (its description and start), the bare link second
            " { ?k ikg:partner ?x , ?item FILTER(?item != ?x)"
            " OPTIONAL { ?k dcterms:description ?note } OPTIONAL { ?k ikg:since ?note2 } }"
            " UNION { ?x ikg:cooperatesWith ?item } UNION { ?item ikg:cooperatesWith ?x }",
        ),
    )


def working_group_page(store: StoreLike, concept: str, group_id: str, lang: Lang) -> GroupPage | None:
    """The page of one working group: fields, members (role, since, town) and its goals.

    Parameters are those of :func:`actor_page` (``group_id``: the working group's id).

    Returns
    -------
    GroupPage or None
        ``None`` when the concept has no working group with this id.
    """
    me = _me(store, concept, "working_group", group_id, lang)
    if me is None:
        return None
    rel = _Around(store, concept, group_id, lang, "?x a ikg:WorkingGroup ; dcterms:identifier ?id .").rel
    return GroupPage(
        me=me,
        fields=rel("action_field", " ?x org:purpose ?item ."),
        members=rel(
            "actor", " ?m org:organization ?x ; org:member ?item . OPTIONAL { ?m org:role ?term }" + _SINCE, _TERM_LABEL
        ),
        goals=rel("goal", " ?item ikg:formulatedBy ?x ."),
    )


def goal_page(store: StoreLike, concept: str, goal_id: str, lang: Lang) -> GoalPage | None:
    """The page of one goal.

    Parameters are those of :func:`actor_page` (``goal_id``: the goal's id).

    Returns
    -------
    GoalPage or None
        ``None`` when the concept has no goal with this id. ``via_group`` are the members of the
        working group that formulated it (they pursue it too, docs/design.md).
    """
    me = _me(store, concept, "goal", goal_id, lang)
    if me is None:
        return None
    rel = _Around(store, concept, goal_id, lang, "?x a ikg:Goal ; dcterms:identifier ?id .").rel
    groups = rel("working_group", " ?x ikg:formulatedBy ?item .")
    level = _bind(concept, goal_id)
    is_concept_goal = store.ask(_PREFIXES + "ASK { GRAPH ?g { ?x a ikg:ConceptGoal ; dcterms:identifier ?id } }", level)
    return GoalPage(
        me=me,
        concept_goal=is_concept_goal,
        fields=rel("action_field", " ?x ikg:inActionField ?item ."),
        tasks=rel("task", " ?x ikg:addressesTask ?item ."),
        group=groups[0] if groups else None,
        named=rel("actor", " ?x ikg:pursuedBy ?item . OPTIONAL { ?item ikg:locatedIn/skos:prefLabel ?note }"),
        via_group=rel(
            "actor",
            " ?x ikg:formulatedBy ?wg . ?item org:memberOf ?wg . OPTIONAL { ?item ikg:locatedIn/skos:prefLabel ?note }",
        ),
        concerns=rel("actor", " ?x ikg:concerns ?item ."),
        broader=rel("goal", " ?x skos:broader ?item ."),
        narrower=rel("goal", " ?item skos:broader ?x ."),
    )


def field_page(store: StoreLike, concept: str, kind: str, field_id: str, lang: Lang) -> FieldPage | None:
    """The page of an action field (``kind="action_field"``) or a cross-cutting task (``"task"``).

    Parameters are those of :func:`actor_page`, with ``kind`` (``action_field`` or ``task``) and its id.

    Returns
    -------
    FieldPage or None
        ``None`` when the concept has no such field or task. ``actors`` are those who pursue one
        of its goals (named, or as members of the formulating working group) and, for a field,
        the members of its working groups; ``note`` is their town.
    """
    me = _me(store, concept, kind, field_id, lang)
    if me is None:
        return None
    cls, prop = (CLASSES[kind], "ikg:inActionField" if kind == "action_field" else "ikg:addressesTask")
    x = f"?x a {cls} ; dcterms:identifier ?id ."
    rel = _Around(store, concept, field_id, lang, x).rel
    groups = rel("working_group", " ?item org:purpose ?x .") if kind == "action_field" else []
    on_it = (
        f"{{ ?goal {prop} ?x . {{ ?goal ikg:pursuedBy ?item }}"
        " UNION { ?goal ikg:formulatedBy/^org:memberOf ?item } }"
    )
    if kind == "action_field":
        on_it += " UNION { ?wg org:purpose ?x . ?item org:memberOf ?wg }"
    notation = store.select_values(
        _PREFIXES + f"SELECT ?n WHERE {{ GRAPH ?g {{ {x} ?x skos:notation ?n }} }} LIMIT 1", _bind(concept, field_id)
    )[1]
    return FieldPage(
        me=me,
        notation=(notation[0][0] or "") if notation else "",
        goals=rel("goal", f" ?item {prop} ?x ."),
        groups=groups,
        actors=rel("actor", f" {on_it} ?item a ikg:Actor . OPTIONAL {{ ?item ikg:locatedIn/skos:prefLabel ?note }}"),
    )


def concept_outline(store: StoreLike, concept: str, lang: Lang) -> dict[str, list[Ref]]:
    """The action fields, cross-cutting tasks and working groups of a concept, for its page.

    Parameters are those of :func:`actor_page`.

    Returns
    -------
    dict
        ``action_field``, ``task``, ``working_group`` to refs sorted by label; ``note`` holds the
        number of goals (fields, tasks) or members (working groups), ``note2`` the notation.
    """
    counted = {
        "action_field": "OPTIONAL { ?counted ikg:inActionField ?item }",
        "task": "OPTIONAL { ?counted ikg:addressesTask ?item }",
        "working_group": "OPTIONAL { ?counted org:member ?someone ; org:organization ?item }",
    }
    out: dict[str, list[Ref]] = {}
    for kind, counting in counted.items():
        sparql = (
            f"SELECT ?item_id ?de ?en ?plain (STR(COUNT(DISTINCT ?counted)) AS ?note) (SAMPLE(?n) AS ?note2) WHERE {{"
            f" GRAPH ?g {{ ?item a {CLASSES[kind]} ; dcterms:identifier ?item_id . {counting}"
            " OPTIONAL { ?item skos:notation ?n }" + _LABELS + " } } GROUP BY ?item_id ?de ?en ?plain"
        )
        out[kind] = _refs(store, kind, sparql, {"g": concept_graph(concept)}, lang)
    return out


def list_page(store: StoreLike, concept: str, kind: str, lang: Lang, offset: int, limit: int) -> list[Ref]:
    """One page of the actors (``note``: town) or goals of a concept, ordered by label.

    ``kind`` is ``actor`` or ``goal``; ``offset`` and ``limit`` choose the rows (the total is the
    concept's count in :mod:`ikg.graph.library.inventory`); the rest as for :func:`actor_page`.

    Returns
    -------
    list of Ref
    """
    label = '(LCASE(COALESCE(IF(?lang = "en", ?en, ?de), ?de, ?en, ?plain, ?item_id)))'
    sparql = (
        f"SELECT ?item_id ?de ?en ?plain ?note WHERE {{ GRAPH ?g {{ ?item a {CLASSES[kind]} ;"
        " dcterms:identifier ?item_id . OPTIONAL { ?item ikg:locatedIn/skos:prefLabel ?note }"
        + _LABELS
        + f" }} }} ORDER BY {label} ?item_id LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    return _refs(store, kind, sparql, {"g": concept_graph(concept)}, lang, sort=False)
