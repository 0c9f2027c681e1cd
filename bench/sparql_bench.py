"""Benchmark the named query library and the /sparql endpoint: ikg (Oxigraph) against rdflib.

Usage::

    python bench/sparql_bench.py [--actors 10000] [--reps 3] [--quick] [--limit S]
                                 [--endpoint-duration S] [--results PATH] [--json PATH]
                                 [--skip-library | --skip-endpoints]
                                 [--queries NAME,NAME] [--before REV]

One run measures, on a synthetic concept ``synthetic-N`` (``bench/generate.py``, cached under
``/tmp/ikg-bench-N`` and reused when present):

1. **Query library** (section ``## SPARQL: query library (issue 3)``). Every ``.rq`` file of
   :func:`ikg.graph.library.named.library`, parameters bound exactly as ikg binds them
   (``bind_values(q.text, bind_params(q, params))``; ids found with SPARQL on the data), run on
   three engines, each in its own child process that opens or loads the data once:

   * **ikg**: a fresh on-disk :class:`ikg.graph.store.embedded.Store` in a temp dir (the ontology by
     ``ensure_ready(store, seed=False)``, the concept's Turtle in its named graph by
     ``store.replace_graph``); queries by ``store.query(text)``, all rows iterated;
   * **raw pyoxigraph**: ``pyoxigraph.Store(DIR)`` on a byte-for-byte copy of that store
     directory (same open mode as ikg's), ``store.query(text, use_default_graph_as_union=True)``
     (what ikg's ``Store.query`` passes), the *same* final query text, all rows iterated: the
     difference to ikg is ikg's own overhead;
   * **rdflib**: the in-memory ``Dataset(default_union=True)`` holding the same two named graphs,
     ``list(dataset.query(text))``.

   No engine can cancel a query from Python, so a query past the limit (120 s; 10 s with
   ``--quick``) kills the child; it is recorded as ``>LIMIT s`` and a fresh child takes the next
   query. The engines' runs of a query are interleaved (ikg, raw, rdflib, ikg, ...), so that
   other load on the machine hits them alike. Median of ``--reps`` runs per query and engine (a
   query whose first run takes under 100 ms is run at least 7 times, so that timer noise does
   not decide a ratio; a run past the limit, failing, or over a quarter of it is not
   repeated), the ratio rdflib / ikg, the overhead ikg / raw pyoxigraph (summed; the worst
   single query among those taking at least 10 ms on raw pyoxigraph, and over all), and the row
   counts.

2. **Endpoint** (section ``## SPARQL: endpoint (issue 3)``). ``ikg --store DIR --no-seed serve
   --query-timeout LIMIT`` (its read-only Oxigraph worker pool, ``IKG_WORKERS``, default 2)
   against ``rdflib-endpoint serve`` (``pip install rdflib-endpoint``; a comparison target only,
   not a dependency of ikg), both on 127.0.0.1. rdflib-endpoint is given the same triples as a
   TriG file (ontology graph + concept graph; its ``Dataset(default_union=True)`` keeps TriG's
   named graphs), so both servers get the *same* query texts, nothing rewritten. A fixed mix of
   five library queries (``--mix``) is sent round-robin with httpx (POST
   ``application/sparql-query``, Accept ``application/sparql-results+json``): one unmeasured
   warm-up pass of the mix, then 1 client x 25 requests and 8 clients x 5 requests each (10 and
   8 x 2 with ``--quick``); client timeout LIMIT + 15 s; no new request after a wall-clock
   budget per load level (300 s; 60 s with ``--quick``). p50/p99 are nearest-rank over the
   successful requests (with 25 or 40 samples p99 is the maximum).

   Then, when the library step ran too, **every library query through ``/sparql``** of ``ikg
   serve``, one request at a time (same bound texts and headers, the JSON parsed and its rows
   counted), repeated as in the library step, the median: the column ``ikg /sparql ms`` of the
   library table, rows checked against ikg's in-process rows, and the sum rdflib / ``/sparql``
   over the queries both finish (issue 18: the 15x must hold through the endpoint).

   Then a **soak** against ``ikg serve`` only: 8 clients (``--soak-clients``) send requests back
   to back for ``--endpoint-duration`` seconds (60; 10 with ``--quick``), each cycling through
   *all* library queries from its own offset; requests, errors (anything but HTTP 200 with a
   parsable JSON result), p50/p99, requests per second, and the resident memory of the server's
   process group (uvicorn plus its Oxigraph workers, from ``/proc``) before and after.

``--queries cooperations,wg-members`` times only those library queries (no endpoint part) and
writes the section ``## SPARQL: selected queries (issue 18)`` instead, leaving the full table
alone. ``--before REV`` adds, for each of them whose ``.rq`` text differs at the git revision REV,
a row ``NAME (before, REV)`` with that text, bound the same way, on the same engines and
interleaved with the rest: before and after, ikg and rdflib, side by side in one run (the
"before" rows are left out of the sums).

``--quick`` means 1,000 actors (unless ``--actors``), one run per query, a 10 s limit and fewer
requests: two or three minutes. The result is printed and each part's section of
``bench/RESULTS.md`` is replaced (the rest of the file kept; the older combined section
``## SPARQL: query library and endpoint (issue 3)`` is removed). ``--json`` saves the
measurements and :func:`summary` for ``bench/run``.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import multiprocessing as mp
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

try:
    from bench._common import ensure_data, git_tree, group_rss_mb, log, machine, write_results
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import ensure_data, git_tree, group_rss_mb, log, machine, write_results

LIB_HEADING = "## SPARQL: query library (issue 3)"
EP_HEADING = "## SPARQL: endpoint (issue 3)"
OLD_HEADING = "## SPARQL: query library and endpoint (issue 3)"
SEL_HEADING = "## SPARQL: selected queries (issue 18)"
BENCH_DIR = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
PACKAGES = ("pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "httpx")
ENGINES = ("ikg", "raw", "rdflib")
BEFORE_MARK = "(before, "  # the name of a row timing a query's text at an earlier revision: "NAME (before, REV)"
ENGINE_LABEL = {"ikg": "ikg", "raw": "raw pyoxigraph", "rdflib": "rdflib"}
FAST = 0.1  # a query whose first run is faster than this (s) is run at least FAST_RUNS times
FAST_RUNS = 7
# the worst-query overhead counts queries taking at least this long (s) on raw pyoxigraph: ikg's
# Store.query adds a Python call and a try block (microseconds); below this, scheduling jitter on a
# busy 2-core machine is of the order of the query itself (the worst over all queries is shown too)
NOISE_FLOOR = 0.01

# the endpoint mix: typical library queries
MIX = ("action-fields", "wg-members", "goals-without-actor", "timeline", "actors-by-town-and-field")

PREFIXES = """PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


# -- data ----------------------------------------------------------------------------------------


def write_trig(ttl: Path, trig: Path, concept_iri: str, ontology_iri: str) -> None:
    """The same two named graphs as TriG, for rdflib-endpoint."""
    import pyoxigraph as ox

    from ikg.graph.resources import ontology_text

    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ontology_iri))
        for t in ox.parse(ontology_text().encode("utf-8"), format=ox.RdfFormat.TURTLE)
    ]
    quads += [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(concept_iri))
        for t in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)
    ]
    tmp = trig.with_suffix(".trig.part")
    tmp.write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG) or b"")
    tmp.replace(trig)


def load_ikg(store_dir: Path, ttl: Path, concept_iri: str) -> tuple[Any, dict[str, float], int]:
    """A fresh on-disk ikg store with the ontology and the concept; timings of the steps."""
    import pyoxigraph as ox

    from ikg.graph.ingest.importer import ensure_ready
    from ikg.graph.store.embedded import Store

    t: dict[str, float] = {}
    t0 = time.perf_counter()
    store = Store(store_dir)
    ensure_ready(store, seed=False)
    t["ontology"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    quads = list(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE))
    t["parse"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    store.replace_graph(concept_iri, quads)
    store.flush()
    t["write"] = time.perf_counter() - t2
    t["total"] = time.perf_counter() - t0
    return store, t, len(quads)


# -- parameters ----------------------------------------------------------------------------------


def find_params(store: Any, concept_id: str, concept_iri: str) -> dict[str, str]:
    """Ids and IRIs that hit the synthetic data, found with SPARQL on the ikg store."""

    def first(query: str) -> list[str]:
        res = store.query(PREFIXES + query.replace("GRAPH_IRI", f"<{concept_iri}>"))
        for sol in res:
            return [sol[i].value for i in range(len(res.variables))]
        raise SystemExit(f"no parameter found by: {query}")

    (wg_id,) = first(
        "SELECT ?id WHERE { GRAPH GRAPH_IRI { ?wg a ikg:WorkingGroup ; dcterms:identifier ?id . "
        "?m org:organization ?wg } } ORDER BY ?id LIMIT 1"
    )
    actor_a, actor_b = first(
        "SELECT ?a ?b WHERE { GRAPH GRAPH_IRI { ?goal ikg:pursuedBy ?x , ?y . "
        "?x dcterms:identifier ?a . ?y dcterms:identifier ?b FILTER(STR(?a) < STR(?b)) } } ORDER BY ?a ?b LIMIT 1"
    )
    goal_id, goal_iri = first(
        "SELECT ?id ?goal WHERE { GRAPH GRAPH_IRI { ?goal a ikg:Goal ; ikg:pursuedBy ?x ; dcterms:identifier ?id } } "
        "ORDER BY ?id LIMIT 1"
    )
    return {
        "concept": concept_id,
        "old": concept_id,
        "new": concept_id,
        "wg_id": wg_id,
        "actor_id": actor_a,
        "actor_a": actor_a,
        "actor_b": actor_b,
        "goal_id": goal_id,
        "resource": goal_iri,
    }


def bound_texts(
    values: dict[str, str], only: list[str] | None = None, before: str | None = None
) -> dict[str, tuple[str, dict[str, str]]]:
    """Every library query (or those in ``only``) bound as ikg binds it: name -> (text, raw parameters).

    With ``before`` (a git revision), a query whose ``.rq`` file differs there is added a second
    time as ``NAME (before, REV)`` with the text of that revision, bound the same way.
    """
    from ikg.graph.library.named import bind_params, bind_query, library, parse_query_file

    lib = library()
    names = only if only else list(lib)
    unknown = [n for n in names if n not in lib]
    if unknown:
        raise SystemExit(f"no such library queries: {unknown}")
    out = {}
    for name in names:
        q = lib[name]
        raw = {p.name: values[p.name] for p in q.params if p.name in values}
        missing = [p.name for p in q.params if p.required and p.name not in raw]
        if missing:
            raise SystemExit(f"{name}: no value for required parameter(s) {missing}")
        out[name] = (bind_query(q, bind_params(q, raw)), raw)
        if before:
            git = shutil.which("git") or "git"
            old = subprocess.run(
                [git, "show", f"{before}:queries/{name}.rq"], cwd=BENCH_DIR.parent, capture_output=True, text=True
            )
            if old.returncode == 0 and old.stdout != q.text:
                then = parse_query_file(name, old.stdout)
                out[f"{name} {BEFORE_MARK}{before})"] = (bind_query(then, bind_params(then, raw)), raw)
    return out


# -- each engine in a killable child process ------------------------------------------------------


def _rows(result: Any) -> int:
    """Consume a pyoxigraph result: the number of solutions (1 for an ASK answer)."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return 1
    return sum(1 for _ in result)


def _child(conn: Any, engine: str, location: str, concept_iri: str, ontology_iri: str) -> None:
    """Load or open the data once, then run query texts until told to stop; all rows consumed."""
    import resource

    t0 = time.perf_counter()
    if engine == "ikg":
        from ikg.graph.store.embedded import Store

        store = Store(location)

        def run(text: str) -> int:
            return _rows(store.query(text))

        size = len(store)
    elif engine == "raw":
        import pyoxigraph as ox

        raw = ox.Store(location)

        def run(text: str) -> int:
            # what ikg.graph.store.embedded.Store.query hands to pyoxigraph for a text without bindings
            return _rows(raw.query(text, use_default_graph_as_union=True))

        size = len(raw)
    else:
        from rdflib import Dataset, URIRef

        from ikg.graph.resources import ontology_text

        ds = Dataset(default_union=True)
        ds.graph(URIRef(ontology_iri)).parse(data=ontology_text(), format="turtle")
        ds.graph(URIRef(concept_iri)).parse(location, format="turtle")

        def run(text: str) -> int:
            return len(list(ds.query(text)))

        size = len(ds.graph(URIRef(concept_iri)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn.send(("loaded", time.perf_counter() - t0, size, rss))
    while True:
        msg = conn.recv()
        if msg is None:
            return
        try:
            t1, c1 = time.perf_counter(), time.process_time()
            n = run(msg)
            conn.send(("ok", time.perf_counter() - t1, n, time.process_time() - c1))
        except Exception as exc:  # report and keep serving
            conn.send(("error", 0.0, f"{type(exc).__name__}: {exc}"[:200]))


class Runner:
    """A child process holding one engine's data; killed and restarted when a query overruns.

    Neither pyoxigraph nor rdflib can cancel a running query from Python, so the limit is a kill.
    """

    def __init__(self, engine: str, location: Path, concept_iri: str, ontology_iri: str, load_limit: float) -> None:
        self.engine = engine
        self.args = (engine, str(location), concept_iri, ontology_iri)
        self.load_limit = load_limit
        self.ctx = mp.get_context("spawn")
        self.proc: Any = None
        self.conn: Any = None
        self.loads: list[float] = []
        self.triples = 0
        self.rss_mb = 0.0
        self.kills = 0
        self.last_cpu: float | None = None

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_child, args=(child, *self.args), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        if not self.conn.poll(self.load_limit):
            self.kill()
            raise SystemExit(f"{self.engine} did not load the data within {self.load_limit:.0f} s")
        _, seconds, triples, rss = self.conn.recv()
        self.loads.append(seconds)
        self.triples, self.rss_mb = triples, max(self.rss_mb, rss)
        log(f"{self.engine} child {self.proc.pid} ready after {seconds:.1f} s ({triples} triples)")

    def kill(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()
        if self.proc is not None:
            self.proc.join(timeout=30)
        self.proc = None
        self.conn = None

    def stop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.send(None)
            except OSError:
                pass
            if self.proc is not None:
                self.proc.join(timeout=10)
        self.kill()

    def run(self, text: str, limit: float) -> tuple[str, float, Any]:
        """Return ("ok", seconds, rows) | ("timeout", limit, None) | ("error", 0, message)."""
        if self.proc is None:
            self.start()
        self.conn.send(text)
        if self.conn.poll(limit):
            status, seconds, rows, *cpu = self.conn.recv()
            self.last_cpu = cpu[0] if cpu else None  # CPU seconds of the child for that run
            return (status, seconds, rows)
        log(f"{self.engine} passed the {limit:g} s limit: killing child {self.proc.pid}")
        self.kill()
        self.kills += 1
        return ("timeout", limit, None)


# -- part 1: the query library -------------------------------------------------------------------


def measure(runners: dict[str, Runner], text: str, reps: int, limit: float) -> dict[str, dict[str, Any]]:
    """One query on every engine, in rounds: each round runs it once on each engine still going.

    Interleaving the engines' runs exposes them to the same conditions (other load on the
    machine, caches). An engine does ``reps`` runs, at least :data:`FAST_RUNS` when its first is
    under :data:`FAST`; a run past the limit, failing, or over a quarter of it is its last.

    Returns
    -------
    dict
        Engine to ``{"status", "s" (median, None unless ok), "rows", "runs"}``.
    """
    times: dict[str, list[float]] = {e: [] for e in runners}
    cpu: dict[str, list[float]] = {e: [] for e in runners}
    state: dict[str, dict[str, Any]] = {e: {"status": "ok", "rows": None, "want": reps} for e in runners}
    going = list(runners)
    while going:
        for engine in list(going):
            st = state[engine]
            status, s, n = runners[engine].run(text, limit)
            st["status"], st["rows"] = status, n
            if status != "ok":
                going.remove(engine)
                continue
            times[engine].append(s)
            if runners[engine].last_cpu is not None:
                cpu[engine].append(runners[engine].last_cpu)
            if len(times[engine]) == 1 and s < FAST:
                st["want"] = max(reps, FAST_RUNS)
            if s > limit / 4 or len(times[engine]) >= st["want"]:
                going.remove(engine)
    return {
        e: {
            "status": state[e]["status"],
            "s": statistics.median(times[e]) if state[e]["status"] == "ok" else None,
            "rows": state[e]["rows"],
            "runs": len(times[e]),
            # CPU time of the engine's process: on a loaded machine closer to the query's own cost than wall time
            "cpu": statistics.median(cpu[e]) if state[e]["status"] == "ok" and cpu[e] else None,
        }
        for e in runners
    }


def bench_library(
    runners: dict[str, Runner], texts: dict[str, tuple[str, dict[str, str]]], reps: int, limit: float
) -> list[dict[str, Any]]:
    """Every query on every engine: ``{"name": ..., "ikg": m, "raw": m, "rdflib": m}`` (see :func:`measure`)."""
    out = []

    def shown(m: dict[str, Any]) -> str:
        return (
            f"{m['s'] * 1000:.1f} ms ({m['rows']} rows)" if m["status"] == "ok" else f"{m['status']} {m['rows'] or ''}"
        )

    for name, (text, _raw) in texts.items():
        row: dict[str, Any] = {"name": name, **measure(runners, text, reps, limit)}
        out.append(row)
        log(f"{name}: " + ", ".join(f"{e} {shown(row[e])}" for e in runners))
    return out


def library_summary(rows: list[dict[str, Any]], via_http: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Sums and ratios of the library table (the numbers ``bench/run`` checks against targets).

    ``ratio`` is rdflib / ikg over the queries both finished; ``overhead_sum`` ikg / raw
    pyoxigraph over the queries both finished; ``overhead_worst`` the largest per-query ikg / raw
    among queries taking at least :data:`NOISE_FLOOR` on raw pyoxigraph (``overhead_worst_all``:
    over all queries).

    With ``via_http`` (:func:`library_http`, the same queries through ``ikg serve``'s ``/sparql``):
    ``sparql_queries`` the number of queries /sparql and rdflib both finished, ``sparql_sum_ms``
    and ``sparql_rdflib_sum_ms`` their sums (milliseconds), ``sparql_ratio`` rdflib / /sparql,
    ``sparql_ikg_sum_ms`` ikg in process over the same queries (None unless it finished them all),
    ``sparql_failed`` the queries /sparql did not finish, ``sparql_rows_differ`` those whose
    /sparql rows differ from ikg's in-process rows; ``per_query`` gets a ``sparql`` median (s).
    """
    rows = [r for r in rows if BEFORE_MARK not in r["name"]]
    out: dict[str, Any] = {"queries": len(rows)}
    both = [r for r in rows if r["ikg"]["status"] == "ok" and r.get("rdflib", {}).get("status") == "ok"]
    out["both"] = len(both)
    out["ikg_sum"] = sum(r["ikg"]["s"] for r in both)
    out["rdflib_sum"] = sum(r["rdflib"]["s"] for r in both)
    out["ratio"] = out["rdflib_sum"] / out["ikg_sum"] if out["ikg_sum"] else None
    out["rdflib_timeouts"] = sum(1 for r in rows if r.get("rdflib", {}).get("status") == "timeout")
    raw = [r for r in rows if r["ikg"]["status"] == "ok" and r.get("raw", {}).get("status") == "ok"]
    out["raw_both"] = len(raw)
    out["raw_sum"] = sum(r["raw"]["s"] for r in raw)
    out["ikg_raw_sum"] = sum(r["ikg"]["s"] for r in raw)
    out["overhead_sum"] = out["ikg_raw_sum"] / out["raw_sum"] if out["raw_sum"] else None
    timed = [r for r in raw if r["raw"]["s"] > 0]
    per = [(r["ikg"]["s"] / r["raw"]["s"], r["name"]) for r in timed]
    counted = [(r["ikg"]["s"] / r["raw"]["s"], r["name"]) for r in timed if r["raw"]["s"] >= NOISE_FLOOR]
    out["overhead_worst"], out["overhead_worst_query"] = max(counted) if counted else (None, None)
    out["overhead_worst_all"], out["overhead_worst_all_query"] = max(per) if per else (None, None)
    out["overhead_counted"] = len(counted)
    out["per_query"] = {
        r["name"]: {e: r[e]["s"] if r.get(e, {}).get("status") == "ok" else None for e in ("ikg", "raw", "rdflib")}
        for r in rows
    }
    if via_http:
        for r in rows:
            h = via_http.get(r["name"], {})
            out["per_query"][r["name"]]["sparql"] = h["s"] if h.get("status") == "ok" else None
        fin = [
            r
            for r in rows
            if via_http.get(r["name"], {}).get("status") == "ok" and r.get("rdflib", {}).get("status") == "ok"
        ]
        out["sparql_queries"] = len(fin)
        out["sparql_sum_ms"] = sum(via_http[r["name"]]["s"] for r in fin) * 1000
        out["sparql_rdflib_sum_ms"] = sum(r["rdflib"]["s"] for r in fin) * 1000
        out["sparql_ratio"] = out["sparql_rdflib_sum_ms"] / out["sparql_sum_ms"] if out["sparql_sum_ms"] else None
        in_process = all(r["ikg"]["status"] == "ok" for r in fin)
        out["sparql_ikg_sum_ms"] = sum(r["ikg"]["s"] for r in fin) * 1000 if fin and in_process else None
        out["sparql_failed"] = [r["name"] for r in rows if via_http.get(r["name"], {}).get("status") != "ok"]
        out["sparql_rows_differ"] = [
            r["name"]
            for r in rows
            if r["ikg"]["status"] == "ok"
            and via_http.get(r["name"], {}).get("status") == "ok"
            and via_http[r["name"]]["rows"] != r["ikg"]["rows"]
        ]
    return out


# -- part 2: the endpoints -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server subprocess in its own process group, stopped by its id."""

    def __init__(self, label: str, cmd: list[str], url: str, logfile: Path, env: dict[str, str] | None = None):
        self.label, self.cmd, self.url, self.logfile = label, cmd, url, logfile
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup_s = 0.0

    def start(self, limit: float) -> None:
        import httpx

        self._log = self.logfile.open("wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            self.cmd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, env=self.env
        )
        deadline = t0 + limit
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.label} exited ({self.proc.returncode}); see {self.logfile}")
            try:
                r = httpx.post(
                    self.url,
                    content="ASK { }",
                    headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
                    timeout=5,
                )
                if r.status_code == 200:
                    self.startup_s = time.perf_counter() - t0
                    log(f"{self.label} answers after {self.startup_s:.1f} s (pid {self.proc.pid})")
                    return
                if r.status_code in (404, 405):
                    self.stop()
                    raise SystemExit(f"{self.label}: {self.url} answers {r.status_code}; see {self.logfile}")
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"{self.label} did not answer within {limit:.0f} s; see {self.logfile}")

    def rss_mb(self) -> float | None:
        """Resident memory of the server's process group now (the server and its workers), MB."""
        return group_rss_mb(self.proc.pid) if self.proc is not None else None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # uvicorn shuts down and ikg stops its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        try:  # anything left in the group this process started (ikg's Oxigraph workers)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()
        self.proc = None


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``None`` for no values)."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


def _post(http: Any, url: str, text: str) -> str | None:
    """One request; ``None`` when it answered 200 with a JSON result, else what went wrong."""
    try:
        r = http.post(url, content=text.encode("utf-8"), headers=HEADERS)
        if r.status_code != 200:
            return f"HTTP {r.status_code}: {r.text[:120]}"
        r.json()["results"]["bindings"]
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc)[:120]}"


def _post_rows(http: Any, url: str, text: str, limit: float) -> tuple[str, int | None, str | None]:
    """One request, its answer consumed as a client would: the JSON parsed and its rows counted.

    Parameters
    ----------
    http : httpx.Client
        The client (its timeout is the client timeout).
    url : str
        The ``/sparql`` endpoint.
    text : str
        The query text, POSTed as ``application/sparql-query``.
    limit : float
        The server's query deadline, s: an HTTP 503 after it is the server stopping the query.

    Returns
    -------
    tuple
        ``("ok", rows, None)`` (rows: the solutions of a SELECT answer, 1 for an ASK answer, as
        :func:`_rows` counts them in process), ``("timeout", None, message)`` when the client
        timeout or the server's deadline stopped it, ``("error", None, message)`` otherwise.
    """
    import httpx

    t0 = time.perf_counter()
    try:
        r = http.post(url, content=text.encode("utf-8"), headers=HEADERS)
        if r.status_code != 200:
            late = r.status_code == 503 and time.perf_counter() - t0 >= limit
            return ("timeout" if late else "error", None, f"HTTP {r.status_code}: {r.text[:120]}")
        doc = r.json()
        if "boolean" in doc:
            return ("ok", 1, None)
        return ("ok", sum(1 for _ in doc["results"]["bindings"]), None)
    except httpx.TimeoutException as exc:
        return ("timeout", None, f"{type(exc).__name__}: {str(exc)[:120]}")
    except Exception as exc:
        return ("error", None, f"{type(exc).__name__}: {str(exc)[:120]}")


def library_http(
    url: str, texts: dict[str, tuple[str, dict[str, str]]], reps: int, limit: float, timeout: float
) -> dict[str, dict[str, Any]]:
    """Every library query through ``/sparql``, one request at a time, repeated as :func:`measure` does.

    A query runs ``reps`` times, at least :data:`FAST_RUNS` when its first run is under
    :data:`FAST`; a run over a quarter of ``limit`` (30 s at the default 120 s), past the deadline,
    or failing is its last. A run is the whole request: POST, answer read, JSON parsed, rows counted.

    Parameters
    ----------
    url : str
        ``ikg serve``'s ``/sparql``.
    texts : dict
        Name to (bound query text, raw parameters), as :func:`bound_texts` gives them.
    reps : int
        Runs per query (the library step's ``--reps``).
    limit : float
        The server's query deadline, s.
    timeout : float
        The client timeout, s.

    Returns
    -------
    dict
        Name to ``{"status", "s" (median, None unless ok), "rows", "runs", "error"}``.
    """
    import httpx

    out: dict[str, dict[str, Any]] = {}
    with httpx.Client(timeout=timeout) as http:
        for name, (text, _raw) in texts.items():
            times: list[float] = []
            want, status, rows, error = reps, "ok", None, None
            while len(times) < want:
                t0 = time.perf_counter()
                status, n, error = _post_rows(http, url, text, limit)
                took = time.perf_counter() - t0
                if status != "ok":
                    break
                times.append(took)
                rows = n
                if len(times) == 1 and took < FAST:
                    want = max(reps, FAST_RUNS)
                if took > limit / 4:
                    break
            out[name] = {
                "status": status,
                "s": statistics.median(times) if status == "ok" else None,
                "rows": rows if status == "ok" else None,
                "runs": len(times),
                "error": error,
            }
            got = f"{out[name]['s'] * 1000:.1f} ms ({rows} rows)" if status == "ok" else f"{status}: {error}"
            log(f"/sparql {name}: {got}")
    return out


def load_level(
    url: str, texts: list[str], clients: int, per_client: int, timeout: float, budget: float, names: list[str]
) -> dict:
    """``clients`` threads, each sending ``per_client`` requests round-robin through ``texts``."""
    import httpx

    lat: list[float] = []
    by_query: dict[str, list[float]] = {n: [] for n in names}
    errors: list[str] = []
    skipped = [0]
    lock = threading.Lock()
    t_start = time.perf_counter()
    stop_at = t_start + budget

    def client(k: int) -> None:
        with httpx.Client(timeout=timeout) as http:
            for i in range(per_client):
                if time.perf_counter() > stop_at:
                    with lock:
                        skipped[0] += per_client - i
                    return
                j = (k + i) % len(texts)
                t0 = time.perf_counter()
                err = _post(http, url, texts[j])
                with lock:
                    if err is None:
                        lat.append(time.perf_counter() - t0)
                        by_query[names[j]].append(lat[-1])
                    else:
                        errors.append(err)

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=budget + timeout + 60)
    wall = time.perf_counter() - t_start
    return {
        "clients": clients,
        "sent": clients * per_client - skipped[0],
        "ok": len(lat),
        "errors": errors,
        "skipped": skipped[0],
        "p50": pct(lat, 0.50),
        "p99": pct(lat, 0.99),
        "by_query": {n: statistics.median(v) if v else None for n, v in by_query.items()},
        "wall": wall,
    }


def soak(server: Server, texts: list[str], clients: int, duration: float, timeout: float) -> dict[str, Any]:
    """``clients`` threads sending requests back to back for ``duration`` s, each from its own offset.

    A request started before the deadline is waited for; the server's memory is read before and after.
    """
    import httpx

    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    rss_before = server.rss_mb()
    t_start = time.perf_counter()
    stop_at = t_start + duration

    def client(k: int) -> None:
        i = k * max(1, len(texts) // clients)
        with httpx.Client(timeout=timeout) as http:
            while time.perf_counter() < stop_at:
                t0 = time.perf_counter()
                err = _post(http, server.url, texts[i % len(texts)])
                i += 1
                with lock:
                    if err is None:
                        lat.append(time.perf_counter() - t0)
                    else:
                        errors.append(err)

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + timeout + 60)
    wall = time.perf_counter() - t_start
    return {
        "clients": clients,
        "duration": duration,
        "wall": wall,
        "requests": len(lat) + len(errors),
        "ok": len(lat),
        "errors": errors,
        "p50": pct(lat, 0.50),
        "p99": pct(lat, 0.99),
        "rps": len(lat) / wall if wall else 0.0,
        "rss_before": rss_before,
        "rss_after": server.rss_mb(),
        "queries": len(texts),
    }


def bench_endpoints(
    store_dir: Path, trig: Path, texts: dict[str, tuple[str, dict[str, str]]], args: argparse.Namespace
) -> tuple[list[dict], dict[str, float], int, dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """Latency of both servers at 1 and 8 clients; on ``ikg serve`` the library one query at a time, then the soak.

    The library through ``/sparql`` (:func:`library_http`, the last item returned) is measured
    only when the library step runs too (not ``--skip-library``): its rows and rdflib's times
    are what it is compared with.
    """
    mix = [texts[n][0] for n in args.mix]
    levels = [(1, args.requests_1), (8, args.requests_8)]
    workers = os.environ.get("IKG_WORKERS", "2") or "2"
    out: list[dict] = []
    startup: dict[str, float] = {}
    soaked: dict[str, Any] | None = None
    via_http: dict[str, dict[str, Any]] = {}
    tmp = Path(tempfile.mkdtemp(prefix="ikg-bench-logs-"))
    p1, p2 = free_port(), free_port()
    servers = [
        Server(
            "ikg serve",
            [
                str(VENV_BIN / "ikg"),
                "--store",
                str(store_dir),
                "--no-seed",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(p1),
                "--query-timeout",
                str(args.limit),
            ],
            f"http://127.0.0.1:{p1}/sparql",
            tmp / "ikg.log",
        ),
        Server(
            "rdflib-endpoint",
            [str(VENV_BIN / "rdflib-endpoint"), "serve", str(trig), "--host", "127.0.0.1", "--port", str(p2)],
            f"http://127.0.0.1:{p2}/",  # the CLI serves the endpoint at /
            tmp / "rdflib-endpoint.log",
        ),
    ]
    for server in servers:
        try:
            server.start(limit=args.load_limit)
            startup[server.label] = server.startup_s
            rss_start = server.rss_mb()
            warm = load_level(server.url, mix, 1, len(mix), args.timeout, args.budget, args.mix)
            log(f"{server.label} warm-up: {warm['ok']} ok, {len(warm['errors'])} errors, {warm['wall']:.1f} s")
            for e in warm["errors"][:3]:
                log(f"  warm-up error: {e}")
            for clients, per in levels:
                res = load_level(server.url, mix, clients, per, args.timeout, args.budget, args.mix)
                res["server"] = server.label
                res["rss_start"] = rss_start
                out.append(res)
                p50 = f"{res['p50'] * 1000:.0f}" if res["p50"] is not None else "-"
                p99 = f"{res['p99'] * 1000:.0f}" if res["p99"] is not None else "-"
                log(
                    f"{server.label} {clients} client(s): {res['ok']}/{res['sent']} ok, p50 {p50} ms, "
                    f"p99 {p99} ms, {len(res['errors'])} errors, {res['skipped']} skipped, {res['wall']:.1f} s"
                )
                for e in sorted(set(res["errors"]))[:3]:
                    log(f"  error: {e}")
            if server.label == "ikg serve" and not args.skip_library:
                log(f"library through /sparql: all {len(texts)} queries one at a time, median of {args.reps} run(s)")
                via_http = library_http(server.url, texts, args.reps, args.limit, args.timeout)
            if server.label == "ikg serve" and args.endpoint_duration > 0:
                log(
                    f"soak: {args.soak_clients} clients x {args.endpoint_duration:g} s on {server.label}, "
                    f"all {len(texts)} library queries"
                )
                soaked = soak(
                    server, [t for t, _ in texts.values()], args.soak_clients, args.endpoint_duration, args.timeout
                )
                soaked["rss_start"] = rss_start
                log(
                    f"soak: {soaked['ok']}/{soaked['requests']} ok, {len(soaked['errors'])} errors, "
                    f"p50 {soaked['p50'] or 0:.3f} s, p99 {soaked['p99'] or 0:.3f} s, RSS "
                    f"{soaked['rss_before'] or 0:,.0f} -> {soaked['rss_after'] or 0:,.0f} MB"
                )
                for e in sorted(set(soaked["errors"]))[:3]:
                    log(f"  soak error: {e}")
        finally:
            server.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return out, startup, int(workers), soaked, via_http


def endpoint_summary(levels: list[dict[str, Any]], soaked: dict[str, Any] | None) -> dict[str, Any]:
    """p50 of both servers per client count and their ratio; the soak's requests and errors.

    ``ratio[clients]`` is rdflib-endpoint p50 / ikg p50; when rdflib-endpoint answered nothing at
    a level and a request of it ran into the client timeout, its p50 is taken as at least that
    timeout and ``lower_bound`` is set (else the ratio is ``None``).
    """
    out: dict[str, Any] = {"levels": {}}
    for clients in sorted({r["clients"] for r in levels}):
        by = {r["server"]: r for r in levels if r["clients"] == clients}
        ikg, rdf = by.get("ikg serve"), by.get("rdflib-endpoint")
        entry: dict[str, Any] = {
            "ikg_p50": ikg and ikg["p50"],
            "rdflib_p50": rdf and rdf["p50"],
            "ikg_errors": len(ikg["errors"]) if ikg else None,
            "rdflib_errors": len(rdf["errors"]) if rdf else None,
            "ratio": None,
            "lower_bound": False,
        }
        if ikg and ikg["p50"] and rdf:
            if rdf["p50"] is not None:
                entry["ratio"] = rdf["p50"] / ikg["p50"]
            elif rdf.get("timeout") and any("Timeout" in e for e in rdf["errors"]):
                # nothing answered, and at least one request ran into the client timeout
                entry["ratio"], entry["lower_bound"] = rdf["timeout"] / ikg["p50"], True
        out["levels"][str(clients)] = entry
    if soaked is not None:
        out["soak"] = {k: soaked[k] for k in ("clients", "duration", "wall", "requests", "ok", "p50", "p99", "rps")} | {
            "errors": len(soaked["errors"]),
            "rss_before": soaked["rss_before"],
            "rss_after": soaked["rss_after"],
        }
    return out


# -- report --------------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    v = seconds * 1000
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def _head(ctx: dict[str, Any], heading: str) -> list[str]:
    a = ctx["args"]
    return [
        heading,
        "",
        f"Command: `{ctx['command']}` (total {ctx['total_s'] / 60:.1f} min)",
        "",
        f"Machine: {ctx['machine']}",
        "",
        f"Tree: {ctx['tree']}",
        "",
        f"Data: `synthetic-{a.actors}` from `bench/generate.py --actors {a.actors}` ({ctx['triples']:,} concept "
        f"triples + ontology), cached in `{ctx['data_dir']}`. Parameters (found with SPARQL on the ikg store): "
        + ", ".join(f"{k}=`{v}`" for k, v in ctx["values"].items() if k not in ("old", "new", "actor_id"))
        + "; `concept-diff` compares the concept with itself, `actor-involvement` uses actor_a.",
        "",
    ]


def report_library(ctx: dict[str, Any], heading: str = LIB_HEADING) -> str:
    a = ctx["args"]
    lines = _head(ctx, heading)
    lines += [
        "Load:",
        "",
        f"- ikg embedded store (on disk, fresh): {ctx['ikg_load']['total']:.1f} s "
        f"(ontology {ctx['ikg_load']['ontology']:.1f} s, pyoxigraph Turtle parse {ctx['ikg_load']['parse']:.1f} s, "
        f"`replace_graph` + flush {ctx['ikg_load']['write']:.1f} s); raw pyoxigraph opens a copy of that directory",
        f"- rdflib `Dataset(default_union=True)` in memory: {ctx['rdf_load'][0]:.1f} s"
        + (
            f" (reloaded {len(ctx['rdf_load']) - 1}x after kills, median {statistics.median(ctx['rdf_load']):.1f} s)"
            if len(ctx["rdf_load"]) > 1
            else ""
        )
        + f", peak RSS of the rdflib process {ctx['rdf_rss']:,.0f} MB",
        "",
        f"### Query library: median of {a.reps} run(s), ms",
        "",
        f"Each engine runs in its own child process: ikg `Store(DIR).query(text)` on the on-disk store; raw "
        f"pyoxigraph `pyoxigraph.Store(COPY).query(text, use_default_graph_as_union=True)` on a copy of the same "
        f"directory with the *same* text; rdflib `list(dataset.query(text))`; all rows consumed. Runs of a query are "
        f"interleaved across the engines. A query under {FAST * 1000:.0f} ms is run at least {FAST_RUNS} times. A query past {a.limit:g} s is killed with "
        f"its process, shown as `>{a.limit:g} s` and not repeated (kills: "
        + ", ".join(f"{ENGINE_LABEL[e]} {ctx['kills'][e]}" for e in ENGINES)
        + f"); a run over {a.limit / 4:g} s is not repeated either (marked `(1 run)`). rdflib / ikg > 1: ikg "
        "faster; ikg / raw: ikg's overhead over pyoxigraph (1.00 = none).",
    ]
    http = ctx.get("library_http") or {}
    if http:
        lines.append(
            "ikg /sparql: the same text through `ikg serve`'s `/sparql` in the endpoint step (after its load "
            "levels, before the soak), one request at a time: POST `application/sparql-query`, Accept "
            "`application/sparql-results+json`, JSON parsed and rows counted; as many runs as in process, the "
            f"median; client timeout {a.timeout:g} s, server deadline {a.limit:g} s. Its rows are checked against "
            "ikg's in-process rows (a difference is marked **rows N ≠ ikg M**). rdflib / /sparql > 1: ikg through "
            "the endpoint faster."
        )
    head = "| query | rows ikg | rows raw | rows rdflib | ikg ms | raw pyoxigraph ms | rdflib ms | rdflib / ikg | ikg / raw |"
    rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    if http:
        head += " ikg /sparql ms | rdflib / /sparql |"
        rule += "---:|---:|"
    lines += ["", head, rule]

    def cell(m: dict[str, Any]) -> str:
        if m["status"] == "ok":
            return ms(m["s"]) + (" (1 run)" if m["runs"] == 1 and a.reps > 1 else "")
        return f">{a.limit:g} s" if m["status"] == "timeout" else "error"

    def rows(m: dict[str, Any]) -> str:
        return str(m["rows"]) if m["status"] == "ok" else "-"

    def versus(d: dict[str, Any], i: dict[str, Any]) -> str:
        """rdflib ``d`` / ikg ``i`` (in process or through /sparql), bounded when one passed the limit."""
        if i["status"] == "ok" and d["status"] == "ok":
            return f"{d['s'] / i['s']:,.1f}x"
        if i["status"] == "ok" and d["status"] == "timeout":
            return f">{a.limit / i['s']:,.0f}x"
        if i["status"] == "timeout" and d["status"] == "ok":
            return f"<{d['s'] / a.limit:,.2f}x"
        return "-"

    for r in ctx["library"]:
        i, w, d = r["ikg"], r["raw"], r["rdflib"]
        over = f"{i['s'] / w['s']:.2f}" if i["status"] == w["status"] == "ok" and w["s"] > 0 else "-"
        oks = [m for m in (i, w, d) if m["status"] == "ok"]
        flag = " (differs)" if len({m["rows"] for m in oks}) > 1 else ""
        line = (
            f"| {r['name']} | {rows(i)} | {rows(w)} | {rows(d)}{flag} | {cell(i)} | {cell(w)} | {cell(d)} | "
            f"{versus(d, i)} | {over} |"
        )
        h = http.get(r["name"])
        if h is not None:
            differ = h["status"] == i["status"] == "ok" and h["rows"] != i["rows"]
            shown = cell(h) + (f" (**rows {h['rows']} ≠ ikg {i['rows']}**)" if differ else "")
            line += f" {shown} | {versus(d, h)} |"
        elif http:  # a row the endpoint step did not send (a "before" row)
            line += " - | - |"
        lines.append(line)
    lines.append("")
    cpu_cells = []
    for r in ctx["library"]:
        got = [f"{ENGINE_LABEL[e]} {ms(r[e]['cpu'])}" for e in ENGINES if r.get(e, {}).get("cpu") is not None]
        if got:
            cpu_cells.append(f"{r['name']}: " + ", ".join(got))
    if cpu_cells and a.queries:
        lines += ["CPU time of the engine's process, median ms (wall time above includes waiting for a core):", ""]
        lines += [f"- {c}" for c in cpu_cells] + [""]
    s = ctx["library_summary"]
    if s["both"]:
        lines.append(
            f"Sum over the {s['both']} queries ikg and rdflib both finished: ikg {ms(s['ikg_sum'])} ms, rdflib "
            f"{ms(s['rdflib_sum'])} ms (**{s['ratio']:,.1f}x**)."
        )
    if s["raw_both"]:
        lines.append(
            f"Sum over the {s['raw_both']} queries ikg and raw pyoxigraph both finished: ikg {ms(s['ikg_raw_sum'])} ms, "
            f"raw {ms(s['raw_sum'])} ms (overhead **{s['overhead_sum']:.2f}x**); worst single query "
            + (
                f"{s['overhead_worst']:.2f}x ({s['overhead_worst_query']}) among the {s['overhead_counted']} taking "
                f"at least {NOISE_FLOOR * 1000:g} ms on raw pyoxigraph"
                if s["overhead_worst"] is not None
                else f"– (no query takes {NOISE_FLOOR * 1000:g} ms on raw pyoxigraph)"
            )
            + f", {s['overhead_worst_all']:.2f}x ({s['overhead_worst_all_query']}) over all (ikg adds a Python "
            "call and a try block per query; on queries of a few milliseconds the ratio is scheduling noise)."
        )
    if http and s.get("sparql_queries"):
        same = (
            f"; ikg in process on the same queries {ms(s['sparql_ikg_sum_ms'] / 1000)} ms"
            if s.get("sparql_ikg_sum_ms") is not None
            else ""
        )
        lines.append(
            f"Sum over the {s['sparql_queries']} queries ikg through /sparql and rdflib both finished: /sparql "
            f"{ms(s['sparql_sum_ms'] / 1000)} ms, rdflib {ms(s['sparql_rdflib_sum_ms'] / 1000)} ms "
            f"(**{s['sparql_ratio']:,.1f}x**{same})."
        )
    elif http:
        lines.append("No query finished both through /sparql and on rdflib.")
    if http and s.get("sparql_rows_differ"):
        by_name = {r["name"]: r for r in ctx["library"]}
        lines.append(
            "**Rows differ between /sparql and ikg in process** on: "
            + ", ".join(
                f"{n} (/sparql {http[n]['rows']}, in process {by_name[n]['ikg']['rows']})"
                for n in s["sparql_rows_differ"]
            )
            + "."
        )
    for r in ctx["library"]:
        for engine in ENGINES:
            if r[engine]["status"] == "error":
                lines.append(f"\n{ENGINE_LABEL[engine]} error on {r['name']}: `{r[engine]['rows']}`")
        h = http.get(r["name"], {})
        if h.get("status") in ("error", "timeout"):
            lines.append(f"\nikg /sparql {h['status']} on {r['name']}: `{h['error']}`")
    if ctx.get("notes"):
        lines += [""] + [f"Note: {n}" for n in ctx["notes"]]
    return "\n".join(lines) + "\n"


def report_endpoint(ctx: dict[str, Any]) -> str:
    a = ctx["args"]
    lines = _head(ctx, EP_HEADING)
    lines += [
        f"### /sparql latency, ms (mix: {', '.join(a.mix)}; round-robin)",
        "",
        f"ikg: `ikg --store DIR --no-seed serve --query-timeout {a.limit:g}` ({ctx['workers']} Oxigraph worker "
        f"processes, `IKG_WORKERS`), ready after {ctx['startup'].get('ikg serve', 0):.1f} s. rdflib-endpoint: "
        f"`rdflib-endpoint serve DATA.trig` (endpoint at `/`; same two named graphs as TriG, in-memory store, "
        f"`Dataset(default_union=True)`; same query texts, nothing rewritten), ready after "
        f"{ctx['startup'].get('rdflib-endpoint', 0):.1f} s (parse included). httpx POST "
        f"`application/sparql-query`, Accept `application/sparql-results+json`, JSON parsed; one unmeasured "
        f"warm-up pass of the mix per server; client timeout {a.timeout:g} s (server deadline + 15 s); no new request after "
        f"{a.budget:g} s per level. Nearest-rank percentiles of the successful requests.",
        "",
        "| server | clients | requests ok / sent | errors | p50 ms | p99 ms | wall s | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in ctx["endpoints"]:
        rps = r["ok"] / r["wall"] if r["wall"] else 0
        skipped = f" ({r['skipped']} not sent: budget)" if r["skipped"] else ""
        lines.append(
            f"| {r['server']} | {r['clients']} | {r['ok']} / {r['sent']}{skipped} | {len(r['errors'])} | "
            f"{ms(r['p50'])} | {ms(r['p99'])} | {r['wall']:.1f} | {rps:.2f} |"
        )
    lines.append("")
    for clients, e in ctx["endpoint_summary"]["levels"].items():
        if e["ratio"] is not None:
            lines.append(
                f"- p50 rdflib-endpoint / ikg at {clients} client(s): {'>' if e['lower_bound'] else ''}"
                f"{e['ratio']:,.1f}x"
            )
    for r in ctx["endpoints"]:
        if r["clients"] == 1:
            lines.append(
                f"- {r['server']}, 1 client, median ms per query: "
                + ", ".join(f"{n} {ms(v)}" for n, v in r["by_query"].items())
            )
    lib = ctx.get("library_summary") or {}
    if lib.get("sparql_ratio") is not None:
        lines.append(
            f"- every library query through ikg's /sparql, one at a time (column `ikg /sparql ms` of "
            f"`{LIB_HEADING[3:]}`): rdflib in-memory / /sparql over the {lib['sparql_queries']} queries both "
            f"finished {lib['sparql_ratio']:,.1f}x"
        )
    for r in ctx["endpoints"]:
        for e in sorted(set(r["errors"]))[:3]:
            lines.append(f"\n{r['server']}, {r['clients']} client(s), error: `{e}`")
    sk = ctx.get("soak")
    if sk is not None:
        rss = (
            f"{sk['rss_start']:,.0f} MB after start, {sk['rss_before']:,.0f} MB before, {sk['rss_after']:,.0f} MB after"
            if None not in (sk["rss_start"], sk["rss_before"], sk["rss_after"])
            else "?"
        )
        lines += [
            "",
            f"### Soak: `ikg serve`, {sk['clients']} clients for {sk['duration']:g} s",
            "",
            f"{sk['clients']} client threads send requests back to back, each cycling through all "
            f"{sk['queries']} library queries from its own offset (same texts and headers as above); requests "
            "started before the end are waited for. Errors: anything but HTTP 200 with a parsable JSON result. "
            "Server memory: resident set of its process group (uvicorn and the Oxigraph workers), from `/proc`.",
            "",
            "| requests | ok | errors | p50 ms | p99 ms | req/s | wall s | server RSS |",
            "|---:|---:|---:|---:|---:|---:|---:|---|",
            f"| {sk['requests']:,} | {sk['ok']:,} | {len(sk['errors'])} | {ms(sk['p50'])} | {ms(sk['p99'])} | "
            f"{sk['rps']:.1f} | {sk['wall']:.1f} | {rss} |",
        ]
        for e in sorted(set(sk["errors"]))[:3]:
            lines.append(f"\nsoak error: `{e}`")
    if ctx.get("notes"):
        lines += [""] + [f"Note: {n}" for n in ctx["notes"]]
    return "\n".join(lines) + "\n"


def summary(ctx: dict[str, Any]) -> dict[str, Any]:
    """What ``bench/run`` reads: data size, the library and the endpoint summaries."""
    return {
        "actors": ctx["args"].actors,
        "reps": ctx["args"].reps,
        "library": ctx.get("library_summary"),
        "endpoint": ctx.get("endpoint_summary"),
    }


# -- main ----------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument(
        "--actors", type=int, default=None, help="actors in the synthetic concept (10000; 1000 with --quick)"
    )
    ap.add_argument("--reps", type=int, default=None, help="runs per query, median (3; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="1,000 actors, one run, 10 s limit, fewer requests")
    ap.add_argument(
        "--limit",
        type=float,
        default=None,
        help="limit per query and engine, and ikg's deadline, s (120; 10 with --quick)",
    )
    ap.add_argument("--mix", default=",".join(MIX), help="comma-separated library queries for the endpoint load")
    ap.add_argument(
        "--endpoint-duration",
        type=float,
        default=None,
        help="soak of ikg serve, s (60; 10 with --quick; 0: no soak)",
    )
    ap.add_argument("--soak-clients", type=int, default=8, help="concurrent clients of the soak (8)")
    ap.add_argument("--results", type=Path, default=BENCH_DIR / "RESULTS.md")
    ap.add_argument("--json", type=Path, default=None, help="also save the measurements and summary here")
    ap.add_argument("--skip-endpoints", action="store_true", help="only the query library")
    ap.add_argument("--skip-library", action="store_true", help="only the endpoint latency and soak")
    ap.add_argument("--note", default="", help="a sentence added to the report")
    ap.add_argument("--queries", default="", help="comma-separated library queries: only these, no endpoint part")
    ap.add_argument("--before", default=None, help="git revision: also time the queries' texts as they were there")
    args = ap.parse_args()
    # on SIGTERM unwind through the finally blocks, which stop the servers and child processes
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.actors = args.actors or (1000 if args.quick else 10000)
    args.reps = args.reps or (1 if args.quick else 3)
    args.limit = args.limit or (10.0 if args.quick else 120.0)
    if args.endpoint_duration is None:
        args.endpoint_duration = 10.0 if args.quick else 60.0
    args.timeout = args.limit + 15  # the client waits past the server's deadline, to see its answer
    args.mix = [m.strip() for m in args.mix.split(",") if m.strip()]
    args.queries = [m.strip() for m in args.queries.split(",") if m.strip()]
    if args.queries:
        args.skip_endpoints = True
    if not args.skip_endpoints and not (VENV_BIN / "rdflib-endpoint").is_file():
        ap.error(
            f"rdflib-endpoint (what the endpoint is compared with) is not installed in {VENV_BIN}: "
            "pip install -e '.[test,bench]', or leave the comparison out with --skip-endpoints"
        )
    args.requests_1 = 10 if args.quick else 25
    args.requests_8 = 2 if args.quick else 5
    args.budget = 60.0 if args.quick else 300.0
    args.load_limit = 600.0
    t_all = time.perf_counter()
    load_start = os.getloadavg()
    tree = git_tree()

    from ikg.graph.namespaces import ONTOLOGY_GRAPH, concept_graph

    concept_id = f"synthetic-{args.actors}"
    concept_iri = str(concept_graph(concept_id))
    data = ensure_data(args.actors, ("ttl",))
    ttl = data / "concept.ttl"
    trig = data / "dataset.trig"
    if not args.skip_endpoints and not trig.is_file():
        write_trig(ttl, trig, concept_iri, str(ONTOLOGY_GRAPH))

    work = Path(tempfile.mkdtemp(prefix="ikg-bench-store-"))
    store_dir = work / "store"
    raw_dir = work / "raw"
    ontology = str(ONTOLOGY_GRAPH)
    runners = {
        "ikg": Runner("ikg", store_dir, concept_iri, ontology, args.load_limit),
        "raw": Runner("raw", raw_dir, concept_iri, ontology, args.load_limit),
        "rdflib": Runner("rdflib", ttl, concept_iri, ontology, args.load_limit),
    }
    library_rows: list = []
    via_http: dict[str, dict[str, Any]] = {}
    endpoints: list[dict] = []
    startup: dict[str, float] = {}
    workers = 0
    soaked = None
    try:
        log("loading the ikg store")
        store, ikg_load, triples = load_ikg(store_dir, ttl, concept_iri)
        log(f"ikg store loaded in {ikg_load['total']:.1f} s ({triples} concept triples)")
        values = find_params(store, concept_id, concept_iri)
        log(f"parameters: {values}")
        del store  # one process at a time opens the store: the ikg child, later `ikg serve`
        gc.collect()
        texts = bound_texts(values, args.queries or None, args.before)
        if not args.skip_library:
            shutil.copytree(store_dir, raw_dir)  # closed above: a consistent copy
            try:
                for runner in runners.values():
                    runner.start()
                library_rows = bench_library(runners, texts, args.reps, args.limit)
            finally:
                for runner in runners.values():
                    runner.stop()
            shutil.rmtree(raw_dir, ignore_errors=True)
        if not args.skip_endpoints:
            endpoints, startup, workers, soaked, via_http = bench_endpoints(store_dir, trig, texts, args)
            for r in endpoints:
                r["timeout"] = args.timeout
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load_end = os.getloadavg()
    notes = [
        "load average (1, 5, 15 min) at the start "
        + ", ".join(f"{x:.2f}" for x in load_start)
        + ", at the end "
        + ", ".join(f"{x:.2f}" for x in load_end)
        + f" ({os.cpu_count()} CPUs)."
    ]
    if args.before:
        notes.append(
            f"rows `NAME (before, {args.before})` time the query's text at {args.before}, bound the same way; "
            "they are not in the sums."
        )
    if args.reps == 1:
        notes.append("one run per query (--reps 1; queries under 100 ms still 7 runs), no median of slow ones.")
    if args.note:
        notes.append(args.note)
    command = shlex.join(["python", "bench/sparql_bench.py", *sys.argv[1:]])
    ctx: dict[str, Any] = {
        "args": args,
        "command": command,
        "total_s": time.perf_counter() - t_all,
        "machine": machine(PACKAGES),
        "data_dir": data,
        "tree": tree,
        "triples": triples,
        "values": values,
        "ikg_load": ikg_load,
        "rdf_load": runners["rdflib"].loads,
        "rdf_rss": runners["rdflib"].rss_mb,
        "kills": {e: r.kills for e, r in runners.items()},
        "library": library_rows,
        "library_http": via_http,
        "library_summary": library_summary(library_rows, via_http) if library_rows else None,
        "endpoints": endpoints,
        "endpoint_summary": endpoint_summary(endpoints, soaked) if endpoints else None,
        "soak": soaked,
        "startup": startup,
        "workers": workers,
        "notes": notes,
    }
    if library_rows:
        heading = SEL_HEADING if args.queries else LIB_HEADING
        section = report_library(ctx, heading)
        print(section)
        write_results(args.results, heading, section, drop=[] if args.queries else [OLD_HEADING])
    if endpoints:
        section = report_endpoint(ctx)
        print(section)
        write_results(args.results, EP_HEADING, section, drop=[OLD_HEADING])
    log(f"wrote {args.results}")
    if args.json:
        saved = {k: v for k, v in ctx.items() if k != "args"} | {"args": vars(args), "summary": summary(ctx)}
        args.json.write_text(json.dumps(saved, indent=1, default=str), encoding="utf-8")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
