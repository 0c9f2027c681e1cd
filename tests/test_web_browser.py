"""The web workbench in real headless Chromium: axe-core on every page type, a coordinator's job, keyboard.

axe-core (vendored in ``tests/vendor/axe-core/``, see its README) runs the WCAG 2.0 and 2.1 A and
AA rules on each kind of page in German and English; the tests ask for zero violations. The
server is the app under uvicorn on 127.0.0.1 with the pooled backend ``ikg serve`` uses, on a
store seeded with Mettmann 2015 and the Beispielkreis. Every request a page makes is recorded:
none may leave 127.0.0.1, and no page may log a problem (a blocked resource would).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .browser import launch, require_chromium, watch
from .live import backend, live_api

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BK = "/concepts/beispielkreis-2024"
#: one page of each type the workbench has
PAGES = {
    "start": "/",
    "concept": BK,
    "actor list": f"{BK}/actors",
    "actor": f"{BK}/actors/grundschule-lindenweg",
    "working group": f"{BK}/working-groups/ag-sprache",
    "goal": f"{BK}/goals/z-elternarbeit",
    "action field": f"{BK}/action-fields/sprache",
    "task": f"{BK}/tasks/interkulturelle-oeffnung",
    "gaps": f"{BK}/gaps?kind=coverage",
    "search results": "/search?q=schule",
    "not found": f"{BK}/actors/gibt-es-nicht",
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    with backend(tmp_path_factory.mktemp("web"), timeout_s=30) as settings, live_api(settings) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with launch() as b:
        yield b


def run_axe(page: Any) -> list[dict[str, Any]]:
    """The WCAG A/AA violations axe-core finds on the page (evaluated through the DevTools protocol:
    the page's Content-Security-Policy, which allows no script, stays in force)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG
    )
    assert result["testEngine"]["version"] == "4.14.1" and len(result["passes"]) >= 10  # axe really ran
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]
    ]


def local_only(requests: list[str]) -> list[str]:
    """The requests that went anywhere but 127.0.0.1."""
    return [r for r in requests if urlsplit(r).hostname != "127.0.0.1"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_wcag_violation_on_any_page_type(server: str, browser: Any, lang: str) -> None:
    found = {}
    with watch(browser) as (page, seen):
        for name, path in PAGES.items():
            sep = "&" if "?" in path else "?"
            page.goto(f"{server}{path}{sep}lang={lang}")
            assert page.evaluate("document.documentElement.lang") == lang
            assert page.locator("h1").count() == 1, name
            if name == "not found":  # the page itself answers 404, which Chromium logs
                seen.console = [c for c in seen.console if "status of 404" not in c]
            violations = run_axe(page)
            if violations:
                found[name] = violations
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
        assert seen.problems() == [], seen.requests
        assert local_only(seen.requests) == []


def test_axe_would_see_a_violation(server: str, browser: Any) -> None:
    """The check above can fail: a page without its language and with a low-contrast text is caught."""
    with watch(browser) as (page, _seen):
        page.goto(f"{server}/?lang=de")
        page.evaluate(
            "document.documentElement.removeAttribute('lang'); document.querySelector('h1').style.color = '#bbb'"
        )
        assert {"html-has-lang", "color-contrast"} <= {v["id"] for v in run_axe(page)}


def test_a_coordinator_finds_an_actor_and_its_recommended_contacts(server: str, browser: Any) -> None:
    with watch(browser) as (page, seen):
        page.goto(f"{server}/?lang=de")
        page.get_by_label("Akteur, AG oder Ziel suchen").first.fill("grundschule am lindenweg")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?**")
        assert "1 Treffer" in page.locator("h2").first.inner_text()
        page.get_by_role("link", name="Grundschule am Lindenweg Beispielhausen").click()
        page.wait_for_url(f"**{BK}/actors/grundschule-lindenweg?lang=de")
        assert page.locator("h1").inner_text() == "Grundschule am Lindenweg Beispielhausen"
        contacts = page.locator("section[aria-labelledby=contacts]")
        first = contacts.locator("article").first
        assert first.locator("h3").inner_text() == "Sprachpaten Kinderland e. V. (Skizzenbach)"
        reasons = first.locator("ul.reasons li").all_inner_texts()
        assert any("ein seltenes gemeinsames Ziel" in r for r in reasons)
        assert "Empfehlung:" in first.locator("p.action").inner_text()
        first.get_by_role("link", name="Sprachpaten Kinderland e. V.").click()
        page.wait_for_url(f"**{BK}/actors/sprachpaten-kinderland?lang=de")
        assert seen.problems() == []
        assert local_only(seen.requests) == []
        assert len(seen.requests) >= 8  # pages and their stylesheet, all from this server


def test_tab_reaches_the_skip_link_first_and_it_leads_to_the_content(server: str, browser: Any) -> None:
    with watch(browser) as (page, _seen):
        page.goto(f"{server}{BK}/actors/ki-beispielkreis?lang=de")
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent]")
        assert focused == ["skip", "Zum Inhalt springen"]
        box = page.locator("a.skip").bounding_box()
        assert box is not None and box["y"] >= 0  # shown when focused
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"  # a visible focus indicator
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('main') !== null")


def test_gaps_filter_works_with_the_keyboard_alone(server: str, browser: Any) -> None:
    with watch(browser) as (page, seen):
        page.goto(f"{server}{BK}/gaps?lang=en")
        page.get_by_label("Kind of gap").select_option("isolate")
        page.get_by_label("Town").select_option("Testingen")
        page.get_by_role("button", name="Apply filters").press("Enter")
        page.wait_for_url("**kind=isolate**")
        assert page.locator("main h3").all_inner_texts() == ["Isolated actors: Kita Kleine Strolche Testingen"]
        assert page.get_by_label("Town").input_value() == "Testingen"
        assert local_only(seen.requests) == []


@pytest.mark.parametrize("path", ["/", f"{BK}/actors/ki-beispielkreis", f"{BK}/gaps"])
def test_pages_fit_a_phone_screen(server: str, browser: Any, path: str) -> None:
    with watch(browser, width=360, height=720) as (page, _seen):
        page.goto(f"{server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
