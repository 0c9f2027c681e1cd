"""One set of figures: the summary, ``ikg info``, the report and the workbench's counts agree, for both shipped concepts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ikg.graph.analysis.gaps import Analysis, analyse
from ikg.graph.analysis.network import load_network
from ikg.graph.ingest.importer import open_store
from ikg.graph.library.inventory import list_concepts
from ikg.graph.library.overview import uncovered
from ikg.graph.store.base import StoreLike
from ikg.viz.report import write_report

CONCEPTS = ("beispielkreis-2024", "mettmann-2015")


@pytest.fixture(scope="module")
def shipped() -> StoreLike:
    return open_store(":memory:")


@pytest.fixture(scope="module")
def analyses(shipped: StoreLike) -> dict[str, Analysis]:
    return {c: analyse(load_network(shipped, c)) for c in CONCEPTS}


def test_hand_checked_figures(analyses: dict[str, Analysis]) -> None:
    b = analyses["beispielkreis-2024"].figures
    assert (b["actors"], b["towns"], b["working_groups"], b["memberships"]) == (60, 10, 6, 50)
    assert (b["goals"], b["concept_goals"], b["goals_without_actor"]) == (26, 2, 1)  # README: 26 goals, 1 without actor
    assert (b["cooperations"], b["isolates"], b["uncovered_fields"], b["uncovered_tasks"]) == (30, 3, 2, 1)
    assert [i.id for i in b.uncovered["goals_without_actor"]] == ["z-bildungsberatung-eltern"]
    m = analyses["mettmann-2015"].figures
    assert (m["goals"], m["concept_goals"], m["goals_without_actor"], m["memberships"]) == (13, 4, 9, 0)
    # no membership is recorded in 2015: no field has two actors, so none is covered
    assert m["uncovered_fields"] == 6 and all(r.gaps for r in m.coverage)


def test_skizzenbach_silo_is_listed_once(analyses: dict[str, Analysis]) -> None:
    silos = analyses["beispielkreis-2024"].findings["silo"]
    assert [f.evidence.get("town") for f in silos] == ["Skizzenbach"]
    assert silos[0].evidence["same_community"] > 0


@pytest.mark.parametrize("concept", CONCEPTS)
def test_inventory_summary_and_report_agree(
    concept: str, shipped: StoreLike, analyses: dict[str, Analysis], tmp_path: Path
) -> None:
    figures = analyses[concept].figures
    info = next(c for c in list_concepts(shipped) if c.id == concept)  # ikg info and the workbench
    for kind, n in info.counts.items():
        assert figures[kind] == n, kind
    summary = uncovered(shipped, concept, "de")  # the start-up summary's lists
    assert {k: len(v) for k, v in summary.items()} == {k: len(v) for k, v in figures.uncovered.items()}
    write_report(analyses[concept].network, analyses[concept], tmp_path, "de")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    shown = dict(re.findall(r'<tr data-figure="(\w+)"><th scope="row">[^<]*</th><td class="n">([\d.]+)</td>', page))
    for key, value in figures.values.items():
        assert int(shown[key].replace(".", "")) == value, key
    assert int(shown["missing_links"]) == figures.findings["missing-link"]
    covered = page.count('<span class="ok">')
    assert covered == sum(1 for r in figures.coverage if not r.gaps)
    assert "Louvain" not in page and "Leiden" in page


def test_cli_info_and_up_agree(run_ikg: Callable, analyses: dict[str, Analysis]) -> None:
    info = run_ikg("--store", ":memory:", "--lang", "de", "info")
    assert info.returncode == 0, info.stderr
    assert "Ziele 26" in info.stdout and "Ziele 13" in info.stdout
    up = run_ikg("--store", ":memory:", "--lang", "de", "up", "--no-serve", "--out", "r")
    assert up.returncode == 0, up.stderr
    for concept in CONCEPTS:
        n = analyses[concept].figures["goals_without_actor"]
        block = up.stdout.split(concept + ":")[1]
        assert f"Ziele ohne verfolgenden Akteur ({n})" in block
