"""A concept exported as the spreadsheet an import reads: unchanged it imports as +0 −0, edited as the edit.

The shipped concepts go out as a workbook and as CSV files, German and English, and come back in
without one triple changed; one name edited comes back as one triple removed and one added. The
cells hold what a German (or English) coordinator expects: ``29,4``, ``31.12.2023``,
``Koordination``, real dates in the workbook, German CSV that Python's ``csv`` reads and writes
back byte for byte.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from ikg.graph.errors import NotFoundError
from ikg.graph.ingest.importer import import_spreadsheet, open_store
from ikg.graph.namespaces import AT, EK, IKG, concept_graph, concept_iri, mint
from ikg.graph.sheets.csvfiles import write_folder
from ikg.graph.sheets.export import export_csv, export_xlsx
from ikg.graph.sheets.read import read_concept, tables_from_triples
from ikg.graph.sheets.values import Choice, csv_cell
from ikg.graph.store.base import StoreLike
from ikg.graph.store.embedded import Store
from tests.conftest import SMALL, write_csv_set

CONCEPTS = ("mettmann-2015", "beispielkreis-2024")
SMALL_ID = "kleinstadt-2020"


@pytest.fixture(scope="module")
def seeded() -> Iterator[StoreLike]:
    """A store with the shipped concepts; the tests here import only what changes nothing."""
    store = open_store(":memory:")
    yield store
    store.close()


def _export(store: StoreLike, concept: str, fmt: str, lang: str, where: Path) -> Path:
    if fmt == "xlsx":
        path = where / f"{concept}-{lang}.xlsx"
        path.write_bytes(export_xlsx(store, concept, lang))  # type: ignore[arg-type]
        return path
    return write_folder(export_csv(store, concept, lang), where / f"{concept}-{lang}")  # type: ignore[arg-type]


def _csv_rows(folder: Path, name: str, delimiter: str = ";") -> list[list[str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def _row(rows: list[list[str]], **match: str) -> dict[str, str]:
    header = rows[0]
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        if all(cells[k] == v for k, v in match.items()):
            return cells
    raise AssertionError(f"no row with {match}")


def _labels(store: StoreLike, subject: URIRef, prop: URIRef = SKOS.prefLabel) -> set[str]:
    _, rows = store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"s": subject, "p": prop})
    return {str(r[0]) for r in rows}


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("concept", CONCEPTS)
def test_an_export_imported_again_changes_nothing(
    seeded: StoreLike, tmp_path: Path, concept: str, fmt: str, lang: str
) -> None:
    before = len(seeded.graph_quads(str(concept_graph(concept))))
    result = import_spreadsheet(seeded, _export(seeded, concept, fmt, lang, tmp_path))
    assert result.concept_id == concept
    assert (result.change.added, result.change.removed) == (0, 0)
    assert result.warnings == []
    assert result.triples == before


def test_an_edited_name_imports_as_exactly_that_change(tmp_path: Path) -> None:
    store = open_store(":memory:")
    path = _export(store, "beispielkreis-2024", "xlsx", "de", tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["akteure"]
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "jobcenter"]
    old = row[1].value
    row[1].value = "Jobcenter Beispielkreis (neu)"
    workbook.save(path)
    result = import_spreadsheet(store, path)
    assert (result.change.added, result.change.removed) == (1, 1)
    actor = mint("beispielkreis-2024", "actor", "jobcenter")
    assert _labels(store, actor) == {"Jobcenter Beispielkreis (neu)"}
    assert old and old != "Jobcenter Beispielkreis (neu)"


def test_an_edited_german_csv_cell_imports_as_exactly_that_change(tmp_path: Path) -> None:
    store = open_store(":memory:")
    folder = _export(store, "beispielkreis-2024", "csv", "de", tmp_path)
    rows = _csv_rows(folder, "indikatoren.csv")
    value = rows[0].index("wert")
    for row in rows[1:]:
        if row[0] == "anteil-einwanderungsgeschichte":
            assert row[value] == "29,4"
            row[value] = "30,1"
    with (folder / "indikatoren.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)
    result = import_spreadsheet(store, folder)
    assert (result.change.added, result.change.removed) == (1, 1)
    indicator = mint("beispielkreis-2024", "indicator", "anteil-einwanderungsgeschichte")
    assert _labels(store, indicator, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")) == {"30.1"}


def test_german_csv_round_trips_through_pythons_csv_exactly(seeded: StoreLike, tmp_path: Path) -> None:
    folder = _export(seeded, "beispielkreis-2024", "csv", "de", tmp_path)
    tables = sorted(p.name for p in folder.glob("*.csv"))
    assert "akteure.csv" in tables and "mitgliedschaften.csv" in tables and len(tables) == 10
    for name in tables:
        data = (folder / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = _csv_rows(folder, name)
        again = io.StringIO(newline="")
        csv.writer(again, delimiter=";", lineterminator="\r\n").writerows(rows)
        assert again.getvalue().encode("utf-8-sig") == data, name
    concept = _csv_rows(folder, "konzept.csv")
    assert concept[0] == [
        "id",
        "titel",
        "titel_en",
        "beschreibung",
        "beschreibung_en",
        "datum",
        "herausgeber",
        "fortschreibung_von",
        "pflicht_akteurstypen",
        "quelle",
    ]
    assert _row(concept, id="beispielkreis-2024")["datum"] == "14.03.2024"
    assert _row(concept, id="beispielkreis-2024")["pflicht_akteurstypen"] == "Migrantenorganisation"
    indicator = _row(_csv_rows(folder, "indikatoren.csv"), id="anteil-einwanderungsgeschichte")
    assert (indicator["wert"], indicator["datum"], indicator["einheit"]) == ("29,4", "31.12.2023", "%")
    member = _row(_csv_rows(folder, "mitgliedschaften.csv"), akteur="ki-beispielkreis", arbeitsgruppe="ag-sprache")
    assert (member["rolle"], member["seit"], member["bis"]) == ("Koordination", "09.2022", "")
    plain = _row(_csv_rows(folder, "mitgliedschaften.csv"), akteur="auslaenderbehoerde", arbeitsgruppe="ag-arbeit")
    assert plain["rolle"] == "Mitglied"  # the cell was empty: the import made it a member
    assert "Migrantenorganisation" in (folder / "LIESMICH.txt").read_text(encoding="utf-8-sig")


def test_english_csv_has_commas_codes_and_iso_dates(seeded: StoreLike, tmp_path: Path) -> None:
    folder = _export(seeded, "beispielkreis-2024", "csv", "en", tmp_path)
    indicator = _row(_csv_rows(folder, "indicators.csv", ","), id="anteil-einwanderungsgeschichte")
    assert (indicator["value"], indicator["date"]) == ("29.4", "2023-12-31")
    member = _row(_csv_rows(folder, "memberships.csv", ","), actor="ki-beispielkreis", working_group="ag-sprache")
    assert (member["role"], member["since"]) == ("coordination", "2022-09")
    actor = _row(_csv_rows(folder, "actors.csv", ","), id="jobcenter")
    assert actor["type"] == "job_centre"
    assert (folder / "README.txt").is_file()


def test_the_workbook_holds_real_dates_numbers_and_the_earlier_version(seeded: StoreLike, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(_export(seeded, "mettmann-2015", "xlsx", "de", tmp_path))
    assert workbook.sheetnames[0] == "Anleitung" and workbook["Listen"].sheet_state == "hidden"
    concept = [[c.value for c in row] for row in workbook["konzept"].iter_rows(min_row=2)]
    assert [row[0] for row in concept] == ["mettmann-2015", "rahmenkonzept-2007"]  # the concept, then what it revises
    assert concept[0][5] == 2015 and concept[0][7] == "rahmenkonzept-2007"
    indicators = {row[0].value: row for row in workbook["indikatoren"].iter_rows(min_row=2)}
    assert indicators["anteil-zuwanderungsgeschichte"][2].value == 26
    events = {row[0].value: row for row in workbook["ereignisse"].iter_rows(min_row=2)}
    assert events["beschluss-ki-2012"][3].value == "Beschluss"
    german = openpyxl.load_workbook(_export(seeded, "beispielkreis-2024", "xlsx", "de", tmp_path))
    indicator = {row[0].value: row for row in german["indikatoren"].iter_rows(min_row=2)}["anteil-kinder-kitas"]
    assert (indicator[2].value, indicator[2].number_format) == (38.5, "#,##0.0")
    assert indicator[5].value == dt.datetime(2024, 3, 1) and indicator[5].number_format == "DD.MM.YYYY"


def _small(tmp_path: Path, edit: dict[tuple[str, int, str], str] | None = None) -> Path:
    tables = copy.deepcopy(SMALL)
    for (table, row, column), value in (edit or {}).items():
        tables[table][row][tables[table][0].index(column)] = value
    return write_csv_set(tmp_path / "klein", tables)


def test_choices_as_written_and_a_publishers_name_go_out_as_they_came_in(tmp_path: Path, store: Store) -> None:
    edits = {
        ("ereignisse", 1, "art"): "Fachtag",
        ("mitgliedschaften", 2, "rolle"): "Schriftführung",
        ("akteure", 3, "typ"): "Bürgerstiftung",
        ("konzept", 1, "herausgeber"): "Kreis Mettmann, Der Landrat",
    }
    first = import_spreadsheet(store, _small(tmp_path, edits))
    assert sorted(w.code for w in first.warnings) == ["other_choice"] * 3
    names = {
        "de": {"events": "ereignisse", "kind": "art", "memberships": "mitgliedschaften", "actor": "akteur"},
        "en": {"events": "events", "kind": "kind", "memberships": "memberships", "actor": "actor"},
    }
    names["de"].update(actors="akteure", type="typ", concept="konzept", publisher="herausgeber", role="rolle")
    names["en"].update(actors="actors", type="type", concept="concept", publisher="publisher", role="role")
    for lang, n in names.items():
        folder = write_folder(export_csv(store, SMALL_ID, lang), tmp_path / f"out-{lang}")  # type: ignore[arg-type]
        delimiter = ";" if lang == "de" else ","
        assert _row(_csv_rows(folder, f"{n['events']}.csv", delimiter), id="frist")[n["kind"]] == "Fachtag"
        role = _row(_csv_rows(folder, f"{n['memberships']}.csv", delimiter), **{n["actor"]: "verein"})
        assert role[n["role"]] == "Schriftführung"
        assert _row(_csv_rows(folder, f"{n['actors']}.csv", delimiter), id="verein")[n["type"]] == "Bürgerstiftung"
        concept = _row(_csv_rows(folder, f"{n['concept']}.csv", delimiter), id=SMALL_ID)
        assert concept[n["publisher"]] == "Kreis Mettmann, Der Landrat"
        again = import_spreadsheet(store, folder)
        assert (again.change.added, again.change.removed) == (0, 0)


def test_as_written_and_publisher_name_from_triples_alone() -> None:
    """The reading side on its own: triples as the importer writes them become the cells."""
    cid = "k"
    concept, event, actor = concept_iri(cid), mint(cid, "event", "e1"), mint(cid, "actor", "a1")
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    ident = URIRef("http://purl.org/dc/terms/identifier")
    triples = [
        (concept, rdf_type, IKG.IntegrationConcept),
        (concept, ident, Literal(cid)),
        (concept, IKG.publisherName, Literal("Kreis Mettmann")),
        (event, rdf_type, IKG.Event),
        (event, ident, Literal("e1")),
        (event, IKG.eventKind, EK.other),
        (event, IKG.asWritten, Literal("Fachtag")),
        (actor, rdf_type, IKG.Actor),
        (actor, ident, Literal("a1")),
        (actor, URIRef("http://www.w3.org/ns/org#classification"), AT.other),
    ]
    tables = tables_from_triples(triples, cid, str(concept))
    assert tables["concept"][0]["publisher"] == "Kreis Mettmann"
    assert tables["events"][0]["kind"] == Choice(str(EK.other), "Fachtag")
    assert csv_cell(tables["events"][0]["kind"], "de") == "Fachtag"
    assert csv_cell(tables["actors"][0]["type"], "de") == "Sonstige"
    assert csv_cell(tables["actors"][0]["type"], "en") == "other"


def test_rows_keep_their_places_and_default_sources_stay_empty(tmp_path: Path, store: Store) -> None:
    import_spreadsheet(store, _small(tmp_path))
    tables = read_concept(store, SMALL_ID)
    assert [r["id"] for r in tables["actors"]] == ["stadt", "ki", "verein", "schule", "mo"]
    assert all(r["source"] is None for r in tables["actors"])
    assert tables["concept"][0]["source"] == "Beschluss Rat, S. 1"
    assert [(r["actor"], r["working_group"]) for r in tables["memberships"]][:2] == [
        ("ki", "ag-sprache"),
        ("verein", "ag-sprache"),
    ]


def test_a_row_after_a_blank_line_keeps_its_source_written_out(tmp_path: Path, store: Store) -> None:
    tables = copy.deepcopy(SMALL)
    tables["akteure"].insert(3, [""] * 6)  # a blank line: verein is row 5 of the file, row 4 of the export
    import_spreadsheet(store, write_csv_set(tmp_path / "luecke", tables))
    exported = read_concept(store, SMALL_ID)["actors"]
    assert [r["id"] for r in exported] == ["stadt", "ki", "verein", "schule", "mo"]
    assert [r["source"] for r in exported][:3] == [None, None, f"{SMALL_ID}: actors, row 5"]
    again = import_spreadsheet(store, _export(store, SMALL_ID, "csv", "de", tmp_path))
    assert (again.change.added, again.change.removed) == (0, 0)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, store: Store) -> None:
    import_spreadsheet(store, _small(tmp_path, {("akteure", 3, "name"): "=HYPERLINK(1)"}))
    book = _export(store, SMALL_ID, "xlsx", "de", tmp_path)
    cell = next(r for r in openpyxl.load_workbook(book)["akteure"].iter_rows(min_row=2) if r[0].value == "verein")[1]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")
    assert b"<f>" not in _sheet_xml(book, "akteure")
    folder = _export(store, SMALL_ID, "csv", "de", tmp_path)
    assert _row(_csv_rows(folder, "akteure.csv"), id="verein")["name"] == "'=HYPERLINK(1)"
    for exported in (book, folder):
        again = import_spreadsheet(store, exported)
        assert (again.change.added, again.change.removed) == (0, 0)
    actor = mint(SMALL_ID, "actor", "verein")
    assert _labels(store, actor) == {"=HYPERLINK(1)"}


def _sheet_xml(book: Path, title: str) -> bytes:
    import zipfile

    workbook = openpyxl.load_workbook(book, read_only=True)
    index = workbook.sheetnames.index(title) + 1
    workbook.close()
    with zipfile.ZipFile(book) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml")


def test_an_unknown_concept_is_not_found_and_names_those_there_are(seeded: StoreLike) -> None:
    with pytest.raises(NotFoundError) as caught:
        export_xlsx(seeded, "nirgendwo-2030", "de")
    assert "mettmann-2015" in caught.value.render("de")


def test_cli_exports_a_workbook_and_a_csv_folder(run_ikg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "mettmann.xlsx"
    done = run_ikg("--lang", "de", "export", "--format", "xlsx", "--concept", "mettmann-2015", "--out", str(book))
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(book)["konzept"]["A2"].value == "mettmann-2015"
    folder = tmp_path / "bk"
    done = run_ikg("export", "--format", "csv", "--lang", "de", "--concept", "beispielkreis-2024", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    assert "wrote 11 files" in done.stderr
    again = run_ikg("import", str(folder))
    assert again.returncode == 0 and "(+0 -0)" in again.stdout, again.stdout + again.stderr
    several = run_ikg("export", "--format", "xlsx")
    assert several.returncode == 1 and "--concept" in several.stderr and "beispielkreis-2024" in several.stderr


def test_a_remote_store_exports_the_same_tables(tmp_path: Path, seeded: StoreLike) -> None:
    """Read through the SPARQL protocol (a real Oxigraph server), the tables are the same."""
    from tests.servers import start_oxigraph

    server = start_oxigraph(tmp_path / "oxigraph", timeout_s=30)
    try:
        remote = open_store(server.query_url)
        assert read_concept(remote, "beispielkreis-2024") == read_concept(seeded, "beispielkreis-2024")
        result = import_spreadsheet(remote, _export(remote, "mettmann-2015", "xlsx", "de", tmp_path))
        assert (result.change.added, result.change.removed) == (0, 0)
        remote.close()
    finally:
        server.stop()
