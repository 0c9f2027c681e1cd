"""Output for spreadsheets: XLSX and the CSV German Excel opens, on the command line and over HTTP.

Every workbook is reopened with openpyxl; every CSV is read back with Python's csv module (``;``
and ``utf-8-sig`` in German, ``,`` in English) and compared cell by cell with what was meant.
The data is the SMALL concept of ``conftest.py`` (``kleinstadt-2020``): its indicator is 26,5 %
on 31.12.2014, its actor network has five actors, two of them articulation points.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import pty
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ikg.api.formats.rows import encode_rows
from ikg.api.formats.xlsx import xlsx_bytes
from ikg.graph.cells import csv_bytes
from ikg.graph.ingest.importer import import_spreadsheet, open_store

from .conftest import write_csv_set
from .live import backend, live_api

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA = '=HYPERLINK("http://x","y")'
#: cells of every kind, and what each becomes in German and in English CSV
CELLS: list[tuple[object, str, str]] = [
    ("AG Sprache; Kita", "AG Sprache; Kita", "AG Sprache; Kita"),
    (FORMULA, "'" + FORMULA, "'" + FORMULA),
    ('Sag "hallo"\nzweite Zeile', 'Sag "hallo"\nzweite Zeile', 'Sag "hallo"\nzweite Zeile'),
    ("Förderverein Ölmühle, Velbert", "Förderverein Ölmühle, Velbert", "Förderverein Ölmühle, Velbert"),
    (Decimal("0.412"), "0,412", "0.412"),
    (0.25, "0,25", "0.25"),
    (-5, "-5", "-5"),
    (1234567, "1234567", "1234567"),
    (dt.date(2015, 6, 30), "30.06.2015", "2015-06-30"),
    (True, "WAHR", "true"),
    (None, "", ""),
]


def _read_csv(data: bytes, lang: str) -> list[list[str]]:
    if lang == "de":
        assert data.startswith(b"\xef\xbb\xbf")
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert not data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=","))


def _sheet(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data)).active


# --- the writers


@pytest.mark.parametrize("lang", ["de", "en"])
def test_csv_round_trips_exactly(lang: str) -> None:
    header = ["Text", "Wert"]
    data = csv_bytes(header, [(value, value) for value, _, _ in CELLS], lang)  # type: ignore[arg-type]
    rows = _read_csv(data, lang)
    want = [de if lang == "de" else en for _, de, en in CELLS]
    assert rows[0] == header
    assert [r[0] for r in rows[1:]] == want and [r[1] for r in rows[1:]] == want
    assert data.count(b"\r\n") >= len(CELLS) + 1  # CRLF, as RFC 4180 and Excel write


def test_english_csv_is_the_comma_form() -> None:
    assert csv_bytes(["x", "n"], [("a", Decimal("1.5"))], "en") == b"x,n\r\na,1.5\r\n"
    assert csv_bytes(["x", "n"], [("a", Decimal("1.5"))], "de") == b"\xef\xbb\xbfx;n\r\na;1,5\r\n"


def test_a_workbook_has_a_frozen_bold_filtered_header_and_typed_cells() -> None:
    rows = [
        ("Kita Sonnenschein", 7, Decimal("0.412"), 2.5, True, dt.date(2015, 6, 30), None, FORMULA),
        ("x" * 200, -1, Decimal("3.000"), 0.0, False, dt.date(2020, 1, 2), "", "@SUM(A1)"),
    ]
    header = ["name", "n", "share", "score", "cut", "date", "empty", "text"]
    data = xlsx_bytes(header, rows, "de", title="wg-members")
    ws = _sheet(data)
    assert ws.title == "wg-members"
    assert [c.value for c in ws[1]] == header and all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H3"
    _, n, share, score, cut, date, empty, text = ws[2]
    assert (n.value, n.data_type) == (7, "n")
    assert share.value == pytest.approx(0.412) and share.data_type == "n"
    assert score.value == 2.5 and cut.value is True and cut.data_type == "b"
    assert date.value == dt.datetime(2015, 6, 30) and date.number_format == "DD.MM.YYYY"
    assert empty.value is None
    assert text.value == FORMULA and text.data_type == "s" and text.quotePrefix
    assert ws["H3"].value == "@SUM(A1)" and ws["H3"].data_type == "s"
    assert ws["C3"].number_format == "0.000"  # three decimals, as written
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["A"] == 62 and 6 <= widths["B"] <= 10  # long text capped, short numbers narrow
    assert _sheet(xlsx_bytes(header, rows, "en"))["F2"].number_format == "YYYY-MM-DD"
    assert xlsx_bytes(header, rows, "de", title="wg-members") == data  # the same table, the same file


def test_rdf_terms_become_typed_cells() -> None:
    rows = [
        (
            Literal("26.5", datatype=XSD.decimal),
            Literal("2014-12-31", datatype=XSD.date),
            Literal("false", datatype=XSD.boolean),
            Literal("12", datatype=XSD.integer),
            Literal("2015", datatype=XSD.gYear),
            URIRef("https://w3id.org/ikg/id/x"),
            Literal(FORMULA, lang="de"),
        )
    ]
    names = ["value", "date", "together", "n", "year", "iri", "label"]
    ws = _sheet(encode_rows(names, rows, "xlsx", "de", title="t"))
    assert [c.value for c in ws[2]] == [
        26.5,
        dt.datetime(2014, 12, 31),
        False,
        12,
        "2015",
        "https://w3id.org/ikg/id/x",
        FORMULA,
    ]
    assert ws["G2"].data_type == "s"
    de = _read_csv(encode_rows(names, rows, "csv", "de"), "de")
    assert de[1] == ["26,5", "31.12.2014", "FALSCH", "12", "2015", "https://w3id.org/ikg/id/x", "'" + FORMULA]
    en = _read_csv(encode_rows(names, rows, "csv", "en"), "en")
    assert en[1] == ["26.5", "2014-12-31", "false", "12", "2015", "https://w3id.org/ikg/id/x", "'" + FORMULA]


# --- the command line


@pytest.fixture(scope="module")
def klein(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("excel-cli")
    store = open_store(base / "store", seed=False)
    import_spreadsheet(store, write_csv_set(base / "klein"))
    store.close()
    return base


@pytest.fixture
def ikg(klein: Path) -> Callable[..., subprocess.CompletedProcess[bytes]]:
    exe = str(Path(sys.executable).with_name("ikg"))

    def run(*args: str, lang: str = "en", **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        env = {**os.environ, "IKG_STORE": str(klein / "store"), "IKG_LANG": lang, "IKG_NO_SEED": "1"}
        streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
        return subprocess.run([exe, *args], env=env, cwd=klein, timeout=300, **streams)  # type: ignore[call-overload]

    return run


def test_cli_query_xlsx_with_concept_shortcut(ikg: Callable, klein: Path) -> None:
    out = klein / "indikatoren.xlsx"
    result = ikg(
        "query", "indicators", "--concept", "kleinstadt-2020", "--format", "xlsx", "--out", str(out), lang="de"
    )
    assert result.returncode == 0, result.stderr
    assert "indikatoren.xlsx" in result.stderr.decode()
    ws = _sheet(out.read_bytes())
    assert ws.title == "indicators"
    header = [c.value for c in ws[1]]
    assert header == ["concept", "indicator_id", "label", "value", "unit", "area", "date", "source"]  # variables
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["value"].value == 26.5 and row["value"].data_type == "n"
    assert row["date"].value == dt.datetime(2014, 12, 31) and row["date"].number_format == "DD.MM.YYYY"
    by_suffix = klein / "wieder.xlsx"  # the ending chooses the format
    assert ikg("query", "indicators", "--out", str(by_suffix)).returncode == 0
    assert _sheet(by_suffix.read_bytes())["D2"].value == 26.5


def test_cli_query_csv_follows_the_language(ikg: Callable) -> None:
    args = ("query", "indicators", "--concept", "kleinstadt-2020", "--format", "csv")
    de = _read_csv(ikg(*args, lang="de").stdout, "de")
    assert de[0][3:7] == ["value", "unit", "area", "date"] and de[1][3:7] == ["26,5", "%", "Kleinstadt", "31.12.2014"]
    en = _read_csv(ikg(*args, lang="en").stdout, "en")
    assert en[1][3:7] == ["26.5", "%", "Kleinstadt", "2014-12-31"]
    shared = ikg("query", "shared-goals", "-p", "actor_a=verein", "-p", "actor_b=schule", "-f", "csv", lang="de")
    assert _read_csv(shared.stdout, "de")[1][-1] == "FALSCH"


def test_cli_xlsx_on_a_terminal_is_refused_and_piped_is_bytes(ikg: Callable) -> None:
    piped = ikg("metrics", "--format", "xlsx")
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK")
    primary, replica = pty.openpty()
    try:
        result = ikg("metrics", "--format", "xlsx", lang="de", stdout=replica)
    finally:
        os.close(replica)
        os.close(primary)
    assert result.returncode == 1
    assert result.stderr.decode().strip().splitlines() == [
        "ikg: Fehler: eine XLSX-Datei gehört nicht ins Terminal: mit --out DATEI.xlsx in eine Datei schreiben "
        "(oder die Ausgabe umleiten)"
    ]


def test_cli_metrics_csv_and_xlsx_in_german(ikg: Callable, klein: Path) -> None:
    rows = _read_csv(ikg("metrics", "--format", "csv", lang="de").stdout, "de")
    assert rows[0] == [
        "Konzept",
        "Akteur-ID",
        "Name",
        "Typ",
        "Ort",
        "Grad",
        "Betweenness",
        "Constraint",
        "Effektive Größe",
        "Gemeinschaft",
        "Artikulationspunkt",
    ]
    assert rows[1][:5] == ["kleinstadt-2020", "ki", "Integrationsbüro", "integration_centre", "Kleinstadt"]
    assert rows[1][5:] == ["2", "0,333333", "0,5", "2,0", "1", "WAHR"]
    stadt = next(r for r in rows if r[1] == "stadt")
    assert stadt[5:] == ["0", "0,0", "", "", "0", "FALSCH"]
    out = klein / "kennzahlen.xlsx"
    assert ikg("metrics", "--lang", "de", "--out", str(out)).returncode == 0
    ws = _sheet(out.read_bytes())
    assert ws.title == "Kennzahlen" and ws["B1"].value == "Akteur-ID"
    assert [c.value for c in ws[2]][5:] == [2, 0.333333, 0.5, 2, 1, True]
    english = _read_csv(ikg("metrics", "--format", "csv", "--lang", "en").stdout, "en")
    assert english[0][:2] == ["concept", "actor_id"] and english[1][5:] == ["2", "0.333333", "0.5", "2.0", "1", "true"]


def test_cli_gaps_csv_and_xlsx_in_german(ikg: Callable, klein: Path) -> None:
    rows = _read_csv(ikg("gaps", "-k", "coverage", "-f", "csv", lang="de").stdout, "de")
    assert rows[0] == ["Konzept", "Art", "Rang", "Beteiligte", "Wert", "Begründung"]
    assert rows[1][:5] == ["kleinstadt-2020", "Abdeckungslücken", "1", "Kultur", "6,000"]
    assert rows[1][5].startswith("Das Handlungsfeld „Kultur“ hat kein Ziel.")
    out = klein / "luecken.xlsx"
    assert ikg("gaps", "-k", "coverage", "--lang", "de", "-f", "xlsx", "-o", str(out)).returncode == 0
    ws = _sheet(out.read_bytes())
    assert ws.title == "Lücken" and ws.auto_filter.ref == "A1:F4" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[4]][:5] == ["kleinstadt-2020", "Abdeckungslücken", 3, "AG Sprache", 1]
    assert ws["E2"].number_format == "0.000"
    md = ikg("gaps", "-k", "coverage", "-f", "md", lang="de").stdout.decode()
    assert md.startswith("| Konzept | Art | Rang |") and "| 6,000 |" in md


# --- HTTP


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("excel-api")
    store = open_store(base / "store", seed=False)
    import_spreadsheet(store, write_csv_set(base / "klein"))
    store.close()
    with backend(base, seed=False) as settings, live_api(settings) as url:
        yield url


@pytest.fixture
def client(api: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api, timeout=60) as c:
        yield c


def test_http_query_csv_rule(client: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    params = {"concept": "kleinstadt-2020", "format": "csv"}
    german = client.get("/queries/indicators", params={**params, "lang": "de"})
    assert german.status_code == 200 and german.headers["content-type"].startswith("text/csv")
    assert 'filename="indicators-kleinstadt-2020.csv"' in german.headers["content-disposition"]
    assert _read_csv(german.content, "de")[1][3:7] == ["26,5", "%", "Kleinstadt", "31.12.2014"]
    # lang=en: the standard SPARQL 1.1 CSV, byte for byte what /sparql gives
    english = client.get("/queries/indicators", params={**params, "lang": "en"})
    assert _read_csv(english.content, "en")[1][3:7] == ["26.5", "%", "Kleinstadt", "2014-12-31"]
    # no lang: the browser's language decides (IKG_LANG unset, as on a user's server)
    monkeypatch.delenv("IKG_LANG")
    browser = client.get("/queries/indicators", params=params, headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert browser.content == german.content
    # a program negotiating text/csv gets the standard form whatever its language
    program = client.get(
        "/queries/indicators",
        params={"concept": "kleinstadt-2020"},
        headers={"Accept": "text/csv", "Accept-Language": "de"},
    )
    assert program.content == english.content and not program.content.startswith(b"\xef\xbb\xbf")


def test_http_query_xlsx(client: httpx.Client) -> None:
    r = client.get("/queries/indicators", params={"concept": "kleinstadt-2020", "format": "xlsx", "lang": "de"})
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert r.headers["content-disposition"] == 'attachment; filename="indicators-kleinstadt-2020.xlsx"'
    ws = _sheet(r.content)
    assert ws["D1"].value == "value" and ws["D2"].value == 26.5 and ws["G2"].number_format == "DD.MM.YYYY"
    by_accept = client.get("/queries/indicators", headers={"Accept": XLSX})
    assert by_accept.headers["content-type"] == XLSX and _sheet(by_accept.content)["D2"].value == 26.5
    assert client.get("/sparql", params={"query": "ASK {}", "format": "xlsx"}).status_code == 406


def test_http_gaps_and_metrics_for_excel(client: httpx.Client) -> None:
    r = client.get("/gaps", params={"kind": "coverage", "format": "csv", "lang": "de"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="luecken.csv"' in r.headers["content-disposition"]
    rows = _read_csv(r.content, "de")
    assert rows[0] == ["Konzept", "Art", "Rang", "Beteiligte", "Wert", "Begründung"] and rows[1][4] == "6,000"
    r = client.get("/gaps", params={"kind": "coverage", "format": "xlsx", "lang": "en", "concept": "kleinstadt-2020"})
    assert r.headers["content-type"] == XLSX
    assert r.headers["content-disposition"] == 'attachment; filename="gaps-kleinstadt-2020.xlsx"'
    ws = _sheet(r.content)
    assert [c.value for c in ws[1]] == ["concept", "kind", "rank", "subjects", "score", "reasons"]
    assert [c.value for c in ws[2]][:5] == ["kleinstadt-2020", "coverage", 1, "Culture", 6]
    r = client.get("/metrics", params={"format": "csv", "lang": "de"})
    assert _read_csv(r.content, "de")[1][:2] == ["kleinstadt-2020", "ki"]
    r = client.get("/metrics", params={"format": "xlsx", "lang": "de"})
    ws = _sheet(r.content)
    assert ws.title == "Kennzahlen" and ws["K1"].value == "Artikulationspunkt" and ws["K2"].value is True
    r = client.get("/metrics", params={"format": "csv", "lang": "en"})
    assert _read_csv(r.content, "en")[1][5:] == ["2", "0.333333", "0.5", "2.0", "1", "true"]
