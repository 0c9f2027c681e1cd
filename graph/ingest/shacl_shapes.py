"""Reading a SHACL shapes graph for the compiler: which nodes are shapes, their targets and paths.

A shape is what SHACL 1.0 section 2.1 says it is, whatever its typing: a SHACL instance of
``sh:NodeShape`` or ``sh:PropertyShape``, the subject of a target or of a constraint parameter
(``sh:path``, ``sh:datatype`` …), or the object of ``sh:property``, ``sh:node``, ``sh:not``,
``sh:qualifiedValueShape`` or a member of an ``sh:and``, ``sh:or`` or ``sh:xone`` list. A shape
with ``sh:path`` is a property shape, any other a node shape.

:func:`shapes_in` finds them all and refuses (:class:`UnsupportedShapeError`) every one that uses a
term of the SHACL namespace outside the subset the compiler translates, used or not, so that no
constraint is ever skipped in silence. Triples outside the SHACL namespace (``rdfs:label``,
``rdf:type`` …) do not change what a shape means and are passed over, unless the graph declares
SHACL-SPARQL constraint components, which give such predicates a meaning: then it is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from ikg.graph.ingest.shacl_lexical import for_checks
from ikg.graph.terms import to_ox

__all__ = [
    "COMMON_KEYS",
    "NODE_KEYS",
    "PROPERTY_KEYS",
    "TARGETS",
    "UnsupportedShapeError",
    "active",
    "iri",
    "list_items",
    "path_sparql",
    "shapes_in",
    "target_block",
    "targeted",
]

#: the target predicates the compiler translates
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: SHACL terms any shape may carry: targets, and those that do not change a result's existence
COMMON_KEYS = {
    *TARGETS,
    SH.message,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.deactivated,
}
#: SHACL terms a node shape may carry
NODE_KEYS = COMMON_KEYS | {SH.property, SH["class"], SH.datatype, SH["or"]}
#: SHACL terms a property shape may carry
PROPERTY_KEYS = COMMON_KEYS | {SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH["or"], SH.uniqueLang}
#: the parameters of SHACL Core's constraint components: their subjects are shapes
_PARAMETERS = {
    SH[name]
    for name in [
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minExclusive",
        "minInclusive",
        "maxExclusive",
        "maxInclusive",
        "minLength",
        "maxLength",
        "pattern",
        "flags",
        "languageIn",
        "uniqueLang",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "not",
        "and",
        "or",
        "xone",
        "node",
        "property",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
        "closed",
        "ignoredProperties",
        "hasValue",
        "in",
        "sparql",
        "path",
    ]
}
_SHAPE_VALUES = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
_SHAPE_CLASSES = (SH.NodeShape, SH.PropertyShape, SH.Shape)
_SPARQL_EXTENSIONS = (SH.ConstraintComponent, SH.SPARQLConstraint, SH.SPARQLTarget, SH.SPARQLTargetType)
_PATH_OPERATORS = {
    SH.inversePath: "^({})",
    SH.zeroOrMorePath: "({})*",
    SH.oneOrMorePath: "({})+",
    SH.zeroOrOnePath: "({})?",
}


class UnsupportedShapeError(ValueError):
    """A shape uses a SHACL feature this compiler does not translate."""


def iri(node: URIRef | str) -> str:
    """The IRI in SPARQL syntax, written by Oxigraph (which refuses anything that is not an IRI)."""
    return str(ox.NamedNode(str(node)))


def _instances(shapes: Graph, classes: Iterable[URIRef]) -> set[Node]:
    """SHACL instances of ``classes`` in ``shapes``: typed with one of them or a subclass."""
    found: set[Node] = set()
    for cls in classes:
        for sub in shapes.transitive_subjects(RDFS.subClassOf, cls):
            found.update(shapes.subjects(RDF.type, sub))
    return found


def list_items(shapes: Graph, head: Node, what: str) -> list[Node]:
    """The members of the RDF list ``head``; anything that is no well-formed list is refused."""
    if head == RDF.nil:
        return []
    if not isinstance(head, BNode) or (head, RDF.first, None) not in shapes:
        raise UnsupportedShapeError(f"{what}: {head!r} is not a list")
    items = list(Collection(shapes, head))
    node: Node = head
    for _ in items:
        extra = {p for p, _ in shapes.predicate_objects(node)} - {RDF.first, RDF.rest, RDF.type}
        if extra or len(list(shapes.objects(node, RDF.first))) != 1:
            raise UnsupportedShapeError(f"{what}: {head!r} is not a well-formed list")
        node = shapes.value(node, RDF.rest) or RDF.nil
    return items


def shapes_in(shapes: Graph) -> set[URIRef | BNode]:
    """Every shape of ``shapes``, each checked to use only what the compiler translates.

    Parameters
    ----------
    shapes : rdflib.Graph
        The shapes graph.

    Returns
    -------
    set of rdflib terms
        The shapes (IRIs and blank nodes).

    Raises
    ------
    UnsupportedShapeError
        For a shape using a SHACL term outside the subset, a shape that is a literal, and a graph
        that declares SHACL-SPARQL constraint components or targets.
    """
    declared = _instances(shapes, _SPARQL_EXTENSIONS) | set(shapes.subjects(SH.parameter, None))
    if declared:
        raise UnsupportedShapeError(f"SHACL-SPARQL extensions are not translated: {sorted(map(str, declared))}")
    found: set[Node] = _instances(shapes, _SHAPE_CLASSES)
    for predicate in (*TARGETS, SH.target, *_PARAMETERS):
        found.update(shapes.subjects(predicate, None))
    for predicate in _SHAPE_VALUES:
        found.update(shapes.objects(None, predicate))
    for predicate in _SHAPE_LISTS:
        for head in shapes.objects(None, predicate):
            found.update(list_items(shapes, head, f"{predicate.n3()} list"))
    out: set[URIRef | BNode] = set()
    for shape in sorted(found, key=str):
        if not isinstance(shape, (URIRef, BNode)):
            raise UnsupportedShapeError(f"{shape!r} is used as a shape")
        _check_keys(shapes, shape)
        out.add(shape)
    return out


def _check_keys(shapes: Graph, shape: URIRef | BNode) -> None:
    keys = {p for p, _ in shapes.predicate_objects(shape) if isinstance(p, URIRef) and p.startswith(str(SH))}
    is_property = (shape, SH.path, None) in shapes
    if is_property and (shape, RDF.type, SH.NodeShape) in shapes:
        raise UnsupportedShapeError(f"{shape!r} is a sh:NodeShape with a sh:path")
    extra = keys - (PROPERTY_KEYS if is_property else NODE_KEYS)
    if extra:
        kind = "property shape" if is_property else "node shape"
        raise UnsupportedShapeError(f"{kind} {shape!r} uses {sorted(map(str, extra))}")


def active(shapes: Graph, shape: Node) -> bool:
    """False for a shape with ``sh:deactivated true``, which yields no results."""
    values = list(shapes.objects(shape, SH.deactivated))
    for value in values:
        if not isinstance(value, Literal) or value.datatype != XSD.boolean:
            raise UnsupportedShapeError(f"sh:deactivated of {shape!r} is not a boolean")
    return not any(str(v) == "true" for v in values)  # only true itself, as for sh:uniqueLang


def targeted(shapes: Graph, found: set[URIRef | BNode]) -> list[URIRef | BNode]:
    """The shapes among ``found`` that have targets, explicit or implicit (a shape that is a class).

    Parameters
    ----------
    shapes : rdflib.Graph
    found : set
        From :func:`shapes_in`.

    Returns
    -------
    list
        In a stable order.
    """
    classes = _instances(shapes, [RDFS.Class])
    typed = _instances(shapes, _SHAPE_CLASSES)
    out = [s for s in found if any((s, p, None) in shapes for p in TARGETS) or (s in classes and s in typed)]
    return sorted(out, key=str)


def target_block(shapes: Graph, shape: URIRef | BNode) -> str:
    """A SPARQL group binding ``?focus`` to each focus node of ``shape`` (distinct).

    Parameters
    ----------
    shapes : rdflib.Graph
    shape : rdflib term
        A shape with targets (see :func:`targeted`).

    Returns
    -------
    str
        ``{ SELECT DISTINCT ?focus WHERE { … } }``.
    """
    subclass = f"{iri(RDF.type)}/{iri(RDFS.subClassOf)}*"
    classes = [_named(c, "sh:targetClass") for c in shapes.objects(shape, SH.targetClass)]
    if shape in _instances(shapes, [RDFS.Class]):
        classes.append(_named(shape, "implicit class target"))
    blocks = [f"{{ ?focus {subclass} {iri(c)} }}" for c in sorted(set(classes))]
    for p in sorted(_named(p, "sh:targetSubjectsOf") for p in shapes.objects(shape, SH.targetSubjectsOf)):
        blocks.append(f"{{ ?focus {iri(p)} ?any }}")
    for p in sorted(_named(p, "sh:targetObjectsOf") for p in shapes.objects(shape, SH.targetObjectsOf)):
        blocks.append(f"{{ ?any {iri(p)} ?focus }}")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if any(isinstance(n, BNode) for n in nodes):
        raise UnsupportedShapeError(f"sh:targetNode of {shape!r} is a blank node")
    if nodes:
        values = " ".join(sorted(str(for_checks(to_ox(n))) for n in nodes))
        blocks.append(f"{{ VALUES ?focus {{ {values} }} }}")
    return "{ SELECT DISTINCT ?focus WHERE { " + " UNION ".join(blocks) + " } }"


def _named(node: Node, what: str) -> URIRef:
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"{what}: {node!r} is not an IRI")
    return node


def path_sparql(shapes: Graph, node: Node) -> str:
    """The SPARQL property path of a SHACL path (SHACL 1.0 section 2.3.1), every kind of it.

    Parameters
    ----------
    shapes : rdflib.Graph
    node : rdflib term
        The value of ``sh:path`` (or a part of one).

    Returns
    -------
    str
        E.g. ``<p>``, ``(<p>/<q>)``, ``(<p>|<q>)``, ``^(<p>)``, ``(<p>)*``.

    Raises
    ------
    UnsupportedShapeError
        For a node that is no well-formed path (two kinds at once, a list of one, a cycle).
    """
    return _path(shapes, node, frozenset())


def _path(shapes: Graph, node: Node, seen: frozenset[Node]) -> str:
    if isinstance(node, URIRef):
        return iri(node)
    if not isinstance(node, BNode) or node in seen:
        raise UnsupportedShapeError(f"sh:path {node!r} is not a well-formed path")
    seen = seen | {node}
    keys = {p for p, _ in shapes.predicate_objects(node)} - {RDF.type}
    if keys <= {RDF.first, RDF.rest} and keys:
        steps = list_items(shapes, node, "sh:path")
        if len(steps) < 2:
            raise UnsupportedShapeError(f"sh:path {node!r}: a sequence needs two or more steps")
        return "(" + "/".join(_path(shapes, s, seen) for s in steps) + ")"
    if len(keys) != 1 or len(list(shapes.objects(node, next(iter(keys))))) != 1:
        raise UnsupportedShapeError(f"sh:path {node!r} is not a well-formed path")
    key = next(iter(keys))
    value = next(iter(shapes.objects(node, key)))
    if key == SH.alternativePath:
        steps = list_items(shapes, value, "sh:alternativePath")
        if len(steps) < 2:
            raise UnsupportedShapeError(f"sh:alternativePath {node!r} needs two or more paths")
        return "(" + "|".join(_path(shapes, s, seen) for s in steps) + ")"
    if isinstance(key, URIRef) and key in _PATH_OPERATORS:
        return _PATH_OPERATORS[key].format(_path(shapes, value, seen))
    raise UnsupportedShapeError(f"sh:path {node!r} uses {key}")
