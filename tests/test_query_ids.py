"""An id or concept given to a named query that does not exist is said, with the closest ids.

One library function (:func:`ikg.graph.library.named.check_ids`) serves the command line (exit
code 1, one line) and ``/queries/{name}`` (404, in the request's language). The Beispielkreis has
the working groups ``ag-sprache`` and ``ag-schule``, Mettmann the actor ``multiplikatoren``.
``ikg query NAME --concept X`` is short for ``--param concept=X``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from ikg.graph.errors import NotFoundError
from ikg.graph.ingest.importer import open_store
from ikg.graph.library.named import (
    ID_CLASSES,
    UnknownIdError,
    bind_params,
    check_ids,
    get_query,
    library,
    parse_query_file,
    run_named,
)
from ikg.graph.store.embedded import Store

from .live import backend, live_api

SPRACH_DE = "ag-sprach: keine Arbeitsgruppe mit dieser ID in beispielkreis-2024; meinten Sie ag-sprache?"
SPRACH_EN = "ag-sprach: no working group with this id in beispielkreis-2024; did you mean ag-sprache?"


@pytest.fixture(scope="module")
def seeded() -> Store:
    store = open_store(":memory:")  # Mettmann 2015 and the Beispielkreis
    assert isinstance(store, Store)
    return store


def _check(store: Store, name: str, params: dict[str, str]) -> None:
    query = get_query(name)
    check_ids(store, query, bind_params(query, params))


def test_a_typo_in_an_id_names_the_closest_ones(seeded: Store) -> None:
    with pytest.raises(UnknownIdError) as caught:
        _check(seeded, "wg-members", {"wg_id": "ag-sprach", "concept": "beispielkreis-2024"})
    assert caught.value.render("de") == SPRACH_DE
    assert caught.value.render("en") == str(caught.value) == SPRACH_EN
    assert isinstance(caught.value, NotFoundError)


def test_without_a_concept_every_concept_is_searched(seeded: Store) -> None:
    with pytest.raises(UnknownIdError) as caught:
        run_named(seeded, "shared-goals", {"actor_a": "schulen", "actor_b": "multiplikator"})
    assert (
        caught.value.render("en")
        == "multiplikator: no actor with this id in any concept; did you mean multiplikatoren?"
    )
    assert caught.value.render("de") == (
        "multiplikator: kein Akteur mit dieser ID in den Konzepten im Speicher; meinten Sie multiplikatoren?"
    )


def test_an_id_of_another_kind_or_concept_does_not_count(seeded: Store) -> None:
    with pytest.raises(UnknownIdError, match=r"no goal with this id in mettmann-2015$"):
        _check(seeded, "goal-pursuers", {"goal_id": "ag-sprache", "concept": "mettmann-2015"})  # an AG, not a goal
    with pytest.raises(UnknownIdError, match="in beispielkreis-2024"):
        _check(seeded, "actor-involvement", {"actor_id": "multiplikatoren", "concept": "beispielkreis-2024"})


def test_an_unknown_concept_lists_the_concepts(seeded: Store) -> None:
    with pytest.raises(NotFoundError) as caught:
        _check(seeded, "wg-members", {"wg_id": "ag-sprache", "concept": "beispielkreis-2042"})
    assert caught.value.render("en") == (
        "no concept 'beispielkreis-2042' in the store (concepts: beispielkreis-2024, mettmann-2015)"
    )


def test_existing_ids_pass_and_the_query_runs(seeded: Store) -> None:
    names, rows = run_named(seeded, "wg-members", {"wg_id": "ag-sprache", "concept": "beispielkreis-2024"})
    assert rows and {str(r[names.index("actor_id")]) for r in rows} >= {"ki-beispielkreis"}
    for query in library().values():  # every example of the library names something that exists
        check_ids(seeded, query, bind_params(query, query.example_params()))


def test_every_id_parameter_declares_its_class() -> None:
    ids = [(q.name, p.name, p.cls) for q in library().values() for p in q.params if p.type == "id"]
    assert ids and all(cls in ID_CLASSES for _, _, cls in ids), ids
    assert get_query("wg-members").params[0].as_dict()["class"] == "WorkingGroup"


@pytest.mark.parametrize("spec", ["string, class=Goal", "id, class=Gaol"])
def test_a_class_must_be_known_and_on_an_id(spec: str) -> None:
    with pytest.raises(ValueError, match="class="):
        parse_query_file("x", f"# title@de: T\n# title@en: T\n# param g ({spec}): a goal\nSELECT * {{}}")


# --- the command line


@pytest.fixture(scope="module")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("ids")
    open_store(base / "store").close()
    return base


@pytest.fixture
def ikg(seeded_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    exe = str(Path(sys.executable).with_name("ikg"))

    def run(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "IKG_STORE": str(seeded_dir / "store"), "IKG_LANG": lang}
        return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=300)

    return run


def test_cli_says_which_id_is_unknown_in_one_line(ikg: Callable) -> None:
    args = ("query", "wg-members", "--concept", "beispielkreis-2024", "-p", "wg_id=ag-sprach")
    german = ikg(*args, lang="de")
    assert german.returncode == 1 and german.stdout == ""
    assert german.stderr.splitlines() == [f"ikg: Fehler: {SPRACH_DE}"]
    english = ikg(*args, lang="en")
    assert english.returncode == 1 and english.stderr.splitlines() == [f"ikg: error: {SPRACH_EN}"]


def test_cli_concept_shortcut(ikg: Callable) -> None:
    short = ikg("query", "wg-members", "--concept", "beispielkreis-2024", "-p", "wg_id=ag-sprache", "-f", "csv")
    long = ikg("query", "wg-members", "-p", "concept=beispielkreis-2024", "-p", "wg_id=ag-sprache", "-f", "csv")
    assert short.returncode == 0, short.stderr
    assert short.stdout == long.stdout and "ki-beispielkreis" in short.stdout
    same = ikg(
        "query", "wg-members", "--concept", "mettmann-2015", "-p", "concept=mettmann-2015", "-p", "wg_id=ag-sprache"
    )
    assert same.returncode == 0, same.stderr
    conflict = ikg("query", "wg-members", "--concept", "mettmann-2015", "-p", "concept=beispielkreis-2024")
    assert conflict.returncode == 2
    assert "--concept mettmann-2015 contradicts --param concept=beispielkreis-2024" in conflict.stderr
    none = ikg("query", "concepts", "--concept", "mettmann-2015")
    assert none.returncode == 2 and "the query concepts has no parameter concept (its parameters: lang)" in none.stderr
    own = ikg("query", "-e", "ASK {}", "--concept", "mettmann-2015")
    assert own.returncode == 2 and "--concept applies to named queries only" in own.stderr


# --- HTTP


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with backend(tmp_path_factory.mktemp("ids-api")) as settings, live_api(settings) as url:
        yield url


def test_http_unknown_id_is_404_in_the_request_language(api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    params = {"wg_id": "ag-sprach", "concept": "beispielkreis-2024"}
    with httpx.Client(base_url=api, timeout=60) as client:
        r = client.get("/queries/wg-members", params={**params, "lang": "de"})
        assert r.status_code == 404 and r.text.strip() == SPRACH_DE
        r = client.get("/queries/wg-members", params={**params, "format": "xlsx", "lang": "en"})
        assert r.status_code == 404 and r.text.strip() == SPRACH_EN
        monkeypatch.delenv("IKG_LANG")
        r = client.get("/queries/wg-members", params=params, headers={"Accept-Language": "de"})
        assert r.status_code == 404 and r.text.strip() == SPRACH_DE
        r = client.get("/queries/wg-members", params={"wg_id": "ag-sprache", "concept": "nirgends"})
        assert r.status_code == 404 and "nirgends" in r.text and "mettmann-2015" in r.text
        ok = client.get("/queries/wg-members", params={"wg_id": "ag-sprache", "concept": "beispielkreis-2024"})
        assert ok.status_code == 200 and ok.json()["results"]["bindings"]
    responses = httpx.get(api + "/openapi.json").json()["paths"]["/queries/{name}"]["get"]["responses"]
    assert "id" in responses["404"]["description"]
