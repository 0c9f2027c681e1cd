"""SHACL Core validation compiled to SPARQL and run inside Oxigraph.

pySHACL walks every focus node and value node in Python over an rdflib graph: at 10,000 actors
(half a million triples) it took some 30 s and at 100,000 actors more than 10 GB before it was
stopped. The constraints ikg's shapes use are simple enough to state as SPARQL ``SELECT``
queries, one per constraint, that return exactly the violations; Oxigraph answers them in its
native code over the same triples.

Translated: node and property shapes, typed or not, found as SHACL 1.0 section 2.1 defines
shapes (:mod:`ikg.graph.ingest.shacl_shapes`); the targets ``sh:targetClass`` (with
``rdfs:subClassOf*``, and the implicit class target of a shape that is a class),
``sh:targetNode``, ``sh:targetSubjectsOf`` and ``sh:targetObjectsOf``; every kind of
``sh:path``; ``sh:property`` of a node shape; ``sh:minCount``, ``sh:maxCount``, ``sh:class``,
``sh:datatype`` (with the lexical form as written checked for every XSD datatype in
:data:`ikg.graph.ingest.shacl_lexical.LEXICAL`), ``sh:uniqueLang``, ``sh:deactivated``, and
``sh:or`` over shapes made of ``sh:class``, ``sh:datatype`` or a path with ``sh:minCount 1``.
:func:`compile_shapes` raises :class:`UnsupportedShapeError` for any shape that uses anything
else, whatever its typing; :func:`ikg.graph.ingest.validate.shacl_problems` then falls back to
pySHACL, which stays the reference: the tests run both on every invalid example and compare the
results, and ``tests/test_w3c_shacl.py`` runs the W3C SHACL core tests of this subset.

The data are checked as written (:func:`checks_store`): Oxigraph would store ``"7"^^xsd:int`` as
``"7"^^xsd:integer`` and ``"1.0"``, ``"1.00"`` as one decimal, so typed literals go into the
checks' store under stand-ins that keep their form (:mod:`ikg.graph.ingest.shacl_lexical`), and
each result names its focus node and value as they were written.

The query texts are built from the shapes graph only (ikg's own ``shapes.ttl``), never from data
or user input; every IRI and literal in them is written by Oxigraph's serialiser.

The query forms were chosen by measuring them on ikg's shapes at 100,000 actors (5.2 million
triples; the comments in :func:`_property_checks` give the times): ``FILTER (NOT) EXISTS`` for the
small counts, ``MINUS`` the class's instances for ``sh:class``, ``GROUP BY`` for larger counts
and ``sh:uniqueLang``; none is quadratic in the values of one focus node. All 60 checks took
22-27 s there, where the forms before took 37-47 s (medians of three runs; before and after in
one session, in each of three sessions).
The checks run side by side, one per core (:func:`check_workers`): Oxigraph evaluates outside
Python's lock. On two cores the 60 checks at 100,000 actors (store on disk) took 18.3 s instead of
28.9 s (two runs each way, alternating); `ikg validate` of that workbook 52 s instead of 56 s. An
import gains nothing from it: its checks already share the cores with the write.

Each violation is reported as SHACL reports it: one per focus node for a count, one per value
node for ``sh:class``, ``sh:datatype`` and ``sh:or``, one per repeated language for
``sh:uniqueLang``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from ikg.graph.ingest.shacl_lexical import as_written, checkable, datatype_iri, for_checks
from ikg.graph.ingest.shacl_shapes import (
    UnsupportedShapeError,
    active,
    iri,
    list_items,
    path_sparql,
    shapes_in,
    target_block,
    targeted,
)

__all__ = [
    "MAX_CHECK_WORKERS",
    "Check",
    "UnsupportedShapeError",
    "Violation",
    "check_quads",
    "check_workers",
    "checks_store",
    "compile_shapes",
    "run_checks",
]

_SUBCLASS = f"{iri(RDF.type)}/{iri(RDFS.subClassOf)}*"
_ALTERNATIVE_KEYS = {SH["class"], SH.datatype, SH.property, SH.path, SH.minCount, SH.message, SH.name, SH.description}


@dataclass(frozen=True)
class Check:
    """One constraint as a query.

    Attributes
    ----------
    shape : str
        IRI or blank node id of the shape the constraint belongs to.
    path : str or None
        The property's IRI when the path is a single IRI, else ``None``.
    messages : dict
        Language to the shape's ``sh:message``.
    sparql : str
        ``SELECT ?focus ...``: one row per violation, with ``?value`` where SHACL reports one.
    component : str
        IRI of the SHACL constraint component (``sh:MinCountConstraintComponent`` …).
    path_text : str or None
        The SPARQL property path of a property shape (``None`` for a node shape).
    """

    shape: str
    path: str | None
    messages: dict[str, str]
    sparql: str
    component: str = ""
    path_text: str | None = None


@dataclass(frozen=True)
class Violation:
    """A focus node (and value node) that breaks a :class:`Check`, as written in the data."""

    focus: str
    focus_is_iri: bool
    check: Check
    node: ox.NamedNode | ox.BlankNode | ox.Literal | None = None
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None = None


def _count(node: Node, what: str) -> int:
    if not isinstance(node, Literal) or not isinstance(node.toPython(), int) or isinstance(node.toPython(), bool):
        raise UnsupportedShapeError(f"{what}: {node!r} is not an integer")
    return int(node.toPython())


def _flag(node: Node, what: str) -> bool:
    """True only for ``true`` itself: SHACL names no other form (``"1"^^xsd:boolean`` is not it)."""
    if not isinstance(node, Literal) or node.datatype != XSD.boolean:
        raise UnsupportedShapeError(f"{what}: {node!r} is not a boolean")
    return str(node) == "true"


def _messages(shapes: Graph, shape: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    for msg in sorted(shapes.objects(shape, SH.message), key=str):
        lang = msg.language if isinstance(msg, Literal) and msg.language else "en"
        out.setdefault(lang, str(msg))
    return out


def _one_path(shapes: Graph, shape: Node) -> str:
    paths = list(shapes.objects(shape, SH.path))
    if len(paths) != 1:
        raise UnsupportedShapeError(f"{shape!r} has {len(paths)} values of sh:path")
    return path_sparql(shapes, paths[0])


def _datatype_test(var: str, datatype: Node) -> str:
    """True when ``var`` is a literal of ``datatype`` whose form (as written) is well-formed."""
    if not isinstance(datatype, URIRef) or not checkable(str(datatype)):
        raise UnsupportedShapeError(f"sh:datatype {datatype!r}: its lexical form is not checked")
    return f"(isLiteral({var}) && datatype({var}) = {iri(datatype_iri(str(datatype)))})"


def _instance_of(cls: Node) -> str:
    """The property path from a SHACL instance of ``cls`` to ``cls``."""
    if not isinstance(cls, URIRef):
        raise UnsupportedShapeError(f"sh:class {cls!r} is not an IRI")
    return f"{_SUBCLASS} {iri(cls)}"


def _class_test(var: str, cls: Node) -> str:
    return f"EXISTS {{ {var} {_instance_of(cls)} }}"


class _Names:
    """Fresh SPARQL variable names."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"?v{self.n}"


def _exists_path(shapes: Graph, shape: Node, var: str, names: _Names) -> str:
    """``shape`` as an ``sh:or`` alternative with a path: only ``sh:minCount 1`` is translated."""
    keys = {p for p, _ in shapes.predicate_objects(shape) if str(p).startswith(str(SH))}
    counts = [_count(c, "sh:minCount") for c in shapes.objects(shape, SH.minCount)]
    if keys - {SH.path, SH.minCount, SH.message, SH.name, SH.description} or counts != [1]:
        raise UnsupportedShapeError(f"{shape!r} in sh:or: a property shape needs exactly sh:minCount 1")
    return f"EXISTS {{ {var} {_one_path(shapes, shape)} {names()} }}"


def _condition(shapes: Graph, shape: Node, var: str, names: _Names) -> str:
    """A SPARQL expression true when ``var`` conforms to the ``sh:or`` alternative ``shape``."""
    keys = {p for p, _ in shapes.predicate_objects(shape) if str(p).startswith(str(SH))}
    if keys - _ALTERNATIVE_KEYS:
        raise UnsupportedShapeError(f"sh:or alternative {shape!r} uses {sorted(map(str, keys - _ALTERNATIVE_KEYS))}")
    if SH.path in keys:
        return _exists_path(shapes, shape, var, names)
    if SH.minCount in keys:
        raise UnsupportedShapeError(f"sh:or alternative {shape!r}: sh:minCount without sh:path")
    parts = [_class_test(var, c) for c in sorted(shapes.objects(shape, SH["class"]), key=str)]
    parts += [_datatype_test(var, d) for d in sorted(shapes.objects(shape, SH.datatype), key=str)]
    parts += [_exists_path(shapes, p, var, names) for p in sorted(shapes.objects(shape, SH.property), key=str)]
    return "(" + " && ".join(parts or ["true"]) + ")"


def _ors(shapes: Graph, owner: Node, var: str) -> list[str]:
    out = []
    for head in sorted(shapes.objects(owner, SH["or"]), key=str):
        names = _Names()
        members = list_items(shapes, head, f"sh:or of {owner!r}")
        out.append("(" + " || ".join(_condition(shapes, m, var, names) for m in members) + ")" if members else "false")
    return out


def compile_shapes(shapes: Graph) -> list[Check]:
    """Translate every shape of ``shapes`` that has targets into :class:`Check` queries.

    Parameters
    ----------
    shapes : rdflib.Graph
        The shapes graph.

    Returns
    -------
    list of Check
        In a stable order (by shape, then constraint).

    Raises
    ------
    UnsupportedShapeError
        When any shape uses a feature outside the supported subset, whatever its typing.

    Examples
    --------
    >>> from ikg.graph.resources import shapes_graph
    >>> checks = compile_shapes(shapes_graph())
    >>> len(checks) > 30, all(c.sparql.startswith("SELECT") for c in checks)
    (True, True)
    """
    found = shapes_in(shapes)
    for shape in found:  # refuse what is not translated also where no target reaches it
        active(shapes, shape)
        if (shape, SH.path, None) in shapes:
            _one_path(shapes, shape)
    checks: list[Check] = []
    for shape in targeted(shapes, found):
        if not active(shapes, shape):
            continue
        target = target_block(shapes, shape)
        if (shape, SH.path, None) in shapes:
            checks.extend(_property_checks(shapes, shape, target))
            continue
        checks.extend(_node_checks(shapes, shape, target))
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            if active(shapes, prop):
                checks.extend(_property_checks(shapes, prop, target))
    return checks


def _node_checks(shapes: Graph, shape: URIRef | BNode, target: str) -> Iterable[Check]:
    messages = _messages(shapes, shape)

    def check(condition: str, component: str) -> Check:
        sparql = f"SELECT ?focus (?focus AS ?value) WHERE {{ {target} FILTER(!{condition}) }}"
        return Check(str(shape), None, messages, sparql, str(SH[component]))

    # MINUS the instances, found once, as for a property shape (targetObjectsOf ikg:partner with
    # sh:class ikg:Actor at 100,000 actors: 0.8 s, where FILTER(!EXISTS …) took 3.8 s)
    for cls in sorted(shapes.objects(shape, SH["class"]), key=str):
        sparql = f"SELECT ?focus (?focus AS ?value) WHERE {{ {target} MINUS {{ ?focus {_instance_of(cls)} }} }}"
        yield Check(str(shape), None, messages, sparql, str(SH.ClassConstraintComponent))
    for dt in sorted(shapes.objects(shape, SH.datatype), key=str):
        yield check(_datatype_test("?focus", dt), "DatatypeConstraintComponent")
    for condition in _ors(shapes, shape, "?focus"):
        yield check(condition, "OrConstraintComponent")


def _single_step(shapes: Graph, path: Node) -> bool:
    """True for a path that is one IRI or the inverse of one: it gives each value once per focus
    node (an RDF graph is a set of triples), so ``COUNT(?value)`` counts distinct values."""
    return isinstance(path, URIRef) or isinstance(shapes.value(path, SH.inversePath), URIRef)


def _distinct_values(path: str, n: int) -> str:
    """A pattern binding ``n`` pairwise different values of ``path`` from ``?focus`` (none: ``""``)."""
    names = [f"?value{i}" for i in range(1, n + 1)]
    triples = " . ".join(f"?focus {path} {v}" for v in names)
    apart = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :])
    return triples + (f" FILTER({apart})" if apart else "")


def _property_checks(shapes: Graph, prop: Node, target: str) -> Iterable[Check]:
    path = _one_path(shapes, prop)
    path_node = next(iter(shapes.objects(prop, SH.path)))
    messages = _messages(shapes, prop)

    def check(sparql: str, component: str) -> Check:
        single = str(path_node) if isinstance(path_node, URIRef) else None
        return Check(str(prop), single, messages, sparql, str(SH[component]), path)

    # Counts are of distinct terms ("1.0" and "1.00" are two values). A path of one step gives each
    # value once, a longer one may reach a value twice: COUNT(DISTINCT …) only there (ikg:partner
    # maxCount 2 at 100,000 actors: 2.3 s with COUNT(?value), 2.6 s with DISTINCT, medians of 8;
    # skos:prefLabel uniqueLang 1.6 s for 1.9 s).
    tally = "COUNT(?value)" if _single_step(shapes, path_node) else "COUNT(DISTINCT ?value)"
    values = f"{target} ?focus {path} ?value"
    # Times: ikg's shapes at 100,000 actors (5.2 million triples); "1.4 s for 4.6 s" is this form's
    # time for the one it replaced.
    # sh:minCount 1 and 2: no such values, found per focus node and given up at the first answer
    # (prov:wasDerivedFrom minCount 1 over 566,716 foci: 1.4 s, where OPTIONAL + GROUP BY + COUNT
    # took 4.6 s and MINUS 2.8 s; ikg:partner minCount 2: 1.2 s for 2.8 s). It stays linear in the
    # values: a focus node with two values answers after two steps, one with fewer has at most
    # one pair to try; for three or more, a focus node with too few values would try every
    # assignment (values ** minCount), so those are counted. sh:minCount 0 gives NOT EXISTS { },
    # which is never true.
    for low in sorted(_count(n, "sh:minCount") for n in shapes.objects(prop, SH.minCount)):
        sparql = (
            f"SELECT ?focus WHERE {{ {target} FILTER NOT EXISTS {{ {_distinct_values(path, low)} }} }}"
            if low <= 2
            else f"SELECT ?focus WHERE {{ {target} OPTIONAL {{ ?focus {path} ?value }} }} "
            f"GROUP BY ?focus HAVING ({tally} < {low})"
        )
        yield check(sparql, "MinCountConstraintComponent")
    # sh:maxCount 0 and 1: a (second) different value exists, again given up at the first answer
    # (org:member maxCount 1: 1.0 s for 1.6 s with GROUP BY). Joining the values pairwise
    # (SELECT DISTINCT ?focus … ?a , ?b) was faster still at 0.7 s but quadratic: 21 s for one
    # focus node with 5,000 values. From sh:maxCount 2 on, a conforming focus node would try every
    # assignment (values ** (maxCount + 1)): counted (EXISTS of three for ikg:partner maxCount 2
    # saved 0.3 s of 1.9 s).
    for high in sorted(_count(n, "sh:maxCount") for n in shapes.objects(prop, SH.maxCount)):
        sparql = (
            f"SELECT ?focus WHERE {{ {target} FILTER EXISTS {{ {_distinct_values(path, high + 1)} }} }}"
            if high <= 1
            else f"SELECT ?focus WHERE {{ {values} }} GROUP BY ?focus HAVING ({tally} > {high})"
        )
        yield check(sparql, "MaxCountConstraintComponent")
    # sh:class: MINUS the SHACL instances of the class, found once, where FILTER NOT EXISTS asked
    # for each value (ikg:partner sh:class ikg:Actor: 2.4 s for 6.2 s; org:role 0.8 s for 1.5 s).
    # The cost follows the class's instances, not the values checked: dcterms:publisher, with few
    # values and 100,000 organisations, takes 0.5 s for 0.02 s. OPTIONAL … FILTER(!BOUND) is as fast
    # as MINUS. A literal or blank node that is no instance stays and is reported.
    for cls in sorted(shapes.objects(prop, SH["class"]), key=str):
        yield check(
            f"SELECT DISTINCT ?focus ?value WHERE {{ {values} MINUS {{ ?value {_instance_of(cls)} }} }}",
            "ClassConstraintComponent",
        )
    for dt in sorted(shapes.objects(prop, SH.datatype), key=str):
        test = _datatype_test("?value", dt)
        yield check(
            f"SELECT DISTINCT ?focus ?value WHERE {{ {values} FILTER(!{test}) }}", "DatatypeConstraintComponent"
        )
    for condition in _ors(shapes, prop, "?value"):
        yield check(f"SELECT DISTINCT ?focus ?value WHERE {{ {values} FILTER(!{condition}) }}", "OrConstraintComponent")
    # sh:uniqueLang: one row per focus node and language (case-insensitive) with two or more values.
    # Grouping is as fast on ikg's data (skos:prefLabel: 1.6 s, the pairwise join 1.5-2.0 s) and
    # linear: joining the values pairwise took 9.7 s for one focus node with 3,000 labels, grouping
    # 0.01 s.
    if any(_flag(u, "sh:uniqueLang") for u in shapes.objects(prop, SH.uniqueLang)):
        yield check(
            f'SELECT ?focus ?lang WHERE {{ {values} FILTER(lang(?value) != "") }} '
            f"GROUP BY ?focus (LCASE(lang(?value)) AS ?lang) HAVING ({tally} > 1)",
            "UniqueLangConstraintComponent",
        )


def checks_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory store holding ``quads`` (in its default graph) as the checks need them.

    Parameters
    ----------
    quads : iterable of pyoxigraph.Quad
        The data, with the literals as written; graph names are dropped.

    Returns
    -------
    pyoxigraph.Store
        Typed literals under the stand-ins of :func:`ikg.graph.ingest.shacl_lexical.for_checks`.
    """
    store = ox.Store()
    store.bulk_extend(_as_triples(quads))
    return store


def _as_triples(quads: Iterable[ox.Quad]) -> Iterable[ox.Quad]:
    literal, quad = ox.Literal, ox.Quad
    for q in quads:
        obj = q.object
        yield quad(q.subject, q.predicate, for_checks(obj) if type(obj) is literal else obj)


def check_workers() -> int:
    """How many checks run at once: one per core, at most :data:`MAX_CHECK_WORKERS`.

    Oxigraph evaluates a query outside Python's lock, so checks on several cores overlap (the
    module's docstring gives the time saved).
    """
    return max(1, min(MAX_CHECK_WORKERS, os.cpu_count() or 1))


#: the most checks run at once (:func:`check_workers`)
MAX_CHECK_WORKERS = 4


def run_checks(checks: Iterable[Check], store: ox.Store, workers: int | None = None) -> list[Violation]:
    """Run the checks on the default graph of ``store``, built by :func:`checks_store`.

    Parameters
    ----------
    checks : iterable of Check
    store : pyoxigraph.Store
        Holding the data and the ontology (classes, vocabularies) in its default graph.
    workers : int, optional
        Checks run at once, each in a thread of its own (default :func:`check_workers`); the
        result is the same, in the same order, whatever the number.

    Returns
    -------
    list of Violation
        One per result row, check by check; focus and value as written in the data.
    """
    todo = list(checks)
    n = check_workers() if workers is None else max(1, workers)
    if n == 1 or len(todo) < 2:
        return [v for c in todo for v in _run_check(c, store)]
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="ikg-check") as pool:
        return [v for found in pool.map(lambda c: _run_check(c, store), todo) for v in found]


def _run_check(c: Check, store: ox.Store) -> list[Violation]:
    """The violations one check finds (the rows are read here: that is where Oxigraph evaluates)."""
    solutions = store.query(c.sparql)
    if not isinstance(solutions, ox.QuerySolutions):  # every check is a SELECT query
        raise TypeError(f"check of {c.shape} is not a SELECT query")
    has_value = "?value" in c.sparql.split("WHERE", 1)[0]
    out: list[Violation] = []
    for row in solutions:
        focus = as_written(row["focus"])
        value = as_written(row["value"]) if has_value else None
        out.append(Violation(focus.value, isinstance(focus, ox.NamedNode), c, focus, value))
    return out


def check_quads(checks: Iterable[Check], quads: Iterable[ox.Quad]) -> list[Violation]:
    """Run ``checks`` on ``quads``: :func:`checks_store` then :func:`run_checks`.

    Parameters
    ----------
    checks : iterable of Check
    quads : iterable of pyoxigraph.Quad

    Returns
    -------
    list of Violation
    """
    return run_checks(checks, checks_store(quads))
