"""The mapping writes a concept as N-Triples lines; the store and the SHACL checks read them as they are."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ikg.graph.ingest.importer import import_spreadsheet
from ikg.graph.ingest.mapping import map_tables
from ikg.graph.ingest.ntriples import ConceptText
from ikg.graph.ingest.tabular import read_tables
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


def test_typed_literals_go_to_the_store_as_written_and_to_the_checks_as_their_stand_ins(tmp_path: Path) -> None:
    """A membership's "seit" 01.02.2014 is an xsd:date for the store and its stand-in for the checks;
    a text is the same line for both."""
    text = _mapped(write_csv_set(tmp_path / "klein"))
    date = f'"2014-02-01"^^<{XSD}date>'
    stores = [s for s, _ in text.typed if date in s]
    checks = [c for s, c in text.typed if date in s]
    assert len(stores) == 1 and len(checks) == 1
    assert checks[0].endswith(
        '"2014-02-01"^^<urn:ikg:shacl:well-formed:http%3A%2F%2Fwww.w3.org%2F2001%2FXMLSchema%23date> .\n'
    )
    assert date not in text.checks_stream().read().decode()
    assert any('"Stadt Kleinstadt"@de .' in line for line in text.lines)
    assert all(line.endswith(" .\n") and "\n" not in line[:-1] for line in text.lines)
    quads = text.quads()
    assert len(quads) == len(text) == len(set(quads))
    assert {q.graph_name for q in quads} == {ox.NamedNode(text.graph)}
    assert ox.Literal("2014-02-01", datatype=ox.NamedNode(XSD + "date")) in {q.object for q in quads}


def test_a_repeated_triple_is_written_once(tmp_path: Path) -> None:
    """Two goals citing one source name it once: the source's three triples are not repeated."""
    tables = {k: [list(r) for r in v] for k, v in SMALL.items()}
    tables["akteure"][1][-1] = "Beschluss Rat, S. 1"  # the source the concept cites too
    text = _mapped(write_csv_set(tmp_path / "klein", tables))
    assert len(text.lines) == len(set(text.lines))
    sources = [line for line in text.lines if line.endswith('"Beschluss Rat, S. 1" .\n')]
    assert len(sources) == 1


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
