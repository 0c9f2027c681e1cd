"""API fuzzing: schemathesis generates requests from ikg's own OpenAPI schema and runs every check.

Every operation of the schema (SPARQL endpoint, named queries, gaps, metrics, network, views)
gets generated valid and invalid requests, in process through the ASGI app, with a real Oxigraph
worker pool behind it. Every check schemathesis has must pass: no 5xx, status codes, content
types and bodies as the schema documents them, invalid input rejected, valid input accepted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from ikg.api.http.app import create_app
from ikg.api.http.settings import Settings

from .live import backend, live_api

_state: dict[str, Settings] = {}


@pytest.fixture(scope="module", autouse=True)
def _backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with backend(Path(tmp_path_factory.mktemp("fuzz")), timeout_s=5) as s:
        s.write_token = "fuzz-token"  # writes need it; the fuzzer never has it
        _state["settings"] = s
        yield
    _state.clear()


class _LateSettings(Settings):
    """Settings whose backend is the module's pool, filled in when the first request comes."""

    def __getattribute__(self, name: str) -> object:
        if name in (
            "backend",
            "write_token",
            "query_timeout",
            "max_rows",
            "max_body",
            "max_update_body",
            "max_result_bytes",
            "update_timeout",
        ):
            return getattr(_state["settings"], name)
        return super().__getattribute__(name)


#: SPARQL text is a string to the schema but a language to the server: schema-valid text that is
#: not SPARQL ("0", "") must get 400 with the parser's message (issue 3), so 400 counts as a right
#: answer to schema-valid input there. Every other check, and every other operation, as is.
CONFIG = """
[[operations]]
include-path-regex = "^/sparql$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "406"]
"""


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def _sparql_text(ctx: object, value: object) -> bytes:
    """A SPARQL body is text: generated strings as UTF-8, anything else as its JSON form."""
    import json

    return (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")


APP = create_app(_LateSettings(backend=None, allowed_hosts=("testserver",)))  # the ASGI client's host name
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", APP, config=schemathesis.config.SchemathesisConfig.from_str(CONFIG)
)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("IKG_FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=list(HealthCheck)
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate()


@schemathesis.check
def no_leak(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """No error body shows a traceback or a path of the server's files."""
    try:
        body = response.text if isinstance(response.text, str) else ""
    except UnicodeDecodeError:  # a workbook or a zip: bytes, no text to show anything in
        return
    store = str(_state["settings"].backend.store.path) if "settings" in _state else "/nonexistent"
    for marker in ("Traceback", 'File "', "site-packages", store, str(Path(__file__).resolve().parents[1])):
        if marker in body:
            raise AssertionError(f"the response shows {marker!r}")


@contextmanager
def _client(**settings: object) -> Iterator[httpx.Client]:
    """A client of the API under uvicorn on 127.0.0.1 with these settings."""
    with live_api(Settings(backend=_state["settings"].backend, **settings)) as url, httpx.Client(base_url=url) as c:  # type: ignore[arg-type]
        yield c


PREFLIGHT = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}


def test_cors_is_off_unless_configured() -> None:
    with _client() as client:
        r = client.options("/sparql", headers=PREFLIGHT)
        assert "access-control-allow-origin" not in r.headers
        r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"})
        assert r.status_code == 403 and "access-control-allow-origin" not in r.headers  # refused outright


def test_cors_allows_only_the_configured_origins() -> None:
    with _client(cors_origins=("https://intranet.kreis.example",)) as client:
        ok = client.options("/sparql", headers={**PREFLIGHT, "Origin": "https://intranet.kreis.example"})
        assert ok.headers["access-control-allow-origin"] == "https://intranet.kreis.example"
        assert "access-control-allow-credentials" not in ok.headers
        other = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
