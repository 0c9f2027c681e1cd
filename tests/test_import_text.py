"""The mapping writes a concept as N-Triples lines; the store and the SHACL checks read them as they are."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from ikg.graph.ingest.importer import import_spreadsheet
from ikg.graph.ingest.mapping import map_tables
from ikg.graph.ingest.ntriples import ConceptText, pieces
from ikg.graph.ingest.tabular import read_tables
from ikg.graph.ingest.validate import shacl_problems
from ikg.graph.store.embedded import BULK_MIN, MEMORY, Store

from .conftest import SMALL, write_csv_set
from .test_atomic import GRAPH, big_tables

XSD = "http://www.w3.org/2001/XMLSchema#"


def _mapped(folder: Path) -> ConceptText:
    tables, problems = read_tables(folder)
    mapped = map_tables(tables)
    assert not [p for p in problems + mapped.problems if p.severity == "error"]
    assert mapped.text is not None
    return mapped.text


def _lines(text: ConceptText, form: str) -> list[str]:
    pieces = text.store_pieces() if form == "store" else text.checks_pieces()
    return b"".join(pieces).decode().splitlines(keepends=True)


def test_typed_literals_go_to_the_store_as_written_and_to_the_checks_as_their_stand_ins(tmp_path: Path) -> None:
    """A membership's "seit" 01.02.2014 is an xsd:date for the store and its stand-in for the checks;
    a text is the same line for both."""
    text = _mapped(write_csv_set(tmp_path / "klein"))
    date = f'"2014-02-01"^^<{XSD}date>'
    stores, checks = _lines(text, "store"), _lines(text, "checks")
    assert len(stores) == len(checks) == len(text)
    changed = [(s, c) for s, c in zip(sorted(stores), sorted(checks), strict=True) if s != c]
    dated = [s for s in stores if date in s]
    assert len(dated) == 1 and date not in "".join(checks)
    assert any(
        c.endswith('"2014-02-01"^^<urn:ikg:shacl:well-formed:http%3A%2F%2Fwww.w3.org%2F2001%2FXMLSchema%23date> .\n')
        for c in checks
    )
    assert changed  # the typed ones differ, texts do not
    assert '"Stadt Kleinstadt"@de .\n' in "".join(s for s in stores if s in checks)
    assert all(line.endswith(" .\n") and "\n" not in line[:-1] for line in stores + checks)
    quads = text.quads()
    assert len(quads) == text.count() == len(set(quads))
    assert {q.graph_name for q in quads} == {ox.NamedNode(text.graph)}
    assert ox.Literal("2014-02-01", datatype=ox.NamedNode(XSD + "date")) in {q.object for q in quads}


def test_a_repeated_triple_counts_once(tmp_path: Path) -> None:
    """Two resources citing one source describe it twice in the lines; the quads, the checks' count and
    the store hold it once."""
    tables = {k: [list(r) for r in v] for k, v in SMALL.items()}
    tables["akteure"][1][-1] = "Beschluss Rat, S. 1"  # the source the concept cites too
    text = _mapped(write_csv_set(tmp_path / "klein", tables))
    lines = _lines(text, "store")
    sources = [line for line in lines if line.endswith('"Beschluss Rat, S. 1" .\n')]
    assert len(sources) == 2 and len(set(sources)) == 1  # written twice
    distinct = len(set(lines))
    assert distinct < len(text) == len(lines)
    assert shacl_problems(text) == [] and text.distinct == distinct  # counted by the checks' store
    text.distinct = None
    assert len(text.quads()) == distinct == text.count()


def test_the_lines_go_to_temporary_files_which_close_removes(tmp_path: Path) -> None:
    """The lines are not held in memory; close() removes their files, and so does letting go of the text."""
    text = ConceptText("urn:g", ["<urn:a> <urn:p> <urn:b> .\n"], [('<urn:a> <urn:q> "1"^^<urn:t> .\n', "x .\n")])
    folder = text._dir
    assert sorted(p.name for p in folder.iterdir()) == ["checks.nt", "common.nt", "store.nt"]
    assert b"".join(text.store_pieces()).count(b"\n") == 2
    text.close()
    assert not folder.exists()
    other = ConceptText("urn:g", ["<urn:a> <urn:p> <urn:b> .\n"])
    folder = other._dir
    del other
    gc.collect()
    assert not folder.exists()


def test_pieces_end_at_a_line_s_end(tmp_path: Path) -> None:
    """Each piece a loader gets holds whole lines, however the piece size falls."""
    f = tmp_path / "a.nt"
    lines = [f'<urn:s{i}> <urn:p> "{"x" * (i % 7)}" .\n'.encode() for i in range(1000)]
    f.write_bytes(b"".join(lines))
    for size in (1, 5, 64, 1000, 1 << 20):
        got = list(pieces([f, f], size=size))
        assert all(p.endswith(b"\n") for p in got)
        assert b"".join(got) == b"".join(lines) * 2


def test_the_bulk_route_and_the_transaction_route_store_the_same_graph(tmp_path: Path) -> None:
    """A first large import (the loader reads the lines) and an import into a store in memory (quads
    parsed from the lines, one transaction) hold the same quads, and both count them alike."""
    folder = write_csv_set(tmp_path / "gross", big_tables(2500, 1), encodings={})
    on_disk, in_memory = Store(tmp_path / "s"), Store(MEMORY)
    bulk = import_spreadsheet(on_disk, folder)
    plain = import_spreadsheet(in_memory, folder)
    assert bulk.triples >= BULK_MIN  # large enough for the bulk path
    assert bulk.triples == plain.triples == bulk.change.added == plain.change.added
    assert on_disk.graph_quads(GRAPH) == in_memory.graph_quads(GRAPH)
    assert len(on_disk.graph_quads(GRAPH)) == bulk.triples
    again = import_spreadsheet(on_disk, folder)  # the graph holds data now: compared, nothing written
    assert (again.change.added, again.change.removed) == (0, 0)
    on_disk.close()


@pytest.mark.parametrize("size", ["small", "bulk"])
def test_a_cell_s_text_stays_one_literal_whatever_it_holds(tmp_path: Path, size: str) -> None:
    """Quotes, backslashes, angle brackets and a line break in a cell cannot add a triple: the lines
    are written by Oxigraph's serialiser and read by its strict parser, on both routes."""
    evil = 'Verein" . <urn:x:s> <urn:x:p> <urn:x:o> .\n<urn:x:s> <urn:x:p> "\\" .'
    tables = big_tables(2500, 1) if size == "bulk" else {k: [list(r) for r in v] for k, v in SMALL.items()}
    actors = tables["akteure"]
    actors[1][actors[0].index("name")] = evil
    folder = write_csv_set(tmp_path / "t", tables, encodings={})
    store = Store(tmp_path / "s")
    result = import_spreadsheet(store, folder)
    graph = next(g for g in result.graphs)
    quads = store.graph_quads(graph)
    assert ox.Literal(evil, language="de") in {q.object for q in quads}
    assert not [q for q in store._ox.quads_for_pattern(ox.NamedNode("urn:x:s"), None, None, None)]
    assert (size == "bulk") == (result.triples >= BULK_MIN)
    store.close()


def test_a_large_text_is_checked_in_a_store_on_disk_with_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond DISK_CHECKS_BYTES the checks' store is kept on disk: the same violations, the same count."""
    from ikg.graph.ingest import ntriples, validate
    from ikg.graph.ingest.shacl_lexical import for_checks

    ikg = "https://w3id.org/ikg/ns#"
    k = f"<urn:k> <{ikg}"
    lines = [
        f"{k}partner> <urn:a> .\n",  # one partner, and not an actor
        f"{k}partner> <urn:a> .\n",  # repeated: counted once
        f"<urn:k> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ikg}Cooperation> .\n",
    ]
    year = ox.Literal("2014", datatype=ox.NamedNode(XSD + "integer"))  # not a date
    typed = [(f"{k}since> {year} .\n", f"{k}since> {for_checks(year)} .\n")]
    real, found = ox.Store, {}
    for where, limit in (("memory", 1 << 40), ("disk", 0)):
        made: list[str] = []

        def store(*args: str, _made: list[str] = made) -> ox.Store:
            _made.append(args[0] if args else "memory")
            return real(*args)

        monkeypatch.setattr(ntriples, "DISK_CHECKS_BYTES", limit)
        monkeypatch.setattr(validate.ox, "Store", store)
        text = ConceptText("urn:g", lines, typed)
        problems = validate.shacl_problems(text)
        monkeypatch.undo()
        found[where] = (sorted(str(p.args["en"]) for p in problems), text.distinct, made[0] != "memory")
    assert found["memory"][:2] == found["disk"][:2]
    assert found["memory"][1] == 3  # the partner once, the type, since
    assert (found["memory"][2], found["disk"][2]) == (False, True)
    assert len(found["memory"][0]) == 4  # one partner of two, not an actor, since not a date, no source


def test_the_temporary_files_of_a_killed_import_go_with_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Directories named for a process that is gone are removed when a text is made; those of a
    running process, and other names, stay."""
    import subprocess
    import sys
    import tempfile

    from ikg.graph.ingest.ntriples import CHECKS_PREFIX, SPOOL_PREFIX

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    stale = [tmp_path / f"{SPOOL_PREFIX}{dead}-abc", tmp_path / f"{CHECKS_PREFIX}{dead}-def"]
    kept = [tmp_path / f"{SPOOL_PREFIX}{os.getppid()}-ghi", tmp_path / "ikg-import-x", tmp_path / "other"]
    for folder in stale + kept:
        folder.mkdir()
        (folder / "common.nt").write_text("x")
    text = ConceptText("urn:g")
    assert [f.exists() for f in stale] == [False, False]
    assert all(f.exists() for f in kept)
    assert text._dir.parent == tmp_path and text._dir.name.startswith(f"{SPOOL_PREFIX}{os.getpid()}-")
    text.close()


def test_the_temporary_files_are_the_user_s_alone_and_go_with_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines' directory and the checks' store on disk are made with mode 0700 and are gone when
    the import has finished."""
    import stat
    import tempfile

    from ikg.graph.ingest import ntriples, validate

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(ntriples, "DISK_CHECKS_BYTES", 0)  # the checks' store on disk too
    modes: dict[str, int] = {}
    real = validate._text_store

    def spy(text: ConceptText, loader: ntriples.ChecksStore) -> ox.Store:
        store = real(text, loader)
        assert loader.on_disk and loader._disk is not None
        modes["lines"] = stat.S_IMODE(text._dir.stat().st_mode)
        modes["checks"] = stat.S_IMODE(Path(loader._disk.name).stat().st_mode)
        return store

    monkeypatch.setattr(validate, "_text_store", spy)
    result = import_spreadsheet(Store(tmp_path / "s"), write_csv_set(tmp_path / "klein"))
    assert result.triples > 0
    assert modes == {"lines": 0o700, "checks": 0o700}
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("limit", [1 << 40, 0, 20_000])
def test_the_checks_store_fills_while_the_mapping_writes_with_the_same_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """The mapping hands its lines to the checks' store as it goes (in memory, on disk, or first in
    memory and then again on disk): the store holds what a store filled afterwards holds."""
    from ikg.graph.ingest import ntriples, validate

    monkeypatch.setattr(ntriples, "HANDOVER_LINES", 40)
    monkeypatch.setattr(ntriples, "DISK_CHECKS_BYTES", limit)
    mapped = map_tables(read_tables(write_csv_set(tmp_path / "k"))[0])
    text = mapped.text
    assert text is not None and text.checks_store is not None
    loader = text.checks_store
    handed = loader._end
    assert 0 < handed < text.common_size()  # handed over before the mapping ended
    prefilled = set(validate._text_store(text, loader))
    assert loader.on_disk == (limit < text.common_size())
    counted = text.distinct
    loader.close()
    text.checks_store = None
    later = ntriples.ChecksStore(text.common_path, expected=text.common_size())
    afterwards = set(validate._text_store(text, later))
    later.close()
    assert prefilled == afterwards and len(afterwards) > 100
    assert counted == text.distinct == len(set(text.quads()))
    assert validate.shacl_problems(text, mapped.origin) == []


def test_a_checks_store_that_outgrows_memory_starts_again_on_disk(tmp_path: Path) -> None:
    """Lines loaded in memory, then more than the limit: the store on disk holds all of them, the
    first ones too."""
    import time

    from ikg.graph.ingest.ntriples import ChecksStore

    f = tmp_path / "common.nt"
    first = "".join(f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(100))
    more = "".join(f"<urn:s{i}> <urn:q> <urn:o> .\n" for i in range(100))
    f.write_text(first)
    loader = ChecksStore(f, limit=len(first) + 10)
    loader.written(len(first))
    deadline = time.monotonic() + 20
    while loader.loaded < len(first) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert loader.loaded == len(first) and not loader.on_disk  # in memory so far
    f.write_text(first + more)
    store = loader.finish(len(first + more))
    assert loader.on_disk
    assert len(store) == 200
    loader.close()
    assert loader._disk is None


def test_a_checks_store_expected_to_be_large_starts_on_disk(tmp_path: Path) -> None:
    """Many table rows: the checks' store is on disk from the first line, never filled in memory first."""
    from ikg.graph.ingest.ntriples import ChecksStore

    f = tmp_path / "common.nt"
    f.write_text("<urn:s> <urn:p> <urn:o> .\n")
    large = ChecksStore(f, limit=100, expected=101)
    assert large.on_disk
    large.close()
    small = ChecksStore(f, limit=100, expected=100)
    assert not small.on_disk
    assert len(small.finish(f.stat().st_size)) == 1
    small.close()
