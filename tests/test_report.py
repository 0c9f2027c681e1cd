"""``ikg report``: one self-contained HTML report plus SVG and PNG per view; deterministic, offline, safe."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ikg.graph.analysis.gaps import analyse
from ikg.graph.analysis.network import ConceptNetwork, load_network
from ikg.graph.ingest.importer import ensure_ready, import_spreadsheet
from ikg.graph.store.embedded import Store
from ikg.viz.report import REPORT_VIEWS, write_report

from .browser import distinct_colours, launch, watch
from .conftest import write_csv_set
from .test_gaps import WINZIG

EXTERNAL = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", re.IGNORECASE)
XSS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "</script><script>window.__xss=1</script>",
    "javascript:window.__xss=1",
    "\"'><svg onload=window.__xss=1>",
    "<a href='javascript:window.__xss=1'>href</a>",
]


def _load(tables: dict[str, list[list[str]]], tmp: Path, concept: str) -> ConceptNetwork:
    store = Store(":memory:")
    ensure_ready(store, seed=False)
    import_spreadsheet(store, write_csv_set(tmp, tables))
    return load_network(store, concept)


@pytest.fixture(scope="module")
def winzig(tmp_path_factory: pytest.TempPathFactory) -> ConceptNetwork:
    return _load(WINZIG, tmp_path_factory.mktemp("winzig"), "winzig")


def _hostile() -> dict[str, list[list[str]]]:
    tables = copy.deepcopy(WINZIG)
    tables["konzept"][1][1] = XSS[0] + " Konzept"
    for i, row in enumerate(tables["akteure"][1:], start=0):
        row[1] = XSS[i % len(XSS)] + f" {row[0]}"
    for i, row in enumerate(tables["ziele"][1:], start=0):
        row[1] = XSS[(i + 2) % len(XSS)]
        row[2] = XSS[(i + 3) % len(XSS)]
    tables["arbeitsgruppen"][1][1] = XSS[5]
    return tables


def test_files_and_content(winzig: ConceptNetwork, tmp_path: Path) -> None:
    files = write_report(winzig, analyse(winzig), tmp_path / "r", "de")
    assert files.index == Path("index.html")
    assert sorted(str(p) for p in files.views) == sorted(
        f"views/{name}.{suffix}" for name in REPORT_VIEWS for suffix in ("html", "svg", "png")
    )
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "<title>Netzwerkbericht: Integrationskonzept Winzig</title>" in page
    assert re.search(r"<th scope=\"row\">Akteure</th><td class=\"n\">7</td>", page)
    assert re.search(r"<td>Kultur</td>.*?kein Ziel, keine AG, weniger als zwei Akteure", page)
    assert "Sprachverein Kinderland (Velbert) und Gesamtschule West (Ratingen) verfolgen beide" in page
    assert page.count('<iframe sandbox="allow-scripts"') == len(REPORT_VIEWS)
    assert not EXTERNAL.search(page)
    for path in files.views:
        if path.suffix == ".html":
            assert not EXTERNAL.search((tmp_path / "r" / path).read_text(encoding="utf-8")), path


def test_same_data_same_files(winzig: ConceptNetwork, tmp_path: Path) -> None:
    first = write_report(winzig, analyse(winzig), tmp_path / "a", "en")
    write_report(winzig, analyse(winzig), tmp_path / "b", "en")
    for path in (first.index, *first.views):
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    net = _load(_hostile(), tmp_path / "h", "winzig")
    write_report(net, analyse(net), tmp_path / "r", "de")
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    tags = _tags(page)
    assert "script" not in {t for t, _ in tags}  # the report itself runs no script; the views run in frames
    assert [(t, a) for t, attrs in tags for a, _ in attrs if a.startswith("on")] == []
    assert {v for t, attrs in tags if t == "img" for a, v in attrs if a == "src"} <= {
        v for t, attrs in tags if t == "img" for a, v in attrs if a == "src" and v.startswith("data:image/png;base64,")
    }
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt; Konzept" in page
    for t, attrs in tags:
        if t == "iframe":
            frame = _tags(dict(attrs)["srcdoc"])
            assert [v for ft, fa in frame if ft == "script" for a, v in fa if a == "src"] == []
            assert [(ft, a) for ft, fa in frame for a, _ in fa if a.startswith("on")] == []


def _tags(document: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every start tag of an HTML document with its (unescaped) attributes."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [(a, v or "") for a, v in attrs]))

    Collect().feed(document)
    return found


def test_cli_report(run_ikg: Callable, tmp_path: Path) -> None:
    result = run_ikg("report", "--concept", "beispielkreis-2024", "--lang", "en", "--out", "bericht")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "bericht/index.html"
    page = (tmp_path / "bericht" / "index.html").read_text(encoding="utf-8")
    assert "Network report: Integration concept of the Beispielkreis district (fictional)" in page
    assert "Sprachpaten Kinderland" in page
    result = run_ikg("report", "--out", "alle")
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == ["alle/beispielkreis-2024/index.html", "alle/mettmann-2015/index.html"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launch() as b:
        yield b


def _frames(page) -> list:
    """The view frames, each scrolled into view once: Chromium does not draw off-screen sandboxed frames."""
    frames = []
    for i in range(page.locator("iframe").count()):
        handle = page.locator("iframe").nth(i)
        handle.scroll_into_view_if_needed()
        frames.append(handle.element_handle().content_frame())
    return frames


@pytest.mark.browser
def test_report_opens_offline_and_draws_every_view(browser, winzig: ConceptNetwork, tmp_path: Path) -> None:
    write_report(winzig, analyse(winzig), tmp_path / "r", "de")
    with watch(browser) as (page, seen):
        page.goto((tmp_path / "r" / "index.html").as_uri())
        frames = _frames(page)
        assert len(frames) == len(REPORT_VIEWS)
        counts = []
        for frame in frames:
            frame.wait_for_function("() => window.ikg && window.ikg.firstDraw !== null", timeout=30_000)
            counts.append(frame.evaluate("window.network.body.data.nodes.length"))
        shot = page.screenshot(full_page=True)
    assert sorted(counts) == [7, 7, 18]  # gaps and actors: 7 actors; overview: all 18 items
    assert seen.problems() == []
    assert [u for u in seen.requests if not u.startswith(("file://", "about:"))] == []
    assert distinct_colours(shot) > 20


@pytest.mark.browser
def test_hostile_report_runs_no_script_of_the_data(browser, tmp_path: Path) -> None:
    net = _load(_hostile(), tmp_path / "h", "winzig")
    write_report(net, analyse(net), tmp_path / "r", "de")
    with watch(browser) as (page, seen):
        page.goto((tmp_path / "r" / "index.html").as_uri())
        for frame in _frames(page):
            frame.wait_for_function("() => window.ikg && window.ikg.firstDraw !== null", timeout=30_000)
            for node in range(frame.evaluate("window.network.body.data.nodes.length")):
                frame.evaluate(f"window.network.selectNodes([{node}])")
            assert frame.evaluate("window.__xss") is None
        assert page.evaluate("window.__xss") is None
    assert seen.dialogs == []
    assert [p for p in seen.problems() if "Content Security Policy" not in p] == []
