"""SHACL validation of a concept graph with the ikg shapes (pySHACL)."""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .problems import Problem
from .resources import ontology_graph, shapes_graph

__all__ = ["shacl_problems"]


def shacl_problems(
    data: Graph,
    origin: dict[URIRef, tuple[str, int, str]] | None = None,
    default_source: str = "graph",
) -> list[Problem]:
    """Validate ``data`` against the ikg shapes and return each violation as a :class:`Problem`.

    Parameters
    ----------
    data : rdflib.Graph
        The graph to check; it is not modified (the ontology is mixed into a copy).
    origin : dict, optional
        Resource IRI to ``(source, row, table)``; violations on such a resource are placed at
        that spreadsheet row.
    default_source : str
        What to name as the source of violations on resources without an origin.

    Returns
    -------
    list of Problem
        Empty when the graph conforms. Messages are the shapes' ``sh:message`` in German and
        English.
    """
    import pyshacl

    # The whole ontology (classes and the controlled vocabularies) joins the data, so that
    # sh:targetClass sees subclasses and sh:class sees the actor types; ``data`` stays untouched.
    combined = Graph()
    for triple in data:
        combined.add(triple)
    for triple in ontology_graph():
        combined.add(triple)
    conforms, report, _ = pyshacl.validate(
        combined,
        shacl_graph=shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
    )
    if conforms:
        return []
    origin = origin or {}
    problems: list[Problem] = []
    results = sorted(report.subjects(RDF.type, SH.ValidationResult), key=lambda r: _sort_key(report, r))
    for result in results:
        focus = report.value(result, SH.focusNode)
        messages: dict[str, Any] = {}
        for msg in report.objects(result, SH.resultMessage):
            lang = msg.language if isinstance(msg, Literal) and msg.language else "en"
            messages.setdefault(lang, str(msg))
        path = report.value(result, SH.resultPath)
        label = _short(path) if isinstance(path, URIRef) else None
        src, row = default_source, None
        if isinstance(focus, URIRef) and focus in origin:
            src, row, _table = origin[focus]
        else:
            messages = {k: f"{v} [{focus}]" for k, v in messages.items()}
        messages["message"] = messages.get("en") or next(iter(messages.values()), "")
        problems.append(Problem("shape", src, row, label, messages))
    return problems


def _short(iri: URIRef) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
            break
    return text


def _sort_key(report: Graph, result: Any) -> tuple[str, str]:
    return (str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultPath)))
