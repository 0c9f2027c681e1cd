"""Namespaces and IRI minting.

Every IRI ikg writes is minted here, from the concept id and the row id the user gave, so that
re-importing the same data gives the same IRIs.
"""

from __future__ import annotations

import hashlib

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

from ikg.graph.iris import (
    BASE,
    GRAPH_BASE,
    IKG_NS,
    ONTOLOGY_GRAPH_IRI,
    SYSTEM_GRAPH_IRI,
    concept_graph_iri,
    concept_id_of_graph,
)
from ikg.graph.iris import segment as _seg

__all__ = [
    "AT",
    "BASE",
    "DCTERMS",
    "EK",
    "GRAPH_BASE",
    "IKG",
    "ONTOLOGY_GRAPH",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "ROLE",
    "SKOS",
    "SYSTEM_GRAPH",
    "TIME",
    "XSD",
    "concept_graph",
    "concept_id_of_graph",
    "concept_iri",
    "mint",
    "source_iri",
]

IKG = Namespace(IKG_NS)
ORG = Namespace("http://www.w3.org/ns/org#")
AT = Namespace("https://w3id.org/ikg/vocab/actor-type/")
ROLE = Namespace("https://w3id.org/ikg/vocab/role/")
EK = Namespace("https://w3id.org/ikg/vocab/event-kind/")

ONTOLOGY_GRAPH = URIRef(ONTOLOGY_GRAPH_IRI)
SYSTEM_GRAPH = URIRef(SYSTEM_GRAPH_IRI)

PREFIXES: dict[str, str] = {
    "ikg": str(IKG),
    "org": str(ORG),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "time": str(TIME),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "at": str(AT),
    "role": str(ROLE),
    "ek": str(EK),
}


def concept_iri(concept_id: str) -> URIRef:
    """Return the IRI of the concept with id ``concept_id``.

    Examples
    --------
    >>> str(concept_iri("mettmann-2015"))
    'https://w3id.org/ikg/id/mettmann-2015'
    """
    return URIRef(BASE + _seg(concept_id))


def concept_graph(concept_id: str) -> URIRef:
    """Return the named graph holding the concept with id ``concept_id``.

    Examples
    --------
    >>> str(concept_graph("mettmann-2015"))
    'https://w3id.org/ikg/graph/mettmann-2015'
    """
    return URIRef(concept_graph_iri(concept_id))


def mint(concept_id: str, kind: str, *ids: str) -> URIRef:
    """Mint the IRI of a resource of ``kind`` inside a concept.

    Parameters
    ----------
    concept_id : str
        Id of the concept the resource belongs to.
    kind : str
        Path segment naming the kind, e.g. ``"actor"`` or ``"goal"``.
    *ids : str
        The user's id(s) of the resource; each is percent-encoded into one segment.

    Returns
    -------
    rdflib.URIRef

    Examples
    --------
    >>> str(mint("m", "membership", "schule a", "ag/1"))
    'https://w3id.org/ikg/id/m/membership/schule%20a/ag%2F1'
    """
    return URIRef("/".join([BASE + _seg(concept_id), kind, *(_seg(i) for i in ids)]))


def source_iri(concept_id: str, text: str) -> URIRef:
    """Mint the IRI of a source locator from its text (stable hash)."""
    digest = hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
    return mint(concept_id, "source", digest)
