"""The network of one concept, pulled from the store with a few SPARQL queries.

Everything the gap analysis and the views need is fetched as incidence lists (actor–AG,
goal–actor, goal–field, cooperations) by eight queries per concept, whatever its size: no query
per node, so the same code runs on the embedded store and on a remote SPARQL server. The graphs
are built from these lists in Python, with nodes and edges in sorted order so that every result
built on them is deterministic.

Definitions follow docs/design.md ("Networking gaps"):

* an actor **pursues** a goal it is named for (``ikg:pursuedBy``) or that a working group it is a
  member of formulated (``ikg:formulatedBy``);
* two actors have a **tie** when they share a working group or one cooperates with the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp
from rdflib import Literal
from rdflib.term import Node

from ikg.graph.errors import InputError, NotFoundError
from ikg.graph.i18n import Lang
from ikg.graph.namespaces import concept_graph
from ikg.graph.store.embedded import Store

__all__ = [
    "ConceptNetwork",
    "Item",
    "Ties",
    "actor_goal_matrix",
    "actor_network",
    "actor_ties",
    "choose_concepts",
    "concept_ids",
    "load_network",
    "two_mode_graph",
]

_PREFIXES = """PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

_LABELS = """
    OPTIONAL { ?x skos:prefLabel ?de FILTER(lang(?de) = "de") }
    OPTIONAL { ?x skos:prefLabel ?en FILTER(lang(?en) = "en") }
    OPTIONAL { ?x skos:prefLabel ?plain FILTER(lang(?plain) = "") }"""

#: one query per kind of item: ?x, its id, labels, and one extra column
_ITEMS: dict[str, str] = {
    "actor": _PREFIXES
    + """SELECT ?x ?id ?de ?en ?plain ?extra ?town WHERE {
  GRAPH ?g {
    ?x a ikg:Actor ; dcterms:identifier ?id ."""
    + _LABELS
    + """
    OPTIONAL { ?x org:classification ?type }
    OPTIONAL { ?x ikg:locatedIn/skos:prefLabel ?town }
  }
  OPTIONAL { GRAPH ?v { ?type a skos:Concept ; skos:notation ?extra } }
}""",
    "working_group": _PREFIXES
    + """SELECT ?x ?id ?de ?en ?plain WHERE {
  GRAPH ?g { ?x a ikg:WorkingGroup ; dcterms:identifier ?id ."""
    + _LABELS
    + """ } }""",
    "goal": _PREFIXES
    + """SELECT ?x ?id ?de ?en ?plain ?extra WHERE {
  GRAPH ?g { ?x a ikg:Goal ; dcterms:identifier ?id ."""
    + _LABELS
    + """
    BIND(EXISTS { ?x a ikg:ConceptGoal } AS ?extra) } }""",
    "action_field": _PREFIXES
    + """SELECT ?x ?id ?de ?en ?plain ?extra WHERE {
  GRAPH ?g { ?x a ikg:ActionField ; dcterms:identifier ?id ."""
    + _LABELS
    + """
    OPTIONAL { ?x skos:notation ?extra } } }""",
    "task": _PREFIXES
    + """SELECT ?x ?id ?de ?en ?plain ?extra WHERE {
  GRAPH ?g { ?x a ikg:CrossCuttingTask ; dcterms:identifier ?id ."""
    + _LABELS
    + """
    OPTIONAL { ?x skos:notation ?extra } } }""",
}

#: incidence lists: (subject, object) pairs
_LINKS: dict[str, str] = {
    "member_of": "SELECT ?s ?o WHERE { GRAPH ?g { ?s org:memberOf ?o } }",
    "pursued_by": "SELECT ?s ?o WHERE { GRAPH ?g { ?s ikg:pursuedBy ?o } }",
    "formulated_by": "SELECT ?s ?o WHERE { GRAPH ?g { ?s ikg:formulatedBy ?o } }",
    "goal_field": "SELECT ?s ?o WHERE { GRAPH ?g { ?s ikg:inActionField ?o } }",
    "goal_task": "SELECT ?s ?o WHERE { GRAPH ?g { ?s ikg:addressesTask ?o } }",
    "wg_field": "SELECT ?s ?o WHERE { GRAPH ?g { ?s a ikg:WorkingGroup ; org:purpose ?o } }",
    "cooperates": "SELECT ?s ?o WHERE { GRAPH ?g { ?s ikg:cooperatesWith ?o } }",
    "requires_type": """SELECT ?s ?o WHERE {
  GRAPH ?g { ?s a ikg:IntegrationConcept ; ikg:requiresActorType ?t }
  GRAPH ?v { ?t a skos:Concept ; skos:notation ?o } }""",
}


_CONCEPT = """SELECT ?p ?v WHERE {
  GRAPH ?g { ?c a ikg:IntegrationConcept ; dcterms:identifier ?id ; ?p ?v
             FILTER(?p IN (dcterms:title, dcterms:description)) } }"""

_TYPE_LABELS = """SELECT ?n ?lang ?label WHERE {
  GRAPH ?v { ?t skos:inScheme ikg:ActorTypes ; skos:notation ?n ; skos:prefLabel ?label }
  BIND(lang(?label) AS ?lang) FILTER(?lang IN ("de", "en")) }"""


@dataclass(frozen=True)
class Item:
    """One node of a concept: an actor, working group, goal, action field or cross-cutting task.

    Attributes
    ----------
    iri : str
    id : str
        The ``dcterms:identifier`` (the spreadsheet id).
    kind : str
        ``actor``, ``working_group``, ``goal``, ``action_field`` or ``task``.
    labels : dict
        ``{"de": ..., "en": ...}``; a missing language falls back to the other, then to the id.
    subkind : str
        The actor type notation (``school``, ``migrant_organisation``, ...); ``concept_goal``
        for goals of the concept as a whole; the notation of a field; else empty.
    town : str
        Actors only: the town's label, or empty.
    """

    iri: str
    id: str
    kind: str
    labels: Mapping[str, str]
    subkind: str = ""
    town: str = ""

    def label(self, lang: Lang) -> str:
        """The label in ``lang``, falling back to the other language, then to the id."""
        return self.labels.get(lang) or self.labels.get("de" if lang == "en" else "en") or self.id


@dataclass
class ConceptNetwork:
    """The items and incidences of one concept, as plain Python data.

    Attributes
    ----------
    concept : str
        The concept id.
    items : dict
        IRI to :class:`Item`.
    members : dict
        Working group IRI to the sorted IRIs of its member actors.
    named : dict
        Goal IRI to the sorted IRIs of the actors named as its pursuers.
    formulated_by : dict
        Goal IRI to the IRI of the working group that formulated it.
    goal_fields, goal_tasks, wg_fields : dict
        Goal or working group IRI to sorted field or task IRIs.
    cooperations : list of tuple
        Sorted, unordered actor pairs ``(a, b)`` with ``a < b``.
    required_types : list of str
        Actor type notations every working group should include (the concept's
        ``required_actor_types``; empty when the concept names none).
    type_labels : dict
        Actor type notation to ``{"de": ..., "en": ...}`` (from the ontology's vocabulary).
    titles : dict
        The concept's title, ``{"de": ..., "en": ...}``.
    description : dict
        The concept's description, ``{"de": ..., "en": ...}`` (empty when it has none).
    """

    concept: str
    items: dict[str, Item] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    named: dict[str, list[str]] = field(default_factory=dict)
    formulated_by: dict[str, str] = field(default_factory=dict)
    goal_fields: dict[str, list[str]] = field(default_factory=dict)
    goal_tasks: dict[str, list[str]] = field(default_factory=dict)
    wg_fields: dict[str, list[str]] = field(default_factory=dict)
    cooperations: list[tuple[str, str]] = field(default_factory=list)
    required_types: list[str] = field(default_factory=list)
    type_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)

    def title(self, lang: Lang) -> str:
        """The concept's title in ``lang`` (falls back to the other language, then the id)."""
        return self.titles.get(lang) or self.titles.get("de" if lang == "en" else "en") or self.concept

    def type_label(self, notation: str, lang: Lang) -> str:
        """The label of an actor type in ``lang`` (the notation when the vocabulary has none)."""
        return self.type_labels.get(notation, {}).get(lang) or notation

    def of_kind(self, kind: str) -> list[Item]:
        """The items of one kind, sorted by id."""
        return sorted((i for i in self.items.values() if i.kind == kind), key=lambda i: (i.id, i.iri))

    @property
    def actors(self) -> list[Item]:
        """The actors, sorted by id."""
        return self.of_kind("actor")

    @property
    def goals(self) -> list[Item]:
        """The goals (concept goals included), sorted by id."""
        return self.of_kind("goal")

    def pursuers(self) -> dict[str, list[str]]:
        """Goal IRI to the sorted IRIs of the actors pursuing it (named, or through the formulating AG)."""
        out: dict[str, set[str]] = {g.iri: set(self.named.get(g.iri, ())) for g in self.goals}
        for goal, wg in self.formulated_by.items():
            if goal in out:
                out[goal].update(self.members.get(wg, ()))
        return {g: sorted(a for a in actors if a in self.items) for g, actors in out.items()}

    def memberships(self) -> dict[str, list[str]]:
        """Actor IRI to the sorted IRIs of its working groups."""
        out: dict[str, list[str]] = defaultdict(list)
        for wg, actors in sorted(self.members.items()):
            for a in actors:
                out[a].append(wg)
        return dict(out)


def concept_ids(store: Store) -> list[str]:
    """The ids of the concepts in the store, sorted.

    Examples
    --------
    >>> from ikg.graph.ingest.importer import open_store
    >>> concept_ids(open_store(":memory:"))
    ['beispielkreis-2024', 'mettmann-2015']
    """
    from ikg.graph.library.inventory import list_concepts

    return sorted(c.id for c in list_concepts(store))


def choose_concepts(store: Store, concept: str | None = None, *, one: bool = False, hint: str = "") -> list[str]:
    """The concept ids a command works on: ``concept`` if the store holds it, else all of them.

    Parameters
    ----------
    store : Store
    concept : str, optional
        A concept id, or ``None`` for every concept in the store.
    one : bool
        Exactly one concept is needed: without ``concept`` the store must hold just one.
    hint : str
        How the user names a concept (``"--concept"``, ``"?concept="``), for the message.

    Raises
    ------
    NotFoundError
        For an id the store does not hold (the message lists those it holds).
    InputError
        With ``one`` and no ``concept``, when the store holds several or none.
    """
    known = concept_ids(store)
    if concept is not None:
        if concept not in known:
            raise NotFoundError(f"no concept {concept!r} in the store; it holds: {', '.join(known) or 'none'}")
        return [concept]
    if one and len(known) != 1:
        raise InputError(f"choose a concept with {hint or 'its id'}: {', '.join(known) or '(the store is empty)'}")
    return known


def load_network(store: Store, concept: str) -> ConceptNetwork:
    """Fetch the items and incidences of one concept (15 SPARQL queries, none per node).

    Parameters
    ----------
    store : Store
        The embedded store or a remote one (anything with ``select``).
    concept : str
        The concept id.

    Returns
    -------
    ConceptNetwork
    """
    bindings: dict[str, Node] = {"g": concept_graph(concept)}
    net = ConceptNetwork(concept)
    for kind, sparql in _ITEMS.items():
        names, rows = store.select_values(sparql, bindings)
        for row in rows:
            r = dict(zip(names, row, strict=True))
            iri = r["x"]
            if iri is None or iri in net.items:
                continue
            labels = {k: v for k in ("de", "en") if (v := r.get(k)) is not None}
            if r.get("plain") is not None:
                labels.setdefault("de", r["plain"])  # type: ignore[arg-type]
            subkind = r.get("extra") or ""
            if kind == "goal":
                subkind = "concept_goal" if subkind == "true" else ""
            net.items[iri] = Item(iri, r["id"] or "", kind, labels, subkind, r.get("town") or "")
    links = {name: _pairs(store, sparql, bindings) for name, sparql in _LINKS.items()}
    net.members = _group(((o, s) for s, o in links["member_of"]), net.items)
    net.named = _group(links["pursued_by"], net.items)
    net.formulated_by = {s: o for s, o in sorted(links["formulated_by"]) if s in net.items and o in net.items}
    net.goal_fields = _group(links["goal_field"], net.items)
    net.goal_tasks = _group(links["goal_task"], net.items)
    net.wg_fields = _group(links["wg_field"], net.items)
    net.cooperations = sorted(
        {(min(a, b), max(a, b)) for a, b in links["cooperates"] if a != b and a in net.items and b in net.items}
    )
    net.required_types = sorted({o for _s, o in links["requires_type"]})
    _, rows = store.select(_PREFIXES + _CONCEPT, {**bindings, "id": Literal(concept)})
    for prop, value in rows:
        target = net.titles if str(prop).endswith("title") else net.description
        target.setdefault(getattr(value, "language", None) or "de", str(value))
    _, rows = store.select_values(_PREFIXES + _TYPE_LABELS)
    for notation, lang, label in rows:
        net.type_labels.setdefault(notation or "", {})[lang or ""] = label or ""
    return net


def _pairs(store: Store, sparql: str, bindings: Mapping[str, Node]) -> list[tuple[str, str]]:
    _, rows = store.select_values(_PREFIXES + sparql, bindings)
    return [(s, o) for s, o in rows if s is not None and o is not None]


def _group(pairs: Iterable[tuple[str, str]], known: Mapping[str, Item]) -> dict[str, list[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for s, o in pairs:
        if s in known and o in known:
            out[s].add(o)
    return {k: sorted(v) for k, v in sorted(out.items())}


def actor_network(net: ConceptNetwork) -> nx.Graph:
    """The actor network: actors as nodes, a tie for a shared working group or a cooperation.

    Parameters
    ----------
    net : ConceptNetwork

    Returns
    -------
    networkx.Graph
        Nodes are actor IRIs (sorted insertion) with attributes ``id``, ``label_de``,
        ``label_en``, ``type`` and ``town``. Edges carry ``groups`` (sorted IRIs of the shared
        working groups), ``cooperation`` (bool) and ``weight`` (shared groups plus one for a
        cooperation).

    Examples
    --------
    >>> net = ConceptNetwork("x", items={i: Item(i, i, "actor", {}) for i in "abc"},
    ...                      members={"w": ["a", "b"]}, cooperations=[("b", "c")])
    >>> net.items["w"] = Item("w", "w", "working_group", {})
    >>> sorted(actor_network(net).edges(data="weight"))
    [('a', 'b', 1), ('b', 'c', 1)]
    """
    graph = nx.Graph()
    for a in net.actors:
        graph.add_node(a.iri, id=a.id, label_de=a.label("de"), label_en=a.label("en"), type=a.subkind, town=a.town)
    ties: dict[tuple[str, str], dict[str, object]] = {}
    for wg, actors in sorted(net.members.items()):
        for i, a in enumerate(actors):
            for b in actors[i + 1 :]:
                tie = ties.setdefault((a, b), {"groups": [], "cooperation": False})
                tie["groups"].append(wg)  # type: ignore[union-attr]
    for a, b in net.cooperations:
        ties.setdefault((a, b), {"groups": [], "cooperation": False})["cooperation"] = True
    for (a, b), tie in sorted(ties.items()):
        weight = len(tie["groups"]) + (1 if tie["cooperation"] else 0)  # type: ignore[arg-type]
        graph.add_edge(a, b, groups=tie["groups"], cooperation=tie["cooperation"], weight=weight)
    return graph


@dataclass(frozen=True)
class Ties:
    """The actor network as a sparse matrix, for analysing large concepts.

    The same ties as :func:`actor_network`, without a Python object per tie: at 100,000 actors
    the working groups alone make some four million ties, which as a networkx graph take
    gigabytes and tens of seconds to build; as a matrix, a few hundred megabytes and a second.

    Attributes
    ----------
    actors : list of str
        Actor IRIs, sorted by actor id (the rows and columns of ``weight``).
    weight : scipy.sparse.csr_matrix
        Symmetric, zero diagonal: shared working groups plus one for a cooperation.
    """

    actors: list[str]
    weight: sp.csr_matrix

    @property
    def degree(self) -> np.ndarray:
        """Number of actors each actor has a tie with (row order)."""
        return np.diff(self.weight.indptr)

    def neighbours(self, i: int) -> np.ndarray:
        """Row numbers of the actors tied to actor number ``i``, ascending."""
        return self.weight.indices[self.weight.indptr[i] : self.weight.indptr[i + 1]]

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every tie once, as row numbers ``i < j`` and its weight."""
        upper = sp.triu(self.weight, k=1, format="coo")
        return upper.row, upper.col, upper.data


def actor_ties(net: ConceptNetwork) -> Ties:
    """The actor network as :class:`Ties`: ``M Mᵀ`` (shared groups) plus cooperations.

    Parameters
    ----------
    net : ConceptNetwork

    Returns
    -------
    Ties

    Examples
    --------
    >>> net = ConceptNetwork("x", items={i: Item(i, i, "actor", {}) for i in "abc"},
    ...                      members={"w": ["a", "b"], "v": ["a", "b"]}, cooperations=[("b", "c")])
    >>> ties = actor_ties(net)
    >>> ties.actors, ties.weight.toarray().tolist()
    (['a', 'b', 'c'], [[0.0, 2.0, 0.0], [2.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    """
    actors = [a.iri for a in net.actors]
    row = {a: i for i, a in enumerate(actors)}
    m_rows: list[int] = []
    m_cols: list[int] = []
    for j, wg in enumerate(sorted(net.members)):
        for a in net.members[wg]:
            if a in row:
                m_rows.append(row[a])
                m_cols.append(j)
    m = sp.csr_matrix((np.ones(len(m_rows)), (m_rows, m_cols)), shape=(len(actors), len(net.members)))
    pairs = [(row[a], row[b]) for a, b in net.cooperations if a in row and b in row and a != b]
    c_rows = np.array([p[0] for p in pairs] + [p[1] for p in pairs], dtype=np.int64)
    c_cols = np.array([p[1] for p in pairs] + [p[0] for p in pairs], dtype=np.int64)
    c = sp.csr_matrix((np.ones(len(c_rows)), (c_rows, c_cols)), shape=(len(actors), len(actors)))
    c.data[:] = 1.0  # duplicates were summed: a pair named twice is one cooperation
    shared = sp.csr_matrix(m @ m.T)
    weight = sp.csr_matrix(shared - sp.diags(shared.diagonal()) + c)  # no self ties
    weight.eliminate_zeros()
    weight.sort_indices()
    return Ties(actors, weight)


def actor_goal_matrix(net: ConceptNetwork) -> tuple[sp.csr_matrix, list[str], list[str]]:
    """The actor–goal two-mode incidence as a sparse 0/1 matrix (rows actors, columns goals).

    Concept-level goals (``ikg:ConceptGoal``) are left out: every actor shares them by design.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix of shape (n_actors, n_goals), dtype float64
    actors : list of str
        Row IRIs, sorted by actor id.
    goals : list of str
        Column IRIs, sorted by goal id.
    """
    actors = [a.iri for a in net.actors]
    goals = [g.iri for g in net.goals if g.subkind != "concept_goal"]
    row_of = {a: i for i, a in enumerate(actors)}
    rows: list[int] = []
    cols: list[int] = []
    pursuers = net.pursuers()
    for j, g in enumerate(goals):
        for a in pursuers.get(g, ()):
            rows.append(row_of[a])
            cols.append(j)
    data = np.ones(len(rows), dtype=np.float64)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(actors), len(goals)))
    return matrix, actors, goals


def two_mode_graph(net: ConceptNetwork) -> nx.Graph:
    """Actors, working groups, goals, action fields and tasks with the links between them.

    Node attributes: ``kind``, ``id``, ``label_de``, ``label_en``, ``subkind``, ``town``. Edge
    attribute ``kind``: ``membership`` (actor–AG), ``cooperation`` (actor–actor), ``pursues``
    (goal–named actor), ``formulated`` (goal–AG), ``in_field`` (goal or AG–action field),
    ``addresses`` (goal–task).
    """
    graph = nx.Graph()
    for item in sorted(net.items.values(), key=lambda i: (i.kind, i.id, i.iri)):
        graph.add_node(
            item.iri,
            kind=item.kind,
            id=item.id,
            label_de=item.label("de"),
            label_en=item.label("en"),
            subkind=item.subkind,
            town=item.town,
        )
    edges: list[tuple[str, str, str]] = []
    edges += [(a, wg, "membership") for wg, actors in net.members.items() for a in actors]
    edges += [(a, b, "cooperation") for a, b in net.cooperations]
    edges += [(g, a, "pursues") for g, actors in net.named.items() for a in actors]
    edges += [(g, wg, "formulated") for g, wg in net.formulated_by.items()]
    edges += [(g, f, "in_field") for g, fields in net.goal_fields.items() for f in fields]
    edges += [(w, f, "in_field") for w, fields in net.wg_fields.items() for f in fields]
    edges += [(g, t, "addresses") for g, tasks in net.goal_tasks.items() for t in tasks]
    for s, o, kind in sorted(edges):
        graph.add_edge(s, o, kind=kind)
    return graph
