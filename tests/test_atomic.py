"""An import killed at any point (a real ``kill -9``) leaves the store exactly as it was, or fully new."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ikg.graph.namespaces import concept_graph
from ikg.graph.store.embedded import Store

from .conftest import write_csv_set

CID = "gross"
GRAPH = str(concept_graph(CID))


def big_tables(n: int, variant: int) -> dict[str, list[list[str]]]:
    """A concept of ``n`` actors; variant 2 drops every tenth actor of variant 1 and adds new ones."""
    ids = [f"a{i}" for i in range(n) if variant == 1 or i % 10]
    ids += [f"neu{i}" for i in range(n // 10)] if variant == 2 else []
    groups = [f"ag{i}" for i in range(max(1, n // 20))]
    return {
        "konzept": [["id", "titel"], [CID, f"Großer Kreis, Fassung {variant}"]],
        "handlungsfelder": [["id", "bezeichnung"], ["sprache", "Sprache"], ["arbeit", "Arbeit"]],
        "akteure": [["id", "name", "typ", "ort"]]
        + [[a, f"Akteur {a}", "verein", f"Ort {i % 10}"] for i, a in enumerate(ids)],
        "arbeitsgruppen": [["id", "name", "handlungsfelder"]] + [[g, f"AG {g}", "sprache"] for g in groups],
        "mitgliedschaften": [["akteur", "arbeitsgruppe"]] + [[a, groups[i % len(groups)]] for i, a in enumerate(ids)],
        "ziele": [["id", "titel", "handlungsfelder", "arbeitsgruppe"]]
        + [[f"z{g}", f"Ziel von {g}", "arbeit", g] for g in groups],
    }


def _ikg(store: Path, *args: str) -> list[str]:
    exe = Path(sys.executable).with_name("ikg")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "ikg.api.cli"]
    return [*base, "--store", str(store), "--no-seed", *args]


def _snapshot(store_dir: Path) -> frozenset[str]:
    store = Store(store_dir)
    try:
        return frozenset(str(q) for q in store.graph_quads(GRAPH))
    finally:
        del store


def _kill_runs(tmp_path: Path, runs: int, n: int) -> dict[str, int]:
    v1 = write_csv_set(tmp_path / "v1", big_tables(n, 1), encodings={})
    v2 = write_csv_set(tmp_path / "v2", big_tables(n, 2), encodings={})
    # reference states and the duration of an undisturbed import
    ref = tmp_path / "ref"
    subprocess.run(_ikg(ref, "import", str(v1)), check=True, capture_output=True)
    old = _snapshot(ref)
    started = time.perf_counter()
    subprocess.run(_ikg(ref, "import", str(v2)), check=True, capture_output=True)
    duration = time.perf_counter() - started
    new = _snapshot(ref)
    assert old and new and old != new

    rng = random.Random(1926)
    outcomes = {"old": 0, "new": 0}
    for run in range(runs):
        store_dir = tmp_path / f"s{run}"
        subprocess.run(_ikg(store_dir, "import", str(v1)), check=True, capture_output=True)
        child = subprocess.Popen(
            _ikg(store_dir, "import", str(v2)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.3, 1.05) * duration)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        state = _snapshot(store_dir)  # the store must open after the kill
        assert state in (old, new), f"run {run}: store holds a mix of old and new data"
        outcomes["old" if state == old else "new"] += 1
    return outcomes


def test_kill_during_import_leaves_old_or_new(tmp_path: Path) -> None:
    outcomes = _kill_runs(tmp_path, runs=3, n=1500)
    assert sum(outcomes.values()) == 3


@pytest.mark.slow
def test_kill_loop_long(tmp_path: Path) -> None:
    outcomes = _kill_runs(tmp_path, runs=int(os.environ.get("IKG_KILL_RUNS", "4")), n=4000)
    print("kill outcomes:", outcomes)
    assert outcomes["old"] + outcomes["new"] >= 1


def test_a_leftover_bulk_import_is_undone_when_the_store_opens(tmp_path: Path) -> None:
    """A marker left by a killed bulk import: the half-filled graph is emptied on the next open."""
    import pyoxigraph as ox

    from ikg.graph.store.embedded import _PENDING, _SYSTEM

    store = Store(tmp_path / "s")
    g = ox.NamedNode(GRAPH)
    store._ox.extend([ox.Quad(g, _PENDING, ox.Literal("bulk import"), _SYSTEM)])
    store._ox.bulk_extend(
        [ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:p"), ox.Literal(i), g) for i in range(50)]
    )
    other = ox.Quad(ox.NamedNode("urn:keep"), ox.NamedNode("urn:p"), ox.Literal(1), ox.NamedNode("urn:g:other"))
    store._ox.add(other)
    store.flush()
    del store
    reopened = Store(tmp_path / "s")
    assert reopened.recovered == [GRAPH]
    assert reopened.graph_quads(GRAPH) == set()
    assert list(reopened._ox.quads_for_pattern(None, None, None, _SYSTEM)) == []
    assert reopened.graph_quads("urn:g:other") == {other}


def test_kill_during_a_first_bulk_import_leaves_nothing_or_everything(tmp_path: Path) -> None:
    """A first import of a large concept uses the bulk loader; killed anywhere, it is all or nothing."""
    v1 = write_csv_set(tmp_path / "v1", big_tables(2500, 1), encodings={})
    ref = tmp_path / "ref"
    started = time.perf_counter()
    subprocess.run(_ikg(ref, "import", str(v1)), check=True, capture_output=True)
    duration = time.perf_counter() - started
    full = _snapshot(ref)
    assert len(full) >= 10_000  # large enough for the bulk path
    rng = random.Random(2026)
    seen = []
    for run in range(3):
        store_dir = tmp_path / f"b{run}"
        child = subprocess.Popen(
            _ikg(store_dir, "import", str(v1)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_for_bulk_marker(store_dir, child, deadline=time.monotonic() + 3 * duration + 30)
        time.sleep(rng.uniform(0.0, 0.2))  # somewhere inside the bulk load
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait()
        state = _snapshot(store_dir)
        assert state in (frozenset(), full), f"run {run}: a half-loaded graph survived ({len(state)} quads)"
        seen.append(len(state))
    print("first-import kill outcomes (quads):", seen)


def _wait_for_bulk_marker(store_dir: Path, child: subprocess.Popen, deadline: float) -> None:
    """Poll a read-only view of the store until the bulk-import marker appears."""
    import pyoxigraph as ox

    from ikg.graph.store.embedded import _PENDING, _SYSTEM

    while time.monotonic() < deadline and child.poll() is None:
        try:
            view = ox.Store.read_only(str(store_dir))
            if any(view.quads_for_pattern(None, _PENDING, None, _SYSTEM)):
                return
        except (OSError, RuntimeError):
            pass  # not created yet, or its column families not yet
        time.sleep(0.01)


def _many(n: int, graph: str) -> list:
    import pyoxigraph as ox

    g = ox.NamedNode(graph)
    return [ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:p"), ox.Literal(i), g) for i in range(n)]


class RefusedError(Exception):
    """What the checks in these tests raise."""


@pytest.mark.parametrize("form", ["quads", "text"])
def test_a_first_bulk_import_is_checked_while_it_is_written_and_undone_when_refused(tmp_path: Path, form: str) -> None:
    """The check of a first large import runs while the bulk loader writes (the loader's quads appear
    before the check ends); when the check refuses, the graph is empty again and no marker is left.
    The same for quads and for N-Triples lines (a spreadsheet's mapping, which the loader reads as
    they are)."""
    import pyoxigraph as ox

    from ikg.graph.ingest.ntriples import ConceptText
    from ikg.graph.store.embedded import _SYSTEM, BULK_MIN

    store = Store(tmp_path / "s")
    other = ox.Quad(ox.NamedNode("urn:keep"), ox.NamedNode("urn:p"), ox.Literal(1), ox.NamedNode("urn:g:other"))
    store.replace_graph("urn:g:other", [other])
    quads = _many(BULK_MIN + 10, GRAPH)
    content = (
        quads if form == "quads" else ConceptText(GRAPH, [f"{q.subject} {q.predicate} {q.object} .\n" for q in quads])
    )
    seen: list[int] = []

    def check() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # written at the same time: the loader's quads show up
            seen.append(len(list(store._ox.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH)))))
            if seen[-1] == len(quads):
                break
            time.sleep(0.01)
        raise RefusedError

    with pytest.raises(RefusedError):
        store.replace_graph(GRAPH, content, verify=check)
    assert seen[-1] == len(quads)  # the check saw the data written while it ran
    assert store.graph_quads(GRAPH) == set()  # and the refusal undid it
    assert list(store._ox.quads_for_pattern(None, None, None, _SYSTEM)) == []
    assert store.graph_quads("urn:g:other") == {other}
    store.close()
    reopened = Store(tmp_path / "s")
    assert reopened.recovered == [] and reopened.graph_quads(GRAPH) == set()


def test_a_refused_check_writes_nothing_on_the_transaction_path(tmp_path: Path) -> None:
    """Small or repeated imports write in one transaction: the check runs first, a refusal writes nothing."""
    from ikg.graph.store.embedded import BULK_MIN

    store = Store(tmp_path / "s")
    first = _many(20, GRAPH)
    assert store.replace_graph(GRAPH, first).added == 20
    calls: list[int] = []

    def check() -> None:
        calls.append(len(store.graph_quads(GRAPH)))
        raise RefusedError

    with pytest.raises(RefusedError):
        store.replace_graph(GRAPH, _many(30, GRAPH), verify=check)
    assert calls == [20]  # run before anything was written
    assert store.graph_quads(GRAPH) == set(first)
    with pytest.raises(RefusedError):  # a large write into a graph that holds data: checked first, too
        store.replace_graph(GRAPH, _many(BULK_MIN + 10, GRAPH), verify=check)
    assert calls == [20, 20]
    assert store.graph_quads(GRAPH) == set(first)
    store.close()


def test_an_rdf_import_with_a_shacl_violation_into_a_fresh_store_leaves_nothing(tmp_path: Path) -> None:
    """Through the importer: a large Turtle file with one actor lacking its name is refused with the
    shape's message, and the graph it would have filled stays empty (RDF is checked before the write)."""
    from ikg.graph.errors import InputError
    from ikg.graph.ingest.importer import import_rdf
    from ikg.graph.store.embedded import _PENDING, BULK_MIN

    lines = ["@prefix ikg: <https://w3id.org/ikg/ns#> ."]
    lines += [f'<urn:x:{i}> <urn:p> "{i}" .' for i in range(BULK_MIN + 10)]
    lines.append("<urn:x:nameless> a ikg:Actor .")
    data = tmp_path / "big.ttl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(tmp_path / "s")
    with pytest.raises(InputError) as info:
        import_rdf(store, data, graph=GRAPH)
    assert any(p.code == "shape" and "nameless" in str(p.args) for p in info.value.problems)
    assert store.graph_quads(GRAPH) == set()
    assert GRAPH not in store.named_graphs()
    assert list(store._ox.quads_for_pattern(None, _PENDING, None, None)) == []  # no marker left
    store.close()
