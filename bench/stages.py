"""Time the stages of a spreadsheet import (the chain of ``ikg.graph.ingest.importer.import_spreadsheet``).

Usage::

    python bench/stages.py PATH STORE_DIR

PATH is a CSV folder or an XLSX workbook; STORE_DIR must not exist yet (a fresh store). Prints
seconds per stage (imports, read, map, SHACL, open, write), the triple count, the change
of a first and a repeated write, and peak RSS. The stages are the importer's own functions,
called in its order, so the sum is what ``ikg import`` spends after start-up.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path


def main() -> int:
    """Run the stages once and print their times."""
    path, store_dir = Path(sys.argv[1]), Path(sys.argv[2])
    if store_dir.exists():
        sys.exit(f"{store_dir} exists; give a fresh store directory")
    t: dict[str, float] = {}

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        t[name] = now - start
        return now

    s0 = time.perf_counter()
    from ikg.graph.ingest.mapping import map_tables
    from ikg.graph.ingest.problems import spelled
    from ikg.graph.ingest.tabular import read_tables
    from ikg.graph.ingest.validate import shacl_problems
    from ikg.graph.namespaces import concept_graph
    from ikg.graph.store.embedded import Store

    s = lap("imports", s0)
    tables, problems = read_tables(path)
    s = lap("read_tables", s)
    mapped = map_tables(tables)
    s = lap("map_tables", s)
    mapped.problems = spelled(problems + mapped.problems, tables)
    s = lap("spelled", s)
    graph = str(concept_graph(mapped.concept_id))
    quads = mapped.quads or []
    shacl = shacl_problems(quads, mapped.origin, path.name)
    s = lap("shacl_problems", s)
    errors = [p for p in mapped.problems + shacl if p.severity == "error"]
    store = Store(store_dir)
    s = lap("open_store", s)
    change1 = store.replace_graph(graph, quads)
    s = lap("replace_graph", s)
    change2 = store.replace_graph(graph, list(quads))
    s = lap("replace_again", s)
    store.flush()
    lap("flush", s)
    total = sum(v for k, v in t.items() if k not in ("replace_again",))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{path}: {len(quads)} triples, {len(errors)} errors")
    for k, v in t.items():
        print(f"  {k:<15} {v:8.2f} s")
    print(f"  {'total (no 2nd)':<15} {total:8.2f} s")
    print(f"  first write +{change1.added} -{change1.removed}; second write +{change2.added} -{change2.removed}")
    print(f"  peak RSS {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
