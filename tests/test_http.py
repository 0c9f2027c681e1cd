"""The HTTP API against real servers on 127.0.0.1: protocol, formats, safety, deadline, token."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from ikg.api.http.settings import Settings

from .live import backend, live_api

TOKEN = "s3cret-token"
ASK_WG = "ASK { ?wg a <https://w3id.org/ikg/ns#WorkingGroup> }"
SELECT_WG = (
    "PREFIX ikg: <https://w3id.org/ikg/ns#> PREFIX dcterms: <http://purl.org/dc/terms/> "
    "SELECT ?id WHERE { GRAPH <https://w3id.org/ikg/graph/mettmann-2015> { ?wg a ikg:WorkingGroup ; dcterms:identifier ?id } } ORDER BY ?id"
)
WG_IDS = ["ag-bildung-wirtschaft", "ag-sprache", "ag-zusammenleben"]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    with backend(tmp_path_factory.mktemp("api"), timeout_s=3) as settings:
        settings.write_token = TOKEN
        settings.max_rows = 500
        settings.max_body = 20_000
        with live_api(settings) as url:
            yield url, settings


@pytest.fixture
def client(api: tuple[str, object]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api[0], timeout=30) as c:
        yield c


def _rows(response: httpx.Response, fmt: ox.QueryResultsFormat) -> list[str]:
    results = ox.parse_query_results(response.content, format=fmt)
    return [sol["id"].value for sol in results]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/csv", ox.QueryResultsFormat.CSV),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_in_every_format(client: httpx.Client, accept: str, fmt: ox.QueryResultsFormat) -> None:
    r = client.get("/sparql", params={"query": SELECT_WG}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(accept)
    if fmt in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV):
        lines = r.text.strip().splitlines()
        assert [line.strip().strip('"') for line in lines[1:]] == WG_IDS
    else:
        assert _rows(r, fmt) == WG_IDS


def test_accept_with_q_values_and_format_parameter(client: httpx.Client) -> None:
    r = client.get(
        "/sparql",
        params={"query": SELECT_WG},
        headers={"Accept": "text/csv;q=0.4, application/sparql-results+xml;q=0.9"},
    )
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    r = client.get("/sparql", params={"query": SELECT_WG, "format": "tsv"}, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    r = client.get("/sparql", params={"query": SELECT_WG}, headers={"Accept": "text/html"})
    assert r.status_code == 406


def test_post_form_and_post_direct(client: httpx.Client) -> None:
    form = client.post("/sparql", data={"query": ASK_WG}, headers={"Accept": "application/sparql-results+json"})
    assert form.status_code == 200 and form.json()["boolean"] is True
    direct = client.post("/sparql", content=ASK_WG, headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 200 and direct.json()["boolean"] is True
    wrong = client.post("/sparql", content=ASK_WG, headers={"Content-Type": "text/plain"})
    assert wrong.status_code == 415


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_in_every_format(client: httpx.Client, accept: str, fmt: ox.RdfFormat) -> None:
    q = "CONSTRUCT { ?wg a <https://w3id.org/ikg/ns#WorkingGroup> } WHERE { GRAPH <https://w3id.org/ikg/graph/mettmann-2015> { ?wg a <https://w3id.org/ikg/ns#WorkingGroup> } }"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert len(list(ox.parse(r.content, format=fmt))) == 3


def test_syntax_error_is_400_with_the_parsers_message(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert r.status_code == 400
    assert "expected" in r.text or "error" in r.text.lower()
    assert "Traceback" not in r.text and "/work" not in r.text


def test_service_description(client: httpx.Client) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    names = {t.object.value for t in triples if t.predicate.value.endswith("#name")}
    assert "https://w3id.org/ikg/graph/mettmann-2015" in names


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on 127.0.0.1 that records every connection it gets."""
    received: list[bytes] = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                received.append(conn.recv(4096))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1], received
    stop.set()
    thread.join(timeout=2)
    sock.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ service silent <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
        "ASK {{ FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
    ],
)
def test_service_is_refused_and_nothing_is_called(client: httpx.Client, listener, template: str) -> None:
    port, received = listener
    r = client.get("/sparql", params={"query": template.format(port=port)})
    assert r.status_code == 400 and "SERVICE is refused" in r.text
    time.sleep(0.3)
    assert received == []


def test_from_file_and_load_are_refused(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "refused" in r.text
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    r = client.post("/sparql", content="LOAD <file:///etc/passwd>", headers=auth)
    assert r.status_code == 400 and "LOAD is refused" in r.text


def test_update_needs_the_token(client: httpx.Client) -> None:
    update = "INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/p> 1 } }"
    headers = {"Content-Type": "application/sparql-update"}
    assert client.post("/sparql", content=update, headers=headers).status_code == 401
    assert (
        client.post("/sparql", content=update, headers={**headers, "Authorization": "Bearer wrong"}).status_code == 403
    )
    assert client.get("/sparql", params={"update": update}).status_code == 405
    ask = "ASK { GRAPH <https://example.org/g> { ?s ?p ?o } }"
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is False
    ok = client.post("/sparql", content=update, headers={**headers, "Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 204
    assert client.get("/sparql", params={"query": ask}).json()["boolean"] is True
    drop = client.post(
        "/sparql", data={"update": "DROP GRAPH <https://example.org/g>"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert drop.status_code == 204


def test_row_cap_is_signalled_not_cut(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "more than 500 rows" in r.text
    assert client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"}).status_code == 200


def test_body_cap(client: httpx.Client) -> None:
    big = "ASK {} #" + "x" * 30_000
    r = client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def _cpu_seconds_of_workers(root: Path) -> float:
    """CPU time of the running engine processes on snapshots under ``root``."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if b"ikg.graph.store.engine.worker" in cmdline and str(root).encode() in cmdline:
            fields = text.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / 100


def test_deadline_stops_a_runaway_query_while_others_are_served(api, client: httpx.Client) -> None:
    settings = api[1]
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    outcome: dict[str, object] = {}
    killed_before = settings.backend.killed

    def heavy() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=client.base_url, timeout=60) as c:
            outcome["heavy"] = c.get("/sparql", params={"query": runaway})
        outcome["heavy_s"] = time.monotonic() - started

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    small = client.get("/sparql", params={"query": ASK_WG})
    small_s = time.monotonic() - started
    thread.join(timeout=60)
    assert small.status_code == 200 and small.json()["boolean"] is True
    assert small_s < 2.0
    heavy_response = outcome["heavy"]
    assert isinstance(heavy_response, httpx.Response)
    assert heavy_response.status_code == 503 and "deadline of 3 s" in heavy_response.text
    assert 2.9 <= float(outcome["heavy_s"]) < 6  # type: ignore[arg-type]
    assert settings.backend.killed == killed_before + 1
    # the work really stopped: no worker burns CPU afterwards
    root = settings.backend.root
    before = _cpu_seconds_of_workers(root)
    time.sleep(1.0)
    assert _cpu_seconds_of_workers(root) - before < 0.2
    # and the pool goes on answering
    assert client.get("/sparql", params={"query": ASK_WG}).status_code == 200


def test_named_queries_over_http(client: httpx.Client) -> None:
    listing = client.get("/queries").json()
    assert len(listing) >= 15 and {"name", "title", "params"} <= set(listing[0])
    r = client.get(
        "/queries/uncovered-fields-and-tasks",
        params={"concept": "mettmann-2015"},
        headers={"Accept": "application/sparql-results+json"},
    )
    labels = [b["label"]["value"] for b in r.json()["results"]["bindings"]]
    assert labels == ["Kultur", "Sport"]
    csv = client.get("/queries/wg-members", params={"wg_id": "ag-sprache", "format": "csv"})
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("concept,actor")
    assert client.get("/queries/wg-members").status_code == 400
    assert client.get("/queries/nope").status_code == 404
    bad = client.get("/queries/timeline", params={"lang": "fr"})
    assert bad.status_code == 400 and "lang" in bad.text


def test_index_and_openapi(client: httpx.Client) -> None:
    index = client.get("/api").json()
    assert [c["id"] for c in index["concepts"]] == ["beispielkreis-2024", "mettmann-2015"]
    assert index["read_only"] is False
    schema = client.get("/openapi.json").json()
    assert "/sparql" in schema["paths"] and "/queries/{name}" in schema["paths"]
    assert client.get("/docs").status_code == 200
    json.dumps(schema)


def test_import_through_the_running_server(api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """While ``ikg serve`` holds the store, imports go through its endpoint with the token."""
    from ikg.graph.errors import StoreError
    from ikg.graph.ingest.importer import import_spreadsheet
    from ikg.graph.store.remote import RemoteStore

    from .conftest import write_csv_set

    url = api[0]
    monkeypatch.setenv("IKG_WRITE_TOKEN", "wrong")
    with RemoteStore(url + "/sparql") as wrong, pytest.raises(StoreError, match="403"):
        import_spreadsheet(wrong, write_csv_set(tmp_path / "klein"))
    monkeypatch.setenv("IKG_WRITE_TOKEN", TOKEN)
    with RemoteStore(url + "/sparql") as remote:
        result = import_spreadsheet(remote, write_csv_set(tmp_path / "klein"))
        assert result.change.added > 0
        r = httpx.get(
            url + "/queries/wg-members", params={"wg_id": "ag-sprache", "concept": "kleinstadt-2020", "format": "csv"}
        )
        assert sorted(line.split(",")[2] for line in r.text.splitlines()[1:]) == ["ki", "verein"]
        assert remote.drop_graph("https://w3id.org/ikg/graph/kleinstadt-2020") > 0
