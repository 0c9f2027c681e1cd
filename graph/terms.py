"""Conversion between rdflib terms (the Python API) and pyoxigraph terms (the store)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

__all__ = ["from_ox", "to_ox"]


def to_ox(term: Node) -> Any:
    """Convert an rdflib term to a pyoxigraph term.

    Examples
    --------
    >>> to_ox(Literal("Sprache", lang="de"))
    <Literal value=Sprache language=de>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store {term!r}")


def from_ox(term: Any) -> Node | None:
    """Convert a pyoxigraph term (or ``None``) to an rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported term {term!r}")
