"""What changed between two versions: the hand-worked pair of tests/data/fortschreibung (README there)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ikg.graph.analysis.compare import Changes, compare_store
from ikg.graph.errors import NotFoundError
from ikg.graph.ingest.importer import ensure_ready, import_spreadsheet
from ikg.graph.store.embedded import Store

PAIR = Path(__file__).parent / "data" / "fortschreibung"


@pytest.fixture(scope="module")
def pair() -> Store:
    store = Store(":memory:")
    ensure_ready(store, seed=False)
    for version in ("alt", "neu"):
        import_spreadsheet(store, PAIR / version)
    return store


@pytest.fixture(scope="module")
def changes(pair: Store) -> Changes:
    return compare_store(pair, "musterstadt-2024")


def test_things_added_and_removed(changes: Changes) -> None:
    got = changes.to_dict()
    assert (got["old"], got["new"]) == ("musterstadt-2019", "musterstadt-2024")
    assert got["added"] == {
        "actors": ["e"],
        "working_groups": ["ag-sprache"],
        "goals": ["g4"],
        "ties": [["a", "b"], ["a", "d"], ["d", "e"]],
    }
    assert got["removed"] == {"actors": ["c"], "working_groups": [], "goals": ["g3"], "ties": [["c", "d"]]}


def test_gaps_closed_open_and_new(changes: Changes) -> None:
    got = changes.to_dict()
    assert got["closed"] == [
        {"kind": "missing-link", "subjects": ["a", "b"]},
        {"kind": "coverage", "subjects": ["g3"]},
        {"kind": "coverage", "subjects": ["sprache"]},
        {"kind": "isolate", "subjects": ["a"]},
        {"kind": "isolate", "subjects": ["b"]},
    ]
    assert got["still_open"] == [{"kind": "coverage", "subjects": ["g5"]}]
    assert got["new_gaps"] == [
        {"kind": "coverage", "subjects": ["ag-sprache"]},
        {"kind": "broker", "subjects": ["a"]},
        {"kind": "broker", "subjects": ["d"]},
        {"kind": "broker", "subjects": ["a", "d"]},
    ]
    assert changes.counts()["gaps_closed"] == 5


def test_old_version_must_be_in_the_store(pair: Store) -> None:
    with pytest.raises(NotFoundError):
        compare_store(pair, "musterstadt-2019")  # revises nothing
    with pytest.raises(NotFoundError, match="rahmen"):
        compare_store(pair, "musterstadt-2024", since="rahmen-2007")


def test_cli_gaps_since(run_ikg: Callable, tmp_path: Path) -> None:
    for version in ("alt", "neu"):
        result = run_ikg("--store", str(tmp_path / "s"), "--no-seed", "import", str(PAIR / version))
        assert result.returncode == 0, result.stderr
    result = run_ikg(
        "--store",
        str(tmp_path / "s"),
        "gaps",
        "--concept",
        "musterstadt-2024",
        "--since",
        "musterstadt-2019",
        "--lang",
        "de",
    )
    assert result.returncode == 0, result.stderr
    assert "Was sich seit der Fassung musterstadt-2019 geändert hat" in result.stdout
    assert "Neue Akteure (1): Kita E" in result.stdout
    assert "Geschlossene Lücken (5)" in result.stdout
    assert "Weiter offene Lücken (1): Beratung" in result.stdout
