"""Forgiving where a human meaning is clear, strict where it is not (issue 14).

Each case changes one cell of the small German-Excel concept (``conftest.SMALL``) and checks
what the importer makes of it: a publisher's name is kept as a name, a value outside a list is
"other" and a warning, a near miss is an error that names the closest id or value, a date that
does not exist is told from one written in an unknown form; each message names the column as
the user's file spells it, in German and in English.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from rdflib import URIRef

from ikg.graph.errors import InputError
from ikg.graph.ingest.importer import check_spreadsheet, import_spreadsheet
from ikg.graph.ingest.problems import Problem, render
from ikg.graph.namespaces import AT, EK, IKG, ROLE, concept_graph, concept_iri, mint
from ikg.graph.store.embedded import Store
from tests.conftest import SMALL, write_csv_set

CID = "kleinstadt-2020"


def _with(tmp_path: Path, table: str, row: int, column: str, value: str) -> Path:
    """The small concept with one cell changed (``row`` counts data rows from 1)."""
    tables = copy.deepcopy(SMALL)
    header = tables[table][0]
    tables[table][row][header.index(column)] = value
    return write_csv_set(tmp_path / "konzept", tables)


def _only(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [render(p) for p in problems]
    return found[0]


def _objects(store: Store, subject: URIRef, prop: URIRef) -> set[str]:
    _names, rows = store.select(
        "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
        {"g": URIRef(concept_graph(CID)), "s": subject, "p": prop},
    )
    return {str(r[0]) for r in rows}


def test_a_publisher_that_is_no_actor_is_kept_as_its_name(tmp_path: Path, store: Store) -> None:
    folder = _with(tmp_path, "konzept", 1, "herausgeber", "Kreis Mettmann, Der Landrat")
    result = import_spreadsheet(store, folder)
    assert result.warnings == []
    concept = concept_iri(CID)
    assert _objects(store, concept, IKG.publisherName) == {"Kreis Mettmann, Der Landrat"}
    assert _objects(store, concept, URIRef("http://purl.org/dc/terms/publisher")) == set()


def test_a_publisher_written_like_a_mistyped_id_is_an_error_with_the_id_meant(tmp_path: Path) -> None:
    mapped = check_spreadsheet(_with(tmp_path, "konzept", 1, "herausgeber", "stadtt"))
    problem = _only(mapped.problems, "unknown_reference_near")
    assert render(problem, "de") == (
        "konzept.csv, Zeile 2, Spalte herausgeber: unbekannter Verweis stadtt "
        "(keine solche ID in Tabelle akteure); meinten Sie stadt?"
    )


def test_a_misspelt_id_gets_the_closest_id_and_the_users_column_name(tmp_path: Path) -> None:
    mapped = check_spreadsheet(_with(tmp_path, "mitgliedschaften", 1, "arbeitsgruppe", "ag-sprach"))
    problem = _only(mapped.problems, "unknown_reference_near")
    assert render(problem, "de") == (
        "mitgliedschaften.csv, Zeile 2, Spalte arbeitsgruppe: unbekannter Verweis ag-sprach "
        "(keine solche ID in Tabelle arbeitsgruppen); meinten Sie ag-sprache?"
    )
    assert render(problem, "en").endswith("(no such id in table arbeitsgruppen); did you mean ag-sprache?")


def test_an_id_nothing_is_close_to_stays_a_plain_unknown_reference(tmp_path: Path) -> None:
    mapped = check_spreadsheet(_with(tmp_path, "mitgliedschaften", 1, "arbeitsgruppe", "ag-gesundheit"))
    problem = _only(mapped.problems, "unknown_reference")
    assert "meinten" not in render(problem, "de")


def test_an_event_kind_outside_the_list_is_other_kept_as_written_and_a_german_warning(
    tmp_path: Path, store: Store
) -> None:
    folder = _with(tmp_path, "ereignisse", 1, "art", "Fachtag")
    result = import_spreadsheet(store, folder)
    (warning,) = result.warnings
    assert warning.severity == "warning"
    german = render(warning, "de")
    assert german.startswith("Warnung: ereignisse.csv, Zeile 2, Spalte art: Fachtag steht nicht in der Liste")
    assert "Sitzung" in german and "Frist" in german and "meeting" not in german
    assert "meeting" in render(warning, "en")
    event = mint(CID, "event", "frist")
    assert _objects(store, event, IKG.eventKind) == {str(EK.other)}
    assert _objects(store, event, IKG.asWritten) == {"Fachtag"}


def test_a_role_outside_the_list_is_other_and_kept_as_written(tmp_path: Path, store: Store) -> None:
    result = import_spreadsheet(store, _with(tmp_path, "mitgliedschaften", 2, "rolle", "Schriftführung"))
    assert [w.code for w in result.warnings] == ["other_choice"]
    membership = mint(CID, "membership", "verein", "ag-sprache")
    assert _objects(store, membership, URIRef("http://www.w3.org/ns/org#role")) == {str(ROLE.other)}
    assert _objects(store, membership, IKG.asWritten) == {"Schriftführung"}


def test_an_actor_type_close_to_a_known_one_is_an_error_that_names_it_in_the_users_language(
    tmp_path: Path,
) -> None:
    mapped = check_spreadsheet(_with(tmp_path, "akteure", 3, "typ", "Sportverien"))
    problem = _only(mapped.problems, "bad_choice_near")
    assert problem.severity == "error"
    german = render(problem, "de")
    assert german.startswith("akteure.csv, Zeile 4, Spalte typ: unbekannter Wert Sportverien; meinten Sie Sportverein?")
    assert "Migrantenorganisation" in german and "sports_club" not in german
    assert "did you mean sports_club?" in render(problem, "en")


def test_an_actor_type_far_from_every_known_one_is_other(tmp_path: Path, store: Store) -> None:
    result = import_spreadsheet(store, _with(tmp_path, "akteure", 3, "typ", "Bürgerstiftung"))
    assert [w.code for w in result.warnings] == ["other_choice"]
    actor = mint(CID, "actor", "verein")
    assert _objects(store, actor, URIRef("http://www.w3.org/ns/org#classification")) == {str(AT.other)}
    assert _objects(store, actor, IKG.asWritten) == {"Bürgerstiftung"}


def test_a_goal_level_outside_its_two_values_stays_an_error(tmp_path: Path) -> None:
    mapped = check_spreadsheet(_with(tmp_path, "ziele", 4, "ebene", "Stadt"))
    assert _only(mapped.problems, "bad_choice").severity == "error"


@pytest.mark.parametrize(
    ("value", "code", "german"),
    [
        ("31.02.2025", "impossible_date", "das Datum 31.02.2025 gibt es nicht"),
        ("13.2014", "impossible_date", "das Datum 13.2014 gibt es nicht"),
        ("Februar 2014", "bad_date", "Datum Februar 2014 in unbekannter Schreibweise"),
    ],
)
def test_a_date_that_does_not_exist_is_told_from_an_unknown_form(
    tmp_path: Path, value: str, code: str, german: str
) -> None:
    mapped = check_spreadsheet(_with(tmp_path, "mitgliedschaften", 1, "seit", value))
    problem = _only(mapped.problems, code)
    assert render(problem, "de").startswith(f"mitgliedschaften.csv, Zeile 2, Spalte seit: {german}")


def test_nothing_is_written_when_a_near_miss_is_an_error(tmp_path: Path, store: Store) -> None:
    with pytest.raises(InputError) as caught:
        import_spreadsheet(store, _with(tmp_path, "akteure", 3, "typ", "Sportverien"))
    assert caught.value.render("de").endswith("1 Problem, nichts wurde importiert")
    assert not store.named_graphs() or all(CID not in str(g) for g in store.named_graphs())


def test_the_apostrophe_of_a_spreadsheet_safe_cell_is_taken_off(tmp_path: Path, store: Store) -> None:
    import_spreadsheet(store, _with(tmp_path, "akteure", 3, "name", "'=Verein (Ölmühle)"))
    actor = mint(CID, "actor", "verein")
    labels = _objects(store, actor, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
    assert labels == {"=Verein (Ölmühle)"}


def test_a_header_close_to_a_known_column_is_an_error_that_names_it(tmp_path: Path) -> None:
    tables = copy.deepcopy(SMALL)
    tables["akteure"][0][3] = "Otr"  # ort, mistyped: passing over it would lose every town
    problem = _only(check_spreadsheet(write_csv_set(tmp_path / "k", tables)).problems, "unknown_column_near")
    assert problem.severity == "error"
    assert render(problem, "de") == (
        "akteure.csv, Zeile 1: unbekannte Spalte Otr; meinten Sie ort? (Überschrift bitte korrigieren)"
    )


def test_a_column_far_from_every_known_one_is_passed_over_with_a_warning(tmp_path: Path) -> None:
    tables = copy.deepcopy(SMALL)
    tables["akteure"][0][3] = "Notiz"
    problem = _only(check_spreadsheet(write_csv_set(tmp_path / "k", tables)).problems, "unknown_column")
    assert problem.severity == "warning"


def test_a_file_close_to_a_known_table_is_an_error_and_notes_pass_without_a_word(tmp_path: Path) -> None:
    tables = copy.deepcopy(SMALL)
    tables["kooperation"] = tables.pop("kooperationen")
    tables["Anleitung"] = [["Was", "Wie"], ["id", "eindeutig"]]
    problems = check_spreadsheet(write_csv_set(tmp_path / "k", tables)).problems
    problem = _only(problems, "unknown_table_near")
    assert render(problem, "en") == (
        "kooperation.csv: unknown table kooperation; did you mean kooperationen? "
        "(please correct the file or sheet name)"
    )
    assert [p.code for p in problems] == ["unknown_table_near"]
