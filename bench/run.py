"""Run the ikg benchmark suite in one command and write ``bench/RESULTS.md``.

Usage::

    bench/run                      # full run: 10,000 actors, 3 repetitions (hours on 2 cores)
    bench/run --quick              # 1,000 actors, 1 repetition, short limits (a few minutes)
    bench/run --size 10000 --reps 3 --only queries,gaps --gap-sizes 10000,100000
              --endpoint-duration 60 --results bench/RESULTS.md

``bench/run`` is a small bash wrapper that runs this file with ``$PYTHON``, else the repository's
``.venv/bin/python``, else ``python3``.

Every comparison runs as its own script in a child process (one source of truth per
measurement: the script measures, writes its section of the results file and saves its numbers
as JSON); this file runs them one after the other (never two heavy processes at once), reads
their JSON and writes, before the sections, a summary: the machine (CPUs, RAM, Python,
pyoxigraph, rdflib, networkx, igraph, the git commit) and the **targets table**: one row per
target, the measured value and whether it is met. The exit status is 0 when every comparison
ran, whatever the targets say; 1 when one failed (its log is kept and named).

The comparisons (``--only``, comma-separated, default all, in this order):

``latency`` -> ``bench/latency.py``, section ``## Command latency (issue 18)``
    ``ikg info``, ``queries``, ``query wg-members``, ``gaps`` and ``report`` on the shipped concepts,
    each its own process on a warm store: median wall time, peak RSS; where start-up goes
    (``-X importtime``) and a cProfile of each.
``import`` -> ``bench/import_bench.py``, section ``## Import``
    ``ikg --store DIR --no-seed import concept.xlsx`` and ``csv/`` (the CLI: read, map, SHACL,
    write) and the same for ``concept.ttl`` against ``rdflib.Graph().parse(concept.ttl)`` and raw pyoxigraph's
    ``bulk_load`` (reference); each a process of its own with a fresh store; median wall time,
    peak RSS, rdflib / ikg. A full run also imports 100,000 actors once (limit 20 minutes).
``queries`` -> ``bench/sparql_bench.py``, section ``## SPARQL: query library (issue 3)``
    Every named query, parameters bound as ikg binds them, on ikg's on-disk store, on raw
    pyoxigraph opened on a copy of that store (same text, rows consumed: ikg's overhead), and on
    rdflib's in-memory ``Dataset``; each engine in a killable child; medians, rdflib / ikg and
    ikg / raw.
``endpoint`` -> ``bench/sparql_bench.py``, section ``## SPARQL: endpoint (issue 3)``
    ``ikg serve`` against ``rdflib-endpoint`` on the same data and texts: p50/p99 with 1 and 8
    clients; with ``queries`` also every named query through ``ikg serve``'s ``/sparql``, one at a
    time (median, rows checked against ikg in process; rdflib / ``/sparql``: the 15x through the
    endpoint); then a soak of ``ikg serve`` alone, 8 clients for ``--endpoint-duration`` seconds
    over all named queries: requests, errors, p50/p99, server RSS before and after.
``overhead`` -> ``bench/overhead.py``, section ``## Endpoint overhead (issue 18)``
    A small query through ``ikg serve``'s ``/sparql`` against the same query on raw pyoxigraph,
    interleaved: the per-request overhead of the endpoint (HTTP, lanes, confined engine, pipe);
    at ``--size`` actors, with three aggregates also on rdflib's in-memory engine (the 15x target).
``gaps`` -> ``bench/gaps_bench.py``, section ``## Gap analysis (issue 4)``
    ``load_network`` + ``analyse`` end to end and stage by stage (load, ties, igraph,
    betweenness, structural holes, Louvain, cut points / bridges, missing links, findings)
    against the plain networkx route, at each of ``--gap-sizes``; at 100,000 actors ikg only.
``views`` -> ``bench/viz_bench.py``, section ``## Views (issue 5)``
    HTML, SVG and PNG generation and the first draw in headless Chromium (Playwright driving
    ``/usr/bin/chromium``) of 1,000 and 5,000-node views (and 100 in a full run).
``pages`` -> ``bench/pages.py``, section ``## Workbench pages (issue 15)``
    The workbench's server-side time per page type (start, concept, actor, AG, goal, field, task,
    gaps with and without filters, search, lists, queries, a query with its result, changes,
    report, import), in process, on the shipped concepts (60 actors) and with the synthetic
    concept of ``--size`` actors: p50 and p95 of 20 requests (5 with ``--quick``).

Data: ``bench/generate.py`` concepts cached under ``/tmp/ikg-bench-N`` (generated when missing).
``--quick`` means ``--size 1000``, one repetition, the scripts' short limits, gap sizes 1000,
a 10 s soak; it must finish in under 5 minutes on a 2-core machine. A full run defaults to
``--size 10000``, 3 repetitions, gap sizes ``SIZE,100000``, a 60 s soak.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    from bench._common import git_commit, log, machine, order_sections, secs, write_results
    from bench.targets18 import speed_targets
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import git_commit, log, machine, order_sections, secs, write_results
    from targets18 import speed_targets

BENCH_DIR = Path(__file__).resolve().parent
HEADING = "## Summary: targets (bench/run)"
STEPS = ("latency", "import", "queries", "endpoint", "overhead", "gaps", "views", "pages")
#: the sections in the order the results file shows them
SECTIONS = (
    HEADING,
    "## Command latency (issue 18)",
    "## Import",
    "## SPARQL: query library (issue 3)",
    "## SPARQL: endpoint (issue 3)",
    "## Endpoint overhead (issue 18)",
    "## Gap analysis (issue 4)",
    "## Views (issue 5)",
    "## Workbench pages (issue 15)",
)
BIG = 100_000  # actors of the big import and the largest gap size
BIG_IMPORT_LIMIT = 1200.0
NX_ROUTE_MAX = BIG - 1  # the networkx route runs below 100,000 actors only
NX_LIMIT = 300.0  # s per networkx part in a full run
GB = 1e9


# -- running the scripts ----------------------------------------------------------------------------


def run_step(name: str, cmd: list[str], work: Path, limit: float) -> dict[str, Any]:
    """Run one benchmark script in its own process group; its stdout goes to ``work/NAME.log``.

    Returns
    -------
    dict
        ``status`` (``ok``, ``failed``, ``timeout``), ``wall`` (s), ``returncode``, ``log`` (path).
    """
    logfile = work / f"{name}.log"
    log(f"== {name}: {shlex.join(cmd)}")
    t0 = time.perf_counter()
    with logfile.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = proc.wait(timeout=limit)
            status = "ok" if code == 0 else "failed"
        except subprocess.TimeoutExpired:
            log(f"{name} passed its {limit:g} s limit: stopping it")
            stop_group(proc)
            code, status = proc.returncode, "timeout"
        except BaseException:
            stop_group(proc)  # Ctrl-C or SIGTERM: take the step (and its servers) down with us
            raise
    wall = time.perf_counter() - t0
    log(f"== {name}: {status} in {secs(wall)}" + ("" if status == "ok" else f"; log {logfile}"))
    if status != "ok":
        tail = logfile.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        for line in tail:
            log(f"   | {line}")
    return {"status": status, "wall": wall, "returncode": code, "log": str(logfile)}


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the step's process group (the scripts unwind and stop their servers), then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=wait)
            if sig == signal.SIGTERM:
                os.killpg(proc.pid, signal.SIGKILL)  # anything the step left behind
            return
        except subprocess.TimeoutExpired:
            continue
        except (ProcessLookupError, PermissionError):
            return


def load_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# -- targets ----------------------------------------------------------------------------------------


def _x(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{v:,.{digits}f}×"


def _gb(mib: float | None) -> str:
    return "–" if mib is None else f"{mib * 1048576 / GB:.2f} GB"


Row = tuple[str, str, str]


def targets(found: dict[str, Any], args: argparse.Namespace) -> list[Row]:
    """The rows of the targets table: (target, measured, met: ``yes`` / ``no`` / ``–`` not measured)."""
    rows: list[Row] = []
    imp = (found.get("import") or {}).get("summary")
    sq = (found.get("sparql") or {}).get("summary") or {}
    lib, ep = sq.get("library"), sq.get("endpoint")
    gaps = (found.get("gaps") or {}).get("summary") or []
    views = (found.get("views") or {}).get("rows") or []

    def missing(step: str) -> str:
        if step not in args.only:
            return "not measured (not in --only)"
        return f"not measured ({found.get('status', {}).get(step, 'no result')})"

    # queries
    t = "Queries ≥15× faster than rdflib in-memory at 10,000 actors (sum over the queries both finish)"
    if lib and lib.get("ratio") is not None:
        kills = f"; rdflib killed on {lib['rdflib_timeouts']}" if lib.get("rdflib_timeouts") else ""
        rows.append(
            (
                t,
                f"{_x(lib['ratio'])} at {sq['actors']:,} actors ({lib['both']} queries: ikg {secs(lib['ikg_sum'])}, "
                f"rdflib {secs(lib['rdflib_sum'])}{kills})",
                "yes" if lib["ratio"] >= 15 else "no",
            )
        )
    else:
        rows.append((t, missing("queries"), "–"))
    t = "ikg overhead ≤1.3× raw pyoxigraph (sum, and worst query)"
    if lib and lib.get("overhead_sum") is not None:
        worst = lib.get("overhead_worst")
        floor = "queries ≥10 ms on raw pyoxigraph"
        worst_text = (
            f"worst {_x(worst, 2)} ({lib['overhead_worst_query']}; {floor})"
            if worst is not None
            else f"worst – (no {floor})"
        )
        if lib.get("overhead_worst_all") is not None and lib["overhead_worst_all"] != worst:
            worst_text += f"; over all queries {_x(lib['overhead_worst_all'], 2)} ({lib['overhead_worst_all_query']})"
        met = lib["overhead_sum"] <= 1.3 and (worst is None or worst <= 1.3)
        rows.append(
            (t, f"sum {_x(lib['overhead_sum'], 2)}, {worst_text}, at {sq['actors']:,} actors", "yes" if met else "no")
        )
    else:
        rows.append((t, missing("queries"), "–"))
    # import
    t = "Import ≥5× faster than rdflib parsing the same data"
    if imp and imp.get("ratio") is not None:
        w = imp["walls"]
        ttl = f"; `ikg import concept.ttl` {_x(imp['ratio_ttl'], 2)}" if imp.get("ratio_ttl") else ""
        rows.append(
            (
                t,
                f"rdflib / `ikg import concept.xlsx` {_x(imp['ratio'], 2)} (ikg {secs(w['ikg_xlsx'])}, rdflib "
                f"{secs(w['rdflib'])}{ttl}) at {imp['actors']:,} actors",
                "yes" if imp["ratio"] >= 5 else "no",
            )
        )
    else:
        rows.append((t, missing("import"), "–"))
    t = "100,000 actors import <60 s and <2 GB peak"
    big = (imp or {}).get("big")
    if big and big["status"] == "ok":
        ok = big["wall"] < 60 and big["rss"] * 1048576 < 2 * GB
        raw = big.get("raw_wall")
        raw_text = (
            f"; Oxigraph's raw bulk load of the same triples {secs(raw)}, ikg {big['wall'] / raw:.2f}×" if raw else ""
        )
        rows.append((t, f"{secs(big['wall'])} (peak {_gb(big['rss'])}{raw_text})", "yes" if ok else "no"))
    elif big and big["status"] == "timeout":
        rows.append((t, f">{secs(big['limit'])} (killed at the limit)", "no"))
    elif big:
        rows.append((t, f"{big['status']} after {secs(big['wall'])}: {big.get('error', '')[:80]}", "no"))
    elif imp and imp["actors"] >= BIG and imp["walls"].get("ikg_xlsx") is not None:
        wall = imp["walls"]["ikg_xlsx"]
        rows.append(
            (
                t,
                f"{secs(wall)} at {imp['actors']:,} actors (peak {_gb(imp['rss']['ikg_xlsx'])})",
                "yes" if wall < 60 and imp["rss"]["ikg_xlsx"] * 1048576 < 2 * GB else "no",
            )
        )
    elif "import" in args.only and args.quick:
        rows.append((t, "not measured (--quick)", "–"))
    else:
        rows.append((t, missing("import"), "–"))
    # endpoint
    t = "Endpoint p50 ≥10× lower than rdflib-endpoint"
    levels = (ep or {}).get("levels") or {}
    if levels:

        def level(c: str, v: dict[str, Any]) -> str:
            clients = f"{c} client{'s' if c != '1' else ''}"
            if v.get("ratio") is None:
                return f"{clients}: no ratio (ikg p50 {secs(v['ikg_p50'])}, rdflib-endpoint answered none)"
            rdf = secs(v["rdflib_p50"]) if v["rdflib_p50"] else "none answered"
            return (
                f"{clients} {'>' if v['lower_bound'] else ''}{_x(v['ratio'])} (ikg {secs(v['ikg_p50'])}, "
                f"rdflib-endpoint {rdf})"
            )

        parts = [level(c, v) for c, v in levels.items()]
        met = all(v.get("ratio") is not None and v["ratio"] >= 10 for v in levels.values())
        rows.append((t, "; ".join(parts) + f" at {sq['actors']:,} actors", "yes" if met else "no"))
    else:
        rows.append((t, missing("endpoint"), "–"))
    t = "No errors under 8 concurrent clients for 60 s"
    soak = (ep or {}).get("soak")
    if soak:
        short = soak["duration"] < 60
        rows.append(
            (
                t,
                f"{soak['errors']} errors in {soak['requests']:,} requests, {soak['clients']} clients × "
                f"{soak['duration']:g} s{' (shorter than the target: --endpoint-duration)' if short else ''}; "
                f"p50 {secs(soak['p50'])}, p99 {secs(soak['p99'])}",
                "yes" if soak["errors"] == 0 and soak["clients"] >= 8 else "no",
            )
        )
    else:
        rows.append((t, missing("endpoint"), "–"))
    # gap analysis
    t = "Gap analysis 100,000 actors <60 s and peak memory <4 GB"
    at_big = [g for g in gaps if g["actors"] == BIG]
    if at_big:
        g = at_big[0]
        met = g["total_s"] < 60 and g["peak_mb"] * 1048576 < 4 * GB
        rows.append(
            (
                t,
                f"{secs(g['total_s'])} (`load_network` {secs(g['load_s'])} + `analyse` {secs(g['analyse_s'])}), "
                f"peak {_gb(g['peak_mb'])}",
                "yes" if met else "no",
            )
        )
    else:
        sizes = ", ".join(f"{g['actors']:,}" for g in gaps) or "none"
        rows.append((t, missing("gaps") if not gaps else f"not measured (gap sizes: {sizes})", "–"))
    t = "Gap analysis ≥10× faster than the plain networkx route at 10,000 actors"
    with_nx = [g for g in gaps if g.get("route_ratio") is not None]
    if with_nx:
        g = min(with_nx, key=lambda g: abs(g["actors"] - 10_000))
        q = g.get("route_qual", "")
        rows.append(
            (
                t,
                f"{q}{_x(g['route_ratio'])} at {g['actors']:,} actors (ikg {secs(g['route_ikg_s'])}, networkx "
                f"{q}{secs(g['route_nx_s'])}; route for route)",
                "yes" if g["route_ratio"] >= 10 else "no",
            )
        )
    else:
        rows.append((t, missing("gaps"), "–"))
    # views
    t = "Views: 5,000-node view drawn in headless Chromium <3 s"
    five = [v for v in views if v["nodes"] == 5000]
    if five:
        v = five[0]
        rows.append(
            (
                t,
                f"{v['draw_ms'] / 1000:.2f} s first draw (median of 3; HTML generation {secs(v['html_s'])})",
                "yes" if v["draw_ms"] < 3000 else "no",
            )
        )
    else:
        rows.append((t, missing("views"), "–"))
    rows.append(pages_target(found, missing))
    return rows + speed_targets(found, missing)


def pages_target(found: dict[str, Any], missing: Any) -> Row:
    """The row of issue 15: every workbench page type answers in under 100 ms (p50) at 10,000 actors."""
    t = "Workbench: every page type p50 <100 ms at 10,000 actors (server-side)"
    pages = (found.get("pages") or {}).get("summary")
    if not pages:
        return (t, missing("pages"), "–")
    timed = {n: v["large"] for n, v in pages["pages"].items() if v.get("large") is not None}
    over = ", ".join(f"{n} {secs(timed[n])}" for n in pages["over"]) or "none"
    failed = f"; failed: {', '.join(pages['failed'])}" if pages["failed"] else ""
    worst = f"; slowest {pages['worst'][0]} {secs(pages['worst'][1])}" if pages.get("worst") else ""
    text = (
        f"{len(timed) - len(pages['over'])} of {len(pages['pages'])} page types under 100 ms at "
        f"{pages['actors']:,} actors; over: {over}{failed}{worst}"
    )
    return (t, text, "yes" if not pages["over"] and not pages["failed"] else "no")


def summary_section(args: argparse.Namespace, rows: list[Row], steps: dict[str, dict[str, Any]], total: float) -> str:
    """The summary: command, machine, commit, the targets table and how each step went."""
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        HEADING,
        "",
        f"Command: `{shlex.join(['bench/run', *sys.argv[1:]])}` (total {total / 60:.1f} min, finished {now})",
        "",
        f"Machine: {machine(('pyoxigraph', 'rdflib', 'networkx', 'igraph'))}",
        "",
        f"Commit: `{git_commit()}`",
        "",
        f"Measured by `bench/run` on this machine: each comparison in child processes, medians of {args.reps} "
        f"repetition(s), data `synthetic-{args.size}` (gap analysis at "
        f"{', '.join(f'{n:,}' for n in args.gap_sizes)} actors). The sections below hold the details.",
    ]
    if args.quick:
        lines += [
            "",
            "**--quick**: 1,000 actors, one repetition, short limits. The targets are stated for 10,000 and "
            "100,000 actors; here yes/no compares the quick numbers with them, which says little about the "
            "full size.",
        ]
    lines += ["", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {ok} |" for t, m, ok in rows]
    lines += ["", "Steps: " + "; ".join(f"{n} {s['status']} ({secs(s['wall'])})" for n, s in steps.items()) + "."]
    failed = [n for n, s in steps.items() if s["status"] != "ok"]
    if failed:
        lines.append(f"Failed: {', '.join(failed)} (their sections, if any, are from an earlier run).")
    return "\n".join(lines) + "\n"


# -- main -------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="bench/run", description=__doc__.split("\n", 1)[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--size", type=int, default=None, help="actors in the synthetic concept (10000; 1000 with --quick)")
    ap.add_argument("--quick", action="store_true", help="1,000 actors, one repetition, short limits (< 5 min)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions, median (3; 1 with --quick)")
    ap.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {','.join(STEPS)} (all)")
    ap.add_argument(
        "--gap-sizes",
        default=None,
        help="comma-separated actor counts for the gap analysis (SIZE,100000; 1000 with --quick)",
    )
    ap.add_argument(
        "--endpoint-duration",
        type=float,
        default=None,
        help="soak of ikg serve with 8 clients, s (60; 10 with --quick)",
    )
    ap.add_argument("--results", type=Path, default=BENCH_DIR / "RESULTS.md", help="results file (bench/RESULTS.md)")
    args = ap.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in args.only if s not in STEPS]
    if unknown:
        ap.error(f"--only: unknown step(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    args.size = args.size or (1000 if args.quick else 10_000)
    args.reps_given = args.reps is not None
    args.reps = args.reps or (1 if args.quick else 3)
    if args.gap_sizes:
        args.gap_sizes = [int(s) for s in args.gap_sizes.split(",") if s.strip()]
    else:
        args.gap_sizes = [1000] if args.quick else sorted({args.size, BIG})
    if args.endpoint_duration is None:
        args.endpoint_duration = 10.0 if args.quick else 60.0
    args.results = args.results.resolve()
    return args


def commands(args: argparse.Namespace, work: Path) -> dict[str, tuple[list[str], Path]]:
    """The script to run for each step (queries and endpoint share one run of sparql_bench.py) and its JSON."""
    py = sys.executable
    res = ["--results", str(args.results)]
    quick = ["--quick"] if args.quick else []
    out: dict[str, tuple[list[str], Path]] = {}
    if "latency" in args.only:
        cmd = [py, str(BENCH_DIR / "latency.py"), *quick]
        out["latency"] = ([*cmd, *res, "--json", str(work / "latency.json")], work / "latency.json")
    if "import" in args.only:
        cmd = [py, str(BENCH_DIR / "import_bench.py"), *quick, "--actors", str(args.size), "--reps", str(args.reps)]
        if not args.quick and args.size < BIG:
            cmd += ["--big-actors", str(BIG), "--big-limit", f"{BIG_IMPORT_LIMIT:g}"]
        out["import"] = ([*cmd, *res, "--json", str(work / "import.json")], work / "import.json")
    if "queries" in args.only or "endpoint" in args.only:
        cmd = [py, str(BENCH_DIR / "sparql_bench.py"), *quick, "--actors", str(args.size), "--reps", str(args.reps)]
        cmd += ["--endpoint-duration", f"{args.endpoint_duration:g}"]
        if "endpoint" not in args.only:
            cmd.append("--skip-endpoints")
        if "queries" not in args.only:
            cmd.append("--skip-library")
        out["sparql"] = ([*cmd, *res, "--json", str(work / "sparql.json")], work / "sparql.json")
    if "overhead" in args.only:
        cmd = [py, str(BENCH_DIR / "overhead.py"), *quick, "--actors", str(args.size)]
        out["overhead"] = ([*cmd, *res, "--json", str(work / "overhead.json")], work / "overhead.json")
    if "gaps" in args.only:
        cmd = [py, str(BENCH_DIR / "gaps_bench.py"), *quick, "--sizes", ",".join(map(str, args.gap_sizes))]
        cmd += ["--nx-route-max-actors", str(NX_ROUTE_MAX)]
        if not args.quick:
            cmd += ["--limit", f"{NX_LIMIT:g}"]  # networkx's exact betweenness at 10,000 actors never finishes
        if args.reps_given:  # else gaps_bench's own: 3, and 1 at 100,000 actors
            cmd += ["--reps", str(args.reps)]
        out["gaps"] = ([*cmd, *res, "--json", str(work / "gaps.json")], work / "gaps.json")
    if "views" in args.only:
        cmd = [py, str(BENCH_DIR / "viz_bench.py"), "--sizes", "1000,5000" if args.quick else "100,1000,5000"]
        out["views"] = ([*cmd, *res, "--json", str(work / "views.json")], work / "views.json")
    if "pages" in args.only:
        cmd = [py, str(BENCH_DIR / "pages.py"), *quick, "--actors", str(args.size)]
        out["pages"] = ([*cmd, *res, "--json", str(work / "pages.json")], work / "pages.json")
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop_group takes the step down
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="ikg-bench-run-"))
    limit = 240.0 if args.quick else 6 * 3600.0  # per step: a safety net, not a measurement
    log(
        f"bench/run: size {args.size:,}, reps {args.reps}, only {','.join(args.only)}, gap sizes "
        f"{','.join(map(str, args.gap_sizes))}, soak {args.endpoint_duration:g} s -> {args.results}; logs in {work}"
    )
    if not args.results.exists():
        args.results.parent.mkdir(parents=True, exist_ok=True)
    found: dict[str, Any] = {"status": {}}
    steps: dict[str, dict[str, Any]] = {}
    for name, (cmd, json_path) in commands(args, work).items():
        steps[name] = run_step(name, cmd, work, limit)
        found[name] = load_json(json_path)
        for step in ("queries", "endpoint") if name == "sparql" else (name,):
            found["status"][step] = "step " + steps[name]["status"]
    total = time.perf_counter() - t0
    rows = targets(found, args)
    section = summary_section(args, rows, steps, total)
    write_results(args.results, HEADING, section, first=True)
    order_sections(args.results, SECTIONS)
    print(section)
    log(f"wrote {args.results} in {secs(total)}")
    failed = [n for n, s in steps.items() if s["status"] != "ok"]
    if failed:
        log(f"failed: {', '.join(failed)}; logs kept in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
