"""The key figures of a concept: computed once, with one definition each, shown by every face.

The start-up summary of ``ikg up``, ``ikg info``, the report (HTML, Word, PDF) and the workbench
all show these numbers; they take them from here (or, for the counts of resources, from
:func:`ikg.graph.library.inventory.list_concepts`, which counts the same way), so they cannot
disagree. The definitions:

``actors``, ``working_groups``, ``memberships``, ``goals``, ``action_fields``, ...
    (also ``cross_cutting_tasks``, ``cooperations``, ``indicators``, ``events``): the number of
    resources of that class in the concept's graph (:data:`ikg.graph.library.inventory.KINDS`).
    ``goals`` counts every goal, the goals of the concept as a whole (``ebene = konzept``)
    included; ``concept_goals`` says how many of them those are.
``towns``
    The different towns the actors are located in.
``ties``
    Pairs of actors with a tie: they share a working group or cooperate.
``communities``
    Groups of the actor network found by the Leiden algorithm (modularity, seed 42); actors
    without a tie belong to none.
``goals_without_actor``
    Goals (concept goals not counted) that no actor pursues. An actor **pursues** a goal it is
    named for or that a working group it is a member of formulated: the same rule everywhere.
``uncovered_fields``, ``uncovered_tasks``
    Action fields and cross-cutting tasks that are not covered: no goal, (a field) no working
    group, or fewer than two actors working on it (:func:`~ikg.graph.analysis.coverage.coverage_rows`).
``isolates``
    Actors without any tie.
``missing_links``, ... (``findings``)
    The number of findings of each kind of networking gap, before any cut to the top ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ikg.graph.analysis.coverage import CoverageRow, coverage_rows, goals_without_actor
from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.analysis.ties import Ties
from ikg.graph.i18n import Lang

__all__ = ["COUNTED", "FIGURES", "Figures", "compute_figures"]

#: the counts of resources, in the order faces show them (kinds of the inventory)
COUNTED = (
    "actors",
    "working_groups",
    "memberships",
    "goals",
    "action_fields",
    "cross_cutting_tasks",
    "cooperations",
    "indicators",
    "events",
)
#: every key figure, in the order the report shows them
FIGURES = (
    "actors",
    "towns",
    "working_groups",
    "memberships",
    "goals",
    "concept_goals",
    "action_fields",
    "cross_cutting_tasks",
    "cooperations",
    "indicators",
    "events",
    "ties",
    "communities",
    "goals_without_actor",
    "uncovered_fields",
    "uncovered_tasks",
    "isolates",
)


@dataclass(frozen=True)
class Figures:
    """The key figures of one concept.

    Attributes
    ----------
    concept : str
    values : dict
        Every key of :data:`FIGURES` to its number.
    coverage : tuple of CoverageRow
        Every action field, then every cross-cutting task, with its goals, groups, actors, gaps.
    uncovered : dict
        ``action_fields_without_goal``, ``action_fields_without_wg``, ``tasks_without_goal``,
        ``goals_without_actor`` to the items concerned, sorted by id.
    findings : dict
        Kind of networking gap to its number of findings (only the kinds that were analysed).
    """

    concept: str
    values: dict[str, int]
    coverage: tuple[CoverageRow, ...]
    uncovered: dict[str, list[Item]]
    findings: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> int:
        """The figure ``key`` (a key of :data:`FIGURES`)."""
        return self.values[key]

    def to_dict(self, lang: str = "de") -> dict[str, Any]:
        """The figures as JSON-ready data (labels of the uncovered items in ``lang``)."""
        chosen: Lang = "en" if lang == "en" else "de"
        return {
            "concept": self.concept,
            "figures": {k: self.values[k] for k in FIGURES},
            "findings": dict(self.findings),
            "uncovered": {k: [i.label(chosen) for i in v] for k, v in self.uncovered.items()},
            "coverage": [
                {
                    "id": r.item.id,
                    "kind": r.item.kind,
                    "goals": len(r.goals),
                    "working_groups": len(r.groups) if r.item.kind == "action_field" else None,
                    "actors": len(r.actors),
                    "gaps": list(r.gaps),
                }
                for r in self.coverage
            ],
        }


def compute_figures(
    net: ConceptNetwork, ties: Ties, communities: int, totals: Mapping[str, int] | None = None
) -> Figures:
    """Compute the key figures of one concept.

    Parameters
    ----------
    net : ConceptNetwork
        From :func:`ikg.graph.analysis.network.load_network` (its ``counts`` hold the resources).
    ties : Ties
        The actor network of ``net``.
    communities : int
        The number of Leiden communities (``len(info["communities"])`` of the metrics).
    totals : mapping, optional
        Kind of networking gap to its number of findings.

    Returns
    -------
    Figures

    Examples
    --------
    >>> from ikg.graph.ingest.importer import open_store
    >>> from ikg.graph.analysis.gaps import analyse
    >>> from ikg.graph.analysis.network import load_network
    >>> figures = analyse(load_network(open_store(":memory:"), "beispielkreis-2024")).figures
    >>> figures["goals"], figures["concept_goals"], figures["goals_without_actor"]
    (26, 2, 1)
    """
    rows = coverage_rows(net)
    fields = [r for r in rows if r.item.kind == "action_field"]
    tasks = [r for r in rows if r.item.kind == "task"]
    counts = net.counts or _counts_of(net)
    without = goals_without_actor(net)
    values = {k: int(counts.get(k, 0)) for k in COUNTED}
    values.update(
        towns=len({a.town for a in net.actors if a.town}),
        concept_goals=sum(1 for g in net.goals if g.subkind == "concept_goal"),
        ties=len(ties.edges()[0]),
        communities=int(communities),
        goals_without_actor=len(without),
        uncovered_fields=sum(1 for r in fields if r.gaps),
        uncovered_tasks=sum(1 for r in tasks if r.gaps),
        isolates=int(np.count_nonzero(ties.degree == 0)),
    )
    uncovered = {
        "action_fields_without_goal": [r.item for r in fields if "no_goal" in r.gaps],
        "action_fields_without_wg": [r.item for r in fields if "no_working_group" in r.gaps],
        "tasks_without_goal": [r.item for r in tasks if "no_goal" in r.gaps],
        "goals_without_actor": without,
    }
    return Figures(net.concept, {k: values[k] for k in FIGURES}, tuple(rows), uncovered, dict(totals or {}))


def _counts_of(net: ConceptNetwork) -> dict[str, int]:
    """Counts from the network itself, for a network not read from a store (tests, examples)."""
    return {
        "actors": len(net.actors),
        "working_groups": len(net.of_kind("working_group")),
        "memberships": sum(len(v) for v in net.members.values()),
        "goals": len(net.goals),
        "action_fields": len(net.of_kind("action_field")),
        "cross_cutting_tasks": len(net.of_kind("task")),
        "cooperations": len(net.cooperations),
    }
