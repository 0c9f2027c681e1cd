"""What is in the store: concepts, their versions, and counts per kind (all through SPARQL)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ikg.graph.errors import NotFoundError
from ikg.graph.iris import concept_graph_iri, concept_id_of_graph
from ikg.graph.store.base import StoreLike

__all__ = ["KINDS", "ConceptInfo", "count_kinds", "list_concepts", "require_concept"]

#: kinds counted by ``ikg info``, by class IRI: the count of a kind is the number of distinct
#: resources of that class in the concept's graph (one definition for every face: ``ikg info``,
#: the start-up summary, the report, the workbench; :mod:`ikg.graph.analysis.figures`)
KINDS: dict[str, str] = {
    "actors": "https://w3id.org/ikg/ns#Actor",
    "working_groups": "https://w3id.org/ikg/ns#WorkingGroup",
    "memberships": "http://www.w3.org/ns/org#Membership",
    "goals": "https://w3id.org/ikg/ns#Goal",
    "action_fields": "https://w3id.org/ikg/ns#ActionField",
    "cross_cutting_tasks": "https://w3id.org/ikg/ns#CrossCuttingTask",
    "cooperations": "https://w3id.org/ikg/ns#Cooperation",
    "indicators": "https://w3id.org/ikg/ns#Indicator",
    "events": "https://w3id.org/ikg/ns#Event",
}

_CONCEPTS = """
PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?c ?id ?title_de ?title_en ?issued ?revisionOf (COUNT(*) AS ?triples) WHERE {
  GRAPH ?g {
    ?c a ikg:IntegrationConcept ; dcterms:identifier ?id .
    FILTER NOT EXISTS { ?newer prov:wasRevisionOf ?c }
    OPTIONAL { ?c dcterms:title ?title_de FILTER(langMatches(lang(?title_de), "de")) }
    OPTIONAL { ?c dcterms:title ?title_en FILTER(langMatches(lang(?title_en), "en")) }
    OPTIONAL { ?c dcterms:issued ?issued }
    OPTIONAL { ?c prov:wasRevisionOf/dcterms:identifier ?revisionOf }
    ?s ?p ?o .
  }
}
GROUP BY ?g ?c ?id ?title_de ?title_en ?issued ?revisionOf
ORDER BY ?id
"""

_COUNTS = """
SELECT ?g ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class }
}
GROUP BY ?g ?class
"""

_COUNTS_OF_GRAPH = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class }
}
GROUP BY ?class
"""


@dataclass
class ConceptInfo:
    """One concept in the store."""

    id: str
    iri: str
    graph: str
    title: dict[str, str]
    issued: str | None
    revision_of: str | None
    triples: int
    counts: dict[str, int] = field(default_factory=dict)


def _count(value: str | None) -> int:
    """A COUNT as a number (0 when unbound; a server may write ``3.0E0``-like forms, so parse leniently)."""
    if value is None:
        return 0
    try:
        return int(value)
    except ValueError:
        return int(float(value))


def list_concepts(store: StoreLike) -> list[ConceptInfo]:
    """Return the concepts in the store (one per concept graph), sorted by id, with counts.

    A concept graph may also describe the earlier versions it revises; the concept of a graph
    is the one no other concept in it revises.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.

    Returns
    -------
    list of ConceptInfo
        Sorted by id; ``counts`` holds the resources of each kind of :data:`KINDS` there are.
    """
    _, rows = store.select_values(_CONCEPTS)  # plain strings: no rdflib terms to build
    concepts: dict[str, ConceptInfo] = {}
    for g, c, cid, t_de, t_en, issued, rev, n in rows:
        if g is None or concept_id_of_graph(str(g)) != str(cid):
            continue
        title = {k: str(v) for k, v in (("de", t_de), ("en", t_en)) if v is not None}
        concepts[str(g)] = ConceptInfo(
            str(cid),
            str(c),
            str(g),
            title,
            issued or None,
            rev or None,
            _count(n),
        )
    by_class = {v: k for k, v in KINDS.items()}
    _, rows = store.select_values(_COUNTS)
    for g, cls, n in rows:
        info = concepts.get(str(g))
        kind = by_class.get(str(cls))
        if info is not None and kind is not None and n is not None:
            info.counts[kind] = _count(n)
    return sorted(concepts.values(), key=lambda c: c.id)


def count_kinds(store: StoreLike, concept_id: str) -> dict[str, int]:
    """The counts of :data:`KINDS` of one concept: what :func:`list_concepts` counts, for one graph.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    concept_id : str
        The concept's id.

    Returns
    -------
    dict
        Every kind of :data:`KINDS` (0 when the concept has none) to its number of resources.

    Examples
    --------
    >>> from ikg.graph.ingest.importer import open_store
    >>> count_kinds(open_store(":memory:"), "beispielkreis-2024")["goals"]
    26
    """
    by_class = {v: k for k, v in KINDS.items()}
    counts = dict.fromkeys(KINDS, 0)
    _, rows = store.select_values(_COUNTS_OF_GRAPH, {"g": ox.NamedNode(concept_graph_iri(concept_id))})
    for cls, n in rows:
        kind = by_class.get(str(cls))
        if kind is not None and n is not None:
            counts[kind] = _count(n)
    return counts


def require_concept(store: StoreLike, concept_id: str) -> ConceptInfo:
    """Return the concept with id ``concept_id``.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    concept_id : str
        The concept's id (``dcterms:identifier``).

    Returns
    -------
    ConceptInfo

    Raises
    ------
    NotFoundError
        Naming the concepts that do exist.
    """
    graph = concept_graph_iri(concept_id)
    for info in list_concepts(store):
        if info.graph == graph:
            return info
    known = ", ".join(c.id for c in list_concepts(store))
    if not known:
        raise NotFoundError(key="library.error.no_concept_none", concept=repr(concept_id))
    raise NotFoundError(key="library.error.no_concept", concept=repr(concept_id), concepts=known)
