"""Time the stages of a spreadsheet import (the chain of ``ikg.graph.ingest.importer.import_spreadsheet``).

Usage::

    python bench/stages.py PATH STORE_DIR [--no-whole]

PATH is a CSV folder or an XLSX workbook; STORE_DIR must not exist yet (fresh stores are made
under it). Prints seconds per stage, one after the other: imports, read, map (which fills the
SHACL checks' store as it goes), the rest of that store and its queries, the write alone (``replace_graph`` into a fresh store) and a repeated
write (+0 -0); then the whole ``import_spreadsheet`` into another fresh store, to compare with
the sum of the stages (``--no-whole`` leaves it out, for a memory profile of the stages alone at
100,000 actors). After each stage the resident memory (``VmRSS``) and the peak so far
(``ru_maxrss``): what each stage holds, as the README's import section quotes it.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    """The process's resident memory now, MB (``VmRSS``; 0 where ``/proc`` is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> int:
    """Run the stages once and print their times and memory."""
    ap = argparse.ArgumentParser(description="Time the stages of a spreadsheet import, one after the other.")
    ap.add_argument("path", type=Path, help="a CSV folder or an XLSX workbook")
    ap.add_argument("store_dir", type=Path, help="a directory that does not exist yet")
    ap.add_argument("--no-whole", action="store_true", help="leave out the whole import after the stages")
    args = ap.parse_args()
    path, store_dir = args.path, args.store_dir
    if store_dir.exists():
        sys.exit(f"{store_dir} exists; give a fresh store directory")
    t: dict[str, float] = {}
    mem: dict[str, tuple[float, float]] = {}

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        t[name] = now - start
        mem[name] = (_rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return now

    s0 = time.perf_counter()
    import pyoxigraph  # noqa: F401  # its import time belongs to the "imports" stage

    from ikg.graph.ingest.importer import import_spreadsheet
    from ikg.graph.ingest.mapping import map_tables
    from ikg.graph.ingest.problems import spelled
    from ikg.graph.ingest.shacl_sparql import run_checks
    from ikg.graph.ingest.tabular import read_tables
    from ikg.graph.ingest.validate import _compiled, _text_store
    from ikg.graph.namespaces import concept_graph
    from ikg.graph.resources import ontology_quads
    from ikg.graph.store.embedded import Store

    s = lap("imports", s0)
    tables, problems = read_tables(path)
    s = lap("read_tables", s)
    mapped = map_tables(tables)
    mapped.problems = spelled(problems + mapped.problems, tables)
    s = lap("map_tables", s)
    graph = str(concept_graph(mapped.concept_id))
    text = mapped.text
    assert text is not None
    checks = _compiled() or []
    ontology_quads()
    s = time.perf_counter()
    loader = text.checks_store  # filled while the mapping wrote, as in an import
    assert loader is not None
    cstore = _text_store(text, loader)  # as ikg.graph.ingest.validate builds it
    s = lap("shacl_store", s)
    violations = run_checks(checks, cstore)
    s = lap("shacl_queries", s)
    del cstore
    loader.close()
    text.checks_store = None
    store = Store(store_dir / "a")
    s = lap("open_store", s)
    change1 = store.replace_graph(graph, text)  # the bulk loader reads the lines
    s = lap("write", s)
    change2 = store.replace_graph(graph, text)  # the graph holds data: quads parsed and compared
    lap("write_again", s)
    store.close()
    result = None
    if not args.no_whole:
        s = time.perf_counter()
        result = import_spreadsheet(Store(store_dir / "b"), path)
        lap("whole_import", s)
    errors = [p for p in mapped.problems if p.severity == "error"]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{path}: {text.count()} triples ({len(text)} lines), {len(errors)} errors, {len(violations)} violations")
    for k, v in t.items():
        rss, peak = mem[k]
        print(f"  {k:<15} {v:8.2f} s   RSS after {rss:7.0f} MB, peak so far {peak:7.0f} MB")
    stages = ("read_tables", "map_tables", "shacl_store", "shacl_queries", "open_store", "write")
    print(f"  {'sum of stages':<15} {sum(t[k] for k in stages):8.2f} s (whole_import: the same work in one call)")
    print(f"  first write +{change1.added} -{change1.removed}; second write +{change2.added} -{change2.removed}")
    if result is not None:
        print(f"  whole import +{result.change.added} -{result.change.removed}")
    print(f"  peak RSS {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
