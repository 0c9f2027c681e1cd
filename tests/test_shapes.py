"""The ontology and the SHACL shapes: both parse; each shape accepts a valid and rejects an invalid example."""

from __future__ import annotations

from typing import Any

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SH

from ikg.graph.ingest.validate import shacl_problems
from ikg.graph.resources import ontology_graph, shapes_graph

SHAPES = "https://w3id.org/ikg/shapes#"

PREFIXES = """
@prefix ikg: <https://w3id.org/ikg/ns#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix time: <http://www.w3.org/2006/time#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix at: <https://w3id.org/ikg/vocab/actor-type/> .
@prefix role: <https://w3id.org/ikg/vocab/role/> . @prefix ek: <https://w3id.org/ikg/vocab/event-kind/> .
@prefix : <https://example.org/k/> .
"""

#: One valid instance of every target class.
VALID = (
    PREFIXES
    + """
:src a ikg:Source ; rdfs:label "Ratsbeschluss S. 3" .
:k a ikg:IntegrationConcept ; dcterms:identifier "k" ; dcterms:title "Konzept"@de ; dcterms:issued "2015-06-30"^^xsd:date ;
   dcterms:publisher :stadt ; prov:wasRevisionOf :k0 ; prov:wasDerivedFrom :src .
:k0 a ikg:IntegrationConcept ; dcterms:identifier "k0" ; dcterms:title "Rahmenkonzept"@de ; dcterms:issued "2007"^^xsd:gYear ;
   prov:wasDerivedFrom :src .
:ort a ikg:Town ; skos:prefLabel "Velbert"@de .
:stadt a ikg:Actor , org:FormalOrganization ; skos:prefLabel "Stadt"@de ; org:classification at:administration ;
   ikg:locatedIn :ort ; prov:wasDerivedFrom :src .
:amt a ikg:Actor , org:OrganizationalUnit ; skos:prefLabel "Amt"@de ; org:classification at:administration ;
   org:unitOf :stadt ; prov:wasDerivedFrom :src .
:scheme a skos:ConceptScheme ; skos:prefLabel "Handlungsfelder"@de .
:sprache a ikg:ActionField , skos:Concept ; skos:prefLabel "Sprache"@de , "Language"@en ; skos:inScheme :scheme ;
   skos:notation "1" ; prov:wasDerivedFrom :src .
:vernetzung a ikg:CrossCuttingTask , skos:Concept ; skos:prefLabel "Vernetzung"@de ; skos:inScheme :scheme ;
   prov:wasDerivedFrom :src .
:ag a ikg:WorkingGroup , org:OrganizationalCollaboration ; skos:prefLabel "AG Sprache"@de ; org:purpose :sprache ;
   prov:wasDerivedFrom :src .
:m a org:Membership ; org:member :amt ; org:organization :ag ; org:role role:lead ; org:memberDuring :i ;
   prov:wasDerivedFrom :src .
:i a time:Interval ; time:hasBeginning :ib . :ib a time:Instant ; time:inXSDDate "2014-02-01"^^xsd:date .
:z a ikg:Goal ; skos:prefLabel "Sprachbildung"@de ; ikg:inActionField :sprache ; ikg:addressesTask :vernetzung ;
   ikg:formulatedBy :ag ; ikg:pursuedBy :amt ; prov:wasDerivedFrom :src .
:z2 a ikg:Goal ; skos:prefLabel "Sprachkurse"@de ; ikg:inActionField :sprache ; skos:broader :z ; prov:wasDerivedFrom :src .
:kz a ikg:Goal , ikg:ConceptGoal ; skos:prefLabel "Breiter Konsens"@de ; ikg:goalOf :k ; prov:wasDerivedFrom :src .
:coop a ikg:Cooperation ; ikg:partner :stadt , :amt ; ikg:since "2013"^^xsd:gYear ; prov:wasDerivedFrom :src .
:ind a ikg:Indicator ; skos:prefLabel "Anteil"@de ; rdf:value "26.5"^^xsd:decimal ; ikg:unit "%" ;
   dcterms:date "2014-12-31"^^xsd:date ; prov:wasDerivedFrom :src .
:ev a ikg:Event ; skos:prefLabel "Frist"@de ; dcterms:date "2015-06-30"^^xsd:date ; ikg:eventKind ek:deadline ;
   prov:wasDerivedFrom :src .
"""
)

#: Per shape: a SPARQL Update turning VALID into an example that violates exactly that shape.
INVALID: dict[str, str] = {
    "ConceptShape": "DELETE { :k dcterms:title ?t } WHERE { :k dcterms:title ?t }",
    "ActorShape": "DELETE { :stadt org:classification ?c } WHERE { :stadt org:classification ?c }",
    "WorkingGroupShape": "DELETE { :ag skos:prefLabel ?l } WHERE { :ag skos:prefLabel ?l }",
    "MembershipShape": "DELETE { :m org:organization ?o } WHERE { :m org:organization ?o }",
    "GoalShape": "INSERT DATA { :z ikg:formulatedBy :stadt }",
    "GoalActionFieldShape": "DELETE { :z2 ikg:inActionField ?f } WHERE { :z2 ikg:inActionField ?f }",
    "ActionFieldShape": "DELETE { :sprache skos:inScheme ?s } WHERE { :sprache skos:inScheme ?s }",
    "CooperationShape": "DELETE DATA { :coop ikg:partner :amt }",
    "IndicatorShape": 'DELETE DATA { :ind rdf:value "26.5"^^xsd:decimal } ; INSERT DATA { :ind rdf:value "26,5" }',
    "EventShape": 'DELETE DATA { :ev dcterms:date "2015-06-30"^^xsd:date } ; INSERT DATA { :ev dcterms:date "30.06.2015" }',
    "LabelLanguageShape": 'INSERT DATA { :ort skos:prefLabel "Velbert ohne Sprache" }',
    "ProvenanceShape": "DELETE { :ev prov:wasDerivedFrom ?s } WHERE { :ev prov:wasDerivedFrom ?s }",
}


def _valid() -> Graph:
    return Graph().parse(data=VALID, format="turtle")


def _violations(data: Graph) -> set[str]:
    combined = data + ontology_graph()
    _, report, _ = pyshacl.validate(combined, shacl_graph=shapes_graph(), inference="none")
    shapes: set[str] = set()
    sg = shapes_graph()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        # a property shape belongs to the node shape that lists it
        owner = next(sg.subjects(SH.property, source), source)
        shapes.add(str(owner).removeprefix(SHAPES))
    return shapes


def test_ontology_and_shapes_parse() -> None:
    onto, shapes = ontology_graph(), shapes_graph()
    assert (URIRef("https://w3id.org/ikg/ns"), RDF.type, OWL.Ontology) in onto
    assert len(list(shapes.subjects(RDF.type, SH.NodeShape))) == len(INVALID)


def test_every_constraint_has_a_german_and_an_english_message() -> None:
    sg = shapes_graph()
    constrained = set(sg.subjects(SH.property, None)) | set(sg.objects(None, SH.property))
    for shape in set(sg.objects(None, SH.property)) | {
        s for s in sg.subjects(RDF.type, SH.NodeShape) if (s, SH.message, None) in sg
    }:
        langs = {m.language for m in sg.objects(shape, SH.message)}
        assert langs == {"de", "en"}, shape
    assert constrained


def test_the_valid_example_conforms() -> None:
    assert _violations(_valid()) == set()
    assert shacl_problems(_valid()) == []


@pytest.mark.parametrize("shape", sorted(INVALID))
def test_each_shape_rejects_its_invalid_example(shape: str) -> None:
    data = _valid()
    data.update(PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n").replace(" . ", "\n") + INVALID[shape])
    assert _violations(data) == {shape}


def test_violations_carry_the_clerks_message() -> None:
    data = _valid()
    data.update(
        PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n").replace(" . ", "\n")
        + INVALID["GoalActionFieldShape"]
    )
    (problem,) = shacl_problems(data)
    assert "handlungsfelder" in problem.message("de")
    assert problem.message("en").startswith("A goal needs at least one action field")


#: Extra ways to break the valid example, each hitting a different kind of constraint.
MORE_INVALID: dict[str, str] = {
    "two titles in one language": 'INSERT DATA { :ort skos:prefLabel "Velbert Mitte"@de }',
    "ill-typed date": 'DELETE DATA { :ev dcterms:date "2015-06-30"^^xsd:date } ; '
    'INSERT DATA { :ev dcterms:date "30.06.2015"^^xsd:date }',
    "wrong class of a value": "INSERT DATA { :z ikg:pursuedBy :sprache }",
    "too many values": "INSERT DATA { :stadt org:classification at:school }",
    "a value of a subclass is fine": "INSERT DATA { :sub rdfs:subClassOf ikg:Actor . :x a :sub ; "
    'skos:prefLabel "X"@de ; org:classification at:school ; prov:wasDerivedFrom :src . :z ikg:pursuedBy :x }',
    "sequence path with a string": 'INSERT DATA { :ib2 a time:Instant ; time:inXSDDate "2014" . '
    ":i2 a time:Interval ; time:hasBeginning :ib2 . :m org:memberDuring :i2 }",
    "blank node focus": 'INSERT DATA { [] a ikg:Event ; skos:prefLabel "Ohne Datum"@de ; prov:wasDerivedFrom :src }',
    "several at once": "DELETE { :k dcterms:title ?t . :z2 ikg:inActionField ?f } "
    "WHERE { :k dcterms:title ?t . :z2 ikg:inActionField ?f } ; INSERT DATA { :coop ikg:partner :ort }",
}


def _key(problem: Any) -> str:
    import re

    text = repr((problem.code, problem.source, problem.row, problem.column, sorted(problem.args.items())))
    return re.sub(r"\[_:[^\]]*\]|\[[A-Za-z0-9]{20,}\]", "[_:b]", text)  # blank node ids differ


@pytest.mark.parametrize("case", sorted(INVALID) + sorted(MORE_INVALID))
def test_compiled_shapes_report_what_pyshacl_reports(case: str) -> None:
    """The default engine (shapes compiled to SPARQL, run in Oxigraph) against pySHACL, the reference."""
    data = _valid()
    update = INVALID.get(case) or MORE_INVALID[case]
    data.update(PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n").replace(" . ", "\n") + update)
    ours = shacl_problems(data, engine="sparql")
    reference = shacl_problems(data, engine="pyshacl")
    assert sorted(map(_key, ours)) == sorted(map(_key, reference))
    if case != "a value of a subclass is fine":
        assert ours


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        shacl_problems(_valid(), engine="jena")  # type: ignore[arg-type]


def test_unsupported_shapes_are_refused_by_the_compiler() -> None:
    from ikg.graph.ingest.shacl_sparql import UnsupportedShapeError, compile_shapes

    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern "^a" ] .""",
        format="turtle",
    )
    with pytest.raises(UnsupportedShapeError, match="pattern"):
        compile_shapes(shapes)


# --- regressions (issue 17): each of these passed silently before -----------------------------

_GENERIC = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <http://example.org/> .\n"
)


def _compiled_results(shapes: str, data: str) -> set[tuple[str, str | None]]:
    """(focus, value) of every result of the compiled ``shapes`` on ``data`` (Turtle, as written)."""
    import pyoxigraph as ox

    from ikg.graph.ingest.shacl_sparql import check_quads, compile_shapes

    checks = compile_shapes(Graph().parse(data=_GENERIC + shapes, format="turtle"))
    quads = list(ox.parse(_GENERIC + data, format=ox.RdfFormat.TURTLE))
    return {(v.focus, str(v.value) if v.value is not None else None) for v in check_quads(checks, quads)}


@pytest.mark.parametrize(
    "shapes",
    [
        "ex:S sh:targetNode ex:i ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",  # untyped node shape
        "ex:S a sh:PropertyShape ; sh:targetNode ex:i ; sh:path ex:p ; sh:minCount 1 .",  # top-level property shape
        "ex:S sh:targetNode ex:i ; sh:path ex:p ; sh:minCount 1 .",  # untyped property shape
        "ex:S sh:targetSubjectsOf ex:q ; sh:datatype xsd:integer .",  # untyped, node-level constraint
    ],
)
def test_a_shape_not_typed_sh_nodeshape_is_checked(shapes: str) -> None:
    assert _compiled_results(shapes, "ex:i ex:q 1 .") != set()


@pytest.mark.parametrize(
    "shapes",
    [
        "ex:S sh:targetNode ex:i ; sh:pattern 'x' .",
        "ex:S a sh:PropertyShape ; sh:targetNode ex:i ; sh:path ex:p ; sh:pattern 'x' .",
        "ex:S sh:targetNode ex:i ; sh:path ex:p ; sh:nodeKind sh:IRI .",
        "ex:S sh:targetClass ex:C ; sh:node ex:T . ex:T sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
    ],
)
def test_an_untyped_or_property_shape_the_compiler_does_not_know_raises(shapes: str) -> None:
    from ikg.graph.ingest.shacl_sparql import UnsupportedShapeError, compile_shapes

    with pytest.raises(UnsupportedShapeError):
        compile_shapes(Graph().parse(data=_GENERIC + shapes, format="turtle"))


@pytest.mark.parametrize(
    ("datatype", "value", "conforms"),
    [
        ("xsd:int", '"7"^^xsd:int', True),  # Oxigraph stores it as xsd:integer
        ("xsd:integer", '"7"^^xsd:int', False),
        ("xsd:decimal", '"+1.50"^^xsd:decimal', True),
        ("xsd:boolean", '"1"^^xsd:boolean', True),
        ("xsd:byte", '"c"^^xsd:byte', False),  # ill-formed
        ("xsd:byte", '"300"^^xsd:byte', False),  # out of range
        ("xsd:short", '"07"^^xsd:short', True),
        ("xsd:gYear", '"15"^^xsd:gYear', False),
        ("xsd:date", '"2015-02-29"^^xsd:date', False),
        ("xsd:date", '"2016-02-29"^^xsd:date', True),
        ("xsd:decimal", '"NaN"^^xsd:decimal', False),
        ("xsd:integer", '"1_000"^^xsd:integer', False),
    ],
)
def test_datatype_checks_see_the_literal_as_written(datatype: str, value: str, conforms: bool) -> None:
    shapes = f"ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:datatype {datatype} ] ."
    results = _compiled_results(shapes, f"ex:i ex:p {value} .")
    assert (results == set()) is conforms, results


def test_max_count_counts_distinct_terms_not_values() -> None:
    shapes = "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:maxCount 1 ] ."
    assert _compiled_results(shapes, 'ex:i ex:p "1.0"^^xsd:decimal , "1.00"^^xsd:decimal .') == {
        ("http://example.org/i", None)
    }


def test_an_indicator_with_two_spellings_of_one_number_is_refused() -> None:
    """ikg's own shapes: ``sh:maxCount 1`` on ``rdf:value``; the compiled engine agrees with pySHACL."""
    import pyoxigraph as ox

    text = VALID.replace('rdf:value "26.5"^^xsd:decimal', 'rdf:value "26.5"^^xsd:decimal , "26.50"^^xsd:decimal')
    quads = list(ox.parse(text, format=ox.RdfFormat.TURTLE))
    ours = shacl_problems(quads, engine="sparql")
    assert [p.column for p in ours] == ["value"]
    assert sorted(map(_key, ours)) == sorted(map(_key, shacl_problems(quads, engine="pyshacl")))


def test_ikgs_own_shapes_are_compiled_not_handed_to_pyshacl() -> None:
    from ikg.graph.ingest.validate import _compiled

    checks = _compiled()
    assert checks is not None
    assert {c.component.rsplit("#", 1)[1] for c in checks} == {
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
        "ClassConstraintComponent",
        "DatatypeConstraintComponent",
        "OrConstraintComponent",
        "UniqueLangConstraintComponent",
    }


_WELL_FORMED = {
    "boolean": ["true", "0"],
    "decimal": ["-1.50", ".5", "+7", "7."],
    "integer": ["-0", "0042"],
    "double": ["1e3", "-INF", "NaN", ".5E-2"],
    "date": ["2015-06-30", "-0044-03-15", "2016-02-29Z", "2015-06-30+14:00"],
    "dateTime": ["2015-06-30T24:00:00", "2015-06-30T12:00:00.5-05:00"],
    "gYear": ["2015", "12015", "2015Z"],
    "gYearMonth": ["2015-06"],
    "gMonthDay": ["--02-29"],
    "duration": ["P1Y2M", "PT1.5S", "-P3D"],
    "hexBinary": ["", "0aFF"],
    "base64Binary": ["", "QQ==", "QUJD"],
    "byte": ["-128", "127"],
    "unsignedLong": ["18446744073709551615"],
    "language": ["de", "en-GB"],
}
_ILL_FORMED = {
    "boolean": ["True", "yes"],
    "decimal": ["1e5", "NaN", " 7", "1,5", "."],
    "integer": ["1_000", "1.0", "", "٣"],
    "double": ["inf", "1e", "Infinity"],
    "date": ["2015-02-29", "2015-04-31", "15-06-30", "2015-6-30", "30.06.2015"],
    "dateTime": ["2015-06-30", "2015-06-30T25:00:00"],
    "gYear": ["15", "0000x"],
    "gYearMonth": ["2015-13"],
    "gMonthDay": ["--02-30"],
    "duration": ["P", "PT", "P1S"],
    "hexBinary": ["0", "zz"],
    "base64Binary": ["Q", "QQ="],
    "byte": ["128", "c"],
    "unsignedLong": ["-1", "18446744073709551616"],
    "language": ["deutschland", "de_DE", ""],
}


@pytest.mark.parametrize("datatype", sorted(_WELL_FORMED))
def test_lexical_forms_as_xml_schema_defines_them(datatype: str) -> None:
    """XML Schema 1.1 (rdflib's ``ill_typed`` differs: it takes ``1_000`` and ``NaN`` as numbers,
    checks no ``g*`` type, and refuses year ``-0044`` and ``24:00:00``, which XML Schema 1.1 allows)."""
    from rdflib.namespace import XSD

    from ikg.graph.ingest.shacl_lexical import well_formed

    for form in _WELL_FORMED[datatype]:
        assert well_formed(form, str(XSD[datatype])), form
    for form in _ILL_FORMED[datatype]:
        assert not well_formed(form, str(XSD[datatype])), form
