"""Hostile files and folders: symbolic links out of a CSV folder, and XML in any Unicode encoding.

A folder handed to ``ikg import`` must not read anything outside itself through a symbolic link
(linked to ``/etc/passwd``, the first line would otherwise show up in a message). An XML part of a
workbook, or an RDF/XML file, must be refused when it declares a DOCTYPE or entities in UTF-8,
UTF-16 or UTF-32 (with or without byte order mark), and when its encoding cannot be determined,
before any XML parser sees it. The store is left as it was in every case.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ikg.graph.errors import InputError
from ikg.graph.ingest.importer import import_rdf, import_spreadsheet
from ikg.graph.ingest.problems import Problem, render
from ikg.graph.store.embedded import Store

from .conftest import SMALL, write_csv_set

SECRET = "GEHEIM-7f3a9c-darf-nie-erscheinen"

# --- recording which files are opened (audit hook, installed once, active only inside a test) ----

_OPENED: list[Path] | None = None
_HOOKED = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _OPENED is not None and event == "open" and args and isinstance(args[0], str | bytes | os.PathLike):
        _OPENED.append(Path(os.fsdecode(args[0])))


@pytest.fixture
def opened() -> Iterator[list[Path]]:
    """Every path opened (``open``, ``os.open``) while the test runs; clear it to start afresh."""
    global _OPENED, _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


def _secret(tmp_path: Path) -> Path:
    """A file outside the folder being imported, its first line a marker no output may show."""
    outside = tmp_path / "draussen"
    outside.mkdir()
    path = outside / "passwd"
    path.write_text(f"{SECRET}:x:0:0:root:/root:/bin/bash\n{SECRET}-zwei;x;y\n", encoding="utf-8")
    return path


def _size(store: Store) -> int:
    return len(store._ox)


def _refused(store: Store, folder: Path) -> list[Problem]:
    """Import ``folder``, expect a refusal; return its problems after checking nothing leaked."""
    before = _size(store)
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, folder)
    assert _size(store) == before
    problems = info.value.problems
    for lang in ("de", "en"):
        assert not any(SECRET in render(p, lang) for p in problems)
    assert SECRET not in str(info.value)
    return problems


# --- symbolic links in a CSV folder --------------------------------------------------------------


def test_a_link_out_of_the_folder_is_refused_and_its_target_never_opened(
    store: Store, tmp_path: Path, opened: list[Path]
) -> None:
    secret = _secret(tmp_path)
    folder = write_csv_set(tmp_path / "klein")
    (folder / "akteure.csv").unlink()
    (folder / "akteure.csv").symlink_to(secret)
    opened.clear()  # from here on: the import only
    problems = _refused(store, folder)
    links = [p for p in problems if p.code == "symlink_outside"]
    assert [(p.source, p.severity) for p in links] == [("akteure.csv", "error")]
    assert "symbolic link" in links[0].message("en") and "symbolische Verknüpfung" in links[0].message("de")
    assert not any(p.code == "missing_sheet" for p in problems)  # the file is there, only refused
    assert secret.resolve() not in {p.resolve() for p in opened}


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_a_dangling_link_is_refused_by_name(store: Store, tmp_path: Path, where: str) -> None:
    folder = write_csv_set(tmp_path / "klein")
    (folder / "akteure.csv").unlink()
    target = tmp_path / "weg.csv" if where == "outside" else folder / "weg.csv"
    (folder / "akteure.csv").symlink_to(target)
    problems = _refused(store, folder)
    assert [p.source for p in problems if p.code == "symlink_outside"] == ["akteure.csv"]


def test_a_link_inside_the_folder_that_leads_to_a_link_out_is_refused(
    store: Store, tmp_path: Path, opened: list[Path]
) -> None:
    secret = _secret(tmp_path)
    folder = write_csv_set(tmp_path / "klein")
    (folder / "zwischen.txt").symlink_to(secret)
    (folder / "akteure.csv").unlink()
    (folder / "akteure.csv").symlink_to("zwischen.txt")
    opened.clear()
    problems = _refused(store, folder)
    assert sorted(p.source for p in problems if p.code == "symlink_outside") == ["akteure.csv", "zwischen.txt"]
    assert secret.resolve() not in {p.resolve() for p in opened}


def test_the_command_line_names_the_link_in_both_languages_and_shows_nothing_of_the_target(
    tmp_path: Path, run_ikg: Any
) -> None:
    secret = _secret(tmp_path)
    folder = write_csv_set(tmp_path / "klein")
    (folder / "akteure.csv").unlink()
    (folder / "akteure.csv").symlink_to(secret)
    for lang, words in (("en", "symbolic link"), ("de", "symbolische Verknüpfung")):
        done = run_ikg("--no-seed", "import", str(folder), extra_env={"IKG_LANG": lang})
        assert done.returncode == 1
        assert SECRET not in done.stdout + done.stderr
        (line,) = [x for x in done.stderr.splitlines() if words in x]
        assert f"akteure.csv: {words}" in line
    done = run_ikg("--no-seed", "validate", str(folder))
    assert done.returncode == 1 and SECRET not in done.stdout + done.stderr


def test_links_that_stay_inside_and_links_named_on_the_command_line_are_followed(store: Store, tmp_path: Path) -> None:
    """A link to a file in the folder reads nothing the folder does not hold; a folder or a
    workbook the user names directly through a link is the user's own choice."""
    import openpyxl

    folder = write_csv_set(tmp_path / "klein")
    (folder / "export").mkdir()
    (folder / "akteure.csv").rename(folder / "export" / "akteure-v2.csv")
    (folder / "akteure.csv").symlink_to(Path("export") / "akteure-v2.csv")
    assert import_spreadsheet(store, folder).concept_id == "kleinstadt-2020"
    (tmp_path / "verweis").symlink_to(folder, target_is_directory=True)
    assert import_spreadsheet(store, tmp_path / "verweis").change.added == 0
    wb = openpyxl.Workbook(write_only=True)
    for name, rows in SMALL.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(tmp_path / "anderswo.xlsx")
    (folder / "mappe.xlsx").symlink_to(tmp_path / "anderswo.xlsx")
    assert import_spreadsheet(store, folder / "mappe.xlsx").concept_id == "kleinstadt-2020"


class _Listing:
    """A shipped data folder as :mod:`importlib.resources` may give it: not a path, listing paths."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def iterdir(self) -> Iterator[Path]:
        return self.folder.iterdir()


def test_shipped_data_copied_out_of_a_package_does_not_follow_a_link(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened: list[Path]
) -> None:
    import ikg.graph.ingest.importer as ingest

    secret = _secret(tmp_path)
    folder = write_csv_set(tmp_path / "paket")
    (folder / "akteure.csv").unlink()
    (folder / "akteure.csv").symlink_to(secret)
    monkeypatch.setattr(ingest, "data_dir", lambda name: _Listing(folder))
    opened.clear()
    with pytest.raises(InputError) as info:
        ingest.ensure_ready(store)
    assert [(p.code, p.source) for p in info.value.problems] == [("symlink_outside", "akteure.csv")]
    assert secret.resolve() not in {p.resolve() for p in opened}


# --- XML in every Unicode encoding -------------------------------------------------------------

#: (codec, byte order mark, name in the XML declaration)
ENCODINGS = {
    "utf-8": ("utf-8", b"", "UTF-8"),
    "utf-8 bom": ("utf-8", codecs.BOM_UTF8, "UTF-8"),
    "utf-16le": ("utf-16-le", b"", "UTF-16"),
    "utf-16le bom": ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
    "utf-16be": ("utf-16-be", b"", "UTF-16"),
    "utf-16be bom": ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
    "utf-32le": ("utf-32-le", b"", "UTF-32"),
    "utf-32le bom": ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
    "utf-32be": ("utf-32-be", b"", "UTF-32"),
    "utf-32be bom": ("utf-32-be", codecs.BOM_UTF32_BE, "UTF-32"),
}
ENCODING_CASES = [pytest.param(*v, d, id=f"{k}{' decl' if d else ''}") for k, v in ENCODINGS.items() for d in (1, 0)]


def _encode(body: str, codec: str, bom: bytes, name: str, declared: int) -> bytes:
    decl = f'<?xml version="1.0" encoding="{name}"?>' if declared else ""
    return bom + (decl + body).encode(codec)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import openpyxl

    path = tmp_path_factory.mktemp("mappe") / "gut.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    for name, rows in SMALL.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


SHEET = "xl/worksheets/sheet1.xml"


def _sheet_body(workbook: Path) -> str:
    with zipfile.ZipFile(workbook) as z:
        text = z.read(SHEET).decode("utf-8")
    return text.split("?>", 1)[1].lstrip() if text.startswith("<?xml") else text


def _with_part(workbook: Path, dest: Path, data: bytes) -> Path:
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == SHEET else src.read(info.filename))
    return dest


def _refused_workbook(store: Store, book: Path) -> Problem:
    before = _size(store)
    with pytest.raises(InputError) as info:
        import_spreadsheet(store, book)
    assert _size(store) == before
    (problem,) = info.value.problems
    assert problem.source == book.name
    return problem


@pytest.mark.parametrize(("codec", "bom", "name", "declared"), ENCODING_CASES)
def test_a_workbook_part_declaring_entities_is_refused_in_every_encoding(
    store: Store, tmp_path: Path, workbook: Path, codec: str, bom: bytes, name: str, declared: int
) -> None:
    body = '<!DOCTYPE worksheet [<!ENTITY a "x">]>' + _sheet_body(workbook)
    book = _with_part(workbook, tmp_path / "bombe.xlsx", _encode(body, codec, bom, name, declared))
    problem = _refused_workbook(store, book)
    assert problem.code == "xlsx_doctype" and SHEET in problem.message("en")


def test_a_doctype_behind_a_long_comment_is_found(store: Store, tmp_path: Path, workbook: Path) -> None:
    """A comment holding ``<a`` and longer than one read must not pass for the root element."""
    body = "<!-- <a " + "x" * 100_000 + ' --><!DOCTYPE worksheet [<!ENTITY a "x">]>' + _sheet_body(workbook)
    book = _with_part(workbook, tmp_path / "bombe.xlsx", _encode(body, "utf-8", b"", "UTF-8", 1))
    assert _refused_workbook(store, book).code == "xlsx_doctype"


#: parts whose encoding cannot be determined or decoded
UNDECODABLE = {
    "ebcdic": '<?xml version="1.0"?><worksheet/>'.encode("cp037"),
    "shift_jis declared": b'<?xml version="1.0" encoding="Shift_JIS"?><worksheet/>',
    "unknown encoding": b'<?xml version="1.0" encoding="x-unbekannt"?><worksheet/>',
    "utf-16 bom, utf-8 declared": codecs.BOM_UTF16_LE
    + '<?xml version="1.0" encoding="UTF-8"?><w/>'.encode("utf-16-le"),
    "ascii bytes, utf-16 declared": b'<?xml version="1.0" encoding="UTF-16"?><worksheet/>',
    "ucs-4 2143 order": b"\x00\x00\x3c\x00" + b"\x00\x00\x3f\x00",
    "invalid utf-8 in the prolog": b'<?xml version="1.0"?><!-- \xff\xfe --><worksheet/>',
    "lone surrogate in utf-16": codecs.BOM_UTF16_LE + b"\x00\xd8" + "<w/>".encode("utf-16-le"),
    "whitespace first, utf-16 without bom": " <!DOCTYPE w><w/>".encode("utf-16-le"),
}


@pytest.mark.parametrize("data", list(UNDECODABLE.values()), ids=list(UNDECODABLE))
def test_a_workbook_part_in_an_undeterminable_encoding_is_refused(
    store: Store, tmp_path: Path, workbook: Path, data: bytes
) -> None:
    problem = _refused_workbook(store, _with_part(workbook, tmp_path / "kodierung.xlsx", data))
    assert problem.code == "xml_encoding" and SHEET in problem.message("en")
    assert "Zeichenkodierung" in problem.message("de")


GRAPH = "https://example.org/g"
RDF_BODY = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
    '<rdf:Description rdf:about="http://example.org/s"><ex:p>{}</ex:p></rdf:Description></rdf:RDF>'
)


@pytest.mark.parametrize(("codec", "bom", "name", "declared"), ENCODING_CASES)
def test_rdf_xml_declaring_entities_is_refused_in_every_encoding(
    store: Store, tmp_path: Path, codec: str, bom: bytes, name: str, declared: int
) -> None:
    path = tmp_path / "x.rdf"
    path.write_bytes(_encode('<!DOCTYPE r [<!ENTITY a "x">]>' + RDF_BODY.format("&a;"), codec, bom, name, declared))
    before = _size(store)
    with pytest.raises(InputError) as info:
        import_rdf(store, path, GRAPH)
    assert [p.code for p in info.value.problems] == ["xml_doctype"]
    assert _size(store) == before


def test_rdf_xml_with_a_doctype_after_the_root_is_refused(store: Store, tmp_path: Path) -> None:
    """Oxigraph expands entities declared after the root start tag too: the whole file is checked."""
    path = tmp_path / "x.rdf"
    text = RDF_BODY.format("&a;").replace("<rdf:Description", '<!doctype r [<!ENTITY a "x">]><rdf:Description')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_rdf(store, path, GRAPH)
    assert [p.code for p in info.value.problems] == ["xml_doctype"]


@pytest.mark.parametrize("data", list(UNDECODABLE.values()), ids=list(UNDECODABLE))
def test_rdf_xml_in_an_undeterminable_encoding_is_refused_before_parsing(
    store: Store, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "x.rdf"
    path.write_bytes(data)
    before = _size(store)
    with pytest.raises(InputError) as info:
        import_rdf(store, path, GRAPH)
    assert [(p.code, p.source) for p in info.value.problems] == [("xml_encoding", "x.rdf")]
    assert _size(store) == before


@pytest.mark.parametrize(("codec", "bom", "name", "declared"), ENCODING_CASES)
def test_clean_xml_passes_the_check_in_every_encoding(codec: str, bom: bytes, name: str, declared: int) -> None:
    from ikg.graph.ingest.xmlguard import XmlVerdict, scan_xml

    data = _encode("<!-- Kommentar <a> -->\n<?pi x?>\n" + RDF_BODY.format("Größe &amp; 𝄞"), codec, bom, name, declared)
    assert scan_xml(io.BytesIO(data)) is XmlVerdict.SAFE
    assert scan_xml(io.BytesIO(data), whole=True) is XmlVerdict.SAFE
    assert scan_xml(io.BytesIO(data), whole=True, chunk_size=7) is XmlVerdict.SAFE  # reads split anywhere


def test_a_clean_workbook_still_imports(store: Store, workbook: Path) -> None:
    assert import_spreadsheet(store, workbook).concept_id == "kleinstadt-2020"
