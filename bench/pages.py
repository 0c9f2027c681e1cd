"""Workbench pages: server-side time of each page type at 60 and at N (10,000) actors.

Usage::

    python bench/pages.py [--actors 10000] [--reps 20] [--quick] [--store-dir DIR]
                          [--results bench/RESULTS.md] [--json out.json]

Two on-disk stores, each opened the way ``ikg serve`` opens one (a :class:`PooledBackend`, two
query processes): **small**, the shipped concepts (Beispielkreis, 60 actors, and Mettmann 2015),
and **large**, the same plus the synthetic concept of ``--actors`` (``bench/generate.py``,
imported with ``ikg import``). With ``--store-dir DIR`` the stores are kept in ``DIR/small`` and
``DIR/large`` and reused when there (the import of 10,000 actors takes half a minute).

The app runs in this process (FastAPI's ``TestClient``). A small ASGI wrapper times each request
from its arrival to the last byte of the answer leaving the app: the **server-side time**, without
a network or a browser. Each page is asked once first (``first``: the first page of a concept also
computes its gap analysis, kept for all later pages), then ``--reps`` times (twice when the first
answer took over 5 s); p50 and p95 of those.
The pages are those of Beispielkreis (small) and of ``synthetic-N`` (large), each thing the
busiest of its kind (most ties, members, pursuers, goals). Target (issue 15): p50 under 100 ms for
every page type at 10,000 actors.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    from bench._common import BENCH_DIR, ensure_data, log, measure_and_report, report_options, secs, section_head
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import BENCH_DIR, ensure_data, log, measure_and_report, report_options, secs, section_head

HEADING = "## Workbench pages (issue 15)"
PACKAGES = ("pyoxigraph", "fastapi", "jinja2", "starlette", "httpx")
TARGET = 0.1  # s, p50 of each page type at 10,000 actors
SLOW = 5.0  # s: a page whose first answer took longer is asked twice more, not --reps times
SMALL = "beispielkreis-2024"
SHIPPED = ("beispielkreis", "mettmann-2015")
_PREFIXES = (
    "PREFIX ikg: <https://w3id.org/ikg/ns#> PREFIX org: <http://www.w3.org/ns/org#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
)
#: the busiest thing of each kind: (kind, the pattern relating ?x to what is counted)
BUSIEST = {
    "actor": "?x a ikg:Actor . { ?x ikg:cooperatesWith ?o } UNION { ?o ikg:cooperatesWith ?x } UNION { ?x org:memberOf ?o }",
    "working_group": "?x a ikg:WorkingGroup . ?o org:organization ?x",
    "goal": "?x a ikg:Goal . ?x ikg:pursuedBy ?o",
    "action_field": "?x a ikg:ActionField . ?o ikg:inActionField ?x",
    "task": "?x a ikg:CrossCuttingTask . ?o ikg:addressesTask ?x",
}


class Timed:
    """ASGI wrapper: the seconds from a request's arrival to its last body part leaving the app."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()

        async def timed(message: Any) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last = time.perf_counter() - t0
            await send(message)

        await self.app(scope, receive, timed)


def _ikg() -> list[str]:
    beside = Path(sys.executable).parent / "ikg"
    return [str(beside)] if beside.is_file() else [shutil.which("ikg") or "ikg"]


def build_store(folder: Path, sources: list[Path]) -> None:
    """Import ``sources`` into a new store at ``folder`` with ``ikg import`` (kept when already there)."""
    if (folder / "done").is_file():
        log(f"reusing {folder}")
        return
    shutil.rmtree(folder, ignore_errors=True)
    env = dict(os.environ, IKG_LANG="en")
    env.pop("IKG_STORE", None)
    for source in sources:
        log(f"importing {source} into {folder}")
        subprocess.run(
            [*_ikg(), "--store", str(folder / "store"), "--no-seed", "import", str(source)],
            check=True,
            env=env,
            capture_output=True,
        )
    (folder / "done").write_text("ok\n")


def busiest(store: Any, concept: str) -> dict[str, str]:
    """The id of the busiest thing of each kind in ``concept`` (see :data:`BUSIEST`)."""
    from ikg.graph.namespaces import concept_graph

    out = {}
    for kind, pattern in BUSIEST.items():
        text = (
            _PREFIXES + f"SELECT ?id (COUNT(?o) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} . ?x dcterms:identifier ?id }} }}"
            " GROUP BY ?id ORDER BY DESC(?n) ?id LIMIT 1"
        )
        rows = store.select_values(text, {"g": concept_graph(concept)})[1]
        out[kind] = str(rows[0][0])
    return out


def page_list(concept: str, ids: dict[str, str], since: str) -> list[tuple[str, str]]:
    """(page type, URL) for every page type of the workbench on ``concept``."""
    c = f"/concepts/{concept}"
    return [
        ("start", "/"),
        ("concept", c),
        ("actor", f"{c}/actors/{ids['actor']}"),
        ("working group", f"{c}/working-groups/{ids['working_group']}"),
        ("goal", f"{c}/goals/{ids['goal']}"),
        ("action field", f"{c}/action-fields/{ids['action_field']}"),
        ("task", f"{c}/tasks/{ids['task']}"),
        ("gaps", f"{c}/gaps"),
        ("gaps, filtered (kind, AG)", f"{c}/gaps?kind=missing-link&group={ids['working_group']}"),
        ("gaps, filtered (actor)", f"{c}/gaps?actor={ids['actor']}"),
        ("search", f"/search?q=schule&concept={concept}"),
        ("list of actors", f"{c}/actors"),
        ("list of actors, page 20", f"{c}/actors?page=20"),
        ("list of goals", f"{c}/goals"),
        ("queries", "/workbench/queries"),
        ("query form (actor id)", f"/workbench/queries/actor-involvement?concept={concept}"),
        ("query form (actor id, all concepts)", "/workbench/queries/actor-involvement"),
        (
            "query with result (wg-members)",
            f"/workbench/queries/wg-members?concept={concept}&wg_id={ids['working_group']}&run=1",
        ),
        (
            "query with result (actor-involvement)",
            f"/workbench/queries/actor-involvement?concept={concept}&actor_id={ids['actor']}&run=1",
        ),
        ("SPARQL editor", "/workbench/sparql"),
        ("changes", f"{c}/changes?since={since}"),
        ("report page", f"{c}/report"),
        ("import", "/workbench/import"),
    ]


def time_pages(folder: Path, concept: str, since: str, reps: int) -> dict[str, dict[str, Any]]:
    """Open the store at ``folder`` as ``ikg serve`` does and time every page type ``reps`` times."""
    from starlette.testclient import TestClient

    from ikg.api.http.app import create_app
    from ikg.api.http.backends import PooledBackend
    from ikg.api.http.settings import Settings
    from ikg.graph.ingest.importer import open_store

    backend = PooledBackend(open_store(folder / "store", seed=False), size=2)  # type: ignore[arg-type]
    out: dict[str, dict[str, Any]] = {}
    try:
        timed = Timed(create_app(Settings(backend=backend, write_token=secrets.token_hex(16))))
        with TestClient(timed, base_url="http://127.0.0.1") as client:
            ids = busiest(backend.store, concept)
            log(f"{concept}: {ids}")
            for name, url in page_list(concept, ids, since):
                try:
                    r = client.get(url)
                except Exception as exc:  # a broken page is reported, the others still measured
                    r = None
                    log(f"{name}: {url} failed: {exc!r}")
                if r is None or r.status_code >= 500 or (r.status_code != 200 and name != "import"):
                    out[name] = {"url": url, "error": f"status {r.status_code}" if r is not None else "exception"}
                    continue
                first, size = timed.last, len(r.content)
                took = []
                for _ in range(reps if first < SLOW else 2):  # a page of seconds: twice is enough
                    client.get(url)
                    took.append(timed.last)
                p95 = statistics.quantiles(took, n=20, method="inclusive")[18] if len(took) > 1 else took[0]
                out[name] = {
                    "url": url,
                    "first": first,
                    "p50": statistics.median(took),
                    "p95": p95,
                    "bytes": size,
                    "n": len(took),
                }
                log(f"{name}: p50 {secs(out[name]['p50'])}, p95 {secs(p95)}, first {secs(first)}, {size:,} B")
    finally:
        backend.close()
    return out


def bench(args: argparse.Namespace) -> dict[str, Any]:
    """Build (or reuse) the two stores and time every page type on each."""
    os.environ["IKG_LANG"] = "de"
    work = args.store_dir or Path(tempfile.mkdtemp(prefix="ikg-pages-"))
    shipped = [BENCH_DIR.parent / "data" / d for d in SHIPPED]
    big = f"synthetic-{args.actors}"
    out: dict[str, Any] = {"load": os.getloadavg(), "actors": args.actors, "reps": args.reps}
    try:
        build_store(work / "small", shipped)
        data = ensure_data(args.actors, ("csv",))
        build_store(work / f"large-{args.actors}", [*shipped, data / "csv"])
        out["small"] = time_pages(work / "small", SMALL, "mettmann-2015", args.reps)
        out["large"] = time_pages(work / f"large-{args.actors}", big, SMALL, args.reps)
    finally:
        if args.store_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return out


def _p50(entry: dict[str, Any] | None) -> float | None:
    return None if entry is None or "error" in entry else float(entry["p50"])


def summary(res: dict[str, Any]) -> dict[str, Any]:
    """What ``bench/run`` reads: per page type p50 at both sizes, those over the target, those that failed."""
    large = res["large"]
    timed = {n: e["p50"] for n, e in large.items() if "error" not in e}
    worst = max(timed, key=lambda n: timed[n]) if timed else None
    return {
        "actors": res["actors"],
        "pages": {n: {"small": _p50(res["small"].get(n)), "large": _p50(e)} for n, e in large.items()},
        "over": [n for n, p50 in timed.items() if p50 >= TARGET],
        "failed": [n for n, e in large.items() if "error" in e],
        "worst": [worst, timed[worst]] if worst else None,
    }


def _cells(e: dict[str, Any] | None, keys: tuple[str, ...]) -> list[str]:
    if e is None or "error" in e:
        return [(e or {}).get("error", "–")] + ["–"] * (len(keys) - 1)
    return [f"{e[k]:,}" if k == "bytes" else secs(e[k]) for k in keys]


def report(ctx: dict[str, Any]) -> str:
    """The ``## Workbench pages (issue 15)`` section of RESULTS.md."""
    res = ctx["result"]
    n = res["actors"]
    lines = [
        *section_head(ctx, HEADING, res["load"]),
        f"Server-side time (request in to last byte out of the app, in process), {res['reps']} requests per "
        f"page after a first one; the shipped concepts (Beispielkreis, 60 actors) and the same store with "
        f"`synthetic-{n}`; each page of the busiest thing of its kind. Target: p50 < 100 ms at 10,000 actors.",
        "",
        f"| page | 60: p50 | 60: p95 | {n:,}: p50 | {n:,}: p95 | {n:,}: first | {n:,}: bytes | < 100 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, e in res["large"].items():
        small = _cells(res["small"].get(name), ("p50", "p95"))
        large = _cells(e, ("p50", "p95", "first", "bytes"))
        p50 = _p50(e)
        met = "–" if p50 is None else ("yes" if p50 < TARGET else "**no**")
        lines.append(f"| {name} | " + " | ".join([*small, *large, met]) + " |")
    lines += [f"\n{note}" for note in ctx["notes"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--actors", type=int, default=10_000, help="actors of the synthetic concept (10000)")
    ap.add_argument("--reps", type=int, default=20, help="timed requests per page (20)")
    ap.add_argument("--quick", action="store_true", help="5 requests per page")
    ap.add_argument("--store-dir", type=Path, default=None, help="keep the stores here and reuse them")
    report_options(ap)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.reps = 5
    return measure_and_report("bench/pages.py", args, bench, report, summary, HEADING, PACKAGES)


if __name__ == "__main__":
    sys.exit(main())
