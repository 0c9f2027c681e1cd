"""Networking gaps of a concept: ranked findings, each with its reasons and evidence.

Five kinds (docs/design.md, "Networking gaps"):

``missing-link``
    Two actors who pursue the same goals but have no tie (no shared working group, no
    cooperation). Ranked by affinity: Adamic–Adar [1]_ over the goals they share on the
    actor–goal two-mode graph (a goal pursued by ``n`` actors adds ``1 / ln n``, so rare goals
    weigh more), plus a quarter of the same sum over the action fields they share (fields are
    broad; they only break ties between similar goal overlaps). Computed with sparse matrices in
    row chunks: no loop over pairs.
``coverage``
    Action fields or cross-cutting tasks with no goal, no working group (fields only) or fewer
    than two actors; goals no actor pursues; working groups that lack an actor type the concept
    requires (default: a migrant organisation in every group, the participation principle).
``broker``
    Articulation points (actors whose absence splits the network), the actors with the highest
    betweenness, and bridges between groups of actors, with Burt's constraint and effective size
    as evidence (:mod:`ikg.graph.analysis.metrics`).
``silo``
    Communities (Leiden [2]_, optimising modularity) with few ties to the rest, and towns whose
    actors meet no actor from another town although they share goals with some.
``isolate``
    Actors with no tie at all (reported apart: constraint is undefined for them).

Every finding has ``reasons`` as sentences in German and English (worded by
:mod:`ikg.graph.analysis.explain` from the ``gaps`` message catalogue) and ``evidence`` as structured
data (shared goals, fields, towns, actor types). The same data gives the same findings in the
same order. Scores rank findings within one kind; they are not comparable across kinds.

References
----------
.. [1] L. A. Adamic, E. Adar, "Friends and neighbors on the Web", *Social Networks* 25(3):211-230,
   2003.
.. [2] V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
   communities", *Scientific Reports* 9:5233, 2019.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from ikg.graph.analysis import explain
from ikg.graph.analysis.metrics import ActorMetrics, metrics, structural_holes_soon
from ikg.graph.analysis.network import (
    ConceptNetwork,
    Item,
    Ties,
    actor_goal_matrix,
    actor_ties,
    choose_concepts,
    load_network,
)
from ikg.graph.errors import InputError
from ikg.graph.i18n import LANGS, Lang
from ikg.graph.resources import vocabulary
from ikg.graph.store.embedded import Store

__all__ = [
    "DEFAULT_REQUIRED_TYPES",
    "FIELD_WEIGHT",
    "KINDS",
    "SILO_MAX_EXTERNAL_SHARE",
    "Analysis",
    "Finding",
    "actor_type_notations",
    "analyse",
    "analyse_store",
    "brokers",
    "coverage_gaps",
    "isolates",
    "missing_links",
    "silos",
]

KINDS = ("missing-link", "coverage", "broker", "silo", "isolate")
#: weight of shared action fields relative to shared goals in the affinity
FIELD_WEIGHT = 0.25
#: actor types every working group should include when the concept names none
DEFAULT_REQUIRED_TYPES = ("migrant_organisation",)
#: a community is a silo when at most this share of its members' ties leads outside it
SILO_MAX_EXTERNAL_SHARE = 0.1
_CHUNK = 2048


@dataclass(frozen=True)
class Finding:
    """One networking gap.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    concept : str
        The concept id.
    subjects : tuple of Item
        What the finding is about (two actors for a missing link, a field, a group, ...).
    score : float
        Rank within the kind (higher first).
    reasons : dict
        ``{"de": [...], "en": [...]}``: sentences a coordinator can read out.
    evidence : dict
        Structured facts behind the reasons (JSON-serialisable).
    """

    kind: str
    concept: str
    subjects: tuple[Item, ...]
    score: float
    reasons: dict[str, list[str]]
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """The finding as JSON-ready data with reasons in one language.

        Returns
        -------
        dict
            ``kind``, ``concept``, ``subjects`` (``iri``, ``id``, ``kind``, ``label`` each),
            ``score``, ``reasons`` (list of str), ``evidence``.
        """
        return {
            "kind": self.kind,
            "concept": self.concept,
            "subjects": [{"iri": s.iri, "id": s.id, "kind": s.kind, "label": s.label(lang)} for s in self.subjects],
            "score": round(self.score, 6),
            "reasons": list(self.reasons[lang]),
            "evidence": self.evidence,
        }


@dataclass
class Analysis:
    """Everything the gap analysis of one concept found.

    Attributes
    ----------
    concept : str
    findings : dict
        Kind to its findings, ranked.
    totals : dict
        Kind to the number of findings before any ``top`` cut.
    metrics : dict
        Actor IRI to :class:`~ikg.graph.analysis.metrics.ActorMetrics`.
    info : dict
        How metrics were computed (betweenness method, communities, articulation points,
        bridges).
    network : ConceptNetwork
    """

    concept: str
    findings: dict[str, list[Finding]]
    totals: dict[str, int]
    metrics: dict[str, ActorMetrics]
    info: dict[str, Any]
    network: ConceptNetwork

    def all(self, kinds: Iterable[str] = KINDS) -> list[Finding]:
        """The findings of the given kinds, kind by kind in :data:`KINDS` order."""
        wanted = set(kinds)
        return [f for k in KINDS if k in wanted for f in self.findings.get(k, [])]


# --- small helpers ------------------------------------------------------------------------------


def _ref(item: Item) -> dict[str, str]:
    return {"iri": item.iri, "id": item.id, "label_de": item.label("de"), "label_en": item.label("en")}


def _in_all_languages(explain_in: Callable[..., list[str]], *facts: Any) -> dict[str, list[str]]:
    """The reasons in every language ikg speaks: ``explain_in(*facts, lang)`` for each."""
    return {lang: explain_in(*facts, lang) for lang in LANGS}


def _aa_weights(counts: np.ndarray) -> np.ndarray:
    """Adamic–Adar weight per column: ``1 / ln n`` for ``n >= 2`` sharers, else 0."""
    safe = np.where(counts >= 2, counts, math.e)
    return np.where(counts >= 2, 1.0 / np.log(safe), 0.0)


def _actor_field_matrix(net: ConceptNetwork, actors: list[str]) -> tuple[sp.csr_matrix, list[str]]:
    """Actor–action field incidence: fields of the goals it pursues and of its working groups."""
    fields = [f.iri for f in net.of_kind("action_field")]
    col = {f: j for j, f in enumerate(fields)}
    row = {a: i for i, a in enumerate(actors)}
    pairs: set[tuple[int, int]] = set()
    for goal, pursuers in net.pursuers().items():
        for f in net.goal_fields.get(goal, ()):
            pairs.update((row[a], col[f]) for a in pursuers if f in col)
    for wg, members in net.members.items():
        for f in net.wg_fields.get(wg, ()):
            pairs.update((row[a], col[f]) for a in members if a in row and f in col)
    rows, cols = (list(x) for x in zip(*sorted(pairs), strict=True)) if pairs else ([], [])
    data = np.ones(len(rows))
    return sp.csr_matrix((data, (rows, cols)), shape=(len(actors), len(fields))), fields


# --- missing links -------------------------------------------------------------------------------


def missing_links(net: ConceptNetwork, top: int | None = 10, ties: Ties | None = None) -> tuple[list[Finding], int]:
    """Pairs of actors that pursue the same goals but have no tie, ranked by affinity.

    Parameters
    ----------
    net : ConceptNetwork
    top : int or None
        How many to explain and return (``None``: all).
    ties : Ties, optional
        The actor network, if already built (:func:`ikg.graph.analysis.network.actor_ties`).

    Returns
    -------
    findings : list of Finding
        Highest affinity first; equal scores by actor ids.
    total : int
        Number of such pairs in all.

    Notes
    -----
    With ``A`` the actor–goal incidence and ``W = diag(1 / ln n_g)``, the goal affinity of all
    pairs is ``A W Aᵀ``; it is computed for blocks of rows, tied pairs (``M Mᵀ + C``, ``M`` the
    actor–group incidence, ``C`` the cooperations) are removed in the same block, so memory is
    bounded by the candidate pairs, never by all pairs.
    """
    a, actors, goals = actor_goal_matrix(net)
    n = len(actors)
    if n < 2 or a.nnz == 0:
        return [], 0
    goal_counts = np.asarray(a.sum(axis=0)).ravel()
    wa = sp.csr_matrix(a @ sp.diags(_aa_weights(goal_counts)))
    at = sp.csr_matrix(a.T)
    tie_w = (ties or actor_ties(net)).weight  # same actor order as actor_goal_matrix (by id)
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    found_s: list[np.ndarray] = []
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        block = sp.triu(sp.csr_matrix(wa[start:stop] @ at), k=start + 1, format="csr")
        tied = tie_w[start:stop].multiply(block > 0)
        block = sp.csr_matrix(block - block.multiply(tied > 0))
        block.eliminate_zeros()
        coo = block.tocoo()
        found_i.append(coo.row + start)
        found_j.append(coo.col)
        found_s.append(coo.data)
    ii = np.concatenate(found_i)
    jj = np.concatenate(found_j)
    goal_score = np.concatenate(found_s)
    total = len(ii)
    if total == 0:
        return [], 0
    f_matrix, fields = _actor_field_matrix(net, actors)
    field_counts = np.asarray(f_matrix.sum(axis=0)).ravel()
    field_w = _aa_weights(field_counts)
    field_score = np.asarray(f_matrix[ii].multiply(f_matrix[jj]) @ field_w).ravel()
    score = goal_score + FIELD_WEIGHT * field_score
    ids = np.array([net.items[x].id for x in actors])
    order = np.lexsort((ids[jj], ids[ii], -np.round(score, 12)))
    if top is not None:
        order = order[:top]
    pursued: dict[str, set[str]] = defaultdict(set)
    for goal, pursuers in net.pursuers().items():
        for x in pursuers:
            pursued[x].add(goal)
    goal_n = dict(zip(goals, goal_counts.astype(int).tolist(), strict=True))
    out = []
    for k in order:
        x, y = actors[ii[k]], actors[jj[k]]
        out.append(
            _link_finding(
                net,
                net.items[x],
                net.items[y],
                sorted(pursued[x] & pursued[y] & set(goals), key=lambda g: (goal_n[g], net.items[g].id)),
                goal_n,
                [fields[c] for c in sorted(set(f_matrix[ii[k]].indices) & set(f_matrix[jj[k]].indices))],
                float(score[k]),
                float(goal_score[k]),
                float(field_score[k]),
            )
        )
    return out, total


def _link_finding(
    net: ConceptNetwork,
    x: Item,
    y: Item,
    shared_goals: list[str],
    goal_n: dict[str, int],
    shared_fields: list[str],
    score: float,
    goal_score: float,
    field_score: float,
) -> Finding:
    goals = [net.items[g] for g in shared_goals]
    fields = [net.items[f] for f in shared_fields]
    reasons = _in_all_languages(explain.link_reasons, net, x, y, goals, goal_n, fields)
    evidence = {
        "shared_goals": [{**_ref(g), "pursuers": goal_n[g.iri]} for g in goals],
        "shared_action_fields": [_ref(f) for f in fields],
        "towns": [x.town, y.town],
        "actor_types": [x.subkind, y.subkind],
        "goal_affinity": round(goal_score, 6),
        "field_affinity": round(field_score, 6),
    }
    return Finding("missing-link", net.concept, (x, y), score, reasons, evidence)


# --- coverage -------------------------------------------------------------------------------------


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
    pursuers = net.pursuers()
    required = (
        list(required_types) if required_types is not None else (net.required_types or list(DEFAULT_REQUIRED_TYPES))
    )
    out: list[Finding] = []
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
    for item in net.of_kind("action_field") + net.of_kind("task"):
        goals = sorted(goals_of.get(item.iri, []))
        groups = sorted(groups_of.get(item.iri, [])) if item.kind == "action_field" else []
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
        if gaps:
            out.append(_coverage_finding(net, item, gaps, goals, groups, actors))
    for goal in net.goals:
        if goal.subkind == "concept_goal" or pursuers.get(goal.iri):
            continue
        out.append(_goal_without_actor_finding(net, goal))
    for wg in net.of_kind("working_group"):
        members = [net.items[a] for a in net.members.get(wg.iri, ())]
        present = {m.subkind for m in members}
        missing = [t for t in required if t not in present]
        if missing:
            out.append(_missing_type_finding(net, wg, missing, members))
    severity = {"no_goal": 3, "no_working_group": 2, "fewer_than_two_actors": 1, "no_actor": 3, "missing_type": 1}
    for f in out:
        object.__setattr__(f, "score", float(sum(severity[g] for g in f.evidence["gaps"])))
    order = {"action_field": 0, "task": 1, "goal": 2, "working_group": 3}
    return sorted(out, key=lambda f: (-f.score, order[f.subjects[0].kind], f.subjects[0].id))


def _coverage_finding(
    net: ConceptNetwork, item: Item, gaps: list[str], goals: list[str], groups: list[str], actors: list[str]
) -> Finding:
    reasons = _in_all_languages(explain.coverage_reasons, item, gaps, [net.items[a] for a in actors])
    evidence = {
        "gaps": gaps,
        "goals": [_ref(net.items[g]) for g in goals],
        "working_groups": [_ref(net.items[w]) for w in groups],
        "actors": [_ref(net.items[a]) for a in actors],
    }
    return Finding("coverage", net.concept, (item,), 0.0, reasons, evidence)


def _goal_without_actor_finding(net: ConceptNetwork, goal: Item) -> Finding:
    fields = [net.items[f] for f in net.goal_fields.get(goal.iri, [])]
    wg = net.formulated_by.get(goal.iri)
    group = net.items[wg] if wg else None
    reasons = _in_all_languages(explain.goal_without_actor_reasons, goal, fields, group)
    evidence = {
        "gaps": ["no_actor"],
        "action_fields": [_ref(f) for f in fields],
        "working_group": _ref(group) if group else None,
    }
    return Finding("coverage", net.concept, (goal,), 0.0, reasons, evidence)


def _missing_type_finding(net: ConceptNetwork, wg: Item, missing: list[str], members: list[Item]) -> Finding:
    reasons = _in_all_languages(explain.missing_type_reasons, net, wg, missing, len(members))
    evidence = {
        "gaps": ["missing_type"],
        "missing_types": missing,
        "member_types": sorted(Counter(m.subkind for m in members).items()),
    }
    return Finding("coverage", net.concept, (wg,), 0.0, reasons, evidence)


# --- brokers ---------------------------------------------------------------------------------------


def brokers(
    net: ConceptNetwork,
    ties: Ties,
    per_actor: dict[str, ActorMetrics],
    info: dict[str, Any],
    top: int = 5,
    limit: int | None = None,
) -> tuple[list[Finding], int]:
    """Actors that hold the network together, and bridges between groups of actors.

    Every articulation point is reported, then the ``top`` actors by betweenness not yet
    reported, then each bridge whose both sides hold at least two actors (a bridge to a single
    actor only says that actor has one contact).

    Parameters
    ----------
    net : ConceptNetwork
    ties : Ties
        The actor network (:func:`ikg.graph.analysis.network.actor_ties`).
    per_actor, info
        From :func:`ikg.graph.analysis.metrics.metrics` on ``ties``.
    top : int
        How many actors with the highest betweenness to add after the articulation points.
    limit : int or None
        Explain only the first ``limit`` findings (``None``: all); the total counts them all.

    Returns
    -------
    findings : list of Finding
    total : int
        Number of findings before ``limit``.
    """
    row = {a: i for i, a in enumerate(ties.actors)}
    degree = ties.degree
    cut = list(info["articulation_points"])
    cut_set = set(cut)
    rank = sorted(ties.actors, key=lambda a: (-per_actor[a].betweenness, net.items[a].id))
    chosen = sorted(cut, key=lambda a: (-per_actor[a].betweenness, net.items[a].id))
    chosen += [a for a in rank[: len(cut) + top] if a not in cut_set and per_actor[a].betweenness > 0][:top]
    inner = [(u, v) for u, v in info["bridges"] if degree[row[u]] > 1 and degree[row[v]] > 1]
    total = len(chosen) + len(inner)
    room = total if limit is None else max(limit, 0)
    out = [_broker_finding(net, ties, net.items[a], per_actor[a], info) for a in chosen[:room]]
    room -= len(out)
    if inner[:room]:
        sides = _bridge_sides(ties, [(row[u], row[v]) for u, v in info["bridges"]])
        for u, v in inner[:room]:
            n_u, n_v = sides[(row[u], row[v])]
            out.append(_bridge_finding(net, net.items[u], net.items[v], n_u, n_v))
    return out, total


def _without(ties: Ties, i: int) -> np.ndarray:
    """Component labels of the actor network with actor ``i`` taken out (its own label is -1)."""
    keep = np.ones(len(ties.actors), dtype=bool)
    keep[i] = False
    w = ties.weight
    mask = sp.diags(keep.astype(np.float64))
    _, labels = csgraph.connected_components(mask @ w @ mask, directed=False)
    labels[i] = -1
    return labels


def _bridge_sides(ties: Ties, bridges: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """For each bridge ``(u, v)``: how many actors stay on ``u``'s and on ``v``'s side without it.

    All bridges are cut at once; the pieces and the bridges between them form a forest, in which
    one side of a bridge is the subtree below it and the other the rest of its tree.
    """
    n = len(ties.actors)
    w = ties.weight.tocoo()
    cut = np.array([u * n + v for u, v in bridges] + [v * n + u for u, v in bridges], dtype=np.int64)
    keep = ~np.isin(w.row.astype(np.int64) * n + w.col, cut)
    rest = sp.csr_matrix((w.data[keep], (w.row[keep], w.col[keep])), shape=w.shape)
    _, piece = csgraph.connected_components(rest, directed=False)
    size = Counter(piece.tolist())
    forest = nx.Graph()
    forest.add_edges_from((int(piece[u]), int(piece[v])) for u, v in bridges)
    below: dict[tuple[int, int], int] = {}
    for tree in nx.connected_components(forest):
        whole = sum(size[p] for p in tree)
        sub = {p: size[p] for p in tree}
        edges = list(nx.dfs_edges(forest, min(tree)))
        for parent, child in reversed(edges):
            sub[parent] += sub[child]
        for parent, child in edges:
            below[(parent, child)] = sub[child]
            below[(child, parent)] = whole - sub[child]
    return {(u, v): (below[(int(piece[v]), int(piece[u]))], below[(int(piece[u]), int(piece[v]))]) for u, v in bridges}


def _broker_finding(net: ConceptNetwork, ties: Ties, actor: Item, m: ActorMetrics, info: dict[str, Any]) -> Finding:
    parts: list[list[str]] = []
    if m.articulation_point:
        i = ties.actors.index(actor.iri)
        labels = _without(ties, i)
        seen: dict[int, list[str]] = {}
        for j in ties.neighbours(i):
            seen.setdefault(int(labels[j]), [])
        for j in np.flatnonzero(np.isin(labels, list(seen))):
            seen[int(labels[j])].append(ties.actors[j])
        parts = [sorted(c, key=lambda a: net.items[a].id) for c in seen.values()]
        parts.sort(key=lambda c: (-len(c), net.items[c[0]].id))
    groups = sorted({net.items[w].label("de") for w, ms in net.members.items() if actor.iri in ms})
    reasons = _in_all_languages(explain.broker_reasons, actor, m, [[net.items[a] for a in p] for p in parts])
    evidence = {
        "betweenness": round(m.betweenness, 6),
        "betweenness_method": info["betweenness"],
        "constraint": None if math.isnan(m.constraint) else round(m.constraint, 6),
        "effective_size": None if math.isnan(m.effective_size) else round(m.effective_size, 6),
        "degree": m.degree,
        "articulation_point": m.articulation_point,
        "parts_without_it": [[net.items[a].id for a in p] for p in parts],
        "working_groups": groups,
    }
    return Finding("broker", net.concept, (actor,), m.betweenness, reasons, evidence)


def _bridge_finding(net: ConceptNetwork, u: Item, v: Item, n_u: int, n_v: int) -> Finding:
    groups = sorted(w for w, ms in net.members.items() if u.iri in ms and v.iri in ms)
    cooperation = (min(u.iri, v.iri), max(u.iri, v.iri)) in set(net.cooperations)
    reasons = _in_all_languages(explain.bridge_reasons, u, v, [net.items[w] for w in groups], cooperation, n_u, n_v)
    evidence = {
        "bridge": True,
        "sides": [n_u, n_v],
        "via_groups": [_ref(net.items[w]) for w in groups],
        "cooperation": cooperation,
    }
    return Finding("broker", net.concept, (u, v), float(min(n_u, n_v)) / len(net.actors), reasons, evidence)


# --- silos -----------------------------------------------------------------------------------------


def silos(net: ConceptNetwork, ties: Ties, info: dict[str, Any]) -> list[Finding]:
    """Communities with few ties to the rest, and towns that meet no other town.

    A community (Leiden, fixed seed) is a silo when at most :data:`SILO_MAX_EXTERNAL_SHARE` of
    its members' ties lead outside it. A town is a silo when none of its actors has a tie to an
    actor of another town while some of them share goals with actors elsewhere.
    """
    out: list[Finding] = []
    groups: list[list[str]] = info["communities"]
    row = {a: i for i, a in enumerate(ties.actors)}
    community_of = {a: i for i, c in enumerate(groups, start=1) for a in c}
    label = np.zeros(len(ties.actors), dtype=np.int64)
    for a, c in community_of.items():
        label[row[a]] = c
    i, j, _ = ties.edges()
    same = label[i] == label[j]
    inside_n = np.bincount(label[i][same], minlength=len(groups) + 1)
    outside_n = np.bincount(label[i][~same], minlength=len(groups) + 1) + np.bincount(
        label[j][~same], minlength=len(groups) + 1
    )
    for number, members in enumerate(groups, start=1):
        if len(groups) < 2:
            break
        inside, n_out = int(inside_n[number]), int(outside_n[number])
        share = n_out / (n_out + inside) if (n_out or inside) else 0.0
        if share <= SILO_MAX_EXTERNAL_SHARE:
            outside = [(a, ties.actors[b]) for a in members for b in ties.neighbours(row[a]) if label[b] != number]
            out.append(_community_finding(net, number, members, inside, outside, community_of, share))
    out.extend(_town_silos(net, ties))
    return sorted(out, key=lambda f: (-f.score, f.evidence.get("town", ""), f.subjects[0].id))


def _community_finding(
    net: ConceptNetwork,
    number: int,
    members: list[str],
    inside: int,
    outside: list[tuple[str, str]],
    community_of: dict[str, int],
    share: float,
) -> Finding:
    items = sorted((net.items[a] for a in members), key=lambda i: i.id)
    towns = Counter(i.town for i in items if i.town).most_common()
    types = Counter(i.subkind for i in items if i.subkind).most_common()
    gateways = sorted({net.items[a].id for a, _ in outside})
    neighbours = sorted({community_of.get(b, 0) for _, b in outside})
    through = [net.items[a] for a in sorted({a for a, _ in outside})]
    reasons = _in_all_languages(explain.community_reasons, number, len(items), towns, inside, len(outside), through)
    evidence = {
        "community": number,
        "actors": [i.id for i in items],
        "towns": [list(t) for t in towns],
        "actor_types": [list(t) for t in types],
        "internal_ties": inside,
        "external_ties": len(outside),
        "external_share": round(share, 6),
        "gateways": gateways,
        "neighbour_communities": neighbours,
    }
    return Finding("silo", net.concept, tuple(items), 1.0 - share, reasons, evidence)


def _town_silos(net: ConceptNetwork, ties: Ties) -> list[Finding]:
    by_town: dict[str, list[Item]] = defaultdict(list)
    for a in net.actors:
        if a.town:
            by_town[a.town].append(a)
    if len(by_town) < 2:
        return []
    towns = sorted(by_town)
    code = {t: k for k, t in enumerate(towns, start=1)}
    town_of = np.array([code.get(net.items[a].town, 0) for a in ties.actors], dtype=np.int64)
    i, j, _ = ties.edges()
    across = (town_of[i] != town_of[j]) & (town_of[i] > 0) & (town_of[j] > 0)
    meets = set(town_of[i][across].tolist()) | set(town_of[j][across].tolist())  # meets another town
    tied = set(town_of[i].tolist()) | set(town_of[j].tolist())  # has at least one tie
    pursuers = net.pursuers()
    out = []
    for town in towns:
        actors = by_town[town]
        mine = {a.iri for a in actors}
        if code[town] not in tied or code[town] in meets:
            continue
        shared: dict[str, set[str]] = {}
        for goal, who in pursuers.items():
            inside = mine.intersection(who)
            elsewhere = {b for b in who if net.items[b].town and net.items[b].town != town}
            if inside and elsewhere and net.items[goal].subkind != "concept_goal":
                shared[goal] = elsewhere
        if not shared:
            continue
        out.append(_town_finding(net, town, actors, shared))
    return out


def _town_finding(net: ConceptNetwork, town: str, actors: list[Item], shared: dict[str, set[str]]) -> Finding:
    goals = sorted((net.items[g] for g in shared), key=lambda g: g.id)
    partners = sorted({b for who in shared.values() for b in who}, key=lambda b: net.items[b].id)
    other_towns = sorted({net.items[b].town for b in partners})
    reasons = _in_all_languages(explain.town_reasons, town, len(actors), goals, other_towns)
    evidence = {
        "town": town,
        "actors": [a.id for a in actors],
        "shared_goals": [_ref(g) for g in goals],
        "partners_elsewhere": [net.items[b].id for b in partners],
        "other_towns": other_towns,
    }
    return Finding("silo", net.concept, tuple(actors), float(len(goals)), reasons, evidence)


# --- isolates ---------------------------------------------------------------------------------------


def isolates(net: ConceptNetwork, ties: Ties) -> list[Finding]:
    """Actors with no tie at all, with the goals that could connect them."""
    pursuers = net.pursuers()
    alone = {ties.actors[i] for i in np.flatnonzero(ties.degree == 0)}
    goals_of: dict[str, list[str]] = defaultdict(list)
    for g, who in pursuers.items():
        for a in who:
            if a in alone:
                goals_of[a].append(g)
    out = []
    for actor in net.actors:
        if actor.iri not in alone:
            continue
        goals = sorted((net.items[g] for g in goals_of[actor.iri]), key=lambda g: g.id)
        others = sorted({b for g in goals for b in pursuers[g.iri] if b != actor.iri}, key=lambda b: net.items[b].id)
        reasons = _in_all_languages(explain.isolate_reasons, actor, goals, [net.items[b] for b in others])
        evidence = {
            "goals": [_ref(g) for g in goals],
            "could_meet": [net.items[b].id for b in others],
            "type": actor.subkind,
        }
        out.append(Finding("isolate", net.concept, (actor,), float(len(others)), reasons, evidence))
    return sorted(out, key=lambda f: (-f.score, f.subjects[0].id))


# --- all together -----------------------------------------------------------------------------------


def analyse(
    net: ConceptNetwork,
    kinds: Iterable[str] = KINDS,
    top: int | None = 10,
    required_types: Sequence[str] | None = None,
) -> Analysis:
    """Run the gap analysis of one concept.

    Parameters
    ----------
    net : ConceptNetwork
        From :func:`ikg.graph.analysis.network.load_network`.
    kinds : iterable of str
        Which kinds of finding to compute (metrics are always computed).
    top : int or None
        At most this many findings per kind (``None``: all).
    required_types : sequence of str, optional
        Actor types every working group should include (see :func:`coverage_gaps`).

    Returns
    -------
    Analysis

    Examples
    --------
    >>> from ikg.graph.ingest.importer import open_store
    >>> from ikg.graph.analysis.network import load_network
    >>> result = analyse(load_network(open_store(":memory:"), "mettmann-2015"), kinds=["coverage"])
    >>> [f.subjects[0].label("de") for f in result.findings["coverage"]][:2]
    ['Kultur', 'Sport']
    """
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) {sorted(unknown)}; choose from {', '.join(KINDS)}")
    if required_types is not None:
        known = actor_type_notations()
        strange = sorted(set(required_types) - known)
        if strange:
            raise InputError(key="gaps.unknown_actor_types", types=", ".join(strange), known=", ".join(sorted(known)))
    ties = actor_ties(net)
    holes = structural_holes_soon(ties)  # a child process for large networks, while the rest runs here
    found: dict[str, list[Finding]] = {}
    totals: dict[str, int] = {}
    if "missing-link" in wanted:
        found["missing-link"], totals["missing-link"] = missing_links(net, top, ties=ties)
    per_actor, info = metrics(ties, holes)
    if "coverage" in wanted:
        found["coverage"] = coverage_gaps(net, required_types)
    if "broker" in wanted:
        found["broker"], totals["broker"] = brokers(net, ties, per_actor, info, limit=top)
    if "silo" in wanted:
        found["silo"] = silos(net, ties, info)
    if "isolate" in wanted:
        found["isolate"] = isolates(net, ties)
    for kind in ("coverage", "silo", "isolate"):
        if kind in found:
            totals[kind] = len(found[kind])
            if top is not None:
                found[kind] = found[kind][:top]
    return Analysis(net.concept, found, totals, per_actor, info, net)


def actor_type_notations() -> set[str]:
    """The notations of the actor types of the ontology (``school``, ``migrant_organisation``, ...).

    Examples
    --------
    >>> {"school", "migrant_organisation"} <= actor_type_notations()
    True
    """
    return {iri.rsplit("/", 1)[-1] for iri in vocabulary("actor_type").values()}


def analyse_store(
    store: Store,
    concept: str | None = None,
    kinds: Iterable[str] = KINDS,
    top: int | None = 10,
    required_types: Sequence[str] | None = None,
) -> list[Analysis]:
    """Run :func:`analyse` on one concept of a store, or on each of its concepts.

    Parameters
    ----------
    store : Store
        Embedded or remote.
    concept : str, optional
        A concept id; all concepts (each analysed on its own) when left out.
    kinds, top, required_types
        As for :func:`analyse`.

    Returns
    -------
    list of Analysis
        One per concept, by concept id.

    Raises
    ------
    NotFoundError
        For a concept id the store does not hold (the message lists those it holds).
    InputError
        For an unknown actor type in ``required_types`` (the message lists the known ones).
    """
    return [analyse(load_network(store, c), kinds, top, required_types) for c in choose_concepts(store, concept)]
