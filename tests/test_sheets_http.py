"""``GET /template`` and ``GET /export/{concept}`` on a real server: files to save, that open and import.

The API runs under uvicorn on 127.0.0.1 over a pooled backend (the shipped concepts loaded), as
``ikg serve`` runs it; the export reads the latest snapshot, as the gaps do.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest

from ikg.graph.ingest.importer import import_spreadsheet, open_store
from ikg.graph.sheets.workbook import MEDIA_TYPE

from .live import backend, live_api


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder = tmp_path_factory.mktemp("sheets-api")
    with (
        backend(folder, timeout_s=10) as settings,
        live_api(settings) as url,
        httpx.Client(base_url=url, timeout=60) as c,
    ):
        yield c


def _unzip(data: bytes, into: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(into)
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_german_template_is_a_workbook_to_save(client: httpx.Client) -> None:
    r = client.get("/template", params={"lang": "de"})
    assert r.status_code == 200
    assert r.headers["content-type"] == MEDIA_TYPE
    assert r.headers["content-disposition"] == 'attachment; filename="vorlage.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames[:2] == ["Anleitung", "konzept"]
    assert book["akteure"]["C2"].value == "Verwaltung"


def test_the_english_csv_template_is_a_zip_of_the_folder(client: httpx.Client, tmp_path: Path) -> None:
    r = client.get("/template", params={"lang": "en", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == 'attachment; filename="template.zip"'
    files = _unzip(r.content, tmp_path)
    assert "template/actors.csv" in files and "template/README.txt" in files
    assert files["template/actors.csv"].startswith(b"\xef\xbb\xbfid,name,type,town,parent,source\r\n")
    store = open_store(":memory:", seed=False)
    assert import_spreadsheet(store, tmp_path / "template").concept_id == "musterstadt-2025"


def test_an_exported_workbook_imports_as_no_change(client: httpx.Client, tmp_path: Path) -> None:
    r = client.get("/export/mettmann-2015", params={"format": "xlsx", "lang": "de"})
    assert r.status_code == 200 and r.headers["content-type"] == MEDIA_TYPE
    assert r.headers["content-disposition"] == 'attachment; filename="mettmann-2015.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book["konzept"]["A2"].value == "mettmann-2015" and book["konzept"]["B2"].value.startswith("Integrations")
    path = tmp_path / "mettmann.xlsx"
    path.write_bytes(r.content)
    store = open_store(":memory:")
    result = import_spreadsheet(store, path)
    assert (result.change.added, result.change.removed) == (0, 0)


def test_an_exported_csv_zip_imports_as_no_change(client: httpx.Client, tmp_path: Path) -> None:
    r = client.get("/export/beispielkreis-2024", params={"format": "csv", "lang": "de"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    files = _unzip(r.content, tmp_path)
    assert "beispielkreis-2024/mitgliedschaften.csv" in files and "beispielkreis-2024/LIESMICH.txt" in files
    store = open_store(":memory:")
    result = import_spreadsheet(store, tmp_path / "beispielkreis-2024")
    assert (result.change.added, result.change.removed) == (0, 0)


def test_an_unknown_concept_is_404_naming_the_concepts_there_are(client: httpx.Client) -> None:
    r = client.get("/export/nirgendwo-2030", params={"lang": "de"})
    assert r.status_code == 404
    assert "nirgendwo-2030" in r.text and "mettmann-2015" in r.text and "beispielkreis-2024" in r.text


def test_a_format_outside_the_list_is_refused(client: httpx.Client) -> None:
    assert client.get("/template", params={"format": "ods"}).status_code == 422


def test_the_routes_are_documented(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/template" in paths and "/export/{concept}" in paths
    content = paths["/template"]["get"]["responses"]["200"]["content"]
    assert set(content) == {MEDIA_TYPE, "application/zip"}
