"""The engine process: confined (no sockets), isolated (a crash takes only itself), fail-closed.

Each guarantee is shown with a control: the same text in an *unconfined* engine does reach the
listener, so the tests would notice if the confinement stopped working. The differential fuzz
test runs many token soups through both.
"""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ikg.graph.store.engine import sandbox
from ikg.graph.store.engine.process import EngineError, start_engine

from .live import backend, live_api
from .servers import Listener

TOKEN = "s3cret-token"
REQUEST = {"results": "application/sparql-results+json", "graph": "application/n-triples", "max_rows": 1000}


@pytest.fixture
def listener() -> Iterator[Listener]:
    box = Listener()
    yield box
    box.close()


def test_a_confined_process_can_open_no_socket(listener: Listener) -> None:
    probe = f"""
import socket, sys
from ikg.graph.store.engine.sandbox import confine
if sys.argv[1] == "confine":
    print(confine())
for family in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
    try:
        socket.socket(family, socket.SOCK_STREAM).close()
        print("open", family.name)
    except OSError as exc:
        print("refused", family.name, exc.errno)
try:
    socket.create_connection(("127.0.0.1", {listener.port}), timeout=2).close()
    print("connected")
except OSError:
    print("no connection")
try:
    socket.getaddrinfo("example.org", 80)
    print("resolved")
except OSError:
    print("no name lookup")
"""
    confined = subprocess.run([sys.executable, "-c", probe, "confine"], capture_output=True, text=True, timeout=60)
    assert confined.returncode == 0, confined.stderr
    lines = confined.stdout.splitlines()
    assert lines[0] == sandbox.LAYER
    assert lines[1:] == [
        "refused AF_INET 13",
        "refused AF_INET6 13",
        "refused AF_UNIX 13",
        "no connection",
        "no name lookup",
    ]
    time.sleep(0.2)
    assert listener.hits == []
    control = subprocess.run([sys.executable, "-c", probe, "open"], capture_output=True, text=True, timeout=60)
    assert "open AF_INET" in control.stdout and "connected" in control.stdout  # the probe can tell
    time.sleep(0.2)
    assert listener.hits


def test_service_and_load_fail_in_the_engine_without_any_scan(listener: Listener) -> None:
    """The engine is handed the text directly (no ikg check in front): nothing leaves it."""
    texts = [
        ("query", f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/a> {{ ?s ?p ?o }} }}"),
        ("query", f"ASK {{ FILTER(''<'>') SERVICE <http://127.0.0.1:{listener.port}/b> {{ ?s ?p ?o }} # '\n}}"),
        ("update", f"LOAD <http://127.0.0.1:{listener.port}/c>"),
        ("update", f"LOAD <http://localhost:{listener.port}/d> INTO GRAPH <urn:g>"),
    ]
    engine = start_engine(":memory:", writable=True)
    try:
        for op, text in texts:
            with pytest.raises(EngineError) as caught:
                engine.run({**REQUEST, "op": op, "text": text}, 10, 1 << 20)
            assert caught.value.code == "network", (text, caught.value)
            assert "network" in str(caught.value)
    finally:
        engine.kill()
    time.sleep(0.3)
    assert listener.hits == []
    control = start_engine(":memory:", writable=True, confined=False)
    try:
        for op, text in texts[:3]:
            with contextlib.suppress(EngineError):
                control.run({**REQUEST, "op": op, "text": text}, 10, 1 << 20)
    finally:
        control.kill()
    time.sleep(0.3)
    assert {"/a", "/b", "/c"} <= listener.paths()  # unconfined, the same texts do call out


def test_a_text_that_crashes_the_engine_takes_only_the_engine() -> None:
    engine = start_engine(":memory:", writable=True)
    nested = "SELECT * WHERE " + "{" * 50_000 + "}" * 50_000
    with pytest.raises(EngineError) as caught:
        engine.run({**REQUEST, "op": "query", "text": nested}, 30, 1 << 20)
    assert caught.value.code == "crashed" and not engine.alive()
    again = start_engine(":memory:")
    try:
        assert again.run({**REQUEST, "op": "query", "text": "ASK {}"}, 10, 1024).body
    finally:
        again.kill()


def test_a_crashing_update_past_the_scan_leaves_the_server_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if the nesting limit were gone, an update that kills the writer does not end the server."""
    from ikg.graph.store import sparql_text

    monkeypatch.setattr(sparql_text, "MAX_NESTING", 10**9)
    with backend(tmp_path, seed=False) as settings:
        settings.write_token = TOKEN
        with live_api(settings) as url, httpx.Client(base_url=url, timeout=120) as c:
            auth = {"Authorization": f"Bearer {TOKEN}"}
            crash = "INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + "{" * 50_000 + "}" * 50_000
            r = c.post("/sparql", content=crash, headers={"Content-Type": "application/sparql-update", **auth})
            assert r.status_code == 400 and "stopped" in r.text, r.text
            ok = c.post("/sparql", data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }"}, headers=auth)
            assert ok.status_code == 204
            assert c.get("/sparql", params={"query": "ASK { GRAPH <urn:g> { ?s ?p 1 } }"}).json()["boolean"] is True


def test_without_a_sandbox_only_ikg_s_own_queries_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "unavailable_reason", lambda: "seccomp is switched off for this test")
    with backend(tmp_path, seed=True) as settings:
        settings.write_token = TOKEN
        assert settings.backend.refusal and not settings.backend.confined
        with live_api(settings) as url, httpx.Client(base_url=url, timeout=60) as c:
            r = c.get("/sparql", params={"query": "ASK {}"})
            assert r.status_code == 503 and "IKG_ALLOW_UNCONFINED" in r.text and "switched off" in r.text
            u = c.post("/sparql", data={"update": "CLEAR ALL"}, headers={"Authorization": f"Bearer {TOKEN}"})
            assert u.status_code == 503
            named = c.get("/queries/working-groups", params={"concept": "mettmann-2015"})
            assert named.status_code == 200 and "ag-sprache" in named.text
    from ikg.graph.errors import StoreError
    from ikg.graph.store.embedded import Store
    from ikg.graph.store.sparql import run_user_select_or_ask

    with pytest.raises(StoreError, match="IKG_ALLOW_UNCONFINED"):
        run_user_select_or_ask(Store(":memory:"), "ASK {}")
    monkeypatch.setenv("IKG_ALLOW_UNCONFINED", "1")
    assert run_user_select_or_ask(Store(":memory:"), "ASK { ?s ?p ?o }")[1][0][0].toPython() is False


def test_the_user_opts_out_explicitly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ikg.api.http.backends import PooledBackend
    from ikg.graph.ingest.importer import open_store

    monkeypatch.setattr(sandbox, "unavailable_reason", lambda: "seccomp is switched off for this test")
    pooled = PooledBackend(open_store(tmp_path / "store", seed=False), allow_unconfined=True)
    try:
        assert pooled.refusal is None and pooled.sandbox == "none"
    finally:
        pooled.close()


# -- the differential fuzz test --------------------------------------------------------------------

PIECES = [
    "SELECT * WHERE {",
    "ASK {",
    "ASK WHERE {",
    "{",
    "}",
    "}",
    "SERVICE",
    "SERVICE SILENT",
    "service",
    "SeRvIcE",
    "LOAD",
    "LOAD SILENT",
    "load",
    "IRI",
    "IRI",
    "'",
    '"',
    "'''",
    '"""',
    "<",
    ">",
    "<'>",
    "'>'",
    "''",
    "'<'",
    "#",
    "# '",
    '# "',
    "\n",
    "FILTER(",
    ")",
    "?s ?p ?o",
    "OPTIONAL {",
    "\\u0053ERVICE",
    "\\'",
    "\\\\",
    ";",
    "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }",
    "DELETE { <urn:a> <urn:b> <urn:c> } WHERE {",
    "BIND(",
    "AS ?x",
    "<urn:x>",
    ".",
]
#: known ways past a scanner, kept in every run so the test always has texts that do call out
SEEDS = [
    "ASK { FILTER(''<'>') SERVICE IRI { ?s ?p ?o } # '\n}",
    'ASK { FILTER(""<">") SERVICE SILENT IRI { ?s ?p ?o } # "\n}',
    "SELECT * WHERE { SERVICE IRI { ?s ?p ?o } }",
    "DELETE { <urn:a> <urn:b> <urn:c> } WHERE { FILTER(''<'>') } ; LOAD SILENT IRI # '\n",
    "LOAD IRI",
]


#: valid SPARQL fragments that lexers disagree about (quotes, ``<``, ``#`` in odd places)
DESYNC = [
    "FILTER(''<'>')",
    'FILTER(""<">")',
    "FILTER(?s<'>')",
    "FILTER('#'!='\\'')",
    "BIND('#' AS ?h)",
    'BIND("\\"#" AS ?h)',
    "BIND('''a'b''' AS ?t)",
    'BIND("""\'""" AS ?t)',
    "?s <urn:x> '>'",
    '?s <urn:x> "<"',
    "FILTER(1<2)",
    "FILTER(2>1)",
    "",
]
TAILS = ["# '", '# "', "# <", "#", "", "# }"]


def _structured(rng: random.Random) -> str:
    """A query or update that is valid SPARQL and calls out, hidden behind lexical noise."""
    before = " ".join(rng.choice(DESYNC) for _ in range(rng.randint(1, 3)))
    call = rng.choice(["SERVICE IRI { ?s ?p ?o }", "SERVICE SILENT IRI { ?s ?p ?o }", "service IRI {}"])
    tail = rng.choice(TAILS)
    form = rng.randrange(4)
    if form == 0:
        return f"ASK {{ {before} {call} {tail}\n}}"
    if form == 1:
        return f"SELECT * WHERE {{ {before} OPTIONAL {{ {call} }} {tail}\n}}"
    if form == 2:
        silent = rng.choice(["", " SILENT"])
        return f"DELETE {{ <urn:a> <urn:b> <urn:c> }} WHERE {{ {before} }} ; LOAD{silent} IRI {tail}\n"
    return f"SELECT * WHERE {{ {before} {{ SELECT * WHERE {{ {call} }} }} {tail}\n}}"


def _soups(port: int, n: int, seed: int = 12) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        if i < len(SEEDS):
            text = SEEDS[i]
        elif rng.random() < 0.5:
            text = _structured(rng)
        else:
            pieces = [rng.choice(PIECES) for _ in range(rng.randint(3, 16))]
            if rng.random() < 0.5:  # mutate a seed: the trick with noise around it
                pieces = rng.choice(SEEDS).split(" ")
                for _ in range(rng.randint(1, 3)):
                    pieces.insert(rng.randrange(len(pieces) + 1), rng.choice(PIECES))
            text = " ".join(pieces)
        texts.append(text.replace("IRI", f"<http://127.0.0.1:{port}/soup{i}>"))
    return texts


def _reaches(engine_factory, text: str) -> None:
    engine = engine_factory()
    try:
        for op in ("query", "update"):
            try:
                engine.run({**REQUEST, "op": op, "text": text}, 5, 1 << 20)
            except EngineError as exc:
                if exc.code == "syntax":
                    continue
            break
    finally:
        engine.kill()


def test_differential_fuzz_no_text_reaches_the_network(tmp_path: Path, listener: Listener) -> None:
    """Token soups: for every text Oxigraph accepts and that would call out, ikg refuses it or nothing arrives.

    ``IKG_FUZZ_SOUPS`` sets how many (CI: 250).
    """
    n = int(os.environ.get("IKG_FUZZ_SOUPS", "250"))
    texts = _soups(listener.port, n)
    # ground truth: an unconfined engine, one process for all texts
    truth = start_engine(":memory:", writable=True, confined=False)
    calling: list[int] = []
    try:
        for i, text in enumerate(texts):
            before = len(listener.hits)
            for op in ("query", "update"):
                try:
                    truth.run({**REQUEST, "op": op, "text": text}, 5, 1 << 20)
                except EngineError as exc:
                    if exc.code == "syntax":
                        continue
                    if exc.code == "crashed":
                        truth = start_engine(":memory:", writable=True, confined=False)
                break
            time.sleep(0.01)
            if len(listener.hits) > before or f"/soup{i}" in listener.paths():
                calling.append(i)
    finally:
        truth.kill()
    assert len(calling) >= len(SEEDS), "the soups must include texts that do call out"
    listener.hits.clear()
    refused = reached = 0
    with backend(tmp_path, seed=False) as settings:
        settings.write_token = TOKEN
        with live_api(settings) as url, httpx.Client(base_url=url, timeout=60) as c:
            for i in calling:
                text = texts[i]
                q = c.post("/sparql", data={"query": text})
                u = c.post("/sparql", data={"update": text}, headers={"Authorization": f"Bearer {TOKEN}"})
                refused += q.status_code == 400 and u.status_code == 400
        time.sleep(0.3)
        reached = len(listener.hits)
    print(f"{n} soups, {len(calling)} call out unconfined; ikg refused {refused} at the scan; reached: {reached}")
    assert reached == 0, listener.paths()
