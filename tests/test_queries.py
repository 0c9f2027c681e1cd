"""The named query library and the safety scanner, on the shipped Mettmann data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ikg.api.formats.rows import FORMATS, cell_of, encode_rows
from ikg.graph.errors import InputError, NotFoundError, QueryError
from ikg.graph.ingest.importer import open_store
from ikg.graph.library.concat import concat_columns, sort_concat
from ikg.graph.library.named import bind_params, bind_query, get_query, library, parse_query_file, run_named
from ikg.graph.store.embedded import Store
from ikg.graph.store.sparql import run_select_or_ask
from ikg.graph.store.sparql_text import bind_values, check_safe, query_form, tokenize

GRAPH = "https://w3id.org/ikg/graph/mettmann-2015"


@pytest.fixture(scope="module")
def mettmann() -> Store:
    return open_store(":memory:")


def test_the_library_has_at_least_15_documented_queries() -> None:
    queries = library()
    assert len(queries) >= 15
    for q in queries.values():
        assert q.title["de"] and q.title["en"] and q.answers, q.name
        assert "ORDER BY" in q.text, q.name
        assert q.text.count("PREFIX") >= 1, q.name
        for p in q.params:
            assert p.example is not None and p.description, (q.name, p.name)


@pytest.mark.parametrize("name", sorted(library()))
def test_every_query_runs_with_its_example_parameters(mettmann: Store, name: str) -> None:
    names, rows = run_named(mettmann, name, get_query(name).example_params())
    assert names
    assert isinstance(rows, list)


def _param_sets(name: str) -> list[dict[str, str]]:
    """No parameters, the examples, and each concept given alone (the examples name Mettmann)."""
    q = get_query(name)
    sets = [{}, q.example_params()]
    if any(p.name == "concept" for p in q.params):
        sets += [q.example_params() | {"concept": c} for c in ("beispielkreis-2024", "mettmann-2015")]
    return sets


@pytest.mark.parametrize("name", sorted(library()))
def test_binding_inside_sub_selects_changes_no_answer(mettmann: Store, name: str) -> None:
    """``bind_query`` also binds sub-SELECTs that project a parameter: the rows must be those of the outer binding alone.

    The store holds both shipped concepts, so a sub-SELECT left to read every concept would show.
    """
    q = get_query(name)
    for raw in _param_sets(name):
        try:
            bound = bind_params(q, raw)
        except InputError:  # a required parameter missing
            continue
        plain = run_select_or_ask(mettmann, bind_values(q.text, bound))
        assert run_select_or_ask(mettmann, bind_query(q, bound)) == plain, (name, raw)


def test_bind_query_binds_only_sub_selects_that_project_the_variable() -> None:
    q = get_query("cooperations")
    text = bind_query(q, bind_params(q, {"concept": "mettmann-2015"}))
    block = "VALUES (?concept) { (<https://w3id.org/ikg/graph/mettmann-2015>) }"
    assert text.count(block) == 1 + 1 + 2 + 7  # the WHERE group, the sorting and the two pair sub-SELECTs, 7 patterns
    assert bind_query(q, {}) == q.text
    limited = q.text.replace("ORDER BY ?actor_a ?actor_b\n  }", "ORDER BY ?actor_a ?actor_b LIMIT 5\n  }")
    assert limited != q.text
    text = bind_query(type(q)(q.name, q.title, q.answers, q.params, limited), bind_params(q, {"concept": "x"}))
    assert text.count("VALUES (?concept)") == 1 + 2 + 7  # a sub-SELECT with LIMIT keeps all its rows


def test_cooperations_of_mettmann_and_beispielkreis(mettmann: Store) -> None:
    """Each pair once (smaller id first), ordered by concept, then the two ids; the same whether a concept is given."""
    _, rows = run_named(mettmann, "cooperations")
    got = [tuple("" if c is None else str(c) for c in r) for r in rows]
    assert got and got == sorted(got, key=lambda r: r[:3])
    assert all(a < b for _, a, b, *_ in got)
    assert len({r[:3] for r in got}) == len(got)
    per_concept = []
    for concept in ("beispielkreis-2024", "mettmann-2015"):
        _, part = run_named(mettmann, "cooperations", {"concept": concept})
        per_concept += [tuple("" if c is None else str(c) for c in r) for r in part]
    assert per_concept == got


def test_coverage_gaps_of_mettmann(mettmann: Store) -> None:
    names, rows = run_named(mettmann, "uncovered-fields-and-tasks", {"concept": "mettmann-2015"})
    got = [(str(r[names.index("kind")]), str(r[names.index("label")])) for r in rows]
    assert got == [("action_field", "Kultur"), ("action_field", "Sport")]


def test_timeline_of_mettmann(mettmann: Store) -> None:
    names, rows = run_named(mettmann, "timeline", {"lang": "en", "concept": "mettmann-2015"})
    got = [(str(r[names.index("date")]), str(r[names.index("kind")])) for r in rows]
    assert got == [
        ("2007", "publication"),
        ("2012", "application"),
        ("2012", "decision"),
        ("2015-05-11", "meeting"),
        ("2015-06-30", "deadline"),
    ]
    deadline = rows[-1]
    assert str(deadline[names.index("actors")]).split(" | ") in (
        ["kreis-mettmann", "mais-nrw"],
        ["mais-nrw", "kreis-mettmann"],
    )


def test_action_fields_counts(mettmann: Store) -> None:
    names, rows = run_named(mettmann, "action-fields", {})
    counts = {
        str(r[names.index("label")]): (int(r[names.index("goals")]), int(r[names.index("working_groups")]))
        for r in rows
    }
    assert counts == {
        "Bildung/Ausbildung": (2, 1),
        "Kultur": (0, 0),
        "Sport": (0, 0),
        "Sprache": (3, 1),
        "Wirtschaft/Arbeit": (3, 1),
        "Zusammenleben in Sicherheit": (3, 1),
    }


def test_actor_involvement_and_language(mettmann: Store) -> None:
    names, rows = run_named(mettmann, "actor-involvement", {"actor_id": "schulen", "lang": "en"})
    assert {(str(r[names.index("relation")]), str(r[names.index("item_id")])) for r in rows} == {
        ("concerned_by", "z-uebergang-schule-beruf"),
        ("concerned_by", "z-schulen-rassismus-extremismus"),
    }
    assert "Supporting work at schools on racism and extremism" in {str(r[names.index("label")]) for r in rows}


def test_parameters_are_checked() -> None:
    q = get_query("wg-members")
    with pytest.raises(InputError, match="missing parameter wg_id"):
        bind_params(q, {})
    with pytest.raises(InputError, match="unknown parameter 'wg'"):
        bind_params(q, {"wg": "x", "wg_id": "ag-sprache"})
    with pytest.raises(InputError, match="not a valid lang"):
        bind_params(get_query("timeline"), {"lang": "fr"})
    with pytest.raises(InputError, match="not a valid iri"):
        bind_params(get_query("provenance"), {"resource": "not an iri"})


def test_a_hostile_parameter_is_data_not_query(mettmann: Store) -> None:
    before = len(mettmann)
    hostile = 'ag-sprache" } } ; DROP ALL ; SELECT * { ?s ?p "'
    with pytest.raises(NotFoundError, match="no working group with this id"):  # checked as data first
        run_named(mettmann, "wg-members", {"wg_id": hostile})
    _, rows = run_named(mettmann, "wg-members", {"wg_id": hostile}, check=False)
    assert rows == []
    assert len(mettmann) == before


#: a row of every kind of term: IRI, blank node, plain, language-tagged, integer, decimal (written
#: with a trailing zero, which the store drops), double, boolean, date, unbound, GROUP_CONCAT
_MIX = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?iri ?blank ?plain ?tagged ?integer ?decimal ?double ?boolean ?date ?unbound ?ids WHERE {
  { SELECT ?iri ?blank (GROUP_CONCAT(?id; separator=" | ") AS ?ids)
    WHERE { GRAPH ?g { ?iri <urn:ex:node> ?blank . ?blank <urn:ex:id> ?id } } GROUP BY ?iri ?blank }
  VALUES (?iri ?plain ?tagged ?integer ?decimal ?double ?boolean ?date) {
    (<urn:ex:a> "AG Sprache; Kita" "=HYPERLINK(\\"http://x\\",\\"y\\")"@de 1234567 0.4120 2.5e0 true "2015-06-30"^^xsd:date)
    (<urn:ex:b> "Sag \\"hallo\\"\\nzweite Zeile" "Ölmühle | Velbert"@en -5 "-26.50"^^xsd:decimal "1E3"^^xsd:double
     "0"^^xsd:boolean "2014-12-31"^^xsd:date)
    (<urn:ex:c> UNDEF UNDEF UNDEF UNDEF UNDEF UNDEF UNDEF)
  }
  OPTIONAL { ?iri <urn:ex:nothing> ?unbound }
} ORDER BY ?iri"""
_MIX_DATA = """<urn:ex:a> <urn:ex:node> _:x . _:x <urn:ex:id> "c", "a", "b" .
<urn:ex:b> <urn:ex:node> _:y . _:y <urn:ex:id> "z" .
<urn:ex:c> <urn:ex:node> _:z . _:z <urn:ex:id> "m", "k" ."""


@pytest.fixture(scope="module")
def mix() -> Store:
    store = Store(":memory:")
    store.replace_graph("urn:ex:g", ox.parse(_MIX_DATA, format=ox.RdfFormat.TURTLE))
    return store


def _mix_rows(store: Store, terms: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    names, rows = run_select_or_ask(store, _MIX, terms=terms)
    return names, sort_concat(names, rows, concat_columns(_MIX))


def test_rows_of_pyoxigraph_terms_are_written_as_those_of_rdflib_terms(mix: Store) -> None:
    """``ikg query`` writes the store's pyoxigraph terms (no rdflib import): every format, byte for byte."""
    names, rdf = _mix_rows(mix, "rdflib")
    assert _mix_rows(mix, "ox")[0] == names
    ox_rows = _mix_rows(mix, "ox")[1]
    assert len(rdf) == len(ox_rows) == 3
    assert all(isinstance(t, URIRef | BNode | Literal) for row in rdf for t in row if t is not None)
    assert all(isinstance(t, ox.NamedNode | ox.BlankNode | ox.Literal) for row in ox_rows for t in row if t is not None)
    assert [row[-1].value for row in ox_rows] == ["a | b | c", "z", "k | m"]  # GROUP_CONCAT sorted in both
    assert [str(row[-1]) for row in rdf] == ["a | b | c", "z", "k | m"]
    cells = [cell_of(t) for t in ox_rows[0]]
    assert cells[2:] == [
        "AG Sprache; Kita",
        '=HYPERLINK("http://x","y")',
        1234567,
        Decimal("0.412"),
        2.5,
        True,
        dt.date(2015, 6, 30),
        None,
        "a | b | c",
    ]
    assert cells[0] == "urn:ex:a" and str(cells[1]).startswith("_:")
    assert [[cell_of(t) for t in row] for row in ox_rows] == [[cell_of(t) for t in row] for row in rdf]
    for fmt in FORMATS:
        for lang in ("de", "en"):
            written = encode_rows(names, ox_rows, fmt, lang, "mix")
            assert written == encode_rows(names, rdf, fmt, lang, "mix"), (fmt, lang)


@pytest.mark.parametrize(("text", "answer"), [("ASK {}", True), ("ASK { ?s <urn:ex:nothing> ?o }", False)])
def test_ask_gives_a_boolean_literal_of_either_kind(mix: Store, text: str, answer: bool) -> None:
    lexical = "true" if answer else "false"
    boolean = ox.Literal(lexical, datatype=ox.NamedNode(str(XSD.boolean)))
    assert run_select_or_ask(mix, text, terms="ox") == (["ask"], [(boolean,)])
    assert run_select_or_ask(mix, text) == (["ask"], [(Literal(answer, datatype=XSD.boolean),)])
    for fmt in FORMATS:
        for lang in ("de", "en"):
            ox_bytes = encode_rows(["ask"], [(boolean,)], fmt, lang)
            assert ox_bytes == encode_rows(*run_select_or_ask(mix, text), fmt, lang), (fmt, lang)


@pytest.mark.parametrize("name", sorted(library()))
def test_a_named_query_gives_the_same_output_with_either_kind_of_terms(mettmann: Store, name: str) -> None:
    q = get_query(name)
    for raw in _param_sets(name):
        try:
            rdf = run_named(mettmann, name, raw)
        except (InputError, NotFoundError):  # a required parameter missing, an id of the other concept
            continue
        ox_names, ox_rows = run_named(mettmann, name, raw, terms="ox")
        assert ox_names == rdf[0]
        assert all(isinstance(t, ox.NamedNode | ox.BlankNode | ox.Literal) for row in ox_rows for t in row if t)
        for fmt in FORMATS:
            for lang in ("de", "en"):
                written = encode_rows(ox_names, ox_rows, fmt, lang, q.name)
                assert written == encode_rows(*rdf, fmt, lang, q.name), (raw, fmt, lang)


def test_parameters_are_bound_as_pyoxigraph_terms() -> None:
    q = parse_query_file(
        "x",
        "# title@de: T\n# title@en: T\n# param d (date, required): d\n# param n (integer, required): n\n"
        "# param c (concept, required): c\n# param i (iri, required): i\n# param s (string, required): s\n"
        "SELECT ?d {}",
    )
    bound = bind_params(q, {"d": "30.06.2015", "n": "+007", "c": "mettmann-2015", "i": "urn:x", "s": "AG"})
    assert bound == {
        "d": ox.Literal("2015-06-30", datatype=ox.NamedNode(str(XSD.date))),
        "n": ox.Literal("7", datatype=ox.NamedNode(str(XSD.integer))),
        "c": ox.NamedNode(GRAPH),
        "i": ox.NamedNode("urn:x"),
        "s": ox.Literal("AG"),
    }


@pytest.mark.parametrize("term", [Literal('a"\n}\\'), ox.Literal('a"\n}\\')], ids=["rdflib", "pyoxigraph"])
def test_bound_values_are_escaped(term: Any) -> None:
    text = bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"o": term})
    assert 'VALUES (?o) { ("a\\"\\n}\\\\") }' in text


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "select * { { select * { service silent <http://x/> { ?s ?p ?o } } } }",
        "SELECT * { OPTIONAL { SeRvIcE <http://x/> { ?s ?p ?o } } }",
        "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
        "SELECT * {\n#comment\nSERVICE\n<http://x/> { } }",
        "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
        "PREFIX f: <file:///etc/> SELECT * FROM NAMED f:passwd { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "load silent <file:///etc/passwd> into graph <http://g>",
        "INSERT { ?s ?p ?o } USING <http://elsewhere/> WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        "DELETE { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    ],
)
def test_refused_everywhere(text: str) -> None:
    with pytest.raises(QueryError, match="refused"):
        check_safe(text, [GRAPH])
    with pytest.raises(QueryError, match="refused"):  # again: the remembered tokens are checked again
        check_safe(text, [GRAPH])


def test_each_scan_of_a_remembered_text_gives_a_list_of_its_own() -> None:
    """The tokens of a short text are remembered; a caller changing its list changes no other's."""
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    first = tokenize(text)
    first.clear()
    again = tokenize(text)
    assert [t.text for t in again] == ["SELECT", "?s", "WHERE", "{", "?s", "?p", "?o", "}"]
    assert again is not tokenize(text)
    with pytest.raises(QueryError, match=r"unexpected|Zeichen|character"):
        tokenize("SELECT ?s WHERE { ?s ?p ?o } \x00")
    with pytest.raises(QueryError):  # an error is not remembered as an answer
        tokenize("SELECT ?s WHERE { ?s ?p ?o } \x00")


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE LOAD FROM" }',
        "SELECT * { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://x/>",
        "PREFIX ex: <http://example.org/> SELECT ?service { ?service ex:LOAD ?from }",
        f"SELECT * FROM <{GRAPH}> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
)
def test_allowed(text: str) -> None:
    check_safe(text, [GRAPH])


def test_query_form() -> None:
    assert query_form(tokenize("BASE <http://a/> PREFIX x: <http://b/> ask {}")) == "ASK"
    assert query_form(tokenize("DESCRIBE <http://a>")) == "DESCRIBE"
    assert query_form(tokenize("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")) == "UPDATE"
