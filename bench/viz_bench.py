"""Time the network views: HTML generation, file size, and drawing in headless Chromium.

Usage::

    python bench/viz_bench.py                    # 100, 1,000 and 5,000 nodes
    python bench/viz_bench.py --quick            # 100 and 1,000 nodes
    python bench/viz_bench.py --sizes 1000,5000  # these node counts

The graphs are random but seeded and carry the attributes the views read (kinds, labels, titles,
subkinds, size values, weights, a few suggested links). Drawing is timed in the page itself: from
the start of navigation (``performance.now()`` counts from there) until vis-network fires its
first ``afterDrawing`` event with all nodes in its data set; the median of three loads. Needs
``/usr/bin/chromium`` (Debian ``chromium``) and the Python package ``playwright``. Prints a
Markdown table and replaces the section ``## Views (issue 5)`` of ``bench/RESULTS.md``;
``--json`` saves the rows for ``bench/run``.

``--report`` times ``ikg report`` instead (issue 18): the Beispielkreis report in each format
(``html``, ``docx``, ``pdf``), each run a process of its own on a store seeded by a first
``ikg info``, round robin, ``--reps`` times (median, min–max, CPU time of the process, the load
average while it ran); section ``## Report (issue 18)``::

    python bench/viz_bench.py --report --reps 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

try:
    from bench._common import write_results
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import write_results

REPORT_HEADING = "## Report (issue 18)"
REPORT_FORMATS = ("html", "docx", "pdf")
REPORT_CONCEPT = "beispielkreis-2024"

ACTOR_TYPES = ["school", "club", "migrant_organisation", "administration", "welfare", "jobcenter", "police"]
TOWNS = ["Velbert", "Ratingen", "Hilden", "Mettmann", "Erkrath", "Haan", "Langenfeld", "Monheim"]


def synthetic_graph(n: int, *, seed: int = 1) -> nx.Graph:
    """A random integration-concept network of about ``n`` nodes, the same for the same seed.

    About 8 action fields, 5 cross-cutting tasks, one working group per 40 nodes, a quarter of
    the nodes goals and the rest actors; actors join working groups, pursue goals, cooperate now
    and then, and a few pairs carry a suggested link.
    """
    rng = random.Random(seed)
    g = nx.Graph()
    n_fields, n_tasks = min(8, max(2, n // 12)), min(5, max(1, n // 20))
    n_groups = max(2, n // 40)
    n_goals = max(3, n // 4)
    n_actors = max(2, n - n_fields - n_tasks - n_groups - n_goals)
    fields = [f"hf-{i}" for i in range(n_fields)]
    tasks = [f"qa-{i}" for i in range(n_tasks)]
    groups = [f"ag-{i}" for i in range(n_groups)]
    goals = [f"ziel-{i}" for i in range(n_goals)]
    actors = [f"akteur-{i}" for i in range(n_actors)]
    for i, f in enumerate(fields):
        g.add_node(f, kind="action_field", label=f"Handlungsfeld {i + 1}", title=f"Handlungsfeld {i + 1}\n{f}")
    for i, t in enumerate(tasks):
        g.add_node(t, kind="task", label=f"Querschnitt {i + 1}", title=f"Querschnittsaufgabe {i + 1}")
    for i, a in enumerate(groups):
        g.add_node(
            a, kind="working_group", label=f"AG {i + 1}", title=f"Arbeitsgruppe {i + 1}", size_value=rng.uniform(1, 20)
        )
        g.add_edge(a, rng.choice(fields), kind="in_field")
    for i, z in enumerate(goals):
        g.add_node(z, kind="goal", label=f"Ziel {i + 1}", title=f"Ziel {i + 1}: Übergang Schule – Beruf")
        g.add_edge(z, rng.choice(fields), kind="in_field")
        if rng.random() < 0.4:
            g.add_edge(z, rng.choice(tasks), kind="addresses")
        g.add_edge(z, rng.choice(groups), kind="formulated")
    for i, a in enumerate(actors):
        town = rng.choice(TOWNS)
        g.add_node(
            a,
            kind="actor",
            label=f"Akteur {i + 1} ({town})",
            title=f"Akteur {i + 1}\n{town}",
            subkind=rng.choice(ACTOR_TYPES),
            size_value=rng.expovariate(1.0),
        )
        for ag in rng.sample(groups, k=min(len(groups), rng.choice([0, 1, 1, 2]))):
            g.add_edge(a, ag, kind="membership", title="Mitglied")
        for z in rng.sample(goals, k=min(len(goals), rng.choice([0, 1, 2, 3]))):
            g.add_edge(a, z, kind="pursues")
    for _ in range(n_actors // 10):
        a, b = rng.sample(actors, 2)
        g.add_edge(a, b, kind="cooperation", title="Kooperation seit 2014", weight=rng.uniform(0.5, 3))
    for _ in range(max(1, n_actors // 25)):
        a, b = rng.sample(actors, 2)
        if not g.has_edge(a, b):
            g.add_edge(
                a,
                b,
                kind="suggested",
                title="gemeinsame Ziele: Ziel 3, Ziel 9\nverschiedene Orte",
                weight=rng.uniform(0.1, 2),
            )
    return g


def _draw_ms(browser, path: Path, expected: int) -> float:
    """Milliseconds from navigation start to the first drawing with all nodes, in a fresh page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("() => window.ikg && window.ikg.firstDraw !== null", timeout=300_000)
        drawn = page.evaluate("() => [window.ikg.firstDraw, network.body.data.nodes.length]")
    finally:
        page.close()
    if drawn[1] != expected:
        raise RuntimeError(f"{path}: {drawn[1]} nodes drawn, {expected} expected")
    return float(drawn[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 nodes only")
    parser.add_argument("--sizes", default=None, help="comma-separated node counts (100,1000,5000)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--results", type=Path, default=Path(__file__).resolve().parent / "RESULTS.md", help="Markdown file to update"
    )
    parser.add_argument("--no-results", action="store_true", help="print only")
    parser.add_argument("--json", type=Path, default=None, help="also save the rows here")
    parser.add_argument("--report", action="store_true", help="time `ikg report` in each format instead")
    parser.add_argument("--reps", type=int, default=5, help="runs of each report format (with --report)")
    args = parser.parse_args(argv)
    if args.report:
        return report_main(args, argv)
    started = time.perf_counter()
    from playwright.sync_api import sync_playwright

    from ikg.viz.html import to_html
    from ikg.viz.static import to_png, to_svg

    if args.sizes:
        sizes = [int(n) for n in args.sizes.split(",") if n.strip()]
    else:
        sizes = [100, 1000] if args.quick else [100, 1000, 5000]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        for n in sizes:
            g = synthetic_graph(n)
            t0 = time.perf_counter()
            html = to_html(g, heading=f"Benchmark {n}")
            gen = time.perf_counter() - t0
            t0 = time.perf_counter()
            svg = to_svg(g, heading=f"Benchmark {n}", lang="de")
            svg_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            png = to_png(g, heading=f"Benchmark {n}", lang="de")
            png_s = time.perf_counter() - t0
            path = Path(tmp) / f"view-{n}.html"
            path.write_text(html, encoding="utf-8")
            draws = [_draw_ms(browser, path, g.number_of_nodes()) for _ in range(3)]
            rows.append(
                (
                    g.number_of_nodes(),
                    g.number_of_edges(),
                    gen,
                    len(html.encode()),
                    statistics.median(draws),
                    min(draws),
                    max(draws),
                    svg_s,
                    len(svg.encode()),
                    png_s,
                    len(png),
                )
            )
            print(f"{n} done", file=sys.stderr, flush=True)
        browser.close()
    lines = [
        "| nodes | edges | HTML generation | HTML size | first draw in Chromium (median of 3, min–max) "
        "| SVG generation / size | PNG generation / size |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for nodes, edges, gen, size, med, lo, hi, svg_s, svg_b, png_s, png_b in rows:
        lines.append(
            f"| {nodes:,} | {edges:,} | {gen:.2f} s | {size / 1024:,.0f} KiB | {med / 1000:.2f} s "
            f"({lo / 1000:.2f}–{hi / 1000:.2f}) | {svg_s:.2f} s / {svg_b / 1024:,.0f} KiB "
            f"| {png_s:.2f} s / {png_b / 1024:,.0f} KiB |"
        )
    print("\n".join(lines))
    if args.json:
        keys = ("nodes", "edges", "html_s", "html_bytes", "draw_ms", "draw_min_ms", "draw_max_ms")
        keys += ("svg_s", "svg_bytes", "png_s", "png_bytes")
        args.json.write_text(json.dumps({"rows": [dict(zip(keys, r, strict=True)) for r in rows]}, indent=1))
    if not args.no_results:
        import platform

        import matplotlib
        import networkx

        section = "\n".join(
            [
                HEADING,
                "",
                f"Command: `{shlex.join(['python', 'bench/viz_bench.py', *(sys.argv[1:] if argv is None else argv)])}` "
                f"(total {time.perf_counter() - started:.0f} s)",
                "",
                f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, networkx {networkx.__version__}, "
                f"matplotlib {matplotlib.__version__}, Chromium at {args.chromium}; "
                f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
                "",
                "Seeded random graphs with the view attributes (all node and edge kinds). First draw: from navigation "
                "start to vis-network's first `afterDrawing` with all nodes loaded, timed in the page, physics off "
                "(positions from ikg's layout).",
                "",
                *lines,
                "",
            ]
        )
        write_results(args.results, HEADING, section)
    return 0


HEADING = "## Views (issue 5)"


def _ikg() -> list[str]:
    beside = Path(sys.executable).parent / "ikg"
    return [str(beside)] if beside.is_file() else ["ikg"]


def _timed(cmd: list[str]) -> tuple[float, float, float]:
    """Run ``cmd``; its wall time, its CPU time (user + system) and the 1-minute load before it."""
    import resource

    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed: {proc.stderr[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, load


def time_reports(reps: int, formats: tuple[str, ...] = REPORT_FORMATS) -> dict[str, list[tuple[float, float, float]]]:
    """Time ``ikg report --concept beispielkreis-2024 --format F`` ``reps`` times per format (round robin).

    Returns
    -------
    dict
        Format -> one ``(wall, cpu, load)`` per run, in seconds (load: 1-minute average).
    """
    runs: dict[str, list[tuple[float, float, float]]] = {f: [] for f in formats}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        _timed([*_ikg(), "--store", str(store), "info"])  # seeds the shipped concepts
        for fmt in formats:  # one warm-up run each (page cache, compiled bytecode)
            _timed(
                [
                    *_ikg(),
                    "--store",
                    str(store),
                    "report",
                    "--concept",
                    REPORT_CONCEPT,
                    "--out",
                    f"{tmp}/w-{fmt}",
                    "--format",
                    fmt,
                ]
            )
        for rep in range(reps):
            for fmt in formats:
                out = f"{tmp}/{fmt}-{rep}"
                cmd = [
                    *_ikg(),
                    "--store",
                    str(store),
                    "report",
                    "--concept",
                    REPORT_CONCEPT,
                    "--out",
                    out,
                    "--format",
                    fmt,
                ]
                runs[fmt].append(_timed(cmd))
    return runs


def report_main(args: argparse.Namespace, argv: list[str] | None) -> int:
    """``--report``: time the report formats, print the table and write its section."""
    import platform

    started = time.perf_counter()
    runs = time_reports(max(1, args.reps))
    lines = [
        "| format | wall, median (min–max) | CPU, median | load (1 min), median |",
        "| --- | ---: | ---: | ---: |",
    ]
    for fmt, xs in runs.items():
        walls = [w for w, _, _ in xs]
        lines.append(
            f"| {fmt} | {statistics.median(walls):.2f} s ({min(walls):.2f}–{max(walls):.2f}) "
            f"| {statistics.median(c for _, c, _ in xs):.2f} s | {statistics.median(x for _, _, x in xs):.1f} |"
        )
    print("\n".join(lines))
    if args.json:
        rows = {f: [{"wall_s": w, "cpu_s": c, "load": x} for w, c, x in xs] for f, xs in runs.items()}
        args.json.write_text(json.dumps({"report": rows}, indent=1))
    if not args.no_results:
        command = shlex.join(["python", "bench/viz_bench.py", *(sys.argv[1:] if argv is None else argv)])
        section = "\n".join(
            [
                REPORT_HEADING,
                "",
                f"Command: `{command}` (total {time.perf_counter() - started:.0f} s)",
                "",
                f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; "
                f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
                "",
                f"`ikg --store DIR report --concept {REPORT_CONCEPT} --format F`, the whole process, on a store seeded "
                f"by `ikg info`; one warm-up run per format, then {args.reps} rounds. Target (issue 18): 2 s for the "
                "HTML report.",
                "",
                *lines,
                "",
            ]
        )
        write_results(args.results, REPORT_HEADING, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
