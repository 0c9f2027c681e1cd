"""Network views: layout, escaping, determinism, and the pages in real headless Chromium."""

from __future__ import annotations

import base64
import doctest
import functools
import hashlib
import importlib
import itertools
import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from defusedxml import ElementTree

from bench.viz_bench import synthetic_graph
from ikg.viz.html import embed_snippet, script_json, to_html
from ikg.viz.layout import layout, node_order
from ikg.viz.scene import scene
from ikg.viz.static import to_png, to_svg
from ikg.viz.style import EDGE_KINDS, EDGE_STYLES, NODE_KINDS, NODE_STYLES, TEXTS

from .browser import DRAWN, distinct_colours, launch, watch

# -- graphs ------------------------------------------------------------------------------------


def small_graph() -> nx.Graph:
    """A hand-made concept in the shape the store gives: every kind of node and edge once or more."""
    g = nx.Graph()
    g.add_node("hf-sprache", kind="action_field", label="Sprache", title="Handlungsfeld 1: Sprache")
    g.add_node("hf-arbeit", kind="action_field", label="Arbeit", title="Handlungsfeld 2: Wirtschaft/Arbeit")
    g.add_node("qa-vernetzung", kind="task", label="Vernetzung", title="Querschnittsaufgabe Vernetzung")
    g.add_node("ag-sprache", kind="working_group", label="AG Sprache", title="AG Sprache\n3 Mitglieder", size_value=3)
    g.add_node("ag-arbeit", kind="working_group", label="AG Arbeit", title="AG Arbeit", size_value=2)
    g.add_node("z1", kind="goal", label="Durchgängige sprachliche Bildung", title="Ziel 1")
    g.add_node("z2", kind="goal", label="Übergang Schule – Beruf", title="Ziel 2")
    actors = {
        "ki": ("Kommunales Integrationszentrum", "administration", 0.9),
        "verein": ("Förderverein Ölmühle (Velbert)", "club", 0.4),
        "schule": ("Gesamtschule Süd (Ratingen)", "school", 0.5),
        "mo": ("Türkisch-Deutscher Elternverein", "migrant_organisation", 0.2),
        "caritas": ("Caritas", "welfare", 0.0),
    }
    for key, (name, subkind, value) in actors.items():
        g.add_node(key, kind="actor", label=name, title=f"{name}\nTyp: {subkind}", subkind=subkind, size_value=value)
    g.add_edge("ag-sprache", "hf-sprache", kind="in_field")
    g.add_edge("ag-arbeit", "hf-arbeit", kind="in_field")
    g.add_edge("z1", "hf-sprache", kind="in_field")
    g.add_edge("z2", "hf-arbeit", kind="in_field")
    g.add_edge("z1", "qa-vernetzung", kind="addresses")
    g.add_edge("z1", "ag-sprache", kind="formulated")
    g.add_edge("z2", "ag-arbeit", kind="formulated")
    for actor, ag in [("ki", "ag-sprache"), ("verein", "ag-sprache"), ("schule", "ag-arbeit"), ("mo", "ag-arbeit")]:
        g.add_edge(actor, ag, kind="membership", title="Mitglied seit 2014")
    g.add_edge("verein", "z1", kind="pursues")
    g.add_edge("schule", "z2", kind="pursues")
    g.add_edge("ki", "schule", kind="cooperation", title="Kooperation", weight=2)
    g.add_edge("verein", "mo", kind="suggested", title="Gemeinsames Ziel: Sprachkurse\nverschiedene Orte", weight=0.7)
    return g


def shuffled(graph: nx.Graph, seed: int) -> nx.Graph:
    """The same graph with nodes and edges inserted in another order."""
    rng = random.Random(seed)
    nodes = list(graph.nodes(data=True))
    edges = list(graph.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((v, u, d) if rng.random() < 0.5 else (u, v, d) for u, v, d in edges)
    return g


#: Every payload sets ``window.__xss`` or opens a dialog if it ever runs.
XSS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "javascript:window.__xss=1;alert(1)",
    "</script><script>window.__xss=1;alert(1)</script>",
    "<!--<script>window.__xss=1</script>-->",
    '"\'><svg onload="window.__xss=1;alert(1)">',
    '<a href="javascript:window.__xss=1;alert(1)">href link</a>',
    "line\u2028separator\u2029paragraph');window.__xss=1;//",
    "${window.__xss=1}{{7*7}}\\u003cscript\\u003e",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
]


def hostile_graph() -> nx.Graph:
    """Every payload as a label, as a title (one with "href"), in edge titles and subkinds."""
    g = nx.Graph()
    for i, text in enumerate(XSS):
        kind = NODE_KINDS[i % len(NODE_KINDS)]
        g.add_node(text, kind=kind, label=text, title=f"{text}\nhref={text}", subkind=text)
    nodes = list(g.nodes)
    for i, (u, v) in enumerate(itertools.pairwise(nodes)):
        g.add_edge(u, v, kind=EDGE_KINDS[i % len(EDGE_KINDS)], title=XSS[-1 - i])
    return g


HOSTILE_HEADING = "</title></h1><script>window.__xss=1;alert(1)</script><img src=x onerror=alert(1)> \u2028 \"'"


# -- pages every test family checks ------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def pages() -> dict[str, tuple[nx.Graph, str]]:
    """Name -> (graph, generated HTML) for every variant of the page the tests look at (not to be changed)."""
    small = small_graph()
    return {
        "small-de": (small, to_html(small, heading="Integrationskonzept Kleinstadt")),
        "small-en-physics": (small, to_html(small, heading="Kleinstadt", lang="en", physics=True)),
        "small-bare": (small, to_html(small, heading="ohne Legende", legend=False, search=False)),
        "hostile": (hostile_graph(), to_html(hostile_graph(), heading=HOSTILE_HEADING)),
        "synthetic-300": (synthetic_graph(300), to_html(synthetic_graph(300), heading="300")),
        "empty": (nx.Graph(), to_html(nx.Graph(), heading="leer")),
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[nx.Graph, Path]]:
    folder = tmp_path_factory.mktemp("views")
    out = {}
    for name, (graph, page) in pages().items():
        path = folder / f"{name}.html"
        path.write_text(page, encoding="utf-8")
        out[name] = (graph, path)
    return out


# -- no browser: layout ------------------------------------------------------------------------


def test_layout_ignores_insertion_order() -> None:
    g = small_graph()
    first = layout(g)
    for seed in range(3):
        assert layout(shuffled(g, seed)) == first
    assert len(set(first.values())) == g.number_of_nodes()


def test_layout_of_a_larger_graph_is_deterministic_and_spread() -> None:
    g = synthetic_graph(1200)
    pos = layout(g)
    assert pos == layout(shuffled(g, 7))
    assert len(pos) == g.number_of_nodes()
    assert len(set(pos.values())) > 0.99 * len(pos)


def test_layout_edge_cases() -> None:
    assert layout(nx.Graph()) == {}
    assert layout(nx.empty_graph(1)) == {0: (0.0, 0.0)}
    lonely = layout(nx.empty_graph(9))
    assert len(set(lonely.values())) == 9
    mixed = nx.Graph()
    mixed.add_edge(1, "1")  # ids whose string forms are equal
    mixed.add_edge((2, 3), 2.5)
    mixed.add_edge("x", "x")  # a self-loop
    assert len(layout(mixed)) == 5


def test_node_order_is_a_sort() -> None:
    assert node_order(nx.Graph([("b", "a"), ("c", "a")])) == ["a", "b", "c"]


# -- no browser: escaping ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [*XSS, "\u2028", "\u2029", "<", ">", "&", "</SCRIPT>", "<!--"])
def test_script_json_cannot_end_the_script(text: str) -> None:
    encoded = script_json({"label": text, "list": [text]})
    assert not re.search("[<>&\u2028\u2029]", encoded)
    assert json.loads(encoded) == {"label": text, "list": [text]}


def test_script_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="Out of range"):
        script_json(float("nan"))


class _Tags(HTMLParser):
    """Collects start tags with their attributes and the text of every <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.blocks.append((*self._open, data))
            self._open = None
        elif self._in_h1:
            self.h1.append(data)


def parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


URL_ATTRS = {"src", "href", "action", "formaction", "data", "poster", "srcset", "background", "xlink:href"}


@pytest.mark.parametrize("name", list(pages()))
def test_no_external_reference_in_any_tag(name: str) -> None:
    page = pages()[name][1]
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base", "form"), tag
        for attr, value in attrs.items():
            if attr in URL_ATTRS:
                pytest.fail(f"<{tag} {attr}={value!r}>: the page must not load anything")
            assert not re.search(r"(?i)(https?:|//[a-z0-9])", value or ""), (tag, attr, value)
    assert not re.search(r"(?i)<(script|link|img)[^>]*(src|href)\s*=", page)


@pytest.mark.parametrize("name", list(pages()))
def test_page_structure_and_content_security_policy(name: str) -> None:
    page = pages()[name][1]
    parsed = parse(page)
    scripts = [b for b in parsed.blocks if b[0] == "script"]
    assert [attrs.get("type") for _, attrs, _ in scripts] == ["application/json", None, None]
    assert sum(1 for tag, _ in parsed.tags if tag == "script") == 3  # nothing injected
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    allowed = re.findall(r"'sha256-([^']+)'", csp)
    for kind, attrs, text in parsed.blocks:
        if attrs.get("type") == "application/json":
            continue
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert digest in allowed, kind
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_heading_and_data_are_escaped() -> None:
    page = to_html(hostile_graph(), heading=HOSTILE_HEADING)
    parsed = parse(page)
    assert "".join(parsed.h1) == HOSTILE_HEADING
    assert "<img" not in page and "<a " not in page
    # the only SVG elements are the legend's swatches (issue 15), hidden from assistive technology
    svgs = [attrs for tag, attrs in parsed.tags if tag == "svg"]
    assert svgs and all(a.get("class") in ("sw", "ln") and a.get("aria-hidden") == "true" for a in svgs)
    assert sum(1 for tag, _ in parsed.tags if tag == "script") == 3
    data = next(text for _, attrs, text in parsed.blocks if attrs.get("type") == "application/json")
    decoded = json.loads(data)
    assert {row[1] for row in decoded["nodes"]} == set(XSS)
    assert {row[3] for row in decoded["edges"]} <= set(XSS)


def test_our_script_never_uses_html_sinks() -> None:
    from ikg.viz.page_script import SCRIPT

    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", SCRIPT)


def test_embed_snippet_escapes_and_refuses_scripts() -> None:
    snippet = embed_snippet('views/a"b<c>.html?x=1&y=2', title='AG "Sprache" <b>', width=800, height="60vh")
    assert snippet.startswith('<iframe sandbox="allow-scripts" src="views/a&quot;b&lt;c&gt;.html?x=1&amp;y=2"')
    assert 'title="AG &quot;Sprache&quot; &lt;b&gt;"' in snippet
    assert 'width="800" height="60vh"' in snippet
    assert "allow-same-origin" not in snippet
    for bad in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
    ]:
        with pytest.raises(ValueError, match=r"refusing|whitespace"):
            embed_snippet(bad, title="x")
    for size in ['100" onload="alert(1)', "-1", "1e9", True]:
        with pytest.raises(ValueError, match="must be"):
            embed_snippet("a.html", title="x", width=size)


# -- no browser: input checks, styles, determinism --------------------------------------------


def test_scene_refuses_unknown_kinds_and_bad_numbers() -> None:
    g = nx.Graph()
    g.add_node("a", kind="person", label="A")
    with pytest.raises(ValueError, match="node 'a' has kind 'person'"):
        scene(g)
    g = small_graph()
    g.add_edge("ki", "mo", kind="friendship")
    with pytest.raises(ValueError, match="kind 'friendship'"):
        to_html(g, heading="x")
    g = small_graph()
    g.nodes["ki"]["size_value"] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        to_svg(g, heading="x", lang="de")
    with pytest.raises(ValueError, match="lang"):
        to_html(small_graph(), heading="x", lang="fr")
    with pytest.raises(ValueError, match="dpi"):
        to_png(small_graph(), heading="x", lang="de", dpi=0)


def test_scene_texts_and_sizes() -> None:
    g = nx.Graph()
    g.add_node("a", kind="actor", size_value=4.0)
    g.add_node("b", kind="actor", label="B", size_value=1.0, title="lone \ud800 surrogate")
    g.add_node("c", kind="goal", label="C")
    view = scene(g)
    a, b, c = view.nodes
    assert (a.label, a.title) == ("a", "a")  # label falls back to the id, title to the label
    assert b.title == "lone \ufffd surrogate"
    assert a.size > b.size and c.size == NODE_STYLES["goal"].size


def test_styles_cover_every_kind_in_both_languages() -> None:
    assert set(NODE_STYLES) == set(NODE_KINDS) and set(EDGE_STYLES) == set(EDGE_KINDS)
    # every edge kind has its own dash pattern (issue 15: not told apart by colour alone)
    assert len({EDGE_STYLES[k].dashes for k in EDGE_KINDS}) == len(EDGE_KINDS)
    assert len({s.color for s in NODE_STYLES.values()}) == len(NODE_KINDS)
    assert len({s.shape for s in NODE_STYLES.values()}) == len(NODE_KINDS)
    for lang in ("de", "en"):
        assert set(NODE_KINDS) | set(EDGE_KINDS) <= set(TEXTS[lang])
    assert TEXTS["de"].keys() == TEXTS["en"].keys()


def test_html_and_svg_are_byte_identical_for_the_same_graph() -> None:
    g = small_graph()
    other = shuffled(g, 3)
    assert to_html(g, heading="x") == to_html(g, heading="x") == to_html(other, heading="x")
    assert to_svg(g, heading="x", lang="en") == to_svg(other, heading="x", lang="en")
    assert to_png(g, heading="x", lang="de", dpi=40) == to_png(other, heading="x", lang="de", dpi=40)
    assert to_html(g, heading="x", lang="en") != to_html(g, heading="x")


def test_svg_is_well_formed_and_carries_no_markup_from_the_data() -> None:
    g = hostile_graph()
    g.add_node("math", kind="goal", label="$\\undefinedmacro{x}$ a_b ^c $$", title="")
    g.add_node("glyphs", kind="goal", label="漢字 𓀀 🙂 \x00\x07", title="")
    svg = to_svg(g, heading=HOSTILE_HEADING + " $x^2$", lang="de")
    root = ElementTree.fromstring(svg.encode())
    names = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert not names & {"script", "foreignObject", "a", "iframe", "image"}
    assert "<script" not in svg and "<img" not in svg  # the texts survive only as escaped text
    texts = _svg_texts(svg)
    assert any(text.startswith("$\\undefinedmacro{x}$ a_b") for text in texts)  # as written, not as TeX
    assert "</script><script>window.__x…" in texts  # escaped in the file, the same text when read
    for el in root.iter():
        for attr, value in el.attrib.items():
            assert not attr.lower().startswith("on"), attr
            assert "javascript:" not in value.lower()
    png = to_png(g, heading=HOSTILE_HEADING, lang="en", dpi=40)
    assert png.startswith(b"\x89PNG") and distinct_colours(png) > 8


def _svg_texts(svg: str) -> list[str]:
    """The texts of an SVG's ``<text>`` elements: what a screen reader reads and a search finds."""
    root = ElementTree.fromstring(svg.encode())
    return ["".join(el.itertext()) for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "text"]


def test_static_views_show_the_legend_in_the_chosen_language() -> None:
    de = _svg_texts(to_svg(small_graph(), heading="x", lang="de"))
    en = _svg_texts(to_svg(small_graph(), heading="x", lang="en"))
    # the legend counts what is drawn (issue 15); the texts are text, not glyph outlines (WCAG 1.4.5)
    assert "Arbeitsgruppe (2)" in de and "Working group (2)" in en
    assert any(re.fullmatch(r"vorgeschlagene Verbindung \(Lücke\) \(\d+\)", text) for text in de)
    assert "Legende" in de and "Legend" in en and "x" in de


def test_a_legend_longer_than_its_room_is_drawn_whole_in_the_png() -> None:
    # the PNG is cut out of the drawing that measures it while everything lies inside the figure;
    # a town name too long for the legend's room is drawn again, larger, not cut off
    import io

    from PIL import Image

    from ikg.viz.static import LEGEND_IN, WIDTH_IN, to_svg_png

    def graph(town: str) -> nx.Graph:
        g = nx.Graph()
        g.add_node("a", kind="actor", label="A", title="", type_label="Verwaltung", town=town)
        g.add_node("b", kind="actor", label="B", title="", type_label="Schule", town="Kurz")
        g.add_edge("a", "b", kind="cooperation")
        return g

    sizes = {}
    for town in ("Mettmann", "Stadt " + "Langername" * 8):
        svg, png = to_svg_png(graph(town), heading="Netz", lang="de", color_by="town")
        image = Image.open(io.BytesIO(png)).convert("L")
        sizes[town] = image.size
        right_edge = [image.getpixel((image.width - 40 - dx, y)) for dx in range(200) for y in range(image.height)]
        assert min(right_edge) < 128, town  # something drawn near the right edge: the legend, whole
        assert any(text.startswith(town[:20]) for text in _svg_texts(svg))
    short, long = sizes.values()
    assert short[0] < (WIDTH_IN + LEGEND_IN) * 150 < long[0]


@pytest.mark.parametrize("name", ["ikg.viz.layout", "ikg.viz.style", "ikg.viz.scene", "ikg.viz.html", "ikg.viz.static"])
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


# -- headless Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b


def _network_counts(frame) -> list[int]:
    return frame.evaluate("() => [network.body.data.nodes.length, network.body.data.edges.length]")


@pytest.mark.browser
@pytest.mark.parametrize("name", list(pages()))
def test_page_draws_offline_without_errors(browser, generated, name: str) -> None:
    graph, path = generated[name]
    with watch(browser) as (page, seen):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(DRAWN, timeout=30_000)
        assert _network_counts(page) == [graph.number_of_nodes(), graph.number_of_edges()]
        assert page.evaluate("() => typeof window.__xss") == "undefined"
        shot = page.locator("#ikg-network").screenshot()
    assert seen.problems() == []
    assert seen.requests == [path.as_uri()]  # nothing but the page itself, not even another file
    if graph.number_of_nodes():
        assert distinct_colours(shot) > 20  # not blank: nodes, edges, labels in several colours


@pytest.mark.browser
def test_page_works_inside_a_sandboxed_iframe(browser, generated, tmp_path: Path) -> None:
    graph, path = generated["small-de"]
    view = tmp_path / "view.html"
    view.write_bytes(path.read_bytes())
    wrapper = tmp_path / "report.html"
    snippet = embed_snippet("view.html", title="Netzwerk", width=900, height=600)
    wrapper.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Bericht</title></head>"
        f"<body><p>Bericht</p>{snippet}</body></html>",
        encoding="utf-8",
    )
    with watch(browser, width=1000, height=700) as (page, seen):
        page.goto(wrapper.as_uri(), wait_until="load")
        frame = page.frame_locator("iframe")
        frame.locator("#ikg-network canvas").wait_for(timeout=30_000)
        inner = next(f for f in page.frames if f.url.endswith("/view.html"))
        inner.wait_for_function(DRAWN, timeout=30_000)
        assert _network_counts(inner) == [graph.number_of_nodes(), graph.number_of_edges()]
        assert inner.evaluate("() => window.origin") == "null"  # sandboxed: no origin of its own
        assert (
            inner.evaluate("() => { try { return window.parent.document.title; } catch (e) { return 'blocked'; } }")
            == "blocked"
        )
        shot = page.locator("iframe").screenshot()
    assert seen.problems() == []
    assert seen.requests == [wrapper.as_uri(), view.as_uri()]
    assert distinct_colours(shot) > 20


def _hover_every_item(page) -> list[str]:
    """Move the mouse over every node and edge middle; return the tooltip texts seen."""
    points = page.evaluate(
        """() => {
          const pos = network.getPositions();
          const out = [];
          for (const id of network.body.data.nodes.getIds()) out.push(network.canvasToDOM(pos[id]));
          for (const e of network.body.data.edges.get()) {
            const a = pos[e.from], b = pos[e.to];
            out.push(network.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}));
          }
          const box = document.getElementById('ikg-network').getBoundingClientRect();
          return out.map(p => [p.x + box.left, p.y + box.top]);
        }"""
    )
    seen = []
    for x, y in points:
        page.mouse.move(x, y)
        page.wait_for_timeout(300)
        tip = page.evaluate(
            """() => { const t = document.querySelector('div.vis-tooltip');
                       if (!t || t.style.visibility !== 'visible') return null;
                       return [t.textContent, t.querySelectorAll('*:not(div.ikg-tip)').length]; }"""
        )
        if tip is not None:
            assert tip[1] == 0, "a tooltip contains elements from the data"
            seen.append(tip[0])
    return seen


@pytest.mark.browser
def test_xss_corpus_stays_text(browser, generated) -> None:
    _, path = generated["hostile"]
    with watch(browser) as (page, seen):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(DRAWN, timeout=30_000)
        assert page.locator("h1").text_content() == HOSTILE_HEADING
        assert "<script>window.__xss=1" in page.title()
        # the page draws the labels itself (issue 15): the texts it has and the ones it drew
        labels = page.evaluate("() => JSON.parse(document.getElementById('ikg-data').textContent).nodes.map(n => n[1])")
        assert sorted(labels) == sorted(XSS)
        drawn = page.evaluate("() => window.ikg.labels.map(l => l.text)")
        assert drawn and all(text in XSS or text.endswith("…") for text in drawn)
        titles = _hover_every_item(page)
        node_titles = {f"{t}\nhref={t}" for t in XSS}
        assert set(titles) <= node_titles | set(XSS)
        assert set(titles) & node_titles and set(titles) & set(XSS), "tooltips of nodes and edges must appear"
        search = page.locator("#ikg-search")
        for text in XSS[:4]:
            search.fill(text)
            hits = page.locator("#ikg-status").text_content()
            assert re.fullmatch(r"[12] Treffer", hits), hits  # one payload contains another
        page.keyboard.press("Enter")
        page.wait_for_timeout(200)
        assert page.evaluate("() => typeof window.__xss") == "undefined"
        assert page.locator("img, a, iframe").count() == 0
        assert page.locator("svg").count() == page.locator("svg[aria-hidden=true].sw, svg[aria-hidden=true].ln").count()
        assert page.locator("script").count() == 3
    assert seen.dialogs == []
    assert seen.problems() == []
    assert seen.requests == [path.as_uri()]


@pytest.mark.browser
def test_controls_search_filter_and_physics(browser, generated) -> None:
    graph, path = generated["small-de"]
    with watch(browser) as (page, seen):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(DRAWN, timeout=30_000)
        page.locator("#ikg-search").fill("verein")  # label "Förderverein", "Elternverein"
        assert page.locator("#ikg-status").text_content() == "2 Treffer"
        assert sorted(
            page.evaluate("() => network.getSelectedNodes().map(i => network.body.data.nodes.get(i).key)")
        ) == ["mo", "verein"]
        page.locator("#ikg-search").fill("school")  # the subkind is searched too
        assert page.locator("#ikg-status").text_content() == "1 Treffer"
        # actors are filtered by the categories of the colouring shown (issue 15): all of them hide all actors
        boxes = page.locator("input[data-mode-of=type]")
        for i in range(boxes.count()):
            boxes.nth(i).uncheck()
        hidden = page.evaluate("() => network.body.data.nodes.get({filter: n => n.hidden}).length")
        assert hidden == sum(1 for _, k in graph.nodes(data="kind") if k == "actor")
        boxes.first.check()
        assert page.evaluate("() => network.body.data.nodes.get({filter: n => n.hidden}).length") < hidden
        page.select_option("#ikg-color-by", "town")  # another colouring shows every node again
        assert page.evaluate("() => network.body.data.nodes.get({filter: n => n.hidden}).length") == 0
        page.locator("input[data-kind=goal]").uncheck()
        hidden = page.evaluate("() => network.body.data.nodes.get({filter: n => n.hidden}).length")
        assert hidden == sum(1 for _, k in graph.nodes(data="kind") if k == "goal")
        page.locator("input[data-kind=goal]").check()
        page.locator("input[data-kind=suggested]").uncheck()
        assert page.evaluate("() => network.body.data.edges.get({filter: e => e.hidden}).length") == 1
        assert page.evaluate("() => network.physics.options.enabled") is False
        page.locator("#ikg-physics").check()
        assert page.evaluate("() => network.physics.options.enabled") is True
        dashes = page.evaluate("() => network.body.data.edges.get().map(e => [e.kind, JSON.stringify(e.dashes)])")
        assert len({d for _, d in dashes}) == len({k for k, _ in dashes})  # a dash pattern per kind
    assert seen.problems() == []


@pytest.mark.browser
def test_physics_argument_starts_the_simulation(browser, generated) -> None:
    _, path = generated["small-en-physics"]
    with watch(browser) as (page, seen):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(DRAWN, timeout=30_000)
        assert page.evaluate(
            "() => [network.physics.options.enabled, document.getElementById('ikg-physics').checked]"
        ) == [True, True]
        assert page.locator("#ikg-legend h2").text_content() == "Legend"
    assert seen.problems() == []
