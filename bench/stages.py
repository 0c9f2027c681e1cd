"""Time the stages of a spreadsheet import (the chain of ``ikg.graph.ingest.importer.import_spreadsheet``).

Usage::

    python bench/stages.py PATH STORE_DIR

PATH is a CSV folder or an XLSX workbook; STORE_DIR must not exist yet (fresh stores are made
under it). Prints seconds per stage, one after the other: imports, read, map, the SHACL checks'
store and its queries, the write alone (``replace_graph`` into a fresh store) and a repeated
write (+0 -0); then the whole ``import_spreadsheet`` into another fresh store, to compare with
the sum of the stages. Peak RSS at the end.
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
    import pyoxigraph as ox

    from ikg.graph.ingest.importer import import_spreadsheet
    from ikg.graph.ingest.mapping import map_tables
    from ikg.graph.ingest.problems import spelled
    from ikg.graph.ingest.shacl_sparql import checks_store, run_checks
    from ikg.graph.ingest.tabular import read_tables
    from ikg.graph.ingest.validate import _compiled
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
    cstore = checks_store(ontology_quads())  # as ikg.graph.ingest.validate builds it
    cstore.bulk_load(input=text.checks_stream(), format=ox.RdfFormat.N_TRIPLES)
    s = lap("shacl_store", s)
    violations = run_checks(checks, cstore)
    s = lap("shacl_queries", s)
    del cstore
    store = Store(store_dir / "a")
    s = lap("open_store", s)
    change1 = store.replace_graph(graph, text)  # the bulk loader reads the lines
    s = lap("write", s)
    change2 = store.replace_graph(graph, text)  # the graph holds data: quads parsed and compared
    lap("write_again", s)
    store.close()
    s = time.perf_counter()
    result = import_spreadsheet(Store(store_dir / "b"), path)
    lap("whole_import", s)
    errors = [p for p in mapped.problems if p.severity == "error"]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{path}: {len(text)} triples, {len(errors)} errors, {len(violations)} violations")
    for k, v in t.items():
        print(f"  {k:<15} {v:8.2f} s")
    stages = ("read_tables", "map_tables", "shacl_store", "shacl_queries", "open_store", "write")
    print(f"  {'sum of stages':<15} {sum(t[k] for k in stages):8.2f} s (whole_import: the same work in one call)")
    print(f"  first write +{change1.added} -{change1.removed}; second write +{change2.added} -{change2.removed}")
    print(f"  whole import +{result.change.added} -{result.change.removed}")
    print(f"  peak RSS {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
