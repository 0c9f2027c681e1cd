"""Endpoint overhead: a query through ``ikg serve``'s ``/sparql`` against the same query on raw pyoxigraph.

Usage::

    python bench/overhead.py [--actors 0] [--requests 200] [--results bench/RESULTS.md] [--json out.json]

The store holds the shipped concepts (``--actors 0``) or the synthetic concept of ``--actors N``
(``bench/generate.py``, imported with ``ikg import``). Then, side by side:

* **raw pyoxigraph**: ``pyoxigraph.Store.read_only(copy)``, ``store.query(text,
  use_default_graph_as_union=True)`` and the answer serialised as SPARQL JSON to bytes, in this
  process: what the engine itself costs;
* **ikg serve**: ``ikg --store DIR serve`` on a free port, one keep-alive HTTP client sending
  ``GET /sparql?query=...`` with ``Accept: application/sparql-results+json``: the whole way, from
  the request to the last byte (Host check, the lanes, the confined engine process and its pipe,
  the caps).

With ``--compare-http`` a second ``ikg serve`` runs on another copy of the store with uvicorn's
plain HTTP parser and event loop (h11 and asyncio: ``httptools`` and ``uvloop``, which uvicorn
picks when they are installed, are hidden from it by modules on ``PYTHONPATH`` that refuse to
import), interleaved with the two above: what the C parser and loop save per request.

Each query is sent ``--requests`` times (after 10 warm-up requests), the two sides interleaved in
rounds of 10 so that load on the machine hits both alike; medians and p90. Overhead = ikg's median
minus raw's. Target (issue 18): under 5 ms on a small query.

Queries: ``ASK { ?s ?p ?o }`` (the smallest), ``wg-members`` with its parameters bound as ikg binds
them (a small SELECT of some rows), and with ``--actors N`` the three aggregate queries of the
SPARQL section (a mix whose answers are larger). With ``--actors N`` the aggregates also run on
rdflib's in-memory engine (the same triples from ``concept.ttl`` in an rdflib ``Graph``, after the
server is stopped; ``--no-rdflib`` leaves this out): the ratio rdflib / ikg-through-``/sparql``,
geometric mean, against the target of 15x (issue 18).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    from bench._common import ensure_data, log, measure_and_report, report_options, secs, section_head
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import ensure_data, log, measure_and_report, report_options, secs, section_head

HEADING = "## Endpoint overhead (issue 18)"
PACKAGES = ("pyoxigraph", "fastapi", "uvicorn", "httpx")
JSON_MEDIA = "application/sparql-results+json"
AGGREGATES = {
    "actors per type": "PREFIX ikg: <https://w3id.org/ikg/ns#> PREFIX org: <http://www.w3.org/ns/org#> "
    "SELECT ?type (COUNT(?a) AS ?n) WHERE { ?a a ikg:Actor ; org:classification ?type } GROUP BY ?type ORDER BY ?type",
    "members per AG": "PREFIX org: <http://www.w3.org/ns/org#> "
    "SELECT ?wg (COUNT(?m) AS ?n) WHERE { ?m org:organization ?wg } GROUP BY ?wg ORDER BY DESC(?n) ?wg LIMIT 100",
    "cooperations per town": "PREFIX ikg: <https://w3id.org/ikg/ns#> "
    "SELECT ?town (COUNT(*) AS ?n) WHERE { ?a ikg:cooperatesWith ?b . ?a ikg:locatedIn ?town } "
    "GROUP BY ?town ORDER BY ?town",
}


def _ikg() -> list[str]:
    beside = Path(sys.executable).parent / "ikg"
    return [str(beside)] if beside.is_file() else [shutil.which("ikg") or "ikg"]


def _stack() -> str:
    """What uvicorn picks here: httptools and uvloop when they are installed, else h11 and asyncio."""
    import importlib.util

    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{parser} + {loop}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _queries(actors: int, store_dir: Path) -> dict[str, str]:
    """The texts to send: ASK, wg-members bound as ikg binds it, and the aggregates for a synthetic concept."""
    from ikg.graph.library.named import bind_params, bind_query, get_query

    concept, wg = ("beispielkreis-2024", "ag-sprache") if not actors else (f"synthetic-{actors}", "ag-001")
    members = get_query("wg-members")
    text = bind_query(members, bind_params(members, {"wg_id": wg, "concept": concept}))
    out = {"ASK": "ASK { ?s ?p ?o }", "wg-members": text}
    if actors:
        out |= AGGREGATES
    return out


def _raw_once(store: Any, text: str) -> float:
    import pyoxigraph as ox

    t0 = time.perf_counter()
    result = store.query(text, use_default_graph_as_union=True)
    result.serialize(format=ox.QueryResultsFormat.JSON)
    return time.perf_counter() - t0


def _rdflib_times(ttl: Path, texts: dict[str, str], reps: int) -> dict[str, float]:
    """Median seconds of each aggregate on rdflib's in-memory engine, all rows read.

    As in ``bench/sparql_bench.py`` (the 15x of the library): the same triples (``concept.ttl``) in
    a named graph of an rdflib ``Dataset(default_union=True)``, the same query texts, in this
    process (the parse is not timed).
    """
    from rdflib import Dataset, URIRef

    t0 = time.perf_counter()
    dataset = Dataset(default_union=True)
    graph = dataset.graph(URIRef("urn:x-bench:concept"))
    graph.parse(str(ttl), format="turtle")
    log(f"rdflib parsed {len(graph):,} triples in {secs(time.perf_counter() - t0)}")
    out: dict[str, float] = {}
    for name, text in texts.items():
        runs = []
        for _ in range(reps):
            t0 = time.perf_counter()
            list(dataset.query(text))
            runs.append(time.perf_counter() - t0)
        out[name] = statistics.median(runs)
        log(f"{name}: rdflib in-memory {secs(out[name])}")
    return out


def bench(args: argparse.Namespace) -> dict[str, Any]:
    """Fill a store, start ``ikg serve`` on it, and time every query both ways."""
    import httpx
    import pyoxigraph as ox

    work = Path(tempfile.mkdtemp(prefix="ikg-overhead-"))
    store_dir, copy = work / "store", work / "copy"
    env = dict(os.environ, IKG_LANG="en")
    env.pop("IKG_STORE", None)
    out: dict[str, Any] = {"load": os.getloadavg(), "actors": args.actors, "queries": {}, "http_stack": _stack()}
    servers: list[subprocess.Popen[bytes]] = []
    try:
        if args.actors:
            data = ensure_data(args.actors, ("csv", "ttl") if args.rdflib else ("csv",))
            subprocess.run(
                [*_ikg(), "--store", str(store_dir), "--no-seed", "import", str(data / "csv")], check=True, env=env
            )
        subprocess.run([*_ikg(), "--store", str(store_dir), "info"], check=True, env=env, capture_output=True)
        shutil.copytree(store_dir, copy)
        raw = ox.Store.read_only(str(copy))
        texts = _queries(args.actors, store_dir)
        client = httpx.Client(timeout=60)
        server, url = _serve(store_dir, env, client)
        servers.append(server)
        plain_url = None
        if args.compare_http:
            hide = work / "hide"
            hide.mkdir()
            for name in ("httptools", "uvloop"):
                (hide / f"{name}.py").write_text(f"raise ImportError('{name} hidden for the comparison')\n")
            shutil.copytree(copy, work / "plain")
            plain_env = dict(env, PYTHONPATH=os.pathsep.join([str(hide), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
            plain, plain_url = _serve(work / "plain", plain_env, client)
            servers.append(plain)

        def http_once(text: str, where: str = url) -> float:
            t0 = time.perf_counter()
            r = client.get(where, params={"query": text}, headers={"Accept": JSON_MEDIA})
            r.read()
            took = time.perf_counter() - t0
            if r.status_code != 200:
                raise SystemExit(f"/sparql answered {r.status_code}: {r.text[:300]}")
            return took

        for name, text in texts.items():
            n = args.requests if name in ("ASK", "wg-members") else max(10, args.requests // 10)
            for _ in range(10):
                http_once(text)
                _raw_once(raw, text)
                if plain_url:
                    http_once(text, plain_url)
            raws: list[float] = []
            https: list[float] = []
            plains: list[float] = []
            while len(raws) < n:
                raws += [_raw_once(raw, text) for _ in range(10)]
                https += [http_once(text) for _ in range(10)]
                if plain_url:
                    plains += [http_once(text, plain_url) for _ in range(10)]
            body = client.get(url, params={"query": text}, headers={"Accept": JSON_MEDIA}).content
            entry = {
                "raw": statistics.median(raws),
                "http": statistics.median(https),
                "raw_p90": statistics.quantiles(raws, n=10)[-1],
                "http_p90": statistics.quantiles(https, n=10)[-1],
                "n": len(raws),
                "bytes": len(body),
                "rows": len(json.loads(body).get("results", {}).get("bindings", [])),
            }
            entry["overhead"] = entry["http"] - entry["raw"]
            if plains:
                entry["plain"] = statistics.median(plains)
                entry["plain_overhead"] = entry["plain"] - entry["raw"]
            out["queries"][name] = entry
            log(f"{name}: raw {secs(entry['raw'])}, /sparql {secs(entry['http'])}, overhead {secs(entry['overhead'])}")
        client.close()
        if args.actors and args.rdflib:  # after the server's part: rdflib's gigabyte does not press on it
            while servers:
                server_stop(servers.pop())
            for name, took in _rdflib_times(data / "concept.ttl", AGGREGATES, args.rdflib_reps).items():
                out["queries"][name]["rdflib"] = took
    finally:
        for server in servers:
            server_stop(server)
        shutil.rmtree(work, ignore_errors=True)
    return out


def _serve(store_dir: Path, env: dict[str, str], client: Any) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``ikg serve`` on ``store_dir`` on a free port; return it and its ``/sparql`` URL once it answers."""
    import httpx

    port = _free_port()
    cmd = [*_ikg(), "--store", str(store_dir), "serve", "--port", str(port)]
    server = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.get(url, params={"query": "ASK {}"}, headers={"Accept": JSON_MEDIA}).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server_stop(server)
            raise SystemExit("ikg serve did not answer within 60 s")
        time.sleep(0.2)


def server_stop(server: subprocess.Popen[bytes]) -> None:
    """Stop ``ikg serve`` and its engine processes (its process group)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def summary(res: dict[str, Any]) -> dict[str, Any]:
    """What ``bench/run`` reads: the overhead of the small queries, and per query raw and /sparql medians."""
    q = res["queries"]
    small = [q[k]["overhead"] for k in ("ASK", "wg-members") if k in q]
    return {
        "actors": res["actors"],
        "small_overhead": max(small) if small else None,
        "rdflib_geomean": rdflib_geomean(q),
        "queries": q,
    }


def rdflib_geomean(queries: dict[str, Any]) -> float | None:
    """The geometric mean of rdflib in-memory / ikg through ``/sparql`` over the aggregates, if measured."""
    ratios = [e["rdflib"] / e["http"] for e in queries.values() if "rdflib" in e]
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None


def report(ctx: dict[str, Any]) -> str:
    """The ``## Endpoint overhead (issue 18)`` section of RESULTS.md."""
    res = ctx["result"]
    data = "the shipped concepts" if not res["actors"] else f"`synthetic-{res['actors']}`"
    lines = [
        *section_head(ctx, HEADING, res["load"]),
        f"Data: {data}. Raw: `pyoxigraph.Store.read_only(copy).query(text)` + JSON serialisation, in process. "
        "ikg: `GET /sparql` on `ikg serve` (confined engine process, pipes, caps), one keep-alive client. "
        "Interleaved in rounds of 10; medians.",
        "",
        "| query | rows | answer bytes | raw pyoxigraph | ikg /sparql | overhead | ikg p90 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, e in res["queries"].items():
        lines.append(
            f"| {name} | {e['rows']:,} | {e['bytes']:,} | {secs(e['raw'])} | {secs(e['http'])} | "
            f"{secs(e['overhead'])} | {secs(e['http_p90'])} |"
        )
    plain = {n: e for n, e in res["queries"].items() if "plain" in e}
    if plain:
        lines += [
            "",
            "Side by side with uvicorn's plain HTTP parser and loop (h11, asyncio; `--compare-http`), "
            f"interleaved with the above; ikg as installed ran {res.get('http_stack', '?')}:",
            "",
            "| query | overhead, h11 + asyncio | overhead, as installed | saved per request |",
            "|---|---:|---:|---:|",
        ]
        for name, e in plain.items():
            lines.append(
                f"| {name} | {secs(e['plain_overhead'])} | {secs(e['overhead'])} | {secs(e['plain'] - e['http'])} |"
            )
    versus = {n: e for n, e in res["queries"].items() if "rdflib" in e}
    if versus:
        lines += [
            "",
            "The aggregates against rdflib's in-memory engine (`Dataset(default_union=True)` holding the "
            "same triples from `concept.ttl`, as in the library's comparison; in process, median), ikg measured the whole way through `/sparql`:",
            "",
            "| query | rdflib in-memory | ikg /sparql | rdflib / ikg |",
            "|---|---:|---:|---:|",
        ]
        for name, e in versus.items():
            lines.append(f"| {name} | {secs(e['rdflib'])} | {secs(e['http'])} | {e['rdflib'] / e['http']:.1f}x |")
        lines += ["", f"Geometric mean: **{rdflib_geomean(versus):.1f}x** (target: 15x)."]
    lines += [f"\n{n}" for n in ctx["notes"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--actors", type=int, default=0, help="synthetic concept size (0: the shipped concepts)")
    ap.add_argument("--requests", type=int, default=200, help="requests per small query (a tenth for aggregates)")
    ap.add_argument("--quick", action="store_true", help="60 requests")
    ap.add_argument(
        "--no-rdflib",
        dest="rdflib",
        action="store_false",
        help="with --actors: leave out rdflib's in-memory engine on the aggregates",
    )
    ap.add_argument("--rdflib-reps", type=int, default=3, help="runs per aggregate on rdflib (3)")
    ap.add_argument(
        "--compare-http",
        action="store_true",
        help="also a server with uvicorn's plain HTTP parser and loop (h11, asyncio), side by side",
    )
    report_options(ap)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.requests = 60
    return measure_and_report("bench/overhead.py", args, bench, report, summary, HEADING, PACKAGES)


if __name__ == "__main__":
    sys.exit(main())
