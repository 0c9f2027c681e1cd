"""Gaps in the structure of the actor network: brokers and bridges, silos, isolates.

``broker``
    Articulation points (actors whose absence splits the network), the actors with the highest
    betweenness, and bridges between groups of actors, with Burt's constraint and effective size
    as evidence (:mod:`ikg.graph.analysis.metrics`).
``silo``
    Communities (Leiden [1]_, optimising modularity) with few ties to the rest, and towns whose
    actors meet no actor from another town although they share goals with some.
``isolate``
    Actors with no tie at all (reported apart: constraint is undefined for them).

All work on the sparse tie matrix (:class:`~ikg.graph.analysis.ties.Ties`) and the metrics
computed on it, never on a Python object per tie.

References
----------
.. [1] V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden: guaranteeing well-connected
   communities", *Scientific Reports* 9:5233, 2019.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

import numpy as np
import scipy.sparse as sp

from ikg.graph.analysis import explain
from ikg.graph.analysis.finding import Finding, in_all_languages, item_ref
from ikg.graph.analysis.metrics import ActorMetrics, to_igraph
from ikg.graph.analysis.model import ConceptNetwork, Item
from ikg.graph.analysis.ties import Ties

__all__ = ["SILO_MAX_EXTERNAL_SHARE", "brokers", "isolates", "silos"]

#: a community is a silo when at most this share of its members' ties leads outside it
SILO_MAX_EXTERNAL_SHARE = 0.1


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
        The actor network (:func:`ikg.graph.analysis.ties.actor_ties`).
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


def _components(w: sp.spmatrix) -> np.ndarray:
    """Component label of every row of a symmetric matrix (igraph's C core; labels only tell apart).

    igraph is loaded already for the metrics; scipy's ``csgraph`` would import ``scipy.sparse.linalg``
    and ``scipy.linalg`` (a quarter of a second) for this one call.
    """
    return np.asarray(to_igraph(sp.csr_matrix(w)).connected_components().membership, dtype=np.int64)


def _without(ties: Ties, i: int) -> np.ndarray:
    """Component labels of the actor network with actor ``i`` taken out (its own label is -1)."""
    keep = np.ones(len(ties.actors), dtype=bool)
    keep[i] = False
    w = ties.weight
    mask = sp.diags(keep.astype(np.float64))
    labels = _components(mask @ w @ mask)
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
    piece = _components(rest)
    size = Counter(piece.tolist())
    forest: dict[int, list[int]] = defaultdict(list)  # piece to the pieces a bridge joins it to
    for u, v in bridges:
        forest[int(piece[u])].append(int(piece[v]))
        forest[int(piece[v])].append(int(piece[u]))
    below: dict[tuple[int, int], int] = {}
    reached: set[int] = set()
    for root in sorted(forest):
        if root in reached:
            continue
        reached.add(root)
        edges: list[tuple[int, int]] = []  # tree edges (parent, child); a child's own come after it
        stack = [root]
        while stack:
            parent = stack.pop()
            for child in forest[parent]:
                if child not in reached:
                    reached.add(child)
                    edges.append((parent, child))
                    stack.append(child)
        tree = [root, *(child for _, child in edges)]
        whole = sum(size[p] for p in tree)
        sub = {p: size[p] for p in tree}
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
    reasons = in_all_languages(explain.broker_reasons, actor, m, [[net.items[a] for a in p] for p in parts])
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
    reasons = in_all_languages(explain.bridge_reasons, u, v, [net.items[w] for w in groups], cooperation, n_u, n_v)
    evidence = {
        "bridge": True,
        "sides": [n_u, n_v],
        "via_groups": [item_ref(net.items[w]) for w in groups],
        "cooperation": cooperation,
    }
    return Finding("broker", net.concept, (u, v), float(min(n_u, n_v)) / len(net.actors), reasons, evidence)


# --- silos -----------------------------------------------------------------------------------------


def silos(net: ConceptNetwork, ties: Ties, info: dict[str, Any]) -> list[Finding]:
    """Communities with few ties to the rest, and towns that meet no other town.

    A community (Leiden, fixed seed) is a silo when at most :data:`SILO_MAX_EXTERNAL_SHARE` of
    its members' ties lead outside it. A town is a silo when none of its actors has a tie to an
    actor of another town while some of them share goals with actors elsewhere. A community that
    holds exactly the actors of a town silo is reported once, as the town silo.
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
    towns = _town_silos(net, ties)
    out = _without_doubles(out, towns)
    out.extend(towns)
    return sorted(out, key=lambda f: (-f.score, f.evidence.get("town", ""), f.subjects[0].id))


def _without_doubles(groups: list[Finding], towns: list[Finding]) -> list[Finding]:
    """The community silos that are not a town silo too (the same actors): each silo is listed once.

    A town silo says more (the town and the goals shared across its border); the number of the
    community it also is goes into its evidence as ``same_community``.
    """
    by_actors = {frozenset(f.evidence["actors"]): f for f in towns}
    kept = []
    for f in groups:
        town = by_actors.get(frozenset(f.evidence["actors"]))
        if town is None:
            kept.append(f)
        else:
            town.evidence["same_community"] = f.evidence["community"]
    return kept


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
    reasons = in_all_languages(explain.community_reasons, number, len(items), towns, inside, len(outside), through)
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
    reasons = in_all_languages(explain.town_reasons, town, len(actors), goals, other_towns)
    evidence = {
        "town": town,
        "actors": [a.id for a in actors],
        "shared_goals": [item_ref(g) for g in goals],
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
        reasons = in_all_languages(explain.isolate_reasons, actor, goals, [net.items[b] for b in others])
        evidence = {
            "goals": [item_ref(g) for g in goals],
            "could_meet": [net.items[b].id for b in others],
            "type": actor.subkind,
        }
        out.append(Finding("isolate", net.concept, (actor,), float(len(others)), reasons, evidence))
    return sorted(out, key=lambda f: (-f.score, f.subjects[0].id))
