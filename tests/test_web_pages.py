"""The web workbench's pages over HTTP: hand-checked facts of the Beispielkreis, languages, 404s, escaping.

The facts below were read off ``data/beispielkreis/*.csv`` by hand (memberships, roles, dates,
cooperations, goals) and off the gap analysis the README documents (the top missing link). The
server is the real app under uvicorn on 127.0.0.1 (Starlette's TestClient warns, and warnings are
errors here); its backend is a plain in-memory store, which is all the pages read.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from ikg.api.http.settings import Settings
from ikg.graph.ingest.importer import import_spreadsheet, open_store
from ikg.graph.store.base import StoreLike

from .conftest import SMALL, write_csv_set
from .live import live_api

BK = "/concepts/beispielkreis-2024"


@dataclass
class MemoryBackend:
    """All the workbench needs of a backend: the store it reads."""

    store: StoreLike


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with live_api(Settings(backend=MemoryBackend(open_store(":memory:")))) as url:  # type: ignore[arg-type]
        yield url


@pytest.fixture
def web(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


def text_of(page: str) -> str:
    """The visible text of a page, tags removed and whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def section(page: str, heading_id: str) -> str:
    """The text of one ``<section aria-labelledby=...>`` of a page."""
    found = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, flags=re.DOTALL)
    assert found, heading_id
    return text_of(found.group(1))


def test_start_page_has_figures_and_top_findings_in_german(web: httpx.Client) -> None:
    r = web.get("/", params={"lang": "de"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-language"] == "de"
    assert '<html lang="de">' in r.text
    text = text_of(r.text)
    assert "Integrationskonzept Beispielkreis (fiktiv)" in text and "Integrationskonzept Kreis Mettmann 2015" in text
    # figures of the Beispielkreis, counted by hand in data/beispielkreis/*.csv
    block = text[
        text.index("Integrationskonzept Beispielkreis (fiktiv)") : text.index("Integrationskonzept Kreis Mettmann")
    ]
    for name, n in (
        ("Akteure", 60),
        ("Arbeitsgruppen", 6),
        ("Ziele", 26),
        ("Handlungsfelder", 6),
        ("Kooperationen", 30),
    ):
        assert f"{name} {n}" in block, name
    # the first of the three most important findings: the top missing link of the README
    assert "Fehlende Verbindungen: Grundschule am Lindenweg Beispielhausen – Sprachpaten Kinderland e. V." in block
    assert block.count("Empfehlung:") == 3
    assert "Abdeckungslücken: Sport" in block


def test_start_page_in_english_and_the_json_index(web: httpx.Client) -> None:
    r = web.get("/", params={"lang": "en"})
    assert '<html lang="en">' in r.text and "Integration concept of the Beispielkreis district" in r.text
    assert "Recommended action:" in r.text and "Empfehlung" not in r.text
    switch = re.search(r'<a class="lang" href="([^"]+)" hreflang="de" lang="de">Deutsch</a>', r.text)
    assert switch and switch.group(1) == "/?lang=de"
    index = web.get("/", headers={"Accept": "application/json"}).json()
    assert [c["id"] for c in index["concepts"]] == ["beispielkreis-2024", "mettmann-2015"]
    assert web.get("/api").json() == index


def test_language_follows_the_one_rule(web: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IKG_LANG")
    assert '<html lang="de">' in web.get("/search").text  # nothing said: German
    assert '<html lang="en">' in web.get("/search", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    monkeypatch.setenv("IKG_LANG", "en")
    assert '<html lang="de">' in web.get("/search", params={"lang": "de"}).text  # ?lang= wins
    # an explicit choice is kept by every link of the page
    page = web.get(BK, params={"lang": "de"}).text
    links = re.findall(r'<a href="(/concepts/[^"]+)"', page)  # all but the language switch
    assert links and all("lang=de" in link for link in links)


def test_actor_page_lists_groups_roles_cooperations_and_contacts(web: httpx.Client) -> None:
    r = web.get(f"{BK}/actors/vhs-beispielkreis", params={"lang": "de"})
    assert r.status_code == 200
    groups = section(r.text, "groups")
    # mitgliedschaften.csv: vhs-beispielkreis leads AG Sprache since 09.2022 and is a member of AG Arbeit
    assert "AG Sprache Leitung 2022-09" in groups
    assert "AG Arbeit und Ausbildung Mitglied —" in groups
    coops = section(r.text, "coops")
    assert "Jobcenter Beispielkreis 2016 Integrationskurse mit Kinderbetreuung" in coops
    assert f'href="{BK}/working-groups/ag-sprache?lang=de"' in r.text
    page = web.get(f"{BK}/actors/grundschule-lindenweg", params={"lang": "en"}).text
    contacts = section(page, "contacts")
    first = contacts.index("Sprachpaten Kinderland e. V.")
    assert first < contacts.index("Deutsch-Arabischer Elternverein Skizzenbach e. V.")
    assert "Why:" in contacts and "Recommended action:" in contacts
    assert "a rare shared goal" in contacts  # a reason of the analysis, in English
    assert "Bring Grundschule am Lindenweg Beispielhausen (Beispielhausen) and Sprachpaten Kinderland e. V." in contacts
    # the action follows from the evidence: the school's own AG is where the partner can meet it
    assert "Invite Sprachpaten Kinderland e. V. into 'Working group school and transitions'" in contacts


def test_coordinator_of_every_group(web: httpx.Client) -> None:
    groups = section(web.get(f"{BK}/actors/ki-beispielkreis", params={"lang": "en"}).text, "groups")
    for name in (
        "Working group language",
        "Working group school and transitions",
        "Working group safety and prevention",
    ):
        assert f"{name} coordination" in groups
    assert groups.count("coordination") == 6


def test_group_goal_field_and_task_pages(web: httpx.Client) -> None:
    members = section(web.get(f"{BK}/working-groups/ag-sprache", params={"lang": "de"}).text, "members")
    assert "Volkshochschule Beispielkreis Leitung 2022-09" in members
    assert "Afrikanischer Elternverein Musterau e. V. Mitglied 2023-03-01" in members
    assert len(re.findall(r"\b(?:Mitglied|Leitung|Koordination)\b", members)) == 8
    goal = web.get(f"{BK}/goals/z-elternarbeit", params={"lang": "de"}).text
    facts = text_of(goal[goal.index('<dl class="facts">') : goal.index("</dl>")])
    assert "Bildung/Ausbildung" in facts and "Vernetzung" in facts and "AG Schule und Übergang" in facts
    assert "Deutsch-Arabischer Elternverein Skizzenbach e. V." in section(goal, "pursuers")
    sport = web.get(f"{BK}/action-fields/sport", params={"lang": "de"}).text
    assert "Das Handlungsfeld „Sport“ hat kein Ziel." in section(sport, "gaps")
    assert "dann ein Ziel formulieren und eine AG dafür gründen" in section(sport, "gaps")
    task = web.get(f"{BK}/tasks/interkulturelle-oeffnung", params={"lang": "en"}).text
    assert "Cross-cutting task: Intercultural opening" in text_of(task)
    assert "has no goal" in section(task, "gaps")


def test_gaps_page_filters_without_javascript(web: httpx.Client) -> None:
    def headings(**params: str) -> list[str]:
        page = web.get(f"{BK}/gaps", params={"lang": "en", **params}).text
        return [text_of(h) for h in re.findall(r"<h3>(.*?)</h3>", page, flags=re.DOTALL)]

    isolated = headings(kind="isolate")
    assert isolated == [
        "Isolated actors: Chorgemeinschaft Modellbrück 1888 e. V.",
        "Isolated actors: Kita Kleine Strolche Testingen",
        "Isolated actors: SV Blau-Gelb Fiktivhagen 1920 e. V.",
    ]
    assert len(headings(kind="coverage")) == 5
    silos = headings(kind="silo", town="Skizzenbach")  # the Skizzenbach community is the town silo: listed once
    assert len(silos) == 1 and "Stadtverwaltung Skizzenbach" in silos[0]
    assert headings(kind="coverage", field="sport") == ["Coverage gaps: Sport"]
    assert "Coverage gaps: Working group work and vocational training" in headings(kind="coverage", group="ag-arbeit")
    assert "Coverage gaps: Working group work and vocational training" not in headings(
        kind="coverage", group="ag-sprache"
    )
    page = web.get(f"{BK}/gaps", params={"lang": "de"}).text
    assert "/gaps?concept=beispielkreis-2024&amp;format=xlsx&amp;top=0&amp;lang=de" in page
    assert "/gaps?concept=beispielkreis-2024&amp;format=csv&amp;top=0&amp;lang=de" in page
    assert "20 bis 20" not in page and "Einträge 1 bis 20 von 241" in text_of(page)
    second = web.get(f"{BK}/gaps", params={"lang": "de", "page": "2"}).text
    assert "Einträge 21 bis 40 von 241" in text_of(second)


def test_long_lists_are_paged(web: httpx.Client) -> None:
    first = text_of(web.get(f"{BK}/actors", params={"lang": "de"}).text)
    assert "Einträge 1 bis 50 von 60" in first and "Seite 1 von 2" in first
    assert first.index("Afghanischer Frauenverein") < first.index("Afrikanischer Elternverein")
    second = text_of(web.get(f"{BK}/actors", params={"lang": "de", "page": "2"}).text)
    assert "Einträge 51 bis 60 von 60" in second


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("AUSLÄNDERBEHÖRDE", "Ausländerbehörde des Beispielkreises"),
        ("auslaender", "Ausländerbehörde des Beispielkreises"),
        ("modellbruck", "Chorgemeinschaft Modellbrück 1888 e. V."),
        ("ag sprache", "AG Sprache"),
        ("elternarbeit", "Mehrsprachige Elternarbeit an Schulen stärken"),
    ],
)
def test_search_ignores_case_and_umlauts(web: httpx.Client, query: str, expected: str) -> None:
    page = web.get("/search", params={"q": query, "lang": "de"}).text
    assert expected in text_of(page)


def test_search_finds_the_actors_of_a_town(web: httpx.Client) -> None:
    page = web.get("/search", params={"q": "Modellbrück", "concept": "beispielkreis-2024", "lang": "en"}).text
    assert "5 results for" in text_of(page)
    assert f'href="{BK}/actors/fc-modellbrueck?lang=en"' in page
    assert "Nothing found" in web.get("/search", params={"q": "zzzz", "lang": "en"}).text


@pytest.mark.parametrize("lang", ["de", "en"])
def test_unknown_ids_get_a_friendly_page_in_the_users_language(web: httpx.Client, lang: str) -> None:
    words = {"de": ("Seite nicht gefunden", "Zur Startseite"), "en": ("Page not found", "To the start page")}[lang]
    for path in (f"{BK}/actors/gibt-es-nicht", f"{BK}/goals/nope", f"{BK}/working-groups/x", "/concepts/nope"):
        r = web.get(path, headers={"Accept-Language": lang}, params={"lang": lang})
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in r.text and all(w in r.text for w in words)
    r = web.get(f"{BK}/actors/gibt-es-nicht", params={"lang": "de"})
    assert "„gibt-es-nicht“" in r.text
    assert "mettmann-2015" in web.get("/concepts/nope", params={"lang": "en"}).text  # names those there are


def test_pages_load_only_the_own_stylesheet_and_run_no_script(web: httpx.Client) -> None:
    for path in ("/", BK, f"{BK}/gaps", f"{BK}/actors/ki-beispielkreis", "/search?q=ki"):
        r = web.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert "<script" not in r.text
        assert re.findall(r'(?:href|src)="(https?:[^"]+)"', r.text) == []
    css = web.get("/static/web/ikg.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tables = copy.deepcopy(SMALL)
    tables["akteure"][3][1] = HOSTILE + " Förderverein"  # verein
    tables["arbeitsgruppen"][1][1] = '"><img src=x onerror=alert(2)> AG'
    tables["ziele"][1][1] = "Ziel <b onmouseover=alert(3)>fett</b>"
    store = open_store(":memory:", seed=False)
    import_spreadsheet(store, write_csv_set(Path(tmp_path_factory.mktemp("hostile")) / "klein", tables))
    with live_api(Settings(backend=MemoryBackend(store))) as url:  # type: ignore[arg-type]
        yield url


def test_hostile_labels_are_escaped_everywhere(hostile: str) -> None:
    with httpx.Client(base_url=hostile, timeout=60) as c:
        paths = [
            "/",
            "/concepts/kleinstadt-2020",
            "/concepts/kleinstadt-2020/actors",
            "/concepts/kleinstadt-2020/actors/verein",
            "/concepts/kleinstadt-2020/working-groups/ag-sprache",
            "/concepts/kleinstadt-2020/goals/z1",
            "/concepts/kleinstadt-2020/action-fields/sprache",
            "/concepts/kleinstadt-2020/gaps",
            "/search?q=script",
            "/search?q=" + HOSTILE,
            "/concepts/kleinstadt-2020/actors/" + HOSTILE,
        ]
        for path in paths:
            r = c.get(path)
            assert r.status_code in (200, 404), path
            assert "<script" not in r.text and "<img" not in r.text and "<b " not in r.text, path
        actor = c.get("/concepts/kleinstadt-2020/actors/verein").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Förderverein" in actor
        assert "&lt;script&gt;" in c.get("/search", params={"q": "script"}).text
