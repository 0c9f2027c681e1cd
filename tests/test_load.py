"""Load and consistency of a real ``ikg serve`` on 127.0.0.1.

* Queries that run while an update replaces a graph see the old or the new graph, never a mix.
* A bounded load test: 16 concurrent clients mixing named queries, ``/gaps`` and views for
  ``IKG_LOAD_SECONDS`` (default 10 s here; ``IKG_LOAD_SECONDS=60 pytest tests/test_load.py`` for the
  long form): zero errors, p50/p99 reported, and the server's memory (main process and workers)
  stable from one round to the next.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .live import backend, live_api
from .servers import free_port

TOKEN = "load-token"
GRAPH = "https://example.org/load"
JSON = "application/sparql-results+json"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


def _insert(n: int, tag: str) -> str:
    triples = " ".join(f"<https://example.org/{tag}/{i}> <https://example.org/p> {i} ." for i in range(n))
    return f"DROP SILENT GRAPH <{GRAPH}> ; INSERT DATA {{ GRAPH <{GRAPH}> {{ {triples} }} }}"


def test_queries_during_an_update_see_the_old_or_the_new_graph(tmp_path: Path) -> None:
    with backend(tmp_path, timeout_s=30, seed=False) as settings:
        settings.write_token = TOKEN
        settings.max_update_body = 50_000_000
        with live_api(settings) as url, httpx.Client(base_url=url, timeout=60) as client:
            auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
            assert client.post("/sparql", content=_insert(3_000, "old"), headers=auth).status_code == 204
            seen: list[int] = []
            errors: list[str] = []
            stop = threading.Event()

            def reader() -> None:
                with httpx.Client(base_url=url, timeout=60) as c:
                    while not stop.is_set():
                        r = c.get("/sparql", params={"query": COUNT}, headers={"Accept": JSON})
                        if r.status_code != 200:
                            errors.append(f"{r.status_code} {r.text[:100]}")
                            continue
                        seen.append(int(r.json()["results"]["bindings"][0]["n"]["value"]))

            threads = [threading.Thread(target=reader) for _ in range(4)]
            for t in threads:
                t.start()
            time.sleep(0.3)
            for n, tag in ((20_000, "new"), (7_000, "newer")):
                assert client.post("/sparql", content=_insert(n, tag), headers=auth).status_code == 204
                time.sleep(0.3)
            stop.set()
            for t in threads:
                t.join()
    assert not errors
    assert set(seen) <= {3_000, 20_000, 7_000}, sorted(set(seen) - {3_000, 20_000, 7_000})[:5]
    assert {3_000, 7_000} <= set(seen)  # the readers saw before and after


# --- load --------------------------------------------------------------------------------------------


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, MB."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``ikg up --no-serve`` seeds a store; ``ikg serve`` runs on it on a free port."""
    tmp = tmp_path_factory.mktemp("load")
    exe = str(Path(sys.executable).with_name("ikg"))
    env = {**os.environ, "IKG_STORE": str(tmp / "store"), "IKG_LANG": "en"}
    subprocess.run([exe, "info"], env=env, check=True, capture_output=True, timeout=300)  # seeds the store
    port = free_port()
    proc = subprocess.Popen(
        [exe, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"ikg serve did not start: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.2)
    try:
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.communicate(timeout=30)  # also closes the stderr pipe


MIX = [
    ("/queries/working-groups", {"concept": "beispielkreis-2024"}),
    ("/queries/wg-members", {"concept": "mettmann-2015", "wg_id": "ag-sprache"}),
    ("/queries/goals-without-actor", {}),
    ("/queries/action-fields", {"lang": "de"}),
    ("/gaps", {"concept": "beispielkreis-2024", "top": "5"}),
    ("/metrics", {"concept": "mettmann-2015"}),
    ("/views/overview.html", {"concept": "beispielkreis-2024"}),
    ("/views/gaps.svg", {"concept": "mettmann-2015"}),
    ("/sparql", {"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}),
]


def _round(url: str, clients: int, seconds: float) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client(k: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            i = k
            while time.monotonic() < end:
                path, params = MIX[i % len(MIX)]
                i += 1
                t0 = time.perf_counter()
                try:
                    r = c.get(path, params=params)
                    ok = r.status_code == 200 and len(r.content) > 0
                    detail = f"{path} {r.status_code} {r.text[:80]!r}"
                except httpx.HTTPError as exc:
                    ok, detail = False, f"{path} {type(exc).__name__}"
                with lock:
                    if ok:
                        latencies.append(time.perf_counter() - t0)
                    else:
                        errors.append(detail)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def test_sixteen_clients_no_errors_and_stable_memory(server: tuple[str, int]) -> None:
    url, pid = server
    seconds = float(os.environ.get("IKG_LOAD_SECONDS", "10"))
    _round(url, 16, min(seconds, 5))  # warm-up: caches, worker pool
    rounds = []
    for _ in range(3):
        latencies, errors = _round(url, 16, seconds)
        p99 = sorted(latencies)[max(0, int(0.99 * len(latencies)) - 1)]
        rounds.append((len(latencies), statistics.median(latencies), p99, _rss_mb(pid)))
        assert errors == [], errors[:5]
    for n, p50, p99, rss in rounds:
        print(
            f"16 clients, {seconds:g} s: {n} requests, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, server RSS {rss:.0f} MB"
        )
    first, last = rounds[0][3], rounds[-1][3]
    assert last < first * 1.15 + 30, f"server memory grew from {first:.0f} MB to {last:.0f} MB"
