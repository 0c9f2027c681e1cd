"""SHACL validation of a concept graph with the ikg shapes.

Two engines give the same results (the tests compare them on every invalid example):
``"sparql"``, the default, runs the shapes compiled to SPARQL inside Oxigraph
(:mod:`ikg.graph.ingest.shacl_sparql`; seconds where pySHACL takes minutes and gigabytes);
``"pyshacl"`` runs pySHACL, the reference, and is used automatically when any shape uses what
the compiler does not translate (it raises for such a shape, whatever its typing, so no shape is
ever skipped). Both see the literals as written: the compiled checks through the stand-ins of
:mod:`ikg.graph.ingest.shacl_lexical` (Oxigraph would canonicalise ``"7"^^xsd:int`` to
``xsd:integer`` and merge ``"1.0"`` and ``"1.00"``), pySHACL through rdflib terms built without
normalisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from typing import Any
from typing import Literal as Choice

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ikg.graph.ingest.ntriples import ChecksStore, ConceptText, spool_error
from ikg.graph.ingest.problems import Problem
from ikg.graph.ingest.shacl_sparql import Check, UnsupportedShapeError, checks_store, compile_shapes, run_checks
from ikg.graph.resources import ontology_graph, ontology_quads, shapes_graph
from ikg.graph.terms import from_ox, to_ox

__all__ = ["ENGINES", "shacl_problems"]

#: the validation engines, default first
ENGINES = ("sparql", "pyshacl")


@lru_cache(maxsize=1)
def _compiled() -> list[Check] | None:
    try:
        return compile_shapes(shapes_graph())
    except UnsupportedShapeError:
        return None


def shacl_problems(
    data: Graph | Sequence[ox.Quad] | ConceptText,
    origin: dict[URIRef, tuple[str, int, str]] | None = None,
    default_source: str = "graph",
    engine: Choice["sparql", "pyshacl"] = "sparql",
) -> list[Problem]:
    """Validate ``data`` against the ikg shapes and return each violation as a :class:`Problem`.

    Parameters
    ----------
    data : rdflib.Graph, sequence of pyoxigraph.Quad, or ConceptText
        The graph to check (graph names of quads are ignored); it is not modified. A mapped
        concept's text is read by the checks' store as it is (its typed literals in their
        stand-in form), without a quad object per triple.
    origin : dict, optional
        Resource IRI to ``(source, row, table)``; violations on such a resource are placed at
        that spreadsheet row.
    default_source : str
        What to name as the source of violations on resources without an origin.
    engine : {"sparql", "pyshacl"}
        ``"sparql"`` (default): the shapes compiled to SPARQL, run in an in-memory Oxigraph
        store; falls back to pySHACL if the shapes use a feature it does not translate.

    Returns
    -------
    list of Problem
        Empty when the graph conforms. Messages are the shapes' ``sh:message`` in German and
        English.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; choose from {', '.join(ENGINES)}")
    checks = _compiled() if engine == "sparql" else None
    if checks is not None:
        return _sparql_problems(data, checks, origin or {}, default_source)
    import pyshacl

    if isinstance(data, ConceptText):
        data = data.quads()
    if not isinstance(data, Graph):
        data = _rdflib_graph(data)

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


def _rdflib_graph(quads: Sequence[ox.Quad]) -> Graph:
    graph = Graph()
    for q in quads:
        graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))  # type: ignore[arg-type]  # terms of a quad are never None
    return graph


def _sparql_problems(
    data: Graph | Sequence[ox.Quad] | ConceptText,
    checks: list[Check],
    origin: dict[URIRef, tuple[str, int, str]],
    default_source: str,
) -> list[Problem]:
    if isinstance(data, ConceptText):
        loader = data.checks_store or ChecksStore(data.common_path, expected=data.common_size())
        data.checks_store = None  # used once: a second check loads the lines anew
        try:
            found = run_checks(checks, _text_store(data, loader))
        except OSError as exc:
            raise spool_error(exc) from exc
        finally:
            loader.close()
    else:
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in data] if isinstance(data, Graph) else data
        found = run_checks(checks, checks_store(chain(quads, ontology_quads())))
    found.sort(key=lambda v: (v.focus, v.check.path or ""))
    problems: list[Problem] = []
    for v in found:
        messages: dict[str, Any] = dict(v.check.messages)
        focus = URIRef(v.focus) if v.focus_is_iri else None
        src, row = default_source, None
        if focus is not None and focus in origin:
            src, row, _table = origin[focus]
        else:
            shown = v.focus if v.focus_is_iri else f"_:{v.focus}"
            messages = {k: f"{m} [{shown}]" for k, m in messages.items()}
        messages["message"] = messages.get("en") or next(iter(messages.values()), "")
        label = _short(URIRef(v.check.path)) if v.check.path else None
        problems.append(Problem("shape", src, row, label, messages))
    return problems


def _text_store(text: ConceptText, loader: ChecksStore) -> ox.Store:
    """The checks' store of a mapped concept: its lines (counted: :attr:`ConceptText.distinct`),
    then the ontology.

    ``loader`` holds the lines that read the same for the store and the checks: filled while the
    mapping wrote (:attr:`ConceptText.checks_store`) or now, in memory or, past
    :data:`~ikg.graph.ingest.ntriples.DISK_CHECKS_BYTES`, on disk. The typed literals' stand-ins
    and the ontology join them here.
    """
    store = loader.finish(text.common_size())
    for piece in text.typed_checks_pieces():
        store.bulk_load(input=piece, format=ox.RdfFormat.N_TRIPLES)
    text.distinct = len(store)  # only the concept's triples so far: the stores keep each once
    store.bulk_extend(checks_store(ontology_quads()))
    return store


def _short(iri: URIRef) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
            break
    return text


def _sort_key(report: Graph, result: Any) -> tuple[str, str]:
    return (str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultPath)))
