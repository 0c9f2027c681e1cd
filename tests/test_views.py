"""The named views of a concept: what each shows (hand-counted on ``winzig``), and their faces.

Counts on ``winzig`` (see tests/test_gaps.py): 7 actors, 2 AGs, 4 goals, 3 action fields, 2 tasks.

* overview: all 18 items;
* actors: 7 actors, 3 ties (club-kita cooperation; ki-mo in ag1; ki-jc in ag2);
* action-field sprache: the field, goals g1 g2 g4, ag1, actors club school ki mo = 9;
* working-group ag2: ag2, its goal g3, members ki jc, its field arbeit, g3's named school = 6;
* ego ki: ki, mo, jc; ego club: club, kita;
* gaps: the actor network plus the 5 missing links as suggested edges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from ikg.graph.analysis.gaps import analyse
from ikg.graph.analysis.network import ConceptNetwork, load_network
from ikg.graph.errors import InputError, NotFoundError
from ikg.graph.ingest.importer import ensure_ready, import_spreadsheet, open_store
from ikg.graph.store.embedded import Store
from ikg.viz.views import ViewRequest, build_view, render_view

from .browser import DRAWN, distinct_colours, launch, watch
from .conftest import write_csv_set
from .live import backend, live_api
from .test_gaps import WINZIG


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> ConceptNetwork:
    store = Store(":memory:")
    ensure_ready(store, seed=False)
    import_spreadsheet(store, write_csv_set(Path(tmp_path_factory.mktemp("winzig")), WINZIG))
    return load_network(store, "winzig")


def _ids(net: ConceptNetwork, graph) -> list[str]:
    return sorted(net.items[n].id for n in graph.nodes)


@pytest.mark.parametrize(
    ("request_", "ids", "edges"),
    [
        (ViewRequest("actors", "en"), ["club", "iso", "jc", "ki", "kita", "mo", "school"], 3),
        (
            ViewRequest("action-field", "en", action_field="sprache"),
            ["ag1", "club", "g1", "g2", "g4", "ki", "mo", "school", "sprache"],
            None,
        ),
        (ViewRequest("working-group", "en", working_group="ag2"), ["ag2", "arbeit", "g3", "jc", "ki", "school"], None),
        (ViewRequest("ego", "en", actor="ki"), ["jc", "ki", "mo"], 2),
        (ViewRequest("ego", "en", actor="club", radius=2), ["club", "kita"], 1),
        (ViewRequest("gaps", "en"), ["club", "iso", "jc", "ki", "kita", "mo", "school"], 8),
    ],
)
def test_what_each_view_shows(net: ConceptNetwork, request_: ViewRequest, ids: list[str], edges: int | None) -> None:
    graph, heading = build_view(net, analyse(net, kinds=()), request_)
    assert _ids(net, graph) == ids
    if edges is not None:
        assert graph.number_of_edges() == edges
    assert heading.endswith("Integrationskonzept Winzig")


def test_overview_and_gap_overlay_details(net: ConceptNetwork) -> None:
    analysis = analyse(net, kinds=())
    graph, _ = build_view(net, analysis, ViewRequest("overview", "de"))
    assert graph.number_of_nodes() == 18
    kinds = {d["kind"] for _, _, d in graph.edges(data=True)}
    assert kinds == {"membership", "cooperation", "pursues", "formulated", "in_field", "addresses"}
    graph, _ = build_view(net, analysis, ViewRequest("gaps", "de", top=1))
    suggested = [(u, v, d) for u, v, d in graph.edges(data=True) if d["kind"] == "suggested"]
    assert len(suggested) == 1
    u, v, data = suggested[0]
    assert {net.items[u].id, net.items[v].id} == {"club", "school"}
    assert "Durchgängige sprachliche Bildung" in data["title"] and "keine Kooperation" in data["title"]
    ki = next(n for n in graph if net.items[n].id == "ki")
    assert graph.nodes[ki]["size_value"] == pytest.approx(1 / 15, abs=1e-6)
    assert "Integrationszentrum" in graph.nodes[ki]["title"]


def test_bad_requests(net: ConceptNetwork) -> None:
    analysis = analyse(net, kinds=())
    with pytest.raises(InputError, match="unknown view"):
        build_view(net, analysis, ViewRequest("galaxy"))
    with pytest.raises(InputError, match="needs --actor"):
        build_view(net, analysis, ViewRequest("ego"))
    with pytest.raises(NotFoundError, match=r"no working group 'ag9'.*ag1, ag2"):
        build_view(net, analysis, ViewRequest("working-group", working_group="ag9"))
    with pytest.raises(InputError, match="radius"):
        build_view(net, analysis, ViewRequest("ego", actor="ki", radius=3))


def test_same_data_same_files(net: ConceptNetwork) -> None:
    for fmt in ("html", "svg", "png"):
        first = render_view(net, analyse(net, kinds=()), ViewRequest("gaps", "de"), fmt)
        second = render_view(net, analyse(net, kinds=()), ViewRequest("gaps", "de"), fmt)
        assert first == second, fmt


def test_cli_view_formats_and_embed(run_ikg: Callable, tmp_path: Path) -> None:
    result = run_ikg(
        "view", "ego", "--concept", "beispielkreis-2024", "--actor", "ki-beispielkreis", "--out", "ki.html", "--embed"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '<iframe sandbox="allow-scripts" src="ki.html" title="ego" width="100%" height="600" '
        'style="border:0" loading="lazy" referrerpolicy="no-referrer"></iframe>'
    )
    page = (tmp_path / "ki.html").read_text(encoding="utf-8")
    assert "Kommunales Integrationszentrum Beispielkreis" in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?https?:", page)
    for name, suffix, magic in (("actors", "svg", b"<?xml"), ("overview", "png", b"\x89PNG")):
        result = run_ikg("view", name, "--concept", "mettmann-2015", "--out", f"v.{suffix}")
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"v.{suffix}").read_bytes().startswith(magic)
    result = run_ikg("view", "overview", "--out", "x.html")
    assert result.returncode == 2 and "beispielkreis-2024, mettmann-2015" in result.stderr
    result = run_ikg("view", "ego", "--concept", "mettmann-2015", "--actor", "nobody", "--out", "x.html")
    assert result.returncode == 1 and "no actor 'nobody'" in result.stderr


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("views-api")
    open_store(base / "store", seed=True)
    with backend(base) as settings, live_api(settings) as url:
        yield url


def test_views_over_http(api: str) -> None:
    params = {"concept": "beispielkreis-2024", "lang": "en"}
    with httpx.Client(base_url=api, timeout=120) as client:
        r = client.get("/views/gaps.html", params=params)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "Missing links: Integration concept of the Beispielkreis district (fictional)" in r.text
        r = client.get("/views/working-group.svg", params={**params, "working_group": "ag-sprache"})
        assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
        r = client.get("/views/ego.png", params={**params, "actor": "ki-beispielkreis", "radius": 2})
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
        assert client.get("/views/ego.html", params=params).status_code == 400
        assert client.get("/views/ego.html", params={**params, "actor": "x"}).status_code == 404
        assert client.get("/views/galaxy.html", params=params).status_code == 404
        assert client.get("/views/gaps.pdf", params=params).status_code == 400
        assert client.get("/views/gaps.html").status_code == 400  # two concepts, none chosen
        by_town = client.get("/views/actors.html", params={**params, "color_by": "town"})
        assert by_town.status_code == 200 and '<option value="town" selected>' in by_town.text
        assert client.get("/views/actors.html", params={**params, "color_by": "colour"}).status_code in (400, 422)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launch() as b:
        yield b


VIEW_ARGS = {
    "overview": {},
    "actors": {},
    "action-field": {"action_field": "sprache"},
    "working-group": {"working_group": "ag-sprache"},
    "ego": {"actor": "ki-beispielkreis", "radius": 2},
    "gaps": {},
}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(VIEW_ARGS))
def test_each_view_draws_offline_in_chromium(browser, tmp_path: Path, name: str) -> None:
    net = load_network(open_store(":memory:"), "beispielkreis-2024")
    request = ViewRequest(name, "de", **VIEW_ARGS[name])
    graph, _ = build_view(net, analyse(net, kinds=()), request)
    path = tmp_path / f"{name}.html"
    path.write_bytes(render_view(net, analyse(net, kinds=()), request, "html"))
    with watch(browser) as (page, seen):
        page.goto(path.as_uri())
        page.wait_for_function(DRAWN, timeout=30_000)
        assert page.evaluate("window.network.body.data.nodes.length") == graph.number_of_nodes()
        assert page.evaluate("window.network.body.data.edges.length") == graph.number_of_edges()
        shot = page.screenshot()
    assert seen.problems() == []
    assert [u for u in seen.requests if not u.startswith("file://")] == []
    assert distinct_colours(shot) > 20
