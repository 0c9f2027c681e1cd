"""Export concepts as RDF (Turtle, TriG, N-Quads, JSON-LD)."""

from __future__ import annotations

import pyoxigraph as ox

from ikg.graph.errors import InputError
from ikg.graph.library.inventory import list_concepts, require_concept
from ikg.graph.namespaces import PREFIXES
from ikg.graph.store.base import StoreLike

__all__ = ["EXPORT_FORMATS", "export_concepts"]

EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def export_concepts(store: StoreLike, fmt: str, concept_id: str | None = None) -> bytes:
    """Serialise one concept or all concepts.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    fmt : {"turtle", "trig", "nquads", "jsonld"}
        The RDF format (:data:`EXPORT_FORMATS`).
    concept_id : str, optional
        One concept; default all. Turtle holds no graph names, so it needs one concept (or a
        store with exactly one).

    Returns
    -------
    bytes
        The serialisation, quads in a stable order (the same store gives the same bytes).

    Raises
    ------
    InputError
        For an unknown format, or Turtle with several concepts and none chosen.
    NotFoundError
        For an unknown concept.
    """
    rdf_format = EXPORT_FORMATS.get(fmt)
    if rdf_format is None:
        raise InputError(key="library.error.unknown_export_format", format=repr(fmt), formats=", ".join(EXPORT_FORMATS))
    concepts = [require_concept(store, concept_id)] if concept_id else list_concepts(store)
    if fmt == "turtle" and len(concepts) != 1:
        ids = ", ".join(c.id for c in concepts)
        if not ids:
            raise InputError(key="library.error.turtle_no_concept")
        raise InputError(key="library.error.turtle_one_graph", concepts=ids)
    quads = sorted((q for c in concepts for q in store.graph_quads(c.graph)), key=str)
    if rdf_format.supports_datasets:
        return ox.serialize(quads, format=rdf_format, prefixes=None if fmt == "nquads" else PREFIXES) or b""
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES) or b""
