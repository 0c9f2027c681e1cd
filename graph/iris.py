"""The IRIs of ikg's concepts and named graphs as text, without rdflib.

:mod:`ikg.graph.namespaces` builds its rdflib terms from these; code that only reads (``ikg gaps``,
the counts of ``ikg info``) binds them as pyoxigraph terms and does not pay rdflib's import.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

__all__ = [
    "BASE",
    "GRAPH_BASE",
    "IKG_NS",
    "ONTOLOGY_GRAPH_IRI",
    "SYSTEM_GRAPH_IRI",
    "concept_graph_iri",
    "concept_id_of_graph",
    "segment",
]

#: the ikg ontology's namespace (``ikg:``)
IKG_NS = "https://w3id.org/ikg/ns#"
BASE = "https://w3id.org/ikg/id/"
GRAPH_BASE = "https://w3id.org/ikg/graph/"
#: the graph of the shipped ontology
ONTOLOGY_GRAPH_IRI = GRAPH_BASE + "_ontology"
#: the graph of ikg's own state (what the store was seeded with)
SYSTEM_GRAPH_IRI = GRAPH_BASE + "_system"


def segment(value: str) -> str:
    """Percent-encode a user's id into one IRI path segment.

    Examples
    --------
    >>> segment("schule a/1")
    'schule%20a%2F1'
    """
    return quote(value, safe="-._~")


def concept_graph_iri(concept_id: str) -> str:
    """Return the IRI of the named graph holding the concept with id ``concept_id``.

    Examples
    --------
    >>> concept_graph_iri("mettmann-2015")
    'https://w3id.org/ikg/graph/mettmann-2015'
    """
    return GRAPH_BASE + segment(concept_id)


def concept_id_of_graph(graph: str) -> str | None:
    """Return the concept id of a concept graph IRI, or ``None`` for any other graph.

    Examples
    --------
    >>> concept_id_of_graph("https://w3id.org/ikg/graph/m%C3%BCnster"), concept_id_of_graph(GRAPH_BASE + "_system")
    ('münster', None)
    """
    if not graph.startswith(GRAPH_BASE):
        return None
    rest = graph[len(GRAPH_BASE) :]
    if not rest or rest.startswith("_") or "/" in rest:
        return None
    return unquote(rest)
