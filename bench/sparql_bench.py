"""Benchmark the named query library and the /sparql endpoint: ikg (Oxigraph) against rdflib.

Usage::

    python bench/sparql_bench.py [--actors 10000] [--reps 3] [--quick] [--limit S] [--results PATH]

One run measures, on a synthetic concept ``synthetic-N`` (``bench/generate.py``, cached under
``/tmp/ikg-bench-N`` and reused when present):

1. **Query library.** Every ``.rq`` file of :func:`ikg.graph.library.library`, parameters bound
   exactly as ikg binds them (``bind_values(q.text, bind_params(q, params))``; ids found with
   SPARQL on the data), run on

   * the ikg embedded store: a fresh on-disk :class:`ikg.graph.store.Store` in a temp dir (the
     ontology by ``ensure_ready(store, seed=False)``, the concept's Turtle in its named graph by
     ``store.replace_graph``); queries by ``store.query(text)``, all rows iterated; and
   * rdflib's in-memory ``Dataset(default_union=True)`` holding the same two named graphs,
     ``list(dataset.query(text))``.

   Each engine runs in its own child process that opens or loads the data once. Neither engine
   can cancel a query from Python, so a query past the limit (120 s; 10 s with ``--quick``) kills
   the child; it is recorded as ``>LIMIT s`` and a fresh child takes the next query. Median of
   ``--reps`` runs per query (a run past the limit, failing, or over a quarter of it is not
   repeated), the ratio rdflib / ikg, and both row counts.

2. **Endpoint latency.** ``ikg --store DIR --no-seed serve --query-timeout LIMIT`` (its
   read-only Oxigraph worker pool, ``IKG_WORKERS``, default 2) against ``rdflib-endpoint serve``
   (``pip install rdflib-endpoint``; a comparison target only, not a dependency of ikg), both on
   127.0.0.1. rdflib-endpoint is given the same triples as a TriG file (ontology graph + concept
   graph; its ``Dataset(default_union=True)`` keeps TriG's named graphs), so both servers get
   the *same* query texts, nothing rewritten. A fixed mix of five library queries (``--mix``) is
   sent round-robin with httpx (POST ``application/sparql-query``, Accept
   ``application/sparql-results+json``): one unmeasured warm-up pass of the mix, then 1 client x
   25 requests and 8 clients x 5 requests each (10 and 8 x 2 with ``--quick``); client timeout
   LIMIT + 15 s; no new request after a wall-clock budget per load level (300 s; 60 s with
   ``--quick``). p50/p99 are nearest-rank over the successful requests (with 25 or 40 samples
   p99 is the maximum).

``--quick`` means 1,000 actors (unless ``--actors``), one run per query, a 10 s limit and fewer
requests: a couple of minutes. The result is printed and written to ``bench/RESULTS.md`` under
the heading ``## SPARQL: query library and endpoint (issue 3)`` (that section is replaced, the
rest of the file kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata as md
import math
import multiprocessing as mp
import os
import platform
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

HEADING = "## SPARQL: query library and endpoint (issue 3)"
BENCH_DIR = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent

# the endpoint mix: typical library queries
MIX = ("action-fields", "wg-members", "goals-without-actor", "timeline", "actors-by-town-and-field")

PREFIXES = """PREFIX ikg: <https://w3id.org/ikg/ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- data ----------------------------------------------------------------------------------------


def write_ttl_fallback(csv_folder: Path, path: Path) -> int:
    """Same as ``bench/generate.py``'s ``write_ttl``, with ``to_ox`` from ``ikg.graph.terms``."""
    import pyoxigraph as ox

    from ikg.graph.ingest import check_spreadsheet
    from ikg.graph.namespaces import PREFIXES as NS
    from ikg.graph.terms import to_ox

    mapped = check_spreadsheet(csv_folder)
    errors = [p for p in mapped.problems if p.severity == "error"]
    assert not errors, f"{len(errors)} error problem(s), first: {errors[:3]}"
    triples = sorted((ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in mapped.graph), key=lambda t: str(t))
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=NS) or b"")
    return len(triples)


def ensure_data(actors: int) -> Path:
    """Return ``/tmp/ikg-bench-N`` holding ``concept.ttl``, generating it when missing."""
    out = Path(f"/tmp/ikg-bench-{actors}")
    ttl = out / "concept.ttl"
    if ttl.is_file() and ttl.stat().st_size > 0:
        log(f"reusing {ttl}")
        return out
    log(f"generating {out} (bench/generate.py --actors {actors})")
    cmd = [sys.executable, str(BENCH_DIR / "generate.py"), "--actors", str(actors), "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if not ttl.is_file() or ttl.stat().st_size == 0:
        # generate.py's own Turtle writer may fail (e.g. a stale import); map the CSVs ourselves
        if not (out / "csv").is_dir():
            sys.exit(f"bench/generate.py failed:\n{proc.stdout}\n{proc.stderr}")
        last = (proc.stderr.strip().splitlines() or [""])[-1]
        log(f"generate.py wrote no Turtle ({last}); writing it with the same mapping here")
        n = write_ttl_fallback(out / "csv", ttl)
        log(f"wrote {ttl} ({n} triples)")
    return out


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
    import pyoxigraph as ox

    from ikg.graph.ingest import ensure_ready
    from ikg.graph.store import Store

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


def bound_texts(values: dict[str, str]) -> dict[str, tuple[str, dict[str, str]]]:
    """Every library query bound as ikg binds it: name -> (text, raw parameters)."""
    from ikg.graph.library import bind_params, library
    from ikg.graph.sparql_text import bind_values

    out = {}
    for name, q in library().items():
        raw = {p.name: values[p.name] for p in q.params if p.name in values}
        missing = [p.name for p in q.params if p.required and p.name not in raw]
        if missing:
            raise SystemExit(f"{name}: no value for required parameter(s) {missing}")
        out[name] = (bind_values(q.text, bind_params(q, raw)), raw)
    return out


# -- each engine in a killable child process ------------------------------------------------------


def _child(conn: Any, engine: str, location: str, concept_iri: str, ontology_iri: str) -> None:
    """Load or open the data once, then run query texts until told to stop; all rows consumed."""
    import resource

    t0 = time.perf_counter()
    if engine == "ikg":
        from ikg.graph.store import Store

        store = Store(location)

        def run(text: str) -> int:
            return sum(1 for _ in store.query(text))

        size = len(store)
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
            t1 = time.perf_counter()
            n = run(msg)
            conn.send(("ok", time.perf_counter() - t1, n))
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
            return self.conn.recv()
        log(f"{self.engine} passed the {limit:g} s limit: killing child {self.proc.pid}")
        self.kill()
        self.kills += 1
        return ("timeout", limit, None)


# -- part 1: the query library -------------------------------------------------------------------


def measure(runner: Runner, text: str, reps: int, limit: float) -> dict[str, Any]:
    """Median of ``reps`` runs; a run past the limit, failing, or over a quarter of it is not repeated."""
    times: list[float] = []
    status, rows = "ok", None
    for _ in range(reps):
        status, s, n = runner.run(text, limit)
        rows = n
        if status != "ok":
            break
        times.append(s)
        if s > limit / 4:
            break
    return {
        "status": status,
        "s": statistics.median(times) if status == "ok" else None,
        "rows": rows,
        "runs": len(times),
    }


def bench_library(
    ikg: Runner, rdf: Runner, texts: dict[str, tuple[str, dict[str, str]]], reps: int, limit: float
) -> list[dict[str, Any]]:
    out = []
    for name, (text, _raw) in texts.items():
        row = {"name": name, "ikg": measure(ikg, text, reps, limit), "rdf": measure(rdf, text, reps, limit)}
        out.append(row)

        def shown(m: dict[str, Any]) -> str:
            return (
                f"{m['s'] * 1000:.1f} ms ({m['rows']} rows)"
                if m["status"] == "ok"
                else f"{m['status']} {m['rows'] or ''}"
            )

        log(f"{name}: ikg {shown(row['ikg'])}, rdflib {shown(row['rdf'])}")
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
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


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
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}

    def client(k: int) -> None:
        with httpx.Client(timeout=timeout) as http:
            for i in range(per_client):
                if time.perf_counter() > stop_at:
                    with lock:
                        skipped[0] += per_client - i
                    return
                j = (k + i) % len(texts)
                text = texts[j]
                t0 = time.perf_counter()
                try:
                    r = http.post(url, content=text.encode("utf-8"), headers=headers)
                    ok = r.status_code == 200
                    err = None if ok else f"HTTP {r.status_code}: {r.text[:120]}"
                    if ok:
                        r.json()["results"]["bindings"]
                except Exception as exc:
                    ok, err = False, f"{type(exc).__name__}: {str(exc)[:120]}"
                with lock:
                    if ok:
                        lat.append(time.perf_counter() - t0)
                        by_query[names[j]].append(lat[-1])
                    else:
                        errors.append(err or "?")

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


def bench_endpoints(
    store_dir: Path, trig: Path, texts: dict[str, tuple[str, dict[str, str]]], args: argparse.Namespace
) -> tuple[list[dict], dict[str, float], int]:
    mix = [texts[n][0] for n in args.mix]
    levels = [(1, args.requests_1), (8, args.requests_8)]
    workers = os.environ.get("IKG_WORKERS", "2") or "2"
    out: list[dict] = []
    startup: dict[str, float] = {}
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
            warm = load_level(server.url, mix, 1, len(mix), args.timeout, args.budget, args.mix)
            log(f"{server.label} warm-up: {warm['ok']} ok, {len(warm['errors'])} errors, {warm['wall']:.1f} s")
            for e in warm["errors"][:3]:
                log(f"  warm-up error: {e}")
            for clients, per in levels:
                res = load_level(server.url, mix, clients, per, args.timeout, args.budget, args.mix)
                res["server"] = server.label
                out.append(res)
                p50 = f"{res['p50'] * 1000:.0f}" if res["p50"] is not None else "-"
                p99 = f"{res['p99'] * 1000:.0f}" if res["p99"] is not None else "-"
                log(
                    f"{server.label} {clients} client(s): {res['ok']}/{res['sent']} ok, p50 {p50} ms, "
                    f"p99 {p99} ms, {len(res['errors'])} errors, {res['skipped']} skipped, {res['wall']:.1f} s"
                )
                for e in sorted(set(res["errors"]))[:3]:
                    log(f"  error: {e}")
        finally:
            server.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return out, startup, int(workers)


# -- report --------------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    v = seconds * 1000
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}" if v >= 1 else f"{v:.2f}"


def machine() -> str:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass

    def ver(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "?"

    return (
        f"{os.cpu_count()} CPUs (nproc), {mem} RAM, Python {platform.python_version()}, "
        f"pyoxigraph {ver('pyoxigraph')}, oxigraph server {ver('oxigraph')}, rdflib {ver('rdflib')}, "
        f"rdflib-endpoint {ver('rdflib-endpoint')}, {platform.system()} {platform.machine()}; "
        f"{dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}"
    )


def git_tree() -> str:
    """The commit of the project tree and whether queries/ or the code differ from it."""
    root = BENCH_DIR.parent
    git = shutil.which("git")
    if git is None:
        return "?"
    try:
        head = subprocess.run(
            [git, "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            [git, "-C", str(root), "status", "--porcelain", "--", "queries", "graph", "api", "ontology"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return f"`{head}`" + (" (queries/ or code modified)" if dirty else " (queries/ and code as committed)")


def report(ctx: dict[str, Any]) -> str:
    a = ctx["args"]
    lines = [
        HEADING,
        "",
        f"Command: `{ctx['command']}` (total {ctx['total_s'] / 60:.1f} min)",
        "",
        f"Machine: {machine()}",
        "",
        f"Tree: {ctx['tree']}",
        "",
        f"Data: `synthetic-{a.actors}` from `bench/generate.py --actors {a.actors}` ({ctx['triples']:,} concept "
        f"triples + ontology), cached in `{ctx['data_dir']}`. Parameters (found with SPARQL on the ikg store): "
        + ", ".join(f"{k}=`{v}`" for k, v in ctx["values"].items() if k not in ("old", "new", "actor_id"))
        + "; `concept-diff` compares the concept with itself, `actor-involvement` uses actor_a.",
        "",
        "Load:",
        "",
        f"- ikg embedded store (on disk, fresh): {ctx['ikg_load']['total']:.1f} s "
        f"(ontology {ctx['ikg_load']['ontology']:.1f} s, pyoxigraph Turtle parse {ctx['ikg_load']['parse']:.1f} s, "
        f"`replace_graph` + flush {ctx['ikg_load']['write']:.1f} s)",
        (
            f"- rdflib `Dataset(default_union=True)` in memory: {ctx['rdf_load'][0]:.1f} s"
            + (
                f" (reloaded {len(ctx['rdf_load']) - 1}x after kills, median {statistics.median(ctx['rdf_load']):.1f} s)"
                if len(ctx["rdf_load"]) > 1
                else ""
            )
            + f", peak RSS of the rdflib process {ctx['rdf_rss']:,.0f} MB"
            if ctx["rdf_load"]
            else "- rdflib: not loaded here (--skip-library)"
        ),
        "",
        f"### Query library: median of {a.reps} run(s), ms",
        "",
        f"Each engine runs in its own child process (ikg: `Store(DIR).query(text)` on the on-disk store, rows "
        f"iterated; rdflib: `list(dataset.query(text))`); a query past {a.limit:g} s is killed with its process, "
        f"shown as `>{a.limit:g} s` and not repeated (kills: ikg {ctx['kills']['ikg']}, rdflib "
        f"{ctx['kills']['rdflib']}); a run over {a.limit / 4:g} s is not repeated either (marked `(1 run)`). "
        "Ratio > 1: ikg faster.",
        "",
        "| query | rows ikg | rows rdflib | ikg ms | rdflib ms | rdflib / ikg |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    both = 0
    ikg_sum = rdf_sum = 0.0
    for r in ctx["library"]:
        i, d = r["ikg"], r["rdf"]

        def cell(m: dict[str, Any]) -> str:
            if m["status"] == "ok":
                return ms(m["s"]) + (f" ({m['runs']} run)" if m["runs"] < a.reps else "")
            return f">{a.limit:g} s" if m["status"] == "timeout" else "error"

        def rows(m: dict[str, Any]) -> str:
            return str(m["rows"]) if m["status"] == "ok" else "-"

        if i["status"] == "ok" and d["status"] == "ok":
            ratio = f"{d['s'] / i['s']:,.1f}x"
            both += 1
            ikg_sum += i["s"]
            rdf_sum += d["s"]
        elif i["status"] == "ok" and d["status"] == "timeout":
            ratio = f">{a.limit / i['s']:,.0f}x"
        elif i["status"] == "timeout" and d["status"] == "ok":
            ratio = f"<{d['s'] / a.limit:,.2f}x"
        else:
            ratio = "-"
        flag = " (differs)" if i["status"] == d["status"] == "ok" and i["rows"] != d["rows"] else ""
        lines.append(f"| {r['name']} | {rows(i)} | {rows(d)}{flag} | {cell(i)} | {cell(d)} | {ratio} |")
    lines.append("")
    if both:
        lines.append(
            f"Sum over the {both} queries both engines finished: ikg {ms(ikg_sum)} ms, rdflib {ms(rdf_sum)} ms "
            f"({rdf_sum / ikg_sum:,.1f}x)."
        )
    for r in ctx["library"]:
        for engine, m in (("ikg", r["ikg"]), ("rdflib", r["rdf"])):
            if m["status"] == "error":
                lines.append(f"\n{engine} error on {r['name']}: `{m['rows']}`")
    lines += [
        "",
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
    for r in ctx["endpoints"]:
        if r["clients"] == 1:
            lines.append(
                f"- {r['server']}, 1 client, median ms per query: "
                + ", ".join(f"{n} {ms(v)}" for n, v in r["by_query"].items())
            )
    for r in ctx["endpoints"]:
        for e in sorted(set(r["errors"]))[:3]:
            lines.append(f"\n{r['server']}, {r['clients']} client(s), error: `{e}`")
    if ctx.get("notes"):
        lines += [""] + [f"Note: {n}" for n in ctx["notes"]]
    return "\n".join(lines) + "\n"


def write_results(path: Path, section: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if HEADING in old:
        start = old.index(HEADING)
        nxt = old.find("\n## ", start + len(HEADING))
        new = old[:start] + section + ("\n" + old[nxt + 1 :] if nxt != -1 else "")
    else:
        new = old.rstrip("\n") + "\n\n" + section
    path.write_text(new, encoding="utf-8")


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
    ap.add_argument("--results", type=Path, default=BENCH_DIR / "RESULTS.md")
    ap.add_argument("--skip-endpoints", action="store_true", help="only the query library")
    ap.add_argument("--skip-library", action="store_true", help="only the endpoint latency")
    ap.add_argument("--note", default="", help="a sentence added to the report")
    args = ap.parse_args()
    # on SIGTERM unwind through the finally blocks, which stop the servers and child processes
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.actors = args.actors or (1000 if args.quick else 10000)
    args.reps = args.reps or (1 if args.quick else 3)
    args.limit = args.limit or (10.0 if args.quick else 120.0)
    args.timeout = args.limit + 15  # the client waits past the server's deadline, to see its answer
    args.mix = [m.strip() for m in args.mix.split(",") if m.strip()]
    args.requests_1 = 10 if args.quick else 25
    args.requests_8 = 2 if args.quick else 5
    args.budget = 60.0 if args.quick else 300.0
    args.load_limit = 600.0
    t_all = time.perf_counter()
    tree = git_tree()

    from ikg.graph.namespaces import ONTOLOGY_GRAPH, concept_graph

    concept_id = f"synthetic-{args.actors}"
    concept_iri = str(concept_graph(concept_id))
    data = ensure_data(args.actors)
    ttl = data / "concept.ttl"
    trig = data / "dataset.trig"
    if not trig.is_file():
        write_trig(ttl, trig, concept_iri, str(ONTOLOGY_GRAPH))

    work = Path(tempfile.mkdtemp(prefix="ikg-bench-store-"))
    store_dir = work / "store"
    ikg = Runner("ikg", store_dir, concept_iri, str(ONTOLOGY_GRAPH), args.load_limit)
    rdf = Runner("rdflib", ttl, concept_iri, str(ONTOLOGY_GRAPH), args.load_limit)
    try:
        log("loading the ikg store")
        store, ikg_load, triples = load_ikg(store_dir, ttl, concept_iri)
        log(f"ikg store loaded in {ikg_load['total']:.1f} s ({triples} concept triples)")
        values = find_params(store, concept_id, concept_iri)
        log(f"parameters: {values}")
        del store  # one process at a time opens the store: the ikg child, later `ikg serve`
        gc.collect()
        texts = bound_texts(values)
        library_rows: list = []
        if not args.skip_library:
            try:
                rdf.start()
                ikg.start()
                library_rows = bench_library(ikg, rdf, texts, args.reps, args.limit)
            finally:
                ikg.stop()
                rdf.stop()
        endpoints: list[dict] = []
        startup: dict[str, float] = {}
        workers = 0
        if not args.skip_endpoints:
            endpoints, startup, workers = bench_endpoints(store_dir, trig, texts, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    notes = []
    if args.reps == 1:
        notes.append("one run per query (--reps 1), no median.")
    if args.note:
        notes.append(args.note)
    ctx = {
        "args": args,
        "command": "python bench/sparql_bench.py " + " ".join(sys.argv[1:]),
        "total_s": time.perf_counter() - t_all,
        "data_dir": data,
        "tree": tree,
        "triples": triples,
        "values": values,
        "ikg_load": ikg_load,
        "rdf_load": rdf.loads,
        "rdf_rss": rdf.rss_mb,
        "kills": {"ikg": ikg.kills, "rdflib": rdf.kills},
        "library": library_rows,
        "endpoints": endpoints,
        "startup": startup,
        "workers": workers,
        "notes": notes,
    }
    section = report(ctx)
    print(section)
    write_results(args.results, section)
    log(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
