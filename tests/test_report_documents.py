"""``ikg report --format docx|pdf``: Word with styles, tables and described pictures; a PDF with the findings; labels that do not overlap."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from docx import Document

from ikg.graph.analysis.gaps import Analysis, analyse
from ikg.graph.analysis.network import load_network
from ikg.graph.ingest.importer import open_store
from ikg.viz.report import write_document, write_report
from ikg.viz.views import ViewRequest, build_view

TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return analyse(load_network(open_store(":memory:"), "beispielkreis-2024"))


@pytest.fixture(scope="module")
def written(analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ikg.viz.documents.print_views import print_views

    out = tmp_path_factory.mktemp("documents")
    views = None
    for fmt in ("html", "docx", "pdf"):
        start = time.perf_counter()
        if fmt == "html":
            write_report(analysis.network, analysis, out, "de")
        else:
            views = views or print_views(analysis, "de", "2024-03-14")  # drawn once for Word and PDF
            write_document(analysis, out, "de", fmt, issued="2024-03-14", views=views)
        TIMES[fmt] = time.perf_counter() - start
    print("render seconds:", {k: round(v, 2) for k, v in TIMES.items()}, "total", round(sum(TIMES.values()), 2))
    return out


def test_docx_has_styles_tables_and_described_pictures(written: Path) -> None:
    document = Document(str(written / "bericht.docx"))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert ("Title", "Netzwerkbericht: Integrationskonzept Beispielkreis (fiktiv)") in headings
    for name in (
        "Inhalt",
        "Kennzahlen",
        "Fehlende Verbindungen",
        "Vermittler und Brücken",
        "Silos",
        "Netzwerkansichten",
    ):
        assert ("Heading 1", name) in headings, name
    assert any(
        s == "Heading 2" and t.startswith("Kommunales Integrationszentrum Beispielkreis (Stärke: stark)")
        for s, t in headings
    )
    figures = document.tables[0]
    assert [c.text for c in figures.rows[0].cells] == ["Kennzahl", "Wert"]
    assert ["Ziele", "26"] in [[c.text for c in row.cells] for row in figures.rows]
    assert document.tables[1].rows[0].cells[0].text == "Handlungsfeld / Aufgabe"
    described = [
        pr.get("descr")
        for pr in document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        )
    ]
    assert len(described) == 2 and all(d and d.startswith("Netzwerkbild:") for d in described)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("Abbildung 1: Fehlende Verbindungen")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Empfehlung: Bringen Sie Grundschule am Lindenweg Beispielhausen" in text
    assert 'TOC \\o "1-2"' in document.element.xml


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_text_holds_the_findings(written: Path) -> None:
    text = subprocess.run(
        [str(shutil.which("pdftotext")), "-layout", str(written / "bericht.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    for needle in (
        "Inhalt",
        "Kennzahlen",
        "Empfehlung: Bringen Sie Grundschule am Lindenweg",
        "Stärke: stark",
        "Abbildung 1:",
        "Seite 2",
    ):
        assert needle in flat, needle
    assert "Skizzenbach" in flat
    head = (written / "bericht.pdf").read_bytes()[:2000]
    assert head.startswith(b"%PDF-")


def _boxes(svg: str) -> list[tuple[float, float, float, float]]:
    boxes = []
    for group in re.findall(r'<g id="label-\d+">(.*?)</g>', svg, flags=re.S):
        d = re.search(r'<path d="([^"]+)"', group)
        assert d, "every label has its box"
        numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", d.group(1))]
        xs, ys = numbers[0::2], numbers[1::2]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


@pytest.mark.parametrize("name", ["gaps", "overview"])
def test_label_boxes_do_not_overlap(analysis: Analysis, name: str) -> None:
    from ikg.viz.documents.figure import to_print

    graph, heading = build_view(analysis.network, analysis, ViewRequest(name, "de"))
    figure = to_print(graph, heading=heading, source="Quelle: Test", lang="de", svg=True)
    assert figure.svg is not None
    boxes = _boxes(figure.svg)
    assert len(boxes) >= 20
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    assert figure.png.startswith(b"\x89PNG")
    assert {k for k, _ in figure.numbered} == set(range(1, len(figure.numbered) + 1))
