"""Result tables of the workbench speak the page's language: headers and the codes of some columns.

The server is the app under uvicorn with the pooled backend ``ikg serve`` uses, on a store seeded
with the shipped concepts (as in ``tests/test_web_workbench.py``). Facts: the actor ``stadtbibliothek-erdachtrup`` of the Beispielkreis is a member of working
groups and so reaches the goals of its own groups (``queries/actor-involvement.rq``). Downloads keep
the variable names and codes; every variable of every library query has a header in both languages.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from rdflib import Literal
from rdflib.plugins.sparql import prepareQuery

from ikg.api.web.columns import coded_value, column_label, has_label, select_variables
from ikg.api.web.tables import ResultTable
from ikg.graph.i18n import LANGS, catalogue
from ikg.graph.library.named import library

from .live import backend, live_api

INVOLVEMENT = "/workbench/queries/actor-involvement"
RUN = {"actor_id": "stadtbibliothek-erdachtrup", "concept": "beispielkreis-2024", "run": "1"}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with backend(tmp_path_factory.mktemp("columns"), timeout_s=30, workers=1) as settings, live_api(settings) as url:
        yield url


@pytest.fixture
def web(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


def _texts(page: str, part: str, cell: str) -> list[str]:
    """The visible text of each ``cell`` (th, td) in the ``part`` (thead, tbody) of the result table."""
    found = re.search(rf"<{part}>(.*?)</{part}>", page, flags=re.DOTALL)
    assert found, "no result table"
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
        for c in re.findall(rf"<{cell}[^>]*>(.*?)</{cell}>", found[1], flags=re.DOTALL)
    ]


def headers(page: str) -> list[str]:
    """The visible text of each column header of the result table."""
    return _texts(page, "thead", "th")


def cells(page: str) -> list[str]:
    """The visible text of every cell of the result table."""
    return _texts(page, "tbody", "td")


def test_actor_involvement_in_german_has_german_headers_and_codes(web: httpx.Client) -> None:
    r = web.get(INVOLVEMENT, params={**RUN, "lang": "de"})
    assert r.status_code == 200
    shown = headers(r.text)
    assert shown[:2] == ["Konzept – aufsteigend sortieren concept", "Beziehung – aufsteigend sortieren relation"]
    assert "ID des Eintrags – aufsteigend sortieren item_id" in shown
    found = cells(r.text)
    assert "Mitglied der AG" in found and "Ziel der eigenen AG" in found
    assert "member_of" not in found and "goal_of_own_group" not in found
    # sorting still goes by the variable name
    assert 'href="/workbench/queries/actor-involvement?' in r.text and "sort=relation" in r.text


def test_actor_involvement_in_english_has_english_headers_and_codes(web: httpx.Client) -> None:
    r = web.get(INVOLVEMENT, params={**RUN, "lang": "en"})
    assert r.status_code == 200
    shown = headers(r.text)
    assert shown[1] == "Relation – sort ascending relation"
    found = cells(r.text)
    assert "Member of the working group" in found and "Goal of its own working group" in found


def test_roles_and_actor_types_show_the_vocabulary_labels(web: httpx.Client) -> None:
    params = {"wg_id": "ag-sprache", "concept": "beispielkreis-2024", "run": "1"}
    german = cells(web.get("/workbench/queries/wg-members", params={**params, "lang": "de"}).text)
    # the AG Sprache of the Beispielkreis: the integration centre coordinates, the VHS leads
    assert {"Koordination", "Leitung", "Mitglied", "Kommunales Integrationszentrum"} <= set(german)
    assert not {"coordination", "lead", "member", "integration_centre"} & set(german)
    english = cells(web.get("/workbench/queries/wg-members", params={**params, "lang": "en"}).text)
    assert {"coordination", "lead", "member", "municipal integration centre"} <= set(english)


def test_sorting_by_a_coded_column_sorts_by_the_words_shown(web: httpx.Client) -> None:
    r = web.get(INVOLVEMENT, params={**RUN, "lang": "de", "sort": "relation"})
    assert r.status_code == 200 and 'aria-sort="ascending"' in r.text
    relations = cells(r.text)[1::5]
    assert relations == sorted(relations) and "Mitglied der AG" in relations


def test_downloads_keep_the_variable_names_and_codes(web: httpx.Client) -> None:
    params = {k: v for k, v in RUN.items() if k != "run"}
    r = web.get("/queries/actor-involvement", params={**params, "format": "csv", "lang": "de"})
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff")), delimiter=";"))  # German CSV
    assert rows[0] == ["concept", "relation", "item", "item_id", "label"]
    assert {"member_of", "goal_of_own_group"} <= {row[1] for row in rows[1:]}


def test_an_unknown_variable_falls_back_to_its_name() -> None:
    assert not has_label("zz_unknown")
    assert column_label("zz_unknown", "de") == column_label("zz_unknown", "en") == "zz_unknown"
    table = ResultTable(["zz_unknown"], [], labels=[column_label("zz_unknown", "de")])
    assert table.headers == [("zz_unknown", "zz_unknown")]


def test_codes_are_translated_only_in_coded_columns() -> None:
    assert coded_value("relation", "member_of", "de") == "Mitglied der AG"
    assert coded_value("how", "named", "en") == "Named as pursuing the goal"
    assert coded_value("label", "member_of", "de") is None
    assert coded_value("relation", "not_a_code", "de") is None


def test_the_sparql_editor_keeps_the_raw_names(base: str) -> None:
    with httpx.Client(base_url=base, timeout=60, headers={"Origin": base}) as c:
        query = 'SELECT ?relation ?label WHERE { BIND("member_of" AS ?relation) BIND("x" AS ?label) }'
        r = c.post("/workbench/sparql", data={"query": query}, params={"lang": "de"})
    assert r.status_code == 200
    assert headers(r.text) == ["relation", "label"] and cells(r.text) == ["member_of", "x"]


def test_a_tagged_literal_is_no_code() -> None:
    from ikg.api.web.tables import _plain

    assert _plain(Literal("member_of")) and not _plain(Literal("member_of", lang="de"))
    assert not _plain(Literal(1))


def test_every_select_variable_of_every_library_query_has_a_header_in_both_languages() -> None:
    queries = library()
    assert len(queries) >= 18
    for name, query in queries.items():
        variables = select_variables(query.text)
        assert variables, name
        assert variables == [str(v) for v in prepareQuery(query.text).algebra["PV"]], name  # the same as rdflib's
        for variable in variables:
            assert has_label(variable), (name, variable)
            for lang in LANGS:
                assert catalogue(lang).get(f"columns.{variable}") == column_label(variable, lang), (
                    name,
                    variable,
                    lang,
                )


def test_every_code_of_the_library_queries_has_words_in_both_languages() -> None:
    codes = set()
    for query in library().values():
        codes |= set(re.findall(r'BIND\("([a-z_]+)" AS \?(?:relation|how|change|kind)\)', query.text))
        codes |= set(re.findall(r'\(ikg:\w+ "([a-z_]+)"\)', query.text))
    assert {"member_of", "goal_of_own_group", "added", "cross_cutting_task", "working_group"} <= codes
    for code in codes:
        for lang in LANGS:
            assert catalogue(lang).get(f"columns.value.{code}"), (code, lang)
