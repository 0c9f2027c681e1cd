"""The named query library and the safety scanner, on the shipped Mettmann data."""

from __future__ import annotations

import pytest
from rdflib import Literal

from ikg.graph.errors import InputError, NotFoundError, QueryError
from ikg.graph.ingest.importer import open_store
from ikg.graph.library.named import bind_params, get_query, library, run_named
from ikg.graph.store.embedded import Store
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


def test_bound_values_are_escaped() -> None:
    text = bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"o": Literal('a"\n}\\')})
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
