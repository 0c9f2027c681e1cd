"""Long lists a page at a time, and the text field that replaces a select of too many ids.

The concept is the small hand-made one of ``tests/conftest.py`` (Kleinstadt) with 205 more
actors, ``a001`` to ``a205`` named ``Akteur 001`` to ``Akteur 205``, all members of the AG
Sprache, and 55 more working groups ``AG 01`` to ``AG 55``. Hand-checked answers:

* working groups by name: ``AG 01`` ... ``AG 55``, ``AG Arbeit``, ``AG Sprache`` (57; ``"ag 01"`` sorts
  before ``"ag arbeit"``), so page 2 of 50 shows rows 51 to 57: ``AG 51`` ... ``AG 55``,
  ``AG Arbeit``, ``AG Sprache``;
* on the action field Sprache: the members of AG Sprache (``ki``, ``verein`` and the 205) and of
  AG Arbeit (Sprache is one of its fields: ``schule``, ``mo``), 209 actors; by name the 205
  ``Akteur`` first, then Förderverein Ölmühle, Gesamtschule Süd, Integrationsbüro,
  Türkisch-Deutscher Elternverein; page 5 shows rows 201 to 209;
* 210 actors (more than 200) make the query forms' actor id a text field; ``verien`` is closest
  to ``verein``.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ikg.api.http.backends import PooledBackend
from ikg.api.http.settings import Settings
from ikg.graph.ingest.importer import import_spreadsheet, open_store

from .conftest import SMALL, write_csv_set
from .live import live_api

KS = "/concepts/kleinstadt-2020"
INVOLVEMENT = "/workbench/queries/actor-involvement"


def tables() -> dict[str, list[list[str]]]:
    """SMALL with 205 more actors in AG Sprache and 55 more working groups."""
    out = copy.deepcopy(SMALL)
    for n in range(1, 206):
        out["akteure"].append([f"a{n:03d}", f"Akteur {n:03d}", "verein", "Kleinstadt", "", ""])
        out["mitgliedschaften"].append([f"a{n:03d}", "ag-sprache", "", "", ""])
    for n in range(1, 56):
        out["arbeitsgruppen"].append([f"ag-{n:02d}", f"AG {n:02d}", "kultur", ""])
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("paging")
    store = open_store(tmp / "store", seed=False)
    import_spreadsheet(store, write_csv_set(tmp / "gross", tables()))
    pooled = PooledBackend(store, size=1)  # type: ignore[arg-type]
    try:
        with live_api(Settings(backend=pooled, query_timeout=30)) as url:
            yield url
    finally:
        pooled.close()


@pytest.fixture
def web(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


def text_of(page: str) -> str:
    """The visible text of a page's main, tags removed and whitespace collapsed."""
    main = page[page.find("<main") : page.find("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def section(page: str, heading_id: str) -> str:
    found = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, flags=re.DOTALL)
    assert found, heading_id
    return found.group(1)


def row_names(part: str) -> list[str]:
    """The link texts of a table's row headers, in order."""
    return [html.unescape(m) for m in re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>', part)]


def test_the_working_groups_of_a_concept_come_a_page_at_a_time(web: httpx.Client) -> None:
    first = section(web.get(KS, params={"lang": "de"}).text, "groups")
    assert row_names(first) == [f"AG {n:02d}" for n in range(1, 51)]
    assert "Einträge 1 bis 50 von 57" in text_of("<main>" + first + "</main>")
    assert 'rel="next"' in first and "page=2" in first
    second = section(web.get(KS, params={"lang": "de", "page": "2"}).text, "groups")
    assert row_names(second) == [*(f"AG {n}" for n in range(51, 56)), "AG Arbeit", "AG Sprache"]
    assert "Einträge 51 bis 57 von 57" in text_of("<main>" + second + "</main>")
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "Vorige Seite (1) Seite 2 von 2" in text_of("<main>" + second + "</main>")


def test_the_actors_on_a_field_are_the_hand_checked_ones_page_by_page(web: httpx.Client) -> None:
    """A guard of the field page's actors, now read from the network in memory (it passed before too)."""
    last = section(web.get(f"{KS}/action-fields/sprache", params={"lang": "de", "page": "5"}).text, "actors")
    assert row_names(last) == [
        *(f"Akteur {n}" for n in range(201, 206)),
        "Förderverein Ölmühle",
        "Gesamtschule Süd",
        "Integrationsbüro",
        "Türkisch-Deutscher Elternverein",
    ]
    assert "Einträge 201 bis 209 von 209" in text_of("<main>" + last + "</main>")
    two = section(web.get(f"{KS}/action-fields/sprache", params={"lang": "de", "page": "2"}).text, "actors")
    assert row_names(two) == [f"Akteur {n:03d}" for n in range(51, 101)]
    # the goals on the field keep their own page (goals_page), named apart from the actors' pages
    page = web.get(f"{KS}/action-fields/sprache", params={"lang": "de", "page": "2"}).text
    assert "Einträge 1 bis 2 von 2" in text_of("<main>" + section(page, "goals") + "</main>")
    assert 'aria-label="Seiten: Akteure"' in section(page, "actors")


def test_more_than_200_ids_are_asked_for_in_a_text_field(web: httpx.Client) -> None:
    page = web.get(INVOLVEMENT, params={"lang": "de", "concept": "kleinstadt-2020"}).text
    assert '<select id="p-actor_id"' not in page
    field = re.search(r'<input id="p-actor_id"[^>]*>', page)
    assert field and 'type="text"' in field.group(0) and 'aria-describedby="h-actor_id"' in field.group(0)
    # the example is an id of this concept, not the library's (``schulen``, from Mettmann)
    assert 'placeholder="a001"' in field.group(0)
    assert "Zu viele zum Auswählen (210 Akteure)" in text_of(page)
    # the concept's own select stays a select
    assert '<select id="p-concept"' in page


def test_an_unknown_id_offers_the_closest_to_run_with(web: httpx.Client) -> None:
    r = web.get(INVOLVEMENT, params={"lang": "de", "concept": "kleinstadt-2020", "actor_id": "verien", "run": "1"})
    assert "meinten Sie verein?" in text_of(r.text)
    link = re.search(r'<p class="retry"><a href="([^"]+)">([^<]+)</a>', r.text)
    assert link and link.group(2) == "Mit verein ausführen"
    href = html.unescape(link.group(1))
    assert "actor_id=verein" in href and "run=1" in href and "concept=kleinstadt-2020" in href
    again = web.get(href)
    assert again.status_code == 200 and "Sprachkurse im Verein" in text_of(again.text)


@pytest.mark.browser
def test_axe_finds_nothing_on_a_paginated_page(base: str) -> None:
    from .browser import launch, watch
    from .test_web_browser import run_axe

    with launch() as browser, watch(browser) as (page, seen):
        for lang in ("de", "en"):
            page.goto(f"{base}{KS}?page=2&lang={lang}")
            pager: Any = page.locator("nav.pager")
            assert pager.count() == 1 and pager.locator("a[rel=prev]").count() == 1
            assert run_axe(page) == [], lang
        assert seen.problems() == []
