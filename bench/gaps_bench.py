"""Benchmark the gap analysis (``ikg.graph.gaps``) against a plain networkx implementation.

Usage::

    python bench/gaps_bench.py [--sizes 1000,10000,100000] [--reps 3] [--quick] [--limit S]
                               [--nx-max-actors N] [--nx-holes-max-actors N]
                               [--nx-betweenness-max-actors N] [--results PATH] [--json PATH]
    python bench/gaps_bench.py --render /tmp/ikg-gaps-bench.json   # re-write the report only

A full run (1,000 / 10,000 / 100,000 actors) takes about an hour on 2 cores: ten minutes of it are
networkx's exact betweenness killed at 10,000 actors, 35-45 minutes the 100,000-actor size.

For each size ``N`` (actors) of a synthetic concept ``synthetic-N``:

**Data.** ``bench/generate.py --actors N --out /tmp/ikg-bench-N``; ``concept.ttl`` there is
reused when present. Up to ``--shacl-max-actors`` (10,000) the Turtle is generate.py's own
(``check_spreadsheet``: mapping *and* pySHACL, asserted free of errors). Above, only the CSVs are
generated and the Turtle is written here with the same mapping (``read_tables`` + ``map_tables``,
its own problems asserted free of errors) but *without* the pySHACL pass, which does not scale to
that size; the report says which route each size took. The Turtle is bulk-loaded into a fresh
on-disk ikg store (``ensure_ready(store, seed=False)``, then pyoxigraph's ``Store.bulk_load``
into the concept's named graph) in a temporary folder, removed at the end.

**ikg.** In a child process: ``load_network(store, concept)`` and ``analyse(net, top=10)``, each
timed (wall and process CPU time), with the peak RSS of the child (``ru_maxrss``). Then the stages ``analyse`` calls, each in
its own child that unpickles the same ``ConceptNetwork`` (prerequisites built untimed): the
actor tie graph (``actor_network``), ``missing_links``, ``constraint_and_effective_size``,
``betweenness`` (exact up to 2,000 actors, 256 pivots above), Louvain (``communities``),
articulation points + bridges, and writing the findings of the other kinds (coverage, broker,
silo, isolate). The peak RSS of a stage child includes the network and graph it needs.

**networkx.** The same ``ConceptNetwork`` (so both get identical input), each part in its own
child with a time limit (``--limit``, 600 s; 20 s with ``--quick``); a child past it is killed and
the part shown as ``>LIMIT s``:

* missing links: bipartite actor–goal graph ``B`` from ``net.pursuers()`` (concept goals left
  out as ``actor_goal_matrix`` does), the tie graph ``actor_network(net)``, candidates = edges of
  ``bipartite.projected_graph(B, actors)`` without a tie, ``adamic_adar_index(B, candidates)``,
  sorted;
* ``constraint(G, weight="weight")``, ``effective_size(G)``, ``betweenness_centrality(G)``
  (exact), and, where ikg samples, ``betweenness_centrality(G, k=256, seed=42)`` like for like.

Some parts are not attempted above a size, and estimated instead (marked *est.*):
``--nx-max-actors`` (100,000) for the missing links; ``--nx-holes-max-actors`` (10,000) for
``constraint`` / ``effective_size``: on the whole graph networkx 3.6 multiplies all-pairs sparse
matrices and ``effective_size`` densifies an n x n product (80 GB at 100,000 actors), so above
it their *per-node* path (``nodes=`` 50 random nodes) is timed and extrapolated, a different code
path, so no ratio is given for it; ``--nx-betweenness-max-actors`` (10,000) for betweenness,
estimated from 8 pivots. A killed exact betweenness is estimated from the 256-pivot run.

**Cross-check.** networkx's top 10 candidate pairs by Adamic–Adar must equal ikg's top 10 by goal
affinity: ikg's own ``missing_links`` on the same network with the action fields removed (its
score then *is* the goal affinity, unrounded); same pairs and values within 1e-9 (pairs tied at
rank 10 may swap). The goal affinity in the evidence of ikg's real top 10 (score with the field
part) must match networkx's score of those pairs within the evidence's rounding (5e-7), and
ikg's number of missing-link pairs must equal networkx's number of candidates. A mismatch fails
the run (exit 1, after writing the report).

Timings are the median of ``--reps`` runs (3; 1 with ``--quick`` and at 100,000 actors); a run
over a quarter of the limit is not repeated; peak RSS is the largest over the runs.
``--quick`` is 1,000 actors, one run, a 20 s limit (under two minutes). The result is printed and
written to ``bench/RESULTS.md`` under ``## Gap analysis (issue 4)`` (only that section is
replaced; the file is re-read right before writing); the raw measurements go to ``--json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import math
import multiprocessing as mp
import os
import pickle
import platform
import random
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

HEADING = "## Gap analysis (issue 4)"
BENCH_DIR = Path(__file__).resolve().parent
PIVOTS = 256  # ikg.graph.metrics.BETWEENNESS_PIVOTS
HOLES_SAMPLE = 50  # nodes timed for an estimate of networkx's per-node constraint / effective size
ESTIMATE_PIVOTS = 8  # sources timed for a networkx betweenness estimate
AA_TOL = 1e-9
EVIDENCE_TOL = 5e-7 + 1e-9  # evidence["goal_affinity"] is rounded to 6 decimals

IKG_STAGES: tuple[tuple[str, str], ...] = (
    ("actor_network", "actor tie graph (`actor_network`)"),
    ("missing_links", "missing links (Adamic–Adar)"),
    ("constraint", "constraint + effective size"),
    ("betweenness", "betweenness"),
    ("louvain", "Louvain communities"),
    ("cut", "articulation points + bridges"),
    ("findings", "coverage, broker, silo, isolate findings"),
)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- child tasks ----------------------------------------------------------------------------------
# Every task runs in a fresh spawned process, so ru_maxrss is that task's own peak.


def _load(path: str) -> tuple[Any, Any, Any]:
    """(ConceptNetwork, per-actor metrics, metrics info) as the first ikg_full child pickled them."""
    with open(path, "rb") as f:
        return pickle.load(f)  # noqa: S301 - our own file, written by the ikg_full task


def _load_net(path: str) -> Any:
    return _load(path)[0]


def task_ttl_without_shacl(p: dict[str, Any]) -> dict[str, Any]:
    """generate.py's write_ttl without the pySHACL pass: same mapping, same sorted Turtle."""
    import pyoxigraph as ox

    from ikg.graph.mapping import map_tables
    from ikg.graph.namespaces import PREFIXES
    from ikg.graph.tabular import read_tables
    from ikg.graph.terms import to_ox

    t0 = time.perf_counter()
    tables, problems = read_tables(p["csv"])
    mapped = map_tables(tables)
    errors = [x for x in problems + mapped.problems if x.severity == "error"]
    assert not errors, f"{len(errors)} error problem(s), first: {errors[:3]}"
    t1 = time.perf_counter()
    triples = sorted((ox.Triple(to_ox(s), to_ox(pr), to_ox(o)) for s, pr, o in mapped.graph), key=lambda t: str(t))
    tmp = Path(p["ttl"]).with_suffix(".ttl.part")
    tmp.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")
    tmp.replace(p["ttl"])
    return {"map_s": t1 - t0, "write_s": time.perf_counter() - t1, "triples": len(triples), "rss": rss_mb()}


def task_store(p: dict[str, Any]) -> dict[str, Any]:
    """A fresh on-disk store: ontology by ensure_ready, the concept by pyoxigraph's bulk_load."""
    import gc

    import pyoxigraph as ox

    from ikg.graph.ingest import ensure_ready
    from ikg.graph.store import Store

    t0 = time.perf_counter()
    store = Store(p["store"])
    ensure_ready(store, seed=False)
    store.flush()
    del store
    gc.collect()
    t1 = time.perf_counter()
    raw = ox.Store(p["store"])
    raw.bulk_load(path=p["ttl"], format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(p["graph"]))
    raw.flush()
    quads = sum(1 for _ in raw.quads_for_pattern(None, None, None, ox.NamedNode(p["graph"])))
    return {"ontology_s": t1 - t0, "bulk_load_s": time.perf_counter() - t1, "quads": quads, "rss": rss_mb()}


def task_ikg_full(p: dict[str, Any]) -> dict[str, Any]:
    """load_network + analyse(top=10), as `ikg gaps` runs them; pickles the network once."""
    from ikg.graph.gaps import analyse
    from ikg.graph.network import load_network
    from ikg.graph.store import Store

    store = Store(p["store"])
    c0, t0 = time.process_time(), time.perf_counter()
    net = load_network(store, p["concept"])
    c1, t1 = time.process_time(), time.perf_counter()
    rss_load = rss_mb()
    result = analyse(net, top=p["top"])
    c2, t2 = time.process_time(), time.perf_counter()
    rss_all = rss_mb()
    top = [
        {
            "x": f.subjects[0].iri,
            "y": f.subjects[1].iri,
            "ids": [f.subjects[0].id, f.subjects[1].id],
            "score": f.score,
            "goal_affinity": f.evidence["goal_affinity"],
            "field_affinity": f.evidence["field_affinity"],
        }
        for f in result.findings["missing-link"]
    ]
    if p.get("pickle") and not Path(p["pickle"]).exists():
        with open(p["pickle"], "wb") as f:
            pickle.dump((net, result.metrics, result.info), f, protocol=pickle.HIGHEST_PROTOCOL)
    return {
        "load_s": t1 - t0,
        "analyse_s": t2 - t1,
        "load_cpu": c1 - c0,
        "analyse_cpu": c2 - c1,
        "rss_load": rss_load,
        "rss": rss_all,
        "totals": result.totals,
        "top": top,
        "betweenness": result.info["betweenness"],
        "communities": len(result.info["communities"]),
        "articulation_points": len(result.info["articulation_points"]),
        "bridges": len(result.info["bridges"]),
        "actors": len(net.actors),
        "goals": sum(1 for g in net.goals if g.subkind != "concept_goal"),
        "working_groups": sum(1 for i in net.items.values() if i.kind == "working_group"),
    }


def task_ikg_stage(p: dict[str, Any]) -> dict[str, Any]:
    """One stage of analyse(), timed alone; what it needs is built first, untimed."""
    import networkx as nx

    from ikg.graph import gaps, metrics
    from ikg.graph.network import actor_network

    net, per_actor, info = _load(p["pickle"])  # metrics as analyse() computed them, for "findings"
    stage = p["stage"]
    extra: dict[str, Any] = {}
    graph = actor_network(net) if stage != "actor_network" else None
    c0, t0 = time.process_time(), time.perf_counter()
    if stage == "actor_network":
        graph = actor_network(net)
        extra = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    elif stage == "missing_links":
        _, extra["total"] = gaps.missing_links(net, p["top"])
    elif stage == "constraint":
        metrics.constraint_and_effective_size(graph)
    elif stage == "betweenness":
        _, extra["method"] = metrics.betweenness(graph)
    elif stage == "louvain":
        extra["communities"] = len(metrics.communities(graph))
    elif stage == "cut":
        extra["articulation_points"] = len(set(nx.articulation_points(graph)))
        extra["bridges"] = len(list(nx.bridges(graph)))
    elif stage == "findings":
        gaps.coverage_gaps(net)
        gaps.brokers(net, graph, per_actor, info)
        gaps.silos(net, graph, info)
        gaps.isolates(net, graph)
    else:
        raise ValueError(stage)
    return {"s": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rss": rss_mb(), **extra}


def task_ikg_goal_ranking(p: dict[str, Any]) -> dict[str, Any]:
    """ikg's missing_links with the action fields removed: its score is then the goal affinity."""
    from ikg.graph.gaps import missing_links

    net = _load_net(p["pickle"])
    net.goal_fields = {}
    net.wg_fields = {}
    found, total = missing_links(net, p["top"])
    top = [
        {"x": f.subjects[0].iri, "y": f.subjects[1].iri, "ids": [f.subjects[0].id, f.subjects[1].id], "score": f.score}
        for f in found
    ]
    return {"top": top, "total": total, "rss": rss_mb()}


def _bipartite(net: Any) -> tuple[Any, list[str]]:
    import networkx as nx

    actors = [a.iri for a in net.actors]
    goals = [g.iri for g in net.goals if g.subkind != "concept_goal"]  # as actor_goal_matrix
    pursuers = net.pursuers()
    b = nx.Graph()
    b.add_nodes_from(actors, bipartite=0)
    b.add_nodes_from(goals, bipartite=1)
    b.add_edges_from((a, g) for g in goals for a in pursuers.get(g, ()))
    return b, actors


def task_nx_missing(p: dict[str, Any]) -> dict[str, Any]:
    """The plain networkx route to the missing links, timed part by part."""
    from networkx.algorithms import bipartite
    from networkx.algorithms.link_prediction import adamic_adar_index

    from ikg.graph.network import actor_network

    net = _load_net(p["pickle"])
    ids = {iri: item.id for iri, item in net.items.items()}
    t: dict[str, float] = {}
    c0, t0 = time.process_time(), time.perf_counter()
    b, actors = _bipartite(net)
    t1 = time.perf_counter()
    t["bipartite graph B"] = t1 - t0
    ties = actor_network(net)
    t2 = time.perf_counter()
    t["tie graph (`actor_network`)"] = t2 - t1
    projected = bipartite.projected_graph(b, actors)
    t3 = time.perf_counter()
    t["`projected_graph(B, actors)`"] = t3 - t2
    candidates = [(u, v) for u, v in projected.edges() if not ties.has_edge(u, v)]
    t4 = time.perf_counter()
    t["candidates (projection minus ties)"] = t4 - t3
    scored = []
    for u, v, s in adamic_adar_index(b, candidates):
        if ids[u] > ids[v]:
            u, v = v, u
        scored.append((-round(s, 12), ids[u], ids[v], u, v, s))
    scored.sort()
    t5 = time.perf_counter()
    cpu = time.process_time() - c0
    t["`adamic_adar_index` + sort"] = t5 - t4
    rss = rss_mb()
    # for the cross-check (untimed): networkx's score of the pairs ikg reported
    wanted = {tuple(sorted(pair)) for pair in p["ikg_pairs"]}
    of_ikg = {f"{u} {v}": s for _, _, _, u, v, s in scored if tuple(sorted((u, v))) in wanted}
    return {
        "s": t5 - t0,
        "cpu": cpu,
        "parts": t,
        "rss": rss,
        "projected_edges": projected.number_of_edges(),
        "candidates": len(candidates),
        "top": [{"x": u, "y": v, "ids": [a, c], "score": s} for _, a, c, u, v, s in scored[: p["top"]]],
        "of_ikg": of_ikg,
    }


def _max_diff(ours: dict[str, float], theirs: dict[str, float]) -> float:
    worst = 0.0
    for node, value in theirs.items():
        mine = ours[node]
        if math.isnan(value) and math.isnan(mine):
            continue
        worst = max(worst, abs(value - mine) if not (math.isnan(value) or math.isnan(mine)) else math.inf)
    return worst


def task_nx_metric(p: dict[str, Any]) -> dict[str, Any]:
    """One networkx metric on the actor tie graph; compared with ikg's value afterwards (untimed)."""
    import networkx as nx

    from ikg.graph import metrics
    from ikg.graph.network import actor_network

    net = _load_net(p["pickle"])
    graph = actor_network(net)
    which = p["which"]
    out: dict[str, Any] = {}
    c0, t0 = time.process_time(), time.perf_counter()
    if which == "constraint":
        values = nx.constraint(graph, weight="weight")
    elif which == "effective_size":
        values = nx.effective_size(graph)
    elif which == "betweenness":
        values = nx.betweenness_centrality(graph)
    elif which == "betweenness_k":
        out["k"] = min(p.get("k", PIVOTS), graph.number_of_nodes())
        values = nx.betweenness_centrality(graph, k=out["k"], seed=42)
    elif which in ("constraint_sample", "effective_size_sample"):
        # networkx's per-node path (taken whenever `nodes` is given), for an estimate
        nodes = sorted(graph.nodes)
        sample = random.Random(42).sample(nodes, min(p["sample"], len(nodes)))
        if which == "constraint_sample":
            values = nx.constraint(graph, nodes=sample, weight="weight")
        else:
            values = nx.effective_size(graph, nodes=sample)
        out["sample"] = len(sample)
    else:
        raise ValueError(which)
    out["s"] = time.perf_counter() - t0
    out["cpu"] = time.process_time() - c0
    out["rss"] = rss_mb()
    out["nodes"] = graph.number_of_nodes()
    if which in ("constraint", "effective_size", "constraint_sample", "effective_size_sample"):
        c, e = metrics.constraint_and_effective_size(graph)
        out["max_diff"] = _max_diff(e if which.startswith("effective_size") else c, values)
    elif which == "betweenness" and graph.number_of_nodes() <= metrics.EXACT_BETWEENNESS_MAX:
        out["max_diff"] = _max_diff(metrics.betweenness(graph)[0], values)
    return out


TASKS = {
    "ttl_without_shacl": task_ttl_without_shacl,
    "store": task_store,
    "ikg_full": task_ikg_full,
    "ikg_stage": task_ikg_stage,
    "ikg_goal_ranking": task_ikg_goal_ranking,
    "nx_missing": task_nx_missing,
    "nx_metric": task_nx_metric,
}


def _child(conn: Any, task: str, params: dict[str, Any]) -> None:
    try:
        conn.send(("ok", TASKS[task](params)))
    except BaseException as exc:  # report to the parent, whatever it was
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-1500:]}"))


def run_child(task: str, params: dict[str, Any], limit: float) -> dict[str, Any]:
    """Run one task in a fresh process; kill it past ``limit`` seconds.

    Returns the task's result with ``status`` ``ok``, or ``{"status": "timeout" | "error" | "died"}``.
    """
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, task, params), daemon=True)
    wall = time.perf_counter()
    proc.start()
    child.close()
    try:
        if not parent.poll(limit):
            log(
                f"{task} {params.get('stage') or params.get('which') or ''} passed the {limit:g} s limit: killing child {proc.pid}"
            )
            proc.kill()
            return {"status": "timeout", "wall": time.perf_counter() - wall}
        try:
            status, payload = parent.recv()
        except EOFError:
            proc.join(timeout=30)
            return {
                "status": "died",
                "error": f"child exited with code {proc.exitcode}",
                "wall": time.perf_counter() - wall,
            }
        if status != "ok":
            log(f"{task} failed: {payload}")
            return {"status": "error", "error": payload.splitlines()[0], "wall": time.perf_counter() - wall}
        return {"status": "ok", "wall": time.perf_counter() - wall, **payload}
    finally:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=30)
        parent.close()


def repeat(task: str, params: dict[str, Any], reps: int, limit: float, key: str = "s") -> dict[str, Any]:
    """Median of ``reps`` runs of ``key``; a run past the limit, failing, or over limit/4 is not repeated."""
    runs: list[dict[str, Any]] = []
    for _ in range(reps):
        r = run_child(task, params, limit)
        if r["status"] != "ok":
            if not runs:
                return r
            break
        runs.append(r)
        if r[key] > limit / 4:
            break
    out = dict(runs[-1])
    out["runs"] = len(runs)
    out[key] = statistics.median(r[key] for r in runs)
    out["cpu"] = statistics.median(r["cpu"] for r in runs)
    out["rss"] = max(r["rss"] for r in runs)
    return out


# -- data -----------------------------------------------------------------------------------------


def ensure_ttl(actors: int, shacl_max: int, limit: float) -> tuple[Path, str]:
    """``/tmp/ikg-bench-N/concept.ttl``, generated when missing; returns it and how it was made."""
    out = Path(f"/tmp/ikg-bench-{actors}")
    ttl = out / "concept.ttl"
    full = f"`bench/generate.py --actors {actors}` (mapping + pySHACL, asserted error-free)"
    if ttl.is_file() and ttl.stat().st_size > 0:
        log(f"reusing {ttl}")
        route = (out / "route.txt").read_text(encoding="utf-8").strip() if (out / "route.txt").is_file() else ""
        return ttl, route or f"{full}, cached"
    gen = [sys.executable, str(BENCH_DIR / "generate.py"), "--actors", str(actors), "--out", str(out)]
    if actors <= shacl_max:
        log(f"generating {out} ({' '.join(gen[1:])})")
        proc = subprocess.run(gen, capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0 or not ttl.is_file():
            sys.exit(f"bench/generate.py failed:\n{proc.stdout}\n{proc.stderr}")
        route = full
    else:
        t0 = time.perf_counter()
        log(f"generating {out}/csv ({' '.join(gen[1:])} --formats csv)")
        proc = subprocess.run([*gen, "--formats", "csv"], capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            sys.exit(f"bench/generate.py failed:\n{proc.stdout}\n{proc.stderr}")
        t1 = time.perf_counter()
        log("mapping the CSVs to Turtle here (read_tables + map_tables, no pySHACL)")
        r = run_child("ttl_without_shacl", {"csv": str(out / "csv"), "ttl": str(ttl)}, 6 * limit)
        if r["status"] != "ok":
            sys.exit(f"mapping the CSVs failed: {r}")
        route = (
            f"`bench/generate.py --actors {actors} --formats csv` ({t1 - t0:.0f} s), then the CSVs mapped here "
            f"with `read_tables` + `map_tables` (its problems asserted error-free) and written as sorted Turtle "
            f"like generate.py's `write_ttl`, **without pySHACL** ({r['map_s']:.0f} s mapping + {r['write_s']:.0f} s "
            f"writing, {r['triples']:,} triples, peak {r['rss']:,.0f} MB)"
        )
    (out / "route.txt").write_text(route + ", cached\n", encoding="utf-8")
    return ttl, route


# -- one size -------------------------------------------------------------------------------------


def bench_size(actors: int, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from ikg.graph.metrics import EXACT_BETWEENNESS_MAX
    from ikg.graph.namespaces import concept_graph

    concept = f"synthetic-{actors}"
    reps = args.reps if args.reps is not None else (1 if args.quick or actors >= 100_000 else 3)
    limit = args.limit
    res: dict[str, Any] = {"actors": actors, "concept": concept, "reps": reps, "limit": limit}
    t_size = time.perf_counter()
    res["load_before"] = os.getloadavg()[0]
    ttl, res["route"] = ensure_ttl(actors, args.shacl_max_actors, limit)
    store_dir = tmp / f"store-{actors}"
    pkl = tmp / f"net-{actors}.pickle"
    log(f"{concept}: bulk-loading {ttl} into a fresh store {store_dir}")
    res["store"] = run_child(
        "store", {"store": str(store_dir), "ttl": str(ttl), "graph": str(concept_graph(concept))}, 6 * limit
    )
    if res["store"]["status"] != "ok":
        sys.exit(f"building the store failed: {res['store']}")
    log(f"{concept}: {res['store']['quads']:,} quads, bulk_load {res['store']['bulk_load_s']:.1f} s")

    # ikg end to end: load_network + analyse; the first run pickles the network for the other children
    full_params = {"store": str(store_dir), "concept": concept, "top": args.top, "pickle": str(pkl)}
    runs = []
    for _ in range(reps):
        r = run_child("ikg_full", full_params, 6 * limit)
        if r["status"] != "ok":
            sys.exit(f"ikg load_network + analyse failed: {r}")
        runs.append(r)
        log(f"{concept}: ikg load_network {r['load_s']:.2f} s, analyse {r['analyse_s']:.2f} s, peak {r['rss']:,.0f} MB")
    ikg = dict(runs[-1])
    ikg["load_s"] = statistics.median(r["load_s"] for r in runs)
    ikg["analyse_s"] = statistics.median(r["analyse_s"] for r in runs)
    ikg["load_cpu"] = statistics.median(r["load_cpu"] for r in runs)
    ikg["analyse_cpu"] = statistics.median(r["analyse_cpu"] for r in runs)
    ikg["rss_load"] = max(r["rss_load"] for r in runs)
    ikg["rss"] = max(r["rss"] for r in runs)
    ikg["runs"] = len(runs)
    res["ikg"] = ikg
    shutil.rmtree(store_dir, ignore_errors=True)

    res["stages"] = {}
    for stage, _label in IKG_STAGES:
        r = repeat("ikg_stage", {"pickle": str(pkl), "stage": stage, "top": args.top}, reps, 6 * limit)
        res["stages"][stage] = r
        log(
            f"{concept}: ikg stage {stage}: "
            + (f"{r['s']:.3f} s, peak {r['rss']:,.0f} MB" if r["status"] == "ok" else r["status"])
        )

    res["goal_ranking"] = run_child("ikg_goal_ranking", {"pickle": str(pkl), "top": args.top}, 6 * limit)

    sampled = ikg["actors"] > EXACT_BETWEENNESS_MAX
    nx_res: dict[str, Any] = {}
    skipped = {"status": "skipped"}
    ikg_pairs = [(x["x"], x["y"]) for x in ikg["top"]]

    def nx_part(name: str, task: str, params: dict[str, Any], allowed: bool) -> None:
        nx_res[name] = repeat(task, {"pickle": str(pkl), **params}, reps, limit) if allowed else skipped
        log(f"{concept}: networkx {name}: " + _brief(nx_res[name]))

    nx_part("missing", "nx_missing", {"top": args.top, "ikg_pairs": ikg_pairs}, actors <= args.nx_max_actors)
    holes = actors <= args.nx_holes_max_actors
    nx_part("effective_size", "nx_metric", {"which": "effective_size"}, holes)
    nx_part("constraint", "nx_metric", {"which": "constraint"}, holes)
    between = actors <= args.nx_betweenness_max_actors
    nx_part("betweenness", "nx_metric", {"which": "betweenness"}, between)
    if sampled:  # like for like with ikg's 256 pivots
        nx_part("betweenness_k", "nx_metric", {"which": "betweenness_k"}, between)
    if nx_res["betweenness"]["status"] != "ok" and nx_res.get("betweenness_k", skipped)["status"] != "ok":
        # an estimate from a few pivots: networkx's cost per source is about the same for every source
        nx_res["betweenness_est"] = run_child(
            "nx_metric", {"pickle": str(pkl), "which": "betweenness_k", "k": ESTIMATE_PIVOTS}, limit
        )
        log(f"{concept}: networkx betweenness from {ESTIMATE_PIVOTS} pivots: " + _brief(nx_res["betweenness_est"]))
    for which in ("constraint", "effective_size"):
        if nx_res[which]["status"] != "ok":
            nx_res[f"{which}_sample"] = run_child(
                "nx_metric", {"pickle": str(pkl), "which": f"{which}_sample", "sample": HOLES_SAMPLE}, limit
            )
            nx_res[f"{which}_sample"].update(limit=limit, nodes_hint=ikg["actors"])
            log(f"{concept}: networkx {which} of {HOLES_SAMPLE} nodes: " + _brief(nx_res[f"{which}_sample"]))
    res["nx"] = nx_res
    res["check"] = cross_check(res)
    pkl.unlink(missing_ok=True)
    res["wall_s"] = time.perf_counter() - t_size
    res["load_after"] = os.getloadavg()[0]
    return res


def _brief(r: dict[str, Any]) -> str:
    if r["status"] != "ok":
        return r["status"] + (f" ({r['error']})" if r.get("error") else "")
    return f"{r['s']:.2f} s, peak {r['rss']:,.0f} MB" + (f", max |diff| {r['max_diff']:.2e}" if "max_diff" in r else "")


def cross_check(res: dict[str, Any]) -> dict[str, Any]:
    """Compare networkx's Adamic–Adar ranking with ikg's goal affinity; see the module docstring."""
    out: dict[str, Any] = {"ok": None, "lines": []}
    nxm, goal = res["nx"]["missing"], res["goal_ranking"]
    ikg_top, ikg_total = res["ikg"]["top"], res["ikg"]["totals"].get("missing-link")
    if goal["status"] != "ok":
        out["ok"] = False
        out["lines"].append(f"ikg goal-affinity ranking failed: {goal.get('error') or goal['status']}")
        return out
    if goal["total"] != ikg_total:
        out["ok"] = False
        out["lines"].append(f"ikg pair count differs with fields removed: {goal['total']} vs {ikg_total}")
    if nxm["status"] != "ok":
        out["lines"].append(f"networkx missing links {nxm['status']}: no cross-check at this size")
        return out
    problems: list[str] = []
    if nxm["candidates"] != ikg_total:
        problems.append(f"pair count: ikg {ikg_total:,}, networkx {nxm['candidates']:,}")
    a, b = goal["top"], nxm["top"]
    worst = max((abs(x["score"] - y["score"]) for x, y in zip(a, b, strict=False)), default=0.0)
    if len(a) != len(b) or worst > AA_TOL:
        problems.append(f"top-{len(a)} goal affinities differ (max |diff| {worst:.2e})")
    pa = {tuple(x["ids"]) for x in a}
    pb = {tuple(x["ids"]) for x in b}
    cut = min(x["score"] for x in a) if a else 0.0
    swapped = (pa ^ pb) and all(abs(x["score"] - cut) <= AA_TOL for x in (*a, *b) if tuple(x["ids"]) in (pa ^ pb))
    if pa != pb and not swapped:
        problems.append(f"top-{len(a)} pairs differ: ikg only {sorted(pa - pb)}, networkx only {sorted(pb - pa)}")
    ev_worst = 0.0
    for f in ikg_top:
        key = f"{f['x']} {f['y']}" if f"{f['x']} {f['y']}" in nxm["of_ikg"] else f"{f['y']} {f['x']}"
        if key not in nxm["of_ikg"]:
            problems.append(f"ikg's pair {f['ids']} is no networkx candidate")
            continue
        ev_worst = max(ev_worst, abs(nxm["of_ikg"][key] - f["goal_affinity"]))
    if ev_worst > EVIDENCE_TOL:
        problems.append(f"evidence goal_affinity off by {ev_worst:.2e}")
    out["ok"] = out["ok"] is not False and not problems
    out["lines"] = problems or [
        f"networkx's top {len(b)} by `adamic_adar_index` = ikg's top {len(a)} by goal affinity: "
        + ("same pairs" if pa == pb else "same pairs up to ties at the cut")
        + f", values within {worst:.1e} (tolerance {AA_TOL:g}); goal affinity in the evidence of ikg's top "
        f"{len(ikg_top)} (ranked by score, fields included) within {ev_worst:.1e} of networkx (rounded to 6 "
        f"places); {ikg_total:,} missing-link pairs in both."
    ]
    out["nx_top"] = b
    return out


# -- report ---------------------------------------------------------------------------------------


def secs(s: float | None) -> str:
    if s is None:
        return "–"
    if s >= 3600:
        return f"{s / 3600:.1f} h"
    if s >= 100:
        return f"{s:,.0f} s"
    if s >= 10:
        return f"{s:.1f} s"
    if s >= 1:
        return f"{s:.2f} s"
    return f"{s * 1000:.0f} ms" if s >= 0.01 else f"{s * 1000:.1f} ms"


def mb(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f}"


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
        f"{os.cpu_count()} CPUs (nproc), {mem} RAM, Python {platform.python_version()}, networkx {ver('networkx')}, "
        f"scipy {ver('scipy')}, numpy {ver('numpy')}, pyoxigraph {ver('pyoxigraph')}, "
        f"{platform.system()} {platform.machine()}; {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}"
    )


def git_tree() -> str:
    root = BENCH_DIR.parent
    git = shutil.which("git")
    if git is None:
        return "?"
    try:
        head = subprocess.run(
            [git, "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            [git, "-C", str(root), "status", "--porcelain", "--", "graph"], capture_output=True, text=True, timeout=10
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return "?"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"`{head}`" + (f" (modified: {', '.join(changed)})" if changed else " (graph/ as committed)")


class Part:
    """A measured part as shown in the table: text, peak MB, and seconds with what they mean.

    ``kind`` is ``ok`` (measured), ``lower`` (killed: at least ``s``), ``est`` (not run to the end:
    an estimate) or ``none``.
    """

    def __init__(
        self, r: dict[str, Any] | None, limit: float, est: tuple[float, bool] | None = None, reps: int = 1
    ) -> None:
        self.mb = "–"
        self.cpu = "–"
        self.s: float | None = None
        self.kind = "none"
        if r is None:
            self.text = "–"
        elif r["status"] == "ok":
            self.text = secs(r["s"]) + (" (1 run)" if r.get("runs", 1) == 1 and reps > 1 else "")
            self.mb, self.s, self.kind, self.cpu = mb(r["rss"]), r["s"], "ok", secs(r["cpu"])
        elif r["status"] == "timeout":
            self.text, self.s, self.kind = f">{secs(limit)} (killed)", limit, "lower"
        elif r["status"] == "skipped":
            self.text = "not attempted"
        else:
            self.text = r["status"] + (f": {r.get('error', '')[:60]}" if r.get("error") else "")
        if self.kind != "ok" and est is not None and not math.isnan(est[0]):
            value, lower = est
            self.text += f", est. {'>' if lower else ''}{secs(value)}"
            if self.kind == "none" or value > (self.s or 0):
                self.s, self.kind = value, "lower" if lower else "est"


def combine(parts: list[Part]) -> tuple[float | None, str]:
    """Sum of parts and its qualifier ('' exact, '>' lower bound, '~' estimate)."""
    if any(p.s is None for p in parts):
        return None, ""
    kinds = {p.kind for p in parts}
    return sum(p.s for p in parts if p.s is not None), "~" if "est" in kinds else ">" if "lower" in kinds else ""


def ratio(nx_s: float | None, qual: str, ikg_s: float | None) -> str:
    if nx_s is None or not ikg_s:
        return "–"
    return f"{qual}{nx_s / ikg_s:,.1f}x"


def estimates(nxr: dict[str, Any]) -> dict[str, tuple[float, str, bool]]:
    """Seconds networkx would take for a part it did not finish, how that was estimated, and
    whether it is only a lower bound."""
    out: dict[str, tuple[float, str, bool]] = {}
    for which in ("constraint", "effective_size"):
        cs = nxr.get(f"{which}_sample")
        if cs and cs["status"] in ("died", "error"):
            out[which] = (
                math.nan,
                f"networkx `{which}(G, nodes=...)` (its per-node path) on {HOLES_SAMPLE} random nodes gave no "
                f"estimate: its child {cs['status']} after {secs(cs['wall'])} ({cs.get('error', '')})",
                True,
            )
        if cs and cs["status"] == "timeout":
            nodes = cs["nodes_hint"]
            out[which] = (
                cs["limit"] / HOLES_SAMPLE * nodes,
                f"networkx `{which}(G, nodes=...)` (its per-node path) did not finish {HOLES_SAMPLE} random nodes "
                f"within {secs(cs['limit'])}, so more than {secs(cs['limit'] / HOLES_SAMPLE * nodes)} for all {nodes:,}",
                True,
            )
        if cs and cs["status"] == "ok":
            out[which] = (
                cs["s"] / cs["sample"] * cs["nodes"],
                f"networkx `{which}(G, nodes=...)` (its per-node path) of {cs['sample']} random nodes (seed 42) "
                f"took {secs(cs['s'])}, so about {secs(cs['s'] / cs['sample'] * cs['nodes'])} for all "
                f"{cs['nodes']:,} (max |diff| to ikg on them {cs['max_diff']:.1e})",
                False,
            )
    for key in ("betweenness_k", "betweenness_est"):
        bk = nxr.get(key)
        if bk and bk["status"] == "ok":
            per = bk["s"] / bk["k"]
            out["betweenness"] = (
                per * bk["nodes"],
                f"networkx betweenness from {bk['k']} pivots took {secs(bk['s'])}, so exact (all {bk['nodes']:,} "
                f"sources) about {secs(per * bk['nodes'])}",
                False,
            )
            if bk["k"] != PIVOTS:
                out["betweenness_k"] = (per * PIVOTS, f"{PIVOTS} pivots about {secs(per * PIVOTS)}", False)
            break
    return out


def size_section(res: dict[str, Any]) -> list[str]:
    n, limit, reps = res["actors"], res["limit"], res["reps"]
    ikg, st, nxr = res["ikg"], res["stages"], res["nx"]
    est = estimates(nxr)
    edges = st["actor_network"].get("edges")
    lines = [
        f"### {n:,} actors (`{res['concept']}`)",
        "",
        f"Data: {res['route']}; {res['store']['quads']:,} concept triples bulk-loaded into a fresh on-disk store "
        f"in {res['store']['bulk_load_s']:.1f} s. Network: {ikg['actors']:,} actors, {ikg['working_groups']:,} "
        f"working groups, {ikg['goals']:,} goals (concept goals left out), "
        + (f"{edges:,} ties, " if edges is not None else "")
        + f"{ikg['totals'].get('missing-link', 0):,} missing-link pairs; betweenness {ikg['betweenness']}; "
        f"{ikg['communities']:,} communities, {ikg['articulation_points']:,} articulation points, "
        f"{ikg['bridges']:,} bridges.",
        "",
        f"Median of {reps} run(s)"
        + (f" (a run over {secs(limit / 4)} is not repeated, marked `(1 run)`)" if reps > 1 else "")
        + f"; networkx parts killed past {secs(limit)}. Wall time; CPU: user + system time of the child during "
        "the timed part (all threads). Peak MB: ru_maxrss of the child process (stage children include the "
        "network and tie graph they need). Ratio: networkx / ikg wall time (> 1: ikg faster; `>`: networkx "
        f"killed, `~`: from an estimate). This size took {secs(res['wall_s'])}; 1-minute load average "
        f"{res['load_before']:.2f} before, {res['load_after']:.2f} after.",
        "",
        "| stage | ikg | ikg CPU | ikg peak MB | networkx | networkx CPU | networkx peak MB | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| `load_network` (15 SPARQL queries) | {secs(ikg['load_s'])} | {secs(ikg['load_cpu'])} | "
        f"{mb(ikg['rss_load'])} | (same input for both) | | | |",
        f"| **`analyse(net, top=10)`**, end to end | **{secs(ikg['analyse_s'])}** | {secs(ikg['analyse_cpu'])} | "
        f"{mb(ikg['rss'])} | | | | |",
    ]

    def e(key: str) -> tuple[float, bool] | None:
        return (est[key][0], est[key][2]) if key in est else None

    ikg_p = {s: Part(st[s], limit, reps=reps) for s, _ in IKG_STAGES}
    ml = Part(nxr.get("missing"), limit, reps=reps)
    # the per-node estimates time another networkx code path than the whole-graph call: shown, not used in ratios
    con = Part(nxr.get("constraint"), limit, reps=reps)
    eff = Part(nxr.get("effective_size"), limit, reps=reps)
    for part, key in ((con, "constraint"), (eff, "effective_size")):
        if key in est and not math.isnan(est[key][0]):
            part.text += f" (per-node path: est. {'>' if est[key][2] else ''}{secs(est[key][0])})"
    bet = Part(nxr.get("betweenness"), limit, e("betweenness"), reps)
    bet_k = Part(nxr["betweenness_k"], limit, e("betweenness_k"), reps) if "betweenness_k" in nxr else None
    m = nxr.get("missing")
    if m and m["status"] == "ok":
        ml.text += f" ({secs(m['s'] - m['parts']['tie graph (`actor_network`)'])} without the tie graph)"
    for stage, label in IKG_STAGES:
        i = ikg_p[stage]
        if stage == "betweenness":
            label += f", {st[stage].get('method', ikg['betweenness'])}"
        if stage == "missing_links":
            cells = (ml.text, ml.cpu, ml.mb, ratio(*combine([ml]), i.s))
        elif stage == "constraint":
            s, q = combine([con, eff])
            cells = (
                f"constraint {con.text} + effective size {eff.text}",
                f"{con.cpu} + {eff.cpu}",
                f"{con.mb} / {eff.mb}",
                ratio(s, q, i.s),
            )
        elif stage == "betweenness":
            # exact networkx against ikg's estimate is no like-for-like ratio: that is the row below
            like = st[stage].get("method", ikg["betweenness"]) == "exact"
            cells = ("exact: " + bet.text, bet.cpu, bet.mb, ratio(*combine([bet]), i.s) if like else "–")
        elif stage in ("louvain", "cut"):
            cells = ("same (ikg calls networkx)", "", "", "")
        elif stage == "actor_network":
            cells = ("same (the networkx route uses it)", "", "", "")
        else:
            cells = ("–", "", "", "")
        lines.append(f"| · {label} | {i.text} | {i.cpu} | {i.mb} | {' | '.join(cells)} |")
    if bet_k is not None:
        i = ikg_p["betweenness"]
        lines.append(
            f"| · betweenness like for like: networkx `k={PIVOTS}, seed=42` | {i.text} | {i.cpu} | {i.mb} | "
            f"{bet_k.text} | {bet_k.cpu} | {bet_k.mb} | {ratio(*combine([bet_k]), i.s)} |"
        )
    ikg_sum, _ = combine([ikg_p["missing_links"], ikg_p["constraint"], ikg_p["betweenness"]])
    nx_sum, q = combine([ml, con, eff, bet_k if bet_k is not None else bet])
    lines.append(
        "| the parts ikg implements itself (missing links, constraint + effective size, betweenness as ikg "
        f"computes it) | {secs(ikg_sum)} | | | {q}{secs(nx_sum) if nx_sum is not None else '–'} | | | "
        f"{ratio(nx_sum, q, ikg_sum)} |"
    )
    stage_sum = sum(p.s for p in ikg_p.values() if p.s is not None)
    lines += ["", f"The ikg stages add up to {secs(stage_sum)} of `analyse`'s {secs(ikg['analyse_s'])}."]
    if m and m["status"] == "ok":
        lines.append(
            "networkx missing links, by part: "
            + ", ".join(f"{k} {secs(v)}" for k, v in m["parts"].items())
            + f"; {m['projected_edges']:,} projected edges, {m['candidates']:,} candidates."
        )
    shown = [v[1] for k, v in est.items() if nxr.get(k, {"status": "skipped"})["status"] != "ok"]
    if shown:
        lines.append("Estimates: " + "; ".join(shown) + ".")
    diffs = [
        f"{name} {nxr[k]['max_diff']:.1e}"
        for k, name in (
            ("constraint", "constraint"),
            ("effective_size", "effective size"),
            ("betweenness", "betweenness"),
        )
        if nxr.get(k, {}).get("status") == "ok" and "max_diff" in nxr[k]
    ]
    if diffs:
        lines.append("Largest |ikg − networkx| over all actors: " + ", ".join(diffs) + ".")
    check = res["check"]
    verdict = "passed" if check["ok"] else ("FAILED" if check["ok"] is False else "not done")
    lines += ["", f"Cross-check ({verdict}): " + " ".join(check["lines"])]
    if check.get("nx_top"):
        lines.append(
            "Top 3 by goal affinity: "
            + "; ".join(f"{x['ids'][0]} – {x['ids'][1]} {x['score']:.6f}" for x in check["nx_top"][:3])
            + "."
        )
    lines.append("")
    return lines


def report(ctx: dict[str, Any]) -> str:
    lines = [
        HEADING,
        "",
        f"Command: `{ctx['command']}` (total {ctx['total_s'] / 60:.1f} min)",
        "",
        f"Machine: {ctx.get('machine') or machine()}",
        "",
        f"Tree: {ctx['tree']}",
        "",
        "ikg: `load_network(store, concept)` on a fresh on-disk store, then `analyse(net, top=10)` "
        "(`ikg.graph.gaps`: sparse Adamic–Adar and constraint, batched Brandes betweenness, exact up to 2,000 "
        "actors, 256 pivots above). networkx: the same `ConceptNetwork`; missing links as bipartite graph → "
        "`bipartite.projected_graph` → candidates without a tie → `adamic_adar_index` → sorted; "
        "`constraint(G, weight='weight')`, `effective_size(G)`, `betweenness_centrality(G)` on the tie graph. "
        "Every measurement runs in its own child process (see `bench/gaps_bench.py`).",
        "",
    ]
    for res in ctx["results"]:
        lines += size_section(res)
    for note in ctx["notes"]:
        lines.append(f"Note: {note}")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_results(path: Path, section: str) -> None:
    """Replace only this benchmark's section; the file is re-read right before writing."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if HEADING in old:
        start = old.index(HEADING)
        nxt = old.find("\n## ", start + len(HEADING))
        new = old[:start] + section + ("\n" + old[nxt + 1 :] if nxt != -1 else "")
    else:
        new = old.rstrip("\n") + "\n\n" + section
    tmp = path.with_suffix(".md.part")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)


# -- main -----------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", default=None, help="comma-separated actor counts (1000,10000,100000; 1000 with --quick)")
    ap.add_argument(
        "--reps", type=int, default=None, help="runs per measurement, median (3; 1 with --quick and at 100,000)"
    )
    ap.add_argument("--quick", action="store_true", help="1,000 actors, one run, 20 s limit")
    ap.add_argument("--limit", type=float, default=None, help="limit per networkx part, s (600; 20 with --quick)")
    ap.add_argument("--top", type=int, default=10, help="findings per kind, as `ikg gaps --top` (10)")
    ap.add_argument(
        "--nx-max-actors",
        type=int,
        default=100_000,
        help="above this many actors networkx's missing links are not attempted (100000)",
    )
    ap.add_argument(
        "--nx-holes-max-actors",
        type=int,
        default=10_000,
        help="above this many actors networkx's whole-graph constraint and effective size (all-pairs sparse "
        "products; effective_size densifies an n x n matrix) are not attempted, only estimated from "
        f"{HOLES_SAMPLE} nodes (10000)",
    )
    ap.add_argument(
        "--nx-betweenness-max-actors",
        type=int,
        default=10_000,
        help=f"above this many actors networkx betweenness is only estimated from {ESTIMATE_PIVOTS} pivots (10000)",
    )
    ap.add_argument(
        "--shacl-max-actors",
        type=int,
        default=10_000,
        help="above this many actors the Turtle is mapped here without pySHACL (10000)",
    )
    ap.add_argument("--results", type=Path, default=BENCH_DIR / "RESULTS.md")
    ap.add_argument(
        "--json",
        type=Path,
        default=Path("/tmp/ikg-gaps-bench.json"),
        help="where the raw measurements are saved (/tmp/ikg-gaps-bench.json)",
    )
    ap.add_argument("--render", type=Path, help="only re-write the report from a saved --json file; measure nothing")
    ap.add_argument("--note", action="append", default=[], help="a sentence added to the report")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = [int(s) for s in (args.sizes or ("1000" if args.quick else "1000,10000,100000")).split(",") if s.strip()]
    if args.quick and args.reps is None:
        args.reps = 1
    args.limit = args.limit or (20.0 if args.quick else 600.0)
    if args.render:
        ctx = json.loads(args.render.read_text(encoding="utf-8"))
        section = report(ctx)
        print(section)
        write_results(args.results, section)
        log(f"wrote {args.results} from {args.render}")
        return 0
    t_all = time.perf_counter()
    tree = git_tree()
    tmp = Path(tempfile.mkdtemp(prefix="ikg-gaps-bench-"))
    results = []
    try:
        for n in sizes:
            results.append(bench_size(n, args, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    notes = list(args.note)
    skipped = [r["actors"] for r in results if r["nx"]["missing"]["status"] == "skipped"]
    if skipped:
        notes.append(
            f"networkx missing links not attempted at {', '.join(f'{s:,}' for s in skipped)} actors "
            f"(`--nx-max-actors {args.nx_max_actors}`)."
        )
    skipped = [r["actors"] for r in results if r["nx"]["constraint"]["status"] == "skipped"]
    if skipped:
        notes.append(
            f"networkx `constraint` and `effective_size` not attempted at {', '.join(f'{s:,}' for s in skipped)} "
            f"actors (`--nx-holes-max-actors {args.nx_holes_max_actors}`): called on the whole graph, networkx "
            "3.6 multiplies all-pairs sparse matrices (P·P with about n·d² entries) and `effective_size` turns an "
            "n × n product into a dense array (8·n² bytes: 80 GB at 100,000 actors), more than this machine has; "
            f"estimated instead from its per-node path on {HOLES_SAMPLE} nodes."
        )
    skipped = [r["actors"] for r in results if r["nx"]["betweenness"]["status"] == "skipped"]
    if skipped:
        notes.append(
            f"networkx betweenness not attempted at {', '.join(f'{s:,}' for s in skipped)} actors "
            f"(`--nx-betweenness-max-actors {args.nx_betweenness_max_actors}`): estimated from "
            f"{ESTIMATE_PIVOTS} pivots only."
        )
    ctx = {
        "command": shlex.join(["python", "bench/gaps_bench.py", *sys.argv[1:]]),
        "total_s": time.perf_counter() - t_all,
        "tree": tree,
        "machine": machine(),
        "results": results,
        "notes": notes,
    }
    args.json.write_text(json.dumps(ctx, indent=1, default=str), encoding="utf-8")
    section = report(ctx)
    print(section)
    write_results(args.results, section)
    log(f"wrote {args.results}")
    failed = [r["actors"] for r in results if r["check"]["ok"] is False]
    if failed:
        log(f"CROSS-CHECK FAILED at {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
