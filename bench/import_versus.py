"""One import, side by side with another revision: ``ikg import PATH`` from this tree and from ``REV``.

Usage::

    python bench/import_versus.py PATH --base REV [--reps 3] [--limit 1200]

PATH is a CSV folder or an XLSX workbook (``bench/generate.py`` makes them, e.g.
``/tmp/ikg-bench-100000/concept.xlsx``). The base revision runs from a git worktree through
``PYTHONPATH`` (as ``bench/latency.py --base`` does), this tree through the ``ikg`` console script;
each run is a fresh process into a fresh store (``--no-seed``), the two sides alternating and the
order swapped every repetition, so that the load of a shared machine hits both alike. Printed: each
run's wall time and peak RSS (``wait4``), the medians, and the ratio of the medians. Nothing is
written to ``bench/RESULTS.md``: this compares two revisions of one change, in one hour.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

try:
    from bench._common import cpu_check, log, run_measured, secs
    from bench.latency import base_checkout, entry_program, ikg_command, remove_checkout
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import cpu_check, log, run_measured, secs
    from latency import base_checkout, entry_program, ikg_command, remove_checkout


def main() -> int:
    """Run the import from both sides, alternating, and print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("path", type=Path, help="a CSV folder or an XLSX workbook")
    ap.add_argument("--base", required=True, help="the git revision to compare with")
    ap.add_argument("--reps", type=int, default=3, help="runs per side (3)")
    ap.add_argument("--limit", type=float, default=1200, help="seconds before a run is killed (1200)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ikg-versus-"))
    source, tree, described = base_checkout(args.base, work)
    sides = {
        "base": (entry_program(source), {**os.environ, "PYTHONPATH": str(tree)}),
        "this tree": (ikg_command(), {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}),
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    log(f"base {described}; CPU check {cpu_check():.2f} s")
    try:
        for rep in range(args.reps):
            order = list(sides) if rep % 2 == 0 else list(sides)[::-1]
            for name in order:
                program, env = sides[name]
                store = work / "store"
                shutil.rmtree(store, ignore_errors=True)
                got = run_measured(
                    [*program, "--store", str(store), "--no-seed", "import", str(args.path)], args.limit, env=env
                )
                if got["status"] != "ok":
                    raise SystemExit(f"{name}: {got['status']}: {got['stderr'][-500:]}")
                runs[name].append((got["wall"], got["rss"]))
                log(f"run {rep + 1}/{args.reps} {name}: {secs(got['wall'])}, peak {got['rss']:,.0f} MB")
    finally:
        remove_checkout(source)
        shutil.rmtree(work, ignore_errors=True)
    medians = {
        name: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r)) for name, r in runs.items()
    }
    for name, (wall, rss) in medians.items():
        print(f"{name}: median {secs(wall)}, peak {rss:,.0f} MB ({', '.join(secs(w) for w, _ in runs[name])})")
    ratio = medians["this tree"][0] / medians["base"][0]
    print(
        f"this tree / base: {ratio:.2f}x time, {medians['this tree'][1] / medians['base'][1]:.2f}x memory; base {described}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
