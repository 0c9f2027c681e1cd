"""Readable, accessible network views (issue 15, "Network"), checked on the Beispielkreis.

Hand-checked facts of the Beispielkreis (``data/beispielkreis-2024``): 60 actors; the actor
network has 218 ties, 192 of them for a shared working group and 26 cooperations (no pair has
both); 10 towns (15 actors in Musterau, 5 in each other town); 6 working groups, 42 actors in
exactly one, 2 in several, 16 in none.

In headless Chromium the labels the page draws are measured again from vis-network's own node
positions and the canvas font (not from the page's bookkeeping alone), and must not overlap at
the default zoom; axe-core runs the WCAG 2.0/2.1 A and AA rules on every view and the report in
German and English.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from ikg.graph.analysis.gaps import analyse
from ikg.graph.analysis.network import ConceptNetwork, load_network
from ikg.graph.ingest.importer import open_store
from ikg.viz.report import write_report
from ikg.viz.static import to_svg
from ikg.viz.style import EDGE_KINDS, EDGE_STYLES
from ikg.viz.views import ViewRequest, build_view, render_view

from .browser import DRAWN, launch, watch
from .test_views import VIEW_ARGS
from .test_web_browser import run_axe

WHITE = "#FFFFFF"


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance, written out here independently of ikg.viz.style.contrast."""
    out = 0.0
    for weight, i in ((0.2126, 1), (0.7152, 3), (0.0722, 5)):
        c = int(colour[i : i + 2], 16) / 255
        out += weight * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return out


def ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.fixture(scope="module")
def net() -> ConceptNetwork:
    return load_network(open_store(":memory:"), "beispielkreis-2024")


# --- no browser -----------------------------------------------------------------------------------


def test_contrast_formula_on_known_values() -> None:
    assert ratio("#000000", WHITE) == pytest.approx(21.0)
    assert ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # the classic AA grey


def test_every_edge_kind_has_3_to_1_contrast_and_its_own_dash_pattern() -> None:
    for kind in EDGE_KINDS:
        assert ratio(EDGE_STYLES[kind].color.upper(), WHITE) >= 3.0, kind
    patterns = [EDGE_STYLES[k].dashes for k in EDGE_KINDS]
    assert len(set(patterns)) == len(EDGE_KINDS)


def _legend_counts(page: str) -> dict[str, int]:
    """Legend text -> count, as the page shows them (the visible category list and all edge kinds)."""
    legend = page[page.index('<aside id="ikg-legend"') : page.index("</aside>", page.index('<aside id="ikg-legend"'))]
    legend = re.sub(r'<ul data-mode="[a-z]+" hidden>.*?</ul>', "", legend)
    found = re.findall(r"</svg>([^<]+) <span class=\"n\">\(([\d.]+)\)</span>", legend)
    return {html.unescape(name): int(count.replace(".", "")) for name, count in found}


def test_legend_counts_what_the_actor_view_draws(net: ConceptNetwork) -> None:
    analysis = analyse(net, kinds=())
    graph, _ = build_view(net, analysis, ViewRequest("actors", "de"))
    kinds = [d["kind"] for _, _, d in graph.edges(data=True)]
    assert (graph.number_of_nodes(), kinds.count("shared_group"), kinds.count("cooperation")) == (60, 192, 26)
    page = render_view(net, analysis, ViewRequest("actors", "de", color_by="town"), "html").decode()
    counts = _legend_counts(page)
    assert counts["gemeinsame AG"] == 192 and counts["Kooperation"] == 26
    assert (
        counts["Musterau"] == 15
        and sum(v for k, v in counts.items() if k not in ("gemeinsame AG", "Kooperation")) == 60
    )
    page = render_view(net, analysis, ViewRequest("actors", "en", color_by="group"), "html").decode()
    counts = _legend_counts(page)
    assert counts["no working group"] == 16 and counts["several working groups"] == 2
    assert "Mitglied einer AG" not in page  # memberships are only drawn in the two-mode views


def test_ego_view_counts_only_its_own_nodes(net: ConceptNetwork) -> None:
    analysis = analyse(net, kinds=())
    request = ViewRequest("ego", "de", actor="grundschule-lindenweg")
    graph, _ = build_view(net, analysis, request)
    counts = _legend_counts(render_view(net, analysis, request, "html").decode())
    edges = sum(counts.get(k, 0) for k in ("gemeinsame AG", "Kooperation"))
    assert edges == graph.number_of_edges()
    assert sum(counts.values()) - edges == graph.number_of_nodes() < 60


def test_the_page_has_a_table_of_every_node_and_edge(net: ConceptNetwork) -> None:
    analysis = analyse(net, kinds=())
    page = render_view(net, analysis, ViewRequest("gaps", "en"), "html").decode()
    table = page[page.index('<details class="ikg-table"') :]
    assert table.count('class="ikg-node"') == 60
    assert "Nodes (60)" in table and "Links (238)" in table  # 218 ties + 20 suggested links
    assert "a rare shared goal" in table  # the reasons of the missing links, as text


def _svg_label_boxes(svg: str) -> list[tuple[float, float, float, float]]:
    """The box of each placed label (its white background path) in the SVG's coordinates."""
    root = ElementTree.fromstring(svg.encode())
    boxes = []
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if not group.get("id", "").startswith("label-"):
            continue
        path = next(group.iter("{http://www.w3.org/2000/svg}path"))
        numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
        xs, ys = numbers[0::2], numbers[1::2]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _overlapping(boxes: list[tuple[float, float, float, float]], slack: float = 0.5) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[i + 1 :], start=i + 1)
        if a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]
    ]


def test_static_figure_labels_do_not_overlap(net: ConceptNetwork) -> None:
    graph, heading = build_view(net, analyse(net, kinds=()), ViewRequest("actors", "de"))
    boxes = _svg_label_boxes(to_svg(graph, heading=heading, lang="de"))
    assert len(boxes) >= 20
    assert _overlapping(boxes) == []


def test_cli_color_by(run_ikg: Callable, tmp_path: Path) -> None:
    pages = {}
    for by in ("type", "town"):
        result = run_ikg("view", "actors", "--concept", "beispielkreis-2024", "--color-by", by, "--out", f"{by}.html")
        assert result.returncode == 0, result.stderr
        pages[by] = (tmp_path / f"{by}.html").read_text(encoding="utf-8")
    assert '<option value="town" selected>' in pages["town"] and pages["town"] != pages["type"]
    assert (
        run_ikg("view", "actors", "--concept", "beispielkreis-2024", "--color-by", "x", "--out", "x.html").returncode
        == 2
    )


# --- in the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


@pytest.fixture(scope="module")
def view_files(net: ConceptNetwork, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("readable")
    analysis = analyse(net, kinds=())
    out = {}
    for lang in ("de", "en"):
        for name, args in VIEW_ARGS.items():
            path = folder / f"{name}-{lang}.html"
            path.write_bytes(render_view(net, analysis, ViewRequest(name, lang, **args), "html"))
            out[(name, lang)] = path
    return out


#: the label boxes as drawn, measured again from vis-network's positions and the canvas font
_MEASURE = """() => {
  const ctx = document.createElement("canvas").getContext("2d");
  const pos = window.network.getPositions();
  return window.ikg.labels.map(l => {
    ctx.font = l.font;
    const p = window.network.canvasToDOM(pos[l.id]);
    const w = ctx.measureText(l.text).width + 4, h = parseFloat(l.font) + 4;
    return {id: l.id, text: l.text, px: parseFloat(l.font), x: l.x, y: l.y, w: w, h: h,
            dx: Math.min(Math.abs(l.x + w / 2 - p.x), Math.abs(l.x - p.x), Math.abs(l.x + w - p.x)),
            dy: Math.min(Math.abs(l.y - p.y), Math.abs(l.y + h - p.y), Math.abs(l.y + h / 2 - p.y)),
            name: window.ikg.nodes.get(l.id).key};
  });
}"""


@pytest.mark.browser
def test_labels_are_legible_and_do_not_overlap_at_the_default_zoom(browser: Any, view_files: dict) -> None:
    with watch(browser) as (page, seen):
        page.goto(view_files[("actors", "de")].as_uri())
        page.wait_for_function(DRAWN, timeout=30_000)
        page.wait_for_timeout(300)  # the fit after the first drawing
        labels = page.evaluate(_MEASURE)
        size = page.evaluate(
            "[document.getElementById('ikg-network').clientWidth, document.getElementById('ikg-network').clientHeight]"
        )
    assert seen.problems() == []
    assert len(labels) >= 20  # the important third of the 60 actors at least
    assert all(label["px"] >= 12 for label in labels)  # 13 px on screen, whatever the zoom
    boxes = [(lb["x"], lb["y"], lb["x"] + lb["w"], lb["y"] + lb["h"]) for lb in labels]
    assert _overlapping(boxes, slack=0.0) == []
    for label, box in zip(labels, boxes, strict=True):
        assert box[0] >= 0 and box[2] <= size[0] and box[1] >= 0 and box[3] <= size[1]  # inside the canvas
        assert min(label["dx"], label["dy"]) < 40  # beside its own node
    assert "Kommunales Integrationszent…" in {lb["text"] for lb in labels}  # the hub is named


@pytest.mark.browser
def test_a_node_is_reached_by_keyboard_and_enter_opens_its_profile(
    browser: Any, view_files: dict, net: ConceptNetwork
) -> None:
    with watch(browser) as (page, seen):
        page.goto(view_files[("actors", "de")].as_uri())
        page.wait_for_function(DRAWN, timeout=30_000)
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('vis-network')"):
                break
        assert page.evaluate("document.activeElement.getAttribute('role')") == "application"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
        first = page.evaluate("window.ikg.focused")
        assert first is not None
        assert (
            page.locator("#ikg-focus")
            .inner_text()
            .startswith(page.evaluate(f"window.ikg.nodes.get({first}).title.textContent.split('\\n')[0]"))
        )
        page.keyboard.press("ArrowRight")
        focused = page.evaluate("window.ikg.focused")
        assert focused != first
        page.keyboard.press("Enter")
        panel = page.locator("#ikg-panel")
        assert panel.is_visible()
        assert page.evaluate("document.activeElement.id") == "ikg-panel-title"
        key = page.evaluate(f"window.ikg.nodes.get({focused}).key")
        groups = [net.items[g].label("de") for g in net.memberships().get(key, [])]
        text = panel.inner_text()
        assert net.items[key].label("de") in text and "Arbeitsgruppen" in text
        assert all(g in text for g in groups)
        page.keyboard.press("Escape")
        assert not panel.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('vis-network')")
    assert seen.problems() == []


@pytest.mark.browser
def test_the_profile_names_missing_links_with_reasons(browser: Any, view_files: dict) -> None:
    with watch(browser) as (page, _seen):
        page.goto(view_files[("gaps", "de")].as_uri())
        page.wait_for_function(DRAWN, timeout=30_000)
        page.locator("#ikg-table summary").click()
        page.get_by_role("button", name="Grundschule am Lindenweg Beispielhausen").click()
        text = page.locator("#ikg-panel").inner_text()
        assert "Sprachpaten Kinderland e. V.: " in text and "ein seltenes gemeinsames Ziel" in text


@pytest.mark.browser
def test_colour_by_changes_node_colours_and_edge_kinds_differ_in_dashes(browser: Any, view_files: dict) -> None:
    colours = "() => window.ikg.nodes.get().map(n => n.color.background + '/' + n.shape)"
    with watch(browser) as (page, seen):
        page.goto(view_files[("gaps", "en")].as_uri())
        page.wait_for_function(DRAWN, timeout=30_000)
        by_type = page.evaluate(colours)
        page.select_option("#ikg-color-by", "town")
        by_town = page.evaluate(colours)
        assert by_type != by_town and len(set(by_town)) == 8  # 7 towns of their own + "other"
        assert page.locator("ul[data-mode=town]").is_visible() and not page.locator("ul[data-mode=type]").is_visible()
        dashes = page.evaluate(
            "() => { const d = {}; window.ikg.edges.get().forEach(e => { d[e.kind] = JSON.stringify(e.dashes); }); return d; }"
        )
    assert set(dashes) == {"shared_group", "cooperation", "suggested"}
    assert len(set(dashes.values())) == 3
    assert seen.problems() == []


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_violation_on_any_view(browser: Any, view_files: dict, lang: str) -> None:
    found = {}
    with watch(browser) as (page, seen):
        for name in VIEW_ARGS:
            page.goto(view_files[(name, lang)].as_uri())
            page.wait_for_function(DRAWN, timeout=30_000)
            page.locator("#ikg-table summary").click()  # the table is checked too
            violations = run_axe(page)
            if violations:
                found[name] = violations
    assert not found, found
    assert seen.problems() == []
    assert [u for u in seen.requests if not u.startswith("file://")] == []


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_violation_on_the_report(browser: Any, net: ConceptNetwork, tmp_path: Path, lang: str) -> None:
    write_report(net, analyse(net), tmp_path, lang)
    with watch(browser) as (page, seen):
        page.goto((tmp_path / "index.html").as_uri())
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        assert page.locator("main").count() == 1
        assert run_axe(page) == []
    assert [u for u in seen.requests if not u.startswith(("file://", "about:"))] == []
