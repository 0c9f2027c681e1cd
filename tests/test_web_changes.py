"""The workbench page of what a revision changed: the hand-worked pair of tests/data/fortschreibung.

Musterstadt 2024 revises Musterstadt 2019 (README there): Kita E and the AG Sprache are new, the
Jobcenter C is gone; of the old version's gaps five are closed, one is open, four are new. The
page says so in the same lines as the report and ``ikg gaps --since``, and links what is new.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ikg.api.http.settings import Settings
from ikg.graph.ingest.importer import ensure_ready, import_spreadsheet
from ikg.graph.store.embedded import Store

from .live import live_api
from .test_web_pages import MemoryBackend

PAIR = Path(__file__).parent / "data" / "fortschreibung"
NEW = "/concepts/musterstadt-2024"


@pytest.fixture(scope="module")
def web() -> Iterator[httpx.Client]:
    store = Store(":memory:")
    ensure_ready(store, seed=False)
    for version in ("alt", "neu"):
        import_spreadsheet(store, PAIR / version)
    with live_api(Settings(backend=MemoryBackend(store))) as url:  # type: ignore[arg-type]
        client = httpx.Client(base_url=url, timeout=60)
        yield client
        client.close()


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_concept_page_links_what_changed_since_the_version_it_revises(web: httpx.Client) -> None:
    page = web.get(NEW, params={"lang": "de"}).text
    assert f'href="{NEW}/changes?lang=de"' in page
    assert "Was sich seit musterstadt-2019 geändert hat" in _text(page)
    old = web.get("/concepts/musterstadt-2019", params={"lang": "de"}).text
    assert "/changes" not in old  # it revises nothing


def test_the_changes_page_says_what_the_hand_worked_pair_says(web: httpx.Client) -> None:
    response = web.get(f"{NEW}/changes", params={"lang": "de"})
    assert response.status_code == 200
    text = _text(response.text)
    assert "Geschlossen (5)" in text and "Noch offen (1)" in text and "Neu (4)" in text
    page = response.text
    added = _text(page[page.index('id="added"') : page.index('id="removed"')])
    removed = _text(page[page.index('id="removed"') : page.index('id="gaps-then"')])
    assert "Kita E" in added and "Jobcenter C" not in added
    assert "Jobcenter C" in removed and "Kita E" not in removed
    assert f'href="{NEW}/actors/e?lang=de"' in response.text  # what is new links to its page
    assert f'href="{NEW}/actors/c' not in response.text  # what is gone has no page to link to


def test_a_version_that_is_not_in_the_store_gets_the_friendly_404(web: httpx.Client) -> None:
    response = web.get(f"{NEW}/changes", params={"lang": "en", "since": "rahmen-2007"})
    assert response.status_code == 404
    assert "rahmen-2007" in _text(response.text)


def test_the_changes_page_and_an_open_how_we_know_pass_axe(tmp_path: Path) -> None:
    """axe-core finds no WCAG 2.0/2.1 A or AA violation on the page, nor on a finding whose
    "how we know" part is opened by the keyboard (in headless Chromium)."""
    from .browser import launch, require_chromium, watch
    from .test_web_browser import local_only, run_axe

    require_chromium()
    store = Store(":memory:")
    ensure_ready(store, seed=False)
    for version in ("alt", "neu"):
        import_spreadsheet(store, PAIR / version)
    served = live_api(Settings(backend=MemoryBackend(store)))  # type: ignore[arg-type]
    with served as url, launch() as browser, watch(browser) as (page, seen):
        for lang in ("de", "en"):
            page.goto(f"{url}{NEW}/changes?lang={lang}")
            assert page.locator("h1").count() == 1
            assert run_axe(page) == []
            page.goto(f"{url}{NEW}/gaps?lang={lang}")
            summary = page.locator("details.how summary").first
            summary.focus()
            page.keyboard.press("Enter")
            assert page.locator("details.how").first.get_attribute("open") is not None
            assert run_axe(page) == []
        assert seen.problems() == [] and local_only(seen.requests) == []
