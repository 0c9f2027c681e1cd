"""The W3C SPARQL 1.1 Protocol tests (vendored in ``tests/w3c/protocol``) against ``/sparql``.

Every request of every test in the manifest is sent to a live server on 127.0.0.1, with the
test's graph data loaded first and the write token configured (updates are token-guarded).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from ikg.api.http.settings import Settings

from .live import backend, live_api

PROTOCOL = Path(__file__).parent / "w3c" / "protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
TOKEN = "w3c-token"


def _manifest() -> tuple[Graph, list]:
    g = Graph().parse(
        PROTOCOL / "manifest.ttl",
        publicID="http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl",
    )
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    return g, list(Collection(g, g.value(manifest, MF.entries)))


GRAPH, TESTS = _manifest()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    with backend(tmp_path_factory.mktemp("w3c"), timeout_s=10, seed=False) as settings:
        settings.write_token = TOKEN
        with live_api(settings) as url:
            yield url, settings


def _load(settings: Settings, test) -> None:
    blocks = []
    for data in GRAPH.objects(test, UT.graphData):
        name = str(GRAPH.value(data, RDFS.label))
        path = PROTOCOL / Path(str(GRAPH.value(data, UT.graph))).name
        triples = [
            ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        ]
        text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        blocks.append(f"GRAPH {ox.NamedNode(name)} {{ {text} }}")
    settings.backend.run_update("CLEAR ALL" + (" ; INSERT DATA { " + " ".join(blocks) + " }" if blocks else ""), None)


def _status_ok(status: int, expected: set[str]) -> bool:
    return f"StatusCode{status // 100}xx" in expected


@pytest.mark.parametrize("test", TESTS, ids=[str(t).rsplit("#", 1)[-1] for t in TESTS])
def test_protocol(server: tuple[str, Settings], test) -> None:
    url, settings = server
    _load(settings, test)
    action = GRAPH.value(test, MF.action)
    with httpx.Client(base_url=url, timeout=30) as client:
        for request in Collection(GRAPH, GRAPH.value(action, HT.requests)):
            method = str(GRAPH.value(request, HT.methodName))
            path = str(GRAPH.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
            headers = {"Authorization": f"Bearer {TOKEN}"}
            header_list = GRAPH.value(request, HT.headers)
            for h in Collection(GRAPH, header_list) if header_list else []:
                headers[str(GRAPH.value(h, HT.fieldName))] = str(GRAPH.value(h, HT.fieldValue))
            body = GRAPH.value(request, HT.body)
            content = None
            if body is not None:
                encoding = str(GRAPH.value(body, CNT.characterEncoding) or "UTF-8")
                content = str(GRAPH.value(body, CNT.chars)).encode(encoding)
            response = client.request(method, path, content=content, headers=headers)
            expected_response = GRAPH.value(request, HT.resp)
            expected = {str(s).rsplit("#", 1)[-1] for s in GRAPH.objects(expected_response, MF.expectedStatus)}
            assert _status_ok(response.status_code, expected), (method, path, response.status_code, response.text[:300])
            fmt = GRAPH.value(expected_response, MF.expectedFormat)
            content_type = response.headers.get("content-type", "")
            if fmt is not None and str(fmt) == "boolean":
                boolean = GRAPH.value(expected_response, MF.expectedBoolean)
                assert content_type.startswith("application/sparql-results+json")
                assert isinstance(response.json()["boolean"], bool)
                if boolean is not None:
                    assert response.json()["boolean"] is boolean.toPython(), response.text
            elif fmt is not None and str(fmt) == "tabular":
                assert content_type.split(";")[0] in (
                    "application/sparql-results+json",
                    "application/sparql-results+xml",
                    "text/csv",
                    "text/tab-separated-values",
                )
            elif fmt is not None and str(fmt) == "RDF":
                assert content_type.split(";")[0] in (
                    "text/turtle",
                    "application/n-triples",
                    "application/ld+json",
                    "application/rdf+xml",
                )
