"""The network of one concept, pulled from the store with a few SPARQL queries.

Everything the gap analysis and the views need is fetched as incidence lists (actor–AG,
goal–actor, goal–field, cooperations) by eight queries per concept, whatever its size: no query
per node, so the same code runs on the embedded store and on a remote SPARQL server. The lists
fill a :class:`~ikg.graph.analysis.model.ConceptNetwork`; the graphs and matrices built from it,
with nodes and edges in sorted order so that every result built on them is deterministic, are in
:mod:`ikg.graph.analysis.ties`. Both are importable from here as well.

Definitions follow docs/design.md ("Networking gaps"):

* an actor **pursues** a goal it is named for (``ikg:pursuedBy``) or that a working group it is a
  member of formulated (``ikg:formulatedBy``);
* two actors have a **tie** when they share a working group or one cooperates with the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.analysis.ties import Ties, actor_goal_matrix, actor_network, actor_ties, two_mode_graph
from ikg.graph.errors import InputError, NotFoundError
from ikg.graph.iris import concept_graph_iri
from ikg.graph.store.base import StoreLike

if TYPE_CHECKING:
    from ikg.graph.store.base import Bound

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


_CONCEPT = """SELECT ?p ?v ?lang WHERE {
  GRAPH ?g { ?c a ikg:IntegrationConcept ; dcterms:identifier ?id ; ?p ?v
             FILTER(?p IN (dcterms:title, dcterms:description)) } BIND(lang(?v) AS ?lang) }"""

_TYPE_LABELS = """SELECT ?n ?lang ?label WHERE {
  GRAPH ?v { ?t skos:inScheme ikg:ActorTypes ; skos:notation ?n ; skos:prefLabel ?label }
  BIND(lang(?label) AS ?lang) FILTER(?lang IN ("de", "en")) }"""


def concept_ids(store: StoreLike) -> list[str]:
    """The ids of the concepts in the store, sorted.

    Parameters
    ----------
    store : StoreLike
        The embedded store or a remote one.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from ikg.graph.ingest.importer import open_store
    >>> concept_ids(open_store(":memory:"))
    ['beispielkreis-2024', 'mettmann-2015']
    """
    from ikg.graph.library.inventory import list_concepts

    return sorted(c.id for c in list_concepts(store))


def choose_concepts(store: StoreLike, concept: str | None = None, *, one: bool = False, hint: str = "") -> list[str]:
    """The concept ids a command works on: ``concept`` if the store holds it, else all of them.

    Parameters
    ----------
    store : StoreLike
        The embedded store or a remote one.
    concept : str, optional
        A concept id, or ``None`` for every concept in the store.
    one : bool
        Exactly one concept is needed: without ``concept`` the store must hold just one.
    hint : str
        How the user names a concept (``"--concept"``, ``"?concept="``), for the message.

    Returns
    -------
    list of str
        ``[concept]``, or the ids of all concepts in the store, sorted.

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
            raise NotFoundError(key="gaps.no_such_concept", concept=repr(concept), known=", ".join(known) or "—")
        return [concept]
    if one and len(known) != 1:
        if not known:
            raise InputError(key="gaps.store_empty")
        raise InputError(key="gaps.choose_concept", hint=hint or "--concept", known=", ".join(known))
    return known


def load_network(store: StoreLike, concept: str) -> ConceptNetwork:
    """Fetch the items, incidences and counts of one concept (16 SPARQL queries, none per node).

    Parameters
    ----------
    store : StoreLike
        The embedded store or a remote one.
    concept : str
        The concept id.

    Returns
    -------
    ConceptNetwork
    """
    bindings: dict[str, Bound] = {"g": ox.NamedNode(concept_graph_iri(concept))}
    net = ConceptNetwork(concept)
    for kind, sparql in _ITEMS.items():
        names, rows = store.select_values(sparql, bindings)
        for row in rows:
            r = dict(zip(names, row, strict=True))
            iri = r["x"]
            if iri is None or iri in net.items:
                continue
            labels = {k: v for k in ("de", "en") if (v := r.get(k)) is not None}
            if (plain := r.get("plain")) is not None:
                labels.setdefault("de", plain)
            subkind = r.get("extra") or ""
            if kind == "goal":
                # a boolean by its value: "true" or "1" (Virtuoso writes 1/0)
                subkind = "concept_goal" if subkind in ("true", "1") else ""
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
    _, texts = store.select_values(_PREFIXES + _CONCEPT, {**bindings, "id": ox.Literal(concept)})
    for prop, value, lang in texts:
        target = net.titles if (prop or "").endswith("title") else net.description
        target.setdefault(lang or "de", value or "")
    from ikg.graph.library.inventory import count_kinds

    net.counts = count_kinds(store, concept)
    _, type_labels = store.select_values(_PREFIXES + _TYPE_LABELS)
    for notation, lang, label in type_labels:
        net.type_labels.setdefault(notation or "", {})[lang or ""] = label or ""
    return net


def _pairs(store: StoreLike, sparql: str, bindings: Mapping[str, Bound]) -> list[tuple[str, str]]:
    _, rows = store.select_values(_PREFIXES + sparql, bindings)
    return [(s, o) for s, o in rows if s is not None and o is not None]


def _group(pairs: Iterable[tuple[str, str]], known: Mapping[str, Item]) -> dict[str, list[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for s, o in pairs:
        if s in known and o in known:
            out[s].add(o)
    return {k: sorted(v) for k, v in sorted(out.items())}
