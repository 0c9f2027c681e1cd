"""A real SPARQL client (SPARQLWrapper) against ``ikg``'s endpoint on 127.0.0.1."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, TURTLE, XML, SPARQLWrapper

from .live import backend, live_api

SELECT = (
    "PREFIX ikg: <https://w3id.org/ikg/ns#> PREFIX dcterms: <http://purl.org/dc/terms/> "
    "SELECT ?id WHERE { GRAPH <https://w3id.org/ikg/graph/mettmann-2015> { ?wg a ikg:WorkingGroup ; dcterms:identifier ?id } } ORDER BY ?id"
)
IDS = ["ag-bildung-wirtschaft", "ag-sprache", "ag-zusammenleben"]
CONSTRUCT = (
    "PREFIX ikg: <https://w3id.org/ikg/ns#> "
    "CONSTRUCT { ?wg a ikg:WorkingGroup } WHERE { GRAPH <https://w3id.org/ikg/graph/mettmann-2015> { ?wg a ikg:WorkingGroup } }"
)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with backend(tmp_path_factory.mktemp("wrapper")) as settings, live_api(settings) as url:
        yield url + "/sparql"


def _client(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_select_json(endpoint: str) -> None:
    result = _client(endpoint, SELECT, JSON).queryAndConvert()
    assert [b["id"]["value"] for b in result["results"]["bindings"]] == IDS


def test_select_xml(endpoint: str) -> None:
    doc = _client(endpoint, SELECT, XML).queryAndConvert()
    values = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert values == IDS


def test_select_csv(endpoint: str) -> None:
    text = _client(endpoint, SELECT, CSV).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["id"], *[[i] for i in IDS]]


def test_ask(endpoint: str) -> None:
    result = _client(endpoint, "ASK { ?s a <https://w3id.org/ikg/ns#Goal> }", JSON).queryAndConvert()
    assert result["boolean"] is True


@pytest.mark.parametrize(("fmt", "parse_as"), [(TURTLE, "turtle"), (JSONLD, "json-ld")])
def test_construct(endpoint: str, fmt: str, parse_as: str) -> None:
    client = _client(endpoint, CONSTRUCT, fmt)
    raw = client.query().response.read()
    graph = Graph().parse(data=raw, format=parse_as)
    assert len(graph) == 3


def test_post_method(endpoint: str) -> None:
    client = _client(endpoint, SELECT, JSON)
    client.setMethod("POST")
    result = client.queryAndConvert()
    assert len(result["results"]["bindings"]) == 3
