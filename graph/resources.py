"""Packaged files (ontology, shapes, queries, data), found through :mod:`importlib.resources`.

Nothing here depends on the working directory, so an installed wheel works from anywhere.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ikg.graph.ingest.schema import normalise_name
from ikg.graph.vocab import VOCABULARIES

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "data_dir",
    "ontology_graph",
    "ontology_quads",
    "ontology_text",
    "queries_dir",
    "shapes_graph",
    "vocabulary",
]


def ontology_text() -> str:
    """Return the Turtle text of the ikg ontology."""
    return files("ikg.ontology").joinpath("ikg.ttl").read_text(encoding="utf-8")


@cache
def ontology_quads() -> tuple[ox.Quad, ...]:
    """Return the ontology's triples (default graph), parsed once by Oxigraph, literals as written."""
    return tuple(ox.parse(ontology_text(), format=ox.RdfFormat.TURTLE))


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """Return the ikg ontology (parsed once; do not modify)."""
    from rdflib import Graph

    g = Graph()
    g.parse(data=ontology_text(), format="turtle")
    return g


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Return the SHACL shapes (parsed once; do not modify)."""
    from rdflib import Graph

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
    concepts, spellings = _skos_index()
    out: dict[str, str] = {}
    for concept in sorted(concepts.get(VOCABULARIES[name], ())):
        for prop in _SPELLINGS:
            for value in spellings.get((concept, prop), ()):
                out.setdefault(normalise_name(value), concept)
    return out


_SKOS = "http://www.w3.org/2004/02/skos/core#"
#: the properties whose values are accepted spellings of a concept, in order of precedence
_SPELLINGS = (_SKOS + "notation", _SKOS + "prefLabel", _SKOS + "altLabel")


@cache
def _skos_index() -> tuple[dict[str, list[str]], dict[tuple[str, str], list[str]]]:
    """The ontology's concept schemes and the spellings of their concepts, read with pyoxigraph.

    Commands that only need the vocabularies (``ikg gaps``, reading a sheet) do not import and
    run rdflib's parser for them.

    Returns
    -------
    tuple
        Scheme IRI to its concept IRIs, and (concept IRI, property IRI) to the property's values.
    """
    concepts: dict[str, list[str]] = {}
    spellings: dict[tuple[str, str], list[str]] = {}
    for triple in ontology_quads():
        if not isinstance(triple.subject, ox.NamedNode):  # the concepts are IRIs
            continue
        predicate = triple.predicate.value
        if predicate == _SKOS + "inScheme" and isinstance(triple.object, ox.NamedNode):
            concepts.setdefault(triple.object.value, []).append(triple.subject.value)
        elif predicate in _SPELLINGS and isinstance(triple.object, ox.Literal):
            spellings.setdefault((triple.subject.value, predicate), []).append(triple.object.value)
    return concepts, spellings
