"""Benchmark the import: ``ikg import`` (the CLI) against rdflib and raw pyoxigraph on the same data.

Usage::

    python bench/import_bench.py [--actors 10000] [--reps 3] [--quick] [--limit S] [--no-morph]
                                 [--big-actors 100000] [--big-limit S] [--results PATH] [--json PATH]

On the synthetic concept ``synthetic-N`` (``bench/generate.py``: ``concept.xlsx`` and
``concept.ttl`` under ``/tmp/ikg-bench-N``, generated when missing), each repetition runs, one
after the other, each as its own process with a fresh store directory:

* **ikg import, spreadsheet**: ``ikg --store DIR --no-seed import concept.xlsx``: read the
  workbook, map it, validate it with SHACL, write the concept's named graph, flush;
* **ikg import, CSV folder**: ``ikg --store DIR --no-seed import csv/``, the same tables as CSV
  files (``generate.py`` writes both);
* **ikg import, Turtle**: ``ikg --store DIR --no-seed import concept.ttl --graph IRI`` (the RDF
  route of the CLI: parse, SHACL, write); the same triples as the spreadsheet gives;
* **rdflib**: ``rdflib.Graph().parse("concept.ttl", format="turtle")`` in a fresh Python;
* **raw pyoxigraph** (reference): ``pyoxigraph.Store(DIR).bulk_load(path="concept.ttl",
  format=RdfFormat.TURTLE, to_graph=IRI)`` and ``flush()`` in a fresh Python;
* **morph-kgc (RML)**, what a user would pick instead of ikg (``bench/morph_bench.py``): the
  RML engine morph-kgc maps the same CSV folder with ``bench/rml/concept.rml.ttl`` to the same
  IRIs, once to an N-Quads file (``python -m morph_kgc CONFIG``) and once into a pyoxigraph store
  (``morph_kgc.materialize_oxigraph``, in memory), one worker process each. RML without custom
  functions does not make all of ikg's triples (no provenance locators, which need the row
  number, among others; the mapping's header lists them), so the report says how many of ikg's
  triples morph-kgc's output holds and how many it adds. morph-kgc pins older pyoxigraph and
  rdflib than ikg's and lives in its own venv (``/tmp/morph-venv``, or ``$IKG_MORPH_PYTHON``);
  without it, or with ``--no-morph``, its rows say why they were skipped.

Each is timed from process start to exit (wall time, what a user waits for; Python start-up and
imports included for all) with its peak RSS from ``wait4`` (``ru_maxrss``); the in-process
time (ikg's own "in X s", which leaves out opening the store; the parse or load call for the
others) is shown beside it. Median of ``--reps`` repetitions (3; 1 with ``--quick``); the
routes of one repetition run back to back, so that other load on the machine hits them alike.
Ratios: rdflib / ikg wall time (> 1: ikg faster), and each route over raw pyoxigraph's bulk load
(issue 18's target: the CSV and XLSX imports within 2x of it).

With ``--big-actors N`` (``bench/run`` passes 100000 in a full run) the spreadsheet import of
``synthetic-N`` is timed once more, with its own limit ``--big-limit`` (1,200 s); past it the
process is killed and the result is ``>LIMIT``. Then the graph that import wrote is dumped as
N-Triples (not timed) and raw pyoxigraph bulk-loads it into a fresh store in a process of its own:
Oxigraph's own time for the same triples, beside ikg's (no Turtle of that size is generated).

A route past ``--limit`` (600 s; 120 s with ``--quick``) is killed and shown as ``>LIMIT``.
The section ``## Import`` of ``bench/RESULTS.md`` is replaced; ``--json`` saves the
measurements and :func:`summary` for ``bench/run``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    from bench._common import ensure_data, log, measure_and_report, report_options, run_measured, secs
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import ensure_data, log, measure_and_report, report_options, run_measured, secs
try:
    from bench import morph_bench
except ImportError:  # run as a script
    import morph_bench

HEADING = "## Import"
BENCH_DIR = Path(__file__).resolve().parent
PACKAGES = ("pyoxigraph", "rdflib", "pyshacl", "python-calamine", "openpyxl")
ROUTES: tuple[tuple[str, str], ...] = (
    ("ikg_xlsx", "ikg import, spreadsheet"),
    ("ikg_csv", "ikg import, CSV folder"),
    ("ikg_ttl", "ikg import, Turtle"),
    ("rdflib", "rdflib parse"),
    ("pyoxigraph", "raw pyoxigraph bulk_load"),
)
#: the rows of the table: ROUTES (what summary()'s ``walls`` and ``rss`` hold), then morph-kgc's
ALL_ROUTES: tuple[tuple[str, str], ...] = ROUTES + morph_bench.ROUTES
OWN_TIME = re.compile(r"imported .*: ([\d,]+) triples .* in ([0-9.,]+) s")


def ikg_command() -> list[str]:
    """The ``ikg`` console script beside this Python (or on PATH)."""
    beside = Path(sys.executable).parent / "ikg"
    return [str(beside)] if beside.is_file() else [shutil.which("ikg") or "ikg"]


# -- the children: `python bench/import_bench.py --child rdflib|pyoxigraph ...` --------------------


def child(kind: str, ttl: str, store: str, graph: str) -> int:
    """Parse or bulk-load ``ttl`` in this process; print ``{"s": ..., "triples": ...}`` as JSON."""
    t0 = time.perf_counter()
    if kind == "rdflib":
        import rdflib

        g = rdflib.Graph().parse(ttl, format="turtle")
        n = len(g)
    elif kind == "pyoxigraph":
        import pyoxigraph as ox

        st = ox.Store(store)
        st.bulk_load(path=ttl, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        st.flush()
        n = len(st)
    elif kind == "dump":  # not timed: the graph an import wrote, as N-Triples (which Turtle's parser reads)
        import pyoxigraph as ox

        ox.Store.read_only(store).dump(output=ttl, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        n = 0
    else:
        raise SystemExit(f"unknown child {kind}")
    print(json.dumps({"s": time.perf_counter() - t0, "triples": n}))
    return 0


# -- one run of one route ---------------------------------------------------------------------------


def run_route(
    route: str, data: Path, graph: str, limit: float, work: Path, ttl: Path | None = None, keep: bool = False
) -> dict[str, Any]:
    """One timed run of ``route`` with a fresh store directory under ``work`` (removed afterwards,
    unless ``keep``: then its path is ``r["store"]``); ``ttl`` instead of ``data/concept.ttl``."""
    store = Path(tempfile.mkdtemp(prefix="store-", dir=work))
    shutil.rmtree(store)  # ikg creates it; a fresh path every time
    ttl = ttl or data / "concept.ttl"
    if route == "ikg_xlsx":
        cmd = [*ikg_command(), "--store", str(store), "--no-seed", "import", str(data / "concept.xlsx")]
    elif route == "ikg_csv":
        cmd = [*ikg_command(), "--store", str(store), "--no-seed", "import", str(data / "csv")]
    elif route == "ikg_ttl":
        cmd = [*ikg_command(), "--store", str(store), "--no-seed", "import", str(ttl), "--graph", graph]
    else:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", route, str(ttl), str(store), graph]
    try:
        r = run_measured(cmd, limit, env={**os.environ, "IKG_LANG": "en"})  # the line OWN_TIME reads
    finally:
        if not keep:
            shutil.rmtree(store, ignore_errors=True)
    if keep:
        r["store"] = str(store)
    r["own_s"], r["triples"] = None, None
    if r["status"] == "ok":
        if route.startswith("ikg"):
            m = OWN_TIME.search(r["stdout"])
            if m:
                r["triples"], r["own_s"] = int(m.group(1).replace(",", "")), float(m.group(2).replace(",", ""))
        else:
            try:
                got = json.loads(r["stdout"].strip().splitlines()[-1])
                r["own_s"], r["triples"] = got["s"], got["triples"]
            except (ValueError, IndexError, KeyError):
                pass
    r["error"] = "" if r["status"] == "ok" else (r["stderr"].strip().splitlines() or [""])[-1][:200]
    del r["stdout"], r["stderr"]
    return r


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median wall and in-process time, largest peak RSS; the first failure if any run failed."""
    bad = [r for r in runs if r["status"] != "ok"]
    if bad:
        return dict(bad[0]) | {"runs": len(runs) - len(bad)}
    own = [r["own_s"] for r in runs if r["own_s"] is not None]
    return {
        "status": "ok",
        "wall": statistics.median(r["wall"] for r in runs),
        "own_s": statistics.median(own) if own else None,
        "rss": max(r["rss"] for r in runs),
        "triples": runs[-1]["triples"],
        "runs": len(runs),
        "walls": [r["wall"] for r in runs],
    }


def bench(args: argparse.Namespace) -> dict[str, Any]:
    from ikg.graph.namespaces import concept_graph

    data = ensure_data(args.actors, ("csv", "xlsx", "ttl"))
    graph = str(concept_graph(f"synthetic-{args.actors}"))
    work = Path(tempfile.mkdtemp(prefix="ikg-import-bench-"))
    runs: dict[str, list[dict[str, Any]]] = {r: [] for r, _ in ROUTES}
    out: dict[str, Any] = {"actors": args.actors, "data": str(data), "graph": graph}
    if args.no_morph:
        morph_python, morph_what = None, "--no-morph given"
    else:
        morph_python, morph_what = morph_bench.find_python()
    out["morph"] = {"python": morph_python, "versions": morph_what if morph_python else None}
    if morph_python is None:
        out["morph"]["skipped"] = morph_what
        log(f"morph-kgc routes: {morph_what}")
    else:
        log(f"morph-kgc routes: {morph_python} ({morph_what})")
        runs |= {r: [] for r, _ in morph_bench.ROUTES}
    try:
        for rep in range(args.reps):
            for route, label in ALL_ROUTES:
                if route not in runs or (runs[route] and runs[route][-1]["status"] != "ok"):
                    continue  # skipped, or failed or killed once: not repeated
                if route.startswith("morph"):
                    assert morph_python is not None
                    check = route == "morph_file" and "coverage" not in out["morph"]
                    try:
                        r = morph_bench.run_route(route, data, graph, args.limit, work, morph_python, check=check)
                    except Exception as exc:  # an optional comparison never fails the benchmark
                        r = {"status": "failed", "wall": 0.0, "rss": None, "returncode": None}
                        r |= {"own_s": None, "triples": None, "error": f"{type(exc).__name__}: {exc}"[:200]}
                    if "coverage" in r:
                        out["morph"]["coverage"] = r.pop("coverage")
                        log(morph_bench.coverage_text(out["morph"]["coverage"]))
                    if "coverage_error" in r:
                        out["morph"]["coverage_error"] = r.pop("coverage_error")
                else:
                    r = run_route(route, data, graph, args.limit, work)
                runs[route].append(r)
                log(
                    f"run {rep + 1}/{args.reps} {label}: {r['status']} {r['wall']:.2f} s"
                    + (f", peak {r['rss']:,.0f} MB" if r["rss"] is not None else "")
                    + (f" ({r['error']})" if r["error"] else "")
                )
        out["routes"] = {route: combine(rs) for route, rs in runs.items()}
        if args.big_actors:
            big = ensure_data(args.big_actors, ("xlsx",))
            log(f"ikg import of {args.big_actors:,} actors (limit {args.big_limit:g} s)")
            r = run_route("ikg_xlsx", big, "", args.big_limit, work, keep=True)
            log(
                f"{args.big_actors:,} actors: {r['status']} {r['wall']:.1f} s"
                + (f" ({r['error']})" if r["error"] else "")
            )
            kept = Path(r.pop("store"))
            out["big"] = r | {"actors": args.big_actors, "limit": args.big_limit}
            if r["status"] == "ok":  # the same triples, as the import wrote them, into raw pyoxigraph
                big_graph = str(concept_graph(f"synthetic-{args.big_actors}"))
                nt = work / "big.nt"
                dump = [sys.executable, str(Path(__file__).resolve()), "--child", "dump", str(nt), str(kept), big_graph]
                run_measured(dump, args.big_limit, env=dict(os.environ))
                shutil.rmtree(kept, ignore_errors=True)  # its gigabytes go before the raw load
                raw = run_route("pyoxigraph", big, big_graph, args.big_limit, work, ttl=nt)
                nt.unlink(missing_ok=True)
                out["big"]["raw"] = {k: raw[k] for k in ("status", "wall", "rss", "own_s", "triples", "error")}
                log(
                    f"{args.big_actors:,} actors, raw bulk load of the same triples: {raw['status']} {raw['wall']:.1f} s"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


# -- report -----------------------------------------------------------------------------------------


def _big_raw_text(big: dict[str, Any]) -> str:
    """The raw bulk load beside the big import: the same triples, dumped from the store it wrote."""
    raw = big.get("raw")
    if not raw:
        return ""
    if raw["status"] != "ok":
        return f" Raw pyoxigraph bulk_load of the same triples: {raw['status']} ({raw['error']})."
    return (
        f" Raw pyoxigraph `bulk_load` of the same triples (the graph that import wrote, dumped as "
        f"N-Triples; its own process, fresh store): **{secs(raw['wall'])}** wall, peak RSS {raw['rss']:,.0f} MB; "
        f"ikg / raw = {big['wall'] / raw['wall']:.2f}x."
    )


def summary(res: dict[str, Any]) -> dict[str, Any]:
    """What ``bench/run`` reads: medians per route, rdflib / ikg ratios, the big import.

    ``ratio`` is rdflib's wall time over ``ikg import concept.xlsx``'s, ``ratio_ttl`` over
    ``ikg import concept.ttl``'s (``None`` where a side failed). ``walls`` and ``rss`` hold the
    routes of :data:`ROUTES`; morph-kgc's are under ``morph``: ``walls``, ``rss``, ``over_raw``
    (each route's wall time over raw bulk load's), ``coverage`` (:func:`morph_bench.coverage`
    without the per-predicate detail) and ``skipped`` (why, when it did not run).
    """
    routes = res["routes"]

    def wall(route: str) -> float | None:
        r = routes.get(route)
        return r["wall"] if r and r["status"] == "ok" else None

    rdf, xlsx, ttl, csv, raw = wall("rdflib"), wall("ikg_xlsx"), wall("ikg_ttl"), wall("ikg_csv"), wall("pyoxigraph")
    out: dict[str, Any] = {
        "actors": res["actors"],
        "walls": {r: wall(r) for r, _ in ROUTES},
        "rss": {r: routes[r].get("rss") for r, _ in ROUTES},
        "ratio": rdf / xlsx if rdf and xlsx else None,
        "ratio_ttl": rdf / ttl if rdf and ttl else None,
        "over_raw_xlsx": xlsx / raw if xlsx and raw else None,
        "over_raw_csv": csv / raw if csv and raw else None,
    }
    big = res.get("big")
    if big:
        out["big"] = {k: big[k] for k in ("actors", "status", "wall", "rss", "limit", "error")}
        raw_big = big.get("raw") or {}
        out["big"]["raw_wall"] = raw_big.get("wall") if raw_big.get("status") == "ok" else None
    morph = res.get("morph") or {}
    names = [r for r, _ in morph_bench.ROUTES]
    cov = morph.get("coverage")
    out["morph"] = {
        "walls": {r: wall(r) for r in names},
        "rss": {r: (routes.get(r) or {}).get("rss") for r in names},
        "over_raw": {r: w / raw if (w := wall(r)) and raw else None for r in names},
        "coverage": {k: v for k, v in cov.items() if k != "missing"} if cov else None,
        "skipped": morph.get("skipped"),
        "versions": morph.get("versions"),
    }
    return out


def report(ctx: dict[str, Any]) -> str:
    res, a = ctx["result"], ctx["args"]
    routes = res["routes"]
    rdf = routes["rdflib"]
    commands = {
        "ikg_xlsx": "`ikg --store DIR --no-seed import concept.xlsx`",
        "ikg_csv": "`ikg --store DIR --no-seed import csv/`",
        "ikg_ttl": "`ikg --store DIR --no-seed import concept.ttl --graph IRI`",
        "rdflib": '`rdflib.Graph().parse("concept.ttl", format="turtle")`',
        "pyoxigraph": "`pyoxigraph.Store(DIR).bulk_load(path=concept.ttl, format=TURTLE, to_graph=IRI)` + `flush()`",
        **morph_bench.COMMANDS,
    }
    morph = res.get("morph") or {}
    lines = [
        HEADING,
        "",
        f"Command: `{ctx['command']}` (total {ctx['total_s'] / 60:.1f} min)",
        "",
        f"Machine: {ctx['machine']}",
        "",
        f"Tree: {ctx['tree']}",
        "",
        f"Data: `synthetic-{res['actors']}` from `bench/generate.py --actors {res['actors']}` (`concept.xlsx` and "
        f"`concept.ttl`, the same concept), cached in `{res['data']}`.",
        "",
        f"Each route runs as its own process with a fresh store directory; wall time from process start to exit "
        f"(Python start-up and imports included for all), peak RSS from `wait4`. In-process: ikg's own "
        f"`in X s` (the import after opening the store), the parse or bulk-load call for the others. Median of "
        f"{a.reps} run(s), the routes of a run back to back; a route past {secs(a.limit)} is killed. rdflib / "
        "route > 1: the route is faster than rdflib.",
        "",
        "| route | command | wall | in-process | peak RSS MB | triples | rdflib / route | route / raw bulk load |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    raw = routes["pyoxigraph"]
    for route, label in ALL_ROUTES:
        r = routes.get(route)
        if r is None:  # morph-kgc not run
            lines.append(f"| {label} | {commands[route]} | skipped (below) | – | – | – | – | – |")
            continue
        if r["status"] == "ok":
            wall = secs(r["wall"]) + (" (1 run)" if r["runs"] == 1 and a.reps > 1 else "")
            own, rss = secs(r["own_s"]), f"{r['rss']:,.0f}"
            trip = f"{r['triples']:,}" if r["triples"] is not None else "?"
            ratio = f"{rdf['wall'] / r['wall']:,.2f}x" if rdf["status"] == "ok" else "–"
            over = f"{r['wall'] / raw['wall']:,.2f}x" if raw["status"] == "ok" else "–"
        else:
            wall = f">{secs(a.limit)} (killed)" if r["status"] == "timeout" else f"{r['status']}"
            own = rss = trip = ratio = over = "–"
        lines.append(f"| {label} | {commands[route]} | {wall} | {own} | {rss} | {trip} | {ratio} | {over} |")
    for route, label in ALL_ROUTES:
        r = routes.get(route)
        if r is not None and r["status"] not in ("ok", "timeout"):
            lines += ["", f"{label} failed (exit {r['returncode']}): `{r['error']}`"]
    lines += ["", _morph_text(morph, routes)]
    big = res.get("big")
    if big:
        lines.append("")
        if big["status"] == "ok":
            lines.append(
                f"**{big['actors']:,} actors**, `ikg --store DIR --no-seed import concept.xlsx` once: "
                f"**{secs(big['wall'])}** wall (ikg's own timer {secs(big['own_s'])}), peak RSS "
                f"{big['rss']:,.0f} MB, {big['triples'] or 0:,} triples." + _big_raw_text(big)
            )
        elif big["status"] == "timeout":
            lines.append(
                f"**{big['actors']:,} actors**, `ikg --store DIR --no-seed import concept.xlsx` once: "
                f"**>{secs(big['limit'])}** (killed at the limit)."
            )
        else:
            lines.append(
                f"**{big['actors']:,} actors**, `ikg import concept.xlsx` once: {big['status']} after "
                f"{secs(big['wall'])} (exit {big['returncode']}): `{big['error']}`"
            )
    for note in ctx["notes"]:
        lines.append(f"\nNote: {note}")
    return "\n".join(lines).rstrip("\n") + "\n"


def _morph_text(morph: dict[str, Any], routes: dict[str, Any]) -> str:
    """The paragraph under the table on morph-kgc's rows: what ran, and how many of ikg's triples it made."""
    text = (
        "morph-kgc rows: the RML engine morph-kgc on the same CSV folder with `bench/rml/concept.rml.ttl`, "
        "which mints the same IRIs as ikg but leaves out what RML cannot do without custom functions "
        "(provenance locators, which need the row number; `org:FormalOrganization` for an actor without a "
        "parent; parsing of non-ISO dates and German vocabulary names; ikg's checks and SHACL): see the "
        "mapping's header. One worker process (`number_of_processes=1`); the pyoxigraph route is morph-kgc's "
        "`materialize_oxigraph`, an in-memory store. In-process: morph-kgc's own mapping and materialisation "
        "times, the `materialize_oxigraph` call. Its ratios compare times for fewer triples than the other "
        "rows hold (column triples)."
    )
    if morph.get("skipped"):
        return text + f" Not run: {morph['skipped']}."
    if morph.get("versions"):
        text += f" {morph['versions']}, in `{morph['python']}` (it pins pyoxigraph<0.4 and rdflib<7.3)."
    cov = morph.get("coverage")
    if cov:
        text += " Same triples: " + morph_bench.coverage_text(cov)
    elif morph.get("coverage_error"):
        text += f" Same triples: not compared ({morph['coverage_error']})."
    elif (routes.get("morph_file") or {}).get("status") == "ok":
        text += " Same triples: not compared."
    return text


# -- main -------------------------------------------------------------------------------------------


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(*sys.argv[2:6])
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument(
        "--actors", type=int, default=None, help="actors in the synthetic concept (10000; 1000 with --quick)"
    )
    ap.add_argument("--reps", type=int, default=None, help="repetitions, median (3; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="1,000 actors, one run, 120 s limit")
    ap.add_argument("--limit", type=float, default=None, help="limit per run, s (600; 120 with --quick)")
    ap.add_argument("--no-morph", action="store_true", help="skip the morph-kgc (RML) routes")
    ap.add_argument("--big-actors", type=int, default=0, help="also import this size once (0: no)")
    ap.add_argument("--big-limit", type=float, default=1200.0, help="limit of that import, s (1200)")
    report_options(ap)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.actors = args.actors or (1000 if args.quick else 10000)
    args.reps = args.reps or (1 if args.quick else 3)
    args.limit = args.limit or (120.0 if args.quick else 600.0)
    return measure_and_report("bench/import_bench.py", args, bench, report, summary, HEADING, PACKAGES)


if __name__ == "__main__":
    sys.exit(main())
