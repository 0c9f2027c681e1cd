"""The targets of issue 18 ("speed where users feel it") for the targets table of ``bench/run``.

Read from the JSON the steps save: ``latency`` (``bench/latency.py``), ``import``
(``bench/import_bench.py``), ``overhead`` (``bench/overhead.py``) and ``sparql``
(``bench/sparql_bench.py``, its per-query medians and the query library through ``/sparql``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

try:
    from bench._common import secs
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import secs

Row = tuple[str, str, str]
#: the commands and their targets, as bench/latency.py names them
COMMANDS = (("info", 0.3), ("queries", 0.3), ("query", 0.3), ("gaps", 0.5), ("report", 2.0))


def _met(ok: bool) -> str:
    return "yes" if ok else "no"


def _raw_geomean(queries: dict[str, Any]) -> float | None:
    """The geometric mean of rdflib in-memory / raw pyoxigraph in-process over the aggregates, if measured.

    Parameters
    ----------
    queries : dict
        ``bench/overhead.py``'s per-query medians (s): ``raw``, ``http`` and, where measured, ``rdflib``.

    Returns
    -------
    float or None
        The geometric mean over the queries with both medians (the engine's own ratio, without
        the endpoint), None when there are none.
    """
    ratios = [e["rdflib"] / e["raw"] for e in queries.values() if e.get("rdflib") and e.get("raw")]
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else None


def speed_targets(found: dict[str, Any], missing: Callable[[str], str]) -> list[Row]:
    """The issue-18 rows: (target, measured, met); ``missing(step)`` says why a step gave nothing."""
    rows: list[Row] = []
    lat = (found.get("latency") or {}).get("summary") or {}
    t = "Commands answer at once: `ikg info`, `queries`, `query` <0.3 s each; `gaps` <0.5 s; `report` <2 s (Beispielkreis)"
    measured = [(name, lat[name]) for name, _ in COMMANDS if name in lat and lat[name].get("wall") is not None]
    if measured:
        text = ", ".join(f"{n} {secs(c['wall'])}" for n, c in measured)
        rows.append((t, text + " (whole process, warm store)", _met(all(c["wall"] < c["target"] for _, c in measured))))
    else:
        rows.append((t, missing("latency"), "–"))
    imp = (found.get("import") or {}).get("summary") or {}
    t = "CSV and XLSX import within 2× of Oxigraph's raw bulk load of the same triples"
    if imp.get("over_raw_xlsx") is not None and imp.get("over_raw_csv") is not None:
        w = imp["walls"]
        rows.append(
            (
                t,
                f"XLSX {imp['over_raw_xlsx']:.2f}× ({secs(w['ikg_xlsx'])}), CSV {imp['over_raw_csv']:.2f}× "
                f"({secs(w['ikg_csv'])}), raw bulk load {secs(w['pyoxigraph'])}, at {imp['actors']:,} actors",
                _met(max(imp["over_raw_xlsx"], imp["over_raw_csv"]) <= 2),
            )
        )
    else:
        rows.append((t, missing("import"), "–"))
    ov = (found.get("overhead") or {}).get("summary") or {}
    t = "Endpoint overhead over raw pyoxigraph <5 ms on a small query (`/sparql`, whole request)"
    if ov.get("small_overhead") is not None:
        q = ov["queries"]
        text = ", ".join(
            f"{n} {secs(e['overhead'])} ({secs(e['raw'])} raw, {secs(e['http'])} /sparql)" for n, e in q.items()
        )
        rows.append((t, text, _met(ov["small_overhead"] < 0.005)))
    else:
        rows.append((t, missing("overhead"), "–"))
    t = "Aggregates through `/sparql` ≥15× faster than rdflib in-memory (geometric mean)"
    if ov.get("rdflib_geomean") is not None:
        q = {n: e for n, e in ov["queries"].items() if "rdflib" in e}
        text = ", ".join(f"{n} {secs(e['http'])} vs {secs(e['rdflib'])}" for n, e in q.items())
        raw = _raw_geomean(q)
        if raw is not None:
            why = ": engine-bound" if raw < 15 else ": lost in the endpoint" if ov["rdflib_geomean"] < 15 else ""
            text += f"; raw pyoxigraph in-process on the same queries: {raw:.1f}×{why}"
        rows.append(
            (t, f"{ov['rdflib_geomean']:.1f}× ({text}; {ov['actors']:,} actors)", _met(ov["rdflib_geomean"] >= 15))
        )
    else:
        rows.append((t, missing("overhead"), "–"))
    sq = (found.get("sparql") or {}).get("summary") or {}
    lib = sq.get("library") or {}
    t = (
        "Query library through `/sparql` ≥15× faster than rdflib in-memory (sum over the queries both finish, "
        "as in-process)"
    )
    if lib.get("sparql_ratio") is not None:
        text = (
            f"{lib['sparql_ratio']:.1f}× at {sq.get('actors', 0):,} actors ({lib['sparql_queries']} queries: "
            f"/sparql {secs(lib['sparql_sum_ms'] / 1000)}, rdflib {secs(lib['sparql_rdflib_sum_ms'] / 1000)}"
        )
        if lib.get("sparql_ikg_sum_ms") is not None:
            text += f"; ikg in process {secs(lib['sparql_ikg_sum_ms'] / 1000)}"
        if lib.get("sparql_failed"):
            text += f"; not finished through /sparql: {', '.join(lib['sparql_failed'])}"
        if lib.get("sparql_rows_differ"):
            text += f"; **rows differ from in process: {', '.join(lib['sparql_rows_differ'])}**"
        rows.append((t, text + ")", _met(lib["sparql_ratio"] >= 15)))
    elif "sparql_queries" in lib:
        rows.append((t, "no query finished both through /sparql and on rdflib", "no"))
    else:
        rows.append((t, missing("endpoint" if lib else "queries"), "–"))
    per = lib.get("per_query") or {}
    t = "`wg-members` at least as fast as on rdflib; `cooperations` <0.5 s at 10,000 actors"
    wg, coop = per.get("wg-members"), per.get("cooperations")
    if wg and coop and wg.get("ikg") is not None and coop.get("ikg") is not None:
        rdf = wg.get("rdflib")
        rdf_text = secs(rdf) if rdf is not None else "not finished"
        ok = (rdf is None or wg["ikg"] <= rdf) and coop["ikg"] < 0.5
        rows.append(
            (
                t,
                f"wg-members ikg {secs(wg['ikg'])} vs rdflib {rdf_text}; cooperations {secs(coop['ikg'])}, at "
                f"{sq.get('actors', 0):,} actors",
                _met(ok),
            )
        )
    else:
        rows.append((t, missing("queries"), "–"))
    return rows
