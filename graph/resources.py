"""Packaged files (ontology, shapes, queries, data), found through :mod:`importlib.resources`.

Nothing here depends on the working directory, so an installed wheel works from anywhere.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from rdflib import Graph
from rdflib.namespace import SKOS

from ikg.graph.ingest.schema import normalise_name
from ikg.graph.vocab import VOCABULARIES

__all__ = [
    "data_dir",
    "ontology_graph",
    "ontology_text",
    "queries_dir",
    "shapes_graph",
    "vocabulary",
]


def ontology_text() -> str:
    """Return the Turtle text of the ikg ontology."""
    return files("ikg.ontology").joinpath("ikg.ttl").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """Return the ikg ontology (parsed once; do not modify)."""
    g = Graph()
    g.parse(data=ontology_text(), format="turtle")
    return g


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Return the SHACL shapes (parsed once; do not modify)."""
    g = Graph()
    g.parse(data=files("ikg.ontology").joinpath("shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    return g


def queries_dir() -> Traversable:
    """Return the folder of the named ``.rq`` queries."""
    return files("ikg.queries")


def data_dir(name: str) -> Traversable:
    """Return a shipped data folder, e.g. ``data_dir("mettmann-2015")``."""
    return files("ikg.data").joinpath(name)


@cache
def vocabulary(name: str) -> dict[str, str]:
    """Return the accepted spellings of a controlled vocabulary, mapped to concept IRIs.

    Parameters
    ----------
    name : str
        ``actor_type``, ``role`` or ``event_kind``.

    Returns
    -------
    dict
        Normalised notation, German and English labels and alternative labels to the IRI.
    """
    scheme = VOCABULARIES[name]
    g = ontology_graph()
    out: dict[str, str] = {}
    for concept in sorted(g.subjects(SKOS.inScheme, scheme), key=str):  # the concepts are IRIs
        for prop in (SKOS.notation, SKOS.prefLabel, SKOS.altLabel):
            for value in g.objects(concept, prop):
                out.setdefault(normalise_name(str(value)), str(concept))
    return out
