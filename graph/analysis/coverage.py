"""Coverage gaps: what the concept names but nobody works on.

Action fields or cross-cutting tasks with no goal, no working group (fields only) or fewer than
two actors; goals no actor pursues; working groups that lack an actor type the concept requires
(default: a migrant organisation in every group, the participation principle).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ikg.graph.analysis import explain
from ikg.graph.analysis.finding import Finding, in_all_languages, item_ref
from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.resources import vocabulary

__all__ = [
    "DEFAULT_REQUIRED_TYPES",
    "CoverageRow",
    "actor_type_notations",
    "coverage_gaps",
    "coverage_rows",
    "goals_without_actor",
]

#: actor types every working group should include when the concept names none
DEFAULT_REQUIRED_TYPES = ("migrant_organisation",)


@dataclass(frozen=True)
class CoverageRow:
    """How well one action field or cross-cutting task is covered.

    Attributes
    ----------
    item : Item
        The action field or task.
    goals : tuple of str
        IRIs of the goals filed under it, sorted.
    groups : tuple of str
        IRIs of the working groups working in it (action fields only), sorted.
    actors : tuple of str
        IRIs of the actors working on it: pursuing one of its goals or member of one of its groups.
    gaps : tuple of str
        ``no_goal``, ``no_working_group`` (fields only), ``fewer_than_two_actors``; empty when covered.
    """

    item: Item
    goals: tuple[str, ...]
    groups: tuple[str, ...]
    actors: tuple[str, ...]
    gaps: tuple[str, ...]


def coverage_rows(net: ConceptNetwork) -> list[CoverageRow]:
    """The coverage of every action field, then every cross-cutting task (each sorted by id).

    One definition for every face: a field or task is **covered** when it has at least one goal,
    (a field) at least one working group, and at least two actors working on it; an actor works
    on it when it pursues one of its goals (named, or through the formulating AG) or is a member
    of one of its working groups.

    Parameters
    ----------
    net : ConceptNetwork

    Returns
    -------
    list of CoverageRow
    """
    pursuers = net.pursuers()
    goals_of: dict[str, list[str]] = defaultdict(list)
    for g, fs in net.goal_fields.items():
        for f in fs:
            goals_of[f].append(g)
    for g, ts in net.goal_tasks.items():
        for t in ts:
            goals_of[t].append(g)
    groups_of: dict[str, list[str]] = defaultdict(list)
    for w, fs in net.wg_fields.items():
        for f in fs:
            groups_of[f].append(w)
    rows = []
    for item in net.of_kind("action_field") + net.of_kind("task"):
        goals = sorted(set(goals_of.get(item.iri, [])))
        groups = sorted(set(groups_of.get(item.iri, []))) if item.kind == "action_field" else []
        actors = sorted(
            {a for g in goals for a in pursuers.get(g, ())} | {a for w in groups for a in net.members.get(w, ())}
        )
        gaps = []
        if not goals:
            gaps.append("no_goal")
        if item.kind == "action_field" and not groups:
            gaps.append("no_working_group")
        if len(actors) < 2:
            gaps.append("fewer_than_two_actors")
        rows.append(CoverageRow(item, tuple(goals), tuple(groups), tuple(actors), tuple(gaps)))
    return rows


def goals_without_actor(net: ConceptNetwork) -> list[Item]:
    """The goals no actor pursues (named for it, or member of the AG that formulated it), by id.

    Goals of the concept as a whole (``ebene = konzept``) are not counted: they are everybody's.

    Parameters
    ----------
    net : ConceptNetwork

    Returns
    -------
    list of Item
    """
    pursuers = net.pursuers()
    return [g for g in net.goals if g.subkind != "concept_goal" and not pursuers.get(g.iri)]


def coverage_gaps(net: ConceptNetwork, required_types: Sequence[str] | None = None) -> list[Finding]:
    """Fields and tasks nobody covers, goals nobody pursues, groups without a required actor type.

    Parameters
    ----------
    net : ConceptNetwork
    required_types : sequence of str, optional
        Actor type notations every working group should include. Default: the concept's own
        ``required_actor_types``, else :data:`DEFAULT_REQUIRED_TYPES`.

    Returns
    -------
    list of Finding
        Most severe first: items with several gaps before items with one.
    """
    required = (
        list(required_types) if required_types is not None else (net.required_types or list(DEFAULT_REQUIRED_TYPES))
    )
    out: list[Finding] = []
    for row in coverage_rows(net):
        if row.gaps:
            out.append(
                _coverage_finding(net, row.item, list(row.gaps), list(row.goals), list(row.groups), list(row.actors))
            )
    out.extend(_goal_without_actor_finding(net, goal) for goal in goals_without_actor(net))
    for wg in net.of_kind("working_group"):
        members = [net.items[a] for a in net.members.get(wg.iri, ())]
        present = {m.subkind for m in members}
        missing = [t for t in required if t not in present]
        if missing:
            out.append(_missing_type_finding(net, wg, missing, members))
    severity = {"no_goal": 3, "no_working_group": 2, "fewer_than_two_actors": 1, "no_actor": 3, "missing_type": 1}
    for finding in out:
        object.__setattr__(finding, "score", float(sum(severity[g] for g in finding.evidence["gaps"])))
    order = {"action_field": 0, "task": 1, "goal": 2, "working_group": 3}
    return sorted(out, key=lambda f: (-f.score, order[f.subjects[0].kind], f.subjects[0].id))


def _coverage_finding(
    net: ConceptNetwork, item: Item, gaps: list[str], goals: list[str], groups: list[str], actors: list[str]
) -> Finding:
    reasons = in_all_languages(explain.coverage_reasons, item, gaps, [net.items[a] for a in actors])
    evidence = {
        "gaps": gaps,
        "goals": [item_ref(net.items[g]) for g in goals],
        "working_groups": [item_ref(net.items[w]) for w in groups],
        "actors": [item_ref(net.items[a]) for a in actors],
    }
    return Finding("coverage", net.concept, (item,), 0.0, reasons, evidence)


def _goal_without_actor_finding(net: ConceptNetwork, goal: Item) -> Finding:
    fields = [net.items[f] for f in net.goal_fields.get(goal.iri, [])]
    wg = net.formulated_by.get(goal.iri)
    group = net.items[wg] if wg else None
    reasons = in_all_languages(explain.goal_without_actor_reasons, goal, fields, group)
    evidence = {
        "gaps": ["no_actor"],
        "action_fields": [item_ref(f) for f in fields],
        "working_group": item_ref(group) if group else None,
    }
    return Finding("coverage", net.concept, (goal,), 0.0, reasons, evidence)


def _missing_type_finding(net: ConceptNetwork, wg: Item, missing: list[str], members: list[Item]) -> Finding:
    reasons = in_all_languages(explain.missing_type_reasons, net, wg, missing, len(members))
    evidence = {
        "gaps": ["missing_type"],
        "missing_types": missing,
        "member_types": sorted(Counter(m.subkind for m in members).items()),
    }
    return Finding("coverage", net.concept, (wg,), 0.0, reasons, evidence)


def actor_type_notations() -> set[str]:
    """The notations of the actor types of the ontology (``school``, ``migrant_organisation``, ...).

    Returns
    -------
    set of str
        The last path segment of each actor type IRI of the vocabulary.

    Examples
    --------
    >>> {"school", "migrant_organisation"} <= actor_type_notations()
    True
    """
    return {iri.rsplit("/", 1)[-1] for iri in vocabulary("actor_type").values()}
