"""The workbench's query forms, SPARQL editor, import and report pages in headless Chromium.

axe-core runs the WCAG 2.0/2.1 A and AA rules on each new page type in German and English (0
violations asked), and a coordinator's two jobs are walked: run a named query with a working
group chosen from a select and download the XLSX (opened with openpyxl), and import a workbook:
one with an error (named in the table with its sheet, row and column), then the fixed one (the
preview), the import, and the change on the actor's page. No request leaves 127.0.0.1.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ikg.api.http.settings import Settings

from .browser import launch, require_chromium, watch
from .live import backend, live_api
from .test_web_browser import local_only, run_axe
from .test_web_workbench import TOKEN, workbooks

pytestmark = pytest.mark.browser

BK = "/concepts/beispielkreis-2024"
PAGES = {
    "query library": "/workbench/queries",
    "query form": "/workbench/queries/wg-members",
    "query results": "/workbench/queries/wg-members?run=1&wg_id=ag-sprache&concept=beispielkreis-2024&sort=actor",
    "query error": "/workbench/queries/wg-members?run=1&wg_id=ag-sprach",
    "sparql editor": "/workbench/sparql",
    "import token": "/workbench/import",
    "report page": f"{BK}/report",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    require_chromium()
    with backend(tmp_path_factory.mktemp("wbb"), timeout_s=30) as settings:
        settings.write_token = TOKEN
        with live_api(settings) as url:
            yield url, settings


@pytest.fixture(scope="module")
def browser(served: tuple[str, Settings]) -> Iterator[Any]:
    with launch() as b:
        yield b


@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_violation_on_the_new_page_types(served: tuple[str, Settings], browser: Any, lang: str) -> None:
    server = served[0]
    found = {}
    with watch(browser) as (page, seen):
        for name, path in PAGES.items():
            sep = "&" if "?" in path else "?"
            page.goto(f"{server}{path}{sep}lang={lang}")
            assert page.locator("h1").count() == 1, name
            violations = run_axe(page)
            if violations:
                found[name] = violations
        page.goto(f"{server}/workbench/sparql?lang={lang}")
        page.get_by_role("button", name="Ausführen" if lang == "de" else "Run").click()
        page.wait_for_selector("table.results")
        if violations := run_axe(page):
            found["sparql results"] = violations
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
        assert seen.problems() == [], (seen.problems(), seen.requests)
        assert local_only(seen.requests) == []


def test_a_coordinator_runs_a_query_and_downloads_the_xlsx(served: tuple[str, Settings], browser: Any) -> None:
    server = served[0]
    with watch(browser) as (page, seen):
        page.goto(f"{server}/?lang=de")
        page.get_by_role("link", name="Abfragen", exact=True).first.click()
        page.get_by_role("link", name="Mitglieder einer AG").click()
        page.get_by_label("Arbeitsgruppe").select_option("ag-sprache")
        page.get_by_label("Konzept").select_option("beispielkreis-2024")
        page.get_by_role("button", name="Abfrage ausführen").click()
        page.wait_for_selector("table.results")
        assert page.locator("table.results tbody tr").count() == 8
        with page.expect_download() as info:
            page.get_by_role("link", name="als Excel-Arbeitsmappe (XLSX)").click()
        book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
        sheet = book.active
        assert sheet is not None and sheet.max_row == 9
        assert "Afrikanischer Elternverein Musterau e. V." in [c.value for row in sheet.iter_rows() for c in row]
        assert local_only(seen.requests) == []


def test_a_coordinator_imports_a_workbook_after_fixing_it(
    served: tuple[str, Settings], browser: Any, tmp_path: Path
) -> None:
    server, settings = served
    broken, fixed = workbooks(settings)
    (tmp_path / "broken").mkdir()
    (tmp_path / "fixed").mkdir()
    (tmp_path / "broken" / "konzept.xlsx").write_bytes(broken)
    (tmp_path / "fixed" / "konzept.xlsx").write_bytes(fixed)
    with watch(browser) as (page, seen):
        page.goto(f"{server}/?lang=de")
        page.get_by_role("link", name="Import", exact=True).click()
        page.get_by_label("Schreibschlüssel").fill(TOKEN)
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_label("Datei (XLSX").set_input_files(str(tmp_path / "broken" / "konzept.xlsx"))
        page.get_by_role("button", name="Prüfen").click()
        row = page.locator("table.problems tbody tr")
        assert row.count() == 1
        assert row.locator("td").all_inner_texts()[:3] == ["mitgliedschaften", "3", "arbeitsgruppe"]
        assert "meinten Sie ag-sprache?" in row.inner_text()
        page.get_by_label("Datei (XLSX").set_input_files(str(tmp_path / "fixed" / "konzept.xlsx"))
        page.get_by_role("button", name="Prüfen").click()
        assert "+1 −1 Tripel" in page.locator("main").inner_text()
        assert page.locator("table.changes tbody tr").all_inner_texts() == [
            "Sprachpaten Kinderland e. V. (umbenannt)\tsprachpaten-kinderland\tgeändert"
        ]
        if violations := run_axe(page):
            pytest.fail(json.dumps(violations, ensure_ascii=False))
        page.get_by_role("button", name="Jetzt importieren").click()
        assert "Importiert in beispielkreis-2024" in page.locator("main").inner_text()
        seen.console = [c for c in seen.console if "status of 422" not in c]  # the check with the error
        page.get_by_role("link", name="Zum Konzept").click()
        page.get_by_label("Akteur, AG oder Ziel suchen").first.fill("sprachpaten")
        page.keyboard.press("Enter")
        page.get_by_role("link", name="Sprachpaten Kinderland e. V. (umbenannt)").click()
        assert page.locator("h1").inner_text() == "Sprachpaten Kinderland e. V. (umbenannt)"
        assert seen.problems() == [], seen.problems()
        assert local_only(seen.requests) == []
