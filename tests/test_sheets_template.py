"""The template: a workbook (or CSV folder) a coordinator fills in and imports, in German or English.

It opens with openpyxl; the instructions come first; the choice columns offer the vocabulary in
the user's language from a hidden lists sheet, references offer the ids of their sheet; required
columns are bold with a comment; dates and numbers are real cells. Its examples import cleanly,
and so does the template with rows added the way a user adds them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import pty
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ikg.graph.i18n import Lang
from ikg.graph.ingest.importer import import_spreadsheet
from ikg.graph.namespaces import mint
from ikg.graph.resources import vocabulary
from ikg.graph.sheets.csvfiles import write_folder
from ikg.graph.sheets.read import read_concept
from ikg.graph.sheets.template import example_tables, template_csv, template_xlsx
from ikg.graph.sheets.values import GOAL_LEVEL_WORDS, choice_values
from ikg.graph.store.embedded import Store
from ikg.graph.vocab import GOAL_LEVELS

TABLES_DE = [
    "konzept",
    "akteure",
    "arbeitsgruppen",
    "mitgliedschaften",
    "ziele",
    "handlungsfelder",
    "querschnittsaufgaben",
    "kooperationen",
    "indikatoren",
    "ereignisse",
]


def _book(lang: Lang, tmp_path: Path) -> tuple[Path, openpyxl.Workbook]:
    path = tmp_path / f"vorlage-{lang}.xlsx"
    path.write_bytes(template_xlsx(lang))
    return path, openpyxl.load_workbook(path)


def _validation(ws: Worksheet, cell: str) -> DataValidation:
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, (ws.title, cell, found)
    return found[0]


def _list_values(book: openpyxl.Workbook, formula: str) -> list[str]:
    """The values a list validation's range (``'Listen'!$A$2:$A$19``) holds."""
    sheet, _, area = formula.rpartition("!")
    ws = book[sheet.strip("'")]
    return [row[0].value for row in ws[area.replace("$", "")]]


def test_the_sheets_are_the_instructions_the_tables_and_the_hidden_lists(tmp_path: Path) -> None:
    _, book = _book("de", tmp_path)
    assert book.sheetnames == ["Anleitung", *TABLES_DE, "Listen"]
    assert book["Listen"].sheet_state == "hidden"
    assert [c.value for c in book["akteure"][1]] == ["id", "name", "typ", "ort", "uebergeordnet", "quelle"]
    _, english = _book("en", tmp_path)
    assert english.sheetnames[0] == "Instructions" and english.sheetnames[-1] == "Lists"
    assert [c.value for c in english["actors"][1]] == ["id", "name", "type", "town", "parent", "source"]


def test_choice_columns_offer_the_vocabulary_in_german(tmp_path: Path) -> None:
    _, book = _book("de", tmp_path)
    types = _list_values(book, _validation(book["akteure"], "C2").formula1)
    assert "Migrantenorganisation" in types and "Verwaltung" in types and "Jobcenter / Agentur für Arbeit" in types
    assert types[-1] == "Sonstige" and "migrant_organisation" not in types and len(types) == 18
    roles = _list_values(book, _validation(book["mitgliedschaften"], "C2").formula1)
    assert roles == ["Gast", "Koordination", "Leitung", "Mitglied", "Sonstige"]
    kinds = _list_values(book, _validation(book["ereignisse"], "D2").formula1)
    assert "Sitzung" in kinds and "Beschluss" in kinds and kinds[-1] == "Sonstiges"
    levels = _validation(book["ziele"], "J2")
    assert _list_values(book, levels.formula1) == ["Handlungsfeld", "Konzept"]
    assert levels.showErrorMessage and levels.errorStyle == "stop"
    other = _validation(book["akteure"], "C2")  # another type is kept as written: a warning, not a block
    assert other.showErrorMessage and other.errorStyle == "warning" and "Sonstige" in other.error


def test_english_lists_hold_the_codes(tmp_path: Path) -> None:
    _, book = _book("en", tmp_path)
    types = _list_values(book, _validation(book["actors"], "C2").formula1)
    assert "migrant_organisation" in types and types[-1] == "other" and "Migrantenorganisation" not in types


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_listed_value_is_one_the_import_reads_as_itself(lang: Lang) -> None:
    from ikg.graph.ingest.schema import normalise_name

    for target in ("actor_type", "role", "event_kind"):
        spellings = vocabulary(target)
        values = choice_values(target, lang)
        assert len({spellings[normalise_name(v)] for v in values}) == len(values)
    assert [GOAL_LEVELS[normalise_name(w[lang])] for w in GOAL_LEVEL_WORDS.values()] == ["action_field", "concept"]


def test_references_offer_the_ids_of_their_sheet_and_lists_of_ids_only_suggest(tmp_path: Path) -> None:
    _, book = _book("de", tmp_path)
    actor = _validation(book["mitgliedschaften"], "A2")
    assert actor.type == "list" and actor.formula1 == "'akteure'!$A$2:$A$5000"
    assert actor.showErrorMessage and actor.errorStyle == "stop"
    assert "A5000" in str(actor.sqref)
    pursued = _validation(book["ziele"], "G2")
    assert pursued.formula1 == "'akteure'!$A$2:$A$5000" and not pursued.showErrorMessage
    assert "|" in pursued.prompt
    publisher = _validation(book["konzept"], "G2")  # an actor's id or a name
    assert publisher.errorStyle == "warning" and "Name" in publisher.prompt
    ids = _validation(book["akteure"], "A2")
    assert ids.type == "custom" and ids.formula1.startswith("COUNTIF($A$2:$A$5000,A2)")


def test_required_columns_are_bold_with_a_comment_and_the_header_row_is_frozen(tmp_path: Path) -> None:
    _, book = _book("de", tmp_path)
    ws = book["akteure"]
    bold = [c.value for c in ws[1] if c.font.bold]
    assert bold == ["id", "name", "typ"]
    assert "Pflichtspalte" in ws["C1"].comment.text and ws["D1"].comment is None
    assert ws.freeze_panes == "A2"
    assert all(ws.column_dimensions[letter].width >= 10 for letter in "ABCDEF")
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width  # names are longer than ids


def test_dates_and_numbers_are_real_cells_in_german_forms(tmp_path: Path) -> None:
    _, book = _book("de", tmp_path)
    issued = book["konzept"]["F2"]
    assert issued.value == dt.datetime(2025, 6, 30) and issued.number_format == "DD.MM.YYYY"
    assert book["konzept"]["F3"].value == 2018  # a year alone
    assert book["mitgliedschaften"]["D3"].value == "06.2024"  # a month alone
    value = book["indikatoren"]["C2"]
    assert value.value == 26.5 and value.number_format == "#,##0.0"
    _, english = _book("en", tmp_path)
    assert english["concept"]["F2"].number_format == "YYYY-MM-DD"
    assert english["memberships"]["D3"].value == "2024-06"


def test_the_instructions_say_what_each_table_is_and_how_cells_are_written(tmp_path: Path) -> None:
    _, book = _book("de", tmp_path)
    text = "\n".join(str(c.value) for c in book["Anleitung"]["A"] if c.value)
    assert "akteure: Die Akteure" in text and "Pflichtspalten: id, name, typ." in text
    assert "senkrechten Strich |" in text and "06.2015" in text and "26,5" in text
    assert "Sonstige" in text and "ikg import vorlage.xlsx" in text
    assert book["Anleitung"]["A1"].font.bold


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_template_imports_cleanly(tmp_path: Path, store: Store, lang: Lang) -> None:
    path, _ = _book(lang, tmp_path)
    result = import_spreadsheet(store, path)
    assert result.concept_id == "musterstadt-2025" and result.warnings == []
    assert result.counts["actors"] == 3 and result.counts["concept"] == 2 and result.counts["memberships"] == 2


def test_the_template_comes_back_as_its_examples(tmp_path: Path, store: Store) -> None:
    path, _ = _book("de", tmp_path)
    import_spreadsheet(store, path)
    exported = read_concept(store, "musterstadt-2025")
    for table, rows in example_tables().items():
        expected = [{**row, "source": row.get("source")} for row in rows]
        for row in expected:
            if table == "goals" and row["level"].value == "action_field":
                del row["level"]  # the default level makes no triple: it comes back empty
        assert exported[table] == expected, table


def test_a_template_filled_in_imports(tmp_path: Path, store: Store) -> None:
    path, book = _book("de", tmp_path)
    book["akteure"].append(["schule-nord", "Grundschule Nord", "Schule", "Musterstadt-Nord", None, None])
    book["mitgliedschaften"].append(["schule-nord", "ag-arbeit", "Gast", dt.date(2025, 1, 15), None, None])
    book["ziele"].append(["z-uebergang", "Übergang Schule – Beruf", None, "arbeit", None, "ag-arbeit", "schule-nord"])
    book["ereignisse"].append(["ag-sitzung", "Sitzung der AG Arbeit", "2025", "Fachtag", "schule-nord|ki-musterstadt"])
    book.save(path)
    result = import_spreadsheet(store, path)
    assert result.counts["actors"] == 4 and result.counts["goals"] == 3
    assert [w.code for w in result.warnings] == ["other_choice"]  # "Fachtag" is no event kind of the list
    _, rows = store.select(
        "SELECT ?name WHERE { GRAPH ?g { ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } }",
        {"a": mint("musterstadt-2025", "actor", "schule-nord")},
    )
    assert [str(r[0]) for r in rows] == ["Grundschule Nord"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_csv_template_is_for_excel_and_imports_cleanly(tmp_path: Path, store: Store, lang: Lang) -> None:
    files = template_csv(lang)
    readme = "LIESMICH.txt" if lang == "de" else "README.txt"
    assert len(files) == 11 and readme in files
    folder = write_folder(files, tmp_path / lang)
    table = "indikatoren.csv" if lang == "de" else "indicators.csv"
    data = (folder / table).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";" if lang == "de" else ","))
    assert rows[1][2:6] == (
        ["26,5", "%", "Musterstadt", "31.12.2024"] if lang == "de" else ["26.5", "%", "Musterstadt", "2024-12-31"]
    )
    text = (folder / readme).read_text(encoding="utf-8-sig")
    assert ("Migrantenorganisation" if lang == "de" else "migrant_organisation") in text
    result = import_spreadsheet(store, folder)
    assert result.concept_id == "musterstadt-2025" and result.warnings == []


def test_cli_writes_the_template(run_ikg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = run_ikg("template", "--lang", "de", "--out", str(tmp_path / "vorlage.xlsx"))
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(tmp_path / "vorlage.xlsx").sheetnames[0] == "Anleitung"
    done = run_ikg("template", "--format", "csv", "--lang", "en", "--out", str(tmp_path / "blank"))
    assert done.returncode == 0 and (tmp_path / "blank" / "actors.csv").is_file(), done.stderr
    piped = subprocess.run([*_ikg(), "template"], capture_output=True, env=_env(tmp_path), timeout=120)
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK")  # a pipe takes the workbook's bytes
    no_folder = run_ikg("template", "--format", "csv")
    assert no_folder.returncode == 1 and "--out" in no_folder.stderr


def _ikg() -> list[str]:
    import sys

    return [str(Path(sys.executable).with_name("ikg"))]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "IKG_STORE": str(tmp_path / "store"), "IKG_LANG": "de"}


def test_a_workbook_is_not_written_to_a_terminal(tmp_path: Path) -> None:
    main, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [*_ikg(), "template"], stdout=terminal, stderr=subprocess.PIPE, env=_env(tmp_path), timeout=120
        )
    finally:
        os.close(terminal)
        os.close(main)
    assert done.returncode == 1
    message = done.stderr.decode()
    assert "--out vorlage.xlsx" in message and "Terminal" in message
