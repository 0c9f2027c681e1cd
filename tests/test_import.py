"""Spreadsheet import: German Excel CSV and XLSX, every bad input reported, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS, XSD

from ikg.graph.errors import InputError
from ikg.graph.ingest.importer import import_spreadsheet
from ikg.graph.namespaces import IKG, ORG, concept_graph, mint
from ikg.graph.store.embedded import Store
from ikg.graph.terms import from_ox

from .conftest import SMALL, write_csv_set

CID = "kleinstadt-2020"
GRAPH = str(concept_graph(CID))


def graph_of(store: Store, graph: str = GRAPH) -> Graph:
    g = Graph()
    for q in store.graph_quads(graph):
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g


def write_xlsx(path: Path, tables: dict[str, list[list[str]]]) -> Path:
    """The same tables as an XLSX workbook, with real date and number cells where Excel has them."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name.capitalize())
        for i, row in enumerate(rows):
            out: list[object] = []
            for cell in row:
                value: object = cell
                if i and len(cell) == 10 and cell[2] == "." and cell[5] == ".":
                    d, m, y = cell.split(".")
                    value = dt.datetime(int(y), int(m), int(d))
                elif i and cell.replace(",", "", 1).isdigit() and "," in cell:
                    value = float(cell.replace(",", "."))
                out.append(value if value != "" else None)
            ws.append(out)
    wb.save(path)
    return path


def test_german_excel_csv_imports(store: Store, tmp_path: Path) -> None:
    folder = write_csv_set(tmp_path / "csv", encodings={"akteure": "utf-8-sig", "ziele": "cp1252"})
    result = import_spreadsheet(store, folder)
    assert result.concept_id == CID
    assert result.counts["actors"] == 5
    g = graph_of(store)
    verein = mint(CID, "actor", "verein")
    assert (verein, SKOS.prefLabel, Literal("Förderverein Ölmühle", lang="de")) in g  # BOM file, umlauts
    z2 = mint(CID, "goal", "z2")
    assert (z2, SKOS.prefLabel, Literal("Übergang Schule – Beruf", lang="de")) in g  # cp1252 en dash
    ind = mint(CID, "indicator", "anteil")
    assert g.value(ind, RDF.value) == Literal("26.5", datatype=XSD.decimal)
    event = mint(CID, "event", "frist")
    assert g.value(event, URIRef("http://purl.org/dc/terms/date")) == Literal("2015-06-30", datatype=XSD.date)
    # the concept-level goal needs no action field; the membership role defaults to member
    assert (mint(CID, "goal", "k1"), RDF.type, IKG.ConceptGoal) in g
    m = mint(CID, "membership", "verein", "ag-sprache")
    assert g.value(m, ORG.role) == URIRef("https://w3id.org/ikg/vocab/role/member")


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_other_delimiters_give_the_same_graph(store: Store, tmp_path: Path, delimiter: str) -> None:
    import_spreadsheet(store, write_csv_set(tmp_path / "semi"))
    reference = graph_of(store)
    other = Store(":memory:")
    import_spreadsheet(
        other, write_csv_set(tmp_path / "other", delimiter=delimiter, encodings=dict.fromkeys(SMALL, "utf-8"))
    )
    assert isomorphic(reference, graph_of(other))


def test_csv_and_xlsx_give_the_same_graph(store: Store, tmp_path: Path) -> None:
    import_spreadsheet(store, write_csv_set(tmp_path / "csv"))
    from_xlsx = Store(":memory:")
    import_spreadsheet(from_xlsx, write_xlsx(tmp_path / "konzept.xlsx", SMALL))
    a, b = graph_of(store), graph_of(from_xlsx)
    assert len(a) == len(b) > 100
    assert isomorphic(a, b), sorted(set(a) ^ set(b))[:5]


def test_reimport_is_idempotent(store: Store, small_csv: Path) -> None:
    first = import_spreadsheet(store, small_csv)
    before = store.graph_quads(GRAPH)
    second = import_spreadsheet(store, small_csv)
    assert first.change.added == len(before) and first.change.removed == 0
    assert (second.change.added, second.change.removed) == (0, 0)
    assert store.graph_quads(GRAPH) == before


def test_changed_data_replaces_the_old_version(store: Store, tmp_path: Path) -> None:
    import_spreadsheet(store, write_csv_set(tmp_path / "v1"))
    tables = {k: [list(r) for r in v] for k, v in SMALL.items()}
    tables["akteure"] = [r for r in tables["akteure"] if r[0] != "mo"]
    tables["mitgliedschaften"] = [r for r in tables["mitgliedschaften"] if r[0] != "mo"]
    tables["kooperationen"] = tables["kooperationen"][:1]
    tables["akteure"].append(["neu", "Neue Initiative", "initiative", "Mettmann", "", ""])
    result = import_spreadsheet(store, write_csv_set(tmp_path / "v2", tables))
    g = graph_of(store)
    assert result.change.removed > 0 and result.change.added > 0
    assert (mint(CID, "actor", "mo"), RDF.type, IKG.Actor) not in g
    assert (mint(CID, "actor", "neu"), RDF.type, IKG.Actor) in g
    assert not list(g.triples((None, IKG.cooperatesWith, None)))


# --- bad input -----------------------------------------------------------------------------------


def _bad_tables() -> dict[str, list[list[str]]]:
    tables = {k: [list(r) for r in v] for k, v in SMALL.items()}
    # row 7 of memberships: an unknown working group
    tables["mitgliedschaften"] += [["stadt", "ag-arbeit", "", "", ""], ["stadt", "ag-sprach", "", "", ""]]
    tables["akteure"].append(["schule", "Noch eine Schule", "schule", "", "", ""])  # duplicate id, row 7
    tables["indikatoren"][1][5] = "31.13.2014"  # unparseable date, row 2
    tables["ziele"][2][1] = ""  # empty title, row 3
    tables["arbeitsgruppen"] = [[c for c in r if c != "quelle"][:1] + r[2:3] for r in tables["arbeitsgruppen"]]
    return tables


EXPECTED = [
    ("mitgliedschaften.csv", 7, "working_group", "unknown reference ag-sprach"),
    ("akteure.csv", 7, "id", "duplicate id schule (first in row 5)"),
    ("indikatoren.csv", 2, "date", "the date 31.13.2014 does not exist"),
    ("ziele.csv", 3, "title", "required cell is empty"),
    ("arbeitsgruppen.csv", 1, "name", "required column name is missing"),
]


def test_every_problem_is_reported_at_once_and_nothing_is_written(store: Store, tmp_path: Path) -> None:
    import_spreadsheet(store, write_csv_set(tmp_path / "good"))
    before = store.graph_quads(GRAPH)
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, write_csv_set(tmp_path / "bad", _bad_tables()))
    found = {(p.source, p.row, p.column): p.message("en") for p in info.value.problems if p.severity == "error"}
    for source, row, column, text in EXPECTED:
        assert text in found.get((source, row, column), ""), (source, row, column, found)
    assert store.graph_quads(GRAPH) == before


@pytest.mark.parametrize(("source", "row", "column", "text"), EXPECTED)
def test_each_bad_input_alone(store: Store, tmp_path: Path, source: str, row: int, column: str, text: str) -> None:
    bad = _bad_tables()
    good = {k: [list(r) for r in v] for k, v in SMALL.items()}
    table = source.removesuffix(".csv")
    tables = {**good, table: bad[table]}
    if table == "mitgliedschaften":
        tables[table] = bad[table]
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, write_csv_set(tmp_path / "bad", tables))
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert [(p.source, p.row, p.column) for p in errors] == [(source, row, column)]
    assert text in errors[0].message("en")
    assert GRAPH not in store.named_graphs()


def test_german_messages(tmp_path: Path, store: Store) -> None:
    tables = {**SMALL, "mitgliedschaften": [*SMALL["mitgliedschaften"], ["stadt", "ag-sprach", "", "", ""]]}
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, write_csv_set(tmp_path / "bad", tables))
    (problem,) = info.value.problems
    # the table as the user's file names it (arbeitsgruppen.csv), not the canonical working_groups
    assert problem.message("de") == (
        "unbekannter Verweis ag-sprach (keine solche ID in Tabelle arbeitsgruppen); meinten Sie ag-sprache?"
    )


def test_missing_concept_table(store: Store, tmp_path: Path) -> None:
    tables = {k: v for k, v in SMALL.items() if k != "konzept"}
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, write_csv_set(tmp_path / "noconcept", tables))
    assert [p.code for p in info.value.problems] == ["missing_sheet"]


def test_input_above_the_size_cap_is_refused(store: Store, small_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKG_MAX_INPUT_MB", "0.001")
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, small_csv)
    assert [p.code for p in info.value.problems] == ["too_large"]


def test_unknown_choice_lists_the_allowed_values(store: Store, tmp_path: Path) -> None:
    tables = {**SMALL, "akteure": [*SMALL["akteure"], ["x", "X", "raumschiff", "", "", ""]]}
    result = import_spreadsheet(store, write_csv_set(tmp_path / "odd", tables))
    (problem,) = result.warnings  # far from every actor type: "other", kept as written
    assert (problem.row, problem.column, problem.severity) == (7, "type", "warning")
    assert "raumschiff" in problem.message() and "migrant_organisation" in problem.message()


def test_control_characters_and_bidi_overrides_are_refused(store: Store, tmp_path: Path) -> None:
    tables = {**SMALL, "akteure": [*SMALL["akteure"], ["x", "Verein\u202eevil", "verein", "", "", ""]]}
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, write_csv_set(tmp_path / "bad", tables, encodings=dict.fromkeys(SMALL, "utf-8")))
    (problem,) = info.value.problems
    assert (problem.code, problem.row, problem.column) == ("bad_text", 7, "name")


def test_provenance_on_every_resource(store: Store, small_csv: Path) -> None:
    import_spreadsheet(store, small_csv)
    _, rows = store.select(
        """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX ikg: <https://w3id.org/ikg/ns#>
        PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?s WHERE { VALUES ?c { ikg:Actor ikg:WorkingGroup ikg:Goal org:Membership ikg:Cooperation
          ikg:Indicator ikg:Event ikg:ActionField ikg:CrossCuttingTask ikg:IntegrationConcept }
          ?s a ?c FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } }"""
    )
    assert rows == []
    _, rows = store.select(
        """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE { <https://w3id.org/ikg/id/kleinstadt-2020/actor/verein> prov:wasDerivedFrom/rdfs:label ?label }"""
    )
    assert rows == [(Literal("kleinstadt-2020: actors, row 4"),)]


def test_concept_description_in_both_languages(store, tmp_path) -> None:
    """The concept's description column becomes dcterms:description in German and English."""
    import copy

    from ikg.graph.ingest.importer import import_spreadsheet

    from .conftest import SMALL, write_csv_set

    tables = copy.deepcopy(SMALL)
    tables["konzept"][0] += ["beschreibung", "beschreibung_en"]
    tables["konzept"][1] += ["Fiktives Beispiel", "Fictional example"]
    import_spreadsheet(store, write_csv_set(tmp_path / "d", tables))
    _, rows = store.select(
        "SELECT ?d WHERE { GRAPH ?g { ?c a <https://w3id.org/ikg/ns#IntegrationConcept> ; "
        "<http://purl.org/dc/terms/description> ?d } } ORDER BY ?d"
    )
    assert [(str(r[0]), r[0].language) for r in rows] == [("Fictional example", "en"), ("Fiktives Beispiel", "de")]


# --- the quick paths (issue 18): the same graph, the same cells, the ontology written once -------


@pytest.mark.parametrize("ids", [("ag-1",), ("schule a", "ag/1"), ("Übergang",), ("a.b~c_d",), ("x?y#z", "%")])
def test_the_builder_mints_what_namespaces_mint(ids: tuple[str, ...]) -> None:
    from ikg.graph.ingest.emit import Builder
    from ikg.graph.ingest.mapping import Mapped
    from ikg.graph.namespaces import source_iri

    b = Builder(Mapped("kreis ä/1"), "kreis ä/1")
    assert b.mint("membership", *ids).value == str(mint("kreis ä/1", "membership", *ids))
    assert b.graph.value == str(concept_graph("kreis ä/1"))
    assert b.concept.value == str(mint("kreis ä/1", "x")).rsplit("/", 1)[0]
    assert str(source_iri("kreis ä/1", "t")).startswith(b.prefix + "source/")


def test_calamine_and_openpyxl_read_the_same_cells(tmp_path: Path) -> None:
    from ikg.graph.ingest.workbook import _read_calamine, _read_openpyxl, read_workbook

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "akteure"
    ws["C1"], ws["D1"], ws["E1"], ws["F1"] = "id", "name", "typ", "ort"  # the table starts in column C
    ws["C2"], ws["D2"], ws["E2"], ws["F2"] = "a1", " Name ", 2024, dt.datetime(2015, 6, 30)
    ws["C4"], ws["D4"], ws["F4"] = 26.5, True, dt.datetime(2015, 6, 30, 12, 30)
    konzept = wb.create_sheet("konzept")
    konzept.append(["id", "titel", "datum"])
    konzept.append(["k1", "T", dt.date(2015, 6, 30)])
    wb.create_sheet("Notizen").append(["x"])
    path = tmp_path / "zellen.xlsx"
    wb.save(path)
    seen = [_read_openpyxl(path, []), _read_calamine(path, []), read_workbook(path, [])]
    cells = [{k: (t.rows, t.headers, t.columns) for k, t in tables.items()} for tables in seen]
    assert cells[0] == cells[1] == cells[2]
    assert cells[0]["actors"][0][0] == (2, {"id": "a1", "name": "Name", "type": 2024, "town": dt.datetime(2015, 6, 30)})


def test_a_workbook_with_a_formula_or_an_error_cell_is_read_by_openpyxl(tmp_path: Path) -> None:
    import zipfile

    from ikg.graph.ingest.workbook import _check_zip

    for name, cell in (("formel", "=1+2"), ("fehler", "#N/A")):
        wb = openpyxl.Workbook()
        wb.active.append(["id"])
        wb.active.append([cell])
        path = tmp_path / f"{name}.xlsx"
        wb.save(path)
        with zipfile.ZipFile(path) as z:
            part = z.read("xl/worksheets/sheet1.xml")
        assert b"<f>" in part or b't="e"' in part
        assert _check_zip(path, []) is True  # calamine would give the cached value, or nothing
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["id", "filter"])
    wb.save(plain)
    assert _check_zip(plain, []) is False


def test_opening_a_ready_store_writes_no_ontology_and_repairs_a_changed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyoxigraph as ox

    from ikg.graph.ingest.importer import ensure_ready
    from ikg.graph.namespaces import ONTOLOGY_GRAPH

    store = Store()
    ensure_ready(store, seed=False)
    full = store.graph_quads(str(ONTOLOGY_GRAPH))
    written: list[str] = []
    real = store.replace_graph
    monkeypatch.setattr(store, "replace_graph", lambda g, q: written.append(g) or real(g, q))
    ensure_ready(store, seed=False)
    assert written == []
    store._ox.remove(next(iter(full)))
    store._ox.add(
        ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:y"), ox.Literal("z"), ox.NamedNode(str(ONTOLOGY_GRAPH)))
    )
    ensure_ready(store, seed=False)
    assert written == [str(ONTOLOGY_GRAPH)] and store.graph_quads(str(ONTOLOGY_GRAPH)) == full
