"""The SPARQL editor of the workbench (``/workbench/sparql``) in real headless Chromium, with and without script.

With script the text area becomes a CodeMirror 5 editor (vendored in
``api/web/static/vendor/codemirror-5.65.21/``): it highlights SPARQL, is named by the page's
label, lets Tab and Shift+Tab leave it, posts what was typed, and inserts the query library's
prefixes in place. Without script the text area and the server's "insert the prefixes" answer do
the same work. axe-core finds no WCAG 2.0/2.1 A or AA violation in German and English; the page
runs only the server's own script files (``script-src 'self'``, nothing inline, nothing from
elsewhere, no Content-Security-Policy violation) and every other page still allows no script.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from ikg.api.web.prefixes import add_prefixes, library_prefixes, prefix_block
from ikg.graph.library.named import library

from .browser import launch, require_chromium, watch
from .live import backend, live_api
from .test_web_browser import local_only, run_axe

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
EDITOR = "/workbench/sparql"
VENDOR = REPO / "api" / "web" / "static" / "vendor" / "codemirror-5.65.21"
#: the Beispielkreis has 60 actors (``data/beispielkreis/actors.csv``)
COUNT = (
    "PREFIX ikg: <https://w3id.org/ikg/ns#> SELECT (COUNT(?a) AS ?n) "
    "WHERE { GRAPH <https://w3id.org/ikg/graph/beispielkreis-2024> { ?a a ikg:Actor } }"
)
#: the words of the page, per language
WORDS = {
    "de": {
        "label": "SPARQL-Abfrage",
        "run": "Ausführen",
        "insert": "Präfixe einfügen",
        "added": "Am Anfang der Abfrage eingefügt:",
    },
    "en": {
        "label": "SPARQL query",
        "run": "Run",
        "insert": "Insert the prefixes",
        "added": "Added at the top of the query:",
    },
}
#: records every Content-Security-Policy violation the page reports (added before the page's own scripts)
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""
#: the contrast of each highlighted token's colour on the editor's background (WCAG's formula)
#: true once the typed lines are highlighted: ``lang`` a built-in, ``"de"`` a string, ``# note`` a comment
#: (CodeMirror draws only the lines near the view, so each class is looked for in what was typed)
TYPED = """() => {
  const has = (cls, text) => [...document.querySelectorAll(`.CodeMirror-code span.${cls}`)]
    .some((s) => s.textContent === text);
  return has("cm-builtin", "lang") && has("cm-string", '"de"') && has("cm-comment", "# note");
}"""
CONTRASTS = """() => {
  const lum = (css) => {
    const [r, g, b] = css.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ground = lum(getComputedStyle(document.querySelector(".CodeMirror")).backgroundColor);
  const out = {};
  for (const span of document.querySelectorAll(".CodeMirror-code span[class*='cm-']")) {
    const fg = lum(getComputedStyle(span).color);
    const [hi, lo] = fg > ground ? [fg, ground] : [ground, fg];
    const ratio = (hi + 0.05) / (lo + 0.05);
    out[span.className] = Math.min(out[span.className] ?? 99, ratio);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    with backend(tmp_path_factory.mktemp("editor"), timeout_s=30) as settings, live_api(settings) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with launch() as b:
        yield b


@contextmanager
def editor_page(browser: Any, url: str) -> Iterator[tuple[Any, Any]]:
    """The editor at ``url``, watched, with a listener for Content-Security-Policy violations; the editor is up."""
    with watch(browser) as (page, seen):
        page.add_init_script(LISTEN)
        page.goto(url)
        try:
            page.wait_for_selector(".CodeMirror .CodeMirror-code", timeout=15_000)
        except Exception:  # Playwright's TimeoutError: say why the editor is missing
            pytest.fail(f"no editor; blocked by the policy: {csp_violations(page)}; problems: {seen.problems()}")
        yield page, seen


def csp_violations(page: Any) -> list[str]:
    """The violations the page reported (and the console lines that name one)."""
    return list(page.evaluate("window.__csp"))


def value(page: Any) -> str:
    """The text in the editor."""
    return str(page.evaluate("window.ikgEditor.getValue()"))


def test_the_page_allows_only_its_own_script_files_and_every_other_page_none(server: str) -> None:
    with httpx.Client(base_url=server, timeout=60) as c:
        r = c.get(EDITOR)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe" not in csp and "http" not in csp and "*" not in csp
        sources = re.findall(r'<script src="([^"]+)" defer></script>', r.text)
        assert r.text.count("<script") == len(sources) == 3  # each a file, nothing inline
        assert sources == [
            "/static/web/vendor/codemirror-5.65.21/lib/codemirror.js",
            "/static/web/vendor/codemirror-5.65.21/mode/sparql/sparql.js",
            "/static/web/sparql-editor.js",
        ]
        for src in sources:
            js = c.get(src)
            assert js.status_code == 200 and "javascript" in js.headers["content-type"], src
        assert (
            "script-src 'self'"
            in c.post(EDITOR, data={"query": "ASK {}"}, headers={"Origin": server}).headers["content-security-policy"]
        )
        others = (
            "/",
            "/concepts/beispielkreis-2024",
            "/concepts/beispielkreis-2024/gaps",
            "/search?q=schule",
            "/workbench/queries",
            "/workbench/queries/wg-members",
            "/workbench/import",
            "/concepts/beispielkreis-2024/actors/gibt-es-nicht",
        )
        for path in others:
            r = c.get(path)
            csp = r.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src" not in csp, path
            assert "<script" not in r.text, path


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_editor_highlights_sparql_and_is_named_by_its_label(server: str, browser: Any, lang: str) -> None:
    words = WORDS[lang]
    with editor_page(browser, f"{server}{EDITOR}?lang={lang}") as (page, seen):
        assert page.locator("textarea#sparql-text").is_hidden()  # replaced, kept for the form
        keywords = page.locator(".CodeMirror-code span.cm-keyword").all_inner_texts()
        assert "SELECT" in keywords and "PREFIX" in keywords and "WHERE" in keywords
        assert "?actor" in page.locator(".CodeMirror-code span.cm-variable-2").all_inner_texts()
        assert "<https://w3id.org/ikg/ns#>" in page.locator(".CodeMirror-code span.cm-atom").all_inner_texts()
        field = page.get_by_role("textbox", name=words["label"], exact=True)
        assert field.count() == 1 and field.get_attribute("contenteditable") == "true"
        assert field.get_attribute("aria-describedby") == "sparql-keys"
        assert "Tab" in page.locator("#sparql-keys").inner_text()  # the keys, shown now that they work
        page.get_by_text(words["label"], exact=True).click()  # the label focuses the editor
        assert page.evaluate("document.activeElement.classList.contains('CodeMirror-code')")
        page.keyboard.type('# note\nFILTER(lang(?x) = "de")')
        # CodeMirror reads what was typed into its contenteditable asynchronously: wait for the line
        page.wait_for_function(TYPED, timeout=10_000)
        contrasts = page.evaluate(CONTRASTS)
        assert {"cm-keyword", "cm-atom", "cm-variable-2", "cm-string", "cm-comment", "cm-builtin"} <= set(contrasts)
        assert min(contrasts.values()) >= 4.5, contrasts
        assert csp_violations(page) == []
        assert seen.problems() == []
        assert local_only(seen.requests) == []


def test_what_is_typed_is_run_and_the_results_shown(server: str, browser: Any) -> None:
    with editor_page(browser, f"{server}{EDITOR}?lang=de") as (page, seen):
        page.get_by_role("textbox", name="SPARQL-Abfrage").click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        assert value(page) == ""
        page.keyboard.type(COUNT)
        assert value(page) == COUNT
        page.get_by_role("button", name="Ausführen").click()
        page.wait_for_selector("table.results")
        assert page.locator("table.results td.num").all_inner_texts() == ["60"]
        page.wait_for_selector(".CodeMirror .CodeMirror-code")  # the editor again, with the query posted
        assert value(page) == COUNT
        assert csp_violations(page) == []
        assert seen.problems() == []
        assert local_only(seen.requests) == []


def test_tab_and_shift_tab_leave_the_editor_and_its_focus_is_visible(server: str, browser: Any) -> None:
    with editor_page(browser, f"{server}{EDITOR}?lang=en") as (page, _seen):
        page.get_by_role("textbox", name="SPARQL query").focus()
        before = value(page)
        wrapper = page.locator(".CodeMirror")
        assert "CodeMirror-focused" in (wrapper.get_attribute("class") or "")
        assert wrapper.evaluate("(e) => getComputedStyle(e).outlineStyle") == "solid"
        assert wrapper.evaluate("(e) => getComputedStyle(e).boxShadow") != "none"
        page.keyboard.press("Tab")
        assert page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]") == [
            "BUTTON",
            "Run",
        ]
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.classList.contains('CodeMirror-code')")
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.activeElement.closest('.CodeMirror') === null")  # out the other side
        assert value(page) == before  # neither key wrote into the query
        page.evaluate("window.ikgEditor.setValue('SELECT * WHERE {'); window.ikgEditor.setCursor(0, 16)")
        page.get_by_role("textbox", name="SPARQL query").focus()
        page.keyboard.press("Enter")
        assert value(page) == "SELECT * WHERE {\n  "  # as the hint says: a new line is indented by itself


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_prefixes_are_inserted_in_the_browser(server: str, browser: Any, lang: str) -> None:
    words = WORDS[lang]
    with editor_page(browser, f"{server}{EDITOR}?lang={lang}") as (page, seen):
        query = "PREFIX ikg: <https://w3id.org/ikg/ns#>\nSELECT * WHERE { ?s skos:prefLabel ?o } LIMIT 1"
        page.evaluate("(q) => window.ikgEditor.setValue(q)", query)
        asked = len(seen.requests)
        page.get_by_role("button", name=words["insert"]).click()
        expected, added = add_prefixes(query)
        assert value(page) == expected and "ikg" not in added and "skos" in added
        status = page.get_by_role("status")
        status.filter(has_text=words["added"]).wait_for()
        assert status.inner_text() == words["added"] + " " + ", ".join(added) + "."
        assert len(seen.requests) == asked  # done in the page, nothing posted
        page.get_by_role("button", name=words["insert"]).click()
        status.filter(has_not_text=words["added"]).filter(has_text=re.compile(r"\w")).wait_for()
        assert value(page) == expected  # nothing twice
        violations = run_axe(page)
        assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)
        assert csp_violations(page) == []
        assert seen.problems() == []


def test_the_prefixes_are_inserted_by_the_server_without_script(server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{server}{EDITOR}?lang=de")
        area = page.get_by_label("SPARQL-Abfrage")
        assert area.evaluate("(e) => e.tagName") == "TEXTAREA" and page.locator(".CodeMirror").count() == 0
        assert area.input_value().startswith(prefix_block())
        area.fill(COUNT.replace("PREFIX ikg: <https://w3id.org/ikg/ns#> ", ""))
        page.get_by_role("button", name="Präfixe einfügen").click()
        page.wait_for_load_state()
        text = page.get_by_label("SPARQL-Abfrage").input_value()
        assert text.startswith(prefix_block()) and text.endswith("?a a ikg:Actor } }")
        assert page.get_by_role("status").inner_text().startswith("Am Anfang der Abfrage eingefügt: ikg, org, skos")
        assert page.locator("table.results").count() == 0  # inserted, not run
        page.get_by_role("button", name="Ausführen").click()
        page.wait_for_selector("table.results")
        assert page.locator("table.results td.num").all_inner_texts() == ["60"]
        assert not any(r.endswith(".js") for r in requests)  # the scripts were not even fetched
        assert local_only(requests) == []
    finally:
        context.close()


def test_the_editor_fits_a_phone_screen(server: str, browser: Any) -> None:
    with watch(browser, width=360, height=720) as (page, _seen):
        page.goto(f"{server}{EDITOR}?lang=de")
        page.wait_for_selector(".CodeMirror .CodeMirror-code")
        page.locator("details.prefixes summary").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # long lines wrap
        box = page.locator(".CodeMirror").bounding_box()
        assert box is not None and box["width"] <= 360


@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_violation_on_the_editor_before_and_after_a_run(server: str, browser: Any, lang: str) -> None:
    found = {}
    with editor_page(browser, f"{server}{EDITOR}?lang={lang}") as (page, seen):
        page.locator("details.prefixes summary").click()  # the list of prefixes open
        if violations := run_axe(page):
            found["editor"] = violations
        page.get_by_role("textbox", name=WORDS[lang]["label"], exact=True).focus()
        if violations := run_axe(page):
            found["editor focused"] = violations
        page.get_by_role("button", name=WORDS[lang]["run"], exact=True).click()
        page.wait_for_selector("table.results")
        page.wait_for_selector(".CodeMirror .CodeMirror-code")
        if violations := run_axe(page):
            found["results"] = violations
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
        assert csp_violations(page) == []
        assert seen.problems() == [], (seen.problems(), seen.requests)
        assert local_only(seen.requests) == []


def test_the_prefixes_are_those_the_library_declares() -> None:
    declared = {
        (m.group(1), m.group(2))
        for q in library().values()
        for m in re.finditer(r"^PREFIX (\w+): <([^>]+)>", q.text, re.M)
    }
    assert set(library_prefixes()) == declared
    assert [name for name, _iri in library_prefixes()][:3] == ["ikg", "org", "skos"]  # the most used first
    text, added = add_prefixes("prefix SKOS: <x>\nprefix skos:<http://www.w3.org/2004/02/skos/core#>\nASK {}")
    assert "skos" not in added and text.count("skos:") == 1 and text.endswith("ASK {}")
    assert add_prefixes(prefix_block() + "ASK {}") == (prefix_block() + "ASK {}", [])


def test_the_vendored_editor_is_documented_and_ships_in_the_wheel() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert "5.65.21" in readme and "sha512-" in readme and "MIT" in readme
    assert (VENDOR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert 'CodeMirror.version = "5.65.21";' in (VENDOR / "lib" / "codemirror.js").read_text(encoding="utf-8")
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = config["package-data"]["ikg.api.web"]
    web = REPO / "api" / "web"
    shipped = {p for pattern in patterns for p in web.glob(pattern) if p.is_file()}
    needed = [*VENDOR.rglob("*"), web / "static" / "sparql-editor.js", web / "static" / "editor.css"]
    assert {p for p in needed if p.is_file()} <= shipped
