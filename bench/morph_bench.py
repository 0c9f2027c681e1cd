"""morph-kgc (an RML engine) turning ikg's CSV folder into RDF: the routes of ``bench/import_bench.py``.

What a user would pick instead of ``ikg import csv/``: a general mapping engine with a declarative
mapping. ``bench/rml/concept.rml.ttl`` maps the ten CSV files of a concept (``bench/generate.py``)
to the triples ikg's importer makes of them, as far as RML and morph-kgc's built-in (GREL)
functions go; its header says what it leaves out and why. Two routes, each its own process:

* ``morph_file``: ``python -m morph_kgc CONFIG`` (morph-kgc's command line) writing N-Quads to a
  file (``output_format=N-QUADS``; every triple in the concept's named graph);
* ``morph_oxigraph``: ``morph_kgc.materialize_oxigraph(CONFIG)`` in a fresh Python: morph-kgc's
  own way into a pyoxigraph store (an in-memory ``Store()``: the function takes no path).

Both with ``number_of_processes=1`` (morph-kgc's default is two worker processes per CPU; one
keeps the comparison with the other single-process routes fair and the peak RSS the whole
memory). In-process time: morph-kgc's own "Mappings processed in" plus "Materialization finished
in" for the command line, the ``materialize_oxigraph`` call for the other.

Coverage (:func:`coverage`): the N-Quads file of the first run against ``concept.ttl`` (which
``bench/generate.py`` writes from ``ikg``'s own mapping of the same CSV folder): how many of ikg's
triples morph-kgc made (the same subject, predicate and object, as RDF terms), how many it made
that ikg does not, and whether all went to the concept's graph.

morph-kgc pins ``pyoxigraph<0.4`` and ``rdflib<7.3``, older than ikg's, so it does not go into
ikg's venv: it is looked for in ``$IKG_MORPH_PYTHON``, then ``/tmp/morph-venv/bin/python``, then
this Python. Set it up with::

    python3.11 -m venv /tmp/morph-venv && /tmp/morph-venv/bin/pip install morph-kgc

Without it the routes are skipped and the rows say why. Run alone::

    python bench/morph_bench.py [--actors 1000] [--limit 600]

times both routes once on ``/tmp/ikg-bench-N`` and prints the measurements and the coverage as
JSON. (``--child CONFIG`` is the ``materialize_oxigraph`` child, run by morph-kgc's Python.)
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
MAPPING = BENCH_DIR / "rml" / "concept.rml.ttl"
MORPH_VENV = Path("/tmp/morph-venv")
SETUP = f"python3.11 -m venv {MORPH_VENV} && {MORPH_VENV}/bin/pip install morph-kgc"
ROUTES: tuple[tuple[str, str], ...] = (
    ("morph_file", "morph-kgc (RML), CSV folder → N-Quads file"),
    ("morph_oxigraph", "morph-kgc (RML), CSV folder → pyoxigraph (in memory)"),
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
COMMANDS = {
    "morph_file": "`python -m morph_kgc CONFIG` (`bench/rml/concept.rml.ttl`, N-Quads)",
    "morph_oxigraph": "`morph_kgc.materialize_oxigraph(CONFIG)`",
}


def child(config: str) -> int:
    """``materialize_oxigraph`` in this process; print ``{"s": ..., "triples": ...}`` as JSON.

    Runs under morph-kgc's Python, so it imports nothing of ikg or the bench.

    Parameters
    ----------
    config : str
        Path of the morph-kgc configuration file.

    Returns
    -------
    int
        The exit code (0).
    """
    import morph_kgc

    t0 = time.perf_counter()
    store = morph_kgc.materialize_oxigraph(config)
    n = len(store)
    print(json.dumps({"s": time.perf_counter() - t0, "triples": n}))
    return 0


# -- the rest runs in ikg's Python ------------------------------------------------------------------


def find_python() -> tuple[str | None, str]:
    """A Python that imports morph_kgc, and what it has.

    Returns
    -------
    tuple
        ``(path, "morph-kgc X, pyoxigraph Y")``, or ``(None, why)`` when none of
        ``$IKG_MORPH_PYTHON``, ``/tmp/morph-venv/bin/python`` and this Python has it.
    """
    import subprocess

    probe = (
        "import importlib.metadata as m, morph_kgc; "
        "print(f\"morph-kgc {m.version('morph-kgc')}, pyoxigraph {m.version('pyoxigraph')}\")"
    )
    candidates = [os.environ.get("IKG_MORPH_PYTHON") or "", str(MORPH_VENV / "bin" / "python"), sys.executable]
    for py in dict.fromkeys(c for c in candidates if c):
        if not Path(py).is_file():
            continue
        try:
            done = subprocess.run([py, "-c", probe], capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0 and done.stdout.strip():
            return py, done.stdout.strip().splitlines()[-1]
    return None, f"morph-kgc not installed (set up: `{SETUP}`, or set IKG_MORPH_PYTHON)"


def concept_id(csv_dir: Path) -> str:
    """The id of the concept in ``csv_dir/concept.csv`` (its first row)."""
    import csv

    with (csv_dir / "concept.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            return (row.get("id") or "").strip()
    raise ValueError(f"{csv_dir / 'concept.csv'} has no row")


def write_config(csv_dir: Path, dest: Path, output: Path | None) -> Path:
    """Write the mapping for ``csv_dir`` and a morph-kgc configuration using it into ``dest``.

    Parameters
    ----------
    csv_dir : Path
        The CSV folder (``concept.csv``, ``actors.csv`` ...).
    dest : Path
        An existing directory for ``concept.rml.ttl`` and ``morph.ini``.
    output : Path or None
        The N-Quads file to write (the command line); ``None`` for ``materialize_oxigraph``.

    Returns
    -------
    Path
        The configuration file.
    """
    from urllib.parse import quote

    cid = quote(concept_id(csv_dir), safe="-._~")
    text = MAPPING.read_text(encoding="utf-8")
    text = text.replace("@CSV@", str(csv_dir.resolve())).replace("@CONCEPT@", cid)
    mapping = dest / "concept.rml.ttl"
    mapping.write_text(text, encoding="utf-8")
    lines = ["[CONFIGURATION]", "number_of_processes=1", "logging_level=INFO"]
    if output is not None:
        lines += [f"output_file={output}", "output_format=N-QUADS"]
    lines += ["", "[ConceptCSV]", f"mappings={mapping}", ""]
    config = dest / "morph.ini"
    config.write_text("\n".join(lines), encoding="utf-8")
    return config


def coverage(ikg_ttl: Path, nquads: Path, graph: str) -> dict[str, Any]:
    """Compare morph-kgc's N-Quads with ikg's triples of the same CSV folder.

    Parameters
    ----------
    ikg_ttl : Path
        ``concept.ttl``: ikg's mapping of the CSV folder (``bench/generate.py``).
    nquads : Path
        morph-kgc's output.
    graph : str
        The concept's named graph IRI.

    Returns
    -------
    dict
        ``ikg`` (ikg's triples), ``morph`` (morph-kgc's distinct triples), ``common`` (in both),
        ``extra`` (morph-kgc's not in ikg's), ``outside_graph`` (quads not in ``graph``),
        ``missing`` (predicate IRI, for ``rdf:type`` with the class IRI after a space, to how many of
        ikg's triples with it morph-kgc lacks, largest first).
    """
    from collections import Counter

    import pyoxigraph as ox

    ref = {str(t) for t in ox.parse(path=str(ikg_ttl), format=ox.RdfFormat.TURTLE)}
    got: set[str] = set()
    outside = 0
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        got.add(str(ox.Triple(q.subject, q.predicate, q.object)))
        outside += not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == graph)
    common = len(ref & got)
    lacking: Counter[str] = Counter()
    for t in ref - got:
        _, p, o = t.split(" ", 2)
        lacking[p.strip("<>") + (" " + o.strip("<>") if p == f"<{RDF_TYPE}>" else "")] += 1
    return {
        "ikg": len(ref),
        "morph": len(got),
        "common": common,
        "extra": len(got) - common,
        "outside_graph": outside,
        "missing": dict(lacking.most_common()),
    }


def _own_time(text: str) -> float | None:
    """morph-kgc's "Mappings processed in X seconds" plus "Materialization finished in Y seconds"."""
    import re

    found = [
        float(m) for m in re.findall(r"(?:Mappings processed|Materialization finished) in ([0-9.]+) seconds", text)
    ]
    return sum(found) if found else None


def run_route(
    route: str,
    data: Path,
    graph: str,
    limit: float,
    work: Path,
    python: str,
    *,
    check: bool = False,
) -> dict[str, Any]:
    """One timed run of a morph-kgc route, as ``import_bench.run_route`` gives it.

    Parameters
    ----------
    route : str
        ``morph_file`` or ``morph_oxigraph``.
    data : Path
        ``/tmp/ikg-bench-N`` (``csv/`` and ``concept.ttl``).
    graph : str
        The concept's named graph IRI.
    limit : float
        Seconds before the run is killed.
    work : Path
        A directory for the mapping, configuration and output (a fresh one inside, removed).
    python : str
        A Python with morph-kgc (:func:`find_python`).
    check : bool
        For ``morph_file``: also compute :func:`coverage` of the output (after the timing).

    Returns
    -------
    dict
        ``status``, ``wall``, ``rss``, ``returncode``, ``own_s``, ``triples``, ``error`` and, with
        ``check``, ``coverage`` (or ``coverage_error``, why it could not be computed).
    """
    import shutil
    import tempfile

    try:
        from bench._common import run_measured
    except ImportError:  # run as a script: bench/ is sys.path[0]
        from _common import run_measured

    run_dir = Path(tempfile.mkdtemp(prefix="morph-", dir=work))
    try:
        if route == "morph_file":
            output = run_dir / "out.nq"
            config = write_config(data / "csv", run_dir, output)
            cmd = [python, "-m", "morph_kgc", str(config)]
        elif route == "morph_oxigraph":
            output = None
            config = write_config(data / "csv", run_dir, None)
            cmd = [python, str(Path(__file__).resolve()), "--child", str(config)]
        else:
            raise ValueError(f"unknown route {route}")
        r = run_measured(cmd, limit, cwd=run_dir)
        r["own_s"], r["triples"] = None, None
        if r["status"] == "ok":
            text = r["stdout"] + r["stderr"]
            if output is None:
                try:
                    got = json.loads(r["stdout"].strip().splitlines()[-1])
                    r["own_s"], r["triples"] = got["s"], got["triples"]
                except (ValueError, IndexError, KeyError):
                    pass
            else:
                r["own_s"] = _own_time(text)
                with output.open("rb") as f:
                    r["triples"] = sum(1 for line in f if line.strip())
                if check:
                    try:
                        r["coverage"] = coverage(data / "concept.ttl", output, graph)
                    except (OSError, SyntaxError, ValueError) as exc:  # pyoxigraph's parse errors are SyntaxError
                        r["coverage_error"] = f"{type(exc).__name__}: {exc}"[:200]
        r["error"] = "" if r["status"] == "ok" else (r["stderr"].strip().splitlines() or [""])[-1][:200]
        del r["stdout"], r["stderr"]
        return r
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def coverage_text(cov: dict[str, Any]) -> str:
    """One sentence of :func:`coverage` for the report.

    Examples
    --------
    >>> coverage_text({"ikg": 100, "morph": 60, "common": 60, "extra": 0, "outside_graph": 0,
    ...                "missing": {"http://www.w3.org/ns/prov#wasDerivedFrom": 30, "x": 10}})
    "morph-kgc makes 60 of ikg's 100 triples (60.0 %) and 0 that ikg does not; of the 40 it lacks, 30 prov:wasDerivedFrom, 10 x."
    """
    short = {
        "http://www.w3.org/ns/prov#": "prov:",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
        "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
        "http://www.w3.org/ns/org#": "org:",
        "https://w3id.org/ikg/ns#": "ikg:",
    }

    def name(key: str) -> str:
        names = []
        for iri in key.split(" "):
            for ns, prefix in short.items():
                if iri.startswith(ns):
                    iri = prefix + iri[len(ns) :]
                    break
            names.append(iri)
        return " ".join(names)

    lacking = cov["ikg"] - cov["common"]
    text = (
        f"morph-kgc makes {cov['common']:,} of ikg's {cov['ikg']:,} triples "
        f"({100 * cov['common'] / cov['ikg']:.1f} %) and {cov['extra']:,} that ikg does not"
    )
    if lacking:
        parts = [f"{n:,} {name(p)}" for p, n in list(cov["missing"].items())[:4]]
        text += f"; of the {lacking:,} it lacks, " + ", ".join(parts)
    if cov.get("outside_graph"):
        text += f"; {cov['outside_graph']:,} quads outside the concept's graph"
    return text + "."


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        return child(sys.argv[2])
    import argparse
    import shutil
    import tempfile

    try:
        from bench._common import ensure_data, log
    except ImportError:  # run as a script: bench/ is sys.path[0]
        from _common import ensure_data, log

    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--actors", type=int, default=1000, help="actors in the synthetic concept (1000)")
    ap.add_argument("--limit", type=float, default=600.0, help="limit per run, s (600)")
    args = ap.parse_args()
    python, what = find_python()
    if python is None:
        print(what, file=sys.stderr)
        return 2
    log(f"{python}: {what}")
    data = ensure_data(args.actors, ("csv", "ttl"))
    from urllib.parse import quote

    graph = "https://w3id.org/ikg/graph/" + quote(concept_id(data / "csv"), safe="-._~")
    work = Path(tempfile.mkdtemp(prefix="ikg-morph-bench-"))
    out: dict[str, Any] = {"actors": args.actors, "python": python, "versions": what}
    try:
        for route, label in ROUTES:
            r = run_route(route, data, graph, args.limit, work, python, check=route == "morph_file")
            log(f"{label}: {r['status']} {r['wall']:.2f} s" + (f" ({r['error']})" if r["error"] else ""))
            out[route] = r
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cov = out["morph_file"].get("coverage")
    if cov:
        log(coverage_text(cov))
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
