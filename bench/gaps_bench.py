"""Benchmark the gap analysis (``ikg.graph.analysis.gaps``) against a plain networkx implementation.

Usage::

    python bench/gaps_bench.py [--sizes 1000,10000,100000] [--reps 3] [--quick] [--limit S]
                               [--nx-max-actors N] [--nx-holes-max-actors N]
                               [--nx-betweenness-max-actors N] [--nx-route-max-actors N]
                               [--results PATH] [--json PATH]
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

**ikg.** In a child process: ``load_network(store, concept)`` (stage *load*) and
``analyse(net, top=10)``, each timed (wall and process CPU time), with the peak RSS of the child
(``ru_maxrss``). Then the stages ``analyse`` runs, each in its own child that unpickles the same
``ConceptNetwork`` (prerequisites built untimed), called as ``analyse`` and ``metrics`` call
them: *ties* (``network.actor_ties``, the sparse tie matrix), *igraph* (``metrics.to_igraph``),
*betweenness* (``metrics._betweenness``: exact up to 2,000 actors, 256 pivots above),
*structural holes* (``metrics._structural_holes``: constraint + effective size), *louvain*
(``metrics._communities``), *cut points / bridges* (igraph's ``articulation_points`` and
``bridges``), *missing links* (``gaps.missing_links``, which builds its own ``actor_ties``) and
*findings* (``coverage_gaps``, ``brokers(..., limit=top)``, ``silos``, ``isolates``). The peak
RSS of a stage child includes the network, ties and igraph graph it needs.

**networkx.** The same ``ConceptNetwork`` (so both get identical input), each part in its own
child with a time limit (``--limit``, 600 s; 20 s with ``--quick``); a child past it is killed and
the part shown as ``>LIMIT s``:

* missing links: bipartite actor–goal graph ``B`` from ``net.pursuers()`` (concept goals left
  out as ``actor_goal_matrix`` does), the tie graph ``actor_network(net)``, candidates = edges of
  ``bipartite.projected_graph(B, actors)`` without a tie, ``adamic_adar_index(B, candidates)``,
  sorted;
* ``constraint(G, weight="weight")``, ``effective_size(G)``, ``betweenness_centrality(G)``
  (exact), and, where ikg samples, ``betweenness_centrality(G, k=256, seed=42)`` like for like;
* ``community.louvain_communities(G, weight="weight", seed=42)``;
* ``articulation_points(G)`` and ``bridges(G)`` (their sets must equal ikg's).

The *route for route* row sums what both routes compute: ikg's ties, igraph, betweenness,
structural holes, Louvain, cut points / bridges and missing links against networkx's tie graph,
missing links, constraint, effective size, betweenness like for like, Louvain and cut points /
bridges; ``load_network`` (the same input for both) and ikg's findings are left out. Its ratio is
the "faster than plain networkx" figure of ``bench/run``.

Some parts are not attempted above a size, and estimated instead (marked *est.*):
``--nx-max-actors`` (100,000) for the missing links; ``--nx-holes-max-actors`` (10,000) for
``constraint`` / ``effective_size``: on the whole graph networkx 3.6 multiplies all-pairs sparse
matrices and ``effective_size`` densifies an n x n product (80 GB at 100,000 actors), so above
it their *per-node* path (``nodes=`` 50 random nodes) is timed and extrapolated, a different code
path, so no ratio is given for it; ``--nx-betweenness-max-actors`` (10,000) for betweenness,
estimated from 8 pivots. A killed exact betweenness is estimated from the 256-pivot run. Above
``--nx-route-max-actors`` (no limit; ``bench/run`` passes its ``--size``) no networkx part runs
and nothing is estimated: ikg only.

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
replaced; the file is re-read right before writing); the raw measurements and a per-size
summary (:func:`size_summary`, read by ``bench/run``) go to ``--json``.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import pickle
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

try:
    from bench._common import git_tree, log, machine, rss_mb, secs, write_results
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import git_tree, log, machine, rss_mb, secs, write_results

HEADING = "## Gap analysis (issue 4)"
BENCH_DIR = Path(__file__).resolve().parent
PIVOTS = 256  # ikg.graph.analysis.metrics.BETWEENNESS_PIVOTS
HOLES_SAMPLE = 50  # nodes timed for an estimate of networkx's per-node constraint / effective size
ESTIMATE_PIVOTS = 8  # sources timed for a networkx betweenness estimate
AA_TOL = 1e-9
EVIDENCE_TOL = 5e-7 + 1e-9  # evidence["goal_affinity"] is rounded to 6 decimals

#: the stages of ``load_network`` + ``analyse``, in the order analyse runs them; "load" is timed in
#: the end-to-end child, every other stage in a child of its own
IKG_STAGES: tuple[tuple[str, str], ...] = (
    ("load", "load (`load_network`, SPARQL)"),
    ("ties", "ties (`actor_ties`, sparse matrix)"),
    ("igraph", "igraph graph (`to_igraph`)"),
    ("betweenness", "betweenness"),
    ("holes", "structural holes (constraint + effective size)"),
    ("louvain", "communities (ikg: Leiden; networkx: Louvain)"),
    ("cut", "cut points / bridges"),
    ("missing_links", "missing links (Adamic–Adar; builds its own `actor_ties`)"),
    ("findings", "findings (coverage, broker, silo, isolate)"),
)
PACKAGES = ("networkx", "igraph", "scipy", "numpy", "pyoxigraph")


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

    from ikg.graph.ingest.mapping import map_tables
    from ikg.graph.ingest.tabular import read_tables
    from ikg.graph.namespaces import PREFIXES
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

    from ikg.graph.ingest.importer import ensure_ready
    from ikg.graph.store.embedded import Store

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
    from ikg.graph.analysis.gaps import analyse
    from ikg.graph.analysis.network import load_network
    from ikg.graph.store.embedded import Store

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
    """One stage of analyse(), timed alone, as analyse() and metrics() call it; its inputs built untimed."""
    from ikg.graph.analysis import gaps, metrics
    from ikg.graph.analysis.network import actor_ties

    net, per_actor, info = _load(p["pickle"])  # metrics as analyse() computed them, for "findings"
    stage = p["stage"]
    extra: dict[str, Any] = {}
    ties = actor_ties(net) if stage != "ties" else None
    h = (
        metrics.to_igraph(ties.weight)
        if ties is not None and stage in ("betweenness", "holes", "louvain", "cut")
        else None
    )
    c0, t0 = time.process_time(), time.perf_counter()
    if stage == "ties":
        ties = actor_ties(net)
        extra = {"nodes": len(ties.actors), "edges": int(ties.weight.nnz // 2)}
    elif stage == "igraph":
        h = metrics.to_igraph(ties.weight)
        extra = {"nodes": h.vcount(), "edges": h.ecount()}
    elif stage == "betweenness":
        _, extra["method"] = metrics._betweenness(h)
    elif stage == "holes":
        metrics._structural_holes(h)
    elif stage == "louvain":
        extra["communities"] = len(metrics._communities(h, ties.actors))
    elif stage == "cut":
        cut = {ties.actors[i] for i in h.articulation_points()}
        bridges = [h.es[e].tuple for e in h.bridges()]
        extra = {"articulation_points": len(cut), "bridges": len(bridges)}
    elif stage == "missing_links":
        _, extra["total"] = gaps.missing_links(net, p["top"])
    elif stage == "findings":
        gaps.coverage_gaps(net)
        _, extra["brokers"] = gaps.brokers(net, ties, per_actor, info, limit=p["top"])
        gaps.silos(net, ties, info)
        gaps.isolates(net, ties)
    else:
        raise ValueError(stage)
    return {"s": time.perf_counter() - t0, "cpu": time.process_time() - c0, "rss": rss_mb(), **extra}


def task_ikg_goal_ranking(p: dict[str, Any]) -> dict[str, Any]:
    """ikg's missing_links with the action fields removed: its score is then the goal affinity."""
    from ikg.graph.analysis.gaps import missing_links

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

    from ikg.graph.analysis.network import actor_network

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
    """One networkx metric on the actor tie graph (``actor_network``); compared with ikg's afterwards (untimed)."""
    import networkx as nx

    from ikg.graph.analysis import metrics
    from ikg.graph.analysis.network import actor_network

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
    elif which == "louvain":
        values = nx.community.louvain_communities(graph, weight="weight", seed=42)
    elif which == "cut":
        values = (set(nx.articulation_points(graph)), {tuple(sorted(e)) for e in nx.bridges(graph)})
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
    elif which == "louvain":
        out["communities"] = sum(1 for c in values if len(c) > 1 or graph.degree(next(iter(c))) > 0)
    elif which == "cut":
        _, _, info = _load(p["pickle"])
        points, bridges = values
        out["articulation_points"], out["bridges"] = len(points), len(bridges)
        out["same"] = points == set(info["articulation_points"]) and bridges == {
            tuple(sorted(b)) for b in info["bridges"]
        }
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
    from ikg.graph.analysis.metrics import EXACT_BETWEENNESS_MAX
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
        if stage == "load":
            continue  # timed by the ikg_full children above
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

    route = args.nx_route_max_actors is None or actors <= args.nx_route_max_actors
    res["nx_route"] = route

    def nx_part(name: str, task: str, params: dict[str, Any], allowed: bool) -> None:
        allowed = allowed and route
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
    nx_part("louvain", "nx_metric", {"which": "louvain"}, True)
    nx_part("cut", "nx_metric", {"which": "cut"}, True)
    if not route:
        pass  # ikg only at this size: no networkx part, no estimate
    elif nx_res["betweenness"]["status"] != "ok" and nx_res.get("betweenness_k", skipped)["status"] != "ok":
        # an estimate from a few pivots: networkx's cost per source is about the same for every source
        nx_res["betweenness_est"] = run_child(
            "nx_metric", {"pickle": str(pkl), "which": "betweenness_k", "k": ESTIMATE_PIVOTS}, limit
        )
        log(f"{concept}: networkx betweenness from {ESTIMATE_PIVOTS} pivots: " + _brief(nx_res["betweenness_est"]))
    for which in ("constraint", "effective_size"):
        if route and nx_res[which]["status"] != "ok":
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


def mb(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f}"


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


def _seconds(s: float | None) -> dict[str, Any] | None:
    """A measured-looking result of ``s`` seconds without CPU or memory (a part of another child)."""
    return None if s is None else {"status": "ok", "s": s, "cpu": None, "rss": None}


def route_parts(res: dict[str, Any]) -> dict[str, Any]:
    """The ikg stages and the networkx parts of one size as :class:`Part` objects, both routes summed.

    The ikg route: ``actor_ties`` + ``to_igraph`` + betweenness + structural holes + Louvain + cut
    points / bridges + missing links (the stages of ``analyse`` that have a networkx counterpart;
    ``load_network`` feeds both, the findings are ikg's own). The networkx route: its tie graph
    ``actor_network`` and missing links (projection + Adamic–Adar) + ``constraint`` +
    ``effective_size`` + betweenness like for like (exact where ikg is exact, ``k=256`` where ikg
    samples) + ``louvain_communities`` + ``articulation_points`` and ``bridges``.
    """
    limit, reps = res["limit"], res["reps"]
    st, nxr, ikg = res["stages"], res["nx"], res["ikg"]
    est = estimates(nxr)

    def e(key: str) -> tuple[float, bool] | None:
        return (est[key][0], est[key][2]) if key in est else None

    out: dict[str, Any] = {"ikg": {s: Part(st[s], limit, reps=reps) for s, _ in IKG_STAGES if s != "load"}}
    m = nxr.get("missing")
    tie = m["parts"]["tie graph (`actor_network`)"] if m and m["status"] == "ok" else None
    nx_parts = {
        "missing": Part(m, limit, reps=reps),  # tie graph + missing links
        "tie_graph": Part(_seconds(tie), limit),
        "missing_only": Part(_seconds(m["s"] - tie) if tie is not None else m, limit, reps=reps),
        "constraint": Part(nxr.get("constraint"), limit, reps=reps),
        "effective_size": Part(nxr.get("effective_size"), limit, reps=reps),
        "betweenness": Part(nxr.get("betweenness"), limit, e("betweenness"), reps),
        "betweenness_k": Part(nxr["betweenness_k"], limit, e("betweenness_k"), reps)
        if "betweenness_k" in nxr
        else None,
        "louvain": Part(nxr.get("louvain"), limit, reps=reps),
        "cut": Part(nxr.get("cut"), limit, reps=reps),
    }
    out["nx"] = nx_parts
    exact = res["stages"]["betweenness"].get("method", ikg["betweenness"]) == "exact"
    out["like_betweenness"] = (
        nx_parts["betweenness"] if exact or nx_parts["betweenness_k"] is None else nx_parts["betweenness_k"]
    )
    i = out["ikg"]
    out["ikg_sum"], _ = combine(
        [i[s] for s in ("ties", "igraph", "betweenness", "holes", "louvain", "cut", "missing_links")]
    )
    route = [nx_parts[k] for k in ("missing", "constraint", "effective_size", "louvain", "cut")]
    out["nx_sum"], out["nx_qual"] = combine([*route, out["like_betweenness"]])
    return out


def size_summary(res: dict[str, Any]) -> dict[str, Any]:
    """The numbers of one size that ``bench/run`` checks against its targets.

    ``total_s`` is ``load_network`` + ``analyse`` (what ``ikg gaps`` spends), ``peak_mb`` the peak
    RSS of that child; ``route_ratio`` networkx route / ikg route (see :func:`route_parts`),
    ``route_qual`` ``>`` when a networkx part was killed (a lower bound), ``~`` for an estimate.
    """
    ikg = res["ikg"]
    parts = route_parts(res)
    ikg_sum, nx_sum = parts["ikg_sum"], parts["nx_sum"]
    return {
        "actors": res["actors"],
        "load_s": ikg["load_s"],
        "analyse_s": ikg["analyse_s"],
        "total_s": ikg["load_s"] + ikg["analyse_s"],
        "peak_mb": ikg["rss"],
        "route_ikg_s": ikg_sum,
        "route_nx_s": nx_sum,
        "route_qual": parts["nx_qual"],
        "route_ratio": nx_sum / ikg_sum if nx_sum is not None and ikg_sum else None,
        "nx_route": res.get("nx_route", True),
        "check": res["check"]["ok"],
    }


def size_section(res: dict[str, Any]) -> list[str]:
    n, limit, reps = res["actors"], res["limit"], res["reps"]
    ikg, st, nxr = res["ikg"], res["stages"], res["nx"]
    est = estimates(nxr)
    edges = st["ties"].get("edges")
    parts = route_parts(res)
    i, x = parts["ikg"], parts["nx"]
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
        "network, ties and igraph graph they need). Ratio: networkx / ikg wall time (> 1: ikg faster; `>`: "
        f"networkx killed, `~`: from an estimate). This size took {secs(res['wall_s'])}; 1-minute load average "
        f"{res['load_before']:.2f} before, {res['load_after']:.2f} after.",
        "",
        "| stage | ikg | ikg CPU | ikg peak MB | networkx | networkx CPU | networkx peak MB | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| **`load_network` + `analyse(net, top=10)`**, end to end (`ikg gaps`) | "
        f"**{secs(ikg['load_s'] + ikg['analyse_s'])}** | {secs(ikg['load_cpu'] + ikg['analyse_cpu'])} | "
        f"{mb(ikg['rss'])} | | | | |",
        f"| · load (`load_network`, SPARQL) | {secs(ikg['load_s'])} | {secs(ikg['load_cpu'])} | "
        f"{mb(ikg['rss_load'])} | (same input for both) | | | |",
        f"| · `analyse(net, top=10)` | {secs(ikg['analyse_s'])} | {secs(ikg['analyse_cpu'])} | {mb(ikg['rss'])} "
        "| | | | |",
    ]
    for part, key in ((x["constraint"], "constraint"), (x["effective_size"], "effective_size")):
        if key in est and not math.isnan(est[key][0]):
            part.text += f" (per-node path: est. {'>' if est[key][2] else ''}{secs(est[key][0])})"
    m = nxr.get("missing")
    for stage, label in IKG_STAGES:
        if stage == "load":
            continue
        p = i[stage]
        if stage == "betweenness":
            label += f", {st[stage].get('method', ikg['betweenness'])}"
        if stage == "ties":
            t = x["tie_graph"]
            cells = ("tie graph `actor_network`: " + t.text, "", "", ratio(*combine([t]), p.s))
        elif stage == "missing_links":
            ml = x["missing_only"]
            cells = (
                "projection + `adamic_adar_index`: "
                + ml.text
                + (" (without the tie graph)" if m and m["status"] == "ok" else ""),
                "–",  # the child's CPU time includes the tie graph
                x["missing"].mb,
                ratio(*combine([ml]), p.s),
            )
        elif stage == "holes":
            con, eff = x["constraint"], x["effective_size"]
            s, q = combine([con, eff])
            cells = (
                f"`constraint` {con.text} + `effective_size` {eff.text}",
                f"{con.cpu} + {eff.cpu}",
                f"{con.mb} / {eff.mb}",
                ratio(s, q, p.s),
            )
        elif stage == "betweenness":
            # exact networkx against ikg's estimate is no like-for-like ratio: that is the row below
            bet = x["betweenness"]
            like = st[stage].get("method", ikg["betweenness"]) == "exact"
            cells = ("exact: " + bet.text, bet.cpu, bet.mb, ratio(*combine([bet]), p.s) if like else "–")
        elif stage == "louvain":
            lv = x["louvain"]
            found = nxr.get("louvain", {}).get("communities")
            cells = (
                "`louvain_communities(seed=42)`: "
                + lv.text
                + (f" ({found:,} communities)" if found is not None else ""),
                lv.cpu,
                lv.mb,
                ratio(*combine([lv]), p.s),
            )
        elif stage == "cut":
            c = x["cut"]
            same = nxr.get("cut", {}).get("same")
            cells = (
                "`articulation_points` + `bridges`: "
                + c.text
                + ("" if same is None else " (same sets)" if same else " (**sets differ**)"),
                c.cpu,
                c.mb,
                ratio(*combine([c]), p.s),
            )
        elif stage == "igraph":
            cells = ("– (networkx works on its tie graph)", "", "", "")
        else:
            cells = ("–", "", "", "")
        lines.append(f"| · {label} | {p.text} | {p.cpu} | {p.mb} | {' | '.join(cells)} |")
    bet_k = x["betweenness_k"]
    if bet_k is not None:
        p = i["betweenness"]
        lines.append(
            f"| · betweenness like for like: networkx `k={PIVOTS}, seed=42` | {p.text} | {p.cpu} | {p.mb} | "
            f"{bet_k.text} | {bet_k.cpu} | {bet_k.mb} | {ratio(*combine([bet_k]), p.s)} |"
        )
    ikg_sum, nx_sum, q = parts["ikg_sum"], parts["nx_sum"], parts["nx_qual"]
    lines.append(
        "| **the analysis, route for route** (ikg: ties, igraph, betweenness, structural holes, Louvain, cut points "
        "/ bridges, missing links; networkx: tie graph, missing links, constraint, effective size, betweenness like "
        f"for like, Louvain, cut points / bridges) | **{secs(ikg_sum)}** | | | "
        f"**{q}{secs(nx_sum) if nx_sum is not None else '–'}** | | | **{ratio(nx_sum, q, ikg_sum)}** |"
    )
    stage_sum = sum(p.s for p in i.values() if p.s is not None)
    lines += [
        "",
        f"The ikg stages after load add up to {secs(stage_sum)} of `analyse`'s {secs(ikg['analyse_s'])} "
        "(`missing_links` builds its own `actor_ties`).",
    ]
    if not res.get("nx_route", True):
        lines.append("networkx route not run at this size (`--nx-route-max-actors`): ikg only.")
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
        f"Machine: {ctx.get('machine') or machine(PACKAGES)}",
        "",
        f"Tree: {ctx['tree']}",
        "",
        "ikg: `load_network(store, concept)` on a fresh on-disk store, then `analyse(net, top=10)` "
        "(`ikg.graph.analysis.gaps`: the sparse tie matrix `actor_ties`, sparse Adamic–Adar; betweenness, constraint, "
        "effective size, Louvain, cut points and bridges in igraph's C core on that matrix; betweenness exact up "
        "to 2,000 actors, 256 pivots above). networkx: the same `ConceptNetwork`; the tie graph "
        "`actor_network`; missing links as bipartite graph → `bipartite.projected_graph` → candidates without a "
        "tie → `adamic_adar_index` → sorted; `constraint(G, weight='weight')`, `effective_size(G)`, "
        "`betweenness_centrality(G)`, `community.louvain_communities(G, weight='weight', seed=42)`, "
        "`articulation_points(G)` + `bridges(G)`. Every measurement runs in its own child process (see "
        "`bench/gaps_bench.py`).",
        "",
    ]
    for res in ctx["results"]:
        lines += size_section(res)
    for note in ctx["notes"]:
        lines.append(f"Note: {note}")
    return "\n".join(lines).rstrip("\n") + "\n"


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
        "--nx-route-max-actors",
        type=int,
        default=None,
        help="above this many actors no networkx part runs at all, not even an estimate: ikg only (no limit)",
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
        write_results(args.results, HEADING, section)
        log(f"wrote {args.results} from {args.render}")
        return 0
    t_all = time.perf_counter()
    tree = git_tree(("graph",))
    tmp = Path(tempfile.mkdtemp(prefix="ikg-gaps-bench-"))
    results = []
    try:
        for n in sizes:
            results.append(bench_size(n, args, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    notes = list(args.note)
    ikg_only = [r["actors"] for r in results if not r.get("nx_route", True)]
    if ikg_only:
        notes.append(
            f"ikg only at {', '.join(f'{s:,}' for s in ikg_only)} actors (`--nx-route-max-actors "
            f"{args.nx_route_max_actors}`): the networkx route is neither run nor estimated there."
        )
    results_nx = [r for r in results if r.get("nx_route", True)]
    skipped = [r["actors"] for r in results_nx if r["nx"]["missing"]["status"] == "skipped"]
    if skipped:
        notes.append(
            f"networkx missing links not attempted at {', '.join(f'{s:,}' for s in skipped)} actors "
            f"(`--nx-max-actors {args.nx_max_actors}`)."
        )
    skipped = [r["actors"] for r in results_nx if r["nx"]["constraint"]["status"] == "skipped"]
    if skipped:
        notes.append(
            f"networkx `constraint` and `effective_size` not attempted at {', '.join(f'{s:,}' for s in skipped)} "
            f"actors (`--nx-holes-max-actors {args.nx_holes_max_actors}`): called on the whole graph, networkx "
            "3.6 multiplies all-pairs sparse matrices (P·P with about n·d² entries) and `effective_size` turns an "
            "n × n product into a dense array (8·n² bytes: 80 GB at 100,000 actors), more than this machine has; "
            f"estimated instead from its per-node path on {HOLES_SAMPLE} nodes."
        )
    skipped = [r["actors"] for r in results_nx if r["nx"]["betweenness"]["status"] == "skipped"]
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
        "machine": machine(PACKAGES),
        "results": results,
        "notes": notes,
        "summary": [size_summary(r) for r in results],
    }
    args.json.write_text(json.dumps(ctx, indent=1, default=str), encoding="utf-8")
    section = report(ctx)
    print(section)
    write_results(args.results, HEADING, section)
    log(f"wrote {args.results}")
    failed = [r["actors"] for r in results if r["check"]["ok"] is False]
    if failed:
        log(f"CROSS-CHECK FAILED at {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
