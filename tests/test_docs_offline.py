"""``/docs`` works offline: Swagger UI comes from this server, never from a CDN.

The page must load nothing from outside (the server runs without internet, and the browsers of a
public body's users must not call third parties), and it runs under a strict
Content-Security-Policy: scripts and styles from ``'self'`` plus the hash of the one inline script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest

from .browser import launch, watch
from .live import backend, live_api


class _Links(HTMLParser):
    """Collect every ``src`` and ``href`` of a page and the text of its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [value for name, value in attrs if name in ("src", "href") and value is not None]
        self._in_inline_script = tag == "script" and "src" not in found

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.inline_scripts.append(data)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API under uvicorn on 127.0.0.1 on an empty store; yields its base URL."""
    with backend(tmp_path_factory.mktemp("docs"), seed=False) as settings, live_api(settings) as url:
        yield url


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    # starlette's TestClient is not usable here (it warns that httpx is deprecated for it, and
    # warnings are errors), so the tests talk HTTP to a real server like the other API tests
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def _page(client: httpx.Client) -> tuple[str, _Links]:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    links = _Links()
    links.feed(response.text)
    return response.text, links


def test_docs_page_references_only_this_server(client: httpx.Client) -> None:
    text, links = _page(client)
    assert links.urls, "the page links its script and stylesheet"
    for url in links.urls:
        assert not re.match(r"(?i)^\s*(https?:)?//", url), f"external URL in /docs: {url}"
        assert url.startswith("/"), f"not a path on this server: {url}"
    assert re.findall(r"(?i)https?://", text) == []
    openapi = re.findall(r"url: '([^']*)'", text)
    assert openapi == ["/openapi.json"]
    for url in [*links.urls, *openapi]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
    assert client.get("/openapi.json").json()["paths"].keys() >= {"/sparql"}
    assert "/docs" not in client.get("/openapi.json").json()["paths"]


def test_vendored_assets_have_their_types(client: httpx.Client) -> None:
    _, links = _page(client)
    types = {url.rsplit(".", 1)[-1]: client.get(url).headers["content-type"] for url in links.urls}
    assert types["js"].startswith(("text/javascript", "application/javascript"))
    assert types["css"].startswith("text/css")
    assert client.get("/redoc").status_code == 404  # ReDoc is not offered (it would come from a CDN)


def test_docs_csp_allows_exactly_the_inline_script(client: httpx.Client) -> None:
    response = client.get("/docs")
    csp = response.headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == ["'none'"]
    assert directives.get("connect-src") == ["'self'"]
    assert directives.get("style-src") == ["'self'"]
    links = _Links()
    links.feed(response.text)
    assert len(links.inline_scripts) == 1
    digest = base64.b64encode(hashlib.sha256(links.inline_scripts[0].encode("utf-8")).digest()).decode("ascii")
    assert directives.get("script-src") == ["'self'", f"'sha256-{digest}'"]
    for value in directives.values():
        assert "'unsafe-inline'" not in value and "'unsafe-eval'" not in value and "*" not in value


@pytest.mark.browser
def test_docs_render_and_call_the_api_offline_in_chromium(server: str) -> None:
    with launch() as browser, watch(browser) as (page, seen):
        page.goto(f"{server}/docs")
        try:
            page.wait_for_selector(".opblock[id*='sparql']", timeout=30_000)
        except Exception as exc:  # playwright's TimeoutError; say what the page did instead
            raise AssertionError(f"Swagger UI did not render: {seen.requests=} {seen.problems()=}") from exc
        assert page.locator(".opblock").count() >= 3
        # "Try it out" on GET /queries: the call is a fetch to this server, allowed by connect-src
        block = page.locator(".opblock-get").filter(has=page.locator("[data-path='/queries']")).first
        block.locator(".opblock-summary").click()
        block.locator("button.try-out__btn").click()
        block.locator("button.execute").click()
        status = block.locator(".live-responses-table .response .response-col_status")
        status.wait_for(timeout=30_000)
        assert status.inner_text().strip() == "200"
        page.wait_for_load_state("networkidle")
    origin = urlsplit(server)
    outside = [u for u in seen.requests if (urlsplit(u).scheme, urlsplit(u).netloc) != (origin.scheme, origin.netloc)]
    assert outside == []
    assert {f"{server}/openapi.json", f"{server}/queries"} <= set(seen.requests)
    assert seen.problems() == []
