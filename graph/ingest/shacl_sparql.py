"""SHACL Core validation compiled to SPARQL and run inside Oxigraph.

pySHACL walks every focus node and value node in Python over an rdflib graph: at 10,000 actors
(half a million triples) it took some 30 s and at 100,000 actors more than 10 GB before it was
stopped. The constraints ikg's shapes use are simple enough to state as SPARQL ``SELECT``
queries, one per constraint, that return exactly the violating focus nodes; Oxigraph answers
them in its native code over the same triples.

Supported (everything ``ontology/shapes.ttl`` uses): node shapes with ``sh:targetClass`` (with
``rdfs:subClassOf*``, as SHACL defines class membership) and ``sh:targetSubjectsOf``; property
shapes whose ``sh:path`` is an IRI or a sequence of IRIs; ``sh:minCount``, ``sh:maxCount``,
``sh:class``, ``sh:datatype`` (with the lexical form checked for the XSD types Oxigraph can
cast), ``sh:uniqueLang`` and ``sh:or`` over shapes made of ``sh:class``, ``sh:datatype`` or a
``sh:path`` with ``sh:minCount 1``. :func:`compile_shapes` raises :class:`UnsupportedShapeError`
for anything else, and :func:`ikg.graph.ingest.validate.shacl_problems` then falls back to pySHACL, which
stays the reference: the tests run both on every invalid example and compare the results.

The query texts are built from the shapes graph only (ikg's own ``shapes.ttl``), never from data
or user input; every IRI in them is written by Oxigraph's serialiser, which refuses a string that
is not an IRI.

Each violation is reported like pySHACL reports it: one per focus node for a count, one per value
node for ``sh:class``, ``sh:datatype`` and ``sh:or``, one per repeated language for
``sh:uniqueLang``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

__all__ = ["Check", "UnsupportedShapeError", "Violation", "compile_shapes", "run_checks"]

_SUBCLASS = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
#: XSD datatypes whose lexical form Oxigraph checks with a cast (an ill-typed literal is not a value)
_CASTABLE = {
    XSD.date,
    XSD.dateTime,
    XSD.gYear,
    XSD.gYearMonth,
    XSD.decimal,
    XSD.integer,
    XSD.double,
    XSD.float,
    XSD.boolean,
    XSD.string,
}
_NODE_KEYS = {SH.targetClass, SH.targetSubjectsOf, SH.property, SH["or"], SH.message, RDF.type}
_PROPERTY_KEYS = {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.uniqueLang,
    SH["or"],
    SH.message,
}


class UnsupportedShapeError(ValueError):
    """A shape uses a SHACL feature this compiler does not translate."""


@dataclass(frozen=True)
class Check:
    """One constraint as a query.

    Attributes
    ----------
    shape : str
        IRI or blank node id of the shape the constraint belongs to (a property shape, or the
        node shape for a node-level ``sh:or``).
    path : str or None
        The property's IRI when the path is a single IRI, else ``None``.
    messages : dict
        Language to the shape's ``sh:message``.
    sparql : str
        ``SELECT ?focus ...``: one row per violation.
    """

    shape: str
    path: str | None
    messages: dict[str, str]
    sparql: str


@dataclass(frozen=True)
class Violation:
    """A focus node that breaks a :class:`Check`."""

    focus: str
    focus_is_iri: bool
    check: Check


def _iri(node: URIRef) -> str:
    """The IRI in SPARQL syntax, written by Oxigraph (which refuses anything that is not an IRI)."""
    return str(ox.NamedNode(str(node)))


def _resource(node: Node | None, what: str) -> URIRef | BNode:
    """``node`` as a shape or list node: an IRI or a blank node, else the shape is not supported."""
    if isinstance(node, (URIRef, BNode)):
        return node
    raise UnsupportedShapeError(f"{what}: {node!r} is not an IRI or a blank node")


def _named(node: Node, what: str) -> URIRef:
    """``node`` as an IRI; a shape that puts anything else there is not supported."""
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"{what}: {node!r} is not an IRI")
    return node


def _iris(nodes: Iterable[Node], what: str) -> list[URIRef]:
    """The IRIs ``nodes`` are, in a stable order (see :func:`_named`)."""
    return [_named(node, what) for node in sorted(nodes, key=str)]


def _flag(node: Node, what: str) -> bool:
    """The truth value an ``sh:uniqueLang`` value states."""
    if not isinstance(node, Literal):
        raise UnsupportedShapeError(f"{what}: {node!r} is not a boolean")
    return bool(node.toPython())


def _count(node: Node, what: str) -> int:
    """The number an ``sh:minCount`` or ``sh:maxCount`` value states."""
    if not isinstance(node, Literal):
        raise UnsupportedShapeError(f"{what}: {node!r} is not a number")
    return int(node)


def _messages(shapes: Graph, shape: URIRef | BNode) -> dict[str, str]:
    out: dict[str, str] = {}
    for msg in shapes.objects(shape, SH.message):
        lang = msg.language if isinstance(msg, Literal) and msg.language else "en"
        out.setdefault(lang, str(msg))
    return out


def _path(shapes: Graph, node: URIRef | BNode) -> tuple[str, str | None]:
    """The SPARQL property path of a ``sh:path`` value, and its IRI when it is a single one."""
    if isinstance(node, URIRef):
        return _iri(node), str(node)
    steps = list(Collection(shapes, node)) if (node, RDF.first, None) in shapes else []
    iris = [s for s in steps if isinstance(s, URIRef)]
    if not steps or len(iris) != len(steps):
        raise UnsupportedShapeError(f"sh:path {node!r}: only an IRI or a sequence of IRIs")
    return "/".join(_iri(s) for s in iris), None


def _one(shapes: Graph, subject: URIRef | BNode, predicate: URIRef) -> Node | None:
    values = list(shapes.objects(subject, predicate))
    if len(values) > 1:
        raise UnsupportedShapeError(f"{subject!r} has {len(values)} values for {predicate}")
    return values[0] if values else None


def _datatype_test(var: str, datatype: URIRef) -> str:
    """True when ``var`` is a literal of ``datatype`` with a valid lexical form (for castable types)."""
    test = f"isLiteral({var}) && datatype({var}) = {_iri(datatype)}"
    if datatype in _CASTABLE:
        # the cast of an ill-typed form ("30.06.2015" as xsd:date) is an error: COALESCE makes it false
        test += f" && COALESCE(isLiteral({_iri(datatype)}(STR({var}))), false)"
    return f"({test})"


def _condition(shapes: Graph, shape: URIRef | BNode, var: str, k: int) -> str:
    """A SPARQL expression true when ``var`` conforms to an ``sh:or`` alternative."""
    keys = {p for p, _ in shapes.predicate_objects(shape)}
    parts: list[str] = []
    if keys - {SH["class"], SH.datatype, SH.path, SH.minCount}:
        raise UnsupportedShapeError(f"sh:or alternative {shape!r} uses {sorted(keys, key=str)}")
    cls = _one(shapes, shape, SH["class"])
    if isinstance(cls, URIRef):
        parts.append(f"EXISTS {{ {var} {_SUBCLASS} {_iri(cls)} }}")
    dt = _one(shapes, shape, SH.datatype)
    if isinstance(dt, URIRef):
        parts.append(_datatype_test(var, dt))
    path = _one(shapes, shape, SH.path)
    if path is not None:
        count = _one(shapes, shape, SH.minCount)
        if not isinstance(count, Literal) or int(count) != 1:
            raise UnsupportedShapeError(f"sh:or alternative {shape!r}: a path needs sh:minCount 1")
        sparql_path, _ = _path(shapes, _resource(path, f"sh:path of {shape!r}"))
        parts.append(f"EXISTS {{ {var} {sparql_path} ?alt{k} }}")
    if not parts:
        raise UnsupportedShapeError(f"sh:or alternative {shape!r} has no constraint")
    return "(" + " && ".join(parts) + ")"


def _or(shapes: Graph, owner: URIRef | BNode, var: str) -> str | None:
    head = _one(shapes, owner, SH["or"])
    if head is None:
        return None
    alternatives = list(Collection(shapes, _resource(head, f"sh:or of {owner!r}")))
    conds = [_condition(shapes, _resource(alt, "sh:or alternative"), var, k) for k, alt in enumerate(alternatives)]
    return "(" + " || ".join(conds) + ")"


def _target(shapes: Graph, node_shape: URIRef | BNode) -> str:
    classes = _iris(shapes.objects(node_shape, SH.targetClass), f"sh:targetClass of {node_shape!r}")
    predicates = _iris(shapes.objects(node_shape, SH.targetSubjectsOf), f"sh:targetSubjectsOf of {node_shape!r}")
    blocks = [f"{{ ?focus {_SUBCLASS} {_iri(c)} }}" for c in classes]
    blocks += [f"{{ ?focus {_iri(p)} ?any }}" for p in predicates]
    if not blocks:
        raise UnsupportedShapeError(f"{node_shape!r} has no sh:targetClass or sh:targetSubjectsOf")
    return "{ SELECT DISTINCT ?focus WHERE { " + " UNION ".join(blocks) + " } }"


def compile_shapes(shapes: Graph) -> list[Check]:
    """Translate every node shape of ``shapes`` into :class:`Check` queries.

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
        When a shape uses a feature outside the supported subset.

    Examples
    --------
    >>> from ikg.graph.resources import shapes_graph
    >>> checks = compile_shapes(shapes_graph())
    >>> len(checks) > 30, all(c.sparql.startswith("SELECT") for c in checks)
    (True, True)
    """
    checks: list[Check] = []
    for found in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=str):
        node_shape = _resource(found, "sh:NodeShape")
        extra = {p for p, _ in shapes.predicate_objects(node_shape)} - _NODE_KEYS
        if extra:
            raise UnsupportedShapeError(f"{node_shape!r} uses {sorted(extra, key=str)}")
        target = _target(shapes, node_shape)
        node_or = _or(shapes, node_shape, "?focus")
        if node_or is not None:
            checks.append(
                Check(
                    str(node_shape),
                    None,
                    _messages(shapes, node_shape),
                    f"SELECT ?focus WHERE {{ {target} FILTER(!{node_or}) }}",
                )
            )
        props = sorted(
            shapes.objects(node_shape, SH.property), key=lambda p: sorted(map(str, shapes.objects(p, SH.path)))
        )
        for prop in props:
            checks.extend(_property_checks(shapes, _resource(prop, f"sh:property of {node_shape!r}"), target))
    return checks


def _property_checks(shapes: Graph, prop: URIRef | BNode, target: str) -> Iterable[Check]:
    extra = {p for p, _ in shapes.predicate_objects(prop)} - _PROPERTY_KEYS
    if extra:
        raise UnsupportedShapeError(f"property shape {prop!r} uses {sorted(extra, key=str)}")
    path_node = _one(shapes, prop, SH.path)
    if path_node is None:
        raise UnsupportedShapeError(f"property shape {prop!r} has no sh:path")
    path, path_iri = _path(shapes, _resource(path_node, f"sh:path of {prop!r}"))
    messages = _messages(shapes, prop)

    def check(sparql: str) -> Check:
        return Check(str(prop), path_iri, messages, sparql)

    low = _one(shapes, prop, SH.minCount)
    if low is not None:
        yield check(
            f"SELECT ?focus WHERE {{ {target} OPTIONAL {{ ?focus {path} ?value }} }} "
            f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) < {_count(low, 'sh:minCount')})"
        )
    high = _one(shapes, prop, SH.maxCount)
    if high is not None:
        yield check(
            f"SELECT ?focus WHERE {{ {target} ?focus {path} ?value }} "
            f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) > {_count(high, 'sh:maxCount')})"
        )
    cls = _one(shapes, prop, SH["class"])
    if cls is not None:
        yield check(
            f"SELECT DISTINCT ?focus ?value WHERE {{ {target} ?focus {path} ?value "
            f"FILTER NOT EXISTS {{ ?value {_SUBCLASS} {_iri(_named(cls, 'sh:class'))} }} }}"
        )
    dt = _one(shapes, prop, SH.datatype)
    if dt is not None:
        yield check(
            f"SELECT DISTINCT ?focus ?value WHERE {{ {target} ?focus {path} ?value "
            f"FILTER(!{_datatype_test('?value', _named(dt, 'sh:datatype'))}) }}"
        )
    value_or = _or(shapes, prop, "?value")
    if value_or is not None:
        yield check(f"SELECT DISTINCT ?focus ?value WHERE {{ {target} ?focus {path} ?value FILTER(!{value_or}) }}")
    unique = _one(shapes, prop, SH.uniqueLang)
    if unique is not None and _flag(unique, "sh:uniqueLang"):
        yield check(
            f"SELECT DISTINCT ?focus ?lang WHERE {{ {target} ?focus {path} ?a , ?b "
            'FILTER(?a != ?b && lang(?a) != "" && lang(?a) = lang(?b)) BIND(lang(?a) AS ?lang) }'
        )


def run_checks(checks: Iterable[Check], store: ox.Store) -> list[Violation]:
    """Run the checks on the default graph of ``store``.

    Parameters
    ----------
    checks : iterable of Check
    store : pyoxigraph.Store
        Holding the data and the ontology (classes, vocabularies) in its default graph.

    Returns
    -------
    list of Violation
        One per result row, check by check.
    """
    out: list[Violation] = []
    for c in checks:
        solutions = store.query(c.sparql)
        if not isinstance(solutions, ox.QuerySolutions):  # every check is a SELECT query
            raise TypeError(f"check of {c.shape} is not a SELECT query")
        for row in solutions:
            focus = row["focus"]
            out.append(Violation(focus.value, isinstance(focus, ox.NamedNode), c))
    return out
