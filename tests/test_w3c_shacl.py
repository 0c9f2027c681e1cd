"""The W3C SHACL core test suite run against the compiled SHACL engine, with no pySHACL fallback.

The suite (``tests/w3c/shacl/core``, copied from the W3C data-shapes repository; see
``tests/w3c/shacl/NOTICE.md`` for its origin and licence) gives for each test a data graph, a
shapes graph and the expected validation report. For each test in the subset the compiler claims
(:data:`IN_SUBSET`), the shapes are compiled with :func:`~ikg.graph.ingest.shacl_sparql.compile_shapes`
and run on the data as written with :func:`~ikg.graph.ingest.shacl_sparql.check_quads`; the
report's ``sh:conforms`` and its set of results, each as (focus node, path, constraint component,
value), must be the expected ones. Every other test (:data:`OUT_OF_SUBSET`, with the reason) uses
something the compiler does not translate and must make it raise
:class:`~ikg.graph.ingest.shacl_sparql.UnsupportedShapeError`: never pass in silence.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import SH

from ikg.graph.ingest.shacl_shapes import path_sparql
from ikg.graph.ingest.shacl_sparql import UnsupportedShapeError, check_quads, compile_shapes
from ikg.graph.terms import from_ox, to_ox

SUITE = Path(__file__).parent / "w3c" / "shacl" / "core"

#: tests whose shapes use only what the compiler translates, with what each exercises: they must
#: give the expected report
IN_SUBSET: dict[str, str] = {
    "misc/deactivated-001": "sh:deactivated on a property shape",
    "misc/deactivated-002": "sh:deactivated on a node shape",
    "misc/message-001": "sh:message (messages are not compared) with a node-level sh:datatype",
    "node/class-001": "node-level sh:class, sh:targetNode",
    "node/class-002": "node-level sh:class with rdfs:subClassOf",
    "node/class-003": "node-level sh:class, several classes, overlapping targets",
    "node/datatype-001": "node-level sh:datatype, sh:targetClass",
    "node/datatype-002": "node-level sh:datatype rdf:langString, literal focus nodes",
    "node/or-001": "sh:or of node shapes with sh:property/sh:minCount 1, implicit class target",
    "path/path-alternative-001": "sh:alternativePath, a top-level sh:PropertyShape",
    "path/path-complex-002": "a sequence of blank-node sh:inversePath steps",
    "path/path-inverse-001": "sh:inversePath",
    "path/path-oneOrMore-001": "sh:oneOrMorePath",
    "path/path-sequence-001": "sequence path",
    "path/path-sequence-002": "sequence path of three steps",
    "path/path-unused-001": "ill-formed paths no shape uses are passed over",
    "path/path-zeroOrMore-001": "sh:zeroOrMorePath",
    "path/path-zeroOrOne-001": "sh:zeroOrOnePath",
    "property/class-001": "sh:class",
    "property/datatype-001": "sh:datatype xsd:integer, an ill-formed literal",
    "property/datatype-002": "sh:datatype xsd:string against a language-tagged string and a number",
    "property/datatype-003": "sh:datatype inside sh:or",
    "property/datatype-ill-formed": 'ill-formed xsd:byte ("c", "300") as written, in an untyped property shape',
    "property/maxCount-001": "sh:maxCount 1",
    "property/maxCount-002": "sh:maxCount 0",
    "property/minCount-001": "sh:minCount 1",
    "property/minCount-002": "sh:minCount on a focus node that is not in the data",
    "property/or-001": "sh:or of sh:class and sh:datatype",
    "property/uniqueLang-001": "sh:uniqueLang true",
    "property/uniqueLang-002": 'sh:uniqueLang "1"^^xsd:boolean, which is not true: no check',
    "targets/targetClass-001": "sh:targetClass",
    "targets/targetNode-001": "sh:targetNode",
    "targets/targetObjectsOf-001": "sh:targetObjectsOf",
    "targets/targetSubjectsOf-001": "sh:targetSubjectsOf",
    "targets/targetSubjectsOf-002": "sh:targetSubjectsOf together with sh:targetClass",
}

#: tests that use what the compiler does not translate, with (some of) what that is: the compiler
#: must raise, and ikg would hand such shapes to pySHACL
OUT_OF_SUBSET: dict[str, str] = {
    "complex/personexample": "sh:closed, sh:nodeKind, sh:pattern",
    "complex/shacl-shacl": "the SHACL-for-SHACL shapes: sh:in, sh:node, sh:nodeKind, sh:xone ...",
    "misc/severity-001": "sh:severity",
    "misc/severity-002": "sh:nodeKind, sh:severity",
    "node/and-001": "sh:and",
    "node/and-002": "sh:and",
    "node/closed-001": "sh:closed",
    "node/closed-002": "sh:closed, sh:ignoredProperties",
    "node/disjoint-001": "sh:disjoint",
    "node/equals-001": "sh:equals",
    "node/hasValue-001": "sh:hasValue",
    "node/in-001": "sh:in",
    "node/languageIn-001": "sh:languageIn",
    "node/maxExclusive-001": "sh:maxExclusive",
    "node/maxInclusive-001": "sh:maxInclusive",
    "node/maxLength-001": "sh:maxLength",
    "node/minExclusive-001": "sh:minExclusive",
    "node/minInclusive-001": "sh:minInclusive",
    "node/minInclusive-002": "sh:minInclusive",
    "node/minInclusive-003": "sh:minInclusive",
    "node/minLength-001": "sh:minLength",
    "node/node-001": "sh:node",
    "node/nodeKind-001": "sh:nodeKind",
    "node/not-001": "sh:not",
    "node/not-002": "sh:not",
    "node/pattern-001": "sh:pattern",
    "node/pattern-002": "sh:pattern, sh:flags",
    "node/qualified-001": "sh:qualifiedValueShape, sh:qualifiedMinCount, sh:qualifiedMaxCount",
    "node/xone-001": "sh:xone",
    "node/xone-duplicate": "sh:xone",
    "path/path-complex-001": "sh:hasValue",
    "path/path-sequence-duplicate-001": "sh:nodeKind",
    "path/path-strange-001": "an ill-formed sh:path (a list and an sh:inversePath at once)",
    "path/path-strange-002": "an ill-formed sh:path (a list and an sh:inversePath at once)",
    "property/and-001": "sh:and",
    "property/disjoint-001": "sh:disjoint",
    "property/equals-001": "sh:equals",
    "property/hasValue-001": "sh:hasValue",
    "property/in-001": "sh:in",
    "property/languageIn-001": "sh:languageIn",
    "property/lessThan-001": "sh:lessThan",
    "property/lessThan-002": "sh:lessThan",
    "property/lessThanOrEquals-001": "sh:lessThanOrEquals",
    "property/maxExclusive-001": "sh:maxExclusive",
    "property/maxInclusive-001": "sh:maxInclusive",
    "property/maxLength-001": "sh:maxLength",
    "property/minExclusive-001": "sh:minExclusive",
    "property/minExclusive-002": "sh:minExclusive",
    "property/minLength-001": "sh:minLength",
    "property/node-001": "sh:node",
    "property/node-002": "sh:node",
    "property/nodeKind-001": "sh:nodeKind",
    "property/not-001": "sh:not",
    "property/or-datatypes-001": "sh:datatype rdf:HTML, whose lexical form is not checked",
    "property/pattern-001": "sh:pattern",
    "property/pattern-002": "sh:pattern, sh:flags",
    "property/property-001": "sh:property of a property shape (nested)",
    "property/qualifiedMinCountDisjoint-001": "sh:qualifiedValueShape, sh:qualifiedValueShapesDisjoint",
    "property/qualifiedValueShape-001": "sh:qualifiedValueShape, sh:node",
    "property/qualifiedValueShapesDisjoint-001": "sh:qualifiedValueShape, sh:qualifiedValueShapesDisjoint",
    "targets/multipleTargets-001": "sh:in",
    "targets/targetClassImplicit-001": "sh:in",
    "validation-reports/shared": "sh:property of a property shape (nested)",
}

_PREFIXES = """PREFIX mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#>
PREFIX sht: <http://www.w3.org/ns/shacl-test#> PREFIX sh: <http://www.w3.org/ns/shacl#>
"""

Result = tuple[str, str | None, str, str | None]


@cache
def _quads(path: Path) -> tuple[ox.Quad, ...]:
    """The triples of a Turtle file of the suite, literals as written (parsed once)."""
    return tuple(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


def _graph(path: Path) -> Graph:
    graph = Graph()
    for q in _quads(path):
        graph.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))  # type: ignore[arg-type]  # never None
    return graph


def _entries() -> dict[str, tuple[Path, Path, Path, ox.Term]]:
    """Test name (``folder/label``) to manifest file, data file, shapes file and expected report node."""
    out: dict[str, tuple[Path, Path, Path, ox.Term]] = {}
    for manifest in sorted(SUITE.glob("*/*.ttl")):
        store = ox.Store()
        store.bulk_extend(_quads(manifest))
        query = (
            _PREFIXES
            + "SELECT ?t ?data ?shapes ?report WHERE { ?t a sht:Validate ; mf:action [ sht:dataGraph ?data ; sht:shapesGraph ?shapes ] ; mf:result ?report }"
        )
        for row in store.query(query):  # type: ignore[union-attr]  # a SELECT query
            name = f"{manifest.parent.name}/{row['t'].value.rsplit('/', 1)[-1]}"
            data = Path(url2pathname(urlparse(row["data"].value).path))
            shapes = Path(url2pathname(urlparse(row["shapes"].value).path))
            out[name] = (manifest, data, shapes, row["report"])
    return out


def _expected(manifest: Path, report: ox.Term) -> tuple[bool, set[Result]]:
    """``sh:conforms`` and the results of the expected report."""
    graph = _graph(manifest)
    node = from_ox(report)
    conforms = graph.value(node, SH.conforms)
    results: set[Result] = set()
    for result in graph.objects(node, SH.result):
        path = graph.value(result, SH.resultPath)
        value = graph.value(result, SH.value)
        results.add(
            (
                str(to_ox(graph.value(result, SH.focusNode))),
                path_sparql(graph, path) if path is not None else None,
                str(graph.value(result, SH.sourceConstraintComponent)),
                str(to_ox(value)) if value is not None else None,
            )
        )
    return conforms is not None and conforms.toPython() is True, results


def _ours(data: Path, shapes: Path) -> tuple[bool, set[Result]]:
    checks = compile_shapes(_graph(shapes))
    found = check_quads(checks, _quads(data))
    results = {
        (str(v.node), v.check.path_text, v.check.component, str(v.value) if v.value is not None else None)
        for v in found
    }
    return not found, results


ENTRIES = _entries()


def test_every_suite_test_is_listed_once() -> None:
    """A new test in the suite must be put in or out of the subset, with its reason."""
    assert set(IN_SUBSET) | set(OUT_OF_SUBSET) == set(ENTRIES)
    assert not set(IN_SUBSET) & set(OUT_OF_SUBSET)
    assert len(ENTRIES) == 98


@pytest.mark.parametrize("name", sorted(IN_SUBSET))
def test_the_compiler_gives_the_expected_report(name: str) -> None:
    manifest, data, shapes, report = ENTRIES[name]
    assert _ours(data, shapes) == _expected(manifest, report)


@pytest.mark.parametrize("name", sorted(OUT_OF_SUBSET))
def test_what_the_compiler_does_not_translate_raises(name: str) -> None:
    _manifest, _data, shapes, _report = ENTRIES[name]
    with pytest.raises(UnsupportedShapeError):
        compile_shapes(_graph(shapes))
