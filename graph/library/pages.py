"""What one page of the web workbench shows about one thing of a concept, read through SPARQL.

Each function answers one page: an actor (:func:`actor_page`), a working group
(:func:`working_group_page`), a goal (:func:`goal_page`), an action field or a cross-cutting task
(:func:`field_page`); a concept's outline and its long lists come from the network the workbench
keeps (:mod:`ikg.api.web.paging`). The thing is found by its id (``dcterms:identifier``) inside the
concept's named graph, once; every other query binds the graph and the thing's IRI (never pasted
into the text) and reads only around that one thing, so a page costs a few small queries however
large the concept is. Oxigraph evaluates the branches of a ``UNION`` and an ``OPTIONAL`` outside
a ``GRAPH`` group without the bound thing, so such patterns are split into one query per branch
and vocabulary labels are read from the ontology graph only (10,000 actors: an actor's page from
8 s to a few ms). Labels follow the language asked for and fall back to the other one, then to
the id.

Every related thing is a :class:`Ref` (kind, id, label and up to two notes such as a role and a
date), so that the web pages can link it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from ikg.graph.i18n import Lang
from ikg.graph.namespaces import ONTOLOGY_GRAPH, concept_graph
from ikg.graph.store.base import StoreLike

__all__ = [
    "CLASSES",
    "ActorPage",
    "FieldPage",
    "GoalPage",
    "GroupPage",
    "Ref",
    "actor_page",
    "field_page",
    "goal_page",
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

#: the label of a vocabulary term (?term) in the page's language (?lang) as ?note (?v: the ontology graph)
_TERM_LABEL = """
  OPTIONAL { GRAPH ?v { ?term skos:prefLabel ?note FILTER(lang(?note) = ?lang) } }"""

#: the start of a membership ?m, joined (an OPTIONAL of it reads every membership of the concept)
_SINCE = """ ?m org:memberDuring/time:hasBeginning ?begin .
    ?begin time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?since ."""


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


def _merge(*parts: list[Ref]) -> list[Ref]:
    """Refs of several queries as one list, by label (the first ref of a thing wins, unless a later one has a note)."""
    seen: dict[str, Ref] = {}
    for part in parts:
        for ref in part:
            if ref.id not in seen or (ref.note and not seen[ref.id].note):
                seen[ref.id] = ref
    return sorted(seen.values(), key=lambda x: (x.label.casefold(), x.id))


def _me(store: StoreLike, concept: str, kind: str, thing_id: str, lang: Lang) -> _Around | None:
    """The thing itself, ready to read around it (``None`` when the concept has no ``kind`` with this id)."""
    sparql = _PREFIXES + (
        f"SELECT ?x ?de ?en ?plain WHERE {{ GRAPH ?g {{ ?x a {CLASSES[kind]} ; dcterms:identifier ?id ."
        + _LABELS.replace("?item", "?x")
        + " } } LIMIT 1"
    )
    bindings: dict[str, Node] = {"g": concept_graph(concept), "id": Literal(thing_id)}
    names, rows = store.select_values(sparql, bindings)
    if not rows:
        return None
    r = dict(zip(names, rows[0], strict=True))
    me = Ref(kind, thing_id, _pick(r.get("de"), r.get("en"), r.get("plain"), thing_id, lang))
    return _Around(store, concept, URIRef(str(r["x"])), lang, me)


@dataclass(frozen=True)
class _Around:
    """The things around one thing ``?x`` (its IRI ``x``) of a concept, in one language."""

    store: StoreLike
    concept: str
    x: URIRef
    lang: Lang
    me: Ref

    @property
    def bindings(self) -> dict[str, Node]:
        """The graph ``?g``, the thing ``?x``, the ontology graph ``?v`` (vocabulary labels)."""
        return {"g": concept_graph(self.concept), "x": self.x, "v": ONTOLOGY_GRAPH}

    def with_since(self, refs: list[Ref], membership: str) -> list[Ref]:
        """``refs`` with the start of their membership as ``note2`` (``membership``: ``?m``, ``?x``, ``?item``)."""
        sparql = (
            _PREFIXES
            + "SELECT ?item_id ?since WHERE { GRAPH ?g {"
            + membership
            + _SINCE
            + " ?item dcterms:identifier ?item_id } }"
        )
        since: dict[str, str] = {}
        for item_id, value in self.store.select_values(sparql, self.bindings)[1]:
            if item_id and value and len(value) > len(since.get(item_id, "")):  # a date before a month, a year
                since[item_id] = value
        return [Ref(r.kind, r.id, r.label, r.note, since.get(r.id, r.note2)) for r in refs]

    def rel(self, kind: str, pattern: str, out: str = "") -> list[Ref]:
        """Things of ``kind`` (``?item``) related to ``?x`` by ``pattern``, by label; ``out`` runs outside the graph."""
        sparql = (
            "SELECT ?item_id ?de ?en ?plain ?note ?note2 WHERE {\n  GRAPH ?g {\n   "
            + pattern
            + "\n    ?item dcterms:identifier ?item_id ."
            + _LABELS
            + "\n  }"
            + out
            + "\n}"
        )
        return _refs(self.store, kind, sparql, self.bindings, self.lang)


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
    around = _me(store, concept, "actor", actor_id, lang)
    if around is None:
        return None
    rel = around.rel
    facts = store.select_values(
        _PREFIXES
        + """SELECT ?town ?note WHERE { GRAPH ?g { ?x a ikg:Actor .
      OPTIONAL { ?x ikg:locatedIn/skos:prefLabel ?town } OPTIONAL { ?x org:classification ?term } }"""
        + _TERM_LABEL
        + " } LIMIT 1",
        {**around.bindings, "lang": Literal(lang)},
    )[1]
    town, type_label = (facts[0] if facts else (None, None)) or (None, None)
    parents = rel("actor", " ?x org:unitOf ?item .")
    return ActorPage(
        me=around.me,
        type=type_label or "",
        town=town or "",
        parent=parents[0] if parents else None,
        units=rel("actor", " ?item org:unitOf ?x ."),
        groups=around.with_since(
            rel(
                "working_group",
                " ?m org:member ?x ; org:organization ?item . OPTIONAL { ?m org:role ?term }",
                _TERM_LABEL,
            ),
            " ?m org:member ?x ; org:organization ?item .",
        ),
        goals_named=rel("goal", " ?item ikg:pursuedBy ?x ."),
        goals_via_group=rel("goal", " ?x org:memberOf ?wg . ?item ikg:formulatedBy ?wg ."),
        goals_concerning=rel("goal", " ?item ikg:concerns ?x ."),
        cooperations=_merge(
            # the cooperation's own node first (its description and start), the bare link second
            rel(
                "actor",
                " ?k ikg:partner ?x , ?item FILTER(?item != ?x)"
                " OPTIONAL { ?k dcterms:description ?note } OPTIONAL { ?k ikg:since ?note2 }",
            ),
            rel("actor", " ?x ikg:cooperatesWith ?item ."),
            rel("actor", " ?item ikg:cooperatesWith ?x ."),
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
    around = _me(store, concept, "working_group", group_id, lang)
    if around is None:
        return None
    rel = around.rel
    return GroupPage(
        me=around.me,
        fields=rel("action_field", " ?x org:purpose ?item ."),
        members=around.with_since(
            rel("actor", " ?m org:organization ?x ; org:member ?item . OPTIONAL { ?m org:role ?term }", _TERM_LABEL),
            " ?m org:organization ?x ; org:member ?item .",
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
    around = _me(store, concept, "goal", goal_id, lang)
    if around is None:
        return None
    rel = around.rel
    groups = rel("working_group", " ?x ikg:formulatedBy ?item .")
    bound = {"g": around.bindings["g"], "x": around.x}
    is_concept_goal = store.ask(_PREFIXES + "ASK { GRAPH ?g { ?x a ikg:ConceptGoal } }", bound)
    return GoalPage(
        me=around.me,
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


def field_page(
    store: StoreLike, concept: str, kind: str, field_id: str, lang: Lang, *, with_lists: bool = True
) -> FieldPage | None:
    """The page of an action field (``kind="action_field"``) or a cross-cutting task (``"task"``).

    Parameters are those of :func:`actor_page`, with ``kind`` (``action_field`` or ``task``) and its id;
    ``with_lists=False`` leaves ``goals`` and ``actors`` empty (the workbench reads these long lists
    from the network in memory).

    Returns
    -------
    FieldPage or None
        ``None`` when the concept has no such field or task. ``actors`` are those who pursue one
        of its goals (named, or as members of the formulating working group) and, for a field,
        the members of its working groups; ``note`` is their town.
    """
    around = _me(store, concept, kind, field_id, lang)
    if around is None:
        return None
    prop = "ikg:inActionField" if kind == "action_field" else "ikg:addressesTask"
    rel = around.rel
    groups = rel("working_group", " ?item org:purpose ?x .") if kind == "action_field" else []
    town = " ?item a ikg:Actor . OPTIONAL { ?item ikg:locatedIn/skos:prefLabel ?note }"
    on_it = [
        f" ?goal {prop} ?x . ?goal ikg:pursuedBy ?item .",
        f" ?goal {prop} ?x ; ikg:formulatedBy ?wg . ?item org:memberOf ?wg .",
    ]
    if kind == "action_field":
        on_it.append(" ?wg org:purpose ?x . ?item org:memberOf ?wg .")
    notation = store.select_values(
        _PREFIXES + "SELECT ?n WHERE { GRAPH ?g { ?x skos:notation ?n } } LIMIT 1",
        {"g": around.bindings["g"], "x": around.x},
    )[1]
    return FieldPage(
        me=around.me,
        notation=(notation[0][0] or "") if notation else "",
        goals=rel("goal", f" ?item {prop} ?x .") if with_lists else [],
        groups=groups,
        actors=_merge(*(rel("actor", pattern + town) for pattern in on_it)) if with_lists else [],
    )
