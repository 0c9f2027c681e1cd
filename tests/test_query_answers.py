"""Hand-checked answers of the named queries on the SMALL concept and a revised version of it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ikg.graph.ingest.importer import ensure_ready, import_spreadsheet
from ikg.graph.library.named import run_named
from ikg.graph.store.embedded import Store

from .conftest import SMALL, write_csv_set


def _revised() -> dict[str, list[list[str]]]:
    """SMALL as ``kleinstadt-2021``: the migrant organisation left, two goals without actor added."""
    tables = copy.deepcopy(SMALL)
    tables["konzept"][1][0] = "kleinstadt-2021"
    tables["akteure"] = [row for row in tables["akteure"] if row[0] != "mo"]
    tables["mitgliedschaften"] = [row for row in tables["mitgliedschaften"] if row[0] != "mo"]
    tables["kooperationen"] = tables["kooperationen"][:1]
    tables["ziele"].append(["z4", "Elternarbeit", "sprache", "", "ag-sprache", "", "", ""])
    tables["ziele"].append(["z5", "Willkommenskultur", "kultur", "", "", "", "", ""])
    return tables


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Store:
    base: Path = tmp_path_factory.mktemp("answers")
    store = Store(":memory:")
    ensure_ready(store, seed=False)
    import_spreadsheet(store, write_csv_set(base / "2020"))
    import_spreadsheet(store, write_csv_set(base / "2021", _revised()))
    return store


def _column(store: Store, name: str, params: dict[str, str], *cols: str) -> list[tuple[str, ...]]:
    names, rows = run_named(store, name, params)
    return [tuple("" if r[names.index(c)] is None else str(r[names.index(c)]) for c in cols) for r in rows]


def test_concept_diff_lists_added_and_removed(both: Store) -> None:
    got = _column(both, "concept-diff", {"old": "kleinstadt-2020", "new": "kleinstadt-2021"}, "change", "kind", "id")
    assert got == [("added", "goal", "z4"), ("added", "goal", "z5"), ("removed", "actor", "mo")]
    back = _column(both, "concept-diff", {"old": "kleinstadt-2021", "new": "kleinstadt-2020"}, "change", "kind", "id")
    assert back == [("added", "actor", "mo"), ("removed", "goal", "z4"), ("removed", "goal", "z5")]
    same = _column(both, "concept-diff", {"old": "kleinstadt-2020", "new": "kleinstadt-2020"}, "id")
    assert same == []


def test_wg_members_with_role_and_since(both: Store) -> None:
    got = _column(
        both, "wg-members", {"wg_id": "ag-sprache", "concept": "kleinstadt-2020"}, "actor_id", "role", "since"
    )
    assert sorted(got) == [("ki", "lead", "2014-02-01"), ("verein", "member", "")]


def test_cooperations_with_since_and_description(both: Store) -> None:
    got = _column(both, "cooperations", {}, "concept", "actor_a", "actor_b", "since", "description")
    assert got == [("https://w3id.org/ikg/graph/kleinstadt-2020", "ki", "mo", "2013", "Elterncafé")]
    assert _column(both, "cooperations", {"concept": "kleinstadt-2021"}, "actor_a") == []


def test_shared_goals_of_two_actors(both: Store) -> None:
    params = {"actor_a": "verein", "actor_b": "schule", "concept": "kleinstadt-2020"}
    got = _column(both, "shared-goals", params, "goal_id", "shared_working_group")
    assert got == [("z1", "false")]
    same_group = {"actor_a": "ki", "actor_b": "verein", "concept": "kleinstadt-2020"}
    assert _column(both, "shared-goals", same_group, "goal_id", "shared_working_group") == [
        ("z1", "true"),
        ("z3", "true"),
    ]


def test_goal_pursuers_and_goals_without_actor(both: Store) -> None:
    got = _column(both, "goal-pursuers", {"goal_id": "z1", "concept": "kleinstadt-2020"}, "how", "actor_id")
    assert got == [
        ("member_of_formulating_group", "ki"),
        ("member_of_formulating_group", "verein"),
        ("named", "schule"),
        ("named", "verein"),
    ]
    assert _column(both, "goals-without-actor", {"concept": "kleinstadt-2020"}, "goal_id") == []
    assert _column(both, "goals-without-actor", {"concept": "kleinstadt-2021"}, "goal_id", "wg_id", "wg_members") == [
        ("z4", "ag-sprache", "2"),
        ("z5", "", ""),
    ]


def test_actors_without_membership(both: Store) -> None:
    assert _column(both, "actors-without-membership", {"concept": "kleinstadt-2020"}, "actor_id") == [("stadt",)]


def test_actor_involvement(both: Store) -> None:
    got = _column(
        both, "actor-involvement", {"actor_id": "schule", "concept": "kleinstadt-2020"}, "relation", "item_id"
    )
    assert got == [
        ("goal_of_own_group", "z2"),
        ("member_of", "ag-arbeit"),
        ("pursues", "z1"),
        ("pursues", "z2"),
    ]
